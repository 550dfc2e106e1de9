package jurisdiction

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// none marks a region that lies in no supported jurisdiction.
const none Jurisdiction = ""

func jurisdictionOf(r Region) Jurisdiction {
	j, ok := r.Jurisdiction()
	if !ok {
		return none
	}
	return j
}

// TestRES1_KnownRegions pins the country, and so the jurisdiction, of regions whose
// names mislead: a region belongs to a jurisdiction by the country of its data
// centres, never by its name (RES-1).
func TestRES1_KnownRegions(t *testing.T) {
	cases := []struct {
		cloud   Cloud
		name    string
		country string
		want    Jurisdiction
	}{
		// AWS
		{AWS, "us-east-1", "US", US},
		{AWS, "us-west-2", "US", US},
		{AWS, "us-gov-west-1", "US", US},
		{AWS, "us-gov-east-1", "US", US},
		{AWS, "ca-central-1", "CA", CA},
		{AWS, "ca-west-1", "CA", CA},
		{AWS, "mx-central-1", "MX", none},
		{AWS, "sa-east-1", "BR", none},
		{AWS, "eu-west-1", "IE", EU},
		{AWS, "eu-west-2", "GB", none}, // London
		{AWS, "eu-west-3", "FR", EU},
		{AWS, "eu-central-1", "DE", EU},
		{AWS, "eu-central-2", "CH", none}, // Zurich
		{AWS, "eu-south-1", "IT", EU},
		{AWS, "eu-south-2", "ES", EU},
		{AWS, "eu-north-1", "SE", EU},
		{AWS, "eusc-de-east-1", "DE", EU},
		{AWS, "il-central-1", "IL", none},
		{AWS, "me-central-1", "AE", none},
		{AWS, "ap-northeast-1", "JP", none},
		{AWS, "cn-north-1", "CN", none},
		// GCP
		{GCP, "us-central1", "US", US},
		{GCP, "us-east4", "US", US},
		{GCP, "northamerica-northeast1", "CA", CA},
		{GCP, "northamerica-northeast2", "CA", CA},
		{GCP, "northamerica-south1", "MX", none}, // Querétaro, Mexico
		{GCP, "southamerica-east1", "BR", none},
		{GCP, "europe-west1", "BE", EU},
		{GCP, "europe-west2", "GB", none}, // London
		{GCP, "europe-west3", "DE", EU},
		{GCP, "europe-west4", "NL", EU},
		{GCP, "europe-west6", "CH", none}, // Zurich
		{GCP, "europe-west8", "IT", EU},
		{GCP, "europe-west9", "FR", EU},
		{GCP, "europe-west10", "DE", EU},
		{GCP, "europe-west12", "IT", EU},
		{GCP, "europe-north1", "FI", EU},
		{GCP, "europe-north2", "SE", EU},
		{GCP, "europe-central2", "PL", EU},
		{GCP, "europe-southwest1", "ES", EU},
		{GCP, "me-west1", "IL", none}, // Tel Aviv
		{GCP, "me-central1", "QA", none},
		{GCP, "asia-east1", "TW", none},
	}
	for _, tc := range cases {
		t.Run(string(tc.cloud)+":"+tc.name, func(t *testing.T) {
			r, ok := Lookup(tc.cloud, tc.name)
			require.True(t, ok, "region %s:%s is unknown", tc.cloud, tc.name)
			assert.Equal(t, tc.country, r.Country)
			assert.Equal(t, tc.want, jurisdictionOf(r))
			for _, j := range All() {
				assert.Equal(t, j == tc.want, r.In(j), "In(%s)", j)
				in := false
				for _, x := range Regions(tc.cloud, j) {
					if x.Name == tc.name {
						in = true
					}
				}
				assert.Equal(t, j == tc.want, in, "listed by Regions(%s, %s)", tc.cloud, j)
			}
		})
	}
}

// jurisdictionOfCountry is, written out, the jurisdiction of every country the region
// tables use (none: outside every supported jurisdiction), so that a change to the
// country rules shows here rather than passing through a test that calls them.
var jurisdictionOfCountry = map[string]Jurisdiction{
	"US": US, "CA": CA,
	"BE": EU, "DE": EU, "ES": EU, "FI": EU, "FR": EU, "IE": EU, "IT": EU, "NL": EU, "PL": EU, "SE": EU,
	"AE": none, "AU": none, "BH": none, "BR": none, "CH": none, "CL": none, "CN": none, "GB": none,
	"HK": none, "ID": none, "IL": none, "IN": none, "JP": none, "KR": none, "MX": none, "MY": none,
	"NZ": none, "QA": none, "SA": none, "SG": none, "TH": none, "TW": none, "ZA": none,
}

