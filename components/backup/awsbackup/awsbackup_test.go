package awsbackup_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/components/backup"
	"github.com/octura/odoo-hosting/components/backup/awsbackup"
	"github.com/octura/odoo-hosting/components/backup/backuptest"
	"github.com/octura/odoo-hosting/internal/jurisdiction"
	"github.com/octura/odoo-hosting/internal/plan"
	"github.com/octura/odoo-hosting/internal/tier"
)

func spec(tr tier.Tier) backup.Spec {
	return backup.Spec{Customer: "acme", Cloud: jurisdiction.AWS, AccountID: "111111111111", Tier: tr, PrimaryRegion: "eu-west-1", Production: true}
}

// run plans awsbackup.New for s with providers of its regions and keys of those
// regions; the constructor's error is returned, the plan is kept either way.
func run(t *testing.T, s backup.Spec) (*plan.Plan, *awsbackup.Backup, error) {
	t.Helper()
	var c *awsbackup.Backup
	var newErr error
	p, err := plan.Run("odoo-hosting", "acme-eu", func(ctx *pulumi.Context) error {
		d := s.WithDefaults()
		pp, err := aws.NewProvider(ctx, "primary", &aws.ProviderArgs{Region: pulumi.String(d.PrimaryRegion)})
		if err != nil {
			return err
		}
		bp, err := aws.NewProvider(ctx, "backup", &aws.ProviderArgs{Region: pulumi.String(d.BackupRegion)})
		if err != nil {
			return err
		}
		keyOf := func(region string) string { return "arn:aws:kms:" + region + ":111111111111:key/backup" }
		c, newErr = awsbackup.New(ctx, "acme-backup", awsbackup.Args{
			Spec: s, PrimaryProvider: pp, BackupProvider: bp,
			PrimaryKeyArn: pulumi.String(keyOf(d.PrimaryRegion)), BackupKeyArn: pulumi.String(keyOf(d.BackupRegion)),
			ResourceArns: pulumi.StringArray{pulumi.String("arn:aws:elasticfilesystem:eu-west-1:111111111111:file-system/fs-acme")},
			DatabaseArns: pulumi.StringArray{pulumi.String("arn:aws:rds:eu-west-1:111111111111:db:acme")},
			Restore: &awsbackup.RestoreTarget{
				DatabaseSubnetGroupName: pulumi.String("acme-db"), DatabaseSecurityGroupID: pulumi.String("sg-db"),
				DataKeyArn: pulumi.String("arn:aws:kms:eu-west-1:111111111111:key/data"),
			},
		})
		return nil
	})
	require.NoError(t, err)
	return p, c, newErr
}

func regionOf(t *testing.T, p *plan.Plan, r plan.State) string {
	prov, ok := p.ProviderOf(r)
	require.True(t, ok, "%s has an explicit provider", r.URN)
	return prov.Inputs["region"].(string)
}

func arnRegion(arn any) string {
	parts := strings.Split(arn.(string), ":")
	if len(parts) < 4 {
		return ""
	}
	return parts[3]
}

func m(v any) map[string]any { return v.(map[string]any) }
func l(v any) []any          { return v.([]any) }
func num(v any) int          { return int(v.(float64)) }

