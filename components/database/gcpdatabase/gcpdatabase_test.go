package gcpdatabase_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/servicenetworking"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/components/database"
	"github.com/octura/odoo-hosting/components/database/databasetest"
	"github.com/octura/odoo-hosting/components/database/gcpdatabase"
	"github.com/octura/odoo-hosting/internal/plan"
	"github.com/octura/odoo-hosting/internal/tier"
)

const (
	name         = "acme-db"
	network      = "projects/acme-prod/global/networks/acme"
	instanceType = "gcp:sql/databaseInstance:DatabaseInstance"
	databaseType = "gcp:sql/database:Database"
	userType     = "gcp:sql/user:User"
	secretType   = "gcp:secretmanager/secret:Secret"
	versionType  = "gcp:secretmanager/secretVersion:SecretVersion"
	connType     = "gcp:servicenetworking/connection:Connection"
)

func key(region string) string {
	return "projects/acme-prod/locations/" + region + "/keyRings/acme/cryptoKeys/acme-data"
}

// run plans gcpdatabase.New for a in europe-west1 with a private services
// connection of its own; unset wiring is filled in.
func run(t *testing.T, a gcpdatabase.Args) (*plan.Plan, *gcpdatabase.Database, error) {
	t.Helper()
	var c *gcpdatabase.Database
	var newErr error
	p, err := plan.Run("odoo-hosting", "acme-eu", func(ctx *pulumi.Context) error {
		if a.Region == "" {
			a.Region = "europe-west1"
		}
		prov, err := gcp.NewProvider(ctx, "primary", &gcp.ProviderArgs{Project: pulumi.String("acme-prod"), Region: pulumi.String(a.Region)})
		if err != nil {
			return err
		}
		conn, err := servicenetworking.NewConnection(ctx, "acme-psa", &servicenetworking.ConnectionArgs{
			Network: pulumi.String(network), Service: pulumi.String("servicenetworking.googleapis.com"),
			ReservedPeeringRanges: pulumi.StringArray{pulumi.String("acme-psa")},
		}, pulumi.Provider(prov))
		if err != nil {
			return err
		}
		a.Provider = prov
		if a.Project == "" {
			a.Project = "acme-prod"
		}
		if a.Network == nil {
			a.Network = pulumi.String(network)
		}
		if a.PrivateServicesConnection == nil {
			a.PrivateServicesConnection = conn.ID().ToStringOutput()
		}
		if a.DataKey == nil {
			a.DataKey = pulumi.String(key(a.Region))
		}
		c, newErr = gcpdatabase.New(ctx, name, a)
		return nil
	})
	require.NoError(t, err)
	return p, c, newErr
}

func spec(tr tier.Tier, prod bool) database.Spec {
	return database.Spec{Customer: "acme", Tier: tr, Production: prod}
}

func get(t *testing.T, p *plan.Plan, typ, n string) plan.State {
	t.Helper()
	r, ok := p.Get(typ, n)
	require.True(t, ok, "%s %s", typ, n)
	return r
}

func obj(v any, path ...string) map[string]any {
	m, _ := v.(map[string]any)
	for _, k := range path {
		m, _ = m[k].(map[string]any)
	}
	return m
}

func str(v any) string { s, _ := v.(string); return s }
func num(v any) int    { f, _ := v.(float64); return int(f) }

