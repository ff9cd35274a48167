//! The opt-in ID token signature check, pure part: the JOSE header, a JWK Set (RFC 7517), the
//! choice of key, and everything WebCrypto needs (`crate::web::verify` makes the two calls).
//!
//! Supported: RS256 (RSASSA-PKCS1-v1_5 with SHA-256), PS256 (RSASSA-PSS with SHA-256, salt 32)
//! and ES256 (ECDSA P-256 with SHA-256; the JWS signature is already the raw `r || s` that
//! WebCrypto expects, RFC 7518 §3.4). Everything else, `none` and HMAC included, is refused:
//! a public client has no key to check a MAC with, and an algorithm named by the token must
//! never pick the check (RFC 8725 §3.1).
//!
//! Key choice (OIDC Core §10.1, RFC 7517 §4): only public keys of the algorithm's `kty` (and
//! `crv` P-256 for ES256), whose `use` is absent or `sig`, whose `key_ops` is absent or has
//! `verify`, whose `alg` is absent or the token's. With a `kid` in the header the key's `kid`
//! must equal it; without one, exactly one key may qualify. A key that carries private members
//! (`d`, `p`, `q`, ...) is ignored: it is never imported, a JWKS must not publish one. RSA
//! moduli below 2048 bits are refused (RFC 7518 §3.3).

use crate::prelude::*;

use crate::protocol::encoding::base64url_decode;
use crate::protocol::error::codes;
use crate::protocol::json::{self, ObjectWriter, Value};
use crate::protocol::AuthError;

/// The signature algorithms the check accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Alg {
    RS256,
    PS256,
    ES256,
}

impl Alg {
    fn from_name(name: &str) -> Option<Alg> {
        match name {
            "RS256" => Some(Alg::RS256),
            "PS256" => Some(Alg::PS256),
            "ES256" => Some(Alg::ES256),
            _ => None,
        }
    }

    /// The JOSE name.
    pub fn name(self) -> &'static str {
        match self {
            Alg::RS256 => "RS256",
            Alg::PS256 => "PS256",
            Alg::ES256 => "ES256",
        }
    }

    /// The JWK key type the algorithm needs.
    pub fn kty(self) -> &'static str {
        match self {
            Alg::RS256 | Alg::PS256 => "RSA",
            Alg::ES256 => "EC",
        }
    }

    /// `crypto.subtle.importKey` algorithm members.
    pub fn import_params(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Alg::RS256 => &[("name", "RSASSA-PKCS1-v1_5"), ("hash", "SHA-256")],
            Alg::PS256 => &[("name", "RSA-PSS"), ("hash", "SHA-256")],
            Alg::ES256 => &[("name", "ECDSA"), ("namedCurve", "P-256")],
        }
    }

    /// `crypto.subtle.verify` algorithm: its string members, and PSS's `saltLength` (32: the
    /// hash length, RFC 7518 §3.5).
    pub fn verify_params(self) -> (&'static [(&'static str, &'static str)], Option<u32>) {
        match self {
            Alg::RS256 => (&[("name", "RSASSA-PKCS1-v1_5")], None),
            Alg::PS256 => (&[("name", "RSA-PSS")], Some(32)),
            Alg::ES256 => (&[("name", "ECDSA"), ("hash", "SHA-256")], None),
        }
    }
}

/// The protected header members the check reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JoseHeader {
    pub alg: Alg,
    pub kid: Option<String>,
}

/// One usable public key from a JWK Set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Jwk {
    pub kty: String,
    pub kid: Option<String>,
    pub alg: Option<String>,
    /// RSA modulus and exponent, base64url (RSA keys).
    pub n: Option<String>,
    pub e: Option<String>,
    /// Curve and coordinates, base64url (EC keys).
    pub crv: Option<String>,
    pub x: Option<String>,
    pub y: Option<String>,
    use_sig: bool,
    verify_allowed: bool,
}

/// What WebCrypto needs to check one token: `web::verify::verify` (wasm32 only) imports `jwk_json`
/// with `alg`'s parameters and verifies `signature` over `signing_input`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prepared {
    pub alg: Alg,
    /// The public key as a JWK JSON text holding public members only.
    pub jwk_json: String,
    /// `BASE64URL(header) "." BASE64URL(payload)`, as sent (ASCII).
    pub signing_input: String,
    pub signature: Vec<u8>,
}

fn invalid(description: &'static str) -> AuthError {
    AuthError::new(codes::ID_TOKEN_INVALID, description)
}

