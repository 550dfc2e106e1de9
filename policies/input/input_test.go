package input_test

import (
	"strings"
	"testing"

	"github.com/octura/odoo-hosting/policies"
	"github.com/octura/odoo-hosting/policies/input"
)

const preview = `{"steps":[
 {"op":"create","urn":"urn:pulumi:acme::odoo-hosting::pulumi:pulumi:Stack::odoo-hosting-acme","newState":{"type":"pulumi:pulumi:Stack","urn":"urn:pulumi:acme::odoo-hosting::pulumi:pulumi:Stack::odoo-hosting-acme","custom":false}},
 {"op":"create","urn":"urn:pulumi:acme::odoo-hosting::pulumi:providers:aws::primary","newState":{"type":"pulumi:providers:aws","urn":"urn:pulumi:acme::odoo-hosting::pulumi:providers:aws::primary","custom":true,"inputs":{"region":"eu-west-1"}}},
 {"op":"create","urn":"urn:pulumi:acme::odoo-hosting::aws:s3/bucketV2:BucketV2::b","provider":"urn:pulumi:acme::odoo-hosting::pulumi:providers:aws::primary::04da6b54-80e4-46f7-96ec-b56ff0331ba9",
  "newState":{"type":"aws:s3/bucketV2:BucketV2","urn":"urn:pulumi:acme::odoo-hosting::aws:s3/bucketV2:BucketV2::b","custom":true,"provider":"urn:pulumi:acme::odoo-hosting::pulumi:providers:aws::primary::04da6b54-80e4-46f7-96ec-b56ff0331ba9","inputs":{"n":3,"pw":{"4dabf18193072939515e22adb298388d":"1b47061264138c4ac30d75fd1eb44270","plaintext":"\"x\""},"kmsKeyId":"04da6b54-80e4-46f7-96ec-b56ff0331ba9"},"protect":true,"retainOnDelete":true,"propertyDependencies":{"kmsKeyId":["urn:pulumi:acme::odoo-hosting::aws:kms/key:Key::k"],"n":[]}}},
 {"op":"delete","urn":"urn:pulumi:acme::odoo-hosting::aws:s3/bucketV2:BucketV2::gone","oldState":{"type":"aws:s3/bucketV2:BucketV2","urn":"urn:pulumi:acme::odoo-hosting::aws:s3/bucketV2:BucketV2::gone"}}
],"changeSummary":{"create":3}}`

const export = `{"version":3,"deployment":{"manifest":{},"resources":[
 {"urn":"urn:pulumi:acme::odoo-hosting::pulumi:providers:aws::default_6_83_0","custom":true,"type":"pulumi:providers:aws","inputs":{"region":"eu-west-1"}},
 {"urn":"urn:pulumi:acme::odoo-hosting::aws:kms/key:Key::k","custom":true,"type":"aws:kms/key:Key","provider":"urn:pulumi:acme::odoo-hosting::pulumi:providers:aws::default_6_83_0::abc","inputs":{"enableKeyRotation":true},"protect":true},
 {"urn":"urn:pulumi:acme::odoo-hosting::aws:s3/bucketV2:BucketV2::b","custom":true,"type":"aws:s3/bucketV2:BucketV2","inputs":{"bucket":"b"},"propertyDependencies":{"bucket":["urn:pulumi:acme::odoo-hosting::aws:kms/key:Key::k"]}}
]}}`

func TestReadPreview(t *testing.T) {
	rs, f, err := input.Read(strings.NewReader(preview))
	if err != nil {
		t.Fatal(err)
	}
	if f != input.Preview || len(rs) != 3 {
		t.Fatalf("format %s, %d resources", f, len(rs))
	}
	b := rs[2]
	if b.Provider != "urn:pulumi:acme::odoo-hosting::pulumi:providers:aws::primary" {
		t.Errorf("provider %q", b.Provider)
	}
	if b.Inputs["n"] != 3.0 || b.Inputs["pw"] != policies.Secret || b.Protect == nil || !*b.Protect {
		t.Errorf("inputs %#v", b.Inputs)
	}
	if d := b.PropertyDependencies; len(d) != 1 || len(d["kmsKeyId"]) != 1 || d["kmsKeyId"][0] != "urn:pulumi:acme::odoo-hosting::aws:kms/key:Key::k" {
		t.Errorf("propertyDependencies %#v", d)
	}
	if rs[1].PropertyDependencies != nil {
		t.Errorf("provider propertyDependencies %#v", rs[1].PropertyDependencies)
	}
}

