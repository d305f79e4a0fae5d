#!/usr/bin/env bash
# The TypeScript client (packages/ts-client): installs its pinned packages
# (npm ci, skipped while node_modules matches package-lock.json), regenerates
# the client from schema/ with @cosmwasm/ts-codegen and fails if the committed
# src/generated/ differs, checks formatting and lint with Biome (root
# biome.json), typechecks with tsc and runs its tests (node's test runner; the
# receipt signer against the Rust test vectors, params, package layout).
#
#   scripts/ts-client.sh          all of the above
#   scripts/ts-client.sh lint     npm ci when needed + Biome alone (npm run lint:fix formats and fixes what it can)
#   scripts/ts-client.sh build    npm ci when needed + tsc into packages/ts-client/dist (for scripts/deploy.sh;
#                                 skipped while dist/ is newer than its sources)
#   scripts/ts-client.sh install  npm ci when needed, nothing else
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PKG="$ROOT/packages/ts-client"
cd "$PKG"

command -v npm >/dev/null || die "node and npm are required for packages/ts-client"
lock_sum="$(sha256sum package-lock.json | cut -d' ' -f1)"
stamp="node_modules/.depin-lock-sha256"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$lock_sum" ]]; then
  step "packages/ts-client: npm ci"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null || die "npm ci in packages/ts-client failed"
  echo "$lock_sum" >"$stamp"
fi

[[ "${1:-}" == "install" ]] && exit 0
# dist/ is fresh while nothing it is built from changed: scripts that run side by
# side (scripts/test.sh's lanes) then never rewrite it under each other.
built="dist/.built"
if [[ "${1:-}" == "build" ]]; then
  if [[ -f "$built" && -z "$(find src e2e scripts test tsconfig.json package-lock.json -newer "$built" -print -quit)" ]]; then
    exit 0
  fi
  npx --no-install tsc -p tsconfig.json || die "tsc found type errors in packages/ts-client"
  touch "$built"
  exit 0
fi

lint() {
  step "packages/ts-client: biome check (format, imports, lint; warnings fail)"
  npx --no-install biome check --error-on-warnings || die "biome found problems in packages/ts-client: run 'cd packages/ts-client && npm run lint:fix', then fix the rest by hand"
}
if [[ "${1:-}" == "lint" ]]; then
  lint
  exit 0
fi

step "packages/ts-client: ts-codegen from schema/ (freshness of src/generated/)"
fresh="$(mktemp -d)"
trap 'rm -rf "$fresh"' EXIT
node scripts/codegen.mjs --out "$fresh/generated" >/dev/null || die "ts-codegen failed"
if ! diff -ru src/generated "$fresh/generated"; then
  die "packages/ts-client/src/generated is stale: run 'cd packages/ts-client && npm run codegen' and commit it"
fi

lint

step "packages/ts-client: tsc (typecheck and build)"
rm -rf dist
npx --no-install tsc -p tsconfig.json || die "tsc found type errors in packages/ts-client"
touch "$built"

step "packages/ts-client: node --test"
node --test --test-reporter=tap dist/test/*.test.js || die "packages/ts-client tests failed"
