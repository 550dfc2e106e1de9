// Package access is the cloud-neutral engineer access and audit of one customer
// stack (IAM-1 to IAM-5): role-based groups, MFA everywhere, time-bound break-glass
// access and the audit trail. It imports no cloud SDK; awsaccess builds it,
// accesstest is the conformance suite every implementation runs.
package access

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/octura/odoo-hosting/internal/jurisdiction"
	"github.com/octura/odoo-hosting/internal/names"
	"github.com/octura/odoo-hosting/internal/problems"
)

// Type is the type token of the access component, the same on every cloud: the
// implementations register it, the tests and the policies find the component by it.
const Type = "odoo-hosting:access:Access"

// AuditBucketName is the name of the bucket of the audit trail of s (IAM-4):
// "<customer>-<region>-audit-<account>", global like every bucket name.
func AuditBucketName(s Spec) string {
	return fmt.Sprintf("%s-%s-audit-%s", s.Customer, s.Region, s.AccountID)
}

// Role is an engineer role (IAM-1).
type Role string

// The roles every stack has; access is granted to these groups, never to a user.
const (
	Administrator Role = "administrator"
	Operator      Role = "operator"
	Auditor       Role = "auditor"
)

// Roles lists every role in a stable order.
func Roles() []Role { return []Role{Administrator, Operator, Auditor} }

// Defaults and bounds, in one place.
const (
	// DefaultTrailRetentionDays is how long audit logs are kept immutable (IAM-4).
	DefaultTrailRetentionDays = 400
	// MinTrailRetentionDays is the shortest retention accepted: one year.
	MinTrailRetentionDays = 365
	// MaxTrailRetentionDays is the longest: ten years.
	MaxTrailRetentionDays = 3653
	// MaxBreakGlassHours is IAM-3's limit.
	MaxBreakGlassHours = 24
	// BreakGlassSessionSeconds is the longest session of the break-glass role.
	BreakGlassSessionSeconds = 3600
)

// Grant is one break-glass grant (IAM-3): Principal may take production access
// for Hours from GrantedAt, with MFA; it expires by itself.
type Grant struct {
	// Principal is the IAM ARN of the engineer's own role (or user). Required.
	Principal string
	// GrantedAt is when the grant starts. Required; not in the future.
	GrantedAt time.Time
	// Hours is how long the grant lasts: 1 to 24. Required.
	Hours int
	// Reason says why, for the audit record. Default: empty.
	Reason string
}

// BreakGlassExpiry is the instant the grant ends: GrantedAt plus Hours, in UTC,
// truncated to the second.
func BreakGlassExpiry(g Grant) time.Time {
	return g.GrantedAt.UTC().Truncate(time.Second).Add(time.Duration(g.Hours) * time.Hour)
}

// BreakGlassAssumeUntil is the last instant the role may be assumed: the grant's
// expiry less the longest session, so no session outlives the grant (IAM-3: grant
// and session together end within Hours, at most 24).
func BreakGlassAssumeUntil(g Grant) time.Time {
	return BreakGlassExpiry(g).Add(-BreakGlassSessionSeconds * time.Second)
}

// MinBreakGlassHours is the shortest grant: one hour in which the role can be
// assumed plus one hour for the last session.
const MinBreakGlassHours = 2

// federatedPath is the IAM path of the roles IAM Identity Center makes; their
// sessions carry no aws:MultiFactorAuthPresent (MFA is checked at the identity
// provider), so a trust policy requiring it would never admit them.
const federatedPath = ":role/aws-reserved/sso.amazonaws.com/"

// Active reports whether the grant is in force at now.
func (g Grant) Active(now time.Time) bool {
	return !now.Before(g.GrantedAt) && now.Before(BreakGlassExpiry(g))
}

// Spec is the access and audit of one customer stack.
type Spec struct {
	// Customer is the customer slug; group and role names start with it. Required.
	Customer string
	// AccountID is the 12-digit AWS account (the GCP project on gcp). Required.
	AccountID string
	// Cloud is the cloud. Default "aws".
	Cloud jurisdiction.Cloud
	// Region is the region of the audit trail and its bucket (IAM-4). Required.
	Region string
	// Jurisdiction, when set, is the jurisdiction Region must lie in (IAM-4, RES-2).
	// Default: unset.
	Jurisdiction jurisdiction.Jurisdiction
	// BreakGlass is the current break-glass grant (IAM-3). Default: nil, no
	// break-glass role.
	BreakGlass *Grant
	// TrailRetentionDays is how long audit logs stay immutable. Default 400; 365 to
	// 3653.
	TrailRetentionDays int
	// Production protects the trail's bucket from deletion (BAK-6). Default false.
	Production bool
}

