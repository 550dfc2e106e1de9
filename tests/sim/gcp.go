package sim

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// ProjectNumber is the simulated project's number (the offline planner's
// plan.ProjectNumber is the same, so service agents read the same in both).
const ProjectNumber = "123456789012"

// CertificateExpiry is the expireTime of every simulated Compute Engine SSL
// certificate: fixed (the offline planner uses the same value), so that a second
// preview sees no change.
const CertificateExpiry = "2041-11-23T12:00:00Z"

// GCPIDs gives, per gcp type the program creates, the shape of the id the real
// provider sets (pulumi-gcp v7.38.0: each resource's "## Import" section names it;
// storage buckets and Cloud SQL instances are known by their name, Cloud SQL users
// by name//instance). The program and the pack parse these ids: a Cloud KMS key's
// location is read from its id, a log sink's destination is
// logging.googleapis.com/<bucket id>. Placeholders: {project}, {region} (the input
// region or the provider's), {location} (the input location, else {region}),
// {name} (the resource's name input, see gcpNameKey, else an autoname), {n} (a
// number the service assigns), {number} (the project number) and {in:<key>}
// (another input).
var GCPIDs = map[string]string{
	"gcp:kms/keyRing:KeyRing":                                                "projects/{project}/locations/{location}/keyRings/{name}",
	"gcp:kms/cryptoKey:CryptoKey":                                            "{in:keyRing}/cryptoKeys/{name}",
	"gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember":                          "{in:cryptoKeyId}/{in:role}/{in:member}",
	"gcp:storage/bucket:Bucket":                                              "{name}",
	"gcp:storage/bucketIAMMember:BucketIAMMember":                            "b/{in:bucket}/{in:role}/{in:member}",
	"gcp:storage/transferJob:TransferJob":                                    "{project}/transferJobs/{n}",
	"gcp:sql/databaseInstance:DatabaseInstance":                              "{name}",
	"gcp:sql/database:Database":                                              "projects/{project}/instances/{in:instance}/databases/{name}",
	"gcp:sql/user:User":                                                      "{name}//{in:instance}",
	"gcp:secretmanager/secret:Secret":                                        "projects/{project}/secrets/{name}",
	"gcp:secretmanager/secretVersion:SecretVersion":                          "projects/{number}/secrets/{in-last:secret}/versions/1",
	"gcp:secretmanager/secretIamMember:SecretIamMember":                      "{in:secretId}/{in:role}/{in:member}",
	"gcp:compute/network:Network":                                            "projects/{project}/global/networks/{name}",
	"gcp:compute/firewall:Firewall":                                          "projects/{project}/global/firewalls/{name}",
	"gcp:compute/externalVpnGateway:ExternalVpnGateway":                      "projects/{project}/global/externalVpnGateways/{name}",
	"gcp:compute/globalAddress:GlobalAddress":                                "projects/{project}/global/addresses/{name}",
	"gcp:compute/subnetwork:Subnetwork":                                      "projects/{project}/regions/{region}/subnetworks/{name}",
	"gcp:compute/router:Router":                                              "projects/{project}/regions/{region}/routers/{name}",
	"gcp:compute/routerNat:RouterNat":                                        "{project}/{region}/{in-last:router}/{name}",
	"gcp:compute/routerInterface:RouterInterface":                            "{region}/{in-last:router}/{name}",
	"gcp:compute/routerPeer:RouterPeer":                                      "projects/{project}/regions/{region}/routers/{in-last:router}/{name}",
	"gcp:compute/haVpnGateway:HaVpnGateway":                                  "projects/{project}/regions/{region}/vpnGateways/{name}",
	"gcp:compute/vPNTunnel:VPNTunnel":                                        "projects/{project}/regions/{region}/vpnTunnels/{name}",
	"gcp:compute/address:Address":                                            "projects/{project}/regions/{region}/addresses/{name}",
	"gcp:compute/forwardingRule:ForwardingRule":                              "projects/{project}/regions/{region}/forwardingRules/{name}",
	"gcp:compute/regionBackendService:RegionBackendService":                  "projects/{project}/regions/{region}/backendServices/{name}",
	"gcp:compute/regionHealthCheck:RegionHealthCheck":                        "projects/{project}/regions/{region}/healthChecks/{name}",
	"gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager":      "projects/{project}/regions/{region}/instanceGroupManagers/{name}",
	"gcp:compute/regionInstanceTemplate:RegionInstanceTemplate":              "projects/{project}/regions/{region}/instanceTemplates/{name}",
	"gcp:compute/regionSecurityPolicy:RegionSecurityPolicy":                  "projects/{project}/regions/{region}/securityPolicies/{name}",
	"gcp:compute/regionSecurityPolicyRule:RegionSecurityPolicyRule":          "projects/{project}/regions/{region}/securityPolicies/{in-last:securityPolicy}/priority/{in:priority}",
	"gcp:compute/regionSslCertificate:RegionSslCertificate":                  "projects/{project}/regions/{region}/sslCertificates/{name}",
	"gcp:compute/regionSslPolicy:RegionSslPolicy":                            "projects/{project}/regions/{region}/sslPolicies/{name}",
	"gcp:compute/regionTargetHttpsProxy:RegionTargetHttpsProxy":              "projects/{project}/regions/{region}/targetHttpsProxies/{name}",
	"gcp:compute/regionUrlMap:RegionUrlMap":                                  "projects/{project}/regions/{region}/urlMaps/{name}",
	"gcp:compute/projectMetadataItem:ProjectMetadataItem":                    "{in:key}",
	"gcp:certificatemanager/trustConfig:TrustConfig":                         "projects/{project}/locations/{location}/trustConfigs/{name}",
	"gcp:networksecurity/serverTlsPolicy:ServerTlsPolicy":                    "projects/{project}/locations/{location}/serverTlsPolicies/{name}",
	"gcp:filestore/instance:Instance":                                        "projects/{project}/locations/{location}/instances/{name}",
	"gcp:artifactregistry/repository:Repository":                             "projects/{project}/locations/{location}/repositories/{name}",
	"gcp:artifactregistry/repositoryIamMember:RepositoryIamMember":           "projects/{project}/locations/{location}/repositories/{in-last:repository}/{in:role}/{in:member}",
	"gcp:logging/projectBucketConfig:ProjectBucketConfig":                    "projects/{project}/locations/{location}/buckets/{name}",
	"gcp:logging/projectSink:ProjectSink":                                    "projects/{project}/sinks/{name}",
	"gcp:logging/projectExclusion:ProjectExclusion":                          "projects/{project}/exclusions/{name}",
	"gcp:monitoring/alertPolicy:AlertPolicy":                                 "projects/{project}/alertPolicies/{n}",
	"gcp:monitoring/notificationChannel:NotificationChannel":                 "projects/{project}/notificationChannels/{n}",
	"gcp:projects/iAMAuditConfig:IAMAuditConfig":                             "{project}/audit_config/{in:service}",
	"gcp:projects/iAMMember:IAMMember":                                       "{project}/{in:role}/{in:member}",
	"gcp:projects/service:Service":                                           "{project}/{in:service}",
	"gcp:projects/serviceIdentity:ServiceIdentity":                           "projects/{project}/services/{in:service}",
	"gcp:pubsub/topic:Topic":                                                 "projects/{project}/topics/{name}",
	"gcp:pubsub/topicIAMMember:TopicIAMMember":                               "projects/{project}/topics/{in-last:topic}/{in:role}/{in:member}",
	"gcp:securitycenter/projectNotificationConfig:ProjectNotificationConfig": "projects/{project}/notificationConfigs/{name}",
	"gcp:serviceaccount/account:Account":                                     "projects/{project}/serviceAccounts/{name}@{project}.iam.gserviceaccount.com",
	"gcp:serviceaccount/iAMMember:IAMMember":                                 "{in:serviceAccountId}/{in:role}/{in:member}",
	"gcp:servicenetworking/connection:Connection":                            "{in:network}:{in:service}",
	"gcp:cloudscheduler/job:Job":                                             "projects/{project}/locations/{region}/jobs/{name}",
}

