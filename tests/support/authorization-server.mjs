// A real OpenID Provider (panva/oidc-provider 9) on 127.0.0.1, for e2e tests and the demo.
//
//   const op = await startAuthorizationServer({
//     redirectUris: ['http://localhost:APP/callback.html'],
//     postLogoutRedirectUris: ['http://localhost:APP/'],
//   });
//   op.issuer   -> 'http://127.0.0.1:PORT'  (no trailing slash; discovery at op.issuer + '/.well-known/openid-configuration')
//   op.close()
//
// Client `spa` (public: token_endpoint_auth_method none, PKCE S256 required, grants
// authorization_code + refresh_token). Scopes openid offline_access profile email.
// Refresh tokens rotate; reusing a rotated one is `invalid_grant` (and oidc-provider then
// revokes the whole grant). CORS is allowed for the origins of `redirectUris` (plus
// `corsOrigins`), so the app must be served from one of those origins (use
// http://localhost:<appPort>, the issuer is on 127.0.0.1 so the two are cross-origin).
//
// Accounts: any login/password is accepted by the dev login form; the account id is the
// login. Claims: sub = login, name = "Test User <login>", email = "<login>@example.test".
// Claims are put into the ID token too (conformIdTokenClaims: false) so getUser() sees them.
import http from 'node:http';
import { closeServer } from './static-server.mjs';

// oidc-provider 9 prints "Unsupported runtime" on Node 20 at import and a few
// development notices at construction: known, harmless, and noisy in test output.
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
const { default: Provider, errors: providerErrors } = await quietly(() => import('oidc-provider'));
export { providerErrors };

const PAGE_STYLE = 'body{font-family:sans-serif;margin:2em}';
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * @param {object} o
 * @param {string[]} o.redirectUris               exact redirect URIs of client `spa`
 * @param {string[]} [o.postLogoutRedirectUris]
 * @param {string} [o.clientId='spa']
 * @param {number} [o.accessTokenTTL=300]          seconds
 * @param {number} [o.refreshTokenTTL=86400]       seconds
 * @param {number} [o.idTokenTTL=3600]             seconds
 * @param {boolean|'required'} [o.dpop=false]      true: features.dPoP on (optional for the client);
 *                                                 'required': also dpop_bound_access_tokens on the client
 * @param {boolean} [o.refreshTokenWithoutConsent=true]  issue a refresh token for every code grant of
 *        the client (oidc-provider otherwise needs scope offline_access AND prompt=consent)
 * @param {string[]} [o.corsOrigins]               extra origins allowed by CORS
 * @param {Record<string, object>} [o.resourceServers]  enables RFC 8707 resource indicators:
 *        resource URL -> { scope: 'api:read', accessTokenFormat: 'opaque'|'jwt', audience? }
 * @param {boolean} [o.issParameter=true]          false: strip RFC 9207 `iss` from authorization
 *        responses (a fault: the discovery document still says authorization_response_iss_parameter_supported)
 * @param {object} [o.clientExtra]                 extra client metadata merged into the `spa` client
 * @param {object} [o.configuration]               merged last into the Provider configuration
 * @returns {Promise<{issuer: string, port: number, provider: Provider, close(): Promise<void>}>}
 */
