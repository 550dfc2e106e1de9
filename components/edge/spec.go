// Package edge is the cloud-neutral specification of the Cloudflare edge that any
// tier puts in front of its origin: an AWS or GCP load balancer, Odoo.sh, a public
// on-premise server or a Cloudflare Tunnel to one.
//
// It holds plain Go values only: the Spec and its defaults, Validate (every problem
// at once, each naming the field, the value and what is allowed, including the
// Cloudflare plan or entitlement a setting needs), the WAF rules as data, Cloudflare's
// published address ranges and the Magic Transit planning. The Pulumi wiring lives in
// package cloudflareedge; the interpreter that shows in tests what each rule blocks
// lives in the test-support package edgetest.
//
// Controls: ENC-1 (TLS settings), NET-4 (WAF, rate limiting, bots), NET-6 (Magic
// Transit), NET-8 (origin lock), RES-6 (regional services).
package edge

import (
	"net/url"
	"sort"

	"github.com/octura/odoo-hosting/internal/jurisdiction"
	"github.com/octura/odoo-hosting/internal/tier"
)

// The type tokens of the edge components, the same for every implementation.
const (
	Type                  = "odoo-hosting:edge:Edge"
	OriginCertificateType = "odoo-hosting:edge:OriginCertificate"
)

// Cloudflare zone plans, in increasing order.
const (
	PlanFree       = "free"
	PlanPro        = "pro"
	PlanBusiness   = "business"
	PlanEnterprise = "enterprise"
)

// Origin kinds.
const (
	// OriginLoadBalancer is the cloud runtime's load balancer (cloud, enterprise);
	// its DNS name is a Pulumi output handed to the edge as Args.Origin.
	OriginLoadBalancer = "load-balancer"
	// OriginOdooSh is the customer's Odoo.sh project, e.g. "acme.odoo.com".
	OriginOdooSh = "odoo-sh"
	// OriginServer is a public on-premise server, by hostname or IP address.
	OriginServer = "server"
	// OriginTunnel is an on-premise server reached through a Cloudflare Tunnel:
	// the server needs no public address and no inbound port.
	OriginTunnel = "tunnel"
)

// Magic Transit tunnel kinds.
const (
	TunnelGRE   = "gre"
	TunnelIPsec = "ipsec"
)

// Rate-limit counting keys.
const (
	// CountByIP counts per client IP address (every paid plan).
	CountByIP = "ip"
	// CountByIPNAT counts per client IP with NAT support (Business and Enterprise).
	CountByIPNAT = "ip-nat"
	// CountByHost counts every client together per hostname: a ceiling on the
	// whole host. Needs Enterprise with Advanced Rate Limiting.
	CountByHost = "host"
)

// Defaults, in one place.
const (
	// DefaultHSTSMaxAge is one year, the largest max-age Cloudflare offers.
	DefaultHSTSMaxAge = 31536000
	// MinHSTSMaxAge is six months; a shorter HSTS policy protects too little.
	MinHSTSMaxAge = 15552000
	// DefaultOriginCertificateValidity is Cloudflare Origin CA's longest validity, in days.
	DefaultOriginCertificateValidity = 5475
	// DefaultMagicTransitRoutePriority gives every tunnel the same priority (ECMP).
	DefaultMagicTransitRoutePriority = 100
)

// DefaultLoginRateLimit allows ten sign-in attempts (POSTs to an authentication
// endpoint) a minute per visitor and then blocks that visitor for five minutes. It
// counts by IP with NAT support, so colleagues behind one office address keep their
// own counts (Business and Enterprise; AuthPaths lists the endpoints).
var DefaultLoginRateLimit = RateLimit{Requests: 10, Period: 60, Timeout: 300, By: CountByIPNAT}

// DefaultProLoginRateLimit is the default on the Pro plan, whose rate-limiting rules
// see neither the method nor NAT: every request to an authentication endpoint counts
// (a browser sign-in is a GET and a POST), per IP address, so the budget is doubled.
var DefaultProLoginRateLimit = RateLimit{Requests: 20, Period: 60, Timeout: 300, By: CountByIP}