// gcpNameKey is the input that names a resource of type typ, where it is not "name".
func gcpNameKey(typ string) string {
	switch typ {
	case "gcp:secretmanager/secret:Secret":
		return "secretId"
	case "gcp:artifactregistry/repository:Repository":
		return "repositoryId"
	case "gcp:logging/projectBucketConfig:ProjectBucketConfig":
		return "bucketId"
	case "gcp:serviceaccount/account:Account":
		return "accountId"
	case "gcp:securitycenter/projectNotificationConfig:ProjectNotificationConfig":
		return "configId"
	}
	return "name"
}

// gcpPlace is where a gcp resource is: its project, region and location.
type gcpPlace struct{ project, region, location string }

func (p *Provider) gcpPlace(inputs resource.PropertyMap) gcpPlace {
	p.mu.Lock()
	g := gcpPlace{project: p.project, region: p.region}
	p.mu.Unlock()
	if v := plainString(inputs["project"]); v != "" {
		g.project = v
	}
	if v := plainString(inputs["region"]); v != "" {
		g.region = v
	}
	g.location = g.region
	if v := plainString(inputs["location"]); v != "" {
		g.location = v
	}
	return g
}

// gcpName is the resource's name: its naming input, else an autoname.
func gcpName(urn resource.URN, typ string, inputs resource.PropertyMap) string {
	if v := plainString(inputs[resource.PropertyKey(gcpNameKey(typ))]); v != "" {
		return v
	}
	return autoname(urn)
}

