// Package gcpnetwork builds network.Spec on Google Cloud (NET-1, NET-2, NET-3,
// NET-5, NET-7): a custom-mode VPC network of the stack alone (no default
// network, no auto-created subnetworks); regional app, database and management
// subnetworks carved from the address plan of components/network, with Private
// Google Access and flow logs; a Cloud Router with Cloud NAT for the app
// subnetwork only; private services access for Cloud SQL; firewall rules that deny
// every ingress at low priority and admit only the load balancer's health-check
// and proxy ranges to the app and the app to the database where Odoo runs
// (Spec.Application), and Identity-Aware Proxy,
// the allow-list and the VPN peers to management; a CMEK log bucket in the region
// that keeps the flow logs; and HA VPN to the customer's peers when set.
//
// GCP subnetworks are regional, so each tier takes its whole block of the address
// plan (network.RoleBlock) instead of one subnet per zone; the public block stays
// unused (Google's load balancers live outside the VPC), and the database block is
// split between the database subnetwork (lower half) and the range allocated to
// private services access (upper half). Decision 0065 records the choices and the
// Google Cloud documentation they rest on.
package gcpnetwork

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/compute"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/logging"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/servicenetworking"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/octura/odoo-hosting/components/network"
	"github.com/octura/odoo-hosting/internal/jurisdiction"
)

// Type is the component's type token, the same concept as awsnetwork.
const Type = network.Type

// Google's published source ranges (decision 0065).
var (
	// LoadBalancerRanges are the ranges of the global external Application Load
	// Balancer's health checks and Google Front End proxies: the only sources of
	// traffic to the app (NET-3).
	LoadBalancerRanges = []string{"35.191.0.0/16", "130.211.0.0/22"}
	// IAPRange is the range Identity-Aware Proxy TCP forwarding connects from: the
	// management tier's SSH path (IAM-5).
	IAPRange = "35.235.240.0/20"
)

// Priorities of the firewall rules: allows at the default, the deny-all just above
// the implied rules (65535), so that every allow wins and nothing else gets in.
const (
	AllowPriority   = 1000
	DenyAllPriority = 65534
)

// Roles are the network roles with a subnetwork on gcp, and their network tags.
var Roles = []network.Role{network.App, network.Database, network.Management}

// CloudRouterASN is the private ASN of the VPN's Cloud Router.
const CloudRouterASN = 64514

// Args are the arguments of New.
type Args struct {
	// Spec is the cloud-neutral network. Required; validated before anything is
	// registered.
	Spec network.Spec
	// Region is the GCP region of the subnetworks; every zone of Spec lies in it.
	// Required.
	Region string
	// Project is the GCP project ID. Required.
	Project string
	// Provider is the explicit gcp provider of Region. Required.
	Provider pulumi.ProviderResource
	// LogsKey is the Cloud KMS key (logs purpose, in Region) of the flow-log bucket
	// (NET-7). Required.
	LogsKey pulumi.StringInput
	// VPNSecrets are the IKE pre-shared keys per VPN peer name, as secrets; one for
	// every peer of Spec.VPNPeers (NET-5). Default: none.
	VPNSecrets map[string]pulumi.StringInput
}

// Network is the component.
type Network struct {
	pulumi.ResourceState

	// NetworkID is the VPC network's ID; NetworkSelfLink its self link.
	NetworkID       pulumi.StringOutput
	NetworkSelfLink pulumi.StringOutput
	// Subnetworks are the subnetworks' self links per tier.
	Subnetworks map[network.Role]pulumi.StringOutput
	// PrivateServicesConnection is the private services access connection's ID;
	// Cloud SQL instances depend on it.
	PrivateServicesConnection pulumi.StringOutput
	// Tags are the network tags per tier that instances carry.
	Tags map[network.Role]string
	// Region is the network's region.
	Region string
}

var gcpName = func(s string) bool {
	if len(s) == 0 || len(s) > 63 {
		return false
	}
	for i, c := range s {
		ok := c >= 'a' && c <= 'z' || (i > 0 && (c >= '0' && c <= '9' || c == '-'))
		if !ok {
			return false
		}
	}
	return !strings.HasSuffix(s, "-")
}

// longestChild is the longest suffix New appends to its name.
const longestChild = len("-allow-admin-management-") + 22

