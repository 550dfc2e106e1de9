// Package cloudflareedge builds the edge of package edge with pulumi-cloudflare v5:
// DNS records or a Cloudflare Tunnel to the origin, per-hostname authenticated origin
// pulls with our own client certificate (NET-8), regional hostnames (RES-6), Magic
// Transit (NET-6), and, on the stack that owns the zone only, the zone's singletons:
// TLS settings (ENC-1), URL normalization, the WAF phases and bot mitigation (NET-4).
// Apart, the Origin CA certificate the cloud runtimes' load balancers present.
//
// Cloudflare keeps one entry-point ruleset per phase per zone: a second stack that
// creates one fails with "A similar configuration with rules already exists", and
// destroying it would take the first stack's WAF along (the provider's error text;
// developers.cloudflare.com, ruleset-engine entry point rulesets). Hence one owner per
// zone (edge.Spec.OwnsZone), decision record 0035.
package cloudflareedge

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-cloudflare/sdk/v5/go/cloudflare"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/octura/odoo-hosting/components/edge"
)

// Type tokens.
const (
	EdgeType              = edge.Type
	OriginCertificateType = edge.OriginCertificateType
)

// Cloudflare ruleset phases the edge deploys to.
const (
	PhaseManaged   = "http_request_firewall_managed"
	PhaseCustom    = "http_request_firewall_custom"
	PhaseRateLimit = "http_ratelimit"
)

// Args are the edge's arguments.
type Args struct {
	// Spec is the edge; it is validated before anything is registered.
	Spec edge.Spec
	// Provider is the explicit Cloudflare provider every child uses; required.
	Provider pulumi.ProviderResource
	// Origin is the origin's DNS name as a Pulumi input, e.g. the load balancer's DNS
	// name output; it overrides Spec.Origin.Hostname and is ignored for a tunnel.
	// Required for a load-balancer origin without Spec.Origin.Hostname.
	Origin pulumi.StringInput
	// OriginIsIPv4 says Origin is an IPv4 address (a Google Cloud load balancer's
	// external address), not a DNS name: the records are A records, not CNAMEs.
	// Default false.
	OriginIsIPv4 bool
	// TunnelSecret is the tunnel's secret (32 bytes or more, base64); required for a
	// tunnel origin, kept secret.
	TunnelSecret pulumi.StringInput
	// OriginPullCertificate is our own client certificate (PEM) the edge presents to a
	// load-balancer origin for the stack's hostnames (per-hostname authenticated origin
	// pulls); the load balancer verifies it against our CA (NET-8). Required for a
	// load-balancer origin.
	OriginPullCertificate pulumi.StringInput
	// OriginPullKey is the certificate's private key; required with it. It is passed
	// as a secret, and the provider marks the resource's privateKey secret too, so it
	// is encrypted in the state.
	OriginPullKey pulumi.StringInput
	// IPsecPSKs are the pre-shared keys of the Magic Transit IPsec tunnels, by tunnel
	// name; required for each IPsec tunnel, kept secret.
	IPsecPSKs map[string]pulumi.StringInput
}

// Edge is the Cloudflare edge of one customer stack.
type Edge struct {
	pulumi.ResourceState

	// Hostnames are the customer's hostnames served by the edge.
	Hostnames pulumi.StringArrayOutput `pulumi:"hostnames"`
	// ZoneID is the zone the edge configures.
	ZoneID pulumi.StringOutput `pulumi:"zoneId"`
	// OriginRanges are Cloudflare's published ranges, for the origin firewalls of the
	// AWS and GCP runtimes (NET-8).
	OriginRanges pulumi.StringArrayOutput `pulumi:"originRanges"`
	// RulesetIDs are the zone's entry-point rulesets by phase; empty unless the stack
	// owns the zone.
	RulesetIDs pulumi.StringMapOutput `pulumi:"rulesetIds"`
	// TunnelCNAME is the tunnel's <id>.cfargotunnel.com name; "" without a tunnel.
	TunnelCNAME pulumi.StringOutput `pulumi:"tunnelCname"`
	// TunnelID is the Cloudflare Tunnel's identifier; "" without a tunnel.
	TunnelID pulumi.StringOutput `pulumi:"tunnelId"`

	// Summary is the edge in plain values, for the stack summary.
	Summary Summary
}

