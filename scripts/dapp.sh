#!/usr/bin/env bash
# The web dApp (packages/dapp): builds it, serves the build on 127.0.0.1 for a
# deployment, and tests it (unit tests, then every user journey in headless
# Chromium against a fresh devnet of its own).
#
#   scripts/dapp.sh build    npm ci when the lockfile changed, tsc, vite build (skipped while dist/ is fresh)
#   scripts/dapp.sh serve    writes $DEVNET_DIR/dapp/config.json from $DEVNET_DIR/deployment.json and serves
#                            the build at http://127.0.0.1:$DAPP_PORT/ (default 5180) in the background
#   scripts/dapp.sh stop     stops that server (scripts/devnet.sh stop and scripts/localnet.sh stop call this)
#   scripts/dapp.sh lint     Biome (the root biome.json): formatting and lint, zero errors and zero warnings
#   scripts/dapp.sh unit     tsc + the unit tests of the plain functions (vitest)
#   scripts/dapp.sh test     lint, unit, build, then browser:
#   scripts/dapp.sh browser  a fresh devnet on other ports (.tools/devnet-dapp, RPC 23657),
#                            the suite deployed, the dApp served on 23180, the browser tests (vitest +
#                            playwright-core + the system chromium, installed with apt-get when missing);
#                            the node and the server are stopped afterwards; every page's screenshot is
#                            saved in .tools/reports/screenshots/ (untracked)
#   scripts/dapp.sh screenshots  copies those screenshots (desktop, and *-phone.png at 390 × 844) into
#                            docs/screenshots/*.png (tracked; the READMEs show them)
#   scripts/dapp.sh install  what the tests need: npm ci when the lockfile changed (and the TypeScript
#                            client's packages), Debian's chromium when missing
#   scripts/dapp.sh unit-build   lint, unit, build, then the bundle budget (scripts/test.sh runs browser later, in a lane)
#   scripts/dapp.sh budget   the bundle budget: compressed JS of the first page and of the whole build
#                            (scripts/bundle-budget.mjs; fails when either is over its budget)
#   scripts/dapp.sh lighthouse   Lighthouse (mobile profile) on every page against the test devnet and
#                            the build served compressed; prints the table of scores
#
# Environment: DEVNET_DIR (default .tools/devnet), DAPP_PORT (5180), DEVNET_API_PORT (REST, 1317),
# E2E_ONLY="network dao" (only those e2e files); the test devnet's ports: DAPP_TEST_RPC_PORT (23657),
# DAPP_TEST_P2P_PORT (23656), DAPP_TEST_GRPC_PORT (23090), DAPP_TEST_API_PORT (23317), DAPP_TEST_PORT (23180).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PKG="$ROOT/packages/dapp"
DEVNET_DIR="${DEVNET_DIR:-$ROOT/.tools/devnet}"
DAPP_PORT="${DAPP_PORT:-5180}"
PID_FILE="$DEVNET_DIR/dapp.pid"
LOG_FILE="$DEVNET_DIR/dapp.log"
SCREENSHOTS="$ROOT/.tools/reports/screenshots"

install_deps() {
  command -v npm >/dev/null || die "node and npm are required for packages/dapp"
  # The dApp compiles packages/ts-client/src with it, so that package's modules must be installed too.
  if [[ "$(cat "$ROOT/packages/ts-client/node_modules/.depin-lock-sha256" 2>/dev/null)" != "$(sha256sum "$ROOT/packages/ts-client/package-lock.json" | cut -d' ' -f1)" ]]; then
    "$ROOT/scripts/ts-client.sh" build >/dev/null || die "cannot install packages/ts-client (scripts/ts-client.sh build)"
  fi
  cd "$PKG"
  local lock_sum stamp="node_modules/.depin-lock-sha256"
  lock_sum="$(sha256sum package-lock.json | cut -d' ' -f1)"
  if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$lock_sum" ]]; then
    step "packages/dapp: npm ci"
    npm ci --no-audit --no-fund --loglevel=error >/dev/null || die "npm ci in packages/dapp failed"
    echo "$lock_sum" >"$stamp"
  fi
}

