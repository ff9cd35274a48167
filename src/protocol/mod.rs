//! The OAuth protocol as plain values: no I/O, no web-sys, no clock, no randomness.
//!
//! Every function here takes what it needs (the time, random bytes, a response body) as
//! parameters, so `cargo test` on the host covers all of it. The flows in [`crate::flow`]
//! sequence these steps around effects; their hosts (`crate::client` with the browser adapters in
//! `crate::web`, or the npm package's `pkg-template/executor.js`) only move bytes in and out.

pub mod authorize;
pub mod callback;
pub mod config;
#[cfg(feature = "confidential")]
pub mod confidential;
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

/// Whether `bytes` are UTF-8 (no overlong forms, surrogates or code points beyond U+10FFFF). A
/// byte loop (`char::from_u32` refuses surrogates and what is beyond U+10FFFF): smaller than
/// `core::str::from_utf8` with its word-at-a-time fast path.
pub fn is_utf8(bytes: &[u8]) -> bool {
    let mut i = 0;
    while let Some(&lead) = bytes.get(i) {
        // Continuation bytes and the smallest code point this length may encode.
        let (n, min) = match lead {
            0..=0x7F => (0, 0),
            0xC0..=0xDF => (1, 0x80),
            0xE0..=0xEF => (2, 0x800),
            0xF0..=0xF7 => (3, 0x10000),
            _ => return false,
        };
        // The lead byte's payload bits (its top n + 1 bits are 1s then a 0).
        let mut c = u32::from(lead & (0x7F >> n));
        for k in 1..=n {
            match bytes.get(i + k) {
                Some(&b) if b & 0xC0 == 0x80 => c = (c << 6) | u32::from(b & 0x3F),
                _ => return false,
            }
        }
        if c < min || char::from_u32(c).is_none() {
            return false;
        }
        i += n + 1;
    }
    true
}

/// `bytes` as a `String` when they are UTF-8 ([`is_utf8`]), else `None`; no copy.
pub fn utf8(bytes: alloc::vec::Vec<u8>) -> Option<alloc::string::String> {
    // SAFETY: just checked to be UTF-8.
    is_utf8(&bytes).then(|| unsafe { alloc::string::String::from_utf8_unchecked(bytes) })
}

/// `s` cut at its first `b` (an ASCII byte): what precedes it and, when there is one, what
/// follows. A byte loop: `split_once(char)` links core's char searcher and memchr.
pub fn cut(s: &str, b: u8) -> (&str, Option<&str>) {
    // (An index loop: `position` compiles to more code at opt-level z.)
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b {
            return (s.get(..i).unwrap_or(s), s.get(i + 1..));
        }
        i += 1;
    }
    (s, None)
}

/// What follows the last `b` (an ASCII byte) in `s`, or all of `s` without one.
pub fn after_last(s: &str, b: u8) -> &str {
    let bytes = s.as_bytes();
    let mut i = bytes.len();
    while i > 0 {
        i -= 1;
        if bytes[i] == b {
            return s.get(i + 1..).unwrap_or(s);
        }
    }
    s
}

/// True when `s` contains any of the ASCII bytes in `set`.
pub fn has_any(s: &str, set: &[u8]) -> bool {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // (Not `set.contains`: that is core's memchr.)
        let mut k = 0;
        while k < set.len() {
            if set[k] == bytes[i] {
                return true;
            }
            k += 1;
        }
        i += 1;
    }
    false
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::encoding::tests::Rng;
    use alloc::string::ToString;
    use alloc::vec::Vec;

    #[test]
    fn utf8_agrees_with_core() {
        let cases: [&[u8]; 16] = [
            b"", b"plain", "é😀€".as_bytes(), b"\xC0\x80", b"\xC1\xBF", b"\xE0\x80\x80", b"\xE0\x9F\xBF",
            b"\xED\xA0\x80", b"\xED\xBF\xBF", b"\xF0\x8F\xBF\xBF", b"\xF4\x90\x80\x80", b"\xF5\x80\x80\x80",
            b"\xF8\x88\x80\x80\x80", b"\x80", b"\xC3", b"\xE2\x82",
        ];
        for bytes in cases {
            assert_eq!(utf8(bytes.to_vec()), core::str::from_utf8(bytes).ok().map(ToString::to_string), "{bytes:?}");
            assert_eq!(is_utf8(bytes), core::str::from_utf8(bytes).is_ok(), "{bytes:?}");
        }
        let mut rng = Rng(0xC0FFEE);
        let pieces: [&[u8]; 12] = [b"a", b"\x80", b"\xBF", b"\xC2", b"\xDF", b"\xE0", b"\xED", b"\xEF", b"\xF0", b"\xF4", b"\xF5", b"\xFF"];
        for _ in 0..20_000 {
            let mut bytes = Vec::new();
            for _ in 0..rng.below(8) {
                bytes.extend_from_slice(pieces[rng.below(pieces.len())]);
            }
            let raw = rng.bytes(6);
            assert_eq!(utf8(bytes.clone()), core::str::from_utf8(&bytes).ok().map(ToString::to_string), "{bytes:?}");
            assert_eq!(utf8(raw.clone()), core::str::from_utf8(&raw).ok().map(ToString::to_string), "{raw:?}");
        }
    }

    #[test]
    fn byte_helpers_agree_with_core() {
        let mut rng = Rng(99);
        for _ in 0..5000 {
            let s = rng.string_from(&["a", "&", "=", "?", ".", "é", ""], 12);
            for b in [b'&', b'=', b'?', b'.'] {
                let c = char::from(b);
                let expected = match s.split_once(c) { Some((x, y)) => (x, Some(y)), None => (s.as_str(), None) };
                assert_eq!(cut(&s, b), expected);
                assert_eq!(after_last(&s, b), s.rsplit(c).next().unwrap());
                assert_eq!(pieces(&s, b).collect::<Vec<_>>(), s.split(c).collect::<Vec<_>>());
                assert_eq!(has_any(&s, &[b, b'x']), s.contains([c, 'x']));
            }
        }
    }
}