// DefaultHostRateLimit allows 1,500 requests a minute per client on the customer's
// hostnames, enough for a busy web client behind one office NAT, and blocks for a
// minute above it.
var DefaultHostRateLimit = RateLimit{Requests: 1500, Period: 60, Timeout: 60, By: CountByIP}

// DefaultMagicTransitPorts are the TCP ports Magic Firewall lets through to the
// customer's prefixes: HTTPS only.
var DefaultMagicTransitPorts = []int{443}

// Spec is the edge of one customer stack. Cloudflare keeps one entry-point ruleset per
// phase per zone, and one set of zone settings: those singletons (TLS and HSTS, URL
// normalization, bot mitigation, the WAF and rate-limit rulesets) belong to the one
// stack that owns the zone (OwnsZone), and its rules cover every hostname of the
// zone (ZoneHostnames). Every stack owns only what is its own: DNS records, the
// per-hostname origin pulls, regional hostnames, a tunnel, Magic Transit.
type Spec struct {
	// Customer is the customer slug; required.
	Customer string
	// Tier is odoo-sh, cloud, enterprise or on-premise; required.
	Tier tier.Tier
	// Jurisdiction is the stack's jurisdiction; with RegionalServices it names the
	// Cloudflare region key (RES-6). Required.
	Jurisdiction jurisdiction.Jurisdiction
	// Zone is the zone's apex domain, e.g. "acme.com"; every hostname lies under it.
	Zone string
	// ZoneID is the Cloudflare zone identifier (32 hex digits); required.
	ZoneID string
	// AccountID is the Cloudflare account identifier (32 hex digits); required for
	// a tunnel origin and for Magic Transit, which are account resources.
	AccountID string
	// Plan is the zone's Cloudflare plan: free, pro, business or enterprise.
	// Free is refused: it has neither the Cloudflare Managed Ruleset nor the OWASP
	// Core Ruleset, nor room for two rate-limiting rules (NET-4).
	Plan string
	// Entitlements are the Enterprise add-ons the contract includes; none by default.
	Entitlements Entitlements
	// Hostnames are the customer's hostnames, e.g. "erp.acme.com"; at least one.
	Hostnames []string
	// OwnsZone makes this stack the owner of the zone's singletons. Exactly one stack
	// per zone owns it; the others set it false.
	OwnsZone bool
	// OtherHostnames are the hostnames of the zone's other stacks (a staging stack,
	// say), which the owner's rate-limit rules cover too. Only with OwnsZone.
	OtherHostnames []string
	// OdooVersion is the Odoo version behind the edge (AdminPaths); "" for every version.
	OdooVersion string
	// HSTSIncludeSubdomains extends HSTS to every subdomain of the zone: the zone
	// owner's decision, as it breaks any plain-HTTP host of the customer's domain.
	// Off by default; only with OwnsZone.
	HSTSIncludeSubdomains bool
	// Origin is what the edge forwards to; required.
	Origin Origin
	// AllowList, when set, confines Odoo's administrative paths to these CIDRs
	// (NET-5, NET-4). Publicly routable ranges only: a private range is never a client
	// address the edge sees. Empty by default: no confinement.
	AllowList []string
	// RegionalServices terminates TLS only in data centres of the jurisdiction
	// (RES-6). Needs the Enterprise plan with Regional Services; required on the
	// enterprise tier.
	RegionalServices bool
	// MagicTransit protects the customer's prefixes (NET-6). Needs the Enterprise
	// plan with Magic Transit; required on the enterprise tier.
	MagicTransit *MagicTransit
	// HSTSMaxAge is the HSTS max-age in seconds; default 31536000 (one year),
	// at least 15552000.
	HSTSMaxAge int
	// LoginRateLimit limits sign-in attempts on every authentication endpoint
	// (AuthPaths) per client; default DefaultLoginRateLimit, DefaultProLoginRateLimit
	// on Pro.
	LoginRateLimit RateLimit
	// HostRateLimit limits every request to the customer's hostnames; default
	// DefaultHostRateLimit.
	HostRateLimit RateLimit
	// OriginCSR is the PEM certificate signing request for the Cloudflare Origin CA
	// certificate of a load-balancer origin. Its private key stays with the runtime
	// and never enters this code. Empty by default (no certificate).
	OriginCSR string
	// OriginCertificateValidity is the Origin CA certificate's validity in days:
	// 7, 30, 90, 365, 730, 1095 or 5475; default 5475.
	OriginCertificateValidity int
}

