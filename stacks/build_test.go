package stacks

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/components/database"
	"github.com/octura/odoo-hosting/components/network"
	"github.com/octura/odoo-hosting/components/runtime"
	"github.com/octura/odoo-hosting/internal/problems"
)

// TestBAK2_ENC3_SpecProblemsCarryTheirField: a spec's problem reaches the operator as a
// problem of the field it came from, under the spec's place in the blueprint, with
// its value and what is allowed: not as a sentence about a component.
func TestBAK2_ENC3_SpecProblemsCarryTheirField(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	bp, err := Prepare("../examples/acme-eu/Pulumi.acme-eu.yaml", now)
	require.NoError(t, err)
	require.Empty(t, bp.validateSpecs(now))
	bp.Backup.RetentionDays = 400
	bp.Keys.RotationPeriodDays = 400
	got := bp.validateSpecs(now)
	require.Equal(t, problems.Problem{Field: "backup.retentionDays", Reason: "400 is out of range", Allowed: "1 to 365"}, got[1])
	require.EqualError(t, got.Err(), `keys.rotationPeriodDays 400 is out of range; allowed: 90 to 365 (ENC-3: at least yearly)
backup.retentionDays 400 is out of range; allowed: 1 to 365
backup.retentionDays 400 keeps 365 database snapshots in the backup region; allowed: at most 90 (the default quota is 100 manual snapshots per region): a retention of at most 90 days, or gfs`)
}

// TestEverySpecReturnsProblems: every concept's Validate returns a problems.List, so
// that Build reads fields, not text.
func TestEverySpecReturnsProblems(t *testing.T) {
	var bp Blueprint
	for name, err := range map[string]error{
		"keys": bp.Keys.Validate(), "network": (&network.Spec{}).Validate(), "access": bp.Access.ValidateAt(time.Time{}),
		"backup": bp.Backup.Validate(), "database": (&database.Spec{}).Validate(), "runtime": (&runtime.Spec{}).Validate(),
		"edge": bp.Edge.Validate(), "ops": bp.Ops.Validate(),
	} {
		var l problems.List
		require.ErrorAs(t, err, &l, name)
		require.NotEmpty(t, l, name)
		require.Equal(t, "customer", l[0].Field, name)
	}
}
