//! The JSON reader/writer: `json::parse`, `json::parse_number`, `Value::to_json`.
//!
//! Invariants: no panic (also on deep nesting); a parsed value prints to JSON that parses back
//! to the same value (non-finite numbers become null; numbers beyond 2^53 or with 17
//! significant digits may move by a few ulps, as the json module documents).
#![no_main]
use libfuzzer_sys::fuzz_target;
use wasm_oauth::protocol::json;
use wasm_oauth_fuzz::same_json;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Some(n) = json::parse_number(&text) {
        assert!(!n.is_nan());
        assert!(matches!(json::parse(&text), Some(json::Value::Number(m)) if m == n || (m.is_infinite() && n.is_infinite())));
    }
    let Some(v) = json::parse(&text) else { return };
    let printed = v.to_json();
    let back = json::parse(&printed).unwrap_or_else(|| panic!("to_json output does not parse: {printed:?}"));
    assert!(same_json(&v, &back), "round trip changed the value: {text:?} -> {printed:?}");
    let again = json::parse(&back.to_json()).expect("prints parseable JSON");
    assert!(same_json(&back, &again), "a second round trip moved further");
});
