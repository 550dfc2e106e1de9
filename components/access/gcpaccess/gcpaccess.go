// Package gcpaccess builds access.Spec on Google Cloud: the engineers' Google
// groups bound to predefined roles at project level (IAM-1), a break-glass grant
// as role bindings with an IAM condition that ends at the grant's expiry (IAM-3),
// OS Login with 2-step verification and SSH only through Identity-Aware Proxy
// (IAM-2, IAM-5), Data Access audit logs for every service, and a sink that routes
// every audit log into a locked, CMEK-encrypted log bucket in the stack's region,
// kept out of the global _Default bucket (IAM-4). Decisions 0075 (access) and
// 0076 (audit trail and log residency) record the choices and the Google Cloud
// behaviour they rely on.
//
// How to wire: Spec is the stack's access.Spec with Cloud gcp and AccountID the
// project ID; Provider the gcp provider of Spec.Region; Project the project ID
// (defaults to Spec.AccountID); Region the stack's primary region (defaults to
// Spec.Region and must equal it); LogsKey gcpkeys.Keys.ARNs[keys.Logs] of the
// primary region; LoggingAgent gcpkeys.Keys.Agents[gcpkeys.Logging] (gcpkeys
// grants that agent on the key; the component checks it is the account Cloud
// Logging uses), and pulumi.DependsOn the keys component so that the grant exists
// before the bucket; GroupDomain the Cloud Identity domain of the engineer groups
// (<customer>-<role>@GroupDomain), or Groups to name them one by one;
// VMServiceAccounts the emails of the service accounts of the VMs engineers log
// in to (the runtime's instance service account), if any. Outputs: GroupMembers,
// LogBucket, SinkWriterIdentity, BreakGlassExpiry, LoggingKMSAccount and
// ResidencyNotice (the organization setting the operators must check).
package gcpaccess

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/compute"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/logging"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/projects"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/serviceaccount"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/octura/odoo-hosting/components/access"
	"github.com/octura/odoo-hosting/internal/jurisdiction"
)

// Type is the component's type token, the same concept as awsaccess.
const Type = access.Type

// Predefined roles (never the basic Owner, Editor or Viewer: they are too broad
// and IAM conditions cannot be attached to them).
const (
	TunnelResourceAccessor = "roles/iap.tunnelResourceAccessor"
	OSLogin                = "roles/compute.osLogin"
	OSAdminLogin           = "roles/compute.osAdminLogin"
)

// Roles are the predefined roles bound to each group at project level (IAM-1),
// least privilege for each:
//   - administrators run the stack's services (Compute Engine, Cloud SQL, Cloud
//     Storage, Secret Manager, Cloud Monitoring), read every log, and reach the
//     servers through IAP with OS Login and sudo. They do not manage IAM, the log
//     routing or the audit bucket: the deployment does, and break-glass can.
//   - operators read the services and the logs and reach the servers through IAP
//     with OS Login, without sudo (IAM-5).
//   - auditors read IAM policies, every log including Data Access audit logs, and
//     the asset inventory; no data, no servers.
var Roles = map[access.Role][]string{
	access.Administrator: {
		"roles/cloudsql.admin", "roles/compute.admin", OSAdminLogin, TunnelResourceAccessor,
		"roles/logging.privateLogViewer", "roles/monitoring.admin", "roles/secretmanager.admin", "roles/storage.admin",
	},
	access.Operator: {
		"roles/cloudsql.viewer", "roles/compute.viewer", OSLogin, TunnelResourceAccessor,
		"roles/logging.viewer", "roles/monitoring.viewer",
	},
	access.Auditor: {
		"roles/cloudasset.viewer", "roles/iam.securityReviewer", "roles/logging.privateLogViewer",
		"roles/serviceusage.serviceUsageConsumer", // Cloud Asset Inventory needs it beside the viewer role
	},
}

// ServiceAccountUser is granted on each VM service account to the groups that
// log in to the VMs (IAM-5).
const ServiceAccountUser = "roles/iam.serviceAccountUser"

// BreakGlassRoles are the roles a break-glass grant gives its principal until the
// grant expires (IAM-3): the administrators' roles plus acting as the stack's
// service accounts and managing the project's IAM and log configuration.
var BreakGlassRoles = append(slices.Clone(Roles[access.Administrator]),
	ServiceAccountUser, "roles/logging.admin", "roles/resourcemanager.projectIamAdmin")

