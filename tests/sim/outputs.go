package sim

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// now is the record's clock (a variable for tests).
var now = func() time.Time { return time.Now().UTC() }

func jsonMarshal(v any) ([]byte, error)   { return json.Marshal(v) }
func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
func splitType(t string) (pkg, mod, kind string) {
	parts := strings.SplitN(t, ":", 3)
	if len(parts) != 3 {
		return t, "", t
	}
	return parts[0], parts[1], parts[2]
}

// slug lower-cases a kind: SecurityGroup -> securitygroup.
func slug(kind string) string { return strings.ToLower(kind) }

func unsecret(v resource.PropertyValue) resource.PropertyValue {
	for v.IsSecret() {
		v = v.SecretValue().Element
	}
	return v
}

func plainString(v resource.PropertyValue) string {
	v = unsecret(v)
	if v.IsString() {
		return v.StringValue()
	}
	return ""
}

func hash(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:])
}

// autoname is Pulumi's auto-naming: the logical name, a dash and 7 characters,
// deterministic here (from the URN) instead of random.
func autoname(urn resource.URN) string { return urn.Name() + "-" + hash(string(urn))[:7] }

// IDFrom names, per type, the input whose value the real provider uses as the
// resource id (the Terraform resources' d.SetId: a bucket's id is its name, an IAM
// role's its name, ...). Every other resource gets a generated id. The program and
// the pack join resources on these ids (a bucket policy's bucket is the bucket's id).
var IDFrom = map[string]string{
	"aws:s3/bucketV2:BucketV2":                                 "bucket",
	"aws:s3/bucket:Bucket":                                     "bucket",
	"aws:iam/role:Role":                                        "name",
	"aws:iam/group:Group":                                      "name",
	"aws:iam/user:User":                                        "name",
	"aws:backup/vault:Vault":                                   "name",
	"aws:cloudwatch/logGroup:LogGroup":                         "name",
	"aws:rds/parameterGroup:ParameterGroup":                    "name",
	"aws:rds/subnetGroup:SubnetGroup":                          "name",
	"aws:rds/instance:Instance":                                "identifier",
	"aws:kms/alias:Alias":                                      "name",
	"aws:cloudtrail/trail:Trail":                               "name",
	"aws:ecs/cluster:Cluster":                                  "name",
	"aws:lb/targetGroup:TargetGroup":                           "name",
	"aws:backup/vaultLockConfiguration:VaultLockConfiguration": "backupVaultName",
}

// hasARN reports whether an aws type has an arn attribute. Resources that only
// configure or attach another one (a bucket's versioning, a policy attachment, a
// route) have none; giving them one would make them look like what they configure.
func hasARN(typ string) bool {
	_, mod, kind := splitType(typ)
	if strings.HasPrefix(mod, "s3/") {
		return kind == "BucketV2" || kind == "Bucket"
	}
	for _, s := range []string{"Attachment", "Association", "Propagation", "RolePolicy", "GroupPolicy", "MountTarget", "LockConfiguration"} {
		if strings.Contains(kind, s) {
			return false
		}
	}
	return kind != "Route" && kind != "VpnConnectionRoute"
}

// nameID is the id a resource of type typ gets from its inputs, or "". Every other
// aws:s3 resource configures a bucket and takes the bucket's name as its id.
func nameID(urn resource.URN, typ string, inputs resource.PropertyMap) string {
	key := IDFrom[typ]
	if key == "" && strings.HasPrefix(typ, "aws:s3/") {
		key = "bucket"
	}
	if key == "" {
		return ""
	}
	v := plainString(inputs[resource.PropertyKey(key)])
	if v == "" && (key == "name" || key == "bucket") && (typ == "aws:s3/bucketV2:BucketV2" || typ == "aws:s3/bucket:Bucket" || key == "name") {
		v = autoname(urn) // as the computed name/bucket output
	}
	return v
}

