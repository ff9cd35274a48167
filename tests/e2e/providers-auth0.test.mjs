// Auth0 (provider: "auth0", domain) in Chromium against the Auth0 fixture served over HTTPS
// with a self-signed certificate, so the preset's own URLs (https://{domain}/authorize,
// /oauth/token) are used unchanged; this file's Chromium runs with --ignore-certificate-errors.
// Sign-in with audience, form-encoded token requests, refresh with rotation, the documented
// error statuses, ID token claim checks (iss, aud, azp, exp, iat, nonce), and DPoP against the
// fixture (proof verified, nonce retry, DPoP token type, ath proof for /userinfo).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, describePage } from '../support/browser.mjs';
import { startAuth0Server, AUTH0_TOKEN_ERRORS, decodeJwtParts } from '../support/providers/auth0.mjs';
import { verifyDpopProof, ecThumbprint, sha256b64url } from '../support/providers/common.mjs';
import { openWithLib, createSignInUrl, followRedirect, completeCallback, inPage, keys, show } from '../support/providers/flow.mjs';
import { startApp, secretEqual, secretNotEqual, secretMatch } from './helpers.mjs';

const AUDIENCE = 'https://api.example.test/';
const SCOPE = 'openid profile email offline_access';
let app; let a0; let a0dpop; let browser;
before(async () => {
  app = await startApp();
  a0 = await startAuth0Server({ clientId: 'a0-spa', redirectUris: [app.callbackUrl] });
  a0dpop = await startAuth0Server({ clientId: 'a0-dpop', redirectUris: [app.callbackUrl], dpop: true, dpopNonce: true });
  browser = await launchBrowser({ args: ['--ignore-certificate-errors'] });
});
after(async () => {
  await browser?.close();
  await Promise.all([app?.close(), a0?.close(), a0dpop?.close()]);
});

// The README's Auth0 example, with this fixture's domain.
const configFor = (fixture, extra = {}) => ({
  provider: 'auth0', domain: fixture.domain, clientId: fixture.clientId, redirectUri: app.callbackUrl,
  audience: AUDIENCE, scope: SCOPE, ...extra,
});

async function toCallback(fixture = a0, extra = {}) {
  const config = configFor(fixture, extra);
  // DPoP is in the `wasm-oauth/full` entry only.
  const entry = { full: Boolean(config.dpop) };
  const page = await openWithLib(browser, app.homeUrl, entry);
  const { url, query } = await createSignInUrl(page, config);
  await followRedirect(page, url, undefined, entry);
  return { page, query, url, config };
}

test('preset URLs over https, authorize with audience, form-encoded code exchange, ID token checked, userinfo', { timeout: 60000 }, async () => {
  const t0 = Date.now();
  const { page, query, url, config } = await toCallback();
  assert.equal(url.origin + url.pathname, `https://${a0.domain}/authorize`);
  assert.deepEqual(keys(query), ['audience', 'client_id', 'code_challenge', 'code_challenge_method', 'nonce', 'redirect_uri', 'response_type', 'scope', 'state']);
  assert.equal(query.audience, AUDIENCE);
  assert.equal(query.scope, SCOPE);
  assert.equal(query.client_id, 'a0-spa');
  assert.equal(query.response_type, 'code');
  assert.equal(query.code_challenge_method, 'S256');
  const [authorize] = a0.authorizeRequests().filter((r) => r.time >= t0);
  assert.deepEqual(authorize.query, query, 'the fixture saw exactly that');

  const cb = await completeCallback(page, config);
  assert.ok(cb.value, `handleCallback: ${JSON.stringify(cb.error)}\n${describePage(page)}`);
  const calls = a0.tokenRequests().filter((r) => r.time >= t0);
  assert.equal(calls.length, 1);
  const [ex] = calls;
  assert.equal(ex.method, 'POST');
  assert.equal(ex.path, '/oauth/token');
  assert.equal(ex.contentType, 'application/x-www-form-urlencoded');
  assert.deepEqual(ex.form.map(([k]) => k).sort(), ['client_id', 'code', 'code_verifier', 'grant_type', 'redirect_uri']);
  assert.equal(ex.body.grant_type, 'authorization_code');
  assert.equal(ex.body.client_id, 'a0-spa');
  assert.equal(ex.body.redirect_uri, app.callbackUrl);
  assert.equal(sha256b64url(ex.body.code_verifier), query.code_challenge);
  assert.equal(ex.headers.origin, app.origin);
  assert.equal(ex.headers.dpop, undefined, 'no DPoP unless configured');

  const { tokens, user } = cb.value;
  assert.equal(tokens.tokenType, 'Bearer');
  assert.ok(Math.abs(tokens.expiresAt - (Math.floor(ex.time / 1000) + 86400)) <= 5);
  assert.equal(tokens.scope, SCOPE);
  secretMatch(tokens.refreshToken, /^v1\./, 'value shape');
  assert.deepEqual(decodeJwtParts(tokens.accessToken).payload.aud, [AUDIENCE, `https://${a0.domain}/userinfo`], 'the audience reached the token');
  assert.equal(user.iss, a0.issuer);
  assert.equal(user.aud, 'a0-spa');
  assert.equal(user.nonce, query.nonce);
  assert.equal(user.sub, 'auth0|user-1');
  assert.equal(cb.value.search, '');

  const me = await page.evaluate(async ([u, at]) => {
    const r = await fetch(u, { headers: { authorization: `Bearer ${at}` } });
    return { status: r.status, body: await r.json() };
  }, [a0.userinfoEndpoint, tokens.accessToken]);
  assert.deepEqual(me, { status: 200, body: { sub: 'auth0|user-1', name: 'Auth0 Test User', email: 'user-1@example.test' } });
  assert.deepEqual(page.pageErrors, []);
  await page.close();
});