// observe describes a plan in the conformance suite's terms.
func observe(t *testing.T, p *plan.Plan, c *awsbackup.Backup) backuptest.Observed {
	o := backuptest.Observed{Resources: len(p.Managed())}
	if c != nil {
		o.PrimaryRegion, o.BackupRegion = c.PrimaryRegion, c.BackupRegion
	}
	for _, b := range p.ByType("aws:s3/bucketV2:BucketV2") {
		st := backuptest.Store{Name: b.Name(), Region: regionOf(t, p, b), Retained: b.RetainOnDelete, Protected: b.Protect}
		if v, ok := p.Get("aws:s3/bucketVersioningV2:BucketVersioningV2", b.Name()); ok {
			st.Versioned = m(v.Inputs["versioningConfiguration"])["status"] == "Enabled"
		}
		if lk, ok := p.Get("aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2", b.Name()); ok && b.Inputs["objectLockEnabled"] == true {
			dr := m(m(lk.Inputs["rule"])["defaultRetention"])
			if dr["mode"] == "COMPLIANCE" {
				st.ImmutableDays = num(dr["days"])
			}
		}
		if e, ok := p.Get("aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", b.Name()); ok {
			def := m(m(l(e.Inputs["rules"])[0])["applyServerSideEncryptionByDefault"])
			if def["sseAlgorithm"] == "aws:kms" {
				st.KeyRegion = arnRegion(def["kmsMasterKeyId"])
			}
		}
		if pab, ok := p.Get("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", b.Name()); ok {
			st.PublicAccessBlocked = pab.Inputs["blockPublicAcls"] == true && pab.Inputs["blockPublicPolicy"] == true &&
				pab.Inputs["ignorePublicAcls"] == true && pab.Inputs["restrictPublicBuckets"] == true
		}
		if bp, ok := p.Get("aws:s3/bucketPolicy:BucketPolicy", b.Name()); ok {
			st.RefusesPlainHTTP = strings.Contains(bp.Inputs["policy"].(string), `{"Bool":{"aws:SecureTransport":"false"}}`)
		}
		if lc, ok := p.Get("aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", b.Name()); ok {
			for _, r := range l(lc.Inputs["rules"]) {
				exp := m(m(r)["expiration"])
				if d, ok := exp["days"]; ok && d != nil {
					nc := num(m(m(r)["noncurrentVersionExpiration"])["noncurrentDays"])
					st.MaxKeepDays = max(st.MaxKeepDays, num(d)+nc)
				}
			}
		}
		o.Stores = append(o.Stores, st)
	}
	for _, v := range p.ByType("aws:backup/vault:Vault") {
		st := backuptest.Store{Name: v.Name(), Region: regionOf(t, p, v), Retained: v.RetainOnDelete, Protected: v.Protect,
			KeyRegion: arnRegion(v.Inputs["kmsKeyArn"]), Versioned: true, PublicAccessBlocked: true, RefusesPlainHTTP: true}
		if lk, ok := p.Get("aws:backup/vaultLockConfiguration:VaultLockConfiguration", v.Name()); ok {
			st.ImmutableDays = num(lk.Inputs["minRetentionDays"])
			st.MaxKeepDays = num(lk.Inputs["maxRetentionDays"])
		}
		o.Stores = append(o.Stores, st)
	}
	for _, bp := range p.ByType("aws:backup/plan:Plan") {
		for _, r := range l(bp.Inputs["rules"]) {
			rule := m(r)
			sc := backuptest.Schedule{Name: rule["ruleName"].(string), Cron: rule["schedule"].(string),
				DeleteAfterDays: num(m(rule["lifecycle"])["deleteAfter"])}
			if cas, ok := rule["copyActions"].([]any); ok && len(cas) > 0 {
				ca := m(cas[0])
				sc.CopyRegion = arnRegion(ca["destinationVaultArn"])
				sc.CopyDeleteAfterDays = num(m(ca["lifecycle"])["deleteAfter"])
			}
			o.Schedules = append(o.Schedules, sc)
		}
	}
	for _, rt := range p.ByType("aws:backup/restoreTestingPlan:RestoreTestingPlan") {
		o.RestoreTests = append(o.RestoreTests, rt.Inputs["scheduleExpression"].(string))
	}
	return o
}

func TestConformance(t *testing.T) {
	backuptest.Run(t, backuptest.Harness{
		Cloud: jurisdiction.AWS, AccountID: "111111111111", Primary: "eu-west-1", Partner: "eu-central-1", Foreign: "us-east-1",
		DatabaseBackups: true,
		Plan: func(t *testing.T, s backup.Spec) (backuptest.Observed, error) {
			p, c, err := run(t, s)
			return observe(t, p, c), err
		},
	})
}

