// Tabs that share a rotating refresh token, end to end (pkg/ in Chromium against
// tests/support/fault-server.mjs, which rotates refresh tokens, logs every one it receives and
// treats a reuse as theft: invalid_grant and the whole family revoked).
//
// - storage "local": 4 tabs of one browser meet an expired access token at the same moment,
//   round after round: exactly one refresh per round, no refresh token ever sent twice, every
//   tab gets the new access token. (Chromium can hand a tab a stale localStorage value right
//   after a Web Lock changes hands; the library's IndexedDB rotation log covers that.)
// - storage "session", duplicated tab (window.open copies sessionStorage): the original and the
//   copy hold the same refresh token; only one of them may spend it, the other adopts the
//   result or, once the adoption window is over, gets a clean login_required.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, describePage } from '../support/browser.mjs';
import { startFaultServer } from '../support/fault-server.mjs';
import { startApp, loadLib } from './helpers.mjs';

const TABS = 4;
const ROUNDS = 20;
const DUP_ROUNDS = 10;
let app; let fs; let browser; let config;

before(async () => {
  app = await startApp();
  // A short delay on every refresh widens the window in which the other tabs wait.
  fs = await startFaultServer({ redirectUris: [app.callbackUrl], refreshDelayMs: 40 });
  browser = await launchBrowser();
  config = {
    clientId: fs.clientId, redirectUri: app.callbackUrl,
    authorizationEndpoint: fs.authorizationEndpoint, tokenEndpoint: fs.tokenEndpoint, requestTimeout: 5000,
  };
});
after(async () => {
  await browser?.close();
  await Promise.all([app?.close(), fs?.close()]);
});

const tokensKey = () => `wasm-oauth:tokens:${fs.clientId}|${fs.tokenEndpoint}`;
const short = (t) => (typeof t === 'string' ? `${t.slice(0, 12)}…` : String(t));
/** The server's log of refresh tokens, for failure messages (token prefixes only). */
const serverLog = (from = 0) => fs.refreshLog.slice(from).map((x) => `${short(x.token)} ${x.outcome}`).join('\n  ');

async function open(context) {
  const page = await context.newPage();
  await page.goto(app.homeUrl, { waitUntil: 'domcontentloaded' });
  const loaded = await loadLib(page);
  assert.ok(loaded.ok, `init() failed: ${loaded.error}`);
  return page;
}

/** In `page`, rewrites the stored record's expiry to the past; returns the record's refresh token. */
function expire(page, area) {
  return page.evaluate(([key, area]) => {
    const s = area === 'local' ? localStorage : sessionStorage;
    const r = JSON.parse(s.getItem(key));
    r.e = Math.floor(Date.now() / 1000) - 100;
    s.setItem(key, JSON.stringify(r));
    return r.r;
  }, [tokensKey(), area]);
}

const getTokenIn = (page, cfg) => page.evaluate((cfg) => attempt(() => new lib.AuthClient(cfg).getToken()), cfg);

