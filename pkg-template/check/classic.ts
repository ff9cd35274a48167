// The classic-script global, declared by wasm_oauth.classic.d.ts.
import type {} from "wasm-oauth/classic";
const lib = await wasmOAuth.ready;
const c = new lib.AuthClient({ clientId: "spa", redirectUri: location.href });
const c2 = new window.wasmOAuth.AuthClient({ clientId: "spa" });
await wasmOAuth({ module_or_path: "/x.wasm" });
const s: string = await wasmOAuth.getToken({ clientId: "spa" });
wasmOAuth.initSync({ module: new Uint8Array() });
console.log(c.isAuthenticated(), c2, s);
// @ts-expect-error no default on the global
wasmOAuth.default;
export {};