func TestInventoryCloudProduction(t *testing.T) {
	p, c, err := run(t, spec(tier.Cloud))
	require.NoError(t, err)
	counts := map[string]int{}
	for _, r := range p.Managed() {
		counts[r.Type]++
		if r.Type != awsbackup.Type {
			require.Equal(t, "urn:pulumi:acme-eu::odoo-hosting::odoo-hosting:backup:Backup::acme-backup", r.Parent, r.URN)
			require.NotEmpty(t, r.Provider, "explicit provider on %s", r.URN)
		}
	}
	require.Equal(t, map[string]int{
		awsbackup.Type:                                 1,
		"aws:s3/bucketV2:BucketV2":                     2,
		"aws:s3/bucketVersioningV2:BucketVersioningV2": 2,
		"aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2":                     2,
		"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": 2,
		"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":                                     2,
		"aws:s3/bucketPolicy:BucketPolicy":                                                           2,
		"aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2":                       2,
		"aws:s3/bucketReplicationConfig:BucketReplicationConfig":                                     1,
		"aws:iam/role:Role":                                          2,
		"aws:iam/rolePolicy:RolePolicy":                              1,
		"aws:iam/rolePolicyAttachment:RolePolicyAttachment":          2,
		"aws:backup/vault:Vault":                                     2,
		"aws:backup/vaultLockConfiguration:VaultLockConfiguration":   2,
		"aws:backup/plan:Plan":                                       2,
		"aws:backup/selection:Selection":                             2,
		"aws:backup/restoreTestingPlan:RestoreTestingPlan":           1,
		"aws:backup/restoreTestingSelection:RestoreTestingSelection": 2,
	}, counts)
	require.Len(t, p.Managed(), 32)
	require.Equal(t, "eu-west-1", c.PrimaryRegion)
	require.Equal(t, "eu-central-1", c.BackupRegion)
}

func TestRES3_ReplicaAndCopiesInBackupRegion(t *testing.T) {
	p, _, err := run(t, spec(tier.Cloud))
	require.NoError(t, err)
	replica, ok := p.Get("aws:s3/bucketV2:BucketV2", "acme-backup-replica")
	require.True(t, ok)
	require.Equal(t, "eu-central-1", regionOf(t, p, replica))
	require.Equal(t, "acme-backup-111111111111-eu-central-1", replica.Inputs["bucket"])
	primary, _ := p.Get("aws:s3/bucketV2:BucketV2", "acme-backup-primary")
	require.Equal(t, "eu-west-1", regionOf(t, p, primary))
	vault, _ := p.Get("aws:backup/vault:Vault", "acme-backup-backup")
	require.Equal(t, "eu-central-1", regionOf(t, p, vault))
	bp, _ := p.Get("aws:backup/plan:Plan", "acme-backup")
	require.Equal(t, "eu-west-1", regionOf(t, p, bp))
	for _, r := range l(bp.Inputs["rules"]) {
		ca := m(l(m(r)["copyActions"])[0])
		require.Regexp(t, `^arn:aws:backup:eu-central-1:111111111111:vault/acme-backup-backup-[0-9a-f]{8}$`, ca["destinationVaultArn"])
	}
	rep, _ := p.Get("aws:s3/bucketReplicationConfig:BucketReplicationConfig", "acme-backup")
	rule := m(l(rep.Inputs["rules"])[0])
	require.Equal(t, "Enabled", rule["status"])
	require.Equal(t, "Enabled", m(rule["deleteMarkerReplication"])["status"])
	require.Regexp(t, `^arn:aws:s3:eu-central-1:.*acme-backup-replica-`, m(rule["destination"])["bucket"])
	require.Equal(t, "STANDARD_IA", m(rule["destination"])["storageClass"])
}

