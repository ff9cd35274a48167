//! wasm-oauth: OAuth 2.0 Authorization Code + PKCE for single-page apps, as a small
//! WebAssembly module.
//!
//! It ships two ways: as the npm package `wasm-oauth` (built from this crate by
//! `scripts/build.sh`; JavaScript calls `AuthClient` and four free functions, see the README),
//! and as this crate, for front ends written in Rust (Yew, Leptos, Dioxus, plain wasm-bindgen)
//! on `wasm32-unknown-unknown`. This page is the guide for the Rust API.
//!
//! # Modules
//!
//! - [`protocol`]: the protocol as plain values, host-tested: configuration, PKCE, authorize
//!   URLs, callback checks, token requests and responses, ID token claims, errors. No I/O; it
//!   compiles on every target.
//! - [`flow`]: the flows (sign-in, callback, token reads, renewal, sign-out, DPoP proofs) as a
//!   pure, replayed state machine: [`flow::run`] takes a JSON request and answers with the next
//!   effect (storage, HTTP, IndexedDB, WebCrypto, a lock, navigation, a timer) or the outcome;
//!   a host performs the effect, appends its result and runs again. No I/O; it compiles on
//!   every target and is host-tested with a scripted host.
//! - `client` (wasm32 only): the Rust host of the flows, `client::Client`, which performs their
//!   effects with the `web` adapters: the (async) Rust API for wasm front ends.
//! - `web` (wasm32 only): thin browser adapters (fetch, storage, IndexedDB, location, random,
//!   locks, timers, WebCrypto), used by `client`.
//! - `js` (wasm32 only): a wasm-bindgen surface, one function, `run(&str) -> String`
//!   ([`flow::run`]). The npm package does not use it: its build (feature `standalone`) exports
//!   a plain C ABI instead (`abi`, read by the hand-written `pkg-template/loader.js`), and
//!   `AuthClient` and the free functions are JavaScript (`pkg-template/executor.js`, the
//!   package's host of the flows).
//!
//! The wasm32-only modules appear in `cargo doc --target wasm32-unknown-unknown --open`.
//!
//! The crate is `no_std` + `alloc`: std's panic and formatting machinery costs kilobytes of
//! wasm. It still links std (its panic handler and allocator) unless the `standalone` feature
//! is on; the npm build turns that on and gets a trapping panic handler and a small allocator
//! instead (see `standalone`), the `abi` exports, and none of `client`, `web`, `js` (a
//! `standalone` build is only the npm package's module). Host tests use std.
//!
//! # Cargo features
//!
//! - `confidential` (default): confidential clients, for servers (an edge function, a worker,
//!   Node): `grant_type: "client_credentials"`, `client_secret` with `client_auth_method`,
//!   `api_key`, `dangerously_allow_secrets_in_browser` (`protocol::confidential`).
//! - `dpop` (default): DPoP-bound tokens (RFC 9449): `dpop: true`, `Client::dpop_proof`.
//! - `id-token-signature` (default): `verify_id_token_signature`, ID token signatures checked
//!   with WebCrypto against the issuer's JWK Set.
//!
//! Without one of them, a config asking for it is `invalid_config` (from every flow, before any
//! effect; for `confidential` already from `ConfigInput::resolve`): the check is never skipped
//! silently. The npm package's main entry in a page is built without the three (it is
//! smaller), its `wasm-oauth/full` entry, and the main entry's Node condition, with them.
//!
//! # Configuration
//!
//! A [`ConfigInput`](protocol::config::ConfigInput) holds the JavaScript `AuthConfig` keys in
//! snake_case, all optional; [`resolve`](protocol::config::ConfigInput::resolve) applies the
//! presets and defaults and checks every rule, exactly as `new AuthClient(config)` does, for a
//! [`Runtime`](protocol::config::Runtime) (a page has a `document` and, usually, Web Storage;
//! `web::global::has_document()` and `web::storage::has_web_storage()` tell). Mistakes are an
//! [`AuthError`](protocol::AuthError) with code `invalid_config` naming the key.
//!
//! ```
//! use wasm_oauth::protocol::config::{ConfigInput, Runtime, StorageKind};
//!
//! let config = ConfigInput {
//!     issuer: Some("https://id.example.com".into()), // endpoints by discovery
//!     client_id: Some("my-spa".into()),
//!     redirect_uri: Some("https://app.example.com/".into()),
//!     scope: Some("openid profile email offline_access".into()),
//!     storage: Some("local".into()),
//!     ..ConfigInput::default()
//! }
//! .resolve(Runtime { has_document: true, has_web_storage: true })?;
//! assert_eq!(config.storage, StorageKind::Local);
//! assert_eq!(config.expiry_leeway, 60); // seconds: the default
//!
//! let missing = ConfigInput { client_id: Some("my-spa".into()), ..ConfigInput::default() }
//!     .resolve(Runtime { has_document: true, has_web_storage: true })
//!     .unwrap_err();
//! assert_eq!(missing.code, "invalid_config"); // "tokenEndpoint or issuer is required"
//! # Ok::<(), wasm_oauth::protocol::AuthError>(())
//! ```
//!
//! # Signing in from a Rust front end
//!
//! `client::Client::from_input(input)` (or `Client::new` with a resolved config) gives a client; clients with the same `client_id` and issuer
//! (or, without an issuer, token endpoint) share the stored tokens and the in-flight refresh
//! with each other in the page, so a component can build its own whenever it needs one. (The
//! npm package in the same page is a separate host: it sees the same Web Storage tokens and,
//! as another tab would, takes the same Web Lock to refresh them.) Its methods are `async` and
//! their futures are not `Send` (they hold JavaScript values): run them with
//! `wasm_bindgen_futures::spawn_local`, or the framework's local spawner or resource (Leptos
//! `spawn_local` / `LocalResource`, Yew `spawn_local`, Dioxus `spawn` / `use_resource`).
//!
//! ```no_run
//! # #[cfg(target_arch = "wasm32")]
//! # mod app {
//! use wasm_oauth::client::{Client, SignIn};
//! use wasm_oauth::protocol::config::Config;
//! use wasm_oauth::protocol::error::codes;
//! use wasm_oauth::protocol::AuthError;
//!
//! /// At start-up, on the redirect URI: `None` reads the callback from the address bar
//! /// (and removes `code`, `state`, `iss` from it). Returns the `app_state` JSON text.
//! async fn on_callback(config: Config) -> Result<Option<String>, AuthError> {
//!     let (_tokens, app_state) = Client::new(config).handle_callback(None).await?;
//!     Ok(app_state)
//! }
//!
//! /// A "Sign in" button: stores a transaction (PKCE verifier, state, nonce), then leaves the
//! /// page for the authorization server. `create_sign_in_url` returns the URL instead.
//! fn on_sign_in_click(config: Config) {
//!     wasm_bindgen_futures::spawn_local(async move {
//!         let options = SignIn { app_state: Some(r#"{"returnTo":"/inbox"}"#.into()), ..SignIn::default() };
//!         let _ = Client::new(config).sign_in(options).await;
//!     });
//! }
//!
//! /// Before an API call: a valid access token, refreshed when it is about to expire
//! /// (one refresh however many callers wait). `login_required`: sign in again.
//! async fn bearer(config: Config) -> Result<Option<String>, AuthError> {
//!     match Client::new(config).get_token(None).await {
//!         Ok(token) => Ok(Some(["Bearer ", &token].concat())),
//!         Err(e) if e.code == codes::LOGIN_REQUIRED => Ok(None),
//!         Err(e) => Err(e),
//!     }
//! }
//! # }
//! ```
//!
//! Also on `Client`: `is_authenticated()`, `tokens()` (the stored
//! [`TokenSet`](protocol::token::TokenSet); secrets are [`Secret`](protocol::Secret)s, printed
//! as `***` by `Debug`), `user_claims()` (the ID token's claims as JSON text, readable with
//! [`protocol::json::parse`]), `refresh()` and `sign_out(SignOut { revoke, end_session, .. })`.
//! `examples/spa.rs` puts it all together and `examples/token_source.rs` shows a client
//! credentials token source without a page; both are checked with
//! `cargo check --target wasm32-unknown-unknown --examples`.
//!
//! # Errors
//!
//! Every failure is an [`AuthError`](protocol::AuthError): a `code` (the constants in
//! [`protocol::error::codes`], or an OAuth code passed through from the server such as
//! `access_denied`), a `description` and, for HTTP answers, a `status`. Its texts never
//! contain tokens, codes, verifiers or secrets.
//!
//! # Content Security Policy
//!
//! Pages that load any WebAssembly under a CSP need `script-src 'self' 'wasm-unsafe-eval'`;
//! a restricted `connect-src` must also allow the authorization server (see the README).
#![cfg_attr(not(test), no_std)]

