package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const export = `{"version":3,"deployment":{"resources":[
 {"urn":"u:db","type":"aws:rds/instance:Instance","parent":"u:c","custom":true,"retainOnDelete":true},
 {"urn":"u:sg","type":"aws:ec2/securityGroup:SecurityGroup","parent":"u:c","custom":true},
 {"urn":"u:p","type":"pulumi:providers:aws","custom":true},
 {"urn":"u:c","type":"odoo-hosting:stack:Customer"}]}}`

func check(t *testing.T, want int, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	if got := run(args, &out); got != want {
		t.Fatalf("%v: exit %d, want %d; output:\n%s", args, got, want, out.String())
	}
	return out.String()
}

func TestDestroyKeepsDataAndDeletesTheRest(t *testing.T) {
	dir := t.TempDir()
	exp := write(t, dir, "export.json", export)
	check(t, 0, "destroy", exp, write(t, dir, "ok.jsonl", `{"method":"Delete","urn":"u:sg"}`+"\n"))
	out := check(t, 1, "destroy", exp, write(t, dir, "bad.jsonl", `{"method":"Delete","urn":"u:db"}`+"\n"))
	if !strings.Contains(out, "data resource deleted: u:db") || !strings.Contains(out, "not deleted: u:sg") {
		t.Errorf("output:\n%s", out)
	}
}

func TestPlanInExport(t *testing.T) {
	dir := t.TempDir()
	exp := write(t, dir, "export.json", export)
	check(t, 0, "plan-in-export", write(t, dir, "ok.json", `{"steps":[{"urn":"u:db","newState":{"type":"aws:rds/instance:Instance","parent":"u:c"}}]}`), exp)
	out := check(t, 1, "plan-in-export", write(t, dir, "bad.json", `{"steps":[
	 {"urn":"u:db","newState":{"type":"aws:rds/instance:Instance","parent":"u:other"}},
	 {"urn":"u:gone","newState":{"type":"x"}}]}`), exp)
	if !strings.Contains(out, "parent u:c, planned u:other: u:db") || !strings.Contains(out, "not deployed: u:gone") {
		t.Errorf("output:\n%s", out)
	}
}

func TestRecordAssertions(t *testing.T) {
	dir := t.TempDir()
	preview := write(t, dir, "preview.jsonl", `{"method":"Check","urn":"u:db"}`+"\n"+`{"method":"Create","preview":true,"urn":"u:db"}`+"\n")
	check(t, 0, "no-mutation", preview)
	created := write(t, dir, "created.jsonl", `{"method":"Create","urn":"u:db"}`+"\n")
	check(t, 1, "no-mutation", created)
	check(t, 1, "in-place", created)
	check(t, 1, "in-place", preview) // nothing updated
	check(t, 0, "in-place", write(t, dir, "update.jsonl", `{"method":"Update","urn":"u:sg"}`+"\n"))
	if got := check(t, 0, "count", write(t, dir, "e.json", export)); got != "4\n" {
		t.Errorf("count = %q", got)
	}
}

// BAK-6: the replace check picks a protected data resource of the stack's cloud:
// the Cloud SQL instance, else a protected bucket (never an unprotected one).
func TestBAK6_ProtectedPicksTheFirstProtectedDataResource(t *testing.T) {
	dir := t.TempDir()
	exp := write(t, dir, "gcp.json", `{"deployment":{"resources":[
	 {"urn":"u:logs","type":"gcp:storage/bucket:Bucket","custom":true},
	 {"urn":"u:backup","type":"gcp:storage/bucket:Bucket","custom":true,"protect":true},
	 {"urn":"u:db","type":"gcp:sql/databaseInstance:DatabaseInstance","custom":true,"protect":true}]}}`)
	if got := check(t, 0, "protected", exp, "gcp:sql/databaseInstance:DatabaseInstance", "gcp:storage/bucket:Bucket"); got != "u:db\n" {
		t.Errorf("protected = %q, want u:db", got)
	}
	if got := check(t, 0, "protected", exp, "aws:rds/instance:Instance", "gcp:storage/bucket:Bucket"); got != "u:backup\n" {
		t.Errorf("protected = %q, want u:backup", got)
	}
	if out := check(t, 1, "protected", exp, "aws:rds/instance:Instance"); !strings.Contains(out, "no protected resource") {
		t.Errorf("output:\n%s", out)
	}
}

// BAK-5: switching GFS off on GCP deletes the weekly and monthly transfer jobs
// (they hold no data); any other delete or a create still fails in-place.
func TestBAK5_InPlaceAllowsDeletingTheListedTypesOnly(t *testing.T) {
	dir := t.TempDir()
	rec := write(t, dir, "gfs.jsonl", `{"method":"Update","urn":"u:bucket","type":"gcp:storage/bucket:Bucket"}`+"\n"+
		`{"method":"Delete","urn":"u:weekly","type":"gcp:storage/transferJob:TransferJob"}`+"\n")
	check(t, 1, "in-place", rec)
	check(t, 0, "in-place", rec, "gcp:storage/transferJob:TransferJob")
	bad := write(t, dir, "bad.jsonl", `{"method":"Update","urn":"u:bucket","type":"gcp:storage/bucket:Bucket"}`+"\n"+
		`{"method":"Delete","urn":"u:bucket2","type":"gcp:storage/bucket:Bucket"}`+"\n"+
		`{"method":"Create","urn":"u:weekly","type":"gcp:storage/transferJob:TransferJob"}`+"\n")
	if out := check(t, 1, "in-place", bad, "gcp:storage/transferJob:TransferJob"); !strings.Contains(out, "Delete u:bucket2") || !strings.Contains(out, "Create u:weekly") {
		t.Errorf("output:\n%s", out)
	}
}
