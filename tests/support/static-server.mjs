// A tiny static file server for tests, the demo and benchmarks.
//
//   const srv = await startStaticServer({ root: 'www', mounts: { '/pkg/': 'pkg' },
//     headers: { 'Content-Security-Policy': "script-src 'self' 'wasm-unsafe-eval'" },
//     routes: { '/config.json': (req, res) => json(res, {...}) } });
//   srv.url   -> 'http://localhost:PORT/'   (localhost: the origin registered as redirect URI)
//   srv.port, srv.origin ('http://localhost:PORT'), srv.requests ([{method, path}]), srv.close()
// `routes` is kept by reference: handlers may be added after the start.
//
// Binds 127.0.0.1 on a free port. `host` only changes the printed URL (default 'localhost').
import http from 'node:http';
import fs from 'node:fs/promises';
import path from 'node:path';

export const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
};

/** Send a JSON response. */
export function sendJson(res, status, body, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

/**
 * @param {object} opts
 * @param {string} [opts.root]     directory served at '/'
 * @param {Record<string,string>} [opts.mounts]  URL prefix (ending in '/') -> directory
 * @param {Record<string,string>|((req: http.IncomingMessage, pathname: string) => Record<string,string>)} [opts.headers]
 *        extra headers added to every response (or a function returning them per request)
 * @param {Record<string, (req, res, url: URL) => void|Promise<void>>} [opts.routes]  exact pathname -> handler
 * @param {string} [opts.host]  host name used in `url` (default 'localhost')
 * @param {number} [opts.port=0]   port to bind (0: a free one)
 * @param {boolean} [opts.log]  log each request path (never query strings: they may carry codes)
 */
export async function startStaticServer({ root, mounts = {}, headers = {}, routes = {}, host = 'localhost', port: wantPort = 0, log = false } = {}) {
  const table = Object.entries(mounts)
    .map(([prefix, dir]) => [prefix.endsWith('/') ? prefix : prefix + '/', path.resolve(dir)])
    .sort((a, b) => b[0].length - a[0].length);
  if (root) table.push(['/', path.resolve(root)]);
  const requests = [];

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    const pathname = decodeURIComponent(url.pathname);
    requests.push({ method: req.method, path: pathname });
    if (log) console.log(`[static] ${req.method} ${pathname}`);
    const extra = typeof headers === 'function' ? headers(req, pathname) || {} : headers;
    for (const [k, v] of Object.entries(extra)) res.setHeader(k, v);
    try {
      if (routes[pathname]) return void (await routes[pathname](req, res, url));
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' });
        return void res.end();
      }
      const hit = table.find(([prefix]) => pathname.startsWith(prefix) || pathname + '/' === prefix);
      if (!hit) return notFound(res);
      const [prefix, dir] = hit;
      let file = path.join(dir, pathname.slice(prefix.length));
      if (!file.startsWith(dir)) return notFound(res); // no ../ escapes
      let stat = await fs.stat(file).catch(() => null);
      if (stat?.isDirectory()) {
        if (!pathname.endsWith('/')) {
          res.writeHead(301, { location: pathname + '/' + url.search });
          return void res.end();
        }
        file = path.join(file, 'index.html');
        stat = await fs.stat(file).catch(() => null);
      }
      if (!stat?.isFile()) return notFound(res);
      const body = await fs.readFile(file);
      res.writeHead(200, {
        'content-type': MIME[path.extname(file).toLowerCase()] || 'application/octet-stream',
        'content-length': body.length,
        'cache-control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (err) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err?.message || err));
    }
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(wantPort, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    url: `http://${host}:${port}/`,
    origin: `http://${host}:${port}`,
    port,
    requests,
    server,
    close: () => closeServer(server),
  };
}

function notFound(res) {
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end('not found');
}

/** Close a server, dropping keep-alive connections so the process can exit. */
export function closeServer(server) {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}

/** A free TCP port on 127.0.0.1 (for servers that need their port before they start). */
export async function freePort() {
  const s = http.createServer();
  await new Promise((resolve, reject) => { s.once('error', reject); s.listen(0, '127.0.0.1', resolve); });
  const { port } = s.address();
  await new Promise((resolve) => s.close(resolve));
  return port;
}
