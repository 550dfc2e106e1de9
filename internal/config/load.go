package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"

	"github.com/octura/odoo-hosting/internal/problems"
	"gopkg.in/yaml.v3"
)

// secretKeys are the keys that must be set as secrets.
var secretKeys = map[string]bool{SecretOriginKey: true, SecretTunnelSecret: true, SecretIPsecPSKs: true, SecretOriginPullKey: true, SecretSMTPPassword: true, SecretVPNPSKs: true}

// StackName returns <stack> of a path ending in Pulumi.<stack>.yaml.
func StackName(path string) (string, error) {
	base := filepath.Base(path)
	if !strings.HasPrefix(base, "Pulumi.") || (!strings.HasSuffix(base, ".yaml") && !strings.HasSuffix(base, ".yml")) {
		return "", fmt.Errorf("%s: a stack configuration file is named Pulumi.<stack>.yaml", path)
	}
	stack := strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(base, "Pulumi."), ".yaml"), ".yml")
	if stack == "" {
		return "", fmt.Errorf("%s: the file name names no stack", path)
	}
	return stack, nil
}

// Load reads the stack configuration file at path (Pulumi.<stack>.yaml) and decodes
// the keys of the odoo-hosting namespace. It returns an error only when the file
// cannot be read or is not a stack file; unknown keys and values of the wrong shape
// are kept for Validate, which reports them with every other problem. It does not
// apply defaults or validate; see Parse.
func Load(path string) (*Config, error) {
	stack, err := StackName(path)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Decode(stack, data)
}