func observe(p *plan.Plan, c *gcpdatabase.Database) databasetest.Observed {
	// Managed less the test's own connection.
	o := databasetest.Observed{Resources: len(p.Managed()) - len(p.ByType(connType))}
	db, ok := p.Get(instanceType, name)
	if !ok {
		return o
	}
	in := db.Inputs
	settings := obj(in, "settings")
	ip := obj(settings, "ipConfiguration")
	backup := obj(settings, "backupConfiguration")
	if v := str(in["databaseVersion"]); strings.HasPrefix(v, "POSTGRES_") {
		o.Engine, o.Version = "postgres", strings.TrimPrefix(v, "POSTGRES_")
	}
	o.Size, o.StorageGB = str(settings["tier"]), num(settings["diskSize"])
	o.EncryptionKey = str(in["encryptionKeyName"])
	if obj(settings, "insightsConfig")["queryInsightsEnabled"] != false {
		o.InsightsKey = "google-managed"
	}
	keys := map[string]bool{}
	for _, s := range p.ByType(secretType) {
		for _, r := range obj(s.Inputs, "replication", "userManaged")["replicas"].([]any) {
			if r.(map[string]any)["location"] == in["region"] {
				keys[str(obj(r, "customerManagedEncryption")["kmsKeyName"])] = true
			}
		}
	}
	if len(keys) == 1 {
		for k := range keys {
			o.SecretKey = k
		}
	}
	_, root := in["rootPassword"]
	o.PasswordInInputs, o.PasswordsSecret = root, !root
	for _, u := range p.ByType(userType) {
		if pw, ok := u.Inputs["password"]; ok {
			o.PasswordInInputs = true
			o.PasswordsSecret = o.PasswordsSecret && pw == plan.Secret
		}
	}
	for _, v := range p.ByType(versionType) {
		o.PasswordsSecret = o.PasswordsSecret && v.Inputs["secretData"] == plan.Secret
	}
	nets, _ := ip["authorizedNetworks"].([]any)
	o.Public = ip["ipv4Enabled"] != false || len(nets) > 0
	o.RequiresTLS = ip["sslMode"] == "ENCRYPTED_ONLY" || ip["sslMode"] == "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"
	o.Zones = 1
	if settings["availabilityType"] == "REGIONAL" {
		o.Zones = 2
	}
	if backup["enabled"] == true {
		o.BackupRetentionDays = num(obj(backup, "backupRetentionSettings")["retainedBackups"])
	}
	o.DeletionProtection = in["deletionProtection"] == true && settings["deletionProtectionEnabled"] == true
	o.Retained, o.Protected = db.RetainOnDelete, db.Protect
	for _, d := range p.ByType(databaseType) {
		o.DatabaseName = str(d.Inputs["name"])
	}
	if c != nil {
		o.Username = c.Username
	}
	return o
}

func TestConformance(t *testing.T) {
	databasetest.Run(t, databasetest.Harness{Key: key("europe-west1"),
		Plan: func(t *testing.T, s database.Spec) (databasetest.Observed, error) {
			p, c, err := run(t, gcpdatabase.Args{Spec: s})
			return observe(p, c), err
		},
		Gaps: databasetest.Gaps{
			DrawnPassword:   "Cloud SQL has no managed master password: the program draws it and the application role's, as Pulumi secrets (decision 0070)",
			NoInsights:      "Query Insights is off: no query text or plans leave the instance (decision 0070)",
			NoFinalSnapshot: "pulumi-gcp v7.38.0 has no final backup on deletion: the instance is retained, protected by the provider and by the Cloud SQL API (decision 0070)",
		},
	})
}

