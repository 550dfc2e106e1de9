// Package config is the stack configuration of odoo-hosting: the keys under the
// `odoo-hosting:` namespace of Pulumi.<stack>.yaml, their defaults, and one validation
// pass that reports every problem at once, each naming the field, the value and what
// is allowed. It imports no Pulumi package: the Pulumi program, the offline planner and
// the tests all load configuration through it.
package config

import (
	"fmt"
	"slices"
	"time"

	"github.com/octura/odoo-hosting/internal/defaults"
	"github.com/octura/odoo-hosting/internal/jurisdiction"
	"github.com/octura/odoo-hosting/internal/names"
	"github.com/octura/odoo-hosting/internal/problems"
	"github.com/octura/odoo-hosting/internal/tier"
)

// Namespace is the Pulumi configuration namespace of every key.
const Namespace = "odoo-hosting"

// Environment is production or non-production (DAT-1).
type Environment string

// The environments.
const (
	Production    Environment = "production"
	NonProduction Environment = "non-production"
)

// Config is one stack's validated configuration. Field comments give the key.
type Config struct {
	// Stack is the Pulumi stack name (from the file name Pulumi.<stack>.yaml).
	Stack string `yaml:"-"`

	Customer     string                    `yaml:"customer"`     // customer slug: lowercase letters, digits, dashes
	Environment  Environment               `yaml:"environment"`  // production | non-production
	Tier         tier.Tier                 `yaml:"tier"`         // odoo-sh | cloud | enterprise | on-premise
	Cloud        jurisdiction.Cloud        `yaml:"cloud"`        // aws | gcp
	Jurisdiction jurisdiction.Jurisdiction `yaml:"jurisdiction"` // us | ca | eu
	Region       string                    `yaml:"region"`       // primary region, inside the jurisdiction
	BackupRegion string                    `yaml:"backupRegion"` // default: the project's pairing (RES-3)
	Domain       string                    `yaml:"domain"`       // the customer's Odoo hostname, e.g. erp.acme.example
	Approvals    []Approval                `yaml:"approvals"`    // written approvals for cross-border placement (RES-4)

	AccountID    string        `yaml:"accountId"`    // aws: the AWS account the stack deploys to (12 digits)
	ProjectID    string        `yaml:"projectId"`    // gcp: the Google Cloud project the stack deploys to
	GCP          *GCP          `yaml:"gcp"`          // gcp only: what Google Cloud needs besides the project
	Network      Network       `yaml:"network"`      // address plan, allow-list, VPN peers
	CustomerKeys *CustomerKeys `yaml:"customerKeys"` // enterprise only (ENC-4)
	Backup       Backup        `yaml:"backup"`       // retention, GFS, RPO/RTO (on-premise)
	Cloudflare   Cloudflare    `yaml:"cloudflare"`   // the zone in front of the stack
	Odoo         Odoo          `yaml:"odoo"`         // image, version, origin
	BreakGlass   *BreakGlass   `yaml:"breakGlass"`   // a time-bound production grant (IAM-3)
	MaskedSource string        `yaml:"maskedSource"` // non-production only: the masked copy it restores from (DAT-1)
	Alerts       Alerts        `yaml:"alerts"`       // who is told when a promise fails (OPS-1)

	// Secrets names the secret keys present (values are never read by validation).
	Secrets map[string]bool `yaml:"-"`

	// decodeProblems are the unknown keys and wrong shapes found while decoding;
	// Validate reports them first.
	decodeProblems problems.List
	// explicit holds the path of every value written in the file ("backup.retentionDays",
	// "network.vpnPeers[0].bgpAsn"): ApplyDefaults fills only what was left out, so a
	// written 0 is validated, not replaced by the default.
	explicit map[string]bool
}

// written reports whether the value at path was written in the configuration.
func (c *Config) written(path string) bool { return c.explicit[path] }

// Approval is a written approval for placing data across the border (RES-4).
type Approval struct {
	ID          string `yaml:"id"`          // the approval's reference, e.g. "APR-2026-014"
	Covers      string `yaml:"covers"`      // a sub-processor ID (cloudflare, error-monitoring, odoo-sa)
	Destination string `yaml:"destination"` // us | ca | eu | an ISO country code | global
	Expires     string `yaml:"expires"`     // YYYY-MM-DD, valid through that day (UTC)
}

// ExpiresAt is the first instant the approval is no longer valid.
func (a Approval) ExpiresAt() (time.Time, error) {
	d, err := time.Parse(time.DateOnly, a.Expires)
	if err != nil {
		return time.Time{}, err
	}
	return d.AddDate(0, 0, 1), nil
}

