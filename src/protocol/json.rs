//! A small JSON reader and writer, so that token answers, metadata, ID token claims and stored
//! records are parsed in plain Rust (host-tested, fuzzed) without serde_json's size.
//!
//! Numbers are kept as `f64` parsed by hand (no `str::parse::<f64>`, whose float code is large).
//! Nesting depth is bounded so hostile input can't exhaust the stack.

/// A parsed JSON value. Objects keep their members in order; a repeated key keeps the last.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Value>),
    Object(Vec<(String, Value)>),
}

/// Deepest nesting accepted by [`parse`].
pub const MAX_DEPTH: usize = 64;

/// Parses a whole JSON text (surrounding whitespace allowed). `None` for anything invalid.
pub fn parse(text: &str) -> Option<Value> {
    todo!()
}

impl Value {
    /// The member `key` of an object; `None` for a non-object or a missing key.
    pub fn get(&self, key: &str) -> Option<&Value> { todo!() }
    /// The string, when this is one.
    pub fn as_str(&self) -> Option<&str> { todo!() }
    /// The number, when this is one.
    pub fn as_f64(&self) -> Option<f64> { todo!() }
    /// The members, when this is an object.
    pub fn as_object(&self) -> Option<&[(String, Value)]> { todo!() }
    /// Serialises to compact JSON. Non-finite numbers become `null`; integral numbers
    /// print without a fraction (no float formatting code).
    pub fn to_json(&self) -> String { todo!() }
}

/// Appends `s` as a JSON string literal (quotes and escapes) to `out`.
pub fn write_string(out: &mut String, s: &str) { todo!() }

/// Builds a flat JSON object member by member, for request bodies and stored records.
pub struct ObjectWriter { buf: String, first: bool }

impl ObjectWriter {
    pub fn new() -> Self { ObjectWriter { buf: String::from("{"), first: true } }
    /// Adds `"key": "value"`.
    pub fn string(&mut self, key: &str, value: &str) -> &mut Self { todo!() }
    /// Adds `"key": ["a", "b"]`.
    pub fn strings(&mut self, key: &str, values: &[String]) -> &mut Self { todo!() }
    /// Adds `"key": 123` (an integer).
    pub fn integer(&mut self, key: &str, value: i64) -> &mut Self { todo!() }
    /// Adds `"key": <raw>`, where raw is already valid JSON.
    pub fn raw(&mut self, key: &str, raw_json: &str) -> &mut Self { todo!() }
    /// Closes the object.
    pub fn finish(self) -> String { todo!() }
}
