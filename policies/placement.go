package policies

// Placement: where a resource, or the thing a reference names, sits.

import (
	"fmt"
	"strings"

	"github.com/octura/odoo-hosting/internal/jurisdiction"
)

type placeStatus int

const (
	placeOK placeStatus = iota
	placeUnknown
	placeUnresolvable
)

type resolved struct {
	place  jurisdiction.Place
	status placeStatus
	value  string // the region or location found, for messages
	from   string // where it was read ("provider region", "location")
	// region is the region (or multi-region) the place belongs to, lower case:
	// a zone's parent region, so that a zone-level resource and a key in its
	// region compare equal; empty when value is that already.
	region string
}

// regionKey is the region a resolved place belongs to, for comparing two places
// (a key's and its data's): zones by their region, names in any letter case.
func (p resolved) regionKey() string {
	if p.region != "" {
		return p.region
	}
	return strings.ToLower(p.value)
}

func resolveName(cloud jurisdiction.Cloud, name, from string) resolved {
	if name == Unknown {
		return resolved{status: placeUnknown, value: "unknown", from: from}
	}
	if p, ok := jurisdiction.Resolve(cloud, name); ok {
		return resolved{place: p, value: name, from: from}
	}
	// Cloud APIs accept region names in any letter case.
	if p, ok := jurisdiction.Resolve(cloud, strings.ToLower(name)); ok {
		return resolved{place: p, value: name, from: from}
	}
	// Zones (eu-west-1a, europe-west1-b), by the zone's own location.
	if p, region, ok := jurisdiction.ResolveZone(cloud, name); ok {
		return resolved{place: p, value: name, from: from, region: region}
	}
	if strings.EqualFold(name, "global") {
		return resolved{place: jurisdiction.Place{Label: string(cloud) + ":global", Global: true}, value: name, from: from}
	}
	return resolved{status: placeUnresolvable, value: name, from: from}
}

// placeOf resolves where r's data sits.
func (e *env) placeOf(r *Resource) resolved {
	e.mu.Lock()
	p, ok := e.places[r]
	e.mu.Unlock()
	if ok {
		return p
	}
	p = e.resolvePlace(r)
	e.mu.Lock()
	e.places[r] = p
	e.mu.Unlock()
	return p
}

func (e *env) resolvePlace(r *Resource) resolved {
	dt := dataTypes[r.Type]
	if dt.edge {
		return resolved{place: edgePlace, value: "global", from: "Cloudflare's global network"}
	}
	if dt.within != "" && r.Inputs["location"] == nil && r.Inputs["region"] == nil {
		return e.holderPlace(r, dt.within)
	}
	switch cloudOf(r.Type) {
	case "aws":
		// An unknown region is the computed region a provider reports for a new
		// resource at preview (pulumi-aws v6 has no region input): its provider places it.
		if v, ok := r.Inputs["region"]; ok && v != nil && !isUnknown(v) {
			return resolveName(jurisdiction.AWS, raw(v), "region input")
		}
		return e.providerRegion(r, jurisdiction.AWS)
	case "gcp":
		for _, k := range []string{"location", "region", "zone"} {
			if v, ok := r.Inputs[k]; ok && v != nil {
				return resolveName(jurisdiction.GCP, raw(v), k+" input")
			}
		}
		if kr, ok := r.Inputs["keyRing"]; ok {
			s, ok := known(kr)
			if !ok {
				if ring := e.linked(r, "keyRing", "gcp:kms/keyRing:KeyRing"); ring != nil {
					return e.placeOf(ring)
				}
				return resolved{status: placeUnknown, value: "unknown", from: "keyRing"}
			}
			if loc := segment(s, "locations"); loc != "" {
				return resolveName(jurisdiction.GCP, loc, "keyRing location")
			}
			for _, ring := range e.lookup(s) {
				return e.placeOf(ring)
			}
		}
		return e.providerRegion(r, jurisdiction.GCP)
	}
	return resolved{status: placeUnresolvable, value: "none", from: "type " + r.Type}
}

