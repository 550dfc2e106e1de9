// Package contract holds the facts that the stack program writes and the policy pack
// reads, declared once: the root component's type token and its input properties
// (docs/contracts.md). It uses the standard library only, so that the policies, which
// judge any Pulumi program, can import it without the Pulumi SDK or the components.
package contract

// RootType is the type token of every stack's root component. The stacks register
// it; the policy pack reads the stack's residency facts from its inputs.
const RootType = "odoo-hosting:stack:Customer"

// RootInputs are the input properties of the root component: the residency facts
// the policy pack judges the stack against. The JSON names are the property names in
// the plan and the state (camelCase).
type RootInputs struct {
	Customer     string `json:"customer"`
	Environment  string `json:"environment"`  // production | non-production
	Tier         string `json:"tier"`         // odoo-sh | cloud | enterprise | on-premise
	Cloud        string `json:"cloud"`        // aws | gcp
	Jurisdiction string `json:"jurisdiction"` // us | ca | eu
	Region       string `json:"region"`       // the primary region
	BackupRegion string `json:"backupRegion"` // RES-3
	// Approvals are the written approvals of cross-border placements (RES-4).
	Approvals []Approval `json:"approvals"`
	// SubProcessors are the declared sub-processors and where they keep data (RES-5).
	SubProcessors []SubProcessor `json:"subProcessors"`
	// Backup are the tier's recovery objectives and the retention (BAK-1, BAK-2).
	Backup Backup `json:"backup"`
	// CustomerKeys are the customer's own keys (ENC-4, enterprise only); nil elsewhere.
	CustomerKeys *CustomerKeys `json:"customerKeys,omitempty"`
	// MaskedSource is the masked copy a non-production stack restores from (DAT-1).
	MaskedSource string `json:"maskedSource,omitempty"`
	// ZoneOwner is false when another stack owns the Cloudflare zone's settings and
	// rulesets (NET-4, decision 0035); nil (absent) or true when this stack does.
	ZoneOwner *bool `json:"zoneOwner,omitempty"`
}

// Approval is a written approval of a cross-border placement (RES-4).
type Approval struct {
	ID          string `json:"id"`
	Covers      string `json:"covers"`      // one sub-processor ID or one resource URN; never a pattern
	Destination string `json:"destination"` // a jurisdiction, an ISO country or "global"
	Expires     string `json:"expires"`     // YYYY-MM-DD, valid through that day (UTC)
}

// SubProcessor is a declared sub-processor (RES-5).
type SubProcessor struct {
	ID      string  `json:"id"`
	Name    string  `json:"name"`
	Purpose string  `json:"purpose"`
	Places  []Place `json:"places"`
}

// Place is where a sub-processor keeps data.
type Place struct {
	Label     string   `json:"label"`
	Countries []string `json:"countries"` // ISO 3166-1 alpha-2
	Global    bool     `json:"global"`
}

// CustomerKeys are the customer's key identifiers in the primary and backup regions.
type CustomerKeys struct {
	Primary string `json:"primary"`
	Backup  string `json:"backup"`
}

// Backup are the recovery objectives, in hours, and the retention, in days. The
// stacks write whole numbers; a program that is not ours may write fractions.
type Backup struct {
	RPOHours      float64 `json:"rpoHours"`
	RTOHours      float64 `json:"rtoHours"`
	RetentionDays float64 `json:"retentionDays"`
	GFS           bool    `json:"gfs"`
}
