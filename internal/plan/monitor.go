package plan

import (
	"context"
	"reflect"
	"unsafe"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"
)

// A secret whose value is unknown (a dry run's secret input computed from another
// resource, e.g. pulumi-gcp's SSL certificate, whose `certificate` input the
// provider marks secret) reaches the monitor as an object with the secret
// signature and, as its value, the unknown sentinel: the SDK marshals
// resource inputs with KeepUnknowns and KeepSecrets (sdk/go/pulumi/context.go,
// prepareResourceInputs), and the engine reads them back the same way, as a secret
// wrapping an unknown. The SDK's mock monitor (sdk/go/pulumi/mocks.go, RegisterResource,
// pulumi sdk v3.259.0) unmarshals with KeepSecrets but without KeepUnknowns, so the
// unknown is dropped and plugin.UnmarshalPropertyValue fails with "malformed RPC
// secret: missing value". secretUnknownMonitor hands the mock a copy of the request in
// which such a secret is a bare unknown (which the mock drops, as it drops every
// unknown input) and keeps the object the program sent for NewResource, which records
// it as the engine does: a secret wrapping an unknown. Sources: the pinned SDK's
// mocks.go, context.go and common/resource/plugin/rpc.go (read in the module cache),
// and pulumi/pulumi#4272 "Enable features in mock monitor" (secrets in mocks).
type secretUnknownMonitor struct {
	pulumirpc.ResourceMonitorClient
	m *mocks
}

func (w secretUnknownMonitor) RegisterResource(ctx context.Context, in *pulumirpc.RegisterResourceRequest,
	opts ...grpc.CallOption,
) (*pulumirpc.RegisterResourceResponse, error) {
	if in.GetObject() != nil && hasSecretUnknown(structpb.NewStructValue(in.GetObject())) {
		cp := proto.Clone(in).(*pulumirpc.RegisterResourceRequest)
		unwrapSecretUnknowns(structpb.NewStructValue(cp.GetObject()))
		w.m.sent.Store(cp, in.GetObject())
		defer w.m.sent.Delete(cp)
		in = cp
	}
	return w.ResourceMonitorClient.RegisterResource(ctx, in, opts...)
}

// sentObject is the object the program sent with rpc.
func (m *mocks) sentObject(rpc *pulumirpc.RegisterResourceRequest) *structpb.Struct {
	if o, ok := m.sent.Load(rpc); ok {
		return o.(*structpb.Struct)
	}
	return rpc.GetObject()
}

// secretUnknown reports whether v is a marshalled secret whose value is an unknown.
func secretUnknown(v *structpb.Value) (*structpb.Value, bool) {
	s := v.GetStructValue()
	if s == nil || s.GetFields()[resource.SigKey].GetStringValue() != resource.SecretSig {
		return nil, false
	}
	val, ok := s.GetFields()["value"]
	if !ok {
		return nil, false
	}
	if u, err := plugin.UnmarshalPropertyValue("value", val, plugin.MarshalOptions{KeepUnknowns: true}); err == nil && u != nil && u.IsComputed() {
		return val, true
	}
	return nil, false
}

func hasSecretUnknown(v *structpb.Value) bool {
	if _, ok := secretUnknown(v); ok {
		return true
	}
	for _, f := range v.GetStructValue().GetFields() {
		if hasSecretUnknown(f) {
			return true
		}
	}
	for _, e := range v.GetListValue().GetValues() {
		if hasSecretUnknown(e) {
			return true
		}
	}
	return false
}

// unwrapSecretUnknowns replaces, in place, every secret whose value is unknown by the
// unknown itself.
func unwrapSecretUnknowns(v *structpb.Value) {
	if s := v.GetStructValue(); s != nil {
		for k, f := range s.GetFields() {
			if u, ok := secretUnknown(f); ok {
				s.GetFields()[k] = u
				continue
			}
			unwrapSecretUnknowns(f)
		}
	}
	if l := v.GetListValue(); l != nil {
		for i, e := range l.GetValues() {
			if u, ok := secretUnknown(e); ok {
				l.GetValues()[i] = u
				continue
			}
			unwrapSecretUnknowns(e)
		}
	}
}

// wrapMonitor installs secretUnknownMonitor around the SDK's mock monitor. The SDK
// offers the hook (RunInfo.wrapResourceMonitorClient) only to its own tests, so it is
// set by reflection; TestFirstPreviewCarriesASecretOfAnUnknown fails if a new SDK
// renames it.
func wrapMonitor(info *pulumi.RunInfo, m *mocks) {
	f := reflect.ValueOf(info).Elem().FieldByName("wrapResourceMonitorClient")
	wrap := func(c pulumirpc.ResourceMonitorClient) pulumirpc.ResourceMonitorClient {
		return secretUnknownMonitor{ResourceMonitorClient: c, m: m}
	}
	if !f.IsValid() || f.Type() != reflect.TypeOf(wrap) {
		return
	}
	reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem().Set(reflect.ValueOf(wrap))
}
