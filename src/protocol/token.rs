//! Token requests (RFC 6749 §4.1.3, §6, §4.4) as plain values, token answers normalised into a
//! `TokenSet`, and the stored form of a `TokenSet`.

use crate::protocol::config::Config;
use crate::protocol::{AuthError, Secret};

/// An HTTP request for the fetch adapter to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: &'static str,
    pub url: String,
    /// Includes `Content-Type` when there is a body, `Accept: application/json`, the
    /// configured `tokenRequestHeaders`, and `Authorization` for Basic/API-key auth.
    /// `Debug` of a request is never logged: it may hold secrets.
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

/// Which grant a token request makes.
#[derive(Debug)]
pub enum Grant<'a> {
    AuthorizationCode { code: &'a Secret, verifier: &'a Secret, redirect_uri: &'a str },
    RefreshToken { refresh_token: &'a Secret },
    ClientCredentials,
}

/// Builds the token request. Body fields: `grant_type`, the grant's fields, `client_id`
/// (always, except with `client_secret_basic`), `client_secret` (client_secret_post),
/// `resource` (each value; JSON: string or array as configured), `audience` and `scope` for
/// client credentials only when configured, then `extraTokenParams`. Form or JSON per
/// `config.encoding`. Headers: `Authorization: Basic base64(urlenc(id):urlenc(secret))` for
/// client_secret_basic, `Authorization: Basic <apiKey>` verbatim for an API key.
pub fn token_request(config: &Config, endpoint: &str, grant: Grant<'_>) -> HttpRequest { todo!() }

/// An RFC 7009 revocation request for `token` (`token_type_hint` given), form-encoded.
pub fn revocation_request(config: &Config, endpoint: &str, token: &Secret, hint: &str) -> HttpRequest { todo!() }

/// The tokens the library holds for a client.
#[derive(Clone, Debug, PartialEq)]
pub struct TokenSet {
    pub access_token: Secret,
    /// As the server said, e.g. `Bearer` or `DPoP`.
    pub token_type: String,
    /// Absolute, Unix seconds.
    pub expires_at: Option<u64>,
    pub refresh_token: Option<Secret>,
    pub id_token: Option<Secret>,
    pub scope: Option<String>,
}

/// Normalises a token-endpoint answer. 2xx: a JSON object with a string `access_token`, else
/// `invalid_response`; `token_type` a string (missing: `Bearer`), `expires_in` a number or
/// numeric string (API.md "Expiry": <= 10^9 a duration from `now`, above an absolute time in
/// seconds, above 10^12 in milliseconds; negative or other types: `invalid_response`), without
/// it the access token's JWT `exp`; `refresh_token`, `id_token`, `scope` strings when present
/// (other types: `invalid_response`). Non-2xx: [`crate::protocol::error::from_error_response`].
pub fn parse_token_response(status: u16, body: &str, now: u64) -> Result<TokenSet, AuthError> { todo!() }

impl TokenSet {
    /// After a refresh: keep the old refresh token (and ID token) when the answer has none.
    pub fn carry_over(mut self, previous: &TokenSet) -> TokenSet { todo!() }

    /// True while the access token is valid for more than `leeway` seconds (a token without
    /// `expires_at` is valid until a request says otherwise).
    pub fn is_fresh(&self, now: u64, leeway: u64) -> bool { todo!() }

    /// The stored record: a JSON object with short keys; never logged.
    pub fn encode(&self) -> String { todo!() }

    /// Reads a stored record; `None` for anything corrupted or foreign (counts as signed out).
    pub fn decode(text: &str) -> Option<TokenSet> { todo!() }
}
