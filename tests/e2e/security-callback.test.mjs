// Hostile and unusual callback input, end to end (pkg/ in Chromium, tests/support/fault-server.mjs
// as the authorization server): duplicated parameters, a 1 MB state, invalid percent-encoding,
// fragment responses, reload and back button after a sign-in, stale callback URLs while signed
// in, RFC 9207 iss, and appState kept as data. Every rejected callback sends nothing to the
// token endpoint, and the address bar loses code/state whatever the outcome.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, describePage } from '../support/browser.mjs';
import { startFaultServer } from '../support/fault-server.mjs';
import { startApp, loadLib } from './helpers.mjs';

let app; let fs; let browser; let config;

before(async () => {
  app = await startApp();
  fs = await startFaultServer({ redirectUris: [app.callbackUrl] });
  browser = await launchBrowser();
  config = {
    clientId: fs.clientId, redirectUri: app.callbackUrl,
    authorizationEndpoint: fs.authorizationEndpoint, tokenEndpoint: fs.tokenEndpoint, requestTimeout: 3000,
  };
});
after(async () => {
  await browser?.close();
  await Promise.all([app?.close(), fs?.close()]);
});

async function openPage(url = app.homeUrl) {
  const page = await browser.newPage();
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  const loaded = await loadLib(page);
  assert.ok(loaded.ok, `init() failed: ${loaded.error}\n${describePage(page)}`);
  return page;
}

async function gotoWithLib(page, url) {
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  const loaded = await loadLib(page);
  assert.ok(loaded.ok, `init() failed: ${loaded.error}`);
}

/** A pending sign-in: its transaction is stored; returns the authorize URL's state. */
async function pendingSignIn(page, cfg = config, options = {}) {
  const r = await page.evaluate(([cfg, options]) => attempt(() => new lib.AuthClient(cfg).createSignInUrl(options)), [cfg, options]);
  assert.ok(r.value, JSON.stringify(r.error));
  return { authorizeUrl: r.value, state: new URL(r.value).searchParams.get('state') };
}

/** A full trip through the fixture's authorize endpoint; returns the callback URL it sent. */
async function throughAuthorize(page, cfg = config, options = {}) {
  const { authorizeUrl, state } = await pendingSignIn(page, cfg, options);
  await page.goto(authorizeUrl, { waitUntil: 'domcontentloaded' });
  const back = new URL(page.url());
  assert.equal(back.origin + back.pathname, app.callbackUrl, describePage(page));
  assert.equal(back.searchParams.get('state'), state);
  assert.ok(back.searchParams.get('code'));
  await loadLib(page);
  return back;
}

const handle = (page, cfg = config, url) => page.evaluate(([cfg, url]) => attempt(async () => {
  const c = new lib.AuthClient(cfg);
  const r = url === null ? await c.handleCallback() : await c.handleCallback(url);
  return r;
}), [cfg, url ?? null]);

const addressBar = (page) => page.evaluate(() => ({ search: location.search, hash: location.hash, href: location.href }));
const storageSnapshot = (page) => page.evaluate(() => JSON.stringify([Object.entries(sessionStorage).sort(), Object.entries(localStorage).sort()]));

/** Navigates to `callback.html` + `suffix`, runs handleCallback() on the address bar. */
async function callbackAt(page, suffix, cfg = config) {
  await gotoWithLib(page, app.callbackUrl + suffix);
  const tokenCalls = fs.tokenRequests().length;
  const r = await handle(page, cfg);
  return { r, sent: fs.tokenRequests().length - tokenCalls, bar: await addressBar(page) };
}

test('duplicated state -> state_mismatch; duplicated code/iss/error -> invalid_request; nothing sent, address bar cleaned', { timeout: 60000 }, async () => {
  const page = await openPage();
  const { state } = await pendingSignIn(page);
  const cases = [
    [`?code=c1&state=${state}&state=${state}`, 'state_mismatch'],
    [`?state=${state}&code=c1&state=other`, 'state_mismatch'],
    [`?code=c1&code=c2&state=${state}`, 'invalid_request'],
    [`?code=c1&%63ode=c2&state=${state}`, 'invalid_request'],
    [`?code=c1&state=${state}&iss=a&iss=b`, 'invalid_request'],
    [`?error=access_denied&error=server_error&state=${state}`, 'invalid_request'],
    [`#code=c1&code=c2&state=${state}`, 'invalid_request'],
  ];
  for (const [suffix, code] of cases) {
    const { r, sent, bar } = await callbackAt(page, `?keep=1${suffix.startsWith('#') ? suffix : `&${suffix.slice(1)}`}`);
    assert.equal(r.error?.code, code, `${suffix}: ${JSON.stringify(r)}`);
    assert.equal(r.error?.name, 'AuthError');
    assert.equal(sent, 0, `${suffix}: no token request`);
    assert.equal(bar.search, '?keep=1', `${suffix}: only the app's own parameter is left`);
    assert.equal(bar.hash, '', suffix);
  }
  await page.close();
});

