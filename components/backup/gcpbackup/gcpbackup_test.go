package gcpbackup_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/components/backup"
	"github.com/octura/odoo-hosting/components/backup/backuptest"
	"github.com/octura/odoo-hosting/components/backup/gcpbackup"
	"github.com/octura/odoo-hosting/internal/jurisdiction"
	"github.com/octura/odoo-hosting/internal/plan"
	"github.com/octura/odoo-hosting/internal/tier"
)

const (
	name       = "acme-backup"
	bucketType = "gcp:storage/bucket:Bucket"
	jobType    = "gcp:storage/transferJob:TransferJob"
	memberType = "gcp:storage/bucketIAMMember:BucketIAMMember"
	topicType  = "gcp:pubsub/topic:Topic"
	cronType   = "gcp:cloudscheduler/job:Job"
)

func key(loc string) string {
	return "projects/acme-prod/locations/" + gcpbackup.KMSLocation(loc) + "/keyRings/acme/cryptoKeys/acme-backup"
}

func spec(tr tier.Tier) backup.Spec {
	return backup.Spec{Customer: "acme", Cloud: jurisdiction.GCP, AccountID: "acme-prod", Tier: tr, PrimaryRegion: "europe-west1", Production: true, RPOHours: 4, RTOHours: 8}
}

// run plans gcpbackup.New for args with providers of its locations; a nil key is
// filled with the key of its bucket's location.
func run(t *testing.T, a gcpbackup.Args) (*plan.Plan, *gcpbackup.Backup, error) {
	t.Helper()
	var c *gcpbackup.Backup
	var newErr error
	p, err := plan.Run("odoo-hosting", "acme-eu", func(ctx *pulumi.Context) error {
		primary, backupLoc := a.Locations()
		pp, err := gcp.NewProvider(ctx, "primary", &gcp.ProviderArgs{Project: pulumi.String("acme-prod"), Region: pulumi.String(primary)})
		if err != nil {
			return err
		}
		bp, err := gcp.NewProvider(ctx, "backup", &gcp.ProviderArgs{Project: pulumi.String("acme-prod"), Region: pulumi.String(backupLoc)})
		if err != nil {
			return err
		}
		a.PrimaryProvider, a.BackupProvider = pp, bp
		if a.PrimaryKey == "" {
			a.PrimaryKey = key(primary)
		}
		if a.BackupKey == "" {
			a.BackupKey = key(backupLoc)
		}
		c, newErr = gcpbackup.New(ctx, name, a)
		return nil
	})
	require.NoError(t, err)
	return p, c, newErr
}

func str(v any) string { s, _ := v.(string); return s }
func num(v any) int    { f, _ := v.(float64); return int(f) }

// deleteAge is the lifecycle Delete age of objects under prefix in bucket b.
func deleteAge(b plan.State, prefix string) int {
	for _, r := range b.Inputs["lifecycleRules"].([]any) {
		rm := r.(map[string]any)
		if rm["action"].(map[string]any)["type"] != "Delete" {
			continue
		}
		cond := rm["condition"].(map[string]any)
		ps, _ := cond["matchesPrefixes"].([]any)
		if len(ps) == 0 || ps[0] == prefix {
			return num(cond["age"])
		}
	}
	return 0
}

// cronOf reads a transfer job's schedule back as the six-field cron it runs on.
func cronOf(t *testing.T, j plan.State) string {
	sc := j.Inputs["schedule"].(map[string]any)
	start := sc["scheduleStartDate"].(map[string]any)
	require.Equal(t, map[string]any{"year": 2026.0, "month": 2.0, "day": 1.0}, start, "a Sunday, the 1st")
	hour := num(sc["startTimeOfDay"].(map[string]any)["hours"])
	var secs int
	_, err := fmt.Sscanf(str(sc["repeatInterval"]), "%ds", &secs)
	require.NoError(t, err)
	switch h := secs / 3600; {
	case h == 1:
		return "cron(0 * * * ? *)"
	case h < 24:
		return fmt.Sprintf("cron(0 0/%d * * ? *)", h)
	case h == 24:
		return fmt.Sprintf("cron(0 %d * * ? *)", hour)
	case h == 7*24:
		return fmt.Sprintf("cron(0 %d ? * SUN *)", hour)
	case h == 31*24:
		return fmt.Sprintf("cron(0 %d 1 * ? *)", hour)
	}
	t.Fatalf("schedule %v", sc)
	return ""
}

