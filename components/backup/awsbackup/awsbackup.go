// Package awsbackup builds a customer's backups on AWS from a backup.Spec: an S3
// bucket of backup files in the primary region replicated to a bucket in the backup
// region, and an AWS Backup plan whose vaults in both regions are locked.
//
// Immutability under GFS (BAK-2, BAK-3). Without GFS every copy is kept
// RetentionDays and the buckets' default Object Lock retention (COMPLIANCE) is
// RetentionDays. With GFS the classes are kept 7 (daily), 28 (weekly) and 93
// (monthly) days, and a bucket has one default retention only: it is the shortest
// class, 7 days. The writer of the backup files (the off-site backup job, outside
// this program) uploads weekly and monthly copies under "weekly/" and "monthly/"
// with a per-object retention (x-amz-object-lock-mode COMPLIANCE and
// x-amz-object-lock-retain-until-date) of 28 and 93 days, which overrides the
// default; the lifecycle expires each prefix after its class. AWS Backup vault
// locks need no such help: each recovery point is locked for its own lifecycle
// (the rule's deleteAfter), so the vault lock minimum is the shortest class.
//
// Tiers without a database (odoo-sh, on-premise; BAK-4): the backups are the
// objects of the primary bucket, so the AWS Backup selection protects that
// (versioned) bucket and the restore testing plan restore-tests it (type S3).
package awsbackup

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/backup"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	concept "github.com/octura/odoo-hosting/components/backup"
	"github.com/octura/odoo-hosting/internal/jurisdiction"
	"github.com/octura/odoo-hosting/internal/names"
)

// Type is the component's type token.
const Type = concept.Type

// Managed policies of the AWS Backup service role.
const (
	BackupServicePolicyArn  = "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"
	RestoreServicePolicyArn = "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores"
)

// SelectionTagKey is the tag that adds a resource to the backup selection besides
// ResourceArns; its value is the component's name.
const SelectionTagKey = "odoo-hosting:backup"

// Managed policies AWS Backup needs to back up and restore S3 buckets; attached to
// the service role when the primary bucket is protected (odoo-sh, on-premise).
const (
	S3BackupServicePolicyArn  = "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup"
	S3RestoreServicePolicyArn = "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore"
)

// restoreTypes maps the cloud-neutral restore targets to AWS Backup resource types.
var restoreTypes = map[string]string{
	concept.RestoreDatabase:    "RDS",
	concept.RestoreFilestore:   "EFS",
	concept.RestoreObjectStore: "S3",
}

// Args are the inputs of New.
type Args struct {
	// Spec is what the backups must be; it is validated before anything is registered.
	Spec concept.Spec
	// PrimaryProvider is the AWS provider of Spec.PrimaryRegion. Required.
	PrimaryProvider pulumi.ProviderResource
	// BackupProvider is the AWS provider of Spec.BackupRegion. Required.
	BackupProvider pulumi.ProviderResource
	// PrimaryKeyArn is the backup-purpose KMS key of the primary region. Required.
	PrimaryKeyArn pulumi.StringInput
	// BackupKeyArn is the backup-purpose KMS key of the backup region (ENC-5). Required.
	BackupKeyArn pulumi.StringInput
	// ResourceArns are what AWS Backup protects with the snapshot rules (the EFS
	// file system); may be empty. Resources tagged SelectionTagKey=<name> are
	// protected too, and on odoo-sh and on-premise the primary bucket of backup
	// files (BAK-4).
	ResourceArns pulumi.StringArrayInput
	// DatabaseArns are the databases (RDS instances), protected by their own plan
	// of point-in-time recovery and daily copies (concept.DatabaseRules), never by
	// hourly snapshots; may be empty. Resources tagged SelectionTagKey=<name>-db
	// are protected too.
	DatabaseArns pulumi.StringArrayInput
	// Restore is where the restore tests put what they restore (BAK-4). Required on
	// tiers with a database and a file store; ignored otherwise.
	Restore *RestoreTarget
}

