// The package's hand-written loader (pkg-template/loader.js, in pkg/wasm_oauth.js) in Node, and
// the module's raw ABI (src/abi.rs) without it:
//   - every input init() and initSync() accept (bytes, WebAssembly.Module, Response, Promise,
//     URL string / URL / Request over HTTP, `{ module_or_path }`, `{ module }`), each in a fresh
//     instance of the ES module (a query string makes a new one); idempotence, one load for
//     concurrent calls, a retry after a failed load, the MIME type fallback;
//   - the raw `run` export answers non-UTF-8 and garbage requests with an error JSON, never a
//     trap, and frees what it allocated;
//   - a trap inside `run` surfaces as the call's exception and leaves no broken state behind
//     (shown with a stand-in module that traps on request, built with binaryen).
// The browser side of the same is tests/e2e/loader.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import binaryen from 'binaryen';
import { startStaticServer } from '../support/static-server.mjs';

const PKG = new URL('../../pkg/', import.meta.url);
const BYTES = readFileSync(new URL('wasm_oauth_bg.wasm', PKG));
const FULL_BYTES = readFileSync(new URL('wasm_oauth_full_bg.wasm', PKG));
const CONFIG = {
  clientId: 'spa', redirectUri: 'https://app.example/callback',
  authorizationEndpoint: 'https://id.example/authorize', tokenEndpoint: 'https://id.example/token',
};

let fresh = 0;
/** A new instance of the ES module (its own loader state). */
const freshLib = (file = 'wasm_oauth.js') => import(new URL(`${file}?fresh=${++fresh}`, PKG));

/** The library instance works: the config is checked by a run of the module. */
async function works(lib) {
  const url = new URL(await new lib.AuthClient(CONFIG).createSignInUrl());
  assert.equal(url.origin + url.pathname, 'https://id.example/authorize');
  assert.throws(() => new lib.AuthClient({ redirectUri: CONFIG.redirectUri }), (e) => e.name === 'AuthError' && e.code === 'invalid_config');
}

let server;
before(async () => {
  server = await startStaticServer({
    mounts: { '/pkg/': new URL(PKG).pathname },
    routes: {
      '/octet-stream.wasm': (req, res) => {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(BYTES);
      },
    },
  });
});
after(() => server?.close());
const wasmRequests = () => server.requests.filter((r) => r.path.endsWith('.wasm')).length;

test('init() inputs: bytes, views, WebAssembly.Module, Response, Promise, HTTP URL forms, { module_or_path }', async () => {
  const url = `${server.origin}/pkg/wasm_oauth_bg.wasm`;
  const forms = {
    'ArrayBuffer': () => BYTES.buffer.slice(BYTES.byteOffset, BYTES.byteOffset + BYTES.length),
    'Uint8Array': () => new Uint8Array(BYTES),
    'Buffer': () => BYTES,
    'WebAssembly.Module': () => new WebAssembly.Module(BYTES),
    'Response (application/wasm)': () => new Response(BYTES, { headers: { 'Content-Type': 'application/wasm' } }),
    'Response (no MIME type: compiled from the bytes)': () => new Response(BYTES),
    'Promise of bytes': () => Promise.resolve(BYTES),
    'Promise of a Response': () => fetch(url),
    'URL string': () => url,
    'URL': () => new URL(url),
    'Request': () => new Request(url),
    'Promise of a URL string': () => Promise.resolve(url),
    'octet-stream over HTTP': () => `${server.origin}/octet-stream.wasm`,
    '{ module_or_path: URL string }': () => ({ module_or_path: url }),
    '{ module_or_path: Promise of a Response }': () => ({ module_or_path: fetch(url) }),
    '{ module_or_path: WebAssembly.Module }': () => ({ module_or_path: new WebAssembly.Module(BYTES) }),
  };
  for (const [name, input] of Object.entries(forms)) {
    const lib = await freshLib();
    const out = await lib.default(input());
    assert.ok(out.memory instanceof WebAssembly.Memory, name);
    await works(lib);
    // Idempotent: later calls (any input, even a bad one) give the same exports.
    assert.equal(await lib.default(), out, name);
    assert.equal(await lib.default('http://127.0.0.1:9/nothing.wasm'), out, name);
    assert.equal(lib.initSync(new Uint8Array(1)), out, name);
  }
});