// Entitlements are Cloudflare Enterprise add-ons; each needs the enterprise plan.
type Entitlements struct {
	// BotManagement is Bot Management for Enterprise: the bot score
	// (cf.bot_management.score) in rules. Without it, Super Bot Fight Mode is used.
	BotManagement bool
	// AdvancedRateLimiting allows rate-limit counting keys beyond the client IP,
	// such as CountByHost.
	AdvancedRateLimiting bool
	// RequestBodyFields allows http.request.body.* in rule expressions; with it the
	// database-manager rule blocks only JSON-RPC calls to the db service instead of
	// every /jsonrpc call.
	RequestBodyFields bool
}

// Origin is what the edge forwards requests to.
type Origin struct {
	// Kind is load-balancer, odoo-sh, server or tunnel; required.
	Kind string
	// Hostname is the origin's public DNS name: the Odoo.sh project hostname
	// (*.odoo.com), or a public on-premise server. For a load balancer it may stay
	// empty when the runtime hands its DNS name to the edge as a Pulumi input.
	Hostname string
	// IP is a public on-premise server's address, instead of Hostname.
	IP string
	// Service is the URL cloudflared reaches at the customer's site, for a tunnel
	// origin: "https://odoo.internal:443", or "http://localhost:8069" when cloudflared
	// runs on the Odoo host itself. Plain HTTP is allowed only to the local host.
	Service string
	// CAPool is the path, on the host cloudflared runs on, of the PEM file of the CA
	// that issued the internal origin's certificate (cloudflared originRequest.caPool);
	// required for an https service other than the local host.
	CAPool string
	// ServerName is the name cloudflared expects in the origin's certificate
	// (originRequest.originServerName); default the service URL's host.
	ServerName string
	// CertificateReady says Odoo.sh has issued the certificate of the customer's
	// hostname. Until then the record stays DNS-only: Odoo.sh issues the certificate
	// only after it sees the CNAME to the project, which a proxied record hides, and a
	// proxied record under strict TLS answers 526 meanwhile. Odoo.sh only.
	CertificateReady bool
}

// MagicTransit is the customer's Magic Transit onboarding (NET-6).
type MagicTransit struct {
	// Prefixes are the customer's prefixes Cloudflare advertises and protects:
	// IPv4 /24 or shorter, IPv6 /48 or shorter; at least one.
	Prefixes []string
	// Tunnels carry clean traffic from Cloudflare to the customer's routers; at least one.
	Tunnels []Tunnel
	// AllowedTCPPorts are the services Magic Firewall lets through to the prefixes;
	// everything else to them is blocked. Default DefaultMagicTransitPorts (443).
	AllowedTCPPorts []int
}

// Tunnel is one Magic Transit tunnel.
type Tunnel struct {
	// Name is the tunnel's name, unique in the account: letters, digits, '_'.
	Name string
	// Kind is gre or ipsec.
	Kind string
	// CustomerEndpoint is the public IP address of the customer's router.
	CustomerEndpoint string
	// CloudflareEndpoint is the Cloudflare anycast address assigned to the account.
	CloudflareEndpoint string
	// InterfaceAddress is the tunnel's /31 (Cloudflare's side first, e.g.
	// "10.212.0.8/31"); the other address is the customer's side and the next hop
	// of the static routes.
	InterfaceAddress string
	// Priority of this tunnel's static routes, lower first; default 100. Equal
	// priorities share traffic (ECMP).
	Priority int
}

