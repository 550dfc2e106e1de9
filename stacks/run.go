package stacks

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/pulumi/pulumi-cloudflare/sdk/v5/go/cloudflare"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/octura/odoo-hosting/components/edge/cloudflareedge"
	"github.com/octura/odoo-hosting/internal/config"
	"github.com/octura/odoo-hosting/internal/contract"
	"github.com/octura/odoo-hosting/internal/jurisdiction"
)

// Project is the Pulumi project name (Pulumi.yaml).
const Project = "odoo-hosting"

// Secrets are the stack's secret inputs, read from the stack's secret configuration.
type Secrets struct {
	OriginKey    pulumi.StringInput // originKey: the origin certificate's private key (cloud, enterprise)
	TunnelSecret pulumi.StringInput // tunnelSecret: the on-premise tunnel's secret
	IPsecPSKs    pulumi.StringInput // ipsecPsks: JSON object, IPsec tunnel name -> pre-shared key
	// OriginPullKey is originPullKey: the private key of our client certificate for
	// authenticated origin pulls (cloud, enterprise; NET-8).
	OriginPullKey pulumi.StringInput
	SMTPPassword  pulumi.StringInput // smtpPassword: the mail relay's password (odoo.mail)
	// VPNPSKs is vpnPsks: JSON object, VPN peer name -> IKE pre-shared key (gcp HA VPN).
	VPNPSKs pulumi.StringInput
}

// Outputs are the stack's outputs: its contract with operators and auditors.
type Outputs struct {
	Hostnames     pulumi.StringArrayOutput
	PrimaryRegion string
	BackupRegion  string
	KeyARNs       pulumi.StringMapOutput // "<region>/<purpose>" -> key ARN
	BackupBuckets pulumi.StringArrayOutput
	BackupVaults  pulumi.StringArrayOutput
	Controls      []string
	ControlScope  map[string]string // where a claimed control reaches less than the stack (ControlScope)
	CrossBorder   []config.CrossBorder
	OriginDNS     pulumi.StringOutput // the load balancer behind the edge (cloud tiers)
	Odoo          *OdooOutputs        // cloud tiers: what runs (OPS-2)
}

// OdooOutputs are what a cloud tier runs (OPS-2): the image the tasks pull, by
// digest through the stack's cache, its digest and the Odoo version it carries.
type OdooOutputs struct {
	Image       pulumi.StringOutput
	ImageDigest string
	Version     string
}

// Export publishes the outputs as the stack's outputs.
func (o *Outputs) Export(ctx *pulumi.Context) {
	ctx.Export("hostnames", o.Hostnames)
	ctx.Export("primaryRegion", pulumi.String(o.PrimaryRegion))
	ctx.Export("backupRegion", pulumi.String(o.BackupRegion))
	ctx.Export("keyArns", o.KeyARNs)
	ctx.Export("backupBuckets", o.BackupBuckets)
	ctx.Export("backupVaults", o.BackupVaults)
	ctx.Export("controls", pulumi.ToStringArray(o.Controls))
	ctx.Export("controlScope", pulumi.ToStringMap(o.ControlScope))
	crossings := pulumi.Array{}
	for _, c := range o.CrossBorder {
		crossings = append(crossings, pulumi.Map{
			"subProcessor": pulumi.String(c.SubProcessor), "place": pulumi.String(c.Place.Describe()),
			"approval": pulumi.String(c.ApprovalID), "expires": pulumi.String(c.Expires),
		})
	}
	ctx.Export("crossBorderPlacements", crossings)
	if o.Odoo != nil {
		ctx.Export("odooImage", o.Odoo.Image)
		ctx.Export("odooImageDigest", pulumi.String(o.Odoo.ImageDigest))
		ctx.Export("odooVersion", pulumi.String(o.Odoo.Version))
	}
}

