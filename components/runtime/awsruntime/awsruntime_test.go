package awsruntime_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/components/runtime"
	"github.com/octura/odoo-hosting/components/runtime/awsruntime"
	"github.com/octura/odoo-hosting/components/runtime/runtimetest"
	"github.com/octura/odoo-hosting/internal/plan"
	"github.com/octura/odoo-hosting/internal/tier"
)

const (
	dataKey   = "arn:aws:kms:eu-west-1:111111111111:key/data"
	logsKey   = "arn:aws:kms:eu-west-1:111111111111:key/logs"
	secretArn = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:rds!db-acme"
)

const (
	masterArn = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:rds!db-acme-master"
	adminArn  = `^arn:aws:secretsmanager:eu-west-1:111111111111:secret/acme-app-admin-[0-9a-f]{8}$`
	image     = "public.ecr.aws/docker/library/odoo:18.0@" + runtimetest.Digest
)

func spec() runtime.Spec {
	return runtime.Spec{Customer: "acme", Tier: tier.Cloud, Production: true, Image: image, Hostnames: []string{"erp.acme.example", "acme.example"}}
}

func run(t *testing.T, s runtime.Spec) (*plan.Plan, error) {
	t.Helper()
	var newErr error
	p, err := plan.Run("odoo-hosting", "acme-eu", func(ctx *pulumi.Context) error {
		pp, err := aws.NewProvider(ctx, "primary", &aws.ProviderArgs{Region: pulumi.String("eu-west-1")})
		if err != nil {
			return err
		}
		_, newErr = awsruntime.New(ctx, "acme-app", awsruntime.Args{
			Spec: s, Provider: pp,
			VpcID:                       pulumi.String("vpc-1"),
			PublicSubnetIDs:             pulumi.ToStringArray([]string{"subnet-pub-a", "subnet-pub-b"}),
			AppSubnetIDs:                pulumi.ToStringArray([]string{"subnet-app-a", "subnet-app-b", "subnet-app-c"}),
			LoadBalancerSecurityGroupID: pulumi.String("sg-lb"),
			AppSecurityGroupID:          pulumi.String("sg-app"),
			KeyArn:                      pulumi.String(dataKey),
			LogsKeyArn:                  pulumi.String(logsKey),
			OriginCertificatePEM:        pulumi.String("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"),
			OriginPrivateKeyPEM:         pulumi.String("-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n"),
			OriginPullCAPEM:             pulumi.String(pullCA),
			DatabaseAddress:             pulumi.String("acme-db.eu-west-1.rds.amazonaws.com"),
			DatabaseSecretArn:           pulumi.String(secretArn),
			MasterSecretArn:             pulumi.String(masterArn),
			DatabaseSecretVersion:       pulumi.String("v1"),
			SMTPPassword:                pulumi.ToSecret(pulumi.String("smtp-pw")).(pulumi.StringOutput),
		})
		return nil
	})
	require.NoError(t, err)
	return p, newErr
}

func m(v any) map[string]any { return v.(map[string]any) }
func l(v any) []any          { return v.([]any) }

func containers(t *testing.T, p *plan.Plan) []map[string]any {
	td := p.ByType("aws:ecs/taskDefinition:TaskDefinition")
	require.Len(t, td, 1)
	var defs []map[string]any
	require.NoError(t, json.Unmarshal([]byte(td[0].Inputs["containerDefinitions"].(string)), &defs))
	return defs
}

func container(t *testing.T, p *plan.Plan, name string) map[string]any {
	for _, c := range containers(t, p) {
		if c["name"] == name {
			return c
		}
	}
	t.Fatalf("no container %s", name)
	return nil
}