// Decode decodes the content of a Pulumi.<stack>.yaml file.
func Decode(stack string, data []byte) (*Config, error) {
	var doc struct {
		Config map[string]yaml.Node `yaml:"config"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("stack %s: %s", stack, cleanYAMLError(err))
	}
	if doc.Config == nil {
		return nil, problems.List{{Field: "config", Reason: "is missing: the file has no config section with odoo-hosting keys"}}
	}
	nodes := map[string]*yaml.Node{}
	for k := range doc.Config {
		n := doc.Config[k]
		nodes[k] = &n
	}
	return decodeNodes(stack, nodes)
}

// FromValues builds the configuration from Pulumi's configuration values, as the
// engine hands them to the program: "odoo-hosting:<key>" to a string, structured
// values as JSON. secret lists the keys the engine holds as secrets.
func FromValues(stack string, values map[string]string, secret map[string]bool) (*Config, error) {
	nodes := map[string]*yaml.Node{}
	for k, v := range values {
		var n yaml.Node
		trimmed := strings.TrimSpace(v)
		if strings.HasPrefix(trimmed, "{") || strings.HasPrefix(trimmed, "[") {
			var doc yaml.Node
			if err := yaml.Unmarshal([]byte(v), &doc); err != nil || len(doc.Content) == 0 {
				return nil, problems.List{{Field: strings.TrimPrefix(k, Namespace+":"), Reason: "is not valid JSON"}}
			}
			n = *doc.Content[0]
		} else {
			n = yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v}
		}
		if secret[k] {
			n = yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
				{Kind: yaml.ScalarNode, Value: "secure"}, {Kind: yaml.ScalarNode, Value: "[secret]"},
			}}
		}
		nodes[k] = &n
	}
	return decodeNodes(stack, nodes)
}

// decodeNodes decodes every odoo-hosting key, collecting every problem.
func decodeNodes(stack string, nodes map[string]*yaml.Node) (*Config, error) {
	c := &Config{Stack: stack, Secrets: map[string]bool{}, explicit: map[string]bool{}}
	var probs problems.List
	fields := fieldsByKey(reflect.TypeOf(*c))

	keys := make([]string, 0, len(nodes))
	for k := range nodes {
		keys = append(keys, k)
	}
	sort.Strings(keys)

	for _, full := range keys {
		ns, key, ok := strings.Cut(full, ":")
		if !ok || ns != Namespace {
			continue // other namespaces (aws:, cloudflare:, pulumi:) belong to providers
		}
		node := nodes[full]
		if isSecure(node) {
			if secretKeys[key] {
				c.Secrets[key] = true
			} else if _, known := fields[key]; known {
				probs.Add(key, "", "must not be a secret: it is a plain setting", "")
			} else {
				probs.Add(key, "", "is not a known key", strings.Join(allowedKeys(fields), ", "))
			}
			continue
		}
		if secretKeys[key] {
			probs.Add(key, "", "must be set as a secret: pulumi config set --secret "+key, "")
			continue
		}
		idx, known := fields[key]
		if !known {
			probs.Add(key, "", "is not a known key", strings.Join(allowedKeys(fields), ", "))
			continue
		}
		target := reflect.ValueOf(c).Elem().Field(idx)
		before := len(probs)
		seen := map[string]bool{}
		checkShape(key, node, target.Type(), &probs, seen, true)
		if len(probs) > before {
			continue // the key is not decoded: none of its values is written
		}
		for path := range seen {
			c.explicit[path] = true
		}
		if err := node.Decode(target.Addr().Interface()); err != nil {
			probs.Add(key, "", "cannot be read: "+cleanYAMLError(err), "")
		}
	}
	c.decodeProblems = probs
	return c, nil
}

func isSecure(n *yaml.Node) bool {
	if n.Kind != yaml.MappingNode || len(n.Content) != 2 {
		return false
	}
	return n.Content[0].Value == "secure"
}

// fieldsByKey maps the yaml keys of a struct type to field indexes.
func fieldsByKey(t reflect.Type) map[string]int {
	out := map[string]int{}
	for i := 0; i < t.NumField(); i++ {
		tag := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]
		if tag != "" && tag != "-" {
			out[tag] = i
		}
	}
	return out
}

func allowedKeys(fields map[string]int) []string {
	var out []string
	for k := range fields {
		out = append(out, k)
	}
	for k := range secretKeys {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// checkShape compares a YAML node with the Go type it decodes into, reporting
// unknown keys with their full path and the keys allowed there, and lists or
// objects where the other is expected.
//
// A nested text value must be written as text: Pulumi hands structured values to the
// program as JSON, where an unquoted 18.0 becomes the number 18, so the file and the
// engine would disagree. Top-level values reach the program as text either way.
//
// A number decoded into a whole-number field must be written as one: YAML would
// otherwise truncate 1.5 to 1 without a word. Every scalar it sees is recorded in set
// by its path, so that ApplyDefaults can tell a written 0 from a missing value.
func checkShape(path string, n *yaml.Node, t reflect.Type, probs *problems.List, set map[string]bool, top bool) {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			probs.Add(path, "", "must be an object with keys", strings.Join(sortedKeys(fieldsByKey(t)), ", "))
			return
		}
		fields := fieldsByKey(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			idx, ok := fields[k]
			if !ok {
				probs.Add(path+"."+k, "", "is not a known key", strings.Join(sortedKeys(fields), ", "))
				continue
			}
			checkShape(path+"."+k, n.Content[i+1], t.Field(idx).Type, probs, set, false)
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			probs.Add(path, "", "must be a list", "")
			return
		}
		for i, e := range n.Content {
			checkShape(fmt.Sprintf("%s[%d]", path, i), e, t.Elem(), probs, set, false)
		}
	default:
		if n.Kind != yaml.ScalarNode {
			probs.Add(path, "", "must be a single value, not a list or object", "")
			return
		}
		set[path] = true
		if isWhole(t) && n.Tag == "!!float" {
			probs.Add(path, n.Value, "is not a whole number", "a whole number, written without a decimal point or exponent")
			return
		}
		if t.Kind() == reflect.String && !top && n.Tag != "!!str" {
			probs.Add(path, n.Value, "must be text, not "+tagName(n.Tag), "the value in quotes in the stack file")
			return
		}
		var probe = reflect.New(t)
		if err := n.Decode(probe.Interface()); err != nil {
			probs.Add(path, n.Value, "must be "+kindName(t), "")
		}
	}
}

func isWhole(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	}
	return false
}

func tagName(tag string) string {
	switch tag {
	case "!!int", "!!float":
		return "a number"
	case "!!bool":
		return "true or false"
	}
	return "a " + strings.TrimPrefix(tag, "!!")
}

func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int32, reflect.Int64:
		return "a whole number"
	}
	return "text"
}

func sortedKeys(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func cleanYAMLError(err error) string {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		return strings.Join(te.Errors, "; ")
	}
	return strings.TrimPrefix(err.Error(), "yaml: ")
}
