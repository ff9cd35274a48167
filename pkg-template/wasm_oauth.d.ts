/**
 * wasm-oauth: OAuth 2.0 Authorization Code + PKCE sign-in for single-page apps, in a small
 * WebAssembly module.
 *
 * ```ts
 * import init, { AuthClient } from "wasm-oauth";
 * await init(); // browsers; the Node entry is initialised on import
 * const auth = new AuthClient({ issuer: "https://id.example.com", clientId: "spa",
 *                               redirectUri: location.origin + "/" });
 * if (new URLSearchParams(location.search).has("state")) await auth.handleCallback();
 * if (!auth.isAuthenticated()) await auth.signIn();
 * const token = await auth.getToken();
 * ```
 *
 * @packageDocumentation
 */

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------

/** Provider presets: endpoints and quirks of a known authorization server. */
export type Provider = "basic" | "auth0";

/** Where tokens are kept. Sign-in transactions always use `sessionStorage` when it exists. */
export type StorageKind = "session" | "local" | "memory";

/** The body encoding of token requests. */
export type TokenRequestEncoding = "form" | "json";

/** The `credentials` mode of token-endpoint requests. */
export type TokenRequestCredentials = "same-origin" | "include";

/** The grant a client uses to obtain access tokens. */
export type GrantType = "authorization_code" | "client_credentials";

/** How a confidential client presents its `clientSecret` to the token endpoint. */
export type ClientAuthMethod = "client_secret_post" | "client_secret_basic";

/**
 * Configuration of an {@link AuthClient} and of the free functions. All keys are camelCase.
 * Explicit keys override a `provider` preset; explicit endpoints override discovery, which only
 * fills in what is missing. Every endpoint and the issuer must be `https:`, except on loopback
 * hosts (`localhost`, `127.0.0.0/8`, `[::1]`); anything invalid is an `invalid_config` error.
 */
export interface AuthConfig {
  /** The OAuth client id. Required. */
  clientId: string;
  /**
   * The absolute URL the authorization server redirects back to, registered with the provider.
   * Required for the authorization code flow (not for `grantType: "client_credentials"`).
   */
  redirectUri?: string;
  /** The authorize URL. Default: from `provider` or from the `issuer`'s discovery document. */
  authorizationEndpoint?: string;
  /** The token URL. Default: from `provider` or from the `issuer`'s discovery document. */
  tokenEndpoint?: string;
  /** The RFC 7009 revocation URL, for `signOut({ revoke: true })`. Default: from `provider`/discovery. */
  revocationEndpoint?: string;
  /** The RP-initiated logout URL, for `signOut({ endSession: true })`. Default: from `provider`/discovery. */
  endSessionEndpoint?: string;
  /**
   * The issuer identifier. Enables discovery (`/.well-known/openid-configuration`, then
   * `/.well-known/oauth-authorization-server`), RFC 9207 `iss` checks on the callback and the
   * ID token `iss` check.
   */
  issuer?: string;
  /**
   * A preset. `"basic"`: `https://api.basic.tech/auth/authorize` and `/auth/token`, JSON token
   * requests, scope `"profile"`. `"auth0"`: needs `domain`; issuer `https://{domain}/`,
   * `/authorize`, `/oauth/token`.
   */
  provider?: Provider;
  /** The tenant host for `provider: "auth0"`, e.g. `"example.eu.auth0.com"`. */
  domain?: string;
  /** Sent as `audience` on the authorize request (Auth0's API identifier). */
  audience?: string;
  /** RFC 8707 resource indicator(s): one `resource` parameter each, on authorize and token requests. */
  resource?: string | string[];
  /** Added to every token request body; an array repeats the key. */
  extraTokenParams?: Record<string, string | string[]>;
  /** Added to every token request as HTTP headers (e.g. a provider's API version header). */
  tokenRequestHeaders?: Record<string, string>;
  /** Space-separated scopes. Default `"openid"` (Basic preset: `"profile"`; client credentials: none). */
  scope?: string;
  /** Body of token requests. Default `"form"` (Basic preset: `"json"`, where arrays stay JSON arrays). */
  tokenRequestEncoding?: TokenRequestEncoding;
  /**
   * Where tokens live. Default `"session"`; `"memory"` where Web Storage is unavailable
   * (Node, workers). Every key written to Web Storage starts with `wasm-oauth:`.
   */
  storage?: StorageKind;
  /** Seconds before expiry at which an access token already counts as expired. Default 60. */
  expiryLeeway?: number;
  /** Timeout of each token-endpoint request, in milliseconds. Default 10000. */
  requestTimeout?: number;
  /**
   * DPoP (RFC 9449): sign every token request with a proof from a non-extractable key kept in
   * IndexedDB, and bind the authorization code (`dpop_jkt`). Tokens then have
   * `tokenType: "DPoP"`; make API proofs with {@link AuthClient.generateDpopProof}. Default false.
   * Needs the full build, `import ... from "wasm-oauth/full"`: the core `wasm-oauth` entry
   * rejects `dpop: true` with `invalid_config`.
   */
  dpop?: boolean;
  /**
   * `credentials` of token-endpoint requests: `"same-origin"` (default) or `"include"` (send
   * cookies cross-origin, for servers that need them; their CORS must allow credentials).
   */
  tokenRequestCredentials?: TokenRequestCredentials;
  /**
   * Check ID token signatures (RS256, PS256, ES256) with WebCrypto against the issuer's JWK Set
   * (`jwksUri`, or the discovered `jwks_uri`). Off by default: no request, no work. A bad
   * signature is `id_token_invalid`. Needs the full build, `import ... from "wasm-oauth/full"`:
   * the core `wasm-oauth` entry rejects `true` with `invalid_config` (it never skips the check).
   */
  verifyIdTokenSignature?: boolean;
  /** The issuer's JWK Set URL, when it is not discovered (https, or http on loopback). */
  jwksUri?: string;

