/**
 * Types of the classic-script build, `<script src=".../wasm_oauth.classic.js">`, which defines
 * the global `wasmOAuth`. Bring them into a TypeScript project with
 * `/// <reference types="wasm-oauth/classic" />` (or `import type {} from "wasm-oauth/classic"`).
 *
 * ```js
 * await wasmOAuth.ready;
 * const auth = new wasmOAuth.AuthClient({ clientId: "spa", issuer: "https://id.example.com",
 *                                         redirectUri: location.origin + location.pathname });
 * ```
 *
 * @packageDocumentation
 */
import type * as WasmOAuthModule from "./wasm_oauth.js";

/** The `wasmOAuth` global: the init function, with every export of the package attached. */
export interface WasmOAuthGlobal extends Omit<typeof WasmOAuthModule, "default"> {
  /**
   * Loads and instantiates the module. The script already does this itself, with the `.wasm`
   * next to its own URL; call it only where that URL is unknown (a worker's `importScripts`,
   * an inlined copy) or to retry from elsewhere after a failure. Updates {@link WasmOAuthGlobal.ready}.
   */
  (options?: { module_or_path?: WasmOAuthModule.InitInput | Promise<WasmOAuthModule.InitInput> }): Promise<WasmOAuthModule.InitOutput>;
  /**
   * The outcome of the latest load: resolves to `wasmOAuth` itself once the WebAssembly module
   * is ready; rejects with the reason it could not be loaded (e.g. a CSP without
   * `'wasm-unsafe-eval'`, or the `.wasm` not served next to the script).
   */
  readonly ready: Promise<WasmOAuthGlobal>;
}

declare global {
  /** wasm-oauth, loaded by `<script src=".../wasm_oauth.classic.js">`. Await `wasmOAuth.ready` first. */
  var wasmOAuth: WasmOAuthGlobal;
}
