package tests

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/internal/config"
	"github.com/octura/odoo-hosting/internal/jurisdiction"
	"github.com/octura/odoo-hosting/internal/names"
	"github.com/octura/odoo-hosting/internal/plan"
	"github.com/octura/odoo-hosting/internal/tier"
	"github.com/octura/odoo-hosting/stacks"
	"github.com/octura/odoo-hosting/stacks/offline"
)

// nameProblems returns every physical name (or name prefix) in p that AWS would
// refuse: explicit names checked as they are, auto-named ones as the logical name
// plus Pulumi's 8-character suffix, prefixes plus the provider's 26-character one.
func nameProblems(p *plan.Plan) []string {
	var out []string
	for _, r := range p.Managed() {
		for _, l := range names.For(r.Type) {
			value, set := r.Inputs[l.Field].(string)
			prefix, hasPrefix := r.Inputs[l.Field+"Prefix"].(string)
			var why, shown string
			switch {
			case set && value == plan.Unknown:
				continue // computed from another resource's output: checked there
			case set && value != "":
				why, shown = l.Check(value), value
			case hasPrefix && prefix != "":
				why, shown = l.Check(prefix+strings.Repeat("0", names.PrefixSuffix)), prefix+"<26 characters>"
			case l.Autonamed:
				why, shown = l.CheckAutonamed(r.Name()), r.Name()+"-<7 hex>"
			default:
				why, shown = "is required", ""
			}
			if why != "" {
				out = append(out, fmt.Sprintf("%s %s %q %s (%s)", r.URN, l.Field, shown, why, l.Source))
			}
		}
	}
	return out
}

// longestRegion is the longest AWS region name a stack can be placed in (one with a
// backup partner), and its jurisdiction.
func longestRegion(t *testing.T) (string, jurisdiction.Jurisdiction) {
	best, bestJ := "", jurisdiction.Jurisdiction("")
	for _, j := range jurisdiction.All() {
		for _, r := range jurisdiction.PairedRegions(jurisdiction.AWS, j) {
			if len(r) > len(best) {
				best, bestJ = r, j
			}
		}
	}
	require.NotEmpty(t, best)
	return best, bestJ
}

// longestSlug is a customer slug of the greatest length the configuration accepts.
func longestSlug(t *testing.T) string {
	t.Helper()
	slug := "a"
	for n := 2; n <= 64; n++ {
		candidate := "a" + strings.Repeat("b", n-2) + "z"
		c := &config.Config{Customer: candidate}
		found := false
		for _, p := range c.Validate(planNow) {
			if p.Field == "customer" {
				found = true
			}
		}
		if found {
			break
		}
		slug = candidate
	}
	require.GreaterOrEqual(t, len(slug), 8)
	return slug
}

// nameVariant is one generated stack: an example of a tier moved to the longest
// region, with the longest customer slug, in one environment.
type nameVariant struct {
	name string
	cfg  *config.Config
}

// nameVariants derives, for every tier and both environments, the stack with the
// longest customer slug in the longest region name, from that tier's example.
func nameVariants(t *testing.T) []nameVariant {
	region, j := longestRegion(t)
	slug := longestSlug(t)
	byTier := map[tier.Tier]string{}
	for _, ex := range examples(t) {
		c, err := config.Load(ex.path)
		require.NoError(t, err)
		if c.Cloud != jurisdiction.AWS {
			continue // the GCP stacks' names: TestGCPNamesFitWithTheLongestSlug
		}
		if _, ok := byTier[c.Tier]; !ok || c.Environment == config.Production {
			byTier[c.Tier] = ex.path
		}
	}
	var out []nameVariant
	for _, tr := range tier.All() {
		path, ok := byTier[tr]
		require.True(t, ok, "no example of tier %s", tr)
		for _, env := range []config.Environment{config.Production, config.NonProduction} {
			c, err := config.Load(path)
			require.NoError(t, err)
			c.Customer, c.Environment, c.Jurisdiction, c.Region = slug, env, j, region
			c.BackupRegion, c.Network.Zones, c.BreakGlass, c.MaskedSource = "", nil, nil, ""
			var approvals []config.Approval
			for i, id := range jurisdiction.SubProcessorIDs() {
				approvals = append(approvals, config.Approval{ID: fmt.Sprintf("VAR-%d", i), Covers: id, Destination: "global", Expires: "2099-12-31"})
			}
			c.Approvals = approvals
			c.ApplyDefaults()
			if c.CustomerKeys != nil {
				r, _ := jurisdiction.Lookup(jurisdiction.AWS, region)
				b, _ := jurisdiction.Lookup(jurisdiction.AWS, c.BackupRegion)
				c.CustomerKeys.Primary = fmt.Sprintf("arn:%s:kms:%s:%s:key/11111111-2222-3333-4444-555555555555", r.Partition, r.Name, c.AccountID)
				c.CustomerKeys.Backup = fmt.Sprintf("arn:%s:kms:%s:%s:key/11111111-2222-3333-4444-555555555555", b.Partition, b.Name, c.AccountID)
			}
			out = append(out, nameVariant{name: fmt.Sprintf("%s-%s-%s", tr, env, region), cfg: c})
		}
	}
	return out
}

