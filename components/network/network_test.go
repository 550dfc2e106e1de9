package network_test

import (
	"fmt"
	"math/rand"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/components/network"
	"github.com/octura/odoo-hosting/internal/problems"
)

func TestNET1_LayoutTable(t *testing.T) {
	cases := []struct {
		cidr  string
		zones []string
		want  map[network.Key]string
	}{
		{"10.20.0.0/16", []string{"eu-west-1a", "eu-west-1b"}, map[network.Key]string{
			{Role: network.Public, Zone: "eu-west-1a"}:     "10.20.0.0/21",
			{Role: network.Public, Zone: "eu-west-1b"}:     "10.20.8.0/21",
			{Role: network.App, Zone: "eu-west-1a"}:        "10.20.64.0/21",
			{Role: network.App, Zone: "eu-west-1b"}:        "10.20.72.0/21",
			{Role: network.Database, Zone: "eu-west-1a"}:   "10.20.128.0/21",
			{Role: network.Database, Zone: "eu-west-1b"}:   "10.20.136.0/21",
			{Role: network.Management, Zone: "eu-west-1a"}: "10.20.192.0/21",
			{Role: network.Management, Zone: "eu-west-1b"}: "10.20.200.0/21",
		}},
		{"192.168.16.0/20", []string{"us-east-1c"}, map[network.Key]string{
			{Role: network.Public, Zone: "us-east-1c"}:     "192.168.17.0/25",
			{Role: network.App, Zone: "us-east-1c"}:        "192.168.21.0/25",
			{Role: network.Database, Zone: "us-east-1c"}:   "192.168.25.0/25",
			{Role: network.Management, Zone: "us-east-1c"}: "192.168.29.0/25",
		}},
		{"172.16.0.0/18", []string{"euw1-az2"}, map[network.Key]string{
			{Role: network.Public, Zone: "euw1-az2"}:     "172.16.2.0/23",
			{Role: network.App, Zone: "euw1-az2"}:        "172.16.18.0/23",
			{Role: network.Database, Zone: "euw1-az2"}:   "172.16.34.0/23",
			{Role: network.Management, Zone: "euw1-az2"}: "172.16.50.0/23",
		}},
	}
	for _, c := range cases {
		t.Run(c.cidr, func(t *testing.T) {
			p, err := network.Layout(c.cidr, c.zones)
			require.NoError(t, err)
			got := map[network.Key]string{}
			for k, s := range p.Subnets {
				got[k] = s.CIDR
			}
			require.Equal(t, c.want, got)
		})
	}
}

func TestNET1_LayoutOrderOfZonesDoesNotMatter(t *testing.T) {
	a, err := network.Layout("10.20.0.0/16", []string{"eu-west-1c", "eu-west-1a", "eu-west-1b"})
	require.NoError(t, err)
	b, err := network.Layout("10.20.0.0/16", []string{"eu-west-1a", "eu-west-1b", "eu-west-1c"})
	require.NoError(t, err)
	require.Equal(t, a, b)
	require.Equal(t, []string{"eu-west-1a", "eu-west-1b", "eu-west-1c"}, a.Zones)
	require.Equal(t, "10.20.80.0/21", a.ByRole(network.App)[2].CIDR)
}

func TestNET1_LayoutRejects(t *testing.T) {
	cases := []struct {
		cidr  string
		zones []string
		want  string
	}{
		{"10.20.0.0", []string{"a"}, `cidr "10.20.0.0" is not an IPv4 range; allowed: a private IPv4 range /16 to /20, such as "10.20.0.0/16"`},
		{"fd00::/16", []string{"a"}, `cidr "fd00::/16" is not an IPv4 range; allowed: a private IPv4 range /16 to /20, such as "10.20.0.0/16"`},
		{"10.20.1.0/16", []string{"a"}, `cidr "10.20.1.0/16" has host bits set; allowed: "10.20.0.0/16"`},
		{"10.0.0.0/8", []string{"a"}, `cidr "10.0.0.0/8" is a /8; allowed: /16 to /20`},
		{"10.0.0.0/24", []string{"a"}, `cidr "10.0.0.0/24" is a /24; allowed: /16 to /20`},
		{"8.8.0.0/16", []string{"a"}, `cidr "8.8.0.0/16" is not a private range; allowed: inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16`},
		{"10.0.0.0/16", nil, `zones is empty; allowed: 1 to 8 zone names`},
		{"10.0.0.0/16", []string{"eu-west-1a", "eu-west-1a"}, `zone "eu-west-1a" is listed twice; allowed: each zone once`},
		{"10.0.0.0/16", []string{"eu-west-1a", "eu-west-2a"}, `zones "eu-west-1a" and "eu-west-2a" share slot 0 (same last letter); allowed: zones of one region, each once`},
		{"10.0.0.0/16", []string{"eu-west-1z"}, `zone "eu-west-1z" does not end in a letter a-h or a digit 1-8; allowed: a zone name such as "eu-west-1a" or a zone ID such as "euw1-az1"`},
	}
	for _, c := range cases {
		_, err := network.Layout(c.cidr, c.zones)
		require.EqualError(t, err, c.want, c.cidr)
	}
}

