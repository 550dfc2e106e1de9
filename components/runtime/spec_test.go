package runtime_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/components/runtime"
	"github.com/octura/odoo-hosting/internal/tier"
)

const digest = "sha256:259fa933bf3ee7f3e375bd74d1e0bc28bd75955159723be477359e0fdb8acf67"

const image = "public.ecr.aws/docker/library/odoo:18.0@" + digest

func TestDefaults(t *testing.T) {
	s := runtime.Spec{Customer: "acme", Tier: tier.Cloud, Production: true, Image: image, Hostnames: []string{"erp.acme.example"}}.WithDefaults()
	require.Equal(t, runtime.Spec{Customer: "acme", Tier: tier.Cloud, Production: true, Hostnames: []string{"erp.acme.example"},
		Image: image, Version: "18.0", DatabaseName: "odoo", CPU: 1024, MemoryMiB: 2048, DesiredCount: 2, Zones: 2, LogRetentionDays: 365}, s)
	require.NoError(t, s.Validate())
	dev := runtime.Spec{Customer: "acme", Tier: tier.Enterprise, Image: image, Hostnames: []string{"dev.acme.example"}}.WithDefaults()
	require.Equal(t, 1, dev.DesiredCount)
	require.Equal(t, 3, dev.Zones)
}

func TestDAT2_ProductionNeedsTwoReplicasInTwoZones(t *testing.T) {
	s := runtime.Spec{Customer: "acme", Tier: tier.Cloud, Production: true, Image: image, DesiredCount: 1, Zones: 1, Hostnames: []string{"erp.acme.example"}}
	require.EqualError(t, s.Validate(), "desiredCount 1 is too low for production cloud (DAT-2); allowed: 2 or more\nzones 1 is too few for production cloud (DAT-2); allowed: 2 or more")
}

func TestValidateReturnsEveryProblem(t *testing.T) {
	s := runtime.Spec{Customer: "acme", Tier: "odoo-sh", Image: "odoo:17", Version: "18 0", CPU: 1024, MemoryMiB: 512,
		Hostnames: []string{"ERP.acme.example", "erp.acme.example", "erp.acme.example"}, LogRetentionDays: 10}
	require.EqualError(t, s.Validate(), `tier "odoo-sh" does not run Odoo in this project; allowed: cloud, enterprise
image "odoo:17" is not an image reference pinned by digest; allowed: <registry>/<repository>[:tag]@sha256:<64 hex digits>
version "18 0" is not a supported Odoo version; allowed: 16.0, 17.0, 18.0
memoryMiB 512 does not fit cpu 1024; allowed: 2048 to 8192
hostnames "ERP.acme.example" is not a lowercase DNS name; allowed: names such as erp.example.com
hostnames "erp.acme.example" is listed twice; allowed: each hostname once
logRetentionDays 10 is not a retention period; allowed: 1 3 5 7 14 30 60 90 120 150 180 365 400 545 731 1096 1827 2192 2557 2922 3288 3653`)
}

// TestOPS2_ImagePinnedByDigestInACacheableRegistry: a tag alone, an address, a
// registry the cache cannot reach and a tag that contradicts the version are refused.
func TestOPS2_ImagePinnedByDigestInACacheableRegistry(t *testing.T) {
	for ref, want := range map[string]string{
		"public.ecr.aws/docker/library/odoo:18.0": `image "public.ecr.aws/docker/library/odoo:18.0" is not an image reference pinned by digest; allowed: <registry>/<repository>[:tag]@sha256:<64 hex digits>`,
		"10.0.0.0/8":                       `image "10.0.0.0/8" is not an image reference pinned by digest; allowed: <registry>/<repository>[:tag]@sha256:<64 hex digits>`,
		"docker.io/library/odoo@" + digest: `image "docker.io/library/odoo@` + digest + `" is in registry "docker.io", which no pull-through cache rule reaches without credentials; allowed: public.ecr.aws, quay.io, registry.k8s.io`,
		"public.ecr.aws/docker/library/odoo:17.0@" + digest: `image "public.ecr.aws/docker/library/odoo:17.0@` + digest + `" has tag 17.0 but version is 18.0; allowed: a tag equal to version, or no tag`,
	} {
		s := runtime.Spec{Customer: "acme", Tier: tier.Cloud, Image: ref, Hostnames: []string{"erp.acme.example"}}
		require.EqualError(t, s.Validate(), want)
	}
	s := runtime.Spec{Customer: "acme", Tier: tier.Cloud, Image: image, Hostnames: []string{"erp.acme.example"}}
	got, err := runtime.CachedImage(s, "210987654321", "eu-west-1")
	require.NoError(t, err)
	require.Equal(t, "210987654321.dkr.ecr.eu-west-1.amazonaws.com/acme/docker/library/odoo@"+digest, got)
}

// TestSizingFitsTheContainer: workers by CPU, capped by memory, one cron thread, the
// memory limits inside the container's share.
func TestSizingFitsTheContainer(t *testing.T) {
	for _, tc := range []struct {
		cpu, mem, workers, hardMiB int
	}{
		{1024, 2048, 3, 384}, {512, 1024, 2, 170}, {2048, 4096, 5, 597}, {4096, 8192, 9, 768}, {1024, 8192, 3, 1920},
	} {
		s := runtime.Spec{Customer: "acme", Tier: tier.Cloud, Image: image, CPU: tc.cpu, MemoryMiB: tc.mem, Hostnames: []string{"erp.acme.example"}}
		z := runtime.SizingOf(s)
		require.Equal(t, tc.workers, z.Workers, "cpu %d memory %d", tc.cpu, tc.mem)
		require.Equal(t, 1, z.MaxCronThreads)
		require.Equal(t, tc.hardMiB<<20, z.LimitMemoryHard, "cpu %d memory %d", tc.cpu, tc.mem)
		require.Less(t, z.LimitMemorySoft, z.LimitMemoryHard)
		require.LessOrEqual(t, (z.Workers+z.MaxCronThreads)*z.LimitMemoryHard>>20, tc.mem-runtime.ReservedMiB)
	}
}
