// Faults at the token endpoint, end to end: the built package (pkg/) in Chromium against
// tests/support/fault-server.mjs. Each fault gives the API.md error code, the stored tokens
// survive it byte for byte (the same refresh token works afterwards), retries are bounded, no
// token appears in an error or the console, and an authorization code is never sent twice.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, describePage } from '../support/browser.mjs';
import { startFaultServer } from '../support/fault-server.mjs';
import { startApp, loadLib } from './helpers.mjs';

const TIMEOUT_MS = 1500;
let app; let fs; let browser;
let config;

before(async () => {
  app = await startApp();
  fs = await startFaultServer({ redirectUris: [app.callbackUrl] });
  browser = await launchBrowser();
  config = {
    clientId: fs.clientId, redirectUri: app.callbackUrl,
    authorizationEndpoint: fs.authorizationEndpoint, tokenEndpoint: fs.tokenEndpoint,
    requestTimeout: TIMEOUT_MS,
  };
});
after(async () => {
  await browser?.close();
  await Promise.all([app?.close(), fs?.close()]);
});

const tokensKey = () => `wasm-oauth:tokens:${fs.clientId}|${fs.tokenEndpoint}`;
const nowSecs = () => Math.floor(Date.now() / 1000);

async function openPage() {
  const page = await browser.newPage();
  await page.goto(app.homeUrl, { waitUntil: 'domcontentloaded' });
  const loaded = await loadLib(page);
  assert.ok(loaded.ok, `init() failed: ${loaded.error}\n${describePage(page)}`);
  return page;
}

/** Writes a stored record (TokenSet::encode's format) made of tokens the server issued. */
async function seed(page, storage, { expiresAt }) {
  const t = fs.issue({ scope: 'openid', withIdToken: false });
  const record = JSON.stringify({ v: 1, a: t.access_token, t: 'Bearer', e: expiresAt, r: t.refresh_token, s: 'openid' });
  await page.evaluate(([area, key, value]) => {
    sessionStorage.clear(); localStorage.clear();
    (area === 'local' ? localStorage : sessionStorage).setItem(key, value);
  }, [storage, tokensKey(), record]);
  return { record, tokens: t };
}

const stored = (page, storage) => page.evaluate(([area, key]) => (area === 'local' ? localStorage : sessionStorage).getItem(key), [storage, tokensKey()]);

function assertNoSecrets(page, value, secrets, what) {
  const text = JSON.stringify(value);
  for (const s of secrets) {
    assert.ok(!text.includes(s), `${what} contains a secret: ${text}`);
    for (const line of page.consoleLines || []) assert.ok(!line.includes(s), `the console shows a secret: ${line}`);
  }
}

// mode -> the API.md answer (code, status, description as sent by the server).
const CASES = [
  ['500', { code: 'http_error', status: 500, description: undefined }],
  ['500-json', { code: 'server_error', status: 500, description: 'database down' }],
  ['503', { code: 'http_error', status: 503, description: undefined }],
  ['503-json', { code: 'temporarily_unavailable', status: 503, description: 'maintenance' }],
  ['429', { code: 'http_error', status: 429, description: 'slow down' }],
  ['html-200', { code: 'invalid_response', status: 200 }],
  ['html-500', { code: 'http_error', status: 500, description: undefined }],
  ['truncated-json', { code: 'invalid_response', status: 200 }],
  ['empty-200', { code: 'invalid_response', status: 200 }],
  ['hang', { code: 'timeout', status: undefined }],
  ['reset', { code: 'network_error', status: undefined }],
  ['no-cors', { code: 'network_error', status: undefined }],
  ['offline', { code: 'network_error', status: undefined }],
];
// Retries of a failed refresh are allowed (API.md: bounded, with backoff); more than this many
// requests for one call is a retry storm.
const MAX_ATTEMPTS = 3;

