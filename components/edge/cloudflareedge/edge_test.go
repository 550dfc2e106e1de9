package cloudflareedge_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"testing"

	"github.com/pulumi/pulumi-cloudflare/sdk/v5/go/cloudflare"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/components/edge"
	"github.com/octura/odoo-hosting/components/edge/cloudflareedge"
	"github.com/octura/odoo-hosting/internal/jurisdiction"
	"github.com/octura/odoo-hosting/internal/plan"
	"github.com/octura/odoo-hosting/internal/tier"
)

const (
	zoneID    = "0123456789abcdef0123456789abcdef"
	accountID = "fedcba9876543210fedcba9876543210"

	tRecord   = "cloudflare:index/record:Record"
	tSettings = "cloudflare:index/zoneSettingsOverride:ZoneSettingsOverride"
	tRuleset  = "cloudflare:index/ruleset:Ruleset"
	tBots     = "cloudflare:index/botManagement:BotManagement"
	tAOP      = "cloudflare:index/authenticatedOriginPulls:AuthenticatedOriginPulls"
	tAOPCert  = "cloudflare:index/authenticatedOriginPullsCertificate:AuthenticatedOriginPullsCertificate"
	tURLNorm  = "cloudflare:index/urlNormalizationSettings:UrlNormalizationSettings"
	tRegional = "cloudflare:index/regionalHostname:RegionalHostname"
	tGRE      = "cloudflare:index/magicWanGreTunnel:MagicWanGreTunnel"
	tIPsec    = "cloudflare:index/magicWanIpsecTunnel:MagicWanIpsecTunnel"
	tRoute    = "cloudflare:index/magicWanStaticRoute:MagicWanStaticRoute"
	tMagicFW  = "cloudflare:index/magicFirewallRuleset:MagicFirewallRuleset"
	tTunnel   = "cloudflare:index/zeroTrustTunnelCloudflared:ZeroTrustTunnelCloudflared"
	tTunnelCf = "cloudflare:index/zeroTrustTunnelCloudflaredConfig:ZeroTrustTunnelCloudflaredConfig"
	tCert     = "cloudflare:index/originCaCertificate:OriginCaCertificate"
	tProvider = "pulumi:providers:cloudflare"
)

func base() edge.Spec {
	return edge.Spec{
		Customer: "acme", Jurisdiction: jurisdiction.EU, Zone: "acme.com", ZoneID: zoneID,
		Hostnames: []string{"erp.acme.com"}, OwnsZone: true,
	}
}

func odooShSpec() edge.Spec {
	s := base()
	s.Tier, s.Plan = tier.OdooSH, edge.PlanPro
	s.Origin = edge.Origin{Kind: edge.OriginOdooSh, Hostname: "acme.odoo.com"}
	return s
}

func cloudSpec() edge.Spec {
	s := base()
	s.Tier, s.Plan = tier.Cloud, edge.PlanBusiness
	s.Origin = edge.Origin{Kind: edge.OriginLoadBalancer}
	return s
}

func enterpriseSpec() edge.Spec {
	s := cloudSpec()
	s.Tier, s.Plan, s.AccountID = tier.Enterprise, edge.PlanEnterprise, accountID
	s.Hostnames = []string{"erp.acme.com", "shop.acme.com"}
	s.RegionalServices = true
	s.Entitlements = edge.Entitlements{BotManagement: true, AdvancedRateLimiting: true, RequestBodyFields: true}
	s.AllowList = []string{"198.51.100.0/24"}
	s.HostRateLimit = edge.RateLimit{Requests: 20000, Period: 60, Timeout: 60, By: edge.CountByHost}
	s.MagicTransit = &edge.MagicTransit{
		Prefixes: []string{"203.0.113.0/24", "192.0.2.0/24"},
		Tunnels: []edge.Tunnel{
			{Name: "fra_gre", Kind: edge.TunnelGRE, CustomerEndpoint: "192.0.2.10", CloudflareEndpoint: "162.159.64.1", InterfaceAddress: "10.212.0.8/31"},
			{Name: "ams_ipsec", Kind: edge.TunnelIPsec, CustomerEndpoint: "192.0.2.20", CloudflareEndpoint: "162.159.64.2", InterfaceAddress: "10.212.0.10/31", Priority: 200},
		},
	}
	return s
}

