// A local stand-in for Basic's auth API (https://api.basic.tech), for e2e tests.
//
//   const basic = await startBasicServer({ clientId: 'basic-app',
//     redirectUris: ['http://localhost:APP/callback.html'] });
//   basic.url                    -> 'http://127.0.0.1:PORT'
//   basic.authorizationEndpoint  -> basic.url + '/auth/authorize'
//   basic.tokenEndpoint          -> basic.url + '/auth/token'
//   basic.requests               -> every request, in order:
//       { method, path, query: {..}, headers: {..lower-case..}, contentType, rawBody, body, time }
//       (body: the parsed JSON for JSON requests, an object of fields for form bodies, else null)
//   basic.tokenRequests()        -> the POST /auth/token entries only
//   basic.respondNext(r)         -> queue a canned /auth/token answer (fault injection):
//       { status, json?, text?, headers?, delayMs? } answered instead of the real logic, once
//   basic.close()
//
// Protocol (what the real API does, as the library's Basic preset relies on):
// GET  /auth/authorize?client_id&redirect_uri&response_type=code&scope&state
//      &code_challenge&code_challenge_method=S256[&nonce]
//      -> 302 redirect_uri?code=..&state=.. (autoApprove, default) or a tiny consent page with
//         an "Allow" (button#allow) and a "Deny" (button#deny) button.
//      Errors: unknown client / unregistered redirect_uri -> 400 page (no redirect);
//      anything else -> redirect with error=invalid_request|unsupported_response_type|access_denied.
// POST /auth/token  Content-Type: application/json  (a form body is rejected: invalid_request)
//      {grant_type:"authorization_code", code, redirect_uri, client_id?, code_verifier}
//      {grant_type:"refresh_token", refresh_token, client_id?}
//      -> 200 {access_token, token_type:"Bearer", expires_in:3600, refresh_token, scope, id_token}
//      -> 400 {error, message}
//      Codes are single use and expire after 10 min; refresh tokens rotate (the old one is then
//      invalid_grant). The id_token is an HS256 JWT (key `idTokenKey`) with iss, sub, aud, exp,
//      iat, and nonce when the authorize request had one.
// GET  /auth/userInfo  Authorization: Bearer <access_token> -> {id, sub, email, name}
// CORS: Access-Control-Allow-Origin for the origins of redirectUris (and `corsOrigins`),
//      Allow-Headers content-type, authorization (+ allowHeaders), OPTIONS preflights answered 204.
import http from 'node:http';
import crypto from 'node:crypto';
import { closeServer } from './static-server.mjs';

const b64url = (buf) => Buffer.from(buf).toString('base64url');
const rand = (n = 32) => b64url(crypto.randomBytes(n));
export const s256 = (verifier) => b64url(crypto.createHash('sha256').update(verifier).digest());

/** HS256 JWT. */
export function signJwt(payload, key) {
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify(payload));
  const sig = b64url(crypto.createHmac('sha256', key).update(`${head}.${body}`).digest());
  return `${head}.${body}.${sig}`;
}
/** Decodes a JWT's payload without checking anything. */
export function decodeJwt(jwt) {
  return JSON.parse(Buffer.from(String(jwt).split('.')[1], 'base64url').toString('utf8'));
}

const VERIFIER_RE = /^[A-Za-z0-9\-._~]{43,128}$/;

/**
 * @param {object} o
 * @param {string[]} o.redirectUris
 * @param {string} [o.clientId='basic-app']
 * @param {boolean} [o.autoApprove=true]     false: serve a consent page (button#allow / button#deny)
 * @param {object} [o.user]                  {sub, name, email} of the signed-in user
 * @param {number|null|((grant)=>number|null)} [o.expiresIn=3600]  null omits expires_in
 * @param {'opaque'|'jwt'} [o.accessTokenFormat='opaque']  jwt: HS256 JWT with exp (= iat + expiresIn or +3600)
 * @param {boolean} [o.rotateRefreshTokens=true]
 * @param {string} [o.issuer]                iss of ID tokens (default: the server's url)
 * @param {string} [o.iss]                   when set, added as `iss` to authorization responses (RFC 9207)
 * @param {string[]} [o.corsOrigins]         extra allowed origins
 * @param {string[]} [o.allowHeaders]        extra Access-Control-Allow-Headers
 * @param {string} [o.idTokenKey]            HS256 key of ID tokens (default: random)
 */
