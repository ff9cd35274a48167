// The package's two entries in Chromium: `wasm-oauth` (pkg/wasm_oauth.js, the core build) loads
// only its own .wasm and refuses `dpop: true`, `verifyIdTokenSignature: true`,
// generateDpopProof and the confidential-client keys (`grantType: "client_credentials"`,
// `clientSecret`, `clientAuthMethod`, `apiKey`, `dangerouslyAllowSecretsInBrowser`) with
// `invalid_config` naming the full entry; `wasm-oauth/full` (pkg/wasm_oauth_full.js, and its
// classic script) accepts them (a secret in a page only with dangerouslyAllowSecretsInBrowser)
// and makes a real DPoP proof with WebCrypto and IndexedDB.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser } from '../support/browser.mjs';
import { startApp, loadLib } from './helpers.mjs';

let app; let browser;
before(async () => {
  app = await startApp();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await app?.close();
});

const BASE = {
  clientId: 'spa', authorizationEndpoint: 'https://id.example/authorize', tokenEndpoint: 'https://id.example/token',
};

/** In the page (window.lib loaded): what each config / call gives. */
const probe = (page) => page.evaluate(async (base) => {
  const redirectUri = location.origin + '/callback.html';
  const config = { ...base, redirectUri };
  const outcome = (r) => (r.error ? { code: r.error.code, name: r.error.name, description: r.error.description } : { ok: true, value: r.value });
  return {
    dpop: outcome(await attempt(async () => { new lib.AuthClient({ ...config, dpop: true }); return 'created'; })),
    signature: outcome(await attempt(async () => { new lib.AuthClient({ ...config, issuer: 'https://id.example', verifyIdTokenSignature: true }); return 'created'; })),
    getToken: outcome(await attempt(() => lib.getToken({ ...config, dpop: true }))),
    proof: outcome(await attempt(() => new lib.AuthClient({ ...config, dpop: true }).generateDpopProof({ url: 'https://api.example/me', method: 'GET', accessToken: 'at' }))),
    proofWithoutDpop: outcome(await attempt(() => new lib.AuthClient(config).generateDpopProof({ url: 'https://api.example/me', method: 'GET' }))),
  };
}, BASE);

test('core entry (wasm-oauth): dpop, verifyIdTokenSignature and generateDpopProof are invalid_config naming wasm-oauth/full', { timeout: 60000 }, async () => {
  const page = await browser.newPage();
  await page.goto(app.homeUrl, { waitUntil: 'domcontentloaded' });
  assert.ok((await loadLib(page)).ok);
  const r = await probe(page);
  const refused = (o, name) => {
    assert.equal(o.name, 'AuthError', JSON.stringify(o));
    assert.equal(o.code, 'invalid_config', JSON.stringify(o));
    assert.match(o.description, new RegExp(`^${name} needs the full build: import wasm-oauth/full\\b`));
  };
  refused(r.dpop, 'dpop');
  refused(r.signature, 'verifyIdTokenSignature');
  refused(r.getToken, 'dpop');
  refused(r.proof, 'dpop');
  refused(r.proofWithoutDpop, 'generateDpopProof');
  const wasm = app.requests.filter((x) => x.path.endsWith('.wasm')).map((x) => x.path);
  assert.ok(wasm.length > 0 && wasm.every((p) => p === '/pkg/wasm_oauth_bg.wasm'), `the core entry loads its own .wasm only: ${wasm}`);
  await page.close();
});

test('full entry (wasm-oauth/full): accepts them; generateDpopProof makes an ES256 proof', { timeout: 60000 }, async () => {
  const page = await browser.newPage();
  await page.goto(app.homeUrl, { waitUntil: 'domcontentloaded' });
  const loaded = await loadLib(page, { full: true });
  assert.ok(loaded.ok, loaded.error);
  const r = await probe(page);
  assert.deepEqual(r.dpop, { ok: true, value: 'created' });
  assert.deepEqual(r.signature, { ok: true, value: 'created' });
  assert.equal(r.getToken.code, 'login_required', 'past the config: no tokens stored');
  assert.ok(r.proof.ok, JSON.stringify(r.proof));
  const [header, payload] = r.proof.value.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
  assert.equal(header.typ, 'dpop+jwt');
  assert.equal(header.alg, 'ES256');
  assert.equal(payload.htu, 'https://api.example/me');
  assert.equal(typeof payload.ath, 'string');
  assert.equal(r.proofWithoutDpop.code, 'invalid_config');
  assert.equal(r.proofWithoutDpop.description, 'generateDpopProof needs dpop: true');
  await page.close();
});

