// Asset-style client credentials in Node 20, through the package's Node entry (the "node"
// export condition of "wasm-oauth": pkg/wasm_oauth_full.node.js, the full build, which has the
// crate feature `confidential`): wire format, absolute expires_in,
// caching, renewal, one request for concurrent callers, every documented error status.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startAssetServer, ASSET_ERROR_STATUSES } from '../support/providers/asset.mjs';
import { secretEqual, secretNotEqual, secretMatch } from '../e2e/helpers.mjs';

const pkgJson = JSON.parse(readFileSync(new URL('../../pkg/package.json', import.meta.url), 'utf8'));
const lib = await import(new URL(`../../pkg/${pkgJson.exports['.'].node}`, import.meta.url));

const SECRET = 'asset-secret-Zx9!q/+=';
const R1 = 'https://api.asset.test/v1';
const R2 = 'https://files.asset.test/';
// One client id per test: clients with equal clientId and tokenEndpoint share their cache.
const IDS = Array.from({ length: 20 }, (_, i) => `svc-${i + 1}`);
let asset;
let next = 0;
before(async () => {
  asset = await startAssetServer({
    clients: Object.fromEntries(IDS.map((id) => [id, { secret: SECRET, businesses: ['biz-1'] }])),
    businesses: ['biz-1', 'biz-2'],
    resources: [R1, R2],
  });
});
after(async () => { await asset?.close(); });

const now = () => Math.floor(Date.now() / 1000);
function config(extra = {}) {
  const clientId = IDS[next++];
  return {
    grantType: 'client_credentials', clientId, clientSecret: SECRET, tokenEndpoint: asset.tokenEndpoint,
    scope: 'assets:read assets:write', resource: [R1, R2],
    extraTokenParams: { business_id: 'biz-1', expires_in: '900' }, ...extra,
  };
}
const callsOf = (clientId) => asset.tokenRequests().filter((r) => r.body?.client_id === clientId);
async function rejection(promise) {
  try { await promise; } catch (e) { return e; }
  assert.fail('expected a rejection');
}

test('the package.json "node" condition names the full build\'s Node entry, which loads without init()', () => {
  assert.equal(pkgJson.exports['.'].node, './wasm_oauth_full.node.js', 'Node gets the confidential-client support without asking');
  assert.equal(typeof lib.AuthClient, 'function');
  assert.equal(typeof lib.getToken, 'function');
  assert.equal(typeof globalThis.document, 'undefined', 'a Node runtime, not a page');
});

test('wire format: POST /v0/auth/token, form body with client_id, client_secret, grant_type, business_id, expires_in, scope, repeated resource', async () => {
  const cfg = config();
  const client = new lib.AuthClient(cfg);
  const token = await client.getToken();
  const calls = callsOf(cfg.clientId);
  assert.equal(calls.length, 1);
  const [r] = calls;
  assert.equal(r.method, 'POST');
  assert.equal(r.path, '/v0/auth/token');
  assert.deepEqual(r.query, {});
  assert.equal(r.contentType, 'application/x-www-form-urlencoded');
  assert.equal(r.headers.accept, 'application/json');
  assert.equal(r.headers.authorization, undefined, 'client_secret_post: no Authorization header');
  const sorted = (pairs) => [...pairs].sort((a, b) => (a[0] + a[1]).localeCompare(b[0] + b[1]));
  secretEqual(sorted(r.form), sorted([
    ['grant_type', 'client_credentials'], ['client_id', cfg.clientId], ['client_secret', SECRET],
    ['business_id', 'biz-1'], ['expires_in', '900'], ['scope', 'assets:read assets:write'],
    ['resource', R1], ['resource', R2],
  ]));
  assert.deepEqual(r.form.filter(([k]) => k === 'resource').map(([, v]) => v), [R1, R2], 'one resource parameter per value, in order');
  // The raw body is really form-encoded (reserved characters escaped, no JSON).
  secretMatch(r.rawBody, /(^|&)resource=https%3A%2F%2Fapi\.asset\.test%2Fv1(&|$)/, 'value shape');
  secretMatch(r.rawBody, /(^|&)client_secret=asset-secret-Zx9%21q%2F%2B%3D(&|$)/, 'value shape');
  secretMatch(token, /^ast_/, 'value shape');
  assert.ok(asset.issued.has(token), 'the token the fixture issued');
});