// Summary describes the edge in plain values.
type Summary struct {
	Plan string
	// OwnsZone says the stack manages the zone's singletons.
	OwnsZone  bool
	Hostnames []string
	// OriginKind is the origin's kind.
	OriginKind string
	// BotMode is bot-fight-mode, super-bot-fight-mode or bot-management (NET-4).
	BotMode string
	// CustomRules and RateLimitRules are the refs of the WAF rules (NET-4).
	CustomRules    []string
	RateLimitRules []string
	// RegionKey is the Regional Services region key; "" without RES-6.
	RegionKey string
	// MagicTransitPrefixes are the prefixes Magic Transit protects (NET-6).
	MagicTransitPrefixes []string
	// OriginRanges are Cloudflare's published ranges (NET-8).
	OriginRanges []string
}

// New registers the edge. It validates args first and registers nothing when they
// are invalid.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Edge, error) {
	if args == nil {
		return nil, errors.New("edge " + name + ": args are nil")
	}
	s := args.Spec.WithDefaults()
	var errs []error
	if err := s.Validate(); err != nil {
		errs = append(errs, err)
	}
	if args.Provider == nil {
		errs = append(errs, errors.New("provider is nil; pass the stack's explicit Cloudflare provider"))
	}
	switch s.Origin.Kind {
	case edge.OriginLoadBalancer:
		if args.Origin == nil && s.Origin.Hostname == "" {
			errs = append(errs, errors.New("origin is nil and origin.hostname is empty; pass the load balancer's DNS name"))
		}
		if args.OriginPullCertificate == nil || args.OriginPullKey == nil {
			errs = append(errs, errors.New("originPullCertificate or originPullKey is nil; a load-balancer origin accepts only our own client certificate (NET-8)"))
		}
	case edge.OriginTunnel:
		if args.TunnelSecret == nil {
			errs = append(errs, errors.New("tunnelSecret is nil; a tunnel origin needs its secret"))
		}
	}
	if s.MagicTransit != nil {
		for _, t := range s.MagicTransit.Tunnels {
			if t.Kind == edge.TunnelIPsec && args.IPsecPSKs[t.Name] == nil {
				errs = append(errs, fmt.Errorf("ipsecPsks[%q] is nil; an IPsec tunnel needs its pre-shared key", t.Name))
			}
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("edge %s: %w", name, errors.Join(errs...))
	}

	c := &Edge{}
	if err := ctx.RegisterComponentResource(EdgeType, name, c, opts...); err != nil {
		return nil, err
	}
	child := []pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(args.Provider)}
	zoneID := pulumi.String(s.ZoneID)
	comment := pulumi.String("odoo-hosting edge of " + s.Customer + ", managed by Pulumi")

	// DNS: proxied records to the origin, or to the tunnel.
	var target pulumi.StringInput
	recordType := "CNAME"
	tunnelCNAME := pulumi.String("").ToStringOutput()
	tunnelID := pulumi.String("").ToStringOutput()
	switch s.Origin.Kind {
	case edge.OriginTunnel:
		t, err := newTunnel(ctx, name, s, args.TunnelSecret, child)
		if err != nil {
			return nil, err
		}
		tunnelID = t.ID().ToStringOutput()
		tunnelCNAME = pulumi.Sprintf("%s.cfargotunnel.com", t.ID())
		target = tunnelCNAME
	case edge.OriginLoadBalancer:
		target = pulumi.String(s.Origin.Hostname)
		if args.Origin != nil {
			target = args.Origin
			if args.OriginIsIPv4 {
				recordType = "A"
			}
		}
	case edge.OriginServer:
		if s.Origin.IP != "" {
			recordType = "A"
			if strings.Contains(s.Origin.IP, ":") {
				recordType = "AAAA"
			}
			target = pulumi.String(s.Origin.IP)
		} else {
			target = pulumi.String(s.Origin.Hostname)
		}
	default: // Odoo.sh
		target = pulumi.String(s.Origin.Hostname)
	}
	records := map[string]*cloudflare.Record{}
	for _, h := range s.Hostnames {
		r, err := cloudflare.NewRecord(ctx, name+"-"+edge.Slug(h), &cloudflare.RecordArgs{
			ZoneId:  zoneID,
			Name:    pulumi.String(h),
			Type:    pulumi.String(recordType),
			Content: target,
			Proxied: pulumi.Bool(s.Proxied()),
			Ttl:     pulumi.Int(1),
			Comment: comment,
		}, child...)
		if err != nil {
			return nil, err
		}
		records[h] = r
	}

	// The zone's singletons, on the stack that owns the zone only.
	rulesetIDs := pulumi.StringMap{}
	if s.OwnsZone {
		ids, err := newZone(ctx, name, s, child)
		if err != nil {
			return nil, err
		}
		rulesetIDs = ids
		// Odoo's proxy mode needs X-Forwarded-Host, which only the edge can add; the
		// request transform phase has one entry-point ruleset per zone, so the owner
		// sets it for every hostname of the zone.
		if _, err := NewForwardedHost(ctx, name+"-forwarded-host", ForwardedHostArgs{
			ZoneID: s.ZoneID, Hostnames: s.ZoneHostnames(), Customer: s.Customer,
		}, child...); err != nil {
			return nil, err
		}
	}

	// NET-8: the load balancer answers only requests carrying our own client
	// certificate, per hostname (Cloudflare's shared zone-wide certificate would admit
	// any Cloudflare customer's traffic).
	if s.Origin.Kind == edge.OriginLoadBalancer {
		cert, err := cloudflare.NewAuthenticatedOriginPullsCertificate(ctx, name+"-origin-pull-cert", &cloudflare.AuthenticatedOriginPullsCertificateArgs{
			ZoneId: zoneID, Type: pulumi.String("per-hostname"),
			Certificate: args.OriginPullCertificate,
			PrivateKey:  pulumi.ToSecret(args.OriginPullKey).(pulumi.StringOutput),
		}, child...)
		if err != nil {
			return nil, err
		}
		for _, h := range s.Hostnames {
			if _, err := cloudflare.NewAuthenticatedOriginPulls(ctx, name+"-origin-pulls-"+edge.Slug(h), &cloudflare.AuthenticatedOriginPullsArgs{
				ZoneId: zoneID, Hostname: pulumi.String(h),
				AuthenticatedOriginPullsCertificate: cert.ID().ToStringOutput(),
				Enabled:                             pulumi.Bool(true),
			}, append(child, pulumi.DependsOn([]pulumi.Resource{records[h]}))...); err != nil {
				return nil, err
			}
		}
	}

	// RES-6: TLS terminated only inside the jurisdiction.
	regionKey := ""
	if s.RegionalServices {
		regionKey = s.RegionKey()
		for _, h := range s.Hostnames {
			if _, err := cloudflare.NewRegionalHostname(ctx, name+"-regional-"+edge.Slug(h), &cloudflare.RegionalHostnameArgs{
				ZoneId: zoneID, Hostname: pulumi.String(h), RegionKey: pulumi.String(regionKey),
			}, append(child, pulumi.DependsOn([]pulumi.Resource{records[h]}))...); err != nil {
				return nil, err
			}
		}
	}

	// NET-6: Magic Transit.
	var prefixes []string
	if s.MagicTransit != nil {
		if err := newMagicTransit(ctx, name, s, args.IPsecPSKs, child); err != nil {
			return nil, err
		}
		prefixes = append(prefixes, s.MagicTransit.Prefixes...)
	}

	c.Hostnames = pulumi.ToStringArray(s.Hostnames).ToStringArrayOutput()
	c.ZoneID = zoneID.ToStringOutput()
	c.OriginRanges = pulumi.ToStringArray(edge.OriginRanges()).ToStringArrayOutput()
	c.RulesetIDs = rulesetIDs.ToStringMapOutput()
	c.TunnelCNAME = tunnelCNAME
	c.TunnelID = tunnelID
	c.Summary = Summary{
		Plan: s.Plan, OwnsZone: s.OwnsZone, Hostnames: append([]string(nil), s.Hostnames...), OriginKind: s.Origin.Kind,
		BotMode: s.BotMode(), RegionKey: regionKey, MagicTransitPrefixes: prefixes, OriginRanges: edge.OriginRanges(),
	}
	if s.OwnsZone {
		for _, r := range edge.CustomRules(s) {
			c.Summary.CustomRules = append(c.Summary.CustomRules, r.Ref)
		}
		for _, r := range edge.RateLimitRules(s) {
			c.Summary.RateLimitRules = append(c.Summary.RateLimitRules, r.Ref)
		}
	}
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"hostnames":    c.Hostnames,
		"zoneId":       c.ZoneID,
		"originRanges": c.OriginRanges,
		"rulesetIds":   c.RulesetIDs,
		"tunnelCname":  c.TunnelCNAME,
		"tunnelId":     c.TunnelID,
	}); err != nil {
		return nil, err
	}
	return c, nil
}

