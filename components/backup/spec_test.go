package backup_test

import (
	"math/rand"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/components/backup"
	"github.com/octura/odoo-hosting/internal/jurisdiction"
	"github.com/octura/odoo-hosting/internal/tier"
)

func base(t tier.Tier) backup.Spec {
	return backup.Spec{Customer: "acme", Cloud: jurisdiction.AWS, AccountID: "111111111111", Tier: t, PrimaryRegion: "eu-west-1", RPOHours: 6, RTOHours: 12}
}

func TestDefaults(t *testing.T) {
	s := base(tier.Cloud).WithDefaults()
	require.Equal(t, "eu-central-1", s.BackupRegion)
	require.Equal(t, 35, s.RetentionDays)
	require.Equal(t, "cron(0 5 1 1,4,7,10 ? *)", s.RestoreTestCron)
	require.NoError(t, s.Validate())
}

func TestRES3_BackupRegionOutsideJurisdictionRefused(t *testing.T) {
	s := base(tier.Cloud)
	s.BackupRegion = "us-east-1"
	require.EqualError(t, s.Validate(), `backupRegion "us-east-1" (N. Virginia, US) is outside jurisdiction eu; allowed: eu-central-1, eu-north-1, eu-south-1, eu-south-2, eu-west-3`)
}

func TestRES3_BackupRegionNotByNameRefused(t *testing.T) {
	s := base(tier.Cloud)
	s.BackupRegion = "eu-west-2" // London: named eu, not in the EU (RES-1)
	require.EqualError(t, s.Validate(), `backupRegion "eu-west-2" (London, GB) is outside jurisdiction eu; allowed: eu-central-1, eu-north-1, eu-south-1, eu-south-2, eu-west-3`)
}

func TestRES3_BackupRegionEqualToPrimaryRefused(t *testing.T) {
	s := base(tier.Cloud)
	s.BackupRegion = "eu-west-1"
	require.EqualError(t, s.Validate(), `backupRegion "eu-west-1" is the primary region; backups need a second region; allowed: eu-central-1, eu-north-1, eu-south-1, eu-south-2, eu-west-3`)
}

func TestBAK1_OnPremiseWithoutObjectivesRefused(t *testing.T) {
	s := base(tier.OnPremise)
	s.RPOHours, s.RTOHours = 0, 0
	require.EqualError(t, s.Validate(), "rpoHours 0 is not set; on-premise states its recovery point objective; allowed: 1 or more hours (24 or more means daily)\n"+
		"rtoHours 0 is not set; on-premise states its recovery time objective; allowed: 1 or more hours")
}

func TestValidateReturnsEveryProblem(t *testing.T) {
	s := backup.Spec{Customer: "Acme", Cloud: jurisdiction.AWS, AccountID: "12", Tier: "gold", PrimaryRegion: "eu-west-1", BackupRegion: "eu-west-1",
		RetentionDays: 400, OffboardingExpiryDays: 500, RestoreTestCron: "cron(0 5 1 1,7 ? *)"}
	require.EqualError(t, s.Validate(), `customer "Acme" is not a slug; allowed: a customer slug (2 to 24 lowercase letters, digits and dashes, starting with a letter, no double dash), with "-np" on non-production
accountID "12" is not an AWS account ID; allowed: 12 digits
tier "gold" is unknown; allowed: odoo-sh, cloud, enterprise, on-premise
backupRegion "eu-west-1" is the primary region; backups need a second region; allowed: eu-central-1, eu-north-1, eu-south-1, eu-south-2, eu-west-3
retentionDays 400 is out of range; allowed: 1 to 365
offboardingExpiryDays 500 is out of range; allowed: 0 (not off-boarded) or 2 to 365
restoreTestCron "cron(0 5 1 1,7 ? *)" leaves 6 months between restore tests; allowed: at most 3, such as cron(0 5 1 1,4,7,10 ? *)`)
}