// GCP is what a Google Cloud stack needs besides its project.
type GCP struct {
	// GroupDomain is the Cloud Identity domain of the engineers' Google groups,
	// <customer>-<role>@<groupDomain> (IAM-1, IAM-2).
	GroupDomain string `yaml:"groupDomain"`
}

// Network is the address plan and the production-access path (NET-1, NET-5).
type Network struct {
	CIDR      string    `yaml:"cidr"`      // VPC range, RFC 1918, /16 to /20; default 10.64.0.0/16
	Zones     []string  `yaml:"zones"`     // availability zones; default <region>a,b (c on enterprise); gcp <region>-a,b,c or the region's first zones
	AllowList []string  `yaml:"allowList"` // CIDRs allowed to management and admin paths (NET-5)
	VPNPeers  []VPNPeer `yaml:"vpnPeers"`  // site-to-site VPN peers (NET-5)
}

// VPNPeer is one customer site of the site-to-site VPN.
type VPNPeer struct {
	Name     string   `yaml:"name"`     // slug, unique
	PublicIP string   `yaml:"publicIp"` // the customer gateway's public IPv4 address
	CIDRs    []string `yaml:"cidrs"`    // the customer's networks behind it
	BGPASN   int      `yaml:"bgpAsn"`   // default 65000
}

// CustomerKeys are the customer-managed keys of an enterprise stack (ENC-4): one in
// the primary region, one in the backup region (ENC-5).
type CustomerKeys struct {
	Primary string `yaml:"primary"` // aws: KMS key ARN; gcp: Cloud KMS key name; in the primary region
	Backup  string `yaml:"backup"`  // aws: KMS key ARN; gcp: Cloud KMS key name; in the backup region
}

// Backup is the retention and the recovery objectives (BAK-1, BAK-2, BAK-5).
type Backup struct {
	RetentionDays int  `yaml:"retentionDays"` // default 35; 7 to 365; set to 93 by gfs
	GFS           bool `yaml:"gfs"`           // grandfather-father-son: 7 daily, 4 weekly, 3 monthly
	RPOHours      int  `yaml:"rpoHours"`      // on-premise only, required there: 1 to 24
	RTOHours      int  `yaml:"rtoHours"`      // on-premise only, required there: 1 to 72
}

// Cloudflare is the Cloudflare zone in front of the stack.
type Cloudflare struct {
	Zone         string        `yaml:"zone"`         // zone name, e.g. acme.example; the domain lies under it
	ZoneID       string        `yaml:"zoneId"`       // 32 hex digits
	AccountID    string        `yaml:"accountId"`    // 32 hex digits
	Plan         string        `yaml:"plan"`         // free | pro | business | enterprise; default pro
	OriginCSR    string        `yaml:"originCsr"`    // PEM certificate request for the Origin CA certificate (cloud, enterprise)
	Entitlements []string      `yaml:"entitlements"` // enterprise add-ons bought for the zone: botManagement, advancedRateLimiting, requestBodyFields
	MagicTransit *MagicTransit `yaml:"magicTransit"` // enterprise only (NET-6)

	// Zone ownership: Cloudflare keeps one entry-point ruleset per phase and one set
	// of settings per zone, so exactly one stack of a zone owns them (decision 0035).
	OwnsZone              *bool    `yaml:"ownsZone"`              // this stack manages the zone's settings and rulesets; default true
	OtherHostnames        []string `yaml:"otherHostnames"`        // owner only: hostnames of the zone's other stacks its rules cover
	HSTSIncludeSubdomains bool     `yaml:"hstsIncludeSubdomains"` // owner only: HSTS for every subdomain of the zone; default false

	// NET-8: our own client certificate, presented per hostname to the load balancer,
	// which verifies it against our CA (cloud, enterprise).
	OriginPullCertificate string `yaml:"originPullCertificate"` // PEM client certificate (extended key usage clientAuth)
	OriginPullCA          string `yaml:"originPullCa"`          // PEM certificate of the CA that issued it
}

// Owner reports whether the stack owns the zone's singletons (default true).
func (c Cloudflare) Owner() bool { return c.OwnsZone == nil || *c.OwnsZone }

// Cloudflare Enterprise add-ons a zone may have (cloudflare.entitlements).
const (
	EntitlementBotManagement        = "botManagement"
	EntitlementAdvancedRateLimiting = "advancedRateLimiting"
	EntitlementRequestBodyFields    = "requestBodyFields"
)

// Entitlements lists every known Cloudflare add-on.
func Entitlements() []string {
	return []string{EntitlementAdvancedRateLimiting, EntitlementBotManagement, EntitlementRequestBodyFields}
}