test(`storage "local": ${TABS} tabs x ${ROUNDS} rounds of a simultaneous getToken() on an expired token: one refresh per round, no refresh token sent twice, every tab gets the new token`, { timeout: 240000 }, async () => {
  const cfg = { ...config, storage: 'local' };
  const context = await browser.newContext();
  try {
    const pages = [];
    for (let i = 0; i < TABS; i += 1) pages.push(await open(context));
    const seedTokens = fs.issue({ withIdToken: false });
    await pages[0].evaluate(([key, value]) => { localStorage.clear(); localStorage.setItem(key, value); },
      [tokensKey(), JSON.stringify({ v: 1, a: seedTokens.access_token, t: 'Bearer', e: 0, r: seedTokens.refresh_token, s: 'openid' })]);
    const logStart = fs.refreshLog.length;

    for (let round = 1; round <= ROUNDS; round += 1) {
      const spent = await expire(pages[0], 'local');
      // Every tab sees the expired record before the round starts (bounded wait).
      for (const p of pages) {
        await p.waitForFunction(([key, rt]) => {
          const r = JSON.parse(localStorage.getItem(key) || 'null');
          return r && r.r === rt && r.e < Date.now() / 1000;
        }, [tokensKey(), spent], { timeout: 5000, polling: 20 });
      }
      const before = fs.refreshRequests().length;
      const results = await Promise.all(pages.map((p) => getTokenIn(p, cfg)));
      const sent = fs.refreshRequests().slice(before);
      const ctx = `round ${round}: results ${JSON.stringify(results.map((r) => r.value ? short(r.value) : r.error))}\nserver log:\n  ${serverLog(logStart)}`;
      assert.equal(sent.length, 1, `exactly one refresh per round; ${ctx}`);
      assert.equal(sent[0].body.refresh_token, spent, `the round's refresh token was spent; ${ctx}`);
      assert.deepEqual(fs.reusedRefreshTokens(), [], `no refresh token sent twice; ${ctx}`);
      const fresh = results[0].value;
      assert.ok(fresh && fresh.startsWith('at_'), ctx);
      for (const r of results) assert.equal(r.value, fresh, `every tab gets the same new token; ${ctx}`);
      // And it is the token the server issued last.
      const storedNow = await pages[TABS - 1].evaluate((key) => JSON.parse(localStorage.getItem(key)), tokensKey());
      assert.equal(storedNow.a, fresh, ctx);
      assert.notEqual(storedNow.r, spent, 'the stored refresh token rotated');
    }
    assert.equal(fs.refreshLog.length - logStart, ROUNDS);
    assert.ok(fs.refreshLog.slice(logStart).every((x) => x.outcome === 'ok'), `server log:\n  ${serverLog(logStart)}`);
    for (const p of pages) assert.deepEqual(p.pageErrors, [], describePage(p));
  } finally {
    await context.close();
  }
});

test(`storage "local": ${TABS} tabs call refresh() at once: one refresh each, in turn, never the same refresh token twice; all tabs end on the last token`, { timeout: 120000 }, async () => {
  const cfg = { ...config, storage: 'local' };
  const context = await browser.newContext();
  try {
    const pages = [];
    for (let i = 0; i < TABS; i += 1) pages.push(await open(context));
    const t = fs.issue({ withIdToken: false });
    await pages[0].evaluate(([key, value]) => { localStorage.clear(); localStorage.setItem(key, value); },
      [tokensKey(), JSON.stringify({ v: 1, a: t.access_token, t: 'Bearer', e: Math.floor(Date.now() / 1000) + 3000, r: t.refresh_token })]);
    for (let round = 1; round <= 5; round += 1) {
      const logStart = fs.refreshLog.length;
      const results = await Promise.all(pages.map((p) => p.evaluate((cfg) => attempt(() => new lib.AuthClient(cfg).refresh()), cfg)));
      const ctx = `round ${round}: ${JSON.stringify(results.map((r) => r.value ? short(r.value.accessToken) : r.error))}\nserver log:\n  ${serverLog(logStart)}`;
      for (const r of results) assert.ok(r.value, ctx);
      assert.equal(fs.refreshLog.length - logStart, TABS, `one refresh per refresh() call; ${ctx}`);
      assert.deepEqual(fs.reusedRefreshTokens(), [], ctx);
      assert.ok(fs.refreshLog.slice(logStart).every((x) => x.outcome === 'ok'), ctx);
      const last = await pages[0].evaluate((key) => JSON.parse(localStorage.getItem(key)).a, tokensKey());
      const tokens = await Promise.all(pages.map((p) => p.evaluate((cfg) => new lib.AuthClient(cfg).getTokens()?.accessToken, cfg)));
      for (const tok of tokens) assert.equal(tok, last, ctx);
      assert.ok(results.some((r) => r.value.accessToken === last), ctx);
    }
  } finally {
    await context.close();
  }
});

