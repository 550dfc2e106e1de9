// Package runtime is the cloud-neutral concept of a customer's Odoo application
// runtime: containers behind a TLS-only load balancer (ENC-1) that answers only the
// customer's hostnames behind the edge (NET-8), replicas across zones on cloud and
// enterprise (DAT-2), a file store encrypted with a managed key (ENC-2) and logs
// kept encrypted. It holds plain Go values and pure functions; awsruntime (and later
// gcpruntime) build it, and runtimetest is the conformance suite both run.
package runtime

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/octura/odoo-hosting/internal/names"
	"github.com/octura/odoo-hosting/internal/tier"
)

// LoadBalancerName is the logical name of the load balancer and the target group of
// the runtime component called component. Pulumi auto-names both from it (the name,
// "-" and 7 hex digits) and AWS allows 32 characters, so a component name longer
// than 24 characters is shortened (names.Fit): head, "-", 4 hex digits of its hash.
func LoadBalancerName(component string) string {
	return names.Autonamed(names.LoadBalancer, component)
}

// RoleName is the logical name of the runtime's IAM role for purpose (execution,
// task): auto-named by Pulumi within IAM's 64 characters.
func RoleName(component, purpose string) string {
	return names.Autonamed(names.Role, component+"-"+purpose)
}

// Defaults and limits; the only place they are written down.
const (
	DefaultImage            = "odoo"
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
	// FileStorePath is where the Odoo file store is mounted.
	FileStorePath = "/var/lib/odoo"
)

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
	// Image is the container image without tag, from configuration. Default "odoo".
	Image string
	// Version is the image tag, from configuration. Default "18.0".
	Version string
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
}

// WithDefaults returns s with every unset field at its default.
func (s Spec) WithDefaults() Spec {
	if s.Image == "" {
		s.Image = DefaultImage
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

// ImageRef is the container image to run: Image + ":" + Version.
func ImageRef(s Spec) string {
	s = s.WithDefaults()
	return s.Image + ":" + s.Version
}

var (
	customerRE = regexp.MustCompile(`^[a-z][a-z0-9-]{1,31}$`)
	imageRE    = regexp.MustCompile(`^[a-z0-9]([a-z0-9._:/-]*[a-z0-9])?$`)
	tagRE      = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	hostRE     = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
)

// Validate checks s after defaults and returns every problem at once, each naming
// the field, the value and what is allowed.
func (s Spec) Validate() error {
	s = s.WithDefaults()
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if !customerRE.MatchString(s.Customer) {
		add("customer %q is not a slug; allowed: a lowercase letter, then 1 to 31 of a-z, 0-9 and -", s.Customer)
	}
	if !s.Tier.RunsApplication() {
		add("tier %q does not run Odoo in this project; allowed: cloud, enterprise", s.Tier)
	}
	if last := s.Image[strings.LastIndex(s.Image, "/")+1:]; !imageRE.MatchString(s.Image) || strings.Contains(last, ":") {
		add("image %q is not an image name without tag; allowed: a repository such as odoo or registry.example.com/team/odoo; the tag goes in version", s.Image)
	}
	if !tagRE.MatchString(s.Version) {
		add("version %q is not an image tag; allowed: letters, digits, _, . and -, such as %s", s.Version, DefaultVersion)
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
	if !slices.Contains(LogRetentionChoices, s.LogRetentionDays) {
		add("logRetentionDays %d is not a retention period; allowed: %s", s.LogRetentionDays, strings.Trim(fmt.Sprint(LogRetentionChoices), "[]"))
	}
	return errors.Join(errs...)
}
