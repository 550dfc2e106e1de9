package jurisdiction

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Location is a storage location that spans several regions: a GCS multi-region or
// dual-region. Data placed there may sit in any member region, so it is inside a
// jurisdiction only when every member is (RES-2).
type Location struct {
	Cloud Cloud
	// Name is the provider's identifier, such as "EU" or "NAM4".
	Name string
	// Regions are the member regions; for a multi-region, every region the
	// provider may place data in.
	Regions []string
	// Countries are the countries the provider may keep data in. For a multi-region
	// it is the provider's stated boundary (the EU multi-region stays in EU member
	// states), which may be wider than the member regions.
	Countries []string
}

// In reports whether every country of the location lies in j.
func (l Location) In(j Jurisdiction) bool {
	if len(l.Countries) == 0 {
		return false
	}
	for _, c := range l.Countries {
		if got, ok := OfCountry(c); !ok || got != j {
			return false
		}
	}
	return true
}

// gcsLocations are the GCS multi-regions and predefined dual-regions.
var gcsLocations = []Location{
	{Cloud: GCP, Name: "US", Regions: RegionNames(Regions(GCP, US)), Countries: []string{"US"}},
	{Cloud: GCP, Name: "EU", Regions: RegionNames(Regions(GCP, EU)), Countries: []string{"AT", "BE", "DE", "ES", "FI", "FR", "IT", "NL", "PL", "SE"}},
	{Cloud: GCP, Name: "ASIA", Regions: []string{"asia-east1", "asia-east2", "asia-northeast1", "asia-northeast2", "asia-northeast3", "asia-south1", "asia-south2", "asia-southeast1", "asia-southeast2"}, Countries: []string{"HK", "IN", "ID", "JP", "KR", "SG", "TW"}},
	{Cloud: GCP, Name: "NAM4", Regions: []string{"us-central1", "us-east1"}, Countries: []string{"US"}},
	{Cloud: GCP, Name: "EUR4", Regions: []string{"europe-north1", "europe-west4"}, Countries: []string{"FI", "NL"}},
	{Cloud: GCP, Name: "EUR5", Regions: []string{"europe-west1", "europe-west2"}, Countries: []string{"BE", "GB"}},
	{Cloud: GCP, Name: "EUR7", Regions: []string{"europe-west2", "europe-west3"}, Countries: []string{"GB", "DE"}},
	{Cloud: GCP, Name: "EUR8", Regions: []string{"europe-west3", "europe-west6"}, Countries: []string{"DE", "CH"}},
	{Cloud: GCP, Name: "ASIA1", Regions: []string{"asia-northeast1", "asia-northeast2"}, Countries: []string{"JP"}},
}

// Locations returns the multi- and dual-region locations of cloud c.
func Locations(c Cloud) []Location {
	if c == GCP {
		return append([]Location(nil), gcsLocations...)
	}
	return nil
}

// LookupLocation returns the multi- or dual-region location named name (any case).
func LookupLocation(c Cloud, name string) (Location, bool) {
	for _, l := range Locations(c) {
		if strings.EqualFold(l.Name, name) {
			return l, true
		}
	}
	return Location{}, false
}

// Place is where some data sits, resolved from a region, a multi-region location
// or a country list: what the residency rules compare with a jurisdiction.
type Place struct {
	// Label names the place for people ("aws:eu-west-1", "gcp:EUR5", "global").
	Label string
	// Countries are the countries the data may sit in; empty with Global.
	Countries []string
	// Global is true when the data may sit anywhere (a global edge network).
	Global bool
}

// In reports whether the place lies wholly in j.
func (p Place) In(j Jurisdiction) bool {
	if p.Global || len(p.Countries) == 0 {
		return false
	}
	for _, c := range p.Countries {
		if got, ok := OfCountry(c); !ok || got != j {
			return false
		}
	}
	return true
}

// Resolve turns a cloud location name (region, multi-region or dual-region, any
// case for the latter) into a Place. It returns false for unknown names.
func Resolve(c Cloud, name string) (Place, bool) {
	if r, ok := Lookup(c, name); ok {
		return Place{Label: r.String(), Countries: []string{r.Country}}, true
	}
	if l, ok := LookupLocation(c, name); ok {
		return Place{Label: string(c) + ":" + l.Name, Countries: append([]string(nil), l.Countries...)}, true
	}
	return Place{}, false
}

