// Tests of the stack configuration (internal/config) through the path the program
// takes: config.Decode on the bytes of a Pulumi.<stack>.yaml file, ApplyDefaults,
// then Validate with a fixed clock. The invalid corpus lives in testdata/invalid: one
// <case>.yaml (a complete stack file whose header comment says what is broken) and
// its <case>.messages (the exact problem lines, in order).
//
// To see what the validator says today for every case, run
//
//	go test ./tests/ -run TestConfigCorpus -update
//
// which rewrites the .messages files; read every diff before keeping it.
package tests

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/octura/odoo-hosting/internal/config"
	"github.com/octura/odoo-hosting/internal/defaults"
	"github.com/octura/odoo-hosting/internal/problems"
	"github.com/octura/odoo-hosting/internal/tier"
)

var update = flag.Bool("update", false, "rewrite testdata/invalid/*.messages with the validator's current output")

// fixedNow is the clock of every configuration test.
var fixedNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

const (
	invalidDir  = "testdata/invalid"
	examplePath = "../examples/acme-eu/Pulumi.acme-eu.yaml"
	minCases    = 40
)

// problemsOf runs the program's path over one stack file and returns every message:
// the decode problems when the file cannot be decoded (the program stops there), else
// the validation problems.
func problemsOf(stack string, data []byte, now time.Time) []string {
	c, err := config.Decode(stack, data)
	if err != nil {
		var ps problems.List
		if errors.As(err, &ps) {
			return messages(ps)
		}
		return []string{err.Error()}
	}
	c.ApplyDefaults()
	return messages(c.Validate(now))
}

type corpusCase struct {
	name string // the stack name: the file name without .yaml
	path string
	data []byte
	want []string
}

func loadCorpus(tb testing.TB) []corpusCase {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join(invalidDir, "*.yaml"))
	require.NoError(tb, err)
	var out []corpusCase
	for _, p := range paths {
		data, err := os.ReadFile(p)
		require.NoError(tb, err)
		name := strings.TrimSuffix(filepath.Base(p), ".yaml")
		c := corpusCase{name: name, path: p, data: data}
		msgs, err := os.ReadFile(strings.TrimSuffix(p, ".yaml") + ".messages")
		if err == nil {
			for _, l := range strings.Split(strings.TrimRight(string(msgs), "\n"), "\n") {
				if l != "" {
					c.want = append(c.want, l)
				}
			}
		} else if !*update {
			require.NoError(tb, err, "every corpus case has a .messages file")
		}
		out = append(out, c)
	}
	return out
}

// TestConfigCorpus checks every invalid configuration reports exactly its expected
// problems, in order.
func TestConfigCorpus(t *testing.T) {
	cases := loadCorpus(t)
	require.GreaterOrEqual(t, len(cases), minCases, "the invalid corpus holds at least %d cases", minCases)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.True(t, strings.HasPrefix(string(tc.data), "# "+tc.name+": "),
				"%s starts with a header comment \"# %s: <what is broken>\"", tc.path, tc.name)
			got := problemsOf(tc.name, tc.data, fixedNow)
			if *update {
				text := strings.Join(got, "\n") + "\n"
				require.NoError(t, os.WriteFile(strings.TrimSuffix(tc.path, ".yaml")+".messages", []byte(text), 0o644))
				return
			}
			require.NotEmpty(t, tc.want, "an invalid case expects at least one message")
			assert.Equal(t, tc.want, got)
			// A second run over a fresh decode gives the same answer.
			assert.Equal(t, got, problemsOf(tc.name, tc.data, fixedNow))
		})
	}
}

// TestConfigCorpusHasNoOrphans: every .messages file belongs to a case.
func TestConfigCorpusHasNoOrphans(t *testing.T) {
	msgs, err := filepath.Glob(filepath.Join(invalidDir, "*.messages"))
	require.NoError(t, err)
	for _, m := range msgs {
		_, err := os.Stat(strings.TrimSuffix(m, ".messages") + ".yaml")
		assert.NoError(t, err, "%s has no .yaml case", m)
	}
}

