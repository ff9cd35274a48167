// @auth0/auth0-spa-js as its README shows: createAuth0Client, loginWithRedirect (openUrl captures
// the URL instead of navigating), handleRedirectCallback, getTokenSilently with refresh tokens.
// auth0-spa-js derives its endpoints from `domain` (/authorize, /oauth/token) and expects the
// ID token issuer `${domain}/`; the bench's servers use that layout.
import { createAuth0Client } from '@auth0/auth0-spa-js';

let auth0;
let captured;

globalThis.benchLib = {
  name: 'auth0-spa-js',
  async create(c) {
    auth0 = await createAuth0Client({
      domain: c.origin,
      clientId: c.clientId,
      useRefreshTokens: true,
      authorizationParams: {
        redirect_uri: c.redirectUri,
        scope: c.scope,
        ...(c.prompt ? { prompt: c.prompt } : {}),
      },
    });
  },
  async buildSignInUrl() {
    captured = undefined;
    await auth0.loginWithRedirect({ openUrl: (url) => { captured = url; } });
    return captured;
  },
  handleCallback: (url) => auth0.handleRedirectCallback(url),
  getToken: () => auth0.getTokenSilently(),
  refresh: () => auth0.getTokenSilently({ cacheMode: 'off' }),
};
