// wasm-oauth, as the README shows an SPA using it: `await init()`, one AuthClient.
// Bundled by bench/lib/build.mjs with the pkg/ glue; the .wasm is fetched next to the bundle.
import init, { AuthClient } from '../../pkg/wasm_oauth.js';

let client;
let wasm;
let signInOptions;

globalThis.benchLib = {
  name: 'wasm-oauth',
  async create(c) {
    // c.wasm: the module's bytes when the bench measures loading from memory (init accepts them).
    wasm = await init(c.wasm ? { module_or_path: c.wasm } : undefined);
    client = new AuthClient({
      clientId: c.clientId,
      redirectUri: c.redirectUri,
      issuer: c.issuer,
      authorizationEndpoint: c.authorizationEndpoint,
      tokenEndpoint: c.tokenEndpoint,
      scope: c.scope,
    });
    signInOptions = c.prompt ? { extraParams: { prompt: c.prompt } } : undefined;
  },
  buildSignInUrl: () => client.createSignInUrl(signInOptions),
  handleCallback: (url) => client.handleCallback(url),
  getToken: () => client.getToken(),
  refresh: () => client.refresh(),
  wasmMemoryBytes: () => wasm.memory.buffer.byteLength,
};