// TestInventoryCloudProduction: every child, its type, parent and provider.
func TestInventoryCloudProduction(t *testing.T) {
	p, c, err := run(t, gcpdatabase.Args{Spec: spec(tier.Cloud, true)})
	require.NoError(t, err)
	counts := map[string]int{}
	for _, r := range p.Managed() {
		if r.Type == connType {
			continue
		}
		counts[r.Type]++
		if r.Type != gcpdatabase.Type {
			require.Equal(t, "urn:pulumi:acme-eu::odoo-hosting::odoo-hosting:database:Database::acme-db", r.Parent)
			require.NotEmpty(t, r.Provider)
		}
	}
	require.Equal(t, map[string]int{gcpdatabase.Type: 1, instanceType: 1, databaseType: 1, userType: 1, secretType: 2, versionType: 2}, counts)
	require.Equal(t, []any{"acme-db", "odoo_acme", "admin_acme", "odoo", "europe-west1", "europe-west1"},
		[]any{c.Identifier, c.Username, c.MasterUsername, c.DatabaseName, c.Region, c.BackupLocation})
	in := get(t, p, instanceType, name).Inputs
	require.Equal(t, "acme-db", in["name"])
	require.Equal(t, "acme-prod", in["project"])
	require.Equal(t, "europe-west1", in["region"])
	require.Equal(t, "POSTGRES_16", in["databaseVersion"])
	s := obj(in, "settings")
	require.Equal(t, "db-custom-2-4096", s["tier"])
	require.Equal(t, "ENTERPRISE", s["edition"])
	require.Equal(t, "PD_SSD", s["diskType"])
	require.Equal(t, 100.0, s["diskSize"])
	require.Equal(t, true, s["diskAutoresize"])
	require.Equal(t, 400.0, s["diskAutoresizeLimit"])
	require.Equal(t, map[string]any{"customer": "acme", "managed-by": "odoo-hosting"}, s["userLabels"])
	require.Equal(t, map[string]any{"queryInsightsEnabled": false}, s["insightsConfig"])
	d := get(t, p, databaseType, "acme-db-odoo").Inputs
	require.Equal(t, map[string]any{"name": "odoo", "instance": "acme-db", "project": "acme-prod", "charset": "UTF8", "collation": "en_US.UTF8", "deletionPolicy": "ABANDON"}, d)
}

// TestNET3_PrivateAddressOnlyAfterThePeering: no public address, no authorized
// network, the VPC's private address, and the instance waits for the private
// services connection.
func TestNET3_PrivateAddressOnlyAfterThePeering(t *testing.T) {
	p, _, err := run(t, gcpdatabase.Args{Spec: spec(tier.Cloud, false)})
	require.NoError(t, err)
	db := get(t, p, instanceType, name)
	ip := obj(db.Inputs, "settings", "ipConfiguration")
	require.Equal(t, map[string]any{"ipv4Enabled": false, "privateNetwork": network, "enablePrivatePathForGoogleCloudServices": false, "sslMode": "ENCRYPTED_ONLY"}, ip)
	conn := get(t, p, connType, "acme-psa")
	require.Contains(t, db.Dependencies, conn.URN)
}

// TestENC1_UnencryptedConnectionsRefused: sslMode ENCRYPTED_ONLY, and the legacy
// requireSsl left unset (it must be false or cleared with that mode).
func TestENC1_UnencryptedConnectionsRefused(t *testing.T) {
	p, _, err := run(t, gcpdatabase.Args{Spec: spec(tier.Enterprise, true)})
	require.NoError(t, err)
	ip := obj(get(t, p, instanceType, name).Inputs, "settings", "ipConfiguration")
	require.Equal(t, "ENCRYPTED_ONLY", ip["sslMode"])
	require.NotContains(t, ip, "requireSsl")
}

// TestENC2_InstanceAndSecretsUseTheDataKeyOfTheirRegion: the instance with the
// data key, each secret replica with the data key of its own region.
func TestENC2_InstanceAndSecretsUseTheDataKeyOfTheirRegion(t *testing.T) {
	p, _, err := run(t, gcpdatabase.Args{Spec: spec(tier.Cloud, true),
		ReplicaKeys: map[string]pulumi.StringInput{"europe-west4": pulumi.String(key("europe-west4"))}})
	require.NoError(t, err)
	require.Equal(t, key("europe-west1"), get(t, p, instanceType, name).Inputs["encryptionKeyName"])
	for _, n := range []string{"acme-db-admin", "acme-db-app"} {
		s := get(t, p, secretType, n).Inputs
		require.Equal(t, n, s["secretId"])
		require.Equal(t, "acme-prod", s["project"])
		require.Equal(t, map[string]any{"userManaged": map[string]any{"replicas": []any{
			map[string]any{"location": "europe-west1", "customerManagedEncryption": map[string]any{"kmsKeyName": key("europe-west1")}},
			map[string]any{"location": "europe-west4", "customerManagedEncryption": map[string]any{"kmsKeyName": key("europe-west4")}},
		}}}, s["replication"], "residency: user-managed replicas only, never automatic")
		require.Equal(t, map[string]any{"customer": "acme", "managed-by": "odoo-hosting"}, s["labels"])
	}
}

