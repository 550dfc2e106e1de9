// Package ops is the cloud-neutral operations watch of one customer stack (OPS-1,
// OPS-2): who is told when a promise fails, which failures raise an alert, and the
// threat detection every cloud and enterprise account runs. It imports no cloud SDK;
// awsops builds it.
package ops

import (
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/octura/odoo-hosting/internal/jurisdiction"
	"github.com/octura/odoo-hosting/internal/names"
	"github.com/octura/odoo-hosting/internal/problems"
)

// Type is the component's type token.
const Type = "odoo-hosting:ops:Operations"

// Signal is one kind of failure that raises an alert (OPS-1) or a finding that
// does (OPS-2).
type Signal string

// The signals, each tied to the promise whose failure it reports.
const (
	BackupFailed        Signal = "backup-failed"        // a backup job failed or was aborted (BAK-1)
	BackupMissed        Signal = "backup-missed"        // a backup job expired before it could start (BAK-1)
	CopyFailed          Signal = "copy-failed"          // a copy to the backup region failed (RES-3)
	RestoreTestFailed   Signal = "restore-test-failed"  // a restore (test) job failed (BAK-4)
	ReplicationFailed   Signal = "replication-failed"   // object replication to the backup region failed (RES-3)
	ReplicationBehind   Signal = "replication-behind"   // object replication lags (RES-3)
	AppUnhealthy        Signal = "app-unhealthy"        // the load balancer has no healthy Odoo task (DAT-2)
	DatabaseUnhealthy   Signal = "database-unhealthy"   // the database failed, failed over or runs out of storage (DAT-2)
	CertificateExpiring Signal = "certificate-expiring" // the origin certificate expires within WarningDays (ENC-1)
	ApprovalExpiring    Signal = "approval-expiring"    // a cross-border approval expires within WarningDays (RES-4)
	ThreatFound         Signal = "threat-found"         // the cloud's threat detection reports a high-severity finding (OPS-2)
)

// Defaults and bounds, in one place.
const (
	// DefaultWarningDays is how long before an expiry the contacts are told.
	DefaultWarningDays = 30
	// MinWarningDays and MaxWarningDays bound WarningDays.
	MinWarningDays = 7
	MaxWarningDays = 90
	// MaxContacts is the most addresses a stack names (use a distribution list).
	MaxContacts = 10
	// ReplicationLagSeconds is the replication latency that raises ReplicationBehind:
	// an hour, the cloud tiers' RPO (BAK-1).
	ReplicationLagSeconds = 3600
	// ThreatSeverity is the lowest threat-detection finding severity that alerts
	// (GuardDuty's "high" band starts at 7).
	ThreatSeverity = 7
)

// Expiry is a dated promise: an approval that ends.
type Expiry struct {
	// ID names it in the alert, e.g. the approval's ID.
	ID string
	// At is the first instant it is no longer valid.
	At time.Time
}

// Spec is the operations watch of one customer stack.
type Spec struct {
	// Customer is the customer slug; the alert topic is "<customer>-alerts". Required.
	Customer string
	// Cloud is the cloud. Default "aws".
	Cloud jurisdiction.Cloud
	// Region is where the alert channel lives: the stack's primary region. Required.
	Region string
	// Jurisdiction, when set, is the jurisdiction Region must lie in. Default unset.
	Jurisdiction jurisdiction.Jurisdiction
	// Contacts are the e-mail addresses told of every alert. Required: 1 to 10.
	Contacts []string
	// WarningDays is how long before an expiry the contacts are told. Default 30; 7 to 90.
	WarningDays int
	// Approvals are the approvals whose expiry is announced. Default none.
	Approvals []Expiry
	// Now is the time warnings are scheduled from (a warning already due is sent the
	// next day). Required when Approvals is not empty.
	Now time.Time
	// Application says the stack runs Odoo and its database here (cloud, enterprise):
	// the app, database and certificate signals apply. Default false.
	Application bool
	// Replication says backup files are replicated object by object to the backup
	// region. Default false.
	Replication bool
	// ThreatDetection turns the cloud's threat detection on (OPS-2: every cloud and
	// enterprise account). Default false.
	ThreatDetection bool
	// Production protects the alert channel from deletion where the cloud keeps
	// messages in it (BAK-6: the Pub/Sub topics on Google Cloud). Default false.
	Production bool
}