// gcpID is the id of a new gcp resource in the shape of GCPIDs, or "" for a type
// not listed there. n distinguishes the creations of one URN (server-assigned ids).
func (p *Provider) gcpID(urn resource.URN, typ string, inputs resource.PropertyMap, n int) string {
	tmpl, ok := GCPIDs[typ]
	if !ok {
		return ""
	}
	g := p.gcpPlace(inputs)
	var b strings.Builder
	for tmpl != "" {
		i := strings.Index(tmpl, "{")
		if i < 0 {
			b.WriteString(tmpl)
			break
		}
		b.WriteString(tmpl[:i])
		j := strings.Index(tmpl[i:], "}")
		key := tmpl[i+1 : i+j]
		tmpl = tmpl[i+j+1:]
		switch {
		case key == "project":
			b.WriteString(g.project)
		case key == "region":
			b.WriteString(g.region)
		case key == "location":
			b.WriteString(g.location)
		case key == "number":
			b.WriteString(ProjectNumber)
		case key == "name":
			b.WriteString(gcpName(urn, typ, inputs))
		case key == "n":
			// A number as the service assigns it: stable per URN and creation.
			h := hash(string(urn), strconv.Itoa(n))
			v, _ := strconv.ParseUint(h[:15], 16, 64)
			b.WriteString(strconv.FormatUint(v%1e19, 10))
		case strings.HasPrefix(key, "in:"):
			b.WriteString(inputString(inputs[resource.PropertyKey(key[3:])]))
		case strings.HasPrefix(key, "in-last:"):
			// A reference given as an id or self link: its last segment (the name).
			v := inputString(inputs[resource.PropertyKey(key[8:])])
			b.WriteString(v[strings.LastIndex(v, "/")+1:])
		}
	}
	return b.String()
}

// inputString is a plain string or number input as text.
func inputString(v resource.PropertyValue) string {
	v = unsecret(v)
	switch {
	case v.IsString():
		return v.StringValue()
	case v.IsNumber():
		return strconv.FormatFloat(v.NumberValue(), 'f', -1, 64)
	}
	return ""
}

// gcpSelfLinked are the types whose selfLink is the Compute Engine API URL of their id.
func gcpSelfLinked(typ string, id string) bool {
	return strings.HasPrefix(typ, "gcp:compute/") && strings.HasPrefix(id, "projects/")
}

