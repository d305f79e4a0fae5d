#!/usr/bin/env bash
# Builds the wasmd node binary from Go modules (no binary downloads) and caches
# it. Prints the binary's path as its last line of stdout.
#
# wasmd's go.mod has `replace` directives, so `go install ...@version` refuses
# it: the module source is taken from the Go module cache (`go mod download`),
# copied somewhere writable and built as the main module, as its Makefile does
# (`-mod=readonly -tags netgo -trimpath`, ledger off). Its wasmvm Go module ships
# the prebuilt libwasmvm that cgo links.
#
#   scripts/wasmd.sh            build once (cached), print the binary's path
#   WASMD_CACHE=<dir>           cache directory (default ~/.cache/depin/wasmd: outside the
#                               checkout, so CI's fresh clones reuse it)
#   WASMD_VERSION=v0.60.8       the previous line (wasmvm 2.3.4) instead of the default v0.70.3
#   WASMD_VERSION=<vX.Y.Z>      another wasmd release, with
#   WASMVM_EXPECTED=<vX.Y.Z>    the wasmvm it links (v2.x or v3.x: the Go module path follows the major)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# v0.70.3 (the default) links github.com/CosmWasm/wasmvm/v3 v3.0.7, cosmos-sdk
# v0.54 and CometBFT v0.39; v0.60.8, the newest v0.60 patch, links
# github.com/CosmWasm/wasmvm/v2 v2.3.4 (the VM line of cosmwasm-check 2.3.x)
# and cosmos-sdk v0.53.6.
WASMD_VERSION="${WASMD_VERSION:-v0.70.3}"
case "$WASMD_VERSION" in
  v0.70.3) default_wasmvm=v3.0.7 ;;
  v0.60.8) default_wasmvm=v2.3.4 ;;
  *) default_wasmvm="" ;;
esac
WASMVM_EXPECTED="${WASMVM_EXPECTED:-$default_wasmvm}"
[[ -n "$WASMVM_EXPECTED" ]] || die "wasmd $WASMD_VERSION: set WASMVM_EXPECTED to the wasmvm version it links (go list -m github.com/CosmWasm/wasmvm/vN in its go.mod)"
WASMD_CACHE="${WASMD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/depin/wasmd}"
# The one change to wasmd's pinned dependencies: bytedance/sonic before v1.15
# (v0.60.8 pins v1.14.2) builds only with Go < 1.26 (internal/rt: undefined
# GoMapIterator), and v0.70.3's v1.15.0 is raised too; v1.15.5 supports Go
# 1.17 to 1.27. Applied on every Go version so the build is the same.
SONIC_VERSION="v1.15.5"
WASMVM_MODULE="github.com/CosmWasm/wasmvm/$(cut -d. -f1 <<<"$WASMVM_EXPECTED")"
SRC="$WASMD_CACHE/src-$WASMD_VERSION-sonic-$SONIC_VERSION"
BIN_DIR="$WASMD_CACHE/$WASMD_VERSION/bin"
WASMD="$BIN_DIR/wasmd"

# True when $WASMD runs and reports the wanted version and wasmvm.
binary_ok() {
  [[ -x "$WASMD" ]] || return 1
  local long
  long="$("$WASMD" version --long 2>/dev/null)" || return 1
  grep -qx "version: ${WASMD_VERSION#v}" <<<"$long" || return 1
  grep -q "$WASMVM_MODULE@$WASMVM_EXPECTED" <<<"$long" || return 1
  # The libwasmvm it actually loads (cgo, from the wasmvm Go module).
  [[ "$("$WASMD" query wasm libwasmvm-version 2>/dev/null)" == "${WASMVM_EXPECTED#v}" ]] || return 1
}

if binary_ok; then
  echo "==> wasmd $WASMD_VERSION cached" >&2
  echo "$WASMD"
  exit 0
fi

# One build per version at a time: a second caller (scripts/test.sh builds in the
# background while other stages start) waits for the first, then finds the binary.
mkdir -p "$WASMD_CACHE"
exec 9>"$WASMD_CACHE/build-$WASMD_VERSION.lock"
if ! flock -n 9; then
  echo "==> wasmd $WASMD_VERSION: another build is under way; waiting for it" >&2
  flock 9 || die "cannot lock $WASMD_CACHE/build-$WASMD_VERSION.lock"