// newZone registers the zone's singletons (ENC-1, NET-4) and returns the entry-point
// rulesets' IDs by phase. Names are unchanged from when every stack made them, so an
// owner's plan does not replace them.
func newZone(ctx *pulumi.Context, name string, s edge.Spec, child []pulumi.ResourceOption) (pulumi.StringMap, error) {
	zoneID := pulumi.String(s.ZoneID)
	// ENC-1: TLS at the edge and to the origin. includeSubDomains is the zone owner's
	// decision: it reaches every host of the customer's domain, not only ours.
	if _, err := cloudflare.NewZoneSettingsOverride(ctx, name+"-tls", &cloudflare.ZoneSettingsOverrideArgs{
		ZoneId: zoneID,
		Settings: &cloudflare.ZoneSettingsOverrideSettingsArgs{
			MinTlsVersion:          pulumi.String("1.2"),
			Tls13:                  pulumi.String("on"),
			AlwaysUseHttps:         pulumi.String("on"),
			AutomaticHttpsRewrites: pulumi.String("on"),
			Ssl:                    pulumi.String("strict"),
			SecurityHeader: &cloudflare.ZoneSettingsOverrideSettingsSecurityHeaderArgs{
				Enabled:           pulumi.Bool(true),
				MaxAge:            pulumi.Int(s.HSTSMaxAge),
				IncludeSubdomains: pulumi.Bool(s.HSTSIncludeSubdomains),
				Preload:           pulumi.Bool(false),
				Nosniff:           pulumi.Bool(true),
			},
		},
	}, child...); err != nil {
		return nil, err
	}
	// NET-4: the WAF judges paths after Cloudflare's own normalization (backslashes,
	// repeated slashes, dot segments, encoded unreserved characters); pinned here so a
	// dashboard change cannot weaken what the rules see.
	if _, err := cloudflare.NewUrlNormalizationSettings(ctx, name+"-url-normalization", &cloudflare.UrlNormalizationSettingsArgs{
		ZoneId: zoneID, Type: pulumi.String("cloudflare"), Scope: pulumi.String("incoming"),
	}, child...); err != nil {
		return nil, err
	}

	// NET-4: managed rulesets, custom rules, rate limiting, bots.
	managed, err := cloudflare.NewRuleset(ctx, name+"-waf-managed", &cloudflare.RulesetArgs{
		ZoneId: zoneID, Kind: pulumi.String("zone"), Phase: pulumi.String(PhaseManaged),
		Name:        pulumi.String(s.Customer + " managed WAF"),
		Description: pulumi.String("NET-4: Cloudflare Managed Ruleset and OWASP Core Ruleset"),
		Rules:       managedRules(),
	}, child...)
	if err != nil {
		return nil, err
	}
	custom, err := cloudflare.NewRuleset(ctx, name+"-waf-custom", &cloudflare.RulesetArgs{
		ZoneId: zoneID, Kind: pulumi.String("zone"), Phase: pulumi.String(PhaseCustom),
		Name:        pulumi.String(s.Customer + " custom WAF"),
		Description: pulumi.String("NET-4: Odoo's risky paths; integrations, webhooks and monitors spared from bot challenges"),
		Rules:       customRules(edge.CustomRules(s)),
	}, child...)
	if err != nil {
		return nil, err
	}
	rate, err := cloudflare.NewRuleset(ctx, name+"-rate-limit", &cloudflare.RulesetArgs{
		ZoneId: zoneID, Kind: pulumi.String("zone"), Phase: pulumi.String(PhaseRateLimit),
		Name:        pulumi.String(s.Customer + " rate limits"),
		Description: pulumi.String("NET-4: sign-in attempts and whole-host rate limits"),
		Rules:       rateRules(edge.RateLimitRules(s)),
	}, child...)
	if err != nil {
		return nil, err
	}
	if _, err := cloudflare.NewBotManagement(ctx, name+"-bots", botArgs(s), child...); err != nil {
		return nil, err
	}
	return pulumi.StringMap{
		PhaseManaged:   managed.ID().ToStringOutput(),
		PhaseCustom:    custom.ID().ToStringOutput(),
		PhaseRateLimit: rate.ID().ToStringOutput(),
	}, nil
}