for (const storage of ['local', 'session']) {
  for (const [mode, want] of CASES) {
    if (storage === 'session' && !['500', '503-json', 'hang', 'reset', 'offline'].includes(mode)) continue;
    test(`fault ${mode} (storage ${storage}): getToken() and refresh() reject with ${want.code}${want.status ? ` ${want.status}` : ''}; the stored record is unchanged and still works`, { timeout: 60000 }, async () => {
      const cfg = { ...config, storage };
      const page = await openPage();
      const { record, tokens } = await seed(page, storage, { expiresAt: nowSecs() - 100 });
      const secrets = [tokens.access_token, tokens.refresh_token];
      const inject = async () => {
        if (mode === 'offline') await page.context().setOffline(true);
        else fs.fault(mode, { times: 20 });
      };
      const heal = async () => {
        if (mode === 'offline') await page.context().setOffline(false);
        fs.clearFaults();
      };

      for (const call of ['getToken', 'refresh']) {
        const before = fs.tokenRequests().length;
        await inject();
        const t0 = Date.now();
        const r = await page.evaluate(([cfg, call]) => attempt(() => new lib.AuthClient(cfg)[call]()), [cfg, call]);
        const elapsed = Date.now() - t0;
        await heal();
        assert.ok(r.error, `${call}() resolved despite the fault: ${JSON.stringify(r.value)}`);
        assert.equal(r.error.name, 'AuthError', JSON.stringify(r.error));
        assert.equal(r.error.code, want.code, `${call}(): ${JSON.stringify(r.error)}\n${describePage(page)}`);
        assert.equal(r.error.status, want.status, `${call}() status: ${JSON.stringify(r.error)}`);
        if ('description' in want) assert.equal(r.error.description, want.description, `${call}() description`);
        assertNoSecrets(page, r.error, secrets, `${call}() error`);
        assert.equal(await stored(page, storage), record, `${call}(): the stored record changed after ${mode}`);
        const attempts = fs.tokenRequests().length - before;
        if (mode === 'offline') {
          assert.equal(attempts, 0, 'offline: nothing reached the server');
        } else {
          assert.ok(attempts >= 1 && attempts <= MAX_ATTEMPTS, `${attempts} token requests for one ${call}() (bounded: 1..${MAX_ATTEMPTS})`);
          const sent = fs.tokenRequests().slice(before);
          assert.ok(sent.every((x) => x.body?.refresh_token === tokens.refresh_token), 'every attempt sent the stored refresh token');
        }
        if (mode === 'hang') {
          assert.ok(elapsed >= TIMEOUT_MS - 200, `timed out after ${elapsed} ms, before requestTimeout ${TIMEOUT_MS}`);
          assert.ok(elapsed <= TIMEOUT_MS * MAX_ATTEMPTS + 4000, `timeout took ${elapsed} ms`);
        }
        const auth = await page.evaluate((cfg) => new lib.AuthClient(cfg).isAuthenticated(), cfg);
        assert.equal(auth, true, 'still signed in after a transient failure');
      }

      // Nothing was lost: the stored refresh token is accepted once the fault is gone.
      const okBefore = fs.refreshLog.filter((x) => x.token === tokens.refresh_token && x.outcome === 'ok').length;
      assert.equal(okBefore, 0, 'the faults consumed nothing server-side');
      const healed = await page.evaluate((cfg) => attempt(async () => {
        const c = new lib.AuthClient(cfg);
        return { token: await c.getToken(), tokens: c.getTokens() };
      }), cfg);
      assert.ok(healed.value, `getToken() after the fault: ${JSON.stringify(healed.error)}\n${describePage(page)}`);
      assert.notEqual(healed.value.token, tokens.access_token);
      assert.match(healed.value.token, /^at_/);
      assert.notEqual(healed.value.tokens.refreshToken, tokens.refresh_token, 'rotated');
      assert.equal(fs.refreshLog.filter((x) => x.token === tokens.refresh_token && x.outcome === 'ok').length, 1);
      assert.deepEqual(page.pageErrors, [], 'no uncaught page errors');
      await page.close();
    });
  }
}

test('a transient failure inside the expiry leeway: getToken() still returns the stored, not yet expired token', { timeout: 30000 }, async () => {
  const cfg = { ...config, storage: 'local' };
  const page = await openPage();
  const { record, tokens } = await seed(page, 'local', { expiresAt: nowSecs() + 30 }); // leeway 60 s
  for (const mode of ['503-json', 'reset', '500']) {
    fs.fault(mode, { times: 20 });
    const r = await page.evaluate((cfg) => attempt(() => new lib.AuthClient(cfg).getToken()), cfg);
    fs.clearFaults();
    assert.equal(r.value, tokens.access_token, `${mode}: ${JSON.stringify(r.error)}`);
    assert.equal(await stored(page, 'local'), record);
  }
  await page.close();
});

test('contrast: a definitive refresh failure (invalid_grant) clears the tokens, getToken() -> login_required', { timeout: 30000 }, async () => {
  const cfg = { ...config, storage: 'local' };
  const page = await openPage();
  const { tokens } = await seed(page, 'local', { expiresAt: nowSecs() - 100 });
  fs.fault('invalid_grant');
  const r = await page.evaluate((cfg) => attempt(() => new lib.AuthClient(cfg).getToken()), cfg);
  assert.equal(r.error?.code, 'login_required', JSON.stringify(r));
  assert.equal(r.error?.description, 'invalid_grant: the refresh token was revoked');
  assert.equal(r.error?.status, 400);
  assertNoSecrets(page, r.error, [tokens.access_token, tokens.refresh_token], 'error');
  assert.equal(await stored(page, 'local'), null, 'tokens cleared');
  await page.close();
});

