// Package pack serves the policy core as a Pulumi policy pack over the Analyzer
// protocol (the Go SDK's policyx). It is the only package of the policy pack
// that imports the Pulumi SDK.
//
// Policies: one stack validation policy per control ID (mandatory), plus
// "RES-4-approved" (advisory), which reports the cross-border placements a valid
// approval covers, and "odoo-hosting-config", an advisory resource policy that
// carries the pack's configuration (jurisdiction, tier, ... for programs that
// declare no root component) and records the root component's inputs.
package pack

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"

	"github.com/octura/odoo-hosting/policies"
)

// Name is the pack's name.
const Name = "odoo-hosting"

// Version is the pack's version.
var Version = semver.MustParse("0.1.0")

// ConfigPolicy is the policy whose configuration carries the stack facts.
const ConfigPolicy = "odoo-hosting-config"

// ApprovedPolicy reports approved cross-border placements (RES-4, advisory).
const ApprovedPolicy = "RES-4-approved"

// Main serves the pack; it returns only on a fatal error.
func Main() error { return policyx.Main(Factory) }

// Factory builds the pack (a fresh state per stack).
func Factory(*pulumi.Context) (policyx.PolicyPack, error) {
	st := &state{}
	return st.pack()
}

type state struct {
	mu      sync.Mutex
	config  map[string]any
	root    map[string]any // the root component's inputs, seen by Analyze
	rootURN string
	key     string
	rep     policies.Report
	// Now is the clock; nil means time.Now.
	now func() time.Time
}

func (s *state) pack() (policyx.PolicyPack, error) {
	ps := []policyx.Policy{
		policyx.NewResourceValidationPolicy(ConfigPolicy, policyx.ResourceValidationPolicyArgs{
			Description:      "Carries the stack's jurisdiction, tier and approvals for programs without the root component " + policies.RootType,
			EnforcementLevel: policyx.EnforcementLevelAdvisory,
			ConfigSchema: &policyx.ConfigSchema{Properties: map[string]map[string]any{
				"jurisdiction":  {"type": "string", "enum": []any{"us", "ca", "eu"}},
				"tier":          {"type": "string", "enum": []any{"odoo-sh", "cloud", "enterprise", "on-premise"}},
				"cloud":         {"type": "string", "enum": []any{"aws", "gcp"}},
				"environment":   {"type": "string", "enum": []any{"production", "non-production"}},
				"region":        {"type": "string"},
				"backupRegion":  {"type": "string"},
				"approvals":     {"type": "array"},
				"subProcessors": {"type": "array"},
				"customerKeys":  {"type": "object"},
				"backup":        {"type": "object"},
				"maskedSource":  {"type": "string"},
			}},
			ValidateResource: func(_ context.Context, args policyx.ResourceValidationArgs) error {
				s.mu.Lock()
				defer s.mu.Unlock()
				if len(args.Config) > 0 {
					s.config = args.Config
				}
				if args.Resource.Type == policies.RootType {
					s.root = toMap(args.Resource.Properties)
					s.rootURN = args.Resource.URN
				}
				return nil
			},
		}),
	}
	for _, r := range policies.Rules() {
		control := r.Control
		ps = append(ps, policyx.NewStackValidationPolicy(control, policyx.StackValidationPolicyArgs{
			Description:      control + ": " + r.Title,
			EnforcementLevel: policyx.EnforcementLevelMandatory,
			ValidateStack: func(_ context.Context, args policyx.StackValidationArgs) error {
				for _, v := range s.evaluate(args.Resources).Violations {
					if v.Control == control && v.Severity == policies.Mandatory {
						args.Manager.ReportViolation(message(v), urnOf(v))
					}
				}
				return nil
			},
		}))
	}
	ps = append(ps, policyx.NewStackValidationPolicy(ApprovedPolicy, policyx.StackValidationPolicyArgs{
		Description:      "RES-4: cross-border placements covered by a valid written approval (reported, not blocked)",
		EnforcementLevel: policyx.EnforcementLevelAdvisory,
		ValidateStack: func(_ context.Context, args policyx.StackValidationArgs) error {
			for _, v := range s.evaluate(args.Resources).Violations {
				if v.Severity == policies.Advisory {
					args.Manager.ReportViolation(message(v), urnOf(v))
				}
			}
			return nil
		},
	}))
	return policyx.NewPolicyPack(Name, Version, policyx.EnforcementLevelMandatory, ps)
}

