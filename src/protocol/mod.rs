//! The OAuth protocol as plain values: no I/O, no web-sys, no clock, no randomness.
//!
//! Every function here takes what it needs (the time, random bytes, a response body) as
//! parameters, so `cargo test` on the host covers all of it. The flows in [`crate::flow`]
//! sequence these steps around effects; their hosts (`crate::client` with the browser adapters in
//! `crate::web`, or the npm package's `pkg-template/executor.js`) only move bytes in and out.

pub mod authorize;
pub mod callback;
pub mod config;
pub mod discovery;
#[cfg(feature = "dpop")]
pub mod dpop;
pub mod encoding;
pub mod error;
pub mod json;
#[cfg(feature = "id-token-signature")]
pub mod jwks;
pub mod jwt;
pub mod pkce;
pub mod rotation;
pub mod secret;
pub mod sha256;
pub mod token;
pub mod transaction;
pub mod url;

#[cfg(test)]
mod proptests;

pub use error::AuthError;

/// `parts` joined, as `[..].concat()` does; that one instantiates a large generic routine
/// (about 1 KB of wasm, with panic paths), this one is a loop.
pub fn concat(parts: &[&str]) -> alloc::string::String {
    let mut out = alloc::string::String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        out.push_str(part);
    }
    out
}
pub use secret::Secret;
