package tests

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/policies"
	"github.com/octura/odoo-hosting/policies/input"
)

// outside is, per jurisdiction, a region of another one.
var outside = map[string]string{"eu": "us-east-1", "us": "eu-west-1", "ca": "us-east-1"}

// TestRES2_MovingAnyDataResourceOutIsBlocked is the residency property: for every
// example plan and every data-bearing resource in it (policies.BearsData), moving
// that one resource to a region outside the jurisdiction (a provider of its own in
// that region, or its own location input) gives a mandatory finding naming it.
func TestRES2_MovingAnyDataResourceOutIsBlocked(t *testing.T) {
	for _, ex := range examples(t) {
		t.Run(ex.name, func(t *testing.T) {
			bp, b := planExample(t, ex.path)
			resources, _, err := input.Parse(b)
			require.NoError(t, err)
			far := outside[string(bp.Config.Jurisdiction)]
			require.NotEmpty(t, far, "a region outside %s", bp.Config.Jurisdiction)
			mutated := 0
			for i, r := range resources {
				if !policies.BearsData(&r) {
					continue
				}
				mutant := append([]policies.Resource(nil), resources...)
				moved := r
				moved.Inputs = map[string]any{}
				for k, v := range r.Inputs {
					moved.Inputs[k] = v
				}
				switch {
				case len(r.Type) > 4 && r.Type[:4] == "aws:":
					prov := policies.Resource{URN: "urn:pulumi:mutant::odoo-hosting::pulumi:providers:aws::far", Type: "pulumi:providers:aws", Custom: true, Inputs: map[string]any{"region": far}}
					mutant = append(mutant, prov)
					moved.Provider = prov.URN
					delete(moved.Inputs, "region")
				case len(r.Type) > 4 && r.Type[:4] == "gcp:":
					moved.Inputs["location"] = "us-central1"
				default:
					continue // edge data is placed on the global network whatever the region
				}
				mutant[i] = moved
				mutated++
				rep := policies.Evaluate(mutant, policies.Options{Now: planNow})
				found := false
				for _, v := range rep.Violations {
					found = found || v.Severity == policies.Mandatory && v.URN == r.URN
				}
				if !found {
					t.Errorf("%s moved to %s: no mandatory finding names it", r.URN, far)
				}
			}
			require.Positive(t, mutated, "the example has data-bearing resources")
			t.Logf("%d data-bearing resources moved one at a time", mutated)
		})
	}
}