func message(v policies.Violation) string {
	m := fmt.Sprintf("[%s] %s\nvalue: %s; allowed: %s", v.Control, v.Message, v.Value, v.Allowed)
	if v.ApprovalID != "" {
		m += "\napproval: " + v.ApprovalID
	}
	return m
}

func urnOf(v policies.Violation) string {
	if v.URN == "configuration" {
		return ""
	}
	return v.URN
}

// evaluate runs the core once per AnalyzeStack call; every policy of the call
// shares the report.
func (s *state) evaluate(in []policyx.AnalyzerResource) policies.Report {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := fmt.Sprintf("%p/%d", in, len(in))
	if len(in) > 0 {
		key = fmt.Sprintf("%p/%d", &in[0], len(in))
	}
	if key == s.key {
		return s.rep
	}
	resources := Convert(in)
	if s.root != nil {
		for i := range resources {
			if resources[i].Type == policies.RootType && resources[i].URN == s.rootURN && resources[i].Inputs["jurisdiction"] == nil {
				resources[i].Inputs = s.root
			}
		}
	}
	opts := policies.Options{}
	if s.now != nil {
		opts.Now = s.now()
	}
	if len(s.config) > 0 {
		st, _ := policies.StackFromInputs("configuration", s.config)
		opts.Stack = &st
	}
	s.key, s.rep = key, policies.Evaluate(resources, opts)
	return s.rep
}

// Convert turns the analyzer's resources into the core's view. Providers that
// are referenced but not listed are added from the resources' provider fields.
func Convert(in []policyx.AnalyzerResource) []policies.Resource {
	out := make([]policies.Resource, 0, len(in)+2)
	seen := map[string]bool{}
	for _, r := range in {
		protect := r.Options.Protect
		out = append(out, policies.Resource{
			URN: r.URN, Type: r.Type, Custom: custom(r.Type), Parent: r.Parent,
			Provider: r.Provider.URN, Inputs: toMap(r.Properties), Protect: &protect,
			PropertyDependencies: propertyDeps(r.PropertyDependencies),
		})
		seen[r.URN] = true
	}
	var extra []policies.Resource
	for _, r := range in {
		p := r.Provider
		if p.URN == "" || seen[p.URN] {
			continue
		}
		seen[p.URN] = true
		extra = append(extra, policies.Resource{URN: p.URN, Type: p.Type, Custom: true, Inputs: toMap(p.Properties)})
	}
	sort.Slice(extra, func(i, j int) bool { return extra[i].URN < extra[j].URN })
	return append(out, extra...)
}

// propertyDeps keeps the non-empty dependency lists; nil when there are none.
func propertyDeps(in map[string][]string) map[string][]string {
	var out map[string][]string
	for k, urns := range in {
		if len(urns) == 0 {
			continue
		}
		if out == nil {
			out = make(map[string][]string, len(in))
		}
		out[k] = append([]string(nil), urns...)
	}
	return out
}

func custom(t string) bool {
	return t != policies.RootType && t != "pulumi:pulumi:Stack"
}

func toMap(m property.Map) map[string]any {
	out := make(map[string]any, m.Len())
	for k, v := range m.All {
		out[k] = toAny(v)
	}
	return out
}

// toAny converts a property value; unknowns become policies.Unknown and secrets
// "[secret]" for credential-looking keys only, since the rules need known
// non-credential secret values (a region passed as a secret) to judge them.
func toAny(v property.Value) any {
	switch {
	case v.IsComputed():
		return policies.Unknown
	case v.IsNull():
		return nil
	case v.Secret() && v.IsString():
		return policies.Secret
	case v.IsBool():
		return v.AsBool()
	case v.IsNumber():
		return v.AsNumber()
	case v.IsString():
		return v.AsString()
	case v.IsArray():
		a := v.AsArray()
		out := make([]any, 0, a.Len())
		for _, e := range a.All {
			out = append(out, toAny(e))
		}
		return out
	case v.IsMap():
		return toMap(v.AsMap())
	case v.IsResourceReference():
		return string(v.AsResourceReference().URN)
	case v.IsAsset(), v.IsArchive():
		return "asset"
	}
	return nil
}
