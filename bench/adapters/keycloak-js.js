// keycloak-js against a generic OpenID provider (its `oidcProvider` option, endpoints given as
// metadata so that nothing is fetched at init). keycloak-js reads the callback from
// window.location during init(), so handleCallback(url) puts the URL in the address bar and
// initialises a new instance there, as a page load on the redirect URI would.
// keycloak-js decodes the access token itself: the servers issue JWT access tokens.
import Keycloak from 'keycloak-js';

let kc;
let cfg;

const newInstance = () => new Keycloak({
  clientId: cfg.clientId,
  oidcProvider: {
    issuer: cfg.issuer,
    authorization_endpoint: cfg.authorizationEndpoint,
    token_endpoint: cfg.tokenEndpoint,
  },
});
const initOptions = () => ({
  checkLoginIframe: false,
  pkceMethod: 'S256',
  responseMode: 'query',
  redirectUri: cfg.redirectUri,
  scope: cfg.scope,
});

globalThis.benchLib = {
  name: 'keycloak-js',
  async create(c) {
    cfg = c;
    kc = newInstance();
    await kc.init(initOptions());
  },
  buildSignInUrl: () => kc.createLoginUrl(cfg.prompt ? { prompt: cfg.prompt } : undefined),
  async handleCallback(url) {
    history.replaceState(history.state, '', url);
    const next = newInstance();
    await next.init(initOptions());
    if (!next.authenticated) throw new Error('keycloak-js: not authenticated after the callback');
    kc = next;
  },
  async getToken() {
    await kc.updateToken(30);
    return kc.token;
  },
  refresh: () => kc.updateToken(-1),
};
