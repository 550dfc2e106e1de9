package policies

import (
	"regexp"
	"strings"
)

// The data catalogue: every resource type of the pinned aws, gcp and cloudflare
// providers is classified here (TestCatalogueClassifiesEveryPinnedType reads the
// providers' type lists from their module sources). A type either bears customer
// data, with the inputs that say where that data lives and where it is copied or
// delivered, or holds none, with a one-line reason. Whole modules are classified at
// once, with per-type exceptions. A type of those providers found nowhere here (a
// newer SDK) is judged data-bearing: it must resolve to a place in the
// jurisdiction, or the plan is blocked (RES-2 fails closed).

// dataTypes are the data-bearing types the rules know in detail: stores (RES-2,
// ENC-2, ENC-4, BAK-6) with the inputs naming their key, and the places and copy
// paths of every type whose data lives or travels beyond its provider's region.
var dataTypes = map[string]dataType{
	"aws:s3/bucketV2:BucketV2": {kind: "bucket", store: true},
	"aws:s3/bucket:Bucket": {kind: "bucket", store: true, keyPath: "serverSideEncryptionConfiguration.rule.applyServerSideEncryptionByDefault.kmsMasterKeyId",
		copies: []copyPath{{path: "replicationConfiguration.rules.destination.bucket", what: "inline replication destination"}, {path: "loggings.targetBucket", what: "access log bucket"}}},
	"aws:rds/instance:Instance":                       {kind: "database", store: true, keyPath: "kmsKeyId", flag: "storageEncrypted", zones: []string{"availabilityZone"}},
	"aws:rds/cluster:Cluster":                         {kind: "database", store: true, keyPath: "kmsKeyId", flag: "storageEncrypted", zones: []string{"availabilityZones"}},
	"aws:rds/snapshot:Snapshot":                       {kind: "snapshot", store: true},
	"aws:rds/clusterSnapshot:ClusterSnapshot":         {kind: "snapshot", store: true},
	"aws:rds/snapshotCopy:SnapshotCopy":               {kind: "snapshot", store: true, keyPath: "kmsKeyId", copies: []copyPath{{path: "destinationRegion", what: "snapshot copy region", region: true}}},
	"aws:rds/clusterSnapshotCopy:ClusterSnapshotCopy": {kind: "snapshot", keyPath: "kmsKeyId", copies: []copyPath{{path: "destinationRegion", what: "snapshot copy region", region: true}}},
	"aws:efs/fileSystem:FileSystem":                   {kind: "file store", store: true, keyPath: "kmsKeyId", flag: "encrypted", zones: []string{"availabilityZoneName"}},
	"aws:efs/replicationConfiguration:ReplicationConfiguration": {kind: "file-system replication",
		copies: []copyPath{{path: "destination.region", what: "file-system replica region", region: true}, {path: "destination.availabilityZoneName", what: "file-system replica zone", region: true}}},
	"aws:ebs/volume:Volume":                                      {kind: "volume", store: true, keyPath: "kmsKeyId", flag: "encrypted", zones: []string{"availabilityZone"}},
	"aws:ebs/snapshot:Snapshot":                                  {kind: "snapshot", store: true},
	"aws:ebs/snapshotCopy:SnapshotCopy":                          {kind: "snapshot", keyPath: "kmsKeyId"},
	"aws:ec2/instance:Instance":                                  {kind: "server with inline volumes", zones: []string{"availabilityZone"}},
	"aws:ec2/spotInstanceRequest:SpotInstanceRequest":            {kind: "server with inline volumes", zones: []string{"availabilityZone"}},
	"aws:ec2/spotDatafeedSubscription:SpotDatafeedSubscription":  {kind: "log delivery", copies: []copyPath{{path: "bucket", what: "spot data feed bucket"}}},
	"aws:ec2/flowLog:FlowLog":                                    {kind: "log delivery", copies: []copyPath{{path: "logDestination", what: "flow log destination"}}},
	"aws:backup/vault:Vault":                                     {kind: "backup vault", store: true, keyPath: "kmsKeyArn"},
	"aws:kms/key:Key":                                            {kind: "key", store: true},
	"aws:kms/replicaKey:ReplicaKey":                              {kind: "key replica", store: true},
	"aws:cloudwatch/logGroup:LogGroup":                           {kind: "log group", store: true, keyPath: "kmsKeyId"},
	"aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter": {kind: "log subscription", copies: []copyPath{{path: "destinationArn", what: "log subscription destination"}}},
	"aws:cloudwatch/logDestination:LogDestination":               {kind: "log destination", copies: []copyPath{{path: "targetArn", what: "log destination target"}}},
	"aws:dynamodb/table:Table": {kind: "table", store: true, keyPath: "serverSideEncryption.kmsKeyArn", flag: "serverSideEncryption.enabled",
		copies: []copyPath{{path: "replicas.regionName", what: "table replica region", region: true}}},
	"aws:dynamodb/globalTable:GlobalTable": {kind: "table", copies: []copyPath{{path: "replicas.regionName", what: "global table replica region", region: true}}},
	"aws:sqs/queue:Queue":                  {kind: "queue", store: true, keyPath: "kmsMasterKeyId"},
	"aws:cloudtrail/trail:Trail":           {kind: "audit trail", store: true, keyPath: "kmsKeyId"},
	"aws:elasticache/replicationGroup:ReplicationGroup": {kind: "cache", store: true, keyPath: "kmsKeyId", flag: "atRestEncryptionEnabled",
		zones: []string{"preferredCacheClusterAzs"}},
	"aws:elasticache/cluster:Cluster": {kind: "cache", zones: []string{"availabilityZone", "preferredAvailabilityZones"}},
	"aws:dlm/lifecyclePolicy:LifecyclePolicy": {kind: "snapshot lifecycle", copies: []copyPath{
		{path: "policyDetails.schedules.crossRegionCopyRules.target", what: "cross-region copy rule target", region: true},
		{path: "policyDetails.schedules.crossRegionCopyRules.targetRegion", what: "cross-region copy rule target", region: true},
		{path: "policyDetails.actions.crossRegionCopies.target", what: "cross-region copy action target", region: true}}},
	"aws:ecs/taskDefinition:TaskDefinition": {kind: "container task", copies: []copyPath{
		{path: "containerDefinitions.logConfiguration.options.awslogs-region", what: "container log driver region", region: true},
		{path: "containerDefinitions.logConfiguration.options.region", what: "container log driver region", region: true}}},
	"aws:lb/loadBalancer:LoadBalancer": {kind: "load balancer (decrypts TLS)", copies: []copyPath{
		{path: "accessLogs.bucket", what: "access log bucket"}, {path: "connectionLogs.bucket", what: "connection log bucket"}}},
	"aws:alb/loadBalancer:LoadBalancer": {kind: "load balancer (decrypts TLS)", copies: []copyPath{
		{path: "accessLogs.bucket", what: "access log bucket"}, {path: "connectionLogs.bucket", what: "connection log bucket"}}},
	"aws:elb/loadBalancer:LoadBalancer":                         {kind: "load balancer (decrypts TLS)", copies: []copyPath{{path: "accessLogs.bucket", what: "access log bucket"}}},
	"aws:s3/bucketLoggingV2:BucketLoggingV2":                    {kind: "log delivery", copies: []copyPath{{path: "targetBucket", what: "access log bucket"}}},
	"aws:ecr/replicationConfiguration:ReplicationConfiguration": {kind: "image replication", copies: []copyPath{{path: "replicationConfiguration.rules.destinations.region", what: "image replica region", region: true}}},
	"aws:secretsmanager/secret:Secret":                          {kind: "secret", copies: []copyPath{{path: "replicas.region", what: "secret replica region", region: true}}},
	"aws:redshift/snapshotCopy:SnapshotCopy":                    {kind: "snapshot copy", copies: []copyPath{{path: "destinationRegion", what: "snapshot copy region", region: true}}},
	"aws:redshift/cluster:Cluster": {kind: "warehouse", zones: []string{"availabilityZone"}, copies: []copyPath{{path: "snapshotCopy.destinationRegion", what: "snapshot copy region", region: true},
		{path: "logging.bucketName", what: "audit log bucket"}}},
	"aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": {kind: "delivery stream", copies: []copyPath{
		{path: "extendedS3Configuration.bucketArn", what: "delivery bucket"}, {path: "s3Configuration.bucketArn", what: "delivery bucket"},
		{path: "redshiftConfiguration.s3Configuration.bucketArn", what: "delivery bucket"}, {path: "opensearchConfiguration.domainArn", what: "delivery domain"},
		{path: "elasticsearchConfiguration.domainArn", what: "delivery domain"}, {path: "httpEndpointConfiguration.url", what: "delivery endpoint"}}},
	"aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": {kind: "log delivery", copies: []copyPath{{path: "logDestinationConfigs", what: "WAF log destination"}}},
	"aws:route53/queryLog:QueryLog":                                   {kind: "log delivery", copies: []copyPath{{path: "cloudwatchLogGroupArn", what: "query log group"}}},
	"aws:route53/resolverQueryLogConfig:ResolverQueryLogConfig":       {kind: "log delivery", copies: []copyPath{{path: "destinationArn", what: "resolver query log destination"}}},
	"aws:vpclattice/accessLogSubscription:AccessLogSubscription":      {kind: "log delivery", copies: []copyPath{{path: "destinationArn", what: "access log destination"}}},
	"aws:networkfirewall/loggingConfiguration:LoggingConfiguration": {kind: "log delivery", copies: []copyPath{
		{path: "loggingConfiguration.logDestinationConfigs.logDestination.bucketName", what: "firewall log bucket"},
		{path: "loggingConfiguration.logDestinationConfigs.logDestination.logGroup", what: "firewall log group"},
		{path: "loggingConfiguration.logDestinationConfigs.logDestination.deliveryStream", what: "firewall log stream"}}},
	"aws:datasync/task:Task":                                      {kind: "transfer task", copies: []copyPath{{path: "destinationLocationArn", what: "transfer destination"}}},
	"aws:cloudformation/stackSetInstance:StackSetInstance":        {kind: "stack set instance", copies: []copyPath{{path: "region", what: "stack instance region", region: true}}},
	"aws:cloudformation/stackInstances:StackInstances":            {kind: "stack set instances", copies: []copyPath{{path: "regions", what: "stack instance region", region: true}}},
	"aws:ssmincidents/replicationSet:ReplicationSet":              {kind: "incident records", copies: []copyPath{{path: "regions.name", what: "incident replica region", region: true}}},
	"aws:s3control/multiRegionAccessPoint:MultiRegionAccessPoint": {kind: "multi-region access point", copies: []copyPath{{path: "details.regions.bucket", what: "access point bucket"}}},
	"aws:fsx/openZfsFileSystem:OpenZfsFileSystem":                 {kind: "file store", zones: []string{"preferredSubnetId"}},
	"aws:opensearch/domain:Domain":                                {kind: "search domain"},
	"aws:elasticsearch/domain:Domain":                             {kind: "search domain"},
	"aws:opensearch/outboundConnection:OutboundConnection":        {kind: "cross-cluster connection", copies: []copyPath{{path: "remoteDomainInfo.region", what: "remote domain region", region: true}}},
	"aws:kinesis/stream:Stream":                                   {kind: "stream"},

	"gcp:storage/bucket:Bucket":                             {kind: "bucket", store: true, keyPath: "encryption.defaultKmsKeyName", copies: []copyPath{{path: "customPlacementConfig.dataLocations", what: "data location", region: true}}},
	"gcp:storage/bucketObject:BucketObject":                 {kind: "object", within: "bucket"},
	"gcp:sql/databaseInstance:DatabaseInstance":             {kind: "database", store: true, keyPath: "encryptionKeyName", zones: []string{"settings.locationPreference.zone", "settings.locationPreference.secondaryZone"}, defaultOutside: []string{"settings.backupConfiguration.location"}},
	"gcp:sql/database:Database":                             {kind: "database", within: "instance"},
	"gcp:kms/cryptoKey:CryptoKey":                           {kind: "key", store: true},
	"gcp:kms/keyRing:KeyRing":                               {kind: "key ring", store: true},
	"gcp:compute/disk:Disk":                                 {kind: "volume", store: true, keyPath: "diskEncryptionKey.kmsKeySelfLink"},
	"gcp:compute/regionDisk:RegionDisk":                     {kind: "volume", keyPath: "diskEncryptionKey.kmsKeyName", copies: []copyPath{{path: "replicaZones", what: "replica zone", region: true}}},
	"gcp:compute/snapshot:Snapshot":                         {kind: "snapshot", store: true, keyPath: "snapshotEncryptionKey.kmsKeySelfLink", defaultOutside: []string{"storageLocations"}, copies: []copyPath{{path: "storageLocations", what: "snapshot storage location", region: true}}},
	"gcp:compute/image:Image":                               {kind: "image", defaultOutside: []string{"storageLocations"}, copies: []copyPath{{path: "storageLocations", what: "image storage location", region: true}}},
	"gcp:compute/machineImage:MachineImage":                 {kind: "machine image", defaultOutside: []string{"storageLocations"}},
	"gcp:compute/diskAsyncReplication:DiskAsyncReplication": {kind: "disk replication", copies: []copyPath{{path: "secondaryDisk.disk", what: "secondary disk"}}},
	"gcp:filestore/instance:Instance":                       {kind: "file store", store: true, keyPath: "kmsKeyName"},
	"gcp:logging/projectSink:ProjectSink":                   {kind: "log sink", store: true, copies: []copyPath{{path: "destination", what: "sink destination", sink: true}}},
	"gcp:logging/folderSink:FolderSink":                     {kind: "log sink", copies: []copyPath{{path: "destination", what: "sink destination", sink: true}}},
	"gcp:logging/organizationSink:OrganizationSink":         {kind: "log sink", copies: []copyPath{{path: "destination", what: "sink destination", sink: true}}},
	"gcp:logging/billingAccountSink:BillingAccountSink":     {kind: "log sink", copies: []copyPath{{path: "destination", what: "sink destination", sink: true}}},
	"gcp:logging/projectBucketConfig:ProjectBucketConfig":   {kind: "log bucket"},
	"gcp:pubsub/topic:Topic":                                {kind: "queue", store: true, keyPath: "kmsKeyName", defaultOutside: []string{"messageStoragePolicy.allowedPersistenceRegions"}, copies: []copyPath{{path: "messageStoragePolicy.allowedPersistenceRegions", what: "persistence region", region: true}}},
	"gcp:pubsub/subscription:Subscription":                  {kind: "subscription", within: "topic"},
	"gcp:bigquery/dataset:Dataset":                          {kind: "dataset", store: true, keyPath: "defaultEncryptionConfiguration.kmsKeyName", defaultOutside: []string{"location"}},
	"gcp:bigquery/table:Table":                              {kind: "table", within: "datasetId"},
	"gcp:secretmanager/secret:Secret":                       {kind: "secret", defaultOutside: []string{"replication.userManaged.replicas.location"}, copies: []copyPath{{path: "replication.userManaged.replicas.location", what: "secret replica location", region: true}}},
	"gcp:secretmanager/secretVersion:SecretVersion":         {kind: "secret version", within: "secret"},
	"gcp:storage/transferJob:TransferJob":                   {kind: "transfer job (its sink is judged by RES-3)"},
	"gcp:artifactregistry/repository:Repository":            {kind: "image repository"},

	"cloudflare:index/r2Bucket:R2Bucket":                         {kind: "edge object store", edge: true},
	"cloudflare:index/d1Database:D1Database":                     {kind: "edge database", edge: true},
	"cloudflare:index/workersKvNamespace:WorkersKvNamespace":     {kind: "edge key-value store", edge: true},
	"cloudflare:index/workersKv:WorkersKv":                       {kind: "edge key-value entry", edge: true},
	"cloudflare:index/queue:Queue":                               {kind: "edge queue", edge: true},
	"cloudflare:index/hyperdriveConfig:HyperdriveConfig":         {kind: "edge database cache", edge: true},
	"cloudflare:index/zoneCacheReserve:ZoneCacheReserve":         {kind: "edge persistent cache", edge: true},
	"cloudflare:index/workerScript:WorkerScript":                 {kind: "edge code running on customer data", edge: true},
	"cloudflare:index/workersScript:WorkersScript":               {kind: "edge code running on customer data", edge: true},
	"cloudflare:index/snippet:Snippet":                           {kind: "edge code running on customer data", edge: true},
	"cloudflare:index/logpullRetention:LogpullRetention":         {kind: "edge request logs kept by Cloudflare", edge: true},
	"cloudflare:index/logpushJob:LogpushJob":                     {kind: "edge log delivery", noPlace: true, copies: []copyPath{{path: "destinationConf", what: "log push destination", url: true}}},
	"cloudflare:index/emailRoutingRule:EmailRoutingRule":         {kind: "edge mail routing", edge: true},
	"cloudflare:index/emailRoutingCatchAll:EmailRoutingCatchAll": {kind: "edge mail routing", edge: true},
	"cloudflare:index/contentScanning:ContentScanning":           {kind: "edge upload scanning", edge: true},
}

