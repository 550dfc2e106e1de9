// Package awskeys builds keys.Spec with AWS KMS: one single-Region, symmetric
// AES-256 key per purpose with yearly rotation, a 30-day deletion window and a
// least-privilege key policy, or none at all when the customer supplies a key
// (ENC-2, ENC-3, ENC-4, ENC-5).
package awskeys

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/octura/odoo-hosting/components/keys"
	"github.com/octura/odoo-hosting/internal/jurisdiction"
)

// Type is the component's type token.
const Type = keys.Type

// Args are the arguments of New.
type Args struct {
	// Spec is the cloud-neutral key set; its Cloud must be aws (the default).
	// Required; validated before anything is registered.
	Spec keys.Spec
	// Provider is the explicit AWS provider of Spec.Region; every child uses it.
	// Required.
	Provider pulumi.ProviderResource
}

// Keys is the component.
type Keys struct {
	pulumi.ResourceState

	// ARNs maps every purpose of the spec to its key ARN; on enterprise with a
	// customer key (ENC-4), the customer's key ARN for every purpose.
	ARNs map[keys.Purpose]pulumi.StringOutput
	// Region is the region the keys live in.
	Region string
}

// Validate checks the arguments: every problem at once.
func (a Args) Validate() error {
	var errs []error
	if err := a.Spec.Validate(); err != nil {
		errs = append(errs, err)
	}
	if c := a.Spec.WithDefaults().Cloud; c != jurisdiction.AWS {
		errs = append(errs, fmt.Errorf("cloud %q is not served by awskeys; allowed: aws", c))
	}
	if a.Provider == nil {
		errs = append(errs, errors.New("provider is nil; allowed: the explicit aws.Provider of the keys' region"))
	}
	return errors.Join(errs...)
}

// New validates args and builds the keys; on a validation error it registers
// nothing.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Keys, error) {
	if err := args.Validate(); err != nil {
		return nil, fmt.Errorf("keys %q: %w", name, err)
	}
	spec := args.Spec.WithDefaults()
	k := &Keys{Region: spec.Region, ARNs: map[keys.Purpose]pulumi.StringOutput{}}
	if err := ctx.RegisterComponentResource(Type, name, k, opts...); err != nil {
		return nil, err
	}
	outputs := pulumi.Map{"region": pulumi.String(spec.Region)}

	if spec.CustomerManaged() {
		// ENC-4: the customer's key for every purpose; no project key is created.
		for _, p := range spec.Purposes {
			k.ARNs[p] = pulumi.String(spec.CustomerKeyARN).ToStringOutput()
			outputs[string(p)+"Arn"] = k.ARNs[p]
		}
		return k, ctx.RegisterResourceOutputs(k, outputs)
	}

	keyOpts := []pulumi.ResourceOption{pulumi.Parent(k), pulumi.Provider(args.Provider), pulumi.RetainOnDelete(true)}
	if spec.Protect {
		keyOpts = append(keyOpts, pulumi.Protect(true)) // BAK-6
	}
	for _, p := range spec.Purposes {
		policy, err := KeyPolicy(spec, p)
		if err != nil {
			return nil, err
		}
		n := name + "-" + string(p)
		key, err := kms.NewKey(ctx, n, &kms.KeyArgs{
			Description:           pulumi.String(fmt.Sprintf("%s %s key (odoo-hosting)", spec.Customer, p)),
			KeyUsage:              pulumi.String("ENCRYPT_DECRYPT"),
			CustomerMasterKeySpec: pulumi.String("SYMMETRIC_DEFAULT"), // ENC-2: AES-256-GCM
			MultiRegion:           pulumi.Bool(false),                 // ENC-3: single-Region
			EnableKeyRotation:     pulumi.Bool(true),                  // ENC-3
			RotationPeriodInDays:  pulumi.Int(spec.RotationPeriodDays),
			DeletionWindowInDays:  pulumi.Int(spec.DeletionWindowDays), // ENC-3: >= 30
			Policy:                pulumi.String(policy),
			Tags:                  pulumi.StringMap{"customer": pulumi.String(spec.Customer), "purpose": pulumi.String(string(p))},
		}, keyOpts...)
		if err != nil {
			return nil, err
		}
		if _, err := kms.NewAlias(ctx, n, &kms.AliasArgs{
			Name:        pulumi.String("alias/" + spec.Alias(p)),
			TargetKeyId: key.KeyId,
		}, pulumi.Parent(k), pulumi.Provider(args.Provider)); err != nil {
			return nil, err
		}
		k.ARNs[p] = key.Arn
		outputs[string(p)+"Arn"] = key.Arn
	}
	return k, ctx.RegisterResourceOutputs(k, outputs)
}

