// A small OAuth authorization server for the security e2e suites: PKCE code flow with rotating
// refresh tokens, a log of every authorization code and refresh token it receives, and fault
// injection on the token endpoint.
//
//   const fs = await startFaultServer({ clientId: 'fault-app', redirectUris: [app.callbackUrl] });
//   fs.url, fs.authorizationEndpoint (/authorize), fs.tokenEndpoint (/token)
//   fs.fault('500')                  // the next token request gets a 500 (see FAULTS)
//   fs.fault('hang', { times: 2 })   // the next two
//   fs.clearFaults()
//   fs.issue()                       // tokens made server-side (for seeding a stored record)
//   fs.refreshLog                    // [{token, time, outcome: 'ok'|'reused'|'unknown'|'fault:<mode>'}]
//   fs.codeLog                       // [{code, time, outcome}]
//   fs.reusedRefreshTokens()         // refresh tokens the endpoint received more than once
//   fs.tokenRequests()               // every POST /token: {time, grant, body, headers, fault}
//   fs.close()
//
// Authorize: GET /authorize?response_type=code&client_id&redirect_uri&state&code_challenge
// &code_challenge_method=S256[&nonce][&scope] redirects straight back with `code` and `state`
// (and `iss` when `issParam` is set). PKCE `plain` or no challenge: error=invalid_request.
// Token: form bodies. A code is single-use (a second exchange is invalid_grant); refresh tokens
// rotate (a reused one is invalid_grant and, as RFC 9700 §4.14.2 suggests, revokes the whole
// family). ID tokens (scope openid) are HS256 JWTs with iss = fs.url, aud = clientId, nonce.
//
// Connections: `Connection: close` on every answer unless `keepAlive` (see below).
// CORS: Access-Control-Allow-Origin for the origins of redirectUris + corsOrigins, except in
// the `no-cors` fault. Binds 127.0.0.1 on a free port; close() also ends hanging requests.
import http from 'node:http';
import crypto from 'node:crypto';
import { closeServer } from './static-server.mjs';

const b64url = (buf) => Buffer.from(buf).toString('base64url');
const rand = (n = 24) => b64url(crypto.randomBytes(n));
const s256 = (v) => b64url(crypto.createHash('sha256').update(v).digest());
const now = () => Math.floor(Date.now() / 1000);

function hs256(payload, key) {
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify(payload));
  return `${head}.${body}.${b64url(crypto.createHmac('sha256', key).update(`${head}.${body}`).digest())}`;
}

/**
 * Token-endpoint faults. Each answers without looking at the grant (nothing is consumed).
 *   500            500 text/plain "Internal Server Error"
 *   500-json       500 {"error":"server_error","error_description":"database down"}
 *   503            503 text/html page
 *   503-json       503 {"error":"temporarily_unavailable","error_description":"maintenance"} + Retry-After
 *   429            429 {"message":"slow down"} + Retry-After: 2 (no OAuth error code)
 *   html-200       200 text/html (a login page, as a misconfigured proxy sends)
 *   html-500       500 text/html
 *   truncated-json 200 application/json, a token response cut in the middle
 *   empty-200      200 with an empty body
 *   hang           never answers (until close())
 *   reset          destroys the connection without an answer
 *   no-cors        a valid-looking 200 token response without Access-Control-Allow-Origin
 *   invalid_grant  400 {"error":"invalid_grant"} (a definitive failure, for contrast)
 *   slow           answers normally (processing the grant) after `delayMs` (default 300)
 */
export const FAULTS = ['500', '500-json', '503', '503-json', '429', 'html-200', 'html-500', 'truncated-json',
  'empty-200', 'hang', 'reset', 'no-cors', 'invalid_grant', 'slow'];

/**
 * @param {object} o
 * @param {string[]} o.redirectUris
 * @param {string} [o.clientId='fault-app']
 * @param {string[]} [o.corsOrigins]
 * @param {number} [o.expiresIn=3600]        expires_in of issued access tokens
 * @param {number} [o.refreshDelayMs=0]      delay before answering a refresh (widens races)
 * @param {boolean} [o.refreshIdToken=false] include a new ID token in refresh answers
 * @param {string} [o.issParam]              `iss` added to authorization responses
 * @param {boolean} [o.keepAlive=false]      false: every answer says `Connection: close`, so the
 *        browser never reuses a connection. Chromium resends a request (POST included) once when
 *        a *reused* keep-alive connection is reset before any answer; without reuse, a request
 *        the endpoint sees twice was sent twice by the library.
 */
