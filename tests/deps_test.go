package tests

import (
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
			case (r == "internal/jurisdiction" || r == "internal/tier") && !isStd(d):
				t.Errorf("%s imports %s: the jurisdiction and tier models use the standard library only", r, d)
			case r == "internal/config" && !isStd(d) && d != module+"/internal/jurisdiction" && d != module+"/internal/tier" && d != module+"/internal/netaddr" && d != "gopkg.in/yaml.v3":
				t.Errorf("%s imports %s: the configuration imports only the jurisdiction, tier and address models and YAML", r, d)
			case strings.HasPrefix(r, "policies") && ours && d != module+"/internal/jurisdiction" && !strings.HasPrefix(dr, "policies"):
				t.Errorf("%s imports %s: policies depend only on the jurisdiction model", r, d)
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