func onPremSpec() edge.Spec {
	s := base()
	s.Tier, s.Plan, s.AccountID = tier.OnPremise, edge.PlanPro, accountID
	s.Origin = edge.Origin{Kind: edge.OriginTunnel, Service: "https://odoo.acme.internal:443", CAPool: "/etc/cloudflared/acme-ca.pem"}
	return s
}

// run plans the edge of spec under the mocks; edit adjusts the args.
func run(t *testing.T, spec edge.Spec, edit func(*cloudflareedge.Args)) (*plan.Plan, *cloudflareedge.Edge, error) {
	t.Helper()
	var e *cloudflareedge.Edge
	var newErr error
	p, err := plan.Run("odoo-hosting", "acme-eu", func(ctx *pulumi.Context) error {
		prov, err := cloudflare.NewProvider(ctx, "acme-cloudflare", &cloudflare.ProviderArgs{ApiToken: pulumi.String("token")})
		if err != nil {
			return err
		}
		args := &cloudflareedge.Args{Spec: spec, Provider: prov}
		if edit != nil {
			edit(args)
		}
		e, newErr = cloudflareedge.New(ctx, "acme-edge", args)
		return nil
	})
	require.NoError(t, err)
	return p, e, newErr
}

func mustRun(t *testing.T, spec edge.Spec, edit func(*cloudflareedge.Args)) (*plan.Plan, *cloudflareedge.Edge) {
	t.Helper()
	p, e, err := run(t, spec, edit)
	require.NoError(t, err)
	// Every child sits under the component and uses the explicit provider.
	for _, r := range p.Managed() {
		if r.Type == cloudflareedge.EdgeType {
			continue
		}
		require.Contains(t, r.Parent, "odoo-hosting:edge:Edge::acme-edge", r.URN)
		prov, ok := p.ProviderOf(r)
		require.True(t, ok, r.URN)
		require.Equal(t, "acme-cloudflare", prov.Name(), r.URN)
	}
	return p, e
}

func get(t *testing.T, p *plan.Plan, typ, name string) map[string]any {
	t.Helper()
	r, ok := p.Get(typ, name)
	require.True(t, ok, "%s %s", typ, name)
	return r.Inputs
}

const pullCert = "-----BEGIN CERTIFICATE-----\nour client certificate\n-----END CERTIFICATE-----\n"

func withALB(a *cloudflareedge.Args) {
	a.Origin = pulumi.String("acme-alb-123.eu-west-1.elb.amazonaws.com")
	a.OriginPullCertificate = pulumi.String(pullCert)
	a.OriginPullKey = pulumi.String("-----BEGIN PRIVATE KEY-----\nours\n-----END PRIVATE KEY-----\n")
}

func withPSK(a *cloudflareedge.Args) {
	withALB(a)
	a.IPsecPSKs = map[string]pulumi.StringInput{"ams_ipsec": pulumi.String("psk")}
}

func TestCountsPerTier(t *testing.T) {
	// The owner: settings, URL normalization, the three WAF and rate-limit rulesets,
	// the request transform (X-Forwarded-Host) ruleset and bot settings.
	common := map[string]int{plan.StackType: 1, tProvider: 1, cloudflareedge.EdgeType: 1, tSettings: 1, tURLNorm: 1, tRuleset: 4, tBots: 1}
	with := func(extra map[string]int) map[string]int {
		out := map[string]int{}
		for k, v := range common {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	cases := []struct {
		name string
		spec edge.Spec
		edit func(*cloudflareedge.Args)
		want map[string]int
	}{
		{"odoo-sh", odooShSpec(), nil, with(map[string]int{tRecord: 1})},
		{"cloud", cloudSpec(), withALB, with(map[string]int{tRecord: 1, tAOPCert: 1, tAOP: 1})},
		{"enterprise", enterpriseSpec(), withPSK, with(map[string]int{tRecord: 2, tAOPCert: 1, tAOP: 2, tRegional: 2, tGRE: 1, tIPsec: 1, tRoute: 4, tMagicFW: 1})},
		{"on-premise", onPremSpec(), func(a *cloudflareedge.Args) {
			a.TunnelSecret = pulumi.String("c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA==")
		},
			with(map[string]int{tRecord: 1, tTunnel: 1, tTunnelCf: 1})},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, _ := mustRun(t, c.spec, c.edit)
			require.Equal(t, c.want, p.Count())
		})
	}
}

