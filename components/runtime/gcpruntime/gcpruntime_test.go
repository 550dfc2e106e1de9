package gcpruntime_test

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/components/edge"
	"github.com/octura/odoo-hosting/components/runtime"
	"github.com/octura/odoo-hosting/components/runtime/awsruntime"
	"github.com/octura/odoo-hosting/components/runtime/gcpruntime"
	"github.com/octura/odoo-hosting/components/runtime/runtimetest"
	"github.com/octura/odoo-hosting/internal/plan"
	"github.com/octura/odoo-hosting/internal/tier"
)

const (
	name      = "acme-europe-west1"
	project   = "acme-prod"
	region    = "europe-west1"
	dataKey   = "projects/acme-prod/locations/europe-west1/keyRings/acme/cryptoKeys/acme-data"
	logsKey   = "projects/acme-prod/locations/europe-west1/keyRings/acme/cryptoKeys/acme-logs"
	vpc       = "https://www.googleapis.com/compute/v1/projects/acme-prod/global/networks/acme"
	appSubnet = "https://www.googleapis.com/compute/v1/projects/acme-prod/regions/europe-west1/subnetworks/acme-app"
	appRange  = "10.20.32.0/20"
	proxy     = "10.20.254.0/23"
	dbSecret  = "projects/acme-prod/secrets/acme-db-app"
	master    = "projects/acme-prod/secrets/acme-db-admin"
	pullCA    = "-----BEGIN CERTIFICATE-----\nMIIC-origin-pull\n-----END CERTIFICATE-----\n"
	image     = "public.ecr.aws/docker/library/odoo:18.0@" + runtimetest.Digest
	pulled    = "europe-west1-docker.pkg.dev/acme-prod/acme/docker/library/odoo@" + runtimetest.Digest
	account   = "acme-europe-west1-odoo@acme-prod.iam.gserviceaccount.com"

	templateType = "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate"
	migType      = "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager"
	fsType       = "gcp:filestore/instance:Instance"
	bucketType   = "gcp:logging/projectBucketConfig:ProjectBucketConfig"
	ruleType     = "gcp:compute/regionSecurityPolicyRule:RegionSecurityPolicyRule"
	backendType  = "gcp:compute/regionBackendService:RegionBackendService"
	urlMapType   = "gcp:compute/regionUrlMap:RegionUrlMap"
	fwdType      = "gcp:compute/forwardingRule:ForwardingRule"
	secretType   = "gcp:secretmanager/secret:Secret"
	readType     = "gcp:secretmanager/secretIamMember:SecretIamMember"
)

func spec() runtime.Spec {
	return runtime.Spec{Customer: "acme", Tier: tier.Cloud, Production: true, Image: image,
		Hostnames: []string{"erp.acme.example", "acme.example"},
		Mail:      &runtime.Mail{Host: "smtp.acme.example", Port: 587, User: "erp", From: "erp@acme.example"}}
}

func args(s runtime.Spec) gcpruntime.Args {
	return gcpruntime.Args{
		Spec: s, Project: project, Region: region, Zones: []string{"europe-west1-b", "europe-west1-c", "europe-west1-d"},
		Network: pulumi.String(vpc), AppSubnetwork: pulumi.String(appSubnet), AppRange: appRange, AppTag: "app",
		PrivateServicesConnection: pulumi.String("acme-psa"), ProxyRange: proxy,
		Key: pulumi.String(dataKey), LogsKey: pulumi.String(logsKey),
		OriginCertificatePEM:  pulumi.String("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"),
		OriginPrivateKeyPEM:   pulumi.String("-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n"),
		OriginPullCAPEM:       pulumi.String(pullCA),
		DatabaseAddress:       pulumi.String("10.20.16.3"),
		DatabaseSecret:        pulumi.String(dbSecret),
		MasterSecret:          pulumi.String(master),
		DatabaseSecretVersion: pulumi.String("v1"),
		SMTPPassword:          pulumi.ToSecret(pulumi.String("smtp-pw")).(pulumi.StringOutput),
	}
}

type result struct {
	plan    *plan.Plan
	err     error
	outputs map[string]string
}

