// The package's two builds in Node: the core build (pkg/wasm_oauth.node.js, the core wasm
// compiled on import) has no DPoP, no ID token signature check and no confidential clients
// (client credentials, clientSecret, apiKey: crate feature `confidential`) and refuses configs
// that ask for them with `invalid_config` naming the full entry; `wasm-oauth/full` accepts them.
// Never a silently skipped check: the refusal comes at `new AuthClient`, before any request.
// In Node, `wasm-oauth` itself is the full build: the "node" condition of "." (pkg/package.json
// "exports") is wasm_oauth_full.node.js, so server-side token sources need no special import.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const pkgJson = JSON.parse(readFileSync(new URL('../../pkg/package.json', import.meta.url), 'utf8'));
const core = await import(new URL('../../pkg/wasm_oauth.node.js', import.meta.url));
const full = await import(new URL(`../../pkg/${pkgJson.exports['./full'].node}`, import.meta.url));
const main = await import(new URL(`../../pkg/${pkgJson.exports['.'].node}`, import.meta.url));

const BASE = {
  clientId: 'spa', redirectUri: 'https://app.example/callback',
  authorizationEndpoint: 'https://id.example/authorize', tokenEndpoint: 'https://id.example/token',
};
const DPOP = { ...BASE, dpop: true };
const SIGNATURE = { ...BASE, issuer: 'https://id.example', verifyIdTokenSignature: true };

function refusal(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail('expected an AuthError');
}

test('the two entries are distinct module instances with the same API; Node\'s "wasm-oauth" is the full one', () => {
  assert.notEqual(core.AuthClient, full.AuthClient);
  assert.equal(pkgJson.exports['.'].node, './wasm_oauth_full.node.js');
  assert.equal(pkgJson.exports['./full'].node, './wasm_oauth_full.node.js');
  assert.equal(main.AuthClient, full.AuthClient, 'one module instance');
  assert.deepEqual(Object.keys(core).sort(), Object.keys(full).sort());
  assert.ok(pkgJson.exports['./full'].browser.endsWith('wasm_oauth_full.js'));
  assert.ok(pkgJson.exports['./full/classic'].default.endsWith('wasm_oauth_full.classic.js'));
});

test('core entry: dpop: true and verifyIdTokenSignature: true are invalid_config naming wasm-oauth/full', () => {
  for (const [config, name] of [[DPOP, 'dpop'], [SIGNATURE, 'verifyIdTokenSignature']]) {
    const e = refusal(() => new core.AuthClient(config));
    assert.equal(e.name, 'AuthError');
    assert.equal(e.code, 'invalid_config');
    assert.match(e.description, new RegExp(`^${name} needs the full build: import wasm-oauth/full\\b`));
  }
});

test('core entry: the one-call helpers refuse the same configs', async () => {
  for (const [config, name] of [[DPOP, 'dpop'], [SIGNATURE, 'verifyIdTokenSignature']]) {
    for (const call of ['getToken', 'handleCallback', 'refresh']) {
      await assert.rejects(core[call](config), (e) => e.code === 'invalid_config' && e.description.startsWith(`${name} needs the full build`), `${call} with ${name}`);
    }
  }
});

test('core entry: generateDpopProof is invalid_config naming wasm-oauth/full', async () => {
  const client = new core.AuthClient(BASE);
  await assert.rejects(client.generateDpopProof({ url: 'https://api.example/me', method: 'GET' }),
    (e) => e.code === 'invalid_config' && /^generateDpopProof needs the full build: import wasm-oauth\/full\b/.test(e.description));
});

test('full entry: accepts dpop: true and verifyIdTokenSignature: true', async () => {
  const client = new full.AuthClient(SIGNATURE);
  assert.equal(client.isAuthenticated(), false);
  const dpop = new full.AuthClient(DPOP);
  assert.equal(dpop.getTokens(), null);
  // Without DPoP configured, generateDpopProof says what is missing (not the build).
  await assert.rejects(new full.AuthClient(BASE).generateDpopProof({ url: 'https://api.example/me', method: 'GET' }),
    (e) => e.code === 'invalid_config' && e.description === 'generateDpopProof needs dpop: true');
});

const TOKEN_ENDPOINT = 'https://id.example/token';
const CONFIDENTIAL = [
  [{ clientId: 'svc', tokenEndpoint: TOKEN_ENDPOINT, grantType: 'client_credentials', clientSecret: 'node-s3cret' }, 'grantType "client_credentials"'],
  [{ clientId: 'svc', tokenEndpoint: TOKEN_ENDPOINT, grantType: 'client_credentials', apiKey: 'node-s3cret' }, 'grantType "client_credentials"'],
  [{ ...BASE, clientSecret: 'node-s3cret', clientAuthMethod: 'client_secret_basic' }, 'clientSecret'],
  [{ ...BASE, clientAuthMethod: 'client_secret_post' }, 'clientAuthMethod'],
  [{ ...BASE, apiKey: 'node-s3cret' }, 'apiKey'],
  [{ ...BASE, dangerouslyAllowSecretsInBrowser: true }, 'dangerouslyAllowSecretsInBrowser'],
];

test('core build: the confidential-client keys are invalid_config naming wasm-oauth/full (constructor and free functions)', async () => {
  for (const [config, key] of CONFIDENTIAL) {
    const e = refusal(() => new core.AuthClient(config));
    assert.equal(e.name, 'AuthError');
    assert.equal(e.code, 'invalid_config');
    assert.equal(e.description, `${key} needs the full build: import wasm-oauth/full (Rust: feature confidential)`);
    assert.ok(!String(e.message).includes('node-s3cret') && !String(e.description).includes('node-s3cret'), 'the secret is not echoed');
    for (const call of ['getToken', 'refresh']) {
      await assert.rejects(core[call](config), (x) => x.code === 'invalid_config' && x.description === e.description, `${call} with ${key}`);
    }
  }
});

test('Node\'s "wasm-oauth" (the full build) accepts the confidential-client configs (no document: secrets allowed)', () => {
  for (const [config, key] of CONFIDENTIAL) {
    if (key === 'clientAuthMethod') {
      assert.equal(refusal(() => new main.AuthClient(config)).description, 'clientAuthMethod needs a clientSecret');
      continue;
    }
    const client = new main.AuthClient(config);
    assert.equal(client.getTokens(), null, key);
  }
});
