//! Protocol values to JS objects (camelCase, as API.md's shapes).

use crate::prelude::*;

use crate::protocol::token::TokenSet;
use js_sys::{Object, Reflect, JSON};
use wasm_bindgen::JsValue;

fn set(object: &Object, key: &str, value: JsValue) {
    let _ = Reflect::set(object, &JsValue::from_str(key), &value);
}

fn set_opt(object: &Object, key: &str, value: Option<&str>) {
    if let Some(v) = value {
        set(object, key, JsValue::from_str(v));
    }
}

/// API.md `TokenSet`; absent members are left out, not `undefined`.
pub fn token_set(t: &TokenSet) -> JsValue {
    let o = Object::new();
    set(&o, "accessToken", JsValue::from_str(t.access_token.expose()));
    set(&o, "tokenType", JsValue::from_str(&t.token_type));
    if let Some(at) = t.expires_at {
        set(&o, "expiresAt", JsValue::from_f64(at as f64));
    }
    set_opt(&o, "refreshToken", t.refresh_token.as_ref().map(|s| s.expose()));
    set_opt(&o, "idToken", t.id_token.as_ref().map(|s| s.expose()));
    set_opt(&o, "scope", t.scope.as_deref());
    o.into()
}

/// API.md `CallbackResult`: `{tokens, appState?}`.
pub fn callback_result(tokens: &TokenSet, app_state: Option<&str>) -> JsValue {
    let o = Object::new();
    set(&o, "tokens", token_set(tokens));
    // appState was written by JSON.stringify; stored data that no longer parses is dropped.
    if let Some(state) = app_state.and_then(|text| JSON::parse(text).ok()) {
        set(&o, "appState", state);
    }
    o.into()
}

/// JSON text to a JS value, `null` when it doesn't parse.
pub fn parse_json(text: Option<String>) -> JsValue {
    text.and_then(|t| JSON::parse(&t).ok()).unwrap_or(JsValue::NULL)
}
