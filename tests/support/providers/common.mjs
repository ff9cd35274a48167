// Shared pieces of the provider fixtures (tests/support/providers/*.mjs): request recording,
// canned answers, CORS, HTTP/HTTPS listeners, a self-signed certificate, JWT helpers.
//
// Every fixture records each request as
//   { method, path, query, headers (lower-case names), contentType, rawBody,
//     form: [[k, v], ...] | null   (form bodies, in order, repeats kept),
//     body: object | null          (JSON object, or form fields: a repeated key -> array),
//     time }
// so tests can assert the exact wire format. Fixtures never log: requests carry secrets.
import http from 'node:http';
import https from 'node:https';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { closeServer } from '../static-server.mjs';

export const b64url = (buf) => Buffer.from(buf).toString('base64url');
export const rand = (n = 24) => b64url(crypto.randomBytes(n));
export const nowSecs = () => Math.floor(Date.now() / 1000);
export const sha256b64url = (s) => b64url(crypto.createHash('sha256').update(s).digest());

/** Parses a recorded body by its content type. */
export function parseBody(contentType, rawBody) {
  let form = null; let body = null;
  if (!rawBody) return { form, body };
  if (/^application\/(.+\+)?json\b/i.test(contentType || '')) {
    try { body = JSON.parse(rawBody); } catch { body = null; }
  } else if (/^application\/x-www-form-urlencoded\b/i.test(contentType || '')) {
    form = [...new URLSearchParams(rawBody)];
    body = {};
    for (const [k, v] of form) body[k] = k in body ? [].concat(body[k], v) : v;
  }
  return { form, body };
}

/** Reads the request body and returns its record (also pushed onto `requests`). */
export async function record(req, requests) {
  const u = new URL(req.url, 'http://x');
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 1 << 20) throw new Error('request body over 1 MiB');
    chunks.push(chunk);
  }
  const rawBody = Buffer.concat(chunks).toString('utf8');
  const contentType = req.headers['content-type'] || null;
  const rec = {
    method: req.method, path: u.pathname, query: Object.fromEntries(u.searchParams),
    headers: { ...req.headers }, contentType, rawBody, ...parseBody(contentType, rawBody), time: Date.now(),
  };
  requests.push(rec);
  return rec;
}

export function sendJson(res, status, body, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', pragma: 'no-cache', ...headers });
  res.end(JSON.stringify(body));
}

/**
 * A queue of canned answers: `push({status, json | text, headers, delayMs})`; `take()` the next
 * one or undefined; `send(res, c)` writes it (after its delay).
 */
export function cannedQueue() {
  const q = [];
  return {
    push: (c) => { q.push(c); },
    take: () => q.shift(),
    get length() { return q.length; },
    clear: () => { q.length = 0; },
    async send(res, c) {
      if (c.delayMs) await new Promise((r) => setTimeout(r, c.delayMs));
      if (res.destroyed) return;
      const isText = c.text !== undefined;
      res.writeHead(c.status ?? 200, {
        'content-type': isText ? 'text/html; charset=utf-8' : 'application/json', 'cache-control': 'no-store', ...(c.headers || {}),
      });
      res.end(isText ? c.text : JSON.stringify(c.json ?? {}));
    },
  };
}

/**
 * CORS as a provider's "allowed web origins": an exact origin in `origins` gets
 * Access-Control-Allow-Origin (never `*`), Vary: Origin, the listed allowed/exposed headers.
 * `credentials: true` adds Access-Control-Allow-Credentials.
 */
export function corsHeaders(req, { origins, allowHeaders = ['content-type'], exposeHeaders = [], methods = 'GET, POST, OPTIONS', credentials = false }) {
  const origin = req.headers.origin;
  if (!origin || !origins.has(origin)) return {};
  const h = {
    'access-control-allow-origin': origin,
    vary: 'Origin',
    'access-control-allow-methods': methods,
    'access-control-allow-headers': allowHeaders.join(', '),
    'access-control-max-age': '0',
  };
  if (exposeHeaders.length) h['access-control-expose-headers'] = exposeHeaders.join(', ');
  if (credentials) h['access-control-allow-credentials'] = 'true';
  return h;
}

export const originsOf = (urls) => new Set(urls.map((u) => new URL(u).origin));