test('a 1 MB state: state_mismatch quickly, no hang, no crash, the pending transaction survives', { timeout: 60000 }, async () => {
  const page = await openPage(app.callbackUrl);
  const { state } = await pendingSignIn(page);
  const before = await storageSnapshot(page);
  const huge = 'A'.repeat(1024 * 1024);
  // The URL is too long for the static server's request line, so it is set in the page.
  const result = await page.evaluate(async ([huge, cfg]) => {
    const t0 = performance.now();
    const explicit = await attempt(() => new lib.AuthClient(cfg).handleCallback(`${location.origin}/callback.html?code=c&state=${huge}`));
    history.replaceState(null, '', `/callback.html?code=c&state=${huge}&keep=1`);
    const fromBar = await attempt(() => new lib.AuthClient(cfg).handleCallback());
    const big = await attempt(() => new lib.AuthClient(cfg).handleCallback(`${location.origin}/callback.html?code=${huge}&state=${huge}&error_description=${huge}`));
    return { explicit, fromBar, big, ms: performance.now() - t0, search: location.search, lenAfter: location.href.length };
  }, [huge, config]).catch((e) => ({ crashed: String(e) }));
  assert.equal(result.crashed, undefined, `the page crashed: ${result.crashed}\n${describePage(page)}`);
  for (const k of ['explicit', 'fromBar', 'big']) assert.equal(result[k].error?.code, 'state_mismatch', `${k}: ${JSON.stringify(result[k]).slice(0, 300)}`);
  assert.ok(result.ms < 10000, `took ${result.ms} ms`);
  assert.equal(result.search, '?keep=1', 'the 1 MB state is gone from the address bar');
  assert.equal(await storageSnapshot(page), before, 'the genuine transaction is untouched');
  // The genuine sign-in still completes afterwards.
  const r = await handle(page, config, `${app.callbackUrl}?code=nope&state=${state}`);
  assert.equal(r.error?.code, 'invalid_grant', 'the real transaction was still there (unknown code -> invalid_grant)');
  await page.close();
});

test('invalid percent-encoding in a response parameter -> invalid_request, nothing sent; junk in other parameters is ignored', { timeout: 60000 }, async () => {
  const page = await openPage();
  const { state } = await pendingSignIn(page);
  for (const suffix of ['?code=abc&state=%zz', '?code=abc&state=%FF', `?code=%E0%A4%A&state=${state}`, `?code=abc&state=${state}&iss=%`,
    `?error=access_denied&error_description=100%&state=${state}`]) {
    const { r, sent, bar } = await callbackAt(page, suffix);
    assert.equal(r.error?.code, 'invalid_request', `${suffix}: ${JSON.stringify(r)}`);
    assert.equal(sent, 0);
    assert.equal(bar.search, '', suffix);
  }
  // A real response with an unrelated undecodable parameter succeeds.
  const back = await throughAuthorize(page);
  await gotoWithLib(page, `${app.callbackUrl}?junk=%zz&${back.search.slice(1)}`);
  const ok = await handle(page);
  assert.ok(ok.value?.tokens?.accessToken, JSON.stringify(ok.error));
  assert.equal((await addressBar(page)).search, '?junk=%zz', 'other parameters are kept byte for byte');
  await page.close();
});

test('a fragment response (#code=..&state=..) signs in; the fragment is cleaned', { timeout: 60000 }, async () => {
  const page = await openPage();
  const back = await throughAuthorize(page);
  const code = back.searchParams.get('code');
  await gotoWithLib(page, `${app.callbackUrl}#${back.search.slice(1)}`);
  const r = await handle(page);
  assert.ok(r.value?.tokens?.accessToken, JSON.stringify(r.error));
  const bar = await addressBar(page);
  assert.equal(bar.hash, '');
  assert.equal(bar.search, '');
  assert.equal(fs.codeLog.filter((x) => x.code === code).length, 1);
  // Hash-router form: #/route?code=..&state=.. keeps the route.
  const back2 = await throughAuthorize(page);
  await gotoWithLib(page, `${app.callbackUrl}#/signed-in?${back2.search.slice(1)}`);
  const r2 = await handle(page);
  assert.ok(r2.value?.tokens?.accessToken, JSON.stringify(r2.error));
  assert.equal((await addressBar(page)).hash, '#/signed-in');
  await page.close();
});

