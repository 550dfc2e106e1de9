package tests

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/internal/config"
	"github.com/octura/odoo-hosting/internal/jurisdiction"
	"github.com/octura/odoo-hosting/internal/tier"
	"github.com/octura/odoo-hosting/policies"
	"github.com/octura/odoo-hosting/stacks"
	"github.com/octura/odoo-hosting/stacks/offline"
)

// gcpConfigs generates a GCP stack of every tier in every jurisdiction, from the
// tier's example (the GCP one where there is one, else the AWS one moved to GCP):
// the first paired GCP region of the jurisdiction, approvals for every
// sub-processor, Cloud KMS customer keys on enterprise.
func gcpConfigs(t *testing.T) []nameVariant {
	byTier := map[tier.Tier]*config.Config{}
	for _, ex := range examples(t) {
		c, err := config.Load(ex.path)
		require.NoError(t, err)
		if prev, ok := byTier[c.Tier]; ok && (prev.Cloud == jurisdiction.GCP || c.Cloud != jurisdiction.GCP && !c.Production()) {
			continue
		}
		byTier[c.Tier] = c
	}
	var out []nameVariant
	for _, tr := range tier.All() {
		for _, j := range jurisdiction.All() {
			src, ok := byTier[tr]
			require.True(t, ok, "no example of tier %s", tr)
			c := *src
			c.Network.Zones, c.Network.VPNPeers = nil, append([]config.VPNPeer(nil), src.Network.VPNPeers...)
			c.Secrets = map[string]bool{}
			for k, v := range src.Secrets {
				c.Secrets[k] = v
			}
			regions := jurisdiction.PairedRegions(jurisdiction.GCP, j)
			require.NotEmpty(t, regions, "a paired GCP region in %s", j)
			c.Cloud, c.Jurisdiction, c.Region, c.BackupRegion = jurisdiction.GCP, j, regions[0], ""
			c.AccountID, c.ProjectID = "", "odoo-"+string(j)+"-"+string(tr)
			c.GCP = &config.GCP{GroupDomain: "octura.example"}
			c.BreakGlass, c.MaskedSource = nil, ""
			if m := c.Odoo.Mail; m != nil && m.Relay == config.RelaySES {
				c.Odoo.Mail = nil
				delete(c.Secrets, config.SecretSMTPPassword)
			}
			if len(c.Network.VPNPeers) > 0 {
				c.Secrets[config.SecretVPNPSKs] = true
			}
			c.Approvals = nil
			for i, id := range jurisdiction.SubProcessorIDs() {
				c.Approvals = append(c.Approvals, config.Approval{ID: fmt.Sprintf("GCP-%d", i), Covers: id, Destination: "global", Expires: "2099-12-31"})
			}
			c.ApplyDefaults()
			if c.CustomerKeys != nil {
				c.CustomerKeys = &config.CustomerKeys{
					Primary: "projects/odoo-kms-" + string(j) + "/locations/" + c.Region + "/keyRings/odoo/cryptoKeys/primary",
					Backup:  "projects/odoo-kms-" + string(j) + "/locations/" + c.BackupRegion + "/keyRings/odoo/cryptoKeys/backup",
				}
			}
			out = append(out, nameVariant{name: fmt.Sprintf("%s-%s-%s", tr, j, c.Region), cfg: &c})
		}
	}
	return out
}