// dataType is what the catalogue knows of a data-bearing type.
type dataType struct {
	kind string
	// store marks the stores the encryption and backup rules judge (ENC-2,
	// ENC-4, BAK-6).
	store   bool
	keyPath string // input naming the encryption key; "" when encryption is a separate resource or not applicable
	flag    string // boolean input that must be true
	// zones are inputs naming zones the data sits in, judged by the zone's own
	// location (a Local Zone can lie in another country than its region).
	zones []string
	// copies are inputs naming where the data is copied or delivered.
	copies []copyPath
	// within names the input referring to the resource that holds this one; its
	// place is the holder's.
	within string
	// defaultOutside are location inputs whose default, when unset, can lie
	// outside any jurisdiction (a multi-region, global replication).
	defaultOutside []string
	// edge marks data kept on Cloudflare's global network, outside any
	// jurisdiction unless approved.
	edge bool
	// noPlace marks types that keep nothing themselves and only deliver.
	noPlace bool
}

// copyPath is one input naming a copy or delivery destination.
type copyPath struct {
	path string // dotted input path; lists are walked, JSON strings decoded
	what string
	// region: the value is a region, zone or location name, not a reference.
	region bool
	// url: the value is a delivery URL (s3://bucket/path?region=r, gs://bucket).
	url bool
	// sink: the value is a log sink's destination
	// (logging.googleapis.com/projects/p/locations/l/buckets/b, storage.googleapis.com/b).
	sink bool
}

