// Package gcpdatabase builds a customer's database on Google Cloud from a
// database.Spec: a Cloud SQL for PostgreSQL instance reachable on a private
// address only, encrypted with the data key (ENC-2), refusing connections without
// TLS (ENC-1), highly available across zones on production cloud and enterprise
// (DAT-2), protected by Pulumi and by the Cloud SQL API against deletion (BAK-6),
// with daily backups and point-in-time recovery kept in the stack's region; the
// customer's database; the instance's master user; and the Secret Manager secrets
// of the master user and of the application role Odoo connects as (IAM-6), each
// replicated only to regions of the stack's jurisdiction with the data key of the
// replica's region. Decisions 0070 and 0071 record the choices and their sources.
//
// How to wire. Args.Spec is the stack's database.Spec; Project and Region the
// stack's project and primary region; Provider the gcp provider of Region.
// Network is gcpnetwork.Network.NetworkID (the VPC the instance gets its private
// address in) and PrivateServicesConnection is
// gcpnetwork.Network.PrivateServicesConnection (the instance waits for the
// peering). DataKey is gcpkeys.Keys.ARNs[keys.Data] of the keys in Region;
// ReplicaKeys, when the secrets should also live in the backup region, maps that
// region to the data key of the keys in it. Pass pulumi.DependsOn with the keys
// components in opts, so that the Cloud SQL and Secret Manager service agents'
// grants on the keys exist before the instance and the secrets. The runtime
// reads Address, Port, ServerCACert, DatabaseName, Username and AppSecretID (JSON
// {"username","password"}); its setup step reads AdminSecretID to create the
// application role (decision 0070).
package gcpdatabase

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/secretmanager"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/sql"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	concept "github.com/octura/odoo-hosting/components/database"
	"github.com/octura/odoo-hosting/internal/jurisdiction"
)

// Type is the component's type token, the same concept as awsdatabase.
const Type = concept.Type

// Values every instance carries.
const (
	// Port is the PostgreSQL port.
	Port = 5432
	// Edition is Cloud SQL Enterprise: it takes the db-custom machine types
	// (Enterprise Plus takes only its performance-optimised ones).
	Edition = "ENTERPRISE"
	// SSLMode refuses every connection that is not encrypted with TLS (ENC-1).
	SSLMode = "ENCRYPTED_ONLY"
	// TransactionLogRetentionDays is the point-in-time-recovery window: the most
	// Cloud SQL Enterprise keeps (1 to 7 days).
	TransactionLogRetentionDays = 7
	// BackupStartTime is when the daily backup starts (UTC).
	BackupStartTime = "01:00"
	// DiskType is the instance's disk.
	DiskType = "PD_SSD"
	// AutoresizeFactor bounds automatic storage growth: at most this many times the
	// spec's storage, and never beyond database.MaxAllocatedStorageGB.
	AutoresizeFactor = 4
	// Regional and Zonal are the availability types (DAT-2).
	Regional = "REGIONAL"
	Zonal    = "ZONAL"
)

// Flags are the PostgreSQL flags of the instance, the same logging as the AWS
// parameter group (decision 0014): connections are audited, and no statement text
// is ever logged, because Odoo sends values inside its SQL text. TLS is not a flag
// on Cloud SQL: SSLMode enforces it.
func Flags() map[string]string {
	return map[string]string{
		"log_connections":            "on",
		"log_disconnections":         "on",
		"log_lock_waits":             "on",
		"log_min_duration_statement": "-1",    // never log a statement for its duration
		"log_min_error_statement":    "panic", // nor with an error
	}
}

// Machine is a Cloud SQL machine size.
type Machine struct {
	CPUs     int
	MemoryMB int
}

// Tier is the Cloud SQL machine type "db-custom-<cpus>-<memory MB>".
func (m Machine) Tier() string { return fmt.Sprintf("db-custom-%d-%d", m.CPUs, m.MemoryMB) }