test('refresh with rotation: form grant_type=refresh_token&refresh_token&client_id; the new ID token is checked against the old', { timeout: 60000 }, async () => {
  const { page, config } = await toCallback();
  const cb = await completeCallback(page, config);
  assert.ok(cb.value, JSON.stringify(cb.error));
  const first = cb.value.tokens;
  const t0 = Date.now();
  const r = await inPage(page, config, async (lib, client) => ({ fresh: await client.refresh(), user: client.getUser() }));
  assert.ok(r.value, JSON.stringify(r.error));
  const [rq] = a0.tokenRequests().filter((x) => x.time >= t0);
  assert.equal(rq.contentType, 'application/x-www-form-urlencoded');
  secretEqual(rq.form, [['grant_type', 'refresh_token'], ['refresh_token', first.refreshToken], ['client_id', 'a0-spa']]);
  const { fresh } = r.value;
  secretNotEqual(fresh.refreshToken, first.refreshToken);
  secretNotEqual(fresh.idToken, first.idToken, 'Auth0 sends a new ID token on refresh');
  assert.equal(r.value.user.sub, 'auth0|user-1');

  // A refreshed ID token for another user is refused (and nothing is replaced).
  a0.idTokenClaimsNext((c) => ({ ...c, sub: 'auth0|someone-else' }));
  const bad = await inPage(page, config, async (lib, client) => client.refresh());
  assert.deepEqual([bad.error?.code, bad.error?.description], ['id_token_invalid', "the refreshed ID token's sub differs from the previous one"]);
  await page.close();
});

for (const err of AUTH0_TOKEN_ERRORS) {
  test(`code exchange answered ${err.status} ${err.error}: handleCallback rejects with the code, error_description and status`, { timeout: 60000 }, async () => {
    const { page, config } = await toCallback();
    a0.failNext(err);
    const cb = await completeCallback(page, config);
    assert.deepEqual(cb.error && [cb.error.name, cb.error.code, cb.error.description, cb.error.status],
      ['AuthError', err.error, err.error_description, err.status], show(cb));
    const t = await inPage(page, config, async (lib, client) => client.getTokens());
    secretEqual(t.value, null);
    await page.close();
  });
}

test('refresh failures: 403 invalid_grant "Unknown or invalid refresh token." clears; 429 keeps the tokens', { timeout: 60000 }, async () => {
  const { page, config } = await toCallback();
  const cb = await completeCallback(page, config);
  assert.ok(cb.value, JSON.stringify(cb.error));
  a0.failNext({ status: 429, error: 'too_many_requests', error_description: 'Too many requests. Try again later.' });
  let r = await inPage(page, config, async (lib, client) => client.getToken({ minValidity: 90000 }));
  // Transient: the still-valid token serves.
  secretEqual(r.value, cb.value.tokens.accessToken, show(r));
  r = await inPage(page, config, async (lib, client) => client.refresh());
  assert.ok(r.value, 'the refresh after the 429 works');
  a0.revokeAll();
  r = await inPage(page, config, async (lib, client) => client.getToken({ minValidity: 90000 }));
  assert.deepEqual([r.error?.code, r.error?.description, r.error?.status], ['login_required', 'invalid_grant: Unknown or invalid refresh token.', 403]);
  r = await inPage(page, config, async (lib, client) => client.getTokens());
  secretEqual(r.value, null);
  await page.close();
});

