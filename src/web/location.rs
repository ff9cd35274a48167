//! The address bar: reading it, navigating away, and rewriting it without a reload.

use crate::prelude::*;

use super::global;
use js_sys::Reflect;
use wasm_bindgen::JsValue;

/// `location.href`, when there is a location.
pub fn href() -> Option<String> {
    let location = global::get("location")?;
    Reflect::get(&location, &JsValue::from_str("href")).ok()?.as_string()
}

/// `location.assign(url)`: leaves the page.
pub fn assign(url: &str) -> bool {
    let Some(location) = global::get_as::<web_sys::Location>("location") else { return false };
    location.assign(url).is_ok()
}

/// `history.replaceState(history.state, "", url)`: drops callback parameters from the
/// address bar without a navigation; failures are ignored (nothing to lose).
pub fn replace(url: &str) {
    if let Some(history) = global::get_as::<web_sys::History>("history") {
        let state = history.state().unwrap_or(JsValue::NULL);
        let _ = history.replace_state_with_url(&state, "", Some(url));
    }
}
