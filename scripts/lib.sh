# Shared helpers for the scripts: loud failures and the pinned tool installs.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WASM_TARGET="wasm32-unknown-unknown"

die() {
  echo "error: $*" >&2
  exit 1
}

step() {
  echo "==> $*"
}

# The wasm32 target for the active toolchain.
ensure_wasm_target() {
  if ! rustup target list --installed 2>/dev/null | grep -qx "$WASM_TARGET"; then
    step "installing rust target $WASM_TARGET"
    rustup target add "$WASM_TARGET" >/dev/null || die "cannot install rust target $WASM_TARGET"
  fi
}

# binaryen's wasm-opt, pinned by scripts/tools/package-lock.json.
ensure_wasm_opt() {
  WASM_OPT="$ROOT/scripts/tools/node_modules/.bin/wasm-opt"
  if [[ ! -x "$WASM_OPT" ]] || ! "$WASM_OPT" --version 2>/dev/null | grep -q "version 132"; then
    step "installing binaryen wasm-opt 132 (npm ci)"
    command -v npm >/dev/null || die "npm is required to install binaryen's wasm-opt"
    (cd "$ROOT/scripts/tools" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) \
      || die "cannot install binaryen wasm-opt (npm ci in scripts/tools failed)"
  fi
  "$WASM_OPT" --version >/dev/null 2>&1 || die "wasm-opt does not run"
}

# The VM runner of packages/depin-bench/vm (cosmwasm-vm 2.3.5, its own lockfile and
# target dir): the gas benchmark runs the contracts in it, and `depin-bench-vm check`
# runs the static check and compilation a wasmvm 2 chain runs at upload (what
# cosmwasm-check 2.3.5 runs). wasmvm 3's check runs at every upload to wasmd v0.70.
# Built once per version of its sources, lockfile and rustc, and cached outside the
# checkout like wasmd (~/.cache/depin/vm-runner): it compiles the VM (wasmer), about
# six minutes on two cores.
ensure_vm_runner() {
  local vm="$ROOT/packages/depin-bench/vm" key cache
  key="$( (cat "$vm/Cargo.toml" "$vm/Cargo.lock" "$vm"/src/*.rs; rustc -vV) | sha256sum | cut -c1-16)"
  cache="${XDG_CACHE_HOME:-$HOME/.cache}/depin/vm-runner/$key"
  VM_RUNNER="$cache/depin-bench-vm"
  [[ -x "$VM_RUNNER" ]] && return 0
  cargo build --release --locked --quiet --manifest-path "$vm/Cargo.toml" --target-dir "$ROOT/target/vm" \
    || die "cannot build the VM runner packages/depin-bench/vm"
  mkdir -p "$cache"
  cp "$ROOT/target/vm/release/depin-bench-vm" "$VM_RUNNER.tmp" && mv "$VM_RUNNER.tmp" "$VM_RUNNER" \
    || die "cannot cache the VM runner in $cache"
}

# The latest block height a CometBFT RPC endpoint reports (empty when it does not answer).
rpc_height() {
  curl -fsS --max-time 2 "$1/status" 2>/dev/null \
    | sed -n 's/.*"latest_block_height": *"\([0-9]*\)".*/\1/p'
}

# True when nothing listens on 127.0.0.1:$1.
port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Sets a key in a TOML file's [section] (or at the top when section is "").
toml_set() {
  local file=$1 section=$2 key=$3 value=$4
  node -e '
    const fs = require("fs");
    const [file, section, key, value] = process.argv.slice(1);
    const lines = fs.readFileSync(file, "utf8").split("\n");
    let current = "", done = false;
    for (let i = 0; i < lines.length; i++) {
      const m = lines[i].match(/^\s*\[([^\]]+)\]\s*$/);
      if (m) { current = m[1]; continue; }
      if (current === section && new RegExp("^\\s*" + key.replace(/[-.]/g, "\\$&") + "\\s*=").test(lines[i])) {
        lines[i] = key + " = " + value; done = true; break;
      }
    }
    if (!done) { console.error(`no ${key} under [${section}] in ${file}`); process.exit(1); }
    fs.writeFileSync(file, lines.join("\n"));
  ' "$file" "$section" "$key" "$value" || die "cannot set $key in $file"
}

# Imports every test account of scripts/devnet-accounts.json ($1, public
# mnemonics) into the test keyring of a wasmd home and funds it in that
# home's genesis: import_test_accounts <accounts.json> <wasmd> --home <dir>.
import_test_accounts() {
  local accounts=$1 coins names name
  shift
  coins="$(node -p 'require(process.argv[1]).coins' "$accounts")"
  mapfile -t names < <(node -e 'for (const a of require(process.argv[1]).accounts) console.log(a.name)' "$accounts")
  for name in "${names[@]}"; do
    node -e 'console.log(require(process.argv[1]).accounts.find((a) => a.name === process.argv[2]).mnemonic)' "$accounts" "$name" \
      | "$@" keys add "$name" --recover --keyring-backend test >/dev/null 2>&1 \
      || die "cannot import test account $name"
    "$@" genesis add-genesis-account "$name" "$coins" --keyring-backend test >/dev/null 2>&1 \
      || die "cannot fund test account $name"
  done
}

# Crate names of every contract under contracts/.
contract_crates() {
  for manifest in "$ROOT"/contracts/*/Cargo.toml; do
    sed -n 's/^name = "\(.*\)"/\1/p' "$manifest" | head -n1
  done
}