func TestBAK4_RestoreTestCron(t *testing.T) {
	for cron, ok := range map[string]bool{
		"cron(0 5 1 1,4,7,10 ? *)": true,
		"cron(0 5 1 * ? *)":        true,
		"cron(0 5 1 */3 ? *)":      true,
		"cron(0 5 1 2/3 ? *)":      true,
		"cron(0 5 1 JAN-DEC ? *)":  true,
		"cron(0 5 1 */4 ? *)":      false,
		"cron(0 5 1 1 ? *)":        false,
		"cron(0 5 1 1,4,7 ? *)":    false, // July to January is 6 months
		"rate(90 days)":            false,
		"cron(0 5 1 13 ? *)":       false,
	} {
		s := base(tier.Cloud)
		s.RestoreTestCron = cron
		require.Equal(t, ok, s.Validate() == nil, cron)
	}
}

// TestBAK1_SchedulesMeetTierRPO checks each tier's rules: names, crons, and that the
// longest interval of any rule-set meets the tier's RPO.
func TestBAK1_SchedulesMeetTierRPO(t *testing.T) {
	cases := []struct {
		tier    tier.Tier
		rpo     int
		wantRPO int
		crons   []string
	}{
		{tier.OdooSH, 0, 24, []string{"cron(0 3 * * ? *)"}},
		{tier.Cloud, 0, 1, []string{"cron(0 * * * ? *)", "cron(0 3 * * ? *)"}},
		{tier.Enterprise, 0, 1, []string{"cron(0 * * * ? *)", "cron(0 3 * * ? *)"}},
		{tier.OnPremise, 6, 6, []string{"cron(0 0/6 * * ? *)"}},
		{tier.OnPremise, 1, 1, []string{"cron(0 * * * ? *)"}},
		{tier.OnPremise, 48, 48, []string{"cron(0 3 * * ? *)"}},
	}
	for _, c := range cases {
		s := base(c.tier)
		s.RPOHours = c.rpo
		if c.tier == tier.OnPremise {
			s.RTOHours = 8
		}
		require.NoError(t, s.Validate())
		rpo := s.Tier.RPOHours(s.RPOHours)
		require.Equal(t, c.wantRPO, rpo, c.tier)
		var crons []string
		best := 1 << 30
		for _, r := range backup.Rules(s) {
			crons = append(crons, r.Cron)
			best = min(best, r.IntervalHours)
			require.True(t, r.CopyToBackupRegion, "RES-3: every rule copies")
		}
		require.Equal(t, c.crons, crons, c.tier)
		require.LessOrEqual(t, best, rpo, "BAK-1: %s rpo %d", c.tier, rpo)
	}
	// cloud and enterprise: hourly incremental and daily full
	r := backup.Rules(base(tier.Cloud))
	require.Equal(t, []string{"hourly", "daily"}, []string{r[0].Name, r[1].Name})
	require.False(t, r[0].Full)
	require.True(t, r[1].Full)
}

func TestBAK2_RetentionDefaultConfiguredAndGFS(t *testing.T) {
	s := base(tier.Cloud)
	for _, r := range backup.Rules(s) {
		require.Equal(t, 35, r.DeleteAfterDays, r.Name)
	}
	l := backup.Lifecycle(s)
	require.Equal(t, backup.Expiry{MinRetentionDays: 35, MaxRetentionDays: 36, Store: []backup.StoreRule{{Name: "expire", ExpireAfterDays: 35, NoncurrentExpireAfterDays: 1}}}, l)

	s.RetentionDays = 90
	for _, r := range backup.Rules(s) {
		require.Equal(t, 90, r.DeleteAfterDays, r.Name)
	}

	s.GFS = true
	keep := map[string]int{}
	for _, r := range backup.Rules(s) {
		keep[r.Name] = r.DeleteAfterDays
	}
	require.Equal(t, map[string]int{"hourly": 7, "daily": 7, "weekly": 28, "monthly": 93}, keep)
	l = backup.Lifecycle(s)
	require.Equal(t, 7, l.MinRetentionDays)
	require.Equal(t, 94, l.MaxRetentionDays)
	require.Len(t, l.Store, 4)
	require.Equal(t, backup.StoreRule{Name: "expire-monthly", Prefix: "monthly/", ExpireAfterDays: 93, NoncurrentExpireAfterDays: 1}, l.Store[3])
}

func TestBAK3_ImmutableForRetention(t *testing.T) {
	s := base(tier.OdooSH)
	s.RetentionDays = 60
	require.Equal(t, 60, backup.Lifecycle(s).MinRetentionDays)
}