cmd_build() {
  install_deps
  cd "$PKG"
  if [[ -f dist/.built && -z "$(find src public index.html vite.config.ts package-lock.json tsconfig.json ../ts-client/src -newer dist/.built -print -quit)" ]]; then
    step "packages/dapp: build is fresh (dist/)"
    return
  fi
  step "packages/dapp: tsc + vite build"
  npx --no-install tsc -p tsconfig.json || die "tsc found type errors in packages/dapp"
  nice npx --no-install vite build --logLevel warn || die "vite build failed in packages/dapp"
  touch dist/.built
}

server_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  # Named nohup until nohup has exec'd node (a busy machine shows it), as in scripts/chain.sh.
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && [[ "$(ps -o comm= -p "$pid" 2>/dev/null)" =~ ^(node|nohup) ]] || return 1
  echo "$pid"
}

cmd_stop() {
  local pid
  if pid="$(server_pid)"; then
    kill "$pid"
    for _ in $(seq 1 25); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    step "dApp server stopped (pid $pid)"
  fi
  rm -f "$PID_FILE"
}

cmd_serve() {
  [[ -f "$DEVNET_DIR/deployment.json" ]] || die "no deployment in $DEVNET_DIR (run scripts/deploy.sh first)"
  [[ -f "$PKG/dist/index.html" ]] || cmd_build
  cmd_stop >/dev/null
  (exec 3<>"/dev/tcp/127.0.0.1/$DAPP_PORT") 2>/dev/null && die "port 127.0.0.1:$DAPP_PORT is in use (set DAPP_PORT)"
  local config="$DEVNET_DIR/dapp/config.json" indexer=()
  # The history charts read the indexer beside the network when it runs (scripts/indexer.sh), or DAPP_INDEXER_URL.
  if [[ -n "${DAPP_INDEXER_URL:-}" ]]; then
    indexer=(--indexer "$DAPP_INDEXER_URL")
  elif DEVNET_DIR="$DEVNET_DIR" "$ROOT/scripts/indexer.sh" status >/dev/null 2>&1; then
    indexer=(--indexer "http://127.0.0.1:$(cat "$DEVNET_DIR/indexer.port")")
  fi
  node "$PKG/scripts/write-config.mjs" --deployment "$DEVNET_DIR/deployment.json" \
    --rest "http://127.0.0.1:${DEVNET_API_PORT:-1317}" --gas-price "${DEVNET_GAS_PRICE:-0.025ustake}" "${indexer[@]}" --out "$config" >/dev/null \
    || die "cannot write the dApp config from $DEVNET_DIR/deployment.json"
  nohup node "$PKG/scripts/serve.mjs" --dist "$PKG/dist" --config "$config" --port "$DAPP_PORT" >"$LOG_FILE" 2>&1 </dev/null &
  echo $! >"$PID_FILE"
  for _ in $(seq 1 50); do
    curl -fsS --max-time 1 "http://127.0.0.1:$DAPP_PORT/config.json" >/dev/null 2>&1 && break
    server_pid >/dev/null || { cat "$LOG_FILE" >&2; die "the dApp server exited (log above)"; }
    sleep 0.1
  done
  step "dApp: http://127.0.0.1:$DAPP_PORT/ (chain $(node -p 'require(process.argv[1]).chainId' "$config"), config ${config#"$ROOT"/}; scripts/devnet.sh stop, or scripts/localnet.sh stop for the localnet, stops it)"
}

cmd_lint() {
  install_deps
  cd "$PKG"
  step "packages/dapp: biome check (root biome.json)"
  npx --no-install biome check --error-on-warnings . || die "Biome found problems in packages/dapp: 'npx biome check --write .' in packages/dapp formats; fix the lint findings by hand"
}

