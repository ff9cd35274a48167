//! The wasm-bindgen surface of API.md: `AuthClient`, the free functions, and the conversions
//! between JS values and protocol values. No protocol logic lives here.

pub mod auth_client;
mod convert;
mod error;
pub mod functions;
mod read_config;