func TestReadExport(t *testing.T) {
	rs, f, err := input.Read(strings.NewReader(export))
	if err != nil {
		t.Fatal(err)
	}
	if f != input.Export || len(rs) != 3 || rs[1].Provider != "urn:pulumi:acme::odoo-hosting::pulumi:providers:aws::default_6_83_0" {
		t.Fatalf("%s %#v", f, rs)
	}
	if d := rs[2].PropertyDependencies["bucket"]; len(d) != 1 || d[0] != "urn:pulumi:acme::odoo-hosting::aws:kms/key:Key::k" {
		t.Errorf("propertyDependencies %#v", rs[2].PropertyDependencies)
	}
}

func TestReadErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", "input is empty"},
		{"[1]", "does not start with a JSON object"},
		{preview[:200], "truncated JSON"},
		{`{"steps": [}`, "malformed JSON at byte"},
		{`{"foo": 1}`, "unrecognised JSON"},
		{`{"steps":[{"op":"create","newState":{"type":"aws:s3/bucketV2:BucketV2"}}]}`, "step 0 has no urn"},
		{`{"steps":[]} {}`, "trailing data"},
	} {
		_, _, err := input.Read(strings.NewReader(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%.30q: got %v, want %q", c.in, err, c.want)
		}
	}
}

