package gcpops

import (
	"errors"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/components/ops"
	"github.com/octura/odoo-hosting/internal/plan"
)

// TestOPS1_PolicyWithoutChannelRefused: an alert policy that would notify nobody
// cannot be produced, and nothing is registered for it.
func TestOPS1_PolicyWithoutChannelRefused(t *testing.T) {
	var perr error
	p, err := plan.Run("odoo-hosting", "acme-eu", func(ctx *pulumi.Context) error {
		perr = newPolicy(ctx, "acme-ops", ops.Spec{Customer: "acme"}, "acme-prod",
			policy{suffix: "backup-failed", title: "t", severity: "CRITICAL", log: pulumi.String(CloudSQLBackupEvent)}, nil, nil)
		return nil
	})
	require.NoError(t, err)
	require.Error(t, perr)
	assert.True(t, errors.Is(perr, ErrNoChannel))
	assert.Equal(t, "policy backup-failed: an alert policy must notify at least one channel (OPS-1)", perr.Error())
	assert.Empty(t, p.Managed())
}
