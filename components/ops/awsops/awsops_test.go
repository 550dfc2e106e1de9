package awsops_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/components/ops"
	"github.com/octura/odoo-hosting/components/ops/awsops"
	"github.com/octura/odoo-hosting/internal/plan"
)

const name = "acme-eu-west-1-ops"

var now = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

func spec() ops.Spec {
	return ops.Spec{
		Customer: "acme", Region: "eu-west-1", Jurisdiction: "eu",
		Contacts:  []string{"ops@acme.example", "oncall@octura.example"},
		Approvals: []ops.Expiry{{ID: "APR-2026-031", At: time.Date(2028, 7, 1, 0, 0, 0, 0, time.UTC)}},
		Now:       now, Application: true, Replication: true, ThreatDetection: true,
	}
}

func run(t *testing.T, s ops.Spec, edit func(*awsops.Args)) (*plan.Plan, error) {
	t.Helper()
	var nerr error
	p, err := plan.Run("odoo-hosting", "acme-eu", func(ctx *pulumi.Context) error {
		prov, err := aws.NewProvider(ctx, "acme-eu-west-1", &aws.ProviderArgs{Region: pulumi.String("eu-west-1")})
		if err != nil {
			return err
		}
		args := awsops.Args{
			Spec: s, Provider: prov, AccountID: "210987654321",
			KeyArn:                       pulumi.String("arn:aws:kms:eu-west-1:210987654321:key/logs"),
			ReplicationSourceBucket:      pulumi.String("acme-backup-eu-west-1"),
			ReplicationDestinationBucket: pulumi.String("acme-backup-eu-central-1"), ReplicationRuleID: "copy-to-eu-central-1",
			LoadBalancerArn:    pulumi.String("arn:aws:elasticloadbalancing:eu-west-1:210987654321:loadbalancer/app/acme/50dc6c495c0c9188"),
			TargetGroupArns:    []pulumi.StringInput{pulumi.String("arn:aws:elasticloadbalancing:eu-west-1:210987654321:targetgroup/acme-odoo/73e2d6bc24d8a067")},
			DatabaseIdentifier: "acme-eu-west-1-db",
			CertificateArn:     pulumi.String("arn:aws:acm:eu-west-1:210987654321:certificate/1"),
		}
		if edit != nil {
			edit(&args)
		}
		_, nerr = awsops.New(ctx, name, args)
		return nil
	})
	require.NoError(t, err)
	return p, nerr
}

func pattern(t *testing.T, p *plan.Plan, rule string) map[string]any {
	t.Helper()
	r, ok := p.Get("aws:cloudwatch/eventRule:EventRule", name+"-"+rule)
	require.True(t, ok, "event rule %s", rule)
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.Inputs["eventPattern"].(string)), &m))
	return m
}

// TestOPS1_ChannelInRegionEncryptedWithStackKey: one SNS topic named for the
// customer, encrypted with the stack's key, one e-mail subscription per contact.
func TestOPS1_ChannelInRegionEncryptedWithStackKey(t *testing.T) {
	p, err := run(t, spec(), nil)
	require.NoError(t, err)
	topics := p.ByType("aws:sns/topic:Topic")
	require.Len(t, topics, 1)
	assert.Equal(t, "acme-alerts", topics[0].Inputs["name"])
	assert.Equal(t, "arn:aws:kms:eu-west-1:210987654321:key/logs", topics[0].Inputs["kmsMasterKeyId"])
	prov, ok := p.ProviderOf(topics[0])
	require.True(t, ok)
	assert.Equal(t, "eu-west-1", prov.Inputs["region"])
	var endpoints []string
	for _, s := range p.ByType("aws:sns/topicSubscription:TopicSubscription") {
		assert.Equal(t, "email", s.Inputs["protocol"])
		endpoints = append(endpoints, s.Inputs["endpoint"].(string))
	}
	assert.ElementsMatch(t, []string{"ops@acme.example", "oncall@octura.example"}, endpoints)
}

