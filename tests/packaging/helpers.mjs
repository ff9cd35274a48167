// Helpers of the packaging suite (tests/packaging/*.test.mjs): pack pkg/ once, install the
// tarball into throw-away consumer projects under os.tmpdir(), run tools there with bounded
// time, and drive a sign-in through a consumer page.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import { existsSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describePage } from '../support/browser.mjs';
import { login } from '../support/authorization-server.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const PKG = path.join(ROOT, 'pkg');
export const FIXTURES = path.join(ROOT, 'tests/packaging/fixtures');

/** Exact versions the consumer projects install (from the npm cache when it has them). */
export const VITE = 'vite@7.3.8';
export const TYPESCRIPT = 'typescript@5.9.3';
const NPM_FLAGS = ['--no-audit', '--no-fund', '--prefer-offline', '--save-exact', '--loglevel=error'];

/**
 * Runs a command without a shell; resolves {code, signal, stdout, stderr, ms}. Killed (SIGKILL,
 * this child only) after `timeout` ms, which then rejects with the output so far.
 */
export function run(cmd, args, { cwd, env, timeout = 120000, input } = {}) {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')}: no exit within ${timeout} ms\nstdout: ${stdout.slice(-2000)}\nstderr: ${stderr.slice(-2000)}`));
    }, timeout);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout, stderr, ms: Date.now() - t0 }); });
    child.stdin.end(input);
  });
}

/** `run`, asserting exit code 0 (the output goes into the failure message). */
export async function runOk(cmd, args, opts) {
  const r = await run(cmd, args, opts);
  assert.equal(r.code, 0, `${cmd} ${args.join(' ')} (in ${opts?.cwd}) exited with ${r.code ?? r.signal}\nstdout:\n${r.stdout.slice(-4000)}\nstderr:\n${r.stderr.slice(-4000)}`);
  return r;
}

/** The last line of a script's stdout, parsed as JSON. */
export function lastJsonLine(stdout) {
  const line = stdout.trim().split('\n').pop();
  try { return JSON.parse(line); } catch { throw new Error(`no JSON on the last line of stdout:\n${stdout.slice(-2000)}`); }
}

/** `npm pack` of pkg/ into `dir`: {tarball, files (paths in the tarball), size}. */
export async function packPkg(dir) {
  if (!existsSync(path.join(PKG, 'package.json')) || !existsSync(path.join(PKG, 'wasm_oauth_bg.wasm'))) {
    throw new Error('pkg/ is missing or incomplete: run scripts/build.sh first');
  }
  const r = await runOk('npm', ['pack', '--json', '--pack-destination', dir], { cwd: PKG, timeout: 60000 });
  const [info] = JSON.parse(r.stdout.slice(r.stdout.indexOf('[')));
  return { tarball: path.join(dir, info.filename), files: info.files.map((f) => f.path).sort(), size: info.size, name: info.name, version: info.version };
}

/**
 * A consumer project `<tmp>/<name>` with a package.json ("type": "module"), the tarball and
 * `deps` installed from the registry (exact versions). Returns its directory.
 */
export async function makeProject(tmp, name, tarball, deps = []) {
  const dir = path.join(tmp, name);
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: `consumer-${name}`, private: true, version: '0.0.0', type: 'module' }, null, 2));
  await runOk('npm', ['install', ...NPM_FLAGS, tarball, ...deps], { cwd: dir, timeout: 240000 });
  return dir;
}

/** Copies fixture files or directories into a project. */
export async function copyFixture(from, to) {
  await fs.cp(path.join(FIXTURES, from), to, { recursive: true });
}

/**
 * Waits until the test page's #status leaves "loading": {state, text}
 * (signed-in | signed-out | error).
 */
export async function pageState(page, timeout = 20000) {
  await page.waitForFunction(() => {
    const s = document.getElementById('status')?.dataset.state;
    return s && s !== 'loading';
  }, null, { timeout }).catch(() => {});
  return page.evaluate(() => {
    const el = document.getElementById('status');
    return { state: el?.dataset.state ?? '(no #status)', text: el?.textContent ?? '' };
  });
}

/**
 * A full sign-in through a consumer page (fixtures/pages/ui.js): open it, click #sign-in,
 * log in and consent at oidc-provider, come back, and read the outcome in the page:
 * {sub, email, tokenLength, sameAsStored, userinfo (status, sub), search}.
 */
