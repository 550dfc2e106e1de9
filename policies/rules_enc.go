package policies

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/octura/odoo-hosting/internal/jurisdiction"
)

func parseDay(s string) (time.Time, error) { return time.Parse("2006-01-02", s) }

var goodTLS = map[string]bool{"1.2": true, "1.3": true}

func enc1(e *env) []Violation {
	var out []Violation
	for _, z := range e.byType["cloudflare:index/zoneSettingsOverride:ZoneSettingsOverride"] {
		min := get(z.Inputs, "settings.minTlsVersion")
		if s, ok := known(min); !ok || !goodTLS[s] {
			out = append(out, violation("ENC-1", z, min, "1.2 or 1.3", "edge minimum TLS version is %s", describe(min)))
		}
		if ssl := get(z.Inputs, "settings.ssl"); text(ssl) != "strict" {
			out = append(out, violation("ENC-1", z, ssl, "strict", "edge-to-origin certificate validation (settings.ssl) is %s", describe(ssl)))
		}
		if h := get(z.Inputs, "settings.alwaysUseHttps"); text(h) != "on" {
			out = append(out, violation("ENC-1", z, h, "on", "settings.alwaysUseHttps is %s", describe(h)))
		}
	}
	for _, l := range e.byType["aws:lb/listener:Listener"] {
		proto := strings.ToUpper(text(l.Inputs["protocol"]))
		switch proto {
		case "HTTPS", "TLS":
			pol := l.Inputs["sslPolicy"]
			if s, ok := known(pol); !ok || !tls12Policy(s) {
				out = append(out, violation("ENC-1", l, pol, "a TLS 1.2+ policy such as ELBSecurityPolicy-TLS13-1-2-2021-06", "listener sslPolicy is %s", describe(pol)))
			}
		case "HTTP", "":
			a := mapOf(l.Inputs["defaultActions"])
			if text(a["type"]) != "redirect" || strings.ToUpper(text(get(a, "redirect.protocol"))) != "HTTPS" {
				out = append(out, violation("ENC-1", l, "HTTP", "HTTPS, or HTTP that only redirects to HTTPS", "listener serves plain HTTP without redirecting to HTTPS"))
			}
		default:
			out = append(out, violation("ENC-1", l, proto, "HTTPS or TLS", "listener protocol %s carries no TLS", proto))
		}
	}
	for _, db := range e.byType["aws:rds/instance:Instance"] {
		out = append(out, e.dbTLS(db)...)
	}
	for _, db := range e.byType["gcp:sql/databaseInstance:DatabaseInstance"] {
		mode := get(db.Inputs, "settings.ipConfiguration.sslMode")
		if m := text(mode); m != "ENCRYPTED_ONLY" && m != "TRUSTED_CLIENT_CERTIFICATE_REQUIRED" && !truthy(get(db.Inputs, "settings.ipConfiguration.requireSsl")) {
			out = append(out, violation("ENC-1", db, mode, "ENCRYPTED_ONLY or TRUSTED_CLIENT_CERTIFICATE_REQUIRED", "database connections do not require TLS (settings.ipConfiguration.sslMode %s)", describe(mode)))
		}
	}
	for _, b := range e.s3Buckets() {
		if !e.bucketDeniesPlainHTTP(b) {
			out = append(out, violation("ENC-1", b, "missing", "a bucket policy denying requests where aws:SecureTransport is false", "bucket %s accepts plain-HTTP requests", b.Name()))
		}
	}
	return append(out, gcpEnc1(e)...)
}

func tls12Policy(p string) bool {
	for _, ok := range []string{"TLS13-1-2", "TLS13-1-3", "TLS-1-2", "FS-1-2"} {
		if strings.Contains(p, ok) {
			return true
		}
	}
	return false
}

