//! The address bar: reading it, navigating away, and rewriting it without a reload.

use crate::prelude::*;

use super::global::{self, call};
use js_sys::Reflect;
use wasm_bindgen::JsValue;

/// `location.href`, when there is a location.
pub fn href() -> Option<String> {
    let location = global::get("location")?;
    Reflect::get(&location, &JsValue::from_str("href")).ok()?.as_string()
}

/// `location.assign(url)`: leaves the page.
pub fn assign(url: &str) -> bool {
    let Some(location) = global::get("location") else { return false };
    call(&location, "assign", &[&url.into()]).is_ok()
}

/// `history.replaceState(history.state, "", url)`: drops callback parameters from the
/// address bar without a navigation; failures are ignored (nothing to lose).
pub fn replace(url: &str) {
    // Through Reflect, not typed bindings: fewer imports and less JS glue.
    if let Some(history) = global::get("history") {
        let state = Reflect::get(&history, &"state".into()).unwrap_or(JsValue::NULL);
        let _ = call(&history, "replaceState", &[&state, &"".into(), &url.into()]);
    }
}
