// The package's hand-written loader (pkg-template/loader.js) in Chromium: every input of init()
// and initSync(), each in a fresh instance of the ES module (`/pkg/wasm_oauth.js?<n>`: a new
// module record), then a run of the module through AuthClient; one fetch for concurrent calls,
// a retry after a failed load, the fallback for a .wasm not served as application/wasm; and the
// classic script where it cannot tell its own URL (inlined). Node's side (and the raw ABI: the
// same V8): tests/node/loader.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser, describePage } from '../support/browser.mjs';
import { startApp, PKG } from './helpers.mjs';

let app; let browser;
before(async () => {
  app = await startApp({
    routes: {
      // The module served with a MIME type streaming compilation refuses.
      '/octet-stream.wasm': (req, res) => {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'cache-control': 'no-store' });
        res.end(fs.readFileSync(path.join(PKG, 'wasm_oauth_bg.wasm')));
      },
    },
  });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await app?.close();
});

const wasmFetches = (from) => app.requests.slice(from).filter((r) => r.path.endsWith('.wasm')).map((r) => r.path);

async function openPage() {
  const page = await browser.newPage();
  await page.goto(app.homeUrl, { waitUntil: 'domcontentloaded' });
  // In the page: `fresh()` imports a new instance of the ES module; `works(lib)` runs the module.
  await page.evaluate(() => {
    let n = 0;
    window.fresh = () => import(`/pkg/wasm_oauth.js?${++n}`);
    window.works = async (lib) => {
      const client = new lib.AuthClient({
        clientId: 'spa', redirectUri: `${location.origin}/callback.html`,
        authorizationEndpoint: 'https://id.example/authorize', tokenEndpoint: 'https://id.example/token',
      });
      const url = new URL(await client.createSignInUrl());
      let refused = '';
      try { new lib.AuthClient({ clientId: 'spa' }); } catch (e) { refused = `${e.name} ${e.code}`; }
      return `${url.origin}${url.pathname} ${refused}`;
    };
  });
  return page;
}
const WORKS = 'https://id.example/authorize AuthError invalid_config';

test('init(): every accepted input, in a fresh module instance each; idempotent afterwards', { timeout: 60000 }, async () => {
  const page = await openPage();
  const t0 = app.requests.length;
  const results = await page.evaluate(async () => {
    const url = '/pkg/wasm_oauth_bg.wasm';
    const bytes = () => fetch(url).then((r) => r.arrayBuffer());
    const forms = {
      'no argument (the .wasm next to the module)': () => undefined,
      '{} (no module_or_path)': () => ({}),
      'URL string': () => url,
      'URL': () => new URL(url, location.href),
      'Request': () => new Request(url),
      'Response': () => fetch(url),
      'Promise of a Response': () => fetch(url),
      'Promise of a URL string': () => Promise.resolve(url),
      'ArrayBuffer': bytes,
      'Uint8Array': async () => new Uint8Array(await bytes()),
      'WebAssembly.Module': () => WebAssembly.compileStreaming(fetch(url)),
      '{ module_or_path: URL string }': () => ({ module_or_path: url }),
      '{ module_or_path: Promise of a Response }': () => ({ module_or_path: fetch(url) }),
      '{ module_or_path: WebAssembly.Module }': async () => ({ module_or_path: await WebAssembly.compileStreaming(fetch(url)) }),
      'served as application/octet-stream (compiled from the bytes)': () => '/octet-stream.wasm',
    };
    const out = {};
    for (const [name, input] of Object.entries(forms)) {
      try {
        const lib = await fresh();
        // (Inputs that are Promises are passed as Promises; the others are awaited first.)
        const arg = name.startsWith('Promise') || name.includes('Promise of') ? input() : await input();
        const exports = await lib.default(arg);
        const again = await lib.default('/nothing-here.wasm');
        out[name] = [
          exports.memory instanceof WebAssembly.Memory, again === exports, lib.initSync(new Uint8Array(1)) === exports, await works(lib),
        ].join(' ');
      } catch (e) {
        out[name] = `${e.name}: ${e.message}`;
      }
    }
    return out;
  });
  for (const [name, r] of Object.entries(results)) assert.equal(r, `true true true ${WORKS}`, `${name}\n${describePage(page)}`);
  assert.ok(!wasmFetches(t0).includes('/nothing-here.wasm'), 'init() after a load fetches nothing');
  assert.deepEqual(page.pageErrors, []);
  await page.close();
});

