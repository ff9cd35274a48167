//! The sign-in transaction: what `signIn` stores and `handleCallback` needs back.
//! Stored in sessionStorage under `wasm-oauth:tx:<state>`, so several pending sign-ins coexist.

use crate::prelude::*;

use crate::protocol::json::{self, ObjectWriter};
use crate::protocol::Secret;

/// A transaction expires this long after creation (API.md "Storage").
pub const TRANSACTION_TTL_SECS: u64 = 3600;

/// Version tag of the stored record; a record with another (or none) is foreign.
const RECORD_VERSION: i64 = 1;

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
    pub fn is_expired(&self, now: u64) -> bool {
        now.saturating_sub(self.created_at) > TRANSACTION_TTL_SECS
            || self.created_at.saturating_sub(now) > TRANSACTION_TTL_SECS
    }

    /// The stored record (JSON): [`record`] of its members.
    pub fn encode(&self) -> String {
        record(
            &self.client_key,
            &self.state,
            self.verifier.expose(),
            self.nonce.as_deref(),
            &self.redirect_uri,
            self.app_state.as_deref(),
            self.created_at,
        )
    }

    /// Reads a stored record; `None` for anything corrupted or foreign.
    ///
    /// Every member must have its type (absent optional members are fine, `null` is not);
    /// `state` and `verifier` must not be empty; members this version doesn't know are ignored.
    pub fn decode(text: &str) -> Option<Transaction> {
        let v = json::parse(text)?;
        // (`get` is `None` for anything but an object.)
        if v.get("v")?.as_f64()? != RECORD_VERSION as f64 {
            return None;
        }
        // Everything is checked before anything is copied.
        let state = v.opt_str("s")??;
        let verifier = v.opt_str("p")??;
        if state.is_empty() || verifier.is_empty() {
            return None;
        }
        let client_key = v.opt_str("k")??;
        let nonce = v.opt_str("n")?;
        let redirect_uri = v.opt_str("r")??;
        let app_state = v.opt_str("a")?;
        let created_at = v.get("c")?.as_u64()?;
        Some(Transaction {
            client_key: client_key.into(),
            state: state.into(),
            verifier: Secret::new(verifier),
            nonce: nonce.map(String::from),
            redirect_uri: redirect_uri.into(),
            app_state: app_state.map(String::from),
            created_at,
        })
    }
}

/// The stored record of a transaction (JSON), from borrowed members (what `signIn` has at hand;
/// [`Transaction::encode`] for a whole one).
///
/// `{"v":1,"k":client_key,"s":state,"p":verifier,"n":nonce?,"r":redirect_uri,"a":app_state?,"c":created_at}`;
/// `a` holds the appState JSON text as a string.
pub fn record(
    client_key: &str,
    state: &str,
    verifier: &str,
    nonce: Option<&str>,
    redirect_uri: &str,
    app_state: Option<&str>,
    created_at: u64,
) -> String {
    let mut w = ObjectWriter::new();
    w.integer("v", RECORD_VERSION).string("k", client_key).string("s", state).string("p", verifier);
    if let Some(n) = nonce {
        w.string("n", n);
    }
    w.string("r", redirect_uri);
    if let Some(a) = app_state {
        w.string("a", a);
    }
    w.integer("c", i64::try_from(created_at).unwrap_or(i64::MAX));
    w.finish()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::protocol::encoding::tests::Rng;

    pub(crate) fn sample() -> Transaction {
        Transaction {
            client_key: "spa|https://auth.example.com/token".into(),
            state: "c3RhdGUtc3RhdGUtc3RhdGUtc3RhdGUtc3RhdGUtc3Q".into(),
            verifier: Secret::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            nonce: Some("bm9uY2Ut".into()),
            redirect_uri: "https://app.example.com/callback".into(),
            app_state: Some(r#"{"returnTo":"/settings?tab=1","n":[1,2]}"#.into()),
            created_at: 1_700_000_000,
        }
    }

    #[test]
    fn round_trip() {
        let t = sample();
        assert_eq!(Transaction::decode(&t.encode()), Some(t.clone()));
        let bare = Transaction { nonce: None, app_state: None, ..t };
        let text = bare.encode();
        assert!(!text.contains("\"n\"") && !text.contains("\"a\""), "{text}");
        assert_eq!(Transaction::decode(&text), Some(bare));
    }

    #[test]
    fn encoded_form_is_compact_json() {
        let t = Transaction { app_state: Some("\"x\"".into()), nonce: None, ..sample() };
        assert_eq!(
            t.encode(),
            r#"{"v":1,"k":"spa|https://auth.example.com/token","s":"c3RhdGUtc3RhdGUtc3RhdGUtc3RhdGUtc3RhdGUtc3Q","p":"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk","r":"https://app.example.com/callback","a":"\"x\"","c":1700000000}"#
        );
    }

    #[test]
    fn corrupted_or_foreign_records() {
        let good = sample().encode();
        let cases = [
            String::new(),
            "null".into(),
            "[]".into(),
            "{}".into(),
            "\"text\"".into(),
            good.replace("\"v\":1", "\"v\":2"),
            good.replace("\"v\":1,", ""),
            good.replace("\"c\":1700000000", "\"c\":\"1700000000\""),
            good.replace("\"c\":1700000000", "\"c\":-1"),
            good.replace("\"c\":1700000000", "\"c\":1.5"),
            good.replace("\"n\":\"bm9uY2Ut\"", "\"n\":null"),
            good.replace("\"n\":\"bm9uY2Ut\"", "\"n\":5"),
            good.replace("\"s\":\"c3RhdGUtc3RhdGUtc3RhdGUtc3RhdGUtc3RhdGUtc3Q\"", "\"s\":\"\""),
            good.replace("\"p\":\"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk\"", "\"p\":7"),
            good.replace("\"r\":", "\"x\":"),
            good[..good.len() - 1].to_string(),
            good.clone() + "x",
        ];
        for text in cases {
            assert_eq!(Transaction::decode(&text), None, "{text}");
        }
        // Unknown members are ignored.
        let extra = good.replacen('{', "{\"future\":true,", 1);
        assert_eq!(Transaction::decode(&extra), Some(sample()));
    }

    #[test]
    fn expiry() {
        let t = sample();
        let c = t.created_at;
        assert!(!t.is_expired(c));
        assert!(!t.is_expired(c + TRANSACTION_TTL_SECS));
        assert!(t.is_expired(c + TRANSACTION_TTL_SECS + 1));
        assert!(!t.is_expired(c - TRANSACTION_TTL_SECS), "small backwards clock steps are tolerated");
        assert!(t.is_expired(c - TRANSACTION_TTL_SECS - 1));
        assert!(t.is_expired(u64::MAX));
        assert!(t.is_expired(0));
    }

    #[test]
    fn debug_hides_the_verifier() {
        assert!(!format!("{:?}", sample()).contains("dBjftJeZ4CVP"));
    }

    #[test]
    fn random_records_never_panic() {
        let mut rng = Rng(31337);
        let good = sample().encode();
        for _ in 0..5000 {
            let mut bytes = good.clone().into_bytes();
            for _ in 0..3 {
                let i = rng.below(bytes.len());
                bytes[i] = rng.next() as u8;
            }
            let text = String::from_utf8_lossy(&bytes);
            let _ = Transaction::decode(&text);
        }
    }
}