// TestRES1_NamesNeverDecide: for every region whose name suggests a place, the
// jurisdiction is exactly the one of its country, and a region with the same name but
// another country moves with the country.
func TestRES1_NamesNeverDecide(t *testing.T) {
	prefixes := []string{"eu-", "eusc-", "europe-", "northamerica-", "us-", "ca-"}
	misleading := 0
	for _, c := range Clouds() {
		for _, r := range AllRegions(c) {
			want, listed := jurisdictionOfCountry[r.Country]
			require.True(t, listed, "%s: country %s is not in jurisdictionOfCountry; add it with its jurisdiction", r, r.Country)
			j, ok := r.Jurisdiction()
			require.Equal(t, want != none, ok, r.String())
			require.Equal(t, want, j, r.String())

			hasPrefix := false
			for _, p := range prefixes {
				if strings.HasPrefix(r.Name, p) {
					hasPrefix = true
				}
			}
			if !hasPrefix {
				continue
			}
			// The same name with another country: the jurisdiction follows the country.
			for country, want := range map[string]Jurisdiction{"GB": none, "CH": none, "MX": none, "DE": EU, "US": US, "CA": CA} {
				moved := r
				moved.Country = country
				assert.Equal(t, want, jurisdictionOf(moved), "%s placed in %s", r.Name, country)
			}
			// Count names that would mislead a name-based rule.
			byName := map[string]Jurisdiction{"eu-": EU, "eusc-": EU, "europe-": EU, "us-": US, "ca-": CA, "northamerica-": none}
			for p, guess := range byName {
				if strings.HasPrefix(r.Name, p) && guess != jurisdictionOf(r) && p != "northamerica-" {
					misleading++
				}
			}
		}
	}
	// eu-west-2, eu-central-2, europe-west2, europe-west6 at least.
	assert.GreaterOrEqual(t, misleading, 4, "the table should hold regions whose names mislead")
}

var countryRE = regexp.MustCompile(`^[A-Z]{2}$`)

func TestRegionTable(t *testing.T) {
	partitions := map[Cloud][]string{
		AWS: {"aws", "aws-us-gov", "aws-cn", "aws-eusc"},
		GCP: {"gcp"},
	}
	for _, c := range Clouds() {
		rs := AllRegions(c)
		require.NotEmpty(t, rs, c)
		seen := map[string]bool{}
		for _, r := range rs {
			assert.Equal(t, c, r.Cloud, r.Name)
			assert.NotEmpty(t, r.Name)
			assert.Regexp(t, countryRE, r.Country, "%s country", r)
			assert.NotEmpty(t, strings.TrimSpace(r.City), "%s city", r)
			assert.Contains(t, partitions[c], r.Partition, "%s partition", r)
			assert.False(t, seen[r.Name], "%s is listed twice", r)
			seen[r.Name] = true
			got, ok := Lookup(c, r.Name)
			assert.True(t, ok, r.String())
			assert.Equal(t, r, got)
			assert.Equal(t, string(c)+":"+r.Name, r.String())
		}
		// Every region is listed by Regions for exactly its own jurisdiction.
		count := 0
		for _, j := range All() {
			list := Regions(c, j)
			count += len(list)
			for i, r := range list {
				assert.True(t, r.In(j))
				if i > 0 {
					assert.Less(t, list[i-1].Name, r.Name, "Regions(%s, %s) is sorted", c, j)
				}
			}
		}
		outside := 0
		for _, r := range rs {
			if _, ok := r.Jurisdiction(); !ok {
				outside++
			}
		}
		assert.Equal(t, len(rs), count+outside, c)
	}
	// AllRegions returns a copy.
	rs := AllRegions(AWS)
	rs[0].Country = "XX"
	assert.NotEqual(t, "XX", AllRegions(AWS)[0].Country)

	_, ok := Lookup(AWS, "europe-west1")
	assert.False(t, ok, "a GCP name is not an AWS region")
	_, ok = Lookup(GCP, "eu-west-1")
	assert.False(t, ok, "an AWS name is not a GCP region")
	_, ok = Lookup("azure", "westeurope")
	assert.False(t, ok)
}

