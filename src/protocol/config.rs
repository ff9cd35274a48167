//! Configuration: what JavaScript passed (`ConfigInput`, all optional) and what the library runs
//! with (`Config`, validated, presets applied). API.md "AuthConfig" and "Which config wins".

use crate::prelude::*;

use crate::protocol::{concat, AuthError, Secret};

/// A body parameter value: one string, or an array (repeated key in forms, JSON array in JSON).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParamValue {
    One(String),
    Many(Vec<String>),
}

impl ParamValue {
    /// The values in order (one or many).
    pub fn values(&self) -> &[String] {
        match self { ParamValue::One(v) => core::slice::from_ref(v), ParamValue::Many(v) => v }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Provider { Basic, Auth0 }

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding { Form, Json }

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StorageKind { Session, Local, Memory }

/// `client_credentials` needs the crate feature `confidential` (non-exhaustive: a build
/// without it has only `AuthorizationCode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum GrantType {
    AuthorizationCode,
    #[cfg(feature = "confidential")]
    ClientCredentials,
}

#[cfg(feature = "confidential")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientAuthMethod { None, ClientSecretPost, ClientSecretBasic }

/// What the caller gave, each key as read from the JS object (already type-checked: a wrong
/// type is rejected by the reader with `invalid_config`). String enums stay strings here so
/// that their validation (and its message) lives in one place: [`ConfigInput::resolve`].
#[derive(Clone, Debug, Default)]
pub struct ConfigInput {
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub authorization_endpoint: Option<String>,
    pub token_endpoint: Option<String>,
    pub revocation_endpoint: Option<String>,
    pub end_session_endpoint: Option<String>,
    pub issuer: Option<String>,
    pub provider: Option<String>,
    pub domain: Option<String>,
    pub audience: Option<String>,
    pub resource: Option<ParamValue>,
    pub extra_token_params: Vec<(String, ParamValue)>,
    pub token_request_headers: Vec<(String, String)>,
    pub scope: Option<String>,
    pub token_request_encoding: Option<String>,
    pub storage: Option<String>,
    /// Seconds. Must be finite and >= 0.
    pub expiry_leeway: Option<f64>,
    /// Milliseconds. Must be finite and > 0.
    pub request_timeout: Option<f64>,
    pub grant_type: Option<String>,
    pub client_secret: Option<Secret>,
    pub client_auth_method: Option<String>,
    pub api_key: Option<Secret>,
    pub dangerously_allow_secrets_in_browser: bool,
    /// `dpop: true`: DPoP-bound tokens (RFC 9449).
    pub dpop: bool,
    /// `tokenRequestCredentials`: `"same-origin"` (default, fetch's) or `"include"` (send
    /// cookies, e.g. to the app's own backend acting as a token endpoint).
    pub token_request_credentials: Option<String>,
    /// `verifyIdTokenSignature: true`: check ID token signatures (RS256, PS256, ES256) with
    /// the issuer's JWK Set. Off by default: the ID token comes straight from the token
    /// endpoint over TLS (OpenID Connect Core §3.1.3.7 allows skipping the check then).
    pub verify_id_token_signature: bool,
    /// `jwksUri`: the JWK Set, when discovery isn't used.
    pub jwks_uri: Option<String>,
}

/// The runtime the config is resolved for: secrets are refused in a page with a `document`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Runtime {
    pub has_document: bool,
    pub has_web_storage: bool,
}

/// A validated configuration. Endpoints may still be `None` when `issuer` is set: discovery
/// fills them (explicit values always win).
#[derive(Clone, Debug)]
pub struct Config {
    pub client_id: String,
    pub redirect_uri: Option<String>,
    pub authorization_endpoint: Option<String>,
    pub token_endpoint: Option<String>,
    pub revocation_endpoint: Option<String>,
    pub end_session_endpoint: Option<String>,
    pub issuer: Option<String>,
    pub provider: Option<Provider>,
    pub audience: Option<String>,
    pub resource: Option<ParamValue>,
    pub extra_token_params: Vec<(String, ParamValue)>,
    pub token_request_headers: Vec<(String, String)>,
    /// For the code flow: configured, else the preset's, else `"openid"`. For client
    /// credentials: only when configured (no default).
    pub scope: Option<String>,
    pub encoding: Encoding,
    pub storage: StorageKind,
    pub expiry_leeway: u64,
    pub request_timeout_ms: u32,
    pub grant_type: GrantType,
    /// The confidential client's credentials (crate feature `confidential`).
    #[cfg(feature = "confidential")]
    pub client_secret: Option<Secret>,
    #[cfg(feature = "confidential")]
    pub client_auth_method: ClientAuthMethod,
    #[cfg(feature = "confidential")]
    pub api_key: Option<Secret>,
    /// Sign every token request with a DPoP proof and bind the authorization code (`dpop_jkt`).
    pub dpop: bool,
    /// Token requests carry cookies (`credentials: "include"`).
    pub include_credentials: bool,
    /// Check ID token signatures against the issuer's JWK Set.
    pub verify_id_token_signature: bool,
    pub jwks_uri: Option<String>,
}

