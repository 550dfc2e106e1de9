// Package databasetest is the conformance suite every implementation of the
// database concept runs (awsdatabase and gcpdatabase). An implementation
// describes what it planned in the cloud-neutral Observed shape; the suite checks
// IAM-6, ENC-1, ENC-2, BAK-6 and DAT-2 against it.
package databasetest

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/components/database"
	"github.com/octura/odoo-hosting/internal/tier"
)

// Observed is what an implementation planned, in cloud-neutral terms.
type Observed struct {
	// Resources is how many resources the program registered, the component included.
	Resources int
	// Engine is "postgres"; Version its major version.
	Engine, Version string
	// Size and StorageGB are the planned machine size and storage.
	Size      string
	StorageGB int
	// EncryptionKey is the managed key the data is encrypted with; "" when none.
	EncryptionKey string
	// SnapshotsAndInsightsKey is the key of performance data; "" when none.
	InsightsKey string
	// SecretKey is the key the generated password is stored with; "" when none.
	SecretKey string
	// PasswordGenerated is true when the provider generates and stores the password,
	// so that no password is in configuration or state (IAM-6).
	PasswordGenerated bool
	// PasswordInInputs is true when any input carries a password.
	PasswordInInputs bool
	// PasswordsSecret is true when every input that carries a password is a
	// Pulumi secret: encrypted in state, masked in plans (IAM-6: never in plain
	// text).
	PasswordsSecret bool
	// Public is true when the database has a public address.
	Public bool
	// RequiresTLS is true when plain connections are refused (ENC-1).
	RequiresTLS bool
	// Zones is how many zones the database runs in (DAT-2).
	Zones int
	// BackupRetentionDays is how long automated backups are kept.
	BackupRetentionDays int
	// FinalSnapshot is true when deleting the database takes a final snapshot.
	FinalSnapshot bool
	// DeletionProtection is the provider-side deletion protection.
	DeletionProtection bool
	// Retained and Protected are the engine-side protections (BAK-6).
	Retained, Protected bool
	// DatabaseName and Username are the customer's database and dedicated user.
	DatabaseName, Username string
}

// Harness is what an implementation gives the suite.
type Harness struct {
	// Key is the data key the implementation is given.
	Key string
	// Plan runs the implementation's constructor for spec offline and reports what
	// it planned and the error the constructor returned.
	Plan func(t *testing.T, spec database.Spec) (Observed, error)
	// Gaps are the documented reasons a cloud cannot meet a point as the suite
	// states it for AWS; for each one set, the suite logs it and asserts the
	// honest alternative instead. Default: no gap.
	Gaps Gaps
}

// Gaps are the cloud differences the suite accepts, each with its reason.
type Gaps struct {
	// DrawnPassword: no managed master password exists, so the program draws the
	// passwords; the suite then requires every password input to be a Pulumi
	// secret (IAM-6: never in plain text in configuration or state).
	DrawnPassword string
	// NoInsights: no performance data is collected outside the data key's reach
	// (performance insights off); the suite then requires InsightsKey to be "".
	NoInsights string
	// NoFinalSnapshot: the provider cannot take a final snapshot on deletion; the
	// suite then relies on Retained and DeletionProtection alone (BAK-6).
	NoFinalSnapshot string
}

// Run runs every conformance test of the database concept.
func Run(t *testing.T, h Harness) {
	t.Run("ENC2_EncryptedWithManagedKey", func(t *testing.T) {
		o := plan(t, h, database.Spec{Customer: "acme", Tier: tier.Cloud, Production: true})
		require.Equal(t, h.Key, o.EncryptionKey)
		if h.Gaps.NoInsights != "" {
			t.Logf("ENC-2 gap: %s", h.Gaps.NoInsights)
			require.Empty(t, o.InsightsKey)
		} else {
			require.Equal(t, h.Key, o.InsightsKey)
		}
		require.Equal(t, h.Key, o.SecretKey)
	})
	t.Run("ENC1_TLSRequiredAndNotPublic", func(t *testing.T) {
		o := plan(t, h, database.Spec{Customer: "acme", Tier: tier.Cloud})
		require.True(t, o.RequiresTLS)
		require.False(t, o.Public)
	})
	t.Run("IAM6_DedicatedUserAndNoPasswordInState", func(t *testing.T) {
		o := plan(t, h, database.Spec{Customer: "acme-corp", Tier: tier.Enterprise, Production: true})
		require.Equal(t, "odoo_acme_corp", o.Username)
		require.Equal(t, "odoo", o.DatabaseName)
		if h.Gaps.DrawnPassword != "" {
			t.Logf("IAM-6 gap: %s", h.Gaps.DrawnPassword)
			require.True(t, o.PasswordsSecret, "IAM-6: every password input is a secret")
		} else {
			require.True(t, o.PasswordGenerated)
			require.False(t, o.PasswordInInputs)
		}
		other := plan(t, h, database.Spec{Customer: "globex", Tier: tier.Enterprise, Production: true})
		require.NotEqual(t, o.Username, other.Username, "IAM-6: no user shared between customers")
	})
	t.Run("DAT2_ProductionAcrossZones", func(t *testing.T) {
		for _, tr := range []tier.Tier{tier.Cloud, tier.Enterprise} {
			require.Equal(t, 2, plan(t, h, database.Spec{Customer: "acme", Tier: tr, Production: true}).Zones, tr)
		}
		require.Equal(t, 1, plan(t, h, database.Spec{Customer: "acme", Tier: tier.Cloud}).Zones)
	})
	t.Run("BAK6_NeverLosesData", func(t *testing.T) {
		for _, prod := range []bool{false, true} {
			o := plan(t, h, database.Spec{Customer: "acme", Tier: tier.Cloud, Production: prod})
			require.True(t, o.Retained)
			if h.Gaps.NoFinalSnapshot != "" {
				t.Logf("BAK-6 gap: %s", h.Gaps.NoFinalSnapshot)
			} else {
				require.True(t, o.FinalSnapshot)
			}
			require.Equal(t, prod, o.Protected, "BAK-6: Pulumi protect only in production")
			require.True(t, o.DeletionProtection, "BAK-6: deletion protection on every database, production %v", prod)
			require.Equal(t, 35, o.BackupRetentionDays)
		}
	})
	t.Run("Sizing_DefaultsByEnvironment", func(t *testing.T) {
		o := plan(t, h, database.Spec{Customer: "acme", Tier: tier.Cloud, Production: true})
		require.Equal(t, []any{"postgres", "16", 100}, []any{o.Engine, o.Version, o.StorageGB})
		o = plan(t, h, database.Spec{Customer: "acme", Tier: tier.Cloud})
		require.Equal(t, 20, o.StorageGB)
	})
	t.Run("InvalidSpecRefusedAndNothingRegistered", func(t *testing.T) {
		s := database.Spec{Customer: "acme", Tier: "odoo-sh", Username: "postgres"}
		o, err := h.Plan(t, s)
		require.Error(t, err)
		require.Contains(t, err.Error(), `tier "odoo-sh" has no database in this project; allowed: cloud, enterprise`)
		require.Contains(t, err.Error(), `username "postgres" is not a dedicated user name; allowed: a lowercase letter, then up to 62 of a-z, 0-9 and _, not a shared or administrative name such as postgres, admin or odoo`)
		require.Zero(t, o.Resources)
	})
}

func plan(t *testing.T, h Harness, s database.Spec) Observed {
	t.Helper()
	o, err := h.Plan(t, s)
	require.NoError(t, err)
	require.NotZero(t, o.Resources)
	return o
}
