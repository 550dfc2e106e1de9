// Package keys is the cloud-neutral set of encryption keys of one customer stack in
// one region (ENC-2, ENC-3, ENC-4, ENC-5): its specification, defaults and
// validation. It imports no cloud SDK; awskeys builds it, keystest is the
// conformance suite every implementation runs.
//
// A stack makes one Keys per region: the primary region's (data, logs) and the
// backup region's (backup), so that backup copies are encrypted with a key in the
// backup region (ENC-5) and every key lives in the region of the data it protects
// (ENC-3).
package keys

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/octura/odoo-hosting/internal/jurisdiction"
	"github.com/octura/odoo-hosting/internal/names"
	"github.com/octura/odoo-hosting/internal/problems"
)

// Type is the type token of the keys component, the same on every cloud: the
// implementations register it, the tests and the policies find the component by it.
const Type = "odoo-hosting:keys:Keys"

// Purpose is what a key protects.
type Purpose string

// The purposes a key can have.
const (
	// Data protects databases, volumes, file stores and buckets.
	Data Purpose = "data"
	// Backup protects backup vaults and backup copies (ENC-5).
	Backup Purpose = "backup"
	// Logs protects log groups, flow logs and the audit trail.
	Logs Purpose = "logs"
)

// Purposes lists every purpose in a stable order.
func Purposes() []Purpose { return []Purpose{Data, Backup, Logs} }

// Defaults and bounds, in one place.
const (
	// DefaultDeletionWindowDays is how long a deleted key waits (ENC-3: at least 30).
	DefaultDeletionWindowDays = 30
	// MinDeletionWindowDays is ENC-3's minimum; MaxDeletionWindowDays the providers'.
	MinDeletionWindowDays = 30
	MaxDeletionWindowDays = 30
	// DefaultRotationPeriodDays is how often keys rotate (ENC-3: at most yearly).
	DefaultRotationPeriodDays = 365
	// MinRotationPeriodDays is the shortest period AWS KMS accepts.
	MinRotationPeriodDays = 90
	// MaxRotationPeriodDays is ENC-3's maximum.
	MaxRotationPeriodDays = 365
	// GCPRotationPeriodDays is the default and the maximum on gcp: Cloud KMS keys
	// rotate within 90 days (CIS Google Cloud benchmark 1.10; decision 0065).
	GCPRotationPeriodDays = 90
	// GCPMinRotationPeriodDays is the shortest period Cloud KMS accepts (24 hours).
	GCPMinRotationPeriodDays = 1
)

// Spec is the keys of one customer stack in one region.
type Spec struct {
	// Customer is the customer slug; aliases are "<customer>-<purpose>". Required.
	Customer string
	// Cloud is the cloud of Region. Default "aws".
	Cloud jurisdiction.Cloud
	// Region is the region the keys live in: the region of the data they protect
	// (ENC-3; the backup region for backup keys, ENC-5). Required; must be a region
	// of the jurisdiction model, and of Jurisdiction when that is set.
	Region string
	// Jurisdiction, when set, is the stack's jurisdiction Region must lie in (RES-2).
	// Default: unset (the region need only lie in some jurisdiction).
	Jurisdiction jurisdiction.Jurisdiction
	// AccountID is the 12-digit AWS account (the GCP project ID on gcp) that owns the
	// keys and administers them. Required.
	AccountID string
	// Purposes are the keys to make, one per purpose. Default: data, backup, logs.
	Purposes []Purpose
	// CustomerKeyARN, on enterprise, is the customer's own key (ENC-4): no key is
	// created and it is used for every purpose. It must be a KMS key ARN in Region.
	// Default: empty (the project creates the keys).
	CustomerKeyARN string
	// DeletionWindowDays is how long a deleted key waits before it is destroyed.
	// Default 30; at least 30 (ENC-3).
	DeletionWindowDays int
	// RotationPeriodDays is how often the key material rotates. Default 365; 90 to
	// 365 (ENC-3). On gcp default 90; 1 to 90 (decision 0065).
	RotationPeriodDays int
	// Protect protects the keys from `pulumi destroy` (production, BAK-6). Keys are
	// always retained on delete. Default false.
	Protect bool
	// Application marks the keys of a stack that runs the application (database,
	// its generated secret, file store and shell sessions into the containers): the
	// data key then admits exactly those users. Default false: the data key is kept
	// for the stack's data but admits no service (ENC-2: nothing broader than the
	// stack uses).
	Application bool
	// BackupRegion marks the keys of the backup region (ENC-5): with Application,
	// the backup key also admits the copies of database snapshots made into the
	// backup region's vault. Default false.
	BackupRegion bool
	// LogGroups marks the keys of a stack that keeps log groups (flow logs,
	// application and database logs): the logs key then admits CloudWatch Logs.
	// Default false: the logs key serves the audit trail only.
	LogGroups bool
}