func observe(t *testing.T, p *plan.Plan, c *gcpbackup.Backup) backuptest.Observed {
	o := backuptest.Observed{Resources: len(p.Managed())}
	if c == nil {
		return o
	}
	o.PrimaryRegion, o.BackupRegion = c.PrimaryRegion, c.BackupRegion
	byName := map[string]plan.State{}
	for _, b := range p.ByType(bucketType) {
		byName[str(b.Inputs["name"])] = b
		keyLoc := strings.Split(str(b.Inputs["encryption"].(map[string]any)["defaultKmsKeyName"]), "/")[3]
		rp, _ := b.Inputs["retentionPolicy"].(map[string]any)
		maxKeep := 0
		for _, r := range b.Inputs["lifecycleRules"].([]any) {
			rm := r.(map[string]any)
			if rm["action"].(map[string]any)["type"] == "Delete" {
				maxKeep = max(maxKeep, num(rm["condition"].(map[string]any)["age"]))
			}
		}
		soft := b.Inputs["softDeletePolicy"].(map[string]any)
		require.Equal(t, 0.0, soft["retentionDurationSeconds"], "soft delete would outlive the expiry")
		o.Stores = append(o.Stores, backuptest.Store{
			Name: b.Name(), Region: strings.ToLower(str(b.Inputs["location"])), KeyRegion: keyLoc,
			ImmutableDays: num(rp["retentionPeriod"]) / 86400,
			MaxKeepDays:   maxKeep,
			// A retention policy refuses every delete and replace until the
			// retention age: no copy is overwritten, so none needs a version.
			Versioned:           num(rp["retentionPeriod"]) > 0,
			PublicAccessBlocked: b.Inputs["publicAccessPrevention"] == "enforced" && b.Inputs["uniformBucketLevelAccess"] == true,
			Retained:            b.RetainOnDelete, Protected: b.Protect,
		})
	}
	for _, j := range p.ByType(jobType) {
		ts := j.Inputs["transferSpec"].(map[string]any)
		src := byName[str(ts["gcsDataSource"].(map[string]any)["bucketName"])]
		dst := byName[str(ts["gcsDataSink"].(map[string]any)["bucketName"])]
		prefix := str(ts["objectConditions"].(map[string]any)["includePrefixes"].([]any)[0])
		o.Schedules = append(o.Schedules, backuptest.Schedule{
			// The rule's name: each rule writes under the prefix "<rule>/".
			Name: strings.TrimSuffix(prefix, "/"), Cron: cronOf(t, j),
			DeleteAfterDays: deleteAge(src, prefix), CopyRegion: strings.ToLower(str(dst.Inputs["location"])),
			CopyDeleteAfterDays: deleteAge(dst, prefix),
		})
	}
	for _, j := range p.ByType(cronType) {
		f := strings.Fields(str(j.Inputs["schedule"]))
		require.Len(t, f, 5)
		if f[4] == "*" {
			f[4] = "?"
		} else {
			f[2] = "?"
		}
		o.RestoreTests = append(o.RestoreTests, "cron("+strings.Join(f, " ")+" *)")
	}
	return o
}

func TestConformance(t *testing.T) {
	backuptest.Run(t, backuptest.Harness{
		Cloud: jurisdiction.GCP, AccountID: "acme-prod", Primary: "europe-west1", Partner: "europe-west3", Foreign: "europe-west2",
		PlainHTTPGap: "Cloud Storage's XML API accepts plain HTTP and no bucket setting refuses it (Cloud Storage request endpoints); the writers use the JSON API, which accepts HTTPS only",
		Plan: func(t *testing.T, s backup.Spec) (backuptest.Observed, error) {
			p, c, err := run(t, gcpbackup.Args{Spec: s})
			return observe(t, p, c), err
		},
	})
}

func TestRES3_ENC5_BucketsInPrimaryAndPairedRegionWithTheirOwnKeys(t *testing.T) {
	p, c, err := run(t, gcpbackup.Args{Spec: spec(tier.Cloud)})
	require.NoError(t, err)
	require.Equal(t, map[string]int{
		plan.StackType: 1, "pulumi:providers:gcp": 2, gcpbackup.Type: 1,
		bucketType: 2, memberType: 3, jobType: 2, topicType: 1, cronType: 1,
		"gcp:projects/serviceIdentity:ServiceIdentity": 1, "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember": 1,
	}, p.Count())
	require.Equal(t, []string{"europe-west1", "europe-west3"}, []string{c.PrimaryRegion, c.BackupRegion})
	comp, _ := p.Get(gcpbackup.Type, name)
	for _, s := range p.Managed() {
		if s.Type != gcpbackup.Type {
			require.Equal(t, comp.URN, s.Parent, s.URN)
			_, ok := p.ProviderOf(s)
			require.True(t, ok, s.URN)
		}
	}
	primary, _ := p.Get(bucketType, name+"-primary")
	replica, _ := p.Get(bucketType, name+"-replica")
	require.Equal(t, "acme-backup-acme-prod-europe-west1", primary.Inputs["name"])
	require.Equal(t, "EUROPE-WEST1", primary.Inputs["location"])
	require.Equal(t, "EUROPE-WEST3", replica.Inputs["location"])
	require.Equal(t, map[string]any{"defaultKmsKeyName": "projects/acme-prod/locations/europe-west1/keyRings/acme/cryptoKeys/acme-backup"}, primary.Inputs["encryption"])
	require.Equal(t, map[string]any{"defaultKmsKeyName": "projects/acme-prod/locations/europe-west3/keyRings/acme/cryptoKeys/acme-backup"}, replica.Inputs["encryption"], "ENC-5")
	prov, _ := p.ProviderOf(replica)
	require.Equal(t, "europe-west3", prov.Inputs["region"])
}

