//! A key-value store in IndexedDB (database `wasm-oauth`, object store `kv`), for values Web
//! Storage can't hold (non-extractable `CryptoKey`s) and for reads that must see another
//! tab's latest write (Chromium can serve a stale localStorage value right after a Web Lock
//! changes hands; IndexedDB reads inside the lock are consistent).

use super::global::{self, call};
use js_sys::{Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

const DATABASE: &str = "wasm-oauth";
const STORE: &str = "kv";

type Handler = Closure<dyn FnMut(JsValue)>;

/// Waits for an `IDBRequest` (or `IDBOpenDBRequest`) to succeed (its `result`) or fail.
/// The promise's own resolve and reject functions are the handlers: no Rust closure to own
/// and free (each closure type also costs wasm code).
async fn settle(request: &JsValue) -> Option<JsValue> {
    let promise = Promise::new(&mut |resolve, reject| {
        let _ = Reflect::set(request, &"onsuccess".into(), &resolve);
        let _ = Reflect::set(request, &"onerror".into(), &reject);
    });
    let settled = JsFuture::from(promise).await.is_ok();
    for event in ["onsuccess", "onerror"] {
        let _ = Reflect::set(request, &event.into(), &JsValue::NULL);
    }
    if settled { Reflect::get(request, &"result".into()).ok() } else { None }
}

async fn open() -> Option<JsValue> {
    let factory = global::get("indexedDB")?;
    let request = call(&factory, "open", &[&DATABASE.into(), &1.into()]).ok()?;
    // First open: create the object store. Owned, like settle's handlers: it runs only once
    // per browser profile.
    let upgrade: Handler = {
        let request = request.clone();
        Closure::once(move |_: JsValue| {
            if let Ok(db) = Reflect::get(&request, &"result".into()) {
                let _ = call(&db, "createObjectStore", &[&STORE.into()]);
            }
        })
    };
    let _ = Reflect::set(&request, &"onupgradeneeded".into(), upgrade.as_ref());
    let db = settle(&request).await;
    let _ = Reflect::set(&request, &"onupgradeneeded".into(), &JsValue::NULL);
    drop(upgrade);
    db
}

async fn request(method: &str, mode: &str, args: &[&JsValue]) -> Option<JsValue> {
    let db = open().await?;
    let tx = call(&db, "transaction", &[&STORE.into(), &mode.into()]).ok()?;
    let store = call(&tx, "objectStore", &[&STORE.into()]).ok()?;
    let req = call(&store, method, args).ok()?;
    let result = settle(&req).await;
    let _ = call(&db, "close", &[]);
    result
}

/// The value under `key`; `None` when missing or when IndexedDB is unavailable.
pub async fn get(key: &str) -> Option<JsValue> {
    request("get", "readonly", &[&key.into()]).await.filter(|v| !v.is_undefined())
}

/// Stores `value` (any structured-cloneable value) under `key`; false when it couldn't.
pub async fn put(key: &str, value: &JsValue) -> bool {
    request("put", "readwrite", &[value, &key.into()]).await.is_some()
}

/// Removes `key`.
pub async fn delete(key: &str) {
    let _ = request("delete", "readwrite", &[&key.into()]).await;
}
