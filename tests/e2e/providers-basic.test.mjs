// Basic (provider: "basic") in Chromium against the Basic fixture: the preset's defaults
// (scope "profile", JSON token bodies) with its endpoints pointed at the fixture, sign-in,
// refresh with rotation, the documented 400 {error, message} answers, a denied consent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, describePage } from '../support/browser.mjs';
import { startBasic, BASIC_TOKEN_ERRORS, BASIC_CODE_FIELDS, BASIC_REFRESH_FIELDS, s256, decodeJwt } from '../support/providers/basic.mjs';
import { openWithLib, createSignInUrl, followRedirect, completeCallback, inPage, keys, show } from '../support/providers/flow.mjs';
import { startApp, secretEqual, secretNotEqual, secretMatch } from './helpers.mjs';

let app; let basic; let consent; let browser;
before(async () => {
  app = await startApp();
  basic = await startBasic({ redirectUris: [app.callbackUrl] });
  consent = await startBasic({ clientId: 'basic-consent', redirectUris: [app.callbackUrl], autoApprove: false });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await Promise.all([app?.close(), basic?.close(), consent?.close()]);
});

/** Sign-in up to the callback page; returns {page, query} with the authorize query. */
async function toCallback(fixture = basic, extra = {}) {
  const page = await openWithLib(browser, app.homeUrl);
  const { url, query } = await createSignInUrl(page, fixture.config(app.callbackUrl, extra));
  await followRedirect(page, url);
  return { page, query };
}

test('sign-in: GET /auth/authorize with exactly the documented parameters, JSON POST /auth/token, 1 h token, ID token claims', { timeout: 60000 }, async () => {
  const config = basic.config(app.callbackUrl);
  const from = basic.requests.length;
  const { page, query } = await toCallback();
  const authorize = basic.requests.slice(from).find((r) => r.path === '/auth/authorize');
  assert.equal(authorize.method, 'GET');
  assert.deepEqual(keys(authorize.query), ['client_id', 'code_challenge', 'code_challenge_method', 'redirect_uri', 'response_type', 'scope', 'state']);
  assert.deepEqual(authorize.query, { ...query });
  assert.equal(query.client_id, 'basic-app');
  assert.equal(query.redirect_uri, app.callbackUrl);
  assert.equal(query.response_type, 'code');
  assert.equal(query.scope, 'profile', 'the preset scope');
  assert.equal(query.code_challenge_method, 'S256');
  assert.match(query.state, /^[A-Za-z0-9_-]{22,}$/);

  const cb = await completeCallback(page, config);
  assert.ok(cb.value, `handleCallback: ${JSON.stringify(cb.error)}\n${describePage(page)}`);
  const calls = basic.tokenRequests().filter((r) => r.time >= authorize.time);
  assert.equal(calls.length, 1);
  const [ex] = calls;
  assert.equal(ex.method, 'POST');
  assert.equal(ex.path, '/auth/token');
  assert.equal(ex.contentType, 'application/json');
  assert.equal(ex.headers.accept, 'application/json');
  assert.deepEqual(keys(ex.body), BASIC_CODE_FIELDS);
  assert.equal(ex.body.grant_type, 'authorization_code');
  assert.equal(ex.body.client_id, 'basic-app');
  assert.equal(ex.body.redirect_uri, app.callbackUrl);
  assert.equal(s256(ex.body.code_verifier), query.code_challenge);
  assert.ok(Object.values(ex.body).every((v) => typeof v === 'string'), 'every field a JSON string');
  assert.deepEqual(JSON.parse(ex.rawBody), ex.body, 'the raw body is that JSON object');

  const { tokens, user } = cb.value;
  assert.equal(tokens.tokenType, 'Bearer');
  assert.ok(Math.abs(tokens.expiresAt - (Math.floor(ex.time / 1000) + 3600)) <= 5, 'access tokens live one hour');
  assert.equal(tokens.scope, 'profile');
  secretMatch(tokens.refreshToken, /^rt_/, 'value shape');
  assert.equal(user.sub, 'basic-user-1');
  assert.equal(user.aud, 'basic-app');
  assert.equal(user.iss, basic.url);
  assert.equal(decodeJwt(tokens.idToken).email, 'basic-user-1@example.test');
  assert.equal(cb.value.search, '');

  // The token works against Basic's userInfo (CORS for the app origin).
  const me = await page.evaluate(async ([u, at]) => {
    const r = await fetch(u, { headers: { authorization: `Bearer ${at}` } });
    return { status: r.status, body: await r.json() };
  }, [basic.userinfoEndpoint, tokens.accessToken]);
  assert.equal(me.status, 200);
  assert.equal(me.body.sub, 'basic-user-1');
  assert.deepEqual(page.pageErrors, []);
  await page.close();
});

