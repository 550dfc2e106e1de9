// Package awsnetwork builds the network of network.Spec on AWS: one VPC with
// public, app, database and management subnets per zone, NAT, VPC endpoints,
// least-privilege security groups, encrypted flow logs and an optional
// site-to-site VPN (NET-1, NET-2, NET-3, NET-5, NET-7).
package awsnetwork

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/octura/odoo-hosting/components/network"
	"github.com/octura/odoo-hosting/internal/jurisdiction"
	"github.com/octura/odoo-hosting/internal/names"
)

// Type is the component's type token.
const Type = network.Type

// InterfaceEndpoints are the AWS services reached through interface endpoints in
// the management subnets, so that hosts without an internet route can use them.
var InterfaceEndpoints = []string{"kms", "secretsmanager", "ssm", "ssmmessages", "ec2messages", "logs"}

// VPN tunnel algorithms (NET-5): IKEv2 only, AES-256, SHA-384, DH group 20 (ECP 384).
var (
	vpnIKEVersions = []string{"ikev2"}
	vpnEncryption  = []string{"AES256"}
	vpnIntegrity   = []string{"SHA2-384"}
	vpnDHGroups    = []int{20}
)

// Args are the arguments of New.
type Args struct {
	// Spec is the cloud-neutral network. Required; validated before anything is
	// registered.
	Spec network.Spec
	// Region is the AWS region of Provider, such as "eu-west-1"; it names the
	// endpoint services and must be a known region. Required.
	Region string
	// Provider is the explicit AWS provider of the region; every child uses it.
	// Required.
	Provider pulumi.ProviderResource
	// LogsKeyArn is the KMS key that encrypts the flow-log group (NET-7). Required.
	LogsKeyArn pulumi.StringInput
	// AccountID is the 12-digit AWS account of the stack: the VPC endpoints serve
	// its principals only, and only its flow logs may use the flow-log role.
	// Required.
	AccountID string
}

// Network is the component; its outputs are the contract the stack uses.
type Network struct {
	pulumi.ResourceState

	// VpcID is the VPC's ID.
	VpcID pulumi.StringOutput
	// PublicSubnetIDs, AppSubnetIDs, DatabaseSubnetIDs, ManagementSubnetIDs are the
	// subnet IDs of each tier, ordered by zone name.
	PublicSubnetIDs     pulumi.StringArrayOutput
	AppSubnetIDs        pulumi.StringArrayOutput
	DatabaseSubnetIDs   pulumi.StringArrayOutput
	ManagementSubnetIDs pulumi.StringArrayOutput
	// The security groups of each tier.
	LoadBalancerSecurityGroupID pulumi.StringOutput
	AppSecurityGroupID          pulumi.StringOutput
	DatabaseSecurityGroupID     pulumi.StringOutput
	ManagementSecurityGroupID   pulumi.StringOutput
}

// Validate checks the arguments New needs besides the spec: every problem at once.
func (a Args) Validate() error {
	var errs []error
	if err := a.Spec.Validate(); err != nil {
		errs = append(errs, err)
	}
	if _, ok := jurisdiction.Lookup(jurisdiction.AWS, a.Region); !ok {
		errs = append(errs, fmt.Errorf("region %q is not a known AWS region; allowed: a region of the jurisdiction model, such as \"eu-west-1\"", a.Region))
	} else {
		for i, z := range a.Spec.Zones {
			// Zone names ("eu-west-1a") must be in the region; zone IDs ("euw1-az1") are not checked.
			if strings.Contains(z, "-az") {
				continue
			}
			if !strings.HasPrefix(z, a.Region) || len(z) != len(a.Region)+1 {
				errs = append(errs, fmt.Errorf("zones[%d] %q is not a zone of region %q; allowed: zones of the region such as %sa, %sb", i, z, a.Region, a.Region, a.Region))
			}
		}
	}
	if a.Provider == nil {
		errs = append(errs, errors.New("provider is nil; allowed: the explicit aws.Provider of the region"))
	}
	if a.LogsKeyArn == nil {
		errs = append(errs, errors.New("logsKeyArn is nil; allowed: the ARN of the KMS key for logs (NET-7)"))
	}
	if !accountRE.MatchString(a.AccountID) {
		errs = append(errs, fmt.Errorf("accountId %q is not an AWS account ID; allowed: 12 digits", a.AccountID))
	}
	return errors.Join(errs...)
}

