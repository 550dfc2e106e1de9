package netaddr

import (
	"net/netip"
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
