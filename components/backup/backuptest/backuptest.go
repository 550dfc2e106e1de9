// Package backuptest is the conformance suite every implementation of the backup
// concept runs (awsbackup today, gcpbackup later). An implementation describes what
// it planned in the cloud-neutral Observed shape; the suite checks the promises of
// RES-3, ENC-5 and BAK-1 to BAK-6 against it, so that each cloud keeps them the same
// way.
package backuptest

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/components/backup"
	"github.com/octura/odoo-hosting/internal/jurisdiction"
	"github.com/octura/odoo-hosting/internal/tier"
)

// Store is one place that holds backup copies: an object bucket or a backup vault.
type Store struct {
	// Name is the store's resource name, for messages.
	Name string
	// Region is where the store lives.
	Region string
	// KeyRegion is the region of the managed key that encrypts it; "" when it is
	// encrypted with a provider default key or not at all.
	KeyRegion string
	// ImmutableDays is how long copies cannot be deleted, not even by an
	// administrator (object lock in compliance mode, vault lock); 0 when not.
	ImmutableDays int
	// MaxKeepDays is the longest the store keeps any copy, including noncurrent
	// versions; 0 when unbounded.
	MaxKeepDays int
	// Versioned is true when overwritten copies are kept as versions.
	Versioned bool
	// PublicAccessBlocked is true when public access is refused.
	PublicAccessBlocked bool
	// RefusesPlainHTTP is true when requests without TLS are refused (ENC-1).
	RefusesPlainHTTP bool
	// Retained is true when deleting the stack leaves the store in place (BAK-6).
	Retained bool
	// Protected is true when the engine refuses to delete or replace it (BAK-6).
	Protected bool
}

// Schedule is one planned backup rule.
type Schedule struct {
	Name            string
	Cron            string
	DeleteAfterDays int
	// CopyRegion is where each copy is also kept; "" when not copied.
	CopyRegion string
	// CopyDeleteAfterDays is how long the copy is kept.
	CopyDeleteAfterDays int
}

// Observed is what an implementation planned, in cloud-neutral terms.
type Observed struct {
	// Resources is how many resources the program registered, the component included.
	Resources int
	// Stores are every bucket and vault that holds copies.
	Stores []Store
	// Schedules are the backup rules.
	Schedules []Schedule
	// RestoreTests are the crons of the scheduled restore tests.
	RestoreTests []string
	// PrimaryRegion and BackupRegion are the component's plain outputs.
	PrimaryRegion, BackupRegion string
}

// Harness is what an implementation gives the suite.
type Harness struct {
	// Cloud is the implementation's cloud.
	Cloud jurisdiction.Cloud
	// AccountID is a valid account (or project) ID of the cloud.
	AccountID string
	// Primary is a primary region with a default backup region.
	Primary string
	// Partner is, written out, the backup region the project pairs with Primary
	// (RES-3), which a spec without BackupRegion must use.
	Partner string
	// Foreign is a region of the same cloud outside Primary's jurisdiction.
	Foreign string
	// Plan runs the implementation's constructor for spec offline and reports what
	// it planned and the error the constructor returned.
	Plan func(t *testing.T, spec backup.Spec) (Observed, error)
	// PlainHTTPGap, when set, is the documented reason the cloud's stores cannot
	// refuse plain HTTP (Cloud Storage's XML API accepts it and no bucket setting
	// refuses it): the suite then reports the gap instead of asserting ENC-1 on the
	// stores. Default "": every store must refuse plain HTTP.
	PlainHTTPGap string
	// DatabaseBackups says the implementation also backs up the database (AWS: the
	// database's point-in-time-recovery plan, copied daily at 03:00); on clouds whose
	// database keeps its own backups (Cloud SQL) it is false. Default false.
	DatabaseBackups bool
}

// Spec returns a valid spec of tier for the harness.
func (h Harness) Spec(tr tier.Tier) backup.Spec {
	return backup.Spec{Customer: "acme", Cloud: h.Cloud, AccountID: h.AccountID, Tier: tr, PrimaryRegion: h.Primary, RPOHours: 4, RTOHours: 8}
}

