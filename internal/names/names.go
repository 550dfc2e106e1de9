// Package names is what AWS and Google Cloud accept as a physical name, per resource
// type and input field, and the pure helpers that keep a derived name inside its limit. It uses the
// standard library only: the stack build checks the names the components will use
// against it at configuration time, and the tests check every name of every planned
// stack against the same table.
package names

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
)

// AutonameSuffix is how many characters Pulumi adds to a logical name when it
// auto-names a resource: a "-" and 7 random hex digits (pulumi-terraform-bridge,
// tfbridge.AutoName: Separator "-", Randlen 7). A prefix too long for the field's
// maximum fails the preview.
const AutonameSuffix = 8

// PrefixSuffix is how many characters the AWS provider adds to a name_prefix
// (terraform-plugin-sdk id.PrefixedUniqueId: a 26-character unique suffix).
const PrefixSuffix = 26

// Limit is what AWS accepts in one name field of one resource type.
type Limit struct {
	Type      string         // Pulumi type token, such as aws:lb/loadBalancer:LoadBalancer
	Field     string         // the input holding the physical name, such as name
	What      string         // what the name names, for messages: "load balancer name"
	Min, Max  int            // length bounds, in characters
	Alphabet  *regexp.Regexp // the whole name must match
	Allowed   string         // the alphabet in words, for messages
	Autonamed bool           // Pulumi names it <logical name>-<7 hex> when the field is unset
	Source    string         // where AWS says so
}