// randomVPC returns a random private canonical range /16 to /20.
func randomVPC(r *rand.Rand) string {
	bits := 16 + r.Intn(5)
	var base netip.Addr
	switch r.Intn(3) {
	case 0:
		base = netip.AddrFrom4([4]byte{10, byte(r.Intn(256)), byte(r.Intn(256)), 0})
	case 1:
		base = netip.AddrFrom4([4]byte{172, byte(16 + r.Intn(16)), byte(r.Intn(256)), 0})
	default:
		base = netip.AddrFrom4([4]byte{192, 168, byte(r.Intn(256)), 0})
		if bits < 16 {
			bits = 16
		}
	}
	return netip.PrefixFrom(base, bits).Masked().String()
}

func randomZones(r *rand.Rand, n int) []string {
	letters := r.Perm(network.MaxZoneSlots)[:n]
	out := make([]string, n)
	for i, l := range letters {
		out[i] = fmt.Sprintf("eu-west-1%c", 'a'+l)
	}
	return out
}

// TestNET1_LayoutProperties checks, over random ranges /16-/20 and 1 to 6 zones,
// that subnets do not overlap, all lie in the VPC range, every (tier, zone) has one,
// and adding a zone never moves the others.
func TestNET1_LayoutProperties(t *testing.T) {
	r := rand.New(rand.NewSource(20240601))
	for i := 0; i < 2000; i++ {
		cidr := randomVPC(r)
		n := 1 + r.Intn(6)
		zones := randomZones(r, n+1)
		p, err := network.Layout(cidr, zones[:n])
		require.NoError(t, err, cidr)
		vpc := netip.MustParsePrefix(cidr)

		require.Len(t, p.Subnets, 4*n)
		var all []netip.Prefix
		for _, tier := range network.Roles() {
			for _, z := range zones[:n] {
				s, ok := p.Subnet(tier, z)
				require.True(t, ok, "%s %s", tier, z)
				sp := netip.MustParsePrefix(s.CIDR)
				require.True(t, vpc.Contains(sp.Addr()) && sp.Bits() >= vpc.Bits(), "%s outside %s", s.CIDR, cidr)
				last := netip.AddrFrom4(lastAddr(sp))
				require.True(t, vpc.Contains(last), "%s ends outside %s", s.CIDR, cidr)
				all = append(all, sp)
			}
		}
		for a := range all {
			for b := a + 1; b < len(all); b++ {
				require.False(t, all[a].Overlaps(all[b]), "%s overlaps %s in %s", all[a], all[b], cidr)
			}
		}

		grown, err := network.Layout(cidr, zones)
		require.NoError(t, err)
		for k, s := range p.Subnets {
			require.Equal(t, s, grown.Subnets[k], "adding %s moved %s", zones[n], k)
		}
	}
}

func lastAddr(p netip.Prefix) [4]byte {
	b := p.Addr().As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	v |= (1 << (32 - p.Bits())) - 1
	return [4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}
}

func validSpec() network.Spec {
	return network.Spec{
		Customer:   "acme",
		CIDR:       "10.20.0.0/16",
		Zones:      []string{"eu-west-1a", "eu-west-1b"},
		EdgeRanges: []string{"173.245.48.0/20", "2400:cb00::/32"},
	}
}

func TestSpecDefaults(t *testing.T) {
	s := validSpec()
	s.VPNPeers = []network.VPNPeer{{Name: "hq", PublicIP: "198.51.100.7", CIDRs: []string{"192.168.10.0/24"}}}
	d := s.WithDefaults()
	require.Equal(t, 365, d.FlowLogRetentionDays)
	require.Equal(t, 65000, d.VPNPeers[0].BGPASN)
	require.Equal(t, 0, s.VPNPeers[0].BGPASN, "WithDefaults must not modify its receiver")
	require.NoError(t, s.Validate())
}

func TestNET3_ValidateReturnsEveryProblem(t *testing.T) {
	s := network.Spec{
		Customer:             "Acme",
		CIDR:                 "10.20.0.0/12",
		Zones:                []string{"eu-west-1a"},
		AllowList:            []string{"0.0.0.0/0", "203.0.113.5/24"},
		EdgeRanges:           []string{"::/0"},
		FlowLogRetentionDays: 100,
		VPNPeers: []network.VPNPeer{
			{Name: "hq", PublicIP: "10.1.1.1", CIDRs: []string{"10.20.0.0/16"}, BGPASN: -1},
			{Name: "hq", PublicIP: "198.51.100.7"},
		},
	}
	require.EqualError(t, s.Validate(), `customer "Acme" is not a slug; allowed: a customer slug (2 to 24 lowercase letters, digits and dashes, starting with a letter, no double dash), with "-np" on non-production
zones ["eu-west-1a"] has 1 zones; allowed: 2 to 6 (NET-1: three on enterprise)
cidr "10.20.0.0/12" has host bits set; allowed: "10.16.0.0/12"
allowList[0] "0.0.0.0/0" is the whole internet; allowed: a narrower range (NET-3: nothing accepts 0.0.0.0/0)
allowList[1] "203.0.113.5/24" has host bits set; allowed: "203.0.113.0/24"
edgeRanges[0] "::/0" is the whole internet; allowed: a narrower range (NET-3: nothing accepts ::/0)
flowLogRetentionDays 100 is not a log retention period; allowed: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653
vpnPeers[0].publicIP "10.1.1.1" is not a public IPv4 address; allowed: the peer device's public IPv4 address
vpnPeers[0].bgpAsn -1 is out of range; allowed: 1 to 4294967294 (default 65000)
vpnPeers[1].name "hq" is used twice; allowed: a unique name per peer
vpnPeers[1].cidrs is empty; allowed: at least one IPv4 range of the peer's network`, s.Validate())
}