impl ConfigInput {
    /// Applies the preset, checks every rule of API.md (`clientId` required, `redirectUri`
    /// required for the code flow, endpoints and issuer https or loopback, known enum values,
    /// `domain` with `auth0`, secrets refused in a page unless allowed, either a token endpoint
    /// or an issuer, ...) and returns the config, or `invalid_config` naming the key at fault.
    ///
    /// Presets: `basic` fills `https://api.basic.tech/auth/authorize`, `.../auth/token`,
    /// scope `profile`, JSON encoding. `auth0` with `domain` fills issuer `https://{domain}/`,
    /// `https://{domain}/authorize`, `https://{domain}/oauth/token`,
    /// `https://{domain}/oauth/revoke`, `https://{domain}/oidc/logout` (always https, also for a
    /// loopback domain).
    ///
    /// Further rules: `clientSecret` and `apiKey` may not both be set and may not be empty;
    /// `clientAuthMethod` needs a `clientSecret`; an `issuer` may not have a query;
    /// `redirectUri`, when given (required for the code flow), is an absolute http(s) URL
    /// without a fragment (any host: the https rule is for endpoints); `tokenRequestHeaders`
    /// names are HTTP tokens and values have no line breaks; `extraTokenParams` keys are not
    /// empty. Without Web Storage (`runtime.has_web_storage == false`) storage is always memory.
    ///
    /// Without the crate feature `confidential`, `grantType: "client_credentials"`,
    /// `clientSecret`, `clientAuthMethod`, `apiKey` and `dangerouslyAllowSecretsInBrowser: true`
    /// are refused first (`invalid_config`: "clientSecret needs the full build: ...").
    ///
    /// The first rule broken is the one reported: a secret's own rules (not empty, not in a
    /// page) first, the issuer's and the endpoints' URL rules last.
    pub fn resolve(mut self, runtime: Runtime) -> Result<Config, AuthError> {
        #[cfg(not(feature = "confidential"))]
        self.refuse_confidential()?;
        // A secret in a page is refused before anything else is said about the config.
        #[cfg(feature = "confidential")]
        crate::protocol::confidential::check_secrets(&self, runtime)?;
        // The checks borrow `self` and fill in the presets, so that an error drops it once.
        let c = self.check(runtime).map_err(AuthError::config)?;
        self.check_keyed()?;
        Ok(Config {
            client_id: self.client_id.unwrap_or_default(),
            redirect_uri: self.redirect_uri,
            authorization_endpoint: self.authorization_endpoint,
            token_endpoint: self.token_endpoint,
            revocation_endpoint: self.revocation_endpoint,
            end_session_endpoint: self.end_session_endpoint,
            issuer: self.issuer,
            provider: c.provider,
            audience: self.audience,
            resource: self.resource,
            extra_token_params: self.extra_token_params,
            token_request_headers: self.token_request_headers,
            scope: self.scope,
            encoding: c.encoding,
            storage: c.storage,
            expiry_leeway: c.expiry_leeway,
            request_timeout_ms: c.request_timeout_ms,
            grant_type: c.grant_type,
            #[cfg(feature = "confidential")]
            client_secret: self.client_secret,
            #[cfg(feature = "confidential")]
            client_auth_method: c.client_auth_method,
            #[cfg(feature = "confidential")]
            api_key: self.api_key,
            dpop: self.dpop,
            include_credentials: c.include_credentials,
            verify_id_token_signature: self.verify_id_token_signature,
            jwks_uri: self.jwks_uri,
        })
    }

