//! `POST /device/code`: a device starts a flow (RFC 8628 §3.1–3.2).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use std::time::Duration;

use crate::error::ApiError;
use crate::net::{ClientAddr, form};
use crate::{AppState, codes, flow};

pub fn router() -> Router<AppState> {
    Router::new().route("/device/code", post(device_code))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct DeviceCodeForm {
    /// A client configured on this proxy.
    #[schema(required = true, value_type = String, min_length = 1)]
    pub client_id: Option<String>,
    /// Accepted for the seed's clients and ignored: the proxy's secret is its own configuration.
    #[allow(dead_code, reason = "documented in the API, never read")]
    pub client_secret: Option<String>,
    pub scope: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct DeviceCodeResponse {
    /// 256 random bits (hex). Single use.
    pub device_code: String,
    /// `XXXX-XXXX`, 8 characters from `BCDFGHJKLMNPQRSTVWXZ`.
    pub user_code: String,
    pub verification_uri: String,
    /// `verification_uri` with the code filled in and a secret of its own (for a QR code or a
    /// link): opening it spends none of the code-guessing budget.
    pub verification_uri_complete: String,
    pub expires_in: u64,
    /// Seconds between polls of `/device/token`.
    pub interval: u64,
}

/// Starts a device flow.
#[utoipa::path(
    post,
    path = "/device/code",
    request_body(content = DeviceCodeForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "A new flow", body = DeviceCodeResponse),
        (status = 400, description = "Malformed request", body = crate::error::ErrorBody),
        (status = 401, description = "Unknown client_id", body = crate::error::ErrorBody),
        (status = 429, description = "Too many flows from this address", body = crate::error::ErrorBody),
    )
)]
pub async fn device_code(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    body: Bytes,
) -> Result<Response, ApiError> {
    let request: DeviceCodeForm = form(&body)?;
    let client_id = request
        .client_id
        .filter(|c| !c.is_empty())
        .ok_or(ApiError::InvalidRequest("client_id is required."))?;
    if state.client(&client_id).is_none() {
        return Err(ApiError::InvalidClient);
    }
    if state.upstream.is_none() {
        return Err(ApiError::NotConfigured);
    }
    per_minute_limit(&state, "code", &addr).await?;
    let scope = request.scope.filter(|s| !s.is_empty() && s.len() <= 512);
    let flow::Started {
        device_code,
        user_code,
        link,
    } = flow::start(&state, &client_id, scope).await?;
    state.metrics.flow("started");
    let shown = codes::display_user_code(&user_code);
    let verification_uri = state
        .public_url
        .join("device")
        .map(String::from)
        .unwrap_or_default();
    let mut complete = url::Url::parse(&verification_uri).map_err(|_| ApiError::NotConfigured)?;
    complete
        .query_pairs_mut()
        .append_pair("code", &shown)
        .append_pair("link", &link);
    let interval = state.config.interval();
    let mut response = Json(DeviceCodeResponse {
        device_code,
        user_code: shown,
        verification_uri,
        verification_uri_complete: complete.into(),
        expires_in: state.config.code_lifetime().as_secs(),
        // Whole seconds on the wire; below one second (tests) still says 1.
        interval: interval.as_secs().max(1),
    })
    .into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// A per-address, per-minute budget for a kind of request (new flows, refreshes).
pub async fn per_minute_limit(state: &AppState, kind: &str, addr: &str) -> Result<(), ApiError> {
    let count = state
        .store
        .incr(&format!("limit:{kind}:{addr}"), Duration::from_secs(60))
        .await?;
    if count > state.config.requests_per_minute {
        return Err(ApiError::RateLimited {
            retry_after_secs: 60,
        });
    }
    Ok(())
}