// HasEntitlement reports whether the zone has the add-on e.
func (c Cloudflare) HasEntitlement(e string) bool { return slices.Contains(c.Entitlements, e) }

// MagicTransit is the customer's Magic Transit set-up (NET-6).
type MagicTransit struct {
	Prefixes []string `yaml:"prefixes"` // the customer's public prefixes Cloudflare announces
	Tunnels  []Tunnel `yaml:"tunnels"`  // GRE or IPsec tunnels to the customer's routers
}

// Tunnel is one Magic Transit tunnel.
type Tunnel struct {
	Name               string `yaml:"name"`               // slug, unique
	Kind               string `yaml:"kind"`               // gre | ipsec
	CustomerEndpoint   string `yaml:"customerEndpoint"`   // the customer router's public IPv4
	CloudflareEndpoint string `yaml:"cloudflareEndpoint"` // the Cloudflare anycast IPv4 assigned to the account
	InterfaceAddress   string `yaml:"interfaceAddress"`   // a /31 inside 169.254.0.0/16 or 10.0.0.0/8
}

// Odoo is the application: the image for the cloud tiers, the origin for the others.
type Odoo struct {
	Image   string `yaml:"image"`   // cloud, enterprise: <registry>/<repository>[:tag]@sha256:<digest> (OPS-2)
	Version string `yaml:"version"` // Odoo version of the image; default "18.0"
	Origin  string `yaml:"origin"`  // odoo-sh: the <name>.odoo.com host; on-premise: the public origin host
	Tunnel  bool   `yaml:"tunnel"`  // on-premise: reach the server through a Cloudflare Tunnel instead

	CertificateReady bool   `yaml:"certificateReady"` // odoo-sh: Odoo.sh has issued the domain's certificate, so the record is proxied
	TunnelCAPool     string `yaml:"tunnelCaPool"`     // on-premise tunnel: path of the origin's CA file on the cloudflared host
	TunnelServerName string `yaml:"tunnelServerName"` // on-premise tunnel: the name in the origin's certificate; default the origin's host
	Mail             *Mail  `yaml:"mail"`             // cloud, enterprise: Odoo's outgoing mail relay
}

// Alerts says who is told when a promise fails (OPS-1).
type Alerts struct {
	Contacts    []string `yaml:"contacts"`    // e-mail addresses, 1 to 10, required
	WarningDays int      `yaml:"warningDays"` // days before an approval or certificate expires; default 30, 7 to 90
}

// Mail is Odoo's outgoing mail relay (cloud, enterprise): Amazon SES in the stack's
// region or another SMTP server, always with STARTTLS and a password kept as the
// secret smtpPassword.
type Mail struct {
	Relay string `yaml:"relay"` // ses | smtp
	Host  string `yaml:"host"`  // smtp only: the server's hostname; ses: email-smtp.<region>.amazonaws.com
	Port  int    `yaml:"port"`  // 587 (default) or 2587, STARTTLS
	User  string `yaml:"user"`  // the SMTP user name (SES: the SMTP credentials' user name)
	From  string `yaml:"from"`  // the sender address, in the customer's zone
}

// Mail relays.
const (
	RelaySES  = "ses"
	RelaySMTP = "smtp"
)

// DefaultMailPort is the SMTP submission port with STARTTLS.
const DefaultMailPort = 587

// MailPorts are the ports Odoo's configuration file can use: it enables STARTTLS,
// not a TLS wrapper, so 465 is not among them.
var MailPorts = []int{587, 2587}

// SESHost is the SES SMTP endpoint of region.
func SESHost(region string) string { return "email-smtp." + region + ".amazonaws.com" }

// MailHost is the relay's hostname.
func (c *Config) MailHost() string {
	if m := c.Odoo.Mail; m != nil && m.Relay == RelaySES {
		return SESHost(c.Region)
	} else if m != nil {
		return m.Host
	}
	return ""
}

// BreakGlass is a time-bound production grant (IAM-3).
type BreakGlass struct {
	Principal string `yaml:"principal"` // IAM role ARN of the engineer receiving the grant
	GrantedAt string `yaml:"grantedAt"` // RFC 3339 time the grant starts
	Hours     int    `yaml:"hours"`     // 1 to 24
}

// The secret keys a stack may need; set them with `pulumi config set --secret`.
const (
	SecretOriginKey     = "originKey"     // PEM private key of the origin certificate request
	SecretTunnelSecret  = "tunnelSecret"  // base64 secret of the on-premise Cloudflare Tunnel
	SecretIPsecPSKs     = "ipsecPsks"     // JSON object: Magic Transit IPsec tunnel name -> pre-shared key
	SecretOriginPullKey = "originPullKey" // PEM private key of cloudflare.originPullCertificate (NET-8)
	SecretSMTPPassword  = "smtpPassword"  // the password of odoo.mail.user
	SecretVPNPSKs       = "vpnPsks"       // gcp: JSON object: VPN peer name -> IKE pre-shared key (HA VPN)
)