// Run runs every conformance test of the backup concept.
func Run(t *testing.T, h Harness) {
	t.Run("RES3_CopiesInSecondRegionOfSameJurisdiction", func(t *testing.T) { testRES3(t, h) })
	t.Run("RES3_ForeignBackupRegionRefusedAndNothingRegistered", func(t *testing.T) { testRES3Refused(t, h) })
	t.Run("ENC5_EveryStoreEncryptedWithKeyOfItsRegion", func(t *testing.T) { testENC5(t, h) })
	t.Run("BAK1_SchedulesMeetTierRPO", func(t *testing.T) { testBAK1(t, h) })
	t.Run("BAK1_OnPremiseWithoutRPORefused", func(t *testing.T) { testBAK1Refused(t, h) })
	t.Run("BAK2_RetentionAndGFS", func(t *testing.T) { testBAK2(t, h) })
	t.Run("BAK3_ImmutableVersionedPrivate", func(t *testing.T) { testBAK3(t, h) })
	t.Run("BAK4_RestoreTestedQuarterly", func(t *testing.T) { testBAK4(t, h) })
	t.Run("BAK5_OffboardingExpiresWithinLimit", func(t *testing.T) { testBAK5(t, h) })
	t.Run("BAK6_StoresRetainedAndProtectedInProduction", func(t *testing.T) { testBAK6(t, h) })
}

func plan(t *testing.T, h Harness, s backup.Spec) Observed {
	t.Helper()
	o, err := h.Plan(t, s)
	require.NoError(t, err)
	require.NotEmpty(t, o.Stores)
	return o
}

func testRES3(t *testing.T, h Harness) {
	s := h.Spec(tier.Cloud)
	o := plan(t, h, s)
	require.NotEmpty(t, h.Partner, "the harness names Primary's backup partner")
	require.Equal(t, h.Primary, o.PrimaryRegion)
	require.Equal(t, h.Partner, o.BackupRegion)
	regions := map[string]int{}
	for _, st := range o.Stores {
		regions[st.Region]++
	}
	require.Equal(t, 2, len(regions), "stores in exactly the primary and the backup region: %v", regions)
	require.Equal(t, regions[h.Primary], regions[h.Partner], "every store has its counterpart in the backup region")
	for _, sc := range o.Schedules {
		require.Equal(t, h.Partner, sc.CopyRegion, "RES-3: rule %s copies to the backup region", sc.Name)
	}
}

func testRES3Refused(t *testing.T, h Harness) {
	s := h.Spec(tier.Cloud)
	s.BackupRegion = h.Foreign
	o, err := h.Plan(t, s)
	require.Error(t, err)
	require.Contains(t, err.Error(), fmt.Sprintf("backupRegion %q (", h.Foreign), "RES-3: the error names the field and the value")
	require.Contains(t, err.Error(), "is outside jurisdiction")
	require.Zero(t, o.Resources, "nothing registered on a refused spec")

	s.BackupRegion = h.Primary
	o, err = h.Plan(t, s)
	require.ErrorContains(t, err, "is the primary region")
	require.Zero(t, o.Resources)
}

func testENC5(t *testing.T, h Harness) {
	o := plan(t, h, h.Spec(tier.Cloud))
	for _, st := range o.Stores {
		require.Equal(t, st.Region, st.KeyRegion, "ENC-2/ENC-5: store %s in %s is encrypted with a key of its region", st.Name, st.Region)
	}
}

// bak1Schedules are, written out, the schedules each tier must run (BAK-1): a copy
// at least every hour on cloud and enterprise (RPO 1 h), daily on odoo-sh (RPO 24 h),
// every 4 hours on on-premise with Harness.Spec's rpoHours 4. With
// Harness.DatabaseBackups, cloud and enterprise add the database's continuous backup,
// copied daily (bak1DatabaseSchedule).
var bak1DatabaseSchedule = "cron(0 3 * * ? *)"

var bak1Schedules = map[tier.Tier][]string{
	tier.OdooSH:     {"cron(0 3 * * ? *)"},
	tier.Cloud:      {"cron(0 * * * ? *)", "cron(0 3 * * ? *)"},
	tier.Enterprise: {"cron(0 * * * ? *)", "cron(0 3 * * ? *)"},
	tier.OnPremise:  {"cron(0 0/4 * * ? *)"},
}

func testBAK1(t *testing.T, h Harness) {
	for _, tr := range tier.All() {
		o := plan(t, h, h.Spec(tr))
		var got []string
		for _, sc := range o.Schedules {
			got = append(got, sc.Cron)
		}
		want := bak1Schedules[tr]
		if h.DatabaseBackups && tr.RunsApplication() {
			want = append(append([]string(nil), want...), bak1DatabaseSchedule)
		}
		require.ElementsMatch(t, want, got, "BAK-1: %s schedules", tr)
	}
}

