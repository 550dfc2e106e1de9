package config

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/mail"
	"net/netip"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/octura/odoo-hosting/internal/defaults"
	"github.com/octura/odoo-hosting/internal/jurisdiction"
	"github.com/octura/odoo-hosting/internal/names"
	"github.com/octura/odoo-hosting/internal/netaddr"
	"github.com/octura/odoo-hosting/internal/problems"
	"github.com/octura/odoo-hosting/internal/tier"
)

var (
	peerNameRE  = regexp.MustCompile(`^[a-z][a-z0-9-]{0,22}[a-z0-9]$`)
	labelRE     = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	accountRE   = regexp.MustCompile(`^[0-9]{12}$`)
	hex32RE     = regexp.MustCompile(`^[0-9a-f]{32}$`)
	kmsKeyARNRE = regexp.MustCompile(`^arn:(aws|aws-us-gov|aws-cn|aws-eusc):kms:([a-z0-9-]+):([0-9]{12}):key/[A-Za-z0-9-]+$`)
	// projectRE is a Google Cloud project ID: 6 to 30 lowercase letters, digits and
	// hyphens, a letter first, no trailing hyphen (Resource Manager, Project.projectId).
	projectRE = regexp.MustCompile(`^[a-z][a-z0-9-]{4,28}[a-z0-9]$`)
	// cloudKMSKeyRE is a Cloud KMS key name; the submatch is its location.
	cloudKMSKeyRE = regexp.MustCompile(`^projects/[a-z][a-z0-9-]{4,28}[a-z0-9]/locations/([a-z0-9-]+)/keyRings/[A-Za-z0-9_-]{1,63}/cryptoKeys/[A-Za-z0-9_-]{1,63}$`)
	// gcpMemberRE is an IAM principal a GCP break-glass grant may name: a group or
	// a service account, never one user (IAM-1: grants go to roles).
	gcpMemberRE  = regexp.MustCompile(`^(group|serviceAccount):[^@\s]+@[^@\s]+$`)
	gsURIRE      = regexp.MustCompile(`^gs://[a-z0-9][a-z0-9._-]{1,61}[a-z0-9](/.*)?$`)
	iamRoleRE    = regexp.MustCompile(`^arn:(aws|aws-us-gov|aws-cn|aws-eusc):iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$`)
	s3URIRE      = regexp.MustCompile(`^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?$`)
	tunnelNameRE = regexp.MustCompile(`^[A-Za-z0-9_]{1,15}$`)
	versionRE    = regexp.MustCompile(`^[0-9]{2}\.[0-9]$`)
	// imageRE is an image reference: a registry host, a repository path, an optional
	// tag and an optional digest (the distribution reference grammar, lowercase).
	imageRE  = regexp.MustCompile(`^(?:([a-z0-9]([a-z0-9.-]*[a-z0-9])?(?::[0-9]+)?)/)?([a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(sha256:[0-9a-f]{64}))?$`)
	digestRE = regexp.MustCompile(`@sha256:[0-9a-f]{64}$`)
)

// Plans are the Cloudflare zone plans, cheapest first.
var Plans = []string{"free", "pro", "business", "enterprise"}

// SupportedVersions are the Odoo versions the runtime is tested with.
var SupportedVersions = []string{"16.0", "17.0", "18.0"}

// ImageRegistries are the registries odoo.image may name: the upstreams an ECR
// pull-through cache reaches without stored credentials (OPS-2; Amazon ECR User
// Guide, "Sync an upstream registry with an Amazon ECR private registry").
var ImageRegistries = []string{"public.ecr.aws", "quay.io", "registry.k8s.io"}

// imageExample is the form odoo.image takes.
const imageExample = "<registry>/<repository>[:tag]@sha256:<64 hex digits>, such as public.ecr.aws/docker/library/odoo:18.0@sha256:259fa933bf3ee7f3e375bd74d1e0bc28bd75955159723be477359e0fdb8acf67"

// Validate checks the whole configuration and returns every problem at once, in a
// stable order. now decides whether approvals have expired. Call ApplyDefaults first.
func (c *Config) Validate(now time.Time) problems.List {
	p := append(problems.List(nil), c.decodeProblems...)
	c.validateIdentity(&p)
	region, regionOK := c.validatePlacement(&p)
	c.validateApprovals(&p, now)
	c.validateAccount(&p)
	c.validateCloudflare(&p)
	if validTier(c.Tier) { // the rest depends on the tier: report it once, above
		c.validateNetwork(&p)
		c.validateKeys(&p, region, regionOK)
		c.validateBackup(&p)
		c.validateOrigin(&p, now)
		c.validateOdoo(&p)
		c.validateMail(&p)
	}
	c.validateBreakGlass(&p, now)
	c.validateEnvironment(&p)
	c.validateAlerts(&p)
	return withoutRepeats(p, len(c.decodeProblems))
}

// withoutRepeats drops the validation problems (after the first n, which come from
// decoding) of a field whose value could not be decoded: that field's problem is said
// once, as the decoding problem.
func withoutRepeats(p problems.List, n int) problems.List {
	if n == 0 {
		return p
	}
	out := append(problems.List(nil), p[:n]...)
	for _, q := range p[n:] {
		repeat := false
		for _, d := range p[:n] {
			// A key with a decoding problem is not decoded at all: every validation
			// problem under it comes from the missing value, not from the file.
			if topKey(q.Field) == topKey(d.Field) {
				repeat = true
			}
		}
		if !repeat {
			out = append(out, q)
		}
	}
	return out
}

// topKey is the configuration key a field path starts with: "network" of
// "network.vpnPeers[0].bgpAsn".
func topKey(field string) string {
	if i := strings.IndexAny(field, ".["); i >= 0 {
		return field[:i]
	}
	return field
}

func oneOf[T ~string](xs []T) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = string(x)
	}
	return strings.Join(parts, ", ")
}

func (c *Config) validateIdentity(p *problems.List) {
	switch {
	case c.Customer == "":
		p.Add("customer", "", "is required", "a slug of 2 to 24 lowercase letters, digits and dashes, starting with a letter")
	case !names.CustomerSlug(c.Customer):
		p.Add("customer", c.Customer, "is not a valid customer slug", names.CustomerSlugRule)
	}
	if c.Environment == "" {
		p.Add("environment", "", "is required", oneOf([]Environment{Production, NonProduction}))
	} else if c.Environment != Production && c.Environment != NonProduction {
		p.Add("environment", string(c.Environment), "is not an environment", oneOf([]Environment{Production, NonProduction}))
	}
	if c.Tier == "" {
		p.Add("tier", "", "is required", oneOf(tier.All()))
	} else if !validTier(c.Tier) {
		p.Add("tier", string(c.Tier), "is not a tier", oneOf(tier.All()))
	}
	switch {
	case c.Domain == "":
		p.Add("domain", "", "is required", "the customer's Odoo hostname, such as erp.acme.example")
	case !validHostname(c.Domain):
		p.Add("domain", c.Domain, "is not a valid hostname", "lowercase DNS labels separated by dots, such as erp.acme.example")
	}
}

func validTier(t tier.Tier) bool { return slices.Contains(tier.All(), t) }

func validHostname(h string) bool {
	labels := strings.Split(h, ".")
	if len(labels) < 2 || len(h) > 253 {
		return false
	}
	for _, l := range labels {
		if !labelRE.MatchString(l) {
			return false
		}
	}
	return true
}

