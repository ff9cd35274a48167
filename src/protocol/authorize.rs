//! The authorization request URL (RFC 6749 §4.1.1, RFC 7636 §4.3, RFC 8707) and the
//! RP-initiated logout URL (OpenID Connect RP-Initiated Logout 1.0).

use crate::protocol::config::Config;
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
pub fn check_extra_params(extra: &[(String, String)]) -> Result<(), AuthError> { todo!() }

/// True when the space-separated `scope` contains `openid` (a nonce is then sent).
pub fn scope_has_openid(scope: &str) -> bool { todo!() }

/// The authorize URL: `endpoint` plus `response_type=code`, `client_id`, `redirect_uri`,
/// `scope`, `state`, `code_challenge`, `code_challenge_method=S256`, `nonce` (when given),
/// `audience` (when configured), each `resource`, then the extra params.
pub fn authorize_url(config: &Config, endpoint: &str, redirect_uri: &str, p: &AuthorizeParams<'_>) -> String { todo!() }

/// The end-session URL with `id_token_hint`, `client_id`, `post_logout_redirect_uri` and
/// `state` when given.
pub fn end_session_url(endpoint: &str, client_id: &str, id_token_hint: Option<&str>, post_logout_redirect_uri: Option<&str>, state: Option<&str>) -> String { todo!() }
