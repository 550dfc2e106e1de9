// Command pulumi-analyzer-policy-odoo-hosting is the odoo-hosting policy pack as
// an analyzer plugin. Pass its path to the CLI:
// `pulumi preview --policy-pack bin/pulumi-analyzer-policy-odoo-hosting`. With
// `--policy-pack policies` the CLI builds the pack through the Go language host; where
// that host is missing it starts the plugin named after the pack's runtime,
// pulumi-analyzer-policy-go, from PATH, so install this binary under that name too
// (tests/e2e/run.sh does both).
package main

import (
	"fmt"
	"os"

	"github.com/octura/odoo-hosting/policies/pack"
)

func main() {
	if err := pack.Main(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
