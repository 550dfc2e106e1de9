// Package gcpkeys builds keys.Spec with Cloud KMS: a key ring in the keys' region
// and one symmetric CryptoKey per purpose that rotates within 90 days and waits 30
// days before a version is destroyed, or none at all when the customer supplies a
// key; and the Google service agents that use the keys, created explicitly and
// granted encrypt/decrypt on exactly the keys they use (ENC-2, ENC-3, ENC-4, ENC-5).
// Decision 0065 records the Cloud KMS behaviour this relies on.
package gcpkeys

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/kms"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/projects"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/storage"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/octura/odoo-hosting/components/keys"
	"github.com/octura/odoo-hosting/internal/jurisdiction"
)

// Type is the component's type token, the same concept as awskeys.
const Type = keys.Type

// Values every created key carries.
const (
	// KeyPurpose is a symmetric encryption key (ENC-2).
	KeyPurpose = "ENCRYPT_DECRYPT"
	// Algorithm is Cloud KMS's symmetric AES-256-GCM (ENC-2).
	Algorithm = "GOOGLE_SYMMETRIC_ENCRYPTION"
	// EncrypterDecrypter is the only role a service agent gets on a key.
	EncrypterDecrypter = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
)

// Protection levels of the key material.
const (
	Software = "SOFTWARE"
	HSM      = "HSM"
)

// Service is a Google API whose service agent encrypts with the keys.
type Service string

// The services whose agents use the keys.
const (
	SQLAdmin      Service = "sqladmin.googleapis.com"
	Storage       Service = "storage.googleapis.com"
	Compute       Service = "compute.googleapis.com"
	SecretManager Service = "secretmanager.googleapis.com"
	Logging       Service = "logging.googleapis.com"
)

// Short is the service's name without the domain, used in child names.
func (s Service) Short() string { return strings.TrimSuffix(string(s), ".googleapis.com") }

// Users are, per purpose, the services whose agents use the key of that purpose:
// Cloud SQL, Compute Engine disks, Cloud Storage buckets and Secret Manager
// secrets the data key; Cloud Storage the backup key (backup buckets); Cloud
// Logging the logs key (log buckets, flow logs).
var Users = map[keys.Purpose][]Service{
	keys.Data:   {SQLAdmin, Storage, Compute, SecretManager},
	keys.Backup: {Storage},
	keys.Logs:   {Logging},
}

// Args are the arguments of New.
type Args struct {
	// Spec is the cloud-neutral key set; its Cloud must be gcp and AccountID the
	// project ID. Required; validated before anything is registered.
	Spec keys.Spec
	// Provider is the explicit gcp provider of Spec.Region; every child uses it.
	// Required.
	Provider pulumi.ProviderResource
	// ProtectionLevel is where the key material lives: SOFTWARE or HSM. Default
	// SOFTWARE.
	ProtectionLevel string
	// Users, when set, are per purpose the services whose agents will use that key
	// in this stack (each one of Users[purpose]); a purpose it leaves out has no
	// user, and only these agents are created and granted (ENC-2: every key admits
	// exactly its users). The stack fills it from what the tier builds. Default:
	// Users, every service that may use each key.
	Users map[keys.Purpose][]Service
}

// Keys is the component.
type Keys struct {
	pulumi.ResourceState

	// ARNs maps every purpose of the spec to its CryptoKey name (projects/.../
	// cryptoKeys/...); on enterprise with a customer key (ENC-4), the customer's
	// key for every purpose. The name mirrors awskeys so that callers read one shape.
	ARNs map[keys.Purpose]pulumi.StringOutput
	// Names maps every purpose of the spec to its Cloud KMS key name (Name), as an
	// output that resolves only once that key's grants to its users' service agents
	// exist: feed it, not ARNs, to whatever encrypts with the key, so that its key
	// input depends on the grants and Cloud KMS admits the agent on first use.
	Names map[keys.Purpose]pulumi.StringOutput
	// Agents are the "serviceAccount:" members of the service agents granted on
	// the keys, per service.
	Agents map[Service]pulumi.StringOutput
	// Region is the region the keys live in.
	Region string
}

// WithDefaults returns a copy of a with every unset field at its default.
func (a Args) WithDefaults() Args {
	a.Spec = a.Spec.WithDefaults()
	if a.ProtectionLevel == "" {
		a.ProtectionLevel = Software
	}
	return a
}

