//! DPoP proofs (RFC 9449) as plain values: the JWT header and payload, the `ath` hash, the
//! JWK thumbprint (RFC 7638) for `dpop_jkt`, and recognising a `use_dpop_nonce` answer.
//! Signing happens in the browser adapter with a non-extractable WebCrypto key.

use crate::prelude::*;

use crate::protocol::encoding::base64url_encode;
use crate::protocol::concat;
use crate::protocol::json::{self, ObjectWriter};
use crate::protocol::sha256;

/// The public half of a P-256 key, as WebCrypto exports it (`kty: EC, crv: P-256`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicJwk {
    /// base64url x coordinate.
    pub x: String,
    /// base64url y coordinate.
    pub y: String,
}

impl PublicJwk {
    /// The JWK as JSON, members in RFC 7638's lexicographic order (so it doubles as the
    /// thumbprint input).
    pub fn to_json(&self) -> String {
        let mut w = ObjectWriter::new();
        w.string("crv", "P-256").string("kty", "EC").string("x", &self.x).string("y", &self.y);
        w.finish()
    }

    /// RFC 7638 thumbprint: base64url(SHA-256(canonical JWK)), sent as `dpop_jkt`.
    pub fn thumbprint(&self) -> String {
        base64url_encode(&sha256::digest(self.to_json().as_bytes()))
    }
}

/// What one proof asserts.
#[derive(Clone, Copy, Debug)]
pub struct ProofClaims<'a> {
    /// HTTP method, e.g. `POST`.
    pub htm: &'a str,
    /// Target URI; query and fragment are removed here (RFC 9449 §4.2).
    pub htu: &'a str,
    /// Unix seconds.
    pub iat: u64,
    /// A fresh random identifier.
    pub jti: &'a str,
    /// The server's last `DPoP-Nonce`, when it sent one.
    pub nonce: Option<&'a str>,
    /// For resource requests: the access token the proof is bound to (`ath`).
    pub access_token: Option<&'a str>,
}

/// `htu`: the URI without query and fragment.
pub fn htu(url: &str) -> &str {
    // `split`, not `&url[..i]`: slicing by index links core's panic formatting.
    url.split(['?', '#']).next().unwrap_or(url)
}

/// `ath`: base64url(SHA-256(access token)).
pub fn ath(access_token: &str) -> String {
    base64url_encode(&sha256::digest(access_token.as_bytes()))
}

/// The JWS signing input `base64url(header).base64url(payload)` for an ES256 proof.
pub fn signing_input(jwk: &PublicJwk, claims: &ProofClaims<'_>) -> String {
    let mut header = ObjectWriter::new();
    header.string("typ", "dpop+jwt").string("alg", "ES256").raw("jwk", &jwk.to_json());
    let mut payload = ObjectWriter::new();
    payload.string("jti", claims.jti).string("htm", claims.htm).string("htu", htu(claims.htu)).integer("iat", claims.iat as i64);
    if let Some(nonce) = claims.nonce {
        payload.string("nonce", nonce);
    }
    if let Some(token) = claims.access_token {
        payload.string("ath", &ath(token));
    }
    concat(&[&base64url_encode(header.finish().as_bytes()), ".", &base64url_encode(payload.finish().as_bytes())])
}

/// The compact proof: signing input plus the raw 64-byte `r||s` ECDSA signature WebCrypto gives.
pub fn proof(signing_input: &str, signature: &[u8]) -> String {
    concat(&[signing_input, ".", &base64url_encode(signature)])
}

/// True for an answer asking to retry with the nonce it sent (`use_dpop_nonce`, RFC 9449 §8).
pub fn is_use_dpop_nonce(status: u16, body: &str) -> bool {
    (status == 400 || status == 401)
        && json::parse(body).is_some_and(|v| v.get("error").and_then(|e| e.as_str()) == Some("use_dpop_nonce"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::encoding::base64url_decode;
    use sha2::{Digest, Sha256};

    fn jwk() -> PublicJwk {
        // RFC 7638 has no EC vector; these coordinates come from a WebCrypto P-256 export.
        PublicJwk { x: "gI0GAILBdu7T53akrFmMyGcsF3n5dO7MmwNBHKW5SV0".into(), y: "SLW_xSffzlPWrHEVI30DHM_4egVwt3NQqeUD7nMFpps".into() }
    }

    #[test]
    fn jwk_members_are_in_thumbprint_order() {
        assert_eq!(
            jwk().to_json(),
            r#"{"crv":"P-256","kty":"EC","x":"gI0GAILBdu7T53akrFmMyGcsF3n5dO7MmwNBHKW5SV0","y":"SLW_xSffzlPWrHEVI30DHM_4egVwt3NQqeUD7nMFpps"}"#
        );
        let thumb = jwk().thumbprint();
        assert_eq!(thumb.len(), 43);
        assert_eq!(base64url_decode(&thumb).unwrap(), Sha256::digest(jwk().to_json().as_bytes()).to_vec());
    }

    #[test]
    fn proof_header_and_payload_carry_the_claims() {
        let claims = ProofClaims { htm: "POST", htu: "https://as.example/token?x=1#f", iat: 1_700_000_000, jti: "j1", nonce: Some("n-1"), access_token: None };
        let input = signing_input(&jwk(), &claims);
        let (h, p) = input.split_once('.').unwrap();
        let header = json::parse(&String::from_utf8(base64url_decode(h).unwrap()).unwrap()).unwrap();
        assert_eq!(header.get("typ").and_then(|v| v.as_str()), Some("dpop+jwt"));
        assert_eq!(header.get("alg").and_then(|v| v.as_str()), Some("ES256"));
        assert_eq!(header.get("jwk").and_then(|j| j.get("x")).and_then(|v| v.as_str()), Some(jwk().x.as_str()));
        let payload = json::parse(&String::from_utf8(base64url_decode(p).unwrap()).unwrap()).unwrap();
        assert_eq!(payload.get("htu").and_then(|v| v.as_str()), Some("https://as.example/token"));
        assert_eq!(payload.get("htm").and_then(|v| v.as_str()), Some("POST"));
        assert_eq!(payload.get("iat").and_then(|v| v.as_f64()), Some(1_700_000_000.0));
        assert_eq!(payload.get("nonce").and_then(|v| v.as_str()), Some("n-1"));
        assert!(payload.get("ath").is_none());
        assert_eq!(proof(&input, &[0u8; 64]).split('.').count(), 3);
    }

    #[test]
    fn ath_is_the_sha256_of_the_token() {
        // SHA-256("abc") in base64url.
        assert_eq!(ath("abc"), "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
        let claims = ProofClaims { htm: "GET", htu: "https://api.example/me", iat: 1, jti: "j", nonce: None, access_token: Some("abc") };
        let input = signing_input(&jwk(), &claims);
        let payload = String::from_utf8(base64url_decode(input.split('.').nth(1).unwrap()).unwrap()).unwrap();
        assert!(payload.contains("\"ath\":\"ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0\""), "{payload}");
    }

    #[test]
    fn recognises_use_dpop_nonce_only() {
        assert!(is_use_dpop_nonce(400, r#"{"error":"use_dpop_nonce","error_description":"x"}"#));
        assert!(is_use_dpop_nonce(401, r#"{"error":"use_dpop_nonce"}"#));
        assert!(!is_use_dpop_nonce(400, r#"{"error":"invalid_grant"}"#));
        assert!(!is_use_dpop_nonce(500, r#"{"error":"use_dpop_nonce"}"#));
        assert!(!is_use_dpop_nonce(400, "<html>"));
    }
}
