// Package awsruntime builds a customer's Odoo runtime on AWS from a runtime.Spec:
// an application load balancer that speaks TLS 1.2+ only, ECS Fargate tasks in the
// app subnets, an encrypted EFS file store and an encrypted log group.
package awsruntime

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/acm"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/efs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	concept "github.com/octura/odoo-hosting/components/runtime"
)

// Type is the component's type token.
const Type = "odoo-hosting:runtime:Runtime"

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
	// DatabaseAddress is the database host. Required.
	DatabaseAddress pulumi.StringInput
	// DatabaseSecretArn is the secret with the database user and password (IAM-6). Required.
	DatabaseSecretArn pulumi.StringInput
}

// Runtime is a customer's Odoo runtime on AWS.
type Runtime struct {
	pulumi.ResourceState

	// LoadBalancerDNSName is where the edge sends requests.
	LoadBalancerDNSName pulumi.StringOutput `pulumi:"loadBalancerDnsName"`
	LoadBalancerArn     pulumi.StringOutput `pulumi:"loadBalancerArn"`
	ClusterName         pulumi.StringOutput `pulumi:"clusterName"`
	ServiceName         pulumi.StringOutput `pulumi:"serviceName"`
	// FileSystemID and FileSystemArn are the EFS file store, for the backup selection.
	FileSystemID  pulumi.StringOutput `pulumi:"fileSystemId"`
	FileSystemArn pulumi.StringOutput `pulumi:"fileSystemArn"`
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
		args.OriginCertificatePEM == nil || args.OriginPrivateKeyPEM == nil || args.DatabaseAddress == nil || args.DatabaseSecretArn == nil {
		return nil, fmt.Errorf("runtime %s: every argument of awsruntime.Args is required", name)
	}
	c := &Runtime{}
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
	alb, err := lb.NewLoadBalancer(ctx, name, &lb.LoadBalancerArgs{
		LoadBalancerType:         pulumi.String("application"),
		Internal:                 pulumi.Bool(false),
		Subnets:                  args.PublicSubnetIDs,
		SecurityGroups:           pulumi.StringArray{args.LoadBalancerSecurityGroupID}, // NET-3, NET-8
		DropInvalidHeaderFields:  pulumi.Bool(true),
		EnableDeletionProtection: pulumi.Bool(spec.Production),
		Tags:                     tags,
	}, child...)
	if err != nil {
		return nil, err
	}
	tg, err := lb.NewTargetGroup(ctx, name, &lb.TargetGroupArgs{
		TargetType: pulumi.String("ip"),
		Protocol:   pulumi.String("HTTP"),
		Port:       pulumi.Int(concept.AppPort),
		VpcId:      args.VpcID,
		HealthCheck: &lb.TargetGroupHealthCheckArgs{
			Enabled: pulumi.Bool(true), Path: pulumi.String(concept.HealthPath), Protocol: pulumi.String("HTTP"),
			Matcher: pulumi.String("200"), Interval: pulumi.Int(30), HealthyThreshold: pulumi.Int(2), UnhealthyThreshold: pulumi.Int(3),
		},
		DeregistrationDelay: pulumi.Int(30),
		Tags:                tags,
	}, child...)
	if err != nil {
		return nil, err
	}
	// ENC-1: HTTPS with TLS 1.2+ only; there is no port-80 listener. Requests for
	// hostnames that are not the customer's get a 404 (NET-8).
	listener, err := lb.NewListener(ctx, name+"-https", &lb.ListenerArgs{
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

	logs, err := cloudwatch.NewLogGroup(ctx, name, &cloudwatch.LogGroupArgs{
		Name:            pulumi.String("/odoo-hosting/" + name),
		KmsKeyId:        args.LogsKeyArn, // ENC-2
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
	}, child...)
	if err != nil {
		return nil, err
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
	var mounts []pulumi.Resource
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
	execRole, err := iam.NewRole(ctx, name+"-execution", &iam.RoleArgs{
		Description: pulumi.String("ECS task execution role of " + name), AssumeRolePolicy: pulumi.String(ecsTasksTrust), Tags: tags,
	}, child...)
	if err != nil {
		return nil, err
	}
	if _, err := iam.NewRolePolicy(ctx, name+"-execution", &iam.RolePolicyArgs{
		Role: execRole.Name,
		Policy: pulumi.All(logs.Arn, args.DatabaseSecretArn, args.KeyArn).ApplyT(func(v []any) (string, error) {
			return policy(
				stmt([]string{"logs:CreateLogStream", "logs:PutLogEvents"}, v[0].(string)+":*"),
				stmt([]string{"secretsmanager:GetSecretValue"}, v[1].(string)),
				stmt([]string{"kms:Decrypt"}, v[2].(string)),
			)
		}).(pulumi.StringOutput),
	}, child...); err != nil {
		return nil, err
	}
	taskRole, err := iam.NewRole(ctx, name+"-task", &iam.RoleArgs{
		Description: pulumi.String("ECS task role of " + name), AssumeRolePolicy: pulumi.String(ecsTasksTrust), Tags: tags,
	}, child...)
	if err != nil {
		return nil, err
	}
	if _, err := iam.NewRolePolicy(ctx, name+"-task", &iam.RolePolicyArgs{
		Role: taskRole.Name,
		Policy: pulumi.All(fs.Arn, ap.Arn, args.KeyArn).ApplyT(func(v []any) (string, error) {
			efsStmt := stmt([]string{"elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"}, v[0].(string))
			efsStmt["Condition"] = map[string]any{"StringEquals": map[string]string{"elasticfilesystem:AccessPointArn": v[1].(string)}}
			return policy(
				efsStmt,
				// ECS Exec: the ssmmessages actions have no resource-level scope.
				stmt([]string{"ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"}, "*"),
				stmt([]string{"kms:Decrypt"}, v[2].(string)),
			)
		}).(pulumi.StringOutput),
	}, child...); err != nil {
		return nil, err
	}

	containers := pulumi.All(args.DatabaseAddress, args.DatabaseSecretArn, logs.Name, logs.Arn).ApplyT(func(v []any) (string, error) {
		region, err := regionOfArn(v[3].(string))
		if err != nil {
			return "", err
		}
		return ContainerDefinitions(spec, ContainerInputs{DatabaseHost: v[0].(string), DatabaseSecretArn: v[1].(string), LogGroup: v[2].(string), Region: region})
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
		Volumes: ecs.TaskDefinitionVolumeArray{ecs.TaskDefinitionVolumeArgs{
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
		}},
		HealthCheckGracePeriodSeconds:   pulumi.Int(300),
		DeploymentMinimumHealthyPercent: pulumi.Int(100),
		DeploymentMaximumPercent:        pulumi.Int(200),
		DeploymentCircuitBreaker:        &ecs.ServiceDeploymentCircuitBreakerArgs{Enable: pulumi.Bool(true), Rollback: pulumi.Bool(true)},
		EnableExecuteCommand:            pulumi.Bool(true), // IAM-5
		PropagateTags:                   pulumi.String("SERVICE"),
		Tags:                            tags,
	}, with(pulumi.DependsOn(append([]pulumi.Resource{rule}, mounts...)))...)
	if err != nil {
		return nil, err
	}

	c.LoadBalancerDNSName = alb.DnsName
	c.LoadBalancerArn = alb.Arn
	c.ClusterName = cluster.Name
	c.ServiceName = svc.Name
	c.FileSystemID = fs.ID().ToStringOutput()
	c.FileSystemArn = fs.Arn
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"loadBalancerDnsName": c.LoadBalancerDNSName, "loadBalancerArn": c.LoadBalancerArn, "clusterName": c.ClusterName,
		"serviceName": c.ServiceName, "fileSystemId": c.FileSystemID, "fileSystemArn": c.FileSystemArn,
	}); err != nil {
		return nil, err
	}
	return c, nil
}

const ecsTasksTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

func stmt(actions []string, resource string) map[string]any {
	return map[string]any{"Effect": "Allow", "Action": actions, "Resource": resource}
}

func policy(statements ...map[string]any) (string, error) {
	b, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": statements})
	return string(b), err
}
