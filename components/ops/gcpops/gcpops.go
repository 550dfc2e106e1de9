// Package gcpops builds ops.Spec on Google Cloud (OPS-1, OPS-2): one Cloud
// Monitoring e-mail notification channel per contact, and Cloud Monitoring alert
// policies, each notifying every channel, for the same failures the AWS twin
// (awsops) watches:
//
//   - backups: Cloud SQL automated backup windows that failed (backup-failed) or
//     never started (backup-missed), read from Cloud SQL's System Event audit log;
//     Storage Transfer Service errors (copy-failed) and objects that failed to copy
//     (replication-failed) from its metrics; copies paused, cancelled, changed or
//     deleted (replication-behind) from its Admin Activity audit log; the restore
//     test's Cloud Scheduler job failing (restore-test-failed);
//   - the application (Spec.Application): load balancer health checks that mark a
//     backend UNHEALTHY (app-unhealthy), Cloud SQL down, failing over or near full
//     (database-unhealthy), and a dated reminder before the origin certificate
//     expires (certificate-expiring);
//   - a dated reminder Spec.WarningDays before each cross-border approval expires
//     (approval-expiring): a Cloud Scheduler job publishes it to the alert topic
//     and a log-match policy on that job's execution raises it;
//   - OPS-2 (Spec.ThreatDetection): the Security Command Center and Container
//     Scanning APIs on, and SCC findings of HIGH or CRITICAL severity (threats, and
//     image vulnerabilities found by Artifact Analysis) streamed to Pub/Sub topics
//     whose publications alert.
//
// Every Pub/Sub topic keeps its messages in Spec.Region (messageStoragePolicy) and
// is encrypted with the stack's key (KeyName); the Pub/Sub service agent is
// granted that key. Alert policies and notification channels are project-level
// Cloud Monitoring configuration: they hold no customer data, only the filters,
// the contacts' addresses and the texts below. Decisions 0077 and 0078 record the
// choices and the documentation they rest on.
//
// How to wire (stacks/gcp.go): Spec is the blueprint's ops.Spec with Cloud gcp;
// Provider the gcp provider of the primary region; Project the customer's project
// ID; Region the primary region (Spec.Region); KeyName the logs key of the primary
// region (gcpkeys.Keys.ARNs[keys.Logs], or the customer's key on enterprise).
// Optional, from the other components: RestoreTestJob the Cloud Scheduler job
// name of the restore test (gcpbackup names it "<backup component name>-restore-test");
// DatabaseInstance the Cloud SQL instance name (gcpdatabase), known before it
// exists; BackendGroups the instance group names behind the load balancer's backend
// services (gcpruntime; their health checks must have logging enabled); and
// CertificateExpireTime the origin certificate's expiry (RFC 3339, e.g. the
// certificate resource's expireTime or the Cloudflare Origin CA certificate's
// expiresOn). Left empty, the database and health-check policies watch the whole
// project (one customer environment per project) and no certificate reminder is
// made. Outputs: ChannelIDs (notification channel resource names), AlertTopic (the
// alert topic's ID) and Signals.
package gcpops

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/cloudscheduler"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/kms"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/monitoring"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/projects"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/pubsub"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/securitycenter"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/octura/odoo-hosting/components/ops"
	"github.com/octura/odoo-hosting/internal/jurisdiction"
)

// Type is the component's type token, the same concept as awsops.
const Type = ops.Type

