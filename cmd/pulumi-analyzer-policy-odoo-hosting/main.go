// Command pulumi-analyzer-policy-odoo-hosting is the odoo-hosting policy pack as
// an analyzer plugin. Put it on PATH and run
// `pulumi preview --policy-pack policies` (the engine falls back to the binary
// named pulumi-analyzer-policy-<runtime> when no Go language host is installed),
// or pass its path: `pulumi preview --policy-pack $(which pulumi-analyzer-policy-odoo-hosting)`.
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