func TestENC5_ReplicaEncryptedWithBackupRegionKey(t *testing.T) {
	p, _, err := run(t, spec(tier.Cloud))
	require.NoError(t, err)
	bk := "arn:aws:kms:eu-central-1:111111111111:key/backup"
	pk := "arn:aws:kms:eu-west-1:111111111111:key/backup"
	rep, _ := p.Get("aws:s3/bucketReplicationConfig:BucketReplicationConfig", "acme-backup")
	rule := m(l(rep.Inputs["rules"])[0])
	require.Equal(t, bk, m(m(rule["destination"])["encryptionConfiguration"])["replicaKmsKeyId"])
	require.Equal(t, "Enabled", m(m(rule["sourceSelectionCriteria"])["sseKmsEncryptedObjects"])["status"])
	for name, key := range map[string]string{"acme-backup-replica": bk, "acme-backup-primary": pk} {
		e, _ := p.Get("aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", name)
		r := m(l(e.Inputs["rules"])[0])
		require.Equal(t, map[string]any{"sseAlgorithm": "aws:kms", "kmsMasterKeyId": key}, r["applyServerSideEncryptionByDefault"], name)
		require.Equal(t, true, r["bucketKeyEnabled"])
	}
	v, _ := p.Get("aws:backup/vault:Vault", "acme-backup-backup")
	require.Equal(t, bk, v.Inputs["kmsKeyArn"])
	v, _ = p.Get("aws:backup/vault:Vault", "acme-backup-primary")
	require.Equal(t, pk, v.Inputs["kmsKeyArn"])
}

func TestIAM_ReplicationRoleLimitedToBucketsAndKeys(t *testing.T) {
	p, _, err := run(t, spec(tier.Cloud))
	require.NoError(t, err)
	rp, _ := p.Get("aws:iam/rolePolicy:RolePolicy", "acme-backup-replication")
	var doc struct{ Statement []map[string]any }
	require.NoError(t, json.Unmarshal([]byte(rp.Inputs["policy"].(string)), &doc))
	var resources []string
	for _, s := range doc.Statement {
		require.Equal(t, "Allow", s["Effect"])
		resources = append(resources, s["Resource"].(string))
	}
	require.Len(t, resources, 5)
	for _, r := range resources {
		require.NotContains(t, r, "*/", r)
		require.NotEqual(t, "*", r)
		require.Regexp(t, `^arn:aws:(s3:eu-(west|central)-1:111111111111:bucketv2/acme-backup-(primary|replica)-[0-9a-f]{8}(/\*)?|kms:eu-(west|central)-1:111111111111:key/backup)$`, r)
	}
}

func TestENC1_BAK3_BucketPolicyRefusesPlainHTTPAndUnencryptedUploads(t *testing.T) {
	p, _, err := run(t, spec(tier.OdooSH))
	require.NoError(t, err)
	for _, bp := range p.ByType("aws:s3/bucketPolicy:BucketPolicy") {
		var doc struct{ Statement []map[string]any }
		require.NoError(t, json.Unmarshal([]byte(bp.Inputs["policy"].(string)), &doc))
		require.Len(t, doc.Statement, 2)
		require.Equal(t, "Deny", doc.Statement[0]["Effect"])
		require.Equal(t, map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}}, doc.Statement[0]["Condition"])
		require.Equal(t, "s3:PutObject", doc.Statement[1]["Action"])
		require.Equal(t, map[string]any{"StringNotEquals": map[string]any{"s3:x-amz-server-side-encryption": "aws:kms"}}, doc.Statement[1]["Condition"])
	}
}

