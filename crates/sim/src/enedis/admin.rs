//! `/__sim/…`: switches for scripted runs.

use std::sync::atomic::Ordering;
use std::sync::{Arc, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use super::SimState;

/// `/__sim/…`: switches for scripted runs.
/// - `POST /__sim/auto_consent?on=true|false[&prm=PRM]` (the meter auto-consent picks)
/// - `POST /__sim/throttle?secs=N` (429 `900804` with a `nextAccessTime` N seconds away)
/// - `POST /__sim/fail?count=N&status=503`
/// - `POST /__sim/quota?per_second=5&per_hour=10000`
/// - `GET /__sim/stats`
pub(super) fn admin_router() -> Router<Arc<SimState>> {
    Router::new()
        .route("/__sim/auto_consent", post(admin_auto_consent))
        .route("/__sim/fail", post(admin_fail))
        .route("/__sim/throttle", post(admin_throttle))
        .route("/__sim/quota", post(admin_quota))
        .route("/__sim/stats", get(admin_stats))
}

#[derive(Deserialize)]
struct AutoConsentQuery {
    on: bool,
    prm: Option<String>,
}

async fn admin_auto_consent(
    State(state): State<Arc<SimState>>,
    Query(q): Query<AutoConsentQuery>,
) -> StatusCode {
    state.auto_consent.store(q.on, Ordering::SeqCst);
    *state
        .auto_consent_prm
        .lock()
        .unwrap_or_else(PoisonError::into_inner) = q.prm;
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct ThrottleQuery {
    secs: u64,
}

async fn admin_throttle(
    State(state): State<Arc<SimState>>,
    Query(q): Query<ThrottleQuery>,
) -> StatusCode {
    state.lock().throttled_until = Some(Instant::now() + Duration::from_secs(q.secs));
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct FailQuery {
    count: u32,
    status: Option<u16>,
}

async fn admin_fail(State(state): State<Arc<SimState>>, Query(q): Query<FailQuery>) -> StatusCode {
    state.fail_next(q.count, q.status.unwrap_or(503));
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct QuotaQuery {
    per_second: u32,
    per_hour: u32,
}

async fn admin_quota(
    State(state): State<Arc<SimState>>,
    Query(q): Query<QuotaQuery>,
) -> StatusCode {
    state.set_quota(q.per_second, q.per_hour);
    StatusCode::NO_CONTENT
}

async fn admin_stats(State(state): State<Arc<SimState>>) -> Response {
    let inner = state.lock();
    Json(json!({"calls": inner.calls, "max_calls_in_a_second": inner.max_per_second, "autorisations": inner.autorisations.len()})).into_response()
}
