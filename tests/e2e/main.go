// Command odoo-hosting-e2e is the Pulumi program of tests/e2e, for a stock CLI
// with a Go language host (`pulumi preview` in this folder). run.sh drives the
// same program.Run through the Automation API instead (see driver/).
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/octura/odoo-hosting/tests/e2e/program"
)

func main() { pulumi.Run(program.Run) }