// AdminActions are the key administration actions the account root may perform;
// none of them uses the key to encrypt or decrypt.
var AdminActions = []string{
	"kms:CancelKeyDeletion", "kms:CreateAlias", "kms:DeleteAlias", "kms:DescribeKey",
	"kms:DisableKey", "kms:DisableKeyRotation", "kms:EnableKey", "kms:EnableKeyRotation",
	"kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListAliases", "kms:ListGrants",
	"kms:ListKeyPolicies", "kms:ListResourceTags", "kms:PutKeyPolicy", "kms:RevokeGrant",
	"kms:RotateKeyOnDemand", "kms:ScheduleKeyDeletion", "kms:TagResource", "kms:UntagResource",
	"kms:UpdateAlias", "kms:UpdateKeyDescription",
}

// UseActions are the cryptographic actions granted to the services that use a key.
var UseActions = []string{"kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"}

// Services returns the AWS services through which principals of the account may
// use the key of purpose p (kms:ViaService, ENC-2), exactly those the stack uses:
//   - data, on a stack that runs the application: RDS (storage, Performance
//     Insights), Secrets Manager (the database's generated secret) and EFS (the
//     file store; EFS refuses a key that does not admit elasticfilesystem) and S3
//     (the load balancer's trust-store bucket holding the origin-pull CA, NET-8);
//     nothing otherwise;
//   - backup: AWS Backup (the vaults) and S3 (the buckets of backup files), and in
//     the backup region of a stack with a database RDS too, which re-encrypts the
//     snapshot copies AWS Backup makes there with the destination vault's key;
//   - logs: S3 (the default encryption of the audit trail's bucket); CloudWatch
//     Logs and CloudTrail use it as service principals instead.
func Services(spec keys.Spec, p keys.Purpose) []string {
	switch p {
	case keys.Data:
		if spec.Application {
			return []string{"elasticfilesystem", "rds", "s3", "secretsmanager"}
		}
	case keys.Backup:
		if spec.Application && spec.BackupRegion {
			return []string{"backup", "rds", "s3"}
		}
		return []string{"backup", "s3"}
	case keys.Logs:
		return []string{"s3"}
	}
	return nil
}

// SessionContextKey is the encryption context every ECS Exec (Session Manager)
// session carries: the client asks for the data key with kms:GenerateDataKey and
// the agent in the container decrypts it with kms:Decrypt, both directly, not
// through a service, and both with aws:ssm:SessionId and aws:ssm:TargetId in the
// context (IAM-5).
const SessionContextKey = "kms:EncryptionContext:aws:ssm:SessionId"

type statement struct {
	Sid       string                    `json:"Sid"`
	Effect    string                    `json:"Effect"`
	Principal map[string]string         `json:"Principal"`
	Action    []string                  `json:"Action"`
	Resource  string                    `json:"Resource"`
	Condition map[string]map[string]any `json:"Condition,omitempty"`
}

