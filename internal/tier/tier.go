// Package tier is the hosting tier of a stack: the four tiers of the controls
// catalog and what each one is, independent of who uses it. It uses the standard
// library only, so the configuration, the stacks and every component name the tiers
// the same way; each component still decides which tiers it accepts.
package tier

import (
	"fmt"
	"slices"
	"strings"
)

// Tier is a hosting tier.
type Tier string

// The hosting tiers.
const (
	OdooSH     Tier = "odoo-sh"    // Odoo runs on Odoo.sh; we provide edge, keys, off-site backups
	Cloud      Tier = "cloud"      // the whole environment on AWS or GCP
	Enterprise Tier = "enterprise" // cloud plus customer keys, 3 zones, regional edge, Magic Transit, VPN
	OnPremise  Tier = "on-premise" // Odoo runs at the customer; edge, keys, off-site backups, VPN
)

// All lists every tier in a stable order.
func All() []Tier { return []Tier{OdooSH, Cloud, Enterprise, OnPremise} }

// Parse returns the tier named s, or an error naming s and every allowed tier.
func Parse(s string) (Tier, error) {
	t := Tier(s)
	if !slices.Contains(All(), t) {
		return "", fmt.Errorf("tier %q is unknown; allowed: %s", s, allowed())
	}
	return t, nil
}

func allowed() string {
	parts := make([]string, 0, len(All()))
	for _, t := range All() {
		parts = append(parts, string(t))
	}
	return strings.Join(parts, ", ")
}

// RunsApplication reports whether the tier runs Odoo on our cloud (network,
// database and runtime).
func (t Tier) RunsApplication() bool { return t == Cloud || t == Enterprise }

// NeedsNetwork reports whether the tier has a private network: the application
// tiers, and on-premise for its VPN access path.
func (t Tier) NeedsNetwork() bool { return t.RunsApplication() || t == OnPremise }

// ZoneCount is the number of zones the tier requires (NET-1, DAT-2): 3 on
// enterprise, 2 otherwise.
func (t Tier) ZoneCount() int {
	if t == Enterprise {
		return 3
	}
	return 2
}

// Objectives returns the tier's fixed recovery point and recovery time objectives,
// in hours (BAK-1): odoo-sh 24/8, cloud and enterprise 1/4. fixed is false on
// on-premise, whose objectives are configured, and on an unknown tier.
func (t Tier) Objectives() (rpoHours, rtoHours int, fixed bool) {
	switch t {
	case OdooSH:
		return 24, 8, true
	case Cloud, Enterprise:
		return 1, 4, true
	}
	return 0, 0, false
}

// RPOHours is the recovery point objective, in hours, of a stack of tier t (BAK-1):
// the tier's fixed objective, or configured on a tier whose stacks state their own
// (on-premise). The configuration, the backup rules and the policy pack all ask here.
func (t Tier) RPOHours(configured int) int {
	if rpo, _, fixed := t.Objectives(); fixed {
		return rpo
	}
	return configured
}

// RTOHours is the recovery time objective, in hours, of a stack of tier t (BAK-1),
// read as RPOHours is.
func (t Tier) RTOHours(configured int) int {
	if _, rto, fixed := t.Objectives(); fixed {
		return rto
	}
	return configured
}
