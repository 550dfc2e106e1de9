// Package gcpbackup builds a customer's backups on Google Cloud from a
// backup.Spec: a Cloud Storage bucket of backup files in the primary region and
// one in the paired backup region (or an in-jurisdiction dual- or multi-region),
// each encrypted with the backup key of its own location, with uniform access,
// public access prevention enforced, a retention policy for the copies' minimum
// keep period (locked on production) and a lifecycle from the tier; one Storage
// Transfer Service job per backup rule copies the rule's files from the primary
// bucket to the backup bucket on the rule's schedule; a Cloud Scheduler job
// publishes the quarterly restore test (RES-3, ENC-2, ENC-5, BAK-1..BAK-6).
//
// Immutability (BAK-3). Cloud Storage refuses Object Versioning on a bucket with a
// retention policy, and a retention policy is the stronger promise: no object can
// be deleted or replaced until it is as old as the retention period, and once the
// policy is locked (production) nobody can shorten or remove it. Soft delete is
// turned off explicitly: it would keep deleted copies past their expiry, beyond
// the off-boarding bound (BAK-5). Cloud SQL backups and point-in-time recovery are
// the database component's (gcpdatabase). Decision 0065 records the sources.
package gcpbackup

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/cloudscheduler"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/kms"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/projects"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/pubsub"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/storage"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	concept "github.com/octura/odoo-hosting/components/backup"
	"github.com/octura/odoo-hosting/internal/jurisdiction"
)

// Type is the component's type token, the same concept as awsbackup.
const Type = concept.Type

// ScheduleEpoch is the fixed first day of every transfer job's schedule: a Sunday
// and the first of a month, so that weekly jobs run on Sundays and monthly ones on
// the 1st. Fixed so that plans are reproducible.
var ScheduleEpoch = struct{ Year, Month, Day int }{2026, 2, 1}

// PubSubService is the service whose agent encrypts the restore-test topic's messages.
const PubSubService = "pubsub.googleapis.com"

// EncrypterDecrypter is the one Cloud KMS role a service agent gets on a key.
const EncrypterDecrypter = "roles/cloudkms.cryptoKeyEncrypterDecrypter"

// Args are the inputs of New.
type Args struct {
	// Spec is what the backups must be; validated before anything is registered.
	Spec concept.Spec
	// PrimaryProvider and BackupProvider are the gcp providers of Spec.PrimaryRegion
	// and of the backup location. Required.
	PrimaryProvider pulumi.ProviderResource
	BackupProvider  pulumi.ProviderResource
	// PrimaryKey and BackupKey are the Cloud KMS backup keys
	// (projects/<p>/locations/<loc>/keyRings/<r>/cryptoKeys/<k>); each must be in the
	// location of its bucket (ENC-3, ENC-5). Key names are known before the keys
	// exist, so they are plain values and checked here. Required.
	PrimaryKey, BackupKey string
	// PrimaryKeyReady and BackupKeyReady, when set, are outputs that resolve once
	// the key's grant to Cloud Storage's agent exists (gcpkeys Keys.Names): the
	// bucket's key input then waits for them, so that the agent may use the key
	// when the bucket is created (ENC-2). Default: none.
	PrimaryKeyReady, BackupKeyReady pulumi.StringInput
	// BackupLocation, when set, is a dual- or multi-region (jurisdiction.Locations)
	// for the backup bucket instead of Spec.BackupRegion; every country it may hold
	// data in must lie in the primary region's jurisdiction (RES-2, RES-3).
	// Default: Spec.BackupRegion.
	BackupLocation string
}

// Backup is a customer's backups on Google Cloud.
type Backup struct {
	pulumi.ResourceState

	// PrimaryBucket and ReplicaBucket are the bucket names.
	PrimaryBucket pulumi.StringOutput `pulumi:"primaryBucket"`
	ReplicaBucket pulumi.StringOutput `pulumi:"replicaBucket"`
	// RestoreTestTopic is the Pub/Sub topic the restore test runner subscribes to.
	RestoreTestTopic pulumi.StringOutput `pulumi:"restoreTestTopic"`
	// PrimaryRegion is the primary region; BackupRegion the backup region, or the
	// backup location when one is set (RES-3).
	PrimaryRegion string
	BackupRegion  string
}

