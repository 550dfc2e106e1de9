package policies

import (
	"fmt"
	"strings"

	"github.com/octura/odoo-hosting/internal/tier"
)

// cronHours returns the interval in hours between runs of an AWS schedule
// expression: cron(m h dom mon dow y) or rate(n unit).
func cronHours(expr string) (float64, bool) {
	expr = strings.TrimSpace(expr)
	if strings.HasPrefix(expr, "rate(") && strings.HasSuffix(expr, ")") {
		f := strings.Fields(strings.TrimSuffix(strings.TrimPrefix(expr, "rate("), ")"))
		if len(f) != 2 {
			return 0, false
		}
		n, ok := number(f[0])
		if !ok || n <= 0 {
			return 0, false
		}
		switch strings.TrimSuffix(f[1], "s") {
		case "minute":
			return n / 60, true
		case "hour":
			return n, true
		case "day":
			return n * 24, true
		}
		return 0, false
	}
	if !strings.HasPrefix(expr, "cron(") || !strings.HasSuffix(expr, ")") {
		return 0, false
	}
	f := strings.Fields(strings.TrimSuffix(strings.TrimPrefix(expr, "cron("), ")"))
	if len(f) != 6 {
		return 0, false
	}
	hour, dom, mon, dow := f[1], f[2], f[3], f[4]
	wild := func(s string) bool { return s == "*" || s == "?" }
	if !wild(mon) {
		if strings.Contains(mon, "/") {
			_, step, _ := strings.Cut(mon, "/")
			n, ok := number(step)
			return n * 730, ok
		}
		return 8760 / float64(strings.Count(mon, ",")+1), true
	}
	if !wild(dom) {
		return 730, true
	}
	if !wild(dow) {
		return 168 / float64(strings.Count(dow, ",")+1), true
	}
	switch {
	case hour == "*":
		return 1, true
	case strings.Contains(hour, "/"):
		_, step, _ := strings.Cut(hour, "/")
		n, ok := number(step)
		return n, ok && n > 0
	case strings.Contains(hour, ","):
		return 24 / float64(strings.Count(hour, ",")+1), true
	}
	if _, ok := number(hour); ok {
		return 24, true
	}
	return 0, false
}

// tierRPO is the most hours a tier may lose (BAK-1), from the tier model; 0 when
// the stack must state it (on-premise) or the tier is unknown.
func tierRPO(t string) float64 { return float64(tier.Tier(t).RPOHours(0)) }

func (e *env) root() *Resource {
	if e.stack.Source == "" {
		return &Resource{URN: "configuration"}
	}
	return &Resource{URN: e.stack.Source}
}

func bak1(e *env) []Violation {
	s := e.stack
	var out []Violation
	plans := e.byType["aws:backup/plan:Plan"]
	data := e.dataResources()
	if len(data) == 0 && len(plans) == 0 {
		return nil
	}
	rpo := tierRPO(s.Tier)
	switch {
	case s.Tier == "":
		return append(out, violation("BAK-1", e.root(), "none", "a tier (odoo-sh, cloud, enterprise, on-premise)", "the plan declares no tier, so its recovery point objective is unknown"))
	case s.Tier == "on-premise":
		if s.Backup.RPOHours <= 0 || s.Backup.RTOHours <= 0 {
			out = append(out, violation("BAK-1", e.root(), fmt.Sprintf("rpoHours %v, rtoHours %v", s.Backup.RPOHours, s.Backup.RTOHours), "both given", "an on-premise stack must state its RPO and RTO (backup.rpoHours, backup.rtoHours)"))
		}
		rpo = s.Backup.RPOHours
	case s.Backup.RPOHours > rpo:
		out = append(out, violation("BAK-1", e.root(), s.Backup.RPOHours, fmt.Sprintf("at most %v hours", rpo), "backup.rpoHours %v is looser than the %s tier's %v hours", s.Backup.RPOHours, s.Tier, rpo))
	}
	if s.Backup.RPOHours > 0 && s.Backup.RPOHours < rpo {
		rpo = s.Backup.RPOHours
	}
	for _, db := range e.byType["aws:rds/instance:Instance"] {
		if n, ok := number(db.Inputs["backupRetentionPeriod"]); !ok || n < 1 {
			out = append(out, violation("BAK-1", db, db.Inputs["backupRetentionPeriod"], "at least 1 (automated backups with point-in-time recovery)", "database %s has no automated backups", db.Name()))
		}
	}
	out = append(out, gcpBak1(e, rpo)...)
	if e.stack.Source != "" && !e.partial() && e.stack.Cloud == "aws" && len(plans) == 0 && (s.Tier == "cloud" || s.Tier == "enterprise") {
		out = append(out, violation("BAK-1", e.root(), "none", "an aws:backup/plan:Plan", "the stack has no backup plan"))
	}
	for _, p := range plans {
		best, any := 0.0, false
		for _, rule := range list(p.Inputs["rules"]) {
			m := mapOf(rule)
			if truthy(m["enableContinuousBackup"]) {
				best, any = 0.1, true
				continue
			}
			h, ok := cronHours(show(m["schedule"]))
			if !ok {
				out = append(out, violation("BAK-1", p, m["schedule"], "cron(...) or rate(...)", "rule %s has schedule %s, which cannot be read", show(m["ruleName"]), describe(m["schedule"])))
				continue
			}
			if !any || h < best {
				best, any = h, true
			}
		}
		if !any {
			continue
		}
		if rpo > 0 && best > rpo {
			out = append(out, violation("BAK-1", p, fmt.Sprintf("every %v h", best), fmt.Sprintf("at least every %v h", rpo), "the most frequent backup runs every %v hours; the %s tier's RPO is %v hours", best, s.Tier, rpo))
		}
	}
	return out
}

