#!/usr/bin/env node
// The wasm-oauth benchmark: sizes and client-side timings of wasm-oauth and five other SPA
// OAuth clients, in one headless Chromium run against local authorization servers.
//
//   bash bench/run.sh              (installs, builds pkg/ when needed, then runs this)
//   node bench/run.mjs [--quick] [--only=wasm-oauth,keycloak-js]
//
// Prints the table (Markdown) to stdout and writes bench/out/results.json.
// Every figure is a median over many runs with its p10–p90 spread; ratios are library / wasm-oauth.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildBundles, packageVersion, LIBRARIES, BENCH_DIR, BUNDLE_DIR, OUT_DIR } from './lib/build.mjs';
import { startOpenIdProvider, startStubServer } from './lib/servers.mjs';
import { summarize, renderTable } from './lib/report.mjs';
import { startStaticServer } from '../tests/support/static-server.mjs';
import { launchBrowser, CHROMIUM } from '../tests/support/browser.mjs';
import { login } from '../tests/support/authorization-server.mjs';

const args = process.argv.slice(2);
const QUICK = args.includes('--quick') || process.env.BENCH_QUICK === '1';
const onlyArg = args.find((a) => a.startsWith('--only='));
const ONLY = onlyArg ? new Set(onlyArg.slice(7).split(',')) : null;

// Repetitions (all loops are bounded by these).
const N = QUICK
  ? { load: 4, signInBatches: 6, signInPer: 10, callbacksOp: 3, callbacksStub: 5, readBatches: 4, readPer: 1000, refresh: 15, concurrentTrials: 1, memReads: 2000, memRefreshes: 100 }
  : { load: 25, signInBatches: 30, signInPer: 20, callbacksOp: 10, callbacksStub: 30, readBatches: 10, readPer: 1000, refresh: 100, concurrentTrials: 3, memReads: 10000, memRefreshes: 1000 };
const CONCURRENT = 50;
const SCOPE = 'openid profile offline_access';

const libs = LIBRARIES.filter((l) => !ONLY || ONLY.has(l.id));
const log = (...a) => console.error('[bench]', ...a);
const results = {
  date: new Date().toISOString(),
  quick: QUICK,
  machine: {},
  versions: {},
  repetitions: N,
  libraries: {},
};
const lib = (id) => (results.libraries[id] ??= { figures: {}, notes: [] });
const note = (id, text) => { lib(id).notes.push(text); log(`${id}: ${text}`); };

// ---------------------------------------------------------------------------------------------
// Figure 1: sizes (no server needed).
log('bundling with esbuild ...');
const sizes = await buildBundles();
for (const l of libs) {
  lib(l.id).figures.size = sizes[l.id];
  results.versions[l.id] = packageVersion(l.pkg);
}
results.versions.esbuild = packageVersion('esbuild');

results.machine = {
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model,
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  os: `${os.type()} ${os.release()}`,
  debian: fs.existsSync('/etc/debian_version') ? fs.readFileSync('/etc/debian_version', 'utf8').trim() : undefined,
  node: process.version,
  loadAverageAtStart: os.loadavg().map((x) => Number(x.toFixed(2))),
};

// ---------------------------------------------------------------------------------------------
// Servers and browser.
const app = await startStaticServer({ root: path.join(BENCH_DIR, 'page'), mounts: { '/bundles/': BUNDLE_DIR } });
const redirectUri = `${app.origin}/app.html`;
const op = await startOpenIdProvider({ redirectUris: [redirectUri] });
const stub = await startStubServer({ redirectUris: [redirectUri] });
const b = await launchBrowser();
results.machine.chromium = b.browser.version();
try {
  results.machine.chromiumBinary = execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
} catch { /* version from CDP is enough */ }

const configFor = (server, prompt) => ({
  origin: server.origin,
  issuer: server.issuer,
  authorizationEndpoint: server.authorizationEndpoint,
  tokenEndpoint: server.tokenEndpoint,
  jwksUri: server.jwksUri,
  clientId: 'spa',
  redirectUri,
  scope: SCOPE,
  ...(prompt ? { prompt } : {}),
});
// oidc-provider keeps offline_access (refresh tokens) only with prompt=consent.
const opConfig = configFor(op, 'consent');
const stubConfig = configFor(stub);

// ---- in-page helpers (run with page.evaluate) ------------------------------------------------
async function loadAndCreate(page, id, config) {
  await page.evaluate(async ({ id, config }) => {
    await import(`/bundles/${id}.js`);
    await globalThis.benchLib.create(config);
  }, { id, config });
}

