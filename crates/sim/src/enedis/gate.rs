//! What every API call goes through: call counting, faults, the quota, the bearer token and,
//! for data, the PRM's consent.

use std::time::{Duration, Instant};

use axum::Json;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use std::sync::atomic::Ordering;

use super::data::{self, SandboxPrm};
use super::{SimState, error};

/// Quota, faults and call counting, common to every API endpoint.
pub(super) fn gate(state: &SimState, endpoint: &str, client_id: Option<&str>) -> Option<Response> {
    let mut inner = state.lock();
    *inner.calls.entry(endpoint.to_owned()).or_default() += 1;
    if inner.fail_next > 0 {
        inner.fail_next -= 1;
        let status =
            StatusCode::from_u16(inner.fail_status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
        return Some(match inner.fail_code.as_deref() {
            // The gateway's own codes (900908: not subscribed) come in its own shape.
            Some(code) if code.starts_with('9') => (
                status,
                Json(json!({"code": code, "message": "Resource forbidden", "description": "User is NOT authorized to access the Resource. API Subscription validation failed."})),
            )
                .into_response(),
            Some(code) => error(status, code, "Erreur simulée"),
            None => error(
                status,
                "service_unavailable",
                "Le service est momentanément indisponible",
            ),
        });
    }
    let now = Instant::now();
    if let Some(until) = inner.throttled_until.filter(|u| *u > now) {
        *inner.calls.entry("throttled".to_owned()).or_default() += 1;
        return Some(throttled(until - now));
    }
    let client_id = client_id?;
    let per_second = state.quota_per_second.load(Ordering::SeqCst) as usize;
    let per_hour = state.quota_per_hour.load(Ordering::SeqCst) as usize;
    let recent = inner.recent.entry(client_id.to_owned()).or_default();
    while recent
        .front()
        .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(3_600))
    {
        recent.pop_front();
    }
    let last_second = recent
        .iter()
        .rev()
        .take_while(|t| now.duration_since(**t) < Duration::from_secs(1))
        .count();
    if last_second >= per_second || recent.len() >= per_hour {
        // When the window lets one more call in: the oldest call of the second or the hour
        // leaves it.
        let second = Duration::from_secs(1);
        let hour = Duration::from_secs(3_600);
        let frees = if recent.len() >= per_hour {
            recent
                .front()
                .map(|t| (*t + hour).saturating_duration_since(now))
        } else {
            recent
                .iter()
                .rev()
                .nth(per_second.saturating_sub(1))
                .map(|t| (*t + second).saturating_duration_since(now))
        };
        *inner.calls.entry("throttled".to_owned()).or_default() += 1;
        return Some(throttled(frees.unwrap_or(second)));
    }
    recent.push_back(now);
    let seen = last_second + 1;
    inner.max_per_second = inner.max_per_second.max(seen);
    None
}

/// Enedis's gateway throttling: 429, code `900804`, and the instant calls may resume as
/// `nextAccessTime` (ISO 8601, UTC, milliseconds). No `Retry-After`: the body says it.
fn throttled(wait: Duration) -> Response {
    let at = jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::try_from(wait).unwrap_or_default())
        .unwrap_or_else(|_| jiff::Timestamp::now());
    let at = at.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
    (
        StatusCode::TOO_MANY_REQUESTS,
        Json(json!({
            "code": "900804",
            "message": "Message throttled out",
            "description": format!("You have exceeded your quota .You can access API after {at}"),
            "nextAccessTime": at,
        })),
    )
        .into_response()
}

/// The client an application token belongs to.
#[allow(clippy::result_large_err)] // The error is the response to send; it is built once per call.
pub(super) fn bearer_client(state: &SimState, headers: &HeaderMap) -> Result<String, Response> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    let inner = state.lock();
    match inner.tokens.get(token) {
        Some((client, expiry)) if *expiry > Instant::now() => Ok(client.clone()),
        _ => Err(error(
            StatusCode::UNAUTHORIZED,
            "invalid_token",
            "Jeton absent, invalide ou expiré",
        )),
    }
}

/// The checks every data endpoint shares: token, quota, faults, the PRM and its consent.
#[allow(clippy::result_large_err)] // As for `bearer_client`.
pub(super) fn data_access(
    state: &SimState,
    endpoint: &str,
    headers: &HeaderMap,
    prm: &str,
) -> Result<&'static SandboxPrm, Response> {
    let client = match bearer_client(state, headers) {
        Ok(client) => client,
        Err(response) => {
            let _ = gate(state, endpoint, None);
            return Err(response);
        }
    };
    if let Some(refused) = gate(state, endpoint, Some(&client)) {
        return Err(refused);
    }
    let Some(meter) = data::sandbox(prm) else {
        return Err(error(
            StatusCode::FORBIDDEN,
            "ADAM-DC-0007",
            "Le client n’est pas titulaire de ce point",
        ));
    };
    if !meter.customer {
        return Err(error(
            StatusCode::FORBIDDEN,
            "ADAM-DC-0007",
            "Le client n’est pas titulaire de ce point",
        ));
    }
    let consented = state
        .lock()
        .autorisations
        .values()
        .any(|a| a.client_id == client && a.prm == prm);
    if !consented {
        return Err(error(
            StatusCode::FORBIDDEN,
            "ADAM-DC-0008",
            "Aucun consentement pour ce point",
        ));
    }
    Ok(meter)
}
