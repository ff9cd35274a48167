// Shared set-up for the e2e suites: the test pages + the package on http://localhost:<port>/.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { startStaticServer } from '../support/static-server.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const PKG = path.join(ROOT, 'pkg');
export const PAGES = path.join(ROOT, 'tests/e2e/pages');

/** Serves tests/e2e/pages at / and pkg/ at /pkg/ on http://localhost:<free port>/. */
export async function startApp({ headers, routes, requirePkg = true } = {}) {
  if (requirePkg && !fs.existsSync(path.join(PKG, 'wasm_oauth.js'))) {
    throw new Error(`${path.relative(ROOT, PKG)}/wasm_oauth.js is missing: run scripts/build.sh first`);
  }
  const app = await startStaticServer({ root: PAGES, mounts: { '/pkg/': PKG }, headers, routes });
  return { ...app, callbackUrl: `${app.origin}/callback.html`, homeUrl: `${app.origin}/` };
}

/**
 * Loads the ES module build in the page and runs its init(); afterwards `window.lib` is the
 * module namespace and `window.attempt(fn, ms = 20000)` runs `fn` and resolves to {value} or, for
 * a throw/rejection, {error: {name, code, description, status, message}} (AuthError fields kept,
 * which Playwright's own error transport would drop). After `ms` it resolves to
 * {error: {code: 'test_timeout'}}: a library promise that never settles (a bug) would otherwise
 * hang the test, and page.evaluate has no timeout of its own. (A wasm trap is not that: it
 * rejects the call with the RuntimeError, see tests/node/loader.test.mjs.)
 * With `full`, the `wasm-oauth/full` entry (pkg/wasm_oauth_full.js: DPoP and the ID token
 * signature check) instead of the core one.
 * Returns {ok, exports} or {ok: false, error}.
 */
export async function loadLib(page, { full = false } = {}) {
  return page.evaluate(async (entry) => {
    window.attempt = async (fn, ms = 20000) => {
      let timer;
      const timeout = new Promise((resolve) => {
        timer = setTimeout(() => resolve({ error: { code: 'test_timeout', message: `no answer within ${ms} ms` } }), ms);
      });
      const run = (async () => {
        try { return { value: await fn() }; } catch (e) {
          return { error: { name: e?.name, code: e?.code, description: e?.description, status: e?.status, message: e?.message } };
        }
      })();
      try { return await Promise.race([run, timeout]); } finally { clearTimeout(timer); }
    };
    try {
      const lib = await import(entry);
      await Promise.race([lib.default(), new Promise((_, reject) => setTimeout(() => reject(new Error('init() did not settle in 20 s')), 20000))]);
      window.lib = lib;
      return { ok: true, exports: Object.keys(lib).sort() };
    } catch (e) {
      return { ok: false, error: `${e?.name}: ${e?.message}` };
    }
  }, full ? '/pkg/wasm_oauth_full.js' : '/pkg/wasm_oauth.js');
}

/** Query parameters of a URL as a plain object (the last value of a repeated key wins). */
export const params = (url) => Object.fromEntries(new URL(url).searchParams);

// ---- assertions on values that carry tokens, codes or verifiers ------------------------------
// node:assert prints both values when an assertion fails; these print only a redacted shape
// (key names, string lengths), so a failing run never puts a token or code in the log.
/** A value's shape without its secrets: strings become "<N chars>". */
export function redact(v) {
  if (typeof v === 'string') return `<${v.length} chars>`;
  if (Array.isArray(v)) return v.map(redact);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redact(x)]));
  return v;
}
const fail = (message, actual, expected) => {
  throw new assert.AssertionError({ message: `${message} (values redacted: actual ${JSON.stringify(redact(actual))}${expected === undefined ? '' : `, expected ${JSON.stringify(redact(expected))}`})` });
};
export function secretEqual(actual, expected, message) {
  if (!isDeepStrictEqual(actual, expected)) fail(message, actual, expected);
}
export function secretNotEqual(actual, other, message) {
  if (isDeepStrictEqual(actual, other)) fail(message, actual);
}
export function secretMatch(actual, re, message) {
  if (typeof actual !== 'string' || !re.test(actual)) fail(`${message}: expected to match ${re}`, actual);
}