/**
 * A self-signed P-256 certificate for `localhost` / 127.0.0.1, valid one day, made with openssl
 * in a temporary directory that is removed right away. Returns {key, cert} (PEM strings).
 */
export function selfSignedCert() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasm-oauth-cert-'));
  try {
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-days', '1', '-keyout', key, '-out', cert,
    ], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 20000 });
    return { key: fs.readFileSync(key, 'utf8'), cert: fs.readFileSync(cert, 'utf8') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Listens on 127.0.0.1, a free port. `tls` ({key, cert}) makes it HTTPS.
 * Returns {server, port, close()}.
 */
export async function listen(handler, { tls } = {}) {
  const server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, handler) : http.createServer(handler);
  await new Promise((resolve, reject) => { server.once('error', reject); server.listen(0, '127.0.0.1', resolve); });
  const { port } = server.address();
  return { server, port, close: () => closeServer(server) };
}

/** Wraps a handler: any exception answers 500 `{error: "server_error"}` (never the stack). */
export function guarded(fn) {
  return async (req, res) => {
    try { await fn(req, res); } catch {
      if (!res.headersSent) sendJson(res, 500, { error: 'server_error', error_description: 'fixture failure' });
      else res.end();
    }
  };
}

// ---- JWTs -----------------------------------------------------------------------------------

/** An RS256 key pair with a `kid`, and its public JWK. */
export function rsaKey() {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = rand(8);
  return { privateKey, kid, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } };
}

export function signRs256(payload, { privateKey, kid }, typ = 'JWT') {
  const head = b64url(JSON.stringify({ alg: 'RS256', typ, kid }));
  const body = b64url(JSON.stringify(payload));
  const sig = crypto.sign('sha256', Buffer.from(`${head}.${body}`), privateKey);
  return `${head}.${body}.${b64url(sig)}`;
}

export function decodeJwtParts(jwt) {
  const [h, p] = String(jwt).split('.');
  return { header: JSON.parse(Buffer.from(h, 'base64url').toString('utf8')), payload: JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) };
}

/** RFC 7638 thumbprint of an EC P-256 public JWK. */
export function ecThumbprint(jwk) {
  return sha256b64url(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }));
}

/**
 * Verifies a DPoP proof (RFC 9449 §4.3) for `method url`. Returns {ok: true, header, payload,
 * jkt} or {ok: false, reason}. Checks: three parts, typ dpop+jwt, alg ES256, an EC P-256 public
 * jwk in the header (no private part), the ES256 signature by that key, htm, htu (without query
 * and fragment), iat within `maxAgeSecs`, a string jti, `ath` when an access token is given.
 * Replay (jti) and nonce checks are the caller's.
 */
export function verifyDpopProof(proof, { method, url, accessToken, maxAgeSecs = 60 }) {
  try {
    const parts = String(proof).split('.');
    if (parts.length !== 3) return { ok: false, reason: 'not a compact JWS' };
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    if (header.typ !== 'dpop+jwt') return { ok: false, reason: 'typ is not dpop+jwt' };
    if (header.alg !== 'ES256') return { ok: false, reason: 'alg is not ES256' };
    const jwk = header.jwk;
    if (!jwk || jwk.kty !== 'EC' || jwk.crv !== 'P-256' || 'd' in jwk) return { ok: false, reason: 'bad jwk' };
    const key = crypto.createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, format: 'jwk' });
    const valid = crypto.verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(parts[2], 'base64url'));
    if (!valid) return { ok: false, reason: 'bad signature' };
    if (payload.htm !== method) return { ok: false, reason: 'htm mismatch' };
    const htu = new URL(url); htu.search = ''; htu.hash = '';
    if (payload.htu !== htu.href) return { ok: false, reason: 'htu mismatch' };
    if (typeof payload.iat !== 'number' || Math.abs(nowSecs() - payload.iat) > maxAgeSecs) return { ok: false, reason: 'iat not recent' };
    if (typeof payload.jti !== 'string' || payload.jti.length < 16) return { ok: false, reason: 'jti missing or short' };
    if (accessToken !== undefined && payload.ath !== sha256b64url(accessToken)) return { ok: false, reason: 'ath mismatch' };
    return { ok: true, header, payload, jkt: ecThumbprint(jwk) };
  } catch {
    return { ok: false, reason: 'undecodable' };
  }
}
