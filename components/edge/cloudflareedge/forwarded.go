package cloudflareedge

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-cloudflare/sdk/v5/go/cloudflare"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// PhaseRequestTransform is the phase of request header transform rules.
const PhaseRequestTransform = "http_request_late_transform"

// ForwardedHostHeader is the header Odoo needs, with proxy_mode, to apply its proxy
// fix (odoo/http.py applies werkzeug's ProxyFix only when both are present); neither
// Cloudflare nor the load balancer sends it by itself.
const ForwardedHostHeader = "X-Forwarded-Host"

// ForwardedHostArgs are the inputs of NewForwardedHost.
type ForwardedHostArgs struct {
	// ZoneID is the customer's zone; Hostnames the hostnames whose requests carry
	// the header (the customer's Odoo hostnames). Required.
	ZoneID    string
	Hostnames []string
	// Customer names the ruleset.
	Customer string
}

// NewForwardedHost registers the zone's request header transform ruleset: requests
// for the customer's hostnames reach the origin with X-Forwarded-Host set to the
// host the visitor asked for (Cloudflare docs, "Request Header Transform Rules":
// set dynamic; only cf- and x-cf- headers are off limits).
func NewForwardedHost(ctx *pulumi.Context, name string, args ForwardedHostArgs, opts ...pulumi.ResourceOption) (*cloudflare.Ruleset, error) {
	if args.ZoneID == "" || len(args.Hostnames) == 0 {
		return nil, fmt.Errorf("forwarded host %s: ZoneID and Hostnames are required", name)
	}
	quoted := make([]string, len(args.Hostnames))
	for i, h := range args.Hostnames {
		quoted[i] = fmt.Sprintf("%q", h)
	}
	return cloudflare.NewRuleset(ctx, name, &cloudflare.RulesetArgs{
		ZoneId: pulumi.String(args.ZoneID), Kind: pulumi.String("zone"), Phase: pulumi.String(PhaseRequestTransform),
		Name:        pulumi.String(args.Customer + " request headers"),
		Description: pulumi.String("Odoo proxy mode: the visitor's host in X-Forwarded-Host"),
		Rules: cloudflare.RulesetRuleArray{cloudflare.RulesetRuleArgs{
			Action:      pulumi.String("rewrite"),
			Expression:  pulumi.String("(http.host in {" + strings.Join(quoted, " ") + "})"),
			Description: pulumi.String("X-Forwarded-Host for Odoo's proxy mode"),
			Enabled:     pulumi.Bool(true),
			ActionParameters: &cloudflare.RulesetRuleActionParametersArgs{
				Headers: cloudflare.RulesetRuleActionParametersHeaderArray{cloudflare.RulesetRuleActionParametersHeaderArgs{
					Name: pulumi.String(ForwardedHostHeader), Operation: pulumi.String("set"), Expression: pulumi.String("http.host"),
				}},
			},
		}},
	}, opts...)
}