test('expires_in in the answer is an absolute Unix time: getTokens().expiresAt equals it', async () => {
  const cfg = config();
  const exp = now() + 1234;
  asset.expiresAt = () => exp;
  try {
    const client = new lib.AuthClient(cfg);
    const token = await client.getToken();
    const t = client.getTokens();
    secretEqual(t.accessToken, token);
    assert.equal(t.tokenType, 'Bearer');
    assert.equal(t.expiresAt, exp, 'absolute, not now + 1.7e9');
    assert.equal(t.scope, 'assets:read assets:write');
    assert.equal(t.refreshToken, undefined);
    assert.equal(t.idToken, undefined);
    assert.equal(client.isAuthenticated(), true);
  } finally { asset.expiresAt = null; }
});

test('caching: a second getToken() makes no request; refresh() always does', async () => {
  const cfg = config();
  const client = new lib.AuthClient(cfg);
  const a = await client.getToken();
  const b = await client.getToken();
  const c = await lib.getToken(cfg); // the free function shares the client's cache
  secretEqual(b, a);
  secretEqual(c, a);
  assert.equal(callsOf(cfg.clientId).length, 1);
  const fresh = await client.refresh();
  secretNotEqual(fresh.accessToken, a);
  assert.equal(callsOf(cfg.clientId).length, 2);
  secretEqual(await client.getToken(), fresh.accessToken);
  assert.equal(callsOf(cfg.clientId).length, 2);
});

test('renewal before expiry: a token inside the leeway (60 s) is renewed; minValidity decides per call', async () => {
  const cfg = config();
  const client = new lib.AuthClient(cfg);
  asset.expiresAt = () => now() + 30; // already inside the default 60 s leeway
  let first;
  try { first = await client.getToken(); } finally { asset.expiresAt = null; }
  assert.equal(client.getTokens().expiresAt <= now() + 30, true);
  const second = await client.getToken();
  secretNotEqual(second, first, 'renewed before it expired');
  assert.equal(callsOf(cfg.clientId).length, 2);
  // The new one has 900 s: cached for the default leeway, renewed when more is asked for.
  secretEqual(await client.getToken(), second);
  secretEqual(await client.getToken({ minValidity: 600 }), second);
  assert.equal(callsOf(cfg.clientId).length, 2);
  const third = await client.getToken({ minValidity: 1000 });
  secretNotEqual(third, second);
  assert.equal(callsOf(cfg.clientId).length, 3);
});

test('5 concurrent getToken() calls (instances and free functions) share one request', async () => {
  const cfg = config();
  const a = new lib.AuthClient(cfg);
  const b = new lib.AuthClient(cfg);
  asset.delayNext(300);
  const tokens = await Promise.all([a.getToken(), b.getToken(), lib.getToken(cfg), a.getToken(), lib.getToken(cfg)]);
  assert.equal(callsOf(cfg.clientId).length, 1);
  assert.equal(new Set(tokens).size, 1);
  secretMatch(tokens[0], /^ast_/, 'value shape');
});

// Each documented status, produced by the fixture's own checks where it can (503 by its switch).
// API.md: the code is `error` when it is one word; description from error_description, else
// message, else a sentence `error` — `data` is never used, so a one-word error has none.
const CASES = {
  401: { cfg: { clientSecret: 'wrong-secret' }, code: 'unauthorized' },
  403: { cfg: { extraTokenParams: { business_id: 'biz-2', expires_in: '900' } }, code: 'forbidden' },
  404: { cfg: { extraTokenParams: { business_id: 'biz-404', expires_in: '900' } }, code: 'not_found' },
  422: { cfg: { extraTokenParams: { business_id: 'biz-1', expires_in: '5' } }, code: 'unprocessable_entity' },
  503: { unavailable: true, code: 'service_unavailable' },
};
for (const status of ASSET_ERROR_STATUSES) {
  test(`error ${status} {error, data}: refresh() and getToken() reject with code "${CASES[status].code}" and status ${status}`, async () => {
    const { cfg: extra = {}, unavailable = false, code } = CASES[status];
    const cfg = config(extra);
    asset.unavailable = unavailable;
    try {
      const client = new lib.AuthClient(cfg);
      const e = await rejection(client.refresh());
      assert.equal(e.name, 'AuthError');
      assert.equal(e.code, code);
      assert.equal(e.status, status);
      assert.equal(e.description, undefined, 'data is not a description (API.md)');
      const calls = asset.tokenRequests().filter((r) => r.body?.client_id === cfg.clientId);
      assert.equal(calls.length, 1);
      const g = await rejection(client.getToken());
      assert.equal(g.code, code, 'not definitive: passed through');
      assert.equal(g.status, status);
      assert.equal(client.getTokens(), null);
      for (const text of [e.message, e.description, g.message, g.description]) {
        assert.ok(!String(text).includes(SECRET), 'the secret never appears in an error');
      }
    } finally { asset.unavailable = false; }
  });
}

