// Package runtime is the cloud-neutral concept of a customer's Odoo application
// runtime: containers behind a TLS-only load balancer (ENC-1) that answers only the
// customer's hostnames behind the edge (NET-8), replicas across zones on cloud and
// enterprise (DAT-2), a file store encrypted with a managed key (ENC-2) and logs
// kept encrypted. It holds plain Go values and pure functions; awsruntime (and later
// gcpruntime) build it, and runtimetest is the conformance suite both run.
package runtime

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/octura/odoo-hosting/internal/names"
	"github.com/octura/odoo-hosting/internal/problems"
	"github.com/octura/odoo-hosting/internal/tier"
)

// Type is the type token of the runtime component, the same on every cloud: the
// implementations register it, the tests and the policies find the component by it.
const Type = "odoo-hosting:runtime:Runtime"

// LoadBalancerName is the logical name of the load balancer and the target group of
// the runtime component called component. Pulumi auto-names both from it (the name,
// "-" and 7 hex digits) and AWS allows 32 characters, so a component name longer
// than 24 characters is shortened (names.Fit): head, "-", 4 hex digits of its hash.
func LoadBalancerName(component string) string {
	return names.Autonamed(names.LoadBalancer, component)
}

// WebsocketTargetGroupName is the logical name of the websocket worker's target
// group: auto-named by Pulumi within Elastic Load Balancing's 32 characters.
func WebsocketTargetGroupName(component string) string {
	return names.Autonamed(names.TargetGroup, component+"-ws")
}

// RoleName is the logical name of the runtime's IAM role for purpose (execution,
// task): auto-named by Pulumi within IAM's 64 characters.
func RoleName(component, purpose string) string {
	return names.Autonamed(names.Role, component+"-"+purpose)
}

// Defaults and limits; the only place they are written down.
const (
	DefaultVersion          = "18.0"
	DefaultCPU              = 1024
	DefaultMemoryMiB        = 2048
	DefaultLogRetentionDays = 365
	// ProductionReplicas is the minimum replica count of production (DAT-2).
	ProductionReplicas = 2
	// MaxHostnames is how many hostnames one load balancer rule matches.
	MaxHostnames = 5
	// AppPort is the port Odoo listens on; HealthPath its health check.
	AppPort    = 8069
	HealthPath = "/web/health"
	// WebsocketPort is the port of Odoo's evented (gevent) worker in multi-process
	// mode, and WebsocketPath the route it serves on Odoo 16 and later (the bus,
	// live chat, discussions and notifications): its own target group and rule.
	WebsocketPort = 8072
	WebsocketPath = "/websocket"
	// IdleTimeoutSeconds is the load balancer's idle timeout: at least EdgeTimeoutSeconds,
	// Cloudflare's proxy read timeout, so a long request ends at the edge, not in a 504
	// of the load balancer.
	IdleTimeoutSeconds = 120
	EdgeTimeoutSeconds = 100
	// DefaultDatabaseName is the customer's one database; the dbfilter admits only it.
	DefaultDatabaseName = "odoo"
	// FileStorePath is where the Odoo file store is mounted.
	FileStorePath = "/var/lib/odoo"
)

// Versions are the Odoo versions the runtime is built for: 16.0 and later serve the
// bus on /websocket through the evented worker.
var Versions = []string{"16.0", "17.0", "18.0"}

// LogRetentionChoices are the retention periods log stores accept, in days.
var LogRetentionChoices = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// cpuMemory are the container sizes: CPU units and the memory range in MiB.
var cpuMemory = map[int][2]int{256: {512, 2048}, 512: {1024, 4096}, 1024: {2048, 8192}, 2048: {4096, 16384}, 4096: {8192, 30720}}

// Spec is what a customer's Odoo runtime must be.
type Spec struct {
	// Customer is the customer slug ([a-z][a-z0-9-], 2 to 32 characters). Required.
	Customer string
	// Tier is cloud or enterprise. Required.
	Tier tier.Tier
	// Production marks a production runtime. Default false.
	Production bool
	// Image is the container image reference, pinned by digest:
	// <registry>/<repository>[:tag]@sha256:<64 hex> in a registry an ECR pull-through
	// cache reaches without credentials (OPS-2). Required.
	Image string
	// Version is the Odoo version of the image ("16.0", "17.0", "18.0"). Default "18.0".
	Version string
	// DatabaseName is the customer's one database: Odoo serves it alone (dbfilter).
	// Default "odoo".
	DatabaseName string
	// CPU is the container's CPU units (256, 512, 1024, 2048, 4096). Default 1024.
	CPU int
	// MemoryMiB is the container's memory, within the range of CPU. Default 2048.
	MemoryMiB int
	// DesiredCount is how many replicas run. Default 2 on production, 1 on
	// non-production; at least 2 on production (DAT-2).
	DesiredCount int
	// Zones is how many zones the replicas and the file store's mount targets span.
	// Default 2, 3 on enterprise (NET-1); at least 2 on production (DAT-2).
	Zones int
	// Hostnames are the customer's hostnames; the load balancer answers only these
	// (NET-8). Required, 1 to 5.
	Hostnames []string
	// LogRetentionDays is how long application logs are kept, one of
	// LogRetentionChoices. Default 365.
	LogRetentionDays int
	// Mail is Odoo's outgoing mail relay; nil sends no mail.
	Mail *Mail
}