test('refresh: JSON {grant_type: "refresh_token", refresh_token}; the rotated refresh token replaces the old one, which is dead', { timeout: 60000 }, async () => {
  const config = basic.config(app.callbackUrl);
  const { page } = await toCallback();
  const cb = await completeCallback(page, config);
  assert.ok(cb.value, JSON.stringify(cb.error));
  const first = cb.value.tokens;
  const t0 = Date.now();
  // getToken() with more validity asked than the hour left: refreshes once.
  const r = await inPage(page, config, async (lib, client) => {
    const token = await client.getToken({ minValidity: 3700 });
    return { token, tokens: client.getTokens() };
  });
  assert.ok(r.value, JSON.stringify(r.error));
  const refreshes = basic.tokenRequests().filter((x) => x.time >= t0);
  assert.equal(refreshes.length, 1);
  const [rq] = refreshes;
  assert.equal(rq.contentType, 'application/json');
  // Basic documents {grant_type, refresh_token}; the library adds client_id (RFC 6749 §3.2.1
  // for public clients), which Basic accepts.
  assert.deepEqual(keys(rq.body).filter((k) => k !== 'client_id'), BASIC_REFRESH_FIELDS);
  assert.equal(rq.body.grant_type, 'refresh_token');
  secretEqual(rq.body.refresh_token, first.refreshToken);
  assert.ok(rq.body.client_id === undefined || rq.body.client_id === 'basic-app');
  const { token, tokens } = r.value;
  secretEqual(token, tokens.accessToken);
  secretNotEqual(tokens.accessToken, first.accessToken);
  secretNotEqual(tokens.refreshToken, first.refreshToken, 'rotated');
  secretEqual(tokens.idToken, first.idToken, 'the ID token is kept when the refresh answer has none');
  assert.equal(basic.state.refreshTokens.get(first.refreshToken).active, false);
  assert.equal(basic.state.refreshTokens.get(tokens.refreshToken).active, true);
  // The old refresh token really is dead at the server.
  const reuse = await page.evaluate(async ([u, rt]) => {
    const res = await fetch(u, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: rt }) });
    return { status: res.status, body: await res.json() };
  }, [basic.tokenEndpoint, first.refreshToken]);
  assert.deepEqual(reuse, { status: 400, body: { error: 'invalid_grant', message: 'invalid refresh token' } });
  await page.close();
});

for (const err of BASIC_TOKEN_ERRORS) {
  test(`code exchange answered ${err.status} {error: "${err.error}", message}: handleCallback rejects with that code, message as description`, { timeout: 60000 }, async () => {
    const config = basic.config(app.callbackUrl);
    const { page } = await toCallback();
    basic.failNext(err);
    const cb = await completeCallback(page, config);
    assert.deepEqual(cb.error && [cb.error.name, cb.error.code, cb.error.description, cb.error.status],
      ['AuthError', err.error, err.message, err.status], show(cb));
    const after = await inPage(page, config, async (lib, client) => ({ tokens: client.getTokens(), search: location.search }));
    secretEqual(after.value.tokens, null, 'nothing stored');
    assert.equal(after.value.search, '', 'the code is gone from the address bar');
    await page.close();
  });
}

