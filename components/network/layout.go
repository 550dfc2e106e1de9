package network

import (
	"fmt"
	"net/netip"
	"sort"

	"github.com/octura/odoo-hosting/internal/netaddr"
	"github.com/octura/odoo-hosting/internal/problems"
)

// Role is a layer of the network with its own subnets, route tables and traffic
// rules (NET-1).
type Role string

// The roles every network has, one subnet per role and zone.
const (
	// Public holds only the load balancer and the NAT gateways.
	Public Role = "public"
	// App holds the application; it reaches out only through NAT (NET-2).
	App Role = "app"
	// Database holds the database; no route to or from the internet (NET-2).
	Database Role = "database"
	// Management holds bastions, VPN-reachable hosts and the interface endpoints;
	// no route to the internet (NET-2).
	Management Role = "management"
)

// Roles lists every role in address-plan order: the role's position is the block
// of the VPC range it is carved from, so it never changes.
func Roles() []Role { return []Role{Public, App, Database, Management} }

// Address plan constants: the VPC range is split into one block per role (a quarter
// each), and each role block into MaxZoneSlots equal subnets, one per zone slot.
const (
	// MinPrefix and MaxPrefix bound the VPC range: /16 (65,536 addresses) to /20
	// (4,096 addresses, 128 per subnet).
	MinPrefix = 16
	MaxPrefix = 20
	// MaxZoneSlots is how many zones a network can ever have; a zone's slot comes from
	// the letter its name ends in ("eu-west-1c" -> slot 2).
	MaxZoneSlots = 8
	// roleBits and slotBits are the prefix bits added for the role and the slot.
	roleBits = 2
	slotBits = 3
)

// Key names one subnet: never a list position, so adding a zone never shifts another.
type Key struct {
	Role Role
	Zone string
}

// String is "<role>/<zone>".
func (k Key) String() string { return string(k.Role) + "/" + k.Zone }

// Subnet is one planned subnet.
type Subnet struct {
	Role Role
	Zone string
	// Slot is the zone's slot, derived from the zone name's last letter.
	Slot int
	// CIDR is the subnet's IPv4 range, such as "10.20.8.0/21".
	CIDR string
}

// Plan is the address plan of one network.
type Plan struct {
	// VPC is the network's range in canonical form.
	VPC string
	// Zones are the zones, sorted by name.
	Zones []string
	// Subnets holds one subnet per role and zone.
	Subnets map[Key]Subnet
}

// Subnet returns the subnet of role t in zone z.
func (p Plan) Subnet(t Role, zone string) (Subnet, bool) {
	s, ok := p.Subnets[Key{Role: t, Zone: zone}]
	return s, ok
}

// ByRole returns the subnets of role t, ordered by zone name.
func (p Plan) ByRole(t Role) []Subnet {
	out := make([]Subnet, 0, len(p.Zones))
	for _, z := range p.Zones {
		if s, ok := p.Subnets[Key{Role: t, Zone: z}]; ok {
			out = append(out, s)
		}
	}
	return out
}

// ZoneSlot returns the slot of a zone name: its last character, a letter a..h
// ("eu-west-1a" -> 0, "europe-west1-d" -> 3) or a digit 1..8 for zone IDs
// ("euw1-az3" -> 2). The slot depends on the name alone, so the order of the zone
// list does not matter and adding a zone never moves another zone's subnets.
func ZoneSlot(zone string) (int, error) {
	if zone == "" {
		return 0, fmt.Errorf("zone %q is empty; allowed: a zone name ending in a letter a-h, such as \"eu-west-1a\"", zone)
	}
	c := zone[len(zone)-1]
	switch {
	case c >= 'a' && c < 'a'+MaxZoneSlots:
		return int(c - 'a'), nil
	case c >= '1' && c < '1'+MaxZoneSlots:
		return int(c - '1'), nil
	}
	return 0, fmt.Errorf("zone %q does not end in a letter a-h or a digit 1-8; allowed: a zone name such as \"eu-west-1a\" or a zone ID such as \"euw1-az1\"", zone)
}