func observe(t *testing.T, p *plan.Plan) runtimetest.Observed {
	o := runtimetest.Observed{Resources: len(p.Managed())}
	if o.Resources == 0 {
		return o
	}
	for _, ls := range p.ByType("aws:lb/listener:Listener") {
		if ls.Inputs["protocol"] == "HTTPS" {
			o.HTTPSListeners++
			if ls.Inputs["sslPolicy"] == awsruntime.SSLPolicy {
				o.MinTLSVersion = "1.2"
			}
		} else {
			o.PlainListeners++
		}
		o.DefaultForwards = m(l(ls.Inputs["defaultActions"])[0])["type"] == "forward"
	}
	for _, r := range p.ByType("aws:lb/listenerRule:ListenerRule") {
		for _, c := range l(r.Inputs["conditions"]) {
			hh, ok := m(c)["hostHeader"]
			if !ok {
				continue
			}
			for _, h := range l(m(hh)["values"]) {
				if !slices.Contains(o.Hostnames, h.(string)) {
					o.Hostnames = append(o.Hostnames, h.(string))
				}
			}
		}
	}
	svc := p.ByType("aws:ecs/service:Service")[0]
	nc := m(svc.Inputs["networkConfiguration"])
	o.PublicAppAddresses = nc["assignPublicIp"] != false
	o.Replicas = int(svc.Inputs["desiredCount"].(float64))
	o.Zones = len(p.ByType("aws:efs/mountTarget:MountTarget"))
	o.RemoteSessions = svc.Inputs["enableExecuteCommand"] == true
	o.Image = container(t, p, awsruntime.ContainerName)["image"].(string)
	for _, s := range container(t, p, awsruntime.SetupContainerName)["secrets"].([]any) {
		if m(s)["name"] == "APP_PASSWORD" && strings.HasPrefix(m(s)["valueFrom"].(string), secretArn) {
			o.DatabasePasswordFromSecretStore = true
		}
	}
	for _, c := range containers(t, p) {
		for _, e := range c["environment"].([]any) {
			if strings.Contains(strings.ToUpper(m(e)["name"].(string)), "PASSWORD") || strings.Contains(m(e)["value"].(string), "password") {
				o.DatabasePasswordInEnvironment = true
			}
		}
	}
	fs := p.ByType("aws:efs/fileSystem:FileSystem")[0]
	if fs.Inputs["encrypted"] == true {
		o.FileStoreKey = fs.Inputs["kmsKeyId"].(string)
	}
	o.FileStoreRetained, o.FileStoreProtected = fs.RetainOnDelete, fs.Protect
	td := p.ByType("aws:ecs/taskDefinition:TaskDefinition")[0]
	for _, v := range l(td.Inputs["volumes"]) {
		if efs, ok := m(v)["efsVolumeConfiguration"]; ok {
			o.FileStoreTransitTLS = m(efs)["transitEncryption"] == "ENABLED"
		}
	}
	lg := p.ByType("aws:cloudwatch/logGroup:LogGroup")[0]
	o.LogsKey = lg.Inputs["kmsKeyId"].(string)
	o.LogRetentionDays = int(lg.Inputs["retentionInDays"].(float64))
	tg := p.ByType("aws:lb/targetGroup:TargetGroup")[0]
	o.HealthCheckPath = m(tg.Inputs["healthCheck"])["path"].(string)
	return o
}

func TestConformance(t *testing.T) {
	runtimetest.Run(t, runtimetest.Harness{Key: dataKey, LogsKey: logsKey, Plan: func(t *testing.T, s runtime.Spec) (runtimetest.Observed, error) {
		p, err := run(t, s)
		return observe(t, p), err
	}})
}

