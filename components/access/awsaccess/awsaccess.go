// Package awsaccess builds access.Spec on AWS: IAM groups per role with MFA
// enforced (IAM-1, IAM-2), no users, a time-bound break-glass role (IAM-3), an
// operator policy that reaches servers only through SSM Session Manager (IAM-5)
// and a CloudTrail trail into an immutable, encrypted, private bucket in the
// stack's region (IAM-4).
package awsaccess

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudtrail"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/octura/odoo-hosting/components/access"
	"github.com/octura/odoo-hosting/internal/jurisdiction"
)

// Type is the component's type token.
const Type = access.Type

// Args are the arguments of New.
type Args struct {
	// Spec is the cloud-neutral access and audit. Required; validated first.
	Spec access.Spec
	// Provider is the explicit AWS provider of Spec.Region; every child uses it.
	// Required.
	Provider pulumi.ProviderResource
	// TrailKeyArn is the KMS key (the logs key of the region) that encrypts the
	// trail and its bucket (IAM-4). Required.
	TrailKeyArn pulumi.StringInput
	// Now is the clock break-glass grants are checked against. Default time.Now.
	Now func() time.Time
}

// Access is the component.
type Access struct {
	pulumi.ResourceState

	// GroupNames are the IAM group names per role.
	GroupNames map[access.Role]pulumi.StringOutput
	// BreakGlassRoleArn is the break-glass role's ARN; empty without a grant.
	BreakGlassRoleArn pulumi.StringOutput
	// TrailArn and TrailBucket are the audit trail and its bucket.
	TrailArn    pulumi.StringOutput
	TrailBucket pulumi.StringOutput
}

// Validate checks the arguments: every problem at once.
func (a Args) Validate() error {
	now := time.Now
	if a.Now != nil {
		now = a.Now
	}
	var errs []error
	if err := a.Spec.ValidateAt(now()); err != nil {
		errs = append(errs, err)
	}
	if c := a.Spec.WithDefaults().Cloud; c != jurisdiction.AWS {
		errs = append(errs, fmt.Errorf("cloud %q is not served by awsaccess; allowed: aws", c))
	}
	if n := access.AuditBucketName(a.Spec); len(n) > 63 {
		errs = append(errs, fmt.Errorf("trail bucket name %q is %d characters; allowed: at most 63 (shorten the customer slug)", n, len(n)))
	}
	if a.Provider == nil {
		errs = append(errs, errors.New("provider is nil; allowed: the explicit aws.Provider of the region"))
	}
	if a.TrailKeyArn == nil {
		errs = append(errs, errors.New("trailKeyArn is nil; allowed: the ARN of the region's logs key (IAM-4)"))
	}
	return errors.Join(errs...)
}

// TrailName is the name of the stack's trail.
func TrailName(s access.Spec) string { return s.Customer + "-audit" }

// ManagedPolicies are the AWS managed policies attached to each group (IAM-1); the
// operator group gets the OperatorPolicy instead.
var ManagedPolicies = map[access.Role][]string{
	access.Administrator: {"AdministratorAccess"},
	access.Auditor:       {"SecurityAudit", "ReadOnlyAccess"},
}

