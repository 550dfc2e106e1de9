package edge_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/components/edge"
	"github.com/octura/odoo-hosting/internal/jurisdiction"
	"github.com/octura/odoo-hosting/internal/tier"
)

const (
	zoneID    = "0123456789abcdef0123456789abcdef"
	accountID = "fedcba9876543210fedcba9876543210"
)

func cloudSpec() edge.Spec {
	return edge.Spec{
		Customer: "acme", Tier: tier.Cloud, Jurisdiction: jurisdiction.EU,
		Zone: "acme.com", ZoneID: zoneID, Plan: edge.PlanBusiness,
		Hostnames: []string{"erp.acme.com"},
		Origin:    edge.Origin{Kind: edge.OriginLoadBalancer},
	}
}

func enterpriseSpec() edge.Spec {
	s := cloudSpec()
	s.Tier, s.Plan, s.AccountID = tier.Enterprise, edge.PlanEnterprise, accountID
	s.RegionalServices = true
	s.Entitlements = edge.Entitlements{BotManagement: true, AdvancedRateLimiting: true, RequestBodyFields: true}
	s.AllowList = []string{"198.51.100.0/24", "2001:db8:100::/48"}
	s.MagicTransit = &edge.MagicTransit{
		Prefixes: []string{"203.0.113.0/24"},
		Tunnels: []edge.Tunnel{{Name: "fra_gre", Kind: edge.TunnelGRE, CustomerEndpoint: "192.0.2.10",
			CloudflareEndpoint: "162.159.64.1", InterfaceAddress: "10.212.0.8/31"}},
	}
	return s
}

func TestValidateAcceptsEveryTier(t *testing.T) {
	odoo := cloudSpec()
	odoo.Tier, odoo.Plan, odoo.Origin = tier.OdooSH, edge.PlanPro, edge.Origin{Kind: edge.OriginOdooSh, Hostname: "acme.odoo.com"}
	onprem := cloudSpec()
	onprem.Tier, onprem.AccountID = tier.OnPremise, accountID
	onprem.Origin = edge.Origin{Kind: edge.OriginTunnel, Service: "http://localhost:8069"}
	server := cloudSpec()
	server.Tier, server.Origin = tier.OnPremise, edge.Origin{Kind: edge.OriginServer, IP: "192.0.2.44"}
	for name, s := range map[string]edge.Spec{"odoo-sh": odoo, "cloud": cloudSpec(), "enterprise": enterpriseSpec(), "on-premise tunnel": onprem, "on-premise server": server} {
		require.NoError(t, s.Validate(), name)
	}
}

func TestWithDefaults(t *testing.T) {
	s := enterpriseSpec().WithDefaults()
	require.Equal(t, 31536000, s.HSTSMaxAge)
	require.Equal(t, edge.RateLimit{Requests: 10, Period: 60, Timeout: 300, By: "ip-nat"}, s.LoginRateLimit)
	require.Equal(t, edge.RateLimit{Requests: 1500, Period: 60, Timeout: 60, By: "ip"}, s.HostRateLimit)
	require.Equal(t, 5475, s.OriginCertificateValidity)
	require.Equal(t, []int{443}, s.MagicTransit.AllowedTCPPorts)
	require.Equal(t, 100, s.MagicTransit.Tunnels[0].Priority)
	require.Equal(t, 0, enterpriseSpec().MagicTransit.Tunnels[0].Priority, "defaults never write through to the caller's spec")
}

func TestNET4_LoginDefaultsFollowThePlan(t *testing.T) {
	pro := cloudSpec()
	pro.Plan = edge.PlanPro
	require.Equal(t, edge.RateLimit{Requests: 20, Period: 60, Timeout: 300, By: "ip"}, pro.WithDefaults().LoginRateLimit)
	require.Equal(t, edge.RateLimit{Requests: 10, Period: 60, Timeout: 300, By: "ip-nat"}, cloudSpec().WithDefaults().LoginRateLimit)
}

