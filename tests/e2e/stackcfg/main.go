// Command stackcfg prepares an example's stack configuration for the local engine
// run: it copies Pulumi.<stack>.yaml without the secrets that are placeholders
// ("secure: v1:placeholder…", which no secrets provider can decrypt), keeps the
// stack's encryption salt if the target already has one, and prints, one per line
// as key<TAB>base64(value), simulated values for those secrets for `pulumi config set
// --secret`. Simulated values only: the simulators never use them.
//
//	stackcfg -in examples/acme-eu/Pulumi.acme-eu.yaml -out .engine/work/acme-eu/Pulumi.acme-eu.yaml
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

func main() {
	in := flag.String("in", "", "the example's Pulumi.<stack>.yaml")
	out := flag.String("out", "", "where to write the stack configuration")
	var sets setFlags
	flag.Var(&sets, "set", "KEY[.FIELD...]=YAML: set a configuration value (repeatable), e.g. odoo-hosting:backup.retentionDays=36")
	flag.Parse()
	if *in == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "usage: stackcfg -in Pulumi.<stack>.yaml -out PATH")
		os.Exit(2)
	}
	if err := run(*in, *out, sets, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "stackcfg:", err)
		os.Exit(1)
	}
}

type setFlags []string

func (s *setFlags) String() string     { return strings.Join(*s, ",") }
func (s *setFlags) Set(v string) error { *s = append(*s, v); return nil }

func run(in, out string, sets []string, w io.Writer) error {
	src, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	salt := ""
	if old, err := os.ReadFile(out); err == nil {
		var prev struct {
			Salt string `yaml:"encryptionsalt"`
		}
		_ = yaml.Unmarshal(old, &prev)
		salt = prev.Salt
	}
	b, secrets, err := prepare(src, salt, sets...)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	if err := os.WriteFile(out, b, 0o644); err != nil {
		return err
	}
	keys := make([]string, 0, len(secrets))
	for k := range secrets {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "%s\t%s\n", k, base64.StdEncoding.EncodeToString([]byte(secrets[k])))
	}
	return nil
}

// prepare drops the placeholder secrets from the configuration and returns the
// document (with salt, when given) and simulated values by full key.
func prepare(src []byte, salt string, sets ...string) ([]byte, map[string]string, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, nil, err
	}
	if len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, nil, fmt.Errorf("not a stack configuration (a mapping with config:)")
	}
	top := doc.Content[0]
	var cfg *yaml.Node
	for i := 0; i+1 < len(top.Content); i += 2 {
		switch top.Content[i].Value {
		case "config":
			cfg = top.Content[i+1]
		case "encryptionsalt":
			top.Content = append(top.Content[:i], top.Content[i+2:]...)
			i -= 2
		}
	}
	if cfg == nil || cfg.Kind != yaml.MappingNode {
		return nil, nil, fmt.Errorf("no config: mapping")
	}
	secrets := map[string]string{}
	var kept []*yaml.Node
	for i := 0; i+1 < len(cfg.Content); i += 2 {
		k, v := cfg.Content[i], cfg.Content[i+1]
		if placeholder(v) {
			secrets[k.Value] = ""
			continue
		}
		kept = append(kept, k, v)
	}
	cfg.Content = kept
	for _, s := range sets {
		if err := set(cfg, s); err != nil {
			return nil, nil, err
		}
	}
	for k := range secrets {
		secrets[k] = simulated(k, cfg)
	}
	if salt != "" {
		top.Content = append([]*yaml.Node{
			{Kind: yaml.ScalarNode, Value: "encryptionsalt"}, {Kind: yaml.ScalarNode, Value: salt},
		}, top.Content...)
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, nil, err
	}
	return buf.Bytes(), secrets, nil
}

func placeholder(v *yaml.Node) bool {
	if v.Kind != yaml.MappingNode || len(v.Content) != 2 || v.Content[0].Value != "secure" {
		return false
	}
	return strings.HasPrefix(v.Content[1].Value, "v1:placeholder")
}

