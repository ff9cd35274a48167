//! Web Locks (`navigator.locks`): one tab at a time for cross-tab work such as a refresh.
//! Where the API is missing (Node 20, old browsers) the work runs without a lock.

use super::global;
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// Resolves the lock's promise when dropped, so the lock is released on every path.
pub struct Release(Function);
impl Drop for Release {
    fn drop(&mut self) {
        let _ = self.0.call0(&JsValue::UNDEFINED);
    }
}

fn lock_request() -> Option<(JsValue, Function)> {
    let navigator = global::get("navigator")?;
    let locks = Reflect::get(&navigator, &JsValue::from_str("locks")).ok().filter(|l| l.is_object())?;
    let request = Reflect::get(&locks, &JsValue::from_str("request")).ok()?.dyn_into::<Function>().ok()?;
    Some((locks, request))
}

/// Takes the exclusive lock `name`; it is held until the returned guard is dropped. `None`
/// where there are no Web Locks (the caller goes on without one).
pub async fn acquire(name: &str) -> Option<Release> {
    let (locks, request) = lock_request()?;
    let mut release_fn = None;
    let held = Promise::new(&mut |resolve, _| release_fn = Some(resolve));
    let mut granted_fn = None;
    let granted = Promise::new(&mut |resolve, _| granted_fn = Some(resolve));
    let (Some(release_fn), Some(granted_fn)) = (release_fn, granted_fn) else { return None };
    let callback = Closure::once_into_js(move |_lock: JsValue| -> JsValue {
        let _ = granted_fn.call0(&JsValue::UNDEFINED);
        held.into()
    });
    let release = Release(release_fn);
    request.call2(&locks, &JsValue::from_str(name), &callback).ok()?;
    let _ = JsFuture::from(granted).await;
    Some(release)
}
