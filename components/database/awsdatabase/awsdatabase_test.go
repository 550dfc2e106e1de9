package awsdatabase_test

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/components/database"
	"github.com/octura/odoo-hosting/components/database/awsdatabase"
	"github.com/octura/odoo-hosting/components/database/databasetest"
	"github.com/octura/odoo-hosting/internal/plan"
	"github.com/octura/odoo-hosting/internal/tier"
)

const (
	key     = "arn:aws:kms:eu-west-1:111111111111:key/data"
	logsKey = "arn:aws:kms:eu-west-1:111111111111:key/logs"
)

func run(t *testing.T, s database.Spec) (*plan.Plan, *awsdatabase.Database, error) {
	t.Helper()
	var c *awsdatabase.Database
	var newErr error
	p, err := plan.Run("odoo-hosting", "acme-eu", func(ctx *pulumi.Context) error {
		pp, err := aws.NewProvider(ctx, "primary", &aws.ProviderArgs{Region: pulumi.String("eu-west-1")})
		if err != nil {
			return err
		}
		c, newErr = awsdatabase.New(ctx, "acme-db", awsdatabase.Args{
			Spec: s, Provider: pp,
			SubnetIDs:       pulumi.StringArray{pulumi.String("subnet-db-a"), pulumi.String("subnet-db-b")},
			SecurityGroupID: pulumi.String("sg-db"),
			KeyArn:          pulumi.String(key),
			LogsKeyArn:      pulumi.String(logsKey),
		})
		if newErr == nil {
			ctx.Export("secretArn", c.SecretArn)
		}
		return nil
	})
	require.NoError(t, err)
	return p, c, newErr
}

func instance(t *testing.T, p *plan.Plan) plan.State {
	db, ok := p.Get("aws:rds/instance:Instance", "acme-db")
	require.True(t, ok)
	return db
}

func observe(p *plan.Plan, c *awsdatabase.Database) databasetest.Observed {
	o := databasetest.Observed{Resources: len(p.Managed())}
	db, ok := p.Get("aws:rds/instance:Instance", "acme-db")
	if !ok {
		return o
	}
	in := db.Inputs
	str := func(k string) string { s, _ := in[k].(string); return s }
	o.Engine, o.Version, o.Size = str("engine"), str("engineVersion"), str("instanceClass")
	o.StorageGB = int(in["allocatedStorage"].(float64))
	if in["storageEncrypted"] == true {
		o.EncryptionKey = str("kmsKeyId")
	}
	if in["performanceInsightsEnabled"] == true {
		o.InsightsKey = str("performanceInsightsKmsKeyId")
	}
	o.PasswordGenerated = in["manageMasterUserPassword"] == true
	o.SecretKey = str("masterUserSecretKmsKeyId")
	_, o.PasswordInInputs = in["password"]
	o.Public = in["publiclyAccessible"] != false
	for _, pg := range p.ByType("aws:rds/parameterGroup:ParameterGroup") {
		for _, prm := range pg.Inputs["parameters"].([]any) {
			pm := prm.(map[string]any)
			if pm["name"] == "rds.force_ssl" && pm["value"] == "1" {
				o.RequiresTLS = true
			}
		}
	}
	o.Zones = 1
	if in["multiAz"] == true {
		o.Zones = 2
	}
	o.BackupRetentionDays = int(in["backupRetentionPeriod"].(float64))
	o.FinalSnapshot = in["skipFinalSnapshot"] == false && str("finalSnapshotIdentifier") != ""
	o.DeletionProtection = in["deletionProtection"] == true
	o.Retained, o.Protected = db.RetainOnDelete, db.Protect
	o.DatabaseName, o.Username = str("dbName"), c.Username
	return o
}

func TestConformance(t *testing.T) {
	databasetest.Run(t, databasetest.Harness{Key: key, Plan: func(t *testing.T, s database.Spec) (databasetest.Observed, error) {
		p, c, err := run(t, s)
		return observe(p, c), err
	}})
}

