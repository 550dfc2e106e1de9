package awsaccess_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/components/access"
	"github.com/octura/odoo-hosting/components/access/accesstest"
	"github.com/octura/odoo-hosting/components/access/awsaccess"
	"github.com/octura/odoo-hosting/internal/jurisdiction"
	"github.com/octura/odoo-hosting/internal/plan"
)

const (
	name     = "acme-eu-west-1"
	trailKey = "arn:aws:kms:eu-west-1:111111111111:key/logs"
	alice    = "arn:aws:iam::111111111111:role/alice"
)

func run(t *testing.T, spec access.Spec, now time.Time) (*plan.Plan, error) {
	t.Helper()
	var newErr error
	p, err := plan.Run("odoo-hosting", "acme-eu", func(ctx *pulumi.Context) error {
		prov, err := aws.NewProvider(ctx, "acme-"+spec.Region, &aws.ProviderArgs{Region: pulumi.String(spec.Region)})
		if err != nil {
			return err
		}
		_, newErr = awsaccess.New(ctx, name, awsaccess.Args{Spec: spec, Provider: prov, TrailKeyArn: pulumi.String(trailKey), Now: func() time.Time { return now }})
		return nil
	})
	require.NoError(t, err)
	return p, newErr
}

func decode(t *testing.T, s any) map[string]any {
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(s.(string)), &m))
	return m
}

func stmts(t *testing.T, s any) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, x := range decode(t, s)["Statement"].([]any) {
		m := x.(map[string]any)
		out[m["Sid"].(string)] = m
	}
	return out
}

type harness struct{}

func (harness) Plan(t *testing.T, spec access.Spec, now time.Time) (accesstest.View, error) {
	p, err := run(t, spec, now)
	v := accesstest.View{Resources: len(p.Managed()), Groups: map[access.Role]accesstest.Group{}}
	if err != nil {
		return v, err
	}
	v.Users = len(p.ByType("aws:iam/user:User"))
	v.DirectUserGrants = len(p.ByType("aws:iam/userPolicyAttachment:UserPolicyAttachment")) + len(p.ByType("aws:iam/userPolicy:UserPolicy"))

	policies := map[string]plan.State{} // by mock ARN suffix "policy/<id>"
	for _, pol := range p.ByType("aws:iam/policy:Policy") {
		policies["policy/"+id(pol)] = pol
	}
	for _, role := range access.Roles() {
		g, ok := p.Get("aws:iam/group:Group", name+"-"+string(role))
		if !ok {
			continue
		}
		var grp accesstest.Group
		for _, a := range p.ByType("aws:iam/groupPolicyAttachment:GroupPolicyAttachment") {
			if a.Inputs["group"] != g.Inputs["name"] {
				continue
			}
			arn := a.Inputs["policyArn"].(string)
			pol, ok := policies[arn[strings.LastIndex(arn, ":")+1:]]
			if !ok {
				continue // AWS managed policy
			}
			for _, st := range stmts(t, pol.Inputs["policy"]) {
				cond, _ := st["Condition"].(map[string]any)
				if st["Effect"] == "Deny" && st["NotAction"] != nil && cond["BoolIfExists"].(map[string]any)["aws:MultiFactorAuthPresent"] == "false" {
					grp.MFARequired = true
				}
				if st["Effect"] == "Allow" && strings.Contains(toJSON(st["Action"]), "ssm:StartSession") {
					grp.SessionService = true
				}
				if st["Effect"] == "Allow" && strings.Contains(toJSON(st["Action"]), "SSH") {
					grp.SSH = true
				}
			}
		}
		v.Groups[role] = grp
	}
	if r, ok := p.Get("aws:iam/role:Role", name+"-break-glass"); ok {
		st := stmts(t, r.Inputs["assumeRolePolicy"])["BreakGlassUntilExpiry"]
		cond := st["Condition"].(map[string]any)
		exp, err := time.Parse(time.RFC3339, cond["DateLessThan"].(map[string]any)["aws:CurrentTime"].(string))
		require.NoError(t, err)
		session := int(r.Inputs["maxSessionDuration"].(float64))
		v.BreakGlass = &accesstest.BreakGlass{
			Principal: st["Principal"].(map[string]any)["AWS"].(string), Expiry: exp.Add(time.Duration(session) * time.Second),
			MFARequired:       cond["Bool"].(map[string]any)["aws:MultiFactorAuthPresent"] == "true",
			MaxSessionSeconds: session,
		}
	}
	tr, ok := p.Get("aws:cloudtrail/trail:Trail", name+"-trail")
	if ok {
		b, _ := p.Get("aws:s3/bucketV2:BucketV2", name+"-trail")
		ver, _ := p.Get("aws:s3/bucketVersioningV2:BucketVersioningV2", name+"-trail")
		sse, _ := p.Get("aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", name+"-trail")
		lock, _ := p.Get("aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2", name+"-trail")
		pab, _ := p.Get("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", name+"-trail")
		bp, _ := p.Get("aws:s3/bucketPolicy:BucketPolicy", name+"-trail")
		prov, _ := p.ProviderOf(b)
		sseRule := sse.Inputs["rules"].([]any)[0].(map[string]any)["applyServerSideEncryptionByDefault"].(map[string]any)
		retention := lock.Inputs["rule"].(map[string]any)["defaultRetention"].(map[string]any)
		days := 0
		if retention["mode"] == "COMPLIANCE" && b.Inputs["objectLockEnabled"] == true {
			days = int(retention["days"].(float64))
		}
		deny := stmts(t, bp.Inputs["policy"])["DenyInsecureTransport"]
		v.Trail = &accesstest.Trail{
			Region:        prov.Inputs["region"].(string),
			Integrity:     tr.Inputs["enableLogFileValidation"] == true,
			Encrypted:     tr.Inputs["kmsKeyId"] == trailKey && sseRule["sseAlgorithm"] == "aws:kms" && sseRule["kmsMasterKeyId"] == trailKey,
			ImmutableDays: days,
			Versioned:     ver.Inputs["versioningConfiguration"].(map[string]any)["status"] == "Enabled",
			PublicBlocked: pab.Inputs["blockPublicAcls"] == true && pab.Inputs["blockPublicPolicy"] == true && pab.Inputs["ignorePublicAcls"] == true && pab.Inputs["restrictPublicBuckets"] == true,
			TLSOnly:       deny != nil && deny["Effect"] == "Deny" && deny["Condition"].(map[string]any)["Bool"].(map[string]any)["aws:SecureTransport"] == "false",
			Retained:      b.RetainOnDelete,
			Protected:     b.Protect,
		}
	}
	return v, nil
}

