package stacks

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/octura/odoo-hosting/components/access/awsaccess"
	"github.com/octura/odoo-hosting/components/backup/awsbackup"
	"github.com/octura/odoo-hosting/components/database/awsdatabase"
	"github.com/octura/odoo-hosting/components/edge/cloudflareedge"
	"github.com/octura/odoo-hosting/components/keys"
	"github.com/octura/odoo-hosting/components/keys/awskeys"
	"github.com/octura/odoo-hosting/components/network/awsnetwork"
	"github.com/octura/odoo-hosting/components/ops/awsops"
	"github.com/octura/odoo-hosting/components/runtime/awsruntime"
	"github.com/octura/odoo-hosting/internal/config"
	"github.com/octura/odoo-hosting/internal/plan"
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
// components its tier calls for, every one a descendant of the root.
func Run(ctx *pulumi.Context, bp *Blueprint, secrets Secrets) (*Outputs, error) {
	cfg := bp.Config
	name := cfg.Name()

	root := &Customer{}
	if err := ctx.RegisterComponentResourceV2(RootType, name, rootInputs(cfg), root); err != nil {
		return nil, err
	}
	prov, err := newProviders(ctx, name, cfg, root)
	if err != nil {
		return nil, err
	}
	in := pulumi.Parent(root)

	primaryKeys, err := awskeys.New(ctx, name+"-keys", awskeys.Args{Spec: bp.Keys, Provider: prov.primary}, in)
	if err != nil {
		return nil, err
	}
	backupKeys, err := awskeys.New(ctx, cfg.NameIn(cfg.BackupRegion)+"-keys", awskeys.Args{Spec: bp.BackupKeys, Provider: prov.backup}, in)
	if err != nil {
		return nil, err
	}
	dataKey, logsKey := primaryKeys.ARNs[keys.Data], primaryKeys.ARNs[keys.Logs]

	if _, err := awsaccess.New(ctx, name+"-access", awsaccess.Args{
		Spec: bp.Access, Provider: prov.primary, TrailKeyArn: logsKey, Now: func() time.Time { return bp.Now },
	}, in); err != nil {
		return nil, err
	}

	var net *awsnetwork.Network
	if bp.Network != nil {
		if net, err = awsnetwork.New(ctx, name+"-network", awsnetwork.Args{
			Spec: *bp.Network, Region: cfg.Region, Provider: prov.primary, LogsKeyArn: logsKey, AccountID: cfg.AccountID,
		}, in); err != nil {
			return nil, err
		}
	}

	protected, databases := pulumi.StringArray{}, pulumi.StringArray{}
	var restore *awsbackup.RestoreTarget
	origin := pulumi.String("").ToStringOutput()
	var app *awsops.Args // the application's parts OPS-1 watches (cloud tiers)
	var odoo *OdooOutputs
	if bp.Runtime != nil {
		db, err := awsdatabase.New(ctx, componentName(cfg, partDatabase), awsdatabase.Args{
			Spec: *bp.Database, Provider: prov.primary, SubnetIDs: net.DatabaseSubnetIDs,
			SecurityGroupID: net.DatabaseSecurityGroupID, KeyArn: dataKey, LogsKeyArn: logsKey,
		}, in)
		if err != nil {
			return nil, err
		}
		cert, err := cloudflareedge.NewOriginCertificate(ctx, name+"-origin-cert", &cloudflareedge.OriginCertificateArgs{
			Spec: bp.Edge, Provider: prov.cloudflare,
		}, in)
		if err != nil {
			return nil, err
		}
		rt, err := awsruntime.New(ctx, componentName(cfg, partRuntime), awsruntime.Args{
			Spec: *bp.Runtime, Provider: prov.primary, VpcID: net.VpcID,
			PublicSubnetIDs: net.PublicSubnetIDs, AppSubnetIDs: net.AppSubnetIDs,
			LoadBalancerSecurityGroupID: net.LoadBalancerSecurityGroupID, AppSecurityGroupID: net.AppSecurityGroupID,
			KeyArn: dataKey, LogsKeyArn: logsKey,
			OriginCertificatePEM: cert.Certificate, OriginPrivateKeyPEM: secrets.OriginKey,
			OriginPullCAPEM: pulumi.String(cfg.Cloudflare.OriginPullCA), // NET-8
			DatabaseAddress: db.Address, DatabaseSecretArn: db.AppSecretArn, MasterSecretArn: db.SecretArn,
			DatabaseSecretVersion: db.AppSecretVersion, SMTPPassword: secrets.SMTPPassword,
		}, in)
		if err != nil {
			return nil, err
		}
		protected = append(protected, rt.FileSystemArn)
		databases = append(databases, db.InstanceArn)
		restore = &awsbackup.RestoreTarget{
			DatabaseSubnetGroupName: db.SubnetGroupName, DatabaseSecurityGroupID: net.DatabaseSecurityGroupID, DataKeyArn: dataKey,
		}
		origin = rt.LoadBalancerDNSName
		app = &awsops.Args{LoadBalancerArn: rt.LoadBalancerArn, DatabaseIdentifier: db.Identifier, CertificateArn: rt.CertificateArn}
		for _, tg := range rt.TargetGroupArns {
			app.TargetGroupArns = append(app.TargetGroupArns, tg)
		}
		odoo = &OdooOutputs{Image: rt.Image, ImageDigest: rt.ImageDigest, Version: rt.OdooVersion}
	}

	bk, err := awsbackup.New(ctx, name+"-backup", awsbackup.Args{
		Spec: bp.Backup, PrimaryProvider: prov.primary, BackupProvider: prov.backup,
		PrimaryKeyArn: primaryKeys.ARNs[keys.Backup], BackupKeyArn: backupKeys.ARNs[keys.Backup],
		ResourceArns: protected, DatabaseArns: databases, Restore: restore,
	}, in)
	if err != nil {
		return nil, err
	}

	opsArgs := awsops.Args{
		Spec: bp.Ops, Provider: prov.primary, AccountID: cfg.AccountID, KeyArn: logsKey,
		ReplicationSourceBucket: bk.PrimaryBucket, ReplicationDestinationBucket: bk.ReplicaBucket, ReplicationRuleID: bk.ReplicationRuleID,
	}
	if app != nil {
		opsArgs.LoadBalancerArn, opsArgs.TargetGroupArns = app.LoadBalancerArn, app.TargetGroupArns
		opsArgs.DatabaseIdentifier, opsArgs.CertificateArn = app.DatabaseIdentifier, app.CertificateArn
	}
	if _, err := awsops.New(ctx, name+"-ops", opsArgs, in); err != nil {
		return nil, err
	}

	edgeArgs := &cloudflareedge.Args{Spec: bp.Edge, Provider: prov.cloudflare, Origin: origin}
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
				edgeArgs.IPsecPSKs[t.Name] = pskOf(secrets.IPsecPSKs, t.Name)
			}
		}
	}
	ed, err := cloudflareedge.New(ctx, name+"-edge", edgeArgs, in)
	if err != nil {
		return nil, err
	}

	keyARNs := pulumi.StringMap{}
	for p, arn := range primaryKeys.ARNs {
		keyARNs[cfg.Region+"/"+string(p)] = arn
	}
	for p, arn := range backupKeys.ARNs {
		keyARNs[cfg.BackupRegion+"/"+string(p)] = arn
	}
	out := &Outputs{
		Hostnames:     ed.Hostnames,
		PrimaryRegion: cfg.Region,
		BackupRegion:  cfg.BackupRegion,
		KeyARNs:       keyARNs.ToStringMapOutput(),
		BackupBuckets: pulumi.StringArray{bk.PrimaryBucket, bk.ReplicaBucket}.ToStringArrayOutput(),
		BackupVaults:  pulumi.StringArray{bk.PrimaryVaultArn, bk.BackupVaultArn}.ToStringArrayOutput(),
		Controls:      Controls(cfg),
		ControlScope:  ControlScope(cfg),
		CrossBorder:   cfg.CrossBorderPlacements(bp.Now),
		OriginDNS:     origin,
		Odoo:          odoo,
	}
	if err := ctx.RegisterResourceOutputs(root, pulumi.Map{
		"hostnames": out.Hostnames, "keyArns": out.KeyARNs, "backupBuckets": out.BackupBuckets,
	}); err != nil {
		return nil, err
	}
	return out, nil
}

