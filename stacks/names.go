package stacks

import (
	"fmt"

	"github.com/octura/odoo-hosting/components/access"
	"github.com/octura/odoo-hosting/components/backup"
	"github.com/octura/odoo-hosting/components/keys"
	"github.com/octura/odoo-hosting/components/runtime"
	"github.com/octura/odoo-hosting/internal/config"
	"github.com/octura/odoo-hosting/internal/jurisdiction"
	"github.com/octura/odoo-hosting/internal/names"
	"github.com/octura/odoo-hosting/internal/problems"
)

// The parts of a stack whose component name carries into a physical name.
const (
	partDatabase = "db"   // the RDS instance identifier is the component name
	partRuntime  = "odoo" // the file store's creation token, the load balancer's name
)

// componentName is the name of the stack's component part: <slug>-<region>-<part>.
// Run names the components with it and checkNames checks the names they derive.
func componentName(cfg *config.Config, part string) string { return cfg.Name() + "-" + part }

// physicalName is one physical name a component will use, from the same pure
// function the component calls.
type physicalName struct {
	typ, field, value string
	autonamed         bool // value is the logical name Pulumi auto-names from
}

// physicalNames lists the physical names of bp that derive from the customer slug
// and the regions: explicit names, and the logical names Pulumi auto-names from.
func physicalNames(bp *Blueprint) []physicalName {
	cfg := bp.Config
	if cfg.Cloud == jurisdiction.GCP {
		return gcpPhysicalNames(bp)
	}
	n := backup.PhysicalNames(bp.Backup)
	out := []physicalName{
		{"aws:s3/bucketV2:BucketV2", "bucket", n.PrimaryBucket, false},
		{"aws:s3/bucketV2:BucketV2", "bucket", n.ReplicaBucket, false},
		{"aws:backup/vault:Vault", "name", n.PrimaryVault, false},
		{"aws:backup/vault:Vault", "name", n.BackupVault, false},
		{"aws:backup/plan:Plan", "name", n.Plan, false},
		{"aws:backup/restoreTestingPlan:RestoreTestingPlan", "name", n.RestoreTestingPlan, false},
		{"aws:s3/bucketV2:BucketV2", "bucket", access.AuditBucketName(bp.Access), false},
	}
	for _, target := range backup.RestoreTargets(bp.Backup) {
		out = append(out, physicalName{"aws:backup/restoreTestingSelection:RestoreTestingSelection", "name", n.RestoreTestingSelections[target], false})
	}
	if bp.Runtime != nil {
		rt := componentName(cfg, partRuntime)
		out = append(out,
			physicalName{"aws:rds/instance:Instance", "identifier", componentName(cfg, partDatabase), false},
			physicalName{"aws:efs/fileSystem:FileSystem", "creationToken", rt, false},
			physicalName{names.LoadBalancer, "name", runtime.LoadBalancerName(rt), true},
			physicalName{names.TargetGroup, "name", runtime.LoadBalancerName(rt), true},
			physicalName{names.TargetGroup, "name", runtime.WebsocketTargetGroupName(rt), true},
			physicalName{names.Role, "name", runtime.RoleName(rt, "execution"), true},
			physicalName{names.Role, "name", runtime.RoleName(rt, "task"), true},
		)
	}
	return out
}

// gcpPhysicalNames are physicalNames on gcp: the backup buckets (Cloud Storage
// names are global and carry the project), the key rings and keys where the stack
// makes its own (ENC-4: none with the customer's), and the names the wired
// database and runtime derive from the stack's name.
func gcpPhysicalNames(bp *Blueprint) []physicalName {
	n := backup.PhysicalNames(bp.Backup)
	out := []physicalName{
		{"gcp:storage/bucket:Bucket", "name", n.PrimaryBucket, false},
		{"gcp:storage/bucket:Bucket", "name", n.ReplicaBucket, false},
	}
	for _, spec := range []keys.Spec{bp.Keys, bp.BackupKeys} {
		if spec.CustomerManaged() {
			continue
		}
		out = append(out, physicalName{"gcp:kms/keyRing:KeyRing", "name", spec.Customer, false})
		for _, p := range spec.WithDefaults().Purposes {
			out = append(out, physicalName{"gcp:kms/cryptoKey:CryptoKey", "name", spec.Alias(p), false})
		}
	}
	if bp.Runtime != nil {
		cfg := bp.Config
		out = append(out,
			physicalName{"gcp:sql/databaseInstance:DatabaseInstance", "name", componentName(cfg, partDatabase), false},
			physicalName{names.GCPRuntimeComponent, "name", componentName(cfg, partRuntime), false},
		)
	}
	return out
}

// checkNames reports every physical name of bp that its cloud would refuse, under the
// customer field that the name derives from, before anything is registered.
func checkNames(bp *Blueprint) problems.List {
	var probs problems.List
	cfg := bp.Config
	for _, pn := range physicalNames(bp) {
		l, ok := names.Lookup(pn.typ, pn.field)
		if !ok {
			continue
		}
		name, why := pn.value, ""
		if pn.autonamed {
			name = pn.value + "-<7 hex>"
			why = l.CheckAutonamed(pn.value)
		} else {
			why = l.Check(pn.value)
		}
		if why == "" {
			continue
		}
		allowed := l.Allowed
		if over := len(pn.value) - l.Max; over > 0 || (pn.autonamed && len(pn.value)+names.AutonameSuffix > l.Max) {
			if pn.autonamed {
				over = len(pn.value) + names.AutonameSuffix - l.Max
			}
			allowed = fmt.Sprintf("a customer slug of at most %d characters in region %s", max(len(cfg.Customer)-over, 0), cfg.Region)
		}
		probs = append(probs, problems.Problem{
			Field: "customer", Value: cfg.Customer,
			Reason:  fmt.Sprintf("makes the %s %q, which %s (%s)", l.What, name, why, l.Source),
			Allowed: allowed,
		})
	}
	return probs
}
