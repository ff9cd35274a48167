#!/usr/bin/env bash
# Builds the release npm package into pkg/ without wasm-pack:
#   cargo (wasm32, release) -> wasm-bindgen (web + no-modules) -> wasm-opt -Oz (binaryen >= 110,
#   from node_modules), twice: the core build (no DPoP, no ID token signature check: the main
#   entry) and the full build (the `wasm-oauth/full` entry) -> node pkg-template/assemble.mjs -> pkg/
# Idempotent; steps whose inputs did not change are skipped (a no-change run takes seconds).
# Needs the tools of scripts/setup.sh (run that first on a fresh machine).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# binaryen's node wasm-opt first: Debian's wasm-opt 108 corrupts wasm-bindgen 0.2.130 output.
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"

NAME=wasm_oauth
TARGET_DIR=${CARGO_TARGET_DIR:-target}
BINDGEN=target/bindgen
OUT=pkg
step() { printf '== build: %s\n' "$*"; }
die() { printf 'build: error: %s\n' "$*" >&2; exit 1; }

# ---- tool checks --------------------------------------------------------------------------
WASM_OPT=$ROOT/node_modules/.bin/wasm-opt
[ -x "$WASM_OPT" ] || die "node_modules/.bin/wasm-opt missing: run scripts/setup.sh (npm ci installs binaryen)"
WASM_OPT_VERSION=$("$WASM_OPT" --version | sed -nE 's/^wasm-opt version ([0-9]+).*/\1/p')
[ -n "$WASM_OPT_VERSION" ] && [ "$WASM_OPT_VERSION" -ge 110 ] \
  || die "wasm-opt version '$WASM_OPT_VERSION' < 110 corrupts wasm-bindgen output (binaryen issue 4711)"
if [ "$(command -v wasm-opt)" != "$WASM_OPT" ]; then
  die "PATH resolves wasm-opt to $(command -v wasm-opt), not $WASM_OPT"
fi
WANT_BINDGEN=$(sed -nE 's/^wasm-bindgen = (\{ *version = )?"=([0-9.]+)".*/\2/p' Cargo.toml)
HAVE_BINDGEN=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')
[ "$HAVE_BINDGEN" = "$WANT_BINDGEN" ] \
  || die "wasm-bindgen CLI '$HAVE_BINDGEN' != crate's pinned '$WANT_BINDGEN': run scripts/setup.sh"

# wasm-opt flags: one source of truth, the wasm-pack profile in Cargo.toml.
mapfile -t OPT_FLAGS < <(sed -n '/^\[package\.metadata\.wasm-pack\.profile\.release\]/,/^\[/p' Cargo.toml \
  | sed -n '/^wasm-opt *=/,/\]/p' | grep -oE '"-[^"]+"' | tr -d '"')
if [ "${#OPT_FLAGS[@]}" -eq 0 ]; then
  OPT_FLAGS=(-Oz --enable-bulk-memory --enable-sign-ext --enable-nontrapping-float-to-int
    --enable-multivalue --enable-reference-types --enable-mutable-globals)
fi