// validConfigs are configurations of every tier that must produce no problem; the
// cloud tier is examples/acme-eu itself.
var validConfigs = []struct{ name, yaml string }{
	{name: "enterprise-eu", yaml: `# enterprise-eu: Globex, enterprise on AWS Frankfurt, customer keys, regional edge (no approval needed), Magic Transit, VPN, GFS (which sets retention to 93 days), a break-glass grant.
config:
  odoo-hosting:customer: globex
  odoo-hosting:environment: production
  odoo-hosting:tier: enterprise
  odoo-hosting:cloud: aws
  odoo-hosting:jurisdiction: eu
  odoo-hosting:region: eu-central-1
  odoo-hosting:domain: erp.globex.example
  odoo-hosting:alerts: {contacts: [ops@example.com]}
  odoo-hosting:accountId: "345678901234"
  odoo-hosting:network:
    cidr: 10.80.0.0/16
    allowList:
      - 198.51.100.0/24
    vpnPeers:
      - name: frankfurt-hq
        publicIp: 198.51.100.10
        cidrs:
          - 192.168.10.0/24
  odoo-hosting:customerKeys:
    primary: arn:aws:kms:eu-central-1:345678901234:key/1f0e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b
    backup: arn:aws:kms:eu-west-1:345678901234:key/5b4a3f2e-1d0c-9b8a-7968-5a4b3c2d1e0f
  odoo-hosting:cloudflare:
    zone: globex.example
    zoneId: 1123456789abcdef0123456789abcdef
    accountId: efcba9876543210fedcba9876543210f
    plan: enterprise
    originCsr: |
      -----BEGIN CERTIFICATE REQUEST-----
      MIHYMH8CAQAwHTEbMBkGA1UEAwwSZXJwLmdsb2JleC5leGFtcGxlMFkwEwYHKoZI
      zj0CAQYIKoZIzj0DAQcDQgAEfKegDgvmfP9OYgyCLeXj0h7o3uUDRXaOLAcDef/G
      oLn+jR+gKTtWnrV3iQP1H6KWjEYlEbzSH68zJm8ZEfpkvaAAMAoGCCqGSM49BAMC
      A0kAMEYCIQDzxESiSgFdlK+Xavm7+HkIGh1aRAsgLtUwlGWuGUJE1gIhAPY/T7i4
      3JL+Gtr3JQxNqSHKBSGHVAk3W2J+onm8i4PJ
      -----END CERTIFICATE REQUEST-----
    originPullCertificate: |
      -----BEGIN CERTIFICATE-----
      MIIBeTCCAR+gAwIBAgIBAjAKBggqhkjOPQQDAjAmMSQwIgYDVQQDExtvZG9vLWhv
      c3Rpbmcgb3JpZ2luLXB1bGwgQ0EwHhcNMjYwMTAxMDAwMDAwWhcNMjkwMTAxMDAw
      MDAwWjAcMRowGAYDVQQDExFvZG9vLWhvc3RpbmcgZWRnZTBZMBMGByqGSM49AgEG
      CCqGSM49AwEHA0IABOB5nQ9AKiFAO1G580YeduT3akHzCymm6T1mtmTLx7ZkdTvj
      VZrJkZyBuX9y06zBnSKpvuJIZJLaGadhFgGwCGejSDBGMA4GA1UdDwEB/wQEAwIH
      gDATBgNVHSUEDDAKBggrBgEFBQcDAjAfBgNVHSMEGDAWgBRIBwX7XlWoNBMES22I
      ZDBAV6JF4DAKBggqhkjOPQQDAgNIADBFAiEAj2ZGnMvtzBzxYuUNBrZez5BWbbsG
      BaR5DUCSwJpqBRcCIDYmD3FRj6mmmWXW3l5X4cC6TQuQgEaHpPuUdmjV60iI
      -----END CERTIFICATE-----
    originPullCa: |
      -----BEGIN CERTIFICATE-----
      MIIBfTCCASOgAwIBAgIBATAKBggqhkjOPQQDAjAmMSQwIgYDVQQDExtvZG9vLWhv
      c3Rpbmcgb3JpZ2luLXB1bGwgQ0EwHhcNMjYwMTAxMDAwMDAwWhcNMzYwMTAxMDAw
      MDAwWjAmMSQwIgYDVQQDExtvZG9vLWhvc3Rpbmcgb3JpZ2luLXB1bGwgQ0EwWTAT
      BgcqhkjOPQIBBggqhkjOPQMBBwNCAARBiA3m0QuI37/G3XocDeGGx9ybvVPirLnV
      U6KWPX2DzDf1KFH3wkuFW9K8S4/0rqDRUjnyoGNONo8HVLNtUeZTo0IwQDAOBgNV
      HQ8BAf8EBAMCAQYwDwYDVR0TAQH/BAUwAwEB/zAdBgNVHQ4EFgQUSAcF+15VqDQT
      BEttiGQwQFeiReAwCgYIKoZIzj0EAwIDSAAwRQIhAJM04RGGSXMIgc1EwEq7E3Xn
      NrFDYGD+Cj5FnMmfs+zjAiAw+y7JbDRjvoE8bqijiGljgd4n8SBoUFcVMqidGFia
      eg==
      -----END CERTIFICATE-----
    magicTransit:
      prefixes:
        - 198.51.100.0/24
      tunnels:
        - name: fra_gre_1
          kind: gre
          customerEndpoint: 198.51.100.1
          cloudflareEndpoint: 162.159.64.1
          interfaceAddress: 169.254.10.0/31
  odoo-hosting:odoo:
    image: quay.io/example/odoo@sha256:259fa933bf3ee7f3e375bd74d1e0bc28bd75955159723be477359e0fdb8acf67
    version: "17.0"
  odoo-hosting:backup:
    gfs: true
  odoo-hosting:breakGlass:
    principal: arn:aws:iam::345678901234:role/break-glass-operator
    grantedAt: "2026-11-23T09:00:00Z"
    hours: 4
  odoo-hosting:originKey:
    secure: v1:placeholder-set-with-pulumi-config-set-secret
  odoo-hosting:originPullKey:
    secure: v1:placeholder
`},
	{name: "odoo-sh-eu", yaml: `# odoo-sh-eu: Nordlys, odoo-sh with off-site backups in Stockholm; Odoo S.A. (Belgium) is in the EU.
config:
  odoo-hosting:customer: nordlys
  odoo-hosting:environment: production
  odoo-hosting:tier: odoo-sh
  odoo-hosting:cloud: aws
  odoo-hosting:jurisdiction: eu
  odoo-hosting:region: eu-north-1
  odoo-hosting:domain: erp.nordlys.example
  odoo-hosting:alerts: {contacts: [ops@example.com]}
  odoo-hosting:accountId: "456789012345"
  odoo-hosting:network:
    allowList:
      - 203.0.113.64/26
  odoo-hosting:cloudflare:
    zone: nordlys.example
    zoneId: 2123456789abcdef0123456789abcdef
    accountId: dfcba9876543210fedcba9876543210f
    plan: pro
  odoo-hosting:odoo:
    origin: nordlys.odoo.com
  odoo-hosting:approvals:
    - id: APR-2026-040
      covers: cloudflare
      destination: global
      expires: "2027-12-31"
`},
	{name: "on-premise-ca", yaml: `# on-premise-ca: Erable, non-production on-premise in Canada restoring a masked copy; Cloudflare and error monitoring approved.
config:
  odoo-hosting:customer: erable
  odoo-hosting:environment: non-production
  odoo-hosting:tier: on-premise
  odoo-hosting:cloud: aws
  odoo-hosting:jurisdiction: ca
  odoo-hosting:region: ca-central-1
  odoo-hosting:domain: odoo-test.erable.example
  odoo-hosting:alerts: {contacts: [ops@example.com]}
  odoo-hosting:accountId: "567890123456"
  odoo-hosting:network:
    cidr: 10.96.0.0/20
    vpnPeers:
      - name: montreal-office
        publicIp: 192.0.2.44
        cidrs:
          - 172.20.0.0/16
        bgpAsn: 64600
  odoo-hosting:cloudflare:
    zone: erable.example
    zoneId: 3123456789abcdef0123456789abcdef
    accountId: cfcba9876543210fedcba9876543210f
    plan: business
  odoo-hosting:odoo:
    origin: odoo.erable.example
  odoo-hosting:backup:
    retentionDays: 30
    rpoHours: 4
    rtoHours: 24
  odoo-hosting:maskedSource: s3://erable-masked/odoo/
  odoo-hosting:approvals:
    - id: CA-APR-7
      covers: cloudflare
      destination: global
      expires: "2027-03-31"
    - id: CA-APR-8
      covers: error-monitoring
      destination: DE
      expires: "2027-03-31"
`},
}

