package tests

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/components/edge"
	"github.com/octura/odoo-hosting/internal/plan"
	"github.com/octura/odoo-hosting/stacks"
	"github.com/octura/odoo-hosting/stacks/offline"
)

// zoneSingletons are the Cloudflare resources a zone has once: its settings, URL
// normalization, bot settings and one entry-point ruleset per phase; a zone-wide
// authenticated origin pull (no hostname) too.
var zoneSingletons = map[string]string{
	"cloudflare:index/zoneSettingsOverride:ZoneSettingsOverride":         "",
	"cloudflare:index/urlNormalizationSettings:UrlNormalizationSettings": "",
	"cloudflare:index/botManagement:BotManagement":                       "",
	"cloudflare:index/ruleset:Ruleset":                                   "phase",
	"cloudflare:index/authenticatedOriginPulls:AuthenticatedOriginPulls": "hostname",
}

// singletonKeys returns "<zone> <type> <phase>" for every zone singleton of p.
func singletonKeys(p *plan.Plan) []string {
	var out []string
	for _, r := range p.Managed() {
		by, ok := zoneSingletons[r.Type]
		if !ok {
			continue
		}
		if by == "hostname" {
			if h, _ := r.Inputs["hostname"].(string); h != "" {
				continue // per hostname: the stack's own
			}
			by = ""
		}
		key := fmt.Sprint(r.Inputs["zoneId"], " ", r.Type)
		if by != "" {
			key += " " + fmt.Sprint(r.Inputs[by])
		}
		out = append(out, key)
	}
	sort.Strings(out)
	return out
}

// TestZoneSingletonsHaveOneOwnerAcrossExamples plans every example and checks that no
// zone singleton is managed by two stacks, that every zone has an owner, and that the
// owner's rules cover every hostname any stack of the zone serves.
func TestZoneSingletonsHaveOneOwnerAcrossExamples(t *testing.T) {
	owner := map[string]string{}       // singleton key -> stack
	zoneOwner := map[string]string{}   // zone ID -> owning stack
	hostnames := map[string][]string{} // zone ID -> hostnames served by the zone's stacks
	rateExpr := map[string]string{}    // owning stack -> its rate-limit ruleset inputs
	records := map[string]string{}     // zone/record name -> stack
	for _, ex := range examples(t) {
		bp, err := stacks.Prepare(ex.path, planNow)
		require.NoError(t, err)
		p, err := offline.Plan(bp)
		require.NoError(t, err, ex.name)
		for _, k := range singletonKeys(p) {
			require.NotContains(t, owner, k, "%s and %s both manage %s", owner[k], ex.name, k)
			owner[k] = ex.name
		}
		zone := bp.Edge.ZoneID
		if bp.Edge.OwnsZone {
			require.NotContains(t, zoneOwner, zone, "zone %s owned by %s and %s", zone, zoneOwner[zone], ex.name)
			zoneOwner[zone] = ex.name
			rs, ok := p.Get("cloudflare:index/ruleset:Ruleset", bp.Config.Name()+"-edge-rate-limit")
			require.True(t, ok, ex.name)
			rateExpr[ex.name] = fmt.Sprint(rs.Inputs["rules"])
		} else {
			require.Empty(t, singletonKeys(p), "%s does not own its zone", ex.name)
		}
		hostnames[zone] = append(hostnames[zone], bp.Edge.Hostnames...)
		for _, r := range p.ByType("cloudflare:index/record:Record") {
			k := zone + " " + fmt.Sprint(r.Inputs["name"])
			require.NotContains(t, records, k, "%s and %s both manage the record %s", records[k], ex.name, k)
			records[k] = ex.name
		}
	}
	for zone, hs := range hostnames {
		o, ok := zoneOwner[zone]
		require.True(t, ok, "zone %s has no owner", zone)
		for _, h := range hs {
			require.Contains(t, rateExpr[o], `"`+h+`"`, "the owner %s's rules do not cover %s", o, h)
		}
	}
	require.Equal(t, "acme-eu", zoneOwner["0123456789abcdef0123456789abcdef"], "production owns acme.example, staging shares it")
}

