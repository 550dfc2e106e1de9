// Package stacks composes the components into the four hosting tiers. One Pulumi
// stack is one customer in one region; the tier in its configuration chooses what is
// built. Build turns a validated configuration into component specs and checks them
// all before anything is registered; Run registers the stack.
package stacks

import (
	"encoding/json"
	"slices"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/octura/odoo-hosting/internal/config"
	"github.com/octura/odoo-hosting/internal/contract"
	"github.com/octura/odoo-hosting/internal/jurisdiction"
	"github.com/octura/odoo-hosting/internal/tier"
)

// Customer is the root component (contract.RootType): every resource of the stack
// descends from it; the policy pack reads the stack's facts from its inputs.
type Customer struct {
	pulumi.ResourceState
}

// rootInputs are the residency facts the policy pack reads (internal/contract,
// docs/contracts.md).
func rootInputs(cfg *config.Config) contract.RootInputs {
	in := contract.RootInputs{
		Customer:      cfg.Customer,
		Environment:   string(cfg.Environment),
		Tier:          string(cfg.Tier),
		Cloud:         string(cfg.Cloud),
		Jurisdiction:  string(cfg.Jurisdiction),
		Region:        cfg.Region,
		BackupRegion:  cfg.BackupRegion,
		Approvals:     []contract.Approval{},
		SubProcessors: []contract.SubProcessor{},
		Backup: contract.Backup{
			RPOHours:      float64(cfg.RPOHours()),
			RTOHours:      float64(cfg.RTOHours()),
			RetentionDays: float64(cfg.Backup.RetentionDays),
			GFS:           cfg.Backup.GFS,
		},
		MaskedSource: cfg.MaskedSource,
	}
	for _, a := range cfg.Approvals {
		in.Approvals = append(in.Approvals, contract.Approval{ID: a.ID, Covers: a.Covers, Destination: a.Destination, Expires: a.Expires})
	}
	for _, s := range jurisdiction.SubProcessors(string(cfg.Tier), cfg.Jurisdiction, cfg.RegionalEdge()) {
		sp := contract.SubProcessor{ID: s.ID, Name: s.Name, Purpose: s.Purpose, Places: []contract.Place{}}
		for _, p := range s.Places {
			sp.Places = append(sp.Places, contract.Place{Label: p.Label, Countries: append([]string{}, p.Countries...), Global: p.Global})
		}
		in.SubProcessors = append(in.SubProcessors, sp)
	}
	if cfg.CustomerKeys != nil {
		in.CustomerKeys = &contract.CustomerKeys{Primary: cfg.CustomerKeys.Primary, Backup: cfg.CustomerKeys.Backup}
	}
	if !cfg.Cloudflare.Owner() {
		owner := false // the zone's WAF is the owner stack's (NET-4)
		in.ZoneOwner = &owner
	}
	return in
}

// rootProperties turns the root inputs into the component's input properties, by
// their JSON names: the names and shapes are the contract's, written nowhere else.
func rootProperties(in contract.RootInputs) (pulumi.Map, error) {
	b, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	return toInput(m).(pulumi.Map), nil
}

// toInput turns a decoded JSON value into a Pulumi input of the same shape.
func toInput(v any) pulumi.Input {
	switch x := v.(type) {
	case string:
		return pulumi.String(x)
	case bool:
		return pulumi.Bool(x)
	case float64:
		return pulumi.Float64(x)
	case []any:
		arr := pulumi.Array{}
		for _, e := range x {
			arr = append(arr, toInput(e))
		}
		return arr
	case map[string]any:
		m := pulumi.Map{}
		for k, e := range x {
			m[k] = toInput(e)
		}
		return m
	}
	return pulumi.Array{} // null: only a nil list marshals to it, and the writer leaves none
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