func testBAK1Refused(t *testing.T, h Harness) {
	s := h.Spec(tier.OnPremise)
	s.RPOHours = 0
	o, err := h.Plan(t, s)
	require.ErrorContains(t, err, "rpoHours 0 is not set")
	require.Zero(t, o.Resources)
}

func testBAK2(t *testing.T, h Harness) {
	s := h.Spec(tier.Cloud)
	o := plan(t, h, s)
	require.NotEmpty(t, o.Schedules)
	for _, sc := range o.Schedules {
		require.Equal(t, 35, sc.DeleteAfterDays, "BAK-2: %s kept the default 35 days", sc.Name)
		require.Equal(t, 35, sc.CopyDeleteAfterDays, "BAK-2: %s copy kept the default 35 days", sc.Name)
	}
	s.GFS = true
	o = plan(t, h, s)
	keep := map[string]int{}
	for _, sc := range o.Schedules {
		keep[sc.Name] = sc.CopyDeleteAfterDays
	}
	// Grandfather-father-son: hourly and daily copies (and the database's continuous
	// backup's) 7 days, weekly 28, monthly 93.
	want := map[string]int{"hourly": 7, "daily": 7, "weekly": 28, "monthly": 93}
	if h.DatabaseBackups {
		want["continuous"] = 7
	}
	require.Equal(t, want, keep, "BAK-2 GFS")
}

func testBAK3(t *testing.T, h Harness) {
	s := h.Spec(tier.OdooSH)
	s.RetentionDays = 60
	o := plan(t, h, s)
	for _, st := range o.Stores {
		require.Equal(t, 60, st.ImmutableDays, "BAK-3: %s immutable for the retention", st.Name)
		require.True(t, st.PublicAccessBlocked, "BAK-3: %s private", st.Name)
		require.True(t, st.Versioned, "BAK-3: %s versioned", st.Name)
		if h.PlainHTTPGap != "" {
			t.Logf("ENC-1 gap on %s: %s", h.Cloud, h.PlainHTTPGap)
		} else {
			require.True(t, st.RefusesPlainHTTP, "ENC-1: %s refuses plain HTTP", st.Name)
		}
	}
}

func testBAK4(t *testing.T, h Harness) {
	o := plan(t, h, h.Spec(tier.Cloud))
	require.Equal(t, []string{"cron(0 5 1 1,4,7,10 ? *)"}, o.RestoreTests, "BAK-4: quarterly, 05:00 on the first of January, April, July and October")
	s := h.Spec(tier.Cloud)
	s.RestoreTestCron = "cron(0 5 1 1 ? *)"
	o, err := h.Plan(t, s)
	require.ErrorContains(t, err, "leaves 12 months between restore tests")
	require.Zero(t, o.Resources)
}

func testBAK5(t *testing.T, h Harness) {
	for _, off := range []int{0, 30, 365} {
		s := h.Spec(tier.Enterprise)
		s.GFS = true
		s.RetentionDays = 365
		s.OffboardingExpiryDays = off
		limit := 365 // BAK-5: nothing is kept longer than a year
		if off > 0 {
			limit = off
		}
		o := plan(t, h, s)
		for _, st := range o.Stores {
			require.NotZero(t, st.MaxKeepDays, "BAK-5: %s bounded", st.Name)
			require.LessOrEqual(t, st.MaxKeepDays, limit, "BAK-5: %s", st.Name)
		}
		for _, sc := range o.Schedules {
			require.LessOrEqual(t, sc.DeleteAfterDays, limit, "BAK-5: %s", sc.Name)
			require.LessOrEqual(t, sc.CopyDeleteAfterDays, limit, "BAK-5: %s", sc.Name)
		}
	}
}

func testBAK6(t *testing.T, h Harness) {
	for _, prod := range []bool{false, true} {
		s := h.Spec(tier.Cloud)
		s.Production = prod
		o := plan(t, h, s)
		for _, st := range o.Stores {
			require.True(t, st.Retained, "BAK-6: %s retained on delete", st.Name)
			require.Equal(t, prod, st.Protected, "BAK-6: %s protected only in production", st.Name)
		}
	}
}
