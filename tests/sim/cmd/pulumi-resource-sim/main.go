// Command pulumi-resource-sim is the simulated provider plugin. Installed as
// pulumi-resource-aws, pulumi-resource-gcp or pulumi-resource-cloudflare, it serves
// that package (the name after "pulumi-resource-"); its version is taken from the
// plugin directory the engine found it in ($PULUMI_HOME/plugins/resource-<pkg>-v<version>/)
// or from SIM_VERSION. See package sim.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"github.com/octura/odoo-hosting/tests/sim"
)

func main() {
	exe, err := os.Executable()
	if err != nil {
		exe = os.Args[0]
	}
	pkg, version := identity(exe, os.Getenv("SIM_PACKAGE"), os.Getenv("SIM_VERSION"))
	if pkg == "" {
		fmt.Fprintln(os.Stderr, "pulumi-resource-sim: install me as pulumi-resource-<aws|gcp|cloudflare> or set SIM_PACKAGE")
		os.Exit(2)
	}
	p, err := sim.New(sim.Options{Package: pkg, Version: version}.FromEnv())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := provider.Main(pkg, func(*provider.HostClient) (pulumirpc.ResourceProviderServer, error) {
		return plugin.NewProviderServer(p), nil
	}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// identity derives the package and version from the executable's path:
// .../resource-aws-v6.83.0/pulumi-resource-aws -> aws, 6.83.0.
func identity(exe, pkgEnv, versionEnv string) (pkg, version string) {
	pkg, version = pkgEnv, versionEnv
	base := filepath.Base(exe)
	if pkg == "" && strings.HasPrefix(base, "pulumi-resource-") && base != "pulumi-resource-sim" {
		pkg = strings.TrimPrefix(base, "pulumi-resource-")
	}
	if dir := filepath.Base(filepath.Dir(exe)); version == "" && pkg != "" {
		if v, ok := strings.CutPrefix(dir, "resource-"+pkg+"-v"); ok {
			version = v
		}
	}
	return pkg, version
}
