package policies

import (
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/octura/odoo-hosting/internal/contract"
	"github.com/octura/odoo-hosting/internal/jurisdiction"
	"github.com/octura/odoo-hosting/internal/tier"
)

// Stack is what the rules know about the stack: its jurisdiction, tier and
// approvals. It is learnt from the inputs of the root component (contract.RootType,
// read into contract.RootInputs by StackFromInputs) or, for programs that are not
// ours, given by configuration under the same names.
type Stack struct {
	// Source says where the facts came from: the root component's URN,
	// "configuration", or empty when nothing declared them.
	Source       string                    `json:"source,omitempty" yaml:"-"`
	Customer     string                    `json:"customer,omitempty" yaml:"customer"`
	Environment  string                    `json:"environment,omitempty" yaml:"environment"` // production | non-production; empty is treated as production
	Tier         string                    `json:"tier,omitempty" yaml:"tier"`               // odoo-sh | cloud | enterprise | on-premise
	Cloud        string                    `json:"cloud,omitempty" yaml:"cloud"`             // aws | gcp
	Jurisdiction jurisdiction.Jurisdiction `json:"jurisdiction,omitempty" yaml:"jurisdiction"`
	Region       string                    `json:"region,omitempty" yaml:"region"`
	BackupRegion string                    `json:"backupRegion,omitempty" yaml:"backupRegion"`
	Approvals    []Approval                `json:"approvals,omitempty" yaml:"approvals"`
	// SubProcessors are the declared sub-processors (RES-5).
	SubProcessors []SubProcessor `json:"subProcessors,omitempty" yaml:"subProcessors"`
	CustomerKeys  CustomerKeys   `json:"customerKeys,omitempty" yaml:"customerKeys"`
	Backup        Objectives     `json:"backup,omitempty" yaml:"backup"`
	MaskedSource  string         `json:"maskedSource,omitempty" yaml:"maskedSource"`
	// NotZoneOwner says another stack owns the Cloudflare zone's settings and rulesets
	// (root input zoneOwner false): NET-4's zone rules are judged on that stack.
	NotZoneOwner bool `json:"notZoneOwner,omitempty" yaml:"notZoneOwner"`
}

// Approval is a written approval of a cross-border placement (RES-4).
type Approval struct {
	ID          string `json:"id" yaml:"id"`
	Covers      string `json:"covers" yaml:"covers"`           // one sub-processor ID or one resource URN (RES-4); never a pattern
	Destination string `json:"destination" yaml:"destination"` // jurisdiction, ISO country or "global"
	Expires     string `json:"expires" yaml:"expires"`         // YYYY-MM-DD, valid through that day (UTC)
}

// SubProcessor is a declared sub-processor (RES-5).
type SubProcessor struct {
	ID      string  `json:"id" yaml:"id"`
	Name    string  `json:"name,omitempty" yaml:"name"`
	Purpose string  `json:"purpose,omitempty" yaml:"purpose"`
	Places  []Place `json:"places" yaml:"places"`
}

// Place is where a sub-processor keeps data.
type Place struct {
	Label     string   `json:"label" yaml:"label"`
	Countries []string `json:"countries,omitempty" yaml:"countries"`
	Global    bool     `json:"global,omitempty" yaml:"global"`
}

// CustomerKeys are the customer's own keys (ENC-4, enterprise).
type CustomerKeys struct {
	Primary string `json:"primary,omitempty" yaml:"primary"`
	Backup  string `json:"backup,omitempty" yaml:"backup"`
}

// Objectives are the tier's recovery objectives (BAK-1, BAK-2). Zero means not given.
type Objectives struct {
	RPOHours      float64 `json:"rpoHours,omitempty" yaml:"rpoHours"`
	RTOHours      float64 `json:"rtoHours,omitempty" yaml:"rtoHours"`
	RetentionDays float64 `json:"retentionDays,omitempty" yaml:"retentionDays"`
	GFS           bool    `json:"gfs,omitempty" yaml:"gfs"`
}

// Production reports whether the stack is production (an undeclared environment
// is judged as production, the stricter reading).
func (s Stack) Production() bool { return s.Environment != "non-production" }

