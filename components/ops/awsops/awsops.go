// Package awsops builds ops.Spec on AWS: an SNS topic in the stack's region,
// encrypted with the stack's logs key, with one e-mail subscription per contact;
// EventBridge rules for AWS Backup, RDS and GuardDuty events; CloudWatch alarms for
// S3 replication, the load balancer's targets and the origin certificate; a dated
// EventBridge rule per approval; a GuardDuty detector and alerts of image
// vulnerabilities found by Amazon Inspector (OPS-1, OPS-2).
package awsops

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/guardduty"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/octura/odoo-hosting/components/ops"
	"github.com/octura/odoo-hosting/internal/jurisdiction"
)

// Args are the arguments of New.
type Args struct {
	// Spec is the cloud-neutral watch; its Cloud must be aws. Required.
	Spec ops.Spec
	// Provider is the explicit AWS provider of Spec.Region. Required.
	Provider pulumi.ProviderResource
	// AccountID is the stack's AWS account (topic policy conditions). Required.
	AccountID string
	// KeyArn is the key that encrypts the topic: the stack's logs key (or the
	// customer's key on enterprise). Required.
	KeyArn pulumi.StringInput
	// ReplicationSourceBucket, ReplicationDestinationBucket and ReplicationRuleID
	// name the S3 replication watched when Spec.Replication. Required then.
	ReplicationSourceBucket      pulumi.StringInput
	ReplicationDestinationBucket pulumi.StringInput
	ReplicationRuleID            string
	// LoadBalancerArn, TargetGroupArns, DatabaseIdentifier and CertificateArn are
	// the application's parts watched when Spec.Application. Required then. The
	// database is named by its identifier, known before it exists, so that the
	// event rule is whole in a first preview.
	LoadBalancerArn    pulumi.StringInput
	TargetGroupArns    []pulumi.StringInput
	DatabaseIdentifier string
	CertificateArn     pulumi.StringInput
}

// Ops is the component.
type Ops struct {
	pulumi.ResourceState

	// TopicArn is the alert channel every signal publishes to.
	TopicArn pulumi.StringOutput `pulumi:"topicArn"`
	// Signals are the signals watched, as strings.
	Signals []string
}

// Validate checks the arguments: every problem at once.
func (a Args) Validate() error {
	var errs []error
	if err := a.Spec.Validate(); err != nil {
		errs = append(errs, err)
	}
	spec := a.Spec.WithDefaults()
	if spec.Cloud != jurisdiction.AWS {
		errs = append(errs, fmt.Errorf("cloud %q is not served by awsops; allowed: aws", spec.Cloud))
	}
	need := func(ok bool, what string) {
		if !ok {
			errs = append(errs, errors.New(what))
		}
	}
	need(a.Provider != nil, "provider is nil; allowed: the explicit aws.Provider of the stack's region")
	need(len(a.AccountID) == 12, fmt.Sprintf("accountId %q is not an AWS account ID; allowed: 12 digits", a.AccountID))
	need(a.KeyArn != nil, "keyArn is nil; allowed: the stack's logs key (OPS-1: the channel is encrypted with the stack's key)")
	if spec.Replication {
		need(a.ReplicationSourceBucket != nil && a.ReplicationDestinationBucket != nil && a.ReplicationRuleID != "",
			"replication is watched but its buckets or rule ID are missing; allowed: the source and destination bucket names and the rule ID")
	}
	if spec.Application {
		need(a.LoadBalancerArn != nil && len(a.TargetGroupArns) > 0 && a.DatabaseIdentifier != "" && a.CertificateArn != nil,
			"the application is watched but its load balancer, target groups, database or certificate is missing")
	}
	return errors.Join(errs...)
}

// arnSuffix turns a load balancer or target group ARN into the CloudWatch
// dimension value: what follows "loadbalancer/" or the ":" before "targetgroup/".
func arnSuffix(arn pulumi.StringInput) pulumi.StringOutput {
	return arn.ToStringOutput().ApplyT(func(a string) string {
		if i := strings.Index(a, ":loadbalancer/"); i >= 0 {
			return a[i+len(":loadbalancer/"):]
		}
		if i := strings.Index(a, ":targetgroup/"); i >= 0 {
			return a[i+1:]
		}
		return a
	}).(pulumi.StringOutput)
}

