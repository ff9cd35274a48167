// ---- wasm-oauth classic script (pkg-template/classic.js) ----
// The build for `<script src=".../wasm_oauth.classic.js">`: the loader and the executor (their
// `export`s removed; assemble.mjs puts them in below) and their exports on the global
// `wasmOAuth`, which is also the init function. A template of top-level code: esbuild wraps it
// in one function scope (format "iife"), after dropping what is unused at the top level (the
// core build's full-only effects, as in the ES module).
// The script loads the WebAssembly module from next to its own URL as soon as it runs.
// `wasmOAuth.ready` is the outcome of the latest load: it resolves to `wasmOAuth` itself, or
// rejects with the reason (e.g. a CSP without 'wasm-unsafe-eval', a missing .wasm file).
// Where this script cannot tell its own URL (a worker's importScripts, an inlined copy), call
// `wasmOAuth({ module_or_path: url })` first; calling it again after a failure retries.
"use strict";
// The loader's default URL is relative to this (the loader reads it in place of import.meta.url).
const scriptSrc = typeof document != "undefined" ? document.currentScript?.src : undefined;

__BODY__

let ready;
const lib = Object.assign(function wasmOAuth(options) {
  const loading = init(options);
  ready = loading.then(() => lib);
  return loading;
}, __EXPORTS__);
Object.defineProperty(lib, "ready", {
  enumerable: true,
  get: () => ready || Promise.reject(new Error(
    "wasm-oauth: this script cannot tell its own URL; call wasmOAuth({ module_or_path: " +
    "'.../__WASM_FILE__' }) before awaiting wasmOAuth.ready")),
});
if (scriptSrc) lib().catch(() => {
  // reported through `wasmOAuth.ready`
});
globalThis.wasmOAuth = lib;
