// Where a forced refresh's client-side time goes, per storage kind: one page, `fetch` answered
// at once by a stub (no network), 40 `refresh()` calls per client after one sign-in; then the
// cost of the browser primitives the cross-tab safety uses (a Web Lock, an IndexedDB read and
// write). Per storage kind it also splits a refresh into the flow runs (time inside the wasm
// `run` export, measured by wrapping the module's exports; the JSON in and out of a run are not
// included) and the waits for effects (from the run that asked for one to the next run: the
// effect itself plus the JavaScript around it), in all and per effect.
// Prints medians in ms as JSON (performance.now() is coarsened to 0.1 ms in a page that is
// not cross-origin isolated, so the per-run figures are sums of coarse readings).
//
//   node bench/refresh-by-storage.mjs        (needs pkg/: bash scripts/build.sh)
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startStaticServer } from "../tests/support/static-server.mjs";
import { launchBrowser } from "../tests/support/browser.mjs";

const PKG = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "pkg");
const app = await startStaticServer({
  root: PKG,
  routes: { "/": (req, res) => res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>bench</title>") },
});
let b;
try {
  b = await launchBrowser();
  const page = await b.newPage();
  await page.goto(app.url);
  console.log(JSON.stringify(await page.evaluate(async () => {
    const middle = (values) => values.sort((a, b) => a - b)[values.length >> 1];
    const median = async (f) => {
      const times = [];
      for (let i = 0; i < 40; i++) {
        const t0 = performance.now();
        await f();
        times.push(performance.now() - t0);
      }
      return middle(times);
    };
    // Every run of the module, with its start, its duration and the effect it answered with.
    let runs = [];
    const instantiate = WebAssembly.instantiateStreaming;
    WebAssembly.instantiateStreaming = async (response) => {
      const { module, instance } = await instantiate(response);
      const { memory, alloc, run } = instance.exports;
      const text = new TextDecoder();
      const timed = () => {
        const t0 = performance.now();
        const out = run();
        const t1 = performance.now();
        const at = new DataView(memory.buffer);
        const answer = text.decode(new Uint8Array(memory.buffer, at.getUint32(out, true), at.getUint32(out + 4, true)));
        runs.push({ t0, t1, effect: /^\{"effect":\{"e":"(\w+)"/.exec(answer)?.[1] });
        return out;
      };
      return { module, instance: { exports: { memory, alloc, run: timed } } };
    };
    const m = await import("/wasm_oauth.js");
    await m.default();
    let n = 0;
    window.fetch = async () => new Response(JSON.stringify({ access_token: `at${++n}`, token_type: "Bearer", expires_in: 3600, refresh_token: `rt${n}` }),
      { status: 200, headers: { "content-type": "application/json" } });
    const out = { refresh: {}, runs: {}, primitives: {} };
    for (const storage of ["session", "local", "memory"]) {
      const client = new m.AuthClient({ clientId: `c-${storage}`, redirectUri: `${location.origin}/cb`, storage,
        authorizationEndpoint: "https://as.example/authorize", tokenEndpoint: "https://as.example/token" });
      const state = new URL(await client.createSignInUrl()).searchParams.get("state");
      await client.handleCallback(`${location.origin}/cb?code=c&state=${state}`);
      out.refresh[storage] = await median(() => client.refresh());
      // One refresh at a time, split into its runs and its waits.
      const split = { total: [], runs: [], inWasm: [], waits: [], wait: {} };
      for (let i = 0; i < 40; i++) {
        runs = [];
        const t0 = performance.now();
        await client.refresh();
        split.total.push(performance.now() - t0);
        split.runs.push(runs.length);
        split.inWasm.push(runs.reduce((sum, r) => sum + r.t1 - r.t0, 0));
        split.waits.push(runs.reduce((sum, r, j) => sum + (r.effect && j + 1 < runs.length ? runs[j + 1].t0 - r.t1 : 0), 0));
        runs.forEach((r, j) => r.effect && j + 1 < runs.length && (split.wait[r.effect] ??= []).push(runs[j + 1].t0 - r.t1));
      }
      out.runs[storage] = { total: middle(split.total), runs: middle(split.runs), inWasm: middle(split.inWasm), waits: middle(split.waits),
        wait: Object.fromEntries(Object.entries(split.wait).map(([effect, times]) => [effect, middle(times)])) };
    }
    const db = await new Promise((resolve, reject) => {
      const open = indexedDB.open("bench", 1);
      open.onupgradeneeded = () => open.result.createObjectStore("kv");
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const idb = (mode, method, ...args) => new Promise((resolve, reject) => {
      const request = db.transaction("kv", mode).objectStore("kv")[method](...args);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    out.primitives.webLock = await median(() => navigator.locks.request("bench", async () => {}));
    out.primitives.idbGet = await median(() => idb("readonly", "get", "k"));
    out.primitives.idbPut = await median(() => idb("readwrite", "put", "v".repeat(300), "k"));
    return out;
  }), (_, v) => (typeof v === "number" ? Number(v.toFixed(2)) : v)));
} finally {
  await b?.close();
  await app.close();
}