// TestOPS1_EverySignalPublishesToTheTopic: the exact rules and alarms, each with
// the topic as its target or action.
func TestOPS1_EverySignalPublishesToTheTopic(t *testing.T) {
	p, err := run(t, spec(), nil)
	require.NoError(t, err)
	assert.Equal(t, map[string]int{
		"aws:cloudwatch/eventRule:EventRule":          8, // 4 backup jobs, database, approval, threats, vulnerabilities
		"aws:cloudwatch/eventTarget:EventTarget":      8,
		"aws:cloudwatch/metricAlarm:MetricAlarm":      4, // replication failed and behind, app unhealthy, certificate
		"aws:guardduty/detector:Detector":             1,
		"aws:sns/topic:Topic":                         1,
		"aws:sns/topicPolicy:TopicPolicy":             1,
		"aws:sns/topicSubscription:TopicSubscription": 2,
		"odoo-hosting:ops:Operations":                 1,
		"pulumi:providers:aws":                        1,
		"pulumi:pulumi:Stack":                         1,
	}, p.Count())
	// Every target and action is the one topic's ARN (the planner's mock ARN).
	arn := p.ByType("aws:cloudwatch/eventTarget:EventTarget")[0].Inputs["arn"]
	require.Contains(t, arn, ":sns:eu-west-1:")
	for _, tg := range p.ByType("aws:cloudwatch/eventTarget:EventTarget") {
		assert.Equal(t, arn, tg.Inputs["arn"], tg.Name())
	}
	for _, a := range p.ByType("aws:cloudwatch/metricAlarm:MetricAlarm") {
		assert.Equal(t, []any{arn}, a.Inputs["alarmActions"], a.Name())
	}

	assert.Equal(t, map[string]any{"state": []any{"FAILED", "ABORTED"}}, pattern(t, p, "backup-failed")["detail"])
	assert.Equal(t, map[string]any{"state": []any{"EXPIRED"}}, pattern(t, p, "backup-missed")["detail"])
	assert.Equal(t, []any{"Copy Job State Change"}, pattern(t, p, "copy-failed")["detail-type"])
	assert.Equal(t, []any{"Restore Job State Change"}, pattern(t, p, "restore-failed")["detail-type"])
	assert.Equal(t, []any{"arn:aws:rds:eu-west-1:210987654321:db:acme-eu-west-1-db"}, pattern(t, p, "database-unhealthy")["resources"])

	lag, ok := p.Get("aws:cloudwatch/metricAlarm:MetricAlarm", name+"-replication-behind")
	require.True(t, ok)
	assert.Equal(t, "ReplicationLatency", lag.Inputs["metricName"])
	assert.Equal(t, 3600.0, lag.Inputs["threshold"])
	assert.Equal(t, map[string]any{"SourceBucket": "acme-backup-eu-west-1", "DestinationBucket": "acme-backup-eu-central-1", "RuleId": "copy-to-eu-central-1"}, lag.Inputs["dimensions"])

	app, ok := p.Get("aws:cloudwatch/metricAlarm:MetricAlarm", name+"-app-unhealthy-0")
	require.True(t, ok)
	assert.Equal(t, map[string]any{"LoadBalancer": "app/acme/50dc6c495c0c9188", "TargetGroup": "targetgroup/acme-odoo/73e2d6bc24d8a067"}, app.Inputs["dimensions"])
	assert.Equal(t, "breaching", app.Inputs["treatMissingData"])

	cert, ok := p.Get("aws:cloudwatch/metricAlarm:MetricAlarm", name+"-certificate-expiring")
	require.True(t, ok)
	assert.Equal(t, "DaysToExpiry", cert.Inputs["metricName"])
	assert.Equal(t, 30.0, cert.Inputs["threshold"])
}

// TestOPS1_ApprovalAnnouncedBeforeItExpires: a dated rule WarningDays before the
// approval's expiry, whose message names the approval.
func TestOPS1_ApprovalAnnouncedBeforeItExpires(t *testing.T) {
	p, err := run(t, spec(), nil)
	require.NoError(t, err)
	r, ok := p.Get("aws:cloudwatch/eventRule:EventRule", name+"-approval-0")
	require.True(t, ok)
	assert.Equal(t, "cron(0 9 1 6 ? 2028)", r.Inputs["scheduleExpression"])
	tg, ok := p.Get("aws:cloudwatch/eventTarget:EventTarget", name+"-approval-0")
	require.True(t, ok)
	assert.Contains(t, tg.Inputs["input"], `"approval":"APR-2026-031"`)
}

