// Package plan runs a Pulumi program offline, under deterministic mocks, and records
// every resource it registers in the JSON shape of `pulumi preview --json`. It needs no
// cloud, no credentials and no Pulumi CLI: it is how the tests, the golden plans and
// `odoo-hosting plan` see what a stack would create.
package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Unknown is the sentinel `pulumi preview --json` prints for a value not known
// until the resource is created.
const Unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

// Secret is what a secret value prints as.
const Secret = "[secret]"

// AccountID is the AWS account every mock ARN carries.
const AccountID = "111111111111"

// ProjectNumber is the GCP project number every mock service agent carries.
const ProjectNumber = "123456789012"

// CertificateExpiry is the expiry the planner gives every Compute Engine SSL
// certificate: fixed, so that plans are reproducible.
const CertificateExpiry = "2041-11-23T12:00:00Z"

// StackType is the type token of the root stack resource.
const StackType = "pulumi:pulumi:Stack"

// ProviderTypePrefix begins the type token of every provider resource
// (pulumi:providers:aws, pulumi:providers:cloudflare, ...).
const ProviderTypePrefix = "pulumi:providers:"

// Plan is the preview of one program run.
type Plan struct {
	Steps         []Step         `json:"steps"`
	ChangeSummary map[string]int `json:"changeSummary"`
}

// Step is one planned operation; every step of an offline plan is a create.
type Step struct {
	Op       string `json:"op"`
	URN      string `json:"urn"`
	Provider string `json:"provider,omitempty"`
	NewState State  `json:"newState"`
}

// State is the planned state of a resource.
type State struct {
	URN string `json:"urn"`
	// ID is the resource's provider id, as a preview shows it for a resource that
	// exists (the offline plan's mock id; none on a first preview).
	ID             string         `json:"id,omitempty"`
	Type           string         `json:"type"`
	Custom         bool           `json:"custom"`
	Parent         string         `json:"parent,omitempty"`
	Provider       string         `json:"provider,omitempty"`
	Inputs         map[string]any `json:"inputs"`
	Protect        bool           `json:"protect,omitempty"`
	RetainOnDelete bool           `json:"retainOnDelete,omitempty"`
	Dependencies   []string       `json:"dependencies,omitempty"`
	// PropertyDependencies names, per input, the resources its value came from: how a
	// reader resolves an input that a real preview would show as unknown.
	PropertyDependencies map[string][]string `json:"propertyDependencies,omitempty"`
}

// Name is the logical name, the last part of the URN.
func (s State) Name() string {
	if i := strings.LastIndex(s.URN, "::"); i >= 0 {
		return s.URN[i+2:]
	}
	return s.URN
}

// Run executes program as stack of project under the mocks and returns its plan.
// The program's error, or a registration error, is returned as is, together with
// the plan of whatever was registered before it.
func Run(project, stack string, program pulumi.RunFunc) (*Plan, error) {
	return RunWith(project, stack, program, Options{})
}

// Options tune a run.
type Options struct {
	// FirstPreview plans as `pulumi preview` of a new stack sees it: the program runs
	// as a dry run and no resource exists yet, so every value a provider would compute
	// (ids, ARNs, endpoints) is unknown and prints as Unknown.
	FirstPreview bool
	// Config and SecretKeys are the stack configuration the engine would pass the
	// program ("<namespace>:<key>" to value, structured values as JSON).
	Config     map[string]string
	SecretKeys []string
}

// RunWith is Run with options.
func RunWith(project, stack string, program pulumi.RunFunc, opts Options) (*Plan, error) {
	m := newMocks(project, stack)
	m.firstPreview = opts.FirstPreview
	err := pulumi.RunErr(program, pulumi.WithMocks(project, stack, m), func(info *pulumi.RunInfo) {
		info.DryRun = opts.FirstPreview
		info.Config = opts.Config
		info.ConfigSecretKeys = opts.SecretKeys
		wrapMonitor(info, m)
	})
	return m.plan(), err
}

// JSON renders the plan with two-space indentation and a final newline; the same
// plan always renders to the same bytes.
func (p *Plan) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// Resources returns the states of every step except the root stack, in plan order.
func (p *Plan) Resources() []State {
	var out []State
	for _, s := range p.Steps {
		if s.NewState.Type != StackType {
			out = append(out, s.NewState)
		}
	}
	return out
}

// Managed returns the states of every step except the root stack and the provider
// resources, in plan order: what the program itself creates.
func (p *Plan) Managed() []State {
	var out []State
	for _, s := range p.Resources() {
		if !strings.HasPrefix(s.Type, ProviderTypePrefix) {
			out = append(out, s)
		}
	}
	return out
}

