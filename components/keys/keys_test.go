package keys_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/components/keys"
	"github.com/octura/odoo-hosting/internal/jurisdiction"
)

const customerKey = "arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab"

func valid() keys.Spec {
	return keys.Spec{Customer: "acme", Region: "eu-west-1", Jurisdiction: jurisdiction.EU, AccountID: "111111111111"}
}

func TestDefaults(t *testing.T) {
	d := valid().WithDefaults()
	require.Equal(t, jurisdiction.AWS, d.Cloud)
	require.Equal(t, []keys.Purpose{keys.Data, keys.Backup, keys.Logs}, d.Purposes)
	require.Equal(t, 30, d.DeletionWindowDays)
	require.Equal(t, 365, d.RotationPeriodDays)
	require.NoError(t, valid().Validate())
	require.Equal(t, "acme-logs", d.Alias(keys.Logs))
}

func TestENC4_CustomerKeyChecks(t *testing.T) {
	cases := map[string]string{
		customerKey: "",
		"arn:aws:kms:eu-central-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab": `customerKeyArn "arn:aws:kms:eu-central-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab" is in region eu-central-1, not in the keys' region eu-west-1; allowed: a KMS key ARN in eu-west-1 (ENC-3, ENC-4)`,
		"arn:aws:kms:eu-west-1:222222222222:alias/acme":                                  `customerKeyArn "arn:aws:kms:eu-west-1:222222222222:alias/acme" is not a KMS key ARN; allowed: arn:aws:kms:eu-west-1:<account>:key/<key-id> (ENC-4; aliases are not accepted)`,
		"arn:aws:kms:eu-west-1:222222222222:key/mrk-1234abcd12ab34cd56ef1234567890ab":    `customerKeyArn "arn:aws:kms:eu-west-1:222222222222:key/mrk-1234abcd12ab34cd56ef1234567890ab" is a multi-Region key; allowed: a single-Region KMS key in eu-west-1 (ENC-3)`,
		"arn:aws-cn:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab": `customerKeyArn "arn:aws-cn:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab" is in partition aws-cn, region eu-west-1 in aws; allowed: arn:aws:kms:eu-west-1:... (ENC-4)`,
	}
	for arn, want := range cases {
		s := valid()
		s.CustomerKeyARN = arn
		if want == "" {
			require.NoError(t, s.Validate())
			continue
		}
		require.EqualError(t, s.Validate(), want)
	}
}

func TestValidateReturnsEveryProblem(t *testing.T) {
	s := keys.Spec{
		Customer: "ACME", Region: "eu-west-2", Jurisdiction: jurisdiction.EU, AccountID: "1234",
		Purposes: []keys.Purpose{keys.Data, "audit", keys.Data}, DeletionWindowDays: 7, RotationPeriodDays: 400,
	}
	require.EqualError(t, s.Validate(), `customer "ACME" is not a slug; allowed: a customer slug (2 to 24 lowercase letters, digits and dashes, starting with a letter, no double dash), with "-np" on non-production
region "eu-west-2" (London, GB) is outside jurisdiction eu; allowed: eu-central-1, eu-north-1, eu-south-1, eu-south-2, eu-west-1, eu-west-3, eusc-de-east-1 (RES-2)
accountId "1234" is not an AWS account ID; allowed: 12 digits
purposes[1] "audit" is unknown; allowed: data, backup, logs
purposes[2] "data" is listed twice; allowed: each purpose once
deletionWindowDays 7 is out of range; allowed: 30 (ENC-3: at least 30 days)
rotationPeriodDays 400 is out of range; allowed: 90 to 365 (ENC-3: at least yearly)`)
}

func TestRES1_RegionInNoJurisdiction(t *testing.T) {
	s := valid()
	s.Jurisdiction = ""
	s.Region = "eu-central-2"
	require.EqualError(t, s.Validate(), `region "eu-central-2" (Zurich, CH) lies in no supported jurisdiction; allowed: a region in us, ca or eu (RES-1)`)
	s.Region = "mars-1"
	require.EqualError(t, s.Validate(), `region "mars-1" is not a known aws region; allowed: a region of the jurisdiction model`)
}

func TestGCPCustomerKey(t *testing.T) {
	s := keys.Spec{Customer: "acme", Cloud: jurisdiction.GCP, Region: "europe-west1", AccountID: "acme-prod",
		CustomerKeyARN: "projects/acme-prod/locations/europe-west4/keyRings/r/cryptoKeys/k"}
	require.EqualError(t, s.Validate(), `customerKeyArn "projects/acme-prod/locations/europe-west4/keyRings/r/cryptoKeys/k" is in region europe-west4, not in the keys' region europe-west1; allowed: a key in europe-west1 (ENC-3, ENC-4)`)
}

func TestENC3_GCPRotationWithin90Days(t *testing.T) {
	s := keys.Spec{Customer: "acme", Cloud: jurisdiction.GCP, Region: "europe-west1", AccountID: "acme-prod"}
	require.Equal(t, 90, s.WithDefaults().RotationPeriodDays)
	require.NoError(t, s.Validate())
	s.RotationPeriodDays = 365
	require.EqualError(t, s.Validate(), `rotationPeriodDays 365 is out of range; allowed: 1 to 90 (ENC-3: at least yearly)`)
	aws := keys.Spec{Customer: "acme", Region: "eu-west-1", AccountID: "123456789012"}
	require.Equal(t, 365, aws.WithDefaults().RotationPeriodDays)
}
