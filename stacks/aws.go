package stacks

import (
	"time"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-cloudflare/sdk/v5/go/cloudflare"
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
)

// composeAWS is the AWS part of a stack: one provider per region (primary, backup),
// keys in both, access and audit, the network, database and runtime where the tier
// runs Odoo, backups and the operations watch.
func composeAWS(ctx *pulumi.Context, bp *Blueprint, secrets Secrets, root pulumi.Resource, cf *cloudflare.Provider) (*cloudParts, error) {
	cfg := bp.Config
	name := cfg.Name()
	prov, err := newAWSProviders(ctx, name, cfg, root)
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
			Spec: bp.Edge, Provider: cf,
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

	keyARNs := pulumi.StringMap{}
	for p, arn := range primaryKeys.ARNs {
		keyARNs[cfg.Region+"/"+string(p)] = arn
	}
	for p, arn := range backupKeys.ARNs {
		keyARNs[cfg.BackupRegion+"/"+string(p)] = arn
	}
	return &cloudParts{
		Origin: origin, KeyARNs: keyARNs, Odoo: odoo,
		BackupBuckets: pulumi.StringArray{bk.PrimaryBucket, bk.ReplicaBucket},
		BackupVaults:  pulumi.StringArray{bk.PrimaryVaultArn, bk.BackupVaultArn},
	}, nil
}

// awsProviders are the explicit AWS providers of a stack: no resource falls back to
// an ambient default region or account.
type awsProviders struct {
	primary, backup *aws.Provider
}

func newAWSProviders(ctx *pulumi.Context, name string, cfg *config.Config, parent pulumi.Resource) (awsProviders, error) {
	tags := pulumi.StringMap{
		"odoo-hosting:customer":     pulumi.String(cfg.Customer),
		"odoo-hosting:environment":  pulumi.String(string(cfg.Environment)),
		"odoo-hosting:tier":         pulumi.String(string(cfg.Tier)),
		"odoo-hosting:jurisdiction": pulumi.String(string(cfg.Jurisdiction)),
		"odoo-hosting:stack":        pulumi.String(cfg.Stack),
	}
	awsProvider := func(suffix, region string) (*aws.Provider, error) {
		return aws.NewProvider(ctx, name+"-"+suffix, &aws.ProviderArgs{
			Region:            pulumi.String(region),
			AllowedAccountIds: pulumi.ToStringArray([]string{cfg.AccountID}),
			DefaultTags:       &aws.ProviderDefaultTagsArgs{Tags: tags},
		}, pulumi.Parent(parent))
	}
	var p awsProviders
	var err error
	if p.primary, err = awsProvider("primary", cfg.Region); err != nil {
		return p, err
	}
	p.backup, err = awsProvider("backup", cfg.BackupRegion)
	return p, err
}