// ByType returns the states of type t, in plan order.
func (p *Plan) ByType(t string) []State {
	var out []State
	for _, s := range p.Steps {
		if s.NewState.Type == t {
			out = append(out, s.NewState)
		}
	}
	return out
}

// Get returns the resource of type t named name.
func (p *Plan) Get(t, name string) (State, bool) {
	for _, s := range p.ByType(t) {
		if s.Name() == name {
			return s, true
		}
	}
	return State{}, false
}

// Count returns how many resources of each type the plan holds.
func (p *Plan) Count() map[string]int {
	out := map[string]int{}
	for _, s := range p.Steps {
		out[s.NewState.Type]++
	}
	return out
}

// ProviderOf returns the provider resource that manages r, if it is in the plan.
func (p *Plan) ProviderOf(r State) (State, bool) {
	urn := ProviderURN(r.Provider)
	for _, s := range p.Steps {
		if s.NewState.URN == urn {
			return s.NewState, true
		}
	}
	return State{}, false
}

// ProviderURN strips the "::<id>" suffix of a provider reference.
func ProviderURN(ref string) string {
	if i := strings.LastIndex(ref, "::"); i >= 0 && strings.HasPrefix(ref, "urn:") {
		return ref[:i]
	}
	return ref
}

// mocks implements pulumi.MockResourceMonitor with deterministic outputs and records
// every registration.
type mocks struct {
	project, stack string

	firstPreview bool

	// sent maps a request rewritten for the SDK's mock monitor to the object the
	// program sent (see secretUnknownMonitor).
	sent sync.Map // *pulumirpc.RegisterResourceRequest -> *structpb.Struct

	mu        sync.Mutex
	byMockURN map[string]string // the mock monitor's URN -> the engine's URN
	regions   map[string]string // provider engine URN -> region
	states    []State
}

func newMocks(project, stack string) *mocks {
	return &mocks{project: project, stack: stack, byMockURN: map[string]string{}, regions: map[string]string{}}
}

// stackURN is the URN of the root stack resource.
func (m *mocks) stackURN() string {
	return fmt.Sprintf("urn:pulumi:%s::%s::%s::%s-%s", m.stack, m.project, StackType, m.project, m.stack)
}

// mockURN reproduces the URN the SDK's mock monitor gives a resource, which carries
// only the parent's own type rather than the whole chain.
func (m *mocks) mockURN(parentMock, typ, name string) string {
	qualified := typ
	if parentMock != "" {
		if pt := urnQualifiedType(parentMock); pt != StackType {
			qualified = pt + "$" + typ
		}
	}
	return fmt.Sprintf("urn:pulumi:%s::%s::%s::%s", m.stack, m.project, qualified, name)
}

// engineURN is the URN the engine gives: the parent's whole type chain.
func (m *mocks) engineURN(parentEngine, typ, name string) string {
	qualified := typ
	if parentEngine != "" {
		if pt := urnQualifiedType(parentEngine); pt != StackType {
			qualified = pt + "$" + typ
		}
	}
	return fmt.Sprintf("urn:pulumi:%s::%s::%s::%s", m.stack, m.project, qualified, name)
}

func urnQualifiedType(urn string) string {
	parts := strings.SplitN(urn, "::", 4)
	if len(parts) < 4 {
		return ""
	}
	return parts[2]
}

func (m *mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	rpc := args.RegisterRPC
	var parentMock string
	var protect, retain bool
	var deps []string
	propDeps := map[string][]string{}
	if rpc != nil {
		parentMock = rpc.GetParent()
		protect = rpc.GetProtect()
		retain = rpc.GetRetainOnDelete()
		deps = rpc.GetDependencies()
		for k, v := range rpc.GetPropertyDependencies() {
			propDeps[k] = v.GetUrns()
		}
	}

	m.mu.Lock()
	defer m.mu.Unlock()

	parent := m.stackURN()
	if parentMock != "" {
		if p, ok := m.byMockURN[parentMock]; ok {
			parent = p
		}
	}
	urn := m.engineURN(parent, args.TypeToken, args.Name)
	m.byMockURN[m.mockURN(parentMock, args.TypeToken, args.Name)] = urn

	id := ""
	if args.Custom && !m.firstPreview {
		id = MockID(args.Name, urn)
	}

	provider := m.translateRef(args.Provider)
	if strings.HasPrefix(args.TypeToken, ProviderTypePrefix) {
		if r, ok := args.Inputs["region"]; ok && r.IsString() {
			m.regions[urn] = r.StringValue()
		}
	}

	mapped := m.translateURNs(deps)
	var byInput map[string][]string
	for k, urns := range propDeps {
		if t := m.translateURNs(urns); len(t) > 0 {
			if byInput == nil {
				byInput = map[string][]string{}
			}
			byInput[k] = t
		}
	}

	inputs := args.Inputs
	if rpc != nil {
		// The SDK's mock monitor drops unknown inputs; read them from the request as
		// the program sent it (secretUnknownMonitor may have handed the mock a copy).
		if full, err := plugin.UnmarshalProperties(m.sentObject(rpc), plugin.MarshalOptions{
			KeepUnknowns: true, KeepSecrets: true, KeepResources: true, KeepOutputValues: true,
		}); err == nil {
			inputs = full
		}
	}

	m.states = append(m.states, State{
		URN:            urn,
		ID:             id,
		Type:           args.TypeToken,
		Custom:         args.Custom,
		Parent:         parent,
		Provider:       provider,
		Inputs:         m.plain(inputs),
		Protect:        protect,
		RetainOnDelete: retain,
		Dependencies:   mapped,

		PropertyDependencies: byInput,
	})

	return id, m.outputs(args, urn, id, ProviderURN(provider)), nil
}

