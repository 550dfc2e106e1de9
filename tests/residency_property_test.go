package tests

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/policies"
	"github.com/octura/odoo-hosting/policies/input"
)

// outside is, per cloud and jurisdiction, a region of another jurisdiction.
var outside = map[string]map[string]string{
	"aws": {"eu": "us-east-1", "us": "eu-west-1", "ca": "us-east-1"},
	"gcp": {"eu": "us-central1", "us": "europe-west1", "ca": "us-central1"},
}

// placementInputs are the inputs that place a GCP resource when it sets one
// itself; a resource without one takes its provider's region.
var placementInputs = []string{"location", "region", "zone"}

// placedByParent are the GCP resources that live wherever the resource an input
// names lives (a secret's versions, an instance's databases): moving the parent,
// itself data-bearing and moved on its own, moves them.
var placedByParent = map[string]string{
	"gcp:secretmanager/secretVersion:SecretVersion": "secret",
	"gcp:sql/database:Database":                     "instance",
	"gcp:sql/user:User":                             "instance",
}

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
			far := outside[string(bp.Config.Cloud)][string(bp.Config.Jurisdiction)]
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
				case placedByParent[r.Type] != "":
					continue
				case len(r.Type) > 4 && r.Type[:4] == "gcp:":
					// the resource's own placement input, or a provider of its own there
					set := false
					if _, ok := moved.Inputs["keyRing"]; ok { // a CryptoKey lives where its ring does
						moved.Inputs["keyRing"], set = "projects/"+bp.Config.ProjectID+"/locations/"+far+"/keyRings/moved", true
					}
					for _, k := range placementInputs {
						if _, ok := moved.Inputs[k]; ok {
							moved.Inputs[k], set = far, true
							if k == "zone" {
								moved.Inputs[k] = far + "-b"
							}
						}
					}
					if !set {
						prov := policies.Resource{URN: "urn:pulumi:mutant::odoo-hosting::pulumi:providers:gcp::far", Type: "pulumi:providers:gcp", Custom: true, Inputs: map[string]any{"region": far, "project": bp.Config.ProjectID}}
						mutant = append(mutant, prov)
						moved.Provider = prov.URN
					}
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
