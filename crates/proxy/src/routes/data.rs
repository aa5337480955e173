//! `GET /data/proxy/{path}` (Enedis mode): the seed's data route. Only the metering and contract
//! paths of the v5 API, only for the PRMs the token is bound to, answered in the v5 shape from
//! the 2026 API. Closed past periods are cached, so asking again costs no upstream call.

use std::time::Duration;

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use time::{Date, OffsetDateTime};

use crate::error::ApiError;
use crate::flow;
use crate::net::bearer;
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
        (status = 200, description = "v5 `meter_reading` (or `customer` for contracts)", body = Object),
        (status = 400, description = "Bad parameters or range", body = crate::error::ErrorBody),
        (status = 401, description = "invalid_token: refresh and retry once", body = crate::error::ErrorBody),
        (status = 403, description = "The token does not cover this PRM, or no consent upstream", body = crate::error::ErrorBody),
        (status = 404, description = "Unknown path, or no_data_found", body = crate::error::ErrorBody),
        (status = 502, description = "Enedis is unavailable: retry later", body = crate::error::ErrorBody),
        (status = 503, description = "The shared quota is busy: retry later", body = crate::error::ErrorBody),
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
        .await?
        .ok_or(ApiError::InvalidToken)?;
    let resource = Resource::from_v5_path(&path).ok_or(ApiError::NotFound)?;
    let query: DataQuery = match raw.as_deref() {
        Some(raw) => serde_urlencoded::from_str(raw)
            .map_err(|_| ApiError::InvalidRequest("Malformed query string."))?,
        None => DataQuery::default(),
    };
    let prm = query
        .usage_point_id
        .filter(|p| is_prm(p))
        .ok_or(ApiError::InvalidRequest(
            "usage_point_id must be a PRM (14 digits).",
        ))?;
    if !grant.prms.contains(&prm) {
        return Err(ApiError::Forbidden(
            "This token does not cover this usage point.",
        ));
    }
    let body = match resource {
        Resource::Contracts => enedis.contracts(&grant.grant_id, &prm).await?,
        Resource::Measure(measure) => {
            let (start, end) = range(measure, query.start.as_deref(), query.end.as_deref())?;
            let cache_key = format!(
                "cache:{}:{prm}:{}:{}",
                measure.v5_path,
                fmt_date(start),
                fmt_date(end)
            );
            let closed = end < paris_today();
            if closed && let Some(hit) = state.store.get(&cache_key).await? {
                state.metrics.cache("hit");
                return Ok(json(hit));
            }
            let body = enedis
                .measure(&grant.grant_id, measure, &prm, start, end)
                .await?;
            if closed {
                state.metrics.cache("miss");
                let ttl = Duration::from_secs(state.config.cache_days * 86_400);
                state
                    .store
                    .put(&cache_key, &body.to_string(), Some(ttl))
                    .await?;
            }
            body
        }
    };
    Ok(json(body.to_string()))
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
    let start = start.and_then(parse_date).ok_or(ApiError::InvalidRequest(
        "start must be a date, YYYY-MM-DD.",
    ))?;
    let end = end
        .and_then(parse_date)
        .ok_or(ApiError::InvalidRequest("end must be a date, YYYY-MM-DD."))?;
    if start >= end {
        return Err(ApiError::InvalidRequest(
            "start must be before end (end is excluded).",
        ));
    }
    if (end - start).whole_days() > measure.max_days {
        return Err(ApiError::InvalidRequest(
            "The range is longer than this resource allows per call (7 days for load curves, 365 for daily data).",
        ));
    }
    let today = paris_today();
    // A day of slack: `paris_today` is still yesterday during the first hour of a summer day in
    // Paris. What is really too recent, Enedis refuses itself.
    if end > today + time::Duration::days(1) {
        return Err(ApiError::InvalidRequest(
            "end is in the future: data goes up to yesterday.",
        ));
    }
    if start < today - time::Duration::days(measure.history_days) {
        return Err(ApiError::InvalidRequest(
            "start is older than the history kept (36 months daily, 24 months load curves).",
        ));
    }
    Ok((start, end))
}
