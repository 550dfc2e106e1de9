#!/usr/bin/env bash
# Real-engine end-to-end test of the policy pack (docs/decisions/0007-real-engine-test.md).
#
# A stock Pulumi CLI (built from source by tools/build.sh, cached) runs
# `pulumi preview` of tests/e2e's program against a local file backend, with the
# odoo-hosting policy pack, offline: a compliant stack must pass, a stack whose
# region lies outside its jurisdiction must fail with RES-1.
#
#   bash tests/e2e/run.sh
#
# Environment:
#   E2E_PULUMI_ROOT  where the CLI is cached (<root>/bin/pulumi); default
#                    ${XDG_CACHE_HOME:-~/.cache}/odoo-hosting-e2e/pulumi-<version>
#   E2E_NETNS        auto (default): run the previews in a fresh network namespace
#                    with loopback only when `unshare -n` works (proves offline);
#                    0: never; 1: always (fail when unavailable)
#   E2E_KEEP=1       keep the temporary directory (backend, logs)
#
# The last line is `N passed, N failed`; the exit status is non-zero on any failure.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
tools="$repo/tools"
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
die() { fail "$*"; finish; }

command -v go >/dev/null 2>&1 || { [[ -x /usr/local/go/bin/go ]] && export PATH=/usr/local/go/bin:$PATH; }
command -v go >/dev/null 2>&1 || die "go is not installed"

# --- 1. the CLI (cached per pinned version) -----------------------------------------
version="$(cd "$tools" && go list -m -f '{{.Version}}' github.com/pulumi/pulumi/pkg/v3)" || die "tools/go.mod: cannot read the pinned pulumi version"
root="${E2E_PULUMI_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/odoo-hosting-e2e/pulumi-$version}"
pulumi="$root/bin/pulumi"
if [[ -x "$pulumi" ]] && [[ "$("$pulumi" version 2>/dev/null)" == "$version" ]]; then
  echo "e2e: reusing $pulumi ($version)"
else
  echo "e2e: building the Pulumi CLI $version from source (cold: ~5-9 min, ~3 GB of Go caches)"
  s=$(date +%s)
  bash "$tools/build.sh" "$root/bin" || die "tools/build.sh failed"
  echo "e2e: CLI built in $(( $(date +%s) - s ))s"
fi

# --- 2. the analyzer and the driver ----------------------------------------------------
tmp="$(mktemp -d "${TMPDIR:-/tmp}/odoo-hosting-e2e.XXXXXX")"
if [[ "${E2E_KEEP:-}" == 1 ]]; then echo "e2e: keeping $tmp"; else trap 'rm -rf "$tmp"' EXIT; fi
mkdir -p "$tmp/pack" "$tmp/fallback" "$tmp/state" "$tmp/home" "$tmp/work" "$tmp/logs"
s=$(date +%s)
(cd "$repo" && go build -o "$tmp/pack/pulumi-analyzer-policy-odoo-hosting" ./cmd/pulumi-analyzer-policy-odoo-hosting) ||
  die "build of the analyzer failed"
# A stock CLI given the pack directory (policies/, runtime go) and no Go language host
# starts the analyzer named after the runtime, pulumi-analyzer-policy-go, from PATH.
cp "$tmp/pack/pulumi-analyzer-policy-odoo-hosting" "$tmp/fallback/pulumi-analyzer-policy-go"
(cd "$here" && go build -o "$tmp/driver" ./driver) || die "build of tests/e2e/driver failed"
echo "e2e: analyzer and driver built in $(( $(date +%s) - s ))s"

# --- 3. an offline file backend --------------------------------------------------------
cp "$here"/Pulumi*.yaml "$tmp/work/"
export PULUMI_HOME="$tmp/home"                       # no ~/.pulumi: credentials, plugins
export PULUMI_CONFIG_PASSPHRASE="odoo-hosting-e2e"  # the file backend's secrets provider
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK=true
export PULUMI_SKIP_CONFIRMATIONS=true
export PULUMI_DIY_BACKEND_NO_LEGACY_WARNING=true
unset PULUMI_ACCESS_TOKEN PULUMI_BACKEND_URL
export PATH="$root/bin:$PATH"

