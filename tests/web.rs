//! Browser tests for the adapters and the Rust host of the flows, in headless Chromium
//! (`wasm-pack test --headless --chrome`). The fixture server (tests/browser/server.mjs) is
//! started by scripts/test.sh, which passes its URL at compile time in WASM_OAUTH_FIXTURE.
#![cfg(target_arch = "wasm32")]

use futures_util::future::join_all;
use wasm_bindgen_test::*;
use wasm_oauth::client::{Client, SignIn, SignOut};
use wasm_oauth::protocol::config::{ConfigInput, Runtime, StorageKind};
use wasm_oauth::protocol::token::{HttpRequest, TokenSet};
use wasm_oauth::protocol::Secret;
use wasm_oauth::web::storage::Store;
use wasm_oauth::web::{fetch, random};

wasm_bindgen_test_configure!(run_in_browser);

const FIXTURE: &str = match option_env!("WASM_OAUTH_FIXTURE") {
    Some(url) => url,
    None => "http://127.0.0.1:9/fixture-server-not-started",
};

/// A fresh id per test so the fixture's request counters don't mix.
fn unique_id() -> String {
    let bytes = random::bytes32().expect("crypto");
    bytes[..8].iter().map(|b| char::from(b'a' + b % 26)).collect()
}

fn client(id: &str, mode: &str, storage: &str) -> Client {
    let input = ConfigInput {
        client_id: Some(["client-", id].concat()),
        redirect_uri: Some("http://localhost:8080/callback".into()),
        authorization_endpoint: Some([FIXTURE, "/authorize"].concat()),
        token_endpoint: Some([FIXTURE, "/token?id=", id, "&mode=", mode].concat()),
        storage: Some(storage.into()),
        request_timeout: Some(1500.0),
        ..Default::default()
    };
    Client::new(input.resolve(Runtime { has_document: true, has_web_storage: true }).expect("valid config"))
}

async fn count(id: &str) -> u32 {
    let request = HttpRequest { method: "GET", url: [FIXTURE, "/count?id=", id].concat(), headers: vec![], body: None };
    let response = fetch::send(&request, 5000, false).await.expect("fixture reachable");
    let start = response.body.find(':').expect("count json") + 1;
    response.body[start..response.body.len() - 1].parse().expect("number")
}

fn expired_tokens(refresh: &str) -> TokenSet {
    TokenSet {
        access_token: Secret::new("old-access"),
        token_type: "Bearer".into(),
        expires_at: Some(1_000),
        refresh_token: Some(Secret::new(refresh)),
        id_token: None,
        scope: None,
    }
}

fn store_tokens(c: &Client, storage: StorageKind, tokens: &TokenSet) {
    Store::open(storage).set(&["wasm-oauth:tokens:", &c.config.client_key()].concat(), &tokens.encode());
}

#[wasm_bindgen_test]
fn storage_modes_round_trip_and_stay_apart() {
    for kind in [StorageKind::Session, StorageKind::Local, StorageKind::Memory] {
        let store = Store::open(kind);
        store.set("wasm-oauth:test:a", "1");
        assert_eq!(store.get("wasm-oauth:test:a").as_deref(), Some("1"));
        assert!(store.keys_with_prefix("wasm-oauth:test:").contains(&"wasm-oauth:test:a".to_string()));
        store.remove("wasm-oauth:test:a");
        assert_eq!(store.get("wasm-oauth:test:a"), None);
    }
    Store::open(StorageKind::Memory).set("wasm-oauth:test:m", "mem");
    assert_eq!(Store::open(StorageKind::Session).get("wasm-oauth:test:m"), None, "memory is not sessionStorage");
    assert_eq!(Store::open(StorageKind::Memory).get("wasm-oauth:test:m").as_deref(), Some("mem"), "one memory map per page");
}

#[wasm_bindgen_test]
fn random_bytes_differ() {
    assert_ne!(random::bytes32().unwrap(), random::bytes32().unwrap());
}

#[wasm_bindgen_test]
async fn fetch_sends_method_headers_and_body() {
    let request = HttpRequest {
        method: "POST",
        url: [FIXTURE, "/echo"].concat(),
        headers: vec![("Content-Type".into(), "application/json".into()), ("X-Api-Version".into(), "3.0".into())],
        body: Some("{\"a\":1}".into()),
    };
    let response = fetch::send(&request, 5000, false).await.expect("echo answers");
    assert_eq!(response.status, 200);
    assert!(response.body.contains("\"method\":\"POST\""), "{}", response.body);
    assert!(response.body.contains("\"x-api-version\":\"3.0\""), "{}", response.body);
    assert!(response.body.contains("\"body\":\"{\\\"a\\\":1}\""), "{}", response.body);
}

