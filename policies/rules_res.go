package policies

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/octura/odoo-hosting/internal/jurisdiction"
)

func res1(e *env) []Violation {
	s := e.stack
	data := e.residents()
	var out []Violation
	if s.Jurisdiction == "" {
		for _, r := range data {
			out = append(out, violation("RES-1", r, "none", "a jurisdiction (us, ca, eu) declared by the root component "+RootType+" or by configuration",
				"%s stores customer data but the plan declares no jurisdiction", r.Type))
		}
		return out
	}
	at := s.Source
	if strings.HasPrefix(at, "configuration") || at == "" {
		at = "configuration"
	}
	root := &Resource{URN: at}
	if _, err := jurisdiction.Parse(string(s.Jurisdiction)); err != nil {
		return append(out, violation("RES-1", root, string(s.Jurisdiction), "us, ca, eu", "jurisdiction %q is unknown", s.Jurisdiction))
	}
	c, err := jurisdiction.ParseCloud(s.Cloud)
	if err != nil {
		out = append(out, violation("RES-1", root, s.Cloud, "aws, gcp", "the stack names no known cloud (%q)", s.Cloud))
	}
	// An unknown tier would silently skip every tier rule: it is a violation. A
	// program that is not ours, configured without a tier, has no tier rules.
	if !slices.Contains(Tiers, s.Tier) && (s.Tier != "" || s.Source != "configuration") {
		out = append(out, violation("RES-1", root, s.Tier, strings.Join(Tiers, ", "), "the stack names no known tier (%q), so no tier rule could judge it", s.Tier))
	}
	if s.Region == "" {
		return append(out, violation("RES-1", root, "missing", "a primary region in "+string(s.Jurisdiction), "the stack names no primary region"))
	}
	if err == nil {
		reg, ok := jurisdiction.Lookup(c, s.Region)
		allowed := "regions of " + string(s.Jurisdiction) + ": " + strings.Join(jurisdiction.RegionNames(jurisdiction.Regions(c, s.Jurisdiction)), ", ")
		switch {
		case !ok:
			out = append(out, violation("RES-1", root, s.Region, allowed, "primary region %q is not a known %s region", s.Region, c))
		case !reg.In(s.Jurisdiction):
			out = append(out, violation("RES-1", root, s.Region, allowed, "primary region %q (%s, %s) is outside jurisdiction %s", s.Region, reg.City, reg.Country, s.Jurisdiction))
		}
	}
	return out
}

// res2 judges where every data-bearing resource keeps its data and where it
// copies or delivers it, from the data catalogue (catalogue.go): its region, the
// zones it names (by the zone's own location), the holder it lives in, every copy
// or delivery destination, and location inputs whose default can lie outside.
// A type of a catalogued provider that the catalogue does not know is judged
// here too, by its region (fail closed).
func res2(e *env) []Violation {
	var out []Violation
	for _, r := range e.residents() {
		dt := dataTypes[r.Type]
		cloud := jurisdiction.Cloud(cloudOf(r.Type))
		// An edge store or delivery needs an approval naming the resource: the
		// edge sub-processor's approval covers traffic through the edge, not data
		// kept or sent elsewhere by it.
		if !dt.noPlace {
			what := "the region"
			if dt.edge {
				what = "the place"
			}
			out = append(out, e.judgePlacement("RES-2", r, what, e.placeOf(r))...)
		}
		for _, z := range dt.zones {
			for _, v := range getAll(r.Inputs, z) {
				out = append(out, e.judgePlacement("RES-2", r, "the zone", resolveZone(cloud, raw(v), z))...)
			}
		}
		for _, c := range dt.copies {
			for _, v := range getAll(r.Inputs, c.path) {
				var p resolved
				switch {
				case isUnknown(v):
					// Unknown at preview: the data-bearing resources the input
					// depends on say where it goes, when they agree.
					_, p = e.resolveUnknown(r, topInput(c.path), "destination", nil)
				case c.region:
					p = resolveZone(cloud, raw(v), c.path)
				case c.url:
					p = e.urlPlace(v)
				case c.sink:
					_, p = e.sinkTarget(r)
				default:
					p = e.refPlace(v, cloud)
				}
				out = append(out, e.judgePlacement("RES-2", r, "the "+c.what, p)...)
			}
		}
		for _, d := range dt.defaultOutside {
			if len(getAll(r.Inputs, d)) == 0 {
				out = append(out, violation("RES-2", r, "missing", d+" set to a place in "+jOr(e.stack.Jurisdiction),
					"%s of %s is unset, and its default can lie outside any jurisdiction", d, r.Type))
			}
		}
	}
	return out
}

// copyDest is one backup copy or replication destination in the plan.
type copyDest struct {
	r     *Resource
	what  string
	place resolved
	key   any // the key encrypting the copy, when the copy names one
	keyOK bool
	// vault are the destination resources in the plan: backup vaults, or a
	// transfer job's sink buckets.
	vault []*Resource
}