// TestENC2_KeyInAnotherRegionRefused: Cloud SQL takes only a key of its region;
// a replica only a key of its own.
func TestENC2_KeyInAnotherRegionRefused(t *testing.T) {
	p, c, err := run(t, gcpdatabase.Args{Spec: spec(tier.Cloud, true), DataKey: pulumi.String(key("europe-west4")),
		ReplicaKeys: map[string]pulumi.StringInput{"europe-west4": pulumi.String(key("europe-west1"))}})
	require.Nil(t, c)
	require.EqualError(t, err, `database acme-db: dataKey "projects/acme-prod/locations/europe-west4/keyRings/acme/cryptoKeys/acme-data" is in location europe-west4, not in europe-west1; allowed: a key in europe-west1 (ENC-2: Cloud SQL and Secret Manager replicas take a key of their own region)`+"\n"+
		`replicaKeys[europe-west4] "projects/acme-prod/locations/europe-west1/keyRings/acme/cryptoKeys/acme-data" is in location europe-west1, not in europe-west4; allowed: a key in europe-west4 (ENC-2: Cloud SQL and Secret Manager replicas take a key of their own region)`)
	require.Len(t, p.Managed(), 1, "only the test's connection")
}

// TestENC2_KeyOutputInAnotherRegionFailsTheDeployment: a key known only when it
// resolves is checked then.
func TestENC2_KeyOutputInAnotherRegionFailsTheDeployment(t *testing.T) {
	_, err := plan.Run("odoo-hosting", "acme-eu", func(ctx *pulumi.Context) error {
		prov, err := gcp.NewProvider(ctx, "primary", &gcp.ProviderArgs{Region: pulumi.String("europe-west1")})
		if err != nil {
			return err
		}
		_, err = gcpdatabase.New(ctx, name, gcpdatabase.Args{Spec: spec(tier.Cloud, false), Provider: prov, Project: "acme-prod", Region: "europe-west1",
			Network: pulumi.String(network), PrivateServicesConnection: pulumi.String("psa"),
			DataKey: pulumi.String(key("europe-west4")).ToStringOutput()})
		return err
	})
	require.ErrorContains(t, err, `dataKey "projects/acme-prod/locations/europe-west4/keyRings/acme/cryptoKeys/acme-data" is in location europe-west4, not in europe-west1`)
}

// TestBAK6_ProtectedEverywhereAndRetained: the provider and the Cloud SQL API
// refuse to delete every instance; Pulumi protects production; the instance and
// the database survive `pulumi destroy`; removing the database or the master user
// abandons them instead of dropping them.
func TestBAK6_ProtectedEverywhereAndRetained(t *testing.T) {
	for _, prod := range []bool{false, true} {
		p, _, err := run(t, gcpdatabase.Args{Spec: spec(tier.Cloud, prod)})
		require.NoError(t, err)
		db := get(t, p, instanceType, name)
		require.Equal(t, true, db.Inputs["deletionProtection"])
		require.Equal(t, true, obj(db.Inputs, "settings")["deletionProtectionEnabled"])
		require.True(t, db.RetainOnDelete)
		require.Equal(t, prod, db.Protect)
		d := get(t, p, databaseType, "acme-db-odoo")
		require.True(t, d.RetainOnDelete)
		require.Equal(t, prod, d.Protect)
		require.Equal(t, "ABANDON", get(t, p, userType, "acme-db-admin_acme").Inputs["deletionPolicy"])
	}
}

