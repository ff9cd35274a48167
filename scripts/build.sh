#!/usr/bin/env bash
# Builds the release npm package into pkg/ without wasm-pack:
#   cargo (wasm32, release) -> wasm-bindgen (web + no-modules) -> wasm-opt -Oz (binaryen >= 110,
#   from node_modules) -> node pkg-template/assemble.mjs -> pkg/
# Idempotent; steps whose inputs did not change are skipped (a no-change run takes seconds).
# Needs the tools of scripts/setup.sh (run that first on a fresh machine).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# binaryen's node wasm-opt first: Debian's wasm-opt 108 corrupts wasm-bindgen 0.2.130 output.
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"

NAME=wasm_oauth
TARGET_DIR=${CARGO_TARGET_DIR:-target}
RAW_WASM=$TARGET_DIR/wasm32-unknown-unknown/release/$NAME.wasm
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

# ---- 1. cargo -------------------------------------------------------------------------------
step "cargo build --release --target wasm32-unknown-unknown --lib --features standalone"
cargo build --release --target wasm32-unknown-unknown --lib --features standalone
[ -f "$RAW_WASM" ] || die "$RAW_WASM not produced"

# ---- 2 + 3. wasm-bindgen and wasm-opt (skipped when their inputs are unchanged) -------------
STAMP_FILE=$BINDGEN/.inputs
STAMP=$( { sha256sum "$RAW_WASM"; echo "bindgen $HAVE_BINDGEN"; "$WASM_OPT" --version; echo "${OPT_FLAGS[*]}"; \
  sha256sum scripts/build.sh; } | sha256sum | cut -d' ' -f1)
have_outputs() {
  for t in web classic; do
    [ -f "$BINDGEN/$t/$NAME.js" ] && [ -f "$BINDGEN/$t/${NAME}_bg.wasm" ] || return 1
  done
}
if [ -f "$STAMP_FILE" ] && [ "$(cat "$STAMP_FILE")" = "$STAMP" ] && have_outputs; then
  step "wasm-bindgen + wasm-opt: inputs unchanged, reusing $BINDGEN/"
else
  rm -f "$STAMP_FILE"
  step "wasm-bindgen --target web / --target no-modules --no-modules-global wasmOAuth"
  rm -rf "$BINDGEN/web" "$BINDGEN/classic"
  wasm-bindgen --target web --out-dir "$BINDGEN/web" "$RAW_WASM"
  wasm-bindgen --target no-modules --no-modules-global wasmOAuth --out-dir "$BINDGEN/classic" "$RAW_WASM"

  if cmp -s "$BINDGEN/web/${NAME}_bg.wasm" "$BINDGEN/classic/${NAME}_bg.wasm"; then
    step "the two _bg.wasm files are identical: wasm-opt ${OPT_FLAGS[*]} (binaryen $WASM_OPT_VERSION), once"
    cp "$BINDGEN/web/${NAME}_bg.wasm" "$BINDGEN/$NAME.unopt.wasm"
    "$WASM_OPT" "${OPT_FLAGS[@]}" "$BINDGEN/$NAME.unopt.wasm" -o "$BINDGEN/web/${NAME}_bg.wasm"
    cp "$BINDGEN/web/${NAME}_bg.wasm" "$BINDGEN/classic/${NAME}_bg.wasm"
  else
    step "the two _bg.wasm files differ: wasm-opt ${OPT_FLAGS[*]} (binaryen $WASM_OPT_VERSION), each"
    for t in web classic; do
      cp "$BINDGEN/$t/${NAME}_bg.wasm" "$BINDGEN/$t/$NAME.unopt.wasm"
      "$WASM_OPT" "${OPT_FLAGS[@]}" "$BINDGEN/$t/$NAME.unopt.wasm" -o "$BINDGEN/$t/${NAME}_bg.wasm"
      rm "$BINDGEN/$t/$NAME.unopt.wasm"
    done
  fi
  echo "$STAMP" > "$STAMP_FILE"
fi

# ---- 4. assemble pkg/ -----------------------------------------------------------------------
if [ -f pkg-template/assemble.mjs ]; then
  step "node pkg-template/assemble.mjs $BINDGEN $OUT"
  node pkg-template/assemble.mjs "$BINDGEN" "$OUT"
else
  step "pkg-template/assemble.mjs not there yet: copying the raw wasm-bindgen outputs into $OUT/ (fallback)"
  rm -rf "$OUT"; mkdir -p "$OUT/classic"
  cp "$BINDGEN/web/"* "$OUT/"
  cp "$BINDGEN/classic/"* "$OUT/classic/"
fi

# ---- 5. sizes -------------------------------------------------------------------------------
gz() { gzip -9 -c "$@" | wc -c; }
row() { printf '  %-42s %9s B raw %9s B gzip -9\n' "$1" "$(cat "${@:2}" | wc -c)" "$(cat "${@:2}" | gzip -9 -c | wc -c)"; }
WASM_FILE=$OUT/${NAME}_bg.wasm
echo "== build: sizes"
[ -f "$BINDGEN/$NAME.unopt.wasm" ] && row "(before wasm-opt) ${NAME}_bg.wasm" "$BINDGEN/$NAME.unopt.wasm"
row "$WASM_FILE" "$WASM_FILE"
row "$OUT/$NAME.js (ES glue)" "$OUT/$NAME.js"
[ -f "$OUT/$NAME.classic.js" ] && row "$OUT/$NAME.classic.js (classic glue)" "$OUT/$NAME.classic.js"
TOTAL_GZ=$(( $(gz "$WASM_FILE") + $(gz "$OUT/$NAME.js") ))
printf '  %-42s %9s B gzip -9 (each file gzipped; tests/e2e/size.test.mjs guards it)\n' ".wasm + ES glue" "$TOTAL_GZ"
