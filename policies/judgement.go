package policies

// Judgement: turning a resolved placement into violations.

import (
	"fmt"
	"strings"

	"github.com/octura/odoo-hosting/internal/jurisdiction"
)

// judgePlacement turns one resolved placement into violations: none when inside
// the jurisdiction, RES-4 advisory when approved, RES-4 mandatory when an approval
// matches but is expired or too narrow, and control mandatory otherwise.
func (e *env) judgePlacement(control string, r *Resource, what string, p resolved, covers ...string) []Violation {
	j := e.stack.Jurisdiction
	switch p.status {
	case placeUnknown:
		return []Violation{{Control: control, Severity: Mandatory, URN: r.URN, Value: "unknown",
			Allowed: e.allowedRegions(r), Message: fmt.Sprintf("%s of %s is unknown at preview (%s), so it cannot be shown to lie in jurisdiction %s", what, r.Type, p.from, jOr(j))}}
	case placeUnresolvable:
		return []Violation{{Control: control, Severity: Mandatory, URN: r.URN, Value: p.value,
			Allowed: e.allowedRegions(r), Message: fmt.Sprintf("%s of %s cannot be resolved to a region (%s)", what, r.Type, p.from)}}
	}
	if j == "" {
		return nil // RES-1 reports the missing jurisdiction once per data resource
	}
	if p.place.In(j) {
		return nil
	}
	covers = append(covers, r.URN)
	for _, c := range covers {
		st, found := e.stack.approve(c, p.place, e.now)
		if !found {
			continue
		}
		if st.valid {
			return []Violation{{Control: "RES-4", Severity: Advisory, URN: r.URN, Value: p.place.Describe(), ApprovalID: st.id,
				Allowed: "approved by " + st.id, Message: fmt.Sprintf("%s (%s) lies outside jurisdiction %s; approved by %s", what, p.place.Describe(), j, st.id)}}
		}
		return []Violation{{Control: "RES-4", Severity: Mandatory, URN: r.URN, Value: p.place.Describe(), ApprovalID: st.id,
			Allowed: e.allowedRegions(r), Message: fmt.Sprintf("%s (%s) lies outside jurisdiction %s and %s", what, p.place.Describe(), j, st.problem)}}
	}
	return []Violation{{Control: control, Severity: Mandatory, URN: r.URN, Value: p.value,
		Allowed: e.allowedRegions(r), Message: fmt.Sprintf("%s %s (%s) lies outside jurisdiction %s and no approval covers it", what, p.value, p.place.Describe(), j)}}
}

func jOr(j jurisdiction.Jurisdiction) string {
	if j == "" {
		return "(none declared)"
	}
	return string(j)
}

func (e *env) allowedRegions(r *Resource) string {
	j := e.stack.Jurisdiction
	if j == "" {
		return "a declared jurisdiction"
	}
	c := jurisdiction.Cloud(cloudOf(r.Type))
	if c != jurisdiction.AWS && c != jurisdiction.GCP {
		c = jurisdiction.Cloud(e.stack.Cloud)
	}
	if c != jurisdiction.AWS && c != jurisdiction.GCP {
		return "a place in jurisdiction " + string(j)
	}
	return "regions of " + string(j) + ": " + strings.Join(jurisdiction.RegionNames(jurisdiction.Regions(c, j)), ", ")
}

func violation(control string, r *Resource, value any, allowed, format string, args ...any) Violation {
	return Violation{Control: control, Severity: Mandatory, URN: r.URN, Value: show(value), Allowed: allowed, Message: fmt.Sprintf(format, args...)}
}