test('initSync(): WebAssembly.Module, bytes, { module }; init() afterwards resolves to the same exports', { timeout: 60000 }, async () => {
  const page = await openPage();
  const results = await page.evaluate(async () => {
    const buffer = await fetch('/pkg/wasm_oauth_bg.wasm').then((r) => r.arrayBuffer());
    const module = await WebAssembly.compile(buffer);
    const forms = {
      'WebAssembly.Module': () => module,
      '{ module: WebAssembly.Module }': () => ({ module }),
      'ArrayBuffer': () => buffer,
      'Uint8Array': () => new Uint8Array(buffer),
      '{ module: Uint8Array }': () => ({ module: new Uint8Array(buffer) }),
    };
    const out = {};
    for (const [name, input] of Object.entries(forms)) {
      try {
        const lib = await fresh();
        const exports = lib.initSync(input());
        out[name] = [exports.memory instanceof WebAssembly.Memory, (await lib.default()) === exports, await works(lib)].join(' ');
      } catch (e) {
        out[name] = `${e.name}: ${e.message}`;
      }
    }
    return out;
  });
  for (const [name, r] of Object.entries(results)) assert.equal(r, `true true ${WORKS}`, `${name}\n${describePage(page)}`);
  await page.close();
});

test('concurrent init() calls share one load (one fetch); a failed load rejects and the next call retries', { timeout: 60000 }, async () => {
  const page = await openPage();
  const t0 = app.requests.length;
  const r = await page.evaluate(async () => {
    const lib = await fresh();
    const calls = [lib.default(), lib.default(), lib.default({ module_or_path: '/pkg/wasm_oauth_bg.wasm' })];
    const [a, b, c] = await Promise.all(calls);
    return { same: a === b && b === c, works: await works(lib) };
  });
  assert.deepEqual(r, { same: true, works: WORKS });
  assert.deepEqual(wasmFetches(t0), ['/pkg/wasm_oauth_bg.wasm'], 'one fetch');

  const retry = await page.evaluate(async () => {
    const lib = await fresh();
    const failures = [];
    for (const bad of ['/pkg/missing.wasm', new Uint8Array([0, 97, 115, 109, 9])]) {
      try {
        await lib.default(bad);
        failures.push('resolved');
      } catch (e) {
        failures.push(`${e.name}: ${e.message}`);
      }
    }
    await lib.default();
    return { failures, works: await works(lib) };
  });
  assert.match(retry.failures[0], /^Error: wasm-oauth: HTTP 404 for http:\/\/localhost:\d+\/pkg\/missing\.wasm$/);
  assert.match(retry.failures[1], /^CompileError: /);
  assert.equal(retry.works, WORKS);
  await page.close();
});

test('classic script inlined (no URL of its own): wasmOAuth.ready says what to do; wasmOAuth({ module_or_path }) loads it', { timeout: 60000 }, async () => {
  const page = await openPage();
  const t0 = app.requests.length;
  await page.addScriptTag({ content: fs.readFileSync(path.join(PKG, 'wasm_oauth.classic.js'), 'utf8') });
  const r = await page.evaluate(async () => {
    let before = '';
    try { await wasmOAuth.ready; } catch (e) { before = e.message; }
    const fns = ['initSync', 'AuthClient', 'signIn', 'handleCallback', 'getToken', 'refresh'].filter((n) => typeof wasmOAuth[n] === 'function');
    const exports = await wasmOAuth({ module_or_path: '/pkg/wasm_oauth_bg.wasm' });
    return {
      before, fns, run: 'run' in wasmOAuth,
      ready: (await wasmOAuth.ready) === wasmOAuth,
      same: wasmOAuth.initSync(new Uint8Array(1)) === exports,
      works: await works(wasmOAuth),
    };
  });
  assert.match(r.before, /^wasm-oauth: this script cannot tell its own URL; call wasmOAuth\(\{ module_or_path: '\.\.\.\/wasm_oauth_bg\.wasm' \}\)/);
  assert.deepEqual(r.fns, ['initSync', 'AuthClient', 'signIn', 'handleCallback', 'getToken', 'refresh']);
  assert.equal(r.run, false, 'run stays private');
  assert.equal(r.ready, true);
  assert.equal(r.same, true);
  assert.equal(r.works, WORKS);
  assert.deepEqual(wasmFetches(t0), ['/pkg/wasm_oauth_bg.wasm']);
  assert.deepEqual(page.pageErrors, []);
  await page.close();
});
