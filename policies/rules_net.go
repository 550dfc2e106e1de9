package policies

import (
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// RoleTag is the tag that says the role of a subnet, route table or security
// group: public, app, database or management (components/network/awsnetwork
// sets it). Roles are data, never guessed from names: a customer called
// "public-sector" names every subnet "public-sector-…".
const RoleTag = "odoo-hosting:role"

// subnetRole is the role a subnet, route table or security group's RoleTag
// says; "" when untagged, which no rule takes for a role that passes.
func subnetRole(r *Resource) string {
	m, _ := r.Inputs["tags"].(map[string]any)
	if t, ok := known(m[RoleTag]); ok {
		return strings.ToLower(t)
	}
	return ""
}

func (e *env) needsNetwork() bool {
	return (e.stack.Tier == "cloud" || e.stack.Tier == "enterprise") && e.stack.Cloud == "aws"
}

func net1(e *env) []Violation {
	out := gcpNet1(e)
	vpcs := e.byType["aws:ec2/vpc:Vpc"]
	root := &Resource{URN: e.stack.Source}
	if e.needsNetwork() && !e.partial() && len(vpcs) == 0 {
		out = append(out, violation("NET-1", root, "none", "one VPC", "a %s stack on aws has no private network (aws:ec2/vpc:Vpc)", e.stack.Tier))
	}
	for _, v := range vpcs[min(1, len(vpcs)):] {
		out = append(out, violation("NET-1", v, len(vpcs), "one VPC per customer stack", "the stack has %d VPCs", len(vpcs)))
	}
	if !e.needsNetwork() || len(vpcs) == 0 {
		return out
	}
	want := 2
	if e.stack.Tier == "enterprise" {
		want = 3
	}
	zones := map[string]map[string]bool{"app": {}, "database": {}, "management": {}}
	for _, s := range e.byType["aws:ec2/subnet:Subnet"] {
		role := subnetRole(s)
		if zones[role] == nil {
			continue
		}
		z := s.Inputs["availabilityZone"]
		if z == nil {
			z = s.Inputs["availabilityZoneId"]
		}
		zones[role][show(z)] = true
	}
	roles := []string{"app", "database", "management"}
	for _, role := range roles {
		if n := len(zones[role]); n < want {
			out = append(out, violation("NET-1", vpcs[0], n, "at least "+itoa(want)+" zones", "%s subnets span %d zone(s); %s needs %d", role, n, e.stack.Tier, want))
		}
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }

func net2(e *env) []Violation {
	var out []Violation
	for _, s := range e.byType["aws:ec2/subnet:Subnet"] {
		if truthy(s.Inputs["mapPublicIpOnLaunch"]) && subnetRole(s) != "public" {
			out = append(out, violation("NET-2", s, true, "mapPublicIpOnLaunch false", "%s subnet %s gives instances public IPs", subnetRole(s), s.Name()))
		}
	}
	for _, i := range e.byType["aws:ec2/instance:Instance"] {
		if truthy(i.Inputs["associatePublicIpAddress"]) {
			out = append(out, violation("NET-2", i, true, "associatePublicIpAddress false", "instance %s has a public IP", i.Name()))
		}
	}
	for _, s := range e.byType["aws:ecs/service:Service"] {
		if truthy(get(s.Inputs, "networkConfiguration.assignPublicIp")) {
			out = append(out, violation("NET-2", s, true, "assignPublicIp false", "service %s gives its tasks public IPs", s.Name()))
		}
	}
	for _, db := range append(append([]*Resource(nil), e.byType["aws:rds/instance:Instance"]...), e.byType["aws:rds/clusterInstance:ClusterInstance"]...) {
		if truthy(db.Inputs["publiclyAccessible"]) {
			out = append(out, violation("NET-2", db, true, "publiclyAccessible false", "database %s is publicly accessible", db.Name()))
		}
	}
	out = append(out, gcpNet2(e)...)
	// Database and app route tables: no route to an internet gateway.
	check := func(owner *Resource, role string, cidr, gw any) {
		if show(cidr) != "0.0.0.0/0" && show(cidr) != "::/0" {
			return
		}
		g := show(gw)
		if role == "database" {
			out = append(out, violation("NET-2", owner, g, "no default route", "database route table has a default route to %s", g))
		} else if role == "app" && strings.HasPrefix(g, "igw-") {
			out = append(out, violation("NET-2", owner, g, "a NAT gateway", "app route table routes to the internet gateway %s instead of NAT", g))
		}
	}
	for _, rt := range e.byType["aws:ec2/routeTable:RouteTable"] {
		for _, r := range list(rt.Inputs["routes"]) {
			m := mapOf(r)
			gw := m["gatewayId"]
			if gw == nil {
				gw = m["natGatewayId"]
			}
			check(rt, subnetRole(rt), m["cidrBlock"], gw)
		}
	}
	for _, r := range e.byType["aws:ec2/route:Route"] {
		role := subnetRole(r)
		if tables := e.lookup(text(r.Inputs["routeTableId"])); len(tables) > 0 && role == "" {
			role = subnetRole(tables[0])
		}
		gw := r.Inputs["gatewayId"]
		if gw == nil {
			gw = r.Inputs["natGatewayId"]
		} else if isUnknown(gw) {
			gw = "igw-(unknown)"
		}
		check(r, role, r.Inputs["destinationCidrBlock"], gw)
	}
	return out
}

// ingress is one inbound rule, normalised across resource types.
type ingress struct {
	r        *Resource
	cidrs    []string
	from, to float64
	proto    string
	sg       bool // from another security group
}

func (e *env) ingressRules() []ingress {
	var out []ingress
	ports := func(m map[string]any) (float64, float64) {
		f, _ := number(m["fromPort"])
		t, _ := number(m["toPort"])
		return f, t
	}
	for _, r := range e.byType["aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"] {
		f, t := ports(r.Inputs)
		in := ingress{r: r, from: f, to: t, proto: text(r.Inputs["ipProtocol"])}
		for _, k := range []string{"cidrIpv4", "cidrIpv6"} {
			if s, ok := known(r.Inputs[k]); ok {
				in.cidrs = append(in.cidrs, s)
			}
		}
		in.sg = r.Inputs["referencedSecurityGroupId"] != nil || r.Inputs["prefixListId"] != nil
		out = append(out, in)
	}
	for _, r := range e.byType["aws:ec2/securityGroupRule:SecurityGroupRule"] {
		if text(r.Inputs["type"]) != "ingress" {
			continue
		}
		f, t := ports(r.Inputs)
		in := ingress{r: r, from: f, to: t, proto: text(r.Inputs["protocol"]), sg: r.Inputs["sourceSecurityGroupId"] != nil}
		for _, c := range append(list(r.Inputs["cidrBlocks"]), list(r.Inputs["ipv6CidrBlocks"])...) {
			in.cidrs = append(in.cidrs, show(c))
		}
		out = append(out, in)
	}
	for _, r := range e.byType["aws:ec2/securityGroup:SecurityGroup"] {
		for _, x := range list(r.Inputs["ingress"]) {
			m := mapOf(x)
			f, t := ports(m)
			in := ingress{r: r, from: f, to: t, proto: text(m["protocol"]), sg: len(list(m["securityGroups"])) > 0}
			for _, c := range append(list(m["cidrBlocks"]), list(m["ipv6CidrBlocks"])...) {
				in.cidrs = append(in.cidrs, show(c))
			}
			out = append(out, in)
		}
	}
	for _, r := range e.byType["gcp:compute/firewall:Firewall"] {
		out = append(out, gcpFirewallIngress(r)...)
	}
	return out
}

func anywhere(c string) bool { return c == "0.0.0.0/0" || c == "::/0" }

func public(c string) bool {
	p, err := netip.ParsePrefix(c)
	if err != nil {
		return false
	}
	return !p.Addr().IsPrivate() && !p.Addr().IsLoopback()
}

var dbPorts = map[float64]bool{5432: true, 3306: true, 1433: true, 6379: true}

func net3(e *env) []Violation {
	var out []Violation
	for _, in := range e.ingressRules() {
		for _, c := range in.cidrs {
			if anywhere(c) {
				out = append(out, violation("NET-3", in.r, c, "the edge's published ranges, the VPN or allow-listed addresses", "ingress rule %s accepts %s", in.r.Name(), c))
			}
		}
		// Port 0 is reserved: 1-65535 is every port as much as 0-65535.
		if in.proto == "-1" || in.proto == "all" || (in.from <= 1 && in.to >= 65535) {
			out = append(out, violation("NET-3", in.r, "all ports", "one port per rule", "ingress rule %s opens every port", in.r.Name()))
		}
		if dbPorts[in.from] && len(in.cidrs) > 0 && !in.sg {
			out = append(out, violation("NET-3", in.r, in.cidrs[0], "the app tier's security group only", "database port %v accepts address ranges instead of the app tier's security group", in.from))
		}
	}
	return append(out, gcpNet3(e)...)
}

// Cloudflare's managed rule sets.
const (
	cfManagedRuleset = "efb7b8c949ac4650a09736fc376e9aee"
	cfOWASPRuleset   = "4814384a9e5d4991b9815dcfc25d2f1f"
)

func net4(e *env) []Violation {
	var out []Violation
	var zones []*Resource
	for _, r := range e.byType["cloudflare:index/record:Record"] {
		if truthy(r.Inputs["proxied"]) {
			zones = append(zones, r)
		}
	}
	if len(zones) == 0 && len(e.byType["cloudflare:index/zone:Zone"]) == 0 {
		return nil
	}
	if e.stack.NotZoneOwner {
		// The zone's entry-point rulesets and bot settings are singletons that the
		// zone's owner stack manages for every hostname of the zone (decision 0035).
		return nil
	}
	at := e.stack.Source
	if len(zones) > 0 {
		at = zones[0].URN
	} else if zs := e.byType["cloudflare:index/zone:Zone"]; len(zs) > 0 {
		at = zs[0].URN
	}
	atR := &Resource{URN: at}
	var managed, owasp, login, dbManager bool
	for _, rs := range e.byType["cloudflare:index/ruleset:Ruleset"] {
		phase := text(rs.Inputs["phase"])
		for _, rule := range list(rs.Inputs["rules"]) {
			m := mapOf(rule)
			if en, ok := m["enabled"].(bool); ok && !en {
				continue
			}
			expr := show(m["expression"])
			action := text(m["action"])
			switch phase {
			case "http_request_firewall_managed":
				id := text(get(m, "actionParameters.id"))
				managed = managed || (action == "execute" && id == cfManagedRuleset)
				owasp = owasp || (action == "execute" && id == cfOWASPRuleset)
			case "http_ratelimit":
				login = login || strings.Contains(expr, "/web/login")
			case "http_request_firewall_custom":
				// The edge judges the decoded path without separators ("webdatabase").
				dbManager = dbManager || ((strings.Contains(expr, "/web/database") || strings.Contains(expr, `"webdatabase"`)) && action == "block")
			}
		}
	}
	if !managed {
		out = append(out, violation("NET-4", atR, "missing", "a http_request_firewall_managed ruleset executing the Cloudflare Managed Ruleset", "the edge runs no Cloudflare managed WAF rule set"))
	}
	if !owasp {
		out = append(out, violation("NET-4", atR, "missing", "a http_request_firewall_managed rule executing the OWASP core ruleset", "the edge runs no OWASP core rule set"))
	}
	if !login {
		out = append(out, violation("NET-4", atR, "missing", "a http_ratelimit rule whose expression matches /web/login", "the edge does not rate-limit the login"))
	}
	if !dbManager {
		out = append(out, violation("NET-4", atR, "missing", "a http_request_firewall_custom rule blocking /web/database", "the Odoo database manager (/web/database) is reachable from the internet"))
	}
	bots := e.byType["cloudflare:index/botManagement:BotManagement"]
	if len(bots) == 0 {
		out = append(out, violation("NET-4", atR, "missing", "cloudflare:index/botManagement:BotManagement", "the edge has no bot mitigation"))
	}
	for _, b := range bots {
		if v := b.Inputs["fightMode"]; v != nil && !truthy(v) && b.Inputs["sbfmDefinitelyAutomated"] == nil {
			out = append(out, violation("NET-4", b, v, "fightMode true or sbfmDefinitelyAutomated block", "bot management is configured but mitigates nothing"))
		}
	}
	return out
}

func net5(e *env) []Violation {
	var out []Violation
	broad := func(r *Resource, c string) {
		p, err := netip.ParsePrefix(c)
		if err != nil && c != "" {
			if a, err2 := netip.ParseAddr(c); err2 == nil {
				p = netip.PrefixFrom(a, a.BitLen())
				err = nil
			}
		}
		switch {
		case err != nil:
			out = append(out, violation("NET-5", r, c, "CIDR ranges", "allow-list entry %q is not an address range", c))
		case p.Addr().Is4() && p.Bits() < 16, p.Addr().Is6() && p.Bits() < 32:
			out = append(out, violation("NET-5", r, c, "ranges no wider than /16 (IPv4) or /32 (IPv6)", "allow-list entry %s is too wide", c))
		}
	}
	for _, pl := range e.byType["aws:ec2/managedPrefixList:ManagedPrefixList"] {
		for _, en := range list(pl.Inputs["entries"]) {
			broad(pl, show(mapOf(en)["cidr"]))
		}
	}
	for _, l := range e.byType["cloudflare:index/list:List"] {
		if text(l.Inputs["kind"]) != "ip" {
			continue
		}
		for _, it := range list(l.Inputs["items"]) {
			broad(l, show(get(mapOf(it), "value.ip")))
		}
	}
	for _, fw := range e.byType["gcp:compute/firewall:Firewall"] {
		// The management tier's allow-list and VPN ranges (gcpnetwork tags them).
		if slices.Contains(strs(fw.Inputs["targetTags"]), "management") {
			for _, c := range list(fw.Inputs["sourceRanges"]) {
				broad(fw, show(c))
			}
		}
	}
	for _, t := range e.byType["gcp:compute/vPNTunnel:VPNTunnel"] {
		// IKEv2 only; pulumi-gcp's default is 2.
		if v, ok := number(t.Inputs["ikeVersion"]); ok && v != 2 {
			out = append(out, violation("NET-5", t, t.Inputs["ikeVersion"], "ikeVersion 2", "VPN tunnel %s negotiates IKE version %v", t.Name(), v))
		}
	}
	for _, v := range e.byType["aws:ec2/vpnConnection:VpnConnection"] {
		for _, t := range []string{"tunnel1", "tunnel2"} {
			ike := list(v.Inputs[t+"IkeVersions"])
			if len(ike) != 1 || show(ike[0]) != "ikev2" {
				out = append(out, violation("NET-5", v, v.Inputs[t+"IkeVersions"], "[\"ikev2\"]", "VPN %s allows IKE versions %s", t, describe(v.Inputs[t+"IkeVersions"])))
			}
		}
	}
	return out
}

func net6(e *env) []Violation {
	if e.stack.Tier != "enterprise" {
		return nil
	}
	var out []Violation
	tunnels := append(append([]*Resource(nil), e.byType["cloudflare:index/magicWanGreTunnel:MagicWanGreTunnel"]...), e.byType["cloudflare:index/magicWanIpsecTunnel:MagicWanIpsecTunnel"]...)
	if len(tunnels) == 0 && !e.partial() {
		out = append(out, violation("NET-6", &Resource{URN: e.stack.Source}, "none", "Magic Transit tunnels, static routes and a Magic Firewall ruleset", "enterprise stack has no Cloudflare Magic Transit tunnel"))
	}
	for _, t := range tunnels {
		if v := t.Inputs["healthCheckEnabled"]; v != nil && !truthy(v) && !isUnknown(v) {
			out = append(out, violation("NET-6", t, v, "healthCheckEnabled true", "Magic Transit tunnel %s has health checks off", t.Name()))
		}
	}
	if len(tunnels) > 0 && len(e.byType["cloudflare:index/magicWanStaticRoute:MagicWanStaticRoute"]) == 0 {
		out = append(out, violation("NET-6", tunnels[0], "none", "at least one cloudflare:index/magicWanStaticRoute:MagicWanStaticRoute", "Magic Transit tunnels carry no routes"))
	}
	if len(tunnels) > 0 && len(e.byType["cloudflare:index/magicFirewallRuleset:MagicFirewallRuleset"]) == 0 {
		out = append(out, violation("NET-6", tunnels[0], "none", "a cloudflare:index/magicFirewallRuleset:MagicFirewallRuleset", "Magic Transit has no Magic Firewall ruleset"))
	}
	return out
}

func net7(e *env) []Violation {
	var out []Violation
	logs := e.byType["aws:ec2/flowLog:FlowLog"]
	for _, v := range e.byType["aws:ec2/vpc:Vpc"] {
		if len(e.attached(v, "aws:ec2/flowLog:FlowLog", "vpcId")) == 0 {
			out = append(out, violation("NET-7", v, "none", "an aws:ec2/flowLog:FlowLog on the VPC", "VPC %s has no flow log", v.Name()))
		}
	}
	for _, f := range logs {
		dest, destInput := f.Inputs["logDestination"], "logDestination"
		if dest == nil {
			dest, destInput = f.Inputs["logGroupName"], "logGroupName"
		}
		var target []*Resource
		if s, ok := known(dest); ok {
			target = e.lookup(s)
		} else if isUnknown(dest) {
			typ := "aws:cloudwatch/logGroup:LogGroup"
			if text(f.Inputs["logDestinationType"]) == "s3" {
				typ = "aws:s3/bucketV2:BucketV2"
			}
			if t := e.linked(f, destInput, typ); t != nil {
				target = []*Resource{t}
			}
		}
		if len(target) == 0 {
			out = append(out, e.judgePlacement("NET-7", f, "flow log destination", e.refPlace(dest, "aws"))...)
			if dest == nil || !isUnknown(dest) {
				out = append(out, violation("NET-7", f, dest, "a KMS-encrypted log group or bucket in the plan", "flow log destination %s is not in the plan, so its encryption cannot be shown", show(dest)))
			}
			continue
		}
		t := target[0]
		out = append(out, e.judgePlacement("NET-7", f, "flow log destination "+t.Name(), e.placeOf(t))...)
		if key, enc, _ := e.keyRef(t); !enc || key == nil {
			out = append(out, violation("NET-7", f, t.Name(), "a KMS-encrypted destination", "flow log destination %s is not encrypted with a managed key", t.Name()))
		}
	}
	return append(out, gcpNet7(e)...)
}

// Cloudflare's published IPv4 and IPv6 ranges (https://www.cloudflare.com/ips/).
var cloudflareRanges = []string{
	"173.245.48.0/20", "103.21.244.0/22", "103.22.200.0/22", "103.31.4.0/22", "141.101.64.0/18",
	"108.162.192.0/18", "190.93.240.0/20", "188.114.96.0/20", "197.234.240.0/22", "198.41.128.0/17",
	"162.158.0.0/15", "104.16.0.0/13", "104.24.0.0/14", "172.64.0.0/13", "131.0.72.0/22",
	"2400:cb00::/32", "2606:4700::/32", "2803:f800::/32", "2405:b500::/32", "2405:8100::/32", "2a06:98c0::/29", "2c0f:f248::/32",
}

func edgeRange(c string) bool {
	p, err := netip.ParsePrefix(c)
	if err != nil {
		return false
	}
	for _, s := range cloudflareRanges {
		q := netip.MustParsePrefix(s)
		if q.Bits() <= p.Bits() && q.Contains(p.Addr()) {
			return true
		}
	}
	return false
}

func net8(e *env) []Violation {
	var out []Violation
	for _, in := range e.ingressRules() {
		if in.from > 443 || in.to < 443 && !(in.from == 80 && in.to == 80) {
			continue
		}
		var bad []string
		for _, c := range in.cidrs {
			if public(c) && !edgeRange(c) && !googleFrontEnd(c) {
				bad = append(bad, c)
			}
		}
		sort.Strings(bad)
		for _, c := range bad {
			out = append(out, violation("NET-8", in.r, c, "Cloudflare's published ranges only", "origin ingress %s accepts %s, which is not the edge", in.r.Name(), c))
		}
	}
	for _, a := range e.byType["cloudflare:index/authenticatedOriginPulls:AuthenticatedOriginPulls"] {
		if v := a.Inputs["enabled"]; !truthy(v) && !isUnknown(v) {
			out = append(out, violation("NET-8", a, v, "enabled true", "authenticated origin pulls are %s", describe(v)))
		}
	}
	for _, z := range e.byType["cloudflare:index/zoneSettingsOverride:ZoneSettingsOverride"] {
		if v := get(z.Inputs, "settings.tlsClientAuth"); v != nil && text(v) != "on" && len(e.byType["cloudflare:index/authenticatedOriginPulls:AuthenticatedOriginPulls"]) == 0 {
			out = append(out, violation("NET-8", z, v, "on", "settings.tlsClientAuth is %s and no authenticated origin pulls are configured", describe(v)))
		}
	}
	for _, lb := range e.byType["aws:lb/loadBalancer:LoadBalancer"] {
		if truthy(lb.Inputs["internal"]) {
			continue
		}
		if len(e.byType["cloudflare:index/authenticatedOriginPulls:AuthenticatedOriginPulls"]) == 0 && !e.onlyEdgeIngress() {
			out = append(out, violation("NET-8", lb, "internet-facing", "authenticated origin pulls or ingress from the edge's ranges only", "internet-facing load balancer %s is not limited to the edge", lb.Name()))
		}
	}
	return append(out, gcpNet8(e)...)
}

// onlyEdgeIngress reports whether some ingress rule admits port 443 from the edge's ranges.
func (e *env) onlyEdgeIngress() bool {
	for _, in := range e.ingressRules() {
		for _, c := range in.cidrs {
			if in.from <= 443 && in.to >= 443 && edgeRange(c) {
				return true
			}
		}
	}
	return false
}
