package gcpkeys_test

import (
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/storage"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/components/keys"
	"github.com/octura/odoo-hosting/components/keys/gcpkeys"
	"github.com/octura/odoo-hosting/components/keys/keystest"
	"github.com/octura/odoo-hosting/internal/jurisdiction"
	"github.com/octura/odoo-hosting/internal/plan"
)

const (
	name       = "acme-europe-west1"
	ringType   = "gcp:kms/keyRing:KeyRing"
	keyType    = "gcp:kms/cryptoKey:CryptoKey"
	memberType = "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember"
	agentType  = "gcp:projects/serviceIdentity:ServiceIdentity"
)

type result struct {
	plan *plan.Plan
	err  error
	arns map[keys.Purpose]string
	reg  string
}

func run(t *testing.T, args gcpkeys.Args) result {
	t.Helper()
	var r result
	var mu sync.Mutex
	r.arns = map[keys.Purpose]string{}
	p, err := plan.Run("odoo-hosting", "acme-eu", func(ctx *pulumi.Context) error {
		prov, err := gcp.NewProvider(ctx, "acme-"+args.Spec.Region, &gcp.ProviderArgs{
			Project: pulumi.String(args.Spec.AccountID), Region: pulumi.String(args.Spec.Region),
		})
		if err != nil {
			return err
		}
		args.Provider = prov
		k, err := gcpkeys.New(ctx, name, args)
		r.err = err
		if err != nil {
			return nil
		}
		r.reg = k.Region
		for p, o := range k.ARNs {
			ctx.Export(string(p), o.ApplyT(func(v string) string {
				mu.Lock()
				defer mu.Unlock()
				r.arns[p] = v
				return v
			}))
		}
		return nil
	})
	require.NoError(t, err)
	r.plan = p
	return r
}

func days(t *testing.T, v any) int {
	s, ok := v.(string)
	require.True(t, ok, "%v", v)
	n, err := strconv.Atoi(strings.TrimSuffix(s, "s"))
	require.NoError(t, err)
	require.Zero(t, n%86400, s)
	return n / 86400
}

type harness struct{}

func (harness) CustomerKey(region string) string {
	return "projects/acme-kms/locations/" + region + "/keyRings/acme/cryptoKeys/odoo"
}

func (harness) Plan(t *testing.T, spec keys.Spec) (keystest.View, error) {
	r := run(t, gcpkeys.Args{Spec: spec})
	v := keystest.View{Resources: len(r.plan.Managed()), ARNs: r.arns, Region: r.reg}
	if r.err != nil {
		return v, r.err
	}
	for _, p := range spec.WithDefaults().Purposes {
		k, ok := r.plan.Get(keyType, name+"-"+string(p))
		if !ok {
			continue
		}
		ring, ok := r.plan.Get(ringType, name)
		require.True(t, ok)
		loc := ring.Inputs["location"].(string)
		_, single := jurisdiction.Lookup(jurisdiction.GCP, loc)
		tmpl := k.Inputs["versionTemplate"].(map[string]any)
		v.Keys = append(v.Keys, keystest.Key{
			Purpose: p, Region: loc, Alias: k.Inputs["name"].(string),
			RotationEnabled:    k.Inputs["rotationPeriod"] != nil,
			RotationPeriodDays: days(t, k.Inputs["rotationPeriod"]),
			DeletionWindowDays: days(t, k.Inputs["destroyScheduledDuration"]),
			MultiRegion:        !single,
			AES256:             k.Inputs["purpose"] == "ENCRYPT_DECRYPT" && tmpl["algorithm"] == "GOOGLE_SYMMETRIC_ENCRYPTION",
			RetainOnDelete:     k.RetainOnDelete, Protect: k.Protect,
		})
	}
	if len(v.Keys) != len(r.plan.ByType(keyType)) {
		t.Fatalf("keys not named <name>-<purpose>")
	}
	return v, nil
}

func TestConformance(t *testing.T) {
	keystest.Run(t, keystest.Config{
		Cloud: jurisdiction.GCP, Primary: "europe-west1", Backup: "europe-west4", Outside: "europe-west2",
		Jurisdiction: jurisdiction.EU, AccountID: "acme-prod", RotationPeriodDays: keys.GCPRotationPeriodDays,
	}, harness{})
}

func spec() keys.Spec {
	return keys.Spec{Customer: "acme", Cloud: jurisdiction.GCP, Region: "europe-west1", Jurisdiction: jurisdiction.EU, AccountID: "acme-prod"}
}