func run(t *testing.T, a gcpruntime.Args) result {
	t.Helper()
	r := result{outputs: map[string]string{}}
	var mu sync.Mutex
	p, err := plan.Run("odoo-hosting", "acme-eu", func(ctx *pulumi.Context) error {
		prov, err := gcp.NewProvider(ctx, "acme-primary", &gcp.ProviderArgs{Project: pulumi.String(project), Region: pulumi.String(region)})
		if err != nil {
			return err
		}
		a.Provider = prov
		rt, err := gcpruntime.New(ctx, name, a)
		r.err = err
		if err != nil {
			return nil
		}
		r.outputs["imageDigest"], r.outputs["odooVersion"] = rt.ImageDigest, rt.OdooVersion
		for k, o := range map[string]pulumi.StringOutput{"image": rt.Image, "serviceAccountEmail": rt.ServiceAccountEmail} {
			ctx.Export(k, o.ApplyT(func(v string) string {
				mu.Lock()
				defer mu.Unlock()
				r.outputs[k] = v
				return v
			}))
		}
		return nil
	})
	require.NoError(t, err)
	r.plan = p
	return r
}

func m(v any) map[string]any { return v.(map[string]any) }
func l(v any) []any          { return v.([]any) }

func strs(v any) []string {
	var out []string
	for _, x := range l(v) {
		out = append(out, x.(string))
	}
	return out
}

func one(t *testing.T, p *plan.Plan, typ string) plan.State {
	t.Helper()
	rs := p.ByType(typ)
	require.Len(t, rs, 1, typ)
	return rs[0]
}

func get(t *testing.T, p *plan.Plan, typ, n string) plan.State {
	t.Helper()
	r, ok := p.Get(typ, n)
	require.True(t, ok, "%s %s", typ, n)
	return r
}

// userData is the instances' cloud-init document.
func userData(t *testing.T, p *plan.Plan) string {
	return m(one(t, p, templateType).Inputs["metadata"])["user-data"].(string)
}

// selfLink is the planner's mock self link of a gcp resource.
func selfLink(typ, n string) string {
	return "https://www.googleapis.com/" + strings.Split(typ, ":")[1] + "/v1/" + n
}

var serverImage = regexp.MustCompile(`--entrypoint odoo (\S+) -c`)
var envNames = regexp.MustCompile(` -e ([A-Z_]+)=(\S*)`)

func observe(t *testing.T, p *plan.Plan) runtimetest.Observed {
	o := runtimetest.Observed{Resources: len(p.Managed())}
	if o.Resources == 0 {
		return o
	}
	if pol := one(t, p, "gcp:compute/regionSslPolicy:RegionSslPolicy"); pol.Inputs["minTlsVersion"] == "TLS_1_2" {
		o.MinTLSVersion = "1.2"
	}
	for _, f := range p.ByType(fwdType) {
		if f.Inputs["portRange"] == "443" && strings.HasPrefix(f.Inputs["target"].(string), name) {
			o.HTTPSListeners++
		}
	}
	o.PlainListeners = len(p.ByType("gcp:compute/regionTargetHttpProxy:RegionTargetHttpProxy")) +
		len(p.ByType("gcp:compute/targetHttpProxy:TargetHttpProxy"))
	um := one(t, p, urlMapType)
	for _, hr := range l(um.Inputs["hostRules"]) {
		o.Hostnames = append(o.Hostnames, strs(m(hr)["hosts"])...)
	}
	_, o.DefaultForwards = um.Inputs["defaultService"]
	tmpl := one(t, p, templateType)
	for _, ni := range l(tmpl.Inputs["networkInterfaces"]) {
		if ac, ok := m(ni)["accessConfigs"]; ok && len(l(ac)) > 0 {
			o.PublicAppAddresses = true
		}
	}
	md := m(tmpl.Inputs["metadata"])
	o.RemoteSessions = md["enable-oslogin"] == "TRUE" && md["enable-oslogin-2fa"] == "TRUE"
	mig := one(t, p, migType)
	o.Replicas = int(mig.Inputs["targetSize"].(float64))
	o.Zones = len(l(mig.Inputs["distributionPolicyZones"]))
	ud := userData(t, p)
	if mt := serverImage.FindStringSubmatch(ud); mt != nil {
		o.Image = mt[1]
	}
	for _, e := range envNames.FindAllStringSubmatch(ud, -1) {
		if e[1] == "APP_SECRET" && e[2] == dbSecret {
			o.DatabasePasswordFromSecretStore = true
		}
		if strings.Contains(e[1], "PASSWORD") || strings.Contains(e[1], "PASSWD") {
			o.DatabasePasswordInEnvironment = true
		}
	}
	fs := one(t, p, fsType)
	o.FileStoreKey, _ = fs.Inputs["kmsKeyName"].(string)
	// Filestore is reached over the peering of private services access: VM-to-VM
	// traffic within a VPC and its peered networks is encrypted by Google (0072).
	o.FileStoreTransitTLS = m(l(fs.Inputs["networks"])[0])["connectMode"] == "PRIVATE_SERVICE_ACCESS"
	o.FileStoreRetained, o.FileStoreProtected = fs.RetainOnDelete, fs.Protect
	b := one(t, p, bucketType)
	o.LogsKey = m(b.Inputs["cmekSettings"])["kmsKeyName"].(string)
	o.LogRetentionDays = int(b.Inputs["retentionDays"].(float64))
	hc := get(t, p, "gcp:compute/regionHealthCheck:RegionHealthCheck", name)
	o.HealthCheckPath = m(hc.Inputs["httpHealthCheck"])["requestPath"].(string)
	return o
}

