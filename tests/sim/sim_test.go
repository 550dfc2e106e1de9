package sim

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

const (
	dbType  = "aws:rds/instance:Instance"
	vpcType = "aws:ec2/vpc:Vpc"
)

func urn(typ, name string) resource.URN {
	return resource.URN("urn:pulumi:acme-eu::odoo-hosting::odoo-hosting:stack:Customer$" + typ + "::" + name)
}

func newSim(t *testing.T, dir, pkg string) *Provider {
	t.Helper()
	p, err := New(Options{Package: pkg, Version: "6.83.0", Dir: dir, Record: filepath.Join(dir, "calls.jsonl")})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func configure(t *testing.T, p *Provider) {
	t.Helper()
	_, err := p.Configure(context.Background(), plugin.ConfigureRequest{Inputs: resource.PropertyMap{
		"region":            resource.NewProperty("eu-west-1"),
		"allowedAccountIds": resource.NewProperty([]resource.PropertyValue{resource.NewProperty("210987654321")}),
	}})
	if err != nil {
		t.Fatal(err)
	}
}

func dbInputs() resource.PropertyMap {
	return resource.PropertyMap{
		"identifier":               resource.NewProperty("acme-db"),
		"instanceClass":            resource.NewProperty("db.t4g.medium"),
		"kmsKeyId":                 resource.NewProperty("arn:aws:kms:eu-west-1:210987654321:key/k1"),
		"manageMasterUserPassword": resource.NewProperty(true),
		"masterUserSecretKmsKeyId": resource.NewProperty("arn:aws:kms:eu-west-1:210987654321:key/k1"),
		"port":                     resource.NewProperty(5432.0),
		"password":                 resource.MakeSecret(resource.NewProperty("s3cret")),
	}
}

func create(t *testing.T, p *Provider, typ, name string, in resource.PropertyMap) plugin.CreateResponse {
	t.Helper()
	res, err := p.Create(context.Background(), plugin.CreateRequest{URN: urn(typ, name), Name: name, Type: tokens.Type(typ), Properties: in})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestCreateIDsAreDeterministicAndAReplacementGetsANewOne(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	first := create(t, newSim(t, a, "aws"), vpcType, "net", resource.PropertyMap{"cidrBlock": resource.NewProperty("10.0.0.0/16")})
	same := create(t, newSim(t, b, "aws"), vpcType, "net", resource.PropertyMap{"cidrBlock": resource.NewProperty("10.0.0.0/16")})
	if first.ID != same.ID || !strings.HasPrefix(string(first.ID), "vpc-") {
		t.Fatalf("ids %q and %q: want the same vpc-… id in two fresh clouds", first.ID, same.ID)
	}
	second := create(t, newSim(t, a, "aws"), vpcType, "net", resource.PropertyMap{"cidrBlock": resource.NewProperty("10.1.0.0/16")})
	if second.ID == first.ID {
		t.Fatalf("a second creation of the same URN reused id %q", first.ID)
	}
}

func TestDiffReplacesADatabaseOnlyOnForceNewProperties(t *testing.T) {
	p := newSim(t, t.TempDir(), "aws")
	old := dbInputs()
	for _, c := range []struct {
		key      string
		value    resource.PropertyValue
		replaces []resource.PropertyKey
	}{
		{"instanceClass", resource.NewProperty("db.r6g.large"), nil},
		{"kmsKeyId", resource.NewProperty("arn:aws:kms:eu-west-1:210987654321:key/k2"), []resource.PropertyKey{"kmsKeyId"}},
		{"identifier", resource.NewProperty("acme-db-2"), []resource.PropertyKey{"identifier"}},
		{"storageEncrypted", resource.NewProperty(false), []resource.PropertyKey{"storageEncrypted"}},
		{"kmsKeyId", resource.MakeComputed(resource.NewProperty("")), []resource.PropertyKey{"kmsKeyId"}},
	} {
		news := old.Copy()
		news[resource.PropertyKey(c.key)] = c.value
		d, err := p.Diff(context.Background(), plugin.DiffRequest{URN: urn(dbType, "db"), Type: dbType, ID: "x",
			OldInputs: old, OldOutputs: old, NewInputs: news})
		if err != nil {
			t.Fatal(err)
		}
		if d.Changes != plugin.DiffSome || !reflect.DeepEqual(d.ChangedKeys, []resource.PropertyKey{resource.PropertyKey(c.key)}) {
			t.Errorf("%s: changes %v keys %v; want DiffSome on [%s]", c.key, d.Changes, d.ChangedKeys, c.key)
		}
		if !reflect.DeepEqual(d.ReplaceKeys, c.replaces) {
			t.Errorf("%s: replaces %v, want %v", c.key, d.ReplaceKeys, c.replaces)
		}
	}
	d, err := p.Diff(context.Background(), plugin.DiffRequest{URN: urn(dbType, "db"), Type: dbType, OldInputs: old, NewInputs: dbInputs()})
	if err != nil || d.Changes != plugin.DiffNone {
		t.Fatalf("same inputs: %v %v, want DiffNone", d.Changes, err)
	}
	// A type that holds no data is updated in place whatever changes.
	d, _ = p.Diff(context.Background(), plugin.DiffRequest{URN: urn(vpcType, "n"), Type: vpcType,
		OldInputs: resource.PropertyMap{"cidrBlock": resource.NewProperty("10.0.0.0/16")},
		NewInputs: resource.PropertyMap{"cidrBlock": resource.NewProperty("10.1.0.0/16")}})
	if d.Changes != plugin.DiffSome || len(d.ReplaceKeys) != 0 {
		t.Fatalf("vpc: %v replaces %v; want an in-place update", d.Changes, d.ReplaceKeys)
	}
}

func TestComputedAttributesTheProgramReads(t *testing.T) {
	p := newSim(t, t.TempDir(), "aws")
	configure(t, p)
	db := create(t, p, dbType, "db", dbInputs()).Properties
	want := map[string]string{
		"arn":      "arn:aws:rds:eu-west-1:210987654321:instance/",
		"address":  "acme-db.c",
		"endpoint": "acme-db.c",
	}
	for k, prefix := range want {
		if got := plainString(db[resource.PropertyKey(k)]); !strings.HasPrefix(got, prefix) {
			t.Errorf("rds %s = %q, want prefix %q", k, got, prefix)
		}
	}
	if got := plainString(db["endpoint"]); !strings.HasSuffix(got, ".eu-west-1.rds.amazonaws.com:5432") {
		t.Errorf("rds endpoint = %q", got)
	}
	secrets := db["masterUserSecrets"]
	if !secrets.IsArray() || len(secrets.ArrayValue()) != 1 ||
		!strings.HasPrefix(plainString(secrets.ArrayValue()[0].ObjectValue()["secretArn"]), "arn:aws:secretsmanager:eu-west-1:210987654321:secret:rds!db-") {
		t.Errorf("rds masterUserSecrets = %v", secrets)
	}
	if !db["password"].IsSecret() {
		t.Errorf("the password input lost its secretness in the outputs")
	}
	role := create(t, p, "aws:iam/role:Role", "exec", resource.PropertyMap{}).Properties
	if got := plainString(role["name"]); !strings.HasPrefix(got, "exec-") || len(got) != len("exec-")+7 {
		t.Errorf("iam role autoname = %q, want exec-<7 characters>", got)
	}
	if got := plainString(role["arn"]); got != "arn:aws:iam::210987654321:role/"+plainString(role["name"]) {
		t.Errorf("iam role arn = %q", got)
	}
	bucket := create(t, p, "aws:s3/bucketV2:BucketV2", "logs", resource.PropertyMap{"bucket": resource.NewProperty("acme-logs")}).Properties
	if got := plainString(bucket["arn"]); got != "arn:aws:s3:::acme-logs" {
		t.Errorf("s3 arn = %q", got)
	}
	// A bucket's id is its name, and so is a bucket configuration's (the pack and
	// the program join them on it).
	if got := create(t, p, "aws:s3/bucketV2:BucketV2", "data", resource.PropertyMap{"bucket": resource.NewProperty("acme-data")}).ID; got != "acme-data" {
		t.Errorf("bucket id = %q, want acme-data", got)
	}
	policy := create(t, p, "aws:s3/bucketPolicy:BucketPolicy", "data", resource.PropertyMap{"bucket": resource.NewProperty("acme-data")})
	if policy.ID != "acme-data" {
		t.Errorf("bucket policy id = %q, want acme-data", policy.ID)
	}
	// ... but it has no ARN of its own, which would make it look like the bucket.
	if _, ok := policy.Properties["arn"]; ok {
		t.Errorf("bucket policy has an arn: %v", policy.Properties["arn"])
	}
	cf := newSim(t, t.TempDir(), "cloudflare")
	cert := create(t, cf, "cloudflare:index/originCaCertificate:OriginCaCertificate", "origin",
		resource.PropertyMap{"requestedValidity": resource.NewProperty(365.0)}).Properties
	if got := plainString(cert["expiresOn"]); got != "2027-01-01T00:00:00Z" {
		t.Errorf("origin certificate expiresOn = %q", got)
	}
	if !strings.HasPrefix(plainString(cert["certificate"]), "-----BEGIN CERTIFICATE-----") {
		t.Errorf("origin certificate = %q", plainString(cert["certificate"]))
	}
}

func TestPreviewCreateStoresNothingAndAnswersUnknowns(t *testing.T) {
	dir := t.TempDir()
	p := newSim(t, dir, "aws")
	res, err := p.Create(context.Background(), plugin.CreateRequest{URN: urn(dbType, "db"), Type: dbType, Properties: dbInputs(), Preview: true})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Properties["arn"].IsComputed() || !res.Properties["endpoint"].IsComputed() {
		t.Errorf("preview outputs arn=%v endpoint=%v, want unknowns", res.Properties["arn"], res.Properties["endpoint"])
	}
	files, _ := filepath.Glob(filepath.Join(dir, "cloud", "aws", "*.json"))
	if len(files) != 0 {
		t.Errorf("a preview stored %v", files)
	}
	calls, _ := ReadRecord(filepath.Join(dir, "calls.jsonl"))
	if len(calls) != 1 || calls[0].Method != "Create" || !calls[0].Preview || calls[0].Mutating() {
		t.Errorf("record %+v, want one non-mutating preview Create", calls)
	}
}

func TestReadAnswersFromTheSimulatedCloudAcrossProcesses(t *testing.T) {
	dir := t.TempDir()
	created := create(t, newSim(t, dir, "aws"), dbType, "db", dbInputs())
	other := newSim(t, dir, "aws") // another plugin process, same cloud
	read, err := other.Read(context.Background(), plugin.ReadRequest{URN: urn(dbType, "db"), Type: dbType, ID: created.ID})
	if err != nil {
		t.Fatal(err)
	}
	if !read.Outputs.DeepEquals(created.Properties) {
		t.Errorf("read %v\nwant %v", read.Outputs, created.Properties)
	}
	if _, err := other.Delete(context.Background(), plugin.DeleteRequest{URN: urn(dbType, "db"), Type: dbType, ID: created.ID}); err != nil {
		t.Fatal(err)
	}
	gone, err := newSim(t, dir, "aws").Read(context.Background(), plugin.ReadRequest{URN: urn(dbType, "db"), Type: dbType, ID: created.ID})
	if err != nil || gone.Outputs != nil {
		t.Fatalf("after delete: outputs %v err %v; want none (gone)", gone.Outputs, err)
	}
	calls, err := ReadRecord(filepath.Join(dir, "calls.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var methods []string
	for _, c := range calls {
		methods = append(methods, c.Method)
		if c.Method == "Delete" && (c.ID != string(created.ID) || c.Type != dbType || c.URN != string(urn(dbType, "db"))) {
			t.Errorf("delete recorded as %+v", c)
		}
	}
	if strings.Join(methods, ",") != "Create,Read,Delete,Read" {
		t.Errorf("record %v, want Create,Read,Delete,Read", methods)
	}
}

func TestUpdateKeepsTheID(t *testing.T) {
	p := newSim(t, t.TempDir(), "aws")
	c := create(t, p, dbType, "db", dbInputs())
	news := dbInputs()
	news["instanceClass"] = resource.NewProperty("db.r6g.large")
	u, err := p.Update(context.Background(), plugin.UpdateRequest{URN: urn(dbType, "db"), Type: dbType, ID: c.ID,
		OldInputs: dbInputs(), OldOutputs: c.Properties, NewInputs: news})
	if err != nil {
		t.Fatal(err)
	}
	if plainString(u.Properties["id"]) != string(c.ID) || plainString(u.Properties["instanceClass"]) != "db.r6g.large" {
		t.Errorf("update outputs id=%v class=%v", u.Properties["id"], u.Properties["instanceClass"])
	}
}

func TestInvokes(t *testing.T) {
	p := newSim(t, t.TempDir(), "aws")
	configure(t, p)
	res, err := p.Invoke(context.Background(), plugin.InvokeRequest{Tok: "aws:index/getCallerIdentity:getCallerIdentity"})
	if err != nil || plainString(res.Properties["accountId"]) != "210987654321" {
		t.Fatalf("getCallerIdentity = %v, %v", res.Properties, err)
	}
	_, err = p.Invoke(context.Background(), plugin.InvokeRequest{Tok: "aws:ec2/getVpc:getVpc"})
	if err == nil || !strings.Contains(err.Error(), "invoke aws:ec2/getVpc:getVpc is not simulated") {
		t.Fatalf("unknown invoke: %v", err)
	}
}

func TestEveryForceNewTypeBelongsToASimulatedPackage(t *testing.T) {
	for typ := range ForceNew {
		pkg, _, _ := splitType(typ)
		if pkg != "aws" && pkg != "gcp" && pkg != "cloudflare" {
			t.Errorf("%s: package %q is not simulated", typ, pkg)
		}
	}
}

func TestMain(m *testing.M) { os.Exit(m.Run()) }

func configureGCP(t *testing.T, p *Provider) {
	t.Helper()
	_, err := p.Configure(context.Background(), plugin.ConfigureRequest{Inputs: resource.PropertyMap{
		"project": resource.NewProperty("tulip-prod-eu"),
		"region":  resource.NewProperty("europe-west1"),
	}})
	if err != nil {
		t.Fatal(err)
	}
}

func str(s string) resource.PropertyValue { return resource.NewProperty(s) }

// The ids the program and the pack parse are in GCP's shapes: a Cloud KMS key's
// location is read from its id (ENC-3), a log sink's destination is
// logging.googleapis.com/<bucket id> (RES-2).
func TestRES2_GCPIDsHaveTheProvidersShapes(t *testing.T) {
	p := newSim(t, t.TempDir(), "gcp")
	configureGCP(t, p)
	ring := create(t, p, "gcp:kms/keyRing:KeyRing", "ring", resource.PropertyMap{"name": str("tulip"), "location": str("europe-west1")})
	key := create(t, p, "gcp:kms/cryptoKey:CryptoKey", "key", resource.PropertyMap{"name": str("tulip-data"), "keyRing": str(string(ring.ID))})
	member := create(t, p, "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember", "grant", resource.PropertyMap{
		"cryptoKeyId": str(string(key.ID)), "role": str("roles/cloudkms.cryptoKeyEncrypterDecrypter"), "member": str("serviceAccount:a@b")})
	bucket := create(t, p, "gcp:storage/bucket:Bucket", "backup", resource.PropertyMap{"name": str("tulip-backup"), "location": str("EUROPE-WEST1")})
	logs := create(t, p, "gcp:logging/projectBucketConfig:ProjectBucketConfig", "audit", resource.PropertyMap{
		"bucketId": str("tulip-audit"), "location": str("europe-west1"), "project": str("tulip-prod-eu")})
	subnet := create(t, p, "gcp:compute/subnetwork:Subnetwork", "app", resource.PropertyMap{"name": str("tulip-app")})
	secret := create(t, p, "gcp:secretmanager/secret:Secret", "admin", resource.PropertyMap{"secretId": str("tulip-admin")})
	version := create(t, p, "gcp:secretmanager/secretVersion:SecretVersion", "admin", resource.PropertyMap{"secret": str(string(secret.ID))})
	db := create(t, p, "gcp:sql/databaseInstance:DatabaseInstance", "db", resource.PropertyMap{"name": str("tulip-db"), "region": str("europe-west1")})
	policy := create(t, p, "gcp:monitoring/alertPolicy:AlertPolicy", "down", resource.PropertyMap{"displayName": str("down")})
	for got, want := range map[string]string{
		string(ring.ID):    "projects/tulip-prod-eu/locations/europe-west1/keyRings/tulip",
		string(key.ID):     "projects/tulip-prod-eu/locations/europe-west1/keyRings/tulip/cryptoKeys/tulip-data",
		string(member.ID):  "projects/tulip-prod-eu/locations/europe-west1/keyRings/tulip/cryptoKeys/tulip-data/roles/cloudkms.cryptoKeyEncrypterDecrypter/serviceAccount:a@b",
		string(bucket.ID):  "tulip-backup",
		string(logs.ID):    "projects/tulip-prod-eu/locations/europe-west1/buckets/tulip-audit",
		string(subnet.ID):  "projects/tulip-prod-eu/regions/europe-west1/subnetworks/tulip-app",
		string(secret.ID):  "projects/tulip-prod-eu/secrets/tulip-admin",
		string(version.ID): "projects/123456789012/secrets/tulip-admin/versions/1",
		string(db.ID):      "tulip-db",
		plainString(subnet.Properties["selfLink"]):   "https://www.googleapis.com/compute/v1/projects/tulip-prod-eu/regions/europe-west1/subnetworks/tulip-app",
		plainString(bucket.Properties["selfLink"]):   "https://www.googleapis.com/storage/v1/b/tulip-backup",
		plainString(secret.Properties["name"]):       "projects/123456789012/secrets/tulip-admin",
		plainString(version.Properties["name"]):      "projects/123456789012/secrets/tulip-admin/versions/1",
		plainString(db.Properties["connectionName"]): "tulip-prod-eu:europe-west1:tulip-db",
	} {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
	if !strings.HasPrefix(string(policy.ID), "projects/tulip-prod-eu/alertPolicies/") || plainString(policy.Properties["name"]) != string(policy.ID) {
		t.Errorf("alert policy id %q, name %q", policy.ID, plainString(policy.Properties["name"]))
	}
	// KMS keys have no self link; only Compute Engine resources, buckets and Cloud SQL.
	if _, ok := key.Properties["selfLink"]; ok {
		t.Errorf("crypto key has a selfLink: %v", key.Properties["selfLink"])
	}
}

func TestGCPComputedAttributesTheProgramReads(t *testing.T) {
	p := newSim(t, t.TempDir(), "gcp")
	configureGCP(t, p)
	db := create(t, p, "gcp:sql/databaseInstance:DatabaseInstance", "db", resource.PropertyMap{"name": str("tulip-db")}).Properties
	ip := plainString(db["privateIpAddress"])
	if !strings.HasPrefix(ip, "10.255.") || plainString(db["publicIpAddress"]) != "" {
		t.Errorf("privateIpAddress %q publicIpAddress %q, want a 10.255. address and none", ip, plainString(db["publicIpAddress"]))
	}
	cas := db["serverCaCerts"]
	if !cas.IsArray() || len(cas.ArrayValue()) != 1 || !strings.HasPrefix(plainString(cas.ArrayValue()[0].ObjectValue()["cert"]), "-----BEGIN CERTIFICATE-----") {
		t.Errorf("serverCaCerts = %v", cas)
	}
	agent := create(t, p, "gcp:projects/serviceIdentity:ServiceIdentity", "sql", resource.PropertyMap{"service": str("sqladmin.googleapis.com")}).Properties
	if got := plainString(agent["member"]); got != "serviceAccount:service-123456789012@gcp-sa-sqladmin.iam.gserviceaccount.com" {
		t.Errorf("service identity member = %q", got)
	}
	sa := create(t, p, "gcp:serviceaccount/account:Account", "odoo", resource.PropertyMap{"accountId": str("tulip-odoo")})
	if string(sa.ID) != "projects/tulip-prod-eu/serviceAccounts/tulip-odoo@tulip-prod-eu.iam.gserviceaccount.com" ||
		plainString(sa.Properties["email"]) != "tulip-odoo@tulip-prod-eu.iam.gserviceaccount.com" {
		t.Errorf("service account id %q email %q", sa.ID, plainString(sa.Properties["email"]))
	}
	mig := create(t, p, "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager", "odoo", resource.PropertyMap{"name": str("tulip-odoo")}).Properties
	if got := plainString(mig["instanceGroup"]); got != "https://www.googleapis.com/compute/v1/projects/tulip-prod-eu/regions/europe-west1/instanceGroups/tulip-odoo" {
		t.Errorf("instanceGroup = %q", got)
	}
	cert := create(t, p, "gcp:compute/regionSslCertificate:RegionSslCertificate", "origin", resource.PropertyMap{"name": str("tulip-origin")}).Properties
	if got := plainString(cert["expireTime"]); got != "2041-11-23T12:00:00Z" {
		t.Errorf("expireTime = %q", got)
	}
	fs := create(t, p, "gcp:filestore/instance:Instance", "files", resource.PropertyMap{"name": str("tulip-files"), "location": str("europe-west1-b"),
		"networks": resource.NewProperty([]resource.PropertyValue{resource.NewProperty(resource.PropertyMap{"network": str("tulip"), "modes": resource.NewProperty([]resource.PropertyValue{str("MODE_IPV4")})})})}).Properties
	nets := fs["networks"].ArrayValue()
	if ips := nets[0].ObjectValue()["ipAddresses"]; !ips.IsArray() || !strings.HasPrefix(plainString(ips.ArrayValue()[0]), "10.252.") {
		t.Errorf("filestore networks = %v", fs["networks"])
	}
	sink := create(t, p, "gcp:logging/projectSink:ProjectSink", "audit", resource.PropertyMap{"name": str("tulip-audit")}).Properties
	if got := plainString(sink["writerIdentity"]); got != "serviceAccount:service-123456789012@gcp-sa-logging.iam.gserviceaccount.com" {
		t.Errorf("writerIdentity = %q", got)
	}
	scc := create(t, p, "gcp:securitycenter/projectNotificationConfig:ProjectNotificationConfig", "threat", resource.PropertyMap{"configId": str("tulip-threat")}).Properties
	if got := plainString(scc["serviceAccount"]); got != "service-org-123456789012@gcp-sa-scc-notification.iam.gserviceaccount.com" {
		t.Errorf("scc serviceAccount = %q", got)
	}
	lb := create(t, p, "gcp:compute/address:Address", "lb", resource.PropertyMap{"name": str("tulip-lb")}).Properties
	if got := plainString(lb["address"]); !strings.HasPrefix(got, "198.18.") {
		t.Errorf("external address = %q", got)
	}
}

// In a preview the computed GCP attributes are unknown, as the real provider answers.
func TestGCPPreviewAnswersUnknowns(t *testing.T) {
	p := newSim(t, t.TempDir(), "gcp")
	configureGCP(t, p)
	res, err := p.Create(context.Background(), plugin.CreateRequest{URN: urn("gcp:sql/databaseInstance:DatabaseInstance", "db"),
		Type: "gcp:sql/databaseInstance:DatabaseInstance", Properties: resource.PropertyMap{"name": str("tulip-db")}, Preview: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []resource.PropertyKey{"privateIpAddress", "connectionName", "serverCaCerts"} {
		if !res.Properties[k].IsComputed() {
			t.Errorf("%s = %v in a preview, want unknown", k, res.Properties[k])
		}
	}
}

func TestGCPInvokes(t *testing.T) {
	p := newSim(t, t.TempDir(), "gcp")
	configureGCP(t, p)
	for tok, want := range map[string][2]string{
		"gcp:storage/getProjectServiceAccount:getProjectServiceAccount":                 {"emailAddress", "service-123456789012@gs-project-accounts.iam.gserviceaccount.com"},
		"gcp:storage/getTransferProjectServiceAccount:getTransferProjectServiceAccount": {"member", "serviceAccount:project-123456789012@storage-transfer-service.iam.gserviceaccount.com"},
		"gcp:logging/getProjectCmekSettings:getProjectCmekSettings":                     {"serviceAccountId", "service-123456789012@gcp-sa-logging.iam.gserviceaccount.com"},
		"gcp:organizations/getProject:getProject":                                       {"projectId", "tulip-prod-eu"},
	} {
		res, err := p.Invoke(context.Background(), plugin.InvokeRequest{Tok: tokens.ModuleMember(tok),
			Args: resource.PropertyMap{"project": str("tulip-prod-eu")}})
		if err != nil || plainString(res.Properties[resource.PropertyKey(want[0])]) != want[1] {
			t.Errorf("%s: %s = %q (%v), want %q", tok, want[0], plainString(res.Properties[resource.PropertyKey(want[0])]), err, want[1])
		}
	}
	_, err := p.Invoke(context.Background(), plugin.InvokeRequest{Tok: "gcp:compute/getNetwork:getNetwork"})
	if err == nil || !strings.Contains(err.Error(), "invoke gcp:compute/getNetwork:getNetwork is not simulated") {
		t.Fatalf("unknown invoke: %v", err)
	}
}
