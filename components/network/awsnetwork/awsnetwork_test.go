package awsnetwork_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/components/network"
	"github.com/octura/odoo-hosting/components/network/awsnetwork"
	"github.com/octura/odoo-hosting/components/network/networktest"
	"github.com/octura/odoo-hosting/internal/plan"
)

const (
	name       = "acme-eu-west-1"
	logsKeyArn = "arn:aws:kms:eu-west-1:111111111111:key/logs"
)

// run plans the network of spec; the constructor's error is returned with the plan
// of whatever was registered.
func run(t *testing.T, spec network.Spec, region string) (*plan.Plan, error) {
	t.Helper()
	var newErr error
	p, err := plan.Run("odoo-hosting", "acme-eu", func(ctx *pulumi.Context) error {
		prov, err := aws.NewProvider(ctx, "acme-primary", &aws.ProviderArgs{Region: pulumi.String(region)})
		if err != nil {
			return err
		}
		_, newErr = awsnetwork.New(ctx, name, awsnetwork.Args{
			Spec: spec, Region: region, Provider: prov, LogsKeyArn: pulumi.String(logsKeyArn), AccountID: "111111111111",
		})
		return nil
	})
	require.NoError(t, err)
	return p, newErr
}

// registered are the resources the constructor registered (the test's provider aside).
// id reproduces the planner's mock ID: "<name>-<first 8 hex of sha256(urn)>".
func id(s plan.State) string {
	sum := sha256.Sum256([]byte(s.URN))
	return s.Name() + "-" + hex.EncodeToString(sum[:4])
}

func str(v any) string { s, _ := v.(string); return s }

// harness describes the AWS plan in the suite's cloud-neutral terms.
type harness struct{}

func (harness) Plan(t *testing.T, spec network.Spec) (networktest.View, error) {
	p, err := run(t, spec, networktest.Region)
	v := networktest.View{Resources: len(p.Managed())}
	if err != nil {
		return v, err
	}
	byID := map[string]plan.State{}
	for _, r := range p.Resources() {
		byID[id(r)] = r
	}
	v.Networks = len(p.ByType("aws:ec2/vpc:Vpc"))

	// Default routes per route table.
	defaults := map[string]networktest.Route{}
	for _, r := range p.ByType("aws:ec2/route:Route") {
		if r.Inputs["destinationCidrBlock"] != network.AnyIPv4 {
			continue
		}
		switch {
		case str(r.Inputs["gatewayId"]) != "":
			defaults[str(r.Inputs["routeTableId"])] = networktest.Internet
		case str(r.Inputs["natGatewayId"]) != "":
			nat := byID[str(r.Inputs["natGatewayId"])]
			zone := str(byID[str(nat.Inputs["subnetId"])].Inputs["availabilityZone"])
			defaults[str(r.Inputs["routeTableId"])] = networktest.ViaNAT(zone)
		default:
			defaults[str(r.Inputs["routeTableId"])] = "other"
		}
	}
	for _, rt := range p.ByType("aws:ec2/routeTable:RouteTable") {
		require.Nil(t, rt.Inputs["routes"], "routes are separate resources")
	}
	tableOf := map[string]string{}
	for _, a := range p.ByType("aws:ec2/routeTableAssociation:RouteTableAssociation") {
		tableOf[str(a.Inputs["subnetId"])] = str(a.Inputs["routeTableId"])
	}
	for _, s := range p.ByType("aws:ec2/subnet:Subnet") {
		zone := str(s.Inputs["availabilityZone"])
		tier := strings.TrimSuffix(strings.TrimPrefix(s.Name(), name+"-"), "-"+zone)
		route, ok := defaults[tableOf[id(s)]]
		if !ok {
			route = networktest.NoRoute
		}
		v.Subnets = append(v.Subnets, networktest.Subnet{
			Role: network.Role(tier), Zone: zone, CIDR: str(s.Inputs["cidrBlock"]),
			PublicIPOnLaunch: s.Inputs["mapPublicIpOnLaunch"] != false, Default: route,
		})
	}
	for _, n := range p.ByType("aws:ec2/natGateway:NatGateway") {
		v.NATZones = append(v.NATZones, str(byID[str(n.Inputs["subnetId"])].Inputs["availabilityZone"]))
	}

	group := func(ref string) string { return strings.TrimPrefix(byID[ref].Name(), name+"-") }
	for _, r := range p.ByType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") {
		require.Equal(t, "tcp", r.Inputs["ipProtocol"])
		require.Equal(t, r.Inputs["fromPort"], r.Inputs["toPort"])
		rule := networktest.Rule{Group: group(str(r.Inputs["securityGroupId"])), Port: int(r.Inputs["fromPort"].(float64))}
		switch {
		case str(r.Inputs["referencedSecurityGroupId"]) != "":
			rule.Source = "group:" + group(str(r.Inputs["referencedSecurityGroupId"]))
		case str(r.Inputs["cidrIpv4"]) != "":
			rule.Source = "cidr:" + str(r.Inputs["cidrIpv4"])
		default:
			rule.Source = "cidr:" + str(r.Inputs["cidrIpv6"])
		}
		v.Ingress = append(v.Ingress, rule)
	}
	for _, g := range p.ByType("aws:ec2/securityGroup:SecurityGroup") {
		require.Nil(t, g.Inputs["ingress"], "rules are separate resources")
	}
	for _, d := range p.ByType("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup") {
		if len(d.Inputs["ingress"].([]any))+len(d.Inputs["egress"].([]any)) > 0 {
			v.Ingress = append(v.Ingress, networktest.Rule{Group: "default", Source: "cidr:" + network.AnyIPv4})
		}
	}

	for _, f := range p.ByType("aws:ec2/flowLog:FlowLog") {
		lg := byID[strings.TrimPrefix(str(f.Inputs["logDestination"]), "arn:aws:cloudwatch:eu-west-1:111111111111:loggroup/")]
		v.FlowLogs = append(v.FlowLogs, networktest.FlowLog{
			AllTraffic:    f.Inputs["trafficType"] == "ALL",
			Encrypted:     lg.Inputs["kmsKeyId"] == logsKeyArn,
			RetentionDays: int(lg.Inputs["retentionInDays"].(float64)),
		})
	}
	for _, c := range p.ByType("aws:ec2/vpnConnection:VpnConnection") {
		v.VPNPeers = append(v.VPNPeers, strings.TrimPrefix(c.Name(), name+"-vpn-"))
	}
	for _, r := range p.ByType("aws:ec2/vpnConnectionRoute:VpnConnectionRoute") {
		peer := strings.TrimPrefix(byID[str(r.Inputs["vpnConnectionId"])].Name(), name+"-vpn-")
		v.VPNRoutes = append(v.VPNRoutes, peer+":"+str(r.Inputs["destinationCidrBlock"]))
	}
	return v, nil
}