async function newAppPage() {
  const context = await b.newContext();
  const page = await context.newPage();
  await page.goto(`${app.origin}/app.html`);
  return { context, page };
}

/** Network time: Playwright reports every finished request to the authorization servers, also
 *  those sent from workers (auth0-spa-js sends its token requests from a Web Worker), with its
 *  timing in wall-clock milliseconds. A call's client-side time is its wall time minus the union
 *  of the intervals (start to response end) of the requests it started. */
function trackRequests(context, origins) {
  const spans = [];
  context.on('requestfinished', (request) => {
    if (!origins.some((o) => request.url().startsWith(o))) return;
    const t = request.timing();
    if (t.startTime > 0 && t.responseEnd >= 0) spans.push([t.startTime, t.startTime + t.responseEnd]);
    if (spans.length > 5000) spans.splice(0, spans.length - 5000);
  });
  return {
    spans,
    /** Network milliseconds inside the call [t0, t1] (epoch ms) and the number of requests. */
    within(t0, t1) {
      const inside = spans.filter(([s]) => s >= t0 - 2 && s <= t1).sort((a, b) => a[0] - b[0]);
      let network = 0;
      let end = -Infinity;
      for (const [s, e] of inside) {
        const from = Math.max(s, end);
        const to = Math.min(e, t1);
        if (to > from) network += to - from;
        end = Math.max(end, e);
      }
      return { network, requests: inside.length };
    },
  };
}
/** In the page: `window.__span(fn)` runs fn and returns its wall-clock interval (epoch ms). */
const IN_PAGE_SPAN = `window.__span = async (fn) => {
  const t0 = performance.timeOrigin + performance.now();
  await fn();
  return [t0, performance.timeOrigin + performance.now()];
};`;

/** Drives oidc-provider's dev login (the tests' helper) and consent pages back to the app. */
async function completeInteraction(page) {
  for (let i = 0; i < 4; i++) {
    if (new URL(page.url()).origin !== op.origin) return;
    if (await page.locator('input[name=login]').count()) {
      await login(page, { login: 'bench' });
      continue;
    }
    await Promise.all([
      page.waitForNavigation({ waitUntil: 'domcontentloaded' }),
      page.click('form button[type=submit]'),
    ]);
  }
  if (new URL(page.url()).origin !== app.origin) throw new Error(`stuck at ${new URL(page.url()).pathname}`);
}

const errorText = (e) => String(e?.message || e).split('\n')[0].slice(0, 200);

// ---------------------------------------------------------------------------------------------
// Figure 2: load = import + instantiate + client construction, cold, each in a fresh browser
// context (a new renderer: no V8 compilation cache; the servers send no-store: no HTTP or code
// cache). Two ways, each in its own fresh pages:
//  - "from memory": the bundle (and wasm-oauth's .wasm) fetched first, untimed; timed are
//    import() of the bundle from a blob: URL, WebAssembly compile + instantiate from the bytes
//    (wasm-oauth's init() accepts them) and the client construction;
//  - "with transfer": import('/bundles/x.js') and init() fetching the .wasm from the local
//    server, as a page does; dominated by the browser's request scheduling on this machine
//    (see the floor: an empty module loaded the same way).
log(`figure 2: load, ${N.load} fresh pages per library and way ...`);
const LOAD_IDS = [...libs.map((l) => l.id), 'baseline'];
const loadSamples = { memory: {}, transfer: {} };
for (const id of LOAD_IDS) { loadSamples.memory[id] = []; loadSamples.transfer[id] = []; }
for (let round = 0; round < N.load; round++) {
  for (const way of ['memory', 'transfer']) {
    for (const id of LOAD_IDS) {
      const { context, page } = await newAppPage();
      await sleep(50); // let the new renderer settle
      try {
        const ms = await page.evaluate(async ({ id, config, way }) => {
          let src = `/bundles/${id}.js`;
          const cfg = { ...config };
          if (way === 'memory') {
            const js = await (await fetch(src)).blob();
            src = URL.createObjectURL(new Blob([js], { type: 'text/javascript' }));
            if (id === 'wasm-oauth') cfg.wasm = await (await fetch('/bundles/wasm_oauth_bg.wasm')).arrayBuffer();
          }
          const t0 = performance.now();
          await import(src);
          await globalThis.benchLib.create(cfg);
          return performance.now() - t0;
        }, { id, config: opConfig, way });
        loadSamples[way][id].push(ms);
      } catch (e) {
        if (round === 0) note(id, `load (${way}) failed: ${errorText(e)}`);
      } finally {
        await context.close();
      }
    }
  }
}
for (const l of libs) {
  if (loadSamples.memory[l.id].length) lib(l.id).figures.load = summarize(loadSamples.memory[l.id]);
  if (loadSamples.transfer[l.id].length) lib(l.id).figures.loadTransfer = summarize(loadSamples.transfer[l.id]);
}
results.baselineLoad = { memory: summarize(loadSamples.memory.baseline), transfer: summarize(loadSamples.transfer.baseline) };

