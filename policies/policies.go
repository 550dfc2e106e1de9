// Package policies is the core of the odoo-hosting policy pack: pure rules over a
// cloud-neutral view of a Pulumi program's resources, one rule per control ID of
// CONTROLS.md. It imports only the jurisdiction model, so it judges any Pulumi
// program, not only ours; readers (package input), outputs (package output), the
// check command (package check) and the Pulumi analyzer (package pack) are adapters.
package policies

import (
	"sort"
	"strings"
	"time"
)

// Unknown is Pulumi's sentinel for a value not known at preview time.
const Unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

// Secret is how a secret value prints in a plan.
const Secret = "[secret]"

// RootType is the type token of the stack's root component, whose inputs carry the
// stack's residency facts (docs/contracts.md).
const RootType = "odoo-hosting:stack:Customer"

// Severity says whether a violation blocks a deployment.
type Severity string

// The severities.
const (
	Mandatory Severity = "mandatory" // blocks the deployment; `check` exits 1
	Advisory  Severity = "advisory"  // reported only (an approved cross-border placement)
)

// Resource is the cloud-neutral view of one resource of a plan or state.
type Resource struct {
	URN    string `yaml:"urn" json:"urn"`
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
	// Controls limits evaluation to these control IDs; empty means all.
	Controls []string
}

// Rule checks one control.
type Rule struct {
	Control string
	Title   string
	check   func(e *env) []Violation
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
	var out []Violation
	out = append(out, e.stackProblems...)
	for _, rule := range registry {
		if len(want) > 0 && !want[rule.Control] {
			continue
		}
		out = append(out, rule.check(e)...)
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
