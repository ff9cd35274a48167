// Browser-side steps shared by the provider e2e suites (tests/e2e/providers-*.test.mjs):
// open a page with the package loaded, create the sign-in URL, follow the provider's redirect
// back to the callback page, and complete the callback — each returning plain values.
import assert from 'node:assert/strict';
import { describePage } from '../browser.mjs';
import { loadLib, redact } from '../../e2e/helpers.mjs';

/**
 * A new tab in `context` (or the browser's default context) at `url`, with `window.lib`
 * (`{ full: true }`: the `wasm-oauth/full` entry, see loadLib).
 */
export async function openWithLib(browserOrContext, url, entry = {}) {
  const page = await browserOrContext.newPage();
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  const loaded = await loadLib(page, entry);
  assert.ok(loaded.ok, `init() failed: ${loaded.error}\n${describePage(page)}`);
  return page;
}

/** createSignInUrl in the page; returns {url: URL, query: {..}}. */
export async function createSignInUrl(page, config, options) {
  const r = await page.evaluate(([cfg, opts]) => attempt(() => new lib.AuthClient(cfg).createSignInUrl(opts)), [config, options]);
  assert.ok(r.value, `createSignInUrl failed: ${JSON.stringify(r.error)}`);
  const url = new URL(r.value);
  return { url, query: Object.fromEntries(url.searchParams) };
}

/** Follows the authorize URL (the fixture redirects straight back) and reloads the library (`entry`: see loadLib). */
export async function followRedirect(page, url, callbackPath = '/callback.html', entry = {}) {
  await page.goto(String(url), { waitUntil: 'domcontentloaded' });
  const back = new URL(page.url());
  assert.equal(back.pathname, callbackPath, `not back on the callback page: ${describePage(page)}`);
  const loaded = await loadLib(page, entry);
  assert.ok(loaded.ok, `init() failed on the callback page: ${loaded.error}`);
  return back;
}

/** handleCallback() from the address bar; returns {value: {result, tokens, user, search}} or {error}. */
export function completeCallback(page, config) {
  return page.evaluate((cfg) => attempt(async () => {
    const client = new lib.AuthClient(cfg);
    const result = await client.handleCallback();
    return { result, tokens: client.getTokens(), user: client.getUser(), search: location.search };
  }), config);
}

/** Runs `fn(lib, client, arg)` in the page through attempt(); fn is serialised, so it must be self-contained. */
export function inPage(page, config, fn, arg) {
  return page.evaluate(([cfg, src, a]) => {
    // eslint-disable-next-line no-new-func
    const f = new Function('lib', 'client', 'arg', `return (${src})(lib, client, arg);`);
    return attempt(() => f(lib, new lib.AuthClient(cfg), a));
  }, [config, fn.toString(), arg]);
}

/** Sorted keys of an object (for exact field-set assertions). */
export const keys = (o) => Object.keys(o || {}).sort();

/** A failure message for an attempt() result: the error, or only the redacted shape of a value
 *  (never a token or code in the log). */
export const show = (r) => JSON.stringify(r && r.error ? { error: r.error } : redact(r));
