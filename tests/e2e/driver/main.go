// Command driver runs `pulumi preview` of tests/e2e's program under the real
// Pulumi engine, with a stock CLI built by tools/build.sh.
//
// No Go language host (pulumi-language-go) can be installed here, so the program
// runs through the Automation API: the SDK serves the language runtime in this
// process and the CLI is started as `pulumi preview --client=127.0.0.1:<port> ...`.
// Everything else (engine, plugin host, policy-pack loading and enforcement, the
// file backend) is the stock CLI's. Every CLI invocation is echoed to stderr.
//
//	driver -work DIR -stack NAME -pulumi BIN_DIR [-policy-pack PATH]...
//
// Exit status: 0 when the preview succeeds, 1 when it fails (its output and error
// are printed), 2 on a usage or setup error.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"

	"github.com/octura/odoo-hosting/tests/e2e/program"
)

type packs []string

func (p *packs) String() string     { return strings.Join(*p, ",") }
func (p *packs) Set(v string) error { *p = append(*p, v); return nil }

// echo wraps the CLI to print each invocation, so the log shows the exact commands.
type echo struct{ auto.PulumiCommand }

func (e echo) Run(ctx context.Context, workdir string, stdin io.Reader, out, errOut []io.Writer,
	env []string, args ...string,
) (string, string, int, error) {
	fmt.Fprintf(os.Stderr, "+ (cd %s && pulumi %s)\n", workdir, strings.Join(args, " "))
	return e.PulumiCommand.Run(ctx, workdir, stdin, out, errOut, env, args...)
}

func (e echo) Version() semver.Version { return e.PulumiCommand.Version() }

func main() {
	work := flag.String("work", "", "project directory (Pulumi.yaml and Pulumi.<stack>.yaml)")
	stack := flag.String("stack", "", "stack name (must exist in the current backend)")
	bin := flag.String("pulumi", "", "directory named bin holding the pulumi binary")
	timeout := flag.Duration("timeout", 5*time.Minute, "give up after this long")
	var pp packs
	flag.Var(&pp, "policy-pack", "policy pack (a directory with PulumiPolicy.yaml, or an analyzer binary); repeatable")
	flag.Parse()
	if *work == "" || *stack == "" || *bin == "" {
		flag.Usage()
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()

	// The Automation API runs <Root>/bin/pulumi.
	if filepath.Base(filepath.Clean(*bin)) != "bin" {
		fmt.Fprintln(os.Stderr, "driver: -pulumi must name a directory called bin holding the pulumi binary")
		os.Exit(2)
	}
	cmd, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: filepath.Dir(filepath.Clean(*bin)), SkipVersionCheck: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, "driver:", err)
		os.Exit(2)
	}
	ws, err := auto.NewLocalWorkspace(ctx, auto.WorkDir(*work), auto.Program(program.Run),
		auto.Pulumi(echo{cmd}))
	if err != nil {
		fmt.Fprintln(os.Stderr, "driver:", err)
		os.Exit(2)
	}
	st, err := auto.SelectStack(ctx, *stack, ws)
	if err != nil {
		fmt.Fprintln(os.Stderr, "driver:", err)
		os.Exit(2)
	}
	opts := []optpreview.Option{
		optpreview.ProgressStreams(os.Stdout),
		optpreview.ErrorProgressStreams(os.Stderr),
		optpreview.Color("never"),
	}
	if len(pp) > 0 {
		opts = append(opts, optpreview.PolicyPacks(pp...))
	}
	res, err := st.Preview(ctx, opts...)
	if err != nil {
		fmt.Fprintln(os.Stderr, "driver: preview failed:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "driver: preview succeeded: %v\n", res.ChangeSummary)
}
