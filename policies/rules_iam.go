package policies

import (
	"strings"
	"time"

	"github.com/octura/odoo-hosting/internal/jurisdiction"
)

func iam1(e *env) []Violation {
	var out []Violation
	for _, t := range []string{"aws:iam/userPolicyAttachment:UserPolicyAttachment", "aws:iam/userPolicy:UserPolicy"} {
		for _, r := range e.byType[t] {
			out = append(out, violation("IAM-1", r, r.Inputs["user"], "a group or role (administrator, operator, auditor)", "%s grants permissions to user %s directly", r.Type, show(r.Inputs["user"])))
		}
	}
	for _, r := range e.byType["aws:iam/policyAttachment:PolicyAttachment"] {
		if us := list(r.Inputs["users"]); len(us) > 0 {
			out = append(out, violation("IAM-1", r, us[0], "groups or roles", "policy attachment %s grants to users directly", r.Name()))
		}
	}
	for _, r := range e.gcpGrants() {
		out = append(out, gcpGrant(r)...)
	}
	return out
}

// mfaDeny reports whether an IAM policy document has a Deny statement that applies
// when aws:MultiFactorAuthPresent is false (IAM-2).
func (e *env) mfaDeny(doc map[string]any) bool {
	for _, st := range statements(doc) {
		if text(st["Effect"]) != "Deny" {
			continue
		}
		for _, op := range []string{"BoolIfExists", "Bool"} {
			if v, ok := condition(st, op, "aws:MultiFactorAuthPresent"); ok && v == "false" {
				return true
			}
		}
	}
	return false
}

func iam2(e *env) []Violation {
	var out []Violation
	for _, g := range e.byType["aws:iam/group:Group"] {
		ok := false
		for _, gp := range e.attached(g, "aws:iam/groupPolicy:GroupPolicy", "group") {
			if doc, good := policyDoc(gp.Inputs["policy"]); good && e.mfaDeny(doc) || isUnknown(gp.Inputs["policy"]) {
				ok = true
			}
		}
		for _, ga := range e.attached(g, "aws:iam/groupPolicyAttachment:GroupPolicyAttachment", "group") {
			arn := ga.Inputs["policyArn"]
			pols := e.lookup(text(arn))
			if isUnknown(arn) {
				pols = e.byType["aws:iam/policy:Policy"]
			}
			for _, p := range pols {
				if doc, good := policyDoc(p.Inputs["policy"]); good && e.mfaDeny(doc) {
					ok = true
				}
			}
		}
		if !ok {
			out = append(out, violation("IAM-2", g, "no MFA deny", "a policy denying every action when aws:MultiFactorAuthPresent is false", "group %s does not deny actions without MFA", g.Name()))
		}
	}
	for _, r := range e.byType["aws:iam/role:Role"] {
		doc, ok := policyDoc(r.Inputs["assumeRolePolicy"])
		if !ok {
			continue
		}
		for _, st := range statements(doc) {
			if text(st["Effect"]) != "Allow" || mapOf(st["Principal"])["AWS"] == nil {
				continue
			}
			if v, ok := condition(st, "Bool", "aws:MultiFactorAuthPresent"); !ok || v != "true" {
				out = append(out, violation("IAM-2", r, "no MFA condition", "Condition Bool aws:MultiFactorAuthPresent true", "role %s can be assumed by people without MFA", r.Name()))
			}
		}
	}
	return append(out, gcpIAM2(e)...)
}

func breakGlass(r *Resource) bool {
	n := strings.ToLower(r.Name())
	return strings.Contains(n, "break-glass") || strings.Contains(n, "breakglass") || strings.EqualFold(text(get(r.Inputs, "tags.Purpose")), "break-glass")
}

func iam3(e *env) []Violation {
	var out []Violation
	for _, r := range e.byType["aws:iam/role:Role"] {
		if !breakGlass(r) {
			continue
		}
		pol := r.Inputs["assumeRolePolicy"]
		doc, ok := policyDoc(pol)
		if !ok {
			out = append(out, violation("IAM-3", r, pol, "a trust policy with Condition DateLessThan aws:CurrentTime within 24 hours", "break-glass role %s has a trust policy that is %s", r.Name(), describe(pol)))
			continue
		}
		for _, st := range statements(doc) {
			if text(st["Effect"]) != "Allow" {
				continue
			}
			v, ok := condition(st, "DateLessThan", "aws:currenttime")
			if !ok {
				v, ok = condition(st, "DateLessThan", "aws:CurrentTime")
			}
			if !ok {
				out = append(out, violation("IAM-3", r, "no expiry", "Condition DateLessThan aws:CurrentTime within 24 hours", "break-glass role %s never expires", r.Name()))
				continue
			}
			t, err := time.Parse(time.RFC3339, strings.ToUpper(v))
			if err != nil {
				out = append(out, violation("IAM-3", r, v, "an RFC 3339 time within 24 hours", "break-glass expiry %q cannot be read", v))
				continue
			}
			if t.After(e.now.Add(24 * time.Hour)) {
				out = append(out, violation("IAM-3", r, v, "at most "+e.now.Add(24*time.Hour).Format(time.RFC3339), "break-glass role %s expires more than 24 hours from now", r.Name()))
			}
		}
	}
	for _, r := range e.gcpGrants() {
		if gcpBreakGlass(r) {
			out = append(out, gcpBreakGlassExpiry(r, e.now)...)
		}
	}
	return out
}

