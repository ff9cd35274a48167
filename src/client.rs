//! The async flows around the pure protocol: sign-in, callback, token reads, refresh and
//! sign-out. Decisions are made in `crate::protocol`; this module sequences I/O around them.
//!
//! Clients with the same [`Config::client_key`] share one `Shared` per page (discovered
//! metadata, the in-flight refresh), whether they are `AuthClient` instances or free functions.

use crate::prelude::*;

use crate::protocol::authorize::{self, AuthorizeParams};
use crate::protocol::callback::{self, IssuerCheck};
use crate::protocol::config::{Config, GrantType, StorageKind};
use crate::protocol::discovery::{self, Metadata};
use crate::protocol::error::{self, codes};
use crate::protocol::jwt::{self, IdTokenCheck};
use crate::protocol::pkce::{self, Verifier};
use crate::protocol::token::{self, Grant, HttpRequest, TokenSet};
use crate::protocol::transaction::Transaction;
use crate::protocol::{concat, url, AuthError};
use crate::protocol::dpop::{self, ProofClaims};
use crate::protocol::jwks;
use crate::protocol::rotation::{self, Lookup, RotationLog};
use crate::web::dpop_key::{self, DpopKey};
use crate::web::fetch::{self, HttpResponse};
use crate::web::storage::Store;
use crate::web::{clock, idb, location, locks, random, timer, verify, PageLocal};
use wasm_bindgen::JsValue;
use core::cell::RefCell;
use core::future::poll_fn;
use alloc::rc::Rc;
use core::task::{Poll, Waker};

/// Prefix of every key the library writes to Web Storage (API.md).
const TOKENS_PREFIX: &str = "wasm-oauth:tokens:";
const TRANSACTION_PREFIX: &str = "wasm-oauth:tx:";
const REFRESH_LOCK_PREFIX: &str = "wasm-oauth:refresh:";
/// IndexedDB key of a client's DPoP key pair.
const DPOP_KEY_PREFIX: &str = "wasm-oauth:dpop:";
/// IndexedDB key of a client's rotation log.
const ROTATION_PREFIX: &str = "wasm-oauth:rotation:";
/// Tolerated clock difference with the issuer for ID token `exp`/`iat` (as oidc-client-ts).
const CLOCK_SKEW_SECS: u64 = 300;

/// One pending token renewal that every caller in the page awaits.
#[derive(Default)]
struct Inflight {
    result: RefCell<Option<Result<TokenSet, AuthError>>>,
    waiters: RefCell<Vec<Waker>>,
}

impl Inflight {
    fn finish(&self, result: Result<TokenSet, AuthError>) {
        *self.result.borrow_mut() = Some(result);
        for waker in self.waiters.take() {
            waker.wake();
        }
    }

    async fn wait(self: Rc<Self>) -> Result<TokenSet, AuthError> {
        poll_fn(move |cx| {
            if let Some(result) = self.result.borrow().as_ref() {
                return Poll::Ready(result.clone());
            }
            self.waiters.borrow_mut().push(cx.waker().clone());
            Poll::Pending
        })
        .await
    }
}

/// State shared by every client with the same key in this page.
#[derive(Default)]
struct Shared {
    metadata: RefCell<Option<Rc<Metadata>>>,
    inflight: RefCell<Option<Rc<Inflight>>>,
    dpop_key: RefCell<Option<Rc<DpopKey>>>,
    /// The token endpoint's last `DPoP-Nonce`.
    dpop_nonce: RefCell<Option<String>>,
    /// The issuer's JWK Set document, for `verifyIdTokenSignature`.
    jwks: RefCell<Option<Rc<String>>>,
    /// The last decoded token record, for cheap repeated reads.
    decoded: RefCell<Option<Decoded>>,
}

/// A decoded token record with the stored text it came from (a JS string) and the access
/// token as a JS string, so a cached read copies nothing into or out of wasm.
struct Decoded {
    raw: JsValue,
    tokens: TokenSet,
    access_token: JsValue,
}

