package policies

// dataTypes are the resource types that store or process customer data (RES-2),
// with the inputs naming the key that encrypts them (ENC-2, ENC-4) and whether an
// explicit "encrypted" flag must be true.
var dataTypes = map[string]dataType{
	"aws:s3/bucketV2:BucketV2":                          {kind: "bucket"},
	"aws:s3/bucket:Bucket":                              {kind: "bucket", keyPath: "serverSideEncryptionConfiguration.rule.applyServerSideEncryptionByDefault.kmsMasterKeyId"},
	"aws:rds/instance:Instance":                         {kind: "database", keyPath: "kmsKeyId", flag: "storageEncrypted"},
	"aws:rds/cluster:Cluster":                           {kind: "database", keyPath: "kmsKeyId", flag: "storageEncrypted"},
	"aws:rds/snapshot:Snapshot":                         {kind: "snapshot"},
	"aws:rds/clusterSnapshot:ClusterSnapshot":           {kind: "snapshot"},
	"aws:rds/snapshotCopy:SnapshotCopy":                 {kind: "snapshot", keyPath: "kmsKeyId"},
	"aws:efs/fileSystem:FileSystem":                     {kind: "file store", keyPath: "kmsKeyId", flag: "encrypted"},
	"aws:ebs/volume:Volume":                             {kind: "volume", keyPath: "kmsKeyId", flag: "encrypted"},
	"aws:ebs/snapshot:Snapshot":                         {kind: "snapshot"},
	"aws:backup/vault:Vault":                            {kind: "backup vault", keyPath: "kmsKeyArn"},
	"aws:kms/key:Key":                                   {kind: "key"},
	"aws:kms/replicaKey:ReplicaKey":                     {kind: "key replica"},
	"aws:cloudwatch/logGroup:LogGroup":                  {kind: "log group", keyPath: "kmsKeyId"},
	"aws:dynamodb/table:Table":                          {kind: "table", keyPath: "serverSideEncryption.kmsKeyArn", flag: "serverSideEncryption.enabled"},
	"aws:sqs/queue:Queue":                               {kind: "queue", keyPath: "kmsMasterKeyId"},
	"aws:cloudtrail/trail:Trail":                        {kind: "audit trail", keyPath: "kmsKeyId"},
	"aws:elasticache/replicationGroup:ReplicationGroup": {kind: "cache", keyPath: "kmsKeyId", flag: "atRestEncryptionEnabled"},
	"gcp:storage/bucket:Bucket":                         {kind: "bucket", keyPath: "encryption.defaultKmsKeyName"},
	"gcp:sql/databaseInstance:DatabaseInstance":         {kind: "database", keyPath: "encryptionKeyName"},
	"gcp:kms/cryptoKey:CryptoKey":                       {kind: "key"},
	"gcp:kms/keyRing:KeyRing":                           {kind: "key ring"},
	"gcp:compute/disk:Disk":                             {kind: "volume", keyPath: "diskEncryptionKey.kmsKeySelfLink"},
	"gcp:compute/snapshot:Snapshot":                     {kind: "snapshot", keyPath: "snapshotEncryptionKey.kmsKeySelfLink"},
	"gcp:filestore/instance:Instance":                   {kind: "file store", keyPath: "kmsKeyName"},
	"gcp:logging/projectSink:ProjectSink":               {kind: "log sink"},
	"gcp:pubsub/topic:Topic":                            {kind: "queue", keyPath: "kmsKeyName"},
	"gcp:bigquery/dataset:Dataset":                      {kind: "dataset", keyPath: "defaultEncryptionConfiguration.kmsKeyName"},
}

type dataType struct {
	kind    string
	keyPath string // input naming the encryption key; "" when encryption is a separate resource or not applicable
	flag    string // boolean input that must be true
}

// isData reports whether r stores or processes customer data.
func isData(r *Resource) bool { _, ok := dataTypes[r.Type]; return ok }

func (e *env) dataResources() []*Resource {
	var out []*Resource
	for i := range e.resources {
		if isData(&e.resources[i]) {
			out = append(out, &e.resources[i])
		}
	}
	return out
}
