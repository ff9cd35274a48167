//! The DPoP key: a non-extractable WebCrypto ECDSA P-256 key pair, kept in IndexedDB per
//! client so proofs stay bound to one key across reloads, and the signature over a proof.

use crate::prelude::*;

use super::global::{self, array, object};
use super::idb;
use crate::protocol::dpop::PublicJwk;
use crate::protocol::AuthError;
use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::JsValue;

/// A key pair ready to sign, with its public JWK.
pub struct DpopKey {
    private_key: JsValue,
    pub jwk: PublicJwk,
}

fn unavailable() -> AuthError {
    AuthError::config("dpop needs WebCrypto (crypto.subtle) and IndexedDB")
}

fn subtle() -> Result<JsValue, AuthError> {
    global::subtle().ok_or_else(unavailable)
}

async fn await_call(target: &JsValue, method: &str, args: &[&JsValue]) -> Result<JsValue, AuthError> {
    global::call_async(target, method, args).await.ok_or_else(unavailable)
}

fn string_member(value: &JsValue, key: &str) -> Option<String> {
    Reflect::get(value, &JsValue::from_str(key)).ok()?.as_string()
}

/// The client's key pair from IndexedDB, or a new one (stored for next time).
pub async fn load_or_create(db_key: &str) -> Result<DpopKey, AuthError> {
    let subtle = subtle()?;
    let pair = match idb::get(db_key).await {
        Some(pair) => pair,
        None => {
            let algorithm = object(&[("name", "ECDSA".into()), ("namedCurve", "P-256".into())]);
            let usages = array(&[&"sign".into(), &"verify".into()]);
            let pair = await_call(&subtle, "generateKey", &[&algorithm, &JsValue::FALSE, &usages]).await?;
            idb::put(db_key, &pair).await;
            pair
        }
    };
    let private_key = Reflect::get(&pair, &"privateKey".into()).map_err(|_| unavailable())?;
    let public_key = Reflect::get(&pair, &"publicKey".into()).map_err(|_| unavailable())?;
    // The public half of a pair is always exportable, even when the private half is not.
    let jwk = await_call(&subtle, "exportKey", &[&"jwk".into(), &public_key]).await?;
    let (Some(x), Some(y)) = (string_member(&jwk, "x"), string_member(&jwk, "y")) else { return Err(unavailable()) };
    Ok(DpopKey { private_key, jwk: PublicJwk { x, y } })
}

impl DpopKey {
    /// ES256 signature (raw `r||s`, as JWS wants) over `input`.
    pub async fn sign(&self, input: &str) -> Result<Vec<u8>, AuthError> {
        let subtle = subtle()?;
        let algorithm = object(&[("name", "ECDSA".into()), ("hash", "SHA-256".into())]);
        let data = Uint8Array::from(input.as_bytes());
        let signature = await_call(&subtle, "sign", &[&algorithm, &self.private_key, &data]).await?;
        Ok(Uint8Array::new(&signature).to_vec())
    }
}

/// Forgets the client's key (sign-out), so the next sign-in binds a new one.
pub async fn forget(db_key: &str) {
    idb::delete(db_key).await;
}