func (e *env) retentionDays() float64 {
	if e.stack.Backup.RetentionDays > 0 {
		return e.stack.Backup.RetentionDays
	}
	return 35
}

// gfsClasses are the classes of a grandfather-father-son plan, shortest first, and
// gfsKeep the days each class keeps at least (BAK-2: 7 daily, 4 weekly, 3 monthly).
var (
	gfsClasses = []string{"daily", "weekly", "monthly"}
	gfsKeep    = map[string]float64{"daily": 7, "weekly": 28, "monthly": 90}
)

// gfsClass is the GFS class of a backup rule, from its name (containing "daily",
// "weekly" or "monthly") and from its schedule (at most a day apart: daily; at most
// a week: weekly; longer: monthly). When the two disagree the longer class wins;
// a rule that names no class and has no readable schedule is judged as daily.
func gfsClass(name, schedule string) string {
	rank := 0
	n := strings.ToLower(name)
	for i, c := range gfsClasses {
		if strings.Contains(n, c) && i > rank {
			rank = i
		}
	}
	if h, ok := cronHours(schedule); ok {
		byCron := 0
		switch {
		case h > 168:
			byCron = 2
		case h > 24:
			byCron = 1
		}
		if byCron > rank {
			rank = byCron
		}
	}
	return gfsClasses[rank]
}

// maxContinuousDays is the longest AWS Backup keeps continuous backups (AWS Backup
// Developer Guide, "Continuous backups and point-in-time recovery").
const maxContinuousDays = 35

func bak2(e *env) []Violation {
	var out []Violation
	want := e.retentionDays()
	for _, p := range e.byType["aws:backup/plan:Plan"] {
		if e.stack.Backup.GFS {
			out = append(out, bak2GFS(p)...)
			continue
		}
		longest := 0.0
		for _, rule := range list(p.Inputs["rules"]) {
			m := mapOf(rule)
			d, ok := number(get(m, "lifecycle.deleteAfter"))
			if !ok {
				continue // kept forever: BAK-5
			}
			// AWS Backup keeps continuous (point-in-time) recovery points at most 35
			// days: a continuous rule at that cap keeps its backups as long as its
			// copies do.
			capped := truthy(m["enableContinuousBackup"]) && d >= maxContinuousDays
			for _, ca := range list(m["copyActions"]) {
				cd, ok := number(get(mapOf(ca), "lifecycle.deleteAfter"))
				if ok && cd < want {
					out = append(out, violation("BAK-2", p, cd, fmt.Sprintf("at least %v days", want), "copies of rule %s are deleted after %v days", show(m["ruleName"]), cd))
				}
				if ok && capped && cd > d {
					d = cd
				}
			}
			if d > longest {
				longest = d
			}
		}
		if longest > 0 && longest < want {
			out = append(out, violation("BAK-2", p, longest, fmt.Sprintf("at least %v days", want), "backups are kept %v days at most", longest))
		}
	}
	for _, db := range e.byType["aws:rds/instance:Instance"] {
		if n, ok := number(db.Inputs["backupRetentionPeriod"]); ok && n >= 1 && n < minF(want, 35) {
			out = append(out, violation("BAK-2", db, n, fmt.Sprintf("at least %v", minF(want, 35)), "database %s keeps automated backups %v days", db.Name(), n))
		}
	}
	return append(out, gcpBak2(e, want)...)
}