// WithDefaults returns a copy of s with every unset field at its default.
func (s Spec) WithDefaults() Spec {
	if s.Cloud == "" {
		s.Cloud = jurisdiction.AWS
	}
	if len(s.Purposes) == 0 {
		s.Purposes = Purposes()
	} else {
		s.Purposes = slices.Clone(s.Purposes)
	}
	if s.DeletionWindowDays == 0 {
		s.DeletionWindowDays = DefaultDeletionWindowDays
	}
	if s.RotationPeriodDays == 0 {
		s.RotationPeriodDays = DefaultRotationPeriodDays
		if s.Cloud == jurisdiction.GCP {
			s.RotationPeriodDays = GCPRotationPeriodDays
		}
	}
	return s
}

// RotationBounds are the rotation periods, in days, the spec's cloud allows: 90
// to 365 on aws, 1 to 90 on gcp (ENC-3; decision 0065).
func (s Spec) RotationBounds() (lo, hi int) {
	if s.Cloud == jurisdiction.GCP {
		return GCPMinRotationPeriodDays, GCPRotationPeriodDays
	}
	return MinRotationPeriodDays, MaxRotationPeriodDays
}

// CustomerManaged reports whether the stack uses the customer's key (ENC-4).
func (s Spec) CustomerManaged() bool { return s.CustomerKeyARN != "" }

// Alias is the alias of the key of purpose p: "<customer>-<purpose>".
func (s Spec) Alias(p Purpose) string { return s.Customer + "-" + string(p) }

var (
	slug      = regexp.MustCompile(`^[a-z][a-z0-9-]{0,30}[a-z0-9]$`)
	accountID = regexp.MustCompile(`^[0-9]{12}$`)
	kmsKeyARN = regexp.MustCompile(`^arn:(aws|aws-us-gov|aws-cn|aws-eusc):kms:([a-z0-9-]+):([0-9]{12}):key/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$`)
	gcpKey    = regexp.MustCompile(`^projects/[a-z][a-z0-9-]{4,28}[a-z0-9]/locations/([a-z0-9-]+)/keyRings/[A-Za-z0-9_-]+/cryptoKeys/[A-Za-z0-9_-]+$`)
)