// RestoreTarget is where restore tests restore, instead of AWS Backup's inferred
// defaults (the default VPC, the AWS managed EFS key): the database's own subnet
// group and security group, and the data key (BAK-4, NET-3, ENC-2).
type RestoreTarget struct {
	// DatabaseSubnetGroupName is the database's subnet group. Required.
	DatabaseSubnetGroupName pulumi.StringInput
	// DatabaseSecurityGroupID is the database's security group. Required.
	DatabaseSecurityGroupID pulumi.StringInput
	// DataKeyArn encrypts the restored file system. Required.
	DataKeyArn pulumi.StringInput
}

// Backup is a customer's backups on AWS.
type Backup struct {
	pulumi.ResourceState

	// PrimaryBucket and ReplicaBucket are the names of the S3 buckets of backup files.
	PrimaryBucket pulumi.StringOutput `pulumi:"primaryBucket"`
	ReplicaBucket pulumi.StringOutput `pulumi:"replicaBucket"`
	// PrimaryBucketArn and ReplicaBucketArn are their ARNs.
	PrimaryBucketArn pulumi.StringOutput `pulumi:"primaryBucketArn"`
	ReplicaBucketArn pulumi.StringOutput `pulumi:"replicaBucketArn"`
	// PrimaryVaultArn and BackupVaultArn are the AWS Backup vaults of each region.
	PrimaryVaultArn pulumi.StringOutput `pulumi:"primaryVaultArn"`
	BackupVaultArn  pulumi.StringOutput `pulumi:"backupVaultArn"`
	// ReplicationRuleID is the ID of the S3 replication rule to the backup region
	// (OPS-1 watches its metrics).
	ReplicationRuleID string
	// PlanID is the AWS Backup plan's ID.
	PlanID pulumi.StringOutput `pulumi:"planId"`
	// PrimaryRegion and BackupRegion are the regions the copies are in (RES-3).
	PrimaryRegion string
	BackupRegion  string
}

