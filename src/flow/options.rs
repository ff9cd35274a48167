//! Reading `AuthConfig` and the option objects (as JSON, from the host), key by key,
//! type-checked. A wrong type is `invalid_config` naming the key; the rules themselves live in
//! `ConfigInput::resolve`. `null` counts as absent, as `undefined` does in JavaScript.

use crate::prelude::*;

use crate::protocol::config::{ConfigInput, ParamValue};
use crate::protocol::json::Value;
use crate::protocol::{AuthError, Secret};
use core::cell::Cell;

/// A JSON object read key by key.
///
/// A wrong type is kept as the reader's error (the key and what it must be) and every later
/// read returns nothing; `finish` then reports it. So a whole struct is read without a `?` per
/// key (each `?` there makes the compiler emit drop code for every key read so far), with the
/// same outcome: the first wrong key in reading order.
pub struct Reader<'a> {
    value: &'a Value,
    error: Cell<Option<(&'static str, &'static str)>>,
}

impl<'a> Reader<'a> {
    /// A reader of `value`, which must be an object (`what` is the error otherwise); `null`
    /// reads as an empty object.
    pub fn new(value: &'a Value, what: &'static str) -> Result<Self, AuthError> {
        match value {
            Value::Object(_) | Value::Null => Ok(Reader { value, error: Cell::new(None) }),
            _ => Err(AuthError::config(what)),
        }
    }

    /// Records `key` + `what` (`" must be a string"`) unless an earlier error is there; reads stop.
    pub fn fail(&self, key: &'static str, expected: &'static str) {
        if self.error.get().is_none() {
            self.error.set(Some((key, expected)));
        }
    }

    /// The first wrong type, if any.
    pub fn finish(&self) -> Result<(), AuthError> {
        match self.error.get() {
            None => Ok(()),
            Some((key, what)) => Err(AuthError::config_key(key, what)),
        }
    }

    pub fn get(&self, key: &str) -> Option<&'a Value> {
        if self.error.get().is_some() {
            return None;
        }
        self.value.get(key).filter(|v| !matches!(v, Value::Null))
    }

    /// `read(value)`, or the error `key` + `expected` (`" must be ..."`) when it gives nothing.
    fn typed<T>(&self, key: &'static str, expected: &'static str, read: impl FnOnce(&'a Value) -> Option<T>) -> Option<T> {
        let v = self.get(key)?;
        let out = read(v);
        if out.is_none() {
            self.fail(key, expected);
        }
        out
    }

    pub fn string(&self, key: &'static str) -> Option<String> {
        self.typed(key, " must be a string", |v| v.as_str().map(String::from))
    }

    pub fn number(&self, key: &'static str) -> Option<f64> {
        self.typed(key, " must be a number", Value::as_f64)
    }

    /// A number that must be finite and >= 0, as whole units.
    pub fn non_negative(&self, key: &'static str) -> Option<u64> {
        let n = self.number(key)?;
        if n.is_finite() && n >= 0.0 {
            return Some(n as u64);
        }
        self.fail(key, " must be a finite number >= 0");
        None
    }

    pub fn boolean(&self, key: &'static str) -> bool {
        self.typed(key, " must be a boolean", Value::as_bool).unwrap_or(false)
    }

    fn param(&self, key: &'static str) -> Option<ParamValue> {
        self.typed(key, " must be a string or an array of strings", param_value)
    }

    /// An object's `[key, value]` pairs, each value read by `read` (`expected` names what the
    /// values must be).
    fn map<T>(&self, key: &'static str, expected: &'static str, read: impl Fn(&Value) -> Option<T>) -> Vec<(String, T)> {
        let mut out = Vec::new();
        let Some(v) = self.get(key) else { return out };
        let Some(members) = v.as_object() else {
            self.fail(key, " must be an object");
            return out;
        };
        for (name, value) in members {
            let Some(value) = read(value) else {
                // (The pairs are incomplete, but `finish` fails.)
                self.fail(key, expected);
                break;
            };
            out.push((name.clone(), value));
        }
        out
    }

    pub fn string_map(&self, key: &'static str) -> Vec<(String, String)> {
        self.map(key, " must be an object of strings", |v| v.as_str().map(String::from))
    }
}

fn param_value(v: &Value) -> Option<ParamValue> {
    if let Some(s) = v.as_str() {
        return Some(ParamValue::One(s.into()));
    }
    let mut many = Vec::new();
    for item in v.as_array()? {
        many.push(String::from(item.as_str()?));
    }
    Some(ParamValue::Many(many))
}

/// `AuthConfig` to a `ConfigInput` (types checked; `resolve` checks the rules).
pub fn config_input(value: &Value) -> Result<ConfigInput, AuthError> {
    if !matches!(value, Value::Object(_)) {
        return Err(AuthError::config("the config must be an object"));
    }
    let r = Reader::new(value, "")?;
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
        extra_token_params: r.map("extraTokenParams", " must be an object of strings or string arrays", param_value),
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
    Ok(input)
}

/// What one sign-in asks for beyond the config (API.md `SignInOptions`).
#[derive(Default)]
pub struct SignIn {
    /// `appState` as JSON text (the host sends it so, and it is stored and returned verbatim).
    pub app_state: Option<String>,
    pub scope: Option<String>,
    pub extra_params: Vec<(String, String)>,
}

/// `SignInOptions`; `null` means none.
pub fn sign_in(value: &Value) -> Result<SignIn, AuthError> {
    let r = Reader::new(value, "signIn options must be an object")?;
    let options = SignIn { app_state: r.string("appState"), scope: r.string("scope"), extra_params: r.string_map("extraParams") };
    r.finish()?;
    Ok(options)
}

/// What `signOut` does beyond forgetting local tokens (API.md `SignOutOptions`).
#[derive(Default)]
pub struct SignOut {
    pub revoke: bool,
    pub end_session: bool,
    pub post_logout_redirect_uri: Option<String>,
}

/// `SignOutOptions`; `null` means none.
pub fn sign_out(value: &Value) -> Result<SignOut, AuthError> {
    let r = Reader::new(value, "signOut options must be an object")?;
    let options = SignOut {
        revoke: r.boolean("revoke"),
        end_session: r.boolean("endSession"),
        post_logout_redirect_uri: r.string("postLogoutRedirectUri"),
    };
    r.finish()?;
    Ok(options)
}

/// `{ minValidity }` for `getToken`, in whole seconds.
pub fn min_validity(value: &Value) -> Result<Option<u64>, AuthError> {
    let r = Reader::new(value, "getToken options must be an object")?;
    let n = r.non_negative("minValidity");
    r.finish()?;
    Ok(n)
}

/// `{ url, method, nonce?, accessToken? }` for `generateDpopProof`.
pub struct DpopProof {
    pub url: String,
    pub method: String,
    pub nonce: Option<String>,
    pub access_token: Option<String>,
}

pub fn dpop_proof(value: &Value) -> Result<DpopProof, AuthError> {
    let r = Reader::new(value, "generateDpopProof needs { url, method }")?;
    let (url, method, nonce, access_token) = (r.string("url"), r.string("method"), r.string("nonce"), r.string("accessToken"));
    r.finish()?;
    let url = url.ok_or_else(|| AuthError::config("generateDpopProof needs a url"))?;
    Ok(DpopProof { url, method: method.unwrap_or_else(|| "GET".into()), nonce, access_token })
}
