//! The opt-in ID token signature check, WebCrypto part: performs the `verify` effect
//! (`crate::flow::signature::verify_effect`): imports the public JWK with the given parameters and
//! checks the signature with `crypto.subtle.verify`. Nothing here runs unless a flow asks.

use super::global;
use crate::flow::signature::{verdict, verify_effect};
use crate::protocol::encoding::base64url_decode;
use crate::protocol::json::{self, Value};
use crate::protocol::jwks::Prepared;
use crate::protocol::AuthError;
use js_sys::{Uint8Array, JSON};
use wasm_bindgen::JsValue;

/// A member of the effect as a JS value (its JSON parsed by the browser).
fn js(effect: &Value, key: &str) -> Option<JsValue> {
    JSON::parse(&effect.get(key)?.to_json()).ok()
}

/// The `verify` effect's result: `Some(true)` when the signature verifies, `Some(false)` when it
/// does not or WebCrypto refuses the key, `None` without WebCrypto.
pub async fn perform(effect: &Value) -> Option<bool> {
    let subtle = global::subtle()?;
    let text = |key: &str| effect.get(key).and_then(Value::as_str).unwrap_or("");
    let checked = async {
        let usages = global::array(&[&"verify".into()]);
        let import = [&"jwk".into(), &js(effect, "jwk")?, &js(effect, "import")?, &JsValue::FALSE, &usages.into()];
        let key = global::call_async(&subtle, "importKey", &import).await?;
        let signature = Uint8Array::from(base64url_decode(text("signature"))?.as_slice());
        let data = Uint8Array::from(text("data").as_bytes());
        global::call_async(&subtle, "verify", &[&js(effect, "params")?, &key, &signature.into(), &data.into()]).await?.as_bool()
    };
    Some(checked.await.unwrap_or(false))
}

/// Verifies `prepared.signature` over `prepared.signing_input` with its public key:
/// `id_token_invalid` when it does not verify, `invalid_config` without WebCrypto.
pub async fn verify(prepared: &Prepared) -> Result<(), AuthError> {
    let effect = json::parse(&verify_effect(prepared).finish()).unwrap_or(Value::Null);
    verdict(perform(&effect).await)
}
