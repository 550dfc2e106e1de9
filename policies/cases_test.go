package policies_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/octura/odoo-hosting/policies"
	"github.com/octura/odoo-hosting/policies/input"
)

// caseFile is one YAML file of cases (policies/testdata/cases/*.yaml).
type caseFile struct {
	Base  string     `yaml:"base"`
	Cases []testCase `yaml:"cases"`
}

type testCase struct {
	Note    string          `yaml:"note"`
	Control string          `yaml:"control"`
	Also    []string        `yaml:"also"`
	Base    string          `yaml:"base"`
	Stack   map[string]any  `yaml:"stack"`
	Config  *policies.Stack `yaml:"config"`
	// PreviewConfig is the `config` of a preview document (Options.Config).
	PreviewConfig map[string]string `yaml:"previewConfig"`
	Now           string            `yaml:"now"`
	Remove        []string          `yaml:"remove"`
	Resources     []yamlResource    `yaml:"resources"`
	// Replace turns the plan into a preview document in which each named
	// resource is replaced: its old state (old, over the resource) is shown by a
	// delete-replaced step first (as for deleteBeforeReplace resources), its new
	// state by create-replacement and replace. The
	// document is read by policies/input, as `check` reads it.
	Replace []replacement `yaml:"replace"`
	Expect  []expectation `yaml:"expect"`
}

type replacement struct {
	Name string       `yaml:"name"`
	Old  yamlResource `yaml:"old"`
}

// asReplacementPreview writes rs as a preview document with the replacements,
// then reads it back with policies/input.
func asReplacementPreview(t testing.TB, rs []policies.Resource, reps []replacement) []policies.Resource {
	type state struct {
		URN      string         `json:"urn"`
		Type     string         `json:"type"`
		Custom   bool           `json:"custom"`
		Parent   string         `json:"parent,omitempty"`
		Provider string         `json:"provider,omitempty"`
		Inputs   map[string]any `json:"inputs"`
		Protect  *bool          `json:"protect,omitempty"`
		Retain   *bool          `json:"retainOnDelete,omitempty"`
	}
	type step struct {
		Op       string `json:"op"`
		URN      string `json:"urn"`
		NewState *state `json:"newState,omitempty"`
		OldState *state `json:"oldState,omitempty"`
	}
	old := map[string]yamlResource{}
	for _, r := range reps {
		old[r.Name] = r.Old
	}
	types := map[string]string{}
	for _, r := range rs {
		types[r.Name()] = r.Type
	}
	var steps []step
	for _, r := range rs {
		st := &state{URN: r.URN, Type: r.Type, Custom: r.Custom, Parent: r.Parent, Provider: r.Provider, Inputs: r.Inputs, Protect: r.Protect, Retain: r.RetainOnDelete}
		o, replaced := old[r.Name()]
		if !replaced {
			steps = append(steps, step{Op: "same", URN: r.URN, NewState: st})
			continue
		}
		delete(old, r.Name())
		before := *st
		if o.Provider != "" {
			before.Provider = urnOf(types[o.Provider], o.Provider)
		}
		if o.Inputs != nil {
			before.Inputs = jsonish(o.Inputs).(map[string]any)
		}
		// The order of a deleteBeforeReplace resource: the old state goes first.
		steps = append(steps,
			step{Op: "delete-replaced", URN: r.URN, OldState: &before},
			step{Op: "create-replacement", URN: r.URN, NewState: st},
			step{Op: "replace", URN: r.URN, NewState: st})
	}
	for n := range old {
		t.Fatalf("replace names %s, which the plan does not hold", n)
	}
	data, err := json.Marshal(map[string]any{"steps": steps})
	if err != nil {
		t.Fatal(err)
	}
	d, err := input.ParseDocument(data)
	if err != nil {
		t.Fatal(err)
	}
	return d.Resources
}

type yamlResource struct {
	Name           string         `yaml:"name"`
	Type           string         `yaml:"type"`
	Parent         string         `yaml:"parent"`
	Provider       string         `yaml:"provider"`
	Custom         *bool          `yaml:"custom"`
	Inputs         map[string]any `yaml:"inputs"`
	Protect        *bool          `yaml:"protect"`
	RetainOnDelete *bool          `yaml:"retainOnDelete"`
	// PropertyDependencies names, per top-level input, the resources (by
	// logical name, or a full URN) its value came from.
	PropertyDependencies map[string][]string `yaml:"propertyDependencies"`
}

