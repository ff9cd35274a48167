//! Byte and text encodings the protocol needs, written out so no `url`/`base64` crate is pulled in.

/// base64url without padding (RFC 4648 §5), as PKCE, state and JWTs use it.
pub fn base64url_encode(bytes: &[u8]) -> String { todo!() }

/// Decodes base64url, with or without `=` padding. `None` for any other character or a
/// length that can't be base64.
pub fn base64url_decode(text: &str) -> Option<Vec<u8>> { todo!() }

/// Standard base64 with padding, for HTTP Basic credentials.
pub fn base64_encode(bytes: &[u8]) -> String { todo!() }

/// Percent-encodes for `application/x-www-form-urlencoded` and query strings: unreserved
/// characters (`A-Z a-z 0-9 - . _ ~`) stay, space becomes `%20`, everything else `%XX` (UTF-8).
pub fn form_encode(s: &str) -> String { todo!() }

/// Appends `key=value` pairs, each form-encoded, joined by `&`.
pub fn form_body(pairs: &[(&str, &str)]) -> String { todo!() }

/// Decodes one form/query component: `+` is a space, `%XX` a byte. `None` for a `%` not
/// followed by two hex digits or bytes that are not UTF-8.
pub fn form_decode(s: &str) -> Option<String> { todo!() }

/// Splits `a=1&b=2` into decoded pairs (empty segments skipped; a key without `=` has an empty
/// value). `None` when any component fails to decode.
pub fn parse_query(query: &str) -> Option<Vec<(String, String)>> { todo!() }
