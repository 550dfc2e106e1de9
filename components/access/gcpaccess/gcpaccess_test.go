package gcpaccess_test

import (
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/projects"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/components/access"
	"github.com/octura/odoo-hosting/components/access/accesstest"
	"github.com/octura/odoo-hosting/components/access/gcpaccess"
	"github.com/octura/odoo-hosting/internal/jurisdiction"
	"github.com/octura/odoo-hosting/internal/plan"
)

const (
	name       = "acme-europe-west1"
	logsKey    = "projects/acme-prod/locations/europe-west1/keyRings/acme/cryptoKeys/acme-logs"
	alice      = "user:alice@example.com"
	memberType = "gcp:projects/iAMMember:IAMMember"
	auditType  = "gcp:projects/iAMAuditConfig:IAMAuditConfig"
	metaType   = "gcp:compute/projectMetadataItem:ProjectMetadataItem"
	bucketType = "gcp:logging/projectBucketConfig:ProjectBucketConfig"
	sinkType   = "gcp:logging/projectSink:ProjectSink"
	exclType   = "gcp:logging/projectExclusion:ProjectExclusion"
)

type result struct {
	plan    *plan.Plan
	err     error
	outputs map[string]string
}

func run(t *testing.T, args gcpaccess.Args) result {
	t.Helper()
	r := result{outputs: map[string]string{}}
	var mu sync.Mutex
	p, err := plan.Run("odoo-hosting", "acme-eu", func(ctx *pulumi.Context) error {
		prov, err := gcp.NewProvider(ctx, "acme-"+args.Spec.Region, &gcp.ProviderArgs{
			Project: pulumi.String(args.Spec.AccountID), Region: pulumi.String(args.Spec.Region),
		})
		if err != nil {
			return err
		}
		args.Provider = prov
		a, err := gcpaccess.New(ctx, name, args)
		r.err = err
		if err != nil {
			return nil
		}
		record := func(k string, o pulumi.StringOutput) {
			ctx.Export(k, o.ApplyT(func(v string) string {
				mu.Lock()
				defer mu.Unlock()
				r.outputs[k] = v
				return v
			}))
		}
		record("logBucket", a.LogBucket)
		record("breakGlassExpiry", a.BreakGlassExpiry)
		record("residencyNotice", a.ResidencyNotice)
		record("loggingKmsAccount", a.LoggingKMSAccount)
		for role, m := range a.GroupMembers {
			record(string(role), m)
		}
		return nil
	})
	require.NoError(t, err)
	r.plan = p
	return r
}

func spec() access.Spec {
	return access.Spec{Customer: "acme", Cloud: jurisdiction.GCP, AccountID: "acme-prod", Region: "europe-west1", Jurisdiction: jurisdiction.EU}
}

func args(s access.Spec, now time.Time) gcpaccess.Args {
	return gcpaccess.Args{Spec: s, LogsKey: pulumi.String(logsKey), GroupDomain: "example.com", Now: func() time.Time { return now }}
}

// roles maps every member to the sorted roles bound to it without a condition.
func roles(p *plan.Plan) map[string][]string {
	out := map[string][]string{}
	for _, m := range p.ByType(memberType) {
		if m.Inputs["condition"] != nil {
			continue
		}
		k := m.Inputs["member"].(string)
		out[k] = append(out[k], m.Inputs["role"].(string))
	}
	for k := range out {
		sort.Strings(out[k])
	}
	return out
}

var expiryExpr = regexp.MustCompile(`^request\.time < timestamp\("([^"]+)"\)$`)

// sshRoles can put SSH keys into instance or project metadata, or turn OS Login
// off, so their holders can reach servers outside OS Login and IAP (IAM-5).
var sshRoles = []string{"roles/owner", "roles/editor", "roles/compute.admin", "roles/compute.instanceAdmin", "roles/compute.instanceAdmin.v1"}

type harness struct{}

