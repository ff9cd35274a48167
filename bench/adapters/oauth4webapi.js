// oauth4webapi: the documented code flow (PKCE, state, nonce, authorizationCodeGrantRequest,
// refreshTokenGrantRequest) plus the minimal code an SPA must add itself: the transaction in
// sessionStorage and a token cache in memory. Like the library, this cache does no sharing of
// in-flight refreshes (it is the least a user must write, not the most).
import * as oauth from 'oauth4webapi';

let as;
let client;
let cfg;
let tokens; // { access_token, expires_at (ms), refresh_token }
const auth = oauth.None();
const opts = { [oauth.allowInsecureRequests]: true }; // the bench servers are http://127.0.0.1
const KEY = 'o4w:tx';

function keep(result) {
  tokens = {
    access_token: result.access_token,
    expires_at: Date.now() + (result.expires_in ?? 0) * 1000,
    refresh_token: result.refresh_token ?? tokens?.refresh_token,
  };
  return result.access_token;
}

async function refresh() {
  const response = await oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token, opts);
  return keep(await oauth.processRefreshTokenResponse(as, client, response));
}

globalThis.benchLib = {
  name: 'oauth4webapi',
  async create(c) {
    cfg = c;
    as = {
      issuer: c.issuer,
      authorization_endpoint: c.authorizationEndpoint,
      token_endpoint: c.tokenEndpoint,
      jwks_uri: c.jwksUri,
    };
    client = { client_id: c.clientId };
  },
  async buildSignInUrl() {
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const nonce = oauth.generateRandomNonce();
    const url = new URL(as.authorization_endpoint);
    url.searchParams.set('client_id', client.client_id);
    url.searchParams.set('redirect_uri', cfg.redirectUri);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('scope', cfg.scope);
    url.searchParams.set('state', state);
    url.searchParams.set('nonce', nonce);
    url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier));
    url.searchParams.set('code_challenge_method', 'S256');
    if (cfg.prompt) url.searchParams.set('prompt', cfg.prompt);
    sessionStorage.setItem(KEY, JSON.stringify({ verifier, state, nonce }));
    return url.href;
  },
  async handleCallback(href) {
    const tx = JSON.parse(sessionStorage.getItem(KEY));
    sessionStorage.removeItem(KEY);
    const params = oauth.validateAuthResponse(as, client, new URL(href), tx.state);
    const response = await oauth.authorizationCodeGrantRequest(as, client, auth, params, cfg.redirectUri, tx.verifier, opts);
    return keep(await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: tx.nonce, requireIdToken: true }));
  },
  async getToken() {
    if (tokens.expires_at - 60000 > Date.now()) return tokens.access_token;
    return refresh();
  },
  refresh,
};