cmd_screenshots() {
  # Desktop (1280 × 800) and phone (390 × 844, *-phone.png) screenshots of every page.
  local shots=(network provider-page provider consumer fleet dao alerts earnings-chart network-phone provider-page-phone provider-phone consumer-phone fleet-phone dao-phone history-phone)
  local dest="$ROOT/docs/screenshots" name size
  mkdir -p "$dest"
  for name in "${shots[@]}"; do
    [[ -f "$SCREENSHOTS/$name.png" ]] || die "no $name.png in ${SCREENSHOTS#"$ROOT"/}: run scripts/dapp.sh browser first"
  done
  for name in "${shots[@]}"; do
    cp "$SCREENSHOTS/$name.png" "$dest/$name.png"
    size=$(stat -c %s "$dest/$name.png")
    ((size <= 200 * 1024)) || echo "warning: docs/screenshots/$name.png is $((size / 1024)) KB (over 200 KB)" >&2
  done
  step "screenshots copied into docs/screenshots/ (${shots[*]})"
}

cmd_unit() {
  install_deps
  cd "$PKG"
  step "packages/dapp: tsc"
  npx --no-install tsc -p tsconfig.json || die "tsc found type errors in packages/dapp"
  step "packages/dapp: unit tests (vitest)"
  npx --no-install vitest run --config vitest.config.ts || die "packages/dapp unit tests failed"
}

ensure_chromium() {
  if ! command -v chromium >/dev/null; then
    step "installing Debian's chromium for the browser tests (apt-get)"
    [[ "$(id -u)" == 0 ]] || die "chromium is missing: run 'apt-get install -y chromium' as root"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null \
      || die "cannot install chromium with apt-get"
  fi
  CHROMIUM="$(command -v chromium)"
}

cmd_test() {
  cmd_lint
  cmd_unit
  cmd_build
  cmd_budget
  cmd_browser
}

cmd_budget() {
  [[ -f "$PKG/dist/.vite/manifest.json" ]] || cmd_build
  step "packages/dapp: bundle budget"
  node "$PKG/scripts/bundle-budget.mjs" --dist "$PKG/dist" || die "the dApp's bundle is over its budget (scripts/bundle-budget.mjs)"
}

# The browser tests' stack: a devnet of its own, the suite deployed, the build served on $DAPP_PORT.
start_test_stack() {
  [[ -f "$PKG/dist/index.html" ]] || cmd_build
  ensure_chromium
  cd "$ROOT"
  # A devnet of its own (directory and ports), so a devnet started by scripts/deploy.sh keeps running.
  export DEVNET_DIR="$ROOT/.tools/devnet-dapp" DEVNET_RPC_PORT=${DAPP_TEST_RPC_PORT:-23657} DEVNET_P2P_PORT=${DAPP_TEST_P2P_PORT:-23656} DEVNET_GRPC_PORT=${DAPP_TEST_GRPC_PORT:-23090} DEVNET_API_PORT=${DAPP_TEST_API_PORT:-23317}
  DAPP_PORT=${DAPP_TEST_PORT:-23180} PID_FILE="$DEVNET_DIR/dapp.pid" LOG_FILE="$DEVNET_DIR/dapp.log"
  trap 'DEVNET_DIR="$DEVNET_DIR" scripts/devnet.sh stop >/dev/null 2>&1 || true' EXIT
  [[ -f artifacts/checksums.txt ]] || scripts/build.sh || die "the wasm build failed"
  scripts/ts-client.sh build || die "cannot build packages/ts-client (its deploy script deploys the suite)"
  scripts/devnet.sh start || die "cannot start the devnet"
  eval "$(scripts/devnet.sh env)"
  export DEVNET_RPC DEVNET_DIR DEVNET_CHAIN_ID DEVNET_GAS_PRICE DEVNET_ACCOUNTS
  # No demo by default: the browser tests set up their own state (DEPLOY_ARGS="" deploys the demo).
  local deploy_args="${DEPLOY_ARGS---no-demo}"
  step "deploy the suite (${deploy_args:-with the demo})"
  # shellcheck disable=SC2086 # a list of flags
  node packages/ts-client/dist/scripts/deploy.js $deploy_args >"$DEVNET_DIR/deploy.log" 2>&1 \
    || { tail -20 "$DEVNET_DIR/deploy.log" >&2; die "the deployment failed"; }
  # The indexer the history charts read (the browser tests check them against the chain); scripts/devnet.sh stop stops it.
  INDEXER_PORT=${DAPP_TEST_INDEXER_PORT:-23750} INDEXER_PG_PORT=${DAPP_TEST_INDEXER_PG_PORT:-23432} scripts/indexer.sh start \
    || die "cannot start the indexer beside the browser tests' devnet"
  cmd_serve
}