// Filters and thresholds, in one place (literal: the tests assert them).
const (
	// CloudSQLBackupEvent selects Cloud SQL's automated backup events (System Event
	// audit log, one per backup window, metadata.windowStatus STATUS_SUCCEEDED when
	// the window's backup succeeded).
	CloudSQLBackupEvent = `log_id("cloudaudit.googleapis.com/system_event") AND resource.type="cloudsql_database" AND protoPayload.methodName="cloudsql.instances.automatedBackup" AND protoPayload.metadata.windowStatus!="STATUS_SUCCEEDED"`
	// BackupStarted is true of a window whose backup started (and then failed).
	BackupStarted = `protoPayload.metadata.backupStartTime:*`
	// TransferErrors is Storage Transfer Service's error count (copy-failed).
	TransferErrors = `resource.type="storage_transfer_job" AND metric.type="storagetransfer.googleapis.com/transferjob/error_count"`
	// TransferFailedObjects is the count of objects that failed to copy (replication-failed).
	TransferFailedObjects = `resource.type="storage_transfer_job" AND metric.type="storagetransfer.googleapis.com/transferjob/copied_objects_count" AND metric.labels.status="failed"`
	// TransferStopped matches the copies being paused, cancelled, changed or
	// deleted: the only ways scheduled copies fall behind without failing.
	TransferStopped = `protoPayload.serviceName="storagetransfer.googleapis.com" AND protoPayload.methodName=("google.storagetransfer.v1.StorageTransferService.UpdateTransferJob" OR "google.storagetransfer.v1.StorageTransferService.DeleteTransferJob" OR "google.storagetransfer.v1.StorageTransferService.PauseTransferOperation" OR "google.longrunning.Operations.CancelOperation")`
	// SchedulerFailed matches a Cloud Scheduler attempt that finished in error.
	SchedulerFailed = `log_id("cloudscheduler.googleapis.com/executions") AND resource.type="cloud_scheduler_job" AND jsonPayload.@type="type.googleapis.com/google.cloud.scheduler.logging.AttemptFinished" AND severity>=ERROR`
	// SchedulerRan matches any logged execution of a Cloud Scheduler job.
	SchedulerRan = `log_id("cloudscheduler.googleapis.com/executions") AND resource.type="cloud_scheduler_job"`
	// BackendUnhealthy matches a load balancer health check marking an endpoint UNHEALTHY.
	BackendUnhealthy = `log_id("compute.googleapis.com/healthchecks") AND jsonPayload.healthCheckProbeResult.healthState="UNHEALTHY"`
	// DatabaseUp, DatabaseFailovers and DatabaseDisk are the Cloud SQL metrics of
	// database-unhealthy.
	DatabaseUp        = `resource.type="cloudsql_database" AND metric.type="cloudsql.googleapis.com/database/up"`
	DatabaseFailovers = `resource.type="cloudsql_database" AND metric.type="cloudsql.googleapis.com/database/auto_failover_request_count"`
	DatabaseDisk      = `resource.type="cloudsql_database" AND metric.type="cloudsql.googleapis.com/database/disk/utilization"`
	// DiskUtilization is the disk fraction above which the database alerts.
	DiskUtilization = 0.9
	// TopicPublished is the publication count of a Pub/Sub topic.
	TopicPublished = `resource.type="pubsub_topic" AND metric.type="pubsub.googleapis.com/topic/send_message_operation_count"`
	// FindingsFilter is the Security Command Center findings that alert (OPS-2).
	FindingsFilter = `state="ACTIVE" AND (severity="HIGH" OR severity="CRITICAL")`
	// RateLimit is the least time between two notifications of one log-match
	// policy (required for log-match conditions).
	RateLimit = "300s"
	// AutoClose closes an incident whose condition stopped matching.
	AutoClose = "1800s"
)

// Args are the arguments of New.
type Args struct {
	// Spec is the cloud-neutral watch; its Cloud must be gcp. Required.
	Spec ops.Spec
	// Provider is the explicit gcp provider of Region. Required.
	Provider pulumi.ProviderResource
	// Project is the customer's project ID. Required.
	Project string
	// Region is the primary region; empty means Spec.Region, otherwise it must
	// equal it.
	Region string
	// KeyName is the Cloud KMS key (projects/<p>/locations/<Region>/keyRings/<r>/cryptoKeys/<k>)
	// that encrypts the Pub/Sub topics: the stack's logs key. Required.
	KeyName pulumi.StringInput
	// RestoreTestJob is the restore test's Cloud Scheduler job name (gcpbackup).
	// Empty: every Cloud Scheduler job's failure alerts as restore-test-failed.
	RestoreTestJob string
	// DatabaseInstance is the Cloud SQL instance name (gcpdatabase). Empty: every
	// Cloud SQL instance of the project is watched.
	DatabaseInstance string
	// BackendGroups are the instance groups behind the load balancer's backend
	// services (gcpruntime); one app-unhealthy policy each. Empty: one policy for
	// every health check of the project.
	BackendGroups []string
	// CertificateExpireTime is the origin certificate's expiry (RFC 3339). Nil: no
	// certificate reminder (certificate-expiring is then not among Signals).
	CertificateExpireTime pulumi.StringInput
}

