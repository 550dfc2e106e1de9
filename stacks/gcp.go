package stacks

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"github.com/pulumi/pulumi-cloudflare/sdk/v5/go/cloudflare"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/octura/odoo-hosting/components/access/gcpaccess"
	"github.com/octura/odoo-hosting/components/backup/gcpbackup"
	"github.com/octura/odoo-hosting/components/database/gcpdatabase"
	"github.com/octura/odoo-hosting/components/edge/cloudflareedge"
	"github.com/octura/odoo-hosting/components/keys"
	"github.com/octura/odoo-hosting/components/keys/gcpkeys"
	"github.com/octura/odoo-hosting/components/network"
	"github.com/octura/odoo-hosting/components/network/gcpnetwork"
	"github.com/octura/odoo-hosting/components/ops/gcpops"
	"github.com/octura/odoo-hosting/components/runtime/gcpruntime"
	"github.com/octura/odoo-hosting/internal/config"
)

// composeGCP is the Google Cloud part of a stack (decision 0079): one provider per
// region (primary, backup), each pinned to the stack's project; Cloud KMS keys in
// both regions; access and audit; the network where the tier has one; the
// database and runtime where the tier runs Odoo; backups; and the operations watch.
// The slots follow composeAWS one for one, so that each concept's GCP twin is
// wired where its AWS twin is.
func composeGCP(ctx *pulumi.Context, bp *Blueprint, secrets Secrets, root pulumi.Resource, cf *cloudflare.Provider) (*cloudParts, error) {
	cfg := bp.Config
	name := cfg.Name()
	prov, err := newGCPProviders(ctx, name, cfg, root)
	if err != nil {
		return nil, err
	}
	in := pulumi.Parent(root)

	// Keys (ENC-2..ENC-5): the primary region's data, backup and logs keys, and the
	// backup region's backup key.
	// ENC-2: each key admits exactly the agents of what the tier builds with it:
	// the backup buckets (Cloud Storage) the backup key, the log buckets and flow
	// logs (Cloud Logging) the logs key, and where Odoo runs, Cloud SQL, the
	// instances' disks (Compute Engine) and the secrets (Secret Manager) the data
	// key. No bucket takes the data key.
	used := map[keys.Purpose][]gcpkeys.Service{keys.Backup: {gcpkeys.Storage}, keys.Logs: {gcpkeys.Logging}}
	if bp.Runtime != nil {
		used[keys.Data] = []gcpkeys.Service{gcpkeys.SQLAdmin, gcpkeys.Compute, gcpkeys.SecretManager}
	}
	primaryKeys, err := gcpkeys.New(ctx, name+"-keys", gcpkeys.Args{Spec: bp.Keys, Provider: prov.primary, Users: used}, in)
	if err != nil {
		return nil, err
	}
	backupKeys, err := gcpkeys.New(ctx, cfg.NameIn(cfg.BackupRegion)+"-keys", gcpkeys.Args{Spec: bp.BackupKeys, Provider: prov.backup, Users: used}, in)
	if err != nil {
		return nil, err
	}
	// The keys by name (components check a key's location from its name), as
	// outputs that resolve once the key's grants to its users' agents exist
	// (gcpkeys Names), so that what encrypts with a key waits for the grant its
	// service agent needs. Not pulumi.DependsOn on the keys components: the Go SDK
	// expands a component dependency to the children registered so far, which made
	// plans differ from run to run (decision 0079).
	dataKey := primaryKeys.Names[keys.Data]
	logsKey := primaryKeys.Names[keys.Logs]

	var net *gcpnetwork.Network
	if bp.Network != nil {
		vpn := map[string]pulumi.StringInput{}
		for _, p := range bp.Network.VPNPeers {
			vpn[p.Name] = pskOf(secrets.VPNPSKs, config.SecretVPNPSKs, "VPN peer", p.Name)
		}
		if net, err = gcpnetwork.New(ctx, gcpNetworkName(cfg), gcpnetwork.Args{
			Spec: *bp.Network, Region: cfg.Region, Project: cfg.ProjectID, Provider: prov.primary,
			LogsKey: logsKey, VPNSecrets: vpn,
		}, in); err != nil {
			return nil, err
		}
	}
	origin := pulumi.String("").ToStringOutput()
	var odoo *OdooOutputs
	var vmAccounts map[string]pulumi.StringInput // the runtime's instances, which engineers log in to
	opsArgs := gcpops.Args{
		Spec: bp.Ops, Provider: prov.primary, Project: cfg.ProjectID, Region: cfg.Region, KeyName: logsKey,
		RestoreTestJob: name + "-backup-restore-test",
	}
	if bp.Runtime != nil {
		db, err := gcpdatabase.New(ctx, componentName(cfg, partDatabase), gcpdatabase.Args{
			Spec: *bp.Database, Provider: prov.primary, Project: cfg.ProjectID, Region: cfg.Region,
			Network: net.NetworkID, PrivateServicesConnection: net.PrivateServicesConnection, DataKey: dataKey,
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
		ranges, err := gcpnetwork.Plan(*bp.Network)
		if err != nil {
			return nil, err
		}
		proxy, err := gcpruntime.ProxyRange(bp.Network.CIDR)
		if err != nil {
			return nil, err
		}
		rt, err := gcpruntime.New(ctx, componentName(cfg, partRuntime), gcpruntime.Args{
			Spec: *bp.Runtime, Provider: prov.primary, Project: cfg.ProjectID, Region: cfg.Region, Zones: bp.Network.Zones,
			Network: net.NetworkSelfLink, AppSubnetwork: net.Subnetworks[network.App], AppRange: ranges.Subnetworks[network.App],
			AppTag: net.Tags[network.App], PrivateServicesConnection: net.PrivateServicesConnection, ProxyRange: proxy,
			Key: dataKey, LogsKey: logsKey,
			OriginCertificatePEM: cert.Certificate, OriginPrivateKeyPEM: secrets.OriginKey,
			OriginPullCAPEM: pulumi.String(cfg.Cloudflare.OriginPullCA), // NET-8
			DatabaseAddress: db.Address, DatabaseSecret: db.AppSecretID, MasterSecret: db.AdminSecretID,
			DatabaseSecretVersion: db.AppSecretVersion, SMTPPassword: secrets.SMTPPassword,
		}, in)
		if err != nil {
			return nil, err
		}
		origin = rt.LoadBalancerAddress
		odoo = &OdooOutputs{Image: rt.Image, ImageDigest: rt.ImageDigest, Version: rt.OdooVersion}
		vmAccounts = map[string]pulumi.StringInput{"odoo": rt.ServiceAccountEmail}
		opsArgs.DatabaseInstance = db.Identifier
		opsArgs.CertificateExpireTime = rt.CertificateExpireTime // RFC 3339, as Compute Engine reports it
	}

	// Access and audit (IAM-1..IAM-6).
	if _, err := gcpaccess.New(ctx, name+"-access", gcpaccess.Args{
		Spec: bp.Access, Provider: prov.primary, Project: cfg.ProjectID, Region: cfg.Region,
		LogsKey: logsKey, LoggingAgent: primaryKeys.Agents[gcpkeys.Logging], GroupDomain: cfg.GCP.GroupDomain,
		VMServiceAccounts: vmAccounts, Now: func() time.Time { return bp.Now },
	}, in); err != nil {
		return nil, err
	}

	bk, err := gcpbackup.New(ctx, name+"-backup", gcpbackup.Args{
		Spec: bp.Backup, PrimaryProvider: prov.primary, BackupProvider: prov.backup,
		PrimaryKey: gcpKeyName(bp.Keys, keys.Backup), BackupKey: gcpKeyName(bp.BackupKeys, keys.Backup),
		PrimaryKeyReady: primaryKeys.Names[keys.Backup], BackupKeyReady: backupKeys.Names[keys.Backup],
	}, in)
	if err != nil {
		return nil, err
	}

	// Operations (OPS-1, OPS-2).
	if _, err := gcpops.New(ctx, name+"-ops", opsArgs, in); err != nil {
		return nil, err
	}

	keyARNs := pulumi.StringMap{}
	for p, id := range primaryKeys.ARNs {
		keyARNs[cfg.Region+"/"+string(p)] = id
	}
	for p, id := range backupKeys.ARNs {
		keyARNs[cfg.BackupRegion+"/"+string(p)] = id
	}
	return &cloudParts{
		Origin: origin, OriginIsIPv4: bp.Runtime != nil, KeyARNs: keyARNs, Odoo: odoo,
		BackupBuckets: pulumi.StringArray{bk.PrimaryBucket, bk.ReplicaBucket},
		// Google Cloud has no backup vault: the buckets hold the copies and Cloud SQL
		// keeps its own backups (gcpdatabase), so the output stays empty.
		BackupVaults: pulumi.StringArray{},
	}, nil
}

// gcpKeyName is the Cloud KMS name of spec's key of purpose p: the customer's key
// on enterprise (ENC-4), otherwise the key gcpkeys creates, whose name is known
// before it exists (ring <customer> in the keys' region, key <customer>-<purpose>).
func gcpKeyName(spec keys.Spec, p keys.Purpose) string { return gcpkeys.Name(spec, p) }

// gcpNetworkMaxName is the longest component name gcpnetwork accepts: its children
// append up to 46 characters to it and GCP names stop at 63.
const gcpNetworkMaxName = 17

// gcpNetworkName is the network component's name: the stack's name when it fits
// gcpnetwork's limit, otherwise the slug's first characters and a hash of the
// stack's name, so that two stacks of one project never share a firewall name.
func gcpNetworkName(cfg *config.Config) string {
	n := cfg.Name()
	if len(n) <= gcpNetworkMaxName {
		return n
	}
	sum := sha256.Sum256([]byte(n))
	head := strings.TrimRight(cfg.Slug()[:min(len(cfg.Slug()), gcpNetworkMaxName-7)], "-")
	return head + "-" + hex.EncodeToString(sum[:])[:6]
}

// gcpProviders are the explicit Google Cloud providers of a stack: every resource
// names the stack's project and the provider's region; none falls back to an
// ambient project, region or zone.
type gcpProviders struct {
	primary, backup *gcp.Provider
}

// gcpLabels are the labels every resource of the stack carries where it takes
// labels: the AWS default tags' facts, in GCP's label alphabet (keys and values of
// lowercase letters, digits, "_" and "-", at most 63 characters; Resource Manager,
// Project.labels).
func gcpLabels(cfg *config.Config) map[string]string {
	return map[string]string{
		"odoo-hosting_customer":     labelValue(cfg.Customer),
		"odoo-hosting_environment":  labelValue(string(cfg.Environment)),
		"odoo-hosting_tier":         labelValue(string(cfg.Tier)),
		"odoo-hosting_jurisdiction": labelValue(string(cfg.Jurisdiction)),
		"odoo-hosting_stack":        labelValue(cfg.Stack),
	}
}

// labelValue maps s into GCP's label value alphabet: lowercase, every other
// character "_", at most 63 characters.
func labelValue(s string) string {
	out := []rune(strings.ToLower(s))
	for i, r := range out {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' && r != '_' {
			out[i] = '_'
		}
	}
	if len(out) > 63 {
		out = out[:63]
	}
	return string(out)
}

func newGCPProviders(ctx *pulumi.Context, name string, cfg *config.Config, parent pulumi.Resource) (gcpProviders, error) {
	labels := pulumi.ToStringMap(gcpLabels(cfg))
	provider := func(suffix, region string) (*gcp.Provider, error) {
		return gcp.NewProvider(ctx, name+"-"+suffix, &gcp.ProviderArgs{
			Project:       pulumi.String(cfg.ProjectID),
			Region:        pulumi.String(region),
			DefaultLabels: labels,
		}, pulumi.Parent(parent))
	}
	var p gcpProviders
	var err error
	if p.primary, err = provider("primary", cfg.Region); err != nil {
		return p, err
	}
	p.backup, err = provider("backup", cfg.BackupRegion)
	return p, err
}