// AuditLogTypes are the Data Access audit log types turned on for every service
// (IAM-4); Admin Activity audit logs are always on.
var AuditLogTypes = []string{"ADMIN_READ", "DATA_READ", "DATA_WRITE"}

// AuditLogIDs are the Cloud Audit Logs the sink routes (IAM-4): Admin Activity,
// Data Access, System Event and Policy Denied.
var AuditLogIDs = []string{
	"cloudaudit.googleapis.com/activity", "cloudaudit.googleapis.com/data_access",
	"cloudaudit.googleapis.com/system_event", "cloudaudit.googleapis.com/policy",
}

// MaxLogRetentionDays is the longest retention of a Cloud Logging bucket: ten
// years of 365 days, three days short of access.MaxTrailRetentionDays.
const MaxLogRetentionDays = 3650

// ResidencyNotice is what the stack cannot do from a project (IAM-4, RES-2):
// Cloud Logging always keeps a copy of the Admin Activity and System Event audit
// logs in the project's _Required bucket, and the _Required and _Default buckets
// are in the location the organization's Cloud Logging default settings named when
// the project was created (global otherwise).
const ResidencyNotice = "Admin Activity, System Event and Access Transparency audit logs are also kept by Cloud Logging in the project's _Required bucket, which cannot be excluded, deleted or moved; " +
	"it lies in the storage location of the organization's Cloud Logging default settings (gcloud logging settings update --organization=ORG --storage-location=REGION) at the time the project was created, and is global without it. " +
	"Check with: gcloud logging buckets describe _Required --location=REGION --project=PROJECT; create customer projects only after the organization setting names a region of the jurisdiction."

// Metadata items set on the project: OS Login for every VM, with 2-step
// verification (IAM-2, IAM-5).
var Metadata = map[string]string{"enable-oslogin": "TRUE", "enable-oslogin-2fa": "TRUE"}

// Args are the arguments of New.
type Args struct {
	// Spec is the cloud-neutral access and audit; Cloud must be gcp and AccountID
	// the project ID. Required; validated before anything is registered.
	Spec access.Spec
	// Provider is the explicit gcp provider of Spec.Region; every child uses it.
	// Required.
	Provider pulumi.ProviderResource
	// Project is the GCP project ID. Default Spec.AccountID; must equal it.
	Project string
	// Region is the region of the audit log bucket. Default Spec.Region; must
	// equal it (IAM-4: the sink's destination is in the stack's region).
	Region string
	// LogsKey is the Cloud KMS key (logs purpose, in Region) of the audit log
	// bucket (IAM-4). Required. A key name given as a plain string is checked to
	// lie in Region before anything is registered; an output is checked when known.
	LogsKey pulumi.StringInput
	// GroupDomain is the Cloud Identity domain of the engineers' Google groups,
	// named <customer>-<role>@GroupDomain. Required unless Groups names all three.
	GroupDomain string
	// Groups overrides a role's group email. Default: none.
	Groups map[access.Role]string
	// LoggingAgent is the Cloud Logging service agent granted encrypt/decrypt on
	// LogsKey, as an IAM member (gcpkeys.Keys.Agents[gcpkeys.Logging]). When set,
	// the account Cloud Logging reports for the project's CMEK
	// (logging.getProjectCmekSettings) must be it, or the plan fails naming the
	// account to grant, before the bucket is created (IAM-4). Default: not
	// checked.
	LoggingAgent pulumi.StringInput
	// VMServiceAccounts are the emails of the service accounts attached to the
	// VMs engineers log in to: OS Login admits a user to a VM that runs as a
	// service account only with roles/iam.serviceAccountUser on that account, so
	// the administrator and operator groups get it there, and nowhere else
	// (IAM-5). Default: none (no VM with a service account).
	VMServiceAccounts map[string]pulumi.StringInput
	// Now is the clock break-glass grants are checked against. Default time.Now.
	Now func() time.Time
}

