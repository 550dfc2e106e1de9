// Package backup is the cloud-neutral concept of a customer's backups: where the
// copies are kept (RES-3), how often they are taken (BAK-1), how long they are kept
// (BAK-2, BAK-5), how they are made immutable (BAK-3) and how restores are tested
// (BAK-4). It holds plain Go values and pure planning functions only; the cloud
// implementations (awsbackup, later gcpbackup) turn a Spec into resources, and the
// conformance suite backuptest checks that they keep the promises below.
package backup

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/octura/odoo-hosting/internal/defaults"
	"github.com/octura/odoo-hosting/internal/jurisdiction"
	"github.com/octura/odoo-hosting/internal/names"
	"github.com/octura/odoo-hosting/internal/problems"
	"github.com/octura/odoo-hosting/internal/tier"
)

// Type is the type token of the backup component, the same on every cloud: the
// implementations register it, the tests and the policies find the component by it.
const Type = "odoo-hosting:backup:Backup"

// Defaults and limits; the only place they are written down.
const (
	// DefaultRetentionDays is how long backups are kept when nothing else is
	// configured (BAK-2).
	DefaultRetentionDays = defaults.RetentionDays
	// MaxKeepDays is the longest any copy may be kept: backups expire within 12
	// months (BAK-5), and nothing is locked for longer.
	MaxKeepDays = 365
	// DefaultRestoreTestCron runs a restore test at 05:00 UTC on the first day of
	// every quarter (BAK-4).
	DefaultRestoreTestCron = "cron(0 5 1 1,4,7,10 ? *)"
	// MaxRestoreTestGapMonths is the longest allowed gap between restore tests.
	MaxRestoreTestGapMonths = 3
	// FullBackupHourUTC is the hour of the daily full backup.
	FullBackupHourUTC = 3
)

// GFS keeps, when Spec.GFS is set, 7 daily, 4 weekly and 3 monthly copies (BAK-2).
const (
	GFSDailyDays   = defaults.GFSDailyDays
	GFSWeeklyDays  = defaults.GFSWeeklyDays
	GFSMonthlyDays = defaults.GFSMonthlyDays
)

// Spec is what a customer's backups must be.
type Spec struct {
	// Customer is the customer slug ([a-z][a-z0-9-], 2 to 32 characters). Required.
	Customer string
	// Cloud is the cloud the backups live in. Required.
	Cloud jurisdiction.Cloud
	// AccountID is the cloud account (AWS: 12 digits) that owns the stores; it makes
	// the bucket names globally unique without a lookup. Required.
	AccountID string
	// Tier decides the schedule (BAK-1). Required.
	Tier tier.Tier
	// PrimaryRegion is where the data and the first copies live (RES-1). Required.
	PrimaryRegion string
	// BackupRegion holds the second copies: a different region of the same
	// jurisdiction (RES-3). Default: jurisdiction.DefaultBackupRegion of PrimaryRegion.
	BackupRegion string
	// RPOHours is the recovery point objective in hours. Required on on-premise,
	// where it sets the schedule; ignored on the other tiers, whose RPO is fixed.
	RPOHours int
	// RTOHours is the recovery time objective in hours. Required on on-premise;
	// reported, not planned.
	RTOHours int
	// RetentionDays is how long every copy is kept, 1 to 365. Default 35 (BAK-2).
	// With GFS the GFS periods apply instead.
	RetentionDays int
	// GFS keeps 7 daily, 4 weekly and 3 monthly copies instead of RetentionDays.
	// Default false.
	GFS bool
	// OffboardingExpiryDays, when not zero, marks the customer as off-boarded:
	// every copy expires within that many days, 2 to 365 (BAK-5). Default 0.
	OffboardingExpiryDays int
	// RestoreTestCron is when restores are tested, at least quarterly (BAK-4), in
	// the six-field form cron(min hour day-of-month month day-of-week year).
	// Default DefaultRestoreTestCron.
	RestoreTestCron string
	// Production marks production stores, which are protected from deletion
	// (BAK-6). Default false.
	Production bool
}

// WithDefaults returns s with every unset field at its default.
func (s Spec) WithDefaults() Spec {
	if s.BackupRegion == "" && s.Cloud != "" && s.PrimaryRegion != "" {
		if r, err := jurisdiction.DefaultBackupRegion(s.Cloud, s.PrimaryRegion); err == nil {
			s.BackupRegion = r.Name
		}
	}
	if s.RetentionDays == 0 {
		s.RetentionDays = DefaultRetentionDays
	}
	if s.RestoreTestCron == "" {
		s.RestoreTestCron = DefaultRestoreTestCron
	}
	return s
}