func (e *env) dbTLS(db *Resource) []Violation {
	engine := text(db.Inputs["engine"])
	param, value := "rds.force_ssl", "1"
	if strings.Contains(engine, "mysql") || strings.Contains(engine, "mariadb") {
		param = "require_secure_transport"
	}
	pg := db.Inputs["parameterGroupName"]
	if pg == nil {
		return []Violation{violation("ENC-1", db, "default parameter group", "a parameter group with "+param+"="+value, "database %s does not require TLS: it uses the engine's default parameter group", db.Name())}
	}
	groups := e.lookup(text(pg))
	if isUnknown(pg) {
		if g := e.linked(db, "parameterGroupName", "aws:rds/parameterGroup:ParameterGroup"); g != nil {
			groups = []*Resource{g}
		}
	}
	if len(groups) == 0 {
		return []Violation{violation("ENC-1", db, pg, "a parameter group in the plan with "+param+"="+value, "database %s uses parameter group %s, which is not in the plan", db.Name(), show(pg))}
	}
	for _, p := range list(groups[0].Inputs["parameters"]) {
		m := mapOf(p)
		if text(m["name"]) == param {
			if v := strings.ToUpper(show(m["value"])); v == "1" || v == "ON" {
				return nil
			}
			return []Violation{violation("ENC-1", db, m["value"], param+"="+value, "parameter group %s sets %s=%s", groups[0].Name(), param, show(m["value"]))}
		}
	}
	return []Violation{violation("ENC-1", db, "missing", param+"="+value, "parameter group %s does not set %s", groups[0].Name(), param)}
}

func (e *env) s3Buckets() []*Resource {
	return append(append([]*Resource(nil), e.byType["aws:s3/bucketV2:BucketV2"]...), e.byType["aws:s3/bucket:Bucket"]...)
}

// policyDoc parses an IAM policy document (a JSON string or a map).
func policyDoc(v any) (map[string]any, bool) {
	switch x := v.(type) {
	case map[string]any:
		return x, true
	case string:
		var m map[string]any
		if err := json.Unmarshal([]byte(x), &m); err == nil {
			return m, true
		}
	}
	return nil, false
}

func statements(doc map[string]any) []map[string]any {
	var out []map[string]any
	for _, s := range list(doc["Statement"]) {
		if m := mapOf(s); m != nil {
			out = append(out, m)
		}
	}
	return out
}

// condition returns the value of Condition[op][key] in a statement, as a string.
func condition(st map[string]any, op, key string) (string, bool) {
	c := mapOf(mapOf(st["Condition"])[op])
	if c == nil {
		return "", false
	}
	v, ok := c[key]
	if !ok {
		return "", false
	}
	if l := list(v); len(l) > 0 {
		v = l[0]
	}
	return strings.ToLower(fmt.Sprint(v)), true
}

func (e *env) bucketDeniesPlainHTTP(b *Resource) bool {
	for _, p := range e.attached(b, "aws:s3/bucketPolicy:BucketPolicy", "bucket") {
		if isUnknown(p.Inputs["policy"]) {
			return true // judged when known; the bucket has a policy
		}
		doc, ok := policyDoc(p.Inputs["policy"])
		if !ok {
			continue
		}
		for _, st := range statements(doc) {
			if text(st["Effect"]) != "Deny" {
				continue
			}
			if v, ok := condition(st, "Bool", "aws:SecureTransport"); ok && v == "false" {
				return true
			}
		}
	}
	return false
}

// keyRef returns the key a data resource names, and whether the resource is
// encrypted at all. S3 buckets are encrypted by a separate resource.
func (e *env) keyRef(r *Resource) (key any, encrypted bool, how string) {
	k := e.keyOf(r)
	return k.key, k.encrypted, k.how
}

// keyInfo is the key a data resource names and where the reference is held: the
// resource (the data resource or its encryption configuration) and its
// top-level input, whose property dependencies resolve an unknown key.
type keyInfo struct {
	key       any
	encrypted bool
	how       string
	holder    *Resource
	input     string
}

func (e *env) keyOf(r *Resource) keyInfo {
	dt := dataTypes[r.Type]
	if r.Type == "aws:s3/bucketV2:BucketV2" || (r.Type == "aws:s3/bucket:Bucket" && get(r.Inputs, dt.keyPath) == nil) {
		for _, c := range e.attached(r, "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", "bucket") {
			// S3 applies the first rule's default encryption.
			if rules := list(c.Inputs["rules"]); len(rules) > 0 {
				d := mapOf(mapOf(rules[0])["applyServerSideEncryptionByDefault"])
				alg := text(d["sseAlgorithm"])
				if strings.HasPrefix(alg, "aws:kms") {
					return keyInfo{key: d["kmsMasterKeyId"], encrypted: true, how: "SSE-KMS", holder: c, input: "rules"}
				}
				return keyInfo{encrypted: true, how: "sseAlgorithm " + show(d["sseAlgorithm"]), holder: c, input: "rules"}
			}
		}
		return keyInfo{how: "no server-side encryption configuration", holder: r}
	}
	if dt.keyPath == "" {
		return keyInfo{encrypted: true, holder: r}
	}
	if dt.flag != "" {
		f := get(r.Inputs, dt.flag)
		if !truthy(f) && !isUnknown(f) {
			return keyInfo{how: dt.flag + " is " + describe(f), holder: r}
		}
	}
	in := topInput(dt.keyPath)
	return keyInfo{key: e.grantedKey(r, in, get(r.Inputs, dt.keyPath)), encrypted: true, how: dt.keyPath, holder: r, input: in}
}