func TestConformance(t *testing.T) {
	runtimetest.Run(t, runtimetest.Harness{Key: dataKey, LogsKey: logsKey, Plan: func(t *testing.T, s runtime.Spec) (runtimetest.Observed, error) {
		r := run(t, args(s))
		return observe(t, r.plan), r.err
	}})
}

func TestNET3_NoExternalAddressAndOnlyTheProxiesReachTheApp(t *testing.T) {
	p := run(t, args(spec()))
	require.NoError(t, p.err)
	tmpl := one(t, p.plan, templateType)
	require.Equal(t, []any{map[string]any{"subnetwork": appSubnet}}, tmpl.Inputs["networkInterfaces"])
	require.Equal(t, []string{"app"}, strs(tmpl.Inputs["tags"]))
	sub := get(t, p.plan, "gcp:compute/subnetwork:Subnetwork", name+"-proxy")
	require.Equal(t, "REGIONAL_MANAGED_PROXY", sub.Inputs["purpose"])
	require.Equal(t, "ACTIVE", sub.Inputs["role"])
	require.Equal(t, proxy, sub.Inputs["ipCidrRange"])
	require.Equal(t, region, sub.Inputs["region"])
	fw := get(t, p.plan, "gcp:compute/firewall:Firewall", name+"-proxy-to-app")
	require.Equal(t, []string{proxy}, strs(fw.Inputs["sourceRanges"]))
	require.Equal(t, []string{"app"}, strs(fw.Inputs["targetTags"]))
	require.Equal(t, []any{map[string]any{"protocol": "tcp", "ports": []any{"8069", "8072"}}}, fw.Inputs["allows"])
	require.Equal(t, "INGRESS", fw.Inputs["direction"])
	// The file share is exported to the app subnetwork only.
	fs := one(t, p.plan, fsType)
	require.Equal(t, []any{map[string]any{"network": "projects/acme-prod/global/networks/acme", "modes": []any{"MODE_IPV4"},
		"connectMode": "PRIVATE_SERVICE_ACCESS"}}, fs.Inputs["networks"])
	require.Equal(t, []any{map[string]any{"ipRanges": []any{appRange}, "accessMode": "READ_WRITE", "squashMode": "NO_ROOT_SQUASH"}},
		m(fs.Inputs["fileShares"])["nfsExportOptions"])
}

func TestNET3_CloudArmorAdmitsOnlyCloudflare(t *testing.T) {
	p := run(t, args(spec()))
	require.NoError(t, p.err)
	ranges := edge.OriginRanges()
	require.Len(t, ranges, 22)
	want := map[string]struct {
		priority float64
		action   string
		ranges   []string
	}{
		name + "-edge-0": {1000, "allow", ranges[0:10]},
		name + "-edge-1": {1001, "allow", ranges[10:20]},
		name + "-edge-2": {1002, "allow", ranges[20:22]},
		name + "-deny":   {2147483646, "deny(403)", []string{"*"}},
	}
	rules := p.plan.ByType(ruleType)
	require.Len(t, rules, len(want))
	for _, r := range rules {
		w, ok := want[r.Name()]
		require.True(t, ok, r.Name())
		require.Equal(t, w.priority, r.Inputs["priority"], r.Name())
		require.Equal(t, w.action, r.Inputs["action"], r.Name())
		require.Equal(t, "SRC_IPS_V1", m(r.Inputs["match"])["versionedExpr"])
		require.Equal(t, w.ranges, strs(m(m(r.Inputs["match"])["config"])["srcIpRanges"]), r.Name())
		require.Equal(t, name, r.Inputs["securityPolicy"])
	}
	pol := one(t, p.plan, "gcp:compute/regionSecurityPolicy:RegionSecurityPolicy")
	require.Equal(t, "CLOUD_ARMOR", pol.Inputs["type"])
	require.Equal(t, region, pol.Inputs["region"])
	backends := p.plan.ByType(backendType)
	require.Len(t, backends, 2)
	for _, b := range backends {
		require.Equal(t, selfLink("gcp:compute/regionSecurityPolicy:RegionSecurityPolicy", name), b.Inputs["securityPolicy"], b.Name())
		require.Equal(t, "EXTERNAL_MANAGED", b.Inputs["loadBalancingScheme"])
	}
}

