//! The rotation log: which refresh tokens this origin has already spent, and for a short while
//! what each was exchanged for.
//!
//! Rotating refresh tokens may be sent once. Two tabs can hold the same one: a tab that read a
//! stale localStorage value right after another tab's refresh (Chromium does this after a Web
//! Lock changes hands), or a duplicated tab, whose sessionStorage the browser copied. Before
//! spending a refresh token, the tab holding the refresh lock looks it up here: a recent entry
//! hands over its successor tokens (adopt, no request); an older one says the token is spent
//! (sign in again, no request); no entry means it may be sent.

use crate::prelude::*;

use crate::protocol::encoding::base64url_encode;
use crate::protocol::json::{self, Value};
use crate::protocol::sha256;

/// How long successor tokens stay in the log for other tabs to adopt. After that only the
/// fingerprint is kept, so the log holds no usable token for longer than this.
pub const ADOPT_TTL_SECS: u64 = 60;
/// How many spent tokens the log remembers (newest first).
pub const MAX_ENTRIES: usize = 8;

/// A refresh token's fingerprint: base64url(SHA-256(token)). The token itself is never logged.
pub fn fingerprint(refresh_token: &str) -> String {
    base64url_encode(&sha256::digest(refresh_token.as_bytes()))
}

/// One spent refresh token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Fingerprint of the spent token.
    pub spent: String,
    /// Unix seconds when it was spent.
    pub at: u64,
    /// The stored record of the tokens it was exchanged for (`TokenSet::encode`), while young.
    pub successor: Option<String>,
    /// Fingerprint of the successor's refresh token, to follow a chain of rotations.
    pub next: Option<String>,
}

/// What the log says about a refresh token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lookup<'a> {
    /// Never spent here: it may be sent.
    Unspent,
    /// Spent recently: use these tokens (the newest along the chain) instead.
    Adopt(&'a str),
    /// Spent, and its successor is gone: it must not be sent again.
    Spent,
}

/// The log for one client.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RotationLog {
    pub entries: Vec<Entry>,
}

impl RotationLog {
    /// Reads a stored log; anything unreadable is an empty log.
    pub fn decode(text: &str) -> RotationLog {
        let mut entries = Vec::new();
        let parsed = json::parse(text);
        if let Some(items) = parsed.as_ref().and_then(|v| v.get("e")).and_then(Value::as_array) {
            for item in items.iter().take(MAX_ENTRIES) {
                if let Some(entry) = decode_entry(item) {
                    entries.push(entry);
                }
            }
        }
        RotationLog { entries }
    }

    /// The stored form: at most [`MAX_ENTRIES`], successors older than [`ADOPT_TTL_SECS`] dropped.
    pub fn encode(&self, now: u64) -> String {
        let mut out = String::from("{\"e\":[");
        for (i, e) in self.entries.iter().take(MAX_ENTRIES).enumerate() {
            if i > 0 {
                out.push(',');
            }
            let mut w = json::ObjectWriter::new();
            w.string("f", &e.spent).integer("a", e.at as i64);
            if let (Some(s), true) = (&e.successor, is_young(e.at, now)) {
                w.string("s", s);
            }
            if let Some(n) = &e.next {
                w.string("n", n);
            }
            out.push_str(&w.finish());
        }
        out.push_str("]}");
        out
    }

    /// Records that `spent` was exchanged for `successor` (its refresh token's fingerprint `next`).
    pub fn record(&mut self, spent: String, successor: String, next: Option<String>, now: u64) {
        // Newest first; built anew (`insert(0, ..)` links a panic message and this file's name).
        let old = core::mem::take(&mut self.entries);
        self.entries.push(Entry { spent, at: now, successor: Some(successor), next });
        for e in old {
            if self.entries.len() < MAX_ENTRIES && self.entries.iter().all(|kept| kept.spent != e.spent) {
                self.entries.push(e);
            }
        }
    }

