package runtime_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/components/runtime"
	"github.com/octura/odoo-hosting/internal/tier"
)

func TestDefaults(t *testing.T) {
	s := runtime.Spec{Customer: "acme", Tier: tier.Cloud, Production: true, Hostnames: []string{"erp.acme.example"}}.WithDefaults()
	require.Equal(t, runtime.Spec{Customer: "acme", Tier: tier.Cloud, Production: true, Hostnames: []string{"erp.acme.example"},
		Image: "odoo", Version: "18.0", CPU: 1024, MemoryMiB: 2048, DesiredCount: 2, Zones: 2, LogRetentionDays: 365}, s)
	require.Equal(t, "odoo:18.0", runtime.ImageRef(s))
	require.NoError(t, s.Validate())
	dev := runtime.Spec{Customer: "acme", Tier: tier.Enterprise, Hostnames: []string{"dev.acme.example"}}.WithDefaults()
	require.Equal(t, 1, dev.DesiredCount)
	require.Equal(t, 3, dev.Zones)
}

func TestDAT2_ProductionNeedsTwoReplicasInTwoZones(t *testing.T) {
	s := runtime.Spec{Customer: "acme", Tier: tier.Cloud, Production: true, DesiredCount: 1, Zones: 1, Hostnames: []string{"erp.acme.example"}}
	require.EqualError(t, s.Validate(), "desiredCount 1 is too low for production cloud (DAT-2); allowed: 2 or more\nzones 1 is too few for production cloud (DAT-2); allowed: 2 or more")
}

func TestValidateReturnsEveryProblem(t *testing.T) {
	s := runtime.Spec{Customer: "acme", Tier: "odoo-sh", Image: "odoo:17", Version: "18 0", CPU: 1024, MemoryMiB: 512,
		Hostnames: []string{"ERP.acme.example", "erp.acme.example", "erp.acme.example"}, LogRetentionDays: 10}
	require.EqualError(t, s.Validate(), `tier "odoo-sh" does not run Odoo in this project; allowed: cloud, enterprise
image "odoo:17" is not an image name without tag; allowed: a repository such as odoo or registry.example.com/team/odoo; the tag goes in version
version "18 0" is not an image tag; allowed: letters, digits, _, . and -, such as 18.0
memoryMiB 512 does not fit cpu 1024; allowed: 2048 to 8192
hostnames "ERP.acme.example" is not a lowercase DNS name; allowed: names such as erp.example.com
hostnames "erp.acme.example" is listed twice; allowed: each hostname once
logRetentionDays 10 is not a retention period; allowed: 1 3 5 7 14 30 60 90 120 150 180 365 400 545 731 1096 1827 2192 2557 2922 3288 3653`)
}

func TestImageWithRegistryPort(t *testing.T) {
	s := runtime.Spec{Customer: "acme", Tier: tier.Cloud, Image: "registry.example.com:5000/team/odoo", Version: "18.0-20250101", Hostnames: []string{"erp.acme.example"}}
	require.NoError(t, s.Validate())
	require.Equal(t, "registry.example.com:5000/team/odoo:18.0-20250101", runtime.ImageRef(s))
}