// noDataModules are modules whose every type holds no customer data, with the
// reason; a type listed in dataTypes is the exception.
var noDataModules = map[string]string{
	"aws:accessanalyzer":           "analyses permissions; holds findings about configuration",
	"aws:account":                  "account contacts and enabled regions",
	"aws:acm":                      "TLS certificates",
	"aws:acmpca":                   "private certificate authorities and certificates",
	"aws:appautoscaling":           "scaling settings",
	"aws:autoscalingplans":         "scaling settings",
	"aws:autoscaling":              "scaling settings of instance groups (the instances' volumes are declared by launch templates)",
	"aws:appconfig":                "application feature flags and settings",
	"aws:appmesh":                  "service mesh routing",
	"aws:applicationinsights":      "monitoring setup",
	"aws:auditmanager":             "compliance evidence about resource configuration",
	"aws:budgets":                  "billing budgets",
	"aws:bcmdata":                  "billing exports about the account, not customer records",
	"aws:cur":                      "billing reports about the account",
	"aws:costexplorer":             "cost analysis settings",
	"aws:costoptimizationhub":      "cost recommendations",
	"aws:computeoptimizer":         "sizing recommendations",
	"aws:chatbot":                  "notification routing to chat",
	"aws:codeartifact":             "software packages",
	"aws:codebuild":                "build definitions for source code",
	"aws:codecatalyst":             "development projects",
	"aws:codecommit":               "source repositories",
	"aws:codeconnections":          "connections to source hosts",
	"aws:codedeploy":               "deployment settings",
	"aws:codeguruprofiler":         "code performance profiles",
	"aws:codegurureviewer":         "code review associations",
	"aws:codepipeline":             "delivery pipelines for source code",
	"aws:codestarconnections":      "connections to source hosts",
	"aws:codestarnotifications":    "notification rules",
	"aws:controltower":             "account governance",
	"aws:organizations":            "account governance",
	"aws:ram":                      "resource sharing between accounts",
	"aws:resourcegroups":           "resource grouping",
	"aws:resourceexplorer":         "resource search index of configuration",
	"aws:servicequotas":            "service limits",
	"aws:servicecatalog":           "product catalogue of templates",
	"aws:licensemanager":           "software licences",
	"aws:cfg":                      "resource configuration history, not customer records",
	"aws:detective":                "security findings about the account",
	"aws:guardduty":                "security findings about the account",
	"aws:inspector":                "vulnerability findings",
	"aws:inspector2":               "vulnerability findings",
	"aws:securityhub":              "security findings about the account",
	"aws:macie":                    "findings say where sensitive data lies; they hold no copy of it",
	"aws:macie2":                   "findings say where sensitive data lies; they hold no copy of it",
	"aws:fms":                      "firewall policies",
	"aws:shield":                   "DDoS protection settings",
	"aws:devopsguru":               "operational insights",
	"aws:fis":                      "fault injection experiments",
	"aws:networkmonitor":           "network probes",
	"aws:networkmanager":           "global network topology",
	"aws:directconnect":            "private connectivity",
	"aws:ec2transitgateway":        "network routing",
	"aws:ec2clientvpn":             "VPN access to the network",
	"aws:globalaccelerator":        "layer-4 anycast routing; no TLS decryption or storage",
	"aws:route53recoverycontrol":   "failover switches",
	"aws:route53recoveryreadiness": "readiness checks",
	"aws:resiliencehub":            "resilience policies",
	"aws:iam":                      "identities and permissions",
	"aws:identitystore":            "staff identities, not customer records",
	"aws:rolesanywhere":            "workload identity",
	"aws:ssoadmin":                 "staff access",
	"aws:verifiedpermissions":      "authorisation policies",
	"aws:verifiedaccess":           "access policies",
	"aws:oam":                      "cross-account monitoring links",
	"aws:route53":                  "DNS records and resolvers",
	"aws:route53domains":           "domain registrations",
	"aws:signer":                   "code signing",
	"aws:servicediscovery":         "service names",
	"aws:vpc":                      "network rules",
	"aws:vpclattice":               "service networking",
	"aws:waf":                      "request filtering rules",
	"aws:wafregional":              "request filtering rules",
	"aws:wafv2":                    "request filtering rules",
	"aws:xray":                     "trace sampling and encryption settings; traces stay in the traced service's region",
	"aws:kms":                      "key policies, grants and aliases; the keys themselves are catalogued as stores",
	"aws:ec2":                      "networking and compute settings; instances, images and their copies are catalogued",
	"aws:lb":                       "listeners, rules and target groups; the load balancer itself is catalogued",
	"aws:alb":                      "listeners, rules and target groups; the load balancer itself is catalogued",
	"aws:elb":                      "listener policies; the load balancer itself is catalogued",
	"aws:swf":                      "workflow definitions",
	"aws:schemas":                  "event schemas",
	"aws:scheduler":                "schedules",
	"aws:evidently":                "feature flags",
	"aws:notifications":            "notification settings",
	"aws:elastictranscoder":        "transcoding presets and pipelines over buckets catalogued elsewhere",
	"aws:rbin":                     "retention rules for deleted snapshots in the same region",
	"aws:synthetics":               "synthetic monitoring canaries",
	"aws:devicefarm":               "device testing",
	"aws:gamelift":                 "game server hosting",
	"aws:ivs":                      "video streaming channels",
	"aws:ivschat":                  "chat rooms settings",
	"aws:worklink":                 "retired browser service",
	"aws:amplify":                  "front-end hosting of application code",
	"aws:apigateway":               "API routing; TLS terminates in the API's region",
	"aws:apigatewayv2":             "API routing; TLS terminates in the API's region",
	"aws:appfabric":                "SaaS audit log routing",
	"aws:cloud9":                   "developer environments",
	"aws:cloudhsmv2":               "hardware key store cluster",
	"aws:paymentcryptography":      "payment keys",
	"aws:mediaconvert":             "media transcoding queues",
	"aws:medialive":                "live video channels",
	"aws:mediapackage":             "video packaging",
	"aws:mediapackagev2":           "video packaging",
	"aws:mediastore":               "media containers",
	"aws:lakeformation":            "data lake permissions",
	"aws:imagebuilder":             "machine image recipes",
	"aws:ecrpublic":                "public container images",
	"aws:ecr":                      "container images, not customer records; replication is catalogued",
	"aws:ecs":                      "clusters and services; task definitions with their log routing are catalogued",
	"aws:eks":                      "cluster control plane settings",
	"aws:elasticbeanstalk":         "application hosting settings",
	"aws:batch":                    "job queues and definitions",
	"aws:sfn":                      "state machine definitions",
	"aws:lambda":                   "function code and settings",
	"aws:serverlessrepository":     "application templates",
	"aws:cloudfront":               "caching and routing settings of a global network (RES-6 judges TLS places)",
	"aws:sesv2":                    "mail sending settings",
	"aws:ses":                      "mail sending settings",
	"aws:pinpoint":                 "messaging channels",
	"aws:chime":                    "voice connector settings",
	"aws:chimesdkmediapipelines":   "media pipeline settings",
	"aws:location":                 "maps and trackers settings",
	"aws:iot":                      "device registry",
	"aws:grafana":                  "dashboards",
	"aws:amp":                      "metrics workspaces",
	"aws:rum":                      "browser monitoring settings",
	"aws:cloudsearch":              "search domain settings",
	"aws:ssmcontacts":              "on-call contacts of staff",
	"cloudflare:index":             "edge configuration: DNS, TLS, firewall, routing and access settings; data-bearing edge types are catalogued",
	"gcp:accesscontextmanager":     "access perimeters",
	"gcp:apigateway":               "API routing",
	"gcp:apigee":                   "API management settings",
	"gcp:appengine":                "application hosting settings",
	"gcp:apphub":                   "application registry",
	"gcp:applicationintegration":   "integration settings",
	"gcp:artifactregistry":         "software packages and images",
	"gcp:beyondcorp":               "access connectors",
	"gcp:billing":                  "billing",
	"gcp:binaryauthorization":      "deployment policy",
	"gcp:certificateauthority":     "certificates",
	"gcp:certificatemanager":       "certificates",
	"gcp:cloudasset":               "resource inventory feeds",
	"gcp:cloudbuild":               "build definitions",
	"gcp:cloudbuildv2":             "source connections",
	"gcp:clouddeploy":              "delivery pipelines",
	"gcp:clouddomains":             "domain registrations",
	"gcp:cloudidentity":            "staff groups",
	"gcp:cloudids":                 "intrusion detection endpoints",
	"gcp:cloudquota":               "quotas",
	"gcp:cloudscheduler":           "schedules",
	"gcp:compute":                  "networking and compute settings; disks, images, snapshots and instances are catalogued",
	"gcp:datacatalog":              "metadata about data, not the data",
	"gcp:dns":                      "DNS records",
	"gcp:edgenetwork":              "edge networking",
	"gcp:endpoints":                "API definitions",
	"gcp:essentialcontacts":        "staff contacts",
	"gcp:eventarc":                 "event routing",
	"gcp:firebaserules":            "security rules",
	"gcp:folder":                   "organisation structure and policy",
	"gcp:gkehub":                   "fleet management",
	"gcp:iam":                      "identities and permissions",
	"gcp:iap":                      "access proxy settings",
	"gcp:identityplatform":         "sign-in settings",
	"gcp:integrationconnectors":    "connection settings",
	"gcp:kms":                      "key permissions and versions; keys and rings are catalogued as stores",
	"gcp:migrationcenter":          "migration planning",
	"gcp:monitoring":               "alerts and dashboards",
	"gcp:networkconnectivity":      "network routing",
	"gcp:networkmanagement":        "connectivity tests",
	"gcp:networksecurity":          "traffic policies",
	"gcp:networkservices":          "traffic routing",
	"gcp:organizations":            "organisation structure and policy",
	"gcp:orgpolicy":                "organisation policy",
	"gcp:osconfig":                 "patching policy",
	"gcp:oslogin":                  "staff SSH keys",
	"gcp:privilegedaccessmanager":  "staff access",
	"gcp:projects":                 "project settings and permissions",
	"gcp:recaptcha":                "bot detection keys",
	"gcp:resourcemanager":          "deletion liens",
	"gcp:runtimeconfig":            "configuration values",
	"gcp:securitycenter":           "security findings about the organisation",
	"gcp:securityposture":          "security posture",
	"gcp:serviceaccount":           "workload identities",
	"gcp:servicedirectory":         "service names",
	"gcp:servicenetworking":        "private service access",
	"gcp:serviceusage":             "quotas",
	"gcp:sourcerepo":               "source repositories",
	"gcp:tags":                     "resource tags",
	"gcp:vpcaccess":                "serverless network access",
	"gcp:workflows":                "workflow definitions",
	"gcp:deploymentmanager":        "deployment templates",
	"gcp:dataform":                 "SQL workflow code",
	"gcp:bigquerydatapolicy":       "column masking policy",
	"gcp:assuredworkloads":         "compliance regime settings",
	"gcp:containeranalysis":        "vulnerability notes",
	"gcp:storage":                  "bucket settings and permissions; buckets, objects and transfers are catalogued",
	"gcp:logging":                  "log exclusions, views and metrics; sinks and log buckets are catalogued",
	"gcp:pubsub":                   "schemas and permissions; topics and subscriptions are catalogued",
	"gcp:secretmanager":            "permissions; secrets are catalogued",
	"gcp:sql":                      "users and certificates; instances and databases are catalogued",
}