// Plan describes the plan as the suite's View. On gcp:
//   - MFARequired is false: a project cannot deny actions without MFA; Cloud
//     Identity's 2-Step Verification enforcement does (Config.MFAOutsideStack), and
//     OS Login 2FA on SSH is checked by TestIAM2_IAM5_OSLoginWith2SVAndIAPOnly.
//   - SessionService: the identity-aware session is SSH through Identity-Aware
//     Proxy to OS Login (tunnel role, an OS Login role, OS Login on).
//   - SSH: a role that can push keys into metadata or turn OS Login off.
//   - the trail is the audit log bucket: entries cannot be edited through any
//     Cloud Logging API, and a locked bucket can be neither deleted nor have its
//     retention shortened, so Integrity, Versioned and ImmutableDays follow the
//     lock; the bucket is reachable only through the Cloud Logging API, over TLS.
func (harness) Plan(t *testing.T, s access.Spec, now time.Time) (accesstest.View, error) {
	r := run(t, args(s, now))
	v := accesstest.View{Resources: len(r.plan.Managed()), Groups: map[access.Role]accesstest.Group{}}
	if r.err != nil {
		return v, r.err
	}
	v.Users = len(r.plan.ByType("gcp:serviceaccount/account:Account")) + len(r.plan.ByType("gcp:cloudidentity/groupMembership:GroupMembership"))
	osLogin := false
	for _, m := range r.plan.ByType(metaType) {
		if m.Inputs["key"] == "enable-oslogin" && m.Inputs["value"] == "TRUE" {
			osLogin = true
		}
	}
	public := false
	for _, m := range r.plan.ByType(memberType) {
		member := m.Inputs["member"].(string)
		if strings.HasPrefix(member, "user:") {
			v.DirectUserGrants++
		}
		if member == "allUsers" || member == "allAuthenticatedUsers" {
			public = true
		}
	}
	bound := roles(r.plan)
	for _, role := range access.Roles() {
		rs, ok := bound["group:acme-"+string(role)+"@example.com"]
		if !ok {
			continue
		}
		has := func(x string) bool { return slicesContains(rs, x) }
		g := accesstest.Group{
			SessionService: osLogin && has(gcpaccess.TunnelResourceAccessor) && (has(gcpaccess.OSLogin) || has(gcpaccess.OSAdminLogin)),
			SSH:            !osLogin && has(gcpaccess.TunnelResourceAccessor),
		}
		for _, x := range sshRoles {
			g.SSH = g.SSH || has(x)
		}
		v.Groups[role] = g
	}
	for _, m := range r.plan.ByType(memberType) {
		cond, ok := m.Inputs["condition"].(map[string]any)
		if !ok {
			continue
		}
		match := expiryExpr.FindStringSubmatch(cond["expression"].(string))
		require.NotNil(t, match, cond["expression"])
		exp, err := time.Parse(time.RFC3339, match[1])
		require.NoError(t, err)
		if v.BreakGlass != nil {
			require.Equal(t, v.BreakGlass.Expiry, exp, "every break-glass binding ends together")
			continue
		}
		// IAM evaluates the condition on every request: no session outlives it.
		v.BreakGlass = &accesstest.BreakGlass{Principal: m.Inputs["member"].(string), Expiry: exp, MaxSessionSeconds: 0}
	}
	if b, ok := r.plan.Get(bucketType, name+"-audit"); ok {
		sink, _ := r.plan.Get(sinkType, name+"-audit")
		locked := b.Inputs["locked"] == true
		days := 0
		if locked {
			days = int(b.Inputs["retentionDays"].(float64))
		}
		dest := "logging.googleapis.com/projects/" + b.Inputs["project"].(string) + "/locations/" + b.Inputs["location"].(string) + "/buckets/" + b.Inputs["bucketId"].(string)
		v.Trail = &accesstest.Trail{
			Region:        b.Inputs["location"].(string),
			Integrity:     locked && sink.Inputs["destination"] == dest && sink.Inputs["filter"] == gcpaccess.AuditFilter(),
			Encrypted:     b.Inputs["cmekSettings"].(map[string]any)["kmsKeyName"] == logsKey,
			ImmutableDays: days,
			Versioned:     locked,
			PublicBlocked: !public,
			TLSOnly:       strings.HasPrefix(sink.Inputs["destination"].(string), "logging.googleapis.com/"),
			Retained:      b.RetainOnDelete,
			Protected:     b.Protect,
		}
	}
	return v, nil
}

