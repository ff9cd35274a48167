// The opt-in ID token signature check (verifyIdTokenSignature) in Chromium against
// oidc-provider's real RS256 ID tokens: the discovered jwks_uri verifies them; a JWK Set whose
// key has the right kid but other key material, or no key for the kid, rejects the callback
// with id_token_invalid and stores nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser, describePage } from '../support/browser.mjs';
import { startAuthorizationServer, login } from '../support/authorization-server.mjs';
import { startApp, loadLib, ROOT } from './helpers.mjs';

const VECTORS = JSON.parse(fs.readFileSync(path.join(ROOT, 'src/protocol/jwks_vectors/jwks.json'), 'utf8'));
const jwksServed = { wrong: 0, foreign: 0 };
let wrongKeySet;

const json = (res, body) => { res.writeHead(200, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(body)); };
const routes = {
  '/jwks-wrong.json': (req, res) => { jwksServed.wrong += 1; json(res, wrongKeySet); },
  '/jwks-foreign.json': (req, res) => { jwksServed.foreign += 1; json(res, VECTORS); },
};

let app; let op; let browser;
before(async () => {
  app = await startApp({ routes });
  op = await startAuthorizationServer({ redirectUris: [app.callbackUrl], postLogoutRedirectUris: [app.homeUrl] });
  const meta = await (await fetch(`${op.issuer}/.well-known/openid-configuration`)).json();
  const real = await (await fetch(meta.jwks_uri)).json();
  const other = VECTORS.keys.find((k) => k.kid === 'rs-1');
  // The provider's own kids, each with another RSA key's modulus and exponent.
  wrongKeySet = { keys: real.keys.filter((k) => k.kty === 'RSA').map((k) => ({ ...k, n: other.n, e: other.e })) };
  assert.ok(wrongKeySet.keys.length > 0, 'oidc-provider publishes an RSA key');
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await Promise.all([app?.close(), op?.close()]);
});

/** Signs in through the provider's real pages and runs handleCallback with `config`. */
async function signInAndCallback(config) {
  const context = await browser.newContext(); // no provider session from an earlier test
  const page = await context.newPage();
  try {
    await page.goto(app.homeUrl, { waitUntil: 'domcontentloaded' });
    await loadLib(page, { full: true }); // verifyIdTokenSignature: the full entry
    const start = await page.evaluate((cfg) => attempt(() => new lib.AuthClient(cfg).createSignInUrl()), config);
    assert.ok(start.value, JSON.stringify(start.error));
    await page.goto(start.value, { waitUntil: 'domcontentloaded' });
    await login(page, { login: 'alice' });
    await loadLib(page, { full: true }); // verifyIdTokenSignature: the full entry
    return await page.evaluate((cfg) => attempt(async () => {
      const client = new lib.AuthClient(cfg);
      const result = await client.handleCallback();
      return { sub: client.getUser()?.sub, type: result.tokens.tokenType };
    }).then(async (r) => ({ ...r, stored: new lib.AuthClient(cfg).getTokens() !== null })), config);
  } catch (e) {
    throw new Error(`${e.message}\n${describePage(page)}`);
  } finally {
    await context.close();
  }
}

const base = () => ({ issuer: op.issuer, clientId: 'spa', redirectUri: app.callbackUrl, scope: 'openid profile', verifyIdTokenSignature: true });

test('the discovered jwks_uri verifies oidc-provider\'s RS256 ID token', { timeout: 90000 }, async () => {
  const r = await signInAndCallback(base());
  assert.ok(r.value, `handleCallback failed: ${JSON.stringify(r.error)}`);
  assert.equal(r.value.sub, 'alice');
  assert.equal(r.stored, true);
});

test('right kid, other key material: id_token_invalid, nothing stored', { timeout: 90000 }, async () => {
  const r = await signInAndCallback({ ...base(), jwksUri: `${app.origin}/jwks-wrong.json` });
  assert.equal(r.error?.name, 'AuthError', JSON.stringify(r));
  assert.equal(r.error.code, 'id_token_invalid', JSON.stringify(r.error));
  assert.equal(r.stored, false, 'no tokens stored after a bad signature');
  assert.ok(jwksServed.wrong >= 1);
});

test('no key for the kid: the JWK Set is fetched once more (key rotation), then id_token_invalid', { timeout: 90000 }, async () => {
  const before = jwksServed.foreign;
  const r = await signInAndCallback({ ...base(), jwksUri: `${app.origin}/jwks-foreign.json` });
  assert.equal(r.error?.code, 'id_token_invalid', JSON.stringify(r));
  assert.equal(r.stored, false);
  assert.equal(jwksServed.foreign - before, 2, 'fetched, then refetched once');
});