// RateLimit is one rate-limiting rule's rate.
type RateLimit struct {
	// Requests allowed per Period; at least 1.
	Requests int
	// Period is the counting period in seconds, one Cloudflare supports and the plan
	// allows (Pro up to 60, Business up to 600, Enterprise up to 65535).
	Period int
	// Timeout is the mitigation period in seconds, one Cloudflare supports and the
	// plan allows (Pro up to 3600, Business and Enterprise up to 86400).
	Timeout int
	// By is the counting key: ip (default), ip-nat (Business and Enterprise) or host
	// (Enterprise with Advanced Rate Limiting).
	By string
}

// WithDefaults returns a copy of s with every unset field at its default.
func (s Spec) WithDefaults() Spec {
	if s.HSTSMaxAge == 0 {
		s.HSTSMaxAge = DefaultHSTSMaxAge
	}
	if s.Plan == PlanPro {
		s.LoginRateLimit = s.LoginRateLimit.withDefaults(DefaultProLoginRateLimit)
	} else {
		s.LoginRateLimit = s.LoginRateLimit.withDefaults(DefaultLoginRateLimit)
	}
	if s.Origin.Kind == OriginTunnel && s.Origin.ServerName == "" {
		if u, err := url.Parse(s.Origin.Service); err == nil && u.Scheme == "https" && !localHost(u.Hostname()) {
			s.Origin.ServerName = u.Hostname()
		}
	}
	s.HostRateLimit = s.HostRateLimit.withDefaults(DefaultHostRateLimit)
	if s.OriginCertificateValidity == 0 {
		s.OriginCertificateValidity = DefaultOriginCertificateValidity
	}
	if s.MagicTransit != nil {
		mt := *s.MagicTransit
		if len(mt.AllowedTCPPorts) == 0 {
			mt.AllowedTCPPorts = append([]int(nil), DefaultMagicTransitPorts...)
		}
		mt.Tunnels = append([]Tunnel(nil), mt.Tunnels...)
		for i := range mt.Tunnels {
			if mt.Tunnels[i].Priority == 0 {
				mt.Tunnels[i].Priority = DefaultMagicTransitRoutePriority
			}
		}
		s.MagicTransit = &mt
	}
	return s
}

func (r RateLimit) withDefaults(d RateLimit) RateLimit {
	if r.Requests == 0 {
		r.Requests = d.Requests
	}
	if r.Period == 0 {
		r.Period = d.Period
	}
	if r.Timeout == 0 {
		r.Timeout = d.Timeout
	}
	if r.By == "" {
		r.By = d.By
	}
	return r
}

// ZoneHostnames are the hostnames the zone owner's rules cover: the stack's own and
// OtherHostnames, sorted.
func (s Spec) ZoneHostnames() []string {
	out := append(append([]string(nil), s.Hostnames...), s.OtherHostnames...)
	sort.Strings(out)
	return out
}

// Proxied reports whether the stack's DNS records go through Cloudflare: always,
// except an Odoo.sh origin whose certificate is not issued yet.
func (s Spec) Proxied() bool {
	return s.Origin.Kind != OriginOdooSh || s.Origin.CertificateReady
}

// RegionKey is the Cloudflare Regional Services region key of the spec's
// jurisdiction (RES-6).
func (s Spec) RegionKey() string { return jurisdiction.RegionalServicesKey(s.Jurisdiction) }

// BotMode is how the spec's plan mitigates bots (NET-4): "super-bot-fight-mode" on
// Pro, Business and Enterprise without Bot Management, "bot-management" on
// Enterprise with it, "bot-fight-mode" on Free.
func (s Spec) BotMode() string {
	switch {
	case s.Plan == PlanFree:
		return "bot-fight-mode"
	case s.Plan == PlanEnterprise && s.Entitlements.BotManagement:
		return "bot-management"
	}
	return "super-bot-fight-mode"
}
