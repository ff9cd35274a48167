//! Signing users in from a Rust front end (Yew, Leptos, Dioxus, or plain wasm-bindgen) with
//! wasm-oauth's Rust API: the same flows as the npm package's `AuthClient`, without going
//! through JavaScript.
//!
//! ```text
//! cargo check --target wasm32-unknown-unknown --examples
//! ```
//!
//! The pieces, in the order an app uses them:
//!
//! 1. [`auth`]: a [`Client`] from a [`ConfigInput`] resolved for this page ([`Runtime`]).
//!    Clients are cheap; every client with the same `client_id` and issuer shares the stored
//!    tokens and the in-flight refresh, so building one per component or per call is fine.
//! 2. [`on_start`]: when the page is the redirect URI and the address bar carries a callback,
//!    [`Client::handle_callback`] exchanges the code and cleans the address bar.
//! 3. [`sign_in`]: [`Client::sign_in`] stores a transaction and leaves the page for the
//!    authorization server (an `on:click` handler in Leptos, `onclick` in Yew and Dioxus).
//! 4. [`call_api`]: [`Client::get_token`] gives a valid access token, refreshed when needed.
//! 5. [`sign_out`]: [`Client::sign_out`].
//!
//! Futures are `!Send` (they hold JS values): run them with
//! `wasm_bindgen_futures::spawn_local`, Leptos' `spawn_local` / `LocalResource`, Yew's
//! `spawn_local` / `use_future`, or Dioxus' `spawn` / `use_resource`.
//!
//! [`Client`]: wasm_oauth::client::Client
//! [`ConfigInput`]: wasm_oauth::protocol::config::ConfigInput
//! [`Runtime`]: wasm_oauth::protocol::config::Runtime
//! [`Client::handle_callback`]: wasm_oauth::client::Client::handle_callback
//! [`Client::sign_in`]: wasm_oauth::client::Client::sign_in
//! [`Client::get_token`]: wasm_oauth::client::Client::get_token
//! [`Client::sign_out`]: wasm_oauth::client::Client::sign_out

#[cfg(target_arch = "wasm32")]
pub use app::*;

#[cfg(target_arch = "wasm32")]
mod app {
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::{spawn_local, JsFuture};
    use wasm_oauth::client::{Client, SignIn, SignOut};
    use wasm_oauth::protocol::config::ConfigInput;
    use wasm_oauth::protocol::error::codes;
    use wasm_oauth::protocol::{callback, json, AuthError};
    use wasm_oauth::web::{global, location};

    const ISSUER: &str = "https://id.example.com";
    const CLIENT_ID: &str = "my-spa";

    /// The page's client. `resolve` validates the config like `new AuthClient(config)` does
    /// (an `invalid_config` error names the key at fault) and applies the defaults.
    pub fn auth() -> Result<Client, AuthError> {
        let redirect_uri = location::href()
            .map(|href| href.split(['?', '#']).next().unwrap_or_default().to_owned())
            .ok_or_else(|| AuthError::config("no window.location: not running in a page"))?;
        Client::from_input(ConfigInput {
            issuer: Some(ISSUER.into()),
            client_id: Some(CLIENT_ID.into()),
            redirect_uri: Some(redirect_uri),
            scope: Some("openid profile email offline_access".into()),
            storage: Some("session".into()),
            ..ConfigInput::default()
        })
    }

    /// Who is signed in, from the ID token's claims (`None` when signed out).
    pub fn user_name(client: &Client) -> Option<String> {
        let claims = json::parse(&client.user_claims()?)?;
        let name = claims.get("name").or_else(|| claims.get("sub"))?;
        name.as_str().map(str::to_owned)
    }

    /// At start-up: completes a sign-in when the address bar holds a callback, and returns the
    /// `app_state` given to [`sign_in`] (JSON text), e.g. where to go next.
    pub async fn on_start() -> Result<Option<String>, AuthError> {
        let client = auth()?;
        // The protocol module reads URLs without I/O: is this an authorization response?
        let is_callback = location::href()
            .and_then(|href| callback::parse_callback(&href).ok())
            .is_some_and(|p| p.state.is_some() && (p.code.is_some() || p.error.is_some()));
        if !is_callback {
            return Ok(None);
        }
        // `None`: read `window.location`, and strip the response parameters from it.
        let (tokens, app_state) = client.handle_callback(None).await?;
        debug_assert!(!tokens.access_token.expose().is_empty());
        Ok(app_state)
    }

    /// The sign-in button: stores a transaction, then navigates to the authorization server.
    pub fn sign_in(return_to: &str) {
        spawn_local({
            let app_state = json::Value::Object(vec![("returnTo".into(), json::Value::String(return_to.into()))]).to_json();
            async move {
                let result = match auth() {
                    Ok(client) => {
                        let options = SignIn {
                            app_state: Some(app_state),
                            extra_params: vec![("prompt".into(), "consent".into())],
                            ..SignIn::default()
                        };
                        client.sign_in(options).await
                    }
                    Err(e) => Err(e),
                };
                if let Err(e) = result {
                    report(&e);
                }
            }
        });
    }

    /// An API call with a valid access token. `login_required` means: sign in again.
    pub async fn call_api(url: &str) -> Result<JsValue, AuthError> {
        let client = auth()?;
        let token = client.get_token(None).await?;
        let init = web_sys::RequestInit::new();
        let headers = web_sys::Headers::new().map_err(|_| network_error())?;
        headers.set("Authorization", &["Bearer ", &token].concat()).map_err(|_| network_error())?;
        init.set_headers(&headers);
        let request = web_sys::Request::new_with_str_and_init(url, &init).map_err(|_| network_error())?;
        let window: web_sys::Window = js_sys::global().unchecked_into();
        let response: web_sys::Response = JsFuture::from(window.fetch_with_request(&request))
            .await
            .map_err(|_| network_error())?
            .unchecked_into();
        JsFuture::from(response.json().map_err(|_| network_error())?).await.map_err(|_| network_error())
    }

    /// Signs out locally and revokes the refresh token at the server.
    pub async fn sign_out() -> Result<(), AuthError> {
        auth()?.sign_out(SignOut { revoke: true, ..SignOut::default() }).await
    }

    fn network_error() -> AuthError {
        AuthError::new(codes::NETWORK_ERROR, "the API request failed")
    }

    /// Where an app would show the error; `login_required` typically becomes a sign-in button.
    fn report(error: &AuthError) {
        let text = [&*error.code, ": ", error.description.as_deref().unwrap_or("")].concat();
        if let Some(console) = global::get("console") {
            let _ = global::call(&console, "error", &[&JsValue::from_str(&text)]);
        }
    }

    /// What an app's root component does once, e.g. in a Leptos `Effect` or a Yew
    /// `use_effect_with((), ...)`: handle a callback, then read the token for an API call.
    pub fn start() {
        spawn_local(async {
            let result = async {
                let app_state = on_start().await?;
                let client = auth()?;
                if client.is_authenticated() {
                    let _me = call_api(&[ISSUER, "/userinfo"].concat()).await?;
                    let _name = user_name(&client);
                }
                Ok::<_, AuthError>(app_state)
            }
            .await;
            match result {
                Ok(_app_state) => {}
                Err(e) if e.code == codes::LOGIN_REQUIRED => sign_in("/"),
                Err(e) => report(&e),
            }
        });
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {
    start();
}

/// The example is for `wasm32-unknown-unknown`; on the host (`cargo test` builds examples)
/// there is nothing to run.
#[cfg(not(target_arch = "wasm32"))]
fn main() {}
