package edge

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/octura/odoo-hosting/internal/jurisdiction"
	"github.com/octura/odoo-hosting/internal/names"
	"github.com/octura/odoo-hosting/internal/netaddr"
	"github.com/octura/odoo-hosting/internal/problems"
	"github.com/octura/odoo-hosting/internal/tier"
)

var (
	plans          = []string{PlanFree, PlanPro, PlanBusiness, PlanEnterprise}
	originKinds    = map[tier.Tier][]string{tier.OdooSH: {OriginOdooSh}, tier.Cloud: {OriginLoadBalancer}, tier.Enterprise: {OriginLoadBalancer}, tier.OnPremise: {OriginServer, OriginTunnel}}
	countKeys      = []string{CountByIP, CountByIPNAT, CountByHost}
	validities     = []int{7, 30, 90, 365, 730, 1095, 5475}
	ratePeriods    = []int{10, 15, 20, 30, 40, 45, 60, 90, 120, 180, 240, 300, 480, 600, 900, 1200, 1800, 2400, 3600, 65535}
	rateTimeouts   = []int{10, 15, 20, 30, 40, 45, 60, 90, 120, 180, 240, 300, 480, 600, 900, 1200, 1800, 2400, 3600, 65535, 86400}
	maxRatePeriod  = map[string]int{PlanFree: 10, PlanPro: 60, PlanBusiness: 600, PlanEnterprise: 65535}
	maxRateTimeout = map[string]int{PlanFree: 10, PlanPro: 3600, PlanBusiness: 86400, PlanEnterprise: 86400}

	labelRE      = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	cfIDRE       = regexp.MustCompile(`^[0-9a-f]{32}$`)
	tunnelNameRE = regexp.MustCompile(`^[A-Za-z0-9_]{1,15}$`)
)