// Mail is an SMTP relay Odoo reaches with STARTTLS; its password is a secret
// argument of the implementation, never part of the spec.
type Mail struct {
	Host string // e.g. email-smtp.eu-west-1.amazonaws.com
	Port int    // 587 or 2587
	User string
	From string // the sender address
}

// WithDefaults returns s with every unset field at its default.
func (s Spec) WithDefaults() Spec {
	if s.DatabaseName == "" {
		s.DatabaseName = DefaultDatabaseName
	}
	if s.Version == "" {
		s.Version = DefaultVersion
	}
	if s.CPU == 0 {
		s.CPU = DefaultCPU
	}
	if s.MemoryMiB == 0 {
		s.MemoryMiB = DefaultMemoryMiB
	}
	if s.DesiredCount == 0 {
		s.DesiredCount = 1
		if s.Production {
			s.DesiredCount = ProductionReplicas
		}
	}
	if s.Zones == 0 {
		s.Zones = s.Tier.ZoneCount() // NET-1
	}
	if s.LogRetentionDays == 0 {
		s.LogRetentionDays = DefaultLogRetentionDays
	}
	return s
}

// CacheRegistries maps each registry an image may come from to the upstream URL of
// its pull-through cache rule: the upstreams Amazon ECR caches without stored
// credentials (Amazon ECR User Guide, "Sync an upstream registry with an Amazon ECR
// private registry").
var CacheRegistries = map[string]string{"public.ecr.aws": "public.ecr.aws", "quay.io": "quay.io", "registry.k8s.io": "registry.k8s.io"}

// Image is a parsed image reference.
type Image struct {
	Registry   string // e.g. public.ecr.aws
	Repository string // e.g. docker/library/odoo
	Tag        string // e.g. 18.0; may be empty
	Digest     string // sha256:<64 hex>
}

var imageRefRE = regexp.MustCompile(`^([a-z0-9]([a-z0-9.-]*[a-z0-9])?)/([a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?@(sha256:[0-9a-f]{64})$`)

// ParseImage parses a digest-pinned reference in a cacheable registry (OPS-2).
func ParseImage(ref string) (Image, error) {
	m := imageRefRE.FindStringSubmatch(ref)
	if m == nil {
		return Image{}, fmt.Errorf("image %q is not an image reference pinned by digest; allowed: <registry>/<repository>[:tag]@sha256:<64 hex digits>", ref)
	}
	if _, ok := CacheRegistries[m[1]]; !ok {
		return Image{}, fmt.Errorf("image %q is in registry %q, which no pull-through cache rule reaches without credentials; allowed: public.ecr.aws, quay.io, registry.k8s.io", ref, m[1])
	}
	return Image{Registry: m[1], Repository: m[3], Tag: m[4], Digest: m[5]}, nil
}

// CachePrefix is the repository prefix of the stack's pull-through cache rule: the
// customer slug, cut to ECR's 30 characters.
func CachePrefix(s Spec) string {
	p := s.Customer
	if len(p) > 30 {
		p = strings.TrimRight(p[:30], "-")
	}
	return p
}

// CachedImage is the image the tasks pull: the configured image through the
// stack's pull-through cache in its own account and region, by digest only.
func CachedImage(s Spec, account, region string) (string, error) {
	img, err := ParseImage(s.Image)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com/%s/%s@%s", account, region, CachePrefix(s), img.Repository, img.Digest), nil
}

// Sizing is Odoo's multi-process configuration for a container size.
type Sizing struct {
	Workers           int // HTTP worker processes
	MaxCronThreads    int // cron worker processes
	LimitMemorySoft   int // bytes: a worker above it is recycled after its request
	LimitMemoryHard   int // bytes: a worker above it is killed at once
	LimitTimeCPU      int // seconds of CPU per request
	LimitTimeReal     int // seconds of wall time per request
	LimitTimeRealCron int // seconds of wall time per cron job
}

// Reserved memory (MiB) for the master process, the evented worker and the system;
// each worker process gets at least MinWorkerMiB.
const (
	ReservedMiB  = 512
	MinWorkerMiB = 384
)