// Validate returns every problem of the spec (with defaults applied) at once, each
// naming the field, the value and what is allowed; nil when the spec is valid.
func (s Spec) Validate() error {
	s = s.WithDefaults()
	var probs problems.List
	add := probs.Linef

	if !names.ValidSlug(s.Customer) {
		add("customer %q is not a slug; allowed: %s", s.Customer, names.SlugRule)
	}
	region, regionOK := jurisdiction.Lookup(s.Cloud, s.Region)
	switch {
	case !slices.Contains(jurisdiction.Clouds(), s.Cloud):
		add("cloud %q is unknown; allowed: aws, gcp", s.Cloud)
	case !regionOK:
		add("region %q is not a known %s region; allowed: a region of the jurisdiction model", s.Region, s.Cloud)
	case s.Jurisdiction != "" && !region.In(s.Jurisdiction):
		add("region %q (%s, %s) is outside jurisdiction %s; allowed: %s (RES-2)", s.Region, region.City, region.Country, s.Jurisdiction,
			strings.Join(jurisdiction.RegionNames(jurisdiction.Regions(s.Cloud, s.Jurisdiction)), ", "))
	default:
		if _, ok := region.Jurisdiction(); !ok {
			add("region %q (%s, %s) lies in no supported jurisdiction; allowed: a region in us, ca or eu (RES-1)", s.Region, region.City, region.Country)
		}
	}
	if s.Cloud == jurisdiction.AWS && !accountID.MatchString(s.AccountID) {
		add("accountId %q is not an AWS account ID; allowed: 12 digits", s.AccountID)
	}
	if s.Cloud == jurisdiction.GCP && s.AccountID == "" {
		add("accountId is empty; allowed: the GCP project ID that owns the keys")
	}
	seen := map[Purpose]bool{}
	for i, p := range s.Purposes {
		switch {
		case !slices.Contains(Purposes(), p):
			add("purposes[%d] %q is unknown; allowed: data, backup, logs", i, p)
		case seen[p]:
			add("purposes[%d] %q is listed twice; allowed: each purpose once", i, p)
		}
		seen[p] = true
	}
	if s.DeletionWindowDays < MinDeletionWindowDays || s.DeletionWindowDays > MaxDeletionWindowDays {
		add("deletionWindowDays %d is out of range; allowed: %d (ENC-3: at least %d days)", s.DeletionWindowDays, MaxDeletionWindowDays, MinDeletionWindowDays)
	}
	if lo, hi := s.RotationBounds(); s.RotationPeriodDays < lo || s.RotationPeriodDays > hi {
		add("rotationPeriodDays %d is out of range; allowed: %d to %d (ENC-3: at least yearly)", s.RotationPeriodDays, lo, hi)
	}
	if s.CustomerManaged() {
		if err := s.checkCustomerKey(); err != nil {
			probs.AddError(err)
		}
	}
	return probs.Err()
}

// checkCustomerKey checks the customer's key reference (ENC-4): a key of the
// cloud's key service, in Region (ENC-3), and for AWS in the partition of Region.
func (s Spec) checkCustomerKey() error {
	switch s.Cloud {
	case jurisdiction.GCP:
		m := gcpKey.FindStringSubmatch(s.CustomerKeyARN)
		if m == nil {
			return fmt.Errorf("customerKeyArn %q is not a Cloud KMS key name; allowed: projects/<project>/locations/%s/keyRings/<ring>/cryptoKeys/<key> (ENC-4)", s.CustomerKeyARN, s.Region)
		}
		if m[1] != s.Region {
			return fmt.Errorf("customerKeyArn %q is in region %s, not in the keys' region %s; allowed: a key in %s (ENC-3, ENC-4)", s.CustomerKeyARN, m[1], s.Region, s.Region)
		}
		return nil
	}
	m := kmsKeyARN.FindStringSubmatch(s.CustomerKeyARN)
	if m == nil {
		return fmt.Errorf("customerKeyArn %q is not a KMS key ARN; allowed: arn:aws:kms:%s:<account>:key/<key-id> (ENC-4; aliases are not accepted)", s.CustomerKeyARN, s.Region)
	}
	if m[2] != s.Region {
		return fmt.Errorf("customerKeyArn %q is in region %s, not in the keys' region %s; allowed: a KMS key ARN in %s (ENC-3, ENC-4)", s.CustomerKeyARN, m[2], s.Region, s.Region)
	}
	if strings.HasPrefix(m[4], "mrk-") {
		return fmt.Errorf("customerKeyArn %q is a multi-Region key; allowed: a single-Region KMS key in %s (ENC-3)", s.CustomerKeyARN, s.Region)
	}
	if r, ok := jurisdiction.Lookup(jurisdiction.AWS, s.Region); ok && r.Partition != m[1] {
		return fmt.Errorf("customerKeyArn %q is in partition %s, region %s in %s; allowed: arn:%s:kms:%s:... (ENC-4)", s.CustomerKeyARN, m[1], s.Region, r.Partition, r.Partition, s.Region)
	}
	return nil
}
