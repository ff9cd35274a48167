//! Stored records, as read back from Web Storage or IndexedDB (corrupted, foreign, hostile):
//! `TokenSet::decode`, `Transaction::decode`, `RotationLog::decode` and `lookup`.
//!
//! Invariants: no panic; whatever decodes encodes back to a text that decodes to the same
//! value; a decoded TokenSet has a non-empty access token, a Transaction a non-empty state and
//! verifier; the rotation log keeps at most MAX_ENTRIES and drops successors older than
//! ADOPT_TTL_SECS when it is encoded.
#![no_main]
use libfuzzer_sys::fuzz_target;
use wasm_oauth::protocol::rotation::{fingerprint, Lookup, RotationLog, ADOPT_TTL_SECS, MAX_ENTRIES};
use wasm_oauth::protocol::token::TokenSet;
use wasm_oauth::protocol::transaction::Transaction;
use wasm_oauth_fuzz::{checkable, le};

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    let now = le(&data[..4]) * 4;
    let text = String::from_utf8_lossy(&data[4..]);

    if let Some(t) = TokenSet::decode(&text) {
        assert!(!t.access_token.expose().is_empty());
        assert_eq!(TokenSet::decode(&t.encode()), Some(t.clone()));
        let _ = t.is_fresh(now, 60);
    }
    if let Some(t) = Transaction::decode(&text) {
        assert!(!t.state.is_empty() && !t.verifier.expose().is_empty());
        assert_eq!(Transaction::decode(&t.encode()), Some(t.clone()));
        let _ = t.is_expired(now);
        let v = t.verifier.expose();
        let others = format!("{:?}", Transaction { verifier: wasm_oauth::protocol::Secret::new(""), ..t.clone() });
        if checkable(v) && !others.contains(v) {
            assert!(!format!("{t:?}").contains(v), "the verifier in Debug output");
        }
    }
    let log = RotationLog::decode(&text);
    assert!(log.entries.len() <= MAX_ENTRIES);
    let encoded = log.encode(now);
    let again = RotationLog::decode(&encoded);
    assert_eq!(again.entries.len(), log.entries.len());
    for (a, b) in log.entries.iter().zip(&again.entries) {
        assert_eq!((&a.spent, a.at, &a.next), (&b.spent, b.at, &b.next));
        let young = now.saturating_sub(a.at) <= ADOPT_TTL_SECS && a.at <= now.saturating_add(ADOPT_TTL_SECS);
        assert_eq!(b.successor, if young { a.successor.clone() } else { None }, "successor kept past the TTL");
    }
    assert_eq!(RotationLog::decode(&again.encode(now)), again, "encode/decode is stable");
    for e in log.entries.iter().take(2) {
        match log.lookup(&e.spent, now) {
            Lookup::Adopt(s) => assert!(log.entries.iter().any(|x| x.successor.as_deref() == Some(s))),
            Lookup::Spent | Lookup::Unspent => {}
        }
    }
    let _ = log.lookup(&fingerprint(&text), now);
});
