#!/usr/bin/env bash
# The real Pulumi engine on this machine, offline (docs/decisions/0056-local-engine.md):
# the pinned CLI (built from source, cached), the real program, the policy pack and
# the simulated aws/gcp/cloudflare providers (tests/sim), against a file backend
# under the project. `make up|preview|destroy|refresh STACK=<example config>` call it.
#
#   bash tools/engine.sh build                       # CLI, program, pack, simulators into bin/
#   bash tools/engine.sh <up|preview|destroy|refresh> <path/to/Pulumi.<stack>.yaml> [pulumi flags...]
#   bash tools/engine.sh pulumi <stack config> <any pulumi args...>   # e.g. stack export
#
# Environment:
#   ENGINE_DIR       state, PULUMI_HOME, simulated cloud, work dirs (default <repo>/.engine, git-ignored)
#   ENGINE_NO_BUILD  1: do not (re)build; bin/ must be complete (used by tests/e2e/run.sh)
#   ENGINE_NO_PACK   1: run without the policy pack (benchmarks)
#   E2E_PULUMI_ROOT  where the CLI is cached (see tests/e2e/run.sh)
#   ENGINE_TIMING    a file: append "engine-timing: <op> <ms> ms" for the pulumi operation alone
#   ENGINE_SET       configuration overrides, one KEY[.FIELD...]=YAML a line (tests/e2e variants)
#   SIM_RECORD       the simulators' call record (default $ENGINE_DIR/sim/calls.jsonl)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
command -v go >/dev/null 2>&1 || export PATH=/usr/local/go/bin:$PATH
bin="$repo/bin"
dir="${ENGINE_DIR:-$repo/.engine}"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"

modver() { (cd "$1" && go list -m -f '{{.Version}}' "$2" 2>/dev/null) || true; }

build() {
  mkdir -p "$bin"
  local version root
  version="$(modver "$repo/tools" github.com/pulumi/pulumi/pkg/v3)"
  root="${E2E_PULUMI_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/odoo-hosting-e2e/pulumi-$version}"
  if ! [[ -x "$root/bin/pulumi" && "$("$root/bin/pulumi" version 2>/dev/null)" == "$version" ]]; then
    echo "engine: building the Pulumi CLI $version from source (cold: several minutes)" >&2
    bash "$repo/tools/build.sh" "$root/bin" >&2
  fi
  if ! [[ -x "$bin/pulumi" && "$("$bin/pulumi" version 2>/dev/null)" == "$version" ]]; then
    ln -f "$root/bin/pulumi" "$bin/pulumi" 2>/dev/null || cp "$root/bin/pulumi" "$bin/pulumi"
  fi
  (cd "$repo" && go build -o "$bin/odoo-hosting-program" . && go build -o "$bin/odoo-hosting" ./cmd/odoo-hosting && go build -o "$bin/pulumi-analyzer-policy-odoo-hosting" ./cmd/pulumi-analyzer-policy-odoo-hosting)
  (cd "$repo/tests/e2e" && go build -o "$bin/pulumi-run" ./pulumi-run && go build -o "$bin/stackcfg" ./stackcfg && go build -o "$bin/e2echeck" ./e2echeck)
  (cd "$repo/tests/sim" && go build -o "$bin/pulumi-resource-sim" ./cmd/pulumi-resource-sim)
}

install_plugins() {
  # The simulators, installed where the engine looks first: $PULUMI_HOME/plugins/resource-<pkg>-v<version>/.
  local mark="$dir/home/plugins/.installed"
  [[ -f "$mark" && "$mark" -nt "$bin/pulumi-resource-sim" ]] && return 0
  local aws cf gcp
  aws="$(modver "$repo" github.com/pulumi/pulumi-aws/sdk/v6)"; aws="${aws:-v6.83.0}"
  cf="$(modver "$repo" github.com/pulumi/pulumi-cloudflare/sdk/v5)"; cf="${cf:-v5.49.1}"
  gcp="$(modver "$repo" github.com/pulumi/pulumi-gcp/sdk/v7)"; gcp="${gcp:-v7.38.0}"
  for pv in "aws $aws" "cloudflare $cf" "gcp $gcp"; do
    set -- $pv
    local d="$dir/home/plugins/resource-$1-$2"
    mkdir -p "$d"
    ln -f "$bin/pulumi-resource-sim" "$d/pulumi-resource-$1" 2>/dev/null || cp "$bin/pulumi-resource-sim" "$d/pulumi-resource-$1"
  done
  touch "$mark"
}