// TestProductionAndStagingOnOneZonePlanIndependently: acme-eu and acme-eu-staging
// share acme.example. Each plans alone; they share no resource, so either deploys and
// is destroyed without touching the other's; the staging stack's edge holds only its
// own record, origin pulls and certificate.
func TestProductionAndStagingOnOneZonePlanIndependently(t *testing.T) {
	plans := map[string]*plan.Plan{}
	for _, name := range []string{"acme-eu", "acme-eu-staging"} {
		bp, err := stacks.Prepare("../examples/"+name+"/Pulumi."+name+".yaml", planNow)
		require.NoError(t, err)
		p, err := offline.Plan(bp)
		require.NoError(t, err, name)
		plans[name] = p
	}
	staging := map[string]int{}
	for _, r := range plans["acme-eu-staging"].Managed() {
		if strings.HasPrefix(r.Type, "cloudflare:") {
			staging[r.Type]++
		}
	}
	require.Equal(t, map[string]int{
		"cloudflare:index/record:Record":                                                           1,
		"cloudflare:index/authenticatedOriginPulls:AuthenticatedOriginPulls":                       1,
		"cloudflare:index/authenticatedOriginPullsCertificate:AuthenticatedOriginPullsCertificate": 1,
		"cloudflare:index/originCaCertificate:OriginCaCertificate":                                 1,
	}, staging)
	names := map[string]bool{}
	for _, r := range plans["acme-eu"].Managed() {
		names[r.Name()] = true
	}
	for _, r := range plans["acme-eu-staging"].Managed() {
		require.False(t, names[r.Name()], "both stacks name a resource %s", r.Name())
	}
}

// prepareEdited loads an example with edit applied to its text.
func prepareEdited(t *testing.T, name string, edit func(string) string) *stacks.Blueprint {
	t.Helper()
	b, err := os.ReadFile("../examples/" + name + "/Pulumi." + name + ".yaml")
	require.NoError(t, err)
	dir := t.TempDir()
	path := filepath.Join(dir, "Pulumi."+name+".yaml")
	require.NoError(t, os.WriteFile(path, []byte(edit(string(b))), 0o644))
	bp, err := stacks.Prepare(path, planNow)
	require.NoError(t, err)
	return bp
}

// NET-5: a private allow-list range inside a VPN peer's networks is the VPN side's;
// it never reaches the edge's admin-path rule, where no client has that address.
func TestNET5_PrivateAllowListRangesStayOffTheEdge(t *testing.T) {
	bp := prepareEdited(t, "globex-eu", func(s string) string {
		return strings.Replace(s, "    allowList:\n      - 198.51.100.0/24\n", "    allowList:\n      - 198.51.100.0/24\n      - 192.168.1.0/24\n", 1)
	})
	require.Equal(t, []string{"198.51.100.0/24", "192.168.1.0/24"}, bp.Config.Network.AllowList)
	require.Equal(t, []string{"198.51.100.0/24"}, bp.Edge.AllowList)
	for _, r := range edge.CustomRules(bp.Edge.WithDefaults()) {
		require.NotContains(t, r.Expression, "192.168.", r.Ref)
	}
}

// The Odoo.sh rollout: DNS-only and no NET-4/NET-8 claim until the certificate is
// issued; then proxied, with the controls' reach stated.
func TestOdooShTwoStepRolloutAndHonestControls(t *testing.T) {
	step1 := prepareEdited(t, "pioneer-us", func(s string) string {
		return strings.Replace(s, "    certificateReady: true\n", "", 1)
	})
	require.False(t, step1.Edge.Proxied())
	require.NotContains(t, stacks.Controls(step1.Config), "NET-4")
	require.NotContains(t, stacks.Controls(step1.Config), "NET-8")
	p, err := offline.Plan(step1)
	require.NoError(t, err)
	rec := p.ByType("cloudflare:index/record:Record")
	require.Len(t, rec, 1)
	require.Equal(t, false, rec[0].Inputs["proxied"])

	step2, err := stacks.Prepare("../examples/pioneer-us/Pulumi.pioneer-us.yaml", planNow)
	require.NoError(t, err)
	require.True(t, step2.Edge.Proxied())
	require.Contains(t, stacks.Controls(step2.Config), "NET-4")
	require.Equal(t, map[string]string{
		"NET-4": "only requests to erp.pioneer.example pass the WAF; pioneer.odoo.com stays reachable directly, outside it (Odoo.sh)",
		"NET-8": "not enforced at the origin: Odoo.sh answers anyone at pioneer.odoo.com; only erp.pioneer.example is behind the edge",
	}, stacks.ControlScope(step2.Config))

	staging, err := stacks.Prepare("../examples/acme-eu-staging/Pulumi.acme-eu-staging.yaml", planNow)
	require.NoError(t, err)
	require.Equal(t, map[string]string{
		"NET-4": "the WAF and rate-limit rules of zone acme.example belong to the zone owner's stack, whose cloudflare.otherHostnames must list erp-staging.acme.example",
	}, stacks.ControlScope(staging.Config))
}