netns=()
case "${E2E_NETNS:-auto}" in
  0) ;;
  *) if unshare -n true 2>/dev/null; then netns=(unshare -n); echo "e2e: previews run in a network namespace with loopback only"
     elif [[ "${E2E_NETNS:-auto}" == 1 ]]; then die "E2E_NETNS=1 but unshare -n is not permitted"
     else echo "e2e: unshare -n not permitted; previews run with the host network (no step needs it)"; fi ;;
esac
# offline CMD...: runs CMD with no network but loopback (when netns is on).
offline() {
  if [[ ${#netns[@]} -gt 0 ]]; then
    "${netns[@]}" bash -c 'ip link set lo up 2>/dev/null || true; exec "$@"' offline "$@"
  else
    "$@"
  fi
}

cd "$tmp/work"
offline pulumi login "file://$tmp/state" >"$tmp/logs/login.log" 2>&1 || { cat "$tmp/logs/login.log"; die "pulumi login file:// failed"; }
for stack in compliant violating unapproved; do
  offline pulumi stack init "$stack" --non-interactive >>"$tmp/logs/login.log" 2>&1 ||
    { cat "$tmp/logs/login.log"; die "pulumi stack init $stack failed"; }
done

# --- 4. the previews ------------------------------------------------------------------
# preview NAME STACK WANT_EXIT(0|nonzero) MUST_CONTAIN... -- [driver args]
preview() {
  local name=$1 stack=$2 want=$3; shift 3
  local must=()
  while [[ $# -gt 0 && $1 != -- ]]; do must+=("$1"); shift; done
  shift
  local log="$tmp/logs/$name.log" s rc
  s=$(date +%s%N)
  offline "$tmp/driver" -work "$tmp/work" -stack "$stack" -pulumi "$root/bin" "$@" >"$log" 2>&1
  rc=$?
  local ms=$(( ($(date +%s%N) - s) / 1000000 ))
  local ok=1 why=""
  if [[ $want == 0 && $rc -ne 0 ]]; then ok=0 why="exit $rc, want 0"; fi
  if [[ $want == nonzero && $rc -eq 0 ]]; then ok=0 why="exit 0, want non-zero"; fi
  if [[ $want == nonzero && $rc -eq 2 ]]; then ok=0 why="driver setup error (exit 2)"; fi
  for m in "${must[@]}"; do
    grep -qF -- "$m" "$log" || { ok=0 why="${why:+$why; }output lacks \"$m\""; }
  done
  if grep -qiE 'downloading plugin|installing plugin|plugin.*download' "$log"; then ok=0 why="${why:+$why; }tried to download a plugin"; fi
  if [[ $ok == 1 ]]; then
    pass "$name (exit $rc, ${ms}ms)"
  else
    fail "$name: $why (${ms}ms); log:"
    sed 's/^/    | /' "$log"
  fi
  grep -E '^\+ \(cd ' "$log" | grep -F ' preview ' | sed 's/^/    /'
}

bin="$tmp/pack/pulumi-analyzer-policy-odoo-hosting"
preview compliant-passes compliant 0 "odoo-hosting@v0.1.0" "RES-4-approved" "approved by APR-2026-001" -- -policy-pack "$bin"
preview violating-fails-RES-1 violating nonzero "[mandatory]  RES-1" 'primary region "eu-west-2" (London, GB) is outside jurisdiction eu' -- -policy-pack "$bin"
preview unapproved-edge-fails unapproved nonzero "odoo-hosting@v0.1.0" "[mandatory]" "cloudflare" -- -policy-pack "$bin"
preview violating-passes-without-pack violating 0 "umbrella-eu-west-2" --
# The pack directory itself (policies/PulumiPolicy.yaml), as `--policy-pack policies`.
PATH="$tmp/fallback:$PATH" preview pack-dir-fails-RES-1 violating nonzero "(local: $repo/policies)" "[mandatory]  RES-1" -- -policy-pack "$repo/policies"

finish
