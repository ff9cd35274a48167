//! PKCE (RFC 7636) with S256 only; `plain` is never offered.

use crate::protocol::Secret;

/// A `code_verifier`. Deliberately not `Clone`, so a verifier is hard to reuse.
pub struct Verifier(Secret);

impl Verifier {
    /// From 32 random octets: 43 base64url characters (RFC 7636 §4.1).
    pub fn from_random(bytes: &[u8; 32]) -> Self { todo!() }
    /// Wraps a verifier read back from a stored transaction.
    pub fn from_stored(verifier: Secret) -> Self { Verifier(verifier) }
    /// The S256 `code_challenge`: base64url(SHA-256(verifier)).
    pub fn challenge(&self) -> String { todo!() }
    /// The verifier, for the token request and the transaction record.
    pub fn secret(&self) -> &Secret { &self.0 }
}

impl core::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result { f.write_str("Verifier(***)") }
}

/// A `state` or `nonce`: 32 random octets, base64url (43 characters).
pub fn random_token(bytes: &[u8; 32]) -> String { todo!() }
