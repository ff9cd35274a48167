//! The flows: sign-in, callback, token reads, renewal, sign-out (DPoP proofs:
//! [`super::dpop`]). Decisions are made in `crate::protocol`; these functions sequence the
//! effects around them (see [`super::io`]). Each returns its result as JSON text for the host.

use crate::prelude::*;

use super::io::{Io, R};
use super::options;
use crate::protocol::authorize::{self, AuthorizeParams};
use crate::protocol::callback::{self, IssuerCheck};
use crate::protocol::config::{Config, GrantType, StorageKind};
use crate::protocol::discovery::{self, Metadata};
use crate::protocol::error::{self, codes};
use crate::protocol::json::{self, ObjectWriter, Value};
use crate::protocol::jwt::{self, IdTokenCheck};
use crate::protocol::pkce::Verifier;
use crate::protocol::rotation::{self, Lookup, RotationLog};
use crate::protocol::token::{self, Grant, HttpRequest, TokenSet};
use crate::protocol::transaction::{self, Transaction};
use crate::protocol::{concat, url, AuthError, Secret};

/// Prefix of every key the library writes to Web Storage (API.md).
pub const TOKENS_PREFIX: &str = "wasm-oauth:tokens:";
const TRANSACTION_PREFIX: &str = "wasm-oauth:tx:";
const REFRESH_LOCK_PREFIX: &str = "wasm-oauth:refresh:";
/// IndexedDB key of a client's rotation log.
const ROTATION_PREFIX: &str = "wasm-oauth:rotation:";
/// Tolerated clock difference with the issuer for ID token `exp`/`iat` (as oidc-client-ts).
const CLOCK_SKEW_SECS: u64 = 300;
/// Transactions live in sessionStorage (memory where there is none).
const TRANSACTIONS: &str = "session";

/// Page cache names (see [`Io::cache_get`]).
const METADATA: &str = "metadata";

/// A flow's view of its client.
pub struct Flow<'c, 'io> {
    pub config: &'c Config,
    pub key: String,
    pub io: Io<'io>,
}

/// Web Storage area name for a storage kind.
pub fn area(kind: StorageKind) -> &'static str {
    match kind {
        StorageKind::Session => "session",
        StorageKind::Local => "local",
        StorageKind::Memory => "memory",
    }
}

/// API.md `TokenSet` as JSON; absent members are left out.
pub fn token_set_json(t: &TokenSet) -> String {
    let mut w = ObjectWriter::new();
    w.string("accessToken", t.access_token.expose()).string("tokenType", &t.token_type);
    if let Some(at) = t.expires_at {
        w.integer("expiresAt", at as i64);
    }
    if let Some(r) = &t.refresh_token {
        w.string("refreshToken", r.expose());
    }
    if let Some(i) = &t.id_token {
        w.string("idToken", i.expose());
    }
    if let Some(s) = &t.scope {
        w.string("scope", s);
    }
    w.finish()
}

pub(super) fn ok(status: u16) -> bool {
    (200..300).contains(&status)
}

pub(super) fn get_json(url: String) -> HttpRequest {
    HttpRequest { method: "GET", url, headers: vec![("Accept".into(), "application/json".into())], body: None }
}