func TestNET6_MagicTransitPrefixesMustBePublicAndShortEnough(t *testing.T) {
	for prefix, want := range map[string]string{
		"0.0.0.0/0":       `magicTransit.prefixes[0] "0.0.0.0/0" is not publicly routable: Magic Transit advertises the customer's own public prefixes; allowed: a public IPv4 prefix of /24 or shorter, or IPv6 of /48 or shorter`,
		"10.20.0.0/16":    `magicTransit.prefixes[0] "10.20.0.0/16" is not publicly routable: Magic Transit advertises the customer's own public prefixes; allowed: a public IPv4 prefix of /24 or shorter, or IPv6 of /48 or shorter`,
		"100.64.0.0/24":   `magicTransit.prefixes[0] "100.64.0.0/24" is not publicly routable: Magic Transit advertises the customer's own public prefixes; allowed: a public IPv4 prefix of /24 or shorter, or IPv6 of /48 or shorter`,
		"fd00:1::/48":     `magicTransit.prefixes[0] "fd00:1::/48" is not publicly routable: Magic Transit advertises the customer's own public prefixes; allowed: a public IPv4 prefix of /24 or shorter, or IPv6 of /48 or shorter`,
		"203.0.113.0/25":  `magicTransit.prefixes[0] "203.0.113.0/25" is too long to advertise; allowed: IPv4 /24 or shorter, IPv6 /48 or shorter`,
		"2a01:4f8:1::/56": `magicTransit.prefixes[0] "2a01:4f8:1::/56" is too long to advertise; allowed: IPv4 /24 or shorter, IPv6 /48 or shorter`,
		"203.0.113.0/24":  "",
		"2a01:4f8:1::/48": "",
		"198.51.100.0/24": "",
	} {
		s := enterpriseSpec()
		s.MagicTransit.Prefixes = []string{prefix}
		if want == "" {
			require.NoError(t, s.Validate(), prefix)
			continue
		}
		require.EqualError(t, s.Validate(), want, prefix)
	}
}

func TestNET5_PrivateAllowListRangesStayOutOfTheEdge(t *testing.T) {
	s := enterpriseSpec()
	s.AllowList = []string{"198.51.100.0/24", "10.0.0.0/8", "192.168.10.0/24"}
	require.EqualError(t, s.Validate(), strings.Join([]string{
		`allowList[1] "10.0.0.0/8" is not publicly routable: the edge never sees it as a client address; allowed: the customer's public ranges (private ranges belong to the VPN side)`,
		`allowList[2] "192.168.10.0/24" is not publicly routable: the edge never sees it as a client address; allowed: the customer's public ranges (private ranges belong to the VPN side)`,
	}, "\n"))
}

func TestZoneSingletonsOnlyOnTheOwner(t *testing.T) {
	s := cloudSpec()
	s.OtherHostnames, s.HSTSIncludeSubdomains = []string{"erp-staging.acme.com"}, true
	require.EqualError(t, s.Validate(), strings.Join([]string{
		`otherHostnames is set on a stack that does not own zone "acme.com"; allowed: only on the zone's owner`,
		`hstsIncludeSubdomains is set on a stack that does not own zone "acme.com"; allowed: only on the zone's owner`,
	}, "\n"))
	s.OwnsZone = true
	require.NoError(t, s.Validate())
	s.OtherHostnames = []string{"erp.acme.com", "erp.other.com"}
	require.EqualError(t, s.Validate(), strings.Join([]string{
		`otherHostnames[0] "erp.acme.com" is listed twice`,
		`otherHostnames[1] "erp.other.com" is not under zone "acme.com"`,
	}, "\n"))
}

// Cloudflare refuses a rule expression over 4,096 characters: a long allow-list is
// refused at validation, not halfway through a deployment.
func TestValidateRefusesRulesLongerThanCloudflareAccepts(t *testing.T) {
	s := enterpriseSpec()
	s.OwnsZone = true
	require.NoError(t, s.Validate())
	for _, r := range edge.CustomRules(s.WithDefaults()) {
		require.LessOrEqual(t, len(r.Expression), edge.MaxExpressionLength, r.Ref)
	}
	s.AllowList = nil
	for i := 0; i < 250; i++ {
		s.AllowList = append(s.AllowList, fmt.Sprintf("198.51.%d.0/24", i))
	}
	err := s.Validate()
	require.Error(t, err)
	require.Regexp(t, `^rule odoo-admin-allow-list would be \d+ characters long \(allowList and hostnames make it\); allowed: at most 4096, Cloudflare's limit for a rule expression$`, err.Error())
}

