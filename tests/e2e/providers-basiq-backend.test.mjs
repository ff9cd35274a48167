// Secrets stay on servers. In Chromium, with the `wasm-oauth/full` entry (pkg/wasm_oauth_full.js:
// the client credentials grant, clientSecret and apiKey are crate feature `confidential`, which
// the core entry leaves out and refuses: tests/e2e/entries.test.mjs):
// - a page that needs a Basiq CLIENT_ACCESS token gets it from the app's own backend
//   (grantType client_credentials, tokenEndpoint = the backend, tokenRequestCredentials
//   "include" for the session cookie, extraTokenParams {userId}); the backend holds the API key,
//   checks the session and calls Basiq server-side. Cached and renewed like any token.
// - a clientSecret or apiKey in a page is invalid_config unless dangerouslyAllowSecretsInBrowser;
//   in a Worker (no document) the API-key source runs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser } from '../support/browser.mjs';
import { startBasiqServer } from '../support/providers/basiq.mjs';
import { startAppBackend } from '../support/providers/app-backend.mjs';
import { openWithLib, inPage, keys, show } from '../support/providers/flow.mjs';
import { startApp, secretEqual, secretNotEqual, secretMatch } from './helpers.mjs';

/** The `wasm-oauth/full` entry (see openWithLib). */
const FULL = { full: true };
const API_KEY = 'YmFzaXEtYXBpLWtleS1mb3ItdGVzdHM6c2VjcmV0Kw==';
let app; let basiq; let basiqCors; let backend; let browser;
before(async () => {
  app = await startApp();
  basiq = await startBasiqServer({ apiKey: API_KEY, users: ['basiq-user-1', 'basiq-user-2'] });
  basiqCors = await startBasiqServer({ apiKey: API_KEY, users: ['basiq-user-1'], corsOrigins: [app.origin] });
  backend = await startAppBackend({
    appOrigin: app.origin, basiq: { tokenEndpoint: basiq.tokenEndpoint, apiKey: API_KEY },
    users: { alice: 'basiq-user-1', bob: 'basiq-user-2' },
  });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await Promise.all([app?.close(), basiq?.close(), basiqCors?.close(), backend?.close()]);
});

// The README's page config for a Basiq CLIENT_ACCESS token through the app's backend.
const pageConfig = (extra = {}) => ({
  grantType: 'client_credentials', clientId: 'my-app', tokenEndpoint: backend.tokenEndpoint,
  tokenRequestCredentials: 'include', extraTokenParams: { userId: 'basiq-user-1' }, ...extra,
});

/** A page of a fresh context, signed in to the app backend as `user` (its session cookie set). */
async function signedInPage(user) {
  const context = await browser.newContext();
  if (user) {
    const page = await context.newPage();
    await page.goto(backend.loginUrl(user, app.homeUrl), { waitUntil: 'domcontentloaded' });
    assert.equal(page.url(), app.homeUrl);
    await page.close();
  }
  return { context, page: await openWithLib(context, app.homeUrl, FULL) };
}
const backendCalls = (since) => backend.tokenRequests().filter((r) => r.time >= since);

test('CLIENT_ACCESS through the app backend: cookie sent, no secret in the page, Basiq called server-side, token cached', { timeout: 60000 }, async () => {
  const { context, page } = await signedInPage('alice');
  const config = pageConfig();
  const t0 = Date.now();
  const r = await inPage(page, config, async (lib, client) => {
    const a = await client.getToken();
    const b = await client.getToken();
    return { a, b, tokens: client.getTokens(), storage: Object.entries(sessionStorage) };
  });
  assert.ok(r.value, JSON.stringify(r.error));
  const calls = backendCalls(t0);
  assert.equal(calls.length, 1, 'the second getToken() is served from the cache');
  const [c] = calls;
  assert.equal(c.method, 'POST');
  assert.equal(c.path, '/api/basiq/client-token');
  assert.equal(c.headers.origin, app.origin);
  assert.match(c.headers.cookie || '', /(^|; )sid=[A-Za-z0-9_-]+/, 'the session cookie went along');
  assert.equal(c.headers.authorization, undefined, 'no credentials from the page');
  assert.equal(c.contentType, 'application/x-www-form-urlencoded');
  assert.deepEqual(c.form, [['grant_type', 'client_credentials'], ['client_id', 'my-app'], ['userId', 'basiq-user-1']]);
  // The backend called Basiq with the key, for the session's user.
  const [bq] = basiq.tokenRequests().filter((x) => x.time >= t0);
  secretEqual(bq.headers.authorization, `Basic ${API_KEY}`);
  assert.equal(bq.headers['basiq-version'], '3.0');
  assert.deepEqual(bq.form, [['scope', 'CLIENT_ACCESS'], ['userId', 'basiq-user-1']]);

  const { a, b, tokens, storage } = r.value;
  secretEqual(a, b);
  secretMatch(a, /^bq_client_/, 'value shape');
  assert.deepEqual(basiq.issued.get(a), { scope: 'CLIENT_ACCESS', userId: 'basiq-user-1' });
  assert.equal(tokens.tokenType, 'Bearer');
  assert.ok(Math.abs(tokens.expiresAt - (Math.floor(c.time / 1000) + 3600)) <= 5);
  assert.ok(storage.every(([k]) => k.startsWith('wasm-oauth:')));
  assert.ok(!JSON.stringify(storage).includes(API_KEY), 'the API key never reaches the page');
  await context.close();
});

