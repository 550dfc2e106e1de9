// Package sim is a simulated Pulumi resource provider for the aws, gcp and
// cloudflare packages: test infrastructure that lets the real Pulumi engine run the
// real program offline (docs/decisions/0055-simulated-providers.md).
//
// It is generic: it answers for any type token of its package. Outputs are the
// inputs plus deterministic computed attributes (id, ARN, names, endpoints); the
// "cloud" is a directory of JSON files, one per live resource, shared by every
// plugin process of a deployment and by later deployments; Diff replaces on the
// properties in ForceNew and updates in place otherwise; every call is appended to
// a JSON-lines record so tests can assert what was created, replaced and deleted.
//
// Environment: SIM_DIR (the cloud and the default record; default
// $TMPDIR/odoo-hosting-sim), SIM_RECORD (the record file; default
// $SIM_DIR/calls.jsonl).
package sim

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/structpb"
)

// Provider is one simulated provider instance (one plugin process serves one).
type Provider struct {
	plugin.UnimplementedProvider

	pkg     string
	version string
	dir     string // the simulated cloud: <dir>/cloud/<pkg>/...
	record  string

	mu      sync.Mutex
	region  string
	account string
	project string
}

// Options configure New.
type Options struct {
	Package string // aws, gcp or cloudflare
	Version string // reported by GetPluginInfo, e.g. 6.83.0
	Dir     string // SIM_DIR
	Record  string // SIM_RECORD
}

// FromEnv fills Dir and Record from SIM_DIR and SIM_RECORD.
func (o Options) FromEnv() Options {
	if o.Dir == "" {
		o.Dir = os.Getenv("SIM_DIR")
	}
	if o.Dir == "" {
		o.Dir = filepath.Join(os.TempDir(), "odoo-hosting-sim")
	}
	if o.Record == "" {
		o.Record = os.Getenv("SIM_RECORD")
	}
	if o.Record == "" {
		o.Record = filepath.Join(o.Dir, "calls.jsonl")
	}
	return o
}

// New returns a simulated provider for one package.
func New(o Options) (*Provider, error) {
	if o.Package == "" || o.Dir == "" || o.Record == "" {
		return nil, errors.New("sim: Package, Dir and Record are required")
	}
	if err := os.MkdirAll(filepath.Join(o.Dir, "cloud", o.Package), 0o755); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(o.Record), 0o755); err != nil {
		return nil, err
	}
	v := o.Version
	if v == "" {
		v = "0.0.1"
	}
	return &Provider{pkg: o.Package, version: v, dir: o.Dir, record: o.Record,
		region: defaultRegion(o.Package), account: DefaultAccount, project: "sim-project"}, nil
}

// DefaultAccount is the AWS account of ARNs when the provider names none.
const DefaultAccount = "123456789012"

func defaultRegion(pkg string) string {
	switch pkg {
	case "aws":
		return "us-east-1"
	case "gcp":
		return "us-central1"
	}
	return ""
}

func (p *Provider) log(c Call) {
	c.Package = p.pkg
	c.Time = now()
	if err := appendCall(p.record, c); err != nil {
		fmt.Fprintf(os.Stderr, "sim %s: cannot write the record %s: %v\n", p.pkg, p.record, err)
	}
}

// Handshake accepts secrets and resource references; nothing else is needed.
func (p *Provider) Handshake(context.Context, plugin.ProviderHandshakeRequest) (*plugin.ProviderHandshakeResponse, error) {
	return &plugin.ProviderHandshakeResponse{AcceptSecrets: true, AcceptResources: true}, nil
}

// Close does nothing: every change is on disk already.
func (p *Provider) Close() error { return nil }

// SignalCancellation does nothing: every call returns at once.
func (p *Provider) SignalCancellation(context.Context) error { return nil }

// GetPluginInfo reports the version the engine asked for.
func (p *Provider) GetPluginInfo(context.Context) (plugin.PluginInfo, error) {
	v, err := semver.ParseTolerant(p.version)
	if err != nil {
		return plugin.PluginInfo{}, err
	}
	return plugin.PluginInfo{Version: &v}, nil
}

