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

/// Settles when an `IDBRequest` (or `IDBOpenDBRequest`) succeeds or fails.
fn settle(request: &JsValue) -> Promise {
    let request = request.clone();
    Promise::new(&mut |resolve, reject| {
        let ok = {
            let request = request.clone();
            Closure::once_into_js(move |_: JsValue| {
                let result = Reflect::get(&request, &"result".into()).unwrap_or(JsValue::UNDEFINED);
                let _ = resolve.call1(&JsValue::UNDEFINED, &result);
            })
        };
        let fail = Closure::once_into_js(move |_: JsValue| {
            let _ = reject.call0(&JsValue::UNDEFINED);
        });
        let _ = Reflect::set(&request, &"onsuccess".into(), &ok);
        let _ = Reflect::set(&request, &"onerror".into(), &fail);
    })
}

async fn open() -> Option<JsValue> {
    let factory = global::get("indexedDB")?;
    let request = call(&factory, "open", &[&DATABASE.into(), &1.into()]).ok()?;
    // First open: create the object store.
    let upgrade = {
        let request = request.clone();
        Closure::once_into_js(move |_: JsValue| {
            if let Ok(db) = Reflect::get(&request, &"result".into()) {
                let _ = call(&db, "createObjectStore", &[&STORE.into()]);
            }
        })
    };
    let _ = Reflect::set(&request, &"onupgradeneeded".into(), &upgrade);
    JsFuture::from(settle(&request)).await.ok()
}

async fn request(method: &str, mode: &str, args: &[&JsValue]) -> Option<JsValue> {
    let db = open().await?;
    let tx = call(&db, "transaction", &[&STORE.into(), &mode.into()]).ok()?;
    let store = call(&tx, "objectStore", &[&STORE.into()]).ok()?;
    let req = call(&store, method, args).ok()?;
    let result = JsFuture::from(settle(&req)).await.ok();
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
