//! `AuthError` as a JS `Error` with `name === "AuthError"`, `code`, `description`, `status`.

use crate::prelude::*;

use crate::protocol::{concat, AuthError};
use js_sys::Reflect;
use wasm_bindgen::JsValue;

/// The JS error object for an `AuthError`. `message` is `code: description`.
pub fn to_js(error: &AuthError) -> JsValue {
    let message = match &error.description {
        Some(d) => concat(&[&*error.code, ": ", d]),
        None => error.code.to_string(),
    };
    let js = js_sys::Error::new(&message);
    // (Reflect, not `set_name`: one import less.)
    let _ = Reflect::set(&js, &"name".into(), &"AuthError".into());
    let _ = Reflect::set(&js, &"code".into(), &JsValue::from_str(&error.code));
    if let Some(d) = &error.description {
        let _ = Reflect::set(&js, &"description".into(), &JsValue::from_str(d));
    }
    if let Some(status) = error.status {
        let _ = Reflect::set(&js, &"status".into(), &JsValue::from(status));
    }
    js.into()
}