func managedRules() cloudflare.RulesetRuleArray {
	var out cloudflare.RulesetRuleArray
	for _, m := range edge.ManagedRulesets() {
		params := &cloudflare.RulesetRuleActionParametersArgs{Id: pulumi.String(m.RulesetID)}
		if len(m.DisabledCategories) > 0 || m.ScoreRuleID != "" {
			o := &cloudflare.RulesetRuleActionParametersOverridesArgs{}
			if len(m.DisabledCategories) > 0 {
				var cats cloudflare.RulesetRuleActionParametersOverridesCategoryArray
				for _, cat := range m.DisabledCategories {
					cats = append(cats, cloudflare.RulesetRuleActionParametersOverridesCategoryArgs{Category: pulumi.String(cat), Enabled: pulumi.Bool(false)})
				}
				o.Categories = cats
			}
			if m.ScoreRuleID != "" {
				o.Rules = cloudflare.RulesetRuleActionParametersOverridesRuleArray{
					cloudflare.RulesetRuleActionParametersOverridesRuleArgs{
						Id: pulumi.String(m.ScoreRuleID), Action: pulumi.String(m.ScoreAction),
						ScoreThreshold: pulumi.Int(m.ScoreThreshold), Enabled: pulumi.Bool(true),
					},
				}
			}
			params.Overrides = o
		}
		out = append(out, cloudflare.RulesetRuleArgs{
			Ref: pulumi.String(m.Ref), Description: pulumi.String(m.Description), Action: pulumi.String(m.Action),
			Expression: pulumi.String(m.Expression), Enabled: pulumi.Bool(true), ActionParameters: params,
		})
	}
	return out
}

