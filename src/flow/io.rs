//! Effects: the flows' only way to the outside world, replayed.
//!
//! A flow is plain synchronous code that asks [`Io`] for the time, random values, storage,
//! HTTP, IndexedDB, WebCrypto or a lock. Each call is one effect. A run of a flow gets the
//! results of the effects performed so far (in order); when it reaches an effect that has no
//! result yet, that effect (as JSON) becomes [`Io::pending`] and the run answers with it. The
//! host (the npm package's JavaScript executor `pkg-template/executor.js`, or `crate::client`
//! for Rust front ends) performs it, appends the result and runs the flow again from the
//! start. Every input that can change between runs is an effect, so a rerun takes the same
//! path and each effect is performed exactly once.

use crate::prelude::*;

use crate::protocol::encoding::base64url_decode;
use crate::protocol::error::codes;
use crate::protocol::json::{ObjectWriter, Value};
use crate::protocol::token::{HttpRequest, TokenSet};
use crate::protocol::encoding::base64url_encode;
use crate::protocol::AuthError;

/// The result of a flow step.
pub type R<T> = Result<T, AuthError>;

/// An HTTP answer as the flows see it (borrowed from the effect results, as every text an
/// effect gives: no copies, nothing to drop).
pub struct HttpResponse<'a> {
    pub status: u16,
    pub body: &'a str,
    /// The `DPoP-Nonce` header.
    pub dpop_nonce: Option<&'a str>,
}

/// The effect results of earlier runs, consumed in order.
///
/// The first effect without a result is kept as `pending`; from then on every effect gives a
/// neutral result (nothing stored, no response) and the run's outcome is ignored: the flow
/// simply runs to its end on dummy values, with nothing performed. (Stopping it with an error
/// type instead costs a branch and drop code at every effect: kilobytes of wasm.)
pub struct Io<'a> {
    results: &'a [Value],
    next: usize,
    pub pending: Option<String>,
}

static NULL: Value = Value::Null;

pub(super) fn effect(kind: &str) -> ObjectWriter {
    let mut w = ObjectWriter::new();
    w.string("e", kind);
    w
}

pub(super) fn with_key(kind: &str, name: &str, key: &str) -> ObjectWriter {
    let mut w = effect(kind);
    w.string(name, key);
    w
}

pub(super) fn unavailable(what: &'static str) -> AuthError {
    AuthError::config(what)
}

impl<'a> Io<'a> {
    pub fn new(results: &'a [Value]) -> Self {
        Io { results, next: 0, pending: None }
    }

