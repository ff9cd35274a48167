//! Authorization server metadata: OpenID Connect Discovery 1.0 and RFC 8414.

use crate::protocol::AuthError;

/// The metadata fields the library uses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Metadata {
    pub issuer: String,
    pub authorization_endpoint: Option<String>,
    pub token_endpoint: Option<String>,
    pub revocation_endpoint: Option<String>,
    pub end_session_endpoint: Option<String>,
    pub userinfo_endpoint: Option<String>,
    /// RFC 9207 `authorization_response_iss_parameter_supported`.
    pub iss_parameter_supported: bool,
    /// RFC 9449 `dpop_signing_alg_values_supported` was present.
    pub dpop_supported: bool,
}

/// The two places to look, in order: `{issuer}/.well-known/openid-configuration` (trailing `/`
/// of the issuer removed first), then RFC 8414's `{origin}/.well-known/oauth-authorization-server{path}`.
pub fn discovery_urls(issuer: &str) -> [String; 2] { todo!() }

/// Parses a metadata document. Its `issuer` must equal the configured one exactly
/// (`issuer_mismatch`); every endpoint present must pass
/// [`crate::protocol::url::check_endpoint`] (`invalid_response`); not JSON: `invalid_response`.
pub fn parse_metadata(body: &str, issuer: &str) -> Result<Metadata, AuthError> { todo!() }
