package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func runCmd(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestPlanPrintsPreviewJSONAndExitsZero(t *testing.T) {
	code, out, stderr := runCmd("plan", "--config", "../../examples/pioneer-us/Pulumi.pioneer-us.yaml", "--now", "2026-11-23")
	require.Equal(t, 0, code, stderr)
	require.True(t, strings.HasPrefix(out, "{\n  \"steps\": ["))
	require.Contains(t, out, `"type": "pulumi:providers:aws"`)
	require.Contains(t, out, `"type": "odoo-hosting:stack:Customer"`)
	_, again, _ := runCmd("plan", "--config", "../../examples/pioneer-us/Pulumi.pioneer-us.yaml", "--now", "2026-11-23")
	require.Equal(t, out, again, "two plans of one configuration are byte-identical")
}

func TestPlanInvalidConfigurationExitsTwoWithEveryProblem(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "Pulumi.bad.yaml")
	require.NoError(t, os.WriteFile(path, []byte(`config:
  odoo-hosting:customer: Acme
  odoo-hosting:environment: production
  odoo-hosting:tier: cloud
  odoo-hosting:cloud: aws
  odoo-hosting:jurisdiction: eu
  odoo-hosting:region: eu-west-2
`), 0o644))
	code, out, stderr := runCmd("plan", "--config", path, "--now", "2026-11-23")
	require.Equal(t, 2, code)
	require.Empty(t, out)
	require.Contains(t, stderr, `customer "Acme" is not a valid customer slug`)
	require.Contains(t, stderr, `region "eu-west-2" is in London (GB), outside jurisdiction eu; allowed: eu-central-1, eu-north-1, eu-south-1, eu-south-2, eu-west-1, eu-west-3`)
	require.Contains(t, stderr, "domain is required")
}

func TestPlanUsageAndUnreadableFileExitTwo(t *testing.T) {
	code, _, stderr := runCmd("plan")
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "usage:")
	code, _, stderr = runCmd("plan", "--config", "/nonexistent/Pulumi.x.yaml")
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "no such file")
	code, _, _ = runCmd("frobnicate")
	require.Equal(t, 2, code)
}

// TestCheckIsWired: `check` judges what `plan` prints: a compliant plan exits 0
// with the summary, the same plan moved to another jurisdiction's region exits 1
// naming RES-1. An unknown command also exits 2, so only the 0 and the 1 show that
// the command is wired (a renamed command fails here).
func TestCheckIsWired(t *testing.T) {
	code, planned, stderr := runCmd("plan", "--config", "../../examples/pioneer-us/Pulumi.pioneer-us.yaml", "--now", "2026-11-23")
	require.Equal(t, 0, code, stderr)

	var out, errOut bytes.Buffer
	code = run([]string{"check", "--now", "2026-11-23", "-"}, strings.NewReader(planned), &out, &errOut)
	require.Equal(t, 0, code, errOut.String())
	require.Empty(t, errOut.String())
	require.True(t, strings.HasPrefix(out.String(), "stack: jurisdiction us, tier odoo-sh, cloud aws, region us-east-2"), out.String())
	require.Regexp(t, `\n[0-9]+ resources checked: 0 mandatory, 4 advisory violation\(s\)\n$`, out.String())

	moved := strings.ReplaceAll(planned, `"region": "us-east-2"`, `"region": "eu-west-1"`)
	require.NotEqual(t, planned, moved)
	out.Reset()
	errOut.Reset()
	code = run([]string{"check", "--now", "2026-11-23", "-"}, strings.NewReader(moved), &out, &errOut)
	require.Equal(t, 1, code, errOut.String())
	require.Contains(t, out.String(), "RES-1 MANDATORY urn:pulumi:pioneer-us::odoo-hosting::")
}

// TestUnknownCommandExitsTwoAndSaysSo: the exit code alone does not tell a typo from
// a bad input, so the message names the command.
func TestUnknownCommandExitsTwoAndSaysSo(t *testing.T) {
	code, out, stderr := runCmd("chekc", "plan.json")
	require.Equal(t, 2, code)
	require.Empty(t, out)
	require.True(t, strings.HasPrefix(stderr, "odoo-hosting: unknown command \"chekc\"\nusage:\n"), stderr)
}

// TestPlanLongestSlugInLongestRegionExitsZero: a 24-character customer slug (the
// longest the configuration allows) in us-gov-east-1 (the longest region name a
// stack can use) plans; it used to stop inside the backup component with exit 1
// after the other components were registered (its bucket name had 73 characters).
func TestPlanLongestSlugInLongestRegionExitsZero(t *testing.T) {
	b, err := os.ReadFile("../../examples/liberty-us/Pulumi.liberty-us.yaml")
	require.NoError(t, err)
	text := strings.NewReplacer(
		"odoo-hosting:customer: liberty", "odoo-hosting:customer: abcdefghijklmnopqrstuvwx",
		"odoo-hosting:region: us-east-1", "odoo-hosting:region: us-gov-east-1",
	).Replace(string(b))
	require.Contains(t, text, "abcdefghijklmnopqrstuvwx")
	require.Contains(t, text, "us-gov-east-1")
	path := filepath.Join(t.TempDir(), "Pulumi.long.yaml")
	require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	code, out, stderr := runCmd("plan", "--config", path, "--now", "2026-11-23")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, `"bucket": "abcdefghijklmnopqrstuvwx-backup-410987654321-us-gov-east-1"`)
	require.Contains(t, out, `"name": "abcdefghijklmnopqrstuvwx-backup-us-gov-west-1"`)
}