// New validates args and builds access and audit; on a validation error it
// registers nothing.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Access, error) {
	if err := args.Validate(); err != nil {
		return nil, fmt.Errorf("access %q: %w", name, err)
	}
	spec := args.Spec.WithDefaults()
	region, _ := jurisdiction.Lookup(jurisdiction.AWS, spec.Region)
	part := region.Partition

	a := &Access{GroupNames: map[access.Role]pulumi.StringOutput{}}
	if err := ctx.RegisterComponentResource(Type, name, a, opts...); err != nil {
		return nil, err
	}
	child := []pulumi.ResourceOption{pulumi.Parent(a), pulumi.Provider(args.Provider)}

	denyDoc, err := DenyWithoutMFAPolicy(spec)
	if err != nil {
		return nil, err
	}
	deny, err := iam.NewPolicy(ctx, name+"-require-mfa", &iam.PolicyArgs{
		Name:        pulumi.String(spec.Customer + "-require-mfa"),
		Description: pulumi.String("IAM-2: manage one's own MFA device; deny every other action without MFA"),
		Policy:      pulumi.String(denyDoc),
	}, child...)
	if err != nil {
		return nil, err
	}
	opDoc, err := OperatorPolicy(spec)
	if err != nil {
		return nil, err
	}
	operator, err := iam.NewPolicy(ctx, name+"-operator", &iam.PolicyArgs{
		Name:        pulumi.String(spec.Customer + "-operator"),
		Description: pulumi.String("IAM-1, IAM-5: operate " + spec.Customer + " through SSM Session Manager; no SSH"),
		Policy:      pulumi.String(opDoc),
	}, child...)
	if err != nil {
		return nil, err
	}

	// IAM-1: groups per role, no user resources; IAM-2: MFA denied policy on each.
	for _, role := range access.Roles() {
		n := name + "-" + string(role)
		g, err := iam.NewGroup(ctx, n, &iam.GroupArgs{Name: pulumi.String(spec.Customer + "-" + string(role)), Path: pulumi.String("/odoo-hosting/")}, child...)
		if err != nil {
			return nil, err
		}
		a.GroupNames[role] = g.Name
		attach := map[string]pulumi.StringInput{"require-mfa": deny.Arn}
		if role == access.Operator {
			attach["operator"] = operator.Arn
		}
		for _, p := range ManagedPolicies[role] {
			attach[p] = pulumi.String(fmt.Sprintf("arn:%s:iam::aws:policy/%s", part, p))
		}
		for _, key := range sortedKeys(attach) {
			if _, err := iam.NewGroupPolicyAttachment(ctx, n+"-"+key, &iam.GroupPolicyAttachmentArgs{Group: g.Name, PolicyArn: attach[key]}, child...); err != nil {
				return nil, err
			}
		}
	}

	// IAM-3: the break-glass role, only while a grant is configured.
	a.BreakGlassRoleArn = pulumi.String("").ToStringOutput()
	if g := spec.BreakGlass; g != nil {
		trust, err := BreakGlassTrustPolicy(*g)
		if err != nil {
			return nil, err
		}
		role, err := iam.NewRole(ctx, name+"-break-glass", &iam.RoleArgs{
			Name:               pulumi.String(spec.Customer + "-break-glass"),
			Description:        pulumi.String(fmt.Sprintf("IAM-3: break-glass for %s until %s. %s", g.Principal, access.BreakGlassExpiry(*g).Format(time.RFC3339), g.Reason)),
			AssumeRolePolicy:   pulumi.String(trust),
			MaxSessionDuration: pulumi.Int(access.BreakGlassSessionSeconds),
		}, child...)
		if err != nil {
			return nil, err
		}
		if _, err := iam.NewRolePolicyAttachment(ctx, name+"-break-glass", &iam.RolePolicyAttachmentArgs{
			Role: role.Name, PolicyArn: pulumi.String(fmt.Sprintf("arn:%s:iam::aws:policy/AdministratorAccess", part)),
		}, child...); err != nil {
			return nil, err
		}
		a.BreakGlassRoleArn = role.Arn
	}

	if err := trail(ctx, name, spec, part, args, a, child); err != nil {
		return nil, err
	}
	outputs := pulumi.Map{"breakGlassRoleArn": a.BreakGlassRoleArn, "trailArn": a.TrailArn, "trailBucket": a.TrailBucket}
	for r, n := range a.GroupNames {
		outputs[string(r)+"Group"] = n
	}
	return a, ctx.RegisterResourceOutputs(a, outputs)
}

