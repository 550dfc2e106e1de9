package stacks

import (
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/internal/jurisdiction"
	"github.com/octura/odoo-hosting/internal/plan"
)

// TestRunRefusesACloudWithoutComposition: the cloud seam. A blueprint of a cloud this
// program cannot compose yet registers nothing and names the clouds it can.
func TestRunRefusesACloudWithoutComposition(t *testing.T) {
	bp, err := Prepare("../examples/acme-eu/Pulumi.acme-eu.yaml", time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	require.Contains(t, compositions, jurisdiction.AWS)
	require.Contains(t, compositions, jurisdiction.GCP, "decision 0079")
	cfg := *bp.Config
	cfg.Cloud = "azure"
	other := *bp
	other.Config = &cfg
	var runErr error
	p, err := plan.Run(Project, "acme-eu", func(ctx *pulumi.Context) error {
		_, runErr = Run(ctx, &other, Secrets{}) // refused before any secret is read
		return nil
	})
	require.NoError(t, err)
	require.EqualError(t, runErr, `cloud "azure" has no composition in this program; allowed: aws, gcp (docs/decisions/0079)`)
	require.Empty(t, p.Managed())
}
