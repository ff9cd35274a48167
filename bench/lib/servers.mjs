// The two authorization servers of the bench, both on 127.0.0.1 free ports.
//
// startOpenIdProvider(): panva/oidc-provider (the repo's dev dependency), configured like
//   tests/support/authorization-server.mjs (public client `spa`, PKCE S256, refresh tokens that
//   rotate, CORS for the app origin, dev login/consent pages) with three differences the five
//   libraries need to run against one server:
//   - the issuer ends in "/" (http://127.0.0.1:PORT/): auth0-spa-js accepts only the ID token
//     issuer `${domain}/`, and the tests' helper fixes the issuer without the slash;
//   - Auth0's endpoint layout (/authorize, /oauth/token), which auth0-spa-js hard-codes; the
//     others are given the same endpoints;
//   - JWT access tokens (a default resource indicator): keycloak-js decodes the access token;
//   - credentialed CORS on the token endpoint, which keycloak-js needs (see below).
//
// startStubServer(): a small OAuth/OIDC server for the client-side figures, where the bench
//   needs to count token requests and to choose token lifetimes: /authorize answers at once with
//   a code (no login page), /oauth/token runs the authorization_code (PKCE S256 checked) and
//   refresh_token grants with RS256-signed JWT access, refresh and ID tokens. Refresh tokens rotate; a
//   reused one is counted (`reused`) but still answered, so that a library which sends 50
//   refreshes at once keeps working while the count shows it.
import crypto from 'node:crypto';
import http from 'node:http';
import { closeServer } from '../../tests/support/static-server.mjs';

async function quietly(fn) {
  const { warn, info } = console;
  const keep = (orig) => (...args) => {
    if (typeof args[0] === 'string' && args[0].startsWith('oidc-provider ')) return;
    orig.apply(console, args);
  };
  console.warn = keep(warn);
  console.info = keep(info);
  try { return await fn(); } finally { console.warn = warn; console.info = info; }
}

async function listen(server) {
  await new Promise((resolve, reject) => { server.once('error', reject); server.listen(0, '127.0.0.1', resolve); });
  return server.address().port;
}

const API_RESOURCE = 'https://api.bench.invalid/';

/** @param {{redirectUris: string[]}} o */
export async function startOpenIdProvider({ redirectUris }) {
  const { default: Provider } = await quietly(() => import('oidc-provider'));
  const server = http.createServer();
  const port = await listen(server);
  const origin = `http://127.0.0.1:${port}`;
  const issuer = `${origin}/`;
  const allowedOrigins = new Set(redirectUris.map((u) => new URL(u).origin));
  const provider = await quietly(() => new Provider(issuer, {
    clients: [{
      client_id: 'spa',
      application_type: 'web',
      token_endpoint_auth_method: 'none',
      redirect_uris: redirectUris,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    }],
    routes: { authorization: '/authorize', token: '/oauth/token' },
    cookies: { keys: ['bench-only-not-a-secret'] },
    scopes: ['openid', 'offline_access', 'profile', 'email'],
    claims: { openid: ['sub'], profile: ['name'], email: ['email', 'email_verified'] },
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    rotateRefreshToken: true,
    ttl: {
      AccessToken: 3600, AuthorizationCode: 60, IdToken: 3600, Interaction: 3600, Session: 86400, Grant: 86400,
      RefreshToken: (ctx) => ctx?.oidc?.entities?.RotatedRefreshToken?.remainingTTL ?? 86400,
    },
    features: {
      devInteractions: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => API_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({ scope: 'api', accessTokenFormat: 'jwt', accessTokenTTL: 3600 }),
      },
    },
    clientBasedCORS: (ctx, o) => allowedOrigins.has(o),
    findAccount: async (ctx, id) => ({ accountId: id, claims: async () => ({ sub: id, name: `Bench User ${id}` }) }),
  }));
  // keycloak-js sends its token requests with credentials: 'include' (Keycloak's server allows
  // that); oidc-provider does not answer credentialed CORS, so the bench adds the header for the
  // app origin on token responses. The other libraries do not send credentials.
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path === '/oauth/token' && allowedOrigins.has(ctx.get('origin'))) {
      ctx.set('access-control-allow-credentials', 'true');
    }
  });
  server.on('request', provider.callback());
  return {
    origin,
    issuer,
    authorizationEndpoint: `${origin}/authorize`,
    tokenEndpoint: `${origin}/oauth/token`,
    jwksUri: `${origin}/jwks`,
    close: () => closeServer(server),
  };
}