test('a sentence in `error` is http_error with that sentence as description; HTML is http_error without one', async () => {
  const cfg = config();
  const client = new lib.AuthClient(cfg);
  asset.respondNext({ status: 422, json: { error: 'The given data was invalid.', data: { expires_in: ['too small'] } } });
  let e = await rejection(client.refresh());
  assert.deepEqual([e.code, e.status, e.description], ['http_error', 422, 'The given data was invalid.']);
  asset.respondNext({ status: 503, text: '<html><body>Service Unavailable</body></html>' });
  e = await rejection(client.refresh());
  assert.deepEqual([e.code, e.status, e.description], ['http_error', 503, undefined]);
});

test('a transient failure (503) leaves a still-valid cached token usable; invalid_client clears it', async () => {
  const cfg = config();
  const client = new lib.AuthClient(cfg);
  const token = await client.getToken();
  asset.unavailable = true;
  try {
    const e = await rejection(client.refresh());
    assert.equal(e.code, 'service_unavailable');
    assert.equal(e.status, 503);
    secretEqual(await client.getToken(), token, 'kept');
    // Asked for more validity than the token has: the renewal fails, the still-valid token serves.
    secretEqual(await client.getToken({ minValidity: 3000 }), token);
  } finally { asset.unavailable = false; }
  asset.respondNext({ status: 401, json: { error: 'invalid_client', data: { reason: 'client disabled' } } });
  const e = await rejection(client.refresh());
  assert.deepEqual([e.code, e.status], ['invalid_client', 401]);
  assert.equal(client.getTokens(), null, 'definitive: cleared');
  const fresh = await client.getToken();
  secretNotEqual(fresh, token, 'the next getToken() asks again');
});

test('an answer without a string access_token is invalid_response', async () => {
  const cfg = config();
  asset.respondNext({ status: 200, json: { token_type: 'Bearer', expires_in: now() + 600 } });
  const e = await rejection(new lib.AuthClient(cfg).getToken());
  assert.equal(e.code, 'invalid_response');
  assert.equal(e.status, 200);
});

test('Node: a slow token endpoint is a timeout after requestTimeout; concurrent callers share the one failure', async () => {
  const cfg = config({ requestTimeout: 300 });
  asset.delayNext(1500);
  const t0 = Date.now();
  const results = await Promise.allSettled([lib.getToken(cfg), lib.getToken(cfg), new lib.AuthClient(cfg).getToken()]);
  assert.ok(Date.now() - t0 < 1400, 'rejected at the timeout, not when the answer came');
  assert.deepEqual(results.map((r) => [r.status, r.reason?.name, r.reason?.code]), Array(3).fill(['rejected', 'AuthError', 'timeout']));
  assert.equal(callsOf(cfg.clientId).length, 1, 'one request for the three callers');
  // Nothing cached by the failure: the next call asks again and succeeds.
  secretMatch(await lib.getToken(cfg), /^ast_/, 'value shape');
  assert.equal(callsOf(cfg.clientId).length, 2);
});

test('Node: an unreachable token endpoint is network_error', async () => {
  const { startAssetServer: start } = await import('../support/providers/asset.mjs');
  const gone = await start({ clients: {} });
  const endpoint = gone.tokenEndpoint;
  await gone.close();
  const e = await rejection(lib.getToken({ grantType: 'client_credentials', clientId: 'svc-gone', clientSecret: SECRET, tokenEndpoint: endpoint }));
  assert.deepEqual([e.name, e.code, e.status], ['AuthError', 'network_error', undefined]);
});
