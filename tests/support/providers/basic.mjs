// Basic (https://api.basic.tech) for the provider tests: the shared Basic fixture
// (tests/support/basic-server.mjs, which implements /auth/authorize, JSON-only /auth/token with
// rotation, 400 {error, message}) plus the switches the provider tests need.
//
//   const basic = await startBasic({ redirectUris: [app.callbackUrl] });
//   basic.failNext({ status: 400, error: 'invalid_grant', message: '...' })   next /auth/token, once
//   basic.config(app)   -> the copy-paste README config pointed at this fixture
//   (everything of startBasicServer: requests, tokenRequests(), respondNext(), revokeAll(), ...)
import { startBasicServer, decodeJwt, s256 } from '../basic-server.mjs';

/** Basic's documented token-endpoint errors: 400 {error, message}. */
export const BASIC_TOKEN_ERRORS = [
  { status: 400, error: 'invalid_grant', message: 'invalid authorization code' },
  { status: 400, error: 'invalid_request', message: 'code_verifier missing or malformed' },
  { status: 400, error: 'unsupported_grant_type', message: 'grant_type must be authorization_code or refresh_token' },
];

/** The exact JSON key sets of Basic's two token requests (client_id optional on refresh). */
export const BASIC_CODE_FIELDS = ['client_id', 'code', 'code_verifier', 'grant_type', 'redirect_uri'];
export const BASIC_REFRESH_FIELDS = ['grant_type', 'refresh_token'];

export async function startBasic(o = {}) {
  const basic = await startBasicServer({ clientId: 'basic-app', ...o });
  return {
    ...basic,
    failNext: ({ status = 400, error, message, headers, delayMs }) => basic.respondNext({ status, json: { error, message }, headers, delayMs }),
    /** The README's config, with the preset's endpoints pointed at this fixture. */
    config: (redirectUri, extra = {}) => ({
      provider: 'basic', clientId: basic.clientId, redirectUri,
      authorizationEndpoint: basic.authorizationEndpoint, tokenEndpoint: basic.tokenEndpoint, ...extra,
    }),
  };
}

export { decodeJwt, s256 };