/// Per-key shared state; a short list (one entry per configured client).
static REGISTRY: PageLocal<RefCell<Vec<(String, Rc<Shared>)>>> = PageLocal(RefCell::new(Vec::new()));

/// Which endpoint a flow needs.
#[derive(Clone, Copy)]
enum Endpoint {
    Authorization,
    Token,
    Revocation,
    EndSession,
}

/// What one sign-in asks for beyond the config (API.md `SignInOptions`).
#[derive(Default)]
pub struct SignIn {
    /// `appState` as JSON text.
    pub app_state: Option<String>,
    pub scope: Option<String>,
    pub extra_params: Vec<(String, String)>,
}

/// What `signOut` does beyond forgetting local tokens (API.md `SignOutOptions`).
#[derive(Default)]
pub struct SignOut {
    pub revoke: bool,
    pub end_session: bool,
    pub post_logout_redirect_uri: Option<String>,
}

/// A configured client bound to its shared per-page state.
pub struct Client {
    pub config: Config,
    key: String,
    shared: Rc<Shared>,
}

impl Client {
    /// A client for a config resolved for this runtime: the usual way in from Rust.
    pub fn from_input(input: crate::protocol::config::ConfigInput) -> Result<Client, AuthError> {
        Ok(Client::new(input.resolve(crate::web::global::runtime())?))
    }

    /// A client for an already resolved config.
    pub fn new(config: Config) -> Client {
        let key = config.client_key();
        let mut registry = REGISTRY.0.borrow_mut();
        let shared = match registry.iter().find(|(k, _)| *k == key) {
            Some((_, shared)) => shared.clone(),
            None => {
                let shared = Rc::new(Shared::default());
                registry.push((key.clone(), shared.clone()));
                shared
            }
        };
        drop(registry);
        Client { config, key, shared }
    }

    fn store(&self) -> Store {
        Store::open(self.config.storage)
    }

    fn tokens_key(&self) -> String {
        concat(&[TOKENS_PREFIX, &self.key])
    }

    /// The stored tokens; corrupted or foreign data counts as none.
    pub fn tokens(&self) -> Option<TokenSet> {
        self.store().get(&self.tokens_key()).and_then(|text| TokenSet::decode(&text))
    }

    /// The stored access token while it has more than `leeway` seconds left, without decoding
    /// the record again when it is unchanged (checked against storage on every call, so writes
    /// by other tabs, clients or code are seen). The fast path of `getToken()`.
    pub fn fresh_access_token(&self, leeway: u64) -> Option<JsValue> {
        let raw = self.store().get_js(&self.tokens_key())?;
        let mut decoded = self.shared.decoded.borrow_mut();
        if decoded.as_ref().map_or(true, |d| d.raw != raw) {
            let tokens = TokenSet::decode(&raw.as_string()?)?;
            let access_token = JsValue::from_str(tokens.access_token.expose());
            *decoded = Some(Decoded { raw, tokens, access_token });
        }
        let d = decoded.as_ref()?;
        d.tokens.is_fresh(clock::now(), leeway).then(|| d.access_token.clone())
    }

    fn save(&self, tokens: &TokenSet) {
        self.store().set(&self.tokens_key(), &tokens.encode());
    }

    fn clear(&self) {
        self.store().remove(&self.tokens_key());
    }

    /// True while tokens are stored and the access token is valid or a refresh token is there.
    pub fn is_authenticated(&self) -> bool {
        self.tokens().is_some_and(|t| t.refresh_token.is_some() || t.is_fresh(clock::now(), 0))
    }

    /// ID token claims as JSON text, when there is a decodable ID token.
    pub fn user_claims(&self) -> Option<String> {
        let id_token = self.tokens()?.id_token?;
        Some(jwt::decode_claims(id_token.expose())?.to_json())
    }

    async fn send(&self, request: &HttpRequest) -> Result<HttpResponse, AuthError> {
        fetch::send(request, self.config.request_timeout_ms, self.config.include_credentials).await
    }

