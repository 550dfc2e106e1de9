// Package runtimetest is the conformance suite every implementation of the runtime
// concept runs (awsruntime today, gcpruntime later). An implementation describes
// what it planned in the cloud-neutral Observed shape; the suite checks ENC-1,
// ENC-2, NET-3, NET-8, IAM-5, BAK-6 and DAT-2 against it.
package runtimetest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/components/runtime"
	"github.com/octura/odoo-hosting/internal/tier"
)

// Observed is what an implementation planned, in cloud-neutral terms.
type Observed struct {
	// Resources is how many resources the program registered, the component included.
	Resources int
	// MinTLSVersion is the lowest TLS version the load balancer accepts ("1.2").
	MinTLSVersion string
	// HTTPSListeners and PlainListeners count the listeners by protocol.
	HTTPSListeners, PlainListeners int
	// Hostnames are the hostnames the load balancer forwards to the app (NET-8).
	Hostnames []string
	// DefaultForwards is true when requests for any other hostname reach the app.
	DefaultForwards bool
	// PublicAppAddresses is true when app replicas get public addresses (NET-2, NET-3).
	PublicAppAddresses bool
	// Replicas and Zones are the planned replica count and zone spread (DAT-2).
	Replicas, Zones int
	// Image is the image reference the containers run.
	Image string
	// DatabasePasswordFromSecretStore is true when the password reaches the
	// container from the secret store; DatabasePasswordInEnvironment when it is a
	// plain environment value (IAM-6).
	DatabasePasswordFromSecretStore, DatabasePasswordInEnvironment bool
	// FileStoreKey is the key the file store is encrypted with; FileStoreTransitTLS
	// whether mounts are encrypted in transit.
	FileStoreKey        string
	FileStoreTransitTLS bool
	// FileStoreRetained and FileStoreProtected are the file store's protections (BAK-6).
	FileStoreRetained, FileStoreProtected bool
	// LogsKey and LogRetentionDays describe the application log store.
	LogsKey          string
	LogRetentionDays int
	// RemoteSessions is true when engineers reach containers through the cloud's
	// identity-aware session service (IAM-5).
	RemoteSessions bool
	// HealthCheckPath is the load balancer's health check.
	HealthCheckPath string
}

// Harness is what an implementation gives the suite.
type Harness struct {
	// Key and LogsKey are the data and logs keys the implementation is given.
	Key, LogsKey string
	// Plan runs the implementation's constructor for spec offline and reports what
	// it planned and the error the constructor returned.
	Plan func(t *testing.T, spec runtime.Spec) (Observed, error)
}

// Digest is the image digest of the conformance specs.
const Digest = "sha256:259fa933bf3ee7f3e375bd74d1e0bc28bd75955159723be477359e0fdb8acf67"

func prod(tr tier.Tier) runtime.Spec {
	return runtime.Spec{Customer: "acme", Tier: tr, Production: true, Image: "public.ecr.aws/docker/library/odoo:18.0@" + Digest,
		Hostnames: []string{"erp.acme.example", "acme.example"}}
}

// Run runs every conformance test of the runtime concept.
func Run(t *testing.T, h Harness) {
	t.Run("ENC1_HTTPSOnlyTLS12", func(t *testing.T) {
		o := plan(t, h, prod(tier.Cloud))
		require.Equal(t, "1.2", o.MinTLSVersion)
		require.Equal(t, 1, o.HTTPSListeners)
		require.Zero(t, o.PlainListeners, "ENC-1: no plain-HTTP listener")
	})
	t.Run("NET8_AnswersOnlyTheCustomersHostnames", func(t *testing.T) {
		o := plan(t, h, prod(tier.Cloud))
		require.ElementsMatch(t, []string{"erp.acme.example", "acme.example"}, o.Hostnames)
		require.False(t, o.DefaultForwards)
	})
	t.Run("NET3_NoPublicAddressesOnApp", func(t *testing.T) {
		require.False(t, plan(t, h, prod(tier.Cloud)).PublicAppAddresses)
	})
	t.Run("DAT2_ReplicasAcrossZones", func(t *testing.T) {
		for _, tr := range []tier.Tier{tier.Cloud, tier.Enterprise} {
			o := plan(t, h, prod(tr))
			require.GreaterOrEqual(t, o.Replicas, 2, tr)
			require.GreaterOrEqual(t, o.Zones, 2, tr)
		}
		require.Equal(t, 3, plan(t, h, prod(tier.Enterprise)).Zones)
		s := prod(tier.Cloud)
		s.Production = false
		require.Equal(t, 1, plan(t, h, s).Replicas)
	})
	t.Run("ENC2_FileStoreAndLogsEncryptedWithManagedKeys", func(t *testing.T) {
		o := plan(t, h, prod(tier.Cloud))
		require.Equal(t, h.Key, o.FileStoreKey)
		require.True(t, o.FileStoreTransitTLS)
		require.Equal(t, h.LogsKey, o.LogsKey)
		require.Equal(t, 365, o.LogRetentionDays)
	})
	t.Run("IAM6_DatabasePasswordOnlyFromSecretStore", func(t *testing.T) {
		o := plan(t, h, prod(tier.Cloud))
		require.True(t, o.DatabasePasswordFromSecretStore)
		require.False(t, o.DatabasePasswordInEnvironment)
	})
	t.Run("IAM5_SessionsThroughIdentityAwareService", func(t *testing.T) {
		require.True(t, plan(t, h, prod(tier.Cloud)).RemoteSessions)
	})
	t.Run("BAK6_FileStoreNeverLost", func(t *testing.T) {
		for _, p := range []bool{false, true} {
			s := prod(tier.Cloud)
			s.Production = p
			o := plan(t, h, s)
			require.True(t, o.FileStoreRetained)
			require.Equal(t, p, o.FileStoreProtected)
		}
	})
	t.Run("OPS2_ImageFromConfigurationByDigestThroughTheCache", func(t *testing.T) {
		s := prod(tier.Cloud)
		s.Image, s.Version = "quay.io/team/odoo:17.0@"+Digest, "17.0"
		o := plan(t, h, s)
		require.True(t, strings.HasSuffix(o.Image, "/acme/team/odoo@"+Digest), o.Image)
		require.NotContains(t, o.Image, "quay.io", "pulled through the stack's own cache")
		require.Equal(t, "/web/health", o.HealthCheckPath)
	})
	t.Run("InvalidSpecRefusedAndNothingRegistered", func(t *testing.T) {
		s := prod(tier.Cloud)
		s.DesiredCount = 1
		o, err := h.Plan(t, s)
		require.Error(t, err)
		require.Contains(t, err.Error(), "desiredCount 1 is too low for production cloud (DAT-2); allowed: 2 or more")
		require.Zero(t, o.Resources)
	})
}

func plan(t *testing.T, h Harness, s runtime.Spec) Observed {
	t.Helper()
	o, err := h.Plan(t, s)
	require.NoError(t, err)
	require.NotZero(t, o.Resources)
	return o
}
