//! `POST /device/token` (RFC 8628 §3.4–3.5, and refreshes) and `POST /device/proxy` (the seed's
//! refresh route, where the server adds its own client secret).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use hearth_secret::Secret;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::flow::{self, Status};
use crate::net::{ClientAddr, form};
use crate::routes::device::per_minute_limit;
use crate::store::{PollGate, now_ms};
use crate::{AppState, Upstream, codes};

pub const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/device/token", post(token))
        .route("/device/proxy", post(proxy))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct TokenForm {
    /// `urn:ietf:params:oauth:grant-type:device_code` or `refresh_token` (`/device/proxy`: only
    /// `refresh_token`).
    #[schema(required = true, value_type = String, min_length = 1)]
    pub grant_type: Option<String>,
    /// A client configured on this proxy.
    #[schema(required = true, value_type = String, min_length = 1)]
    pub client_id: Option<String>,
    pub device_code: Option<String>,
    #[schema(value_type = Option<String>)]
    pub refresh_token: Option<Secret>,
    /// Accepted and ignored (the proxy's own secret is used).
    #[allow(dead_code, reason = "documented in the API, never read")]
    pub client_secret: Option<String>,
    pub scope: Option<String>,
    /// The Enedis clients send the PRMs back on refresh; the grant's own PRMs are what count.
    #[allow(dead_code, reason = "documented in the API, never read")]
    pub usage_points_id: Option<String>,
    #[allow(dead_code, reason = "documented in the API, never read")]
    pub usage_point_id: Option<String>,
}

/// The token response: the upstream's (generic mode) or the proxy's own (Enedis mode).
#[derive(Serialize, utoipa::ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub token_type: String,
    pub expires_in: Option<u64>,
    /// Enedis mode: the PRM the tokens read (a 2026 consent covers one; several would be joined by `,`).
    pub usage_point_id: Option<String>,
    /// The same, in the spelling the Enedis clients read.
    pub usage_points_id: Option<String>,
    /// Enedis mode: the consent's last day (YYYY-MM-DD), after which the link must be renewed.
    #[schema(format = Date)]
    pub consent_expires_at: Option<String>,
    /// Enedis mode: `enedis` when Enedis listed the consent's end, `derived` when it is the
    /// consent's start plus the duration the proxy asked.
    #[schema(pattern = "^(enedis|derived)$")]
    pub consent_expires_at_source: Option<String>,
}

/// Polls a device flow, or refreshes a token.
#[utoipa::path(
    post,
    path = "/device/token",
    request_body(content = TokenForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "Tokens, handed out once", body = TokenResponse),
        (status = 400, description = "authorization_pending, slow_down, access_denied, expired_token, invalid_grant, invalid_request, unsupported_grant_type", body = crate::error::ErrorBody),
        (status = 401, description = "Unknown client_id", body = crate::error::ErrorBody),
    )
)]
pub async fn token(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    body: Bytes,
) -> Result<Response, ApiError> {
    let request: TokenForm = form(&body)?;
    let client_id = configured_client(&state, request.client_id.as_deref())?;
    match request.grant_type.as_deref() {
        Some(DEVICE_GRANT) => poll(&state, &client_id, request.device_code.as_deref()).await,
        Some("refresh_token") => refresh(&state, &addr, &client_id, request).await,
        Some(_) => Err(ApiError::UnsupportedGrantType),
        None => Err(ApiError::InvalidRequest("grant_type is required.")),
    }
}