// New validates args.Spec and builds the backups; on an invalid spec or missing
// argument it returns every problem and registers nothing.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Backup, error) {
	spec := args.Spec.WithDefaults()
	if err := spec.Validate(); err != nil {
		return nil, fmt.Errorf("backup %s: %w", name, err)
	}
	if spec.Cloud != jurisdiction.AWS {
		return nil, fmt.Errorf("backup %s: cloud %q is not served by awsbackup; allowed: aws", name, spec.Cloud)
	}
	if args.PrimaryProvider == nil || args.BackupProvider == nil || args.PrimaryKeyArn == nil || args.BackupKeyArn == nil {
		return nil, fmt.Errorf("backup %s: PrimaryProvider, BackupProvider, PrimaryKeyArn and BackupKeyArn are required", name)
	}
	physical := concept.PhysicalNames(spec)
	if err := physical.Check(); err != nil {
		return nil, fmt.Errorf("backup %s: %w", name, err)
	}
	resourceArns := args.ResourceArns
	if resourceArns == nil {
		resourceArns = pulumi.StringArray{}
	}
	databaseArns := args.DatabaseArns
	if databaseArns == nil {
		databaseArns = pulumi.StringArray{}
	}
	dbRules := concept.DatabaseRules(spec)
	if len(dbRules) > 0 && (args.Restore == nil || args.Restore.DatabaseSubnetGroupName == nil || args.Restore.DatabaseSecurityGroupID == nil || args.Restore.DataKeyArn == nil) {
		return nil, fmt.Errorf("backup %s: Restore (the database's subnet group and security group, the data key) is required on tier %s: restore tests must not restore into the default VPC or with the AWS managed key (BAK-4)", name, spec.Tier)
	}

	c := &Backup{PrimaryRegion: spec.PrimaryRegion, BackupRegion: spec.BackupRegion, ReplicationRuleID: ReplicationRuleID(spec)}
	if err := ctx.RegisterComponentResource(Type, name, c, opts...); err != nil {
		return nil, err
	}
	life := concept.Lifecycle(spec)
	inPrimary := []pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(args.PrimaryProvider)}
	inBackup := []pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(args.BackupProvider)}
	// BAK-6: stores survive `pulumi destroy` always, and refuse deletion and
	// replacement in production.
	keepOpts := []pulumi.ResourceOption{pulumi.RetainOnDelete(true), pulumi.Protect(spec.Production)}
	tags := pulumi.StringMap{"customer": pulumi.String(spec.Customer), "managed-by": pulumi.String("odoo-hosting")}

	primary, err := newBucket(ctx, name+"-primary", physical.PrimaryBucket, args.PrimaryKeyArn, life, tags, inPrimary, keepOpts)
	if err != nil {
		return nil, err
	}
	replica, err := newBucket(ctx, name+"-replica", physical.ReplicaBucket, args.BackupKeyArn, life, tags, inBackup, keepOpts)
	if err != nil {
		return nil, err
	}
	if err := replicate(ctx, name, spec, args, primary, replica, tags, inPrimary); err != nil {
		return nil, err
	}

	// AWS Backup: a locked vault in each region, encrypted with that region's key
	// (ENC-2, ENC-5, BAK-3).
	primaryVault, err := newVault(ctx, name+"-primary", physical.PrimaryVault, args.PrimaryKeyArn, life, tags, inPrimary, keepOpts)
	if err != nil {
		return nil, err
	}
	backupVault, err := newVault(ctx, name+"-backup", physical.BackupVault, args.BackupKeyArn, life, tags, inBackup, keepOpts)
	if err != nil {
		return nil, err
	}

	// BAK-1, BAK-2, RES-3, ENC-5: the rules of the tier, each copied to the backup
	// region's vault and kept there as long as in the primary.
	planRules := func(rs []concept.Rule) backup.PlanRuleArray {
		var rules backup.PlanRuleArray
		for _, r := range rs {
			rule := backup.PlanRuleArgs{
				RuleName:         pulumi.String(r.Name),
				TargetVaultName:  primaryVault.Name,
				Schedule:         pulumi.String(r.Cron),
				StartWindow:      pulumi.Int(60),
				CompletionWindow: pulumi.Int(180),
				Lifecycle:        &backup.PlanRuleLifecycleArgs{DeleteAfter: pulumi.Int(r.LocalDays)},
				RecoveryPointTags: pulumi.StringMap{
					"customer": pulumi.String(spec.Customer), "rule": pulumi.String(r.Name),
				},
			}
			if r.Continuous {
				// BAK-1: point-in-time recovery of the database (at most 35 days).
				rule.EnableContinuousBackup = pulumi.Bool(true)
			}
			if r.CopyToBackupRegion {
				rule.CopyActions = backup.PlanRuleCopyActionArray{backup.PlanRuleCopyActionArgs{
					DestinationVaultArn: backupVault.Arn,
					Lifecycle:           &backup.PlanRuleCopyActionLifecycleArgs{DeleteAfter: pulumi.Int(r.DeleteAfterDays)},
				}}
			}
			rules = append(rules, rule)
		}
		return rules
	}
	bplan, err := backup.NewPlan(ctx, name, &backup.PlanArgs{
		Name:  pulumi.String(physical.Plan),
		Rules: planRules(concept.Rules(spec)),
		Tags:  tags,
	}, append(inPrimary, pulumi.DependsOn([]pulumi.Resource{primaryVault, backupVault}))...)
	if err != nil {
		return nil, err
	}
	var dbPlan *backup.Plan
	if len(dbRules) > 0 {
		// BAK-1: the database's own plan: point-in-time recovery instead of hourly
		// snapshots, which are manual snapshots and would pass the quota of 100 per
		// region within days (docs/decisions/0021).
		dbPlan, err = backup.NewPlan(ctx, name+"-db", &backup.PlanArgs{
			Name:  pulumi.String(physical.DatabasePlan),
			Rules: planRules(dbRules),
			Tags:  tags,
		}, append(inPrimary, pulumi.DependsOn([]pulumi.Resource{primaryVault, backupVault}))...)
		if err != nil {
			return nil, err
		}
	}

	role, err := iam.NewRole(ctx, names.Autonamed(names.Role, name+"-backup"), &iam.RoleArgs{
		Description:      pulumi.String("AWS Backup service role of " + name),
		AssumeRolePolicy: pulumi.String(assumeRole("backup.amazonaws.com")),
		Tags:             tags,
	}, inPrimary...)
	if err != nil {
		return nil, err
	}
	policyArns := map[string]string{"backup": BackupServicePolicyArn, "restore": RestoreServicePolicyArn}
	protectBucket := concept.ProtectsObjectStore(spec)
	if protectBucket {
		policyArns["s3-backup"] = S3BackupServicePolicyArn
		policyArns["s3-restore"] = S3RestoreServicePolicyArn
	}
	for suffix, arn := range policyArns {
		if _, err := iam.NewRolePolicyAttachment(ctx, name+"-"+suffix, &iam.RolePolicyAttachmentArgs{
			Role: role.Name, PolicyArn: pulumi.String(arn),
		}, inPrimary...); err != nil {
			return nil, err
		}
	}
	// BAK-4: without a database the backups are the primary bucket's objects, so
	// AWS Backup protects the (versioned) bucket itself.
	selected := resourceArns
	if protectBucket {
		selected = pulumi.All(resourceArns.ToStringArrayOutput(), primary.bucket.Arn).ApplyT(func(v []any) []string {
			return append(append([]string{}, v[0].([]string)...), v[1].(string))
		}).(pulumi.StringArrayOutput)
	}
	if _, err := backup.NewSelection(ctx, name, &backup.SelectionArgs{
		Name:       pulumi.String(physical.Plan),
		PlanId:     bplan.ID().ToStringOutput(),
		IamRoleArn: role.Arn,
		Resources:  selected,
		SelectionTags: backup.SelectionSelectionTagArray{backup.SelectionSelectionTagArgs{
			Type: pulumi.String("STRINGEQUALS"), Key: pulumi.String(SelectionTagKey), Value: pulumi.String(name),
		}},
	}, inPrimary...); err != nil {
		return nil, err
	}
	if dbPlan != nil {
		if _, err := backup.NewSelection(ctx, name+"-db", &backup.SelectionArgs{
			Name:       pulumi.String(physical.DatabasePlan),
			PlanId:     dbPlan.ID().ToStringOutput(),
			IamRoleArn: role.Arn,
			Resources:  databaseArns,
			SelectionTags: backup.SelectionSelectionTagArray{backup.SelectionSelectionTagArgs{
				Type: pulumi.String("STRINGEQUALS"), Key: pulumi.String(SelectionTagKey), Value: pulumi.String(name + "-db"),
			}},
		}, inPrimary...); err != nil {
			return nil, err
		}
	}

	// BAK-4: restores are tested on schedule from the primary vault's latest copies.
	rtp, err := backup.NewRestoreTestingPlan(ctx, name, &backup.RestoreTestingPlanArgs{
		Name:               pulumi.String(physical.RestoreTestingPlan),
		ScheduleExpression: pulumi.String(spec.RestoreTestCron),
		StartWindowHours:   pulumi.Int(24),
		RecoveryPointSelection: &backup.RestoreTestingPlanRecoveryPointSelectionArgs{
			Algorithm:           pulumi.String("LATEST_WITHIN_WINDOW"),
			IncludeVaults:       pulumi.StringArray{primaryVault.Arn},
			RecoveryPointTypes:  pulumi.StringArray{pulumi.String("SNAPSHOT")},
			SelectionWindowDays: pulumi.Int(7),
		},
		Tags: tags,
	}, inPrimary...)
	if err != nil {
		return nil, err
	}
	for _, target := range concept.RestoreTargets(spec) {
		// Every protected resource of the type, or, for the object store, exactly
		// the primary bucket of backup files.
		var protected pulumi.StringArrayInput = pulumi.StringArray{pulumi.String("*")}
		if target == concept.RestoreObjectStore {
			protected = pulumi.StringArray{primary.bucket.Arn}
		}
		if _, err := backup.NewRestoreTestingSelection(ctx, name+"-"+target, &backup.RestoreTestingSelectionArgs{
			Name:                     pulumi.String(physical.RestoreTestingSelections[target]),
			RestoreTestingPlanName:   rtp.Name,
			ProtectedResourceType:    pulumi.String(restoreTypes[target]),
			ProtectedResourceArns:    protected,
			IamRoleArn:               role.Arn,
			ValidationWindowHours:    pulumi.Int(4),
			RestoreMetadataOverrides: restoreOverrides(target, args.Restore),
		}, inPrimary...); err != nil {
			return nil, err
		}
	}

	c.PrimaryBucket = primary.bucket.Bucket
	c.ReplicaBucket = replica.bucket.Bucket
	c.PrimaryBucketArn = primary.bucket.Arn
	c.ReplicaBucketArn = replica.bucket.Arn
	c.PrimaryVaultArn = primaryVault.Arn
	c.BackupVaultArn = backupVault.Arn
	c.PlanID = bplan.ID().ToStringOutput()
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"primaryBucket": c.PrimaryBucket, "replicaBucket": c.ReplicaBucket,
		"primaryBucketArn": c.PrimaryBucketArn, "replicaBucketArn": c.ReplicaBucketArn,
		"primaryVaultArn": c.PrimaryVaultArn, "backupVaultArn": c.BackupVaultArn,
		"planId": c.PlanID, "primaryRegion": pulumi.String(c.PrimaryRegion), "backupRegion": pulumi.String(c.BackupRegion),
	}); err != nil {
		return nil, err
	}
	return c, nil
}

