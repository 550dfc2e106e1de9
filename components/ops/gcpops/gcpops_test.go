package gcpops_test

import (
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/components/ops"
	"github.com/octura/odoo-hosting/components/ops/gcpops"
	"github.com/octura/odoo-hosting/internal/jurisdiction"
	"github.com/octura/odoo-hosting/internal/plan"
)

const (
	name        = "acme-europe-west1-ops"
	policyType  = "gcp:monitoring/alertPolicy:AlertPolicy"
	channelType = "gcp:monitoring/notificationChannel:NotificationChannel"
	topicType   = "gcp:pubsub/topic:Topic"
	jobType     = "gcp:cloudscheduler/job:Job"
	key         = "projects/acme-prod/locations/europe-west1/keyRings/acme/cryptoKeys/acme-logs"
)

var now = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

func spec() ops.Spec {
	return ops.Spec{
		Customer: "acme", Cloud: jurisdiction.GCP, Region: "europe-west1", Jurisdiction: "eu",
		Contacts:  []string{"ops@acme.example", "oncall@octura.example"},
		Approvals: []ops.Expiry{{ID: "APR-2026-031", At: time.Date(2028, 7, 1, 0, 0, 0, 0, time.UTC)}},
		Now:       now, Application: true, Replication: true, ThreatDetection: true,
	}
}

func args(s ops.Spec) gcpops.Args {
	return gcpops.Args{
		Spec: s, Project: "acme-prod", Region: "europe-west1", KeyName: pulumi.String(key),
		RestoreTestJob: "acme-backup-restore-test", DatabaseInstance: "acme-europe-west1-db",
		BackendGroups:         []string{"acme-odoo"},
		CertificateExpireTime: pulumi.String("2041-11-26T00:00:00Z"),
	}
}

func run(t *testing.T, a gcpops.Args) (*plan.Plan, *gcpops.Ops, error) {
	t.Helper()
	var o *gcpops.Ops
	var nerr error
	p, err := plan.Run("odoo-hosting", "acme-eu", func(ctx *pulumi.Context) error {
		prov, err := gcp.NewProvider(ctx, "acme-europe-west1", &gcp.ProviderArgs{Project: pulumi.String("acme-prod"), Region: pulumi.String("europe-west1")})
		if err != nil {
			return err
		}
		a.Provider = prov
		o, nerr = gcpops.New(ctx, name, a)
		return nil
	})
	require.NoError(t, err)
	return p, o, nerr
}

// channels are the notification channel names the planner gives the channels.
func channels(t *testing.T, p *plan.Plan) []any {
	t.Helper()
	var out []any
	for _, c := range p.ByType(channelType) {
		// The planner gives a channel its logical name as its resource name.
		out = append(out, c.Name())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].(string) < out[j].(string) })
	require.Len(t, out, 2)
	return out
}

// watched returns the policy's conditions, after checking it notifies every channel.
func watched(t *testing.T, p *plan.Plan, suffix string) []map[string]any {
	t.Helper()
	r, ok := p.Get(policyType, name+"-"+suffix)
	require.True(t, ok, "alert policy %s", suffix)
	got, _ := r.Inputs["notificationChannels"].([]any)
	assert.ElementsMatch(t, channels(t, p), got, "policy %s notifies every channel", suffix)
	var from []string
	for _, c := range p.ByType(channelType) {
		from = append(from, c.URN)
	}
	assert.ElementsMatch(t, from, r.PropertyDependencies["notificationChannels"], "policy %s takes its channels from the channel resources", suffix)
	var out []map[string]any
	for _, c := range r.Inputs["conditions"].([]any) {
		out = append(out, c.(map[string]any))
	}
	return out
}

// logFilter is the policy's one log-match filter; log-match policies also carry
// the notification rate limit Cloud Monitoring requires of them.
func logFilter(t *testing.T, p *plan.Plan, suffix string) string {
	t.Helper()
	conds := watched(t, p, suffix)
	require.Len(t, conds, 1)
	r, _ := p.Get(policyType, name+"-"+suffix)
	assert.Equal(t, map[string]any{"period": "300s"}, r.Inputs["alertStrategy"].(map[string]any)["notificationRateLimit"])
	return conds[0]["conditionMatchedLog"].(map[string]any)["filter"].(string)
}