cmd_lighthouse() {
  # The demo deployment: providers and leases to show, as a visitor would find them.
  DEPLOY_ARGS="" start_test_stack
  local provider
  provider="$(node -e '
    const { addresses } = require(process.argv[1]);
    const query = Buffer.from(JSON.stringify({ providers: { limit: 1 } })).toString("base64");
    fetch(`${process.argv[2]}/cosmwasm/wasm/v1/contract/${addresses.providerRegistry}/smart/${query}`)
      .then((r) => r.json()).then((r) => console.log(r.data?.providers?.[0]?.address ?? "")).catch(() => console.log(""));
  ' "$DEVNET_DIR/deployment.json" "http://127.0.0.1:$DEVNET_API_PORT")"
  step "packages/dapp: Lighthouse, mobile profile (headless $("$CHROMIUM" --version 2>/dev/null | head -1))"
  mkdir -p "$ROOT/.tools/reports"
  (cd "$PKG" && node scripts/lighthouse.mjs --url "http://127.0.0.1:$DAPP_PORT/" --provider "$provider" --chromium "$CHROMIUM" \
    --out "$ROOT/.tools/reports/lighthouse.json") || die "Lighthouse failed"
}

cmd_browser() {
  local start=$SECONDS
  start_test_stack
  # Fresh screenshots every run, so a failed run never leaves older ones to be copied into docs/.
  rm -rf "$SCREENSHOTS"
  local files=()
  if [[ -n "${E2E_ONLY:-}" ]]; then for name in $E2E_ONLY; do files+=("e2e/$name.e2e.ts"); done; fi
  step "packages/dapp: browser tests (headless $("$CHROMIUM" --version 2>/dev/null | head -1))"
  (cd "$PKG" && DAPP_URL="http://127.0.0.1:$DAPP_PORT/" CHROMIUM="$CHROMIUM" DAPP_SCREENSHOTS="$SCREENSHOTS" \
    npx --no-install vitest run --config vitest.e2e.config.ts "${files[@]}") || die "the dApp's browser tests failed"
  step "dApp browser tests passed in $((SECONDS - start)) s (screenshots in ${SCREENSHOTS#"$ROOT"/}; scripts/dapp.sh screenshots copies them into docs/)"
}

case "${1:-}" in
  build) cmd_build ;;
  serve) cmd_serve ;;
  stop) cmd_stop ;;
  lint) cmd_lint ;;
  unit) cmd_unit ;;
  test) cmd_test ;;
  install) install_deps && ensure_chromium ;;
  unit-build) cmd_lint && cmd_unit && cmd_build && cmd_budget ;;
  budget) cmd_budget ;;
  lighthouse) cmd_lighthouse ;;
  browser) cmd_browser ;;
  screenshots) cmd_screenshots ;;
  *) die "usage: scripts/dapp.sh build|serve|stop|lint|unit|test|install|unit-build|budget|browser|lighthouse|screenshots" ;;
esac