    /// Sends a token-endpoint request; with `dpop`, each attempt carries a fresh proof and a
    /// `use_dpop_nonce` answer is retried once with the nonce it sent (RFC 9449 §8: the
    /// server rejects such a request before it looks at the grant).
    async fn send_token_request(&self, request: HttpRequest) -> Result<HttpResponse, AuthError> {
        if !self.config.dpop {
            return self.send(&request).await;
        }
        let mut retried = false;
        loop {
            let nonce = self.shared.dpop_nonce.borrow().clone();
            let proof = self.dpop_proof(request.method, &request.url, nonce.as_deref(), None).await?;
            let mut signed = request.clone();
            signed.headers.push(("DPoP".into(), proof));
            let response = self.send(&signed).await?;
            let fresh_nonce = response.dpop_nonce.is_some() && response.dpop_nonce != nonce;
            if let Some(n) = &response.dpop_nonce {
                *self.shared.dpop_nonce.borrow_mut() = Some(n.clone());
            }
            if retried || !fresh_nonce || !dpop::is_use_dpop_nonce(response.status, &response.body) {
                return Ok(response);
            }
            retried = true;
        }
    }

    async fn dpop_key(&self) -> Result<Rc<DpopKey>, AuthError> {
        if let Some(key) = self.shared.dpop_key.borrow().clone() {
            return Ok(key);
        }
        let key = Rc::new(dpop_key::load_or_create(&concat(&[DPOP_KEY_PREFIX, &self.key])).await?);
        *self.shared.dpop_key.borrow_mut() = Some(key.clone());
        Ok(key)
    }

    /// A DPoP proof for `method url`; with an access token it carries `ath`, for API calls.
    pub async fn dpop_proof(&self, method: &str, url: &str, nonce: Option<&str>, access_token: Option<&str>) -> Result<String, AuthError> {
        let key = self.dpop_key().await?;
        let jti = pkce::random_token(&random::bytes32()?);
        let claims = ProofClaims { htm: method, htu: url, iat: clock::now(), jti: &jti, nonce, access_token };
        let input = dpop::signing_input(&key.jwk, &claims);
        let signature = key.sign(&input).await?;
        Ok(dpop::proof(&input, &signature))
    }

    /// Discovered metadata, fetched once per page and issuer.
    async fn metadata(&self) -> Result<Rc<Metadata>, AuthError> {
        if let Some(m) = self.shared.metadata.borrow().clone() {
            return Ok(m);
        }
        let Some(issuer) = self.config.issuer.as_deref() else {
            return Err(AuthError::config("an endpoint is missing and there is no issuer to discover it from"));
        };
        let mut last = AuthError::response("the issuer publishes no metadata");
        for location in discovery::discovery_urls(issuer) {
            let request = HttpRequest {
                method: "GET",
                url: location,
                headers: vec![("Accept".into(), "application/json".into())],
                body: None,
            };
            let response = self.send(&request).await?;
            if !(200..300).contains(&response.status) {
                last = error::from_error_response(response.status, &response.body);
                continue;
            }
            let metadata = Rc::new(discovery::parse_metadata(&response.body, issuer)?);
            *self.shared.metadata.borrow_mut() = Some(metadata.clone());
            return Ok(metadata);
        }
        Err(last)
    }

    /// An endpoint: configured, else discovered.
    async fn endpoint(&self, which: Endpoint) -> Result<String, AuthError> {
        let c = &self.config;
        let configured = match which {
            Endpoint::Authorization => &c.authorization_endpoint,
            Endpoint::Token => &c.token_endpoint,
            Endpoint::Revocation => &c.revocation_endpoint,
            Endpoint::EndSession => &c.end_session_endpoint,
        };
        if let Some(e) = configured {
            return Ok(e.clone());
        }
        let m = self.metadata().await?;
        let (found, missing) = match which {
            Endpoint::Authorization => (&m.authorization_endpoint, "the issuer's metadata has no authorization_endpoint"),
            Endpoint::Token => (&m.token_endpoint, "the issuer's metadata has no token_endpoint"),
            Endpoint::Revocation => (&m.revocation_endpoint, "the issuer's metadata has no revocation_endpoint"),
            Endpoint::EndSession => (&m.end_session_endpoint, "the issuer's metadata has no end_session_endpoint"),
        };
        found.clone().ok_or_else(|| AuthError::config(missing))
    }

