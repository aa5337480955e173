//! The two upstream modes, chosen by configuration: any OAuth 2 provider ([`generic`]) or Enedis
//! Data Connect ([`enedis`]). Nothing an upstream answers is ever shown raw: responses are parsed
//! into known fields and errors into [`UpstreamError`], whose messages are ours.

pub mod enedis;
pub mod generic;

use std::time::Duration;

use serde_json::{Map, Value};

#[derive(Debug, thiserror::Error)]
pub enum UpstreamError {
    #[error("upstream unreachable: {0}")]
    Unreachable(#[source] reqwest::Error),
    #[error("upstream answered {status} on {endpoint}")]
    Unavailable { endpoint: &'static str, status: u16 },
    #[error("upstream quota exceeded on {endpoint}")]
    RateLimited {
        endpoint: &'static str,
        retry_after: Option<Duration>,
    },
    #[error("upstream answered {endpoint} with an unexpected body: {reason}")]
    BadResponse {
        endpoint: &'static str,
        reason: String,
    },
    /// A standard OAuth 2 error from the token endpoint (the code only; descriptions are dropped).
    #[error("upstream OAuth error {0}")]
    OAuth(&'static str),
    #[error("no consent for this usage point (ADAM-DC-0008 or 403)")]
    NoConsent,
    #[error("the customer is not the holder of this usage point (ADAM-DC-0007)")]
    NotHolder,
    #[error("upstream refused the parameters (ADAM-ERR0123)")]
    BadParameters,
    #[error("upstream refused the range (ADAM-ERR0002)")]
    BadRange,
    #[error("the application is not subscribed to this upstream API (900908)")]
    NotSubscribed,
    /// A 5xx from an upstream that says how long to wait, if it does.
    #[error("upstream answered {status} on {endpoint}")]
    Outage {
        endpoint: &'static str,
        status: u16,
        retry_after: Option<Duration>,
    },
    #[error("upstream has no data for this period")]
    NoData,
    #[error("upstream answered in an unknown unit {0:?}")]
    Unit(String),
    #[error("the pacer refused the call: {0}")]
    Pacer(#[from] crate::pacer::PacerError),
    #[error("store: {0}")]
    Store(#[from] crate::store::StoreError),
}

/// The standard OAuth 2 error codes an upstream token endpoint may answer; anything else becomes
/// `server_error`, so no upstream text reaches a device.
pub fn oauth_error_code(body: &Value) -> &'static str {
    const KNOWN: [&str; 7] = [
        "invalid_request",
        "invalid_client",
        "invalid_grant",
        "unauthorized_client",
        "unsupported_grant_type",
        "invalid_scope",
        "access_denied",
    ];
    let code = body
        .get("error")
        .and_then(Value::as_str)
        .unwrap_or_default();
    KNOWN
        .into_iter()
        .find(|k| *k == code)
        .unwrap_or("server_error")
}

/// A token response as the device will get it: a JSON object with at least `access_token`.
pub fn token_object(
    endpoint: &'static str,
    body: Value,
) -> Result<Map<String, Value>, UpstreamError> {
    match body {
        Value::Object(map)
            if map
                .get("access_token")
                .and_then(Value::as_str)
                .is_some_and(|t| !t.is_empty()) =>
        {
            Ok(map)
        }
        _ => Err(UpstreamError::BadResponse {
            endpoint,
            reason: "no access_token in the token response".into(),
        }),
    }
}

pub(crate) fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
}

/// One HTTP client for every upstream call: no redirects followed (an upstream redirect is an
/// error, not something to chase with a secret attached), bounded time.
pub fn http_client() -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30))
        .user_agent(concat!("hearth-proxy/", env!("CARGO_PKG_VERSION")))
        .build()
}
