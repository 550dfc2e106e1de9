// Package awsdatabase builds a customer's database on AWS from a database.Spec: an
// RDS for PostgreSQL instance with its subnet group and parameter group.
package awsdatabase

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	concept "github.com/octura/odoo-hosting/components/database"
)

// Type is the component's type token.
const Type = "odoo-hosting:database:Database"

// Port is the PostgreSQL port.
const Port = 5432

// Parameters are the parameter group settings: TLS required (ENC-1) and the logs
// an operator needs to audit connections and slow statements.
func Parameters() map[string]string {
	return map[string]string{
		"rds.force_ssl":              "1", // ENC-1
		"log_connections":            "1",
		"log_disconnections":         "1",
		"log_min_duration_statement": "1000",
		"log_lock_waits":             "1",
	}
}

// Family is the parameter group family of an engine version.
func Family(version string) string { return "postgres" + strings.SplitN(version, ".", 2)[0] }

// Args are the inputs of New.
type Args struct {
	// Spec is what the database must be; it is validated before anything is registered.
	Spec concept.Spec
	// Provider is the AWS provider of the primary region. Required.
	Provider pulumi.ProviderResource
	// SubnetIDs are the database subnets, in at least two zones. Required.
	SubnetIDs pulumi.StringArrayInput
	// SecurityGroupID admits only the app tier on the database port (NET-3). Required.
	SecurityGroupID pulumi.StringInput
	// KeyArn is the data key: storage, performance data and the generated password
	// are encrypted with it (ENC-2). Required.
	KeyArn pulumi.StringInput
}

// Database is a customer's database on AWS.
type Database struct {
	pulumi.ResourceState

	// Endpoint is "<address>:<port>".
	Endpoint pulumi.StringOutput `pulumi:"endpoint"`
	// Address is the private DNS name.
	Address pulumi.StringOutput `pulumi:"address"`
	// Port is the PostgreSQL port.
	Port pulumi.IntOutput `pulumi:"port"`
	// SecretArn is the Secrets Manager secret RDS generated for the user (IAM-6).
	SecretArn pulumi.StringOutput `pulumi:"secretArn"`
	// InstanceArn is the instance's ARN, for the backup selection.
	InstanceArn pulumi.StringOutput `pulumi:"instanceArn"`
	// SubnetGroupName is the database's subnet group, where restore tests restore
	// it (BAK-4).
	SubnetGroupName pulumi.StringOutput `pulumi:"subnetGroupName"`
	// DatabaseName and Username are the customer's database and dedicated user.
	DatabaseName string
	Username     string
}