func TestParse(t *testing.T) {
	for _, j := range All() {
		got, err := Parse(string(j))
		require.NoError(t, err)
		assert.Equal(t, j, got)
		assert.NotEqual(t, string(j), j.Title())
	}
	_, err := Parse("EU")
	assert.EqualError(t, err, `unknown jurisdiction "EU"; allowed: us, ca, eu`)
	_, err = Parse("uk")
	assert.EqualError(t, err, `unknown jurisdiction "uk"; allowed: us, ca, eu`)
	for _, c := range Clouds() {
		got, err := ParseCloud(string(c))
		require.NoError(t, err)
		assert.Equal(t, c, got)
	}
	_, err = ParseCloud("azure")
	assert.EqualError(t, err, `unknown cloud "azure"; allowed: aws, gcp`)
}

func TestOfCountry(t *testing.T) {
	eu := strings.Fields("AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE")
	require.Len(t, eu, 27)
	for _, c := range eu {
		j, ok := OfCountry(c)
		assert.True(t, ok, c)
		assert.Equal(t, EU, j, c)
	}
	for _, c := range []string{"GB", "CH", "NO", "IS", "LI", "MX", "IL", "UK", "EL", "de", "us", ""} {
		_, ok := OfCountry(c)
		assert.False(t, ok, c)
	}
	j, ok := OfCountry("US")
	assert.True(t, ok)
	assert.Equal(t, US, j)
	j, ok = OfCountry("CA")
	assert.True(t, ok)
	assert.Equal(t, CA, j)
}

// hasOtherRegion reports whether jurisdiction j and partition part hold a region of
// cloud c other than name.
func hasOtherRegion(c Cloud, j Jurisdiction, part, name string) bool {
	for _, r := range AllRegions(c) {
		if r.Name != name && r.In(j) && r.Partition == part {
			return true
		}
	}
	return false
}

// TestRES3_DefaultBackupRegionProperty: for every region of every cloud, the default
// backup region is either an error whose reason holds, or another region of the same
// jurisdiction and partition.
func TestRES3_DefaultBackupRegionProperty(t *testing.T) {
	for _, c := range Clouds() {
		for _, p := range AllRegions(c) {
			b, err := DefaultBackupRegion(c, p.Name)
			j, inJ := p.Jurisdiction()
			if err != nil {
				assert.Equal(t, Region{}, b, p.String())
				if inJ {
					assert.False(t, hasOtherRegion(c, j, p.Partition, p.Name),
						"%s has no default backup region (%v) but its jurisdiction and partition hold another region", p, err)
				}
				continue
			}
			require.True(t, inJ, "%s lies in no jurisdiction but has backup region %s", p, b)
			assert.NotEqual(t, p.Name, b.Name, "%s is paired with itself", p)
			assert.True(t, b.In(j), "%s (%s) backs up to %s (%s), outside %s", p, p.Country, b, b.Country, j)
			assert.Equal(t, p.Partition, b.Partition, "%s backs up to %s in another partition", p, b)
			assert.Equal(t, c, b.Cloud)
			_, known := Lookup(c, b.Name)
			assert.True(t, known, "%s backs up to unknown region %q", p, b.Name)
			// The default is always accepted by CheckBackupRegion.
			assert.NoError(t, CheckBackupRegion(c, p.Name, b.Name))
		}
	}
}

// TestRES3_EveryPairableRegionIsPaired: a region of a jurisdiction that has another
// region of its jurisdiction and partition has a default backup region.
func TestRES3_EveryPairableRegionIsPaired(t *testing.T) {
	for _, c := range Clouds() {
		for _, p := range AllRegions(c) {
			j, ok := p.Jurisdiction()
			if !ok || !hasOtherRegion(c, j, p.Partition, p.Name) {
				continue
			}
			_, err := DefaultBackupRegion(c, p.Name)
			assert.NoError(t, err, "%s can be paired in %s", p, j)
		}
	}
}

func TestRES3_PairingTableHoldsOnlyKnownRegions(t *testing.T) {
	for c, pairs := range backupPairs {
		require.Contains(t, Clouds(), c)
		for primary, backup := range pairs {
			p, ok := Lookup(c, primary)
			if assert.True(t, ok, "pairing table: unknown %s primary %q", c, primary) {
				_, inJ := p.Jurisdiction()
				assert.True(t, inJ, "pairing table: %s lies in no jurisdiction", p)
			}
			_, ok = Lookup(c, backup)
			assert.True(t, ok, "pairing table: unknown %s backup %q for %q", c, backup, primary)
			assert.NotEqual(t, primary, backup)
		}
	}
}