// thresholdFilters are the policy's metric filters with comparison and value.
func thresholdFilters(t *testing.T, p *plan.Plan, suffix string) []string {
	t.Helper()
	var out []string
	for _, c := range watched(t, p, suffix) {
		th := c["conditionThreshold"].(map[string]any)
		v, _ := th["thresholdValue"].(float64)
		out = append(out, th["filter"].(string)+" | "+th["comparison"].(string)+" "+strconv.FormatFloat(v, 'g', -1, 64))
	}
	return out
}

// TestOPS1_OneEmailChannelPerContact: one e-mail channel per alerts.contacts
// address, in the customer's project.
func TestOPS1_OneEmailChannelPerContact(t *testing.T) {
	p, o, err := run(t, args(spec()))
	require.NoError(t, err)
	var addrs []string
	for _, c := range p.ByType(channelType) {
		assert.Equal(t, "email", c.Inputs["type"])
		assert.Equal(t, "acme-prod", c.Inputs["project"])
		addrs = append(addrs, c.Inputs["labels"].(map[string]any)["email_address"].(string))
	}
	assert.ElementsMatch(t, []string{"ops@acme.example", "oncall@octura.example"}, addrs)
	assert.Equal(t, []string{"backup-failed", "backup-missed", "copy-failed", "restore-test-failed", "replication-failed",
		"replication-behind", "app-unhealthy", "database-unhealthy", "certificate-expiring", "approval-expiring", "threat-found"}, o.Signals)
}

// TestOPS1_ExactPoliciesAllNotifyEveryChannel: the exact resources, and every
// alert policy notifies every channel.
func TestOPS1_ExactPoliciesAllNotifyEveryChannel(t *testing.T) {
	p, _, err := run(t, args(spec()))
	require.NoError(t, err)
	assert.Equal(t, map[string]int{
		// 4 backup, 2 replication, approval, app, database, certificate, threat, vulnerability
		policyType:  12,
		channelType: 2,
		topicType:   3, // alerts, threats, vulnerabilities
		jobType:     2, // approval and certificate reminders
		"gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember":                          1,
		"gcp:projects/serviceIdentity:ServiceIdentity":                           1,
		"gcp:projects/service:Service":                                           2,
		"gcp:pubsub/topicIAMMember:TopicIAMMember":                               2,
		"gcp:securitycenter/projectNotificationConfig:ProjectNotificationConfig": 2,
		"odoo-hosting:ops:Operations":                                            1,
		"pulumi:providers:gcp":                                                   1,
		"pulumi:pulumi:Stack":                                                    1,
	}, p.Count())
	want := channels(t, p)
	for _, r := range p.ByType(policyType) {
		assert.ElementsMatch(t, want, r.Inputs["notificationChannels"], r.Name())
		assert.Equal(t, "acme-prod", r.Inputs["project"], r.Name())
	}
}

// TestOPS1_BackupFailedWatched: a Cloud SQL backup that started and did not succeed.
func TestOPS1_BackupFailedWatched(t *testing.T) {
	p, _, err := run(t, args(spec()))
	require.NoError(t, err)
	assert.Equal(t, `log_id("cloudaudit.googleapis.com/system_event") AND resource.type="cloudsql_database" AND protoPayload.methodName="cloudsql.instances.automatedBackup" AND protoPayload.metadata.windowStatus!="STATUS_SUCCEEDED" AND protoPayload.metadata.backupStartTime:* AND resource.labels.database_id="acme-prod:acme-europe-west1-db"`,
		logFilter(t, p, "backup-failed"))
}

// TestOPS1_BackupMissedWatched: a backup window that ended without a backup starting.
func TestOPS1_BackupMissedWatched(t *testing.T) {
	p, _, err := run(t, args(spec()))
	require.NoError(t, err)
	assert.Equal(t, `log_id("cloudaudit.googleapis.com/system_event") AND resource.type="cloudsql_database" AND protoPayload.methodName="cloudsql.instances.automatedBackup" AND protoPayload.metadata.windowStatus!="STATUS_SUCCEEDED" AND NOT protoPayload.metadata.backupStartTime:* AND resource.labels.database_id="acme-prod:acme-europe-west1-db"`,
		logFilter(t, p, "backup-missed"))
}

// TestOPS1_CopyFailedWatched: Storage Transfer Service errors of the backup copies.
func TestOPS1_CopyFailedWatched(t *testing.T) {
	p, _, err := run(t, args(spec()))
	require.NoError(t, err)
	assert.Equal(t, []string{`resource.type="storage_transfer_job" AND metric.type="storagetransfer.googleapis.com/transferjob/error_count" | COMPARISON_GT 0`},
		thresholdFilters(t, p, "copy-failed"))
}