test('full classic script (wasm_oauth_full.classic.js): wasmOAuth.ready, loads wasm_oauth_full_bg.wasm, accepts dpop: true', { timeout: 60000 }, async () => {
  const page = await browser.newPage();
  const t0 = app.requests.length;
  await page.goto(app.homeUrl, { waitUntil: 'domcontentloaded' });
  await page.addScriptTag({ url: '/pkg/wasm_oauth_full.classic.js' });
  const r = await page.evaluate(async (base) => {
    const { AuthClient } = await wasmOAuth.ready;
    new AuthClient({ ...base, redirectUri: location.origin + '/callback.html', dpop: true });
    return 'created';
  }, BASE);
  assert.equal(r, 'created');
  const wasm = app.requests.slice(t0).filter((x) => x.path.endsWith('.wasm')).map((x) => x.path);
  assert.deepEqual(wasm, ['/pkg/wasm_oauth_full_bg.wasm']);
  await page.close();
});

/** In the page (window.lib loaded): each confidential-client config, through the constructor
 *  and (`refresh`) through a free function. */
const probeConfidential = (page, refresh) => page.evaluate(async ([base, withRefresh]) => {
  const tokenEndpoint = base.tokenEndpoint;
  const cases = {
    // The app's backend as token endpoint (README: Basiq CLIENT_ACCESS for a page): no secret.
    clientCredentials: { clientId: 'my-app', tokenEndpoint, grantType: 'client_credentials', tokenRequestCredentials: 'include' },
    clientSecret: { clientId: 'svc', tokenEndpoint, grantType: 'client_credentials', clientSecret: 'page-s3cret' },
    clientSecretCodeFlow: { ...base, redirectUri: location.origin + '/callback.html', clientSecret: 'page-s3cret' },
    clientAuthMethod: { ...base, redirectUri: location.origin + '/callback.html', clientAuthMethod: 'client_secret_basic' },
    apiKey: { ...base, redirectUri: location.origin + '/callback.html', apiKey: 'page-s3cret' },
    dangerous: { ...base, redirectUri: location.origin + '/callback.html', dangerouslyAllowSecretsInBrowser: true },
    dangerousSecret: { clientId: 'svc', tokenEndpoint, grantType: 'client_credentials', clientSecret: 'page-s3cret', dangerouslyAllowSecretsInBrowser: true },
  };
  const outcome = (r) => (r.error ? { code: r.error.code, name: r.error.name, description: r.error.description } : { ok: true, value: r.value });
  const out = {};
  for (const [name, config] of Object.entries(cases)) {
    out[name] = {
      created: outcome(await attempt(async () => { new lib.AuthClient(config); return 'created'; })),
      refresh: withRefresh ? outcome(await attempt(() => lib.refresh(config))) : null,
    };
  }
  return out;
}, [BASE, refresh]);

const NEEDS_FULL = ' needs the full build: import wasm-oauth/full (Rust: feature confidential)';

test('core entry (wasm-oauth): client credentials, clientSecret, clientAuthMethod, apiKey, dangerouslyAllowSecretsInBrowser are invalid_config naming wasm-oauth/full', { timeout: 60000 }, async () => {
  const page = await browser.newPage();
  await page.goto(app.homeUrl, { waitUntil: 'domcontentloaded' });
  assert.ok((await loadLib(page)).ok);
  const before = app.requests.length;
  const r = await probeConfidential(page, true);
  const expected = {
    clientCredentials: 'grantType "client_credentials"', clientSecret: 'grantType "client_credentials"',
    clientSecretCodeFlow: 'clientSecret', clientAuthMethod: 'clientAuthMethod', apiKey: 'apiKey',
    dangerous: 'dangerouslyAllowSecretsInBrowser', dangerousSecret: 'grantType "client_credentials"',
  };
  for (const [name, key] of Object.entries(expected)) {
    for (const via of ['created', 'refresh']) {
      assert.deepEqual(r[name][via], { code: 'invalid_config', name: 'AuthError', description: `${key}${NEEDS_FULL}` }, `${name} (${via})`);
    }
  }
  assert.ok(!JSON.stringify(r).includes('page-s3cret'), 'secrets are not echoed');
  assert.equal(app.requests.length, before, 'nothing was fetched');
  await page.close();
});

test('full entry (wasm-oauth/full): accepts the confidential keys; a secret in a page needs dangerouslyAllowSecretsInBrowser', { timeout: 60000 }, async () => {
  const page = await browser.newPage();
  await page.goto(app.homeUrl, { waitUntil: 'domcontentloaded' });
  assert.ok((await loadLib(page, { full: true })).ok);
  const r = await probeConfidential(page, false);
  for (const name of ['clientCredentials', 'dangerous', 'dangerousSecret']) assert.deepEqual(r[name].created, { ok: true, value: 'created' }, name);
  for (const [name, key] of [['clientSecret', 'clientSecret'], ['clientSecretCodeFlow', 'clientSecret'], ['apiKey', 'apiKey']]) {
    assert.deepEqual(r[name].created, { code: 'invalid_config', name: 'AuthError',
      description: `${key} is refused in a browser page unless dangerouslyAllowSecretsInBrowser is true` }, name);
  }
  assert.deepEqual(r.clientAuthMethod.created, { code: 'invalid_config', name: 'AuthError', description: 'clientAuthMethod needs a clientSecret' });
  assert.ok(!JSON.stringify(r).includes('page-s3cret'), 'secrets are not echoed');
  await page.close();
});
