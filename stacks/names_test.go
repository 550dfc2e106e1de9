package stacks

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestCheckNamesReportsTheCustomerField: a slug longer than the configuration
// allows (as a future region or component could make a name too long) is refused by
// Build under the customer field, with the name, the limit and its source, before
// anything is registered, instead of failing inside a component.
func TestCheckNamesReportsTheCustomerField(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	bp, err := Prepare("../examples/liberty-us/Pulumi.liberty-us.yaml", now)
	require.NoError(t, err)
	require.Empty(t, checkNames(bp))

	cfg := *bp.Config
	cfg.Customer = "abbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbz" // 40 characters
	long := blueprint(&cfg, now)
	var got []string
	for _, p := range checkNames(long) {
		got = append(got, p.String())
	}
	require.Equal(t, []string{
		`customer "abbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbz" makes the S3 bucket name "abbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbz-backup-410987654321-us-east-1", which is 70 characters long; the limit for S3 bucket names is 63 (Amazon S3 User Guide, General purpose bucket naming rules); allowed: a customer slug of at most 33 characters in region us-east-1`,
		`customer "abbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbz" makes the S3 bucket name "abbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbz-backup-410987654321-us-west-2", which is 70 characters long; the limit for S3 bucket names is 63 (Amazon S3 User Guide, General purpose bucket naming rules); allowed: a customer slug of at most 33 characters in region us-east-1`,
		`customer "abbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbz" makes the backup vault name "abbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbz-backup-us-east-1", which is 57 characters long; the limit for backup vault names is 50 (AWS Backup API Reference, CreateBackupVault, backupVaultName pattern ^[a-zA-Z0-9\-\_]{2,50}$); allowed: a customer slug of at most 33 characters in region us-east-1`,
		`customer "abbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbz" makes the backup vault name "abbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbz-backup-us-west-2", which is 57 characters long; the limit for backup vault names is 50 (AWS Backup API Reference, CreateBackupVault, backupVaultName pattern ^[a-zA-Z0-9\-\_]{2,50}$); allowed: a customer slug of at most 33 characters in region us-east-1`,
		`customer "abbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbz" makes the restore testing plan name "abbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbz_restore_test", which is 53 characters long; the limit for restore testing plan names is 50 (AWS Backup API Reference, CreateRestoreTestingPlan, RestoreTestingPlanName: alphanumeric characters and underscores, maximum length 50); allowed: a customer slug of at most 37 characters in region us-east-1`,
		`customer "abbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbz" makes the S3 bucket name "abbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbz-us-east-1-audit-410987654321", which is 69 characters long; the limit for S3 bucket names is 63 (Amazon S3 User Guide, General purpose bucket naming rules); allowed: a customer slug of at most 34 characters in region us-east-1`,
	}, got)
	_, err = Build(&cfg, now)
	require.Error(t, err, "Build refuses the slug (the slug rule first, the names after)")
}
