// A Basiq-style API-key token endpoint (https://au-api.basiq.io/token), server-side only by
// default (no CORS; `corsOrigins` enables it, e.g. for a worker test).
//
//   const basiq = await startBasiqServer({ apiKey: 'NjQx...==', users: ['user-1'] });
//   basiq.tokenEndpoint -> 'http://127.0.0.1:PORT/token'
//   basiq.requests / basiq.tokenRequests() / basiq.respondNext(c) / basiq.delayNext(ms)
//   basiq.failNext(status)   next answer: Basiq's error document for that status, once
//
// POST /token
//   Authorization: Basic <API key>   the key exactly as Basiq's dashboard issues it (already
//                                    base64); compared verbatim
//   basiq-version: 3.0
//   Content-Type: application/x-www-form-urlencoded
//   scope=SERVER_ACCESS, or scope=CLIENT_ACCESS[&userId=<a Basiq user id>]
//   (the library also sends grant_type=client_credentials; accepted and recorded)
//   -> 200 {access_token, token_type: "Bearer", expires_in: 3600}
//   Errors, Basiq's JSON:API-like document (no OAuth `error` member):
//   {type: "list", correlationId, data: [{type: "error", code, title, detail, source}]}
//   -> 400 parameter-invalid (scope, basiq-version), 401 unauthorized-access (key),
//      403 forbidden-access, 404 resource-not-found (userId), 500 internal-server-error,
//      503 service-unavailable
import { rand, record, sendJson, cannedQueue, corsHeaders, originsOf, listen, guarded } from './common.mjs';

const ERRORS = {
  400: ['parameter-invalid', 'Parameter value is not valid.'],
  401: ['unauthorized-access', 'Unauthorized Access'],
  403: ['forbidden-access', 'Forbidden Access'],
  404: ['resource-not-found', 'Resource not found.'],
  500: ['internal-server-error', 'Internal Server Error'],
  503: ['service-unavailable', 'Service Unavailable'],
};
export const BASIQ_ERROR_STATUSES = Object.keys(ERRORS).map(Number);

/** Basiq's error document. */
export function basiqError(status, detail, source) {
  const [code, title] = ERRORS[status] || ERRORS[500];
  return {
    type: 'list', correlationId: rand(8),
    data: [{ type: 'error', code, title, detail: detail || title, ...(source ? { source } : {}) }],
  };
}

/**
 * @param {object} o
 * @param {string} o.apiKey
 * @param {string[]} [o.users]        known user ids for CLIENT_ACCESS
 * @param {number} [o.expiresIn=3600]
 * @param {string[]} [o.corsOrigins]  none by default: the endpoint is meant for servers
 */
export async function startBasiqServer(o = {}) {
  const { apiKey, users = [], expiresIn = 3600, corsOrigins = [] } = o;
  if (!apiKey) throw new TypeError('startBasiqServer: apiKey is required');
  const origins = originsOf(corsOrigins);
  const requests = [];
  const canned = cannedQueue();
  const delays = [];
  const issued = new Map(); // token -> {scope, userId}
  const cors = (req) => corsHeaders(req, { origins, allowHeaders: ['content-type', 'authorization', 'basiq-version'] });
  const fail = (res, req, status, detail, source) => sendJson(res, status, basiqError(status, detail, source), cors(req));

  async function token(req, res, rec) {
    const c = canned.take();
    if (c) return canned.send(res, { ...c, headers: { ...cors(req), ...(c.headers || {}) } });
    const delay = delays.shift();
    if (delay) await new Promise((r) => setTimeout(r, delay));
    if (rec.headers.authorization !== `Basic ${apiKey}`) return fail(res, req, 401, 'The API key is missing or invalid.', { header: 'Authorization' });
    if (rec.headers['basiq-version'] !== '3.0') return fail(res, req, 400, 'basiq-version header must be 3.0', { header: 'basiq-version' });
    if (!/^application\/x-www-form-urlencoded\b/i.test(rec.contentType || '')) return fail(res, req, 400, 'Body must be form-urlencoded', { header: 'Content-Type' });
    const b = rec.body || {};
    for (const k of Object.keys(b)) {
      if (!['scope', 'userId', 'grant_type'].includes(k)) return fail(res, req, 400, `Unknown parameter: ${k}`, { parameter: k });
      if (Array.isArray(b[k])) return fail(res, req, 400, `Parameter given twice: ${k}`, { parameter: k });
    }
    if (b.grant_type !== undefined && b.grant_type !== 'client_credentials') return fail(res, req, 400, 'grant_type must be client_credentials', { parameter: 'grant_type' });
    if (b.scope !== 'SERVER_ACCESS' && b.scope !== 'CLIENT_ACCESS') return fail(res, req, 400, 'scope must be SERVER_ACCESS or CLIENT_ACCESS', { parameter: 'scope' });
    if (b.userId !== undefined) {
      if (b.scope !== 'CLIENT_ACCESS') return fail(res, req, 400, 'userId is only allowed with CLIENT_ACCESS', { parameter: 'userId' });
      if (!users.includes(b.userId)) return fail(res, req, 404, 'User not found.', { parameter: 'userId' });
    }
    const access_token = `bq_${b.scope === 'CLIENT_ACCESS' ? 'client' : 'server'}_${rand(24)}`;
    issued.set(access_token, { scope: b.scope, userId: b.userId });
    return sendJson(res, 200, { access_token, token_type: 'Bearer', expires_in: expiresIn }, cors(req));
  }

  const handler = guarded(async (req, res) => {
    const rec = await record(req, requests);
    if (req.method === 'OPTIONS') { res.writeHead(204, cors(req)); return void res.end(); }
    if (rec.path === '/token' && req.method === 'POST') return token(req, res, rec);
    return fail(res, req, 404, 'No such endpoint.');
  });
  const listener = await listen(handler);
  const url = `http://127.0.0.1:${listener.port}`;
  return {
    url,
    tokenEndpoint: `${url}/token`,
    requests,
    tokenRequests: () => requests.filter((r) => r.path === '/token' && r.method === 'POST'),
    respondNext: (c) => canned.push(c),
    failNext: (status, detail) => canned.push({ status, json: basiqError(status, detail) }),
    delayNext: (ms) => { delays.push(ms); },
    issued,
    server: listener.server,
    close: listener.close,
  };
}
