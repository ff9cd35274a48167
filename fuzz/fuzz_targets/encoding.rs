//! Encodings: base64url, form encoding, query parsing, PKCE.
//!
//! Invariants: no panic; decode(encode(x)) == x for base64url (with and without padding) and
//! form encoding; form encoding only emits the unreserved set and `%XX`; a PKCE challenge is
//! 43 base64url characters.
#![no_main]
use libfuzzer_sys::fuzz_target;
use wasm_oauth::protocol::encoding::{base64url_decode, base64url_encode, form_decode, form_encode, parse_query};
use wasm_oauth::protocol::pkce::Verifier;
use wasm_oauth::protocol::Secret;

fuzz_target!(|data: &[u8]| {
    let enc = base64url_encode(data);
    assert!(enc.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    assert_eq!(base64url_decode(&enc).as_deref(), Some(data));
    let mut padded = enc.clone();
    while padded.len() % 4 != 0 {
        padded.push('=');
    }
    assert_eq!(base64url_decode(&padded).as_deref(), Some(data));

    let text = String::from_utf8_lossy(data);
    if let Some(bytes) = base64url_decode(&text) {
        // Canonical re-encoding decodes to the same bytes.
        assert_eq!(base64url_decode(&base64url_encode(&bytes)), Some(bytes));
    }
    let f = form_encode(&text);
    assert!(f.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)));
    assert_eq!(form_decode(&f).as_deref(), Some(&*text));
    let _ = form_decode(&text);
    let _ = parse_query(&text);
    let challenge = Verifier::from_stored(Secret::new(text.as_ref())).challenge();
    assert_eq!(challenge.len(), 43);
});