    fn require_code_flow(&self) -> Result<(), AuthError> {
        match self.config.grant_type {
            GrantType::AuthorizationCode => Ok(()),
            GrantType::ClientCredentials => Err(AuthError::config("signIn and handleCallback need grantType authorization_code")),
        }
    }

    /// Stores a fresh transaction and returns the authorize URL.
    pub async fn create_sign_in_url(&self, options: SignIn) -> Result<String, AuthError> {
        self.require_code_flow()?;
        authorize::check_extra_params(&options.extra_params)?;
        let redirect_uri = self.config.redirect_uri.clone().ok_or_else(|| AuthError::config("redirectUri is required"))?;
        let endpoint = self.endpoint(Endpoint::Authorization).await?;
        let scope = options.scope.or_else(|| self.config.scope.clone()).unwrap_or_default();
        let mut extra_params = options.extra_params;
        if self.config.dpop {
            // Binds the authorization code to this client's key (RFC 9449 §10).
            extra_params.push(("dpop_jkt".into(), self.dpop_key().await?.jwk.thumbprint()));
        }
        let verifier = Verifier::from_random(&random::bytes32()?);
        let state = pkce::random_token(&random::bytes32()?);
        let nonce = if authorize::scope_has_openid(&scope) { Some(pkce::random_token(&random::bytes32()?)) } else { None };
        let now = clock::now();
        let url = authorize::authorize_url(
            &self.config,
            &endpoint,
            &redirect_uri,
            &AuthorizeParams {
                state: &state,
                nonce: nonce.as_deref(),
                code_challenge: &verifier.challenge(),
                scope: &scope,
                extra_params: &extra_params,
            },
        );
        let transaction = Transaction {
            client_key: self.key.clone(),
            state,
            verifier: verifier.secret().clone(),
            nonce,
            redirect_uri,
            app_state: options.app_state,
            created_at: now,
        };
        let store = Store::transactions();
        sweep_expired_transactions(&store, now);
        store.set(&concat(&[TRANSACTION_PREFIX, &transaction.state]), &transaction.encode());
        Ok(url)
    }

    /// Completes a sign-in from its callback URL (default: the address bar, which is then
    /// cleaned of the response parameters whatever the outcome). Returns the tokens and the
    /// `appState` JSON text.
    pub async fn handle_callback(&self, url: Option<String>) -> Result<(TokenSet, Option<String>), AuthError> {
        self.require_code_flow()?;
        let from_location = url.is_none();
        let href = match url.or_else(location::href) {
            Some(href) => href,
            None => return Err(AuthError::config("handleCallback needs a URL where there is no window.location")),
        };
        // Strip before any await: a reload must not offer the same code again.
        if from_location {
            location::replace(&url::strip_callback_params(&href));
        }
        let params = callback::parse_callback(&href)?;
        let store = Store::transactions();
        let transaction = params.state.as_deref().and_then(|state| {
            let key = concat(&[TRANSACTION_PREFIX, state]);
            store.get(&key).and_then(|text| Transaction::decode(&text)).filter(|t| t.client_key == self.key).map(|t| (key, t))
        });
        // Only a callback that belongs to a pending sign-in may cause requests (discovery).
        if transaction.is_some() && self.config.token_endpoint.is_none() {
            self.metadata().await?;
        }
        let iss_required = self.shared.metadata.borrow().as_ref().is_some_and(|m| m.iss_parameter_supported);
        if let Some((key, _)) = &transaction {
            store.remove(key); // used at most once, whatever follows
        }
        let transaction = transaction.map(|(_, t)| t);
        let now = clock::now();
        let issuer = IssuerCheck { issuer: self.config.issuer.as_deref(), iss_required };
        let code = callback::check_callback(&params, transaction.as_ref(), &self.key, now, issuer)?;
        let Some(transaction) = transaction else {
            return Err(AuthError::new(codes::STATE_MISMATCH, "the callback's state matches no pending sign-in"));
        };
        let endpoint = self.endpoint(Endpoint::Token).await?;
        let grant = Grant::AuthorizationCode { code, verifier: &transaction.verifier, redirect_uri: &transaction.redirect_uri };
        let response = self.send_token_request(token::token_request(&self.config, &endpoint, grant)).await?;
        let tokens = token::parse_token_response(response.status, &response.body, clock::now())?;
        if let Some(id_token) = &tokens.id_token {
            self.check_id_token(id_token.expose(), transaction.nonce.as_deref(), None)?;
            self.check_signature(id_token.expose()).await?;
        }
        self.save(&tokens);
        Ok((tokens, transaction.app_state))
    }

