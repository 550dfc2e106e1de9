package pack_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/octura/odoo-hosting/policies/pack"
)

var (
	once   sync.Once
	addr   string
	addErr error
)

// serve starts the pack's Analyzer server in-process, exactly as the plugin
// binary does (pack.Main prints its port on stdout), and returns its address.
func serve(t *testing.T) pulumirpc.AnalyzerClient {
	once.Do(func() {
		r, w, err := os.Pipe()
		if err != nil {
			addErr = err
			return
		}
		stdout := os.Stdout
		os.Stdout = w
		go func() { _ = pack.Main() }()
		line, err := bufio.NewReader(r).ReadString('\n')
		os.Stdout = stdout
		if err != nil {
			addErr = err
			return
		}
		addr = "127.0.0.1:" + strings.TrimSpace(line)
	})
	if addErr != nil {
		t.Fatal(addErr)
	}
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return pulumirpc.NewAnalyzerClient(conn)
}

func props(t *testing.T, m resource.PropertyMap) *structpb.Struct {
	s, err := plugin.MarshalProperties(m, plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const stack = "urn:pulumi:acme::odoo-hosting::"

func TestAnalyzerOverGRPC(t *testing.T) {
	c := serve(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := c.Handshake(ctx, &pulumirpc.AnalyzerHandshakeRequest{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ConfigureStack(ctx, &pulumirpc.AnalyzerStackConfigureRequest{Stack: "acme", Project: "odoo-hosting", DryRun: true}); err != nil {
		t.Fatal(err)
	}
	info, err := c.GetAnalyzerInfo(ctx, &emptypb.Empty{})
	if err != nil {
		t.Fatal(err)
	}
	levels := map[string]pulumirpc.EnforcementLevel{}
	for _, p := range info.Policies {
		levels[p.Name] = p.EnforcementLevel
	}
	if info.Name != "odoo-hosting" || len(info.Policies) != 37 || levels["RES-2"] != pulumirpc.EnforcementLevel_MANDATORY || levels["RES-4-approved"] != pulumirpc.EnforcementLevel_ADVISORY {
		t.Fatalf("analyzer info: %s, %d policies, %v", info.Name, len(info.Policies), levels)
	}
	if _, err := c.Configure(ctx, &pulumirpc.ConfigureAnalyzerRequest{}); err != nil {
		t.Fatal(err)
	}

	unknown := resource.MakeComputed(resource.NewStringProperty(""))
	rootURN := stack + "odoo-hosting:stack:Customer::acme-eu-west-1"
	rootProps := resource.NewPropertyMapFromMap(map[string]any{
		"customer": "acme", "environment": "production", "tier": "cloud", "cloud": "aws",
		"jurisdiction": "eu", "region": "eu-west-1", "backupRegion": "eu-central-1",
	})
	us := &pulumirpc.AnalyzerProviderResource{Type: "pulumi:providers:aws", Urn: stack + "pulumi:providers:aws::us", Name: "us",
		Properties: props(t, resource.PropertyMap{"region": resource.NewStringProperty("us-east-1")})}
	later := &pulumirpc.AnalyzerProviderResource{Type: "pulumi:providers:aws", Urn: stack + "pulumi:providers:aws::later", Name: "later",
		Properties: props(t, resource.PropertyMap{"region": unknown})}

	// Analyze (per resource, as during a preview) with unknown inputs must not fail.
	for _, r := range []*pulumirpc.AnalyzeRequest{
		{Type: "odoo-hosting:stack:Customer", Urn: rootURN, Name: "acme-eu-west-1", Properties: props(t, rootProps)},
		{Type: "aws:s3/bucketV2:BucketV2", Urn: stack + "aws:s3/bucketV2:BucketV2::b", Name: "b", Provider: later,
			Properties: props(t, resource.PropertyMap{"bucket": unknown, "tags": resource.NewObjectProperty(resource.PropertyMap{"x": unknown})})},
	} {
		if _, err := c.Analyze(ctx, r); err != nil {
			t.Fatalf("Analyze %s: %v", r.Urn, err)
		}
	}

	resp, err := c.AnalyzeStack(ctx, &pulumirpc.AnalyzeStackRequest{Resources: []*pulumirpc.AnalyzerResource{
		{Type: "odoo-hosting:stack:Customer", Urn: rootURN, Name: "acme-eu-west-1", Properties: props(t, rootProps)},
		{Type: "aws:kms/key:Key", Urn: stack + "aws:kms/key:Key::k", Name: "k", Provider: us, Parent: rootURN,
			Properties: props(t, resource.PropertyMap{"enableKeyRotation": resource.NewBoolProperty(true), "multiRegion": unknown}),
			Options:    &pulumirpc.AnalyzerResourceOptions{Protect: true}},
		{Type: "aws:s3/bucketV2:BucketV2", Urn: stack + "aws:s3/bucketV2:BucketV2::b", Name: "b", Provider: later, Parent: rootURN,
			Properties: props(t, resource.PropertyMap{"bucket": unknown})},
		// Unknown key ids: one resolved through its property dependencies (the key
		// k, in the volume's region), one without dependencies (ENC-3 blocks it).
		{Type: "aws:ebs/volume:Volume", Urn: stack + "aws:ebs/volume:Volume::resolved", Name: "resolved", Provider: us, Parent: rootURN,
			Properties:           props(t, resource.PropertyMap{"encrypted": resource.NewBoolProperty(true), "kmsKeyId": unknown}),
			PropertyDependencies: map[string]*pulumirpc.AnalyzerPropertyDependencies{"kmsKeyId": {Urns: []string{stack + "aws:kms/key:Key::k"}}}},
		{Type: "aws:ebs/volume:Volume", Urn: stack + "aws:ebs/volume:Volume::unresolved", Name: "unresolved", Provider: us, Parent: rootURN,
			Properties: props(t, resource.PropertyMap{"encrypted": resource.NewBoolProperty(true), "kmsKeyId": unknown})},
	}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, d := range resp.Diagnostics {
		got[d.PolicyName+" "+d.Urn] = d.EnforcementLevel.String()
	}
	for _, want := range []string{"RES-2 " + stack + "aws:kms/key:Key::k", "RES-2 " + stack + "aws:s3/bucketV2:BucketV2::b"} {
		if got[want] != "MANDATORY" {
			t.Errorf("missing mandatory %s; got %v", want, got)
		}
	}
	for _, d := range resp.Diagnostics {
		if d.PolicyName == "RES-2" && strings.Contains(d.Urn, "BucketV2") && !strings.Contains(d.Message, "unknown at preview") {
			t.Errorf("RES-2 for the bucket should say its region is unknown: %s", d.Message)
		}
	}
	if got["ENC-3 "+stack+"aws:ebs/volume:Volume::unresolved"] != "MANDATORY" || got["ENC-3 "+stack+"aws:ebs/volume:Volume::resolved"] != "" {
		t.Errorf("ENC-3 should resolve the unknown key through propertyDependencies only where they name it; got %v", got)
	}
	fmt.Fprintf(os.Stderr, "%d diagnostics\n", len(resp.Diagnostics))
}