    /// [`Self::resolve`]'s rules: fills in the preset's endpoints and the scope, returns the
    /// parsed values, or the message of the first rule broken.
    fn check(&mut self, runtime: Runtime) -> Result<Checked, &'static str> {
        if !self.client_id.as_deref().is_some_and(|id| !crate::protocol::encoding::is_blank(id)) {
            return Err("clientId is required");
        }
        let provider = match self.provider.as_deref() {
            None => None,
            Some("basic") => Some(Provider::Basic),
            Some("auth0") => Some(Provider::Auth0),
            Some(_) => return Err("provider must be \"basic\" or \"auth0\""),
        };
        let grant_type = match self.grant_type.as_deref() {
            None | Some("authorization_code") => GrantType::AuthorizationCode,
            #[cfg(feature = "confidential")]
            Some("client_credentials") => GrantType::ClientCredentials,
            Some(_) => return Err("grantType must be \"authorization_code\" or \"client_credentials\""),
        };
        let encoding = match self.token_request_encoding.as_deref() {
            None if provider == Some(Provider::Basic) => Encoding::Json,
            None | Some("form") => Encoding::Form,
            Some("json") => Encoding::Json,
            Some(_) => return Err("tokenRequestEncoding must be \"form\" or \"json\""),
        };
        let storage = match self.storage.as_deref() {
            None | Some("session") => StorageKind::Session,
            Some("local") => StorageKind::Local,
            Some("memory") => StorageKind::Memory,
            Some(_) => return Err("storage must be \"session\", \"local\" or \"memory\""),
        };
        let storage = if runtime.has_web_storage { storage } else { StorageKind::Memory };
        let expiry_leeway = match self.expiry_leeway {
            None => DEFAULT_EXPIRY_LEEWAY_SECS,
            Some(v) if v.is_finite() && v >= 0.0 => v as u64,
            Some(_) => return Err("expiryLeeway must be a finite number >= 0 (seconds)"),
        };
        let request_timeout_ms = match self.request_timeout {
            None => DEFAULT_REQUEST_TIMEOUT_MS,
            Some(v) if v.is_finite() && v > 0.0 => (v as u32).max(1),
            Some(_) => return Err("requestTimeout must be a finite number > 0 (milliseconds)"),
        };

        // How secrets are sent (each secret alone: `confidential::check_secrets`, run first).
        #[cfg(feature = "confidential")]
        let client_auth_method = crate::protocol::confidential::auth_method(self)?;

        // Presets: explicit keys win.
        let mut preset_scope = None;
        match provider {
            Some(Provider::Basic) => {
                self.authorization_endpoint.get_or_insert_with(|| String::from(BASIC_AUTHORIZATION_ENDPOINT));
                self.token_endpoint.get_or_insert_with(|| String::from(BASIC_TOKEN_ENDPOINT));
                preset_scope = Some(BASIC_SCOPE);
            }
            Some(Provider::Auth0) => {
                let domain = match self.domain.as_deref() {
                    None => return Err("domain is required with provider \"auth0\""),
                    Some(d) if !is_bare_host(d) => {
                        return Err("domain must be a bare host name, with an optional port (no scheme, no path)")
                    }
                    Some(d) => d,
                };
                let https = |path: &str| concat(&["https://", domain, path]);
                self.issuer.get_or_insert_with(|| https("/"));
                self.authorization_endpoint.get_or_insert_with(|| https("/authorize"));
                self.token_endpoint.get_or_insert_with(|| https("/oauth/token"));
                self.revocation_endpoint.get_or_insert_with(|| https("/oauth/revoke"));
                self.end_session_endpoint.get_or_insert_with(|| https("/oidc/logout"));
            }
            None => {}
        }

        // No query in the issuer (its URL rule and the endpoints': `check_keyed`).
        let issuer = self.issuer.as_deref();
        if issuer.and_then(crate::protocol::url::split).is_some_and(|p| p.query.is_some()) {
            return Err("issuer must not have a query");
        }
        if self.token_endpoint.is_none() && issuer.is_none() {
            return Err("tokenEndpoint or issuer is required");
        }

        // The code flow's own needs.
        match (&self.redirect_uri, grant_type) {
            (None, GrantType::AuthorizationCode) => return Err("redirectUri is required"),
            (Some(r), _) => check_redirect_uri(r)?,
            #[cfg(feature = "confidential")]
            (None, GrantType::ClientCredentials) => {}
        }
        if grant_type == GrantType::AuthorizationCode {
            if self.authorization_endpoint.is_none() && issuer.is_none() {
                return Err("authorizationEndpoint or issuer is required");
            }
            self.scope.get_or_insert_with(|| String::from(preset_scope.unwrap_or(DEFAULT_SCOPE)));
        }

        // Request extras.
        for (name, value) in &self.token_request_headers {
            if !is_header_name(name) {
                return Err("tokenRequestHeaders has a name that is not a valid HTTP header name");
            }
            if value.contains(['\r', '\n', '\0']) {
                return Err("tokenRequestHeaders has a value with a line break or NUL");
            }
        }
        if self.extra_token_params.iter().any(|(k, _)| k.is_empty()) {
            return Err("extraTokenParams has an empty key");
        }

