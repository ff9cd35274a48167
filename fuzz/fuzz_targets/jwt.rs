//! JWTs: `jwt::decode_claims`, `jwt::expiry`, `jwt::check_id_token`.
//!
//! Input: first byte picks the mode and the check; then either a whole token, or a claims JSON
//! text that is wrapped into `header.payload.signature` (so the claim checks are reached).
//! Invariants: no panic; a failure is `id_token_invalid` with a fixed description that never
//! contains the token; a success means the claims decode, `aud` holds the client id, `iss` is
//! the issuer when one is configured, the nonce matches, `exp` is after now - leeway.
#![no_main]
use libfuzzer_sys::fuzz_target;
use wasm_oauth::protocol::encoding::base64url_encode;
use wasm_oauth::protocol::json::Value;
use wasm_oauth::protocol::jwt::{check_id_token, decode_claims, expiry, IdTokenCheck};
use wasm_oauth_fuzz::assert_no_secret;

const NOW: u64 = 1_700_000_000;
const PREVIOUS: &str = r#"{"iss":"https://id.example.com","sub":"user-1","aud":"spa"}"#;

fuzz_target!(|data: &[u8]| {
    let Some((&knobs, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest);
    let token = if knobs & 1 == 0 {
        text.into_owned()
    } else {
        ["eyJhbGciOiJSUzI1NiJ9.", &base64url_encode(text.as_bytes()), ".c2ln"].concat()
    };
    let claims = decode_claims(&token);
    let exp = expiry(&token);
    if exp.is_some() {
        assert!(claims.is_some());
    }
    let previous = wasm_oauth::protocol::json::parse(PREVIOUS);
    let check = IdTokenCheck {
        issuer: (knobs & 2 == 0).then_some("https://id.example.com"),
        client_id: "spa",
        nonce: (knobs & 4 == 0).then_some("n-1"),
        now: NOW,
        leeway: if knobs & 8 == 0 { 300 } else { 0 },
        previous: if knobs & 16 == 0 { None } else { previous.as_ref() },
    };
    match check_id_token(&token, &check) {
        Ok(c) => {
            assert_eq!(Some(&c), claims.as_ref());
            if let Some(iss) = check.issuer {
                assert_eq!(c.get("iss").and_then(Value::as_str), Some(iss));
            }
            match c.get("aud") {
                Some(Value::String(a)) => assert_eq!(a, "spa"),
                Some(Value::Array(items)) => assert!(items.iter().any(|i| i.as_str() == Some("spa"))),
                other => panic!("accepted aud {other:?}"),
            }
            if let Some(n) = check.nonce {
                assert_eq!(c.get("nonce").and_then(Value::as_str), Some(n));
            }
            let exp = c.get("exp").and_then(Value::as_f64).expect("exp");
            assert!(exp > (NOW - check.leeway) as f64);
        }
        Err(e) => {
            assert_eq!(e.code, "id_token_invalid");
            assert!(e.description.as_deref().unwrap_or("").starts_with("the "));
            assert_no_secret(&e, &token, None);
        }
    }
});