func TestENC1_ZoneSettingsStrictTLS12(t *testing.T) {
	p, _ := mustRun(t, cloudSpec(), withALB)
	in := get(t, p, tSettings, "acme-edge-tls")
	require.Equal(t, zoneID, in["zoneId"])
	require.Equal(t, map[string]any{
		"minTlsVersion": "1.2", "tls13": "on", "alwaysUseHttps": "on", "automaticHttpsRewrites": "on", "ssl": "strict",
		"securityHeader": map[string]any{"enabled": true, "maxAge": 31536000.0, "includeSubdomains": false, "preload": false, "nosniff": true},
	}, in["settings"])
	require.Equal(t, map[string]any{"zoneId": zoneID, "type": "cloudflare", "scope": "incoming"}, get(t, p, tURLNorm, "acme-edge-url-normalization"))
}

// HSTS includeSubDomains reaches every host of the customer's domain: the zone
// owner turns it on, nobody else.
func TestENC1_HSTSIncludeSubdomainsIsTheZoneOwnersDecision(t *testing.T) {
	s := cloudSpec()
	s.HSTSIncludeSubdomains = true
	p, _ := mustRun(t, s, withALB)
	hsts := get(t, p, tSettings, "acme-edge-tls")["settings"].(map[string]any)["securityHeader"].(map[string]any)
	require.Equal(t, true, hsts["includeSubdomains"])
}

// A stack that does not own the zone manages only what is its own: no zone setting,
// no entry-point ruleset, no bot setting; its hostnames' records and origin pulls.
func TestZoneSingletonsOnlyOnTheOwner(t *testing.T) {
	s := cloudSpec()
	s.OwnsZone = false
	s.Hostnames = []string{"erp-staging.acme.com"}
	p, e := mustRun(t, s, withALB)
	require.Equal(t, map[string]int{plan.StackType: 1, tProvider: 1, cloudflareedge.EdgeType: 1, tRecord: 1, tAOPCert: 1, tAOP: 1}, p.Count())
	require.False(t, e.Summary.OwnsZone)
	require.Empty(t, e.Summary.CustomRules)

	owner := cloudSpec()
	owner.OtherHostnames = []string{"erp-staging.acme.com"}
	p, e = mustRun(t, owner, withALB)
	require.True(t, e.Summary.OwnsZone)
	for _, r := range rules(t, p, "acme-edge-rate-limit") {
		require.Contains(t, r.(map[string]any)["expression"], `http.host in {"erp-staging.acme.com" "erp.acme.com"}`)
	}
}

