//! Reading `AuthConfig` and the option objects from JS, key by key, type-checked.
//! A wrong type is `invalid_config` naming the key; the rules themselves live in
//! `ConfigInput::resolve`.

use crate::prelude::*;

use crate::client::{SignIn, SignOut};
use crate::protocol::config::{Config, ConfigInput, ParamValue, Runtime};
use crate::protocol::error::codes;
use crate::protocol::{AuthError, Secret};
use crate::web::{global, storage};
use js_sys::{Array, Object, Reflect, JSON};
use alloc::borrow::Cow;
use wasm_bindgen::{JsCast, JsValue};

fn wrong_type(key: &str, expected: &str) -> AuthError {
    AuthError {
        code: Cow::Borrowed(codes::INVALID_CONFIG),
        description: Some(Cow::Owned([key, " must be ", expected].concat())),
        status: None,
    }
}

/// A JS object read key by key.
struct Reader<'a>(&'a JsValue);

impl Reader<'_> {
    fn get(&self, key: &str) -> Option<JsValue> {
        let v = Reflect::get(self.0, &JsValue::from_str(key)).ok()?;
        if v.is_undefined() || v.is_null() { None } else { Some(v) }
    }

    fn string(&self, key: &str) -> Result<Option<String>, AuthError> {
        self.get(key).map(|v| v.as_string().ok_or_else(|| wrong_type(key, "a string"))).transpose()
    }

    fn number(&self, key: &str) -> Result<Option<f64>, AuthError> {
        self.get(key).map(|v| v.as_f64().ok_or_else(|| wrong_type(key, "a number"))).transpose()
    }

    fn boolean(&self, key: &str) -> Result<bool, AuthError> {
        self.get(key).map_or(Ok(false), |v| v.as_bool().ok_or_else(|| wrong_type(key, "a boolean")))
    }

    fn param(&self, key: &str) -> Result<Option<ParamValue>, AuthError> {
        self.get(key).map(|v| param_value(&v).ok_or_else(|| wrong_type(key, "a string or an array of strings"))).transpose()
    }

    /// A plain object's own enumerable `[key, value]` pairs.
    fn entries(&self, key: &str) -> Result<Vec<(String, JsValue)>, AuthError> {
        let Some(v) = self.get(key) else { return Ok(Vec::new()) };
        if !v.is_object() || Array::is_array(&v) {
            return Err(wrong_type(key, "an object"));
        }
        let mut out = Vec::new();
        for entry in Object::entries(v.unchecked_ref()).iter() {
            let pair: Array = entry.unchecked_into();
            let name = pair.get(0).as_string().unwrap_or_default();
            out.push((name, pair.get(1)));
        }
        Ok(out)
    }

    fn string_map(&self, key: &str) -> Result<Vec<(String, String)>, AuthError> {
        self.entries(key)?
            .into_iter()
            .map(|(k, v)| v.as_string().map(|v| (k, v)).ok_or_else(|| wrong_type(key, "an object of strings")))
            .collect()
    }
}

fn param_value(v: &JsValue) -> Option<ParamValue> {
    if let Some(s) = v.as_string() {
        return Some(ParamValue::One(s));
    }
    if !Array::is_array(v) {
        return None;
    }
    let array: &Array = v.unchecked_ref();
    array.iter().map(|item| item.as_string()).collect::<Option<Vec<_>>>().map(ParamValue::Many)
}

fn object(value: &JsValue, what: &'static str) -> Result<(), AuthError> {
    if value.is_object() && !Array::is_array(value) { Ok(()) } else { Err(AuthError::config(what)) }
}

