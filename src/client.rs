//! The Rust host of the flows: [`Client`] runs `crate::flow` and performs each effect with the
//! browser adapters in `crate::web` (the npm package's host is `pkg-template/executor.js`;
//! both perform the same effects, described in `crate::flow::io`).
//!
//! Clients with the same [`Config::client_key`] share one `Shared` per page (the page cache,
//! the in-flight renewal, the DPoP key pair).

use crate::prelude::*;

use crate::flow::{self, Answer};
use crate::protocol::config::Config;
use crate::protocol::encoding::base64url_encode;
use crate::protocol::json::{self, Value};
use crate::protocol::token::{HttpRequest, TokenSet};
use crate::protocol::{concat, AuthError};
#[cfg(feature = "dpop")]
use crate::web::dpop_key::{self, DpopKey};
use crate::web::storage::Store;
#[cfg(feature = "id-token-signature")]
use crate::web::verify;
use crate::web::{clock, fetch, idb, location, locks, random, timer, PageLocal};
use alloc::rc::Rc;
use core::cell::RefCell;
use core::future::{poll_fn, Future};
use core::pin::Pin;
use core::task::{Poll, Waker};
use wasm_bindgen::JsValue;

pub use crate::flow::options::{SignIn, SignOut};

/// Runs per call at most: a flow needs a few dozen effects; this bounds a runaway one.
const MAX_EFFECTS: usize = 500;

/// One pending renewal that every caller in the page awaits: its answer (`{"done"}` or
/// `{"error"}`, the result of the `renew` effect).
#[derive(Default)]
struct Inflight {
    result: RefCell<Option<Value>>,
    waiters: RefCell<Vec<Waker>>,
}

impl Inflight {
    fn finish(&self, result: Value) {
        *self.result.borrow_mut() = Some(result);
        for waker in self.waiters.take() {
            waker.wake();
        }
    }

    async fn wait(self: Rc<Self>) -> Value {
        poll_fn(move |cx| {
            if let Some(result) = self.result.borrow().as_ref() {
                return Poll::Ready(result.clone());
            }
            self.waiters.borrow_mut().push(cx.waker().clone());
            Poll::Pending
        })
        .await
    }
}

/// State shared by every client with the same key in this page.
#[derive(Default)]
struct Shared {
    cache: RefCell<Vec<(String, String)>>,
    renewing: RefCell<Option<Rc<Inflight>>>,
    #[cfg(feature = "dpop")]
    dpop_key: RefCell<Option<Rc<DpopKey>>>,
}

/// Per-key shared state; a short list (one entry per configured client).
type Registry = RefCell<Vec<(String, Rc<Shared>)>>;
static REGISTRY: PageLocal<Registry> = PageLocal(RefCell::new(Vec::new()));

/// A configured client bound to its shared per-page state.
#[derive(Clone)]
pub struct Client {
    pub config: Config,
    key: String,
    shared: Rc<Shared>,
}

type Boxed<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

fn object(members: Vec<(&str, Value)>) -> Value {
    Value::Object(members.into_iter().filter(|(_, v)| *v != Value::Null).map(|(k, v)| (k.into(), v)).collect())
}

fn string(s: Option<&str>) -> Value {
    s.map_or(Value::Null, |s| Value::String(s.into()))
}

fn text(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or("").into()
}

impl Client {
    /// A client for a config resolved for this runtime: the usual way in from Rust.
    pub fn from_input(input: crate::protocol::config::ConfigInput) -> Result<Client, AuthError> {
        Ok(Client::new(input.resolve(crate::web::global::runtime())?))
    }

    /// A client for an already resolved config.
    pub fn new(config: Config) -> Client {
        let key = config.client_key();
        let mut registry = REGISTRY.0.borrow_mut();
        let shared = match registry.iter().find(|(k, _)| *k == key) {
            Some((_, shared)) => shared.clone(),
            None => {
                let shared = Rc::new(Shared::default());
                registry.push((key.clone(), shared.clone()));
                shared
            }
        };
        drop(registry);
        Client { config, key, shared }
    }