// grants maps each key (by child name) to the sorted members granted on it, and
// checks that every grant is the encrypter/decrypter role.
func grants(t *testing.T, p *plan.Plan) map[string][]string {
	out := map[string][]string{}
	for _, m := range p.ByType(memberType) {
		require.Equal(t, "roles/cloudkms.cryptoKeyEncrypterDecrypter", m.Inputs["role"], m.Name())
		key := m.Inputs["cryptoKeyId"].(string)
		out[key] = append(out[key], m.Inputs["member"].(string))
	}
	for k := range out {
		sort.Strings(out[k])
	}
	return out
}

func TestENC2_ENC3_KeyRingKeysAndAgents(t *testing.T) {
	r := run(t, gcpkeys.Args{Spec: spec()})
	require.NoError(t, r.err)
	require.Equal(t, map[string]int{
		plan.StackType: 1, "pulumi:providers:gcp": 1, gcpkeys.Type: 1,
		ringType: 1, keyType: 3, agentType: 4, memberType: 6,
	}, r.plan.Count())
	comp, _ := r.plan.Get(gcpkeys.Type, name)
	for _, s := range r.plan.Managed() {
		if s.Type == gcpkeys.Type {
			continue
		}
		require.Equal(t, comp.URN, s.Parent, s.URN)
		prov, ok := r.plan.ProviderOf(s)
		require.True(t, ok, s.URN)
		require.Equal(t, "europe-west1", prov.Inputs["region"])
	}
	ring, _ := r.plan.Get(ringType, name)
	require.Equal(t, map[string]any{"name": "acme", "location": "europe-west1", "project": "acme-prod"}, ring.Inputs)
	require.True(t, ring.RetainOnDelete)
	data, _ := r.plan.Get(keyType, name+"-data")
	require.Equal(t, "acme-data", data.Inputs["name"])
	require.Equal(t, "ENCRYPT_DECRYPT", data.Inputs["purpose"])
	require.Equal(t, "7776000s", data.Inputs["rotationPeriod"], "ENC-3: 90 days")
	require.Equal(t, "2592000s", data.Inputs["destroyScheduledDuration"], "ENC-3: 30 days")
	require.Equal(t, map[string]any{"algorithm": "GOOGLE_SYMMETRIC_ENCRYPTION", "protectionLevel": "SOFTWARE"}, data.Inputs["versionTemplate"])
	require.Regexp(t, `^acme-europe-west1-[0-9a-f]{8}$`, data.Inputs["keyRing"])
	var services []string
	for _, a := range r.plan.ByType(agentType) {
		require.Equal(t, "acme-prod", a.Inputs["project"])
		services = append(services, a.Inputs["service"].(string))
	}
	require.ElementsMatch(t, []string{"sqladmin.googleapis.com", "compute.googleapis.com", "secretmanager.googleapis.com", "logging.googleapis.com"}, services)
}

func TestENC2_AgentsGrantedExactlyTheKeysTheyUse(t *testing.T) {
	r := run(t, gcpkeys.Args{Spec: spec()})
	require.NoError(t, r.err)
	agent := func(api string) string {
		return "serviceAccount:service-" + plan.ProjectNumber + "@gcp-sa-" + api + ".iam.gserviceaccount.com"
	}
	gcs := "serviceAccount:service-" + plan.ProjectNumber + "@gs-project-accounts.iam.gserviceaccount.com"
	got := grants(t, r.plan)
	require.Equal(t, map[string][]string{
		r.arns[keys.Data]:   {agent("compute"), agent("secretmanager"), agent("sqladmin"), gcs},
		r.arns[keys.Backup]: {gcs},
		r.arns[keys.Logs]:   {agent("logging")},
	}, got)
}

func TestENC5_BackupRegionKeysGrantOnlyStorage(t *testing.T) {
	s := spec()
	s.Region = "europe-west4"
	s.Purposes = []keys.Purpose{keys.Backup}
	r := run(t, gcpkeys.Args{Spec: s})
	require.NoError(t, r.err)
	require.Equal(t, map[string]int{plan.StackType: 1, "pulumi:providers:gcp": 1, gcpkeys.Type: 1, ringType: 1, keyType: 1, memberType: 1}, r.plan.Count())
	ring, _ := r.plan.Get(ringType, name)
	require.Equal(t, "europe-west4", ring.Inputs["location"])
}

func TestENC2_HSMProtectionAndUnknownLevelRefused(t *testing.T) {
	r := run(t, gcpkeys.Args{Spec: spec(), ProtectionLevel: gcpkeys.HSM})
	require.NoError(t, r.err)
	for _, k := range r.plan.ByType(keyType) {
		require.Equal(t, "HSM", k.Inputs["versionTemplate"].(map[string]any)["protectionLevel"])
	}
	r = run(t, gcpkeys.Args{Spec: spec(), ProtectionLevel: "EXTERNAL"})
	require.EqualError(t, r.err, `keys "acme-europe-west1": protectionLevel "EXTERNAL" is unknown; allowed: SOFTWARE, HSM`)
	require.Empty(t, r.plan.Managed())
}

