// Package gcpruntime builds a customer's Odoo runtime on Google Cloud from a
// runtime.Spec (decision 0072): a regional managed instance group of Shielded VMs
// (secure boot, vTPM, integrity monitoring) on Container-Optimized OS in the app
// subnetwork, without external addresses, with boot disks encrypted with the data
// key, OS Login and a dedicated service account; the Odoo image by digest through
// an Artifact Registry remote repository in the stack's region, encrypted with the
// data key and scanned by Artifact Analysis (OPS-2); the file store on a Filestore
// REGIONAL instance with the data key; the application logs in a regional log
// bucket with the logs key; Odoo's master password hash and the mail password in
// Secret Manager with user-managed replicas in the region; and a regional external
// Application Load Balancer (EXTERNAL_MANAGED) that terminates TLS in the region
// with the Cloudflare Origin CA certificate, TLS 1.2 minimum (RESTRICTED), mutual
// TLS against our origin-pull CA (REJECT_INVALID), a Cloud Armor policy that admits
// only Cloudflare's ranges, and host rules for the customer's hostnames alone.
//
// How to wire (stacks/gcp.go): Spec from the configuration; Provider, Project and
// Region of the primary region; Zones the network spec's zones; Network =
// gcpnetwork.Network.NetworkSelfLink; AppSubnetwork = Subnetworks[network.App];
// AppRange = gcpnetwork.Plan(spec).Subnetworks[network.App]; AppTag =
// Tags[network.App]; PrivateServicesConnection = the network's
// PrivateServicesConnection (Filestore uses the private services range);
// ProxyRange = ProxyRange(network spec CIDR), the first /23 of the plan's public
// block, which gcp leaves unused, for the region's proxy-only subnetwork (this
// component creates it); Key = gcpkeys ARNs[keys.Data], LogsKey = ARNs[keys.Logs]; the origin
// certificate, its key and the origin-pull CA as for awsruntime;
// DatabaseAddress, DatabaseSecret (and optionally MasterSecret,
// DatabaseSecretVersion) from gcpdatabase; SMTPPassword with Spec.Mail. Outputs:
// LoadBalancerAddress is the edge's origin; BackendServiceIDs, InstanceGroupManager
// and CertificateID are for operations (OPS-1); Image, ImageDigest, OdooVersion as
// on AWS.
package gcpruntime

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/artifactregistry"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/certificatemanager"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/compute"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/filestore"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/kms"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/logging"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/networksecurity"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/projects"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/secretmanager"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/serviceaccount"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/octura/odoo-hosting/components/edge"
	"github.com/octura/odoo-hosting/components/network"
	concept "github.com/octura/odoo-hosting/components/runtime"
	"github.com/octura/odoo-hosting/internal/jurisdiction"
)

// Type is the component's type token, the same concept as awsruntime.
const Type = concept.Type

// Choices written down once (decision 0072).
const (
	// SSLProfile and MinTLSVersion: TLS 1.2 and 1.3 only, with the RESTRICTED
	// profile's ECDHE AEAD ciphers (ENC-1).
	SSLProfile    = "RESTRICTED"
	MinTLSVersion = "TLS_1_2"
	// Scheme is the regional external Application Load Balancer's.
	Scheme = "EXTERNAL_MANAGED"
	// NetworkTier of the load balancer's address and forwarding rule.
	NetworkTier = "STANDARD"
	// FileStoreTier is the Filestore tier: REGIONAL replicates across the region's
	// zones and accepts a customer-managed key (the BASIC tiers do not).
	FileStoreTier = "REGIONAL"
	// FileStoreCapacityGB is the file share's size, the REGIONAL tier's minimum in
	// its lower range that every documented version accepts.
	FileStoreCapacityGB = 1024
	// COSImage is the Container-Optimized OS image family the instances boot.
	COSImage = "projects/cos-cloud/global/images/family/cos-stable"
	// BootDiskGB is the boot disk's size; the disk holds the image layers only.
	BootDiskGB = 30
	// WebsocketTimeoutSec is the websocket backend's timeout: for websockets the
	// longest a connection stays open.
	WebsocketTimeoutSec = 3600
	// ArmorAllowPriority is the first allow rule's priority; ArmorDenyPriority the
	// deny-all just above the policy's default rule (2147483647), which pulumi-gcp
	// v7.38.0 cannot change (decision 0072).
	ArmorAllowPriority = 1000
	ArmorDenyPriority  = 2147483646
	// ArmorRangesPerRule is Cloud Armor's limit of source ranges in one rule.
	ArmorRangesPerRule = 10
	// MaxLogRetentionDays is the longest retention a Cloud Logging bucket takes.
	MaxLogRetentionDays = 3650
)