// bak2GFS judges a backup plan of a grandfather-father-son stack per class: it has a
// daily, a weekly and a monthly rule, and every rule and every copy keeps at least
// its class's days (7, 28, 90). backup.retentionDays (the longest class) is not
// demanded of every rule; the upper bound is BAK-5's.
func bak2GFS(p *Resource) []Violation {
	var out []Violation
	have := map[string]bool{}
	for _, rule := range list(p.Inputs["rules"]) {
		m := mapOf(rule)
		name := show(m["ruleName"])
		class := gfsClass(name, show(m["schedule"]))
		have[class] = true
		need := gfsKeep[class]
		if d, ok := number(get(m, "lifecycle.deleteAfter")); ok && d < need {
			out = append(out, violation("BAK-2", p, d, fmt.Sprintf("at least %v days (%s GFS copies)", need, class), "%s rule %s keeps backups %v days; grandfather-father-son keeps %s copies at least %v days", class, name, d, class, need))
		}
		for _, ca := range list(m["copyActions"]) {
			if cd, ok := number(get(mapOf(ca), "lifecycle.deleteAfter")); ok && cd < need {
				out = append(out, violation("BAK-2", p, cd, fmt.Sprintf("at least %v days (%s GFS copies)", need, class), "copies of %s rule %s are deleted after %v days; grandfather-father-son keeps %s copies at least %v days", class, name, cd, class, need))
			}
		}
	}
	for _, k := range gfsClasses {
		if !have[k] {
			out = append(out, violation("BAK-2", p, "no "+k+" rule", fmt.Sprintf("a %s rule kept %v days (7 daily, 4 weekly, 3 monthly)", k, gfsKeep[k]), "grandfather-father-son is configured but the plan has no %s rule", k))
		}
	}
	return out
}

// lockDays is how long a backup bucket's default object lock must keep every copy
// immutable (BAK-3): the retention, or under GFS the shortest class (daily, 7 days),
// since the writer locks weekly and monthly copies per object for their class.
func (e *env) lockDays() (float64, string) {
	if e.stack.Backup.GFS {
		return gfsKeep["daily"], "the shortest grandfather-father-son class (daily)"
	}
	return e.retentionDays(), "their retention"
}

func minF(a, b float64) float64 {
	if a < b {
		return a
	}
	return b
}

// backupBuckets are the S3 buckets that hold backups: named so, or replication destinations.
func (e *env) backupBuckets() []*Resource {
	var out []*Resource
	seen := map[*Resource]bool{}
	for _, b := range e.s3Buckets() {
		if strings.Contains(strings.ToLower(b.Name()), "backup") {
			out = append(out, b)
			seen[b] = true
		}
	}
	for _, c := range e.copies() {
		if c.r.Type != "aws:s3/bucketReplicationConfig:BucketReplicationConfig" {
			continue
		}
		for _, rule := range list(c.r.Inputs["rules"]) {
			for _, b := range e.lookup(text(get(mapOf(rule), "destination.bucket"))) {
				if !seen[b] && strings.HasPrefix(b.Type, "aws:s3/bucket") {
					out = append(out, b)
					seen[b] = true
				}
			}
		}
	}
	return out
}