    /// The recorded result of `effect`, or a stop asking for it.
    pub(super) fn perform(&mut self, effect: ObjectWriter) -> &'a Value {
        if self.pending.is_some() {
            return &NULL;
        }
        match self.results.get(self.next) {
            Some(v) => {
                self.next += 1;
                v
            }
            None => {
                self.pending = Some(effect.finish());
                &NULL
            }
        }
    }

    /// Unix seconds.
    pub fn now(&mut self) -> u64 {
        self.perform(effect("now")).as_u64().unwrap_or(0)
    }

    /// 32 random octets (`crypto.getRandomValues`), base64url.
    pub fn random(&mut self) -> R<String> {
        let v = self.perform(effect("random"));
        match v.as_str().and_then(base64url_decode).filter(|b| b.len() == 32) {
            Some(bytes) => Ok(base64url_encode(&bytes)),
            None => Err(unavailable("crypto.getRandomValues is unavailable")),
        }
    }

    /// A Web Storage item (`area`: session, local or memory).
    pub fn get(&mut self, area: &str, key: &str) -> Option<&'a str> {
        let mut w = with_key("get", "area", area);
        w.string("key", key);
        self.perform(w).as_str()
    }

    pub fn set(&mut self, area: &str, key: &str, value: &str) {
        let mut w = with_key("set", "area", area);
        w.string("key", key).string("value", value);
        self.perform(w);
    }

    pub fn remove(&mut self, area: &str, key: &str) {
        let mut w = with_key("remove", "area", area);
        w.string("key", key);
        self.perform(w);
    }

    /// The keys of `area` that start with `prefix`.
    pub fn keys(&mut self, area: &str, prefix: &str) -> impl Iterator<Item = &'a str> + 'a {
        let mut w = with_key("keys", "area", area);
        w.string("prefix", prefix);
        let v = self.perform(w);
        v.as_array().unwrap_or(&[]).iter().filter_map(Value::as_str)
    }

    /// An HTTP request with a timeout; network failures and timeouts are errors.
    pub fn fetch(&mut self, request: &HttpRequest, timeout_ms: u32, include_credentials: bool) -> R<HttpResponse<'a>> {
        let mut w = with_key("fetch", "method", request.method);
        w.string("url", &request.url).integer("timeout", i64::from(timeout_ms));
        let mut headers = ObjectWriter::new();
        for (name, value) in &request.headers {
            headers.string(name, value);
        }
        w.raw("headers", &headers.finish());
        if let Some(body) = &request.body {
            w.string("body", body);
        }
        if include_credentials {
            w.boolean("credentials", true);
        }
        let v = self.perform(w);
        let failure = match v.get("error").and_then(Value::as_str) {
            None => None,
            Some("timeout") => Some(AuthError::new(codes::TIMEOUT, "the request took longer than requestTimeout")),
            Some("header") => Some(AuthError::config("a tokenRequestHeaders entry is not a valid HTTP header")),
            Some("url") => Some(AuthError::config("an endpoint is not a valid URL")),
            Some(_) => Some(AuthError::new(codes::NETWORK_ERROR, "the request failed (offline, DNS, CORS or connection reset)")),
        };
        if let Some(e) = failure {
            return Err(e);
        }
        Ok(HttpResponse {
            status: v.get("status").and_then(Value::as_u64).unwrap_or(0) as u16,
            body: v.get("body").and_then(Value::as_str).unwrap_or_default(),
            dpop_nonce: v.get("nonce").and_then(Value::as_str),
        })
    }

    /// A string kept in IndexedDB (shared by the tabs of an origin).
    pub fn idb_get(&mut self, key: &str) -> Option<&'a str> {
        self.perform(with_key("idbGet", "key", key)).as_str()
    }

    pub fn idb_put(&mut self, key: &str, value: &str) {
        let mut w = with_key("idbPut", "key", key);
        w.string("value", value);
        self.perform(w);
    }

    pub fn idb_delete(&mut self, key: &str) {
        self.perform(with_key("idbDelete", "key", key));
    }

    /// A value kept for this page and client key (discovered metadata, the JWK Set, the
    /// last DPoP nonce); gone on reload.
    pub fn cache_get(&mut self, name: &str) -> Option<&'a str> {
        self.perform(with_key("cacheGet", "name", name)).as_str()
    }

    pub fn cache_set(&mut self, name: &str, value: &str) {
        let mut w = with_key("cacheSet", "name", name);
        w.string("value", value);
        self.perform(w);
    }

    /// Takes the Web Lock `name` (where the browser has Web Locks); held until the run ends.
    pub fn lock(&mut self, name: &str) {
        self.perform(with_key("lock", "name", name));
    }

    /// `window.location.href`, where there is one.
    pub fn href(&mut self) -> Option<&'a str> {
        self.perform(effect("href")).as_str()
    }

    /// `history.replaceState` to `url` (no navigation).
    pub fn replace(&mut self, url: &str) {
        self.perform(with_key("replace", "url", url));
    }

    /// Leaves the page for `url`; false where there is no `window.location`.
    pub fn assign(&mut self, url: &str) -> bool {
        self.perform(with_key("assign", "url", url)).as_bool() == Some(true)
    }

    /// Runs the flow `op` (with this run's config) after `ms` milliseconds.
    pub fn later(&mut self, ms: u32, op: &str) {
        let mut w = with_key("later", "op", op);
        w.integer("ms", i64::from(ms));
        self.perform(w);
    }

    /// The result of the `renew` flow with these arguments: joined when one is already running
    /// for this client in the page, so concurrent callers share one token request.
    pub fn renew(&mut self, force: bool, leeway: u64) -> R<TokenSet> {
        let mut w = effect("renew");
        w.raw("args", &{
            let mut a = ObjectWriter::new();
            a.boolean("force", force).integer("leeway", leeway.min(1 << 53) as i64);
            a.finish()
        });
        let v = self.perform(w);
        if let Some(e) = v.get("error") {
            return Err(super::error_from_json(e));
        }
        let record = v.get("done").and_then(Value::as_str).and_then(TokenSet::decode);
        record.ok_or_else(|| AuthError::response("the renewal gave no tokens"))
    }
}
