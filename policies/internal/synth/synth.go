// Package synth generates synthetic `pulumi preview --json` documents for the
// policy pack's benchmarks: a root component, providers in the primary, backup
// and one foreign region, and n resources cycling through typical data,
// network, IAM and edge resources, about one in twenty placed outside the
// jurisdiction.
package synth

import (
	"encoding/json"
	"fmt"

	"github.com/octura/odoo-hosting/internal/contract"
)

const stack = "urn:pulumi:bench::odoo-hosting::"

// Preview returns a preview JSON document with n resources besides the root
// component and the providers.
func Preview(n int) []byte {
	type state struct {
		Type           string         `json:"type"`
		URN            string         `json:"urn"`
		Custom         bool           `json:"custom"`
		Parent         string         `json:"parent,omitempty"`
		Provider       string         `json:"provider,omitempty"`
		Inputs         map[string]any `json:"inputs"`
		Protect        bool           `json:"protect"`
		RetainOnDelete bool           `json:"retainOnDelete"`
	}
	type step struct {
		Op       string `json:"op"`
		URN      string `json:"urn"`
		Provider string `json:"provider,omitempty"`
		NewState state  `json:"newState"`
	}
	root := stack + contract.RootType + "::bench-eu-west-1"
	steps := []step{{Op: "create", URN: root, NewState: state{Type: contract.RootType, URN: root, Inputs: map[string]any{
		"customer": "bench", "environment": "production", "tier": "cloud", "cloud": "aws", "jurisdiction": "eu",
		"region": "eu-west-1", "backupRegion": "eu-central-1",
		"backup": map[string]any{"rpoHours": 1, "rtoHours": 4, "retentionDays": 35},
	}}}}
	provs := []string{"primary", "backup", "foreign"}
	regions := []string{"eu-west-1", "eu-central-1", "us-east-1"}
	for i, p := range provs {
		u := stack + "pulumi:providers:aws::" + p
		steps = append(steps, step{Op: "create", URN: u, NewState: state{Type: "pulumi:providers:aws", URN: u, Custom: true, Inputs: map[string]any{"region": regions[i]}}})
	}
	const key = "arn:aws:kms:eu-west-1:111111111111:key/data"
	templates := []struct {
		typ    string
		inputs func(i int) map[string]any
	}{
		{"aws:s3/bucketV2:BucketV2", func(i int) map[string]any { return map[string]any{"bucket": fmt.Sprintf("b%d", i)} }},
		{"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", func(i int) map[string]any {
			return map[string]any{"bucket": fmt.Sprintf("b%d", i-1), "rules": []any{map[string]any{"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": "aws:kms", "kmsMasterKeyId": key}}}}
		}},
		{"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", func(i int) map[string]any {
			return map[string]any{"bucket": fmt.Sprintf("b%d", i-2), "blockPublicAcls": true, "blockPublicPolicy": true, "ignorePublicAcls": true, "restrictPublicBuckets": true}
		}},
		{"aws:kms/key:Key", func(int) map[string]any { return map[string]any{"enableKeyRotation": true, "deletionWindowInDays": 30} }},
		{"aws:rds/instance:Instance", func(int) map[string]any {
			return map[string]any{"engine": "postgres", "storageEncrypted": true, "kmsKeyId": key, "deletionProtection": true, "multiAz": true, "backupRetentionPeriod": 35, "manageMasterUserPassword": true, "finalSnapshotIdentifier": "f", "publiclyAccessible": false}
		}},
		{"aws:cloudwatch/logGroup:LogGroup", func(i int) map[string]any { return map[string]any{"name": fmt.Sprintf("lg%d", i), "kmsKeyId": key} }},
		{"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", func(int) map[string]any {
			return map[string]any{"ipProtocol": "tcp", "fromPort": 443, "toPort": 443, "cidrIpv4": "173.245.48.0/20"}
		}},
		{"aws:iam/role:Role", func(int) map[string]any {
			return map[string]any{"assumeRolePolicy": `{"Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`}
		}},
		{"aws:ebs/volume:Volume", func(int) map[string]any {
			return map[string]any{"encrypted": true, "kmsKeyId": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}
		}},
		{"cloudflare:index/record:Record", func(i int) map[string]any {
			return map[string]any{"name": fmt.Sprintf("h%d.example.com", i), "proxied": false}
		}},
	}
	for i := 0; i < n; i++ {
		t := templates[i%len(templates)]
		u := fmt.Sprintf("%s%s::r%d", stack, t.typ, i)
		prov := ""
		if t.typ[:4] == "aws:" {
			p := provs[0]
			if i%21 == 0 {
				p = provs[2]
			} else if i%5 == 1 {
				p = provs[1]
			}
			prov = stack + "pulumi:providers:aws::" + p + "::id"
		}
		steps = append(steps, step{Op: "create", URN: u, Provider: prov, NewState: state{Type: t.typ, URN: u, Custom: true, Parent: root, Provider: prov,
			Inputs: t.inputs(i), Protect: true, RetainOnDelete: true}})
	}
	out, err := json.Marshal(map[string]any{"steps": steps, "changeSummary": map[string]int{"create": len(steps)}})
	if err != nil {
		panic(err)
	}
	return out
}