var keyName = regexp.MustCompile(`^projects/[a-z][a-z0-9-]{4,28}[a-z0-9]/locations/([a-z0-9-]+)/keyRings/[A-Za-z0-9_-]+/cryptoKeys/[A-Za-z0-9_-]+$`)

// KMSLocation is the Cloud KMS location whose keys may encrypt a bucket in the
// Cloud Storage location loc: the region itself, "europe", "us" or "asia" for the
// multi-regions, the lower-cased name for the predefined dual-regions.
func KMSLocation(loc string) string {
	switch strings.ToUpper(loc) {
	case "EU":
		return "europe"
	case "US":
		return "us"
	case "ASIA":
		return "asia"
	}
	return strings.ToLower(loc)
}

// Locations returns the primary and backup bucket locations of args (lower case).
func (a Args) Locations() (primary, backup string) {
	s := a.Spec.WithDefaults()
	backup = s.BackupRegion
	if a.BackupLocation != "" {
		backup = strings.ToLower(a.BackupLocation)
	}
	return s.PrimaryRegion, backup
}

// Validate checks the arguments: every problem at once.
func (a Args) Validate() error {
	var errs []error
	s := a.Spec.WithDefaults()
	if err := s.Validate(); err != nil {
		errs = append(errs, err)
	}
	if s.Cloud != jurisdiction.GCP {
		errs = append(errs, fmt.Errorf("cloud %q is not served by gcpbackup; allowed: gcp", s.Cloud))
	}
	if a.PrimaryProvider == nil || a.BackupProvider == nil {
		errs = append(errs, errors.New("primaryProvider and backupProvider are required; allowed: the explicit gcp providers of the two locations"))
	}
	if a.BackupLocation != "" {
		l, ok := jurisdiction.LookupLocation(jurisdiction.GCP, a.BackupLocation)
		r, rok := jurisdiction.Lookup(jurisdiction.GCP, s.PrimaryRegion)
		j, jok := r.Jurisdiction()
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("backupLocation %q is not a Cloud Storage dual- or multi-region; allowed: a region (set backupRegion) or one of %s", a.BackupLocation, locationNames()))
		case rok && jok && !l.In(j):
			var in []string
			for _, x := range jurisdiction.Locations(jurisdiction.GCP) {
				if x.In(j) {
					in = append(in, x.Name)
				}
			}
			errs = append(errs, fmt.Errorf("backupLocation %q may hold data in %s, outside jurisdiction %s; allowed: %s (RES-2, RES-3)", a.BackupLocation, strings.Join(l.Countries, ", "), j, strings.Join(in, ", ")))
		}
	}
	primary, backup := a.Locations()
	for _, k := range []struct{ field, key, loc string }{{"primaryKey", a.PrimaryKey, primary}, {"backupKey", a.BackupKey, backup}} {
		m := keyName.FindStringSubmatch(k.key)
		switch {
		case m == nil:
			errs = append(errs, fmt.Errorf("%s %q is not a Cloud KMS key name; allowed: projects/<project>/locations/%s/keyRings/<ring>/cryptoKeys/<key> (ENC-2)", k.field, k.key, KMSLocation(k.loc)))
		case m[1] != KMSLocation(k.loc):
			errs = append(errs, fmt.Errorf("%s %q is in location %s, not in its bucket's location %s; allowed: a key in %s (ENC-3, ENC-5)", k.field, k.key, m[1], k.loc, KMSLocation(k.loc)))
		}
	}
	return errors.Join(errs...)
}

func locationNames() string {
	var out []string
	for _, l := range jurisdiction.Locations(jurisdiction.GCP) {
		out = append(out, l.Name)
	}
	return strings.Join(out, ", ")
}

// Schedule is a Storage Transfer Service schedule: from StartHour UTC on the
// schedule epoch, every RepeatHours hours.
type Schedule struct {
	StartHour   int
	RepeatHours int
}

