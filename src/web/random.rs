//! Random bytes from `crypto.getRandomValues` (Web Crypto; also in workers and Node 20).

use crate::protocol::AuthError;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues, catch)]
    fn get_random_values(buf: &mut [u8]) -> Result<JsValue, JsValue>;
}

/// 32 bytes from the platform CSPRNG. Without Web Crypto there is no safe way to sign in.
pub fn bytes32() -> Result<[u8; 32], AuthError> {
    let mut buf = [0u8; 32];
    get_random_values(&mut buf)
        .map_err(|_| AuthError::config("crypto.getRandomValues is not available in this runtime"))?;
    Ok(buf)
}