func TestDNSRecordsAreProxiedToTheOrigin(t *testing.T) {
	p, _ := mustRun(t, odooShSpec(), nil)
	in := get(t, p, tRecord, "acme-edge-erp-acme-com")
	require.Equal(t, "erp.acme.com", in["name"])
	require.Equal(t, "CNAME", in["type"])
	require.Equal(t, "acme.odoo.com", in["content"])
	require.Equal(t, false, in["proxied"], "DNS-only until Odoo.sh has issued the hostname's certificate")
	ready := odooShSpec()
	ready.Origin.CertificateReady = true
	p, _ = mustRun(t, ready, nil)
	require.Equal(t, true, get(t, p, tRecord, "acme-edge-erp-acme-com")["proxied"])

	p, _ = mustRun(t, cloudSpec(), withALB)
	require.Equal(t, "acme-alb-123.eu-west-1.elb.amazonaws.com", get(t, p, tRecord, "acme-edge-erp-acme-com")["content"])
	require.Equal(t, "CNAME", get(t, p, tRecord, "acme-edge-erp-acme-com")["type"])

	// A Google Cloud load balancer is an address: an A record to it (decision 0079).
	p, _ = mustRun(t, cloudSpec(), func(a *cloudflareedge.Args) {
		withALB(a)
		a.Origin, a.OriginIsIPv4 = pulumi.String("203.0.113.80"), true
	})
	in = get(t, p, tRecord, "acme-edge-erp-acme-com")
	require.Equal(t, "A", in["type"])
	require.Equal(t, "203.0.113.80", in["content"])

	server := onPremSpec()
	server.Origin = edge.Origin{Kind: edge.OriginServer, IP: "2001:db8:1::10"}
	p, _ = mustRun(t, server, nil)
	in = get(t, p, tRecord, "acme-edge-erp-acme-com")
	require.Equal(t, "AAAA", in["type"])
	require.Equal(t, "2001:db8:1::10", in["content"])
	require.Equal(t, true, in["proxied"])
}

func rules(t *testing.T, p *plan.Plan, name string) []any {
	t.Helper()
	rs, ok := get(t, p, tRuleset, name)["rules"].([]any)
	require.True(t, ok)
	return rs
}

func TestNET4_ManagedRulesetsInFirewallPhase(t *testing.T) {
	p, e := mustRun(t, odooShSpec(), nil)
	in := get(t, p, tRuleset, "acme-edge-waf-managed")
	require.Equal(t, "http_request_firewall_managed", in["phase"])
	require.Equal(t, "zone", in["kind"])
	require.Equal(t, zoneID, in["zoneId"])
	require.Equal(t, []any{
		map[string]any{"ref": "cloudflare-managed", "description": "NET-4: Cloudflare Managed Ruleset", "action": "execute",
			"expression": "true", "enabled": true, "actionParameters": map[string]any{"id": "efb7b8c949ac4650a09736fc376e9aee"}},
		map[string]any{"ref": "owasp-core", "description": "NET-4: Cloudflare OWASP Core Ruleset, paranoia level 1", "action": "execute",
			"expression": "true", "enabled": true, "actionParameters": map[string]any{
				"id": "4814384a9e5d4991b9815dcfc25d2f1f",
				"overrides": map[string]any{
					"categories": []any{
						map[string]any{"category": "paranoia-level-2", "enabled": false},
						map[string]any{"category": "paranoia-level-3", "enabled": false},
						map[string]any{"category": "paranoia-level-4", "enabled": false},
					},
					"rules": []any{map[string]any{"id": "6179ae15870a4bb7b2d480d4843b323c", "action": "block", "scoreThreshold": 60.0, "enabled": true}},
				},
			}},
	}, in["rules"])
	require.Equal(t, "super-bot-fight-mode", e.Summary.BotMode)
}

func TestNET4_DatabaseManagerBlocked(t *testing.T) {
	p, e := mustRun(t, cloudSpec(), withALB)
	in := get(t, p, tRuleset, "acme-edge-waf-custom")
	require.Equal(t, "http_request_firewall_custom", in["phase"])
	rs := rules(t, p, "acme-edge-waf-custom")
	require.Len(t, rs, 4)
	r := rs[0].(map[string]any)
	require.Equal(t, "odoo-database-manager", r["ref"])
	require.Equal(t, "block", r["action"])
	require.Equal(t, true, r["enabled"])
	require.Equal(t, edge.DatabaseManagerExpression(false), r["expression"])
	require.NotContains(t, r, "actionParameters")
	skip := rs[1].(map[string]any)
	require.Equal(t, "skip-bots-integrations", skip["ref"])
	require.Equal(t, "skip", skip["action"])
	require.Equal(t, map[string]any{"phases": []any{"http_request_sbfm"}}, skip["actionParameters"])
	require.Equal(t, []string{"odoo-database-manager", "skip-bots-integrations", "skip-bots-webhooks", "skip-bots-monitors"}, e.Summary.CustomRules)
}