// WithDefaults returns a copy of s with every unset field at its default.
func (s Spec) WithDefaults() Spec {
	if s.Cloud == "" {
		s.Cloud = jurisdiction.AWS
	}
	if s.TrailRetentionDays == 0 {
		s.TrailRetentionDays = DefaultTrailRetentionDays
	}
	return s
}

var (
	slug       = regexp.MustCompile(`^[a-z][a-z0-9-]{0,30}[a-z0-9]$`)
	accountID  = regexp.MustCompile(`^[0-9]{12}$`)
	iamARN     = regexp.MustCompile(`^arn:(aws|aws-us-gov|aws-cn|aws-eusc):iam::[0-9]{12}:(role|user)/[A-Za-z0-9+=,.@_/-]{1,512}$`)
	gcpAccount = regexp.MustCompile(`^(user|group|serviceAccount):[^@\s]+@[^@\s]+$`)
)

// Validate checks the spec at the current time; see ValidateAt.
func (s Spec) Validate() error { return s.ValidateAt(time.Now()) }

// ValidateAt returns every problem of the spec (with defaults applied) at now at
// once, each naming the field, the value and what is allowed; nil when valid.
func (s Spec) ValidateAt(now time.Time) error {
	s = s.WithDefaults()
	var probs problems.List
	add := probs.Linef

	if !names.ValidSlug(s.Customer) {
		add("customer %q is not a slug; allowed: %s", s.Customer, names.SlugRule)
	}
	if s.Cloud == jurisdiction.AWS && !accountID.MatchString(s.AccountID) {
		add("accountId %q is not an AWS account ID; allowed: 12 digits", s.AccountID)
	}
	region, ok := jurisdiction.Lookup(s.Cloud, s.Region)
	switch {
	case !ok:
		add("region %q is not a known %s region; allowed: a region of the jurisdiction model", s.Region, s.Cloud)
	case s.Jurisdiction != "" && !region.In(s.Jurisdiction):
		add("region %q (%s, %s) is outside jurisdiction %s; allowed: %s (IAM-4: audit logs stay in the jurisdiction)", s.Region, region.City, region.Country, s.Jurisdiction,
			strings.Join(jurisdiction.RegionNames(jurisdiction.Regions(s.Cloud, s.Jurisdiction)), ", "))
	}
	if s.TrailRetentionDays < MinTrailRetentionDays || s.TrailRetentionDays > MaxTrailRetentionDays {
		add("trailRetentionDays %d is out of range; allowed: %d to %d (default %d)", s.TrailRetentionDays, MinTrailRetentionDays, MaxTrailRetentionDays, DefaultTrailRetentionDays)
	}
	if g := s.BreakGlass; g != nil {
		switch {
		case s.Cloud == jurisdiction.GCP && !gcpAccount.MatchString(g.Principal):
			add("breakGlass.principal %q is not an IAM principal; allowed: user:<email>, group:<email> or serviceAccount:<email>", g.Principal)
		case s.Cloud != jurisdiction.GCP && !iamARN.MatchString(g.Principal):
			add("breakGlass.principal %q is not an IAM role or user ARN; allowed: arn:aws:iam::<account>:role/<name>", g.Principal)
		}
		if g.Hours < MinBreakGlassHours || g.Hours > MaxBreakGlassHours {
			why := "the role can be assumed until one hour before the grant ends, so the last one-hour session ends with it"
			if s.Cloud == jurisdiction.GCP {
				why = "the bindings' IAM condition ends with the grant; the same bounds as on aws"
			}
			add("breakGlass.hours %d is out of range; allowed: %d to %d (IAM-3: %s)", g.Hours, MinBreakGlassHours, MaxBreakGlassHours, why)
		}
		if s.Cloud == jurisdiction.AWS && strings.Contains(g.Principal, federatedPath) {
			add("breakGlass.principal %q is an IAM Identity Center role, whose sessions carry no aws:MultiFactorAuthPresent, so the MFA condition would never admit it; allowed: the engineer's own role, assumed with MFA (sts:AssumeRole with --serial-number and --token-code)", g.Principal)
		}
		switch {
		case g.GrantedAt.IsZero():
			add("breakGlass.grantedAt is not set; allowed: the time the grant starts, RFC 3339")
		case g.GrantedAt.After(now):
			add("breakGlass.grantedAt %s is in the future; allowed: a time at or before now (%s)", g.GrantedAt.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
		}
	}
	return probs.Err()
}
