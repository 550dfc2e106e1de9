package tests

import (
	"os"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/octura/odoo-hosting/internal/config"
)

// documentedKeys returns the keys of the README's configuration reference table.
func documentedKeys(t *testing.T) map[string]bool {
	t.Helper()
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	start := strings.Index(text, "## Configuration reference")
	if start < 0 {
		t.Fatal("README.md has no Configuration reference section")
	}
	section := text[start:]
	if end := strings.Index(section[3:], "\n## "); end >= 0 {
		section = section[:end+3]
	}
	row := regexp.MustCompile("(?m)^\\| `([a-zA-Z.]+)` \\|")
	keys := map[string]bool{}
	for _, m := range row.FindAllStringSubmatch(section, -1) {
		keys[m[1]] = true
	}
	return keys
}

// codeKeys walks config.Config: a key documented as a whole covers its children;
// otherwise each child of an object must be documented as parent.child.
func codeKeys(t reflect.Type, prefix string, documented map[string]bool, missing *[]string, known map[string]bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	for i := 0; i < t.NumField(); i++ {
		tag := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]
		if tag == "" || tag == "-" {
			continue
		}
		key := prefix + tag
		known[key] = true
		if documented[key] {
			continue
		}
		ft := t.Field(i).Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct {
			codeKeys(ft, key+".", documented, missing, known)
			continue
		}
		*missing = append(*missing, key)
	}
}

// TestREADMEConfigurationReferenceMatchesCode fails when a key is added to, renamed
// in or removed from internal/config without the README's table following.
func TestREADMEConfigurationReferenceMatchesCode(t *testing.T) {
	documented := documentedKeys(t)
	var missing []string
	known := map[string]bool{config.SecretOriginKey: true, config.SecretTunnelSecret: true, config.SecretIPsecPSKs: true, config.SecretOriginPullKey: true, config.SecretSMTPPassword: true, config.SecretVPNPSKs: true}
	codeKeys(reflect.TypeOf(config.Config{}), "", documented, &missing, known)
	for _, s := range []string{config.SecretOriginKey, config.SecretTunnelSecret, config.SecretIPsecPSKs, config.SecretOriginPullKey, config.SecretSMTPPassword, config.SecretVPNPSKs} {
		if !documented[s] {
			missing = append(missing, s)
		}
	}
	var stale []string
	for k := range documented {
		if !known[k] {
			stale = append(stale, k)
		}
	}
	sort.Strings(stale)
	if len(missing) > 0 {
		t.Errorf("README.md configuration reference lacks: %s", strings.Join(missing, ", "))
	}
	if len(stale) > 0 {
		t.Errorf("README.md configuration reference documents keys the code does not have: %s", strings.Join(stale, ", "))
	}
}