/// The string members [`parse_key`] reads; a key where one has another type is skipped.
const STRING_MEMBERS: [&str; 9] = ["kty", "use", "kid", "alg", "n", "e", "crv", "x", "y"];

/// Members that only a private (or symmetric) key has.
const PRIVATE_MEMBERS: [&str; 8] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/// Reads the protected header of a compact JWS. `id_token_invalid` when it is not a
/// base64url JSON object, when `alg` is not RS256/PS256/ES256, or when it has `crit` (no
/// extension is understood here, RFC 7515 §4.1.11).
pub fn header(jwt: &str) -> Result<JoseHeader, AuthError> {
    let encoded = jwt.split('.').next().unwrap_or("");
    let bytes = base64url_decode(encoded).ok_or_else(|| invalid("the ID token's header is not base64url"))?;
    let text = crate::protocol::utf8(bytes).ok_or_else(|| invalid("the ID token's header is not UTF-8"))?;
    let v = json::parse(&text).filter(|v| v.as_object().is_some()).ok_or_else(|| invalid("the ID token's header is not a JSON object"))?;
    let alg = v.get("alg").and_then(Value::as_str).and_then(Alg::from_name)
        .ok_or_else(|| invalid("the ID token's alg is not RS256, PS256 or ES256"))?;
    if v.get("crit").is_some() {
        return Err(invalid("the ID token's header has crit extensions"));
    }
    let kid = match v.get("kid") {
        None => None,
        Some(Value::String(k)) => Some(k.clone()),
        Some(_) => return Err(invalid("the ID token's kid is not a string")),
    };
    Ok(JoseHeader { alg, kid })
}

/// Parses a JWK Set document. `invalid_response` unless it is a JSON object with a `keys`
/// array; keys that are malformed, private, or of another type are skipped.
pub fn parse_jwks(body: &str) -> Result<Vec<Jwk>, AuthError> {
    let v = json::parse(body).ok_or_else(|| AuthError::response("the issuer's JWKS is not JSON"))?;
    let keys = v.get("keys").and_then(Value::as_array).ok_or_else(|| AuthError::response("the issuer's JWKS has no keys array"))?;
    Ok(keys.iter().filter_map(parse_key).collect())
}

fn parse_key(v: &Value) -> Option<Jwk> {
    v.as_object()?;
    if PRIVATE_MEMBERS.iter().any(|m| v.get(m).is_some()) {
        return None;
    }
    // Every member's type is checked before any is copied: a `?` per member inside the
    // struct literal would make the compiler emit drop code for the ones before it.
    if STRING_MEMBERS.iter().any(|m| v.get(m).is_some_and(|x| x.as_str().is_none())) {
        return None;
    }
    let text = |k: &str| v.get(k).and_then(Value::as_str).map(String::from);
    let use_sig = v.get("use").and_then(Value::as_str).map_or(true, |u| u == "sig");
    let verify_allowed = match v.get("key_ops") {
        None => true,
        Some(Value::Array(ops)) => ops.iter().any(|o| o.as_str() == Some("verify")),
        Some(_) => return None,
    };
    let kty = text("kty")?;
    let key = Jwk { kid: text("kid"), alg: text("alg"), n: text("n"), e: text("e"), crv: text("crv"), x: text("x"), y: text("y"),
        kty, use_sig, verify_allowed };
    let ok = match key.kty.as_str() {
        "RSA" => rsa_modulus_bits(&key).is_some_and(|bits| bits >= 2048) && key.e.as_deref().and_then(base64url_decode).is_some_and(|e| !e.is_empty()),
        "EC" => {
            let coordinate = |c: &Option<String>| c.as_deref().and_then(base64url_decode).is_some_and(|b| b.len() == 32);
            key.crv.as_deref() == Some("P-256") && coordinate(&key.x) && coordinate(&key.y)
        }
        _ => false,
    };
    ok.then_some(key)
}

/// The RSA modulus length in bits (leading zero bits not counted).
fn rsa_modulus_bits(key: &Jwk) -> Option<usize> {
    let n = base64url_decode(key.n.as_deref()?)?;
    let first = n.iter().position(|&b| b != 0)?;
    let lead = n.get(first)?.leading_zeros() as usize;
    Some((n.len() - first) * 8 - lead)
}