func TestNET4_RateLimitsOnLoginAndHost(t *testing.T) {
	p, e := mustRun(t, odooShSpec(), nil)
	require.Equal(t, "http_ratelimit", get(t, p, tRuleset, "acme-edge-rate-limit")["phase"])
	rs := rules(t, p, "acme-edge-rate-limit")
	require.Len(t, rs, 2)
	login, host := rs[0].(map[string]any), rs[1].(map[string]any)
	require.Equal(t, "odoo-login-rate", login["ref"])
	require.Equal(t, "block", login["action"])
	require.Equal(t, edge.LoginRateLimitExpression([]string{"erp.acme.com"}, false, false), login["expression"])
	require.Equal(t, map[string]any{"characteristics": []any{"cf.colo.id", "ip.src"}, "period": 60.0, "requestsPerPeriod": 20.0, "mitigationTimeout": 300.0}, login["ratelimit"])
	require.Equal(t, "host-rate", host["ref"])
	require.Equal(t, edge.HostRateLimitExpression([]string{"erp.acme.com"}), host["expression"])
	require.Equal(t, map[string]any{"characteristics": []any{"cf.colo.id", "ip.src"}, "period": 60.0, "requestsPerPeriod": 1500.0, "mitigationTimeout": 60.0}, host["ratelimit"])
	require.Equal(t, []string{"odoo-login-rate", "host-rate"}, e.Summary.RateLimitRules)
}

func TestNET4_BotMitigationPerPlan(t *testing.T) {
	p, _ := mustRun(t, odooShSpec(), nil) // pro
	require.Equal(t, map[string]any{"zoneId": zoneID, "enableJs": true, "sbfmDefinitelyAutomated": "managed_challenge",
		"sbfmVerifiedBots": "allow", "sbfmStaticResourceProtection": false}, get(t, p, tBots, "acme-edge-bots"))

	p, _ = mustRun(t, cloudSpec(), withALB) // business
	require.Equal(t, map[string]any{"zoneId": zoneID, "enableJs": true, "sbfmDefinitelyAutomated": "managed_challenge",
		"sbfmLikelyAutomated": "managed_challenge", "sbfmVerifiedBots": "allow", "sbfmStaticResourceProtection": false}, get(t, p, tBots, "acme-edge-bots"))

	p, e := mustRun(t, enterpriseSpec(), withPSK) // enterprise with Bot Management
	require.Equal(t, map[string]any{"zoneId": zoneID, "enableJs": true, "autoUpdateModel": true}, get(t, p, tBots, "acme-edge-bots"))
	require.Equal(t, "bot-management", e.Summary.BotMode)
	rs := rules(t, p, "acme-edge-waf-custom")
	require.Len(t, rs, 3)
	bot := rs[2].(map[string]any)
	require.Equal(t, "odoo-login-bots", bot["ref"])
	require.Equal(t, "block", bot["action"])
	require.Equal(t, `(lower(url_decode(http.request.uri.path, "r")) in {"/web/login" "/web/login/totp"} and cf.bot_management.score lt 30 and not cf.bot_management.verified_bot)`, bot["expression"])
}