// Validate checks the arguments for component name: every problem at once.
func (a Args) Validate(name string) error {
	var errs []error
	if err := a.Spec.Validate(); err != nil {
		errs = append(errs, err)
	}
	if _, ok := jurisdiction.Lookup(jurisdiction.GCP, a.Region); !ok {
		errs = append(errs, fmt.Errorf("region %q is not a known gcp region; allowed: a region of the jurisdiction model", a.Region))
	} else {
		for i, z := range a.Spec.Zones {
			if !strings.HasPrefix(z, a.Region+"-") {
				errs = append(errs, fmt.Errorf("zones[%d] %q is not a zone of region %s; allowed: %s-<letter>", i, z, a.Region, a.Region))
			}
		}
	}
	if a.Project == "" {
		errs = append(errs, errors.New("project is empty; allowed: the GCP project ID of the network"))
	}
	if a.Provider == nil {
		errs = append(errs, errors.New("provider is nil; allowed: the explicit gcp.Provider of the network's region"))
	}
	if a.LogsKey == nil {
		errs = append(errs, errors.New("logsKey is nil; allowed: the Cloud KMS logs key of the region (NET-7)"))
	}
	for i, p := range a.Spec.VPNPeers {
		if a.VPNSecrets[p.Name] == nil {
			errs = append(errs, fmt.Errorf("vpnPeers[%d] %q has no pre-shared key; allowed: VPNSecrets[%q] set to a secret (NET-5)", i, p.Name, p.Name))
		}
	}
	if !gcpName(name) || len(name)+longestChild > 63 {
		errs = append(errs, fmt.Errorf("name %q does not make valid resource names; allowed: a lowercase letter, then lowercase letters, digits and hyphens, at most %d characters", name, 63-longestChild))
	}
	return errors.Join(errs...)
}

// Ranges are the address ranges of a spec on gcp: each subnetwork's range and the
// range allocated to private services access. Pure.
type Ranges struct {
	Subnetworks     map[network.Role]string
	PrivateServices string
}

// Plan returns the ranges of spec's network on gcp.
func Plan(spec network.Spec) (Ranges, error) {
	r := Ranges{Subnetworks: map[network.Role]string{}}
	for _, t := range Roles {
		block, err := network.RoleBlock(spec.CIDR, t)
		if err != nil {
			return Ranges{}, err
		}
		if t == network.Database {
			lower, upper, err := network.Halves(block)
			if err != nil {
				return Ranges{}, err
			}
			block, r.PrivateServices = lower, upper
		}
		r.Subnetworks[t] = block
	}
	return r, nil
}

