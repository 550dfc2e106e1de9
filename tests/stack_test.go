package tests

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/internal/plan"
	"github.com/octura/odoo-hosting/stacks"
	"github.com/octura/odoo-hosting/stacks/offline"
)

// TestEveryResourceUsesAnExplicitProvider: no AWS or Cloudflare resource of any
// example falls back to a default provider, so the region of each is visible in the
// plan; AWS resources use the primary or the backup provider only, each pinned to the
// stack's account.
func TestEveryResourceUsesAnExplicitProvider(t *testing.T) {
	for _, ex := range examples(t) {
		t.Run(ex.name, func(t *testing.T) {
			bp, err := stacks.Prepare(ex.path, planNow)
			require.NoError(t, err)
			p, err := offline.Plan(bp)
			require.NoError(t, err)
			name := bp.Config.Name()
			cloud := string(bp.Config.Cloud)
			regions := map[string]string{}
			for _, prov := range p.ByType("pulumi:providers:" + cloud) {
				regions[prov.Name()] = prov.Inputs["region"].(string)
				if cloud == "aws" {
					require.Equal(t, []any{bp.Config.AccountID}, prov.Inputs["allowedAccountIds"], prov.URN)
				} else { // gcp: no ambient project
					require.Equal(t, bp.Config.ProjectID, prov.Inputs["project"], prov.URN)
				}
			}
			require.Equal(t, map[string]string{name + "-primary": bp.Config.Region, name + "-backup": bp.Config.BackupRegion}, regions)
			for _, r := range p.Resources() {
				pkg := strings.SplitN(r.Type, ":", 2)[0]
				if !r.Custom || (pkg != "aws" && pkg != "gcp" && pkg != "cloudflare") {
					continue
				}
				prov, ok := p.ProviderOf(r)
				require.True(t, ok, "%s has no provider in the plan", r.URN)
				require.Equal(t, "pulumi:providers:"+pkg, prov.Type, r.URN)
				require.False(t, strings.HasPrefix(prov.Name(), "default"), "%s uses a default provider", r.URN)
			}
		})
	}
}

// TestStackOutputsReportRegionsControlsAndCrossings runs the odoo-sh example and
// reads its outputs: the regions used, the controls it implements and its approved
// cross-border placements (RES-4, RES-5).
func TestStackOutputsReportRegionsControlsAndCrossings(t *testing.T) {
	bp, err := stacks.Prepare("../examples/pioneer-us/Pulumi.pioneer-us.yaml", planNow)
	require.NoError(t, err)
	var out *stacks.Outputs
	_, err = plan.Run(stacks.Project, bp.Config.Stack, func(ctx *pulumi.Context) error {
		var err error
		out, err = stacks.Run(ctx, bp, offline.Secrets(bp))
		return err
	})
	require.NoError(t, err)
	require.Equal(t, "us-east-2", out.PrimaryRegion)
	require.Equal(t, "us-west-1", out.BackupRegion)
	require.Contains(t, out.Controls, "RES-4")
	require.NotContains(t, out.Controls, "DAT-2", "odoo-sh runs no application of ours")
	var crossings []string
	for _, c := range out.CrossBorder {
		crossings = append(crossings, c.SubProcessor+"="+c.ApprovalID)
	}
	require.ElementsMatch(t, []string{
		"cloudflare=PIO-2026-002", "cloudflare=PIO-2026-002", "error-monitoring=PIO-2026-003", "odoo-sa=PIO-2026-001",
	}, crossings)
}