func TestInventoryCloudProduction(t *testing.T) {
	p, c, err := run(t, database.Spec{Customer: "acme", Tier: tier.Cloud, Production: true})
	require.NoError(t, err)
	counts := map[string]int{}
	for _, r := range p.Managed() {
		counts[r.Type]++
		if r.Type != awsdatabase.Type {
			require.Equal(t, "urn:pulumi:acme-eu::odoo-hosting::odoo-hosting:database:Database::acme-db", r.Parent)
			require.NotEmpty(t, r.Provider)
		}
	}
	require.Equal(t, map[string]int{awsdatabase.Type: 1, "aws:rds/subnetGroup:SubnetGroup": 1, "aws:rds/parameterGroup:ParameterGroup": 1, "aws:rds/instance:Instance": 1,
		"aws:cloudwatch/logGroup:LogGroup": 2, "aws:secretsmanager/secret:Secret": 1, "aws:secretsmanager/secretVersion:SecretVersion": 1}, counts)
	require.Equal(t, "odoo_acme", c.Username)
	require.Equal(t, "admin_acme", c.MasterUsername)
	require.Equal(t, "odoo", c.DatabaseName)
	db := instance(t, p)
	require.Equal(t, "db.t4g.medium", db.Inputs["instanceClass"])
	require.Equal(t, "gp3", db.Inputs["storageType"])
	require.Equal(t, true, db.Inputs["autoMinorVersionUpgrade"])
	require.Equal(t, true, db.Inputs["iamDatabaseAuthenticationEnabled"])
	require.Equal(t, true, db.Inputs["copyTagsToSnapshot"])
	require.Equal(t, []any{"sg-db"}, db.Inputs["vpcSecurityGroupIds"])
	sg, _ := p.Get("aws:rds/subnetGroup:SubnetGroup", "acme-db")
	require.Equal(t, []any{"subnet-db-a", "subnet-db-b"}, sg.Inputs["subnetIds"])
	require.Equal(t, "acme-db", db.Inputs["dbSubnetGroupName"])
}

func TestENC1_ParameterGroupForcesTLS(t *testing.T) {
	p, _, err := run(t, database.Spec{Customer: "acme", Tier: tier.Cloud, Production: true})
	require.NoError(t, err)
	pg, _ := p.Get("aws:rds/parameterGroup:ParameterGroup", "acme-db")
	require.Equal(t, "postgres16", pg.Inputs["family"])
	got := map[string]any{}
	for _, prm := range pg.Inputs["parameters"].([]any) {
		got[prm.(map[string]any)["name"].(string)] = prm.(map[string]any)["value"]
	}
	require.Equal(t, "1", got["rds.force_ssl"])
	require.Equal(t, "1", got["log_connections"])
	require.Equal(t, "acme-db-postgres16", instance(t, p).Inputs["parameterGroupName"])
}

func TestENC2_StoragePasswordAndInsightsUseDataKey(t *testing.T) {
	p, _, err := run(t, database.Spec{Customer: "acme", Tier: tier.Cloud, Production: true})
	require.NoError(t, err)
	in := instance(t, p).Inputs
	require.Equal(t, true, in["storageEncrypted"])
	for _, k := range []string{"kmsKeyId", "masterUserSecretKmsKeyId", "performanceInsightsKmsKeyId"} {
		require.Equal(t, key, in[k], k)
	}
}

func TestIAM6_NoPasswordInConfigOrState(t *testing.T) {
	p, _, err := run(t, database.Spec{Customer: "acme", Tier: tier.Cloud, Production: true})
	require.NoError(t, err)
	in := instance(t, p).Inputs
	require.Equal(t, true, in["manageMasterUserPassword"])
	require.NotContains(t, in, "password")
	b, err := p.JSON()
	require.NoError(t, err)
	require.NotContains(t, strings.ToLower(string(b)), `"password"`)
}

func TestBAK6_ProductionProtectedAndFinalSnapshot(t *testing.T) {
	p, _, err := run(t, database.Spec{Customer: "acme", Tier: tier.Cloud, Production: true})
	require.NoError(t, err)
	db := instance(t, p)
	require.True(t, db.Protect)
	require.True(t, db.RetainOnDelete)
	require.Equal(t, true, db.Inputs["deletionProtection"])
	require.Equal(t, false, db.Inputs["skipFinalSnapshot"])
	require.Equal(t, "acme-db-final", db.Inputs["finalSnapshotIdentifier"])
	require.Equal(t, 35.0, db.Inputs["backupRetentionPeriod"])
	require.Equal(t, false, db.Inputs["deleteAutomatedBackups"])
}

