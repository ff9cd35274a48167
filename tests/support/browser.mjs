// Headless Chromium (Debian's /usr/bin/chromium) through playwright-core.
//
//   const b = await launchBrowser();   // { browser, context, newPage(), newContext(), close() }
//   const page = await b.newPage();    // a tab in b.context (tabs of one context share storage)
//   const other = await b.newContext() // an isolated context (own cookies/storage), e.g. a 2nd user
//   await b.close();                   // closes everything, removes the temporary profile
//
// Playwright's chromium.launch() starts Chromium with a fresh temporary --user-data-dir
// (os.tmpdir()/playwright_chromiumdev_profile-*) and deletes it on close; passing our own
// --user-data-dir to launch() is refused by Playwright. `close()` double-checks the removal.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage',
];

async function profileDirs() {
  const names = await fs.readdir(os.tmpdir()).catch(() => []);
  return new Set(names.filter((n) => n.startsWith('playwright_chromiumdev_profile-')));
}

/**
 * @param {object} [o]
 * @param {string[]} [o.args]          extra Chromium switches
 * @param {object} [o.contextOptions]  options for the default context (viewport, locale, ...)
 * @param {boolean} [o.capture=true]   collect console messages and page errors per page
 *                                     (page.consoleLines, page.pageErrors) for failure messages
 */
export async function launchBrowser({ args = [], contextOptions = {}, capture = true } = {}) {
  const before = await profileDirs();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, ...args],
    chromiumSandbox: false,
    timeout: 30000,
  });
  const ours = [...(await profileDirs())].filter((n) => !before.has(n));
  const contexts = new Set();
  const newContext = async (options = {}) => {
    const ctx = await browser.newContext(options);
    ctx.setDefaultTimeout(15000);
    ctx.setDefaultNavigationTimeout(20000);
    if (capture) ctx.on('page', capturePage);
    contexts.add(ctx);
    return ctx;
  };
  const context = await newContext(contextOptions);
  let closed = false;
  return {
    browser,
    context,
    newPage: () => context.newPage(),
    newContext,
    async close() {
      if (closed) return;
      closed = true;
      for (const ctx of contexts) await ctx.close().catch(() => {});
      await browser.close().catch(() => {});
      for (const n of ours) {
        await fs.rm(path.join(os.tmpdir(), n), { recursive: true, force: true, maxRetries: 3, retryDelay: 100 });
      }
    },
  };
}

function capturePage(page) {
  if (page.consoleLines) return;
  page.consoleLines = [];
  page.pageErrors = [];
  page.on('console', (m) => { if (page.consoleLines.length < 200) page.consoleLines.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => { if (page.pageErrors.length < 50) page.pageErrors.push(String(e?.stack || e)); });
}

/** A short diagnostic of a page (origin + path, page errors, last console lines) for assertion
 *  messages. Query strings are left out: they can carry authorization codes. */
export function describePage(page) {
  let where;
  try { const u = new URL(page.url()); where = u.origin + u.pathname; } catch { where = '?'; }
  const errors = page.pageErrors?.length ? `\npage errors:\n  ${page.pageErrors.join('\n  ')}` : '';
  const logs = page.consoleLines?.length ? `\nconsole:\n  ${page.consoleLines.slice(-20).join('\n  ')}` : '';
  return `page at ${where}${errors}${logs}`;
}
