#!/usr/bin/env node
// The demo's servers: www/ (index.html: ES module build, classic.html: classic script build)
// and pkg/ at /pkg/ on http://localhost:<port>/, an embedded OpenID Provider (oidc-provider,
// dev login: any login/password) on http://127.0.0.1:<port>, and /config.json for the pages:
//   {"issuer": "...", "clientId": "spa", "redirectUri": "http://localhost:<port>/",
//    "scope": "openid profile email offline_access"}
// Registered redirect URIs (and post-logout redirect URIs): /, /index.html, /classic.html.
//
//   node scripts/demo.mjs [--port 8080] [--access-token-ttl 120]   interactive; Ctrl-C stops
//   node scripts/demo.mjs --headless [--login alice]                signs in through both demo
//        pages in headless Chromium, prints the result, exits 0 (signed in) or 1
//
// Normally started by scripts/demo.sh, which installs and builds first.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startStaticServer, sendJson } from '../tests/support/static-server.mjs';
import { startAuthorizationServer } from '../tests/support/authorization-server.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SCOPE = 'openid profile email offline_access';
const CLIENT_ID = 'spa';

const { values: opts } = parseArgs({
  options: {
    headless: { type: 'boolean', default: false },
    port: { type: 'string' },
    'access-token-ttl': { type: 'string', default: '120' },
    login: { type: 'string', default: 'alice' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (opts.help) {
  console.log('usage: node scripts/demo.mjs [--headless] [--port N] [--access-token-ttl SECONDS] [--login NAME]');
  process.exit(0);
}

function need(file, hint) {
  if (!fs.existsSync(path.join(ROOT, file))) {
    console.error(`demo: ${file} is missing: ${hint}`);
    process.exit(1);
  }
}
need('pkg/wasm_oauth.js', 'run scripts/build.sh (or scripts/demo.sh) first');
need('pkg/wasm_oauth.classic.js', 'run scripts/build.sh (or scripts/demo.sh) first');
need('www/index.html', 'the demo pages (www/) are not there');

/** Starts everything; returns {appUrl, issuer, close()}. */
export async function startDemo({ port = 0, accessTokenTTL = 120 } = {}) {
  const routes = {};
  let app;
  try {
    app = await startStaticServer({ root: path.join(ROOT, 'www'), mounts: { '/pkg/': path.join(ROOT, 'pkg') }, routes, port });
  } catch (err) {
    if (err.code !== 'EADDRINUSE' || !port) throw err;
    console.error(`demo: port ${port} is busy, using a free one`);
    app = await startStaticServer({ root: path.join(ROOT, 'www'), mounts: { '/pkg/': path.join(ROOT, 'pkg') }, routes });
  }
  const pages = ['/', '/index.html', '/classic.html'].map((p) => app.origin + p);
  let op;
  try {
    op = await startAuthorizationServer({ redirectUris: pages, postLogoutRedirectUris: pages, accessTokenTTL });
  } catch (err) {
    await app.close();
    throw err;
  }
  const config = { issuer: op.issuer, clientId: CLIENT_ID, redirectUri: `${app.origin}/`, scope: SCOPE };
  routes['/config.json'] = (req, res) => sendJson(res, 200, config);
  return {
    appUrl: `${app.origin}/`,
    issuer: op.issuer,
    config,
    close: () => Promise.all([app.close(), op.close()]),
  };
}

async function headless(demo) {
  const { launchBrowser, describePage } = await import('../tests/support/browser.mjs');
  const { login } = await import('../tests/support/authorization-server.mjs');
  const browser = await launchBrowser();
  let ok = true;
  try {
    for (const [label, pagePath] of [['ES module build', ''], ['classic script build', 'classic.html']]) {
      // A fresh context per page: its own storage and provider session (login form each time).
      const context = await browser.newContext();
      const page = await context.newPage();
      try {
        await page.goto(demo.appUrl + pagePath, { waitUntil: 'domcontentloaded' });
        await page.waitForSelector('#sign-in:not([disabled])', { timeout: 20000 });
        const status0 = await page.textContent('#status');
        if (status0 !== 'signed out') throw new Error(`status before sign-in is "${status0}"`);
        await Promise.all([
          page.waitForURL((u) => u.origin === new URL(demo.issuer).origin, { waitUntil: 'domcontentloaded', timeout: 20000 }),
          page.click('#sign-in'),
        ]);
        await login(page, { login: opts.login, password: 'demo' });
        await page.waitForFunction(() => {
          const s = document.getElementById('status')?.textContent;
          return s === 'signed in' || !document.getElementById('error')?.hidden;
        }, null, { timeout: 20000 });
        const result = await page.evaluate(() => ({
          status: document.getElementById('status').textContent,
          error: document.getElementById('error').hidden ? null : document.getElementById('error').textContent,
          user: JSON.parse(document.getElementById('user').textContent || 'null'),
          expiresIn: document.getElementById('expires-in').dataset.seconds,
          search: location.search,
        }));
        if (result.status !== 'signed in' || result.error) {
          throw new Error(`not signed in: status "${result.status}", error ${result.error}`);
        }
        if (result.user?.sub !== opts.login) throw new Error(`getUser().sub is ${JSON.stringify(result.user?.sub)}, expected "${opts.login}"`);
        if (/[?&](code|state)=/.test(result.search)) throw new Error('code/state still in the address bar after the callback');
        const expiresIn = Number(result.expiresIn);
        if (!(expiresIn > 0)) throw new Error(`access token expiry not shown (${result.expiresIn})`);
        console.log(`demo --headless: ${label}: signed in as sub=${result.user.sub} name="${result.user.name}" email=${result.user.email}; access token expires in ${expiresIn} s`);
      } catch (err) {
        ok = false;
        console.error(`demo --headless: ${label}: FAILED: ${err.message}\n${describePage(page)}`);
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
  }
  return ok;
}

const demo = await startDemo({
  port: opts.port !== undefined ? Number(opts.port) : (opts.headless ? 0 : 8080),
  accessTokenTTL: Number(opts['access-token-ttl']),
});

if (opts.headless) {
  let ok = false;
  try {
    ok = await headless(demo);
  } catch (err) {
    console.error(`demo --headless: ${err.stack || err}`);
  } finally {
    await demo.close();
  }
  console.log(ok ? 'demo --headless: OK' : 'demo --headless: FAILED');
  process.exit(ok ? 0 : 1);
} else {
  console.log(`
wasm-oauth demo
  ES module build:       ${demo.appUrl}
  classic script build:  ${demo.appUrl}classic.html
  authorization server:  ${demo.issuer}  (client "spa"; sign in with any login and password)
  access tokens live ${opts['access-token-ttl']} s; press Ctrl-C to stop.
`);
  let stopping = false;
  const stop = async (signal) => {
    if (stopping) process.exit(130);
    stopping = true;
    console.log(`\ndemo: ${signal}, stopping`);
    await demo.close();
    process.exit(0);
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
