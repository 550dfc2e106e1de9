package edge

import (
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"
)

// Nexthop returns the customer's side of a tunnel's /31 interface address: the
// address that is not the first one given. "10.212.0.8/31" gives "10.212.0.9",
// "10.212.0.9/31" gives "10.212.0.8".
func Nexthop(interfaceAddress string) (string, error) {
	pfx, err := netip.ParsePrefix(interfaceAddress)
	if err != nil || !pfx.Addr().Is4() || pfx.Bits() != 31 {
		return "", fmt.Errorf("interface address %q is not an IPv4 /31", interfaceAddress)
	}
	b := pfx.Addr().As4()
	b[3] ^= 1
	return netip.AddrFrom4(b).String(), nil
}

// Route is one Magic Transit static route.
type Route struct {
	// Key is a stable name: tunnel name and prefix.
	Key      string
	Prefix   string
	Nexthop  string
	Priority int
	Tunnel   string
}

// Routes returns a static route for every prefix through every tunnel, sorted by
// key. m must carry its defaults and be valid.
func (m MagicTransit) Routes() []Route {
	var out []Route
	for _, t := range m.Tunnels {
		hop, err := Nexthop(t.InterfaceAddress)
		if err != nil {
			continue
		}
		for _, p := range m.Prefixes {
			out = append(out, Route{Key: t.Name + "-" + slug(p), Prefix: p, Nexthop: hop, Priority: t.Priority, Tunnel: t.Name})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// FirewallRule is one Magic Firewall rule: Wireshark-syntax expression and action.
type FirewallRule struct {
	Description string
	Action      string
	Expression  string
}

// EphemeralPorts are the client ports replies come back to (every operating system's
// ephemeral range lies inside).
const EphemeralPorts = "1024..65535"

// FirewallRules returns the Magic Firewall ruleset for the customer's prefixes
// (NET-6), first match wins: ICMP for the tunnels' health checks and path MTU
// discovery, the published TCP services, the replies to connections opened from inside
// the prefixes, then everything else to the prefixes blocked. Traffic not addressed
// to the prefixes is left alone.
//
// Magic Firewall is stateless: it judges every packet alone and never remembers a
// connection (developers.cloudflare.com, cloudflare-one packet-filtering best
// practices, "Magic Transit egress"). Replies are therefore allowed as Cloudflare's
// suggested ruleset does: TCP to an ephemeral port except a bare SYN (a reply always
// carries ACK; a new connection starts with SYN alone), and UDP replies from DNS and
// NTP servers. Magic Transit protects the customer's own prefixes; our cloud origin
// is protected by the load balancer's firewall and origin lock (NET-8), not by it.
func (m MagicTransit) FirewallRules() []FirewallRule {
	dst := "ip.dst in {" + strings.Join(m.Prefixes, " ") + "}"
	ports := make([]string, len(m.AllowedTCPPorts))
	for i, p := range m.AllowedTCPPorts {
		ports[i] = strconv.Itoa(p)
	}
	return []FirewallRule{
		{Description: "NET-6: ICMP to the customer's prefixes (health checks, path MTU)", Action: "allow", Expression: dst + " and ip.proto eq \"icmp\""},
		{Description: "NET-6: published services", Action: "allow", Expression: dst + " and tcp.dstport in {" + strings.Join(ports, " ") + "}"},
		{Description: "NET-6: replies to TCP connections opened from the customer's prefixes", Action: "allow",
			Expression: dst + " and ip.proto eq \"tcp\" and tcp.dstport in {" + EphemeralPorts + "} and not (tcp.flags.syn and not tcp.flags.ack)"},
		{Description: "NET-6: DNS and NTP replies to the customer's prefixes", Action: "allow",
			Expression: dst + " and ip.proto eq \"udp\" and udp.srcport in {53 123} and udp.dstport in {" + EphemeralPorts + "}"},
		{Description: "NET-6: everything else to the customer's prefixes", Action: "block", Expression: dst},
	}
}

// slug turns a hostname, prefix or address into a name fragment.
func slug(s string) string {
	r := strings.NewReplacer(".", "-", "/", "-", ":", "-", "*", "wildcard")
	return strings.Trim(r.Replace(strings.ToLower(s)), "-")
}

// Slug is the name fragment the Pulumi children of a hostname or prefix use.
func Slug(s string) string { return slug(s) }
