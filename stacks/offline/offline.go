// Package offline plans stacks without a cloud: the stack program of package stacks
// run under the deterministic mocks of internal/plan, with stand-in secrets. The
// tests, the golden plans and the `plan` command use it; the stack program itself
// (package stacks) carries no planner.
package offline

import (
	"encoding/json"
	"path/filepath"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/octura/odoo-hosting/internal/plan"
	"github.com/octura/odoo-hosting/stacks"
)

// Secrets stand in for the secret configuration in offline plans: the plan prints
// every secret as "[secret]" and never needs its value.
func Secrets(bp *stacks.Blueprint) stacks.Secrets {
	psks := map[string]string{}
	if mt := bp.Edge.MagicTransit; mt != nil {
		for _, t := range mt.Tunnels {
			psks[t.Name] = "offline"
		}
	}
	b, _ := json.Marshal(psks)
	vpn := map[string]string{}
	for _, p := range bp.Config.Network.VPNPeers {
		vpn[p.Name] = "offline"
	}
	v, _ := json.Marshal(vpn)
	secret := func(v string) pulumi.StringInput { return pulumi.ToSecret(pulumi.String(v)).(pulumi.StringOutput) }
	return stacks.Secrets{OriginKey: secret("offline"), TunnelSecret: secret("offline"), IPsecPSKs: secret(string(b)), OriginPullKey: secret("offline"),
		SMTPPassword: secret("offline"), VPNPSKs: secret(string(v))}
}

// Plan plans bp offline under the deterministic mocks of internal/plan.
func Plan(bp *stacks.Blueprint) (*plan.Plan, error) { return PlanWith(bp, plan.Options{}) }

// PlanWith is Plan with planner options (FirstPreview: as a new stack's preview).
func PlanWith(bp *stacks.Blueprint, opts plan.Options) (*plan.Plan, error) {
	return plan.RunWith(stacks.Project, bp.Config.Stack, func(ctx *pulumi.Context) error {
		out, err := stacks.Run(ctx, bp, Secrets(bp))
		if err != nil {
			return err
		}
		out.Export(ctx)
		return nil
	}, opts)
}

// ExampleConfigs lists the example stacks' configuration files under dir.
func ExampleConfigs(dir string) ([]string, error) {
	return filepath.Glob(filepath.Join(dir, "*", "Pulumi.*.yaml"))
}