// Sizes maps the spec's instance classes (AWS names, the concept's unit of size)
// by family and size, whatever the generation ("db.t4g.medium" and "db.t3.medium"
// are "t.medium"), to a Cloud SQL custom machine of the same vCPUs and memory
// within Cloud SQL's bounds for PostgreSQL custom machines: 1 or an even number of
// vCPUs, 0.9 to 6.5 GB (6656 MB) per vCPU, a multiple of 256 MB, at least 3840 MB.
// The burstable micro and small classes, whose vCPUs run at a fraction of a core,
// become 1 vCPU with 3840 MB; the memory-optimised r classes get the fewest vCPUs
// that hold their memory at 6.5 GB per vCPU. Shared-core machines (db-f1-micro,
// db-g1-small) are never used: they have no SLA.
var Sizes = map[string]Machine{
	"t.micro":   {1, 3840},
	"t.small":   {1, 3840},
	"t.medium":  {2, 4096},
	"t.large":   {2, 8192},
	"t.xlarge":  {4, 16384},
	"t.2xlarge": {8, 32768},
	"m.large":   {2, 8192},
	"m.xlarge":  {4, 16384},
	"m.2xlarge": {8, 32768},
	"m.4xlarge": {16, 65536},
	"m.8xlarge": {32, 131072},
	"r.large":   {4, 16384},  // 16 GiB: 3 vCPUs at 6.5 GB, rounded up to even
	"r.xlarge":  {6, 32768},  // 32 GiB: 5, likewise
	"r.2xlarge": {10, 65536}, // 64 GiB: 10
}

// MachineOf returns the Cloud SQL machine of instance class "db.<family><generation>.<size>".
func MachineOf(class string) (Machine, bool) {
	parts := strings.Split(class, ".")
	if len(parts) != 3 || parts[0] != "db" || parts[1] == "" {
		return Machine{}, false
	}
	m, ok := Sizes[parts[1][:1]+"."+parts[2]]
	return m, ok
}

// SizeNames lists the family.size keys of Sizes, sorted.
func SizeNames() []string { return sortedKeys(Sizes) }

// DatabaseVersion is Cloud SQL's name of a PostgreSQL major version.
func DatabaseVersion(major string) string { return "POSTGRES_" + major }

// AutoresizeLimitGB is the most storage Cloud SQL may grow the disk to.
func AutoresizeLimitGB(s concept.Spec) int {
	return min(s.WithDefaults().AllocatedStorageGB*AutoresizeFactor, concept.MaxAllocatedStorageGB)
}

// Args are the inputs of New.
type Args struct {
	// Spec is what the database must be; validated before anything is registered.
	Spec concept.Spec
	// Provider is the gcp provider of Region. Required.
	Provider pulumi.ProviderResource
	// Project is the GCP project ID. Required.
	Project string
	// Region is the instance's region, the stack's primary region. Required.
	Region string
	// Network is the VPC network's ID (projects/<p>/global/networks/<n>) the
	// instance gets its private address in (gcpnetwork.Network.NetworkID). Required.
	Network pulumi.StringInput
	// PrivateServicesConnection is the private services access connection's ID
	// (gcpnetwork.Network.PrivateServicesConnection); the instance depends on it.
	// Required.
	PrivateServicesConnection pulumi.StringInput
	// DataKey is the Cloud KMS data key in Region (gcpkeys ARNs[keys.Data]): the
	// instance, its backups and the primary replica of the secrets are encrypted
	// with it (ENC-2). Cloud SQL takes only a key of the instance's region; a key
	// name given as a plain value is checked before anything is registered, one
	// known only at deployment when it resolves. Required.
	DataKey pulumi.StringInput
	// ReplicaKeys are further Secret Manager replica regions of the credentials'
	// secrets, each with the data key of that region; every region must lie in
	// Region's jurisdiction. Default: none (the secrets live in Region only).
	ReplicaKeys map[string]pulumi.StringInput
	// BackupLocation is the region Cloud SQL keeps the instance's backups in; it
	// must be a region of Region's jurisdiction, never a multi-region. Default:
	// Region (decision 0070).
	BackupLocation string
}

