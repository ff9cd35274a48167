//! Browser tests for the opt-in ID token signature check (src/protocol/jwks.rs +
//! src/web/verify.rs): RS256, PS256 and ES256 tokens against their JWK Set through WebCrypto,
//! and the refusals (tampered payload or signature, a key that is not the signer's).
#![cfg(all(target_arch = "wasm32", feature = "id-token-signature"))]

use wasm_bindgen_test::*;
use wasm_oauth::protocol::encoding::{base64url_decode, base64url_encode};
use wasm_oauth::protocol::jwks::prepare;
use wasm_oauth::web::verify::verify;

wasm_bindgen_test_configure!(run_in_browser);

const JWKS: &str = include_str!("../src/protocol/jwks_vectors/jwks.json");
const RS256: &str = include_str!("../src/protocol/jwks_vectors/rs256.jwt");
const PS256: &str = include_str!("../src/protocol/jwks_vectors/ps256.jwt");
const ES256: &str = include_str!("../src/protocol/jwks_vectors/es256.jwt");

async fn check(token: &str, jwks: &str) -> Result<(), String> {
    let prepared = prepare(token.trim(), jwks).map_err(|e| format!("prepare: {}", e.description.unwrap_or_default()))?;
    verify(&prepared).await.map_err(|e| format!("{}: {}", e.code, e.description.unwrap_or_default()))
}

#[wasm_bindgen_test]
async fn genuine_tokens_verify() {
    for (name, token) in [("RS256", RS256), ("PS256", PS256), ("ES256", ES256)] {
        assert_eq!(check(token, JWKS).await, Ok(()), "{name}");
    }
}

/// The token with its payload replaced (signature kept).
fn with_payload(token: &str, payload: &str) -> String {
    let mut parts = token.trim().split('.');
    let (h, _, s) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
    [h, ".", &base64url_encode(payload.as_bytes()), ".", s].concat()
}

/// The token with one signature bit flipped.
fn with_flipped_signature(token: &str) -> String {
    let (input, sig) = token.trim().rsplit_once('.').unwrap();
    let mut bytes = base64url_decode(sig).unwrap();
    bytes[10] ^= 1;
    [input, ".", &base64url_encode(&bytes)].concat()
}

#[wasm_bindgen_test]
async fn tampered_tokens_are_refused() {
    let evil = r#"{"iss":"https://id.example.com","sub":"admin","aud":"spa","exp":1700003600,"iat":1700000000,"nonce":"n-1"}"#;
    for (name, token) in [("RS256", RS256), ("PS256", PS256), ("ES256", ES256)] {
        let want = Err("id_token_invalid: the ID token's signature does not verify with the issuer's key".to_string());
        assert_eq!(check(&with_payload(token, evil), JWKS).await, want, "{name}: payload");
        assert_eq!(check(&with_flipped_signature(token), JWKS).await, want, "{name}: signature");
    }
}

#[wasm_bindgen_test]
async fn a_key_that_did_not_sign_is_refused() {
    // The JWKS entry for the RS256 token's kid holds the PS256 key's modulus.
    let keys: Vec<&str> = JWKS.split("\"n\":\"").collect();
    let n_of = |i: usize| keys[i].split('"').next().unwrap().to_string();
    let (rs_n, ps_n) = (n_of(1), n_of(2));
    let swapped = JWKS.replacen(&rs_n, &ps_n, 1);
    assert_ne!(swapped, JWKS);
    let got = check(RS256, &swapped).await;
    assert_eq!(got, Err("id_token_invalid: the ID token's signature does not verify with the issuer's key".to_string()));
}