// KeyPolicy returns the least-privilege key policy of the key of purpose p (ENC-2):
// the account root administers the key but cannot use it; the services that need
// the key use it only through themselves (kms:ViaService, Services), as service
// principals only for log groups and trails of this account (encryption context,
// source account), and people and tasks of the account only for what carries an
// encryption context of theirs: reading the audit trail, ECS Exec sessions. Pure:
// no invokes.
func KeyPolicy(spec keys.Spec, p keys.Purpose) (string, error) {
	r, ok := jurisdiction.Lookup(jurisdiction.AWS, spec.Region)
	if !ok {
		return "", fmt.Errorf("region %q is not a known AWS region", spec.Region)
	}
	root := fmt.Sprintf("arn:%s:iam::%s:root", r.Partition, spec.AccountID)
	trails := fmt.Sprintf("arn:%s:cloudtrail:*:%s:trail/*", r.Partition, spec.AccountID)
	stmts := []statement{{
		Sid: "KeyAdministration", Effect: "Allow", Principal: map[string]string{"AWS": root},
		Action: AdminActions, Resource: "*",
	}}
	if via := Services(spec, p); len(via) > 0 {
		var names []string
		for _, svc := range via {
			names = append(names, svc+"."+spec.Region+".amazonaws.com")
		}
		stmts = append(stmts, statement{
			Sid: "UseThroughServices", Effect: "Allow", Principal: map[string]string{"AWS": root},
			Action: append(slicesClone(UseActions), "kms:CreateGrant"), Resource: "*",
			Condition: map[string]map[string]any{"StringEquals": {
				"kms:CallerAccount": spec.AccountID,
				"kms:ViaService":    names,
			}},
		})
	}
	switch p {
	case keys.Logs:
		if spec.LogGroups {
			stmts = append(stmts, statement{
				Sid: "CloudWatchLogs", Effect: "Allow",
				Principal: map[string]string{"Service": "logs." + spec.Region + ".amazonaws.com"},
				Action:    UseActions, Resource: "*",
				Condition: map[string]map[string]any{"ArnLike": {
					"kms:EncryptionContext:aws:logs:arn": fmt.Sprintf("arn:%s:logs:%s:%s:log-group:*", r.Partition, spec.Region, spec.AccountID),
				}},
			})
		}
		stmts = append(stmts,
			// CloudTrail encrypts with the trail's ARN as encryption context; its
			// DescribeKey carries no context, so it has its own statement (CloudTrail
			// User Guide, "Configure AWS KMS key policies for CloudTrail").
			statement{
				Sid: "CloudTrailEncrypt", Effect: "Allow",
				Principal: map[string]string{"Service": "cloudtrail.amazonaws.com"},
				Action:    []string{"kms:GenerateDataKey*"}, Resource: "*",
				Condition: map[string]map[string]any{
					"StringLike":   {"kms:EncryptionContext:aws:cloudtrail:arn": trails},
					"StringEquals": {"aws:SourceAccount": spec.AccountID},
				},
			},
			// OPS-1: the alert topic is encrypted with this key; the services that
			// publish to it need the data key to encrypt the message (Amazon SNS,
			// "compatibility between event sources from AWS services and encrypted
			// topics"). EventBridge's KMS calls carry no source-account key, so its
			// statement has no condition.
			statement{
				Sid: "CloudWatchAlarmsToAlertTopic", Effect: "Allow",
				Principal: map[string]string{"Service": "cloudwatch.amazonaws.com"},
				Action:    []string{"kms:Decrypt", "kms:GenerateDataKey*"}, Resource: "*",
				Condition: map[string]map[string]any{"StringEquals": {"aws:SourceAccount": spec.AccountID}},
			},
			statement{
				Sid: "EventBridgeToAlertTopic", Effect: "Allow",
				Principal: map[string]string{"Service": "events.amazonaws.com"},
				Action:    []string{"kms:Decrypt", "kms:GenerateDataKey*"}, Resource: "*",
			},
			statement{
				Sid: "CloudTrailDescribeKey", Effect: "Allow",
				Principal: map[string]string{"Service": "cloudtrail.amazonaws.com"},
				Action:    []string{"kms:DescribeKey"}, Resource: "*",
				Condition: map[string]map[string]any{"StringEquals": {"aws:SourceAccount": spec.AccountID}},
			},
			statement{
				Sid: "ReadTrailAndLogsInAccount", Effect: "Allow",
				Principal: map[string]string{"AWS": root},
				Action:    []string{"kms:Decrypt", "kms:ReEncryptFrom"}, Resource: "*",
				Condition: map[string]map[string]any{
					"StringEquals": {"kms:CallerAccount": spec.AccountID},
					"StringLike":   {"kms:EncryptionContext:aws:cloudtrail:arn": trails},
				},
			},
		)
	case keys.Data:
		if spec.Application {
			// IAM-5: ECS Exec sessions use the data key directly; only requests that
			// carry a Session Manager session in their encryption context qualify,
			// and IAM grants them to the task role and the operators.
			stmts = append(stmts, statement{
				Sid: "ShellSessions", Effect: "Allow", Principal: map[string]string{"AWS": root},
				Action: []string{"kms:Decrypt", "kms:GenerateDataKey"}, Resource: "*",
				Condition: map[string]map[string]any{
					"StringEquals": {"kms:CallerAccount": spec.AccountID},
					"Null":         {SessionContextKey: "false"},
				},
			})
		}
	case keys.Backup:
		stmts = append(stmts, statement{
			Sid: "BackupGrantsForAWSResources", Effect: "Allow", Principal: map[string]string{"AWS": root},
			Action: []string{"kms:CreateGrant"}, Resource: "*",
			Condition: map[string]map[string]any{
				"Bool":         {"kms:GrantIsForAWSResource": true},
				"StringEquals": {"kms:CallerAccount": spec.AccountID},
			},
		})
	}
	b, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": stmts})
	return string(b), err
}

func slicesClone(xs []string) []string { return append([]string(nil), xs...) }