impl<'io> Flow<'_, 'io> {
    fn area(&self) -> &'static str {
        area(self.config.storage)
    }

    pub(super) fn tokens_key(&self) -> String {
        concat(&[TOKENS_PREFIX, &self.key])
    }

    /// The stored tokens; corrupted or foreign data counts as none.
    pub fn tokens(&mut self) -> Option<TokenSet> {
        let (area, key) = (self.area(), self.tokens_key());
        self.io.get(area, &key).and_then(TokenSet::decode)
    }

    fn save(&mut self, tokens: &TokenSet) {
        let (area, key) = (self.area(), self.tokens_key());
        self.io.set(area, &key, &tokens.encode())
    }

    fn clear(&mut self) {
        let (area, key) = (self.area(), self.tokens_key());
        self.io.remove(area, &key)
    }

    pub(super) fn send(&mut self, request: &HttpRequest) -> R<super::io::HttpResponse<'io>> {
        self.io.fetch(request, self.config.request_timeout_ms, self.config.include_credentials)
    }

    /// Sends a token-endpoint request; with `dpop`, signed (see `super::dpop`).
    fn send_token_request(&mut self, request: HttpRequest) -> R<super::io::HttpResponse<'io>> {
        #[cfg(feature = "dpop")]
        if self.config.dpop {
            return self.send_dpop_token_request(request);
        }
        self.send(&request)
    }

    /// Discovered metadata, fetched once per page and issuer.
    pub(super) fn metadata(&mut self) -> R<Metadata> {
        let Some(issuer) = self.config.issuer.as_deref() else {
            return Err(AuthError::config("an endpoint is missing and there is no issuer to discover it from"));
        };
        if let Some(cached) = self.cached_metadata(issuer) {
            return cached;
        }
        // OpenID Connect's location, then RFC 8414's; the last failure is the error.
        let mut rfc8414 = false;
        loop {
            let response = self.send(&get_json(discovery::discovery_url(issuer, rfc8414)))?;
            if ok(response.status) {
                let metadata = discovery::parse_metadata(response.body, issuer)?;
                self.io.cache_set(METADATA, response.body);
                return Ok(metadata);
            }
            if rfc8414 {
                return Err(error::from_error_response(response.status, response.body));
            }
            rfc8414 = true;
        }
    }

    /// The metadata this page cached for `issuer`, checked; `None` when there is none.
    fn cached_metadata(&mut self, issuer: &str) -> Option<R<Metadata>> {
        self.io.cache_get(METADATA).map(|body| discovery::parse_metadata(body, issuer))
    }

    /// An endpoint: configured, else the metadata member `key` (discovered).
    pub(super) fn endpoint(&mut self, configured: &Option<String>, key: &'static str) -> R<String> {
        if let Some(e) = configured {
            return Ok(e.clone());
        }
        match self.metadata()?.endpoint(key) {
            Some(found) => Ok(String::from(found)),
            None => Err(AuthError::config_key("the issuer's metadata has no ", key)),
        }
    }

    fn require_code_flow(&self) -> Result<(), AuthError> {
        match self.config.grant_type {
            GrantType::AuthorizationCode => Ok(()),
            #[cfg(feature = "confidential")]
            GrantType::ClientCredentials => Err(AuthError::config("signIn and handleCallback need grantType authorization_code")),
        }
    }

    /// Stores a fresh transaction and returns the authorize URL.
    pub fn create_sign_in_url(&mut self, options: options::SignIn) -> R<String> {
        self.require_code_flow()?;
        authorize::check_extra_params(&options.extra_params)?;
        let Some(redirect_uri) = self.config.redirect_uri.as_deref() else {
            return Err(AuthError::config("redirectUri is required"));
        };
        let endpoint = self.endpoint(&self.config.authorization_endpoint, "authorization_endpoint")?;
        let scope = options.scope.as_deref().or(self.config.scope.as_deref()).unwrap_or("");
        #[cfg_attr(not(feature = "dpop"), allow(unused_mut))]
        let mut extra_params = options.extra_params;
        #[cfg(feature = "dpop")]
        if self.config.dpop {
            extra_params.push(self.dpop_jkt()?);
        }
        let verifier = Verifier::from_stored(Secret::new(self.io.random()?));
        let state = self.io.random()?;
        let nonce = if authorize::scope_has_openid(scope) { Some(self.io.random()?) } else { None };
        let now = self.io.now();
        let url = authorize::authorize_url(
            self.config,
            &endpoint,
            redirect_uri,
            &AuthorizeParams {
                state: &state,
                nonce: nonce.as_deref(),
                code_challenge: &verifier.challenge(),
                scope,
                extra_params: &extra_params,
            },
        );
        let record = transaction::record(
            &self.key,
            &state,
            verifier.secret().expose(),
            nonce.as_deref(),
            redirect_uri,
            options.app_state.as_deref(),
            now,
        );
        self.sweep_expired_transactions(now);
        self.io.set(TRANSACTIONS, &concat(&[TRANSACTION_PREFIX, &state]), &record);
        Ok(url)
    }

    /// Drops expired (and unreadable) transactions, so abandoned sign-ins don't pile up.
    fn sweep_expired_transactions(&mut self, now: u64) {
        for key in self.io.keys(TRANSACTIONS, TRANSACTION_PREFIX) {
            let keep = self.io.get(TRANSACTIONS, key).and_then(Transaction::decode).is_some_and(|t| !t.is_expired(now));
            if !keep {
                self.io.remove(TRANSACTIONS, key);
            }
        }
    }

    /// Completes a sign-in from its callback URL (default: the address bar, which is then
    /// cleaned of the response parameters whatever the outcome). Returns the tokens and the
    /// `appState` JSON text.
    pub fn handle_callback(&mut self, url: Option<&str>) -> R<(TokenSet, Option<String>)> {
        self.require_code_flow()?;
        let from_location = url.is_none();
        let href = match url {
            Some(href) => href,
            None => match self.io.href() {
                Some(href) => href,
                None => return Err(AuthError::config("handleCallback needs a URL where there is no window.location")),
            },
        };
        // Strip before any request: a reload must not offer the same code again.
        if from_location {
            self.io.replace(&url::strip_callback_params(href));
        }
        let params = callback::parse_callback(href)?;
        let key = params.state.as_deref().map(|state| concat(&[TRANSACTION_PREFIX, state]));
        let transaction = match key.as_deref() {
            Some(key) => self.io.get(TRANSACTIONS, key).and_then(Transaction::decode).filter(|t| t.client_key == self.key),
            None => None,
        };
        let tokens = self.redeem(&params, key.as_deref(), transaction.as_ref())?;
        Ok((tokens, transaction.and_then(|t| t.app_state)))
    }

    /// [`Self::handle_callback`] once the callback is read and its transaction looked up
    /// (borrowed: the early returns have nothing to drop).
    fn redeem(&mut self, params: &callback::CallbackParams, key: Option<&str>, transaction: Option<&Transaction>) -> R<TokenSet> {
        // Only a callback that belongs to a pending sign-in may cause requests (discovery).
        if transaction.is_some() && self.config.token_endpoint.is_none() {
            self.metadata()?;
        }
        let iss_required = match self.config.issuer.as_deref() {
            Some(issuer) => self.cached_metadata(issuer).is_some_and(|m| m.is_ok_and(|m| m.iss_parameter_supported())),
            None => false,
        };
        if let (Some(key), Some(_)) = (key, transaction) {
            self.io.remove(TRANSACTIONS, key); // used at most once, whatever follows
        }
        let now = self.io.now();
        let issuer = IssuerCheck { issuer: self.config.issuer.as_deref(), iss_required };
        let (code, transaction) = callback::check_callback(params, transaction, &self.key, now, issuer)?;
        let endpoint = self.endpoint(&self.config.token_endpoint, "token_endpoint")?;
        let grant = Grant::AuthorizationCode { code, verifier: &transaction.verifier, redirect_uri: &transaction.redirect_uri };
        let response = self.send_token_request(token::token_request(self.config, &endpoint, grant))?;
        let now = self.io.now();
        let tokens = token::parse_token_response(response.status, response.body, now)?;
        if let Some(id_token) = &tokens.id_token {
            self.check_id_token(id_token.expose(), transaction.nonce.as_deref(), None, now)?;
            self.check_signature(id_token.expose())?;
        }
        self.save(&tokens);
        Ok(tokens)
    }

    fn check_id_token(&self, id_token: &str, nonce: Option<&str>, previous: Option<&Value>, now: u64) -> Result<(), AuthError> {
        let check = IdTokenCheck {
            issuer: self.config.issuer.as_deref(),
            client_id: &self.config.client_id,
            nonce,
            now,
            leeway: CLOCK_SKEW_SECS,
            previous,
        };
        jwt::check_id_token(id_token, &check).map(drop)
    }

    /// With `verifyIdTokenSignature`, checks the ID token's signature (see
    /// `super::signature`). Off: no request, no work.
    fn check_signature(&mut self, id_token: &str) -> R<()> {
        if !self.config.verify_id_token_signature {
            return Ok(());
        }
        #[cfg(feature = "id-token-signature")]
        return self.verify_signature(id_token);
        #[cfg(not(feature = "id-token-signature"))]
        {
            let _ = id_token;
            Err(AuthError::config(super::NEEDS_FULL_SIGNATURE))
        }
    }

    /// A valid access token: the stored one while it has more than `min_validity` (default:
    /// the configured leeway) seconds left, else one renewal shared by every waiting caller.
    /// Returns the token and, when it came straight from storage, until when (Unix seconds)
    /// that stored record may serve it again without a run (the host's fast path).
    pub fn get_token(&mut self, min_validity: Option<u64>) -> R<(String, Option<u64>)> {
        let leeway = min_validity.unwrap_or(self.config.expiry_leeway);
        let stored = self.tokens();
        let now = self.io.now();
        if let Some(t) = &stored {
            if t.is_fresh(now, leeway) {
                let until = t.expires_at.map_or(json::MAX_SAFE_INTEGER, |at| at - leeway.min(at));
                return Ok((t.access_token.expose().to_owned(), Some(until)));
            }
        }
        if self.config.grant_type == GrantType::AuthorizationCode && stored.is_none() {
            return Err(AuthError::new(codes::LOGIN_REQUIRED, "no tokens are stored: sign in first"));
        }
        match self.io.renew(false, leeway) {
            Ok(t) => Ok((t.access_token.expose().to_owned(), None)),
            Err(e) if e.is_definitive() => Err(e.into_login_required()),
            Err(e) if e.code == codes::LOGIN_REQUIRED => Err(e),
            // A transient failure: a token that is still valid (only inside the leeway) serves.
            Err(e) => {
                let now = self.io.now();
                match self.tokens() {
                    Some(t) if t.is_fresh(now, 0) => Ok((t.access_token.expose().to_owned(), None)),
                    _ => Err(e),
                }
            }
        }
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

    fn lock_name(&self) -> String {
        concat(&[REFRESH_LOCK_PREFIX, &self.key])
    }

    /// One renewal (the host runs at most one per client and page at a time: see
    /// [`Io::renew`]). Where tabs can share a refresh token it holds a Web Lock, so only one tab
    /// at a time renews, and consults the rotation log.
    pub fn renew(&mut self, force: bool, leeway: u64) -> R<TokenSet> {
        let cross_tab = self.shares_tokens_across_tabs();
        if cross_tab {
            let lock = self.lock_name();
            self.io.lock(&lock);
        }
        let now = self.io.now();
        // Re-read: another caller or tab may have renewed while this one waited.
        let mut current = self.tokens();
        if let Some(t) = current.take_if(|t| !force && t.is_fresh(now, leeway)) {
            return Ok(t);
        }
        let mut log = RotationLog::default();
        if cross_tab {
            if let Some(refresh_token) = current.as_ref().and_then(|t| t.refresh_token.as_ref()) {
                let fingerprint = rotation::fingerprint(refresh_token.expose());
                let key = self.rotation_key();
                log = self.io.idb_get(&key).map(RotationLog::decode).unwrap_or_default();
                match log.lookup(&fingerprint, now) {
                    Lookup::Unspent => {}
                    Lookup::Adopt(record) => {
                        if let Some(adopted) = TokenSet::decode(record) {
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
            #[cfg(feature = "confidential")]
            GrantType::ClientCredentials => Grant::ClientCredentials,
            GrantType::AuthorizationCode => match current.as_ref().and_then(|t| t.refresh_token.as_ref()) {
                Some(refresh_token) => Grant::RefreshToken { refresh_token },
                None => return Err(AuthError::new(codes::LOGIN_REQUIRED, "the access token expired and there is no refresh token")),
            },
        };
        let endpoint = self.endpoint(&self.config.token_endpoint, "token_endpoint")?;
        let response = self.send_token_request(token::token_request(self.config, &endpoint, grant))?;
        let now = self.io.now();
        let fresh = match token::parse_token_response(response.status, response.body, now) {
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
                        self.check_id_token(id_token.expose(), None, previous_claims.as_ref(), now)?;
                        self.check_signature(id_token.expose())?;
                    }
                }
                fresh.carry_over(old)
            }
            _ => fresh,
        };
        self.save(&fresh);
        if let (true, Some(spent)) = (cross_tab, spent) {
            let next = fresh.refresh_token.as_ref().map(|rt| rotation::fingerprint(rt.expose()));
            log.record(spent, fresh.encode(), next, now);
            let key = self.rotation_key();
            self.io.idb_put(&key, &log.encode(now));
            // The successor may be adopted for ADOPT_TTL_SECS; then it must leave IndexedDB
            // even if no tab renews again while this page is open.
            self.io.later(((rotation::ADOPT_TTL_SECS + 1) * 1000) as u32, "prune");
        }
        Ok(fresh)
    }

    /// Rewrites the client's rotation log under the refresh lock; encoding drops successors
    /// past their adoption window, leaving only fingerprints.
    pub fn prune_rotation_log(&mut self) {
        let (lock, key) = (self.lock_name(), self.rotation_key());
        self.io.lock(&lock);
        if let Some(text) = self.io.idb_get(&key) {
            let now = self.io.now();
            self.io.idb_put(&key, &RotationLog::decode(text).encode(now));
        }
    }

    /// Forgets the local tokens; then, as asked, revokes (RFC 7009) and ends the provider
    /// session (RP-initiated logout, navigating away).
    pub fn sign_out(&mut self, options: options::SignOut) -> R<()> {
        let tokens = self.tokens();
        self.clear();
        if self.shares_tokens_across_tabs() {
            let key = self.rotation_key();
            self.io.idb_delete(&key);
        }
        #[cfg(feature = "dpop")]
        if self.config.dpop {
            self.dpop_forget();
        }
        if options.revoke {
            if let Some(t) = &tokens {
                let (token, hint) = match &t.refresh_token {
                    Some(rt) => (rt, "refresh_token"),
                    None => (&t.access_token, "access_token"),
                };
                let endpoint = self.endpoint(&self.config.revocation_endpoint, "revocation_endpoint")?;
                let response = self.send(&token::revocation_request(self.config, &endpoint, token, hint))?;
                if !ok(response.status) {
                    return Err(error::from_error_response(response.status, response.body));
                }
            }
        }
        if options.end_session {
            let endpoint = self.endpoint(&self.config.end_session_endpoint, "end_session_endpoint")?;
            let state = self.io.random()?;
            let id_token = tokens.as_ref().and_then(|t| t.id_token.as_ref()).map(|t| t.expose());
            let url = authorize::end_session_url(
                &endpoint,
                &self.config.client_id,
                id_token,
                options.post_logout_redirect_uri.as_deref(),
                Some(&state),
            );
            self.navigate(&url)?;
        }
        Ok(())
    }

    pub fn navigate(&mut self, url: &str) -> R<()> {
        if self.io.assign(url) {
            Ok(())
        } else {
            Err(AuthError::config("navigation needs window.location: use createSignInUrl outside a page"))
        }
    }

    /// True while tokens are stored and the access token is valid or a refresh token is there.
    pub fn is_authenticated(&mut self) -> bool {
        let tokens = self.tokens();
        let now = self.io.now();
        tokens.is_some_and(|t| t.refresh_token.is_some() || t.is_fresh(now, 0))
    }

    /// ID token claims as JSON text (the payload as decoded), when there is a decodable ID token.
    pub fn user_claims(&mut self) -> Option<String> {
        let id_token = self.tokens().and_then(|t| t.id_token);
        id_token.and_then(|t| jwt::decode_payload(t.expose()))
    }
}

/// Runs the flow `op` with `args`; the result is JSON text.
pub fn dispatch(flow: &mut Flow<'_, '_>, op: &str, args: &Value) -> R<String> {
    let null = || String::from("null");
    match op {
        "createSignInUrl" | "signIn" => {
            let url = flow.create_sign_in_url(options::sign_in(args)?)?;
            if op == "signIn" {
                flow.navigate(&url)?;
                return Ok(null());
            }
            let mut out = String::new();
            json::write_string(&mut out, &url);
            Ok(out)
        }
        "handleCallback" => {
            let url = args.get("url").and_then(Value::as_str);
            let (tokens, app_state) = flow.handle_callback(url)?;
            let mut w = ObjectWriter::new();
            w.raw("tokens", &token_set_json(&tokens));
            // appState was stored as JSON text; stored data that no longer parses is dropped.
            if let Some(state) = app_state.filter(|s| json::parse(s).is_some()) {
                w.raw("appState", &state);
            }
            Ok(w.finish())
        }
        "getToken" => {
            let (token, until) = flow.get_token(options::min_validity(args)?)?;
            let mut w = ObjectWriter::new();
            w.string("token", &token);
            if let Some(until) = until {
                w.integer("until", until as i64);
            }
            Ok(w.finish())
        }
        "renew" => {
            let force = args.get("force").and_then(Value::as_bool).unwrap_or(false);
            let leeway = args.get("leeway").and_then(Value::as_u64).unwrap_or(0);
            let tokens = flow.renew(force, leeway)?;
            let mut out = String::new();
            json::write_string(&mut out, &tokens.encode());
            Ok(out)
        }
        "refresh" => Ok(token_set_json(&flow.io.renew(true, 0)?)),
        "signOut" => {
            flow.sign_out(options::sign_out(args)?)?;
            Ok(null())
        }
        #[cfg(feature = "dpop")]
        "generateDpopProof" => super::dpop::generate_proof(flow, args),
        #[cfg(not(feature = "dpop"))]
        "generateDpopProof" => Err(AuthError::config(super::NEEDS_FULL_DPOP_PROOF)),
        "isAuthenticated" => Ok(String::from(if flow.is_authenticated() { "true" } else { "false" })),
        "getTokens" => Ok(flow.tokens().map_or_else(null, |t| token_set_json(&t))),
        "getUser" => Ok(flow.user_claims().unwrap_or_else(null)),
        "prune" => {
            flow.prune_rotation_log();
            Ok(null())
        }
        _ => Err(AuthError::config("unknown operation")),
    }
}