// Run registers the stack of bp: the root component, the explicit providers and the
// components its tier calls for, every one a descendant of the root. The cloud's own
// part is its composition (compositions, one file per cloud); the edge, the outputs
// and the root are the same for every cloud.
func Run(ctx *pulumi.Context, bp *Blueprint, secrets Secrets) (*Outputs, error) {
	cfg := bp.Config
	name := cfg.Name()
	compose, ok := compositions[cfg.Cloud]
	if !ok {
		return nil, fmt.Errorf("cloud %q has no composition in this program; allowed: aws, gcp (docs/decisions/0079)", cfg.Cloud)
	}

	props, err := rootProperties(rootInputs(cfg))
	if err != nil {
		return nil, err
	}
	root := &Customer{}
	if err := ctx.RegisterComponentResourceV2(contract.RootType, name, props, root); err != nil {
		return nil, err
	}
	// The Cloudflare API token comes from CLOUDFLARE_API_TOKEN, never from the stack's
	// configuration (README: deploying for real).
	cf, err := cloudflare.NewProvider(ctx, name+"-cloudflare", &cloudflare.ProviderArgs{}, pulumi.Parent(root))
	if err != nil {
		return nil, err
	}
	parts, err := compose(ctx, bp, secrets, root, cf)
	if err != nil {
		return nil, err
	}
	in := pulumi.Parent(root)

	edgeArgs := &cloudflareedge.Args{Spec: bp.Edge, Provider: cf, Origin: parts.Origin, OriginIsIPv4: parts.OriginIsIPv4}
	if bp.Runtime != nil { // NET-8: our own client certificate, verified by the load balancer
		edgeArgs.OriginPullCertificate = pulumi.String(cfg.Cloudflare.OriginPullCertificate)
		edgeArgs.OriginPullKey = secrets.OriginPullKey
	}
	if bp.Edge.Origin.Kind == "tunnel" {
		edgeArgs.TunnelSecret = secrets.TunnelSecret
	}
	if mt := bp.Edge.MagicTransit; mt != nil {
		edgeArgs.IPsecPSKs = map[string]pulumi.StringInput{}
		for _, t := range mt.Tunnels {
			if t.Kind == "ipsec" {
				edgeArgs.IPsecPSKs[t.Name] = pskOf(secrets.IPsecPSKs, "ipsecPsks", "tunnel", t.Name)
			}
		}
	}
	ed, err := cloudflareedge.New(ctx, name+"-edge", edgeArgs, in)
	if err != nil {
		return nil, err
	}

	out := &Outputs{
		Hostnames:     ed.Hostnames,
		PrimaryRegion: cfg.Region,
		BackupRegion:  cfg.BackupRegion,
		KeyARNs:       parts.KeyARNs.ToStringMapOutput(),
		BackupBuckets: parts.BackupBuckets.ToStringArrayOutput(),
		BackupVaults:  parts.BackupVaults.ToStringArrayOutput(),
		Controls:      Controls(cfg),
		ControlScope:  ControlScope(cfg),
		CrossBorder:   cfg.CrossBorderPlacements(bp.Now),
		OriginDNS:     parts.Origin,
		Odoo:          parts.Odoo,
	}
	if err := ctx.RegisterResourceOutputs(root, pulumi.Map{
		"hostnames": out.Hostnames, "keyArns": out.KeyARNs, "backupBuckets": out.BackupBuckets,
	}); err != nil {
		return nil, err
	}
	return out, nil
}

// cloudParts is what a cloud's composition hands back to Run: the origin the edge
// forwards to (empty where the application is not ours) and what the outputs name.
type cloudParts struct {
	Origin        pulumi.StringOutput
	OriginIsIPv4  bool             // Origin is an address (a GCP load balancer's), not a DNS name
	KeyARNs       pulumi.StringMap // "<region>/<purpose>" -> key identifier
	BackupBuckets pulumi.StringArray
	BackupVaults  pulumi.StringArray
	Odoo          *OdooOutputs
}

// composition registers a cloud's part of the stack of bp under root: keys, access,
// network, database, runtime, backups and operations, as the tier calls for.
type composition func(ctx *pulumi.Context, bp *Blueprint, secrets Secrets, root pulumi.Resource, cf *cloudflare.Provider) (*cloudParts, error)

// compositions are the clouds this program composes.
var compositions = map[jurisdiction.Cloud]composition{jurisdiction.AWS: composeAWS, jurisdiction.GCP: composeGCP}

// pskOf picks one tunnel's key out of a JSON secret (ipsecPsks: Magic Transit
// tunnels; vpnPsks: VPN peers), keeping it secret.
func pskOf(all pulumi.StringInput, secret, what, tunnel string) pulumi.StringInput {
	return pulumi.ToSecret(all.ToStringOutput().ApplyT(func(raw string) (string, error) {
		var m map[string]string
		if err := json.Unmarshal([]byte(raw), &m); err != nil {
			return "", fmt.Errorf("secret %s is not a JSON object of %s name to key", secret, what)
		}
		k, ok := m[tunnel]
		if !ok {
			return "", fmt.Errorf("secret %s has no key for %s %q", secret, what, tunnel)
		}
		return k, nil
	})).(pulumi.StringOutput)
}

// Prepare loads, defaults and validates the stack configuration file at path and
// builds its blueprint; every problem comes back at once as problems.List.
func Prepare(path string, now time.Time) (*Blueprint, error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	cfg.ApplyDefaults()
	return Build(cfg, now)
}