/// `AuthConfig` to a validated `Config`.
pub fn config(value: &JsValue) -> Result<Config, AuthError> {
    object(value, "the config must be an object")?;
    let r = Reader(value);
    let input = ConfigInput {
        client_id: r.string("clientId")?,
        redirect_uri: r.string("redirectUri")?,
        authorization_endpoint: r.string("authorizationEndpoint")?,
        token_endpoint: r.string("tokenEndpoint")?,
        revocation_endpoint: r.string("revocationEndpoint")?,
        end_session_endpoint: r.string("endSessionEndpoint")?,
        issuer: r.string("issuer")?,
        provider: r.string("provider")?,
        domain: r.string("domain")?,
        audience: r.string("audience")?,
        resource: r.param("resource")?,
        extra_token_params: r
            .entries("extraTokenParams")?
            .into_iter()
            .map(|(k, v)| param_value(&v).map(|v| (k, v)).ok_or_else(|| wrong_type("extraTokenParams", "an object of strings or string arrays")))
            .collect::<Result<_, _>>()?,
        token_request_headers: r.string_map("tokenRequestHeaders")?,
        scope: r.string("scope")?,
        token_request_encoding: r.string("tokenRequestEncoding")?,
        storage: r.string("storage")?,
        expiry_leeway: r.number("expiryLeeway")?,
        request_timeout: r.number("requestTimeout")?,
        grant_type: r.string("grantType")?,
        client_secret: r.string("clientSecret")?.map(Secret::new),
        client_auth_method: r.string("clientAuthMethod")?,
        api_key: r.string("apiKey")?.map(Secret::new),
        dangerously_allow_secrets_in_browser: r.boolean("dangerouslyAllowSecretsInBrowser")?,
        dpop: r.boolean("dpop")?,
        token_request_credentials: r.string("tokenRequestCredentials")?,
    };
    let runtime = Runtime { has_document: global::has_document(), has_web_storage: storage::has_web_storage() };
    input.resolve(runtime)
}

/// `SignInOptions`; `undefined` means none.
pub fn sign_in_options(value: &JsValue) -> Result<SignIn, AuthError> {
    if value.is_undefined() || value.is_null() {
        return Ok(SignIn::default());
    }
    object(value, "signIn options must be an object")?;
    let r = Reader(value);
    let app_state = match r.get("appState") {
        None => None,
        Some(state) => Some(
            JSON::stringify(&state)
                .ok()
                .and_then(|s| s.as_string())
                .ok_or_else(|| AuthError::config("appState must be JSON-serialisable"))?,
        ),
    };
    Ok(SignIn { app_state, scope: r.string("scope")?, extra_params: r.string_map("extraParams")? })
}

/// `SignOutOptions`; `undefined` means none.
pub fn sign_out_options(value: &JsValue) -> Result<SignOut, AuthError> {
    if value.is_undefined() || value.is_null() {
        return Ok(SignOut::default());
    }
    object(value, "signOut options must be an object")?;
    let r = Reader(value);
    Ok(SignOut {
        revoke: r.boolean("revoke")?,
        end_session: r.boolean("endSession")?,
        post_logout_redirect_uri: r.string("postLogoutRedirectUri")?,
    })
}

/// `{ minValidity }` for `getToken`, in whole seconds.
pub fn min_validity(value: &JsValue) -> Result<Option<u64>, AuthError> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    object(value, "getToken options must be an object")?;
    match Reader(value).number("minValidity")? {
        None => Ok(None),
        Some(n) if n.is_finite() && n >= 0.0 => Ok(Some(n as u64)),
        Some(_) => Err(AuthError::config("minValidity must be a finite number >= 0")),
    }
}

/// The optional callback URL: a string, or anything with a `toString` (a `URL`).
pub fn callback_url(value: &JsValue) -> Option<String> {
    if value.is_undefined() || value.is_null() {
        return None;
    }
    value.as_string().or_else(|| value.dyn_ref::<Object>().map(|o| String::from(o.to_string())))
}

/// `{ url, method, nonce?, accessToken? }` for `generateDpopProof`.
pub fn dpop_proof_options(value: &JsValue) -> Result<(String, String, Option<String>, Option<String>), AuthError> {
    object(value, "generateDpopProof needs { url, method }")?;
    let r = Reader(value);
    let url = r.string("url")?.ok_or_else(|| AuthError::config("generateDpopProof needs a url"))?;
    let method = r.string("method")?.unwrap_or_else(|| "GET".into());
    Ok((url, method, r.string("nonce")?, r.string("accessToken")?))
}