// Computed lists, per type, the attributes the real provider computes that the
// program (or a test) reads; every aws resource also gets arn, and every resource
// id. Add a line when the program starts reading a new one.
var Computed = map[string][]string{
	"aws:s3/bucketV2:BucketV2":         {"bucket", "bucketDomainName", "bucketRegionalDomainName", "region", "hostedZoneId"},
	"aws:kms/key:Key":                  {"keyId"},
	"aws:rds/instance:Instance":        {"address", "endpoint", "port", "resourceId", "hostedZoneId", "masterUserSecrets"},
	"aws:lb/loadBalancer:LoadBalancer": {"dnsName", "zoneId", "arnSuffix"},
	"aws:lb/targetGroup:TargetGroup":   {"arnSuffix"},
	// Version ids the program wires on: the trust store reads its CA bundle by the
	// object's version, the ECS service redeploys when the application secret's
	// version changes.
	"aws:s3/bucketObjectv2:BucketObjectv2":                                   {"versionId"},
	"aws:secretsmanager/secretVersion:SecretVersion":                         {"versionId"},
	"aws:efs/fileSystem:FileSystem":                                          {"dnsName"},
	"aws:ec2/vpc:Vpc":                                                        {"defaultSecurityGroupId", "defaultRouteTableId", "mainRouteTableId"},
	"aws:iam/role:Role":                                                      {"name", "uniqueId"},
	"aws:iam/group:Group":                                                    {"name", "uniqueId"},
	"aws:iam/policy:Policy":                                                  {"name", "policyId"},
	"aws:rds/subnetGroup:SubnetGroup":                                        {"name"},
	"aws:rds/parameterGroup:ParameterGroup":                                  {"name"},
	"aws:ecs/cluster:Cluster":                                                {"name"},
	"aws:ecs/service:Service":                                                {"name"},
	"aws:cloudwatch/logGroup:LogGroup":                                       {"name"},
	"aws:ec2/eip:Eip":                                                        {"publicIp", "allocationId"},
	"aws:acm/certificate:Certificate":                                        {"status"},
	"cloudflare:index/originCaCertificate:OriginCaCertificate":               {"certificate", "expiresOn"},
	"cloudflare:index/zeroTrustTunnelCloudflared:ZeroTrustTunnelCloudflared": {"cnameTarget", "tunnelToken"},
	"cloudflare:index/record:Record":                                         {"hostname"},
}

