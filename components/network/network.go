// Package network is the cloud-neutral private network of one customer stack
// (NET-1, NET-2, NET-3, NET-5, NET-7): its specification, defaults, validation and
// address plan. It imports no cloud SDK; awsnetwork (and later gcpnetwork) build it,
// and networktest is the conformance suite they all run.
package network

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/octura/odoo-hosting/internal/defaults"
	"github.com/octura/odoo-hosting/internal/names"
	"github.com/octura/odoo-hosting/internal/problems"
)

// Type is the type token of the network component, the same on every cloud: the
// implementations register it, the tests and the policies find the component by it.
const Type = "odoo-hosting:network:Network"

// Defaults, in one place.
const (
	// DefaultFlowLogRetentionDays is how long flow logs are kept (NET-7).
	DefaultFlowLogRetentionDays = 365
	// DefaultBGPASN is the customer-side ASN of a VPN peer that names none.
	DefaultBGPASN = defaults.BGPASN
	// MinZones is the fewest zones a network may span (NET-1; three on enterprise,
	// which the stack passes).
	MinZones = 2
	// MaxZones is the most zones a network may span.
	MaxZones = 6
)

// Ports the traffic rules open (NET-3).
const (
	HTTPSPort     = 443
	OdooPort      = 8069
	LongpollPort  = 8072
	PostgresPort  = 5432
	SSHPort       = 22
	AnyIPv4       = "0.0.0.0/0"
	AnyIPv6       = "::/0"
	maxASN        = 4294967294
	maxVPNPeers   = 4
	maxAllowList  = 50
	maxEdgeRanges = 100
)

// FlowLogRetentionValues are the retention periods a log group accepts.
var FlowLogRetentionValues = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// Spec is the network of one customer stack.
type Spec struct {
	// Customer is the customer slug (lowercase letters, digits, hyphens). Required.
	Customer string
	// CIDR is the VPC range, a private IPv4 /16 to /20 such as "10.20.0.0/16". Required.
	CIDR string
	// Zones are the zone names the network spans: at least two (NET-1), three on
	// enterprise; the stack passes them. Required.
	Zones []string
	// Production protects the flow-log group from `pulumi destroy` and replacement
	// (BAK-6); it is retained on delete on every stack.
	Production bool
	// NATPerZone gives every zone its own NAT gateway (production); false, the
	// default, shares one NAT gateway (non-production).
	NATPerZone bool
	// AllowList are the IPv4/IPv6 ranges allowed to reach the management tier on SSH
	// (NET-5). Default: none (SSM Session Manager is the access path, IAM-5).
	AllowList []string
	// VPNPeers are the customer's site-to-site VPN peers (NET-5). Default: none.
	VPNPeers []VPNPeer
	// EdgeRanges are the edge's published IPv4/IPv6 ranges; only these reach the load
	// balancer, on 443 (NET-3, NET-8). Required: the stack passes the edge's list.
	EdgeRanges []string
	// FlowLogRetentionDays is how long flow logs are kept (NET-7). Default 365.
	FlowLogRetentionDays int
	// Application says the stack runs Odoo and its database in this network (cloud,
	// enterprise): on Google Cloud, only then are the load balancer admitted to the
	// app and the app to the database (NET-3). Default false.
	Application bool
}

// VPNPeer is one site-to-site VPN peer (NET-5).
type VPNPeer struct {
	// Name is the peer's slug, unique within the spec; child resources are named
	// after it. Required.
	Name string
	// PublicIP is the peer device's public IPv4 address. Required.
	PublicIP string
	// CIDRs are the peer's IPv4 ranges, routed statically over the tunnel and allowed
	// on the management tier. Required, at least one.
	CIDRs []string
	// BGPASN is the peer's autonomous system number. Default 65000.
	BGPASN int
}