    /// The stored tokens; corrupted or foreign data counts as none.
    pub fn tokens(&self) -> Option<TokenSet> {
        let key = concat(&[flow::ops::TOKENS_PREFIX, &self.key]);
        Store::open(self.config.storage).get(&key).and_then(|text| TokenSet::decode(&text))
    }

    /// True while tokens are stored and the access token is valid or a refresh token is there.
    pub fn is_authenticated(&self) -> bool {
        self.run_now("isAuthenticated") == Value::Bool(true)
    }

    /// ID token claims as JSON text, when there is a decodable ID token.
    pub fn user_claims(&self) -> Option<String> {
        Some(self.run_now("getUser")).filter(|v| *v != Value::Null).map(|v| v.to_json())
    }

    /// Stores a fresh transaction and returns the authorize URL.
    pub async fn create_sign_in_url(&self, options: SignIn) -> Result<String, AuthError> {
        let done = self.run("createSignInUrl", sign_in_args(options)).await?;
        Ok(done.as_str().unwrap_or("").into())
    }

    /// `create_sign_in_url`, then leave the page for it.
    pub async fn sign_in(&self, options: SignIn) -> Result<(), AuthError> {
        self.run("signIn", sign_in_args(options)).await.map(drop)
    }

    /// Completes a sign-in from its callback URL (default: the address bar, which is then
    /// cleaned of the response parameters whatever the outcome). Returns the tokens and the
    /// `appState` JSON text.
    pub async fn handle_callback(&self, url: Option<String>) -> Result<(TokenSet, Option<String>), AuthError> {
        let done = self.run("handleCallback", object(vec![("url", string(url.as_deref()))])).await?;
        let tokens = self.tokens().ok_or_else(|| AuthError::config("the tokens could not be stored"))?;
        Ok((tokens, done.get("appState").map(Value::to_json)))
    }

    /// A valid access token: the stored one while it has more than `min_validity` (default:
    /// the configured leeway) seconds left, else one renewal shared by every waiting caller.
    pub async fn get_token(&self, min_validity: Option<u64>) -> Result<String, AuthError> {
        let args = object(vec![("minValidity", min_validity.map_or(Value::Null, |s| Value::Number(s as f64)))]);
        Ok(text(&self.run("getToken", args).await?, "token"))
    }

    /// A new token from the server (refresh token, or client credentials).
    pub async fn refresh(&self) -> Result<TokenSet, AuthError> {
        self.run("refresh", Value::Null).await?;
        self.tokens().ok_or_else(|| AuthError::config("the tokens could not be stored"))
    }

    /// Forgets the local tokens; then, as asked, revokes (RFC 7009) and ends the provider
    /// session (RP-initiated logout, navigating away).
    pub async fn sign_out(&self, options: SignOut) -> Result<(), AuthError> {
        let args = object(vec![
            ("revoke", Value::Bool(options.revoke)),
            ("endSession", Value::Bool(options.end_session)),
            ("postLogoutRedirectUri", string(options.post_logout_redirect_uri.as_deref())),
        ]);
        self.run("signOut", args).await.map(drop)
    }

    /// A DPoP proof for `method url` (needs `dpop`, and the crate feature `dpop`); with an access token it carries `ath`,
    /// for API calls (default: the stored access token).
    #[cfg(feature = "dpop")]
    pub async fn dpop_proof(&self, method: &str, url: &str, nonce: Option<&str>, access_token: Option<&str>) -> Result<String, AuthError> {
        let args = object(vec![
            ("method", string(Some(method))),
            ("url", string(Some(url))),
            ("nonce", string(nonce)),
            ("accessToken", string(access_token)),
        ]);
        Ok(self.run("generateDpopProof", args).await?.as_str().unwrap_or("").into())
    }

