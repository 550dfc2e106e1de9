// Package database is the cloud-neutral concept of a customer's Odoo database: a
// dedicated PostgreSQL instance with a dedicated user (IAM-6), encrypted with a
// managed key (ENC-2), reachable over TLS only (ENC-1), kept across zones on cloud
// and enterprise (DAT-2) and never lost by infrastructure code (BAK-6). It holds
// plain Go values and pure functions; awsdatabase and gcpdatabase build it,
// and databasetest is the conformance suite both run.
package database

import (
	"regexp"
	"strings"

	"github.com/octura/odoo-hosting/internal/names"
	"github.com/octura/odoo-hosting/internal/problems"
	"github.com/octura/odoo-hosting/internal/tier"
)

// Type is the type token of the database component, the same on every cloud: the
// implementations register it, the tests and the policies find the component by it.
const Type = "odoo-hosting:database:Database"

// Defaults; the only place they are written down.
const (
	DefaultEngineVersion         = "16"
	DefaultInstanceClass         = "db.t4g.medium"
	DefaultNonProdInstanceClass  = "db.t4g.small"
	DefaultAllocatedStorageGB    = 100
	DefaultNonProdStorageGB      = 20
	DefaultBackupRetentionDays   = 35
	DefaultDatabaseName          = "odoo"
	DefaultLogRetentionDays      = 365
	MinBackupRetentionDays       = 7
	MaxBackupRetentionDays       = 35
	MaxAllocatedStorageGB        = 65536
	MinAllocatedStorageGB        = 20
	supportedEngineVersionsLabel = "14, 15, 16, 17"
)

var supportedEngineVersions = map[string]bool{"14": true, "15": true, "16": true, "17": true}

// Spec is what a customer's database must be.
type Spec struct {
	// Customer is the customer slug ([a-z][a-z0-9-], 2 to 32 characters). Required.
	Customer string
	// Tier is cloud or enterprise. Required.
	Tier tier.Tier
	// Production marks a production database: protected by the engine (Pulumi
	// protect) against deletion and replacement (BAK-6) and sized for production.
	// Every database, production or not, has deletion protection on and keeps a
	// final snapshot (BAK-6). Default false.
	Production bool
	// EngineVersion is the PostgreSQL major version. Default "16".
	EngineVersion string
	// InstanceClass is the machine size. Default "db.t4g.medium" on production,
	// "db.t4g.small" on non-production.
	InstanceClass string
	// AllocatedStorageGB is the initial storage. Default 100 on production, 20 on
	// non-production; at least 20.
	AllocatedStorageGB int
	// MultiAZ keeps a standby in a second zone. Always true on production cloud and
	// enterprise (DAT-2), whatever is set; default false on non-production.
	MultiAZ bool
	// BackupRetentionDays is how long automated backups are kept, 7 to 35. Default 35
	// (BAK-2).
	BackupRetentionDays int
	// DatabaseName is the customer's own database ([a-z][a-z0-9_], up to 63).
	// Default "odoo".
	DatabaseName string
	// Username is the customer's dedicated application role (IAM-6): what Odoo
	// connects as, owner of DatabaseName and nothing else. Default "odoo_<customer>"
	// with every character outside [a-z0-9_] replaced by "_".
	Username string
	// MasterUsername is the instance's master user, which Odoo never uses: only the
	// setup step that keeps the application role. Default "admin_<customer>", likewise.
	MasterUsername string
	// LogRetentionDays is how long the database's exported logs are kept. Default 365.
	LogRetentionDays int
}

// WithDefaults returns s with every unset field at its default.
func (s Spec) WithDefaults() Spec {
	if s.EngineVersion == "" {
		s.EngineVersion = DefaultEngineVersion
	}
	if s.InstanceClass == "" {
		s.InstanceClass = DefaultNonProdInstanceClass
		if s.Production {
			s.InstanceClass = DefaultInstanceClass
		}
	}
	if s.AllocatedStorageGB == 0 {
		s.AllocatedStorageGB = DefaultNonProdStorageGB
		if s.Production {
			s.AllocatedStorageGB = DefaultAllocatedStorageGB
		}
	}
	if s.Production && s.Tier.RunsApplication() {
		s.MultiAZ = true // DAT-2
	}
	if s.BackupRetentionDays == 0 {
		s.BackupRetentionDays = DefaultBackupRetentionDays
	}
	if s.DatabaseName == "" {
		s.DatabaseName = DefaultDatabaseName
	}
	if s.Username == "" {
		s.Username = DefaultUsername(s.Customer)
	}
	if s.MasterUsername == "" {
		s.MasterUsername = DefaultMasterUsername(s.Customer)
	}
	if s.LogRetentionDays == 0 {
		s.LogRetentionDays = DefaultLogRetentionDays
	}
	return s
}

