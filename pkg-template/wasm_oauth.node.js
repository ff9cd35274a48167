// Node.js entry of wasm-oauth (the "node" export condition).
//
// Compiles the WebAssembly module synchronously from the file next to this one, so importing
// this module is enough: no `await init()` (calling it anyway is harmless). It touches neither
// `window` nor `document`. Without Web Storage, clients keep their tokens in memory.
import { readFileSync } from "node:fs";
import { initSync } from "./wasm_oauth.js";

initSync({ module: readFileSync(new URL("./wasm_oauth_bg.wasm", import.meta.url)) });

export * from "./wasm_oauth.js";
export { default } from "./wasm_oauth.js";