test('renewal: near expiry (minValidity) one request for 5 concurrent callers; the cached token otherwise', { timeout: 60000 }, async () => {
  const { context, page } = await signedInPage('alice');
  const config = pageConfig();
  const first = await inPage(page, config, async (lib, client) => client.getToken());
  assert.ok(first.value, JSON.stringify(first.error));
  const t0 = Date.now();
  const r = await inPage(page, config, async (lib, client, cfg) => {
    const all = await Promise.all([
      client.getToken({ minValidity: 3700 }), client.getToken({ minValidity: 3700 }), lib.getToken(cfg, { minValidity: 3700 }),
      new lib.AuthClient(cfg).getToken({ minValidity: 3700 }), client.getToken({ minValidity: 3700 }),
    ]);
    return { all, after: await client.getToken() };
  }, config);
  assert.ok(r.value, JSON.stringify(r.error));
  assert.equal(backendCalls(t0).length, 1, 'one renewal for all five');
  assert.equal(new Set(r.value.all).size, 1);
  secretNotEqual(r.value.all[0], first.value, 'renewed');
  secretEqual(r.value.after, r.value.all[0]);
  await context.close();
});

test('without tokenRequestCredentials "include" the cookie is not sent: the backend answers 401 login_required', { timeout: 60000 }, async () => {
  const { context, page } = await signedInPage('alice');
  const t0 = Date.now();
  const r = await inPage(page, pageConfig({ tokenRequestCredentials: undefined }), async (lib, client) => client.getToken());
  assert.deepEqual(r.error && [r.error.code, r.error.status, r.error.description],
    ['login_required', 401, 'no app session: sign in to the app first']);
  const [c] = backendCalls(t0);
  assert.equal(c.headers.cookie, undefined);
  await context.close();
});

test('errors from the backend: no session (401), another user\'s userId (403), Basiq down (502, cached token kept)', { timeout: 60000 }, async () => {
  let s = await signedInPage(null);
  let r = await inPage(s.page, pageConfig(), async (lib, client) => client.getToken());
  assert.deepEqual(r.error && [r.error.code, r.error.status], ['login_required', 401]);
  await s.context.close();

  s = await signedInPage('bob');
  r = await inPage(s.page, pageConfig(), async (lib, client) => client.getToken());
  assert.deepEqual(r.error && [r.error.code, r.error.status, r.error.description], ['access_denied', 403, 'userId is not the signed-in user']);
  r = await inPage(s.page, pageConfig({ extraTokenParams: { userId: 'basiq-user-2' } }), async (lib, client) => client.getToken());
  assert.ok(r.value, JSON.stringify(r.error));
  assert.equal(basiq.issued.get(r.value).userId, 'basiq-user-2');
  const token = r.value;
  basiq.failNext(503);
  r = await inPage(s.page, pageConfig({ extraTokenParams: { userId: 'basiq-user-2' } }), async (lib, client) => {
    const refreshed = await client.refresh().then(() => 'ok', (e) => ({ code: e.code, status: e.status, description: e.description }));
    return { refreshed, token: await client.getToken() };
  });
  assert.deepEqual(r.value.refreshed, { code: 'temporarily_unavailable', status: 502, description: 'Basiq answered 503' });
  secretEqual(r.value.token, token, 'a transient failure keeps the valid token');
  await s.context.close();
});

test('CORS: the backend must name the exact origin with credentials; "*" or nothing is a network_error', { timeout: 60000 }, async () => {
  const { context, page } = await signedInPage('alice');
  for (const mode of ['wildcard', 'none']) {
    backend.cors = mode;
    try {
      const r = await inPage(page, pageConfig({ clientId: `my-app-${mode}` }), async (lib, client) => client.getToken());
      assert.equal(r.error?.code, 'network_error', `${mode}: ${show(r)}`);
    } finally { backend.cors = 'exact'; }
  }
  await context.close();
});

