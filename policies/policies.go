// Package policies is the core of the odoo-hosting policy pack: pure rules over a
// cloud-neutral view of a Pulumi program's resources, one rule per control ID of
// CONTROLS.md. It imports only the jurisdiction and tier models and the contract
// (internal/contract), so it judges any Pulumi program, not only ours; readers
// (package input), outputs (package output), the check command (package check) and
// the Pulumi analyzer (package pack) are adapters.
package policies

import (
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/octura/odoo-hosting/internal/contract"
)

// Unknown is Pulumi's sentinel for a value not known at preview time.
const Unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

// Secret is how a secret value prints in a plan.
const Secret = "[secret]"

// RootType is the type token of the stack's root component, whose inputs carry the
// stack's residency facts (internal/contract, docs/contracts.md).
const RootType = contract.RootType

// Severity says whether a violation blocks a deployment.
type Severity string

// The severities.
const (
	Mandatory Severity = "mandatory" // blocks the deployment; `check` exits 1
	Advisory  Severity = "advisory"  // reported only (an approved cross-border placement)
)

// Resource is the cloud-neutral view of one resource of a plan or state.
type Resource struct {
	URN string `yaml:"urn" json:"urn"`
	// ID is the provider id when the source shows one (a preview of an existing
	// resource, a stack export, the offline plan); references resolve by it.
	ID     string `yaml:"id" json:"id,omitempty"`
	Type   string `yaml:"type" json:"type"`
	Custom bool   `yaml:"custom" json:"custom"`
	// Parent is the parent resource's URN; empty for the stack resource.
	Parent string `yaml:"parent" json:"parent,omitempty"`
	// Provider is the provider resource's URN, without its "::<id>" suffix; empty
	// when the resource uses its package's default provider.
	Provider string         `yaml:"provider" json:"provider,omitempty"`
	Inputs   map[string]any `yaml:"inputs" json:"inputs,omitempty"`
	// Protect and RetainOnDelete are the resource options; nil when the source
	// does not carry them (the analyzer protocol has no retainOnDelete).
	Protect        *bool `yaml:"protect" json:"protect,omitempty"`
	RetainOnDelete *bool `yaml:"retainOnDelete" json:"retainOnDelete,omitempty"`
	// PropertyDependencies maps a top-level input to the URNs of the resources
	// its value came from (preview JSON newState.propertyDependencies, stack
	// export propertyDependencies, the Analyzer's propertyDependencies). Rules use
	// it to resolve references that are unknown at preview; nil when the source
	// does not carry it.
	PropertyDependencies map[string][]string `yaml:"propertyDependencies" json:"propertyDependencies,omitempty"`
}

// Name is the resource's logical name: the last "::" part of its URN.
func (r *Resource) Name() string {
	if i := strings.LastIndex(r.URN, "::"); i >= 0 {
		return r.URN[i+2:]
	}
	return r.URN
}

// Violation is one breach of one control by one resource.
type Violation struct {
	Control  string   `json:"control"`
	Severity Severity `json:"severity"`
	URN      string   `json:"urn"`
	// Value is the offending value as found ("eu-west-2", "TLSv1", "missing").
	Value string `json:"value"`
	// Allowed says what would pass.
	Allowed string `json:"allowed"`
	Message string `json:"message"`
	// ApprovalID names the RES-4 approval that covers (or failed to cover) a
	// cross-border placement.
	ApprovalID string `json:"approvalId,omitempty"`
}

// Report is the outcome of Evaluate.
type Report struct {
	Stack      Stack       `json:"stack"`
	Resources  int         `json:"resources"`
	Violations []Violation `json:"violations"`
}

// Mandatory counts the blocking violations.
func (r Report) Mandatory() int {
	n := 0
	for _, v := range r.Violations {
		if v.Severity == Mandatory {
			n++
		}
	}
	return n
}

// Options tune Evaluate.
type Options struct {
	// Now is the time approvals and break-glass expiries are judged at; zero means
	// time.Now().
	Now time.Time
	// Stack is the configured stack (pack configuration or `check` flags). It fills
	// what the root component does not declare; a conflicting jurisdiction is a
	// RES-1 violation. Nil when there is no configuration.
	Stack *Stack
	// Config is the stack configuration a `pulumi preview --json` document carries
	// (its `config`: "odoo-hosting:<key>" to text, structured values as JSON,
	// secrets blinded). When the plan holds no root component, as in the preview
	// of an incremental change without --show-sames, the stack's facts are read
	// from it (StackFromConfig); Stack, when given, takes precedence.
	Config map[string]string
	// Controls limits evaluation to these control IDs; empty means all.
	Controls []string
}

// Rule checks one control.
type Rule struct {
	Control string
	Title   string
	check   func(e *env) []Violation
}

