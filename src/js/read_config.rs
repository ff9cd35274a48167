//! Reading `AuthConfig` and the option objects from JS, key by key, type-checked.
//! A wrong type is `invalid_config` naming the key; the rules themselves live in
//! `ConfigInput::resolve`.

use crate::prelude::*;

use crate::client::{SignIn, SignOut};
use crate::protocol::config::{Config, ConfigInput, ParamValue};
use crate::protocol::error::codes;
use crate::protocol::{concat, AuthError, Secret};
use crate::web::global;
use js_sys::{Array, Object, Reflect, JSON};
use alloc::borrow::Cow;
use core::cell::Cell;
use wasm_bindgen::{JsCast, JsValue};

fn wrong_type(key: &str, expected: &str) -> AuthError {
    AuthError {
        code: Cow::Borrowed(codes::INVALID_CONFIG),
        description: Some(Cow::Owned(concat(&[key, " must be ", expected]))),
        status: None,
    }
}

/// A JS object read key by key.
///
/// A wrong type is kept as the reader's error and every later read returns nothing without
/// touching the object; `finish` then reports it. So a whole struct is read without a `?` per
/// key (each `?` there makes the compiler emit drop code for every key read so far, kilobytes
/// of wasm), with the same outcome: the first wrong key in reading order.
struct Reader<'a> {
    value: &'a JsValue,
    error: Cell<Option<AuthError>>,
}

impl<'a> Reader<'a> {
    fn new(value: &'a JsValue) -> Self {
        Reader { value, error: Cell::new(None) }
    }

    /// Records `error` unless an earlier one is there; reads stop.
    fn fail(&self, error: AuthError) {
        let first = self.error.take().unwrap_or(error);
        self.error.set(Some(first));
    }

    fn failed(&self) -> bool {
        let error = self.error.take();
        let failed = error.is_some();
        self.error.set(error);
        failed
    }

    /// The first wrong type, if any.
    fn finish(&self) -> Result<(), AuthError> {
        self.error.take().map_or(Ok(()), Err)
    }

    fn get(&self, key: &str) -> Option<JsValue> {
        if self.failed() {
            return None;
        }
        let v = Reflect::get(self.value, &JsValue::from_str(key)).ok()?;
        if v.is_undefined() || v.is_null() { None } else { Some(v) }
    }

    /// `read(value)`, or the error `key must be <expected>` when it gives nothing.
    fn typed<T>(&self, key: &str, expected: &str, read: impl FnOnce(&JsValue) -> Option<T>) -> Option<T> {
        let v = self.get(key)?;
        let out = read(&v);
        if out.is_none() {
            self.fail(wrong_type(key, expected));
        }
        out
    }

    fn string(&self, key: &str) -> Option<String> {
        self.typed(key, "a string", JsValue::as_string)
    }

    fn number(&self, key: &str) -> Option<f64> {
        self.typed(key, "a number", JsValue::as_f64)
    }

    fn boolean(&self, key: &str) -> bool {
        self.typed(key, "a boolean", JsValue::as_bool).unwrap_or(false)
    }

    fn param(&self, key: &str) -> Option<ParamValue> {
        self.typed(key, "a string or an array of strings", param_value)
    }

    /// A plain object's own enumerable `[key, value]` pairs, each value read by `read`
    /// (`expected` names what the values must be).
    fn map<T>(&self, key: &str, expected: &str, read: impl Fn(&JsValue) -> Option<T>) -> Vec<(String, T)> {
        let mut out = Vec::new();
        let Some(v) = self.get(key) else { return out };
        if !v.is_object() || Array::is_array(&v) {
            self.fail(wrong_type(key, "an object"));
            return out;
        }
        for entry in Object::entries(v.unchecked_ref()).iter() {
            let pair: Array = entry.unchecked_into();
            let Some(value) = read(&pair.get(1)) else {
                self.fail(wrong_type(key, expected));
                return Vec::new();
            };
            out.push((pair.get(0).as_string().unwrap_or_default(), value));
        }
        out
    }

