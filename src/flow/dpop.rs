//! DPoP (RFC 9449) in the flows, feature `dpop`: proofs on token requests with the nonce
//! retry, the `dpopKey`/`dpopSign`/`dpopForget` effects and the `generateDpopProof` op. Without
//! the feature (the npm package's core entry) a config with `dpop: true` is refused up front
//! (`compiled_out` in `flow/mod.rs`).

use crate::prelude::*;

use super::io::{unavailable, with_key, HttpResponse, Io, R};
use super::ops::Flow;
use super::options;
use crate::protocol::dpop::{self, ProofClaims, PublicJwk};
use crate::protocol::encoding::base64url_decode;
use crate::protocol::json::{self, Value};
use crate::protocol::token::HttpRequest;
use crate::protocol::{concat, AuthError};

/// IndexedDB key of a client's DPoP key pair.
const DPOP_KEY_PREFIX: &str = "wasm-oauth:dpop:";
/// Page cache name of the last DPoP nonce (see [`Io::cache_get`]).
const DPOP_NONCE: &str = "dpopNonce";

const NO_CRYPTO: &str = "dpop needs WebCrypto (crypto.subtle) and IndexedDB";

impl Io<'_> {
    /// The public half of the client's non-extractable DPoP key pair (P-256), loaded from
    /// IndexedDB (`key`) or created there.
    pub fn dpop_key(&mut self, key: &str) -> R<PublicJwk> {
        let v = self.perform(with_key("dpopKey", "key", key));
        match (v.get("x").and_then(Value::as_str), v.get("y").and_then(Value::as_str)) {
            (Some(x), Some(y)) => Ok(PublicJwk { x: x.into(), y: y.into() }),
            _ => Err(unavailable(NO_CRYPTO)),
        }
    }

    /// An ES256 signature (raw r‖s) of `input` with the DPoP key `key`.
    pub fn dpop_sign(&mut self, key: &str, input: &str) -> R<Vec<u8>> {
        let mut w = with_key("dpopSign", "key", key);
        w.string("input", input);
        let v = self.perform(w);
        v.as_str().and_then(base64url_decode).ok_or_else(|| unavailable(NO_CRYPTO))
    }

    pub fn dpop_forget(&mut self, key: &str) {
        self.perform(with_key("dpopForget", "key", key));
    }
}

impl<'io> Flow<'_, 'io> {
    /// Sends a token-endpoint request with `dpop`: each attempt carries a fresh proof and a
    /// `use_dpop_nonce` answer is retried once with the nonce it sent (RFC 9449 §8: the
    /// server rejects such a request before it looks at the grant).
    pub(super) fn send_dpop_token_request(&mut self, request: HttpRequest) -> R<HttpResponse<'io>> {
        let mut retried = false;
        loop {
            let nonce = self.io.cache_get(DPOP_NONCE);
            let proof = self.dpop_proof(request.method, &request.url, nonce, None)?;
            let mut signed = request.clone();
            signed.headers.push(("DPoP".into(), proof));
            let response = self.send(&signed)?;
            let fresh_nonce = response.dpop_nonce.is_some() && response.dpop_nonce != nonce;
            if let Some(n) = response.dpop_nonce {
                self.io.cache_set(DPOP_NONCE, n);
            }
            if retried || !fresh_nonce || !dpop::is_use_dpop_nonce(response.status, response.body) {
                return Ok(response);
            }
            retried = true;
        }
    }

    fn dpop_key_name(&self) -> String {
        concat(&[DPOP_KEY_PREFIX, &self.key])
    }

    /// The `dpop_jkt` authorize parameter: binds the authorization code to this client's key
    /// (RFC 9449 §10).
    pub(super) fn dpop_jkt(&mut self) -> R<(String, String)> {
        let name = self.dpop_key_name();
        Ok(("dpop_jkt".into(), self.io.dpop_key(&name)?.thumbprint()))
    }

    /// Forgets the client's DPoP key pair (sign-out).
    pub(super) fn dpop_forget(&mut self) {
        let name = self.dpop_key_name();
        self.io.dpop_forget(&name);
    }

    /// A DPoP proof for `method url`; with an access token it carries `ath`, for API calls.
    pub fn dpop_proof(&mut self, method: &str, url: &str, nonce: Option<&str>, access_token: Option<&str>) -> R<String> {
        let name = self.dpop_key_name();
        let jwk = self.io.dpop_key(&name)?;
        let jti = self.io.random()?;
        let claims = ProofClaims { htm: method, htu: url, iat: self.io.now(), jti: &jti, nonce, access_token };
        let input = dpop::signing_input(&jwk, &claims);
        let signature = self.io.dpop_sign(&name, &input)?;
        Ok(dpop::proof(&input, &signature))
    }
}

/// The `generateDpopProof` op.
pub fn generate_proof(flow: &mut Flow<'_, '_>, args: &Value) -> R<String> {
    if !flow.config.dpop {
        return Err(AuthError::config("generateDpopProof needs dpop: true"));
    }
    let o = options::dpop_proof(args)?;
    let access_token = match o.access_token {
        Some(t) => Some(t),
        None => flow.tokens().map(|t| t.access_token.expose().to_owned()),
    };
    let proof = flow.dpop_proof(&o.method, &o.url, o.nonce.as_deref(), access_token.as_deref())?;
    let mut out = String::new();
    json::write_string(&mut out, &proof);
    Ok(out)
}