        if self.verify_id_token_signature && self.jwks_uri.is_none() && self.issuer.is_none() {
            return Err("verifyIdTokenSignature needs jwksUri or an issuer to discover it");
        }
        let include_credentials = match self.token_request_credentials.as_deref() {
            None | Some("same-origin") => false,
            Some("include") => true,
            Some(_) => return Err("tokenRequestCredentials must be \"same-origin\" or \"include\""),
        };
        Ok(Checked {
            provider,
            grant_type,
            encoding,
            storage,
            expiry_leeway,
            request_timeout_ms,
            #[cfg(feature = "confidential")]
            client_auth_method,
            include_credentials,
        })
    }

    /// A build without the crate feature `confidential` refuses what needs it, naming the key.
    #[cfg(not(feature = "confidential"))]
    fn refuse_confidential(&self) -> Result<(), AuthError> {
        let key = if self.grant_type.as_deref() == Some("client_credentials") {
            "grantType \"client_credentials\""
        } else if self.client_secret.is_some() {
            "clientSecret"
        } else if self.client_auth_method.is_some() {
            "clientAuthMethod"
        } else if self.api_key.is_some() {
            "apiKey"
        } else if self.dangerously_allow_secrets_in_browser {
            "dangerouslyAllowSecretsInBrowser"
        } else {
            return Ok(());
        };
        Err(AuthError::config_key(key, NEEDS_FULL_CONFIDENTIAL))
    }
}

/// What a build without the crate feature `confidential` (the npm package's core entry in a
/// page) says after the key it refuses: confidential clients belong on a server, where the
/// package's Node entry is the full build.
#[cfg(not(feature = "confidential"))]
pub const NEEDS_FULL_CONFIDENTIAL: &str = " needs the full build: import wasm-oauth/full (Rust: feature confidential)";

impl ConfigInput {
    /// The rules whose messages start with the key, after [`Self::check`]: the issuer and every
    /// endpoint (presets filled in) https, or http on a loopback host.
    fn check_keyed(&self) -> Result<(), AuthError> {
        check_url(&self.issuer, "issuer")?;
        check_url(&self.authorization_endpoint, "authorizationEndpoint")?;
        check_url(&self.token_endpoint, "tokenEndpoint")?;
        check_url(&self.revocation_endpoint, "revocationEndpoint")?;
        check_url(&self.end_session_endpoint, "endSessionEndpoint")?;
        check_url(&self.jwks_uri, "jwksUri")
    }
}

/// The values [`ConfigInput::check`] parsed.
struct Checked {
    provider: Option<Provider>,
    grant_type: GrantType,
    encoding: Encoding,
    storage: StorageKind,
    expiry_leeway: u64,
    request_timeout_ms: u32,
    #[cfg(feature = "confidential")]
    client_auth_method: ClientAuthMethod,
    include_credentials: bool,
}

/// `expiryLeeway` when not configured, in seconds.
pub const DEFAULT_EXPIRY_LEEWAY_SECS: u64 = 60;
/// `requestTimeout` when not configured, in milliseconds.
pub const DEFAULT_REQUEST_TIMEOUT_MS: u32 = 10_000;
/// The code flow's scope when neither the config nor a preset gives one.
pub const DEFAULT_SCOPE: &str = "openid";
/// The Basic preset (API.md `provider`).
pub const BASIC_AUTHORIZATION_ENDPOINT: &str = "https://api.basic.tech/auth/authorize";
pub const BASIC_TOKEN_ENDPOINT: &str = "https://api.basic.tech/auth/token";
pub const BASIC_SCOPE: &str = "profile";

/// The endpoint rule, the message naming the key.
fn check_url(url: &Option<String>, key: &'static str) -> Result<(), AuthError> {
    use crate::protocol::url::{endpoint_problem, EndpointProblem};
    let what = match url.as_deref().and_then(endpoint_problem) {
        None => return Ok(()),
        Some(EndpointProblem::Malformed) => " must be an absolute URL without a fragment",
        Some(EndpointProblem::Insecure) => " must use https (or http on a loopback host)",
    };
    Err(AuthError::config_key(key, what))
}

/// `redirectUri`: absolute `http:` or `https:` (any host), no fragment (RFC 6749 §3.1.2).
fn check_redirect_uri(uri: &str) -> Result<(), &'static str> {
    let Some(parts) = crate::protocol::url::split(uri) else {
        return Err("redirectUri must be an absolute http or https URL");
    };
    if !parts.scheme.eq_ignore_ascii_case("https") && !parts.scheme.eq_ignore_ascii_case("http") {
        return Err("redirectUri must be an absolute http or https URL");
    }
    if parts.fragment.is_some() {
        return Err("redirectUri must not have a fragment");
    }
    Ok(())
}

/// An Auth0 `domain`: a host with an optional port, nothing else.
fn is_bare_host(domain: &str) -> bool {
    if domain.is_empty() || domain.contains(['/', '?', '#', '@', '\\']) {
        return false;
    }
    let url = concat(&["https://", domain, "/"]);
    crate::protocol::url::split(&url).is_some_and(|p| p.path == "/" && p.query.is_none() && p.fragment.is_none())
}

