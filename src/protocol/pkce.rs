//! PKCE (RFC 7636) with S256 only; `plain` is never offered.

use crate::prelude::*;

use crate::protocol::encoding::base64url_encode;
use crate::protocol::Secret;
use crate::protocol::sha256;

/// A `code_verifier`. Deliberately not `Clone`, so a verifier is hard to reuse.
pub struct Verifier(Secret);

impl Verifier {
    /// From 32 random octets: 43 base64url characters (RFC 7636 §4.1).
    pub fn from_random(bytes: &[u8; 32]) -> Self { Verifier(Secret::new(base64url_encode(bytes))) }
    /// Wraps a verifier read back from a stored transaction.
    pub fn from_stored(verifier: Secret) -> Self { Verifier(verifier) }
    /// The S256 `code_challenge`: base64url(SHA-256(verifier)).
    pub fn challenge(&self) -> String { base64url_encode(&sha256::digest(self.0.expose().as_bytes())) }
    /// The verifier, for the token request and the transaction record.
    pub fn secret(&self) -> &Secret { &self.0 }
}

impl core::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result { f.write_str("Verifier(***)") }
}

/// A `state` or `nonce`: 32 random octets, base64url (43 characters).
pub fn random_token(bytes: &[u8; 32]) -> String { base64url_encode(bytes) }

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::encoding::tests::Rng;

    /// RFC 7636 Appendix B: the 32 octets, the verifier they encode to, and its S256 challenge.
    const APPENDIX_B_OCTETS: [u8; 32] = [
        116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191,
        240, 91, 88, 5, 88, 83, 132, 141, 121,
    ];
    const APPENDIX_B_VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const APPENDIX_B_CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    #[test]
    fn rfc7636_appendix_b_challenge() {
        let v = Verifier::from_stored(Secret::new(APPENDIX_B_VERIFIER));
        assert_eq!(v.challenge(), APPENDIX_B_CHALLENGE);
    }

    #[test]
    fn rfc7636_appendix_b_from_random() {
        let v = Verifier::from_random(&APPENDIX_B_OCTETS);
        assert_eq!(v.secret().expose(), APPENDIX_B_VERIFIER);
        assert_eq!(v.challenge(), APPENDIX_B_CHALLENGE);
    }

    #[test]
    fn verifier_shape_rfc7636_4_1() {
        let mut rng = Rng(5);
        for _ in 0..200 {
            let mut bytes = [0u8; 32];
            for b in bytes.iter_mut() {
                *b = rng.next() as u8;
            }
            let v = Verifier::from_random(&bytes);
            let s = v.secret().expose();
            assert_eq!(s.len(), 43);
            assert!(s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "{s}");
            let c = v.challenge();
            assert_eq!(c.len(), 43);
            assert_ne!(c, s, "S256, never plain");
            let t = random_token(&bytes);
            assert_eq!(t, s);
        }
    }

    #[test]
    fn debug_is_redacted() {
        let v = Verifier::from_stored(Secret::new(APPENDIX_B_VERIFIER));
        let printed = format!("{v:?}");
        assert_eq!(printed, "Verifier(***)");
        assert!(!printed.contains(APPENDIX_B_VERIFIER));
        assert!(!format!("{:?}", v.secret()).contains(APPENDIX_B_VERIFIER));
    }
}
