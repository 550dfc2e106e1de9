package gcpnetwork_test

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/components/network"
	"github.com/octura/odoo-hosting/components/network/gcpnetwork"
	"github.com/octura/odoo-hosting/components/network/networktest"
	"github.com/octura/odoo-hosting/internal/plan"
)

const (
	name    = "acme-europe-west1"
	region  = "europe-west1"
	logsKey = "projects/acme-prod/locations/europe-west1/keyRings/acme/cryptoKeys/acme-logs"

	networkType  = "gcp:compute/network:Network"
	subnetType   = "gcp:compute/subnetwork:Subnetwork"
	routerType   = "gcp:compute/router:Router"
	natType      = "gcp:compute/routerNat:RouterNat"
	addressType  = "gcp:compute/globalAddress:GlobalAddress"
	psaType      = "gcp:servicenetworking/connection:Connection"
	firewallType = "gcp:compute/firewall:Firewall"
	bucketType   = "gcp:logging/projectBucketConfig:ProjectBucketConfig"
	sinkType     = "gcp:logging/projectSink:ProjectSink"
	exclType     = "gcp:logging/projectExclusion:ProjectExclusion"
	haType       = "gcp:compute/haVpnGateway:HaVpnGateway"
	extType      = "gcp:compute/externalVpnGateway:ExternalVpnGateway"
	tunnelType   = "gcp:compute/vPNTunnel:VPNTunnel"
	ifaceType    = "gcp:compute/routerInterface:RouterInterface"
	peerType     = "gcp:compute/routerPeer:RouterPeer"
)

func secrets(s network.Spec) map[string]pulumi.StringInput {
	out := map[string]pulumi.StringInput{}
	for _, p := range s.VPNPeers {
		out[p.Name] = pulumi.ToSecret(pulumi.String("psk-" + p.Name)).(pulumi.StringOutput)
	}
	return out
}

func run(t *testing.T, args gcpnetwork.Args) (*plan.Plan, error) {
	t.Helper()
	var newErr error
	p, err := plan.Run("odoo-hosting", "acme-eu", func(ctx *pulumi.Context) error {
		prov, err := gcp.NewProvider(ctx, "acme-primary", &gcp.ProviderArgs{Project: pulumi.String("acme-prod"), Region: pulumi.String(region)})
		if err != nil {
			return err
		}
		args.Provider = prov
		_, newErr = gcpnetwork.New(ctx, name, args)
		return nil
	})
	require.NoError(t, err)
	return p, newErr
}

func args(s network.Spec) gcpnetwork.Args {
	return gcpnetwork.Args{Spec: s, Region: region, Project: "acme-prod", LogsKey: pulumi.String(logsKey), VPNSecrets: secrets(s)}
}

func str(v any) string { s, _ := v.(string); return s }