// Args are the inputs of New.
type Args struct {
	// Spec is what the runtime must be; it is validated before anything is registered.
	Spec concept.Spec
	// Provider is the gcp provider of Region. Required.
	Provider pulumi.ProviderResource
	// Project is the GCP project ID. Required.
	Project string
	// Region is the region of every resource; a gcp region of the jurisdiction
	// model. Required.
	Region string
	// Zones are zones of Region; the instance group spreads over the first
	// Spec.Zones of them (DAT-2). Required, at least Spec.Zones.
	Zones []string
	// Network is the VPC network's self link (gcpnetwork NetworkSelfLink). Required.
	Network pulumi.StringInput
	// AppSubnetwork is the app subnetwork's self link; the instances live there
	// without external addresses (NET-3). Required.
	AppSubnetwork pulumi.StringInput
	// AppRange is the app subnetwork's CIDR: the only clients the file share
	// exports to. Required.
	AppRange string
	// AppTag is the app tier's network tag (gcpnetwork Tags[network.App]). Required.
	AppTag string
	// PrivateServicesConnection is the VPC's private services access connection;
	// the Filestore instance takes its address from that range. Required.
	PrivateServicesConnection pulumi.StringInput
	// ProxyRange is the CIDR of the region's proxy-only subnetwork
	// (REGIONAL_MANAGED_PROXY) this component creates for the load balancer's
	// proxies: a /23 is recommended, a /26 is the smallest Google accepts; it must
	// not overlap AppRange. Required.
	ProxyRange string
	// Key is the data key (Cloud KMS key name in Region): boot disks, file store,
	// image repository, secrets (ENC-2). Required.
	Key pulumi.StringInput
	// LogsKey is the logs key: the application log bucket (ENC-2). Required.
	LogsKey pulumi.StringInput
	// OriginCertificatePEM and OriginPrivateKeyPEM are the edge's Origin CA
	// certificate for the hostnames (ENC-1, NET-8). Required; the key is kept secret.
	OriginCertificatePEM pulumi.StringInput
	OriginPrivateKeyPEM  pulumi.StringInput
	// OriginPullCAPEM is the CA of the client certificate the edge presents: the
	// load balancer refuses every connection without a certificate it signed (NET-8).
	// Required.
	OriginPullCAPEM pulumi.StringInput
	// DatabaseAddress is the database's private address. Required.
	DatabaseAddress pulumi.StringInput
	// DatabaseSecret is the Secret Manager secret (projects/<p>/secrets/<s>) of the
	// application role: JSON {"username","password"} or the bare password, then the
	// role is DatabaseUser (IAM-6). Required.
	DatabaseSecret pulumi.StringInput
	// DatabaseUser is the application role when DatabaseSecret holds a bare
	// password. Default odoo_<customer> (hyphens as underscores).
	DatabaseUser string
	// MasterSecret is the database administrator's secret; with it, setup keeps the
	// application role at each start as on AWS (decision 0014). Optional.
	MasterSecret pulumi.StringInput
	// DatabaseSecretVersion changes when the application password does; the
	// instances are then replaced and read the new password. Optional.
	DatabaseSecretVersion pulumi.StringInput
	// SMTPPassword is the mail relay's password, a secret; required with Spec.Mail.
	SMTPPassword pulumi.StringInput
}

// Runtime is a customer's Odoo runtime on Google Cloud.
type Runtime struct {
	pulumi.ResourceState

	// LoadBalancerAddress is the load balancer's external address: the edge's origin.
	LoadBalancerAddress pulumi.StringOutput `pulumi:"loadBalancerAddress"`
	// ForwardingRuleID and TargetProxyID are the load balancer's front end.
	ForwardingRuleID pulumi.StringOutput `pulumi:"forwardingRuleId"`
	TargetProxyID    pulumi.StringOutput `pulumi:"targetProxyId"`
	// BackendServiceIDs are the HTTP and websocket backend services (OPS-1 watches
	// their health).
	BackendServiceIDs []pulumi.StringOutput
	// SecurityPolicyID is the Cloud Armor policy on both backend services.
	SecurityPolicyID pulumi.StringOutput `pulumi:"securityPolicyId"`
	// CertificateID is the origin certificate (OPS-1 watches its expiry).
	CertificateID pulumi.StringOutput `pulumi:"certificateId"`
	// CertificateExpireTime is the origin certificate's expiry as Compute Engine
	// reports it (RFC 3339): what operations' reminder counts down to (OPS-1).
	CertificateExpireTime pulumi.StringOutput `pulumi:"certificateExpireTime"`
	// InstanceGroupManager is the regional managed instance group's ID;
	// InstanceGroup its instance group (the backends' group).
	InstanceGroupManager pulumi.StringOutput `pulumi:"instanceGroupManager"`
	InstanceGroup        pulumi.StringOutput `pulumi:"instanceGroup"`
	// ServiceAccountEmail is the instances' service account.
	ServiceAccountEmail pulumi.StringOutput `pulumi:"serviceAccountEmail"`
	// FileStoreID is the Filestore instance, for backups.
	FileStoreID pulumi.StringOutput `pulumi:"fileStoreId"`
	// LogBucketID is the regional bucket of the application logs.
	LogBucketID pulumi.StringOutput `pulumi:"logBucketId"`
	// RepositoryID is the Artifact Registry remote repository.
	RepositoryID pulumi.StringOutput `pulumi:"repositoryId"`
	// Image is the image the instances run, through the remote repository and by
	// digest; ImageDigest its digest and OdooVersion the Odoo version (OPS-2).
	Image       pulumi.StringOutput `pulumi:"image"`
	ImageDigest string
	OdooVersion string
}

// ProxyBits is the prefix length of the proxy-only subnetwork ProxyRange picks: the
// size Google's examples use; /26 is the smallest Google accepts.
const ProxyBits = 23

// ProxyRange returns the proxy-only subnetwork's range for a VPC of the address
// plan: the first /23 of the public tier's block (network.RoleBlock), a block no gcp
// subnetwork uses because Google's load balancers live outside the VPC.
func ProxyRange(vpcCIDR string) (string, error) {
	block, err := network.RoleBlock(vpcCIDR, network.Public)
	if err != nil {
		return "", err
	}
	p := netip.MustParsePrefix(block)
	return netip.PrefixFrom(p.Addr(), ProxyBits).String(), nil
}

// Registry returns the Artifact Registry Docker host of region.
func Registry(region string) string { return region + "-docker.pkg.dev" }

// RemoteImage is the image the instances pull: the configured image through the
// stack's remote repository (named after the customer, CachePrefix) in its own
// project and region, by digest only.
func RemoteImage(s concept.Spec, project, region string) (string, error) {
	img, err := concept.ParseImage(s.Image)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s/%s/%s/%s@%s", Registry(region), project, concept.CachePrefix(s), img.Repository, img.Digest), nil
}

// Upstream is the remote repository's upstream for an image's registry: the same
// registries the AWS cache reaches without credentials, as custom Docker upstreams.
func Upstream(registry string) string { return "https://" + concept.CacheRegistries[registry] }

// MachineType is the instances' machine type: an E2 custom type with the spec's
// vCPUs (at least 2, even) and its memory plus 1 GiB for the operating system and
// Docker, within E2's 0.5 to 8 GiB per vCPU, in 256 MiB steps.
func MachineType(s concept.Spec) string {
	s = s.WithDefaults()
	cpus := (s.CPU + 1023) / 1024
	if cpus < 2 {
		cpus = 2
	}
	cpus += cpus % 2
	mem := s.MemoryMiB + 1024
	if lo := cpus * 512; mem < lo {
		mem = lo
	}
	if hi := cpus * 8192; mem > hi {
		mem = hi
	}
	mem = (mem + 255) / 256 * 256
	return fmt.Sprintf("e2-custom-%d-%d", cpus, mem)
}