test('an authorize error (access_denied) comes back through handleCallback with its description, no token request', { timeout: 60000 }, async () => {
  a0.denyNext({ error: 'access_denied', error_description: 'User did not authorize the request' });
  const t0 = Date.now();
  const { page, config } = await toCallback();
  const cb = await completeCallback(page, config);
  assert.deepEqual(cb.error && [cb.error.code, cb.error.description], ['access_denied', 'User did not authorize the request']);
  assert.equal(a0.tokenRequests().filter((r) => r.time >= t0).length, 0);
  await page.close();
});

const now = () => Math.floor(Date.now() / 1000);
const CLAIM_FAULTS = [
  ['iss', (c) => ({ ...c, iss: 'https://evil.example/' }), "the ID token's iss is not the configured issuer"],
  ['aud', (c) => ({ ...c, aud: 'another-client' }), "the ID token's aud does not contain the clientId"],
  ['azp', (c) => ({ ...c, azp: 'another-client' }), "the ID token's azp is not the clientId"],
  ['aud array without azp', (c) => ({ ...c, aud: [c.aud, 'another-client'] }), 'the ID token has several audiences and no azp'],
  ['exp', (c) => ({ ...c, iat: now() - 7200, exp: now() - 3600 }), 'the ID token has expired (exp)'],
  ['iat', (c) => ({ ...c, iat: now() + 3600, exp: now() + 7200 }), 'the ID token was issued in the future (iat)'],
  ['nonce', (c) => ({ ...c, nonce: 'not-the-sign-in-nonce' }), "the ID token's nonce does not match the sign-in"],
  ['missing nonce', ({ nonce, ...c }) => c, "the ID token's nonce does not match the sign-in"],
];
for (const [what, tamper, description] of CLAIM_FAULTS) {
  test(`ID token with a wrong ${what}: id_token_invalid, nothing stored`, { timeout: 60000 }, async () => {
    const { page, config } = await toCallback();
    a0.idTokenClaimsNext(tamper);
    const cb = await completeCallback(page, config);
    assert.deepEqual(cb.error && [cb.error.code, cb.error.description], ['id_token_invalid', description], show(cb));
    const t = await inPage(page, config, async (lib, client) => ({ tokens: client.getTokens(), auth: client.isAuthenticated() }));
    secretEqual(t.value, { tokens: null, auth: false });
    await page.close();
  });
}

test('an azp equal to the clientId (with several audiences) is accepted', { timeout: 60000 }, async () => {
  const { page, config } = await toCallback();
  a0.idTokenClaimsNext((c) => ({ ...c, aud: [c.aud, 'https://api.example.test/'], azp: c.aud }));
  const cb = await completeCallback(page, config);
  assert.ok(cb.value, JSON.stringify(cb.error));
  assert.equal(cb.value.user.azp, 'a0-spa');
  await page.close();
});