test('a real invalid_grant (PKCE mismatch) from the fixture, and a 500 HTML page as http_error', { timeout: 60000 }, async () => {
  const config = basic.config(app.callbackUrl);
  const { page } = await toCallback();
  // Tamper with the stored verifier: the fixture's own S256 check fails.
  await page.evaluate(() => {
    for (const k of Object.keys(sessionStorage)) {
      if (!k.startsWith('wasm-oauth:tx:')) continue;
      const v = sessionStorage.getItem(k);
      const m = /"([A-Za-z0-9_-]{43,128})"/g;
      // Replace the verifier (the 43+ char unreserved string that is not the state key).
      const state = k.slice('wasm-oauth:tx:'.length);
      sessionStorage.setItem(k, v.replace(m, (all, s) => (s === state ? all : `"${'A'.repeat(s.length)}"`)));
    }
  });
  const cb = await completeCallback(page, config);
  assert.equal(cb.error?.code, 'invalid_grant', show(cb));
  assert.equal(cb.error.description, 'PKCE verification failed');
  assert.equal(cb.error.status, 400);
  await page.close();

  const second = await toCallback();
  basic.respondNext({ status: 500, text: '<html><body><h1>Internal Server Error</h1></body></html>' });
  const cb2 = await completeCallback(second.page, config);
  assert.deepEqual(cb2.error && [cb2.error.code, cb2.error.status, cb2.error.description], ['http_error', 500, undefined]);
  await second.page.close();
});

test('refresh failures: invalid_grant clears the tokens (getToken -> login_required with the server text); a 400 invalid_request keeps them', { timeout: 60000 }, async () => {
  const config = basic.config(app.callbackUrl);
  const { page } = await toCallback();
  const cb = await completeCallback(page, config);
  assert.ok(cb.value, JSON.stringify(cb.error));
  basic.failNext({ status: 400, error: 'invalid_request', message: 'body must be a JSON object' });
  let r = await inPage(page, config, async (lib, client) => client.refresh());
  assert.deepEqual([r.error?.code, r.error?.description, r.error?.status], ['invalid_request', 'body must be a JSON object', 400]);
  r = await inPage(page, config, async (lib, client) => client.getTokens());
  secretEqual(r.value.refreshToken, cb.value.tokens.refreshToken, 'kept');

  basic.revokeAll();
  // getToken() needing a refresh that fails definitively: login_required carrying the server's word.
  r = await inPage(page, config, async (lib, client) => client.getToken({ minValidity: 3700 }));
  assert.deepEqual([r.error?.code, r.error?.description, r.error?.status], ['login_required', 'invalid_grant: invalid refresh token', 400]);
  r = await inPage(page, config, async (lib, client) => ({ tokens: client.getTokens(), auth: client.isAuthenticated() }));
  secretEqual(r.value, { tokens: null, auth: false });
  r = await inPage(page, config, async (lib, client) => client.getToken());
  assert.equal(r.error?.code, 'login_required');

  // refresh() itself passes the server's code through.
  const again = await toCallback();
  assert.ok((await completeCallback(again.page, config)).value);
  basic.revokeAll();
  r = await inPage(again.page, config, async (lib, client) => client.refresh());
  assert.deepEqual([r.error?.code, r.error?.description, r.error?.status], ['invalid_grant', 'invalid refresh token', 400]);
  r = await inPage(again.page, config, async (lib, client) => client.getTokens());
  secretEqual(r.value, null, 'cleared');
  await again.page.close();
  await page.close();
});

test('consent denied: the callback error access_denied with its description, no token request', { timeout: 60000 }, async () => {
  const config = consent.config(app.callbackUrl);
  const page = await openWithLib(browser, app.homeUrl);
  const { url } = await createSignInUrl(page, config);
  await page.goto(url.href, { waitUntil: 'domcontentloaded' });
  await Promise.all([page.waitForURL((u) => u.pathname === '/callback.html', { waitUntil: 'domcontentloaded' }), page.click('#deny')]);
  const before = consent.tokenRequests().length;
  await followRedirect(page, page.url());
  const cb = await completeCallback(page, config);
  assert.deepEqual(cb.error && [cb.error.code, cb.error.description], ['access_denied', 'The user denied access']);
  assert.equal(consent.tokenRequests().length, before);
  await page.close();
});