// simulated is a stand-in value of the right shape for a secret key.
func simulated(key string, cfg *yaml.Node) string {
	name := key[strings.LastIndex(key, ":")+1:]
	switch name {
	case "originKey":
		return "-----BEGIN PRIVATE KEY-----\nU0lNVUxBVEVE\n-----END PRIVATE KEY-----"
	case "tunnelSecret":
		return base64.StdEncoding.EncodeToString([]byte("simulated-tunnel-secret-32-bytes"))
	case "ipsecPsks":
		psks := map[string]string{}
		for _, t := range tunnels(cfg, key[:strings.LastIndex(key, ":")+1]+"cloudflare") {
			if t["kind"] == "ipsec" {
				psks[t["name"]] = "sim-psk-" + t["name"]
			}
		}
		b, _ := json.Marshal(psks)
		return string(b)
	case "vpnPsks":
		// gcp HA VPN: one pre-shared key per network.vpnPeers entry, by peer name.
		psks := map[string]string{}
		for _, peer := range vpnPeers(cfg, key[:strings.LastIndex(key, ":")+1]+"network") {
			psks[peer] = "sim-psk-" + peer
		}
		b, _ := json.Marshal(psks)
		return string(b)
	}
	return "sim-" + name
}

// vpnPeers reads the names of <ns>:network.vpnPeers.
func vpnPeers(cfg *yaml.Node, networkKey string) []string {
	var out []string
	for i := 0; i+1 < len(cfg.Content); i += 2 {
		if cfg.Content[i].Value != networkKey {
			continue
		}
		var n struct {
			VPNPeers []struct {
				Name string `yaml:"name"`
			} `yaml:"vpnPeers"`
		}
		if err := cfg.Content[i+1].Decode(&n); err != nil {
			return nil
		}
		for _, p := range n.VPNPeers {
			out = append(out, p.Name)
		}
	}
	return out
}

// tunnels reads <ns>:cloudflare.magicTransit.tunnels as name/kind maps.
func tunnels(cfg *yaml.Node, cloudflareKey string) []map[string]string {
	var out []map[string]string
	for i := 0; i+1 < len(cfg.Content); i += 2 {
		if cfg.Content[i].Value != cloudflareKey {
			continue
		}
		var cf struct {
			MagicTransit struct {
				Tunnels []map[string]any `yaml:"tunnels"`
			} `yaml:"magicTransit"`
		}
		if err := cfg.Content[i+1].Decode(&cf); err != nil {
			return nil
		}
		for _, t := range cf.MagicTransit.Tunnels {
			out = append(out, map[string]string{"name": fmt.Sprint(t["name"]), "kind": fmt.Sprint(t["kind"])})
		}
	}
	return out
}

// set applies KEY[.FIELD...]=YAML to the config mapping, creating mappings on the way.
func set(cfg *yaml.Node, assignment string) error {
	path, value, ok := strings.Cut(assignment, "=")
	if !ok {
		return fmt.Errorf("-set %q: want KEY[.FIELD...]=VALUE", assignment)
	}
	if path == "@expire-approvals" {
		return expireApprovals(cfg, value)
	}
	var v yaml.Node
	if err := yaml.Unmarshal([]byte(value), &v); err != nil {
		return fmt.Errorf("-set %q: %w", assignment, err)
	}
	val := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
	if len(v.Content) == 1 {
		val = v.Content[0]
	}
	node := cfg
	parts := strings.Split(path, ".")
	for i, part := range parts {
		var next *yaml.Node
		for j := 0; j+1 < len(node.Content); j += 2 {
			if node.Content[j].Value == part {
				next = node.Content[j+1]
				if i == len(parts)-1 {
					node.Content[j+1] = val
				}
			}
		}
		if i == len(parts)-1 {
			if next == nil {
				node.Content = append(node.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: part}, val)
			}
			return nil
		}
		if next == nil {
			next = &yaml.Node{Kind: yaml.MappingNode}
			node.Content = append(node.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: part}, next)
		}
		if next.Kind != yaml.MappingNode {
			return fmt.Errorf("-set %q: %s is not a mapping", assignment, strings.Join(parts[:i+1], "."))
		}
		node = next
	}
	return nil
}

// expireApprovals sets every approval's expires (any <ns>:approvals list) to date:
// the e2e variant "an expired approval" (RES-4).
func expireApprovals(cfg *yaml.Node, date string) error {
	n := 0
	for i := 0; i+1 < len(cfg.Content); i += 2 {
		if !strings.HasSuffix(cfg.Content[i].Value, ":approvals") || cfg.Content[i+1].Kind != yaml.SequenceNode {
			continue
		}
		for _, a := range cfg.Content[i+1].Content {
			for j := 0; j+1 < len(a.Content); j += 2 {
				if a.Content[j].Value == "expires" {
					a.Content[j+1] = &yaml.Node{Kind: yaml.ScalarNode, Style: yaml.DoubleQuotedStyle, Value: date}
					n++
				}
			}
		}
	}
	if n == 0 {
		return fmt.Errorf("@expire-approvals: the configuration has no approval")
	}
	return nil
}