func TestBAK3_RetentionLockedOnProductionOnlyAndPrivate(t *testing.T) {
	for _, prod := range []bool{true, false} {
		s := spec(tier.Cloud)
		s.Production = prod
		p, _, err := run(t, gcpbackup.Args{Spec: s})
		require.NoError(t, err)
		for _, b := range p.ByType(bucketType) {
			require.Equal(t, map[string]any{"retentionPeriod": float64(35 * 86400), "isLocked": prod}, b.Inputs["retentionPolicy"], "%s prod=%v", b.Name(), prod)
			require.Equal(t, "enforced", b.Inputs["publicAccessPrevention"])
			require.Equal(t, true, b.Inputs["uniformBucketLevelAccess"])
			require.Nil(t, b.Inputs["versioning"], "Cloud Storage refuses versioning with a retention policy")
			require.Equal(t, prod, b.Protect)
			require.True(t, b.RetainOnDelete)
		}
	}
}

func TestBAK1_OneTransferJobPerRuleOnItsSchedule(t *testing.T) {
	p, _, err := run(t, gcpbackup.Args{Spec: spec(tier.Cloud)})
	require.NoError(t, err)
	hourly, ok := p.Get(jobType, name+"-hourly")
	require.True(t, ok)
	require.Equal(t, map[string]any{
		"scheduleStartDate": map[string]any{"year": 2026.0, "month": 2.0, "day": 1.0},
		"startTimeOfDay":    map[string]any{"hours": 0.0, "minutes": 0.0, "seconds": 0.0, "nanos": 0.0},
		"repeatInterval":    "3600s",
	}, hourly.Inputs["schedule"])
	daily, _ := p.Get(jobType, name+"-daily")
	require.Equal(t, "86400s", daily.Inputs["schedule"].(map[string]any)["repeatInterval"])
	require.Equal(t, 3.0, daily.Inputs["schedule"].(map[string]any)["startTimeOfDay"].(map[string]any)["hours"])
	ts := daily.Inputs["transferSpec"].(map[string]any)
	require.Equal(t, map[string]any{"bucketName": "acme-backup-acme-prod-europe-west1"}, ts["gcsDataSource"])
	require.Equal(t, map[string]any{"bucketName": "acme-backup-acme-prod-europe-west3"}, ts["gcsDataSink"])
	require.Equal(t, map[string]any{"includePrefixes": []any{"daily/"}}, ts["objectConditions"])
	require.Equal(t, map[string]any{"deleteObjectsUniqueInSink": false, "deleteObjectsFromSourceAfterTransfer": false, "overwriteWhen": "NEVER"}, ts["transferOptions"])
	sts := "serviceAccount:project-" + plan.ProjectNumber + "@storage-transfer-service.iam.gserviceaccount.com"
	roles := map[string]string{}
	for _, m := range p.ByType(memberType) {
		require.Equal(t, sts, m.Inputs["member"])
		roles[strings.TrimPrefix(m.Name(), name+"-")] = str(m.Inputs["role"]) + "@" + str(m.Inputs["bucket"])
	}
	require.Equal(t, map[string]string{
		"sts-source-reader":  "roles/storage.legacyBucketReader@acme-backup-acme-prod-europe-west1",
		"sts-source-objects": "roles/storage.objectViewer@acme-backup-acme-prod-europe-west1",
		"sts-sink-writer":    "roles/storage.legacyBucketWriter@acme-backup-acme-prod-europe-west3",
	}, roles)
}

func TestBAK4_RestoreTestPublishedQuarterlyInRegion(t *testing.T) {
	p, _, err := run(t, gcpbackup.Args{Spec: spec(tier.Cloud)})
	require.NoError(t, err)
	j, _ := p.Get(cronType, name+"-restore-test")
	require.Equal(t, "0 5 1 1,4,7,10 *", j.Inputs["schedule"])
	require.Equal(t, "europe-west1", j.Inputs["region"])
	require.Equal(t, "Etc/UTC", j.Inputs["timeZone"])
	topic, _ := p.Get(topicType, name+"-restore-test")
	require.Equal(t, map[string]any{"allowedPersistenceRegions": []any{"europe-west1"}}, topic.Inputs["messageStoragePolicy"])
}

