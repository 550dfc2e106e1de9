// Package netaddr holds the address facts the configuration and the edge share:
// which ranges are never routed on the internet. Standard library only.
package netaddr

import "net/netip"

// specialPurpose are the ranges never routed on the internet (RFC 6890 and the IANA
// special-purpose registries): unspecified and "this network", RFC 1918, shared
// address space, loopback, link-local, IETF protocol assignments, benchmarking,
// multicast and reserved; IPv6 loopback, IPv4-mapped, discard, unique-local,
// link-local and multicast. The documentation ranges (RFC 5737, RFC 3849) are not
// listed, so that examples and tests can use them.
var specialPurpose = func() []netip.Prefix {
	var out []netip.Prefix
	for _, c := range []string{
		"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
		"192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4",
		"::/127", "::ffff:0:0/96", "100::/64", "fc00::/7", "fe80::/10", "ff00::/8",
	} {
		out = append(out, netip.MustParsePrefix(c))
	}
	return out
}()

// PubliclyRoutable reports whether no address of p lies in a range never routed on
// the internet: what the edge can see as a client address and Magic Transit can
// advertise.
func PubliclyRoutable(p netip.Prefix) bool {
	for _, r := range specialPurpose {
		if r.Overlaps(p) {
			return false
		}
	}
	return true
}

// rfc1918 are the private IPv4 ranges of RFC 1918.
var rfc1918 = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
}

// RFC1918 returns the private IPv4 ranges of RFC 1918: 10.0.0.0/8, 172.16.0.0/12 and
// 192.168.0.0/16, the ranges a network's range must lie in.
func RFC1918() []netip.Prefix { return append([]netip.Prefix(nil), rfc1918...) }

// InRFC1918 reports whether p lies wholly inside one RFC 1918 range.
func InRFC1918(p netip.Prefix) bool {
	for _, r := range rfc1918 {
		if r.Contains(p.Addr()) && p.Bits() >= r.Bits() {
			return true
		}
	}
	return false
}
