// The classic-script build: /pkg/wasm_oauth.classic.js (loaded by classic.html) defined the
// global `wasmOAuth`; `wasmOAuth.ready` resolves to it once the WebAssembly module is loaded.
import { startDemo } from "./ui.js";

startDemo({
  build: "classic script",
  other: { href: "./", label: "ES module build" },
  load: () => globalThis.wasmOAuth.ready,
});