// dataModules are modules whose every type bears customer data, with what it
// keeps; noDataTypes lists the exceptions. Their data lives in the provider's
// region (AWS), or the location, region or zone input (GCP).
var dataModules = map[string]string{
	"aws:appflow": "data flows between SaaS and stores", "aws:appintegrations": "data integrations",
	"aws:appstream": "streamed desktops", "aws:apprunner": "application containers", "aws:appsync": "GraphQL APIs and caches",
	"aws:athena": "query results", "aws:backup": "backups", "aws:bedrock": "models, knowledge bases and agents",
	"aws:bedrockmodel": "model invocation logs", "aws:cleanrooms": "shared data tables", "aws:cloudcontrol": "any resource type",
	"aws:cloudformation": "any resource type", "aws:cloudtrail": "audit records", "aws:cloudwatch": "logs and events",
	"aws:cognito": "end-user identities", "aws:comprehend": "text analysis models", "aws:connect": "contact centre records",
	"aws:customerprofiles": "customer profiles", "aws:dataexchange": "data sets", "aws:datapipeline": "data pipelines",
	"aws:datasync": "file transfers", "aws:datazone": "data catalogue projects", "aws:dax": "database caches",
	"aws:directoryservice": "directories", "aws:dlm": "snapshot lifecycle", "aws:dms": "database migrations",
	"aws:docdb": "document databases", "aws:drs": "disaster recovery replication", "aws:dsql": "databases",
	"aws:dynamodb": "tables", "aws:ebs": "volumes and snapshots", "aws:efs": "file systems", "aws:elasticache": "caches",
	"aws:elasticsearch": "search domains", "aws:emr": "data processing clusters", "aws:emrcontainers": "data processing",
	"aws:emrserverless": "data processing", "aws:finspace": "financial data", "aws:fsx": "file systems",
	"aws:glacier": "archives", "aws:glue": "data catalogue and jobs", "aws:kendra": "search indexes",
	"aws:keyspaces": "tables", "aws:kinesis": "streams", "aws:kinesisanalyticsv2": "stream processing",
	"aws:lex": "conversation bots", "aws:lightsail": "servers, databases and buckets", "aws:m2": "mainframe applications",
	"aws:memorydb": "databases", "aws:mq": "message brokers", "aws:msk": "streams", "aws:mskconnect": "stream connectors",
	"aws:mwaa": "workflow environments", "aws:neptune": "graph databases", "aws:neptunegraph": "graph databases",
	"aws:networkfirewall": "inspected traffic and its logs", "aws:opensearch": "search domains", "aws:opensearchingest": "ingestion pipelines",
	"aws:opsworks": "servers", "aws:pipes": "event pipes", "aws:qbusiness": "assistant indexes", "aws:qldb": "ledgers",
	"aws:quicksight": "dashboards over data sets", "aws:rds": "databases", "aws:redshift": "warehouses",
	"aws:redshiftdata": "SQL statements", "aws:redshiftserverless": "warehouses", "aws:rekognition": "image collections",
	"aws:s3": "buckets and objects", "aws:s3control": "bucket access and storage lens", "aws:s3outposts": "on-premises buckets",
	"aws:s3tables": "tables", "aws:sagemaker": "models, notebooks and feature stores", "aws:secretsmanager": "secrets",
	"aws:securitylake": "security logs", "aws:simpledb": "tables", "aws:sns": "messages", "aws:sqs": "queues",
	"aws:ssm": "parameters and inventory", "aws:ssmincidents": "incident records", "aws:storagegateway": "file and volume gateways",
	"aws:timestreaminfluxdb": "time series", "aws:timestreamquery": "time series", "aws:timestreamwrite": "time series",
	"aws:transcribe": "transcription models", "aws:transfer": "file transfer servers", "aws:workspaces": "virtual desktops",
	"aws:workspacesweb": "browser sessions",

	"gcp:activedirectory": "directories", "gcp:alloydb": "databases", "gcp:backupdisasterrecovery": "backups",
	"gcp:biglake": "tables", "gcp:bigquery": "datasets and tables", "gcp:bigqueryanalyticshub": "shared datasets",
	"gcp:bigtable": "tables", "gcp:blockchainnodeengine": "chain nodes", "gcp:cloudfunctions": "functions",
	"gcp:cloudfunctionsv2": "functions", "gcp:cloudrun": "containers", "gcp:cloudrunv2": "containers",
	"gcp:cloudtasks": "task queues", "gcp:composer": "workflow environments", "gcp:container": "clusters",
	"gcp:databasemigrationservice": "database migrations", "gcp:dataflow": "data processing", "gcp:datafusion": "data integration",
	"gcp:dataloss": "inspection jobs", "gcp:dataplex": "data lakes", "gcp:dataproc": "data processing clusters",
	"gcp:datastore": "indexes", "gcp:datastream": "change streams", "gcp:diagflow": "conversation agents",
	"gcp:discoveryengine": "search data stores", "gcp:edgecontainer": "edge clusters", "gcp:filestore": "file stores",
	"gcp:firebase": "app databases and storage", "gcp:firestore": "documents", "gcp:gkebackup": "cluster backups",
	"gcp:gkeonprem": "on-premises clusters", "gcp:healthcare": "health records", "gcp:looker": "analytics",
	"gcp:managedkafka": "streams", "gcp:memcache": "caches", "gcp:ml": "models", "gcp:netapp": "volumes",
	"gcp:notebooks": "notebooks", "gcp:parallelstore": "file systems", "gcp:redis": "caches",
	"gcp:securesourcemanager": "repositories", "gcp:spanner": "databases", "gcp:tpu": "accelerators with disks",
	"gcp:vertex": "datasets, models and feature stores", "gcp:vmwareengine": "private clouds", "gcp:workbench": "notebooks",
	"gcp:workstations": "developer workstations",
}