func TestNET8_MutualTLSWithTheOriginPullCAAndOnlyTheHostnames(t *testing.T) {
	p := run(t, args(spec()))
	require.NoError(t, p.err)
	tc := one(t, p.plan, "gcp:certificatemanager/trustConfig:TrustConfig")
	require.Equal(t, region, tc.Inputs["location"])
	require.Equal(t, pullCA, m(l(m(l(tc.Inputs["trustStores"])[0])["trustAnchors"])[0])["pemCertificate"])
	stp := one(t, p.plan, "gcp:networksecurity/serverTlsPolicy:ServerTlsPolicy")
	require.Equal(t, region, stp.Inputs["location"])
	require.Equal(t, map[string]any{
		"clientValidationMode":        "REJECT_INVALID",
		"clientValidationTrustConfig": "projects/acme-prod/locations/europe-west1/trustConfigs/" + name,
	}, stp.Inputs["mtlsPolicy"])
	px := one(t, p.plan, "gcp:compute/regionTargetHttpsProxy:RegionTargetHttpsProxy")
	require.Equal(t, stp.ID, px.Inputs["serverTlsPolicy"])
	um := one(t, p.plan, urlMapType)
	require.Equal(t, []any{map[string]any{"hosts": []any{"erp.acme.example", "acme.example"}, "pathMatcher": "odoo"}}, um.Inputs["hostRules"])
	web, ws := get(t, p.plan, backendType, name), get(t, p.plan, backendType, name+"-websocket")
	require.Equal(t, []any{map[string]any{
		"name": "odoo", "defaultService": web.ID,
		"pathRules": []any{map[string]any{"paths": []any{"/websocket", "/websocket/*"}, "service": ws.ID}},
	}}, um.Inputs["pathMatchers"])
	_, forwards := um.Inputs["defaultService"]
	require.False(t, forwards, "NET-8: another host never reaches Odoo")
	require.Equal(t, map[string]any{"hostRedirect": "erp.acme.example", "httpsRedirect": true, "pathRedirect": "/",
		"stripQuery": true, "redirectResponseCode": "MOVED_PERMANENTLY_DEFAULT"}, um.Inputs["defaultUrlRedirect"])
	require.Equal(t, "http", web.Inputs["portName"])
	require.Equal(t, "websocket", ws.Inputs["portName"])
	require.Equal(t, float64(120), web.Inputs["timeoutSec"])
	require.Equal(t, float64(3600), ws.Inputs["timeoutSec"])
	require.Equal(t, []any{map[string]any{"name": "http", "port": float64(8069)}, map[string]any{"name": "websocket", "port": float64(8072)}},
		one(t, p.plan, migType).Inputs["namedPorts"])
}

