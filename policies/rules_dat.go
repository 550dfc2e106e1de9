package policies

import "strings"

func dat1(e *env) []Violation {
	s := e.stack
	if s.Source == "" || s.Production() {
		return nil
	}
	var out []Violation
	if s.MaskedSource == "" {
		out = append(out, violation("DAT-1", e.root(), "missing", "maskedSource naming the masked copy it restores from", "a non-production stack must restore only from a masked copy"))
	} else if strings.Contains(strings.ToLower(s.MaskedSource), "production") && !strings.Contains(strings.ToLower(s.MaskedSource), "mask") {
		out = append(out, violation("DAT-1", e.root(), s.MaskedSource, "a masked copy", "maskedSource %q names production data, not a masked copy", s.MaskedSource))
	}
	for i := range e.resources {
		r := &e.resources[i]
		if r.Type == RootType || strings.HasPrefix(r.Type, "pulumi:") {
			continue
		}
		out = append(out, gcpDat1(r)...)
		walkStrings(r.Inputs, "", func(path, v string) {
			l := strings.ToLower(v)
			if (strings.HasPrefix(l, "arn:") || strings.HasPrefix(l, "urn:") || strings.HasPrefix(l, "projects/")) && strings.Contains(l, "production") && !strings.Contains(l, "non-production") {
				out = append(out, violation("DAT-1", r, v, "masked copies and non-production keys only", "non-production resource refers to production resource %s (%s)", v, path))
			}
		})
		if r.Type == "aws:iam/policy:Policy" || r.Type == "aws:iam/rolePolicy:RolePolicy" || r.Type == "aws:iam/groupPolicy:GroupPolicy" {
			doc, ok := policyDoc(r.Inputs["policy"])
			if !ok {
				continue
			}
			for _, st := range statements(doc) {
				if text(st["Effect"]) != "Allow" {
					continue
				}
				wild := false
				for _, res := range list(st["Resource"]) {
					wild = wild || show(res) == "*"
				}
				if s, ok := st["Resource"].(string); ok && s == "*" {
					wild = true
				}
				acts := list(st["Action"])
				if a, ok := st["Action"].(string); ok {
					acts = []any{a}
				}
				for _, a := range acts {
					as := show(a)
					if wild && (strings.HasPrefix(as, "kms:Decrypt") || as == "kms:*" || as == "*" || as == "s3:GetObject" || as == "s3:*" || strings.HasPrefix(as, "backup:")) {
						out = append(out, violation("DAT-1", r, as+" on *", "actions on the stack's own keys and stores only", "non-production policy %s grants %s on every resource, production keys and backups included", r.Name(), as))
					}
				}
			}
		}
	}
	return out
}

func walkStrings(m map[string]any, prefix string, f func(path, v string)) {
	for k, v := range m {
		p := k
		if prefix != "" {
			p = prefix + "." + k
		}
		switch x := v.(type) {
		case string:
			f(p, x)
		case map[string]any:
			walkStrings(x, p, f)
		case []any:
			for _, el := range x {
				switch y := el.(type) {
				case string:
					f(p, y)
				case map[string]any:
					walkStrings(y, p, f)
				}
			}
		}
	}
}

func dat2(e *env) []Violation {
	s := e.stack
	if (s.Tier != "cloud" && s.Tier != "enterprise") || !s.Production() {
		return nil
	}
	var out []Violation
	for _, db := range e.byType["aws:rds/instance:Instance"] {
		if v := db.Inputs["multiAz"]; !truthy(v) && !isUnknown(v) {
			out = append(out, violation("DAT-2", db, v, "multiAz true", "database %s runs in one zone", db.Name()))
		}
	}
	for _, c := range e.byType["aws:rds/cluster:Cluster"] {
		if zs := list(c.Inputs["availabilityZones"]); len(zs) == 1 {
			out = append(out, violation("DAT-2", c, zs[0], "at least two zones", "cluster %s runs in one zone", c.Name()))
		}
	}
	for _, svc := range e.byType["aws:ecs/service:Service"] {
		if n, ok := number(svc.Inputs["desiredCount"]); !ok || n < 2 {
			out = append(out, violation("DAT-2", svc, svc.Inputs["desiredCount"], "desiredCount at least 2", "service %s runs %s task(s), so one zone's loss stops it", svc.Name(), show(svc.Inputs["desiredCount"])))
		}
		if subs := list(get(svc.Inputs, "networkConfiguration.subnets")); len(subs) == 1 {
			out = append(out, violation("DAT-2", svc, subs[0], "subnets in at least two zones", "service %s runs in one subnet", svc.Name()))
		}
	}
	return append(out, gcpDat2(e)...)
}
