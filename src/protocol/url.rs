//! Just enough URL handling for endpoints and callbacks: splitting, the https rule, appending
//! a query. Deliberately not the `url` crate (about 76 KiB of wasm).
//!
//! The splitting is strict where a browser is lenient: a backslash or `@` in the authority,
//! percent-encoding or a trailing dot in a host, or a short IPv4 form (`127.1`) are not
//! normalised; such a URL is either refused or not taken for a loopback host. A host that is
//! not recognised as loopback only means `http:` is refused, so the strictness fails safe.

use crate::prelude::*;

use crate::protocol::encoding;
use crate::protocol::{after_last, cut, has_any, pieces, AuthError};

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
///
/// Also `None` for a backslash in the authority (browsers read it as `/`), a port that is not
/// 1 to 5 digits, and a bracketed host that is not followed by the end of the authority or `:`.
pub fn split(url: &str) -> Option<Parts<'_>> {
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    // The scheme ends at the first ':' (it can't contain one).
    let (scheme, rest) = cut(url, b':');
    let rest = rest?.strip_prefix("//")?;
    let mut scheme_chars = scheme.bytes();
    if !scheme_chars.next()?.is_ascii_alphabetic()
        || !scheme_chars.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
    {
        return None;
    }
    let (before_fragment, fragment) = cut(rest, b'#');
    let (before_query, query) = cut(before_fragment, b'?');
    let (authority, path) = match cut(before_query, b'/') {
        (authority, Some(_)) => before_query.split_at_checked(authority.len())?,
        (authority, None) => (authority, ""),
    };
    if has_any(authority, b"@\\") {
        return None;
    }
    let (host, port) = if authority.starts_with("[") {
        let (inside, after) = cut(authority, b']');
        let after = after?;
        let host = authority.get(..inside.len() + 1)?;
        if host.len() < 3 || has_any(inside.get(1..)?, b"[]") {
            return None;
        }
        match after {
            "" => (host, None),
            _ => (host, Some(after.strip_prefix(":")?)),
        }
    } else {
        cut(authority, b':')
    };
    if host.is_empty() || (has_any(host, b"[]") && !host.starts_with("[")) {
        return None;
    }
    if let Some(p) = port {
        if p.is_empty() || p.len() > 5 || !all_digits(p) {
            return None;
        }
    }
    Some(Parts { scheme, host, port, path, query, fragment })
}

/// One decimal IPv4 octet, written the strict way (no leading zero, which browsers read as
/// octal, no sign).
fn octet(s: &str) -> Option<u8> {
    let b = s.as_bytes();
    if s.is_empty() || s.len() > 3 || !all_digits(s) || (s.len() > 1 && b[0] == b'0') {
        return None;
    }
    let mut v: u16 = 0;
    let mut i = 0;
    while i < b.len() {
        v = v * 10 + (b[i] - b'0') as u16;
        i += 1;
    }
    u8::try_from(v).ok()
}

/// True when every byte of `s` is an ASCII digit (true for "").
fn all_digits(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            return false;
        }
        i += 1;
    }
    true
}

/// True for `localhost`, `127.0.0.0/8` and `[::1]` (case-insensitive).
///
/// `127.0.0.0/8` means exactly four strict decimal octets, the first `127`
/// (`127.0.0.1.nip.io`, `127.1` and `0177.0.0.1` are not loopback here).
pub fn is_loopback_host(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") || host == "[::1]" {
        return true;
    }
    let mut parts = pieces(host, b'.');
    let mut count = 0;
    let mut first = None;
    for p in parts.by_ref() {
        let Some(o) = octet(p) else { return false };
        if count == 0 {
            first = Some(o);
        }
        count += 1;
        if count > 4 {
            return false;
        }
    }
    count == 4 && first == Some(127)
}

/// Why a URL is not acceptable as an endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndpointProblem {
    /// Not an absolute URL, or it has a fragment.
    Malformed,
    /// Neither `https:` nor `http:` on a loopback host.
    Insecure,
}

/// The rule of [`check_endpoint`], with the reason, so a caller can name the key at fault.
pub fn endpoint_problem(url: &str) -> Option<EndpointProblem> {
    let Some(parts) = split(url) else { return Some(EndpointProblem::Malformed) };
    if parts.fragment.is_some() {
        return Some(EndpointProblem::Malformed);
    }
    if parts.scheme.eq_ignore_ascii_case("https") {
        return None;
    }
    if parts.scheme.eq_ignore_ascii_case("http") && is_loopback_host(parts.host) {
        return None;
    }
    Some(EndpointProblem::Insecure)
}