// Validate checks the arguments: every problem at once.
func (a Args) Validate() error {
	var errs []error
	if err := a.Spec.Validate(); err != nil {
		errs = append(errs, err)
	}
	a = a.WithDefaults()
	if c := a.Spec.Cloud; c != jurisdiction.GCP {
		errs = append(errs, fmt.Errorf("cloud %q is not served by gcpkeys; allowed: gcp", c))
	}
	if a.ProtectionLevel != Software && a.ProtectionLevel != HSM {
		errs = append(errs, fmt.Errorf("protectionLevel %q is unknown; allowed: SOFTWARE, HSM", a.ProtectionLevel))
	}
	if a.Provider == nil {
		errs = append(errs, errors.New("provider is nil; allowed: the explicit gcp.Provider of the keys' region"))
	}
	for _, p := range slices.Sorted(maps.Keys(a.Users)) {
		for _, s := range a.Users[p] {
			if !slices.Contains(Users[p], s) {
				var allowed []string
				for _, u := range Users[p] {
					allowed = append(allowed, string(u))
				}
				errs = append(errs, fmt.Errorf("users.%s %q does not use the %s key; allowed: %s", p, s, p, strings.Join(allowed, ", ")))
			}
		}
	}
	return errors.Join(errs...)
}

// users are the services whose agents use the key of purpose p.
func (a Args) users(p keys.Purpose) []Service {
	if a.Users == nil {
		return Users[p]
	}
	return a.Users[p]
}

