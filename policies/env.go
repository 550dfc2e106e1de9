package policies

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/octura/odoo-hosting/internal/jurisdiction"
)

// env is what every rule sees: the resources indexed, the stack and the clock.
type env struct {
	resources     []Resource
	byURN         map[string]*Resource
	byType        map[string][]*Resource
	children      map[string][]*Resource
	aliases       map[string][]*Resource // physical names, ids and ARNs -> resources
	stack         Stack
	stackProblems []Violation
	now           time.Time
	places        map[string]resolved
	refs          map[string]*refIdx
	ids           map[*Resource][]string
}

func newEnv(resources []Resource, opts Options, now time.Time) *env {
	e := &env{
		resources: resources,
		byURN:     make(map[string]*Resource, len(resources)),
		byType:    map[string][]*Resource{},
		children:  map[string][]*Resource{},
		now:       now,
		places:    make(map[string]resolved, len(resources)),
		refs:      map[string]*refIdx{},
		ids:       make(map[*Resource][]string, len(resources)),
	}
	var roots []*Resource
	for i := range resources {
		r := &resources[i]
		e.byURN[r.URN] = r
		e.byType[r.Type] = append(e.byType[r.Type], r)
		if r.Parent != "" {
			e.children[r.Parent] = append(e.children[r.Parent], r)
		}
		if r.Type == RootType {
			roots = append(roots, r)
		}
	}
	e.stack, e.stackProblems = learnStack(roots, opts.Stack)
	return e
}

// identities are the strings other resources may use to refer to r: its URN,
// logical name, physical name inputs, the offline planner's mock id, its ARN and
// the id the real engine reports.
func (e *env) identities(r *Resource) []string {
	if ids, ok := e.ids[r]; ok {
		return ids
	}
	ids := e.computeIdentities(r)
	e.ids[r] = ids
	return ids
}

func (e *env) computeIdentities(r *Resource) []string {
	name := r.Name()
	sum := sha256.Sum256([]byte(r.URN))
	ids := []string{r.URN, name, name + "-" + hex.EncodeToString(sum[:])[:8]}
	// "id" is in the outputs the real engine reports for deployed resources (bridged
	// providers keep it there); other resources refer to them by it (a flow log's vpcId).
	for _, k := range []string{"bucket", "name", "arn", "id"} {
		if k == "bucket" && !strings.HasPrefix(r.Type, "aws:s3/bucket:") && !strings.HasPrefix(r.Type, "aws:s3/bucketV2:") {
			continue
		}
		if s, ok := known(r.Inputs[k]); ok && s != "" {
			ids = append(ids, s)
		}
	}
	return ids
}

// ---- value helpers -------------------------------------------------------

func text(v any) string {
	s, _ := v.(string)
	return s
}

// known returns v as a string when it is a known string.
func known(v any) (string, bool) {
	s, ok := v.(string)
	if !ok || s == Unknown {
		return "", false
	}
	return s, true
}

func isUnknown(v any) bool { s, ok := v.(string); return ok && s == Unknown }

func truthy(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case string:
		return x == "true"
	}
	return false
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case string:
		f, err := strconv.ParseFloat(x, 64)
		return f, err == nil
	}
	return 0, false
}

func list(v any) []any {
	switch x := v.(type) {
	case []any:
		return x
	case map[string]any:
		return []any{x}
	}
	return nil
}

func mapOf(v any) map[string]any {
	if m, ok := v.(map[string]any); ok {
		return m
	}
	if l, ok := v.([]any); ok && len(l) == 1 {
		if m, ok := l[0].(map[string]any); ok {
			return m
		}
	}
	return nil
}

// get walks a dotted path of map keys; a list on the way takes its first element.
func get(m map[string]any, path string) any {
	var cur any = m
	for _, k := range strings.Split(path, ".") {
		mm := mapOf(cur)
		if mm == nil {
			return nil
		}
		cur = mm[k]
	}
	return cur
}