func TestConformance(t *testing.T) { networktest.Run(t, harness{}) }

func counts(p *plan.Plan) map[string]int {
	c := p.Count()
	delete(c, plan.StackType)
	delete(c, "pulumi:providers:aws")
	return c
}

func TestNET1_ResourceCounts(t *testing.T) {
	base := map[string]int{
		awsnetwork.Type:   1,
		"aws:ec2/vpc:Vpc": 1,
		"aws:ec2/defaultSecurityGroup:DefaultSecurityGroup":         1,
		"aws:ec2/internetGateway:InternetGateway":                   1,
		"aws:ec2/securityGroup:SecurityGroup":                       5,
		"aws:ec2/vpcEndpoint:VpcEndpoint":                           7,
		"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": 6,
		"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule":   5,
		"aws:cloudwatch/logGroup:LogGroup":                          1,
		"aws:iam/role:Role":                                         1,
		"aws:iam/rolePolicy:RolePolicy":                             1,
		"aws:ec2/flowLog:FlowLog":                                   1,
	}
	with := func(extra map[string]int) map[string]int {
		out := map[string]int{}
		for k, v := range base {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}

	p, err := run(t, networktest.Spec(2), "eu-west-1")
	require.NoError(t, err)
	require.Equal(t, with(map[string]int{
		"aws:ec2/subnet:Subnet": 8, "aws:ec2/routeTable:RouteTable": 5, "aws:ec2/route:Route": 3,
		"aws:ec2/routeTableAssociation:RouteTableAssociation": 8, "aws:ec2/eip:Eip": 1, "aws:ec2/natGateway:NatGateway": 1,
	}), counts(p))
	require.Equal(t, 57, len(p.Managed()))

	s := networktest.Spec(3)
	s.NATPerZone = true
	p, err = run(t, s, "eu-west-1")
	require.NoError(t, err)
	require.Equal(t, with(map[string]int{
		"aws:ec2/subnet:Subnet": 12, "aws:ec2/routeTable:RouteTable": 6, "aws:ec2/route:Route": 4,
		"aws:ec2/routeTableAssociation:RouteTableAssociation": 12, "aws:ec2/eip:Eip": 3, "aws:ec2/natGateway:NatGateway": 3,
	}), counts(p))
	require.Equal(t, 71, len(p.Managed()))
}

func TestEveryChildHasParentAndProvider(t *testing.T) {
	s := networktest.Spec(2)
	s.VPNPeers = []network.VPNPeer{{Name: "hq", PublicIP: "198.51.100.7", CIDRs: []string{"192.168.10.0/24"}}}
	p, err := run(t, s, "eu-west-1")
	require.NoError(t, err)
	comp, ok := p.Get(awsnetwork.Type, name)
	require.True(t, ok)
	for _, r := range p.Managed() {
		if r.Type == awsnetwork.Type {
			continue
		}
		require.Equal(t, comp.URN, r.Parent, r.URN)
		prov, ok := p.ProviderOf(r)
		require.True(t, ok, "%s has no explicit provider", r.URN)
		require.Equal(t, "eu-west-1", prov.Inputs["region"])
		require.True(t, strings.HasPrefix(r.Name(), name), r.Name())
	}
}

func TestNET2_DatabaseSubnetsHaveNoInternetRoute(t *testing.T) {
	p, err := run(t, networktest.Spec(2), "eu-west-1")
	require.NoError(t, err)
	for _, table := range []string{name + "-database", name + "-management"} {
		rt, ok := p.Get("aws:ec2/routeTable:RouteTable", table)
		require.True(t, ok)
		for _, r := range p.ByType("aws:ec2/route:Route") {
			require.NotEqual(t, id(rt), r.Inputs["routeTableId"], "NET-2: %s has route %s", table, r.Name())
		}
		for _, z := range []string{"eu-west-1a", "eu-west-1b"} {
			tier := strings.TrimPrefix(table, name+"-")
			a, ok := p.Get("aws:ec2/routeTableAssociation:RouteTableAssociation", name+"-"+tier+"-"+z)
			require.True(t, ok)
			require.Equal(t, id(rt), a.Inputs["routeTableId"])
		}
	}
	for _, s := range p.ByType("aws:ec2/subnet:Subnet") {
		require.Equal(t, false, s.Inputs["mapPublicIpOnLaunch"], "NET-2: %s", s.Name())
	}
	vpc, _ := p.Get("aws:ec2/vpc:Vpc", name)
	require.Equal(t, true, vpc.Inputs["enableDnsSupport"])
	require.Equal(t, "10.20.0.0/16", vpc.Inputs["cidrBlock"])
}

func TestNET2_EndpointsKeepAWSTrafficPrivate(t *testing.T) {
	p, err := run(t, networktest.Spec(2), "eu-west-1")
	require.NoError(t, err)
	s3, ok := p.Get("aws:ec2/vpcEndpoint:VpcEndpoint", name+"-s3")
	require.True(t, ok)
	require.Equal(t, "com.amazonaws.eu-west-1.s3", s3.Inputs["serviceName"])
	require.Equal(t, "Gateway", s3.Inputs["vpcEndpointType"])
	require.Len(t, s3.Inputs["routeTableIds"], 4)
	mgmtA, _ := p.Get("aws:ec2/subnet:Subnet", name+"-management-eu-west-1a")
	mgmtB, _ := p.Get("aws:ec2/subnet:Subnet", name+"-management-eu-west-1b")
	sg, _ := p.Get("aws:ec2/securityGroup:SecurityGroup", name+"-endpoints")
	for _, svc := range awsnetwork.InterfaceEndpoints {
		e, ok := p.Get("aws:ec2/vpcEndpoint:VpcEndpoint", name+"-"+svc)
		require.True(t, ok, svc)
		require.Equal(t, "com.amazonaws.eu-west-1."+svc, e.Inputs["serviceName"])
		require.Equal(t, "Interface", e.Inputs["vpcEndpointType"])
		require.Equal(t, true, e.Inputs["privateDnsEnabled"])
		require.Equal(t, []any{id(mgmtA), id(mgmtB)}, e.Inputs["subnetIds"])
		require.Equal(t, []any{id(sg)}, e.Inputs["securityGroupIds"])
	}
}

func TestNET3_DefaultSecurityGroupHasNoRules(t *testing.T) {
	p, err := run(t, networktest.Spec(2), "eu-west-1")
	require.NoError(t, err)
	d, ok := p.Get("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", name+"-default")
	require.True(t, ok)
	require.Equal(t, []any{}, d.Inputs["ingress"])
	require.Equal(t, []any{}, d.Inputs["egress"])
	r, ok := p.Get("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", name+"-in-alb-https-2400-cb00---32")
	require.True(t, ok, "NET-3: one rule per edge range, keyed by range")
	require.Equal(t, "2400:cb00::/32", r.Inputs["cidrIpv6"])
	require.Equal(t, float64(443), r.Inputs["fromPort"])
}

func TestNET5_VPNTunnelsUseIKEv2AndStrongAlgorithms(t *testing.T) {
	s := networktest.Spec(2)
	s.VPNPeers = []network.VPNPeer{{Name: "hq", PublicIP: "198.51.100.7", CIDRs: []string{"192.168.10.0/24"}}}
	p, err := run(t, s, "eu-west-1")
	require.NoError(t, err)
	c := counts(p)
	require.Equal(t, 1, c["aws:ec2/vpnGateway:VpnGateway"])
	require.Equal(t, 1, c["aws:ec2/customerGateway:CustomerGateway"])
	require.Equal(t, 1, c["aws:ec2/vpnConnection:VpnConnection"])
	require.Equal(t, 1, c["aws:ec2/vpnConnectionRoute:VpnConnectionRoute"])
	require.Equal(t, 1, c["aws:ec2/vpnGatewayRoutePropagation:VpnGatewayRoutePropagation"])

	vpc, _ := p.Get("aws:ec2/vpc:Vpc", name)
	vgw, _ := p.Get("aws:ec2/vpnGateway:VpnGateway", name)
	require.Equal(t, id(vpc), vgw.Inputs["vpcId"], "the VPN gateway is attached to the VPC")
	cgw, _ := p.Get("aws:ec2/customerGateway:CustomerGateway", name+"-vpn-hq")
	require.Equal(t, "198.51.100.7", cgw.Inputs["ipAddress"])
	require.Equal(t, "65000", cgw.Inputs["bgpAsn"])
	conn, _ := p.Get("aws:ec2/vpnConnection:VpnConnection", name+"-vpn-hq")
	require.Equal(t, true, conn.Inputs["staticRoutesOnly"])
	for _, tun := range []string{"tunnel1", "tunnel2"} {
		require.Equal(t, []any{"ikev2"}, conn.Inputs[tun+"IkeVersions"])
		for _, ph := range []string{"Phase1", "Phase2"} {
			require.Equal(t, []any{"AES256"}, conn.Inputs[tun+ph+"EncryptionAlgorithms"])
			require.Equal(t, []any{"SHA2-384"}, conn.Inputs[tun+ph+"IntegrityAlgorithms"])
			require.Equal(t, []any{float64(20)}, conn.Inputs[tun+ph+"DhGroupNumbers"])
		}
	}
	prop, _ := p.Get("aws:ec2/vpnGatewayRoutePropagation:VpnGatewayRoutePropagation", name+"-management")
	mgmt, _ := p.Get("aws:ec2/routeTable:RouteTable", name+"-management")
	require.Equal(t, id(mgmt), prop.Inputs["routeTableId"])
	ssh, ok := p.Get("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", name+"-in-management-ssh-192-168-10-0-24")
	require.True(t, ok)
	require.Equal(t, float64(22), ssh.Inputs["fromPort"])
}

func TestNET7_FlowLogRoleAndGroup(t *testing.T) {
	p, err := run(t, networktest.Spec(2), "eu-west-1")
	require.NoError(t, err)
	lg, ok := p.Get("aws:cloudwatch/logGroup:LogGroup", name+"-flow-logs")
	require.True(t, ok)
	require.Equal(t, logsKeyArn, lg.Inputs["kmsKeyId"])
	require.Equal(t, float64(365), lg.Inputs["retentionInDays"])
	require.True(t, lg.RetainOnDelete)
	role, _ := p.Get("aws:iam/role:Role", name+"-flow-logs")
	var trust map[string]any
	require.NoError(t, json.Unmarshal([]byte(str(role.Inputs["assumeRolePolicy"])), &trust))
	require.Equal(t, "vpc-flow-logs.amazonaws.com", trust["Statement"].([]any)[0].(map[string]any)["Principal"].(map[string]any)["Service"])
	// NET-7: only this account's flow logs may use the role, and it may list the
	// log groups the service looks up before writing.
	require.Equal(t, map[string]any{
		"StringEquals": map[string]any{"aws:SourceAccount": "111111111111"},
		"ArnLike":      map[string]any{"aws:SourceArn": "arn:aws:ec2:eu-west-1:111111111111:vpc-flow-log/*"},
	}, trust["Statement"].([]any)[0].(map[string]any)["Condition"])
	rp, _ := p.Get("aws:iam/rolePolicy:RolePolicy", name+"-flow-logs")
	var perms struct{ Statement []map[string]any }
	require.NoError(t, json.Unmarshal([]byte(str(rp.Inputs["policy"])), &perms))
	require.Len(t, perms.Statement, 2)
	require.Equal(t, []any{"logs:DescribeLogGroups"}, perms.Statement[1]["Action"])
	require.Equal(t, "arn:aws:logs:eu-west-1:111111111111:log-group:*", perms.Statement[1]["Resource"])
	fl, _ := p.Get("aws:ec2/flowLog:FlowLog", name+"-flow-logs")
	require.Equal(t, "ALL", fl.Inputs["trafficType"])
	require.Equal(t, "cloud-watch-logs", fl.Inputs["logDestinationType"])
	require.Regexp(t, `^arn:aws:iam:eu-west-1:111111111111:role/`, fl.Inputs["iamRoleArn"])
}

func TestInvalidArgsRegisterNothing(t *testing.T) {
	s := networktest.Spec(2)
	s.CIDR = "10.20.0.0/33"
	p, err := run(t, s, "eu-central-2x")
	require.EqualError(t, err, `network "acme-eu-west-1": cidr "10.20.0.0/33" is not an IPv4 range; allowed: a private IPv4 range /16 to /20, such as "10.20.0.0/16"
region "eu-central-2x" is not a known AWS region; allowed: a region of the jurisdiction model, such as "eu-west-1"`)
	require.Empty(t, p.Managed())

	p, err = run(t, networktest.Spec(2), "eu-central-1")
	require.EqualError(t, err, `network "acme-eu-west-1": zones[0] "eu-west-1a" is not a zone of region "eu-central-1"; allowed: zones of the region such as eu-central-1a, eu-central-1b
zones[1] "eu-west-1b" is not a zone of region "eu-central-1"; allowed: zones of the region such as eu-central-1a, eu-central-1b`)
	require.Empty(t, p.Managed())
}

// TestNET3_EndpointsServeTheAccountOnly: every VPC endpoint carries a policy that
// admits principals of the stack's account only (the default admits any).
func TestNET3_EndpointsServeTheAccountOnly(t *testing.T) {
	p, err := run(t, networktest.Spec(2), "eu-west-1")
	require.NoError(t, err)
	eps := p.ByType("aws:ec2/vpcEndpoint:VpcEndpoint")
	require.Len(t, eps, 7)
	for _, ep := range eps {
		var doc map[string]any
		require.NoError(t, json.Unmarshal([]byte(str(ep.Inputs["policy"])), &doc), ep.Name())
		require.Equal(t, []any{map[string]any{
			"Sid": "OwnAccountOnly", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
			"Condition": map[string]any{"StringEquals": map[string]any{"aws:PrincipalAccount": "111111111111"}},
		}}, doc["Statement"], ep.Name())
	}
}

// TestNET3_NoDeadEgressToTheDatabase: the management group sends nothing to the
// database, which admits the application only (a rule with no other half).
func TestNET3_NoDeadEgressToTheDatabase(t *testing.T) {
	p, err := run(t, networktest.Spec(2), "eu-west-1")
	require.NoError(t, err)
	var keys []string
	for _, r := range p.ByType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule") {
		keys = append(keys, strings.TrimPrefix(r.Name(), name+"-out-"))
	}
	require.Equal(t, []string{"alb-longpoll", "alb-odoo", "app-https", "app-postgres", "management-https"}, keys)
}
