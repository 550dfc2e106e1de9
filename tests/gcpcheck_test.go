package tests

// The plan-wide checks of the AWS side (docs/decisions/0020), on the GCP plans:
// key use (every Cloud KMS key admits exactly the service agents that encrypt
// with it) and reachability (every ingress the tier needs and no other), each run
// over every GCP example and its other-environment variant.

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/components/network/gcpnetwork"
	"github.com/octura/odoo-hosting/components/runtime/gcpruntime"
	"github.com/octura/odoo-hosting/internal/config"
	"github.com/octura/odoo-hosting/internal/plan"
)

// gcpKeyUsers are, per resource type, the input paths that name a Cloud KMS key
// and the service whose agent encrypts with it there.
var gcpKeyUsers = map[string]struct {
	paths   []string
	service string
}{
	"gcp:storage/bucket:Bucket":                                     {[]string{"encryption.defaultKmsKeyName"}, "storage"},
	"gcp:logging/projectBucketConfig:ProjectBucketConfig":           {[]string{"cmekSettings.kmsKeyName"}, "logging"},
	"gcp:sql/databaseInstance:DatabaseInstance":                     {[]string{"encryptionKeyName"}, "sqladmin"},
	"gcp:secretmanager/secret:Secret":                               {[]string{"replication.userManaged.replicas[].customerManagedEncryption.kmsKeyName", "replication.auto.customerManagedEncryption.kmsKeyName"}, "secretmanager"},
	"gcp:compute/instanceTemplate:InstanceTemplate":                 {[]string{"disks[].diskEncryptionKey.kmsKeySelfLink"}, "compute"},
	"gcp:compute/regionInstanceTemplate:RegionInstanceTemplate":     {[]string{"disks[].diskEncryptionKey.kmsKeySelfLink"}, "compute"},
	"gcp:compute/disk:Disk":                                         {[]string{"diskEncryptionKey.kmsKeySelfLink"}, "compute"},
	"gcp:filestore/instance:Instance":                               {[]string{"kmsKeyName"}, "file"},
	"gcp:artifactregistry/repository:Repository":                    {[]string{"kmsKeyName"}, "artifactregistry"},
	"gcp:pubsub/topic:Topic":                                        {[]string{"kmsKeyName"}, "pubsub"},
	"gcp:logging/organizationBucketConfig:OrganizationBucketConfig": {[]string{"cmekSettings.kmsKeyName"}, "logging"},
}

// agentService names the service of a service agent member: gs-project-accounts
// is Cloud Storage's, gcp-sa-<service> the others'.
var agentRE = regexp.MustCompile(`^serviceAccount:service-[0-9]+@(gs-project-accounts|gcp-sa-([a-z]+)|compute-system)\.iam\.gserviceaccount\.com$`)

func agentService(member string) (string, bool) {
	m := agentRE.FindStringSubmatch(member)
	switch {
	case m == nil:
		return "", false
	case m[1] == "gs-project-accounts":
		return "storage", true
	case m[1] == "compute-system":
		return "compute", true
	}
	return m[2], true
}

// values collects the values at a dotted path ("a.b[].c") of m.
func values(m map[string]any, path string) []string {
	head, rest, more := strings.Cut(path, ".")
	list := strings.HasSuffix(head, "[]")
	v := m[strings.TrimSuffix(head, "[]")]
	var items []any
	if list {
		items, _ = v.([]any)
	} else if v != nil {
		items = []any{v}
	}
	var out []string
	for _, it := range items {
		if !more {
			if s, ok := it.(string); ok && s != "" {
				out = append(out, s)
			}
			continue
		}
		if sub, ok := it.(map[string]any); ok {
			out = append(out, values(sub, rest)...)
		}
	}
	return out
}

