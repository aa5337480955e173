//! `GET /data/proxy/{path}` (Enedis mode): the seed's data route. Only the metering and contract
//! paths of the v5 API, only for the PRMs the token is bound to, answered in the v5 shape from
//! the 2026 API. Closed past periods are cached, so asking again costs no upstream call.

use std::collections::BTreeSet;
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hearth_metering::{MeterReadingResponse, paris};
use serde::Deserialize;
use time::{Date, OffsetDateTime};

use crate::error::{ApiError, Reason};
use crate::flow;
use crate::net::bearer;
use crate::pacer::PacerError;
use crate::store::StoreError;
use crate::upstream::UpstreamError;
use crate::upstream::enedis::{Measure, Resource, fmt_date, is_prm, parse_date};
use crate::{AppState, Upstream};

pub fn router() -> Router<AppState> {
    Router::new().route("/data/proxy/{*path}", get(data))
}

/// The v5 paths served, for the API document (the route itself reads them with
/// `Resource::from_v5_path`).
#[derive(serde::Serialize, utoipa::ToSchema)]
#[allow(dead_code, reason = "named in the API document only")]
pub enum DataPath {
    #[serde(rename = "metering_data_dc/v5/daily_consumption")]
    DailyConsumption,
    #[serde(rename = "metering_data_clc/v5/consumption_load_curve")]
    ConsumptionLoadCurve,
    #[serde(rename = "metering_data_dcmp/v5/daily_consumption_max_power")]
    DailyConsumptionMaxPower,
    #[serde(rename = "metering_data_dp/v5/daily_production")]
    DailyProduction,
    #[serde(rename = "metering_data_plc/v5/production_load_curve")]
    ProductionLoadCurve,
    #[serde(rename = "customers_upc/v5/usage_points/contracts")]
    Contracts,
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DataQuery {
    /// The PRM (14 digits); one of those the token is bound to.
    #[param(required = true, value_type = String, pattern = "^[0-9]{14}$")]
    pub usage_point_id: Option<String>,
    /// First day, `YYYY-MM-DD` (metering paths; not for contracts).
    #[param(value_type = String, format = Date)]
    pub start: Option<String>,
    /// Day after the last, `YYYY-MM-DD`, excluded (metering paths; not for contracts).
    #[param(value_type = String, format = Date)]
    pub end: Option<String>,
}

/// Enedis metering data or contract, v5 shape.
#[utoipa::path(
    get,
    path = "/data/proxy/{path}",
    params(
        ("path" = DataPath, Path, description = "A v5 path (any other answers 404)."),
        DataQuery,
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "v5 `meter_reading` (hearth-metering's `MeterReadingResponse`), or `customer` for contracts (`ContractsResponse`)", body = Object),
        (status = 400, description = "`access_denied` with reason `bad_range` (a malformed, too long, future or too old range, or ADAM-ERR0002) or `before_activation` (ADAM-ERR0123: before the meter's activation)", body = crate::error::ErrorBody),
        (status = 401, description = "`invalid_token`: the device's own token is unknown or expired; refresh and retry once", body = crate::error::ErrorBody),
        (status = 403, description = "`access_denied` with reason `no_consent` (the token does not cover this PRM, or ADAM-DC-0008) or `not_holder` (ADAM-DC-0007)", body = crate::error::ErrorBody),
        (status = 404, description = "`not_found` (unknown path), or `no_data_found` with reason `no_data`", body = crate::error::ErrorBody),
        (status = 502, description = "`server_error` with reason `not_subscribed` (900908: this proxy's application lacks that Enedis API)", body = crate::error::ErrorBody),
        (status = 503, description = "`temporarily_unavailable` with reason `quota` (Enedis throttled the shared quota: 429 `900804` until its `nextAccessTime`) or `outage` (Enedis 5xx or unreachable); `Retry-After` gives the wait in seconds", body = crate::error::ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds until the pause ends"))),
    )
)]
pub async fn data(
    State(state): State<AppState>,
    Path(path): Path<String>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let Some(Upstream::Enedis(enedis)) = state.upstream.as_ref() else {
        return Err(ApiError::NotFound);
    };
    let token = bearer(&headers).ok_or(ApiError::InvalidToken)?;
    let grant = flow::grant_for_access_token(&state, &token)
        .await
        .map_err(store_refusal)?
        .ok_or(ApiError::InvalidToken)?;
    let resource = Resource::from_v5_path(&path).ok_or(ApiError::NotFound)?;
    let query: DataQuery = match raw.as_deref() {
        Some(raw) => serde_urlencoded::from_str(raw)
            .map_err(|_| refused(Reason::BadRange, "Malformed query string."))?,
        None => DataQuery::default(),
    };
    // Refusals about the request say why in `reason` and never use the codes on which the
    // seed's clients wipe their tokens (`invalid_grant`, `invalid_request`, `unauthorized`):
    // only the device's own bad token does (`invalid_token`, above).
    let prm = query.usage_point_id.filter(|p| is_prm(p)).ok_or(refused(
        Reason::NoConsent,
        "usage_point_id must be the PRM (14 digits) this token was issued for.",
    ))?;
    if !grant.prms.contains(&prm) {
        return Err(refused(
            Reason::NoConsent,
            "This token does not cover this usage point: link that meter too.",
        ));
    }
    let body = match resource {
        Resource::Contracts => to_json(
            &enedis
                .contracts(&grant.grant_id, &prm)
                .await
                .map_err(upstream_refusal)?,
        )?,
        Resource::Measure(measure) => {
            let (start, end) = range(measure, query.start.as_deref(), query.end.as_deref())?;
            let cache_key = format!(
                "cache:{}:{prm}:{}:{}",
                measure.v5_path,
                fmt_date(start),
                fmt_date(end)
            );
            let closed = end < paris_today();
            if closed && let Some(hit) = state.store.get(&cache_key).await.map_err(store_refusal)? {
                state.metrics.cache("hit");
                return Ok(json(hit));
            }
            let reading = enedis
                .measure(&grant.grant_id, measure, &prm, start, end)
                .await
                .map_err(upstream_refusal)?;
            let body = to_json(&reading)?;
            // Enedis publishes some days late: an answer with a day missing is not cached, or
            // the day, once published, would stay missing for whoever asks the same range.
            if closed && covers_every_day(&reading, start, end) {
                state.metrics.cache("miss");
                let ttl = Duration::from_secs(state.config.cache_days * 86_400);
                state
                    .store
                    .put(&cache_key, &body, Some(ttl))
                    .await
                    .map_err(store_refusal)?;
            }
            body
        }
    };
    Ok(json(body))
}