func bak3(e *env) []Violation {
	var out []Violation
	for _, b := range e.s3Buckets() {
		versioned := truthy(get(b.Inputs, "versioning.enabled"))
		for _, v := range e.attached(b, "aws:s3/bucketVersioningV2:BucketVersioningV2", "bucket") {
			st := get(v.Inputs, "versioningConfiguration.status")
			versioned = versioned || text(st) == "Enabled" || isUnknown(st)
		}
		if !versioned {
			out = append(out, violation("BAK-3", b, "not versioned", "versioning Enabled", "bucket %s is not versioned", b.Name()))
		}
		pab := e.attached(b, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "bucket")
		blocked := false
		for _, p := range pab {
			all := true
			for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
				all = all && truthy(p.Inputs[k])
			}
			blocked = blocked || all
		}
		if !blocked {
			out = append(out, violation("BAK-3", b, "public access not blocked", "a public access block with all four settings true", "bucket %s does not block public access", b.Name()))
		}
		for _, a := range e.attached(b, "aws:s3/bucketAclV2:BucketAclV2", "bucket") {
			if acl := text(a.Inputs["acl"]); strings.HasPrefix(acl, "public") {
				out = append(out, violation("BAK-3", a, acl, "private", "bucket ACL %s makes backups public", acl))
			}
		}
	}
	for _, b := range e.backupBuckets() {
		locked := truthy(b.Inputs["objectLockEnabled"])
		mode := ""
		for _, l := range e.attached(b, "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2", "bucket") {
			mode = text(get(l.Inputs, "rule.defaultRetention.mode"))
			days, _ := number(get(l.Inputs, "rule.defaultRetention.days"))
			// Only COMPLIANCE is immutable: a GOVERNANCE lock can be lifted by anyone
			// granted s3:BypassGovernanceRetention (S3 Object Lock retention modes).
			if mode == "COMPLIANCE" {
				if need, what := e.lockDays(); days > 0 && days < need {
					out = append(out, violation("BAK-3", l, days, fmt.Sprintf("at least %v days", need), "object lock keeps backups immutable %v days, shorter than %s", days, what))
				}
			}
		}
		if locked && mode == "GOVERNANCE" {
			out = append(out, violation("BAK-3", b, "GOVERNANCE", "object lock in COMPLIANCE mode",
				"backup bucket %s is locked in GOVERNANCE mode, which anyone granted s3:BypassGovernanceRetention can lift", b.Name()))
		} else if !locked || mode != "COMPLIANCE" {
			out = append(out, violation("BAK-3", b, "not immutable", "objectLockEnabled true and a default retention (COMPLIANCE)", "backup bucket %s is not immutable (object lock)", b.Name()))
		}
		if key, enc, _ := e.keyRef(b); !enc || key == nil {
			out = append(out, violation("BAK-3", b, "unencrypted", "SSE-KMS", "backup bucket %s is not encrypted with a managed key", b.Name()))
		}
	}
	for _, v := range e.byType["aws:backup/vault:Vault"] {
		if len(e.attached(v, "aws:backup/vaultLockConfiguration:VaultLockConfiguration", "backupVaultName")) == 0 {
			out = append(out, violation("BAK-3", v, "no vault lock", "an aws:backup/vaultLockConfiguration:VaultLockConfiguration", "backup vault %s is not locked (immutable)", v.Name()))
		}
		if v.Inputs["kmsKeyArn"] == nil {
			out = append(out, violation("BAK-3", v, "missing", "kmsKeyArn", "backup vault %s is not encrypted with a managed key", v.Name()))
		}
	}
	return append(out, gcpBak3(e)...)
}

func bak4(e *env) []Violation {
	var out []Violation
	plans := e.byType["aws:backup/plan:Plan"]
	tests := e.byType["aws:backup/restoreTestingPlan:RestoreTestingPlan"]
	if len(plans) > 0 && len(tests) == 0 {
		out = append(out, violation("BAK-4", plans[0], "none", "an aws:backup/restoreTestingPlan:RestoreTestingPlan at least quarterly", "backups are taken but restores are never tested"))
	}
	for _, t := range tests {
		expr := t.Inputs["scheduleExpression"]
		h, ok := cronHours(show(expr))
		switch {
		case !ok:
			out = append(out, violation("BAK-4", t, expr, "cron(...) at least quarterly", "restore test schedule %s cannot be read", describe(expr)))
		case h > 92*24:
			out = append(out, violation("BAK-4", t, expr, "at least quarterly", "restore tests run every %.0f days", h/24))
		}
		if len(e.attached(t, "aws:backup/restoreTestingSelection:RestoreTestingSelection", "restoreTestingPlanName")) == 0 {
			out = append(out, violation("BAK-4", t, "no selection", "an aws:backup/restoreTestingSelection:RestoreTestingSelection", "restore testing plan %s selects nothing to restore", t.Name()))
		}
	}
	return append(out, gcpBak4(e)...)
}