// keyPlace resolves where the key a reference names sits; an unknown reference
// through the property dependencies of the input holding it.
func (e *env) keyPlace(holder *Resource, input string, key any, cloud jurisdiction.Cloud) ([]*Resource, resolved) {
	return e.refTo(holder, input, key, cloud, "KMS key", keyTypes(cloud))
}

func enc2(e *env) []Violation {
	var out []Violation
	for _, r := range e.dataResources() {
		dt := dataTypes[r.Type]
		key, enc, how := e.keyRef(r)
		switch {
		case r.Type == "aws:kms/key:Key":
			spec := r.Inputs["customerMasterKeySpec"]
			if spec == nil {
				spec = r.Inputs["keySpec"]
			}
			if spec != nil && text(spec) != "SYMMETRIC_DEFAULT" {
				out = append(out, violation("ENC-2", r, spec, "SYMMETRIC_DEFAULT (AES-256)", "data key spec is %s", describe(spec)))
			}
		case dt.keyPath == "" && r.Type != "aws:s3/bucketV2:BucketV2" && r.Type != "aws:s3/bucket:Bucket":
		case !enc:
			out = append(out, violation("ENC-2", r, "unencrypted", "encryption with a project-managed KMS key", "%s %s is not encrypted at rest with a managed key (%s)", dt.kind, r.Name(), how))
		case key == nil || key == "":
			out = append(out, violation("ENC-2", r, "provider default key", "a project-managed KMS key", "%s %s is encrypted with the provider's default key (%s not set)", dt.kind, r.Name(), how))
		}
	}
	return append(out, gcpEnc2(e)...)
}

func enc3(e *env) []Violation {
	var out []Violation
	for _, k := range e.byType["aws:kms/key:Key"] {
		if rot := k.Inputs["enableKeyRotation"]; !truthy(rot) && !isUnknown(rot) {
			out = append(out, violation("ENC-3", k, rot, "enableKeyRotation true", "key rotation is %s", describe(rot)))
		}
		if p, ok := number(k.Inputs["rotationPeriodInDays"]); ok && p > 365 {
			out = append(out, violation("ENC-3", k, k.Inputs["rotationPeriodInDays"], "at most 365", "rotationPeriodInDays %v exceeds a year", p))
		}
		if w, ok := number(k.Inputs["deletionWindowInDays"]); ok && w < 30 {
			out = append(out, violation("ENC-3", k, k.Inputs["deletionWindowInDays"], "at least 30", "deletionWindowInDays %v is shorter than 30 days", w))
		}
		if truthy(k.Inputs["multiRegion"]) {
			out = append(out, violation("ENC-3", k, true, "multiRegion false", "key %s is multi-region; each key must be single-region", k.Name()))
		}
	}
	for _, k := range e.byType["aws:kms/replicaKey:ReplicaKey"] {
		out = append(out, violation("ENC-3", k, "replica", "a single-region key per region", "key replica %s copies a key to another region; each key must be single-region", k.Name()))
	}
	out = append(out, gcpEnc3(e)...)
	// Each key lives in the region of the data it protects.
	for _, r := range e.dataResources() {
		k := e.keyOf(r)
		if !k.encrypted || k.key == nil {
			continue
		}
		keys, kp := e.keyPlace(k.holder, k.input, k.key, jurisdiction.Cloud(cloudOf(r.Type)))
		rp := e.placeOf(r)
		if kp.status == placeUnknown {
			out = append(out, violation("ENC-3", r, "unknown", "a key in "+rp.value+" (the data's region)",
				"the key of %s is unknown at preview (%s), so it cannot be shown to live in the data's region", r.Name(), kp.from))
			continue
		}
		what := "a key"
		if isUnknown(k.key) && len(keys) > 0 {
			what = "key " + names(keys)
		}
		if kp.status == placeOK && rp.status == placeOK && kp.regionKey() != rp.regionKey() {
			out = append(out, violation("ENC-3", r, kp.value, rp.value+" (the data's region)", "%s in %s is encrypted with %s in %s", r.Name(), rp.value, what, kp.value))
		}
	}
	return out
}

