package policies_test

import (
	"testing"
	"time"

	"github.com/octura/odoo-hosting/policies"
	"github.com/octura/odoo-hosting/policies/input"
	"github.com/octura/odoo-hosting/policies/internal/synth"
)

func BenchmarkEvaluate10k(b *testing.B) {
	rs, _, err := input.Parse(synth.Preview(10000))
	if err != nil {
		b.Fatal(err)
	}
	opts := policies.Options{Now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)}
	var rep policies.Report
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rep = policies.Evaluate(rs, opts)
	}
	b.StopTimer()
	sec := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(float64(len(rs))/sec, "resources/s")
	b.ReportMetric(sec*1000, "ms/10k")
	b.ReportMetric(float64(len(rep.Violations)), "violations")
}

func BenchmarkReadAndEvaluate10k(b *testing.B) {
	data := synth.Preview(10000)
	b.SetBytes(int64(len(data)))
	for i := 0; i < b.N; i++ {
		rs, _, err := input.Parse(data)
		if err != nil {
			b.Fatal(err)
		}
		_ = policies.Evaluate(rs, policies.Options{})
	}
	b.ReportMetric(10000/(b.Elapsed().Seconds()/float64(b.N)), "resources/s")
}
