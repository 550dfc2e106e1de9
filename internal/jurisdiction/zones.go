package jurisdiction

import "strings"

// Zone is a zone that does not lie with its region: an AWS Local Zone or
// Wavelength Zone, placed by the country of its own infrastructure, which can
// differ from its parent region's (AWS Local Zones user guide, "Available Local
// Zones": México (Querétaro), us-east-1-qro-1a, parent Region us-east-1,
// geography Mexico).
type Zone struct {
	Cloud Cloud
	// Group is the zone group (network border group): the zone name without its
	// final letter, such as "us-east-1-qro-1".
	Group string
	// Region is the parent region.
	Region  string
	City    string
	Country string
}

// zoneTable lists the zones known to the model. A zone name that is neither a
// region's ordinary zone (the region name and one letter) nor listed here is
// unknown, and the policies block what is placed in it.
var zoneTable = []Zone{
	{AWS, "us-east-1-qro-1", "us-east-1", "Querétaro", "MX"},
	{AWS, "us-east-1-atl-1", "us-east-1", "Atlanta", "US"},
	{AWS, "us-east-1-atl-2", "us-east-1", "Atlanta", "US"},
	{AWS, "us-east-1-bos-1", "us-east-1", "Boston", "US"},
	{AWS, "us-east-1-chi-1", "us-east-1", "Chicago", "US"},
	{AWS, "us-east-1-chi-2", "us-east-1", "Chicago", "US"},
	{AWS, "us-east-1-dfw-2", "us-east-1", "Dallas", "US"},
	{AWS, "us-west-2-lax-1", "us-west-2", "Los Angeles", "US"},
}

// ResolveZone turns a zone name (any case) into the Place of the zone's own
// infrastructure: an ordinary zone ("eu-west-1a", "europe-west1-b") lies in its
// region; a Local or Wavelength Zone where the model places it. It returns false
// for zones the model does not know. The string is the zone's parent region.
func ResolveZone(c Cloud, name string) (Place, string, bool) {
	name = strings.ToLower(name)
	if len(name) < 2 {
		return Place{}, "", false
	}
	last := name[len(name)-1]
	if last < 'a' || last > 'z' {
		return Place{}, "", false
	}
	group := name[:len(name)-1]
	for _, z := range zoneTable {
		if z.Cloud == c && z.Group == group {
			return Place{Label: string(c) + ":" + name + " (" + z.City + ")", Countries: []string{z.Country}}, z.Region, true
		}
	}
	switch c {
	case AWS:
		if r, ok := Lookup(c, group); ok {
			return Place{Label: string(c) + ":" + name, Countries: []string{r.Country}}, r.Name, true
		}
	case GCP:
		if strings.HasSuffix(group, "-") {
			if r, ok := Lookup(c, strings.TrimSuffix(group, "-")); ok {
				return Place{Label: string(c) + ":" + name, Countries: []string{r.Country}}, r.Name, true
			}
		}
	}
	return Place{}, "", false
}
