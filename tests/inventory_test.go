package tests

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/octura/odoo-hosting/internal/plan"
)

// inventory is what a reviewer reads of a golden plan in a minute, in the manner of
// Cloud Foundation Fabric's test inventories: resource counts by type and the values
// that carry a control. Every field is derived from the plan alone.
type inventory struct {
	Stack     map[string]any      `yaml:"stack"`     // the root component's placement (RES-1, RES-3, DAT-1)
	Regions   map[string]string   `yaml:"regions"`   // provider -> region: where everything lands (RES-1, RES-3)
	Counts    map[string]int      `yaml:"counts"`    // resource type -> how many
	Keys      map[string]string   `yaml:"keys"`      // KMS alias -> region, rotation, deletion window (ENC-2, ENC-3, ENC-5)
	KeysInUse []string            `yaml:"keysInUse"` // every key a resource is encrypted with (ENC-2, ENC-4)
	Retention map[string]string   `yaml:"retention"` // backups, locks, logs, object lock, database (BAK-1..BAK-5, IAM-4)
	TLS       map[string]string   `yaml:"tls"`       // listeners' policies, the edge's TLS settings (ENC-1)
	Exposure  map[string][]string `yaml:"exposure"`  // what is reachable from where (NET-2, NET-3, NET-5, NET-8)
}

var mockSuffix = regexp.MustCompile(`-[0-9a-f]{8}$`)

// logical turns a mock id or ARN of the plan back into the resource's logical name.
func logical(ref string) string {
	if i := strings.LastIndexAny(ref, "/:"); i >= 0 {
		ref = ref[i+1:]
	}
	return mockSuffix.ReplaceAllString(ref, "")
}

func str(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return fmt.Sprint(int64(x))
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// agentOf shortens a service agent member to its service ("storage", "sqladmin").
func agentOf(member string) string {
	if svc, ok := agentService(member); ok {
		return svc
	}
	return member
}

func obj(v any) map[string]any { m, _ := v.(map[string]any); return m }
func arr(v any) []any          { a, _ := v.([]any); return a }

// keyRefs collects every string under an input whose name names a KMS key.
func keyRefs(v any, name string, out map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			keyRefs(e, k, out)
		}
	case []any:
		for _, e := range x {
			keyRefs(e, name, out)
		}
	case string:
		if strings.Contains(strings.ToLower(name), "kmskey") && x != "" && x != plan.Unknown {
			out[x] = true
		}
	}
}

