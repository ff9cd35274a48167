
// ---- wasm-oauth classic-script footer (pkg-template/classic-footer.js) ----
// Loads the WebAssembly module from next to this script's own URL as soon as the script runs.
// `wasmOAuth.ready` is the outcome of the latest load: it resolves to `wasmOAuth` itself, or
// rejects with the reason (e.g. a CSP without 'wasm-unsafe-eval', a missing .wasm file).
// Where this script cannot tell its own URL (a worker's importScripts, an inlined copy), call
// `wasmOAuth({ module_or_path: url })` first; calling it again after a failure retries.
(function (glue) {
  "use strict";
  var src = typeof document !== "undefined" && document.currentScript && document.currentScript.src;
  var ready;
  var lib = Object.assign(function wasmOAuth(options) {
    var loading = glue(options);
    ready = loading.then(function () { return lib; });
    return loading;
  }, glue);
  Object.defineProperty(lib, "ready", {
    enumerable: true,
    get: function () {
      return ready || Promise.reject(new Error(
        "wasm-oauth: this script cannot tell its own URL; call wasmOAuth({ module_or_path: " +
        "'.../wasm_oauth_bg.wasm' }) before awaiting wasmOAuth.ready"));
    },
  });
  if (src) lib({ module_or_path: new URL(__WASM_FILE__, src) }).catch(function () {
    // reported through `wasmOAuth.ready`
  });
  wasmOAuth = lib;
  // `let wasmOAuth` above is a global binding but no property of the global object: add one.
  globalThis.wasmOAuth = lib;
})(wasmOAuth);