/// Chooses the key for `header` (rules in the module doc). `id_token_invalid` when none or,
/// without a `kid`, several qualify.
pub fn select<'a>(keys: &'a [Jwk], header: &JoseHeader) -> Result<&'a Jwk, AuthError> {
    let alg = header.alg;
    let mut candidates = keys.iter().filter(|k| {
        k.kty == alg.kty()
            && k.use_sig
            && k.verify_allowed
            && k.alg.as_deref().map_or(true, |a| a == alg.name())
            && match &header.kid {
                Some(kid) => k.kid.as_deref() == Some(kid.as_str()),
                None => true,
            }
    });
    let first = candidates.next().ok_or_else(|| invalid("the issuer's JWKS has no key for the ID token's kid and alg"))?;
    if header.kid.is_none() && candidates.next().is_some() {
        return Err(invalid("the ID token has no kid and the issuer's JWKS has several keys for its alg"));
    }
    Ok(first)
}

/// The public JWK as JSON for `importKey("jwk", ...)`: `kty` and the public members only.
pub fn public_jwk_json(key: &Jwk) -> String {
    let mut w = ObjectWriter::new();
    w.string("kty", &key.kty);
    for (name, value) in [("n", &key.n), ("e", &key.e), ("crv", &key.crv), ("x", &key.x), ("y", &key.y)] {
        if let Some(v) = value {
            w.string(name, v);
        }
    }
    w.finish()
}

/// Splits a compact JWS into its signing input and decoded signature, checking the signature
/// length for the algorithm (ES256: 64 bytes `r || s`; RSA: the modulus length).
pub fn signing_input<'a>(jwt: &'a str, alg: Alg, key: &Jwk) -> Result<(&'a str, Vec<u8>), AuthError> {
    let (input, signature) = jwt.rsplit_once('.').ok_or_else(|| invalid("the ID token is not a compact JWS"))?;
    if input.bytes().filter(|&b| b == b'.').count() != 1 {
        return Err(invalid("the ID token is not a compact JWS"));
    }
    let signature = base64url_decode(signature).ok_or_else(|| invalid("the ID token's signature is not base64url"))?;
    let expected = match alg {
        Alg::ES256 => Some(64),
        Alg::RS256 | Alg::PS256 => rsa_modulus_bits(key).map(|bits| bits.div_ceil(8)),
    };
    if expected != Some(signature.len()) {
        return Err(invalid("the ID token's signature has the wrong length for its alg"));
    }
    Ok((input, signature))
}