// Validate reports every problem of s (after defaults) at once, joined with
// errors.Join; each names the field, the value and what is allowed. Settings the
// zone's plan or entitlements cannot carry are refused here rather than at deploy.
func (s Spec) Validate() error {
	s = s.WithDefaults()
	var probs problems.List
	add := probs.Linef

	if !names.ValidSlug(s.Customer) {
		add("customer %q is not a slug; allowed: %s", s.Customer, names.SlugRule)
	}
	if _, err := tier.Parse(string(s.Tier)); err != nil {
		probs.AddError(err)
	}
	if _, err := jurisdiction.Parse(string(s.Jurisdiction)); err != nil {
		add("jurisdiction: %v", err)
	}
	zone := strings.ToLower(s.Zone)
	if !validDNSName(zone) {
		add("zone %q is not a valid DNS name", s.Zone)
	}
	if !cfIDRE.MatchString(s.ZoneID) {
		add("zoneId %q is not a Cloudflare zone identifier; allowed: 32 lowercase hex digits", s.ZoneID)
	}
	enterprise := s.Plan == PlanEnterprise
	switch {
	case s.Plan == PlanFree:
		add("plan %q cannot carry NET-4: the Cloudflare Managed Ruleset, the OWASP Core Ruleset and a second rate-limiting rule need Pro or higher; allowed: pro, business, enterprise", s.Plan)
	case !slices.Contains(plans, s.Plan):
		add("plan %q is unknown; allowed: pro, business, enterprise", s.Plan)
	}
	knownPlan := slices.Contains(plans, s.Plan)
	if knownPlan && !enterprise {
		if s.Entitlements.BotManagement {
			add("entitlements.botManagement needs the Cloudflare Enterprise plan with Bot Management for Enterprise; plan is %q", s.Plan)
		}
		if s.Entitlements.AdvancedRateLimiting {
			add("entitlements.advancedRateLimiting needs the Cloudflare Enterprise plan with Advanced Rate Limiting; plan is %q", s.Plan)
		}
		if s.Entitlements.RequestBodyFields {
			add("entitlements.requestBodyFields needs the Cloudflare Enterprise plan with request body inspection; plan is %q", s.Plan)
		}
	}

	// Hostnames.
	if len(s.Hostnames) == 0 {
		add("hostnames is empty; give at least one hostname under zone %q", s.Zone)
	}
	seen := map[string]bool{}
	for i, h := range s.Hostnames {
		switch {
		case h != strings.ToLower(h) || !validDNSName(h):
			add("hostnames[%d] %q is not a valid lowercase DNS name", i, h)
		case zone != "" && h != zone && !strings.HasSuffix(h, "."+zone):
			add("hostnames[%d] %q is not under zone %q", i, h, s.Zone)
		case seen[h]:
			add("hostnames[%d] %q is listed twice", i, h)
		}
		seen[h] = true
	}

	probs = append(probs, s.validateOrigin()...)

	for i, c := range s.AllowList {
		if err := checkPrefix(c); err != nil {
			add("allowList[%d] %v", i, err)
		} else if pfx := netip.MustParsePrefix(c); pfx.Bits() == 0 {
			add("allowList[%d] %q admits every address; allowed: the customer's own ranges", i, c)
		} else if !netaddr.PubliclyRoutable(pfx) {
			add("allowList[%d] %q is not publicly routable: the edge never sees it as a client address; allowed: the customer's public ranges (private ranges belong to the VPN side)", i, c)
		}
	}

	// Zone ownership.
	if !s.OwnsZone {
		if len(s.OtherHostnames) > 0 {
			add("otherHostnames is set on a stack that does not own zone %q; allowed: only on the zone's owner", s.Zone)
		}
		if s.HSTSIncludeSubdomains {
			add("hstsIncludeSubdomains is set on a stack that does not own zone %q; allowed: only on the zone's owner", s.Zone)
		}
	}
	for i, h := range s.OtherHostnames {
		switch {
		case h != strings.ToLower(h) || !validDNSName(h):
			add("otherHostnames[%d] %q is not a valid lowercase DNS name", i, h)
		case zone != "" && h != zone && !strings.HasSuffix(h, "."+zone):
			add("otherHostnames[%d] %q is not under zone %q", i, h, s.Zone)
		case seen[h]:
			add("otherHostnames[%d] %q is listed twice", i, h)
		}
		seen[h] = true
	}
	if enterprise && s.Entitlements.RequestBodyFields && !s.Entitlements.AdvancedRateLimiting {
		add("entitlements.requestBodyFields lets JSON-RPC through /jsonrpc, whose sign-ins the login rate limit counts only with body fields in rate-limiting rules; allowed: with entitlements.advancedRateLimiting")
	}

	// RES-6.
	if s.RegionalServices && knownPlan && !enterprise {
		add("regionalServices needs the Cloudflare Enterprise plan with Regional Services (RES-6); plan is %q", s.Plan)
	}
	if s.Tier == tier.Enterprise {
		if knownPlan && !enterprise {
			add("tier %q needs plan %q for regional services (RES-6) and Magic Transit (NET-6); plan is %q", s.Tier, PlanEnterprise, s.Plan)
		}
		if !s.RegionalServices {
			add("regionalServices is false; tier %q requires it (RES-6)", s.Tier)
		}
		if s.MagicTransit == nil {
			add("magicTransit is not set; tier %q requires it (NET-6)", s.Tier)
		}
	}
	if s.MagicTransit != nil {
		if knownPlan && !enterprise {
			add("magicTransit needs the Cloudflare Enterprise plan with Magic Transit (NET-6); plan is %q", s.Plan)
		}
		if s.AccountID == "" {
			add("accountId is empty; Magic Transit is configured on the account")
		}
		probs = append(probs, s.MagicTransit.validate()...)
	}
	if s.AccountID != "" && !cfIDRE.MatchString(s.AccountID) {
		add("accountId %q is not a Cloudflare account identifier; allowed: 32 lowercase hex digits", s.AccountID)
	}

	// ENC-1.
	if s.HSTSMaxAge < MinHSTSMaxAge || s.HSTSMaxAge > DefaultHSTSMaxAge {
		add("hstsMaxAge %d is out of range; allowed: %d (six months) to %d (one year)", s.HSTSMaxAge, MinHSTSMaxAge, DefaultHSTSMaxAge)
	}

	// NET-4 rate limits; the free plan is refused above, its limits would only add noise.
	if knownPlan && s.Plan != PlanFree {
		probs = append(probs, s.validateRate("loginRateLimit", s.LoginRateLimit)...)
		probs = append(probs, s.validateRate("hostRateLimit", s.HostRateLimit)...)
	}

	if s.OriginCSR != "" {
		if s.Origin.Kind != OriginLoadBalancer && s.Origin.Kind != OriginServer {
			add("originCsr is set for origin kind %q; allowed only for %s and %s origins", s.Origin.Kind, OriginLoadBalancer, OriginServer)
		}
		if _, err := OriginRequestType(s.OriginCSR); err != nil {
			add("originCsr: %v", err)
		}
	}
	if !slices.Contains(validities, s.OriginCertificateValidity) {
		add("originCertificateValidity %d is not offered by Cloudflare Origin CA; allowed: %s", s.OriginCertificateValidity, joinInts(validities))
	}
	if len(probs) == 0 && s.OwnsZone {
		rules := CustomRules(s)
		for _, r := range RateLimitRules(s) {
			rules = append(rules, r.Rule)
		}
		for _, r := range rules {
			if n := len(r.Expression); n > MaxExpressionLength {
				add("rule %s would be %d characters long (allowList and hostnames make it); allowed: at most %d, Cloudflare's limit for a rule expression", r.Ref, n, MaxExpressionLength)
			}
		}
	}
	return probs.Err()
}

