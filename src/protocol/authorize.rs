//! The authorization request URL (RFC 6749 §4.1.1, RFC 7636 §4.3, RFC 8707) and the
//! RP-initiated logout URL (OpenID Connect RP-Initiated Logout 1.0).

use crate::prelude::*;

use crate::protocol::config::Config;
use crate::protocol::url::{params_end, params_start, push_param};
use crate::protocol::AuthError;

/// Parameters the protocol owns: `extraParams` may not set them (API.md `SignInOptions`).
pub const RESERVED_PARAMS: [&str; 7] = [
    "response_type", "client_id", "redirect_uri", "state", "nonce", "code_challenge", "code_challenge_method",
];

/// What one sign-in asks for, beyond the config.
#[derive(Clone, Debug, Default)]
pub struct AuthorizeParams<'a> {
    pub state: &'a str,
    pub nonce: Option<&'a str>,
    pub code_challenge: &'a str,
    /// The effective scope for this sign-in (option, else config).
    pub scope: &'a str,
    pub extra_params: &'a [(String, String)],
}

/// Rejects `extraParams` that set a reserved parameter (`invalid_config`).
///
/// Names are compared exactly (parameter names are case-sensitive); an empty name is refused too.
pub fn check_extra_params(extra: &[(String, String)]) -> Result<(), AuthError> {
    for (name, _) in extra {
        if RESERVED_PARAMS.contains(&name.as_str()) {
            return Err(AuthError::config(
                "extraParams may not set response_type, client_id, redirect_uri, state, nonce, code_challenge or code_challenge_method",
            ));
        }
        if name.is_empty() {
            return Err(AuthError::config("extraParams has an empty key"));
        }
    }
    Ok(())
}

/// True when the space-separated `scope` contains `openid` (a nonce is then sent).
pub fn scope_has_openid(scope: &str) -> bool {
    crate::protocol::pieces(scope, b' ').any(|s| s == "openid")
}

/// The authorize URL: `endpoint` plus `response_type=code`, `client_id`, `redirect_uri`,
/// `scope`, `state`, `code_challenge`, `code_challenge_method=S256`, `nonce` (when given),
/// `audience` (when configured), each `resource`, then the extra params.
pub fn authorize_url(config: &Config, endpoint: &str, redirect_uri: &str, p: &AuthorizeParams<'_>) -> String {
    let (mut url, fragment) = params_start(endpoint);
    push_param(&mut url, "response_type", "code");
    push_param(&mut url, "client_id", &config.client_id);
    push_param(&mut url, "redirect_uri", redirect_uri);
    push_param(&mut url, "scope", p.scope);
    push_param(&mut url, "state", p.state);
    push_param(&mut url, "code_challenge", p.code_challenge);
    push_param(&mut url, "code_challenge_method", "S256");
    if let Some(nonce) = p.nonce {
        push_param(&mut url, "nonce", nonce);
    }
    if let Some(audience) = &config.audience {
        push_param(&mut url, "audience", audience);
    }
    if let Some(resource) = &config.resource {
        for r in resource.values() {
            push_param(&mut url, "resource", r);
        }
    }
    for (k, v) in p.extra_params {
        push_param(&mut url, k, v);
    }
    params_end(url, fragment)
}