func TestBAK3_ObjectLockComplianceAndVaultLock(t *testing.T) {
	p, _, err := run(t, spec(tier.Cloud))
	require.NoError(t, err)
	for _, b := range p.ByType("aws:s3/bucketV2:BucketV2") {
		require.Equal(t, true, b.Inputs["objectLockEnabled"])
		lk, _ := p.Get("aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2", b.Name())
		require.Equal(t, map[string]any{"mode": "COMPLIANCE", "days": 35.0}, m(m(lk.Inputs["rule"])["defaultRetention"]))
	}
	for _, lk := range p.ByType("aws:backup/vaultLockConfiguration:VaultLockConfiguration") {
		require.Equal(t, 35.0, lk.Inputs["minRetentionDays"])
		require.Equal(t, 36.0, lk.Inputs["maxRetentionDays"])
		require.Equal(t, 3.0, lk.Inputs["changeableForDays"])
	}
}

// BAK-2, BAK-3 under GFS: the buckets' default Object Lock retention is the
// shortest class (7 days; the writer locks weekly and monthly copies per object),
// each prefix expires after its class, and the vault locks span 7 to 93 days.
func TestBAK3_GFSLockIsShortestClass(t *testing.T) {
	s := spec(tier.Cloud)
	s.GFS = true
	p, _, err := run(t, s)
	require.NoError(t, err)
	for _, b := range p.ByType("aws:s3/bucketV2:BucketV2") {
		lk, _ := p.Get("aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2", b.Name())
		require.Equal(t, map[string]any{"mode": "COMPLIANCE", "days": 7.0}, m(m(lk.Inputs["rule"])["defaultRetention"]), b.Name())
		lc, _ := p.Get("aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", b.Name())
		exp := map[string]float64{}
		for _, r := range l(lc.Inputs["rules"]) {
			if d, ok := m(m(r)["expiration"])["days"]; ok && d != nil {
				exp[m(m(r)["filter"])["prefix"].(string)] = d.(float64)
			}
		}
		require.Equal(t, map[string]float64{"hourly/": 7, "daily/": 7, "weekly/": 28, "monthly/": 93}, exp, b.Name())
	}
	for _, lk := range p.ByType("aws:backup/vaultLockConfiguration:VaultLockConfiguration") {
		require.Equal(t, 7.0, lk.Inputs["minRetentionDays"])
		require.Equal(t, 94.0, lk.Inputs["maxRetentionDays"])
	}
	keep := map[string]float64{}
	bp, _ := p.Get("aws:backup/plan:Plan", "acme-backup")
	for _, r := range l(bp.Inputs["rules"]) {
		keep[m(r)["ruleName"].(string)] = m(m(r)["lifecycle"])["deleteAfter"].(float64)
	}
	require.Equal(t, map[string]float64{"hourly": 7, "daily": 7, "weekly": 28, "monthly": 93}, keep)
}

func TestBAK5_LifecycleNeverPast365(t *testing.T) {
	s := spec(tier.OdooSH) // no database, whose snapshots limit the retention
	s.RetentionDays = 365
	p, _, err := run(t, s)
	require.NoError(t, err)
	lc, _ := p.Get("aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", "acme-backup-primary")
	r := m(l(lc.Inputs["rules"])[0])
	require.Equal(t, 364.0, m(r["expiration"])["days"])
	require.Equal(t, 1.0, m(r["noncurrentVersionExpiration"])["noncurrentDays"])
	for _, lk := range p.ByType("aws:backup/vaultLockConfiguration:VaultLockConfiguration") {
		require.Equal(t, 365.0, lk.Inputs["maxRetentionDays"])
	}
}