/** A tab and its duplicate (window.open from the page: Chromium copies sessionStorage into it). */
async function duplicatedPair(context, record) {
  const original = await open(context);
  await original.evaluate(([key, value]) => { sessionStorage.clear(); sessionStorage.setItem(key, value); }, [tokensKey(), record]);
  const [copy] = await Promise.all([
    context.waitForEvent('page'),
    original.evaluate(() => { window.open(location.href); }),
  ]);
  await copy.waitForLoadState('domcontentloaded');
  const loaded = await loadLib(copy);
  assert.ok(loaded.ok, `init() in the duplicate failed: ${loaded.error}`);
  const copied = await copy.evaluate((key) => sessionStorage.getItem(key), tokensKey());
  assert.equal(copied, record, 'the duplicate starts with a copy of the sessionStorage record');
  return { original, copy };
}

test(`storage "session", duplicated tab: ${DUP_ROUNDS} rounds of getToken() in both at once: one refresh, no reuse, both get the new token`, { timeout: 180000 }, async () => {
  const cfg = { ...config }; // default storage: session
  const context = await browser.newContext();
  try {
    const t = fs.issue({ withIdToken: false });
    const record = JSON.stringify({ v: 1, a: t.access_token, t: 'Bearer', e: 0, r: t.refresh_token, s: 'openid' });
    const { original, copy } = await duplicatedPair(context, record);
    const logStart = fs.refreshLog.length;
    for (let round = 1; round <= DUP_ROUNDS; round += 1) {
      const spentA = await expire(original, 'session');
      const spentB = await expire(copy, 'session');
      assert.equal(spentA, spentB, `round ${round}: both tabs hold the same refresh token`);
      const before = fs.refreshRequests().length;
      const [a, b] = await Promise.all([getTokenIn(original, cfg), getTokenIn(copy, cfg)]);
      const sent = fs.refreshRequests().slice(before);
      const ctx = `round ${round}: original ${JSON.stringify(a.value ? short(a.value) : a.error)}, copy ${JSON.stringify(b.value ? short(b.value) : b.error)}\nserver log:\n  ${serverLog(logStart)}`;
      assert.deepEqual(fs.reusedRefreshTokens(), [], `no refresh token spent twice; ${ctx}`);
      assert.equal(sent.length, 1, `exactly one refresh; ${ctx}`);
      assert.equal(sent[0].body.refresh_token, spentA, ctx);
      assert.ok(a.value?.startsWith('at_'), ctx);
      assert.equal(b.value, a.value, `the other tab adopts the new token; ${ctx}`);
      const rts = await Promise.all([original, copy].map((p) => p.evaluate((key) => JSON.parse(sessionStorage.getItem(key)).r, tokensKey())));
      assert.equal(rts[0], rts[1], 'both tabs now hold the successor refresh token');
      assert.notEqual(rts[0], spentA);
    }
  } finally {
    await context.close();
  }
});

test('storage "session", duplicated tab that wakes up after the adoption window: clean login_required, nothing sent, the original keeps working', { timeout: 60000 }, async () => {
  const cfg = { ...config };
  const context = await browser.newContext();
  try {
    const t = fs.issue({ withIdToken: false });
    const record = JSON.stringify({ v: 1, a: t.access_token, t: 'Bearer', e: 0, r: t.refresh_token });
    const { original, copy } = await duplicatedPair(context, record);
    const a = await getTokenIn(original, cfg);
    assert.ok(a.value, JSON.stringify(a.error));
    // The copy's clock runs 2 minutes ahead: the log entry is older than its 60 s adoption
    // window, so only the spent token's fingerprint is left there.
    await copy.evaluate(() => { const real = Date.now; Date.now = () => real() + 120000; });
    const before = fs.refreshRequests().length;
    const b = await getTokenIn(copy, cfg);
    assert.equal(b.error?.code, 'login_required', `the late duplicate: ${JSON.stringify(b)}\nserver log:\n  ${serverLog()}`);
    assert.equal(fs.refreshRequests().length, before, 'the late duplicate sent nothing');
    assert.deepEqual(fs.reusedRefreshTokens(), []);
    assert.equal(await copy.evaluate((key) => sessionStorage.getItem(key), tokensKey()), null, 'its spent tokens are cleared');
    // The original is unaffected: its (rotated) refresh token still works.
    await expire(original, 'session');
    const again = await getTokenIn(original, cfg);
    assert.ok(again.value && again.value !== a.value, JSON.stringify(again));
    assert.deepEqual(fs.reusedRefreshTokens(), []);
  } finally {
    await context.close();
  }
});