// translateURNs maps mock URNs to the engine's, sorted and without repeats.
func (m *mocks) translateURNs(urns []string) []string {
	var out []string
	for _, u := range urns {
		if e, ok := m.byMockURN[u]; ok && !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	sort.Strings(out)
	return out
}

// translateRef turns a mock provider reference "<mock urn>::<id>" into the engine's.
func (m *mocks) translateRef(ref string) string {
	if ref == "" {
		return ""
	}
	i := strings.LastIndex(ref, "::")
	if i < 0 {
		return ref
	}
	if e, ok := m.byMockURN[ref[:i]]; ok {
		return e + ref[i:]
	}
	return ref
}

// outputs is the mock state of a new resource: its inputs plus the deterministic
// identifiers a real provider would return.
func (m *mocks) outputs(args pulumi.MockResourceArgs, urn, id, providerURN string) resource.PropertyMap {
	out := args.Inputs.Copy()
	if !args.Custom || m.firstPreview {
		return out
	}
	set := func(k, v string) {
		if _, ok := out[resource.PropertyKey(k)]; !ok {
			out[resource.PropertyKey(k)] = resource.NewProperty(v)
		}
	}
	pkg, module, kind := splitType(args.TypeToken)
	switch pkg {
	case "aws":
		region := m.regions[providerURN]
		if region == "" {
			region = "us-east-1"
		}
		service := module
		if i := strings.Index(service, "/"); i >= 0 {
			service = service[:i]
		}
		set("arn", fmt.Sprintf("arn:aws:%s:%s:%s:%s/%s", service, region, AccountID, strings.ToLower(kind), id))
		set("name", args.Name)
		set("bucket", args.Name)
		set("keyId", id)
		set("dnsName", args.Name+"."+region+".elb.amazonaws.com")
		set("zoneId", "Z"+strings.ToUpper(id[len(id)-8:]))
		set("endpoint", args.Name+"."+region+".rds.amazonaws.com:5432")
		set("address", args.Name+"."+region+".rds.amazonaws.com")
		set("ownerId", AccountID)
		set("accountId", AccountID)
	case "gcp":
		set("name", args.Name)
		set("selfLink", "https://www.googleapis.com/"+module+"/v1/"+args.Name)
		if kind == "ServiceIdentity" {
			// The agent generateServiceIdentity returns: service-<number>@gcp-sa-<api>.
			api := ""
			if v, ok := args.Inputs["service"]; ok && v.IsString() {
				api = strings.TrimSuffix(v.StringValue(), ".googleapis.com")
			}
			email := "service-" + ProjectNumber + "@gcp-sa-" + api + ".iam.gserviceaccount.com"
			set("email", email)
			set("member", "serviceAccount:"+email)
		}
		if kind == "RegionSslCertificate" || kind == "SSLCertificate" {
			// Compute Engine reports the certificate's expiry (RFC 3339); a fixed one.
			set("expireTime", CertificateExpiry)
		}
		if kind == "ProjectNotificationConfig" {
			// Security Command Center's notification service account (output only).
			set("serviceAccount", "service-org-"+ProjectNumber+"@gcp-sa-scc-notification.iam.gserviceaccount.com")
		}
	case "cloudflare":
		set("name", args.Name)
		set("hostname", args.Name)
	}
	return out
}

func splitType(t string) (pkg, module, kind string) {
	parts := strings.SplitN(t, ":", 3)
	if len(parts) != 3 {
		return t, "", ""
	}
	return parts[0], parts[1], parts[2]
}

func (m *mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	switch args.Token {
	case "gcp:storage/getProjectServiceAccount:getProjectServiceAccount":
		email := "service-" + ProjectNumber + "@gs-project-accounts.iam.gserviceaccount.com"
		return resource.PropertyMap{
			"emailAddress": resource.NewProperty(email),
			"member":       resource.NewProperty("serviceAccount:" + email),
			"project":      args.Args["project"],
			"id":           resource.NewProperty(email),
		}, nil
	case "gcp:storage/getTransferProjectServiceAccount:getTransferProjectServiceAccount":
		email := "project-" + ProjectNumber + "@storage-transfer-service.iam.gserviceaccount.com"
		return resource.PropertyMap{
			"email":   resource.NewProperty(email),
			"member":  resource.NewProperty("serviceAccount:" + email),
			"project": args.Args["project"],
			"id":      resource.NewProperty(email),
		}, nil
	case "gcp:logging/getProjectCmekSettings:getProjectCmekSettings":
		// The account Cloud Logging uses with a project's CMEK keys: its service agent.
		project := ""
		if v, ok := args.Args["project"]; ok && v.IsString() {
			project = v.StringValue()
		}
		return resource.PropertyMap{
			"serviceAccountId": resource.NewProperty("service-" + ProjectNumber + "@gcp-sa-logging.iam.gserviceaccount.com"),
			"name":             resource.NewProperty("projects/" + project + "/cmekSettings"),
			"project":          resource.NewProperty(project),
			"id":               resource.NewProperty("projects/" + project + "/cmekSettings"),
		}, nil
	case "aws:index/getCallerIdentity:getCallerIdentity":
		return resource.PropertyMap{
			"accountId": resource.NewProperty(AccountID),
			"arn":       resource.NewProperty("arn:aws:iam::" + AccountID + ":user/plan"),
			"userId":    resource.NewProperty("plan"),
		}, nil
	}
	return args.Args, nil
}

// plan assembles the recorded states in a stable order.
func (m *mocks) plan() *Plan {
	m.mu.Lock()
	defer m.mu.Unlock()
	states := append([]State(nil), m.states...)
	sort.Slice(states, func(i, j int) bool { return states[i].URN < states[j].URN })
	steps := []Step{{Op: "create", URN: m.stackURN(), NewState: State{
		URN: m.stackURN(), Type: StackType, Inputs: map[string]any{},
	}}}
	for _, s := range states {
		steps = append(steps, Step{Op: "create", URN: s.URN, Provider: s.Provider, NewState: s})
	}
	return &Plan{Steps: steps, ChangeSummary: map[string]int{"create": len(steps)}}
}

// plain converts Pulumi property values to the JSON the CLI prints.
func (m *mocks) plain(pm resource.PropertyMap) map[string]any {
	out := make(map[string]any, len(pm))
	for k, v := range pm {
		if strings.HasPrefix(string(k), "__") {
			continue
		}
		out[string(k)] = m.plainValue(v)
	}
	return out
}

func (m *mocks) plainValue(v resource.PropertyValue) any {
	switch {
	case v.IsNull():
		return nil
	case v.IsComputed():
		return Unknown
	case v.IsOutput():
		o := v.OutputValue()
		if !o.Known {
			return Unknown
		}
		if o.Secret {
			return Secret
		}
		return m.plainValue(o.Element)
	case v.IsSecret():
		return Secret
	case v.IsBool():
		return v.BoolValue()
	case v.IsNumber():
		return v.NumberValue()
	case v.IsString():
		return v.StringValue()
	case v.IsArray():
		arr := v.ArrayValue()
		out := make([]any, len(arr))
		for i, e := range arr {
			out[i] = m.plainValue(e)
		}
		return out
	case v.IsObject():
		return m.plain(v.ObjectValue())
	case v.IsResourceReference():
		ref := v.ResourceReferenceValue()
		if e, ok := m.byMockURN[string(ref.URN)]; ok {
			return e
		}
		return string(ref.URN)
	case v.IsAsset():
		return map[string]any{"hash": v.AssetValue().Hash}
	case v.IsArchive():
		return map[string]any{"hash": v.ArchiveValue().Hash}
	}
	return fmt.Sprint(v.V)
}

// MockID is the ID the offline planner gives a custom resource: its name, a dash and
// the first 8 hex digits of the SHA-256 of its URN (docs/contracts.md). Tests that
// resolve references by ID use it instead of restating the scheme.
func MockID(name, urn string) string {
	sum := sha256.Sum256([]byte(urn))
	return name + "-" + hex.EncodeToString(sum[:4])
}
