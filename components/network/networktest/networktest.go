// Package networktest is the conformance suite of network implementations: every
// cloud's implementation (awsnetwork, later gcpnetwork) runs Run with a Harness that
// builds a spec under the offline planner and describes the result as a View. The
// assertions are cloud-neutral and carry the control IDs they check.
package networktest

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/components/network"
)

// Route is where a subnet's default route (0.0.0.0/0) goes.
type Route string

// The default routes a subnet can have.
const (
	NoRoute  Route = "none"     // no default route
	Internet Route = "internet" // straight to the internet (internet gateway)
)

// ViaNAT is the default route through the NAT gateway of zone.
func ViaNAT(zone string) Route { return Route("nat:" + zone) }

// Subnet is one planned subnet, as the implementation built it.
type Subnet struct {
	Role network.Role
	Zone string
	CIDR string
	// PublicIPOnLaunch is true when instances in it get a public IP.
	PublicIPOnLaunch bool
	// Default is where its default route goes.
	Default Route
}

// Rule is one allowed ingress flow: TCP Port into Group from Source.
type Rule struct {
	// Group is the tier's firewall group: "alb", "app", "database", "management",
	// "endpoints", or "default" for the network's default group.
	Group string
	Port  int
	// Source is "cidr:<range>" or "group:<group>".
	Source string
}

func (r Rule) String() string { return fmt.Sprintf("%s:%d<-%s", r.Group, r.Port, r.Source) }

// FlowLog is one flow-log configuration.
type FlowLog struct {
	// AllTraffic is true when accepted and rejected flows are both logged.
	AllTraffic bool
	// Encrypted is true when the destination is encrypted with the key passed in.
	Encrypted bool
	// RetentionDays is how long the destination keeps the logs.
	RetentionDays int
}

// View is a cloud-neutral description of what an implementation planned.
type View struct {
	// Resources is how many resources were registered, the component included.
	Resources int
	// Networks is how many private networks (VPCs) were created.
	Networks int
	Subnets  []Subnet
	Ingress  []Rule
	// NATZones are the zones holding a NAT gateway.
	NATZones []string
	FlowLogs []FlowLog
	// VPNPeers are the peer names with a tunnel.
	VPNPeers []string
	// VPNRoutes are "<peer>:<range>" static routes over the tunnels.
	VPNRoutes []string
}

// Harness builds a spec with one implementation.
type Harness interface {
	// Plan runs the implementation's constructor for spec under the offline planner.
	// It returns the constructor's error, and the View of whatever was registered.
	Plan(t *testing.T, spec network.Spec) (View, error)
}

// Profile is how a cloud's network differs in shape, never in promise. A harness
// that implements Profiled gives its own; the others get the zonal profile (aws).
type Profile struct {
	// Region is the region whose zones the suite's specs use. Default Region.
	Region string
	// Regional is true when subnets span every zone of the region (gcp): one subnet
	// per role in Roles with the role's block (network.RoleBlock), Zone "". Its NAT
	// is regional too: app subnets route ViaNAT("") and NATZones is [""] on every
	// tier of production.
	Regional bool
	// Roles are the network roles with subnets. Default network.Roles().
	Roles []network.Role
	// Ingress returns the exact ingress rules of a spec. Default ExpectedIngress.
	Ingress func(network.Spec) []Rule
}

// Profiled is a Harness with its own Profile.
type Profiled interface {
	Profile() Profile
}

func profileOf(h Harness) Profile {
	var p Profile
	if ph, ok := h.(Profiled); ok {
		p = ph.Profile()
	}
	if p.Region == "" {
		p.Region = Region
	}
	if len(p.Roles) == 0 {
		p.Roles = network.Roles()
	}
	if p.Ingress == nil {
		p.Ingress = ExpectedIngress
	}
	return p
}

// Spec returns the suite's valid base spec with zones zones of the profile's
// region: Spec(zones) for the default region, "<Region>-b", "<Region>-c", ...
// otherwise (gcp zone names).
func (p Profile) Spec(zones int) network.Spec {
	if p.Region == Region {
		return Spec(zones)
	}
	s := Spec(0)
	for i := 0; i < zones; i++ {
		s.Zones = append(s.Zones, fmt.Sprintf("%s-%c", p.Region, 'b'+i))
	}
	return s
}

// Spec returns the suite's valid base spec with zones zones of the suite region
// ("eu-west-1a", ...).
func Spec(zones int) network.Spec {
	s := network.Spec{
		Customer:   "acme",
		CIDR:       "10.20.0.0/16",
		EdgeRanges: []string{"173.245.48.0/20", "2400:cb00::/32"},
	}
	for i := 0; i < zones; i++ {
		s.Zones = append(s.Zones, fmt.Sprintf("%s%c", Region, 'a'+i))
	}
	return s
}

// Region is the region whose zones the suite's specs use.
const Region = "eu-west-1"