// Defaults.
const (
	DefaultCIDR        = "10.64.0.0/16"
	DefaultPlan        = "pro"
	DefaultVersion     = "18.0"
	DefaultWarningDays = 30
	MaxAlertContacts   = 10
)

// ApplyDefaults fills every optional field left empty. It runs before Validate and
// needs a valid cloud and region to derive the backup region and zones; when they
// are invalid it leaves those fields empty for Validate to report.
func (c *Config) ApplyDefaults() {
	if c.Network.CIDR == "" && c.Tier.NeedsNetwork() {
		c.Network.CIDR = DefaultCIDR
	}
	if c.Backup.RetentionDays == 0 && !c.written("backup.retentionDays") {
		c.Backup.RetentionDays = defaults.RetentionDays
		if c.Backup.GFS {
			c.Backup.RetentionDays = defaults.GFSMonthlyDays
		}
	}
	if c.Cloudflare.Plan == "" {
		c.Cloudflare.Plan = DefaultPlan
	}
	if c.Odoo.Version == "" {
		c.Odoo.Version = DefaultVersion
	}
	if c.Alerts.WarningDays == 0 {
		c.Alerts.WarningDays = DefaultWarningDays
	}
	if c.Odoo.Mail != nil && c.Odoo.Mail.Port == 0 {
		c.Odoo.Mail.Port = DefaultMailPort
	}
	for i := range c.Network.VPNPeers {
		if c.Network.VPNPeers[i].BGPASN == 0 && !c.written(fmt.Sprintf("network.vpnPeers[%d].bgpAsn", i)) {
			c.Network.VPNPeers[i].BGPASN = defaults.BGPASN
		}
	}
	r, ok := jurisdiction.Lookup(c.Cloud, c.Region)
	if !ok || !r.In(c.Jurisdiction) {
		return
	}
	if c.BackupRegion == "" {
		if b, err := jurisdiction.DefaultBackupRegion(c.Cloud, c.Region); err == nil {
			c.BackupRegion = b.Name
		}
	}
	if len(c.Network.Zones) == 0 && c.Tier.NeedsNetwork() {
		for i := 0; i < c.Tier.ZoneCount(); i++ {
			c.Network.Zones = append(c.Network.Zones, zoneName(c.Cloud, c.Region, i))
		}
	}
}

// gcpFirstZone is the first zone letter of the GCP regions whose zones do not start
// at "a" (Compute Engine zones of europe-west1 and us-east1 are b, c, d; the
// Memorystore "Regions and zones" page lists every region's zones).
var gcpFirstZone = map[string]byte{"europe-west1": 'b', "us-east1": 'b'}

// zoneName is the i-th default zone of region: "<region>a" on aws, "<region>-a" on
// gcp (from the region's first zone letter).
func zoneName(cloud jurisdiction.Cloud, region string, i int) string {
	if cloud == jurisdiction.GCP {
		first, ok := gcpFirstZone[region]
		if !ok {
			first = 'a'
		}
		return region + "-" + string(rune(int(first)+i))
	}
	return region + string(rune('a'+i))
}

// Account is the cloud account the stack deploys to: the AWS account ID on aws,
// the Google Cloud project ID on gcp. Components take it as their AccountID.
func (c *Config) Account() string {
	if c.Cloud == jurisdiction.GCP {
		return c.ProjectID
	}
	return c.AccountID
}

// RPOHours is the recovery point objective of the stack (BAK-1).
func (c *Config) RPOHours() int { return c.Tier.RPOHours(c.Backup.RPOHours) }

// RTOHours is the recovery time objective of the stack (BAK-1): the upper bound.
func (c *Config) RTOHours() int { return c.Tier.RTOHours(c.Backup.RTOHours) }

// Production reports whether the stack is a production stack.
func (c *Config) Production() bool { return c.Environment == Production }

// Name is the name of the stack's root component and the stem of every resource
// name: <slug>-<region>.
func (c *Config) Name() string { return c.NameIn(c.Region) }

// NameIn is the stem of the names of the stack's resources in region.
func (c *Config) NameIn(region string) string { return c.Slug() + "-" + region }

// Slug names the stack's customer environment in physical names (aliases, buckets,
// database users): the customer, with "-np" on non-production, so that a staging
// stack never takes, or is confused with, a production name (DAT-1).
func (c *Config) Slug() string { return names.Slug(c.Customer, c.Environment == NonProduction) }