// gcpKeyNames maps every name a plan uses for a key (the planner's ID and the
// full Cloud KMS name) to one canonical name: the full name.
func gcpKeyNames(v *planView) map[string]string {
	out := map[string]string{}
	rings := map[string]plan.State{}
	for _, r := range v.byType("gcp:kms/keyRing:KeyRing") {
		rings[mockID(r)] = r
	}
	for _, k := range v.byType("gcp:kms/cryptoKey:CryptoKey") {
		ring, ok := rings[str(k.Inputs["keyRing"])]
		full := "unresolved:" + k.URN
		if ok {
			full = fmt.Sprintf("projects/%s/locations/%s/keyRings/%s/cryptoKeys/%s",
				str(ring.Inputs["project"]), str(ring.Inputs["location"]), str(ring.Inputs["name"]), str(k.Inputs["name"]))
		}
		out[mockID(k)], out[full] = full, full
	}
	return out
}

// checkGCPKeyUse returns every key/service pair that uses a key without a grant,
// every grant that nothing uses, every grant to a principal that is not a service
// agent, and every project-wide KMS role (ENC-2: exactly the users, on the key).
func checkGCPKeyUse(v *planView) []string {
	canon := gcpKeyNames(v)
	key := func(s string) string {
		if c, ok := canon[s]; ok {
			return c
		}
		return s // a customer's key (ENC-4): its full name
	}
	needed, granted := map[string]bool{}, map[string]bool{}
	var out []string
	for _, s := range v.states {
		u, ok := gcpKeyUsers[s.Type]
		if !ok {
			continue
		}
		for _, p := range u.paths {
			for _, k := range values(s.Inputs, p) {
				needed[key(k)+" "+u.service] = true
			}
		}
	}
	for _, g := range v.byType("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember") {
		svc, ok := agentService(str(g.Inputs["member"]))
		if !ok {
			out = append(out, fmt.Sprintf("%s grants %s, which is not a service agent", g.URN, str(g.Inputs["member"])))
			continue
		}
		granted[key(str(g.Inputs["cryptoKeyId"]))+" "+svc] = true
	}
	for _, typ := range []string{"gcp:projects/iAMMember:IAMMember", "gcp:projects/iAMBinding:IAMBinding"} {
		for _, b := range v.byType(typ) {
			if strings.HasPrefix(str(b.Inputs["role"]), "roles/cloudkms.") {
				out = append(out, fmt.Sprintf("%s grants %s on the whole project", b.URN, str(b.Inputs["role"])))
			}
		}
	}
	for n := range needed {
		if !granted[n] {
			out = append(out, "key and service without a grant: "+n)
		}
	}
	for g := range granted {
		if !needed[g] {
			out = append(out, "grant nothing uses: "+g)
		}
	}
	sort.Strings(out)
	return out
}

