package main

import (
	"strings"
	"testing"
)

const example = `# comment
config:
  odoo-hosting:customer: globex
  odoo-hosting:cloudflare:
    zone: globex.example
    magicTransit:
      tunnels:
        - name: fra_gre_1
          kind: gre
        - name: fra_ipsec_2
          kind: ipsec
  odoo-hosting:originKey:
    secure: v1:placeholder-set-with-pulumi-config-set-secret
  odoo-hosting:ipsecPsks:
    secure: v1:placeholder-set-with-pulumi-config-set-secret
  odoo-hosting:realSecret:
    secure: v1:abc
`

func TestPrepareDropsPlaceholdersAndSimulatesThem(t *testing.T) {
	out, secrets, err := prepare([]byte(example), "v1:salt=")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(out)
	if strings.Contains(doc, "placeholder") || !strings.Contains(doc, "secure: v1:abc") || !strings.HasPrefix(doc, "encryptionsalt: v1:salt=\n") {
		t.Errorf("document:\n%s", doc)
	}
	if got := secrets["odoo-hosting:ipsecPsks"]; got != `{"fra_ipsec_2":"sim-psk-fra_ipsec_2"}` {
		t.Errorf("ipsecPsks = %s", got)
	}
	if got := secrets["odoo-hosting:originKey"]; !strings.HasPrefix(got, "-----BEGIN PRIVATE KEY-----") {
		t.Errorf("originKey = %q", got)
	}
	if len(secrets) != 2 {
		t.Errorf("secrets %v, want originKey and ipsecPsks", secrets)
	}
}

func TestSetCreatesAndReplacesNestedValues(t *testing.T) {
	out, _, err := prepare([]byte(example), "", "odoo-hosting:backup.retentionDays=36", "odoo-hosting:customer=initech",
		`odoo-hosting:approvals=[{id: A-1, covers: cloudflare, destination: global, expires: "2020-01-01"}]`)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(out)
	for _, want := range []string{"  odoo-hosting:backup:\n    retentionDays: 36\n", "odoo-hosting:customer: initech\n", `expires: "2020-01-01"`} {
		if !strings.Contains(doc, want) {
			t.Errorf("document lacks %q:\n%s", want, doc)
		}
	}
	if strings.Contains(doc, "customer: globex") {
		t.Errorf("customer not replaced:\n%s", doc)
	}
}

func TestExpireApprovals(t *testing.T) {
	src := example + "  odoo-hosting:approvals:\n    - id: A-1\n      expires: \"2099-01-01\"\n"
	out, _, err := prepare([]byte(src), "", "@expire-approvals=2026-01-31")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), `expires: "2026-01-31"`) || strings.Contains(string(out), "2099") {
		t.Errorf("document:\n%s", out)
	}
	if _, _, err := prepare([]byte(example), "", "@expire-approvals=2026-01-31"); err == nil {
		t.Errorf("no approvals: want an error")
	}
}

// NET-5: a gcp enterprise stack's vpnPsks stand-in has a key for every VPN peer
// (the program refuses a peer without one).
func TestNET5_VPNPSKsCoverEveryPeer(t *testing.T) {
	src := []byte(`config:
  odoo-hosting:cloud: gcp
  odoo-hosting:network:
    vpnPeers:
      - name: hq-amsterdam
        publicIp: 198.51.100.10
      - name: dc-oslo
        publicIp: 198.51.100.20
  odoo-hosting:vpnPsks:
    secure: v1:placeholder-set-with-pulumi-config-set-secret
`)
	_, secrets, err := prepare(src, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := secrets["odoo-hosting:vpnPsks"]; got != `{"dc-oslo":"sim-psk-dc-oslo","hq-amsterdam":"sim-psk-hq-amsterdam"}` {
		t.Errorf("vpnPsks = %s", got)
	}
}
