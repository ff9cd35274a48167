// @badgateway/oauth2-client as its README shows for a browser: OAuth2Client with the
// authorization-code helpers (PKCE), getTokenFromCodeRedirect, then OAuth2Fetch holding the
// token (getToken/refreshToken). The transaction in sessionStorage is the app's own code.
import { OAuth2Client, OAuth2Fetch, generateCodeVerifier } from '@badgateway/oauth2-client';

let client;
let wrapper;
let cfg;
const KEY = 'bg:tx';

globalThis.benchLib = {
  name: 'badgateway',
  async create(c) {
    cfg = c;
    client = new OAuth2Client({
      server: c.origin,
      clientId: c.clientId,
      authorizationEndpoint: c.authorizationEndpoint,
      tokenEndpoint: c.tokenEndpoint,
    });
  },
  async buildSignInUrl() {
    const codeVerifier = await generateCodeVerifier();
    const state = crypto.randomUUID();
    sessionStorage.setItem(KEY, JSON.stringify({ codeVerifier, state }));
    return client.authorizationCode.getAuthorizeUri({
      redirectUri: cfg.redirectUri,
      state,
      codeVerifier,
      scope: cfg.scope.split(' '),
      ...(cfg.prompt ? { extraParams: { prompt: cfg.prompt } } : {}),
    });
  },
  async handleCallback(url) {
    const { codeVerifier, state } = JSON.parse(sessionStorage.getItem(KEY));
    sessionStorage.removeItem(KEY);
    const token = await client.authorizationCode.getTokenFromCodeRedirect(url, {
      redirectUri: cfg.redirectUri, state, codeVerifier,
    });
    let initial = token;
    wrapper = new OAuth2Fetch({
      client,
      getNewToken: () => { const t = initial; initial = null; return t; },
    });
    await wrapper.getToken();
  },
  getToken: () => wrapper.getAccessToken(),
  refresh: () => wrapper.refreshToken(),
};