    fn check_id_token(&self, id_token: &str, nonce: Option<&str>, previous: Option<&crate::protocol::json::Value>) -> Result<(), AuthError> {
        let check = IdTokenCheck {
            issuer: self.config.issuer.as_deref(),
            client_id: &self.config.client_id,
            nonce,
            now: clock::now(),
            leeway: CLOCK_SKEW_SECS,
            previous,
        };
        jwt::check_id_token(id_token, &check).map(|_| ())
    }

    /// With `verifyIdTokenSignature`, checks the ID token's signature (RS256, PS256, ES256)
    /// against the issuer's JWK Set: fetched once per page, and once more when no key fits
    /// (the issuer may have rotated its keys). Off: no request, no work.
    async fn check_signature(&self, id_token: &str) -> Result<(), AuthError> {
        if !self.config.verify_id_token_signature {
            return Ok(());
        }
        let prepared = match jwks::prepare(id_token, &self.jwks(false).await?) {
            Ok(prepared) => prepared,
            Err(_) => jwks::prepare(id_token, &self.jwks(true).await?)?,
        };
        verify::verify(&prepared).await
    }

    async fn jwks(&self, refetch: bool) -> Result<Rc<String>, AuthError> {
        if let Some(cached) = self.shared.jwks.borrow().clone().filter(|_| !refetch) {
            return Ok(cached);
        }
        let url = match &self.config.jwks_uri {
            Some(uri) => uri.clone(),
            None => self.metadata().await?.jwks_uri.clone().ok_or_else(|| AuthError::config("the issuer's metadata has no jwks_uri"))?,
        };
        let request = HttpRequest { method: "GET", url, headers: vec![("Accept".into(), "application/json".into())], body: None };
        let response = self.send(&request).await?;
        if !(200..300).contains(&response.status) {
            return Err(error::from_error_response(response.status, &response.body));
        }
        let body = Rc::new(response.body);
        *self.shared.jwks.borrow_mut() = Some(body.clone());
        Ok(body)
    }

    /// A valid access token: the stored one while it has more than `min_validity` (default:
    /// the configured leeway) seconds left, else one renewal shared by every waiting caller.
    pub async fn get_token(&self, min_validity: Option<u64>) -> Result<String, AuthError> {
        let leeway = min_validity.unwrap_or(self.config.expiry_leeway);
        let stored = self.tokens();
        if let Some(t) = &stored {
            if t.is_fresh(clock::now(), leeway) {
                return Ok(t.access_token.expose().to_owned());
            }
        }
        if self.config.grant_type == GrantType::AuthorizationCode && stored.is_none() {
            return Err(AuthError::new(codes::LOGIN_REQUIRED, "no tokens are stored: sign in first"));
        }
        match self.renew(false, leeway).await {
            Ok(t) => Ok(t.access_token.expose().to_owned()),
            Err(e) if e.is_definitive() => Err(e.into_login_required()),
            Err(e) if e.code == codes::LOGIN_REQUIRED => Err(e),
            // A transient failure: a token that is still valid (only inside the leeway) serves.
            Err(e) => match self.tokens() {
                Some(t) if t.is_fresh(clock::now(), 0) => Ok(t.access_token.expose().to_owned()),
                _ => Err(e),
            },
        }
    }

    /// A new token from the server (refresh token, or client credentials).
    pub async fn refresh(&self) -> Result<TokenSet, AuthError> {
        self.renew(true, 0).await
    }

