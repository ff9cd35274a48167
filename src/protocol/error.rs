//! `AuthError` and the mapping of error answers to API.md codes.
//!
//! Codes are `&'static str` for the library's own codes and owned strings for codes passed
//! through from a server or a callback.

use crate::prelude::*;

use crate::protocol::json::{self, Value};
use alloc::borrow::Cow;

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

/// `code: description`, as the JS `message` (for Rust callers and `?` into other error types).
impl core::fmt::Display for AuthError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.code)?;
        if let Some(d) = &self.description {
            f.write_str(": ")?;
            f.write_str(d)?;
        }
        Ok(())
    }
}

impl core::error::Error for AuthError {}

impl AuthError {
    /// An error with one of the library's own codes and a fixed description.
    pub fn new(code: &'static str, description: &'static str) -> Self {
        AuthError { code: Cow::Borrowed(code), description: Some(Cow::Borrowed(description)), status: None }
    }
    /// `invalid_config` with a fixed description.
    pub fn config(description: &'static str) -> Self { Self::new(codes::INVALID_CONFIG, description) }
    /// `invalid_config` described by two parts joined, usually a key and what is wrong with it
    /// (`"clientId"`, `" is required"`; the flows also put a fixed lead before a metadata key).
    pub fn config_key(key: &str, what: &str) -> Self {
        AuthError {
            code: Cow::Borrowed(codes::INVALID_CONFIG),
            description: Some(Cow::Owned(crate::protocol::concat(&[key, what]))),
            status: None,
        }
    }
    /// `invalid_response` with a fixed description.
    pub fn response(description: &'static str) -> Self { Self::new(codes::INVALID_RESPONSE, description) }

    /// True for refresh failures after which the stored tokens can never work again
    /// (`invalid_grant`, `invalid_client`, `unauthorized_client`): the caller clears them.
    pub fn is_definitive(&self) -> bool {
        matches!(&*self.code, codes::INVALID_GRANT | codes::INVALID_CLIENT | codes::UNAUTHORIZED_CLIENT)
    }

    /// `login_required` wrapping this error: the server's code and description go into
    /// `description` (API.md, `getToken`).
    ///
    /// The description is `"<code>: <description>"`, or just `"<code>"` without one; the status
    /// is kept. A `login_required` error is returned unchanged.
    pub fn into_login_required(self) -> AuthError {
        if self.code == codes::LOGIN_REQUIRED {
            return self;
        }
        let mut text = String::from(&*self.code);
        if let Some(d) = self.description.as_deref().filter(|d| !d.is_empty()) {
            text.push_str(": ");
            text.push_str(d);
        }
        AuthError { code: Cow::Borrowed(codes::LOGIN_REQUIRED), description: Some(Cow::Owned(text)), status: self.status }
    }
}

/// True when `s` is a single word an error code can be: letters, digits, `_`, `-`, `.`.
pub fn is_code_word(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

/// Maps a non-2xx token-endpoint (or revocation) answer to an `AuthError` (API.md,
/// "Mapping a token-endpoint answer"): `{error, error_description}`, `{error, message}`,
/// `{error, data}`, HTML, empty.
///
/// The status is always set. A JSON object whose `error` is a code word gives that code;
/// anything else gives `http_error`. The description is the first non-empty string of
/// `error_description`, `message`, and an `error` that is not a code word (a sentence); HTML,
/// empty or non-JSON bodies have none.
pub fn from_error_response(status: u16, body: &str) -> AuthError {
    // (`get` finds nothing in a value that is not an object.)
    let parsed = json::parse(body);
    let text = |key: &str| parsed.as_ref().and_then(|o| o.get(key)).and_then(Value::as_str).filter(|s| !crate::protocol::encoding::is_blank(s));
    let error = text("error");
    let code = error.filter(|e| is_code_word(e));
    let sentence = error.filter(|e| !is_code_word(e));
    let description = text("error_description").or_else(|| text("message")).or(sentence);
    AuthError {
        code: match code {
            Some(c) => Cow::Owned(String::from(c)),
            None => Cow::Borrowed(codes::HTTP_ERROR),
        },
        description: description.map(|d| Cow::Owned(String::from(d))),
        status: Some(status),
    }
}

#[cfg(test)]
mod display_tests {
    use super::*;
    #[test]
    fn display_is_code_and_description() {
        extern crate std;
        use std::string::ToString;
        assert_eq!(AuthError::config("clientId is required").to_string(), "invalid_config: clientId is required");
        let bare = AuthError { code: Cow::Borrowed("access_denied"), description: None, status: None };
        assert_eq!(bare.to_string(), "access_denied");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(code: &str, description: Option<&str>, status: Option<u16>) -> AuthError {
        AuthError {
            code: Cow::Owned(code.to_string()),
            description: description.map(|d| Cow::Owned(d.to_string())),
            status,
        }
    }

    #[test]
    fn constructors() {
        let e = AuthError::config("clientId is required");
        assert_eq!(e.code, "invalid_config");
        assert_eq!(e.description.as_deref(), Some("clientId is required"));
        assert_eq!(e.status, None);
        assert_eq!(AuthError::response("x").code, "invalid_response");
        assert_eq!(AuthError::new(codes::STATE_MISMATCH, "y").code, "state_mismatch");
    }

    #[test]
    fn code_words() {
        for yes in ["invalid_grant", "a", "server-error", "v1.2", "ABC_9"] {
            assert!(is_code_word(yes), "{yes}");
        }
        for no in ["", "two words", "bad!", "é", "a/b", "a\nb", " x", "<html>", "a:b"] {
            assert!(!is_code_word(no), "{no}");
        }
    }

    #[test]
    fn oauth_error_body_rfc6749_5_2() {
        let e = from_error_response(400, r#"{"error":"invalid_grant","error_description":"Refresh token expired"}"#);
        assert_eq!(e, err("invalid_grant", Some("Refresh token expired"), Some(400)));
        let e = from_error_response(401, r#"{"error":"invalid_client"}"#);
        assert_eq!(e, err("invalid_client", None, Some(401)));
        let e = from_error_response(400, r#"{"error":"invalid_request","error_description":"","message":"m"}"#);
        assert_eq!(e, err("invalid_request", Some("m"), Some(400)), "an empty description falls through");
    }

    #[test]
    fn error_with_message_or_data() {
        let e = from_error_response(403, r#"{"error":"access_denied","message":"Not allowed for this user"}"#);
        assert_eq!(e, err("access_denied", Some("Not allowed for this user"), Some(403)));
        let e = from_error_response(400, r#"{"error":"invalid_scope","data":{"x":1}}"#);
        assert_eq!(e, err("invalid_scope", None, Some(400)));
        let e = from_error_response(400, r#"{"error":"e","error_description":"first","message":"second"}"#);
        assert_eq!(e.description.as_deref(), Some("first"));
    }

    #[test]
    fn sentence_error_is_http_error_with_description() {
        let e = from_error_response(400, r#"{"error":"Something went wrong with your request"}"#);
        assert_eq!(e, err("http_error", Some("Something went wrong with your request"), Some(400)));
        let e = from_error_response(400, r#"{"error":"Bad thing","message":"Use the other endpoint"}"#);
        assert_eq!(e, err("http_error", Some("Use the other endpoint"), Some(400)));
    }

    #[test]
    fn non_json_bodies_are_http_error_without_description() {
        for body in ["", "   ", "<html><body>502 Bad Gateway</body></html>", "Internal Server Error", "[1,2]", "\"invalid_grant\"", "null"] {
            let e = from_error_response(502, body);
            assert_eq!(e, err("http_error", None, Some(502)), "{body:?}");
        }
        let e = from_error_response(500, r#"{"error":{"code":"x"}}"#);
        assert_eq!(e, err("http_error", None, Some(500)));
        let e = from_error_response(429, r#"{"error":42,"message":"slow down"}"#);
        assert_eq!(e, err("http_error", Some("slow down"), Some(429)));
        let e = from_error_response(503, r#"{}"#);
        assert_eq!(e, err("http_error", None, Some(503)));
    }

    #[test]
    fn server_codes_pass_through() {
        for code in ["server_error", "temporarily_unavailable", "invalid_request", "unsupported_grant_type", "invalid_scope"] {
            let body = ["{\"error\":\"", code, "\"}"].concat();
            let e = from_error_response(400, &body);
            assert_eq!(e.code, code);
            assert!(!e.is_definitive());
        }
    }

    #[test]
    fn definitive_codes() {
        for code in ["invalid_grant", "invalid_client", "unauthorized_client"] {
            assert!(err(code, None, Some(400)).is_definitive(), "{code}");
        }
        for code in ["server_error", "temporarily_unavailable", "invalid_response", "http_error", "network_error",
            "timeout", "invalid_request", "login_required", "access_denied"] {
            assert!(!err(code, None, None).is_definitive(), "{code}");
        }
    }

    #[test]
    fn login_required_wrapping() {
        let e = from_error_response(400, r#"{"error":"invalid_grant","error_description":"Token revoked"}"#).into_login_required();
        assert_eq!(e, err("login_required", Some("invalid_grant: Token revoked"), Some(400)));
        let e = from_error_response(401, r#"{"error":"invalid_client"}"#).into_login_required();
        assert_eq!(e, err("login_required", Some("invalid_client"), Some(401)));
        let already = AuthError::new(codes::LOGIN_REQUIRED, "no tokens");
        assert_eq!(already.clone().into_login_required(), already);
    }
}