func bak5(e *env) []Violation {
	var out []Violation
	if e.stack.Backup.RetentionDays > 365 {
		out = append(out, violation("BAK-5", e.root(), e.stack.Backup.RetentionDays, "at most 365 days", "backup.retentionDays exceeds 12 months"))
	}
	for _, p := range e.byType["aws:backup/plan:Plan"] {
		for _, rule := range list(p.Inputs["rules"]) {
			m := mapOf(rule)
			d := get(m, "lifecycle.deleteAfter")
			if n, ok := number(d); !ok || n > 365 {
				out = append(out, violation("BAK-5", p, d, "lifecycle.deleteAfter at most 365", "backups of rule %s are kept %s", show(m["ruleName"]), keptFor(d)))
			}
			for _, ca := range list(m["copyActions"]) {
				cd := get(mapOf(ca), "lifecycle.deleteAfter")
				if n, ok := number(cd); !ok || n > 365 {
					out = append(out, violation("BAK-5", p, cd, "copyActions[].lifecycle.deleteAfter at most 365", "copies of rule %s are kept %s", show(m["ruleName"]), keptFor(cd)))
				}
			}
		}
	}
	for _, b := range e.backupBuckets() {
		days := -1.0
		for _, lc := range e.attached(b, "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", "bucket") {
			for _, rule := range list(lc.Inputs["rules"]) {
				m := mapOf(rule)
				if text(m["status"]) != "Enabled" {
					continue
				}
				for _, p := range []string{"expiration.days", "noncurrentVersionExpiration.noncurrentDays"} {
					if n, ok := number(get(m, p)); ok && n > days {
						days = n
					}
				}
			}
		}
		if days < 0 || days > 365 {
			out = append(out, violation("BAK-5", b, keptFor(days), "a lifecycle rule expiring objects and noncurrent versions within 365 days", "backup bucket %s keeps objects %s", b.Name(), keptFor(days)))
		}
	}
	for _, l := range e.byType["aws:backup/vaultLockConfiguration:VaultLockConfiguration"] {
		if n, ok := number(l.Inputs["maxRetentionDays"]); !ok || n > 365 {
			out = append(out, violation("BAK-5", l, l.Inputs["maxRetentionDays"], "maxRetentionDays at most 365", "vault lock allows backups to be kept %s", keptFor(l.Inputs["maxRetentionDays"])))
		}
	}
	for _, b := range e.gcpBackupBuckets() {
		out = append(out, gcpBak5(b)...)
	}
	return out
}

func keptFor(v any) string {
	if n, ok := number(v); ok && n >= 0 {
		return fmt.Sprintf("%v days", n)
	}
	if isUnknown(v) {
		return "for an unknown time"
	}
	return "forever"
}

func bak6(e *env) []Violation {
	var out []Violation
	for _, r := range e.dataResources() {
		if r.RetainOnDelete != nil && !*r.RetainOnDelete {
			out = append(out, violation("BAK-6", r, "retainOnDelete false", "retainOnDelete true", "%s %s is deleted with the stack (retainOnDelete false)", dataTypes[r.Type].kind, r.Name()))
		}
		if e.stack.Production() && r.Protect != nil && !*r.Protect {
			out = append(out, violation("BAK-6", r, "protect false", "protect true on production", "production %s %s is not protected", dataTypes[r.Type].kind, r.Name()))
		}
		if truthy(r.Inputs["forceDestroy"]) {
			out = append(out, violation("BAK-6", r, "forceDestroy true", "forceDestroy false", "%s can be destroyed with its contents", r.Name()))
		}
	}
	for _, db := range append(append([]*Resource(nil), e.byType["aws:rds/instance:Instance"]...), e.byType["aws:rds/cluster:Cluster"]...) {
		if v := db.Inputs["deletionProtection"]; !truthy(v) && !isUnknown(v) {
			out = append(out, violation("BAK-6", db, v, "deletionProtection true", "database %s has deletionProtection %s", db.Name(), describe(v)))
		}
		if truthy(db.Inputs["skipFinalSnapshot"]) {
			out = append(out, violation("BAK-6", db, true, "skipFinalSnapshot false with a finalSnapshotIdentifier", "database %s skips its final snapshot", db.Name()))
		} else if db.Inputs["finalSnapshotIdentifier"] == nil {
			out = append(out, violation("BAK-6", db, "missing", "finalSnapshotIdentifier", "database %s names no final snapshot", db.Name()))
		}
	}
	for _, db := range e.byType["gcp:sql/databaseInstance:DatabaseInstance"] {
		if v, ok := db.Inputs["deletionProtection"].(bool); ok && !v {
			out = append(out, violation("BAK-6", db, false, "deletionProtection true", "database %s has deletionProtection false", db.Name()))
		}
	}
	return out
}
