//! A small JSON reader and writer, so that token answers, metadata, ID token claims and stored
//! records are parsed in plain Rust (host-tested, fuzzed) without serde_json's size.
//!
//! Numbers are kept as `f64` parsed by hand (no `str::parse::<f64>`, whose float code is large).
//! Nesting depth is bounded so hostile input can't exhaust the stack.
//!
//! Number precision: the decimal-to-binary conversion multiplies or divides the (at most 19
//! significant digit) mantissa by a power of ten, so integers up to 2^53 and the usual short
//! decimals are exact, while long or extreme values may be off by a few units in the last place.
//! Magnitudes beyond `f64` become infinities (serialised as `null`), tiny ones zero.
//! Non-integral numbers are printed with 15 significant digits when that reads back to the same
//! value through [`parse`], else 17.

use crate::prelude::*;

/// A parsed JSON value. Objects keep their members in order; a repeated key keeps the last.
///
/// Repeated keys are all kept in the member list (so parsing stays linear on hostile input);
/// [`Value::get`] returns the last one, which is the value every lookup in the library sees.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Value>),
    Object(Vec<(String, Value)>),
}

/// 2^53 - 1, JavaScript's `Number.MAX_SAFE_INTEGER`.
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// Deepest nesting accepted by [`parse`].
pub const MAX_DEPTH: usize = 64;

/// Parses a whole JSON text (surrounding whitespace allowed). `None` for anything invalid.
pub fn parse(text: &str) -> Option<Value> {
    let mut p = Parser { s: text, b: text.as_bytes(), i: 0 };
    p.ws();
    let v = p.value(0)?;
    p.ws();
    if p.i == p.b.len() { Some(v) } else { None }
}

/// Parses a JSON number text (exactly the JSON grammar, no surrounding whitespace); the
/// writer uses it to check that a short form reads back as the same number. `None` for
/// anything else.
pub fn parse_number(text: &str) -> Option<f64> {
    let mut p = Parser { s: text, b: text.as_bytes(), i: 0 };
    let n = p.number()?;
    if p.i == p.b.len() { Some(n) } else { None }
}