// Ops is the component.
type Ops struct {
	pulumi.ResourceState

	// ChannelIDs are the notification channels' resource names, one per contact.
	ChannelIDs pulumi.StringArrayOutput `pulumi:"channelIds"`
	// AlertTopic is the ID of the Pub/Sub topic the dated reminders publish to.
	AlertTopic pulumi.StringOutput `pulumi:"alertTopic"`
	// Signals are the signals watched, as strings.
	Signals []string
}

var (
	projectID = regexp.MustCompile(`^[a-z][a-z0-9-]{4,28}[a-z0-9]$`)
	groupName = regexp.MustCompile(`^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$`)
)

// Validate checks the arguments: every problem at once.
func (a Args) Validate() error {
	var errs []error
	if err := a.Spec.Validate(); err != nil {
		errs = append(errs, err)
	}
	spec := a.Spec.WithDefaults()
	if spec.Cloud != jurisdiction.GCP {
		errs = append(errs, fmt.Errorf("cloud %q is not served by gcpops; allowed: gcp", spec.Cloud))
	}
	need := func(ok bool, format string, v ...any) {
		if !ok {
			errs = append(errs, fmt.Errorf(format, v...))
		}
	}
	need(a.Provider != nil, "provider is nil; allowed: the explicit gcp provider of the stack's region")
	need(projectID.MatchString(a.Project), "project %q is not a project ID; allowed: 6-30 lowercase letters, digits and hyphens, starting with a letter", a.Project)
	need(a.Region == "" || a.Region == spec.Region, "region %q is not spec.region %q; allowed: the stack's primary region", a.Region, spec.Region)
	need(a.KeyName != nil, "keyName is nil; allowed: the stack's logs key (OPS-1: the alert topics are encrypted with the stack's key)")
	for i, g := range a.BackendGroups {
		need(groupName.MatchString(g), "backendGroups[%d] %q is not an instance group name; allowed: 1-63 lowercase letters, digits and hyphens", i, g)
	}
	if a.DatabaseInstance != "" {
		need(groupName.MatchString(a.DatabaseInstance), "databaseInstance %q is not a Cloud SQL instance name; allowed: 1-63 lowercase letters, digits and hyphens", a.DatabaseInstance)
	}
	return errors.Join(errs...)
}

// Signals returns the signals the arguments watch: the spec's, without
// certificate-expiring when no certificate expiry is given.
func (a Args) Signals() []ops.Signal {
	var out []ops.Signal
	for _, s := range a.Spec.WithDefaults().Signals() {
		if s == ops.CertificateExpiring && a.CertificateExpireTime == nil {
			continue
		}
		out = append(out, s)
	}
	return out
}

// ErrNoChannel is returned for an alert policy that would notify nobody (OPS-1).
var ErrNoChannel = errors.New("an alert policy must notify at least one channel (OPS-1)")

// policy is one alert policy: a log-match condition, or metric thresholds.
type policy struct {
	suffix, title, severity, doc string
	log                          pulumi.StringInput
	thresholds                   monitoring.AlertPolicyConditionArray
}

// newPolicy registers p, notifying channels; it refuses a policy without a channel.
func newPolicy(ctx *pulumi.Context, name string, spec ops.Spec, project string, p policy, channels pulumi.StringArray, labels pulumi.StringMap, opts ...pulumi.ResourceOption) error {
	if len(channels) == 0 {
		return fmt.Errorf("policy %s: %w", p.suffix, ErrNoChannel)
	}
	args := &monitoring.AlertPolicyArgs{
		Project:              pulumi.String(project),
		DisplayName:          pulumi.String(spec.Customer + " " + p.title),
		Combiner:             pulumi.String("OR"),
		Enabled:              pulumi.Bool(true),
		Severity:             pulumi.String(p.severity),
		NotificationChannels: channels,
		Documentation: &monitoring.AlertPolicyDocumentationArgs{
			MimeType: pulumi.String("text/markdown"), Content: pulumi.String(p.doc),
		},
		UserLabels: labels,
	}
	if p.log != nil {
		args.Conditions = monitoring.AlertPolicyConditionArray{monitoring.AlertPolicyConditionArgs{
			DisplayName:         pulumi.String(p.title),
			ConditionMatchedLog: &monitoring.AlertPolicyConditionConditionMatchedLogArgs{Filter: p.log},
		}}
		args.AlertStrategy = &monitoring.AlertPolicyAlertStrategyArgs{
			NotificationRateLimit: &monitoring.AlertPolicyAlertStrategyNotificationRateLimitArgs{Period: pulumi.String(RateLimit)},
			AutoClose:             pulumi.String(AutoClose),
		}
	} else {
		args.Conditions = p.thresholds
		args.AlertStrategy = &monitoring.AlertPolicyAlertStrategyArgs{AutoClose: pulumi.String(AutoClose)}
	}
	_, err := monitoring.NewAlertPolicy(ctx, name+"-"+p.suffix, args, opts...)
	return err
}

