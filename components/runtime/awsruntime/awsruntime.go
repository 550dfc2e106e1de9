// Package awsruntime builds a customer's Odoo runtime on AWS from a runtime.Spec:
// an application load balancer that speaks TLS 1.2+ only, with a target group for
// the HTTP workers and one for the websocket worker; ECS Fargate tasks in the app
// subnets that run the configured image by digest through a pull-through cache in
// the stack's region, scanned there (OPS-2); an encrypted EFS file store; encrypted
// log groups, Container Insights' included; and Odoo's master password, stored
// hashed in Secrets Manager with the data key.
package awsruntime

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/acm"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/efs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	concept "github.com/octura/odoo-hosting/components/runtime"
)

// Type is the component's type token.
const Type = concept.Type

// SSLPolicy accepts TLS 1.3 and 1.2 only (ENC-1).
const SSLPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06"

// OdooUID is the uid and gid of the odoo user in the official image; the file
// store's access point writes as it.
const OdooUID = 101

// Args are the inputs of New.
type Args struct {
	// Spec is what the runtime must be; it is validated before anything is registered.
	Spec concept.Spec
	// Provider is the AWS provider of the primary region. Required.
	Provider pulumi.ProviderResource
	// VpcID is the customer's VPC. Required.
	VpcID pulumi.StringInput
	// PublicSubnetIDs hold the load balancer. Required.
	PublicSubnetIDs pulumi.StringArrayInput
	// AppSubnetIDs hold the tasks and the file store's mount targets, one per zone;
	// at least Spec.Zones of them. Required.
	AppSubnetIDs pulumi.StringArrayInput
	// LoadBalancerSecurityGroupID admits 443 from the edge's ranges only (NET-3,
	// NET-8). Required.
	LoadBalancerSecurityGroupID pulumi.StringInput
	// AppSecurityGroupID admits the load balancer only (NET-3). Required.
	AppSecurityGroupID pulumi.StringInput
	// KeyArn is the data key: file store and ECS Exec sessions (ENC-2). Required.
	KeyArn pulumi.StringInput
	// LogsKeyArn encrypts the application logs (ENC-2). Required.
	LogsKeyArn pulumi.StringInput
	// OriginCertificatePEM and OriginPrivateKeyPEM are the edge's Origin CA
	// certificate for the hostnames, imported into ACM (ENC-1, NET-8). Required; the
	// key is kept secret.
	OriginCertificatePEM pulumi.StringInput
	OriginPrivateKeyPEM  pulumi.StringInput
	// OriginPullCAPEM is the CA (PEM) of the client certificate the edge presents
	// (per-hostname authenticated origin pulls): the listener verifies every client
	// certificate against it and refuses connections without one (NET-8). Required.
	OriginPullCAPEM pulumi.StringInput
	// DatabaseAddress is the database host. Required.
	DatabaseAddress pulumi.StringInput
	// DatabaseSecretArn is the secret with the application role's username and
	// password (IAM-6): what Odoo connects as. Required.
	DatabaseSecretArn pulumi.StringInput
	// MasterSecretArn is the RDS-managed secret of the master user: read only by the
	// setup container, at each task start, to keep the application role. Required.
	MasterSecretArn pulumi.StringInput
	// DatabaseSecretVersion changes when the application role's password does; the
	// service is redeployed then, so the tasks read the new password (rotation).
	DatabaseSecretVersion pulumi.StringInput
	// SMTPPassword is the mail relay's password, a secret; required with Spec.Mail.
	SMTPPassword pulumi.StringInput
}

// Runtime is a customer's Odoo runtime on AWS.
type Runtime struct {
	pulumi.ResourceState

	// LoadBalancerDNSName is where the edge sends requests.
	LoadBalancerDNSName pulumi.StringOutput `pulumi:"loadBalancerDnsName"`
	LoadBalancerArn     pulumi.StringOutput `pulumi:"loadBalancerArn"`
	// TargetGroupArns are the load balancer's target groups (OPS-1 watches their health).
	TargetGroupArns []pulumi.StringOutput
	// CertificateArn is the imported origin certificate (OPS-1 watches its expiry).
	CertificateArn pulumi.StringOutput `pulumi:"certificateArn"`
	ClusterName    pulumi.StringOutput `pulumi:"clusterName"`
	ServiceName    pulumi.StringOutput `pulumi:"serviceName"`
	// FileSystemID and FileSystemArn are the EFS file store, for the backup selection.
	FileSystemID  pulumi.StringOutput `pulumi:"fileSystemId"`
	FileSystemArn pulumi.StringOutput `pulumi:"fileSystemArn"`
	// Image is the image the tasks run, through the cache and by digest;
	// ImageDigest its digest and OdooVersion the Odoo version it carries (OPS-2).
	Image       pulumi.StringOutput `pulumi:"image"`
	ImageDigest string
	OdooVersion string
}