extern crate alloc;
#[cfg(all(not(test), not(feature = "standalone")))]
extern crate std;

/// The names std's prelude would give (`String`, `Vec`, `vec!`, ...), for `use crate::prelude::*`.
#[allow(unused_imports)]
mod prelude {
    pub use alloc::borrow::ToOwned;
    pub use alloc::boxed::Box;
    pub use alloc::string::{String, ToString};
    pub use alloc::vec;
    pub use alloc::vec::Vec;
}

pub mod protocol;
pub mod flow;

#[cfg(all(feature = "standalone", target_arch = "wasm32", not(test)))]
mod standalone;

// The npm build (`standalone` on wasm32) is the flows behind a plain C ABI (`abi`), read by a
// hand-written JavaScript loader; the browser adapters, the Rust client and the wasm-bindgen
// surface are for the other wasm32 builds (Rust front ends, `wasm-pack test`).
#[cfg(any(test, all(feature = "standalone", target_arch = "wasm32")))]
mod abi;

#[cfg(all(target_arch = "wasm32", not(feature = "standalone")))]
pub mod web;
#[cfg(all(target_arch = "wasm32", not(feature = "standalone")))]
pub mod client;
#[cfg(all(target_arch = "wasm32", not(feature = "standalone")))]
pub mod js;
