package tests

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/internal/plan"
	"github.com/octura/odoo-hosting/stacks"
	"github.com/octura/odoo-hosting/stacks/offline"
)

// TestGCPPlanIsByteIdentical plans a GCP example ten times, as deployed state and as
// a first preview, and requires the same bytes every time. The planner sorts recorded
// dependencies and property dependencies (translateURNs), so only a program whose
// dependency sets vary can fail it: composeGCP before ee63696 (pulumi.DependsOn on the
// keys components, which the Go SDK expands to the children registered so far) gave
// tulip-eu-gcp's log bucket keys-backup, keys-logs and the key grants in one run and
// not in another; this test fails on it by the second first-preview run.
func TestGCPPlanIsByteIdentical(t *testing.T) {
	for _, first := range []bool{false, true} {
		var want string
		for i := 0; i < 10; i++ {
			bp, err := stacks.Prepare("../examples/tulip-eu-gcp/Pulumi.tulip-eu-gcp.yaml", planNow)
			require.NoError(t, err)
			p, err := offline.PlanWith(bp, plan.Options{FirstPreview: first})
			require.NoError(t, err)
			b, err := p.JSON()
			require.NoError(t, err)
			if i == 0 {
				want = string(b)
				continue
			}
			require.Equal(t, want, string(b), "run %d (first preview %v)", i, first)
		}
	}
}
