//! URL handling: `url::split`, `origin`, `endpoint_problem`/`check_endpoint`,
//! `is_loopback_host`, `with_query`, `strip_callback_params`.
//!
//! Invariants: no panic; an accepted endpoint is https, or http on a loopback host, without a
//! fragment; `origin` is lower-case and splits again to the same host; `with_query` appends
//! pairs that read back (before any fragment); stripping is idempotent.
#![no_main]
use libfuzzer_sys::fuzz_target;
use wasm_oauth::protocol::encoding::parse_query;
use wasm_oauth::protocol::url::{check_endpoint, endpoint_problem, is_loopback_host, origin, split, strip_callback_params, with_query};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let url: &str = &text;
    let parts = split(url);
    if let Some(p) = &parts {
        assert!(!p.host.is_empty());
        assert!(p.port.is_none_or(|port| !port.is_empty() && port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit())));
        let _ = is_loopback_host(p.host);
        let o = origin(url).expect("origin of a split URL");
        assert_eq!(o, o.to_ascii_lowercase());
        let op = split(&o).expect("an origin splits");
        assert_eq!(op.host, p.host.to_ascii_lowercase());
        assert!(op.query.is_none() && op.fragment.is_none() && op.path.is_empty());
    } else {
        assert!(origin(url).is_none());
    }
    match endpoint_problem(url) {
        None => {
            let p = parts.expect("an accepted endpoint splits");
            assert!(p.fragment.is_none());
            assert!(p.scheme.eq_ignore_ascii_case("https") || (p.scheme.eq_ignore_ascii_case("http") && is_loopback_host(p.host)));
            assert!(check_endpoint(url).is_ok());
        }
        Some(_) => assert_eq!(check_endpoint(url).unwrap_err().code, "invalid_config"),
    }
    let stripped = strip_callback_params(url);
    assert_eq!(strip_callback_params(&stripped), stripped);
    assert!(stripped.len() <= url.len());
    // with_query: the pairs come back, in order, at the end of the query.
    let half = text.len() / 2;
    let (k, v) = (text.get(..half).unwrap_or(""), text.get(half..).unwrap_or(""));
    let base = "https://app.example/cb?x=1#frag";
    let out = with_query(base, &[(k, v), ("state", "s")]);
    let query = out.split_once('?').and_then(|(_, r)| r.split_once('#')).map(|(q, _)| q).expect("query");
    let pairs = parse_query(query).expect("form-encoded");
    assert_eq!(pairs, vec![("x".into(), "1".into()), (k.into(), v.into()), ("state".into(), "s".into())]);
    assert!(out.ends_with("#frag"));
});
