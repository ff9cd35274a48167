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
pub mod dpop;
pub mod encoding;
pub mod error;
pub mod json;
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

/// `s` cut at its first `b` (an ASCII byte): what precedes it and, when there is one, what
/// follows. A byte loop: `split_once(char)` links core's char searcher and memchr.
pub fn cut(s: &str, b: u8) -> (&str, Option<&str>) {
    match s.bytes().position(|c| c == b) {
        Some(i) => (s.get(..i).unwrap_or(s), s.get(i + 1..)),
        None => (s, None),
    }
}

/// What follows the last `b` (an ASCII byte) in `s`, or all of `s` without one.
pub fn after_last(s: &str, b: u8) -> &str {
    match s.bytes().rposition(|c| c == b) {
        Some(i) => s.get(i + 1..).unwrap_or(s),
        None => s,
    }
}

/// True when `s` contains any of the ASCII bytes in `set`.
pub fn has_any(s: &str, set: &[u8]) -> bool {
    s.bytes().any(|c| set.contains(&c))
}

/// The `sep`-separated pieces of `s` (an ASCII byte), as `split(char)` gives them (one empty
/// piece for "").
pub fn pieces(s: &str, sep: u8) -> Pieces<'_> {
    Pieces(Some(s), sep)
}

/// Iterator of [`pieces`].
pub struct Pieces<'a>(Option<&'a str>, u8);

impl<'a> Iterator for Pieces<'a> {
    type Item = &'a str;
    fn next(&mut self) -> Option<&'a str> {
        let (piece, rest) = cut(self.0?, self.1);
        self.0 = rest;
        Some(piece)
    }
}
