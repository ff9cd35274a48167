//! Callback URLs: `callback::parse_callback` + `check_callback`, and `url::strip_callback_params`.
//!
//! Input: a URL (used as is when it starts with `http`, else appended to
//! `https://app.example/cb?`). Invariants: no panic; the state check comes first (no state or
//! no transaction: `state_mismatch`), then `iss`, then `error`, then `code`; a success returns
//! the URL's code; neither the code nor the transaction's verifier appears in an error or in
//! the parameters' `Debug`; stripping is idempotent and leaves no response parameter.
#![no_main]
use libfuzzer_sys::fuzz_target;
use wasm_oauth::protocol::callback::{check_callback, parse_callback, CallbackParams, IssuerCheck};
use wasm_oauth::protocol::transaction::{Transaction, TRANSACTION_TTL_SECS};
use wasm_oauth::protocol::url::strip_callback_params;
use wasm_oauth::protocol::Secret;
use wasm_oauth_fuzz::{assert_no_secret, checkable, is_code_word};

const KEY: &str = "spa|https://id.example.com";
const ISSUER: &str = "https://id.example.com";
const VERIFIER: &str = "VERIFIER-dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1g";
const CREATED: u64 = 1_700_000_000;

fuzz_target!(|data: &[u8]| {
    let Some((&knobs, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest);
    let url = if text.starts_with("http") { text.into_owned() } else { ["https://app.example/cb?", &text].concat() };

    // Stripping: idempotent, and nothing a callback reads is left.
    let stripped = strip_callback_params(&url);
    assert_eq!(strip_callback_params(&stripped), stripped, "strip is not idempotent");
    if let Ok(p) = parse_callback(&stripped) {
        assert_eq!(p, CallbackParams::default(), "response parameters survive stripping: {stripped:?}");
    }

    let Ok(params) = parse_callback(&url) else { return };
    let code = params.code.as_ref().map(|c| c.expose().to_owned()).unwrap_or_default();
    // Debug never shows the code (unless another field holds the same text).
    let without_code = format!("{:?}", CallbackParams { code: None, ..params.clone() });
    if checkable(&code) && !without_code.contains(&code) {
        assert!(!format!("{params:?}").contains(&code), "the code in Debug output");
    }

    // A transaction matching the state (when there is one), so the later checks are reached.
    let matches = knobs & 1 == 0;
    let transaction = params.state.clone().filter(|_| matches).map(|state| Transaction {
        client_key: KEY.into(),
        state,
        verifier: Secret::new(VERIFIER),
        nonce: None,
        redirect_uri: "https://app.example/cb".into(),
        app_state: None,
        created_at: CREATED,
    });
    let issuer = IssuerCheck { issuer: (knobs & 2 == 0).then_some(ISSUER), iss_required: knobs & 4 == 0 };
    let now = if knobs & 8 == 0 { CREATED + 10 } else { CREATED + TRANSACTION_TTL_SECS + 1 };
    let result = check_callback(&params, transaction.as_ref(), KEY, now, issuer);
    match result {
        Ok((c, _)) => {
            assert_eq!(c.expose(), code);
            assert!(transaction.is_some() && params.error.is_none() && now - CREATED <= TRANSACTION_TTL_SECS);
            if let Some(expected) = issuer.issuer {
                match params.iss.as_deref() {
                    Some(iss) => assert_eq!(iss, expected),
                    None => assert!(!issuer.iss_required),
                }
            }
        }
        Err(e) => {
            assert!(is_code_word(&e.code), "not a code word: {:?}", e.code);
            assert_eq!(e.status, None);
            assert_no_secret(&e, VERIFIER, None);
            assert_no_secret(&e, &code, params.error_description.as_deref());
            let state_ok = transaction.is_some() && now - CREATED <= TRANSACTION_TTL_SECS;
            if !state_ok {
                assert_eq!(e.code, "state_mismatch", "the state check comes first");
            } else if e.code == "state_mismatch" {
                panic!("state_mismatch for a matching, fresh transaction");
            }
            let iss_ok = match (issuer.issuer, params.iss.as_deref()) {
                (None, _) => true,
                (Some(expected), Some(iss)) => iss == expected,
                (Some(_), None) => !issuer.iss_required,
            };
            if state_ok && !iss_ok {
                assert_eq!(e.code, "issuer_mismatch", "iss is checked before error and code");
            }
            if state_ok && iss_ok {
                match params.error.as_deref() {
                    Some(err) if is_code_word(err) => assert_eq!(e.code, err),
                    Some(_) => assert_eq!(e.code, "invalid_request"),
                    None => assert_eq!(e.code, "missing_code"),
                }
            }
        }
    }
});
