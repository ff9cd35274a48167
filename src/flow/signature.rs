//! The opt-in ID token signature check in the flows, feature `id-token-signature`: the issuer's
//! JWK Set (fetched once per page, again when no key fits) and the `verify` effect. Without the
//! feature (the npm package's core entry) a config with `verifyIdTokenSignature: true` is
//! refused up front (`compiled_out` in `flow/mod.rs`).

use super::io::{effect, Io, R};
use super::ops::{get_json, ok, Flow};
use crate::protocol::encoding::base64url_encode;
use crate::protocol::error::{self, codes};
use crate::protocol::json::ObjectWriter;
use crate::protocol::jwks::{self, Prepared};
use crate::protocol::AuthError;

/// Page cache name of the JWK Set (see [`Io::cache_get`]).
const JWKS: &str = "jwks";

impl Io<'_> {
    /// WebCrypto's verdict on a prepared signature check (see [`verdict`]).
    pub fn verify(&mut self, p: &Prepared) -> R<()> {
        verdict(self.perform(verify_effect(p)).as_bool())
    }
}

impl<'io> Flow<'_, 'io> {
    /// Checks the ID token's signature (RS256, PS256, ES256) against the issuer's JWK Set:
    /// fetched once per page, and once more when no key fits (the issuer may have rotated its
    /// keys).
    pub(super) fn verify_signature(&mut self, id_token: &str) -> R<()> {
        let cached = self.jwks(false)?;
        let prepared = match jwks::prepare(id_token, cached) {
            Ok(prepared) => prepared,
            Err(_) => jwks::prepare(id_token, self.jwks(true)?)?,
        };
        self.io.verify(&prepared)
    }

    fn jwks(&mut self, refetch: bool) -> R<&'io str> {
        if !refetch {
            if let Some(cached) = self.io.cache_get(JWKS) {
                return Ok(cached);
            }
        }
        let url = self.endpoint(&self.config.jwks_uri, "jwks_uri")?;
        let response = self.send(&get_json(url))?;
        if !ok(response.status) {
            return Err(error::from_error_response(response.status, response.body));
        }
        self.io.cache_set(JWKS, response.body);
        Ok(response.body)
    }
}

/// The `verify` effect for a prepared signature check: the public JWK, WebCrypto's import and
/// verify parameters, the signature (base64url) and the signed text.
pub fn verify_effect(p: &Prepared) -> ObjectWriter {
    let members = |pairs: &[(&str, &str)], salt: Option<u32>| {
        let mut o = ObjectWriter::new();
        for (k, v) in pairs {
            o.string(k, v);
        }
        if let Some(salt) = salt {
            o.integer("saltLength", i64::from(salt));
        }
        o.finish()
    };
    let (verify, salt) = p.alg.verify_params();
    let mut w = effect("verify");
    w.raw("jwk", &p.jwk_json)
        .raw("import", &members(p.alg.import_params(), None))
        .raw("params", &members(verify, salt))
        .string("signature", &base64url_encode(&p.signature))
        .string("data", &p.signing_input);
    w
}

/// A `verify` result as the flows see it: `true` passes; `false` (or a key WebCrypto refuses)
/// is `id_token_invalid`; `None`: no WebCrypto.
pub fn verdict(result: Option<bool>) -> R<()> {
    match result {
        Some(true) => Ok(()),
        Some(false) => Err(AuthError::new(codes::ID_TOKEN_INVALID, "the ID token's signature does not verify with the issuer's key")),
        None => Err(AuthError::config("verifying ID token signatures needs WebCrypto (crypto.subtle)")),
    }
}