// SizingOf sizes Odoo to the container: workers = 2 × vCPU + 1 (Odoo's rule of
// thumb), no more than the memory holds at MinWorkerMiB each besides the cron
// worker, at least 2; one cron thread; each process's hard memory limit its share of
// the memory, the soft limit 80 % of it; requests limited to Cloudflare's timeout.
func SizingOf(s Spec) Sizing {
	s = s.WithDefaults()
	const cron = 1
	workers := 2*s.CPU/1024 + 1
	if byMem := (s.MemoryMiB-ReservedMiB)/MinWorkerMiB - cron; byMem < workers {
		workers = byMem
	}
	if workers < 2 {
		workers = 2
	}
	share := (s.MemoryMiB - ReservedMiB) / (workers + cron) // MiB per process
	return Sizing{
		Workers: workers, MaxCronThreads: cron,
		LimitMemoryHard: share << 20, LimitMemorySoft: share * 4 / 5 << 20,
		LimitTimeCPU: 60, LimitTimeReal: EdgeTimeoutSeconds + 20, LimitTimeRealCron: 900,
	}
}

var (
	versionRE = regexp.MustCompile(`^[0-9]{2}\.[0-9]$`)
	identRE   = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)
	hostRE    = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
)

// Validate checks s after defaults and returns every problem at once, each naming
// the field, the value and what is allowed.
func (s Spec) Validate() error {
	s = s.WithDefaults()
	var probs problems.List
	add := probs.Linef
	if !names.ValidSlug(s.Customer) {
		add("customer %q is not a slug; allowed: %s", s.Customer, names.SlugRule)
	}
	if !s.Tier.RunsApplication() {
		add("tier %q does not run Odoo in this project; allowed: cloud, enterprise", s.Tier)
	}
	if img, err := ParseImage(s.Image); err != nil {
		add("%v", err)
	} else if img.Tag != "" && versionRE.MatchString(img.Tag) && img.Tag != s.Version {
		add("image %q has tag %s but version is %s; allowed: a tag equal to version, or no tag", s.Image, img.Tag, s.Version)
	}
	if !slices.Contains(Versions, s.Version) {
		add("version %q is not a supported Odoo version; allowed: %s", s.Version, strings.Join(Versions, ", "))
	}
	if !identRE.MatchString(s.DatabaseName) {
		add("databaseName %q is not a database name; allowed: a lowercase letter, then up to 62 of a-z, 0-9 and _", s.DatabaseName)
	}
	if r, ok := cpuMemory[s.CPU]; !ok {
		add("cpu %d is not a container size; allowed: 256, 512, 1024, 2048, 4096", s.CPU)
	} else if s.MemoryMiB < r[0] || s.MemoryMiB > r[1] {
		add("memoryMiB %d does not fit cpu %d; allowed: %d to %d", s.MemoryMiB, s.CPU, r[0], r[1])
	}
	if s.DesiredCount < 1 {
		add("desiredCount %d is out of range; allowed: 1 or more", s.DesiredCount)
	} else if s.Production && s.DesiredCount < ProductionReplicas {
		add("desiredCount %d is too low for production %s (DAT-2); allowed: %d or more", s.DesiredCount, s.Tier, ProductionReplicas)
	}
	if s.Zones < 1 || s.Zones > 6 {
		add("zones %d is out of range; allowed: 1 to 6", s.Zones)
	} else if s.Production && s.Zones < 2 {
		add("zones %d is too few for production %s (DAT-2); allowed: 2 or more", s.Zones, s.Tier)
	}
	if len(s.Hostnames) == 0 || len(s.Hostnames) > MaxHostnames {
		add("hostnames %q has %d entries; allowed: 1 to %d hostnames", s.Hostnames, len(s.Hostnames), MaxHostnames)
	}
	seen := map[string]bool{}
	for _, h := range s.Hostnames {
		if !hostRE.MatchString(h) || len(h) > 253 {
			add("hostnames %q is not a lowercase DNS name; allowed: names such as erp.example.com", h)
		} else if seen[h] {
			add("hostnames %q is listed twice; allowed: each hostname once", h)
		}
		seen[h] = true
	}
	if m := s.Mail; m != nil {
		if !hostRE.MatchString(m.Host) {
			add("mail.host %q is not a hostname; allowed: a DNS name such as email-smtp.eu-west-1.amazonaws.com", m.Host)
		}
		if m.Port != 587 && m.Port != 2587 {
			add("mail.port %d is not a STARTTLS submission port; allowed: 587, 2587", m.Port)
		}
		if m.User == "" || strings.ContainsAny(m.User, " \t\r\n") {
			add("mail.user %q is not an SMTP user name; allowed: a name without spaces", m.User)
		}
		if !strings.Contains(m.From, "@") || strings.ContainsAny(m.From, " \t\r\n") {
			add("mail.from %q is not an email address; allowed: an address such as erp@acme.example", m.From)
		}
	}
	if !slices.Contains(LogRetentionChoices, s.LogRetentionDays) {
		add("logRetentionDays %d is not a retention period; allowed: %s", s.LogRetentionDays, strings.Trim(fmt.Sprint(LogRetentionChoices), "[]"))
	}
	return probs.Err()
}