// StackFromInputs reads a Stack from root component inputs (or from pack
// configuration, which uses the same names). Problems are returned as RES-1
// violations against urn; unknown values are reported, never guessed.
func StackFromInputs(urn string, in map[string]any) (Stack, []Violation) {
	var probs []Violation
	in = maps.Clone(in)
	// Every text fact must be a known string: an unknown one is reported, never guessed.
	for _, key := range []string{"customer", "environment", "tier", "cloud", "jurisdiction", "region", "backupRegion", "maskedSource"} {
		v, ok := in[key]
		if !ok || v == nil {
			continue
		}
		if x, ok := v.(string); !ok || x == Unknown {
			probs = append(probs, Violation{Control: "RES-1", Severity: Mandatory, URN: urn, Value: fmt.Sprint(v),
				Allowed: "a known string", Message: fmt.Sprintf("stack input %q is %s; the policy pack needs it known at preview", key, describe(v))})
			delete(in, key)
		}
	}
	// The inputs are read into the contract's struct: a value of the wrong shape leaves
	// its field empty (encoding/json skips it and reads the rest).
	var root contract.RootInputs
	if b, err := json.Marshal(in); err == nil {
		_ = json.Unmarshal(b, &root)
	}
	s := Stack{Customer: root.Customer, Environment: root.Environment, Tier: root.Tier, Cloud: root.Cloud,
		Jurisdiction: jurisdiction.Jurisdiction(root.Jurisdiction), Region: root.Region, BackupRegion: root.BackupRegion,
		MaskedSource: root.MaskedSource, NotZoneOwner: root.ZoneOwner != nil && !*root.ZoneOwner,
		Backup: Objectives{RPOHours: root.Backup.RPOHours, RTOHours: root.Backup.RTOHours, RetentionDays: root.Backup.RetentionDays, GFS: root.Backup.GFS}}
	for _, a := range root.Approvals {
		s.Approvals = append(s.Approvals, Approval{ID: a.ID, Covers: a.Covers, Destination: a.Destination, Expires: a.Expires})
	}
	for _, p := range root.SubProcessors {
		sp := SubProcessor{ID: p.ID, Name: p.Name, Purpose: p.Purpose}
		for _, pl := range p.Places {
			place := Place{Label: pl.Label, Global: pl.Global}
			for _, c := range pl.Countries {
				place.Countries = append(place.Countries, strings.ToUpper(c))
			}
			sp.Places = append(sp.Places, place)
		}
		s.SubProcessors = append(s.SubProcessors, sp)
	}
	if root.CustomerKeys != nil {
		s.CustomerKeys = CustomerKeys{Primary: root.CustomerKeys.Primary, Backup: root.CustomerKeys.Backup}
	}
	return s, probs
}

// learnStack finds the root component(s) and merges the configured stack.
func learnStack(roots []*Resource, cfg *Stack) (Stack, []Violation) {
	var s Stack
	var probs []Violation
	for i, r := range roots {
		got, p := StackFromInputs(r.URN, r.Inputs)
		probs = append(probs, p...)
		got.Source = r.URN
		if i == 0 {
			s = got
			continue
		}
		if got.Jurisdiction != s.Jurisdiction || got.Region != s.Region || got.Cloud != s.Cloud {
			probs = append(probs, Violation{Control: "RES-1", Severity: Mandatory, URN: r.URN,
				Value:   fmt.Sprintf("%s/%s/%s", got.Jurisdiction, got.Cloud, got.Region),
				Allowed: fmt.Sprintf("%s/%s/%s (one jurisdiction, cloud and primary region per stack)", s.Jurisdiction, s.Cloud, s.Region),
				Message: fmt.Sprintf("a second root component %s declares another jurisdiction, cloud or region than %s", r.URN, s.Source)})
		}
	}
	if cfg == nil {
		return s, probs
	}
	if s.Source == "" {
		c := *cfg
		if c.Source != PreviewConfiguration {
			c.Source = "configuration"
		}
		return c, probs
	}
	if cfg.Jurisdiction != "" && s.Jurisdiction != "" && cfg.Jurisdiction != s.Jurisdiction {
		probs = append(probs, Violation{Control: "RES-1", Severity: Mandatory, URN: s.Source, Value: string(s.Jurisdiction),
			Allowed: string(cfg.Jurisdiction) + " (the configured jurisdiction)",
			Message: fmt.Sprintf("the root component declares jurisdiction %q but the configuration says %q", s.Jurisdiction, cfg.Jurisdiction)})
	}
	fill := func(dst *string, src string) {
		if *dst == "" {
			*dst = src
		}
	}
	fill(&s.Customer, cfg.Customer)
	fill(&s.Environment, cfg.Environment)
	fill(&s.Tier, cfg.Tier)
	fill(&s.Cloud, cfg.Cloud)
	fill(&s.Region, cfg.Region)
	fill(&s.BackupRegion, cfg.BackupRegion)
	fill(&s.MaskedSource, cfg.MaskedSource)
	if s.Jurisdiction == "" {
		s.Jurisdiction = cfg.Jurisdiction
	}
	s.Approvals = append(s.Approvals, cfg.Approvals...)
	if len(s.SubProcessors) == 0 {
		s.SubProcessors = cfg.SubProcessors
	}
	if s.CustomerKeys == (CustomerKeys{}) {
		s.CustomerKeys = cfg.CustomerKeys
	}
	if s.Backup == (Objectives{}) {
		s.Backup = cfg.Backup
	}
	return s, probs
}

// approvalState is the outcome of matching approvals to one placement.
type approvalState struct {
	id      string
	valid   bool
	problem string // why a matching approval does not cover the placement
}