export async function signInThroughPage(page, url, op, who = 'alice') {
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  const first = await pageState(page);
  assert.equal(first.state, 'signed-out', `before sign-in: ${first.text}\n${describePage(page)}`);
  await Promise.all([
    page.waitForURL((u) => u.origin === op.issuer, { waitUntil: 'domcontentloaded', timeout: 20000 }),
    page.click('#sign-in'),
  ]);
  await login(page, { login: who });
  const back = new URL(page.url());
  assert.equal(back.origin + back.pathname, new URL(url).origin + new URL(url).pathname, `came back to the page\n${describePage(page)}`);
  const after = await pageState(page);
  assert.equal(after.state, 'signed-in', `after the callback: ${after.text}\n${describePage(page)}`);
  return page.evaluate(async (issuer) => {
    const token = await window.auth.getToken();
    const me = await fetch(`${issuer}/me`, { headers: { authorization: `Bearer ${token}` } });
    const user = window.auth.getUser();
    return {
      sub: user?.sub, email: user?.email, tokenLength: token.length,
      sameAsStored: token === window.auth.getTokens()?.accessToken,
      userinfo: { status: me.status, sub: (await me.json()).sub },
      search: location.search,
    };
  }, op.issuer);
}

/**
 * A tiny OAuth token endpoint for client credentials on 127.0.0.1: `POST /token`, form bodies.
 * Clients: reporting-job (client_secret_post, secret s3cret-post), basic-job (HTTP Basic,
 * secret s3cret:basic). Anything else: 401 {error: "invalid_client"}. Every request is recorded.
 */
export async function startTokenEndpoint() {
  const secrets = { 'reporting-job': 's3cret-post', 'basic-job': 's3cret:basic' };
  const requests = [];
  let issued = 0;
  const server = http.createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const url = new URL(req.url, 'http://x');
    requests.push({ method: req.method, path: url.pathname, headers: req.headers, body });
    const send = (status, json) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(json));
    };
    if (req.method !== 'POST' || url.pathname !== '/token') return send(404, { error: 'not_found' });
    const form = new URLSearchParams(body);
    let id = form.get('client_id');
    let secret = form.get('client_secret');
    const auth = req.headers.authorization;
    if (auth?.startsWith('Basic ')) {
      // RFC 6749 §2.3.1: id and secret form-encoded, then joined by ':' and base64-encoded.
      const decoded = Buffer.from(auth.slice(6), 'base64').toString();
      const colon = decoded.indexOf(':');
      const unform = (s) => decodeURIComponent(s.replace(/\+/g, ' '));
      id = unform(decoded.slice(0, colon));
      secret = unform(decoded.slice(colon + 1));
    }
    if (form.get('grant_type') !== 'client_credentials') return send(400, { error: 'unsupported_grant_type' });
    if (!id || secrets[id] !== secret) return send(401, { error: 'invalid_client', error_description: 'client authentication failed' });
    issued += 1;
    send(200, { access_token: `cc-token-${issued}-${id}`, token_type: 'Bearer', expires_in: 3600, ...(form.get('scope') ? { scope: form.get('scope') } : {}) });
  });
  await new Promise((resolve, reject) => { server.once('error', reject); server.listen(0, '127.0.0.1', resolve); });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/token`,
    requests,
    close: () => new Promise((resolve) => { server.close(() => resolve()); server.closeAllConnections?.(); }),
  };
}

/** Resolves when `child`'s stdout (or stderr) matches `re`; rejects on exit or after `timeout`. */
export function waitForOutput(child, re, timeout = 60000) {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (d) => {
      seen += d;
      const m = seen.replace(/\x1b\[[0-9;]*m/g, '').match(re);
      if (m) { done(); resolve(m); }
    };
    const onExit = (code) => { done(); reject(new Error(`exited (${code}) before printing ${re}:\n${seen.slice(-2000)}`)); };
    const timer = setTimeout(() => { done(); reject(new Error(`no ${re} within ${timeout} ms:\n${seen.slice(-2000)}`)); }, timeout);
    function done() {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.stderr.off('data', onData);
      child.off('exit', onExit);
    }
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', onExit);
  });
}

/** Stops a child process this suite started (SIGTERM, then SIGKILL after 5 s). */
export async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

export const tmpRoot = () => fs.mkdtemp(path.join(os.tmpdir(), 'wasm-oauth-packaging-'));