var nonIdent = regexp.MustCompile(`[^a-z0-9_]`)

// DefaultUsername is the dedicated user of a customer: "odoo_<customer>" with
// every character outside [a-z0-9_] replaced by "_" (IAM-6).
func DefaultUsername(customer string) string {
	return "odoo_" + nonIdent.ReplaceAllString(strings.ToLower(customer), "_")
}

// DefaultMasterUsername is the master user of a customer's instance:
// "admin_<customer>" with every character outside [a-z0-9_] replaced by "_".
func DefaultMasterUsername(customer string) string {
	return "admin_" + nonIdent.ReplaceAllString(strings.ToLower(customer), "_")
}

var (
	identRE  = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)
	classRE  = regexp.MustCompile(`^db\.[a-z0-9]+\.[a-z0-9]+$`)
	reserved = map[string]bool{"postgres": true, "rdsadmin": true, "rdsrepladmin": true, "admin": true, "root": true, "odoo": true, "template0": true, "template1": true}
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
	if !s.Tier.RunsApplication() {
		add("tier %q has no database in this project; allowed: cloud, enterprise", s.Tier)
	}
	if !supportedEngineVersions[s.EngineVersion] {
		add("engineVersion %q is not supported; allowed: %s", s.EngineVersion, supportedEngineVersionsLabel)
	}
	if !classRE.MatchString(s.InstanceClass) {
		add("instanceClass %q is not an instance class; allowed: db.<family>.<size>, such as %s", s.InstanceClass, DefaultInstanceClass)
	}
	if s.AllocatedStorageGB < MinAllocatedStorageGB || s.AllocatedStorageGB > MaxAllocatedStorageGB {
		add("allocatedStorageGB %d is out of range; allowed: %d to %d", s.AllocatedStorageGB, MinAllocatedStorageGB, MaxAllocatedStorageGB)
	}
	if s.BackupRetentionDays < MinBackupRetentionDays || s.BackupRetentionDays > MaxBackupRetentionDays {
		add("backupRetentionDays %d is out of range; allowed: %d to %d", s.BackupRetentionDays, MinBackupRetentionDays, MaxBackupRetentionDays)
	}
	if !identRE.MatchString(s.DatabaseName) || reserved[s.DatabaseName] && s.DatabaseName != DefaultDatabaseName {
		add("databaseName %q is not a database name; allowed: a lowercase letter, then up to 62 of a-z, 0-9 and _, not postgres, template0 or template1", s.DatabaseName)
	}
	if !identRE.MatchString(s.Username) || reserved[s.Username] {
		add("username %q is not a dedicated user name; allowed: a lowercase letter, then up to 62 of a-z, 0-9 and _, not a shared or administrative name such as postgres, admin or odoo", s.Username)
	}
	if !identRE.MatchString(s.MasterUsername) || reserved[s.MasterUsername] {
		add("masterUsername %q is not a master user name; allowed: a lowercase letter, then up to 62 of a-z, 0-9 and _, not postgres, admin or rdsadmin", s.MasterUsername)
	} else if s.MasterUsername == s.Username {
		add("masterUsername %q is the application role too (IAM-6: Odoo never runs as the master user); allowed: another name", s.MasterUsername)
	}
	return probs.Err()
}

// FinalSnapshotName is the snapshot taken when the instance of component name is
// deleted (BAK-6).
func FinalSnapshotName(name string) string { return name + "-final" }

// Zones is how many zones the database runs in: 2 with MultiAZ, else 1 (DAT-2).
func Zones(s Spec) int {
	if s.WithDefaults().MultiAZ {
		return 2
	}
	return 1
}
