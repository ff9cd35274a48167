//! `AuthError` and the mapping of error answers to API.md codes.
//!
//! Codes are `&'static str` for the library's own codes and owned strings for codes passed
//! through from a server or a callback.

use std::borrow::Cow;

/// Every rejection the library makes. Messages are the library's own fixed sentences or the
/// server's text as sent; never a token, code, verifier or secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthError {
    /// An API.md code: one of the constants in [`codes`] or an OAuth code from a server.
    pub code: Cow<'static, str>,
    /// Human-readable detail, when known.
    pub description: Option<Cow<'static, str>>,
    /// The HTTP status of the answer that caused it, when there was one.
    pub status: Option<u16>,
}

/// The library's own error codes (API.md, "Errors").
pub mod codes {
    pub const INVALID_CONFIG: &str = "invalid_config";
    pub const STATE_MISMATCH: &str = "state_mismatch";
    pub const MISSING_CODE: &str = "missing_code";
    pub const ISSUER_MISMATCH: &str = "issuer_mismatch";
    pub const LOGIN_REQUIRED: &str = "login_required";
    pub const NETWORK_ERROR: &str = "network_error";
    pub const TIMEOUT: &str = "timeout";
    pub const INVALID_RESPONSE: &str = "invalid_response";
    pub const ID_TOKEN_INVALID: &str = "id_token_invalid";
    pub const HTTP_ERROR: &str = "http_error";
    pub const INVALID_REQUEST: &str = "invalid_request";
    pub const INVALID_GRANT: &str = "invalid_grant";
    pub const INVALID_CLIENT: &str = "invalid_client";
    pub const UNAUTHORIZED_CLIENT: &str = "unauthorized_client";
}

impl AuthError {
    /// An error with one of the library's own codes and a fixed description.
    pub fn new(code: &'static str, description: &'static str) -> Self {
        AuthError { code: Cow::Borrowed(code), description: Some(Cow::Borrowed(description)), status: None }
    }
    /// `invalid_config` with a fixed description.
    pub fn config(description: &'static str) -> Self { Self::new(codes::INVALID_CONFIG, description) }
    /// `invalid_response` with a fixed description.
    pub fn response(description: &'static str) -> Self { Self::new(codes::INVALID_RESPONSE, description) }

    /// True for refresh failures after which the stored tokens can never work again
    /// (`invalid_grant`, `invalid_client`, `unauthorized_client`): the caller clears them.
    pub fn is_definitive(&self) -> bool {
        todo!()
    }

    /// `login_required` wrapping this error: the server's code and description go into
    /// `description` (API.md, `getToken`).
    pub fn into_login_required(self) -> AuthError {
        todo!()
    }
}

/// True when `s` is a single word an error code can be: letters, digits, `_`, `-`, `.`.
pub fn is_code_word(s: &str) -> bool {
    todo!()
}

/// Maps a non-2xx token-endpoint (or revocation) answer to an `AuthError` (API.md,
/// "Mapping a token-endpoint answer"): `{error, error_description}`, `{error, message}`,
/// `{error, data}`, HTML, empty.
pub fn from_error_response(status: u16, body: &str) -> AuthError {
    todo!()
}