// outputs are the inputs plus id and the computed attributes. In a preview the
// computed ones are unknown, as the real engine shows them.
func (p *Provider) outputs(urn resource.URN, typ interface{ String() string }, id string, inputs resource.PropertyMap, preview bool) resource.PropertyMap {
	p.mu.Lock()
	region, account := p.region, p.account
	p.mu.Unlock()
	t := typ.String()
	out := inputs.Copy()
	if out == nil {
		out = resource.PropertyMap{}
	}
	set := func(k string, v resource.PropertyValue) {
		key := resource.PropertyKey(k)
		if _, ok := out[key]; ok {
			return
		}
		if preview {
			v = resource.MakeComputed(resource.NewProperty(""))
		}
		out[key] = v
	}
	str := func(s string) resource.PropertyValue { return resource.NewProperty(s) }
	name := plainString(out["name"])
	if name == "" {
		name = autoname(urn)
	}
	_, mod, kind := splitType(t)
	service := mod
	if i := strings.Index(service, "/"); i >= 0 {
		service = service[:i]
	}
	set("id", str(id))
	switch p.pkg {
	case "aws":
		if !hasARN(t) {
			break
		}
		if tags, ok := out["tags"]; ok {
			set("tagsAll", tags)
		}
		switch service {
		case "iam":
			set("arn", str(fmt.Sprintf("arn:aws:iam::%s:%s/%s", account, slug(kind), name)))
		case "s3":
			bucket := plainString(out["bucket"])
			if bucket == "" {
				bucket = autoname(urn)
			}
			set("arn", str("arn:aws:s3:::"+bucket))
		default:
			svc := map[string]string{"lb": "elasticloadbalancing", "cloudwatch": "logs", "vpc": "ec2"}[service]
			if svc == "" {
				svc = service
			}
			set("arn", str(fmt.Sprintf("arn:aws:%s:%s:%s:%s/%s", svc, region, account, slug(kind), id)))
		}
	case "gcp":
		g := p.gcpPlace(inputs)
		gcpOutputs(t, id, urn, g, out, set, preview)
	}
	for _, k := range Computed[t] {
		switch k {
		case "name":
			set(k, str(name))
		case "bucket":
			set(k, str(autoname(urn)))
		case "bucketDomainName":
			set(k, str(plainString(out["bucket"])+".s3.amazonaws.com"))
		case "bucketRegionalDomainName":
			set(k, str(fmt.Sprintf("%s.s3.%s.amazonaws.com", plainString(out["bucket"]), region)))
		case "region":
			set(k, str(region))
		case "hostedZoneId", "zoneId":
			set(k, str("Z"+strings.ToUpper(hash(region, k)[:13])))
		case "keyId", "uniqueId", "policyId", "resourceId", "allocationId":
			set(k, str(id))
		case "address":
			ident := plainString(out["identifier"])
			if ident == "" {
				ident = name
			}
			set(k, str(fmt.Sprintf("%s.c%s.%s.rds.amazonaws.com", ident, hash(account, region)[:12], region)))
		case "endpoint":
			port := unsecret(out["port"])
			n := 5432
			if port.IsNumber() {
				n = int(port.NumberValue())
			}
			set(k, str(fmt.Sprintf("%s:%d", plainString(out["address"]), n)))
		case "port":
			set(k, resource.NewProperty(5432.0))
		case "masterUserSecrets":
			if b := unsecret(out["manageMasterUserPassword"]); b.IsBool() && b.BoolValue() {
				set(k, resource.NewProperty([]resource.PropertyValue{resource.NewProperty(resource.PropertyMap{
					"kmsKeyId":     resource.NewProperty(plainString(out["masterUserSecretKmsKeyId"])),
					"secretArn":    str(fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:rds!db-%s", region, account, hash(id)[:12])),
					"secretStatus": str("active"),
				})}))
			}
		case "dnsName":
			switch service {
			case "efs":
				set(k, str(fmt.Sprintf("%s.efs.%s.amazonaws.com", id, region)))
			default:
				set(k, str(fmt.Sprintf("%s-%s.%s.elb.amazonaws.com", name, hash(id)[:10], region)))
			}
		case "arnSuffix":
			set(k, str(slug(kind)+"/"+name+"/"+hash(id)[:16]))
		case "defaultSecurityGroupId":
			set(k, str("sg-"+hash(id, k)[:17]))
		case "defaultRouteTableId", "mainRouteTableId":
			set(k, str("rtb-"+hash(id, "main")[:17]))
		case "publicIp":
			h := hash(id)
			set(k, str(fmt.Sprintf("198.18.%d.%d", int(h[0])%256, int(h[1])%256)))
		case "status":
			set(k, str("ISSUED"))
		case "certificate":
			set(k, str("-----BEGIN CERTIFICATE-----\nSIMULATED"+hash(id)[:48]+"\n-----END CERTIFICATE-----\n"))
		case "expiresOn":
			days := unsecret(out["requestedValidity"])
			d := 5475
			if days.IsNumber() {
				d = int(days.NumberValue())
			}
			// Deterministic: from a fixed epoch, so a second preview sees no change.
			set(k, str(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, d).Format(time.RFC3339)))
		case "cnameTarget":
			set(k, str(id+".cfargotunnel.com"))
		case "tunnelToken":
			set(k, resource.MakeSecret(str("sim-token-"+hash(id)[:32])))
		case "hostname":
			set(k, str(name))
		default:
			set(k, str(name))
		}
	}
	return out
}

// invoke answers the data sources of the three packages that the program may call.
func (p *Provider) invoke(tok string, args resource.PropertyMap) (resource.PropertyMap, bool) {
	p.mu.Lock()
	region, account := p.region, p.account
	p.mu.Unlock()
	s := func(v string) resource.PropertyValue { return resource.NewProperty(v) }
	switch tok {
	case "aws:index/getCallerIdentity:getCallerIdentity":
		return resource.PropertyMap{"accountId": s(account), "arn": s("arn:aws:iam::" + account + ":user/sim"),
			"userId": s("AIDASIMULATED"), "id": s(account)}, true
	case "aws:index/getRegion:getRegion":
		return resource.PropertyMap{"name": s(region), "id": s(region), "region": s(region),
			"description": s("simulated " + region), "endpoint": s("ec2." + region + ".amazonaws.com")}, true
	case "aws:index/getPartition:getPartition":
		return resource.PropertyMap{"partition": s("aws"), "dnsSuffix": s("amazonaws.com"), "id": s("aws"),
			"reverseDnsPrefix": s("com.amazonaws")}, true
	case "aws:index/getAvailabilityZones:getAvailabilityZones":
		var names, ids []resource.PropertyValue
		for i, l := range []string{"a", "b", "c"} {
			names = append(names, s(region+l))
			ids = append(ids, s(fmt.Sprintf("%s-az%d", region, i+1)))
		}
		return resource.PropertyMap{"names": resource.NewProperty(names), "zoneIds": resource.NewProperty(ids),
			"id": s(region), "state": s("available")}, true
	}
	_ = args
	return nil, false
}