// TestBAK2_BackupsAndPointInTimeRecoveryInTheRegion: daily backups kept the
// spec's days, point-in-time recovery over Cloud SQL Enterprise's 7 days, the
// backups in the instance's region, never the default multi-region.
func TestBAK2_BackupsAndPointInTimeRecoveryInTheRegion(t *testing.T) {
	p, _, err := run(t, gcpdatabase.Args{Spec: database.Spec{Customer: "acme", Tier: tier.Cloud, Production: true, BackupRetentionDays: 14}})
	require.NoError(t, err)
	require.Equal(t, map[string]any{
		"enabled": true, "startTime": "01:00", "location": "europe-west1",
		"pointInTimeRecoveryEnabled": true, "transactionLogRetentionDays": 7.0,
		"backupRetentionSettings": map[string]any{"retainedBackups": 14.0, "retentionUnit": "COUNT"},
	}, obj(get(t, p, instanceType, name).Inputs, "settings", "backupConfiguration"))
}

// TestRES2_BackupLocationOutsideTheJurisdictionRefused: London is outside the EU;
// the "eu" multi-region is not a region; another EU region is allowed.
func TestRES2_BackupLocationOutsideTheJurisdictionRefused(t *testing.T) {
	const allowed = "europe-central2, europe-north1, europe-north2, europe-southwest1, europe-west1, europe-west10, europe-west12, europe-west3, europe-west4, europe-west8, europe-west9"
	for _, loc := range []string{"europe-west2", "eu"} {
		p, c, err := run(t, gcpdatabase.Args{Spec: spec(tier.Cloud, true), BackupLocation: loc})
		require.Nil(t, c)
		require.EqualError(t, err, `database acme-db: backupLocation "`+loc+`" is not a region of jurisdiction eu (a multi-region or another country would hold the backups outside it); allowed: `+allowed+` (RES-2)`)
		require.Len(t, p.Managed(), 1)
	}
	p, c, err := run(t, gcpdatabase.Args{Spec: spec(tier.Cloud, true), BackupLocation: "europe-west4"})
	require.NoError(t, err)
	require.Equal(t, "europe-west4", c.BackupLocation)
	require.Equal(t, "europe-west4", obj(get(t, p, instanceType, name).Inputs, "settings", "backupConfiguration")["location"])
	_, _, err = run(t, gcpdatabase.Args{Spec: spec(tier.Cloud, true), ReplicaKeys: map[string]pulumi.StringInput{"europe-west6": pulumi.String(key("europe-west6"))}})
	require.EqualError(t, err, `database acme-db: replicaKeys region "europe-west6" is not another region of jurisdiction eu; allowed: `+allowed+` except europe-west1 (RES-2)`)
}

// TestDAT2_RegionalOnProductionCloudAndEnterprise: REGIONAL (a standby in
// another zone) on production cloud and enterprise, ZONAL otherwise.
func TestDAT2_RegionalOnProductionCloudAndEnterprise(t *testing.T) {
	for _, tc := range []struct {
		tr   tier.Tier
		prod bool
		want string
	}{{tier.Cloud, true, "REGIONAL"}, {tier.Enterprise, true, "REGIONAL"}, {tier.Cloud, false, "ZONAL"}, {tier.Enterprise, false, "ZONAL"}} {
		p, _, err := run(t, gcpdatabase.Args{Spec: spec(tc.tr, tc.prod)})
		require.NoError(t, err)
		s := obj(get(t, p, instanceType, name).Inputs, "settings")
		require.Equal(t, tc.want, s["availabilityType"], "%s production %v", tc.tr, tc.prod)
	}
	p, _, err := run(t, gcpdatabase.Args{Spec: database.Spec{Customer: "acme", Tier: tier.Cloud, MultiAZ: true}})
	require.NoError(t, err)
	require.Equal(t, "REGIONAL", obj(get(t, p, instanceType, name).Inputs, "settings")["availabilityType"])
	require.Equal(t, "db-custom-1-3840", obj(get(t, p, instanceType, name).Inputs, "settings")["tier"])
}