func TestRES3_DefaultBackupRegionErrors(t *testing.T) {
	cases := []struct {
		cloud   Cloud
		primary string
		want    string
	}{
		{AWS, "eu-west-9", `unknown aws region "eu-west-9"`},
		{GCP, "eu-west-1", `unknown gcp region "eu-west-1"`},
		{AWS, "eu-west-2", `aws region "eu-west-2" (London, GB) lies in no supported jurisdiction`},
		{AWS, "eu-central-2", `aws region "eu-central-2" (Zurich, CH) lies in no supported jurisdiction`},
		{AWS, "mx-central-1", `aws region "mx-central-1" (Querétaro, MX) lies in no supported jurisdiction`},
		{GCP, "europe-west6", `gcp region "europe-west6" (Zurich, CH) lies in no supported jurisdiction`},
		{GCP, "northamerica-south1", `gcp region "northamerica-south1" (Querétaro, MX) lies in no supported jurisdiction`},
		{AWS, "eusc-de-east-1", `aws region "eusc-de-east-1" has no second region in jurisdiction eu within partition aws-eusc to hold backup copies; choose another primary region`},
	}
	for _, tc := range cases {
		_, err := DefaultBackupRegion(tc.cloud, tc.primary)
		assert.EqualError(t, err, tc.want)
	}
	pairs := map[string]string{
		"aws:eu-west-1": "eu-central-1", "aws:us-gov-west-1": "us-gov-east-1", "aws:ca-west-1": "ca-central-1",
		"gcp:northamerica-northeast2": "northamerica-northeast1", "gcp:europe-west1": "europe-west3",
	}
	for k, want := range pairs {
		c, name, _ := strings.Cut(k, ":")
		b, err := DefaultBackupRegion(Cloud(c), name)
		require.NoError(t, err, k)
		assert.Equal(t, want, b.Name, k)
	}
}

func TestRES3_CheckBackupRegionMessages(t *testing.T) {
	euAWS := "eu-central-1, eu-north-1, eu-south-1, eu-south-2, eu-west-3"
	cases := []struct {
		name            string
		cloud           Cloud
		primary, backup string
		want            string
	}{
		{"ok", AWS, "eu-west-1", "eu-south-2", ""},
		{"ok gov", AWS, "us-gov-east-1", "us-gov-west-1", ""},
		{"outside: London", AWS, "eu-west-1", "eu-west-2",
			`"eu-west-2" (London, GB) is outside jurisdiction eu; allowed: ` + euAWS},
		{"outside: Zurich", AWS, "eu-west-1", "eu-central-2",
			`"eu-central-2" (Zurich, CH) is outside jurisdiction eu; allowed: ` + euAWS},
		{"outside: us", AWS, "eu-west-1", "us-east-1",
			`"us-east-1" (N. Virginia, US) is outside jurisdiction eu; allowed: ` + euAWS},
		{"outside: ca to us", AWS, "ca-central-1", "us-east-1",
			`"us-east-1" (N. Virginia, US) is outside jurisdiction ca; allowed: ca-west-1`},
		{"outside: gcp London", GCP, "europe-west1", "europe-west2",
			`"europe-west2" (London, GB) is outside jurisdiction eu; allowed: europe-central2, europe-north1, europe-north2, europe-southwest1, europe-west10, europe-west12, europe-west3, europe-west4, europe-west8, europe-west9`},
		{"same as primary", AWS, "eu-west-1", "eu-west-1",
			`"eu-west-1" is the primary region; backups need a second region; allowed: ` + euAWS},
		{"same as primary, ca", GCP, "northamerica-northeast1", "northamerica-northeast1",
			`"northamerica-northeast1" is the primary region; backups need a second region; allowed: northamerica-northeast2`},
		{"unknown backup", AWS, "eu-west-1", "eu-west-7",
			`"eu-west-7" is not a known aws region; allowed: ` + euAWS},
		{"unknown primary", AWS, "eu-west-7", "eu-west-1", `unknown aws region "eu-west-7"`},
		{"primary outside", AWS, "eu-west-2", "eu-west-1", `aws region "eu-west-2" lies in no supported jurisdiction`},
		{"other partition: commercial to gov", AWS, "us-east-1", "us-gov-west-1",
			`"us-gov-west-1" is in partition aws-us-gov, the primary region in aws; allowed: us-east-2, us-west-1, us-west-2`},
		{"other partition: gov to commercial", AWS, "us-gov-west-1", "us-east-1",
			`"us-east-1" is in partition aws, the primary region in aws-us-gov; allowed: us-gov-east-1`},
		{"other partition: eusc", AWS, "eusc-de-east-1", "eu-central-1",
			`"eu-central-1" is in partition aws, the primary region in aws-eusc; allowed: none`},
		{"other partition: to eusc", AWS, "eu-central-1", "eusc-de-east-1",
			`"eusc-de-east-1" is in partition aws-eusc, the primary region in aws; allowed: eu-north-1, eu-south-1, eu-south-2, eu-west-1, eu-west-3`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckBackupRegion(tc.cloud, tc.primary, tc.backup)
			if tc.want == "" {
				assert.NoError(t, err)
				return
			}
			assert.EqualError(t, err, tc.want)
		})
	}
}