func customRules(rules []edge.Rule) cloudflare.RulesetRuleArray {
	var out cloudflare.RulesetRuleArray
	for _, r := range rules {
		rule := cloudflare.RulesetRuleArgs{
			Ref: pulumi.String(r.Ref), Description: pulumi.String(r.Description), Action: pulumi.String(r.Action),
			Expression: pulumi.String(r.Expression), Enabled: pulumi.Bool(true),
		}
		if len(r.SkipPhases) > 0 {
			rule.ActionParameters = &cloudflare.RulesetRuleActionParametersArgs{Phases: pulumi.ToStringArray(r.SkipPhases)}
		}
		out = append(out, rule)
	}
	return out
}

func rateRules(rules []edge.RateLimitRule) cloudflare.RulesetRuleArray {
	var out cloudflare.RulesetRuleArray
	for _, r := range rules {
		out = append(out, cloudflare.RulesetRuleArgs{
			Ref: pulumi.String(r.Ref), Description: pulumi.String(r.Description), Action: pulumi.String(r.Action),
			Expression: pulumi.String(r.Expression), Enabled: pulumi.Bool(true),
			Ratelimit: &cloudflare.RulesetRuleRatelimitArgs{
				Characteristics:   pulumi.ToStringArray(r.Characteristics),
				Period:            pulumi.Int(r.RateLimit.Period),
				RequestsPerPeriod: pulumi.Int(r.RateLimit.Requests),
				MitigationTimeout: pulumi.Int(r.RateLimit.Timeout),
			},
		})
	}
	return out
}