env_setup() {
  install_plugins
  export PULUMI_HOME="$dir/home"
  export PULUMI_BACKEND_URL="file://$dir/state"
  export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE:-odoo-hosting-local}"
  export PULUMI_SKIP_UPDATE_CHECK=true
  export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
  export PULUMI_DIY_BACKEND_NO_LEGACY_WARNING=true
  export PULUMI_SKIP_CONFIRMATIONS=true
  export SIM_DIR="$dir/sim"
  export SIM_RECORD="${SIM_RECORD:-$dir/sim/calls.jsonl}"
  unset PULUMI_ACCESS_TOKEN
  mkdir -p "$dir/state" "$SIM_DIR"
}

# stack_setup CONFIG: prepares $dir/work/<stack> and selects (creates) the stack.
stack_setup() {
  local cfg="$1"
  [[ -f "$cfg" ]] || { echo "engine: no stack configuration $cfg" >&2; exit 2; }
  local base; base="$(basename "$cfg")"
  stack="${base#Pulumi.}"; stack="${stack%.yaml}"
  work="$dir/work/$stack"
  mkdir -p "$work"
  cp "$repo/Pulumi.yaml" "$work/Pulumi.yaml"
  local secrets
  local sets=()
  while IFS= read -r s; do [[ -z "$s" ]] || sets+=(-set "$s"); done <<<"${ENGINE_SET:-}"
  secrets="$("$bin/stackcfg" -in "$cfg" -out "$work/$base" "${sets[@]}")"
  (cd "$work" && "$bin/pulumi" stack select --create "$stack" --non-interactive >/dev/null)
  while IFS=$'\t' read -r key value; do
    [[ -n "$key" ]] || continue
    (cd "$work" && "$bin/pulumi" config set --secret --stack "$stack" --non-interactive -- "$key" "$(base64 -d <<<"$value")")
  done <<<"$secrets"
}

op="${1:-}"; shift || true
case "$op" in
  build) build; install_plugins; exit 0 ;;
  up|preview|destroy|refresh|pulumi) ;;
  *) sed -n '2,18p' "$0" >&2; exit 2 ;;
esac
cfg="${1:?usage: engine.sh $op <path/to/Pulumi.<stack>.yaml> [pulumi flags]}"; shift
cfg="$(cd "$(dirname "$cfg")" && pwd)/$(basename "$cfg")"
[[ "${ENGINE_NO_BUILD:-}" == 1 ]] || build
env_setup
stack_setup "$cfg"
cd "$work"
if [[ "$op" == pulumi ]]; then
  exec "$bin/pulumi" "$@"
fi
pack=()
if [[ "${ENGINE_NO_PACK:-}" != 1 && "$op" != destroy && "$op" != refresh ]]; then
  pack=(--policy-pack "$bin/pulumi-analyzer-policy-odoo-hosting")
fi
# up keeps its preview phase: a failing preview (a mandatory policy violation, a
# protected resource to replace) stops it before anything is touched.
yes=()
[[ "$op" == preview ]] || yes=(--yes)
cmd=("$bin/pulumi-run" -program "$bin/odoo-hosting-program" -pulumi "$bin/pulumi" --
  "$op" --stack "$stack" "${yes[@]}" "${pack[@]}" "$@")
if [[ -z "${ENGINE_TIMING:-}" ]]; then exec "${cmd[@]}"; fi
t0=$(date +%s%N)
rc=0; "${cmd[@]}" || rc=$?
echo "engine-timing: $op $(( ($(date +%s%N) - t0) / 1000000 )) ms" >>"$ENGINE_TIMING"
exit $rc