func TestTunnelOriginCAPoolAndServerName(t *testing.T) {
	s := cloudSpec()
	s.Tier, s.AccountID = tier.OnPremise, accountID
	s.Origin = edge.Origin{Kind: edge.OriginTunnel, Service: "https://odoo.nordlys.internal:8443"}
	require.EqualError(t, s.Validate(), `origin.caPool is empty for the internal https origin "https://odoo.nordlys.internal:8443": cloudflared verifies the origin's certificate and refuses a private CA it has not been given (502); allowed: the absolute path of the CA's PEM file on the cloudflared host`)
	s.Origin.CAPool, s.Origin.ServerName = "etc/ca.pem", "odoo_internal"
	require.EqualError(t, s.Validate(), strings.Join([]string{
		`origin.caPool "etc/ca.pem" is not an absolute clean path; allowed: the path of a PEM file on the cloudflared host, such as /etc/cloudflared/odoo-ca.pem`,
		`origin.serverName "odoo_internal" is not a valid DNS name; allowed: the name in the origin's certificate`,
	}, "\n"))
	s.Origin.CAPool, s.Origin.ServerName = "/etc/cloudflared/odoo-ca.pem", ""
	require.NoError(t, s.Validate())
	require.Equal(t, "odoo.nordlys.internal", s.WithDefaults().Origin.ServerName, "the service's host by default")
	s.Origin.Service = "http://localhost:8069"
	s.Origin.CAPool = ""
	require.NoError(t, s.Validate())
	require.Equal(t, "", s.WithDefaults().Origin.ServerName)
	lb := cloudSpec()
	lb.Origin.CAPool, lb.Origin.CertificateReady = "/etc/ca.pem", true
	require.EqualError(t, lb.Validate(), strings.Join([]string{
		`origin.caPool and origin.serverName are set for origin kind "load-balancer"; allowed: only for a tunnel origin`,
		`origin.certificateReady is set for origin kind "load-balancer"; allowed: only for an odoo-sh origin`,
	}, "\n"))
}

func TestValidateRefusesEntitlementsAbovePlan(t *testing.T) {
	cases := []struct {
		name string
		edit func(*edge.Spec)
		want string
	}{
		{"RES-6 regional services on business", func(s *edge.Spec) { s.RegionalServices = true },
			`regionalServices needs the Cloudflare Enterprise plan with Regional Services (RES-6); plan is "business"`},
		{"NET-6 magic transit on business", func(s *edge.Spec) {
			s.AccountID = accountID
			s.MagicTransit = enterpriseSpec().MagicTransit
		}, `magicTransit needs the Cloudflare Enterprise plan with Magic Transit (NET-6); plan is "business"`},
		{"bot management on pro", func(s *edge.Spec) { s.Plan, s.Entitlements.BotManagement = edge.PlanPro, true },
			`entitlements.botManagement needs the Cloudflare Enterprise plan with Bot Management for Enterprise; plan is "pro"`},
		{"body fields on business", func(s *edge.Spec) { s.Entitlements.RequestBodyFields = true },
			`entitlements.requestBodyFields needs the Cloudflare Enterprise plan with request body inspection; plan is "business"`},
		{"advanced rate limiting on business", func(s *edge.Spec) { s.Entitlements.AdvancedRateLimiting = true },
			`entitlements.advancedRateLimiting needs the Cloudflare Enterprise plan with Advanced Rate Limiting; plan is "business"`},
		{"per-host counting on business", func(s *edge.Spec) { s.HostRateLimit.By = edge.CountByHost },
			`hostRateLimit.by "host" needs the Cloudflare Enterprise plan with Advanced Rate Limiting (entitlements.advancedRateLimiting); plan is "business"`},
		{"NAT-aware counting on pro", func(s *edge.Spec) { s.Plan, s.LoginRateLimit.By = edge.PlanPro, edge.CountByIPNAT },
			`loginRateLimit.by "ip-nat" needs the Cloudflare Business or Enterprise plan; plan is "pro"`},
		{"ten-minute period on pro", func(s *edge.Spec) { s.Plan, s.HostRateLimit.Period = edge.PlanPro, 600 },
			`hostRateLimit.period 600 exceeds what plan "pro" allows; allowed: up to 60`},
		{"NET-4 on free", func(s *edge.Spec) { s.Plan = edge.PlanFree },
			`plan "free" cannot carry NET-4: the Cloudflare Managed Ruleset, the OWASP Core Ruleset and a second rate-limiting rule need Pro or higher; allowed: pro, business, enterprise`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := cloudSpec()
			c.edit(&s)
			err := s.Validate()
			require.Error(t, err)
			require.Equal(t, c.want, err.Error())
		})
	}
}

