package policies_test

import (
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/octura/odoo-hosting/policies"
	"github.com/octura/odoo-hosting/policies/check"
	"github.com/octura/odoo-hosting/policies/input"
	"github.com/octura/odoo-hosting/policies/internal/synth"
)

// cpuTime is the process's user and system CPU time: on a shared machine the
// wall clock measures the neighbours too, so the benchmarks report both.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// measure runs f b.N times and reports wall and CPU milliseconds per run.
func measure(b *testing.B, f func()) {
	b.Helper()
	b.ResetTimer()
	c0 := cpuTime()
	for i := 0; i < b.N; i++ {
		f()
	}
	cpu := cpuTime() - c0
	b.StopTimer()
	b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms/10k")
	b.ReportMetric(cpu.Seconds()*1000/float64(b.N), "cpu-ms/10k")
}

func BenchmarkRead10k(b *testing.B) {
	data := synth.Preview(10000)
	b.SetBytes(int64(len(data)))
	measure(b, func() {
		if _, err := input.ParseDocument(data); err != nil {
			b.Fatal(err)
		}
	})
}

func BenchmarkEvaluate10k(b *testing.B) {
	rs, _, err := input.Parse(synth.Preview(10000))
	if err != nil {
		b.Fatal(err)
	}
	opts := policies.Options{Now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)}
	var rep policies.Report
	measure(b, func() { rep = policies.Evaluate(rs, opts) })
	b.ReportMetric(float64(len(rep.Violations)), "violations")
}

// BenchmarkCheck10k is `odoo-hosting check` on a 10,000-resource preview file:
// reading, evaluating and writing the JSON report (the goal: under 100 ms).
func BenchmarkCheck10k(b *testing.B) {
	path := filepath.Join(b.TempDir(), "preview.json")
	data := synth.Preview(10000)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	measure(b, func() {
		if code := check.Main([]string{"--format", "json", "--now", "2026-06-01", path}, nil, io.Discard, io.Discard); code != check.Violated {
			b.Fatalf("check exited %d, want %d (the synthetic preview places some data outside)", code, check.Violated)
		}
	})
}
