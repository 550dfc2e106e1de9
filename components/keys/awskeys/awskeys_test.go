package awskeys_test

import (
	"encoding/json"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/components/keys"
	"github.com/octura/odoo-hosting/components/keys/awskeys"
	"github.com/octura/odoo-hosting/components/keys/keystest"
	"github.com/octura/odoo-hosting/internal/jurisdiction"
	"github.com/octura/odoo-hosting/internal/plan"
)

const name = "acme-eu-west-1"

type result struct {
	plan *plan.Plan
	err  error
	arns map[keys.Purpose]string
	reg  string
}

func run(t *testing.T, spec keys.Spec) result {
	t.Helper()
	var r result
	var mu sync.Mutex
	r.arns = map[keys.Purpose]string{}
	p, err := plan.Run("odoo-hosting", "acme-eu", func(ctx *pulumi.Context) error {
		prov, err := aws.NewProvider(ctx, "acme-"+spec.Region, &aws.ProviderArgs{Region: pulumi.String(spec.Region)})
		if err != nil {
			return err
		}
		k, err := awskeys.New(ctx, name, awskeys.Args{Spec: spec, Provider: prov})
		r.err = err
		if err != nil {
			return nil
		}
		r.reg = k.Region
		for p, o := range k.ARNs {
			// Exported outputs are awaited before the run ends.
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

type harness struct{}

func (harness) CustomerKey(region string) string {
	return "arn:aws:kms:" + region + ":222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab"
}

func (harness) Plan(t *testing.T, spec keys.Spec) (keystest.View, error) {
	r := run(t, spec)
	v := keystest.View{Resources: len(r.plan.Managed()), ARNs: r.arns, Region: r.reg}
	if r.err != nil {
		return v, r.err
	}
	aliases := map[string]string{}
	for _, a := range r.plan.ByType("aws:kms/alias:Alias") {
		aliases[a.Name()] = strings.TrimPrefix(a.Inputs["name"].(string), "alias/")
	}
	for _, p := range spec.WithDefaults().Purposes {
		k, ok := r.plan.Get("aws:kms/key:Key", name+"-"+string(p))
		if !ok {
			continue
		}
		prov, _ := r.plan.ProviderOf(k)
		v.Keys = append(v.Keys, keystest.Key{
			Purpose: p, Region: prov.Inputs["region"].(string), Alias: aliases[k.Name()],
			RotationEnabled:    k.Inputs["enableKeyRotation"] == true,
			RotationPeriodDays: int(k.Inputs["rotationPeriodInDays"].(float64)),
			DeletionWindowDays: int(k.Inputs["deletionWindowInDays"].(float64)),
			MultiRegion:        k.Inputs["multiRegion"] != false,
			AES256:             k.Inputs["customerMasterKeySpec"] == "SYMMETRIC_DEFAULT" && k.Inputs["keyUsage"] == "ENCRYPT_DECRYPT",
			RetainOnDelete:     k.RetainOnDelete, Protect: k.Protect,
		})
	}
	if len(v.Keys) != len(r.plan.ByType("aws:kms/key:Key")) {
		t.Fatalf("keys not named <name>-<purpose>")
	}
	return v, nil
}

func TestConformance(t *testing.T) {
	keystest.Run(t, keystest.Config{
		Cloud: jurisdiction.AWS, Primary: "eu-west-1", Backup: "eu-central-1", Outside: "eu-west-2",
		Jurisdiction: jurisdiction.EU, AccountID: "111111111111",
	}, harness{})
}

func spec() keys.Spec {
	return keys.Spec{Customer: "acme", Region: "eu-west-1", Jurisdiction: jurisdiction.EU, AccountID: "123456789012"}
}

func TestENC2_ResourceCountsAndParents(t *testing.T) {
	r := run(t, spec())
	require.NoError(t, r.err)
	c := r.plan.Count()
	require.Equal(t, map[string]int{plan.StackType: 1, "pulumi:providers:aws": 1, awskeys.Type: 1, "aws:kms/key:Key": 3, "aws:kms/alias:Alias": 3}, c)
	comp, _ := r.plan.Get(awskeys.Type, name)
	for _, s := range r.plan.Managed() {
		if s.Type == awskeys.Type {
			continue
		}
		require.Equal(t, comp.URN, s.Parent)
		_, ok := r.plan.ProviderOf(s)
		require.True(t, ok, s.URN)
	}
	alias, _ := r.plan.Get("aws:kms/alias:Alias", name+"-data")
	require.Equal(t, "alias/acme-data", alias.Inputs["name"])
	require.Regexp(t, `^acme-eu-west-1-data-[0-9a-f]{8}$`, alias.Inputs["targetKeyId"])
	require.Regexp(t, `^arn:aws:kms:eu-west-1:111111111111:key/acme-eu-west-1-data-[0-9a-f]{8}$`, r.arns[keys.Data])
}

func policy(t *testing.T, r result, p keys.Purpose) map[string]any {
	k, ok := r.plan.Get("aws:kms/key:Key", name+"-"+string(p))
	require.True(t, ok)
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(k.Inputs["policy"].(string)), &doc))
	return doc
}

func statements(doc map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, s := range doc["Statement"].([]any) {
		m := s.(map[string]any)
		out[m["Sid"].(string)] = m
	}
	return out
}

func TestENC2_KeyPolicyLeastPrivilege(t *testing.T) {
	r := run(t, spec())
	require.NoError(t, r.err)
	for _, p := range keys.Purposes() {
		st := statements(policy(t, r, p))
		admin := st["KeyAdministration"]
		require.Equal(t, map[string]any{"AWS": "arn:aws:iam::123456789012:root"}, admin["Principal"])
		for _, a := range admin["Action"].([]any) {
			require.NotContains(t, []string{"kms:*", "kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"}, a, "the root administers, never uses, the key")
		}
		for sid, s := range st {
			require.Equal(t, "Allow", s["Effect"], sid)
			// EventBridge's KMS requests carry no aws:SourceAccount or aws:SourceArn
			// (Amazon SNS key management, EventBridge targets): its statement cannot
			// be conditioned and grants only what publishing needs.
			if sid != "KeyAdministration" && sid != "EventBridgeToAlertTopic" {
				require.NotEmpty(t, s["Condition"], "%s %s: use is always conditioned", p, sid)
			}
		}
	}
	via := func(st map[string]any) any {
		return st["Condition"].(map[string]any)["StringEquals"].(map[string]any)["kms:ViaService"]
	}
	// Without the application, log groups or the backup region: the data key admits
	// nobody, backups go through AWS Backup and S3, the trail through CloudTrail.
	data := statements(policy(t, r, keys.Data))
	require.Equal(t, []string{"KeyAdministration"}, sortedSids(data))
	backup := statements(policy(t, r, keys.Backup))
	require.Equal(t, []any{"backup.eu-west-1.amazonaws.com", "s3.eu-west-1.amazonaws.com"}, via(backup["UseThroughServices"]))
	logs := statements(policy(t, r, keys.Logs))
	require.Equal(t, []string{"CloudTrailDescribeKey", "CloudTrailEncrypt", "CloudWatchAlarmsToAlertTopic", "EventBridgeToAlertTopic", "KeyAdministration", "ReadTrailAndLogsInAccount", "UseThroughServices"}, sortedSids(logs))
	require.Equal(t, []any{"s3.eu-west-1.amazonaws.com"}, via(logs["UseThroughServices"]))
}

func sortedSids(st map[string]map[string]any) []string {
	var out []string
	for sid := range st {
		out = append(out, sid)
	}
	sort.Strings(out)
	return out
}

// TestENC2_KeyPolicyAdmitsExactlyTheApplication: with the application, the data
// key admits RDS, Secrets Manager and EFS through themselves (EFS refuses a key
// that does not) and ECS Exec sessions directly, only with a session in the
// encryption context; the logs key admits CloudWatch Logs for this account's log
// groups; CloudTrail describes the key without an encryption context.
func TestENC2_KeyPolicyAdmitsExactlyTheApplication(t *testing.T) {
	s := spec()
	s.Application, s.LogGroups = true, true
	r := run(t, s)
	require.NoError(t, r.err)
	data := statements(policy(t, r, keys.Data))
	require.Equal(t, []string{"KeyAdministration", "ShellSessions", "UseThroughServices"}, sortedSids(data))
	require.Equal(t, map[string]any{"StringEquals": map[string]any{
		"kms:CallerAccount": "123456789012",
		"kms:ViaService":    []any{"elasticfilesystem.eu-west-1.amazonaws.com", "rds.eu-west-1.amazonaws.com", "s3.eu-west-1.amazonaws.com", "secretsmanager.eu-west-1.amazonaws.com"},
	}}, data["UseThroughServices"]["Condition"])
	require.Equal(t, []any{"kms:Decrypt", "kms:GenerateDataKey"}, data["ShellSessions"]["Action"])
	require.Equal(t, map[string]any{
		"StringEquals": map[string]any{"kms:CallerAccount": "123456789012"},
		"Null":         map[string]any{"kms:EncryptionContext:aws:ssm:SessionId": "false"},
	}, data["ShellSessions"]["Condition"])
	logs := statements(policy(t, r, keys.Logs))
	require.Equal(t, map[string]any{"Service": "logs.eu-west-1.amazonaws.com"}, logs["CloudWatchLogs"]["Principal"])
	require.Equal(t, map[string]any{"ArnLike": map[string]any{"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:eu-west-1:123456789012:log-group:*"}}, logs["CloudWatchLogs"]["Condition"])
	// OPS-1: the alert topic's publishers may encrypt messages with the logs key.
	require.Equal(t, map[string]any{"Service": "events.amazonaws.com"}, logs["EventBridgeToAlertTopic"]["Principal"])
	require.Equal(t, []any{"kms:Decrypt", "kms:GenerateDataKey*"}, logs["EventBridgeToAlertTopic"]["Action"])
	require.Equal(t, map[string]any{"Service": "cloudwatch.amazonaws.com"}, logs["CloudWatchAlarmsToAlertTopic"]["Principal"])
	require.Equal(t, map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": "123456789012"}}, logs["CloudWatchAlarmsToAlertTopic"]["Condition"])
	require.Equal(t, []any{"kms:DescribeKey"}, logs["CloudTrailDescribeKey"]["Action"])
	require.Equal(t, map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": "123456789012"}}, logs["CloudTrailDescribeKey"]["Condition"])
	require.Equal(t, []any{"kms:GenerateDataKey*"}, logs["CloudTrailEncrypt"]["Action"])
	backup := statements(policy(t, r, keys.Backup))
	require.Equal(t, []any{"backup.eu-west-1.amazonaws.com", "s3.eu-west-1.amazonaws.com"},
		backup["UseThroughServices"]["Condition"].(map[string]any)["StringEquals"].(map[string]any)["kms:ViaService"])

	// ENC-5: the backup region's backup key also takes the database's snapshot copies.
	s.BackupRegion, s.Region, s.Purposes = true, "eu-central-1", []keys.Purpose{keys.Backup}
	r = run(t, s)
	require.NoError(t, r.err)
	backup = statements(policy(t, r, keys.Backup))
	require.Equal(t, []any{"backup.eu-central-1.amazonaws.com", "rds.eu-central-1.amazonaws.com", "s3.eu-central-1.amazonaws.com"},
		backup["UseThroughServices"]["Condition"].(map[string]any)["StringEquals"].(map[string]any)["kms:ViaService"])
}

func TestENC4_CustomerKeyCreatesNoKey(t *testing.T) {
	s := spec()
	s.CustomerKeyARN = "arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	r := run(t, s)
	require.NoError(t, r.err)
	require.Equal(t, map[string]int{plan.StackType: 1, "pulumi:providers:aws": 1, awskeys.Type: 1}, r.plan.Count())
}

func TestENC4_CustomerKeyInAnotherRegionRefused(t *testing.T) {
	s := spec()
	s.CustomerKeyARN = "arn:aws:kms:eu-central-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	r := run(t, s)
	require.EqualError(t, r.err, `keys "acme-eu-west-1": customerKeyArn "arn:aws:kms:eu-central-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab" is in region eu-central-1, not in the keys' region eu-west-1; allowed: a KMS key ARN in eu-west-1 (ENC-3, ENC-4)`)
	require.Empty(t, r.plan.Managed())
}

func TestGCPSpecRefused(t *testing.T) {
	s := keys.Spec{Customer: "acme", Cloud: jurisdiction.GCP, Region: "europe-west1", AccountID: "acme-prod"}
	r := run(t, s)
	require.EqualError(t, r.err, `keys "acme-eu-west-1": cloud "gcp" is not served by awskeys; allowed: aws`)
}