struct Parser<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        if self.peek() == Some(c) {
            self.i += 1;
            Some(())
        } else {
            None
        }
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.i.checked_add(word.len())?;
        if self.b.get(self.i..end)? == word {
            self.i = end;
            Some(())
        } else {
            None
        }
    }

    fn value(&mut self, depth: usize) -> Option<Value> {
        match self.peek()? {
            open @ (b'{' | b'[') => self.container(depth + 1, open == b'{'),
            b'"' => self.string().map(Value::String),
            b't' => self.literal(b"true").map(|()| Value::Bool(true)),
            b'f' => self.literal(b"false").map(|()| Value::Bool(false)),
            b'n' => self.literal(b"null").map(|()| Value::Null),
            b'-' | b'0'..=b'9' => self.number().map(Value::Number),
            _ => None,
        }
    }

    /// An array or (`object`) an object, at the opening bracket; one loop for both.
    fn container(&mut self, depth: usize, object: bool) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.i += 1;
        let close = if object { b'}' } else { b']' };
        let mut items = Vec::new();
        let mut members = Vec::new();
        self.ws();
        if self.eat(close).is_none() {
            loop {
                self.ws();
                let key = if object {
                    let key = self.string()?;
                    self.ws();
                    self.eat(b':')?;
                    self.ws();
                    Some(key)
                } else {
                    None
                };
                let v = self.value(depth)?;
                match key {
                    Some(key) => members.push((key, v)),
                    None => items.push(v),
                }
                self.ws();
                if self.eat(b',').is_none() {
                    self.eat(close)?;
                    break;
                }
            }
        }
        Some(if object { Value::Object(members) } else { Value::Array(items) })
    }

    fn hex4(&mut self) -> Option<u32> {
        let mut v: u32 = 0;
        for _ in 0..4 {
            v = (v << 4) | u32::from(crate::protocol::encoding::hex_value(self.peek()?)?);
            self.i += 1;
        }
        Some(v)
    }

    fn string(&mut self) -> Option<String> {
        self.eat(b'"')?;
        let mut out = String::new();
        let mut run = self.i;
        loop {
            let c = self.peek()?;
            match c {
                b'"' | b'\\' => {
                    out.push_str(self.s.get(run..self.i)?);
                    self.i += 1;
                    if c == b'"' {
                        return Some(out);
                    }
                    let e = self.peek()?;
                    self.i += 1;
                    let ch = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hi = self.hex4()?;
                            if (0xD800..0xDC00).contains(&hi) {
                                // A high surrogate must be followed by an escaped low one.
                                self.eat(b'\\')?;
                                self.eat(b'u')?;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return None;
                                }
                                char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))?
                            } else {
                                // A lone low surrogate is not a char: `from_u32` refuses it.
                                char::from_u32(hi)?
                            }
                        }
                        _ => return None,
                    };
                    out.push(ch);
                    run = self.i;
                }
                0..=0x1F => return None,
                _ => self.i += 1,
            }
        }
    }

    fn digit(&self) -> Option<u8> {
        match self.peek() {
            Some(c @ b'0'..=b'9') => Some(c - b'0'),
            _ => None,
        }
    }

    fn number(&mut self) -> Option<f64> {
        let negative = self.eat(b'-').is_some();
        let mut mantissa: u64 = 0;
        let mut exp10: i64 = 0;
        // Integer part: `0` or a non-zero digit followed by digits.
        match self.digit()? {
            0 => self.i += 1,
            _ => {
                while let Some(d) = self.digit() {
                    add_digit(&mut mantissa, &mut exp10, d, false);
                    self.i += 1;
                }
            }
        }
        if self.eat(b'.').is_some() {
            self.digit()?;
            while let Some(d) = self.digit() {
                add_digit(&mut mantissa, &mut exp10, d, true);
                self.i += 1;
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            let exp_negative = self.eat(b'-').is_some();
            if !exp_negative {
                let _ = self.eat(b'+');
            }
            self.digit()?;
            let mut e: i64 = 0;
            while let Some(d) = self.digit() {
                e = e.saturating_mul(10).saturating_add(d as i64);
                self.i += 1;
            }
            exp10 = if exp_negative { exp10.saturating_sub(e) } else { exp10.saturating_add(e) };
        }
        let v = scale(mantissa as f64, exp10);
        Some(if negative { -v } else { v })
    }
}

/// Takes one more digit into the mantissa (19 significant digits at most; further integer
/// digits only scale, further fraction digits are dropped).
fn add_digit(m: &mut u64, e: &mut i64, d: u8, fraction: bool) {
    if *m < 100_000_000_000_000_000 {
        *m = *m * 10 + d as u64;
        if fraction {
            *e -= 1;
        }
    } else if !fraction {
        *e = e.saturating_add(1);
    }
}

/// 10^(2^k), correctly rounded (the compiler converts the literals).
const POW10_SQUARES: [f64; 9] = [1e1, 1e2, 1e4, 1e8, 1e16, 1e32, 1e64, 1e128, 1e256];

/// 10^n, from the binary digits of `n` (exact up to 10^22, within a few ulp above); infinity
/// beyond `f64`.
fn pow10(n: u64) -> f64 {
    if n > 511 {
        return f64::INFINITY;
    }
    let mut result = 1.0;
    for (k, p) in POW10_SQUARES.iter().enumerate() {
        if n & (1 << k) != 0 {
            result *= p;
        }
    }
    result
}

/// `m * 10^e` for a non-negative `m`, in at most two steps of 10^300 or less, so that a
/// subnormal result isn't lost to an infinite divisor (and a huge one becomes infinity).
fn scale(m: f64, e: i64) -> f64 {
    if m == 0.0 {
        return 0.0;
    }
    let n = e.unsigned_abs();
    let (first, second) = (pow10(n.min(300)), pow10(n.saturating_sub(300)));
    if e >= 0 { m * first * second } else { m / first / second }
}

