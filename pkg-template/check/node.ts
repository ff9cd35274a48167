// A Node project without lib.dom: the declarations must compile there too.
import init, { AuthClient, type TokenSet } from "wasm-oauth";
await init();
const c = new AuthClient({ clientId: "svc", tokenEndpoint: "https://id.example/token", grantType: "client_credentials", clientSecret: "s" });
export const token: string = await c.getToken();
export const tokens: TokenSet | null = c.getTokens();