test('initSync() inputs: WebAssembly.Module, bytes, { module }; then init() resolves to the same exports', async () => {
  const forms = {
    'WebAssembly.Module': () => new WebAssembly.Module(BYTES),
    'Buffer': () => BYTES,
    'Uint8Array': () => new Uint8Array(BYTES),
    'ArrayBuffer': () => new Uint8Array(BYTES).buffer,
    '{ module: WebAssembly.Module }': () => ({ module: new WebAssembly.Module(BYTES) }),
    '{ module: bytes }': () => ({ module: BYTES }),
  };
  for (const [name, input] of Object.entries(forms)) {
    const lib = await freshLib();
    const out = lib.initSync(input());
    assert.ok(out.memory instanceof WebAssembly.Memory, name);
    await works(lib);
    assert.equal(lib.initSync(BYTES), out, name);
    assert.equal(await lib.default(), out, name);
  }
});

test('concurrent init() calls share one load; a failed load is retried by the next call', async () => {
  const lib = await freshLib();
  const url = `${server.origin}/pkg/wasm_oauth_bg.wasm`;
  const before = wasmRequests();
  const [a, b, c] = await Promise.all([lib.default(url), lib.default(url), lib.default({ module_or_path: url })]);
  assert.ok(a === b && b === c);
  assert.equal(wasmRequests() - before, 1, 'one fetch');

  const retry = await freshLib();
  await assert.rejects(retry.default(`${server.origin}/pkg/missing.wasm`), /wasm-oauth: HTTP 404 for http:\/\/.*\/pkg\/missing\.wasm/);
  await assert.rejects(retry.default(new Uint8Array([0, 97, 115, 109, 9])), WebAssembly.CompileError);
  const out = await retry.default(url);
  assert.ok(out.memory instanceof WebAssembly.Memory);
  await works(retry);
});

test('before init(): a clear error, not a TypeError from inside the loader', async () => {
  const lib = await freshLib();
  assert.throws(() => new lib.AuthClient(CONFIG), { message: 'wasm-oauth: await init() first' });
  await assert.rejects(lib.getToken(CONFIG), { message: 'wasm-oauth: await init() first' });
});

// ---- the raw ABI (src/abi.rs), without the loader ------------------------------------------

/** `run` on raw request bytes: the answer text. */
function rawRun(exports, bytes) {
  if (bytes) {
    const at = exports.alloc(bytes.length);
    new Uint8Array(exports.memory.buffer).set(bytes, at);
  }
  const out = exports.run();
  const view = new DataView(exports.memory.buffer);
  return new TextDecoder('utf-8', { fatal: true })
    .decode(new Uint8Array(view.buffer, view.getUint32(out, true), view.getUint32(out + 4, true)));
}

test('raw ABI: imports nothing; exports memory, alloc, run', () => {
  for (const bytes of [BYTES, FULL_BYTES]) {
    const module = new WebAssembly.Module(bytes);
    assert.deepEqual(WebAssembly.Module.imports(module), []);
    assert.deepEqual(WebAssembly.Module.exports(module).map((e) => `${e.name}:${e.kind}`), ['memory:memory', 'alloc:function', 'run:function']);
  }
});