func TestBAK5_OffboardingCapsEverything(t *testing.T) {
	s := base(tier.Cloud)
	s.GFS = true
	s.OffboardingExpiryDays = 30
	for _, r := range backup.Rules(s) {
		require.LessOrEqual(t, r.DeleteAfterDays, 30, r.Name)
	}
	l := backup.Lifecycle(s)
	require.Equal(t, 30, l.MaxRetentionDays)
	for _, st := range l.Store {
		require.LessOrEqual(t, st.KeepDays(), 30, st.Name)
	}
}

// TestBAK5_PropertyNothingKeptPast365 draws random valid specs: when off-boarding is
// set nothing is kept past it, and nothing is ever kept past 365 days, and the
// lock never outlasts the shortest keep period.
func TestBAK5_PropertyNothingKeptPast365(t *testing.T) {
	rnd := rand.New(rand.NewSource(1))
	tiers := tier.All()
	for i := 0; i < 5000; i++ {
		s := base(tiers[rnd.Intn(len(tiers))])
		s.RPOHours = 1 + rnd.Intn(72)
		s.RetentionDays = 1 + rnd.Intn(365)
		s.GFS = rnd.Intn(2) == 0
		if rnd.Intn(2) == 0 {
			s.OffboardingExpiryDays = 2 + rnd.Intn(364)
		}
		if _, n := backup.DatabaseSnapshots(s); n > backup.MaxDatabaseSnapshots {
			s.RetentionDays = backup.MaxDatabaseSnapshots // the quota of database snapshots
		}
		require.NoError(t, s.Validate())
		limit := 365
		if s.OffboardingExpiryDays > 0 {
			limit = s.OffboardingExpiryDays
		}
		rules := backup.Rules(s)
		require.NotEmpty(t, rules)
		l := backup.Lifecycle(s)
		require.LessOrEqual(t, l.MaxRetentionDays, limit, "%+v", s)
		require.GreaterOrEqual(t, l.MinRetentionDays, 1)
		require.LessOrEqual(t, l.MinRetentionDays, l.MaxRetentionDays)
		for _, r := range append(rules, backup.DatabaseRules(s)...) {
			require.LessOrEqual(t, r.DeleteAfterDays, limit, "%+v", s)
			require.GreaterOrEqual(t, r.DeleteAfterDays, l.MinRetentionDays)
			require.LessOrEqual(t, r.LocalDays, r.DeleteAfterDays)
			require.GreaterOrEqual(t, r.LocalDays, min(l.MinRetentionDays, backup.MaxContinuousDays))
		}
		primary, other := backup.DatabaseSnapshots(s)
		require.LessOrEqual(t, primary, backup.MaxDatabaseSnapshots)
		require.LessOrEqual(t, other, backup.MaxDatabaseSnapshots)
		for _, st := range l.Store {
			require.LessOrEqual(t, st.KeepDays(), limit, "%+v", s)
			require.GreaterOrEqual(t, st.ExpireAfterDays, l.MinRetentionDays)
		}
		rpo := s.Tier.RPOHours(s.RPOHours)
		require.LessOrEqual(t, rules[0].IntervalHours, max(rpo, 1), "BAK-1 %+v", s)
	}
}