func TestInventoryCloudProduction(t *testing.T) {
	p, err := run(t, spec())
	require.NoError(t, err)
	counts := map[string]int{}
	for _, r := range p.Managed() {
		counts[r.Type]++
		if r.Type != awsruntime.Type {
			require.Equal(t, "urn:pulumi:acme-eu::odoo-hosting::odoo-hosting:runtime:Runtime::acme-app", r.Parent)
			require.NotEmpty(t, r.Provider)
		}
	}
	require.Equal(t, map[string]int{
		awsruntime.Type: 1, "aws:acm/certificate:Certificate": 1, "aws:lb/loadBalancer:LoadBalancer": 1, "aws:lb/listener:Listener": 1,
		"aws:lb/listenerRule:ListenerRule": 2, "aws:lb/targetGroup:TargetGroup": 2, "aws:cloudwatch/logGroup:LogGroup": 2,
		"aws:ecs/cluster:Cluster": 1, "aws:efs/fileSystem:FileSystem": 1, "aws:ec2/securityGroup:SecurityGroup": 1,
		"aws:efs/mountTarget:MountTarget": 2, "aws:efs/accessPoint:AccessPoint": 1, "aws:iam/role:Role": 2,
		"aws:iam/rolePolicy:RolePolicy": 2, "aws:ecs/taskDefinition:TaskDefinition": 1, "aws:ecs/service:Service": 1,
		"aws:ecr/pullThroughCacheRule:PullThroughCacheRule": 1, "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration": 1,
		"aws:secretsmanager/secret:Secret": 1, "aws:secretsmanager/secretVersion:SecretVersion": 1,
		"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": 1,
		"aws:s3/bucketV2:BucketV2":                                1, "aws:s3/bucketVersioningV2:BucketVersioningV2": 1,
		"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": 1,
		"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":                                     1, "aws:s3/bucketPolicy:BucketPolicy": 1,
		"aws:s3/bucketObjectv2:BucketObjectv2": 1, "aws:lb/trustStore:TrustStore": 1,
	}, counts)
	require.Len(t, p.Managed(), 34)
}

const pullCA = "-----BEGIN CERTIFICATE-----\nour origin-pull CA\n-----END CERTIFICATE-----\n"

// NET-8: the listener verifies a client certificate of our origin-pull CA, so only
// our edge (per-hostname authenticated origin pulls) completes the handshake.
func TestNET8_ListenerVerifiesOurClientCertificate(t *testing.T) {
	p, err := run(t, spec())
	require.NoError(t, err)
	ls := p.ByType("aws:lb/listener:Listener")[0]
	mtls := m(ls.Inputs["mutualAuthentication"])
	require.Equal(t, "verify", mtls["mode"])
	require.Equal(t, false, mtls["ignoreClientCertificateExpiry"])
	ts := p.ByType("aws:lb/trustStore:TrustStore")[0]
	require.Contains(t, ls.PropertyDependencies["mutualAuthentication"], ts.URN)
	obj := p.ByType("aws:s3/bucketObjectv2:BucketObjectv2")[0]
	require.Equal(t, pullCA, obj.Inputs["content"])
	require.Equal(t, obj.Inputs["key"], ts.Inputs["caCertificatesBundleS3Key"])
	sse := p.ByType("aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2")[0]
	rule := m(l(sse.Inputs["rules"])[0])
	require.Equal(t, dataKey, m(rule["applyServerSideEncryptionByDefault"])["kmsMasterKeyId"])
	pab := p.ByType("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")[0]
	for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
		require.Equal(t, true, pab.Inputs[k], k)
	}
}

func TestENC1_TLS12ListenerOnlyNoPort80(t *testing.T) {
	p, err := run(t, spec())
	require.NoError(t, err)
	ls := p.ByType("aws:lb/listener:Listener")
	require.Len(t, ls, 1)
	require.Equal(t, 443.0, ls[0].Inputs["port"])
	require.Equal(t, "HTTPS", ls[0].Inputs["protocol"])
	require.Equal(t, "ELBSecurityPolicy-TLS13-1-2-2021-06", ls[0].Inputs["sslPolicy"])
	require.Regexp(t, `^arn:aws:acm:eu-west-1:111111111111:certificate/acme-app-`, ls[0].Inputs["certificateArn"])
	cert := p.ByType("aws:acm/certificate:Certificate")[0]
	require.Equal(t, plan.Secret, cert.Inputs["privateKey"])
	require.Contains(t, cert.Inputs["certificateBody"], "BEGIN CERTIFICATE")
	alb := p.ByType("aws:lb/loadBalancer:LoadBalancer")[0]
	require.Equal(t, "application", alb.Inputs["loadBalancerType"])
	require.Equal(t, false, alb.Inputs["internal"])
	require.Equal(t, true, alb.Inputs["dropInvalidHeaderFields"])
	require.Equal(t, []any{"sg-lb"}, alb.Inputs["securityGroups"])
	require.Equal(t, []any{"subnet-pub-a", "subnet-pub-b"}, alb.Inputs["subnets"])
	require.NotContains(t, alb.Inputs, "accessLogs")
}

