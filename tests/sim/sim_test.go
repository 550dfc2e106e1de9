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