func TestNET5_VPNPeerOverlappingVPCRefused(t *testing.T) {
	s := validSpec()
	s.VPNPeers = []network.VPNPeer{{Name: "hq", PublicIP: "198.51.100.7", CIDRs: []string{"10.20.4.0/24"}}}
	require.EqualError(t, s.Validate(), `vpnPeers[0].cidrs[0] "10.20.4.0/24" overlaps the VPC range "10.20.0.0/16"; allowed: a range outside it`)
}

func TestNET3_ManagementSourcesEmptyByDefault(t *testing.T) {
	s := validSpec()
	require.Empty(t, s.ManagementSources())
	s.AllowList = []string{"203.0.113.0/24"}
	s.VPNPeers = []network.VPNPeer{{Name: "hq", PublicIP: "198.51.100.7", CIDRs: []string{"192.168.10.0/24", "203.0.113.0/24"}}}
	require.Equal(t, []string{"203.0.113.0/24", "192.168.10.0/24"}, s.ManagementSources())
}

func TestNATZones(t *testing.T) {
	s := validSpec()
	s.Zones = []string{"eu-west-1b", "eu-west-1a"}
	require.Equal(t, []string{"eu-west-1a"}, s.NATZones())
	require.Equal(t, "eu-west-1a", s.NATZoneFor("eu-west-1b"))
	s.NATPerZone = true
	require.Equal(t, []string{"eu-west-1a", "eu-west-1b"}, s.NATZones())
	require.Equal(t, "eu-west-1b", s.NATZoneFor("eu-west-1b"))
}

func BenchmarkLayout(b *testing.B) {
	zones := []string{"eu-west-1a", "eu-west-1b", "eu-west-1c"}
	for b.Loop() {
		if _, err := network.Layout("10.20.0.0/16", zones); err != nil {
			b.Fatal(err)
		}
	}
}

func TestNET1_TierBlocksHoldTheirZoneSubnets(t *testing.T) {
	want := map[network.Role]string{network.Public: "10.20.0.0/18", network.App: "10.20.64.0/18", network.Database: "10.20.128.0/18", network.Management: "10.20.192.0/18"}
	zones := []string{"europe-west1-b", "europe-west1-c", "europe-west1-d"}
	layout, err := network.Layout("10.20.0.0/16", zones)
	require.NoError(t, err)
	for tier, cidr := range want {
		got, err := network.RoleBlock("10.20.0.0/16", tier)
		require.NoError(t, err)
		require.Equal(t, cidr, got, tier)
		block := netip.MustParsePrefix(got)
		for _, sn := range layout.ByRole(tier) {
			require.True(t, block.Overlaps(netip.MustParsePrefix(sn.CIDR)) && block.Bits() < netip.MustParsePrefix(sn.CIDR).Bits(), "%s in %s", sn.CIDR, got)
		}
	}
	got, err := network.RoleBlock("192.168.16.0/20", network.Management)
	require.NoError(t, err)
	require.Equal(t, "192.168.28.0/22", got)
	_, err = network.RoleBlock("10.20.0.0/16", "dmz")
	require.EqualError(t, err, `role "dmz" is unknown; allowed: public, app, database, management`)
	lo, hi, err := network.Halves("10.20.128.0/18")
	require.NoError(t, err)
	require.Equal(t, []string{"10.20.128.0/19", "10.20.160.0/19"}, []string{lo, hi})
}

// TestNET1_LayoutReturnsProblems: the address plan reports every zone problem as a
// problem with its field, not as lines of text, in zone-name order.
func TestNET1_LayoutReturnsProblems(t *testing.T) {
	_, err := network.Layout("10.20.0.0/16", []string{"eu-west-1a", "eu-west-1a", "eu-west-2a", "eu-west-1z"})
	var l problems.List
	require.ErrorAs(t, err, &l)
	require.Equal(t, problems.List{
		{Field: "zone", Reason: `"eu-west-1a" is listed twice`, Allowed: "each zone once"},
		{Field: "zone", Reason: `"eu-west-1z" does not end in a letter a-h or a digit 1-8`, Allowed: `a zone name such as "eu-west-1a" or a zone ID such as "euw1-az1"`},
		{Field: "zones", Reason: `"eu-west-1a" and "eu-west-2a" share slot 0 (same last letter)`, Allowed: "zones of one region, each once"},
	}, l)
}