// TestRES3_CheckBackupRegionProperty: CheckBackupRegion accepts exactly the pairs of
// known, different regions of the same jurisdiction and partition.
func TestRES3_CheckBackupRegionProperty(t *testing.T) {
	for _, c := range Clouds() {
		for _, p := range AllRegions(c) {
			for _, b := range AllRegions(c) {
				j, ok := p.Jurisdiction()
				want := ok && p.Name != b.Name && b.In(j) && b.Partition == p.Partition
				err := CheckBackupRegion(c, p.Name, b.Name)
				assert.Equal(t, want, err == nil, "%s -> %s: %v", p, b, err)
			}
		}
	}
}

// TestRES2_Locations: a multi- or dual-region is in a jurisdiction only when every
// country it may keep data in is.
func TestRES2_Locations(t *testing.T) {
	cases := []struct {
		name string
		want Jurisdiction
	}{
		{"EU", EU},
		{"eu", EU},
		{"US", US},
		{"NAM4", US},
		{"nam4", US},
		{"EUR4", EU},
		{"EUR5", none}, // Belgium and London
		{"EUR7", none}, // London and Frankfurt
		{"EUR8", none}, // Frankfurt and Zurich
		{"ASIA", none},
		{"ASIA1", none},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l, ok := LookupLocation(GCP, tc.name)
			require.True(t, ok)
			p, ok := Resolve(GCP, tc.name)
			require.True(t, ok)
			assert.Equal(t, "gcp:"+l.Name, p.Label)
			assert.False(t, p.Global)
			for _, j := range All() {
				assert.Equal(t, j == tc.want, l.In(j), "location In(%s)", j)
				assert.Equal(t, j == tc.want, p.In(j), "place In(%s)", j)
			}
		})
	}
	_, ok := LookupLocation(AWS, "EU")
	assert.False(t, ok, "AWS has no multi-region locations")
	_, ok = Resolve(GCP, "EUR99")
	assert.False(t, ok)
	_, ok = Resolve(AWS, "europe-west1")
	assert.False(t, ok)

	p, ok := Resolve(AWS, "eu-west-2")
	require.True(t, ok)
	assert.Equal(t, Place{Label: "aws:eu-west-2", Countries: []string{"GB"}}, p)
	assert.False(t, p.In(EU))
	p, ok = Resolve(GCP, "europe-west3")
	require.True(t, ok)
	assert.True(t, p.In(EU))
}

// TestRES2_LocationMembers: every member region of a location is known and lies in a
// country the location declares, so In cannot miss a member outside the jurisdiction.
func TestRES2_LocationMembers(t *testing.T) {
	for _, l := range Locations(GCP) {
		require.NotEmpty(t, l.Regions, l.Name)
		require.NotEmpty(t, l.Countries, l.Name)
		for _, name := range l.Regions {
			r, ok := Lookup(GCP, name)
			if !assert.True(t, ok, "%s: unknown member %q", l.Name, name) {
				continue
			}
			assert.Contains(t, l.Countries, r.Country, "%s: member %s is in %s, which the location does not declare", l.Name, name, r.Country)
		}
		for _, c := range l.Countries {
			assert.Regexp(t, countryRE, c, l.Name)
		}
	}
	eu, _ := LookupLocation(GCP, "EU")
	assert.NotContains(t, eu.Regions, "europe-west2")
	assert.NotContains(t, eu.Regions, "europe-west6")
	// Locations returns a copy.
	ls := Locations(GCP)
	ls[0].Name = "changed"
	assert.NotEqual(t, "changed", Locations(GCP)[0].Name)
}

