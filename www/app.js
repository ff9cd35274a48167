// The ES module build: `init()` fetches /pkg/wasm_oauth_bg.wasm, then the exports are usable.
import init, * as wasmOAuth from "/pkg/wasm_oauth.js";
import { startDemo } from "./ui.js";

startDemo({
  build: "ES module",
  other: { href: "classic.html", label: "classic <script> build" },
  load: async () => {
    await init();
    return wasmOAuth;
  },
});
