//! The authorization response (RFC 6749 §4.1.2, §4.1.2.1, RFC 9207): parsing the callback URL
//! and checking it against the stored transaction, in the order API.md fixes:
//! state, then `iss`, then `error`, then `code`.

use crate::prelude::*;

use crate::protocol::encoding::form_decode;
use crate::protocol::error::{codes, is_code_word};
use crate::protocol::transaction::Transaction;
use crate::protocol::url;
use crate::protocol::{cut, pieces, AuthError, Secret};
use alloc::borrow::Cow;

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
///
/// Details: parameter names are compared after decoding; a segment whose name doesn't decode
/// is not one of ours and is ignored, but a response parameter whose value doesn't decode is
/// `invalid_request`. Empty `code`, `state`, `error` and `error_description` count as absent
/// (`iss` is kept as sent, so an empty one still fails the issuer check). In a fragment with a
/// `?` (hash routers: `#/callback?code=..`) the parameters are the part after the `?`.
pub fn parse_callback(url: &str) -> Result<CallbackParams, AuthError> {
    let parts = url::split(url).ok_or_else(|| invalid_request("the callback URL is not an absolute URL"))?;
    let query = parts.query.unwrap_or("");
    let source = if has_response_param(query) {
        query
    } else {
        match parts.fragment {
            Some(f) if has_response_param(url::split_fragment(f).1) => url::split_fragment(f).1,
            _ => query,
        }
    };
    let mut values: [Option<String>; 5] = Default::default();
    let mut duplicate_state = false;
    let mut duplicate_other = false;
    for segment in pieces(source, b'&') {
        let (raw_name, raw_value) = cut(segment, b'=');
        let raw_value = raw_value.unwrap_or("");
        let Some(name) = form_decode(raw_name) else { continue };
        let Some(index) = RESPONSE_PARAMS.iter().position(|p| *p == name) else { continue };
        let value = form_decode(raw_value).ok_or_else(|| invalid_request("the callback URL has invalid percent-encoding"))?;
        let Some(slot) = values.get_mut(index) else { continue };
        if slot.is_some() {
            if index == STATE {
                duplicate_state = true;
            } else {
                duplicate_other = true;
            }
        }
        *slot = Some(value);
    }
    if duplicate_state {
        return Err(AuthError::new(codes::STATE_MISMATCH, "the callback has more than one state"));
    }
    if duplicate_other {
        return Err(invalid_request("the callback has a response parameter more than once"));
    }
    let [code, state, error, error_description, iss] = values;
    let non_empty = |v: Option<String>| v.filter(|s| !s.is_empty());
    Ok(CallbackParams {
        code: non_empty(code).map(Secret::new),
        state: non_empty(state),
        error: non_empty(error),
        error_description: non_empty(error_description),
        iss,
    })
}

/// The authorization response parameters, in the order of [`CallbackParams`]'s fields.
const RESPONSE_PARAMS: [&str; 5] = ["code", "state", "error", "error_description", "iss"];
const STATE: usize = 1;

fn invalid_request(description: &'static str) -> AuthError {
    AuthError::new(codes::INVALID_REQUEST, description)
}

/// True when `params` has a `code`, `state` or `error` parameter.
fn has_response_param(params: &str) -> bool {
    pieces(params, b'&').any(|segment| {
        matches!(form_decode(cut(segment, b'=').0).as_deref(), Some("code" | "state" | "error"))
    })
}

/// What the issuer check needs.
#[derive(Clone, Copy, Debug, Default)]
pub struct IssuerCheck<'a> {
    /// The configured issuer; `None` skips the check.
    pub issuer: Option<&'a str>,
    /// Metadata said `authorization_response_iss_parameter_supported: true`.
    pub iss_required: bool,
}