var accountRE = regexp.MustCompile(`^[0-9]{12}$`)

// EndpointPolicy is the policy of every VPC endpoint: any action, but only by
// principals of the stack's account (NET-3; the default policy admits any
// principal, so stolen credentials of another account could use the endpoint
// to move data out). The services' own policies still decide what each
// principal may do.
func EndpointPolicy(accountID string) string {
	b, _ := json.Marshal(map[string]any{
		"Version": "2012-10-17",
		"Statement": []map[string]any{{
			"Sid": "OwnAccountOnly", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
			"Condition": map[string]any{"StringEquals": map[string]string{"aws:PrincipalAccount": accountID}},
		}},
	})
	return string(b)
}

// New validates args and builds the network; on a validation error it registers
// nothing.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Network, error) {
	if err := args.Validate(); err != nil {
		return nil, fmt.Errorf("network %q: %w", name, err)
	}
	spec := args.Spec.WithDefaults()
	layout, err := spec.Plan()
	if err != nil {
		return nil, fmt.Errorf("network %q: %w", name, err)
	}

	n := &Network{}
	if err := ctx.RegisterComponentResource(Type, name, n, opts...); err != nil {
		return nil, err
	}
	b := &builder{ctx: ctx, name: name, spec: spec, layout: layout, args: args,
		opts: []pulumi.ResourceOption{pulumi.Parent(n), pulumi.Provider(args.Provider)}}
	if err := b.build(n); err != nil {
		return nil, err
	}
	return n, ctx.RegisterResourceOutputs(n, pulumi.Map{
		"vpcId":                       n.VpcID,
		"publicSubnetIds":             n.PublicSubnetIDs,
		"appSubnetIds":                n.AppSubnetIDs,
		"databaseSubnetIds":           n.DatabaseSubnetIDs,
		"managementSubnetIds":         n.ManagementSubnetIDs,
		"loadBalancerSecurityGroupId": n.LoadBalancerSecurityGroupID,
		"appSecurityGroupId":          n.AppSecurityGroupID,
		"databaseSecurityGroupId":     n.DatabaseSecurityGroupID,
		"managementSecurityGroupId":   n.ManagementSecurityGroupID,
	})
}

type builder struct {
	ctx    *pulumi.Context
	name   string
	spec   network.Spec
	layout network.Plan
	args   Args
	opts   []pulumi.ResourceOption

	vpc     *ec2.Vpc
	subnets map[network.Key]*ec2.Subnet
	groups  map[string]*ec2.SecurityGroup
	tables  map[string]*ec2.RouteTable
}

func (b *builder) child(extra ...pulumi.ResourceOption) []pulumi.ResourceOption {
	return append(append([]pulumi.ResourceOption{}, b.opts...), extra...)
}

func (b *builder) tags(n string) pulumi.StringMap {
	return pulumi.StringMap{"Name": pulumi.String(n), "customer": pulumi.String(b.spec.Customer)}
}

// RoleTag is the tag that says a subnet's, route table's or security group's role
// (public, app, database, management): the policy pack reads the role from it,
// never from a name (NET-1, NET-2, NET-3), as pulumi-awsx tags subnet types.
const RoleTag = "odoo-hosting:role"

// roleTags are the tags of a resource that plays role in the network.
func (b *builder) roleTags(n string, role network.Role) pulumi.StringMap {
	t := b.tags(n)
	t[RoleTag] = pulumi.String(string(role))
	return t
}