test('a clientSecret or apiKey in a page is invalid_config (constructor throws, free functions reject, nothing is sent)', { timeout: 60000 }, async () => {
  const page = await openWithLib(browser, app.homeUrl, FULL);
  const before = basiq.requests.length + basiqCors.requests.length;
  const base = { grantType: 'client_credentials', clientId: 'in-page', tokenEndpoint: basiq.tokenEndpoint, scope: 'SERVER_ACCESS' };
  const r = await page.evaluate(([cfg, key]) => {
    const out = {};
    const grab = (fn) => { try { fn(); return null; } catch (e) { return { name: e.name, code: e.code, description: e.description, message: e.message }; } };
    out.secret = grab(() => new lib.AuthClient({ ...cfg, clientSecret: 'client-secret-value' }));
    out.apiKey = grab(() => new lib.AuthClient({ ...cfg, apiKey: key, tokenRequestHeaders: { 'basiq-version': '3.0' } }));
    out.secretCodeFlow = grab(() => new lib.AuthClient({ clientId: 'x', redirectUri: location.href, tokenEndpoint: cfg.tokenEndpoint, authorizationEndpoint: cfg.tokenEndpoint, clientSecret: 's' }));
    return Promise.all([
      lib.getToken({ ...cfg, apiKey: key }).then(() => null, (e) => ({ name: e.name, code: e.code, description: e.description })),
      lib.refresh({ ...cfg, clientSecret: 'client-secret-value' }).then(() => null, (e) => ({ name: e.name, code: e.code, description: e.description })),
    ]).then(([getToken, refresh]) => ({ ...out, getToken, refresh }));
  }, [base, API_KEY]);
  assert.deepEqual(r.secret && [r.secret.name, r.secret.code, r.secret.description],
    ['AuthError', 'invalid_config', 'clientSecret is refused in a browser page unless dangerouslyAllowSecretsInBrowser is true']);
  assert.deepEqual(r.apiKey && [r.apiKey.code, r.apiKey.description],
    ['invalid_config', 'apiKey is refused in a browser page unless dangerouslyAllowSecretsInBrowser is true']);
  assert.equal(r.secretCodeFlow?.code, 'invalid_config');
  assert.equal(r.getToken?.code, 'invalid_config');
  assert.equal(r.refresh?.code, 'invalid_config');
  assert.ok(!show(r).includes(API_KEY) && !show(r).includes('client-secret-value'), 'secrets are not echoed');
  assert.equal(basiq.requests.length + basiqCors.requests.length, before, 'nothing was sent');

  // With the flag the config is accepted; Basiq itself allows no browser origin (no CORS).
  const flagged = await inPage(page, { ...base, apiKey: API_KEY, tokenRequestHeaders: { 'basiq-version': '3.0' }, dangerouslyAllowSecretsInBrowser: true },
    async (lib, client) => client.getToken());
  assert.equal(flagged.error?.code, 'network_error', show(flagged));
  await page.close();
});

test('in a Worker (no document) the API-key source runs: memory storage, Basic key verbatim', { timeout: 60000 }, async () => {
  const page = await openWithLib(browser, app.homeUrl, FULL);
  const t0 = Date.now();
  const cfg = {
    grantType: 'client_credentials', clientId: 'worker', tokenEndpoint: basiqCors.tokenEndpoint, apiKey: API_KEY,
    scope: 'SERVER_ACCESS', tokenRequestHeaders: { 'basiq-version': '3.0' },
  };
  const r = await page.evaluate((config) => new Promise((resolve) => {
    const src = `
      const lib = await import(${JSON.stringify(location.origin + '/pkg/wasm_oauth_full.js')});
      await lib.default();
      self.onmessage = async (ev) => {
        try {
          const client = new lib.AuthClient(ev.data);
          const a = await client.getToken();
          const b = await lib.getToken(ev.data);
          self.postMessage({ a, b, tokenType: client.getTokens().tokenType, hasDocument: typeof document !== 'undefined', hasSessionStorage: typeof sessionStorage !== 'undefined' });
        } catch (e) { self.postMessage({ error: { code: e.code, description: e.description } }); }
      };
      self.postMessage('ready');`;
    const w = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })), { type: 'module' });
    const timer = setTimeout(() => resolve({ error: { code: 'test_timeout' } }), 20000);
    w.onerror = (e) => { clearTimeout(timer); resolve({ error: { code: 'worker_error', description: e.message } }); };
    w.onmessage = (ev) => {
      if (ev.data === 'ready') return w.postMessage(config);
      clearTimeout(timer); w.terminate(); resolve(ev.data);
    };
  }), cfg);
  assert.ok(r.a, show(r));
  assert.equal(r.hasDocument, false);
  assert.equal(r.hasSessionStorage, false, 'no Web Storage: tokens in memory');
  secretEqual(r.a, r.b, 'cached');
  assert.equal(r.tokenType, 'Bearer');
  const calls = basiqCors.tokenRequests().filter((x) => x.time >= t0);
  assert.equal(calls.length, 1);
  secretEqual(calls[0].headers.authorization, `Basic ${API_KEY}`);
  assert.deepEqual(keys(calls[0].body), ['grant_type', 'scope']);
  await page.close();
});
