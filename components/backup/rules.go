package backup

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/octura/odoo-hosting/internal/names"
	"github.com/octura/odoo-hosting/internal/tier"
)

// Rule is one backup schedule: when copies are taken and how long they are kept.
// Every rule copies to the backup region (RES-3).
type Rule struct {
	// Name is stable and short: "hourly", "daily", "weekly", "monthly" or "every-<n>h".
	Name string
	// IntervalHours is the longest time between two copies of this rule.
	IntervalHours int
	// Cron is the schedule in the six-field form cron(min hour day month dow year), UTC.
	Cron string
	// Full is true for a full copy, false for an incremental one.
	Full bool
	// DeleteAfterDays is how long each copy is kept, in both regions (BAK-2, BAK-5).
	DeleteAfterDays int
	// CopyToBackupRegion is always true: every copy is also kept in the backup region.
	CopyToBackupRegion bool
	// Continuous marks the database's point-in-time recovery (continuous backup):
	// the recovery point is kept LocalDays in the primary region and each copy
	// (a daily snapshot) DeleteAfterDays in the backup region.
	Continuous bool
	// LocalDays is how long the primary region keeps the copies; DeleteAfterDays
	// unless Continuous.
	LocalDays int
}

// MaxContinuousDays is the longest point-in-time recovery window (RDS automated
// backups, AWS Backup continuous backup): 35 days.
const MaxContinuousDays = 35

// MaxDatabaseSnapshots is how many database snapshots the rules may keep in one
// region at once: the cloud's default quota of manual snapshots (RDS: 100 per
// region) less room for final snapshots and ones taken by hand.
const MaxDatabaseSnapshots = 90

// DatabaseRules returns the backup rules of the database on cloud and enterprise
// (BAK-1, BAK-2): point-in-time recovery (continuous backup, RPO of minutes) kept
// the retention or 35 days, whichever is shorter, with a daily snapshot copied to
// the backup region and kept the retention there (RES-3); under GFS the weekly
// and monthly snapshots too. No hourly snapshots: they would exhaust the quota of
// database snapshots within days. Nil on the other tiers.
func DatabaseRules(s Spec) []Rule {
	s = s.WithDefaults()
	if !s.Tier.RunsApplication() {
		return nil
	}
	keep := s.RetentionDays
	if s.GFS {
		keep = GFSDailyDays
	}
	keep = capDays(s, keep)
	out := []Rule{{Name: "continuous", IntervalHours: 0, Cron: fmt.Sprintf("cron(0 %d * * ? *)", FullBackupHourUTC), Full: true,
		DeleteAfterDays: keep, LocalDays: min(keep, MaxContinuousDays), CopyToBackupRegion: true, Continuous: true}}
	for _, r := range Rules(s) {
		if r.Name == "weekly" || r.Name == "monthly" {
			out = append(out, r)
		}
	}
	return out
}

// DatabaseSnapshots is how many database snapshots DatabaseRules keep at once in
// the primary and in the backup region (the continuous recovery point is none).
func DatabaseSnapshots(s Spec) (primary, backupRegion int) {
	for _, r := range DatabaseRules(s) {
		interval := max(r.IntervalHours, 24)
		n := (r.DeleteAfterDays*24 + interval - 1) / interval
		if !r.Continuous {
			primary += (r.LocalDays*24 + interval - 1) / interval
		}
		backupRegion += n
	}
	return primary, backupRegion
}

// Rules returns the backup rules of a spec: odoo-sh daily; cloud and enterprise
// hourly incremental plus daily full; on-premise every RPOHours hours (daily at most
// 24 h apart) (BAK-1). With GFS the daily, weekly and monthly rules keep 7, 28 and
// 93 days; without it every rule keeps RetentionDays (BAK-2). Off-boarding caps every
// rule at OffboardingExpiryDays (BAK-5). The spec is read with its defaults.
func Rules(s Spec) []Rule {
	s = s.WithDefaults()
	keep := s.RetentionDays
	if s.GFS {
		keep = GFSDailyDays
	}
	daily := Rule{Name: "daily", IntervalHours: 24, Cron: fmt.Sprintf("cron(0 %d * * ? *)", FullBackupHourUTC), Full: true, DeleteAfterDays: keep}
	var out []Rule
	switch s.Tier {
	case tier.Cloud, tier.Enterprise:
		out = append(out, Rule{Name: "hourly", IntervalHours: 1, Cron: "cron(0 * * * ? *)", DeleteAfterDays: keep}, daily)
	case tier.OnPremise:
		n := s.RPOHours
		if n >= 24 || n <= 0 {
			out = append(out, daily)
		} else {
			cron := "cron(0 * * * ? *)"
			if n > 1 {
				cron = fmt.Sprintf("cron(0 0/%d * * ? *)", n)
			}
			out = append(out, Rule{Name: fmt.Sprintf("every-%dh", n), IntervalHours: n, Cron: cron, Full: true, DeleteAfterDays: keep})
		}
	default:
		out = append(out, daily)
	}
	if s.GFS {
		out = append(out,
			Rule{Name: "weekly", IntervalHours: 7 * 24, Cron: fmt.Sprintf("cron(0 %d ? * SUN *)", FullBackupHourUTC), Full: true, DeleteAfterDays: GFSWeeklyDays},
			Rule{Name: "monthly", IntervalHours: 31 * 24, Cron: fmt.Sprintf("cron(0 %d 1 * ? *)", FullBackupHourUTC), Full: true, DeleteAfterDays: GFSMonthlyDays},
		)
	}
	for i := range out {
		out[i].DeleteAfterDays = capDays(s, out[i].DeleteAfterDays)
		out[i].LocalDays = out[i].DeleteAfterDays
		out[i].CopyToBackupRegion = true
	}
	return out
}