/// Whether `reading` has a point in every French day of `[start, end)`.
fn covers_every_day(reading: &MeterReadingResponse, start: Date, end: Date) -> bool {
    let Ok(intervals) = reading.meter_reading.intervals() else {
        return false;
    };
    let days: BTreeSet<jiff::civil::Date> = intervals
        .iter()
        .map(|interval| interval.start.to_zoned(paris::zone().clone()).date())
        .collect();
    usize::try_from((end - start).whole_days()).is_ok_and(|expected| days.len() >= expected)
}

fn to_json(value: &impl serde::Serialize) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(|_| refused(Reason::Outage, "Could not write the answer."))
}

/// The proxy's own storage failing is an outage too, for the device: retry shortly.
fn store_refusal(e: StoreError) -> ApiError {
    tracing::error!(error = %e, "storage failed during a data call");
    ApiError::Data {
        reason: Reason::Outage,
        why: "Storage is unavailable: retry later.",
        retry_after_secs: Some(5),
    }
}

fn refused(reason: Reason, why: &'static str) -> ApiError {
    ApiError::Data {
        reason,
        why,
        retry_after_secs: None,
    }
}

/// Whole seconds to wait, rounded up, at least one.
fn seconds(wait: Duration) -> u64 {
    u64::try_from(wait.as_millis().div_ceil(1_000))
        .unwrap_or(u64::MAX)
        .max(1)
}

