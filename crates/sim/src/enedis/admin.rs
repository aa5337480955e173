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

use time::Date;
use time::macros::format_description;

use super::{SimState, fmt_date};

/// `/__sim/…`: switches for scripted runs.
/// - `POST /__sim/auto_consent?on=true|false[&prm=PRM]` (the meter auto-consent picks)
/// - `POST /__sim/throttle?secs=N` (429 `900804` with a `nextAccessTime` N seconds away)
/// - `POST /__sim/fail?count=N&status=503`
/// - `POST /__sim/quota?per_second=5&per_hour=10000`
/// - `POST /__sim/withhold?day=YYYY-MM-DD[&on=false]` (a day not published yet, or published)
/// - `POST /__sim/activation?prm=PRM[&date=YYYY-MM-DD]` (the meter's activation day, or none)
/// - `GET /__sim/stats` (`calls` per endpoint, each metering endpoint also as `metering/<name>`;
///   the days withheld)
pub(super) fn admin_router() -> Router<Arc<SimState>> {
    Router::new()
        .route("/__sim/withhold", post(admin_withhold))
        .route("/__sim/activation", post(admin_activation))
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

fn parse_day(day: &str) -> Option<Date> {
    Date::parse(day, format_description!("[year]-[month]-[day]")).ok()
}

#[derive(Deserialize)]
struct WithholdQuery {
    day: String,
    on: Option<bool>,
}

async fn admin_withhold(
    State(state): State<Arc<SimState>>,
    Query(q): Query<WithholdQuery>,
) -> StatusCode {
    let Some(day) = parse_day(&q.day) else {
        return StatusCode::BAD_REQUEST;
    };
    let mut inner = state.lock();
    if q.on.unwrap_or(true) {
        inner.withheld.insert(day);
    } else {
        inner.withheld.remove(&day);
    }
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct ActivationQuery {
    prm: String,
    date: Option<String>,
}

async fn admin_activation(
    State(state): State<Arc<SimState>>,
    Query(q): Query<ActivationQuery>,
) -> StatusCode {
    let mut inner = state.lock();
    match q.date.as_deref().map(parse_day) {
        Some(Some(day)) => {
            inner.activations.insert(q.prm, day);
        }
        Some(None) => return StatusCode::BAD_REQUEST,
        None => {
            inner.activations.remove(&q.prm);
        }
    }
    StatusCode::NO_CONTENT
}

async fn admin_stats(State(state): State<Arc<SimState>>) -> Response {
    let inner = state.lock();
    let withheld: Vec<String> = inner.withheld.iter().copied().map(fmt_date).collect();
    Json(json!({"calls": inner.calls, "max_calls_in_a_second": inner.max_per_second, "autorisations": inner.autorisations.len(), "withheld": withheld})).into_response()
}
