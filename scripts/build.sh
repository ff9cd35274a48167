#!/usr/bin/env bash
# Builds the release npm package into pkg/ without wasm-pack or wasm-bindgen:
#   cargo (wasm32, release, feature `standalone`: the plain C ABI of src/abi.rs) -> wasm-opt -Oz
#   (binaryen >= 110, from node_modules), twice: the core build (no DPoP, no ID token signature
#   check: the main entry) and the full build (the `wasm-oauth/full` entry)
#   -> node pkg-template/assemble.mjs (hand-written loader + executor around each module) -> pkg/
# Idempotent; steps whose inputs did not change are skipped (a no-change run takes seconds).
# Needs the tools of scripts/setup.sh (run that first on a fresh machine). The wasm-bindgen CLI
# that setup.sh installs is for `wasm-pack test` only: the package does not use it.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"

NAME=wasm_oauth
TARGET_DIR=${CARGO_TARGET_DIR:-target}
WASM_DIR=target/wasm
OUT=pkg
step() { printf '== build: %s\n' "$*"; }
die() { printf 'build: error: %s\n' "$*" >&2; exit 1; }

# ---- tool checks --------------------------------------------------------------------------
# binaryen's node wasm-opt (npm binaryen, pinned in package.json), not Debian's 108: older
# versions lack flags used here and have known miscompilations (binaryen issue 4711).
WASM_OPT=$ROOT/node_modules/.bin/wasm-opt
[ -x "$WASM_OPT" ] || die "node_modules/.bin/wasm-opt missing: run scripts/setup.sh (npm ci installs binaryen)"
WASM_OPT_VERSION=$("$WASM_OPT" --version | sed -nE 's/^wasm-opt version ([0-9]+).*/\1/p')
[ -n "$WASM_OPT_VERSION" ] && [ "$WASM_OPT_VERSION" -ge 110 ] \
  || die "wasm-opt version '$WASM_OPT_VERSION' < 110: run scripts/setup.sh (npm ci installs binaryen)"

# wasm-opt flags: one source of truth, the wasm-pack profile in Cargo.toml (also what
# `wasm-pack build --release` would use on a wasm-bindgen build of the crate).
mapfile -t OPT_FLAGS < <(sed -n '/^\[package\.metadata\.wasm-pack\.profile\.release\]/,/^\[/p' Cargo.toml \
  | sed -n '/^wasm-opt *=/,/\]/p' | grep -oE '"-[^"]+"' | tr -d '"')
[ "${#OPT_FLAGS[@]}" -gt 0 ] || die "no wasm-opt flags found in Cargo.toml's [package.metadata.wasm-pack.profile.release]"
# Plus, for this ABI only: drop the `__data_end` and `__heap_base` globals that rustc exports
# from every wasm32 cdylib (the module's interface is memory, alloc, run; assemble.mjs checks),
# and any debug info or names (none with `strip = true`; kept out should that change).
OPT_FLAGS+=(--remove-exports "--pass-arg=remove-exports@__*" --strip-debug)

# ---- 1-2. per build: cargo, wasm-opt --------------------------------------------------------
# Two builds of the cdylib: "core" (--no-default-features: no DPoP, no ID token signature
# check; the package's main entry) and "full" (default features; the `wasm-oauth/full` entry).
# Each has its own cargo target dir (a cdylib's file name carries no feature hash, so one dir
# would rebuild on every switch) and its own $WASM_DIR/<build>/ with a stamp.
# Sequential: CI has 2 cores and each release build (LTO) uses them.
build_variant() {  # build_variant <name> <cargo target dir> <cargo feature args...>
  local name=$1 tdir=$2; shift 2
  local raw=$tdir/wasm32-unknown-unknown/release/$NAME.wasm dir=$WASM_DIR/$name
  step "[$name] cargo build --release --target wasm32-unknown-unknown --lib $*"
  CARGO_TARGET_DIR=$tdir cargo build --release --target wasm32-unknown-unknown --lib "$@"
  [ -f "$raw" ] || die "$raw not produced"

  local stamp_file=$dir/.inputs stamp
  stamp=$( { sha256sum "$raw"; "$WASM_OPT" --version; echo "${OPT_FLAGS[*]}"; sha256sum scripts/build.sh; } \
    | sha256sum | cut -d' ' -f1)
  if [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$stamp" ] && [ -f "$dir/$NAME.wasm" ]; then
    step "[$name] wasm-opt: inputs unchanged, reusing $dir/$NAME.wasm"
    return
  fi
  rm -f "$stamp_file" "$dir/$NAME.wasm"
  mkdir -p "$dir"
  step "[$name] wasm-opt ${OPT_FLAGS[*]} (binaryen $WASM_OPT_VERSION)"
  "$WASM_OPT" "${OPT_FLAGS[@]}" "$raw" -o "$dir/$NAME.wasm"
  echo "$stamp" > "$stamp_file"
}
# (Outputs of the wasm-bindgen pipeline, before the plain ABI: removed, they are no longer read.)
rm -rf target/bindgen
build_variant core "$TARGET_DIR/core" --no-default-features --features standalone
build_variant full "$TARGET_DIR" --features standalone

# ---- 3. assemble pkg/ -----------------------------------------------------------------------
step "node pkg-template/assemble.mjs $WASM_DIR $OUT"
node pkg-template/assemble.mjs "$WASM_DIR" "$OUT"

# ---- 4. sizes -------------------------------------------------------------------------------
gz() { gzip -9 -c "$@" | wc -c; }
# (gzip -9 of the file, its name in the header included, as tests/e2e/size.test.mjs measures.)
row() { printf '  %-42s %9s B raw %9s B gzip -9\n' "$1" "$(wc -c < "$2")" "$(gz "$2")"; }
echo "== build: sizes"
for entry in "$NAME" "${NAME}_full"; do
  WASM_FILE=$OUT/${entry}_bg.wasm
  row "$WASM_FILE" "$WASM_FILE"
  row "$OUT/$entry.js (ES module)" "$OUT/$entry.js"
  [ -f "$OUT/$entry.classic.js" ] && row "$OUT/$entry.classic.js (classic script)" "$OUT/$entry.classic.js"
  TOTAL_GZ=$(( $(gz "$WASM_FILE") + $(gz "$OUT/$entry.js") ))
  printf '  %-42s %9s B gzip -9 (each file gzipped; tests/e2e/size.test.mjs guards it)\n' "$entry: .wasm + ES module" "$TOTAL_GZ"
done