test('DPoP with the Auth0 preset: dpop_jkt, a verified proof on every token request, one retry on use_dpop_nonce, token_type DPoP, ath proof for /userinfo', { timeout: 90000 }, async () => {
  const t0 = Date.now();
  const { page, query, config } = await toCallback(a0dpop, { dpop: true });
  assert.match(query.dpop_jkt, /^[A-Za-z0-9_-]{43}$/);
  const cb = await completeCallback(page, config);
  assert.ok(cb.value, `handleCallback: ${JSON.stringify(cb.error)}\n${describePage(page)}`);
  const calls = a0dpop.tokenRequests().filter((r) => r.time >= t0);
  assert.equal(calls.length, 2, 'the first proof had no nonce (use_dpop_nonce), the retry has it');
  const url = a0dpop.tokenEndpoint;
  const [p1, p2] = calls.map((c) => verifyDpopProof(c.headers.dpop, { method: 'POST', url }));
  assert.ok(p1.ok && p2.ok, `${p1.reason} ${p2.reason}`);
  assert.equal(p1.payload.nonce, undefined);
  assert.equal(p2.payload.nonce, a0dpop.dpopNonce);
  assert.notEqual(p1.payload.jti, p2.payload.jti, 'a fresh jti per proof');
  assert.equal(p1.jkt, query.dpop_jkt, 'the proof key is the one bound at /authorize');
  assert.equal(p2.header.jwk.d, undefined, 'public key only');
  assert.equal(p2.payload.htu, url);
  assert.equal(p2.payload.htm, 'POST');
  secretEqual(calls[0].body.code, calls[1].body.code, 'the same code retried');
  const { tokens } = cb.value;
  assert.equal(tokens.tokenType, 'DPoP');
  assert.equal(decodeJwtParts(tokens.accessToken).payload.cnf.jkt, query.dpop_jkt);

  // An API call: Authorization: DPoP <token> with an ath-bearing proof from generateDpopProof.
  const api = await inPage(page, config, async (lib, client, u) => {
    const token = await client.getToken();
    const proof = await client.generateDpopProof({ url: u, method: 'GET' });
    const ok = await fetch(u, { headers: { authorization: `DPoP ${token}`, dpop: proof } });
    const asBearer = await fetch(u, { headers: { authorization: `Bearer ${token}` } });
    return { proof, status: ok.status, body: await ok.json(), bearer: asBearer.status };
  }, a0dpop.userinfoEndpoint);
  assert.ok(api.value, JSON.stringify(api.error));
  assert.equal(api.value.status, 200);
  assert.equal(api.value.body.sub, 'auth0|user-1');
  assert.equal(api.value.bearer, 401, 'a DPoP-bound token is useless as a bearer token');
  const ap = verifyDpopProof(api.value.proof, { method: 'GET', url: a0dpop.userinfoEndpoint, accessToken: tokens.accessToken });
  assert.ok(ap.ok, ap.reason);
  assert.equal(ap.payload.ath, sha256b64url(tokens.accessToken));
  assert.equal(ap.jkt, query.dpop_jkt);

  // Refresh: the nonce is remembered, so one request; the refresh token is bound to the key.
  const t1 = Date.now();
  const r = await inPage(page, config, async (lib, client) => client.refresh());
  assert.ok(r.value, JSON.stringify(r.error));
  assert.equal(r.value.tokenType, 'DPoP');
  const refreshes = a0dpop.tokenRequests().filter((x) => x.time >= t1);
  assert.equal(refreshes.length, 1);
  const pr = verifyDpopProof(refreshes[0].headers.dpop, { method: 'POST', url });
  assert.ok(pr.ok, pr.reason);
  assert.equal(pr.payload.nonce, a0dpop.dpopNonce);
  assert.equal(pr.jkt, query.dpop_jkt);

  // A rotated nonce: exactly one retry, then success.
  a0dpop.rotateDpopNonce();
  const t2 = Date.now();
  const r2 = await inPage(page, config, async (lib, client) => client.refresh());
  assert.ok(r2.value, JSON.stringify(r2.error));
  assert.equal(a0dpop.tokenRequests().filter((x) => x.time >= t2).length, 2);

  // The key is a non-extractable CryptoKey kept in IndexedDB ("wasm-oauth" / "kv").
  const key = await page.evaluate(async () => {
    const db = await new Promise((res, rej) => { const q = indexedDB.open('wasm-oauth'); q.onsuccess = () => res(q.result); q.onerror = () => rej(q.error); });
    const all = await new Promise((res, rej) => {
      const q = db.transaction('kv').objectStore('kv').getAll(); q.onsuccess = () => res(q.result); q.onerror = () => rej(q.error);
    });
    const pairs = all.filter((v) => v && v.privateKey instanceof CryptoKey);
    const priv = pairs[0]?.privateKey;
    let exported = 'no';
    try { await crypto.subtle.exportKey('jwk', priv); exported = 'yes'; } catch { /* expected */ }
    db.close();
    return { count: pairs.length, extractable: priv?.extractable, algorithm: priv?.algorithm, usages: priv?.usages, exported };
  });
  assert.equal(key.count, 1);
  assert.equal(key.extractable, false);
  assert.deepEqual(key.algorithm, { name: 'ECDSA', namedCurve: 'P-256' });
  assert.deepEqual(key.usages, ['sign']);
  assert.equal(key.exported, 'no');
  assert.equal(ecThumbprint(p2.header.jwk), query.dpop_jkt);
  await page.close();
});

test('use_dpop_nonce is retried once only: a second use_dpop_nonce answer rejects with that code', { timeout: 60000 }, async () => {
  const { page, config } = await toCallback(a0dpop, { dpop: true });
  const t0 = Date.now();
  for (const nonce of ['nonce-one-aaaaaaaaaaaa', 'nonce-two-bbbbbbbbbbbb']) {
    a0dpop.respondNext({ status: 400, json: { error: 'use_dpop_nonce', error_description: 'Authorization server requires nonce in DPoP proof' }, headers: { 'dpop-nonce': nonce } });
  }
  const cb = await completeCallback(page, config);
  assert.deepEqual(cb.error && [cb.error.code, cb.error.status, cb.error.description],
    ['use_dpop_nonce', 400, 'Authorization server requires nonce in DPoP proof'], show(cb));
  const calls = a0dpop.tokenRequests().filter((r) => r.time >= t0);
  assert.equal(calls.length, 2, 'the first request and exactly one retry');
  const p2 = verifyDpopProof(calls[1].headers.dpop, { method: 'POST', url: a0dpop.tokenEndpoint });
  assert.ok(p2.ok, p2.reason);
  assert.equal(p2.payload.nonce, 'nonce-one-aaaaaaaaaaaa', 'the retry carries the nonce of the first answer');
  await page.close();
});