func (b *builder) build(n *Network) error {
	steps := []func() error{b.vpcAndSubnets, b.routing, b.securityGroups, b.endpoints, b.flowLogs, b.vpn}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	n.VpcID = b.vpc.ID().ToStringOutput()
	n.PublicSubnetIDs = b.subnetIDs(network.Public)
	n.AppSubnetIDs = b.subnetIDs(network.App)
	n.DatabaseSubnetIDs = b.subnetIDs(network.Database)
	n.ManagementSubnetIDs = b.subnetIDs(network.Management)
	n.LoadBalancerSecurityGroupID = b.groups["alb"].ID().ToStringOutput()
	n.AppSecurityGroupID = b.groups["app"].ID().ToStringOutput()
	n.DatabaseSecurityGroupID = b.groups["database"].ID().ToStringOutput()
	n.ManagementSecurityGroupID = b.groups["management"].ID().ToStringOutput()
	return nil
}

func (b *builder) subnetIDs(t network.Role) pulumi.StringArrayOutput {
	var ids pulumi.StringArray
	for _, s := range b.layout.ByRole(t) {
		ids = append(ids, b.subnets[network.Key{Role: t, Zone: s.Zone}].ID())
	}
	return ids.ToStringArrayOutput()
}

// vpcAndSubnets: one VPC per customer stack, one subnet per tier and zone (NET-1);
// no subnet gives instances a public IP (NET-2).
func (b *builder) vpcAndSubnets() error {
	var err error
	b.vpc, err = ec2.NewVpc(b.ctx, b.name, &ec2.VpcArgs{
		CidrBlock:          pulumi.String(b.layout.VPC),
		EnableDnsSupport:   pulumi.Bool(true),
		EnableDnsHostnames: pulumi.Bool(true),
		Tags:               b.tags(b.name),
	}, b.child()...)
	if err != nil {
		return err
	}
	// NET-3: the default security group keeps no rules, so nothing can use it.
	if _, err := ec2.NewDefaultSecurityGroup(b.ctx, b.name+"-default", &ec2.DefaultSecurityGroupArgs{
		VpcId:   b.vpc.ID(),
		Ingress: ec2.DefaultSecurityGroupIngressArray{},
		Egress:  ec2.DefaultSecurityGroupEgressArray{},
		Tags:    b.tags(b.name + "-default"),
	}, b.child()...); err != nil {
		return err
	}
	b.subnets = map[network.Key]*ec2.Subnet{}
	for _, t := range network.Roles() {
		for _, s := range b.layout.ByRole(t) {
			n := b.name + "-" + string(t) + "-" + s.Zone
			sn, err := ec2.NewSubnet(b.ctx, n, &ec2.SubnetArgs{
				VpcId:               b.vpc.ID(),
				CidrBlock:           pulumi.String(s.CIDR),
				AvailabilityZone:    pulumi.String(s.Zone),
				MapPublicIpOnLaunch: pulumi.Bool(false), // NET-2
				Tags:                b.roleTags(n, t),
			}, b.child()...)
			if err != nil {
				return err
			}
			b.subnets[network.Key{Role: t, Zone: s.Zone}] = sn
		}
	}
	return nil
}