func TestNET8_ForwardsOnlyCustomerHostnames(t *testing.T) {
	p, err := run(t, spec())
	require.NoError(t, err)
	ls := p.ByType("aws:lb/listener:Listener")[0]
	require.Equal(t, map[string]any{"type": "fixed-response", "fixedResponse": map[string]any{"contentType": "text/plain", "statusCode": "404", "messageBody": "not found"}}, m(l(ls.Inputs["defaultActions"])[0]))
	r, ok := p.Get("aws:lb/listenerRule:ListenerRule", "acme-app-hosts")
	require.True(t, ok)
	require.Equal(t, []any{map[string]any{"hostHeader": map[string]any{"values": []any{"erp.acme.example", "acme.example"}}}}, r.Inputs["conditions"])
	require.Equal(t, "forward", m(l(r.Inputs["actions"])[0])["type"])
	ws, ok := p.Get("aws:lb/listenerRule:ListenerRule", "acme-app-websocket")
	require.True(t, ok)
	require.Equal(t, m(l(ws.Inputs["conditions"])[0]), map[string]any{"hostHeader": map[string]any{"values": []any{"erp.acme.example", "acme.example"}}})
}

func TestNET3_ServicePrivateBehindAppGroupAndTargetGroup(t *testing.T) {
	p, err := run(t, spec())
	require.NoError(t, err)
	svc := p.ByType("aws:ecs/service:Service")[0]
	require.Equal(t, map[string]any{"assignPublicIp": false, "subnets": []any{"subnet-app-a", "subnet-app-b", "subnet-app-c"}, "securityGroups": []any{"sg-app"}}, svc.Inputs["networkConfiguration"])
	require.Equal(t, "FARGATE", svc.Inputs["launchType"])
	require.Equal(t, map[string]any{"enable": true, "rollback": true}, svc.Inputs["deploymentCircuitBreaker"])
	require.Equal(t, true, svc.Inputs["enableExecuteCommand"])
	lbs := m(l(svc.Inputs["loadBalancers"])[0])
	require.Equal(t, "odoo", lbs["containerName"])
	require.Equal(t, 8069.0, lbs["containerPort"])
	tg := p.ByType("aws:lb/targetGroup:TargetGroup")[0]
	require.Equal(t, "ip", tg.Inputs["targetType"])
	require.Equal(t, 8069.0, tg.Inputs["port"])
	require.Equal(t, "HTTP", tg.Inputs["protocol"])
	require.Equal(t, "/web/health", m(tg.Inputs["healthCheck"])["path"])
	sg := p.ByType("aws:ec2/securityGroup:SecurityGroup")[0]
	in := l(sg.Inputs["ingress"])
	require.Len(t, in, 1)
	require.Equal(t, []any{"sg-app"}, m(in[0])["securityGroups"])
	require.Equal(t, 2049.0, m(in[0])["fromPort"])
	require.NotContains(t, m(in[0]), "cidrBlocks")
}

