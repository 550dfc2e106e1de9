#!/usr/bin/env bash
# Real-engine end-to-end tests of every example (docs/decisions/0057-e2e-every-example.md).
#
# The pinned Pulumi CLI (built from source by tools/build.sh, cached) runs the real
# program (through tests/e2e/pulumi-run) with the policy pack, against the simulated
# aws/gcp/cloudflare providers (tests/sim) and a file backend in a temporary
# directory, offline. Per example stack:
#   preview with the pack passes; up succeeds; `pulumi stack export` holds every
#   resource of the offline plan with the same type and parent; a second preview
#   shows no changes; a non-data setting change (backup retention or GFS) updates in
#   place; on production, replacing a data resource is refused before anything is
#   touched; violating variants (region outside the jurisdiction, a backup copy
#   across a border, an expired approval) fail preview and create nothing; destroy
#   keeps every data resource (retainOnDelete) and deletes the rest.
#
#   bash tests/e2e/run.sh                 # every examples/*/Pulumi.*.yaml
#   E2E_EXAMPLES="examples/acme-eu/Pulumi.acme-eu.yaml" bash tests/e2e/run.sh
#
# Environment: E2E_PULUMI_ROOT (CLI cache, see tools/engine.sh), E2E_KEEP=1 (keep
# the temporary directory), E2E_NETNS=auto|0|1 (run inside `unshare -n`, loopback only).
# Each check prints one line PASS/FAIL naming the stack; the last line is
# `N passed, N failed`; the exit status is non-zero on any failure.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
t0=$(date +%s)
passed=0 failed=0
pass() { passed=$((passed + 1)); echo "PASS: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
finish() {
  echo "e2e: $(( $(date +%s) - t0 ))s in all"
  echo "$passed passed, $failed failed"
  [[ $failed -eq 0 ]]
  exit
}
command -v go >/dev/null 2>&1 || export PATH=/usr/local/go/bin:$PATH

# --- build: CLI (cached), program, pack, pulumi-run, simulators --------------------
tmp="$(mktemp -d "${TMPDIR:-/tmp}/odoo-hosting-e2e.XXXXXX")"
if [[ "${E2E_KEEP:-}" == 1 ]]; then echo "e2e: keeping $tmp"; else trap 'rm -rf "$tmp"' EXIT; fi
export ENGINE_DIR="$tmp/engine"
s=$(date +%s)
bash "$repo/tools/engine.sh" build >/tmp/odoo-hosting-e2e-build.log 2>&1 || { cat /tmp/odoo-hosting-e2e-build.log; fail "build (tools/engine.sh build)"; finish; }
echo "e2e: built in $(( $(date +%s) - s ))s"

export ENGINE_NO_BUILD=1
bin="$repo/bin"

netns=()
case "${E2E_NETNS:-auto}" in
  0) ;;
  *) if unshare -n true 2>/dev/null; then netns=(unshare -n); echo "e2e: every pulumi run is inside a network namespace with loopback only"
     elif [[ "${E2E_NETNS:-auto}" == 1 ]]; then fail "E2E_NETNS=1 but unshare -n is not permitted"; finish
     else echo "e2e: unshare -n not permitted; runs use the host network (no step needs it)"; fi ;;
