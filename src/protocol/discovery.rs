//! Authorization server metadata: OpenID Connect Discovery 1.0 and RFC 8414.

use crate::prelude::*;

use crate::protocol::error::codes;
use crate::protocol::json::{self, Value};
use crate::protocol::url::endpoint_problem;
use crate::protocol::{concat, AuthError};

/// The metadata fields the library uses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Metadata {
    pub issuer: String,
    pub authorization_endpoint: Option<String>,
    pub token_endpoint: Option<String>,
    pub revocation_endpoint: Option<String>,
    pub end_session_endpoint: Option<String>,
    pub userinfo_endpoint: Option<String>,
    /// The JWK Set, for the opt-in ID token signature check.
    pub jwks_uri: Option<String>,
    /// RFC 9207 `authorization_response_iss_parameter_supported`.
    pub iss_parameter_supported: bool,
    /// RFC 9449 `dpop_signing_alg_values_supported` was present.
    pub dpop_supported: bool,
}

/// The two places to look, in order: `{issuer}/.well-known/openid-configuration` (trailing `/`
/// of the issuer removed first), then RFC 8414's `{origin}/.well-known/oauth-authorization-server{path}`.
///
/// `https://h/tenant` gives `https://h/tenant/.well-known/openid-configuration` and
/// `https://h/.well-known/oauth-authorization-server/tenant`.
pub fn discovery_urls(issuer: &str) -> [String; 2] {
    let trimmed = issuer.strip_suffix("/").unwrap_or(issuer);
    let oidc = concat(&[trimmed, "/.well-known/openid-configuration"]);
    // Split at the first `/` after the first `://`: origin, then path.
    let b = trimmed.as_bytes();
    let after_scheme = (0..b.len()).find(|&i| b.get(i..).is_some_and(|r| r.starts_with(b"://"))).map_or(0, |i| i + 3);
    let path_start = (after_scheme..b.len()).find(|&i| b.get(i) == Some(&b'/')).unwrap_or(b.len());
    let (origin, path) = trimmed.split_at_checked(path_start).unwrap_or((trimmed, ""));
    let rfc8414 = concat(&[origin, "/.well-known/oauth-authorization-server", path]);
    [oidc, rfc8414]
}

/// Parses a metadata document. Its `issuer` must equal the configured one exactly
/// (`issuer_mismatch`); every endpoint present must pass
/// [`crate::protocol::url::check_endpoint`] (`invalid_response`); not JSON: `invalid_response`.
///
/// A member with the wrong type (an endpoint that is not a string, a flag that is not a boolean)
/// is `invalid_response`; `null` counts as absent.
pub fn parse_metadata(body: &str, issuer: &str) -> Result<Metadata, AuthError> {
    match json::parse(body) {
        Some(v) if v.as_object().is_some() => read_metadata(&v, issuer),
        _ => Err(AuthError::response("the issuer's metadata is not a JSON object")),
    }
}

/// [`parse_metadata`] on the parsed object (borrowed, so no early return drops it).
fn read_metadata(v: &Value, issuer: &str) -> Result<Metadata, AuthError> {
    if v.get("issuer").and_then(Value::as_str) != Some(issuer) {
        return Err(AuthError::new(codes::ISSUER_MISMATCH, "the metadata's issuer is not the configured issuer"));
    }
    let flag = match v.get("authorization_response_iss_parameter_supported") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(AuthError::response("the issuer's metadata has a non-boolean authorization_response_iss_parameter_supported")),
    };
    let mut m = Metadata {
        issuer: String::from(issuer),
        iss_parameter_supported: flag,
        dpop_supported: matches!(v.get("dpop_signing_alg_values_supported"), Some(Value::Array(_))),
        ..Metadata::default()
    };
    let slots = [
        &mut m.authorization_endpoint,
        &mut m.token_endpoint,
        &mut m.revocation_endpoint,
        &mut m.end_session_endpoint,
        &mut m.userinfo_endpoint,
        &mut m.jwks_uri,
    ];
    for (slot, key) in slots.into_iter().zip(ENDPOINT_KEYS) {
        match v.get(key) {
            None | Some(Value::Null) => {}
            Some(Value::String(url)) if endpoint_problem(url).is_none() => *slot = Some(url.clone()),
            Some(_) => return Err(AuthError::response("the issuer's metadata has an endpoint that is not an https URL")),
        }
    }
    Ok(m)
}

/// The endpoint members read from metadata, in [`Metadata`]'s order.
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
        assert_eq!(parse_metadata(body, ISSUER).unwrap(), Metadata {
            issuer: ISSUER.into(),
            authorization_endpoint: Some("https://id.example.com/authorize".into()),
            token_endpoint: Some("https://id.example.com/token".into()),
            revocation_endpoint: Some("https://id.example.com/revoke".into()),
            end_session_endpoint: Some("https://id.example.com/logout".into()),
            userinfo_endpoint: Some("https://id.example.com/me".into()),
            jwks_uri: None,
            iss_parameter_supported: true,
            dpop_supported: true,
        });
    }

    #[test]
    fn minimal_metadata() {
        let m = parse_metadata(r#"{"issuer":"https://id.example.com","token_endpoint":"https://id.example.com/t","end_session_endpoint":null}"#, ISSUER).unwrap();
        assert_eq!(m.token_endpoint.as_deref(), Some("https://id.example.com/t"));
        assert_eq!(m.authorization_endpoint, None);
        assert_eq!(m.end_session_endpoint, None);
        assert!(!m.iss_parameter_supported && !m.dpop_supported);
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
        assert_eq!(m.token_endpoint.as_deref(), Some("http://127.0.0.1:4000/token"));
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