test('after a successful callback: reload, back button and the stale callback URL reject with state_mismatch and keep the user signed in', { timeout: 90000 }, async () => {
  for (const storage of ['session', 'local']) {
    const cfg = { ...config, storage };
    const page = await openPage();
    await page.evaluate(() => { sessionStorage.clear(); localStorage.clear(); });
    const back = await throughAuthorize(page, cfg);
    const code = back.searchParams.get('code');
    const first = await handle(page, cfg);
    assert.ok(first.value, JSON.stringify(first.error));
    assert.equal((await addressBar(page)).search, '', 'code and state removed on success');
    const tokens = first.value.tokens;
    const signedIn = async (what) => {
      const s = await page.evaluate((cfg) => { const c = new lib.AuthClient(cfg); return { auth: c.isAuthenticated(), tokens: c.getTokens() }; }, cfg);
      assert.equal(s.auth, true, `${storage}, ${what}: still signed in`);
      assert.deepEqual(s.tokens, tokens, `${storage}, ${what}: the same tokens`);
    };

    // Reload: the address bar was cleaned, so there is nothing to redeem.
    await page.reload({ waitUntil: 'domcontentloaded' });
    await loadLib(page);
    let r = await handle(page, cfg);
    assert.equal(r.error?.code, 'state_mismatch', `reload: ${JSON.stringify(r)}`);
    await signedIn('reload');

    // Back button: the app moved on; going back lands on the cleaned callback entry.
    await gotoWithLib(page, `${app.homeUrl}?page=2`);
    await page.goBack({ waitUntil: 'domcontentloaded' });
    assert.equal(new URL(page.url()).pathname, '/callback.html', 'back to the callback entry');
    assert.equal(new URL(page.url()).search, '', `history holds no code: ${page.url().replace(/code=[^&]+/, 'code=…')}`);
    await loadLib(page);
    r = await handle(page, cfg);
    assert.equal(r.error?.code, 'state_mismatch', `back: ${JSON.stringify(r)}`);
    await signedIn('back button');

    // The stale URL itself (another tab, a bookmark, a leaked link), and a stale error response.
    for (const stale of [back.href, `${app.callbackUrl}?error=access_denied&state=${back.searchParams.get('state')}`]) {
      await gotoWithLib(page, stale);
      const before = fs.tokenRequests().length;
      r = await handle(page, cfg);
      assert.equal(r.error?.code, 'state_mismatch', `stale: ${JSON.stringify(r)}`);
      assert.equal(fs.tokenRequests().length, before, 'nothing sent for a stale callback');
      assert.equal((await addressBar(page)).search, '');
      await signedIn('stale callback URL');
    }
    assert.equal(fs.codeLog.filter((x) => x.code === code).length, 1, 'the code was redeemed once');
    await page.close();
  }
});

test('appState is returned verbatim as data and never followed', { timeout: 60000 }, async () => {
  const page = await openPage();
  const offsite = [];
  page.on('request', (req) => { if (!/^http:\/\/(localhost|127\.0\.0\.1):/.test(req.url())) offsite.push(req.url()); });
  const appStates = [
    { returnTo: 'https://evil.example/steal', nested: [1, 'two', { three: null }], unicode: 'é😀' },
    'https://evil.example/',
    'javascript:alert(document.domain)',
    ['//evil.example', { redirect_uri: 'https://evil.example' }],
  ];
  for (const appState of appStates) {
    await throughAuthorize(page, config, { appState });
    const r = await handle(page);
    assert.ok(r.value, JSON.stringify(r.error));
    assert.deepEqual(r.value.appState, appState, 'verbatim');
    await page.waitForTimeout(300);
    assert.equal(new URL(page.url()).origin + new URL(page.url()).pathname, app.callbackUrl, 'no navigation by the library');
  }
  // Without appState, the result has none.
  await throughAuthorize(page);
  const bare = await handle(page);
  assert.ok(bare.value && !('appState' in bare.value), JSON.stringify(bare));
  assert.deepEqual(offsite, [], 'no request left the test servers');
  assert.deepEqual(page.pageErrors, []);
  await page.close();
});

test('RFC 9207: with an issuer, a wrong or empty iss -> issuer_mismatch before error and before any token request', { timeout: 60000 }, async () => {
  const cfg = { ...config, issuer: fs.url };
  const page = await openPage();
  for (const [iss, extra, want] of [
    ['https://evil.example', '&code=c', 'issuer_mismatch'],
    ['', '&code=c', 'issuer_mismatch'],
    [`${fs.url}/`, '&code=c', 'issuer_mismatch'],
    ['https://evil.example', '&error=access_denied', 'issuer_mismatch'],
    [fs.url, '&error=access_denied&error_description=No+thanks', 'access_denied'],
  ]) {
    const { state } = await pendingSignIn(page, cfg);
    const { r, sent, bar } = await callbackAt(page, `?state=${state}&iss=${encodeURIComponent(iss)}${extra}`, cfg);
    assert.equal(r.error?.code, want, `iss=${iss}${extra}: ${JSON.stringify(r)}`);
    assert.equal(sent, 0);
    assert.equal(bar.search, '');
  }
  // The right iss signs in (the fixture echoes its own URL as iss when configured to; here it
  // is added by hand to a real response).
  const back = await throughAuthorize(page, cfg);
  await gotoWithLib(page, `${back.href}&iss=${encodeURIComponent(fs.url)}`);
  const ok = await handle(page, cfg);
  assert.ok(ok.value?.tokens?.accessToken, JSON.stringify(ok.error));
  await page.close();
});