func (s Spec) validateOrigin() problems.List {
	var probs problems.List
	add := probs.Linef
	o := s.Origin
	allowed, knownTier := originKinds[s.Tier]
	switch {
	case o.Kind == "":
		add("origin.kind is empty; allowed: %s, %s, %s, %s", OriginLoadBalancer, OriginOdooSh, OriginServer, OriginTunnel)
	case knownTier && !slices.Contains(allowed, o.Kind):
		add("origin.kind %q does not fit tier %q; allowed: %s", o.Kind, s.Tier, strings.Join(allowed, ", "))
	}
	switch o.Kind {
	case OriginLoadBalancer:
		if o.Hostname != "" && !validDNSName(o.Hostname) {
			add("origin.hostname %q is not a valid DNS name", o.Hostname)
		}
	case OriginOdooSh:
		if !validDNSName(o.Hostname) || !strings.HasSuffix(o.Hostname, ".odoo.com") {
			add("origin.hostname %q is not an Odoo.sh project hostname; allowed: <project>.odoo.com", o.Hostname)
		}
	case OriginServer:
		switch {
		case (o.Hostname == "") == (o.IP == ""):
			add("origin needs exactly one of hostname and ip for a %s origin; hostname %q, ip %q", OriginServer, o.Hostname, o.IP)
		case o.Hostname != "" && !validDNSName(o.Hostname):
			add("origin.hostname %q is not a valid DNS name", o.Hostname)
		case o.IP != "":
			a, err := netip.ParseAddr(o.IP)
			if err != nil || !a.IsGlobalUnicast() || a.IsPrivate() {
				add("origin.ip %q is not a public IP address; a server without one needs origin kind %q", o.IP, OriginTunnel)
			}
		}
	case OriginTunnel:
		if err := checkService(o.Service); err != nil {
			add("origin.service %q %v", o.Service, err)
		} else if u, _ := url.Parse(o.Service); u.Scheme == "https" && !localHost(u.Hostname()) && o.CAPool == "" {
			add("origin.caPool is empty for the internal https origin %q: cloudflared verifies the origin's certificate and refuses a private CA it has not been given (502); allowed: the absolute path of the CA's PEM file on the cloudflared host", o.Service)
		}
		if o.CAPool != "" && (!path.IsAbs(o.CAPool) || path.Clean(o.CAPool) != o.CAPool) {
			add("origin.caPool %q is not an absolute clean path; allowed: the path of a PEM file on the cloudflared host, such as /etc/cloudflared/odoo-ca.pem", o.CAPool)
		}
		if o.ServerName != "" && !validDNSName(o.ServerName) {
			add("origin.serverName %q is not a valid DNS name; allowed: the name in the origin's certificate", o.ServerName)
		}
		if s.AccountID == "" {
			add("accountId is empty; a Cloudflare Tunnel belongs to the account")
		}
	case "":
	default:
		add("origin.kind %q is unknown; allowed: %s, %s, %s, %s", o.Kind, OriginLoadBalancer, OriginOdooSh, OriginServer, OriginTunnel)
	}
	if o.Kind != OriginTunnel && (o.CAPool != "" || o.ServerName != "") {
		add("origin.caPool and origin.serverName are set for origin kind %q; allowed: only for a %s origin", o.Kind, OriginTunnel)
	}
	if o.Kind != OriginOdooSh && o.CertificateReady {
		add("origin.certificateReady is set for origin kind %q; allowed: only for an %s origin", o.Kind, OriginOdooSh)
	}
	return probs
}

