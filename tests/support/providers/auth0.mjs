// A local stand-in for an Auth0 tenant (Authentication API), for e2e tests of
// `provider: "auth0"`. HTTPS by default with a self-signed certificate made at start, so the
// preset's own https://{domain}/... URLs are used unchanged (`domain: fixture.domain`, i.e.
// "localhost:PORT"); the browser must then run with --ignore-certificate-errors.
//
//   const a0 = await startAuth0Server({ clientId: 'a0-spa', redirectUris: [app.callbackUrl] });
//   a0.domain  -> 'localhost:PORT'       a0.issuer -> 'https://localhost:PORT/'
//   a0.requests / a0.tokenRequests() / a0.authorizeRequests()   (see common.mjs for the record)
//   a0.failNext({status, error, error_description})             next /oauth/token answer, once
//   a0.respondNext({status, json | text, headers, delayMs})      same, any body
//   a0.idTokenClaimsNext((claims) => claims)                     tamper with the next ID token
//   a0.denyNext({error, error_description})                       next /authorize redirects an error
//   a0.revokeAll()                                                every refresh token invalid
//
// Protocol, as Auth0 documents it:
// GET  /authorize?response_type=code&client_id&redirect_uri&scope&state&nonce&code_challenge
//      &code_challenge_method=S256[&audience][&dpop_jkt] -> 302 redirect_uri?code&state
//      (unknown client / redirect_uri: 400 page, no redirect; other faults: error redirect).
// POST /oauth/token  application/x-www-form-urlencoded (JSON is accepted by Auth0 too, but the
//      library sends forms; a JSON body here is recorded and answered 400 so a change shows)
//      grant_type=authorization_code&code&redirect_uri&code_verifier&client_id
//      grant_type=refresh_token&refresh_token&client_id
//      -> 200 {access_token, id_token, scope, expires_in: 86400, token_type: "Bearer"|"DPoP",
//              refresh_token (scope offline_access; rotating)}
//      -> 400 invalid_request, 401 invalid_client, 403 invalid_grant | unauthorized_client,
//         429 too_many_requests — all {error, error_description}
//      The access token is an RS256 JWT: iss, sub, aud [audience, https://{domain}/userinfo]
//      (just the userinfo URL without audience), azp, scope, iat, exp, and cnf.jkt when DPoP-bound.
//      The ID token is RS256: iss, sub, aud, iat, exp (+10 h), nonce, sid, name, email.
// GET  /userinfo   Authorization: Bearer|DPoP <access token> (+ DPoP proof with ath when bound)
// GET  /.well-known/jwks.json, /.well-known/openid-configuration
// DPoP (dpop: true): a DPoP header on /oauth/token is verified (signature, htm, htu, iat, jti
//      replay, nonce); with `dpopNonce: true` a proof without the current nonce gets
//      400 {error: "use_dpop_nonce"} + DPoP-Nonce. A dpop_jkt sent to /authorize binds the code
//      to that key. A DPoP-bound refresh token needs a proof by the same key.
// CORS: "Allowed Web Origins" = origins of redirectUris (+ corsOrigins): exact
//      Access-Control-Allow-Origin, Allow-Headers content-type, dpop, auth0-client,
//      authorization; Expose-Headers DPoP-Nonce, WWW-Authenticate.
import { b64url, rand, nowSecs, sha256b64url, record, sendJson, cannedQueue, corsHeaders, originsOf, selfSignedCert, listen, guarded, rsaKey, signRs256, decodeJwtParts, verifyDpopProof } from './common.mjs';

/** Auth0's documented token-endpoint errors (status, body) used by the tests. */
export const AUTH0_TOKEN_ERRORS = [
  { status: 400, error: 'invalid_request', error_description: 'Missing required parameter: code_verifier' },
  { status: 401, error: 'invalid_client', error_description: 'Client authentication failed' },
  { status: 403, error: 'invalid_grant', error_description: 'Invalid authorization code' },
  { status: 403, error: 'unauthorized_client', error_description: "Grant type 'authorization_code' not allowed for the client." },
  { status: 429, error: 'too_many_requests', error_description: 'Too many requests. Try again later.' },
];

const VERIFIER_RE = /^[A-Za-z0-9\-._~]{43,128}$/;