// Database is a customer's database on Google Cloud.
type Database struct {
	pulumi.ResourceState

	// Address is the instance's private IP address; Port the PostgreSQL port;
	// Endpoint "<address>:<port>".
	Address  pulumi.StringOutput `pulumi:"address"`
	Port     pulumi.IntOutput    `pulumi:"port"`
	Endpoint pulumi.StringOutput `pulumi:"endpoint"`
	// ConnectionName is "<project>:<region>:<instance>", for the Cloud SQL Auth
	// Proxy and connectors; InstanceName the instance's name.
	ConnectionName pulumi.StringOutput `pulumi:"connectionName"`
	InstanceName   pulumi.StringOutput `pulumi:"instanceName"`
	// ServerCACert is the PEM of the CA that signed the instance's server
	// certificate, for clients that verify it (sslmode verify-ca).
	ServerCACert pulumi.StringOutput `pulumi:"serverCaCert"`
	// AdminSecretID is the Secret Manager secret of the master user (JSON
	// username/password), which only the setup step reads.
	AdminSecretID pulumi.StringOutput `pulumi:"adminSecretId"`
	// AppSecretID is the secret of the application role (IAM-6): JSON username and
	// password. AppSecretVersion is its version's name, which changes when the
	// password does.
	AppSecretID      pulumi.StringOutput `pulumi:"appSecretId"`
	AppSecretVersion pulumi.StringOutput `pulumi:"appSecretVersion"`
	// Identifier is the instance's name, known before it exists.
	Identifier string
	// DatabaseName and Username are the customer's database and its application
	// role; MasterUsername the instance's master user.
	DatabaseName   string
	Username       string
	MasterUsername string
	// Region is the instance's region; BackupLocation where its backups are kept.
	Region         string
	BackupLocation string
}

var keyName = regexp.MustCompile(`^projects/[^/]+/locations/([a-z0-9-]+)/keyRings/[^/]+/cryptoKeys/[^/]+$`)

// checkKey checks a key name given as a plain value: a Cloud KMS key in loc.
func checkKey(field string, key pulumi.StringInput, loc string) error {
	s, ok := key.(pulumi.String)
	if !ok {
		return nil
	}
	return keyLocationError(field, string(s), loc, true)
}

func keyLocationError(field, key, loc string, strict bool) error {
	m := keyName.FindStringSubmatch(key)
	switch {
	case m == nil && strict:
		return fmt.Errorf("%s %q is not a Cloud KMS key name; allowed: projects/<project>/locations/%s/keyRings/<ring>/cryptoKeys/<key> (ENC-2)", field, key, loc)
	case m != nil && m[1] != loc:
		return fmt.Errorf("%s %q is in location %s, not in %s; allowed: a key in %s (ENC-2: Cloud SQL and Secret Manager replicas take a key of their own region)", field, key, m[1], loc, loc)
	}
	return nil
}

// inLocation is key, failing the deployment when it resolves to a key of another
// location (a key given as an output cannot be checked before).
func inLocation(field string, key pulumi.StringInput, loc string) pulumi.StringOutput {
	return key.ToStringOutput().ApplyT(func(k string) (string, error) {
		if err := keyLocationError(field, k, loc, false); err != nil {
			return "", err
		}
		return k, nil
	}).(pulumi.StringOutput)
}

// WithDefaults returns a copy of a with every unset field at its default.
func (a Args) WithDefaults() Args {
	a.Spec = a.Spec.WithDefaults()
	if a.BackupLocation == "" {
		a.BackupLocation = a.Region
	}
	return a
}

