// The release package (pkg/) in Chromium: it loads and init()s (the binaryen >= 110 fix), and
// full sign-in round trips work against a real OpenID Provider (issuer discovery) and against
// the Basic fixture (provider: "basic", JSON token requests, wire format asserted).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, describePage } from '../support/browser.mjs';
import { startAuthorizationServer, login } from '../support/authorization-server.mjs';
import { startBasicServer, decodeJwt, s256 } from '../support/basic-server.mjs';
import { startApp, loadLib, params, secretEqual, secretNotEqual, secretMatch } from './helpers.mjs';

const API = ['AuthClient', 'default', 'getToken', 'handleCallback', 'initSync', 'refresh', 'signIn'];
const TTL = 300;

let app; let op; let basic; let browser;
before(async () => {
  app = await startApp();
  op = await startAuthorizationServer({
    redirectUris: [app.callbackUrl], postLogoutRedirectUris: [app.homeUrl], accessTokenTTL: TTL,
  });
  basic = await startBasicServer({ clientId: 'basic-app', redirectUris: [app.callbackUrl] });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await Promise.all([app?.close(), op?.close(), basic?.close()]);
});

async function openWithLib(url) {
  const page = await browser.newPage();
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  const loaded = await loadLib(page);
  assert.ok(loaded.ok, `init() failed: ${loaded.error}\n${describePage(page)}`);
  return { page, loaded };
}

test('pkg/ loads in Chromium: wasm served as application/wasm, init() succeeds, API.md exports present', { timeout: 60000 }, async () => {
  const { page, loaded } = await openWithLib(app.homeUrl);
  for (const name of API) assert.ok(loaded.exports.includes(name), `export ${name} missing (has ${loaded.exports.join(', ')})`);
  const wasm = app.requests.filter((r) => r.path.endsWith('.wasm'));
  assert.deepEqual(wasm.map((r) => r.path), ['/pkg/wasm_oauth_bg.wasm']);
  // Sync constructor validation (API.md): no clientId -> AuthError invalid_config.
  const bad = await page.evaluate(() => attempt(() => new lib.AuthClient({ redirectUri: location.href })));
  assert.equal(bad.error?.name, 'AuthError');
  assert.equal(bad.error?.code, 'invalid_config');
  assert.deepEqual(page.pageErrors, [], 'no uncaught page errors');
  await page.close();
});