// validatePlacement checks cloud, jurisdiction, region and backup region (RES-1, RES-3).
func (c *Config) validatePlacement(p *problems.List) (jurisdiction.Region, bool) {
	cloudOK, jurOK := true, true
	if c.Cloud == "" {
		p.Add("cloud", "", "is required", oneOf(jurisdiction.Clouds()))
		cloudOK = false
	} else if _, err := jurisdiction.ParseCloud(string(c.Cloud)); err != nil {
		p.Add("cloud", string(c.Cloud), "is not a cloud", oneOf(jurisdiction.Clouds()))
		cloudOK = false
	}
	if c.Jurisdiction == "" {
		p.Add("jurisdiction", "", "is required", oneOf(jurisdiction.All()))
		jurOK = false
	} else if _, err := jurisdiction.Parse(string(c.Jurisdiction)); err != nil {
		p.Add("jurisdiction", string(c.Jurisdiction), "is not a jurisdiction", oneOf(jurisdiction.All()))
		jurOK = false
	}
	allowed := func() string {
		if !cloudOK || !jurOK {
			return ""
		}
		// the regions a stack can use: in the jurisdiction, with a backup partner (RES-3)
		return strings.Join(jurisdiction.PairedRegions(c.Cloud, c.Jurisdiction), ", ")
	}
	if c.Region == "" {
		p.Add("region", "", "is required", allowed())
		return jurisdiction.Region{}, false
	}
	if !cloudOK {
		return jurisdiction.Region{}, false
	}
	r, ok := jurisdiction.Lookup(c.Cloud, c.Region)
	if !ok {
		p.Addf("region", c.Region, allowed(), "is not a known %s region", c.Cloud)
		return jurisdiction.Region{}, false
	}
	if !jurOK {
		return r, false
	}
	if !r.In(c.Jurisdiction) {
		p.Addf("region", c.Region, allowed(), "is in %s (%s), outside jurisdiction %s", r.City, r.Country, c.Jurisdiction)
		return r, false
	}
	if c.BackupRegion == "" {
		if _, err := jurisdiction.DefaultBackupRegion(c.Cloud, c.Region); err != nil {
			p.Add("backupRegion", "", "cannot be chosen: "+strings.TrimSuffix(err.Error(), "; choose another primary region"),
				"a primary region with a partner: "+strings.Join(jurisdiction.PairedRegions(c.Cloud, c.Jurisdiction), ", "))
		}
		return r, true
	}
	var refused *jurisdiction.BackupRegionError
	if err := jurisdiction.CheckBackupRegion(c.Cloud, c.Region, c.BackupRegion); errors.As(err, &refused) {
		p.Add("backupRegion", c.BackupRegion, refused.Reason, strings.Join(refused.Allowed, ", "))
	} else if err != nil {
		p.Add("backupRegion", c.BackupRegion, err.Error(), "")
	}
	return r, true
}

// destinationCovers says whether an approval's destination covers a place.
func destinationCovers(dest string, place jurisdiction.Place) bool {
	if dest == "global" {
		return true
	}
	if place.Global {
		return false
	}
	for _, country := range place.Countries {
		if j, ok := jurisdiction.OfCountry(country); ok && string(j) == dest {
			continue
		}
		if country == dest {
			continue
		}
		return false
	}
	return true
}

func validDestination(d string) bool {
	if d == "global" {
		return true
	}
	if _, err := jurisdiction.Parse(d); err == nil {
		return true
	}
	return jurisdiction.KnownCountry(d)
}

// validateApprovals checks each approval and that every cross-border placement of
// the stack's sub-processors is covered by a valid one (RES-4, RES-5).
func (c *Config) validateApprovals(p *problems.List, now time.Time) {
	ids := map[string]bool{}
	known := jurisdiction.SubProcessorIDs()
	for i, a := range c.Approvals {
		f := fmt.Sprintf("approvals[%d]", i)
		if a.ID == "" {
			p.Add(f+".id", "", "is required", "the reference of the written approval, such as APR-2026-014")
		} else if strings.TrimSpace(a.ID) == "" {
			p.Add(f+".id", a.ID, "is blank", "the reference of the written approval, such as APR-2026-014")
		} else if strings.TrimSpace(a.ID) != a.ID || strings.ContainsFunc(a.ID, func(r rune) bool { return !unicode.IsPrint(r) }) {
			p.Add(f+".id", a.ID, "has spaces around it or characters that cannot be printed", "the reference of the written approval as written on it, such as APR-2026-014")
		} else if ids[a.ID] {
			p.Add(f+".id", a.ID, "is used by an earlier approval", "a unique reference")
		}
		ids[a.ID] = true
		if a.Covers == "" {
			p.Add(f+".covers", "", "is required", strings.Join(known, ", "))
		} else if !slices.Contains(known, a.Covers) {
			p.Add(f+".covers", a.Covers, "is not a sub-processor of this project", strings.Join(known, ", "))
		}
		if a.Destination == "" {
			p.Add(f+".destination", "", "is required", "us, ca, eu, an ISO 3166 country code such as BE, or global")
		} else if !validDestination(a.Destination) {
			p.Add(f+".destination", a.Destination, "is not a destination", "us, ca, eu, an ISO 3166 country code such as BE, or global")
		}
		if a.Expires == "" {
			p.Add(f+".expires", "", "is required", "a date YYYY-MM-DD")
		} else if _, err := a.ExpiresAt(); err != nil {
			p.Add(f+".expires", a.Expires, "is not a date", "YYYY-MM-DD")
		}
	}
	if _, err := jurisdiction.Parse(string(c.Jurisdiction)); err != nil || !validTier(c.Tier) {
		return
	}
	for _, s := range jurisdiction.SubProcessors(string(c.Tier), c.Jurisdiction, c.RegionalEdge()) {
		for _, place := range s.Places {
			if place.In(c.Jurisdiction) {
				continue
			}
			if _, ok := c.approvalFor(s.ID, place, now); ok {
				continue
			}
			what := fmt.Sprintf("do not cover sub-processor %s (%s), which keeps data in %s, outside jurisdiction %s", s.ID, s.Name, place.Describe(), c.Jurisdiction)
			reason := what + " (RES-4)"
			if a, expired := c.expiredApprovalFor(s.ID, place, now); expired {
				reason = fmt.Sprintf("%s: approval %s expired on %s (RES-4)", what, a.ID, a.Expires)
			} else if a, narrow := c.narrowApprovalFor(s.ID, place); narrow {
				reason = fmt.Sprintf("%s: approval %s covers %s but its destination %s does not include %q (RES-4)", what, a.ID, s.ID, a.Destination, place.Label)
			}
			p.Add("approvals", "", reason, fmt.Sprintf("an approval with covers: %s, destination: %s, expires: %s or later",
				s.ID, strings.Join(destinationsFor(place), " or "), now.Format(time.DateOnly)))
		}
	}
}

// destinationsFor lists the approval destinations that cover place, narrowest first.
func destinationsFor(place jurisdiction.Place) []string {
	if place.Global || len(place.Countries) == 0 {
		return []string{"global"}
	}
	j, ok := jurisdiction.OfCountry(place.Countries[0])
	for _, c := range place.Countries[1:] {
		if other, isIn := jurisdiction.OfCountry(c); !isIn || other != j {
			ok = false
		}
	}
	var out []string
	if len(place.Countries) == 1 {
		out = append(out, place.Countries[0])
	}
	if ok {
		out = append(out, string(j))
	}
	return append(out, "global")
}