// New validates args and builds the network; on a validation error it registers
// nothing.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Network, error) {
	if err := args.Validate(name); err != nil {
		return nil, fmt.Errorf("network %q: %w", name, err)
	}
	spec := args.Spec.WithDefaults()
	ranges, err := Plan(spec)
	if err != nil {
		return nil, fmt.Errorf("network %q: %w", name, err)
	}
	n := &Network{Region: args.Region, Subnetworks: map[network.Role]pulumi.StringOutput{}, Tags: map[network.Role]string{}}
	if err := ctx.RegisterComponentResource(Type, name, n, opts...); err != nil {
		return nil, err
	}
	in := []pulumi.ResourceOption{pulumi.Parent(n), pulumi.Provider(args.Provider)}
	project := pulumi.String(args.Project)
	region := pulumi.String(args.Region)

	// NET-1: the stack's own network, custom mode: only the subnetworks below.
	vpc, err := compute.NewNetwork(ctx, name, &compute.NetworkArgs{
		Name:                  pulumi.String(name),
		Project:               project,
		AutoCreateSubnetworks: pulumi.Bool(false),
		RoutingMode:           pulumi.String("REGIONAL"),
		Description:           pulumi.String("odoo-hosting network of " + spec.Customer),
	}, in...)
	if err != nil {
		return nil, err
	}

	for _, t := range Roles {
		sn, err := compute.NewSubnetwork(ctx, name+"-"+string(t), &compute.SubnetworkArgs{
			Name:        pulumi.String(name + "-" + string(t)),
			Project:     project,
			Region:      region,
			Network:     vpc.ID(),
			IpCidrRange: pulumi.String(ranges.Subnetworks[t]),
			StackType:   pulumi.String("IPV4_ONLY"),
			// NET-2: Google APIs without a route to the internet.
			PrivateIpGoogleAccess: pulumi.Bool(true),
			// NET-7: every flow, accepted and denied, with its metadata.
			LogConfig: &compute.SubnetworkLogConfigArgs{
				AggregationInterval: pulumi.String("INTERVAL_5_SEC"),
				FlowSampling:        pulumi.Float64(1),
				Metadata:            pulumi.String("INCLUDE_ALL_METADATA"),
			},
		}, in...)
		if err != nil {
			return nil, err
		}
		n.Subnetworks[t] = sn.SelfLink
		n.Tags[t] = string(t)
	}

	// NET-2: the app subnetwork alone reaches the internet, through Cloud NAT; no
	// instance has an external address, so the other subnetworks cannot.
	router, err := compute.NewRouter(ctx, name+"-nat", &compute.RouterArgs{
		Name: pulumi.String(name + "-nat"), Project: project, Region: region, Network: vpc.ID(),
	}, in...)
	if err != nil {
		return nil, err
	}
	if _, err := compute.NewRouterNat(ctx, name+"-nat", &compute.RouterNatArgs{
		Name:                          pulumi.String(name + "-nat"),
		Project:                       project,
		Region:                        region,
		Router:                        router.Name,
		NatIpAllocateOption:           pulumi.String("AUTO_ONLY"),
		SourceSubnetworkIpRangesToNat: pulumi.String("LIST_OF_SUBNETWORKS"),
		Subnetworks: compute.RouterNatSubnetworkArray{compute.RouterNatSubnetworkArgs{
			Name:                 n.Subnetworks[network.App],
			SourceIpRangesToNats: pulumi.StringArray{pulumi.String("ALL_IP_RANGES")},
		}},
		LogConfig: &compute.RouterNatLogConfigArgs{Enable: pulumi.Bool(true), Filter: pulumi.String("ERRORS_ONLY")},
	}, in...); err != nil {
		return nil, err
	}

	// Private services access: Cloud SQL gets private addresses from the upper half
	// of the database block, over a peering with Google's service network.
	psa, err := netip.ParsePrefix(ranges.PrivateServices)
	if err != nil {
		return nil, err
	}
	alloc, err := compute.NewGlobalAddress(ctx, name+"-psa", &compute.GlobalAddressArgs{
		Name:         pulumi.String(name + "-psa"),
		Project:      project,
		Network:      vpc.ID(),
		Purpose:      pulumi.String("VPC_PEERING"),
		AddressType:  pulumi.String("INTERNAL"),
		Address:      pulumi.String(psa.Addr().String()),
		PrefixLength: pulumi.Int(psa.Bits()),
	}, in...)
	if err != nil {
		return nil, err
	}
	conn, err := servicenetworking.NewConnection(ctx, name+"-psa", &servicenetworking.ConnectionArgs{
		Network:               vpc.ID(),
		Service:               pulumi.String("servicenetworking.googleapis.com"),
		ReservedPeeringRanges: pulumi.StringArray{alloc.Name},
	}, in...)
	if err != nil {
		return nil, err
	}
	n.PrivateServicesConnection = conn.ID().ToStringOutput()

	if err := firewall(ctx, name, spec, project, vpc, in); err != nil {
		return nil, err
	}
	if err := flowLogs(ctx, name, spec, args, in); err != nil {
		return nil, err
	}
	if len(spec.VPNPeers) > 0 {
		if err := vpn(ctx, name, spec, args, vpc, in); err != nil {
			return nil, err
		}
	}

	n.NetworkID = vpc.ID().ToStringOutput()
	n.NetworkSelfLink = vpc.SelfLink
	outputs := pulumi.Map{"networkId": n.NetworkID, "networkSelfLink": n.NetworkSelfLink, "region": pulumi.String(n.Region),
		"privateServicesConnection": n.PrivateServicesConnection}
	for t, o := range n.Subnetworks {
		outputs[string(t)+"Subnetwork"] = o
	}
	return n, ctx.RegisterResourceOutputs(n, outputs)
}

