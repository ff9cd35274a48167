//! The flows as a pure state machine: one function, [`run`], from a JSON request to a JSON
//! answer, with every piece of I/O an effect that the host performs (see [`io`]).
//!
//! The request: `{"op", "config", "env": {"doc", "ws"}, "args", "results": [...]}`:
//! `op` names the flow (`signIn`, `createSignInUrl`, `handleCallback`, `getToken`, `refresh`,
//! `signOut`, `generateDpopProof`, `isAuthenticated`, `getTokens`, `getUser`; `renew` and
//! `prune` for the host's own use; `config` checks the config), `config` is the `AuthConfig`,
//! `env` says whether the runtime has a `document` and Web Storage, `args` the call's options
//! (`appState` as its JSON text, which is stored and returned verbatim) and `results` the
//! results of the effects performed so far, in order.
//!
//! The answer is one of `{"effect": {"e": kind, ...}}` (perform it, append its result, run
//! again), `{"done": value}` or `{"error": {"code", "description"?, "status"?}}`.
//!
//! Two hosts drive it: the npm package's JavaScript executor (`pkg-template/executor.js`), and
//! `crate::client` for Rust front ends (wasm32 only). Host tests (`src/flow/tests.rs`) drive it
//! with a scripted in-memory host.

use crate::prelude::*;

#[cfg(feature = "dpop")]
pub mod dpop;
pub mod io;
pub mod ops;
pub mod options;
#[cfg(feature = "id-token-signature")]
pub mod signature;

#[cfg(test)]
mod tests;

use crate::protocol::config::{Config, Runtime};
use crate::protocol::json::{self, ObjectWriter, Value};
use crate::protocol::AuthError;
use alloc::borrow::Cow;
use io::Io;
use ops::Flow;

/// An `AuthError` as the answer's `error` member.
pub fn error_json(e: &AuthError) -> String {
    let mut w = ObjectWriter::new();
    w.string("code", &e.code);
    if let Some(d) = &e.description {
        w.string("description", d);
    }
    if let Some(s) = e.status {
        w.integer("status", i64::from(s));
    }
    w.finish()
}

/// The inverse of [`error_json`] (for a joined renewal's outcome).
pub fn error_from_json(v: &Value) -> AuthError {
    let text = |key: &str| v.get(key).and_then(Value::as_str).map(|s| Cow::Owned(String::from(s)));
    AuthError {
        code: text("code").unwrap_or(Cow::Borrowed(crate::protocol::error::codes::INVALID_RESPONSE)),
        description: text("description"),
        status: v.get("status").and_then(Value::as_u64).map(|s| s as u16),
    }
}

fn envelope(kind: &str, raw: &str) -> String {
    let mut w = ObjectWriter::new();
    w.raw(kind, raw);
    w.finish()
}

/// How a run ended.
#[derive(Debug)]
pub enum Answer {
    /// Perform this effect (JSON), append its result, run again.
    Effect(String),
    /// The flow's result (JSON).
    Done(String),
    Error(AuthError),
}

/// Descriptions of the refusals of a build without `dpop` / `id-token-signature` (the npm
/// package's core entry; `wasm-oauth/full` has both).
#[cfg(not(feature = "dpop"))]
pub const NEEDS_FULL_DPOP: &str = "dpop needs the full build: import wasm-oauth/full (Rust: feature dpop)";
#[cfg(not(feature = "dpop"))]
pub const NEEDS_FULL_DPOP_PROOF: &str = "generateDpopProof needs the full build: import wasm-oauth/full (Rust: feature dpop)";
#[cfg(not(feature = "id-token-signature"))]
pub const NEEDS_FULL_SIGNATURE: &str =
    "verifyIdTokenSignature needs the full build: import wasm-oauth/full (Rust: feature id-token-signature)";

/// A config asking for a feature this build left out is `invalid_config`, for every op
/// (`config` included, so a client is refused when it is created): never a silently skipped
/// check.
fn compiled_out(config: &Config) -> Result<(), AuthError> {
    #[cfg(not(feature = "dpop"))]
    if config.dpop {
        return Err(AuthError::config(NEEDS_FULL_DPOP));
    }
    #[cfg(not(feature = "id-token-signature"))]
    if config.verify_id_token_signature {
        return Err(AuthError::config(NEEDS_FULL_SIGNATURE));
    }
    let _ = config;
    Ok(())
}

/// One run of `op` for a resolved config: the entry for Rust hosts.
pub fn step(config: &Config, op: &str, args: &Value, results: &[Value]) -> Answer {
    if let Err(e) = compiled_out(config) {
        return Answer::Error(e);
    }
    let mut flow = Flow { config, key: config.client_key(), io: Io::new(results) };
    let outcome = if op == "config" { Ok(client_summary(&flow)) } else { ops::dispatch(&mut flow, op, args) };
    match (flow.io.pending.take(), outcome) {
        (Some(effect), _) => Answer::Effect(effect),
        (None, Ok(done)) => Answer::Done(done),
        (None, Err(e)) => Answer::Error(e),
    }
}

/// What the host keeps per client: its key, where its tokens are, the default leeway.
fn client_summary(flow: &Flow<'_, '_>) -> String {
    let mut w = ObjectWriter::new();
    w.string("key", &flow.key)
        .string("area", ops::area(flow.config.storage))
        .string("tokens", &flow.tokens_key())
        .integer("leeway", flow.config.expiry_leeway.min(json::MAX_SAFE_INTEGER) as i64);
    w.finish()
}

/// One run from a JSON request to a JSON answer: see the module docs.
pub fn run(request: &str) -> String {
    let request = json::parse(request).unwrap_or(Value::Null);
    let null = Value::Null;
    let field = |key: &str| request.get(key).unwrap_or(&null);
    let env = field("env");
    let flag = |key: &str| env.get(key).and_then(Value::as_bool).unwrap_or(false);
    let runtime = Runtime { has_document: flag("doc"), has_web_storage: flag("ws") };
    let answer = match options::config_input(field("config")).and_then(|input| input.resolve(runtime)) {
        Ok(config) => step(&config, field("op").as_str().unwrap_or(""), field("args"), field("results").as_array().unwrap_or(&[])),
        Err(e) => Answer::Error(e),
    };
    match answer {
        Answer::Effect(effect) => envelope("effect", &effect),
        Answer::Done(done) => envelope("done", &done),
        Answer::Error(e) => envelope("error", &error_json(&e)),
    }
}