    /// Runs a synchronous flow (storage reads only) to its value (`null` on error).
    fn run_now(&self, op: &str) -> Value {
        let mut results = Vec::new();
        while results.len() < MAX_EFFECTS {
            match flow::step(&self.config, op, &Value::Null, &results) {
                Answer::Effect(effect) => {
                    let effect = json::parse(&effect).unwrap_or(Value::Null);
                    results.push(self.perform_now(&effect).unwrap_or(Value::Null));
                }
                Answer::Done(done) => return json::parse(&done).unwrap_or(Value::Null),
                Answer::Error(_) => break,
            }
        }
        Value::Null
    }

    /// Runs flow `op` to its end, performing its effects; locks it takes are released at the end.
    fn run<'a>(&'a self, op: &'a str, args: Value) -> Boxed<'a, Result<Value, AuthError>> {
        Box::pin(async move {
            let mut results = Vec::new();
            let mut held = Vec::new();
            while results.len() < MAX_EFFECTS {
                match flow::step(&self.config, op, &args, &results) {
                    Answer::Effect(effect) => {
                        let effect = json::parse(&effect).unwrap_or(Value::Null);
                        let result = match self.perform_now(&effect) {
                            Some(result) => result,
                            None => self.perform(&effect, &mut held).await,
                        };
                        results.push(result);
                    }
                    Answer::Done(done) => return Ok(json::parse(&done).unwrap_or(Value::Null)),
                    Answer::Error(e) => return Err(e),
                }
            }
            Err(AuthError::response("the flow did not finish"))
        })
    }

    /// Performs a synchronous effect; `None` for the asynchronous ones.
    fn perform_now(&self, e: &Value) -> Option<Value> {
        let store = || Store::open(match e.get("area").and_then(Value::as_str) {
            Some("local") => crate::protocol::config::StorageKind::Local,
            Some("memory") => crate::protocol::config::StorageKind::Memory,
            _ => crate::protocol::config::StorageKind::Session,
        });
        Some(match e.get("e")?.as_str()? {
            "now" => Value::Number(clock::now() as f64),
            "random" => random::bytes32().map_or(Value::Null, |b| Value::String(base64url_encode(&b))),
            "get" => string(store().get(&text(e, "key")).as_deref()),
            "set" => Value::Bool(store().set(&text(e, "key"), &text(e, "value"))),
            "remove" => {
                store().remove(&text(e, "key"));
                Value::Null
            }
            "keys" => Value::Array(store().keys_with_prefix(&text(e, "prefix")).into_iter().map(Value::String).collect()),
            "cacheGet" => string(self.shared.cache.borrow().iter().find(|(k, _)| *k == text(e, "name")).map(|(_, v)| v.as_str())),
            "cacheSet" => {
                let (name, value) = (text(e, "name"), text(e, "value"));
                let mut cache = self.shared.cache.borrow_mut();
                cache.retain(|(k, _)| *k != name);
                cache.push((name, value));
                Value::Null
            }
            "href" => string(location::href().as_deref()),
            "replace" => {
                location::replace(&text(e, "url"));
                Value::Null
            }
            "assign" => Value::Bool(location::assign(&text(e, "url"))),
            "later" => {
                let (client, op, ms) = (self.clone(), text(e, "op"), e.get("ms").and_then(Value::as_u64).unwrap_or(0));
                timer::after(ms as u32, move || {
                    wasm_bindgen_futures::spawn_local(async move {
                        let _ = client.run(&op, Value::Null).await;
                    })
                });
                Value::Null
            }
            _ => return None,
        })
    }