func TestENC1_TLS12RestrictedOn443Only(t *testing.T) {
	p := run(t, args(spec()))
	require.NoError(t, p.err)
	pol := one(t, p.plan, "gcp:compute/regionSslPolicy:RegionSslPolicy")
	require.Equal(t, "RESTRICTED", pol.Inputs["profile"])
	require.Equal(t, "TLS_1_2", pol.Inputs["minTlsVersion"])
	px := one(t, p.plan, "gcp:compute/regionTargetHttpsProxy:RegionTargetHttpsProxy")
	require.Equal(t, selfLink("gcp:compute/regionSslPolicy:RegionSslPolicy", name), px.Inputs["sslPolicy"])
	require.Equal(t, region, px.Inputs["region"])
	cert := one(t, p.plan, "gcp:compute/regionSslCertificate:RegionSslCertificate")
	require.Equal(t, plan.Secret, cert.Inputs["privateKey"])
	require.Equal(t, []string{selfLink("gcp:compute/regionSslCertificate:RegionSslCertificate", name)}, strs(px.Inputs["sslCertificates"]))
	fr := one(t, p.plan, fwdType)
	require.Equal(t, "443", fr.Inputs["portRange"])
	require.Equal(t, "EXTERNAL_MANAGED", fr.Inputs["loadBalancingScheme"])
	require.Equal(t, "STANDARD", fr.Inputs["networkTier"])
	require.Equal(t, region, fr.Inputs["region"])
	require.Equal(t, px.ID, fr.Inputs["target"])
	require.Empty(t, p.plan.ByType("gcp:compute/regionTargetHttpProxy:RegionTargetHttpProxy"), "ENC-1: no plain-HTTP proxy")
	require.Empty(t, p.plan.ByType("gcp:compute/globalForwardingRule:GlobalForwardingRule"), "TLS ends in the region")
	addr := one(t, p.plan, "gcp:compute/address:Address")
	require.Equal(t, map[string]any{"project": project, "region": region, "addressType": "EXTERNAL", "networkTier": "STANDARD",
		"description": "Origin of erp.acme.example, acme.example behind the edge",
		"labels":      map[string]any{"customer": "acme", "managed-by": "odoo-hosting"}}, addr.Inputs)
}

// TestBAK6_LogSinkProtectedInProduction: the application log sink refuses
// deletion on production.
func TestBAK6_LogSinkProtectedInProduction(t *testing.T) {
	for _, prod := range []bool{false, true} {
		s := spec()
		s.Production = prod
		p := run(t, args(s))
		require.NoError(t, p.err)
		require.Equal(t, prod, one(t, p.plan, "gcp:logging/projectSink:ProjectSink").Protect)
	}
}

func TestENC2_DisksFileStoreImagesSecretsAndLogsWithTheKeys(t *testing.T) {
	p := run(t, args(spec()))
	require.NoError(t, p.err)
	tmpl := one(t, p.plan, templateType)
	disk := m(l(tmpl.Inputs["disks"])[0])
	require.Equal(t, map[string]any{"kmsKeySelfLink": dataKey}, disk["diskEncryptionKey"])
	require.Equal(t, gcpruntime.COSImage, disk["sourceImage"])
	require.Equal(t, map[string]any{"enableSecureBoot": true, "enableVtpm": true, "enableIntegrityMonitoring": true},
		tmpl.Inputs["shieldedInstanceConfig"])
	fs := one(t, p.plan, fsType)
	require.Equal(t, dataKey, fs.Inputs["kmsKeyName"])
	require.Equal(t, "REGIONAL", fs.Inputs["tier"])
	require.Equal(t, region, fs.Inputs["location"])
	repo := one(t, p.plan, "gcp:artifactregistry/repository:Repository")
	require.Equal(t, dataKey, repo.Inputs["kmsKeyName"])
	secrets := p.plan.ByType(secretType)
	require.Len(t, secrets, 2)
	for _, s := range secrets {
		require.Equal(t, map[string]any{"userManaged": map[string]any{"replicas": []any{map[string]any{
			"location": region, "customerManagedEncryption": map[string]any{"kmsKeyName": dataKey},
		}}}}, s.Inputs["replication"], s.Name())
	}
	b := one(t, p.plan, bucketType)
	require.Equal(t, region, b.Inputs["location"])
	require.Equal(t, map[string]any{"kmsKeyName": logsKey}, b.Inputs["cmekSettings"])
	sink := one(t, p.plan, "gcp:logging/projectSink:ProjectSink")
	require.Equal(t, "logging.googleapis.com/"+b.ID, sink.Inputs["destination"])
	require.Equal(t, `resource.type="gce_instance" AND (log_id("gcplogs-docker-driver") OR labels."compute.googleapis.com/resource_name":"acme-europe-west1-")`, sink.Inputs["filter"])
	excl := one(t, p.plan, "gcp:logging/projectExclusion:ProjectExclusion")
	require.Equal(t, sink.Inputs["filter"], excl.Inputs["filter"])
	// The service agents of Artifact Registry and Filestore may use the data key.
	grants := map[string]string{}
	for _, g := range p.plan.ByType("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember") {
		require.Equal(t, dataKey, g.Inputs["cryptoKeyId"])
		require.Equal(t, "roles/cloudkms.cryptoKeyEncrypterDecrypter", g.Inputs["role"])
		grants[g.Name()] = g.Inputs["member"].(string)
	}
	require.Equal(t, map[string]string{
		name + "-artifactregistry": "serviceAccount:service-" + plan.ProjectNumber + "@gcp-sa-artifactregistry.iam.gserviceaccount.com",
		name + "-file":             "serviceAccount:service-" + plan.ProjectNumber + "@gcp-sa-file.iam.gserviceaccount.com",
	}, grants)
}