// TestGCPPlansForEveryTierInEveryJurisdiction: `cloud: gcp` validates and plans
// for every tier in every jurisdiction (decision 0079), with the GCP providers
// only, each pinned to the stack's project and to the primary or backup region;
// the key-use and reachability checks hold, and the policy pack finds every
// data-bearing resource inside the jurisdiction.
func TestGCPPlansForEveryTierInEveryJurisdiction(t *testing.T) {
	vs := gcpConfigs(t)
	require.Len(t, vs, len(tier.All())*len(jurisdiction.All()))
	for _, v := range vs {
		t.Run(v.name, func(t *testing.T) {
			bp, err := stacks.Build(v.cfg, planNow)
			require.NoError(t, err)
			p, err := offline.Plan(bp)
			require.NoError(t, err)
			regions := map[string]string{}
			for _, prov := range p.ByType("pulumi:providers:gcp") {
				regions[prov.Name()] = prov.Inputs["region"].(string)
				require.Equal(t, v.cfg.ProjectID, prov.Inputs["project"], prov.URN)
			}
			name := v.cfg.Name()
			require.Equal(t, map[string]string{name + "-primary": v.cfg.Region, name + "-backup": v.cfg.BackupRegion}, regions)
			require.Empty(t, p.ByType("pulumi:providers:aws"), "a GCP stack has no AWS provider")
			require.NotEmpty(t, p.ByType("gcp:storage/bucket:Bucket"), "backups (RES-3)")
			require.Len(t, p.ByType("gcp:compute/network:Network"), map[bool]int{true: 1, false: 0}[v.cfg.Tier.NeedsNetwork()])
			b, err := p.JSON()
			require.NoError(t, err)
			view := parsePlan(t, b)
			require.Empty(t, checkGCPKeyUse(view), "ENC-2")
			require.Empty(t, checkGCPReachability(view, v.cfg), "NET-3")
			// RES-1, RES-2, RES-3: every data-bearing resource resolves inside the
			// jurisdiction, as the policy pack judges it.
			var outside []string
			for _, f := range evaluate(t, b).Violations {
				if f.Severity == policies.Mandatory && strings.HasPrefix(f.Control, "RES-") {
					outside = append(outside, f.Control+" "+f.URN+": "+f.Message)
				}
			}
			require.Empty(t, outside)
		})
	}
}

// longestGCPRegion is the longest GCP region name a stack can be placed in (one
// with a backup partner), and its jurisdiction.
func longestGCPRegion(t *testing.T) (string, jurisdiction.Jurisdiction) {
	best, bestJ := "", jurisdiction.Jurisdiction("")
	for _, j := range jurisdiction.All() {
		for _, r := range jurisdiction.PairedRegions(jurisdiction.GCP, j) {
			if len(r) > len(best) {
				best, bestJ = r, j
			}
		}
	}
	require.NotEmpty(t, best)
	return best, bestJ
}

// TestGCPNamesWithTheLongestSlugInTheLongestRegion: for every tier and both
// environments on gcp, in the longest GCP region, with a project ID of 12
// characters: the longest customer slug is refused before anything is registered,
// under customer, for exactly the two backup buckets, whose names carry the project
// (Cloud Storage names are global) and would pass 63 characters, and on the tiers
// that run Odoo the runtime's component name, the stem of its Compute Engine names;
// the shortest slug length the messages allow validates, plans, and every physical
// name of its plan fits.
func TestGCPNamesWithTheLongestSlugInTheLongestRegion(t *testing.T) {
	region, j := longestGCPRegion(t)
	require.Equal(t, "northamerica-northeast1", region)
	slug := longestSlug(t)
	var vs []nameVariant
	for _, v := range gcpConfigs(t) {
		if v.cfg.Jurisdiction == j {
			vs = append(vs, v)
		}
	}
	require.Len(t, vs, len(tier.All()))
	allowedRE := regexp.MustCompile(`allowed: a customer slug of at most (\d+) characters in region northamerica-northeast1$`)
	for _, v := range vs {
		for _, env := range []config.Environment{config.Production, config.NonProduction} {
			t.Run(string(v.cfg.Tier)+"-"+string(env), func(t *testing.T) {
				c := *v.cfg
				c.Customer, c.Environment, c.ProjectID = slug, env, "odoo-ca-1234"
				_, err := stacks.Build(&c, planNow)
				require.Error(t, err)
				lines := strings.Split(err.Error(), "\n")
				// The two backup buckets; on the tiers that run Odoo, the runtime's
				// component name too, whose children's Compute Engine names carry it.
				wantLines, want := 2, map[config.Environment]string{config.Production: "19", config.NonProduction: "16"}[env]
				if v.cfg.Tier.RunsApplication() {
					wantLines, want = 3, map[config.Environment]string{config.Production: "13", config.NonProduction: "10"}[env]
				}
				require.Len(t, lines, wantLines)
				least := 99
				for _, line := range lines {
					require.True(t, strings.HasPrefix(line, `customer "`+slug+`" makes the `), line)
					m := allowedRE.FindStringSubmatch(line)
					require.NotNil(t, m, line)
					n, _ := strconv.Atoi(m[1])
					least = min(least, n)
				}
				require.Equal(t, want, strconv.Itoa(least))
				n, _ := strconv.Atoi(want)
				c.Customer = slug[:n-1] + "z"
				bp, err := stacks.Build(&c, planNow)
				require.NoError(t, err)
				p, err := offline.Plan(bp)
				require.NoError(t, err)
				require.Empty(t, nameProblems(p))
			})
		}
	}
}