// narrowApprovalFor returns an approval of sub-processor id whose destination does
// not include place.
func (c *Config) narrowApprovalFor(id string, place jurisdiction.Place) (Approval, bool) {
	for _, a := range c.Approvals {
		if a.Covers == id && validDestination(a.Destination) && !destinationCovers(a.Destination, place) {
			return a, true
		}
	}
	return Approval{}, false
}

// approvalFor returns the valid approval that covers sub-processor id's placement in place.
func (c *Config) approvalFor(id string, place jurisdiction.Place, now time.Time) (Approval, bool) {
	for _, a := range c.Approvals {
		if a.Covers != id || !destinationCovers(a.Destination, place) {
			continue
		}
		end, err := a.ExpiresAt()
		if err == nil && now.Before(end) {
			return a, true
		}
	}
	return Approval{}, false
}

func (c *Config) expiredApprovalFor(id string, place jurisdiction.Place, now time.Time) (Approval, bool) {
	for _, a := range c.Approvals {
		if a.Covers != id || !destinationCovers(a.Destination, place) {
			continue
		}
		if end, err := a.ExpiresAt(); err == nil && !now.Before(end) {
			return a, true
		}
	}
	return Approval{}, false
}

// CrossBorder is one cross-border placement of the stack and the approval that
// allows it (RES-4): reported, not blocked.
type CrossBorder struct {
	SubProcessor string
	Place        jurisdiction.Place
	ApprovalID   string
	Expires      string
}

// CrossBorderPlacements lists the stack's approved cross-border placements.
func (c *Config) CrossBorderPlacements(now time.Time) []CrossBorder {
	var out []CrossBorder
	for _, s := range jurisdiction.SubProcessors(string(c.Tier), c.Jurisdiction, c.RegionalEdge()) {
		for _, place := range s.Places {
			if place.In(c.Jurisdiction) {
				continue
			}
			if a, ok := c.approvalFor(s.ID, place, now); ok {
				out = append(out, CrossBorder{SubProcessor: s.ID, Place: place, ApprovalID: a.ID, Expires: a.Expires})
			}
		}
	}
	return out
}

// RegionalEdge reports whether the edge terminates TLS only in the jurisdiction
// (RES-6): on the enterprise tier.
func (c *Config) RegionalEdge() bool { return c.Tier == tier.Enterprise }

// validateAccount checks where the stack deploys: accountId on aws, projectId on
// gcp, and neither on the other cloud.
func (c *Config) validateAccount(p *problems.List) {
	switch c.Cloud {
	case jurisdiction.AWS:
		switch {
		case c.AccountID == "":
			p.Add("accountId", "", "is required on aws: the provider refuses to deploy to any other account", "12 digits")
		case !accountRE.MatchString(c.AccountID):
			p.Add("accountId", c.AccountID, "is not an AWS account ID", "12 digits")
		}
		if c.ProjectID != "" {
			p.Add("projectId", c.ProjectID, "is only for cloud gcp: an AWS stack deploys to accountId", "leave it out")
		}
	case jurisdiction.GCP:
		switch {
		case c.ProjectID == "":
			p.Add("projectId", "", "is required on gcp: every provider and resource names the project, none falls back to an ambient one", "a Google Cloud project ID: 6 to 30 lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen")
		case !projectRE.MatchString(c.ProjectID):
			p.Add("projectId", c.ProjectID, "is not a Google Cloud project ID", "6 to 30 lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen")
		}
		if c.AccountID != "" {
			p.Add("accountId", c.AccountID, "is only for cloud aws: a GCP stack deploys to projectId", "leave it out")
		}
		switch {
		case c.GCP == nil || c.GCP.GroupDomain == "":
			p.Add("gcp.groupDomain", "", "is required on gcp: the engineers' Google groups are <customer>-<role>@<groupDomain> (IAM-1)", "the Cloud Identity domain of the groups, such as octura.example")
		case !validHostname(c.GCP.GroupDomain):
			p.Add("gcp.groupDomain", c.GCP.GroupDomain, "is not a domain name", "the Cloud Identity domain of the groups, such as octura.example")
		}
	}
	if c.Cloud == jurisdiction.AWS && c.GCP != nil {
		p.Add("gcp", "", "is only for cloud gcp", "leave it out")
	}
}

func parsePrefix(s string) (netip.Prefix, bool) {
	pfx, err := netip.ParsePrefix(s)
	if err != nil || pfx.Masked() != pfx {
		return netip.Prefix{}, false
	}
	return pfx, true
}

// badPrefix reports a value that is not a network prefix: "has host bits set" with
// the masked prefix when that is the only fault.
func badPrefix(p *problems.List, field, value, example string) {
	if pfx, err := netip.ParsePrefix(value); err == nil && pfx.Masked() != pfx {
		p.Add(field, value, "has host bits set", pfx.Masked().String())
		return
	}
	p.Add(field, value, "is not a network prefix", "a CIDR such as "+example)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("169.254.0.0/16"),
	netip.MustParsePrefix("224.0.0.0/4"),
	netip.MustParsePrefix("240.0.0.0/4"),
}

// isPublicIPv4 reports whether ip is a unicast IPv4 address routable on the internet.
func isPublicIPv4(s string) bool {
	ip, err := netip.ParseAddr(s)
	if err != nil || !ip.Is4() || ip.IsPrivate() || ip.IsLoopback() {
		return false
	}
	for _, r := range nonPublic {
		if r.Contains(ip) {
			return false
		}
	}
	return true
}

var linkLocal = netip.MustParsePrefix("169.254.0.0/16")