// ParseVPC parses a VPC range: IPv4, canonical (no host bits), /16 to /20, inside an
// RFC 1918 private range.
func ParseVPC(cidr string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(cidr)
	if err != nil || !p.Addr().Is4() {
		return netip.Prefix{}, fmt.Errorf("cidr %q is not an IPv4 range; allowed: a private IPv4 range /%d to /%d, such as \"10.20.0.0/16\"", cidr, MinPrefix, MaxPrefix)
	}
	if p.Masked() != p {
		return netip.Prefix{}, fmt.Errorf("cidr %q has host bits set; allowed: %q", cidr, p.Masked().String())
	}
	if p.Bits() < MinPrefix || p.Bits() > MaxPrefix {
		return netip.Prefix{}, fmt.Errorf("cidr %q is a /%d; allowed: /%d to /%d", cidr, p.Bits(), MinPrefix, MaxPrefix)
	}
	if netaddr.InRFC1918(p) {
		return p, nil
	}
	return netip.Prefix{}, fmt.Errorf("cidr %q is not a private range; allowed: inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16", cidr)
}

// Layout plans the subnets of a network: one per role and zone, keyed by (role,
// zone). The VPC range is split into four role blocks (public, app, database,
// management, in that order) and each block into MaxZoneSlots subnets; a zone takes
// the subnet of its slot (ZoneSlot) in every role. Subnets never overlap, all lie in
// the VPC range, and a zone's subnets depend only on the range and the zone's name.
func Layout(cidr string, zones []string) (Plan, error) {
	vpc, err := ParseVPC(cidr)
	if err != nil {
		return Plan{}, err
	}
	if len(zones) == 0 {
		return Plan{}, fmt.Errorf("zones is empty; allowed: 1 to %d zone names", MaxZoneSlots)
	}
	sorted := append([]string(nil), zones...)
	sort.Strings(sorted)
	bySlot := map[int]string{}
	var probs problems.List
	for _, z := range sorted {
		slot, err := ZoneSlot(z)
		if err != nil {
			probs.AddError(err)
			continue
		}
		if prev, ok := bySlot[slot]; ok {
			if prev == z {
				probs.Linef("zone %q is listed twice; allowed: each zone once", z)
			} else {
				probs.Linef("zones %q and %q share slot %d (same last letter); allowed: zones of one region, each once", prev, z, slot)
			}
			continue
		}
		bySlot[slot] = z
	}
	if len(probs) > 0 {
		return Plan{}, probs
	}

	subnetBits := vpc.Bits() + roleBits + slotBits
	size := uint32(1) << (32 - subnetBits)
	base := be32(vpc.Addr())
	plan := Plan{VPC: vpc.String(), Zones: sorted, Subnets: map[Key]Subnet{}}
	for ri, t := range Roles() {
		for _, z := range sorted {
			slot, _ := ZoneSlot(z)
			index := uint32(ri*MaxZoneSlots + slot)
			addr := from32(base + index*size)
			plan.Subnets[Key{Role: t, Zone: z}] = Subnet{
				Role: t, Zone: z, Slot: slot,
				CIDR: netip.PrefixFrom(addr, subnetBits).String(),
			}
		}
	}
	return plan, nil
}

func be32(a netip.Addr) uint32 {
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func from32(v uint32) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// RoleBlock returns the block of the VPC range cidr that role t is carved from: a
// quarter of the range, at the role's position in Roles(). Clouds whose subnets
// span a whole region (gcp) give each role its block instead of one subnet per
// zone; the block holds exactly the subnets Layout gives the role in every zone.
func RoleBlock(cidr string, t Role) (string, error) {
	vpc, err := ParseVPC(cidr)
	if err != nil {
		return "", err
	}
	ri := -1
	for i, x := range Roles() {
		if x == t {
			ri = i
		}
	}
	if ri < 0 {
		return "", fmt.Errorf("role %q is unknown; allowed: public, app, database, management", t)
	}
	bits := vpc.Bits() + roleBits
	size := uint32(1) << (32 - bits)
	return netip.PrefixFrom(from32(be32(vpc.Addr())+uint32(ri)*size), bits).String(), nil
}

// Halves splits a range into its lower and upper half: "10.20.128.0/18" ->
// "10.20.128.0/19", "10.20.160.0/19".
func Halves(cidr string) (lower, upper string, err error) {
	p, err := netip.ParsePrefix(cidr)
	if err != nil || !p.Addr().Is4() || p.Bits() >= 32 {
		return "", "", fmt.Errorf("cidr %q cannot be halved; allowed: an IPv4 range /0 to /31", cidr)
	}
	bits := p.Bits() + 1
	size := uint32(1) << (32 - bits)
	base := be32(p.Masked().Addr())
	return netip.PrefixFrom(from32(base), bits).String(), netip.PrefixFrom(from32(base+size), bits).String(), nil
}