// noDataTypes are the per-type exceptions inside data modules, with the reason.
var noDataTypes = map[string]string{
	"aws:s3/bucketPolicy:BucketPolicy": "an access policy", "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": "a public-access setting",
	"aws:s3/bucketVersioningV2:BucketVersioningV2": "a versioning setting", "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": "an encryption setting",
	"aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2": "an object-lock setting", "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2": "an expiry setting",
	"aws:s3/bucketOwnershipControls:BucketOwnershipControls": "an ownership setting", "aws:s3/bucketAclV2:BucketAclV2": "an access list",
	"aws:s3/bucketCorsConfigurationV2:BucketCorsConfigurationV2": "a browser access setting", "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock": "a public-access setting",
	"aws:s3/bucketAccelerateConfigurationV2:BucketAccelerateConfigurationV2": "a transfer setting", "aws:s3/bucketRequestPaymentConfigurationV2:BucketRequestPaymentConfigurationV2": "a billing setting",
	"aws:s3/bucketMetric:BucketMetric": "a metrics filter", "aws:s3/analyticsConfiguration:AnalyticsConfiguration": "a storage-class analysis of the bucket's own region",
	"aws:s3/bucketIntelligentTieringConfiguration:BucketIntelligentTieringConfiguration": "a storage-class setting",
	"aws:s3/bucketNotification:BucketNotification":                                       "object event notifications carry object names to targets in the bucket's region",
	"aws:s3/bucketWebsiteConfigurationV2:BucketWebsiteConfigurationV2":                   "a website setting",
	"aws:rds/subnetGroup:SubnetGroup":                                                    "network placement", "aws:rds/parameterGroup:ParameterGroup": "engine settings",
	"aws:rds/clusterParameterGroup:ClusterParameterGroup": "engine settings", "aws:rds/optionGroup:OptionGroup": "engine options",
	"aws:rds/certificate:Certificate": "the default CA choice", "aws:rds/eventSubscription:EventSubscription": "event notifications",
	"aws:rds/reservedInstance:ReservedInstance": "a billing reservation", "aws:rds/roleAssociation:RoleAssociation": "a permission",
	"aws:rds/clusterRoleAssociation:ClusterRoleAssociation": "a permission",
	"aws:backup/plan:Plan": "a schedule; its copy actions are judged by RES-3", "aws:backup/selection:Selection": "what a plan backs up",
	"aws:backup/vaultLockConfiguration:VaultLockConfiguration": "an immutability setting", "aws:backup/vaultPolicy:VaultPolicy": "an access policy",
	"aws:backup/vaultNotifications:VaultNotifications": "event notifications", "aws:backup/framework:Framework": "compliance checks",
	"aws:backup/reportPlan:ReportPlan": "reports about backup jobs", "aws:backup/globalSettings:GlobalSettings": "an account setting",
	"aws:backup/regionSettings:RegionSettings": "an account setting", "aws:backup/restoreTestingPlan:RestoreTestingPlan": "a restore-test schedule",
	"aws:backup/restoreTestingSelection:RestoreTestingSelection": "what a restore test restores in the same region",
	"aws:efs/accessPoint:AccessPoint":                            "an entry point of a file system", "aws:efs/mountTarget:MountTarget": "a network endpoint of a file system",
	"aws:efs/fileSystemPolicy:FileSystemPolicy": "an access policy", "aws:efs/backupPolicy:BackupPolicy": "a backup setting",
	"aws:ebs/defaultKmsKey:DefaultKmsKey": "an account setting", "aws:ebs/encryptionByDefault:EncryptionByDefault": "an account setting",
	"aws:ebs/snapshotBlockPublicAccess:SnapshotBlockPublicAccess": "an account setting", "aws:ebs/fastSnapshotRestore:FastSnapshotRestore": "a restore speed setting",
	"aws:cloudwatch/metricAlarm:MetricAlarm": "an alarm on metrics", "aws:cloudwatch/compositeAlarm:CompositeAlarm": "an alarm on alarms",
	"aws:cloudwatch/dashboard:Dashboard": "a dashboard", "aws:cloudwatch/logMetricFilter:LogMetricFilter": "a metric over a log group",
	"aws:cloudwatch/logResourcePolicy:LogResourcePolicy": "an access policy", "aws:cloudwatch/eventBusPolicy:EventBusPolicy": "an access policy",
	"aws:cloudwatch/eventPermission:EventPermission": "a permission", "aws:cloudwatch/logDestinationPolicy:LogDestinationPolicy": "an access policy",
	"aws:cloudwatch/logDeliveryDestinationPolicy:LogDeliveryDestinationPolicy": "an access policy", "aws:cloudwatch/queryDefinition:QueryDefinition": "a saved query",
	"aws:cloudwatch/logDataProtectionPolicy:LogDataProtectionPolicy": "a masking policy", "aws:cloudwatch/logAccountPolicy:LogAccountPolicy": "a masking or subscription policy",
	"aws:cloudwatch/contributorInsightRule:ContributorInsightRule": "a metric rule", "aws:cloudwatch/contributorManagedInsightRule:ContributorManagedInsightRule": "a metric rule",
	"aws:cloudwatch/logIndexPolicy:LogIndexPolicy": "an index setting", "aws:cloudwatch/logAnomalyDetector:LogAnomalyDetector": "an anomaly model",
	"aws:cloudwatch/internetMonitor:InternetMonitor": "internet health metrics", "aws:cloudwatch/metricStream:MetricStream": "metrics, not customer records",
	"aws:cloudtrail/organizationDelegatedAdminAccount:OrganizationDelegatedAdminAccount": "an account setting",
	"aws:dynamodb/resourcePolicy:ResourcePolicy":                                         "an access policy", "aws:dynamodb/tag:Tag": "a tag", "aws:dynamodb/contributorInsights:ContributorInsights": "a metric setting",
	"aws:sqs/queuePolicy:QueuePolicy": "an access policy", "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy": "an access policy", "aws:sqs/redrivePolicy:RedrivePolicy": "a dead-letter setting in the same region",
	"aws:sns/topicPolicy:TopicPolicy": "an access policy", "aws:sns/smsPreferences:SmsPreferences": "an account setting", "aws:sns/dataProtectionPolicy:DataProtectionPolicy": "a masking policy",
	"aws:secretsmanager/secretPolicy:SecretPolicy": "an access policy", "aws:secretsmanager/secretRotation:SecretRotation": "a rotation schedule",
	"aws:elasticache/parameterGroup:ParameterGroup": "engine settings", "aws:elasticache/subnetGroup:SubnetGroup": "network placement",
	"aws:elasticache/user:User": "a cache user", "aws:elasticache/userGroup:UserGroup": "cache users", "aws:elasticache/userGroupAssociation:UserGroupAssociation": "cache users",
	"aws:elasticache/reservedCacheNode:ReservedCacheNode": "a billing reservation",
	"aws:ssm/document:Document":                           "automation code", "aws:ssm/maintenanceWindow:MaintenanceWindow": "a schedule", "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget": "a schedule target",
	"aws:ssm/maintenanceWindowTask:MaintenanceWindowTask": "a schedule task", "aws:ssm/patchBaseline:PatchBaseline": "a patch policy", "aws:ssm/patchGroup:PatchGroup": "a patch policy",
	"aws:ssm/defaultPatchBaseline:DefaultPatchBaseline": "a patch policy", "aws:ssm/serviceSetting:ServiceSetting": "an account setting",
	"aws:cloudformation/cloudFormationType:CloudFormationType": "a type registration",
	"aws:glue/resourcePolicy:ResourcePolicy":                   "an access policy", "aws:glue/classifier:Classifier": "a schema detector", "aws:glue/securityConfiguration:SecurityConfiguration": "an encryption setting",
	"aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings": "an encryption setting",
	"aws:opensearch/domainPolicy:DomainPolicy":                             "an access policy", "aws:opensearch/serverlessAccessPolicy:ServerlessAccessPolicy": "an access policy",
	"aws:opensearch/serverlessSecurityPolicy:ServerlessSecurityPolicy": "a network or encryption policy", "aws:opensearch/serverlessSecurityConfig:ServerlessSecurityConfig": "a sign-in setting",
	"aws:opensearch/domainSamlOptions:DomainSamlOptions": "a sign-in setting", "aws:opensearch/package:Package": "a dictionary package",
	"aws:elasticsearch/domainPolicy:DomainPolicy": "an access policy", "aws:elasticsearch/domainSamlOptions:DomainSamlOptions": "a sign-in setting",
	"aws:redshift/parameterGroup:ParameterGroup": "engine settings", "aws:redshift/subnetGroup:SubnetGroup": "network placement",
	"aws:redshift/usageLimit:UsageLimit": "a limit", "aws:redshift/resourcePolicy:ResourcePolicy": "an access policy",
	"aws:docdb/subnetGroup:SubnetGroup": "network placement", "aws:docdb/clusterParameterGroup:ClusterParameterGroup": "engine settings",
	"aws:docdb/eventSubscription:EventSubscription": "event notifications", "aws:neptune/subnetGroup:SubnetGroup": "network placement",
	"aws:neptune/parameterGroup:ParameterGroup": "engine settings", "aws:neptune/clusterParameterGroup:ClusterParameterGroup": "engine settings",
	"aws:neptune/eventSubscription:EventSubscription": "event notifications", "aws:memorydb/subnetGroup:SubnetGroup": "network placement",
	"aws:memorydb/parameterGroup:ParameterGroup": "engine settings", "aws:memorydb/acl:Acl": "cache users", "aws:memorydb/user:User": "a cache user",
	"aws:dax/parameterGroup:ParameterGroup": "engine settings", "aws:dax/subnetGroup:SubnetGroup": "network placement",
	"aws:msk/configuration:Configuration": "broker settings", "aws:msk/clusterPolicy:ClusterPolicy": "an access policy",
	"aws:mq/configuration:Configuration": "broker settings", "aws:dms/certificate:Certificate": "a certificate",
	"aws:dms/replicationSubnetGroup:ReplicationSubnetGroup": "network placement", "aws:dms/eventSubscription:EventSubscription": "event notifications",
	"aws:kinesis/resourcePolicy:ResourcePolicy": "an access policy", "aws:s3control/accessPointPolicy:AccessPointPolicy": "an access policy",
	"aws:s3control/bucketPolicy:BucketPolicy": "an access policy", "aws:s3control/multiRegionAccessPointPolicy:MultiRegionAccessPointPolicy": "an access policy",
	"aws:s3control/objectLambdaAccessPointPolicy:ObjectLambdaAccessPointPolicy": "an access policy", "aws:s3control/accessGrantsInstanceResourcePolicy:AccessGrantsInstanceResourcePolicy": "an access policy",
	"aws:s3tables/tableBucketPolicy:TableBucketPolicy": "an access policy", "aws:s3tables/tablePolicy:TablePolicy": "an access policy",
	"aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy": "an access policy", "aws:sagemaker/servicecatalogPortfolioStatus:ServicecatalogPortfolioStatus": "an account setting",
	"aws:lightsail/keyPair:KeyPair": "an SSH key", "aws:lightsail/staticIp:StaticIp": "an address", "aws:lightsail/staticIpAttachment:StaticIpAttachment": "an address",
	"aws:lightsail/domain:Domain": "DNS", "aws:lightsail/domainEntry:DomainEntry": "DNS", "aws:lightsail/certificate:Certificate": "a certificate",
	"aws:directoryservice/conditionalForwader:ConditionalForwader": "DNS forwarding", "aws:directoryservice/conditionalForwarder:ConditionalForwarder": "DNS forwarding",
	"aws:directoryservice/radiusSettings:RadiusSettings": "a sign-in setting", "aws:directoryservice/trust:Trust": "a trust relation",
	"aws:networkfirewall/firewallPolicy:FirewallPolicy": "traffic rules", "aws:networkfirewall/ruleGroup:RuleGroup": "traffic rules",
	"aws:networkfirewall/resourcePolicy:ResourcePolicy": "an access policy", "aws:networkfirewall/tlsInspectionConfiguration:TlsInspectionConfiguration": "a certificate setting",
	"gcp:bigquery/reservation:Reservation": "a capacity reservation", "gcp:bigquery/capacityCommitment:CapacityCommitment": "a capacity commitment",
	"gcp:bigquery/reservationAssignment:ReservationAssignment": "a capacity assignment", "gcp:bigquery/biReservation:BiReservation": "a capacity reservation",
	"gcp:bigquery/datasetAccess:DatasetAccess": "a permission", "gcp:container/registry:Registry": "container images",
	"gcp:alloydb/user:User": "a database user", "gcp:dataproc/autoscalingPolicy:AutoscalingPolicy": "a scaling policy",
}