// WithDefaults returns a copy of s with every unset field at its default.
func (s Spec) WithDefaults() Spec {
	if s.Cloud == "" {
		s.Cloud = jurisdiction.AWS
	}
	if s.WarningDays == 0 {
		s.WarningDays = DefaultWarningDays
	}
	s.Contacts = slices.Clone(s.Contacts)
	s.Approvals = slices.Clone(s.Approvals)
	return s
}

// TopicName is the name of the alert channel.
func (s Spec) TopicName() string { return s.Customer + "-alerts" }

// Signals lists the signals the stack watches, in a stable order.
func (s Spec) Signals() []Signal {
	out := []Signal{BackupFailed, BackupMissed, CopyFailed, RestoreTestFailed}
	if s.Replication {
		out = append(out, ReplicationFailed, ReplicationBehind)
	}
	if s.Application {
		out = append(out, AppUnhealthy, DatabaseUnhealthy, CertificateExpiring)
	}
	if len(s.Approvals) > 0 {
		out = append(out, ApprovalExpiring)
	}
	if s.ThreatDetection {
		out = append(out, ThreatFound)
	}
	return out
}

// WarnAt is when the warning of an expiry at is sent: warningDays before it, at
// 09:00 UTC; a warning already due at now is sent at 09:00 UTC the next day.
func WarnAt(at time.Time, warningDays int, now time.Time) time.Time {
	day := func(t time.Time) time.Time {
		t = t.UTC()
		return time.Date(t.Year(), t.Month(), t.Day(), 9, 0, 0, 0, time.UTC)
	}
	w := day(at.AddDate(0, 0, -warningDays))
	if !w.After(now) {
		w = day(now.AddDate(0, 0, 1))
	}
	return w
}

// Validate returns every problem of the spec (with defaults applied) at once, each
// naming the field, the value and what is allowed; nil when the spec is valid.
func (s Spec) Validate() error {
	s = s.WithDefaults()
	var probs problems.List
	add := probs.Linef
	if !names.ValidSlug(s.Customer) {
		add("customer %q is not a slug; allowed: %s", s.Customer, names.SlugRule)
	}
	region, ok := jurisdiction.Lookup(s.Cloud, s.Region)
	switch {
	case !ok:
		add("region %q is not a known %s region; allowed: a region of the jurisdiction model", s.Region, s.Cloud)
	case s.Jurisdiction != "" && !region.In(s.Jurisdiction):
		add("region %q (%s, %s) is outside jurisdiction %s; allowed: a region of %s (OPS-1: the alert channel stays in the jurisdiction)",
			s.Region, region.City, region.Country, s.Jurisdiction, s.Jurisdiction)
	}
	if len(s.Contacts) == 0 || len(s.Contacts) > MaxContacts {
		add("contacts has %d addresses; allowed: 1 to %d (OPS-1)", len(s.Contacts), MaxContacts)
	}
	for i, c := range s.Contacts {
		if a, err := mail.ParseAddress(c); err != nil || a.Name != "" || a.Address != c || !strings.Contains(c[strings.LastIndex(c, "@")+1:], ".") {
			add("contacts[%d] %q is not an e-mail address; allowed: a plain address such as ops@example.com", i, c)
		}
	}
	if s.WarningDays < MinWarningDays || s.WarningDays > MaxWarningDays {
		add("warningDays %d is out of range; allowed: %d to %d", s.WarningDays, MinWarningDays, MaxWarningDays)
	}
	for i, a := range s.Approvals {
		if strings.TrimSpace(a.ID) == "" {
			add("approvals[%d] has no ID; allowed: the approval's reference", i)
		}
		if a.At.IsZero() {
			add("approvals[%d] %q has no expiry; allowed: the first instant it is no longer valid", i, a.ID)
		}
	}
	if len(s.Approvals) > 0 && s.Now.IsZero() {
		add("now is unset; allowed: the time warnings are scheduled from")
	}
	return probs.Err()
}