// TestIAM6_MasterUserAndSecretsNotOdoosRole: the one user Cloud SQL creates is
// the master user, with its password from its secret, a Pulumi secret; Odoo's
// role has its own secret (JSON username/password) and is made by the setup step;
// no password is in plain text in the plan.
func TestIAM6_MasterUserAndSecretsNotOdoosRole(t *testing.T) {
	p, c, err := run(t, gcpdatabase.Args{Spec: spec(tier.Cloud, true)})
	require.NoError(t, err)
	users := p.ByType(userType)
	require.Len(t, users, 1)
	u := users[0].Inputs
	require.Equal(t, map[string]any{"name": "admin_acme", "instance": "acme-db", "project": "acme-prod", "type": "BUILT_IN", "password": plan.Secret, "deletionPolicy": "ABANDON"}, u)
	require.NotEqual(t, u["name"], c.Username)
	require.NotContains(t, get(t, p, instanceType, name).Inputs, "rootPassword")
	for _, n := range []string{"acme-db-admin", "acme-db-app"} {
		v := get(t, p, versionType, n)
		require.Equal(t, plan.Secret, v.Inputs["secretData"])
		require.Equal(t, "DISABLE", v.Inputs["deletionPolicy"])
	}
	b, err := p.JSON()
	require.NoError(t, err)
	require.Equal(t, 1, strings.Count(string(b), `"password": "[secret]"`))
	require.Equal(t, 1, strings.Count(string(b), `"password": "`), "no other password input")
	require.NotContains(t, string(b), `\"password\"`, "no credentials JSON in plain text")
	other, _, err := run(t, gcpdatabase.Args{Spec: database.Spec{Customer: "globex", Tier: tier.Cloud}})
	require.NoError(t, err)
	require.Equal(t, "admin_globex", other.ByType(userType)[0].Inputs["name"])
}

// TestIAM6_CredentialsAreJSONWithTheirUser: the secrets' shape the runtime
// reads, a 256-bit password drawn afresh each time.
func TestIAM6_CredentialsAreJSONWithTheirUser(t *testing.T) {
	a, err := gcpdatabase.NewCredentials("odoo_acme")
	require.NoError(t, err)
	b, err := gcpdatabase.NewCredentials("odoo_acme")
	require.NoError(t, err)
	var va, vb map[string]string
	require.NoError(t, json.Unmarshal([]byte(a), &va))
	require.NoError(t, json.Unmarshal([]byte(b), &vb))
	require.Equal(t, []string{"odoo_acme", "odoo_acme"}, []string{va["username"], vb["username"]})
	require.Len(t, va["password"], 43)
	require.Regexp(t, `^[A-Za-z0-9_-]{43}$`, va["password"])
	require.NotEqual(t, va["password"], vb["password"])
	require.Len(t, va, 2)
}

