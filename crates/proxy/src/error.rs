//! The JSON routes' error: the RFC 6749 / 8628 shape `{error, error_description}` with our own
//! words. Internal causes (store, upstream) are logged, never answered.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::store::StoreError;
use crate::upstream::UpstreamError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("invalid_request: {0}")]
    InvalidRequest(&'static str),
    #[error("invalid_client")]
    InvalidClient,
    #[error("invalid_grant")]
    InvalidGrant,
    #[error("unsupported_grant_type")]
    UnsupportedGrantType,
    #[error("authorization_pending")]
    AuthorizationPending,
    #[error("slow_down")]
    SlowDown { interval_secs: u64 },
    #[error("access_denied")]
    AccessDenied,
    #[error("expired_token")]
    ExpiredToken,
    #[error("invalid_token")]
    InvalidToken,
    #[error("not_found")]
    NotFound,
    #[error("rate limited")]
    RateLimited { retry_after_secs: u64 },
    #[error("the proxy is not configured for this yet")]
    NotConfigured,
    /// A `/data/proxy` call refused for a reason the app switches on (see [`Reason`]).
    #[error("data call refused ({reason:?}): {why}")]
    Data {
        reason: Reason,
        why: &'static str,
        retry_after_secs: Option<u64>,
    },
    #[error(transparent)]
    Upstream(#[from] UpstreamError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// An RFC 6749 / RFC 8628 error code (or `no_data_found`, `temporarily_unavailable`…).
    pub error: &'static str,
    pub error_description: &'static str,
    /// With `slow_down`: the interval now required, in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<u64>,
    /// On `/data/proxy` errors: why, for the app to switch on (the `error` stays an RFC 6749
    /// code chosen so that no client wipes its tokens over a data problem).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
}

/// Why a `/data/proxy` call failed. Each comes with a fixed status and `error`:
/// `no_consent` and `not_holder` 403 `access_denied` (no consent, or the PRM is not the
/// customer's: link the meter again), `before_activation` and `bad_range` 400 `access_denied`
/// (a range before the meter's activation, or a range refused as such), `no_data` 404
/// `no_data_found`, `not_subscribed` 502 `server_error` (the proxy's application is not
/// subscribed to that Enedis API), `quota` and `outage` 503 `temporarily_unavailable` with a
/// `Retry-After` (the shared quota is paused until then, or Enedis is down).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    NoConsent,
    NotHolder,
    BeforeActivation,
    BadRange,
    NoData,
    NotSubscribed,
    Quota,
    Outage,
}

impl Reason {
    fn parts(self) -> (StatusCode, &'static str) {
        use StatusCode as S;
        match self {
            Self::NoConsent | Self::NotHolder => (S::FORBIDDEN, "access_denied"),
            Self::BeforeActivation | Self::BadRange => (S::BAD_REQUEST, "access_denied"),
            Self::NoData => (S::NOT_FOUND, "no_data_found"),
            Self::NotSubscribed => (S::BAD_GATEWAY, "server_error"),
            Self::Quota | Self::Outage => (S::SERVICE_UNAVAILABLE, "temporarily_unavailable"),
        }
    }
}

