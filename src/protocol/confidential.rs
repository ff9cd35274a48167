//! Confidential clients (crate feature `confidential`, a default feature; a build without it,
//! such as the npm package's core entry, refuses these keys with `invalid_config`): the
//! rules of `clientSecret`, `clientAuthMethod`, `apiKey` and `dangerouslyAllowSecretsInBrowser`,
//! and how token and revocation requests authenticate with the secret or key.
//!
//! Secrets belong on a server (Node, workers): in a page (a runtime with a `document`) they are
//! refused unless `dangerouslyAllowSecretsInBrowser` is true.

use crate::prelude::*;

use crate::protocol::config::{ClientAuthMethod, Config, ConfigInput, Runtime};
use crate::protocol::encoding::{base64_encode, push_form_encoded};
use crate::protocol::{concat, AuthError, Secret};

/// How the client authenticates, from `clientAuthMethod` and `clientSecret`, or the message of
/// the rule broken: `clientSecret` and `apiKey` not both; `clientAuthMethod` one of the two
/// methods, and only with a `clientSecret`; a secret without a method is `client_secret_post`.
pub(crate) fn auth_method(input: &ConfigInput) -> Result<ClientAuthMethod, &'static str> {
    if input.client_secret.is_some() && input.api_key.is_some() {
        return Err("clientSecret and apiKey cannot both be set");
    }
    Ok(match (input.client_auth_method.as_deref(), input.client_secret.is_some()) {
        (None, false) => ClientAuthMethod::None,
        (None, true) | (Some("client_secret_post"), true) => ClientAuthMethod::ClientSecretPost,
        (Some("client_secret_basic"), true) => ClientAuthMethod::ClientSecretBasic,
        (Some("client_secret_post" | "client_secret_basic"), false) => return Err("clientAuthMethod needs a clientSecret"),
        (Some(_), _) => return Err("clientAuthMethod must be \"client_secret_post\" or \"client_secret_basic\""),
    })
}

/// Each secret, when given, not empty and, in a page, allowed there.
pub(crate) fn check_secrets(input: &ConfigInput, runtime: Runtime) -> Result<(), AuthError> {
    let page = runtime.has_document && !input.dangerously_allow_secrets_in_browser;
    check_secret(&input.client_secret, "clientSecret", page)?;
    check_secret(&input.api_key, "apiKey", page)
}

/// A secret, when given, is not empty and not in a page (`page`: one that doesn't allow it).
fn check_secret(secret: &Option<Secret>, key: &'static str, page: bool) -> Result<(), AuthError> {
    let what = match secret {
        None => return Ok(()),
        Some(s) if s.expose().is_empty() => " must not be empty",
        Some(_) if page => " is refused in a browser page unless dangerouslyAllowSecretsInBrowser is true",
        Some(_) => return Ok(()),
    };
    Err(AuthError::config_key(key, what))
}

/// Whether `client_id` goes in the body: not with HTTP Basic or an API key, which identify the
/// client themselves.
pub(crate) fn sends_client_id(config: &Config) -> bool {
    config.client_auth_method != ClientAuthMethod::ClientSecretBasic && config.api_key.is_none()
}

/// The `client_secret` for the body (client_secret_post).
pub(crate) fn body_secret(config: &Config) -> Option<&Secret> {
    config.client_secret.as_ref().filter(|_| config.client_auth_method == ClientAuthMethod::ClientSecretPost)
}

