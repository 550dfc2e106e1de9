package plan_test

import (
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/internal/plan"
)

type comp struct{ pulumi.ResourceState }

func program(ctx *pulumi.Context) error {
	c := &comp{}
	if err := ctx.RegisterComponentResourceV2("odoo-hosting:test:Thing", "acme", pulumi.Map{"jurisdiction": pulumi.String("eu")}, c); err != nil {
		return err
	}
	p, err := aws.NewProvider(ctx, "acme-primary", &aws.ProviderArgs{Region: pulumi.String("eu-west-1")}, pulumi.Parent(c))
	if err != nil {
		return err
	}
	k, err := kms.NewKey(ctx, "acme-data", &kms.KeyArgs{EnableKeyRotation: pulumi.Bool(true), DeletionWindowInDays: pulumi.Int(30)},
		pulumi.Parent(c), pulumi.Provider(p), pulumi.RetainOnDelete(true))
	if err != nil {
		return err
	}
	_, err = kms.NewAlias(ctx, "acme-data", &kms.AliasArgs{Name: pulumi.String("alias/acme-data"), TargetKeyId: k.Arn}, pulumi.Parent(c), pulumi.Provider(p))
	return err
}

func TestRunRecordsEveryResourceWithEngineURNs(t *testing.T) {
	p, err := plan.Run("odoo-hosting", "acme-eu", program)
	require.NoError(t, err)
	counts := p.Count()
	require.Equal(t, map[string]int{
		plan.StackType: 1, "odoo-hosting:test:Thing": 1, "pulumi:providers:aws": 1, "aws:kms/key:Key": 1, "aws:kms/alias:Alias": 1,
	}, counts)
	key, ok := p.Get("aws:kms/key:Key", "acme-data")
	require.True(t, ok)
	require.Equal(t, "urn:pulumi:acme-eu::odoo-hosting::odoo-hosting:test:Thing$aws:kms/key:Key::acme-data", key.URN)
	require.True(t, key.RetainOnDelete)
	prov, ok := p.ProviderOf(key)
	require.True(t, ok)
	require.Equal(t, "eu-west-1", prov.Inputs["region"])
	alias, _ := p.Get("aws:kms/alias:Alias", "acme-data")
	require.Regexp(t, `^arn:aws:kms:eu-west-1:111111111111:key/acme-data-[0-9a-f]{8}$`, alias.Inputs["targetKeyId"])
	thing, _ := p.Get("odoo-hosting:test:Thing", "acme")
	require.Equal(t, "eu", thing.Inputs["jurisdiction"])
}

func TestManagedLeavesOutStackAndProviders(t *testing.T) {
	p, err := plan.Run("odoo-hosting", "acme-eu", program)
	require.NoError(t, err)
	var got []string
	for _, s := range p.Managed() {
		got = append(got, s.Type+" "+s.Name())
	}
	require.Equal(t, []string{"aws:kms/alias:Alias acme-data", "aws:kms/key:Key acme-data", "odoo-hosting:test:Thing acme"}, got)
}

func TestRunIsByteIdentical(t *testing.T) {
	var first []byte
	for i := 0; i < 5; i++ {
		p, err := plan.Run("odoo-hosting", "acme-eu", program)
		require.NoError(t, err)
		b, err := p.JSON()
		require.NoError(t, err)
		if first == nil {
			first = b
			continue
		}
		require.Equal(t, string(first), string(b))
	}
}

func TestFirstPreviewLeavesComputedValuesUnknown(t *testing.T) {
	p, err := plan.RunWith("odoo-hosting", "acme-eu", program, plan.Options{FirstPreview: true})
	require.NoError(t, err)
	alias, ok := p.Get("aws:kms/alias:Alias", "acme-data")
	require.True(t, ok)
	require.Equal(t, plan.Unknown, alias.Inputs["targetKeyId"])
	key, _ := p.Get("aws:kms/key:Key", "acme-data")
	require.Equal(t, true, key.Inputs["enableKeyRotation"], "inputs the program sets stay known")
	require.Equal(t, []string{key.URN}, alias.PropertyDependencies["targetKeyId"])
}

// secretProgram gives a resource an input that is a secret computed from another
// resource: unknown on a first preview, as pulumi-gcp's SSL certificate is.
func secretProgram(ctx *pulumi.Context) error {
	k, err := kms.NewKey(ctx, "acme-data", &kms.KeyArgs{EnableKeyRotation: pulumi.Bool(true)})
	if err != nil {
		return err
	}
	_, err = kms.NewAlias(ctx, "acme-data", &kms.AliasArgs{Name: pulumi.String("alias/acme-data"), TargetKeyId: pulumi.ToSecret(k.Arn).(pulumi.StringOutput)})
	return err
}

// TestFirstPreviewCarriesASecretOfAnUnknown: the SDK's mock monitor alone fails on a
// secret whose value is unknown ("malformed RPC secret"); the planner records it as
// the engine does, a secret (printed [secret]), and its dependency.
func TestFirstPreviewCarriesASecretOfAnUnknown(t *testing.T) {
	p, err := plan.RunWith("odoo-hosting", "acme-eu", secretProgram, plan.Options{FirstPreview: true})
	require.NoError(t, err)
	alias, ok := p.Get("aws:kms/alias:Alias", "acme-data")
	require.True(t, ok)
	require.Equal(t, plan.Secret, alias.Inputs["targetKeyId"])
	require.Equal(t, "alias/acme-data", alias.Inputs["name"])
	key, _ := p.Get("aws:kms/key:Key", "acme-data")
	require.Equal(t, []string{key.URN}, alias.PropertyDependencies["targetKeyId"])

	p, err = plan.Run("odoo-hosting", "acme-eu", secretProgram)
	require.NoError(t, err)
	alias, _ = p.Get("aws:kms/alias:Alias", "acme-data")
	require.Equal(t, plan.Secret, alias.Inputs["targetKeyId"], "a known secret prints as before")
}
