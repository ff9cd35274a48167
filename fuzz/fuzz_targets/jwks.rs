//! The opt-in signature check's pure part: `jwks::header`, `parse_jwks`, `select`,
//! `signing_input`, `prepare`.
//!
//! Input: first byte picks the split; the rest is a token and a JWK Set document (separated at
//! the first NUL, or the test vectors' JWKS when there is none). Invariants: no panic; failures
//! are `id_token_invalid` (token, key choice) or `invalid_response` (the document) with fixed
//! descriptions; a prepared check names RS256/PS256/ES256, carries a public JWK only (no `d`,
//! `p`, `q`, `k`...), the token's signing input, and a signature of the algorithm's length.
#![no_main]
use libfuzzer_sys::fuzz_target;
use wasm_oauth::protocol::json::{self, Value};
use wasm_oauth::protocol::jwks::{header, parse_jwks, prepare, select, Alg};
use wasm_oauth_fuzz::checkable;

const VECTOR_JWKS: &str = include_str!("../../src/protocol/jwks_vectors/jwks.json");

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (token, jwks) = match text.split_once('\0') {
        Some((t, j)) => (t.to_string(), j.to_string()),
        None => (text.to_string(), VECTOR_JWKS.to_string()),
    };
    let h = header(&token);
    if let Ok(keys) = parse_jwks(&jwks) {
        for k in &keys {
            assert!(k.kty == "RSA" || k.kty == "EC");
        }
        if let Ok(h) = &h {
            if let Ok(k) = select(&keys, h) {
                assert_eq!(k.kty, h.alg.kty());
                if let Some(kid) = &h.kid {
                    assert_eq!(k.kid.as_ref(), Some(kid));
                }
            }
        }
    }
    match prepare(&token, &jwks) {
        Ok(p) => {
            assert!(matches!(p.alg, Alg::RS256 | Alg::PS256 | Alg::ES256));
            let jwk = json::parse(&p.jwk_json).expect("the JWK is JSON");
            for private in ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] {
                assert!(jwk.get(private).is_none(), "private member {private} in the imported JWK");
            }
            assert_eq!(jwk.get("kty").and_then(Value::as_str), Some(p.alg.kty()));
            assert!(token.starts_with(&p.signing_input));
            assert_eq!(p.signing_input.matches('.').count(), 1);
            if p.alg == Alg::ES256 {
                assert_eq!(p.signature.len(), 64);
            } else {
                assert!(p.signature.len() >= 256);
            }
        }
        Err(e) => {
            assert!(e.code == "id_token_invalid" || e.code == "invalid_response", "{:?}", e.code);
            let d = e.description.as_deref().unwrap_or("");
            assert!(d.starts_with("the "), "{d:?}");
            if checkable(&token) {
                assert!(!d.contains(&token), "the token in an error description");
            }
        }
    }
});