// New validates args.Spec and builds the runtime; on an invalid spec or missing
// argument it returns every problem and registers nothing.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Runtime, error) {
	spec := args.Spec.WithDefaults()
	if err := spec.Validate(); err != nil {
		return nil, fmt.Errorf("runtime %s: %w", name, err)
	}
	if args.Provider == nil || args.VpcID == nil || args.PublicSubnetIDs == nil || args.AppSubnetIDs == nil ||
		args.LoadBalancerSecurityGroupID == nil || args.AppSecurityGroupID == nil || args.KeyArn == nil || args.LogsKeyArn == nil ||
		args.OriginCertificatePEM == nil || args.OriginPrivateKeyPEM == nil || args.OriginPullCAPEM == nil ||
		args.DatabaseAddress == nil || args.DatabaseSecretArn == nil || args.MasterSecretArn == nil ||
		(spec.Mail != nil && args.SMTPPassword == nil) {
		return nil, fmt.Errorf("runtime %s: every argument of awsruntime.Args is required", name)
	}
	img, _ := concept.ParseImage(spec.Image) // validated above
	c := &Runtime{ImageDigest: img.Digest, OdooVersion: spec.Version}
	if err := ctx.RegisterComponentResource(Type, name, c, opts...); err != nil {
		return nil, err
	}
	child := []pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(args.Provider)}
	with := func(extra ...pulumi.ResourceOption) []pulumi.ResourceOption {
		return append(append([]pulumi.ResourceOption{}, child...), extra...)
	}
	tags := pulumi.StringMap{"customer": pulumi.String(spec.Customer), "managed-by": pulumi.String("odoo-hosting")}

	// ENC-1, NET-8: the edge's Origin CA certificate, trusted only by the edge.
	cert, err := acm.NewCertificate(ctx, name, &acm.CertificateArgs{
		CertificateBody: args.OriginCertificatePEM,
		PrivateKey:      pulumi.ToSecret(args.OriginPrivateKeyPEM).(pulumi.StringOutput),
		Tags:            tags,
	}, child...)
	if err != nil {
		return nil, err
	}
	alb, err := lb.NewLoadBalancer(ctx, concept.LoadBalancerName(name), &lb.LoadBalancerArgs{
		LoadBalancerType:         pulumi.String("application"),
		Internal:                 pulumi.Bool(false),
		Subnets:                  args.PublicSubnetIDs,
		SecurityGroups:           pulumi.StringArray{args.LoadBalancerSecurityGroupID}, // NET-3, NET-8
		DropInvalidHeaderFields:  pulumi.Bool(true),
		EnableDeletionProtection: pulumi.Bool(spec.Production),
		// At least Cloudflare's 100 s proxy read timeout: a long report ends at the
		// edge's limit, not in the load balancer's 504 at its default 60 s.
		IdleTimeout: pulumi.Int(concept.IdleTimeoutSeconds),
		// Cloudflare appends the visitor's address to X-Forwarded-For; the load
		// balancer keeps the header as it came (its default appends Cloudflare's
		// address), so Odoo's proxy fix, which trusts the last entry, sees the
		// visitor (ELB guide, "HTTP headers and Application Load Balancers").
		XffHeaderProcessingMode: pulumi.String("preserve"),
		Tags:                    tags,
	}, child...)
	if err != nil {
		return nil, err
	}
	tg, err := newTargetGroup(ctx, concept.LoadBalancerName(name), concept.AppPort, args.VpcID, tags, child)
	if err != nil {
		return nil, err
	}
	// The websocket worker: Odoo 16+ serves the bus on /websocket from the evented
	// worker's port in multi-process mode, so it has its own target group.
	wsTG, err := newTargetGroup(ctx, concept.WebsocketTargetGroupName(name), concept.WebsocketPort, args.VpcID, tags, child)
	if err != nil {
		return nil, err
	}
	trust, err := newTrustStore(ctx, name, args, spec.Production, tags, child)
	if err != nil {
		return nil, err
	}
	// ENC-1: HTTPS with TLS 1.2+ only; there is no port-80 listener. Requests for
	// hostnames that are not the customer's get a 404 (NET-8). NET-8: mutual TLS in
	// verify mode: only a client with a certificate of our origin-pull CA (the edge)
	// completes the handshake.
	listener, err := lb.NewListener(ctx, name+"-https", &lb.ListenerArgs{
		MutualAuthentication: &lb.ListenerMutualAuthenticationArgs{
			Mode: pulumi.String("verify"), TrustStoreArn: trust.Arn, IgnoreClientCertificateExpiry: pulumi.Bool(false),
		},
		LoadBalancerArn: alb.Arn,
		Port:            pulumi.Int(443),
		Protocol:        pulumi.String("HTTPS"),
		SslPolicy:       pulumi.String(SSLPolicy),
		CertificateArn:  cert.Arn,
		DefaultActions: lb.ListenerDefaultActionArray{lb.ListenerDefaultActionArgs{
			Type: pulumi.String("fixed-response"),
			FixedResponse: &lb.ListenerDefaultActionFixedResponseArgs{
				ContentType: pulumi.String("text/plain"), StatusCode: pulumi.String("404"), MessageBody: pulumi.String("not found"),
			},
		}},
		Tags: tags,
	}, child...)
	if err != nil {
		return nil, err
	}
	rule, err := lb.NewListenerRule(ctx, name+"-hosts", &lb.ListenerRuleArgs{
		ListenerArn: listener.Arn,
		Priority:    pulumi.Int(10),
		Conditions: lb.ListenerRuleConditionArray{lb.ListenerRuleConditionArgs{
			HostHeader: &lb.ListenerRuleConditionHostHeaderArgs{Values: pulumi.ToStringArray(spec.Hostnames)},
		}},
		Actions: lb.ListenerRuleActionArray{lb.ListenerRuleActionArgs{Type: pulumi.String("forward"), TargetGroupArn: tg.Arn}},
		Tags:    tags,
	}, child...)
	if err != nil {
		return nil, err
	}
	wsRule, err := lb.NewListenerRule(ctx, name+"-websocket", &lb.ListenerRuleArgs{
		ListenerArn: listener.Arn,
		Priority:    pulumi.Int(5),
		Conditions: lb.ListenerRuleConditionArray{
			lb.ListenerRuleConditionArgs{HostHeader: &lb.ListenerRuleConditionHostHeaderArgs{Values: pulumi.ToStringArray(spec.Hostnames)}},
			lb.ListenerRuleConditionArgs{PathPattern: &lb.ListenerRuleConditionPathPatternArgs{
				Values: pulumi.ToStringArray([]string{concept.WebsocketPath, concept.WebsocketPath + "/*"}),
			}},
		},
		Actions: lb.ListenerRuleActionArray{lb.ListenerRuleActionArgs{Type: pulumi.String("forward"), TargetGroupArn: wsTG.Arn}},
		Tags:    tags,
	}, child...)
	if err != nil {
		return nil, err
	}

	logs, err := cloudwatch.NewLogGroup(ctx, name, &cloudwatch.LogGroupArgs{
		Name:            pulumi.String("/odoo-hosting/" + name),
		KmsKeyId:        args.LogsKeyArn, // ENC-2
		RetentionInDays: pulumi.Int(spec.LogRetentionDays),
		Tags:            tags,
	}, with(pulumi.RetainOnDelete(true), pulumi.Protect(spec.Production))...) // BAK-6
	if err != nil {
		return nil, err
	}
	// Container Insights writes to this group; made first, with our key and
	// retention, it is never created by the service with neither (ENC-2).
	insights, err := cloudwatch.NewLogGroup(ctx, name+"-insights", &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(ContainerInsightsLogGroup(name)),
		KmsKeyId:        args.LogsKeyArn,
		RetentionInDays: pulumi.Int(spec.LogRetentionDays),
		Tags:            tags,
	}, with(pulumi.RetainOnDelete(true), pulumi.Protect(spec.Production))...) // BAK-6
	if err != nil {
		return nil, err
	}
	cluster, err := ecs.NewCluster(ctx, name, &ecs.ClusterArgs{
		Name:     pulumi.String(name),
		Settings: ecs.ClusterSettingArray{ecs.ClusterSettingArgs{Name: pulumi.String("containerInsights"), Value: pulumi.String("enabled")}},
		Configuration: &ecs.ClusterConfigurationArgs{ExecuteCommandConfiguration: &ecs.ClusterConfigurationExecuteCommandConfigurationArgs{
			KmsKeyId: args.KeyArn, // IAM-5 sessions encrypted with the data key
			Logging:  pulumi.String("DEFAULT"),
		}},
		Tags: tags,
	}, with(pulumi.DependsOn([]pulumi.Resource{insights}))...)
	if err != nil {
		return nil, err
	}

	// OPS-2: the image comes through a pull-through cache in the stack's region and
	// is scanned there, continuously, by enhanced scanning (Amazon Inspector).
	cache, err := ecr.NewPullThroughCacheRule(ctx, name, &ecr.PullThroughCacheRuleArgs{
		EcrRepositoryPrefix: pulumi.String(concept.CachePrefix(spec)),
		UpstreamRegistryUrl: pulumi.String(concept.CacheRegistries[img.Registry]),
	}, child...)
	if err != nil {
		return nil, err
	}
	scanning, err := ecr.NewRegistryScanningConfiguration(ctx, name, &ecr.RegistryScanningConfigurationArgs{
		ScanType: pulumi.String("ENHANCED"),
		Rules: ecr.RegistryScanningConfigurationRuleArray{ecr.RegistryScanningConfigurationRuleArgs{
			ScanFrequency: pulumi.String("CONTINUOUS_SCAN"),
			RepositoryFilters: ecr.RegistryScanningConfigurationRuleRepositoryFilterArray{ecr.RegistryScanningConfigurationRuleRepositoryFilterArgs{
				Filter: pulumi.String(concept.CachePrefix(spec) + "/*"), FilterType: pulumi.String("WILDCARD"),
			}},
		}},
	}, child...)
	if err != nil {
		return nil, err
	}

	// Odoo's master password: drawn once, stored only as its hash, encrypted with
	// the data key; the plan and the state hold it as a secret.
	adminHash, err := newAdminPasswordHash()
	if err != nil {
		return nil, err
	}
	admin, err := secretsmanager.NewSecret(ctx, name+"-admin", &secretsmanager.SecretArgs{
		Description: pulumi.String("Hash of the Odoo master password of " + spec.Customer + " (database manager off)"),
		KmsKeyId:    args.KeyArn, // ENC-2
		Tags:        tags,
	}, child...)
	if err != nil {
		return nil, err
	}
	if _, err := secretsmanager.NewSecretVersion(ctx, name+"-admin", &secretsmanager.SecretVersionArgs{
		SecretId:     admin.ID(),
		SecretString: pulumi.ToSecret(pulumi.String(adminHash)).(pulumi.StringOutput),
	}, with(pulumi.IgnoreChanges([]string{"secretString"}))...); err != nil {
		return nil, err
	}

	// The mail relay's password, in Secrets Manager with the data key; state holds
	// it only as a secret (it comes from the stack's secret configuration).
	smtpArn := pulumi.String("").ToStringOutput()
	if spec.Mail != nil {
		smtp, err := secretsmanager.NewSecret(ctx, name+"-smtp", &secretsmanager.SecretArgs{
			Description: pulumi.String("Password of the mail relay user " + spec.Mail.User + " of " + spec.Customer),
			KmsKeyId:    args.KeyArn, // ENC-2
			Tags:        tags,
		}, child...)
		if err != nil {
			return nil, err
		}
		if _, err := secretsmanager.NewSecretVersion(ctx, name+"-smtp", &secretsmanager.SecretVersionArgs{
			SecretId:     smtp.ID(),
			SecretString: pulumi.ToSecret(args.SMTPPassword).(pulumi.StringOutput),
		}, child...); err != nil {
			return nil, err
		}
		smtpArn = smtp.Arn
	}

	// The file store: EFS encrypted with the data key (ENC-2), never lost (BAK-6),
	// reachable on NFS from the app tier only (NET-3).
	fs, err := efs.NewFileSystem(ctx, name, &efs.FileSystemArgs{
		CreationToken:   pulumi.String(name),
		Encrypted:       pulumi.Bool(true),
		KmsKeyId:        args.KeyArn,
		PerformanceMode: pulumi.String("generalPurpose"),
		ThroughputMode:  pulumi.String("elastic"),
		Tags:            tags,
	}, with(pulumi.RetainOnDelete(true), pulumi.Protect(spec.Production))...)
	if err != nil {
		return nil, err
	}
	nfs, err := ec2.NewSecurityGroup(ctx, name+"-filestore", &ec2.SecurityGroupArgs{
		Description: pulumi.String("NFS to the file store of " + spec.Customer + " from the app tier only"),
		VpcId:       args.VpcID,
		Ingress: ec2.SecurityGroupIngressArray{ec2.SecurityGroupIngressArgs{
			Description: pulumi.String("NFS from the app tier"), Protocol: pulumi.String("tcp"),
			FromPort: pulumi.Int(2049), ToPort: pulumi.Int(2049), SecurityGroups: pulumi.StringArray{args.AppSecurityGroupID},
		}},
		Tags: tags,
	}, child...)
	if err != nil {
		return nil, err
	}
	// NET-3: groups made by the provider have no default egress, so the app group
	// needs its own rule to reach the mount targets (the ingress above is half).
	nfsOut, err := vpc.NewSecurityGroupEgressRule(ctx, name+"-app-to-filestore", &vpc.SecurityGroupEgressRuleArgs{
		SecurityGroupId: args.AppSecurityGroupID, ReferencedSecurityGroupId: nfs.ID(),
		IpProtocol: pulumi.String("tcp"), FromPort: pulumi.Int(2049), ToPort: pulumi.Int(2049),
		Description: pulumi.String("NFS to the file store"),
	}, child...)
	if err != nil {
		return nil, err
	}
	// NET-3: the mail relay (finding 10): SMTP with STARTTLS on the configured port
	// only. The relay is a hostname (SES's endpoint, or the customer's server), so the
	// rule names the port, not an address; the app subnets reach it through NAT.
	if spec.Mail != nil {
		if _, err := vpc.NewSecurityGroupEgressRule(ctx, name+"-app-to-mail", &vpc.SecurityGroupEgressRuleArgs{
			SecurityGroupId: args.AppSecurityGroupID, CidrIpv4: pulumi.String("0.0.0.0/0"),
			IpProtocol: pulumi.String("tcp"), FromPort: pulumi.Int(spec.Mail.Port), ToPort: pulumi.Int(spec.Mail.Port),
			Description: pulumi.String("SMTP with STARTTLS to the mail relay " + spec.Mail.Host),
		}, child...); err != nil {
			return nil, err
		}
	}
	mounts := []pulumi.Resource{nfsOut}
	subnets := args.AppSubnetIDs.ToStringArrayOutput()
	for i := 0; i < spec.Zones; i++ {
		mt, err := efs.NewMountTarget(ctx, name+"-"+strconv.Itoa(i), &efs.MountTargetArgs{
			FileSystemId:   fs.ID().ToStringOutput(),
			SubnetId:       subnets.Index(pulumi.Int(i)),
			SecurityGroups: pulumi.StringArray{nfs.ID().ToStringOutput()},
		}, child...)
		if err != nil {
			return nil, err
		}
		mounts = append(mounts, mt)
	}
	ap, err := efs.NewAccessPoint(ctx, name, &efs.AccessPointArgs{
		FileSystemId: fs.ID().ToStringOutput(),
		PosixUser:    &efs.AccessPointPosixUserArgs{Uid: pulumi.Int(OdooUID), Gid: pulumi.Int(OdooUID)},
		RootDirectory: &efs.AccessPointRootDirectoryArgs{
			Path: pulumi.String("/odoo"),
			CreationInfo: &efs.AccessPointRootDirectoryCreationInfoArgs{
				OwnerUid: pulumi.Int(OdooUID), OwnerGid: pulumi.Int(OdooUID), Permissions: pulumi.String("750"),
			},
		},
		Tags: tags,
	}, child...)
	if err != nil {
		return nil, err
	}

	// Least-privilege roles: the execution role pulls the database secret and writes
	// logs; the task role mounts the file store through its access point and opens
	// ECS Exec sessions (IAM-5).
	execRole, err := iam.NewRole(ctx, concept.RoleName(name, "execution"), &iam.RoleArgs{
		Description: pulumi.String("ECS task execution role of " + name), AssumeRolePolicy: pulumi.String(ecsTasksTrust), Tags: tags,
	}, child...)
	if err != nil {
		return nil, err
	}
	if _, err := iam.NewRolePolicy(ctx, name+"-execution", &iam.RolePolicyArgs{
		Role: execRole.Name,
		Policy: pulumi.All(logs.Arn, args.DatabaseSecretArn, args.MasterSecretArn, admin.Arn, args.KeyArn, smtpArn).ApplyT(func(v []any) (string, error) {
			region, err := regionOfArn(v[0].(string))
			if err != nil {
				return "", err
			}
			account, err := accountOfArn(v[0].(string))
			if err != nil {
				return "", err
			}
			repos := fmt.Sprintf("arn:aws:ecr:%s:%s:repository/%s/*", region, account, concept.CachePrefix(spec))
			secrets := []string{v[1].(string), v[2].(string), v[3].(string)}
			if spec.Mail != nil {
				secrets = append(secrets, v[5].(string))
			}
			return policy(
				stmt([]string{"logs:CreateLogStream", "logs:PutLogEvents"}, v[0].(string)+":*"),
				stmts([]string{"secretsmanager:GetSecretValue"}, secrets...),
				stmt([]string{"kms:Decrypt"}, v[4].(string)),
				// Pulling through the cache: the first pull imports the image and makes
				// its repository under the stack's prefix (ECR guide, pull through cache IAM).
				stmt([]string{"ecr:GetAuthorizationToken"}, "*"),
				stmt([]string{"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer",
					"ecr:BatchImportUpstreamImage", "ecr:CreateRepository"}, repos),
			)
		}).(pulumi.StringOutput),
	}, child...); err != nil {
		return nil, err
	}
	taskRole, err := iam.NewRole(ctx, concept.RoleName(name, "task"), &iam.RoleArgs{
		Description: pulumi.String("ECS task role of " + name), AssumeRolePolicy: pulumi.String(ecsTasksTrust), Tags: tags,
	}, child...)
	if err != nil {
		return nil, err
	}
	if _, err := iam.NewRolePolicy(ctx, name+"-task", &iam.RolePolicyArgs{
		Role: taskRole.Name,
		Policy: pulumi.All(fs.Arn, ap.Arn, args.KeyArn, logs.Arn).ApplyT(func(v []any) (string, error) {
			efsStmt := stmt([]string{"elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"}, v[0].(string))
			efsStmt["Condition"] = map[string]any{"StringEquals": map[string]string{"elasticfilesystem:AccessPointArn": v[1].(string)}}
			// ECS Exec: the agent decrypts the session key directly (not through a
			// service), so only for requests that carry a session (IAM-5).
			kmsStmt := stmt([]string{"kms:Decrypt"}, v[2].(string))
			kmsStmt["Condition"] = map[string]any{"Null": map[string]string{"kms:EncryptionContext:aws:ssm:SessionId": "false"}}
			return policy(
				efsStmt,
				// ECS Exec: the ssmmessages actions have no resource-level scope.
				stmt([]string{"ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"}, "*"),
				kmsStmt,
				// ECS Exec session logs (logging DEFAULT: the task's awslogs group) are
				// written by the agent with the task role.
				stmt([]string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"}, v[3].(string)+":*"),
				stmt([]string{"logs:DescribeLogGroups"}, "*"),
			)
		}).(pulumi.StringOutput),
	}, child...); err != nil {
		return nil, err
	}

	image := logs.Arn.ApplyT(func(arn string) (string, error) {
		region, err := regionOfArn(arn)
		if err != nil {
			return "", err
		}
		account, err := accountOfArn(arn)
		if err != nil {
			return "", err
		}
		return concept.CachedImage(spec, account, region)
	}).(pulumi.StringOutput)
	containers := pulumi.All(args.DatabaseAddress, args.DatabaseSecretArn, args.MasterSecretArn, admin.Arn, logs.Name, logs.Arn, image, smtpArn).ApplyT(func(v []any) (string, error) {
		region, err := regionOfArn(v[5].(string))
		if err != nil {
			return "", err
		}
		return ContainerDefinitions(spec, ContainerInputs{
			Image: v[6].(string), DatabaseHost: v[0].(string), AppSecretArn: v[1].(string), MasterSecretArn: v[2].(string),
			AdminSecretArn: v[3].(string), LogGroup: v[4].(string), Region: region, SMTPSecretArn: v[7].(string),
		})
	}).(pulumi.StringOutput)
	task, err := ecs.NewTaskDefinition(ctx, name, &ecs.TaskDefinitionArgs{
		Family:                  pulumi.String(name),
		RequiresCompatibilities: pulumi.StringArray{pulumi.String("FARGATE")},
		NetworkMode:             pulumi.String("awsvpc"),
		Cpu:                     pulumi.String(strconv.Itoa(spec.CPU)),
		Memory:                  pulumi.String(strconv.Itoa(spec.MemoryMiB)),
		ExecutionRoleArn:        execRole.Arn,
		TaskRoleArn:             taskRole.Arn,
		ContainerDefinitions:    containers,
		RuntimePlatform: &ecs.TaskDefinitionRuntimePlatformArgs{
			OperatingSystemFamily: pulumi.String("LINUX"), CpuArchitecture: pulumi.String("X86_64"),
		},
		Volumes: ecs.TaskDefinitionVolumeArray{ecs.TaskDefinitionVolumeArgs{Name: pulumi.String(ConfigVolume)}, ecs.TaskDefinitionVolumeArgs{
			Name: pulumi.String(FileStoreVolume),
			EfsVolumeConfiguration: &ecs.TaskDefinitionVolumeEfsVolumeConfigurationArgs{
				FileSystemId:      fs.ID().ToStringOutput(),
				TransitEncryption: pulumi.String("ENABLED"), // ENC-1 inside the VPC too
				AuthorizationConfig: &ecs.TaskDefinitionVolumeEfsVolumeConfigurationAuthorizationConfigArgs{
					AccessPointId: ap.ID().ToStringOutput(), Iam: pulumi.String("ENABLED"),
				},
			},
		}},
		Tags: tags,
	}, child...)
	if err != nil {
		return nil, err
	}
	svc, err := ecs.NewService(ctx, name, &ecs.ServiceArgs{
		Name:            pulumi.String(name),
		Cluster:         cluster.Arn,
		TaskDefinition:  task.Arn,
		LaunchType:      pulumi.String("FARGATE"),
		PlatformVersion: pulumi.String("LATEST"),
		DesiredCount:    pulumi.Int(spec.DesiredCount), // DAT-2
		// NET-2, NET-3: private addresses in the app subnets, behind the app group.
		NetworkConfiguration: &ecs.ServiceNetworkConfigurationArgs{
			AssignPublicIp: pulumi.Bool(false),
			Subnets:        args.AppSubnetIDs,
			SecurityGroups: pulumi.StringArray{args.AppSecurityGroupID},
		},
		LoadBalancers: ecs.ServiceLoadBalancerArray{ecs.ServiceLoadBalancerArgs{
			TargetGroupArn: tg.Arn, ContainerName: pulumi.String(ContainerName), ContainerPort: pulumi.Int(concept.AppPort),
		}, ecs.ServiceLoadBalancerArgs{
			TargetGroupArn: wsTG.Arn, ContainerName: pulumi.String(ContainerName), ContainerPort: pulumi.Int(concept.WebsocketPort),
		}},
		// A new password of the application role redeploys the service: new tasks
		// read it at start (rotation, docs/operations.md).
		ForceNewDeployment:              pulumi.Bool(args.DatabaseSecretVersion != nil),
		Triggers:                        triggers(args.DatabaseSecretVersion),
		HealthCheckGracePeriodSeconds:   pulumi.Int(300),
		DeploymentMinimumHealthyPercent: pulumi.Int(100),
		DeploymentMaximumPercent:        pulumi.Int(200),
		DeploymentCircuitBreaker:        &ecs.ServiceDeploymentCircuitBreakerArgs{Enable: pulumi.Bool(true), Rollback: pulumi.Bool(true)},
		EnableExecuteCommand:            pulumi.Bool(true), // IAM-5
		PropagateTags:                   pulumi.String("SERVICE"),
		Tags:                            tags,
	}, with(pulumi.DependsOn(append([]pulumi.Resource{rule, wsRule, cache, scanning}, mounts...)))...)
	if err != nil {
		return nil, err
	}

	c.LoadBalancerDNSName = alb.DnsName
	c.LoadBalancerArn = alb.Arn
	c.TargetGroupArns = []pulumi.StringOutput{tg.Arn, wsTG.Arn}
	c.CertificateArn = cert.Arn
	c.ClusterName = cluster.Name
	c.ServiceName = svc.Name
	c.FileSystemID = fs.ID().ToStringOutput()
	c.FileSystemArn = fs.Arn
	c.Image = image
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"loadBalancerDnsName": c.LoadBalancerDNSName, "loadBalancerArn": c.LoadBalancerArn, "clusterName": c.ClusterName,
		"serviceName": c.ServiceName, "fileSystemId": c.FileSystemID, "fileSystemArn": c.FileSystemArn,
		"image": c.Image, "imageDigest": pulumi.String(c.ImageDigest), "odooVersion": pulumi.String(c.OdooVersion),
	}); err != nil {
		return nil, err
	}
	return c, nil
}

const ecsTasksTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// ContainerInsightsLogGroup is the log group Container Insights writes the
// performance events of cluster to (CloudWatch guide, Container Insights).
func ContainerInsightsLogGroup(cluster string) string {
	return "/aws/ecs/containerinsights/" + cluster + "/performance"
}

func triggers(version pulumi.StringInput) pulumi.StringMap {
	if version == nil {
		return nil
	}
	return pulumi.StringMap{"databaseSecretVersion": version}
}

func stmts(actions []string, resources ...string) map[string]any {
	return map[string]any{"Effect": "Allow", "Action": actions, "Resource": resources}
}

func stmt(actions []string, resource string) map[string]any {
	return map[string]any{"Effect": "Allow", "Action": actions, "Resource": resource}
}

func policy(statements ...map[string]any) (string, error) {
	b, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": statements})
	return string(b), err
}

// newTargetGroup is one of the load balancer's target groups: the Odoo tasks' port,
// health-checked on Odoo's health route.
func newTargetGroup(ctx *pulumi.Context, name string, port int, vpcID pulumi.StringInput, tags pulumi.StringMap, child []pulumi.ResourceOption) (*lb.TargetGroup, error) {
	return lb.NewTargetGroup(ctx, name, &lb.TargetGroupArgs{
		TargetType: pulumi.String("ip"),
		Protocol:   pulumi.String("HTTP"),
		Port:       pulumi.Int(port),
		VpcId:      vpcID,
		HealthCheck: &lb.TargetGroupHealthCheckArgs{
			Enabled: pulumi.Bool(true), Path: pulumi.String(concept.HealthPath), Protocol: pulumi.String("HTTP"),
			Matcher: pulumi.String("200"), Interval: pulumi.Int(30), HealthyThreshold: pulumi.Int(2), UnhealthyThreshold: pulumi.Int(3),
		},
		DeregistrationDelay: pulumi.Int(30),
		Tags:                tags,
	}, child...)
}