// botArgs sets the zone's bot product for its plan (NET-4).
func botArgs(s edge.Spec) *cloudflare.BotManagementArgs {
	a := &cloudflare.BotManagementArgs{ZoneId: pulumi.String(s.ZoneID), EnableJs: pulumi.Bool(true)}
	switch s.BotMode() {
	case "bot-fight-mode":
		a.FightMode = pulumi.Bool(true)
	case "bot-management":
		a.AutoUpdateModel = pulumi.Bool(true)
	default: // Super Bot Fight Mode
		a.SbfmDefinitelyAutomated = pulumi.String("managed_challenge")
		a.SbfmVerifiedBots = pulumi.String("allow")
		a.SbfmStaticResourceProtection = pulumi.Bool(false)
		if s.Plan != edge.PlanPro {
			a.SbfmLikelyAutomated = pulumi.String("managed_challenge")
		}
	}
	return a
}

// newTunnel registers a remotely managed Cloudflare Tunnel and its ingress: each
// hostname to the customer's service, anything else 404.
func newTunnel(ctx *pulumi.Context, name string, s edge.Spec, secret pulumi.StringInput, child []pulumi.ResourceOption) (*cloudflare.ZeroTrustTunnelCloudflared, error) {
	t, err := cloudflare.NewZeroTrustTunnelCloudflared(ctx, name+"-tunnel", &cloudflare.ZeroTrustTunnelCloudflaredArgs{
		AccountId: pulumi.String(s.AccountID),
		Name:      pulumi.String(name),
		Secret:    pulumi.ToSecret(secret).(pulumi.StringInput),
		ConfigSrc: pulumi.String("cloudflare"),
	}, child...)
	if err != nil {
		return nil, err
	}
	var ingress cloudflare.ZeroTrustTunnelCloudflaredConfigConfigIngressRuleArray
	// An internal https origin's certificate is verified against the customer's CA,
	// read by cloudflared from caPool on its host, for originServerName (cloudflared
	// originRequest; pulumi-cloudflare v5 ZeroTrustTunnelCloudflaredConfig).
	var origin cloudflare.ZeroTrustTunnelCloudflaredConfigConfigIngressRuleOriginRequestPtrInput
	if s.Origin.CAPool != "" || s.Origin.ServerName != "" {
		o := cloudflare.ZeroTrustTunnelCloudflaredConfigConfigIngressRuleOriginRequestArgs{NoTlsVerify: pulumi.Bool(false)}
		if s.Origin.CAPool != "" {
			o.CaPool = pulumi.String(s.Origin.CAPool)
		}
		if s.Origin.ServerName != "" {
			o.OriginServerName = pulumi.String(s.Origin.ServerName)
		}
		origin = o
	}
	for _, h := range s.Hostnames {
		ingress = append(ingress, cloudflare.ZeroTrustTunnelCloudflaredConfigConfigIngressRuleArgs{
			Hostname: pulumi.String(h), Service: pulumi.String(s.Origin.Service), OriginRequest: origin,
		})
	}
	ingress = append(ingress, cloudflare.ZeroTrustTunnelCloudflaredConfigConfigIngressRuleArgs{Service: pulumi.String("http_status:404")})
	if _, err := cloudflare.NewZeroTrustTunnelCloudflaredConfig(ctx, name+"-tunnel-config", &cloudflare.ZeroTrustTunnelCloudflaredConfigArgs{
		AccountId: pulumi.String(s.AccountID),
		TunnelId:  t.ID().ToStringOutput(),
		Config:    cloudflare.ZeroTrustTunnelCloudflaredConfigConfigArgs{IngressRules: ingress},
	}, child...); err != nil {
		return nil, err
	}
	return t, nil
}