test('raw ABI: non-UTF-8 and garbage requests answer an error JSON (invalid_config), never a trap; memory is reused', () => {
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(BYTES));
  // `run` as the very first call, before any `alloc`: an error answer, not a trap.
  assert.equal(JSON.parse(rawRun(exports)).error.code, 'invalid_config');
  const NOT_UTF8 = { error: { code: 'invalid_config', description: 'the request is not UTF-8' } };
  const notUtf8 = [
    [0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x7b, 0xe2, 0x82],
    [...new TextEncoder().encode('{"op":"config","config":{"clientId":"'), 0x80, 0x22, 0x7d, 0x7d],
  ];
  for (const bytes of notUtf8) assert.deepEqual(JSON.parse(rawRun(exports, new Uint8Array(bytes))), NOT_UTF8, `${bytes}`);

  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 16;
  const garbage = [[], [0], new TextEncoder().encode('not json'), new TextEncoder().encode('{"op":42,"config":[]}')];
  for (let i = 0; i < 200; i++) garbage.push(Array.from({ length: random() % 300 }, () => random() & 0xff));
  for (const bytes of garbage) {
    const answer = JSON.parse(rawRun(exports, new Uint8Array(bytes)));
    assert.equal(typeof answer.error?.code, 'string', JSON.stringify(answer));
  }
  // `run` without `alloc` runs an empty request: an error answer too.
  assert.equal(typeof JSON.parse(rawRun(exports)).error.code, 'string');
  // A real request still works afterwards, and repeated runs free what they allocated.
  const request = new TextEncoder().encode(JSON.stringify({ op: 'config', config: CONFIG, env: { doc: false, ws: false }, args: null, results: [] }));
  assert.equal(typeof JSON.parse(rawRun(exports, request)).done.key, 'string');
  const pages = exports.memory.buffer.byteLength;
  for (let i = 0; i < 2000; i++) rawRun(exports, i % 2 ? request : new Uint8Array([0xff, i & 0xff]));
  assert.equal(exports.memory.buffer.byteLength, pages, 'no growth over 2000 runs');
});

// ---- a trap inside `run` ----------------------------------------------------------------------

// A stand-in module with the same ABI: it answers every request with a fixed client summary,
// except that a request containing "~" traps, after marking the instance as broken (a broken
// instance answers {"error":{"code":"broken_instance"}}): the loader must start a fresh instance
// after a trap.
const DONE = '{"done":{"key":"k","area":"memory","tokens":"t","leeway":60}}';
const BROKEN = '{"error":{"code":"broken_instance"}}';
const TRAPPING = binaryen.parseText(`(module
  (memory (export "memory") 1)
  (global $len (mut i32) (i32.const 0))
  (global $broken (mut i32) (i32.const 0))
  (data (i32.const 16) "${DONE.replace(/"/g, '\\"')}")
  (data (i32.const 512) "${BROKEN.replace(/"/g, '\\"')}")
  (func (export "alloc") (param $n i32) (result i32) (global.set $len (local.get $n)) (i32.const 1024))
  (func (export "run") (result i32) (local $i i32)
    (if (global.get $broken) (then
      (i32.store (i32.const 0) (i32.const 512)) (i32.store (i32.const 4) (i32.const ${BROKEN.length}))
      (return (i32.const 0))))
    (block $end (loop $scan
      (br_if $end (i32.ge_u (local.get $i) (global.get $len)))
      (if (i32.eq (i32.load8_u (i32.add (i32.const 1024) (local.get $i))) (i32.const 126)) (then
        (global.set $broken (i32.const 1))
        (unreachable)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $scan)))
    (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const ${DONE.length}))
    (i32.const 0)))`).emitBinary();

test('a trap in run: the call throws (or rejects with) the RuntimeError; later calls run on a fresh instance', async () => {
  const lib = await freshLib();
  await lib.default(new WebAssembly.Module(TRAPPING));
  assert.equal(new lib.AuthClient({ clientId: 'a' }).getUser().key, 'k', 'the stand-in answers');

  assert.throws(() => new lib.AuthClient({ clientId: '~' }), (e) => e instanceof WebAssembly.RuntimeError && /unreachable/.test(e.message));
  const client = new lib.AuthClient({ clientId: 'after the trap' }); // not broken_instance
  await assert.rejects(client.getToken({ minValidity: '~' }), WebAssembly.RuntimeError);
  await assert.rejects(lib.getToken({ clientId: '~' }), WebAssembly.RuntimeError);
  assert.equal(client.getUser().key, 'k');
  assert.equal(client.isAuthenticated(), false);
});
