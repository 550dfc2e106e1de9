package tests

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/policies"
)

// controlIDs reads the control IDs of ../shared/CONTROLS.md, the specification.
func controlIDs(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../../shared/CONTROLS.md")
	require.NoError(t, err, "CONTROLS.md is expected at ../shared beside the repository")
	ids := regexp.MustCompile(`(?m)^\| ([A-Z]{3}-[0-9]+) \|`).FindAllStringSubmatch(string(b), -1)
	var out []string
	for _, m := range ids {
		out = append(out, m[1])
	}
	require.GreaterOrEqual(t, len(out), 30)
	return out
}

// sources returns the text of the files under dirs whose names match keep.
func sources(t *testing.T, keep func(string) bool, dirs ...string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, dir := range dirs {
		err := filepath.WalkDir(filepath.Join("..", dir), func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !keep(path) {
				return err
			}
			b, err := os.ReadFile(path)
			out[path] = string(b)
			return err
		})
		require.NoError(t, err)
	}
	return out
}

// TestEveryControlIsBuiltEnforcedAndTested holds the definition of done of
// CONTROLS.md: each control is (1) built by a component or stack (its ID in their
// code), (2) enforced by a rule of the policy pack, and (3) shown by a test (its ID
// in a test name or a policy test case).
func TestEveryControlIsBuiltEnforcedAndTested(t *testing.T) {
	rules := map[string]bool{}
	for _, r := range policies.Rules() {
		rules[r.Control] = true
	}
	built := sources(t, func(p string) bool { return strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") }, "components", "stacks")
	tested := sources(t, func(p string) bool {
		return strings.HasSuffix(p, "_test.go") || strings.HasSuffix(p, ".yaml") && strings.Contains(p, "testdata/cases")
	}, "components", "policies", "tests", "internal")
	mentions := func(files map[string]string, re *regexp.Regexp) []string {
		var where []string
		for path, text := range files {
			if re.MatchString(text) {
				where = append(where, path)
			}
		}
		sort.Strings(where)
		return where
	}
	for _, id := range controlIDs(t) {
		testName := strings.Replace(id, "-", "", 1) // RES-3 -> RES3, as in TestRES3_...
		if !rules[id] {
			t.Errorf("%s: no rule in the policy pack enforces it", id)
		}
		if len(mentions(built, regexp.MustCompile(`\b`+id+`\b`))) == 0 {
			t.Errorf("%s: no component or stack names it where it is built", id)
		}
		if len(mentions(tested, regexp.MustCompile(`\b(`+id+`|`+testName+`_)`))) == 0 {
			t.Errorf("%s: no test names it", id)
		}
	}
}