/// The `Authorization` header, when the client has one: `Basic <apiKey>` verbatim for an API
/// key, `Basic base64(urlenc(id):urlenc(secret))` for client_secret_basic.
pub(crate) fn push_authorization(config: &Config, headers: &mut Vec<(String, String)>) {
    if let Some(key) = &config.api_key {
        headers.push((String::from("Authorization"), concat(&["Basic ", key.expose()])));
    } else if config.client_auth_method == ClientAuthMethod::ClientSecretBasic {
        if let Some(secret) = &config.client_secret {
            // RFC 6749 §2.3.1: both parts form-encoded before the Basic encoding.
            let mut credentials = String::new();
            push_form_encoded(&mut credentials, &config.client_id);
            credentials.push(':');
            push_form_encoded(&mut credentials, secret.expose());
            headers.push((String::from("Authorization"), concat(&["Basic ", &base64_encode(credentials.as_bytes())])));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::config::tests::{client_credentials, code_flow, fails, BROWSER, NODE};
    use crate::protocol::config::GrantType;
    use crate::protocol::token::tests::header;
    use crate::protocol::token::{revocation_request, token_request, Grant};

    const TOKEN_URL: &str = "https://auth.example.com/token";

    // ---- config rules ----

    #[test]
    fn secrets_are_refused_in_a_page() {
        let with_secret = ConfigInput { client_secret: Some(Secret::new("hunter2")), ..code_flow() };
        fails(with_secret.clone(), BROWSER,
            "clientSecret is refused in a browser page unless dangerouslyAllowSecretsInBrowser is true");
        let with_key = ConfigInput { api_key: Some(Secret::new("a2V5")), ..client_credentials() };
        let with_key = ConfigInput { client_secret: None, ..with_key };
        fails(with_key.clone(), BROWSER, "apiKey is refused in a browser page unless dangerouslyAllowSecretsInBrowser is true");
        // Allowed with the flag, or where there is no document.
        let c = ConfigInput { dangerously_allow_secrets_in_browser: true, ..with_secret.clone() }.resolve(BROWSER).unwrap();
        assert_eq!(c.client_auth_method, ClientAuthMethod::ClientSecretPost);
        assert!(with_secret.resolve(NODE).is_ok());
        let c = with_key.resolve(NODE).unwrap();
        assert_eq!(c.client_auth_method, ClientAuthMethod::None);
        assert_eq!(c.api_key.as_ref().map(Secret::expose), Some("a2V5"));
    }

    #[test]
    fn secret_rules_are_reported_before_the_other_rules() {
        // A secret in a page is the first thing said, whatever else is wrong.
        let secret = Some(Secret::new("hunter2"));
        fails(ConfigInput { client_secret: secret.clone(), redirect_uri: None, ..code_flow() }, BROWSER,
            "clientSecret is refused in a browser page unless dangerouslyAllowSecretsInBrowser is true");
        fails(ConfigInput { client_secret: secret, client_auth_method: Some("x".into()), ..code_flow() }, BROWSER,
            "clientSecret is refused in a browser page unless dangerouslyAllowSecretsInBrowser is true");
        // An empty secret before the combination rules.
        fails(ConfigInput { client_secret: Some(Secret::new("")), api_key: Some(Secret::new("k")), ..client_credentials() }, NODE,
            "clientSecret must not be empty");
    }

    #[test]
    fn secret_errors_never_contain_the_secret() {
        let input = ConfigInput { client_secret: Some(Secret::new("hunter2-very-secret")), ..code_flow() };
        let e = input.resolve(BROWSER).unwrap_err();
        assert!(!format!("{e:?}").contains("hunter2"));
        let c = ConfigInput { client_secret: Some(Secret::new("hunter2-very-secret")), ..code_flow() }.resolve(NODE).unwrap();
        assert!(!format!("{c:?}").contains("hunter2"));
    }

    #[test]
    fn secret_combinations() {
        fails(ConfigInput { api_key: Some(Secret::new("k")), ..client_credentials() }, NODE,
            "clientSecret and apiKey cannot both be set");
        fails(ConfigInput { client_secret: Some(Secret::new("")), ..client_credentials() }, NODE, "clientSecret must not be empty");
        fails(ConfigInput { client_secret: None, api_key: Some(Secret::new("")), ..client_credentials() }, NODE,
            "apiKey must not be empty");
    }

    #[test]
    fn client_auth_method() {
        let c = ConfigInput { client_auth_method: Some("client_secret_basic".into()), ..client_credentials() }.resolve(NODE).unwrap();
        assert_eq!(c.client_auth_method, ClientAuthMethod::ClientSecretBasic);
        let c = ConfigInput { client_auth_method: Some("client_secret_post".into()), ..client_credentials() }.resolve(NODE).unwrap();
        assert_eq!(c.client_auth_method, ClientAuthMethod::ClientSecretPost);
        assert_eq!(client_credentials().resolve(NODE).unwrap().client_auth_method, ClientAuthMethod::ClientSecretPost);
        fails(ConfigInput { client_auth_method: Some("private_key_jwt".into()), ..client_credentials() }, NODE,
            "clientAuthMethod must be \"client_secret_post\" or \"client_secret_basic\"");
        fails(ConfigInput { client_auth_method: Some("client_secret_basic".into()), ..code_flow() }, NODE,
            "clientAuthMethod needs a clientSecret");
    }

    #[test]
    fn client_credentials_scope_only_when_configured() {
        let c = client_credentials().resolve(NODE).unwrap();
        assert_eq!(c.grant_type, GrantType::ClientCredentials);
        assert_eq!(c.scope, None);
        assert_eq!(c.redirect_uri, None);
        let c = ConfigInput { scope: Some("read:all".into()), ..client_credentials() }.resolve(NODE).unwrap();
        assert_eq!(c.scope.as_deref(), Some("read:all"));
        // Without a secret too (a provider may authenticate by tokenRequestHeaders).
        assert!(ConfigInput { client_secret: None, ..client_credentials() }.resolve(NODE).is_ok());
        // A redirectUri, when given, is still checked.
        fails(ConfigInput { redirect_uri: Some("nope".into()), ..client_credentials() }, NODE,
            "redirectUri must be an absolute http or https URL");
    }

    // ---- token and revocation requests ----

    #[test]
    fn client_credentials_post() {
        let config = client_credentials().resolve(NODE).unwrap();
        let r = token_request(&config, TOKEN_URL, Grant::ClientCredentials);
        assert_eq!(r.body.as_deref(), Some("grant_type=client_credentials&client_id=svc&client_secret=s3cr3t"));
        assert_eq!(header(&r, "Authorization"), None);
        let config = ConfigInput {
            scope: Some("read write".into()),
            audience: Some("https://api.example.com".into()),
            ..client_credentials()
        }
        .resolve(NODE)
        .unwrap();
        let r = token_request(&config, TOKEN_URL, Grant::ClientCredentials);
        assert_eq!(r.body.as_deref(), Some(
            "grant_type=client_credentials&client_id=svc&client_secret=s3cr3t&audience=https%3A%2F%2Fapi.example.com&scope=read%20write"
        ));
    }

    #[test]
    fn client_secret_basic_rfc6749_2_3_1() {
        let config = ConfigInput {
            client_id: Some("my client:1".into()),
            client_secret: Some(Secret::new("p@ss word+/")),
            client_auth_method: Some("client_secret_basic".into()),
            ..client_credentials()
        }
        .resolve(NODE)
        .unwrap();
        let r = token_request(&config, TOKEN_URL, Grant::ClientCredentials);
        assert_eq!(r.body.as_deref(), Some("grant_type=client_credentials"));
        // base64("my%20client%3A1:p%40ss%20word%2B%2F")
        let expected = ["Basic ", &base64_encode(b"my%20client%3A1:p%40ss%20word%2B%2F")].concat();
        assert_eq!(header(&r, "Authorization"), Some(expected.as_str()));
        assert_eq!(expected, "Basic bXklMjBjbGllbnQlM0ExOnAlNDBzcyUyMHdvcmQlMkIlMkY=");
    }

    #[test]
    fn api_key_sent_verbatim_without_client_id() {
        let config = ConfigInput {
            client_secret: None,
            api_key: Some(Secret::new("NjQ0ZjA2ZGEtZWJhYi00MTQ4LTk3OTAtZGQ0MmZmYzRiNGI1")),
            scope: Some("SERVER_ACCESS".into()),
            token_request_headers: vec![("basiq-version".into(), "3.0".into())],
            ..client_credentials()
        }
        .resolve(NODE)
        .unwrap();
        let r = token_request(&config, TOKEN_URL, Grant::ClientCredentials);
        assert_eq!(r.body.as_deref(), Some("grant_type=client_credentials&scope=SERVER_ACCESS"));
        assert_eq!(header(&r, "Authorization"), Some("Basic NjQ0ZjA2ZGEtZWJhYi00MTQ4LTk3OTAtZGQ0MmZmYzRiNGI1"));
        assert_eq!(header(&r, "basiq-version"), Some("3.0"));
        assert_eq!(r.headers.len(), 4);
    }

    #[test]
    fn revocation_authenticates_as_configured() {
        let t = Secret::new("rt 1");
        // Form-encoded even when token requests use JSON; the secret authenticates as configured.
        let config = ConfigInput { token_request_encoding: Some("json".into()), client_auth_method: Some("client_secret_basic".into()),
            ..client_credentials() }.resolve(NODE).unwrap();
        let r = revocation_request(&config, "https://auth.example.com/revoke", &t, "access_token");
        assert_eq!(r.body.as_deref(), Some("token=rt%201&token_type_hint=access_token"));
        assert!(header(&r, "Authorization").is_some_and(|a| a.starts_with("Basic ")));
        assert_eq!(header(&r, "Content-Type"), Some("application/x-www-form-urlencoded"));
        let config = ConfigInput { client_auth_method: Some("client_secret_post".into()), ..client_credentials() }.resolve(NODE).unwrap();
        let r = revocation_request(&config, "https://auth.example.com/revoke", &t, "access_token");
        assert_eq!(r.body.as_deref(), Some("token=rt%201&token_type_hint=access_token&client_id=svc&client_secret=s3cr3t"));
        assert_eq!(header(&r, "Authorization"), None);
    }
}