func (e *env) providerRegion(r *Resource, cloud jurisdiction.Cloud) resolved {
	p := e.providerOf(r)
	if p == nil {
		what := "its default provider is not in the plan"
		if r.Provider != "" {
			what = "its provider " + r.Provider + " is not in the plan"
		}
		return resolved{status: placeUnresolvable, value: "none", from: what}
	}
	v := p.Inputs["region"]
	if v == nil {
		return resolved{status: placeUnresolvable, value: "none", from: "provider " + p.Name() + " has no region"}
	}
	return resolveName(cloud, raw(v), "provider "+p.Name()+" region")
}

// segment returns the path segment after key in a resource path
// (projects/p/locations/europe-west1/keyRings/k -> europe-west1).
func segment(path, key string) string {
	parts := strings.Split(path, "/")
	for i := 0; i+1 < len(parts); i++ {
		if parts[i] == key {
			return parts[i+1]
		}
	}
	return ""
}

// arnRegion returns the region field of an ARN ("" for global ARNs such as S3's).
func arnRegion(arn string) (string, bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return "", false
	}
	return parts[3], true
}

// refPlace resolves where a referenced thing sits: an ARN's region, else the
// referenced resource in the plan.
func (e *env) refPlace(ref any, cloud jurisdiction.Cloud) resolved {
	s, ok := known(ref)
	if !ok {
		if ref == nil {
			return resolved{status: placeUnresolvable, value: "missing", from: "reference"}
		}
		return resolved{status: placeUnknown, value: "unknown", from: "reference"}
	}
	// A log sink's Cloud Storage destination names the bucket alone.
	if b, ok := strings.CutPrefix(s, "storage.googleapis.com/"); ok {
		if rs := e.lookup(b); len(rs) > 0 {
			return e.placeOf(rs[0])
		}
	}
	if reg, ok := arnRegion(s); ok && reg != "" {
		return resolveName(cloud, reg, "ARN region")
	}
	if loc := segment(s, "locations"); loc != "" {
		return resolveName(cloud, loc, "resource path location")
	}
	if rs := e.lookup(s); len(rs) > 0 {
		return e.placeOf(rs[0])
	}
	return resolved{status: placeUnresolvable, value: s, from: "reference to a resource not in the plan"}
}

// refTo resolves a reference held under r's top-level input: a known reference by
// its value (refPlace, lookup); an unknown one through the property dependencies
// of that input. It returns the resources the reference names (when in the plan)
// and where the referenced thing sits.
func (e *env) refTo(r *Resource, input string, ref any, cloud jurisdiction.Cloud, kind string, types []string) ([]*Resource, resolved) {
	if isUnknown(ref) {
		return e.resolveUnknown(r, input, kind, types)
	}
	var targets []*Resource
	if s, ok := known(ref); ok {
		targets = e.lookup(s)
	}
	return targets, e.refPlace(ref, cloud)
}

// resolveUnknown resolves a reference that is unknown at preview through the
// property dependencies of the top-level input that holds it. The candidates are
// the dependencies of the kind the reference must point to. When there are
// several, those a known value of the same input already names (a backup rule's
// targetVaultName next to its unknown copy destination) are set aside, if others
// remain. The reference resolves when every remaining candidate sits in the same
// place; otherwise (no candidate, or candidates in different places) it stays
// unknown, which the rules report as mandatory "unknown at preview".
func (e *env) resolveUnknown(r *Resource, input, kind string, types []string) ([]*Resource, resolved) {
	cands := e.depsOf(r, input, types)
	if len(cands) == 0 {
		from := "input " + input + " records no property dependencies"
		if len(r.PropertyDependencies[input]) > 0 {
			from = "the property dependencies of input " + input + " name no " + kind
		}
		return nil, resolved{status: placeUnknown, value: "unknown", from: from}
	}
	if len(cands) > 1 {
		named := knownStrings(r.Inputs[input], nil)
		var rest []*Resource
		for _, c := range cands {
			if !e.namedBy(c, named) {
				rest = append(rest, c)
			}
		}
		if len(rest) > 0 {
			cands = rest
		}
	}
	first := e.placeOf(cands[0])
	same := true
	var where []string
	for _, c := range cands {
		p := e.placeOf(c)
		where = append(where, c.Name()+" in "+p.value)
		if p.status != first.status || p.value != first.value {
			same = false
		}
	}
	if !same {
		return nil, resolved{status: placeUnknown, value: "unknown",
			from: fmt.Sprintf("the property dependencies of input %s name %d %ss in different places: %s", input, len(cands), kind, strings.Join(where, ", "))}
	}
	if first.status == placeOK {
		first.from = "property dependency " + strings.Join(where, ", ") + ", " + first.from
	}
	return cands, first
}

