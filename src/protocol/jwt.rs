//! JWT payload decoding (no signature check here) and ID token claim validation
//! (OpenID Connect Core §3.1.3.7, §12.2).
//!
//! The signature is not verified: the ID token comes straight from the token endpoint over
//! TLS (OIDC Core §3.1.3.7 item 6 allows this for the code flow), and the claims are checked.

use crate::prelude::*;

use crate::protocol::encoding::base64url_decode;
use crate::protocol::error::codes;
use crate::protocol::json::{self, Value, MAX_SAFE_INTEGER};
use crate::protocol::AuthError;

/// The decoded payload of a compact JWS (`header.payload.signature`) when it is a JSON object;
/// `None` otherwise (not three parts, bad base64url, not JSON, not an object).
pub fn decode_claims(jwt: &str) -> Option<Value> {
    json::parse(&payload_text(jwt)?).filter(|v| v.as_object().is_some())
}

/// The payload of a compact JWS as its JSON text, when [`decode_claims`] reads it (so a JSON
/// object). With a repeated claim name, `JSON.parse` of this text keeps the last member, as
/// [`Value::get`] (and so every check here) does.
pub fn decode_payload(jwt: &str) -> Option<String> {
    // (Decoded twice here, on `getUser`'s cold path, so that the hot [`decode_claims`] parses once.)
    decode_claims(jwt)?;
    payload_text(jwt)
}

/// The payload part of `header.payload.signature` (exactly two dots), base64url-decoded, when
/// it is UTF-8.
fn payload_text(jwt: &str) -> Option<String> {
    let (payload, signature) = crate::protocol::cut(crate::protocol::cut(jwt, b'.').1?, b'.');
    if crate::protocol::has_any(signature?, b".") {
        return None;
    }
    crate::protocol::utf8(base64url_decode(payload)?)
}

/// A NumericDate claim (RFC 7519 §2): a finite number >= 0, in whole seconds (a fraction is
/// dropped), capped at 2^53 - 1.
fn numeric_date(v: &Value) -> Option<u64> {
    let n = v.as_f64()?;
    if !n.is_finite() || n < 0.0 {
        return None;
    }
    Some((n as u64).min(MAX_SAFE_INTEGER))
}

/// The `exp` claim of a JWT, for access tokens sent without `expires_in`.
pub fn expiry(jwt: &str) -> Option<u64> {
    numeric_date(decode_claims(jwt)?.get("exp")?)
}

/// What an ID token must match.
#[derive(Clone, Copy, Debug)]
pub struct IdTokenCheck<'a> {
    /// `iss` must equal it when set.
    pub issuer: Option<&'a str>,
    /// `aud` (string or array) must contain it; with several audiences `azp` must be present and
    /// equal it; a present `azp` must equal it.
    pub client_id: &'a str,
    /// The transaction's nonce: the claim must equal it. `None` (refresh): a `nonce` claim, if
    /// any, is not checked.
    pub nonce: Option<&'a str>,
    /// Unix seconds; `exp` must be after `now - leeway`, `iat` a number not after `now + leeway`.
    pub now: u64,
    pub leeway: u64,
    /// After a refresh: the previous ID token's claims; `iss`, `sub` and `aud` must be unchanged.
    pub previous: Option<&'a Value>,
}

fn invalid(description: &'static str) -> AuthError {
    AuthError::new(codes::ID_TOKEN_INVALID, description)
}

/// Validates an ID token's claims; any failure is `id_token_invalid` with a fixed description
/// naming the claim. Returns the claims.
///
/// Checked in this order: decodable, `iss`, `aud`, `azp`, `exp` (required), `iat` (required),
/// `nonce`, then the refresh rules against `previous`.
pub fn check_id_token(id_token: &str, check: &IdTokenCheck<'_>) -> Result<Value, AuthError> {
    let checked = match decode_claims(id_token) {
        Some(claims) => check_claims(&claims, check).map(|()| claims),
        None => Err("the ID token is not a decodable JWT"),
    };
    checked.map_err(invalid)
}