  // -- server-side token sources (confidential clients) --
  // The keys below need the full build. In Node, `import ... from "wasm-oauth"` is the full
  // build already (the "node" export condition); elsewhere (a page, a worker, an edge runtime)
  // import `"wasm-oauth/full"`: the core `wasm-oauth` entry rejects each of them with
  // `invalid_config` ("clientSecret needs the full build: import wasm-oauth/full ...").

  /**
   * Default `"authorization_code"`. With `"client_credentials"`, {@link AuthClient.getToken}
   * obtains, caches and renews a token itself (no user, no refresh token), and
   * `signIn`/`handleCallback` reject with `invalid_config`. `"client_credentials"` needs the
   * full build (Node's `wasm-oauth`, or `wasm-oauth/full`).
   */
  grantType?: GrantType;
  /**
   * The client secret of a confidential client: sent as `client_secret` in the body
   * (`client_secret_post`, the default) or as HTTP Basic (`client_secret_basic`).
   * In a page (where `window.document` exists) only with `dangerouslyAllowSecretsInBrowser`.
   * Needs the full build (Node's `wasm-oauth`, or `wasm-oauth/full`).
   */
  clientSecret?: string;
  /** How `clientSecret` is sent. Default `"client_secret_post"`. Needs the full build. */
  clientAuthMethod?: ClientAuthMethod;
  /**
   * A ready-encoded key, sent verbatim as `Authorization: Basic <apiKey>` on token requests.
   * In a page only with `dangerouslyAllowSecretsInBrowser`. Needs the full build (Node's
   * `wasm-oauth`, or `wasm-oauth/full`).
   */
  apiKey?: string;
  /**
   * Allow `clientSecret`/`apiKey` where `window.document` exists. Anything shipped to a browser
   * is public: use this only for local tools and tests, never in a deployed page. Needs the
   * full build, `wasm-oauth/full`: the core `wasm-oauth` entry rejects `true`.
   */
  dangerouslyAllowSecretsInBrowser?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Shapes
// ---------------------------------------------------------------------------------------------

/** The tokens of a signed-in user (or of a client credentials client). */
export interface TokenSet {
  /** The access token, for `Authorization: Bearer …`. */
  accessToken: string;
  /** The token type as the server said, e.g. `"Bearer"`. */
  tokenType: string;
  /**
   * When the access token expires: absolute, Unix time in seconds. Absent when neither
   * `expires_in` nor a JWT `exp` told; the token then counts as valid until a request says otherwise.
   */
  expiresAt?: number;
  /** The refresh token, when the server issued one. */
  refreshToken?: string;
  /** The OpenID Connect ID token, when the server issued one. */
  idToken?: string;
  /** The granted scope, when the server said. */
  scope?: string;
}

/** What {@link AuthClient.handleCallback} resolves to. */
export interface CallbackResult {
  /** The tokens obtained for the authorization code (already stored). */
  tokens: TokenSet;
  /** The `appState` given to `signIn`; absent when none was given. */
  appState?: unknown;
}

/** Options of {@link AuthClient.signIn} and {@link AuthClient.createSignInUrl}. */
export interface SignInOptions {
  /**
   * Any JSON-serialisable value, stored with the sign-in transaction and
   * returned by `handleCallback` (e.g. the route to return to). Never sent to the server.
   */
  appState?: unknown;
  /** Replaces the configured `scope` for this sign-in. */
  scope?: string;
  /**
   * Added to the authorize URL (e.g. `prompt`, `login_hint`, `ui_locales`). May not set
   * `response_type`, `client_id`, `redirect_uri`, `state`, `nonce`, `code_challenge` or
   * `code_challenge_method` (`invalid_config`).
   */
  extraParams?: Record<string, string>;
}

/** Options of {@link AuthClient.signOut}. Default: forget local tokens only, no request, no navigation. */
export interface SignOutOptions {
  /** Also revoke the tokens at the server's revocation endpoint (RFC 7009), when it has one. */
  revoke?: boolean;
  /** Also navigate to the server's `end_session_endpoint` (OpenID Connect RP-initiated logout). */
  endSession?: boolean;
  /** Where the server sends the browser after `endSession`; must be registered with it. */
  postLogoutRedirectUri?: string;
}

/** Options of {@link AuthClient.getToken}. */
export interface GetTokenOptions {
  /**
   * Seconds the returned token must still be valid for; replaces `expiryLeeway` for this call.
   * A token closer to expiry is refreshed first.
   */
  minValidity?: number;
}

/** Options of {@link AuthClient.generateDpopProof}. */
export interface DpopProofOptions {
  /** The URL of the API request (its query and fragment are not part of the proof's `htu`). */
  url: string;
  /** The HTTP method of the API request. Default `"GET"`. */
  method?: string;
  /** A `DPoP-Nonce` the resource server asked for. */
  nonce?: string;
  /** The access token the proof is for (its hash becomes `ath`). Default: the stored one. */
  accessToken?: string;
}

/** ID token claims (`sub`, `name`, `email`, …) as the server sent them. */
export type UserClaims = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/**
 * The library's own error codes, and the common OAuth 2.0 / OpenID Connect codes that are passed
 * through from the server or the callback. Any other single-word OAuth code can occur too.
 */
export type AuthErrorCode =
  /** Missing or invalid configuration, or an `extraParams` key the protocol owns. */
  | "invalid_config"
  /** Callback `state` missing, unknown, reused or expired. */
  | "state_mismatch"
  /** Callback with a valid `state` but neither `code` nor `error`. */
  | "missing_code"
  /** RFC 9207: the callback's `iss` differs from the configured issuer. */
  | "issuer_mismatch"
  /** No usable tokens and no way to get one without the user: sign in again. */
  | "login_required"
  /** `fetch` failed (offline, DNS, CORS). */
  | "network_error"
  /** A token request exceeded `requestTimeout`. */
  | "timeout"
  /** A body that is not JSON, has no string `access_token`, or has wrong types. */
  | "invalid_response"
  /** ID token claims (`iss`, `aud`, `exp`, `nonce`) failed validation. */
  | "id_token_invalid"
  /** A non-2xx answer without an OAuth error code; `status` is set. */
  | "http_error"
  // Passed through from the server (RFC 6749 §4.1.2.1, §5.2; OpenID Connect Core §3.1.2.6, which
  // also defines a `login_required`; RFC 8707).
  | "access_denied"
  | "invalid_request"
  | "unauthorized_client"
  | "unsupported_response_type"
  | "invalid_scope"
  | "server_error"
  | "temporarily_unavailable"
  | "invalid_grant"
  | "invalid_client"
  | "unsupported_grant_type"
  | "invalid_target"
  | "interaction_required"
  | "consent_required"
  | "account_selection_required"
  // Any other OAuth code, passed through as the server sent it.
  | (string & {});

/**
 * Every rejection and every error thrown by this library: an `Error` with
 * `name === "AuthError"`: test with `error instanceof Error && error.name === "AuthError"`.
 * Its `message` never contains tokens, codes, verifiers or secrets.
 */
export interface AuthError extends Error {
  /** Always `"AuthError"`. */
  name: "AuthError";
  /** What went wrong, see {@link AuthErrorCode}. */
  code: AuthErrorCode;
  /** The server's `error_description` (or `message`) as sent, or the library's own explanation. */
  description?: string;
  /** The HTTP status of the answer that caused the error, when there was one. */
  status?: number;
}

// ---------------------------------------------------------------------------------------------
// AuthClient
// ---------------------------------------------------------------------------------------------

/**
 * An OAuth client. Every client in a page (instances and free functions) with the same
 * `clientId` and `issuer` (or, without an issuer, `tokenEndpoint`) shares stored state and
 * in-flight refreshes.
 */
export class AuthClient {
  /**
   * Validates `config` synchronously.
   * @throws {AuthError} `invalid_config`
   */
  constructor(config: AuthConfig);
  /**
   * Starts a sign-in: stores a fresh transaction (PKCE verifier, `state`, `nonce`, `appState`)
   * in `sessionStorage`, then navigates to the authorize URL.
   */
  signIn(options?: SignInOptions): Promise<void>;
  /** Like {@link signIn}, but resolves to the authorize URL instead of navigating. */
  createSignInUrl(options?: SignInOptions): Promise<string>;
  /**
   * Completes a sign-in on the redirect URI: checks `state` (and `iss`), exchanges the code and
   * stores the tokens. Default `url`: `window.location.href`, whose OAuth parameters are then
   * removed from the address bar (on success and on failure).
   */
  handleCallback(url?: string): Promise<CallbackResult>;
  /**
   * A valid access token: the stored one while it is valid for more than the leeway, else
   * refreshed once (however many calls wait). Rejects with `login_required` without tokens or
   * after a definitive refresh failure (the server's code and text are in `description`).
   */
  getToken(options?: GetTokenOptions): Promise<string>;
  /** Runs the refresh_token grant now (always hits the server); rejects with the server's code. */
  refresh(): Promise<TokenSet>;
  /** Forgets the tokens; see {@link SignOutOptions} for revocation and RP-initiated logout. */
  signOut(options?: SignOutOptions): Promise<void>;
  /**
   * A DPoP proof JWT for an API call, to send as the `DPoP` header next to
   * `Authorization: DPoP <token>`. Needs `dpop: true` and the full build, `wasm-oauth/full`
   * (else `invalid_config`).
   */
  generateDpopProof(options: DpopProofOptions): Promise<string>;
  /** True while tokens are stored and the access token is valid or a refresh token is there. */
  isAuthenticated(): boolean;
  /** The stored tokens, or `null`. */
  getTokens(): TokenSet | null;
  /** The ID token's claims, or `null` when there is no ID token. */
  getUser(): UserClaims | null;
  /** Does nothing: kept, as a no-op, for code written against the earlier wasm-bindgen class (an instance holds no WebAssembly memory). */
  free(): void;
}

// ---------------------------------------------------------------------------------------------
// Free functions (clients with equal clientId + issuer-or-tokenEndpoint share state)
// ---------------------------------------------------------------------------------------------

/** {@link AuthClient.signIn} without keeping a client. Rejects (instead of throwing) on bad config. */
export function signIn(config: AuthConfig, options?: SignInOptions): Promise<void>;
/** {@link AuthClient.handleCallback} without keeping a client. */
export function handleCallback(config: AuthConfig, url?: string): Promise<CallbackResult>;
/** {@link AuthClient.getToken} without keeping a client. */
export function getToken(config: AuthConfig, options?: GetTokenOptions): Promise<string>;
/** {@link AuthClient.refresh} without keeping a client. */
export function refresh(config: AuthConfig): Promise<TokenSet>;

// ---------------------------------------------------------------------------------------------
// Initialisation
// ---------------------------------------------------------------------------------------------

// DOM and WebAssembly types are looked up on `globalThis`, so that these declarations also
// compile in projects without `lib.dom` (Node): a type that does not exist there is `never`.
type Global = typeof globalThis;
type InstanceOf<K extends string> = Global extends { [P in K]: { prototype: infer T } } ? T : never;
type WebAssemblyInstanceOf<K extends string> = Global extends { WebAssembly: { [P in K]: { prototype: infer T } } } ? T : never;

/**
 * Where the WebAssembly module comes from: a URL to fetch, a `Response`, the bytes, or a
 * compiled `WebAssembly.Module`.
 */
export type InitInput =
  | string
  | InstanceOf<"URL">
  | InstanceOf<"Request">
  | InstanceOf<"Response">
  | ArrayBuffer
  | ArrayBufferView
  | WebAssemblyInstanceOf<"Module">;
/** The WebAssembly module as bytes or compiled (`WebAssembly.Module`), for {@link initSync}. */
export type SyncInitInput = ArrayBuffer | ArrayBufferView | WebAssemblyInstanceOf<"Module">;

/** The instantiated module's exports (internal; only `memory` is meant to be looked at). */
export interface InitOutput {
  /** The module's `WebAssembly.Memory`. */
  readonly memory: WebAssemblyInstanceOf<"Memory">;
}

/**
 * Fetches and instantiates the WebAssembly module; call (and await) it once before anything
 * else in browsers. Without an argument it loads `wasm_oauth_bg.wasm` next to this file, which
 * bundlers that understand `new URL(…, import.meta.url)` (Vite, webpack 5, …) copy for you.
 * Calling it again returns the same instance. In Node, the package entry has already
 * initialised the module. Needs the CSP `script-src 'wasm-unsafe-eval'`.
 */
export default function init(options?: { module_or_path?: InitInput | Promise<InitInput> }): Promise<InitOutput>;
/** @deprecated Pass `{ module_or_path }` instead. */
export default function init(module_or_path: InitInput | Promise<InitInput>): Promise<InitOutput>;

/**
 * Instantiates the module synchronously from its bytes or a compiled `WebAssembly.Module`
 * (browsers allow synchronous compilation of large modules only in workers).
 */
export function initSync(options: { module: SyncInitInput }): InitOutput;
/** @deprecated Pass `{ module }` instead. */
export function initSync(module: SyncInitInput): InitOutput;

// Only the declarations marked `export` above are part of the package.
export {};
