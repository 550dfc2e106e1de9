#!/usr/bin/env bash
# Benchmarks of the real engine with the simulated providers (make bench-engine):
# per example, the wall time of preview (without and with the policy pack), up and
# destroy, the pack's share of a preview, and resources per second. Times are of
# the pulumi operation alone (tools/engine.sh ENGINE_TIMING), median of
# BENCH_RUNS (default 3) previews; 2 cores shared with other work make them noisy.
#
#   bash tests/e2e/bench.sh        BENCH_EXAMPLES="examples/acme-eu/Pulumi.acme-eu.yaml" bash tests/e2e/bench.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
command -v go >/dev/null 2>&1 || export PATH=/usr/local/go/bin:$PATH
tmp="$(mktemp -d "${TMPDIR:-/tmp}/odoo-hosting-bench.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
export ENGINE_DIR="$tmp/engine"
bash "$repo/tools/engine.sh" build >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log"; exit 1; }
export ENGINE_NO_BUILD=1
runs="${BENCH_RUNS:-3}"
e() { bash "$repo/tools/engine.sh" "$@" >>"$tmp/ops.log" 2>&1; }
last() { tail -1 "$ENGINE_TIMING" | awk '{print $3}'; }
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

printf '%-16s %5s %10s %10s %7s %9s %9s %8s %8s\n' stack res preview-np preview pack% up destroy res/s-pv res/s-up
for rel in ${BENCH_EXAMPLES:-$(cd "$repo" && ls examples/*/Pulumi.*.yaml)}; do
  cfg="$repo/${rel#"$repo/"}"; st="$(basename "$cfg" .yaml)"; st="${st#Pulumi.}"
  export ENGINE_TIMING="$tmp/$st.timing"; : >"$ENGINE_TIMING"
  np=() wp=()
  for _ in $(seq "$runs"); do
    ENGINE_NO_PACK=1 e preview "$cfg" || true; np+=("$(last)")
    e preview "$cfg" || true; wp+=("$(last)")
  done
  pnp="$(echo "${np[*]}" | median)"; pwp="$(echo "${wp[*]}" | median)"
  ENGINE_NO_PACK=1 e up "$cfg" --skip-preview; up="$(last)"
  bash "$repo/tools/engine.sh" pulumi "$cfg" stack export --file "$tmp/$st.json" >/dev/null 2>&1
  res="$(grep -c '"urn"' "$tmp/$st.json" | tr -d ' ')"
  bash "$repo/tools/engine.sh" pulumi "$cfg" state unprotect --all --yes >/dev/null 2>&1 || true
  e destroy "$cfg"; de="$(last)"
  awk -v st="$st" -v res="$res" -v pnp="$pnp" -v pwp="$pwp" -v up="$up" -v de="$de" 'BEGIN {
    printf "%-16s %5d %8d ms %7d ms %6.1f%% %6d ms %6d ms %8.1f %8.1f\n", st, res, pnp, pwp, 100*(pwp-pnp)/pnp, up, de, res/(pwp/1000), res/(up/1000) }'
done
echo "(preview-np: without the pack; pack%: the pack's share over it (goal < 10 %); up without its preview phase; medians of $runs previews)"