func TestPlace(t *testing.T) {
	assert.False(t, Place{Label: "global", Global: true}.In(EU))
	assert.False(t, Place{Label: "empty"}.In(EU), "a place with no country is in no jurisdiction")
	assert.True(t, Place{Countries: []string{"DE", "FR"}}.In(EU))
	assert.False(t, Place{Countries: []string{"DE", "CH"}}.In(EU))
	assert.Equal(t, "global edge (anywhere)", Place{Label: "global edge", Global: true}.Describe())
	assert.Equal(t, "EU, Frankfurt (DE)", Place{Label: "EU, Frankfurt", Countries: []string{"DE"}}.Describe())
}

// TestRES5_SubProcessors: sub-processors per tier and jurisdiction.
func TestRES5_SubProcessors(t *testing.T) {
	tiers := []string{"odoo-sh", "cloud", "enterprise", "on-premise"}
	for _, tier := range tiers {
		for _, j := range All() {
			for _, regional := range []bool{false, true} {
				name := fmt.Sprintf("%s/%s/regional=%v", tier, j, regional)
				subs := SubProcessors(tier, j, regional)
				var ids []string
				for _, s := range subs {
					ids = append(ids, s.ID)
					assert.NotEmpty(t, s.Places, name)
					assert.NotEmpty(t, s.Name, name)
					assert.NotEmpty(t, s.Purpose, name)
				}
				want := []string{"cloudflare", "error-monitoring"}
				if tier == "odoo-sh" {
					want = append(want, "odoo-sa")
				}
				assert.Equal(t, want, ids, name)

				cf := subs[0]
				if regional {
					edge := cf.Places[0]
					assert.False(t, edge.Global, name)
					assert.True(t, edge.In(j), "%s: regional edge %s is outside %s", name, edge.Describe(), j)
					assert.Equal(t, RegionalEdge(j), edge)
				} else {
					assert.True(t, cf.Places[0].Global, name)
					assert.False(t, cf.In(j), name)
				}
				// The EU control plane stays in the EU.
				assert.Equal(t, "EU control plane", cf.Places[1].Label)
				assert.True(t, cf.Places[1].In(EU))
				// In Europe with the regional edge, Cloudflare is wholly inside.
				assert.Equal(t, regional && j == EU, cf.In(j), name)

				em := subs[1]
				assert.Equal(t, j == EU, em.In(j), name)
				assert.Equal(t, "EU, Frankfurt", em.placeLabels())
				if tier == "odoo-sh" {
					sa := subs[2]
					assert.Equal(t, "Odoo S.A.", sa.Name)
					assert.Equal(t, []Place{{Label: "EU, Belgium", Countries: []string{"BE"}}}, sa.Places)
					assert.Equal(t, j == EU, sa.In(j), name)
				}
			}
		}
	}
	// SubProcessors must not alias the package table.
	s := SubProcessors("cloud", EU, true)
	s[0].Places[0] = Place{Label: "tampered"}
	assert.True(t, SubProcessors("cloud", EU, false)[0].Places[0].Global)
	assert.Equal(t, "global edge", SubProcessors("cloud", US, false)[0].Places[0].Label)

	assert.Equal(t, []string{"cloudflare", "error-monitoring", "odoo-sa"}, SubProcessorIDs())
	assert.Equal(t, "global edge, EU control plane", SubProcessors("cloud", US, false)[0].placeLabels())
	assert.False(t, SubProcessor{ID: "none"}.In(EU), "a sub-processor with no place is not inside")
}

func TestRES6_RegionalEdge(t *testing.T) {
	for _, j := range All() {
		p := RegionalEdge(j)
		assert.True(t, p.In(j), j)
		for _, other := range All() {
			if other != j {
				assert.False(t, p.In(other), "%s edge in %s", j, other)
			}
		}
		assert.Equal(t, string(j), RegionalServicesKey(j))
	}
	assert.True(t, RegionalEdge("uk").Global)
	assert.Equal(t, "", RegionalServicesKey("uk"))
}

func TestResolveZone(t *testing.T) {
	for name, want := range map[string]string{
		"eu-west-1a":       "IE",
		"EU-WEST-1B":       "IE",
		"us-east-1-qro-1a": "MX",
		"us-east-1-bos-1a": "US",
		"europe-west1-b":   "BE",
		"us-east-1-xyz-1a": "",
		"eu-west-1":        "",
	} {
		c := AWS
		if strings.HasPrefix(name, "europe") {
			c = GCP
		}
		p, _, ok := ResolveZone(c, name)
		got := ""
		if ok {
			got = strings.Join(p.Countries, ",")
		}
		if got != want {
			t.Errorf("ResolveZone(%s) = %q, want %q", name, got, want)
		}
	}
}
