//! Authorization server metadata: OpenID Connect Discovery 1.0 and RFC 8414.

use crate::prelude::*;

use crate::protocol::error::codes;
use crate::protocol::json::{self, Value};
use crate::protocol::url::endpoint_problem;
use crate::protocol::{concat, cut, AuthError};

/// A checked metadata document (see [`parse_metadata`]): its members are read from the parsed
/// JSON when needed (no copy of every endpoint).
#[derive(Clone, Debug, PartialEq)]
pub struct Metadata(Value);

impl Metadata {
    /// An endpoint member (`token_endpoint`, `jwks_uri`, ...): a checked URL, or `None`.
    pub fn endpoint(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(Value::as_str)
    }

    /// RFC 9207 `authorization_response_iss_parameter_supported`.
    pub fn iss_parameter_supported(&self) -> bool {
        self.0.get(ISS_PARAMETER_SUPPORTED).and_then(Value::as_bool) == Some(true)
    }
}

const ISS_PARAMETER_SUPPORTED: &str = "authorization_response_iss_parameter_supported";

/// The two places to look, in order (`rfc8414` false, then true):
/// `{issuer}/.well-known/openid-configuration` (trailing `/` of the issuer removed first), then
/// RFC 8414's `{origin}/.well-known/oauth-authorization-server{path}`.
///
/// `https://h/tenant` gives `https://h/tenant/.well-known/openid-configuration` and
/// `https://h/.well-known/oauth-authorization-server/tenant`.
pub fn discovery_url(issuer: &str, rfc8414: bool) -> String {
    let trimmed = issuer.strip_suffix("/").unwrap_or(issuer);
    if !rfc8414 {
        return concat(&[trimmed, "/.well-known/openid-configuration"]);
    }
    // The origin ends at the first `/` after `scheme://` (the issuer is a checked URL: its
    // scheme ends at the first `:`).
    let b = trimmed.as_bytes();
    let mut path_start = cut(trimmed, b':').0.len() + 3;
    while b.get(path_start).is_some_and(|&c| c != b'/') {
        path_start += 1;
    }
    let (origin, path) = trimmed.split_at_checked(path_start).unwrap_or((trimmed, ""));
    concat(&[origin, "/.well-known/oauth-authorization-server", path])
}

/// Parses a metadata document. Its `issuer` must equal the configured one exactly
/// (`issuer_mismatch`); every endpoint present must pass
/// [`crate::protocol::url::endpoint_problem`] (`invalid_response`); not JSON: `invalid_response`.
///
/// A member with the wrong type (an endpoint that is not a string, a flag that is not a boolean)
/// is `invalid_response`; `null` counts as absent.
pub fn parse_metadata(body: &str, issuer: &str) -> Result<Metadata, AuthError> {
    match json::parse(body) {
        Some(v) if v.as_object().is_some() => check_metadata(&v, issuer).map(|()| Metadata(v)),
        _ => Err(AuthError::response("the issuer's metadata is not a JSON object")),
    }
}

/// [`parse_metadata`]'s checks of the parsed object.
fn check_metadata(v: &Value, issuer: &str) -> Result<(), AuthError> {
    if v.get("issuer").and_then(Value::as_str) != Some(issuer) {
        return Err(AuthError::new(codes::ISSUER_MISMATCH, "the metadata's issuer is not the configured issuer"));
    }
    if !matches!(v.get(ISS_PARAMETER_SUPPORTED), None | Some(Value::Null | Value::Bool(_))) {
        return Err(AuthError::response("the issuer's metadata has a non-boolean authorization_response_iss_parameter_supported"));
    }
    for key in ENDPOINT_KEYS {
        match v.get(key) {
            None | Some(Value::Null) => {}
            Some(Value::String(url)) if endpoint_problem(url).is_none() => {}
            Some(_) => return Err(AuthError::response("the issuer's metadata has an endpoint that is not an https URL")),
        }
    }
    Ok(())
}