// newTrustStore keeps the origin-pull CA where an ALB trust store reads it, an S3
// object (AWS: "Mutual authentication with TLS in Application Load Balancer"; pulumi-aws
// lb.TrustStore), in a private, versioned bucket encrypted with the data key and
// reachable over TLS only, like every bucket of the stack.
// Like every bucket of a production stack it is retained and protected (BAK-6).
func newTrustStore(ctx *pulumi.Context, name string, args Args, production bool, tags pulumi.StringMap, child []pulumi.ResourceOption) (*lb.TrustStore, error) {
	n := name + "-trust"
	keep := append(append([]pulumi.ResourceOption{}, child...), pulumi.RetainOnDelete(true), pulumi.Protect(production))
	b, err := s3.NewBucketV2(ctx, n, &s3.BucketV2Args{BucketPrefix: pulumi.String("odoo-trust-"), Tags: tags}, keep...)
	if err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketVersioningV2(ctx, n, &s3.BucketVersioningV2Args{
		Bucket:                  b.ID().ToStringOutput(),
		VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
	}, child...); err != nil {
		return nil, err
	}
	sse, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, n, &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: b.ID().ToStringOutput(),
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
				SseAlgorithm: pulumi.String("aws:kms"), KmsMasterKeyId: args.KeyArn,
			},
			BucketKeyEnabled: pulumi.Bool(true),
		}},
	}, child...)
	if err != nil {
		return nil, err
	}
	pab, err := s3.NewBucketPublicAccessBlock(ctx, n, &s3.BucketPublicAccessBlockArgs{
		Bucket:          b.ID().ToStringOutput(),
		BlockPublicAcls: pulumi.Bool(true), BlockPublicPolicy: pulumi.Bool(true),
		IgnorePublicAcls: pulumi.Bool(true), RestrictPublicBuckets: pulumi.Bool(true),
	}, child...)
	if err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketPolicy(ctx, n, &s3.BucketPolicyArgs{
		Bucket: b.ID().ToStringOutput(),
		Policy: b.Arn.ApplyT(func(arn string) (string, error) {
			p, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
				"Sid": "DenyPlainHTTP", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
				"Resource":  []string{arn, arn + "/*"},
				"Condition": map[string]any{"Bool": map[string]string{"aws:SecureTransport": "false"}},
			}}})
			return string(p), err
		}).(pulumi.StringOutput),
	}, append(child, pulumi.DependsOn([]pulumi.Resource{pab}))...); err != nil {
		return nil, err
	}
	obj, err := s3.NewBucketObjectv2(ctx, n, &s3.BucketObjectv2Args{
		Bucket: b.ID().ToStringOutput(), Key: pulumi.String("origin-pull-ca.pem"),
		Content: args.OriginPullCAPEM, ContentType: pulumi.String("application/x-pem-file"), Tags: tags,
	}, append(child, pulumi.DependsOn([]pulumi.Resource{sse}))...)
	if err != nil {
		return nil, err
	}
	return lb.NewTrustStore(ctx, n, &lb.TrustStoreArgs{
		CaCertificatesBundleS3Bucket: b.ID().ToStringOutput(), CaCertificatesBundleS3Key: obj.Key,
		CaCertificatesBundleS3ObjectVersion: obj.VersionId, Tags: tags,
	}, child...)
}
