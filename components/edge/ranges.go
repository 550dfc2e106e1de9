package edge

// CloudflareIPv4 and CloudflareIPv6 are the address ranges Cloudflare's edge
// connects to origins from, as published at https://www.cloudflare.com/ips-v4 and
// https://www.cloudflare.com/ips-v6 (also https://api.cloudflare.com/client/v4/ips).
// Recorded 2026-11-23 from those lists (unchanged since 2023); the build has no
// internet access, so refresh them by hand from the URLs and update the date. The
// AWS and GCP runtimes admit only these to the load balancer on 443 (NET-3, NET-8).
var (
	CloudflareIPv4 = []string{
		"173.245.48.0/20",
		"103.21.244.0/22",
		"103.22.200.0/22",
		"103.31.4.0/22",
		"141.101.64.0/18",
		"108.162.192.0/18",
		"190.93.240.0/20",
		"188.114.96.0/20",
		"197.234.240.0/22",
		"198.41.128.0/17",
		"162.158.0.0/15",
		"104.16.0.0/13",
		"104.24.0.0/14",
		"172.64.0.0/13",
		"131.0.72.0/22",
	}
	CloudflareIPv6 = []string{
		"2400:cb00::/32",
		"2606:4700::/32",
		"2803:f800::/32",
		"2405:b500::/32",
		"2405:8100::/32",
		"2a06:98c0::/29",
		"2c0f:f248::/32",
	}
)

// OriginRanges returns Cloudflare's IPv4 then IPv6 ranges, a fresh slice each call,
// for the origin firewalls of the AWS and GCP runtimes (NET-8).
func OriginRanges() []string {
	out := make([]string, 0, len(CloudflareIPv4)+len(CloudflareIPv6))
	out = append(out, CloudflareIPv4...)
	return append(out, CloudflareIPv6...)
}