/// Accepts an endpoint or issuer: absolute, `https:`, or `http:` on a loopback host, and no
/// fragment. Otherwise `invalid_config`.
pub fn check_endpoint(url: &str) -> Result<(), crate::protocol::AuthError> {
    match endpoint_problem(url) {
        None => Ok(()),
        Some(EndpointProblem::Malformed) => Err(AuthError::config("an endpoint is not an absolute URL without a fragment")),
        Some(EndpointProblem::Insecure) => Err(AuthError::config("an endpoint must use https (or http on a loopback host)")),
    }
}

/// `url` with `pairs` appended to its query (`?` or `&`), each form-encoded, before any fragment.
pub fn with_query(url: &str, pairs: &[(&str, &str)]) -> String {
    let (mut out, fragment) = params_start(url);
    for (k, v) in pairs {
        push_param(&mut out, k, v);
    }
    params_end(out, fragment)
}

/// The first half of appending parameters to a URL (two plain functions, not one generic over
/// a closure, which is compiled once per caller): `url` without its fragment, to append
/// parameters to with [`push_param`], and the fragment.
pub fn params_start(url: &str) -> (String, Option<&str>) {
    let (base, fragment) = cut(url, b'#');
    let mut out = String::with_capacity(url.len() + 256);
    out.push_str(base);
    (out, fragment)
}

