//! Host tests of the flows: [`run`] driven by a scripted in-memory host that performs each
//! effect as `pkg-template/executor.js` does (same result shapes), with a fixed clock,
//! deterministic random values, Web Storage areas, a page cache, IndexedDB and a scripted
//! server that records every request.

extern crate std;

use std::boxed::Box;
use std::collections::BTreeMap;
use std::format;
use std::string::{String, ToString};
use std::vec;
use std::vec::Vec;

use super::run;
use crate::protocol::encoding::{base64url_encode, parse_query};
use crate::protocol::json::{self, Value};
use crate::protocol::rotation::{self, Lookup, RotationLog};
use crate::protocol::sha256::digest;
use crate::protocol::token::TokenSet;
use crate::protocol::transaction::Transaction;
use crate::protocol::{url, Secret};

const NOW: u64 = 1_700_000_000;
const AUTHORIZE_URL: &str = "https://auth.example.com/authorize";
const TOKEN_URL: &str = "https://auth.example.com/token";
const REDIRECT: &str = "https://app.example.com/callback";
const CONFIG: &str = r#"{"clientId":"spa","redirectUri":"https://app.example.com/callback","authorizationEndpoint":"https://auth.example.com/authorize","tokenEndpoint":"https://auth.example.com/token"}"#;
const LOCAL_CONFIG: &str = r#"{"clientId":"spa","redirectUri":"https://app.example.com/callback","authorizationEndpoint":"https://auth.example.com/authorize","tokenEndpoint":"https://auth.example.com/token","storage":"local"}"#;
/// The client key of `CONFIG` (client id + token endpoint, no issuer).
const KEY: &str = "spa|https://auth.example.com/token";
/// A browser page: a document and Web Storage.
const BROWSER: &str = r#"{"doc":true,"ws":true}"#;
/// Runs per op at most before the host gives up (the flows need a few dozen effects).
const MAX_STEPS: usize = 200;

fn tokens_key() -> String {
    format!("wasm-oauth:tokens:{KEY}")
}

fn string(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or_else(|| panic!("no string {key} in {}", v.to_json())).to_string()
}

fn number(v: &Value, key: &str) -> u64 {
    v.get(key).and_then(Value::as_u64).unwrap_or_else(|| panic!("no integer {key} in {}", v.to_json()))
}

fn json_string(s: &str) -> String {
    let mut out = String::new();
    json::write_string(&mut out, s);
    out
}