func describe(v any) string {
	switch {
	case v == nil:
		return "missing"
	case isUnknown(v):
		return "unknown at preview"
	}
	switch x := v.(type) {
	case string:
		return strconv.Quote(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// raw is v as a string, keeping the unknown sentinel.
func raw(v any) string {
	if isUnknown(v) {
		return Unknown
	}
	return show(v)
}

func show(v any) string {
	switch {
	case v == nil:
		return "missing"
	case isUnknown(v):
		return "unknown"
	}
	if s, ok := v.(string); ok {
		return s
	}
	return describe(v)
}

// ---- relations -----------------------------------------------------------

// lookup finds the resources a reference (URN, name, id or ARN) names.
func (e *env) lookup(ref string) []*Resource {
	if ref == "" || ref == Unknown {
		return nil
	}
	ref = strings.TrimSuffix(ref, ":*")
	if e.aliases == nil {
		e.buildAliases()
	}
	if rs, ok := e.aliases[ref]; ok {
		return rs
	}
	// ARNs: arn:aws:s3:::name, arn:aws:backup:r:a:backup-vault:name, .../name
	if strings.HasPrefix(ref, "arn:") {
		tail := ref
		if i := strings.LastIndexAny(ref, ":/"); i >= 0 {
			tail = ref[i+1:]
		}
		return e.aliases[tail]
	}
	return nil
}

// buildAliases indexes every custom resource by its identities, on first use.
func (e *env) buildAliases() {
	e.aliases = make(map[string][]*Resource, len(e.resources)*3)
	for i := range e.resources {
		r := &e.resources[i]
		if !r.Custom || strings.HasPrefix(r.Type, "pulumi:") {
			continue
		}
		for _, a := range e.identities(r) {
			e.aliases[a] = append(e.aliases[a], r)
		}
	}
}

// attached returns the resources of type typ whose field refers to r. A resource
// whose field is unknown at preview counts as attached when the property
// dependencies of that input name r or, for sources without property
// dependencies, when it is r's sibling (same parent), the way components wire
// one resource to another.
func (e *env) attached(r *Resource, typ, field string) []*Resource {
	idx := e.refIndex(typ, field)
	var out []*Resource
	seen := map[*Resource]bool{}
	for _, id := range e.identities(r) {
		for _, c := range idx.byRef[id] {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	for _, c := range idx.unknownByParent[r.Parent] {
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}

type refIdx struct {
	byRef           map[string][]*Resource
	unknownByParent map[string][]*Resource
}

// refIndex indexes the resources of type typ by the reference in field: the
// value itself and, for ARNs, its last ":" or "/" part.
func (e *env) refIndex(typ, field string) *refIdx {
	k := typ + "|" + field
	if idx, ok := e.refs[k]; ok {
		return idx
	}
	idx := &refIdx{byRef: map[string][]*Resource{}, unknownByParent: map[string][]*Resource{}}
	for _, c := range e.byType[typ] {
		v := get(c.Inputs, field)
		s, ok := known(v)
		if !ok {
			if !isUnknown(v) {
				continue
			}
			// An unknown link points at the resources its input depends on; a
			// source without property dependencies falls back to the sibling.
			if ds := c.PropertyDependencies[topInput(field)]; len(ds) > 0 {
				for _, u := range ds {
					idx.byRef[u] = append(idx.byRef[u], c)
				}
			} else {
				idx.unknownByParent[c.Parent] = append(idx.unknownByParent[c.Parent], c)
			}
			continue
		}
		idx.byRef[s] = append(idx.byRef[s], c)
		if strings.HasPrefix(s, "arn:") {
			if i := strings.LastIndexAny(s, ":/"); i >= 0 {
				idx.byRef[s[i+1:]] = append(idx.byRef[s[i+1:]], c)
			}
		}
	}
	e.refs[k] = idx
	return idx
}

// ---- places --------------------------------------------------------------

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
}

func cloudOf(typ string) string {
	if i := strings.IndexByte(typ, ':'); i > 0 {
		return typ[:i]
	}
	return ""
}

// providerOf returns r's provider resource: its explicit provider, or the default
// provider of its package when the plan holds one.
func (e *env) providerOf(r *Resource) *Resource {
	if r.Provider != "" {
		return e.byURN[r.Provider]
	}
	pkg := cloudOf(r.Type)
	for _, p := range e.byType["pulumi:providers:"+pkg] {
		if strings.HasPrefix(p.Name(), "default") {
			return p
		}
	}
	return nil
}

func resolveName(cloud jurisdiction.Cloud, name, from string) resolved {
	if name == Unknown {
		return resolved{status: placeUnknown, value: "unknown", from: from}
	}
	if p, ok := jurisdiction.Resolve(cloud, name); ok {
		return resolved{place: p, value: name, from: from}
	}
	// GCP zones: europe-west1-b.
	if cloud == jurisdiction.GCP {
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			if p, ok := jurisdiction.Resolve(cloud, name[:i]); ok {
				return resolved{place: p, value: name, from: from}
			}
		}
		if p, ok := jurisdiction.Resolve(cloud, strings.ToLower(name)); ok {
			return resolved{place: p, value: name, from: from}
		}
	}
	if strings.EqualFold(name, "global") {
		return resolved{place: jurisdiction.Place{Label: string(cloud) + ":global", Global: true}, value: name, from: from}
	}
	return resolved{status: placeUnresolvable, value: name, from: from}
}

// placeOf resolves where r's data sits.
func (e *env) placeOf(r *Resource) resolved {
	if p, ok := e.places[r.URN]; ok {
		return p
	}
	p := e.resolvePlace(r)
	e.places[r.URN] = p
	return p
}

func (e *env) resolvePlace(r *Resource) resolved {
	switch cloudOf(r.Type) {
	case "aws":
		// An unknown region is the computed region output a provider reports for a new
		// resource at preview (pulumi-aws v6 has no region input): the provider places it.
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

func (e *env) siblingOfType(r *Resource, typ string) *Resource {
	for _, c := range e.byType[typ] {
		if c.Parent == r.Parent {
			return c
		}
	}
	return nil
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

// ---- placements ----------------------------------------------------------

// judgePlacement turns one resolved placement into violations: none when inside
// the jurisdiction, RES-4 advisory when approved, RES-4 mandatory when an approval
// matches but is expired or too narrow, and control mandatory otherwise.
func (e *env) judgePlacement(control string, r *Resource, what string, p resolved, covers ...string) []Violation {
	j := e.stack.Jurisdiction
	switch p.status {
	case placeUnknown:
		return []Violation{{Control: control, Severity: Mandatory, URN: r.URN, Value: "unknown",
			Allowed: e.allowedRegions(r), Message: fmt.Sprintf("%s of %s is unknown at preview (%s), so it cannot be shown to lie in jurisdiction %s", what, r.Type, p.from, jOr(j))}}
	case placeUnresolvable:
		return []Violation{{Control: control, Severity: Mandatory, URN: r.URN, Value: p.value,
			Allowed: e.allowedRegions(r), Message: fmt.Sprintf("%s of %s cannot be resolved to a region (%s)", what, r.Type, p.from)}}
	}
	if j == "" {
		return nil // RES-1 reports the missing jurisdiction once per data resource
	}
	if p.place.In(j) {
		return nil
	}
	covers = append(covers, r.URN)
	for _, c := range covers {
		st, found := e.stack.approve(c, p.place, e.now)
		if !found {
			continue
		}
		if st.valid {
			return []Violation{{Control: "RES-4", Severity: Advisory, URN: r.URN, Value: p.place.Describe(), ApprovalID: st.id,
				Allowed: "approved by " + st.id, Message: fmt.Sprintf("%s (%s) lies outside jurisdiction %s; approved by %s", what, p.place.Describe(), j, st.id)}}
		}
		return []Violation{{Control: "RES-4", Severity: Mandatory, URN: r.URN, Value: p.place.Describe(), ApprovalID: st.id,
			Allowed: e.allowedRegions(r), Message: fmt.Sprintf("%s (%s) lies outside jurisdiction %s and %s", what, p.place.Describe(), j, st.problem)}}
	}
	return []Violation{{Control: control, Severity: Mandatory, URN: r.URN, Value: p.value,
		Allowed: e.allowedRegions(r), Message: fmt.Sprintf("%s %s (%s) lies outside jurisdiction %s and no approval covers it", what, p.value, p.place.Describe(), j)}}
}

func jOr(j jurisdiction.Jurisdiction) string {
	if j == "" {
		return "(none declared)"
	}
	return string(j)
}

func (e *env) allowedRegions(r *Resource) string {
	j := e.stack.Jurisdiction
	if j == "" {
		return "a declared jurisdiction"
	}
	c := jurisdiction.Cloud(cloudOf(r.Type))
	if c != jurisdiction.AWS && c != jurisdiction.GCP {
		c = jurisdiction.Cloud(e.stack.Cloud)
	}
	if c != jurisdiction.AWS && c != jurisdiction.GCP {
		return "a place in jurisdiction " + string(j)
	}
	return "regions of " + string(j) + ": " + strings.Join(jurisdiction.RegionNames(jurisdiction.Regions(c, j)), ", ")
}

func violation(control string, r *Resource, value any, allowed, format string, args ...any) Violation {
	return Violation{Control: control, Severity: Mandatory, URN: r.URN, Value: show(value), Allowed: allowed, Message: fmt.Sprintf(format, args...)}
}

// ---- property dependencies -------------------------------------------------

// The kinds of resource a reference must point to, for resolving references that
// are unknown at preview through property dependencies.
var (
	vaultTypes     = []string{"aws:backup/vault:Vault"}
	awsBucketTypes = []string{"aws:s3/bucketV2:BucketV2", "aws:s3/bucket:Bucket"}
	gcpBucketTypes = []string{"gcp:storage/bucket:Bucket"}
	awsKeyTypes    = []string{"aws:kms/key:Key", "aws:kms/replicaKey:ReplicaKey", "aws:kms/alias:Alias"}
	gcpKeyTypes    = []string{"gcp:kms/cryptoKey:CryptoKey"}
)

func keyTypes(cloud jurisdiction.Cloud) []string {
	if cloud == jurisdiction.GCP {
		return gcpKeyTypes
	}
	return awsKeyTypes
}

// topInput is the top-level input of a dotted input path ("rules.destination.bucket" -> "rules").
func topInput(path string) string {
	if i := strings.IndexByte(path, '.'); i >= 0 {
		return path[:i]
	}
	return path
}

// depsOf returns the resources of the given types that r's top-level input
// depends on, in the order the dependencies list them.
func (e *env) depsOf(r *Resource, input string, types []string) []*Resource {
	var out []*Resource
	for _, u := range r.PropertyDependencies[input] {
		d := e.byURN[u]
		if d == nil || d == r {
			continue
		}
		dup := false
		for _, o := range out {
			dup = dup || o == d
		}
		if dup {
			continue
		}
		for _, t := range types {
			if d.Type == t {
				out = append(out, d)
				break
			}
		}
	}
	return out
}

// linked returns the resource of type typ that r's input refers to when that
// reference is unknown at preview: the one its property dependencies name, else
// (for sources without property dependencies) r's sibling of that type.
func (e *env) linked(r *Resource, input, typ string) *Resource {
	if ds := e.depsOf(r, topInput(input), []string{typ}); len(ds) > 0 {
		return ds[0]
	}
	if len(r.PropertyDependencies[topInput(input)]) > 0 {
		return nil // the dependencies are recorded and name no such resource
	}
	return e.siblingOfType(r, typ)
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
func knownStrings(v any, into map[string]bool) map[string]bool {
	if into == nil {
		into = map[string]bool{}
	}
	switch x := v.(type) {
	case string:
		if x == Unknown || x == "" {
			break
		}
		into[x] = true
		if strings.HasPrefix(x, "arn:") {
			if i := strings.LastIndexAny(x, ":/"); i >= 0 {
				into[x[i+1:]] = true
			}
		}
	case map[string]any:
		for _, e := range x {
			knownStrings(e, into)
		}
	case []any:
		for _, e := range x {
			knownStrings(e, into)
		}
	}
	return into
}

func (e *env) namedBy(r *Resource, names map[string]bool) bool {
	for _, id := range e.identities(r) {
		if names[id] {
			return true
		}
	}
	return false
}

func names(rs []*Resource) string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Name())
	}
	return strings.Join(out, ", ")
}
