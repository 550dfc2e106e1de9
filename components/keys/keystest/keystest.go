// Package keystest is the conformance suite of keys implementations: every cloud's
// implementation runs Run with a Harness that builds a spec under the offline planner
// and describes the result as a View. The assertions are cloud-neutral and carry the
// control IDs they check.
package keystest

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/components/keys"
	"github.com/octura/odoo-hosting/internal/jurisdiction"
)

// Key is one key an implementation created.
type Key struct {
	Purpose keys.Purpose
	// Region is the region the key lives in (its provider's region).
	Region string
	// Alias is the key's alias or display name, without a cloud prefix.
	Alias              string
	RotationEnabled    bool
	RotationPeriodDays int
	DeletionWindowDays int
	// MultiRegion is true for a key replicated beyond its region.
	MultiRegion bool
	// AES256 is true for a symmetric AES-256 encryption key.
	AES256         bool
	RetainOnDelete bool
	Protect        bool
}

// View is a cloud-neutral description of what an implementation planned.
type View struct {
	// Resources is how many resources the constructor registered, itself included.
	Resources int
	Keys      []Key
	// ARNs are the resolved key identifiers the component outputs, per purpose.
	ARNs map[keys.Purpose]string
	// Region is the component's Region output.
	Region string
}

// Harness builds a spec with one implementation.
type Harness interface {
	// Plan runs the constructor for spec, with a provider in spec.Region, under the
	// offline planner; it returns the constructor's error and the View.
	Plan(t *testing.T, spec keys.Spec) (View, error)
	// CustomerKey returns a well-formed customer key identifier in region (ENC-4).
	CustomerKey(region string) string
}

// Config is what differs between clouds in the suite's specs.
type Config struct {
	Cloud jurisdiction.Cloud
	// Primary and Backup are two regions of one jurisdiction; Outside is a region
	// outside it.
	Primary, Backup, Outside string
	Jurisdiction             jurisdiction.Jurisdiction
	AccountID                string
	// RotationPeriodDays is the cloud's default rotation period the suite expects.
	// Default keys.DefaultRotationPeriodDays (gcp passes keys.GCPRotationPeriodDays).
	RotationPeriodDays int
}

// Run runs every conformance test against h.
func Run(t *testing.T, c Config, h Harness) {
	if c.RotationPeriodDays == 0 {
		c.RotationPeriodDays = keys.DefaultRotationPeriodDays
	}
	base := func() keys.Spec {
		return keys.Spec{Customer: "acme", Cloud: c.Cloud, Region: c.Primary, Jurisdiction: c.Jurisdiction, AccountID: c.AccountID}
	}

	t.Run("ENC2_ENC3_OneRotatingSingleRegionKeyPerPurpose", func(t *testing.T) {
		v, err := h.Plan(t, base())
		require.NoError(t, err)
		purposes := []keys.Purpose{"data", "backup", "logs"}
		require.Len(t, v.Keys, len(purposes))
		for i, p := range purposes {
			k := v.Keys[i]
			require.Equal(t, Key{
				Purpose: p, Region: c.Primary, Alias: "acme-" + string(p),
				RotationEnabled: true, RotationPeriodDays: c.RotationPeriodDays, DeletionWindowDays: 30,
				AES256: true, RetainOnDelete: true,
			}, k, "ENC-2/ENC-3: %s", p)
			require.NotEmpty(t, v.ARNs[p])
		}
		require.Equal(t, c.Primary, v.Region)
	})

	t.Run("BAK6_ProtectedOnProduction", func(t *testing.T) {
		s := base()
		s.Protect = true
		v, err := h.Plan(t, s)
		require.NoError(t, err)
		for _, k := range v.Keys {
			require.True(t, k.Protect && k.RetainOnDelete, "%s", k.Purpose)
		}
	})

	t.Run("ENC5_BackupKeyInBackupRegion", func(t *testing.T) {
		s := base()
		s.Region = c.Backup
		s.Purposes = []keys.Purpose{keys.Backup}
		v, err := h.Plan(t, s)
		require.NoError(t, err)
		require.Len(t, v.Keys, 1)
		require.Equal(t, keys.Backup, v.Keys[0].Purpose)
		require.Equal(t, c.Backup, v.Keys[0].Region, "ENC-5")
		require.Equal(t, c.Backup, v.Region)
	})

	t.Run("ENC4_CustomerKeyUsedForEveryPurpose", func(t *testing.T) {
		s := base()
		s.CustomerKeyARN = h.CustomerKey(c.Primary)
		v, err := h.Plan(t, s)
		require.NoError(t, err)
		require.Empty(t, v.Keys, "ENC-4: no project key may be created")
		require.Equal(t, map[keys.Purpose]string{keys.Data: s.CustomerKeyARN, keys.Backup: s.CustomerKeyARN, keys.Logs: s.CustomerKeyARN}, v.ARNs)
	})

	t.Run("ENC4_CustomerKeyInAnotherRegionRefused", func(t *testing.T) {
		s := base()
		s.CustomerKeyARN = h.CustomerKey(c.Backup)
		v, err := h.Plan(t, s)
		require.Error(t, err)
		require.Contains(t, err.Error(), "is in region "+c.Backup+", not in the keys' region "+c.Primary)
		require.Zero(t, v.Resources, "nothing may be registered on a validation error")
	})

	t.Run("RES2_RegionOutsideJurisdictionRefused", func(t *testing.T) {
		s := base()
		s.Region = c.Outside
		v, err := h.Plan(t, s)
		require.Error(t, err)
		require.Contains(t, err.Error(), "is outside jurisdiction "+string(c.Jurisdiction))
		require.Zero(t, v.Resources)
	})

	t.Run("ENC3_RotationAndDeletionBounds", func(t *testing.T) {
		s := base()
		s.RotationPeriodDays = 400
		s.DeletionWindowDays = 7
		v, err := h.Plan(t, s)
		require.Error(t, err)
		require.Contains(t, err.Error(), "rotationPeriodDays 400 is out of range")
		require.Contains(t, err.Error(), "deletionWindowDays 7 is out of range")
		require.Zero(t, v.Resources)
	})
}