/// The request text `run` takes, as the JS executor builds it.
fn request_text(op: &str, config: &str, env: &str, args: &str, results: &[Value]) -> String {
    let results = Value::Array(results.to_vec()).to_json();
    format!(r#"{{"op":{},"config":{config},"env":{env},"args":{args},"results":{results}}}"#, json_string(op))
}

/// One HTTP request the flows sent.
#[derive(Clone, Debug)]
struct Request {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Option<String>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The form-encoded body as pairs, in order.
    fn form(&self) -> Vec<(String, String)> {
        parse_query(self.body.as_deref().expect("a body")).expect("a form body")
    }

    fn param(&self, name: &str) -> Option<String> {
        self.form().into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// A `fetch` result: `{status, body, nonce}`.
fn http(status: u16, body: &str) -> Value {
    http_with_nonce(status, body, None)
}

fn http_with_nonce(status: u16, body: &str, nonce: Option<&str>) -> Value {
    Value::Object(vec![
        ("status".to_string(), Value::Number(f64::from(status))),
        ("body".to_string(), Value::String(body.to_string())),
        ("nonce".to_string(), nonce.map_or(Value::Null, |n| Value::String(n.to_string()))),
    ])
}

fn fetch_error(kind: &str) -> Value {
    Value::Object(vec![("error".to_string(), Value::String(kind.to_string()))])
}

/// One run of an op to its answer: each effect asked for (raw JSON) and the result given.
#[derive(Clone, Debug)]
struct Transcript {
    op: String,
    config: String,
    env: String,
    args: String,
    effects: Vec<String>,
    results: Vec<Value>,
    answer: String,
}

impl Transcript {
    fn effects(&self) -> Vec<Value> {
        self.effects.iter().map(|e| json::parse(e).expect("an effect is JSON")).collect()
    }

    fn kinds(&self) -> Vec<String> {
        self.effects().iter().map(|e| string(e, "e")).collect()
    }

    fn count(&self, kind: &str) -> usize {
        self.kinds().iter().filter(|k| *k == kind).count()
    }

    fn position(&self, kind: &str) -> Option<usize> {
        self.kinds().iter().position(|k| k == kind)
    }
}

type Server = Box<dyn FnMut(&Request) -> Value>;

/// The scripted host.
struct Host {
    config: String,
    env: String,
    /// The clock, Unix seconds.
    now: u64,
    /// The random values handed out, in order: the n-th (from 1) is 32 octets of value n.
    randoms: Vec<String>,
    /// Web Storage areas (and the page's memory store, `memory`).
    areas: BTreeMap<String, BTreeMap<String, String>>,
    /// The page cache for this client key.
    cache: BTreeMap<String, String>,
    idb: BTreeMap<String, String>,
    server: Server,
    requests: Vec<Request>,
    /// `window.location.href`.
    href: Option<String>,
    /// Every finished run (a nested `renew` before the run that asked for it).
    transcripts: Vec<Transcript>,
    /// Effects performed, nested runs included.
    performed: usize,
}

impl Host {
    fn new(config: &str) -> Self {
        Host {
            config: config.to_string(),
            env: BROWSER.to_string(),
            now: NOW,
            randoms: Vec::new(),
            areas: BTreeMap::new(),
            cache: BTreeMap::new(),
            idb: BTreeMap::new(),
            server: Box::new(|_| fetch_error("network")),
            requests: Vec::new(),
            href: None,
            transcripts: Vec::new(),
            performed: 0,
        }
    }

    fn serve(&mut self, server: impl FnMut(&Request) -> Value + 'static) {
        self.server = Box::new(server);
    }

    fn has_web_storage(&self) -> bool {
        json::parse(&self.env).and_then(|e| e.get("ws").and_then(Value::as_bool)).unwrap_or(false)
    }

    /// The store behind an area name, as the executor's `store(area)` picks it.
    fn area(&mut self, name: &str) -> &mut BTreeMap<String, String> {
        let name = if name == "memory" || !self.has_web_storage() { "memory" } else { name };
        self.areas.entry(name.to_string()).or_default()
    }

    fn item(&mut self, area: &str, key: &str) -> Option<String> {
        self.area(area).get(key).cloned()
    }

    fn tokens(&mut self, area: &str) -> Option<TokenSet> {
        self.item(area, &tokens_key()).map(|t| TokenSet::decode(&t).expect("a token record"))
    }

    fn put_tokens(&mut self, area: &str, tokens: &TokenSet) {
        self.area(area).insert(tokens_key(), tokens.encode());
    }

    /// Runs `op` to its answer (done or error), performing every effect.
    fn exec(&mut self, op: &str, args: &str) -> Value {
        let (config, env) = (self.config.clone(), self.env.clone());
        let mut effects = Vec::new();
        let mut results = Vec::new();
        for _ in 0..MAX_STEPS {
            let answer_text = run(&request_text(op, &config, &env, args, &results));
            let answer = json::parse(&answer_text).unwrap_or_else(|| panic!("the answer is not JSON: {answer_text}"));
            let members = answer.as_object().unwrap_or_else(|| panic!("the answer is not an object: {answer_text}"));
            assert_eq!(members.len(), 1, "an answer has exactly one member: {answer_text}");
            let (kind, body) = &members[0];
            match kind.as_str() {
                "effect" => {
                    assert!(body.get("e").and_then(Value::as_str).is_some(), "an effect names its kind: {answer_text}");
                    let raw = answer_text.strip_prefix(r#"{"effect":"#).and_then(|r| r.strip_suffix('}')).expect("an effect envelope");
                    effects.push(raw.to_string());
                    let result = self.perform(body);
                    results.push(result);
                }
                "done" | "error" => {
                    self.transcripts.push(Transcript {
                        op: op.to_string(),
                        config,
                        env,
                        args: args.to_string(),
                        effects,
                        results,
                        answer: answer_text.clone(),
                    });
                    return answer;
                }
                other => panic!("unknown answer {other}: {answer_text}"),
            }
        }
        panic!("{op} did not finish in {MAX_STEPS} effects");
    }

    /// Performs one effect; the result has the shape executor.js gives it.
    fn perform(&mut self, e: &Value) -> Value {
        self.performed += 1;
        let text = |key: &str| e.get(key).and_then(Value::as_str).unwrap_or("").to_string();
        let optional = |v: Option<String>| v.map_or(Value::Null, Value::String);
        match text("e").as_str() {
            "now" => Value::Number(self.now as f64),
            "random" => {
                let n = self.randoms.len() as u8 + 1;
                let value = base64url_encode(&[n; 32]);
                self.randoms.push(value.clone());
                Value::String(value)
            }
            "get" => optional(self.item(&text("area"), &text("key"))),
            "set" => {
                let (key, value) = (text("key"), text("value"));
                self.area(&text("area")).insert(key, value);
                Value::Bool(true)
            }
            "remove" => {
                let key = text("key");
                self.area(&text("area")).remove(&key);
                Value::Null
            }
            "keys" => {
                let prefix = text("prefix");
                let keys = self.area(&text("area")).keys().filter(|k| k.starts_with(&prefix)).cloned().map(Value::String).collect();
                Value::Array(keys)
            }
            "fetch" => {
                let headers = e.get("headers").and_then(Value::as_object).expect("fetch headers");
                let request = Request {
                    method: text("method"),
                    url: text("url"),
                    headers: headers.iter().map(|(k, v)| (k.clone(), v.as_str().expect("a header value").to_string())).collect(),
                    body: e.get("body").and_then(Value::as_str).map(String::from),
                };
                assert!(number(e, "timeout") > 0, "a fetch has a timeout");
                self.requests.push(request.clone());
                (self.server)(&request)
            }
            "idbGet" => optional(self.idb.get(&text("key")).cloned()),
            "idbPut" => {
                self.idb.insert(text("key"), text("value"));
                Value::Null
            }
            "idbDelete" => {
                self.idb.remove(&text("key"));
                Value::Null
            }
            "cacheGet" => optional(self.cache.get(&text("name")).cloned()),
            "cacheSet" => {
                self.cache.insert(text("name"), text("value"));
                Value::Null
            }
            "dpopKey" => Value::Object(vec![
                ("x".to_string(), Value::String("test-x".to_string())),
                ("y".to_string(), Value::String("test-y".to_string())),
            ]),
            "dpopSign" => Value::String(base64url_encode(&[7u8; 64])),
            "verify" => Value::Bool(true),
            "href" => optional(self.href.clone()),
            "assign" => Value::Bool(true),
            "dpopForget" | "lock" | "replace" | "later" => Value::Null,
            "renew" => {
                let args = e.get("args").expect("renew args").to_json();
                self.exec("renew", &args)
            }
            other => panic!("unknown effect {other}"),
        }
    }

    fn runs(&self, op: &str) -> Vec<&Transcript> {
        self.transcripts.iter().filter(|t| t.op == op).collect()
    }

    fn last(&self, op: &str) -> &Transcript {
        self.runs(op).pop().unwrap_or_else(|| panic!("no {op} run"))
    }

    /// Signs in and returns the authorize URL's query parameters.
    fn sign_in(&mut self, args: &str) -> Vec<(String, String)> {
        let answer = self.exec("createSignInUrl", args);
        let location = done(&answer).as_str().expect("a URL").to_string();
        assert!(location.starts_with(AUTHORIZE_URL), "{location}");
        query(&location)
    }
}

fn query(location: &str) -> Vec<(String, String)> {
    parse_query(url::split(location).expect("an absolute URL").query.expect("a query")).expect("a decodable query")
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> &'a str {
    params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or_else(|| panic!("no {name} in {params:?}"))
}

fn done(answer: &Value) -> &Value {
    answer.get("done").unwrap_or_else(|| panic!("not done: {}", answer.to_json()))
}

/// `(code, description, status)` of an error answer.
fn error(answer: &Value) -> (String, Option<String>, Option<u64>) {
    let e = answer.get("error").unwrap_or_else(|| panic!("not an error: {}", answer.to_json()));
    (string(e, "code"), e.get("description").and_then(Value::as_str).map(String::from), e.get("status").and_then(Value::as_u64))
}

fn token_set(access: &str, expires_at: u64, refresh: Option<&str>) -> TokenSet {
    TokenSet {
        access_token: Secret::new(access),
        token_type: "Bearer".to_string(),
        expires_at: Some(expires_at),
        refresh_token: refresh.map(Secret::new),
        id_token: None,
        scope: None,
    }
}

fn callback_url(code: &str, state: &str) -> String {
    format!("{REDIRECT}?code={code}&state={state}")
}

fn url_args(location: &str) -> String {
    format!(r#"{{"url":{}}}"#, json_string(location))
}

/// A token endpoint that answers every request with `body` (200).
fn token_endpoint(body: &'static str) -> impl FnMut(&Request) -> Value {
    move |r: &Request| if r.url == TOKEN_URL { http(200, body) } else { http(404, "") }
}

// ---- 1. config ----------------------------------------------------------------------------

#[test]
fn config_op_summarises_the_client() {
    let answer = json::parse(&run(&request_text("config", CONFIG, BROWSER, "null", &[]))).unwrap();
    let summary = done(&answer);
    assert_eq!(string(summary, "key"), KEY);
    assert_eq!(string(summary, "area"), "session");
    assert_eq!(string(summary, "tokens"), tokens_key());
    assert_eq!(number(summary, "leeway"), 60);

    let config = r#"{"clientId":"spa","redirectUri":"https://app.example.com/callback","issuer":"https://id.example.com","storage":"local","expiryLeeway":30}"#;
    let answer = json::parse(&run(&request_text("config", config, BROWSER, "null", &[]))).unwrap();
    let summary = done(&answer);
    assert_eq!(string(summary, "key"), "spa|https://id.example.com");
    assert_eq!(string(summary, "area"), "local");
    assert_eq!(string(summary, "tokens"), "wasm-oauth:tokens:spa|https://id.example.com");
    assert_eq!(number(summary, "leeway"), 30);

    // Without Web Storage everything lives in memory.
    let answer = json::parse(&run(&request_text("config", config, r#"{"doc":false,"ws":false}"#, "null", &[]))).unwrap();
    assert_eq!(string(done(&answer), "area"), "memory");
}

#[test]
fn bad_configs_are_invalid_config_naming_the_key() {
    let cases = [
        (r#"{"redirectUri":"https://app.example.com/callback","tokenEndpoint":"https://auth.example.com/token","authorizationEndpoint":"https://auth.example.com/authorize"}"#, "clientId is required"),
        (r#"{"clientId":"spa","redirectUri":"https://app.example.com/callback","tokenEndpoint":"https://auth.example.com/token","authorizationEndpoint":"https://auth.example.com/authorize","expiryLeeway":"60"}"#, "expiryLeeway must be a number"),
        (r#"{"clientId":"spa","redirectUri":"https://app.example.com/callback","tokenEndpoint":"http://auth.example.com/token","authorizationEndpoint":"https://auth.example.com/authorize"}"#, "tokenEndpoint must use https (or http on a loopback host)"),
        (r#"{"clientId":7}"#, "clientId must be a string"),
        ("[]", "the config must be an object"),
    ];
    for (config, description) in cases {
        let answer = run(&request_text("config", config, BROWSER, "null", &[]));
        let expected = format!(r#"{{"error":{{"code":"invalid_config","description":{}}}}}"#, json_string(description));
        assert_eq!(answer, expected, "{config}");
        // Every op checks the config first: no effect is asked for.
        let answer = run(&request_text("getToken", config, BROWSER, "null", &[]));
        assert_eq!(answer, expected, "{config}");
    }
    let answer = json::parse(&run(&request_text("nope", CONFIG, BROWSER, "null", &[]))).unwrap();
    assert_eq!(error(&answer), ("invalid_config".to_string(), Some("unknown operation".to_string()), None));
}

/// The opt-in features (crate features `dpop`, `id-token-signature`): a build without them (the
/// npm package's core entry) refuses configs that ask for them, for every op and before any
/// effect; a build with them accepts those configs.
#[test]
fn opt_in_features_are_refused_when_compiled_out() {
    const FULL: &str = "needs the full build: import wasm-oauth/full";
    let dpop = r#"{"clientId":"spa","redirectUri":"https://app.example.com/callback","authorizationEndpoint":"https://auth.example.com/authorize","tokenEndpoint":"https://auth.example.com/token","dpop":true}"#;
    let verify = r#"{"clientId":"spa","redirectUri":"https://app.example.com/callback","issuer":"https://id.example.com","verifyIdTokenSignature":true}"#;
    for (config, enabled, name) in [(dpop, cfg!(feature = "dpop"), "dpop"), (verify, cfg!(feature = "id-token-signature"), "verifyIdTokenSignature")] {
        for op in ["config", "getToken", "createSignInUrl", "handleCallback", "signOut", "isAuthenticated"] {
            let answer = json::parse(&run(&request_text(op, config, BROWSER, "null", &[]))).unwrap();
            if enabled {
                assert!(answer.get("error").is_none(), "{op} with {name}: {}", answer.to_json());
            } else {
                let (code, description, _) = error(&answer);
                assert_eq!(code, "invalid_config", "{op} with {name}");
                let description = description.expect("a description");
                assert!(description.starts_with(&format!("{name} {FULL}")), "{op}: {description}");
            }
        }
    }
    // generateDpopProof with a config that does not ask for dpop.
    let answer = json::parse(&run(&request_text("generateDpopProof", CONFIG, BROWSER, r#"{"url":"https://api.example.com/","method":"GET"}"#, &[]))).unwrap();
    let (code, description, _) = error(&answer);
    assert_eq!(code, "invalid_config");
    let description = description.expect("a description");
    if cfg!(feature = "dpop") {
        assert_eq!(description, "generateDpopProof needs dpop: true");
    } else {
        assert!(description.starts_with(&format!("generateDpopProof {FULL}")), "{description}");
    }
}

/// Confidential clients (crate feature `confidential`): a build without it (the npm package's
/// core entry) refuses every confidential key, for every op, before any effect, naming the key
/// and never the secret; a build with it creates such a client where there is no document.
#[test]
fn confidential_clients_are_refused_when_compiled_out() {
    const NODE: &str = r#"{"doc":false,"ws":false}"#;
    const FULL: &str = " needs the full build: import wasm-oauth/full (Rust: feature confidential)";
    let with = |extra: &str| format!("{{{extra},{}", &CONFIG[1..]);
    let cases = [
        (r#"{"clientId":"svc","tokenEndpoint":"https://auth.example.com/token","grantType":"client_credentials"}"#.to_string(),
            r#"grantType "client_credentials""#),
        (with(r#""grantType":"client_credentials","clientSecret":"s3cr3t-value""#), r#"grantType "client_credentials""#),
        (with(r#""clientSecret":"s3cr3t-value""#), "clientSecret"),
        (with(r#""clientSecret":"s3cr3t-value","clientAuthMethod":"client_secret_basic""#), "clientSecret"),
        (with(r#""clientAuthMethod":"client_secret_post""#), "clientAuthMethod"),
        (with(r#""apiKey":"s3cr3t-value""#), "apiKey"),
        (with(r#""dangerouslyAllowSecretsInBrowser":true"#), "dangerouslyAllowSecretsInBrowser"),
    ];
    for (config, key) in &cases {
        for env in [BROWSER, NODE] {
            for op in ["config", "getToken", "refresh", "createSignInUrl", "handleCallback", "signOut", "isAuthenticated"] {
                let text = run(&request_text(op, config, env, "null", &[]));
                assert!(!text.contains("s3cr3t"), "{op}: {text}");
                let answer = json::parse(&text).unwrap();
                if cfg!(feature = "confidential") {
                    continue;
                }
                let (code, description, status) = error(&answer);
                assert_eq!((code.as_str(), status), ("invalid_config", None), "{op} with {key} in {env}");
                assert_eq!(description.as_deref(), Some([key, FULL].concat().as_str()), "{op} in {env}");
            }
        }
    }
    if cfg!(feature = "confidential") {
        // The valid ones (all but clientAuthMethod without a secret) make a client in Node.
        for (config, key) in cases.iter().filter(|(_, key)| *key != "clientAuthMethod") {
            let answer = json::parse(&run(&request_text("config", config, NODE, "null", &[]))).unwrap();
            assert!(answer.get("error").is_none(), "{key}: {}", answer.to_json());
        }
    }
}

// ---- 2. createSignInUrl -------------------------------------------------------------------

fn transaction(state: &str, created_at: u64) -> Transaction {
    Transaction {
        client_key: KEY.to_string(),
        state: state.to_string(),
        verifier: Secret::new("old-verifier"),
        nonce: None,
        redirect_uri: REDIRECT.to_string(),
        app_state: None,
        created_at,
    }
}

#[test]
fn sign_in_url_has_pkce_and_stores_the_transaction() {
    let mut host = Host::new(CONFIG);
    let old = transaction("old", NOW - 3601);
    let fresh = transaction("fresh", NOW - 10);
    host.area("session").insert("wasm-oauth:tx:old".to_string(), old.encode());
    host.area("session").insert("wasm-oauth:tx:fresh".to_string(), fresh.encode());
    host.area("session").insert("wasm-oauth:tx:junk".to_string(), "not a transaction".to_string());
    host.area("session").insert("unrelated".to_string(), "kept".to_string());

    let params = host.sign_in(r#"{"appState":"{\"page\":\"/inbox\"}","extraParams":{"prompt":"login"}}"#);
    assert_eq!(param(&params, "response_type"), "code");
    assert_eq!(param(&params, "client_id"), "spa");
    assert_eq!(param(&params, "redirect_uri"), REDIRECT);
    assert_eq!(param(&params, "code_challenge_method"), "S256");
    assert_eq!(param(&params, "scope"), "openid");
    assert_eq!(param(&params, "prompt"), "login");
    // Random values in order: verifier, state, nonce (the scope has openid).
    assert_eq!(host.randoms.len(), 3);
    let (verifier, state, nonce) = (host.randoms[0].clone(), host.randoms[1].clone(), host.randoms[2].clone());
    assert_eq!(param(&params, "state"), state);
    assert_eq!(param(&params, "nonce"), nonce);
    assert_eq!(param(&params, "code_challenge"), base64url_encode(&digest(verifier.as_bytes())));
    assert!(params.iter().all(|(k, v)| k != "code_verifier" && *v != verifier), "the verifier stays home");

    let stored = host.item("session", &format!("wasm-oauth:tx:{state}")).expect("a stored transaction");
    let t = Transaction::decode(&stored).expect("a transaction record");
    assert_eq!(t.client_key, KEY);
    assert_eq!(t.state, state);
    assert_eq!(t.verifier.expose(), verifier);
    assert_eq!(t.nonce.as_deref(), Some(nonce.as_str()));
    assert_eq!(t.redirect_uri, REDIRECT);
    assert_eq!(t.app_state.as_deref(), Some(r#"{"page":"/inbox"}"#));
    assert_eq!(t.created_at, NOW);

    // The sweep: expired and unreadable transactions go, the rest stays.
    let session = host.area("session").clone();
    assert!(!session.contains_key("wasm-oauth:tx:old"));
    assert!(!session.contains_key("wasm-oauth:tx:junk"));
    assert_eq!(session.get("wasm-oauth:tx:fresh"), Some(&fresh.encode()));
    assert_eq!(session.get("unrelated").map(String::as_str), Some("kept"));
    assert!(host.requests.is_empty(), "configured endpoints: no request");
    assert!(host.tokens("session").is_none());
}

#[test]
fn sign_in_navigates_and_a_scope_without_openid_has_no_nonce() {
    let mut host = Host::new(CONFIG);
    let answer = host.exec("signIn", r#"{"scope":"read write"}"#);
    assert_eq!(done(&answer), &Value::Null);
    let assign = host.last("signIn").effects().into_iter().find(|e| string(e, "e") == "assign").expect("an assign effect");
    let params = query(&string(&assign, "url"));
    assert_eq!(param(&params, "scope"), "read write");
    assert!(params.iter().all(|(k, _)| k != "nonce"));
    assert_eq!(host.randoms.len(), 2, "verifier and state only");
}

// ---- 3. callback round trip ---------------------------------------------------------------

#[test]
fn callback_round_trip() {
    let mut host = Host::new(CONFIG);
    host.serve(token_endpoint(r#"{"access_token":"at","expires_in":3600,"refresh_token":"rt"}"#));
    // The host sends appState as its JSON text (executor.js: JSON.stringify).
    let params = host.sign_in(r#"{"appState":"{\"page\":\"/inbox\"}"}"#);
    let state = param(&params, "state").to_string();
    let verifier = host.randoms[0].clone();
    assert!(host.item("session", &format!("wasm-oauth:tx:{state}")).is_some());

    host.now = NOW + 5;
    let location = callback_url("abc", &state);
    let answer = host.exec("handleCallback", &url_args(&location));
    assert_eq!(host.requests.len(), 1);
    let r = &host.requests[0];
    assert_eq!((r.method.as_str(), r.url.as_str()), ("POST", TOKEN_URL));
    assert_eq!(r.header("Content-Type"), Some("application/x-www-form-urlencoded"));
    assert_eq!(r.form(), pairs(&[
        ("grant_type", "authorization_code"),
        ("code", "abc"),
        ("redirect_uri", REDIRECT),
        ("code_verifier", &verifier),
        ("client_id", "spa"),
    ]));

    let result = done(&answer);
    let tokens = result.get("tokens").expect("tokens");
    assert_eq!(string(tokens, "accessToken"), "at");
    assert_eq!(string(tokens, "tokenType"), "Bearer");
    assert_eq!(string(tokens, "refreshToken"), "rt");
    assert_eq!(number(tokens, "expiresAt"), NOW + 5 + 3600);
    assert_eq!(result.get("appState").map(Value::to_json).as_deref(), Some(r#"{"page":"/inbox"}"#));

    assert_eq!(host.tokens("session"), Some(token_set("at", NOW + 5 + 3600, Some("rt"))));
    assert!(host.item("session", &format!("wasm-oauth:tx:{state}")).is_none(), "the transaction is used once");

    // The same callback again: no pending sign-in, no request, tokens untouched.
    let again = host.exec("handleCallback", &url_args(&location));
    assert_eq!(error(&again).0, "state_mismatch");
    assert_eq!(host.requests.len(), 1);
    assert_eq!(host.tokens("session"), Some(token_set("at", NOW + 5 + 3600, Some("rt"))));
}

#[test]
fn callback_for_another_state_or_an_expired_sign_in_sends_nothing() {
    let mut host = Host::new(CONFIG);
    host.serve(token_endpoint(r#"{"access_token":"at","expires_in":3600}"#));
    let state = param(&host.sign_in("null"), "state").to_string();

    let answer = host.exec("handleCallback", &url_args(&callback_url("abc", "forged")));
    assert_eq!(error(&answer).0, "state_mismatch");
    assert!(host.item("session", &format!("wasm-oauth:tx:{state}")).is_some(), "a forged state leaves the real one");

    host.now = NOW + 3601;
    let answer = host.exec("handleCallback", &url_args(&callback_url("abc", &state)));
    assert_eq!(error(&answer), ("state_mismatch".to_string(), Some("the sign-in transaction has expired".to_string()), None));
    assert!(host.requests.is_empty());
    assert!(host.item("session", &format!("wasm-oauth:tx:{state}")).is_none(), "removed anyway");
    assert!(host.tokens("session").is_none());
}

#[test]
fn callback_with_an_error_answer_is_that_error() {
    let mut host = Host::new(CONFIG);
    let state = param(&host.sign_in("null"), "state").to_string();
    let location = format!("{REDIRECT}?error=access_denied&error_description=user%20said%20no&state={state}");
    let answer = host.exec("handleCallback", &url_args(&location));
    assert_eq!(error(&answer), ("access_denied".to_string(), Some("user said no".to_string()), None));
    assert!(host.requests.is_empty());
    assert!(host.item("session", &format!("wasm-oauth:tx:{state}")).is_none());
}

// ---- 4. callback from the address bar -----------------------------------------------------

#[test]
fn callback_from_location_cleans_the_address_bar_before_any_request() {
    let mut host = Host::new(CONFIG);
    host.serve(token_endpoint(r#"{"access_token":"at","expires_in":3600}"#));
    let state = param(&host.sign_in("null"), "state").to_string();
    host.href = Some(format!("{REDIRECT}?tab=2&code=abc&state={state}#top"));

    let answer = host.exec("handleCallback", "null");
    assert_eq!(string(done(&answer).get("tokens").unwrap(), "accessToken"), "at");
    let run = host.last("handleCallback");
    let effects = run.effects();
    assert_eq!(string(&effects[0], "e"), "href");
    let replace = run.position("replace").expect("a replace effect");
    assert_eq!(string(&effects[replace], "url"), format!("{REDIRECT}?tab=2#top"));
    assert!(replace < run.position("fetch").expect("a fetch"), "{:?}", run.kinds());
    assert_eq!(run.count("replace"), 1);
    assert_eq!(host.requests[0].param("code").as_deref(), Some("abc"));

    // A callback that fails is cleaned too.
    host.href = Some(format!("{REDIRECT}?code=abc&state=unknown"));
    let answer = host.exec("handleCallback", "null");
    assert_eq!(error(&answer).0, "state_mismatch");
    let run = host.last("handleCallback");
    let replace = run.position("replace").expect("a replace effect");
    assert_eq!(string(&run.effects()[replace], "url"), REDIRECT);
    assert_eq!(host.requests.len(), 1);

    // No location at all: a config error, nothing replaced.
    host.href = None;
    let answer = host.exec("handleCallback", "null");
    assert_eq!(error(&answer).0, "invalid_config");
    assert_eq!(host.last("handleCallback").count("replace"), 0);
}

// ---- 5. getToken --------------------------------------------------------------------------

#[test]
fn get_token_serves_a_fresh_token_without_a_request() {
    let mut host = Host::new(CONFIG);
    host.put_tokens("session", &token_set("at", NOW + 3600, Some("rt")));
    let answer = host.exec("getToken", "null");
    assert_eq!(string(done(&answer), "token"), "at");
    assert_eq!(number(done(&answer), "until"), NOW + 3600 - 60);
    // minValidity replaces the leeway.
    let answer = host.exec("getToken", r#"{"minValidity":120}"#);
    assert_eq!(number(done(&answer), "until"), NOW + 3600 - 120);
    assert!(host.runs("renew").is_empty());
    assert!(host.requests.is_empty());
    assert_eq!(host.last("getToken").kinds(), ["get", "now"]);
}

#[test]
fn get_token_refreshes_an_expired_token_once() {
    let mut host = Host::new(CONFIG);
    host.put_tokens("session", &token_set("at1", NOW - 10, Some("rt1")));
    host.serve(token_endpoint(r#"{"access_token":"at2","expires_in":3600}"#));
    let answer = host.exec("getToken", "null");
    let result = done(&answer);
    assert_eq!(string(result, "token"), "at2");
    assert!(result.get("until").is_none(), "a renewed token is not served from storage");

    assert_eq!(host.last("getToken").count("renew"), 1);
    assert_eq!(host.runs("renew").len(), 1);
    assert_eq!(host.requests.len(), 1);
    let r = &host.requests[0];
    assert_eq!((r.method.as_str(), r.url.as_str()), ("POST", TOKEN_URL));
    assert_eq!(r.form(), pairs(&[("grant_type", "refresh_token"), ("refresh_token", "rt1"), ("client_id", "spa")]));
    // The answer had no refresh token: the old one is kept.
    assert_eq!(host.tokens("session"), Some(token_set("at2", NOW + 3600, Some("rt1"))));
}

#[test]
fn get_token_rotates_the_refresh_token_when_the_answer_has_one() {
    let mut host = Host::new(CONFIG);
    host.put_tokens("session", &token_set("at1", NOW - 10, Some("rt1")));
    host.serve(token_endpoint(r#"{"access_token":"at2","expires_in":3600,"refresh_token":"rt2","scope":"openid"}"#));
    assert_eq!(string(done(&host.exec("getToken", "null")), "token"), "at2");
    let stored = host.tokens("session").unwrap();
    assert_eq!(stored.refresh_token.as_ref().map(Secret::expose), Some("rt2"));
    assert_eq!(stored.scope.as_deref(), Some("openid"));
}

#[test]
fn get_token_with_a_rejected_refresh_token_is_login_required() {
    let mut host = Host::new(CONFIG);
    host.put_tokens("session", &token_set("at1", NOW - 10, Some("rt1")));
    host.serve(|_| http(400, r#"{"error":"invalid_grant","error_description":"revoked"}"#));
    let answer = host.exec("getToken", "null");
    assert_eq!(error(&answer), ("login_required".to_string(), Some("invalid_grant: revoked".to_string()), Some(400)));
    assert_eq!(host.tokens("session"), None, "tokens cleared");
    // The renewal itself reports the server's error.
    assert_eq!(error(&json::parse(&host.last("renew").answer).unwrap()).0, "invalid_grant");
}

#[test]
fn get_token_serves_a_still_valid_token_when_the_server_is_down() {
    let mut host = Host::new(CONFIG);
    // Valid for 30 s: inside the 60 s leeway, so a renewal is tried.
    host.put_tokens("session", &token_set("at1", NOW + 30, Some("rt1")));
    host.serve(|_| http(503, "Service Unavailable"));
    let answer = host.exec("getToken", "null");
    assert_eq!(string(done(&answer), "token"), "at1");
    assert!(done(&answer).get("until").is_none());
    assert_eq!(host.requests.len(), 1);
    assert_eq!(host.tokens("session"), Some(token_set("at1", NOW + 30, Some("rt1"))), "tokens kept");

    // Expired and the server down: the server's error, tokens still kept for a later try.
    host.put_tokens("session", &token_set("at1", NOW - 1, Some("rt1")));
    let answer = host.exec("getToken", "null");
    // A body that is not a JSON error object gives no description.
    assert_eq!(error(&answer), ("http_error".to_string(), None, Some(503)));
    assert!(host.tokens("session").is_some());

    // A network failure is transient as well.
    host.put_tokens("session", &token_set("at1", NOW + 30, Some("rt1")));
    host.serve(|_| fetch_error("network"));
    assert_eq!(string(done(&host.exec("getToken", "null")), "token"), "at1");
    host.serve(|_| fetch_error("timeout"));
    host.put_tokens("session", &token_set("at1", NOW - 1, Some("rt1")));
    assert_eq!(error(&host.exec("getToken", "null")).0, "timeout");
}

#[test]
fn get_token_without_tokens_is_login_required_without_a_request() {
    let mut host = Host::new(CONFIG);
    let answer = host.exec("getToken", "null");
    assert_eq!(error(&answer).0, "login_required");
    assert!(host.requests.is_empty());
    assert_eq!(host.last("getToken").count("renew"), 0);

    // Expired without a refresh token: login_required, no request.
    host.put_tokens("session", &token_set("at1", NOW - 10, None));
    let answer = host.exec("getToken", "null");
    assert_eq!(error(&answer).0, "login_required");
    assert!(host.requests.is_empty());
}

#[test]
fn refresh_forces_a_renewal_and_returns_the_token_set() {
    let mut host = Host::new(CONFIG);
    host.put_tokens("session", &token_set("at1", NOW + 3600, Some("rt1")));
    host.serve(token_endpoint(r#"{"access_token":"at2","expires_in":600}"#));
    let answer = host.exec("refresh", "null");
    let tokens = done(&answer);
    assert_eq!(string(tokens, "accessToken"), "at2");
    assert_eq!(string(tokens, "refreshToken"), "rt1");
    assert_eq!(number(tokens, "expiresAt"), NOW + 600);
    assert_eq!(host.requests.len(), 1);
}

// ---- 6. renewal across tabs ---------------------------------------------------------------

#[test]
fn local_storage_renewal_locks_and_logs_the_rotation() {
    let mut host = Host::new(LOCAL_CONFIG);
    host.put_tokens("local", &token_set("at1", NOW - 10, Some("rt1")));
    host.serve(token_endpoint(r#"{"access_token":"at2","expires_in":3600,"refresh_token":"rt2"}"#));
    let answer = host.exec("getToken", "null");
    assert_eq!(string(done(&answer), "token"), "at2");

    let renew = host.last("renew").clone();
    let effects = renew.effects();
    assert_eq!(string(&effects[0], "e"), "lock");
    assert_eq!(string(&effects[0], "name"), format!("wasm-oauth:refresh:{KEY}"));
    let put = &effects[renew.position("idbPut").expect("the rotation log is written")];
    let rotation_key = format!("wasm-oauth:rotation:{KEY}");
    assert_eq!(string(put, "key"), rotation_key);
    let later = &effects[renew.position("later").expect("a prune is scheduled")];
    assert_eq!(string(later, "op"), "prune");
    assert_eq!(number(later, "ms"), (rotation::ADOPT_TTL_SECS + 1) * 1000);
    assert!(renew.position("idbPut") < renew.position("later"));

    let fresh = token_set("at2", NOW + 3600, Some("rt2"));
    assert_eq!(host.tokens("local"), Some(fresh.clone()));
    assert_eq!(host.item("session", &tokens_key()), None, "storage local means localStorage");
    let log = RotationLog::decode(host.idb.get(&rotation_key).expect("a rotation log"));
    assert_eq!(log.lookup(&rotation::fingerprint("rt1"), NOW), Lookup::Adopt(&fresh.encode()));
    assert!(!host.idb[&rotation_key].contains("rt1"), "only fingerprints of spent tokens");

    // A tab still holding rt1 (a duplicated tab, a stale read) adopts the successor: no request.
    host.put_tokens("local", &token_set("at1", NOW - 10, Some("rt1")));
    host.now = NOW + 30;
    let answer = host.exec("getToken", "null");
    assert_eq!(string(done(&answer), "token"), "at2");
    assert_eq!(host.requests.len(), 1);
    assert_eq!(host.tokens("local"), Some(fresh.clone()));

    // The prune, once the adoption window is over, drops the successor tokens.
    host.now = NOW + rotation::ADOPT_TTL_SECS + 1;
    assert_eq!(done(&host.exec("prune", "null")), &Value::Null);
    assert_eq!(string(&host.last("prune").effects()[0], "e"), "lock");
    assert!(!host.idb[&rotation_key].contains("at2"), "no usable token left in IndexedDB");

    // After it, rt1 is known as spent: sign in again, no request.
    host.put_tokens("local", &token_set("at1", NOW - 10, Some("rt1")));
    let answer = host.exec("getToken", "null");
    assert_eq!(error(&answer).0, "login_required");
    assert_eq!(host.requests.len(), 1);
    assert_eq!(host.tokens("local"), None);
}

#[test]
fn memory_storage_renewal_takes_no_lock() {
    let config = r#"{"clientId":"spa","redirectUri":"https://app.example.com/callback","authorizationEndpoint":"https://auth.example.com/authorize","tokenEndpoint":"https://auth.example.com/token","storage":"memory"}"#;
    let mut host = Host::new(config);
    host.put_tokens("memory", &token_set("at1", NOW - 10, Some("rt1")));
    host.serve(token_endpoint(r#"{"access_token":"at2","expires_in":3600,"refresh_token":"rt2"}"#));
    assert_eq!(string(done(&host.exec("getToken", "null")), "token"), "at2");
    let renew = host.last("renew");
    for kind in ["lock", "idbGet", "idbPut", "later"] {
        assert_eq!(renew.count(kind), 0, "{kind} in {:?}", renew.kinds());
    }
    assert!(host.idb.is_empty());
}

// ---- 7. discovery -------------------------------------------------------------------------

const ISSUER: &str = "https://id.example.com";
const ISSUER_CONFIG: &str = r#"{"clientId":"spa","redirectUri":"https://app.example.com/callback","issuer":"https://id.example.com"}"#;
const METADATA: &str = r#"{"issuer":"https://id.example.com","authorization_endpoint":"https://id.example.com/authorize","token_endpoint":"https://id.example.com/oauth/token"}"#;

fn issuer_server(metadata_at: &'static str) -> impl FnMut(&Request) -> Value {
    move |r: &Request| match r.url.as_str() {
        u if u == metadata_at => http(200, METADATA),
        "https://id.example.com/oauth/token" => http(200, r#"{"access_token":"at","expires_in":3600}"#),
        _ => http(404, r#"{"error":"not_found"}"#),
    }
}

#[test]
fn discovery_is_fetched_once_per_page() {
    let mut host = Host::new(ISSUER_CONFIG);
    host.serve(issuer_server("https://id.example.com/.well-known/openid-configuration"));
    let answer = host.exec("createSignInUrl", "null");
    let location = done(&answer).as_str().unwrap().to_string();
    assert!(location.starts_with("https://id.example.com/authorize?"), "{location}");
    assert_eq!(host.requests.len(), 1);
    let r = &host.requests[0];
    assert_eq!((r.method.as_str(), r.url.as_str()), ("GET", "https://id.example.com/.well-known/openid-configuration"));
    assert_eq!(r.header("Accept"), Some("application/json"));
    assert!(r.body.is_none());
    let sign_in = host.last("createSignInUrl");
    let cache_set = &sign_in.effects()[sign_in.position("cacheSet").expect("the metadata is cached")];
    assert_eq!(string(cache_set, "name"), "metadata");
    assert_eq!(string(cache_set, "value"), METADATA);

    // Another flow in the same page: the cached metadata, one request (the token endpoint).
    let state = param(&query(&location), "state").to_string();
    let answer = host.exec("handleCallback", &url_args(&format!("{}&iss={ISSUER}", callback_url("abc", &state))));
    assert_eq!(string(done(&answer).get("tokens").unwrap(), "accessToken"), "at");
    let urls: Vec<&str> = host.requests.iter().map(|r| r.url.as_str()).collect();
    assert_eq!(urls, ["https://id.example.com/.well-known/openid-configuration", "https://id.example.com/oauth/token"]);
    assert_eq!(host.tokens("session").map(|t| t.access_token.expose().to_string()), None, "another client key");
    assert!(host.item("session", "wasm-oauth:tokens:spa|https://id.example.com").is_some());

    // A new page (empty cache) discovers again.
    host.cache.clear();
    host.exec("createSignInUrl", "null");
    assert_eq!(host.requests.len(), 3);

    // A callback that matches no pending sign-in causes no request, not even discovery.
    host.cache.clear();
    let answer = host.exec("handleCallback", &url_args(&callback_url("abc", "forged")));
    assert_eq!(error(&answer).0, "state_mismatch");
    assert_eq!(host.requests.len(), 3);
}

#[test]
fn discovery_falls_back_to_rfc8414_and_checks_the_issuer() {
    let mut host = Host::new(ISSUER_CONFIG);
    host.serve(issuer_server("https://id.example.com/.well-known/oauth-authorization-server"));
    let answer = host.exec("createSignInUrl", "null");
    assert!(done(&answer).as_str().unwrap().starts_with("https://id.example.com/authorize?"));
    let urls: Vec<&str> = host.requests.iter().map(|r| r.url.as_str()).collect();
    assert_eq!(urls, [
        "https://id.example.com/.well-known/openid-configuration",
        "https://id.example.com/.well-known/oauth-authorization-server",
    ]);

    // Metadata for another issuer is refused and not cached.
    let mut host = Host::new(ISSUER_CONFIG);
    host.serve(|_| http(200, r#"{"issuer":"https://evil.example.com","authorization_endpoint":"https://evil.example.com/authorize"}"#));
    let answer = host.exec("createSignInUrl", "null");
    assert_eq!(error(&answer).0, "issuer_mismatch");
    assert!(host.cache.is_empty());
    assert!(host.area("session").is_empty(), "no transaction without an authorize URL");
}

// ---- 8. nothing secret in errors ----------------------------------------------------------

#[test]
fn errors_carry_no_secrets() {
    const CODE: &str = "c0de-SECRET";
    const REFRESH: &str = "r3fresh-SECRET";
    let token_answers = [
        http(400, r#"{"error":"invalid_grant","error_description":"bad grant"}"#),
        http(500, "internal error"),
        http(200, r#"{"access_token":"","refresh_token":"n3w-r3fresh-SECRET"}"#),
        http(200, r#"{"access_token":"n3w-access-SECRET","expires_in":"soon","refresh_token":"n3w-r3fresh-SECRET"}"#),
        fetch_error("network"),
        fetch_error("timeout"),
    ];
    for response in token_answers {
        // A callback.
        let mut host = Host::new(CONFIG);
        let r = response.clone();
        host.serve(move |_| r.clone());
        let state = param(&host.sign_in("null"), "state").to_string();
        let verifier = host.randoms[0].clone();
        let answer = host.exec("handleCallback", &url_args(&callback_url(CODE, &state)));
        assert_eq!(host.requests.len(), 1);
        let text = answer.to_json();
        assert!(answer.get("error").is_some(), "{text}");
        for secret in [CODE, verifier.as_str(), "n3w-r3fresh-SECRET", "n3w-access-SECRET"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }

        // A renewal.
        let mut host = Host::new(CONFIG);
        let r = response.clone();
        host.serve(move |_| r.clone());
        host.put_tokens("session", &token_set("old-access-SECRET", NOW - 10, Some(REFRESH)));
        let answer = host.exec("getToken", "null");
        assert_eq!(host.requests.len(), 1);
        assert!(answer.get("error").is_some(), "{}", answer.to_json());
        for t in &host.transcripts {
            for secret in [REFRESH, "old-access-SECRET", "n3w-r3fresh-SECRET", "n3w-access-SECRET"] {
                assert!(!t.answer.contains(secret), "{secret} in {}", t.answer);
            }
        }
    }
}

// ---- 9. replay ----------------------------------------------------------------------------

/// Every finished run replays: with the first k results the answer is exactly the k-th effect
/// it asked for (so a rerun asks for nothing already performed, and never for more than one
/// effect), and with all of them the same outcome.
fn assert_replays(host: &Host) {
    let mut results = 0;
    for t in &host.transcripts {
        assert_eq!(t.effects.len(), t.results.len());
        results += t.results.len();
        for k in 0..=t.results.len() {
            let answer = run(&request_text(&t.op, &t.config, &t.env, &t.args, &t.results[..k]));
            let expected = match t.effects.get(k) {
                Some(effect) => format!(r#"{{"effect":{effect}}}"#),
                None => t.answer.clone(),
            };
            assert_eq!(answer, expected, "{} after {k} results", t.op);
        }
    }
    assert_eq!(results, host.performed, "each effect performed once");
}

#[test]
fn runs_replay_deterministically() {
    let mut host = Host::new(LOCAL_CONFIG);
    host.serve(token_endpoint(r#"{"access_token":"at","expires_in":3600,"refresh_token":"rt"}"#));
    let state = param(&host.sign_in(r#"{"appState":"[1,2]"}"#), "state").to_string();
    host.exec("handleCallback", &url_args(&callback_url("abc", &state)));
    host.now = NOW + 4000;
    assert_eq!(string(done(&host.exec("getToken", "null")), "token"), "at");
    host.exec("signOut", r#"{"revoke":false}"#);
    assert_eq!(host.transcripts.len(), 5, "signIn, callback, renew, getToken, signOut");
    assert!(host.performed > 20);
    assert_replays(&host);

    // The executor's own check: the same request gives the same answer.
    let t = host.last("renew");
    let request = request_text(&t.op, &t.config, &t.env, &t.args, &t.results[..3]);
    assert_eq!(run(&request), run(&request));
}

#[test]
fn a_rerun_does_not_repeat_performed_effects() {
    // The results so far are consumed in order: with the `set` of the tokens answered, the
    // callback does not ask for it again, and it asks for nothing once done.
    let mut host = Host::new(CONFIG);
    host.serve(token_endpoint(r#"{"access_token":"at","expires_in":3600}"#));
    let state = param(&host.sign_in("null"), "state").to_string();
    host.exec("handleCallback", &url_args(&callback_url("abc", &state)));
    let t = host.last("handleCallback");
    assert_eq!(t.count("fetch"), 1);
    assert_eq!(t.count("set"), 1);
    let set = t.position("set").unwrap();
    assert_eq!(set, t.effects.len() - 1, "saving the tokens is the last effect: {:?}", t.kinds());
    assert!(t.answer.starts_with(r#"{"done":"#));
    assert_replays(&host);
}

// ---- more flows ---------------------------------------------------------------------------

#[test]
fn sign_out_forgets_revokes_and_ends_the_session() {
    let config = r#"{"clientId":"spa","redirectUri":"https://app.example.com/callback","authorizationEndpoint":"https://auth.example.com/authorize","tokenEndpoint":"https://auth.example.com/token","revocationEndpoint":"https://auth.example.com/revoke","endSessionEndpoint":"https://auth.example.com/logout"}"#;
    let mut host = Host::new(config);
    host.serve(|_| http(200, ""));
    host.put_tokens("session", &token_set("at", NOW + 3600, Some("rt")));
    host.idb.insert(format!("wasm-oauth:rotation:{KEY}"), r#"{"e":[]}"#.to_string());
    let answer = host.exec("signOut", r#"{"revoke":true,"endSession":true,"postLogoutRedirectUri":"https://app.example.com/"}"#);
    assert_eq!(done(&answer), &Value::Null);
    assert!(host.tokens("session").is_none());
    assert!(host.idb.is_empty(), "the rotation log goes with the tokens");
    assert_eq!(host.requests.len(), 1);
    let r = &host.requests[0];
    assert_eq!((r.method.as_str(), r.url.as_str()), ("POST", "https://auth.example.com/revoke"));
    assert_eq!(r.param("token").as_deref(), Some("rt"));
    assert_eq!(r.param("token_type_hint").as_deref(), Some("refresh_token"));
    let t = host.last("signOut");
    let assign = &t.effects()[t.position("assign").expect("navigates to the end-session endpoint")];
    let location = string(assign, "url");
    assert!(location.starts_with("https://auth.example.com/logout?"), "{location}");
    assert_eq!(param(&query(&location), "post_logout_redirect_uri"), "https://app.example.com/");
}

#[test]
fn peeks_read_storage_only() {
    let mut host = Host::new(CONFIG);
    assert_eq!(done(&host.exec("isAuthenticated", "null")), &Value::Bool(false));
    assert_eq!(done(&host.exec("getTokens", "null")), &Value::Null);
    host.put_tokens("session", &token_set("at", NOW - 10, None));
    assert_eq!(done(&host.exec("isAuthenticated", "null")), &Value::Bool(false), "expired, no refresh token");
    host.put_tokens("session", &token_set("at", NOW - 10, Some("rt")));
    assert_eq!(done(&host.exec("isAuthenticated", "null")), &Value::Bool(true));
    let tokens = host.exec("getTokens", "null");
    assert_eq!(string(done(&tokens), "refreshToken"), "rt");
    // Corrupted records count as signed out.
    host.area("session").insert(tokens_key(), "{garbage".to_string());
    assert_eq!(done(&host.exec("getTokens", "null")), &Value::Null);
    assert!(host.requests.is_empty());
    for t in &host.transcripts {
        assert!(t.kinds().iter().all(|k| k == "get" || k == "now"), "{:?}", t.kinds());
    }
}

#[test]
fn get_user_is_the_id_token_payload_as_sent() {
    let mut host = Host::new(CONFIG);
    assert_eq!(done(&host.exec("getUser", "null")), &Value::Null);
    // Returned as decoded, not re-serialised: numbers keep their text, and with a repeated
    // claim name JSON.parse keeps the last member, as the ID token checks (`Value::get`) do.
    let payload = r#"{"sub":"first","n":0.1,"big":12345678901234567890,"sub":"user-1", "x" : [1e400,"\u00e9"]}"#;
    let mut t = token_set("at", NOW + 3600, None);
    t.id_token = Some(Secret::new(crate::protocol::jwt::tests::jwt(payload)));
    host.put_tokens("session", &t);
    let answer = host.exec("getUser", "null");
    assert_eq!(host.last("getUser").answer, format!(r#"{{"done":{payload}}}"#));
    assert_eq!(string(done(&answer), "sub"), "user-1");
    // A payload that is not an object, or no JWT at all: null.
    for id_token in [crate::protocol::jwt::tests::jwt("[1]"), crate::protocol::jwt::tests::jwt("{"), "opaque".to_string()] {
        t.id_token = Some(Secret::new(id_token));
        host.put_tokens("session", &t);
        assert_eq!(done(&host.exec("getUser", "null")), &Value::Null);
    }
    assert!(host.requests.is_empty());
}

// ---- DPoP ---------------------------------------------------------------------------------

#[cfg(feature = "dpop")]
fn jwt_part(token: &str, index: usize) -> Value {
    let part = token.split('.').nth(index).expect("a JWT part");
    json::parse(core::str::from_utf8(&crate::protocol::encoding::base64url_decode(part).expect("base64url")).expect("UTF-8")).expect("JSON")
}

#[cfg(feature = "dpop")]
#[test]
fn dpop_token_requests_carry_a_proof_and_retry_once_with_the_nonce() {
    let config = r#"{"clientId":"spa","redirectUri":"https://app.example.com/callback","authorizationEndpoint":"https://auth.example.com/authorize","tokenEndpoint":"https://auth.example.com/token","dpop":true}"#;
    let mut host = Host::new(config);
    let mut calls = 0;
    host.serve(move |_| {
        calls += 1;
        if calls == 1 {
            http_with_nonce(400, r#"{"error":"use_dpop_nonce"}"#, Some("n-1"))
        } else {
            http(200, r#"{"access_token":"at","token_type":"DPoP","expires_in":3600}"#)
        }
    });
    let params = host.sign_in("null");
    assert!(!param(&params, "dpop_jkt").is_empty(), "the code is bound to the key");
    let state = param(&params, "state").to_string();
    let answer = host.exec("handleCallback", &url_args(&callback_url("abc", &state)));
    assert_eq!(string(done(&answer).get("tokens").unwrap(), "tokenType"), "DPoP");

    assert_eq!(host.requests.len(), 2);
    let proofs: Vec<&str> = host.requests.iter().map(|r| r.header("DPoP").expect("a DPoP header")).collect();
    for (i, proof) in proofs.iter().enumerate() {
        let header = jwt_part(proof, 0);
        assert_eq!(string(&header, "typ"), "dpop+jwt");
        assert_eq!(string(&header, "alg"), "ES256");
        let jwk = header.get("jwk").expect("the public key");
        assert_eq!((string(jwk, "x"), string(jwk, "y")), ("test-x".to_string(), "test-y".to_string()));
        let claims = jwt_part(proof, 1);
        assert_eq!(string(&claims, "htm"), "POST");
        assert_eq!(string(&claims, "htu"), TOKEN_URL);
        assert_eq!(number(&claims, "iat"), NOW);
        assert!(host.randoms.contains(&string(&claims, "jti")));
        assert_eq!(claims.get("nonce").and_then(Value::as_str), [None, Some("n-1")][i]);
        assert_eq!(proof.split('.').nth(2), Some(base64url_encode(&[7u8; 64]).as_str()));
    }
    assert_ne!(string(&jwt_part(proofs[0], 1), "jti"), string(&jwt_part(proofs[1], 1), "jti"), "a fresh proof per attempt");
    assert_eq!(host.cache.get("dpopNonce").map(String::as_str), Some("n-1"));
    assert_eq!(host.requests[0].form(), host.requests[1].form(), "the same grant, sent again");

    // generateDpopProof binds the stored access token (ath).
    let answer = host.exec("generateDpopProof", r#"{"url":"https://api.example.com/me","method":"GET"}"#);
    let claims = jwt_part(done(&answer).as_str().unwrap(), 1);
    assert_eq!(string(&claims, "htu"), "https://api.example.com/me");
    assert_eq!(string(&claims, "ath"), base64url_encode(&digest(b"at")));
}