    /// Looks up a refresh token by fingerprint, following rotations to the newest young successor.
    pub fn lookup(&self, fingerprint: &str, now: u64) -> Lookup<'_> {
        let mut current = fingerprint;
        let mut adopted: Option<&str> = None;
        for _ in 0..MAX_ENTRIES {
            let Some(entry) = self.entries.iter().find(|e| e.spent == current) else { break };
            match (&entry.successor, is_young(entry.at, now)) {
                (Some(successor), true) => adopted = Some(successor),
                _ => return adopted.map_or(Lookup::Spent, Lookup::Adopt),
            }
            match &entry.next {
                Some(next) => current = next,
                None => break,
            }
        }
        adopted.map_or(Lookup::Unspent, Lookup::Adopt)
    }
}

fn is_young(at: u64, now: u64) -> bool {
    now.saturating_sub(at) <= ADOPT_TTL_SECS && at <= now.saturating_add(ADOPT_TTL_SECS)
}

fn decode_entry(v: &Value) -> Option<Entry> {
    // (A member of another type counts as absent.)
    let text = |k: &str| v.opt_str(k).flatten().map(String::from);
    let at = v.get("a").and_then(Value::as_u64)?;
    Some(Entry { spent: text("f")?, at, successor: text("s"), next: text("n") })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_tokens_are_unspent() {
        assert_eq!(RotationLog::default().lookup(&fingerprint("rt-1"), 100), Lookup::Unspent);
    }

    #[test]
    fn a_young_successor_is_adopted_following_the_chain() {
        let mut log = RotationLog::default();
        log.record(fingerprint("rt-1"), "tokens-2".into(), Some(fingerprint("rt-2")), 1000);
        log.record(fingerprint("rt-2"), "tokens-3".into(), Some(fingerprint("rt-3")), 1010);
        assert_eq!(log.lookup(&fingerprint("rt-1"), 1020), Lookup::Adopt("tokens-3"));
        assert_eq!(log.lookup(&fingerprint("rt-2"), 1020), Lookup::Adopt("tokens-3"));
        assert_eq!(log.lookup(&fingerprint("rt-3"), 1020), Lookup::Unspent);
    }

    #[test]
    fn an_old_entry_means_spent_and_keeps_no_tokens() {
        let mut log = RotationLog::default();
        log.record(fingerprint("rt-1"), "tokens-2".into(), Some(fingerprint("rt-2")), 1000);
        let later = 1000 + ADOPT_TTL_SECS + 1;
        assert_eq!(log.lookup(&fingerprint("rt-1"), later), Lookup::Spent);
        let stored = log.encode(later);
        assert!(!stored.contains("tokens-2"), "successor dropped after the TTL: {stored}");
        assert!(!stored.contains("rt-1"), "only fingerprints are stored");
        assert_eq!(RotationLog::decode(&stored).lookup(&fingerprint("rt-1"), later), Lookup::Spent);
    }

    #[test]
    fn round_trips_and_bounds_its_size() {
        let mut log = RotationLog::default();
        for i in 0..20u64 {
            log.record(fingerprint(&i.to_string()), ["t", &i.to_string()].concat(), None, 500 + i);
        }
        assert_eq!(log.entries.len(), MAX_ENTRIES);
        let decoded = RotationLog::decode(&log.encode(510));
        assert_eq!(decoded, log);
        assert_eq!(decoded.lookup(&fingerprint("19"), 510), Lookup::Adopt("t19"));
        assert_eq!(decoded.lookup(&fingerprint("0"), 510), Lookup::Unspent, "oldest forgotten");
    }

    #[test]
    fn corrupted_logs_are_empty() {
        for text in ["", "{", "null", "{\"e\":3}", "{\"e\":[{\"f\":1}]}", "[]"] {
            assert_eq!(RotationLog::decode(text), RotationLog::default(), "{text}");
        }
    }

    #[test]
    fn a_clock_far_in_the_past_is_not_young() {
        let mut log = RotationLog::default();
        log.record(fingerprint("rt-1"), "tokens-2".into(), None, 10_000);
        assert_eq!(log.lookup(&fingerprint("rt-1"), 10), Lookup::Spent);
    }
}