func (c *Config) validateNetwork(p *problems.List) {
	n := c.Network
	if !c.Tier.NeedsNetwork() {
		unused := func(field, value string) {
			p.Add(field, value, "is not used on tier "+string(c.Tier)+": it runs no network of ours", "leave it out (network.allowList still applies at the edge)")
		}
		if n.CIDR != "" {
			unused("network.cidr", n.CIDR)
		}
		if len(n.Zones) > 0 {
			unused("network.zones", strings.Join(n.Zones, ","))
		}
		if len(n.VPNPeers) > 0 {
			unused("network.vpnPeers", "")
		}
	}
	var vpc netip.Prefix
	vpcOK := false
	if c.Tier.NeedsNetwork() {
		pfx, ok := parsePrefix(n.CIDR)
		switch {
		case !ok:
			badPrefix(p, "network.cidr", n.CIDR, "10.64.0.0/16, RFC 1918, /16 to /20")
		case !netaddr.InRFC1918(pfx) || pfx.Addr().Is6():
			p.Add("network.cidr", n.CIDR, "is not a private IPv4 range", "an RFC 1918 range from /16 to /20, such as 10.64.0.0/16")
		case pfx.Bits() < 16 || pfx.Bits() > 20:
			p.Add("network.cidr", n.CIDR, "has the wrong size", "a prefix length from /16 to /20")
		default:
			vpc, vpcOK = pfx, true
		}
		want := c.Tier.ZoneCount()
		if len(n.Zones) > 0 && len(n.Zones) < want {
			p.Addf("network.zones", strings.Join(n.Zones, ","), fmt.Sprintf("at least %d zones of region %s", want, c.Region), "has %s; tier %s needs %d (NET-1, DAT-2)", plural(len(n.Zones), "zone"), c.Tier, want)
		}
		seen := map[string]bool{}
		for i, z := range n.Zones {
			f := fmt.Sprintf("network.zones[%d]", i)
			sep := ""
			if c.Cloud == jurisdiction.GCP {
				sep = "-" // Compute Engine zones: <region>-<letter>
			}
			if !strings.HasPrefix(z, c.Region+sep) || len(z) != len(c.Region)+len(sep)+1 || z[len(z)-1] < 'a' || z[len(z)-1] > 'z' {
				p.Add(f, z, "is not a zone of region "+c.Region, c.Region+sep+"a, "+c.Region+sep+"b, …")
			} else if seen[z] {
				p.Add(f, z, "is listed twice", "distinct zones")
			}
			seen[z] = true
		}
	}
	for i, a := range n.AllowList {
		f := fmt.Sprintf("network.allowList[%d]", i)
		pfx, ok := parsePrefix(a)
		switch {
		case !ok:
			badPrefix(p, f, a, "203.0.113.0/24")
		case pfx.Bits() == 0:
			p.Add(f, a, "opens access to the whole internet (NET-3)", "a specific CIDR such as 203.0.113.0/24")
		case pfx.Addr().Is4() && pfx.Bits() < 8:
			p.Add(f, a, "is wider than /8", "a CIDR of /8 or narrower")
		case !netaddr.PubliclyRoutable(pfx) && !insideVPNPeer(pfx, n.VPNPeers):
			p.Add(f, a, "is not publicly routable: the edge never sees it as a client address, and no network.vpnPeers[].cidrs holds it",
				"public CIDRs for the edge; private ranges only inside a VPN peer's cidrs (the VPN side)")
		}
	}
	names := map[string]bool{}
	for i, peer := range n.VPNPeers {
		f := fmt.Sprintf("network.vpnPeers[%d]", i)
		if !peerNameRE.MatchString(peer.Name) {
			p.Add(f+".name", peer.Name, "is not a valid name", "2 to 24 lowercase letters, digits and dashes")
		} else if names[peer.Name] {
			p.Add(f+".name", peer.Name, "is used by an earlier peer", "a unique name")
		}
		names[peer.Name] = true
		if !isPublicIPv4(peer.PublicIP) {
			p.Add(f+".publicIp", peer.PublicIP, "is not a public IPv4 address", "the customer gateway's public IPv4 address")
		}
		if len(peer.CIDRs) == 0 {
			p.Add(f+".cidrs", "", "is required", "the customer's networks behind the gateway")
		}
		for j, cidr := range peer.CIDRs {
			pfx, ok := parsePrefix(cidr)
			switch {
			case !ok:
				badPrefix(p, fmt.Sprintf("%s.cidrs[%d]", f, j), cidr, "192.168.10.0/24")
			case vpcOK && pfx.Overlaps(vpc):
				p.Add(fmt.Sprintf("%s.cidrs[%d]", f, j), cidr, "overlaps the VPC range "+vpc.String(), "a range outside "+vpc.String())
			}
		}
		if peer.BGPASN < 1 || peer.BGPASN > 4294967294 {
			p.Add(f+".bgpAsn", fmt.Sprint(peer.BGPASN), "is not a BGP AS number", "1 to 4294967294; private 64512 to 65534")
		}
	}
	if len(n.VPNPeers) > 0 && c.Tier.NeedsNetwork() && c.Cloud == jurisdiction.GCP && !c.Secrets[SecretVPNPSKs] {
		p.Add(SecretVPNPSKs, "", "is required with network.vpnPeers on gcp: HA VPN tunnels authenticate with a pre-shared key per peer (NET-5)", `pulumi config set --secret vpnPsks '{"<peer name>": "<key>"}'`)
	}
	if c.Secrets[SecretVPNPSKs] && (c.Cloud != jurisdiction.GCP || len(n.VPNPeers) == 0) {
		p.Add(SecretVPNPSKs, "", "is only used with network.vpnPeers on gcp", "leave it out")
	}
	switch c.Tier {
	case tier.Enterprise:
		if len(n.VPNPeers) == 0 {
			p.Add("network.vpnPeers", "", "is required on tier enterprise (NET-5)", "at least one site-to-site VPN peer")
		}
		if len(n.AllowList) == 0 {
			p.Add("network.allowList", "", "is required on tier enterprise (NET-5)", "at least one CIDR")
		}
	case tier.OnPremise:
		if len(n.VPNPeers) == 0 {
			p.Add("network.vpnPeers", "", "is required on tier on-premise: it is the production-access path", "at least one site-to-site VPN peer")
		}
	}
}

// insideVPNPeer reports whether a VPN peer's networks hold pfx: a private allow-list
// range is the VPN side's, explicitly.
func insideVPNPeer(pfx netip.Prefix, peers []VPNPeer) bool {
	for _, peer := range peers {
		for _, c := range peer.CIDRs {
			if q, ok := parsePrefix(c); ok && q.Bits() <= pfx.Bits() && q.Contains(pfx.Addr()) {
				return true
			}
		}
	}
	return false
}

// EdgeAllowList is network.allowList without the private ranges, which belong to
// the VPN side: what the edge's admin-path rule confines to (NET-5).
func (c *Config) EdgeAllowList() []string {
	var out []string
	for _, a := range c.Network.AllowList {
		if pfx, ok := parsePrefix(a); ok && netaddr.PubliclyRoutable(pfx) {
			out = append(out, a)
		}
	}
	return out
}

// validateKeys checks the customer-managed keys of an enterprise stack (ENC-4, ENC-5).
func (c *Config) validateKeys(p *problems.List, region jurisdiction.Region, regionOK bool) {
	if c.Tier != tier.Enterprise {
		if c.CustomerKeys != nil {
			p.Add("customerKeys", "", "is only for tier enterprise (ENC-4)", "leave it out; the stack creates its own keys")
		}
		return
	}
	if c.CustomerKeys == nil || (c.CustomerKeys.Primary == "" && c.CustomerKeys.Backup == "") {
		what := "KMS key ARNs"
		if c.Cloud == jurisdiction.GCP {
			what = "Cloud KMS key names"
		}
		p.Add("customerKeys", "", "is required on tier enterprise (ENC-4): the stack never falls back to a key of ours", "primary and backup: "+what+" in the primary and backup regions")
		return
	}
	check := func(field, arn, want string) {
		what, form, re, loc := "a KMS key ARN", "arn:aws:kms:<region>:<account>:key/<key id>", kmsKeyARNRE, 2
		if c.Cloud == jurisdiction.GCP {
			what, form, re, loc = "a Cloud KMS key name", "projects/<project>/locations/<region>/keyRings/<ring>/cryptoKeys/<key>", cloudKMSKeyRE, 1
		}
		if arn == "" {
			p.Add(field, "", "is required on tier enterprise (ENC-4)", what+" in region "+want)
			return
		}
		m := re.FindStringSubmatch(arn)
		if m == nil {
			p.Add(field, arn, "is not "+what, form)
			return
		}
		if regionOK && want != "" && m[loc] != want {
			p.Addf(field, arn, what+" in region "+want, "is in region %s; the key must live in the region of the data it protects (ENC-3)", m[loc])
		}
	}
	want := ""
	if regionOK {
		want = region.Name
	}
	check("customerKeys.primary", c.CustomerKeys.Primary, want)
	backup := ""
	if regionOK {
		backup = c.BackupRegion
	}
	check("customerKeys.backup", c.CustomerKeys.Backup, backup)
}

