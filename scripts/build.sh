#!/usr/bin/env bash
# Builds every contract into artifacts/<crate>.wasm, lowers the wasm features
# CosmWasm 2.x rejects, checks each artifact in cosmwasm-vm 2.3.5 (the static
# check and compilation of a wasmvm 2 upload, as cosmwasm-check 2.3.5 does;
# wasmvm 3 runs its own at every upload to wasmd v0.70) and writes
# artifacts/checksums.txt. Installs what it needs; fails loudly on any problem
# and removes artifacts that did not pass.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

MAX_ARTIFACT_BYTES=$((600 * 1024))
# ARTIFACTS_DIR puts the output elsewhere (scripts/bench.sh builds its
# cw20-base baseline there, away from the shipped artifacts/).
OUT="${ARTIFACTS_DIR:-$ROOT/artifacts}"
# BUILD_ROOT builds another source tree of the suite the same way (scripts/upgrade.sh:
# the previous release, exported from git), in a target dir of its own.
SRC="${BUILD_ROOT:-$ROOT}"
# Its own target dir: the wasm flags below must not invalidate the host build.
if [[ "$SRC" == "$ROOT" ]]; then
  export CARGO_TARGET_DIR="$ROOT/target/wasm"
else
  export CARGO_TARGET_DIR="$ROOT/target/wasm-$(basename "$(dirname "$SRC")")"
fi
# Reproducible bytes: no machine paths inside the wasm.
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="--remap-path-prefix=$ROOT=/depin --remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=/cargo"

ensure_wasm_target
ensure_wasm_opt
ensure_vm_runner

# Every contract by default; `scripts/build.sh <crate>...` builds only those.
if [[ $# -gt 0 ]]; then CRATES=("$@"); else mapfile -t CRATES < <(ROOT="$SRC" contract_crates); fi
[[ ${#CRATES[@]} -gt 0 ]] || die "no contracts found under contracts/"

step "cargo build --release --target $WASM_TARGET (${CRATES[*]})"
package_args=()
for crate in "${CRATES[@]}"; do package_args+=(-p "$crate"); done
cargo build --release --lib --target "$WASM_TARGET" --manifest-path "$SRC/Cargo.toml" "${package_args[@]}" \
  || die "cargo build of the contracts failed"

rm -rf "$OUT"
mkdir -p "$OUT"
for crate in "${CRATES[@]}"; do
  name="${crate//-/_}"
  raw="$CARGO_TARGET_DIR/$WASM_TARGET/release/$name.wasm"
  [[ -f "$raw" ]] || die "$raw was not built"
  # rustc >= 1.87 emits bulk-memory (memory.copy/fill), sign-ext and
  # non-trapping float-to-int, which CosmWasm 2.x rejects: lower them, then
  # optimize for size. -Os alone inlines every single-caller function, which
  # merges nested message parsing into entry points with more than the 100
  # locals per function the VM accepts; capping that inlining keeps them apart.
  "$WASM_OPT" -Os --one-caller-inline-max-function-size 500 \
    --llvm-memory-copy-fill-lowering --llvm-nontrapping-fptoint-lowering --signext-lowering \
    --strip-debug --strip-producers \
    "$raw" -o "$OUT/$crate.wasm" || die "wasm-opt failed on $crate"
done

step "static check + compilation in cosmwasm-vm 2.3.5 (packages/depin-bench/vm)"
if ! "$VM_RUNNER" check "$OUT"/*.wasm; then
  rm -rf "$OUT"
  die "an artifact failed the VM's check; artifacts/ removed"
fi

failed=0
for crate in "${CRATES[@]}"; do
  size=$(stat -c %s "$OUT/$crate.wasm")
  printf '%-28s %8d bytes (%d KiB)\n' "$crate.wasm" "$size" $((size / 1024))
  if ((size > MAX_ARTIFACT_BYTES)); then
    echo "error: $crate.wasm is $size bytes; the limit is $MAX_ARTIFACT_BYTES" >&2
    failed=1
  fi
done
if ((failed)); then
  rm -rf "$OUT"
  die "an artifact exceeds 600 KiB; artifacts/ removed"
fi

(cd "$OUT" && sha256sum -- *.wasm >checksums.txt)
step "${OUT#"$ROOT"/}/checksums.txt"
cat "$OUT/checksums.txt"
