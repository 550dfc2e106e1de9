package names

import (
	"strings"
	"testing"
)

func TestFit(t *testing.T) {
	if got := Fit("acme-eu-west-1-odoo", 24); got != "acme-eu-west-1-odoo" {
		t.Fatalf("a stem that fits is kept: %q", got)
	}
	long := "abbbbbbbbbbbbbbbbbbbbbbz-np-us-gov-east-1-odoo"
	got := Fit(long, 24)
	if len(got) != 24 || !strings.HasPrefix(got, "abbbbbbbbbbbbbbbbbb-") {
		t.Fatalf("Fit(%q, 24) = %q", long, got)
	}
	if Fit(long, 24) != got {
		t.Fatal("Fit is not deterministic")
	}
	if other := Fit("abbbbbbbbbbbbbbbbbbbbbbz-us-gov-east-1-odoo", 24); other == got {
		t.Fatalf("two stems with one head fit to the same name %q", got)
	}
	if got := Fit("ab-cdefghijklmnop", 10); got != "ab-cd-"+got[6:] || len(got) != 10 {
		t.Fatalf("Fit trims a trailing hyphen of the head: %q", got)
	}
}

func TestAutonamedFitsTheLimitWithPulumisSuffix(t *testing.T) {
	lb, _ := Lookup(LoadBalancer, "name")
	for _, stem := range []string{"acme-eu-west-1-odoo", "abbbbbbbbbbbbbbbbbbbbbbz-np-us-gov-east-1-odoo"} {
		if why := lb.CheckAutonamed(Autonamed(LoadBalancer, stem)); why != "" {
			t.Errorf("%s: %s", stem, why)
		}
	}
	if got := Autonamed(Role, "acme-eu-west-1-network-flow-logs"); got != "acme-eu-west-1-network-flow-logs" {
		t.Errorf("a role stem that fits is kept: %q", got)
	}
	if got := Autonamed("aws:unknown/thing:Thing", "x"); got != "x" {
		t.Errorf("an unknown type keeps its stem: %q", got)
	}
}

func TestCheck(t *testing.T) {
	rds, _ := Lookup("aws:rds/instance:Instance", "identifier")
	for name, want := range map[string]string{
		"acme-eu-west-1-db":     "",
		"acme--db":              "is not a valid RDS instance identifier; allowed: letters, digits and hyphens, starting with a letter, not ending with a hyphen, no two hyphens in a row",
		"1acme":                 "is not a valid RDS instance identifier; allowed: letters, digits and hyphens, starting with a letter, not ending with a hyphen, no two hyphens in a row",
		strings.Repeat("a", 64): "is 64 characters long; the limit for RDS instance identifiers is 63",
	} {
		if got := rds.Check(name); got != want {
			t.Errorf("Check(%q) = %q, want %q", name, got, want)
		}
	}
	lb, _ := Lookup(LoadBalancer, "name")
	if got := lb.Check("internal-acme"); got == "" {
		t.Error("a load balancer name starting internal- is refused")
	}
}

// TestCustomerSlug: the one customer-slug rule, read by the configuration and every
// component spec.
func TestCustomerSlug(t *testing.T) {
	for s, want := range map[string]bool{
		"acme": true, "ab": true, "acme-2": true, "public-sector": true, "abcdefghijklmnopqrstuvwx": true,
		"a": false, "abcdefghijklmnopqrstuvwxy": false, "Acme": false, "2acme": false, "acme-": false,
		"ac--me": false, "-acme": false, "acme_eu": false, "": false,
	} {
		if got := CustomerSlug(s); got != want {
			t.Errorf("CustomerSlug(%q) = %v; want %v", s, got, want)
		}
	}
}

// TestDAT1_Slug: a non-production stack's names carry "-np"; the component specs
// accept a customer slug with or without it, nothing else.
func TestDAT1_Slug(t *testing.T) {
	if got := Slug("acme", true) + " " + Slug("acme", false); got != "acme-np acme" {
		t.Errorf("Slug = %q", got)
	}
	for s, want := range map[string]bool{
		"acme": true, "acme-np": true, "abcdefghijklmnopqrstuvwx-np": true, "abcdefghijklmnopqrstuvwxy": false,
		"abcdefghijklmnopqrstuvwxy-np": false, "-np": false, "ac--me-np": false, "Acme-np": false,
	} {
		if got := ValidSlug(s); got != want {
			t.Errorf("ValidSlug(%q) = %v; want %v", s, got, want)
		}
	}
}