// copies lists every backup copy and replication destination in the plan.
func (e *env) copies() []copyDest {
	var out []copyDest
	for _, r := range e.byType["aws:s3/bucketReplicationConfig:BucketReplicationConfig"] {
		for _, rule := range list(r.Inputs["rules"]) {
			m := mapOf(rule)
			dest := get(m, "destination.bucket")
			c := copyDest{r: r, key: get(m, "destination.encryptionConfiguration.replicaKmsKeyId"), keyOK: true}
			targets, place := e.refTo(r, "rules", dest, jurisdiction.AWS, "bucket", awsBucketTypes)
			c.what, c.place = destWhat("replication destination", dest, targets), place
			out = append(out, c)
		}
	}
	for _, r := range e.byType["aws:backup/plan:Plan"] {
		for _, rule := range list(r.Inputs["rules"]) {
			for _, ca := range list(mapOf(rule)["copyActions"]) {
				dest := mapOf(ca)["destinationVaultArn"]
				targets, place := e.refTo(r, "rules", dest, jurisdiction.AWS, "backup vault", vaultTypes)
				out = append(out, copyDest{r: r, what: destWhat("copy action destination", dest, targets), place: place, vault: targets})
			}
		}
	}
	for _, r := range e.byType["gcp:storage/transferJob:TransferJob"] {
		dest := get(r.Inputs, "transferSpec.gcsDataSink.bucketName")
		targets, place := e.refTo(r, "transferSpec", dest, jurisdiction.GCP, "bucket", gcpBucketTypes)
		out = append(out, copyDest{r: r, what: destWhat("transfer sink", dest, targets), place: place, vault: targets})
	}
	for _, r := range e.byType["gcp:sql/databaseInstance:DatabaseInstance"] {
		loc := get(r.Inputs, "settings.backupConfiguration.location")
		if loc != nil {
			out = append(out, copyDest{r: r, what: "Cloud SQL backup location", place: resolveName(jurisdiction.GCP, raw(loc), "backupConfiguration.location")})
		}
	}
	return out
}

// destWhat names a copy destination for messages; an unknown one resolved
// through property dependencies by the resources it resolved to.
func destWhat(what string, dest any, targets []*Resource) string {
	if isUnknown(dest) && len(targets) > 0 {
		return what + " " + names(targets) + " (unknown at preview, resolved through property dependencies)"
	}
	return what + " " + show(dest)
}

func res3(e *env) []Violation {
	s := e.stack
	var out []Violation
	if s.Source != "" && s.Cloud != "" && s.Region != "" {
		root := &Resource{URN: s.Source}
		if c, err := jurisdiction.ParseCloud(s.Cloud); err == nil {
			if s.BackupRegion == "" {
				out = append(out, violation("RES-3", root, "missing", "a second region of "+jOr(s.Jurisdiction), "the stack names no backupRegion"))
			} else if err := jurisdiction.CheckBackupRegion(c, s.Region, s.BackupRegion); err != nil {
				// An unusable primary region is RES-1's finding; RES-3 judges the backup region.
				var refused *jurisdiction.BackupRegionError
				if errors.As(err, &refused) {
					out = append(out, violation("RES-3", root, s.BackupRegion, "a second region of "+jOr(s.Jurisdiction)+" in the primary's partition", "backupRegion: %v", err))
				}
			}
		}
	}
	copies := e.copies()
	if s.Source != "" && s.Source != "configuration" && !e.partial() && len(copies) == 0 && len(e.dataResources()) > 0 {
		out = append(out, violation("RES-3", &Resource{URN: s.Source}, "none", "a replication rule, backup copy action or transfer job to "+show(s.BackupRegion),
			"the stack keeps customer data but makes no backup copy in a second region"))
	}
	for _, c := range copies {
		v := e.judgePlacement("RES-3", c.r, c.what, c.place)
		out = append(out, v...)
		if len(v) > 0 || c.place.status != placeOK {
			continue
		}
		src := e.placeOf(c.r)
		switch {
		case src.status == placeOK && src.regionKey() == c.place.regionKey() && c.r.Type != "gcp:sql/databaseInstance:DatabaseInstance":
			out = append(out, violation("RES-3", c.r, c.place.value, "a second region: "+show(s.BackupRegion), "%s is the same region as the source; backups need a second region", c.what))
		case s.BackupRegion != "" && c.place.regionKey() != strings.ToLower(s.BackupRegion) && c.place.regionKey() != strings.ToLower(s.Region):
			out = append(out, violation("RES-3", c.r, c.place.value, s.BackupRegion+" (the stack's backupRegion)", "%s goes to %s, not to the stack's backupRegion %s", c.what, c.place.value, s.BackupRegion))
		}
	}
	return out
}