// DefaultDatabaseUser is the application role's name when the secret holds only
// a password.
func DefaultDatabaseUser(customer string) string {
	return "odoo_" + strings.ReplaceAll(customer, "-", "_")
}

// AccountID is the service account's ID: 6 to 30 characters.
func AccountID(name string) string {
	id := name + "-odoo"
	if len(id) > 30 {
		id = strings.TrimRight(name[:25], "-") + "-odoo"
	}
	return id
}

// longestChild is the longest suffix New appends to its name, with Pulumi's
// auto-name suffix ("-" and 7 hex digits), within GCP's 63 characters.
const longestChild = len("-proxy-to-app") + 8

// Validate checks the arguments for component name after defaults: every problem
// at once, each naming the field, the value and what is allowed.
func (a Args) Validate(name string) error {
	spec := a.Spec.WithDefaults()
	var errs []error
	add := func(format string, v ...any) { errs = append(errs, fmt.Errorf(format, v...)) }
	if err := spec.Validate(); err != nil {
		errs = append(errs, err)
	}
	if spec.LogRetentionDays > MaxLogRetentionDays {
		add("logRetentionDays %d is longer than a Cloud Logging bucket keeps; allowed on gcp: a retention choice up to %d", spec.LogRetentionDays, MaxLogRetentionDays)
	}
	if a.Provider == nil {
		add("provider is nil; allowed: the explicit gcp.Provider of the runtime's region")
	}
	if a.Project == "" {
		add("project is empty; allowed: the GCP project ID of the runtime")
	}
	if _, ok := jurisdiction.Lookup(jurisdiction.GCP, a.Region); !ok {
		add("region %q is not a known gcp region; allowed: a region of the jurisdiction model", a.Region)
	}
	if len(a.Zones) < spec.Zones {
		add("zones %q has %d entries; allowed: at least spec zones (%d) zones of region %s", a.Zones, len(a.Zones), spec.Zones, a.Region)
	}
	for i, z := range a.Zones {
		if !strings.HasPrefix(z, a.Region+"-") {
			add("zones[%d] %q is not a zone of region %s; allowed: %s-<letter>", i, z, a.Region, a.Region)
		}
	}
	app, appErr := netip.ParsePrefix(a.AppRange)
	if appErr != nil || !app.Addr().Is4() {
		add("appRange %q is not an IPv4 CIDR; allowed: the app subnetwork's range such as 10.20.32.0/20", a.AppRange)
	}
	proxy, err := netip.ParsePrefix(a.ProxyRange)
	switch {
	case err != nil || !proxy.Addr().Is4() || proxy.Masked() != proxy:
		add("proxyRange %q is not an IPv4 network address with prefix; allowed: a /23 to /26 such as 10.20.254.0/23", a.ProxyRange)
	case proxy.Bits() > 26:
		add("proxyRange %q has fewer than 64 addresses; allowed: a prefix of /26 or shorter (/23 recommended)", a.ProxyRange)
	case appErr == nil && proxy.Overlaps(app):
		add("proxyRange %q overlaps appRange %q; allowed: a range no subnetwork uses", a.ProxyRange, a.AppRange)
	}
	if a.AppTag == "" {
		add("appTag is empty; allowed: the app tier's network tag of the network component")
	}
	for _, f := range []struct {
		name string
		in   pulumi.StringInput
	}{
		{"network", a.Network}, {"appSubnetwork", a.AppSubnetwork}, {"privateServicesConnection", a.PrivateServicesConnection},
		{"key", a.Key}, {"logsKey", a.LogsKey}, {"originCertificatePem", a.OriginCertificatePEM},
		{"originPrivateKeyPem", a.OriginPrivateKeyPEM}, {"originPullCaPem", a.OriginPullCAPEM},
		{"databaseAddress", a.DatabaseAddress}, {"databaseSecret", a.DatabaseSecret},
	} {
		if f.in == nil {
			add("%s is nil; allowed: the wired input described in gcpruntime.Args", f.name)
		}
	}
	if spec.Mail != nil && a.SMTPPassword == nil {
		add("smtpPassword is nil with mail set; allowed: the mail relay's password as a secret")
	}
	if !gcpName(name) || len(name)+longestChild > 63 {
		add("name %q does not make valid resource names; allowed: a lowercase letter, then lowercase letters, digits and hyphens, at most %d characters", name, 63-longestChild)
	}
	return errors.Join(errs...)
}

// gcpNameRE is Compute Engine's resource name rule (RFC 1035 label), length aside.
var gcpNameRE = regexp.MustCompile(`^[a-z]([a-z0-9-]*[a-z0-9])?$`)

func gcpName(s string) bool { return gcpNameRE.MatchString(s) }

// ArmorRules splits the edge's origin ranges into Cloud Armor rules of at most
// ArmorRangesPerRule ranges each.
func ArmorRules(ranges []string) [][]string {
	var out [][]string
	for len(ranges) > 0 {
		n := min(len(ranges), ArmorRangesPerRule)
		out = append(out, ranges[:n])
		ranges = ranges[n:]
	}
	return out
}