/// What an upstream failure of a data call tells the device: a [`Reason`], and for `quota` and
/// `outage` the real wait (the pause every instance keeps, or Enedis's own `Retry-After`).
fn upstream_refusal(e: UpstreamError) -> ApiError {
    use UpstreamError as U;
    /// Without a better hint, an outage is retried a minute later.
    const OUTAGE_RETRY: Duration = Duration::from_secs(60);
    let (reason, why, retry) = match &e {
        U::NoConsent => (
            Reason::NoConsent,
            "Enedis has no consent for this usage point (ADAM-DC-0008): link the meter again.",
            None,
        ),
        U::NotHolder => (
            Reason::NotHolder,
            "The customer is not the holder of this usage point (ADAM-DC-0007).",
            None,
        ),
        U::BadParameters => (
            Reason::BeforeActivation,
            "Enedis refused the period: it starts before the meter's activation or the consent (ADAM-ERR0123).",
            None,
        ),
        U::BadRange => (
            Reason::BadRange,
            "Enedis refused the range (ADAM-ERR0002).",
            None,
        ),
        U::NoData => (Reason::NoData, "No data for this period.", None),
        U::NotSubscribed => (
            Reason::NotSubscribed,
            "This proxy's Enedis application is not subscribed to that API (900908).",
            None,
        ),
        U::RateLimited { retry_after, .. } => (
            Reason::Quota,
            "Enedis's quota, shared by every user of this proxy, is exhausted: retry after the time given.",
            Some(retry_after.unwrap_or(Duration::from_secs(5))),
        ),
        U::Pacer(PacerError::Paused(left)) => (
            Reason::Quota,
            "Enedis's quota, shared by every user of this proxy, is exhausted: retry after the time given.",
            Some(*left),
        ),
        U::Pacer(_) => (
            Reason::Quota,
            "Too many requests are waiting for Enedis's shared quota: retry later.",
            Some(Duration::from_secs(5)),
        ),
        U::Outage { retry_after, .. } => (
            Reason::Outage,
            "Enedis is unavailable: retry later.",
            Some(retry_after.unwrap_or(OUTAGE_RETRY)),
        ),
        U::Unreachable(_)
        | U::Unavailable { .. }
        | U::BadResponse { .. }
        | U::Unit(_)
        | U::OAuth(_)
        | U::Store(_) => (
            Reason::Outage,
            "Enedis is unavailable or answered something unreadable: retry later.",
            Some(OUTAGE_RETRY),
        ),
    };
    tracing::warn!(error = %e, ?reason, "Enedis refused a data call");
    ApiError::Data {
        reason,
        why,
        retry_after_secs: retry.map(seconds),
    }
}

fn json(body: String) -> Response {
    let mut response = (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}

/// Today in France, to within the hour that matters: data for a day is published the next
/// morning, and a period is "closed" (cacheable) only once its last day is two days old, so the
/// summer/winter offset never decides anything.
fn paris_today() -> Date {
    (OffsetDateTime::now_utc() + time::Duration::hours(1)).date()
}

/// Checks a range against the API's rules before spending quota on it.
fn range(
    measure: &Measure,
    start: Option<&str>,
    end: Option<&str>,
) -> Result<(Date, Date), ApiError> {
    let start = start.and_then(parse_date).ok_or(refused(
        Reason::BadRange,
        "start must be a date, YYYY-MM-DD.",
    ))?;
    let end = end
        .and_then(parse_date)
        .ok_or(refused(Reason::BadRange, "end must be a date, YYYY-MM-DD."))?;
    if start >= end {
        return Err(refused(
            Reason::BadRange,
            "start must be before end (end is excluded).",
        ));
    }
    if (end - start).whole_days() > measure.max_days {
        return Err(refused(
            Reason::BadRange,
            "The range is longer than this resource allows per call (7 days for load curves, 365 for daily data).",
        ));
    }
    let today = paris_today();
    // A day of slack: `paris_today` is still yesterday during the first hour of a summer day in
    // Paris. What is really too recent, Enedis refuses itself.
    if end > today + time::Duration::days(1) {
        return Err(refused(
            Reason::BadRange,
            "end is in the future: data goes up to yesterday.",
        ));
    }
    if start < today - time::Duration::days(measure.history_days) {
        return Err(refused(
            Reason::BadRange,
            "start is older than the history kept (36 months daily, 24 months load curves).",
        ));
    }
    Ok((start, end))
}