const b64url = (v) => Buffer.from(v).toString('base64url');

/** @param {{redirectUris: string[], clientId?: string}} o */
export async function startStubServer({ redirectUris, clientId = 'spa' }) {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = 'bench-stub';
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  const sign = (payload) => {
    const input = `${b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }))}.${b64url(JSON.stringify(payload))}`;
    return `${input}.${crypto.sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
  };
  const allowedOrigins = new Set(redirectUris.map((u) => new URL(u).origin));
  const codes = new Map(); // code -> { challenge, redirectUri, nonce, scope }
  const refreshTokens = new Map(); // unspent: token -> { scope, authTime }
  const spentTokens = new Map(); // spent (rotated away): token -> entry, the newest 20,000
  const stub = {
    expiresIn: 3600, // lifetime of the next tokens issued, seconds (a knob for the bench)
    counts: { authorize: 0, authorization_code: 0, refresh_token: 0, reused: 0, errors: 0 },
    resetCounts() { for (const k of Object.keys(this.counts)) this.counts[k] = 0; },
  };

  const server = http.createServer();
  const port = await listen(server);
  const origin = `http://127.0.0.1:${port}`;
  const issuer = `${origin}/`;

  const issue = (scope, nonce, authTime) => {
    const iat = Math.floor(Date.now() / 1000);
    const exp = iat + stub.expiresIn;
    // A JWT, as Keycloak issues them: keycloak-js decodes the refresh token (any format is
    // allowed by OAuth; the other libraries treat it as opaque).
    const refresh = sign({ iss: issuer, sub: 'bench-user', aud: issuer, typ: 'Refresh', iat, exp: iat + 86400,
      jti: b64url(crypto.randomBytes(16)) });
    refreshTokens.set(refresh, { scope, authTime });
    if (refreshTokens.size > 50000) refreshTokens.delete(refreshTokens.keys().next().value); // bounded (a run issues ~7,000)
    return {
      access_token: sign({ iss: issuer, sub: 'bench-user', aud: 'https://api.bench.invalid/', client_id: clientId,
        iat, exp, jti: b64url(crypto.randomBytes(12)), scope }),
      token_type: 'Bearer',
      expires_in: stub.expiresIn,
      refresh_token: refresh,
      id_token: sign({ iss: issuer, sub: 'bench-user', aud: clientId, iat, exp: iat + 3600, auth_time: authTime,
        ...(nonce ? { nonce } : {}), name: 'Bench User' }),
      scope,
    };
  };

  server.on('request', async (req, res) => {
    const url = new URL(req.url, origin);
    // Credentials allowed like Keycloak's server does: keycloak-js fetches with credentials: 'include'.
    const cors = allowedOrigins.has(req.headers.origin)
      ? { 'access-control-allow-origin': req.headers.origin, 'access-control-allow-credentials': 'true', vary: 'origin' } : {};
    const json = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...cors });
      res.end(JSON.stringify(body));
    };
    try {
      if (req.method === 'OPTIONS') {
        res.writeHead(204, {
          ...cors,
          'access-control-allow-methods': 'GET, POST',
          'access-control-allow-headers': req.headers['access-control-request-headers'] || '',
          'access-control-max-age': '600',
        });
        return void res.end();
      }
      if (url.pathname === '/.well-known/openid-configuration' || url.pathname === '/.well-known/oauth-authorization-server') {
        return json(200, {
          issuer,
          authorization_endpoint: `${origin}/authorize`,
          token_endpoint: `${origin}/oauth/token`,
          jwks_uri: `${origin}/jwks`,
          response_types_supported: ['code'],
          grant_types_supported: ['authorization_code', 'refresh_token'],
          code_challenge_methods_supported: ['S256'],
          id_token_signing_alg_values_supported: ['RS256'],
          token_endpoint_auth_methods_supported: ['none'],
          subject_types_supported: ['public'],
          authorization_response_iss_parameter_supported: true,
        });
      }
      if (url.pathname === '/jwks') return json(200, { keys: [jwk] });
      if (url.pathname === '/authorize' && req.method === 'GET') {
        stub.counts.authorize += 1;
        const q = url.searchParams;
        const redirectUri = q.get('redirect_uri');
        if (q.get('client_id') !== clientId || !redirectUris.includes(redirectUri)) {
          res.writeHead(400, { 'content-type': 'text/plain' });
          return void res.end('unknown client or redirect_uri');
        }
        const back = new URL(redirectUri);
        if (q.get('response_type') !== 'code' || q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) {
          back.searchParams.set('error', 'invalid_request');
        } else {
          const code = b64url(crypto.randomBytes(24));
          codes.set(code, {
            challenge: q.get('code_challenge'), redirectUri, nonce: q.get('nonce'), scope: q.get('scope') || 'openid',
            authTime: Math.floor(Date.now() / 1000),
          });
          back.searchParams.set('code', code);
        }
        if (q.has('state')) back.searchParams.set('state', q.get('state'));
        back.searchParams.set('iss', issuer);
        res.writeHead(302, { location: back.href, 'cache-control': 'no-store' });
        return void res.end();
      }
      if (url.pathname === '/oauth/token' && req.method === 'POST') {
        const chunks = [];
        let size = 0;
        for await (const c of req) { size += c.length; if (size > 65536) break; chunks.push(c); }
        const text = Buffer.concat(chunks).toString('utf8');
        const body = /json/.test(req.headers['content-type'] || '')
          ? JSON.parse(text) : Object.fromEntries(new URLSearchParams(text));
        const fail = (error, description) => { stub.counts.errors += 1; json(400, { error, error_description: description }); };
        if (body.grant_type === 'authorization_code') {
          stub.counts.authorization_code += 1;
          const entry = codes.get(body.code);
          codes.delete(body.code);
          if (!entry) return fail('invalid_grant', 'unknown or used code');
          if (entry.redirectUri !== body.redirect_uri) return fail('invalid_grant', 'redirect_uri mismatch');
          const challenge = crypto.createHash('sha256').update(String(body.code_verifier || '')).digest('base64url');
          if (challenge !== entry.challenge) return fail('invalid_grant', 'PKCE verification failed');
          return json(200, issue(entry.scope, entry.nonce, entry.authTime));
        }
        if (body.grant_type === 'refresh_token') {
          stub.counts.refresh_token += 1;
          let entry = refreshTokens.get(body.refresh_token);
          if (entry) {
            refreshTokens.delete(body.refresh_token);
            spentTokens.set(body.refresh_token, entry);
            if (spentTokens.size > 20000) spentTokens.delete(spentTokens.keys().next().value); // bounded
          } else {
            entry = spentTokens.get(body.refresh_token);
            if (!entry) return fail('invalid_grant', 'unknown refresh token');
            stub.counts.reused += 1;
          }
          return json(200, issue(entry.scope, undefined, entry.authTime));
        }
        return fail('unsupported_grant_type', 'grant_type');
      }
      res.writeHead(404, { 'content-type': 'text/plain', ...cors });
      res.end('not found');
    } catch (err) {
      stub.counts.errors += 1;
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain', ...cors });
      res.end(String(err?.message || err));
    }
  });

  return Object.assign(stub, {
    origin,
    issuer,
    authorizationEndpoint: `${origin}/authorize`,
    tokenEndpoint: `${origin}/oauth/token`,
    jwksUri: `${origin}/jwks`,
    close: () => closeServer(server),
  });
}
