// Fixture server for the wasm-bindgen browser tests (tests/web.rs): a token endpoint whose
// behaviour is chosen per request, and request counters. Prints its URL on the first line,
// then serves until stdin closes or 15 minutes pass (it always stops by itself).
import http from 'node:http';

const counts = new Map();
const cors = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'content-type, authorization, accept, basiq-version, x-api-version, dpop',
  'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
  'Access-Control-Expose-Headers': 'dpop-nonce',
};

function reply(res, status, body, type = 'application/json') {
  res.writeHead(status, { ...cors, 'Content-Type': type });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (req.method === 'OPTIONS') return reply(res, 204, '');
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    const id = url.searchParams.get('id') ?? '';
    const mode = url.searchParams.get('mode') ?? 'ok';
    if (url.pathname === '/count') return reply(res, 200, { count: counts.get(id) ?? 0 });
    if (url.pathname === '/echo') {
      return reply(res, 200, { method: req.method, headers: req.headers, body });
    }
    if (url.pathname !== '/token') return reply(res, 404, 'not found', 'text/plain');
    const n = (counts.get(id) ?? 0) + 1;
    counts.set(id, n);
    const delay = Number(url.searchParams.get('delay') ?? 0);
    setTimeout(() => {
      switch (mode) {
        case 'ok':
          return reply(res, 200, { access_token: `at-${n}`, token_type: 'Bearer', expires_in: 3600, refresh_token: `rt-${n}`, scope: 'openid' });
        case 'invalid_grant':
          return reply(res, 400, { error: 'invalid_grant', error_description: 'refresh token revoked' });
        case 'html500':
          return reply(res, 500, '<html><body>Internal error</body></html>', 'text/html');
        case 'hang':
          return; // never answers; the client's timeout must fire
        default:
          return reply(res, 400, { error: 'unknown_mode' });
      }
    }, delay);
  });
});

server.listen(0, '127.0.0.1', () => {
  console.log(`http://127.0.0.1:${server.address().port}`);
});
const stop = () => { server.close(); process.exit(0); };
process.stdin.on('end', stop);
process.stdin.resume();
setTimeout(stop, 15 * 60 * 1000).unref();
