package check_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/octura/odoo-hosting/policies/check"
)

const plan = `{"steps":[
 {"op":"create","urn":"urn:pulumi:acme::odoo-hosting::odoo-hosting:stack:Customer::acme-eu-west-1","newState":{"type":"odoo-hosting:stack:Customer","urn":"urn:pulumi:acme::odoo-hosting::odoo-hosting:stack:Customer::acme-eu-west-1","custom":false,
   "inputs":{"customer":"acme","environment":"non-production","tier":"odoo-sh","cloud":"aws","jurisdiction":"eu","region":"eu-west-1","backupRegion":"eu-central-1","maskedSource":"acme-masked",
   "subProcessors":[{"id":"odoo-sa","places":[{"label":"EU, Belgium","countries":["BE"]}]}],"backup":{"rpoHours":24,"rtoHours":8,"retentionDays":35}}}},
 {"op":"create","urn":"urn:pulumi:acme::odoo-hosting::pulumi:providers:aws::us","newState":{"type":"pulumi:providers:aws","urn":"urn:pulumi:acme::odoo-hosting::pulumi:providers:aws::us","custom":true,"inputs":{"region":"us-east-1"}}},
 {"op":"create","urn":"urn:pulumi:acme::odoo-hosting::aws:kms/key:Key::k","newState":{"type":"aws:kms/key:Key","urn":"urn:pulumi:acme::odoo-hosting::aws:kms/key:Key::k","custom":true,
   "parent":"urn:pulumi:acme::odoo-hosting::odoo-hosting:stack:Customer::acme-eu-west-1","provider":"urn:pulumi:acme::odoo-hosting::pulumi:providers:aws::us::id","inputs":{"enableKeyRotation":true},"retainOnDelete":true}}
]}`

func run(args []string, stdin string) (int, string, string) {
	var out, errb bytes.Buffer
	code := check.Main(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestExitCodes(t *testing.T) {
	code, out, _ := run([]string{"--now", "2026-06-01", "-"}, plan)
	if code != check.Violated || !strings.Contains(out, "RES-2 MANDATORY urn:pulumi:acme::odoo-hosting::aws:kms/key:Key::k") {
		t.Fatalf("code %d\n%s", code, out)
	}
	if code, _, errs := run([]string{"-"}, `{"steps": [`); code != check.BadInput || !strings.Contains(errs, "stdin: truncated JSON") {
		t.Errorf("truncated: code %d %s", code, errs)
	}
	if code, _, _ := run([]string{"/nonexistent.json"}, ""); code != check.BadInput {
		t.Errorf("missing file: code %d", code)
	}
	if code, _, _ := run([]string{"--format", "xml", "-"}, plan); code != check.BadInput {
		t.Errorf("bad format: code %d", code)
	}
	ok := strings.ReplaceAll(plan, "aws:kms/key:Key", "aws:ec2/eip:Eip") // no data resource left
	if code, out, _ := run([]string{"--now", "2026-06-01", "-"}, ok); code != check.OK {
		t.Errorf("compliant plan: code %d\n%s", code, out)
	}
}

func TestJSONAndSARIF(t *testing.T) {
	code, out, _ := run([]string{"--format", "json", "-"}, plan)
	if code != check.Violated {
		t.Fatalf("json: code %d, want %d (violations)", code, check.Violated)
	}
	var rep struct {
		Mandatory  int
		Violations []struct{ Control, Severity, URN string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Mandatory == 0 {
		t.Fatalf("%v %s", err, out)
	}
	code, out, _ = run([]string{"--format", "sarif", "-"}, plan)
	if code != check.Violated {
		t.Fatalf("sarif: code %d, want %d (violations)", code, check.Violated)
	}
	var log struct {
		Version string
		Runs    []struct {
			Results []struct{ RuleID, Level string }
		}
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil || log.Version != "2.1.0" || len(log.Runs[0].Results) == 0 || log.Runs[0].Results[0].Level != "error" {
		t.Fatalf("%v %s", err, out)
	}
}

func TestForeignProgramWithFlags(t *testing.T) {
	foreign := `{"version":3,"deployment":{"resources":[
 {"urn":"urn:pulumi:s::p::pulumi:providers:aws::default","custom":true,"type":"pulumi:providers:aws","inputs":{"region":"us-east-1"}},
 {"urn":"urn:pulumi:s::p::aws:s3/bucketV2:BucketV2::b","custom":true,"type":"aws:s3/bucketV2:BucketV2","inputs":{}}]}}`
	code, out, _ := run([]string{"-"}, foreign)
	if code != check.Violated || !strings.Contains(out, "RES-1") {
		t.Fatalf("no jurisdiction: code %d\n%s", code, out)
	}
	code, _, _ = run([]string{"--jurisdiction", "us", "--tier", "cloud", "--cloud", "aws", "--region", "us-east-1", "--controls-unused", "-"}, foreign)
	if code != check.BadInput {
		t.Fatalf("unknown flag: code %d", code)
	}
	// Configured for us: RES-1 and RES-2 are met; other controls (RES-3: no backup
	// region) still fail, so the exit code stays Violated.
	code, out, _ = run([]string{"--jurisdiction", "us", "--cloud", "aws", "--region", "us-east-1", "-"}, foreign)
	if code != check.Violated || !strings.Contains(out, "RES-3 MANDATORY") || strings.Contains(out, "RES-1") || strings.Contains(out, "RES-2") {
		t.Fatalf("configured us: code %d\n%s", code, out)
	}
}
