// Command pulumi-run runs a Pulumi CLI operation (up, preview, destroy, refresh) of
// a compiled Go Pulumi program without the Go language host.
//
// The Go language host (pulumi-language-go) cannot be installed here (the module
// proxy refuses it; docs/decisions/0007-real-engine-test.md). pulumi-run serves the
// LanguageRuntime protocol itself: the CLI is started as
// `pulumi <op> --client=127.0.0.1:<port> ...` and, when the engine asks to run the
// program, pulumi-run executes the program binary with the environment the Go
// language host gives it (PULUMI_MONITOR, PULUMI_ENGINE, PULUMI_CONFIG, ...), which
// pulumi.Run reads. Everything else (engine, providers, policy packs, backend,
// progress display) is the stock CLI's.
//
//	pulumi-run -program bin/odoo-hosting-program [-pulumi bin/pulumi] -- up --stack acme-eu --yes
//
// The exit status is the CLI's.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strconv"

	"github.com/pulumi/pulumi/sdk/v3/go/common/constant"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

func main() {
	program := flag.String("program", "", "the compiled Pulumi program")
	cli := flag.String("pulumi", "pulumi", "the Pulumi CLI")
	flag.Parse()
	args := flag.Args()
	if *program == "" || len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: pulumi-run -program BIN [-pulumi CLI] -- <up|preview|destroy|refresh> [pulumi flags]")
		os.Exit(2)
	}
	os.Exit(run(*program, *cli, args))
}

func run(program, cli string, args []string) int {
	host := &langHost{program: program}
	cancel := make(chan bool)
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "pulumi-run:", err)
		return 2
	}
	full := append([]string{args[0], "--client=127.0.0.1:" + strconv.Itoa(handle.Port)}, args[1:]...)
	cmd := exec.Command(cli, full...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err = cmd.Run()
	close(cancel)
	<-handle.Done
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return exit.ExitCode()
	case err != nil:
		fmt.Fprintln(os.Stderr, "pulumi-run:", err)
		return 2
	}
	return 0
}

// langHost is the LanguageRuntime service for one compiled Go program.
type langHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	program string
}

func (h *langHost) GetRequiredPlugins(context.Context, *pulumirpc.GetRequiredPluginsRequest) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *langHost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: "1.0.0"}, nil
}

func (h *langHost) InstallDependencies(*pulumirpc.InstallDependenciesRequest, pulumirpc.LanguageRuntime_InstallDependenciesServer) error {
	return nil
}

// Run executes the program; its output goes to stderr so that `--json` stays clean.
func (h *langHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	env, err := programEnv(req)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, h.program)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if req.GetPwd() != "" {
		cmd.Dir = req.GetPwd()
	}
	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return &pulumirpc.RunResponse{}, nil
	case errors.As(err, &exit) && exit.ExitCode() == constant.ExitStatusLoggedError:
		// The program reported its error to the engine already.
		return &pulumirpc.RunResponse{Bail: true}, nil
	}
	return &pulumirpc.RunResponse{Error: fmt.Sprintf("%s: %v", h.program, err)}, nil
}

// programEnv is the environment pulumi.Run reads (sdk/go/pulumi/run.go).
func programEnv(req *pulumirpc.RunRequest) ([]string, error) {
	cfg, err := json.Marshal(req.GetConfig())
	if err != nil {
		return nil, err
	}
	keys := req.GetConfigSecretKeys()
	if keys == nil {
		keys = []string{}
	}
	secretKeys, err := json.Marshal(keys)
	if err != nil {
		return nil, err
	}
	engine := ""
	if len(req.GetArgs()) > 0 {
		engine = req.GetArgs()[0]
	}
	root := req.GetInfo().GetRootDirectory()
	return []string{
		"PULUMI_MONITOR=" + req.GetMonitorAddress(),
		"PULUMI_ENGINE=" + engine,
		"PULUMI_PROJECT=" + req.GetProject(),
		"PULUMI_STACK=" + req.GetStack(),
		"PULUMI_ORGANIZATION=" + req.GetOrganization(),
		"PULUMI_ROOT_DIRECTORY=" + root,
		"PULUMI_CONFIG=" + string(cfg),
		"PULUMI_CONFIG_SECRET_KEYS=" + string(secretKeys),
		"PULUMI_DRY_RUN=" + strconv.FormatBool(req.GetDryRun()),
		"PULUMI_PARALLEL=" + strconv.Itoa(int(req.GetParallel())),
	}, nil
}