/// Appends the decimal digits of `v`.
pub fn write_u64(out: &mut String, v: u64) {
    // Recursion (at most 20 deep) instead of a digit buffer: less code.
    if v >= 10 {
        write_u64(out, v / 10);
    }
    out.push(char::from(b'0' + (v % 10) as u8));
}

/// Appends the decimal digits of `v`, with a `-` when negative.
pub fn write_i64(out: &mut String, v: i64) {
    if v < 0 {
        out.push('-');
    }
    write_u64(out, v.unsigned_abs());
}

/// Appends a finite number: integers as integers, other values with 15 (or, when 15 would not
/// read back to the same value, 17) significant digits. Non-finite numbers become `null`.
pub fn write_number(out: &mut String, v: f64) {
    if !v.is_finite() {
        out.push_str("null");
        return;
    }
    // |v| < 2^63: exact as i64 when integral.
    if v.abs() < 9.2e18 && v == (v as i64) as f64 {
        write_i64(out, v as i64);
        return;
    }
    let short = decimal(v, 15);
    if parse_number(&short) == Some(v) {
        out.push_str(&short);
    } else {
        out.push_str(&decimal(v, 17));
    }
}

/// `v` (finite, non-zero) with `digits` significant digits, in JSON syntax: plain for
/// 1e-7 <= |v| < 1e21, else `d.ddde-N`.
fn decimal(v: f64, digits: u32) -> String {
    let mut out = String::new();
    if v < 0.0 {
        out.push('-');
    }
    let a = v.abs();
    // Decimal exponent: 10^e10 <= a < 10^(e10+1).
    let mut e10: i64 = 0;
    let mut t = a;
    while t >= 10.0 && e10 < 400 {
        t /= 10.0;
        e10 += 1;
    }
    while t < 1.0 && e10 > -400 {
        t *= 10.0;
        e10 -= 1;
    }
    // Integer with `digits` digits: a * 10^(digits - 1 - e10), rounded.
    let shift = (digits as i64) - 1 - e10;
    let mut scaled = scale(a, shift);
    // The exponent estimate may be one off after many inexact divisions: fix it up.
    let high = pow10(u64::from(digits));
    if scaled >= high {
        scaled /= 10.0;
        e10 += 1;
    } else if scaled < high / 10.0 {
        scaled *= 10.0;
        e10 -= 1;
    }
    let mut m = (scaled + 0.5) as u64;
    if m >= high as u64 {
        // Rounding carried into a new digit (9.99.. -> 10.0..).
        m /= 10;
        e10 += 1;
    }
    while m % 10 == 0 && m > 0 {
        m /= 10;
    }
    let mut ds = String::new();
    write_u64(&mut ds, m);
    // Digits before the point: e10 + 1 written plainly, 1 with an exponent.
    let plain = (-7..21).contains(&e10);
    let point = if plain { e10 + 1 } else { 1 };
    if point <= 0 {
        out.push_str("0.");
        for _ in point..0 {
            out.push('0');
        }
    }
    let mut i = 0;
    for c in ds.chars() {
        if i == point && i > 0 {
            out.push('.');
        }
        out.push(c);
        i += 1;
    }
    for _ in i..point {
        out.push('0');
    }
    if !plain {
        out.push('e');
        write_i64(&mut out, e10);
    }
    out
}