func (c *Config) validateBackup(p *problems.List) {
	b := c.Backup
	if !b.GFS && (b.RetentionDays < 7 || b.RetentionDays > 365) {
		p.Add("backup.retentionDays", fmt.Sprint(b.RetentionDays), "is out of range (BAK-2, BAK-5)", "7 to 365 days; default 35")
	}
	if b.GFS && b.RetentionDays != defaults.GFSMonthlyDays {
		p.Add("backup.retentionDays", fmt.Sprint(b.RetentionDays), fmt.Sprintf("is set by backup.gfs: 7 daily, 4 weekly and 3 monthly copies, the longest kept %d days (BAK-2)", defaults.GFSMonthlyDays), "leave it out with gfs")
	}
	if c.Tier == tier.OnPremise {
		if b.RPOHours == 0 {
			p.Add("backup.rpoHours", "", "is required on tier on-premise (BAK-1)", "1 to 24 hours")
		} else if b.RPOHours < 1 || b.RPOHours > 24 {
			p.Add("backup.rpoHours", fmt.Sprint(b.RPOHours), "is out of range (BAK-1)", "1 to 24 hours")
		}
		if b.RTOHours == 0 {
			p.Add("backup.rtoHours", "", "is required on tier on-premise (BAK-1)", "1 to 72 hours")
		} else if b.RTOHours < 1 || b.RTOHours > 72 {
			p.Add("backup.rtoHours", fmt.Sprint(b.RTOHours), "is out of range (BAK-1)", "1 to 72 hours")
		}
		return
	}
	if b.RPOHours != 0 {
		p.Add("backup.rpoHours", fmt.Sprint(b.RPOHours), "is set by tier "+string(c.Tier)+" (BAK-1)", "leave it out")
	}
	if b.RTOHours != 0 {
		p.Add("backup.rtoHours", fmt.Sprint(b.RTOHours), "is set by tier "+string(c.Tier)+" (BAK-1)", "leave it out")
	}
}

func planRank(plan string) int { return slices.Index(Plans, plan) }

func (c *Config) validateCloudflare(p *problems.List) {
	cf := c.Cloudflare
	switch {
	case cf.Zone == "":
		p.Add("cloudflare.zone", "", "is required", "the Cloudflare zone's name, such as acme.example")
	case !validHostname(cf.Zone):
		p.Add("cloudflare.zone", cf.Zone, "is not a valid zone name", "a DNS name such as acme.example")
	case validHostname(c.Domain) && c.Domain != cf.Zone && !strings.HasSuffix(c.Domain, "."+cf.Zone):
		p.Add("domain", c.Domain, "is not in the Cloudflare zone "+cf.Zone, "a hostname ending in ."+cf.Zone)
	}
	for _, id := range []struct{ field, value, what string }{
		{"cloudflare.zoneId", cf.ZoneID, "zone ID"}, {"cloudflare.accountId", cf.AccountID, "account ID"},
	} {
		switch {
		case id.value == "":
			p.Add(id.field, "", "is required", "32 lowercase hex digits")
		case !hex32RE.MatchString(id.value):
			p.Add(id.field, id.value, "is not a Cloudflare "+id.what, "32 lowercase hex digits")
		}
	}
	rank := planRank(cf.Plan)
	switch {
	case rank < 0:
		p.Add("cloudflare.plan", cf.Plan, "is not a Cloudflare plan", strings.Join(Plans, ", "))
	case rank < planRank("pro"):
		p.Add("cloudflare.plan", cf.Plan, "has no managed WAF rulesets (NET-4 needs the Cloudflare Managed and OWASP rulesets)", "pro, business, enterprise")
	case c.Tier == tier.Enterprise && cf.Plan != "enterprise":
		p.Add("cloudflare.plan", cf.Plan, "lacks Regional Services (RES-6), Magic Transit (NET-6) and Bot Management, which tier enterprise needs", "enterprise")
	}
	if !cf.Owner() {
		if len(cf.OtherHostnames) > 0 {
			p.Add("cloudflare.otherHostnames", strings.Join(cf.OtherHostnames, ","), "is set on a stack that does not own the zone (cloudflare.ownsZone false)", "leave it out; list the hostname on the zone owner's stack")
		}
		if cf.HSTSIncludeSubdomains {
			p.Add("cloudflare.hstsIncludeSubdomains", "true", "is set on a stack that does not own the zone (cloudflare.ownsZone false)", "leave it out; the zone owner decides")
		}
	}
	seenHost := map[string]bool{c.Domain: true}
	for i, h := range cf.OtherHostnames {
		f := fmt.Sprintf("cloudflare.otherHostnames[%d]", i)
		switch {
		case !validHostname(h):
			p.Add(f, h, "is not a hostname", "a hostname in the zone, such as erp-staging."+cf.Zone)
		case h != cf.Zone && !strings.HasSuffix(h, "."+cf.Zone):
			p.Add(f, h, "is not in the Cloudflare zone "+cf.Zone, "a hostname ending in ."+cf.Zone)
		case seenHost[h]:
			p.Add(f, h, "is listed twice or is the stack's own domain", "another stack's hostname, once")
		}
		seenHost[h] = true
	}
	if rank >= 0 && cf.Plan == "enterprise" && cf.HasEntitlement(EntitlementRequestBodyFields) && !cf.HasEntitlement(EntitlementAdvancedRateLimiting) {
		p.Add("cloudflare.entitlements", strings.Join(cf.Entitlements, ","), "has requestBodyFields without advancedRateLimiting: /jsonrpc would let sign-ins through that no rate limit counts (NET-4)", "add advancedRateLimiting, or leave requestBodyFields out")
	}
	for i, e := range cf.Entitlements {
		f := fmt.Sprintf("cloudflare.entitlements[%d]", i)
		switch {
		case !slices.Contains(Entitlements(), e):
			p.Add(f, e, "is not a Cloudflare add-on this project uses", strings.Join(Entitlements(), ", "))
		case rank >= 0 && cf.Plan != "enterprise":
			p.Add(f, e, "is an Enterprise add-on; plan "+cf.Plan+" cannot have it", "cloudflare.plan: enterprise, or leave it out")
		}
	}
}

// validateOrigin checks the origin certificate request and Magic Transit, which the
// tier calls for.
func (c *Config) validateOrigin(p *problems.List, now time.Time) {
	cf := c.Cloudflare
	if c.Tier.RunsApplication() {
		if cf.OriginCSR == "" {
			p.Add("cloudflare.originCsr", "", "is required on tier "+string(c.Tier)+": the load balancer's Origin CA certificate is issued from it (ENC-1)", "a PEM certificate request for "+c.Domain)
		} else if err := checkCSR(cf.OriginCSR, c.Domain); err != "" {
			p.Add("cloudflare.originCsr", "", err, "a PEM certificate request for "+c.Domain)
		}
		if !c.Secrets[SecretOriginKey] {
			p.Add(SecretOriginKey, "", "is required on tier "+string(c.Tier)+": the private key of cloudflare.originCsr", "pulumi config set --secret originKey < origin.key")
		}
		c.validateOriginPull(p, now)
	} else {
		if cf.OriginCSR != "" {
			p.Add("cloudflare.originCsr", "", "is only used on tiers cloud and enterprise", "leave it out")
		}
		if cf.OriginPullCertificate != "" || cf.OriginPullCA != "" || c.Secrets[SecretOriginPullKey] {
			p.Add("cloudflare.originPullCertificate", "", "is only used on tiers cloud and enterprise: other origins cannot verify a client certificate", "leave out originPullCertificate, originPullCa and originPullKey")
		}
	}
	if c.Tier == tier.Enterprise {
		c.validateMagicTransit(p)
	} else if cf.MagicTransit != nil {
		p.Add("cloudflare.magicTransit", "", "is only for tier enterprise (NET-6)", "leave it out")
	}
}

