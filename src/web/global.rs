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

/// What this runtime offers, for [`ConfigInput::resolve`](crate::protocol::config::ConfigInput::resolve).
pub fn runtime() -> crate::protocol::config::Runtime {
    crate::protocol::config::Runtime { has_document: has_document(), has_web_storage: super::storage::has_web_storage() }
}

/// True in a page (there is a `document`): secrets are refused there unless allowed.
pub fn has_document() -> bool {
    get("document").is_some()
}

/// `target[method](...args)`, through Reflect, so rarely used APIs (IndexedDB, SubtleCrypto)
/// need no web-sys bindings of their own.
pub fn call(target: &JsValue, method: &str, args: &[&JsValue]) -> Result<JsValue, JsValue> {
    let function: js_sys::Function = Reflect::get(target, &JsValue::from_str(method))?.dyn_into()?;
    Reflect::apply(&function, target, &array(args))
}

/// `crypto.subtle`, where this runtime has WebCrypto.
pub fn subtle() -> Option<JsValue> {
    Reflect::get(&get("crypto")?, &"subtle".into()).ok().filter(|s| s.is_object())
}

/// `target[method](...args)` awaited: the promise's value, `None` when the call throws or the
/// promise rejects. (One for the DPoP key and the signature check: each async helper is its
/// own state machine in wasm.)
pub async fn call_async(target: &JsValue, method: &str, args: &[&JsValue]) -> Option<JsValue> {
    let promise = call(target, method, args).ok()?;
    wasm_bindgen_futures::JsFuture::from(js_sys::Promise::from(promise)).await.ok()
}

/// A JS array of `items` (one helper, not `Array::of1`, `of2`, ...: each is an import).
pub fn array(items: &[&JsValue]) -> js_sys::Array {
    let list = js_sys::Array::new();
    for item in items {
        list.push(item);
    }
    list
}

/// A plain object from key-value pairs.
pub fn object(members: &[(&str, JsValue)]) -> js_sys::Object {
    let o = js_sys::Object::new();
    for (k, v) in members {
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o
}
