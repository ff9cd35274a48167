
// ---- wasm-oauth classic-script footer (pkg-template/classic-footer.js) ----
// `wasmOAuth.ready` resolves to `wasmOAuth` once the WebAssembly module is instantiated.
// The module is fetched from next to this script's own URL as soon as the script runs.
// Where this script's URL is unknown (a worker's importScripts, an inlined copy), call
// `wasmOAuth({ module_or_path: url })` yourself first; `ready` then waits for that.
(function (lib) {
  "use strict";
  var src = typeof document !== "undefined" && document.currentScript && document.currentScript.src;
  var ready;
  function start(input) {
    if (!ready) {
      ready = lib(input).then(function () { return lib; }, function (error) {
        ready = undefined; // let a later `wasmOAuth({ module_or_path })` + `ready` try again
        throw error;
      });
    }
    return ready;
  }
  Object.defineProperty(lib, "ready", {
    configurable: true,
    enumerable: true,
    get: function () { return start(undefined); },
  });
  if (src) start({ module_or_path: new URL(__WASM_FILE__, src) });
  // `let wasmOAuth` above is a global binding but not a property of `window`: add one.
  if (typeof globalThis !== "undefined") globalThis.wasmOAuth = lib;
})(wasmOAuth);