// validateOriginPull checks our client certificate and its CA (NET-8): the edge
// presents the certificate, the load balancer trusts the CA only.
func (c *Config) validateOriginPull(p *problems.List, now time.Time) {
	cf := c.Cloudflare
	const allowed = "our client certificate (PEM, extended key usage clientAuth) issued by cloudflare.originPullCa"
	ca, caErr := parseCertificate(cf.OriginPullCA)
	switch {
	case cf.OriginPullCA == "":
		p.Add("cloudflare.originPullCa", "", "is required on tier "+string(c.Tier)+": the load balancer trusts only client certificates it issued (NET-8)", "the PEM certificate of our origin-pull CA")
	case caErr != "":
		p.Add("cloudflare.originPullCa", "", caErr, "the PEM certificate of our origin-pull CA")
	case !ca.IsCA:
		p.Add("cloudflare.originPullCa", "", "is not a CA certificate", "the PEM certificate of our origin-pull CA")
		ca = nil
	}
	cert, certErr := parseCertificate(cf.OriginPullCertificate)
	switch {
	case cf.OriginPullCertificate == "":
		p.Add("cloudflare.originPullCertificate", "", "is required on tier "+string(c.Tier)+": the edge proves it is our account with it (NET-8)", allowed)
	case certErr != "":
		p.Add("cloudflare.originPullCertificate", "", certErr, allowed)
	case ca != nil:
		roots := x509.NewCertPool()
		roots.AddCert(ca)
		if _, err := cert.Verify(x509.VerifyOptions{Roots: roots, CurrentTime: now, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
			p.Add("cloudflare.originPullCertificate", "", "does not verify as a client certificate of cloudflare.originPullCa: "+err.Error(), allowed)
		}
	}
	if !c.Secrets[SecretOriginPullKey] {
		p.Add(SecretOriginPullKey, "", "is required on tier "+string(c.Tier)+": the private key of cloudflare.originPullCertificate", "pulumi config set --secret originPullKey < origin-pull.key")
	}
}

func parseCertificate(pemText string) (*x509.Certificate, string) {
	block, _ := pem.Decode([]byte(pemText))
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, "is not a PEM certificate"
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, "is not a valid certificate"
	}
	return cert, ""
}

func checkCSR(pemText, domain string) string {
	block, _ := pem.Decode([]byte(pemText))
	if block == nil || block.Type != "CERTIFICATE REQUEST" {
		return "is not a PEM certificate request"
	}
	csr, err := x509.ParseCertificateRequest(block.Bytes)
	if err != nil {
		return "is not a valid certificate request"
	}
	if err := csr.CheckSignature(); err != nil {
		return "has a bad signature"
	}
	if !validHostname(domain) {
		return "" // the domain's own problem is reported under domain
	}
	names := nonEmpty(append([]string{csr.Subject.CommonName}, csr.DNSNames...))
	if !slices.Contains(names, domain) {
		return fmt.Sprintf("names %s, not the domain %s", strings.Join(names, ", "), domain)
	}
	return ""
}