// Validate checks the arguments: every problem at once.
func (a Args) Validate() error {
	var errs []error
	if err := a.Spec.Validate(); err != nil {
		errs = append(errs, err)
	}
	a = a.WithDefaults()
	add := func(format string, v ...any) { errs = append(errs, fmt.Errorf(format, v...)) }
	if _, ok := MachineOf(a.Spec.InstanceClass); !ok && strings.Count(a.Spec.InstanceClass, ".") == 2 {
		add("instanceClass %q has no Cloud SQL machine type; allowed: db.<family><generation>.<size> with family.size one of %s", a.Spec.InstanceClass, strings.Join(SizeNames(), ", "))
	}
	if a.Provider == nil {
		add("provider is nil; allowed: the explicit gcp.Provider of the database's region")
	}
	if a.Project == "" {
		add("project is empty; allowed: the stack's GCP project ID")
	}
	if a.Network == nil || a.PrivateServicesConnection == nil {
		add("network and privateServicesConnection are required; allowed: gcpnetwork.Network's NetworkID and PrivateServicesConnection (private IP only)")
	}
	if a.DataKey == nil {
		add("dataKey is required; allowed: the Cloud KMS data key in %s (ENC-2)", a.Region)
	}
	region, ok := jurisdiction.Lookup(jurisdiction.GCP, a.Region)
	j, jok := region.Jurisdiction()
	switch {
	case !ok:
		add("region %q is not a known gcp region; allowed: a region of the stack's jurisdiction", a.Region)
	case !jok:
		add("region %q (%s, %s) lies in no supported jurisdiction; allowed: a region in %s", a.Region, region.City, region.Country, jurisdictions())
	}
	if ok && jok {
		inJ := strings.Join(jurisdiction.RegionNames(jurisdiction.Regions(jurisdiction.GCP, j)), ", ")
		if b, bok := jurisdiction.Lookup(jurisdiction.GCP, a.BackupLocation); !bok || !b.In(j) {
			add("backupLocation %q is not a region of jurisdiction %s (a multi-region or another country would hold the backups outside it); allowed: %s (RES-2)", a.BackupLocation, j, inJ)
		}
		for _, r := range sortedKeys(a.ReplicaKeys) {
			if rr, rok := jurisdiction.Lookup(jurisdiction.GCP, r); !rok || !rr.In(j) || r == a.Region {
				add("replicaKeys region %q is not another region of jurisdiction %s; allowed: %s except %s (RES-2)", r, j, inJ, a.Region)
			}
		}
	}
	if a.DataKey != nil {
		if err := checkKey("dataKey", a.DataKey, a.Region); err != nil {
			errs = append(errs, err)
		}
	}
	for _, r := range sortedKeys(a.ReplicaKeys) {
		if err := checkKey("replicaKeys["+r+"]", a.ReplicaKeys[r], r); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func jurisdictions() string {
	var out []string
	for _, j := range jurisdiction.All() {
		out = append(out, string(j))
	}
	return strings.Join(out, ", ")
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

var instanceName = regexp.MustCompile(`^[a-z]([a-z0-9-]*[a-z0-9])?$`)

// MaxInstanceIDLength bounds "<project>:<instance>", Cloud SQL's instance ID.
const MaxInstanceIDLength = 98

// checkName checks the component's name, which is the instance's name: lowercase
// letters, digits and hyphens, starting with a letter, and with the project ID
// within Cloud SQL's 98 characters.
func checkName(name, project string) error {
	if !instanceName.MatchString(name) || len(project)+1+len(name) > MaxInstanceIDLength {
		return fmt.Errorf("name %q is not a Cloud SQL instance name; allowed: a lowercase letter, then lowercase letters, digits and hyphens, not ending in a hyphen, at most %d characters with the project ID and a colon", name, MaxInstanceIDLength)
	}
	return nil
}

// New validates args and builds the database; on an invalid spec or argument it
// returns every problem and registers nothing.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Database, error) {
	if err := errors.Join(checkName(name, args.Project), args.Validate()); err != nil {
		return nil, fmt.Errorf("database %s: %w", name, err)
	}
	args = args.WithDefaults()
	spec := args.Spec
	c := &Database{Identifier: name, DatabaseName: spec.DatabaseName, Username: spec.Username, MasterUsername: spec.MasterUsername,
		Region: args.Region, BackupLocation: args.BackupLocation}
	if err := ctx.RegisterComponentResource(Type, name, c, opts...); err != nil {
		return nil, err
	}
	child := []pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(args.Provider)}
	// BAK-6: data survives `pulumi destroy` always and refuses deletion and
	// replacement in production.
	keep := append(append([]pulumi.ResourceOption{}, child...), pulumi.RetainOnDelete(true), pulumi.Protect(spec.Production))
	labels := pulumi.StringMap{"customer": pulumi.String(spec.Customer), "managed-by": pulumi.String("odoo-hosting")}
	dataKey := inLocation("dataKey", args.DataKey, args.Region)
	project := pulumi.String(args.Project)

	// The credentials' secrets first: the master user's password comes from its
	// secret's version.
	replicas := secretmanager.SecretReplicationUserManagedReplicaArray{
		secretmanager.SecretReplicationUserManagedReplicaArgs{
			Location:                  pulumi.String(args.Region),
			CustomerManagedEncryption: secretmanager.SecretReplicationUserManagedReplicaCustomerManagedEncryptionArgs{KmsKeyName: dataKey},
		},
	}
	for _, r := range sortedKeys(args.ReplicaKeys) {
		replicas = append(replicas, secretmanager.SecretReplicationUserManagedReplicaArgs{
			Location:                  pulumi.String(r),
			CustomerManagedEncryption: secretmanager.SecretReplicationUserManagedReplicaCustomerManagedEncryptionArgs{KmsKeyName: inLocation("replicaKeys["+r+"]", args.ReplicaKeys[r], r)},
		})
	}
	secret := func(suffix, username string) (*secretmanager.Secret, *secretmanager.SecretVersion, error) {
		s, err := secretmanager.NewSecret(ctx, name+"-"+suffix, &secretmanager.SecretArgs{
			SecretId: pulumi.String(name + "-" + suffix),
			Project:  project,
			// Residency: replicas only where the stack may keep data, never Secret
			// Manager's automatic replication, each with its region's data key.
			Replication: secretmanager.SecretReplicationArgs{UserManaged: secretmanager.SecretReplicationUserManagedArgs{Replicas: replicas}},
			Labels:      labels,
		}, child...)
		if err != nil {
			return nil, nil, err
		}
		credentials, err := NewCredentials(username)
		if err != nil {
			return nil, nil, err
		}
		// The password is drawn once; the version ignores later draws, so it
		// changes only when an operator replaces the version (decision 0070).
		v, err := secretmanager.NewSecretVersion(ctx, name+"-"+suffix, &secretmanager.SecretVersionArgs{
			Secret:         s.ID(),
			SecretData:     pulumi.ToSecret(pulumi.String(credentials)).(pulumi.StringOutput),
			DeletionPolicy: pulumi.String("DISABLE"),
		}, append(child, pulumi.IgnoreChanges([]string{"secretData"}))...)
		return s, v, err
	}
	adminSecret, adminVersion, err := secret("admin", spec.MasterUsername)
	if err != nil {
		return nil, err
	}
	appSecret, appVersion, err := secret("app", spec.Username)
	if err != nil {
		return nil, err
	}

	var flags sql.DatabaseInstanceSettingsDatabaseFlagArray
	for _, k := range sortedKeys(Flags()) {
		flags = append(flags, sql.DatabaseInstanceSettingsDatabaseFlagArgs{Name: pulumi.String(k), Value: pulumi.String(Flags()[k])})
	}
	machine, _ := MachineOf(spec.InstanceClass)
	availability := Zonal
	if spec.MultiAZ {
		availability = Regional // DAT-2: a standby in another zone, automatic failover
	}
	// The private network, carrying the dependency on the peering: Cloud SQL can
	// take a private address only once private services access is connected.
	network := pulumi.All(args.Network, args.PrivateServicesConnection).ApplyT(func(v []any) string { return v[0].(string) }).(pulumi.StringOutput)
	db, err := sql.NewDatabaseInstance(ctx, name, &sql.DatabaseInstanceArgs{
		Name:            pulumi.String(name),
		Project:         project,
		Region:          pulumi.String(args.Region),
		DatabaseVersion: pulumi.String(DatabaseVersion(spec.EngineVersion)),
		// ENC-2: the instance and its backups with the data key of its region.
		EncryptionKeyName: dataKey,
		// BAK-6: the provider refuses to delete the instance...
		DeletionProtection: pulumi.Bool(true),
		Settings: sql.DatabaseInstanceSettingsArgs{
			Tier:             pulumi.String(machine.Tier()),
			Edition:          pulumi.String(Edition),
			AvailabilityType: pulumi.String(availability),
			// ...and so does the Cloud SQL API, whoever asks.
			DeletionProtectionEnabled: pulumi.Bool(true),
			DiskType:                  pulumi.String(DiskType),
			DiskSize:                  pulumi.Int(spec.AllocatedStorageGB),
			DiskAutoresize:            pulumi.Bool(true),
			DiskAutoresizeLimit:       pulumi.Int(AutoresizeLimitGB(spec)),
			IpConfiguration: sql.DatabaseInstanceSettingsIpConfigurationArgs{
				// NET-3: a private address in the VPC only, no public address, no
				// authorized networks, no private path for other Google services.
				Ipv4Enabled:                             pulumi.Bool(false),
				PrivateNetwork:                          network,
				EnablePrivatePathForGoogleCloudServices: pulumi.Bool(false),
				// ENC-1: unencrypted connections refused.
				SslMode: pulumi.String(SSLMode),
			},
			BackupConfiguration: sql.DatabaseInstanceSettingsBackupConfigurationArgs{
				Enabled:   pulumi.Bool(true),
				StartTime: pulumi.String(BackupStartTime),
				// Residency: a region of the jurisdiction, never the default
				// multi-region.
				Location:                    pulumi.String(args.BackupLocation),
				PointInTimeRecoveryEnabled:  pulumi.Bool(true),
				TransactionLogRetentionDays: pulumi.Int(TransactionLogRetentionDays),
				BackupRetentionSettings: sql.DatabaseInstanceSettingsBackupConfigurationBackupRetentionSettingsArgs{
					RetainedBackups: pulumi.Int(spec.BackupRetentionDays), // BAK-2: one a day
					RetentionUnit:   pulumi.String("COUNT"),
				},
			},
			// No query text leaves the instance (decision 0014's reason).
			InsightsConfig: sql.DatabaseInstanceSettingsInsightsConfigArgs{QueryInsightsEnabled: pulumi.Bool(false)},
			DatabaseFlags:  flags,
			UserLabels:     labels,
		},
		// Cloud SQL grows the disk itself; the spec's size is the initial one.
	}, append(keep, pulumi.IgnoreChanges([]string{"settings.diskSize"}))...)
	if err != nil {
		return nil, err
	}
	// ABANDON: removing the resource never drops the customer's database.
	if _, err := sql.NewDatabase(ctx, name+"-"+spec.DatabaseName, &sql.DatabaseArgs{
		Name:           pulumi.String(spec.DatabaseName),
		Instance:       db.Name,
		Project:        project,
		Charset:        pulumi.String("UTF8"),
		Collation:      pulumi.String("en_US.UTF8"),
		DeletionPolicy: pulumi.String("ABANDON"),
	}, keep...); err != nil {
		return nil, err
	}
	// The master user: a member of cloudsqlsuperuser, as every user Cloud SQL
	// creates; only the setup step connects as it. Odoo's role is made by the setup
	// step with SQL, so that it is not a member (IAM-6).
	adminPassword := adminVersion.SecretData.ApplyT(func(s string) (string, error) {
		var v struct{ Password string }
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			return "", fmt.Errorf("database %s: the admin secret is not JSON with a password: %w", name, err)
		}
		return v.Password, nil
	}).(pulumi.StringOutput)
	if _, err := sql.NewUser(ctx, name+"-"+spec.MasterUsername, &sql.UserArgs{
		Name:           pulumi.String(spec.MasterUsername),
		Instance:       db.Name,
		Project:        project,
		Type:           pulumi.String("BUILT_IN"),
		Password:       pulumi.ToSecret(adminPassword).(pulumi.StringOutput),
		DeletionPolicy: pulumi.String("ABANDON"),
	}, child...); err != nil {
		return nil, err
	}

	c.Address = db.PrivateIpAddress
	c.Port = pulumi.Int(Port).ToIntOutput()
	c.Endpoint = pulumi.Sprintf("%s:%d", db.PrivateIpAddress, Port)
	c.ConnectionName = db.ConnectionName
	c.InstanceName = db.Name
	c.ServerCACert = db.ServerCaCerts.ApplyT(func(cs []sql.DatabaseInstanceServerCaCert) string {
		if len(cs) == 0 || cs[0].Cert == nil {
			return ""
		}
		return *cs[0].Cert
	}).(pulumi.StringOutput)
	c.AdminSecretID = adminSecret.ID().ToStringOutput()
	c.AppSecretID = appSecret.ID().ToStringOutput()
	c.AppSecretVersion = appVersion.Name
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"address": c.Address, "port": c.Port, "endpoint": c.Endpoint, "connectionName": c.ConnectionName, "instanceName": c.InstanceName,
		"serverCaCert": c.ServerCACert, "adminSecretId": c.AdminSecretID, "appSecretId": c.AppSecretID, "appSecretVersion": c.AppSecretVersion,
		"databaseName": pulumi.String(c.DatabaseName), "username": pulumi.String(c.Username), "masterUsername": pulumi.String(c.MasterUsername),
		"region": pulumi.String(c.Region), "backupLocation": pulumi.String(c.BackupLocation),
	}); err != nil {
		return nil, err
	}
	return c, nil
}

// NewCredentials draws a password (256 bits, URL-safe base64: nothing that needs
// quoting in odoo.conf or SQL) and returns the secret's JSON.
func NewCredentials(username string) (string, error) {
	pw := make([]byte, 32)
	if _, err := rand.Read(pw); err != nil {
		return "", err
	}
	b, err := json.Marshal(map[string]string{"username": username, "password": base64.RawURLEncoding.EncodeToString(pw)})
	return string(b), err
}