// restoreOverrides is where a restore test of target restores (BAK-4): a
// database into its own subnet group behind its own security group, never the
// default VPC; a file store encrypted with the data key, never the AWS managed
// key AWS Backup would infer (ENC-2). Keys as in the AWS Backup Developer Guide,
// "Restore testing inferred metadata" (not case sensitive).
func restoreOverrides(target string, r *RestoreTarget) pulumi.StringMapInput {
	if r == nil {
		return nil
	}
	switch target {
	case concept.RestoreDatabase:
		return pulumi.StringMap{
			"dbsubnetgroupname": r.DatabaseSubnetGroupName,
			"vpcsecuritygroupids": r.DatabaseSecurityGroupID.ToStringOutput().ApplyT(func(id string) string {
				return mustJSON([]string{id})
			}).(pulumi.StringOutput),
		}
	case concept.RestoreFilestore:
		return pulumi.StringMap{"encrypted": pulumi.String("true"), "kmskeyid": r.DataKeyArn}
	}
	return nil
}

// replicaStorageClass is the storage class of the replica's objects: Standard-IA
// (cheaper, billed for at least 30 days) only when every object is kept at least
// 30 days; otherwise Standard, so short-lived copies are not billed for days
// they do not exist.
func replicaStorageClass(life concept.Expiry) string {
	if life.MinRetentionDays >= 30 {
		return "STANDARD_IA"
	}
	return "STANDARD"
}