impl Value {
    /// The member `key` of an object; `None` for a non-object or a missing key.
    /// With a repeated key, the last member wins.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(members) => {
                // (An index loop: `iter().rev().find()` is more code at opt-level z.)
                let mut i = members.len();
                while i > 0 {
                    i -= 1;
                    let (k, v) = &members[i];
                    if k == key {
                        return Some(v);
                    }
                }
                None
            }
            _ => None,
        }
    }
    /// The string member `key`: `Some(None)` when there is no such member, `None` when it is
    /// not a string (`null` included).
    pub fn opt_str(&self, key: &str) -> Option<Option<&str>> {
        match self.get(key) {
            None => Some(None),
            Some(Value::String(s)) => Some(Some(s)),
            Some(_) => None,
        }
    }
    /// The string, when this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
    /// The number, when this is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }
    /// The number as an unsigned integer, when it is integral, >= 0 and at most 2^53 (the
    /// integers JavaScript holds exactly).
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Number(n) if *n >= 0.0 && *n <= MAX_SAFE_INTEGER as f64 && (*n as u64) as f64 == *n => Some(*n as u64),
            _ => None,
        }
    }
    /// The boolean, when this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
    /// The items, when this is an array.
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }
    /// The members, when this is an object.
    pub fn as_object(&self) -> Option<&[(String, Value)]> {
        match self {
            Value::Object(members) => Some(members),
            _ => None,
        }
    }
    /// Serialises to compact JSON. Non-finite numbers become `null`; integral numbers
    /// print without a fraction (no float formatting code).
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(true) => out.push_str("true"),
            Value::Bool(false) => out.push_str("false"),
            Value::Number(n) => write_number(out, *n),
            Value::String(s) => write_string(out, s),
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Value::Object(members) => {
                out.push('{');
                for (i, (k, v)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_string(out, k);
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// Appends `s` as a JSON string literal (quotes and escapes) to `out`.
pub fn write_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        let short = match c {
            '"' | '\\' => c,
            '\n' => 'n',
            '\r' => 'r',
            '\t' => 't',
            '\u{8}' => 'b',
            '\u{c}' => 'f',
            c if (c as u32) < 0x20 => {
                out.push_str("\\u00");
                let b = c as u32 as usize;
                out.push(char::from(HEX.get(b >> 4).copied().unwrap_or(b'0')));
                out.push(char::from(HEX.get(b & 15).copied().unwrap_or(b'0')));
                continue;
            }
            c => {
                out.push(c);
                continue;
            }
        };
        out.push('\\');
        out.push(short);
    }
    out.push('"');
}

/// Builds a flat JSON object member by member, for request bodies and stored records.
pub struct ObjectWriter { buf: String, first: bool }

impl Default for ObjectWriter {
    fn default() -> Self { Self::new() }
}

impl ObjectWriter {
    pub fn new() -> Self { ObjectWriter { buf: String::from("{"), first: true } }

    fn key(&mut self, key: &str) {
        if !self.first {
            self.buf.push(',');
        }
        self.first = false;
        write_string(&mut self.buf, key);
        self.buf.push(':');
    }