func exampleBytes(tb testing.TB) []byte {
	tb.Helper()
	data, err := os.ReadFile(examplePath)
	require.NoError(tb, err)
	return data
}

// allValid returns every valid configuration, the example first.
func allValid(tb testing.TB) map[string][]byte {
	out := map[string][]byte{"acme-eu": exampleBytes(tb)}
	for _, v := range validConfigs {
		out[v.name] = []byte(v.yaml)
	}
	return out
}

func TestConfigValid(t *testing.T) {
	require.GreaterOrEqual(t, len(validConfigs), 3)
	tiers := map[tier.Tier]bool{}
	for name, data := range allValid(t) {
		t.Run(name, func(t *testing.T) {
			assert.Empty(t, problemsOf(name, data, fixedNow))
			c, err := config.Decode(name, data)
			require.NoError(t, err)
			c.ApplyDefaults()
			tiers[c.Tier] = true
			assert.NotEmpty(t, c.BackupRegion, "the default backup region is filled in")
			assert.NotEqual(t, c.Region, c.BackupRegion)
			if c.Backup.GFS {
				assert.Equal(t, defaults.GFSMonthlyDays, c.Backup.RetentionDays, "gfs sets the retention")
			}
		})
	}
	for _, tr := range tier.All() {
		assert.True(t, tiers[tr], "a valid configuration of tier %s", tr)
	}
}