// New validates args and builds the runtime; on an invalid argument it returns
// every problem and registers nothing.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Runtime, error) {
	spec := args.Spec.WithDefaults()
	if err := args.Validate(name); err != nil {
		return nil, fmt.Errorf("runtime %s: %w", name, err)
	}
	img, _ := concept.ParseImage(spec.Image) // validated above
	image, _ := RemoteImage(spec, args.Project, args.Region)
	dbUser := args.DatabaseUser
	if dbUser == "" {
		dbUser = DefaultDatabaseUser(spec.Customer)
	}
	c := &Runtime{ImageDigest: img.Digest, OdooVersion: spec.Version}
	if err := ctx.RegisterComponentResource(Type, name, c, opts...); err != nil {
		return nil, err
	}
	child := []pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(args.Provider)}
	with := func(extra ...pulumi.ResourceOption) []pulumi.ResourceOption {
		return append(append([]pulumi.ResourceOption{}, child...), extra...)
	}
	labels := pulumi.StringMap{"customer": pulumi.String(spec.Customer), "managed-by": pulumi.String("odoo-hosting")}
	project, region := pulumi.String(args.Project), pulumi.String(args.Region)
	zones := args.Zones[:spec.Zones]
	// ENC-2, residency: the keys must be of the runtime's region.
	args.Key = InRegion("key", args.Key, args.Region)
	args.LogsKey = InRegion("logsKey", args.LogsKey, args.Region)

	// ENC-2: the service agents of Artifact Registry and Filestore encrypt with the
	// data key; made explicitly so the grants never race their lazy creation (the
	// keys component grants Compute Engine, Secret Manager and Logging already).
	grants := map[string]pulumi.Resource{}
	for _, svc := range []string{"artifactregistry", "file"} {
		agent, err := projects.NewServiceIdentity(ctx, name+"-"+svc, &projects.ServiceIdentityArgs{
			Project: project, Service: pulumi.String(svc + ".googleapis.com"),
		}, child...)
		if err != nil {
			return nil, err
		}
		g, err := kms.NewCryptoKeyIAMMember(ctx, name+"-"+svc, &kms.CryptoKeyIAMMemberArgs{
			CryptoKeyId: args.Key, Role: pulumi.String("roles/cloudkms.cryptoKeyEncrypterDecrypter"), Member: agent.Member,
		}, child...)
		if err != nil {
			return nil, err
		}
		grants[svc] = g
	}

	// OPS-2: the image comes through a remote repository in the stack's region,
	// encrypted with the data key, and Artifact Analysis scans what it stores once
	// the Container Scanning API is on.
	scanning, err := projects.NewService(ctx, name+"-scanning", &projects.ServiceArgs{
		Project: project, Service: pulumi.String("containerscanning.googleapis.com"), DisableOnDestroy: pulumi.Bool(false),
	}, child...)
	if err != nil {
		return nil, err
	}
	repo, err := artifactregistry.NewRepository(ctx, name, &artifactregistry.RepositoryArgs{
		Project: project, Location: region, RepositoryId: pulumi.String(concept.CachePrefix(spec)),
		Format: pulumi.String("DOCKER"), Mode: pulumi.String("REMOTE_REPOSITORY"),
		Description: pulumi.String("Odoo images of " + spec.Customer + " from " + img.Registry + ", by digest"),
		KmsKeyName:  args.Key, // ENC-2
		RemoteRepositoryConfig: &artifactregistry.RepositoryRemoteRepositoryConfigArgs{
			Description: pulumi.String(img.Registry),
			DockerRepository: &artifactregistry.RepositoryRemoteRepositoryConfigDockerRepositoryArgs{
				CustomRepository: &artifactregistry.RepositoryRemoteRepositoryConfigDockerRepositoryCustomRepositoryArgs{
					Uri: pulumi.String(Upstream(img.Registry)),
				},
			},
		},
		Labels: labels,
	}, with(pulumi.DependsOn([]pulumi.Resource{grants["artifactregistry"], scanning}))...)
	if err != nil {
		return nil, err
	}

	// The instances' own identity, with only what they use.
	sa, err := serviceaccount.NewAccount(ctx, name, &serviceaccount.AccountArgs{
		Project: project, AccountId: pulumi.String(AccountID(name)),
		DisplayName: pulumi.String("Odoo instances of " + spec.Customer),
	}, child...)
	if err != nil {
		return nil, err
	}
	// The account's address is <id>@<project>.iam.gserviceaccount.com; built from
	// its ID output, it carries the dependency on the account.
	email := pulumi.Sprintf("%s@%s.iam.gserviceaccount.com", sa.AccountId, args.Project)
	member := pulumi.Sprintf("serviceAccount:%s", email)
	for _, role := range []string{"roles/logging.logWriter", "roles/monitoring.metricWriter"} {
		short := strings.TrimSuffix(strings.Split(role, ".")[1], "Writer")
		if _, err := projects.NewIAMMember(ctx, name+"-"+short, &projects.IAMMemberArgs{
			Project: project, Role: pulumi.String(role), Member: member,
		}, child...); err != nil {
			return nil, err
		}
	}
	if _, err := artifactregistry.NewRepositoryIamMember(ctx, name+"-pull", &artifactregistry.RepositoryIamMemberArgs{
		Project: project, Location: region, Repository: repo.Name,
		Role: pulumi.String("roles/artifactregistry.reader"), Member: member,
	}, child...); err != nil {
		return nil, err
	}

	// Odoo's master password, stored only as its hash; and the mail relay's password.
	// User-managed replication in the region with the data key: automatic
	// replication could place them anywhere (residency, issue 13).
	replication := &secretmanager.SecretReplicationArgs{UserManaged: &secretmanager.SecretReplicationUserManagedArgs{
		Replicas: secretmanager.SecretReplicationUserManagedReplicaArray{secretmanager.SecretReplicationUserManagedReplicaArgs{
			Location: region,
			CustomerManagedEncryption: &secretmanager.SecretReplicationUserManagedReplicaCustomerManagedEncryptionArgs{
				KmsKeyName: args.Key,
			},
		}},
	}}
	adminHash, err := newAdminPasswordHash()
	if err != nil {
		return nil, err
	}
	secretIDs := map[string]pulumi.StringInput{"db": args.DatabaseSecret}
	if args.MasterSecret != nil {
		secretIDs["master"] = args.MasterSecret
	}
	newSecret := func(suffix string, value pulumi.StringInput, ignore bool) (*secretmanager.Secret, error) {
		n := name + "-" + suffix
		s, err := secretmanager.NewSecret(ctx, n, &secretmanager.SecretArgs{
			Project: project, SecretId: pulumi.String(n), Replication: replication, Labels: labels,
		}, child...)
		if err != nil {
			return nil, err
		}
		vopts := child
		if ignore {
			vopts = with(pulumi.IgnoreChanges([]string{"secretData"}))
		}
		if _, err := secretmanager.NewSecretVersion(ctx, n, &secretmanager.SecretVersionArgs{
			Secret: s.ID(), SecretData: pulumi.ToSecret(value).(pulumi.StringOutput),
		}, vopts...); err != nil {
			return nil, err
		}
		return s, nil
	}
	admin, err := newSecret("odoo-admin", pulumi.String(adminHash), true)
	if err != nil {
		return nil, err
	}
	secretIDs["admin"] = admin.ID()
	smtpID := pulumi.String("").ToStringOutput()
	if spec.Mail != nil {
		smtp, err := newSecret("smtp", args.SMTPPassword, false)
		if err != nil {
			return nil, err
		}
		secretIDs["smtp"] = smtp.ID()
		smtpID = smtp.ID().ToStringOutput()
	}
	// IAM-6: the instances read exactly these secrets.
	for _, k := range []string{"admin", "db", "master", "smtp"} {
		id, ok := secretIDs[k]
		if !ok {
			continue
		}
		if _, err := secretmanager.NewSecretIamMember(ctx, name+"-read-"+k, &secretmanager.SecretIamMemberArgs{
			Project: project, SecretId: id, Role: pulumi.String("roles/secretmanager.secretAccessor"), Member: member,
		}, child...); err != nil {
			return nil, err
		}
	}

	// The file store: Filestore REGIONAL with the data key (ENC-2), never lost
	// (BAK-6), exported read-write to the app subnetwork only (NET-3); its address
	// comes from the private services range.
	fs, err := filestore.NewInstance(ctx, name, &filestore.InstanceArgs{
		Project: project, Location: region, Tier: pulumi.String(FileStoreTier),
		Description: pulumi.String("Odoo file store of " + spec.Customer),
		KmsKeyName:  args.Key,
		FileShares: &filestore.InstanceFileSharesArgs{
			Name: pulumi.String(FileShareName), CapacityGb: pulumi.Int(FileStoreCapacityGB),
			NfsExportOptions: filestore.InstanceFileSharesNfsExportOptionArray{filestore.InstanceFileSharesNfsExportOptionArgs{
				IpRanges: pulumi.StringArray{pulumi.String(args.AppRange)}, AccessMode: pulumi.String("READ_WRITE"),
				SquashMode: pulumi.String("NO_ROOT_SQUASH"),
			}},
		},
		Networks: filestore.InstanceNetworkArray{filestore.InstanceNetworkArgs{
			// Filestore names the network projects/<p>/global/networks/<n>; the
			// connection is a dependency, not a value.
			Network: pulumi.All(args.Network, args.PrivateServicesConnection).ApplyT(func(v []any) string {
				return NetworkPath(v[0].(string))
			}).(pulumi.StringOutput),
			Modes: pulumi.StringArray{pulumi.String("MODE_IPV4")}, ConnectMode: pulumi.String("PRIVATE_SERVICE_ACCESS"),
		}},
		Labels: labels,
	}, with(pulumi.RetainOnDelete(true), pulumi.Protect(spec.Production), pulumi.DependsOn([]pulumi.Resource{grants["file"]}))...)
	if err != nil {
		return nil, err
	}

	// ENC-2, residency: the application logs stay in a regional bucket with the logs
	// key and the spec's retention, and out of the global _Default bucket.
	logs, err := logging.NewProjectBucketConfig(ctx, name+"-app", &logging.ProjectBucketConfigArgs{
		Project: project, Location: region, BucketId: pulumi.String(name + "-app"),
		RetentionDays: pulumi.Int(spec.LogRetentionDays),
		CmekSettings:  &logging.ProjectBucketConfigCmekSettingsArgs{KmsKeyName: args.LogsKey},
		Description:   pulumi.String("Odoo logs of " + spec.Customer),
	}, with(pulumi.RetainOnDelete(true), pulumi.Protect(spec.Production))...)
	if err != nil {
		return nil, err
	}
	filter := LogFilter(name)
	if _, err := logging.NewProjectSink(ctx, name+"-app", &logging.ProjectSinkArgs{
		Project: project, Name: pulumi.String(name + "-app"), Filter: pulumi.String(filter),
		Destination:          pulumi.Sprintf("logging.googleapis.com/%s", logs.ID()),
		UniqueWriterIdentity: pulumi.Bool(true),
	}, with(pulumi.Protect(spec.Production))...); err != nil { // BAK-6
		return nil, err
	}
	if _, err := logging.NewProjectExclusion(ctx, name+"-app", &logging.ProjectExclusionArgs{
		Project: project, Name: pulumi.String(name + "-app"), Filter: pulumi.String(filter),
		Description: pulumi.String("Odoo logs of " + name + " stay in the regional bucket " + name + "-app"),
	}, child...); err != nil {
		return nil, err
	}

	// The load balancer's proxies: the region's proxy-only subnetwork, and their
	// only way to the app (NET-3); health checks come from Google's ranges, which the
	// network component admits.
	proxySubnet, err := compute.NewSubnetwork(ctx, name+"-proxy", &compute.SubnetworkArgs{
		Project: project, Region: region, Network: args.Network, IpCidrRange: pulumi.String(args.ProxyRange),
		Purpose: pulumi.String("REGIONAL_MANAGED_PROXY"), Role: pulumi.String("ACTIVE"),
		Description: pulumi.String("Proxy-only subnetwork of the regional load balancer of " + name),
	}, child...)
	if err != nil {
		return nil, err
	}
	if _, err := compute.NewFirewall(ctx, name+"-proxy-to-app", &compute.FirewallArgs{
		Project: project, Network: args.Network, Direction: pulumi.String("INGRESS"),
		Priority:     pulumi.Int(1000),
		Description:  pulumi.String("The regional load balancer's proxies to Odoo's HTTP and websocket workers"),
		SourceRanges: pulumi.StringArray{pulumi.String(args.ProxyRange)},
		TargetTags:   pulumi.StringArray{pulumi.String(args.AppTag)},
		Allows: compute.FirewallAllowArray{compute.FirewallAllowArgs{
			Protocol: pulumi.String("tcp"),
			Ports:    pulumi.StringArray{pulumi.String(strconv.Itoa(concept.AppPort)), pulumi.String(strconv.Itoa(concept.WebsocketPort))},
		}},
		LogConfig: &compute.FirewallLogConfigArgs{Metadata: pulumi.String("INCLUDE_ALL_METADATA")},
	}, child...); err != nil {
		return nil, err
	}

	// The instances.
	boot := pulumi.All(args.DatabaseAddress, args.DatabaseSecret, masterOrEmpty(args.MasterSecret), admin.ID().ToStringOutput(), smtpID, fs.Networks).
		ApplyT(func(v []any) (string, error) {
			ip := ""
			if nets, ok := v[5].([]filestore.InstanceNetwork); ok && len(nets) > 0 && len(nets[0].IpAddresses) > 0 {
				ip = nets[0].IpAddresses[0]
			}
			return CloudConfig(spec, BootInputs{
				Image: image, Registry: Registry(args.Region), DatabaseHost: v[0].(string),
				AppSecret: v[1].(string), MasterSecret: v[2].(string), AdminSecret: v[3].(string), SMTPSecret: v[4].(string),
				AppUser: dbUser, FileStoreIP: ip,
			})
		}).(pulumi.StringOutput)
	metadata := pulumi.StringMap{
		"user-data": boot,
		// IAM-5: engineers reach instances only through OS Login with 2-step
		// verification (over IAP TCP forwarding, the management path); no project keys.
		"enable-oslogin":            pulumi.String("TRUE"),
		"enable-oslogin-2fa":        pulumi.String("TRUE"),
		"block-project-ssh-keys":    pulumi.String("TRUE"),
		"google-logging-enabled":    pulumi.String("true"),
		"google-monitoring-enabled": pulumi.String("true"),
	}
	if args.DatabaseSecretVersion != nil {
		// A new application password makes a new template; the group replaces its
		// instances and they read the new password at start (rotation).
		metadata["database-secret-version"] = args.DatabaseSecretVersion
	}
	tmpl, err := compute.NewRegionInstanceTemplate(ctx, name, &compute.RegionInstanceTemplateArgs{
		Project: project, Region: region, MachineType: pulumi.String(MachineType(spec)),
		Description: pulumi.String("Odoo " + spec.Version + " of " + spec.Customer),
		Disks: compute.RegionInstanceTemplateDiskArray{compute.RegionInstanceTemplateDiskArgs{
			Boot: pulumi.Bool(true), AutoDelete: pulumi.Bool(true), SourceImage: pulumi.String(COSImage),
			DiskType: pulumi.String("pd-balanced"), DiskSizeGb: pulumi.Int(BootDiskGB),
			DiskEncryptionKey: &compute.RegionInstanceTemplateDiskDiskEncryptionKeyArgs{KmsKeySelfLink: args.Key}, // ENC-2
			Labels:            labels,
		}},
		// NET-2, NET-3: the app subnetwork, no access config: no external address.
		NetworkInterfaces: compute.RegionInstanceTemplateNetworkInterfaceArray{compute.RegionInstanceTemplateNetworkInterfaceArgs{
			Subnetwork: args.AppSubnetwork,
		}},
		ServiceAccount: &compute.RegionInstanceTemplateServiceAccountArgs{
			Email: email, Scopes: pulumi.StringArray{pulumi.String("https://www.googleapis.com/auth/cloud-platform")},
		},
		ShieldedInstanceConfig: &compute.RegionInstanceTemplateShieldedInstanceConfigArgs{
			EnableSecureBoot: pulumi.Bool(true), EnableVtpm: pulumi.Bool(true), EnableIntegrityMonitoring: pulumi.Bool(true),
		},
		Metadata: metadata,
		Tags:     pulumi.StringArray{pulumi.String(args.AppTag)},
		Labels:   labels,
	}, with(pulumi.DependsOn([]pulumi.Resource{fs}))...)
	if err != nil {
		return nil, err
	}
	hc, err := compute.NewRegionHealthCheck(ctx, name, &compute.RegionHealthCheckArgs{
		Project: project, Region: region,
		CheckIntervalSec: pulumi.Int(30), TimeoutSec: pulumi.Int(10), HealthyThreshold: pulumi.Int(2), UnhealthyThreshold: pulumi.Int(3),
		HttpHealthCheck: &compute.RegionHealthCheckHttpHealthCheckArgs{
			Port: pulumi.Int(concept.AppPort), RequestPath: pulumi.String(concept.HealthPath),
		},
	}, child...)
	if err != nil {
		return nil, err
	}
	wsHC, err := compute.NewRegionHealthCheck(ctx, name+"-websocket", &compute.RegionHealthCheckArgs{
		Project: project, Region: region,
		CheckIntervalSec: pulumi.Int(30), TimeoutSec: pulumi.Int(10), HealthyThreshold: pulumi.Int(2), UnhealthyThreshold: pulumi.Int(3),
		HttpHealthCheck: &compute.RegionHealthCheckHttpHealthCheckArgs{
			Port: pulumi.Int(concept.WebsocketPort), RequestPath: pulumi.String(concept.HealthPath),
		},
	}, child...)
	if err != nil {
		return nil, err
	}
	surge := len(zones) // a regional group surges by at least one instance per zone
	mig, err := compute.NewRegionInstanceGroupManager(ctx, name, &compute.RegionInstanceGroupManagerArgs{
		Project: project, Region: region, BaseInstanceName: pulumi.String(name),
		Description:             pulumi.String("Odoo instances of " + spec.Customer),
		DistributionPolicyZones: pulumi.ToStringArray(zones), // DAT-2
		TargetSize:              pulumi.Int(spec.DesiredCount),
		Versions: compute.RegionInstanceGroupManagerVersionArray{compute.RegionInstanceGroupManagerVersionArgs{
			Name: pulumi.String("odoo"), InstanceTemplate: tmpl.SelfLink,
		}},
		NamedPorts: compute.RegionInstanceGroupManagerNamedPortArray{
			compute.RegionInstanceGroupManagerNamedPortArgs{Name: pulumi.String("http"), Port: pulumi.Int(concept.AppPort)},
			compute.RegionInstanceGroupManagerNamedPortArgs{Name: pulumi.String("websocket"), Port: pulumi.Int(concept.WebsocketPort)},
		},
		AutoHealingPolicies: &compute.RegionInstanceGroupManagerAutoHealingPoliciesArgs{
			HealthCheck: hc.ID(), InitialDelaySec: pulumi.Int(600),
		},
		UpdatePolicy: &compute.RegionInstanceGroupManagerUpdatePolicyArgs{
			Type: pulumi.String("PROACTIVE"), MinimalAction: pulumi.String("REPLACE"),
			MaxSurgeFixed: pulumi.Int(surge), MaxUnavailableFixed: pulumi.Int(0),
			InstanceRedistributionType: pulumi.String("PROACTIVE"),
		},
	}, with(pulumi.DependsOn([]pulumi.Resource{repo}))...)
	if err != nil {
		return nil, err
	}

	// NET-3, NET-8: Cloud Armor admits Cloudflare's ranges only; a deny-all rule
	// sits just above the policy's default rule.
	armor, err := compute.NewRegionSecurityPolicy(ctx, name, &compute.RegionSecurityPolicyArgs{
		Project: project, Region: region, Type: pulumi.String("CLOUD_ARMOR"),
		Description: pulumi.String("Only the edge (Cloudflare) reaches the load balancer of " + name),
	}, child...)
	if err != nil {
		return nil, err
	}
	var armorRules []pulumi.Resource
	for i, chunk := range ArmorRules(edge.OriginRanges()) {
		r, err := compute.NewRegionSecurityPolicyRule(ctx, fmt.Sprintf("%s-edge-%d", name, i), &compute.RegionSecurityPolicyRuleArgs{
			Project: project, Region: region, SecurityPolicy: armor.Name,
			Priority: pulumi.Int(ArmorAllowPriority + i), Action: pulumi.String("allow"),
			Description: pulumi.String(fmt.Sprintf("Cloudflare's ranges, part %d", i+1)),
			Match: &compute.RegionSecurityPolicyRuleMatchArgs{
				VersionedExpr: pulumi.String("SRC_IPS_V1"),
				Config:        &compute.RegionSecurityPolicyRuleMatchConfigArgs{SrcIpRanges: pulumi.ToStringArray(chunk)},
			},
		}, child...)
		if err != nil {
			return nil, err
		}
		armorRules = append(armorRules, r)
	}
	deny, err := compute.NewRegionSecurityPolicyRule(ctx, name+"-deny", &compute.RegionSecurityPolicyRuleArgs{
		Project: project, Region: region, SecurityPolicy: armor.Name,
		Priority: pulumi.Int(ArmorDenyPriority), Action: pulumi.String("deny(403)"),
		Description: pulumi.String("Everything else"),
		Match: &compute.RegionSecurityPolicyRuleMatchArgs{
			VersionedExpr: pulumi.String("SRC_IPS_V1"),
			Config:        &compute.RegionSecurityPolicyRuleMatchConfigArgs{SrcIpRanges: pulumi.StringArray{pulumi.String("*")}},
		},
	}, child...)
	if err != nil {
		return nil, err
	}
	armorRules = append(armorRules, deny)

	backend := func(n, portName string, check *compute.RegionHealthCheck, timeout int) (*compute.RegionBackendService, error) {
		return compute.NewRegionBackendService(ctx, n, &compute.RegionBackendServiceArgs{
			Project: project, Region: region, LoadBalancingScheme: pulumi.String(Scheme),
			Protocol: pulumi.String("HTTP"), PortName: pulumi.String(portName), TimeoutSec: pulumi.Int(timeout),
			HealthChecks: check.ID(), SecurityPolicy: armor.SelfLink,
			ConnectionDrainingTimeoutSec: pulumi.Int(30),
			Backends: compute.RegionBackendServiceBackendArray{compute.RegionBackendServiceBackendArgs{
				Group: mig.InstanceGroup, BalancingMode: pulumi.String("UTILIZATION"), CapacityScaler: pulumi.Float64(1),
			}},
		}, with(pulumi.DependsOn(armorRules))...)
	}
	// At least Cloudflare's 100 s proxy read timeout, as on AWS (decision 0012).
	web, err := backend(name, "http", hc, concept.IdleTimeoutSeconds)
	if err != nil {
		return nil, err
	}
	ws, err := backend(name+"-websocket", "websocket", wsHC, WebsocketTimeoutSec)
	if err != nil {
		return nil, err
	}
	// NET-8: the customer's hostnames reach Odoo, /websocket its evented worker;
	// any other host is redirected to the first hostname, never forwarded.
	urlMap, err := compute.NewRegionUrlMap(ctx, name, &compute.RegionUrlMapArgs{
		Project: project, Region: region,
		DefaultUrlRedirect: &compute.RegionUrlMapDefaultUrlRedirectArgs{
			HostRedirect: pulumi.String(spec.Hostnames[0]), HttpsRedirect: pulumi.Bool(true), PathRedirect: pulumi.String("/"),
			StripQuery: pulumi.Bool(true), RedirectResponseCode: pulumi.String("MOVED_PERMANENTLY_DEFAULT"),
		},
		HostRules: compute.RegionUrlMapHostRuleArray{compute.RegionUrlMapHostRuleArgs{
			Hosts: pulumi.ToStringArray(spec.Hostnames), PathMatcher: pulumi.String("odoo"),
		}},
		PathMatchers: compute.RegionUrlMapPathMatcherArray{compute.RegionUrlMapPathMatcherArgs{
			Name: pulumi.String("odoo"), DefaultService: web.ID(),
			PathRules: compute.RegionUrlMapPathMatcherPathRuleArray{compute.RegionUrlMapPathMatcherPathRuleArgs{
				Paths: pulumi.ToStringArray([]string{concept.WebsocketPath, concept.WebsocketPath + "/*"}), Service: ws.ID(),
			}},
		}},
	}, child...)
	if err != nil {
		return nil, err
	}
	// ENC-1: the Origin CA certificate and TLS 1.2+ with the RESTRICTED profile.
	cert, err := compute.NewRegionSslCertificate(ctx, name, &compute.RegionSslCertificateArgs{
		Project: project, Region: region, Certificate: args.OriginCertificatePEM,
		PrivateKey:  pulumi.ToSecret(args.OriginPrivateKeyPEM).(pulumi.StringOutput),
		Description: pulumi.String("Cloudflare Origin CA certificate of " + strings.Join(spec.Hostnames, ", ")),
	}, child...)
	if err != nil {
		return nil, err
	}
	sslPolicy, err := compute.NewRegionSslPolicy(ctx, name, &compute.RegionSslPolicyArgs{
		Project: project, Region: region, Profile: pulumi.String(SSLProfile), MinTlsVersion: pulumi.String(MinTLSVersion),
	}, child...)
	if err != nil {
		return nil, err
	}
	// NET-8: mutual TLS; a client without a certificate of our origin-pull CA (the
	// edge) is refused in the handshake.
	trust, err := certificatemanager.NewTrustConfig(ctx, name, &certificatemanager.TrustConfigArgs{
		Project: project, Location: region,
		Description: pulumi.String("The edge's origin-pull CA for " + name),
		TrustStores: certificatemanager.TrustConfigTrustStoreArray{certificatemanager.TrustConfigTrustStoreArgs{
			TrustAnchors: certificatemanager.TrustConfigTrustStoreTrustAnchorArray{certificatemanager.TrustConfigTrustStoreTrustAnchorArgs{
				PemCertificate: args.OriginPullCAPEM,
			}},
		}},
		Labels: labels,
	}, child...)
	if err != nil {
		return nil, err
	}
	mtls, err := networksecurity.NewServerTlsPolicy(ctx, name, &networksecurity.ServerTlsPolicyArgs{
		Project: project, Location: region,
		Description: pulumi.String("Only the edge's client certificate reaches " + name),
		MtlsPolicy: &networksecurity.ServerTlsPolicyMtlsPolicyArgs{
			ClientValidationMode:        pulumi.String("REJECT_INVALID"),
			ClientValidationTrustConfig: pulumi.Sprintf("projects/%s/locations/%s/trustConfigs/%s", args.Project, args.Region, trust.Name),
		},
		Labels: labels,
	}, child...)
	if err != nil {
		return nil, err
	}
	proxy, err := compute.NewRegionTargetHttpsProxy(ctx, name, &compute.RegionTargetHttpsProxyArgs{
		Project: project, Region: region, UrlMap: urlMap.ID(),
		SslCertificates: pulumi.StringArray{cert.SelfLink}, SslPolicy: sslPolicy.SelfLink, ServerTlsPolicy: mtls.ID(),
	}, child...)
	if err != nil {
		return nil, err
	}
	addr, err := compute.NewAddress(ctx, name, &compute.AddressArgs{
		Project: project, Region: region, AddressType: pulumi.String("EXTERNAL"), NetworkTier: pulumi.String(NetworkTier),
		Description: pulumi.String("Origin of " + strings.Join(spec.Hostnames, ", ") + " behind the edge"),
		Labels:      labels,
	}, child...)
	if err != nil {
		return nil, err
	}
	// ENC-1: one forwarding rule, 443 only; there is no plain-HTTP front end.
	rule, err := compute.NewForwardingRule(ctx, name, &compute.ForwardingRuleArgs{
		Project: project, Region: region, LoadBalancingScheme: pulumi.String(Scheme),
		IpProtocol: pulumi.String("TCP"), PortRange: pulumi.String("443"), Target: proxy.ID(),
		IpAddress: addr.ID(), Network: args.Network, NetworkTier: pulumi.String(NetworkTier),
		Labels: labels,
	}, with(pulumi.DependsOn([]pulumi.Resource{proxySubnet}))...)
	if err != nil {
		return nil, err
	}

	c.Image = pulumi.String(image).ToStringOutput()
	c.LoadBalancerAddress = addr.Address
	c.ForwardingRuleID = rule.ID().ToStringOutput()
	c.TargetProxyID = proxy.ID().ToStringOutput()
	c.BackendServiceIDs = []pulumi.StringOutput{web.ID().ToStringOutput(), ws.ID().ToStringOutput()}
	c.SecurityPolicyID = armor.ID().ToStringOutput()
	c.CertificateID = cert.ID().ToStringOutput()
	c.CertificateExpireTime = cert.ExpireTime
	c.InstanceGroupManager = mig.ID().ToStringOutput()
	c.InstanceGroup = mig.InstanceGroup
	c.ServiceAccountEmail = email
	c.FileStoreID = fs.ID().ToStringOutput()
	c.LogBucketID = logs.ID().ToStringOutput()
	c.RepositoryID = repo.ID().ToStringOutput()
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"loadBalancerAddress": c.LoadBalancerAddress, "forwardingRuleId": c.ForwardingRuleID, "targetProxyId": c.TargetProxyID,
		"backendServiceIds": pulumi.ToStringArrayOutput(c.BackendServiceIDs), "securityPolicyId": c.SecurityPolicyID,
		"certificateId": c.CertificateID, "instanceGroupManager": c.InstanceGroupManager, "instanceGroup": c.InstanceGroup,
		"serviceAccountEmail": c.ServiceAccountEmail, "fileStoreId": c.FileStoreID, "logBucketId": c.LogBucketID,
		"repositoryId": c.RepositoryID, "image": c.Image, "imageDigest": pulumi.String(c.ImageDigest),
		"odooVersion": pulumi.String(c.OdooVersion),
	}); err != nil {
		return nil, err
	}
	return c, nil
}

