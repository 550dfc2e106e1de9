package main

import (
	"strings"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

func TestProgramEnvIsWhatPulumiRunReads(t *testing.T) {
	env, err := programEnv(&pulumirpc.RunRequest{
		Project: "odoo-hosting", Stack: "acme-eu", MonitorAddress: "127.0.0.1:1", Args: []string{"127.0.0.1:2"},
		Config:           map[string]string{"odoo-hosting:tier": "cloud"},
		ConfigSecretKeys: []string{"odoo-hosting:originKey"},
		DryRun:           true, Parallel: 8,
	})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(env, "\n")
	for _, want := range []string{
		"PULUMI_MONITOR=127.0.0.1:1", "PULUMI_ENGINE=127.0.0.1:2", "PULUMI_PROJECT=odoo-hosting", "PULUMI_STACK=acme-eu",
		`PULUMI_CONFIG={"odoo-hosting:tier":"cloud"}`, `PULUMI_CONFIG_SECRET_KEYS=["odoo-hosting:originKey"]`,
		"PULUMI_DRY_RUN=true", "PULUMI_PARALLEL=8",
	} {
		if !strings.Contains(got, want+"\n") && !strings.HasSuffix(got, want) {
			t.Errorf("env lacks %s:\n%s", want, got)
		}
	}
}
