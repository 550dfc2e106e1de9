package tests

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/octura/odoo-hosting"

// imports lists every package of the module with its direct imports (go list).
func imports(t *testing.T) map[string][]string {
	t.Helper()
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	pkgs := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkgs[fields[0]] = fields[1:]
	}
	return pkgs
}

// models are the standard-library-only packages of facts that every layer may import.
var models = map[string]bool{
	"internal/jurisdiction": true, "internal/tier": true, "internal/netaddr": true, "internal/names": true,
	"internal/defaults": true, "internal/contract": true, "internal/problems": true,
}

func isStd(p string) bool { return !strings.Contains(strings.SplitN(p, "/", 2)[0], ".") }

// TestDependencyDirection keeps the arrows of STYLE.md: the models (jurisdiction,
// tier) import nothing of ours and no Pulumi; policies never import components,
// stacks, the configuration or the planner; components never import stacks,
// policies or the configuration; no cloud's package imports another cloud's.
func TestDependencyDirection(t *testing.T) {
	pkgs := imports(t)
	if len(pkgs) < 5 {
		t.Fatalf("go list found only %d packages", len(pkgs))
	}
	rel := func(p string) string { return strings.TrimPrefix(strings.TrimPrefix(p, module), "/") }
	for pkg, deps := range pkgs {
		r := rel(pkg)
		for _, d := range deps {
			dr := rel(d)
			ours := strings.HasPrefix(d, module)
			switch {
			case r == "internal/netaddr" && !isStd(d):
				t.Errorf("%s imports %s: the address facts use the standard library only", r, d)
			case r == "internal/names" && !isStd(d):
				t.Errorf("%s imports %s: the name limits use the standard library only", r, d)
			case (r == "internal/jurisdiction" || r == "internal/tier" || r == "internal/contract" || r == "internal/defaults" || r == "internal/problems") && !isStd(d):
				t.Errorf("%s imports %s: the models and the contract use the standard library only", r, d)
			case r == "internal/config" && !isStd(d) && !models[dr] && d != "gopkg.in/yaml.v3":
				t.Errorf("%s imports %s: the configuration imports only the models and YAML", r, d)
			case strings.HasPrefix(r, "policies") && ours && dr != "internal/jurisdiction" && dr != "internal/tier" && dr != "internal/contract" && !strings.HasPrefix(dr, "policies"):
				t.Errorf("%s imports %s: policies depend only on the jurisdiction and tier models and the contract", r, d)
			case strings.HasPrefix(r, "policies") && r != "policies/pack" && strings.HasPrefix(d, "github.com/pulumi/"):
				t.Errorf("%s imports %s: the policy core reads JSON and needs no Pulumi SDK", r, d)
			case strings.HasPrefix(r, "components") && ours && (strings.HasPrefix(dr, "stacks") || strings.HasPrefix(dr, "policies") || strings.HasPrefix(dr, "cmd") || dr == "internal/config"):
				t.Errorf("%s imports %s: components never import stacks, policies, commands or the stack configuration", r, d)
			case strings.Contains(r, "/aws") && (strings.Contains(d, "pulumi-gcp") || (ours && strings.Contains(dr, "/gcp"))):
				t.Errorf("%s imports %s: an AWS package never imports a GCP one", r, d)
			case strings.Contains(r, "/gcp") && (strings.Contains(d, "pulumi-aws") || (ours && strings.Contains(dr, "/aws"))):
				t.Errorf("%s imports %s: a GCP package never imports an AWS one", r, d)
			case strings.HasPrefix(r, "stacks") && ours && strings.HasPrefix(dr, "policies"):
				t.Errorf("%s imports %s: stacks never import policies", r, d)
			}
		}
	}
}

// TestContractsWrittenOnce: a fact that a writer and a reader share is written in one
// place, which both import (issue 9.2). The root component's type token lives only
// in internal/contract, the planner's mock-id scheme only in internal/plan, the RFC
// 1918 list only in internal/netaddr, no one but internal/names matches a customer
// against a pattern of its own, and each component type token lives in its concept.
func TestContractsWrittenOnce(t *testing.T) {
	facts := []struct{ text, home string }{
		{`"odoo-hosting:stack:Customer"`, "internal/contract/contract.go"},
		{`sum[:4]`, "internal/plan/plan.go"},
		{`"172.16.0.0/12"`, "internal/netaddr/netaddr.go"},
		{".MatchString(s.Customer)", "internal/names/names.go"},
		{".MatchString(c.Customer)", "internal/names/names.go"},
		// Component type tokens live in the concept packages (issue 9.4); every
		// implementation, on every cloud, refers to its concept's Type.
		{`"odoo-hosting:keys:Keys"`, "components/keys/keys.go"},
		{`"odoo-hosting:network:Network"`, "components/network/network.go"},
		{`"odoo-hosting:backup:Backup"`, "components/backup/spec.go"},
		{`"odoo-hosting:access:Access"`, "components/access/access.go"},
		{`"odoo-hosting:database:Database"`, "components/database/spec.go"},
		{`"odoo-hosting:runtime:Runtime"`, "components/runtime/spec.go"},
		{`"odoo-hosting:ops:Operations"`, "components/ops/ops.go"},
		{`"odoo-hosting:edge:Edge"`, "components/edge/spec.go"},
	}
	out, err := exec.Command("git", "-C", "..", "ls-files", "*.go").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	for _, f := range strings.Fields(string(out)) {
		if strings.HasSuffix(f, "_test.go") && !strings.HasPrefix(f, "tests/plancheck") {
			continue // tests state the facts as literal expectations
		}
		data, err := os.ReadFile("../" + f)
		if err != nil {
			t.Fatal(err)
		}
		for _, fact := range facts {
			if f != fact.home && strings.Contains(string(data), fact.text) {
				t.Errorf("%s writes %s, which only %s declares", f, fact.text, fact.home)
			}
		}
	}
}