// WithDefaults returns a copy of s with every unset field at its default.
func (s Spec) WithDefaults() Spec {
	if s.FlowLogRetentionDays == 0 {
		s.FlowLogRetentionDays = DefaultFlowLogRetentionDays
	}
	peers := make([]VPNPeer, len(s.VPNPeers))
	for i, p := range s.VPNPeers {
		if p.BGPASN == 0 {
			p.BGPASN = DefaultBGPASN
		}
		peers[i] = p
	}
	if s.VPNPeers != nil {
		s.VPNPeers = peers
	}
	return s
}

var slug = regexp.MustCompile(`^[a-z][a-z0-9-]{0,30}[a-z0-9]$`)

// Validate returns every problem of the spec (with defaults applied) at once, each
// naming the field, the value and what is allowed; nil when the spec is valid.
func (s Spec) Validate() error {
	s = s.WithDefaults()
	var probs problems.List
	add := probs.Linef

	if !names.ValidSlug(s.Customer) {
		add("customer %q is not a slug; allowed: %s", s.Customer, names.SlugRule)
	}
	switch {
	case len(s.Zones) < MinZones || len(s.Zones) > MaxZones:
		add("zones %q has %d zones; allowed: %d to %d (NET-1: three on enterprise)", s.Zones, len(s.Zones), MinZones, MaxZones)
	}
	vpc, vpcErr := ParseVPC(s.CIDR)
	if vpcErr != nil {
		probs.AddError(vpcErr)
	}
	if len(s.Zones) > 0 {
		if _, err := Layout(firstValid(s.CIDR, vpcErr), s.Zones); err != nil {
			probs.AddError(err)
		}
	}
	for i, c := range s.AllowList {
		if err := checkSourceRange(fmt.Sprintf("allowList[%d]", i), c); err != nil {
			probs.AddError(err)
		}
	}
	if len(s.AllowList) > maxAllowList {
		add("allowList has %d ranges; allowed: at most %d", len(s.AllowList), maxAllowList)
	}
	if len(s.EdgeRanges) == 0 {
		add("edgeRanges is empty; allowed: the edge's published IPv4/IPv6 ranges (NET-3: only they reach the load balancer)")
	}
	if len(s.EdgeRanges) > maxEdgeRanges {
		add("edgeRanges has %d ranges; allowed: at most %d", len(s.EdgeRanges), maxEdgeRanges)
	}
	for i, c := range s.EdgeRanges {
		if err := checkSourceRange(fmt.Sprintf("edgeRanges[%d]", i), c); err != nil {
			probs.AddError(err)
		}
	}
	if dup := duplicates(s.EdgeRanges); len(dup) > 0 {
		add("edgeRanges lists %q more than once; allowed: each range once", dup)
	}
	if dup := duplicates(s.AllowList); len(dup) > 0 {
		add("allowList lists %q more than once; allowed: each range once", dup)
	}
	if !slices.Contains(FlowLogRetentionValues, s.FlowLogRetentionDays) {
		add("flowLogRetentionDays %d is not a log retention period; allowed: %s", s.FlowLogRetentionDays, joinInts(FlowLogRetentionValues))
	}
	if len(s.VPNPeers) > maxVPNPeers {
		add("vpnPeers has %d peers; allowed: at most %d", len(s.VPNPeers), maxVPNPeers)
	}
	names := map[string]bool{}
	for i, p := range s.VPNPeers {
		f := fmt.Sprintf("vpnPeers[%d]", i)
		if !slug.MatchString(p.Name) {
			add("%s.name %q is not a slug; allowed: 2-32 lowercase letters, digits and hyphens, starting with a letter", f, p.Name)
		} else if names[p.Name] {
			add("%s.name %q is used twice; allowed: a unique name per peer", f, p.Name)
		}
		names[p.Name] = true
		ip, err := netip.ParseAddr(p.PublicIP)
		if err != nil || !ip.Is4() || ip.IsPrivate() || ip.IsLoopback() || ip.IsUnspecified() || ip.IsMulticast() || ip.IsLinkLocalUnicast() {
			add("%s.publicIP %q is not a public IPv4 address; allowed: the peer device's public IPv4 address", f, p.PublicIP)
		}
		if len(p.CIDRs) == 0 {
			add("%s.cidrs is empty; allowed: at least one IPv4 range of the peer's network", f)
		}
		for j, c := range p.CIDRs {
			cf := fmt.Sprintf("%s.cidrs[%d]", f, j)
			pr, err := netip.ParsePrefix(c)
			switch {
			case err != nil || !pr.Addr().Is4():
				add("%s %q is not an IPv4 range; allowed: a range such as \"192.168.10.0/24\"", cf, c)
			case pr.Masked() != pr:
				add("%s %q has host bits set; allowed: %q", cf, c, pr.Masked().String())
			case pr.Bits() == 0:
				add("%s %q is the whole internet; allowed: the peer's own ranges (NET-3)", cf, c)
			case vpcErr == nil && pr.Overlaps(vpc):
				add("%s %q overlaps the VPC range %q; allowed: a range outside it", cf, c, s.CIDR)
			}
		}
		if p.BGPASN < 1 || p.BGPASN > maxASN {
			add("%s.bgpAsn %d is out of range; allowed: 1 to %d (default %d)", f, p.BGPASN, maxASN, DefaultBGPASN)
		}
	}
	return probs.Err()
}

