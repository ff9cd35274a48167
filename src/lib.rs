//! wasm-oauth: OAuth 2.0 Authorization Code + PKCE for single-page apps, as a small
//! WebAssembly module.
//!
//! - [`protocol`]: the protocol as plain values, host-tested.
//! - [`web`] (wasm32 only): thin browser adapters (fetch, storage, location, random, locks).
//! - [`client`] (wasm32 only): the async flows (sign-in, callback, token reads, refresh);
//!   also the Rust API for wasm front ends (Yew, Leptos, Dioxus).
//! - [`js`] (wasm32 only): the wasm-bindgen surface of API.md (`AuthClient`, the free functions).

pub mod protocol;

#[cfg(target_arch = "wasm32")]
pub mod web;
#[cfg(target_arch = "wasm32")]
pub mod client;
#[cfg(target_arch = "wasm32")]
pub mod js;