func TestBAK4_RestoreTestingPlanAndSelections(t *testing.T) {
	p, _, err := run(t, spec(tier.Enterprise))
	require.NoError(t, err)
	rtp, ok := p.Get("aws:backup/restoreTestingPlan:RestoreTestingPlan", "acme-backup")
	require.True(t, ok)
	require.Equal(t, "acme_restore_test", rtp.Inputs["name"])
	require.Equal(t, "cron(0 5 1 1,4,7,10 ? *)", rtp.Inputs["scheduleExpression"])
	var types []string
	for _, sel := range p.ByType("aws:backup/restoreTestingSelection:RestoreTestingSelection") {
		require.Equal(t, "acme_restore_test", sel.Inputs["restoreTestingPlanName"])
		types = append(types, sel.Inputs["protectedResourceType"].(string))
	}
	require.ElementsMatch(t, []string{"RDS", "EFS"}, types)
	p, _, err = run(t, spec(tier.OdooSH))
	require.NoError(t, err)
	require.Len(t, p.ByType("aws:backup/restoreTestingPlan:RestoreTestingPlan"), 1)
	// Changed with BAK-4 for tiers without a database: odoo-sh restore-tests its
	// primary bucket instead of selecting nothing.
	sels := p.ByType("aws:backup/restoreTestingSelection:RestoreTestingSelection")
	require.Len(t, sels, 1)
	require.Equal(t, "S3", sels[0].Inputs["protectedResourceType"])
}

// primaryBucketArn is the (mock) ARN of the primary bucket of backup files.
func primaryBucketArn(t *testing.T, p *plan.Plan) string {
	t.Helper()
	b, ok := p.Get("aws:s3/bucketV2:BucketV2", "acme-backup-primary")
	require.True(t, ok)
	sel, ok := p.Get("aws:backup/restoreTestingSelection:RestoreTestingSelection", "acme-backup-objectstore")
	require.True(t, ok, "odoo-sh and on-premise restore-test the primary bucket")
	arns := l(sel.Inputs["protectedResourceArns"])
	require.Len(t, arns, 1)
	arn := arns[0].(string)
	require.Regexp(t, `^arn:aws:s3:eu-west-1:111111111111:bucketv2/acme-backup-primary-[0-9a-f]{8}$`, arn, b.URN)
	return arn
}

// BAK-4: on odoo-sh the stack has no RDS or EFS; the backups are the objects of the
// primary bucket, so AWS Backup protects that bucket and the restore testing plan
// selects it (protectedResourceType S3), with the S3 managed policies on the role.
func TestBAK4_OdooSHProtectsAndRestoreTestsPrimaryBucket(t *testing.T) {
	p, _, err := run(t, spec(tier.OdooSH))
	require.NoError(t, err)
	arn := primaryBucketArn(t, p)

	bp, ok := p.Get("aws:backup/plan:Plan", "acme-backup")
	require.True(t, ok, "the AWS Backup plan exists on odoo-sh")
	require.NotEmpty(t, l(bp.Inputs["rules"]))

	sel, ok := p.Get("aws:backup/selection:Selection", "acme-backup")
	require.True(t, ok)
	require.Equal(t, []any{"arn:aws:elasticfilesystem:eu-west-1:111111111111:file-system/fs-acme", arn}, sel.Inputs["resources"])
	require.Equal(t, []any{map[string]any{"type": "STRINGEQUALS", "key": "odoo-hosting:backup", "value": "acme-backup"}}, sel.Inputs["selectionTags"])

	rts, _ := p.Get("aws:backup/restoreTestingSelection:RestoreTestingSelection", "acme-backup-objectstore")
	require.Equal(t, "S3", rts.Inputs["protectedResourceType"])
	require.Equal(t, "acme_objectstore", rts.Inputs["name"])
	require.Equal(t, "acme_restore_test", rts.Inputs["restoreTestingPlanName"])
	role, _ := p.Get("aws:iam/role:Role", "acme-backup-backup")
	require.Regexp(t, `^arn:aws:iam:eu-west-1:111111111111:role/acme-backup-backup-[0-9a-f]{8}$`, rts.Inputs["iamRoleArn"], role.URN)

	var policies []any
	for _, a := range p.ByType("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
		policies = append(policies, a.Inputs["policyArn"])
	}
	require.ElementsMatch(t, []any{awsbackup.BackupServicePolicyArn, awsbackup.RestoreServicePolicyArn,
		awsbackup.S3BackupServicePolicyArn, awsbackup.S3RestoreServicePolicyArn}, policies)

	// The protected bucket is versioned, which AWS Backup for S3 requires.
	v, ok := p.Get("aws:s3/bucketVersioningV2:BucketVersioningV2", "acme-backup-primary")
	require.True(t, ok)
	require.Equal(t, "Enabled", m(v.Inputs["versioningConfiguration"])["status"])
}