    /// Joins the renewal in flight for this client, or leads one. Where tabs can share a
    /// refresh token the leader also holds a Web Lock, so only one tab at a time renews.
    async fn renew(&self, force: bool, leeway: u64) -> Result<TokenSet, AuthError> {
        let joined = self.shared.inflight.borrow().clone();
        if let Some(flight) = joined {
            return flight.wait().await;
        }
        let flight = Rc::new(Inflight::default());
        *self.shared.inflight.borrow_mut() = Some(flight.clone());
        let result = if self.shares_tokens_across_tabs() {
            locks::with_lock(&concat(&[REFRESH_LOCK_PREFIX, &self.key]), self.renew_now(force, leeway)).await
        } else {
            self.renew_now(force, leeway).await
        };
        *self.shared.inflight.borrow_mut() = None;
        flight.finish(result.clone());
        result
    }

    /// True when tabs can hold the same refresh token: tokens in localStorage, or in a
    /// sessionStorage that a duplicated tab copied. Renewals then take a Web Lock and consult
    /// the rotation log.
    fn shares_tokens_across_tabs(&self) -> bool {
        self.config.grant_type == GrantType::AuthorizationCode && self.config.storage != StorageKind::Memory
    }

    fn rotation_key(&self) -> String {
        concat(&[ROTATION_PREFIX, &self.key])
    }

    async fn rotation_log(&self) -> RotationLog {
        idb::get(&self.rotation_key()).await.and_then(|v| v.as_string()).map(|t| RotationLog::decode(&t)).unwrap_or_default()
    }

    async fn renew_now(&self, force: bool, leeway: u64) -> Result<TokenSet, AuthError> {
        let now = clock::now();
        // Re-read: another caller or tab may have renewed while this one waited.
        let mut current = self.tokens();
        if let Some(t) = current.as_ref().filter(|t| !force && t.is_fresh(now, leeway)) {
            return Ok(t.clone());
        }
        let cross_tab = self.shares_tokens_across_tabs();
        let mut log = RotationLog::default();
        if cross_tab {
            if let Some(refresh_token) = current.as_ref().and_then(|t| t.refresh_token.as_ref()) {
                log = self.rotation_log().await;
                match log.lookup(&rotation::fingerprint(refresh_token.expose()), now) {
                    Lookup::Unspent => {}
                    Lookup::Adopt(record) => {
                        if let Some(adopted) = TokenSet::decode(&record) {
                            self.save(&adopted);
                            if !force && adopted.is_fresh(now, leeway) {
                                return Ok(adopted);
                            }
                            current = Some(adopted);
                        }
                    }
                    Lookup::Spent => {
                        self.clear();
                        return Err(AuthError::new(codes::INVALID_GRANT, "this tab's refresh token was already used by another tab"));
                    }
                }
            }
        }
        let spent = current.as_ref().and_then(|t| t.refresh_token.as_ref()).map(|rt| rotation::fingerprint(rt.expose()));
        let grant = match self.config.grant_type {
            GrantType::ClientCredentials => Grant::ClientCredentials,
            GrantType::AuthorizationCode => match current.as_ref().and_then(|t| t.refresh_token.as_ref()) {
                Some(refresh_token) => Grant::RefreshToken { refresh_token },
                None => return Err(AuthError::new(codes::LOGIN_REQUIRED, "the access token expired and there is no refresh token")),
            },
        };
        let endpoint = self.endpoint(Endpoint::Token).await?;
        let response = self.send_token_request(token::token_request(&self.config, &endpoint, grant)).await?;
        let fresh = match token::parse_token_response(response.status, &response.body, clock::now()) {
            Ok(fresh) => fresh,
            Err(e) => {
                if e.is_definitive() {
                    self.clear();
                }
                return Err(e);
            }
        };
        let fresh = match &current {
            Some(old) if self.config.grant_type == GrantType::AuthorizationCode => {
                let previous_claims = old.id_token.as_ref().and_then(|t| jwt::decode_claims(t.expose()));
                if let Some(id_token) = &fresh.id_token {
                    if Some(id_token) != old.id_token.as_ref() {
                        self.check_id_token(id_token.expose(), None, previous_claims.as_ref())?;
                        self.check_signature(id_token.expose()).await?;
                    }
                }
                fresh.carry_over(old)
            }
            _ => fresh,
        };
        self.save(&fresh);
        if let (true, Some(spent)) = (cross_tab, spent) {
            let next = fresh.refresh_token.as_ref().map(|rt| rotation::fingerprint(rt.expose()));
            let now = clock::now();
            log.record(spent, fresh.encode(), next, now);
            let key = self.rotation_key();
            idb::put(&key, &JsValue::from_str(&log.encode(now))).await;
            // The successor may be adopted for ADOPT_TTL_SECS; then it must leave IndexedDB
            // even if no tab renews again while this page is open.
            let lock = concat(&[REFRESH_LOCK_PREFIX, &self.key]);
            let ms = ((rotation::ADOPT_TTL_SECS + 1) * 1000) as u32;
            timer::after(ms, move || wasm_bindgen_futures::spawn_local(prune_rotation_log(key, lock)));
        }
        Ok(fresh)
    }

