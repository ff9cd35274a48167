//! The four mission functions as free functions. Each call resolves its config; clients with
//! the same key share storage and in-flight refreshes (see `crate::client`), so a fresh client
//! per call costs only the config check.

use super::auth_client::{rejected, AuthClient};
use js_sys::Promise;
use wasm_bindgen::prelude::*;

fn with_client(config: &JsValue, call: impl FnOnce(&AuthClient) -> Promise) -> Promise {
    match AuthClient::from_config(config) {
        Ok(client) => call(&client),
        Err(e) => rejected(e),
    }
}

// `new AuthClient(config).signIn(options)`, rejecting instead of throwing.
#[wasm_bindgen(js_name = signIn, skip_jsdoc)]
pub fn sign_in(config: JsValue, options: JsValue) -> Promise {
    with_client(&config, |c| c.sign_in(options))
}

// `new AuthClient(config).handleCallback(url)`, rejecting instead of throwing.
#[wasm_bindgen(js_name = handleCallback, skip_jsdoc)]
pub fn handle_callback(config: JsValue, url: JsValue) -> Promise {
    with_client(&config, |c| c.handle_callback(url))
}

// `new AuthClient(config).getToken(options)`, rejecting instead of throwing.
#[wasm_bindgen(js_name = getToken, skip_jsdoc)]
pub fn get_token(config: JsValue, options: JsValue) -> Promise {
    with_client(&config, |c| c.get_token(options))
}

// `new AuthClient(config).refresh()`, rejecting instead of throwing.
#[wasm_bindgen(skip_jsdoc)]
pub fn refresh(config: JsValue) -> Promise {
    with_client(&config, |c| c.refresh())
}
