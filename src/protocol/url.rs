//! Just enough URL handling for endpoints and callbacks: splitting, the https rule, appending
//! a query. Deliberately not the `url` crate (about 76 KiB of wasm).

/// The parts of an absolute URL that the protocol looks at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parts<'a> {
    /// Lower-cased by the caller's comparison only; as written here, without `:`.
    pub scheme: &'a str,
    /// Host without port; IPv6 keeps its brackets (`[::1]`).
    pub host: &'a str,
    pub port: Option<&'a str>,
    /// From the first `/` after the authority up to `?` or `#`; may be empty.
    pub path: &'a str,
    /// Without the `?`.
    pub query: Option<&'a str>,
    /// Without the `#`.
    pub fragment: Option<&'a str>,
}

/// Splits an absolute `scheme://authority/path?query#fragment` URL. `None` when there is no
/// scheme, no `//`, an empty host, userinfo (`user@`), whitespace or control characters.
pub fn split(url: &str) -> Option<Parts<'_>> { todo!() }

/// True for `localhost`, `127.0.0.0/8` and `[::1]` (case-insensitive).
pub fn is_loopback_host(host: &str) -> bool { todo!() }

/// Accepts an endpoint or issuer: absolute, `https:`, or `http:` on a loopback host, and no
/// fragment. Otherwise `invalid_config`.
pub fn check_endpoint(url: &str) -> Result<(), crate::protocol::AuthError> { todo!() }

/// `url` with `pairs` appended to its query (`?` or `&`), each form-encoded, before any fragment.
pub fn with_query(url: &str, pairs: &[(&str, &str)]) -> String { todo!() }

/// `url` without the callback parameters (`code`, `state`, `iss`, `error`, `error_description`,
/// also `session_state`) in its query and fragment; a query or fragment left empty is dropped.
/// For `history.replaceState` after a callback.
pub fn strip_callback_params(url: &str) -> String { todo!() }

/// The origin (`scheme://host[:port]`) of an absolute URL.
pub fn origin(url: &str) -> Option<String> { todo!() }
