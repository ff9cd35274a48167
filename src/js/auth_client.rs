//! The `AuthClient` class. Each method hands the JS values to `read_config`, runs the flow
//! in `crate::client`, and converts the result.

use crate::prelude::*;

use super::{convert, error, read_config};
use crate::client::Client;
use crate::protocol::AuthError;
use js_sys::Promise;
use core::future::Future;
use core::pin::Pin;
use alloc::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

/// The work of one API call, boxed so `future_to_promise` is instantiated once for all calls
/// (each instantiation costs kilobytes of wasm).
type Work = Pin<Box<dyn Future<Output = Result<JsValue, AuthError>>>>;

/// A Promise settled by `work`: resolved with its value or rejected with an `AuthError`.
pub(super) fn promise(work: impl Future<Output = Result<JsValue, AuthError>> + 'static) -> Promise {
    settle(Box::pin(work))
}

fn settle(work: Work) -> Promise {
    future_to_promise(async move { work.await.map_err(|e| error::to_js(&e)) })
}

/// A Promise rejected with `error` (the free functions reject where the constructor throws).
pub(super) fn rejected(error: AuthError) -> Promise {
    Promise::reject(&error::to_js(&error))
}

// Exported items carry `//` comments and `skip_jsdoc`: wasm-bindgen would copy `///` docs and
// generated JSDoc into the shipped JS glue (0.6 KB gzip), and the package's hand-written
// wasm_oauth.d.ts documents the API.
// An OAuth client for one `AuthConfig` (API.md).
#[wasm_bindgen]
pub struct AuthClient {
    client: Rc<Client>,
}

impl AuthClient {
    pub(super) fn from_config(config: &JsValue) -> Result<AuthClient, AuthError> {
        Ok(AuthClient { client: Rc::new(Client::new(read_config::config(config)?)) })
    }
}

#[wasm_bindgen]
impl AuthClient {
    // Validates the config synchronously; throws an `AuthError` `invalid_config`.
    #[wasm_bindgen(constructor, skip_jsdoc)]
    pub fn new(config: JsValue) -> Result<AuthClient, JsValue> {
        AuthClient::from_config(&config).map_err(|e| error::to_js(&e))
    }

    // Stores a sign-in transaction, then navigates to the authorization endpoint.
    #[wasm_bindgen(js_name = signIn, skip_jsdoc)]
    pub fn sign_in(&self, options: JsValue) -> Promise {
        let client = self.client.clone();
        promise(async move {
            client.sign_in(read_config::sign_in_options(&options)?).await?;
            Ok(JsValue::UNDEFINED)
        })
    }

    // Like `signIn`, but returns the URL instead of navigating.
    #[wasm_bindgen(js_name = createSignInUrl, skip_jsdoc)]
    pub fn create_sign_in_url(&self, options: JsValue) -> Promise {
        let client = self.client.clone();
        promise(async move {
            let url = client.create_sign_in_url(read_config::sign_in_options(&options)?).await?;
            Ok(JsValue::from_str(&url))
        })
    }

    // Completes the sign-in from the callback URL (default: `window.location.href`).
    #[wasm_bindgen(js_name = handleCallback, skip_jsdoc)]
    pub fn handle_callback(&self, url: JsValue) -> Promise {
        let client = self.client.clone();
        promise(async move {
            let (tokens, app_state) = client.handle_callback(read_config::callback_url(&url)).await?;
            Ok(convert::callback_result(&tokens, app_state.as_deref()))
        })
    }

    // A valid access token, refreshed when needed (one refresh for all concurrent callers).
    #[wasm_bindgen(js_name = getToken, skip_jsdoc)]
    pub fn get_token(&self, options: JsValue) -> Promise {
        // A valid stored token resolves at once, without the async machinery.
        if let Ok(min_validity) = read_config::min_validity(&options) {
            let leeway = min_validity.unwrap_or(self.client.config.expiry_leeway);
            if let Some(token) = self.client.fresh_access_token(leeway) {
                return Promise::resolve(&token);
            }
        }
        let client = self.client.clone();
        promise(async move {
            let token = client.get_token(read_config::min_validity(&options)?).await?;
            Ok(JsValue::from_str(&token))
        })
    }

    // Always asks the server for new tokens.
    #[wasm_bindgen(skip_jsdoc)]
    pub fn refresh(&self) -> Promise {
        let client = self.client.clone();
        promise(async move { Ok(convert::token_set(&client.refresh().await?)) })
    }

    // Forgets local tokens; `{revoke, endSession, postLogoutRedirectUri}` do more.
    #[wasm_bindgen(js_name = signOut, skip_jsdoc)]
    pub fn sign_out(&self, options: JsValue) -> Promise {
        let client = self.client.clone();
        promise(async move {
            client.sign_out(read_config::sign_out_options(&options)?).await?;
            Ok(JsValue::UNDEFINED)
        })
    }

    // A DPoP proof for an API call: `{ url, method, nonce?, accessToken? }` (the stored
    // access token by default, for `ath`). Needs `dpop: true`.
    #[wasm_bindgen(js_name = generateDpopProof, skip_jsdoc)]
    pub fn generate_dpop_proof(&self, options: JsValue) -> Promise {
        let client = self.client.clone();
        promise(async move {
            if !client.config.dpop {
                return Err(AuthError::config("generateDpopProof needs dpop: true"));
            }
            let (url, method, nonce, access_token) = read_config::dpop_proof_options(&options)?;
            let access_token = access_token.or_else(|| client.tokens().map(|t| t.access_token.expose().to_owned()));
            Ok(JsValue::from_str(&client.dpop_proof(&method, &url, nonce.as_deref(), access_token.as_deref()).await?))
        })
    }

    // True while tokens are stored and the access token is valid or can be refreshed.
    #[wasm_bindgen(js_name = isAuthenticated, skip_jsdoc)]
    pub fn is_authenticated(&self) -> bool {
        self.client.is_authenticated()
    }

    // The stored `TokenSet`, or `null`.
    #[wasm_bindgen(js_name = getTokens, skip_jsdoc)]
    pub fn get_tokens(&self) -> JsValue {
        self.client.tokens().map_or(JsValue::NULL, |t| convert::token_set(&t))
    }

    // The ID token's claims, or `null`.
    #[wasm_bindgen(js_name = getUser, skip_jsdoc)]
    pub fn get_user(&self) -> JsValue {
        convert::parse_json(self.client.user_claims())
    }
}