func pattern(v map[string]any) pulumi.StringOutput {
	b, _ := json.Marshal(v) // maps of strings and slices: cannot fail
	return pulumi.String(string(b)).ToStringOutput()
}

// New validates args and builds the watch; on a validation error it registers
// nothing.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Ops, error) {
	if err := args.Validate(); err != nil {
		return nil, fmt.Errorf("ops %q: %w", name, err)
	}
	spec := args.Spec.WithDefaults()
	o := &Ops{}
	for _, s := range spec.Signals() {
		o.Signals = append(o.Signals, string(s))
	}
	if err := ctx.RegisterComponentResource(ops.Type, name, o, opts...); err != nil {
		return nil, err
	}
	in := []pulumi.ResourceOption{pulumi.Parent(o), pulumi.Provider(args.Provider)}
	region, _ := jurisdiction.Lookup(jurisdiction.AWS, spec.Region) // validated
	tags := pulumi.StringMap{"customer": pulumi.String(spec.Customer), "odoo-hosting:control": pulumi.String("OPS-1")}

	// OPS-1: the channel, in the stack's region, encrypted with the stack's key.
	topic, err := sns.NewTopic(ctx, name+"-alerts", &sns.TopicArgs{
		Name:           pulumi.String(spec.TopicName()),
		KmsMasterKeyId: args.KeyArn,
		Tags:           tags,
	}, in...)
	if err != nil {
		return nil, err
	}
	o.TopicArn = topic.Arn
	policy := topic.Arn.ApplyT(func(arn string) (string, error) {
		return TopicPolicy(arn, args.AccountID, region.Partition)
	}).(pulumi.StringOutput)
	if _, err := sns.NewTopicPolicy(ctx, name+"-alerts", &sns.TopicPolicyArgs{Arn: topic.Arn, Policy: policy}, in...); err != nil {
		return nil, err
	}
	for i, c := range spec.Contacts {
		// E-mail subscriptions stay pending until the contact confirms the message
		// SNS sends (docs/operations.md).
		if _, err := sns.NewTopicSubscription(ctx, fmt.Sprintf("%s-contact-%d", name, i), &sns.TopicSubscriptionArgs{
			Topic: topic.Arn, Protocol: pulumi.String("email"), Endpoint: pulumi.String(c),
		}, in...); err != nil {
			return nil, err
		}
	}

	rule := func(suffix, description string, pat pulumi.StringInput, schedule string, input string) error {
		// Named, not auto-named: the target names its rule, and a name shows in the
		// console what the rule watches ("<customer>-<signal>", within EventBridge's
		// 64 characters).
		args := &cloudwatch.EventRuleArgs{Name: pulumi.String(spec.Customer + "-" + suffix), Description: pulumi.String(description), Tags: tags}
		if pat != nil {
			args.EventPattern = pat
		}
		if schedule != "" {
			args.ScheduleExpression = pulumi.String(schedule)
		}
		r, err := cloudwatch.NewEventRule(ctx, name+"-"+suffix, args, in...)
		if err != nil {
			return err
		}
		t := &cloudwatch.EventTargetArgs{Rule: r.Name, Arn: topic.Arn}
		if input != "" {
			t.Input = pulumi.String(input)
		}
		_, err = cloudwatch.NewEventTarget(ctx, name+"-"+suffix, t, in...)
		return err
	}
	alarm := func(suffix, description, namespace, metric, stat, op string, threshold float64, period, periods int, dims pulumi.StringMap, missing string) error {
		_, err := cloudwatch.NewMetricAlarm(ctx, name+"-"+suffix, &cloudwatch.MetricAlarmArgs{
			AlarmDescription: pulumi.String(description), Namespace: pulumi.String(namespace), MetricName: pulumi.String(metric),
			Statistic: pulumi.String(stat), ComparisonOperator: pulumi.String(op), Threshold: pulumi.Float64(threshold),
			Period: pulumi.Int(period), EvaluationPeriods: pulumi.Int(periods), Dimensions: dims,
			TreatMissingData: pulumi.String(missing),
			AlarmActions:     pulumi.Array{topic.Arn}, OkActions: pulumi.Array{topic.Arn},
			Tags: tags,
		}, in...)
		return err
	}

	// AWS Backup's job events carry the job's state; the rule watches every job of
	// the account and region (one customer environment per account, README).
	jobRule := func(suffix, what, detailType string, states []string) error {
		return rule(suffix, what, pattern(map[string]any{
			"source": []string{"aws.backup"}, "detail-type": []string{detailType},
			"detail": map[string]any{"state": states},
		}), "", "")
	}
	// OPS-1 / BAK-1: failed and missed backups; RES-3: failed copies; BAK-4: failed restore tests.
	if err := jobRule("backup-failed", "OPS-1 BAK-1: a backup job failed or was aborted", "Backup Job State Change", []string{"FAILED", "ABORTED"}); err != nil {
		return nil, err
	}
	if err := jobRule("backup-missed", "OPS-1 BAK-1: a backup job expired before it started (missed)", "Backup Job State Change", []string{"EXPIRED"}); err != nil {
		return nil, err
	}
	if err := jobRule("copy-failed", "OPS-1 RES-3: a copy to the backup region failed", "Copy Job State Change", []string{"FAILED"}); err != nil {
		return nil, err
	}
	if err := jobRule("restore-failed", "OPS-1 BAK-4: a restore (test) job failed", "Restore Job State Change", []string{"FAILED"}); err != nil {
		return nil, err
	}

	if spec.Replication {
		dims := pulumi.StringMap{
			"SourceBucket": args.ReplicationSourceBucket, "DestinationBucket": args.ReplicationDestinationBucket,
			"RuleId": pulumi.String(args.ReplicationRuleID),
		}
		if err := alarm("replication-failed", "OPS-1 RES-3: objects failed to replicate to the backup region", "AWS/S3", "OperationsFailedReplication",
			"Sum", "GreaterThanThreshold", 0, 300, 1, dims, "notBreaching"); err != nil {
			return nil, err
		}
		if err := alarm("replication-behind", "OPS-1 RES-3: replication to the backup region lags more than the RPO", "AWS/S3", "ReplicationLatency",
			"Maximum", "GreaterThanThreshold", ops.ReplicationLagSeconds, 300, 3, dims, "notBreaching"); err != nil {
			return nil, err
		}
	}

	if spec.Application {
		lb := arnSuffix(args.LoadBalancerArn)
		for i, tg := range args.TargetGroupArns {
			if err := alarm(fmt.Sprintf("app-unhealthy-%d", i), "OPS-1 DAT-2: no healthy Odoo target behind the load balancer", "AWS/ApplicationELB", "HealthyHostCount",
				"Minimum", "LessThanThreshold", 1, 60, 3, pulumi.StringMap{"LoadBalancer": lb, "TargetGroup": arnSuffix(tg)}, "breaching"); err != nil {
				return nil, err
			}
		}
		dbArn := fmt.Sprintf("arn:%s:rds:%s:%s:db:%s", region.Partition, spec.Region, args.AccountID, args.DatabaseIdentifier)
		db := pattern(map[string]any{
			"source": []string{"aws.rds"}, "detail-type": []string{"RDS DB Instance Event"}, "resources": []string{dbArn},
			"detail": map[string]any{"EventCategories": []string{"failure", "failover", "availability", "low storage"}},
		})
		if err := rule("database-unhealthy", "OPS-1 DAT-2: the database failed, failed over, went unavailable or runs out of storage", db, "", ""); err != nil {
			return nil, err
		}
		if err := alarm("certificate-expiring", fmt.Sprintf("OPS-1 ENC-1: the origin certificate expires within %d days", spec.WarningDays), "AWS/CertificateManager", "DaysToExpiry",
			"Minimum", "LessThanThreshold", float64(spec.WarningDays), 86400, 1, pulumi.StringMap{"CertificateArn": args.CertificateArn}, "notBreaching"); err != nil {
			return nil, err
		}
	}

	// OPS-1 / RES-4: a dated rule per approval, WarningDays before it expires.
	for i, a := range spec.Approvals {
		at := ops.WarnAt(a.At, spec.WarningDays, spec.Now)
		msg, _ := json.Marshal(map[string]string{
			"alert": string(ops.ApprovalExpiring), "approval": a.ID, "expires": a.At.UTC().Format("2006-01-02T15:04:05Z"),
			"stack": spec.Customer, "action": "renew the approval or stop the cross-border placement before it expires (RES-4)",
		})
		cron := fmt.Sprintf("cron(%d %d %d %d ? %d)", at.Minute(), at.Hour(), at.Day(), int(at.Month()), at.Year())
		if err := rule(fmt.Sprintf("approval-%d", i), "OPS-1 RES-4: approval "+a.ID+" expires soon", nil, cron, string(msg)); err != nil {
			return nil, err
		}
	}

	// OPS-2: the cloud's threat detection, and its high-severity findings as alerts.
	if spec.ThreatDetection {
		if _, err := guardduty.NewDetector(ctx, name+"-threats", &guardduty.DetectorArgs{
			Enable: pulumi.Bool(true), FindingPublishingFrequency: pulumi.String("FIFTEEN_MINUTES"),
			Tags: pulumi.StringMap{"customer": pulumi.String(spec.Customer), "odoo-hosting:control": pulumi.String("OPS-2")},
		}, in...); err != nil {
			return nil, err
		}
		if err := rule("threat-found", "OPS-2: GuardDuty reports a high-severity finding", pattern(map[string]any{
			"source": []string{"aws.guardduty"}, "detail-type": []string{"GuardDuty Finding"},
			"detail": map[string]any{"severity": []any{map[string]any{"numeric": []any{">=", ops.ThreatSeverity}}}},
		}), "", ""); err != nil {
			return nil, err
		}
		// OPS-2: the runtime's registry is scanned by Amazon Inspector (enhanced
		// scanning, awsruntime); its high and critical findings alert.
		if err := rule("vulnerability-found", "OPS-2: Amazon Inspector reports a high or critical vulnerability in an image", pattern(map[string]any{
			"source": []string{"aws.inspector2"}, "detail-type": []string{"Inspector2 Finding"},
			"detail": map[string]any{"severity": []string{"HIGH", "CRITICAL"}},
		}), "", ""); err != nil {
			return nil, err
		}
	}

	return o, ctx.RegisterResourceOutputs(o, pulumi.Map{
		"topicArn": topic.Arn, "signals": pulumi.ToStringArray(o.Signals),
	})
}

// TopicPolicy is the alert topic's resource policy: EventBridge and CloudWatch
// alarms of this account may publish, the account administers it. Pure.
func TopicPolicy(topicArn, accountID, partition string) (string, error) {
	stmt := func(sid, service string) map[string]any {
		return map[string]any{
			"Sid": sid, "Effect": "Allow", "Principal": map[string]any{"Service": service},
			"Action": "sns:Publish", "Resource": topicArn,
			"Condition": map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": accountID}},
		}
	}
	doc := map[string]any{"Version": "2012-10-17", "Statement": []any{
		stmt("EventBridgeRules", "events.amazonaws.com"),
		stmt("CloudWatchAlarms", "cloudwatch.amazonaws.com"),
		map[string]any{
			"Sid": "AccountManagesTopic", "Effect": "Allow",
			"Principal": map[string]any{"AWS": fmt.Sprintf("arn:%s:iam::%s:root", partition, accountID)},
			"Action":    []string{"sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:Subscribe", "sns:ListSubscriptionsByTopic", "sns:DeleteTopic"},
			"Resource":  topicArn,
		},
	}}
	b, err := json.Marshal(doc)
	return string(b), err
}