// ---------------------------------------------------------------------------------------------
// The other figures run interleaved: one page per library (each in its own browser context),
// and every loop goes round the libraries, a batch each, so that a change in the machine's load
// during the run falls on all of them alike.
const sessions = [];
for (const l of libs) {
  const { context, page } = await newAppPage();
  sessions.push({ id: l.id, context, page, ok: true });
}
/** Runs fn(session) for every live session; a failure ends that library's part of the figure. */
async function eachSession(figure, fn, list = sessions) {
  for (const s of list) {
    if (!s.ok || s.failed?.has(figure)) continue;
    try {
      await fn(s);
    } catch (e) {
      (s.failed ??= new Set()).add(figure);
      note(s.id, `${figure} failed: ${errorText(e)}`);
    }
  }
}
const alive = (figure, list = sessions) => list.filter((s) => s.ok && !s.failed?.has(figure));

// Figure 3: building the sign-in request (PKCE, state, stored transaction), no navigation.
// Each call starts from empty storage (as the first sign-in of a page load does): storage is
// emptied before every call, outside the timed part. Chromium's performance.now() here is
// coarsened to 100 µs with jitter, so single calls are timed and averaged per batch; the
// batch means are the samples.
log(`figure 3: sign-in request, ${N.signInBatches} x ${N.signInPer} per library ...`);
await eachSession('sign-in request', (s) => loadAndCreate(s.page, s.id, opConfig));
for (let batch = -1; batch < N.signInBatches; batch++) { // batch -1: warm-up
  await eachSession('sign-in request', async (s) => {
    const { mean, example } = await s.page.evaluate(async (per) => {
      const clear = () => {
        sessionStorage.clear();
        localStorage.clear();
        for (const c of document.cookie.split(';')) {
          const name = c.split('=')[0].trim();
          if (name) document.cookie = `${name}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/`;
        }
      };
      let sum = 0;
      let example;
      for (let i = 0; i < per; i++) {
        clear();
        const t0 = performance.now();
        example = await globalThis.benchLib.buildSignInUrl();
        sum += performance.now() - t0;
      }
      clear();
      return { mean: sum / per, example };
    }, N.signInPer);
    if (batch < 0) {
      const q = new URL(example).searchParams;
      const missing = ['response_type', 'client_id', 'redirect_uri', 'state', 'code_challenge', 'code_challenge_method']
        .filter((k) => !q.get(k));
      if (missing.length) note(s.id, `sign-in URL lacks ${missing.join(', ')}`);
      lib(s.id).signInUrlHasNonce = Boolean(q.get('nonce'));
      s.signIn = [];
    } else {
      s.signIn.push(mean);
    }
  });
}
for (const s of alive('sign-in request')) lib(s.id).figures.signIn = summarize(s.signIn);

// Figure 4: callback handling, client-side time. Each round is a real redirect sign-in:
// buildSignInUrl() in the app page, navigation to the server's authorize endpoint (login and
// consent pages on oidc-provider), back on the redirect URI a fresh page load, the bundle
// imported, the client constructed (untimed), then handleCallback(url) timed; from it the
// token requests' network time is taken away.
async function signInRound(s, config, interact) {
  const url = await s.page.evaluate(() => globalThis.benchLib.buildSignInUrl());
  await s.page.goto(url, { waitUntil: 'domcontentloaded' });
  if (interact) await interact(s.page);
  if (new URL(s.page.url()).origin !== app.origin) throw new Error(`not back on the app: ${new URL(s.page.url()).pathname}`);
  await loadAndCreate(s.page, s.id, config);
  await s.page.evaluate(IN_PAGE_SPAN);
  const [t0, t1] = await s.page.evaluate(async () => {
    const url = window.__callbackUrl;
    if (!url) throw new Error('the page has no callback URL');
    const error = new URL(url).searchParams.get('error');
    if (error) throw new Error(`authorization error: ${error}`);
    return window.__span(() => globalThis.benchLib.handleCallback(url));
  });
  await sleep(30); // let the last requestfinished events arrive
  const m = s.requests.within(t0, t1);
  s.cb.client.push(t1 - t0 - m.network);
  s.cb.total.push(t1 - t0);
  s.cb.requests ??= m.requests;
}
const callbackSummary = (s, server) => ({ ...summarize(s.cb.client), total: summarize(s.cb.total), requests: s.cb.requests, server });