func FuzzRead(f *testing.F) {
	f.Add([]byte(preview))
	f.Add([]byte(export))
	f.Add([]byte(`{"steps":[{"op":"same","urn":"u"}]}`))
	f.Add([]byte(`{"deployment":{"resources":[{"urn":"urn:pulumi:s::p::aws:s3/bucketV2:BucketV2::b","inputs":{"region":"04da6b54-80e4-46f7-96ec-b56ff0331ba9"}}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, _, err := input.Parse(data)
		if err != nil {
			return
		}
		// Whatever parses must evaluate without panicking.
		_ = policies.Evaluate(rs, policies.Options{})
	})
}

// replacement is a preview with replacement steps: bucket "fixed" was in
// us-east-1 and is re-created in eu-west-1 (compliant); bucket "moved" was in
// eu-west-1 and is re-created in us-east-1 (not compliant).
const replacement = `{"config":{"odoo-hosting:jurisdiction":"eu","odoo-hosting:region":"eu-west-1","odoo-hosting:cloud":"aws","odoo-hosting:tier":"cloud","odoo-hosting:originKey":"[secret]","odoo-hosting:network":{"cidr":"10.0.0.0/16"}},"steps":[
 {"op":"same","urn":"urn:pulumi:s::p::pulumi:providers:aws::eu","newState":{"type":"pulumi:providers:aws","urn":"urn:pulumi:s::p::pulumi:providers:aws::eu","custom":true,"inputs":{"region":"eu-west-1"}}},
 {"op":"same","urn":"urn:pulumi:s::p::pulumi:providers:aws::us","newState":{"type":"pulumi:providers:aws","urn":"urn:pulumi:s::p::pulumi:providers:aws::us","custom":true,"inputs":{"region":"us-east-1"}}},
 {"op":"create-replacement","urn":"urn:pulumi:s::p::aws:s3/bucketV2:BucketV2::fixed","newState":{"type":"aws:s3/bucketV2:BucketV2","urn":"urn:pulumi:s::p::aws:s3/bucketV2:BucketV2::fixed","custom":true,"provider":"urn:pulumi:s::p::pulumi:providers:aws::eu::1","inputs":{"bucket":"fixed"}}},
 {"op":"replace","urn":"urn:pulumi:s::p::aws:s3/bucketV2:BucketV2::fixed","newState":{"type":"aws:s3/bucketV2:BucketV2","urn":"urn:pulumi:s::p::aws:s3/bucketV2:BucketV2::fixed","custom":true,"provider":"urn:pulumi:s::p::pulumi:providers:aws::eu::1","inputs":{"bucket":"fixed"}}},
 {"op":"delete-replaced","urn":"urn:pulumi:s::p::aws:s3/bucketV2:BucketV2::fixed","oldState":{"type":"aws:s3/bucketV2:BucketV2","urn":"urn:pulumi:s::p::aws:s3/bucketV2:BucketV2::fixed","custom":true,"provider":"urn:pulumi:s::p::pulumi:providers:aws::us::2","inputs":{"bucket":"fixed"}}},
 {"op":"create-replacement","urn":"urn:pulumi:s::p::aws:s3/bucketV2:BucketV2::moved","newState":{"type":"aws:s3/bucketV2:BucketV2","urn":"urn:pulumi:s::p::aws:s3/bucketV2:BucketV2::moved","custom":true,"provider":"urn:pulumi:s::p::pulumi:providers:aws::us::2","inputs":{"bucket":"moved"}}},
 {"op":"replace","urn":"urn:pulumi:s::p::aws:s3/bucketV2:BucketV2::moved","newState":{"type":"aws:s3/bucketV2:BucketV2","urn":"urn:pulumi:s::p::aws:s3/bucketV2:BucketV2::moved","custom":true,"provider":"urn:pulumi:s::p::pulumi:providers:aws::us::2","inputs":{"bucket":"moved"}}},
 {"op":"delete-replaced","urn":"urn:pulumi:s::p::aws:s3/bucketV2:BucketV2::moved","oldState":{"type":"aws:s3/bucketV2:BucketV2","urn":"urn:pulumi:s::p::aws:s3/bucketV2:BucketV2::moved","custom":true,"provider":"urn:pulumi:s::p::pulumi:providers:aws::eu::1","inputs":{"bucket":"moved"}}}
]}`

// TestRES2_ReplacementsJudgeTheNewStateOnce: each replaced resource is read once,
// in its new state; the old state of delete-replaced is never judged.
func TestRES2_ReplacementsJudgeTheNewStateOnce(t *testing.T) {
	d, err := input.ParseDocument([]byte(replacement))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range d.Resources {
		got = append(got, r.Name()+"@"+r.Provider)
	}
	want := "eu@ us@ fixed@urn:pulumi:s::p::pulumi:providers:aws::eu moved@urn:pulumi:s::p::pulumi:providers:aws::us"
	if strings.Join(got, " ") != want {
		t.Fatalf("resources %q, want %q", strings.Join(got, " "), want)
	}
	rep := policies.Evaluate(d.Resources, policies.Options{Config: d.Config, Controls: []string{"RES-2"}})
	var vs []string
	for _, v := range rep.Violations {
		vs = append(vs, v.Control+" "+v.URN+" "+v.Value)
	}
	if strings.Join(vs, "\n") != "RES-2 urn:pulumi:s::p::aws:s3/bucketV2:BucketV2::moved us-east-1" {
		t.Errorf("violations:\n%s", strings.Join(vs, "\n"))
	}
}

// TestRES1_PreviewConfig: the preview's configuration is read, structured values
// as JSON text and secrets as blinded.
func TestRES1_PreviewConfig(t *testing.T) {
	d, err := input.ParseDocument([]byte(replacement))
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"odoo-hosting:jurisdiction": "eu", "odoo-hosting:originKey": "[secret]", "odoo-hosting:network": `{"cidr":"10.0.0.0/16"}`} {
		if d.Config[k] != want {
			t.Errorf("config[%s] = %q, want %q", k, d.Config[k], want)
		}
	}
	if d, _ := input.ParseDocument([]byte(export)); d.Config != nil {
		t.Errorf("a stack export has config %v", d.Config)
	}
}