func TestNET8_PerHostnameOriginPullsWithOurCertificate(t *testing.T) {
	var ranges []string
	p, err := plan.Run("odoo-hosting", "acme-eu", func(ctx *pulumi.Context) error {
		prov, err := cloudflare.NewProvider(ctx, "acme-cloudflare", nil)
		if err != nil {
			return err
		}
		args := &cloudflareedge.Args{Spec: enterpriseSpec(), Provider: prov, IPsecPSKs: map[string]pulumi.StringInput{"ams_ipsec": pulumi.String("psk")}}
		withALB(args)
		e, err := cloudflareedge.New(ctx, "acme-edge", args)
		if err != nil {
			return err
		}
		// Exports are awaited before the run ends, so the capture is too.
		ctx.Export("originRanges", e.OriginRanges.ApplyT(func(r []string) []string { ranges = r; return r }))
		return nil
	})
	require.NoError(t, err)
	cert, ok := p.Get(tAOPCert, "acme-edge-origin-pull-cert")
	require.True(t, ok)
	require.Equal(t, map[string]any{"zoneId": zoneID, "type": "per-hostname", "certificate": pullCert, "privateKey": plan.Secret}, cert.Inputs)
	for _, h := range []string{"erp.acme.com", "shop.acme.com"} {
		aop, ok := p.Get(tAOP, "acme-edge-origin-pulls-"+edge.Slug(h))
		require.True(t, ok, h)
		require.Equal(t, h, aop.Inputs["hostname"])
		require.Equal(t, true, aop.Inputs["enabled"])
		require.Equal(t, zoneID, aop.Inputs["zoneId"])
		require.Regexp(t, `^acme-edge-origin-pull-cert-[0-9a-f]{8}$`, aop.Inputs["authenticatedOriginPullsCertificate"])
	}
	for _, r := range p.ByType(tAOP) {
		require.NotEmpty(t, r.Inputs["hostname"], "no zone-wide pull with Cloudflare's shared certificate")
	}
	require.Equal(t, edge.OriginRanges(), ranges)
	require.Contains(t, ranges, "173.245.48.0/20")
	require.Contains(t, ranges, "2606:4700::/32")

	// Other origins cannot verify a client certificate: no origin pulls there.
	p, _ = mustRun(t, odooShSpec(), nil)
	require.Empty(t, p.ByType(tAOPCert))
	require.Empty(t, p.ByType(tAOP))
}

func TestRES6_RegionalHostnamesUseJurisdictionKey(t *testing.T) {
	for _, j := range jurisdiction.All() {
		s := enterpriseSpec()
		s.Jurisdiction = j
		p, e := mustRun(t, s, withPSK)
		for _, h := range s.Hostnames {
			in := get(t, p, tRegional, "acme-edge-regional-"+edge.Slug(h))
			require.Equal(t, map[string]any{"zoneId": zoneID, "hostname": h, "regionKey": string(j)}, in)
			r, _ := p.Get(tRegional, "acme-edge-regional-"+edge.Slug(h))
			rec, _ := p.Get(tRecord, "acme-edge-"+edge.Slug(h))
			require.Equal(t, []string{rec.URN}, r.Dependencies)
		}
		require.Equal(t, jurisdiction.RegionalServicesKey(j), e.Summary.RegionKey)
	}
	p, _ := mustRun(t, cloudSpec(), withALB)
	require.Empty(t, p.ByType(tRegional))
}

func TestNET6_MagicTransitTunnelsRoutesAndFirewall(t *testing.T) {
	p, e := mustRun(t, enterpriseSpec(), withPSK)
	require.Equal(t, map[string]any{"accountId": accountID, "name": "fra_gre", "description": "NET-6: Magic Transit gre tunnel of acme",
		"customerGreEndpoint": "192.0.2.10", "cloudflareGreEndpoint": "162.159.64.1", "interfaceAddress": "10.212.0.8/31", "healthCheckEnabled": true},
		get(t, p, tGRE, "acme-edge-mt-fra-gre"))
	ipsec := get(t, p, tIPsec, "acme-edge-mt-ams-ipsec")
	require.Equal(t, plan.Secret, ipsec["psk"])
	require.Equal(t, false, ipsec["allowNullCipher"])
	require.Equal(t, "10.212.0.10/31", ipsec["interfaceAddress"])
	require.Equal(t, map[string]any{"accountId": accountID, "prefix": "203.0.113.0/24", "nexthop": "10.212.0.9", "priority": 100.0,
		"description": "NET-6: 203.0.113.0/24 via fra_gre"}, get(t, p, tRoute, "acme-edge-route-fra-gre-203-0-113-0-24"))
	require.Equal(t, "10.212.0.11", get(t, p, tRoute, "acme-edge-route-ams-ipsec-192-0-2-0-24")["nexthop"])
	require.Equal(t, 200.0, get(t, p, tRoute, "acme-edge-route-ams-ipsec-192-0-2-0-24")["priority"])
	fw := get(t, p, tMagicFW, "acme-edge-magic-firewall")
	require.Equal(t, accountID, fw["accountId"])
	require.Equal(t, []any{
		map[string]any{"action": "allow", "enabled": "true", "description": "NET-6: ICMP to the customer's prefixes (health checks, path MTU)",
			"expression": `ip.dst in {203.0.113.0/24 192.0.2.0/24} and ip.proto eq "icmp"`},
		map[string]any{"action": "allow", "enabled": "true", "description": "NET-6: published services",
			"expression": "ip.dst in {203.0.113.0/24 192.0.2.0/24} and tcp.dstport in {443}"},
		map[string]any{"action": "allow", "enabled": "true", "description": "NET-6: replies to TCP connections opened from the customer's prefixes",
			"expression": `ip.dst in {203.0.113.0/24 192.0.2.0/24} and ip.proto eq "tcp" and tcp.dstport in {1024..65535} and not (tcp.flags.syn and not tcp.flags.ack)`},
		map[string]any{"action": "allow", "enabled": "true", "description": "NET-6: DNS and NTP replies to the customer's prefixes",
			"expression": `ip.dst in {203.0.113.0/24 192.0.2.0/24} and ip.proto eq "udp" and udp.srcport in {53 123} and udp.dstport in {1024..65535}`},
		map[string]any{"action": "block", "enabled": "true", "description": "NET-6: everything else to the customer's prefixes",
			"expression": "ip.dst in {203.0.113.0/24 192.0.2.0/24}"},
	}, fw["rules"])
	require.Equal(t, []string{"203.0.113.0/24", "192.0.2.0/24"}, e.Summary.MagicTransitPrefixes)
}