log(`figure 4 (oidc-provider): ${N.callbacksOp} sign-ins per library with login and consent ...`);
for (const s of sessions) { s.requests = trackRequests(s.context, [op.origin, stub.origin]); s.cb = { client: [], total: [] }; }
for (let r = 0; r < N.callbacksOp; r++) {
  await eachSession('oidc-provider sign-in', (s) => signInRound(s, opConfig, completeInteraction));
}
for (const s of sessions) {
  if (s.cb.client.length) lib(s.id).figures.callbackOp = callbackSummary(s, 'oidc-provider');
}
// The tokens work against the real server: a read and a forced refresh.
for (const s of sessions) {
  if (s.failed?.has('oidc-provider sign-in')) { lib(s.id).oidcProvider = { signIn: 'failed' }; continue; }
  const check = await s.page.evaluate(async () => {
    const out = {};
    const tokenOk = (t) => (typeof t === 'string' && t.length > 10 ? 'ok' : `returned ${typeof t}`);
    try { out.getToken = tokenOk(await globalThis.benchLib.getToken()); } catch (e) { out.getToken = String(e?.message || e); }
    try { await globalThis.benchLib.refresh(); out.refresh = 'ok'; } catch (e) { out.refresh = `${e?.code || e?.error || ''} ${e?.message || e}`.trim(); }
    try { out.afterRefresh = tokenOk(await globalThis.benchLib.getToken()); } catch (e) { out.afterRefresh = String(e?.message || e); }
    return out;
  });
  lib(s.id).oidcProvider = check;
  for (const [k, v] of Object.entries(check)) if (v !== 'ok') note(s.id, `oidc-provider ${k}: ${v.slice(0, 200)}`);
}

// Figures 4 (again), 5, 6 and 7 against the stub server (no login page, counted requests,
// chosen token lifetimes). A fresh page per library, which then stays signed in.
log(`figure 4 (stub server): ${N.callbacksStub} sign-ins per library ...`);
for (const s of sessions) {
  await s.context.close();
  const { context, page } = await newAppPage();
  Object.assign(s, { context, page, requests: trackRequests(context, [stub.origin]), cb: { client: [], total: [] } });
  try {
    await loadAndCreate(page, s.id, stubConfig);
  } catch (e) {
    s.ok = false;
    note(s.id, `create (stub) failed: ${errorText(e)}`);
  }
}
stub.expiresIn = 3600;
for (let r = 0; r < N.callbacksStub; r++) {
  await eachSession('stub sign-in', (s) => signInRound(s, stubConfig));
}
for (const s of sessions) {
  if (s.failed?.has('stub sign-in')) s.ok = false; // no tokens: figures 5-7 can't run
  else if (s.ok) lib(s.id).figures.callback = callbackSummary(s, 'stub');
}

// Figure 5: getToken() with a valid cached token, batches of 1,000 sequential calls.
log(`figure 5: cached getToken(), ${N.readBatches} x ${N.readPer} per library ...`);
stub.resetCounts();
for (const s of sessions) s.reads = [];
for (let batch = -1; batch < N.readBatches; batch++) {
  await eachSession('cached getToken', async (s) => {
    const r = await s.page.evaluate(async (per) => {
      let last;
      const t0 = performance.now();
      for (let i = 0; i < per; i++) last = await globalThis.benchLib.getToken();
      const t1 = performance.now();
      return { us: ((t1 - t0) / per) * 1000, ok: typeof last === 'string' && last.split('.').length === 3 };
    }, N.readPer);
    if (!r.ok) throw new Error('getToken() did not return the access token');
    if (batch >= 0) s.reads.push(r.us);
  });
}
for (const s of alive('cached getToken')) {
  lib(s.id).figures.cachedRead = { ...summarize(s.reads), calls: N.readBatches * N.readPer };
}
if (stub.counts.refresh_token) log(`warning: ${stub.counts.refresh_token} token requests during cached reads`);
results.tokenRequestsDuringCachedReads = stub.counts.refresh_token;

