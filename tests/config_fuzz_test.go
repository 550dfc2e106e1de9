package tests

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/internal/config"
	"github.com/octura/odoo-hosting/internal/jurisdiction"
)

// FuzzDecodeAndValidate feeds arbitrary stack files through the program's path. It must
// never panic, and for any input either Decode fails (the same way every time) or
// Validate returns the same problems every time, on the same and on a fresh decode.
// Seeds: every invalid corpus case, every valid configuration and the example, plus
// testdata/fuzz/FuzzDecodeAndValidate: 40c92a45ac48bb1c is a PEM certificate request
// whose DER is no CSR, once reported with the asn1 error text and a pointer address
// that changed from run to run (now corpus case origin-csr-not-der).
func FuzzDecodeAndValidate(f *testing.F) {
	paths, err := filepath.Glob(filepath.Join(invalidDir, "*.yaml"))
	require.NoError(f, err)
	require.GreaterOrEqual(f, len(paths), minCases)
	for _, p := range paths {
		data, err := os.ReadFile(p)
		require.NoError(f, err)
		f.Add(data)
	}
	for _, data := range allValid(f) {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := config.Decode("fuzz", data)
		if err != nil {
			_, err2 := config.Decode("fuzz", data)
			if err2 == nil || err2.Error() != err.Error() {
				t.Fatalf("Decode is not deterministic: %v then %v", err, err2)
			}
			return
		}
		c.ApplyDefaults()
		first := messages(c.Validate(fixedNow))
		if again := messages(c.Validate(fixedNow)); !slices.Equal(first, again) {
			t.Fatalf("Validate twice on one config differs:\n%q\n%q", first, again)
		}
		c.ApplyDefaults() // idempotent
		if again := messages(c.Validate(fixedNow)); !slices.Equal(first, again) {
			t.Fatalf("ApplyDefaults is not idempotent:\n%q\n%q", first, again)
		}
		fresh, err := config.Decode("fuzz", data)
		if err != nil {
			t.Fatalf("second Decode failed: %v", err)
		}
		fresh.ApplyDefaults()
		if again := messages(fresh.Validate(fixedNow)); !slices.Equal(first, again) {
			t.Fatalf("Validate on a fresh decode differs:\n%q\n%q", first, again)
		}
	})
}

// benchConfigs returns n valid configurations: the example with varied customers,
// jurisdictions and regions (default backup regions and zones applied).
func benchConfigs(tb testing.TB, n int) []*config.Config {
	tb.Helper()
	base, err := config.Decode("acme-eu", exampleBytes(tb))
	require.NoError(tb, err)
	type place struct {
		j       jurisdiction.Jurisdiction
		regions []string
	}
	places := []place{
		{jurisdiction.EU, []string{"eu-west-1", "eu-central-1", "eu-west-3", "eu-south-1", "eu-south-2", "eu-north-1"}},
		{jurisdiction.US, []string{"us-east-1", "us-east-2", "us-west-1", "us-west-2"}},
		{jurisdiction.CA, []string{"ca-central-1", "ca-west-1"}},
	}
	errorMonitoring := config.Approval{ID: "APR-2026-099", Covers: "error-monitoring", Destination: "eu", Expires: "2028-06-30"}
	out := make([]*config.Config, n)
	for i := range out {
		c := *base
		p := places[i%len(places)]
		c.Customer = fmt.Sprintf("cust%05d", i)
		c.Jurisdiction = p.j
		c.Region = p.regions[(i/len(places))%len(p.regions)]
		c.Network.Zones = nil
		c.Approvals = slices.Clone(base.Approvals)
		if p.j != jurisdiction.EU {
			c.Approvals = append(c.Approvals, errorMonitoring)
		}
		c.ApplyDefaults()
		require.Empty(tb, c.Validate(fixedNow), c.Name())
		out[i] = &c
	}
	return out
}

// BenchmarkValidate10k validates 10,000 configurations per iteration.
func BenchmarkValidate10k(b *testing.B) {
	const n = 10000
	cs := benchConfigs(b, n)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, c := range cs {
			if p := c.Validate(fixedNow); len(p) != 0 {
				b.Fatal(p)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/config")
}