func TestOPS2_ImageByDigestThroughTheRegionalRemoteRepository(t *testing.T) {
	p := run(t, args(spec()))
	require.NoError(t, p.err)
	repo := one(t, p.plan, "gcp:artifactregistry/repository:Repository")
	require.Equal(t, "acme", repo.Inputs["repositoryId"])
	require.Equal(t, region, repo.Inputs["location"])
	require.Equal(t, "DOCKER", repo.Inputs["format"])
	require.Equal(t, "REMOTE_REPOSITORY", repo.Inputs["mode"])
	require.Equal(t, map[string]any{"customRepository": map[string]any{"uri": "https://public.ecr.aws"}},
		m(repo.Inputs["remoteRepositoryConfig"])["dockerRepository"])
	scan := get(t, p.plan, "gcp:projects/service:Service", name+"-scanning")
	require.Equal(t, "containerscanning.googleapis.com", scan.Inputs["service"])
	ud := userData(t, p.plan)
	require.Equal(t, pulled, serverImage.FindStringSubmatch(ud)[1])
	require.Equal(t, 3, strings.Count(ud, " "+pulled+" "), "setup, init and server run the same image by digest")
	require.Contains(t, ud, "docker-credential-gcr configure-docker --registries europe-west1-docker.pkg.dev")
	require.Equal(t, map[string]string{"image": pulled, "imageDigest": runtimetest.Digest, "odooVersion": "18.0",
		"serviceAccountEmail": account}, p.outputs)
	pull := get(t, p.plan, "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember", name+"-pull")
	require.Equal(t, "roles/artifactregistry.reader", pull.Inputs["role"])
	require.Equal(t, "serviceAccount:"+account, pull.Inputs["member"])
}

func TestOPS2_ImageNotPinnedByDigestRefusedAndNothingRegistered(t *testing.T) {
	s := spec()
	s.Image = "public.ecr.aws/docker/library/odoo:18.0"
	r := run(t, args(s))
	require.EqualError(t, r.err, `runtime acme-europe-west1: image "public.ecr.aws/docker/library/odoo:18.0" is not an image reference pinned by digest; allowed: <registry>/<repository>[:tag]@sha256:<64 hex digits>`)
	require.Empty(t, r.plan.Managed())
}

func TestNET3_WiringMistakesRefusedAndNothingRegistered(t *testing.T) {
	a := args(spec())
	a.ProxyRange = "10.20.255.0/27"
	a.Zones = []string{"europe-west1-b", "europe-west4-a", "europe-west1-d"}
	a.Region = "europe-west1"
	a.LogsKey = nil
	r := run(t, a)
	require.EqualError(t, r.err, "runtime acme-europe-west1: "+strings.Join([]string{
		`zones[1] "europe-west4-a" is not a zone of region europe-west1; allowed: europe-west1-<letter>`,
		`proxyRange "10.20.255.0/27" has fewer than 64 addresses; allowed: a prefix of /26 or shorter (/23 recommended)`,
		`logsKey is nil; allowed: the wired input described in gcpruntime.Args`,
	}, "\n"))
	require.Empty(t, r.plan.Managed())
	a = args(spec())
	a.ProxyRange = "10.20.32.0/23"
	a.Region = "mars-north1"
	a.Zones = nil
	r = run(t, a)
	require.EqualError(t, r.err, "runtime acme-europe-west1: "+strings.Join([]string{
		`region "mars-north1" is not a known gcp region; allowed: a region of the jurisdiction model`,
		`zones [] has 0 entries; allowed: at least spec zones (2) zones of region mars-north1`,
		`proxyRange "10.20.32.0/23" overlaps appRange "10.20.32.0/20"; allowed: a range no subnetwork uses`,
	}, "\n"))
}