func slicesContains(s []string, x string) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}

func TestConformance(t *testing.T) {
	accesstest.Run(t, accesstest.Config{
		Cloud: jurisdiction.GCP, Region: "europe-west1", Jurisdiction: jurisdiction.EU, AccountID: "acme-prod", Principal: alice,
		MFAOutsideStack: "Cloud Identity 2-Step Verification enforcement for the engineers' accounts (decision 0075)",
	}, harness{})
}

var now = accesstest.Now

func TestIAM1_GroupsBoundWithAdditiveMembersOnly(t *testing.T) {
	r := run(t, args(spec(), now))
	require.NoError(t, r.err)
	require.Equal(t, map[string]int{
		plan.StackType: 1, "pulumi:providers:gcp": 1, gcpaccess.Type: 1,
		memberType: 18, metaType: 2, auditType: 1, bucketType: 1, sinkType: 1, exclType: 1,
	}, r.plan.Count(), "IAM-1: no IAMPolicy or IAMBinding, which would remove others' grants")
	require.Equal(t, map[string][]string{
		"group:acme-administrator@example.com": {
			"roles/cloudsql.admin", "roles/compute.admin", "roles/compute.osAdminLogin", "roles/iap.tunnelResourceAccessor",
			"roles/logging.privateLogViewer", "roles/monitoring.admin", "roles/secretmanager.admin", "roles/storage.admin",
		},
		"group:acme-operator@example.com": {
			"roles/cloudsql.viewer", "roles/compute.osLogin", "roles/compute.viewer", "roles/iap.tunnelResourceAccessor",
			"roles/logging.viewer", "roles/monitoring.viewer",
		},
		"group:acme-auditor@example.com": {"roles/cloudasset.viewer", "roles/iam.securityReviewer", "roles/logging.privateLogViewer", "roles/serviceusage.serviceUsageConsumer"},
	}, roles(r.plan))
	comp, _ := r.plan.Get(gcpaccess.Type, name)
	for _, s := range r.plan.Managed() {
		if s.Type == gcpaccess.Type {
			continue
		}
		require.Equal(t, comp.URN, s.Parent, s.URN)
		prov, ok := r.plan.ProviderOf(s)
		require.True(t, ok, s.URN)
		require.Equal(t, "europe-west1", prov.Inputs["region"])
		require.Equal(t, "acme-prod", s.Inputs["project"], s.URN)
	}
	m, ok := r.plan.Get(memberType, name+"-operator-iap-tunnelresourceaccessor")
	require.True(t, ok)
	require.Equal(t, map[string]any{"project": "acme-prod", "role": "roles/iap.tunnelResourceAccessor", "member": "group:acme-operator@example.com"}, m.Inputs)
	require.Equal(t, map[string]string{
		"administrator": "group:acme-administrator@example.com", "operator": "group:acme-operator@example.com", "auditor": "group:acme-auditor@example.com",
		"logBucket": "projects/acme-prod/locations/europe-west1/buckets/acme-audit", "breakGlassExpiry": "", "residencyNotice": gcpaccess.ResidencyNotice,
		"loggingKmsAccount": "serviceAccount:service-123456789012@gcp-sa-logging.iam.gserviceaccount.com",
	}, r.outputs)
}

