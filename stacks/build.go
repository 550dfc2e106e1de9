package stacks

import (
	"fmt"
	"time"

	"github.com/octura/odoo-hosting/components/access"
	"github.com/octura/odoo-hosting/components/backup"
	"github.com/octura/odoo-hosting/components/database"
	"github.com/octura/odoo-hosting/components/edge"
	"github.com/octura/odoo-hosting/components/keys"
	"github.com/octura/odoo-hosting/components/network"
	"github.com/octura/odoo-hosting/components/ops"
	"github.com/octura/odoo-hosting/components/runtime"
	"github.com/octura/odoo-hosting/internal/config"
	"github.com/octura/odoo-hosting/internal/problems"
	"github.com/octura/odoo-hosting/internal/tier"
)

// Blueprint is a stack decided in plain Go values: the validated configuration and
// the spec of every component the tier calls for. Nil specs are not built.
type Blueprint struct {
	Config *config.Config
	Now    time.Time

	Keys       keys.Spec // primary region: data, backup, logs
	BackupKeys keys.Spec // backup region: backup (ENC-5)
	Network    *network.Spec
	Access     access.Spec
	Backup     backup.Spec
	Database   *database.Spec
	Runtime    *runtime.Spec
	Edge       edge.Spec
	Ops        ops.Spec
}

// Build validates cfg (ApplyDefaults must have run) and derives every component's
// spec, then validates those too. It returns problems.List listing every problem at
// once; nothing is registered by Build.
func Build(cfg *config.Config, now time.Time) (*Blueprint, error) {
	if probs := cfg.Validate(now); len(probs) > 0 {
		return nil, probs
	}
	bp := blueprint(cfg, now)
	probs := bp.validateSpecs(now)
	probs = append(probs, checkNames(bp)...)
	if len(probs) > 0 {
		return nil, probs
	}
	return bp, nil
}

// validateSpecs validates every spec of bp, each spec's problems under the spec's
// place in the blueprint ("backup.retentionDays"): the problem type carries the
// field, never a line of text to split.
func (bp *Blueprint) validateSpecs(now time.Time) problems.List {
	var probs problems.List
	check := func(path string, err error) {
		var spec problems.List
		spec.AddError(err)
		probs = append(probs, spec.Prefix(path)...)
	}
	check("keys", bp.Keys.Validate())
	check("backupKeys", bp.BackupKeys.Validate())
	if bp.Network != nil {
		check("network", bp.Network.Validate())
	}
	check("access", bp.Access.ValidateAt(now))
	check("backup", bp.Backup.Validate())
	if bp.Database != nil {
		check("database", bp.Database.Validate())
	}
	if bp.Runtime != nil {
		check("runtime", bp.Runtime.Validate())
	}
	check("edge", bp.Edge.Validate())
	check("ops", bp.Ops.Validate())
	return probs
}