// Run runs every conformance test against h.
func Run(t *testing.T, h Harness) {
	p := profileOf(h)
	t.Run("NET1_SubnetsPerRoleAndZone", func(t *testing.T) { testSubnets(t, h, p) })
	t.Run("NET2_NoPublicIPsAndPrivateRoutes", func(t *testing.T) { testRoutes(t, h, p) })
	t.Run("NET2_OneNATOnNonProduction", func(t *testing.T) { testNAT(t, h, p) })
	t.Run("NET3_LeastPrivilegeIngress", func(t *testing.T) { testIngress(t, h, p, p.Spec(2), nil) })
	t.Run("NET5_AllowListAndVPN", func(t *testing.T) { testVPN(t, h, p) })
	t.Run("NET7_FlowLogsEncrypted", func(t *testing.T) { testFlowLogs(t, h, p) })
	t.Run("InvalidSpecRegistersNothing", func(t *testing.T) { testInvalid(t, h, p) })
}

func mustPlan(t *testing.T, h Harness, s network.Spec) View {
	t.Helper()
	v, err := h.Plan(t, s)
	require.NoError(t, err)
	return v
}

// subnets are, written out, the subnets of Spec(3) in 10.20.0.0/16: a /18 per tier
// (public, app, database, management), a /21 per zone keyed by the zone's letter, so
// Spec(2) holds the same first two of each.
var subnets = map[string]string{
	"public/eu-west-1a": "10.20.0.0/21", "public/eu-west-1b": "10.20.8.0/21", "public/eu-west-1c": "10.20.16.0/21",
	"app/eu-west-1a": "10.20.64.0/21", "app/eu-west-1b": "10.20.72.0/21", "app/eu-west-1c": "10.20.80.0/21",
	"database/eu-west-1a": "10.20.128.0/21", "database/eu-west-1b": "10.20.136.0/21", "database/eu-west-1c": "10.20.144.0/21",
	"management/eu-west-1a": "10.20.192.0/21", "management/eu-west-1b": "10.20.200.0/21", "management/eu-west-1c": "10.20.208.0/21",
}

func testSubnets(t *testing.T, h Harness, p Profile) {
	for _, zones := range []int{2, 3} {
		s := p.Spec(zones)
		v := mustPlan(t, h, s)
		require.Equal(t, 1, v.Networks, "NET-1: one private network per stack")
		if p.Regional {
			// One subnet per tier, inside the tier's block (a cloud may keep part
			// of the block for a service range).
			got := map[network.Role]int{}
			for _, sn := range v.Subnets {
				got[sn.Role]++
				block, err := network.RoleBlock(s.CIDR, sn.Role)
				require.NoError(t, err)
				bp, sp := netip.MustParsePrefix(block), netip.MustParsePrefix(sn.CIDR)
				require.True(t, bp.Bits() <= sp.Bits() && bp.Contains(sp.Addr()), "NET-1: %s subnet %s lies in its block %s", sn.Role, sn.CIDR, block)
				require.Empty(t, sn.Zone, "regional subnets name no zone")
			}
			for _, tier := range p.Roles {
				require.Equal(t, 1, got[tier], "NET-1: one %s subnet", tier)
			}
			require.Len(t, got, len(p.Roles))
			continue
		}
		want := map[string]string{}
		for k, cidr := range subnets {
			tier := network.Role(k[:strings.Index(k, "/")])
			if slices.Contains(p.Roles, tier) && (zones == 3 || !strings.HasSuffix(k, "c")) {
				want[k] = cidr
			}
		}
		got := map[string]string{}
		for _, sn := range v.Subnets {
			got[fmt.Sprintf("%s/%s", sn.Role, sn.Zone)] = sn.CIDR
		}
		require.Equal(t, want, got, "NET-1: one subnet per tier and zone")
	}
}

func testRoutes(t *testing.T, h Harness, p Profile) {
	s := p.Spec(3)
	s.NATPerZone = true
	v := mustPlan(t, h, s)
	require.NotEmpty(t, v.Subnets)
	if p.Regional {
		for _, sn := range v.Subnets {
			require.False(t, sn.PublicIPOnLaunch, "NET-2: subnet %s gives instances public IPs", sn.Role)
			want := NoRoute
			if sn.Role == network.App {
				want = ViaNAT("")
			}
			require.Equal(t, want, sn.Default, "NET-2: %s reaches the internet only through the regional NAT, or not at all", sn.Role)
		}
		require.Equal(t, []string{""}, v.NATZones, "one regional NAT, highly available across zones")
		return
	}
	for _, sn := range v.Subnets {
		require.False(t, sn.PublicIPOnLaunch, "NET-2: subnet %s/%s gives instances public IPs", sn.Role, sn.Zone)
		switch sn.Role {
		case network.Database, network.Management:
			require.Equal(t, NoRoute, sn.Default, "NET-2: %s/%s must have no route to the internet", sn.Role, sn.Zone)
		case network.App:
			require.Equal(t, ViaNAT(sn.Zone), sn.Default, "NET-2: app/%s must reach out only through its zone's NAT", sn.Zone)
		case network.Public:
			require.Equal(t, Internet, sn.Default, "public/%s routes to the internet", sn.Zone)
		}
	}
	require.Equal(t, s.Zones, sorted(v.NATZones), "one NAT per zone on production")
}