// Access is the component.
type Access struct {
	pulumi.ResourceState

	// GroupMembers are the IAM members ("group:<email>") per role.
	GroupMembers map[access.Role]pulumi.StringOutput
	// BreakGlassExpiry is the instant the break-glass bindings stop working (RFC
	// 3339, UTC); empty without a grant.
	BreakGlassExpiry pulumi.StringOutput
	// LogBucket is the audit log bucket's resource name
	// (projects/<p>/locations/<region>/buckets/<id>).
	LogBucket pulumi.StringOutput
	// SinkWriterIdentity is the audit sink's writer identity (empty when Cloud
	// Logging needs none, as for a log bucket of the same project).
	SinkWriterIdentity pulumi.StringOutput
	// ResidencyNotice says what stays outside the stack's control (IAM-4).
	ResidencyNotice pulumi.StringOutput
	// LoggingKMSAccount is the account Cloud Logging uses with the project's CMEK
	// keys, as an IAM member: it needs encrypt/decrypt on LogsKey.
	LoggingKMSAccount pulumi.StringOutput
}

var (
	projectID = regexp.MustCompile(`^[a-z][a-z0-9-]{4,28}[a-z0-9]$`)
	email     = regexp.MustCompile(`^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$`)
	domain    = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$`)
	slug      = regexp.MustCompile(`^[a-z][a-z0-9-]{0,30}$`)
	kmsKey    = regexp.MustCompile(`^projects/[^/]+/locations/([a-z0-9-]+)/keyRings/[^/]+/cryptoKeys/[^/]+$`)
)

// WithDefaults returns a copy of a with every unset field at its default.
func (a Args) WithDefaults() Args {
	a.Spec = a.Spec.WithDefaults()
	if a.Project == "" {
		a.Project = a.Spec.AccountID
	}
	if a.Region == "" {
		a.Region = a.Spec.Region
	}
	if a.Now == nil {
		a.Now = time.Now
	}
	return a
}

// Validate checks the arguments: every problem at once.
func (a Args) Validate() error {
	a = a.WithDefaults()
	var errs []error
	add := func(format string, v ...any) { errs = append(errs, fmt.Errorf(format, v...)) }
	if err := a.Spec.ValidateAt(a.Now()); err != nil {
		errs = append(errs, err)
	}
	spec := a.Spec
	if spec.Cloud != jurisdiction.GCP {
		add("cloud %q is not served by gcpaccess; allowed: gcp", spec.Cloud)
	}
	if !projectID.MatchString(spec.AccountID) {
		add("accountId %q is not a GCP project ID; allowed: 6-30 lowercase letters, digits and hyphens, starting with a letter", spec.AccountID)
	}
	if a.Project != spec.AccountID {
		add("project %q differs from accountId %q; allowed: the project ID of the spec", a.Project, spec.AccountID)
	}
	if a.Region != spec.Region {
		add("region %q differs from the spec's region %q; allowed: %s (IAM-4: the audit sink's destination bucket is in the stack's region)", a.Region, spec.Region, spec.Region)
	}
	if spec.TrailRetentionDays > MaxLogRetentionDays {
		add("trailRetentionDays %d is longer than Cloud Logging keeps logs; allowed: %d to %d on gcp", spec.TrailRetentionDays, access.MinTrailRetentionDays, MaxLogRetentionDays)
	}
	if a.Provider == nil {
		errs = append(errs, errors.New("provider is nil; allowed: the explicit gcp.Provider of the stack's region"))
	}
	if a.LogsKey == nil {
		errs = append(errs, errors.New("logsKey is nil; allowed: the Cloud KMS logs key of the region (IAM-4)"))
	} else if k, ok := a.LogsKey.(pulumi.String); ok {
		if err := CheckLogsKey(string(k), a.Region); err != nil {
			errs = append(errs, err)
		}
	}
	if a.GroupDomain != "" && !domain.MatchString(a.GroupDomain) {
		add("groupDomain %q is not a domain name; allowed: the Cloud Identity domain of the engineer groups, e.g. example.com", a.GroupDomain)
	}
	for _, r := range access.Roles() {
		g, ok := a.Groups[r]
		switch {
		case ok && !email.MatchString(g):
			add("groups.%s %q is not a group email; allowed: <group>@<domain>", r, g)
		case !ok && a.GroupDomain == "":
			add("groups.%s is not set and groupDomain is empty; allowed: a group email, or groupDomain for <customer>-%s@<domain> (IAM-1)", r, r)
		}
	}
	for k, sa := range a.VMServiceAccounts {
		if sa == nil || !slug.MatchString(k) {
			add("vmServiceAccounts[%q] is not a key with an email; allowed: a lowercase key (used in child names) and the service account's email", k)
		}
	}
	for r := range a.Groups {
		if !slices.Contains(access.Roles(), r) {
			add("groups.%s is not a role; allowed: administrator, operator, auditor", r)
		}
	}
	return errors.Join(errs...)
}

// CheckLogsKey reports whether key is a Cloud KMS key name in region: Cloud
// Logging encrypts a log bucket only with a key of the bucket's own location
// (IAM-4, ENC-3).
func CheckLogsKey(key, region string) error {
	m := kmsKey.FindStringSubmatch(key)
	switch {
	case m == nil:
		return fmt.Errorf("logsKey %q is not a Cloud KMS key name; allowed: projects/<project>/locations/%s/keyRings/<ring>/cryptoKeys/<key> (IAM-4)", key, region)
	case m[1] != region:
		return fmt.Errorf("logsKey %q is in location %s, not in the audit log bucket's region %s; allowed: a key in %s (IAM-4, ENC-3)", key, m[1], region, region)
	}
	return nil
}

// GroupEmail is the email of role's group.
func (a Args) GroupEmail(r access.Role) string {
	if g, ok := a.Groups[r]; ok {
		return g
	}
	return a.Spec.Customer + "-" + string(r) + "@" + a.GroupDomain
}

// BucketID is the audit log bucket's ID.
func BucketID(s access.Spec) string { return s.Customer + "-audit" }

// BucketName is the audit log bucket's resource name, the sink's destination
// without the service prefix.
func BucketName(project, region string, s access.Spec) string {
	return fmt.Sprintf("projects/%s/locations/%s/buckets/%s", project, region, BucketID(s))
}

// AuditFilter selects every Cloud Audit Log of the project (IAM-4).
func AuditFilter() string {
	ids := make([]string, len(AuditLogIDs))
	for i, id := range AuditLogIDs {
		ids[i] = fmt.Sprintf("log_id(%q)", id)
	}
	return strings.Join(ids, " OR ")
}

// BreakGlassCondition is the IAM condition expression of a grant's bindings
// (IAM-3): true until the grant's expiry. IAM evaluates it on every request, so
// no session outlives the grant.
func BreakGlassCondition(g access.Grant) string {
	return fmt.Sprintf("request.time < timestamp(%q)", access.BreakGlassExpiry(g).Format(time.RFC3339))
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// short turns "roles/compute.osAdminLogin" into "compute-osadminlogin" for child
// names.
func short(role string) string {
	return strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(role, "roles/"), ".", "-"))
}

// New validates args and builds access and audit; on a validation error it
// registers nothing.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Access, error) {
	if err := args.Validate(); err != nil {
		return nil, fmt.Errorf("access %q: %w", name, err)
	}
	args = args.WithDefaults()
	spec := args.Spec
	project := pulumi.String(args.Project)

	a := &Access{GroupMembers: map[access.Role]pulumi.StringOutput{}}
	if err := ctx.RegisterComponentResource(Type, name, a, opts...); err != nil {
		return nil, err
	}
	in := []pulumi.ResourceOption{pulumi.Parent(a), pulumi.Provider(args.Provider)}

	// IAM-1: each group gets its predefined roles, one additive IAMMember per role
	// (never IAMPolicy or IAMBinding, which would replace other grants).
	for _, r := range access.Roles() {
		member := "group:" + args.GroupEmail(r)
		a.GroupMembers[r] = pulumi.String(member).ToStringOutput()
		for _, role := range Roles[r] {
			if _, err := projects.NewIAMMember(ctx, name+"-"+string(r)+"-"+short(role), &projects.IAMMemberArgs{
				Project: project, Role: pulumi.String(role), Member: pulumi.String(member),
			}, in...); err != nil {
				return nil, err
			}
		}
	}

	// IAM-5: OS Login on a VM that runs as a service account needs Service
	// Account User on that account; granted on the account only.
	for _, k := range sortedKeys(args.VMServiceAccounts) {
		for _, r := range []access.Role{access.Administrator, access.Operator} {
			if _, err := serviceaccount.NewIAMMember(ctx, name+"-"+string(r)+"-sa-user-"+k, &serviceaccount.IAMMemberArgs{
				ServiceAccountId: pulumi.Sprintf("projects/%s/serviceAccounts/%s", args.Project, args.VMServiceAccounts[k]),
				Role:             pulumi.String(ServiceAccountUser),
				Member:           pulumi.String("group:" + args.GroupEmail(r)),
			}, in...); err != nil {
				return nil, err
			}
		}
	}

	// IAM-3: the break-glass bindings, only while a grant is configured, each with
	// the condition that ends it at the grant's expiry.
	a.BreakGlassExpiry = pulumi.String("").ToStringOutput()
	if g := spec.BreakGlass; g != nil {
		expiry := access.BreakGlassExpiry(*g).Format(time.RFC3339)
		desc := "IAM-3: break-glass for " + g.Principal + " until " + expiry
		if g.Reason != "" {
			desc += ". " + g.Reason
		}
		for _, role := range BreakGlassRoles {
			if _, err := projects.NewIAMMember(ctx, name+"-break-glass-"+short(role), &projects.IAMMemberArgs{
				Project: project, Role: pulumi.String(role), Member: pulumi.String(g.Principal),
				Condition: &projects.IAMMemberConditionArgs{
					Title:       pulumi.String("break-glass until " + expiry),
					Description: pulumi.String(desc),
					Expression:  pulumi.String(BreakGlassCondition(*g)),
				},
			}, in...); err != nil {
				return nil, err
			}
		}
		a.BreakGlassExpiry = pulumi.String(expiry).ToStringOutput()
	}

	// IAM-2, IAM-5: OS Login with 2-step verification on every VM of the project;
	// one metadata item each, so the project's other metadata stays.
	for _, k := range []string{"enable-oslogin", "enable-oslogin-2fa"} {
		if _, err := compute.NewProjectMetadataItem(ctx, name+"-"+k, &compute.ProjectMetadataItemArgs{
			Project: project, Key: pulumi.String(k), Value: pulumi.String(Metadata[k]),
		}, in...); err != nil {
			return nil, err
		}
	}

	if err := audit(ctx, name, args, a, in); err != nil {
		return nil, err
	}
	a.ResidencyNotice = pulumi.String(ResidencyNotice).ToStringOutput()
	outputs := pulumi.Map{
		"breakGlassExpiry": a.BreakGlassExpiry, "logBucket": a.LogBucket,
		"sinkWriterIdentity": a.SinkWriterIdentity, "residencyNotice": a.ResidencyNotice, "loggingKmsAccount": a.LoggingKMSAccount,
	}
	for r, m := range a.GroupMembers {
		outputs[string(r)+"Group"] = m
	}
	return a, ctx.RegisterResourceOutputs(a, outputs)
}

// audit turns on Data Access audit logs and routes every audit log into a locked,
// encrypted log bucket in the region (IAM-4).
func audit(ctx *pulumi.Context, name string, args Args, a *Access, in []pulumi.ResourceOption) error {
	spec := args.Spec
	project := pulumi.String(args.Project)
	configs := projects.IAMAuditConfigAuditLogConfigArray{}
	for _, t := range AuditLogTypes {
		configs = append(configs, projects.IAMAuditConfigAuditLogConfigArgs{LogType: pulumi.String(t)})
	}
	// Authoritative for allServices only: the other services' audit configs stay.
	if _, err := projects.NewIAMAuditConfig(ctx, name+"-data-access", &projects.IAMAuditConfigArgs{
		Project: project, Service: pulumi.String("allServices"), AuditLogConfigs: configs,
	}, in...); err != nil {
		return err
	}

	// The key's location is checked when it is known (a plain string was checked
	// in Validate); with LoggingAgent, so is the account that will use it.
	settings := logging.GetProjectCmekSettingsOutput(ctx, logging.GetProjectCmekSettingsOutputArgs{Project: project},
		pulumi.Parent(a), pulumi.Provider(args.Provider))
	a.LoggingKMSAccount = pulumi.Sprintf("serviceAccount:%s", settings.ServiceAccountId())
	agent := pulumi.StringInput(pulumi.String(""))
	if args.LoggingAgent != nil {
		agent = args.LoggingAgent
	}
	// The key input carries only the key (and its dependencies), so that a policy
	// reading a preview can resolve the key even while the agent is still unknown;
	// the agent check rides on the bucket's description instead.
	key := pulumi.StringInput(args.LogsKey).ToStringOutput().ApplyT(func(k string) (string, error) {
		if err := CheckLogsKey(k, args.Region); err != nil {
			return "", err
		}
		return k, nil
	}).(pulumi.StringOutput)
	description := pulumi.All(args.LogsKey, agent, a.LoggingKMSAccount).ApplyT(func(v []any) (string, error) {
		k, granted, uses := v[0].(string), v[1].(string), v[2].(string)
		if granted != "" && granted != uses {
			return "", fmt.Errorf("logsKey %q: Cloud Logging encrypts the project's log buckets as %s, not as the granted agent %s; allowed: grant roles/cloudkms.cryptoKeyEncrypterDecrypter on the key to %s (IAM-4)", k, uses, granted, uses)
		}
		return "IAM-4: Cloud Audit Logs of " + spec.Customer + ", kept " + fmt.Sprint(spec.TrailRetentionDays) + " days", nil
	}).(pulumi.StringOutput)

	// BAK-6: the audit record survives `pulumi destroy`; on production it also
	// refuses deletion and replacement. The bucket is locked on every stack, as
	// the AWS trail's object lock is: its retention can be neither shortened nor
	// removed and it cannot be deleted while it holds logs.
	keep := append(slices.Clone(in), pulumi.RetainOnDelete(true))
	if spec.Production {
		keep = append(keep, pulumi.Protect(true))
	}
	bucket, err := logging.NewProjectBucketConfig(ctx, name+"-audit", &logging.ProjectBucketConfigArgs{
		Project:       project,
		Location:      pulumi.String(args.Region),
		BucketId:      pulumi.String(BucketID(spec)),
		RetentionDays: pulumi.Int(spec.TrailRetentionDays),
		Locked:        pulumi.Bool(true),
		CmekSettings:  &logging.ProjectBucketConfigCmekSettingsArgs{KmsKeyName: key},
		Description:   description,
	}, keep...)
	if err != nil {
		return err
	}
	// IAM-4: every audit log of the project into the bucket; a sink into a log
	// bucket of its own project needs no grant.
	bucketName := BucketName(args.Project, args.Region, spec)
	sink, err := logging.NewProjectSink(ctx, name+"-audit", &logging.ProjectSinkArgs{
		Name:                 pulumi.String(spec.Customer + "-audit"),
		Project:              project,
		Destination:          pulumi.String("logging.googleapis.com/" + bucketName),
		Filter:               pulumi.String(AuditFilter()),
		Description:          pulumi.String("IAM-4: every Cloud Audit Log into " + bucketName),
		UniqueWriterIdentity: pulumi.Bool(true),
	}, append(slices.Clone(in), pulumi.DependsOn([]pulumi.Resource{bucket}), pulumi.Protect(spec.Production))...) // BAK-6
	if err != nil {
		return err
	}
	// RES-2, IAM-4: the _Default sink would also keep the Data Access and Policy
	// Denied audit logs, in the global _Default bucket; a project exclusion is an
	// exclusion of that sink. (The _Required sink cannot be excluded: see
	// ResidencyNotice.)
	if _, err := logging.NewProjectExclusion(ctx, name+"-audit", &logging.ProjectExclusionArgs{
		Name:        pulumi.String(spec.Customer + "-audit"),
		Project:     project,
		Description: pulumi.String("audit logs stay in the regional bucket " + BucketID(spec)),
		Filter:      pulumi.String(AuditFilter()),
	}, append(slices.Clone(in), pulumi.DependsOn([]pulumi.Resource{sink}))...); err != nil {
		return err
	}
	a.LogBucket = bucket.ID().ApplyT(func(string) string { return bucketName }).(pulumi.StringOutput)
	a.SinkWriterIdentity = sink.WriterIdentity
	return nil
}