// seconds parses a duration "2592000s".
func seconds(v any) (float64, bool) {
	s, ok := known(v)
	if !ok || !strings.HasSuffix(s, "s") {
		return 0, false
	}
	return number(strings.TrimSuffix(s, "s"))
}

func enc4(e *env) []Violation {
	s := e.stack
	if s.Tier != "enterprise" {
		return nil
	}
	var out []Violation
	ck := s.CustomerKeys
	if ck.Primary == "" || ck.Backup == "" {
		out = append(out, violation("ENC-4", &Resource{URN: s.Source}, "missing", "customerKeys.primary and customerKeys.backup", "enterprise stack names no customer-managed keys (customerKeys)"))
	}
	for _, r := range e.dataResources() {
		if r.Type == "aws:kms/key:Key" || r.Type == "gcp:kms/cryptoKey:CryptoKey" || r.Type == "gcp:kms/keyRing:KeyRing" || r.Type == "aws:kms/replicaKey:ReplicaKey" {
			continue
		}
		key, enc, _ := e.keyRef(r)
		if !enc || dataTypes[r.Type].keyPath == "" && key == nil && r.Type != "aws:s3/bucketV2:BucketV2" {
			continue
		}
		k := show(key)
		if (ck.Primary != "" && k == ck.Primary) || (ck.Backup != "" && k == ck.Backup) {
			continue
		}
		out = append(out, violation("ENC-4", r, k, "the customer's key "+show(ck.Primary)+" or "+show(ck.Backup), "enterprise: %s is encrypted with %s, not the customer's key", r.Name(), k))
	}
	return append(out, gcpEnc4(e, ck)...)
}

func enc5(e *env) []Violation {
	var out []Violation
	for _, c := range e.copies() {
		switch c.r.Type {
		case gcpTransferType:
			out = append(out, e.gcpEnc5(c)...)
		case "aws:s3/bucketReplicationConfig:BucketReplicationConfig":
			if c.key == nil {
				out = append(out, violation("ENC-5", c.r, "missing", "destination.encryptionConfiguration.replicaKmsKeyId in the backup region", "%s names no key to encrypt the replicas", c.what))
				continue
			}
			keys, kp := e.keyPlace(c.r, "rules", c.key, jurisdiction.AWS)
			switch {
			case kp.status == placeUnknown:
				out = append(out, violation("ENC-5", c.r, "unknown", "a replica key in the destination region "+show(c.place.value),
					"the replica key of %s is unknown at preview (%s), so it cannot be shown to be in the backup region", c.what, kp.from))
			case kp.status == placeOK && c.place.status == placeOK && kp.regionKey() != c.place.regionKey():
				what := "a key"
				if isUnknown(c.key) && len(keys) > 0 {
					what = "key " + names(keys)
				}
				out = append(out, violation("ENC-5", c.r, kp.value, c.place.value, "%s is encrypted with %s in %s, not in the destination region %s", c.what, what, kp.value, c.place.value))
			}
		case "aws:backup/plan:Plan":
			if len(c.vault) == 0 {
				if c.place.status == placeOK {
					out = append(out, violation("ENC-5", c.r, c.what, "a destination vault in the plan with kmsKeyArn in "+c.place.value, "%s is not a vault in the plan, so its key cannot be shown", c.what))
				}
				continue
			}
			for _, v := range c.vault {
				keys, kp := e.keyPlace(v, "kmsKeyArn", v.Inputs["kmsKeyArn"], jurisdiction.AWS)
				vp := e.placeOf(v)
				what := "a key"
				if isUnknown(v.Inputs["kmsKeyArn"]) && len(keys) > 0 {
					what = "key " + names(keys)
				}
				switch {
				case v.Inputs["kmsKeyArn"] == nil:
					out = append(out, violation("ENC-5", v, "missing", "kmsKeyArn of a key in "+vp.value, "backup vault %s, a copy destination, names no key", v.Name()))
				case kp.status == placeUnknown:
					out = append(out, violation("ENC-5", v, "unknown", "kmsKeyArn of a key in "+vp.value,
						"the key of backup vault %s, a copy destination, is unknown at preview (%s), so it cannot be shown to be in the backup region", v.Name(), kp.from))
				case kp.status == placeOK && vp.status == placeOK && kp.regionKey() != vp.regionKey():
					out = append(out, violation("ENC-5", v, kp.value, vp.value, "backup vault %s in %s is encrypted with %s in %s", v.Name(), vp.value, what, kp.value))
				}
			}
		}
	}
	return out
}