// services are the services whose agents use the keys of a, in a stable order
// without repeats.
func (a Args) services() []Service {
	var out []Service
	for _, p := range a.Spec.WithDefaults().Purposes {
		for _, s := range a.users(p) {
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// Services returns the services whose agents use the keys of spec, in a stable
// order without repeats.
func Services(spec keys.Spec) []Service {
	var out []Service
	for _, p := range spec.WithDefaults().Purposes {
		for _, s := range Users[p] {
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// Name is the Cloud KMS name of spec's key of purpose p, known before the key
// exists: the customer's key on enterprise (ENC-4), otherwise the key New creates
// (ring <customer> in the keys' region, key <customer>-<purpose>).
func Name(spec keys.Spec, p keys.Purpose) string {
	spec = spec.WithDefaults()
	if spec.CustomerManaged() {
		return spec.CustomerKeyARN
	}
	return fmt.Sprintf("projects/%s/locations/%s/keyRings/%s/cryptoKeys/%s", spec.AccountID, spec.Region, spec.Customer, spec.Alias(p))
}

// ready is name as an output that resolves once every one of after exists.
func ready(name string, after ...pulumi.Input) pulumi.StringOutput {
	if len(after) == 0 {
		return pulumi.String(name).ToStringOutput()
	}
	deps := make([]any, len(after))
	for i, a := range after {
		deps[i] = a
	}
	return pulumi.All(deps...).ApplyT(func([]any) string { return name }).(pulumi.StringOutput)
}

// Seconds renders days as a protobuf duration ("7776000s").
func Seconds(days int) string { return fmt.Sprintf("%ds", days*24*60*60) }

// New validates args and builds the keys; on a validation error it registers
// nothing.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Keys, error) {
	if err := args.Validate(); err != nil {
		return nil, fmt.Errorf("keys %q: %w", name, err)
	}
	args = args.WithDefaults()
	spec := args.Spec
	k := &Keys{Region: spec.Region, ARNs: map[keys.Purpose]pulumi.StringOutput{}, Names: map[keys.Purpose]pulumi.StringOutput{}, Agents: map[Service]pulumi.StringOutput{}}
	if err := ctx.RegisterComponentResource(Type, name, k, opts...); err != nil {
		return nil, err
	}
	in := []pulumi.ResourceOption{pulumi.Parent(k), pulumi.Provider(args.Provider)}
	outputs := pulumi.Map{"region": pulumi.String(spec.Region)}

	// The service agents, created explicitly so that the grants below never race
	// their lazy creation. Cloud Storage's agent is read, not generated: the
	// storage API names it (gcloud storage service-agent).
	for _, s := range args.services() {
		if s == Storage {
			sa := storage.GetProjectServiceAccountOutput(ctx, storage.GetProjectServiceAccountOutputArgs{
				Project: pulumi.String(spec.AccountID),
			}, pulumi.Parent(k), pulumi.Provider(args.Provider))
			k.Agents[s] = sa.Member()
			continue
		}
		id, err := projects.NewServiceIdentity(ctx, name+"-"+s.Short(), &projects.ServiceIdentityArgs{
			Project: pulumi.String(spec.AccountID),
			Service: pulumi.String(string(s)),
		}, in...)
		if err != nil {
			return nil, err
		}
		k.Agents[s] = id.Member
	}

	grant := func(child string, key pulumi.StringInput, s Service) (pulumi.Input, error) {
		g, err := kms.NewCryptoKeyIAMMember(ctx, child, &kms.CryptoKeyIAMMemberArgs{
			CryptoKeyId: key,
			Role:        pulumi.String(EncrypterDecrypter),
			Member:      k.Agents[s],
		}, in...)
		if err != nil {
			return nil, err
		}
		return g.ID(), nil
	}

	if spec.CustomerManaged() {
		// ENC-4: the customer's key for every purpose; no project key is created.
		// Every agent that uses a key is granted on it once.
		granted := map[Service]pulumi.Input{}
		for _, s := range args.services() {
			g, err := grant(name+"-customer-"+s.Short(), pulumi.String(spec.CustomerKeyARN), s)
			if err != nil {
				return nil, err
			}
			granted[s] = g
		}
		for _, p := range spec.Purposes {
			k.ARNs[p] = pulumi.String(spec.CustomerKeyARN).ToStringOutput()
			outputs[string(p)+"Arn"] = k.ARNs[p]
			var after []pulumi.Input
			for _, s := range args.users(p) {
				after = append(after, granted[s])
			}
			k.Names[p] = ready(spec.CustomerKeyARN, after...)
		}
		return k, ctx.RegisterResourceOutputs(k, outputs)
	}

	// BAK-6: keys and their ring survive `pulumi destroy` always (Cloud KMS never
	// deletes either) and refuse deletion and replacement in production.
	keep := append(slices.Clone(in), pulumi.RetainOnDelete(true))
	if spec.Protect {
		keep = append(keep, pulumi.Protect(true))
	}
	ring, err := kms.NewKeyRing(ctx, name, &kms.KeyRingArgs{
		Name:     pulumi.String(spec.Customer),
		Location: pulumi.String(spec.Region), // ENC-3: the region of the data
		Project:  pulumi.String(spec.AccountID),
	}, keep...)
	if err != nil {
		return nil, err
	}
	for _, p := range spec.Purposes {
		n := name + "-" + string(p)
		key, err := kms.NewCryptoKey(ctx, n, &kms.CryptoKeyArgs{
			Name:                     pulumi.String(spec.Alias(p)),
			KeyRing:                  ring.ID().ToStringOutput(),
			Purpose:                  pulumi.String(KeyPurpose),
			RotationPeriod:           pulumi.String(Seconds(spec.RotationPeriodDays)), // ENC-3: within 90 days
			DestroyScheduledDuration: pulumi.String(Seconds(spec.DeletionWindowDays)), // ENC-3: at least 30 days
			VersionTemplate: &kms.CryptoKeyVersionTemplateArgs{
				Algorithm:       pulumi.String(Algorithm), // ENC-2: AES-256-GCM
				ProtectionLevel: pulumi.String(args.ProtectionLevel),
			},
			Labels: pulumi.StringMap{"customer": pulumi.String(spec.Customer), "purpose": pulumi.String(string(p))},
		}, keep...)
		if err != nil {
			return nil, err
		}
		// ENC-2: each agent encrypts and decrypts with exactly the keys it uses.
		after := []pulumi.Input{key.ID()}
		for _, s := range args.users(p) {
			g, err := grant(n+"-"+s.Short(), key.ID().ToStringOutput(), s)
			if err != nil {
				return nil, err
			}
			after = append(after, g)
		}
		k.Names[p] = ready(Name(spec, p), after...)
		k.ARNs[p] = key.ID().ToStringOutput()
		outputs[string(p)+"Arn"] = k.ARNs[p]
	}
	return k, ctx.RegisterResourceOutputs(k, outputs)
}