// TestPhysicalNames: the names derive from the customer, account and regions, not
// from a component's name, and the longest slug (24 characters and -np) in the longest
// region name (13) still fits every limit.
func TestPhysicalNames(t *testing.T) {
	n := backup.PhysicalNames(base(tier.Cloud))
	require.Equal(t, backup.Names{
		PrimaryBucket: "acme-backup-111111111111-eu-west-1", ReplicaBucket: "acme-backup-111111111111-eu-central-1",
		PrimaryVault: "acme-backup-eu-west-1", BackupVault: "acme-backup-eu-central-1", Plan: "acme-backup", DatabasePlan: "acme-backup-db",
		RestoreTestingPlan:       "acme_restore_test",
		RestoreTestingSelections: map[string]string{"database": "acme_database", "filestore": "acme_filestore"},
	}, n)
	require.NoError(t, n.Check())
	long := base(tier.Cloud)
	long.Customer, long.PrimaryRegion, long.BackupRegion = "abbbbbbbbbbbbbbbbbbbbbbz-np", "us-gov-east-1", "us-gov-west-1"
	require.NoError(t, backup.PhysicalNames(long).Check())
	long.Customer = "abbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbz"
	require.EqualError(t, backup.PhysicalNames(long).Check(), strings.Join([]string{
		`S3 bucket name "abbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbz-backup-111111111111-us-gov-east-1" is 74 characters long; the limit for S3 bucket names is 63`,
		`S3 bucket name "abbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbz-backup-111111111111-us-gov-west-1" is 74 characters long; the limit for S3 bucket names is 63`,
		`backup vault name "abbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbz-backup-us-gov-east-1" is 61 characters long; the limit for backup vault names is 50`,
		`backup vault name "abbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbz-backup-us-gov-west-1" is 61 characters long; the limit for backup vault names is 50`,
		`restore testing plan name "abbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbz_restore_test" is 53 characters long; the limit for restore testing plan names is 50`,
	}, "\n"))
}

// BAK-4: every tier restore-tests something: the database and file store where the
// stack runs them, the primary object store of backup files where it does not.
func TestBAK4_RestoreTargetsOnEveryTier(t *testing.T) {
	for tr, want := range map[tier.Tier][]string{
		tier.Cloud:      {backup.RestoreDatabase, backup.RestoreFilestore},
		tier.Enterprise: {backup.RestoreDatabase, backup.RestoreFilestore},
		tier.OdooSH:     {backup.RestoreObjectStore},
		tier.OnPremise:  {backup.RestoreObjectStore},
	} {
		s := backup.Spec{Tier: tr}
		require.Equal(t, want, backup.RestoreTargets(s), tr)
		require.Equal(t, tr == tier.OdooSH || tr == tier.OnPremise, backup.ProtectsObjectStore(s), tr)
	}
}

// TestBAK1_DatabasePointInTimeRecoveryNoHourlySnapshots: the database meets the
// 1-hour RPO with point-in-time recovery, not with hourly snapshots (which would
// pass the quota of 100 database snapshots per region within five days); the file
// store keeps its hourly copies.
func TestBAK1_DatabasePointInTimeRecoveryNoHourlySnapshots(t *testing.T) {
	s := base(tier.Cloud)
	require.Equal(t, []backup.Rule{{Name: "continuous", Cron: "cron(0 3 * * ? *)", Full: true, DeleteAfterDays: 35, LocalDays: 35, CopyToBackupRegion: true, Continuous: true}}, backup.DatabaseRules(s))
	primary, other := backup.DatabaseSnapshots(s)
	require.Equal(t, [2]int{0, 35}, [2]int{primary, other})
	require.Equal(t, "hourly", backup.Rules(s)[0].Name, "the file store keeps hourly copies")

	s.GFS = true
	require.Equal(t, []string{"continuous", "weekly", "monthly"}, names(backup.DatabaseRules(s)))
	primary, other = backup.DatabaseSnapshots(s)
	require.Equal(t, [2]int{4 + 3, 7 + 4 + 3}, [2]int{primary, other})

	s.GFS, s.RetentionDays = false, 60
	r := backup.DatabaseRules(s)[0]
	require.Equal(t, [2]int{35, 60}, [2]int{r.LocalDays, r.DeleteAfterDays}, "35 days of point-in-time recovery, daily copies kept 60 days")

	require.Nil(t, backup.DatabaseRules(base(tier.OdooSH)))
	require.Nil(t, backup.DatabaseRules(base(tier.OnPremise)))
}

func TestBAK2_DatabaseSnapshotQuotaRefused(t *testing.T) {
	s := base(tier.Enterprise)
	s.RetentionDays = 120
	require.EqualError(t, s.Validate(), "retentionDays 120 keeps 120 database snapshots in the backup region; allowed: at most 90 (the default quota is 100 manual snapshots per region): a retention of at most 90 days, or gfs")
	s.RetentionDays = 90
	require.NoError(t, s.Validate())
	s.RetentionDays, s.Tier = 365, tier.OdooSH
	require.NoError(t, s.Validate(), "no database on odoo-sh")
}

func names(rs []backup.Rule) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Name)
	}
	return out
}