impl ApiError {
    fn parts(&self) -> (StatusCode, &'static str, &'static str) {
        use StatusCode as S;
        match self {
            Self::InvalidRequest(why) => (S::BAD_REQUEST, "invalid_request", why),
            Self::InvalidClient => (S::UNAUTHORIZED, "invalid_client", "Unknown client_id."),
            Self::InvalidGrant => (
                S::BAD_REQUEST,
                "invalid_grant",
                "The code or token is unknown, used or expired.",
            ),
            Self::UnsupportedGrantType => (
                S::BAD_REQUEST,
                "unsupported_grant_type",
                "This grant type is not accepted here.",
            ),
            Self::AuthorizationPending => (
                S::BAD_REQUEST,
                "authorization_pending",
                "The user has not finished yet.",
            ),
            Self::SlowDown { .. } => (
                S::BAD_REQUEST,
                "slow_down",
                "Polling too fast: wait the interval given.",
            ),
            Self::AccessDenied => (S::BAD_REQUEST, "access_denied", "The user refused."),
            Self::ExpiredToken => (
                S::BAD_REQUEST,
                "expired_token",
                "The device code expired: start again.",
            ),
            Self::InvalidToken => (
                S::UNAUTHORIZED,
                "invalid_token",
                "The access token is unknown or expired.",
            ),
            Self::Data { reason, why, .. } => {
                let (status, error) = reason.parts();
                (status, error, why)
            }
            Self::NotFound => (S::NOT_FOUND, "not_found", "No such resource on this proxy."),
            Self::RateLimited { .. } => (
                S::TOO_MANY_REQUESTS,
                "temporarily_unavailable",
                "Too many requests: retry later.",
            ),
            Self::NotConfigured => (
                S::SERVICE_UNAVAILABLE,
                "temporarily_unavailable",
                "The proxy is not fully configured yet.",
            ),
            Self::Store(_) => (
                S::SERVICE_UNAVAILABLE,
                "temporarily_unavailable",
                "Storage is unavailable: retry later.",
            ),
            Self::Upstream(e) => match e {
                UpstreamError::NoConsent => (
                    S::FORBIDDEN,
                    "access_denied",
                    "No consent for this usage point (ADAM-DC-0008).",
                ),
                UpstreamError::NotHolder => (
                    S::FORBIDDEN,
                    "access_denied",
                    "The customer is not the holder of this usage point (ADAM-DC-0007).",
                ),
                UpstreamError::BadParameters => (
                    S::BAD_REQUEST,
                    "invalid_request",
                    "The provider refused the parameters (ADAM-ERR0123).",
                ),
                UpstreamError::NoData => {
                    (S::NOT_FOUND, "no_data_found", "No data for this period.")
                }
                UpstreamError::OAuth(code) => {
                    (S::BAD_REQUEST, code, "The provider refused the request.")
                }
                UpstreamError::BadRange => (
                    S::BAD_REQUEST,
                    "invalid_request",
                    "The provider refused the range (ADAM-ERR0002).",
                ),
                UpstreamError::NotSubscribed => (
                    S::BAD_GATEWAY,
                    "server_error",
                    "This proxy's application is not subscribed to that provider API.",
                ),
                UpstreamError::RateLimited { .. } | UpstreamError::Pacer(_) => (
                    S::SERVICE_UNAVAILABLE,
                    "temporarily_unavailable",
                    "The provider's quota is busy: retry later.",
                ),
                UpstreamError::Unreachable(_)
                | UpstreamError::Unavailable { .. }
                | UpstreamError::Outage { .. }
                | UpstreamError::BadResponse { .. }
                | UpstreamError::Unit(_)
                | UpstreamError::Store(_) => (
                    S::BAD_GATEWAY,
                    "temporarily_unavailable",
                    "The provider is unavailable: retry later.",
                ),
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, error, error_description) = self.parts();
        match &self {
            Self::Store(_) | Self::Upstream(_) => tracing::error!(error = %self, "request failed"),
            Self::Data { .. } => tracing::info!(error = %self, "data call refused"),
            _ => tracing::debug!(error = %self, "request refused"),
        }
        let interval = match self {
            Self::SlowDown { interval_secs } => Some(interval_secs),
            _ => None,
        };
        let reason = match self {
            Self::Data { reason, .. } => Some(reason),
            _ => None,
        };
        let retry_after = match self {
            Self::RateLimited { retry_after_secs } => Some(retry_after_secs),
            Self::Data {
                retry_after_secs, ..
            } => retry_after_secs,
            Self::Upstream(UpstreamError::RateLimited { retry_after, .. }) => {
                Some(retry_after.map_or(5, |d| d.as_secs().max(1)))
            }
            Self::Upstream(UpstreamError::Pacer(_)) | Self::Store(_) | Self::NotConfigured => {
                Some(5)
            }
            _ => None,
        };
        let mut response = (
            status,
            Json(ErrorBody {
                error,
                error_description,
                interval,
                reason,
            }),
        )
            .into_response();
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if let Some(secs) = retry_after
            && let Ok(value) = HeaderValue::from_str(&secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        if status == StatusCode::UNAUTHORIZED {
            let challenge = if error == "invalid_token" {
                "Bearer error=\"invalid_token\""
            } else {
                "Basic"
            };
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(challenge),
            );
        }
        response
    }
}