func TestENC2_FileStoreLogsAndSessionsEncrypted(t *testing.T) {
	p, err := run(t, spec())
	require.NoError(t, err)
	fs := p.ByType("aws:efs/fileSystem:FileSystem")[0]
	require.Equal(t, true, fs.Inputs["encrypted"])
	require.Equal(t, dataKey, fs.Inputs["kmsKeyId"])
	lg := p.ByType("aws:cloudwatch/logGroup:LogGroup")[0]
	require.Equal(t, logsKey, lg.Inputs["kmsKeyId"])
	require.Equal(t, "/odoo-hosting/acme-app", lg.Inputs["name"])
	cl := p.ByType("aws:ecs/cluster:Cluster")[0]
	require.Equal(t, []any{map[string]any{"name": "containerInsights", "value": "enabled"}}, cl.Inputs["settings"])
	require.Equal(t, dataKey, m(m(cl.Inputs["configuration"])["executeCommandConfiguration"])["kmsKeyId"])
	insights := p.ByType("aws:cloudwatch/logGroup:LogGroup")[1]
	require.Equal(t, "/aws/ecs/containerinsights/acme-app/performance", insights.Inputs["name"])
	require.Equal(t, logsKey, insights.Inputs["kmsKeyId"])
	require.Equal(t, 365.0, insights.Inputs["retentionInDays"])
	require.Contains(t, cl.Dependencies, insights.URN, "made before Container Insights could make it")
	admin := p.ByType("aws:secretsmanager/secret:Secret")[0]
	require.Equal(t, dataKey, admin.Inputs["kmsKeyId"])
	td := p.ByType("aws:ecs/taskDefinition:TaskDefinition")[0]
	require.Equal(t, map[string]any{"name": awsruntime.ConfigVolume}, m(l(td.Inputs["volumes"])[0]))
	vol := m(m(l(td.Inputs["volumes"])[1])["efsVolumeConfiguration"])
	require.Equal(t, "ENABLED", vol["transitEncryption"])
	require.Equal(t, "ENABLED", m(vol["authorizationConfig"])["iam"])
	require.Equal(t, []any{"FARGATE"}, td.Inputs["requiresCompatibilities"])
	require.Equal(t, "awsvpc", td.Inputs["networkMode"])
	require.Equal(t, "1024", td.Inputs["cpu"])
	require.Equal(t, "2048", td.Inputs["memory"])
}

func TestIAM6_OnlySetupGetsCredentialsAndOnlyAsSecrets(t *testing.T) {
	p, err := run(t, spec())
	require.NoError(t, err)
	setup := container(t, p, awsruntime.SetupContainerName)
	require.Equal(t, []any{
		map[string]any{"name": "APP_USER", "valueFrom": secretArn + ":username::"},
		map[string]any{"name": "APP_PASSWORD", "valueFrom": secretArn + ":password::"},
		map[string]any{"name": "MASTER_USER", "valueFrom": masterArn + ":username::"},
		map[string]any{"name": "MASTER_PASSWORD", "valueFrom": masterArn + ":password::"},
	}, l(setup["secrets"])[:4])
	admin := m(l(setup["secrets"])[4])
	require.Equal(t, "ODOO_ADMIN_PASSWD", admin["name"])
	require.Regexp(t, adminArn, admin["valueFrom"])
	require.Equal(t, false, setup["essential"])
	for _, name := range []string{awsruntime.InitContainerName, awsruntime.ContainerName} {
		c := container(t, p, name)
		require.NotContains(t, c, "secrets", "%s: no secret reaches the container that runs Odoo or initialises it", name)
		require.NotContains(t, c, "user", "%s runs as the image's odoo user", name)
	}
	c := container(t, p, awsruntime.ContainerName)
	require.Equal(t, []any{map[string]any{"name": "ODOO_RC", "value": "/run/odoo/odoo.conf"}}, c["environment"])
	require.Equal(t, []any{"odoo"}, c["entryPoint"])
	require.Equal(t, []any{"-c", "/run/odoo/odoo.conf"}, c["command"])
	require.Equal(t, []any{map[string]any{"containerName": "init", "condition": "SUCCESS"}}, c["dependsOn"])
	lc := m(c["logConfiguration"])
	require.Equal(t, "awslogs", lc["logDriver"])
	require.Equal(t, map[string]any{"awslogs-group": "/odoo-hosting/acme-app", "awslogs-region": "eu-west-1", "awslogs-stream-prefix": "odoo"}, lc["options"])
	require.Equal(t, []any{
		map[string]any{"sourceVolume": "odoo-config", "containerPath": "/run/odoo", "readOnly": true},
		map[string]any{"sourceVolume": "filestore", "containerPath": "/var/lib/odoo", "readOnly": false},
	}, c["mountPoints"])
}