var (
	awsAcctRE = regexp.MustCompile(`^[0-9]{12}$`)
	cronRE    = regexp.MustCompile(`^cron\(([^ ()]+) ([^ ()]+) ([^ ()]+) ([^ ()]+) ([^ ()]+) ([^ ()]+)\)$`)
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
	cloudOK := slices.Contains(jurisdiction.Clouds(), s.Cloud)
	if !cloudOK {
		add("cloud %q is not supported; allowed: aws, gcp", s.Cloud)
	}
	if s.Cloud == jurisdiction.AWS && !awsAcctRE.MatchString(s.AccountID) {
		add("accountID %q is not an AWS account ID; allowed: 12 digits", s.AccountID)
	}
	if s.Cloud == jurisdiction.GCP && s.AccountID == "" {
		add("accountID %q is empty; allowed: the GCP project ID", s.AccountID)
	}
	if _, err := tier.Parse(string(s.Tier)); err != nil {
		probs.AddError(err)
	}
	if cloudOK {
		if _, ok := jurisdiction.Lookup(s.Cloud, s.PrimaryRegion); !ok {
			add("primaryRegion %q is not a known %s region", s.PrimaryRegion, s.Cloud)
		} else if s.BackupRegion == "" {
			_, err := jurisdiction.DefaultBackupRegion(s.Cloud, s.PrimaryRegion)
			add("backupRegion is empty and has no default: %v", err)
		} else if err := jurisdiction.CheckBackupRegion(s.Cloud, s.PrimaryRegion, s.BackupRegion); err != nil {
			// RES-3: a second region, different from the primary, same jurisdiction.
			add("backupRegion %v", err)
		}
	}
	if s.Tier == tier.OnPremise {
		if s.RPOHours <= 0 {
			add("rpoHours %d is not set; on-premise states its recovery point objective; allowed: 1 or more hours (24 or more means daily)", s.RPOHours)
		}
		if s.RTOHours <= 0 {
			add("rtoHours %d is not set; on-premise states its recovery time objective; allowed: 1 or more hours", s.RTOHours)
		}
	}
	if s.RetentionDays < 1 || s.RetentionDays > MaxKeepDays {
		add("retentionDays %d is out of range; allowed: 1 to %d", s.RetentionDays, MaxKeepDays)
	}
	if s.OffboardingExpiryDays != 0 && (s.OffboardingExpiryDays < 2 || s.OffboardingExpiryDays > MaxKeepDays) {
		add("offboardingExpiryDays %d is out of range; allowed: 0 (not off-boarded) or 2 to %d", s.OffboardingExpiryDays, MaxKeepDays)
	}
	if _, n := DatabaseSnapshots(s); n > MaxDatabaseSnapshots {
		add("retentionDays %d keeps %d database snapshots in the backup region; allowed: at most %d (the default quota is 100 manual snapshots per region): a retention of at most %d days, or gfs", s.RetentionDays, n, MaxDatabaseSnapshots, MaxDatabaseSnapshots)
	}
	if gap, err := restoreTestGapMonths(s.RestoreTestCron); err != nil {
		add("restoreTestCron %q %v; allowed: cron(min hour day month day-of-week year) at least quarterly, such as %s", s.RestoreTestCron, err, DefaultRestoreTestCron)
	} else if gap > MaxRestoreTestGapMonths {
		add("restoreTestCron %q leaves %d months between restore tests; allowed: at most %d, such as %s", s.RestoreTestCron, gap, MaxRestoreTestGapMonths, DefaultRestoreTestCron)
	}
	return probs.Err()
}

// restoreTestGapMonths returns the longest gap, in months, between the months a
// cron expression fires in.
func restoreTestGapMonths(cron string) (int, error) {
	m := cronRE.FindStringSubmatch(cron)
	if m == nil {
		return 0, errors.New("is not a six-field cron expression")
	}
	months, err := monthSet(m[4])
	if err != nil {
		return 0, err
	}
	if len(months) == 0 {
		return 0, errors.New("names no month")
	}
	gap := 0
	for i, mo := range months {
		next := months[(i+1)%len(months)]
		d := next - mo
		if d <= 0 {
			d += 12
		}
		if d > gap {
			gap = d
		}
	}
	return gap, nil
}

var monthNames = map[string]int{"JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6, "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12}

func parseMonth(s string) (int, error) {
	if n, ok := monthNames[strings.ToUpper(s)]; ok {
		return n, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 12 {
		return 0, fmt.Errorf("has month %q outside 1-12", s)
	}
	return n, nil
}

// monthSet expands a cron month field (*, lists, ranges, steps) into sorted months.
func monthSet(field string) ([]int, error) {
	set := map[int]bool{}
	for _, part := range strings.Split(field, ",") {
		step := 1
		if i := strings.Index(part, "/"); i >= 0 {
			n, err := strconv.Atoi(part[i+1:])
			if err != nil || n < 1 {
				return nil, fmt.Errorf("has month step %q", part)
			}
			step, part = n, part[:i]
		}
		lo, hi := 1, 12
		switch {
		case part == "*":
		case strings.Contains(part, "-"):
			ab := strings.SplitN(part, "-", 2)
			a, err := parseMonth(ab[0])
			if err != nil {
				return nil, err
			}
			b, err := parseMonth(ab[1])
			if err != nil {
				return nil, err
			}
			lo, hi = a, b
		default:
			a, err := parseMonth(part)
			if err != nil {
				return nil, err
			}
			lo = a
			if step == 1 {
				hi = a
			}
		}
		for mo := lo; mo <= hi; mo += step {
			set[mo] = true
		}
	}
	var out []int
	for mo := 1; mo <= 12; mo++ {
		if set[mo] {
			out = append(out, mo)
		}
	}
	return out, nil
}