// LogFilter selects the instances' logs: the containers' (Docker's gcplogs driver,
// log gcplogs-docker-driver) and the operating system's (their instance names begin
// with the group's base instance name). The regional bucket keeps them and the
// _Default sink excludes them.
func LogFilter(name string) string {
	return fmt.Sprintf(`resource.type="gce_instance" AND (log_id("gcplogs-docker-driver") OR labels."compute.googleapis.com/resource_name":%q)`, name+"-")
}

var keyName = regexp.MustCompile(`^projects/[^/]+/locations/([a-z0-9-]+)/keyRings/[^/]+/cryptoKeys/[^/]+$`)

// InRegion returns key, failing the deployment when the key's name is known, is a
// Cloud KMS key name, and its location is not region: a Cloud KMS key protects data
// only in its own location, and a key from elsewhere would put key material outside
// the runtime's region. A value that is not a key name yet (an offline plan's mock
// ID) passes unchanged.
func InRegion(field string, key pulumi.StringInput, region string) pulumi.StringOutput {
	return key.ToStringOutput().ApplyT(func(k string) (string, error) {
		if m := keyName.FindStringSubmatch(k); m != nil && m[1] != region {
			return "", fmt.Errorf("%s %q is in location %s, not in the runtime's region %s; allowed: a key in %s (ENC-2)", field, k, m[1], region, region)
		}
		return k, nil
	}).(pulumi.StringOutput)
}

// NetworkPath turns a network's self link into projects/<p>/global/networks/<n>, the
// form Filestore takes; a value without "projects/" becomes its last segment, the
// network's name.
func NetworkPath(selfLink string) string {
	if i := strings.Index(selfLink, "projects/"); i >= 0 {
		return selfLink[i:]
	}
	return selfLink[strings.LastIndex(selfLink, "/")+1:]
}

func masterOrEmpty(in pulumi.StringInput) pulumi.StringInput {
	if in == nil {
		return pulumi.String("")
	}
	return in
}