func TestNET4_EnterpriseCustomRulesAndAdvancedRateLimit(t *testing.T) {
	p, _ := mustRun(t, enterpriseSpec(), withPSK)
	rs := rules(t, p, "acme-edge-waf-custom")
	require.Equal(t, edge.DatabaseManagerExpression(true), rs[0].(map[string]any)["expression"])
	admin := rs[1].(map[string]any)
	require.Equal(t, "odoo-admin-allow-list", admin["ref"])
	require.Equal(t, edge.AdminPathsExpression("", []string{"198.51.100.0/24"}, true), admin["expression"])
	host := rules(t, p, "acme-edge-rate-limit")[1].(map[string]any)
	require.Equal(t, []any{"cf.colo.id", "http.host"}, host["ratelimit"].(map[string]any)["characteristics"])
}

func TestOnPremiseTunnel(t *testing.T) {
	var cname string
	p, err := plan.Run("odoo-hosting", "acme-eu", func(ctx *pulumi.Context) error {
		prov, err := cloudflare.NewProvider(ctx, "acme-cloudflare", nil)
		if err != nil {
			return err
		}
		e, err := cloudflareedge.New(ctx, "acme-edge", &cloudflareedge.Args{Spec: onPremSpec(), Provider: prov,
			TunnelSecret: pulumi.String("c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA=="), Origin: pulumi.String("ignored.example.com")})
		if err != nil {
			return err
		}
		ctx.Export("tunnelCname", e.TunnelCNAME.ApplyT(func(s string) string { cname = s; return s }))
		return nil
	})
	require.NoError(t, err)
	tun, ok := p.Get(tTunnel, "acme-edge-tunnel")
	require.True(t, ok)
	require.Equal(t, map[string]any{"accountId": accountID, "name": "acme-edge", "secret": plan.Secret, "configSrc": "cloudflare"}, tun.Inputs)
	cfg := get(t, p, tTunnelCf, "acme-edge-tunnel-config")
	require.Equal(t, accountID, cfg["accountId"])
	require.Regexp(t, `^acme-edge-tunnel-[0-9a-f]{8}$`, cfg["tunnelId"])
	require.Equal(t, map[string]any{"ingressRules": []any{
		map[string]any{"hostname": "erp.acme.com", "service": "https://odoo.acme.internal:443", "originRequest": map[string]any{
			"caPool": "/etc/cloudflared/acme-ca.pem", "originServerName": "odoo.acme.internal", "noTlsVerify": false}},
		map[string]any{"service": "http_status:404"},
	}}, cfg["config"])
	rec := get(t, p, tRecord, "acme-edge-erp-acme-com")
	require.Equal(t, cfg["tunnelId"].(string)+".cfargotunnel.com", rec["content"])
	require.Equal(t, true, rec["proxied"])
	require.Equal(t, rec["content"], cname)
}

