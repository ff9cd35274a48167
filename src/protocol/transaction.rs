//! The sign-in transaction: what `signIn` stores and `handleCallback` needs back.
//! Stored in sessionStorage under `wasm-oauth:tx:<state>`, so several pending sign-ins coexist.

use crate::protocol::Secret;

/// A transaction expires this long after creation (API.md "Storage").
pub const TRANSACTION_TTL_SECS: u64 = 3600;

/// One pending sign-in.
#[derive(Clone, Debug, PartialEq)]
pub struct Transaction {
    /// The client that started it ([`crate::protocol::config::Config::client_key`]).
    pub client_key: String,
    pub state: String,
    pub verifier: Secret,
    /// Present when the scope had `openid`.
    pub nonce: Option<String>,
    pub redirect_uri: String,
    /// `appState` as JSON text (JSON.stringify in JS), returned as data, never followed.
    pub app_state: Option<String>,
    /// Unix seconds.
    pub created_at: u64,
}

impl Transaction {
    /// True when more than [`TRANSACTION_TTL_SECS`] have passed (or the clock went backwards
    /// by more than that).
    pub fn is_expired(&self, now: u64) -> bool { todo!() }
    /// The stored record (JSON).
    pub fn encode(&self) -> String { todo!() }
    /// Reads a stored record; `None` for anything corrupted or foreign.
    pub fn decode(text: &str) -> Option<Transaction> { todo!() }
}