func testNAT(t *testing.T, h Harness, p Profile) {
	s := p.Spec(3)
	v := mustPlan(t, h, s)
	if p.Regional {
		require.Equal(t, []string{""}, v.NATZones, "one regional NAT")
		return
	}
	require.Equal(t, []string{s.Zones[0]}, v.NATZones, "non-production shares one NAT")
	for _, sn := range v.Subnets {
		if sn.Role == network.App {
			require.Equal(t, ViaNAT(s.Zones[0]), sn.Default, "NET-2: app/%s", sn.Zone)
		}
	}
}

// ExpectedIngress returns the exact ingress rules a spec allows (NET-3, NET-5).
func ExpectedIngress(s network.Spec) []Rule {
	var out []Rule
	for _, r := range s.EdgeRanges {
		out = append(out, Rule{Group: "alb", Port: 443, Source: "cidr:" + r})
	}
	out = append(out,
		Rule{Group: "app", Port: 8069, Source: "group:alb"}, // Odoo's HTTP port
		Rule{Group: "app", Port: 8072, Source: "group:alb"}, // Odoo's long-polling port
		Rule{Group: "database", Port: 5432, Source: "group:app"},
		Rule{Group: "endpoints", Port: 443, Source: "cidr:" + s.CIDR},
	)
	// Management: the allow-list, then each VPN peer's networks, each once.
	seen := map[string]bool{}
	for _, r := range s.AllowList {
		if !seen[r] {
			seen[r] = true
			out = append(out, Rule{Group: "management", Port: 22, Source: "cidr:" + r})
		}
	}
	for _, p := range s.VPNPeers {
		for _, r := range p.CIDRs {
			if !seen[r] {
				seen[r] = true
				out = append(out, Rule{Group: "management", Port: 22, Source: "cidr:" + r})
			}
		}
	}
	return out
}

func testIngress(t *testing.T, h Harness, p Profile, s network.Spec, extra func(View)) {
	v := mustPlan(t, h, s)
	require.ElementsMatch(t, ruleStrings(p.Ingress(s)), ruleStrings(v.Ingress), "NET-3: ingress rules")
	for _, r := range v.Ingress {
		require.NotContains(t, []string{"cidr:0.0.0.0/0", "cidr:::/0"}, r.Source, "NET-3: nothing accepts the whole internet: %s", r)
		require.NotEqual(t, "default", r.Group, "NET-3: the default group keeps no rules")
	}
	if extra != nil {
		extra(v)
	}
}

func testVPN(t *testing.T, h Harness, p Profile) {
	none := mustPlan(t, h, p.Spec(2))
	require.Empty(t, none.VPNPeers, "NET-5: no VPN unless configured")

	s := p.Spec(2)
	s.AllowList = []string{"203.0.113.0/24", "2001:db8::/48"}
	s.VPNPeers = []network.VPNPeer{
		{Name: "hq", PublicIP: "198.51.100.7", CIDRs: []string{"192.168.10.0/24", "192.168.11.0/24"}},
		{Name: "dc", PublicIP: "198.51.100.8", CIDRs: []string{"172.31.0.0/16"}, BGPASN: 64512},
	}
	testIngress(t, h, p, s, func(v View) {
		require.ElementsMatch(t, []string{"hq", "dc"}, v.VPNPeers, "NET-5: one tunnel per peer")
		require.ElementsMatch(t, []string{"hq:192.168.10.0/24", "hq:192.168.11.0/24", "dc:172.31.0.0/16"}, v.VPNRoutes, "NET-5: static routes")
	})
}

func testFlowLogs(t *testing.T, h Harness, p Profile) {
	v := mustPlan(t, h, p.Spec(2))
	require.Equal(t, []FlowLog{{AllTraffic: true, Encrypted: true, RetentionDays: 365}}, v.FlowLogs, "NET-7: a year by default")
	s := p.Spec(2)
	s.FlowLogRetentionDays = 731
	v = mustPlan(t, h, s)
	require.Equal(t, []FlowLog{{AllTraffic: true, Encrypted: true, RetentionDays: 731}}, v.FlowLogs, "NET-7")
}

func testInvalid(t *testing.T, h Harness, p Profile) {
	for name, mutate := range map[string]func(*network.Spec){
		"invalid CIDR":  func(s *network.Spec) { s.CIDR = "10.20.0.0/33" },
		"one zone":      func(s *network.Spec) { s.Zones = s.Zones[:1] },
		"open to world": func(s *network.Spec) { s.AllowList = []string{"0.0.0.0/0"} },
		"no edge":       func(s *network.Spec) { s.EdgeRanges = nil },
	} {
		s := p.Spec(2)
		mutate(&s)
		v, err := h.Plan(t, s)
		require.Error(t, err, name)
		require.Zero(t, v.Resources, "%s: nothing may be registered on a validation error", name)
	}
}

func ruleStrings(rs []Rule) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.String()
	}
	return out
}

func sorted(xs []string) []string {
	out := slices.Clone(xs)
	sort.Strings(out)
	return out
}