// checkGCPGrantsBeforeUse returns every resource that names a key in an input
// without depending on the grant of that key to its service's agent (through that
// input or dependsOn): a real `pulumi up` could create it before Cloud KMS admits
// the agent, and the service would refuse the key. A use with no grant at all is
// checkGCPKeyUse's finding, not this one's.
func checkGCPGrantsBeforeUse(v *planView) []string {
	canon := gcpKeyNames(v)
	key := func(s string) string {
		if c, ok := canon[s]; ok {
			return c
		}
		return s
	}
	grants := map[string][]string{}
	for _, g := range v.byType("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember") {
		if svc, ok := agentService(str(g.Inputs["member"])); ok {
			k := key(str(g.Inputs["cryptoKeyId"])) + " " + svc
			grants[k] = append(grants[k], g.URN)
		}
	}
	var out []string
	for _, s := range v.states {
		u, ok := gcpKeyUsers[s.Type]
		if !ok {
			continue
		}
		for _, p := range u.paths {
			top, _, _ := strings.Cut(p, ".")
			deps := append(slices.Clone(s.PropertyDependencies[strings.TrimSuffix(top, "[]")]), s.Dependencies...)
			for _, k := range values(s.Inputs, p) {
				gs := grants[key(k)+" "+u.service]
				if len(gs) > 0 && !slices.ContainsFunc(gs, func(g string) bool { return slices.Contains(deps, g) }) {
					out = append(out, fmt.Sprintf("%s uses %s before the grant to %s", s.URN, key(k), u.service))
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// gcpIngress lists the ingress a plan's firewall rules allow, one entry per
// source, target tag and port ("35.191.0.0/16 -> app:8069"), and reports a
// missing or outranked deny-all.
func gcpIngress(v *planView) (allowed []string, problems []string) {
	denyAt := -1
	maxAllow := 0
	for _, f := range v.byType("gcp:compute/firewall:Firewall") {
		if d := str(f.Inputs["direction"]); d != "" && d != "INGRESS" {
			continue
		}
		prio := num(f.Inputs["priority"], 1000)
		if deny := arr(f.Inputs["denies"]); len(deny) > 0 {
			srcs := strs(f.Inputs["sourceRanges"])
			if slices.Contains(srcs, "0.0.0.0/0") && str(obj(deny[0])["protocol"]) == "all" && len(strs(f.Inputs["targetTags"])) == 0 {
				denyAt = prio
			}
			continue
		}
		maxAllow = max(maxAllow, prio)
		sources := strs(f.Inputs["sourceRanges"])
		for _, tag := range strs(f.Inputs["sourceTags"]) {
			sources = append(sources, "tag:"+tag)
		}
		targets := strs(f.Inputs["targetTags"])
		if len(targets) == 0 {
			targets = []string{"every instance"}
		}
		for _, a := range arr(f.Inputs["allows"]) {
			ports := strs(obj(a)["ports"])
			if len(ports) == 0 {
				ports = []string{"every port"}
			}
			proto := str(obj(a)["protocol"])
			for _, src := range sources {
				for _, tg := range targets {
					for _, p := range ports {
						allowed = append(allowed, fmt.Sprintf("%s -> %s %s:%s", src, tg, proto, p))
					}
				}
			}
		}
	}
	if denyAt < 0 {
		problems = append(problems, "no deny-all ingress rule for 0.0.0.0/0")
	} else if denyAt <= maxAllow {
		problems = append(problems, fmt.Sprintf("the deny-all ingress at priority %d does not rank below every allow (lowest %d)", denyAt, maxAllow))
	}
	sort.Strings(allowed)
	return dedupe(allowed), problems
}

// gcpNeededIngress is what the tier of cfg needs to reach its instances: the
// load balancer's health checks and proxies to Odoo's ports and the app to
// PostgreSQL where we run Odoo (NET-3); Identity-Aware Proxy and the VPN peers'
// ranges to SSH on management (IAM-5, NET-5).
func gcpNeededIngress(cfg *config.Config) []string {
	var out []string
	if cfg.Tier.RunsApplication() {
		// The regional load balancer's proxies send from its proxy-only subnetwork.
		proxy, _ := gcpruntime.ProxyRange(cfg.Network.CIDR)
		for _, r := range append(slices.Clone(gcpnetwork.LoadBalancerRanges), proxy) {
			out = append(out, r+" -> app tcp:8069", r+" -> app tcp:8072")
		}
		out = append(out, "tag:app -> database tcp:5432")
	}
	if cfg.Tier.NeedsNetwork() {
		// The allow-list confines the admin paths at the edge, not at the VPC:
		// only the VPN peers' ranges reach management (NET-5).
		out = append(out, gcpnetwork.IAPRange+" -> management tcp:22")
		for _, p := range cfg.Network.VPNPeers {
			for _, c := range p.CIDRs {
				out = append(out, c+" -> management tcp:22")
			}
		}
	}
	sort.Strings(out)
	return dedupe(out)
}

// checkGCPReachability returns every needed ingress no rule allows and every
// allowed ingress nothing needs.
func checkGCPReachability(v *planView, cfg *config.Config) []string {
	allowed, out := gcpIngress(v)
	if !cfg.Tier.NeedsNetwork() {
		out = nil // no network of ours: nothing to deny, and every allow is one too many
	}
	needed := gcpNeededIngress(cfg)
	for _, n := range needed {
		if !slices.Contains(allowed, n) {
			out = append(out, "needed, not allowed: "+n)
		}
	}
	for _, a := range allowed {
		if !slices.Contains(needed, a) {
			out = append(out, "allowed, not needed: "+a)
		}
	}
	return out
}

// gcpVariantPlans are the GCP plans among variantPlans, with their configuration.
func gcpVariantPlans(t *testing.T) []struct {
	judgedPlan
	cfg *config.Config
} {
	var out []struct {
		judgedPlan
		cfg *config.Config
	}
	for _, jp := range variantPlans(t) {
		var p plan.Plan
		require.NoError(t, json.Unmarshal(jp.data, &p))
		if len(p.ByType("pulumi:providers:gcp")) == 0 {
			continue
		}
		cfg := gcpConfigOf(t, jp.name)
		out = append(out, struct {
			judgedPlan
			cfg *config.Config
		}{jp, cfg})
	}
	require.Len(t, out, 8, "the four GCP examples in both environments")
	return out
}

// gcpConfigOf loads the configuration of the example a judged plan comes from.
func gcpConfigOf(t *testing.T, name string) *config.Config {
	base, _, _ := strings.Cut(name, "/")
	cfg, err := config.Load("../examples/" + base + "/Pulumi." + base + ".yaml")
	require.NoError(t, err)
	cfg.ApplyDefaults()
	return cfg
}

// TestENC2_GCPEveryKeyAdmitsExactlyItsUsers runs the GCP key-use check over every
// GCP example's plan and its other-environment variant.
func TestENC2_GCPEveryKeyAdmitsExactlyItsUsers(t *testing.T) {
	for _, jp := range gcpVariantPlans(t) {
		t.Run(jp.name, func(t *testing.T) {
			require.Empty(t, checkGCPKeyUse(parsePlan(t, jp.data)))
		})
	}
}

// TestENC2_GCPKeysGrantedBeforeFirstUse: on every GCP example's plan and its
// other-environment variant, every resource whose input names a key depends on
// the grant of that key to the agent of the service that uses it.
func TestENC2_GCPKeysGrantedBeforeFirstUse(t *testing.T) {
	for _, jp := range gcpVariantPlans(t) {
		t.Run(jp.name, func(t *testing.T) {
			require.Empty(t, checkGCPGrantsBeforeUse(parsePlan(t, jp.data)))
		})
	}
}

// TestNET3_GCPEveryNeededIngressAndNoOther runs the GCP reachability check over
// every GCP example's plan and its other-environment variant.
func TestNET3_GCPEveryNeededIngressAndNoOther(t *testing.T) {
	for _, jp := range gcpVariantPlans(t) {
		t.Run(jp.name, func(t *testing.T) {
			require.Empty(t, checkGCPReachability(parsePlan(t, jp.data), jp.cfg))
		})
	}
}

// TestGCPPlanChecksCatchTheFaultsTheyExistFor breaks the tulip-eu-gcp plan and
// requires each check to name the fault: a bucket's key without its agent's grant,
// a grant to a person, a project-wide KMS role; SSH open to the internet, and the
// deny-all gone.
func TestGCPPlanChecksCatchTheFaultsTheyExistFor(t *testing.T) {
	_, data := planExample(t, "../examples/tulip-eu-gcp/Pulumi.tulip-eu-gcp.yaml")
	cfg := gcpConfigOf(t, "tulip-eu-gcp")
	mutate := func(f func(p *plan.Plan)) *planView {
		var p plan.Plan
		require.NoError(t, json.Unmarshal(data, &p))
		f(&p)
		b, err := json.Marshal(p)
		require.NoError(t, err)
		return parsePlan(t, b)
	}
	drop := func(p *plan.Plan, keep func(s plan.State) bool) {
		p.Steps = slices.DeleteFunc(p.Steps, func(st plan.Step) bool { return !keep(st.NewState) })
	}
	add := func(p *plan.Plan, s plan.State) {
		p.Steps = append(p.Steps, plan.Step{Op: "create", URN: s.URN, NewState: s})
	}

	clean := checkGCPKeyUse(mutate(func(*plan.Plan) {}))
	require.Empty(t, clean)
	noGrant := checkGCPKeyUse(mutate(func(p *plan.Plan) {
		drop(p, func(s plan.State) bool { return !strings.HasSuffix(s.Name(), "europe-west3-keys-backup-storage") })
	}))
	require.Contains(t, noGrant, "key and service without a grant: projects/tulip-prod-eu/locations/europe-west3/keyRings/tulip/cryptoKeys/tulip-backup storage")
	person := checkGCPKeyUse(mutate(func(p *plan.Plan) {
		add(p, plan.State{URN: "urn:pulumi:tulip-eu-gcp::odoo-hosting::gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember::mallory", Type: "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember", Custom: true,
			Inputs: map[string]any{"cryptoKeyId": "projects/tulip-prod-eu/locations/europe-west1/keyRings/tulip/cryptoKeys/tulip-data", "member": "user:mallory@example.com", "role": "roles/cloudkms.cryptoKeyEncrypterDecrypter"}})
		add(p, plan.State{URN: "urn:pulumi:tulip-eu-gcp::odoo-hosting::gcp:projects/iAMMember:IAMMember::kms-everywhere", Type: "gcp:projects/iAMMember:IAMMember", Custom: true,
			Inputs: map[string]any{"project": "tulip-prod-eu", "member": "serviceAccount:service-123456789012@gs-project-accounts.iam.gserviceaccount.com", "role": "roles/cloudkms.cryptoKeyEncrypterDecrypter"}})
	}))
	require.Contains(t, person, "urn:pulumi:tulip-eu-gcp::odoo-hosting::gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember::mallory grants user:mallory@example.com, which is not a service agent")
	require.Contains(t, person, "urn:pulumi:tulip-eu-gcp::odoo-hosting::gcp:projects/iAMMember:IAMMember::kms-everywhere grants roles/cloudkms.cryptoKeyEncrypterDecrypter on the whole project")

	require.Empty(t, checkGCPReachability(mutate(func(*plan.Plan) {}), cfg))
	open := checkGCPReachability(mutate(func(p *plan.Plan) {
		add(p, plan.State{URN: "urn:pulumi:tulip-eu-gcp::odoo-hosting::gcp:compute/firewall:Firewall::ssh-anywhere", Type: "gcp:compute/firewall:Firewall", Custom: true,
			Inputs: map[string]any{"direction": "INGRESS", "priority": 900, "sourceRanges": []any{"0.0.0.0/0"}, "targetTags": []any{"management"},
				"allows": []any{map[string]any{"protocol": "tcp", "ports": []any{"22"}}}}})
	}), cfg)
	require.Contains(t, open, "allowed, not needed: 0.0.0.0/0 -> management tcp:22")
	noDeny := checkGCPReachability(mutate(func(p *plan.Plan) {
		drop(p, func(s plan.State) bool { return !strings.HasSuffix(s.Name(), "-deny-all-ingress") })
	}), cfg)
	require.Contains(t, noDeny, "no deny-all ingress rule for 0.0.0.0/0")
	noIAP := checkGCPReachability(mutate(func(p *plan.Plan) {
		drop(p, func(s plan.State) bool { return !strings.HasSuffix(s.Name(), "-allow-iap-management") })
	}), cfg)
	require.Contains(t, noIAP, "needed, not allowed: 35.235.240.0/20 -> management tcp:22")
}