/// The endpoint members checked in metadata.
const ENDPOINT_KEYS: [&str; 6] =
    ["authorization_endpoint", "token_endpoint", "revocation_endpoint", "end_session_endpoint", "userinfo_endpoint", "jwks_uri"];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::encoding::tests::Rng;

    #[test]
    fn well_known_locations() {
        assert_eq!(discovery_urls("https://id.example.com"), [
            "https://id.example.com/.well-known/openid-configuration".to_string(),
            "https://id.example.com/.well-known/oauth-authorization-server".to_string(),
        ]);
        assert_eq!(discovery_urls("https://id.example.com/"), [
            "https://id.example.com/.well-known/openid-configuration".to_string(),
            "https://id.example.com/.well-known/oauth-authorization-server".to_string(),
        ]);
        assert_eq!(discovery_urls("https://h/tenant"), [
            "https://h/tenant/.well-known/openid-configuration".to_string(),
            "https://h/.well-known/oauth-authorization-server/tenant".to_string(),
        ]);
        assert_eq!(discovery_urls("http://127.0.0.1:3000/realms/a/"), [
            "http://127.0.0.1:3000/realms/a/.well-known/openid-configuration".to_string(),
            "http://127.0.0.1:3000/.well-known/oauth-authorization-server/realms/a".to_string(),
        ]);
    }

    const ISSUER: &str = "https://id.example.com";

    fn discovery_urls(issuer: &str) -> [String; 2] {
        [discovery_url(issuer, false), discovery_url(issuer, true)]
    }

    #[test]
    fn full_metadata() {
        let body = r#"{
            "issuer": "https://id.example.com",
            "authorization_endpoint": "https://id.example.com/authorize",
            "token_endpoint": "https://id.example.com/token",
            "revocation_endpoint": "https://id.example.com/revoke",
            "end_session_endpoint": "https://id.example.com/logout",
            "userinfo_endpoint": "https://id.example.com/me",
            "authorization_response_iss_parameter_supported": true,
            "dpop_signing_alg_values_supported": ["ES256"],
            "scopes_supported": ["openid"]
        }"#;
        let m = parse_metadata(body, ISSUER).unwrap();
        assert_eq!(m.endpoint("authorization_endpoint"), Some("https://id.example.com/authorize"));
        assert_eq!(m.endpoint("token_endpoint"), Some("https://id.example.com/token"));
        assert_eq!(m.endpoint("revocation_endpoint"), Some("https://id.example.com/revoke"));
        assert_eq!(m.endpoint("end_session_endpoint"), Some("https://id.example.com/logout"));
        assert_eq!(m.endpoint("userinfo_endpoint"), Some("https://id.example.com/me"));
        assert_eq!(m.endpoint("jwks_uri"), None);
        assert!(m.iss_parameter_supported());
    }

    #[test]
    fn minimal_metadata() {
        let m = parse_metadata(r#"{"issuer":"https://id.example.com","token_endpoint":"https://id.example.com/t","end_session_endpoint":null}"#, ISSUER).unwrap();
        assert_eq!(m.endpoint("token_endpoint"), Some("https://id.example.com/t"));
        assert_eq!(m.endpoint("authorization_endpoint"), None);
        assert_eq!(m.endpoint("end_session_endpoint"), None);
        assert!(!m.iss_parameter_supported());
        let m = parse_metadata(r#"{"issuer":"https://id.example.com","authorization_response_iss_parameter_supported":null}"#, ISSUER).unwrap();
        assert!(!m.iss_parameter_supported());
    }

    #[test]
    fn issuer_must_match_exactly() {
        for body in [
            r#"{"issuer":"https://evil.example.com"}"#,
            r#"{"issuer":"https://id.example.com/"}"#,
            r#"{"issuer":"HTTPS://id.example.com"}"#,
            r#"{"token_endpoint":"https://id.example.com/t"}"#,
            r#"{"issuer":null}"#,
        ] {
            assert_eq!(parse_metadata(body, ISSUER).unwrap_err().code, codes::ISSUER_MISMATCH, "{body}");
        }
    }

    #[test]
    fn bad_documents() {
        for body in [
            "", "<html></html>", "[]", "\"x\"",
            r#"{"issuer":"https://id.example.com","token_endpoint":"http://id.example.com/t"}"#,
            r#"{"issuer":"https://id.example.com","authorization_endpoint":"/authorize"}"#,
            r#"{"issuer":"https://id.example.com","token_endpoint":5}"#,
            r#"{"issuer":"https://id.example.com","revocation_endpoint":"https://x/r#f"}"#,
            r#"{"issuer":"https://id.example.com","authorization_response_iss_parameter_supported":"true"}"#,
        ] {
            assert_eq!(parse_metadata(body, ISSUER).unwrap_err().code, codes::INVALID_RESPONSE, "{body}");
        }
        // Loopback http is fine (local test servers).
        let m = parse_metadata(r#"{"issuer":"http://127.0.0.1:4000","token_endpoint":"http://127.0.0.1:4000/token"}"#, "http://127.0.0.1:4000").unwrap();
        assert_eq!(m.endpoint("token_endpoint"), Some("http://127.0.0.1:4000/token"));
    }

    #[test]
    fn random_input_never_panics() {
        let mut rng = Rng(1);
        for _ in 0..5000 {
            let raw = rng.bytes(60);
            let s = String::from_utf8_lossy(&raw);
            let _ = discovery_urls(&s);
            let _ = parse_metadata(&s, ISSUER);
        }
    }
}
