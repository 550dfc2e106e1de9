package main

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/octura/odoo-hosting/internal/plan"
)

// engineConfig turns a Pulumi.<stack>.yaml into what the engine hands the program:
// every value a string, structured values as JSON, secrets listed by key.
func engineConfig(t *testing.T, path string) (map[string]string, []string) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var doc struct {
		Config map[string]any `yaml:"config"`
	}
	require.NoError(t, yaml.Unmarshal(b, &doc))
	values := map[string]string{}
	var secrets []string
	for k, v := range doc.Config {
		switch x := v.(type) {
		case string:
			values[k] = x
		case map[string]any:
			if s, ok := x["secure"]; ok && len(x) == 1 {
				values[k] = s.(string)
				secrets = append(secrets, k)
				continue
			}
			j, err := json.Marshal(x)
			require.NoError(t, err)
			values[k] = string(j)
		default:
			j, err := json.Marshal(x)
			require.NoError(t, err)
			values[k] = string(j)
		}
	}
	return values, secrets
}

// runProgram runs main's program as the engine would: the configuration in the
// PULUMI_CONFIG environment variable and in the run's settings, secrets decrypted.
func runProgram(t *testing.T, values map[string]string, secrets []string) (*plan.Plan, error) {
	t.Helper()
	values["odoo-hosting:originKey"] = "-----BEGIN PRIVATE KEY-----\ntest\n-----END PRIVATE KEY-----"
	values["odoo-hosting:ipsecPsks"] = `{"fra_ipsec_2": "test-psk"}`
	raw, err := json.Marshal(values)
	require.NoError(t, err)
	t.Setenv(pulumi.EnvConfig, string(raw))
	return plan.RunWith("odoo-hosting", "globex-eu", program, plan.Options{Config: values, SecretKeys: secrets})
}

// TestProgramPlansTheExampleFromEngineConfiguration runs the real program (main's
// path: configuration as the engine passes it, validation, stacks) under the mocks.
func TestProgramPlansTheExampleFromEngineConfiguration(t *testing.T) {
	values, secrets := engineConfig(t, "examples/globex-eu/Pulumi.globex-eu.yaml")
	p, err := runProgram(t, values, secrets)
	require.NoError(t, err)
	require.Len(t, p.ByType("odoo-hosting:stack:Customer"), 1)
	require.Len(t, p.ByType("cloudflare:index/regionalHostname:RegionalHostname"), 1)
	require.Greater(t, len(p.Steps), 150)
	tunnels := p.ByType("cloudflare:index/magicWanIpsecTunnel:MagicWanIpsecTunnel")
	require.Len(t, tunnels, 1)
	require.Equal(t, plan.Secret, tunnels[0].Inputs["psk"], "the pre-shared key stays secret")
}

// TestProgramRefusesInvalidConfigurationBeforeRegistering: the program reports the
// problems and registers nothing.
func TestProgramRefusesInvalidConfigurationBeforeRegistering(t *testing.T) {
	values, secrets := engineConfig(t, "examples/globex-eu/Pulumi.globex-eu.yaml")
	values["odoo-hosting:region"] = "eu-west-2"
	values["odoo-hosting:regoin"] = "eu-west-1"
	p, err := runProgram(t, values, secrets)
	require.Error(t, err)
	require.Contains(t, err.Error(), `region "eu-west-2" is in London (GB), outside jurisdiction eu`)
	require.Contains(t, err.Error(), `regoin is not a known key`)
	require.Empty(t, p.Resources())
}
