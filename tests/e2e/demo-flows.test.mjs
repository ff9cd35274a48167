// The demo app (www/index.html, ES module build) driven through its buttons against a real
// OpenID Provider (oidc-provider), wired like scripts/demo.mjs: www/ + /pkg/ + /config.json on
// http://localhost:<port>/, the provider on http://127.0.0.1:<port>. Covers: sign-in through the
// provider's login + consent pages (and a screenshot of the result), a protected API call,
// forced expiry -> one refresh with rotation for 5 concurrent getToken() calls, reload / second
// tab / back button, the three sign-out kinds, and denied consent. A fresh browser context per
// scenario, so the provider's SSO cookies of one scenario never leak into another.
// Tokens are never printed: comparisons go through secretEqual/secretNotEqual.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { launchBrowser, describePage } from '../support/browser.mjs';
import { startAuthorizationServer, login, confirmLogout } from '../support/authorization-server.mjs';
import { startStaticServer, sendJson } from '../support/static-server.mjs';
import { ROOT, PKG, loadLib, secretNotEqual } from './helpers.mjs';

const SCOPE = 'openid profile email offline_access';
const TOKENS_PREFIX = 'wasm-oauth:tokens:';
const WAIT = 20000;

let app; let op; let browser; let appUrl; let meta;
before(async () => {
  const routes = {};
  app = await startStaticServer({ root: path.join(ROOT, 'www'), mounts: { '/pkg/': PKG }, routes });
  const pages = ['/', '/index.html', '/classic.html'].map((p) => app.origin + p);
  op = await startAuthorizationServer({ redirectUris: pages, postLogoutRedirectUris: pages, accessTokenTTL: 300 });
  appUrl = `${app.origin}/`;
  const config = { issuer: op.issuer, clientId: 'spa', redirectUri: appUrl, scope: SCOPE };
  routes['/config.json'] = (req, res) => sendJson(res, 200, config);
  meta = await (await fetch(`${op.issuer}/.well-known/openid-configuration`)).json();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await Promise.all([app?.close(), op?.close()]);
});

const onIssuer = (u) => u.origin === new URL(op.issuer).origin;
const onApp = (u) => u.origin === app.origin;

/** A fresh context (own storage and provider cookies) with the demo page loaded and ready. */
async function openDemo() {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(appUrl, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('#sign-in:not([disabled])', { timeout: WAIT });
  return { context, page };
}

const state = (page) => page.evaluate(() => ({
  status: document.getElementById('status').textContent,
  error: document.getElementById('error').hidden ? null : document.getElementById('error').textContent,
  user: JSON.parse(document.getElementById('user').textContent || 'null'),
  message: document.getElementById('message').textContent,
  search: location.search,
  path: location.pathname,
}));

/** Waits until the demo has rendered a final status (or shown an error) after a load. */
async function settled(page) {
  await page.waitForFunction(() => {
    const s = document.getElementById('status')?.textContent;
    const b = document.getElementById('sign-in');
    return (s === 'signed in' || s === 'signed out' || !document.getElementById('error')?.hidden) && b && !b.disabled;
  }, null, { timeout: WAIT });
  return state(page);
}

/** Clicks #sign-in, goes through the provider's login + consent, waits for "signed in". */
async function signIn(page, who = 'alice') {
  await Promise.all([
    page.waitForURL(onIssuer, { waitUntil: 'domcontentloaded', timeout: WAIT }),
    page.click('#sign-in'),
  ]);
  await login(page, { login: who });
  await page.waitForURL(onApp, { waitUntil: 'domcontentloaded', timeout: WAIT });
  const s = await settled(page);
  assert.equal(s.error, null, `error after sign-in\n${describePage(page)}`);
  assert.equal(s.status, 'signed in', describePage(page));
  assert.equal(s.user?.sub, who);
  assert.doesNotMatch(s.search, /[?&](code|state)=/, 'code/state removed from the address bar');
  return s;
}

/** The stored token record (JSON with short keys) of this tab; [key, record]. */
async function storedRecord(page) {
  const entries = await page.evaluate((prefix) => Object.keys(sessionStorage)
    .filter((k) => k.startsWith(prefix)).map((k) => [k, sessionStorage.getItem(k)]), TOKENS_PREFIX);
  assert.equal(entries.length, 1, `one token record in sessionStorage (found ${entries.length})`);
  return [entries[0][0], JSON.parse(entries[0][1])];
}

/** POSTs grant_type=refresh_token from Node; returns {status, error}. */
async function refreshFromNode(refreshToken) {
  const res = await fetch(meta.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'spa' }),
  });
  const body = await res.json().catch(() => ({}));
  return { status: res.status, error: body.error };
}

