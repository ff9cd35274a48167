// DPoP (RFC 9449) end to end against a real authorization server: oidc-provider 9 with its
// DPoP feature on, which validates every proof itself (signature, htm, htu, iat, jti replay,
// dpop_jkt binding, ath, nonce). Two servers: DPoP-bound tokens required, and additionally
// server nonces required (features.dPoP.nonceSecret + requireNonce), for the use_dpop_nonce retry.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { launchBrowser, describePage } from '../support/browser.mjs';
import { startAuthorizationServer, login } from '../support/authorization-server.mjs';
import { verifyDpopProof, sha256b64url } from '../support/providers/common.mjs';
import { openWithLib, createSignInUrl, inPage, show } from '../support/providers/flow.mjs';
import { startApp, loadLib, secretEqual, secretNotEqual, secretMatch } from './helpers.mjs';

let app; let op; let opNonce; let browser;
const seen = new Map(); // server -> [{method, path, dpop, authorization, time}]

function recordOn(server) {
  const list = [];
  server.server.prependListener('request', (req) => {
    list.push({ method: req.method, path: new URL(req.url, 'http://x').pathname, dpop: req.headers.dpop, authorization: req.headers.authorization, time: Date.now() });
  });
  seen.set(server, list);
}

before(async () => {
  app = await startApp();
  op = await startAuthorizationServer({ redirectUris: [app.callbackUrl], dpop: 'required' });
  opNonce = await startAuthorizationServer({
    redirectUris: [app.callbackUrl], dpop: 'required',
    configuration: { features: { dPoP: { enabled: true, nonceSecret: crypto.randomBytes(32), requireNonce: () => true } } },
  });
  recordOn(op);
  recordOn(opNonce);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await Promise.all([app?.close(), op?.close(), opNonce?.close()]);
});

const configFor = (server) => ({
  issuer: server.issuer, clientId: 'spa', redirectUri: app.callbackUrl, scope: 'openid offline_access', dpop: true,
});

/** Signs in through oidc-provider's login and consent pages; returns {page, query, tokens}. */
async function signIn(server) {
  const config = configFor(server);
  const page = await openWithLib(browser, app.homeUrl, { full: true }); // DPoP: the full entry
  const { url, query } = await createSignInUrl(page, config);
  await page.goto(url.href, { waitUntil: 'domcontentloaded' });
  await login(page, { login: 'dora' });
  assert.equal(new URL(page.url()).pathname, '/callback.html', describePage(page));
  assert.ok((await loadLib(page, { full: true })).ok);
  const t0 = Date.now();
  const cb = await page.evaluate((cfg) => attempt(async () => {
    const client = new lib.AuthClient(cfg);
    await client.handleCallback();
    return client.getTokens();
  }), config);
  assert.ok(cb.value, `handleCallback: ${JSON.stringify(cb.error)}\n${describePage(page)}`);
  return { page, query, tokens: cb.value, config, t0 };
}

const tokenCalls = (server, since) => seen.get(server).filter((r) => r.path === '/token' && r.method === 'POST' && r.time >= since);