// GetSchema answers an empty package schema (the engine asks only for tooling).
func (p *Provider) GetSchema(context.Context, plugin.GetSchemaRequest) (plugin.GetSchemaResponse, error) {
	return plugin.GetSchemaResponse{Schema: []byte(`{"name":"` + p.pkg + `","version":"` + p.version + `"}`)}, nil
}

// CheckConfig accepts any provider configuration.
func (p *Provider) CheckConfig(_ context.Context, req plugin.CheckConfigRequest) (plugin.CheckConfigResponse, error) {
	return plugin.CheckConfigResponse{Properties: req.News}, nil
}

// DiffConfig updates a provider in place on any change of its configuration.
func (p *Provider) DiffConfig(_ context.Context, req plugin.DiffConfigRequest) (plugin.DiffConfigResponse, error) {
	return diffMaps("", req.OldInputs, req.OldOutputs, req.NewInputs, nil), nil
}

// Configure takes the region, the account (aws allowedAccountIds) and the project.
func (p *Provider) Configure(_ context.Context, req plugin.ConfigureRequest) (plugin.ConfigureResponse, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if v := plainString(req.Inputs["region"]); v != "" {
		p.region = v
	}
	if v := plainString(req.Inputs["project"]); v != "" {
		p.project = v
	}
	if ids := unsecret(req.Inputs["allowedAccountIds"]); ids.IsArray() && len(ids.ArrayValue()) > 0 {
		if v := plainString(ids.ArrayValue()[0]); v != "" {
			p.account = v
		}
	}
	urn := ""
	if req.URN != nil {
		urn = string(*req.URN)
	}
	p.log(Call{Method: "Configure", URN: urn})
	return plugin.ConfigureResponse{}, nil
}

// Check accepts the inputs as they are.
func (p *Provider) Check(_ context.Context, req plugin.CheckRequest) (plugin.CheckResponse, error) {
	p.log(Call{Method: "Check", URN: string(req.URN), Type: string(req.Type)})
	return plugin.CheckResponse{Properties: req.News}, nil
}

// Diff compares the old inputs with the new ones, top-level key by key.
func (p *Provider) Diff(_ context.Context, req plugin.DiffRequest) (plugin.DiffResponse, error) {
	d := diffMaps(string(req.Type), req.OldInputs, req.OldOutputs, req.NewInputs, req.IgnoreChanges)
	c := Call{Method: "Diff", URN: string(req.URN), Type: string(req.Type), ID: string(req.ID)}
	for _, k := range d.ChangedKeys {
		c.Changed = append(c.Changed, string(k))
	}
	for _, k := range d.ReplaceKeys {
		c.Replaces = append(c.Replaces, string(k))
	}
	p.log(c)
	return d, nil
}

func diffMaps(typ string, oldInputs, oldOutputs, news resource.PropertyMap, ignore []string) plugin.DiffResult {
	olds := oldInputs
	if olds == nil {
		// State written before the engine kept inputs: compare on the new keys only.
		olds = resource.PropertyMap{}
		for k := range news {
			if v, ok := oldOutputs[k]; ok {
				olds[k] = v
			}
		}
	}
	ignored := map[string]bool{}
	for _, k := range ignore {
		ignored[k] = true
	}
	var changed, replaces []resource.PropertyKey
	seen := map[resource.PropertyKey]bool{}
	for _, m := range []resource.PropertyMap{olds, news} {
		for k := range m {
			if seen[k] || ignored[string(k)] {
				continue
			}
			seen[k] = true
			o, n := olds[k], news[k]
			// An unknown new value may be anything: a change, as real providers count it.
			if n.ContainsUnknowns() || !o.DeepEquals(n) {
				changed = append(changed, k)
				if forceNew(typ, string(k)) {
					replaces = append(replaces, k)
				}
			}
		}
	}
	if len(changed) == 0 {
		return plugin.DiffResult{Changes: plugin.DiffNone}
	}
	sort.Slice(changed, func(i, j int) bool { return changed[i] < changed[j] })
	sort.Slice(replaces, func(i, j int) bool { return replaces[i] < replaces[j] })
	return plugin.DiffResult{Changes: plugin.DiffSome, ChangedKeys: changed, ReplaceKeys: replaces}
}