// ENC-2, BAK-6: the restore-test topic is encrypted with the primary backup key,
// which Pub/Sub's agent (and only it) is granted, and is protected in production.
func TestENC2_RestoreTestTopicWithThePrimaryBackupKey(t *testing.T) {
	p, _, err := run(t, gcpbackup.Args{Spec: spec(tier.Cloud)})
	require.NoError(t, err)
	topic, _ := p.Get(topicType, name+"-restore-test")
	require.Equal(t, key("europe-west1"), topic.Inputs["kmsKeyName"])
	require.True(t, topic.Protect)
	agent, _ := p.Get("gcp:projects/serviceIdentity:ServiceIdentity", name+"-pubsub-agent")
	require.Equal(t, "pubsub.googleapis.com", agent.Inputs["service"])
	grant, _ := p.Get("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember", name+"-pubsub-key")
	require.Equal(t, key("europe-west1"), grant.Inputs["cryptoKeyId"])
	require.Equal(t, "roles/cloudkms.cryptoKeyEncrypterDecrypter", grant.Inputs["role"])
	require.Contains(t, topic.Dependencies, grant.URN)
}

func TestRES3_DualRegionInsideJurisdictionAccepted(t *testing.T) {
	s := spec(tier.Cloud)
	s.PrimaryRegion = "europe-west4"
	p, c, err := run(t, gcpbackup.Args{Spec: s, BackupLocation: "EUR4"})
	require.NoError(t, err)
	require.Equal(t, "eur4", c.BackupRegion)
	replica, _ := p.Get(bucketType, name+"-replica")
	require.Equal(t, "EUR4", replica.Inputs["location"])
	require.Equal(t, map[string]any{"defaultKmsKeyName": "projects/acme-prod/locations/eur4/keyRings/acme/cryptoKeys/acme-backup"}, replica.Inputs["encryption"])
}

func TestRES2_MultiRegionThatCrossesTheJurisdictionRefused(t *testing.T) {
	p, _, err := run(t, gcpbackup.Args{Spec: spec(tier.Cloud), BackupLocation: "EUR5"})
	require.EqualError(t, err, `backup acme-backup: backupLocation "EUR5" may hold data in BE, GB, outside jurisdiction eu; allowed: EU, EUR4 (RES-2, RES-3)`)
	require.Empty(t, p.Managed())
	p, _, err = run(t, gcpbackup.Args{Spec: spec(tier.Cloud), BackupLocation: "US"})
	require.ErrorContains(t, err, `backupLocation "US" may hold data in US, outside jurisdiction eu`)
	require.Empty(t, p.Managed())
	p, _, err = run(t, gcpbackup.Args{Spec: spec(tier.Cloud), BackupLocation: "MARS1"})
	require.ErrorContains(t, err, `backupLocation "MARS1" is not a Cloud Storage dual- or multi-region`)
	require.Empty(t, p.Managed())
}

func TestRES3_BackupRegionOutsideJurisdictionRefused(t *testing.T) {
	s := spec(tier.Cloud)
	s.BackupRegion = "europe-west6"
	p, _, err := run(t, gcpbackup.Args{Spec: s})
	require.ErrorContains(t, err, `backupRegion "europe-west6"`)
	require.ErrorContains(t, err, "is outside jurisdiction")
	require.Empty(t, p.Managed())
}

func TestENC5_KeyInAnotherRegionRefused(t *testing.T) {
	p, _, err := run(t, gcpbackup.Args{Spec: spec(tier.Cloud), BackupKey: key("europe-west1")})
	require.EqualError(t, err, `backup acme-backup: backupKey "projects/acme-prod/locations/europe-west1/keyRings/acme/cryptoKeys/acme-backup" is in location europe-west1, not in its bucket's location europe-west3; allowed: a key in europe-west3 (ENC-3, ENC-5)`)
	require.Empty(t, p.Managed())
	p, _, err = run(t, gcpbackup.Args{Spec: spec(tier.Cloud), PrimaryKey: "alias/acme"})
	require.ErrorContains(t, err, `primaryKey "alias/acme" is not a Cloud KMS key name; allowed: projects/<project>/locations/europe-west1/keyRings/<ring>/cryptoKeys/<key> (ENC-2)`)
	require.Empty(t, p.Managed())
}

func TestAWSSpecRefused(t *testing.T) {
	s := spec(tier.Cloud)
	s.Cloud = jurisdiction.AWS
	s.AccountID = "111111111111"
	s.PrimaryRegion = "eu-west-1"
	p, _, err := run(t, gcpbackup.Args{Spec: s})
	require.ErrorContains(t, err, `cloud "aws" is not served by gcpbackup; allowed: gcp`)
	require.Empty(t, p.Managed())
}