// blueprint maps the configuration to component specs: the tier decides what is built.
func blueprint(cfg *config.Config, now time.Time) *Blueprint {
	prod := cfg.Production()
	bp := &Blueprint{Config: cfg, Now: now}

	// Components name physical resources from Customer: the slug keeps non-production
	// names apart from production's.
	bp.Keys = keys.Spec{
		Customer: cfg.Slug(), Cloud: cfg.Cloud, Region: cfg.Region, Jurisdiction: cfg.Jurisdiction,
		AccountID: cfg.Account(), Purposes: []keys.Purpose{keys.Data, keys.Backup, keys.Logs}, Protect: prod,
		Application: cfg.Tier.RunsApplication(), LogGroups: cfg.Tier.NeedsNetwork(),
	}
	bp.BackupKeys = keys.Spec{
		Customer: cfg.Slug(), Cloud: cfg.Cloud, Region: cfg.BackupRegion, Jurisdiction: cfg.Jurisdiction,
		AccountID: cfg.Account(), Purposes: []keys.Purpose{keys.Backup}, Protect: prod,
		Application: cfg.Tier.RunsApplication(), BackupRegion: true,
	}
	if cfg.CustomerKeys != nil { // ENC-4: the customer's keys, never ours
		bp.Keys.CustomerKeyARN = cfg.CustomerKeys.Primary
		bp.BackupKeys.CustomerKeyARN = cfg.CustomerKeys.Backup
	}

	if cfg.Tier.NeedsNetwork() {
		peers := make([]network.VPNPeer, len(cfg.Network.VPNPeers))
		for i, p := range cfg.Network.VPNPeers {
			peers[i] = network.VPNPeer{Name: p.Name, PublicIP: p.PublicIP, CIDRs: p.CIDRs, BGPASN: p.BGPASN}
		}
		bp.Network = &network.Spec{
			Customer: cfg.Slug(), CIDR: cfg.Network.CIDR, Zones: cfg.Network.Zones,
			Production:  prod,
			NATPerZone:  prod && cfg.Tier.RunsApplication(),
			Application: cfg.Tier.RunsApplication(),
			// Staff reach servers through the VPN or the cloud's session service only
			// (IAM-5); the allow-list confines the admin paths at the edge (NET-5).
			VPNPeers:   peers,
			EdgeRanges: edge.OriginRanges(),
		}
	}

	bp.Access = access.Spec{
		Customer: cfg.Slug(), AccountID: cfg.Account(), Cloud: cfg.Cloud, Region: cfg.Region,
		Jurisdiction: cfg.Jurisdiction, Production: prod,
	}
	if bg := cfg.BreakGlass; bg != nil {
		granted, _ := time.Parse(time.RFC3339, bg.GrantedAt) // validated above
		bp.Access.BreakGlass = &access.Grant{Principal: bg.Principal, GrantedAt: granted, Hours: bg.Hours,
			Reason: "breakGlass in stack configuration " + cfg.Stack}
	}

	bp.Backup = backup.Spec{
		Customer: cfg.Slug(), Cloud: cfg.Cloud, AccountID: cfg.Account(), Tier: cfg.Tier,
		PrimaryRegion: cfg.Region, BackupRegion: cfg.BackupRegion,
		RetentionDays: cfg.Backup.RetentionDays, GFS: cfg.Backup.GFS, Production: prod,
	}
	if cfg.Tier == tier.OnPremise {
		bp.Backup.RPOHours, bp.Backup.RTOHours = cfg.Backup.RPOHours, cfg.Backup.RTOHours
	}

	if cfg.Tier.RunsApplication() {
		bp.Database = &database.Spec{Customer: cfg.Slug(), Tier: cfg.Tier, Production: prod}
		bp.Runtime = &runtime.Spec{
			Customer: cfg.Slug(), Tier: cfg.Tier, Production: prod,
			Image: cfg.Odoo.Image, Version: cfg.Odoo.Version, Zones: len(cfg.Network.Zones),
			DatabaseName: bp.Database.WithDefaults().DatabaseName,
			Hostnames:    []string{cfg.Domain},
		}
		if m := cfg.Odoo.Mail; m != nil {
			bp.Runtime.Mail = &runtime.Mail{Host: cfg.MailHost(), Port: m.Port, User: m.User, From: m.From}
		}
	}

	bp.Edge = edge.Spec{
		Customer: cfg.Slug(), Tier: cfg.Tier, Jurisdiction: cfg.Jurisdiction,
		Zone: cfg.Cloudflare.Zone, ZoneID: cfg.Cloudflare.ZoneID, AccountID: cfg.Cloudflare.AccountID,
		Plan: cfg.Cloudflare.Plan, Hostnames: []string{cfg.Domain},
		// One stack per zone owns the zone's singletons, and its rules cover the
		// zone's other stacks' hostnames (decision 0035).
		OwnsZone: cfg.Cloudflare.Owner(), OtherHostnames: cfg.Cloudflare.OtherHostnames,
		HSTSIncludeSubdomains: cfg.Cloudflare.HSTSIncludeSubdomains,
		OdooVersion:           odooVersion(cfg),
		// Private allow-list ranges are the VPN side's: the edge never sees them (NET-5).
		AllowList: cfg.EdgeAllowList(), RegionalServices: cfg.RegionalEdge(),
		OriginCSR: cfg.Cloudflare.OriginCSR,
		Entitlements: edge.Entitlements{
			BotManagement:        cfg.Cloudflare.HasEntitlement(config.EntitlementBotManagement),
			AdvancedRateLimiting: cfg.Cloudflare.HasEntitlement(config.EntitlementAdvancedRateLimiting),
			RequestBodyFields:    cfg.Cloudflare.HasEntitlement(config.EntitlementRequestBodyFields),
		},
	}
	switch cfg.Tier {
	case tier.OdooSH:
		bp.Edge.Origin = edge.Origin{Kind: edge.OriginOdooSh, Hostname: cfg.Odoo.Origin, CertificateReady: cfg.Odoo.CertificateReady}
	case tier.OnPremise:
		if cfg.Odoo.Tunnel {
			bp.Edge.Origin = edge.Origin{Kind: edge.OriginTunnel, Service: cfg.Odoo.Origin,
				CAPool: cfg.Odoo.TunnelCAPool, ServerName: cfg.Odoo.TunnelServerName}
		} else {
			bp.Edge.Origin = edge.Origin{Kind: edge.OriginServer, Hostname: cfg.Odoo.Origin}
		}
	default:
		bp.Edge.Origin = edge.Origin{Kind: edge.OriginLoadBalancer}
	}
	if mt := cfg.Cloudflare.MagicTransit; mt != nil {
		tunnels := make([]edge.Tunnel, len(mt.Tunnels))
		for i, t := range mt.Tunnels {
			tunnels[i] = edge.Tunnel{Name: t.Name, Kind: t.Kind, CustomerEndpoint: t.CustomerEndpoint,
				CloudflareEndpoint: t.CloudflareEndpoint, InterfaceAddress: t.InterfaceAddress}
		}
		bp.Edge.MagicTransit = &edge.MagicTransit{Prefixes: mt.Prefixes, Tunnels: tunnels}
	}
	// OPS-1: who is told, and of what; OPS-2: threat detection where we run Odoo.
	bp.Ops = ops.Spec{
		Customer: cfg.Slug(), Cloud: cfg.Cloud, Region: cfg.Region, Jurisdiction: cfg.Jurisdiction,
		Contacts: cfg.Alerts.Contacts, WarningDays: cfg.Alerts.WarningDays, Now: now,
		Application: cfg.Tier.RunsApplication(), Replication: true, ThreatDetection: cfg.Tier.RunsApplication(),
		Production: prod,
	}
	for _, a := range cfg.Approvals {
		at, _ := a.ExpiresAt() // validated above
		bp.Ops.Approvals = append(bp.Ops.Approvals, ops.Expiry{ID: a.ID, At: at})
	}
	return bp
}

// String summarises the blueprint for logs.
func (bp *Blueprint) String() string {
	c := bp.Config
	return fmt.Sprintf("%s: %s %s stack of %s in %s (backups in %s), jurisdiction %s",
		c.Stack, c.Environment, c.Tier, c.Customer, c.Region, c.BackupRegion, c.Jurisdiction)
}

// odooVersion is the Odoo version the edge's admin-path rule targets: the one we run
// on the cloud tiers; "" (every version) where the customer or Odoo.sh runs Odoo.
func odooVersion(cfg *config.Config) string {
	if cfg.Tier.RunsApplication() {
		return cfg.Odoo.Version
	}
	return ""
}
