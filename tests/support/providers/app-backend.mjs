// The app's own backend acting as the token endpoint of a browser page that needs a Basiq
// CLIENT_ACCESS token (the API key stays on this server). Cross-origin from the page on
// purpose (page http://localhost:APP, backend http://localhost:BACKEND: same site, so its
// SameSite=Lax session cookie is sent, but CORS applies).
//
//   const backend = await startAppBackend({ appOrigin: app.origin,
//     basiq: { tokenEndpoint: basiq.tokenEndpoint, apiKey }, users: { alice: 'basiq-user-1' } });
//   backend.loginUrl('alice', app.homeUrl) -> GET sets the session cookie, then 302 to the app
//   backend.tokenEndpoint                  -> 'http://localhost:PORT/api/basiq/client-token'
//   backend.requests / backend.tokenRequests()
//   backend.cors = 'exact' | 'wildcard' | 'none'   (wildcard/none: the browser must refuse)
//
// POST /api/basiq/client-token   (what the library sends with grantType client_credentials)
//   Cookie: sid=<session>                 required: 401 {error: "login_required", error_description}
//   form: grant_type=client_credentials&client_id=<appClientId>[&userId=<id>]
//         userId, when sent, must be the session's Basiq user: else 403 {error: "access_denied"}
//   -> calls Basiq server-side: POST /token, Authorization: Basic <apiKey>, basiq-version: 3.0,
//      scope=CLIENT_ACCESS&userId=<the session's Basiq user> (never the page's word)
//   -> 200 {access_token, token_type, expires_in} as Basiq answered; Basiq failing: 502
//      {error: "temporarily_unavailable", error_description}
//   CORS (cors 'exact'): Access-Control-Allow-Origin: <appOrigin>, Access-Control-Allow-Credentials:
//   true, Vary: Origin; OPTIONS preflights answered.
import { rand, record, sendJson, listen, guarded } from './common.mjs';

function cookies(header) {
  const out = {};
  for (const part of String(header || '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}

/**
 * @param {object} o
 * @param {string} o.appOrigin                      the page's exact origin
 * @param {{tokenEndpoint: string, apiKey: string}} o.basiq
 * @param {Record<string, string>} o.users          app login -> Basiq user id
 * @param {string} [o.clientId='my-app']            the client_id the page is configured with
 * @param {'exact'|'wildcard'|'none'} [o.cors='exact']
 */
export async function startAppBackend(o) {
  const { appOrigin, basiq, users = {}, clientId = 'my-app' } = o;
  const requests = [];
  const basiqCalls = [];
  const sessions = new Map(); // sid -> app login
  const state = { cors: o.cors || 'exact' };

  const corsFor = (req) => {
    if (state.cors === 'none') return {};
    if (state.cors === 'wildcard') return { 'access-control-allow-origin': '*', 'access-control-allow-credentials': 'true' };
    if (req.headers.origin !== appOrigin) return {};
    return {
      'access-control-allow-origin': appOrigin, 'access-control-allow-credentials': 'true', vary: 'Origin',
      'access-control-allow-methods': 'POST, OPTIONS', 'access-control-allow-headers': 'content-type', 'access-control-max-age': '0',
    };
  };

  async function clientToken(req, res, rec) {
    const cors = corsFor(req);
    const login = sessions.get(cookies(rec.headers.cookie).sid);
    if (!login) return sendJson(res, 401, { error: 'login_required', error_description: 'no app session: sign in to the app first' }, cors);
    if (!/^application\/x-www-form-urlencoded\b/i.test(rec.contentType || '')) {
      return sendJson(res, 400, { error: 'invalid_request', error_description: 'form body expected' }, cors);
    }
    const b = rec.body || {};
    if (b.grant_type !== 'client_credentials' || b.client_id !== clientId) {
      return sendJson(res, 400, { error: 'invalid_request', error_description: 'grant_type client_credentials and the app client_id expected' }, cors);
    }
    const basiqUser = users[login];
    if (b.userId !== undefined && b.userId !== basiqUser) {
      return sendJson(res, 403, { error: 'access_denied', error_description: 'userId is not the signed-in user' }, cors);
    }
    // Server to server: the API key never leaves this process.
    const r = await fetch(basiq.tokenEndpoint, {
      method: 'POST',
      headers: {
        authorization: `Basic ${basiq.apiKey}`, 'basiq-version': '3.0',
        'content-type': 'application/x-www-form-urlencoded', accept: 'application/json',
      },
      body: new URLSearchParams({ scope: 'CLIENT_ACCESS', userId: basiqUser }).toString(),
      signal: AbortSignal.timeout(5000),
    });
    const text = await r.text();
    basiqCalls.push({ status: r.status, userId: basiqUser });
    if (!r.ok) {
      return sendJson(res, 502, { error: 'temporarily_unavailable', error_description: `Basiq answered ${r.status}` }, cors);
    }
    const t = JSON.parse(text);
    return sendJson(res, 200, { access_token: t.access_token, token_type: t.token_type, expires_in: t.expires_in }, cors);
  }

  const handler = guarded(async (req, res) => {
    const rec = await record(req, requests);
    if (rec.path === '/login' && req.method === 'GET') {
      const login = rec.query.user;
      if (!(login in users)) return sendJson(res, 403, { error: 'access_denied', error_description: 'unknown user' });
      const sid = rand(24);
      sessions.set(sid, login);
      res.writeHead(302, {
        'set-cookie': `sid=${sid}; Path=/; HttpOnly; SameSite=Lax`,
        location: rec.query.next || '/', 'cache-control': 'no-store',
      });
      return void res.end();
    }
    if (rec.path === '/api/basiq/client-token') {
      if (req.method === 'OPTIONS') { res.writeHead(204, corsFor(req)); return void res.end(); }
      if (req.method === 'POST') return clientToken(req, res, rec);
    }
    return sendJson(res, 404, { error: 'not_found' }, corsFor(req));
  });
  const listener = await listen(handler);
  const url = `http://localhost:${listener.port}`;
  return {
    url,
    origin: url,
    clientId,
    tokenEndpoint: `${url}/api/basiq/client-token`,
    loginUrl: (user, next) => `${url}/login?user=${encodeURIComponent(user)}&next=${encodeURIComponent(next)}`,
    requests,
    tokenRequests: () => requests.filter((r) => r.path === '/api/basiq/client-token' && r.method === 'POST'),
    basiqCalls,
    sessions,
    get cors() { return state.cors; },
    set cors(v) { state.cors = v; },
    server: listener.server,
    close: listener.close,
  };
}