test('oidc-provider round trip with issuer discovery: createSignInUrl -> login + consent -> handleCallback -> getUser/getToken/refresh', { timeout: 90000 }, async () => {
  const config = { issuer: op.issuer, clientId: 'spa', redirectUri: app.callbackUrl, scope: 'openid profile email offline_access' };
  const { page } = await openWithLib(app.homeUrl);

  const signIn = await page.evaluate((cfg) => attempt(async () => {
    const client = new lib.AuthClient(cfg);
    return { url: await client.createSignInUrl({ appState: { returnTo: '/after' }, extraParams: { prompt: 'consent' } }), keys: Object.keys(sessionStorage) };
  }), config);
  assert.ok(signIn.value, `createSignInUrl failed: ${JSON.stringify(signIn.error)}`);
  const url = new URL(signIn.value.url);
  const q = params(url);
  assert.equal(url.origin + url.pathname, `${op.issuer}/auth`, 'authorization_endpoint from discovery');
  assert.equal(q.response_type, 'code');
  assert.equal(q.client_id, 'spa');
  assert.equal(q.redirect_uri, app.callbackUrl);
  assert.equal(q.scope, config.scope);
  assert.equal(q.code_challenge_method, 'S256');
  assert.match(q.code_challenge, /^[A-Za-z0-9_-]{43}$/);
  assert.match(q.state, /^[A-Za-z0-9_-]{16,}$/);
  assert.match(q.nonce, /^[A-Za-z0-9_-]{16,}$/, 'nonce with scope openid');
  assert.equal(q.prompt, 'consent');
  assert.ok(signIn.value.keys.length >= 1, 'a transaction is stored before navigating');
  assert.ok(signIn.value.keys.every((k) => k.startsWith('wasm-oauth:')), `storage keys: ${signIn.value.keys}`);

  await page.goto(url.href, { waitUntil: 'domcontentloaded' });
  await login(page, { login: 'alice', password: 'secret-ish' });
  const back = new URL(page.url());
  assert.equal(back.origin + back.pathname, app.callbackUrl, describePage(page));
  assert.equal(back.searchParams.get('iss'), op.issuer);
  assert.equal(back.searchParams.get('state'), q.state);

  await loadLib(page);
  const t0 = Math.floor(Date.now() / 1000);
  const cb = await page.evaluate((cfg) => attempt(async () => {
    const client = new lib.AuthClient(cfg);
    const result = await client.handleCallback();
    const token = await client.getToken();
    return {
      result, token, user: client.getUser(), tokens: client.getTokens(),
      authenticated: client.isAuthenticated(), search: location.search,
      storage: Object.keys(sessionStorage),
    };
  }), config);
  assert.ok(cb.value, `handleCallback failed: ${JSON.stringify(cb.error)}\n${describePage(page)}`);
  const { result, token, user, tokens } = cb.value;
  secretMatch(result.tokens.accessToken, /^\S{20,}$/, 'accessToken');
  assert.equal(result.tokens.tokenType, 'Bearer');
  assert.ok(Math.abs(result.tokens.expiresAt - (t0 + TTL)) <= 5, `expiresAt ${result.tokens.expiresAt} ~ now + ${TTL}`);
  secretMatch(result.tokens.refreshToken, /^\S{20,}$/, 'refreshToken');
  assert.equal(decodeJwt(result.tokens.idToken).sub, 'alice');
  assert.deepEqual(result.appState, { returnTo: '/after' });
  secretEqual(token, result.tokens.accessToken, 'getToken() returns the stored, still valid token');
  secretEqual(tokens, result.tokens, 'getTokens() is the TokenSet handleCallback returned');
  assert.equal(user.sub, 'alice');
  assert.equal(user.name, 'Test User alice');
  assert.equal(user.email, 'alice@example.test');
  assert.equal(user.iss, op.issuer);
  assert.equal(user.aud, 'spa');
  assert.equal(cb.value.authenticated, true);
  secretEqual(cb.value.search, '', 'code, state and iss removed from the address bar');
  assert.ok(cb.value.storage.every((k) => k.startsWith('wasm-oauth:')), `storage keys: ${cb.value.storage}`);

  // The token is real: the provider's userinfo accepts it (CORS allowed for the app origin).
  const me = await page.evaluate(async ([iss, at]) => {
    const r = await fetch(`${iss}/me`, { headers: { authorization: `Bearer ${at}` } });
    return { status: r.status, body: await r.json() };
  }, [op.issuer, token]);
  assert.equal(me.status, 200);
  assert.equal(me.body.sub, 'alice');

  // refresh(): always hits the server; the provider rotates the refresh token.
  const r = await page.evaluate((cfg) => attempt(async () => {
    const client = new lib.AuthClient(cfg);
    const fresh = await client.refresh();
    return { fresh, token: await client.getToken() };
  }), config);
  assert.ok(r.value, `refresh failed: ${JSON.stringify(r.error)}`);
  secretNotEqual(r.value.fresh.accessToken, result.tokens.accessToken, 'refresh() got a new access token');
  secretNotEqual(r.value.fresh.refreshToken, result.tokens.refreshToken, 'rotated refresh token stored');
  secretEqual(r.value.token, r.value.fresh.accessToken, 'getToken() returns the refreshed token');
  assert.deepEqual(page.pageErrors, []);
  await page.close();
});

