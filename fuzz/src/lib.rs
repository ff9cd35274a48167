//! Invariants shared by the fuzz targets. Every target also relies on the implicit one: no
//! input makes the library panic (a panic aborts the fuzzer and is reported as a crash).

use wasm_oauth::protocol::json::Value;
use wasm_oauth::protocol::AuthError;

/// Secrets shorter than this are not searched for in messages.
pub const MIN_SECRET_LEN: usize = 6;

/// True when finding `secret` in a message means a leak: at least [`MIN_SECRET_LEN`] bytes
/// and a digit 1-9. The library's own protocol messages and codes contain no such digit (only
/// config messages say "0"), so a fuzzed "secret" that happens to be a piece of a fixed
/// sentence ("_token", "the ID token") is not taken for a leak.
pub fn checkable(secret: &str) -> bool {
    secret.len() >= MIN_SECRET_LEN && secret.bytes().any(|b| (b'1'..=b'9').contains(&b))
}

/// Panics when `error`'s code or description contains `secret` (when [`checkable`]), except a
/// description that is exactly `server_text`, the text the server or the callback sent, which
/// API.md says is passed through as sent.
pub fn assert_no_secret(error: &AuthError, secret: &str, server_text: Option<&str>) {
    if !checkable(secret) {
        return;
    }
    assert!(!error.code.contains(secret), "a secret in an error code: {:?}", error.code);
    if let Some(d) = error.description.as_deref() {
        if Some(d) != server_text {
            assert!(!d.contains(secret), "a secret in the library's own error description: {d:?}");
        }
    }
}

/// True when `code` is what an API.md error code can be: a single word of letters, digits,
/// `_`, `-`, `.`.
pub fn is_code_word(code: &str) -> bool {
    !code.is_empty() && code.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

/// How far a number may move through print + parse. The json module's doc promises exact
/// integers up to 2^53 and usual short decimals, and "a few units in the last place" for long
/// or extreme values (its reader scales a 19-digit mantissa by a power of ten); the host
/// property test saw at most 4 over 10^6 random doubles.
pub const MAX_ULPS: u64 = 8;

fn close(x: f64, y: f64) -> bool {
    if x == y {
        return true;
    }
    if !x.is_finite() || !y.is_finite() || x.is_sign_negative() != y.is_sign_negative() {
        return false;
    }
    let exact = x.fract() == 0.0 && x.abs() <= 9_007_199_254_740_992.0;
    !exact && x.to_bits().abs_diff(y.to_bits()) <= MAX_ULPS
}

/// JSON values compared the way a round trip through text can preserve them: non-finite
/// numbers print as `null`, and numbers may move by [`MAX_ULPS`] (never for integers up to 2^53).
pub fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Null) | (Value::Null, Value::Number(x)) => !x.is_finite(),
        (Value::Number(x), Value::Number(y)) => close(*x, *y) || (!x.is_finite() && !y.is_finite()),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_json(a, b)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|((ka, va), (kb, vb))| ka == kb && same_json(va, vb))
        }
        _ => a == b,
    }
}

/// A little-endian number from up to 8 bytes.
pub fn le(bytes: &[u8]) -> u64 {
    bytes.iter().take(8).rev().fold(0, |acc, &b| (acc << 8) | u64::from(b))
}