// TestOPS1_RestoreTestFailedWatched: the restore test's Cloud Scheduler job failing.
func TestOPS1_RestoreTestFailedWatched(t *testing.T) {
	p, _, err := run(t, args(spec()))
	require.NoError(t, err)
	assert.Equal(t, `log_id("cloudscheduler.googleapis.com/executions") AND resource.type="cloud_scheduler_job" AND jsonPayload.@type="type.googleapis.com/google.cloud.scheduler.logging.AttemptFinished" AND severity>=ERROR AND resource.labels.job_id="acme-backup-restore-test"`,
		logFilter(t, p, "restore-test-failed"))
}

// TestOPS1_ReplicationFailedWatched: objects that failed to copy to the backup region.
func TestOPS1_ReplicationFailedWatched(t *testing.T) {
	p, _, err := run(t, args(spec()))
	require.NoError(t, err)
	assert.Equal(t, []string{`resource.type="storage_transfer_job" AND metric.type="storagetransfer.googleapis.com/transferjob/copied_objects_count" AND metric.labels.status="failed" | COMPARISON_GT 0`},
		thresholdFilters(t, p, "replication-failed"))
}

// TestOPS1_ReplicationBehindWatched: copies paused, cancelled, changed or deleted.
func TestOPS1_ReplicationBehindWatched(t *testing.T) {
	p, _, err := run(t, args(spec()))
	require.NoError(t, err)
	assert.Equal(t, `protoPayload.serviceName="storagetransfer.googleapis.com" AND protoPayload.methodName=("google.storagetransfer.v1.StorageTransferService.UpdateTransferJob" OR "google.storagetransfer.v1.StorageTransferService.DeleteTransferJob" OR "google.storagetransfer.v1.StorageTransferService.PauseTransferOperation" OR "google.longrunning.Operations.CancelOperation")`,
		logFilter(t, p, "replication-behind"))
}

// TestOPS1_AppUnhealthyWatchedPerBackend: one health-check policy per backend
// group given, one for the whole project otherwise.
func TestOPS1_AppUnhealthyWatchedPerBackend(t *testing.T) {
	p, _, err := run(t, args(spec()))
	require.NoError(t, err)
	assert.Equal(t, `log_id("compute.googleapis.com/healthchecks") AND jsonPayload.healthCheckProbeResult.healthState="UNHEALTHY" AND resource.type="gce_instance_group" AND resource.labels.instance_group_name="acme-odoo"`,
		logFilter(t, p, "app-unhealthy-0"))
	_, ok := p.Get(policyType, name+"-app-unhealthy")
	assert.False(t, ok)

	a := args(spec())
	a.BackendGroups = nil
	p, _, err = run(t, a)
	require.NoError(t, err)
	assert.Equal(t, `log_id("compute.googleapis.com/healthchecks") AND jsonPayload.healthCheckProbeResult.healthState="UNHEALTHY"`, logFilter(t, p, "app-unhealthy"))
}

// TestOPS1_DatabaseUnhealthyWatched: down, failed over, or disk over 90%.
func TestOPS1_DatabaseUnhealthyWatched(t *testing.T) {
	p, _, err := run(t, args(spec()))
	require.NoError(t, err)
	db := ` AND resource.labels.database_id="acme-prod:acme-europe-west1-db"`
	assert.Equal(t, []string{
		`resource.type="cloudsql_database" AND metric.type="cloudsql.googleapis.com/database/up"` + db + ` | COMPARISON_LT 1`,
		`resource.type="cloudsql_database" AND metric.type="cloudsql.googleapis.com/database/auto_failover_request_count"` + db + ` | COMPARISON_GT 0`,
		`resource.type="cloudsql_database" AND metric.type="cloudsql.googleapis.com/database/disk/utilization"` + db + ` | COMPARISON_GT 0.9`,
	}, thresholdFilters(t, p, "database-unhealthy"))
}

