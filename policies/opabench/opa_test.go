//go:build opa

package opabench

import (
	"context"
	_ "embed"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"

	"github.com/octura/odoo-hosting/internal/jurisdiction"
	"github.com/octura/odoo-hosting/policies"
	"github.com/octura/odoo-hosting/policies/input"
	"github.com/octura/odoo-hosting/policies/internal/synth"
)

//go:embed residency.rego
var module string

var dataTypes = []string{
	"aws:s3/bucketV2:BucketV2", "aws:s3/bucket:Bucket", "aws:rds/instance:Instance", "aws:rds/cluster:Cluster",
	"aws:efs/fileSystem:FileSystem", "aws:ebs/volume:Volume", "aws:backup/vault:Vault", "aws:kms/key:Key",
	"aws:kms/replicaKey:ReplicaKey", "aws:cloudwatch/logGroup:LogGroup", "aws:dynamodb/table:Table",
	"aws:sqs/queue:Queue", "aws:cloudtrail/trail:Trail",
}

// opaInput is the same resources as the Go core sees, as OPA input.
func opaInput(rs []policies.Resource) (ast.Value, error) {
	list := make([]any, 0, len(rs))
	for _, r := range rs {
		name := r.URN[strings.LastIndex(r.URN, "::")+2:]
		list = append(list, map[string]any{"urn": r.URN, "type": r.Type, "name": name, "provider": r.Provider, "inputs": r.Inputs})
	}
	return ast.InterfaceToValue(map[string]any{"resources": list})
}

func prepare(b *testing.B) rego.PreparedEvalQuery {
	allowed := map[string]any{}
	for _, r := range jurisdiction.Regions(jurisdiction.AWS, jurisdiction.EU) {
		allowed[r.Name] = true
	}
	types := map[string]any{}
	for _, t := range dataTypes {
		types[t] = true
	}
	store := inmem.NewFromObject(map[string]any{"allowed": allowed, "data_types": types})
	q, err := rego.New(rego.Query("data.odoo.residency.violations"), rego.Module("residency.rego", module), rego.Store(store)).PrepareForEval(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	return q
}

// BenchmarkResidencyGoVsOPA evaluates the residency rules (RES-2) over the same
// 10,000-resource preview with the Go core and with OPA, checks that both find
// the same violations, and reports both rates and their ratio.
func BenchmarkResidencyGoVsOPA(b *testing.B) {
	rs, _, err := input.Parse(synth.Preview(10000))
	if err != nil {
		b.Fatal(err)
	}
	in, err := opaInput(rs)
	if err != nil {
		b.Fatal(err)
	}
	q := prepare(b)
	opts := policies.Options{Now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), Controls: []string{"RES-2"}}

	// Same answer first.
	goRep := policies.Evaluate(rs, opts)
	res, err := q.Eval(context.Background(), rego.EvalParsedInput(in))
	if err != nil {
		b.Fatal(err)
	}
	opaN := len(res[0].Expressions[0].Value.([]any))
	if opaN != len(goRep.Violations) {
		b.Fatalf("Go found %d RES-2 violations, OPA %d", len(goRep.Violations), opaN)
	}

	b.ResetTimer()
	var goDur, opaDur time.Duration
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		_ = policies.Evaluate(rs, opts)
		t1 := time.Now()
		if _, err := q.Eval(context.Background(), rego.EvalParsedInput(in)); err != nil {
			b.Fatal(err)
		}
		goDur += t1.Sub(t0)
		opaDur += time.Since(t1)
	}
	n := float64(len(rs)) * float64(b.N)
	goRate, opaRate := n/goDur.Seconds(), n/opaDur.Seconds()
	b.ReportMetric(goRate, "go-resources/s")
	b.ReportMetric(opaRate, "opa-resources/s")
	b.ReportMetric(goRate/opaRate, "go/opa")
	b.ReportMetric(float64(goDur.Microseconds())/float64(b.N)/1000, "go-ms/10k")
	b.ReportMetric(float64(opaDur.Microseconds())/float64(b.N)/1000, "opa-ms/10k")
	fmt.Printf("residency over %d resources: Go %.0f resources/s (%.2f ms), OPA %.0f resources/s (%.2f ms), Go/OPA %.1fx, %d violations each\n",
		len(rs), goRate, goDur.Seconds()*1000/float64(b.N), opaRate, opaDur.Seconds()*1000/float64(b.N), goRate/opaRate, opaN)
}