// Figure 6a: a forced refresh, client-side time (network taken away) and total.
log(`figure 6: forced refresh, ${N.refresh} per library; 50 concurrent reads on an expired token ...`);
for (const s of sessions) { s.refresh = { client: [], total: [] }; }
const CHUNK = 10;
for (let done = -CHUNK; done < N.refresh; done += CHUNK) { // the first chunk: warm-up
  await eachSession('forced refresh', async (s) => {
    const spans = await s.page.evaluate(async (n) => {
      const out = [];
      for (let i = 0; i < n; i++) out.push(await window.__span(() => globalThis.benchLib.refresh()));
      return out;
    }, CHUNK);
    if (done < 0) return;
    await sleep(30);
    for (const [t0, t1] of spans) {
      const { network, requests } = s.requests.within(t0, t1);
      if (!requests) throw new Error('a forced refresh sent no token request');
      s.refresh.client.push(t1 - t0 - network);
      s.refresh.total.push(t1 - t0);
    }
  });
}
for (const s of alive('forced refresh')) {
  lib(s.id).figures.refresh = { ...summarize(s.refresh.client), total: summarize(s.refresh.total) };
}

// Figure 6b: 50 concurrent getToken() on an expired access token: token requests sent.
// Every library gets a token that expires in 2 s (a forced refresh while the stub issues such
// tokens), the bench waits until all are expired, then each library in turn gets 50 calls.
for (const s of sessions) s.trials = [];
for (let t = 0; t < N.concurrentTrials; t++) {
  stub.expiresIn = 2;
  await eachSession('concurrent getToken', (s) => s.page.evaluate(() => globalThis.benchLib.refresh()));
  stub.expiresIn = 3600;
  await sleep(2600);
  await eachSession('concurrent getToken', async (s) => {
    stub.resetCounts();
    const outcome = await s.page.evaluate(async (n) => {
      const settled = await Promise.allSettled(Array.from({ length: n }, () => globalThis.benchLib.getToken()));
      const ok = settled.filter((x) => x.status === 'fulfilled' && typeof x.value === 'string');
      return {
        fulfilled: ok.length,
        rejected: settled.length - ok.length,
        distinctTokens: new Set(ok.map((x) => x.value)).size,
        firstError: settled.find((x) => x.status === 'rejected')?.reason?.message,
      };
    }, CONCURRENT);
    await sleep(300); // stragglers
    s.trials.push({ ...outcome, tokenRequests: stub.counts.refresh_token, reusedRefreshTokens: stub.counts.reused });
    if (outcome.rejected) note(s.id, `concurrent getToken() rejected: ${outcome.firstError}`);
  });
}
for (const s of alive('concurrent getToken')) {
  lib(s.id).figures.concurrent = { calls: CONCURRENT, trials: s.trials, tokenRequests: Math.max(...s.trials.map((x) => x.tokenRequests)) };
}

// Figure 7: memory after warm-up (all of the above), then after 10,000 cached reads and 1,000
// forced refreshes; CDP HeapProfiler.collectGarbage before each reading.
log(`figure 7: memory over ${N.memReads} reads and ${N.memRefreshes} refreshes per library ...`);
await eachSession('memory', async (s) => {
  const cdp = await s.context.newCDPSession(s.page);
  const measure = async () => {
    for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage');
    const heap = await cdp.send('Runtime.getHeapUsage');
    const wasm = await s.page.evaluate(() => globalThis.benchLib.wasmMemoryBytes?.() ?? null);
    return { jsHeapUsed: heap.usedSize, jsHeapTotal: heap.totalSize, wasmMemory: wasm };
  };
  await s.page.evaluate(() => performance.clearResourceTimings());
  const before = await measure();
  const ms = await s.page.evaluate(async ({ reads, refreshes }) => {
    const t0 = performance.now();
    for (let i = 0; i < reads; i++) await globalThis.benchLib.getToken();
    for (let i = 0; i < refreshes; i++) {
      await globalThis.benchLib.refresh();
      if (i % 100 === 99) performance.clearResourceTimings();
    }
    performance.clearResourceTimings();
    return performance.now() - t0;
  }, { reads: N.memReads, refreshes: N.memRefreshes });
  const after = await measure();
  lib(s.id).figures.memory = { before, after, reads: N.memReads, refreshes: N.memRefreshes, seconds: ms / 1000 };
  await cdp.detach();
});
for (const s of sessions) await s.context.close();

await b.close();
await Promise.all([app.close(), op.close(), stub.close()]);
results.machine.loadAverageAtEnd = os.loadavg().map((x) => Number(x.toFixed(2)));

// ---------------------------------------------------------------------------------------------
fs.mkdirSync(OUT_DIR, { recursive: true });
fs.writeFileSync(path.join(OUT_DIR, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(renderTable(results, libs));
log(`results: ${path.relative(process.cwd(), path.join(OUT_DIR, 'results.json'))}`);