// BAK-4: on-premise restore-tests the primary bucket the same way.
func TestBAK4_OnPremiseRestoreTestsPrimaryBucket(t *testing.T) {
	s := spec(tier.OnPremise)
	s.RPOHours, s.RTOHours = 24, 8
	p, _, err := run(t, s)
	require.NoError(t, err)
	arn := primaryBucketArn(t, p)
	require.Len(t, p.ByType("aws:backup/plan:Plan"), 1)
	require.Len(t, p.ByType("aws:backup/restoreTestingSelection:RestoreTestingSelection"), 1)
	sel, _ := p.Get("aws:backup/selection:Selection", "acme-backup")
	require.Contains(t, sel.Inputs["resources"], arn)
}

// BAK-4: cloud and enterprise restore-test the database and file store only; the
// bucket of backup files is not added to their AWS Backup selection.
func TestBAK4_CloudDoesNotProtectBackupBucket(t *testing.T) {
	for _, tr := range []tier.Tier{tier.Cloud, tier.Enterprise} {
		p, _, err := run(t, spec(tr))
		require.NoError(t, err)
		_, ok := p.Get("aws:backup/restoreTestingSelection:RestoreTestingSelection", "acme-backup-objectstore")
		require.False(t, ok, tr)
		sel, _ := p.Get("aws:backup/selection:Selection", "acme-backup")
		require.Equal(t, []any{"arn:aws:elasticfilesystem:eu-west-1:111111111111:file-system/fs-acme"}, sel.Inputs["resources"], tr)
	}
}

func TestBackupSelectionProtectsResourceArnsAndTagged(t *testing.T) {
	p, _, err := run(t, spec(tier.Cloud))
	require.NoError(t, err)
	sel, _ := p.Get("aws:backup/selection:Selection", "acme-backup")
	require.Equal(t, []any{"arn:aws:elasticfilesystem:eu-west-1:111111111111:file-system/fs-acme"}, sel.Inputs["resources"])
	require.Equal(t, []any{map[string]any{"type": "STRINGEQUALS", "key": "odoo-hosting:backup", "value": "acme-backup"}}, sel.Inputs["selectionTags"])
	db, _ := p.Get("aws:backup/selection:Selection", "acme-backup-db")
	require.Equal(t, []any{map[string]any{"type": "STRINGEQUALS", "key": "odoo-hosting:backup", "value": "acme-backup-db"}}, db.Inputs["selectionTags"])
	var policies []any
	for _, a := range p.ByType("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
		policies = append(policies, a.Inputs["policyArn"])
	}
	require.ElementsMatch(t, []any{awsbackup.BackupServicePolicyArn, awsbackup.RestoreServicePolicyArn}, policies)
}

func TestRES3_ForeignBackupRegionRefusedWithAllowedList(t *testing.T) {
	s := spec(tier.Cloud)
	s.BackupRegion = "us-east-1"
	p, c, err := run(t, s)
	require.Nil(t, c)
	require.EqualError(t, err, `backup acme-backup: backupRegion "us-east-1" (N. Virginia, US) is outside jurisdiction eu; allowed: eu-central-1, eu-north-1, eu-south-1, eu-south-2, eu-west-3`)
	require.Empty(t, p.Managed())
}