func TestValidateReportsEveryProblemAtOnce(t *testing.T) {
	s := edge.Spec{
		Customer: "Acme", Tier: tier.Enterprise, Jurisdiction: "uk", Zone: "acme.com", ZoneID: "nope",
		Plan: edge.PlanBusiness, Hostnames: []string{"erp.acme.com", "erp.other.com", "Bad_Host.acme.com", "erp.acme.com"},
		Origin:     edge.Origin{Kind: edge.OriginOdooSh, Hostname: "acme.example.com"},
		AllowList:  []string{"198.51.100.7/24", "everyone", "0.0.0.0/0"},
		HSTSMaxAge: 3600, LoginRateLimit: edge.RateLimit{Period: 7},
		OriginCertificateValidity: 100,
	}
	require.Equal(t, strings.Join([]string{
		`customer "Acme" is not a slug; allowed: a customer slug (2 to 24 lowercase letters, digits and dashes, starting with a letter, no double dash), with "-np" on non-production`,
		`jurisdiction: unknown jurisdiction "uk"; allowed: us, ca, eu`,
		`zoneId "nope" is not a Cloudflare zone identifier; allowed: 32 lowercase hex digits`,
		`hostnames[1] "erp.other.com" is not under zone "acme.com"`,
		`hostnames[2] "Bad_Host.acme.com" is not a valid lowercase DNS name`,
		`hostnames[3] "erp.acme.com" is listed twice`,
		`origin.kind "odoo-sh" does not fit tier "enterprise"; allowed: load-balancer`,
		`origin.hostname "acme.example.com" is not an Odoo.sh project hostname; allowed: <project>.odoo.com`,
		`allowList[0] "198.51.100.7/24" has host bits set; use 198.51.100.0/24`,
		`allowList[1] "everyone" is not a CIDR such as 203.0.113.0/24`,
		`allowList[2] "0.0.0.0/0" admits every address; allowed: the customer's own ranges`,
		`tier "enterprise" needs plan "enterprise" for regional services (RES-6) and Magic Transit (NET-6); plan is "business"`,
		`regionalServices is false; tier "enterprise" requires it (RES-6)`,
		`magicTransit is not set; tier "enterprise" requires it (NET-6)`,
		`hstsMaxAge 3600 is out of range; allowed: 15552000 (six months) to 31536000 (one year)`,
		`loginRateLimit.period 7 is not a Cloudflare counting period; allowed: 10, 15, 20, 30, 40, 45, 60, 90, 120, 180, 240, 300, 480, 600, 900, 1200, 1800, 2400, 3600, 65535`,
		`originCertificateValidity 100 is not offered by Cloudflare Origin CA; allowed: 7, 30, 90, 365, 730, 1095, 5475`,
	}, "\n"), s.Validate().Error())
}

