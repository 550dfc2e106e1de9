// Package awsdatabase builds a customer's database on AWS from a database.Spec: an
// RDS for PostgreSQL instance with its subnet group and parameter group, the log
// groups of its exported logs, and the secret of the application role Odoo connects
// as (IAM-6) — never the master user.
package awsdatabase

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	concept "github.com/octura/odoo-hosting/components/database"
)

// Type is the component's type token.
const Type = concept.Type

// Port is the PostgreSQL port.
const Port = 5432

// Parameters are the parameter group settings: TLS required (ENC-1) and the logs
// an operator needs to audit connections. No statement text is logged: Odoo sends
// its values inside the SQL text, so a slow or failing statement's text would
// write customer data (and the application role's password, which the setup step
// sets) to the logs. Slow statements are found through Performance Insights,
// encrypted with the data key, instead.
func Parameters() map[string]string {
	return map[string]string{
		"rds.force_ssl":              "1", // ENC-1
		"log_connections":            "1",
		"log_disconnections":         "1",
		"log_min_duration_statement": "-1",    // never log a statement for its duration
		"log_min_error_statement":    "panic", // nor with an error
		"log_lock_waits":             "1",
	}
}

// LogExports are the log types the instance publishes to CloudWatch Logs.
var LogExports = []string{"postgresql", "upgrade"}

// LogGroupName is the log group RDS publishes log type of instance identifier
// to (RDS guide, "Publishing PostgreSQL logs to Amazon CloudWatch Logs").
func LogGroupName(identifier, logType string) string {
	return "/aws/rds/instance/" + identifier + "/" + logType
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
	// KeyArn is the data key: storage, performance data and the generated passwords
	// are encrypted with it (ENC-2). Required.
	KeyArn pulumi.StringInput
	// LogsKeyArn encrypts the exported logs' groups (ENC-2). Required.
	LogsKeyArn pulumi.StringInput
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
	// SecretArn is the Secrets Manager secret RDS generated for the master user,
	// which only the setup step reads.
	SecretArn pulumi.StringOutput `pulumi:"secretArn"`
	// Identifier is the instance's identifier, known before it exists.
	Identifier string
	// AppSecretArn is the secret of the application role (IAM-6): JSON with
	// username and password. AppSecretVersion changes when its password does.
	AppSecretArn     pulumi.StringOutput `pulumi:"appSecretArn"`
	AppSecretVersion pulumi.StringOutput `pulumi:"appSecretVersion"`
	// InstanceArn is the instance's ARN, for the backup selection.
	InstanceArn pulumi.StringOutput `pulumi:"instanceArn"`
	// SubnetGroupName is the database's subnet group, where restore tests restore
	// it (BAK-4).
	SubnetGroupName pulumi.StringOutput `pulumi:"subnetGroupName"`
	// DatabaseName and Username are the customer's database and its application
	// role; MasterUsername the instance's master user.
	DatabaseName   string
	Username       string
	MasterUsername string
}

// New validates args.Spec and builds the database; on an invalid spec or missing
// argument it returns every problem and registers nothing.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Database, error) {
	spec := args.Spec.WithDefaults()
	if err := spec.Validate(); err != nil {
		return nil, fmt.Errorf("database %s: %w", name, err)
	}
	if args.Provider == nil || args.SubnetIDs == nil || args.SecurityGroupID == nil || args.KeyArn == nil || args.LogsKeyArn == nil {
		return nil, fmt.Errorf("database %s: Provider, SubnetIDs, SecurityGroupID, KeyArn and LogsKeyArn are required", name)
	}
	c := &Database{DatabaseName: spec.DatabaseName, Username: spec.Username, MasterUsername: spec.MasterUsername, Identifier: name}
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
	for _, k := range []string{"log_connections", "log_disconnections", "log_lock_waits", "log_min_duration_statement", "log_min_error_statement", "rds.force_ssl"} {
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
	// The exported logs' groups, made before the instance so that RDS never makes
	// them without our key and retention (ENC-2).
	var logGroups []pulumi.Resource
	for _, t := range LogExports {
		lg, err := cloudwatch.NewLogGroup(ctx, name+"-"+t, &cloudwatch.LogGroupArgs{
			Name:            pulumi.String(LogGroupName(name, t)),
			KmsKeyId:        args.LogsKeyArn,
			RetentionInDays: pulumi.Int(spec.LogRetentionDays),
			Tags:            tags,
		}, append(child, pulumi.RetainOnDelete(true), pulumi.Protect(spec.Production))...) // BAK-6: the database's logs are kept
		if err != nil {
			return nil, err
		}
		logGroups = append(logGroups, lg)
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
		// IAM-6: the master user's password RDS generates, keeps and rotates in Secrets
		// Manager, encrypted with the data key; no password in configuration or
		// state. Odoo never connects as the master user.
		Username:                         pulumi.String(spec.MasterUsername),
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
		EnabledCloudwatchLogsExports: pulumi.ToStringArray(LogExports),
		Tags:                         tags,
	}, append(child, pulumi.RetainOnDelete(true), pulumi.Protect(spec.Production), pulumi.DependsOn(logGroups))...)
	if err != nil {
		return nil, err
	}

	// IAM-6: the application role's credentials, in a secret of ours encrypted with
	// the data key. The password is drawn once; the version ignores later draws, so
	// it changes only when an operator rotates it (docs/operations.md).
	appSecret, err := secretsmanager.NewSecret(ctx, name+"-app", &secretsmanager.SecretArgs{
		Description: pulumi.String("Application role " + spec.Username + " of the Odoo database of " + spec.Customer),
		KmsKeyId:    args.KeyArn,
		Tags:        tags,
	}, child...)
	if err != nil {
		return nil, err
	}
	credentials, err := newCredentials(spec.Username)
	if err != nil {
		return nil, err
	}
	appVersion, err := secretsmanager.NewSecretVersion(ctx, name+"-app", &secretsmanager.SecretVersionArgs{
		SecretId:     appSecret.ID(),
		SecretString: pulumi.ToSecret(pulumi.String(credentials)).(pulumi.StringOutput),
	}, append(child, pulumi.IgnoreChanges([]string{"secretString"}))...)
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
	c.AppSecretArn = appSecret.Arn
	c.AppSecretVersion = appVersion.VersionId
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"endpoint": c.Endpoint, "address": c.Address, "port": c.Port, "secretArn": c.SecretArn, "instanceArn": c.InstanceArn, "subnetGroupName": c.SubnetGroupName,
		"appSecretArn": c.AppSecretArn, "appSecretVersion": c.AppSecretVersion,
		"databaseName": pulumi.String(c.DatabaseName), "username": pulumi.String(c.Username), "masterUsername": pulumi.String(c.MasterUsername),
	}); err != nil {
		return nil, err
	}
	return c, nil
}

// newCredentials draws the application role's password (256 bits, URL-safe
// base64: no character that needs quoting in odoo.conf or SQL) and returns the
// secret's JSON.
func newCredentials(username string) (string, error) {
	pw := make([]byte, 32)
	if _, err := rand.Read(pw); err != nil {
		return "", err
	}
	b, err := json.Marshal(map[string]string{"username": username, "password": base64.RawURLEncoding.EncodeToString(pw)})
	return string(b), err
}