// Create stores a new resource with a fresh deterministic id. In a preview it
// stores nothing and answers the computed attributes as unknown.
func (p *Provider) Create(_ context.Context, req plugin.CreateRequest) (plugin.CreateResponse, error) {
	if req.Preview {
		p.log(Call{Method: "Create", Preview: true, URN: string(req.URN), Type: string(req.Type)})
		return plugin.CreateResponse{Properties: p.outputs(req.URN, req.Type, "", req.Properties, true)}, nil
	}
	id, err := p.newID(req.URN, req.Type, req.Properties)
	if err != nil {
		return plugin.CreateResponse{}, err
	}
	if named := nameID(req.URN, string(req.Type), req.Properties); named != "" {
		id = named
	}
	out := p.outputs(req.URN, req.Type, id, req.Properties, false)
	if err := p.store(stored{URN: string(req.URN), Type: string(req.Type), ID: id}, req.Properties, out); err != nil {
		return plugin.CreateResponse{}, err
	}
	p.log(Call{Method: "Create", URN: string(req.URN), Type: string(req.Type), ID: id})
	return plugin.CreateResponse{ID: resource.ID(id), Properties: out, Status: resource.StatusOK}, nil
}

// Update keeps the id and recomputes the outputs from the new inputs.
func (p *Provider) Update(_ context.Context, req plugin.UpdateRequest) (plugin.UpdateResponse, error) {
	if req.Preview {
		p.log(Call{Method: "Update", Preview: true, URN: string(req.URN), Type: string(req.Type), ID: string(req.ID)})
		return plugin.UpdateResponse{Properties: p.outputs(req.URN, req.Type, string(req.ID), req.NewInputs, true)}, nil
	}
	out := p.outputs(req.URN, req.Type, string(req.ID), req.NewInputs, false)
	if err := p.store(stored{URN: string(req.URN), Type: string(req.Type), ID: string(req.ID)}, req.NewInputs, out); err != nil {
		return plugin.UpdateResponse{}, err
	}
	p.log(Call{Method: "Update", URN: string(req.URN), Type: string(req.Type), ID: string(req.ID)})
	return plugin.UpdateResponse{Properties: out, Status: resource.StatusOK}, nil
}

// Delete removes the resource from the simulated cloud.
func (p *Provider) Delete(_ context.Context, req plugin.DeleteRequest) (plugin.DeleteResponse, error) {
	err := os.Remove(p.path(req.Type, string(req.ID)))
	if err != nil && !os.IsNotExist(err) {
		return plugin.DeleteResponse{}, err
	}
	p.log(Call{Method: "Delete", URN: string(req.URN), Type: string(req.Type), ID: string(req.ID)})
	return plugin.DeleteResponse{Status: resource.StatusOK}, nil
}

// Read answers from the simulated cloud; a resource that is not there is gone.
func (p *Provider) Read(_ context.Context, req plugin.ReadRequest) (plugin.ReadResponse, error) {
	p.log(Call{Method: "Read", URN: string(req.URN), Type: string(req.Type), ID: string(req.ID)})
	s, inputs, outputs, err := p.load(req.Type, string(req.ID))
	if os.IsNotExist(err) {
		return plugin.ReadResponse{ReadResult: plugin.ReadResult{ID: req.ID}, Status: resource.StatusOK}, nil
	}
	if err != nil {
		return plugin.ReadResponse{}, err
	}
	return plugin.ReadResponse{ReadResult: plugin.ReadResult{ID: resource.ID(s.ID), Inputs: inputs, Outputs: outputs},
		Status: resource.StatusOK}, nil
}

// Invoke answers the data sources the program calls; any other one fails loudly
// so that a new call in the program is noticed and simulated here.
func (p *Provider) Invoke(_ context.Context, req plugin.InvokeRequest) (plugin.InvokeResponse, error) {
	tok := string(req.Tok)
	p.log(Call{Method: "Invoke", Type: tok})
	out, ok := p.invoke(tok, req.Args)
	if !ok && p.pkg == "gcp" {
		p.mu.Lock()
		project, region := p.project, p.region
		p.mu.Unlock()
		out, ok = gcpInvoke(tok, project, region, req.Args)
	}
	if !ok {
		return plugin.InvokeResponse{}, fmt.Errorf("sim %s: invoke %s is not simulated; add it to tests/sim/outputs.go", p.pkg, tok)
	}
	return plugin.InvokeResponse{Properties: out}, nil
}

