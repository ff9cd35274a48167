//! Token-endpoint answers: `token::parse_token_response` with an arbitrary status and body.
//!
//! Input: 2 bytes of status (a common status or any u16), 4 bytes of clock, then the body.
//! Invariants: no panic; a success only for 2xx, with a non-empty access token, an expiry not
//! above 2^53 - 1, and a stored record that decodes back to the same `TokenSet`; a 2xx failure
//! is `invalid_response` with a fixed description; a non-2xx failure keeps the status and has a
//! code word; no error shows the access or refresh token unless it is the server's own text.
#![no_main]
use libfuzzer_sys::fuzz_target;
use wasm_oauth::protocol::json::{self, Value, MAX_SAFE_INTEGER};
use wasm_oauth::protocol::token::{parse_token_response, TokenSet};
use wasm_oauth_fuzz::{assert_no_secret, checkable, is_code_word, le};

const STATUSES: [u16; 16] = [200, 201, 204, 299, 300, 302, 400, 401, 403, 404, 429, 500, 502, 503, 199, 0];

fuzz_target!(|data: &[u8]| {
    if data.len() < 6 {
        return;
    }
    let status = if data[0] & 0x80 == 0 { STATUSES[(data[0] & 15) as usize] } else { le(&data[..2]) as u16 };
    let now = 1_600_000_000 + le(&data[2..6]);
    let body = String::from_utf8_lossy(&data[6..]);
    let parsed = json::parse(&body);
    let member = |k: &str| parsed.as_ref().and_then(|v| v.get(k)).and_then(Value::as_str).map(str::to_owned);
    match parse_token_response(status, &body, now) {
        Ok(t) => {
            assert!((200..300).contains(&status));
            assert!(!t.access_token.expose().is_empty());
            assert_eq!(Some(t.access_token.expose().to_owned()), member("access_token"));
            assert!(t.expires_at.is_none_or(|e| e <= MAX_SAFE_INTEGER));
            assert!(!t.token_type.is_empty());
            assert_eq!(TokenSet::decode(&t.encode()).as_ref(), Some(&t), "stored record round trip");
            let debug = format!("{t:?}");
            for secret in [Some(t.access_token.expose()), t.refresh_token.as_ref().map(|s| s.expose())].into_iter().flatten() {
                if checkable(secret) && !t.token_type.contains(secret) && !t.scope.as_deref().unwrap_or("").contains(secret) {
                    assert!(!debug.contains(secret), "a token in Debug output");
                }
            }
            let _ = t.is_fresh(now, 60);
            let _ = t.clone().carry_over(&t);
        }
        Err(e) => {
            assert!(is_code_word(&e.code), "not a code word: {:?}", e.code);
            assert_eq!(e.status, Some(status));
            if (200..300).contains(&status) {
                assert_eq!(e.code, "invalid_response");
                let d = e.description.as_deref().unwrap_or("");
                assert!(d.starts_with("the token response"), "not a fixed description: {d:?}");
            }
            for k in ["access_token", "refresh_token", "id_token"] {
                if let Some(secret) = member(k) {
                    // Passed-through server text is exempt (API.md: "the server's text as sent").
                    let d = e.description.as_deref();
                    let from_server = d.is_some() && ["error_description", "message", "error"].iter().any(|k| member(k).as_deref() == d);
                    assert_no_secret(&e, &secret, if from_server { d } else { None });
                }
            }
        }
    }
});
