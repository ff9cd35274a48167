//! Token requests (RFC 6749 §4.1.3, §6, §4.4) as plain values, token answers normalised into a
//! `TokenSet`, and the stored form of a `TokenSet`.

use crate::prelude::*;

use crate::protocol::config::{Config, Encoding, ParamValue};
use crate::protocol::encoding::push_form_encoded;
use crate::protocol::error::{self, codes};
use crate::protocol::json::{self, ObjectWriter, Value, MAX_SAFE_INTEGER};
use crate::protocol::{concat, jwt, AuthError, Secret};
use alloc::borrow::Cow;

/// An HTTP request for the fetch adapter to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: &'static str,
    pub url: String,
    /// Includes `Content-Type` when there is a body, `Accept: application/json`, the
    /// configured `tokenRequestHeaders`, and `Authorization` for Basic/API-key auth.
    /// `Debug` of a request is never logged: it may hold secrets.
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

/// Which grant a token request makes.
#[derive(Debug)]
pub enum Grant<'a> {
    AuthorizationCode { code: &'a Secret, verifier: &'a Secret, redirect_uri: &'a str },
    RefreshToken { refresh_token: &'a Secret },
    #[cfg(feature = "confidential")]
    ClientCredentials,
}

/// Builds the token request. Body fields: `grant_type`, the grant's fields, `client_id`
/// (always, except with `client_secret_basic`), `client_secret` (client_secret_post),
/// `resource` (each value; JSON: string or array as configured), `audience` and `scope` for
/// client credentials only when configured, then `extraTokenParams`. Form or JSON per
/// `config.encoding`. Headers: `Authorization: Basic base64(urlenc(id):urlenc(secret))` for
/// client_secret_basic, `Authorization: Basic <apiKey>` verbatim for an API key.
///
/// Details: the grant's fields are `code`, `redirect_uri`, `code_verifier` (authorization
/// code) or `refresh_token` (refresh; no `scope`, so the grant keeps the original scope). With
/// an API key `client_id` stays out of the body too: such providers (Basiq) identify the client
/// by the key and expect only `scope` (and e.g. `userId` through `extraTokenParams`).
/// `tokenRequestHeaders` come last; one named like a header set here (case-insensitively)
/// replaces it.
pub fn token_request(config: &Config, endpoint: &str, grant: Grant<'_>) -> HttpRequest {
    let mut params: Vec<(&str, Param<'_>)> = Vec::with_capacity(12);
    match &grant {
        Grant::AuthorizationCode { code, verifier, redirect_uri } => {
            params.push(("grant_type", Param::One("authorization_code")));
            params.push(("code", Param::One(code.expose())));
            params.push(("redirect_uri", Param::One(redirect_uri)));
            params.push(("code_verifier", Param::One(verifier.expose())));
        }
        Grant::RefreshToken { refresh_token } => {
            params.push(("grant_type", Param::One("refresh_token")));
            params.push(("refresh_token", Param::One(refresh_token.expose())));
        }
        #[cfg(feature = "confidential")]
        Grant::ClientCredentials => params.push(("grant_type", Param::One("client_credentials"))),
    }
    push_client_auth(config, &mut params);
    if let Some(resource) = &config.resource {
        params.push(("resource", Param::from(resource)));
    }
    #[cfg(feature = "confidential")]
    if let Grant::ClientCredentials = grant {
        if let Some(audience) = &config.audience {
            params.push(("audience", Param::One(audience)));
        }
        if let Some(scope) = &config.scope {
            params.push(("scope", Param::One(scope)));
        }
    }
    for (k, v) in &config.extra_token_params {
        params.push((k, Param::from(v)));
    }
    let body = match config.encoding {
        Encoding::Form => form(&params),
        Encoding::Json => json_body(&params),
    };
    HttpRequest {
        method: "POST",
        url: String::from(endpoint),
        headers: headers(config, config.encoding),
        body: Some(body),
    }
}

/// An RFC 7009 revocation request for `token` (`token_type_hint` given), form-encoded.
///
/// The client authenticates as for token requests (`client_id` in the body for a public client,
/// the secret or API key as configured); `tokenRequestHeaders` are added too.
pub fn revocation_request(config: &Config, endpoint: &str, token: &Secret, hint: &str) -> HttpRequest {
    let mut params: Vec<(&str, Param<'_>)> = Vec::with_capacity(4);
    params.push(("token", Param::One(token.expose())));
    params.push(("token_type_hint", Param::One(hint)));
    push_client_auth(config, &mut params);
    HttpRequest {
        method: "POST",
        url: String::from(endpoint),
        headers: headers(config, Encoding::Form),
        body: Some(form(&params)),
    }
}

/// A body parameter: one value, or several (a repeated key in forms, an array in JSON).
#[derive(Clone, Copy)]
enum Param<'a> {
    One(&'a str),
    Many(&'a [String]),
}

impl<'a> From<&'a ParamValue> for Param<'a> {
    fn from(v: &'a ParamValue) -> Self {
        match v {
            ParamValue::One(s) => Param::One(s),
            ParamValue::Many(values) => Param::Many(values),
        }
    }
}

/// `client_id` (unless the client authenticates by HTTP Basic or an API key) and
/// `client_secret` (client_secret_post): see `crate::protocol::confidential`.
fn push_client_auth<'a>(config: &'a Config, params: &mut Vec<(&'a str, Param<'a>)>) {
    #[cfg(feature = "confidential")]
    use crate::protocol::confidential::{body_secret, sends_client_id};
    // Without confidential clients, always a public one: `client_id` in the body, no secret.
    #[cfg(not(feature = "confidential"))]
    let (sends_client_id, body_secret) = (|_| true, |_| None::<&Secret>);
    if sends_client_id(config) {
        params.push(("client_id", Param::One(&config.client_id)));
    }
    if let Some(secret) = body_secret(config) {
        params.push(("client_secret", Param::One(secret.expose())));
    }
}

fn form(params: &[(&str, Param<'_>)]) -> String {
    let mut out = String::new();
    let mut pair = |k: &str, v: &str| {
        if !out.is_empty() {
            out.push('&');
        }
        push_form_encoded(&mut out, k);
        out.push('=');
        push_form_encoded(&mut out, v);
    };
    for (k, v) in params {
        match v {
            Param::One(v) => pair(k, v),
            Param::Many(values) => values.iter().for_each(|v| pair(k, v)),
        }
    }
    out
}

fn json_body(params: &[(&str, Param<'_>)]) -> String {
    let mut w = ObjectWriter::new();
    for (k, v) in params {
        match v {
            Param::One(v) => w.string(k, v),
            Param::Many(values) => w.strings(k, values),
        };
    }
    w.finish()
}

/// `Content-Type`, `Accept`, client authentication, then the configured headers (which replace
/// a header of the same name).
fn headers(config: &Config, encoding: Encoding) -> Vec<(String, String)> {
    let mut headers: Vec<(String, String)> = Vec::with_capacity(3 + config.token_request_headers.len());
    let content_type = match encoding {
        Encoding::Form => "application/x-www-form-urlencoded",
        Encoding::Json => "application/json",
    };
    headers.push((String::from("Content-Type"), String::from(content_type)));
    headers.push((String::from("Accept"), String::from("application/json")));
    #[cfg(feature = "confidential")]
    crate::protocol::confidential::push_authorization(config, &mut headers);
    for (name, value) in &config.token_request_headers {
        match headers.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
            Some(existing) => existing.1 = value.clone(),
            None => headers.push((name.clone(), value.clone())),
        }
    }
    headers
}

/// Version tag of the stored record; a record with another (or none) is foreign.
const RECORD_VERSION: i64 = 1;

/// The tokens the library holds for a client.
#[derive(Clone, Debug, PartialEq)]
pub struct TokenSet {
    pub access_token: Secret,
    /// As the server said, e.g. `Bearer` or `DPoP`.
    pub token_type: String,
    /// Absolute, Unix seconds.
    pub expires_at: Option<u64>,
    pub refresh_token: Option<Secret>,
    pub id_token: Option<Secret>,
    pub scope: Option<String>,
}

/// Normalises a token-endpoint answer. 2xx: a JSON object with a string `access_token`, else
/// `invalid_response`; `token_type` a string (missing: `Bearer`), `expires_in` a number or
/// numeric string (API.md "Expiry": <= 10^9 a duration from `now`, above an absolute time in
/// seconds, above 10^12 in milliseconds; negative or other types: `invalid_response`), without
/// it the access token's JWT `exp`; `refresh_token`, `id_token`, `scope` strings when present
/// (other types: `invalid_response`). Non-2xx: [`crate::protocol::error::from_error_response`].
///
/// Also: an empty `access_token` is `invalid_response`; `null` counts as absent for the
/// optional members; an empty `refresh_token`, `id_token` or `scope` counts as absent; an empty
/// `token_type` is `Bearer`; `expires_in` may have a fraction (dropped) and surrounding JSON
/// blanks in its string form (which is read as JSON); `expires_in: 0` means expired now; `expires_at` is capped at 2^53 - 1.
pub fn parse_token_response(status: u16, body: &str, now: u64) -> Result<TokenSet, AuthError> {
    if !(200..300).contains(&status) {
        return Err(error::from_error_response(status, body));
    }
    // (Parsed here and borrowed: one drop of the value, not one per early return.)
    token_set(json::parse(body).as_ref(), now).map_err(|description| AuthError {
        code: Cow::Borrowed(codes::INVALID_RESPONSE),
        description: Some(description),
        status: Some(status),
    })
}

/// [`parse_token_response`] of a 2xx answer; the error is the `invalid_response` description.
fn token_set(v: Option<&Value>, now: u64) -> Result<TokenSet, Cow<'static, str>> {
    let v = v.filter(|v| v.as_object().is_some()).ok_or("the token response is not a JSON object")?;
    // A string member; `null` and "" count as absent.
    let text = |key: &'static str| match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_str()).filter(|s| !s.is_empty())),
        Some(_) => Err(Cow::Owned(concat(&["the token response's ", key, " is not a string"]))),
    };
    let access_token = text("access_token")?.ok_or("the token response has no access_token")?;
    let token_type = text("token_type")?.unwrap_or("Bearer");
    let refresh_token = text("refresh_token")?;
    let id_token = text("id_token")?;
    let scope = text("scope")?;
    let expires_at = match v.get("expires_in") {
        None | Some(Value::Null) => jwt::expiry(access_token),
        // The string form is read as JSON too: a number with optional surrounding blanks.
        Some(e) => Some(
            match e {
                Value::String(s) => json::parse(s).and_then(|n| n.as_f64()),
                n => n.as_f64(),
            }
            .and_then(|n| expires_at(n, now))
            .ok_or("the token response's expires_in is not a finite number >= 0")?,
        ),
    };
    Ok(TokenSet {
        access_token: Secret::new(access_token),
        token_type: String::from(token_type),
        expires_at,
        refresh_token: refresh_token.map(Secret::new),
        id_token: id_token.map(Secret::new),
        scope: scope.map(String::from),
    })
}

/// Above this an `expires_in` is an absolute time in seconds (API.md "Expiry").
pub const ABSOLUTE_SECONDS_ABOVE: f64 = 1e9;
/// Above this an `expires_in` is an absolute time in milliseconds.
pub const ABSOLUTE_MILLIS_ABOVE: f64 = 1e12;

/// The absolute expiry for an `expires_in` value (API.md "Expiry"); `None` when negative or
/// not finite.
pub fn expires_at(expires_in: f64, now: u64) -> Option<u64> {
    if !expires_in.is_finite() || expires_in < 0.0 {
        return None;
    }
    let at = if expires_in <= ABSOLUTE_SECONDS_ABOVE {
        now.saturating_add(expires_in as u64)
    } else if expires_in <= ABSOLUTE_MILLIS_ABOVE {
        expires_in as u64
    } else {
        (expires_in / 1000.0) as u64
    };
    Some(at.min(MAX_SAFE_INTEGER))
}

impl TokenSet {
    /// After a refresh: keep the old refresh token (and ID token) when the answer has none.
    ///
    /// The scope is carried over too: an answer without `scope` grants the scope asked for
    /// (RFC 6749 §5.1), which for a refresh is the previous one.
    pub fn carry_over(mut self, previous: &TokenSet) -> TokenSet {
        if self.refresh_token.is_none() {
            self.refresh_token = previous.refresh_token.clone();
        }
        if self.id_token.is_none() {
            self.id_token = previous.id_token.clone();
        }
        if self.scope.is_none() {
            self.scope = previous.scope.clone();
        }
        self
    }

    /// True while the access token is valid for more than `leeway` seconds (a token without
    /// `expires_at` is valid until a request says otherwise).
    pub fn is_fresh(&self, now: u64, leeway: u64) -> bool {
        match self.expires_at {
            None => true,
            Some(at) => at > now.saturating_add(leeway),
        }
    }

    /// The stored record: a JSON object with short keys; never logged.
    ///
    /// `{"v":1,"a":access_token,"t":token_type,"e":expires_at?,"r":refresh_token?,"i":id_token?,"s":scope?}`.
    pub fn encode(&self) -> String {
        let mut w = ObjectWriter::new();
        w.integer("v", RECORD_VERSION).string("a", self.access_token.expose()).string("t", &self.token_type);
        if let Some(e) = self.expires_at {
            w.integer("e", i64::try_from(e.min(MAX_SAFE_INTEGER)).unwrap_or(0));
        }
        if let Some(r) = &self.refresh_token {
            w.string("r", r.expose());
        }
        if let Some(i) = &self.id_token {
            w.string("i", i.expose());
        }
        if let Some(s) = &self.scope {
            w.string("s", s);
        }
        w.finish()
    }

    /// Reads a stored record; `None` for anything corrupted or foreign (counts as signed out).
    ///
    /// Every member must have its type (absent optional members are fine, `null` is not), the
    /// access token must not be empty; members this version doesn't know are ignored.
    pub fn decode(text: &str) -> Option<TokenSet> {
        let v = json::parse(text)?;
        // (Not an object: `get` finds no version.)
        if v.get("v")?.as_f64()? != RECORD_VERSION as f64 {
            return None;
        }
        let expires_at = match v.get("e") {
            None => None,
            Some(e) => Some(e.as_u64()?),
        };
        Some(TokenSet {
            access_token: Secret::new(v.get("a")?.as_str().filter(|a| !a.is_empty())?),
            token_type: String::from(v.get("t")?.as_str()?),
            expires_at,
            refresh_token: v.opt_str("r")?.map(Secret::new),
            id_token: v.opt_str("i")?.map(Secret::new),
            scope: v.opt_str("s")?.map(String::from),
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::protocol::config::tests::{code_flow, BROWSER};
    use crate::protocol::config::ConfigInput;
    use crate::protocol::encoding::tests::Rng;
    use crate::protocol::jwt::tests::jwt;

    const NOW: u64 = 1_700_000_000;
    const TOKEN_URL: &str = "https://auth.example.com/token";

    pub(crate) fn header<'a>(r: &'a HttpRequest, name: &str) -> Option<&'a str> {
        r.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    fn code_grant(config: &Config) -> HttpRequest {
        let code = Secret::new("auth code/+=");
        let verifier = Secret::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        token_request(config, TOKEN_URL, Grant::AuthorizationCode {
            code: &code,
            verifier: &verifier,
            redirect_uri: "https://app.example.com/callback",
        })
    }

    #[test]
    fn authorization_code_request_form() {
        let config = code_flow().resolve(BROWSER).unwrap();
        let r = code_grant(&config);
        assert_eq!(r.method, "POST");
        assert_eq!(r.url, TOKEN_URL);
        assert_eq!(r.body.as_deref(), Some(
            "grant_type=authorization_code&code=auth%20code%2F%2B%3D&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback\
             &code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk&client_id=spa"
        ));
        assert_eq!(r.headers, vec![
            ("Content-Type".to_string(), "application/x-www-form-urlencoded".to_string()),
            ("Accept".to_string(), "application/json".to_string()),
        ]);
    }

    #[test]
    fn authorization_code_request_json_with_resources_and_extras() {
        let config = ConfigInput {
            token_request_encoding: Some("json".into()),
            resource: Some(ParamValue::Many(vec!["https://api.a/".into(), "https://api.b/".into()])),
            extra_token_params: vec![
                ("userId".into(), ParamValue::One("u-1".into())),
                ("tags".into(), ParamValue::Many(vec!["x".into(), "y\"z".into()])),
            ],
            audience: Some("https://api.example.com".into()),
            scope: Some("openid profile".into()),
            ..code_flow()
        }
        .resolve(BROWSER)
        .unwrap();
        let r = code_grant(&config);
        assert_eq!(r.body.as_deref(), Some(concat!(
            r#"{"grant_type":"authorization_code","code":"auth code/+=","redirect_uri":"https://app.example.com/callback","#,
            r#""code_verifier":"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk","client_id":"spa","#,
            r#""resource":["https://api.a/","https://api.b/"],"userId":"u-1","tags":["x","y\"z"]}"#
        )), "no audience or scope on the code grant");
        assert_eq!(header(&r, "Content-Type"), Some("application/json"));
        assert!(json::parse(r.body.as_deref().unwrap()).is_some());
    }

    #[test]
    fn form_repeats_keys_for_arrays() {
        let config = ConfigInput {
            resource: Some(ParamValue::Many(vec!["https://api.a/".into(), "https://api.b/".into()])),
            extra_token_params: vec![("k".into(), ParamValue::Many(vec!["1".into(), "2 3".into()]))],
            ..code_flow()
        }
        .resolve(BROWSER)
        .unwrap();
        let rt = Secret::new("rt-1");
        let r = token_request(&config, TOKEN_URL, Grant::RefreshToken { refresh_token: &rt });
        assert_eq!(r.body.as_deref(), Some(
            "grant_type=refresh_token&refresh_token=rt-1&client_id=spa&resource=https%3A%2F%2Fapi.a%2F\
             &resource=https%3A%2F%2Fapi.b%2F&k=1&k=2%203"
        ));
    }

    #[test]
    fn refresh_request_has_no_scope() {
        let config = ConfigInput { scope: Some("openid offline_access".into()), ..code_flow() }.resolve(BROWSER).unwrap();
        let rt = Secret::new("rt&1");
        let r = token_request(&config, TOKEN_URL, Grant::RefreshToken { refresh_token: &rt });
        assert_eq!(r.body.as_deref(), Some("grant_type=refresh_token&refresh_token=rt%261&client_id=spa"));
        let json = ConfigInput { token_request_encoding: Some("json".into()), ..code_flow() }.resolve(BROWSER).unwrap();
        let r = token_request(&json, TOKEN_URL, Grant::RefreshToken { refresh_token: &rt });
        assert_eq!(r.body.as_deref(), Some(r#"{"grant_type":"refresh_token","refresh_token":"rt&1","client_id":"spa"}"#));
    }

    #[test]
    fn configured_headers_are_added_and_replace_same_named_ones() {
        let config = ConfigInput {
            token_request_headers: vec![("X-Version".into(), "2".into()), ("accept".into(), "application/vnd.x+json".into())],
            ..code_flow()
        }
        .resolve(BROWSER)
        .unwrap();
        let r = code_grant(&config);
        assert_eq!(r.headers, vec![
            ("Content-Type".to_string(), "application/x-www-form-urlencoded".to_string()),
            ("Accept".to_string(), "application/vnd.x+json".to_string()),
            ("X-Version".to_string(), "2".to_string()),
        ]);
    }

    #[test]
    fn basic_preset_sends_json() {
        let config = ConfigInput {
            client_id: Some("basic-app".into()),
            redirect_uri: Some("https://app/cb".into()),
            provider: Some("basic".into()),
            ..ConfigInput::default()
        }
        .resolve(BROWSER)
        .unwrap();
        let r = code_grant(&config);
        assert_eq!(r.url, TOKEN_URL, "the endpoint is the caller's");
        assert_eq!(header(&r, "Content-Type"), Some("application/json"));
        let body = json::parse(r.body.as_deref().unwrap()).unwrap();
        assert_eq!(body.get("client_id").and_then(Value::as_str), Some("basic-app"));
        assert_eq!(body.get("grant_type").and_then(Value::as_str), Some("authorization_code"));
    }

    #[test]
    fn revocation() {
        let config = code_flow().resolve(BROWSER).unwrap();
        let t = Secret::new("rt 1");
        let r = revocation_request(&config, "https://auth.example.com/revoke", &t, "refresh_token");
        assert_eq!(r.url, "https://auth.example.com/revoke");
        assert_eq!(r.body.as_deref(), Some("token=rt%201&token_type_hint=refresh_token&client_id=spa"));
        assert_eq!(header(&r, "Content-Type"), Some("application/x-www-form-urlencoded"));
        // Form-encoded even when token requests use JSON: crate::protocol::confidential's tests.
    }

    // ---- token answers ----

    fn ok(body: &str) -> TokenSet {
        parse_token_response(200, body, NOW).unwrap()
    }

    fn invalid(status: u16, body: &str) -> AuthError {
        let e = parse_token_response(status, body, NOW).unwrap_err();
        assert_eq!(e.code, codes::INVALID_RESPONSE, "{body}");
        assert_eq!(e.status, Some(status));
        e
    }

    #[test]
    fn full_answer() {
        let t = ok(r#"{"access_token":"at-1","token_type":"Bearer","expires_in":3600,"refresh_token":"rt-1","id_token":"h.p.s","scope":"openid profile"}"#);
        assert_eq!(t, TokenSet {
            access_token: Secret::new("at-1"),
            token_type: "Bearer".into(),
            expires_at: Some(NOW + 3600),
            refresh_token: Some(Secret::new("rt-1")),
            id_token: Some(Secret::new("h.p.s")),
            scope: Some("openid profile".into()),
        });
    }

    #[test]
    fn minimal_answer() {
        let t = ok(r#"{"access_token":"opaque"}"#);
        assert_eq!(t.token_type, "Bearer");
        assert_eq!(t.expires_at, None, "no expires_in, not a JWT: no expiry");
        assert!(t.refresh_token.is_none() && t.id_token.is_none() && t.scope.is_none());
        let t = ok(r#"{"access_token":"a","token_type":"DPoP","refresh_token":null,"scope":"","id_token":""}"#);
        assert_eq!(t.token_type, "DPoP");
        assert!(t.refresh_token.is_none() && t.id_token.is_none() && t.scope.is_none());
        assert_eq!(ok(r#"{"access_token":"a","token_type":""}"#).token_type, "Bearer");
        assert_eq!(parse_token_response(201, r#"{"access_token":"a"}"#, NOW).unwrap().access_token.expose(), "a");
    }

    #[test]
    fn expiry_duration() {
        assert_eq!(ok(r#"{"access_token":"a","expires_in":3600}"#).expires_at, Some(NOW + 3600));
        assert_eq!(ok(r#"{"access_token":"a","expires_in":"3600"}"#).expires_at, Some(NOW + 3600));
        assert_eq!(ok(r#"{"access_token":"a","expires_in":" 86400 "}"#).expires_at, Some(NOW + 86400));
        assert_eq!(ok(r#"{"access_token":"a","expires_in":3599.9}"#).expires_at, Some(NOW + 3599));
        assert_eq!(ok(r#"{"access_token":"a","expires_in":0}"#).expires_at, Some(NOW), "0: expired now");
        assert_eq!(ok(r#"{"access_token":"a","expires_in":1000000000}"#).expires_at, Some(NOW + 1_000_000_000),
            "exactly 10^9 is still a duration");
    }

    #[test]
    fn expiry_absolute_seconds() {
        assert_eq!(ok(r#"{"access_token":"a","expires_in":1700003600}"#).expires_at, Some(1_700_003_600));
        assert_eq!(ok(r#"{"access_token":"a","expires_in":1000000001}"#).expires_at, Some(1_000_000_001));
        assert_eq!(ok(r#"{"access_token":"a","expires_in":"1700003600"}"#).expires_at, Some(1_700_003_600));
        assert_eq!(ok(r#"{"access_token":"a","expires_in":1000000000000}"#).expires_at, Some(1_000_000_000_000),
            "exactly 10^12 is still seconds");
    }

    #[test]
    fn expiry_absolute_milliseconds() {
        assert_eq!(ok(r#"{"access_token":"a","expires_in":1700003600000}"#).expires_at, Some(1_700_003_600));
        assert_eq!(ok(r#"{"access_token":"a","expires_in":1700003600999}"#).expires_at, Some(1_700_003_600));
        assert_eq!(ok(r#"{"access_token":"a","expires_in":1e300}"#).expires_at, Some(MAX_SAFE_INTEGER));
    }

    #[test]
    fn expiry_from_jwt_exp() {
        let at = jwt(r#"{"sub":"u","exp":1700007200}"#);
        let body = [r#"{"access_token":""#, &at, r#""}"#].concat();
        assert_eq!(ok(&body).expires_at, Some(1_700_007_200));
        // expires_in wins over exp.
        let body = [r#"{"access_token":""#, &at, r#"","expires_in":60}"#].concat();
        assert_eq!(ok(&body).expires_at, Some(NOW + 60));
        // A JWT without exp: no expiry.
        let body = [r#"{"access_token":""#, &jwt(r#"{"sub":"u"}"#), r#""}"#].concat();
        assert_eq!(ok(&body).expires_at, None);
        let body = [r#"{"access_token":""#, &at, r#"","expires_in":null}"#].concat();
        assert_eq!(ok(&body).expires_at, Some(1_700_007_200));
    }

    #[test]
    fn expires_at_function() {
        assert_eq!(expires_at(10.0, NOW), Some(NOW + 10));
        assert_eq!(expires_at(1e9, u64::MAX), Some(MAX_SAFE_INTEGER));
        assert_eq!(expires_at(-1.0, NOW), None);
        assert_eq!(expires_at(f64::NAN, NOW), None);
        assert_eq!(expires_at(f64::INFINITY, NOW), None);
    }

    #[test]
    fn invalid_answers() {
        invalid(200, "");
        invalid(200, "<html>ok</html>");
        invalid(200, r#"{"access_token":"a""#);
        invalid(200, r#"["access_token"]"#);
        invalid(200, r#""a""#);
        invalid(200, r#"{}"#);
        invalid(200, r#"{"token":"a"}"#);
        invalid(200, r#"{"access_token":""}"#);
        invalid(200, r#"{"access_token":null}"#);
        invalid(200, r#"{"access_token":123}"#);
        invalid(200, r#"{"access_token":{"v":"a"}}"#);
        invalid(200, r#"{"access_token":"a","token_type":5}"#);
        invalid(200, r#"{"access_token":"a","refresh_token":5}"#);
        invalid(200, r#"{"access_token":"a","id_token":{}}"#);
        invalid(200, r#"{"access_token":"a","scope":["a","b"]}"#);
        invalid(200, r#"{"access_token":"a","expires_in":-1}"#);
        invalid(200, r#"{"access_token":"a","expires_in":"-1"}"#);
        invalid(200, r#"{"access_token":"a","expires_in":"soon"}"#);
        invalid(200, r#"{"access_token":"a","expires_in":"0x10"}"#);
        invalid(200, r#"{"access_token":"a","expires_in":true}"#);
        invalid(200, r#"{"access_token":"a","expires_in":[3600]}"#);
        invalid(200, r#"{"access_token":"a","expires_in":1e400}"#);
        invalid(204, "");
    }

    #[test]
    fn invalid_answer_descriptions() {
        let says = |body: &str| invalid(200, body).description.unwrap_or_default();
        assert_eq!(says("<html>ok</html>"), "the token response is not a JSON object");
        assert_eq!(says("[1]"), "the token response is not a JSON object");
        assert_eq!(says(r#"{"token":"a"}"#), "the token response has no access_token");
        assert_eq!(says(r#"{"access_token":""}"#), "the token response has no access_token");
        assert_eq!(says(r#"{"access_token":7}"#), "the token response's access_token is not a string");
        for key in ["token_type", "refresh_token", "id_token", "scope"] {
            let body = [r#"{"access_token":"a",""#, key, r#"":{}}"#].concat();
            assert_eq!(says(&body), ["the token response's ", key, " is not a string"].concat());
        }
        for e in ["-1", r#""-1""#, r#""soon""#, r#""\"5\"""#, "true", "[3600]", "1e400"] {
            let body = [r#"{"access_token":"a","expires_in":"#, e, "}"].concat();
            assert_eq!(says(&body), "the token response's expires_in is not a finite number >= 0", "{e}");
        }
        // The string form allows blanks around the number (read as JSON).
        let t = parse_token_response(200, r#"{"access_token":"a","expires_in":"\t60\n"}"#, NOW).unwrap();
        assert_eq!(t.expires_at, Some(NOW + 60));
    }

    #[test]
    fn error_answers() {
        let e = parse_token_response(400, r#"{"error":"invalid_grant","error_description":"expired"}"#, NOW).unwrap_err();
        assert_eq!((e.code.as_ref(), e.description.as_deref(), e.status), ("invalid_grant", Some("expired"), Some(400)));
        assert!(e.is_definitive());
        let e = parse_token_response(503, "<html>down</html>", NOW).unwrap_err();
        assert_eq!((e.code.as_ref(), e.description.as_deref(), e.status), ("http_error", None, Some(503)));
        let e = parse_token_response(302, "", NOW).unwrap_err();
        assert_eq!((e.code.as_ref(), e.status), ("http_error", Some(302)));
        // An error status with a token-like body is still an error.
        let e = parse_token_response(500, r#"{"access_token":"a"}"#, NOW).unwrap_err();
        assert_eq!(e.code, "http_error");
    }

    #[test]
    fn errors_never_contain_tokens() {
        let body = r#"{"access_token":"SECRET-AT","refresh_token":5,"id_token":"SECRET-ID"}"#;
        let e = parse_token_response(200, body, NOW).unwrap_err();
        let printed = format!("{e:?}");
        assert!(!printed.contains("SECRET"), "{printed}");
    }

    #[test]
    fn debug_of_tokens_and_requests_is_redacted() {
        let t = ok(r#"{"access_token":"SECRET-AT","refresh_token":"SECRET-RT","id_token":"SECRET-ID"}"#);
        let printed = format!("{t:?}");
        assert!(!printed.contains("SECRET"), "{printed}");
        let code = Secret::new("SECRET-CODE");
        let verifier = Secret::new("SECRET-VERIFIER");
        let g = Grant::AuthorizationCode { code: &code, verifier: &verifier, redirect_uri: "https://app/cb" };
        assert!(!format!("{g:?}").contains("SECRET"));
    }

    #[test]
    fn freshness() {
        let t = TokenSet {
            access_token: Secret::new("a"),
            token_type: "Bearer".into(),
            expires_at: Some(NOW + 100),
            refresh_token: None,
            id_token: None,
            scope: None,
        };
        assert!(t.is_fresh(NOW, 0));
        assert!(t.is_fresh(NOW, 99));
        assert!(!t.is_fresh(NOW, 100), "exactly the leeway left counts as expired");
        assert!(!t.is_fresh(NOW + 100, 0));
        assert!(!t.is_fresh(NOW + 1000, 0));
        assert!(!t.is_fresh(u64::MAX, 0));
        assert!(!t.is_fresh(NOW, u64::MAX));
        let forever = TokenSet { expires_at: None, ..t.clone() };
        assert!(forever.is_fresh(u64::MAX, u64::MAX));
        let expired_now = ok(r#"{"access_token":"a","expires_in":0}"#);
        assert!(!expired_now.is_fresh(NOW, 0));
    }

    #[test]
    fn carry_over_after_refresh() {
        let old = ok(r#"{"access_token":"a1","refresh_token":"r1","id_token":"i1","scope":"openid offline_access","expires_in":10}"#);
        let fresh = ok(r#"{"access_token":"a2","expires_in":3600}"#).carry_over(&old);
        assert_eq!(fresh.access_token.expose(), "a2");
        assert_eq!(fresh.refresh_token.as_ref().map(Secret::expose), Some("r1"));
        assert_eq!(fresh.id_token.as_ref().map(Secret::expose), Some("i1"));
        assert_eq!(fresh.scope.as_deref(), Some("openid offline_access"));
        assert_eq!(fresh.expires_at, Some(NOW + 3600));
        let rotated = ok(r#"{"access_token":"a3","refresh_token":"r2","id_token":"i2","scope":"openid"}"#).carry_over(&old);
        assert_eq!(rotated.refresh_token.as_ref().map(Secret::expose), Some("r2"));
        assert_eq!(rotated.id_token.as_ref().map(Secret::expose), Some("i2"));
        assert_eq!(rotated.scope.as_deref(), Some("openid"));
        assert_eq!(rotated.expires_at, None);
    }

    #[test]
    fn stored_record_round_trip() {
        let full = ok(r#"{"access_token":"at\"1","token_type":"Bearer","expires_in":3600,"refresh_token":"rt","id_token":"h.p.s","scope":"openid é"}"#);
        let text = full.encode();
        assert_eq!(text, r#"{"v":1,"a":"at\"1","t":"Bearer","e":1700003600,"r":"rt","i":"h.p.s","s":"openid é"}"#);
        assert_eq!(TokenSet::decode(&text), Some(full));
        let minimal = ok(r#"{"access_token":"at"}"#);
        assert_eq!(minimal.encode(), r#"{"v":1,"a":"at","t":"Bearer"}"#);
        assert_eq!(TokenSet::decode(&minimal.encode()), Some(minimal));
        let far = TokenSet { expires_at: Some(u64::MAX), ..ok(r#"{"access_token":"at"}"#) };
        assert_eq!(TokenSet::decode(&far.encode()).and_then(|t| t.expires_at), Some(MAX_SAFE_INTEGER));
    }

    #[test]
    fn corrupted_records_are_none() {
        let good = ok(r#"{"access_token":"at","expires_in":5,"refresh_token":"rt","id_token":"it","scope":"s"}"#).encode();
        assert!(TokenSet::decode(&good).is_some());
        for text in [
            String::new(),
            "garbage".into(),
            "null".into(),
            "{}".into(),
            "[]".into(),
            r#"{"accessToken":"at","tokenType":"Bearer"}"#.into(),
            good.replace("\"v\":1", "\"v\":0"),
            good.replace("\"v\":1", "\"v\":\"1\""),
            good.replace("\"v\":1,", ""),
            good.replace("\"a\":\"at\"", "\"a\":\"\""),
            good.replace("\"a\":\"at\"", "\"a\":1"),
            good.replace("\"a\":\"at\",", ""),
            good.replace("\"t\":\"Bearer\"", "\"t\":null"),
            good.replace("\"e\":1700000005", "\"e\":-5"),
            good.replace("\"e\":1700000005", "\"e\":1.5"),
            good.replace("\"e\":1700000005", "\"e\":\"1700000005\""),
            good.replace("\"e\":1700000005", "\"e\":1e300"),
            good.replace("\"r\":\"rt\"", "\"r\":null"),
            good.replace("\"i\":\"it\"", "\"i\":[]"),
            good.replace("\"s\":\"s\"", "\"s\":false"),
            good[..good.len() - 2].to_string(),
            good.clone() + " {}",
        ] {
            assert_eq!(TokenSet::decode(&text), None, "{text}");
        }
    }

    #[test]
    fn random_answers_and_records_never_panic() {
        let mut rng = Rng(8080);
        let good = ok(r#"{"access_token":"at","expires_in":5,"refresh_token":"rt","id_token":"it","scope":"s"}"#).encode();
        let answer = r#"{"access_token":"at","token_type":"Bearer","expires_in":"3600","refresh_token":"rt","scope":"s"}"#;
        for _ in 0..10_000 {
            for template in [good.as_str(), answer] {
                let mut bytes = template.as_bytes().to_vec();
                for _ in 0..2 {
                    let i = rng.below(bytes.len());
                    bytes[i] = rng.next() as u8;
                }
                let text = String::from_utf8_lossy(&bytes);
                let _ = TokenSet::decode(&text);
                let status = [200u16, 400, 401, 500, 0, 999][rng.below(6)];
                let now = [0u64, NOW, u64::MAX][rng.below(3)];
                let _ = parse_token_response(status, &text, now);
            }
        }
    }
}
