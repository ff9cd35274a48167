// Type-checks the published declarations (pkg/*.d.ts) against every name of API.md.
// Run after a build: npx -p typescript@5 tsc -p pkg-template/check && npx -p typescript@5 tsc -p pkg-template/check/tsconfig.node.json
// `@ts-expect-error` lines must stay errors: they pin what the types reject.
import init, {
  AuthClient, signIn, handleCallback, getToken, refresh, initSync,
  type AuthConfig, type TokenSet, type CallbackResult, type SignInOptions, type SignOutOptions,
  type AuthError, type AuthErrorCode, type GetTokenOptions, type InitOutput, type UserClaims,
} from "wasm-oauth";

const out: InitOutput = await init();
await init({ module_or_path: new URL("https://cdn.example/wasm_oauth_bg.wasm") });
await init({ module_or_path: fetch("/x.wasm") });
void out.memory;
declare const bytes: ArrayBuffer;
initSync({ module: bytes });

const config: AuthConfig = {
  clientId: "spa",
  redirectUri: "https://app.example/",
  authorizationEndpoint: "https://id.example/authorize",
  tokenEndpoint: "https://id.example/token",
  issuer: "https://id.example",
  provider: "auth0",
  domain: "tenant.auth0.com",
  audience: "https://api.example",
  resource: ["https://api.example", "https://other.example"],
  extraTokenParams: { a: "1", b: ["x", "y"] },
  tokenRequestHeaders: { "X-Api-Version": "2" },
  scope: "openid profile",
  tokenRequestEncoding: "json",
  storage: "local",
  expiryLeeway: 30,
  requestTimeout: 5000,
};
const server: AuthConfig = {
  clientId: "svc", tokenEndpoint: "https://id.example/token", grantType: "client_credentials",
  clientSecret: "s", clientAuthMethod: "client_secret_basic", apiKey: "k", dangerouslyAllowSecretsInBrowser: true,
};
const basic: AuthConfig = { clientId: "b", provider: "basic", redirectUri: "http://localhost:3000/" };

const client = new AuthClient(config);
const opts: SignInOptions = { appState: { returnTo: "/x" }, scope: "openid", extraParams: { prompt: "consent" } };
await client.signIn(opts);
const url: string = await client.createSignInUrl();
const result: CallbackResult = await client.handleCallback(url);
const tokens: TokenSet = result.tokens;
const at: string = tokens.accessToken, tt: string = tokens.tokenType;
const exp: number | undefined = tokens.expiresAt;
const rt: string | undefined = tokens.refreshToken, it: string | undefined = tokens.idToken, sc: string | undefined = tokens.scope;
const state: unknown = result.appState;
const tok: string = await client.getToken({ minValidity: 120 });
const refreshed: TokenSet = await client.refresh();
const so: SignOutOptions = { revoke: true, endSession: true, postLogoutRedirectUri: "https://app.example/" };
await client.signOut(so);
await client.signOut();
const authed: boolean = client.isAuthenticated();
const maybeTokens: TokenSet | null = client.getTokens();
const user: UserClaims | null = client.getUser();
const user2: Record<string, unknown> | null = client.getUser();
if (user && typeof user.email === "string") console.log(user.email.toLowerCase());
client.free();

await signIn(config, opts);
await signIn(basic);
const cb: CallbackResult = await handleCallback(config, "https://app.example/?code=1&state=2");
const t2: string = await getToken(server, { minValidity: 10 } satisfies GetTokenOptions);
const t3: TokenSet = await refresh(config);

function isAuthError(e: unknown): e is AuthError {
  return e instanceof Error && e.name === "AuthError";
}
try { await getToken(server); } catch (e) {
  if (isAuthError(e)) {
    const code: AuthErrorCode = e.code;
    if (e.code === "login_required" || e.code === "invalid_grant" || e.code === "some_vendor_code") {}
    const d: string | undefined = e.description, s: number | undefined = e.status;
    const n: "AuthError" = e.name;
    console.log(code, d, s, n, e.message, e.stack);
  }
}
// @ts-expect-error unknown storage kind
const bad1: AuthConfig = { clientId: "x", storage: "cookie" };
// @ts-expect-error clientId is required
const bad2: AuthConfig = { redirectUri: "x" };
// @ts-expect-error unknown auth method
const bad3: AuthConfig = { clientId: "x", clientAuthMethod: "private_key_jwt" };
// @ts-expect-error getTokens is not undefined-able
const bad4: TokenSet = client.getTokens();
console.log(at, tt, exp, rt, it, sc, state, tok, refreshed, authed, maybeTokens, user2, cb, t2, t3, bad1, bad2, bad3, bad4);

const dp: string = await new AuthClient({ clientId: "x", dpop: true, tokenRequestCredentials: "include", revocationEndpoint: "https://id.example/r", endSessionEndpoint: "https://id.example/l" }).generateDpopProof({ url: "https://api.example/x", method: "POST", nonce: "n" });
console.log(dp);

// Names that are not exported.
// @ts-expect-error internal helper type
import type { Global } from "wasm-oauth";
const m: WebAssembly.Module = new WebAssembly.Module(new Uint8Array());
initSync({ module: m });
export {};