    fn string_map(&self, key: &str) -> Vec<(String, String)> {
        self.map(key, "an object of strings", JsValue::as_string)
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
    let r = Reader::new(value);
    let input = ConfigInput {
        client_id: r.string("clientId"),
        redirect_uri: r.string("redirectUri"),
        authorization_endpoint: r.string("authorizationEndpoint"),
        token_endpoint: r.string("tokenEndpoint"),
        revocation_endpoint: r.string("revocationEndpoint"),
        end_session_endpoint: r.string("endSessionEndpoint"),
        issuer: r.string("issuer"),
        provider: r.string("provider"),
        domain: r.string("domain"),
        audience: r.string("audience"),
        resource: r.param("resource"),
        extra_token_params: r.map("extraTokenParams", "an object of strings or string arrays", param_value),
        token_request_headers: r.string_map("tokenRequestHeaders"),
        scope: r.string("scope"),
        token_request_encoding: r.string("tokenRequestEncoding"),
        storage: r.string("storage"),
        expiry_leeway: r.number("expiryLeeway"),
        request_timeout: r.number("requestTimeout"),
        grant_type: r.string("grantType"),
        client_secret: r.string("clientSecret").map(Secret::new),
        client_auth_method: r.string("clientAuthMethod"),
        api_key: r.string("apiKey").map(Secret::new),
        dangerously_allow_secrets_in_browser: r.boolean("dangerouslyAllowSecretsInBrowser"),
        dpop: r.boolean("dpop"),
        token_request_credentials: r.string("tokenRequestCredentials"),
        verify_id_token_signature: r.boolean("verifyIdTokenSignature"),
        jwks_uri: r.string("jwksUri"),
    };
    r.finish()?;
    let runtime = global::runtime();
    input.resolve(runtime)
}

/// `SignInOptions`; `undefined` means none.
pub fn sign_in_options(value: &JsValue) -> Result<SignIn, AuthError> {
    if value.is_undefined() || value.is_null() {
        return Ok(SignIn::default());
    }
    object(value, "signIn options must be an object")?;
    let r = Reader::new(value);
    let app_state = r.get("appState").and_then(|state| {
        let text = JSON::stringify(&state).ok().and_then(|s| s.as_string());
        if text.is_none() {
            r.fail(AuthError::config("appState must be JSON-serialisable"));
        }
        text
    });
    let options = SignIn { app_state, scope: r.string("scope"), extra_params: r.string_map("extraParams") };
    r.finish()?;
    Ok(options)
}

/// `SignOutOptions`; `undefined` means none.
pub fn sign_out_options(value: &JsValue) -> Result<SignOut, AuthError> {
    if value.is_undefined() || value.is_null() {
        return Ok(SignOut::default());
    }
    object(value, "signOut options must be an object")?;
    let r = Reader::new(value);
    let options = SignOut {
        revoke: r.boolean("revoke"),
        end_session: r.boolean("endSession"),
        post_logout_redirect_uri: r.string("postLogoutRedirectUri"),
    };
    r.finish()?;
    Ok(options)
}

/// `{ minValidity }` for `getToken`, in whole seconds.
pub fn min_validity(value: &JsValue) -> Result<Option<u64>, AuthError> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    object(value, "getToken options must be an object")?;
    let r = Reader::new(value);
    let n = r.number("minValidity");
    r.finish()?;
    match n {
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
    let r = Reader::new(value);
    let url = r.string("url");
    r.finish()?;
    let url = url.ok_or_else(|| AuthError::config("generateDpopProof needs a url"))?;
    let method = r.string("method").unwrap_or_else(|| "GET".into());
    let (nonce, access_token) = (r.string("nonce"), r.string("accessToken"));
    r.finish()?;
    Ok((url, method, nonce, access_token))
}