func TestIAM_RolesLeastPrivilege(t *testing.T) {
	p, err := run(t, spec())
	require.NoError(t, err)
	doc := func(name string) []map[string]any {
		rp, ok := p.Get("aws:iam/rolePolicy:RolePolicy", name)
		require.True(t, ok, name)
		var d struct{ Statement []map[string]any }
		require.NoError(t, json.Unmarshal([]byte(rp.Inputs["policy"].(string)), &d))
		return d.Statement
	}
	exec := doc("acme-app-execution")
	require.Len(t, exec, 5)
	require.Equal(t, []any{"secretsmanager:GetSecretValue"}, exec[1]["Action"])
	require.Equal(t, []any{secretArn, masterArn}, l(exec[1]["Resource"])[:2])
	require.Regexp(t, adminArn, l(exec[1]["Resource"])[2])
	require.Equal(t, []any{"kms:Decrypt"}, exec[2]["Action"])
	require.Equal(t, "*", exec[3]["Resource"]) // ecr:GetAuthorizationToken has no resource-level scope
	require.Equal(t, "arn:aws:ecr:eu-west-1:111111111111:repository/acme/*", exec[4]["Resource"])
	require.Equal(t, dataKey, exec[2]["Resource"])
	require.Regexp(t, `^arn:aws:cloudwatch:eu-west-1:111111111111:loggroup/acme-app-[0-9a-f]{8}:\*$`, exec[0]["Resource"])
	task := doc("acme-app-task")
	require.Len(t, task, 5)
	require.Equal(t, []any{"elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"}, task[0]["Action"])
	require.Regexp(t, `^arn:aws:efs:eu-west-1:111111111111:filesystem/acme-app-`, task[0]["Resource"])
	require.Contains(t, m(m(task[0]["Condition"])["StringEquals"]), "elasticfilesystem:AccessPointArn")
	require.Equal(t, "*", task[1]["Resource"]) // ssmmessages has no resource-level scope
	// IAM-5, ENC-2: ECS Exec decrypts the session key directly, only for sessions,
	// and writes the session log to the task's own group.
	require.Equal(t, []any{"kms:Decrypt"}, task[2]["Action"])
	require.Equal(t, dataKey, task[2]["Resource"])
	require.Equal(t, map[string]any{"Null": map[string]any{"kms:EncryptionContext:aws:ssm:SessionId": "false"}}, task[2]["Condition"])
	require.Equal(t, []any{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"}, task[3]["Action"])
	require.Regexp(t, `^arn:aws:cloudwatch:eu-west-1:111111111111:loggroup/acme-app-[0-9a-f]{8}:\*$`, task[3]["Resource"])
	require.Equal(t, []any{"logs:DescribeLogGroups"}, task[4]["Action"])
	for _, s := range append(exec, task...) {
		for _, a := range s["Action"].([]any) {
			require.NotContains(t, a, "*", "no wildcard actions")
		}
	}
}

func TestBAK6_FileStoreRetainedAndProtectedInProduction(t *testing.T) {
	p, err := run(t, spec())
	require.NoError(t, err)
	fs := p.ByType("aws:efs/fileSystem:FileSystem")[0]
	require.True(t, fs.RetainOnDelete)
	require.True(t, fs.Protect)
	require.Equal(t, true, p.ByType("aws:lb/loadBalancer:LoadBalancer")[0].Inputs["enableDeletionProtection"])
}

func TestDAT2_MountTargetPerZone(t *testing.T) {
	s := spec()
	s.Tier = tier.Enterprise
	p, err := run(t, s)
	require.NoError(t, err)
	var subnets []any
	for _, mt := range p.ByType("aws:efs/mountTarget:MountTarget") {
		subnets = append(subnets, mt.Inputs["subnetId"])
	}
	require.Equal(t, []any{"subnet-app-a", "subnet-app-b", "subnet-app-c"}, subnets)
	require.Equal(t, 2.0, p.ByType("aws:ecs/service:Service")[0].Inputs["desiredCount"])
}

func TestInvalidSpecRegistersNothing(t *testing.T) {
	s := spec()
	s.Hostnames = nil
	p, err := run(t, s)
	require.EqualError(t, err, `runtime acme-app: hostnames [] has 0 entries; allowed: 1 to 5 hostnames`)
	require.Empty(t, p.Managed())
}

// TestENC3_AdminPasswordHashIsPasslibPBKDF2: the format Odoo's passlib context
// verifies. The expected value was made with passlib 1.7.4:
// pbkdf2_sha512.using(rounds=1000, salt=b"0123456789abcdef").hash("correct horse battery staple").
func TestENC3_AdminPasswordHashIsPasslibPBKDF2(t *testing.T) {
	got, err := awsruntime.AdminPasswordHash("correct horse battery staple", []byte("0123456789abcdef"), 1000)
	require.NoError(t, err)
	require.Equal(t, "$pbkdf2-sha512$1000$MDEyMzQ1Njc4OWFiY2RlZg$5bTW2oeyDJyGJPcmEr.mRDE11ghpozWrDGnSNhRXo2ZCu0KHRDiUMAVEGzLJC.oDhRoeIja9J1iLIv9ptDJMfQ", got)
}

// TestOdooSettings: one database, no database manager, behind a proxy, multi-process
// sized to the task, the websocket routed to its own worker, the load balancer
// waiting longer than the edge, and the image by digest through the cache and scanned.
func TestOdooSettings(t *testing.T) {
	p, err := run(t, spec())
	require.NoError(t, err)
	var opts string
	for _, e := range l(container(t, p, awsruntime.SetupContainerName)["environment"]) {
		if m(e)["name"] == "ODOO_OPTIONS" {
			opts = m(e)["value"].(string)
		}
	}
	for _, want := range []string{"[options]\n", "\ndbfilter = ^odoo$\n", "\nlist_db = False\n", "\nproxy_mode = True\n", "\nworkers = 3\n",
		"\nmax_cron_threads = 1\n", "\nlimit_memory_hard = 402653184\n", "\nlimit_time_real = 120\n", "\ngevent_port = 8072\n", "\ndb_sslmode = require\n"} {
		require.Contains(t, opts, want)
	}
	require.NotContains(t, opts, "password")
	require.NotContains(t, opts, "admin_passwd")
	var params string
	for _, e := range l(container(t, p, awsruntime.InitContainerName)["environment"]) {
		if m(e)["name"] == "ODOO_PARAMETERS" {
			params = m(e)["value"].(string)
		}
	}
	require.JSONEq(t, `{"web.base.url":"https://erp.acme.example","web.base.url.freeze":"True","report.url":"http://127.0.0.1:8069"}`, params)
	alb := p.ByType("aws:lb/loadBalancer:LoadBalancer")[0]
	require.Equal(t, 120.0, alb.Inputs["idleTimeout"])
	require.Equal(t, "preserve", alb.Inputs["xffHeaderProcessingMode"])
	ws, ok := p.Get("aws:lb/targetGroup:TargetGroup", "acme-app-ws")
	require.True(t, ok)
	require.Equal(t, 8072.0, ws.Inputs["port"])
	rule, _ := p.Get("aws:lb/listenerRule:ListenerRule", "acme-app-websocket")
	require.Equal(t, map[string]any{"pathPattern": map[string]any{"values": []any{"/websocket", "/websocket/*"}}}, m(l(rule.Inputs["conditions"])[1]))
	require.Less(t, rule.Inputs["priority"].(float64), 10.0, "before the catch-all host rule")
	svc := p.ByType("aws:ecs/service:Service")[0]
	require.Equal(t, 8072.0, m(l(svc.Inputs["loadBalancers"])[1])["containerPort"])
	require.Equal(t, map[string]any{"databaseSecretVersion": "v1"}, svc.Inputs["triggers"])
	require.Equal(t, true, svc.Inputs["forceNewDeployment"])
	for _, c := range containers(t, p) {
		require.Equal(t, "111111111111.dkr.ecr.eu-west-1.amazonaws.com/acme/docker/library/odoo@"+runtimetest.Digest, c["image"])
	}
	cache := p.ByType("aws:ecr/pullThroughCacheRule:PullThroughCacheRule")[0]
	require.Equal(t, map[string]any{"ecrRepositoryPrefix": "acme", "upstreamRegistryUrl": "public.ecr.aws"}, cache.Inputs)
	scan := p.ByType("aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration")[0]
	require.Equal(t, "ENHANCED", scan.Inputs["scanType"])
	require.Equal(t, []any{map[string]any{"scanFrequency": "CONTINUOUS_SCAN", "repositoryFilters": []any{map[string]any{"filter": "acme/*", "filterType": "WILDCARD"}}}}, scan.Inputs["rules"])
	require.Equal(t, plan.Secret, p.ByType("aws:secretsmanager/secretVersion:SecretVersion")[0].Inputs["secretString"])
}

// TestNET3_AppReachesTheFileStore: groups made by the provider have no default
// egress, so the app group carries its own egress to the file store's group on
// NFS, the other half of the file store's ingress.
func TestNET3_AppReachesTheFileStore(t *testing.T) {
	p, err := run(t, spec())
	require.NoError(t, err)
	out := p.ByType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
	require.Len(t, out, 1)
	nfs := p.ByType("aws:ec2/securityGroup:SecurityGroup")[0]
	require.Equal(t, "sg-app", out[0].Inputs["securityGroupId"])
	require.Equal(t, []string{nfs.URN}, out[0].PropertyDependencies["referencedSecurityGroupId"])
	require.Equal(t, "tcp", out[0].Inputs["ipProtocol"])
	require.Equal(t, 2049.0, out[0].Inputs["fromPort"])
	require.Equal(t, 2049.0, out[0].Inputs["toPort"])
	ingress := l(nfs.Inputs["ingress"])
	require.Len(t, ingress, 1)
	require.Equal(t, []any{"sg-app"}, m(ingress[0])["securityGroups"])
}

// TestMailRelayPasswordOnlyThroughTheSecretStore (finding 10): with a relay, Odoo
// gets its host, port, STARTTLS and user in its options and the password only in
// the setup container, from a secret encrypted with the data key.
func TestMailRelayPasswordOnlyThroughTheSecretStore(t *testing.T) {
	s := spec()
	s.Mail = &runtime.Mail{Host: "email-smtp.eu-west-1.amazonaws.com", Port: 587, User: "AKIAEXAMPLE", From: "erp@acme.example"}
	p, err := run(t, s)
	require.NoError(t, err)
	var opts string
	for _, e := range l(container(t, p, awsruntime.SetupContainerName)["environment"]) {
		if m(e)["name"] == "ODOO_OPTIONS" {
			opts = m(e)["value"].(string)
		}
	}
	require.Contains(t, opts, "\nsmtp_server = email-smtp.eu-west-1.amazonaws.com\nsmtp_port = 587\nsmtp_ssl = True\nsmtp_user = AKIAEXAMPLE\nemail_from = erp@acme.example\n")
	require.NotContains(t, opts, "smtp-pw")
	secrets := l(container(t, p, awsruntime.SetupContainerName)["secrets"])
	last := m(secrets[len(secrets)-1])
	require.Equal(t, "SMTP_PASSWORD", last["name"])
	require.Regexp(t, `^arn:aws:secretsmanager:eu-west-1:111111111111:secret/acme-app-smtp-[0-9a-f]{8}$`, last["valueFrom"])
	smtp, ok := p.Get("aws:secretsmanager/secret:Secret", "acme-app-smtp")
	require.True(t, ok)
	require.Equal(t, dataKey, smtp.Inputs["kmsKeyId"])
	v, _ := p.Get("aws:secretsmanager/secretVersion:SecretVersion", "acme-app-smtp")
	require.Equal(t, plan.Secret, v.Inputs["secretString"])
	rp, _ := p.Get("aws:iam/rolePolicy:RolePolicy", "acme-app-execution")
	require.Contains(t, rp.Inputs["policy"], "acme-app-smtp-")
	// NET-3: the app group reaches the relay on its port only (groups made by the
	// provider have no default egress, so without this rule no mail leaves).
	smtpOut, ok := p.Get("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "acme-app-app-to-mail")
	require.True(t, ok)
	require.Equal(t, "sg-app", smtpOut.Inputs["securityGroupId"])
	require.Equal(t, 587.0, smtpOut.Inputs["fromPort"])
	require.Equal(t, 587.0, smtpOut.Inputs["toPort"])
	require.Equal(t, "tcp", smtpOut.Inputs["ipProtocol"])
	s.Mail.Port = 465
	_, err = run(t, s)
	require.ErrorContains(t, err, "mail.port 465 is not a STARTTLS submission port; allowed: 587, 2587")
}