// TestLimitsTable: every limit names its source, and the table holds each
// length-limited name the issue lists (load balancer and target group 32; vault,
// plan and restore testing plan 50; bucket and RDS identifier 63; IAM role 64).
func TestLimitsTable(t *testing.T) {
	want := map[string]int{
		"aws:lb/loadBalancer:LoadBalancer name": 32, "aws:lb/targetGroup:TargetGroup name": 32,
		"aws:backup/vault:Vault name": 50, "aws:backup/plan:Plan name": 50,
		"aws:backup/restoreTestingPlan:RestoreTestingPlan name": 50,
		"aws:s3/bucketV2:BucketV2 bucket":                       63, "aws:rds/instance:Instance identifier": 63,
		"aws:iam/role:Role name": 64,
	}
	for k, max := range want {
		typ, field, _ := strings.Cut(k, " ")
		l, ok := names.Lookup(typ, field)
		require.True(t, ok, k)
		require.Equal(t, max, l.Max, k)
	}
	for _, l := range names.Limits {
		require.NotEmpty(t, l.Source, l.Type)
	}
	rtp, _ := names.Lookup("aws:backup/restoreTestingPlan:RestoreTestingPlan", "name")
	require.Contains(t, rtp.Check("acme-eu_restore_test"), "allowed: letters, digits and underscores only")
	require.Empty(t, rtp.Check("acme_eu_restore_test"))
	lb, _ := names.Lookup("aws:lb/loadBalancer:LoadBalancer", "name")
	require.Equal(t, `is 33 characters long; the limit for load balancer names is 32`, lb.CheckAutonamed(strings.Repeat("a", 25)))
	require.Empty(t, lb.CheckAutonamed(strings.Repeat("a", 24)))
}

// TestNamesFitInEveryExamplePlan: every physical name in every example's plan is
// within its type's length and alphabet.
func TestNamesFitInEveryExamplePlan(t *testing.T) {
	for _, ex := range examples(t) {
		t.Run(ex.name, func(t *testing.T) {
			bp, err := stacks.Prepare(ex.path, planNow)
			require.NoError(t, err)
			p, err := offline.Plan(bp)
			require.NoError(t, err)
			require.Empty(t, nameProblems(p))
		})
	}
}

// TestNamesFitWithTheLongestSlugInTheLongestRegion: for every tier and both
// environments, the longest customer slug the configuration accepts, in the longest
// region name, validates, plans, and every physical name of its plan fits.
func TestNamesFitWithTheLongestSlugInTheLongestRegion(t *testing.T) {
	region, _ := longestRegion(t)
	require.Equal(t, 13, len(region), "the longest paired region today is us-gov-east-1/us-gov-west-1")
	vs := nameVariants(t)
	require.Len(t, vs, 2*len(tier.All()))
	for _, v := range vs {
		t.Run(v.name, func(t *testing.T) {
			bp, err := stacks.Build(v.cfg, planNow)
			require.NoError(t, err)
			p, err := offline.Plan(bp)
			require.NoError(t, err)
			require.Empty(t, nameProblems(p))
		})
	}
}