// firstValid returns cidr when it parsed, or a placeholder so that the zone checks
// of Layout still run and report their own problems.
func firstValid(cidr string, err error) string {
	if err == nil {
		return cidr
	}
	return "10.0.0.0/16"
}

// checkSourceRange accepts an IPv4 or IPv6 range in canonical form that is not the
// whole internet (NET-3).
func checkSourceRange(field, c string) error {
	p, err := netip.ParsePrefix(c)
	switch {
	case err != nil:
		return fmt.Errorf("%s %q is not an IP range; allowed: an IPv4 or IPv6 range such as \"203.0.113.0/24\"", field, c)
	case p.Masked() != p:
		return fmt.Errorf("%s %q has host bits set; allowed: %q", field, c, p.Masked().String())
	case p.Bits() == 0:
		return fmt.Errorf("%s %q is the whole internet; allowed: a narrower range (NET-3: nothing accepts %s)", field, c, c)
	}
	return nil
}

// Plan returns the address plan of the spec; call Validate first.
func (s Spec) Plan() (Plan, error) { return Layout(s.CIDR, s.Zones) }

// NATZones returns the zones that get a NAT gateway: every zone with NATPerZone,
// otherwise the first zone by name.
func (s Spec) NATZones() []string {
	zones := append([]string(nil), s.Zones...)
	slices.Sort(zones)
	if s.NATPerZone || len(zones) == 0 {
		return zones
	}
	return zones[:1]
}

// NATZoneFor returns the zone whose NAT gateway the app subnet of zone serves.
func (s Spec) NATZoneFor(zone string) string {
	if s.NATPerZone {
		return zone
	}
	return s.NATZones()[0]
}

// ManagementSources returns the ranges allowed to reach the management tier on SSH
// (NET-3, NET-5): the allow-list, then every VPN peer's ranges, without duplicates.
// Empty by default: SSM Session Manager is the access path.
func (s Spec) ManagementSources() []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range s.AllowList {
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	for _, p := range s.VPNPeers {
		for _, c := range p.CIDRs {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	return out
}

// RangeKey turns a range into a name fragment: "203.0.113.0/24" -> "203-0-113-0-24",
// "2400:cb00::/32" -> "2400-cb00---32".
func RangeKey(cidr string) string {
	r := strings.NewReplacer(".", "-", "/", "-", ":", "-")
	return r.Replace(cidr)
}

func duplicates(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if seen[x] && !slices.Contains(out, x) {
			out = append(out, x)
		}
		seen[x] = true
	}
	return out
}

func joinInts(xs []int) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strconv.Itoa(x)
	}
	return strings.Join(parts, ", ")
}