// iamSuffix matches the access-grant types every GCP module has (…IamBinding,
// …IAMMember, …IamPolicy): they grant access and hold no data.
var iamSuffix = regexp.MustCompile(`(?i)iam(binding|member|policy)$`)

// class is the catalogue's verdict on one type.
type class int

const (
	unclassified class = iota
	noData
	data
)

// moduleOf is a type token's provider and module ("aws:s3/bucketV2:BucketV2" -> "aws:s3").
func moduleOf(typ string) string {
	if i := strings.IndexByte(typ, '/'); i > 0 {
		return typ[:i]
	}
	parts := strings.SplitN(typ, ":", 3)
	if len(parts) == 3 {
		return parts[0] + ":" + parts[1]
	}
	return typ
}

// classify returns the catalogue's verdict on typ and the reason or kind.
func classify(typ string) (class, string) {
	if dt, ok := dataTypes[typ]; ok {
		return data, dt.kind
	}
	if why, ok := noDataTypes[typ]; ok {
		return noData, why
	}
	if iamSuffix.MatchString(typ) && strings.HasPrefix(typ, "gcp:") {
		return noData, "grants access; holds no data"
	}
	m := moduleOf(typ)
	if kind, ok := dataModules[m]; ok {
		return data, kind
	}
	if why, ok := noDataModules[m]; ok {
		return noData, why
	}
	return unclassified, ""
}

