// ---- wasm-oauth loader (pkg-template/loader.js) ----
// Instantiates the WebAssembly module and defines `run`, the one function of it that the
// executor (appended below) calls. Hand-written for the module's plain C ABI (src/abi.rs), in
// place of wasm-bindgen's generated glue: the module imports nothing and exports `memory`,
// `alloc(len)` (the address of a `len`-byte request buffer) and `run()` (the address of two
// u32s: the address and the length of the UTF-8 answer). assemble.mjs fills in __WASM_FILE__.

let wasmModule, wasm, loading;
const toUtf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/** Keeps the compiled module and makes `instance` (by default a new one) the one in use. */
function start(module, instance = new WebAssembly.Instance(module)) {
  wasmModule = module;
  return (wasm = instance.exports);
}

/** One run of a flow (src/flow/): the JSON request in, the JSON answer out. */
function run(request) {
  if (!wasm) throw new Error("wasm-oauth: await init() first");
  const bytes = toUtf8.encode(request);
  try {
    const at = wasm.alloc(bytes.length);
    // `memory.buffer` only after each call: a call that grows the memory detaches the old one.
    new Uint8Array(wasm.memory.buffer).set(bytes, at);
    const out = wasm.run();
    const view = new DataView(wasm.memory.buffer);
    return fromUtf8.decode(new Uint8Array(view.buffer, view.getUint32(out, true), view.getUint32(out + 4, true)));
  } catch (error) {
    // A trap (a bug: the flows never panic by design) can leave the module's stack pointer or
    // allocator half-updated: later runs get a fresh instance of the same module (its state
    // lives in JavaScript, between runs the module keeps none). The error itself propagates
    // like any other: the call that ran into it throws or rejects, and releases its locks.
    start(wasmModule);
    throw error;
  }
}

/**
 * Loads and instantiates the module; call (and await) it once before anything else. Later
 * calls resolve to the same exports, concurrent ones share one load, and a call after a failed
 * load tries again. `input` (or `{ module_or_path: input }`): a URL (string, URL, Request) to
 * fetch, a Response, the bytes, a WebAssembly.Module, or a Promise of one of these; by default
 * the .wasm file next to this script.
 */
export default function init(input) {
  return wasm
    ? Promise.resolve(wasm)
    : (loading ??= load(input).catch((error) => {
      loading = undefined;
      throw error;
    }));
}

async function load(input) {
  if (input && Object.getPrototypeOf(input) === Object.prototype) input = input.module_or_path;
  input = await (input ?? new URL("__WASM_FILE__", import.meta.url));
  if (typeof input == "string" || input instanceof URL || input instanceof Request) input = await fetch(input);
  let result;
  if (input instanceof Response) {
    if (!input.ok) throw new Error(`wasm-oauth: HTTP ${input.status} for ${input.url}`);
    // Compiles while downloading, which needs the MIME type application/wasm; else from the bytes.
    result = await (input.headers.get("Content-Type") == "application/wasm" && WebAssembly.instantiateStreaming
      ? WebAssembly.instantiateStreaming(input)
      : input.arrayBuffer().then(WebAssembly.instantiate));
  } else {
    result = await WebAssembly.instantiate(input);
  }
  // (A Module gives an Instance; bytes and a Response give { module, instance }.)
  return wasm || start(result.module || input, result.instance || result);
}

/**
 * Instantiates the module synchronously from a WebAssembly.Module or its bytes (or
 * `{ module }` holding one); returns the exports (the same ones once instantiated).
 */
export function initSync(input) {
  if (!wasm) {
    if (Object.getPrototypeOf(input) === Object.prototype) input = input.module;
    start(input instanceof WebAssembly.Module ? input : new WebAssembly.Module(input));
  }
  return wasm;
}
