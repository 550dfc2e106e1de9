package policies

// GCP judgements (decision 0081): everything the AWS side must show, read from
// the inputs of pulumi-gcp v7.38.0 types. Each rule of rules_<area>.go appends
// the gcp<Control> judgement of this file; each judgement of one resource is a
// small function so that tests and mutations reach it.

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/octura/odoo-hosting/internal/jurisdiction"
)

// GCP type tokens the rules read.
const (
	gcpNetworkType    = "gcp:compute/network:Network"
	gcpSubnetworkType = "gcp:compute/subnetwork:Subnetwork"
	gcpSQLType        = "gcp:sql/databaseInstance:DatabaseInstance"
	gcpBucketType     = "gcp:storage/bucket:Bucket"
	gcpTransferType   = "gcp:storage/transferJob:TransferJob"
	gcpLogBucketType  = "gcp:logging/projectBucketConfig:ProjectBucketConfig"
	gcpSinkType       = "gcp:logging/projectSink:ProjectSink"
	gcpServiceType    = "gcp:projects/service:Service"
	gcpURLMapType     = "gcp:compute/uRLMap:URLMap"
	gcpKeyRingType    = "gcp:kms/keyRing:KeyRing"
	gcpCryptoKeyType  = "gcp:kms/cryptoKey:CryptoKey"
)

// gcpVMTypes declare VM network interfaces, disks and metadata.
var gcpVMTypes = []string{"gcp:compute/instance:Instance", "gcp:compute/instanceTemplate:InstanceTemplate",
	"gcp:compute/regionInstanceTemplate:RegionInstanceTemplate", "gcp:compute/instanceFromTemplate:InstanceFromTemplate"}

// gcpTierTags are the network tags gcpnetwork gives each tier (Network.Tags): a
// VM's role is the tier tag it carries, never its name.
var gcpTierTags = map[string]bool{"app": true, "database": true, "management": true}

// googleFrontEnds are the source ranges of Google's external Application Load
// Balancer proxies and health checks (decision 0065): Google's own front ends,
// not the internet. NET-8 is judged at the load balancer (Cloud Armor) on GCP.
var googleFrontEnds = []string{"35.191.0.0/16", "130.211.0.0/22"}

func googleFrontEnd(c string) bool {
	for _, g := range googleFrontEnds {
		if c == g {
			return true
		}
	}
	return false
}

func (e *env) ofTypes(types ...string) []*Resource {
	var out []*Resource
	for _, t := range types {
		out = append(out, e.byType[t]...)
	}
	return out
}

// workloadSubnetworks are the subnetworks VMs run in: not the proxy-only or
// Private Service Connect subnetworks of Google's managed services, which take
// neither flow logs nor Private Google Access.
func (e *env) workloadSubnetworks() []*Resource {
	var out []*Resource
	for _, s := range e.byType[gcpSubnetworkType] {
		switch text(s.Inputs["purpose"]) {
		case "", "PRIVATE", "PRIVATE_RFC_1918":
			out = append(out, s)
		}
	}
	return out
}

func (e *env) onGCP() bool { return e.stack.Cloud == string(jurisdiction.GCP) }

func (e *env) runsOdoo() bool { return e.stack.Tier == "cloud" || e.stack.Tier == "enterprise" }

// gcpRef returns the resource of type typ that r's input names: by name, id or
// the last segment of a self link when known, through the property dependencies
// (or the sibling) when unknown at preview; nil when neither finds one.
func (e *env) gcpRef(r *Resource, input, typ string) *Resource {
	v := get(r.Inputs, input)
	if isUnknown(v) {
		return e.linked(r, input, typ)
	}
	s, ok := known(v)
	if !ok || s == "" {
		return nil
	}
	for _, ref := range []string{s, lastSegment(s)} {
		for _, c := range e.lookup(ref) {
			if c.Type == typ {
				return c
			}
		}
	}
	return nil
}

