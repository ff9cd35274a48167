//! Running work later (`setTimeout`: pages, workers and Node alike), for housekeeping that
//! must happen while the page lives.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &JsValue, ms: u32) -> JsValue;
}

/// Calls `work` once, `ms` milliseconds from now.
pub fn after(ms: u32, work: impl FnOnce() + 'static) {
    let _ = set_timeout(&Closure::once_into_js(work), ms);
}