func TestValidateOrigins(t *testing.T) {
	cases := []struct {
		name   string
		origin edge.Origin
		want   string
	}{
		{"ENC-1 plain http across the network", edge.Origin{Kind: edge.OriginTunnel, Service: "http://10.0.0.5:8069"},
			`origin.service "http://10.0.0.5:8069" sends plain HTTP across the customer's network; allowed: https://<host>[:port], or http://localhost[:port] (ENC-1)`},
		{"private server address", edge.Origin{Kind: edge.OriginServer, IP: "10.0.0.5"},
			`origin.ip "10.0.0.5" is not a public IP address; a server without one needs origin kind "tunnel"`},
		{"server with both", edge.Origin{Kind: edge.OriginServer, IP: "192.0.2.1", Hostname: "odoo.acme.net"},
			`origin needs exactly one of hostname and ip for a server origin; hostname "odoo.acme.net", ip "192.0.2.1"`},
		{"load balancer on premise", edge.Origin{Kind: edge.OriginLoadBalancer},
			`origin.kind "load-balancer" does not fit tier "on-premise"; allowed: server, tunnel`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := cloudSpec()
			s.Tier, s.AccountID, s.Origin = tier.OnPremise, accountID, c.origin
			require.EqualError(t, s.Validate(), c.want)
		})
	}
	s := cloudSpec()
	s.Tier, s.Origin = tier.OnPremise, edge.Origin{Kind: edge.OriginTunnel, Service: "https://odoo.internal", CAPool: "/etc/cloudflared/ca.pem"}
	require.EqualError(t, s.Validate(), `accountId is empty; a Cloudflare Tunnel belongs to the account`)
}

func TestValidateMagicTransit(t *testing.T) {
	s := enterpriseSpec()
	s.MagicTransit = &edge.MagicTransit{
		Prefixes: []string{"203.0.113.128/25", "2001:db8::/32"},
		Tunnels: []edge.Tunnel{
			{Name: "fra-1", Kind: "vxlan", CustomerEndpoint: "10.1.1.1", CloudflareEndpoint: "162.159.64.1", InterfaceAddress: "10.212.0.8/30"},
		},
		AllowedTCPPorts: []int{443, 70000},
	}
	require.Equal(t, strings.Join([]string{
		`magicTransit.prefixes[0] "203.0.113.128/25" is too long to advertise; allowed: IPv4 /24 or shorter, IPv6 /48 or shorter`,
		`magicTransit.tunnels[0].name "fra-1" is not a tunnel name; allowed: 1-15 letters, digits and '_'`,
		`magicTransit.tunnels[0].kind "vxlan" is unknown; allowed: gre, ipsec`,
		`magicTransit.tunnels[0].customerEndpoint "10.1.1.1" is not a public IP address`,
		`magicTransit.tunnels[0].interfaceAddress interface address "10.212.0.8/30" is not an IPv4 /31; allowed: an IPv4 /31 such as 10.212.0.8/31`,
		`magicTransit.allowedTcpPorts[1] 70000 is not a TCP port; allowed: 1-65535`,
	}, "\n"), s.Validate().Error())
}