// TestOPS1_CertificateExpiringWatched: a dated reminder WarningDays before the
// origin certificate's expiry.
func TestOPS1_CertificateExpiringWatched(t *testing.T) {
	p, _, err := run(t, args(spec()))
	require.NoError(t, err)
	j, ok := p.Get(jobType, name+"-certificate-expiring")
	require.True(t, ok)
	assert.Equal(t, "0 9 27 10 *", j.Inputs["schedule"]) // 2041-11-26 less 30 days, 09:00 UTC
	assert.Equal(t, "europe-west1", j.Inputs["region"])
	assert.Equal(t, `log_id("cloudscheduler.googleapis.com/executions") AND resource.type="cloud_scheduler_job" AND resource.labels.job_id="acme-certificate-expiry" AND timestamp>="2041-10-27T09:00:00Z"`,
		logFilter(t, p, "certificate-expiring"))

	// Without an expiry there is no reminder, and the signal is not claimed.
	a := args(spec())
	a.CertificateExpireTime = nil
	p, o, err := run(t, a)
	require.NoError(t, err)
	_, ok = p.Get(policyType, name+"-certificate-expiring")
	assert.False(t, ok)
	assert.NotContains(t, o.Signals, string(ops.CertificateExpiring))
}

// TestOPS1_ApprovalExpiringWatched: a dated reminder WarningDays before each
// approval expires, publishing its ID to the alert topic.
func TestOPS1_ApprovalExpiringWatched(t *testing.T) {
	p, _, err := run(t, args(spec()))
	require.NoError(t, err)
	j, ok := p.Get(jobType, name+"-approval-0")
	require.True(t, ok)
	assert.Equal(t, "0 9 1 6 *", j.Inputs["schedule"])
	assert.Equal(t, "acme-approval-0", j.Inputs["name"])
	target := j.Inputs["pubsubTarget"].(map[string]any)
	assert.Equal(t, "APR-2026-031", target["attributes"].(map[string]any)["approval"])
	alerts, ok := p.Get(topicType, name+"-alerts")
	require.True(t, ok)
	require.NotEmpty(t, alerts.ID)
	assert.Equal(t, alerts.ID, target["topicName"])
	assert.Equal(t, `log_id("cloudscheduler.googleapis.com/executions") AND resource.type="cloud_scheduler_job" AND resource.labels.job_id="acme-approval-0" AND timestamp>="2028-06-01T09:00:00Z"`,
		logFilter(t, p, "approval-0"))
}

// TestOPS1_TopicsInRegionWithStackKey: every topic keeps its messages in the
// stack's region and is encrypted with the stack's key, which the Pub/Sub agent
// may use.
func TestOPS1_TopicsInRegionWithStackKey(t *testing.T) {
	p, o, err := run(t, args(spec()))
	require.NoError(t, err)
	var names []string
	for _, tp := range p.ByType(topicType) {
		names = append(names, tp.Inputs["name"].(string))
		assert.Equal(t, key, tp.Inputs["kmsKeyName"])
		assert.Equal(t, map[string]any{"allowedPersistenceRegions": []any{"europe-west1"}}, tp.Inputs["messageStoragePolicy"])
	}
	assert.ElementsMatch(t, []string{"acme-alerts", "acme-threat-found", "acme-vulnerability-found"}, names)
	g := p.ByType("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember")
	require.Len(t, g, 1)
	assert.Equal(t, key, g[0].Inputs["cryptoKeyId"])
	assert.Equal(t, "serviceAccount:service-"+plan.ProjectNumber+"@gcp-sa-pubsub.iam.gserviceaccount.com", g[0].Inputs["member"])
	require.NotNil(t, o)
}

// TestBAK6_TopicsProtectedInProduction: the alert topics refuse deletion on
// production stacks only.
func TestBAK6_TopicsProtectedInProduction(t *testing.T) {
	for _, prod := range []bool{false, true} {
		s := spec()
		s.Production = prod
		p, _, err := run(t, args(s))
		require.NoError(t, err)
		tps := p.ByType(topicType)
		require.Len(t, tps, 3)
		for _, tp := range tps {
			assert.Equal(t, prod, tp.Protect, tp.URN)
		}
	}
}

// TestOPS1_NonOdooTiersGetBackupAndApprovalAlerts: odoo-sh and on-premise stacks
// (no application, no threat detection) still watch backups, copies, restore
// tests and approvals, without any application input.
func TestOPS1_NonOdooTiersGetBackupAndApprovalAlerts(t *testing.T) {
	s := spec()
	s.Application, s.ThreatDetection = false, false
	p, o, err := run(t, gcpops.Args{Spec: s, Project: "acme-prod", KeyName: pulumi.String(key)})
	require.NoError(t, err)
	var got []string
	for _, r := range p.ByType(policyType) {
		got = append(got, strings.TrimPrefix(r.Name(), name+"-"))
	}
	assert.ElementsMatch(t, []string{"backup-failed", "backup-missed", "copy-failed", "restore-test-failed", "replication-failed", "replication-behind", "approval-0"}, got)
	assert.Equal(t, `log_id("cloudscheduler.googleapis.com/executions") AND resource.type="cloud_scheduler_job" AND jsonPayload.@type="type.googleapis.com/google.cloud.scheduler.logging.AttemptFinished" AND severity>=ERROR`,
		logFilter(t, p, "restore-test-failed"))
	assert.Empty(t, p.ByType("gcp:securitycenter/projectNotificationConfig:ProjectNotificationConfig"))
	assert.Equal(t, []string{"backup-failed", "backup-missed", "copy-failed", "restore-test-failed", "replication-failed", "replication-behind", "approval-expiring"}, o.Signals)
}