// threshold is a metric-threshold condition: the aligned series compared with value.
func threshold(title, filter, comparison string, value float64, duration, aligner string) monitoring.AlertPolicyConditionArgs {
	return monitoring.AlertPolicyConditionArgs{
		DisplayName: pulumi.String(title),
		ConditionThreshold: &monitoring.AlertPolicyConditionConditionThresholdArgs{
			Filter: pulumi.String(filter), Comparison: pulumi.String(comparison), ThresholdValue: pulumi.Float64(value),
			Duration: pulumi.String(duration),
			Aggregations: monitoring.AlertPolicyConditionConditionThresholdAggregationArray{
				monitoring.AlertPolicyConditionConditionThresholdAggregationArgs{
					AlignmentPeriod: pulumi.String("60s"), PerSeriesAligner: pulumi.String(aligner),
				},
			},
			Trigger: &monitoring.AlertPolicyConditionConditionThresholdTriggerArgs{Count: pulumi.Int(1)},
		},
	}
}

// Cron is Cloud Scheduler's unix-cron for a warning at t (UTC): minute, hour,
// day and month of t, every year; the alert policy's timestamp bound keeps the
// earlier years' runs silent.
func Cron(t time.Time) string {
	t = t.UTC()
	return fmt.Sprintf("%d %d %d %d *", t.Minute(), t.Hour(), t.Day(), int(t.Month()))
}

// DatedFilter is the log filter of a dated reminder: the job's executions from
// the warning's instant on.
func DatedFilter(job string, at time.Time) string {
	return fmt.Sprintf(`%s AND resource.labels.job_id=%q AND timestamp>=%q`, SchedulerRan, job, at.UTC().Format(time.RFC3339))
}