// id reproduces the planner's mock ID: "<name>-<first 8 hex of sha256(urn)>".
func id(s plan.State) string {
	sum := sha256.Sum256([]byte(s.URN))
	return s.Name() + "-" + hex.EncodeToString(sum[:4])
}

func toJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

func TestConformance(t *testing.T) {
	accesstest.Run(t, accesstest.Config{Cloud: jurisdiction.AWS, Region: "eu-west-1", Jurisdiction: jurisdiction.EU, AccountID: "111111111111", Principal: alice}, harness{})
}

func spec() access.Spec {
	return access.Spec{Customer: "acme", AccountID: "111111111111", Region: "eu-west-1", Jurisdiction: jurisdiction.EU}
}

func TestIAM1_ResourceCounts(t *testing.T) {
	p, err := run(t, spec(), accesstest.Now)
	require.NoError(t, err)
	want := map[string]int{
		plan.StackType: 1, "pulumi:providers:aws": 1, awsaccess.Type: 1,
		"aws:iam/group:Group": 3, "aws:iam/policy:Policy": 2, "aws:iam/groupPolicyAttachment:GroupPolicyAttachment": 7,
		"aws:s3/bucketV2:BucketV2": 1, "aws:s3/bucketVersioningV2:BucketVersioningV2": 1,
		"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": 1,
		"aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2":                     1,
		"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":                                     1,
		"aws:s3/bucketPolicy:BucketPolicy":                                                           1,
		"aws:cloudtrail/trail:Trail":                                                                 1,
	}
	require.Equal(t, want, p.Count())

	s := spec()
	s.BreakGlass = &access.Grant{Principal: alice, GrantedAt: accesstest.Now, Hours: 4}
	p, err = run(t, s, accesstest.Now)
	require.NoError(t, err)
	want["aws:iam/role:Role"] = 1
	want["aws:iam/rolePolicyAttachment:RolePolicyAttachment"] = 1
	require.Equal(t, want, p.Count())

	comp, _ := p.Get(awsaccess.Type, name)
	for _, r := range p.Managed() {
		if r.Type == awsaccess.Type {
			continue
		}
		require.Equal(t, comp.URN, r.Parent, r.URN)
		_, ok := p.ProviderOf(r)
		require.True(t, ok, r.URN)
		require.True(t, strings.HasPrefix(r.Name(), name), r.Name())
	}
}