func TestBAK6_ProtectedOnProduction(t *testing.T) {
	s := spec()
	s.Protect = true
	r := run(t, gcpkeys.Args{Spec: s})
	require.NoError(t, r.err)
	for _, typ := range []string{ringType, keyType} {
		for _, k := range r.plan.ByType(typ) {
			require.True(t, k.Protect && k.RetainOnDelete, k.URN)
		}
	}
}

func TestENC4_CustomerKeyCreatesNoKeyAndGrantsAgentsOnIt(t *testing.T) {
	s := spec()
	s.CustomerKeyARN = "projects/acme-kms/locations/europe-west1/keyRings/acme/cryptoKeys/odoo"
	r := run(t, gcpkeys.Args{Spec: s})
	require.NoError(t, r.err)
	require.Equal(t, map[string]int{plan.StackType: 1, "pulumi:providers:gcp": 1, gcpkeys.Type: 1, agentType: 4, memberType: 5}, r.plan.Count())
	got := grants(t, r.plan)
	require.Len(t, got, 1)
	require.Len(t, got[s.CustomerKeyARN], 5)
}

func TestENC4_CustomerKeyInAnotherRegionRefused(t *testing.T) {
	s := spec()
	s.CustomerKeyARN = "projects/acme-kms/locations/europe-west4/keyRings/acme/cryptoKeys/odoo"
	r := run(t, gcpkeys.Args{Spec: s})
	require.EqualError(t, r.err, `keys "acme-europe-west1": customerKeyArn "projects/acme-kms/locations/europe-west4/keyRings/acme/cryptoKeys/odoo" is in region europe-west4, not in the keys' region europe-west1; allowed: a key in europe-west1 (ENC-3, ENC-4)`)
	require.Empty(t, r.plan.Managed())
	// A multi-region key location is no region of the keys either.
	s.CustomerKeyARN = "projects/acme-kms/locations/europe/keyRings/acme/cryptoKeys/odoo"
	r = run(t, gcpkeys.Args{Spec: s})
	require.ErrorContains(t, r.err, `is in region europe, not in the keys' region europe-west1`)
	require.Empty(t, r.plan.Managed())
}

func TestRES2_KeysOutsideJurisdictionAndAWSSpecRefused(t *testing.T) {
	s := spec()
	s.Region = "europe-west6"
	r := run(t, gcpkeys.Args{Spec: s})
	require.ErrorContains(t, r.err, `region "europe-west6" (Zurich, CH) is outside jurisdiction eu`)
	require.Empty(t, r.plan.Managed())
	a := keys.Spec{Customer: "acme", Region: "europe-west1", AccountID: "123456789012"}
	r = run(t, gcpkeys.Args{Spec: a})
	require.ErrorContains(t, r.err, `cloud "aws" is not served by gcpkeys; allowed: gcp`)
	require.Empty(t, r.plan.Managed())
}

// TestENC2_KeyNamesWaitForTheirGrants: a resource that takes Names[p] as its key
// input depends, through that input, on the key and on every grant of p's users,
// so that Cloud KMS admits the agent when the resource is created.
// On a customer key the name waits for its users' grants too.
func TestENC2_KeyNamesWaitForTheirGrants(t *testing.T) {
	for _, customer := range []bool{false, true} {
		s := spec()
		want := map[keys.Purpose]string{
			keys.Data:   "projects/acme-prod/locations/europe-west1/keyRings/acme/cryptoKeys/acme-data",
			keys.Backup: "projects/acme-prod/locations/europe-west1/keyRings/acme/cryptoKeys/acme-backup",
		}
		grant := map[keys.Purpose][]string{
			keys.Data:   {name + "-data-sqladmin", name + "-data-storage", name + "-data-compute", name + "-data-secretmanager"},
			keys.Backup: {name + "-backup-storage"},
		}
		if customer {
			s.CustomerKeyARN = "projects/acme-kms/locations/europe-west1/keyRings/acme/cryptoKeys/odoo"
			want = map[keys.Purpose]string{keys.Data: s.CustomerKeyARN, keys.Backup: s.CustomerKeyARN}
			grant = map[keys.Purpose][]string{
				keys.Data:   {name + "-customer-sqladmin", name + "-customer-storage", name + "-customer-compute", name + "-customer-secretmanager"},
				keys.Backup: {name + "-customer-storage"},
			}
		}
		p, err := plan.Run("odoo-hosting", "acme-eu", func(ctx *pulumi.Context) error {
			prov, err := gcp.NewProvider(ctx, "acme", &gcp.ProviderArgs{Project: pulumi.String("acme-prod"), Region: pulumi.String("europe-west1")})
			if err != nil {
				return err
			}
			k, err := gcpkeys.New(ctx, name, gcpkeys.Args{Spec: s, Provider: prov})
			if err != nil {
				return err
			}
			for _, pu := range []keys.Purpose{keys.Data, keys.Backup} {
				if _, err := storage.NewBucket(ctx, "uses-"+string(pu), &storage.BucketArgs{
					Location: pulumi.String("EUROPE-WEST1"), Encryption: &storage.BucketEncryptionArgs{DefaultKmsKeyName: k.Names[pu]},
				}, pulumi.Provider(prov)); err != nil {
					return err
				}
			}
			return nil
		})
		require.NoError(t, err)
		for _, pu := range []keys.Purpose{keys.Data, keys.Backup} {
			b, ok := p.Get("gcp:storage/bucket:Bucket", "uses-"+string(pu))
			require.True(t, ok)
			require.Equal(t, map[string]any{"defaultKmsKeyName": want[pu]}, b.Inputs["encryption"])
			deps := b.PropertyDependencies["encryption"]
			for _, g := range grant[pu] {
				gs, ok := p.Get(memberType, g)
				require.True(t, ok, g)
				require.Contains(t, deps, gs.URN, "%s waits for %s", pu, g)
			}
			if !customer {
				key, _ := p.Get(keyType, name+"-"+string(pu))
				require.Contains(t, deps, key.URN)
			}
		}
	}
}

