//! Reading properties of `globalThis` without throwing.

use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};

/// `globalThis[name]`, or `None` when missing, `undefined`/`null`, or when the getter throws
/// (e.g. `sessionStorage` in a sandboxed iframe throws a SecurityError).
pub fn get(name: &str) -> Option<JsValue> {
    let value = Reflect::get(&js_sys::global(), &JsValue::from_str(name)).ok()?;
    if value.is_undefined() || value.is_null() { None } else { Some(value) }
}

/// `globalThis[name]` cast without a runtime check (the caller knows the type).
pub fn get_as<T: JsCast>(name: &str) -> Option<T> {
    get(name).map(JsCast::unchecked_into)
}

/// True in a page (there is a `document`): secrets are refused there unless allowed.
pub fn has_document() -> bool {
    get("document").is_some()
}
