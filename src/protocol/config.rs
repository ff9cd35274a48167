//! Configuration: what JavaScript passed (`ConfigInput`, all optional) and what the library runs
//! with (`Config`, validated, presets applied). API.md "AuthConfig" and "Which config wins".

use crate::protocol::{AuthError, Secret};

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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GrantType { AuthorizationCode, ClientCredentials }

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
    pub client_secret: Option<Secret>,
    pub client_auth_method: ClientAuthMethod,
    pub api_key: Option<Secret>,
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
    pub fn resolve(self, runtime: Runtime) -> Result<Config, AuthError> { todo!() }
}

impl Config {
    /// The key under which clients share storage and in-flight refreshes:
    /// `clientId` + issuer, or + token endpoint without an issuer.
    pub fn client_key(&self) -> String { todo!() }
}