func TestOPS1_WarnAt(t *testing.T) {
	exp := time.Date(2028, 7, 1, 0, 0, 0, 0, time.UTC)
	assert.Equal(t, time.Date(2028, 6, 1, 9, 0, 0, 0, time.UTC), ops.WarnAt(exp, 30, now))
	assert.Equal(t, time.Date(2028, 6, 24, 9, 0, 0, 0, time.UTC), ops.WarnAt(exp, 7, now))
	// Already due: the next morning.
	assert.Equal(t, time.Date(2026, 6, 2, 9, 0, 0, 0, time.UTC), ops.WarnAt(time.Date(2026, 6, 20, 0, 0, 0, 0, time.UTC), 30, now))
	// Due exactly now is due: the next morning too.
	assert.Equal(t, time.Date(2026, 6, 2, 9, 0, 0, 0, time.UTC), ops.WarnAt(time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), 30, time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)))
}

// TestOPS1_KeyPolicyLetsPublishersUseTheKey lives in awskeys; here: the topic
// policy admits exactly EventBridge and CloudWatch of this account.
func TestOPS1_TopicPolicy(t *testing.T) {
	doc, err := awsops.TopicPolicy("arn:aws:sns:eu-west-1:210987654321:acme-alerts", "210987654321", "aws")
	require.NoError(t, err)
	var m struct{ Statement []map[string]any }
	require.NoError(t, json.Unmarshal([]byte(doc), &m))
	var publishers []string
	for _, s := range m.Statement {
		if s["Action"] == "sns:Publish" {
			publishers = append(publishers, s["Principal"].(map[string]any)["Service"].(string))
			assert.Equal(t, map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": "210987654321"}}, s["Condition"])
		}
	}
	assert.Equal(t, []string{"events.amazonaws.com", "cloudwatch.amazonaws.com"}, publishers)
}

// TestOPS2_ThreatDetectionAndScanning: GuardDuty on, and high findings of it and of
// the image scanning (awsruntime) alert.
func TestOPS2_ThreatDetectionAndScanning(t *testing.T) {
	p, err := run(t, spec(), nil)
	require.NoError(t, err)
	d := p.ByType("aws:guardduty/detector:Detector")
	require.Len(t, d, 1)
	assert.Equal(t, true, d[0].Inputs["enable"])
	assert.Equal(t, []any{"aws.guardduty"}, pattern(t, p, "threat-found")["source"])
	assert.Equal(t, []any{"aws.inspector2"}, pattern(t, p, "vulnerability-found")["source"])

	// Off where the stack runs no application of ours (odoo-sh, on-premise).
	s := spec()
	s.ThreatDetection, s.Application = false, false
	p, err = run(t, s, nil)
	require.NoError(t, err)
	assert.Empty(t, p.ByType("aws:guardduty/detector:Detector"))
	assert.Len(t, p.ByType("aws:cloudwatch/metricAlarm:MetricAlarm"), 2, "only the replication alarms")
}

// TestOPS1_InvalidRegistersNothing: every problem at once, nothing registered.
func TestOPS1_InvalidRegistersNothing(t *testing.T) {
	s := spec()
	s.Region, s.Contacts, s.WarningDays = "us-east-1", []string{"Ops <ops@acme.example>"}, 120
	p, err := run(t, s, func(a *awsops.Args) { a.KeyArn = nil; a.DatabaseIdentifier = "" })
	require.Error(t, err)
	for _, want := range []string{
		`region "us-east-1" (N. Virginia, US) is outside jurisdiction eu`,
		`contacts[0] "Ops <ops@acme.example>" is not an e-mail address`,
		"warningDays 120 is out of range; allowed: 7 to 90",
		"keyArn is nil",
		"the application is watched but its load balancer, target groups, database or certificate is missing",
	} {
		assert.True(t, strings.Contains(err.Error(), want), "missing %q in:\n%s", want, err)
	}
	assert.Empty(t, p.Managed())
}