// inventoryOf builds the inventory of p.
func inventoryOf(p *plan.Plan) inventory {
	inv := inventory{
		Stack: map[string]any{}, Regions: map[string]string{}, Counts: map[string]int{}, Keys: map[string]string{},
		Retention: map[string]string{}, TLS: map[string]string{}, Exposure: map[string][]string{},
	}
	regionOf := map[string]string{} // provider URN -> region
	for _, typ := range []string{"pulumi:providers:aws", "pulumi:providers:gcp"} {
		for _, r := range p.ByType(typ) {
			region := str(r.Inputs["region"])
			inv.Regions[r.Name()] = region
			regionOf[r.URN] = region
		}
	}
	keys := map[string]bool{}
	for _, r := range p.Resources() {
		inv.Counts[r.Type]++
		in := r.Inputs
		keyRefs(in, "", keys)
		region := regionOf[plan.ProviderURN(r.Provider)]
		switch r.Type {
		case "odoo-hosting:stack:Customer":
			for _, k := range []string{"customer", "environment", "tier", "cloud", "jurisdiction", "region", "backupRegion"} {
				inv.Stack[k] = in[k]
			}
		case "aws:kms/key:Key":
			inv.Keys["key "+r.Name()] = fmt.Sprintf("%s, rotation %s days, deletion window %s days, multi-region %s",
				region, str(in["rotationPeriodInDays"]), str(in["deletionWindowInDays"]), str(in["multiRegion"]))
		case "aws:kms/alias:Alias":
			inv.Keys[str(in["name"])] = "key " + r.Name()
		case "aws:backup/plan:Plan":
			for _, rule := range arr(in["rules"]) {
				rl := obj(rule)
				v := fmt.Sprintf("%s, keep %s days", str(rl["schedule"]), str(obj(rl["lifecycle"])["deleteAfter"]))
				for _, c := range arr(rl["copyActions"]) {
					arn := strings.Split(str(obj(c)["destinationVaultArn"]), ":")
					dest := ""
					if len(arn) > 3 {
						dest = arn[3]
					}
					v += fmt.Sprintf(", copy to %s kept %s days", dest, str(obj(obj(c)["lifecycle"])["deleteAfter"]))
				}
				if rl["enableContinuousBackup"] == true {
					v += ", continuous"
				}
				inv.Retention["backup rule "+str(rl["ruleName"])] = v
			}
		case "aws:backup/vaultLockConfiguration:VaultLockConfiguration":
			inv.Retention["vault lock "+str(in["backupVaultName"])] = fmt.Sprintf("%s to %s days", str(in["minRetentionDays"]), str(in["maxRetentionDays"]))
		case "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2":
			d := obj(obj(in["rule"])["defaultRetention"])
			inv.Retention["object lock "+r.Name()] = fmt.Sprintf("%s %s days", str(d["mode"]), str(d["days"]))
		case "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2":
			for _, rule := range arr(in["rules"]) {
				if days := str(obj(obj(rule)["expiration"])["days"]); days != "" {
					inv.Retention["expiry "+r.Name()] = days + " days"
				}
			}
		case "aws:cloudwatch/logGroup:LogGroup":
			inv.Retention["log group "+str(in["name"])] = str(in["retentionInDays"]) + " days"
		case "aws:rds/instance:Instance":
			inv.Retention["database "+str(in["identifier"])] = str(in["backupRetentionPeriod"]) + " days of automated backups"
			inv.Exposure["database "+str(in["identifier"])] = []string{"publicly accessible: " + str(in["publiclyAccessible"])}
		case "aws:cloudtrail/trail:Trail":
			inv.Retention["trail "+str(in["name"])] = fmt.Sprintf("log file validation %s, multi-region %s", str(in["enableLogFileValidation"]), str(in["isMultiRegionTrail"]))
		case "aws:lb/listener:Listener":
			inv.TLS["listener "+r.Name()] = fmt.Sprintf("%s/%s %s", str(in["protocol"]), str(in["port"]), str(in["sslPolicy"]))
		case "aws:lb/loadBalancer:LoadBalancer":
			inv.Exposure["load balancer "+r.Name()] = []string{"internal: " + str(in["internal"])}
		// Google Cloud.
		case "gcp:kms/keyRing:KeyRing":
			inv.Keys["ring "+r.Name()] = fmt.Sprintf("%s %s", str(in["location"]), str(in["name"]))
		case "gcp:kms/cryptoKey:CryptoKey":
			inv.Keys["key "+r.Name()] = fmt.Sprintf("%s in ring %s, rotation %s, destroy after %s, %s",
				str(in["name"]), logical(str(in["keyRing"])), str(in["rotationPeriod"]), str(in["destroyScheduledDuration"]), str(obj(in["versionTemplate"])["protectionLevel"]))
		case "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember":
			k := "grants on " + logical(str(in["cryptoKeyId"]))
			inv.Keys[k] = strings.TrimPrefix(strings.Join(append(strings.Split(inv.Keys[k], ", "), agentOf(str(in["member"]))), ", "), ", ")
		case "gcp:storage/bucket:Bucket":
			rp := obj(in["retentionPolicy"])
			inv.Retention["bucket "+str(in["name"])] = fmt.Sprintf("%s, retention %s s locked %s, public access prevention %s, uniform access %s",
				str(in["location"]), str(rp["retentionPeriod"]), str(rp["isLocked"]), str(in["publicAccessPrevention"]), str(in["uniformBucketLevelAccess"]))
			for _, rule := range arr(in["lifecycleRules"]) {
				rl := obj(rule)
				cond := obj(rl["condition"])
				inv.Retention["bucket "+str(in["name"])+" "+str(obj(rl["action"])["type"])+" "+str(cond["matchesPrefixes"])] = str(cond["age"]) + " days"
			}
		case "gcp:storage/transferJob:TransferJob":
			inv.Retention["copy "+r.Name()] = "every " + str(obj(in["schedule"])["repeatInterval"])
		case "gcp:logging/projectBucketConfig:ProjectBucketConfig":
			inv.Retention["log bucket "+str(in["bucketId"])] = fmt.Sprintf("%s, %s days, locked %s", str(in["location"]), str(in["retentionDays"]), str(in["locked"]))
		case "gcp:compute/firewall:Firewall":
			srcs := append(strs(in["sourceRanges"]), strs(in["sourceTags"])...)
			var rules []string
			for _, a := range arr(in["allows"]) {
				rules = append(rules, "allow "+str(obj(a)["protocol"])+":"+strings.Join(strs(obj(a)["ports"]), ","))
			}
			for _, d := range arr(in["denies"]) {
				rules = append(rules, "deny "+str(obj(d)["protocol"]))
			}
			k := fmt.Sprintf("firewall %s %s to %s at %s", strings.Join(rules, " "), str(in["direction"]), strings.Join(strs(in["targetTags"]), ","), str(in["priority"]))
			inv.Exposure[k] = append(inv.Exposure[k], srcs...)
		case "gcp:compute/subnetwork:Subnetwork":
			inv.Exposure["subnetwork "+str(in["name"])] = []string{fmt.Sprintf("%s %s, private Google access %s", str(in["region"]), str(in["ipCidrRange"]), str(in["privateIpGoogleAccess"]))}
		case "cloudflare:index/zoneSettingsOverride:ZoneSettingsOverride":
			s := obj(in["settings"])
			inv.TLS["edge "+r.Name()] = fmt.Sprintf("ssl %s, minimum TLS %s, TLS 1.3 %s, always HTTPS %s",
				str(s["ssl"]), str(s["minTlsVersion"]), str(s["tls13"]), str(s["alwaysUseHttps"]))
		case "cloudflare:index/record:Record":
			inv.Exposure["dns "+str(in["name"])] = []string{fmt.Sprintf("%s, proxied %s", str(in["type"]), str(in["proxied"]))}
		case "aws:ec2/subnet:Subnet":
			if in["mapPublicIpOnLaunch"] == true {
				inv.Exposure["subnets giving public IPs"] = append(inv.Exposure["subnets giving public IPs"], r.Name())
			}
		case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule":
			dir := "ingress"
			if strings.Contains(r.Type, "Egress") {
				dir = "egress"
			}
			src := str(in["cidrIpv4"]) + str(in["cidrIpv6"])
			if g := str(in["referencedSecurityGroupId"]); g != "" {
				src = "group " + logical(g)
			}
			k := fmt.Sprintf("%s %s %s/%s", dir, logical(str(in["securityGroupId"])), str(in["ipProtocol"]), str(in["fromPort"]))
			inv.Exposure[k] = append(inv.Exposure[k], src)
		case "aws:ec2/securityGroup:SecurityGroup":
			for _, rule := range arr(in["ingress"]) {
				rl := obj(rule)
				k := fmt.Sprintf("ingress %s %s/%s", r.Name(), str(rl["protocol"]), str(rl["fromPort"]))
				for _, g := range arr(rl["securityGroups"]) {
					inv.Exposure[k] = append(inv.Exposure[k], "group "+logical(str(g)))
				}
				for _, c := range arr(rl["cidrBlocks"]) {
					inv.Exposure[k] = append(inv.Exposure[k], str(c))
				}
			}
		}
	}
	for k := range keys {
		inv.KeysInUse = append(inv.KeysInUse, k)
	}
	sort.Strings(inv.KeysInUse)
	for k := range inv.Exposure {
		sort.Strings(inv.Exposure[k])
	}
	return inv
}

// inventoryYAML renders the inventory of the golden plan of example name.
func inventoryYAML(t testing.TB, name string, p *plan.Plan) []byte {
	t.Helper()
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s: what golden/%s.json plans, for review: resource counts and the values\n# that carry a control. Generated with the plan by `make golden`; do not edit.\n", name, name)
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	require.NoError(t, enc.Encode(inventoryOf(p)))
	require.NoError(t, enc.Close())
	return b.Bytes()
}

// TestGoldenInventoriesMatchTheirPlans: each tests/testdata/golden/<example>.yaml is
// the inventory of the golden plan beside it, byte for byte, so a reviewer can read
// the short file and trust it speaks for the long one. TestGoldenPlans writes both.
func TestGoldenInventoriesMatchTheirPlans(t *testing.T) {
	for _, ex := range examples(t) {
		t.Run(ex.name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", "golden", ex.name+".json"))
			require.NoError(t, err)
			var p plan.Plan
			require.NoError(t, json.Unmarshal(raw, &p))
			want, err := os.ReadFile(filepath.Join("testdata", "golden", ex.name+".yaml"))
			require.NoError(t, err, "no golden inventory: run make golden")
			require.Equal(t, string(want), string(inventoryYAML(t, ex.name, &p)))
		})
	}
}