// gcpOutputs adds the attributes the real gcp provider computes and the program
// reads (set does nothing for a key the inputs hold, and answers unknown in a
// preview).
func gcpOutputs(t, id string, urn resource.URN, g gcpPlace, out resource.PropertyMap, set func(string, resource.PropertyValue), preview bool) {
	str := func(s string) resource.PropertyValue { return resource.NewProperty(s) }
	name := gcpName(urn, t, out)
	set("project", str(g.project))
	if gcpNameKey(t) == "name" && GCPIDs[t] != "" && strings.Contains(GCPIDs[t], "{name}") {
		set("name", str(name))
	}
	if gcpSelfLinked(t, id) {
		set("selfLink", str("https://www.googleapis.com/compute/v1/"+id))
	}
	// A private address in the simulated network, stable per resource.
	ip := func(prefix string) string {
		h := hash(id)
		return fmt.Sprintf("%s.%d.%d", prefix, int(h[0])%250+2, int(h[1])%250+2)
	}
	switch t {
	case "gcp:storage/bucket:Bucket":
		set("selfLink", str("https://www.googleapis.com/storage/v1/b/"+name))
		set("url", str("gs://"+name))
	case "gcp:sql/databaseInstance:DatabaseInstance":
		private := ip("10.255")
		set("selfLink", str(fmt.Sprintf("https://sqladmin.googleapis.com/sql/v1beta4/projects/%s/instances/%s", g.project, name)))
		set("connectionName", str(g.project+":"+g.region+":"+name))
		set("privateIpAddress", str(private))
		set("publicIpAddress", str(""))
		set("firstIpAddress", str(private))
		set("region", str(g.region))
		set("ipAddresses", resource.NewProperty([]resource.PropertyValue{resource.NewProperty(resource.PropertyMap{
			"ipAddress": str(private), "type": str("PRIVATE"), "timeToRetire": str(""),
		})}))
		set("serverCaCerts", resource.NewProperty([]resource.PropertyValue{resource.NewProperty(resource.PropertyMap{
			"cert":            str("-----BEGIN CERTIFICATE-----\nSIMULATEDCLOUDSQLCA" + hash(id)[:40] + "\n-----END CERTIFICATE-----\n"),
			"commonName":      str("C=US,O=Google\\, Inc,CN=Google Cloud SQL Server CA,dnQualifier=" + hash(id)[:12]),
			"createTime":      str("2026-01-01T00:00:00Z"),
			"expirationTime":  str("2036-01-01T00:00:00Z"),
			"sha1Fingerprint": str(hash(id, "ca")[:40]),
		})}))
	case "gcp:secretmanager/secret:Secret":
		set("name", str("projects/"+ProjectNumber+"/secrets/"+name))
	case "gcp:secretmanager/secretVersion:SecretVersion":
		set("name", str(id))
		set("version", str("1"))
	case "gcp:projects/serviceIdentity:ServiceIdentity":
		// generateServiceIdentity's agent: service-<project number>@gcp-sa-<api>.
		api := strings.TrimSuffix(plainString(out["service"]), ".googleapis.com")
		email := "service-" + ProjectNumber + "@gcp-sa-" + api + ".iam.gserviceaccount.com"
		set("email", str(email))
		set("member", str("serviceAccount:"+email))
	case "gcp:serviceaccount/account:Account":
		email := name + "@" + g.project + ".iam.gserviceaccount.com"
		set("email", str(email))
		set("member", str("serviceAccount:"+email))
		set("name", str(id))
		set("uniqueId", str("1"+hash(id)[:20]))
	case "gcp:compute/address:Address":
		if plainString(out["addressType"]) == "INTERNAL" {
			set("address", str(ip("10.254")))
		} else {
			h := hash(id)
			set("address", str(fmt.Sprintf("198.18.%d.%d", int(h[0])%256, int(h[1])%256)))
		}
	case "gcp:compute/globalAddress:GlobalAddress":
		set("address", str(ip("10.253")))
	case "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager":
		set("instanceGroup", str(fmt.Sprintf("https://www.googleapis.com/compute/v1/projects/%s/regions/%s/instanceGroups/%s", g.project, g.region, name)))
	case "gcp:compute/regionSslCertificate:RegionSslCertificate":
		set("expireTime", str(CertificateExpiry))
		set("certificateId", str(strconv.Itoa(int(hash(id)[0])*1000+7)))
	case "gcp:filestore/instance:Instance":
		// The networks as given, each with the address Filestore assigns.
		if nets := unsecret(out["networks"]); nets.IsArray() && !nets.ContainsUnknowns() {
			var with []resource.PropertyValue
			for i, n := range nets.ArrayValue() {
				m := unsecret(n)
				if !m.IsObject() {
					continue
				}
				o := m.ObjectValue().Copy()
				if _, ok := o["ipAddresses"]; !ok {
					o["ipAddresses"] = resource.NewProperty([]resource.PropertyValue{str(ip(fmt.Sprintf("10.%d", 252-i)))})
					if preview {
						o["ipAddresses"] = resource.MakeComputed(str(""))
					}
				}
				with = append(with, resource.NewProperty(o))
			}
			out["networks"] = resource.NewProperty(with)
		}
	case "gcp:logging/projectSink:ProjectSink":
		set("writerIdentity", str("serviceAccount:service-"+ProjectNumber+"@gcp-sa-logging.iam.gserviceaccount.com"))
	case "gcp:logging/projectBucketConfig:ProjectBucketConfig":
		set("name", str(id))
	case "gcp:monitoring/alertPolicy:AlertPolicy", "gcp:monitoring/notificationChannel:NotificationChannel":
		set("name", str(id))
	case "gcp:securitycenter/projectNotificationConfig:ProjectNotificationConfig":
		set("name", str(id))
		// Security Command Center's notification service account (output only).
		set("serviceAccount", str("service-org-"+ProjectNumber+"@gcp-sa-scc-notification.iam.gserviceaccount.com"))
	case "gcp:artifactregistry/repository:Repository":
		set("name", str(name))
	case "gcp:storage/transferJob:TransferJob":
		set("name", str(id[strings.Index(id, "/")+1:]))
	}
}

