//! HTTP through the global `fetch`, with a timeout from `AbortSignal.timeout`.

use crate::prelude::*;

use crate::protocol::token::HttpRequest;
use js_sys::{Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use super::global::{call, object};
use web_sys::{AbortSignal, Headers, Request};

#[wasm_bindgen]
extern "C" {
    /// The global `fetch` (window, worker or Node), not `window.fetch`.
    #[wasm_bindgen(js_name = fetch)]
    fn fetch_with_request(request: &Request) -> Promise;
}

/// An answer: status, body text, and the headers the protocol reads.
pub struct HttpResponse {
    pub status: u16,
    pub body: String,
    /// RFC 9449 `DPoP-Nonce`, when sent.
    pub dpop_nonce: Option<String>,
}

/// Sends `request`, reading the whole body within `timeout_ms`. Failures are the kinds of
/// the `fetch` effect (`crate::flow::io`): `timeout`, `network` (offline, DNS, CORS refusal,
/// reset), `header`, `url`; HTTP statuses are answers, not failures.
pub async fn send(request: &HttpRequest, timeout_ms: u32, include_credentials: bool) -> Result<HttpResponse, &'static str> {
    let headers = Headers::new().map_err(|_| "network")?;
    for (name, value) in &request.headers {
        headers.set(name, value).map_err(|_| "header")?;
    }
    // The RequestInit as a plain object, and the Response read through Reflect: each typed
    // web-sys setter or getter is one more import with its JS glue.
    let init = object(&[
        ("method", request.method.into()),
        ("headers", headers.into()),
        ("signal", AbortSignal::timeout_with_u32(timeout_ms).into()),
    ]);
    if let Some(body) = &request.body {
        let _ = Reflect::set(&init, &"body".into(), &JsValue::from_str(body));
    }
    if include_credentials {
        let _ = Reflect::set(&init, &"credentials".into(), &"include".into());
    }
    let req = Request::new_with_str_and_init(&request.url, init.unchecked_ref()).map_err(|_| "url")?;

    let response = JsFuture::from(fetch_with_request(&req)).await.map_err(|e| failure(&e))?;
    let text = call(&response, "text", &[]).map_err(|e| failure(&e))?;
    let body = JsFuture::from(Promise::from(text)).await.map_err(|e| failure(&e))?.as_string().unwrap_or_default();
    let status = Reflect::get(&response, &"status".into()).ok().and_then(|s| s.as_f64()).unwrap_or(0.0) as u16;
    let dpop_nonce = Reflect::get(&response, &"headers".into())
        .and_then(|h| call(&h, "get", &[&"dpop-nonce".into()]))
        .ok()
        .and_then(|n| n.as_string());
    Ok(HttpResponse { status, body, dpop_nonce })
}


/// `AbortSignal.timeout` rejects with a DOMException named `TimeoutError`; anything else is
/// the network's fault.
fn failure(error: &JsValue) -> &'static str {
    let name = Reflect::get(error, &JsValue::from_str("name")).ok().and_then(|n| n.as_string());
    if name.as_deref() == Some("TimeoutError") { "timeout" } else { "network" }
}