func res4(e *env) []Violation {
	var out []Violation
	at := &Resource{URN: e.stack.Source}
	if at.URN == "" {
		at.URN = "configuration"
	}
	seen := map[string]bool{}
	for _, a := range e.stack.Approvals {
		var probs []string
		if a.ID == "" {
			probs = append(probs, "no id")
		} else if seen[a.ID] {
			probs = append(probs, "a duplicate id")
		}
		seen[a.ID] = true
		if a.Covers == "" {
			probs = append(probs, "no covers")
		} else if !validCovers(a.Covers) {
			probs = append(probs, fmt.Sprintf("covers %q, which is not one sub-processor (%s) nor one resource URN", a.Covers, strings.Join(jurisdiction.SubProcessorIDs(), ", ")))
		}
		if a.Destination == "" {
			probs = append(probs, "no destination")
		} else if _, err := jurisdiction.Parse(a.Destination); err != nil && a.Destination != "global" && !isCountry(a.Destination) {
			probs = append(probs, fmt.Sprintf("destination %q is not a jurisdiction, country or \"global\"", a.Destination))
		}
		if a.Expires == "" {
			probs = append(probs, "no expiry")
		} else if _, err := parseDay(a.Expires); err != nil {
			probs = append(probs, fmt.Sprintf("expiry %q is not YYYY-MM-DD", a.Expires))
		}
		if len(probs) > 0 {
			out = append(out, Violation{Control: "RES-4", Severity: Mandatory, URN: at.URN, Value: a.ID, ApprovalID: a.ID,
				Allowed: "an approval with id, covers, destination and expires (YYYY-MM-DD)", Message: "approval " + show(a.ID) + " has " + strings.Join(probs, ", ")})
		}
	}
	return out
}