// gcpInvoke answers the gcp data sources the program calls.
func gcpInvoke(tok, project, region string, args resource.PropertyMap) (resource.PropertyMap, bool) {
	s := func(v string) resource.PropertyValue { return resource.NewProperty(v) }
	if v := plainString(args["project"]); v != "" {
		project = v
	}
	switch tok {
	case "gcp:organizations/getClientConfig:getClientConfig":
		return resource.PropertyMap{"project": s(project), "region": s(region), "id": s(project),
			"accessToken": resource.MakeSecret(s("sim")), "zone": s(region + "-a")}, true
	case "gcp:organizations/getProject:getProject":
		return resource.PropertyMap{"projectId": s(project), "number": s(ProjectNumber), "name": s(project), "id": s(project)}, true
	case "gcp:storage/getProjectServiceAccount:getProjectServiceAccount":
		// The Cloud Storage service agent of the project.
		email := "service-" + ProjectNumber + "@gs-project-accounts.iam.gserviceaccount.com"
		return resource.PropertyMap{"emailAddress": s(email), "member": s("serviceAccount:" + email),
			"project": s(project), "id": s(email)}, true
	case "gcp:storage/getTransferProjectServiceAccount:getTransferProjectServiceAccount":
		// The Storage Transfer Service agent of the project.
		email := "project-" + ProjectNumber + "@storage-transfer-service.iam.gserviceaccount.com"
		return resource.PropertyMap{"email": s(email), "member": s("serviceAccount:" + email),
			"subjectId": s("1" + hash(project)[:20]), "project": s(project), "id": s(email)}, true
	case "gcp:logging/getProjectCmekSettings:getProjectCmekSettings":
		// The account Cloud Logging uses with the project's CMEK keys: its service agent.
		return resource.PropertyMap{
			"serviceAccountId":  s("service-" + ProjectNumber + "@gcp-sa-logging.iam.gserviceaccount.com"),
			"name":              s("projects/" + project + "/cmekSettings"),
			"kmsKeyName":        s(""),
			"kmsKeyVersionName": s(""),
			"project":           s(project),
			"id":                s("projects/" + project + "/cmekSettings"),
		}, true
	}
	return nil, false
}