// firewall builds the ingress rules (NET-3, NET-5): a deny-all at low priority and
// one allow per flow the tiers need, each logged.
func firewall(ctx *pulumi.Context, name string, spec network.Spec, project pulumi.StringInput, vpc *compute.Network, in []pulumi.ResourceOption) error {
	logged := &compute.FirewallLogConfigArgs{Metadata: pulumi.String("INCLUDE_ALL_METADATA")}
	tcp := func(ports ...int) compute.FirewallAllowArray {
		var ps pulumi.StringArray
		for _, p := range ports {
			ps = append(ps, pulumi.String(fmt.Sprint(p)))
		}
		return compute.FirewallAllowArray{compute.FirewallAllowArgs{Protocol: pulumi.String("tcp"), Ports: ps}}
	}
	allow := func(child string, target network.Role, ports []int, ranges []string, sourceTag network.Role) error {
		a := &compute.FirewallArgs{
			Name: pulumi.String(name + "-" + child), Project: project, Network: vpc.ID(),
			Direction: pulumi.String("INGRESS"), Priority: pulumi.Int(AllowPriority),
			Allows: tcp(ports...), TargetTags: pulumi.StringArray{pulumi.String(string(target))},
			LogConfig: logged,
		}
		if sourceTag != "" {
			a.SourceTags = pulumi.StringArray{pulumi.String(string(sourceTag))}
		} else {
			a.SourceRanges = pulumi.ToStringArray(ranges)
		}
		_, err := compute.NewFirewall(ctx, name+"-"+child, a, in...)
		return err
	}
	if _, err := compute.NewFirewall(ctx, name+"-deny-all-ingress", &compute.FirewallArgs{
		Name: pulumi.String(name + "-deny-all-ingress"), Project: project, Network: vpc.ID(),
		Direction: pulumi.String("INGRESS"), Priority: pulumi.Int(DenyAllPriority),
		Denies:       compute.FirewallDenyArray{compute.FirewallDenyArgs{Protocol: pulumi.String("all")}},
		SourceRanges: pulumi.StringArray{pulumi.String(network.AnyIPv4)},
		LogConfig:    logged,
	}, in...); err != nil {
		return err
	}
	// NET-3: where Odoo runs (Spec.Application), the app accepts only the load
	// balancer's proxies and health checks, and the database tier only the app on
	// PostgreSQL's port; elsewhere neither is admitted.
	if spec.Application {
		if err := allow("allow-lb-app", network.App, []int{network.OdooPort, network.LongpollPort}, LoadBalancerRanges, ""); err != nil {
			return err
		}
		if err := allow("allow-app-database", network.Database, []int{network.PostgresPort}, nil, network.App); err != nil {
			return err
		}
	}
	// IAM-5: SSH to management only through Identity-Aware Proxy.
	if err := allow("allow-iap-management", network.Management, []int{network.SSHPort}, []string{IAPRange}, ""); err != nil {
		return err
	}
	// NET-5: the allow-list and the VPN peers' ranges, one rule per range (a rule
	// holds IPv4 or IPv6 sources, not both), keyed by the range.
	for _, r := range spec.ManagementSources() {
		if err := allow("allow-admin-management-"+network.RangeKey(r), network.Management, []int{network.SSHPort}, []string{r}, ""); err != nil {
			return err
		}
	}
	return nil
}

// flowLogs keeps the network's flow logs in a log bucket of the region, encrypted
// with the logs key, for the spec's retention (NET-7).
func flowLogs(ctx *pulumi.Context, name string, spec network.Spec, args Args, in []pulumi.ResourceOption) error {
	bucket, err := logging.NewProjectBucketConfig(ctx, name+"-flows", &logging.ProjectBucketConfigArgs{
		Project:       pulumi.String(args.Project),
		Location:      pulumi.String(args.Region),
		BucketId:      pulumi.String(name + "-flows"),
		RetentionDays: pulumi.Int(spec.FlowLogRetentionDays),
		CmekSettings:  &logging.ProjectBucketConfigCmekSettingsArgs{KmsKeyName: args.LogsKey},
		Description:   pulumi.String("VPC flow logs of " + name),
	}, append(in, pulumi.RetainOnDelete(true), pulumi.Protect(spec.Production))...)
	if err != nil {
		return err
	}
	var subnets []string
	for _, t := range Roles {
		subnets = append(subnets, fmt.Sprintf("%q", name+"-"+string(t)))
	}
	filter := fmt.Sprintf(`log_id("compute.googleapis.com/vpc_flows") AND resource.type="gce_subnetwork" AND resource.labels.subnetwork_name=(%s)`,
		strings.Join(subnets, " OR "))
	if _, err := logging.NewProjectSink(ctx, name+"-flows", &logging.ProjectSinkArgs{
		Name:                 pulumi.String(name + "-flows"),
		Project:              pulumi.String(args.Project),
		Destination:          pulumi.Sprintf("logging.googleapis.com/%s", bucket.ID()),
		Filter:               pulumi.String(filter),
		UniqueWriterIdentity: pulumi.Bool(true),
	}, append(in, pulumi.Protect(spec.Production))...); err != nil { // BAK-6
		return err
	}
	// RES-2, NET-7: the project's _Default sink would also keep the flow logs, in
	// the global _Default bucket; a project exclusion is an exclusion of that sink.
	_, err = logging.NewProjectExclusion(ctx, name+"-flows", &logging.ProjectExclusionArgs{
		Name:        pulumi.String(name + "-flows"),
		Project:     pulumi.String(args.Project),
		Description: pulumi.String("flow logs of " + name + " stay in the regional bucket " + name + "-flows"),
		Filter:      pulumi.String(filter),
	}, in...)
	return err
}