// pskOf picks one tunnel's key out of the ipsecPsks secret, keeping it secret.
func pskOf(all pulumi.StringInput, tunnel string) pulumi.StringInput {
	return pulumi.ToSecret(all.ToStringOutput().ApplyT(func(raw string) (string, error) {
		var m map[string]string
		if err := json.Unmarshal([]byte(raw), &m); err != nil {
			return "", fmt.Errorf("secret ipsecPsks is not a JSON object of tunnel name to key")
		}
		k, ok := m[tunnel]
		if !ok {
			return "", fmt.Errorf("secret ipsecPsks has no key for tunnel %q", tunnel)
		}
		return k, nil
	})).(pulumi.StringOutput)
}

// Prepare loads, defaults and validates the stack configuration file at path and
// builds its blueprint; every problem comes back at once as config.Problems.
func Prepare(path string, now time.Time) (*Blueprint, error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	cfg.ApplyDefaults()
	return Build(cfg, now)
}

// OfflineSecrets stand in for the secret configuration in offline plans: the plan
// prints every secret as "[secret]" and never needs its value.
func OfflineSecrets(bp *Blueprint) Secrets {
	psks := map[string]string{}
	if mt := bp.Edge.MagicTransit; mt != nil {
		for _, t := range mt.Tunnels {
			psks[t.Name] = "offline"
		}
	}
	b, _ := json.Marshal(psks)
	secret := func(v string) pulumi.StringInput { return pulumi.ToSecret(pulumi.String(v)).(pulumi.StringOutput) }
	return Secrets{OriginKey: secret("offline"), TunnelSecret: secret("offline"), IPsecPSKs: secret(string(b)), OriginPullKey: secret("offline"), SMTPPassword: secret("offline")}
}

// Plan plans bp offline under the deterministic mocks of internal/plan.
func Plan(bp *Blueprint) (*plan.Plan, error) { return PlanWith(bp, plan.Options{}) }

// PlanWith is Plan with planner options (FirstPreview: as a new stack's preview).
func PlanWith(bp *Blueprint, opts plan.Options) (*plan.Plan, error) {
	return plan.RunWith(Project, bp.Config.Stack, func(ctx *pulumi.Context) error {
		out, err := Run(ctx, bp, OfflineSecrets(bp))
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