// routing: public subnets route to the internet gateway (load balancer and NAT only);
// app subnets reach out only through NAT; database and management subnets have
// route tables with no default route (NET-2).
func (b *builder) routing() error {
	ctx, name := b.ctx, b.name
	igw, err := ec2.NewInternetGateway(ctx, name, &ec2.InternetGatewayArgs{VpcId: b.vpc.ID(), Tags: b.tags(name)}, b.child()...)
	if err != nil {
		return err
	}
	b.tables = map[string]*ec2.RouteTable{}
	table := func(key string, role network.Role) (*ec2.RouteTable, error) {
		n := name + "-" + key
		rt, err := ec2.NewRouteTable(ctx, n, &ec2.RouteTableArgs{VpcId: b.vpc.ID(), Tags: b.roleTags(n, role)}, b.child()...)
		b.tables[key] = rt
		return rt, err
	}
	associate := func(t network.Role, zone string, rt *ec2.RouteTable) error {
		n := name + "-" + string(t) + "-" + zone
		_, err := ec2.NewRouteTableAssociation(ctx, n, &ec2.RouteTableAssociationArgs{
			SubnetId: b.subnets[network.Key{Role: t, Zone: zone}].ID(), RouteTableId: rt.ID(),
		}, b.child()...)
		return err
	}

	public, err := table("public", network.Public)
	if err != nil {
		return err
	}
	if _, err := ec2.NewRoute(ctx, name+"-public-default", &ec2.RouteArgs{
		RouteTableId: public.ID(), DestinationCidrBlock: pulumi.String(network.AnyIPv4), GatewayId: igw.ID(),
	}, b.child()...); err != nil {
		return err
	}
	for _, z := range b.layout.Zones {
		if err := associate(network.Public, z, public); err != nil {
			return err
		}
	}

	nats := map[string]*ec2.NatGateway{}
	for _, z := range b.spec.NATZones() {
		n := name + "-nat-" + z
		eip, err := ec2.NewEip(ctx, n, &ec2.EipArgs{Domain: pulumi.String("vpc"), Tags: b.tags(n)}, b.child(pulumi.DependsOn([]pulumi.Resource{igw}))...)
		if err != nil {
			return err
		}
		nats[z], err = ec2.NewNatGateway(ctx, n, &ec2.NatGatewayArgs{
			AllocationId: eip.ID(), SubnetId: b.subnets[network.Key{Role: network.Public, Zone: z}].ID(), Tags: b.tags(n),
		}, b.child()...)
		if err != nil {
			return err
		}
	}
	for _, z := range b.layout.Zones {
		rt, err := table("app-"+z, network.App)
		if err != nil {
			return err
		}
		if _, err := ec2.NewRoute(ctx, name+"-app-"+z+"-default", &ec2.RouteArgs{
			RouteTableId: rt.ID(), DestinationCidrBlock: pulumi.String(network.AnyIPv4), NatGatewayId: nats[b.spec.NATZoneFor(z)].ID(),
		}, b.child()...); err != nil {
			return err
		}
		if err := associate(network.App, z, rt); err != nil {
			return err
		}
	}
	for _, t := range []network.Role{network.Database, network.Management} {
		rt, err := table(string(t), t)
		if err != nil {
			return err
		}
		for _, z := range b.layout.Zones {
			if err := associate(t, z, rt); err != nil {
				return err
			}
		}
	}
	return nil
}

type rule struct {
	key      string
	group    string
	port     int
	cidr     string
	sourceSG string
	desc     string
}

