// Proves the test infrastructure on its own, without the wasm package: oidc-provider's client
// config, CORS for the app origin, the dev login helper, rotation of refresh tokens, and the
// Basic fixture's wire protocol, driven by a hand-written PKCE flow (plain fetch + WebCrypto)
// in a real Chromium page on http://localhost:<port>/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, describePage } from '../support/browser.mjs';
import { startAuthorizationServer, login, confirmLogout } from '../support/authorization-server.mjs';
import { startBasicServer, decodeJwt, s256 } from '../support/basic-server.mjs';
import { startApp, params, secretEqual, secretNotEqual, secretMatch } from './helpers.mjs';

let app; let op; let basic; let browser;

before(async () => {
  app = await startApp({ requirePkg: false });
  op = await startAuthorizationServer({
    redirectUris: [app.callbackUrl],
    postLogoutRedirectUris: [app.homeUrl],
    accessTokenTTL: 120,
  });
  basic = await startBasicServer({ redirectUris: [app.callbackUrl] });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await Promise.all([app?.close(), op?.close(), basic?.close()]);
});

// Runs in the page: a fresh verifier/challenge/state, like a client library would.
async function pagePkce() {
  const b64u = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  const verifier = b64u(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = b64u(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  const state = b64u(crypto.getRandomValues(new Uint8Array(16)));
  sessionStorage.setItem('infra', JSON.stringify({ verifier, state }));
  return { challenge, state };
}

test('oidc-provider: discovery, login helper, code + PKCE, CORS token/userinfo, rotation, logout', { timeout: 90000 }, async () => {
  const page = await browser.newPage();
  await page.goto(app.homeUrl, { waitUntil: 'domcontentloaded' });

  // Discovery from the app origin (cross-origin: localhost -> 127.0.0.1).
  const meta = await page.evaluate(async (iss) => (await fetch(`${iss}/.well-known/openid-configuration`)).json(), op.issuer);
  assert.equal(meta.issuer, op.issuer);
  assert.equal(meta.authorization_endpoint, `${op.issuer}/auth`);
  assert.equal(meta.token_endpoint, `${op.issuer}/token`);
  assert.ok(meta.code_challenge_methods_supported.includes('S256'));
  assert.equal(meta.authorization_response_iss_parameter_supported, true);
  assert.ok(meta.revocation_endpoint && meta.end_session_endpoint && meta.userinfo_endpoint);
  assert.equal(meta.dpop_signing_alg_values_supported, undefined, 'DPoP is off by default');

  const { challenge, state } = await page.evaluate(pagePkce);
  const authorize = new URL(meta.authorization_endpoint);
  Object.entries({
    response_type: 'code', client_id: 'spa', redirect_uri: app.callbackUrl,
    scope: 'openid profile email offline_access', state, nonce: 'n-123',
    code_challenge: challenge, code_challenge_method: 'S256',
  }).forEach(([k, v]) => authorize.searchParams.set(k, v));
  await page.goto(authorize.href, { waitUntil: 'domcontentloaded' });
  await login(page, { login: 'alice', password: 'pw' });

  const back = new URL(page.url());
  assert.equal(back.origin + back.pathname, app.callbackUrl, describePage(page));
  const cb = params(page.url());
  assert.equal(cb.state, state);
  assert.equal(cb.iss, op.issuer, 'RFC 9207 iss on the callback');
  secretMatch(cb.code, /^[A-Za-z0-9_-]{20,}$/, 'authorization code');

  const result = await page.evaluate(async ({ tokenEndpoint, userinfo, code, redirectUri }) => {
    const { verifier } = JSON.parse(sessionStorage.getItem('infra'));
    const form = (o) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(o) });
    const t1 = await fetch(tokenEndpoint, form({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: 'spa', code_verifier: verifier }));
    const tokens = await t1.json();
    const me = await fetch(userinfo, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    const r1 = await fetch(tokenEndpoint, form({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: 'spa' }));
    const rotated = await r1.json();
    const reuse = await fetch(tokenEndpoint, form({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: 'spa' }));
    // Last: replaying the code fails (and makes oidc-provider revoke what the code gave).
    const replay = await fetch(tokenEndpoint, form({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: 'spa', code_verifier: verifier }));
    return {
      status: t1.status, tokens, replay: { status: replay.status, body: await replay.json() },
      me: { status: me.status, body: await me.json() },
      refresh: { status: r1.status, body: rotated },
      reuse: { status: reuse.status, body: await reuse.json() },
    };
  }, { tokenEndpoint: meta.token_endpoint, userinfo: meta.userinfo_endpoint, code: cb.code, redirectUri: app.callbackUrl });

  assert.equal(result.status, 200);
  assert.equal(result.tokens.token_type, 'Bearer');
  assert.equal(result.tokens.expires_in, 120, 'access token TTL is configurable');
  assert.equal(typeof result.tokens.refresh_token, 'string', 'refresh token issued');
  // oidc-provider drops offline_access without prompt=consent; the refresh token above comes
  // from refreshTokenWithoutConsent (the default of startAuthorizationServer).
  assert.equal(result.tokens.scope, 'openid profile email');
  const claims = decodeJwt(result.tokens.id_token);
  assert.deepEqual(
    { iss: claims.iss, aud: claims.aud, sub: claims.sub, nonce: claims.nonce, name: claims.name, email: claims.email },
    { iss: op.issuer, aud: 'spa', sub: 'alice', nonce: 'n-123', name: 'Test User alice', email: 'alice@example.test' },
  );
  assert.equal(result.replay.status, 400);
  assert.equal(result.replay.body.error, 'invalid_grant', 'codes are single use');
  assert.equal(result.me.status, 200);
  assert.equal(result.me.body.sub, 'alice');
  assert.equal(result.refresh.status, 200);
  secretNotEqual(result.refresh.body.refresh_token, result.tokens.refresh_token, 'refresh tokens rotate');
  secretNotEqual(result.refresh.body.access_token, result.tokens.access_token, 'a new access token');
  assert.equal(result.reuse.status, 400);
  assert.equal(result.reuse.body.error, 'invalid_grant', 'a rotated refresh token is rejected');

  // RP-initiated logout back to the app.
  const end = new URL(meta.end_session_endpoint);
  end.searchParams.set('client_id', 'spa');
  end.searchParams.set('post_logout_redirect_uri', app.homeUrl);
  await page.goto(end.href, { waitUntil: 'domcontentloaded' });
  await confirmLogout(page);
  assert.equal(new URL(page.url()).href, app.homeUrl);
  await page.close();
});

test('oidc-provider: prompt=login in the same browser after an RP-initiated logout', { timeout: 60000 }, async () => {
  const page = await browser.newPage();
  await page.goto(app.homeUrl, { waitUntil: 'domcontentloaded' });
  const { challenge, state } = await page.evaluate(pagePkce);
  const u = new URL(`${op.issuer}/auth`);
  Object.entries({ response_type: 'code', client_id: 'spa', redirect_uri: app.callbackUrl, scope: 'openid', state, code_challenge: challenge, code_challenge_method: 'S256', prompt: 'login' })
    .forEach(([k, v]) => u.searchParams.set(k, v));
  await page.goto(u.href, { waitUntil: 'domcontentloaded' });
  await login(page, { login: 'bob' });
  assert.equal(params(page.url()).state, state, describePage(page));
  secretMatch(params(page.url()).code, /^[A-Za-z0-9_-]{20,}$/, 'authorization code');
  await page.close();
});

test('basic fixture: authorize redirect, JSON token exchange with PKCE, CORS, rotation, errors', { timeout: 60000 }, async () => {
  const page = await browser.newPage();
  await page.goto(app.homeUrl, { waitUntil: 'domcontentloaded' });
  const { challenge, state } = await page.evaluate(pagePkce);
  const u = new URL(basic.authorizationEndpoint);
  Object.entries({ client_id: basic.clientId, redirect_uri: app.callbackUrl, response_type: 'code', scope: 'profile', state, code_challenge: challenge, code_challenge_method: 'S256', nonce: 'n-9' })
    .forEach(([k, v]) => u.searchParams.set(k, v));
  await page.goto(u.href, { waitUntil: 'domcontentloaded' });
  const cb = params(page.url());
  assert.equal(new URL(page.url()).pathname, '/callback.html');
  assert.equal(cb.state, state);
  assert.equal(cb.iss, undefined);

  const r = await page.evaluate(async ({ tokenEndpoint, code, redirectUri, clientId }) => {
    const { verifier } = JSON.parse(sessionStorage.getItem('infra'));
    const post = async (body, contentType = 'application/json') => {
      const res = await fetch(tokenEndpoint, { method: 'POST', headers: { 'content-type': contentType }, body: contentType === 'application/json' ? JSON.stringify(body) : new URLSearchParams(body) });
      return { status: res.status, acao: res.headers.get('access-control-allow-origin'), body: await res.json() };
    };
    const wrongVerifier = await post({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: clientId, code_verifier: 'x'.repeat(43) });
    return {
      wrongVerifier,
      again: await post({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: clientId, code_verifier: verifier }),
      verifier,
    };
  }, { tokenEndpoint: basic.tokenEndpoint, code: cb.code, redirectUri: app.callbackUrl, clientId: basic.clientId });
  assert.equal(r.wrongVerifier.status, 400);
  assert.deepEqual(r.wrongVerifier.body, { error: 'invalid_grant', message: 'PKCE verification failed' });
  assert.equal(r.again.body.error, 'invalid_grant', 'a code is consumed by the first attempt, even a failed one');

  // A fresh code, the happy path, rotation.
  const s2 = await page.evaluate(pagePkce);
  u.searchParams.set('state', s2.state);
  u.searchParams.set('code_challenge', s2.challenge);
  await page.goto(u.href, { waitUntil: 'domcontentloaded' });
  const code = params(page.url()).code;
  const before = basic.requests.length;
  const ok = await page.evaluate(async ({ tokenEndpoint, code, redirectUri, clientId }) => {
    const { verifier } = JSON.parse(sessionStorage.getItem('infra'));
    const post = async (body, contentType = 'application/json') => {
      const res = await fetch(tokenEndpoint, { method: 'POST', headers: { 'content-type': contentType }, body: contentType === 'application/json' ? JSON.stringify(body) : new URLSearchParams(body) });
      return { status: res.status, acao: res.headers.get('access-control-allow-origin'), body: await res.json() };
    };
    const t = await post({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: clientId, code_verifier: verifier });
    const r1 = await post({ grant_type: 'refresh_token', refresh_token: t.body.refresh_token, client_id: clientId });
    const reuse = await post({ grant_type: 'refresh_token', refresh_token: t.body.refresh_token, client_id: clientId });
    const form = await post({ grant_type: 'refresh_token', refresh_token: r1.body.refresh_token }, 'application/x-www-form-urlencoded');
    return { t, r1, reuse, form, verifier };
  }, { tokenEndpoint: basic.tokenEndpoint, code, redirectUri: app.callbackUrl, clientId: basic.clientId });
  assert.equal(ok.t.status, 200);
  // The body was readable cross-origin, so CORS allowed the app origin (the ACAO header
  // itself is not exposed to page scripts); the recorded request below shows the Origin.
  assert.deepEqual(Object.keys(ok.t.body).sort(), ['access_token', 'expires_in', 'id_token', 'refresh_token', 'scope', 'token_type']);
  assert.equal(ok.t.body.token_type, 'Bearer');
  assert.equal(ok.t.body.expires_in, 3600);
  assert.equal(ok.t.body.scope, 'profile');
  const idt = decodeJwt(ok.t.body.id_token);
  assert.equal(idt.iss, basic.url);
  assert.equal(idt.aud, basic.clientId);
  assert.equal(idt.sub, 'basic-user-1');
  assert.equal(idt.nonce, 'n-9');
  assert.ok(idt.exp > idt.iat);
  assert.equal(ok.r1.status, 200);
  secretNotEqual(ok.r1.body.refresh_token, ok.t.body.refresh_token, 'refresh tokens rotate');
  assert.equal(ok.reuse.status, 400);
  assert.equal(ok.reuse.body.error, 'invalid_grant');
  assert.equal(ok.form.status, 400);
  assert.equal(ok.form.body.error, 'invalid_request', 'the fixture insists on JSON bodies');

  // The recorded wire format, preflight included.
  const seen = basic.requests.slice(before);
  const preflight = seen.find((q) => q.method === 'OPTIONS');
  assert.ok(preflight, 'a JSON POST is preflighted');
  assert.equal(preflight.headers['access-control-request-method'], 'POST');
  const first = seen.find((q) => q.method === 'POST');
  assert.equal(first.contentType, 'application/json');
  secretEqual(first.body, { grant_type: 'authorization_code', code, redirect_uri: app.callbackUrl, client_id: basic.clientId, code_verifier: ok.verifier }, 'recorded token request body');
  assert.equal(s256(first.body.code_verifier), s2.challenge);
  assert.equal(first.headers.origin, app.origin);
  await page.close();
});

test('basic fixture: canned answers and CORS refusal for foreign origins', { timeout: 30000 }, async () => {
  basic.respondNext({ status: 503, text: '<html>down</html>' });
  const res1 = await fetch(basic.tokenEndpoint, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'http://evil.test' }, body: '{}' });
  assert.equal(res1.status, 503);
  assert.equal(res1.headers.get('access-control-allow-origin'), null);
  assert.equal(await res1.text(), '<html>down</html>');
  const res2 = await fetch(basic.tokenEndpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"grant_type":"password"}' });
  assert.equal(res2.status, 400);
  assert.deepEqual(await res2.json(), { error: 'unsupported_grant_type', message: 'grant_type must be authorization_code or refresh_token' });
});