// ScheduleOf returns the transfer schedule of rule r (BAK-1): every IntervalHours
// hours from the hour its cron names (0 for "*" and "0/n"). Weekly and monthly
// rules repeat every 7 and 31 days from the epoch (a Sunday, the 1st); Storage
// Transfer Service repeats by a fixed interval, not by calendar month, so a
// monthly file is copied at most 31 days after it is written.
func ScheduleOf(r concept.Rule) Schedule {
	hour := 0
	if f := strings.Fields(strings.TrimSuffix(strings.TrimPrefix(r.Cron, "cron("), ")")); len(f) == 6 {
		if h, err := strconv.Atoi(f[1]); err == nil {
			hour = h
		}
	}
	return Schedule{StartHour: hour, RepeatHours: r.IntervalHours}
}

// UnixCron turns the six-field cron(min hour dom month dow year) into Cloud
// Scheduler's five-field unix-cron ("?" becomes "*", the year is dropped).
func UnixCron(cron string) string {
	f := strings.Fields(strings.TrimSuffix(strings.TrimPrefix(cron, "cron("), ")"))
	if len(f) != 6 {
		return cron
	}
	for i := range f {
		if f[i] == "?" {
			f[i] = "*"
		}
	}
	return strings.Join(f[:5], " ")
}