// TestMachineMapping: the instance classes' Cloud SQL machines, and a class with
// none refused.
func TestMachineMapping(t *testing.T) {
	for class, want := range map[string]string{
		"db.t4g.small": "db-custom-1-3840", "db.t4g.medium": "db-custom-2-4096", "db.t3.medium": "db-custom-2-4096",
		"db.m7g.xlarge": "db-custom-4-16384", "db.r6g.large": "db-custom-4-16384", "db.r7g.2xlarge": "db-custom-10-65536",
	} {
		m, ok := gcpdatabase.MachineOf(class)
		require.True(t, ok, class)
		require.Equal(t, want, m.Tier(), class)
	}
	for _, m := range gcpdatabase.Sizes {
		require.True(t, m.CPUs == 1 || m.CPUs%2 == 0, m)
		require.Zero(t, m.MemoryMB%256, m)
		require.GreaterOrEqual(t, m.MemoryMB, 3840, m)
		require.LessOrEqual(t, m.MemoryMB, m.CPUs*6656, m)
		require.GreaterOrEqual(t, m.MemoryMB*10, m.CPUs*9216, m) // 0.9 GB per vCPU
	}
	_, c, err := run(t, gcpdatabase.Args{Spec: database.Spec{Customer: "acme", Tier: tier.Cloud, InstanceClass: "db.x2g.16xlarge"}})
	require.Nil(t, c)
	require.EqualError(t, err, `database acme-db: instanceClass "db.x2g.16xlarge" has no Cloud SQL machine type; allowed: db.<family><generation>.<size> with family.size one of m.2xlarge, m.4xlarge, m.8xlarge, m.large, m.xlarge, r.2xlarge, r.large, r.xlarge, t.2xlarge, t.large, t.medium, t.micro, t.small, t.xlarge`)
}

// TestLogFlags: the AWS parameter group's logging, with Cloud SQL's flag names
// and values; never statement text.
func TestLogFlags(t *testing.T) {
	p, _, err := run(t, gcpdatabase.Args{Spec: spec(tier.Cloud, true)})
	require.NoError(t, err)
	require.Equal(t, []any{
		map[string]any{"name": "log_connections", "value": "on"},
		map[string]any{"name": "log_disconnections", "value": "on"},
		map[string]any{"name": "log_lock_waits", "value": "on"},
		map[string]any{"name": "log_min_duration_statement", "value": "-1"},
		map[string]any{"name": "log_min_error_statement", "value": "panic"},
	}, obj(get(t, p, instanceType, name).Inputs, "settings")["databaseFlags"])
}

// TestMissingWiringRefused: every missing argument named at once, nothing
// registered.
func TestMissingWiringRefused(t *testing.T) {
	var err error
	p, perr := plan.Run("odoo-hosting", "acme-eu", func(ctx *pulumi.Context) error {
		_, err = gcpdatabase.New(ctx, name, gcpdatabase.Args{Spec: spec(tier.Cloud, false), Region: "europe-west1"})
		return nil
	})
	require.NoError(t, perr)
	require.EqualError(t, err, "database acme-db: provider is nil; allowed: the explicit gcp.Provider of the database's region\n"+
		"project is empty; allowed: the stack's GCP project ID\n"+
		"network and privateServicesConnection are required; allowed: gcpnetwork.Network's NetworkID and PrivateServicesConnection (private IP only)\n"+
		"dataKey is required; allowed: the Cloud KMS data key in europe-west1 (ENC-2)")
	require.Empty(t, p.Managed())
}

// TestInstanceNameRefused: the component's name is the instance's; Cloud SQL
// takes lowercase letters, digits and hyphens only.
func TestInstanceNameRefused(t *testing.T) {
	var err error
	p, perr := plan.Run("odoo-hosting", "acme-eu", func(ctx *pulumi.Context) error {
		prov, e := gcp.NewProvider(ctx, "primary", &gcp.ProviderArgs{Region: pulumi.String("europe-west1")})
		if e != nil {
			return e
		}
		_, err = gcpdatabase.New(ctx, "Acme_db", gcpdatabase.Args{Spec: spec(tier.Cloud, false), Provider: prov, Project: "acme-prod", Region: "europe-west1",
			Network: pulumi.String(network), PrivateServicesConnection: pulumi.String("psa"), DataKey: pulumi.String(key("europe-west1"))})
		return nil
	})
	require.NoError(t, perr)
	require.EqualError(t, err, `database Acme_db: name "Acme_db" is not a Cloud SQL instance name; allowed: a lowercase letter, then lowercase letters, digits and hyphens, not ending in a hyphen, at most 98 characters with the project ID and a colon`)
	require.Empty(t, p.Managed())
}
