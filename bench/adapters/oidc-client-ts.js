// oidc-client-ts as its docs show an SPA: a UserManager, signinRedirect (with a navigator that
// captures the URL instead of navigating), signinCallback, getUser() and, when the user is
// missing or expired, signinSilent() (which uses the refresh token).
import { UserManager } from 'oidc-client-ts';

let mgr;
let captured;
const navigator = {
  prepare: async () => ({
    navigate: async ({ url }) => { captured = url; return { url }; },
    close() {},
  }),
  callback: async () => {},
};

globalThis.benchLib = {
  name: 'oidc-client-ts',
  async create(c) {
    mgr = new UserManager({
      authority: c.issuer,
      metadata: {
        issuer: c.issuer,
        authorization_endpoint: c.authorizationEndpoint,
        token_endpoint: c.tokenEndpoint,
        jwks_uri: c.jwksUri,
      },
      client_id: c.clientId,
      redirect_uri: c.redirectUri,
      scope: c.scope,
      automaticSilentRenew: false,
      ...(c.prompt ? { prompt: c.prompt } : {}),
    }, navigator);
  },
  async buildSignInUrl() {
    captured = undefined;
    await mgr.signinRedirect();
    return captured;
  },
  handleCallback: (url) => mgr.signinCallback(url),
  async getToken() {
    let user = await mgr.getUser();
    if (!user || user.expired) user = await mgr.signinSilent();
    return user.access_token;
  },
  refresh: () => mgr.signinSilent(),
};