test('Basic fixture round trip: provider "basic", signIn() navigation, JSON token requests on the wire', { timeout: 90000 }, async () => {
  const config = {
    provider: 'basic', clientId: basic.clientId, redirectUri: app.callbackUrl,
    authorizationEndpoint: basic.authorizationEndpoint, tokenEndpoint: basic.tokenEndpoint,
  };
  const { page } = await openWithLib(app.homeUrl);
  const from = basic.requests.length;
  // signIn() navigates: the fixture redirects straight back to the callback page.
  await Promise.all([
    page.waitForURL((u) => u.pathname === '/callback.html', { waitUntil: 'domcontentloaded', timeout: 20000 }),
    page.evaluate((cfg) => { lib.signIn(cfg).catch((e) => { window.signInError = `${e.code}: ${e.description}`; }); }, config),
  ]);
  const authorize = basic.requests.slice(from).find((r) => r.path === '/auth/authorize');
  assert.ok(authorize, 'the browser went to the configured authorization endpoint');
  const q = authorize.query;
  assert.deepEqual(Object.keys(q).sort(), ['client_id', 'code_challenge', 'code_challenge_method', 'redirect_uri', 'response_type', 'scope', 'state']);
  assert.equal(q.client_id, basic.clientId);
  assert.equal(q.response_type, 'code');
  assert.equal(q.redirect_uri, app.callbackUrl);
  assert.equal(q.scope, 'profile', 'Basic preset scope');
  assert.equal(q.code_challenge_method, 'S256');

  await loadLib(page);
  const cb = await page.evaluate((cfg) => attempt(async () => {
    const result = await lib.handleCallback(cfg);
    const token = await lib.getToken(cfg);
    const client = new lib.AuthClient(cfg);
    return { result, token, user: client.getUser(), search: location.search };
  }), config);
  assert.ok(cb.value, `handleCallback failed: ${JSON.stringify(cb.error)}\n${describePage(page)}`);
  const tokenCalls = basic.tokenRequests().filter((r) => r.time >= authorize.time);
  assert.equal(tokenCalls.length, 1, 'exactly one token request');
  const [exchange] = tokenCalls;
  assert.match(exchange.contentType, /^application\/json\b/);
  assert.deepEqual(Object.keys(exchange.body).sort(), ['client_id', 'code', 'code_verifier', 'grant_type', 'redirect_uri']);
  assert.equal(exchange.body.grant_type, 'authorization_code');
  assert.equal(exchange.body.client_id, basic.clientId);
  assert.equal(exchange.body.redirect_uri, app.callbackUrl);
  secretMatch(exchange.body.code_verifier, /^[A-Za-z0-9\-._~]{43,128}$/, 'code_verifier (RFC 7636 charset, 43-128)');
  assert.equal(s256(exchange.body.code_verifier), q.code_challenge, 'the verifier matches the challenge');
  assert.equal(exchange.headers.origin, app.origin);
  assert.equal(exchange.headers.authorization, undefined, 'a public client sends no credentials');
  assert.equal(basic.requests.filter((r) => r.method === 'OPTIONS' && r.time >= authorize.time).length >= 1, true, 'CORS preflight for the JSON POST');

  const { result, token, user } = cb.value;
  secretMatch(result.tokens.accessToken, /^at_/, 'the fixture\'s access token');
  secretEqual(token, result.tokens.accessToken, 'getToken() returns the stored token');
  assert.equal(result.tokens.tokenType, 'Bearer');
  assert.equal(result.tokens.scope, 'profile');
  secretMatch(result.tokens.refreshToken, /^rt_/, 'the fixture\'s refresh token');
  assert.ok(Math.abs(result.tokens.expiresAt - (Math.floor(exchange.time / 1000) + 3600)) <= 5);
  assert.equal(user.sub, 'basic-user-1');
  assert.equal(user.aud, basic.clientId);
  secretEqual(cb.value.search, '', 'code and state removed from the address bar');

  // Refresh: JSON again, the rotated token is stored and the old one is never sent again.
  const r = await page.evaluate((cfg) => attempt(async () => {
    const first = await lib.refresh(cfg);
    const second = await lib.refresh(cfg);
    return { first, second };
  }), config);
  assert.ok(r.value, `refresh failed: ${JSON.stringify(r.error)}`);
  const refreshes = basic.tokenRequests().filter((x) => x.body?.grant_type === 'refresh_token' && x.time >= exchange.time);
  assert.equal(refreshes.length, 2);
  secretEqual(refreshes[0].body, { grant_type: 'refresh_token', refresh_token: result.tokens.refreshToken, client_id: basic.clientId }, 'first refresh request body');
  secretEqual(refreshes[1].body, { grant_type: 'refresh_token', refresh_token: r.value.first.refreshToken, client_id: basic.clientId }, 'second refresh sends the rotated token');
  secretNotEqual(r.value.second.accessToken, r.value.first.accessToken, 'each refresh gives a new access token');
  assert.deepEqual(page.pageErrors, []);
  await page.close();
});
