package policies

import (
	"fmt"
	"testing"
	"time"
)

// Boundary tests of the small GCP judgements (decision 0081); the cases in
// testdata/cases/gcp.yaml judge them through Evaluate.

func TestNET3_GCPFirewallIngressPerPort(t *testing.T) {
	fw := func(in map[string]any) *Resource {
		return &Resource{URN: "urn:fw", Type: "gcp:compute/firewall:Firewall", Inputs: in}
	}
	tcp := func(ports ...any) []any { return []any{map[string]any{"protocol": "tcp", "ports": ports}} }
	for _, c := range []struct {
		name string
		in   map[string]any
		want string
	}{
		{"two ports, two rules", map[string]any{"allows": tcp("8069", "8072"), "sourceRanges": []any{"35.191.0.0/16"}}, "tcp 8069-8069 [35.191.0.0/16] false; tcp 8072-8072 [35.191.0.0/16] false"},
		{"a port range", map[string]any{"allows": tcp("1000-2000"), "sourceTags": []any{"app"}}, "tcp 1000-2000 [] true"},
		{"no ports is every port", map[string]any{"allows": []any{map[string]any{"protocol": "udp"}}, "sourceRanges": []any{"10.0.0.0/8"}}, "udp 0-65535 [10.0.0.0/8] false"},
		{"icmp has no ports", map[string]any{"allows": []any{map[string]any{"protocol": "icmp"}}, "sourceRanges": []any{"10.0.0.0/8"}}, "icmp -1--1 [10.0.0.0/8] false"},
		{"no source admits everyone", map[string]any{"allows": tcp("22")}, "tcp 22-22 [0.0.0.0/0] false"},
		{"an unknown source is not everyone", map[string]any{"allows": tcp("22"), "sourceRanges": Unknown}, "tcp 22-22 [] false"},
		{"egress admits nothing", map[string]any{"direction": "EGRESS", "allows": tcp("443")}, ""},
		{"disabled admits nothing", map[string]any{"disabled": true, "allows": tcp("443")}, ""},
		{"deny admits nothing", map[string]any{"denies": []any{map[string]any{"protocol": "all"}}, "sourceRanges": []any{"0.0.0.0/0"}}, ""},
	} {
		got := ""
		for i, in := range gcpFirewallIngress(fw(c.in)) {
			if i > 0 {
				got += "; "
			}
			got += fmt.Sprintf("%s %v-%v %v %v", in.proto, in.from, in.to, in.cidrs, in.sg)
		}
		if got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}

func TestIAM3_GCPBreakGlassExpiresWithin24Hours(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	grant := func(expr string) *Resource {
		return &Resource{URN: "urn:g", Type: "gcp:projects/iAMMember:IAMMember", Inputs: map[string]any{"condition": map[string]any{"title": "break-glass", "expression": expr}}}
	}
	for expr, want := range map[string]int{
		`request.time < timestamp("2026-06-02T00:00:00Z")`:                         0,
		`request.time < timestamp("2026-06-02T00:00:01Z")`:                         1,
		`request.time <= timestamp('2026-06-01T12:00:00Z')`:                        0,
		`resource.type == "x" && request.time < timestamp("2026-06-01T01:00:00Z")`: 0,
		`resource.type == "x"`:             1,
		`request.time < timestamp("soon")`: 1,
		Unknown:                            0,
		`request.time > timestamp("2026-06-01T00:00:00Z")`:                                                     1,
		`request.time < timestamp("2026-06-01T23:59:59+00:00")`:                                                0,
		`request.time < timestamp("2026-06-02T00:00:00+01:00")`:                                                0,
		`request.time < timestamp("2026-06-02T00:30:00-00:30")`:                                                1,
		`request.time < timestamp("2026-06-02T00:00:00Z") || request.time > now`:                               1,
		`request.time < timestamp("2027-06-02T00:00:00Z") && request.time > now`:                               1,
		`request.time<timestamp("2026-06-01T10:00:00Z")`:                                                       0,
		`request.time < timestamp(  "2026-06-01T10:00:00Z"  )`:                                                 0,
		`request.time < timestamp("2026-06-01T10:00:00.5Z")`:                                                   0,
		`request.time < timestamp("2026-06-03T10:00:00Z") ` + "\n" + `&& true`:                                 1,
		`!(request.time < timestamp("2026-06-01T10:00:00Z"))`:                                                  1,
		`request.time < timestamp("2026-06-01T10:00:00Z") && request.time < timestamp("2026-07-01T10:00:00Z")`: 0,
	} {
		if got := len(gcpBreakGlassExpiry(grant(expr), now)); got != want {
			t.Errorf("%s: %d violations, want %d", expr, got, want)
		}
	}
	if !gcpBreakGlass(grant("x")) || gcpBreakGlass(&Resource{Inputs: map[string]any{"member": "group:ops@example.com"}}) {
		t.Error("break-glass is told by the condition's title or the member, nothing else")
	}
}

func TestENC3_GCPKeyLifetimeBoundaries(t *testing.T) {
	key := func(rot, destroy any) *Resource {
		return &Resource{URN: "urn:k", Type: gcpCryptoKeyType, Inputs: map[string]any{"rotationPeriod": rot, "destroyScheduledDuration": destroy}}
	}
	for _, c := range []struct {
		rot, destroy any
		want         int
	}{
		{"7776000s", "2592000s", 0}, {"7776001s", "2592000s", 1}, {"7776000s", "2591999s", 1},
		{nil, "2592000s", 1}, {Unknown, "2592000s", 0}, {"90d", "2592000s", 1}, {"86400s", nil, 1}, {"86400s", Unknown, 0},
	} {
		if got := len(gcpKeyLifetime(key(c.rot, c.destroy))); got != c.want {
			t.Errorf("rotation %v, destroy %v: %d violations, want %d", c.rot, c.destroy, got, c.want)
		}
	}
}

func TestBAK3_GCPRetentionBoundaries(t *testing.T) {
	b := func(rp map[string]any) *Resource {
		in := map[string]any{}
		if rp != nil {
			in["retentionPolicy"] = rp
		}
		return &Resource{URN: "urn:b", Type: gcpBucketType, Inputs: in}
	}
	for _, c := range []struct {
		rp         map[string]any
		production bool
		want       int
	}{
		{map[string]any{"retentionPeriod": 3024000.0, "isLocked": true}, true, 0},
		{map[string]any{"retentionPeriod": 3023999.0, "isLocked": true}, true, 1},
		{map[string]any{"retentionPeriod": 3024000.0, "isLocked": false}, true, 1},
		{map[string]any{"retentionPeriod": 3024000.0, "isLocked": false}, false, 0},
		{map[string]any{"retentionPeriod": 3024000.0}, true, 1},
		{map[string]any{"retentionPeriod": 3024000.0, "isLocked": Unknown}, true, 0},
		{nil, false, 1},
	} {
		if got := len(gcpImmutable(b(c.rp), 35, "their retention", c.production)); got != c.want {
			t.Errorf("%v (production %v): %d violations, want %d", c.rp, c.production, got, c.want)
		}
	}
}

func TestBAK5_GCPBackupsExpireWithinAYear(t *testing.T) {
	b := func(age any, retention any) *Resource {
		return &Resource{URN: "urn:b", Type: gcpBucketType, Inputs: map[string]any{
			"lifecycleRules":  []any{map[string]any{"action": map[string]any{"type": "Delete"}, "condition": map[string]any{"age": age}}},
			"retentionPolicy": map[string]any{"retentionPeriod": retention}}}
	}
	for _, c := range []struct {
		age, retention any
		want           int
	}{
		{365.0, 31536000.0, 0}, {366.0, 3024000.0, 1}, {35.0, 31536001.0, 1}, {nil, 3024000.0, 1},
	} {
		if got := len(gcpBak5(b(c.age, c.retention))); got != c.want {
			t.Errorf("age %v, retention %v: %d violations, want %d", c.age, c.retention, got, c.want)
		}
	}
}

func TestDAT2_GCPInstanceGroupAcrossZones(t *testing.T) {
	m := func(size any, zones ...any) *Resource {
		in := map[string]any{"targetSize": size}
		if zones != nil {
			in["distributionPolicyZones"] = zones
		}
		return &Resource{URN: "urn:m", Inputs: in}
	}
	for _, c := range []struct {
		r    *Resource
		want int
	}{
		{m(2.0), 0}, {m(1.0), 1}, {m(nil), 1}, {m(Unknown), 0}, {m(2.0, "europe-west1-b"), 1}, {m(2.0, "europe-west1-b", "europe-west1-c"), 0},
	} {
		if got := len(gcpAcrossZones(c.r)); got != c.want {
			t.Errorf("%v: %d violations, want %d", c.r.Inputs, got, c.want)
		}
	}
}

func TestBAK4_GCPRestoreTestAtLeastQuarterly(t *testing.T) {
	for sched, want := range map[string]int{
		"0 5 * * 1": 0, "0 5 1 */3 *": 0, "0 5 1 */4 *": 1, "0 5 1 1 *": 1, "every monday": 1, "0 5 * *": 1, Unknown: 0,
	} {
		j := &Resource{URN: "urn:j", Inputs: map[string]any{"schedule": sched}}
		if got := len(gcpRestoreSchedule(j)); got != want {
			t.Errorf("%q: %d violations, want %d", sched, got, want)
		}
	}
}