// knownStrings collects the known strings of a value, and the last ":" or "/"
// part of ARNs among them.

// edgePlace is Cloudflare's global network, where edge stores keep their data.
var edgePlace = jurisdiction.Place{Label: "cloudflare:global network", Global: true}

// holderPlace is the place of the resource that holds r (a table's dataset), found
// by the physical name, id or path in r's input, or through its property
// dependencies when unknown at preview. A holder outside the plan cannot be shown
// to be ours, so it is unresolvable.
func (e *env) holderPlace(r *Resource, input string) resolved {
	v := r.Inputs[input]
	if isUnknown(v) {
		if ds := e.depsOf(r, input, nil); len(ds) > 0 {
			return e.placeOf(ds[0])
		}
		return resolved{status: placeUnknown, value: "unknown", from: input + " is unknown at preview and names no resource through its property dependencies"}
	}
	s, ok := known(v)
	if !ok || s == "" {
		return resolved{status: placeUnresolvable, value: "missing", from: input + " is missing"}
	}
	if loc := segment(s, "locations"); loc != "" {
		return resolveName(jurisdiction.Cloud(cloudOf(r.Type)), loc, input+" location")
	}
	if rs := e.lookup(s); len(rs) > 0 {
		return e.placeOf(rs[0])
	}
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		if rs := e.lookup(s[i+1:]); len(rs) > 0 {
			return e.placeOf(rs[0])
		}
	}
	return resolved{status: placeUnresolvable, value: s, from: input + " names a resource not in the plan"}
}

// urlPlace resolves a delivery URL: s3://bucket/path?region=r by its region
// parameter, else by the bucket when the plan holds it; gs://bucket by the bucket.
// Any other destination cannot be shown to lie in the jurisdiction.
func (e *env) urlPlace(v any) resolved {
	s, ok := known(v)
	if !ok {
		if v == nil {
			return resolved{status: placeUnresolvable, value: "missing", from: "destination"}
		}
		return resolved{status: placeUnknown, value: "unknown", from: "destination"}
	}
	scheme, rest, found := strings.Cut(s, "://")
	if !found {
		return resolved{status: placeUnresolvable, value: s, from: "a destination that names no place"}
	}
	host, query, _ := strings.Cut(rest, "?")
	bucket, _, _ := strings.Cut(host, "/")
	switch scheme {
	case "s3":
		for _, kv := range strings.Split(query, "&") {
			if k, val, _ := strings.Cut(kv, "="); k == "region" {
				return resolveName(jurisdiction.AWS, val, "region parameter of the destination URL")
			}
		}
		if rs := e.lookup(bucket); len(rs) > 0 {
			return e.placeOf(rs[0])
		}
	case "gs":
		if rs := e.lookup(bucket); len(rs) > 0 {
			return e.placeOf(rs[0])
		}
	}
	return resolved{status: placeUnresolvable, value: s, from: "a " + scheme + " destination whose place the URL does not name"}
}

// resolveZone resolves a zone, region or location name (resolveName does both).
func resolveZone(cloud jurisdiction.Cloud, name, from string) resolved {
	return resolveName(cloud, name, from)
}