// securityGroups: least-privilege rules (NET-3), each rule its own resource.
func (b *builder) securityGroups() error {
	b.groups = map[string]*ec2.SecurityGroup{}
	descriptions := map[string]string{
		"alb":        "Load balancer: HTTPS from the edge's published ranges only",
		"app":        "Odoo application: from the load balancer only",
		"database":   "PostgreSQL: from the application only",
		"management": "Management: SSH from the allow-list and VPN peers only",
		"endpoints":  "VPC interface endpoints: HTTPS from inside the VPC",
	}
	// The load balancer sits in the public subnets, the interface endpoints in
	// the management subnets.
	roles := map[string]network.Role{"alb": network.Public, "app": network.App, "database": network.Database, "management": network.Management, "endpoints": network.Management}
	for _, g := range []string{"alb", "app", "database", "management", "endpoints"} {
		n := b.name + "-" + g
		sg, err := ec2.NewSecurityGroup(b.ctx, n, &ec2.SecurityGroupArgs{
			VpcId: b.vpc.ID(), Description: pulumi.String(descriptions[g]), Tags: b.roleTags(n, roles[g]),
		}, b.child()...)
		if err != nil {
			return err
		}
		b.groups[g] = sg
	}

	var ingress []rule
	for _, r := range b.spec.EdgeRanges {
		ingress = append(ingress, rule{key: "alb-https-" + network.RangeKey(r), group: "alb", port: network.HTTPSPort, cidr: r, desc: "HTTPS from edge range " + r})
	}
	ingress = append(ingress,
		rule{key: "app-odoo", group: "app", port: network.OdooPort, sourceSG: "alb", desc: "Odoo HTTP from the load balancer"},
		rule{key: "app-longpoll", group: "app", port: network.LongpollPort, sourceSG: "alb", desc: "Odoo longpolling from the load balancer"},
		rule{key: "database-postgres", group: "database", port: network.PostgresPort, sourceSG: "app", desc: "PostgreSQL from the application"},
		rule{key: "endpoints-https", group: "endpoints", port: network.HTTPSPort, cidr: b.layout.VPC, desc: "HTTPS to AWS APIs from inside the VPC"},
	)
	// NET-5: SSH only from allow-listed ranges and VPN peers; none by default (IAM-5:
	// SSM Session Manager).
	for _, r := range b.spec.ManagementSources() {
		ingress = append(ingress, rule{key: "management-ssh-" + network.RangeKey(r), group: "management", port: network.SSHPort, cidr: r, desc: "SSH from " + r})
	}
	egress := []rule{
		{key: "alb-odoo", group: "alb", port: network.OdooPort, sourceSG: "app", desc: "Odoo HTTP to the application"},
		{key: "alb-longpoll", group: "alb", port: network.LongpollPort, sourceSG: "app", desc: "Odoo longpolling to the application"},
		{key: "app-postgres", group: "app", port: network.PostgresPort, sourceSG: "database", desc: "PostgreSQL to the database"},
		{key: "app-https", group: "app", port: network.HTTPSPort, cidr: network.AnyIPv4, desc: "HTTPS out through NAT and the VPC endpoints"},
		{key: "management-https", group: "management", port: network.HTTPSPort, cidr: b.layout.VPC, desc: "HTTPS to the VPC endpoints"},
	}
	for _, r := range ingress {
		args := &vpc.SecurityGroupIngressRuleArgs{
			SecurityGroupId: b.groups[r.group].ID(), IpProtocol: pulumi.String("tcp"),
			FromPort: pulumi.Int(r.port), ToPort: pulumi.Int(r.port), Description: pulumi.String(r.desc),
		}
		switch {
		case r.sourceSG != "":
			args.ReferencedSecurityGroupId = b.groups[r.sourceSG].ID()
		case strings.Contains(r.cidr, ":"):
			args.CidrIpv6 = pulumi.String(r.cidr)
		default:
			args.CidrIpv4 = pulumi.String(r.cidr)
		}
		if _, err := vpc.NewSecurityGroupIngressRule(b.ctx, b.name+"-in-"+r.key, args, b.child()...); err != nil {
			return err
		}
	}
	for _, r := range egress {
		args := &vpc.SecurityGroupEgressRuleArgs{
			SecurityGroupId: b.groups[r.group].ID(), IpProtocol: pulumi.String("tcp"),
			FromPort: pulumi.Int(r.port), ToPort: pulumi.Int(r.port), Description: pulumi.String(r.desc),
		}
		if r.sourceSG != "" {
			args.ReferencedSecurityGroupId = b.groups[r.sourceSG].ID()
		} else {
			args.CidrIpv4 = pulumi.String(r.cidr)
		}
		if _, err := vpc.NewSecurityGroupEgressRule(b.ctx, b.name+"-out-"+r.key, args, b.child()...); err != nil {
			return err
		}
	}
	return nil
}