/// An HTTP header name (RFC 9110 `token`).
fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

impl Config {
    /// The key under which clients share storage and in-flight refreshes:
    /// `clientId` + issuer, or + token endpoint without an issuer.
    ///
    /// Exactly `client_id + "|" + issuer`, or `client_id + "|" + token_endpoint` without an
    /// issuer, both as configured (the Auth0 preset's issuer counts as configured). Storage
    /// keys are `wasm-oauth:tokens:<client_key>`. No collision is possible between the two
    /// forms of different clients because an issuer or endpoint starts with a URL scheme,
    /// which cannot contain `|`.
    pub fn client_key(&self) -> String {
        let server = self.issuer.as_deref().or(self.token_endpoint.as_deref()).unwrap_or("");
        concat(&[self.client_id.as_str(), "|", server])
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::protocol::error::codes;

    pub(crate) const BROWSER: Runtime = Runtime { has_document: true, has_web_storage: true };
    pub(crate) const NODE: Runtime = Runtime { has_document: false, has_web_storage: false };

    /// A minimal valid code-flow input.
    pub(crate) fn code_flow() -> ConfigInput {
        ConfigInput {
            client_id: Some("spa".into()),
            redirect_uri: Some("https://app.example.com/callback".into()),
            authorization_endpoint: Some("https://auth.example.com/authorize".into()),
            token_endpoint: Some("https://auth.example.com/token".into()),
            ..ConfigInput::default()
        }
    }

    /// A minimal valid client-credentials input (server side).
    pub(crate) fn client_credentials() -> ConfigInput {
        ConfigInput {
            client_id: Some("svc".into()),
            token_endpoint: Some("https://auth.example.com/token".into()),
            grant_type: Some("client_credentials".into()),
            client_secret: Some(Secret::new("s3cr3t")),
            ..ConfigInput::default()
        }
    }

    pub(crate) fn fails(input: ConfigInput, runtime: Runtime, description: &str) {
        let e = input.resolve(runtime).unwrap_err();
        assert_eq!(e.code, codes::INVALID_CONFIG);
        assert_eq!(e.description.as_deref(), Some(description));
        assert_eq!(e.status, None);
    }

    #[test]
    fn defaults_for_the_code_flow() {
        let c = code_flow().resolve(BROWSER).unwrap();
        assert_eq!(c.client_id, "spa");
        assert_eq!(c.scope.as_deref(), Some("openid"));
        assert_eq!(c.encoding, Encoding::Form);
        assert_eq!(c.storage, StorageKind::Session);
        assert_eq!(c.expiry_leeway, 60);
        assert_eq!(c.request_timeout_ms, 10_000);
        assert_eq!(c.grant_type, GrantType::AuthorizationCode);
        assert_eq!(c.provider, None);
        assert_eq!(c.issuer, None);
        #[cfg(feature = "confidential")]
        {
            assert_eq!(c.client_auth_method, ClientAuthMethod::None);
            assert!(c.client_secret.is_none() && c.api_key.is_none());
        }
    }

    #[test]
    fn client_id_is_required() {
        fails(ConfigInput { client_id: None, ..code_flow() }, BROWSER, "clientId is required");
        fails(ConfigInput { client_id: Some(String::new()), ..code_flow() }, BROWSER, "clientId is required");
        fails(ConfigInput { client_id: Some("  ".into()), ..code_flow() }, BROWSER, "clientId is required");
    }

    #[test]
    fn redirect_uri_rules() {
        fails(ConfigInput { redirect_uri: None, ..code_flow() }, BROWSER, "redirectUri is required");
        for bad in ["/callback", "callback", "app.example.com/cb", "myapp://cb", "javascript://x/%0aalert(1)"] {
            fails(ConfigInput { redirect_uri: Some(bad.into()), ..code_flow() }, BROWSER,
                "redirectUri must be an absolute http or https URL");
        }
        fails(ConfigInput { redirect_uri: Some("https://app/cb#x".into()), ..code_flow() }, BROWSER,
            "redirectUri must not have a fragment");
        // Any host and plain http are fine for the redirect URI (the https rule is for endpoints).
        for ok in ["http://app.example.com/cb", "https://app.example.com", "http://localhost:5173/cb", "HTTPS://APP/cb?x=1"] {
            assert!(ConfigInput { redirect_uri: Some(ok.into()), ..code_flow() }.resolve(BROWSER).is_ok(), "{ok}");
        }
    }

    #[test]
    fn endpoint_https_rule_names_the_key() {
        fails(ConfigInput { token_endpoint: Some("http://auth.example.com/token".into()), ..code_flow() }, BROWSER,
            "tokenEndpoint must use https (or http on a loopback host)");
        fails(ConfigInput { authorization_endpoint: Some("http://auth.example.com/a".into()), ..code_flow() }, BROWSER,
            "authorizationEndpoint must use https (or http on a loopback host)");
        fails(ConfigInput { issuer: Some("http://auth.example.com".into()), ..code_flow() }, BROWSER,
            "issuer must use https (or http on a loopback host)");
        fails(ConfigInput { revocation_endpoint: Some("http://auth.example.com/r".into()), ..code_flow() }, BROWSER,
            "revocationEndpoint must use https (or http on a loopback host)");
        fails(ConfigInput { end_session_endpoint: Some("http://auth.example.com/l".into()), ..code_flow() }, BROWSER,
            "endSessionEndpoint must use https (or http on a loopback host)");
        fails(ConfigInput { token_endpoint: Some("http://localhost.evil.com/token".into()), ..code_flow() }, BROWSER,
            "tokenEndpoint must use https (or http on a loopback host)");
        fails(ConfigInput { token_endpoint: Some("http://127.0.0.1.nip.io/token".into()), ..code_flow() }, BROWSER,
            "tokenEndpoint must use https (or http on a loopback host)");
        fails(ConfigInput { token_endpoint: Some("/token".into()), ..code_flow() }, BROWSER,
            "tokenEndpoint must be an absolute URL without a fragment");
        fails(ConfigInput { token_endpoint: Some("https://a/token#f".into()), ..code_flow() }, BROWSER,
            "tokenEndpoint must be an absolute URL without a fragment");
        fails(ConfigInput { issuer: Some("https://a/?tenant=1".into()), ..code_flow() }, BROWSER,
            "issuer must not have a query");
        for ok in ["http://localhost:3000/token", "http://127.0.0.1:9000/token", "http://[::1]/token", "HTTP://LocalHost/t"] {
            assert!(ConfigInput { token_endpoint: Some(ok.into()), ..code_flow() }.resolve(BROWSER).is_ok(), "{ok}");
        }
    }

    #[test]
    fn needs_endpoints_or_issuer() {
        fails(ConfigInput { token_endpoint: None, ..code_flow() }, BROWSER, "tokenEndpoint or issuer is required");
        fails(ConfigInput { authorization_endpoint: None, ..code_flow() }, BROWSER,
            "authorizationEndpoint or issuer is required");
        let c = ConfigInput { token_endpoint: None, authorization_endpoint: None, issuer: Some("https://id.example.com".into()), ..code_flow() }
            .resolve(BROWSER)
            .unwrap();
        assert_eq!(c.issuer.as_deref(), Some("https://id.example.com"));
        assert_eq!(c.token_endpoint, None, "left for discovery");
        // Client credentials need no authorization endpoint.
        #[cfg(feature = "confidential")]
        assert!(client_credentials().resolve(NODE).is_ok());
    }

    #[test]
    fn enum_values() {
        fails(ConfigInput { provider: Some("google".into()), ..code_flow() }, BROWSER, "provider must be \"basic\" or \"auth0\"");
        fails(ConfigInput { grant_type: Some("password".into()), ..code_flow() }, BROWSER,
            "grantType must be \"authorization_code\" or \"client_credentials\"");
        fails(ConfigInput { token_request_encoding: Some("xml".into()), ..code_flow() }, BROWSER,
            "tokenRequestEncoding must be \"form\" or \"json\"");
        fails(ConfigInput { storage: Some("cookie".into()), ..code_flow() }, BROWSER,
            "storage must be \"session\", \"local\" or \"memory\"");
        fails(ConfigInput { storage: Some("Session".into()), ..code_flow() }, BROWSER,
            "storage must be \"session\", \"local\" or \"memory\"");
        let c = ConfigInput { storage: Some("local".into()), token_request_encoding: Some("json".into()), ..code_flow() }
            .resolve(BROWSER)
            .unwrap();
        assert_eq!((c.storage, c.encoding), (StorageKind::Local, Encoding::Json));
        let c = ConfigInput { storage: Some("memory".into()), ..code_flow() }.resolve(BROWSER).unwrap();
        assert_eq!(c.storage, StorageKind::Memory);
    }

    #[test]
    fn storage_is_memory_without_web_storage() {
        let no_storage = Runtime { has_document: false, has_web_storage: false };
        assert_eq!(code_flow().resolve(no_storage).unwrap().storage, StorageKind::Memory);
        let c = ConfigInput { storage: Some("local".into()), ..code_flow() }.resolve(no_storage).unwrap();
        assert_eq!(c.storage, StorageKind::Memory);
    }

    #[test]
    fn numbers() {
        let c = ConfigInput { expiry_leeway: Some(0.0), request_timeout: Some(2500.0), ..code_flow() }.resolve(BROWSER).unwrap();
        assert_eq!((c.expiry_leeway, c.request_timeout_ms), (0, 2500));
        let c = ConfigInput { expiry_leeway: Some(30.9), request_timeout: Some(0.25), ..code_flow() }.resolve(BROWSER).unwrap();
        assert_eq!((c.expiry_leeway, c.request_timeout_ms), (30, 1));
        let c = ConfigInput { request_timeout: Some(1e12), ..code_flow() }.resolve(BROWSER).unwrap();
        assert_eq!(c.request_timeout_ms, u32::MAX);
        for bad in [-1.0, f64::NAN, f64::INFINITY] {
            fails(ConfigInput { expiry_leeway: Some(bad), ..code_flow() }, BROWSER,
                "expiryLeeway must be a finite number >= 0 (seconds)");
        }
        for bad in [0.0, -5.0, f64::NAN, f64::INFINITY] {
            fails(ConfigInput { request_timeout: Some(bad), ..code_flow() }, BROWSER,
                "requestTimeout must be a finite number > 0 (milliseconds)");
        }
    }

    #[test]
    fn basic_preset() {
        let input = ConfigInput {
            client_id: Some("basic-app".into()),
            redirect_uri: Some("https://app/cb".into()),
            provider: Some("basic".into()),
            ..ConfigInput::default()
        };
        let c = input.resolve(BROWSER).unwrap();
        assert_eq!(c.provider, Some(Provider::Basic));
        assert_eq!(c.authorization_endpoint.as_deref(), Some("https://api.basic.tech/auth/authorize"));
        assert_eq!(c.token_endpoint.as_deref(), Some("https://api.basic.tech/auth/token"));
        assert_eq!(c.scope.as_deref(), Some("profile"));
        assert_eq!(c.encoding, Encoding::Json);
        assert_eq!(c.issuer, None);
        assert_eq!(c.client_key(), "basic-app|https://api.basic.tech/auth/token");
    }

    #[test]
    fn explicit_keys_override_the_basic_preset() {
        let input = ConfigInput {
            client_id: Some("basic-app".into()),
            redirect_uri: Some("https://app/cb".into()),
            provider: Some("basic".into()),
            scope: Some("profile admin".into()),
            token_request_encoding: Some("form".into()),
            token_endpoint: Some("http://localhost:8787/auth/token".into()),
            ..ConfigInput::default()
        };
        let c = input.resolve(BROWSER).unwrap();
        assert_eq!(c.scope.as_deref(), Some("profile admin"));
        assert_eq!(c.encoding, Encoding::Form);
        assert_eq!(c.token_endpoint.as_deref(), Some("http://localhost:8787/auth/token"));
        assert_eq!(c.authorization_endpoint.as_deref(), Some("https://api.basic.tech/auth/authorize"));
    }

    fn auth0(domain: Option<&str>) -> ConfigInput {
        ConfigInput {
            client_id: Some("abc".into()),
            redirect_uri: Some("https://app/cb".into()),
            provider: Some("auth0".into()),
            domain: domain.map(String::from),
            audience: Some("https://api.example.com".into()),
            ..ConfigInput::default()
        }
    }

    #[test]
    fn auth0_preset() {
        let c = auth0(Some("tenant.eu.auth0.com")).resolve(BROWSER).unwrap();
        assert_eq!(c.provider, Some(Provider::Auth0));
        assert_eq!(c.issuer.as_deref(), Some("https://tenant.eu.auth0.com/"));
        assert_eq!(c.authorization_endpoint.as_deref(), Some("https://tenant.eu.auth0.com/authorize"));
        assert_eq!(c.token_endpoint.as_deref(), Some("https://tenant.eu.auth0.com/oauth/token"));
        assert_eq!(c.revocation_endpoint.as_deref(), Some("https://tenant.eu.auth0.com/oauth/revoke"));
        assert_eq!(c.end_session_endpoint.as_deref(), Some("https://tenant.eu.auth0.com/oidc/logout"));
        assert_eq!(c.audience.as_deref(), Some("https://api.example.com"));
        assert_eq!(c.scope.as_deref(), Some("openid"));
        assert_eq!(c.encoding, Encoding::Form);
        assert_eq!(c.client_key(), "abc|https://tenant.eu.auth0.com/");
    }

    #[test]
    fn auth0_is_https_even_on_loopback() {
        let c = auth0(Some("localhost:3000")).resolve(BROWSER).unwrap();
        assert_eq!(c.issuer.as_deref(), Some("https://localhost:3000/"));
        assert_eq!(c.token_endpoint.as_deref(), Some("https://localhost:3000/oauth/token"));
    }

    #[test]
    fn auth0_domain_rules() {
        fails(auth0(None), BROWSER, "domain is required with provider \"auth0\"");
        for bad in ["", "https://tenant.auth0.com", "tenant.auth0.com/", "tenant.auth0.com/x", "a@b", "t.com?x", "t.com#x",
            "t .com", "t.com:port", "t.com\\x"] {
            fails(auth0(Some(bad)), BROWSER, "domain must be a bare host name, with an optional port (no scheme, no path)");
        }
        let c = ConfigInput { issuer: Some("https://login.example.com/".into()), ..auth0(Some("t.auth0.com")) }.resolve(BROWSER).unwrap();
        assert_eq!(c.issuer.as_deref(), Some("https://login.example.com/"), "explicit issuer wins");
        assert_eq!(c.token_endpoint.as_deref(), Some("https://t.auth0.com/oauth/token"));
    }

    /// Without the crate feature `confidential` (the npm core entry) every confidential key is
    /// refused, in a page and elsewhere, before any other rule, naming the key and never the
    /// secret. (With it: `crate::protocol::confidential`'s tests.)
    #[cfg(not(feature = "confidential"))]
    #[test]
    fn confidential_keys_need_the_feature() {
        const FULL: &str = " needs the full build: import wasm-oauth/full (Rust: feature confidential)";
        let secret = || Some(Secret::new("hunter2-very-secret"));
        let cases = [
            (client_credentials(), "grantType \"client_credentials\""),
            (ConfigInput { grant_type: Some("client_credentials".into()), client_secret: None, ..client_credentials() },
                "grantType \"client_credentials\""),
            (ConfigInput { client_secret: secret(), ..code_flow() }, "clientSecret"),
            (ConfigInput { client_secret: secret(), client_id: None, ..code_flow() }, "clientSecret"),
            (ConfigInput { client_auth_method: Some("client_secret_basic".into()), ..code_flow() }, "clientAuthMethod"),
            (ConfigInput { api_key: secret(), ..code_flow() }, "apiKey"),
            (ConfigInput { dangerously_allow_secrets_in_browser: true, ..code_flow() }, "dangerouslyAllowSecretsInBrowser"),
        ];
        for (input, key) in cases {
            for runtime in [BROWSER, NODE] {
                fails(input.clone(), runtime, &[key, FULL].concat());
            }
        }
        // What needs nothing confidential is fine.
        let c = ConfigInput { grant_type: Some("authorization_code".into()), dangerously_allow_secrets_in_browser: false, ..code_flow() }
            .resolve(BROWSER)
            .unwrap();
        assert_eq!(c.grant_type, GrantType::AuthorizationCode);
        fails(ConfigInput { grant_type: Some("password".into()), ..code_flow() }, NODE,
            "grantType must be \"authorization_code\" or \"client_credentials\"");
    }

    #[test]
    fn headers_and_extra_params() {
        let ok = ConfigInput {
            token_request_headers: vec![("basiq-version".into(), "3.0".into()), ("X-Api_Key".into(), "v a l".into())],
            extra_token_params: vec![("userId".into(), ParamValue::One("u1".into()))],
            ..code_flow()
        };
        let c = ok.resolve(BROWSER).unwrap();
        assert_eq!(c.token_request_headers.len(), 2);
        assert_eq!(c.extra_token_params.len(), 1);
        for bad in ["", "a b", "a:b", "é", "a\n"] {
            fails(ConfigInput { token_request_headers: vec![(bad.into(), "v".into())], ..code_flow() }, BROWSER,
                "tokenRequestHeaders has a name that is not a valid HTTP header name");
        }
        fails(ConfigInput { token_request_headers: vec![("x".into(), "a\r\nSet-Cookie: y".into())], ..code_flow() }, BROWSER,
            "tokenRequestHeaders has a value with a line break or NUL");
        fails(ConfigInput { extra_token_params: vec![(String::new(), ParamValue::One("v".into()))], ..code_flow() }, BROWSER,
            "extraTokenParams has an empty key");
    }

    #[test]
    fn client_key_forms() {
        let c = code_flow().resolve(BROWSER).unwrap();
        assert_eq!(c.client_key(), "spa|https://auth.example.com/token");
        let c = ConfigInput { issuer: Some("https://id.example.com".into()), ..code_flow() }.resolve(BROWSER).unwrap();
        assert_eq!(c.client_key(), "spa|https://id.example.com");
    }

    #[test]
    fn param_value_values() {
        assert_eq!(ParamValue::One("a".into()).values(), &["a".to_string()]);
        assert_eq!(ParamValue::Many(vec!["a".into(), "b".into()]).values().len(), 2);
        assert!(ParamValue::Many(vec![]).values().is_empty());
    }
}
