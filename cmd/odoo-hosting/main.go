// Command odoo-hosting plans a stack offline and checks plans against the policy pack.
//
//	odoo-hosting plan --config examples/acme-eu/Pulumi.acme-eu.yaml
//	odoo-hosting check plan.json
//
// plan runs the real Pulumi program under deterministic mocks, with no cloud and no
// credentials, and prints the planned resources in the JSON shape of
// `pulumi preview --json`. Exit codes: 0 planned; 2 invalid configuration (the report
// on stderr, or an unreadable file); 1 the program failed.
//
// check reads the JSON of `pulumi preview --json`, `pulumi stack export` or of plan,
// and judges it against every control of CONTROLS.md (see policies/check).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/octura/odoo-hosting/internal/plan"
	"github.com/octura/odoo-hosting/internal/problems"
	"github.com/octura/odoo-hosting/policies/check"
	"github.com/octura/odoo-hosting/stacks"
	"github.com/octura/odoo-hosting/stacks/offline"
)

const usage = `usage:
  odoo-hosting plan --config <path to Pulumi.<stack>.yaml> [--now YYYY-MM-DD] [--first-preview]
  odoo-hosting check [flags] <file | ->   (odoo-hosting check --help)
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "plan":
		return planCmd(args[1:], stdout, stderr)
	case "check":
		return check.Main(args[1:], stdin, stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "odoo-hosting: unknown command %q\n%s", args[0], usage)
	return 2
}

func planCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "path to the stack's Pulumi.<stack>.yaml")
	nowFlag := fs.String("now", "", "judge approvals and grants at this date (YYYY-MM-DD); default today")
	first := fs.Bool("first-preview", false, "plan as the first preview of a new stack sees it: computed values (ids, ARNs) unknown")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *path == "" || fs.NArg() > 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	now := time.Now().UTC()
	if *nowFlag != "" {
		t, err := time.Parse(time.DateOnly, *nowFlag)
		if err != nil {
			fmt.Fprintf(stderr, "odoo-hosting plan: --now %q is not a date YYYY-MM-DD\n", *nowFlag)
			return 2
		}
		now = t
	}
	bp, err := stacks.Prepare(*path, now)
	var probs problems.List
	switch {
	case errors.As(err, &probs):
		fmt.Fprintf(stderr, "%s: %d problem(s):\n", *path, len(probs))
		for _, p := range probs {
			fmt.Fprintf(stderr, "  %s\n", p)
		}
		return 2
	case err != nil:
		fmt.Fprintf(stderr, "odoo-hosting plan: %v\n", err)
		return 2
	}
	out, err := offline.PlanWith(bp, plan.Options{FirstPreview: *first})
	if err != nil {
		fmt.Fprintf(stderr, "odoo-hosting plan: %v\n", err)
		return 1
	}
	b, err := out.JSON()
	if err != nil {
		fmt.Fprintf(stderr, "odoo-hosting plan: %v\n", err)
		return 1
	}
	_, _ = stdout.Write(b)
	fmt.Fprintf(stderr, "%s: %d resources planned\n", bp, len(out.Steps))
	return 0
}
