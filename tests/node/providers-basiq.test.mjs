// Basiq-style API key in Node 20, through the package's Node entry (the "node" condition of
// "wasm-oauth": the full build, with the crate feature `confidential`): `Authorization: Basic <key>`
// exactly as issued, `basiq-version: 3.0`, form `scope=SERVER_ACCESS` or `scope=CLIENT_ACCESS`
// with `userId`; caching, one request for concurrent callers, Basiq's error documents.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startBasiqServer, BASIQ_ERROR_STATUSES } from '../support/providers/basiq.mjs';
import { secretEqual, secretNotEqual, secretMatch } from '../e2e/helpers.mjs';

const pkgJson = JSON.parse(readFileSync(new URL('../../pkg/package.json', import.meta.url), 'utf8'));
const lib = await import(new URL(`../../pkg/${pkgJson.exports['.'].node}`, import.meta.url));

// Basiq issues the key already base64-encoded; '+', '/' and '=' must survive verbatim.
const API_KEY = 'NjQxYzNhYjQtZTI2Ni00YjY1LWI0NGQtN2Y0ZGQ3ZjI+/Zm9vOmJhcg==';
let basiq;
let n = 0;
before(async () => { basiq = await startBasiqServer({ apiKey: API_KEY, users: ['user-1', 'user-2'] }); });
after(async () => { await basiq?.close(); });

const now = () => Math.floor(Date.now() / 1000);
// A distinct clientId per test: clients with equal clientId and tokenEndpoint share their cache.
function server(extra = {}) {
  return {
    grantType: 'client_credentials', clientId: `basiq-server-${++n}`, tokenEndpoint: basiq.tokenEndpoint,
    apiKey: API_KEY, scope: 'SERVER_ACCESS', tokenRequestHeaders: { 'basiq-version': '3.0' }, ...extra,
  };
}
async function rejection(promise) {
  try { await promise; } catch (e) { return e; }
  assert.fail('expected a rejection');
}
const since = (i) => basiq.tokenRequests().slice(i);

test('SERVER_ACCESS wire format: POST /token, Authorization: Basic <key> verbatim, basiq-version 3.0, form scope, no client_id', async () => {
  const from = basiq.tokenRequests().length;
  const client = new lib.AuthClient(server());
  const token = await client.getToken();
  const calls = since(from);
  assert.equal(calls.length, 1);
  const [r] = calls;
  assert.equal(r.method, 'POST');
  assert.equal(r.path, '/token');
  secretEqual(r.headers.authorization, `Basic ${API_KEY}`, 'the key as issued, not re-encoded');
  assert.equal(r.headers['basiq-version'], '3.0');
  assert.equal(r.contentType, 'application/x-www-form-urlencoded');
  assert.equal(r.headers.accept, 'application/json');
  assert.deepEqual(r.form, [['grant_type', 'client_credentials'], ['scope', 'SERVER_ACCESS']]);
  assert.equal(r.rawBody, 'grant_type=client_credentials&scope=SERVER_ACCESS');
  secretMatch(token, /^bq_server_/, 'value shape');
  assert.deepEqual(basiq.issued.get(token), { scope: 'SERVER_ACCESS', userId: undefined });
  const t = client.getTokens();
  assert.equal(t.tokenType, 'Bearer');
  assert.ok(Math.abs(t.expiresAt - (now() + 3600)) <= 5, 'expires_in 3600 is a duration');
  assert.equal(t.refreshToken, undefined);
});

test('CLIENT_ACCESS with userId (extraTokenParams): the token is bound to that user', async () => {
  const from = basiq.tokenRequests().length;
  const token = await lib.getToken(server({ scope: 'CLIENT_ACCESS', extraTokenParams: { userId: 'user-1' } }));
  const [r] = since(from);
  assert.deepEqual(r.form, [['grant_type', 'client_credentials'], ['scope', 'CLIENT_ACCESS'], ['userId', 'user-1']]);
  secretEqual(r.headers.authorization, `Basic ${API_KEY}`);
  secretMatch(token, /^bq_client_/, 'value shape');
  assert.deepEqual(basiq.issued.get(token), { scope: 'CLIENT_ACCESS', userId: 'user-1' });
});

test('per-user CLIENT_ACCESS on a server: one clientId per user keeps the cached tokens apart', async () => {
  const forUser = (userId) => server({ clientId: `basiq-client:${userId}`, scope: 'CLIENT_ACCESS', extraTokenParams: { userId } });
  const from = basiq.tokenRequests().length;
  const [t1, t2] = await Promise.all([lib.getToken(forUser('user-1')), lib.getToken(forUser('user-2'))]);
  secretNotEqual(t1, t2);
  assert.equal(basiq.issued.get(t1).userId, 'user-1');
  assert.equal(basiq.issued.get(t2).userId, 'user-2');
  secretEqual(await lib.getToken(forUser('user-1')), t1, 'cached per user');
  assert.equal(since(from).length, 2);
});

test('caching and 5 concurrent getToken() calls: one request', async () => {
  const cfg = server();
  const client = new lib.AuthClient(cfg);
  const from = basiq.tokenRequests().length;
  basiq.delayNext(300);
  const tokens = await Promise.all([client.getToken(), lib.getToken(cfg), client.getToken(), lib.getToken(cfg), client.getToken()]);
  assert.equal(new Set(tokens).size, 1);
  secretEqual(await client.getToken(), tokens[0]);
  assert.equal(since(from).length, 1);
});

test('errors: Basiq error documents (no OAuth `error`) are http_error with the status', async () => {
  // Produced by the fixture's checks: wrong key (401), no basiq-version (400), unknown user (404).
  const cases = [
    [server({ apiKey: 'bm90LXRoZS1rZXk=' }), 401],
    [server({ tokenRequestHeaders: {} }), 400],
    [server({ scope: 'CLIENT_ACCESS', extraTokenParams: { userId: 'nobody' } }), 404],
    [server({ scope: 'ADMIN_ACCESS' }), 400],
  ];
  for (const [cfg, status] of cases) {
    const e = await rejection(lib.getToken(cfg));
    assert.deepEqual([e.name, e.code, e.status, e.description], ['AuthError', 'http_error', status, undefined], `status ${status}`);
    assert.ok(!String(e.message).includes(cfg.apiKey));
  }
  // The other statuses Basiq documents, canned.
  for (const status of BASIQ_ERROR_STATUSES) {
    const client = new lib.AuthClient(server());
    basiq.failNext(status);
    const e = await rejection(client.refresh());
    assert.deepEqual([e.code, e.status], ['http_error', status]);
    assert.equal(client.getTokens(), null);
  }
});

test('without the basiq-version header the answer is 400 and nothing is cached', async () => {
  const cfg = server({ tokenRequestHeaders: undefined });
  const from = basiq.tokenRequests().length;
  const e = await rejection(lib.getToken(cfg));
  assert.deepEqual([e.code, e.status], ['http_error', 400]);
  const [r] = since(from);
  assert.equal(r.headers['basiq-version'], undefined);
  assert.equal(new lib.AuthClient(cfg).getTokens(), null);
});