/// Checks a callback against its transaction (already looked up by `state`; `None` when
/// unknown or reused) and returns the authorization code and the transaction.
/// 1. no `state`, no transaction, another client's transaction, or expired: `state_mismatch`;
/// 2. `iss` differs from the issuer, or is missing while required: `issuer_mismatch`;
/// 3. `error`: that code (if a code word, else `invalid_request`) with `error_description`;
/// 4. no `code`: `missing_code`.
pub fn check_callback<'p, 't>(
    params: &'p CallbackParams,
    transaction: Option<&'t Transaction>,
    client_key: &str,
    now: u64,
    issuer: IssuerCheck<'_>,
) -> Result<(&'p Secret, &'t Transaction), AuthError> {
    // 1. state, 2. iss (RFC 9207): one fixed (code, description) for the first check failed.
    let failure = match (params.state.as_deref(), transaction) {
        (None, _) => Some((codes::STATE_MISMATCH, "the callback has no state")),
        (Some(state), Some(t)) if t.state == state => {
            if t.client_key != client_key {
                Some((codes::STATE_MISMATCH, "the callback's state belongs to another client"))
            } else if t.is_expired(now) {
                Some((codes::STATE_MISMATCH, "the sign-in transaction has expired"))
            } else {
                match (issuer.issuer, params.iss.as_deref()) {
                    (Some(expected), Some(iss)) if iss != expected => {
                        Some((codes::ISSUER_MISMATCH, "the callback's iss is not the configured issuer"))
                    }
                    (Some(_), None) if issuer.iss_required => Some((
                        codes::ISSUER_MISMATCH,
                        "the callback has no iss although the issuer announces authorization_response_iss_parameter_supported",
                    )),
                    _ => None,
                }
            }
        }
        (Some(_), _) => Some((codes::STATE_MISMATCH, "the callback's state matches no pending sign-in")),
    };
    if let Some((code, description)) = failure {
        return Err(AuthError::new(code, description));
    }
    // 3. error
    if let Some(error) = params.error.as_deref() {
        let description = params.error_description.clone().map(Cow::Owned);
        return Err(if is_code_word(error) {
            AuthError { code: Cow::Owned(String::from(error)), description, status: None }
        } else {
            AuthError {
                code: Cow::Borrowed(codes::INVALID_REQUEST),
                description: Some(description.unwrap_or(Cow::Borrowed("the callback's error is not an error code"))),
                status: None,
            }
        });
    }
    // 4. code
    match (&params.code, transaction) {
        (Some(code), Some(transaction)) => Ok((code, transaction)),
        // (No transaction was refused above as state_mismatch.)
        _ => Err(AuthError::new(codes::MISSING_CODE, "the callback has neither code nor error")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::encoding::tests::Rng;
    use crate::protocol::transaction::tests::sample;
    use crate::protocol::transaction::TRANSACTION_TTL_SECS;

    const KEY: &str = "spa|https://auth.example.com/token";
    const STATE_VALUE: &str = "c3RhdGUtc3RhdGUtc3RhdGUtc3RhdGUtc3RhdGUtc3Q";
    const NOW: u64 = 1_700_000_100;
    const ISSUER: &str = "https://id.example.com";

    fn params(query: &str) -> CallbackParams {
        parse_callback(&["https://app.example.com/callback?", query].concat()).unwrap()
    }

    fn check(p: &CallbackParams, issuer: IssuerCheck<'_>) -> Result<String, AuthError> {
        let tx = sample();
        check_callback(p, Some(&tx), KEY, NOW, issuer).map(|(c, _)| c.expose().to_string())
    }

    fn with_issuer() -> IssuerCheck<'static> {
        IssuerCheck { issuer: Some(ISSUER), iss_required: false }
    }

    fn code_of(r: Result<String, AuthError>) -> String {
        r.unwrap_err().code.into_owned()
    }

    #[test]
    fn parses_query_parameters() {
        let p = params("code=SplxlOBeZQQYbYS6WxSbIA&state=xyz%2B1&iss=https%3A%2F%2Fid.example.com&other=1");
        assert_eq!(p.code.as_ref().map(Secret::expose), Some("SplxlOBeZQQYbYS6WxSbIA"));
        assert_eq!(p.state.as_deref(), Some("xyz+1"));
        assert_eq!(p.iss.as_deref(), Some(ISSUER));
        assert_eq!(p.error, None);
        let p = params("error=access_denied&error_description=The+user+said+no&state=s");
        assert_eq!(p.error.as_deref(), Some("access_denied"));
        assert_eq!(p.error_description.as_deref(), Some("The user said no"));
        assert!(p.code.is_none());
    }

    #[test]
    fn empty_values_are_absent() {
        let p = params("code=&state=&error=&error_description=&iss=");
        assert_eq!(p, CallbackParams { iss: Some(String::new()), ..CallbackParams::default() });
    }

    #[test]
    fn fragment_responses() {
        let p = parse_callback("https://app/cb#code=abc&state=s1").unwrap();
        assert_eq!(p.code.as_ref().map(Secret::expose), Some("abc"));
        assert_eq!(p.state.as_deref(), Some("s1"));
        // The query wins when it has response parameters.
        let p = parse_callback("https://app/cb?state=q#state=f&code=c").unwrap();
        assert_eq!(p.state.as_deref(), Some("q"));
        assert!(p.code.is_none());
        // A query without response parameters defers to the fragment.
        let p = parse_callback("https://app/cb?lang=en#error=access_denied&state=s2").unwrap();
        assert_eq!((p.error.as_deref(), p.state.as_deref()), (Some("access_denied"), Some("s2")));
        // Hash-router style.
        let p = parse_callback("https://app/#/callback?code=abc&state=s3").unwrap();
        assert_eq!((p.code.as_ref().map(Secret::expose), p.state.as_deref()), (Some("abc"), Some("s3")));
        // Neither.
        assert_eq!(parse_callback("https://app/cb#section").unwrap(), CallbackParams::default());
        assert_eq!(parse_callback("https://app/cb").unwrap(), CallbackParams::default());
    }

    #[test]
    fn duplicate_parameters() {
        let e = parse_callback("https://app/cb?code=a&state=s&state=t").unwrap_err();
        assert_eq!(e.code, codes::STATE_MISMATCH);
        let e = parse_callback("https://app/cb?code=a&code=b&state=s&state=t").unwrap_err();
        assert_eq!(e.code, codes::STATE_MISMATCH, "state is checked first");
        for q in ["code=a&code=b&state=s", "state=s&iss=a&iss=b", "state=s&error=x&error=y", "error_description=a&error_description=b&state=s",
            "code=a&%63ode=b&state=s"] {
            let e = parse_callback(&["https://app/cb?", q].concat()).unwrap_err();
            assert_eq!(e.code, codes::INVALID_REQUEST, "{q}");
        }
        // Duplicates of parameters that aren't ours are fine.
        assert!(parse_callback("https://app/cb?tab=1&tab=2&code=a&state=s").is_ok());
    }

    #[test]
    fn undecodable_and_unparseable() {
        let e = parse_callback("https://app/cb?code=%zz&state=s").unwrap_err();
        assert_eq!(e.code, codes::INVALID_REQUEST);
        let e = parse_callback("https://app/cb?state=%FF").unwrap_err();
        assert_eq!(e.code, codes::INVALID_REQUEST);
        assert!(parse_callback("https://app/cb?other=%zz&code=a&state=s").is_ok(), "unrelated junk is ignored");
        for bad in ["", "/callback?code=a&state=s", "not a url", "?code=a"] {
            assert_eq!(parse_callback(bad).unwrap_err().code, codes::INVALID_REQUEST, "{bad}");
        }
    }

    #[test]
    fn success_returns_the_code() {
        let p = params(&["code=the-code&state=", STATE_VALUE].concat());
        assert_eq!(check(&p, IssuerCheck::default()).unwrap(), "the-code");
        let p = params(&["code=the-code&state=", STATE_VALUE, "&iss=https%3A%2F%2Fid.example.com"].concat());
        assert_eq!(check(&p, with_issuer()).unwrap(), "the-code");
        // A missing iss is accepted unless required.
        let p = params(&["code=the-code&state=", STATE_VALUE].concat());
        assert_eq!(check(&p, with_issuer()).unwrap(), "the-code");
    }

    #[test]
    fn state_checks() {
        let p = params("code=c");
        assert_eq!(code_of(check(&p, IssuerCheck::default())), "state_mismatch");
        let p = params("code=c&state=unknown");
        assert_eq!(code_of(check(&p, IssuerCheck::default())), "state_mismatch");
        let p = params(&["code=c&state=", STATE_VALUE].concat());
        let e = check_callback(&p, None, KEY, NOW, IssuerCheck::default()).unwrap_err();
        assert_eq!(e.code, "state_mismatch");
        let e = check_callback(&p, Some(&sample()), "other|https://x", NOW, IssuerCheck::default()).unwrap_err();
        assert_eq!(e.code, "state_mismatch");
        let late = sample().created_at + TRANSACTION_TTL_SECS + 1;
        let e = check_callback(&p, Some(&sample()), KEY, late, IssuerCheck::default()).unwrap_err();
        assert_eq!((e.code.as_ref(), e.description.as_deref()), ("state_mismatch", Some("the sign-in transaction has expired")));
    }

    #[test]
    fn state_comes_before_iss_and_error() {
        let p = params("error=access_denied&iss=https%3A%2F%2Fevil&state=unknown");
        assert_eq!(code_of(check(&p, with_issuer())), "state_mismatch");
        let p = params("error=access_denied&iss=https%3A%2F%2Fevil");
        assert_eq!(code_of(check(&p, with_issuer())), "state_mismatch");
    }

    #[test]
    fn iss_checks_rfc9207() {
        let p = params(&["code=c&iss=https%3A%2F%2Fevil.example.com&state=", STATE_VALUE].concat());
        assert_eq!(code_of(check(&p, with_issuer())), "issuer_mismatch");
        // Exact comparison: a trailing slash differs.
        let p = params(&["code=c&iss=https%3A%2F%2Fid.example.com%2F&state=", STATE_VALUE].concat());
        assert_eq!(code_of(check(&p, with_issuer())), "issuer_mismatch");
        let p = params(&["code=c&iss=&state=", STATE_VALUE].concat());
        assert_eq!(code_of(check(&p, with_issuer())), "issuer_mismatch");
        // Required but missing.
        let p = params(&["code=c&state=", STATE_VALUE].concat());
        assert_eq!(code_of(check(&p, IssuerCheck { issuer: Some(ISSUER), iss_required: true })), "issuer_mismatch");
        // Without a configured issuer, iss isn't compared.
        let p = params(&["code=c&iss=https%3A%2F%2Fanything&state=", STATE_VALUE].concat());
        assert_eq!(check(&p, IssuerCheck::default()).unwrap(), "c");
    }

    #[test]
    fn iss_comes_before_error() {
        let p = params(&["error=access_denied&iss=https%3A%2F%2Fevil&state=", STATE_VALUE].concat());
        assert_eq!(code_of(check(&p, with_issuer())), "issuer_mismatch");
    }

    #[test]
    fn error_responses() {
        let p = params(&["error=access_denied&error_description=User+cancelled&state=", STATE_VALUE].concat());
        let e = check(&p, with_issuer()).unwrap_err();
        assert_eq!((e.code.as_ref(), e.description.as_deref(), e.status), ("access_denied", Some("User cancelled"), None));
        let p = params(&["error=login_required&state=", STATE_VALUE].concat());
        let e = check(&p, IssuerCheck::default()).unwrap_err();
        assert_eq!((e.code.as_ref(), e.description.as_deref()), ("login_required", None));
        let p = params(&["error=%3Cscript%3E&state=", STATE_VALUE].concat());
        let e = check(&p, IssuerCheck::default()).unwrap_err();
        assert_eq!((e.code.as_ref(), e.description.as_deref()), ("invalid_request", Some("the callback's error is not an error code")));
        // An error wins over a code sent alongside it.
        let p = params(&["code=c&error=server_error&state=", STATE_VALUE].concat());
        assert_eq!(code_of(check(&p, IssuerCheck::default())), "server_error");
    }

    #[test]
    fn missing_code() {
        let p = params(&["state=", STATE_VALUE].concat());
        let e = check(&p, with_issuer()).unwrap_err();
        assert_eq!(e.code, codes::MISSING_CODE);
    }

    #[test]
    fn codes_never_appear_in_errors() {
        let p = params(&["code=SECRET-CODE&state=", STATE_VALUE, "&iss=https%3A%2F%2Fevil"].concat());
        let e = check(&p, with_issuer()).unwrap_err();
        assert!(!format!("{e:?}").contains("SECRET"));
        assert!(!format!("{p:?}").contains("SECRET"));
    }

    #[test]
    fn random_urls_never_panic() {
        let mut rng = Rng(4242);
        let alphabet = ["https://a/cb", "?", "#", "&", "=", "code", "state", "error", "iss", "%", "%2", "%41", "+", "x", "/", "é"];
        let tx = sample();
        for _ in 0..20_000 {
            let s = rng.string_from(&alphabet, 12);
            if let Ok(p) = parse_callback(&s) {
                let _ = check_callback(&p, Some(&tx), KEY, NOW, with_issuer());
                let _ = check_callback(&p, None, KEY, NOW, IssuerCheck { issuer: Some(ISSUER), iss_required: true });
            }
        }
    }
}
