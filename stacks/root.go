// Package stacks composes the components into the four hosting tiers. One Pulumi
// stack is one customer in one region; the tier in its configuration chooses what is
// built. Build turns a validated configuration into component specs and checks them
// all before anything is registered; Run registers the stack.
package stacks

import (
	"slices"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/octura/odoo-hosting/internal/config"
	"github.com/octura/odoo-hosting/internal/jurisdiction"
	"github.com/octura/odoo-hosting/internal/tier"
)

// RootType is the type token of every stack's root component; the policy pack reads
// the stack's jurisdiction, tier and approvals from its inputs (docs/contracts.md).
const RootType = "odoo-hosting:stack:Customer"

// Customer is the root component: every resource of the stack descends from it.
type Customer struct {
	pulumi.ResourceState
}

// rootInputs are the residency facts the policy pack reads (docs/contracts.md).
func rootInputs(cfg *config.Config) pulumi.Map {
	approvals := pulumi.Array{}
	for _, a := range cfg.Approvals {
		approvals = append(approvals, pulumi.Map{
			"id": pulumi.String(a.ID), "covers": pulumi.String(a.Covers),
			"destination": pulumi.String(a.Destination), "expires": pulumi.String(a.Expires),
		})
	}
	subs := pulumi.Array{}
	for _, s := range jurisdiction.SubProcessors(string(cfg.Tier), cfg.Jurisdiction, cfg.RegionalEdge()) {
		places := pulumi.Array{}
		for _, p := range s.Places {
			places = append(places, pulumi.Map{
				"label": pulumi.String(p.Label), "countries": pulumi.ToStringArray(p.Countries), "global": pulumi.Bool(p.Global),
			})
		}
		subs = append(subs, pulumi.Map{
			"id": pulumi.String(s.ID), "name": pulumi.String(s.Name), "purpose": pulumi.String(s.Purpose), "places": places,
		})
	}
	in := pulumi.Map{
		"customer":      pulumi.String(cfg.Customer),
		"environment":   pulumi.String(string(cfg.Environment)),
		"tier":          pulumi.String(string(cfg.Tier)),
		"cloud":         pulumi.String(string(cfg.Cloud)),
		"jurisdiction":  pulumi.String(string(cfg.Jurisdiction)),
		"region":        pulumi.String(cfg.Region),
		"backupRegion":  pulumi.String(cfg.BackupRegion),
		"approvals":     approvals,
		"subProcessors": subs,
		"backup": pulumi.Map{
			"rpoHours":      pulumi.Int(cfg.RPOHours()),
			"rtoHours":      pulumi.Int(cfg.RTOHours()),
			"retentionDays": pulumi.Int(cfg.Backup.RetentionDays),
			"gfs":           pulumi.Bool(cfg.Backup.GFS),
		},
	}
	if cfg.CustomerKeys != nil {
		in["customerKeys"] = pulumi.Map{"primary": pulumi.String(cfg.CustomerKeys.Primary), "backup": pulumi.String(cfg.CustomerKeys.Backup)}
	}
	if cfg.MaskedSource != "" {
		in["maskedSource"] = pulumi.String(cfg.MaskedSource)
	}
	if !cfg.Cloudflare.Owner() {
		in["zoneOwner"] = pulumi.Bool(false) // the zone's WAF is the owner stack's (NET-4)
	}
	return in
}

// Controls lists the control IDs the stack of cfg implements, sorted: what the
// stack's `controls` output and the README's summary report.
func Controls(cfg *config.Config) []string {
	ids := []string{
		"RES-1", "RES-2", "RES-3", "RES-4", "RES-5",
		"ENC-1", "ENC-2", "ENC-3", "ENC-5",
		"NET-4", "NET-8",
		"IAM-1", "IAM-2", "IAM-3", "IAM-4",
		"BAK-1", "BAK-2", "BAK-3", "BAK-4", "BAK-5", "BAK-6",
		"OPS-1",
	}
	if cfg.Tier.NeedsNetwork() {
		ids = append(ids, "NET-1", "NET-2", "NET-3", "NET-5", "NET-7", "IAM-5")
	}
	if cfg.Tier.RunsApplication() {
		ids = append(ids, "IAM-6", "DAT-2", "OPS-2")
	}
	if cfg.Tier == tier.Enterprise {
		ids = append(ids, "ENC-4", "RES-6", "NET-6")
	}
	if cfg.Environment == config.NonProduction {
		ids = append(ids, "DAT-1")
	}
	if cfg.Tier == tier.OdooSH && !cfg.Odoo.CertificateReady {
		// Step one of the Odoo.sh rollout: the record is DNS-only, nothing passes the
		// edge, so neither the WAF nor the origin lock is claimed.
		ids = slices.DeleteFunc(ids, func(id string) bool { return id == "NET-4" || id == "NET-8" })
	}
	sort.Strings(ids)
	return dedupe(ids)
}

// ControlScope says, per control ID, how far a claimed control reaches where it is
// less than the whole stack: the stack's controlScope output, read beside controls.
func ControlScope(cfg *config.Config) map[string]string {
	out := map[string]string{}
	if cfg.Tier == tier.OdooSH && cfg.Odoo.CertificateReady {
		out["NET-4"] = "only requests to " + cfg.Domain + " pass the WAF; " + cfg.Odoo.Origin + " stays reachable directly, outside it (Odoo.sh)"
		out["NET-8"] = "not enforced at the origin: Odoo.sh answers anyone at " + cfg.Odoo.Origin + "; only " + cfg.Domain + " is behind the edge"
	}
	if !cfg.Cloudflare.Owner() && slices.Contains(Controls(cfg), "NET-4") {
		out["NET-4"] = "the WAF and rate-limit rules of zone " + cfg.Cloudflare.Zone + " belong to the zone owner's stack, whose cloudflare.otherHostnames must list " + cfg.Domain
	}
	return out
}

func dedupe(xs []string) []string {
	var out []string
	for i, x := range xs {
		if i == 0 || xs[i-1] != x {
			out = append(out, x)
		}
	}
	return out
}