/**
 * @param {object} o
 * @param {string[]} o.redirectUris
 * @param {string} [o.clientId='a0-spa']
 * @param {boolean} [o.https=true]         false: plain http (then override the preset's endpoints)
 * @param {number} [o.expiresIn=86400]
 * @param {boolean} [o.rotateRefreshTokens=true]
 * @param {boolean} [o.dpop=false]         verify DPoP proofs and issue DPoP-bound tokens
 * @param {boolean} [o.dpopNonce=false]    require a server nonce in proofs (use_dpop_nonce)
 * @param {string[]} [o.corsOrigins]
 * @param {object} [o.user]                {sub, name, email}
 */
export async function startAuth0Server(o = {}) {
  const {
    redirectUris = [], clientId = 'a0-spa', https: useHttps = true, expiresIn = 86400,
    rotateRefreshTokens = true, dpop = false, dpopNonce = false, corsOrigins = [],
    user = { sub: 'auth0|user-1', name: 'Auth0 Test User', email: 'user-1@example.test' },
  } = o;
  const origins = originsOf([...redirectUris, ...corsOrigins]);
  const requests = [];
  const canned = cannedQueue();
  const idTokenTampers = [];
  const denials = [];
  const signingKey = rsaKey();
  const codes = new Map();         // code -> {redirectUri, challenge, scope, nonce, audience, jkt, exp, used}
  const refreshTokens = new Map(); // token -> {scope, audience, jkt, active}
  const accessTokens = new Map();  // token -> {exp, jkt, scope}
  const seenJti = new Set();
  let dpopNonceValue = rand(16);
  let base;                        // 'https://localhost:PORT'
  const issuer = () => `${base}/`;
  const cors = (req) => corsHeaders(req, {
    origins, allowHeaders: ['content-type', 'dpop', 'auth0-client', 'authorization'],
    exposeHeaders: ['DPoP-Nonce', 'WWW-Authenticate'],
  });
  const fail = (res, req, status, error, error_description, headers = {}) =>
    sendJson(res, status, { error, error_description }, { ...cors(req), ...headers });

  function issue(res, req, { scope, nonce, audience, jkt, withIdToken = true }) {
    const iat = nowSecs();
    const aud = audience ? [audience, `${base}/userinfo`] : `${base}/userinfo`;
    const access_token = signRs256({
      iss: issuer(), sub: user.sub, aud, azp: clientId, scope, iat, exp: iat + expiresIn, jti: rand(8),
      ...(jkt ? { cnf: { jkt } } : {}),
    }, signingKey, 'at+jwt');
    accessTokens.set(access_token, { exp: iat + expiresIn, jkt, scope });
    const out = { access_token };
    if (withIdToken && /(^| )openid( |$)/.test(scope)) {
      let claims = {
        iss: issuer(), sub: user.sub, aud: clientId, iat, exp: iat + 36000,
        ...(nonce ? { nonce } : {}), sid: rand(8), name: user.name, email: user.email,
      };
      const tamper = idTokenTampers.shift();
      if (tamper) claims = tamper(claims);
      out.id_token = signRs256(claims, signingKey);
    }
    out.scope = scope;
    out.expires_in = expiresIn;
    out.token_type = jkt ? 'DPoP' : 'Bearer';
    if (/(^| )offline_access( |$)/.test(scope)) {
      const refresh_token = `v1.${rand(32)}`;
      refreshTokens.set(refresh_token, { scope, audience, jkt, active: true });
      out.refresh_token = refresh_token;
    }
    return sendJson(res, 200, out, { ...cors(req), ...(dpop && dpopNonce ? { 'dpop-nonce': dpopNonceValue } : {}) });
  }

  /** Checks the DPoP header of a token request. Returns {jkt} or answers the error itself. */
  function checkDpop(req, res, rec) {
    const proof = rec.headers.dpop;
    if (!dpop || proof === undefined) return { jkt: undefined };
    const v = verifyDpopProof(proof, { method: 'POST', url: `${base}/oauth/token` });
    if (!v.ok) { fail(res, req, 400, 'invalid_dpop_proof', `DPoP proof rejected: ${v.reason}`); return null; }
    if (seenJti.has(v.payload.jti)) { fail(res, req, 400, 'invalid_dpop_proof', 'DPoP proof jti replayed'); return null; }
    seenJti.add(v.payload.jti);
    if (dpopNonce && v.payload.nonce !== dpopNonceValue) {
      fail(res, req, 400, 'use_dpop_nonce', 'Authorization server requires nonce in DPoP proof', { 'dpop-nonce': dpopNonceValue });
      return null;
    }
    return { jkt: v.jkt };
  }

  async function token(req, res, rec) {
    const c = canned.take();
    if (c) return canned.send(res, { ...c, headers: { ...cors(req), ...(c.headers || {}) } });
    if (!/^application\/x-www-form-urlencoded\b/i.test(rec.contentType || '')) {
      return fail(res, req, 400, 'invalid_request', 'this fixture expects application/x-www-form-urlencoded');
    }
    const b = rec.body || {};
    const dupes = (rec.form || []).map(([k]) => k).filter((k, i, all) => all.indexOf(k) !== i);
    if (dupes.length) return fail(res, req, 400, 'invalid_request', `Duplicate parameter: ${dupes[0]}`);
    if (b.client_id === undefined) return fail(res, req, 401, 'invalid_client', 'Client authentication failed: missing client_id');
    if (b.client_id !== clientId) return fail(res, req, 401, 'invalid_client', 'Unknown client');
    const bound = checkDpop(req, res, rec);
    if (!bound) return;
    if (b.grant_type === 'authorization_code') {
      for (const k of ['code', 'redirect_uri', 'code_verifier']) {
        if (typeof b[k] !== 'string' || !b[k]) return fail(res, req, 400, 'invalid_request', `Missing required parameter: ${k}`);
      }
      const code = codes.get(b.code);
      if (!code || code.used || code.exp < nowSecs()) return fail(res, req, 403, 'invalid_grant', 'Invalid authorization code');
      code.used = true;
      if (b.redirect_uri !== code.redirectUri) return fail(res, req, 403, 'invalid_grant', 'The redirect_uri MUST match the registered callback URL for this application.');
      if (!VERIFIER_RE.test(b.code_verifier) || sha256b64url(b.code_verifier) !== code.challenge) {
        return fail(res, req, 403, 'invalid_grant', 'Failed to verify code verifier');
      }
      if (code.jkt && code.jkt !== bound.jkt) return fail(res, req, 400, 'invalid_dpop_proof', 'DPoP proof key does not match dpop_jkt');
      return issue(res, req, { scope: code.scope, nonce: code.nonce, audience: code.audience, jkt: bound.jkt });
    }
    if (b.grant_type === 'refresh_token') {
      const r = typeof b.refresh_token === 'string' ? refreshTokens.get(b.refresh_token) : undefined;
      if (!r || !r.active) return fail(res, req, 403, 'invalid_grant', 'Unknown or invalid refresh token.');
      if (r.jkt && r.jkt !== bound.jkt) return fail(res, req, 400, 'invalid_dpop_proof', 'DPoP proof key does not match the refresh token binding');
      if (rotateRefreshTokens) r.active = false;
      return issue(res, req, { scope: r.scope, audience: r.audience, jkt: r.jkt });
    }
    return fail(res, req, 403, 'unsupported_grant_type', 'Unsupported grant type');
  }

  function authorize(req, res, q) {
    const page = (status, text) => { res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }); res.end(`<!DOCTYPE html><title>Error</title><p>${text}</p>`); };
    if (q.client_id !== clientId) return page(400, 'Unknown client');
    if (!redirectUris.includes(q.redirect_uri)) return page(400, 'Callback URL mismatch');
    const back = (params) => {
      const u = new URL(q.redirect_uri);
      for (const [k, v] of Object.entries({ ...params, state: q.state })) if (v !== undefined) u.searchParams.set(k, v);
      res.writeHead(302, { location: u.href, 'cache-control': 'no-store' });
      res.end();
    };
    const denial = denials.shift();
    if (denial) return back(denial);
    if (q.response_type !== 'code') return back({ error: 'unsupported_response_type', error_description: `Unsupported response type: ${q.response_type}` });
    if (q.code_challenge_method !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(q.code_challenge || '')) {
      return back({ error: 'invalid_request', error_description: 'code_challenge and code_challenge_method=S256 are required' });
    }
    const code = rand(24);
    codes.set(code, {
      redirectUri: q.redirect_uri, challenge: q.code_challenge, scope: q.scope || 'openid', nonce: q.nonce,
      audience: q.audience, jkt: q.dpop_jkt, exp: nowSecs() + 60, used: false,
    });
    return back({ code });
  }

  function userinfo(req, res, rec) {
    const m = /^(Bearer|DPoP) (.+)$/.exec(rec.headers.authorization || '');
    const t = m && accessTokens.get(m[2]);
    const deny = (description) => fail(res, req, 401, 'invalid_token', description, {
      'www-authenticate': `${t?.jkt ? 'DPoP' : 'Bearer'} error="invalid_token", error_description="${description}"`,
    });
    if (!t || t.exp < nowSecs()) return deny('invalid or expired access token');
    if (t.jkt) {
      if (m[1] !== 'DPoP') return deny('a DPoP-bound token must be sent with the DPoP scheme');
      const v = verifyDpopProof(rec.headers.dpop, { method: 'GET', url: `${base}/userinfo`, accessToken: m[2] });
      if (!v.ok || v.jkt !== t.jkt) return deny(`DPoP proof rejected: ${v.ok ? 'key mismatch' : v.reason}`);
    } else if (m[1] !== 'Bearer') {
      return deny('not a DPoP-bound token');
    }
    return sendJson(res, 200, { sub: user.sub, name: user.name, email: user.email }, cors(req));
  }

  const handler = guarded(async (req, res) => {
    const rec = await record(req, requests);
    const path = rec.path;
    if (req.method === 'OPTIONS') { res.writeHead(204, cors(req)); return void res.end(); }
    if (path === '/authorize' && req.method === 'GET') return authorize(req, res, rec.query);
    if (path === '/oauth/token') {
      if (req.method !== 'POST') return fail(res, req, 405, 'invalid_request', 'use POST');
      return token(req, res, rec);
    }
    if (path === '/userinfo' && req.method === 'GET') return userinfo(req, res, rec);
    if (path === '/.well-known/jwks.json') return sendJson(res, 200, { keys: [signingKey.jwk] }, cors(req));
    if (path === '/.well-known/openid-configuration') {
      return sendJson(res, 200, {
        issuer: issuer(), authorization_endpoint: `${base}/authorize`, token_endpoint: `${base}/oauth/token`,
        userinfo_endpoint: `${base}/userinfo`, jwks_uri: `${base}/.well-known/jwks.json`,
        revocation_endpoint: `${base}/oauth/revoke`, end_session_endpoint: `${base}/oidc/logout`,
        response_types_supported: ['code'], code_challenge_methods_supported: ['S256'],
        ...(dpop ? { dpop_signing_alg_values_supported: ['ES256'] } : {}),
      }, cors(req));
    }
    return sendJson(res, 404, { error: 'not_found', error_description: 'Not Found' }, cors(req));
  });

  const listener = await listen(handler, { tls: useHttps ? selfSignedCert() : undefined });
  const domain = `localhost:${listener.port}`;
  base = `${useHttps ? 'https' : 'http'}://${domain}`;

  return {
    domain,
    url: base,
    issuer: issuer(),
    clientId,
    authorizationEndpoint: `${base}/authorize`,
    tokenEndpoint: `${base}/oauth/token`,
    userinfoEndpoint: `${base}/userinfo`,
    jwks: { keys: [signingKey.jwk] },
    requests,
    tokenRequests: () => requests.filter((r) => r.path === '/oauth/token' && r.method === 'POST'),
    authorizeRequests: () => requests.filter((r) => r.path === '/authorize'),
    failNext: ({ status, error, error_description, headers }) => canned.push({ status, json: { error, error_description }, headers }),
    respondNext: (c) => canned.push(c),
    idTokenClaimsNext: (fn) => { idTokenTampers.push(fn); },
    denyNext: (params) => { denials.push(params); },
    revokeAll: () => { for (const r of refreshTokens.values()) r.active = false; },
    rotateDpopNonce: () => { dpopNonceValue = rand(16); return dpopNonceValue; },
    get dpopNonce() { return dpopNonceValue; },
    server: listener.server,
    close: listener.close,
  };
}

export { decodeJwtParts, b64url };