/** createSignInUrl, then the fixture's authorize endpoint redirects back to callback.html. */
async function startSignIn(page, cfg, appState) {
  const url = await page.evaluate(([cfg, appState]) => attempt(() => new lib.AuthClient(cfg).createSignInUrl(appState ? { appState } : {})), [cfg, appState]);
  assert.ok(url.value, JSON.stringify(url.error));
  await page.goto(url.value, { waitUntil: 'domcontentloaded' });
  const back = new URL(page.url());
  assert.equal(back.origin + back.pathname, app.callbackUrl, describePage(page));
  assert.ok(back.searchParams.get('code') && back.searchParams.get('state'), 'the fixture redirected back with code and state');
  return back;
}

for (const [mode, code] of [['500', 'http_error'], ['reset', 'network_error'], ['hang', 'timeout'], ['html-200', 'invalid_response']]) {
  test(`the authorization code is sent once: exchange fails with ${mode} (${code}), reload and revisiting the callback URL -> state_mismatch, no second exchange`, { timeout: 60000 }, async () => {
    const cfg = { ...config, storage: 'local' };
    const page = await openPage();
    await page.evaluate(() => { sessionStorage.clear(); localStorage.clear(); });
    const callbackUrl = await startSignIn(page, cfg);
    const theCode = callbackUrl.searchParams.get('code');
    await loadLib(page);
    fs.fault(mode, { times: 20 });
    const first = await page.evaluate((cfg) => attempt(async () => {
      const r = await new lib.AuthClient(cfg).handleCallback();
      return r;
    }), cfg);
    fs.clearFaults();
    assert.equal(first.error?.code, code, `${JSON.stringify(first)}\n${describePage(page)}`);
    assertNoSecrets(page, first.error, [theCode], 'handleCallback error');
    const bar = await page.evaluate(() => location.href);
    assert.equal(new URL(bar).search, '', 'code and state removed from the address bar on failure');
    assert.equal(fs.codeLog.filter((x) => x.code === theCode).length, 1, 'the code reached the token endpoint once');

    // Reload: the address bar no longer has the response.
    await page.reload({ waitUntil: 'domcontentloaded' });
    await loadLib(page);
    const again = await page.evaluate((cfg) => attempt(() => new lib.AuthClient(cfg).handleCallback()), cfg);
    assert.equal(again.error?.code, 'state_mismatch', JSON.stringify(again));
    // The original callback URL (history, a bookmarked or leaked URL): the transaction is spent.
    await page.goto(callbackUrl.href, { waitUntil: 'domcontentloaded' });
    await loadLib(page);
    const replay = await page.evaluate((cfg) => attempt(() => new lib.AuthClient(cfg).handleCallback()), cfg);
    assert.equal(replay.error?.code, 'state_mismatch', JSON.stringify(replay));
    assert.equal(fs.codeLog.filter((x) => x.code === theCode).length, 1, 'still once: no second exchange');
    assert.equal(await page.evaluate((cfg) => new lib.AuthClient(cfg).isAuthenticated(), cfg), false);
    await page.close();
  });
}

// Below the library: Chromium's network stack resends a request, POST included, once when a
// reused keep-alive connection is reset before any answer (it takes the reset for a server
// closing an idle connection). The library sends once (shown above with `Connection: close`);
// on a reused connection the endpoint can still see the same refresh token or code twice. A
// rotating endpoint then answers invalid_grant (reuse detection), which fails safe: the tokens
// are cleared and the user signs in again; nothing reaches anyone but the token endpoint.
test('documented browser behaviour: a reset on a reused keep-alive connection makes Chromium resend the POST once', { timeout: 30000 }, async () => {
  const ka = await startFaultServer({ redirectUris: [app.callbackUrl], keepAlive: true });
  try {
    const cfg = { ...config, tokenEndpoint: ka.tokenEndpoint, authorizationEndpoint: ka.authorizationEndpoint, storage: 'local' };
    const page = await openPage();
    const t = ka.issue({ scope: 'openid', withIdToken: false });
    const key = `wasm-oauth:tokens:${ka.clientId}|${ka.tokenEndpoint}`;
    await page.evaluate(([k, v]) => { localStorage.clear(); localStorage.setItem(k, v); },
      [key, JSON.stringify({ v: 1, a: t.access_token, t: 'Bearer', e: nowSecs() - 100, r: t.refresh_token })]);
    // A successful refresh leaves an idle keep-alive connection to the endpoint.
    const first = await page.evaluate((cfg) => attempt(() => new lib.AuthClient(cfg).refresh()), cfg);
    assert.ok(first.value, JSON.stringify(first.error));
    const before = ka.tokenRequests().length;
    ka.fault('reset', { times: 20 });
    const r = await page.evaluate((cfg) => attempt(() => new lib.AuthClient(cfg).refresh()), cfg);
    ka.clearFaults();
    assert.equal(r.error?.code, 'network_error');
    const sent = ka.tokenRequests().slice(before);
    assert.equal(sent.length, 2, 'one request from the library, one resend by Chromium on a fresh connection');
    assert.equal(sent[0].rawBody, sent[1].rawBody, 'byte-identical resend');
    await page.close();
  } finally {
    await ka.close();
  }
});