// approve finds the approval for a placement of what (a sub-processor ID or URN) in place.
func (s Stack) approve(what string, place jurisdiction.Place, now time.Time) (approvalState, bool) {
	var best approvalState
	found := false
	for _, a := range s.Approvals {
		if a.ID == "" || a.Covers != what || !validCovers(a.Covers) {
			continue
		}
		found = true
		exp, err := time.Parse("2006-01-02", a.Expires)
		switch {
		case err != nil:
			best = approvalState{id: a.ID, problem: fmt.Sprintf("approval %s has no valid expiry date (%q)", a.ID, a.Expires)}
		case !now.Before(exp.Add(24 * time.Hour)):
			best = approvalState{id: a.ID, problem: fmt.Sprintf("approval %s expired on %s", a.ID, a.Expires)}
		case !destinationCovers(a.Destination, place):
			best = approvalState{id: a.ID, problem: fmt.Sprintf("approval %s allows destination %q, not %s", a.ID, a.Destination, place.Describe())}
		default:
			return approvalState{id: a.ID, valid: true}, true
		}
	}
	return best, found
}

func destinationCovers(dest string, p jurisdiction.Place) bool {
	switch {
	case dest == "global":
		return true
	case p.Global:
		return false
	}
	if j, err := jurisdiction.Parse(dest); err == nil {
		return p.In(j)
	}
	if len(p.Countries) == 0 {
		return false
	}
	for _, c := range p.Countries {
		if !strings.EqualFold(c, dest) {
			return false
		}
	}
	return true
}

// Tiers are the hosting tiers the rules know: the tier model's (internal/tier.All).
var Tiers = func() []string {
	var out []string
	for _, t := range tier.All() {
		out = append(out, string(t))
	}
	return out
}()

// PreviewConfiguration is the Source of a stack learnt from a preview's
// configuration: the plan is then a partial one (an incremental preview without
// --show-sames), so rules that need the whole plan (a backup plan, an audit
// trail, a network exists) do not judge what is absent.
const PreviewConfiguration = "preview configuration"

// ConfigNamespace is the configuration namespace of our Pulumi project.
const ConfigNamespace = "odoo-hosting"

// StackFromConfig reads the stack's facts from a preview's configuration, the
// way the program derives the root component's inputs from it: what the
// configuration leaves to defaults (the backup region, the sub-processors) is
// taken from the jurisdiction model. It returns nil when the configuration holds
// none of our keys.
func StackFromConfig(cfg map[string]string) *Stack {
	get := func(k string) string { return strings.TrimSpace(cfg[ConfigNamespace+":"+k]) }
	s := Stack{Source: PreviewConfiguration, Customer: get("customer"), Environment: get("environment"), Tier: get("tier"),
		Cloud: get("cloud"), Jurisdiction: jurisdiction.Jurisdiction(get("jurisdiction")), Region: get("region"),
		BackupRegion: get("backupRegion"), MaskedSource: get("maskedSource")}
	if s.Customer == "" && s.Jurisdiction == "" && s.Region == "" && s.Tier == "" && s.Cloud == "" {
		return nil
	}
	if s.Cloud == "" {
		s.Cloud = string(jurisdiction.AWS)
	}
	if s.BackupRegion == "" {
		if c, err := jurisdiction.ParseCloud(s.Cloud); err == nil {
			if r, err := jurisdiction.DefaultBackupRegion(c, s.Region); err == nil {
				s.BackupRegion = r.Name
			}
		}
	}
	var approvals []map[string]any
	if raw := get("approvals"); raw != "" && json.Unmarshal([]byte(raw), &approvals) == nil {
		for _, m := range approvals {
			s.Approvals = append(s.Approvals, Approval{ID: text(m["id"]), Covers: text(m["covers"]), Destination: text(m["destination"]), Expires: text(m["expires"])})
		}
	}
	var keys map[string]any
	if raw := get("customerKeys"); raw != "" && json.Unmarshal([]byte(raw), &keys) == nil {
		s.CustomerKeys = CustomerKeys{Primary: text(keys["primary"]), Backup: text(keys["backup"])}
	}
	for _, sp := range jurisdiction.SubProcessors(s.Tier, s.Jurisdiction, s.Tier == "enterprise") {
		d := SubProcessor{ID: sp.ID, Name: sp.Name, Purpose: sp.Purpose}
		for _, p := range sp.Places {
			d.Places = append(d.Places, Place{Label: p.Label, Countries: p.Countries, Global: p.Global})
		}
		s.SubProcessors = append(s.SubProcessors, d)
	}
	return &s
}

// mergeConfigured fills what the explicit configuration leaves empty from the
// preview's configuration.
func mergeConfigured(explicit, preview *Stack) *Stack {
	switch {
	case preview == nil:
		return explicit
	case explicit == nil:
		return preview
	}
	s := *explicit
	fill := func(dst *string, src string) {
		if *dst == "" {
			*dst = src
		}
	}
	fill(&s.Customer, preview.Customer)
	fill(&s.Environment, preview.Environment)
	fill(&s.Tier, preview.Tier)
	fill(&s.Cloud, preview.Cloud)
	fill(&s.Region, preview.Region)
	fill(&s.BackupRegion, preview.BackupRegion)
	if s.Jurisdiction == "" {
		s.Jurisdiction = preview.Jurisdiction
	}
	if len(s.Approvals) == 0 {
		s.Approvals = preview.Approvals
	}
	if len(s.SubProcessors) == 0 {
		s.SubProcessors = preview.SubProcessors
	}
	return &s
}