// registry is every rule, one per control ID, in the order of CONTROLS.md; each
// rule lives in the rules_<area>.go file of its control family.
var registry = []Rule{
	{Control: "RES-1", Title: "The stack names one jurisdiction, cloud and primary region inside it", check: res1},
	{Control: "RES-2", Title: "Customer data is placed in regions of the stack's jurisdiction", check: res2},
	{Control: "RES-3", Title: "Backup copies go to a second region of the same jurisdiction", check: res3},
	{Control: "RES-4", Title: "Cross-border placements need a valid written approval", check: res4},
	{Control: "RES-5", Title: "Sub-processors are declared with their places", check: res5},
	{Control: "RES-6", Title: "enterprise: TLS is decrypted at the edge only inside the jurisdiction", check: res6},
	{Control: "ENC-1", Title: "TLS 1.2 or newer at every endpoint", check: enc1},
	{Control: "ENC-2", Title: "Encryption at rest with project-managed keys", check: enc2},
	{Control: "ENC-3", Title: "Keys rotate, wait 30 days before deletion and are single-region", check: enc3},
	{Control: "ENC-4", Title: "enterprise: customer-managed keys on every data resource", check: enc4},
	{Control: "ENC-5", Title: "Backup copies are encrypted with a key in the backup region", check: enc5},
	{Control: "NET-1", Title: "One private network with app, database and management subnets across zones", check: net1},
	{Control: "NET-2", Title: "No public IPs; database subnets have no internet route", check: net2},
	{Control: "NET-3", Title: "Least-privilege traffic rules; nothing open to the internet", check: net3},
	{Control: "NET-4", Title: "Web application firewall at the edge", check: net4},
	{Control: "NET-5", Title: "Allow-lists and site-to-site VPNs are tight", check: net5},
	{Control: "NET-6", Title: "enterprise: Magic Transit DDoS protection", check: net6},
	{Control: "NET-7", Title: "Flow logs go to an encrypted destination in the jurisdiction", check: net7},
	{Control: "NET-8", Title: "The origin answers only the edge", check: net8},
	{Control: "IAM-1", Title: "Access through groups or roles, never granted to a single user", check: iam1},
	{Control: "IAM-2", Title: "MFA is mandatory for engineers", check: iam2},
	{Control: "IAM-3", Title: "Break-glass access expires within 24 hours", check: iam3},
	{Control: "IAM-4", Title: "Audit trails, integrity-protected, encrypted, in the jurisdiction", check: iam4},
	{Control: "IAM-5", Title: "Server access never by password nor from the open internet", check: iam5},
	{Control: "IAM-6", Title: "No plain-text credentials in configuration or state", check: iam6},
	{Control: "BAK-1", Title: "Backup schedules meet the tier's RPO", check: bak1},
	{Control: "BAK-2", Title: "Backup retention 35 days or as configured", check: bak2},
	{Control: "BAK-3", Title: "Backups encrypted, versioned, immutable, never public", check: bak3},
	{Control: "BAK-4", Title: "Restores are tested at least quarterly", check: bak4},
	{Control: "BAK-5", Title: "Backups expire within 12 months", check: bak5},
	{Control: "BAK-6", Title: "Data resources are protected from deletion", check: bak6},
	{Control: "DAT-1", Title: "Non-production never reads production data", check: dat1},
	{Control: "DAT-2", Title: "cloud and enterprise run across zones", check: dat2},
	{Control: "OPS-1", Title: "A failing promise raises an alert to named contacts over an encrypted channel", check: ops1},
	{Control: "OPS-2", Title: "Threat detection on; the application image pinned by digest and scanned", check: ops2},
}

// Rules returns the registry: one rule per control ID, in catalogue order.
func Rules() []Rule { return append([]Rule(nil), registry...) }

// Evaluate judges resources against every rule and returns every violation,
// sorted by control, URN and value.
func Evaluate(resources []Resource, opts Options) Report {
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	e := newEnv(resources, opts, now.UTC())
	want := map[string]bool{}
	for _, c := range opts.Controls {
		want[c] = true
	}
	// The rules only read the plan (the env's caches are guarded), so they run
	// on every core; the violations are sorted afterwards.
	found := make([][]Violation, len(registry))
	next := make(chan int, len(registry))
	for i, rule := range registry {
		if len(want) == 0 || want[rule.Control] {
			next <- i
		}
	}
	close(next)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				found[i] = registry[i].check(e)
			}
		}()
	}
	wg.Wait()
	var out []Violation
	out = append(out, e.stackProblems...)
	for _, vs := range found {
		out = append(out, vs...)
	}
	if len(want) > 0 {
		kept := out[:0]
		for _, v := range out {
			if want[v.Control] {
				kept = append(kept, v)
			}
		}
		out = kept
	}
	sortViolations(out)
	out = dedupe(out)
	return Report{Stack: e.stack, Resources: len(resources), Violations: out}
}

func controlRank(id string) int {
	for i, r := range registry {
		if r.Control == id {
			return i
		}
	}
	return len(registry)
}

func sortViolations(vs []Violation) {
	sort.SliceStable(vs, func(i, j int) bool {
		a, b := vs[i], vs[j]
		if a.Control != b.Control {
			return controlRank(a.Control) < controlRank(b.Control)
		}
		if a.URN != b.URN {
			return a.URN < b.URN
		}
		if a.Value != b.Value {
			return a.Value < b.Value
		}
		return a.Message < b.Message
	})
}

func dedupe(vs []Violation) []Violation {
	if len(vs) < 2 {
		return vs
	}
	out := vs[:1]
	for _, v := range vs[1:] {
		if v != out[len(out)-1] {
			out = append(out, v)
		}
	}
	return out
}