/** Records the browser's requests to the provider (method + URL without the query's values). */
function recordRequests(page) {
  const seen = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (onIssuer(u)) seen.push({ method: r.method(), endpoint: u.origin + u.pathname, params: [...u.searchParams.keys()], post: r.postData() });
  });
  return seen;
}

test('1+2. sign in through login + consent: signed in, sub shown, page renders (screenshot); Call API shows userinfo', { timeout: 90000 }, async () => {
  const { context, page } = await openDemo();
  try {
    assert.equal((await state(page)).status, 'signed out');
    await signIn(page, 'alice');
    const expires = Number(await page.getAttribute('#expires-in', 'data-seconds'));
    assert.ok(expires > 0 && expires <= 300, `expires-in ${expires}`);

    const file = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'demo-flows-')), 'signed-in.png');
    try {
      await page.screenshot({ path: file, fullPage: true });
      const png = await fs.readFile(file);
      assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
      assert.ok(png.length > 10 * 1024, `screenshot is ${png.length} bytes`);
    } finally {
      await fs.rm(path.dirname(file), { recursive: true, force: true });
    }
    const text = await page.innerText('body');
    assert.match(text, /signed in/);
    assert.match(text, /"sub": "alice"/);

    // 2. Protected call: getToken() + GET userinfo with the bearer token.
    await page.click('#call-api');
    await page.waitForFunction(() => document.getElementById('api-result').textContent.length > 0
      || !document.getElementById('error').hidden, null, { timeout: WAIT });
    const s = await state(page);
    assert.equal(s.error, null, describePage(page));
    const userinfo = JSON.parse(await page.textContent('#api-result'));
    assert.equal(userinfo.sub, 'alice');
    assert.equal(userinfo.email, 'alice@example.test');
    assert.match(s.message, /API called/);
    assert.deepEqual(page.pageErrors, [], 'no uncaught page errors');
  } finally {
    await context.close();
  }
});

test('3. forced expiry: 5 concurrent getToken() -> exactly one refresh, rotated; the old refresh token is then rejected', { timeout: 90000 }, async () => {
  const { context, page } = await openDemo();
  try {
    await signIn(page, 'bob');
    const [key, record] = await storedRecord(page);
    assert.equal(record.v, 1);
    assert.equal(typeof record.r, 'string', 'a refresh token is stored');
    assert.equal(typeof record.e, 'number', 'expiresAt is stored');
    const oldRefresh = record.r;
    const oldAccess = record.a;

    // Expire the stored access token (expiresAt in the past).
    await page.evaluate(([k, past]) => {
      const rec = JSON.parse(sessionStorage.getItem(k));
      rec.e = past;
      sessionStorage.setItem(k, JSON.stringify(rec));
    }, [key, Math.floor(Date.now() / 1000) - 60]);

    const loaded = await loadLib(page);
    assert.ok(loaded.ok, `init() failed: ${loaded.error}`);
    const tokenPosts = [];
    page.on('request', (r) => { if (r.method() === 'POST' && r.url() === meta.token_endpoint) tokenPosts.push(r.postData() || ''); });

    const result = await page.evaluate(() => attempt(async () => {
      const cfg = await (await fetch('/config.json')).json();
      const client = new lib.AuthClient({ ...cfg, redirectUri: location.origin + location.pathname });
      const tokens = await Promise.all([...Array(5)].map(() => client.getToken()));
      return { distinct: new Set(tokens).size, first: tokens[0] };
    }));
    assert.ok(result.value, `getToken() failed: ${JSON.stringify(result.error)}`);
    assert.equal(tokenPosts.length, 1, `token endpoint POSTs: ${tokenPosts.length}`);
    assert.match(tokenPosts[0], /(^|&)grant_type=refresh_token(&|$)/);
    assert.equal(result.value.distinct, 1, 'all 5 callers got the same access token');
    secretNotEqual(result.value.first, oldAccess, 'a new access token');

    const [, after] = await storedRecord(page);
    secretNotEqual(after.r, oldRefresh, 'the refresh token rotated');
    assert.ok(after.e > Date.now() / 1000, 'the new expiry is in the future');

    // The old (rotated) refresh token is refused by the provider.
    const reuse = await refreshFromNode(oldRefresh);
    assert.deepEqual(reuse, { status: 400, error: 'invalid_grant' });
    assert.deepEqual(page.pageErrors, [], 'no uncaught page errors');
  } finally {
    await context.close();
  }
});

