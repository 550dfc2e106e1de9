package input

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/octura/odoo-hosting/policies/internal/synth"
)

// TestFastReaderAgreesWithEncodingJSON: the fast reader gives the resources and
// configuration encoding/json gives, on the golden plans, the synthetic preview
// and documents with escapes, non-ASCII text, exponents and replacement steps.
func TestFastReaderAgreesWithEncodingJSON(t *testing.T) {
	docs := map[string][]byte{
		"synthetic":   synth.Preview(300),
		"escapes":     []byte(`{"config":{"odoo-hosting:x":"a\"b\\u00e9\n","odoo-hosting:n":1e3},"steps":[{"op":"create","urn":"urn:pulumi:s::p::aws:s3/bucketV2:BucketV2::b\u00e9","newState":{"type":"aws:s3/bucketV2:BucketV2","urn":"urn:pulumi:s::p::aws:s3/bucketV2:BucketV2::bé","custom":true,"inputs":{"tags":{"Name":"caf\u00e9 ☕","n":-0.5,"big":12345678901234567890,"e":2E-3,"t":true,"f":false,"z":null,"l":[1,[2,{"x":[]}],{}]}}}}]}`),
		"replacement": []byte(replacementDoc),
	}
	golden, _ := filepath.Glob(filepath.Join("..", "..", "tests", "testdata", "golden", "*.json"))
	if len(golden) == 0 {
		t.Fatal("no golden plans")
	}
	for _, g := range golden {
		b, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		docs[filepath.Base(g)] = b
	}
	for name, b := range docs {
		fr, ff, fc, ferr := parseWith(b, true)
		if _, ok := fastDoc(b); !ok {
			t.Errorf("%s: the fast reader declined a valid document", name)
		}
		sr, sf, sc, serr := parseWith(b, false)
		if ferr != nil || serr != nil {
			t.Fatalf("%s: fast %v, slow %v", name, ferr, serr)
		}
		if ff != sf || !reflect.DeepEqual(fc, sc) || !reflect.DeepEqual(fr, sr) {
			t.Errorf("%s: the fast reader differs from encoding/json", name)
			for i := range fr {
				if i < len(sr) && !reflect.DeepEqual(fr[i], sr[i]) {
					t.Errorf("  %s:\n  fast %#v\n  slow %#v", fr[i].URN, fr[i], sr[i])
					break
				}
			}
		}
	}
}

// TestFastReaderDeclinesWhatItCannotRead: malformed or mistyped documents go to
// encoding/json, whose messages name the problem.
func TestFastReaderDeclinesWhatItCannotRead(t *testing.T) {
	for _, b := range []string{`{"steps":[}`, `{"steps":{}}`, `{"steps":[{"op":1}]}`, `{"a":"\x01"}`, `{"n":01}`, `{"a":1}x`, `{"steps":[{"newState":{"custom":"yes"}}]}`} {
		if _, ok := fastDoc([]byte(b)); ok {
			t.Errorf("fastDoc(%s) accepted", b)
		}
	}
}

const replacementDoc = `{"steps":[
 {"op":"delete-replaced","urn":"urn:pulumi:s::p::aws:s3/bucketV2:BucketV2::b","oldState":{"type":"aws:s3/bucketV2:BucketV2","urn":"urn:pulumi:s::p::aws:s3/bucketV2:BucketV2::b","custom":true,"id":"b-1","inputs":{"bucket":"b"},"propertyDependencies":{"bucket":[],"x":["urn:a"]}}},
 {"op":"create-replacement","urn":"urn:pulumi:s::p::aws:s3/bucketV2:BucketV2::b","newState":{"type":"aws:s3/bucketV2:BucketV2","urn":"urn:pulumi:s::p::aws:s3/bucketV2:BucketV2::b","custom":true,"protect":true,"retainOnDelete":false,"inputs":{"bucket":"b"}}}
]}`