// nonEmpty drops empty and repeated names, keeping the first order.
func nonEmpty(xs []string) []string {
	var out []string
	for _, x := range xs {
		if x != "" && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	if len(out) == 0 {
		return []string{"no host"}
	}
	return out
}

func (c *Config) validateMagicTransit(p *problems.List) {
	mt := c.Cloudflare.MagicTransit
	if mt == nil {
		p.Add("cloudflare.magicTransit", "", "is required on tier enterprise (NET-6)", "prefixes and tunnels")
		return
	}
	ipsec := false
	for _, t := range mt.Tunnels {
		ipsec = ipsec || t.Kind == "ipsec"
	}
	if ipsec && !c.Secrets[SecretIPsecPSKs] {
		p.Add(SecretIPsecPSKs, "", "is required with an ipsec tunnel: the pre-shared key of each IPsec tunnel", `pulumi config set --secret ipsecPsks '{"<tunnel name>": "<key>"}'`)
	}
	if len(mt.Prefixes) == 0 {
		p.Add("cloudflare.magicTransit.prefixes", "", "is required", "the customer's public prefixes, /24 or wider for IPv4")
	}
	for i, s := range mt.Prefixes {
		pfx, ok := parsePrefix(s)
		f := fmt.Sprintf("cloudflare.magicTransit.prefixes[%d]", i)
		switch {
		case !ok:
			badPrefix(p, f, s, "198.51.100.0/24")
		case !netaddr.PubliclyRoutable(pfx):
			p.Add(f, s, "is not publicly routable: Magic Transit advertises the customer's own public prefixes", "a public IPv4 prefix of /24 or wider, or IPv6 of /48 or wider")
		case pfx.Addr().Is4() && pfx.Bits() > 24 || pfx.Addr().Is6() && pfx.Bits() > 48:
			p.Add(f, s, "is too long to be advertised by Magic Transit (Cloudflare needs at least a /24, or /48 for IPv6)", "a public IPv4 prefix of /24 or wider, or IPv6 of /48 or wider")
		}
	}
	if len(mt.Tunnels) == 0 {
		p.Add("cloudflare.magicTransit.tunnels", "", "is required", "at least one gre or ipsec tunnel")
	}
	names := map[string]bool{}
	for i, t := range mt.Tunnels {
		f := fmt.Sprintf("cloudflare.magicTransit.tunnels[%d]", i)
		switch {
		case !tunnelNameRE.MatchString(t.Name):
			p.Add(f+".name", t.Name, "is not a Magic Transit tunnel name", "1 to 15 letters, digits and underscores")
		case names[t.Name]:
			p.Add(f+".name", t.Name, "is used by an earlier tunnel", "a unique name")
		}
		names[t.Name] = true
		if t.Kind != "gre" && t.Kind != "ipsec" {
			p.Add(f+".kind", t.Kind, "is not a tunnel kind", "gre, ipsec")
		}
		for _, e := range []struct{ field, value string }{{"customerEndpoint", t.CustomerEndpoint}, {"cloudflareEndpoint", t.CloudflareEndpoint}} {
			if !isPublicIPv4(e.value) {
				p.Add(f+"."+e.field, e.value, "is not a public IPv4 address", "a public IPv4 address")
			}
		}
		pfx, ok := parsePrefix(t.InterfaceAddress)
		if !ok {
			// Interface addresses carry the host address, so parse without masking.
			if q, err := netip.ParsePrefix(t.InterfaceAddress); err == nil {
				pfx, ok = q, true
			}
		}
		if !ok || pfx.Bits() != 31 || (!linkLocal.Contains(pfx.Addr()) && !netaddr.RFC1918()[0].Contains(pfx.Addr())) {
			p.Add(f+".interfaceAddress", t.InterfaceAddress, "is not a tunnel interface address", "a /31 in 169.254.0.0/16 or 10.0.0.0/8, such as 169.254.10.0/31")
		}
	}
}

func (c *Config) validateOdoo(p *problems.List) {
	o := c.Odoo
	if c.Tier.RunsApplication() {
		c.validateImage(p)
		if !versionRE.MatchString(o.Version) || !slices.Contains(SupportedVersions, o.Version) {
			p.Add("odoo.version", o.Version, "is not a supported Odoo version", strings.Join(SupportedVersions, ", "))
		}
	}
	switch c.Tier {
	case tier.OdooSH:
		if o.Origin == "" {
			p.Add("odoo.origin", "", "is required on tier odoo-sh", "the Odoo.sh hostname, such as acme.odoo.com")
		} else if !validHostname(o.Origin) || !strings.HasSuffix(o.Origin, ".odoo.com") {
			p.Add("odoo.origin", o.Origin, "is not an Odoo.sh hostname", "a hostname ending in .odoo.com")
		}
	case tier.OnPremise:
		if o.Tunnel {
			if !c.Secrets[SecretTunnelSecret] {
				p.Add(SecretTunnelSecret, "", "is required with odoo.tunnel", "pulumi config set --secret tunnelSecret \"$(openssl rand -base64 32)\"")
			}
			switch {
			case o.Origin == "":
				p.Add("odoo.origin", "", "is required with odoo.tunnel: the service URL the tunnel forwards to", "an https URL on the customer's network, such as https://odoo.internal:8443")
			case strings.HasPrefix(o.Origin, "https://"), strings.HasPrefix(o.Origin, "http://localhost"):
			case strings.HasPrefix(o.Origin, "http://"):
				p.Add("odoo.origin", o.Origin, "would carry plain HTTP across the customer's network (ENC-1)", "an https URL, or http://localhost[:port] when cloudflared runs on the Odoo server")
			default:
				p.Add("odoo.origin", o.Origin, "is not the service URL the tunnel forwards to", "an https URL on the customer's network, such as https://odoo.internal:8443")
			}
		} else if o.Origin == "" {
			p.Add("odoo.origin", "", "is required on tier on-premise without a tunnel", "the public hostname of the customer's server, or set odoo.tunnel: true")
		} else if !validHostname(o.Origin) {
			p.Add("odoo.origin", o.Origin, "is not a hostname", "the public hostname of the customer's server")
		}
	default:
		if o.Origin != "" {
			p.Add("odoo.origin", o.Origin, "is not used on tier "+string(c.Tier)+": the origin is the stack's own load balancer", "leave it out")
		}
	}
	if o.Tunnel && c.Tier != tier.OnPremise {
		p.Add("odoo.tunnel", "true", "is only for tier on-premise", "leave it out")
	}
	if o.CertificateReady && c.Tier != tier.OdooSH {
		p.Add("odoo.certificateReady", "true", "is only for tier odoo-sh", "leave it out")
	}
	if !o.Tunnel || c.Tier != tier.OnPremise {
		if o.TunnelCAPool != "" || o.TunnelServerName != "" {
			p.Add("odoo.tunnelCaPool", o.TunnelCAPool, "is only used with odoo.tunnel on tier on-premise", "leave out tunnelCaPool and tunnelServerName")
		}
		return
	}
	if u, err := url.Parse(o.Origin); err == nil && u.Scheme == "https" && !isLocalHost(u.Hostname()) && o.TunnelCAPool == "" {
		p.Add("odoo.tunnelCaPool", "", "is required with an https odoo.origin: cloudflared verifies the internal certificate and answers 502 without the CA that issued it", "the absolute path of the CA's PEM file on the cloudflared host, such as /etc/cloudflared/odoo-ca.pem")
	}
	if o.TunnelCAPool != "" && (!path.IsAbs(o.TunnelCAPool) || path.Clean(o.TunnelCAPool) != o.TunnelCAPool) {
		p.Add("odoo.tunnelCaPool", o.TunnelCAPool, "is not an absolute path", "the path of the CA's PEM file on the cloudflared host, such as /etc/cloudflared/odoo-ca.pem")
	}
	if o.TunnelServerName != "" && !validHostname(o.TunnelServerName) {
		p.Add("odoo.tunnelServerName", o.TunnelServerName, "is not a hostname", "the name in the internal origin's certificate, such as odoo.nordlys.internal")
	}
}

var emailRE = regexp.MustCompile(`^[A-Za-z0-9._%+-]{1,64}@([a-z0-9.-]+)$`)

// validateMail checks odoo.mail: a relay Odoo reaches with STARTTLS, SES in the
// stack's own region (RES-1) or a named SMTP server, a user, a sender in the
// customer's zone, and the password as the secret smtpPassword.
func (c *Config) validateMail(p *problems.List) {
	m := c.Odoo.Mail
	if m == nil {
		if c.Secrets[SecretSMTPPassword] {
			p.Add(SecretSMTPPassword, "", "is set but odoo.mail is not", "leave it out, or configure odoo.mail")
		}
		return
	}
	if !c.Tier.RunsApplication() {
		p.Add("odoo.mail", "", "is only for tiers cloud and enterprise: elsewhere Odoo's mail is not ours", "leave it out")
		return
	}
	switch m.Relay {
	case RelaySES:
		if c.Cloud == jurisdiction.GCP {
			p.Add("odoo.mail.relay", m.Relay, "is Amazon SES, which a GCP stack does not reach inside its region (RES-1)", RelaySMTP)
			break
		}
		if m.Host != "" && m.Host != SESHost(c.Region) {
			p.Add("odoo.mail.host", m.Host, "is not the SES endpoint of the stack's region (RES-1)", "leave it out with relay ses; it is "+SESHost(c.Region))
		}
	case RelaySMTP:
		if m.Host == "" {
			p.Add("odoo.mail.host", "", "is required with relay smtp", "the SMTP server's hostname, such as smtp.acme.example")
		} else if !validHostname(m.Host) {
			p.Add("odoo.mail.host", m.Host, "is not a hostname", "the SMTP server's hostname, such as smtp.acme.example")
		}
	case "":
		p.Add("odoo.mail.relay", "", "is required with odoo.mail", RelaySES+", "+RelaySMTP)
	default:
		p.Add("odoo.mail.relay", m.Relay, "is not a mail relay", RelaySES+", "+RelaySMTP)
	}
	if !slices.Contains(MailPorts, m.Port) {
		p.Add("odoo.mail.port", fmt.Sprint(m.Port), "is not a STARTTLS submission port Odoo's configuration can use", "587, 2587")
	}
	if m.User == "" {
		p.Add("odoo.mail.user", "", "is required with odoo.mail", "the SMTP user name")
	} else if strings.ContainsAny(m.User, " \t\r\n") {
		p.Add("odoo.mail.user", m.User, "is not an SMTP user name", "a name without spaces")
	}
	switch mm := emailRE.FindStringSubmatch(m.From); {
	case m.From == "":
		p.Add("odoo.mail.from", "", "is required with odoo.mail", "an address in the customer's zone, such as erp@acme.example")
	case mm == nil:
		p.Add("odoo.mail.from", m.From, "is not an email address", "an address in the customer's zone, such as erp@acme.example")
	case c.Cloudflare.Zone != "" && mm[1] != c.Cloudflare.Zone && !strings.HasSuffix(mm[1], "."+c.Cloudflare.Zone):
		p.Add("odoo.mail.from", m.From, "is not in the customer's zone "+c.Cloudflare.Zone, "an address such as erp@"+c.Cloudflare.Zone)
	}
	if !c.Secrets[SecretSMTPPassword] {
		p.Add(SecretSMTPPassword, "", "is required with odoo.mail", "pulumi config set --secret smtpPassword <the SMTP password>")
	}
}

// validateImage checks odoo.image: an image reference pinned by digest, in a registry
// the stack's pull-through cache reaches, whose tag (when present) is odoo.version
// (OPS-2: the running image is the one configured, scanned in the stack's region).
func (c *Config) validateImage(p *problems.List) {
	img := c.Odoo.Image
	for _, d := range c.decodeProblems {
		if img == "" && (d.Field == "odoo" || strings.HasPrefix(d.Field, "odoo.")) {
			return // the odoo object did not decode: said once, above
		}
	}
	m := imageRE.FindStringSubmatch(img)
	switch {
	case img == "":
		p.Add("odoo.image", "", "is required on tier "+string(c.Tier)+" (OPS-2: the image is pinned by digest)", imageExample)
	case m == nil || isAddress(img) || isAddress(m[1]):
		p.Add("odoo.image", img, "is not a container image reference", imageExample)
	case !digestRE.MatchString(img):
		p.Add("odoo.image", img, "is not pinned by digest (OPS-2: a tag alone can move to another image)", imageExample)
	case !slices.Contains(ImageRegistries, m[1]):
		p.Add("odoo.image", img, "is not in a registry the stack's pull-through cache reaches without credentials", strings.Join(ImageRegistries, ", "))
	case m[4] != "" && versionRE.MatchString(m[4]) && m[4] != c.Odoo.Version:
		p.Add("odoo.image", img, "has tag "+m[4]+" but odoo.version is "+c.Odoo.Version, "a tag equal to odoo.version, or no tag")
	}
}

// isAddress reports whether s is an IP address or prefix, which an image reference's
// registry or whole text never is here.
func isAddress(s string) bool {
	if _, err := netip.ParsePrefix(s); err == nil {
		return true
	}
	_, err := netip.ParseAddr(s)
	return err == nil
}
func isLocalHost(h string) bool { return h == "localhost" || h == "127.0.0.1" || h == "::1" }

func (c *Config) validateBreakGlass(p *problems.List, now time.Time) {
	bg := c.BreakGlass
	if bg == nil {
		return
	}
	if c.Cloud == jurisdiction.AWS && !iamRoleRE.MatchString(bg.Principal) {
		p.Add("breakGlass.principal", bg.Principal, "is not an IAM role ARN (IAM-1: grants go to roles, never to users)", "arn:aws:iam::<account>:role/<name>")
	}
	if c.Cloud == jurisdiction.GCP && !gcpMemberRE.MatchString(bg.Principal) {
		p.Add("breakGlass.principal", bg.Principal, "is not a Google group or service account (IAM-1: grants go to roles, never to users)", "group:<email> or serviceAccount:<email>")
	}
	t, err := time.Parse(time.RFC3339, bg.GrantedAt)
	if err != nil {
		p.Add("breakGlass.grantedAt", bg.GrantedAt, "is not a time", "RFC 3339, such as 2026-11-23T09:00:00Z")
	} else if t.After(now.Add(time.Hour)) {
		p.Add("breakGlass.grantedAt", bg.GrantedAt, "is in the future", "the time the grant starts, no later than now")
	}
	if bg.Hours == 0 {
		p.Add("breakGlass.hours", "", "is required (IAM-3: break-glass access expires within 24 hours)", "1 to 24")
	} else if bg.Hours < 1 || bg.Hours > 24 {
		p.Add("breakGlass.hours", fmt.Sprint(bg.Hours), "is out of range (IAM-3: break-glass access expires within 24 hours)", "1 to 24")
	}
	if c.Environment == NonProduction {
		p.Add("breakGlass", "", "is for production stacks only", "leave it out")
	}
}

func (c *Config) validateEnvironment(p *problems.List) {
	switch c.Environment {
	case Production:
		if c.MaskedSource != "" {
			p.Add("maskedSource", c.MaskedSource, "is only for non-production stacks (DAT-1)", "leave it out")
		}
	case NonProduction:
		if c.MaskedSource == "" {
			break
		}
		scheme, re, what := "s3://", s3URIRE, "an S3 location"
		if c.Cloud == jurisdiction.GCP {
			scheme, re, what = "gs://", gsURIRE, "a Cloud Storage location"
		}
		if !re.MatchString(c.MaskedSource) {
			p.Add("maskedSource", c.MaskedSource, "is not "+what, scheme+"<bucket>/<prefix> of a masked copy")
			break
		}
		tokens := strings.FieldsFunc(strings.TrimPrefix(c.MaskedSource, scheme), func(r rune) bool {
			return r == '/' || r == '.' || r == '-' || r == '_'
		})
		switch {
		case containsAny(tokens, "prod", "production", "unmasked", "raw"):
			p.Add("maskedSource", c.MaskedSource, "names production or unmasked data (DAT-1: non-production never reads production data)", "a masked copy, such as "+scheme+"acme-masked-exports/odoo/")
		case !slices.Contains(tokens, "masked"):
			p.Add("maskedSource", c.MaskedSource, "does not name a masked copy (DAT-1: non-production restores only masked data)", "a location with a bucket or prefix word masked, such as "+scheme+"acme-masked-exports/odoo/")
		}
	}
}

func containsAny(xs []string, ys ...string) bool {
	return slices.ContainsFunc(ys, func(y string) bool { return slices.Contains(xs, y) })
}

// validateAlerts checks the contacts OPS-1 alerts go to: plain e-mail addresses
// (no display names), each once, 1 to MaxAlertContacts of them.
func (c *Config) validateAlerts(p *problems.List) {
	a := c.Alerts
	if len(a.Contacts) == 0 {
		p.Add("alerts.contacts", "", "is required: alerts must reach someone (OPS-1)", fmt.Sprintf("1 to %d e-mail addresses", MaxAlertContacts))
	}
	if len(a.Contacts) > MaxAlertContacts {
		p.Add("alerts.contacts", fmt.Sprint(len(a.Contacts)), "has too many addresses (OPS-1)", fmt.Sprintf("1 to %d e-mail addresses; use a distribution list", MaxAlertContacts))
	}
	seen := map[string]bool{}
	for i, addr := range a.Contacts {
		field := fmt.Sprintf("alerts.contacts[%d]", i)
		if !validEmail(addr) {
			p.Add(field, addr, "is not an e-mail address (OPS-1)", "a plain address such as ops@example.com, without a display name")
			continue
		}
		if seen[strings.ToLower(addr)] {
			p.Add(field, addr, "is listed twice", "each address once")
		}
		seen[strings.ToLower(addr)] = true
	}
	if a.WarningDays < 7 || a.WarningDays > 90 {
		p.Add("alerts.warningDays", fmt.Sprint(a.WarningDays), "is out of range (OPS-1)", fmt.Sprintf("7 to 90 days before an approval or certificate expires; default %d", DefaultWarningDays))
	}
}

// validEmail accepts a bare address local@domain whose domain has a dot and no
// characters outside a hostname's.
func validEmail(s string) bool {
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Name != "" || addr.Address != s {
		return false
	}
	at := strings.LastIndex(s, "@")
	domain := s[at+1:]
	return strings.Contains(domain, ".") && hostnameRE.MatchString(domain)
}

var hostnameRE = regexp.MustCompile(`^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}$`)
