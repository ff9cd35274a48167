//! Key-value storage: `sessionStorage`, `localStorage`, or an in-page memory map.
//!
//! Web Storage can be missing (Node, workers), blocked (sandboxed iframes, privacy modes) or
//! full; every such case falls back to, or behaves like, memory and never throws.
//! The memory map is a plain list: it holds a handful of records, and a map type costs
//! kilobytes of wasm. Web Storage methods are called through Reflect (`global::call`): each
//! typed binding would be one more import with its JS glue.

use wasm_bindgen::prelude::*;
use crate::prelude::*;

use super::global::{self, call};
use super::PageLocal;
use js_sys::Reflect;
use crate::protocol::config::StorageKind;
use core::cell::RefCell;

/// One memory map per page, shared by every client, so that clients with the same key
/// share tokens also with `storage: "memory"`.
static MEMORY: PageLocal<RefCell<Vec<(String, String)>>> = PageLocal(RefCell::new(Vec::new()));

/// Where records live.
#[derive(Clone)]
pub enum Store {
    Web(web_sys::Storage),
    Memory,
}

impl Store {
    /// The store for a kind; Web Storage that can't be reached or written becomes memory.
    pub fn open(kind: StorageKind) -> Store {
        let name = match kind {
            StorageKind::Session => "sessionStorage",
            StorageKind::Local => "localStorage",
            StorageKind::Memory => return Store::Memory,
        };
        match global::get_as::<web_sys::Storage>(name) {
            Some(storage) => Store::Web(storage),
            None => Store::Memory,
        }
    }

    /// The store sign-in transactions use: always sessionStorage, so they survive the redirect.
    pub fn transactions() -> Store {
        Store::open(StorageKind::Session)
    }

    pub fn get(&self, key: &str) -> Option<String> {
        match self {
            Store::Web(_) => self.get_js(key)?.as_string(),
            Store::Memory => MEMORY.0.borrow().iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()),
        }
    }

    /// The stored value as a JS string, not copied into wasm memory: comparing it with `==`
    /// (JS `===`) is how a cached decode is checked cheaply on every token read.
    pub fn get_js(&self, key: &str) -> Option<JsValue> {
        match self {
            Store::Web(s) => call(s, "getItem", &[&key.into()]).ok().filter(|v| v.is_string()),
            Store::Memory => self.get(key).map(|v| JsValue::from_str(&v)),
        }
    }

    /// Writes a record. A full or blocked Web Storage reports `false`.
    pub fn set(&self, key: &str, value: &str) -> bool {
        match self {
            Store::Web(s) => call(s, "setItem", &[&key.into(), &value.into()]).is_ok(),
            Store::Memory => {
                let mut m = MEMORY.0.borrow_mut();
                m.retain(|(k, _)| k != key);
                m.push((key.to_owned(), value.to_owned()));
                true
            }
        }
    }

    pub fn remove(&self, key: &str) {
        match self {
            Store::Web(s) => {
                let _ = call(s, "removeItem", &[&key.into()]);
            }
            Store::Memory => {
                MEMORY.0.borrow_mut().retain(|(k, _)| k != key);
            }
        }
    }

    /// Every key starting with `prefix` (bounded by the store's length).
    pub fn keys_with_prefix(&self, prefix: &str) -> Vec<String> {
        match self {
            Store::Web(s) => {
                let len = Reflect::get(s, &"length".into()).ok().and_then(|n| n.as_f64()).unwrap_or(0.0) as u32;
                (0..len)
                    .filter_map(|i| call(s, "key", &[&i.into()]).ok()?.as_string())
                    .filter(|k| k.starts_with(prefix))
                    .collect()
            }
            Store::Memory => MEMORY.0.borrow().iter().filter(|(k, _)| k.starts_with(prefix)).map(|(k, _)| k.clone()).collect(),
        }
    }
}

/// True when `sessionStorage` can be reached here (not in Node, workers or blocked pages).
pub fn has_web_storage() -> bool {
    global::get("sessionStorage").is_some()
}
