#!/usr/bin/env bash
# Gas benchmark of the built contracts: runs every main operation of
# artifacts/*.wasm in cosmwasm-vm 2.3.5 with 10, 1,000 and 100,000 providers,
# leases, stakers and proposals in state, against cw20-base 2.0.0, and writes
# BENCHMARKS.md. Fails if an operation's cost grows more than 10 % with the
# network, or if anything cannot be built or run.
#
#   BENCH_OUT=<file>   where the report goes (default BENCHMARKS.md; scripts/test.sh
#                      writes under .tools/reports/ and compares it with the committed one)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

BASELINE_DIR="$ROOT/target/bench-artifacts"

# True when $1 is missing or any file under the other paths is newer.
stale() {
  local stamp=$1
  shift
  [[ ! -f "$stamp" ]] || [[ -n "$(find "$@" -type f -newer "$stamp" -print -quit)" ]]
}

rebuild=0
stale artifacts/checksums.txt Cargo.toml Cargo.lock contracts packages/depin-interface scripts/build.sh && rebuild=1
while read -r crate; do
  [[ -f "artifacts/$crate.wasm" ]] || rebuild=1
done < <(contract_crates)
if ((rebuild)); then
  step "artifacts/ missing or older than the sources: scripts/build.sh"
  "$ROOT/scripts/build.sh" || die "the wasm build failed"
fi

if stale "$BASELINE_DIR/checksums.txt" Cargo.lock packages/cw20-base-baseline scripts/build.sh; then
  step "cw20-base 2.0.0 baseline through the same pipeline (scripts/build.sh cw20-base-baseline)"
  ARTIFACTS_DIR="$BASELINE_DIR" "$ROOT/scripts/build.sh" cw20-base-baseline \
    || die "the cw20-base baseline build failed"
fi

step "VM runner (cosmwasm-vm 2.3.5, its own lockfile)"
ensure_vm_runner

step "cargo run -p depin-bench (the driver; gas is counted by the VM runner)"
cargo run --quiet -p depin-bench -- \
  --runner "$VM_RUNNER" \
  --artifacts "$ROOT/artifacts" \
  --baseline "$BASELINE_DIR/cw20-base-baseline.wasm" \
  --out "${BENCH_OUT:-$ROOT/BENCHMARKS.md}" \
  || die "the benchmark failed (see above); ${BENCH_OUT:-BENCHMARKS.md} shows the figures when it got that far"
step "${BENCH_OUT:-BENCHMARKS.md} written"