func strs(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

// selfLink is the planner's mock self link of a gcp resource.
func selfLink(s plan.State) string {
	module := strings.Split(s.Type, ":")[1]
	return "https://www.googleapis.com/" + module + "/v1/" + s.Name()
}

type harness struct{}

func (harness) Profile() networktest.Profile {
	return networktest.Profile{
		Region:   region,
		Regional: true,
		Roles:    []network.Role{network.App, network.Database, network.Management},
		Ingress:  ingress,
	}
}

// ingress is what gcp admits (NET-3, NET-5): the global external Application Load
// Balancer's health-check and proxy ranges to the app, the app to the database,
// Identity-Aware Proxy and the management sources to management. The edge's ranges
// are enforced by Cloud Armor at the load balancer, outside the VPC.
func ingress(s network.Spec) []networktest.Rule {
	var out []networktest.Rule
	if s.Application {
		for _, port := range []int{8069, 8072} {
			for _, r := range []string{"35.191.0.0/16", "130.211.0.0/22"} {
				out = append(out, networktest.Rule{Group: "app", Port: port, Source: "cidr:" + r})
			}
		}
		out = append(out, networktest.Rule{Group: "database", Port: 5432, Source: "group:app"})
	}
	out = append(out, networktest.Rule{Group: "management", Port: 22, Source: "cidr:35.235.240.0/20"})
	for _, r := range s.ManagementSources() {
		out = append(out, networktest.Rule{Group: "management", Port: 22, Source: "cidr:" + r})
	}
	return out
}

func (harness) Plan(t *testing.T, spec network.Spec) (networktest.View, error) {
	p, err := run(t, args(spec))
	v := networktest.View{Resources: len(p.Managed())}
	if err != nil {
		return v, err
	}
	v.Networks = len(p.ByType(networkType))
	natted := map[string]bool{}
	for _, n := range p.ByType(natType) {
		v.NATZones = append(v.NATZones, "") // Cloud NAT is regional
		for _, sn := range n.Inputs["subnetworks"].([]any) {
			natted[str(sn.(map[string]any)["name"])] = true
		}
	}
	allTraffic := true
	for _, s := range p.ByType(subnetType) {
		route := networktest.NoRoute
		if natted[selfLink(s)] {
			route = networktest.ViaNAT("")
		}
		lc, _ := s.Inputs["logConfig"].(map[string]any)
		allTraffic = allTraffic && lc["flowSampling"] == 1.0 && lc["metadata"] == "INCLUDE_ALL_METADATA"
		v.Subnets = append(v.Subnets, networktest.Subnet{
			Role: network.Role(strings.TrimPrefix(s.Name(), name+"-")), CIDR: str(s.Inputs["ipCidrRange"]),
			Default: route,
		})
	}
	for _, f := range p.ByType(firewallType) {
		require.Equal(t, "INGRESS", f.Inputs["direction"], f.Name())
		allows, ok := f.Inputs["allows"].([]any)
		if !ok {
			continue // the deny-all, checked by TestNET3_DenyAllIngressAtLowPriority
		}
		tags := strs(f.Inputs["targetTags"])
		require.Len(t, tags, 1, f.Name())
		for _, a := range allows {
			am := a.(map[string]any)
			require.Equal(t, "tcp", am["protocol"], f.Name())
			for _, port := range strs(am["ports"]) {
				var n int
				for _, c := range port {
					n = n*10 + int(c-'0')
				}
				if src, ok := f.Inputs["sourceTags"].([]any); ok {
					for _, g := range src {
						v.Ingress = append(v.Ingress, networktest.Rule{Group: tags[0], Port: n, Source: "group:" + g.(string)})
					}
				}
				if src, ok := f.Inputs["sourceRanges"].([]any); ok {
					for _, r := range src {
						v.Ingress = append(v.Ingress, networktest.Rule{Group: tags[0], Port: n, Source: "cidr:" + r.(string)})
					}
				}
			}
		}
	}
	buckets := map[string]plan.State{}
	for _, b := range p.ByType(bucketType) {
		buckets["logging.googleapis.com/"+b.Name()+"-"+idHash(b)] = b
	}
	for _, s := range p.ByType(sinkType) {
		if !strings.Contains(str(s.Inputs["filter"]), `log_id("compute.googleapis.com/vpc_flows")`) {
			continue
		}
		b, ok := buckets[str(s.Inputs["destination"])]
		require.True(t, ok, "sink %s writes to a bucket of the plan: %v", s.Name(), s.Inputs["destination"])
		cmek, _ := b.Inputs["cmekSettings"].(map[string]any)
		v.FlowLogs = append(v.FlowLogs, networktest.FlowLog{
			AllTraffic:    allTraffic,
			Encrypted:     cmek["kmsKeyName"] == logsKey,
			RetentionDays: int(b.Inputs["retentionDays"].(float64)),
		})
	}
	for _, g := range p.ByType(extType) {
		v.VPNPeers = append(v.VPNPeers, strings.TrimPrefix(g.Name(), name+"-"))
	}
	seen := map[string]bool{}
	for _, rp := range p.ByType(peerType) {
		peer := strings.TrimPrefix(rp.Name()[:strings.LastIndex(rp.Name(), "-")], name+"-")
		for _, r := range rp.Inputs["customLearnedIpRanges"].([]any) {
			route := peer + ":" + str(r.(map[string]any)["range"])
			if !seen[route] {
				seen[route] = true
				v.VPNRoutes = append(v.VPNRoutes, route)
			}
		}
	}
	return v, nil
}

// idHash is the planner's mock ID suffix of a resource: the first 8 hex digits of
// sha256(urn).
func idHash(s plan.State) string {
	sum := sha256.Sum256([]byte(s.URN))
	return hex.EncodeToString(sum[:4])
}

func TestConformance(t *testing.T) {
	networktest.Run(t, harness{})
}

func spec() network.Spec {
	s := networktest.Spec(0)
	s.Zones = []string{"europe-west1-b", "europe-west1-c", "europe-west1-d"}
	s.Application = true
	return s
}

// TestNET3_NoAppOrDatabaseIngressWithoutApplication: where Odoo does not run
// (on-premise), neither the load balancer nor the app is admitted anywhere; only
// the management paths and the deny-all remain.
func TestNET3_NoAppOrDatabaseIngressWithoutApplication(t *testing.T) {
	s := spec()
	s.Application = false
	p, err := run(t, args(s))
	require.NoError(t, err)
	var names []string
	for _, f := range p.ByType(firewallType) {
		names = append(names, f.Name())
	}
	require.ElementsMatch(t, []string{name + "-deny-all-ingress", name + "-allow-iap-management"}, names)
}

func TestNET1_CustomModeNetworkAndRegionalSubnetworks(t *testing.T) {
	p, err := run(t, args(spec()))
	require.NoError(t, err)
	require.Equal(t, map[string]int{
		plan.StackType: 1, "pulumi:providers:gcp": 1, gcpnetwork.Type: 1,
		networkType: 1, subnetType: 3, routerType: 1, natType: 1, addressType: 1, psaType: 1,
		firewallType: 4, bucketType: 1, sinkType: 1, exclType: 1,
	}, p.Count())
	comp, _ := p.Get(gcpnetwork.Type, name)
	for _, s := range p.Managed() {
		if s.Type == gcpnetwork.Type {
			continue
		}
		require.Equal(t, comp.URN, s.Parent, s.URN)
		prov, ok := p.ProviderOf(s)
		require.True(t, ok, s.URN)
		require.Equal(t, region, prov.Inputs["region"])
	}
	vpc, _ := p.Get(networkType, name)
	require.Equal(t, false, vpc.Inputs["autoCreateSubnetworks"], "NET-1: custom mode, no default subnetworks")
	require.Equal(t, "acme-europe-west1", vpc.Inputs["name"])
	want := map[string]string{"app": "10.20.64.0/18", "database": "10.20.128.0/19", "management": "10.20.192.0/18"}
	for tier, cidr := range want {
		s, ok := p.Get(subnetType, name+"-"+tier)
		require.True(t, ok, tier)
		require.Equal(t, cidr, s.Inputs["ipCidrRange"], tier)
		require.Equal(t, region, s.Inputs["region"])
		require.Equal(t, true, s.Inputs["privateIpGoogleAccess"], "NET-2: Private Google Access on %s", tier)
		require.Equal(t, map[string]any{"aggregationInterval": "INTERVAL_5_SEC", "flowSampling": 1.0, "metadata": "INCLUDE_ALL_METADATA"}, s.Inputs["logConfig"], "NET-7: %s", tier)
		require.Equal(t, []string{"acme-europe-west1-" + idHash(vpc)}, []string{str(s.Inputs["network"])})
	}
}

func TestNET2_NATForTheAppSubnetworkOnly(t *testing.T) {
	p, err := run(t, args(spec()))
	require.NoError(t, err)
	nat, ok := p.Get(natType, name+"-nat")
	require.True(t, ok)
	app, _ := p.Get(subnetType, name+"-app")
	require.Equal(t, "LIST_OF_SUBNETWORKS", nat.Inputs["sourceSubnetworkIpRangesToNat"])
	require.Equal(t, []any{map[string]any{"name": selfLink(app), "sourceIpRangesToNats": []any{"ALL_IP_RANGES"}}}, nat.Inputs["subnetworks"])
	require.Equal(t, "AUTO_ONLY", nat.Inputs["natIpAllocateOption"])
	require.Equal(t, region, nat.Inputs["region"])
}

func TestNET2_PrivateServicesAccessForCloudSQL(t *testing.T) {
	p, err := run(t, args(spec()))
	require.NoError(t, err)
	a, _ := p.Get(addressType, name+"-psa")
	require.Equal(t, "VPC_PEERING", a.Inputs["purpose"])
	require.Equal(t, "INTERNAL", a.Inputs["addressType"])
	require.Equal(t, "10.20.160.0", a.Inputs["address"], "the upper half of the database block")
	require.Equal(t, 19.0, a.Inputs["prefixLength"])
	c, _ := p.Get(psaType, name+"-psa")
	require.Equal(t, "servicenetworking.googleapis.com", c.Inputs["service"])
	require.Equal(t, []any{name + "-psa"}, c.Inputs["reservedPeeringRanges"])
}

func TestNET3_DenyAllIngressAtLowPriorityAndNarrowAllows(t *testing.T) {
	p, err := run(t, args(spec()))
	require.NoError(t, err)
	deny, ok := p.Get(firewallType, name+"-deny-all-ingress")
	require.True(t, ok)
	require.Equal(t, 65534.0, deny.Inputs["priority"])
	require.Equal(t, []any{map[string]any{"protocol": "all"}}, deny.Inputs["denies"])
	require.Equal(t, []any{"0.0.0.0/0"}, deny.Inputs["sourceRanges"])
	require.Nil(t, deny.Inputs["targetTags"], "the deny applies to every instance")
	lb, _ := p.Get(firewallType, name+"-allow-lb-app")
	require.Equal(t, []any{"35.191.0.0/16", "130.211.0.0/22"}, lb.Inputs["sourceRanges"])
	require.Equal(t, []any{map[string]any{"protocol": "tcp", "ports": []any{"8069", "8072"}}}, lb.Inputs["allows"])
	require.Equal(t, []any{"app"}, lb.Inputs["targetTags"])
	require.Equal(t, 1000.0, lb.Inputs["priority"])
	iap, _ := p.Get(firewallType, name+"-allow-iap-management")
	require.Equal(t, []any{"35.235.240.0/20"}, iap.Inputs["sourceRanges"])
	require.Equal(t, []any{map[string]any{"protocol": "tcp", "ports": []any{"22"}}}, iap.Inputs["allows"])
	for _, f := range p.ByType(firewallType) {
		require.NotNil(t, f.Inputs["logConfig"], "firewall %s logs", f.Name())
		if r, ok := f.Inputs["sourceRanges"].([]any); ok && f.Name() != name+"-deny-all-ingress" {
			require.NotContains(t, r, "0.0.0.0/0", f.Name())
		}
	}
}

func TestNET5_HAVPNToEveryPeer(t *testing.T) {
	s := spec()
	s.VPNPeers = []network.VPNPeer{{Name: "hq", PublicIP: "198.51.100.7", CIDRs: []string{"192.168.10.0/24"}, BGPASN: 64600}}
	p, err := run(t, args(s))
	require.NoError(t, err)
	c := p.Count()
	require.Equal(t, []int{1, 2, 1, 2, 2, 2}, []int{c[haType], c[routerType], c[extType], c[tunnelType], c[ifaceType], c[peerType]})
	ext, _ := p.Get(extType, name+"-hq")
	require.Equal(t, "SINGLE_IP_INTERNALLY_REDUNDANT", ext.Inputs["redundancyType"])
	require.Equal(t, []any{map[string]any{"id": 0.0, "ipAddress": "198.51.100.7"}}, ext.Inputs["interfaces"])
	for j, ifc := range []string{"0", "1"} {
		tun, _ := p.Get(tunnelType, name+"-hq-"+ifc)
		require.Equal(t, float64(j), tun.Inputs["vpnGatewayInterface"])
		require.Equal(t, plan.Secret, tun.Inputs["sharedSecret"])
		require.Equal(t, 2.0, tun.Inputs["ikeVersion"])
		peer, _ := p.Get(peerType, name+"-hq-"+ifc)
		require.Equal(t, 64600.0, peer.Inputs["peerAsn"])
		require.Equal(t, []any{map[string]any{"range": "192.168.10.0/24"}}, peer.Inputs["customLearnedIpRanges"])
	}
	router, _ := p.Get(routerType, name+"-vpn")
	require.Equal(t, map[string]any{"asn": 64514.0}, router.Inputs["bgp"])
	mgmt, ok := p.Get(firewallType, name+"-allow-admin-management-192-168-10-0-24")
	require.True(t, ok, "NET-5: the peer's range reaches management")
	require.Equal(t, []any{"management"}, mgmt.Inputs["targetTags"])
}

func TestNET5_PeerWithoutPreSharedKeyAndForeignZoneRefused(t *testing.T) {
	s := spec()
	s.VPNPeers = []network.VPNPeer{{Name: "hq", PublicIP: "198.51.100.7", CIDRs: []string{"192.168.10.0/24"}}}
	s.Zones = []string{"europe-west1-b", "europe-west4-c"}
	a := args(s)
	a.VPNSecrets = nil
	a.Project = ""
	p, err := run(t, a)
	require.EqualError(t, err, `network "acme-europe-west1": zones[1] "europe-west4-c" is not a zone of region europe-west1; allowed: europe-west1-<letter>
project is empty; allowed: the GCP project ID of the network
vpnPeers[0] "hq" has no pre-shared key; allowed: VPNSecrets["hq"] set to a secret (NET-5)`)
	require.Empty(t, p.Managed())
}

func TestNET7_FlowLogBucketInRegionWithLogsKey(t *testing.T) {
	p, err := run(t, args(spec()))
	require.NoError(t, err)
	b, _ := p.Get(bucketType, name+"-flows")
	require.Equal(t, region, b.Inputs["location"], "NET-7: in the region, not the global _Default bucket")
	require.Equal(t, map[string]any{"kmsKeyName": logsKey}, b.Inputs["cmekSettings"])
	require.Equal(t, 365.0, b.Inputs["retentionDays"])
	require.True(t, b.RetainOnDelete)
	sink, _ := p.Get(sinkType, name+"-flows")
	require.Equal(t, `log_id("compute.googleapis.com/vpc_flows") AND resource.type="gce_subnetwork" AND resource.labels.subnetwork_name=("acme-europe-west1-app" OR "acme-europe-west1-database" OR "acme-europe-west1-management")`, sink.Inputs["filter"])
	// RES-2: the _Default sink (global _Default bucket) excludes the same logs.
	excl, ok := p.Get(exclType, name+"-flows")
	require.True(t, ok, "flow logs are excluded from the _Default sink")
	require.Equal(t, sink.Inputs["filter"], excl.Inputs["filter"])
	require.Equal(t, "acme-prod", excl.Inputs["project"])
}

// BAK-6: in production the flow-log bucket and its sink refuse `pulumi destroy`
// and replacement; elsewhere they are not protected.
func TestBAK6_FlowLogBucketAndSinkProtectedInProduction(t *testing.T) {
	for _, production := range []bool{true, false} {
		s := spec()
		s.Production = production
		p, err := run(t, args(s))
		require.NoError(t, err)
		b, _ := p.Get(bucketType, name+"-flows")
		sink, _ := p.Get(sinkType, name+"-flows")
		require.Equal(t, production, b.Protect)
		require.Equal(t, production, sink.Protect)
	}
}

func TestNET1_NoDefaultNetworkAndNoPublicRanges(t *testing.T) {
	ranges, err := gcpnetwork.Plan(spec())
	require.NoError(t, err)
	require.Equal(t, gcpnetwork.Ranges{
		Subnetworks:     map[network.Role]string{network.App: "10.20.64.0/18", network.Database: "10.20.128.0/19", network.Management: "10.20.192.0/18"},
		PrivateServices: "10.20.160.0/19",
	}, ranges)
	p, err := run(t, args(spec()))
	require.NoError(t, err)
	for _, n := range p.ByType(networkType) {
		require.NotEqual(t, "default", n.Inputs["name"])
	}
}