func TestIAM6_SecretsFromSecretManagerAndOnlyTheirs(t *testing.T) {
	p := run(t, args(spec()))
	require.NoError(t, p.err)
	admin, smtp := get(t, p.plan, secretType, name+"-odoo-admin"), get(t, p.plan, secretType, name+"-smtp")
	reads := map[string]string{}
	for _, r := range p.plan.ByType(readType) {
		require.Equal(t, "roles/secretmanager.secretAccessor", r.Inputs["role"])
		require.Equal(t, "serviceAccount:"+account, r.Inputs["member"])
		reads[r.Name()] = r.Inputs["secretId"].(string)
	}
	require.Equal(t, map[string]string{name + "-read-admin": admin.ID, name + "-read-db": dbSecret,
		name + "-read-master": master, name + "-read-smtp": smtp.ID}, reads)
	var roles []string
	for _, r := range p.plan.ByType("gcp:projects/iAMMember:IAMMember") {
		require.Equal(t, "serviceAccount:"+account, r.Inputs["member"])
		roles = append(roles, r.Inputs["role"].(string))
	}
	slices.Sort(roles)
	require.Equal(t, []string{"roles/logging.logWriter", "roles/monitoring.metricWriter"}, roles)
	// The secret values are secrets in the plan and never in the boot document.
	for _, v := range p.plan.ByType("gcp:secretmanager/secretVersion:SecretVersion") {
		require.Equal(t, plan.Secret, v.Inputs["secretData"], v.Name())
	}
	whole, err := p.plan.JSON()
	require.NoError(t, err)
	require.NotContains(t, string(whole), "smtp-pw", "the mail password is a secret everywhere in the plan")
	require.NotContains(t, string(whole), "MIIE", "the origin key is a secret everywhere in the plan")
	require.NotContains(t, string(whole), "$pbkdf2-sha512$", "the master password's hash is a secret too")
	ud := userData(t, p.plan)
	require.NotContains(t, ud, "smtp-pw")
	require.NotContains(t, ud, "pbkdf2-sha512$")
	var env []string
	for _, e := range envNames.FindAllStringSubmatch(ud, -1) {
		env = append(env, e[1]+"="+e[2])
	}
	require.Equal(t, []string{
		"APP_SECRET=" + dbSecret, "APP_USER=odoo_acme", "MASTER_SECRET=" + master, "ADMIN_SECRET=" + admin.ID,
		"SMTP_SECRET=" + smtp.ID, "ODOO_DB_HOST=10.20.16.3", "ODOO_DB_NAME=odoo", "ODOO_OPTIONS=/etc/odoo/options.conf",
		"ODOO_RC=/run/odoo/odoo.conf",
		"ODOO_RC=/run/odoo/odoo.conf", "ODOO_PARAMETERS=/etc/odoo/parameters.json",
		"ODOO_RC=/run/odoo/odoo.conf",
	}, env, "setup, then init, then the server; names of secrets only")
	require.Equal(t, "v1", m(one(t, p.plan, templateType).Inputs["metadata"])["database-secret-version"])
}

func TestOdooConfigurationEquivalentToAWS(t *testing.T) {
	small := spec()
	small.Mail, small.CPU, small.MemoryMiB = nil, 512, 1024
	big := spec()
	big.CPU, big.MemoryMiB, big.DatabaseName, big.Version = 4096, 16384, "acme_erp", "17.0"
	// Both runtimes render the concept's settings (runtime.Options); the rendered
	// file is what the boot document writes.
	for _, s := range []runtime.Spec{spec(), small, big} {
		ud, err := gcpruntime.CloudConfig(s, gcpruntime.BootInputs{Image: pulled, Registry: "europe-west1-docker.pkg.dev", DatabaseHost: "db.internal"})
		require.NoError(t, err)
		want, err := json.Marshal(runtime.OptionsText(s, "db.internal"))
		require.NoError(t, err)
		require.Contains(t, ud, `"content": `+string(want))
	}
	require.Contains(t, runtime.OptionsText(spec(), "db"), "list_db = False\n")
	require.Contains(t, runtime.OptionsText(spec(), "db"), "proxy_mode = True\n")
	require.Contains(t, runtime.OptionsText(spec(), "db"), "gevent_port = 8072\n")
	salt := []byte("0123456789abcdef")
	a, err := awsruntime.AdminPasswordHash("correct horse", salt, 1000)
	require.NoError(t, err)
	g, err := gcpruntime.AdminPasswordHash("correct horse", salt, 1000)
	require.NoError(t, err)
	require.Equal(t, a, g)
	require.Equal(t, awsruntime.InitLock, gcpruntime.InitLock)
	require.Equal(t, awsruntime.OdooUID, gcpruntime.OdooUID)
}

