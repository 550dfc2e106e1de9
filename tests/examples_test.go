package tests

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/internal/config"
	"github.com/octura/odoo-hosting/internal/plan"
	"github.com/octura/odoo-hosting/internal/problems"
	"github.com/octura/odoo-hosting/internal/tier"
	"github.com/octura/odoo-hosting/policies"
	"github.com/octura/odoo-hosting/policies/input"
	"github.com/octura/odoo-hosting/stacks"
	"github.com/octura/odoo-hosting/stacks/offline"
)

// planNow is the fixed date every golden plan is made at: approvals and break-glass
// grants are judged against it, so the plans do not age.
var planNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

type example struct {
	name, path string
}

func examples(t testing.TB) []example {
	paths, err := offline.ExampleConfigs("../examples")
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(paths), 7, "examples: one stack per tier and a cloud stack per jurisdiction")
	var out []example
	for _, p := range paths {
		out = append(out, example{name: filepath.Base(filepath.Dir(p)), path: p})
	}
	return out
}

func planExample(t testing.TB, path string) (*stacks.Blueprint, []byte) {
	t.Helper()
	bp, err := stacks.Prepare(path, planNow)
	require.NoError(t, err)
	p, err := offline.Plan(bp)
	require.NoError(t, err)
	b, err := p.JSON()
	require.NoError(t, err)
	return bp, b
}

// TestGoldenPlans plans every example offline and compares the plan byte for byte
// with tests/testdata/golden/<example>.json, and its inventory (counts and the values
// that carry a control) with <example>.yaml beside it. Regenerate both with `make golden`.
func TestGoldenPlans(t *testing.T) {
	for _, ex := range examples(t) {
		t.Run(ex.name, func(t *testing.T) {
			_, got := planExample(t, ex.path)
			golden := filepath.Join("testdata", "golden", ex.name+".json")
			var p plan.Plan
			require.NoError(t, json.Unmarshal(got, &p))
			inv := inventoryYAML(t, ex.name, &p)
			invPath := filepath.Join("testdata", "golden", ex.name+".yaml")
			if *update {
				require.NoError(t, os.MkdirAll(filepath.Dir(golden), 0o755))
				require.NoError(t, os.WriteFile(golden, got, 0o644))
				require.NoError(t, os.WriteFile(invPath, inv, 0o644))
			}
			wantInv, err := os.ReadFile(invPath)
			require.NoError(t, err, "no golden inventory: run make golden")
			if !bytes.Equal(wantInv, inv) {
				t.Errorf("inventory of %s differs from %s (run make golden and review the diff):\n%s", ex.name, invPath, firstDiff(wantInv, inv))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "no golden plan: run make golden")
			if !bytes.Equal(want, got) {
				t.Fatalf("plan of %s differs from %s (run make golden and review the diff):\n%s", ex.name, golden, firstDiff(want, got))
			}
		})
	}
}

func firstDiff(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return "line " + itoa(i+1) + ":\n- " + al[i] + "\n+ " + bl[i]
		}
	}
	return "lengths differ: " + itoa(len(al)) + " and " + itoa(len(bl)) + " lines"
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestPlanIsByteIdentical: one configuration always gives the same bytes.
func TestPlanIsByteIdentical(t *testing.T) {
	ex := examples(t)[0]
	_, first := planExample(t, ex.path)
	for i := 0; i < 3; i++ {
		_, again := planExample(t, ex.path)
		require.Equal(t, string(first), string(again))
	}
}

// TestExamplesPassThePolicyPack judges every example's offline plan, both as
// deployed state and as the first preview of a new stack sees it (every computed value
// unknown): nothing mandatory, and every approved cross-border placement reported as
// advisory with the approval that allows it (RES-4, RES-5).
func TestExamplesPassThePolicyPack(t *testing.T) {
	for _, ex := range examples(t) {
		for _, first := range []bool{false, true} {
			name := ex.name
			if first {
				name += "/first-preview"
			}
			t.Run(name, func(t *testing.T) { judgeExample(t, ex.path, first) })
		}
	}
}

func judgeExample(t *testing.T, path string, firstPreview bool) {
	bp, err := stacks.Prepare(path, planNow)
	require.NoError(t, err)
	p, err := offline.PlanWith(bp, plan.Options{FirstPreview: firstPreview})
	require.NoError(t, err)
	b, err := p.JSON()
	require.NoError(t, err)
	if firstPreview {
		require.Contains(t, string(b), plan.Unknown, "a first preview has unknown values")
	}
	resources, format, err := input.Parse(b)
	require.NoError(t, err)
	require.Equal(t, input.Format("preview"), format)
	report := policies.Evaluate(resources, policies.Options{Now: planNow})
	var mandatory, approvals []string
	for _, v := range report.Violations {
		switch {
		case v.Severity == policies.Mandatory:
			mandatory = append(mandatory, v.Control+" "+v.URN+": "+v.Message)
		case v.Control == "RES-4":
			approvals = append(approvals, v.ApprovalID)
		}
	}
	require.Empty(t, mandatory)
	var want []string
	for _, c := range bp.Config.CrossBorderPlacements(planNow) {
		want = append(want, c.ApprovalID)
	}
	sort.Strings(want)
	sort.Strings(approvals)
	require.Equal(t, want, approvals, "every approved crossing is reported, and only those")
}