func assumeRole(service string) string {
	return mustJSON(map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Effect": "Allow", "Principal": map[string]any{"Service": service}, "Action": "sts:AssumeRole",
		}},
	})
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only plain maps and slices of strings are marshalled
	}
	return string(b)
}

// bucket is one S3 bucket of backup files and the versioning its replication needs.
type bucket struct {
	bucket     *s3.BucketV2
	versioning *s3.BucketVersioningV2
}

// newBucket builds an S3 bucket of backup files: object lock in compliance mode for
// the retention, versioned, SSE-KMS with the region's key, private, TLS only, and
// expiring within the lifecycle (ENC-1, ENC-2, ENC-5, BAK-3, BAK-5, BAK-6). The
// default retention is the shortest keep period: RetentionDays, or 7 days under GFS,
// where the writer locks weekly and monthly copies per object (see the package doc).
func newBucket(ctx *pulumi.Context, name, physical string, keyArn pulumi.StringInput, life concept.Expiry, tags pulumi.StringMap,
	opts, keep []pulumi.ResourceOption) (*bucket, error) {
	b, err := s3.NewBucketV2(ctx, name, &s3.BucketV2Args{
		Bucket:            pulumi.String(physical),
		ObjectLockEnabled: pulumi.Bool(true), // BAK-3
		Tags:              tags,
	}, append(append([]pulumi.ResourceOption{}, opts...), keep...)...)
	if err != nil {
		return nil, err
	}
	v, err := s3.NewBucketVersioningV2(ctx, name, &s3.BucketVersioningV2Args{
		Bucket:                  b.ID().ToStringOutput(),
		VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")}, // BAK-3
	}, opts...)
	if err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketObjectLockConfigurationV2(ctx, name, &s3.BucketObjectLockConfigurationV2Args{
		Bucket: b.ID().ToStringOutput(),
		// BAK-3: nobody, root included, deletes a copy before its retention ends.
		Rule: &s3.BucketObjectLockConfigurationV2RuleArgs{DefaultRetention: &s3.BucketObjectLockConfigurationV2RuleDefaultRetentionArgs{
			Mode: pulumi.String("COMPLIANCE"), Days: pulumi.Int(life.MinRetentionDays),
		}},
	}, append(opts, pulumi.DependsOn([]pulumi.Resource{v}))...); err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, name, &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: b.ID().ToStringOutput(),
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			// ENC-2, ENC-5: the region's own backup key, never the S3 default key.
			ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
				SseAlgorithm: pulumi.String("aws:kms"), KmsMasterKeyId: keyArn,
			},
			BucketKeyEnabled: pulumi.Bool(true),
		}},
	}, opts...); err != nil {
		return nil, err
	}
	pab, err := s3.NewBucketPublicAccessBlock(ctx, name, &s3.BucketPublicAccessBlockArgs{
		Bucket:          b.ID().ToStringOutput(),
		BlockPublicAcls: pulumi.Bool(true), BlockPublicPolicy: pulumi.Bool(true),
		IgnorePublicAcls: pulumi.Bool(true), RestrictPublicBuckets: pulumi.Bool(true), // BAK-3
	}, opts...)
	if err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketPolicy(ctx, name, &s3.BucketPolicyArgs{
		Bucket: b.ID().ToStringOutput(),
		Policy: b.Arn.ApplyT(bucketPolicy).(pulumi.StringOutput),
	}, append(opts, pulumi.DependsOn([]pulumi.Resource{pab}))...); err != nil {
		return nil, err
	}
	var rules s3.BucketLifecycleConfigurationV2RuleArray
	for _, r := range life.Store {
		rules = append(rules, s3.BucketLifecycleConfigurationV2RuleArgs{
			Id:     pulumi.String(r.Name),
			Status: pulumi.String("Enabled"),
			Filter: &s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String(r.Prefix)},
			// BAK-2, BAK-5: the current version expires after the keep period and the
			// noncurrent one a day later, never past 365 days or off-boarding.
			Expiration:                     &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{Days: pulumi.Int(r.ExpireAfterDays)},
			NoncurrentVersionExpiration:    &s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{NoncurrentDays: pulumi.Int(r.NoncurrentExpireAfterDays)},
			AbortIncompleteMultipartUpload: &s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{DaysAfterInitiation: pulumi.Int(1)},
		})
	}
	rules = append(rules, s3.BucketLifecycleConfigurationV2RuleArgs{
		Id:         pulumi.String("remove-expired-delete-markers"),
		Status:     pulumi.String("Enabled"),
		Filter:     &s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String("")},
		Expiration: &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{ExpiredObjectDeleteMarker: pulumi.Bool(true)},
	})
	if _, err := s3.NewBucketLifecycleConfigurationV2(ctx, name, &s3.BucketLifecycleConfigurationV2Args{
		Bucket: b.ID().ToStringOutput(),
		Rules:  rules,
	}, append(opts, pulumi.DependsOn([]pulumi.Resource{v}))...); err != nil {
		return nil, err
	}
	return &bucket{bucket: b, versioning: v}, nil
}