// BAK-6: deletion protection is on for every database; only Pulumi's protect
// depends on the environment.
func TestBAK6_NonProductionDeletionProtectedNotPulumiProtected(t *testing.T) {
	p, _, err := run(t, database.Spec{Customer: "acme", Tier: tier.Cloud})
	require.NoError(t, err)
	db := instance(t, p)
	require.Equal(t, true, db.Inputs["deletionProtection"])
	require.False(t, db.Protect)
	require.True(t, db.RetainOnDelete)
	require.Equal(t, false, db.Inputs["skipFinalSnapshot"])
	require.Equal(t, "acme-db-final", db.Inputs["finalSnapshotIdentifier"])
}

func TestDAT2_MultiAZOnProductionCloudAndEnterprise(t *testing.T) {
	for _, tr := range []tier.Tier{tier.Cloud, tier.Enterprise} {
		p, _, err := run(t, database.Spec{Customer: "acme", Tier: tr, Production: true})
		require.NoError(t, err)
		require.Equal(t, true, instance(t, p).Inputs["multiAz"], tr)
	}
	p, _, err := run(t, database.Spec{Customer: "acme", Tier: tier.Cloud})
	require.NoError(t, err)
	require.Equal(t, false, instance(t, p).Inputs["multiAz"])
	require.Equal(t, "db.t4g.small", instance(t, p).Inputs["instanceClass"])
}

func TestInvalidSpecRegistersNothing(t *testing.T) {
	p, c, err := run(t, database.Spec{Customer: "acme", Tier: "on-premise"})
	require.Nil(t, c)
	require.EqualError(t, err, `database acme-db: tier "on-premise" has no database in this project; allowed: cloud, enterprise`)
	require.Empty(t, p.Managed())
}

// TestIAM6_OdooHasItsOwnRoleNotTheMasterUser: the instance's master user is not the
// application role, whose credentials are in a secret of ours with the data key.
func TestIAM6_OdooHasItsOwnRoleNotTheMasterUser(t *testing.T) {
	p, c, err := run(t, database.Spec{Customer: "acme", Tier: tier.Cloud, Production: true})
	require.NoError(t, err)
	require.Equal(t, "admin_acme", instance(t, p).Inputs["username"])
	require.NotEqual(t, instance(t, p).Inputs["username"], c.Username)
	sec, ok := p.Get("aws:secretsmanager/secret:Secret", "acme-db-app")
	require.True(t, ok)
	require.Equal(t, key, sec.Inputs["kmsKeyId"])
	v, ok := p.Get("aws:secretsmanager/secretVersion:SecretVersion", "acme-db-app")
	require.True(t, ok)
	require.Equal(t, plan.Secret, v.Inputs["secretString"])
	err = database.Spec{Customer: "acme", Tier: tier.Cloud, MasterUsername: "odoo_acme"}.Validate()
	require.EqualError(t, err, `masterUsername "odoo_acme" is the application role too (IAM-6: Odoo never runs as the master user); allowed: another name`)
}

// TestENC2_ExportedLogsGoToOurGroups: each exported log type has its group, made
// before the instance, with the logs key and a retention; statement text is never
// logged (log_min_duration_statement off, no statement with errors).
func TestENC2_ExportedLogsGoToOurGroups(t *testing.T) {
	p, _, err := run(t, database.Spec{Customer: "acme", Tier: tier.Cloud, Production: true})
	require.NoError(t, err)
	db := instance(t, p)
	require.Equal(t, []any{"postgresql", "upgrade"}, db.Inputs["enabledCloudwatchLogsExports"])
	for _, typ := range []string{"postgresql", "upgrade"} {
		lg, ok := p.Get("aws:cloudwatch/logGroup:LogGroup", "acme-db-"+typ)
		require.True(t, ok, typ)
		require.Equal(t, "/aws/rds/instance/acme-db/"+typ, lg.Inputs["name"])
		require.Equal(t, logsKey, lg.Inputs["kmsKeyId"])
		require.Equal(t, 365.0, lg.Inputs["retentionInDays"])
		require.Contains(t, db.Dependencies, lg.URN)
	}
	pg, _ := p.Get("aws:rds/parameterGroup:ParameterGroup", "acme-db")
	got := map[string]any{}
	for _, prm := range pg.Inputs["parameters"].([]any) {
		got[prm.(map[string]any)["name"].(string)] = prm.(map[string]any)["value"]
	}
	require.Equal(t, "-1", got["log_min_duration_statement"])
	require.Equal(t, "panic", got["log_min_error_statement"])
}