func isCountry(s string) bool {
	if len(s) != 2 {
		return false
	}
	_, ok := jurisdiction.OfCountry(strings.ToUpper(s))
	return ok || (s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z')
}

func res5(e *env) []Violation {
	s := e.stack
	var out []Violation
	if s.Source == "" {
		return nil
	}
	root := &Resource{URN: s.Source}
	declared := map[string]bool{}
	model := map[string]jurisdiction.SubProcessor{}
	for _, sp := range jurisdiction.SubProcessors(s.Tier, s.Jurisdiction, s.Tier == "enterprise") {
		model[sp.ID] = sp
	}
	for _, sp := range s.SubProcessors {
		declared[sp.ID] = true
		if m, ok := model[sp.ID]; ok {
			// A known sub-processor keeps data where the jurisdiction model says,
			// whatever the stack declares (declaring the edge without its global
			// network does not move the edge).
			sp.Places = nil
			for _, p := range m.Places {
				sp.Places = append(sp.Places, Place{Label: p.Label, Countries: p.Countries, Global: p.Global})
			}
		}
		if len(sp.Places) == 0 {
			out = append(out, violation("RES-5", root, sp.ID, "at least one place with countries or global", "sub-processor %q is declared without the places its data sits", sp.ID))
			continue
		}
		for _, p := range sp.Places {
			place := jurisdiction.Place{Label: sp.ID + ": " + p.Label, Countries: p.Countries, Global: p.Global}
			if s.Jurisdiction == "" || place.In(s.Jurisdiction) {
				continue
			}
			st, found := s.approve(sp.ID, place, e.now)
			switch {
			case found && st.valid:
				out = append(out, Violation{Control: "RES-4", Severity: Advisory, URN: root.URN, Value: place.Describe(), ApprovalID: st.id,
					Allowed: "approved by " + st.id, Message: fmt.Sprintf("sub-processor %s keeps data at %s, outside jurisdiction %s; approved by %s", sp.ID, place.Describe(), s.Jurisdiction, st.id)})
			case found:
				out = append(out, Violation{Control: "RES-4", Severity: Mandatory, URN: root.URN, Value: place.Describe(), ApprovalID: st.id,
					Allowed: "a valid approval covering " + sp.ID, Message: fmt.Sprintf("sub-processor %s keeps data at %s, outside jurisdiction %s, and %s", sp.ID, place.Describe(), s.Jurisdiction, st.problem)})
			default:
				out = append(out, violation("RES-5", root, place.Describe(), "places in "+string(s.Jurisdiction)+" or an approval covering "+sp.ID,
					"sub-processor %s keeps data at %s, outside jurisdiction %s, and no approval covers it", sp.ID, place.Describe(), s.Jurisdiction))
			}
		}
	}
	usesCloudflare := false
	for i := range e.resources {
		if cloudOf(e.resources[i].Type) == "cloudflare" && e.resources[i].Custom {
			usesCloudflare = true
			break
		}
	}
	if usesCloudflare && !declared["cloudflare"] {
		out = append(out, violation("RES-5", root, "undeclared", "a sub-processor \"cloudflare\" with its places", "the stack uses Cloudflare resources but declares no sub-processor \"cloudflare\""))
	}
	if s.Tier == "odoo-sh" && !declared["odoo-sa"] {
		out = append(out, violation("RES-5", root, "undeclared", "a sub-processor \"odoo-sa\" (EU, Belgium)", "an odoo-sh stack hands its data to Odoo S.A. but declares no sub-processor \"odoo-sa\""))
	}
	return out
}

func res6(e *env) []Violation {
	s := e.stack
	var out []Violation
	want := jurisdiction.RegionalServicesKey(s.Jurisdiction)
	hosts := e.byType["cloudflare:index/regionalHostname:RegionalHostname"]
	if want == "" {
		// No jurisdiction declared (or one without regional services): nothing
		// says where TLS may be decrypted, so no regional hostname can be judged.
		for _, h := range hosts {
			out = append(out, violation("RES-6", h, h.Inputs["regionKey"], "a declared jurisdiction with Cloudflare regional services",
				"the regional hostname %s cannot be judged: the plan declares no jurisdiction (%s)", show(h.Inputs["hostname"]), jOr(s.Jurisdiction)))
		}
		return out
	}
	for _, h := range hosts {
		key := h.Inputs["regionKey"]
		k, ok := known(key)
		switch {
		case !ok:
			out = append(out, violation("RES-6", h, key, "regionKey "+show(want), "the regional hostname's regionKey is %s", describe(key)))
		case want != "" && k != want:
			place := jurisdiction.Place{Label: "Cloudflare regional services: " + k, Global: k == "" || k == "global"}
			if j, err := jurisdiction.Parse(k); err == nil {
				place = jurisdiction.RegionalEdge(j)
			}
			st, found := s.approve(h.URN, place, e.now)
			switch {
			case found && st.valid:
				out = append(out, Violation{Control: "RES-4", Severity: Advisory, URN: h.URN, Value: k, ApprovalID: st.id, Allowed: "approved by " + st.id,
					Message: fmt.Sprintf("TLS for %s is decrypted in region %q outside jurisdiction %s; approved by %s", show(h.Inputs["hostname"]), k, s.Jurisdiction, st.id)})
			case found:
				out = append(out, Violation{Control: "RES-4", Severity: Mandatory, URN: h.URN, Value: k, ApprovalID: st.id, Allowed: "regionKey " + want,
					Message: fmt.Sprintf("TLS for %s is decrypted in region %q outside jurisdiction %s and %s", show(h.Inputs["hostname"]), k, s.Jurisdiction, st.problem)})
			default:
				out = append(out, violation("RES-6", h, k, "regionKey "+want, "TLS for %s is decrypted in Cloudflare region %q, outside jurisdiction %s", show(h.Inputs["hostname"]), k, s.Jurisdiction))
			}
		}
	}
	if s.Tier != "enterprise" {
		return out
	}
	for _, rec := range e.byType["cloudflare:index/record:Record"] {
		if !truthy(rec.Inputs["proxied"]) {
			continue
		}
		name := show(rec.Inputs["name"])
		covered := false
		for _, h := range hosts {
			if hn, ok := known(h.Inputs["hostname"]); ok && hostCovers(hn, name) {
				covered = true
				break
			}
		}
		if !covered {
			out = append(out, violation("RES-6", rec, name, "a cloudflare regional hostname with regionKey "+want,
				"enterprise: proxied hostname %s has no Cloudflare regional hostname, so TLS may be decrypted anywhere on the global edge", name))
		}
	}
	return out
}

// hostCovers reports whether a regional hostname covers a DNS name: the same name
// (any case, without a trailing dot), or a one-level wildcard ("*.example.com"
// covers "erp.example.com", not "a.erp.example.com" nor "example.com"), which is
// what Cloudflare's regional hostnames support (API reference,
// cloudflare_regional_hostname: "Wildcards are supported for one level").
func hostCovers(pattern, name string) bool {
	pattern = strings.ToLower(strings.TrimSuffix(pattern, "."))
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	if pattern == name {
		return true
	}
	rest, ok := strings.CutPrefix(pattern, "*.")
	if !ok {
		return false
	}
	label, parent, found := strings.Cut(name, ".")
	return found && label != "" && parent == rest
}

// validCovers reports whether an approval's covers names one sub-processor of the
// jurisdiction model or one resource by its full URN (RES-4): never a pattern.
func validCovers(c string) bool {
	if strings.ContainsAny(c, "*?[") {
		return false
	}
	if strings.HasPrefix(c, "urn:pulumi:") {
		return true
	}
	for _, id := range jurisdiction.SubProcessorIDs() {
		if c == id {
			return true
		}
	}
	return false
}