// bucketPolicy refuses plain HTTP (ENC-1) and uploads not encrypted with SSE-KMS
// (ENC-2, BAK-3).
func bucketPolicy(arn string) (string, error) {
	b, err := json.Marshal(map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{
			map[string]any{
				"Sid": "DenyPlainHTTP", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
				"Resource":  []string{arn, arn + "/*"},
				"Condition": map[string]any{"Bool": map[string]string{"aws:SecureTransport": "false"}},
			},
			map[string]any{
				"Sid": "DenyUploadsWithoutKMS", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
				"Resource":  arn + "/*",
				"Condition": map[string]any{"StringNotEquals": map[string]string{"s3:x-amz-server-side-encryption": "aws:kms"}},
			},
		},
	})
	return string(b), err
}

// replicate replicates every object of the primary bucket to the replica bucket,
// re-encrypted with the backup region's key (RES-3, ENC-5), through a role limited
// to the two buckets and the two keys.
func replicate(ctx *pulumi.Context, name string, spec concept.Spec, args Args, primary, replica *bucket, tags pulumi.StringMap, opts []pulumi.ResourceOption) error {
	role, err := iam.NewRole(ctx, names.Autonamed(names.Role, name+"-replication"), &iam.RoleArgs{
		Description:      pulumi.String("S3 replication of " + name + " to " + spec.BackupRegion),
		AssumeRolePolicy: pulumi.String(assumeRole("s3.amazonaws.com")),
		Tags:             tags,
	}, opts...)
	if err != nil {
		return err
	}
	policy := pulumi.All(primary.bucket.Arn, replica.bucket.Arn, args.PrimaryKeyArn, args.BackupKeyArn).ApplyT(func(v []any) (string, error) {
		src, dst, srcKey, dstKey := v[0].(string), v[1].(string), v[2].(string), v[3].(string)
		b, err := json.Marshal(map[string]any{
			"Version": "2012-10-17",
			"Statement": []any{
				map[string]any{"Effect": "Allow", "Action": []string{"s3:GetReplicationConfiguration", "s3:ListBucket"}, "Resource": src},
				map[string]any{"Effect": "Allow", "Action": []string{
					"s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging",
					"s3:GetObjectRetention", "s3:GetObjectLegalHold",
				}, "Resource": src + "/*"},
				map[string]any{"Effect": "Allow", "Action": []string{
					"s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags",
				}, "Resource": dst + "/*"},
				map[string]any{"Effect": "Allow", "Action": []string{"kms:Decrypt"}, "Resource": srcKey,
					"Condition": map[string]any{"StringEquals": map[string]string{"kms:ViaService": "s3." + spec.PrimaryRegion + ".amazonaws.com"}}},
				map[string]any{"Effect": "Allow", "Action": []string{"kms:Encrypt", "kms:GenerateDataKey"}, "Resource": dstKey,
					"Condition": map[string]any{"StringEquals": map[string]string{"kms:ViaService": "s3." + spec.BackupRegion + ".amazonaws.com"}}},
			},
		})
		return string(b), err
	}).(pulumi.StringOutput)
	rp, err := iam.NewRolePolicy(ctx, name+"-replication", &iam.RolePolicyArgs{Role: role.Name, Policy: policy}, opts...)
	if err != nil {
		return err
	}
	_, err = s3.NewBucketReplicationConfig(ctx, name, &s3.BucketReplicationConfigArgs{
		Bucket: primary.bucket.ID().ToStringOutput(),
		Role:   role.Arn,
		Rules: s3.BucketReplicationConfigRuleArray{s3.BucketReplicationConfigRuleArgs{
			Id:                      pulumi.String(ReplicationRuleID(spec)),
			Status:                  pulumi.String("Enabled"),
			Priority:                pulumi.Int(1),
			Filter:                  &s3.BucketReplicationConfigRuleFilterArgs{Prefix: pulumi.String("")},
			DeleteMarkerReplication: &s3.BucketReplicationConfigRuleDeleteMarkerReplicationArgs{Status: pulumi.String("Enabled")},
			SourceSelectionCriteria: &s3.BucketReplicationConfigRuleSourceSelectionCriteriaArgs{
				SseKmsEncryptedObjects: &s3.BucketReplicationConfigRuleSourceSelectionCriteriaSseKmsEncryptedObjectsArgs{Status: pulumi.String("Enabled")},
			},
			Destination: &s3.BucketReplicationConfigRuleDestinationArgs{
				Bucket:       replica.bucket.Arn,
				StorageClass: pulumi.String(replicaStorageClass(concept.Lifecycle(spec))),
				// OPS-1: replication metrics (failures, latency) for the alarms of
				// components/ops; S3 publishes them only when enabled per rule.
				Metrics: &s3.BucketReplicationConfigRuleDestinationMetricsArgs{
					Status:         pulumi.String("Enabled"),
					EventThreshold: &s3.BucketReplicationConfigRuleDestinationMetricsEventThresholdArgs{Minutes: pulumi.Int(15)},
				},
				// ENC-5: the replica is encrypted with the backup region's key.
				EncryptionConfiguration: &s3.BucketReplicationConfigRuleDestinationEncryptionConfigurationArgs{ReplicaKmsKeyId: args.BackupKeyArn},
			},
		}},
	}, append(opts, pulumi.DependsOn([]pulumi.Resource{primary.versioning, replica.versioning, rp}))...)
	return err
}