var (
	lbAlphabet       = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$`)
	vaultAlphabet    = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
	planAlphabet     = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)
	wordAlphabet     = regexp.MustCompile(`^[A-Za-z0-9_]+$`)
	bucketAlphabet   = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*[a-z0-9]$`)
	rdsAlphabet      = regexp.MustCompile(`^[A-Za-z]([A-Za-z0-9-]*[A-Za-z0-9])?$`)
	iamAlphabet      = regexp.MustCompile(`^[A-Za-z0-9_+=,.@-]+$`)
	efsTokenAlphabet = regexp.MustCompile(`^[\x21-\x7e]+$`)
	// Google Cloud alphabets.
	rfc1035Alphabet   = regexp.MustCompile(`^[a-z]([-a-z0-9]*[a-z0-9])?$`)
	gcsBucketAlphabet = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]*[a-z0-9]$`)
	kmsIDAlphabet     = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
	logBucketAlphabet = regexp.MustCompile(`^[A-Za-z0-9-][A-Za-z0-9_-]*$`)
	sinkAlphabet      = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)
)

// GCPRuntimeComponent stands for the GCP runtime component in the table: its name
// is the stem of its children's Compute Engine names.
const GCPRuntimeComponent = "gcpruntime component"

// computeName is the limit of a Compute Engine resource's name (RFC 1035: 1 to 63
// characters, a lowercase letter first, lowercase letters, digits and hyphens, no
// trailing hyphen; Compute Engine "Naming resources", resource-name-format).
func computeName(typ, what string) Limit {
	return Limit{Type: typ, Field: "name", What: what, Min: 1, Max: 63, Alphabet: rfc1035Alphabet,
		Allowed: "a lowercase letter, then lowercase letters, digits and hyphens, not ending with a hyphen", Autonamed: true,
		Source: "Compute Engine documentation, Naming resources: resource name format [a-z]([-a-z0-9]*[a-z0-9])?, 1 to 63 characters"}
}

// Limits are the name limits of every length-limited AWS resource type the
// components create. Types whose names allow 128 characters or more are left out.
var Limits = []Limit{
	{Type: "aws:lb/loadBalancer:LoadBalancer", Field: "name", What: "load balancer name", Min: 1, Max: 32,
		Alphabet: lbAlphabet, Allowed: "letters, digits and hyphens, not first or last, not starting internal-", Autonamed: true,
		Source: "Elastic Load Balancing API Reference, CreateLoadBalancer, Name"},
	{Type: "aws:lb/targetGroup:TargetGroup", Field: "name", What: "target group name", Min: 1, Max: 32,
		Alphabet: lbAlphabet, Allowed: "letters, digits and hyphens, not first or last", Autonamed: true,
		Source: "Elastic Load Balancing API Reference, CreateTargetGroup, Name"},
	{Type: "aws:backup/vault:Vault", Field: "name", What: "backup vault name", Min: 2, Max: 50,
		Alphabet: vaultAlphabet, Allowed: "letters, digits, hyphens and underscores", Autonamed: true,
		Source: "AWS Backup API Reference, CreateBackupVault, backupVaultName pattern ^[a-zA-Z0-9\\-\\_]{2,50}$"},
	{Type: "aws:backup/plan:Plan", Field: "name", What: "backup plan name", Min: 1, Max: 50,
		Alphabet: planAlphabet, Allowed: "letters, digits and -_.", Autonamed: true,
		Source: "AWS Backup API Reference, BackupPlanInput, BackupPlanName: 1 to 50 alphanumeric or '-_.' characters"},
	{Type: "aws:backup/selection:Selection", Field: "name", What: "backup selection name", Min: 1, Max: 50,
		Alphabet: planAlphabet, Allowed: "letters, digits and -_.", Autonamed: true,
		Source: "AWS Backup API Reference, CreateBackupSelection, SelectionName: 1 to 50 alphanumeric or '-_.' characters"},
	{Type: "aws:backup/restoreTestingPlan:RestoreTestingPlan", Field: "name", What: "restore testing plan name", Min: 1, Max: 50,
		Alphabet: wordAlphabet, Allowed: "letters, digits and underscores only",
		Source: "AWS Backup API Reference, CreateRestoreTestingPlan, RestoreTestingPlanName: alphanumeric characters and underscores, maximum length 50"},
	{Type: "aws:backup/restoreTestingSelection:RestoreTestingSelection", Field: "name", What: "restore testing selection name", Min: 1, Max: 50,
		Alphabet: wordAlphabet, Allowed: "letters, digits and underscores only",
		Source: "AWS Backup API Reference, RestoreTestingSelectionForList, RestoreTestingSelectionName: alphanumeric characters and underscores, maximum length 50"},
	{Type: "aws:s3/bucketV2:BucketV2", Field: "bucket", What: "S3 bucket name", Min: 3, Max: 63,
		Alphabet: bucketAlphabet, Allowed: "lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit", Autonamed: true,
		Source: "Amazon S3 User Guide, General purpose bucket naming rules"},
	{Type: "aws:s3/bucket:Bucket", Field: "bucket", What: "S3 bucket name", Min: 3, Max: 63,
		Alphabet: bucketAlphabet, Allowed: "lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit", Autonamed: true,
		Source: "Amazon S3 User Guide, General purpose bucket naming rules"},
	{Type: "aws:rds/instance:Instance", Field: "identifier", What: "RDS instance identifier", Min: 1, Max: 63,
		Alphabet: rdsAlphabet, Allowed: "letters, digits and hyphens, starting with a letter, not ending with a hyphen, no two hyphens in a row", Autonamed: true,
		Source: "Amazon RDS API Reference, CreateDBInstance, DBInstanceIdentifier"},
	{Type: "aws:iam/role:Role", Field: "name", What: "IAM role name", Min: 1, Max: 64,
		Alphabet: iamAlphabet, Allowed: "letters, digits and _+=,.@-", Autonamed: true,
		Source: "IAM API Reference, CreateRole, RoleName: length 1 to 64, pattern [\\w+=,.@-]+"},
	{Type: "aws:efs/fileSystem:FileSystem", Field: "creationToken", What: "EFS creation token", Min: 1, Max: 64,
		Alphabet: efsTokenAlphabet, Allowed: "printable ASCII without spaces", Autonamed: true,
		Source: "Amazon EFS API Reference, CreateFileSystem, CreationToken: length 1 to 64"},

	// Google Cloud.
	{Type: "gcp:storage/bucket:Bucket", Field: "name", What: "Cloud Storage bucket name", Min: 3, Max: 63,
		Alphabet: gcsBucketAlphabet, Allowed: "lowercase letters, digits, hyphens, underscores and dots, starting and ending with a letter or digit", Autonamed: true,
		Source: "Cloud Storage documentation, Bucket names: 3 to 63 characters (222 only with dots), lowercase letters, numbers, dashes, underscores and dots"},
	{Type: "gcp:kms/keyRing:KeyRing", Field: "name", What: "Cloud KMS key ring name", Min: 1, Max: 63,
		Alphabet: kmsIDAlphabet, Allowed: "letters, digits, underscores and hyphens",
		Source: "Cloud KMS API, CreateKeyRingRequest.key_ring_id: [a-zA-Z0-9_-]{1,63}"},
	{Type: "gcp:kms/cryptoKey:CryptoKey", Field: "name", What: "Cloud KMS key name", Min: 1, Max: 63,
		Alphabet: kmsIDAlphabet, Allowed: "letters, digits, underscores and hyphens",
		Source: "Cloud KMS API, CreateCryptoKeyRequest.crypto_key_id: [a-zA-Z0-9_-]{1,63}"},
	{Type: "gcp:sql/databaseInstance:DatabaseInstance", Field: "name", What: "Cloud SQL instance ID", Min: 1, Max: 98,
		Alphabet: rfc1035Alphabet, Allowed: "a lowercase letter, then lowercase letters, digits and hyphens", Autonamed: true,
		Source: "Cloud SQL Admin API, instance ID: lowercase letters, numbers and hyphens, starting with a letter, at most 98 characters"},
	{Type: "gcp:serviceaccount/account:Account", Field: "accountId", What: "service account ID", Min: 6, Max: 30,
		Alphabet: rfc1035Alphabet, Allowed: "a lowercase letter, then lowercase letters, digits and hyphens, not ending with a hyphen",
		Source: "IAM API, projects.serviceAccounts.create, accountId: 6 to 30 characters, [a-z]([-a-z0-9]*[a-z0-9])"},
	{Type: "gcp:logging/projectBucketConfig:ProjectBucketConfig", Field: "bucketId", What: "log bucket ID", Min: 1, Max: 100,
		Alphabet: logBucketAlphabet, Allowed: "letters, digits, underscores and hyphens, not starting with an underscore",
		Source: "Cloud Logging API, projects.locations.buckets.create, bucketId: at most 100 characters, letters, digits, underscores, hyphens"},
	{Type: "gcp:logging/projectSink:ProjectSink", Field: "name", What: "log sink name", Min: 1, Max: 100,
		Alphabet: sinkAlphabet, Allowed: "letters, digits, underscores, hyphens and dots",
		Source: "Cloud Logging API, LogSink.name: at most 100 characters, letters, digits, underscores, hyphens and periods"},
	{Type: GCPRuntimeComponent, Field: "name", What: "GCP runtime component name", Min: 1, Max: 42,
		Alphabet: rfc1035Alphabet, Allowed: "a lowercase letter, then lowercase letters, digits and hyphens",
		Source: "gcpruntime: its children append up to 21 characters (\"-proxy-to-app\" and Pulumi's 8) to its name, and Compute Engine names stop at 63"},
	computeName("gcp:compute/network:Network", "VPC network name"),
	computeName("gcp:compute/subnetwork:Subnetwork", "subnetwork name"),
	computeName("gcp:compute/firewall:Firewall", "firewall rule name"),
	computeName("gcp:compute/router:Router", "Cloud Router name"),
	computeName("gcp:compute/routerNat:RouterNat", "Cloud NAT name"),
	computeName("gcp:compute/globalAddress:GlobalAddress", "global address name"),
	computeName("gcp:compute/haVpnGateway:HaVpnGateway", "HA VPN gateway name"),
	computeName("gcp:compute/externalVpnGateway:ExternalVpnGateway", "external VPN gateway name"),
	computeName("gcp:compute/vPNTunnel:VPNTunnel", "VPN tunnel name"),
	computeName("gcp:compute/routerInterface:RouterInterface", "Cloud Router interface name"),
	computeName("gcp:compute/routerPeer:RouterPeer", "BGP peer name"),
	computeName("gcp:compute/instanceTemplate:InstanceTemplate", "instance template name"),
	computeName("gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager", "managed instance group name"),
	computeName("gcp:compute/backendService:BackendService", "backend service name"),
	computeName("gcp:compute/healthCheck:HealthCheck", "health check name"),
	computeName("gcp:compute/urlMap:URLMap", "URL map name"),
	computeName("gcp:compute/targetHttpsProxy:TargetHttpsProxy", "target HTTPS proxy name"),
	computeName("gcp:compute/globalForwardingRule:GlobalForwardingRule", "forwarding rule name"),
	computeName("gcp:compute/securityPolicy:SecurityPolicy", "Cloud Armor policy name"),
	computeName("gcp:compute/sSLPolicy:SSLPolicy", "SSL policy name"),
}

// For returns the limits of resource type typ.
func For(typ string) []Limit {
	var out []Limit
	for _, l := range Limits {
		if l.Type == typ {
			out = append(out, l)
		}
	}
	return out
}

// Lookup returns the limit of field of resource type typ.
func Lookup(typ, field string) (Limit, bool) {
	for _, l := range Limits {
		if l.Type == typ && l.Field == field {
			return l, true
		}
	}
	return Limit{}, false
}

// Check returns why name is not a valid physical name under l, or "" when it is.
func (l Limit) Check(name string) string {
	switch {
	case len(name) > l.Max:
		return fmt.Sprintf("is %d characters long; the limit for %ss is %d", len(name), l.What, l.Max)
	case len(name) < l.Min:
		return fmt.Sprintf("is %d characters long; %ss have at least %d", len(name), l.What, l.Min)
	case !l.Alphabet.MatchString(name):
		return fmt.Sprintf("is not a valid %s; allowed: %s", l.What, l.Allowed)
	case l.Type == "aws:rds/instance:Instance" && strings.Contains(name, "--"):
		return fmt.Sprintf("is not a valid %s; allowed: %s", l.What, l.Allowed)
	case l.Type == "aws:lb/loadBalancer:LoadBalancer" && strings.HasPrefix(strings.ToLower(name), "internal-"):
		return fmt.Sprintf("is not a valid %s; allowed: %s", l.What, l.Allowed)
	}
	return ""
}

// CheckAutonamed returns why the name Pulumi derives from logical (the logical name,
// "-" and 7 random hex digits) is not valid under l, or "" when it is.
func (l Limit) CheckAutonamed(logical string) string {
	return l.Check(logical + "-" + strings.Repeat("0", AutonameSuffix-1))
}

// Fit returns stem when it has at most max characters, else a shortened stem that
// does: its head, a hyphen and 4 hex digits of its SHA-256, so two long stems that
// share a head still differ. Fit is pure: the same stem always gives the same name.
func Fit(stem string, max int) string {
	if len(stem) <= max {
		return stem
	}
	sum := sha256.Sum256([]byte(stem))
	head := strings.TrimRight(stem[:max-5], "-_.")
	return head + "-" + hex.EncodeToString(sum[:2])
}

// The resource types whose auto-named logical names the components fit.
const (
	LoadBalancer = "aws:lb/loadBalancer:LoadBalancer"
	TargetGroup  = "aws:lb/targetGroup:TargetGroup"
	Role         = "aws:iam/role:Role"
)

// Autonamed returns the logical name to give a resource of type typ that Pulumi
// auto-names in its name field: stem when the derived name (stem, "-", 7 hex digits)
// fits the field's maximum, else stem shortened by Fit so that it does.
func Autonamed(typ, stem string) string {
	l, ok := Lookup(typ, "name")
	if !ok {
		return stem
	}
	return Fit(stem, l.Max-AutonameSuffix)
}

// CustomerSlugRule says in words what a customer slug is: the allowed part of every
// message that refuses one.
const CustomerSlugRule = "2 to 24 lowercase letters, digits and dashes, starting with a letter, no double dash"

// customerSlug is a customer slug except for the double dash: at most 24 characters,
// so that every physical name derived from it (<customer>-<region>-...) fits.
var customerSlug = regexp.MustCompile(`^[a-z][a-z0-9-]{0,22}[a-z0-9]$`)

// CustomerSlug reports whether s is a customer slug (CustomerSlugRule): the one rule,
// read by the configuration; the component specs read it through ValidSlug.
func CustomerSlug(s string) bool { return customerSlug.MatchString(s) && !strings.Contains(s, "--") }

// NonProductionSuffix ends the slug of a non-production stack.
const NonProductionSuffix = "-np"

// Slug names a customer's environment in physical names (aliases, buckets, database
// users): the customer, with NonProductionSuffix on non-production, so that a staging
// stack never takes, or is confused with, a production name (DAT-1).
func Slug(customer string, nonProduction bool) string {
	if nonProduction {
		return customer + NonProductionSuffix
	}
	return customer
}

// SlugRule says in words what ValidSlug accepts.
const SlugRule = "a customer slug (" + CustomerSlugRule + "), with \"" + NonProductionSuffix + "\" on non-production"

// ValidSlug reports whether s is the Slug of a valid customer: what every component
// spec accepts as its customer.
func ValidSlug(s string) bool {
	return CustomerSlug(s) || (strings.HasSuffix(s, NonProductionSuffix) && CustomerSlug(strings.TrimSuffix(s, NonProductionSuffix)))
}
