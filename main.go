// Command odoo-hosting is the Pulumi program: it loads and validates the stack's
// configuration (the odoo-hosting: keys of Pulumi.<stack>.yaml), reports every
// problem at once before any resource is registered, and hands the stack to stacks.
package main

import (
	"encoding/json"
	"os"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/octura/odoo-hosting/internal/config"
	"github.com/octura/odoo-hosting/stacks"
)

func main() { pulumi.Run(program) }

// program is the whole Pulumi program: configuration, validation, the stack, outputs.
func program(ctx *pulumi.Context) error {
	cfg, err := loadConfig(ctx)
	if err != nil {
		return err
	}
	bp, err := stacks.Build(cfg, time.Now())
	if err != nil {
		return err
	}
	out, err := stacks.Run(ctx, bp, stacks.Secrets{
		OriginKey:     secret(ctx, config.SecretOriginKey),
		TunnelSecret:  secret(ctx, config.SecretTunnelSecret),
		IPsecPSKs:     secret(ctx, config.SecretIPsecPSKs),
		OriginPullKey: secret(ctx, config.SecretOriginPullKey),
		SMTPPassword:  secret(ctx, config.SecretSMTPPassword),
		VPNPSKs:       secret(ctx, config.SecretVPNPSKs),
	})
	if err != nil {
		return err
	}
	out.Export(ctx)
	return nil
}

// loadConfig reads every key of the odoo-hosting namespace as the engine passed it
// (the PULUMI_CONFIG map), so that unknown keys are reported too, and applies the
// defaults.
func loadConfig(ctx *pulumi.Context) (*config.Config, error) {
	values := map[string]string{}
	if raw := os.Getenv(pulumi.EnvConfig); raw != "" {
		if err := json.Unmarshal([]byte(raw), &values); err != nil {
			return nil, err
		}
	}
	secret := map[string]bool{}
	for k := range values {
		secret[k] = ctx.IsConfigSecret(k)
	}
	cfg, err := config.FromValues(ctx.Stack(), values, secret)
	if err != nil {
		return nil, err
	}
	cfg.ApplyDefaults()
	return cfg, nil // stacks.Build validates it, with every component spec
}

func secret(ctx *pulumi.Context, key string) pulumi.StringInput {
	v, _ := ctx.GetConfig(config.Namespace + ":" + key)
	return pulumi.ToSecret(pulumi.String(v)).(pulumi.StringInput)
}
