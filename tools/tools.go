//go:build tools

// Package tools pins the Pulumi CLI that tests/e2e builds from source
// (docs/decisions/0007-real-engine-test.md). It is a separate module so the
// CLI's large dependency graph never enters the root module's go.mod.
//
// The Go language host (github.com/pulumi/pulumi/sdk/go/pulumi-language-go/v3)
// is not imported: the module proxy reachable here refuses every version of it
// (403 "This module version is not available"). tests/e2e runs its program
// through the Automation API's in-process language runtime instead
// (`pulumi preview --client=<addr>`), which needs no language host.
package tools

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
)