func TestIAM1_GroupPolicies(t *testing.T) {
	p, err := run(t, spec(), accesstest.Now)
	require.NoError(t, err)
	got := map[string]string{}
	for _, a := range p.ByType("aws:iam/groupPolicyAttachment:GroupPolicyAttachment") {
		got[a.Name()] = a.Inputs["policyArn"].(string)
	}
	require.Equal(t, "arn:aws:iam::aws:policy/AdministratorAccess", got[name+"-administrator-AdministratorAccess"])
	require.Equal(t, "arn:aws:iam::aws:policy/SecurityAudit", got[name+"-auditor-SecurityAudit"])
	require.Equal(t, "arn:aws:iam::aws:policy/ReadOnlyAccess", got[name+"-auditor-ReadOnlyAccess"])
	require.Regexp(t, `^arn:aws:iam:eu-west-1:111111111111:policy/acme-eu-west-1-operator-[0-9a-f]{8}$`, got[name+"-operator-operator"])
	for _, r := range access.Roles() {
		require.Regexp(t, `policy/acme-eu-west-1-require-mfa-`, got[name+"-"+string(r)+"-require-mfa"], "IAM-2: %s", r)
	}
}

func TestIAM2_DenyWithoutMFAPolicy(t *testing.T) {
	doc, err := awsaccess.DenyWithoutMFAPolicy(spec())
	require.NoError(t, err)
	require.JSONEq(t, `{"Version":"2012-10-17","Statement":[
		{"Sid":"ListVirtualMFADevices","Effect":"Allow","Action":["iam:GetAccountPasswordPolicy","iam:ListVirtualMFADevices"],"Resource":"*"},
		{"Sid":"CreateOwnVirtualMFADevice","Effect":"Allow","Action":["iam:CreateVirtualMFADevice"],"Resource":"arn:aws:iam::111111111111:mfa/${aws:username}"},
		{"Sid":"ManageOwnMFAAndPassword","Effect":"Allow","Action":["iam:ChangePassword","iam:EnableMFADevice","iam:GetMFADevice","iam:GetUser","iam:ListMFADevices","iam:ResyncMFADevice"],
		 "Resource":"arn:aws:iam::111111111111:user/${aws:username}"},
		{"Sid":"DeactivateOwnMFAOnlyWithMFA","Effect":"Allow","Action":["iam:DeactivateMFADevice"],"Resource":"arn:aws:iam::111111111111:user/${aws:username}",
		 "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}},
		{"Sid":"DenyAllExceptMFASetupWithoutMFA","Effect":"Deny",
		 "NotAction":["iam:ChangePassword","iam:CreateVirtualMFADevice","iam:EnableMFADevice","iam:GetAccountPasswordPolicy","iam:GetMFADevice","iam:GetUser","iam:ListMFADevices","iam:ListVirtualMFADevices","iam:ResyncMFADevice","sts:GetSessionToken"],
		 "Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}`, doc)
}

func TestIAM3_BreakGlassTrustPolicy(t *testing.T) {
	cases := []struct {
		grant  access.Grant
		expiry string
	}{
		// IAM-3: assumable until one session (1 h) before the grant ends.
		{access.Grant{Principal: alice, GrantedAt: time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC), Hours: 2}, "2025-03-14T10:00:00Z"},
		{access.Grant{Principal: "arn:aws:iam::222222222222:role/ops/bob", GrantedAt: time.Date(2025, 3, 14, 23, 0, 0, 0, time.FixedZone("X", -5*3600)), Hours: 24}, "2025-03-16T03:00:00Z"},
	}
	for _, c := range cases {
		doc, err := awsaccess.BreakGlassTrustPolicy(c.grant)
		require.NoError(t, err)
		require.JSONEq(t, `{"Version":"2012-10-17","Statement":[{"Sid":"BreakGlassUntilExpiry","Effect":"Allow",
			"Principal":{"AWS":"`+c.grant.Principal+`"},"Action":"sts:AssumeRole",
			"Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"},"DateLessThan":{"aws:CurrentTime":"`+c.expiry+`"}}}]}`, doc)
	}
}