// New validates args and builds the backups; on an invalid argument it returns
// every problem and registers nothing.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Backup, error) {
	if err := args.Validate(); err != nil {
		return nil, fmt.Errorf("backup %s: %w", name, err)
	}
	spec := args.Spec.WithDefaults()
	primaryLoc, backupLoc := args.Locations()
	specForNames := spec
	specForNames.BackupRegion = backupLoc
	physical := concept.PhysicalNames(specForNames)
	if err := physical.Check(); err != nil {
		return nil, fmt.Errorf("backup %s: %w", name, err)
	}
	primaryName, replicaName := physical.PrimaryBucket, physical.ReplicaBucket
	c := &Backup{PrimaryRegion: primaryLoc, BackupRegion: backupLoc}
	if err := ctx.RegisterComponentResource(Type, name, c, opts...); err != nil {
		return nil, err
	}
	inPrimary := []pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(args.PrimaryProvider)}
	inBackup := []pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(args.BackupProvider)}
	// BAK-6: buckets survive `pulumi destroy` and refuse deletion and replacement
	// in production.
	keep := []pulumi.ResourceOption{pulumi.RetainOnDelete(true), pulumi.Protect(spec.Production)}
	life := concept.Lifecycle(spec)
	labels := pulumi.StringMap{"customer": pulumi.String(spec.Customer), "managed-by": pulumi.String("odoo-hosting")}

	bucket := func(child, physical, loc, key string, ready pulumi.StringInput, in []pulumi.ResourceOption) (*storage.Bucket, error) {
		keyName := pulumi.String(key).ToStringOutput()
		if ready != nil {
			keyName = ready.ToStringOutput().ApplyT(func(string) string { return key }).(pulumi.StringOutput)
		}
		var rules storage.BucketLifecycleRuleArray
		for _, r := range life.Store {
			cond := &storage.BucketLifecycleRuleConditionArgs{Age: pulumi.Int(r.ExpireAfterDays)}
			if r.Prefix != "" {
				cond.MatchesPrefixes = pulumi.StringArray{pulumi.String(r.Prefix)}
			}
			// BAK-2, BAK-5: each rule's files are deleted after its keep period.
			rules = append(rules, storage.BucketLifecycleRuleArgs{
				Action: storage.BucketLifecycleRuleActionArgs{Type: pulumi.String("Delete")}, Condition: cond,
			})
		}
		rules = append(rules, storage.BucketLifecycleRuleArgs{
			Action:    storage.BucketLifecycleRuleActionArgs{Type: pulumi.String("AbortIncompleteMultipartUpload")},
			Condition: &storage.BucketLifecycleRuleConditionArgs{Age: pulumi.Int(1)},
		})
		return storage.NewBucket(ctx, child, &storage.BucketArgs{
			Name:     pulumi.String(physical),
			Project:  pulumi.String(spec.AccountID),
			Location: pulumi.String(strings.ToUpper(loc)),
			// ENC-2, ENC-5: the backup key of the bucket's own location.
			Encryption: &storage.BucketEncryptionArgs{DefaultKmsKeyName: keyName},
			// BAK-3: IAM only, never ACLs, and never public.
			UniformBucketLevelAccess: pulumi.Bool(true),
			PublicAccessPrevention:   pulumi.String("enforced"),
			// BAK-3: no copy is deleted or replaced before the shortest keep period;
			// locked on production so that nobody can shorten or remove it.
			RetentionPolicy: &storage.BucketRetentionPolicyArgs{
				RetentionPeriod: pulumi.Int(life.MinRetentionDays * 24 * 60 * 60),
				IsLocked:        pulumi.Bool(spec.Production),
			},
			SoftDeletePolicy: &storage.BucketSoftDeletePolicyArgs{RetentionDurationSeconds: pulumi.Int(0)},
			LifecycleRules:   rules,
			StorageClass:     pulumi.String("STANDARD"),
			ForceDestroy:     pulumi.Bool(false),
			Labels:           labels,
		}, append(append([]pulumi.ResourceOption{}, in...), keep...)...)
	}
	primary, err := bucket(name+"-primary", primaryName, primaryLoc, args.PrimaryKey, args.PrimaryKeyReady, inPrimary)
	if err != nil {
		return nil, err
	}
	replica, err := bucket(name+"-replica", replicaName, backupLoc, args.BackupKey, args.BackupKeyReady, inBackup)
	if err != nil {
		return nil, err
	}

	// The Storage Transfer Service agent reads the primary bucket and writes the
	// replica; Cloud Storage's own agent does the encryption with each bucket's key.
	sts := storage.GetTransferProjectServiceAccountOutput(ctx, storage.GetTransferProjectServiceAccountOutputArgs{
		Project: pulumi.String(spec.AccountID),
	}, pulumi.Parent(c), pulumi.Provider(args.PrimaryProvider))
	var grants []pulumi.Resource
	for _, g := range []struct {
		child, role string
		b           *storage.Bucket
		in          []pulumi.ResourceOption
	}{
		{"sts-source-reader", "roles/storage.legacyBucketReader", primary, inPrimary},
		{"sts-source-objects", "roles/storage.objectViewer", primary, inPrimary},
		{"sts-sink-writer", "roles/storage.legacyBucketWriter", replica, inBackup},
	} {
		m, err := storage.NewBucketIAMMember(ctx, name+"-"+g.child, &storage.BucketIAMMemberArgs{
			Bucket: g.b.Name, Role: pulumi.String(g.role), Member: sts.Member(),
		}, g.in...)
		if err != nil {
			return nil, err
		}
		grants = append(grants, m)
	}

	// RES-3, BAK-1: each rule's files are copied to the backup bucket on the rule's
	// schedule; copies are never deleted from the sink by the transfer.
	for _, r := range concept.Rules(spec) {
		sc := ScheduleOf(r)
		if _, err := storage.NewTransferJob(ctx, name+"-"+r.Name, &storage.TransferJobArgs{
			Project:     pulumi.String(spec.AccountID),
			Description: pulumi.String(fmt.Sprintf("%s: copy %s backups to %s", name, r.Name, backupLoc)),
			Status:      pulumi.String("ENABLED"),
			TransferSpec: &storage.TransferJobTransferSpecArgs{
				GcsDataSource:    &storage.TransferJobTransferSpecGcsDataSourceArgs{BucketName: primary.Name},
				GcsDataSink:      &storage.TransferJobTransferSpecGcsDataSinkArgs{BucketName: replica.Name},
				ObjectConditions: &storage.TransferJobTransferSpecObjectConditionsArgs{IncludePrefixes: pulumi.StringArray{pulumi.String(r.Name + "/")}},
				TransferOptions: &storage.TransferJobTransferSpecTransferOptionsArgs{
					DeleteObjectsUniqueInSink:            pulumi.Bool(false),
					DeleteObjectsFromSourceAfterTransfer: pulumi.Bool(false),
					OverwriteWhen:                        pulumi.String("NEVER"),
				},
			},
			Schedule: &storage.TransferJobScheduleArgs{
				ScheduleStartDate: &storage.TransferJobScheduleScheduleStartDateArgs{
					Year: pulumi.Int(ScheduleEpoch.Year), Month: pulumi.Int(ScheduleEpoch.Month), Day: pulumi.Int(ScheduleEpoch.Day),
				},
				StartTimeOfDay: &storage.TransferJobScheduleStartTimeOfDayArgs{
					Hours: pulumi.Int(sc.StartHour), Minutes: pulumi.Int(0), Seconds: pulumi.Int(0), Nanos: pulumi.Int(0),
				},
				RepeatInterval: pulumi.String(fmt.Sprintf("%ds", sc.RepeatHours*3600)),
			},
		}, append(inPrimary, pulumi.DependsOn(grants))...); err != nil {
			return nil, err
		}
	}

	// BAK-4: the restore test is published on schedule to the runner's topic, whose
	// messages stay in the primary region and are encrypted with the primary backup
	// key (ENC-2): Pub/Sub's service agent, created explicitly, may use that key only.
	agent, err := projects.NewServiceIdentity(ctx, name+"-pubsub-agent", &projects.ServiceIdentityArgs{
		Project: pulumi.String(spec.AccountID), Service: pulumi.String(PubSubService),
	}, inPrimary...)
	if err != nil {
		return nil, err
	}
	topicGrant, err := kms.NewCryptoKeyIAMMember(ctx, name+"-pubsub-key", &kms.CryptoKeyIAMMemberArgs{
		CryptoKeyId: pulumi.String(args.PrimaryKey),
		Role:        pulumi.String(EncrypterDecrypter),
		Member:      agent.Member,
	}, inPrimary...)
	if err != nil {
		return nil, err
	}
	topic, err := pubsub.NewTopic(ctx, name+"-restore-test", &pubsub.TopicArgs{
		Name:       pulumi.String(name + "-restore-test"),
		Project:    pulumi.String(spec.AccountID),
		KmsKeyName: pulumi.String(args.PrimaryKey),
		MessageStoragePolicy: &pubsub.TopicMessageStoragePolicyArgs{
			AllowedPersistenceRegions: pulumi.StringArray{pulumi.String(spec.PrimaryRegion)},
		},
		Labels: labels,
	}, append(append(inPrimary, keep...), pulumi.DependsOn([]pulumi.Resource{topicGrant}))...)
	if err != nil {
		return nil, err
	}
	if _, err := cloudscheduler.NewJob(ctx, name+"-restore-test", &cloudscheduler.JobArgs{
		Name:        pulumi.String(name + "-restore-test"),
		Project:     pulumi.String(spec.AccountID),
		Region:      pulumi.String(spec.PrimaryRegion),
		Description: pulumi.String("restore test of " + name + ": " + strings.Join(concept.RestoreTargets(spec), ", ")),
		Schedule:    pulumi.String(UnixCron(spec.RestoreTestCron)),
		TimeZone:    pulumi.String("Etc/UTC"),
		PubsubTarget: &cloudscheduler.JobPubsubTargetArgs{
			TopicName: topic.ID(),
			Attributes: pulumi.StringMap{
				"primaryBucket": primary.Name,
				"targets":       pulumi.String(strings.Join(concept.RestoreTargets(spec), ",")),
			},
		},
	}, inPrimary...); err != nil {
		return nil, err
	}

	c.PrimaryBucket = primary.Name
	c.ReplicaBucket = replica.Name
	c.RestoreTestTopic = topic.ID().ToStringOutput()
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{
		"primaryBucket": c.PrimaryBucket, "replicaBucket": c.ReplicaBucket, "restoreTestTopic": c.RestoreTestTopic,
		"primaryRegion": pulumi.String(c.PrimaryRegion), "backupRegion": pulumi.String(c.BackupRegion),
	})
}