// TestConfigParseExample runs the program's path (load, defaults, validation) over
// the example file.
func TestConfigParseExample(t *testing.T) {
	c, err := config.Load(examplePath)
	require.NoError(t, err)
	c.ApplyDefaults()
	require.Empty(t, messages(c.Validate(fixedNow)))
	assert.Equal(t, "acme-eu", c.Stack)
	assert.Equal(t, "eu-central-1", c.BackupRegion)
	assert.Equal(t, []string{"eu-west-1a", "eu-west-1b"}, c.Network.Zones)
	assert.Equal(t, 35, c.Backup.RetentionDays)
	assert.True(t, c.Secrets[config.SecretOriginKey])
	assert.Equal(t, "acme-eu-west-1", c.Name())
	// The approval is reported as a cross-border placement, not blocked (RES-4).
	xb := c.CrossBorderPlacements(fixedNow)
	require.Len(t, xb, 1)
	assert.Equal(t, "cloudflare", xb[0].SubProcessor)
	assert.Equal(t, "APR-2026-031", xb[0].ApprovalID)
	assert.True(t, xb[0].Place.Global)
}

// TestConfigExpiryIsInclusive: an approval is valid through its expiry day (UTC).
func TestConfigExpiryIsInclusive(t *testing.T) {
	data := strings.Replace(string(exampleBytes(t)), `expires: "2028-06-30"`, `expires: "2026-11-23"`, 1)
	require.NotEqual(t, string(exampleBytes(t)), data)
	assert.Empty(t, problemsOf("acme-eu", []byte(data), fixedNow))
	assert.Empty(t, problemsOf("acme-eu", []byte(data), time.Date(2026, 11, 23, 23, 59, 59, 0, time.UTC)))
	assert.Equal(t, []string{
		`approvals do not cover sub-processor cloudflare (Cloudflare, Inc.), which keeps data in global edge (anywhere), outside jurisdiction eu: approval APR-2026-031 expired on 2026-11-23 (RES-4); allowed: an approval with covers: cloudflare, destination: global, expires: 2026-11-24 or later`,
	}, problemsOf("acme-eu", []byte(data), time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)))
}

// pulumiValues turns a stack file into what the Pulumi engine hands the program:
// "odoo-hosting:<key>" to a string, structured values as JSON, secrets decrypted and
// listed in the secret set.
func pulumiValues(tb testing.TB, data []byte) (map[string]string, map[string]bool) {
	tb.Helper()
	var doc struct {
		Config map[string]yaml.Node `yaml:"config"`
	}
	require.NoError(tb, yaml.Unmarshal(data, &doc))
	values, secret := map[string]string{}, map[string]bool{}
	for k, n := range doc.Config {
		switch {
		case n.Kind == yaml.ScalarNode:
			values[k] = n.Value
		case n.Kind == yaml.MappingNode && len(n.Content) == 2 && n.Content[0].Value == "secure":
			values[k] = "decrypted value of " + k
			secret[k] = true
		default:
			var v any
			require.NoError(tb, n.Decode(&v))
			j, err := json.Marshal(v)
			require.NoError(tb, err, k)
			values[k] = string(j)
		}
	}
	return values, secret
}

// TestConfigFromValuesMatchesDecode: the engine's path (FromValues) and the file's
// path (Decode) yield the same configuration and the same problems.
func TestConfigFromValuesMatchesDecode(t *testing.T) {
	for name, data := range allValid(t) {
		t.Run(name, func(t *testing.T) {
			fromFile, err := config.Decode(name, data)
			require.NoError(t, err)
			values, secret := pulumiValues(t, data)
			fromEngine, err := config.FromValues(name, values, secret)
			require.NoError(t, err)
			assert.Equal(t, fromFile, fromEngine)
			fromFile.ApplyDefaults()
			fromEngine.ApplyDefaults()
			assert.Equal(t, fromFile, fromEngine)
			assert.Empty(t, fromEngine.Validate(fixedNow))
		})
	}
}