// SubProcessor is a third party that receives customer data (RES-5).
type SubProcessor struct {
	// ID is the stable identifier approvals refer to ("cloudflare").
	ID string
	// Name is the legal or trade name.
	Name string
	// Purpose says what data it receives and why.
	Purpose string
	// Places are where its data sits.
	Places []Place
	// Tiers limits the sub-processor to some tiers; empty means every tier.
	Tiers []string
}

// In reports whether every place of the sub-processor lies in j.
func (s SubProcessor) In(j Jurisdiction) bool {
	for _, p := range s.Places {
		if !p.In(j) {
			return false
		}
	}
	return len(s.Places) > 0
}

// placeLabels is the sub-processor's places, joined for people.
func (s SubProcessor) placeLabels() string {
	parts := make([]string, len(s.Places))
	for i, p := range s.Places {
		parts[i] = p.Label
	}
	return strings.Join(parts, ", ")
}

var subProcessors = []SubProcessor{
	{
		ID: "cloudflare", Name: "Cloudflare, Inc.",
		Purpose: "edge: DNS, TLS termination, WAF and caching of every customer request",
		Places: []Place{
			{Label: "global edge", Global: true},
			{Label: "EU control plane", Countries: []string{"DE", "NL", "PT"}},
		},
	},
	{
		ID: "error-monitoring", Name: "Error monitoring service",
		Purpose: "application error reports, which can carry request data",
		Places:  []Place{{Label: "EU, Frankfurt", Countries: []string{"DE"}}},
	},
	{
		ID: "odoo-sa", Name: "Odoo S.A.",
		Purpose: "runs the Odoo application and its database on Odoo.sh",
		Places:  []Place{{Label: "EU, Belgium", Countries: []string{"BE"}}},
		Tiers:   []string{"odoo-sh"},
	},
}

// RegionalEdge is the Cloudflare edge with Regional Services for jurisdiction j
// (RES-6): TLS is terminated only in data centres inside it.
func RegionalEdge(j Jurisdiction) Place {
	switch j {
	case US:
		return Place{Label: "Cloudflare regional services: us", Countries: []string{"US"}}
	case CA:
		return Place{Label: "Cloudflare regional services: ca", Countries: []string{"CA"}}
	case EU:
		return Place{Label: "Cloudflare regional services: eu", Countries: []string{"AT", "BE", "DE", "FR", "IE", "IT", "NL", "PL", "ES", "SE"}}
	}
	return Place{Label: "unknown", Global: true}
}

// RegionalServicesKey is the Cloudflare Regional Services region key of j.
func RegionalServicesKey(j Jurisdiction) string {
	switch j {
	case US:
		return "us"
	case CA:
		return "ca"
	case EU:
		return "eu"
	}
	return ""
}

// SubProcessors returns the sub-processors of a stack on tier, in a stable order.
// With regionalEdge (enterprise, RES-6) Cloudflare's edge is confined to j.
func SubProcessors(tier string, j Jurisdiction, regionalEdge bool) []SubProcessor {
	var out []SubProcessor
	for _, s := range subProcessors {
		if len(s.Tiers) > 0 && !slices.Contains(s.Tiers, tier) {
			continue
		}
		s.Places = append([]Place(nil), s.Places...)
		if s.ID == "cloudflare" && regionalEdge {
			s.Places[0] = RegionalEdge(j)
		}
		out = append(out, s)
	}
	return out
}

// SubProcessorIDs lists every known sub-processor ID, sorted.
func SubProcessorIDs() []string {
	var out []string
	for _, s := range subProcessors {
		out = append(out, s.ID)
	}
	sort.Strings(out)
	return out
}

// Describe is a one-line account of where a place is, for messages.
func (p Place) Describe() string {
	if p.Global {
		return p.Label + " (anywhere)"
	}
	return fmt.Sprintf("%s (%s)", p.Label, strings.Join(p.Countries, ", "))
}
