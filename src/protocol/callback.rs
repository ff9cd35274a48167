//! The authorization response (RFC 6749 §4.1.2, §4.1.2.1, RFC 9207): parsing the callback URL
//! and checking it against the stored transaction, in the order API.md fixes:
//! state, then `iss`, then `error`, then `code`.

use crate::protocol::transaction::Transaction;
use crate::protocol::{AuthError, Secret};

/// The parameters of an authorization response.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CallbackParams {
    pub code: Option<Secret>,
    pub state: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
    pub iss: Option<String>,
}

/// Reads the response parameters from the query, or from the fragment when the query has none
/// of `code`, `state`, `error`. A parameter given twice: `state_mismatch` for `state`, else
/// `invalid_request`. Undecodable percent-encoding: `invalid_request`. An unparseable URL:
/// `invalid_request`.
pub fn parse_callback(url: &str) -> Result<CallbackParams, AuthError> { todo!() }

/// What the issuer check needs.
#[derive(Clone, Copy, Debug, Default)]
pub struct IssuerCheck<'a> {
    /// The configured issuer; `None` skips the check.
    pub issuer: Option<&'a str>,
    /// Metadata said `authorization_response_iss_parameter_supported: true`.
    pub iss_required: bool,
}

/// Checks a callback against its transaction (already looked up by `state`; `None` when
/// unknown or reused) and returns the authorization code.
/// 1. no `state`, no transaction, another client's transaction, or expired: `state_mismatch`;
/// 2. `iss` differs from the issuer, or is missing while required: `issuer_mismatch`;
/// 3. `error`: that code (if a code word, else `invalid_request`) with `error_description`;
/// 4. no `code`: `missing_code`.
pub fn check_callback<'p>(
    params: &'p CallbackParams,
    transaction: Option<&Transaction>,
    client_key: &str,
    now: u64,
    issuer: IssuerCheck<'_>,
) -> Result<&'p Secret, AuthError> { todo!() }