/// Refreshes a token with the proxy's client secret (the seed's route).
#[utoipa::path(
    post,
    path = "/device/proxy",
    request_body(content = TokenForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "New tokens", body = TokenResponse),
        (status = 400, description = "invalid_grant, invalid_request, unsupported_grant_type (only refresh_token is accepted)", body = crate::error::ErrorBody),
        (status = 401, description = "Unknown client_id", body = crate::error::ErrorBody),
        (status = 429, description = "Too many refreshes from this address", body = crate::error::ErrorBody),
    )
)]
pub async fn proxy(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    body: Bytes,
) -> Result<Response, ApiError> {
    let request: TokenForm = form(&body)?;
    let client_id = configured_client(&state, request.client_id.as_deref())?;
    match request.grant_type.as_deref() {
        Some("refresh_token") => refresh(&state, &addr, &client_id, request).await,
        Some(_) => Err(ApiError::UnsupportedGrantType),
        None => Err(ApiError::InvalidRequest("grant_type is required.")),
    }
}

fn configured_client(state: &AppState, client_id: Option<&str>) -> Result<String, ApiError> {
    let client_id = client_id
        .filter(|c| !c.is_empty())
        .ok_or(ApiError::InvalidRequest("client_id is required."))?;
    state
        .client(client_id)
        .map(|c| c.id.clone())
        .ok_or(ApiError::InvalidClient)
}

async fn poll(
    state: &AppState,
    client_id: &str,
    device_code: Option<&str>,
) -> Result<Response, ApiError> {
    let device_code = device_code
        .filter(|c| !c.is_empty())
        .ok_or(ApiError::InvalidRequest("device_code is required."))?;
    let device_hash = codes::hash(device_code);
    // Unknown codes get no polling state: only a live flow is gated.
    let Some((_, flow)) = flow::get(state, &device_hash).await? else {
        return Err(ApiError::InvalidGrant);
    };
    if flow.client_id != client_id {
        return Err(ApiError::InvalidGrant);
    }
    let interval = u64::try_from(state.config.interval().as_millis()).unwrap_or(u64::MAX);
    let gate = state
        .store
        .poll_gate(
            &flow::poll_key(&device_hash),
            now_ms(),
            interval,
            state.config.slow_down_step_ms,
            flow.kept_for(),
        )
        .await?;
    if let PollGate::SlowDown(interval_ms) = gate {
        return Err(ApiError::SlowDown {
            interval_secs: interval_ms.div_ceil(1000),
        });
    }
    match flow.status {
        Status::Pending if flow.is_expired() => Err(ApiError::ExpiredToken),
        Status::Pending => Err(ApiError::AuthorizationPending),
        Status::Denied => {
            state.store.delete(&flow::flow_key(&device_hash)).await?;
            Err(ApiError::AccessDenied)
        }
        Status::Sealed { .. } | Status::Approved { .. } => {
            // Single use: of two polls racing, one takes the tokens, the other gets invalid_grant.
            let Some(taken) = flow::take(state, &device_hash).await? else {
                return Err(ApiError::InvalidGrant);
            };
            state.store.delete(&flow::poll_key(&device_hash)).await?;
            match flow::open_response(device_code, taken.status)? {
                Some(response) => {
                    state.metrics.flow("delivered");
                    Ok(tokens(response))
                }
                None => Err(ApiError::InvalidGrant),
            }
        }
    }
}

async fn refresh(
    state: &AppState,
    addr: &str,
    client_id: &str,
    request: TokenForm,
) -> Result<Response, ApiError> {
    per_minute_limit(state, "refresh", addr).await?;
    let refresh_token = request
        .refresh_token
        .filter(|t| !t.is_empty())
        .ok_or(ApiError::InvalidRequest("refresh_token is required."))?;
    match state.upstream.as_ref().ok_or(ApiError::NotConfigured)? {
        Upstream::Generic(generic) => {
            let scope = request.scope.filter(|s| !s.is_empty());
            Ok(tokens(
                generic.refresh(&refresh_token, scope.as_deref()).await?,
            ))
        }
        Upstream::Enedis(_) => {
            let issued = flow::refresh(state, client_id, refresh_token.expose())
                .await?
                .ok_or(ApiError::InvalidGrant)?;
            Ok(tokens(issued))
        }
    }
}

fn tokens(response: Map<String, Value>) -> Response {
    let mut response = Json(Value::Object(response)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}
