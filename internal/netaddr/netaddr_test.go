package netaddr

import (
	"net/netip"
	"strings"
	"testing"
)

// TestPubliclyRoutable: the edge sees, and Magic Transit advertises, only addresses
// of ranges routed on the internet (NET-5, NET-6).
func TestPubliclyRoutable(t *testing.T) {
	for c, want := range map[string]bool{
		"0.0.0.0/0": false, "10.0.0.0/8": false, "100.64.0.0/10": false, "192.168.1.0/24": false,
		"198.18.0.0/24": false, "224.0.0.0/4": false, "172.20.0.0/16": false, "127.0.0.1/32": false,
		"203.0.113.0/24": true, "198.51.100.0/24": true, "8.8.8.0/24": true, "2a01:4f8::/32": true, "2001:db8::/32": true,
		"fd00::/8": false, "fe80::/64": false, "::/0": false,
	} {
		if got := PubliclyRoutable(netip.MustParsePrefix(c)); got != want {
			t.Errorf("PubliclyRoutable(%s) = %v; want %v", c, got, want)
		}
	}
}

// TestInRFC1918: the one RFC 1918 list, read by the configuration's network.cidr
// check and the address plan (NET-1): a range counts only when wholly inside one.
func TestInRFC1918(t *testing.T) {
	for cidr, want := range map[string]bool{
		"10.64.0.0/16": true, "10.0.0.0/8": true, "172.16.0.0/12": true, "172.31.255.0/24": true,
		"192.168.16.0/20": true, "9.0.0.0/8": false, "172.32.0.0/16": false, "172.0.0.0/8": false,
		"192.169.0.0/16": false, "100.64.0.0/16": false,
	} {
		if got := InRFC1918(netip.MustParsePrefix(cidr)); got != want {
			t.Errorf("InRFC1918(%s) = %v, want %v", cidr, got, want)
		}
	}
	got := []string{}
	for _, p := range RFC1918() {
		got = append(got, p.String())
	}
	if want := "10.0.0.0/8 172.16.0.0/12 192.168.0.0/16"; strings.Join(got, " ") != want {
		t.Errorf("RFC1918() = %v, want %s", got, want)
	}
}