esac
# engine OP CONFIG LOG [pulumi flags]: tools/engine.sh, offline; returns its status.
engine() {
  local op=$1 cfg=$2 log=$3; shift 3
  if [[ ${#netns[@]} -gt 0 ]]; then
    "${netns[@]}" bash -c 'ip link set lo up 2>/dev/null || true; exec "$@"' engine bash "$repo/tools/engine.sh" "$op" "$cfg" "$@" >"$log" 2>&1
  else
    bash "$repo/tools/engine.sh" "$op" "$cfg" "$@" >"$log" 2>&1
  fi
}
show() { sed 's/^/    | /' "$1" | tail -n "${2:-40}"; }
downloads() { grep -qiE 'downloading plugin|installing plugin' "$1"; }
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

# Violating variants by cloud and jurisdiction: a region outside it, a backup region
# across its border (GCP: London is outside the EU, Montréal outside the US).
outside_region() {
  case $1/$2 in
    aws/eu) echo eu-west-2 ;; aws/us) echo ca-central-1 ;; aws/ca) echo us-east-1 ;; aws/*) echo ap-south-1 ;;
    gcp/eu) echo europe-west2 ;; gcp/us) echo northamerica-northeast1 ;; gcp/ca) echo us-east4 ;; gcp/*) echo asia-south1 ;;
  esac
}
across_border() {
  case $1/$2 in
    aws/eu) echo us-east-1 ;; aws/us) echo eu-west-1 ;; aws/ca) echo us-east-1 ;; aws/*) echo eu-west-1 ;;
    gcp/eu) echo us-east4 ;; gcp/us) echo europe-west1 ;; gcp/ca) echo us-central1 ;; gcp/*) echo europe-west1 ;;
  esac
}
# The data resources whose replacement production refuses, by cloud: the database,
# else a backup bucket.
data_types() {
  case $1 in
    gcp) echo "gcp:sql/databaseInstance:DatabaseInstance gcp:storage/bucket:Bucket" ;;
    *) echo "aws:rds/instance:Instance aws:s3/bucketV2:BucketV2" ;;
  esac
}

examples=(${E2E_EXAMPLES:-$(cd "$repo" && ls examples/*/Pulumi.*.yaml)})
for rel in "${examples[@]}"; do
  cfg="$repo/${rel#"$repo/"}"
  base="$(basename "$cfg")"; st="${base#Pulumi.}"; st="${st%.yaml}"
  d="$tmp/$st"; mkdir -p "$d"
  juris="$(sed -n 's/^ *odoo-hosting:jurisdiction: *\([a-z]*\).*/\1/p' "$cfg")"
  cloud="$(sed -n 's/^ *odoo-hosting:cloud: *\([a-z]*\).*/\1/p' "$cfg")"; cloud="${cloud:-aws}"
  prod=0; grep -qE '^ *odoo-hosting:environment: *production' "$cfg" && prod=1
  echo "e2e: $st ($cloud, jurisdiction $juris, $([[ $prod == 1 ]] && echo production || echo non-production))"

  if ! "$bin/odoo-hosting" plan --config "$cfg" >"$d/plan.json" 2>"$d/plan.err"; then
    fail "$st: offline plan"; show "$d/plan.err"; continue
  fi

  # 1. preview with the pack
  t=$(date +%s%N); SIM_RECORD="$d/preview.jsonl" engine preview "$cfg" "$d/preview.log"; rc=$?
  if [[ $rc == 0 ]] && grep -qF "odoo-hosting@v0.1.0" "$d/preview.log" && ! downloads "$d/preview.log"; then
    pass "$st: preview with the policy pack passes ($(ms $t) ms)"
  else
    fail "$st: preview with the policy pack (exit $rc)"; show "$d/preview.log" 60
  fi

  # 2. up (its preview phase gates it; the pack is enforced)
  t=$(date +%s%N); SIM_RECORD="$d/up.jsonl" engine up "$cfg" "$d/up.log"; rc=$?
  if [[ $rc == 0 ]]; then
    pass "$st: up succeeds ($(ms $t) ms)"
  else
    fail "$st: up (exit $rc)"; show "$d/up.log" 60
    echo "    e2e: $st: deploying without the pack so that the remaining checks can run"
    SIM_RECORD="$d/up-nopack.jsonl" ENGINE_NO_PACK=1 engine up "$cfg" "$d/up-nopack.log" || { show "$d/up-nopack.log"; fail "$st: up without the pack"; continue; }
  fi

  # 3. the export holds every planned resource, same type and parent
  if engine pulumi "$cfg" "$d/export.log" stack export --file "$d/export.json" &&
     "$bin/e2echeck" plan-in-export "$d/plan.json" "$d/export.json" >"$d/plan-in-export.txt"; then
    pass "$st: stack export holds all $(grep -c '"op"' "$d/plan.json" | tr -d ' ') planned resources with their type and parent ($("$bin/e2echeck" count "$d/export.json") resources)"
  else
    fail "$st: stack export against the offline plan"; show "$d/export.log" 5; show "$d/plan-in-export.txt"
  fi

  # 4. a second preview shows no changes
  SIM_RECORD="$d/preview2.jsonl" engine preview "$cfg" "$d/preview2.log" --expect-no-changes; rc=$?
  if [[ $rc == 0 ]] && "$bin/e2echeck" no-mutation "$d/preview2.jsonl" >/dev/null; then
    pass "$st: a second preview shows no changes"
  else
    fail "$st: second preview (exit $rc)"; show "$d/preview2.log" 60
  fi

  # 5. a non-data setting updates in place (retention; with GFS, which fixes the
  #    retention, GFS itself)
  #    (on GCP, GFS off also deletes the weekly and monthly transfer jobs, which hold
  #    no data)
  change="odoo-hosting:backup.retentionDays=36" turned_off=()
  if grep -qE '^ +gfs: true' "$cfg"; then
    change="odoo-hosting:backup.gfs=false"
    [[ $cloud == gcp ]] && turned_off=(gcp:storage/transferJob:TransferJob)
  fi
  SIM_RECORD="$d/update.jsonl" ENGINE_SET="$change" engine up "$cfg" "$d/update.log"; rc=$?
  if [[ $rc == 0 ]] && "$bin/e2echeck" in-place "$d/update.jsonl" "${turned_off[@]}" >"$d/update.txt"; then
    gone=""; [[ ${#turned_off[@]} -gt 0 ]] && gone=", $(grep -c '"method":"Delete"' "$d/update.jsonl" | tr -d ' ') ${turned_off[0]##*:} resources turned off"
    pass "$st: ${change#odoo-hosting:} updates $(grep -c '"method":"Update"' "$d/update.jsonl" | tr -d ' ') resources in place, nothing created or replaced$gone"
  else
    fail "$st: ${change#odoo-hosting:} in place (exit $rc)"; show "$d/update.txt"; show "$d/update.log"
  fi

  # 6. production: replacing a data resource is refused before anything is touched
  if [[ $prod == 1 ]]; then
    data_urn="$("$bin/e2echeck" protected "$d/export.json" $(data_types "$cloud"))"
    SIM_RECORD="$d/replace.jsonl" engine up "$cfg" "$d/replace.log" --replace "$data_urn"; rc=$?
    if [[ $rc != 0 ]] && grep -q "unable to replace resource" "$d/replace.log" && "$bin/e2echeck" no-mutation "$d/replace.jsonl" >"$d/replace.txt"; then
      pass "$st: replacing ${data_urn##*::} is refused (protect), nothing touched"
    else
      fail "$st: replacing ${data_urn##*::} (exit $rc)"; show "$d/replace.txt"; show "$d/replace.log"
    fi
  fi

  # 7. violating variants fail preview and create nothing
  variant() {
    local name=$1 set=$2 want=$3
    SIM_RECORD="$d/v-$name.jsonl" ENGINE_SET="$set" engine preview "$cfg" "$d/v-$name.log"; local rc=$?
    if [[ $rc != 0 ]] && grep -qF -- "$want" "$d/v-$name.log" && "$bin/e2echeck" no-mutation "$d/v-$name.jsonl" >/dev/null; then
      pass "$st: variant $name fails preview ($want), nothing created"
    else
      fail "$st: variant $name (exit $rc, want \"$want\")"; show "$d/v-$name.log"
    fi
  }
  r="$(outside_region "$cloud" "$juris")"; variant "region-$r" "odoo-hosting:region=$r" "outside jurisdiction $juris"
  b="$(across_border "$cloud" "$juris")"; variant "backup-in-$b" "odoo-hosting:backupRegion=$b" "outside jurisdiction $juris"
  if grep -q 'odoo-hosting:approvals:' "$cfg"; then
    variant "expired-approval" "@expire-approvals=2026-01-31" "RES-4"
  fi

  # 8. destroy keeps every data resource
  engine pulumi "$cfg" "$d/export2.log" stack export --file "$d/export2.json"
  if [[ $prod == 1 ]]; then engine pulumi "$cfg" "$d/unprotect.log" state unprotect --all --yes; fi
  SIM_RECORD="$d/destroy.jsonl" engine destroy "$cfg" "$d/destroy.log"; rc=$?
  if [[ $rc == 0 ]] && "$bin/e2echeck" destroy "$d/export2.json" "$d/destroy.jsonl" >"$d/destroy.txt"; then
    pass "$st: destroy deletes $(grep -c '"method":"Delete"' "$d/destroy.jsonl" | tr -d ' ') resources and keeps every data resource ($(grep -c '"retainOnDelete": true' "$d/export2.json" | tr -d ' ') retained)"
  else
    fail "$st: destroy (exit $rc)"; show "$d/destroy.txt"; show "$d/destroy.log"
  fi
done
finish