# ---- 1-3. per build: cargo, wasm-bindgen, wasm-opt ------------------------------------------
# Two builds of the cdylib: "core" (--no-default-features: no DPoP, no ID token signature
# check; the package's main entry) and "full" (default features; the `wasm-oauth/full` entry).
# Each has its own cargo target dir (a cdylib's file name carries no feature hash, so one dir
# would rebuild on every switch) and its own $BINDGEN/<build>/{web,classic} with a stamp.
# Sequential: CI has 2 cores and each release build (LTO) uses them.
build_variant() {  # build_variant <name> <cargo target dir> <cargo feature args...>
  local name=$1 tdir=$2; shift 2
  local raw=$tdir/wasm32-unknown-unknown/release/$NAME.wasm dir=$BINDGEN/$name
  step "[$name] cargo build --release --target wasm32-unknown-unknown --lib $*"
  CARGO_TARGET_DIR=$tdir cargo build --release --target wasm32-unknown-unknown --lib "$@"
  [ -f "$raw" ] || die "$raw not produced"

  local stamp_file=$dir/.inputs stamp
  stamp=$( { sha256sum "$raw"; echo "bindgen $HAVE_BINDGEN"; "$WASM_OPT" --version; echo "${OPT_FLAGS[*]}"; \
    sha256sum scripts/build.sh; } | sha256sum | cut -d' ' -f1)
  local have=1 t
  for t in web classic; do
    [ -f "$dir/$t/$NAME.js" ] && [ -f "$dir/$t/${NAME}_bg.wasm" ] || have=0
  done
  if [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$stamp" ] && [ "$have" = 1 ]; then
    step "[$name] wasm-bindgen + wasm-opt: inputs unchanged, reusing $dir/"
    return
  fi
  rm -f "$stamp_file"
  step "[$name] wasm-bindgen --target web / --target no-modules --no-modules-global wasmOAuth"
  rm -rf "$dir/web" "$dir/classic" "$dir/$NAME.unopt.wasm"
  wasm-bindgen --target web --out-dir "$dir/web" "$raw"
  wasm-bindgen --target no-modules --no-modules-global wasmOAuth --out-dir "$dir/classic" "$raw"

  if cmp -s "$dir/web/${NAME}_bg.wasm" "$dir/classic/${NAME}_bg.wasm"; then
    step "[$name] the two _bg.wasm files are identical: wasm-opt ${OPT_FLAGS[*]} (binaryen $WASM_OPT_VERSION), once"
    cp "$dir/web/${NAME}_bg.wasm" "$dir/$NAME.unopt.wasm"
    "$WASM_OPT" "${OPT_FLAGS[@]}" "$dir/$NAME.unopt.wasm" -o "$dir/web/${NAME}_bg.wasm"
    cp "$dir/web/${NAME}_bg.wasm" "$dir/classic/${NAME}_bg.wasm"
  else
    step "[$name] the two _bg.wasm files differ: wasm-opt ${OPT_FLAGS[*]} (binaryen $WASM_OPT_VERSION), each"
    for t in web classic; do
      cp "$dir/$t/${NAME}_bg.wasm" "$dir/$t/$NAME.unopt.wasm"
      "$WASM_OPT" "${OPT_FLAGS[@]}" "$dir/$t/$NAME.unopt.wasm" -o "$dir/$t/${NAME}_bg.wasm"
      rm "$dir/$t/$NAME.unopt.wasm"
    done
  fi
  echo "$stamp" > "$stamp_file"
}
# (Outputs of the single-build layout, before core/full: removed, they are no longer read.)
rm -rf "$BINDGEN/web" "$BINDGEN/classic" "$BINDGEN/.inputs" "$BINDGEN/$NAME.unopt.wasm"
build_variant core "$TARGET_DIR/core" --no-default-features --features standalone
build_variant full "$TARGET_DIR" --features standalone

# ---- 4. assemble pkg/ -----------------------------------------------------------------------
step "node pkg-template/assemble.mjs $BINDGEN $OUT"
node pkg-template/assemble.mjs "$BINDGEN" "$OUT"

# ---- 5. sizes -------------------------------------------------------------------------------
gz() { gzip -9 -c "$@" | wc -c; }
row() { printf '  %-42s %9s B raw %9s B gzip -9\n' "$1" "$(cat "${@:2}" | wc -c)" "$(cat "${@:2}" | gzip -9 -c | wc -c)"; }
echo "== build: sizes"
for entry in "$NAME" "${NAME}_full"; do
  WASM_FILE=$OUT/${entry}_bg.wasm
  row "$WASM_FILE" "$WASM_FILE"
  row "$OUT/$entry.js (ES glue)" "$OUT/$entry.js"
  [ -f "$OUT/$entry.classic.js" ] && row "$OUT/$entry.classic.js (classic glue)" "$OUT/$entry.classic.js"
  TOTAL_GZ=$(( $(gz "$WASM_FILE") + $(gz "$OUT/$entry.js") ))
  printf '  %-42s %9s B gzip -9 (each file gzipped; tests/e2e/size.test.mjs guards it)\n' "$entry: .wasm + ES glue" "$TOTAL_GZ"
done
