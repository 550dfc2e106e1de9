// Package output renders a policies.Report as text, JSON or SARIF 2.1.0.
package output

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/octura/odoo-hosting/policies"
)

// Formats lists the output formats.
var Formats = []string{"text", "json", "sarif"}

// Write renders rep in format to w.
func Write(w io.Writer, format string, rep policies.Report) error {
	switch format {
	case "", "text":
		return Text(w, rep)
	case "json":
		return JSON(w, rep)
	case "sarif":
		return SARIF(w, rep)
	}
	return fmt.Errorf("unknown format %q; allowed: %s", format, strings.Join(Formats, ", "))
}

// Text writes one line per violation, then a summary.
func Text(w io.Writer, rep policies.Report) error {
	var b strings.Builder
	s := rep.Stack
	src := s.Source
	if src == "" {
		src = "nothing (no root component " + policies.RootType + ", no configuration)"
	}
	fmt.Fprintf(&b, "stack: jurisdiction %s, tier %s, cloud %s, region %s (from %s)\n", or(string(s.Jurisdiction)), or(s.Tier), or(s.Cloud), or(s.Region), src)
	for _, v := range rep.Violations {
		fmt.Fprintf(&b, "%s %s %s\n    %s\n    value: %s; allowed: %s\n", v.Control, strings.ToUpper(string(v.Severity)), v.URN, v.Message, v.Value, v.Allowed)
		if v.ApprovalID != "" {
			fmt.Fprintf(&b, "    approval: %s\n", v.ApprovalID)
		}
	}
	m := rep.Mandatory()
	fmt.Fprintf(&b, "%d resources checked: %d mandatory, %d advisory violation(s)\n", rep.Resources, m, len(rep.Violations)-m)
	_, err := io.WriteString(w, b.String())
	return err
}

func or(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// JSON writes the report as one JSON object.
func JSON(w io.Writer, rep policies.Report) error {
	if rep.Violations == nil {
		rep.Violations = []policies.Violation{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		policies.Report
		Mandatory int `json:"mandatory"`
	}{rep, rep.Mandatory()})
}

// SARIF writes a SARIF 2.1.0 log: one rule per control ID, one result per
// violation (level error for mandatory, note for advisory).
func SARIF(w io.Writer, rep policies.Report) error {
	type msg struct {
		Text string `json:"text"`
	}
	type rule struct {
		ID               string `json:"id"`
		ShortDescription msg    `json:"shortDescription"`
	}
	type location struct {
		LogicalLocations []map[string]string `json:"logicalLocations"`
	}
	type result struct {
		RuleID     string         `json:"ruleId"`
		Level      string         `json:"level"`
		Message    msg            `json:"message"`
		Locations  []location     `json:"locations"`
		Properties map[string]any `json:"properties"`
	}
	var rules []rule
	for _, r := range policies.Rules() {
		rules = append(rules, rule{ID: r.Control, ShortDescription: msg{r.Title}})
	}
	results := []result{}
	for _, v := range rep.Violations {
		level := "error"
		if v.Severity == policies.Advisory {
			level = "note"
		}
		props := map[string]any{"severity": v.Severity, "value": v.Value, "allowed": v.Allowed}
		if v.ApprovalID != "" {
			props["approvalId"] = v.ApprovalID
		}
		results = append(results, result{RuleID: v.Control, Level: level, Message: msg{v.Message},
			Locations:  []location{{LogicalLocations: []map[string]string{{"fullyQualifiedName": v.URN, "kind": "resource"}}}},
			Properties: props})
	}
	log := map[string]any{
		"version": "2.1.0",
		"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
		"runs": []any{map[string]any{
			"tool":    map[string]any{"driver": map[string]any{"name": "odoo-hosting-policies", "informationUri": "https://github.com/octura/odoo-hosting", "rules": rules}},
			"results": results,
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(log)
}