// TestBAK1_DatabasePlanIsPointInTimeRecovery: the database has its own plan with
// continuous backup (point-in-time recovery, 35 days here) and a daily copy to the
// backup region; the hourly rule protects only the file store (snapshot quota).
func TestBAK1_DatabasePlanIsPointInTimeRecovery(t *testing.T) {
	p, _, err := run(t, spec(tier.Cloud))
	require.NoError(t, err)
	db, ok := p.Get("aws:backup/plan:Plan", "acme-backup-db")
	require.True(t, ok)
	rules := l(db.Inputs["rules"])
	require.Len(t, rules, 1)
	r := m(rules[0])
	require.Equal(t, "continuous", r["ruleName"])
	require.Equal(t, true, r["enableContinuousBackup"])
	require.Equal(t, "cron(0 3 * * ? *)", r["schedule"])
	require.Equal(t, 35.0, m(r["lifecycle"])["deleteAfter"])
	require.Equal(t, 35.0, m(m(l(r["copyActions"])[0])["lifecycle"])["deleteAfter"])
	sel, _ := p.Get("aws:backup/selection:Selection", "acme-backup-db")
	require.Equal(t, []any{"arn:aws:rds:eu-west-1:111111111111:db:acme"}, sel.Inputs["resources"])
	fs, _ := p.Get("aws:backup/selection:Selection", "acme-backup")
	require.Equal(t, []any{"arn:aws:elasticfilesystem:eu-west-1:111111111111:file-system/fs-acme"}, fs.Inputs["resources"])
	for _, r := range l(must(p.Get("aws:backup/plan:Plan", "acme-backup")).Inputs["rules"]) {
		require.NotEqual(t, true, m(r)["enableContinuousBackup"])
	}
	_, ok = p.Get("aws:backup/plan:Plan", "acme-backup-db")
	require.True(t, ok)

	p, _, err = run(t, spec(tier.OdooSH))
	require.NoError(t, err)
	_, ok = p.Get("aws:backup/plan:Plan", "acme-backup-db")
	require.False(t, ok, "no database on odoo-sh")
}

// TestBAK4_RestoreTestsRestoreIntoTheStack: restore tests restore the database
// into its own subnet group and security group and the file store with the data
// key, never into the default VPC or with the AWS managed key.
func TestBAK4_RestoreTestsRestoreIntoTheStack(t *testing.T) {
	p, _, err := run(t, spec(tier.Cloud))
	require.NoError(t, err)
	db, _ := p.Get("aws:backup/restoreTestingSelection:RestoreTestingSelection", "acme-backup-database")
	require.Equal(t, map[string]any{"dbsubnetgroupname": "acme-db", "vpcsecuritygroupids": `["sg-db"]`}, db.Inputs["restoreMetadataOverrides"])
	fs, _ := p.Get("aws:backup/restoreTestingSelection:RestoreTestingSelection", "acme-backup-filestore")
	require.Equal(t, map[string]any{"encrypted": "true", "kmskeyid": "arn:aws:kms:eu-west-1:111111111111:key/data"}, fs.Inputs["restoreMetadataOverrides"])
}

// TestReplicaStorageClassFitsRetention: Standard-IA bills at least 30 days, so
// copies kept less (GFS daily, 7 days) are replicated to Standard.
func TestReplicaStorageClassFitsRetention(t *testing.T) {
	for _, c := range []struct {
		gfs   bool
		days  int
		class string
	}{{false, 35, "STANDARD_IA"}, {false, 30, "STANDARD_IA"}, {false, 14, "STANDARD"}, {true, 35, "STANDARD"}} {
		s := spec(tier.Cloud)
		s.GFS, s.RetentionDays = c.gfs, c.days
		p, _, err := run(t, s)
		require.NoError(t, err)
		rep, _ := p.Get("aws:s3/bucketReplicationConfig:BucketReplicationConfig", "acme-backup")
		require.Equal(t, c.class, m(m(l(rep.Inputs["rules"])[0])["destination"])["storageClass"], "%+v", c)
	}
}

func must(s plan.State, ok bool) plan.State {
	if !ok {
		panic("missing resource")
	}
	return s
}