func localHost(h string) bool { return h == "localhost" || h == "127.0.0.1" || h == "::1" }

// checkService admits https to any host, and plain http only to the local host,
// where the traffic never leaves the machine cloudflared runs on (ENC-1).
func checkService(service string) error {
	u, err := url.Parse(service)
	if err != nil || u.Host == "" || u.Path != "" && u.Path != "/" {
		return errors.New("is not a service URL; allowed: https://<host>[:port], or http://localhost[:port]")
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		switch u.Hostname() {
		case "localhost", "127.0.0.1", "::1":
			return nil
		}
		return errors.New("sends plain HTTP across the customer's network; allowed: https://<host>[:port], or http://localhost[:port] (ENC-1)")
	}
	return errors.New("is not a service URL; allowed: https://<host>[:port], or http://localhost[:port]")
}

func (s Spec) validateRate(field string, r RateLimit) problems.List {
	var probs problems.List
	add := probs.Linef
	if r.Requests < 1 {
		add("%s.requests %d is below 1", field, r.Requests)
	}
	if !slices.Contains(ratePeriods, r.Period) {
		add("%s.period %d is not a Cloudflare counting period; allowed: %s", field, r.Period, joinInts(ratePeriods))
	} else if r.Period > maxRatePeriod[s.Plan] {
		add("%s.period %d exceeds what plan %q allows; allowed: up to %d", field, r.Period, s.Plan, maxRatePeriod[s.Plan])
	}
	if !slices.Contains(rateTimeouts, r.Timeout) {
		add("%s.timeout %d is not a Cloudflare mitigation timeout; allowed: %s", field, r.Timeout, joinInts(rateTimeouts))
	} else if r.Timeout > maxRateTimeout[s.Plan] {
		add("%s.timeout %d exceeds what plan %q allows; allowed: up to %d", field, r.Timeout, s.Plan, maxRateTimeout[s.Plan])
	}
	switch r.By {
	case CountByIP:
	case CountByIPNAT:
		if s.Plan != PlanBusiness && s.Plan != PlanEnterprise {
			add("%s.by %q needs the Cloudflare Business or Enterprise plan; plan is %q", field, r.By, s.Plan)
		}
	case CountByHost:
		if s.Plan != PlanEnterprise || !s.Entitlements.AdvancedRateLimiting {
			add("%s.by %q needs the Cloudflare Enterprise plan with Advanced Rate Limiting (entitlements.advancedRateLimiting); plan is %q", field, r.By, s.Plan)
		}
	default:
		add("%s.by %q is unknown; allowed: %s", field, r.By, strings.Join(countKeys, ", "))
	}
	return probs
}

