//! A server-side token source in Rust compiled to wasm32 (an edge function, a worker, a
//! wasm-bindgen module loaded by Node): a confidential client using the client credentials
//! grant. There is no page: no `document` (so a secret is allowed) and no Web Storage (so the
//! token is cached in memory). Needs the crate feature `confidential` (a default feature):
//! without it `resolve` refuses `client_credentials` and the secret with `invalid_config`.
//!
//! ```text
//! cargo check --target wasm32-unknown-unknown --examples
//! ```

#[cfg(target_arch = "wasm32")]
pub use source::*;

#[cfg(target_arch = "wasm32")]
mod source {
    use wasm_oauth::client::Client;
    use wasm_oauth::protocol::config::ConfigInput;
    use wasm_oauth::protocol::{AuthError, Secret};

    /// A client for `token_endpoint`. `resolve` refuses a `client_secret` where there is a
    /// `document` unless `dangerously_allow_secrets_in_browser` is set.
    pub fn token_source(token_endpoint: &str, client_id: &str, client_secret: &str) -> Result<Client, AuthError> {
        Client::from_input(ConfigInput {
            grant_type: Some("client_credentials".into()),
            token_endpoint: Some(token_endpoint.into()),
            client_id: Some(client_id.into()),
            client_secret: Some(Secret::new(client_secret)),
            client_auth_method: Some("client_secret_basic".into()),
            scope: Some("reports:read".into()),
            ..ConfigInput::default()
        })
    }

    /// A valid access token: cached until 60 s (the default leeway) before it expires, then
    /// renewed once however many callers wait for it.
    pub async fn bearer(client: &Client) -> Result<String, AuthError> {
        let token = client.get_token(None).await?;
        Ok(["Bearer ", &token].concat())
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {
    wasm_bindgen_futures::spawn_local(async {
        if let Ok(client) = token_source("https://id.example.com/oauth/token", "reporting-job", "from-the-environment") {
            let _ = bearer(&client).await;
        }
    });
}

/// The example is for `wasm32-unknown-unknown`; on the host there is nothing to run.
#[cfg(not(target_arch = "wasm32"))]
fn main() {}
