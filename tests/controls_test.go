package tests

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/octura/odoo-hosting/policies"
	"github.com/octura/odoo-hosting/stacks"
)

// catalogueIDs reads the control IDs of a catalogue: the rows "| ID | ... |" of its tables.
func catalogueIDs(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	ids := regexp.MustCompile(`(?m)^\| ([A-Z]{3}-[0-9]+) \|`).FindAllStringSubmatch(string(b), -1)
	var out []string
	for _, m := range ids {
		out = append(out, m[1])
	}
	return out
}

// controlIDs reads the control IDs of the project's own catalogue, docs/controls.md: a
// user's clone has only the repository, so the tests never need anything beside it.
func controlIDs(t *testing.T) []string {
	t.Helper()
	ids := catalogueIDs(t, "../docs/controls.md")
	require.Len(t, ids, 35, "docs/controls.md lists 35 controls")
	return ids
}

// TestCatalogueMatchesSpecification compares docs/controls.md with the team's
// specification, ../shared/CONTROLS.md, where a checkout has it beside the repository
// (the team's machines and CI); a user's clone skips it.
func TestCatalogueMatchesSpecification(t *testing.T) {
	spec := "../../shared/CONTROLS.md"
	if _, err := os.Stat(spec); err != nil {
		t.Skipf("no %s beside the repository: %v", spec, err)
	}
	require.Equal(t, catalogueIDs(t, spec), controlIDs(t), "docs/controls.md must list the IDs of CONTROLS.md in the same order")
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

// violatingCases counts, per control ID, the policy cases (policies/testdata/cases)
// that expect a violation of that control: the cases that turn red when the control's
// rule is disabled or stops finding the breach.
func violatingCases(t *testing.T) map[string]int {
	t.Helper()
	files, err := filepath.Glob("../policies/testdata/cases/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	out := map[string]int{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		var doc struct {
			Cases []struct {
				Expect []struct {
					Control string `yaml:"control"`
				} `yaml:"expect"`
			} `yaml:"cases"`
		}
		require.NoError(t, yaml.Unmarshal(b, &doc), f)
		for _, c := range doc.Cases {
			seen := map[string]bool{}
			for _, e := range c.Expect {
				if !seen[e.Control] {
					out[e.Control]++
				}
				seen[e.Control] = true
			}
		}
	}
	return out
}

// TestEveryControlIsBuiltEnforcedAndTested holds the definition of done of
// docs/controls.md: each control is (1) built: named where a component or stack
// builds it, and claimed in the `controls` output of at least one example stack;
// (2) enforced by a rule of the policy pack; (3) shown by tests that fail when it
// breaks: at least three policy cases expecting a violation of it (so disabling the
// rule turns them red) and a test or case that names it.
func TestEveryControlIsBuiltEnforcedAndTested(t *testing.T) {
	rules := map[string]bool{}
	for _, r := range policies.Rules() {
		rules[r.Control] = true
	}
	built := sources(t, func(p string) bool { return strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") }, "components", "stacks")
	tested := sources(t, func(p string) bool {
		return strings.HasSuffix(p, "_test.go") || strings.HasSuffix(p, ".yaml") && strings.Contains(p, "testdata/cases")
	}, "components", "policies", "tests", "internal", "stacks")
	violating := violatingCases(t)
	claimed := map[string]bool{}
	for _, ex := range examples(t) {
		bp, err := stacks.Prepare(ex.path, planNow)
		require.NoError(t, err, ex.path)
		for _, id := range stacks.Controls(bp.Config) {
			claimed[id] = true
		}
	}
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
		if !claimed[id] {
			t.Errorf("%s: no example stack claims it in its controls output", id)
		}
		if violating[id] < 3 {
			t.Errorf("%s: %d policy cases expect a violation of it; want at least 3, so that disabling its rule turns them red", id, violating[id])
		}
		if len(mentions(tested, regexp.MustCompile(`\b(`+id+`|`+testName+`_)`))) == 0 {
			t.Errorf("%s: no test names it", id)
		}
	}
}