fi
if binary_ok; then
  echo "==> wasmd $WASMD_VERSION cached" >&2
  echo "$WASMD"
  exit 0
fi

command -v go >/dev/null || die "go is required to build wasmd $WASMD_VERSION"
command -v gcc >/dev/null || command -v cc >/dev/null || die "a C compiler is required (cgo links libwasmvm)"
# The machine's Go is newer than wasmd's toolchain line; never fetch another.
export GOTOOLCHAIN=local GOFLAGS=-buildvcs=false

start=$SECONDS
step "wasmd $WASMD_VERSION: module source (go mod download)" >&2
mkdir -p "$WASMD_CACHE"
# (Run outside any module: the cache directory holds no go.mod.)
mod_json="$(cd "$WASMD_CACHE" && go mod download -json "github.com/CosmWasm/wasmd@$WASMD_VERSION")" \
  || die "go mod download github.com/CosmWasm/wasmd@$WASMD_VERSION failed: $mod_json"
mod_dir="$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' <<<"$mod_json")"
[[ -n "$mod_dir" && -f "$mod_dir/go.mod" ]] || die "go mod download gave no module directory for wasmd $WASMD_VERSION"

if [[ ! -f "$SRC/.complete" ]]; then
  rm -rf "$SRC" "$SRC.tmp"
  mkdir -p "$WASMD_CACHE"
  cp -r "$mod_dir" "$SRC.tmp" || die "cannot copy the wasmd source to $SRC"
  chmod -R u+w "$SRC.tmp"
  sonic_pinned="$(cd "$SRC.tmp" && go list -m -f '{{.Version}}' github.com/bytedance/sonic 2>/dev/null || true)"
  # Only ever raise sonic to $SONIC_VERSION (newer wasmd lines may pin a newer one already).
  if [[ -n "$sonic_pinned" && "$(printf '%s\n%s\n' "$sonic_pinned" "$SONIC_VERSION" | sort -V | head -1)" != "$SONIC_VERSION" ]]; then
    (cd "$SRC.tmp" && go get "github.com/bytedance/sonic@$SONIC_VERSION") >&2 \
      || die "cannot move wasmd $WASMD_VERSION to github.com/bytedance/sonic $SONIC_VERSION (go get)"
  fi
  mv "$SRC.tmp" "$SRC"
  touch "$SRC/.complete"
fi

wasmvm_mod="$(cd "$SRC" && go list -m -f '{{.Version}}' "$WASMVM_MODULE")" \
  || die "cannot resolve wasmd $WASMD_VERSION's dependencies (go list -m in $SRC)"
[[ "$wasmvm_mod" == "$WASMVM_EXPECTED" ]] \
  || die "wasmd $WASMD_VERSION requires wasmvm $wasmvm_mod, expected $WASMVM_EXPECTED"

step "wasmd $WASMD_VERSION: go build ./cmd/wasmd (cgo, wasmvm $wasmvm_mod; several minutes once)" >&2
ldflags="-X github.com/cosmos/cosmos-sdk/version.Name=wasm \
-X github.com/cosmos/cosmos-sdk/version.AppName=wasmd \
-X github.com/cosmos/cosmos-sdk/version.Version=${WASMD_VERSION#v} \
-X github.com/CosmWasm/wasmd/app.Bech32Prefix=wasm \
-X github.com/cosmos/cosmos-sdk/version.BuildTags=netgo"
mkdir -p "$BIN_DIR"
(cd "$SRC" && CGO_ENABLED=1 nice -n 19 go build -mod=readonly -tags netgo -trimpath \
  -ldflags "$ldflags" -o "$WASMD.tmp" ./cmd/wasmd) >&2 \
  || die "go build of wasmd $WASMD_VERSION failed (see above)"
mv "$WASMD.tmp" "$WASMD"

binary_ok || die "the built $WASMD does not run or does not report wasmd $WASMD_VERSION with wasmvm $WASMVM_EXPECTED"
"$WASMD" version --long 2>/dev/null | grep -E '^(name|version|go): |wasmvm' >&2 || true
echo "libwasmvm: $("$WASMD" query wasm libwasmvm-version 2>/dev/null)" >&2
step "wasmd $WASMD_VERSION built in $((SECONDS - start)) s" >&2
echo "$WASMD"
