package policies

// The resource index: what every rule sees (the resources indexed by URN, type,
// parent and identity) and the references between resources.

import (
	"strings"
	"sync"
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
	places        map[*Resource]resolved
	refs          map[string]*refIdx
	ids           map[*Resource][]string
	// stores and bearers are filled once (catalogue.go).
	classOnce       sync.Once
	stores, bearers []*Resource
	aliasOnce       sync.Once
	// mu guards the caches ids, places and refs: rules run in parallel.
	mu sync.Mutex
}

func newEnv(resources []Resource, opts Options, now time.Time) *env {
	e := &env{
		resources: resources,
		byURN:     make(map[string]*Resource, len(resources)),
		byType:    map[string][]*Resource{},
		children:  map[string][]*Resource{},
		now:       now,
		places:    make(map[*Resource]resolved, len(resources)),
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
	cfg := opts.Stack
	if len(roots) == 0 && opts.Config != nil {
		// An incremental preview omits the unchanged root component; the stack
		// configuration the preview carries says the same facts.
		cfg = mergeConfigured(opts.Stack, StackFromConfig(opts.Config))
	}
	e.stack, e.stackProblems = learnStack(roots, cfg)
	return e
}

// identities are the strings other resources may use to refer to r: its URN, its
// provider id, its physical name inputs and its ARN. Never its logical name nor a
// guessed auto-name: a bucket outside the plan named like one inside it must not
// pass for it (RES-2, RES-3, IAM-4).
func (e *env) identities(r *Resource) []string {
	e.mu.Lock()
	ids, ok := e.ids[r]
	e.mu.Unlock()
	if ok {
		return ids
	}
	ids = e.computeIdentities(r)
	e.mu.Lock()
	e.ids[r] = ids
	e.mu.Unlock()
	return ids
}

func (e *env) computeIdentities(r *Resource) []string {
	ids := []string{r.URN}
	if r.ID != "" && r.ID != Unknown {
		ids = append(ids, r.ID)
	}
	// "id" is among the outputs the real engine reports for a deployed resource
	// (bridged providers keep it there): others refer to it by it (a flow log's vpcId).
	for _, k := range []string{"name", "arn", "id", physicalName[r.Type]} {
		if s, ok := known(r.Inputs[k]); ok && s != "" {
			ids = append(ids, s)
		}
	}
	return ids
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

func (e *env) siblingOfType(r *Resource, typ string) *Resource {
	for _, c := range e.byType[typ] {
		if c.Parent == r.Parent {
			return c
		}
	}
	return nil
}

// lookup finds the resources a reference (URN, name, id or ARN) names.
func (e *env) lookup(ref string) []*Resource {
	if ref == "" || ref == Unknown {
		return nil
	}
	ref = strings.TrimSuffix(ref, ":*")
	e.aliasOnce.Do(e.buildAliases)
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
	e.mu.Lock()
	idx, ok := e.refs[k]
	e.mu.Unlock()
	if ok {
		return idx
	}
	idx = &refIdx{byRef: map[string][]*Resource{}, unknownByParent: map[string][]*Resource{}}
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
	e.mu.Lock()
	e.refs[k] = idx
	e.mu.Unlock()
	return idx
}

// The kinds of resource a reference must point to, for resolving references that
// are unknown at preview through property dependencies.
var (
	vaultTypes      = []string{"aws:backup/vault:Vault"}
	awsBucketTypes  = []string{"aws:s3/bucketV2:BucketV2", "aws:s3/bucket:Bucket"}
	gcpBucketTypes  = []string{"gcp:storage/bucket:Bucket"}
	awsKeyTypes     = []string{"aws:kms/key:Key", "aws:kms/replicaKey:ReplicaKey", "aws:kms/alias:Alias"}
	gcpKeyTypes     = []string{"gcp:kms/cryptoKey:CryptoKey"}
	gcpKeyGrantType = "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember"
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
		if types == nil {
			// Any resource bearing data: a copy destination of any kind.
			if bearsData(d) {
				out = append(out, d)
			}
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

// partial reports whether the plan may omit unchanged resources: the stack was
// learnt from a preview's configuration because the root component is absent.
func (e *env) partial() bool { return e.stack.Source == PreviewConfiguration }

// physicalName is the input holding the physical name of types whose name input
// is not called "name".
var physicalName = map[string]string{
	"aws:s3/bucket:Bucket":            "bucket",
	"aws:s3/bucketV2:BucketV2":        "bucket",
	"gcp:bigquery/dataset:Dataset":    "datasetId",
	"gcp:secretmanager/secret:Secret": "secretId",
	// Log buckets and image repositories by their IDs (a sink's destination).
	"gcp:logging/projectBucketConfig:ProjectBucketConfig": "bucketId",
	"gcp:artifactregistry/repository:Repository":          "repositoryId",
}
