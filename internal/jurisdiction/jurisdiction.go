// Package jurisdiction is the residency model of odoo-hosting: the jurisdictions a
// stack can be placed in, every region AWS and GCP offer with the country its data
// centres are in, multi- and dual-region storage locations, the default backup
// pairing of each region (RES-3) and the sub-processors of RES-5.
//
// A region belongs to a jurisdiction by the country of its data centres, never by
// its name (RES-1): "eu-west-2" is London and "europe-west6" is Zurich, neither in
// the European Union; "northamerica-south1" is in Mexico.
//
// The package imports only the standard library, so that the configuration, the
// components and the policy pack can all share it.
package jurisdiction

import (
	"fmt"
	"sort"
	"strings"
)

// Jurisdiction is a legal area customer data may be kept in.
type Jurisdiction string

// The jurisdictions a stack can name.
const (
	US Jurisdiction = "us" // United States of America
	CA Jurisdiction = "ca" // Canada
	EU Jurisdiction = "eu" // European Union member states
)

// All lists every jurisdiction in a stable order.
func All() []Jurisdiction { return []Jurisdiction{US, CA, EU} }

// Parse returns the jurisdiction named s, or an error that lists the allowed names.
func Parse(s string) (Jurisdiction, error) {
	for _, j := range All() {
		if string(j) == s {
			return j, nil
		}
	}
	return "", fmt.Errorf("unknown jurisdiction %q; allowed: %s", s, joinStrings(All()))
}

// Title is the jurisdiction's name for people.
func (j Jurisdiction) Title() string {
	switch j {
	case US:
		return "United States"
	case CA:
		return "Canada"
	case EU:
		return "European Union"
	}
	return string(j)
}

// euMembers are the ISO 3166-1 alpha-2 codes of the 27 EU member states.
var euMembers = map[string]bool{
	"AT": true, "BE": true, "BG": true, "HR": true, "CY": true, "CZ": true, "DK": true,
	"EE": true, "FI": true, "FR": true, "DE": true, "GR": true, "HU": true, "IE": true,
	"IT": true, "LV": true, "LT": true, "LU": true, "MT": true, "NL": true, "PL": true,
	"PT": true, "RO": true, "SK": true, "SI": true, "ES": true, "SE": true,
}

// OfCountry returns the jurisdiction an ISO 3166-1 alpha-2 country belongs to, and
// false when it belongs to none (Switzerland, the United Kingdom and Mexico among them).
func OfCountry(country string) (Jurisdiction, bool) {
	switch {
	case country == "US":
		return US, true
	case country == "CA":
		return CA, true
	case euMembers[country]:
		return EU, true
	}
	return "", false
}

// Cloud is a cloud provider customer environments run on.
type Cloud string

// The clouds a stack can name.
const (
	AWS Cloud = "aws"
	GCP Cloud = "gcp"
)

// Clouds lists every cloud in a stable order.
func Clouds() []Cloud { return []Cloud{AWS, GCP} }

// ParseCloud returns the cloud named s, or an error that lists the allowed names.
func ParseCloud(s string) (Cloud, error) {
	for _, c := range Clouds() {
		if string(c) == s {
			return c, nil
		}
	}
	return "", fmt.Errorf("unknown cloud %q; allowed: %s", s, joinStrings(Clouds()))
}

// Region is one region of a cloud, placed by the country of its data centres.
type Region struct {
	Cloud Cloud
	// Name is the provider's identifier, such as "eu-west-1" or "europe-west1".
	Name string
	// City is where the data centres are, for people.
	City string
	// Country is the ISO 3166-1 alpha-2 code of the data centres' country.
	Country string
	// Partition is the provider partition (AWS: "aws", "aws-us-gov", "aws-cn",
	// "aws-eusc"); replication and copies work only within one partition.
	Partition string
}

// Jurisdiction returns the region's jurisdiction, and false when it lies in none.
func (r Region) Jurisdiction() (Jurisdiction, bool) { return OfCountry(r.Country) }

// In reports whether the region lies in jurisdiction j.
func (r Region) In(j Jurisdiction) bool {
	got, ok := r.Jurisdiction()
	return ok && got == j
}

// String is "<cloud>:<name>".
func (r Region) String() string { return string(r.Cloud) + ":" + r.Name }

// Lookup returns the region of cloud c named name.
func Lookup(c Cloud, name string) (Region, bool) {
	r, ok := regionIndex[c][name]
	return r, ok
}

