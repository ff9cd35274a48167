//! Byte and text encodings the protocol needs, written out so no `url`/`base64` crate is pulled in.

use crate::prelude::*;

const B64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const B64STD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// The alphabet character for the low six bits of `v`.
fn b64_char(alphabet: &[u8; 64], v: u32) -> char {
    // `v & 63` is always < 64, so `get` never fails; the fallback only avoids a panic path.
    char::from(alphabet.get((v & 63) as usize).copied().unwrap_or(b'A'))
}

fn b64_encode(bytes: &[u8], alphabet: &[u8; 64], pad: bool) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3).saturating_mul(4));
    let mut i = 0;
    while i < bytes.len() {
        let at = |k: usize| bytes.get(i + k).copied().unwrap_or(0) as u32;
        let n = (at(0) << 16) | (at(1) << 8) | at(2);
        let left = bytes.len() - i;
        out.push(b64_char(alphabet, n >> 18));
        out.push(b64_char(alphabet, n >> 12));
        if left > 1 {
            out.push(b64_char(alphabet, n >> 6));
        } else if pad {
            out.push('=');
        }
        if left > 2 {
            out.push(b64_char(alphabet, n));
        } else if pad {
            out.push('=');
        }
        i += 3;
    }
    out
}

/// True when `s` is empty or only whitespace (Unicode White_Space, as `str::trim`).
pub fn is_blank(s: &str) -> bool {
    s.chars().all(char::is_whitespace)
}

/// base64url without padding (RFC 4648 §5), as PKCE, state and JWTs use it.
pub fn base64url_encode(bytes: &[u8]) -> String {
    b64_encode(bytes, B64URL, false)
}

fn b64url_value(c: u8) -> Option<u32> {
    let v = match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'-' => 62,
        b'_' => 63,
        _ => return None,
    };
    Some(v as u32)
}

/// Decodes base64url, with or without `=` padding. `None` for any other character or a
/// length that can't be base64.
///
/// Padding, when present, must complete the last group to four characters exactly. Unused
/// low bits of the last character are ignored (RFC 4648 §3.5 lets decoders accept them).
pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut data_len = bytes.len();
    while data_len > 0 && bytes[data_len - 1] == b'=' {
        data_len -= 1;
    }
    let padding = bytes.len() - data_len;
    if padding > 0 && (padding > 2 || bytes.len() % 4 != 0) {
        return None;
    }
    let data = bytes.get(..data_len)?;
    if data.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(data.len() / 4 * 3 + 2);
    let mut acc: u32 = 0;
    let mut bits: u32 = 0;
    for &c in data {
        acc = ((acc << 6) | b64url_value(c)?) & 0xFF_FFFF;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

/// Standard base64 with padding, for HTTP Basic credentials.
pub fn base64_encode(bytes: &[u8]) -> String {
    b64_encode(bytes, B64STD, true)
}

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// Appends `s` form-encoded (see [`form_encode`]) to `out`.
pub fn push_form_encoded(out: &mut String, s: &str) {
    for &b in s.as_bytes() {
        if is_unreserved(b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX.get((b >> 4) as usize).copied().unwrap_or(b'0')));
            out.push(char::from(HEX.get((b & 15) as usize).copied().unwrap_or(b'0')));
        }
    }
}

/// Percent-encodes for `application/x-www-form-urlencoded` and query strings: unreserved
/// characters (`A-Z a-z 0-9 - . _ ~`) stay, space becomes `%20`, everything else `%XX` (UTF-8).
pub fn form_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_form_encoded(&mut out, s);
    out
}

/// Appends `key=value` pairs, each form-encoded, joined by `&`.
pub fn form_body(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        push_form_encoded(&mut out, k);
        out.push('=');
        push_form_encoded(&mut out, v);
    }
    out
}

pub(crate) fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Decodes one form/query component: `+` is a space, `%XX` a byte. `None` for a `%` not
/// followed by two hex digits or bytes that are not UTF-8.
pub fn form_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    if !crate::protocol::has_any(s, b"%+") {
        return Some(String::from(s));
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        out.push(match b {
            b'+' => b' ',
            b'%' => {
                let hi = hex_value(*bytes.get(i + 1)?)?;
                let lo = hex_value(*bytes.get(i + 2)?)?;
                i += 2;
                (hi << 4) | lo
            }
            _ => b,
        });
        i += 1;
    }
    crate::protocol::utf8(out)
}