// capDays bounds a keep period by MaxKeepDays and, when off-boarded, by
// OffboardingExpiryDays (BAK-5).
func capDays(s Spec, d int) int {
	limit := MaxKeepDays
	if s.OffboardingExpiryDays > 0 && s.OffboardingExpiryDays < limit {
		limit = s.OffboardingExpiryDays
	}
	if d > limit {
		return limit
	}
	return d
}

// StoreRule is the expiry of one prefix of an object store of backup files.
type StoreRule struct {
	// Name is the rule's stable ID.
	Name string
	// Prefix selects the objects; "" is every object.
	Prefix string
	// ExpireAfterDays makes the current version noncurrent after that many days.
	ExpireAfterDays int
	// NoncurrentExpireAfterDays deletes a noncurrent version that many days later.
	NoncurrentExpireAfterDays int
}

// KeepDays is the longest an object under the rule survives.
func (r StoreRule) KeepDays() int { return r.ExpireAfterDays + r.NoncurrentExpireAfterDays }

// Expiry is how long copies live, derived from the rules.
type Expiry struct {
	// MinRetentionDays is how long every copy is immutable: the object lock and the
	// vault lock minimum (BAK-3). It never exceeds the shortest keep period: under
	// GFS that is the daily class (7 days); weekly and monthly files are locked
	// longer per object by their writer, recovery points by their own lifecycle.
	MinRetentionDays int
	// MaxRetentionDays is the longest any copy is kept, in any store: the vault lock
	// maximum. Never more than 365, nor than OffboardingExpiryDays (BAK-5).
	MaxRetentionDays int
	// Store are the expiry rules of the object stores, one per rule prefix.
	Store []StoreRule
}

// noncurrentDays is how long a version that was replaced or expired stays.
const noncurrentDays = 1

// Lifecycle returns the expiry of a spec's copies: object stores expire the files
// of each rule under the prefix "<rule name>/" (every object without GFS) so that
// nothing outlives the rule's keep period plus one day for the noncurrent version,
// and, when off-boarded, nothing outlives OffboardingExpiryDays (BAK-5). Copies are
// immutable for the shortest keep period (BAK-3).
func Lifecycle(s Spec) Expiry {
	s = s.WithDefaults()
	rules := Rules(s)
	var l Expiry
	store := func(name, prefix string, keep int) StoreRule {
		// The noncurrent day is inside the cap: expire one day early when capped.
		exp := keep
		if capDays(s, keep+noncurrentDays) < keep+noncurrentDays {
			exp = capDays(s, keep+noncurrentDays) - noncurrentDays
		}
		if exp < 1 {
			exp = 1
		}
		return StoreRule{Name: name, Prefix: prefix, ExpireAfterDays: exp, NoncurrentExpireAfterDays: noncurrentDays}
	}
	if s.GFS {
		for _, r := range rules {
			l.Store = append(l.Store, store("expire-"+r.Name, r.Name+"/", r.DeleteAfterDays))
		}
	} else {
		l.Store = []StoreRule{store("expire", "", rules[0].DeleteAfterDays)}
	}
	l.MinRetentionDays = MaxKeepDays
	for _, r := range rules {
		l.MinRetentionDays = min(l.MinRetentionDays, r.DeleteAfterDays)
		l.MaxRetentionDays = max(l.MaxRetentionDays, r.DeleteAfterDays)
	}
	for _, st := range l.Store {
		l.MinRetentionDays = min(l.MinRetentionDays, st.ExpireAfterDays)
		l.MaxRetentionDays = max(l.MaxRetentionDays, st.KeepDays())
	}
	return l
}