func lastSegment(s string) string {
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// --- NET-1 ---------------------------------------------------------------------

func gcpNet1(e *env) []Violation {
	var out []Violation
	nets := e.byType[gcpNetworkType]
	needs := e.onGCP() && e.runsOdoo()
	if needs && !e.partial() && e.stack.Source != "" && len(nets) == 0 {
		out = append(out, violation("NET-1", e.root(), "none", "one "+gcpNetworkType+" in custom mode", "a %s stack on gcp has no private network (%s)", e.stack.Tier, gcpNetworkType))
	}
	for _, n := range nets[min(1, len(nets)):] {
		out = append(out, violation("NET-1", n, len(nets), "one VPC network per customer stack", "the stack has %d VPC networks", len(nets)))
	}
	for _, n := range nets {
		out = append(out, gcpCustomMode(n)...)
	}
	if needs && len(nets) > 0 {
		if k := len(e.workloadSubnetworks()); k < 3 {
			out = append(out, violation("NET-1", nets[0], k, "app, database and management subnetworks", "the network has %d subnetwork(s); the app, database and management tiers need one each", k))
		}
	}
	return out
}

// gcpCustomMode judges one VPC network (NET-1): never the project's default
// network, never auto mode, whose subnetworks are created in every region
// (autoCreateSubnetworks defaults to true in pulumi-gcp).
func gcpCustomMode(n *Resource) []Violation {
	var out []Violation
	if name, _ := known(n.Inputs["name"]); name == "default" {
		out = append(out, violation("NET-1", n, name, "a network of the stack's own", "network %s is the project's default network", n.Name()))
	}
	if v := n.Inputs["autoCreateSubnetworks"]; !isUnknown(v) && (v == nil || truthy(v)) {
		out = append(out, violation("NET-1", n, v, "autoCreateSubnetworks false (custom mode)", "network %s is in auto mode (autoCreateSubnetworks %s): it has a subnetwork in every region", n.Name(), describe(v)))
	}
	return out
}

// --- NET-2 ---------------------------------------------------------------------

func gcpNet2(e *env) []Violation {
	var out []Violation
	for _, vm := range e.ofTypes(gcpVMTypes...) {
		out = append(out, gcpExternalAddress(vm)...)
	}
	for _, db := range e.byType[gcpSQLType] {
		out = append(out, gcpSQLPublic(db)...)
	}
	for _, s := range e.workloadSubnetworks() {
		out = append(out, gcpPrivateGoogleAccess(s)...)
	}
	for _, nat := range e.byType["gcp:compute/routerNat:RouterNat"] {
		out = append(out, e.gcpNATScope(nat)...)
	}
	return out
}

// gcpExternalAddress: an access config gives a VM an external address (NET-2).
func gcpExternalAddress(vm *Resource) []Violation {
	for _, ni := range list(vm.Inputs["networkInterfaces"]) {
		m := mapOf(ni)
		for _, k := range []string{"accessConfigs", "ipv6AccessConfigs"} {
			if len(list(m[k])) > 0 {
				return []Violation{violation("NET-2", vm, k, "no accessConfigs nor ipv6AccessConfigs", "%s %s has an external IP address (%s)", shortType(vm.Type), vm.Name(), k)}
			}
		}
	}
	return nil
}

// shortType is a type token's last part ("RegionInstanceTemplate").
func shortType(typ string) string { return typ[strings.LastIndexByte(typ, ':')+1:] }

// gcpSQLPublic: a Cloud SQL instance with a public IPv4 address or authorized
// networks is reachable from the internet (NET-2).
func gcpSQLPublic(db *Resource) []Violation {
	var out []Violation
	if v := get(db.Inputs, "settings.ipConfiguration.ipv4Enabled"); v == nil || truthy(v) {
		out = append(out, violation("NET-2", db, v, "ipv4Enabled false", "database %s has a public IP (settings.ipConfiguration.ipv4Enabled %s)", db.Name(), describe(v)))
	}
	if nets := getAll(db.Inputs, "settings.ipConfiguration.authorizedNetworks.value"); len(nets) > 0 {
		out = append(out, violation("NET-2", db, nets[0], "no authorizedNetworks", "database %s admits authorized networks from outside the VPC", db.Name()))
	}
	return out
}

// gcpPrivateGoogleAccess: a subnetwork reaches Google's APIs privately (NET-2).
func gcpPrivateGoogleAccess(s *Resource) []Violation {
	if v := s.Inputs["privateIpGoogleAccess"]; !truthy(v) && !isUnknown(v) {
		return []Violation{violation("NET-2", s, v, "privateIpGoogleAccess true", "subnetwork %s has no Private Google Access (privateIpGoogleAccess %s)", s.Name(), describe(v))}
	}
	return nil
}

// gcpNATScope: Cloud NAT translates the app subnetwork only (NET-2): a list of
// subnetworks, one of them, carrying no VM of another tier.
func (e *env) gcpNATScope(nat *Resource) []Violation {
	mode := nat.Inputs["sourceSubnetworkIpRangesToNat"]
	if text(mode) != "LIST_OF_SUBNETWORKS" && !isUnknown(mode) {
		return []Violation{violation("NET-2", nat, mode, "LIST_OF_SUBNETWORKS naming the app subnetwork", "Cloud NAT %s translates %s, so the database and management subnetworks reach the internet", nat.Name(), describe(mode))}
	}
	subs := list(nat.Inputs["subnetworks"])
	if len(subs) > 1 {
		return []Violation{violation("NET-2", nat, len(subs), "the app subnetwork only", "Cloud NAT %s translates %d subnetworks; only the app subnetwork may reach out", nat.Name(), len(subs))}
	}
	var out []Violation
	for _, sn := range e.natSubnetworks(nat) {
		for tag := range e.subnetworkTags(sn) {
			if tag != "app" {
				out = append(out, violation("NET-2", nat, tag, "the app subnetwork only", "Cloud NAT %s translates subnetwork %s, where %s VMs run", nat.Name(), sn.Name(), tag))
			}
		}
	}
	return out
}

func (e *env) natSubnetworks(nat *Resource) []*Resource {
	var out []*Resource
	for _, s := range list(nat.Inputs["subnetworks"]) {
		name := mapOf(s)["name"]
		if isUnknown(name) {
			return e.depsOf(nat, "subnetworks", []string{gcpSubnetworkType})
		}
		if n, ok := known(name); ok {
			for _, c := range append(e.lookup(n), e.lookup(lastSegment(n))...) {
				if c.Type == gcpSubnetworkType {
					out = append(out, c)
					break
				}
			}
		}
	}
	return out
}

// subnetworkTags are the tier tags of the VMs whose interfaces use subnetwork sn.
func (e *env) subnetworkTags(sn *Resource) map[string]bool {
	tags := map[string]bool{}
	for _, t := range gcpVMTypes {
		for _, vm := range e.attached(sn, t, "networkInterfaces.subnetwork") {
			for _, tag := range list(vm.Inputs["tags"]) {
				if s := show(tag); gcpTierTags[s] {
					tags[s] = true
				}
			}
		}
	}
	return tags
}

// --- NET-3 ---------------------------------------------------------------------

// gcpFirewallIngress turns one VPC firewall rule into ingress rules, one per
// allowed protocol and port range. A disabled or egress rule, or one that only
// denies, admits nothing. An ingress rule that names no source range, tag nor
// service account admits 0.0.0.0/0 (the Compute Engine API's default).
func gcpFirewallIngress(r *Resource) []ingress {
	if truthy(r.Inputs["disabled"]) {
		return nil
	}
	if d := strings.ToUpper(text(r.Inputs["direction"])); d != "" && d != "INGRESS" {
		return nil
	}
	var cidrs []string
	for _, c := range list(r.Inputs["sourceRanges"]) {
		cidrs = append(cidrs, show(c))
	}
	sg := len(list(r.Inputs["sourceTags"])) > 0 || len(list(r.Inputs["sourceServiceAccounts"])) > 0
	if len(cidrs) == 0 && !sg && r.Inputs["sourceRanges"] == nil {
		cidrs = []string{"0.0.0.0/0"}
	}
	var out []ingress
	for _, a := range list(r.Inputs["allows"]) {
		m := mapOf(a)
		proto := strings.ToLower(text(m["protocol"]))
		ports := list(m["ports"])
		if len(ports) == 0 {
			from, to := 0.0, 65535.0
			if proto != "all" && proto != "tcp" && proto != "udp" && proto != "sctp" {
				from, to = -1, -1 // icmp, esp, ah: no ports
			}
			out = append(out, ingress{r: r, cidrs: cidrs, from: from, to: to, proto: proto, sg: sg})
			continue
		}
		for _, p := range ports {
			lo, hi, _ := strings.Cut(show(p), "-")
			f, _ := number(lo)
			t := f
			if hi != "" {
				t, _ = number(hi)
			}
			out = append(out, ingress{r: r, cidrs: cidrs, from: f, to: t, proto: proto, sg: sg})
		}
	}
	return out
}

// gcpNet3 judges the tiers' firewall rules by the network tags they target
// (NET-3): the database tier admits only the app tier's tag; the app tier admits
// only the load balancer, that is Google's front ends and the proxy-only
// subnetworks of Envoy-based load balancers.
func gcpNet3(e *env) []Violation {
	proxies := map[string]bool{}
	for _, s := range e.byType[gcpSubnetworkType] {
		if strings.HasSuffix(text(s.Inputs["purpose"]), "MANAGED_PROXY") {
			if c, ok := known(s.Inputs["ipCidrRange"]); ok {
				proxies[c] = true
			}
		}
	}
	var out []Violation
	for _, fw := range e.byType["gcp:compute/firewall:Firewall"] {
		out = append(out, gcpTierSources(fw, proxies)...)
	}
	return out
}

// gcpTierSources judges one firewall rule's sources against the tier it targets.
func gcpTierSources(fw *Resource, proxies map[string]bool) []Violation {
	ins := gcpFirewallIngress(fw)
	if len(ins) == 0 {
		return nil
	}
	var out []Violation
	tags := strs(fw.Inputs["sourceTags"])
	for _, target := range strs(fw.Inputs["targetTags"]) {
		switch target {
		case "database":
			for _, c := range ins[0].cidrs {
				out = append(out, violation("NET-3", fw, c, "the app tier's network tag only", "firewall rule %s admits %s to the database tier", fw.Name(), c))
			}
			for _, t := range tags {
				if t != "app" {
					out = append(out, violation("NET-3", fw, t, "the app tier's network tag only", "firewall rule %s admits the %s tag to the database tier", fw.Name(), t))
				}
			}
		case "app":
			for _, c := range ins[0].cidrs {
				if !googleFrontEnd(c) && !proxies[c] {
					out = append(out, violation("NET-3", fw, c, "the load balancer: Google's front ends or a proxy-only subnetwork", "firewall rule %s admits %s to the app tier", fw.Name(), c))
				}
			}
			for _, t := range tags {
				out = append(out, violation("NET-3", fw, t, "the load balancer: Google's front ends or a proxy-only subnetwork", "firewall rule %s admits the %s tag to the app tier", fw.Name(), t))
			}
		}
	}
	return out
}

// --- NET-7 ---------------------------------------------------------------------

func gcpNet7(e *env) []Violation {
	var out []Violation
	var logged *Resource
	for _, s := range e.workloadSubnetworks() {
		if s.Inputs["logConfig"] == nil {
			out = append(out, violation("NET-7", s, "missing", "logConfig", "subnetwork %s has no flow logs", s.Name()))
		} else if logged == nil {
			logged = s
		}
	}
	sinks := e.sinksOf("vpc_flows")
	if logged != nil && !e.partial() {
		if len(sinks) == 0 {
			out = append(out, violation("NET-7", logged, "no sink", "a log sink of vpc_flows to a CMEK log bucket in the jurisdiction", "the flow logs of subnetwork %s go only to the _Default log bucket, which is global", logged.Name()))
		}
		if !e.excluded("vpc_flows") {
			out = append(out, violation("NET-7", logged, "not excluded", "a gcp:logging/projectExclusion:ProjectExclusion of vpc_flows", "the flow logs of subnetwork %s also land in the global _Default log bucket", logged.Name()))
		}
	}
	for _, s := range sinks {
		out = append(out, e.judgeLogSink("NET-7", s, "flow log destination")...)
	}
	return out
}

// sinksOf are the project sinks whose filter selects logID.
func (e *env) sinksOf(logID string) []*Resource {
	var out []*Resource
	for _, s := range e.byType[gcpSinkType] {
		if strings.Contains(text(s.Inputs["filter"]), logID) && !truthy(s.Inputs["disabled"]) {
			out = append(out, s)
		}
	}
	return out
}

// excluded reports whether a project exclusion keeps logID out of the _Default sink.
func (e *env) excluded(logID string) bool {
	for _, x := range e.byType["gcp:logging/projectExclusion:ProjectExclusion"] {
		if strings.Contains(text(x.Inputs["filter"]), logID) && !truthy(x.Inputs["disabled"]) {
			return true
		}
	}
	return false
}

// sinkTarget resolves a log sink's destination: the log bucket, storage bucket,
// topic or dataset it names, and where that sits.
func (e *env) sinkTarget(s *Resource) (*Resource, resolved) {
	dest := s.Inputs["destination"]
	if isUnknown(dest) {
		cands, p := e.resolveUnknown(s, "destination", "destination", nil)
		if len(cands) > 0 {
			return cands[0], p
		}
		return nil, p
	}
	d, _ := known(dest)
	_, path, _ := strings.Cut(d, ".googleapis.com/")
	if path == "" {
		return nil, resolved{status: placeUnresolvable, value: show(dest), from: "a sink destination that names no Google Cloud resource"}
	}
	for _, c := range e.lookup(lastSegment(path)) {
		if sinkDestinations[c.Type] {
			return c, e.placeOf(c)
		}
	}
	return nil, e.refPlace(path, jurisdiction.GCP)
}

// sinkDestinations are the types a log sink can write to.
var sinkDestinations = map[string]bool{gcpLogBucketType: true, gcpBucketType: true, "gcp:pubsub/topic:Topic": true, "gcp:bigquery/dataset:Dataset": true}

// judgeLogSink: a sink's destination lies in the jurisdiction, is in the plan and
// is encrypted with a Cloud KMS key (NET-7, IAM-4).
func (e *env) judgeLogSink(control string, s *Resource, what string) []Violation {
	t, p := e.sinkTarget(s)
	out := e.judgePlacement(control, s, what, p)
	if t == nil {
		if p.status != placeUnknown {
			out = append(out, violation(control, s, show(s.Inputs["destination"]), "a CMEK log bucket in the plan", "%s %s is not in the plan, so its encryption cannot be shown", what, show(s.Inputs["destination"])))
		}
		return out
	}
	if key := gcpLogKey(t); key == nil {
		out = append(out, violation(control, s, t.Name(), "a destination encrypted with a Cloud KMS key", "%s %s is not encrypted with a managed key", what, t.Name()))
	}
	return out
}

// gcpLogKey is the Cloud KMS key of a sink destination; nil when it has none.
func gcpLogKey(t *Resource) any {
	var k any
	switch t.Type {
	case gcpLogBucketType:
		k = get(t.Inputs, "cmekSettings.kmsKeyName")
	case gcpBucketType:
		k = get(t.Inputs, "encryption.defaultKmsKeyName")
	default:
		k = t.Inputs["kmsKeyName"]
	}
	if s, ok := k.(string); ok && s == "" {
		return nil
	}
	return k
}

// --- NET-8 ---------------------------------------------------------------------

func gcpNet8(e *env) []Violation {
	var out []Violation
	aop := len(e.byType["cloudflare:index/authenticatedOriginPulls:AuthenticatedOriginPulls"]) > 0
	for _, b := range e.ofTypes("gcp:compute/backendService:BackendService", "gcp:compute/regionBackendService:RegionBackendService") {
		scheme := text(b.Inputs["loadBalancingScheme"])
		if scheme != "" && scheme != "EXTERNAL" && scheme != "EXTERNAL_MANAGED" {
			continue
		}
		if b.Inputs["securityPolicy"] == nil && !aop {
			out = append(out, violation("NET-8", b, "no securityPolicy", "a Cloud Armor policy admitting only the edge's ranges, or authenticated origin pulls", "backend service %s behind an external load balancer is not limited to the edge", b.Name()))
		}
	}
	for _, p := range e.ofTypes("gcp:compute/securityPolicy:SecurityPolicy", "gcp:compute/regionSecurityPolicy:RegionSecurityPolicy") {
		for _, r := range list(p.Inputs["rules"]) {
			out = append(out, gcpArmorRule(p, mapOf(r))...)
		}
	}
	for _, r := range e.ofTypes("gcp:compute/securityPolicyRule:SecurityPolicyRule", "gcp:compute/regionSecurityPolicyRule:RegionSecurityPolicyRule") {
		out = append(out, gcpArmorRule(r, r.Inputs)...)
	}
	return out
}

// gcpArmorRule: a Cloud Armor rule (inline in policy p, or a rule resource)
// allows only the edge's ranges, and the default rule (priority 2147483647)
// does not allow.
func gcpArmorRule(p *Resource, m map[string]any) []Violation {
	var out []Violation
	action := text(m["action"])
	if prio, _ := number(m["priority"]); prio == 2147483647 && action == "allow" {
		out = append(out, violation("NET-8", p, "default allow", "a default rule that denies", "Cloud Armor policy %s admits everything its rules do not match", p.Name()))
	}
	if action != "allow" {
		return out
	}
	for _, c := range getAll(m, "match.config.srcIpRanges") {
		if s := show(c); s == "*" || public(s) && !edgeRange(s) {
			out = append(out, violation("NET-8", p, s, "Cloudflare's published ranges only", "Cloud Armor rule %s admits %s, which is not the edge", p.Name(), s))
		}
	}
	return out
}

// --- ENC-1 ---------------------------------------------------------------------

var gcpTLS = map[string]bool{"TLS_1_2": true, "TLS_1_3": true}

func gcpEnc1(e *env) []Violation {
	var out []Violation
	for _, p := range e.ofTypes("gcp:compute/sSLPolicy:SSLPolicy", "gcp:compute/regionSslPolicy:RegionSslPolicy") {
		out = append(out, gcpSSLPolicy(p)...)
	}
	for _, px := range e.ofTypes("gcp:compute/targetHttpsProxy:TargetHttpsProxy", "gcp:compute/regionTargetHttpsProxy:RegionTargetHttpsProxy", "gcp:compute/targetSSLProxy:TargetSSLProxy") {
		if px.Inputs["sslPolicy"] == nil {
			out = append(out, violation("ENC-1", px, "missing", "an SSL policy with minTlsVersion TLS_1_2 or TLS_1_3", "proxy %s has no SSL policy, so Google's default policy admits TLS 1.0", px.Name()))
		}
	}
	for _, px := range e.ofTypes("gcp:compute/targetHttpProxy:TargetHttpProxy", "gcp:compute/regionTargetHttpProxy:RegionTargetHttpProxy") {
		m := e.gcpRef(px, "urlMap", gcpURLMapType)
		if m == nil {
			m = e.gcpRef(px, "urlMap", "gcp:compute/regionUrlMap:RegionUrlMap")
		}
		out = append(out, gcpRedirectsToHTTPS(px, m)...)
	}
	return out
}

// gcpSSLPolicy: a load balancer's SSL policy speaks TLS 1.2 or later (ENC-1);
// minTlsVersion defaults to TLS_1_0.
func gcpSSLPolicy(p *Resource) []Violation {
	v := p.Inputs["minTlsVersion"]
	if s, ok := known(v); ok && gcpTLS[s] || isUnknown(v) {
		return nil
	}
	return []Violation{violation("ENC-1", p, v, "TLS_1_2 or TLS_1_3", "SSL policy %s admits TLS older than 1.2 (minTlsVersion %s)", p.Name(), describe(v))}
}

// gcpRedirectsToHTTPS: a plain-HTTP proxy only redirects to HTTPS (ENC-1).
func gcpRedirectsToHTTPS(px, urlMap *Resource) []Violation {
	if urlMap != nil && truthy(get(urlMap.Inputs, "defaultUrlRedirect.httpsRedirect")) {
		return nil
	}
	return []Violation{violation("ENC-1", px, "HTTP", "a URL map whose defaultUrlRedirect has httpsRedirect true", "HTTP proxy %s serves plain HTTP without redirecting to HTTPS", px.Name())}
}

// --- ENC-2, ENC-3, ENC-4: the keys GCP resources name outside the catalogue's keyPath.

// keyUse is one place where a GCP resource names (or should name) its Cloud KMS key.
type keyUse struct {
	r     *Resource
	what  string
	key   any
	input string // top-level input holding the key, for property dependencies
	place resolved
}

// gcpKeyUses are the keys of secrets (per replica), log buckets, image
// repositories, regional disks and VM disks.
func (e *env) gcpKeyUses() []keyUse {
	var out []keyUse
	for _, s := range e.byType["gcp:secretmanager/secret:Secret"] {
		for _, rep := range getAll(s.Inputs, "replication.userManaged.replicas") {
			m := mapOf(rep)
			loc := raw(m["location"])
			out = append(out, keyUse{r: s, what: "secret replica in " + loc, key: get(m, "customerManagedEncryption.kmsKeyName"), input: "replication",
				place: resolveName(jurisdiction.GCP, loc, "replica location")})
		}
		if auto := get(s.Inputs, "replication.auto"); auto != nil {
			out = append(out, keyUse{r: s, what: "automatically replicated secret", key: get(mapOf(auto), "customerManagedEncryption.kmsKeyName"), input: "replication",
				place: resolved{status: placeUnresolvable, value: "automatic", from: "automatic replication"}})
		}
	}
	for _, b := range e.byType[gcpLogBucketType] {
		out = append(out, keyUse{r: b, what: "log bucket", key: get(b.Inputs, "cmekSettings.kmsKeyName"), input: "cmekSettings", place: e.placeOf(b)})
	}
	for _, r := range e.byType["gcp:artifactregistry/repository:Repository"] {
		out = append(out, keyUse{r: r, what: "image repository", key: r.Inputs["kmsKeyName"], input: "kmsKeyName", place: e.placeOf(r)})
	}
	for _, d := range e.byType["gcp:compute/regionDisk:RegionDisk"] {
		out = append(out, keyUse{r: d, what: "regional disk", key: get(d.Inputs, "diskEncryptionKey.kmsKeyName"), input: "diskEncryptionKey", place: e.placeOf(d)})
	}
	for _, vm := range e.ofTypes(gcpVMTypes...) {
		place := e.placeOf(vm)
		for i, d := range list(vm.Inputs["disks"]) {
			out = append(out, keyUse{r: vm, what: fmt.Sprintf("disk %d", i), key: get(mapOf(d), "diskEncryptionKey.kmsKeySelfLink"), input: "disks", place: place})
		}
		if bd := mapOf(vm.Inputs["bootDisk"]); bd != nil {
			out = append(out, keyUse{r: vm, what: "boot disk", key: bd["kmsKeySelfLink"], input: "bootDisk", place: place})
		}
		for i, d := range list(vm.Inputs["attachedDisks"]) {
			out = append(out, keyUse{r: vm, what: fmt.Sprintf("attached disk %d", i), key: mapOf(d)["kmsKeySelfLink"], input: "attachedDisks", place: place})
		}
	}
	for i := range out {
		out[i].key = e.grantedKey(out[i].r, out[i].input, out[i].key)
	}
	return out
}

// grantedKey resolves a key unknown at preview that names no key of the plan: an
// input that waits on Cloud KMS grants of exactly one key, named by a known
// cryptoKeyId (a customer's key on enterprise, which the plan grants but does not
// create), uses that key. Anything else stays unknown and is judged as such.
func (e *env) grantedKey(r *Resource, input string, key any) any {
	if !isUnknown(key) || input == "" || len(e.depsOf(r, input, gcpKeyTypes)) > 0 {
		return key
	}
	named := ""
	for _, g := range e.depsOf(r, input, []string{gcpKeyGrantType}) {
		n, ok := known(g.Inputs["cryptoKeyId"])
		if !ok || named != "" && n != named {
			return key
		}
		named = n
	}
	if named == "" {
		return key
	}
	return named
}

func noKey(k any) bool {
	s, ok := k.(string)
	return k == nil || ok && s == ""
}

func gcpEnc2(e *env) []Violation {
	var out []Violation
	for _, u := range e.gcpKeyUses() {
		if noKey(u.key) {
			out = append(out, violation("ENC-2", u.r, "provider default key", "a Cloud KMS key of the stack", "%s of %s is encrypted with Google's default key (no Cloud KMS key named)", u.what, u.r.Name()))
		}
	}
	for _, k := range e.byType[gcpCryptoKeyType] {
		if alg := get(k.Inputs, "versionTemplate.algorithm"); alg != nil && text(alg) != "GOOGLE_SYMMETRIC_ENCRYPTION" && !isUnknown(alg) {
			out = append(out, violation("ENC-2", k, alg, "GOOGLE_SYMMETRIC_ENCRYPTION (AES-256)", "data key algorithm is %s", describe(alg)))
		}
	}
	return out
}

// gcpMaxRotation is the longest rotation period of a Cloud KMS key: 90 days
// (decision 0065, CIS Google Cloud benchmark 1.10), inside ENC-3's year.
const gcpMaxRotation = 90 * 86400

func gcpEnc3(e *env) []Violation {
	var out []Violation
	for _, k := range e.byType[gcpCryptoKeyType] {
		out = append(out, gcpKeyLifetime(k)...)
	}
	for _, r := range e.byType[gcpKeyRingType] {
		out = append(out, gcpSingleRegionRing(r)...)
	}
	for _, u := range e.gcpKeyUses() {
		if noKey(u.key) || u.place.status != placeOK {
			continue
		}
		if isUnknown(u.key) {
			out = append(out, e.unknownKeyInRegion(u)...)
			continue
		}
		keys, kp := e.keyPlace(u.r, u.input, u.key, jurisdiction.GCP)
		out = append(out, keyInDataRegion(u.r, u.what, u.key, keys, kp, u.place)...)
	}
	return out
}

// unknownKeyInRegion judges a key unknown at preview by the keys its input depends
// on: an input holding several keys (a secret's replicas, one key per region)
// passes when one of them lives in this use's region.
func (e *env) unknownKeyInRegion(u keyUse) []Violation {
	cands := e.depsOf(u.r, u.input, gcpKeyTypes)
	if len(cands) == 0 {
		return keyInDataRegion(u.r, u.what, u.key, nil, resolved{status: placeUnknown, value: "unknown", from: "input " + u.input + " names no Cloud KMS key through its property dependencies"}, u.place)
	}
	for _, k := range cands {
		if p := e.placeOf(k); p.status == placeOK && p.regionKey() == u.place.regionKey() {
			return nil
		}
	}
	return keyInDataRegion(u.r, u.what, u.key, cands, e.placeOf(cands[0]), u.place)
}

// gcpKeyLifetime: a Cloud KMS key rotates within 90 days and waits at least 30
// days before a version is destroyed (ENC-3).
func gcpKeyLifetime(k *Resource) []Violation {
	var out []Violation
	rp := k.Inputs["rotationPeriod"]
	if d, ok := seconds(rp); !isUnknown(rp) && (!ok || d > gcpMaxRotation) {
		out = append(out, violation("ENC-3", k, rp, "rotationPeriod at most 7776000s", "key rotation period is %s", describe(rp)))
	}
	// Unset fails closed: pulumi-gcp v7.38.0 documents a 30-day default, the Cloud
	// KMS API reference 24 hours.
	ds := k.Inputs["destroyScheduledDuration"]
	if d, ok := seconds(ds); ds == nil {
		out = append(out, violation("ENC-3", k, ds, "at least 2592000s", "destroyScheduledDuration is not set (the Cloud KMS API reference's default is 24 hours)"))
	} else if !isUnknown(ds) && (!ok || d < 30*86400) {
		out = append(out, violation("ENC-3", k, ds, "at least 2592000s", "destroyScheduledDuration %s is shorter than 30 days", describe(ds)))
	}
	return out
}

// gcpSingleRegionRing: a key ring lives in one region, never global nor a
// multi-region (ENC-3).
func gcpSingleRegionRing(r *Resource) []Violation {
	loc, ok := known(r.Inputs["location"])
	if !ok {
		return nil
	}
	if _, region := jurisdiction.Lookup(jurisdiction.GCP, strings.ToLower(loc)); region {
		return nil
	}
	return []Violation{violation("ENC-3", r, loc, "a single region", "key ring %s is in %s, which is not a single region", r.Name(), loc)}
}

// keyInDataRegion: the key lives in the region of the data it protects (ENC-3).
func keyInDataRegion(r *Resource, what string, key any, keys []*Resource, kp, dp resolved) []Violation {
	if kp.status == placeUnknown {
		return []Violation{violation("ENC-3", r, "unknown", "a key in "+dp.value+" (the data's region)",
			"the key of %s of %s is unknown at preview (%s), so it cannot be shown to live in the data's region", what, r.Name(), kp.from)}
	}
	if kp.status != placeOK || kp.regionKey() == dp.regionKey() {
		return nil
	}
	k := "a key"
	if isUnknown(key) && len(keys) > 0 {
		k = "key " + names(keys)
	}
	return []Violation{violation("ENC-3", r, kp.value, dp.value+" (the data's region)", "%s of %s is encrypted with %s in %s, not in the data's region %s", what, r.Name(), k, kp.value, dp.value)}
}

// gcpEnc4: with customer keys, every GCP key use names one of them (ENC-4).
func gcpEnc4(e *env, ck CustomerKeys) []Violation {
	var out []Violation
	for _, u := range e.gcpKeyUses() {
		k := show(u.key)
		if ck.Primary != "" && k == ck.Primary || ck.Backup != "" && k == ck.Backup {
			continue
		}
		with := k
		if noKey(u.key) {
			with = "Google's default key"
		}
		out = append(out, violation("ENC-4", u.r, k, "the customer's key "+show(ck.Primary)+" or "+show(ck.Backup), "enterprise: %s of %s is encrypted with %s, not the customer's key", u.what, u.r.Name(), with))
	}
	return out
}

// gcpEnc5: a transfer job's sink bucket is encrypted with a key of its own
// location (ENC-5).
func (e *env) gcpEnc5(c copyDest) []Violation {
	var out []Violation
	for _, b := range c.vault {
		k := e.keyOf(b)
		bp := e.placeOf(b)
		if noKey(k.key) {
			out = append(out, violation("ENC-5", b, "missing", "encryption.defaultKmsKeyName of a key in "+bp.value, "bucket %s, a copy destination, names no key", b.Name()))
			continue
		}
		keys, kp := e.keyPlace(k.holder, k.input, k.key, jurisdiction.GCP)
		if kp.status == placeUnknown {
			out = append(out, violation("ENC-5", b, "unknown", "a key in "+bp.value, "the key of bucket %s, a copy destination, is unknown at preview (%s)", b.Name(), kp.from))
			continue
		}
		if kp.status == placeOK && bp.status == placeOK && kp.regionKey() != bp.regionKey() {
			what := "a key"
			if isUnknown(k.key) && len(keys) > 0 {
				what = "key " + names(keys)
			}
			out = append(out, violation("ENC-5", b, kp.value, bp.value, "bucket %s in %s, a copy destination, is encrypted with %s in %s", b.Name(), bp.value, what, kp.value))
		}
	}
	return out
}

// --- BAK -----------------------------------------------------------------------

// gcpBackupBuckets are the buckets that hold backups: a transfer job's source or
// sink (the backup copies of RES-3).
func (e *env) gcpBackupBuckets() []*Resource {
	var out []*Resource
	seen := map[*Resource]bool{}
	add := func(b *Resource) {
		if b != nil && b.Type == gcpBucketType && !seen[b] {
			seen[b] = true
			out = append(out, b)
		}
	}
	for _, t := range e.byType[gcpTransferType] {
		add(e.gcpRef(t, "transferSpec.gcsDataSource.bucketName", gcpBucketType))
		add(e.gcpRef(t, "transferSpec.gcsDataSink.bucketName", gcpBucketType))
	}
	return out
}

func gcpBak1(e *env, rpo float64) []Violation {
	var out []Violation
	for _, db := range e.byType[gcpSQLType] {
		out = append(out, gcpSQLBackups(db, rpo)...)
	}
	best, any := 0.0, false
	var first *Resource
	for _, t := range e.byType[gcpTransferType] {
		if h, ok := gcpRepeatHours(t); ok && (!any || h < best) {
			best, any, first = h, true, t
		}
	}
	if any && rpo > 0 && best > rpo {
		out = append(out, violation("BAK-1", first, fmt.Sprintf("every %v h", best), fmt.Sprintf("at least every %v h", rpo), "the most frequent backup copy runs every %v hours; the RPO is %v hours", best, rpo))
	}
	return out
}

// gcpSQLBackups: Cloud SQL takes automated backups and, where the RPO is under a
// day, keeps the write-ahead log for point-in-time recovery (BAK-1).
func gcpSQLBackups(db *Resource, rpo float64) []Violation {
	if v := get(db.Inputs, "settings.backupConfiguration.enabled"); !truthy(v) {
		return []Violation{violation("BAK-1", db, v, "backupConfiguration.enabled true", "database %s has no automated backups", db.Name())}
	}
	if v := get(db.Inputs, "settings.backupConfiguration.pointInTimeRecoveryEnabled"); rpo > 0 && rpo < 24 && !truthy(v) && !isUnknown(v) {
		return []Violation{violation("BAK-1", db, v, "pointInTimeRecoveryEnabled true", "database %s has no point-in-time recovery; daily backups miss an RPO of %v hours", db.Name(), rpo)}
	}
	return nil
}

// gcpRepeatHours is a transfer job's interval in hours ("3600s" -> 1); a job
// without repeatInterval repeats daily (Storage Transfer Service's default).
func gcpRepeatHours(t *Resource) (float64, bool) {
	v := get(t.Inputs, "schedule.repeatInterval")
	if v == nil {
		return 24, t.Inputs["schedule"] != nil
	}
	s, ok := seconds(v)
	return s / 3600, ok
}

func gcpBak2(e *env, want float64) []Violation {
	var out []Violation
	for _, db := range e.byType[gcpSQLType] {
		n, ok := number(get(db.Inputs, "settings.backupConfiguration.backupRetentionSettings.retainedBackups"))
		if !ok {
			n = 7 // Cloud SQL's default
		}
		if need := minF(want, 35); n < need {
			out = append(out, violation("BAK-2", db, n, fmt.Sprintf("retainedBackups at least %v", need), "database %s keeps %v daily backups", db.Name(), n))
		}
	}
	for _, b := range e.gcpBackupBuckets() {
		out = append(out, gcpBucketKeep(b, want, e.stack.Backup.GFS)...)
	}
	return out
}

// gcpBucketKeep: no lifecycle rule of a backup bucket deletes copies before
// their retention, or under GFS before their class's days (BAK-2).
func gcpBucketKeep(b *Resource, want float64, gfs bool) []Violation {
	var out []Violation
	for _, rule := range list(b.Inputs["lifecycleRules"]) {
		m := mapOf(rule)
		if text(get(m, "action.type")) != "Delete" {
			continue
		}
		age, ok := number(get(m, "condition.age"))
		if !ok {
			continue
		}
		need, prefix := want, strings.Join(strs(get(m, "condition.matchesPrefixes")), ",")
		if gfs {
			need = gfsKeep[gfsClass(prefix, "")]
		}
		if age < need {
			out = append(out, violation("BAK-2", b, age, fmt.Sprintf("at least %v days", need), "bucket %s deletes backups %s after %v days", b.Name(), show(prefix), age))
		}
	}
	return out
}

func gcpBak3(e *env) []Violation {
	var out []Violation
	for _, b := range e.byType[gcpBucketType] {
		if text(b.Inputs["publicAccessPrevention"]) != "enforced" {
			out = append(out, violation("BAK-3", b, b.Inputs["publicAccessPrevention"], "enforced", "bucket %s does not prevent public access", b.Name()))
		}
		if v := b.Inputs["uniformBucketLevelAccess"]; !truthy(v) && !isUnknown(v) {
			out = append(out, violation("BAK-3", b, v, "uniformBucketLevelAccess true", "bucket %s accepts object ACLs, which can make backups public", b.Name()))
		}
		if !truthy(get(b.Inputs, "versioning.enabled")) && get(b.Inputs, "retentionPolicy") == nil {
			out = append(out, violation("BAK-3", b, "not versioned", "versioning.enabled or a retentionPolicy", "bucket %s is neither versioned nor retained", b.Name()))
		}
	}
	need, what := e.lockDays()
	for _, b := range e.gcpBackupBuckets() {
		out = append(out, gcpImmutable(b, need, what, e.stack.Production())...)
		if noKey(get(b.Inputs, "encryption.defaultKmsKeyName")) {
			out = append(out, violation("BAK-3", b, "unencrypted", "encryption.defaultKmsKeyName", "backup bucket %s is not encrypted with a managed key", b.Name()))
		}
	}
	return out
}

// gcpImmutable: a backup bucket's retention policy keeps every copy at least
// need days and is locked on production (BAK-3).
func gcpImmutable(b *Resource, need float64, what string, production bool) []Violation {
	rp := mapOf(b.Inputs["retentionPolicy"])
	if rp == nil {
		return []Violation{violation("BAK-3", b, "not immutable", "a retentionPolicy", "backup bucket %s has no retention policy, so copies can be deleted at once", b.Name())}
	}
	var out []Violation
	if s, ok := number(rp["retentionPeriod"]); ok && s < need*86400 {
		out = append(out, violation("BAK-3", b, s, fmt.Sprintf("at least %v seconds", need*86400), "retention policy keeps backups immutable %v seconds, shorter than %s", s, what))
	}
	if v := rp["isLocked"]; production && !truthy(v) && !isUnknown(v) {
		out = append(out, violation("BAK-3", b, v, "isLocked true on production", "the retention policy of production backup bucket %s is not locked, so it can be removed", b.Name()))
	}
	return out
}

// gcpBak4: where backups are kept, a restore test runs at least quarterly: a Cloud
// Scheduler job whose message names a backup bucket (BAK-4).
func gcpBak4(e *env) []Violation {
	buckets := e.gcpBackupBuckets()
	if len(buckets) == 0 {
		return nil
	}
	var jobs []*Resource
	for _, j := range e.byType["gcp:cloudscheduler/job:Job"] {
		if e.namesAny(j, "pubsubTarget", buckets) {
			jobs = append(jobs, j)
		}
	}
	if len(jobs) == 0 && !e.partial() {
		return []Violation{violation("BAK-4", e.root(), "none", "a Cloud Scheduler job naming a backup bucket, at least quarterly", "backups are kept but restores are never tested")}
	}
	var out []Violation
	for _, j := range jobs {
		out = append(out, gcpRestoreSchedule(j)...)
	}
	return out
}

// namesAny reports whether r's input names one of rs: by a known string (a name,
// id or URN) or, unknown at preview, through its property dependencies.
func (e *env) namesAny(r *Resource, input string, rs []*Resource) bool {
	named := knownStrings(r.Inputs[input], nil)
	for _, x := range rs {
		if e.namedBy(x, named) || slices.Contains(r.PropertyDependencies[input], x.URN) {
			return true
		}
	}
	return false
}

// gcpRestoreSchedule: a restore test's unix-cron schedule runs at least every 92 days.
func gcpRestoreSchedule(j *Resource) []Violation {
	s := j.Inputs["schedule"]
	if isUnknown(s) {
		return nil
	}
	f := strings.Fields(text(s))
	h, ok := 0.0, len(f) == 5
	if ok {
		h, ok = cronHours("cron(" + strings.Join(f, " ") + " *)")
	}
	if !ok {
		return []Violation{violation("BAK-4", j, s, "a unix-cron schedule at least quarterly", "restore test schedule %s cannot be read", describe(s))}
	}
	if h > 92*24 {
		return []Violation{violation("BAK-4", j, s, "at least quarterly", "restore tests run every %.0f days", h/24)}
	}
	return nil
}

// gcpBak5: backup buckets delete every copy within 12 months, and no retention
// policy keeps copies longer (BAK-5).
func gcpBak5(b *Resource) []Violation {
	var out []Violation
	days := -1.0
	for _, rule := range list(b.Inputs["lifecycleRules"]) {
		m := mapOf(rule)
		if text(get(m, "action.type")) != "Delete" {
			continue
		}
		if n, ok := number(get(m, "condition.age")); ok && n > days {
			days = n
		}
	}
	if days < 0 || days > 365 {
		out = append(out, violation("BAK-5", b, keptFor(days), "a lifecycle rule deleting objects within 365 days", "backup bucket %s keeps objects %s", b.Name(), keptFor(days)))
	}
	if s, ok := number(get(b.Inputs, "retentionPolicy.retentionPeriod")); ok && s > 365*86400 {
		out = append(out, violation("BAK-5", b, s, "at most 31536000 seconds", "the retention policy of backup bucket %s keeps copies past 12 months", b.Name()))
	}
	return out
}

// --- DAT -----------------------------------------------------------------------

// gcpDat1: a non-production resource works in a production project (DAT-1).
func gcpDat1(r *Resource) []Violation {
	p, ok := known(r.Inputs["project"])
	if !ok || !strings.HasPrefix(r.Type, "gcp:") {
		return nil
	}
	l := strings.ToLower(p)
	if strings.Contains(l, "production") && !strings.Contains(l, "non-production") {
		return []Violation{violation("DAT-1", r, p, "the stack's own non-production project", "non-production resource %s lives in production project %s", r.Name(), p)}
	}
	return nil
}

func gcpDat2(e *env) []Violation {
	var out []Violation
	for _, db := range e.byType[gcpSQLType] {
		if v := get(db.Inputs, "settings.availabilityType"); text(v) != "REGIONAL" {
			out = append(out, violation("DAT-2", db, v, "REGIONAL", "database %s is not highly available (availabilityType %s)", db.Name(), describe(v)))
		}
	}
	for _, m := range e.byType["gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager"] {
		out = append(out, gcpAcrossZones(m)...)
	}
	for _, m := range e.byType["gcp:compute/instanceGroupManager:InstanceGroupManager"] {
		out = append(out, violation("DAT-2", m, show(m.Inputs["zone"]), "a regional instance group manager", "instance group %s runs in one zone", m.Name()))
	}
	return out
}

// gcpAcrossZones: a regional managed instance group runs two VMs or more in
// two zones or more (DAT-2).
func gcpAcrossZones(m *Resource) []Violation {
	var out []Violation
	if n, ok := number(m.Inputs["targetSize"]); !ok && !isUnknown(m.Inputs["targetSize"]) || ok && n < 2 {
		out = append(out, violation("DAT-2", m, m.Inputs["targetSize"], "targetSize at least 2", "instance group %s runs %s VM(s), so one zone's loss stops it", m.Name(), show(m.Inputs["targetSize"])))
	}
	if zs := list(m.Inputs["distributionPolicyZones"]); len(zs) == 1 {
		out = append(out, violation("DAT-2", m, zs[0], "at least two zones", "instance group %s runs in one zone", m.Name()))
	}
	return out
}

// --- IAM -----------------------------------------------------------------------

// gcpGrants are the IAM grants of the plan: every …IamMember, …IamBinding and
// project IAMMember/IAMBinding, and every binding of an …IamPolicy.
func (e *env) gcpGrants() []*Resource {
	out := e.gcpPolicyBindings()
	for t, rs := range e.byType {
		if strings.HasPrefix(t, "gcp:") && iamSuffix.MatchString(t) && !strings.HasSuffix(strings.ToLower(t), "policy") {
			out = append(out, rs...)
		}
	}
	return out
}

// gcpPolicyBindings are the bindings of every …IamPolicy's policyData, each as a
// grant of that policy resource (role, members, condition).
func (e *env) gcpPolicyBindings() []*Resource {
	var out []*Resource
	for t, rs := range e.byType {
		if !strings.HasPrefix(t, "gcp:") || !strings.HasSuffix(strings.ToLower(t), "iampolicy") {
			continue
		}
		for _, r := range rs {
			doc, ok := policyDoc(r.Inputs["policyData"])
			if !ok {
				continue
			}
			for _, b := range list(doc["bindings"]) {
				if m := mapOf(b); m != nil {
					out = append(out, &Resource{URN: r.URN, Type: r.Type, Inputs: m})
				}
			}
		}
	}
	return out
}

func grantMembers(r *Resource) []string {
	var out []string
	for _, m := range list(r.Inputs["members"]) {
		out = append(out, show(m))
	}
	if m := r.Inputs["member"]; m != nil {
		out = append(out, show(m))
	}
	return out
}

// basicRoles are Google Cloud's basic (primitive) roles: each grants every service.
var basicRoles = map[string]bool{"roles/owner": true, "roles/editor": true, "roles/viewer": true}

// gcpGrant judges one IAM grant (IAM-1): to groups or service accounts, never a
// single user except a break-glass grant (whose expiry IAM-3 judges), and never
// a basic role.
func gcpGrant(r *Resource) []Violation {
	var out []Violation
	role := show(r.Inputs["role"])
	for _, m := range grantMembers(r) {
		// A break-glass grant names the engineer; IAM-3 bounds it in time.
		if strings.HasPrefix(m, "user:") && !gcpBreakGlass(r) {
			out = append(out, violation("IAM-1", r, m, "group: or serviceAccount: members", "role %s is granted to a single user %s", role, m))
		}
	}
	if basicRoles[role] {
		out = append(out, violation("IAM-1", r, role, "a predefined or custom role", "basic role %s grants every service of the project", role))
	}
	return out
}

// gcpEffectiveMetadata is a VM's metadata value for key: its own, else the
// project's (instance metadata overrides project metadata).
func (e *env) gcpEffectiveMetadata(vm *Resource, key string) any {
	if v, ok := mapOf(vm.Inputs["metadata"])[key]; ok {
		return v
	}
	for _, p := range e.byType["gcp:compute/projectMetadataItem:ProjectMetadataItem"] {
		if text(p.Inputs["key"]) == key {
			return p.Inputs["value"]
		}
	}
	for _, p := range e.byType["gcp:compute/projectMetadata:ProjectMetadata"] {
		if v, ok := mapOf(p.Inputs["metadata"])[key]; ok {
			return v
		}
	}
	return nil
}

// osLoginOn: a metadata value switches an OS Login setting on ("TRUE", any case).
func osLoginOn(v any) bool { return isUnknown(v) || strings.EqualFold(show(v), "true") }

// gcpIAM2: OS Login asks for 2-step verification on every VM (IAM-2).
func gcpIAM2(e *env) []Violation {
	var out []Violation
	for _, vm := range e.ofTypes(gcpVMTypes...) {
		if v := e.gcpEffectiveMetadata(vm, "enable-oslogin-2fa"); !osLoginOn(v) {
			out = append(out, violation("IAM-2", vm, show(v), "enable-oslogin-2fa TRUE", "%s %s does not ask for 2-step verification at SSH (enable-oslogin-2fa %s)", shortType(vm.Type), vm.Name(), describe(v)))
		}
	}
	return out
}

var requestTimeBefore = regexp.MustCompile(`request\.time\s*<=?\s*timestamp\(\s*["']([^"']+)["']\s*\)`)

// gcpBreakGlass reports whether a grant is break-glass: its condition or its
// member says so.
func gcpBreakGlass(r *Resource) bool {
	c := mapOf(r.Inputs["condition"])
	s := strings.ToLower(text(c["title"]) + " " + text(c["description"]) + " " + strings.Join(grantMembers(r), " "))
	return strings.Contains(s, "break-glass") || strings.Contains(s, "breakglass")
}

// gcpBreakGlassExpiry: a break-glass grant's IAM condition ends it within 24
// hours (IAM-3).
func gcpBreakGlassExpiry(r *Resource, now time.Time) []Violation {
	expr := get(r.Inputs, "condition.expression")
	if isUnknown(expr) {
		return nil // judged once known
	}
	s := text(expr)
	ms := requestTimeBefore.FindAllStringSubmatch(s, -1)
	// Only a conjunction is bounded by its earliest request.time bound: an
	// alternative (||) or a negation (!( … )) can hold after it.
	if len(ms) == 0 || strings.Contains(s, "||") || strings.Contains(s, "!(") {
		return []Violation{violation("IAM-3", r, show(expr), "a condition request.time < timestamp(...) within 24 hours", "break-glass grant %s never expires", r.Name())}
	}
	var end time.Time
	for _, m := range ms {
		t, err := time.Parse(time.RFC3339, m[1])
		if err != nil {
			return []Violation{violation("IAM-3", r, m[1], "an RFC 3339 time within 24 hours", "break-glass expiry %q cannot be read", m[1])}
		}
		if end.IsZero() || t.Before(end) {
			end = t
		}
	}
	if end.After(now.Add(24 * time.Hour)) {
		return []Violation{violation("IAM-3", r, end.UTC().Format(time.RFC3339), "at most "+now.Add(24*time.Hour).Format(time.RFC3339), "break-glass grant %s expires more than 24 hours from now", r.Name())}
	}
	return nil
}

func gcpIAM4(e *env) []Violation {
	var out []Violation
	if e.onGCP() && e.stack.Production() && e.stack.Source != "" && !e.partial() {
		if !e.dataAccessAudited() {
			out = append(out, violation("IAM-4", e.root(), "none", "a gcp:projects/iAMAuditConfig:IAMAuditConfig for allServices with DATA_READ and DATA_WRITE", "Data Access audit logs are off in the stack's project"))
		}
		if len(e.sinksOf("cloudaudit.googleapis.com")) == 0 {
			out = append(out, violation("IAM-4", e.root(), "no sink", "a log sink of cloudaudit.googleapis.com to a locked CMEK log bucket in the jurisdiction", "audit logs are not routed to a log bucket in the jurisdiction"))
		}
		if !e.excluded("cloudaudit.googleapis.com") {
			out = append(out, violation("IAM-4", e.root(), "not excluded", "a gcp:logging/projectExclusion:ProjectExclusion of the audit logs", "Data Access audit logs also land in the global _Default log bucket"))
		}
	}
	for _, a := range e.byType["gcp:projects/iAMAuditConfig:IAMAuditConfig"] {
		for _, c := range list(a.Inputs["auditLogConfigs"]) {
			if ex := list(mapOf(c)["exemptedMembers"]); len(ex) > 0 {
				out = append(out, violation("IAM-4", a, show(ex[0]), "no exempted members", "audit config %s exempts %s from %s audit logs", a.Name(), show(ex[0]), show(mapOf(c)["logType"])))
			}
		}
	}
	for _, s := range e.sinksOf("cloudaudit.googleapis.com") {
		out = append(out, e.judgeLogSink("IAM-4", s, "audit log destination")...)
		if t, _ := e.sinkTarget(s); t != nil && t.Type == gcpLogBucketType {
			if v := t.Inputs["locked"]; !truthy(v) && !isUnknown(v) {
				out = append(out, violation("IAM-4", t, v, "locked true", "audit log bucket %s is not locked, so its logs' integrity is not protected", t.Name()))
			}
		}
	}
	return out
}

// dataAccessAudited: an audit config of allServices logs data reads and writes.
func (e *env) dataAccessAudited() bool {
	for _, a := range e.byType["gcp:projects/iAMAuditConfig:IAMAuditConfig"] {
		if text(a.Inputs["service"]) != "allServices" {
			continue
		}
		got := map[string]bool{}
		for _, c := range list(a.Inputs["auditLogConfigs"]) {
			got[text(mapOf(c)["logType"])] = true
		}
		if got["DATA_READ"] && got["DATA_WRITE"] {
			return true
		}
	}
	return false
}

// gcpIAM5: every VM signs staff in with OS Login, never metadata SSH keys (IAM-5).
func gcpIAM5(e *env) []Violation {
	var out []Violation
	for _, vm := range e.ofTypes(gcpVMTypes...) {
		if v := e.gcpEffectiveMetadata(vm, "enable-oslogin"); !osLoginOn(v) {
			out = append(out, violation("IAM-5", vm, show(v), "enable-oslogin TRUE", "%s %s does not use OS Login (enable-oslogin %s)", shortType(vm.Type), vm.Name(), describe(v)))
		}
	}
	return out
}

// gcpIAM6: each customer has its own database user, never the shared default.
func gcpIAM6(u *Resource) []Violation {
	if n := text(u.Inputs["name"]); n == "postgres" || n == "root" || n == "cloudsqlsuperuser" {
		return []Violation{violation("IAM-6", u, n, "a dedicated user per customer", "database user %s is the shared default user %q", u.Name(), n)}
	}
	return nil
}

// --- OPS -----------------------------------------------------------------------

// gcpSignal is one failure OPS-1 requires an alert for on GCP: what can fail, and
// the strings of an alert policy's conditions that watch it.
type gcpSignal struct {
	name    string
	needed  func(e *env) bool
	markers []string
}

var gcpSignals = []gcpSignal{
	{"database-unhealthy", hasType(gcpSQLType), []string{"cloudsql.googleapis.com", "cloudsql_database"}},
	{"copy-failed", hasType(gcpTransferType), []string{"storagetransfer.googleapis.com", "storage_transfer_job"}},
	{"app-unhealthy", hasType("gcp:compute/backendService:BackendService", "gcp:compute/regionBackendService:RegionBackendService",
		"gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager", "gcp:cloudrunv2/service:Service"),
		[]string{"loadbalancing.googleapis.com", "compute.googleapis.com/healthchecks", "https_lb_rule", "instance_group", "uptime_check", "run.googleapis.com"}},
}

// conditionText is every filter and query of an alert policy's conditions.
func conditionText(p *Resource) string {
	var b strings.Builder
	for _, c := range list(p.Inputs["conditions"]) {
		walkStrings(mapOf(c), "", func(_, v string) { b.WriteString(v); b.WriteByte('\n') })
	}
	return b.String()
}

func gcpOps1(e *env) []Violation {
	s := e.stack
	var out []Violation
	watched := len(e.dataResources()) > 0
	for _, sig := range gcpSignals {
		watched = watched || sig.needed(e)
	}
	if !watched {
		return nil
	}
	channels := e.byType["gcp:monitoring/notificationChannel:NotificationChannel"]
	if len(channels) == 0 {
		return append(out, violation("OPS-1", e.root(), "none", "a gcp:monitoring/notificationChannel:NotificationChannel to the stack's contacts",
			"the stack has no notification channel: no failure reaches anyone"))
	}
	for _, c := range channels {
		if v, ok := c.Inputs["enabled"].(bool); ok && !v {
			out = append(out, violation("OPS-1", c, false, "enabled true", "notification channel %s is disabled", c.Name()))
		}
	}
	var sources []string
	for _, p := range e.byType["gcp:monitoring/alertPolicy:AlertPolicy"] {
		if ch := p.Inputs["notificationChannels"]; len(list(ch)) == 0 && !isUnknown(ch) {
			out = append(out, violation("OPS-1", p, "no notificationChannels", "notificationChannels naming the stack's channel", "alert policy %s alerts nobody", p.Name()))
			continue
		}
		if v, ok := p.Inputs["enabled"].(bool); ok && !v {
			continue
		}
		sources = append(sources, conditionText(p))
	}
	for _, sig := range gcpSignals {
		if sig.needed(e) && !raised(sources, sig.markers) {
			out = append(out, violation("OPS-1", e.root(), sig.name, "an alert policy on it with a notification channel", "no alert is raised for %s", sig.name))
		}
	}
	for _, a := range s.Approvals {
		if !e.gcpAnnounced(a.ID) {
			out = append(out, violation("OPS-1", e.root(), a.ID, "a scheduled alert before the approval expires", "approval %s expires on %s unannounced", a.ID, a.Expires))
		}
	}
	return out
}

func raised(sources, markers []string) bool {
	for _, src := range sources {
		for _, m := range markers {
			if strings.Contains(src, m) {
				return true
			}
		}
	}
	return false
}

// gcpAnnounced: a Cloud Scheduler job or an alert policy names the approval.
func (e *env) gcpAnnounced(id string) bool {
	found := false
	for _, r := range e.ofTypes("gcp:cloudscheduler/job:Job", "gcp:monitoring/alertPolicy:AlertPolicy") {
		walkStrings(r.Inputs, "", func(_, v string) { found = found || strings.Contains(v, id) })
	}
	return found
}

var (
	imageLine = regexp.MustCompile(`(?m)\bimage:\s*["']?([^\s"']+)`)
	// imageRef is an image reference in a command line (docker run … IMAGE): a
	// registry path, or any reference with a digest.
	imageRef = regexp.MustCompile(`[a-z0-9.-]+(?:-docker\.pkg\.dev|gcr\.io|docker\.io)/[^\s"']+|[^\s"'=]+@sha256:[0-9a-f]+`)
)

// gcpImages are the container images a GCP resource runs: a Cloud Run service's
// containers, and the image: lines of a VM's container declaration or cloud-init.
func gcpImages(r *Resource) []string {
	var out []string
	switch r.Type {
	case "gcp:cloudrunv2/service:Service", "gcp:cloudrunv2/job:Job":
		for _, v := range getAll(r.Inputs, "template.containers.image") {
			out = append(out, show(v))
		}
		for _, v := range getAll(r.Inputs, "template.template.containers.image") {
			out = append(out, show(v))
		}
	default:
		md := mapOf(r.Inputs["metadata"])
		seen := map[string]bool{}
		for _, k := range []string{"gce-container-declaration", "user-data"} {
			s := text(md[k])
			for _, m := range imageLine.FindAllStringSubmatch(s, -1) {
				seen[m[1]] = true
				out = append(out, m[1])
			}
			for _, m := range imageRef.FindAllString(s, -1) {
				if !seen[m] {
					seen[m] = true
					out = append(out, m)
				}
			}
		}
	}
	return out
}

func gcpOps2(e *env) []Violation {
	var out []Violation
	if !e.serviceOn("securitycenter.googleapis.com") && len(e.ofTypes("gcp:securitycenter/projectNotificationConfig:ProjectNotificationConfig", "gcp:securitycenter/v2ProjectNotificationConfig:V2ProjectNotificationConfig")) == 0 {
		out = append(out, violation("OPS-2", e.root(), "none", "Security Command Center on (gcp:projects/service:Service securitycenter.googleapis.com)", "threat detection is off in the stack's project"))
	}
	runs := false
	for _, r := range e.ofTypes(append([]string{"gcp:cloudrunv2/service:Service", "gcp:cloudrunv2/job:Job"}, gcpVMTypes...)...) {
		runs = runs || runsContainers(r)
		for _, img := range gcpImages(r) {
			runs = true
			if !digestRef.MatchString(img) && !isUnknown(img) {
				out = append(out, violation("OPS-2", r, img, "an image reference pinned by digest (…@sha256:<64 hex>)", "%s runs image %s, which is not pinned by digest", r.Name(), img))
			}
		}
	}
	if runs && !e.serviceOn("containerscanning.googleapis.com") {
		out = append(out, violation("OPS-2", e.root(), "none", "gcp:projects/service:Service containerscanning.googleapis.com (Artifact Registry scanning)", "the images the stack runs are never scanned for vulnerabilities"))
	}
	return out
}

// runsContainers: a Cloud Run workload, or a VM whose metadata starts containers
// (a container declaration or cloud-init user data), even when unknown at preview.
func runsContainers(r *Resource) bool {
	if strings.HasPrefix(r.Type, "gcp:cloudrunv2/") {
		return true
	}
	md := mapOf(r.Inputs["metadata"])
	return md["gce-container-declaration"] != nil || md["user-data"] != nil
}

// serviceOn reports whether the plan enables a Google API.
func (e *env) serviceOn(api string) bool {
	for _, s := range e.byType[gcpServiceType] {
		if text(s.Inputs["service"]) == api {
			return true
		}
	}
	return false
}