/** Everything in the library's IndexedDB store, as text (values JSON-stringified). */
const idbDump = (page) => page.evaluate(() => new Promise((resolve) => {
  const open = indexedDB.open('wasm-oauth');
  open.onerror = () => resolve('(no database)');
  open.onsuccess = () => {
    const db = open.result;
    if (!db.objectStoreNames.contains('kv')) { db.close(); return resolve('(no store)'); }
    const req = db.transaction('kv', 'readonly').objectStore('kv').getAll();
    req.onsuccess = () => { db.close(); resolve(JSON.stringify(req.result)); };
    req.onerror = () => { db.close(); resolve('(unreadable)'); };
  };
}));

// The rotation log keeps the tokens a refresh produced for other tabs to adopt, for
// ADOPT_TTL_SECS (60 s, src/protocol/rotation.rs); after that only fingerprints may remain.
// That matters most with storage "session": IndexedDB is shared by every tab of the origin and
// outlives the tab, so tokens kept there longer widen what sessionStorage confines.
test('rotation log at rest: after a refresh, IndexedDB holds the new tokens for at most ~60 s, then no usable token; signOut() clears it', { timeout: 150000 }, async () => {
  const cfg = { ...config }; // storage: session
  const context = await browser.newContext();
  try {
    const page = await open(context);
    const t = fs.issue({ withIdToken: false });
    await page.evaluate(([key, value]) => { sessionStorage.setItem(key, value); },
      [tokensKey(), JSON.stringify({ v: 1, a: t.access_token, t: 'Bearer', e: 0, r: t.refresh_token })]);
    const r = await page.evaluate((cfg) => attempt(() => new lib.AuthClient(cfg).refresh()), cfg);
    assert.ok(r.value, JSON.stringify(r.error));
    const fresh = r.value;
    const early = await idbDump(page);
    assert.ok(!early.includes(t.refresh_token), 'the spent refresh token is only fingerprinted');
    // 61 s later, and the library used again (a fresh token: no refresh, nothing rotated).
    await page.waitForTimeout(61000);
    const used = await page.evaluate((cfg) => attempt(() => new lib.AuthClient(cfg).getToken()), cfg);
    assert.equal(used.value, fresh.accessToken);
    const late = await idbDump(page);
    const leaks = [['refresh token', fresh.refreshToken], ['access token', fresh.accessToken]].filter(([, v]) => late.includes(v)).map(([n]) => n);
    const redacted = late.replaceAll(fresh.refreshToken, '<refresh token>').replaceAll(fresh.accessToken, '<access token>');
    assert.deepEqual(leaks, [], `61 s after the refresh IndexedDB still holds the new ${leaks.join(' and ')} (successor kept past ADOPT_TTL_SECS until the next write): ${redacted.slice(0, 240)}…`);
    await page.evaluate((cfg) => attempt(() => new lib.AuthClient(cfg).signOut()), cfg);
    const after = await idbDump(page);
    assert.ok(!after.includes('"e":['), `signOut() leaves no rotation log: ${after.slice(0, 200)}`);
  } finally {
    await context.close();
  }
});