/// The end-session URL with `id_token_hint`, `client_id`, `post_logout_redirect_uri` and
/// `state` when given.
///
/// `client_id` is left out when empty.
pub fn end_session_url(endpoint: &str, client_id: &str, id_token_hint: Option<&str>, post_logout_redirect_uri: Option<&str>, state: Option<&str>) -> String {
    let (mut url, fragment) = params_start(endpoint);
    if let Some(hint) = id_token_hint {
        push_param(&mut url, "id_token_hint", hint);
    }
    if !client_id.is_empty() {
        push_param(&mut url, "client_id", client_id);
    }
    if let Some(uri) = post_logout_redirect_uri {
        push_param(&mut url, "post_logout_redirect_uri", uri);
    }
    if let Some(state) = state {
        push_param(&mut url, "state", state);
    }
    params_end(url, fragment)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::config::tests::{code_flow, BROWSER};
    use crate::protocol::config::{ConfigInput, ParamValue};
    use crate::protocol::encoding::parse_query;
    use crate::protocol::error::codes;
    use crate::protocol::pkce::Verifier;
    use crate::protocol::Secret;

    fn extras(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn reserved_extra_params() {
        for name in RESERVED_PARAMS {
            let e = check_extra_params(&extras(&[("prompt", "login"), (name, "x")])).unwrap_err();
            assert_eq!(e.code, codes::INVALID_CONFIG, "{name}");
        }
        assert_eq!(check_extra_params(&extras(&[("", "x")])).unwrap_err().code, codes::INVALID_CONFIG);
        assert!(check_extra_params(&extras(&[("prompt", "consent"), ("login_hint", "a@b.c"), ("Response_Type", "x")])).is_ok());
        assert!(check_extra_params(&[]).is_ok());
    }

    #[test]
    fn openid_in_scope() {
        assert!(scope_has_openid("openid"));
        assert!(scope_has_openid("profile openid email"));
        assert!(!scope_has_openid("profile"));
        assert!(!scope_has_openid("openid2 myopenid"));
        assert!(!scope_has_openid("OPENID"));
        assert!(!scope_has_openid(""));
    }

    #[test]
    fn authorize_url_exact() {
        let config = code_flow().resolve(BROWSER).unwrap();
        let verifier = Verifier::from_stored(Secret::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
        let challenge = verifier.challenge();
        let url = authorize_url(&config, "https://auth.example.com/authorize", "https://app.example.com/callback", &AuthorizeParams {
            state: "st-1",
            nonce: Some("n-1"),
            code_challenge: &challenge,
            scope: "openid profile",
            extra_params: &[],
        });
        assert_eq!(url, "https://auth.example.com/authorize?response_type=code&client_id=spa\
            &redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback&scope=openid%20profile&state=st-1\
            &code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&nonce=n-1");
        assert!(!url.contains("dBjftJeZ4CVP"), "the verifier never leaves");
    }

    #[test]
    fn authorize_url_with_audience_resources_extras_and_encoding() {
        let config = ConfigInput {
            client_id: Some("client & co=1".into()),
            audience: Some("https://api.example.com/".into()),
            resource: Some(ParamValue::Many(vec!["https://r1/".into(), "urn:r2".into()])),
            ..code_flow()
        }
        .resolve(BROWSER)
        .unwrap();
        let extra = extras(&[("login_hint", "jöhn doe+x@example.com"), ("ui_locales", "fr en")]);
        let url = authorize_url(&config, "https://auth.example.com/authorize?tenant=a#ignored", "https://app/cb?x=1&y=2", &AuthorizeParams {
            state: "s",
            nonce: None,
            code_challenge: "c",
            scope: "profile email",
            extra_params: &extra,
        });
        assert_eq!(url, "https://auth.example.com/authorize?tenant=a&response_type=code&client_id=client%20%26%20co%3D1\
            &redirect_uri=https%3A%2F%2Fapp%2Fcb%3Fx%3D1%26y%3D2&scope=profile%20email&state=s&code_challenge=c\
            &code_challenge_method=S256&audience=https%3A%2F%2Fapi.example.com%2F&resource=https%3A%2F%2Fr1%2F\
            &resource=urn%3Ar2&login_hint=j%C3%B6hn%20doe%2Bx%40example.com&ui_locales=fr%20en#ignored");
        // What a server reads back.
        let query = url.split_once('?').unwrap().1.split_once('#').unwrap().0;
        let pairs = parse_query(query).unwrap();
        let get = |k: &str| pairs.iter().filter(|(n, _)| n == k).map(|(_, v)| v.as_str()).collect::<Vec<_>>();
        assert_eq!(get("client_id"), ["client & co=1"]);
        assert_eq!(get("redirect_uri"), ["https://app/cb?x=1&y=2"]);
        assert_eq!(get("login_hint"), ["jöhn doe+x@example.com"]);
        assert_eq!(get("resource"), ["https://r1/", "urn:r2"]);
        assert_eq!(get("nonce"), Vec::<&str>::new());
    }

    #[test]
    fn end_session() {
        assert_eq!(
            end_session_url("https://id/logout", "spa", Some("h.p.s"), Some("https://app/?bye=1"), Some("st")),
            "https://id/logout?id_token_hint=h.p.s&client_id=spa&post_logout_redirect_uri=https%3A%2F%2Fapp%2F%3Fbye%3D1&state=st"
        );
        assert_eq!(end_session_url("https://id/logout", "spa", None, None, None), "https://id/logout?client_id=spa");
        assert_eq!(end_session_url("https://id/logout?x=1", "", None, None, None), "https://id/logout?x=1");
    }
}
