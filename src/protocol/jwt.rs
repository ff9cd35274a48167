//! JWT payload decoding (no signature check here) and ID token claim validation
//! (OpenID Connect Core §3.1.3.7, §12.2).

use crate::protocol::json::Value;
use crate::protocol::AuthError;

/// The decoded payload of a compact JWS (`header.payload.signature`) when it is a JSON object;
/// `None` otherwise (not three parts, bad base64url, not JSON, not an object).
pub fn decode_claims(jwt: &str) -> Option<Value> { todo!() }

/// The `exp` claim of a JWT, for access tokens sent without `expires_in`.
pub fn expiry(jwt: &str) -> Option<u64> { todo!() }

/// What an ID token must match.
#[derive(Clone, Copy, Debug)]
pub struct IdTokenCheck<'a> {
    /// `iss` must equal it when set.
    pub issuer: Option<&'a str>,
    /// `aud` (string or array) must contain it; with several audiences `azp` must be present and
    /// equal it; a present `azp` must equal it.
    pub client_id: &'a str,
    /// The transaction's nonce: the claim must equal it. `None` (refresh): a `nonce` claim, if
    /// any, is not checked.
    pub nonce: Option<&'a str>,
    /// Unix seconds; `exp` must be after `now - leeway`, `iat` a number not after `now + leeway`.
    pub now: u64,
    pub leeway: u64,
    /// After a refresh: the previous ID token's claims; `iss`, `sub` and `aud` must be unchanged.
    pub previous: Option<&'a Value>,
}

/// Validates an ID token's claims; any failure is `id_token_invalid` with a fixed description
/// naming the claim. Returns the claims.
pub fn check_id_token(id_token: &str, check: &IdTokenCheck<'_>) -> Result<Value, AuthError> { todo!() }