// newMagicTransit registers the tunnels, a static route per prefix per tunnel and
// the Magic Firewall ruleset (NET-6).
func newMagicTransit(ctx *pulumi.Context, name string, s edge.Spec, psks map[string]pulumi.StringInput, child []pulumi.ResourceOption) error {
	mt := s.MagicTransit
	account := pulumi.String(s.AccountID)
	deps := map[string]pulumi.Resource{}
	for _, t := range mt.Tunnels {
		n := name + "-mt-" + strings.ToLower(strings.ReplaceAll(t.Name, "_", "-"))
		desc := pulumi.String("NET-6: Magic Transit " + t.Kind + " tunnel of " + s.Customer)
		var r pulumi.Resource
		var err error
		if t.Kind == edge.TunnelGRE {
			r, err = cloudflare.NewMagicWanGreTunnel(ctx, n, &cloudflare.MagicWanGreTunnelArgs{
				AccountId: account, Name: pulumi.String(t.Name), Description: desc,
				CustomerGreEndpoint: pulumi.String(t.CustomerEndpoint), CloudflareGreEndpoint: pulumi.String(t.CloudflareEndpoint),
				InterfaceAddress: pulumi.String(t.InterfaceAddress), HealthCheckEnabled: pulumi.Bool(true),
			}, child...)
		} else {
			r, err = cloudflare.NewMagicWanIpsecTunnel(ctx, n, &cloudflare.MagicWanIpsecTunnelArgs{
				AccountId: account, Name: pulumi.String(t.Name), Description: desc,
				CustomerEndpoint: pulumi.String(t.CustomerEndpoint), CloudflareEndpoint: pulumi.String(t.CloudflareEndpoint),
				InterfaceAddress: pulumi.String(t.InterfaceAddress), HealthCheckEnabled: pulumi.Bool(true),
				Psk: psks[t.Name], AllowNullCipher: pulumi.Bool(false), ReplayProtection: pulumi.Bool(true),
			}, child...)
		}
		if err != nil {
			return err
		}
		deps[t.Name] = r
	}
	for _, rt := range mt.Routes() {
		if _, err := cloudflare.NewMagicWanStaticRoute(ctx, name+"-route-"+strings.ToLower(strings.ReplaceAll(rt.Key, "_", "-")), &cloudflare.MagicWanStaticRouteArgs{
			AccountId: account, Prefix: pulumi.String(rt.Prefix), Nexthop: pulumi.String(rt.Nexthop),
			Priority: pulumi.Int(rt.Priority), Description: pulumi.String("NET-6: " + rt.Prefix + " via " + rt.Tunnel),
		}, append(child, pulumi.DependsOn([]pulumi.Resource{deps[rt.Tunnel]}))...); err != nil {
			return err
		}
	}
	var rules pulumi.StringMapArray
	for _, r := range mt.FirewallRules() {
		rules = append(rules, pulumi.StringMap{
			"action": pulumi.String(r.Action), "expression": pulumi.String(r.Expression),
			"description": pulumi.String(r.Description), "enabled": pulumi.String("true"),
		})
	}
	_, err := cloudflare.NewMagicFirewallRuleset(ctx, name+"-magic-firewall", &cloudflare.MagicFirewallRulesetArgs{
		AccountId: account, Name: pulumi.String(s.Customer + " magic firewall"),
		Description: pulumi.String("NET-6: only the published services reach the customer's prefixes"),
		Rules:       rules,
	}, child...)
	return err
}
