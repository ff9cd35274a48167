#!/usr/bin/env bash
# The benchmark, in one command:   bash bench/run.sh [--quick] [--only=wasm-oauth,keycloak-js]
#
# 1. installs the bench's own pinned dependencies (bench/package-lock.json) with npm ci;
# 2. runs scripts/setup.sh (tools, chromium, the repo's node packages) when something it
#    installs is missing, and scripts/build.sh when pkg/ is missing or older than its sources;
# 3. runs bench/run.mjs: the table goes to stdout, bench/out/results.json is written.
set -euo pipefail
BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")
cd "$ROOT"
say() { printf '== bench: %s\n' "$*" >&2; }

if [ ! -d "$BENCH/node_modules" ] || [ "$BENCH/package-lock.json" -nt "$BENCH/node_modules/.package-lock.json" ]; then
  say "npm ci in bench/"
  (cd "$BENCH" && npm ci --no-audit --no-fund --loglevel=error)
fi

if ! command -v chromium >/dev/null || [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/oidc-provider ]; then
  say "scripts/setup.sh"
  bash scripts/setup.sh >&2
fi

WASM=pkg/wasm_oauth_bg.wasm
if [ ! -f "$WASM" ] || [ ! -f pkg/wasm_oauth.js ] \
  || [ -n "$(find src Cargo.toml Cargo.lock pkg-template scripts/build.sh -newer "$WASM" -print -quit 2>/dev/null)" ]; then
  say "pkg/ is missing or stale: scripts/setup.sh + scripts/build.sh"
  bash scripts/setup.sh >&2
  bash scripts/build.sh >&2
fi

exec node "$BENCH/run.mjs" "$@"