export async function startAuthorizationServer(o = {}) {
  const {
    redirectUris, postLogoutRedirectUris = [], clientId = 'spa',
    accessTokenTTL = 300, refreshTokenTTL = 86400, idTokenTTL = 3600,
    dpop = false, refreshTokenWithoutConsent = true, corsOrigins = [],
    resourceServers, issParameter = true, clientExtra = {}, configuration = {},
  } = o;
  if (!Array.isArray(redirectUris) || redirectUris.length === 0) {
    throw new TypeError('startAuthorizationServer: redirectUris (non-empty array) is required');
  }

  // Listen first (free port), then build the provider for that issuer.
  const server = http.createServer();
  await new Promise((resolve, reject) => { server.once('error', reject); server.listen(0, '127.0.0.1', resolve); });
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const allowedOrigins = new Set([...redirectUris, ...corsOrigins].map((u) => new URL(u).origin));

  const config = {
    clients: [{
      client_id: clientId,
      application_type: 'web',
      token_endpoint_auth_method: 'none',
      redirect_uris: redirectUris,
      post_logout_redirect_uris: postLogoutRedirectUris,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      ...(dpop === 'required' ? { dpop_bound_access_tokens: true } : {}),
      ...clientExtra,
    }],
    cookies: { keys: ['dev-only-not-a-secret'] },
    scopes: ['openid', 'offline_access', 'profile', 'email'],
    claims: {
      openid: ['sub'],
      profile: ['name'],
      email: ['email', 'email_verified'],
    },
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    rotateRefreshToken: true,
    ...(refreshTokenWithoutConsent
      ? { issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token') }
      : {}),
    ttl: {
      AccessToken: accessTokenTTL,
      AuthorizationCode: 60,
      IdToken: idTokenTTL,
      RefreshToken: (ctx, token, client) => {
        const rotated = ctx?.oidc?.entities?.RotatedRefreshToken;
        return rotated ? rotated.remainingTTL : refreshTokenTTL;
      },
      Interaction: 3600,
      Session: 86400,
      Grant: 86400,
      ClientCredentials: 600,
      DeviceCode: 600,
      BackchannelAuthenticationRequest: 600,
      PreAuthorizedCode: 600,
    },
    features: {
      devInteractions: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      dPoP: { enabled: Boolean(dpop) },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.body = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Logout Request</title>
<style>${PAGE_STYLE}</style></head><body><h1>Do you want to sign-out from ${esc(ctx.host)}?</h1>${form}
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
<button type="submit" form="op.logoutForm">No, stay signed in</button></body></html>`;
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.body = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Sign-out Success</title>
<style>${PAGE_STYLE}</style></head><body><h1>Sign-out Success</h1></body></html>`;
        },
      },
      ...(resourceServers ? {
        resourceIndicators: {
          enabled: true,
          defaultResource: () => undefined,
          useGrantedResource: () => true,
          getResourceServerInfo: (ctx, resource) => {
            const info = resourceServers[resource];
            if (!info) throw new providerErrors.InvalidTarget();
            return { scope: 'api', accessTokenFormat: 'opaque', ...info };
          },
        },
      } : {}),
    },
    clientBasedCORS: (ctx, origin) => allowedOrigins.has(origin),
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>oops! something went wrong</title>
<style>${PAGE_STYLE}</style></head><body><h1>oops! something went wrong</h1>
${Object.entries(out).map(([k, v]) => `<pre><strong>${esc(k)}</strong>: ${esc(v)}</pre>`).join('')}</body></html>`;
    },
    findAccount: async (ctx, id) => ({
      accountId: id,
      claims: async () => ({
        sub: id,
        name: `Test User ${id}`,
        email: `${id}@example.test`,
        email_verified: true,
      }),
    }),
  };
  for (const [k, v] of Object.entries(configuration)) {
    config[k] = k === 'features' ? { ...config.features, ...v } : v;
  }

  const provider = await quietly(() => new Provider(issuer, config));
  if (!issParameter) {
    // oidc-provider 9 has no switch for RFC 9207: strip `iss` from redirects (a deliberate fault).
    provider.use(async (ctx, next) => {
      await next();
      const loc = ctx.response.get('location');
      if (loc && ctx.status >= 300 && ctx.status < 400) {
        const u = new URL(loc, issuer);
        if (u.searchParams.has('iss')) {
          u.searchParams.delete('iss');
          ctx.set('location', u.href);
        }
      }
    });
  }
  server.on('request', provider.callback());

  return {
    issuer,
    port,
    clientId,
    provider,
    server,
    close: () => closeServer(server),
  };
}

const NAV_TIMEOUT = 15000;

async function submitAndWait(page, selector, timeout) {
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'domcontentloaded', timeout }),
    page.click(selector, { timeout }),
  ]);
}

/**
 * Drives oidc-provider's dev interaction pages in a Playwright page that is on (or navigating
 * to) the login page: fills the login form, submits it, then submits the consent form when
 * one is shown. Resolves when the browser has left the provider's interaction pages (normally
 * back on the redirect URI, only `domcontentloaded` awaited).
 * @param {import('playwright-core').Page} page
 * @param {{login?: string, password?: string, timeout?: number}} [creds]
 */
export async function login(page, { login: user = 'alice', password = 'any-password', timeout = NAV_TIMEOUT } = {}) {
  await page.waitForSelector('input[name=login]', { timeout });
  const opOrigin = new URL(page.url()).origin;
  await page.fill('input[name=login]', user);
  await page.fill('input[name=password]', password);
  await submitAndWait(page, 'button[type=submit]', timeout);
  // Consent: bounded, at most one page per prompt the provider still has (normally 1).
  for (let i = 0; i < 3; i++) {
    if (new URL(page.url()).origin !== opOrigin) return;
    if (await page.locator('input[name=login]').count()) {
      throw new Error('the authorization server showed the login form again');
    }
    if (!(await page.locator('form button[type=submit]').count())) {
      const text = ((await page.textContent('body').catch(() => '')) || '').replace(/\s+/g, ' ').trim();
      throw new Error(`unexpected authorization server page: ${text.slice(0, 300)}`);
    }
    await submitAndWait(page, 'form button[type=submit]', timeout);
  }
  throw new Error('still on the authorization server after 3 consent submits');
}

/** Confirms oidc-provider's RP-initiated logout page ("Yes, sign me out"). */
export async function confirmLogout(page, { timeout = NAV_TIMEOUT } = {}) {
  await page.waitForSelector('button[name=logout][value=yes]', { timeout });
  await submitAndWait(page, 'button[name=logout][value=yes]', timeout);
}