// New validates args.Spec and builds the database; on an invalid spec or missing
// argument it returns every problem and registers nothing.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Database, error) {
	spec := args.Spec.WithDefaults()
	if err := spec.Validate(); err != nil {
		return nil, fmt.Errorf("database %s: %w", name, err)
	}
	if args.Provider == nil || args.SubnetIDs == nil || args.SecurityGroupID == nil || args.KeyArn == nil {
		return nil, fmt.Errorf("database %s: Provider, SubnetIDs, SecurityGroupID and KeyArn are required", name)
	}
	c := &Database{DatabaseName: spec.DatabaseName, Username: spec.Username}
	if err := ctx.RegisterComponentResource(Type, name, c, opts...); err != nil {
		return nil, err
	}
	child := []pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(args.Provider)}
	tags := pulumi.StringMap{"customer": pulumi.String(spec.Customer), "managed-by": pulumi.String("odoo-hosting")}

	subnets, err := rds.NewSubnetGroup(ctx, name, &rds.SubnetGroupArgs{
		Name:        pulumi.String(name),
		Description: pulumi.String("database subnets of " + spec.Customer),
		SubnetIds:   args.SubnetIDs,
		Tags:        tags,
	}, child...)
	if err != nil {
		return nil, err
	}
	var params rds.ParameterGroupParameterArray
	for _, k := range []string{"log_connections", "log_disconnections", "log_lock_waits", "log_min_duration_statement", "rds.force_ssl"} {
		params = append(params, rds.ParameterGroupParameterArgs{Name: pulumi.String(k), Value: pulumi.String(Parameters()[k]), ApplyMethod: pulumi.String("pending-reboot")})
	}
	pg, err := rds.NewParameterGroup(ctx, name, &rds.ParameterGroupArgs{
		Name:        pulumi.String(name + "-" + Family(spec.EngineVersion)),
		Family:      pulumi.String(Family(spec.EngineVersion)),
		Description: pulumi.String("TLS only (ENC-1) and connection logs for " + spec.Customer),
		Parameters:  params,
		Tags:        tags,
	}, child...)
	if err != nil {
		return nil, err
	}
	db, err := rds.NewInstance(ctx, name, &rds.InstanceArgs{
		Identifier:         pulumi.String(name),
		Engine:             pulumi.String("postgres"),
		EngineVersion:      pulumi.String(spec.EngineVersion),
		InstanceClass:      pulumi.String(spec.InstanceClass),
		AllocatedStorage:   pulumi.Int(spec.AllocatedStorageGB),
		StorageType:        pulumi.String("gp3"),
		DbName:             pulumi.String(spec.DatabaseName),
		DbSubnetGroupName:  subnets.Name,
		ParameterGroupName: pg.Name,
		Port:               pulumi.Int(Port),
		// NET-3: reachable only through its security group, never publicly.
		VpcSecurityGroupIds: pulumi.StringArray{args.SecurityGroupID},
		PubliclyAccessible:  pulumi.Bool(false),
		// ENC-2: encrypted with the project's data key, never the RDS default key.
		StorageEncrypted: pulumi.Bool(true),
		KmsKeyId:         args.KeyArn,
		// IAM-6: a dedicated user whose password RDS generates and keeps in Secrets
		// Manager, encrypted with the data key; no password in configuration or state.
		Username:                         pulumi.String(spec.Username),
		ManageMasterUserPassword:         pulumi.Bool(true),
		MasterUserSecretKmsKeyId:         args.KeyArn,
		IamDatabaseAuthenticationEnabled: pulumi.Bool(true),
		// DAT-2: a standby in a second zone on production cloud and enterprise.
		MultiAz: pulumi.Bool(spec.MultiAZ),
		// BAK-6: never lost by infrastructure code: the provider refuses to delete
		// any database, production or not; Pulumi's protect is production-only.
		DeletionProtection:      pulumi.Bool(true),
		SkipFinalSnapshot:       pulumi.Bool(false),
		FinalSnapshotIdentifier: pulumi.String(concept.FinalSnapshotName(name)),
		DeleteAutomatedBackups:  pulumi.Bool(false),
		BackupRetentionPeriod:   pulumi.Int(spec.BackupRetentionDays),
		CopyTagsToSnapshot:      pulumi.Bool(true),
		// ENC-2: performance data encrypted with the data key too.
		PerformanceInsightsEnabled:   pulumi.Bool(true),
		PerformanceInsightsKmsKeyId:  args.KeyArn,
		AutoMinorVersionUpgrade:      pulumi.Bool(true),
		AllowMajorVersionUpgrade:     pulumi.Bool(false),
		EnabledCloudwatchLogsExports: pulumi.StringArray{pulumi.String("postgresql"), pulumi.String("upgrade")},
		Tags:                         tags,
	}, append(child, pulumi.RetainOnDelete(true), pulumi.Protect(spec.Production))...)
	if err != nil {
		return nil, err
	}

	c.Endpoint = db.Endpoint
	c.Address = db.Address
	c.Port = db.Port
	c.InstanceArn = db.Arn
	c.SubnetGroupName = subnets.Name
	c.SecretArn = db.MasterUserSecrets.ApplyT(func(s []rds.InstanceMasterUserSecret) string {
		if len(s) == 0 || s[0].SecretArn == nil {
			return ""
		}
		return *s[0].SecretArn
	}).(pulumi.StringOutput)
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"endpoint": c.Endpoint, "address": c.Address, "port": c.Port, "secretArn": c.SecretArn, "instanceArn": c.InstanceArn, "subnetGroupName": c.SubnetGroupName,
		"databaseName": pulumi.String(c.DatabaseName), "username": pulumi.String(c.Username),
	}); err != nil {
		return nil, err
	}
	return c, nil
}