// Regions returns every region of cloud c in jurisdiction j, sorted by name.
func Regions(c Cloud, j Jurisdiction) []Region {
	var out []Region
	for _, r := range regionTable[c] {
		if r.In(j) {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Name < out[b].Name })
	return out
}

// AllRegions returns every known region of cloud c, in table order.
func AllRegions(c Cloud) []Region { return append([]Region(nil), regionTable[c]...) }

// RegionNames returns the names of regions, in order.
func RegionNames(rs []Region) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Name
	}
	return out
}

// DefaultBackupRegion returns the region backups of primary are copied to (RES-3):
// another region of the same cloud, partition and jurisdiction. It returns an error,
// never a fallback, when primary is unknown, lies in no jurisdiction, or has no
// partner in its jurisdiction.
func DefaultBackupRegion(c Cloud, primary string) (Region, error) {
	p, ok := Lookup(c, primary)
	if !ok {
		return Region{}, fmt.Errorf("unknown %s region %q", c, primary)
	}
	j, ok := p.Jurisdiction()
	if !ok {
		return Region{}, fmt.Errorf("%s region %q (%s, %s) lies in no supported jurisdiction", c, primary, p.City, p.Country)
	}
	name, ok := backupPairs[c][primary]
	if !ok {
		return Region{}, fmt.Errorf("%s region %q has no second region in jurisdiction %s within partition %s to hold backup copies; choose another primary region",
			c, primary, j, p.Partition)
	}
	return regionIndex[c][name], nil
}

// BackupRegionError says why a region cannot hold a primary region's backup copies.
type BackupRegionError struct {
	Backup  string   // the refused region
	Reason  string   // what is wrong, without the region's name
	Allowed []string // the regions that would do; ["none"] when there is none
}

func (e *BackupRegionError) Error() string {
	return fmt.Sprintf("%q %s; allowed: %s", e.Backup, e.Reason, strings.Join(e.Allowed, ", "))
}

// CheckBackupRegion reports whether backup may hold the backup copies of primary:
// both known, different, in the same jurisdiction and partition (RES-3). A refusal
// of backup is a *BackupRegionError; an unusable primary is a plain error.
func CheckBackupRegion(c Cloud, primary, backup string) error {
	p, ok := Lookup(c, primary)
	if !ok {
		return fmt.Errorf("unknown %s region %q", c, primary)
	}
	j, ok := p.Jurisdiction()
	if !ok {
		return fmt.Errorf("%s region %q lies in no supported jurisdiction", c, primary)
	}
	refuse := func(format string, args ...any) error {
		return &BackupRegionError{Backup: backup, Reason: fmt.Sprintf(format, args...), Allowed: backupCandidates(p, j)}
	}
	b, ok := Lookup(c, backup)
	switch {
	case !ok:
		return refuse("is not a known %s region", c)
	case b.Name == p.Name:
		return refuse("is the primary region; backups need a second region")
	case !b.In(j):
		return refuse("(%s, %s) is outside jurisdiction %s", b.City, b.Country, j)
	case b.Partition != p.Partition:
		return refuse("is in partition %s, the primary region in %s", b.Partition, p.Partition)
	}
	return nil
}

// PairedRegions lists the regions of cloud c in jurisdiction j that have a default
// backup region: the primary regions a stack of j can use.
func PairedRegions(c Cloud, j Jurisdiction) []string {
	var out []string
	for _, r := range Regions(c, j) {
		if _, ok := backupPairs[c][r.Name]; ok {
			out = append(out, r.Name)
		}
	}
	return out
}

// KnownCountry reports whether cc is a country the model knows: a country of some
// region, or an EU member state.
func KnownCountry(cc string) bool {
	if euMembers[cc] || cc == "US" || cc == "CA" {
		return true
	}
	for _, rs := range regionTable {
		for _, r := range rs {
			if r.Country == cc {
				return true
			}
		}
	}
	return false
}

func backupCandidates(p Region, j Jurisdiction) []string {
	var out []string
	for _, r := range Regions(p.Cloud, j) {
		if r.Name != p.Name && r.Partition == p.Partition {
			out = append(out, r.Name)
		}
	}
	if len(out) == 0 {
		return []string{"none"}
	}
	return out
}

func joinStrings[T ~string](xs []T) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = string(x)
	}
	return strings.Join(parts, ", ")
}