    /// Adds `"key": "value"`.
    pub fn string(&mut self, key: &str, value: &str) -> &mut Self {
        self.key(key);
        write_string(&mut self.buf, value);
        self
    }
    /// Adds `"key": ["a", "b"]`.
    pub fn strings(&mut self, key: &str, values: &[String]) -> &mut Self {
        self.key(key);
        self.buf.push('[');
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.buf.push(',');
            }
            write_string(&mut self.buf, v);
        }
        self.buf.push(']');
        self
    }
    /// Adds `"key": 123` (an integer).
    pub fn integer(&mut self, key: &str, value: i64) -> &mut Self {
        self.key(key);
        write_i64(&mut self.buf, value);
        self
    }
    /// Adds `"key": true` or `false`.
    pub fn boolean(&mut self, key: &str, value: bool) -> &mut Self {
        self.key(key);
        self.buf.push_str(if value { "true" } else { "false" });
        self
    }
    /// Adds `"key": <raw>`, where raw is already valid JSON.
    pub fn raw(&mut self, key: &str, raw_json: &str) -> &mut Self {
        self.key(key);
        self.buf.push_str(raw_json);
        self
    }
    /// Closes the object.
    pub fn finish(self) -> String {
        let mut buf = self.buf;
        buf.push('}');
        buf
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::encoding::tests::Rng;

    fn s(v: &str) -> Value { Value::String(v.to_string()) }

    #[test]
    fn parses_scalars() {
        assert_eq!(parse("null"), Some(Value::Null));
        assert_eq!(parse("true"), Some(Value::Bool(true)));
        assert_eq!(parse(" false \n"), Some(Value::Bool(false)));
        assert_eq!(parse("0"), Some(Value::Number(0.0)));
        assert_eq!(parse("-0"), Some(Value::Number(-0.0)));
        assert_eq!(parse("3600"), Some(Value::Number(3600.0)));
        assert_eq!(parse("-12.5"), Some(Value::Number(-12.5)));
        assert_eq!(parse("1e3"), Some(Value::Number(1000.0)));
        assert_eq!(parse("1E+2"), Some(Value::Number(100.0)));
        assert_eq!(parse("25e-1"), Some(Value::Number(2.5)));
        assert_eq!(parse("0.1"), Some(Value::Number(0.1)));
        assert_eq!(parse("0.000001"), Some(Value::Number(0.000001)));
        assert_eq!(parse("\"hi\""), Some(s("hi")));
    }

    #[test]
    fn parses_nested_structures() {
        let v = parse(r#" { "a" : [1, "x", {"b": null}], "c": {} , "d": [] } "#).unwrap();
        assert_eq!(v.get("a"), Some(&Value::Array(vec![
            Value::Number(1.0),
            s("x"),
            Value::Object(vec![("b".into(), Value::Null)]),
        ])));
        assert_eq!(v.get("c"), Some(&Value::Object(vec![])));
        assert_eq!(v.get("d").and_then(Value::as_array), Some(&[][..]));
        assert_eq!(v.get("zz"), None);
        assert_eq!(Value::Null.get("a"), None);
        assert_eq!(v.as_object().unwrap().len(), 3);
    }

    #[test]
    fn repeated_key_last_wins_on_get() {
        let v = parse(r#"{"a":1,"a":2}"#).unwrap();
        assert_eq!(v.get("a").and_then(Value::as_f64), Some(2.0));
        assert_eq!(v.as_object().unwrap().len(), 2, "both members are kept");
    }

    #[test]
    fn rejects_invalid_grammar() {
        for bad in [
            "", " ", "{", "}", "[1,]", "[,1]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "{'a':1}",
            "[1 2]", "tru", "nul", "True", "NaN", "Infinity", "-", "+1", ".5", "1.", "1.e3", "1e",
            "1e+", "01", "-01", "00", "0x10", "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"",
            "[1]]", "{}{}", "1 2", "\"a\" x", "{\"a\":1}garbage", "[1,2]\u{0}",
            "\u{feff}{}", "[\"a\"\n,]",
        ] {
            assert_eq!(parse(bad), None, "{bad:?} should be rejected");
        }
    }

    #[test]
    fn rejects_trailing_garbage() {
        assert_eq!(parse("{} x"), None);
        assert_eq!(parse("123abc"), None);
        assert_eq!(parse("[1]  ,"), None);
        assert!(parse("{}   \r\n\t").is_some());
    }

    #[test]
    fn rejects_leading_zeros() {
        assert_eq!(parse("012"), None);
        assert_eq!(parse("[00]"), None);
        assert_eq!(parse("-012.5"), None);
        assert_eq!(parse("0.012"), Some(Value::Number(0.012)));
    }

    #[test]
    fn string_escapes() {
        assert_eq!(parse(r#""a\"b\\c\/d\b\f\n\r\t""#), Some(s("a\"b\\c/d\u{8}\u{c}\n\r\t")));
        assert_eq!(parse(r#""\u0041\u00e9\u20AC""#), Some(s("Aé€")));
        assert_eq!(parse(r#""\u0000""#), Some(s("\u{0}")));
        // Surrogate pair -> one astral char.
        assert_eq!(parse(r#""\ud83d\ude00""#), Some(s("😀")));
        assert_eq!(parse(r#""x\uD834\uDD1Ey""#), Some(s("x𝄞y")));
        // Raw UTF-8 passes through.
        assert_eq!(parse("\"héllo 😀\""), Some(s("héllo 😀")));
    }

    #[test]
    fn rejects_lone_surrogates() {
        assert_eq!(parse(r#""\ud83d""#), None);
        assert_eq!(parse(r#""\ud83dx""#), None);
        assert_eq!(parse(r#""\ud83d\u0041""#), None);
        assert_eq!(parse(r#""\ude00""#), None);
        assert_eq!(parse(r#""\ude00\ud83d""#), None);
        assert_eq!(parse(r#""\ud83d\ud83d""#), None);
    }

    #[test]
    fn rejects_control_characters_in_strings() {
        assert_eq!(parse("\"a\nb\""), None);
        assert_eq!(parse("\"a\tb\""), None);
        assert_eq!(parse("\"\u{0}\""), None);
        assert_eq!(parse("\"\u{1f}\""), None);
        assert_eq!(parse("\"\u{7f}\""), Some(s("\u{7f}")), "DEL is not a control char in JSON");
    }

    #[test]
    fn depth_limit() {
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(&ok).is_some());
        let too_deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert_eq!(parse(&too_deep), None);
        let objects = "{\"a\":".repeat(MAX_DEPTH + 1) + "1" + &"}".repeat(MAX_DEPTH + 1);
        assert_eq!(parse(&objects), None);
        let ok_objects = "{\"a\":".repeat(MAX_DEPTH) + "1" + &"}".repeat(MAX_DEPTH);
        assert!(parse(&ok_objects).is_some());
        // A depth bomb: must fail fast, not overflow the stack.
        let bomb = "[".repeat(1_000_000);
        assert_eq!(parse(&bomb), None);
        let bomb2 = "{\"a\":[".repeat(200_000);
        assert_eq!(parse(&bomb2), None);
    }

    #[test]
    fn big_and_small_numbers() {
        assert_eq!(parse("9007199254740993").and_then(|v| v.as_f64()), Some(9007199254740992.0));
        assert_eq!(parse("12345678901234567890").and_then(|v| v.as_f64()), Some(12345678901234567890.0));
        let long = "1".to_string() + &"0".repeat(400);
        assert_eq!(parse(&long).and_then(|v| v.as_f64()), Some(f64::INFINITY));
        assert_eq!(parse("1e400").and_then(|v| v.as_f64()), Some(f64::INFINITY));
        assert_eq!(parse("-1e400").and_then(|v| v.as_f64()), Some(f64::NEG_INFINITY));
        assert_eq!(parse("1e-400").and_then(|v| v.as_f64()), Some(0.0));
        assert_eq!(parse("1e99999999999999999999999").and_then(|v| v.as_f64()), Some(f64::INFINITY));
        assert_eq!(parse("0e99999999999999999999999").and_then(|v| v.as_f64()), Some(0.0));
        assert_eq!(parse("1.7976931348623157e308").and_then(|v| v.as_f64()), Some(f64::MAX));
        assert_eq!(parse("1e308").and_then(|v| v.as_f64()), Some(1e308));
        let fractional = "0.".to_string() + &"0".repeat(30) + "123";
        let v = parse(&fractional).and_then(|v| v.as_f64()).unwrap();
        assert!((v / 1.23e-31 - 1.0).abs() < 1e-12, "{v}");
        // Many digits after the point beyond the mantissa's precision are dropped, not misread.
        assert_eq!(parse("1.00000000000000000000000000001").and_then(|v| v.as_f64()), Some(1.0));
        assert_eq!(parse("1700000000").and_then(|v| v.as_f64()), Some(1_700_000_000.0));
        assert_eq!(parse("1700000000123").and_then(|v| v.as_f64()), Some(1_700_000_000_123.0));
    }

    #[test]
    fn parse_number_alone() {
        assert_eq!(parse_number("3600"), Some(3600.0));
        assert_eq!(parse_number("3600.5"), Some(3600.5));
        assert_eq!(parse_number(" 3600"), None);
        assert_eq!(parse_number("3600 "), None);
        assert_eq!(parse_number(""), None);
        assert_eq!(parse_number("36a"), None);
        assert_eq!(parse_number("0x10"), None);
    }

    #[test]
    fn accessors() {
        let v = parse(r#"{"s":"x","n":2,"b":true,"a":[1],"o":{}}"#).unwrap();
        assert_eq!(v.get("s").and_then(Value::as_str), Some("x"));
        assert_eq!(v.get("n").and_then(Value::as_str), None);
        assert_eq!(v.get("n").and_then(Value::as_f64), Some(2.0));
        assert_eq!(v.get("s").and_then(Value::as_f64), None);
        assert_eq!(v.get("b").and_then(Value::as_bool), Some(true));
        assert_eq!(v.get("n").and_then(Value::as_u64), Some(2));
        for (text, expected) in [("0", Some(0)), ("-1", None), ("1.5", None), ("9007199254740991", Some(MAX_SAFE_INTEGER)),
            ("9007199254740992", None), ("1e400", None), ("\"5\"", None), ("-0", Some(0))] {
            assert_eq!(parse(text).unwrap().as_u64(), expected, "{text}");
        }
        assert_eq!(v.get("a").and_then(Value::as_array).map(<[Value]>::len), Some(1));
        assert_eq!(v.get("o").and_then(Value::as_object).map(<[(String, Value)]>::len), Some(0));
        assert_eq!(v.get("a").and_then(Value::as_object), None);
    }

    #[test]
    fn to_json_round_trips() {
        let text = r#"{"a":[1,-2,"x\"y",true,false,null],"b":{"c":"é😀\n\u0001"},"d":1700000000}"#;
        let v = parse(text).unwrap();
        assert_eq!(v.to_json(), text);
        assert_eq!(parse(&v.to_json()), Some(v));
    }

    #[test]
    fn to_json_numbers() {
        let cases: [(f64, &str); 14] = [
            (0.0, "0"),
            (-0.0, "0"),
            (42.0, "42"),
            (-7.0, "-7"),
            (1e15, "1000000000000000"),
            (9007199254740992.0, "9007199254740992"),
            (0.5, "0.5"),
            (-12.25, "-12.25"),
            (0.1, "0.1"),
            (2.71875, "2.71875"),
            (1.5e-10, "1.5e-10"),
            (1e300, "1e300"),
            (123456.789, "123456.789"),
            (0.001, "0.001"),
        ];
        for (n, expected) in cases {
            assert_eq!(Value::Number(n).to_json(), expected, "{n}");
        }
        assert_eq!(Value::Number(f64::NAN).to_json(), "null");
        assert_eq!(Value::Number(f64::INFINITY).to_json(), "null");
        assert_eq!(Value::Number(f64::NEG_INFINITY).to_json(), "null");
        // Values that need 17 digits still read back exactly.
        for n in [0.1 + 0.2, 1.0 / 3.0, 2.0f64.sqrt(), 1e-5 / 3.0, 1234.5678e-9] {
            let text = Value::Number(n).to_json();
            assert_eq!(parse(&text).and_then(|v| v.as_f64()), Some(n), "{n} printed as {text}");
        }
        // Extreme exponents: documented as approximate (a few ulp).
        for n in [-123.456e-200, 4.9e-300, 6.02214076e223] {
            let text = Value::Number(n).to_json();
            let back = parse(&text).and_then(|v| v.as_f64()).unwrap();
            assert!(((back - n) / n).abs() < 1e-14, "{n} printed as {text}, read {back}");
        }
    }

    #[test]
    fn random_numbers_print_as_json_close_to_their_value() {
        let mut rng = Rng(0x5EED);
        for _ in 0..50_000 {
            let n = f64::from_bits(rng.next());
            if !n.is_finite() {
                assert_eq!(Value::Number(n).to_json(), "null");
                continue;
            }
            let text = Value::Number(n).to_json();
            let back = parse(&text).and_then(|v| v.as_f64()).unwrap_or_else(|| panic!("{n:e} printed as invalid {text}"));
            if n.abs() > 1e-300 {
                assert!(((back - n) / n).abs() < 1e-13, "{n:e} printed as {text}, read back {back:e}");
            }
        }
        // Integral values from the integer range and decimals with few digits are exact.
        for _ in 0..20_000 {
            let i = (rng.next() >> 11) as f64;
            assert_eq!(parse(&Value::Number(i).to_json()).and_then(|v| v.as_f64()), Some(i));
            let d = (rng.next() % 1_000_000) as f64 / 1000.0;
            let text = Value::Number(d).to_json();
            assert_eq!(parse(&text).and_then(|v| v.as_f64()), Some(d), "{d} printed as {text}");
            assert!(text.len() <= 11, "{d} printed as {text}");
        }
    }

    #[test]
    fn write_string_escapes() {
        let mut out = String::new();
        write_string(&mut out, "a\"b\\c\n\r\t\u{8}\u{c}\u{1}\u{1f}é/");
        assert_eq!(out, r#""a\"b\\c\n\r\t\b\f\u0001\u001fé/""#);
        assert_eq!(parse(&out), Some(s("a\"b\\c\n\r\t\u{8}\u{c}\u{1}\u{1f}é/")));
    }

    #[test]
    fn itoa() {
        for (v, text) in [(0i64, "0"), (7, "7"), (-1, "-1"), (1234567890, "1234567890"),
            (i64::MAX, "9223372036854775807"), (i64::MIN, "-9223372036854775808")] {
            let mut out = String::new();
            write_i64(&mut out, v);
            assert_eq!(out, text);
        }
        let mut out = String::new();
        write_u64(&mut out, u64::MAX);
        assert_eq!(out, "18446744073709551615");
    }

    #[test]
    fn object_writer() {
        let mut w = ObjectWriter::new();
        w.string("a", "x\"y").strings("b", &["1".into(), "2".into()]).integer("c", -5)
            .raw("d", "{\"e\":null}").boolean("f", true).strings("g", &[]);
        let text = w.finish();
        assert_eq!(text, r#"{"a":"x\"y","b":["1","2"],"c":-5,"d":{"e":null},"f":true,"g":[]}"#);
        assert!(parse(&text).is_some());
        assert_eq!(ObjectWriter::new().finish(), "{}");
    }

    #[test]
    fn random_bytes_never_panic() {
        let mut rng = Rng(0xDEAD_BEEF);
        for _ in 0..20_000 {
            let raw = rng.bytes(40);
            let text = String::from_utf8_lossy(&raw);
            let _ = parse(&text);
            let _ = parse_number(&text);
        }
    }

    #[test]
    fn random_json_like_text_never_panics_and_round_trips() {
        let mut rng = Rng(42);
        let alphabet = ["{", "}", "[", "]", ",", ":", "\"", "\\", "u", "d83d", "de00", "a", "1", "0",
            "-", ".", "e", "+", " ", "true", "null", "\"k\"", "\\n", "é", "9", "E"];
        let mut parsed = 0;
        for _ in 0..50_000 {
            let text = rng.string_from(&alphabet, 16);
            if let Some(v) = parse(&text) {
                parsed += 1;
                let again = parse(&v.to_json()).expect("to_json output parses");
                assert_eq!(again.to_json(), v.to_json());
            }
        }
        assert!(parsed > 100, "the generator should hit valid JSON sometimes ({parsed})");
    }
}
