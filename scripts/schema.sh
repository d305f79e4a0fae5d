#!/usr/bin/env bash
# Writes schema/<contract>.json for every contract; `--check` fails when a
# committed schema differs from a fresh one.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
cargo run --quiet -p depin-schema -- "$@"