export async function startFaultServer(o = {}) {
  const {
    redirectUris = [], clientId = 'fault-app', corsOrigins = [], expiresIn = 3600,
    refreshDelayMs = 0, refreshIdToken = false, issParam, keepAlive = false,
  } = o;
  const origins = new Set([...redirectUris, ...corsOrigins].map((u) => new URL(u).origin));
  const idKey = rand();
  const faults = [];               // [{mode, delayMs}]
  const codes = new Map();         // code -> {challenge, redirectUri, scope, nonce, used}
  const families = new Map();      // family id -> {active: refresh token | null, revoked}
  const refreshTokens = new Map(); // token -> family id
  const refreshLog = [];
  const codeLog = [];
  const requests = [];
  const hanging = new Set();
  let url;
  let serial = 0;

  const cors = (req, res) => {
    const origin = req.headers.origin;
    if (origin && origins.has(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Allow-Headers', 'content-type, authorization, dpop');
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    }
  };
  const send = (res, status, body, type = 'application/json', headers = {}) => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const fail = (res, error, description, status = 400) => send(res, status, { error, error_description: description });

  function issue({ scope = 'openid', nonce, family, withIdToken = true, sub = 'user-1' } = {}) {
    serial += 1;
    const fam = family ?? `f${serial}_${rand(6)}`;
    const refresh_token = `rt_${serial}_${rand()}`;
    const f = families.get(fam) || { revoked: false };
    f.active = refresh_token;
    families.set(fam, f);
    refreshTokens.set(refresh_token, fam);
    const out = { access_token: `at_${serial}_${rand()}`, token_type: 'Bearer', expires_in: expiresIn, refresh_token, scope };
    if (withIdToken && /(^|\s)openid(\s|$)/.test(scope)) {
      const iat = now();
      out.id_token = hs256({ iss: url, sub, aud: clientId, exp: iat + 3600, iat, ...(nonce ? { nonce } : {}) }, idKey);
    }
    return out;
  }

  function authorize(res, q) {
    if (q.client_id !== clientId || !redirectUris.includes(q.redirect_uri)) {
      return send(res, 400, '<h1>unknown client or redirect_uri</h1>', 'text/html');
    }
    const back = new URL(q.redirect_uri);
    const set = (k, v) => { if (v !== undefined) back.searchParams.set(k, v); };
    if (q.response_type !== 'code' || q.code_challenge_method !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(q.code_challenge || '')) {
      set('error', 'invalid_request'); set('error_description', 'PKCE S256 required');
    } else {
      const code = `code_${rand()}`;
      codes.set(code, { challenge: q.code_challenge, redirectUri: q.redirect_uri, scope: q.scope || 'openid', nonce: q.nonce, used: false });
      set('code', code);
    }
    set('state', q.state);
    set('iss', issParam);
    res.writeHead(302, { location: back.href, 'cache-control': 'no-store' });
    res.end();
  }

  async function faultAnswer(req, res, fault) {
    const retryAfter = { 'retry-after': '2' };
    switch (fault.mode) {
      case '500': return send(res, 500, 'Internal Server Error', 'text/plain');
      case '500-json': return send(res, 500, { error: 'server_error', error_description: 'database down' });
      case '503': return send(res, 503, '<html><body><h1>503 Service Unavailable</h1></body></html>', 'text/html', retryAfter);
      case '503-json': return send(res, 503, { error: 'temporarily_unavailable', error_description: 'maintenance' }, 'application/json', retryAfter);
      case '429': return send(res, 429, { message: 'slow down' }, 'application/json', retryAfter);
      case 'html-200': return send(res, 200, '<!DOCTYPE html><html><body><form>Sign in</form></body></html>', 'text/html');
      case 'html-500': return send(res, 500, '<html><body>Internal error</body></html>', 'text/html');
      case 'truncated-json': return send(res, 200, '{"access_token":"at_truncated","token_type":"Bea');
      case 'empty-200': return send(res, 200, '');
      case 'hang': hanging.add(res); res.on('close', () => hanging.delete(res)); return undefined;
      case 'reset': req.socket.destroy(); return undefined;
      case 'no-cors':
        res.removeHeader('Access-Control-Allow-Origin');
        return send(res, 200, { access_token: 'at_no_cors', token_type: 'Bearer', expires_in: 3600, refresh_token: 'rt_no_cors' });
      case 'invalid_grant': return fail(res, 'invalid_grant', 'the refresh token was revoked');
      default: throw new Error(`unknown fault ${fault.mode}`);
    }
  }

  async function token(req, res, rec) {
    const b = rec.body || {};
    const fault = faults.length ? faults[0] : null;
    if (fault) {
      fault.times -= 1;
      if (fault.times <= 0) faults.shift();
      rec.fault = fault.mode;
    }
    if (b.grant_type === 'authorization_code') codeLog.push({ code: b.code, time: rec.time, outcome: fault ? `fault:${fault.mode}` : 'pending' });
    if (b.grant_type === 'refresh_token') refreshLog.push({ token: b.refresh_token, time: rec.time, outcome: fault ? `fault:${fault.mode}` : 'pending' });
    const logEntry = b.grant_type === 'authorization_code' ? codeLog.at(-1) : b.grant_type === 'refresh_token' ? refreshLog.at(-1) : null;
    if (fault && fault.mode !== 'slow') return faultAnswer(req, res, fault);
    if (fault?.mode === 'slow') await new Promise((r) => setTimeout(r, fault.delayMs ?? 300));
    if (b.client_id !== clientId) return fail(res, 'invalid_client', 'unknown client', 401);
    if (b.grant_type === 'authorization_code') {
      const c = codes.get(b.code);
      if (!c) { logEntry.outcome = 'unknown'; return fail(res, 'invalid_grant', 'unknown authorization code'); }
      if (c.used) { logEntry.outcome = 'reused'; return fail(res, 'invalid_grant', 'authorization code already used'); }
      c.used = true;
      if (b.redirect_uri !== c.redirectUri) { logEntry.outcome = 'bad redirect_uri'; return fail(res, 'invalid_grant', 'redirect_uri mismatch'); }
      if (typeof b.code_verifier !== 'string' || s256(b.code_verifier) !== c.challenge) {
        logEntry.outcome = 'bad verifier';
        return fail(res, 'invalid_grant', 'PKCE verification failed');
      }
      logEntry.outcome = 'ok';
      return send(res, 200, issue({ scope: c.scope, nonce: c.nonce }));
    }
    if (b.grant_type === 'refresh_token') {
      if (refreshDelayMs) await new Promise((r) => setTimeout(r, refreshDelayMs));
      const fam = refreshTokens.get(b.refresh_token);
      const f = fam && families.get(fam);
      if (!f) { logEntry.outcome = 'unknown'; return fail(res, 'invalid_grant', 'unknown refresh token'); }
      if (f.revoked || f.active !== b.refresh_token) {
        logEntry.outcome = f.revoked ? 'revoked' : 'reused';
        f.revoked = true; // reuse detection: the whole family dies
        return fail(res, 'invalid_grant', 'refresh token reused or revoked');
      }
      logEntry.outcome = 'ok';
      return send(res, 200, issue({ family: fam, withIdToken: refreshIdToken }));
    }
    return fail(res, 'unsupported_grant_type', 'grant_type must be authorization_code or refresh_token');
  }

  const server = http.createServer(async (req, res) => {
    const u = new URL(req.url, 'http://x');
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    let body = null;
    if (/x-www-form-urlencoded/i.test(req.headers['content-type'] || '')) {
      body = {};
      for (const [k, v] of new URLSearchParams(rawBody)) body[k] = k in body ? [].concat(body[k], v) : v;
    }
    const rec = { method: req.method, path: u.pathname, query: Object.fromEntries(u.searchParams), headers: { ...req.headers }, rawBody, body, time: Date.now() };
    requests.push(rec);
    if (!keepAlive) res.setHeader('connection', 'close');
    cors(req, res);
    try {
      if (req.method === 'OPTIONS') { res.writeHead(204); return void res.end(); }
      if (u.pathname === '/authorize' && req.method === 'GET') return authorize(res, rec.query);
      if (u.pathname === '/token' && req.method === 'POST') return await token(req, res, rec);
      return send(res, 404, { error: 'not_found' });
    } catch (err) {
      if (!res.headersSent) send(res, 500, { error: 'server_error', error_description: String(err?.message || err) });
      else res.end();
    }
  });
  await new Promise((resolve, reject) => { server.once('error', reject); server.listen(0, '127.0.0.1', resolve); });
  url = `http://127.0.0.1:${server.address().port}`;

  return {
    url,
    clientId,
    authorizationEndpoint: `${url}/authorize`,
    tokenEndpoint: `${url}/token`,
    requests,
    refreshLog,
    codeLog,
    tokenRequests: () => requests.filter((r) => r.path === '/token' && r.method === 'POST'),
    refreshRequests: () => requests.filter((r) => r.path === '/token' && r.method === 'POST' && r.body?.grant_type === 'refresh_token'),
    /** Refresh tokens received more than once, with their count. */
    reusedRefreshTokens() {
      const seen = new Map();
      for (const { token } of refreshLog) seen.set(token, (seen.get(token) || 0) + 1);
      return [...seen].filter(([, n]) => n > 1).map(([token, n]) => ({ token, n }));
    },
    fault(mode, { times = 1, delayMs } = {}) {
      if (!FAULTS.includes(mode)) throw new Error(`unknown fault ${mode}`);
      faults.push({ mode, times, delayMs });
    },
    clearFaults() { faults.length = 0; },
    pendingFaults: () => faults.map((f) => f.mode),
    issue,
    close() {
      for (const res of hanging) res.socket?.destroy();
      hanging.clear();
      return closeServer(server);
    },
  };
}
