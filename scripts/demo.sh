#!/usr/bin/env bash
# The demo (README "Commands"): installs what is missing, builds pkg/, then serves the demo
# pages (www/) with an embedded OpenID Provider and prints the URL to open. Ctrl-C stops.
#   bash scripts/demo.sh                 interactive (http://localhost:8080/ unless busy)
#   bash scripts/demo.sh --headless      signs in through both demo pages headlessly, exits 0/1
# Other options: --port N, --access-token-ttl SECONDS, --login NAME (see scripts/demo.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
bash scripts/setup.sh
bash scripts/build.sh
exec node scripts/demo.mjs "$@"