/// Splits `a=1&b=2` into decoded pairs (empty segments skipped; a key without `=` has an empty
/// value). `None` when any component fails to decode.
pub fn parse_query(query: &str) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    for segment in crate::protocol::pieces(query, b'&') {
        if segment.is_empty() {
            continue;
        }
        let (k, v) = crate::protocol::cut(segment, b'=');
        out.push((form_decode(k)?, form_decode(v.unwrap_or(""))?));
    }
    Some(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A tiny xorshift64* generator for property-style tests without dependencies.
    pub(crate) struct Rng(pub u64);
    impl Rng {
        pub(crate) fn next(&mut self) -> u64 {
            let mut x = self.0;
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            self.0 = x;
            x.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        pub(crate) fn below(&mut self, n: usize) -> usize {
            (self.next() % (n as u64)) as usize
        }
        pub(crate) fn bytes(&mut self, max_len: usize) -> Vec<u8> {
            let len = self.below(max_len + 1);
            (0..len).map(|_| self.next() as u8).collect()
        }
        /// A string drawn from `alphabet` (by chars), up to `max_len` chars.
        pub(crate) fn string_from(&mut self, alphabet: &[&str], max_len: usize) -> String {
            let len = self.below(max_len + 1);
            let mut s = String::new();
            for _ in 0..len {
                s.push_str(alphabet[self.below(alphabet.len())]);
            }
            s
        }
    }

    #[test]
    fn base64url_rfc4648_vectors() {
        // RFC 4648 §10, in the URL alphabet without padding.
        let cases: [(&str, &str); 7] = [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in cases {
            assert_eq!(base64url_encode(plain.as_bytes()), encoded);
            assert_eq!(base64url_decode(encoded).unwrap(), plain.as_bytes());
        }
    }

    #[test]
    fn base64url_uses_url_alphabet() {
        assert_eq!(base64url_encode(&[0xfb, 0xff, 0xbf]), "-_-_");
        assert_eq!(base64url_decode("-_-_").unwrap(), vec![0xfb, 0xff, 0xbf]);
        assert_eq!(base64_encode(&[0xfb, 0xff, 0xbf]), "+/+/");
    }

    #[test]
    fn base64url_decode_padding_rules() {
        assert_eq!(base64url_decode("Zg==").unwrap(), b"f");
        assert_eq!(base64url_decode("Zm8=").unwrap(), b"fo");
        assert_eq!(base64url_decode("Zm9v").unwrap(), b"foo");
        // Wrong amount of padding, padding in the middle, impossible lengths.
        assert_eq!(base64url_decode("Zg="), None);
        assert_eq!(base64url_decode("Zg==="), None);
        assert_eq!(base64url_decode("Zm8=="), None);
        assert_eq!(base64url_decode("Z=g="), None);
        assert_eq!(base64url_decode("Z"), None);
        assert_eq!(base64url_decode("Zm9vY"), None);
        assert_eq!(base64url_decode("="), None);
        assert_eq!(base64url_decode("===="), None);
    }

    #[test]
    fn base64url_decode_rejects_foreign_characters() {
        assert_eq!(base64url_decode("Zm9v+g"), None);
        assert_eq!(base64url_decode("Zm9v/g"), None);
        assert_eq!(base64url_decode("Zm 9v"), None);
        assert_eq!(base64url_decode("Zm9\u{e9}"), None);
    }

    #[test]
    fn base64_standard_with_padding() {
        assert_eq!(base64_encode(b""), "");
        assert_eq!(base64_encode(b"f"), "Zg==");
        assert_eq!(base64_encode(b"fo"), "Zm8=");
        assert_eq!(base64_encode(b"foo"), "Zm9v");
        assert_eq!(base64_encode(b"Aladdin:open sesame"), "QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    }

    #[test]
    fn base64url_round_trip_property() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..2000 {
            let bytes = rng.bytes(80);
            let enc = base64url_encode(&bytes);
            assert!(!enc.contains('='));
            assert_eq!(enc.len(), (bytes.len() * 4).div_ceil(3));
            assert_eq!(base64url_decode(&enc).unwrap(), bytes);
            // The padded form decodes too.
            let mut padded = enc.clone();
            while padded.len() % 4 != 0 {
                padded.push('=');
            }
            assert_eq!(base64url_decode(&padded).unwrap(), bytes);
        }
    }

    #[test]
    fn decoders_never_panic_on_random_input() {
        let mut rng = Rng(12345);
        let alphabet = ["A", "z", "0", "-", "_", "=", "%", "+", "&", "2", "F", "g", "é", "%C3", "%A9", "\u{0}"];
        for _ in 0..5000 {
            let s = rng.string_from(&alphabet, 24);
            let _ = base64url_decode(&s);
            let _ = form_decode(&s);
            let _ = parse_query(&s);
            let raw = rng.bytes(24);
            let lossy = String::from_utf8_lossy(&raw);
            let _ = base64url_decode(&lossy);
            let _ = form_decode(&lossy);
        }
    }

    #[test]
    fn is_blank_is_trim_is_empty() {
        for s in ["", " ", " \t\r\n", "\u{a0}\u{3000}\u{2028}", "a", " a ", "\u{200b}", "\u{0}"] {
            assert_eq!(is_blank(s), s.trim().is_empty(), "{s:?}");
        }
    }

    #[test]
    fn form_encode_keeps_unreserved_and_escapes_the_rest() {
        assert_eq!(form_encode("AZaz09-._~"), "AZaz09-._~");
        assert_eq!(form_encode("a b"), "a%20b");
        assert_eq!(form_encode("a&b=c"), "a%26b%3Dc");
        assert_eq!(form_encode("+/?#%"), "%2B%2F%3F%23%25");
        assert_eq!(form_encode("é"), "%C3%A9");
        assert_eq!(form_encode("😀"), "%F0%9F%98%80");
        assert_eq!(form_encode("https://app.example/cb"), "https%3A%2F%2Fapp.example%2Fcb");
    }

    #[test]
    fn form_body_joins_pairs() {
        assert_eq!(form_body(&[]), "");
        assert_eq!(form_body(&[("a", "1")]), "a=1");
        assert_eq!(form_body(&[("grant_type", "authorization_code"), ("scope", "openid profile")]),
            "grant_type=authorization_code&scope=openid%20profile");
        assert_eq!(form_body(&[("k y", "v&w")]), "k%20y=v%26w");
    }

    #[test]
    fn form_decode_rules() {
        assert_eq!(form_decode("a+b").unwrap(), "a b");
        assert_eq!(form_decode("a%20b").unwrap(), "a b");
        assert_eq!(form_decode("%2B").unwrap(), "+");
        assert_eq!(form_decode("%c3%A9").unwrap(), "é");
        assert_eq!(form_decode("é").unwrap(), "é");
        assert_eq!(form_decode("100%"), None);
        assert_eq!(form_decode("%4"), None);
        assert_eq!(form_decode("%zz"), None);
        assert_eq!(form_decode("%FF"), None, "not UTF-8");
        assert_eq!(form_decode("%C3"), None, "truncated UTF-8");
    }

    #[test]
    fn form_round_trip_property() {
        let mut rng = Rng(777);
        let alphabet = ["a", "Z", "0", " ", "+", "%", "&", "=", "é", "😀", "~", "/", "?", "#", "\u{7f}"];
        for _ in 0..2000 {
            let s = rng.string_from(&alphabet, 20);
            assert_eq!(form_decode(&form_encode(&s)).unwrap(), s);
        }
    }

    #[test]
    fn parse_query_pairs() {
        let q = parse_query("a=1&&b=x+y&c&d=%26&=e&f=g=h").unwrap();
        let expected: Vec<(String, String)> = [("a", "1"), ("b", "x y"), ("c", ""), ("d", "&"), ("", "e"), ("f", "g=h")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(q, expected);
        assert_eq!(parse_query("").unwrap(), vec![]);
        assert_eq!(parse_query("a=%zz"), None);
        assert_eq!(parse_query("%zz=a"), None);
    }
}
