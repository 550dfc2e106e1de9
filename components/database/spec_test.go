package database_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/components/database"
	"github.com/octura/odoo-hosting/internal/tier"
)

func TestDefaultsByEnvironment(t *testing.T) {
	prod := database.Spec{Customer: "acme-corp", Tier: tier.Cloud, Production: true}.WithDefaults()
	require.Equal(t, database.Spec{Customer: "acme-corp", Tier: tier.Cloud, Production: true, EngineVersion: "16", InstanceClass: "db.t4g.medium",
		AllocatedStorageGB: 100, MultiAZ: true, BackupRetentionDays: 35, DatabaseName: "odoo", Username: "odoo_acme_corp",
		MasterUsername: "admin_acme_corp", LogRetentionDays: 365}, prod)
	dev := database.Spec{Customer: "acme", Tier: tier.Enterprise}.WithDefaults()
	require.Equal(t, "db.t4g.small", dev.InstanceClass)
	require.Equal(t, 20, dev.AllocatedStorageGB)
	require.False(t, dev.MultiAZ)
	require.NoError(t, dev.Validate())
}

func TestDAT2_ProductionAlwaysAcrossZones(t *testing.T) {
	for _, tr := range []tier.Tier{tier.Cloud, tier.Enterprise} {
		s := database.Spec{Customer: "acme", Tier: tr, Production: true, MultiAZ: false}
		require.True(t, s.WithDefaults().MultiAZ)
		require.Equal(t, 2, database.Zones(s))
	}
}

func TestIAM6_DedicatedUserNames(t *testing.T) {
	require.Equal(t, "odoo_acme_corp_2", database.DefaultUsername("acme-corp-2"))
	for _, u := range []string{"postgres", "admin", "odoo", "Odoo_x", "1abc"} {
		err := database.Spec{Customer: "acme", Tier: tier.Cloud, Username: u}.Validate()
		require.EqualError(t, err, `username "`+u+`" is not a dedicated user name; allowed: a lowercase letter, then up to 62 of a-z, 0-9 and _, not a shared or administrative name such as postgres, admin or odoo`)
	}
}

func TestValidateReturnsEveryProblem(t *testing.T) {
	err := database.Spec{Customer: "A", Tier: "odoo-sh", EngineVersion: "9.6", InstanceClass: "m5.large", AllocatedStorageGB: 5, BackupRetentionDays: 90, DatabaseName: "postgres"}.Validate()
	require.EqualError(t, err, `customer "A" is not a slug; allowed: a customer slug (2 to 24 lowercase letters, digits and dashes, starting with a letter, no double dash), with "-np" on non-production
tier "odoo-sh" has no database in this project; allowed: cloud, enterprise
engineVersion "9.6" is not supported; allowed: 14, 15, 16, 17
instanceClass "m5.large" is not an instance class; allowed: db.<family>.<size>, such as db.t4g.medium
allocatedStorageGB 5 is out of range; allowed: 20 to 65536
backupRetentionDays 90 is out of range; allowed: 7 to 35
databaseName "postgres" is not a database name; allowed: a lowercase letter, then up to 62 of a-z, 0-9 and _, not postgres, template0 or template1`)
}