// vpn builds HA VPN to every peer (NET-5): one HA VPN gateway and Cloud Router,
// and per peer an external gateway, two tunnels (one per HA interface) and a BGP
// session on each, learning exactly the peer's ranges.
func vpn(ctx *pulumi.Context, name string, spec network.Spec, args Args, vpc *compute.Network, in []pulumi.ResourceOption) error {
	project := pulumi.String(args.Project)
	region := pulumi.String(args.Region)
	gw, err := compute.NewHaVpnGateway(ctx, name+"-vpn", &compute.HaVpnGatewayArgs{
		Name: pulumi.String(name + "-vpn"), Project: project, Region: region, Network: vpc.ID(),
	}, in...)
	if err != nil {
		return err
	}
	router, err := compute.NewRouter(ctx, name+"-vpn", &compute.RouterArgs{
		Name: pulumi.String(name + "-vpn"), Project: project, Region: region, Network: vpc.ID(),
		Bgp: &compute.RouterBgpArgs{Asn: pulumi.Int(CloudRouterASN)},
	}, in...)
	if err != nil {
		return err
	}
	for i, p := range spec.VPNPeers {
		peerName := name + "-" + p.Name
		ext, err := compute.NewExternalVpnGateway(ctx, peerName, &compute.ExternalVpnGatewayArgs{
			Name: pulumi.String(peerName), Project: project,
			RedundancyType: pulumi.String("SINGLE_IP_INTERNALLY_REDUNDANT"),
			Interfaces: compute.ExternalVpnGatewayInterfaceArray{compute.ExternalVpnGatewayInterfaceArgs{
				Id: pulumi.Int(0), IpAddress: pulumi.String(p.PublicIP),
			}},
		}, in...)
		if err != nil {
			return err
		}
		var learned compute.RouterPeerCustomLearnedIpRangeArray
		for _, c := range p.CIDRs {
			learned = append(learned, compute.RouterPeerCustomLearnedIpRangeArgs{Range: pulumi.String(c)})
		}
		for j := 0; j < 2; j++ {
			tn := fmt.Sprintf("%s-%d", peerName, j)
			tunnel, err := compute.NewVPNTunnel(ctx, tn, &compute.VPNTunnelArgs{
				Name: pulumi.String(tn), Project: project, Region: region,
				VpnGateway: gw.ID(), VpnGatewayInterface: pulumi.Int(j),
				PeerExternalGateway: ext.ID(), PeerExternalGatewayInterface: pulumi.Int(0),
				SharedSecret: pulumi.ToSecret(args.VPNSecrets[p.Name]).(pulumi.StringOutput),
				Router:       router.ID(), IkeVersion: pulumi.Int(2),
			}, in...)
			if err != nil {
				return err
			}
			// Link-local /30 per tunnel: .1 is the Cloud Router, .2 the peer.
			iface, err := compute.NewRouterInterface(ctx, tn, &compute.RouterInterfaceArgs{
				Name: pulumi.String(tn), Project: project, Region: region, Router: router.Name,
				IpRange: pulumi.String(fmt.Sprintf("169.254.%d.%d/30", 10+i, j*4+1)), VpnTunnel: tunnel.Name,
			}, in...)
			if err != nil {
				return err
			}
			if _, err := compute.NewRouterPeer(ctx, tn, &compute.RouterPeerArgs{
				Name: pulumi.String(tn), Project: project, Region: region, Router: router.Name,
				Interface: iface.Name, PeerAsn: pulumi.Int(p.BGPASN),
				PeerIpAddress:         pulumi.String(fmt.Sprintf("169.254.%d.%d", 10+i, j*4+2)),
				CustomLearnedIpRanges: learned,
			}, in...); err != nil {
				return err
			}
		}
	}
	return nil
}