#[wasm_bindgen_test]
async fn fetch_times_out_and_reports_network_errors() {
    let hang = HttpRequest { method: "POST", url: [FIXTURE, "/token?mode=hang&id=", &unique_id()].concat(), headers: vec![], body: None };
    let error = fetch::send(&hang, 300, false).await.err().expect("must time out");
    assert_eq!(error, "timeout");
    let closed = HttpRequest { method: "GET", url: "http://127.0.0.1:9/".into(), headers: vec![], body: None };
    let error = fetch::send(&closed, 3000, false).await.err().expect("port 9 is closed");
    assert_eq!(error, "network");
}

#[wasm_bindgen_test]
async fn sign_in_stores_a_transaction_and_callback_exchanges_the_code_once() {
    let id = unique_id();
    let c = client(&id, "ok", "memory");
    let url = c.create_sign_in_url(SignIn { app_state: Some("{\"to\":\"/inbox\"}".into()), ..Default::default() }).await.expect("url");
    assert!(url.starts_with(&[FIXTURE, "/authorize?"].concat()), "{url}");
    assert!(url.contains("code_challenge_method=S256"), "{url}");
    let state = url.split('&').find_map(|p| p.strip_prefix("state=")).or_else(|| url.split('?').nth(1)?.split('&').find_map(|p| p.strip_prefix("state="))).expect("state").to_string();
    let tx_key = ["wasm-oauth:tx:", &state].concat();
    assert!(Store::transactions().get(&tx_key).is_some(), "transaction stored in sessionStorage even with memory storage");

    let callback = ["http://localhost:8080/callback?code=the-code&state=", &state].concat();
    let (tokens, app_state) = c.handle_callback(Some(callback.clone())).await.expect("tokens");
    assert_eq!(tokens.access_token.expose(), "at-1");
    assert_eq!(app_state.as_deref(), Some("{\"to\":\"/inbox\"}"));
    assert!(Store::transactions().get(&tx_key).is_none(), "transaction consumed");
    assert_eq!(c.get_token(None).await.unwrap(), "at-1");
    assert_eq!(count(&id).await, 1, "getToken served from storage");

    let replay = c.handle_callback(Some(callback)).await.err().expect("reused state");
    assert_eq!(replay.code, "state_mismatch");
    assert_eq!(count(&id).await, 1, "no token request for a reused state");
}

#[wasm_bindgen_test]
async fn concurrent_get_token_on_an_expired_token_refreshes_once() {
    for storage in ["memory", "session", "local"] {
        let id = unique_id();
        let c = client(&id, "ok", storage);
        let kind = match storage { "memory" => StorageKind::Memory, "session" => StorageKind::Session, _ => StorageKind::Local };
        store_tokens(&c, kind, &expired_tokens("rt-0"));
        let results = join_all((0..50).map(|_| c.get_token(None))).await;
        assert!(results.iter().all(|r| r.as_deref() == Ok("at-1")), "{storage}: every caller gets the new token");
        assert_eq!(count(&id).await, 1, "{storage}: one refresh for 50 callers");
        assert_eq!(c.tokens().unwrap().refresh_token.unwrap().expose(), "rt-1", "rotated refresh token stored");
    }
}

#[wasm_bindgen_test]
async fn definitive_refresh_failure_clears_tokens_transient_keeps_them() {
    let id = unique_id();
    let c = client(&id, "invalid_grant", "memory");
    store_tokens(&c, StorageKind::Memory, &expired_tokens("rt-x"));
    let error = c.get_token(None).await.err().expect("invalid_grant");
    assert_eq!(error.code, "login_required");
    assert!(error.description.as_deref().unwrap_or("").contains("invalid_grant"));
    assert!(c.tokens().is_none(), "definitive failure clears tokens");

    let id = unique_id();
    let c = client(&id, "html500", "memory");
    store_tokens(&c, StorageKind::Memory, &expired_tokens("rt-y"));
    let error = c.refresh().await.err().expect("500");
    assert_eq!(error.code, "http_error");
    assert_eq!(error.status, Some(500));
    assert_eq!(c.tokens().unwrap().refresh_token.unwrap().expose(), "rt-y", "transient failure keeps tokens");

    let id = unique_id();
    let c = client(&id, "hang", "memory");
    store_tokens(&c, StorageKind::Memory, &expired_tokens("rt-z"));
    assert_eq!(c.get_token(None).await.err().unwrap().code, "timeout");
    assert!(c.tokens().is_some(), "timeout keeps tokens");
}

#[wasm_bindgen_test]
async fn sign_out_forgets_local_tokens() {
    let id = unique_id();
    let c = client(&id, "ok", "session");
    store_tokens(&c, StorageKind::Session, &expired_tokens("rt-0"));
    assert!(c.is_authenticated(), "a refresh token counts");
    c.sign_out(SignOut::default()).await.unwrap();
    assert!(!c.is_authenticated());
    assert_eq!(c.get_token(None).await.err().unwrap().code, "login_required");
}