// New validates args and builds the watch; on a validation error it registers
// nothing.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Ops, error) {
	if err := args.Validate(); err != nil {
		return nil, fmt.Errorf("ops %q: %w", name, err)
	}
	spec := args.Spec.WithDefaults()
	o := &Ops{}
	for _, s := range args.Signals() {
		o.Signals = append(o.Signals, string(s))
	}
	if err := ctx.RegisterComponentResource(Type, name, o, opts...); err != nil {
		return nil, err
	}
	in := []pulumi.ResourceOption{pulumi.Parent(o), pulumi.Provider(args.Provider)}
	project := pulumi.String(args.Project)
	labels := func(control string) pulumi.StringMap {
		return pulumi.StringMap{"customer": pulumi.String(spec.Customer), "managed-by": pulumi.String("odoo-hosting"), "control": pulumi.String(strings.ToLower(control))}
	}

	// OPS-1: one e-mail channel per contact. Cloud Monitoring sends no
	// confirmation for e-mail channels; the first alert reaches the address.
	var channels pulumi.StringArray
	for i, c := range spec.Contacts {
		ch, err := monitoring.NewNotificationChannel(ctx, fmt.Sprintf("%s-contact-%d", name, i), &monitoring.NotificationChannelArgs{
			Project: project, Type: pulumi.String("email"), DisplayName: pulumi.String(spec.Customer + " alerts: " + c),
			Labels: pulumi.StringMap{"email_address": pulumi.String(c)}, Enabled: pulumi.Bool(true),
			UserLabels: labels("OPS-1"),
		}, in...)
		if err != nil {
			return nil, err
		}
		channels = append(channels, ch.Name)
	}
	add := func(p policy, control string) error {
		return newPolicy(ctx, name, spec, args.Project, p, channels, labels(control), in...)
	}

	// Topics keep their messages in the region and are encrypted with the stack's
	// key; the Pub/Sub service agent may use that key.
	agent, err := projects.NewServiceIdentity(ctx, name+"-pubsub-agent", &projects.ServiceIdentityArgs{
		Project: project, Service: pulumi.String("pubsub.googleapis.com"),
	}, in...)
	if err != nil {
		return nil, err
	}
	grant, err := kms.NewCryptoKeyIAMMember(ctx, name+"-pubsub-key", &kms.CryptoKeyIAMMemberArgs{
		CryptoKeyId: args.KeyName, Role: pulumi.String("roles/cloudkms.cryptoKeyEncrypterDecrypter"), Member: agent.Member,
	}, in...)
	if err != nil {
		return nil, err
	}
	topic := func(suffix, topicName, control string) (*pubsub.Topic, error) {
		return pubsub.NewTopic(ctx, name+"-"+suffix, &pubsub.TopicArgs{
			Name: pulumi.String(topicName), Project: project, KmsKeyName: args.KeyName,
			MessageStoragePolicy: &pubsub.TopicMessageStoragePolicyArgs{AllowedPersistenceRegions: pulumi.StringArray{pulumi.String(spec.Region)}},
			Labels:               labels(control),
		}, append(slices.Clone(in), pulumi.DependsOn([]pulumi.Resource{grant}), pulumi.Protect(spec.Production))...) // BAK-6
	}
	alerts, err := topic("alerts", spec.TopicName(), "OPS-1")
	if err != nil {
		return nil, err
	}

	// Backups (BAK-1, RES-3, BAK-4): every tier.
	db := ""
	if args.DatabaseInstance != "" {
		db = fmt.Sprintf(` AND resource.labels.database_id="%s:%s"`, args.Project, args.DatabaseInstance)
	}
	restore := ""
	if args.RestoreTestJob != "" {
		restore = fmt.Sprintf(` AND resource.labels.job_id=%q`, args.RestoreTestJob)
	}
	for _, p := range []policy{
		{suffix: "backup-failed", title: "OPS-1 BAK-1: a database backup failed", severity: "CRITICAL",
			log: pulumi.String(CloudSQLBackupEvent + " AND " + BackupStarted + db),
			doc: "A Cloud SQL automated backup started in its window but did not succeed (BAK-1). Check the event's metadata.windowStatus and take an on-demand backup."},
		{suffix: "backup-missed", title: "OPS-1 BAK-1: a database backup window was missed", severity: "CRITICAL",
			log: pulumi.String(CloudSQLBackupEvent + " AND NOT " + BackupStarted + db),
			doc: "A Cloud SQL backup window ended without a backup starting (BAK-1). Check the instance's state and take an on-demand backup."},
		{suffix: "copy-failed", title: "OPS-1 RES-3: a backup copy to the backup region failed", severity: "CRITICAL",
			thresholds: monitoring.AlertPolicyConditionArray{threshold("Storage Transfer Service reports errors", TransferErrors, "COMPARISON_GT", 0, "0s", "ALIGN_SUM")},
			doc:        "A Storage Transfer Service job copying backups to the backup region reported errors (RES-3). Read the transfer operation's error breakdown."},
		{suffix: "restore-test-failed", title: "OPS-1 BAK-4: the restore test could not start", severity: "ERROR",
			log: pulumi.String(SchedulerFailed + restore),
			doc: "The Cloud Scheduler job that starts the restore test failed (BAK-4). Run the restore test by hand and fix the job."},
	} {
		if err := add(p, "OPS-1"); err != nil {
			return nil, err
		}
	}
	if spec.Replication {
		for _, p := range []policy{
			{suffix: "replication-failed", title: "OPS-1 RES-3: backup files failed to copy to the backup region", severity: "CRITICAL",
				thresholds: monitoring.AlertPolicyConditionArray{threshold("Objects failed to copy", TransferFailedObjects, "COMPARISON_GT", 0, "0s", "ALIGN_SUM")},
				doc:        "Storage Transfer Service failed to copy backup files to the backup region (RES-3)."},
			{suffix: "replication-behind", title: "OPS-1 RES-3: the copies to the backup region were stopped or changed", severity: "ERROR",
				log: pulumi.String(TransferStopped),
				doc: "A backup copy job was paused, cancelled, changed or deleted: the backup region falls behind the schedule (RES-3). Check that every copy job is enabled and unchanged."},
		} {
			if err := add(p, "OPS-1"); err != nil {
				return nil, err
			}
		}
	}

	// OPS-1: a dated reminder is a Cloud Scheduler job that publishes to the alert
	// topic once a year on the warning's day, and a log-match policy on that job's
	// executions from the warning's instant on.
	dated := func(suffix, title, doc string, job string, at pulumi.StringOutput, attrs pulumi.StringMap) error {
		schedule := at.ApplyT(func(s string) (string, error) {
			t, err := time.Parse(time.RFC3339, s)
			return Cron(t), err
		}).(pulumi.StringOutput)
		if _, err := cloudscheduler.NewJob(ctx, name+"-"+suffix, &cloudscheduler.JobArgs{
			Name: pulumi.String(job), Project: project, Region: pulumi.String(spec.Region),
			Description: pulumi.String(title), Schedule: schedule, TimeZone: pulumi.String("Etc/UTC"),
			PubsubTarget: &cloudscheduler.JobPubsubTargetArgs{TopicName: alerts.ID(), Attributes: attrs},
		}, in...); err != nil {
			return err
		}
		filter := at.ApplyT(func(s string) (string, error) {
			t, err := time.Parse(time.RFC3339, s)
			return DatedFilter(job, t), err
		}).(pulumi.StringOutput)
		return add(policy{suffix: suffix, title: title, severity: "WARNING", log: filter, doc: doc}, "OPS-1")
	}
	for i, a := range spec.Approvals {
		at := ops.WarnAt(a.At, spec.WarningDays, spec.Now)
		expires := a.At.UTC().Format(time.RFC3339)
		if err := dated(fmt.Sprintf("approval-%d", i), "OPS-1 RES-4: approval "+a.ID+" expires "+expires,
			fmt.Sprintf("Cross-border approval %s expires on %s: renew it or stop the cross-border placement before then (RES-4).", a.ID, expires),
			fmt.Sprintf("%s-approval-%d", spec.Customer, i), pulumi.String(at.Format(time.RFC3339)).ToStringOutput(),
			pulumi.StringMap{"alert": pulumi.String(string(ops.ApprovalExpiring)), "approval": pulumi.String(a.ID), "expires": pulumi.String(expires), "stack": pulumi.String(spec.Customer)},
		); err != nil {
			return nil, err
		}
	}

	if spec.Application {
		groups := args.BackendGroups
		if len(groups) == 0 {
			groups = []string{""}
		}
		for i, g := range groups {
			suffix, filter := "app-unhealthy", BackendUnhealthy
			if g != "" {
				suffix = fmt.Sprintf("app-unhealthy-%d", i)
				filter += fmt.Sprintf(` AND resource.type="gce_instance_group" AND resource.labels.instance_group_name=%q`, g)
			}
			if err := add(policy{suffix: suffix, title: "OPS-1 DAT-2: a backend of the load balancer is unhealthy", severity: "CRITICAL",
				log: pulumi.String(filter),
				doc: "A load balancer health check marked an Odoo backend UNHEALTHY (DAT-2). Check the instances and the application's logs."}, "OPS-1"); err != nil {
				return nil, err
			}
		}
		if err := add(policy{suffix: "database-unhealthy", title: "OPS-1 DAT-2: the database is down, failing over or running out of storage", severity: "CRITICAL",
			thresholds: monitoring.AlertPolicyConditionArray{
				threshold("Database down", DatabaseUp+db, "COMPARISON_LT", 1, "300s", "ALIGN_MIN"),
				threshold("Database failed over", DatabaseFailovers+db, "COMPARISON_GT", 0, "0s", "ALIGN_SUM"),
				threshold("Database disk nearly full", DatabaseDisk+db, "COMPARISON_GT", DiskUtilization, "300s", "ALIGN_MEAN"),
			},
			doc: "The Cloud SQL instance is down, failed over to its standby, or its disk is more than 90% used (DAT-2)."}, "OPS-1"); err != nil {
			return nil, err
		}
		if args.CertificateExpireTime != nil {
			// ENC-1: no Cloud Monitoring metric reports a self-managed certificate's
			// expiry; the reminder is dated from the certificate's own expiry.
			warn := args.CertificateExpireTime.ToStringOutput().ApplyT(func(s string) (string, error) {
				t, err := time.Parse(time.RFC3339, s)
				if err != nil {
					return "", fmt.Errorf("certificateExpireTime %q is not an RFC 3339 time: %w", s, err)
				}
				return ops.WarnAt(t, spec.WarningDays, spec.Now).Format(time.RFC3339), nil
			}).(pulumi.StringOutput)
			if err := dated("certificate-expiring", fmt.Sprintf("OPS-1 ENC-1: the origin certificate expires within %d days", spec.WarningDays),
				"The load balancer's origin certificate expires soon (ENC-1): issue a new Origin CA certificate and deploy it.",
				spec.Customer+"-certificate-expiry", warn,
				pulumi.StringMap{"alert": pulumi.String(string(ops.CertificateExpiring)), "expires": args.CertificateExpireTime, "stack": pulumi.String(spec.Customer)},
			); err != nil {
				return nil, err
			}
		}
	}

	// OPS-2: Security Command Center and Artifact Analysis's container scanning on;
	// HIGH and CRITICAL findings stream to a topic each, whose publications alert.
	if spec.ThreatDetection {
		var apis []pulumi.Resource
		for _, api := range []string{"securitycenter.googleapis.com", "containerscanning.googleapis.com"} {
			s, err := projects.NewService(ctx, name+"-"+strings.TrimSuffix(api, ".googleapis.com"), &projects.ServiceArgs{
				Project: project, Service: pulumi.String(api), DisableOnDestroy: pulumi.Bool(false),
			}, in...)
			if err != nil {
				return nil, err
			}
			apis = append(apis, s)
		}
		for _, f := range []struct{ suffix, class, title string }{
			{"threat-found", "THREAT", "OPS-2: Security Command Center reports a high-severity threat"},
			{"vulnerability-found", "VULNERABILITY", "OPS-2: a high or critical vulnerability is reported (images scanned by Artifact Analysis)"},
		} {
			topicName := spec.Customer + "-" + f.suffix
			t, err := topic(f.suffix, topicName, "OPS-2")
			if err != nil {
				return nil, err
			}
			cfg, err := securitycenter.NewProjectNotificationConfig(ctx, name+"-"+f.suffix, &securitycenter.ProjectNotificationConfigArgs{
				ConfigId: pulumi.String(topicName), Project: project, PubsubTopic: t.ID(),
				Description: pulumi.String(f.title),
				StreamingConfig: &securitycenter.ProjectNotificationConfigStreamingConfigArgs{
					Filter: pulumi.String(fmt.Sprintf(`%s AND finding_class=%q`, FindingsFilter, f.class)),
				},
			}, append(in, pulumi.DependsOn(apis))...)
			if err != nil {
				return nil, err
			}
			if _, err := pubsub.NewTopicIAMMember(ctx, name+"-"+f.suffix+"-publisher", &pubsub.TopicIAMMemberArgs{
				Project: project, Topic: t.Name, Role: pulumi.String("roles/pubsub.publisher"),
				Member: pulumi.Sprintf("serviceAccount:%s", cfg.ServiceAccount),
			}, in...); err != nil {
				return nil, err
			}
			if err := add(policy{suffix: f.suffix, title: f.title, severity: "CRITICAL",
				thresholds: monitoring.AlertPolicyConditionArray{threshold("Findings published",
					fmt.Sprintf(`%s AND resource.labels.topic_id=%q`, TopicPublished, topicName), "COMPARISON_GT", 0, "0s", "ALIGN_SUM")},
				doc: "Security Command Center published a " + f.class + " finding of HIGH or CRITICAL severity (OPS-2). Open it in Security Command Center."}, "OPS-2"); err != nil {
				return nil, err
			}
		}
	}

	o.ChannelIDs = channels.ToStringArrayOutput()
	o.AlertTopic = alerts.ID().ToStringOutput()
	return o, ctx.RegisterResourceOutputs(o, pulumi.Map{
		"channelIds": o.ChannelIDs, "alertTopic": o.AlertTopic, "signals": pulumi.ToStringArray(o.Signals),
	})
}
