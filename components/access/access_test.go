package access_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/components/access"
	"github.com/octura/odoo-hosting/internal/jurisdiction"
)

var now = time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)

func TestIAM3_BreakGlassExpiry(t *testing.T) {
	cet := time.FixedZone("CET", 3600)
	cases := []struct {
		granted time.Time
		hours   int
		want    string
	}{
		{time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC), 1, "2025-03-14T10:00:00Z"},
		{time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC), 24, "2025-03-15T09:00:00Z"},
		{time.Date(2025, 3, 14, 23, 30, 0, 0, cet), 4, "2025-03-15T02:30:00Z"},
		{time.Date(2025, 12, 31, 20, 0, 0, 999, time.UTC), 8, "2026-01-01T04:00:00Z"},
	}
	for _, c := range cases {
		got := access.BreakGlassExpiry(access.Grant{GrantedAt: c.granted, Hours: c.hours})
		require.Equal(t, c.want, got.Format(time.RFC3339))
	}
	g := access.Grant{GrantedAt: now, Hours: 2}
	require.True(t, g.Active(now.Add(time.Hour)))
	require.False(t, g.Active(now.Add(2*time.Hour)))
	require.False(t, g.Active(now.Add(-time.Minute)))
}

func TestDefaults(t *testing.T) {
	d := access.Spec{}.WithDefaults()
	require.Equal(t, 400, d.TrailRetentionDays)
	require.Equal(t, jurisdiction.AWS, d.Cloud)
}

func TestIAM3_ValidateReturnsEveryProblem(t *testing.T) {
	s := access.Spec{
		Customer: "acme", AccountID: "12", Region: "eu-west-2", Jurisdiction: jurisdiction.EU, TrailRetentionDays: 30,
		BreakGlass: &access.Grant{Principal: "arn:aws:iam::123456789012:group/ops", GrantedAt: now.Add(time.Hour), Hours: 48},
	}
	require.EqualError(t, s.ValidateAt(now), `accountId "12" is not an AWS account ID; allowed: 12 digits
region "eu-west-2" (London, GB) is outside jurisdiction eu; allowed: eu-central-1, eu-north-1, eu-south-1, eu-south-2, eu-west-1, eu-west-3, eusc-de-east-1 (IAM-4: audit logs stay in the jurisdiction)
trailRetentionDays 30 is out of range; allowed: 365 to 3653 (default 400)
breakGlass.principal "arn:aws:iam::123456789012:group/ops" is not an IAM role or user ARN; allowed: arn:aws:iam::<account>:role/<name>
breakGlass.hours 48 is out of range; allowed: 2 to 24 (IAM-3: the role can be assumed until one hour before the grant ends, so the last one-hour session ends with it)
breakGlass.grantedAt 2025-03-14T10:30:00Z is in the future; allowed: a time at or before now (2025-03-14T09:30:00Z)`)

	s = access.Spec{Customer: "acme", AccountID: "123456789012", Region: "eu-west-1",
		BreakGlass: &access.Grant{Principal: "arn:aws:iam::123456789012:role/alice", GrantedAt: now, Hours: 24}}
	require.NoError(t, s.ValidateAt(now))
	s.BreakGlass.Hours = 0
	s.BreakGlass.GrantedAt = time.Time{}
	require.EqualError(t, s.ValidateAt(now), `breakGlass.hours 0 is out of range; allowed: 2 to 24 (IAM-3: the role can be assumed until one hour before the grant ends, so the last one-hour session ends with it)
breakGlass.grantedAt is not set; allowed: the time the grant starts, RFC 3339`)
}

// TestIAM3_GCPPrincipalAndHoursSayWhatGCPAllows: on gcp the break-glass principal
// is an IAM member and the grant is a conditional binding, not an assumed role.
func TestIAM3_GCPPrincipalAndHoursSayWhatGCPAllows(t *testing.T) {
	s := access.Spec{Customer: "acme", Cloud: jurisdiction.GCP, AccountID: "acme-prod", Region: "europe-west1",
		BreakGlass: &access.Grant{Principal: "arn:aws:iam::123456789012:role/alice", GrantedAt: now, Hours: 25}}
	require.EqualError(t, s.ValidateAt(now), `breakGlass.principal "arn:aws:iam::123456789012:role/alice" is not an IAM principal; allowed: user:<email>, group:<email> or serviceAccount:<email>
breakGlass.hours 25 is out of range; allowed: 2 to 24 (IAM-3: the bindings' IAM condition ends with the grant; the same bounds as on aws)`)
	s.BreakGlass = &access.Grant{Principal: "group:acme-break-glass@example.com", GrantedAt: now, Hours: 24}
	require.NoError(t, s.ValidateAt(now))
}

// TestIAM3_FederatedPrincipalRefused: IAM Identity Center sessions carry no
// aws:MultiFactorAuthPresent, so a break-glass grant to such a role would never
// be usable; a one-hour grant leaves no time to assume the role.
func TestIAM3_FederatedPrincipalRefused(t *testing.T) {
	now := time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)
	s := access.Spec{Customer: "acme", AccountID: "123456789012", Region: "eu-west-1", BreakGlass: &access.Grant{
		Principal: "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_0123456789abcdef",
		GrantedAt: now, Hours: 1,
	}}
	require.EqualError(t, s.ValidateAt(now), `breakGlass.hours 1 is out of range; allowed: 2 to 24 (IAM-3: the role can be assumed until one hour before the grant ends, so the last one-hour session ends with it)
breakGlass.principal "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_0123456789abcdef" is an IAM Identity Center role, whose sessions carry no aws:MultiFactorAuthPresent, so the MFA condition would never admit it; allowed: the engineer's own role, assumed with MFA (sts:AssumeRole with --serial-number and --token-code)`)
	require.Equal(t, time.Date(2025, 3, 14, 10, 30, 0, 0, time.UTC), access.BreakGlassAssumeUntil(access.Grant{GrantedAt: now, Hours: 2}))
}