// TestConfigFromValuesMatchesDecodeOnCorpus: over the invalid corpus, both paths
// report the same problems for every case the engine can represent.
func TestConfigFromValuesMatchesDecodeOnCorpus(t *testing.T) {
	// Cases the engine never sees as written.
	unseen := map[string]string{
		"not-yaml":     "not YAML: the engine never sees it",
		"empty-config": "no odoo-hosting key: FromValues gets an empty map",
	}
	// Cases the engine sees differently, with what the program says then. Both paths
	// must reject them.
	engineSays := map[string][]string{
		// The YAML float 18.0 reaches the program as the JSON number 18. Both paths
		// refuse an unquoted version, but in different words (reported to the owner of
		// internal/config): when they agree, delete this entry.
		"odoo-version-number": {`odoo.version "18" must be text, not a number; allowed: the value in quotes in the stack file`},
	}
	cases := loadCorpus(t)
	names := map[string]bool{}
	for _, tc := range cases {
		names[tc.name] = true
	}
	for name := range unseen {
		assert.True(t, names[name], "unseen names corpus case %s, which does not exist", name)
	}
	for name := range engineSays {
		assert.True(t, names[name], "engineSays names corpus case %s, which does not exist", name)
	}
	for _, tc := range cases {
		if _, skip := unseen[tc.name]; skip {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			values, secret := pulumiValues(t, tc.data)
			fromEngine, err := config.FromValues(tc.name, values, secret)
			var got []string
			if err != nil {
				var ps problems.List
				require.ErrorAs(t, err, &ps)
				got = messages(ps)
			} else {
				fromEngine.ApplyDefaults()
				got = messages(fromEngine.Validate(fixedNow))
			}
			want := problemsOf(tc.name, tc.data, fixedNow)
			require.NotEmpty(t, want)
			if engine, ok := engineSays[tc.name]; ok {
				assert.NotEqual(t, want, engine, "Decode and FromValues now agree: delete the engineSays entry")
				want = engine
			}
			assert.Equal(t, want, got)
		})
	}
}

// TestConfigFromValuesErrors: values the engine can hand over that the file cannot.
func TestConfigFromValuesErrors(t *testing.T) {
	values, secret := pulumiValues(t, exampleBytes(t))
	values["odoo-hosting:network"] = `{"cidr": "10.64.0.0/16",`
	_, err := config.FromValues("acme-eu", values, secret)
	assert.EqualError(t, err, "network is not valid JSON")

	// Keys of the wrong kind are reported by Validate with every other problem, once.
	problems := func(values map[string]string, secret map[string]bool) []string {
		c, err := config.FromValues("acme-eu", values, secret)
		require.NoError(t, err)
		c.ApplyDefaults()
		return messages(c.Validate(fixedNow))
	}
	values, secret = pulumiValues(t, exampleBytes(t))
	delete(secret, "odoo-hosting:originKey")
	assert.Equal(t, []string{
		"originKey must be set as a secret: pulumi config set --secret originKey",
	}, problems(values, secret))

	values, secret = pulumiValues(t, exampleBytes(t))
	secret["odoo-hosting:region"] = true
	assert.Equal(t, []string{
		"region must not be a secret: it is a plain setting",
	}, problems(values, secret), "said once, not again as a missing region")

	// Keys of other namespaces belong to providers and are ignored.
	values, secret = pulumiValues(t, exampleBytes(t))
	values["aws:region"] = "eu-west-1"
	values["pulumi:template"] = "odoo"
	c, err := config.FromValues("acme-eu", values, secret)
	require.NoError(t, err)
	c.ApplyDefaults()
	assert.Empty(t, c.Validate(fixedNow))
}

// TestConfigSortedKeysInMessages: messages that list allowed keys list them sorted,
// so they are stable.
func TestConfigSortedKeysInMessages(t *testing.T) {
	for _, tc := range loadCorpus(t) {
		for _, m := range tc.want {
			i := strings.Index(m, "is not a known key; allowed: ")
			if i < 0 {
				continue
			}
			keys := strings.Split(m[i+len("is not a known key; allowed: "):], ", ")
			assert.True(t, sort.StringsAreSorted(keys), "%s: %s", tc.name, m)
		}
	}
}

// messages renders each problem, one line each.
func messages(ps problems.List) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}