func TestCloudConfigRunsSetupInitThenServer(t *testing.T) {
	s := spec()
	ud, err := gcpruntime.CloudConfig(s, gcpruntime.BootInputs{Image: pulled, Registry: "europe-west1-docker.pkg.dev",
		DatabaseHost: "10.20.16.3", AppSecret: dbSecret, AdminSecret: "projects/acme-prod/secrets/a", AppUser: "odoo_acme",
		FileStoreIP: "10.20.24.2"})
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(ud, "#cloud-config\n{"))
	setup := strings.Index(ud, "--name odoo-setup --user 0")
	init := strings.Index(ud, "--name odoo-init ")
	server := strings.Index(ud, "ExecStart=/usr/bin/docker run --rm --network host --log-driver gcplogs --name odoo ")
	require.True(t, setup > 0 && init > setup && server > init, "setup, init, server")
	require.Contains(t, ud, "--opt o=addr=10.20.24.2,rw,nfsvers=3,hard,timeo=600 --opt device=:/odoo odoo-filestore")
	require.Contains(t, ud, `TimeoutStartSec=1800\n`)
	require.Contains(t, ud, "fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o400)")
	require.Contains(t, ud, "os.chown(tmp, 101, 101)")
	require.NotContains(t, ud, "MASTER_SECRET=", "no master secret given")
	require.NotContains(t, ud, "SMTP_SECRET=", "no mail secret given")
}

func TestMachineTypeFitsTheSpec(t *testing.T) {
	for _, c := range []struct {
		cpu, mem int
		want     string
	}{
		{256, 512, "e2-custom-2-1536"},
		{1024, 2048, "e2-custom-2-3072"},
		{2048, 4096, "e2-custom-2-5120"},
		{4096, 30720, "e2-custom-4-31744"},
	} {
		s := spec()
		s.CPU, s.MemoryMiB = c.cpu, c.mem
		require.Equal(t, c.want, gcpruntime.MachineType(s), "%d/%d", c.cpu, c.mem)
	}
}

func TestDAT2_ZonesAndRollingReplacement(t *testing.T) {
	p := run(t, args(spec()))
	require.NoError(t, p.err)
	mig := one(t, p.plan, migType)
	require.Equal(t, []string{"europe-west1-b", "europe-west1-c"}, strs(mig.Inputs["distributionPolicyZones"]))
	require.Equal(t, map[string]any{"type": "PROACTIVE", "minimalAction": "REPLACE", "maxSurgeFixed": float64(2),
		"maxUnavailableFixed": float64(0), "instanceRedistributionType": "PROACTIVE"}, mig.Inputs["updatePolicy"])
	require.Equal(t, region, mig.Inputs["region"])
}

func TestENC2_KeyOfAnotherRegionRefused(t *testing.T) {
	a := args(spec())
	a.Key = pulumi.String("projects/acme-prod/locations/europe-west4/keyRings/acme/cryptoKeys/acme-data")
	_, err := plan.Run("odoo-hosting", "acme-eu", func(ctx *pulumi.Context) error {
		prov, err := gcp.NewProvider(ctx, "acme-primary", &gcp.ProviderArgs{Project: pulumi.String(project), Region: pulumi.String(region)})
		if err != nil {
			return err
		}
		a.Provider = prov
		_, err = gcpruntime.New(ctx, name, a)
		return err
	})
	require.ErrorContains(t, err, `key "projects/acme-prod/locations/europe-west4/keyRings/acme/cryptoKeys/acme-data" is in location europe-west4, not in the runtime's region europe-west1; allowed: a key in europe-west1 (ENC-2)`)
}

func TestNET3_ProxyRangeIsTheStartOfTheUnusedPublicBlock(t *testing.T) {
	for cidr, want := range map[string]string{
		"10.20.0.0/16":   "10.20.0.0/23",
		"10.30.64.0/18":  "10.30.64.0/23",
		"172.16.16.0/20": "172.16.16.0/23",
	} {
		got, err := gcpruntime.ProxyRange(cidr)
		require.NoError(t, err, cidr)
		require.Equal(t, want, got, cidr)
	}
	_, err := gcpruntime.ProxyRange("10.0.0.0/24")
	require.EqualError(t, err, `cidr "10.0.0.0/24" is a /24; allowed: /16 to /20`)
}