test('4. reload keeps the session; a second tab starts signed out; back/forward after sign-in keeps the user signed in', { timeout: 90000 }, async () => {
  const { context, page } = await openDemo();
  try {
    await signIn(page, 'carol');

    await page.reload({ waitUntil: 'domcontentloaded' });
    let s = await settled(page);
    assert.equal(s.status, 'signed in', 'after reload');
    assert.equal(s.user?.sub, 'carol');
    assert.equal(s.error, null);

    const tab2 = await context.newPage();
    await tab2.goto(appUrl, { waitUntil: 'domcontentloaded' });
    const s2 = await settled(tab2);
    assert.equal(s2.status, 'signed out', 'sessionStorage is per tab');
    assert.equal(s2.error, null);
    assert.deepEqual(tab2.pageErrors, []);
    await tab2.close();

    // Back (seen: Chromium skips the redirects and lands on the provider's finished consent
    // interaction, which renders its error page); forward returns to the app, which must show
    // the user still signed in, with no error (no replayed callback: the URL was cleaned).
    await page.goBack({ waitUntil: 'domcontentloaded', timeout: WAIT });
    const backUrl = new URL(page.url());
    assert.ok(onIssuer(backUrl) && backUrl.pathname.startsWith('/interaction/'),
      `back landed on ${backUrl.origin}${backUrl.pathname}`);
    await page.goForward({ waitUntil: 'domcontentloaded', timeout: WAIT });
    assert.ok(onApp(new URL(page.url())), 'forward returns to the app');
    s = await settled(page);
    assert.equal(s.error, null, `error shown after back/forward\n${describePage(page)}`);
    assert.equal(s.path, '/');
    assert.equal(s.search, '', 'no code/state replayed in the address bar');
    assert.equal(s.status, 'signed in', 'after back and forward');
    assert.equal(s.user?.sub, 'carol');
    await page.reload({ waitUntil: 'domcontentloaded' });
    s = await settled(page);
    assert.equal(s.status, 'signed in', 'after back/forward + reload');
    assert.deepEqual(page.pageErrors, [], 'no uncaught page errors');
  } finally {
    await context.close();
  }
});

test('5a. Sign out (local): signed out, no request to the provider', { timeout: 90000 }, async () => {
  const { context, page } = await openDemo();
  try {
    await signIn(page, 'dave');
    const seen = recordRequests(page);
    await page.click('#sign-out');
    await page.waitForFunction(() => document.getElementById('status').textContent === 'signed out', null, { timeout: WAIT });
    const s = await state(page);
    assert.equal(s.error, null);
    assert.equal(s.user, null);
    assert.deepEqual(await page.evaluate((p) => Object.keys(sessionStorage).filter((k) => k.startsWith(p)), TOKENS_PREFIX), []);
    await page.waitForTimeout(300);
    assert.deepEqual(seen.map((r) => `${r.method} ${r.endpoint}`), [], 'no request to the provider');
    assert.deepEqual(page.pageErrors, []);
  } finally {
    await context.close();
  }
});

