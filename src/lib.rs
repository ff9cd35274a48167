//! wasm-oauth: OAuth 2.0 Authorization Code + PKCE for single-page apps, as a small
//! WebAssembly module.
//!
//! - [`protocol`]: the protocol as plain values, host-tested.
//! - `web` (wasm32 only): thin browser adapters (fetch, storage, location, random, locks).
//! - `client` (wasm32 only): the async flows (sign-in, callback, token reads, refresh).
//! - `js` (wasm32 only): the wasm-bindgen surface of API.md.

pub mod protocol;

#[cfg(target_arch = "wasm32")]
mod web;
#[cfg(target_arch = "wasm32")]
mod client;
#[cfg(target_arch = "wasm32")]
mod js;