// ReplicationRuleID is the ID of the replication rule of spec's backup bucket.
func ReplicationRuleID(spec concept.Spec) string { return "copy-to-" + spec.BackupRegion }

// newVault builds an AWS Backup vault encrypted with the region's key and locked
// for the lifecycle (ENC-2, ENC-5, BAK-3, BAK-5, BAK-6).
func newVault(ctx *pulumi.Context, name, physical string, keyArn pulumi.StringInput, life concept.Expiry, tags pulumi.StringMap,
	opts, keep []pulumi.ResourceOption) (*backup.Vault, error) {
	v, err := backup.NewVault(ctx, name, &backup.VaultArgs{
		Name:      pulumi.String(physical),
		KmsKeyArn: keyArn,
		Tags:      tags,
	}, append(append([]pulumi.ResourceOption{}, opts...), keep...)...)
	if err != nil {
		return nil, err
	}
	_, err = backup.NewVaultLockConfiguration(ctx, name, &backup.VaultLockConfigurationArgs{
		BackupVaultName:   v.Name,
		MinRetentionDays:  pulumi.Int(life.MinRetentionDays),
		MaxRetentionDays:  pulumi.Int(life.MaxRetentionDays),
		ChangeableForDays: pulumi.Int(3),
	}, opts...)
	return v, err
}