func TestIAM1_GroupsNamedOneByOne(t *testing.T) {
	a := args(spec(), now)
	a.GroupDomain = ""
	a.Groups = map[access.Role]string{access.Administrator: "ops-admins@acme.eu", access.Operator: "ops@acme.eu", access.Auditor: "audit@acme.eu"}
	r := run(t, a)
	require.NoError(t, r.err)
	require.Equal(t, []string{"group:audit@acme.eu", "group:ops-admins@acme.eu", "group:ops@acme.eu"}, sortedKeys(roles(r.plan)))

	a.Groups = map[access.Role]string{access.Operator: "ops"}
	r = run(t, a)
	require.Error(t, r.err)
	require.Contains(t, r.err.Error(), `groups.operator "ops" is not a group email; allowed: <group>@<domain>`)
	require.Contains(t, r.err.Error(), "groups.administrator is not set and groupDomain is empty; allowed: a group email, or groupDomain for <customer>-administrator@<domain> (IAM-1)")
	require.Empty(t, r.plan.Managed())
}

func sortedKeys(m map[string][]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestIAM3_BreakGlassBindingsExpireWithTheGrant(t *testing.T) {
	s := spec()
	s.BreakGlass = &access.Grant{Principal: alice, GrantedAt: now.Add(-2 * time.Hour), Hours: 24, Reason: "INC-42"}
	r := run(t, args(s, now))
	require.NoError(t, r.err)
	var got []string
	for _, m := range r.plan.ByType(memberType) {
		if m.Inputs["condition"] == nil {
			continue
		}
		require.Equal(t, alice, m.Inputs["member"])
		require.Equal(t, map[string]any{
			"title":       "break-glass until 2025-03-15T07:30:00Z",
			"description": "IAM-3: break-glass for user:alice@example.com until 2025-03-15T07:30:00Z. INC-42",
			"expression":  `request.time < timestamp("2025-03-15T07:30:00Z")`,
		}, m.Inputs["condition"])
		got = append(got, m.Inputs["role"].(string))
	}
	sort.Strings(got)
	require.Equal(t, []string{
		"roles/cloudsql.admin", "roles/compute.admin", "roles/compute.osAdminLogin", "roles/iam.serviceAccountUser",
		"roles/iap.tunnelResourceAccessor", "roles/logging.admin", "roles/logging.privateLogViewer", "roles/monitoring.admin",
		"roles/resourcemanager.projectIamAdmin", "roles/secretmanager.admin", "roles/storage.admin",
	}, got, "IAM-3: predefined roles only (conditions cannot be put on basic roles)")
	require.Equal(t, "2025-03-15T07:30:00Z", r.outputs["breakGlassExpiry"])
}

func TestIAM3_BreakGlassOver24HoursRefused(t *testing.T) {
	s := spec()
	s.BreakGlass = &access.Grant{Principal: alice, GrantedAt: now.Add(-time.Hour), Hours: 25}
	r := run(t, args(s, now))
	require.EqualError(t, r.err, `access "acme-europe-west1": breakGlass.hours 25 is out of range; allowed: 2 to 24 (IAM-3: the bindings' IAM condition ends with the grant; the same bounds as on aws)`)
	require.Empty(t, r.plan.Managed())
}

func TestIAM2_IAM5_OSLoginWith2SVAndIAPOnly(t *testing.T) {
	r := run(t, args(spec(), now))
	require.NoError(t, r.err)
	for _, k := range []string{"enable-oslogin", "enable-oslogin-2fa"} {
		m, ok := r.plan.Get(metaType, name+"-"+k)
		require.True(t, ok, k)
		require.Equal(t, map[string]any{"project": "acme-prod", "key": k, "value": "TRUE"}, m.Inputs, "IAM-2, IAM-5: one item each; the project's other metadata stays")
	}
	require.Empty(t, r.plan.ByType("gcp:compute/projectMetadata:ProjectMetadata"), "authoritative project metadata would replace the rest")
	b := roles(r.plan)
	op, admin, aud := b["group:acme-operator@example.com"], b["group:acme-administrator@example.com"], b["group:acme-auditor@example.com"]
	require.Contains(t, op, "roles/compute.osLogin")
	require.NotContains(t, op, "roles/compute.osAdminLogin", "IAM-5: operators log in without sudo")
	require.Contains(t, admin, "roles/compute.osAdminLogin")
	for _, rs := range [][]string{op, admin} {
		require.Contains(t, rs, "roles/iap.tunnelResourceAccessor", "IAM-5: SSH through IAP")
	}
	require.NotContains(t, aud, "roles/iap.tunnelResourceAccessor")
	require.NotContains(t, aud, "roles/compute.osLogin")
}

func TestIAM5_ServiceAccountUserOnlyOnTheVMServiceAccounts(t *testing.T) {
	a := args(spec(), now)
	a.VMServiceAccounts = map[string]pulumi.StringInput{"odoo": pulumi.String("acme-odoo@acme-prod.iam.gserviceaccount.com")}
	r := run(t, a)
	require.NoError(t, r.err)
	sa := r.plan.ByType("gcp:serviceaccount/iAMMember:IAMMember")
	require.Len(t, sa, 2)
	for i, role := range []string{"administrator", "operator"} {
		m, ok := r.plan.Get("gcp:serviceaccount/iAMMember:IAMMember", name+"-"+role+"-sa-user-odoo")
		require.True(t, ok, role)
		require.Equal(t, map[string]any{
			"serviceAccountId": "projects/acme-prod/serviceAccounts/acme-odoo@acme-prod.iam.gserviceaccount.com",
			"role":             "roles/iam.serviceAccountUser",
			"member":           "group:acme-" + role + "@example.com",
		}, m.Inputs, i)
	}
	for _, rs := range roles(r.plan) {
		require.NotContains(t, rs, "roles/iam.serviceAccountUser", "IAM-5: never on the whole project")
	}
	a.VMServiceAccounts = map[string]pulumi.StringInput{"Odoo VM": nil}
	require.ErrorContains(t, a.Validate(), `vmServiceAccounts["Odoo VM"] is not a key with an email; allowed: a lowercase key (used in child names) and the service account's email`)
}

func TestIAM4_DataAccessLogsRoutedToALockedCMEKBucketInRegion(t *testing.T) {
	for _, prod := range []bool{false, true} {
		s := spec()
		s.Production = prod
		s.TrailRetentionDays = 730
		r := run(t, args(s, now))
		require.NoError(t, r.err)
		ac, ok := r.plan.Get(auditType, name+"-data-access")
		require.True(t, ok)
		require.Equal(t, map[string]any{
			"project": "acme-prod", "service": "allServices",
			"auditLogConfigs": []any{map[string]any{"logType": "ADMIN_READ"}, map[string]any{"logType": "DATA_READ"}, map[string]any{"logType": "DATA_WRITE"}},
		}, ac.Inputs)
		b, ok := r.plan.Get(bucketType, name+"-audit")
		require.True(t, ok)
		require.Equal(t, map[string]any{
			"project": "acme-prod", "location": "europe-west1", "bucketId": "acme-audit", "retentionDays": 730.0, "locked": true,
			"cmekSettings": map[string]any{"kmsKeyName": logsKey},
			"description":  "IAM-4: Cloud Audit Logs of acme, kept 730 days",
		}, b.Inputs)
		require.True(t, b.RetainOnDelete)
		require.Equal(t, prod, b.Protect, "BAK-6")
		filter := `log_id("cloudaudit.googleapis.com/activity") OR log_id("cloudaudit.googleapis.com/data_access") OR log_id("cloudaudit.googleapis.com/system_event") OR log_id("cloudaudit.googleapis.com/policy")`
		sink, ok := r.plan.Get(sinkType, name+"-audit")
		require.True(t, ok)
		require.Equal(t, map[string]any{
			"name": "acme-audit", "project": "acme-prod",
			"destination":          "logging.googleapis.com/projects/acme-prod/locations/europe-west1/buckets/acme-audit",
			"filter":               filter,
			"description":          "IAM-4: every Cloud Audit Log into projects/acme-prod/locations/europe-west1/buckets/acme-audit",
			"uniqueWriterIdentity": true,
		}, sink.Inputs)
		require.Equal(t, prod, sink.Protect, "BAK-6")
		require.Contains(t, sink.Dependencies, b.URN)
		ex, ok := r.plan.Get(exclType, name+"-audit")
		require.True(t, ok)
		require.Equal(t, map[string]any{
			"name": "acme-audit", "project": "acme-prod", "filter": filter,
			"description": "audit logs stay in the regional bucket acme-audit",
		}, ex.Inputs, "RES-2: no copy in the global _Default bucket")
	}
}

func TestIAM4_LogsOutsideTheRegionRefused(t *testing.T) {
	a := args(spec(), now)
	a.LogsKey = pulumi.String("projects/acme-prod/locations/europe-west4/keyRings/acme/cryptoKeys/acme-logs")
	a.Region = "europe-west4"
	r := run(t, a)
	// The key lies in the region asked for; the region itself is refused: the
	// sink's destination must be in the spec's region.
	require.EqualError(t, r.err, `access "acme-europe-west1": region "europe-west4" differs from the spec's region "europe-west1"; allowed: europe-west1 (IAM-4: the audit sink's destination bucket is in the stack's region)`)
	require.Empty(t, r.plan.Managed())

	a = args(spec(), now)
	a.LogsKey = pulumi.String("projects/acme-prod/locations/europe/keyRings/acme/cryptoKeys/acme-logs")
	r = run(t, a)
	require.EqualError(t, r.err, `access "acme-europe-west1": logsKey "projects/acme-prod/locations/europe/keyRings/acme/cryptoKeys/acme-logs" is in location europe, not in the audit log bucket's region europe-west1; allowed: a key in europe-west1 (IAM-4, ENC-3)`)
	require.Empty(t, r.plan.Managed())
}

func TestIAM4_LogsKeyOutputInAnotherRegionFailsThePlan(t *testing.T) {
	var newErr error
	_, err := plan.Run("odoo-hosting", "acme-eu", func(ctx *pulumi.Context) error {
		prov, err := gcp.NewProvider(ctx, "acme", &gcp.ProviderArgs{Project: pulumi.String("acme-prod"), Region: pulumi.String("europe-west1")})
		if err != nil {
			return err
		}
		a := args(spec(), now)
		a.Provider = prov
		a.LogsKey = pulumi.String("projects/acme-prod/locations/europe-west4/keyRings/acme/cryptoKeys/acme-logs").ToStringOutput()
		_, newErr = gcpaccess.New(ctx, name, a)
		return newErr
	})
	require.NoError(t, newErr, "an output is not checked before registration")
	require.ErrorContains(t, err, "is in location europe-west4, not in the audit log bucket's region europe-west1")
}

func TestIAM4_LoggingAgentMustBeTheAccountCloudLoggingUses(t *testing.T) {
	planWith := func(agent string) error {
		_, err := plan.Run("odoo-hosting", "acme-eu", func(ctx *pulumi.Context) error {
			prov, err := gcp.NewProvider(ctx, "acme", &gcp.ProviderArgs{Project: pulumi.String("acme-prod"), Region: pulumi.String("europe-west1")})
			if err != nil {
				return err
			}
			a := args(spec(), now)
			a.Provider = prov
			a.LoggingAgent = pulumi.String(agent).ToStringOutput()
			_, err = gcpaccess.New(ctx, name, a)
			return err
		})
		return err
	}
	require.NoError(t, planWith("serviceAccount:service-"+plan.ProjectNumber+"@gcp-sa-logging.iam.gserviceaccount.com"))
	require.ErrorContains(t, planWith("serviceAccount:cmek-p"+plan.ProjectNumber+"@gcp-sa-logging.iam.gserviceaccount.com"),
		`logsKey "`+logsKey+`": Cloud Logging encrypts the project's log buckets as serviceAccount:service-123456789012@gcp-sa-logging.iam.gserviceaccount.com, not as the granted agent serviceAccount:cmek-p123456789012@gcp-sa-logging.iam.gserviceaccount.com; allowed: grant roles/cloudkms.cryptoKeyEncrypterDecrypter on the key to serviceAccount:service-123456789012@gcp-sa-logging.iam.gserviceaccount.com (IAM-4)`)
}

func TestIAM4_RetentionLongerThanCloudLoggingRefused(t *testing.T) {
	s := spec()
	s.TrailRetentionDays = 3653
	r := run(t, args(s, now))
	require.EqualError(t, r.err, `access "acme-europe-west1": trailRetentionDays 3653 is longer than Cloud Logging keeps logs; allowed: 365 to 3650 on gcp`)
	require.Empty(t, r.plan.Managed())
}

func TestArgsValidation(t *testing.T) {
	a := args(spec(), now)
	a.Spec.Cloud = jurisdiction.AWS
	a.Spec.AccountID = "111111111111"
	a.LogsKey = nil
	a.GroupDomain = "not a domain"
	err := a.Validate()
	require.Error(t, err)
	for _, want := range []string{
		`cloud "aws" is not served by gcpaccess; allowed: gcp`,
		`accountId "111111111111" is not a GCP project ID; allowed: 6-30 lowercase letters, digits and hyphens, starting with a letter`,
		`project "111111111111" differs`,
		"provider is nil; allowed: the explicit gcp.Provider of the stack's region",
		"logsKey is nil; allowed: the Cloud KMS logs key of the region (IAM-4)",
		`groupDomain "not a domain" is not a domain name`,
	} {
		if strings.HasPrefix(want, "project ") {
			require.NotContains(t, err.Error(), want, "project defaults to accountId")
			continue
		}
		require.Contains(t, err.Error(), want)
	}
}

// IAM-4, ENC-3: the audit bucket's key input depends on the key alone, never on the
// Logging agent: in a preview the agent created in the same deployment is unknown,
// and a policy must still resolve which key the bucket names (the customer's key
// on enterprise is a plain name with no resource behind it).
func TestIAM4_AuditBucketKeyInputCarriesOnlyTheKey(t *testing.T) {
	var agentURN string
	p, err := plan.Run("odoo-hosting", "acme-eu", func(ctx *pulumi.Context) error {
		prov, err := gcp.NewProvider(ctx, "acme", &gcp.ProviderArgs{Project: pulumi.String("acme-prod"), Region: pulumi.String("europe-west1")})
		if err != nil {
			return err
		}
		agent, err := projects.NewServiceIdentity(ctx, "logging-agent", &projects.ServiceIdentityArgs{
			Project: pulumi.String("acme-prod"), Service: pulumi.String("logging.googleapis.com"),
		}, pulumi.Provider(prov))
		if err != nil {
			return err
		}
		a := args(spec(), now)
		a.Provider = prov
		a.LoggingAgent = agent.Member
		_, err = gcpaccess.New(ctx, name, a)
		return err
	})
	require.NoError(t, err)
	sa, ok := p.Get("gcp:projects/serviceIdentity:ServiceIdentity", "logging-agent")
	require.True(t, ok)
	agentURN = sa.URN
	b, ok := p.Get(bucketType, name+"-audit")
	require.True(t, ok)
	require.Equal(t, map[string]any{"kmsKeyName": logsKey}, b.Inputs["cmekSettings"])
	require.NotContains(t, b.PropertyDependencies["cmekSettings"], agentURN)
	require.Contains(t, b.PropertyDependencies["description"], agentURN, "the agent check rides on the description")
}