export async function startBasicServer(o = {}) {
  const {
    redirectUris = [], clientId = 'basic-app', autoApprove = true,
    user = { sub: 'basic-user-1', name: 'Basic Test User', email: 'basic-user-1@example.test' },
    expiresIn = 3600, accessTokenFormat = 'opaque', rotateRefreshTokens = true,
    corsOrigins = [], allowHeaders = [], idTokenKey = rand(), iss: issParam,
  } = o;
  const origins = new Set([...redirectUris, ...corsOrigins].map((u) => new URL(u).origin));
  const requests = [];
  const canned = [];
  const codes = new Map();          // code -> {clientId, redirectUri, challenge, scope, nonce, exp, used}
  const refreshTokens = new Map();  // token -> {clientId, scope, active}
  const accessTokens = new Map();   // token -> {sub, exp, scope}
  let url;                          // set after listen
  const issuer = () => o.issuer || url;
  const now = () => Math.floor(Date.now() / 1000);

  function cors(req, res) {
    const origin = req.headers.origin;
    if (origin && origins.has(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Allow-Headers', ['content-type', 'authorization', ...allowHeaders].join(', '));
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
      res.setHeader('Access-Control-Max-Age', '0');
    }
  }
  const json = (res, status, body, headers = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', pragma: 'no-cache', ...headers });
    res.end(JSON.stringify(body));
  };
  const fail = (res, error, message, status = 400) => json(res, status, { error, message });
  const page = (res, status, title, body) => {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>${title}</title></head><body>${body}</body></html>`);
  };
  const redirect = (res, target, params) => {
    const u = new URL(target);
    for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
    res.writeHead(302, { location: u.href, 'cache-control': 'no-store' });
    res.end();
  };

  function issueTokens({ scope, nonce, withIdToken = true }) {
    const iat = now();
    const exp = typeof expiresIn === 'function' ? expiresIn({ scope }) : expiresIn;
    const atExp = iat + (typeof exp === 'number' && exp < 1e9 ? exp : 3600);
    const access_token = accessTokenFormat === 'jwt'
      ? signJwt({ iss: issuer(), sub: user.sub, aud: clientId, iat, exp: atExp, scope, jti: rand(8) }, idTokenKey)
      : `at_${rand()}`;
    accessTokens.set(access_token, { sub: user.sub, exp: atExp, scope });
    const refresh_token = `rt_${rand()}`;
    refreshTokens.set(refresh_token, { clientId, scope, active: true });
    const out = { access_token, token_type: 'Bearer' };
    if (exp !== null && exp !== undefined) out.expires_in = exp;
    out.refresh_token = refresh_token;
    out.scope = scope;
    if (withIdToken) {
      out.id_token = signJwt({
        iss: issuer(), sub: user.sub, aud: clientId, exp: iat + 3600, iat,
        ...(nonce ? { nonce } : {}), name: user.name, email: user.email,
      }, idTokenKey);
    }
    return out;
  }

  function authorize(req, res, q) {
    if (q.client_id !== clientId) return page(res, 400, 'Error', '<h1>invalid_client</h1><p>unknown client_id</p>');
    if (!redirectUris.includes(q.redirect_uri)) return page(res, 400, 'Error', '<h1>invalid_request</h1><p>redirect_uri is not registered</p>');
    const back = (params) => redirect(res, q.redirect_uri, { ...params, state: q.state, iss: issParam });
    if (q.response_type !== 'code') return back({ error: 'unsupported_response_type', error_description: 'response_type must be code' });
    if (!q.code_challenge || q.code_challenge_method !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(q.code_challenge)) {
      return back({ error: 'invalid_request', error_description: 'PKCE S256 code_challenge required' });
    }
    if (!q.state) return back({ error: 'invalid_request', error_description: 'state required' });
    const code = `c_${rand()}`;
    codes.set(code, {
      clientId, redirectUri: q.redirect_uri, challenge: q.code_challenge,
      scope: q.scope || 'profile', nonce: q.nonce, exp: now() + 600, used: false,
    });
    return back({ code });
  }

  async function token(req, res, rec) {
    if (canned.length) {
      const c = canned.shift();
      if (c.delayMs) await new Promise((r) => setTimeout(r, c.delayMs));
      if (res.destroyed) return;
      res.writeHead(c.status ?? 200, { 'content-type': c.text !== undefined ? 'text/html' : 'application/json', ...(c.headers || {}) });
      return void res.end(c.text !== undefined ? c.text : JSON.stringify(c.json ?? {}));
    }
    if (!/^application\/json\b/i.test(rec.contentType || '')) {
      return fail(res, 'invalid_request', 'Content-Type must be application/json');
    }
    const b = rec.body;
    if (!b || typeof b !== 'object' || Array.isArray(b)) return fail(res, 'invalid_request', 'body must be a JSON object');
    if (b.client_id !== undefined && b.client_id !== clientId) return fail(res, 'invalid_client', 'unknown client_id', 401);
    if (b.grant_type === 'authorization_code') {
      const c = typeof b.code === 'string' ? codes.get(b.code) : undefined;
      if (!c) return fail(res, 'invalid_grant', 'invalid authorization code');
      if (c.used) { codes.delete(b.code); return fail(res, 'invalid_grant', 'authorization code already used'); }
      c.used = true;
      if (c.exp < now()) return fail(res, 'invalid_grant', 'authorization code expired');
      if (b.redirect_uri !== c.redirectUri) return fail(res, 'invalid_grant', 'redirect_uri mismatch');
      if (typeof b.code_verifier !== 'string' || !VERIFIER_RE.test(b.code_verifier)) return fail(res, 'invalid_request', 'code_verifier missing or malformed');
      if (s256(b.code_verifier) !== c.challenge) return fail(res, 'invalid_grant', 'PKCE verification failed');
      return json(res, 200, issueTokens({ scope: c.scope, nonce: c.nonce }));
    }
    if (b.grant_type === 'refresh_token') {
      const r = typeof b.refresh_token === 'string' ? refreshTokens.get(b.refresh_token) : undefined;
      if (!r || !r.active) return fail(res, 'invalid_grant', 'invalid refresh token');
      if (rotateRefreshTokens) r.active = false;
      const out = issueTokens({ scope: r.scope, withIdToken: false });
      if (!rotateRefreshTokens) { refreshTokens.delete(out.refresh_token); out.refresh_token = b.refresh_token; }
      return json(res, 200, out);
    }
    return fail(res, 'unsupported_grant_type', 'grant_type must be authorization_code or refresh_token');
  }

  const server = http.createServer(async (req, res) => {
    const u = new URL(req.url, 'http://x');
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const contentType = req.headers['content-type'] || null;
    let body = null;
    if (rawBody) {
      if (/json/i.test(contentType || '')) { try { body = JSON.parse(rawBody); } catch { body = null; } }
      else if (/x-www-form-urlencoded/i.test(contentType || '')) {
        body = {};
        for (const [k, v] of new URLSearchParams(rawBody)) body[k] = k in body ? [].concat(body[k], v) : v;
      }
    }
    const rec = {
      method: req.method, path: u.pathname, query: Object.fromEntries(u.searchParams),
      headers: { ...req.headers }, contentType, rawBody, body, time: Date.now(),
    };
    requests.push(rec);
    cors(req, res);
    try {
      if (req.method === 'OPTIONS') { res.writeHead(204); return void res.end(); }
      if (u.pathname === '/auth/authorize' && req.method === 'GET') {
        const q = rec.query;
        if (autoApprove) return authorize(req, res, q);
        const hidden = Object.entries(q).map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`).join('');
        return page(res, 200, 'Sign in to Basic', `<h1>Allow access?</h1>
<form method="get" action="/auth/authorize/decision">${hidden}
<button id="allow" type="submit" name="decision" value="allow">Allow</button>
<button id="deny" type="submit" name="decision" value="deny">Deny</button></form>`);
      }
      if (u.pathname === '/auth/authorize/decision' && req.method === 'GET') {
        const { decision, ...q } = rec.query;
        if (decision === 'allow') return authorize(req, res, q);
        if (q.client_id !== clientId || !redirectUris.includes(q.redirect_uri)) return page(res, 400, 'Error', '<h1>invalid_request</h1>');
        return redirect(res, q.redirect_uri, { error: 'access_denied', error_description: 'The user denied access', state: q.state, iss: issParam });
      }
      if (u.pathname === '/auth/token') {
        if (req.method !== 'POST') return fail(res, 'invalid_request', 'use POST', 405);
        return await token(req, res, rec);
      }
      if (u.pathname.toLowerCase() === '/auth/userinfo' && req.method === 'GET') {
        const m = /^Bearer (.+)$/.exec(req.headers.authorization || '');
        const t = m && accessTokens.get(m[1]);
        if (!t || t.exp < now()) return fail(res, 'invalid_token', 'invalid or expired access token', 401);
        return json(res, 200, { id: user.sub, sub: user.sub, email: user.email, name: user.name });
      }
      return fail(res, 'not_found', 'no such endpoint', 404);
    } catch (err) {
      if (!res.headersSent) fail(res, 'server_error', String(err?.message || err), 500);
      else res.end();
    }
  });
  await new Promise((resolve, reject) => { server.once('error', reject); server.listen(0, '127.0.0.1', resolve); });
  const { port } = server.address();
  url = `http://127.0.0.1:${port}`;

  return {
    url,
    port,
    clientId,
    authorizationEndpoint: `${url}/auth/authorize`,
    tokenEndpoint: `${url}/auth/token`,
    userinfoEndpoint: `${url}/auth/userInfo`,
    idTokenKey,
    requests,
    tokenRequests: () => requests.filter((r) => r.path === '/auth/token' && r.method === 'POST'),
    respondNext: (r) => { canned.push(r); },
    /** Invalidates every refresh token (e.g. to test a definitive refresh failure). */
    revokeAll: () => { for (const r of refreshTokens.values()) r.active = false; },
    state: { codes, refreshTokens, accessTokens },
    server,
    close: () => closeServer(server),
  };
}

function esc(s) { return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`); }