func iam4(e *env) []Violation {
	var out []Violation
	trails := e.byType["aws:cloudtrail/trail:Trail"]
	if e.stack.Cloud == "aws" && e.stack.Production() && e.stack.Source != "" && !e.partial() && len(trails) == 0 {
		out = append(out, violation("IAM-4", &Resource{URN: e.stack.Source}, "none", "an aws:cloudtrail/trail:Trail", "production stack on aws has no audit trail"))
	}
	for _, t := range trails {
		if v := t.Inputs["enableLogFileValidation"]; !truthy(v) {
			out = append(out, violation("IAM-4", t, v, "enableLogFileValidation true", "trail %s does not protect its logs' integrity", t.Name()))
		}
		if v := t.Inputs["enableLogging"]; v != nil && !truthy(v) && !isUnknown(v) {
			out = append(out, violation("IAM-4", t, v, "enableLogging true", "trail %s is switched off", t.Name()))
		}
		if t.Inputs["kmsKeyId"] == nil {
			out = append(out, violation("IAM-4", t, "missing", "kmsKeyId", "trail %s does not encrypt its logs with a managed key", t.Name()))
		}
		b := t.Inputs["s3BucketName"]
		if isUnknown(b) {
			// First preview: the bucket its property dependencies name, or mandatory "unknown at preview".
			bs, p := e.refTo(t, "s3BucketName", b, jurisdiction.AWS, "bucket", awsBucketTypes)
			out = append(out, e.judgePlacement("IAM-4", t, "trail bucket "+names(bs), p)...)
		} else if s, ok := known(b); ok {
			if bs := e.lookup(s); len(bs) > 0 {
				out = append(out, e.judgePlacement("IAM-4", t, "trail bucket "+s, e.placeOf(bs[0]))...)
			} else {
				out = append(out, violation("IAM-4", t, s, "a bucket in the plan, in "+jOr(e.stack.Jurisdiction), "trail bucket %s is not in the plan, so its place cannot be shown", s))
			}
		}
	}
	return append(out, gcpIAM4(e)...)
}

func iam5(e *env) []Violation {
	var out []Violation
	for _, in := range e.ingressRules() {
		// An administration port anywhere in the rule's range, or every port.
		admin := 0.0
		for _, p := range []float64{3389, 22} {
			if in.from <= p && p <= in.to || in.proto == "-1" || in.proto == "all" {
				admin = p
			}
		}
		if admin == 0 {
			continue
		}
		for _, c := range in.cidrs {
			if public(c) && c != "35.235.240.0/20" {
				out = append(out, violation("IAM-5", in.r, c, "the VPN, allow-listed private ranges or the identity-aware session service", "server administration port %v is open to %s", admin, c))
			}
		}
	}
	for _, i := range e.byType["aws:ec2/instance:Instance"] {
		if ud := text(i.Inputs["userData"]); strings.Contains(ud, "PasswordAuthentication yes") || strings.Contains(ud, "chpasswd") {
			out = append(out, violation("IAM-5", i, "password login", "personal SSH keys or Session Manager", "instance %s enables password login", i.Name()))
		}
	}
	return append(out, gcpIAM5(e)...)
}

// secretKey reports whether an input name holds a credential.
func secretKey(k string) bool {
	l := strings.ToLower(k)
	return strings.HasSuffix(l, "password") || l == "secretstring" || strings.Contains(l, "presharedkey") || l == "psk" ||
		l == "apitoken" || l == "privatekey" || l == "secretkey" || l == "token" || l == "secretdata" || l == "sharedsecret"
}

func iam6(e *env) []Violation {
	var out []Violation
	for i := range e.resources {
		r := &e.resources[i]
		if strings.HasPrefix(r.Type, "pulumi:providers:") {
			continue
		}
		walkSecrets(r.Inputs, "", func(path string, v any) {
			if s, ok := v.(string); ok && s != "" && s != Secret && s != Unknown {
				out = append(out, violation("IAM-6", r, path, "a Pulumi secret or a managed secret (e.g. manageMasterUserPassword)", "credential %s is stored in plain text", path))
			}
		})
	}
	for _, db := range e.byType["aws:rds/instance:Instance"] {
		if db.Inputs["password"] == nil && !truthy(db.Inputs["manageMasterUserPassword"]) && db.Inputs["replicateSourceDb"] == nil && db.Inputs["snapshotIdentifier"] == nil {
			out = append(out, violation("IAM-6", db, "missing", "manageMasterUserPassword true", "database %s has neither a managed master password nor a secret one", db.Name()))
		}
		if u := text(db.Inputs["username"]); u == "postgres" || u == "admin" || u == "root" {
			out = append(out, violation("IAM-6", db, u, "a dedicated user per customer", "database %s uses the shared default user name %q", db.Name(), u))
		}
	}
	for _, u := range e.byType["gcp:sql/user:User"] {
		out = append(out, gcpIAM6(u)...)
	}
	return out
}

func walkSecrets(m map[string]any, prefix string, f func(path string, v any)) {
	for k, v := range m {
		p := k
		if prefix != "" {
			p = prefix + "." + k
		}
		switch x := v.(type) {
		case map[string]any:
			walkSecrets(x, p, f)
		case []any:
			for _, el := range x {
				if mm, ok := el.(map[string]any); ok {
					walkSecrets(mm, p, f)
				}
			}
		default:
			if secretKey(k) {
				f(p, v)
			}
		}
	}
}