    /// Performs an asynchronous effect.
    async fn perform(&self, e: &Value, held: &mut Vec<locks::Release>) -> Value {
        let key = text(e, "key");
        match e.get("e").and_then(Value::as_str).unwrap_or("") {
            "fetch" => {
                let method = match e.get("method").and_then(Value::as_str) {
                    Some("POST") => "POST",
                    _ => "GET",
                };
                let headers = e.get("headers").and_then(Value::as_object).unwrap_or(&[]);
                let request = HttpRequest {
                    method,
                    url: text(e, "url"),
                    headers: headers.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").into())).collect(),
                    body: e.get("body").and_then(Value::as_str).map(String::from),
                };
                let timeout = e.get("timeout").and_then(Value::as_u64).unwrap_or(10_000) as u32;
                let credentials = e.get("credentials").and_then(Value::as_bool).unwrap_or(false);
                match fetch::send(&request, timeout, credentials).await {
                    Ok(r) => object(vec![
                        ("status", Value::Number(f64::from(r.status))),
                        ("body", Value::String(r.body)),
                        ("nonce", string(r.dpop_nonce.as_deref())),
                    ]),
                    Err(kind) => object(vec![("error", string(Some(kind)))]),
                }
            }
            "idbGet" => string(idb::get(&key).await.and_then(|v| v.as_string()).as_deref()),
            "idbPut" => Value::Bool(idb::put(&key, &JsValue::from_str(&text(e, "value"))).await),
            "idbDelete" => {
                idb::delete(&key).await;
                Value::Null
            }
            #[cfg(feature = "dpop")]
            "dpopKey" => match self.dpop_key(&key).await {
                Some(k) => object(vec![("x", Value::String(k.jwk.x.clone())), ("y", Value::String(k.jwk.y.clone()))]),
                None => Value::Null,
            },
            #[cfg(feature = "dpop")]
            "dpopSign" => {
                let key = self.shared.dpop_key.borrow().clone();
                match key {
                    Some(k) => string(k.sign(&text(e, "input")).await.ok().map(|s| base64url_encode(&s)).as_deref()),
                    None => Value::Null,
                }
            }
            #[cfg(feature = "dpop")]
            "dpopForget" => {
                *self.shared.dpop_key.borrow_mut() = None;
                dpop_key::forget(&key).await;
                Value::Null
            }
            #[cfg(feature = "id-token-signature")]
            "verify" => verify::perform(e).await.map_or(Value::Null, Value::Bool),
            "lock" => {
                held.extend(locks::acquire(&text(e, "name")).await);
                Value::Null
            }
            "renew" => self.renew(e.get("args").cloned().unwrap_or(Value::Null)).await,
            _ => Value::Null,
        }
    }

    /// The `renew` effect: joins the renewal in flight for this client key, or leads one.
    async fn renew(&self, args: Value) -> Value {
        let joined = self.shared.renewing.borrow().clone();
        if let Some(flight) = joined {
            return flight.wait().await;
        }
        let flight = Rc::new(Inflight::default());
        *self.shared.renewing.borrow_mut() = Some(flight.clone());
        let answer = match self.run("renew", args).await {
            Ok(done) => object(vec![("done", done)]),
            Err(e) => object(vec![("error", json::parse(&flow::error_json(&e)).unwrap_or(Value::Null))]),
        };
        *self.shared.renewing.borrow_mut() = None;
        flight.finish(answer.clone());
        answer
    }

    #[cfg(feature = "dpop")]
    async fn dpop_key(&self, key: &str) -> Option<Rc<DpopKey>> {
        if let Some(k) = self.shared.dpop_key.borrow().clone() {
            return Some(k);
        }
        let k = Rc::new(dpop_key::load_or_create(key).await.ok()?);
        *self.shared.dpop_key.borrow_mut() = Some(k.clone());
        Some(k)
    }
}

fn sign_in_args(options: SignIn) -> Value {
    let extra = Value::Object(options.extra_params.into_iter().map(|(k, v)| (k, Value::String(v))).collect());
    object(vec![
        ("appState", string(options.app_state.as_deref())),
        ("scope", string(options.scope.as_deref())),
        ("extraParams", extra),
    ])
}
