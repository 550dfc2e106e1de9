package output_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/octura/odoo-hosting/policies"
	"github.com/octura/odoo-hosting/policies/output"
)

// report is one mandatory and one advisory violation of a declared EU stack.
func report() policies.Report {
	return policies.Report{
		Stack:     policies.Stack{Source: "urn:root", Jurisdiction: "eu", Tier: "cloud", Cloud: "aws", Region: "eu-west-1"},
		Resources: 3,
		Violations: []policies.Violation{
			{Control: "RES-2", Severity: policies.Mandatory, URN: "urn:b", Value: "us-east-1", Allowed: "regions of eu", Message: "the region us-east-1 lies outside jurisdiction eu"},
			{Control: "RES-4", Severity: policies.Advisory, URN: "urn:c", Value: "US", Allowed: "approved by A-1", Message: "approved", ApprovalID: "A-1"},
		},
	}
}

func TestTextFormat(t *testing.T) {
	var b bytes.Buffer
	if err := output.Write(&b, "text", report()); err != nil {
		t.Fatal(err)
	}
	want := `stack: jurisdiction eu, tier cloud, cloud aws, region eu-west-1 (from urn:root)
RES-2 MANDATORY urn:b
    the region us-east-1 lies outside jurisdiction eu
    value: us-east-1; allowed: regions of eu
RES-4 ADVISORY urn:c
    approved
    value: US; allowed: approved by A-1
    approval: A-1
3 resources checked: 1 mandatory, 1 advisory violation(s)
`
	if b.String() != want {
		t.Errorf("text:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestTextFormatNamesAMissingStack(t *testing.T) {
	var b bytes.Buffer
	if err := output.Text(&b, policies.Report{}); err != nil {
		t.Fatal(err)
	}
	want := "stack: jurisdiction (none), tier (none), cloud (none), region (none) (from nothing (no root component odoo-hosting:stack:Customer, no configuration))\n0 resources checked: 0 mandatory, 0 advisory violation(s)\n"
	if b.String() != want {
		t.Errorf("text = %q, want %q", b.String(), want)
	}
}

func TestJSONFormat(t *testing.T) {
	var b bytes.Buffer
	if err := output.Write(&b, "json", report()); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Stack      map[string]any   `json:"stack"`
		Resources  int              `json:"resources"`
		Mandatory  int              `json:"mandatory"`
		Violations []map[string]any `json:"violations"`
	}
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Resources != 3 || got.Mandatory != 1 || len(got.Violations) != 2 {
		t.Fatalf("resources %d, mandatory %d, violations %d; want 3, 1, 2", got.Resources, got.Mandatory, len(got.Violations))
	}
	if got.Stack["jurisdiction"] != "eu" || got.Stack["source"] != "urn:root" {
		t.Errorf("stack = %v", got.Stack)
	}
	v := got.Violations[0]
	for k, want := range map[string]string{"control": "RES-2", "severity": "mandatory", "urn": "urn:b", "value": "us-east-1", "allowed": "regions of eu"} {
		if v[k] != want {
			t.Errorf("violations[0].%s = %v, want %q", k, v[k], want)
		}
	}
	if _, ok := v["approvalId"]; ok {
		t.Errorf("violations[0] has an approvalId: %v", v)
	}
	if got.Violations[1]["approvalId"] != "A-1" {
		t.Errorf("violations[1].approvalId = %v, want A-1", got.Violations[1]["approvalId"])
	}
	// An empty report prints an empty list, never null.
	b.Reset()
	if err := output.JSON(&b, policies.Report{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b.Bytes(), []byte(`"violations": []`)) {
		t.Errorf("empty report: %s", b.String())
	}
}

func TestSARIFFormat(t *testing.T) {
	var b bytes.Buffer
	if err := output.Write(&b, "sarif", report()); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name  string `json:"name"`
					Rules []struct {
						ID string `json:"id"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string                `json:"ruleId"`
				Level     string                `json:"level"`
				Message   struct{ Text string } `json:"message"`
				Locations []struct {
					LogicalLocations []map[string]string `json:"logicalLocations"`
				} `json:"locations"`
				Properties map[string]any `json:"properties"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("version %q, %d runs; want 2.1.0 and 1", log.Version, len(log.Runs))
	}
	run := log.Runs[0]
	if run.Tool.Driver.Name != "odoo-hosting-policies" || len(run.Tool.Driver.Rules) != len(policies.Rules()) || run.Tool.Driver.Rules[0].ID != "RES-1" {
		t.Errorf("driver %q with %d rules (first %v); want odoo-hosting-policies with one rule per control, RES-1 first", run.Tool.Driver.Name, len(run.Tool.Driver.Rules), run.Tool.Driver.Rules[0])
	}
	if len(run.Results) != 2 {
		t.Fatalf("%d results, want 2", len(run.Results))
	}
	r0, r1 := run.Results[0], run.Results[1]
	if r0.RuleID != "RES-2" || r0.Level != "error" || r0.Message.Text != "the region us-east-1 lies outside jurisdiction eu" ||
		r0.Locations[0].LogicalLocations[0]["fullyQualifiedName"] != "urn:b" || r0.Properties["value"] != "us-east-1" {
		t.Errorf("results[0] = %+v", r0)
	}
	if r1.RuleID != "RES-4" || r1.Level != "note" || r1.Properties["approvalId"] != "A-1" {
		t.Errorf("results[1] = %+v", r1)
	}
}

func TestUnknownFormat(t *testing.T) {
	err := output.Write(&bytes.Buffer{}, "xml", report())
	if err == nil || err.Error() != `unknown format "xml"; allowed: text, json, sarif` {
		t.Errorf("err = %v", err)
	}
}
