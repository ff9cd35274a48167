//! The opt-in ID token signature check, WebCrypto part: imports the public JWK that
//! [`crate::protocol::jwks::prepare`] chose and verifies the signature with
//! `crypto.subtle.verify`. Nothing here runs unless a caller asks for the check.

use crate::prelude::*;

use super::global::{self, array, object};
use crate::protocol::error::codes;
use crate::protocol::jwks::Prepared;
use crate::protocol::AuthError;
use js_sys::{Reflect, Uint8Array, JSON};
use wasm_bindgen::JsValue;

fn unavailable() -> AuthError {
    AuthError::config("verifying ID token signatures needs WebCrypto (crypto.subtle)")
}

fn rejected() -> AuthError {
    AuthError::new(codes::ID_TOKEN_INVALID, "the ID token's signature does not verify with the issuer's key")
}

fn subtle() -> Result<JsValue, AuthError> {
    global::subtle().ok_or_else(unavailable)
}

/// `target[method](...args)` awaited; a throw or rejection is `failed()`.
async fn await_call(target: &JsValue, method: &str, args: &[&JsValue], failed: fn() -> AuthError) -> Result<JsValue, AuthError> {
    global::call_async(target, method, args).await.ok_or_else(failed)
}

fn algorithm(members: &[(&'static str, &'static str)]) -> js_sys::Object {
    let pairs: Vec<(&str, JsValue)> = members.iter().map(|(k, v)| (*k, JsValue::from_str(v))).collect();
    object(&pairs)
}

/// Verifies `prepared.signature` over `prepared.signing_input` with its public key.
/// `id_token_invalid` when the signature does not verify, or when WebCrypto refuses the key
/// (a JWK it can't import is no key for this token); `invalid_config` without WebCrypto.
pub async fn verify(prepared: &Prepared) -> Result<(), AuthError> {
    let subtle = subtle()?;
    let jwk = JSON::parse(&prepared.jwk_json).map_err(|_| rejected())?;
    let usages = array(&[&"verify".into()]);
    let import = algorithm(prepared.alg.import_params());
    let key = await_call(&subtle, "importKey", &[&"jwk".into(), &jwk, &import, &JsValue::FALSE, &usages], rejected).await?;
    let (members, salt) = prepared.alg.verify_params();
    let params = algorithm(members);
    if let Some(salt) = salt {
        let _ = Reflect::set(&params, &"saltLength".into(), &JsValue::from(salt));
    }
    let signature = Uint8Array::from(prepared.signature.as_slice());
    let data = Uint8Array::from(prepared.signing_input.as_bytes());
    let ok = await_call(&subtle, "verify", &[&params, &key, &signature, &data], rejected).await?;
    if ok.as_bool() == Some(true) { Ok(()) } else { Err(rejected()) }
}