func (m MagicTransit) validate() problems.List {
	var probs problems.List
	add := probs.Linef
	if len(m.Prefixes) == 0 {
		add("magicTransit.prefixes is empty; give the customer's prefixes")
	}
	for i, p := range m.Prefixes {
		if err := checkPrefix(p); err != nil {
			add("magicTransit.prefixes[%d] %v", i, err)
			continue
		}
		pfx := netip.MustParsePrefix(p)
		switch {
		case !netaddr.PubliclyRoutable(pfx):
			add("magicTransit.prefixes[%d] %q is not publicly routable: Magic Transit advertises the customer's own public prefixes; allowed: a public IPv4 prefix of /24 or shorter, or IPv6 of /48 or shorter", i, p)
		case pfx.Addr().Is4() && pfx.Bits() > 24 || pfx.Addr().Is6() && pfx.Bits() > 48:
			add("magicTransit.prefixes[%d] %q is too long to advertise; allowed: IPv4 /24 or shorter, IPv6 /48 or shorter", i, p)
		}
	}
	if len(m.Tunnels) == 0 {
		add("magicTransit.tunnels is empty; give at least one GRE or IPsec tunnel")
	}
	names := map[string]bool{}
	for i, t := range m.Tunnels {
		f := fmt.Sprintf("magicTransit.tunnels[%d]", i)
		if !tunnelNameRE.MatchString(t.Name) {
			add("%s.name %q is not a tunnel name; allowed: 1-15 letters, digits and '_'", f, t.Name)
		} else if names[t.Name] {
			add("%s.name %q is used twice", f, t.Name)
		}
		names[t.Name] = true
		if t.Kind != TunnelGRE && t.Kind != TunnelIPsec {
			add("%s.kind %q is unknown; allowed: %s, %s", f, t.Kind, TunnelGRE, TunnelIPsec)
		}
		for _, e := range []struct{ name, v string }{{"customerEndpoint", t.CustomerEndpoint}, {"cloudflareEndpoint", t.CloudflareEndpoint}} {
			if a, err := netip.ParseAddr(e.v); err != nil || !a.IsGlobalUnicast() || a.IsPrivate() {
				add("%s.%s %q is not a public IP address", f, e.name, e.v)
			}
		}
		if _, err := Nexthop(t.InterfaceAddress); err != nil {
			add("%s.interfaceAddress %v; allowed: an IPv4 /31 such as 10.212.0.8/31", f, err)
		}
		if t.Priority < 1 {
			add("%s.priority %d is below 1", f, t.Priority)
		}
	}
	for i, p := range m.AllowedTCPPorts {
		if p < 1 || p > 65535 {
			add("magicTransit.allowedTcpPorts[%d] %d is not a TCP port; allowed: 1-65535", i, p)
		}
	}
	return probs
}

// checkPrefix accepts a canonical CIDR.
func checkPrefix(c string) error {
	pfx, err := netip.ParsePrefix(c)
	if err != nil {
		return fmt.Errorf("%q is not a CIDR such as 203.0.113.0/24", c)
	}
	if pfx.Masked() != pfx {
		return fmt.Errorf("%q has host bits set; use %s", c, pfx.Masked())
	}
	return nil
}

// OriginRequestType returns the Cloudflare Origin CA request type a PEM certificate
// signing request needs: origin-rsa for an RSA key of 2048 bits or more,
// origin-ecc for an ECDSA P-256 key. The CSR's signature must verify.
func OriginRequestType(csrPEM string) (string, error) {
	block, _ := pem.Decode([]byte(csrPEM))
	if block == nil || block.Type != "CERTIFICATE REQUEST" && block.Type != "NEW CERTIFICATE REQUEST" {
		return "", errors.New("is not a PEM certificate signing request")
	}
	csr, err := x509.ParseCertificateRequest(block.Bytes)
	if err != nil {
		return "", fmt.Errorf("cannot be parsed: %v", err)
	}
	if err := csr.CheckSignature(); err != nil {
		return "", fmt.Errorf("signature does not verify: %v", err)
	}
	switch k := csr.PublicKey.(type) {
	case *rsa.PublicKey:
		if k.N.BitLen() < 2048 {
			return "", fmt.Errorf("RSA key of %d bits; allowed: RSA 2048 bits or more, or ECDSA P-256", k.N.BitLen())
		}
		return "origin-rsa", nil
	case *ecdsa.PublicKey:
		if k.Curve != elliptic.P256() {
			return "", fmt.Errorf("ECDSA key on %s; allowed: RSA 2048 bits or more, or ECDSA P-256", k.Curve.Params().Name)
		}
		return "origin-ecc", nil
	}
	return "", fmt.Errorf("key type %s; allowed: RSA 2048 bits or more, or ECDSA P-256", csr.PublicKeyAlgorithm)
}

func validDNSName(h string) bool {
	if len(h) == 0 || len(h) > 253 || !strings.Contains(h, ".") {
		return false
	}
	for _, l := range strings.Split(h, ".") {
		if !labelRE.MatchString(l) {
			return false
		}
	}
	return true
}

func joinInts(xs []int) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strconv.Itoa(x)
	}
	return strings.Join(parts, ", ")
}