// trail builds the audit trail and its bucket (IAM-4).
func trail(ctx *pulumi.Context, name string, spec access.Spec, part string, args Args, a *Access, child []pulumi.ResourceOption) error {
	n := name + "-trail"
	data := append(append([]pulumi.ResourceOption{}, child...), pulumi.RetainOnDelete(true))
	if spec.Production {
		data = append(data, pulumi.Protect(true)) // BAK-6
	}
	bucket, err := s3.NewBucketV2(ctx, n, &s3.BucketV2Args{
		Bucket:            pulumi.String(access.AuditBucketName(spec)),
		ObjectLockEnabled: pulumi.Bool(true),
		ForceDestroy:      pulumi.Bool(false),
		Tags:              pulumi.StringMap{"customer": pulumi.String(spec.Customer), "purpose": pulumi.String("audit-trail")},
	}, data...)
	if err != nil {
		return err
	}
	if _, err := s3.NewBucketPublicAccessBlock(ctx, n, &s3.BucketPublicAccessBlockArgs{
		Bucket: bucket.ID(), BlockPublicAcls: pulumi.Bool(true), BlockPublicPolicy: pulumi.Bool(true),
		IgnorePublicAcls: pulumi.Bool(true), RestrictPublicBuckets: pulumi.Bool(true),
	}, child...); err != nil {
		return err
	}
	versioning, err := s3.NewBucketVersioningV2(ctx, n, &s3.BucketVersioningV2Args{
		Bucket:                  bucket.ID(),
		VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
	}, child...)
	if err != nil {
		return err
	}
	if _, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, n, &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: bucket.ID(),
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{&s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
				SseAlgorithm: pulumi.String("aws:kms"), KmsMasterKeyId: args.TrailKeyArn,
			},
			// No S3 Bucket Key: with one, CloudTrail requires kms:Decrypt for whoever
			// creates or updates the trail (CloudTrail User Guide, "Configure AWS KMS
			// key policies for CloudTrail"); a trail writes a few objects an hour, so
			// the per-object KMS calls cost nothing worth that grant (ENC-2).
			BucketKeyEnabled: pulumi.Bool(false),
		}},
	}, child...); err != nil {
		return err
	}
	if _, err := s3.NewBucketObjectLockConfigurationV2(ctx, n, &s3.BucketObjectLockConfigurationV2Args{
		Bucket: bucket.ID(), ObjectLockEnabled: pulumi.String("Enabled"),
		Rule: &s3.BucketObjectLockConfigurationV2RuleArgs{DefaultRetention: &s3.BucketObjectLockConfigurationV2RuleDefaultRetentionArgs{
			Mode: pulumi.String("COMPLIANCE"), Days: pulumi.Int(spec.TrailRetentionDays),
		}},
	}, append(append([]pulumi.ResourceOption{}, child...), pulumi.DependsOn([]pulumi.Resource{versioning}))...); err != nil {
		return err
	}
	trailArn := fmt.Sprintf("arn:%s:cloudtrail:%s:%s:trail/%s", part, spec.Region, spec.AccountID, TrailName(spec))
	policy := bucket.Arn.ApplyT(func(arn string) (string, error) { return TrailBucketPolicy(arn, trailArn, spec.AccountID) }).(pulumi.StringOutput)
	bp, err := s3.NewBucketPolicy(ctx, n, &s3.BucketPolicyArgs{Bucket: bucket.ID(), Policy: policy}, child...)
	if err != nil {
		return err
	}
	t, err := cloudtrail.NewTrail(ctx, n, &cloudtrail.TrailArgs{
		Name:                       pulumi.String(TrailName(spec)),
		S3BucketName:               bucket.ID(),
		KmsKeyId:                   args.TrailKeyArn,
		EnableLogFileValidation:    pulumi.Bool(true),
		IncludeGlobalServiceEvents: pulumi.Bool(true),
		// IAM-4: every region the stack uses (primary and backup) is audited; a
		// multi-Region trail records every region's management events into this
		// bucket, in the stack's own region.
		IsMultiRegionTrail: pulumi.Bool(true),
		EnableLogging:      pulumi.Bool(true),
		Tags:               pulumi.StringMap{"customer": pulumi.String(spec.Customer)},
	}, append(append([]pulumi.ResourceOption{}, data...), pulumi.DependsOn([]pulumi.Resource{bp}))...) // BAK-6: the audit record is kept
	if err != nil {
		return err
	}
	a.TrailArn = t.Arn
	a.TrailBucket = bucket.Bucket
	return nil
}

type doc struct {
	Version   string `json:"Version"`
	Statement []stmt `json:"Statement"`
}

type stmt struct {
	Sid       string                    `json:"Sid"`
	Effect    string                    `json:"Effect"`
	Principal any                       `json:"Principal,omitempty"`
	Action    any                       `json:"Action,omitempty"`
	NotAction []string                  `json:"NotAction,omitempty"`
	Resource  any                       `json:"Resource,omitempty"`
	Condition map[string]map[string]any `json:"Condition,omitempty"`
}

func render(d doc) (string, error) {
	d.Version = "2012-10-17"
	b, err := json.Marshal(d)
	return string(b), err
}