    /// Forgets the local tokens; then, as asked, revokes (RFC 7009) and ends the provider
    /// session (RP-initiated logout, navigating away).
    pub async fn sign_out(&self, options: SignOut) -> Result<(), AuthError> {
        let tokens = self.tokens();
        self.clear();
        if self.shares_tokens_across_tabs() {
            idb::delete(&self.rotation_key()).await;
        }
        if self.config.dpop {
            dpop_key::forget(&concat(&[DPOP_KEY_PREFIX, &self.key])).await;
            *self.shared.dpop_key.borrow_mut() = None;
        }
        if options.revoke {
            if let Some(t) = &tokens {
                let (token, hint) = match &t.refresh_token {
                    Some(rt) => (rt, "refresh_token"),
                    None => (&t.access_token, "access_token"),
                };
                let endpoint = self.endpoint(Endpoint::Revocation).await?;
                let response = self.send(&token::revocation_request(&self.config, &endpoint, token, hint)).await?;
                if !(200..300).contains(&response.status) {
                    return Err(error::from_error_response(response.status, &response.body));
                }
            }
        }
        if options.end_session {
            let endpoint = self.endpoint(Endpoint::EndSession).await?;
            let state = pkce::random_token(&random::bytes32()?);
            let id_token = tokens.as_ref().and_then(|t| t.id_token.as_ref()).map(|t| t.expose());
            let url = authorize::end_session_url(
                &endpoint,
                &self.config.client_id,
                id_token,
                options.post_logout_redirect_uri.as_deref(),
                Some(&state),
            );
            navigate(&url)?;
        }
        Ok(())
    }

    /// `createSignInUrl`, then leave the page for it.
    pub async fn sign_in(&self, options: SignIn) -> Result<(), AuthError> {
        let url = self.create_sign_in_url(options).await?;
        navigate(&url)
    }
}

fn navigate(url: &str) -> Result<(), AuthError> {
    if location::assign(url) {
        Ok(())
    } else {
        Err(AuthError::config("navigation needs window.location: use createSignInUrl outside a page"))
    }
}

/// Rewrites a client's rotation log under the refresh lock; encoding drops successors past
/// their adoption window, leaving only fingerprints.
async fn prune_rotation_log(key: String, lock: String) {
    locks::with_lock(&lock, async {
        if let Some(text) = idb::get(&key).await.and_then(|v| v.as_string()) {
            let pruned = RotationLog::decode(&text).encode(clock::now());
            idb::put(&key, &JsValue::from_str(&pruned)).await;
        }
    })
    .await;
}

/// Drops expired (and unreadable) transactions, so abandoned sign-ins don't pile up.
fn sweep_expired_transactions(store: &Store, now: u64) {
    for key in store.keys_with_prefix(TRANSACTION_PREFIX) {
        let keep = store.get(&key).and_then(|text| Transaction::decode(&text)).is_some_and(|t| !t.is_expired(now));
        if !keep {
            store.remove(&key);
        }
    }
}