// --- the simulated cloud ----------------------------------------------------------

type stored struct {
	URN     string          `json:"urn"`
	Type    string          `json:"type"`
	ID      string          `json:"id"`
	Inputs  json2Properties `json:"inputs"`
	Outputs json2Properties `json:"outputs"`
}

// json2Properties is a property map as protobuf JSON (keeps secrets).
type json2Properties = map[string]any

func (p *Provider) path(typ interface{ String() string }, id string) string {
	sum := sha256.Sum256([]byte(typ.String() + "\x00" + id))
	return filepath.Join(p.dir, "cloud", p.pkg, hex.EncodeToString(sum[:12])+".json")
}

func marshalPM(pm resource.PropertyMap) (map[string]any, error) {
	st, err := plugin.MarshalProperties(pm, plugin.MarshalOptions{KeepSecrets: true, KeepUnknowns: true, KeepResources: true})
	if err != nil {
		return nil, err
	}
	b, err := protojson.Marshal(st)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	return m, jsonUnmarshal(b, &m)
}

func unmarshalPM(m map[string]any) (resource.PropertyMap, error) {
	b, err := jsonMarshal(m)
	if err != nil {
		return nil, err
	}
	st := &structpb.Struct{}
	if err := protojson.Unmarshal(b, st); err != nil {
		return nil, err
	}
	return plugin.UnmarshalProperties(st, plugin.MarshalOptions{KeepSecrets: true, KeepUnknowns: true, KeepResources: true})
}

func (p *Provider) store(s stored, inputs, outputs resource.PropertyMap) error {
	var err error
	if s.Inputs, err = marshalPM(inputs); err != nil {
		return err
	}
	if s.Outputs, err = marshalPM(outputs); err != nil {
		return err
	}
	b, err := jsonMarshal(s)
	if err != nil {
		return err
	}
	path := p.path(typeName(s.Type), s.ID)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func (p *Provider) load(typ interface{ String() string }, id string) (stored, resource.PropertyMap, resource.PropertyMap, error) {
	var s stored
	b, err := os.ReadFile(p.path(typ, id))
	if err != nil {
		return s, nil, nil, err
	}
	if err := jsonUnmarshal(b, &s); err != nil {
		return s, nil, nil, err
	}
	in, err := unmarshalPM(s.Inputs)
	if err != nil {
		return s, nil, nil, err
	}
	out, err := unmarshalPM(s.Outputs)
	return s, in, out, err
}

type typeName string

func (t typeName) String() string { return string(t) }

// newID is deterministic: the n-th creation of a URN always gets the same id, and a
// replacement (a second creation) a different one.
func (p *Provider) newID(urn resource.URN, typ interface{ String() string }, inputs resource.PropertyMap) (string, error) {
	p.mu.Lock()
	sum := sha256.Sum256([]byte(urn))
	genDir := filepath.Join(p.dir, "cloud", p.pkg, "generations")
	if err := os.MkdirAll(genDir, 0o755); err != nil {
		p.mu.Unlock()
		return "", err
	}
	genFile := filepath.Join(genDir, hex.EncodeToString(sum[:12]))
	n := 0
	if b, err := os.ReadFile(genFile); err == nil {
		n, _ = strconv.Atoi(strings.TrimSpace(string(b)))
	}
	n++
	if err := os.WriteFile(genFile, []byte(strconv.Itoa(n)), 0o644); err != nil {
		p.mu.Unlock()
		return "", err
	}
	p.mu.Unlock()
	if p.pkg == "gcp" {
		if id := p.gcpID(urn, typ.String(), inputs, n); id != "" {
			return id, nil
		}
	}
	h := sha256.Sum256([]byte(fmt.Sprintf("%s#%d", urn, n)))
	hexID := hex.EncodeToString(h[:])
	_, _, kind := splitType(typ.String())
	switch p.pkg {
	case "cloudflare":
		return hexID[:32], nil
	case "gcp":
		return fmt.Sprintf("projects/%s/%s/%s", p.project, strings.ToLower(kind), urn.Name()+"-"+hexID[:8]), nil
	}
	return slug(kind) + "-" + hexID[:17], nil
}