type expectation struct {
	Control  string `yaml:"control"`
	Severity string `yaml:"severity"`
	Name     string `yaml:"name"` // logical name of the resource, or "root"
	Approval string `yaml:"approval"`
	// Value, when set, is the violation's value ("us-east-1", "unknown").
	Value string `yaml:"value"`
	// Message, when set, is the violation's message, literally.
	Message string `yaml:"message"`
}

const urnPrefix = "urn:pulumi:test::odoo-hosting::"

func urnOf(typ, name string) string { return urnPrefix + typ + "::" + name }

const rootName = "acme-eu-west-1"

func loadBase(t testing.TB, name string) []yamlResource {
	if name == "" || name == "none" {
		return nil
	}
	data, err := os.ReadFile(filepath.Join("testdata", "bases", name+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var rs []yamlResource
	if err := yaml.Unmarshal(data, &rs); err != nil {
		t.Fatalf("base %s: %v", name, err)
	}
	return rs
}

// build turns YAML resources into the core's view: URNs from type and name,
// parents default to the root component, providers named by their logical name.
func build(rs []yamlResource) []policies.Resource {
	types := map[string]string{}
	for _, r := range rs {
		types[r.Name] = r.Type
	}
	out := make([]policies.Resource, 0, len(rs))
	for _, r := range rs {
		res := policies.Resource{URN: urnOf(r.Type, r.Name), Type: r.Type, Custom: true, Inputs: jsonish(r.Inputs).(map[string]any), Protect: r.Protect, RetainOnDelete: r.RetainOnDelete}
		for in, deps := range r.PropertyDependencies {
			if res.PropertyDependencies == nil {
				res.PropertyDependencies = map[string][]string{}
			}
			for _, d := range deps {
				if t, ok := types[d]; ok {
					d = urnOf(t, d)
				}
				res.PropertyDependencies[in] = append(res.PropertyDependencies[in], d)
			}
		}
		if r.Custom != nil {
			res.Custom = *r.Custom
		} else if r.Type == policies.RootType {
			res.Custom = false
		}
		if r.Type != policies.RootType && !strings.HasPrefix(r.Type, "pulumi:") {
			parent := r.Parent
			if parent == "" {
				parent = rootName
			}
			if t, ok := types[parent]; ok {
				res.Parent = urnOf(t, parent)
			}
			prov := r.Provider
			if prov == "" {
				switch strings.SplitN(r.Type, ":", 2)[0] {
				case "aws":
					prov = "primary"
				case "gcp":
					prov = "gcp"
				}
			}
			if prov != "" && prov != "default" {
				if t, ok := types[prov]; ok {
					res.Provider = urnOf(t, prov)
				} else {
					res.Provider = urnPrefix + "pulumi:providers:missing::" + prov
				}
			}
		}
		out = append(out, res)
	}
	return out
}

// jsonish makes YAML values look like decoded JSON (float64 numbers, []any, map[string]any).
func jsonish(v any) any {
	switch x := v.(type) {
	case nil:
		return map[string]any{}
	case int:
		return float64(x)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if e == nil {
				out[k] = nil
				continue
			}
			out[k] = jsonish(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsonish(e)
		}
		return out
	}
	return v
}

func (c testCase) resources(t testing.TB, fileBase string) []policies.Resource {
	base := c.Base
	if base == "" {
		base = fileBase
	}
	rs := loadBase(t, base)
	removed := map[string]bool{}
	for _, n := range c.Remove {
		removed[n] = true
	}
	for _, r := range c.Resources {
		removed[r.Name] = true // a case resource replaces the base one of the same name
	}
	var all []yamlResource
	for _, r := range rs {
		if removed[r.Name] {
			continue
		}
		if r.Type == policies.RootType && c.Stack != nil {
			in := map[string]any{}
			for k, v := range r.Inputs {
				in[k] = v
			}
			for k, v := range c.Stack {
				in[k] = v
			}
			r.Inputs = in
		}
		all = append(all, r)
	}
	all = append(all, c.Resources...)
	return build(all)
}

func key(control, severity, name, approval string) string {
	return fmt.Sprintf("%s %s %s %s", control, severity, name, approval)
}

// nameOf is the logical name of a violation's resource, "root" for the stack.
func nameOf(v policies.Violation) string {
	n := v.URN
	if i := strings.LastIndex(n, "::"); i >= 0 {
		n = n[i+2:]
	}
	if n == rootName || v.URN == "configuration" || v.URN == policies.PreviewConfiguration {
		n = "root"
	}
	return n
}

func TestCases(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "cases", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	coverage := map[string][3]int{} // control -> violating, passing, passing with a change to the base
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var cf caseFile
		if err := yaml.Unmarshal(data, &cf); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, c := range cf.Cases {
			name := c.Control + "/" + c.Note
			t.Run(name, func(t *testing.T) {
				now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
				if c.Now != "" {
					now, _ = time.Parse("2006-01-02", c.Now)
				}
				rs := c.resources(t, cf.Base)
				if len(c.Replace) > 0 {
					rs = asReplacementPreview(t, rs, c.Replace)
				}
				rep := policies.Evaluate(rs, policies.Options{Now: now, Stack: c.Config, Config: c.PreviewConfig})
				checks := map[string]bool{c.Control: true}
				for _, a := range c.Also {
					checks[a] = true
				}
				var got, want []string
				for _, v := range rep.Violations {
					if !checks[v.Control] {
						continue
					}
					got = append(got, key(v.Control, string(v.Severity), nameOf(v), v.ApprovalID))
				}
				for _, e := range c.Expect {
					sev := e.Severity
					if sev == "" {
						sev = "mandatory"
					}
					want = append(want, key(e.Control, sev, e.Name, e.Approval))
				}
				for _, e := range c.Expect {
					if e.Message != "" && !slices.ContainsFunc(rep.Violations, func(v policies.Violation) bool {
						return v.Control == e.Control && nameOf(v) == e.Name && v.Message == e.Message
					}) {
						t.Errorf("%s: no %s violation of %s with message %q", c.Note, e.Control, e.Name, e.Message)
					}
					if e.Value == "" {
						continue
					}
					found := false
					for _, v := range rep.Violations {
						found = found || v.Control == e.Control && nameOf(v) == e.Name && v.Value == e.Value
					}
					if !found {
						t.Errorf("%s: no %s violation of %s with value %q", c.Note, e.Control, e.Name, e.Value)
					}
				}
				sort.Strings(got)
				sort.Strings(want)
				if strings.Join(got, "\n") != strings.Join(want, "\n") {
					var detail []string
					for _, v := range rep.Violations {
						if checks[v.Control] {
							detail = append(detail, fmt.Sprintf("  %s %s %s: %s (value %s)", v.Control, v.Severity, v.URN, v.Message, v.Value))
						}
					}
					t.Errorf("%s\n got: %q\nwant: %q\n%s", c.Note, got, want, strings.Join(detail, "\n"))
				}
			})
			cv := coverage[c.Control]
			blocking := false
			for _, e := range c.Expect {
				if e.Control == c.Control && (e.Severity == "" || e.Severity == "mandatory") {
					blocking = true
				}
			}
			changes := len(c.Resources) > 0 || len(c.Stack) > 0 || len(c.Remove) > 0 || c.Config != nil || c.PreviewConfig != nil || len(c.Replace) > 0 || c.Now != "" || (c.Base != "" && c.Base != cf.Base)
			switch {
			case blocking:
				cv[0]++
			case changes:
				cv[1]++
				cv[2]++
			default:
				cv[1]++
			}
			coverage[c.Control] = cv
		}
	}
	for _, r := range policies.Rules() {
		cv := coverage[r.Control]
		if cv[0] < 3 || cv[1] < 1 || cv[2] < 1 {
			t.Errorf("%s has %d violating and %d passing cases (%d changing the base); want at least 3, 1 and 1", r.Control, cv[0], cv[1], cv[2])
		}
	}
}

func TestBaselinePasses(t *testing.T) {
	for _, base := range []string{"aws-eu-cloud", "gcp-eu-cloud"} {
		rep := policies.Evaluate(testCase{}.resources(t, base), policies.Options{Now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)})
		for _, v := range rep.Violations {
			if v.Severity == policies.Mandatory {
				t.Errorf("%s: %s %s: %s (value %s; allowed %s)", base, v.Control, v.URN, v.Message, v.Value, v.Allowed)
			}
		}
	}
}

// TestTiersMatchTheTierModel: the tiers the rules know are the tier model's (RES-1).
func TestTiersMatchTheTierModel(t *testing.T) {
	if got := strings.Join(policies.Tiers, ","); got != "odoo-sh,cloud,enterprise,on-premise" {
		t.Errorf("policies.Tiers = %s", got)
	}
}
