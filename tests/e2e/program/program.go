// Package program is the real-engine end-to-end program: it registers the stack's
// root component, odoo-hosting:stack:Customer (docs/contracts.md), from the stack
// configuration and nothing else. Component resources need no provider plugin, so
// the engine runs it fully offline.
package program

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// RootType is the type token of the stack's root component.
const RootType = "odoo-hosting:stack:Customer"

// Customer is the root component.
type Customer struct {
	pulumi.ResourceState
}

// Run is the Pulumi program.
func Run(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	inputs := pulumi.Map{}
	for _, key := range []string{"customer", "environment", "tier", "cloud", "jurisdiction", "region", "backupRegion", "maskedSource"} {
		if v := cfg.Get(key); v != "" {
			inputs[key] = pulumi.String(v)
		}
	}
	for _, key := range []string{"approvals", "subProcessors", "backup", "customerKeys"} {
		var v any
		if err := cfg.TryObject(key, &v); err != nil {
			continue // not set
		}
		in, err := toInput(v)
		if err != nil {
			return fmt.Errorf("config %s: %w", key, err)
		}
		inputs[key] = in
	}
	name := cfg.Require("customer") + "-" + cfg.Require("region")
	root := &Customer{}
	if err := ctx.RegisterComponentResourceV2(RootType, name, inputs, root); err != nil {
		return err
	}
	ctx.Export("root", root.URN())
	return ctx.RegisterResourceOutputs(root, pulumi.Map{})
}

// toInput turns a decoded JSON/YAML configuration value into a Pulumi input.
func toInput(v any) (pulumi.Input, error) {
	switch v := v.(type) {
	case string:
		return pulumi.String(v), nil
	case bool:
		return pulumi.Bool(v), nil
	case float64:
		return pulumi.Float64(v), nil
	case json.Number:
		f, err := v.Float64()
		return pulumi.Float64(f), err
	case []any:
		out := pulumi.Array{}
		for _, e := range v {
			in, err := toInput(e)
			if err != nil {
				return nil, err
			}
			out = append(out, in)
		}
		return out, nil
	case map[string]any:
		out := pulumi.Map{}
		for k, e := range v {
			in, err := toInput(e)
			if err != nil {
				return nil, err
			}
			out[k] = in
		}
		return out, nil
	case nil:
		return nil, fmt.Errorf("null value")
	default:
		return nil, fmt.Errorf("unsupported value %T", v)
	}
}
