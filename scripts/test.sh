#!/usr/bin/env bash
# The project's test command (README "Commands"; CI runs it through .ci/run).
# From a fresh Debian 12 machine: installs everything (scripts/setup.sh, idempotent), then
#   1. host tests          cargo test; cargo test --no-default-features (protocol and flow
#                          tests, full and core feature sets)
#   2. browser tests       wasm-pack test --headless --chrome  (tests/*.rs, real Chromium)
#   3. release build       scripts/build.sh                    (pkg/)
#   4. Node tests          node --test tests/node/*.test.mjs   (pkg/'s Node entry: server-side sources)
#   5. end-to-end tests    node --test tests/e2e/*.test.mjs    (pkg/ in Chromium against
#                          oidc-provider and the Basic fixture; size budget; demo --headless)
#   6. packaging tests     node --test tests/packaging/*.test.mjs (npm pack of pkg/ installed into
#                          Vite 7, classic-script, CSP, Node 20, SSR and tsc --strict consumers)
# and, after the host tests, rust-docs: cargo check --target wasm32-unknown-unknown --examples,
# cargo doc --no-deps (host and wasm32) with RUSTDOCFLAGS=-Dwarnings, wasm32 doctests.
# Every step runs even when an earlier one failed, except the e2e tests, which need the build.
# Each step has a time limit (generous; CI allows 90 minutes in all). Exits non-zero when any
# step failed; ends with a summary table.
# The whole script is one function, read completely before it runs: editing this file while
# a run is in progress cannot change what that run executes.
main() {
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver}
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}

declare -a NAMES=() RESULTS=() TIMES=()
FAILED=0
run_step() {  # run_step <name> <command...>   (the command may be a shell function)
  local name=$1; shift
  printf '\n======== %s: %s\n' "$name" "$*"
  local t0=$SECONDS rc=0
  "$@" || rc=$?
  local dt=$((SECONDS - t0))
  NAMES+=("$name"); TIMES+=("${dt}s")
  if [ "$rc" -eq 0 ]; then RESULTS+=("ok"); else RESULTS+=("FAILED (exit $rc)"); FAILED=1; fi
  printf '======== %s: %s in %ss\n' "$name" "${RESULTS[-1]}" "$dt"
  return "$rc"
}
skip_step() { NAMES+=("$1"); RESULTS+=("skipped ($2)"); TIMES+=("-"); FAILED=1; }
summary() {
  printf '\n======== summary (total %ss)\n' "$SECONDS"
  for i in "${!NAMES[@]}"; do printf '  %-16s %-8s %s\n' "${NAMES[$i]}" "${TIMES[$i]}" "${RESULTS[$i]}"; done
  if [ "$FAILED" -eq 0 ]; then echo "ALL PASSED"; else echo "SOME STEPS FAILED"; fi
}

if ! run_step setup timeout 2700 bash scripts/setup.sh; then
  skip_step host-tests "setup failed"; skip_step browser-tests "setup failed"
  skip_step build "setup failed"; skip_step e2e "setup failed"
  summary; exit 1
fi

# Browser tests: builds for wasm32 with the dev profile (no wasm-opt), runs in headless
# Chromium via chromedriver; webdriver.json at the crate root adds the Chromium flags.
# Not -q: it breaks the test runner's output. The fixture server of tests/web.rs
# (tests/browser/server.mjs) runs for the duration; its URL reaches the tests at compile time
# in WASM_OAUTH_FIXTURE. It stops when its stdin closes (and after 15 minutes regardless).
browser_tests() {
  local url="" rc=0
  if [ -f tests/browser/server.mjs ]; then
    coproc FIXTURE_SERVER { exec node tests/browser/server.mjs; }
    local pid=$FIXTURE_SERVER_PID out=${FIXTURE_SERVER[0]} in=${FIXTURE_SERVER[1]}
    read -t 15 -r url <&"$out" || true
    if [[ "$url" != http://127.0.0.1:* ]]; then
      echo "browser-tests: tests/browser/server.mjs did not print its URL" >&2
      kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
      return 1
    fi
    echo "fixture server for tests/web.rs: $url"
    WASM_OAUTH_FIXTURE=$url timeout 1500 wasm-pack test --headless --chrome || rc=$?
    exec {in}>&-
    # Bounded: the server exits on stdin EOF; kill it if it has not after 5 s.
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  else
    timeout 1500 wasm-pack test --headless --chrome || rc=$?
  fi
  return "$rc"
}

# Host tests with the default features (everything: what Rust users and the npm full entry
# get), then without the opt-in ones (dpop, id-token-signature: the npm core entry), whose
# refusals of configs that ask for them are tested there.
host_tests() {
  timeout 1200 cargo test && timeout 1200 cargo test --no-default-features
}
run_step host-tests host_tests
# The Rust API for wasm front ends: the examples compile for wasm32, the docs build without
# warnings (broken intra-doc links included) for the host and for wasm32 (where the client is).
# The crate docs' wasm32-only example is compile-checked by cross-compiled doctests (the runner
# only has to exist for the runnable ones; host doctests run in host-tests).
rust_docs() {
  timeout 900 cargo check --target wasm32-unknown-unknown --examples \
    && RUSTDOCFLAGS=-Dwarnings timeout 600 cargo doc --no-deps \
    && RUSTDOCFLAGS=-Dwarnings timeout 600 cargo doc --no-deps --target wasm32-unknown-unknown \
    && CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
      timeout 900 cargo test --doc --target wasm32-unknown-unknown
}
run_step rust-docs rust_docs
run_step browser-tests browser_tests
if run_step build timeout 1500 bash scripts/build.sh; then
  shopt -s nullglob
  E2E=(tests/e2e/*.test.mjs)
  NODE_TESTS=(tests/node/*.test.mjs)
  PACKAGING=(tests/packaging/*.test.mjs)
  shopt -u nullglob
  # Node 20 tests of the package's Node entry (server-side token sources); no browser.
  if [ "${#NODE_TESTS[@]}" -gt 0 ]; then
    run_step node-tests timeout 1200 node --test --test-concurrency=1 --test-timeout=120000 "${NODE_TESTS[@]}"
  fi
  if [ "${#E2E[@]}" -eq 0 ]; then
    skip_step e2e "no tests/e2e/*.test.mjs"
  else
    # One test file at a time (2 cores; each file starts its own Chromium and servers).
    run_step e2e timeout 1500 node --test --test-concurrency=1 --test-timeout=300000 "${E2E[@]}"
  fi
  # The packed tarball installed into consumer projects (npm registry: vite@7, typescript@5).
  if [ "${#PACKAGING[@]}" -gt 0 ]; then
    run_step packaging timeout 1200 node --test --test-concurrency=1 --test-timeout=600000 "${PACKAGING[@]}"
  fi
else
  skip_step node-tests "build failed"
  skip_step e2e "build failed"
  skip_step packaging "build failed"
fi
summary
exit "$FAILED"
}
main "$@"
