package sim

// ForceNew lists, per resource type that holds data, the top-level input
// properties whose change makes the real provider replace the resource (delete the
// data and create an empty one). The simulators answer Diff with these keys as
// replaces; every other change is an in-place update. Types absent here are
// updated in place on any change: they hold no data, so a wrong guess costs a
// spurious update, never a lost database.
//
// Where the list comes from (docs/decisions/0055-simulated-providers.md): the
// pinned bridged SDKs (pulumi-aws v6.83.0, pulumi-gcp v7.38.0, pulumi-cloudflare
// v5.49.1) carry no ForceNew marks in their Go sources; the bridge takes them from
// the upstream Terraform providers' schemas, where the attribute is `ForceNew: true`
// (hashicorp/terraform-provider-aws internal/service/rds/instance.go,
// efs/file_system.go, kms/key.go, backup/vault.go, s3/bucket.go,
// logs/group.go; the Pulumi property is the camelCase of the Terraform attribute).
var ForceNew = map[string][]string{
	// aws_db_instance
	"aws:rds/instance:Instance": {
		"availabilityZone", "characterSetName", "customIamInstanceProfile", "dbName",
		"engine", "identifier", "identifierPrefix", "kmsKeyId", "name",
		"ncharCharacterSetName", "restoreToPointInTime", "snapshotIdentifier",
		"storageEncrypted", "timezone", "username",
	},
	// aws_rds_cluster
	"aws:rds/cluster:Cluster": {
		"availabilityZones", "clusterIdentifier", "clusterIdentifierPrefix", "databaseName",
		"engine", "engineMode", "kmsKeyId", "masterUsername", "snapshotIdentifier",
		"storageEncrypted", "restoreToPointInTime",
	},
	// aws_s3_bucket (BucketV2 is the same Terraform resource)
	"aws:s3/bucketV2:BucketV2": {"bucket", "bucketPrefix", "objectLockEnabled"},
	"aws:s3/bucket:Bucket":     {"bucket", "bucketPrefix", "objectLockEnabled"},
	// aws_efs_file_system
	"aws:efs/fileSystem:FileSystem": {
		"availabilityZoneName", "creationToken", "encrypted", "kmsKeyId", "performanceMode",
	},
	// aws_kms_key
	"aws:kms/key:Key": {"customKeyStoreId", "customerMasterKeySpec", "keyUsage", "multiRegion", "xksKeyId"},
	// aws_backup_vault
	"aws:backup/vault:Vault": {"kmsKeyArn", "name"},
	// aws_cloudwatch_log_group
	"aws:cloudwatch/logGroup:LogGroup": {"name", "namePrefix", "logGroupClass"},
	// google_sql_database_instance, google_storage_bucket, google_kms_crypto_key,
	// google_filestore_instance (terraform-provider-google schemas)
	"gcp:sql/databaseInstance:DatabaseInstance": {"name", "region", "project", "encryptionKeyName", "masterInstanceName"},
	"gcp:storage/bucket:Bucket":                 {"name", "location", "project"},
	"gcp:kms/cryptoKey:CryptoKey":               {"name", "keyRing", "purpose", "importOnly", "skipInitialVersionCreation"},
	"gcp:filestore/instance:Instance":           {"name", "location", "tier", "project", "kmsKeyName"},
	// cloudflare_r2_bucket (terraform-provider-cloudflare schema)
	"cloudflare:index/r2Bucket:R2Bucket": {"accountId", "name", "location"},
}

// forceNew reports whether a change of key replaces a resource of type typ.
func forceNew(typ, key string) bool {
	for _, k := range ForceNew[typ] {
		if k == key {
			return true
		}
	}
	return false
}