func TestIAM3_BreakGlassRole(t *testing.T) {
	s := spec()
	s.BreakGlass = &access.Grant{Principal: alice, GrantedAt: accesstest.Now, Hours: 4, Reason: "INC-42"}
	p, err := run(t, s, accesstest.Now)
	require.NoError(t, err)
	r, ok := p.Get("aws:iam/role:Role", name+"-break-glass")
	require.True(t, ok)
	require.Equal(t, float64(3600), r.Inputs["maxSessionDuration"])
	require.Contains(t, r.Inputs["description"], "until 2025-03-14T13:30:00Z. INC-42")

	s.BreakGlass.Hours = 25
	p, err = run(t, s, accesstest.Now)
	require.EqualError(t, err, `access "acme-eu-west-1": breakGlass.hours 25 is out of range; allowed: 2 to 24 (IAM-3: the role can be assumed until one hour before the grant ends, so the last one-hour session ends with it)`)
	require.Empty(t, p.Managed())
}

func TestIAM5_OperatorPolicySessionManagerNoSSH(t *testing.T) {
	doc, err := awsaccess.OperatorPolicy(spec())
	require.NoError(t, err)
	st := stmts(t, doc)
	start := st["SessionManagerOnCustomerInstances"]
	require.Equal(t, []any{"ssm:StartSession"}, start["Action"])
	require.Equal(t, []any{"arn:aws:ec2:eu-west-1:111111111111:instance/*"}, start["Resource"])
	require.Equal(t, map[string]any{"StringEquals": map[string]any{"ssm:resourceTag/customer": "acme"}}, start["Condition"])
	require.Equal(t, "Deny", st["NoSSH"]["Effect"])
	require.Contains(t, st["NoSSH"]["Action"], "ec2-instance-connect:SendSSHPublicKey")
	require.Equal(t, "Deny", st["NoSSHOverSessionManager"]["Effect"])
	// IAM-5: ECS Exec session keys, only for requests that carry a session.
	require.Equal(t, []any{"kms:GenerateDataKey"}, st["ExecSessionKeys"]["Action"])
	require.Equal(t, []any{"arn:aws:kms:eu-west-1:111111111111:key/*"}, st["ExecSessionKeys"]["Resource"])
	require.Equal(t, map[string]any{"Null": map[string]any{"kms:EncryptionContext:aws:ssm:SessionId": "false"}}, st["ExecSessionKeys"]["Condition"])
	for sid, s := range st {
		if s["Effect"] == "Allow" {
			require.NotContains(t, toJSON(s["Action"]), `"*"`, sid)
			require.NotContains(t, toJSON(s["Action"]), "iam:", sid)
		}
	}
}

func TestIAM4_TrailBucketPolicy(t *testing.T) {
	doc, err := awsaccess.TrailBucketPolicy("arn:aws:s3:::b", "arn:aws:cloudtrail:eu-west-1:111111111111:trail/acme-audit", "111111111111")
	require.NoError(t, err)
	require.JSONEq(t, `{"Version":"2012-10-17","Statement":[
		{"Sid":"CloudTrailAclCheck","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:GetBucketAcl","Resource":"arn:aws:s3:::b",
		 "Condition":{"StringEquals":{"aws:SourceArn":"arn:aws:cloudtrail:eu-west-1:111111111111:trail/acme-audit"}}},
		{"Sid":"CloudTrailWrite","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::b/AWSLogs/111111111111/*",
		 "Condition":{"StringEquals":{"aws:SourceArn":"arn:aws:cloudtrail:eu-west-1:111111111111:trail/acme-audit","s3:x-amz-acl":"bucket-owner-full-control"}}},
		{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],
		 "Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`, doc)

	p, err := run(t, spec(), accesstest.Now)
	require.NoError(t, err)
	tr, _ := p.Get("aws:cloudtrail/trail:Trail", name+"-trail")
	require.Equal(t, "acme-audit", tr.Inputs["name"])
	require.Equal(t, true, tr.Inputs["includeGlobalServiceEvents"])
	require.Equal(t, true, tr.Inputs["isMultiRegionTrail"], "IAM-4: the backup region is audited too")
	sse, _ := p.Get("aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", name+"-trail")
	require.Equal(t, false, sse.Inputs["rules"].([]any)[0].(map[string]any)["bucketKeyEnabled"], "ENC-2: no S3 Bucket Key on the trail bucket")
	b, _ := p.Get("aws:s3/bucketV2:BucketV2", name+"-trail")
	require.Equal(t, "acme-eu-west-1-audit-111111111111", b.Inputs["bucket"])
	bp, _ := p.Get("aws:s3/bucketPolicy:BucketPolicy", name+"-trail")
	require.Contains(t, bp.Inputs["policy"], `"aws:SourceArn":"arn:aws:cloudtrail:eu-west-1:111111111111:trail/acme-audit"`)
}
