package problems

import (
	"errors"
	"testing"
)

func TestRendering(t *testing.T) {
	var l List
	l.Add("backupRegion", "us-east-1", "is outside jurisdiction eu", "eu-central-1, eu-north-1")
	l.Addf("tier", "", "odoo-sh, cloud", "is required on %s", "gcp")
	l.Linef("retentionDays %d is out of range; allowed: %s", 400, "1 to 365")
	l.Linef("jurisdiction: %v", `unknown jurisdiction "uk"; allowed: us, ca, eu`)
	l.Linef("magicTransit.prefixes is empty; give the customer's prefixes")
	want := `backupRegion "us-east-1" is outside jurisdiction eu; allowed: eu-central-1, eu-north-1
tier is required on gcp; allowed: odoo-sh, cloud
retentionDays 400 is out of range; allowed: 1 to 365
jurisdiction: unknown jurisdiction "uk"; allowed: us, ca, eu
magicTransit.prefixes is empty; give the customer's prefixes`
	if got := l.Error(); got != want {
		t.Fatalf("Error() =\n%s\nwant\n%s", got, want)
	}
	if got := l[2]; got != (Problem{Field: "retentionDays", Reason: "400 is out of range", Allowed: "1 to 365"}) {
		t.Fatalf("Linef parsed %+v", got)
	}
}

func TestPrefixAndErrors(t *testing.T) {
	var l List
	l.Linef("retentionDays 400 is out of range; allowed: 1 to 365")
	l.Linef("[0].name %q is used twice", "hq")
	l.AddError(errors.New("customer \"A\" is not a slug\nzones [] is empty"))
	var inner List
	inner.Add("cidr", "10.0.0.0/8", "is too wide", "/16 to /20")
	l.AddError(inner.Err())
	l.AddError(nil)
	got := l.Prefix("backup").Error()
	want := `backup.retentionDays 400 is out of range; allowed: 1 to 365
backup[0].name "hq" is used twice
backup.customer "A" is not a slug
backup.zones [] is empty
backup.cidr "10.0.0.0/8" is too wide; allowed: /16 to /20`
	if got != want {
		t.Fatalf("Prefix =\n%s\nwant\n%s", got, want)
	}
	if List(nil).Err() != nil {
		t.Fatal("an empty list is no error")
	}
	if l[0].Field != "retentionDays" {
		t.Fatal("Prefix changed the list it was called on")
	}
}