// endpoints: S3 through a gateway endpoint on the private route tables, the other
// AWS APIs through interface endpoints in the management subnets (NET-2: private
// subnets need no internet route for them).
func (b *builder) endpoints() error {
	var privateTables pulumi.StringArray
	for _, z := range b.layout.Zones {
		privateTables = append(privateTables, b.tables["app-"+z].ID())
	}
	privateTables = append(privateTables, b.tables["database"].ID(), b.tables["management"].ID())
	if _, err := ec2.NewVpcEndpoint(b.ctx, b.name+"-s3", &ec2.VpcEndpointArgs{
		VpcId: b.vpc.ID(), ServiceName: pulumi.String("com.amazonaws." + b.args.Region + ".s3"),
		VpcEndpointType: pulumi.String("Gateway"), RouteTableIds: privateTables, Tags: b.tags(b.name + "-s3"),
		Policy: pulumi.String(EndpointPolicy(b.args.AccountID)),
	}, b.child()...); err != nil {
		return err
	}
	var mgmt pulumi.StringArray
	for _, s := range b.layout.ByRole(network.Management) {
		mgmt = append(mgmt, b.subnets[network.Key{Role: network.Management, Zone: s.Zone}].ID())
	}
	for _, svc := range InterfaceEndpoints {
		n := b.name + "-" + svc
		if _, err := ec2.NewVpcEndpoint(b.ctx, n, &ec2.VpcEndpointArgs{
			VpcId: b.vpc.ID(), ServiceName: pulumi.String("com.amazonaws." + b.args.Region + "." + svc),
			VpcEndpointType: pulumi.String("Interface"), PrivateDnsEnabled: pulumi.Bool(true),
			SubnetIds: mgmt, SecurityGroupIds: pulumi.StringArray{b.groups["endpoints"].ID()}, Tags: b.tags(n),
			Policy: pulumi.String(EndpointPolicy(b.args.AccountID)),
		}, b.child()...); err != nil {
			return err
		}
	}
	return nil
}

// flowLogs: every flow of the VPC to a log group encrypted with the project's logs
// key, in the provider's region (NET-7).
func (b *builder) flowLogs() error {
	n := b.name + "-flow-logs"
	group, err := cloudwatch.NewLogGroup(b.ctx, n, &cloudwatch.LogGroupArgs{
		Name:            pulumi.String("/odoo-hosting/" + b.name + "/vpc-flow-logs"),
		RetentionInDays: pulumi.Int(b.spec.FlowLogRetentionDays),
		KmsKeyId:        b.args.LogsKeyArn,
		Tags:            b.tags(n),
	}, b.child(pulumi.RetainOnDelete(true), pulumi.Protect(b.spec.Production))...) // BAK-6
	if err != nil {
		return err
	}
	region, _ := jurisdiction.Lookup(jurisdiction.AWS, b.args.Region)
	// Only this account's flow logs may use the role (confused deputy; VPC User
	// Guide, "IAM role for publishing flow logs to CloudWatch Logs").
	trust, err := json.Marshal(map[string]any{
		"Version": "2012-10-17",
		"Statement": []map[string]any{{
			"Effect": "Allow", "Principal": map[string]any{"Service": "vpc-flow-logs.amazonaws.com"}, "Action": "sts:AssumeRole",
			"Condition": map[string]any{
				"StringEquals": map[string]string{"aws:SourceAccount": b.args.AccountID},
				"ArnLike":      map[string]string{"aws:SourceArn": fmt.Sprintf("arn:%s:ec2:%s:%s:vpc-flow-log/*", region.Partition, b.args.Region, b.args.AccountID)},
			},
		}},
	})
	if err != nil {
		return err
	}
	role, err := iam.NewRole(b.ctx, names.Autonamed(names.Role, n), &iam.RoleArgs{AssumeRolePolicy: pulumi.String(string(trust)), Tags: b.tags(n)}, b.child()...)
	if err != nil {
		return err
	}
	policy := group.Arn.ApplyT(func(arn string) (string, error) {
		doc, err := json.Marshal(map[string]any{
			"Version": "2012-10-17",
			"Statement": []map[string]any{
				{
					"Effect":   "Allow",
					"Action":   []string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"},
					"Resource": []string{arn, arn + ":*"},
				},
				{
					// The service lists log groups before it writes (VPC User Guide).
					"Effect":   "Allow",
					"Action":   []string{"logs:DescribeLogGroups"},
					"Resource": fmt.Sprintf("arn:%s:logs:%s:%s:log-group:*", region.Partition, b.args.Region, b.args.AccountID),
				},
			},
		})
		return string(doc), err
	}).(pulumi.StringOutput)
	if _, err := iam.NewRolePolicy(b.ctx, n, &iam.RolePolicyArgs{Role: role.Name, Policy: policy}, b.child()...); err != nil {
		return err
	}
	_, err = ec2.NewFlowLog(b.ctx, n, &ec2.FlowLogArgs{
		VpcId:                  b.vpc.ID(),
		TrafficType:            pulumi.String("ALL"),
		LogDestinationType:     pulumi.String("cloud-watch-logs"),
		LogDestination:         group.Arn,
		IamRoleArn:             role.Arn,
		MaxAggregationInterval: pulumi.Int(60),
		Tags:                   b.tags(n),
	}, b.child()...)
	return err
}