// TestENC2_GrantsOnlyTheUsersTheStackHas: with Users, each key admits exactly the
// agents of the services listed for its purpose; a purpose without users has its
// key and no grant, and no agent is created that nothing uses. A service that
// does not use a purpose's key is refused.
func TestENC2_GrantsOnlyTheUsersTheStackHas(t *testing.T) {
	agent := func(api string) string {
		return "serviceAccount:service-" + plan.ProjectNumber + "@gcp-sa-" + api + ".iam.gserviceaccount.com"
	}
	gcs := "serviceAccount:service-" + plan.ProjectNumber + "@gs-project-accounts.iam.gserviceaccount.com"
	// Odoo runs: no bucket takes the data key, so Cloud Storage is not granted on it.
	r := run(t, gcpkeys.Args{Spec: spec(), Users: map[keys.Purpose][]gcpkeys.Service{
		keys.Data: {gcpkeys.SQLAdmin, gcpkeys.Compute, gcpkeys.SecretManager}, keys.Backup: {gcpkeys.Storage}, keys.Logs: {gcpkeys.Logging},
	}})
	require.NoError(t, r.err)
	require.Equal(t, map[string][]string{
		r.arns[keys.Data]:   {agent("compute"), agent("secretmanager"), agent("sqladmin")},
		r.arns[keys.Backup]: {gcs},
		r.arns[keys.Logs]:   {agent("logging")},
	}, grants(t, r.plan))
	// No application: the data key has no user.
	r = run(t, gcpkeys.Args{Spec: spec(), Users: map[keys.Purpose][]gcpkeys.Service{keys.Backup: {gcpkeys.Storage}, keys.Logs: {gcpkeys.Logging}}})
	require.NoError(t, r.err)
	require.Equal(t, map[string][]string{r.arns[keys.Backup]: {gcs}, r.arns[keys.Logs]: {agent("logging")}}, grants(t, r.plan))
	require.Equal(t, map[string]int{plan.StackType: 1, "pulumi:providers:gcp": 1, gcpkeys.Type: 1, ringType: 1, keyType: 3, agentType: 1, memberType: 2}, r.plan.Count())
	// On a customer key, one grant per listed service.
	s := spec()
	s.CustomerKeyARN = "projects/acme-kms/locations/europe-west1/keyRings/acme/cryptoKeys/odoo"
	r = run(t, gcpkeys.Args{Spec: s, Users: map[keys.Purpose][]gcpkeys.Service{keys.Backup: {gcpkeys.Storage}, keys.Logs: {gcpkeys.Logging}}})
	require.NoError(t, r.err)
	require.Equal(t, map[string][]string{s.CustomerKeyARN: {agent("logging"), gcs}}, grants(t, r.plan))

	r = run(t, gcpkeys.Args{Spec: spec(), Users: map[keys.Purpose][]gcpkeys.Service{keys.Logs: {gcpkeys.Storage}}})
	require.EqualError(t, r.err, `keys "acme-europe-west1": users.logs "storage.googleapis.com" does not use the logs key; allowed: logging.googleapis.com`)
	require.Empty(t, r.plan.Managed())
}