/// All the pure steps for one token against one JWK Set document.
pub fn prepare(jwt: &str, jwks_body: &str) -> Result<Prepared, AuthError> {
    let header = header(jwt)?;
    let keys = parse_jwks(jwks_body)?;
    let key = select(&keys, &header)?;
    let (input, signature) = signing_input(jwt, header.alg, key)?;
    Ok(Prepared { alg: header.alg, jwk_json: public_jwk_json(key), signing_input: String::from(input), signature })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::protocol::encoding::base64url_encode;
    use crate::protocol::encoding::tests::Rng;

    /// Generated once with Node's crypto (tests/support has no key material): a JWK Set with
    /// an RS256, a PS256 and an ES256 key (2048-bit RSA, P-256) and a 1024-bit RSA key, and an
    /// ID token signed by each. The browser test (tests/verify.rs) checks the signatures.
    pub(crate) const JWKS: &str = include_str!("jwks_vectors/jwks.json");
    pub(crate) const RS256_TOKEN: &str = include_str!("jwks_vectors/rs256.jwt");
    pub(crate) const PS256_TOKEN: &str = include_str!("jwks_vectors/ps256.jwt");
    pub(crate) const ES256_TOKEN: &str = include_str!("jwks_vectors/es256.jwt");
    pub(crate) const SMALL_RSA_TOKEN: &str = include_str!("jwks_vectors/small-rsa.jwt");

    fn header_of(json: &str) -> String {
        [base64url_encode(json.as_bytes()).as_str(), ".e30.c2ln"].concat()
    }

    fn code_and_description(e: AuthError) -> (String, String) {
        (e.code.into_owned(), e.description.map(|d| d.into_owned()).unwrap_or_default())
    }

    #[test]
    fn headers() {
        assert_eq!(header(&header_of(r#"{"alg":"RS256","kid":"k1","typ":"JWT"}"#)).unwrap(), JoseHeader { alg: Alg::RS256, kid: Some("k1".into()) });
        assert_eq!(header(&header_of(r#"{"alg":"ES256"}"#)).unwrap(), JoseHeader { alg: Alg::ES256, kid: None });
        for (h, why) in [
            (r#"{"alg":"none"}"#, "the ID token's alg is not RS256, PS256 or ES256"),
            (r#"{"alg":"HS256"}"#, "the ID token's alg is not RS256, PS256 or ES256"),
            (r#"{"alg":"rs256"}"#, "the ID token's alg is not RS256, PS256 or ES256"),
            (r#"{"kid":"x"}"#, "the ID token's alg is not RS256, PS256 or ES256"),
            (r#"{"alg":"RS256","crit":["exp"]}"#, "the ID token's header has crit extensions"),
            (r#"{"alg":"RS256","kid":5}"#, "the ID token's kid is not a string"),
            ("[]", "the ID token's header is not a JSON object"),
        ] {
            let (code, d) = code_and_description(header(&header_of(h)).unwrap_err());
            assert_eq!((code.as_str(), d.as_str()), ("id_token_invalid", why), "{h}");
        }
        assert_eq!(header("@@.e30.x").unwrap_err().code, "id_token_invalid");
        assert_eq!(header("").unwrap_err().code, "id_token_invalid");
    }

    #[test]
    fn the_vectors_parse_and_select() {
        let keys = parse_jwks(JWKS).unwrap();
        assert_eq!(keys.iter().map(|k| k.kid.as_deref().unwrap_or("")).collect::<Vec<_>>(), ["rs-1", "ps-1", "es-1"], "the 1024-bit key is refused");
        for (token, alg, kid) in [(RS256_TOKEN, Alg::RS256, "rs-1"), (PS256_TOKEN, Alg::PS256, "ps-1"), (ES256_TOKEN, Alg::ES256, "es-1")] {
            let token = token.trim();
            let h = header(token).unwrap();
            assert_eq!(h, JoseHeader { alg, kid: Some(kid.into()) });
            let p = prepare(token, JWKS).unwrap();
            assert_eq!(p.alg, alg);
            assert_eq!(p.signature.len(), if alg == Alg::ES256 { 64 } else { 256 });
            assert_eq!(p.signing_input, token.rsplit_once('.').unwrap().0);
            let jwk = json::parse(&p.jwk_json).unwrap();
            assert_eq!(jwk.get("kty").and_then(Value::as_str), Some(alg.kty()));
            assert!(jwk.get("d").is_none() && jwk.get("kid").is_none() && jwk.get("alg").is_none());
        }
        let e = prepare(SMALL_RSA_TOKEN.trim(), JWKS).unwrap_err();
        assert_eq!(e.description.as_deref(), Some("the issuer's JWKS has no key for the ID token's kid and alg"));
    }

    fn rsa(kid: Option<&str>, alg: Option<&str>) -> Jwk {
        Jwk { kty: "RSA".into(), kid: kid.map(Into::into), alg: alg.map(Into::into), n: Some(base64url_encode(&[0xC5; 256])),
            e: Some("AQAB".into()), crv: None, x: None, y: None, use_sig: true, verify_allowed: true }
    }

    #[test]
    fn key_selection_rules() {
        let h = |alg, kid: Option<&str>| JoseHeader { alg, kid: kid.map(Into::into) };
        let keys = [rsa(Some("a"), Some("RS256")), rsa(Some("b"), None), rsa(Some("c"), Some("PS256"))];
        assert_eq!(select(&keys, &h(Alg::RS256, Some("a"))).unwrap().kid.as_deref(), Some("a"));
        assert_eq!(select(&keys, &h(Alg::RS256, Some("b"))).unwrap().kid.as_deref(), Some("b"), "a key without alg fits any RSA alg");
        assert!(select(&keys, &h(Alg::RS256, Some("c"))).is_err(), "the key's alg must match the token's");
        assert!(select(&keys, &h(Alg::ES256, Some("a"))).is_err(), "the kty must match the alg");
        assert!(select(&keys, &h(Alg::RS256, Some("zz"))).is_err());
        assert_eq!(select(&keys, &h(Alg::RS256, None)).unwrap_err().description.as_deref(),
            Some("the ID token has no kid and the issuer's JWKS has several keys for its alg"));
        assert_eq!(select(&keys[..1], &h(Alg::RS256, None)).unwrap().kid.as_deref(), Some("a"), "one candidate needs no kid");
        let enc = Jwk { use_sig: false, ..rsa(Some("e"), None) };
        let wrap_only = Jwk { verify_allowed: false, ..rsa(Some("w"), None) };
        assert!(select(&[enc], &h(Alg::RS256, Some("e"))).is_err(), "use: enc");
        assert!(select(&[wrap_only], &h(Alg::RS256, Some("w"))).is_err(), "key_ops without verify");
    }

    #[test]
    fn jwks_documents() {
        let n = base64url_encode(&[0xC5; 256]);
        let good = ["{\"kty\":\"RSA\",\"kid\":\"k\",\"n\":\"", &n, "\",\"e\":\"AQAB\"}"].concat();
        let doc = |k: &str| ["{\"keys\":[", k, "]}"].concat();
        assert_eq!(parse_jwks(&doc(&good)).unwrap().len(), 1);
        // Skipped: private members, other types, short moduli, bad curves or coordinates, wrong member types.
        for bad in [
            good.replace("\"e\":", "\"d\":\"AQAB\",\"e\":"),
            good.replace("\"RSA\"", "\"oct\""),
            good.replace(&n, &base64url_encode(&[0xC5; 255])),
            good.replace(&n, &["AAAA", &base64url_encode(&[0x7F; 255])].concat()),
            good.replace("\"kid\":\"k\"", "\"kid\":7"),
            good.replace("\"kid\":\"k\"", "\"key_ops\":\"verify\""),
            good.replace("\"e\":\"AQAB\"", "\"e\":\"\""),
            r#"{"kty":"EC","crv":"P-384","x":"AAAA","y":"AAAA"}"#.into(),
            ["{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"", &base64url_encode(&[1; 31]), "\",\"y\":\"", &base64url_encode(&[1; 32]), "\"}"].concat(),
            "5".into(),
        ] {
            assert_eq!(parse_jwks(&doc(&bad)).unwrap(), vec![], "{bad}");
        }
        let use_enc = good.replace("\"kid\":\"k\"", "\"use\":\"enc\"");
        let parsed = parse_jwks(&doc(&use_enc)).unwrap();
        assert!(select(&parsed, &JoseHeader { alg: Alg::RS256, kid: None }).is_err(), "use enc is never selected");
        for bad in ["", "[]", "{}", "{\"keys\":{}}", "null"] {
            assert_eq!(parse_jwks(bad).unwrap_err().code, "invalid_response", "{bad}");
        }
    }

    #[test]
    fn signature_shapes() {
        let key = rsa(Some("a"), None);
        let body = [base64url_encode(br#"{"alg":"RS256"}"#), ".e30.".into()].concat();
        let ok = [body.as_str(), &base64url_encode(&[7; 256])].concat();
        assert_eq!(signing_input(&ok, Alg::RS256, &key).unwrap().1.len(), 256);
        for bad in [[body.as_str(), &base64url_encode(&[7; 255])].concat(), [body.as_str(), "@@"].concat(), "a.b".into(),
            ["x.", body.as_str(), &base64url_encode(&[7; 256])].concat()] {
            assert_eq!(signing_input(&bad, Alg::RS256, &key).unwrap_err().code, "id_token_invalid", "{bad}");
        }
        let es = [body.as_str(), &base64url_encode(&[7; 64])].concat();
        assert!(signing_input(&es, Alg::ES256, &key).is_ok());
        let der = [body.as_str(), &base64url_encode(&[0x30; 70])].concat();
        assert!(signing_input(&der, Alg::ES256, &key).is_err(), "DER-encoded ECDSA is not JWS");
    }

    #[test]
    fn tampered_vectors_still_prepare_and_errors_hold_no_token() {
        // Preparing checks shapes only; a changed payload reaches WebCrypto, which refuses it
        // (tests/verify.rs). No error description holds the token.
        let token = RS256_TOKEN.trim();
        let (input, sig) = token.rsplit_once('.').unwrap();
        let (h, _) = input.split_once('.').unwrap();
        let tampered = [h, ".", &base64url_encode(br#"{"sub":"admin"}"#), ".", sig].concat();
        assert!(prepare(&tampered, JWKS).is_ok());
        let mut rng = Rng(0x1A7E);
        for _ in 0..3000 {
            let mut bytes = token.as_bytes().to_vec();
            for _ in 0..3 {
                let i = rng.below(bytes.len());
                bytes[i] = rng.next() as u8;
            }
            let text = String::from_utf8_lossy(&bytes);
            if let Err(e) = prepare(&text, JWKS) {
                assert!(!e.description.as_deref().unwrap_or("").contains(sig));
            }
            let mut doc = JWKS.as_bytes().to_vec();
            let i = rng.below(doc.len());
            doc[i] = rng.next() as u8;
            let _ = prepare(token, &String::from_utf8_lossy(&doc));
        }
    }
}