// TestExamplesCoverTiersAndJurisdictions: at least one example per tier and a cloud
// stack in each jurisdiction, as the README promises.
func TestExamplesCoverTiersAndJurisdictions(t *testing.T) {
	tiers := map[tier.Tier]bool{}
	cloudIn := map[string]bool{}
	for _, ex := range examples(t) {
		cfg, err := config.Load(ex.path)
		require.NoError(t, err)
		tiers[cfg.Tier] = true
		if cfg.Tier == tier.Cloud {
			cloudIn[string(cfg.Jurisdiction)] = true
		}
	}
	for _, tr := range tier.All() {
		require.True(t, tiers[tr], "no example on tier %s", tr)
	}
	require.Equal(t, map[string]bool{"us": true, "ca": true, "eu": true}, cloudIn)
}

// TestInvalidConfigurationRegistersNothing runs the program's own path (configuration
// validated inside the Pulumi program) on invalid configurations: the program fails
// with every problem and not one resource is registered.
func TestInvalidConfigurationRegistersNothing(t *testing.T) {
	cases, err := filepath.Glob("testdata/invalid/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, cases)
	for _, path := range cases {
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		cfg, err := config.Decode("invalid", data)
		if err != nil {
			continue // undecodable: the program never starts
		}
		cfg.ApplyDefaults()
		p, err := plan.Run(stacks.Project, "invalid", func(ctx *pulumi.Context) error {
			bp, err := stacks.Build(cfg, planNow)
			if err != nil {
				return err
			}
			_, err = stacks.Run(ctx, bp, offline.Secrets(bp))
			return err
		})
		var probs problems.List
		require.True(t, errors.As(err, &probs), "%s: want the validation problems, got %v", path, err)
		require.Len(t, p.Resources(), 0, "%s registered resources", path)
	}
}

// BenchmarkPlanExamples prints the time to plan every example offline and the
// time per planned resource.
func BenchmarkPlanExamples(b *testing.B) {
	exs := examples(b)
	resources := 0
	for i := 0; i < b.N; i++ {
		resources = 0
		for _, ex := range exs {
			bp, err := stacks.Prepare(ex.path, planNow)
			require.NoError(b, err)
			p, err := offline.Plan(bp)
			require.NoError(b, err)
			resources += len(p.Steps)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/all-examples")
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*resources), "µs/resource")
	b.ReportMetric(float64(resources), "resources")
}

// evaluate judges a plan's JSON with the policy pack at planNow.
func evaluate(t testing.TB, b []byte) policies.Report {
	t.Helper()
	resources, _, err := input.Parse(b)
	require.NoError(t, err)
	return policies.Evaluate(resources, policies.Options{Now: planNow})
}

// BenchmarkPlanCloudTierAWS prints the time and memory to plan one full AWS
// cloud-tier stack (examples/acme-eu) offline; run with -benchmem.
func BenchmarkPlanCloudTierAWS(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		bp, err := stacks.Prepare("../examples/acme-eu/Pulumi.acme-eu.yaml", planNow)
		require.NoError(b, err)
		if _, err := offline.Plan(bp); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPlanCloudTierGCP prints the time and memory to plan one full GCP
// cloud-tier stack (examples/tulip-eu-gcp) offline, beside
// BenchmarkPlanCloudTierAWS; run both with -benchmem.
func BenchmarkPlanCloudTierGCP(b *testing.B) {
	b.ReportAllocs()
	resources := 0
	for i := 0; i < b.N; i++ {
		bp, err := stacks.Prepare("../examples/tulip-eu-gcp/Pulumi.tulip-eu-gcp.yaml", planNow)
		require.NoError(b, err)
		p, err := offline.Plan(bp)
		if err != nil {
			b.Fatal(err)
		}
		resources = len(p.Steps)
	}
	b.ReportMetric(float64(resources), "resources")
}

// TestBAK6_ExamplesPassAsTheRealEngineSendsThem judges every example's plan with
// protect explicit on every custom resource, as the real engine sends it to the
// pack (the offline plan omits false values, which hid unprotected production log
// groups and trails until tests/e2e ran the engine).
func TestBAK6_ExamplesPassAsTheRealEngineSendsThem(t *testing.T) {
	for _, ex := range examples(t) {
		t.Run(ex.name, func(t *testing.T) {
			_, b := planExample(t, ex.path)
			var doc map[string]any
			require.NoError(t, json.Unmarshal(b, &doc))
			for _, s := range doc["steps"].([]any) {
				st := s.(map[string]any)["newState"].(map[string]any)
				if custom, _ := st["custom"].(bool); !custom {
					continue
				}
				if _, ok := st["protect"]; !ok {
					st["protect"] = false
				}
			}
			explicit, err := json.Marshal(doc)
			require.NoError(t, err)
			resources, _, err := input.Parse(explicit)
			require.NoError(t, err)
			var mandatory []string
			for _, v := range policies.Evaluate(resources, policies.Options{Now: planNow}).Violations {
				if v.Severity == policies.Mandatory {
					mandatory = append(mandatory, v.Control+" "+v.URN+": "+v.Message)
				}
			}
			require.Empty(t, mandatory)
		})
	}
}