func TestNewRegistersNothingOnInvalidSpec(t *testing.T) {
	onlyProvider := map[string]int{plan.StackType: 1, tProvider: 1}
	bad := cloudSpec()
	bad.RegionalServices = true
	p, e, err := run(t, bad, withALB)
	require.EqualError(t, err, `edge acme-edge: regionalServices needs the Cloudflare Enterprise plan with Regional Services (RES-6); plan is "business"`)
	require.Nil(t, e)
	require.Equal(t, onlyProvider, p.Count())

	// Missing wiring inputs are refused the same way, all at once.
	p, _, err = run(t, bad, func(a *cloudflareedge.Args) { a.Provider = nil })
	require.EqualError(t, err, "edge acme-edge: regionalServices needs the Cloudflare Enterprise plan with Regional Services (RES-6); plan is \"business\"\n"+
		"provider is nil; pass the stack's explicit Cloudflare provider\n"+
		"origin is nil and origin.hostname is empty; pass the load balancer's DNS name\n"+
		"originPullCertificate or originPullKey is nil; a load-balancer origin accepts only our own client certificate (NET-8)")
	require.Equal(t, onlyProvider, p.Count())
	p, _, err = run(t, onPremSpec(), nil)
	require.EqualError(t, err, "edge acme-edge: tunnelSecret is nil; a tunnel origin needs its secret")
	require.Equal(t, onlyProvider, p.Count())
	p, _, err = run(t, enterpriseSpec(), withALB)
	require.EqualError(t, err, `edge acme-edge: ipsecPsks["ams_ipsec"] is nil; an IPsec tunnel needs its pre-shared key`)
	require.Equal(t, onlyProvider, p.Count())
}

func newCSR(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{DNSNames: []string{"erp.acme.com"}}, key)
	require.NoError(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
}

func TestENC1_OriginCertificateForTheLoadBalancer(t *testing.T) {
	s := cloudSpec()
	s.OriginCSR = newCSR(t)
	var typ string
	p, err := plan.Run("odoo-hosting", "acme-eu", func(ctx *pulumi.Context) error {
		prov, err := cloudflare.NewProvider(ctx, "acme-cloudflare", nil)
		if err != nil {
			return err
		}
		c, err := cloudflareedge.NewOriginCertificate(ctx, "acme-origin", &cloudflareedge.OriginCertificateArgs{Spec: s, Provider: prov})
		if err != nil {
			return err
		}
		typ = c.RequestType
		return nil
	})
	require.NoError(t, err)
	require.Equal(t, "origin-ecc", typ)
	require.Equal(t, map[string]int{plan.StackType: 1, tProvider: 1, cloudflareedge.OriginCertificateType: 1, tCert: 1}, p.Count())
	in := get(t, p, tCert, "acme-origin")
	require.Equal(t, map[string]any{"csr": s.OriginCSR, "hostnames": []any{"erp.acme.com"}, "requestType": "origin-ecc",
		"requestedValidity": 5475.0, "minDaysForRenewal": 30.0}, in)

	var certErr error
	p, err = plan.Run("odoo-hosting", "acme-eu", func(ctx *pulumi.Context) error {
		prov, err := cloudflare.NewProvider(ctx, "acme-cloudflare", nil)
		if err != nil {
			return err
		}
		_, certErr = cloudflareedge.NewOriginCertificate(ctx, "acme-origin", &cloudflareedge.OriginCertificateArgs{Spec: cloudSpec(), Provider: prov})
		return nil
	})
	require.NoError(t, err)
	require.EqualError(t, certErr, "origin certificate acme-origin: originCsr is empty; the runtime generates the key and hands over its CSR")
	require.Equal(t, map[string]int{plan.StackType: 1, tProvider: 1}, p.Count())
}