func TestNET6_RoutesAndFirewall(t *testing.T) {
	hop, err := edge.Nexthop("10.212.0.8/31")
	require.NoError(t, err)
	require.Equal(t, "10.212.0.9", hop)
	hop, _ = edge.Nexthop("10.212.0.9/31")
	require.Equal(t, "10.212.0.8", hop)

	mt := *enterpriseSpec().WithDefaults().MagicTransit
	mt.Prefixes = []string{"203.0.113.0/24", "198.18.0.0/24"}
	mt.Tunnels = append(mt.Tunnels, edge.Tunnel{Name: "ams_ipsec", Kind: edge.TunnelIPsec, InterfaceAddress: "10.212.0.10/31", Priority: 200})
	require.Equal(t, []edge.Route{
		{Key: "ams_ipsec-198-18-0-0-24", Prefix: "198.18.0.0/24", Nexthop: "10.212.0.11", Priority: 200, Tunnel: "ams_ipsec"},
		{Key: "ams_ipsec-203-0-113-0-24", Prefix: "203.0.113.0/24", Nexthop: "10.212.0.11", Priority: 200, Tunnel: "ams_ipsec"},
		{Key: "fra_gre-198-18-0-0-24", Prefix: "198.18.0.0/24", Nexthop: "10.212.0.9", Priority: 100, Tunnel: "fra_gre"},
		{Key: "fra_gre-203-0-113-0-24", Prefix: "203.0.113.0/24", Nexthop: "10.212.0.9", Priority: 100, Tunnel: "fra_gre"},
	}, mt.Routes())
	require.Equal(t, []edge.FirewallRule{
		{Description: "NET-6: ICMP to the customer's prefixes (health checks, path MTU)", Action: "allow", Expression: `ip.dst in {203.0.113.0/24 198.18.0.0/24} and ip.proto eq "icmp"`},
		{Description: "NET-6: published services", Action: "allow", Expression: "ip.dst in {203.0.113.0/24 198.18.0.0/24} and tcp.dstport in {443}"},
		{Description: "NET-6: replies to TCP connections opened from the customer's prefixes", Action: "allow",
			Expression: `ip.dst in {203.0.113.0/24 198.18.0.0/24} and ip.proto eq "tcp" and tcp.dstport in {1024..65535} and not (tcp.flags.syn and not tcp.flags.ack)`},
		{Description: "NET-6: DNS and NTP replies to the customer's prefixes", Action: "allow",
			Expression: `ip.dst in {203.0.113.0/24 198.18.0.0/24} and ip.proto eq "udp" and udp.srcport in {53 123} and udp.dstport in {1024..65535}`},
		{Description: "NET-6: everything else to the customer's prefixes", Action: "block", Expression: "ip.dst in {203.0.113.0/24 198.18.0.0/24}"},
	}, mt.FirewallRules())
}

func TestNET8_OriginRangesParseAndAreDisjoint(t *testing.T) {
	ranges := edge.OriginRanges()
	require.Len(t, ranges, 22)
	require.Equal(t, edge.CloudflareIPv4, ranges[:15])
	require.Equal(t, edge.CloudflareIPv6, ranges[15:])
	var pfxs []netip.Prefix
	for _, r := range ranges {
		p, err := netip.ParsePrefix(r)
		require.NoError(t, err, r)
		require.Equal(t, p.Masked(), p, r)
		for _, q := range pfxs {
			require.False(t, p.Overlaps(q), "%s overlaps %s", p, q)
		}
		pfxs = append(pfxs, p)
	}
	ranges[0] = "0.0.0.0/0"
	require.Equal(t, "173.245.48.0/20", edge.OriginRanges()[0], "callers cannot change the published ranges")
}

func csr(t *testing.T, key any) string {
	t.Helper()
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject: pkix.Name{CommonName: "erp.acme.com"}, DNSNames: []string{"erp.acme.com"},
	}, key)
	require.NoError(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
}

func TestENC1_OriginRequestTypeFollowsTheCSRKey(t *testing.T) {
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	got, err := edge.OriginRequestType(csr(t, ec))
	require.NoError(t, err)
	require.Equal(t, "origin-ecc", got)

	rk, _ := rsa.GenerateKey(rand.Reader, 2048)
	got, err = edge.OriginRequestType(csr(t, rk))
	require.NoError(t, err)
	require.Equal(t, "origin-rsa", got)

	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	_, err = edge.OriginRequestType(csr(t, p384))
	require.EqualError(t, err, "ECDSA key on P-384; allowed: RSA 2048 bits or more, or ECDSA P-256")

	s := cloudSpec()
	s.OriginCSR = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
	require.EqualError(t, s.Validate(), "originCsr: is not a PEM certificate signing request")
}

func TestBotModeFollowsPlan(t *testing.T) {
	s := cloudSpec()
	for plan, want := range map[string]string{edge.PlanFree: "bot-fight-mode", edge.PlanPro: "super-bot-fight-mode", edge.PlanBusiness: "super-bot-fight-mode", edge.PlanEnterprise: "super-bot-fight-mode"} {
		s.Plan = plan
		require.Equal(t, want, s.BotMode(), plan)
	}
	require.Equal(t, "bot-management", enterpriseSpec().BotMode())
}