/// The second half: the fragment put back.
pub fn params_end(mut out: String, fragment: Option<&str>) -> String {
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

/// Appends `key=value`, both form-encoded, to a URL without fragment: after `?` when it has no
/// query yet, after `&` when its query does not already end in `?` or `&`.
pub fn push_param(out: &mut String, key: &str, value: &str) {
    if !has_any(out, b"?") {
        out.push('?');
    } else if !matches!(out.as_bytes().last(), Some(b'?' | b'&')) {
        out.push('&');
    }
    encoding::push_form_encoded(out, key);
    out.push('=');
    encoding::push_form_encoded(out, value);
}

/// The parameters a callback URL carries and [`strip_callback_params`] removes.
pub const CALLBACK_PARAMS: [&str; 6] = ["code", "state", "iss", "error", "error_description", "session_state"];

/// The query-like part of a fragment: after a `?` when what precedes it is a route
/// (`#/route?code=..`, as hash routers write it), else all of it. A "route" with `=` or `&`
/// is parameters itself (`#code=x?state=y`): splitting there would let stripping leave it in
/// the address bar and a reload parse it.
pub(crate) fn split_fragment(fragment: &str) -> (&str, &str) {
    // `get`, not `&fragment[..i]`: index slicing links core's panic formatting (kilobytes).
    match cut(fragment, b'?') {
        (route, Some(params)) if !has_any(route, b"=&") => (fragment.get(..=route.len()).unwrap_or(""), params),
        _ => ("", fragment),
    }
}

/// Appends the `&`-separated segments of `params` whose decoded name is not a callback
/// parameter. A name counts from after its last `?`: `x?code=..` goes too, since a later
/// reading may split the fragment at that `?` and see `code`.
fn push_without_callback_params(out: &mut String, params: &str) {
    let mut first = true;
    for segment in pieces(params, b'&') {
        if segment.is_empty() {
            continue;
        }
        let raw_name = cut(segment, b'=').0;
        let name = encoding::form_decode(raw_name);
        let name = after_last(name.as_deref().unwrap_or(raw_name), b'?');
        if CALLBACK_PARAMS.contains(&name) {
            continue;
        }
        if !first {
            out.push('&');
        }
        first = false;
        out.push_str(segment);
    }
}

/// `url` without the callback parameters (`code`, `state`, `iss`, `error`, `error_description`,
/// also `session_state`) in its query and fragment; a query or fragment left empty is dropped.
/// For `history.replaceState` after a callback.
///
/// Other parameters are kept byte for byte, in order. In a fragment with a `?` (hash routers:
/// `#/callback?code=..`) only the part after the `?` is treated as parameters.
pub fn strip_callback_params(url: &str) -> String {
    // A fragment can read differently once something is removed from it (a `?` may then split
    // off a route), so strip until nothing changes. Each pass only removes characters; the
    // bound keeps hostile input linear.
    let mut current = strip_once(url);
    for _ in 0..8 {
        let next = strip_once(&current);
        if next == current {
            break;
        }
        current = next;
    }
    current
}

fn strip_once(url: &str) -> String {
    let (before_fragment, fragment) = cut(url, b'#');
    let (base, query) = cut(before_fragment, b'?');
    let mut out = String::with_capacity(url.len());
    out.push_str(base);
    if let Some(q) = query {
        let mut kept = String::new();
        push_without_callback_params(&mut kept, q);
        if !kept.is_empty() {
            out.push('?');
            out.push_str(&kept);
        }
    }
    if let Some(f) = fragment {
        let (route, params) = split_fragment(f);
        let mut kept = String::from(route);
        push_without_callback_params(&mut kept, params);
        // `#/route?` left without parameters becomes `#/route` (only where the part before the
        // `?`s is a route, so a second pass reads the result the same way).
        let mut trimmed = kept.as_str();
        while let Some(t) = trimmed.strip_suffix("?") {
            trimmed = t;
        }
        let fragment = if has_any(trimmed, b"=&") { &kept } else { trimmed };
        if !fragment.is_empty() {
            out.push('#');
            out.push_str(fragment);
        }
    }
    out
}

/// The origin (`scheme://host[:port]`) of an absolute URL.
///
/// Scheme and host are lower-cased and the default port (80 for http, 443 for https) is left
/// out, as a browser's `location.origin` does.
pub fn origin(url: &str) -> Option<String> {
    let p = split(url)?;
    let mut out = String::with_capacity(url.len());
    out.push_str(&p.scheme.to_ascii_lowercase());
    out.push_str("://");
    out.push_str(&p.host.to_ascii_lowercase());
    if let Some(port) = p.port {
        let default = (p.scheme.eq_ignore_ascii_case("http") && port == "80")
            || (p.scheme.eq_ignore_ascii_case("https") && port == "443");
        if !default {
            out.push(':');
            out.push_str(port);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::encoding::tests::Rng;
    use crate::protocol::error::codes;

    #[test]
    fn split_full_url() {
        let p = split("https://auth.example.com:8443/oauth/token?x=1&y=2#frag").unwrap();
        assert_eq!(p, Parts {
            scheme: "https",
            host: "auth.example.com",
            port: Some("8443"),
            path: "/oauth/token",
            query: Some("x=1&y=2"),
            fragment: Some("frag"),
        });
    }

    #[test]
    fn split_minimal_and_ipv6() {
        let p = split("HTTP://Example.COM").unwrap();
        assert_eq!((p.scheme, p.host, p.port, p.path, p.query, p.fragment), ("HTTP", "Example.COM", None, "", None, None));
        let p = split("http://[::1]:3000/cb").unwrap();
        assert_eq!((p.host, p.port, p.path), ("[::1]", Some("3000"), "/cb"));
        let p = split("http://[::1]").unwrap();
        assert_eq!((p.host, p.port), ("[::1]", None));
        let p = split("https://h?q#").unwrap();
        assert_eq!((p.path, p.query, p.fragment), ("", Some("q"), Some("")));
        let p = split("https://h/a?b?c#d#e").unwrap();
        assert_eq!((p.path, p.query, p.fragment), ("/a", Some("b?c"), Some("d#e")));
    }

    #[test]
    fn split_rejects() {
        for bad in [
            "", "example.com", "/path", "https:/x", "https//x", "://x", "1http://x", "ht tp://x",
            "https://", "https:///path", "https://:443/", "https://user@host/", "https://user:pw@host/",
            "https://host:/", "https://host:abc/", "https://host:123456/", "https://ho st/", "https://host/a b",
            "https://host/\n", "https://host\t/", "https://[::1", "https://[::1]x/", "https://[]/",
            "https://good.com\\@evil.com/", "https://a]b/", "https://host:1:2/",
        ] {
            assert_eq!(split(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn loopback_hosts() {
        for yes in ["localhost", "LOCALHOST", "LocalHost", "127.0.0.1", "127.255.255.254", "127.0.0.0", "[::1]"] {
            assert!(is_loopback_host(yes), "{yes}");
        }
        for no in [
            "localhost.evil.com", "evil-localhost", "127.0.0.1.nip.io", "127.1", "127.0.1", "127.0.0.1.1",
            "128.0.0.1", "0177.0.0.1", "127.0.0.01", "127.0.0.256", "127.0.0.", "127..0.1", "[::2]",
            "[0:0:0:0:0:0:0:2]", "example.com", "", "localhost.", "10.0.0.1", "+127.0.0.1", "127.0.0.1 ",
        ] {
            assert!(!is_loopback_host(no), "{no}");
        }
    }

    #[test]
    fn endpoint_rules() {
        for ok in [
            "https://auth.example.com/token",
            "HTTPS://AUTH.EXAMPLE.COM/token",
            "https://auth.example.com",
            "https://auth.example.com/authorize?tenant=x",
            "http://localhost/token",
            "http://localhost:8080/token",
            "HTTP://LOCALHOST:8080/token",
            "http://127.0.0.1:3000/token",
            "http://127.9.9.9/token",
            "http://[::1]:3000/token",
        ] {
            assert_eq!(check_endpoint(ok), Ok(()), "{ok}");
        }
        for insecure in [
            "http://auth.example.com/token",
            "http://localhost.evil.com/token",
            "http://127.0.0.1.nip.io/token",
            "http://127.1/token",
            "http://10.0.0.1/token",
            "ftp://localhost/token",
            "javascript://localhost/token",
        ] {
            assert_eq!(endpoint_problem(insecure), Some(EndpointProblem::Insecure), "{insecure}");
            let e = check_endpoint(insecure).unwrap_err();
            assert_eq!(e.code, codes::INVALID_CONFIG);
        }
        for malformed in ["", "auth.example.com/token", "https://auth.example.com/token#x", "https://a@b/", "/token"] {
            assert_eq!(endpoint_problem(malformed), Some(EndpointProblem::Malformed), "{malformed}");
            assert_eq!(check_endpoint(malformed).unwrap_err().code, codes::INVALID_CONFIG);
        }
    }

    #[test]
    fn with_query_appends_encoded_pairs() {
        assert_eq!(with_query("https://h/a", &[("x", "1")]), "https://h/a?x=1");
        assert_eq!(with_query("https://h/a?t=1", &[("x", "1")]), "https://h/a?t=1&x=1");
        assert_eq!(with_query("https://h/a?", &[("x", "1")]), "https://h/a?x=1");
        assert_eq!(with_query("https://h/a?t=1&", &[("x", "1")]), "https://h/a?t=1&x=1");
        assert_eq!(with_query("https://h/a#f", &[("x", "1"), ("y", "2")]), "https://h/a?x=1&y=2#f");
        assert_eq!(with_query("https://h/a", &[]), "https://h/a");
        assert_eq!(
            with_query("https://h/a", &[("scope", "openid profile"), ("q", "a&b=c"), ("u", "é"), ("r", "https://x/y?z")]),
            "https://h/a?scope=openid%20profile&q=a%26b%3Dc&u=%C3%A9&r=https%3A%2F%2Fx%2Fy%3Fz"
        );
    }

    #[test]
    fn strip_callback_params_query() {
        assert_eq!(strip_callback_params("https://app/cb?code=abc&state=xyz"), "https://app/cb");
        assert_eq!(strip_callback_params("https://app/cb?a=1&code=abc&state=xyz&b=2"), "https://app/cb?a=1&b=2");
        assert_eq!(
            strip_callback_params("https://app/cb?error=access_denied&error_description=no+way&iss=https%3A%2F%2Fi&session_state=s"),
            "https://app/cb"
        );
        assert_eq!(strip_callback_params("https://app/cb?%63ode=abc&keep=%zz"), "https://app/cb?keep=%zz");
        assert_eq!(strip_callback_params("https://app/cb?codes=1&xstate=2"), "https://app/cb?codes=1&xstate=2");
        assert_eq!(strip_callback_params("https://app/cb"), "https://app/cb");
        assert_eq!(strip_callback_params("https://app/cb?"), "https://app/cb");
    }

    #[test]
    fn strip_callback_params_fragment() {
        assert_eq!(strip_callback_params("https://app/cb#code=abc&state=xyz"), "https://app/cb");
        assert_eq!(strip_callback_params("https://app/cb?x=1#code=abc&state=xyz&y=2"), "https://app/cb?x=1#y=2");
        assert_eq!(strip_callback_params("https://app/#/callback?code=abc&state=xyz"), "https://app/#/callback");
        assert_eq!(strip_callback_params("https://app/#/callback?code=abc&tab=2"), "https://app/#/callback?tab=2");
        assert_eq!(strip_callback_params("https://app/#section"), "https://app/#section");
        assert_eq!(strip_callback_params("https://app/#"), "https://app/");
    }

    #[test]
    fn origins() {
        assert_eq!(origin("https://app.example.com/cb?x#y").as_deref(), Some("https://app.example.com"));
        assert_eq!(origin("HTTPS://App.Example.com:443/").as_deref(), Some("https://app.example.com"));
        assert_eq!(origin("http://localhost:80/").as_deref(), Some("http://localhost"));
        assert_eq!(origin("http://localhost:3000/").as_deref(), Some("http://localhost:3000"));
        assert_eq!(origin("https://h:80/").as_deref(), Some("https://h:80"));
        assert_eq!(origin("http://[::1]:8080/x").as_deref(), Some("http://[::1]:8080"));
        assert_eq!(origin("not a url"), None);
    }

    #[test]
    fn random_input_never_panics() {
        let mut rng = Rng(99);
        let alphabet = ["h", "t", "p", "s", ":", "/", "//", "?", "#", "&", "=", "@", "[", "]", ":", "1", "é",
            "\\", ".", "code", "state", "%", "%2", " ", "localhost", "127"];
        for _ in 0..20_000 {
            let s = rng.string_from(&alphabet, 14);
            let _ = split(&s);
            let _ = is_loopback_host(&s);
            let _ = check_endpoint(&s);
            let _ = with_query(&s, &[("a", "b")]);
            let _ = strip_callback_params(&s);
            let _ = origin(&s);
        }
    }
}