// TestOPS2_SecurityCommandCenterAndScanning: SCC and Container Scanning on; HIGH
// and CRITICAL findings stream to a topic each, whose publications alert.
func TestOPS2_SecurityCommandCenterAndScanning(t *testing.T) {
	p, _, err := run(t, args(spec()))
	require.NoError(t, err)
	var apis []string
	for _, s := range p.ByType("gcp:projects/service:Service") {
		apis = append(apis, s.Inputs["service"].(string))
		assert.Equal(t, false, s.Inputs["disableOnDestroy"])
	}
	assert.ElementsMatch(t, []string{"securitycenter.googleapis.com", "containerscanning.googleapis.com"}, apis)
	for _, f := range []struct{ suffix, class string }{{"threat-found", "THREAT"}, {"vulnerability-found", "VULNERABILITY"}} {
		c, ok := p.Get("gcp:securitycenter/projectNotificationConfig:ProjectNotificationConfig", name+"-"+f.suffix)
		require.True(t, ok)
		assert.Equal(t, map[string]any{"filter": `state="ACTIVE" AND (severity="HIGH" OR severity="CRITICAL") AND finding_class="` + f.class + `"`}, c.Inputs["streamingConfig"])
		tp, _ := p.Get(topicType, name+"-"+f.suffix)
		require.NotEmpty(t, tp.ID)
		assert.Equal(t, tp.ID, c.Inputs["pubsubTopic"])
		m, ok := p.Get("gcp:pubsub/topicIAMMember:TopicIAMMember", name+"-"+f.suffix+"-publisher")
		require.True(t, ok)
		assert.Equal(t, "roles/pubsub.publisher", m.Inputs["role"])
		assert.Equal(t, "serviceAccount:service-org-"+plan.ProjectNumber+"@gcp-sa-scc-notification.iam.gserviceaccount.com", m.Inputs["member"])
		assert.Equal(t, []string{`resource.type="pubsub_topic" AND metric.type="pubsub.googleapis.com/topic/send_message_operation_count" AND resource.labels.topic_id="acme-` + f.suffix + `" | COMPARISON_GT 0`},
			thresholdFilters(t, p, f.suffix))
	}

	// Off where the stack runs no application of ours (odoo-sh, on-premise).
	s := spec()
	s.ThreatDetection = false
	p, _, err = run(t, args(s))
	require.NoError(t, err)
	assert.Empty(t, p.ByType("gcp:projects/service:Service"))
	assert.Empty(t, p.ByType("gcp:securitycenter/projectNotificationConfig:ProjectNotificationConfig"))
}

// TestOPS1_InvalidRegistersNothing: every problem at once, nothing registered;
// a stack without contacts is refused, so no policy without a channel is made.
func TestOPS1_InvalidRegistersNothing(t *testing.T) {
	s := spec()
	s.Region, s.Contacts, s.WarningDays = "europe-west2", nil, 120
	a := args(s)
	a.KeyName, a.Project, a.BackendGroups = nil, "Acme", []string{"Odoo_1"}
	p, _, err := run(t, a)
	require.Error(t, err)
	for _, want := range []string{
		`region "europe-west2" (London, GB) is outside jurisdiction eu`,
		"contacts has 0 addresses; allowed: 1 to 10 (OPS-1)",
		"warningDays 120 is out of range; allowed: 7 to 90",
		`region "europe-west1" is not spec.region "europe-west2"`,
		"keyName is nil",
		`project "Acme" is not a project ID`,
		`backendGroups[0] "Odoo_1" is not an instance group name`,
	} {
		assert.Contains(t, err.Error(), want)
	}
	assert.Empty(t, p.Managed())

	s = spec()
	s.Cloud = jurisdiction.AWS
	_, _, err = run(t, args(s))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `cloud "aws" is not served by gcpops; allowed: gcp`)
}