test('oidc-provider, DPoP-bound tokens required: dpop_jkt, DPoP header on the token request, tokenType DPoP, userinfo with generateDpopProof', { timeout: 90000 }, async () => {
  const { page, query, tokens, config, t0 } = await signIn(op);
  assert.match(query.dpop_jkt, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(tokens.tokenType, 'DPoP');
  const calls = tokenCalls(op, t0);
  assert.equal(calls.length, 1, 'no nonce required: one request');
  const proof = verifyDpopProof(calls[0].dpop, { method: 'POST', url: `${op.issuer}/token` });
  assert.ok(proof.ok, proof.reason);
  assert.equal(proof.jkt, query.dpop_jkt);
  assert.equal(proof.payload.nonce, undefined);

  // The access token works only with a proof by the same key, carrying ath.
  const me = `${op.issuer}/me`;
  const r = await inPage(page, config, async (lib, client, u) => {
    const token = await client.getToken();
    const proof = await client.generateDpopProof({ url: u, method: 'GET' });
    const dpop = await fetch(u, { headers: { authorization: `DPoP ${token}`, dpop: proof } });
    const replay = await fetch(u, { headers: { authorization: `DPoP ${token}`, dpop: proof } });
    const bearer = await fetch(u, { headers: { authorization: `Bearer ${token}` } });
    const noAth = await client.generateDpopProof({ url: u, method: 'GET', accessToken: 'some-other-token' });
    const wrongAth = await fetch(u, { headers: { authorization: `DPoP ${token}`, dpop: noAth } });
    return { proof, status: dpop.status, body: await dpop.json(), replay: replay.status, bearer: bearer.status, wrongAth: wrongAth.status };
  }, me);
  assert.ok(r.value, JSON.stringify(r.error));
  assert.equal(r.value.status, 200);
  assert.equal(r.value.body.sub, 'dora');
  assert.equal(r.value.replay, 401, 'oidc-provider refuses a replayed proof (jti)');
  assert.equal(r.value.bearer, 401, 'a DPoP-bound token is refused as a bearer token');
  assert.equal(r.value.wrongAth, 401, 'ath must hash this access token');
  const apiProof = verifyDpopProof(r.value.proof, { method: 'GET', url: me, accessToken: tokens.accessToken });
  assert.ok(apiProof.ok, apiProof.reason);
  assert.equal(apiProof.payload.ath, sha256b64url(tokens.accessToken));

  // Refresh: a proof again (oidc-provider binds public clients' refresh tokens to the key).
  const t1 = Date.now();
  const fresh = await inPage(page, config, async (lib, client) => client.refresh());
  assert.ok(fresh.value, JSON.stringify(fresh.error));
  assert.equal(fresh.value.tokenType, 'DPoP');
  secretNotEqual(fresh.value.refreshToken, tokens.refreshToken);
  const [rc] = tokenCalls(op, t1);
  assert.ok(verifyDpopProof(rc.dpop, { method: 'POST', url: `${op.issuer}/token` }).ok);
  assert.deepEqual(page.pageErrors, []);
  await page.close();
});

test('oidc-provider with DPoP nonces required: use_dpop_nonce answered by exactly one retry with the nonce; userinfo nonce round trip', { timeout: 90000 }, async () => {
  const { page, tokens, config, t0 } = await signIn(opNonce);
  assert.equal(tokens.tokenType, 'DPoP');
  const calls = tokenCalls(opNonce, t0);
  assert.equal(calls.length, 2, 'first without nonce (use_dpop_nonce), then one retry');
  const url = `${opNonce.issuer}/token`;
  const [p1, p2] = calls.map((c) => verifyDpopProof(c.dpop, { method: 'POST', url }));
  assert.ok(p1.ok && p2.ok);
  assert.equal(p1.payload.nonce, undefined);
  assert.equal(typeof p2.payload.nonce, 'string');
  assert.ok(p2.payload.nonce.length > 10);

  // Refresh reuses the nonce the server sent last: one request.
  const t1 = Date.now();
  const fresh = await inPage(page, config, async (lib, client) => client.refresh());
  assert.ok(fresh.value, JSON.stringify(fresh.error));
  assert.equal(fresh.value.tokenType, 'DPoP');
  const refreshes = tokenCalls(opNonce, t1);
  assert.ok(refreshes.length >= 1 && refreshes.length <= 2, `one request (two if the server rotated its nonce): ${refreshes.length}`);
  assert.equal(typeof verifyDpopProof(refreshes[0].dpop, { method: 'POST', url }).payload.nonce, 'string');

  // A resource server that wants a nonce: 401 + DPoP-Nonce (exposed by CORS), then a proof with it.
  const me = `${opNonce.issuer}/me`;
  const r = await inPage(page, config, async (lib, client, u) => {
    const token = await client.getToken();
    const first = await fetch(u, { headers: { authorization: `DPoP ${token}`, dpop: await client.generateDpopProof({ url: u, method: 'GET' }) } });
    const nonce = first.headers.get('dpop-nonce');
    const second = await fetch(u, { headers: { authorization: `DPoP ${token}`, dpop: await client.generateDpopProof({ url: u, method: 'GET', nonce }) } });
    return { first: first.status, challenge: first.headers.get('www-authenticate'), nonce, second: second.status, body: await second.json() };
  }, me);
  assert.ok(r.value, JSON.stringify(r.error));
  assert.equal(r.value.first, 401);
  assert.match(r.value.challenge, /use_dpop_nonce/);
  assert.equal(typeof r.value.nonce, 'string');
  assert.equal(r.value.second, 200);
  assert.equal(r.value.body.sub, 'dora');
  await page.close();
});