// Restore targets: the kinds of protected resource a scheduled restore test
// restores (BAK-4).
const (
	// RestoreDatabase is the customer's database (cloud and enterprise).
	RestoreDatabase = "database"
	// RestoreFilestore is the customer's file store (cloud and enterprise).
	RestoreFilestore = "filestore"
	// RestoreObjectStore is the primary object store of backup files (odoo-sh and
	// on-premise, whose stacks hold no database: the backups are its objects).
	RestoreObjectStore = "objectstore"
)

// RestoreTargets are the kinds of protected resource the scheduled restore tests
// restore (BAK-4): the database and the file store on cloud and enterprise, where
// this project runs them; on odoo-sh and on-premise, whose stacks have neither, the
// primary object store of backup files, which the backup service then protects too.
func RestoreTargets(s Spec) []string {
	switch s.Tier {
	case tier.Cloud, tier.Enterprise:
		return []string{RestoreDatabase, RestoreFilestore}
	case tier.OdooSH, tier.OnPremise:
		return []string{RestoreObjectStore}
	}
	return nil
}

// ProtectsObjectStore reports whether the backup service protects (and restore-
// tests) the primary object store itself: on the tiers without a database (BAK-4).
func ProtectsObjectStore(s Spec) bool {
	return slices.Contains(RestoreTargets(s), RestoreObjectStore)
}

// Names are the physical names of a customer's backups. They derive from the spec
// alone (the customer slug, the account and the regions), not from a component's
// name, so the stack build checks them against internal/names at configuration time
// and the component uses exactly the same ones.
type Names struct {
	// PrimaryBucket and ReplicaBucket: "<customer>-backup-<account>-<region>"; bucket
	// names are global, so they carry the account and the region.
	PrimaryBucket, ReplicaBucket string
	// PrimaryVault and BackupVault: "<customer>-backup-<region>".
	PrimaryVault, BackupVault string
	// Plan names the backup plan and its selection: "<customer>-backup".
	Plan string
	// DatabasePlan names the database's point-in-time-recovery plan and its
	// selection: "<customer>-backup-db".
	DatabasePlan string
	// RestoreTestingPlan: "<customer>_restore_test", letters, digits and underscores.
	RestoreTestingPlan string
	// RestoreTestingSelections: restore target -> "<customer>_<target>".
	RestoreTestingSelections map[string]string
}

// PhysicalNames returns the physical names of the backups of s.
func PhysicalNames(s Spec) Names {
	s = s.WithDefaults()
	word := strings.ReplaceAll(s.Customer, "-", "_")
	n := Names{
		PrimaryBucket:            strings.ToLower(fmt.Sprintf("%s-backup-%s-%s", s.Customer, s.AccountID, s.PrimaryRegion)),
		ReplicaBucket:            strings.ToLower(fmt.Sprintf("%s-backup-%s-%s", s.Customer, s.AccountID, s.BackupRegion)),
		PrimaryVault:             s.Customer + "-backup-" + s.PrimaryRegion,
		BackupVault:              s.Customer + "-backup-" + s.BackupRegion,
		Plan:                     s.Customer + "-backup",
		DatabasePlan:             s.Customer + "-backup-db",
		RestoreTestingPlan:       word + "_restore_test",
		RestoreTestingSelections: map[string]string{},
	}
	for _, target := range RestoreTargets(s) {
		n.RestoreTestingSelections[target] = word + "_" + target
	}
	return n
}

// Check returns every name of n that AWS would refuse, with the limit it breaks
// (internal/names), or nil.
func (n Names) Check() error {
	type named struct{ typ, field, value string }
	all := []named{
		{"aws:s3/bucketV2:BucketV2", "bucket", n.PrimaryBucket}, {"aws:s3/bucketV2:BucketV2", "bucket", n.ReplicaBucket},
		{"aws:backup/vault:Vault", "name", n.PrimaryVault}, {"aws:backup/vault:Vault", "name", n.BackupVault},
		{"aws:backup/plan:Plan", "name", n.Plan}, {"aws:backup/selection:Selection", "name", n.Plan},
		{"aws:backup/plan:Plan", "name", n.DatabasePlan}, {"aws:backup/selection:Selection", "name", n.DatabasePlan},
		{"aws:backup/restoreTestingPlan:RestoreTestingPlan", "name", n.RestoreTestingPlan},
	}
	for _, target := range slices.Sorted(maps.Keys(n.RestoreTestingSelections)) {
		all = append(all, named{"aws:backup/restoreTestingSelection:RestoreTestingSelection", "name", n.RestoreTestingSelections[target]})
	}
	var errs []error
	for _, x := range all {
		l, _ := names.Lookup(x.typ, x.field)
		if why := l.Check(x.value); why != "" {
			errs = append(errs, fmt.Errorf("%s %q %s", l.What, x.value, why))
		}
	}
	return errors.Join(errs...)
}