/// [`check_id_token`]'s rules on decoded claims; the error is the description. (One
/// `AuthError` built in one place: less code than one per rule.)
fn check_claims(claims: &Value, check: &IdTokenCheck<'_>) -> Result<(), &'static str> {
    if let Some(issuer) = check.issuer {
        if claims.get("iss").and_then(Value::as_str) != Some(issuer) {
            return Err("the ID token's iss is not the configured issuer");
        }
    }
    // (A loop rather than collecting the audiences: less code.)
    let (audiences, contains) = match claims.get("aud") {
        Some(Value::String(a)) => (1, a == check.client_id),
        Some(Value::Array(items)) => {
            let mut contains = false;
            for item in items {
                let Some(a) = item.as_str() else {
                    return Err("the ID token's aud is not a string or an array of strings");
                };
                contains |= a == check.client_id;
            }
            (items.len(), contains)
        }
        _ => return Err("the ID token has no aud"),
    };
    if !contains {
        return Err("the ID token's aud does not contain the clientId");
    }
    match claims.get("azp") {
        None if audiences > 1 => return Err("the ID token has several audiences and no azp"),
        None => {}
        Some(azp) if azp.as_str() == Some(check.client_id) => {}
        Some(_) => return Err("the ID token's azp is not the clientId"),
    }
    let exp = claims.get("exp").and_then(numeric_date).ok_or("the ID token has no numeric exp")?;
    if exp <= check.now.saturating_sub(check.leeway) {
        return Err("the ID token has expired (exp)");
    }
    let iat = claims.get("iat").and_then(numeric_date).ok_or("the ID token has no numeric iat")?;
    if iat > check.now.saturating_add(check.leeway) {
        return Err("the ID token was issued in the future (iat)");
    }
    if let Some(nonce) = check.nonce {
        if claims.get("nonce").and_then(Value::as_str) != Some(nonce) {
            return Err("the ID token's nonce does not match the sign-in");
        }
    }
    if let Some(previous) = check.previous {
        // (Parsed values have no NaN, so `PartialEq` is equality of JSON values.)
        let differs = |key: &str| claims.get(key) != previous.get(key);
        if differs("iss") {
            return Err("the refreshed ID token's iss differs from the previous one");
        }
        if differs("sub") {
            return Err("the refreshed ID token's sub differs from the previous one");
        }
        if differs("aud") {
            return Err("the refreshed ID token's aud differs from the previous one");
        }
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::protocol::encoding::base64url_encode;
    use crate::protocol::encoding::tests::Rng;

    /// An unsigned compact JWS with `payload` as its claims.
    pub(crate) fn jwt(payload: &str) -> String {
        [
            base64url_encode(br#"{"alg":"RS256","typ":"JWT"}"#).as_str(),
            ".",
            base64url_encode(payload.as_bytes()).as_str(),
            ".",
            "c2lnbmF0dXJl",
        ]
        .concat()
    }

    const NOW: u64 = 1_700_000_000;

    fn check(nonce: Option<&'static str>) -> IdTokenCheck<'static> {
        IdTokenCheck { issuer: Some("https://id.example.com"), client_id: "spa", nonce, now: NOW, leeway: 300, previous: None }
    }

    fn claims(extra: &str) -> String {
        let base = r#"{"iss":"https://id.example.com","sub":"user-1","aud":"spa","exp":1700003600,"iat":1700000000,"nonce":"n-1""#;
        [base, extra, "}"].concat()
    }

    fn fails(token: &str, c: &IdTokenCheck<'_>, description: &str) {
        let e = check_id_token(token, c).unwrap_err();
        assert_eq!(e.code, codes::ID_TOKEN_INVALID);
        assert_eq!(e.description.as_deref(), Some(description));
        assert!(!e.description.as_deref().unwrap_or("").contains(token));
    }

    #[test]
    fn decode_claims_shapes() {
        let t = jwt(r#"{"sub":"a","exp":5}"#);
        let c = decode_claims(&t).unwrap();
        assert_eq!(c.get("sub").and_then(Value::as_str), Some("a"));
        // Padding in the payload and an empty signature (alg none) are accepted.
        let padded = ["e30", ".", "eyJhIjoxfQ==", "."].concat();
        assert_eq!(decode_claims(&padded).unwrap().get("a").and_then(Value::as_f64), Some(1.0));
        for bad in ["", "a", "a.b", "a.b.c.d", "x.@@@.y", "x..y", ".e30", ".W10.", ".Im5vIg.", ".bnVsbA.", ".gA."] {
            assert_eq!(decode_claims(bad), None, "{bad}");
        }
        assert_eq!(decode_claims(".e30."), Some(Value::Object(vec![])));
        assert_eq!(decode_payload(".e30.").as_deref(), Some("{}"));
        assert_eq!(decode_payload(&padded).as_deref(), Some(r#"{"a":1}"#));
        for bad in ["", "a.b.c.d", ".W10.", ".Im5vIg.", ".e30"] {
            assert_eq!(decode_payload(bad), None, "{bad}");
        }
    }

    #[test]
    fn expiry_claim() {
        assert_eq!(expiry(&jwt(r#"{"exp":1700003600}"#)), Some(1_700_003_600));
        assert_eq!(expiry(&jwt(r#"{"exp":1700003600.75}"#)), Some(1_700_003_600));
        assert_eq!(expiry(&jwt(r#"{"exp":"1700003600"}"#)), None);
        assert_eq!(expiry(&jwt(r#"{"exp":-5}"#)), None);
        assert_eq!(expiry(&jwt(r#"{"exp":1e400}"#)), None);
        assert_eq!(expiry(&jwt(r#"{"exp":1e300}"#)), Some(MAX_SAFE_INTEGER));
        assert_eq!(expiry(&jwt(r#"{"sub":"x"}"#)), None);
        assert_eq!(expiry("opaque-access-token"), None);
    }

    #[test]
    fn valid_id_token() {
        let t = jwt(&claims(""));
        let c = check_id_token(&t, &check(Some("n-1"))).unwrap();
        assert_eq!(c.get("sub").and_then(Value::as_str), Some("user-1"));
        // Without a configured issuer, iss is not compared.
        let no_issuer = IdTokenCheck { issuer: None, ..check(Some("n-1")) };
        assert!(check_id_token(&jwt(&claims("").replace("https://id.example.com", "https://other")), &no_issuer).is_ok());
    }

    #[test]
    fn undecodable() {
        fails("not-a-jwt", &check(None), "the ID token is not a decodable JWT");
    }

    #[test]
    fn iss_claim() {
        fails(&jwt(&claims("").replace("https://id.example.com", "https://evil.example.com")), &check(None),
            "the ID token's iss is not the configured issuer");
        fails(&jwt(&claims("").replace("https://id.example.com", "https://id.example.com/")), &check(None),
            "the ID token's iss is not the configured issuer");
        fails(&jwt(r#"{"aud":"spa","exp":1700003600,"iat":1700000000}"#), &check(None),
            "the ID token's iss is not the configured issuer");
    }

    #[test]
    fn repeated_claim_names_last_wins() {
        // RFC 7519 §4: reject, or use the lexically last member, as JSON.parse does (getUser
        // returns the payload text): the checked claim is the one the app will read.
        let evil_last = claims("").replace('{', r#"{"iss":"https://id.example.com","#).replace(r#""iss":"https://id.example.com","sub""#, r#""iss":"https://evil","sub""#);
        fails(&jwt(&evil_last), &check(None), "the ID token's iss is not the configured issuer");
        assert!(check_id_token(&jwt(&claims("").replace('{', r#"{"iss":"https://evil","#)), &check(None)).is_ok());
        fails(&jwt(&claims(r#","nonce":"n-2""#)), &check(Some("n-1")), "the ID token's nonce does not match the sign-in");
        fails(&jwt(&claims(r#","aud":"other""#)), &check(None), "the ID token's aud does not contain the clientId");
        let payload = claims(r#","sub":"user-2""#);
        assert_eq!(decode_payload(&jwt(&payload)).as_deref(), Some(payload.as_str()));
        assert_eq!(check_id_token(&jwt(&payload), &check(None)).unwrap().get("sub").and_then(Value::as_str), Some("user-2"));
    }

    #[test]
    fn aud_and_azp_claims() {
        fails(&jwt(&claims("").replace(r#""aud":"spa""#, r#""aud":"other""#)), &check(None),
            "the ID token's aud does not contain the clientId");
        fails(&jwt(&claims("").replace(r#""aud":"spa","#, "")), &check(None), "the ID token has no aud");
        fails(&jwt(&claims("").replace(r#""aud":"spa""#, r#""aud":5"#)), &check(None), "the ID token has no aud");
        fails(&jwt(&claims("").replace(r#""aud":"spa""#, r#""aud":["spa",5]"#)), &check(None),
            "the ID token's aud is not a string or an array of strings");
        // One audience in an array: fine without azp.
        assert!(check_id_token(&jwt(&claims("").replace(r#""aud":"spa""#, r#""aud":["spa"]"#)), &check(None)).is_ok());
        // Several audiences need azp = client_id.
        let multi = claims("").replace(r#""aud":"spa""#, r#""aud":["spa","api"]"#);
        fails(&jwt(&multi), &check(None), "the ID token has several audiences and no azp");
        assert!(check_id_token(&jwt(&multi.replace('}', r#","azp":"spa"}"#)), &check(None)).is_ok());
        fails(&jwt(&multi.replace('}', r#","azp":"api"}"#)), &check(None), "the ID token's azp is not the clientId");
        fails(&jwt(&claims(r#","azp":"other""#)), &check(None), "the ID token's azp is not the clientId");
        fails(&jwt(&claims(r#","azp":null"#)), &check(None), "the ID token's azp is not the clientId");
    }

    #[test]
    fn exp_claim_with_leeway() {
        let with_exp = |exp: &str| jwt(&claims("").replace("1700003600", exp));
        // exp must be after now - leeway (300 s).
        fails(&with_exp("1699999700"), &check(None), "the ID token has expired (exp)");
        assert!(check_id_token(&with_exp("1699999701"), &check(None)).is_ok());
        fails(&with_exp("\"1700003600\""), &check(None), "the ID token has no numeric exp");
        fails(&jwt(&claims("").replace(r#""exp":1700003600,"#, "")), &check(None), "the ID token has no numeric exp");
        let strict = IdTokenCheck { leeway: 0, ..check(None) };
        fails(&with_exp("1700000000"), &strict, "the ID token has expired (exp)");
    }

    #[test]
    fn iat_claim_with_leeway() {
        let with_iat = |iat: &str| jwt(&claims("").replace(r#""iat":1700000000"#, &["\"iat\":", iat].concat()));
        assert!(check_id_token(&with_iat("1700000300"), &check(None)).is_ok());
        fails(&with_iat("1700000301"), &check(None), "the ID token was issued in the future (iat)");
        fails(&with_iat("null"), &check(None), "the ID token has no numeric iat");
        fails(&jwt(&claims("").replace(r#","iat":1700000000"#, "")), &check(None), "the ID token has no numeric iat");
    }

    #[test]
    fn nonce_claim() {
        fails(&jwt(&claims("")), &check(Some("n-2")), "the ID token's nonce does not match the sign-in");
        fails(&jwt(&claims("").replace(r#","nonce":"n-1""#, "")), &check(Some("n-1")),
            "the ID token's nonce does not match the sign-in");
        // On refresh (no expected nonce) the claim isn't checked.
        assert!(check_id_token(&jwt(&claims("")), &check(None)).is_ok());
    }

    #[test]
    fn refresh_keeps_iss_sub_aud() {
        let previous = decode_claims(&jwt(&claims(""))).unwrap();
        let refreshed = IdTokenCheck { previous: Some(&previous), ..check(None) };
        let newer = claims("").replace(r#""iat":1700000000"#, r#""iat":1700000100"#).replace(r#","nonce":"n-1""#, "");
        assert!(check_id_token(&jwt(&newer), &refreshed).is_ok());
        fails(&jwt(&claims("").replace("user-1", "user-2")), &refreshed, "the refreshed ID token's sub differs from the previous one");
        let multi = claims(r#","azp":"spa""#).replace(r#""aud":"spa""#, r#""aud":["spa","api"]"#);
        fails(&jwt(&multi), &refreshed, "the refreshed ID token's aud differs from the previous one");
        let no_issuer_check = IdTokenCheck { issuer: None, ..refreshed };
        fails(&jwt(&claims("").replace("https://id.example.com", "https://b")), &no_issuer_check,
            "the refreshed ID token's iss differs from the previous one");
    }

    #[test]
    fn random_tokens_never_panic() {
        let mut rng = Rng(2024);
        let alphabet = ["e", "y", "J", ".", "-", "_", "=", "A", "9", "fQ", "eyJ", "e30"];
        for _ in 0..10_000 {
            let s = rng.string_from(&alphabet, 20);
            let _ = decode_claims(&s);
            let _ = expiry(&s);
            let _ = check_id_token(&s, &check(Some("n")));
            let raw = rng.bytes(30);
            let payload = base64url_encode(&raw);
            let _ = check_id_token(&[".", payload.as_str(), "."].concat(), &check(None));
        }
    }
}
