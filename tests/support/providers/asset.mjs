// An "Asset-style" client-credentials token endpoint (server-side only: no CORS), for the Node
// tests of `grantType: "client_credentials"`.
//
//   const asset = await startAssetServer({ clients: { 'svc-1': { secret, businesses: ['biz-1'] } },
//     resources: ['https://api.asset.test/v1', 'https://files.asset.test/'] });
//   asset.tokenEndpoint -> 'http://127.0.0.1:PORT/v0/auth/token'
//   asset.requests / asset.tokenRequests()
//   asset.respondNext({status, json | text, headers, delayMs})   next answer, once
//   asset.delayNext(ms)                                            the real answer, after ms
//   asset.unavailable = true                                       every request: 503
//   asset.expiresAt = (requestedSeconds) => absoluteUnixSeconds   override the answer's expires_in
//
// POST /v0/auth/token  application/x-www-form-urlencoded
//   client_id, client_secret, grant_type=client_credentials, business_id, expires_in (requested
//   lifetime, seconds, 60..86400, optional: 3600), scope (optional, space separated),
//   resource (RFC 8707, repeatable; each must be a known resource server)
//   -> 200 {access_token, token_type: "Bearer", expires_in: <absolute Unix time, seconds>, scope, resource?}
//   Errors, always {error, data}:
//   -> 401 {error: "unauthorized", data: {reason}}            unknown client or wrong secret
//   -> 403 {error: "forbidden", data: {business_id}}          client not allowed for that business
//   -> 404 {error: "not_found", data: {business_id}}          unknown business
//   -> 422 {error: "unprocessable_entity", data: {field: [messages]}}   validation
//   -> 503 {error: "service_unavailable", data: {retry_after: 30}}
import { rand, nowSecs, record, sendJson, cannedQueue, listen, guarded } from './common.mjs';

export const ASSET_ERROR_STATUSES = [401, 403, 404, 422, 503];

/**
 * @param {object} o
 * @param {Record<string, {secret: string, businesses: string[]}>} o.clients
 * @param {string[]} [o.businesses]   every existing business (default: all the clients')
 * @param {string[]} [o.resources]    known resource servers
 */
export async function startAssetServer(o = {}) {
  const { clients = {}, resources = [] } = o;
  const businesses = new Set(o.businesses || Object.values(clients).flatMap((c) => c.businesses));
  const requests = [];
  const canned = cannedQueue();
  const delays = [];
  const issued = new Map(); // access token -> {client_id, business_id, exp}
  const state = { unavailable: false, expiresAt: null };

  const error = (res, status, err, data) => sendJson(res, status, { error: err, data });

  async function token(req, res, rec) {
    const c = canned.take();
    if (c) return canned.send(res, c);
    const delay = delays.shift();
    if (delay) await new Promise((r) => setTimeout(r, delay));
    if (state.unavailable) return error(res, 503, 'service_unavailable', { retry_after: 30 });
    if (!/^application\/x-www-form-urlencoded\b/i.test(rec.contentType || '')) {
      return error(res, 422, 'unprocessable_entity', { content_type: ['must be application/x-www-form-urlencoded'] });
    }
    const b = rec.body || {};
    const single = ['client_id', 'client_secret', 'grant_type', 'business_id', 'expires_in', 'scope'];
    const problems = {};
    for (const k of single) if (Array.isArray(b[k])) problems[k] = ['must be given once'];
    const known = new Set([...single, 'resource']);
    for (const k of Object.keys(b)) if (!known.has(k)) problems[k] = ['is not a known parameter'];
    if (Object.keys(problems).length) return error(res, 422, 'unprocessable_entity', problems);
    const client = clients[b.client_id];
    if (!client || typeof b.client_secret !== 'string' || b.client_secret !== client.secret) {
      return error(res, 401, 'unauthorized', { reason: 'invalid client credentials' });
    }
    if (b.grant_type !== 'client_credentials') problems.grant_type = ['must be client_credentials'];
    if (!b.business_id) problems.business_id = ["can't be blank"];
    let lifetime = 3600;
    if (b.expires_in !== undefined) {
      lifetime = Number(b.expires_in);
      if (!/^\d+$/.test(b.expires_in) || lifetime < 60 || lifetime > 86400) problems.expires_in = ['must be an integer from 60 to 86400'];
    }
    const asked = b.resource === undefined ? [] : [].concat(b.resource);
    const unknown = asked.filter((r) => !resources.includes(r));
    if (unknown.length) problems.resource = unknown.map((r) => `unknown resource: ${r}`);
    if (Object.keys(problems).length) return error(res, 422, 'unprocessable_entity', problems);
    if (!businesses.has(b.business_id)) return error(res, 404, 'not_found', { business_id: b.business_id });
    if (!client.businesses.includes(b.business_id)) return error(res, 403, 'forbidden', { business_id: b.business_id });
    const exp = state.expiresAt ? state.expiresAt(lifetime) : nowSecs() + lifetime;
    const access_token = `ast_${rand(24)}`;
    issued.set(access_token, { client_id: b.client_id, business_id: b.business_id, exp });
    const out = { access_token, token_type: 'Bearer', expires_in: exp };
    if (b.scope) out.scope = b.scope;
    if (asked.length) out.resource = asked;
    return sendJson(res, 200, out);
  }

  const handler = guarded(async (req, res) => {
    const rec = await record(req, requests);
    if (rec.path === '/v0/auth/token') {
      if (req.method !== 'POST') return error(res, 404, 'not_found', { path: rec.path });
      return token(req, res, rec);
    }
    return error(res, 404, 'not_found', { path: rec.path });
  });
  const listener = await listen(handler);
  const url = `http://127.0.0.1:${listener.port}`;
  return {
    url,
    tokenEndpoint: `${url}/v0/auth/token`,
    requests,
    tokenRequests: () => requests.filter((r) => r.path === '/v0/auth/token' && r.method === 'POST'),
    respondNext: (c) => canned.push(c),
    delayNext: (ms) => { delays.push(ms); },
    issued,
    get unavailable() { return state.unavailable; },
    set unavailable(v) { state.unavailable = Boolean(v); },
    get expiresAt() { return state.expiresAt; },
    set expiresAt(fn) { state.expiresAt = fn; },
    server: listener.server,
    close: listener.close,
  };
}