// MFASelfService are the actions allowed without MFA: what an engineer needs to
// set up their own MFA device and sign in with it (IAM-2).
var MFASelfService = []string{
	"iam:ChangePassword", "iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:GetAccountPasswordPolicy",
	"iam:GetMFADevice", "iam:GetUser", "iam:ListMFADevices", "iam:ListVirtualMFADevices", "iam:ResyncMFADevice",
	"sts:GetSessionToken",
}

// DenyWithoutMFAPolicy returns the policy attached to every group (IAM-2): each
// engineer may enrol and manage their own MFA device and password, on their own
// user only (no group grants these otherwise: operators and auditors could never
// enrol), and everything but that self-service is denied when the request
// carries no MFA. Removing a device needs MFA. After the IAM User Guide examples
// "Allows IAM users to self-manage an MFA device" and "Allows MFA-authenticated
// IAM users to manage their own MFA device on the Security credentials page".
func DenyWithoutMFAPolicy(s access.Spec) (string, error) {
	r, ok := jurisdiction.Lookup(jurisdiction.AWS, s.Region)
	if !ok {
		return "", fmt.Errorf("region %q is not a known AWS region", s.Region)
	}
	self := fmt.Sprintf("arn:%s:iam::%s:user/${aws:username}", r.Partition, s.AccountID)
	return render(doc{Statement: []stmt{
		{
			Sid: "ListVirtualMFADevices", Effect: "Allow", Resource: "*",
			Action: []string{"iam:GetAccountPasswordPolicy", "iam:ListVirtualMFADevices"},
		},
		{
			Sid: "CreateOwnVirtualMFADevice", Effect: "Allow", Action: []string{"iam:CreateVirtualMFADevice"},
			Resource: fmt.Sprintf("arn:%s:iam::%s:mfa/${aws:username}", r.Partition, s.AccountID),
		},
		{
			Sid: "ManageOwnMFAAndPassword", Effect: "Allow", Resource: self,
			Action: []string{"iam:ChangePassword", "iam:EnableMFADevice", "iam:GetMFADevice", "iam:GetUser", "iam:ListMFADevices", "iam:ResyncMFADevice"},
		},
		{
			Sid: "DeactivateOwnMFAOnlyWithMFA", Effect: "Allow", Resource: self, Action: []string{"iam:DeactivateMFADevice"},
			Condition: map[string]map[string]any{"Bool": {"aws:MultiFactorAuthPresent": "true"}},
		},
		{
			Sid: "DenyAllExceptMFASetupWithoutMFA", Effect: "Deny", NotAction: MFASelfService, Resource: "*",
			Condition: map[string]map[string]any{"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
		},
	}})
}

// BreakGlassTrustPolicy returns the trust policy of the break-glass role (IAM-3):
// only the grant's principal, only with MFA, only until one session before the
// grant's expiry, so the last session (MaxSessionDuration, one hour) ends with the
// grant. The engineer's role session carries aws:MultiFactorAuthPresent when it
// was itself assumed with MFA (docs/decisions/0022).
func BreakGlassTrustPolicy(g access.Grant) (string, error) {
	return render(doc{Statement: []stmt{{
		Sid: "BreakGlassUntilExpiry", Effect: "Allow", Principal: map[string]string{"AWS": g.Principal},
		Action: "sts:AssumeRole",
		Condition: map[string]map[string]any{
			"Bool":         {"aws:MultiFactorAuthPresent": "true"},
			"DateLessThan": {"aws:CurrentTime": access.BreakGlassAssumeUntil(g).Format(time.RFC3339)},
		},
	}}})
}

// OperatorPolicy returns the operator group's policy (IAM-1, IAM-5): read the
// customer's resources, open SSM Session Manager shells on the customer's tagged
// instances and ECS tasks, end one's own sessions; SSH keys and SSH over SSM denied.
func OperatorPolicy(s access.Spec) (string, error) {
	r, ok := jurisdiction.Lookup(jurisdiction.AWS, s.Region)
	if !ok {
		return "", fmt.Errorf("region %q is not a known AWS region", s.Region)
	}
	p, reg, acct := r.Partition, s.Region, s.AccountID
	tag := map[string]map[string]any{"StringEquals": {"ssm:resourceTag/customer": s.Customer}}
	return render(doc{Statement: []stmt{
		{
			Sid: "ReadOnlyOperations", Effect: "Allow", Resource: "*",
			Action: []string{"ec2:Describe*", "ecs:Describe*", "ecs:List*", "rds:Describe*", "elasticloadbalancing:Describe*",
				"cloudwatch:Describe*", "cloudwatch:Get*", "cloudwatch:List*", "logs:Describe*", "logs:FilterLogEvents", "logs:GetLogEvents",
				"ssm:DescribeSessions", "ssm:GetConnectionStatus", "ssm:DescribeInstanceInformation"},
		},
		{
			Sid: "SessionManagerOnCustomerInstances", Effect: "Allow", Action: []string{"ssm:StartSession"},
			Resource:  []string{fmt.Sprintf("arn:%s:ec2:%s:%s:instance/*", p, reg, acct)},
			Condition: tag,
		},
		{
			Sid: "SessionManagerShellDocument", Effect: "Allow", Action: []string{"ssm:StartSession"},
			Resource: []string{fmt.Sprintf("arn:%s:ssm:%s::document/SSM-SessionManagerRunShell", p, reg)},
		},
		{
			Sid: "ExecIntoCustomerTasks", Effect: "Allow", Action: []string{"ecs:ExecuteCommand"},
			Resource:  []string{fmt.Sprintf("arn:%s:ecs:%s:%s:task/*", p, reg, acct), fmt.Sprintf("arn:%s:ecs:%s:%s:cluster/%s-*", p, reg, acct, s.Customer)},
			Condition: map[string]map[string]any{"StringEquals": {"aws:ResourceTag/customer": s.Customer}},
		},
		{
			// ECS Exec sessions are encrypted with the stack's data key: the client
			// asks KMS for the session key directly, with the session in the
			// encryption context (IAM-5; the key policy's ShellSessions statement).
			Sid: "ExecSessionKeys", Effect: "Allow", Action: []string{"kms:GenerateDataKey"},
			Resource:  []string{fmt.Sprintf("arn:%s:kms:%s:%s:key/*", p, reg, acct)},
			Condition: map[string]map[string]any{"Null": {"kms:EncryptionContext:aws:ssm:SessionId": "false"}},
		},
		{
			Sid: "OwnSessionsOnly", Effect: "Allow", Action: []string{"ssm:ResumeSession", "ssm:TerminateSession"},
			Resource: []string{fmt.Sprintf("arn:%s:ssm:*:*:session/${aws:userid}-*", p)},
		},
		{
			Sid: "NoSSH", Effect: "Deny", Resource: "*",
			Action: []string{"ec2-instance-connect:SendSSHPublicKey", "ec2-instance-connect:OpenTunnel", "ec2:CreateKeyPair", "ec2:ImportKeyPair"},
		},
		{
			Sid: "NoSSHOverSessionManager", Effect: "Deny", Action: []string{"ssm:StartSession"},
			Resource: []string{fmt.Sprintf("arn:%s:ssm:*:*:document/AWS-StartSSHSession", p), fmt.Sprintf("arn:%s:ssm:*:*:document/AWS-StartPortForwardingSession*", p)},
		},
	}})
}

// TrailBucketPolicy returns the trail bucket's policy (IAM-4): CloudTrail of this
// trail only (aws:SourceArn) may read the ACL and write logs; plain HTTP is denied.
func TrailBucketPolicy(bucketArn, trailArn, accountID string) (string, error) {
	src := map[string]any{"aws:SourceArn": trailArn}
	return render(doc{Statement: []stmt{
		{
			Sid: "CloudTrailAclCheck", Effect: "Allow", Principal: map[string]string{"Service": "cloudtrail.amazonaws.com"},
			Action: "s3:GetBucketAcl", Resource: bucketArn, Condition: map[string]map[string]any{"StringEquals": src},
		},
		{
			Sid: "CloudTrailWrite", Effect: "Allow", Principal: map[string]string{"Service": "cloudtrail.amazonaws.com"},
			Action: "s3:PutObject", Resource: bucketArn + "/AWSLogs/" + accountID + "/*",
			Condition: map[string]map[string]any{"StringEquals": {"aws:SourceArn": trailArn, "s3:x-amz-acl": "bucket-owner-full-control"}},
		},
		{
			Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*",
			Resource:  []string{bucketArn, bucketArn + "/*"},
			Condition: map[string]map[string]any{"Bool": {"aws:SecureTransport": "false"}},
		},
	}})
}

func sortedKeys(m map[string]pulumi.StringInput) []string { return slices.Sorted(maps.Keys(m)) }