test('5b. Sign out + revoke: RFC 7009 request to the revocation endpoint; the refresh token is then rejected', { timeout: 90000 }, async () => {
  const { context, page } = await openDemo();
  try {
    await signIn(page, 'erin');
    const [, record] = await storedRecord(page);
    assert.equal(typeof record.r, 'string');
    const seen = recordRequests(page);
    await page.click('#sign-out-revoke');
    await page.waitForFunction(() => document.getElementById('status').textContent === 'signed out'
      && !document.getElementById('sign-out-revoke').disabled, null, { timeout: WAIT });
    const s = await state(page);
    assert.equal(s.error, null, describePage(page));
    assert.match(s.message, /revoke/);
    const revocations = seen.filter((r) => r.method === 'POST' && r.endpoint === meta.revocation_endpoint);
    assert.ok(revocations.length >= 1, `revocation POSTs: ${JSON.stringify(seen.map((r) => `${r.method} ${r.endpoint}`))}`);
    for (const r of revocations) {
      const body = new URLSearchParams(r.post || '');
      assert.ok(body.get('token'), 'token parameter');
      assert.equal(body.get('client_id'), 'spa');
    }
    const reuse = await refreshFromNode(record.r);
    assert.deepEqual(reuse, { status: 400, error: 'invalid_grant' }, 'the revoked refresh token is refused');
    assert.deepEqual(page.pageErrors, []);
  } finally {
    await context.close();
  }
});

test('5c. Sign out everywhere: end_session with id_token_hint, post_logout_redirect_uri, state; back on the app signed out', { timeout: 90000 }, async () => {
  const { context, page } = await openDemo();
  try {
    await signIn(page, 'frank');
    const seen = recordRequests(page);
    await Promise.all([
      page.waitForURL(onIssuer, { waitUntil: 'domcontentloaded', timeout: WAIT }),
      page.click('#sign-out-everywhere'),
    ]);
    const endSession = seen.find((r) => r.method === 'GET' && r.endpoint === meta.end_session_endpoint);
    assert.ok(endSession, `navigated to end_session_endpoint: ${JSON.stringify(seen.map((r) => `${r.method} ${r.endpoint}`))}`);
    for (const p of ['id_token_hint', 'post_logout_redirect_uri', 'state']) {
      assert.ok(endSession.params.includes(p), `${p} in ${endSession.params.join(',')}`);
    }
    const sent = new URL(page.url()); // the provider's logout page (or already redirected)
    if (onIssuer(sent)) await confirmLogout(page);
    await page.waitForURL(onApp, { waitUntil: 'domcontentloaded', timeout: WAIT });
    const s = await settled(page);
    assert.equal(s.status, 'signed out');
    assert.equal(s.error, null, describePage(page));
    assert.equal(s.user, null);
    assert.match(s.message, /Back from signing out/);
    assert.equal(s.search, '', 'state removed from the address bar');
    // The provider session is gone too: signing in again shows the login form.
    await Promise.all([
      page.waitForURL(onIssuer, { waitUntil: 'domcontentloaded', timeout: WAIT }),
      page.click('#sign-in'),
    ]);
    await page.waitForSelector('input[name=login]', { timeout: WAIT });
    assert.deepEqual(page.pageErrors, []);
  } finally {
    await context.close();
  }
});

test('6. denied consent: [ Cancel ] on the login page -> #error shows access_denied', { timeout: 90000 }, async () => {
  const { context, page } = await openDemo();
  try {
    await Promise.all([
      page.waitForURL(onIssuer, { waitUntil: 'domcontentloaded', timeout: WAIT }),
      page.click('#sign-in'),
    ]);
    await page.waitForSelector('input[name=login]', { timeout: WAIT });
    await Promise.all([
      page.waitForURL(onApp, { waitUntil: 'domcontentloaded', timeout: WAIT }),
      page.click('a[href*="/abort"]'),
    ]);
    const s = await settled(page);
    assert.match(s.error ?? '', /^access_denied\b/, `#error: ${s.error}\n${describePage(page)}`);
    assert.equal(s.status, 'signed out');
    assert.doesNotMatch(s.search, /[?&](code|state|error)=/, 'callback parameters removed');
    assert.deepEqual(page.pageErrors, []);
  } finally {
    await context.close();
  }
});