// vpn: optional site-to-site VPN to the customer's networks (NET-5), IKEv2 with
// strong algorithms, static routes, routes propagated to the management tier only.
func (b *builder) vpn() error {
	if len(b.spec.VPNPeers) == 0 {
		return nil
	}
	vgw, err := ec2.NewVpnGateway(b.ctx, b.name, &ec2.VpnGatewayArgs{VpcId: b.vpc.ID(), Tags: b.tags(b.name)}, b.child()...)
	if err != nil {
		return err
	}
	if _, err := ec2.NewVpnGatewayRoutePropagation(b.ctx, b.name+"-management", &ec2.VpnGatewayRoutePropagationArgs{
		VpnGatewayId: vgw.ID(), RouteTableId: b.tables["management"].ID(),
	}, b.child()...); err != nil {
		return err
	}
	for _, p := range b.spec.VPNPeers {
		n := b.name + "-vpn-" + p.Name
		cgw, err := ec2.NewCustomerGateway(b.ctx, n, &ec2.CustomerGatewayArgs{
			Type: pulumi.String("ipsec.1"), IpAddress: pulumi.String(p.PublicIP), BgpAsn: pulumi.String(strconv.Itoa(p.BGPASN)), Tags: b.tags(n),
		}, b.child()...)
		if err != nil {
			return err
		}
		conn, err := ec2.NewVpnConnection(b.ctx, n, &ec2.VpnConnectionArgs{
			Type: pulumi.String("ipsec.1"), CustomerGatewayId: cgw.ID(), VpnGatewayId: vgw.ID(), StaticRoutesOnly: pulumi.Bool(true),
			Tunnel1IkeVersions:                pulumi.ToStringArray(vpnIKEVersions),
			Tunnel1Phase1EncryptionAlgorithms: pulumi.ToStringArray(vpnEncryption),
			Tunnel1Phase1IntegrityAlgorithms:  pulumi.ToStringArray(vpnIntegrity),
			Tunnel1Phase1DhGroupNumbers:       pulumi.ToIntArray(vpnDHGroups),
			Tunnel1Phase2EncryptionAlgorithms: pulumi.ToStringArray(vpnEncryption),
			Tunnel1Phase2IntegrityAlgorithms:  pulumi.ToStringArray(vpnIntegrity),
			Tunnel1Phase2DhGroupNumbers:       pulumi.ToIntArray(vpnDHGroups),
			Tunnel2IkeVersions:                pulumi.ToStringArray(vpnIKEVersions),
			Tunnel2Phase1EncryptionAlgorithms: pulumi.ToStringArray(vpnEncryption),
			Tunnel2Phase1IntegrityAlgorithms:  pulumi.ToStringArray(vpnIntegrity),
			Tunnel2Phase1DhGroupNumbers:       pulumi.ToIntArray(vpnDHGroups),
			Tunnel2Phase2EncryptionAlgorithms: pulumi.ToStringArray(vpnEncryption),
			Tunnel2Phase2IntegrityAlgorithms:  pulumi.ToStringArray(vpnIntegrity),
			Tunnel2Phase2DhGroupNumbers:       pulumi.ToIntArray(vpnDHGroups),
			Tags:                              b.tags(n),
		}, b.child()...)
		if err != nil {
			return err
		}
		for _, c := range p.CIDRs {
			if _, err := ec2.NewVpnConnectionRoute(b.ctx, n+"-"+network.RangeKey(c), &ec2.VpnConnectionRouteArgs{
				VpnConnectionId: conn.ID(), DestinationCidrBlock: pulumi.String(c),
			}, b.child()...); err != nil {
				return err
			}
		}
	}
	return nil
}