// catalogued are the providers whose every type the catalogue classifies.
var catalogued = map[string]bool{"aws": true, "gcp": true, "cloudflare": true}

// bearsData reports whether r bears customer data: a catalogued data-bearing type,
// or a type of a catalogued provider that the catalogue does not know (fail closed).
func bearsData(r *Resource) bool {
	if !r.Custom || !catalogued[cloudOf(r.Type)] {
		return false
	}
	c, _ := classify(r.Type)
	return c != noData
}

// BearsData reports whether r bears customer data by the data catalogue: a
// data-bearing type, or an unclassified type of a catalogued provider.
func BearsData(r *Resource) bool { return bearsData(r) }

// isStore reports whether r is one of the stores the encryption and backup rules judge.
func isStore(r *Resource) bool { return dataTypes[r.Type].store }

// dataResources are the stores (ENC-2, ENC-4, BAK-6, RES-3).
func (e *env) dataResources() []*Resource {
	e.classifyAll()
	return e.stores
}

// residents are every resource bearing customer data (RES-1, RES-2).
func (e *env) residents() []*Resource {
	e.classifyAll()
	return e.bearers
}

// classifyAll sorts the plan's resources into stores and data bearers once,
// classifying each type once.
func (e *env) classifyAll() { e.classOnce.Do(e.classify) }

func (e *env) classify() {
	bears := map[string]bool{}
	for i := range e.resources {
		r := &e.resources[i]
		b, seen := bears[r.Type]
		if !seen {
			b = bearsData(&Resource{Type: r.Type, Custom: true})
			bears[r.Type] = b
		}
		if b && r.Custom {
			e.bearers = append(e.bearers, r)
		}
		if isStore(r) {
			e.stores = append(e.stores, r)
		}
	}
}
