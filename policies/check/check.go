// Package check is the `odoo-hosting check` command: it judges the JSON of
// `pulumi preview --json`, `pulumi stack export` or the offline plan against the
// policy pack and exits 0 (nothing mandatory violated), 1 (a mandatory
// violation) or 2 (the input or the flags cannot be read).
package check

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/octura/odoo-hosting/internal/jurisdiction"
	"github.com/octura/odoo-hosting/policies"
	"github.com/octura/odoo-hosting/policies/input"
	"github.com/octura/odoo-hosting/policies/output"
)

// Exit codes.
const (
	OK        = 0
	Violated  = 1
	BadInput  = 2
	usageLine = "usage: odoo-hosting check [--format text|json|sarif] [--jurisdiction us|ca|eu] [--tier t] [--cloud aws|gcp] [--region r] [--backup-region r] [--environment e] [--now YYYY-MM-DD] <file|->"
)

// Main runs the command; args exclude the program and subcommand names.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	// A plan is read and judged once and the command ends: collect garbage
	// rarely (a tenth of the CPU time on a 10,000-resource plan), within a
	// memory limit.
	defer debug.SetGCPercent(debug.SetGCPercent(800))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(2 << 30))
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, usageLine)
		fs.PrintDefaults()
	}
	format := fs.String("format", "text", "output format: text, json or sarif")
	var cfg policies.Stack
	j := fs.String("jurisdiction", "", "jurisdiction for programs without the root component "+policies.RootType)
	fs.StringVar(&cfg.Tier, "tier", "", "tier: odoo-sh, cloud, enterprise, on-premise")
	fs.StringVar(&cfg.Cloud, "cloud", "", "cloud: aws or gcp")
	fs.StringVar(&cfg.Region, "region", "", "primary region")
	fs.StringVar(&cfg.BackupRegion, "backup-region", "", "backup region")
	fs.StringVar(&cfg.Environment, "environment", "", "production or non-production")
	now := fs.String("now", "", "judge approvals and expiries at this day (YYYY-MM-DD, UTC); default today")
	if err := fs.Parse(args); err != nil {
		return BadInput
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, usageLine)
		return BadInput
	}
	if *j != "" {
		jj, err := jurisdiction.Parse(*j)
		if err != nil {
			fmt.Fprintf(stderr, "check: --jurisdiction: %v\n", err)
			return BadInput
		}
		cfg.Jurisdiction = jj
	}
	if !slices.Contains(output.Formats, *format) {
		fmt.Fprintf(stderr, "check: --format %q is unknown; allowed: %s\n", *format, strings.Join(output.Formats, ", "))
		return BadInput
	}
	opts := policies.Options{}
	if *now != "" {
		t, err := time.Parse("2006-01-02", *now)
		if err != nil {
			fmt.Fprintf(stderr, "check: --now %q is not YYYY-MM-DD\n", *now)
			return BadInput
		}
		opts.Now = t
	}
	if cfg.Jurisdiction != "" || cfg.Tier != "" || cfg.Cloud != "" || cfg.Region != "" || cfg.BackupRegion != "" || cfg.Environment != "" {
		opts.Stack = &cfg
	}
	name := fs.Arg(0)
	r := stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintf(stderr, "check: %v\n", err)
			return BadInput
		}
		defer func() { _ = f.Close() }()
		r = f
	}
	doc, err := input.ReadDocument(r)
	if err != nil {
		fmt.Fprintf(stderr, "check: %s: %v\n", displayName(name), err)
		return BadInput
	}
	opts.Config = doc.Config
	rep := policies.Evaluate(doc.Resources, opts)
	if err := output.Write(stdout, *format, rep); err != nil {
		fmt.Fprintf(stderr, "check: writing output: %v\n", err)
		return BadInput
	}
	if rep.Mandatory() > 0 {
		return Violated
	}
	return OK
}

func displayName(n string) string {
	if n == "-" {
		return "stdin"
	}
	return n
}
