//! Enedis Data Connect (2026 API) mode.
//!
//! Every Enedis URL path, query parameter and field name lives in [`api`] or in the [`MEASURES`]
//! table below (but for the callback's `autorisation_id`, a field of `routes::auth`'s `Callback`):
//! the public knowledge of the 2026 API comes from clients, not from Enedis's own documentation,
//! so a correction must be a one-line change.
//!
//! Identity: a PRM is bound to a device only when `/subscribed_services` (asked server-side with
//! the application token) lists it for the `autorisation_id` of the consent. Nothing in the
//! redirect's query string is trusted for identity.

use std::time::Duration;

use hearth_secret::Secret;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use time::macros::format_description;
use time::{Date, PrimitiveDateTime};
use url::Url;

use super::{UpstreamError, retry_after};
use crate::config::IntervalMark;
use crate::metrics::Metrics;
use crate::pacer::Pacer;
use crate::store::Store;

/// The names of the 2026 API.
pub mod api {
    pub const AUTHORIZE_DURATION: &str = "duration";
    pub const TOKEN_PATH: &str = "oauth2/v3/token";
    pub const SUBSCRIBED_SERVICES_PATH: &str = "subscribed_services/v1";
    pub const POINT_ID_FIELD: &str = "pointId";
    pub const QUERY_POINT: &str = "pointId";
    pub const QUERY_START: &str = "dateDebut";
    pub const QUERY_END: &str = "dateFin";
    pub const CONTRACT_SITUATION_PATH: &str = "situation_contrat_auto/v1/";
    pub const METERING_POINT_PATH: &str = "comptage_auto/v1/";
    /// The ADAM error code (in the `error` or `code` field of an error body) that tells one 403
    /// apart: the customer is not the holder. The statuses say the rest.
    pub const NOT_HOLDER: &str = "ADAM-DC-0007";
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    DailyEnergy,
    LoadCurve,
    MaxPower,
}

/// A metering resource: the v5 path existing clients call, and where the 2026 API serves it.
#[derive(Debug)]
pub struct Measure {
    pub v5_path: &'static str,
    pub path: &'static str,
    pub grandeur_metier: &'static str,
    pub grandeur_physique: &'static str,
    pub shape: Shape,
    /// Longest range per call, in days.
    pub max_days: i64,
    /// How far back the data goes, in days.
    pub history_days: i64,
}

pub const MEASURES: &[Measure] = &[
    Measure {
        v5_path: "metering_data_dc/v5/daily_consumption",
        path: "mesure_synchrone_auto/v2/consommation_quotidienne",
        grandeur_metier: "CONS",
        grandeur_physique: "EA",
        shape: Shape::DailyEnergy,
        max_days: 365,
        history_days: 3 * 365 + 1,
    },
    Measure {
        v5_path: "metering_data_clc/v5/consumption_load_curve",
        path: "mesure_synchrone_auto/v2/courbe_de_charge_consommation",
        grandeur_metier: "CONS",
        grandeur_physique: "PA",
        shape: Shape::LoadCurve,
        max_days: 7,
        history_days: 2 * 365 + 1,
    },
    // The 2026 path of the daily maximum power is not among those clients have published: this
    // one follows the others' naming and is the line to correct.
    Measure {
        v5_path: "metering_data_dcmp/v5/daily_consumption_max_power",
        path: "mesure_synchrone_auto/v2/puissance_maximum_quotidienne",
        grandeur_metier: "CONS",
        grandeur_physique: "PMA",
        shape: Shape::MaxPower,
        max_days: 365,
        history_days: 3 * 365 + 1,
    },
    Measure {
        v5_path: "metering_data_dp/v5/daily_production",
        path: "mesure_synchrone_auto/v2/production_quotidienne",
        grandeur_metier: "PROD",
        grandeur_physique: "EA",
        shape: Shape::DailyEnergy,
        max_days: 365,
        history_days: 3 * 365 + 1,
    },
    Measure {
        v5_path: "metering_data_plc/v5/production_load_curve",
        path: "mesure_synchrone_auto/v2/courbe_de_charge_production",
        grandeur_metier: "PROD",
        grandeur_physique: "PA",
        shape: Shape::LoadCurve,
        max_days: 7,
        history_days: 2 * 365 + 1,
    },
];

/// The v5 contracts path (answered from the two 2026 contract endpoints).
pub const V5_CONTRACTS_PATH: &str = "customers_upc/v5/usage_points/contracts";

/// What `/data/proxy/{path}` may serve.
#[derive(Debug, Clone, Copy)]
pub enum Resource {
    Measure(&'static Measure),
    Contracts,
}

impl Resource {
    pub fn from_v5_path(path: &str) -> Option<Self> {
        let path = path.trim_matches('/');
        if path == V5_CONTRACTS_PATH {
            return Some(Self::Contracts);
        }
        MEASURES
            .iter()
            .find(|m| m.v5_path == path)
            .map(Self::Measure)
    }
}

/// A PRM: 14 digits.
pub fn is_prm(value: &str) -> bool {
    value.len() == 14 && value.bytes().all(|b| b.is_ascii_digit())
}

pub struct Enedis {
    pub authorize_url: Url,
    pub api_url: Url,
    pub client_id: String,
    pub client_secret: Secret,
    pub duration: String,
    pub curve_timestamps: IntervalMark,
    pub subscription_tries: u32,
    pub subscription_delay: Duration,
    pub http: reqwest::Client,
    pub store: std::sync::Arc<dyn Store>,
    pub pacer: Pacer,
    pub metrics: Metrics,
}

const APP_TOKEN_KEY: &str = "enedis:app-token";
/// The pacer's queue for the proxy's own calls (application token, consent checks).
const APP_USER: &str = "\u{0}application";

#[derive(Deserialize)]
struct AppToken {
    access_token: Secret,
    expires_in: Option<u64>,
}

impl Enedis {
    pub fn authorize_redirect(&self, state: &str) -> Url {
        let mut url = self.authorize_url.clone();
        url.query_pairs_mut()
            .append_pair("client_id", &self.client_id)
            .append_pair("response_type", "code")
            .append_pair("state", state)
            .append_pair(api::AUTHORIZE_DURATION, &self.duration);
        url
    }

    fn url(&self, path: &str) -> Result<Url, UpstreamError> {
        self.api_url
            .join(path)
            .map_err(|e| UpstreamError::BadResponse {
                endpoint: "config",
                reason: format!("bad API URL: {e}"),
            })
    }

    /// The application token (client credentials), shared by every instance through the store
    /// and renewed five minutes before it expires.
    async fn app_token(&self, renew: bool) -> Result<Secret, UpstreamError> {
        const ENDPOINT: &str = "oauth2/v3/token";
        if !renew && let Some(token) = self.store.get(APP_TOKEN_KEY).await? {
            return Ok(Secret::new(token));
        }
        self.pacer.acquire(APP_USER).await?;
        let response = self
            .http
            .post(self.url(api::TOKEN_PATH)?)
            .header(reqwest::header::ACCEPT, "application/json")
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", self.client_id.as_str()),
                ("client_secret", self.client_secret.expose()),
            ])
            .send()
            .await
            .map_err(UpstreamError::Unreachable)?;
        let status = response.status().as_u16();
        self.metrics.upstream(ENDPOINT, status);
        self.check_status(ENDPOINT, &response).await?;
        if status != 200 {
            return Err(UpstreamError::BadResponse {
                endpoint: ENDPOINT,
                reason: format!("status {status}"),
            });
        }
        let token: AppToken = response
            .json()
            .await
            .map_err(|_| UpstreamError::BadResponse {
                endpoint: ENDPOINT,
                reason: "not a token response".into(),
            })?;
        let lifetime = token
            .expires_in
            .unwrap_or(12_600)
            .saturating_sub(300)
            .max(30);
        self.store
            .put(
                APP_TOKEN_KEY,
                token.access_token.expose(),
                Some(Duration::from_secs(lifetime)),
            )
            .await?;
        Ok(token.access_token)
    }

    /// Statuses every Enedis endpoint shares: 429 (slows the pacer down) and 5xx.
    async fn check_status(
        &self,
        endpoint: &'static str,
        response: &reqwest::Response,
    ) -> Result<(), UpstreamError> {
        let status = response.status().as_u16();
        if status == 429 {
            let retry = retry_after(response);
            self.pacer.slow_down(retry).await;
            return Err(UpstreamError::RateLimited {
                endpoint,
                retry_after: retry,
            });
        }
        if status >= 500 {
            return Err(UpstreamError::Unavailable { endpoint, status });
        }
        Ok(())
    }

    /// One paced call with the application token, renewed and retried once on 401.
    async fn call(
        &self,
        endpoint: &'static str,
        user: &str,
        request: impl Fn(&Secret) -> Result<reqwest::RequestBuilder, UpstreamError>,
    ) -> Result<(u16, Value), UpstreamError> {
        let mut renew = false;
        loop {
            let token = self.app_token(renew).await?;
            self.pacer.acquire(user).await?;
            let response = request(&token)?
                .header(reqwest::header::ACCEPT, "application/json")
                .send()
                .await
                .map_err(UpstreamError::Unreachable)?;
            let status = response.status().as_u16();
            self.metrics.upstream(endpoint, status);
            self.check_status(endpoint, &response).await?;
            if status == 401 && !renew {
                renew = true;
                continue;
            }
            // Error bodies are read only for their code; an unparsable one is just empty.
            let body = response.json::<Value>().await.unwrap_or(Value::Null);
            return Ok((status, body));
        }
    }

    /// The PRMs Enedis confirms for a consent, retried while the list is still empty (it is for
    /// a few seconds after consent). Empty after all tries: not confirmed (yet).
    pub async fn confirmed_prms(
        &self,
        autorisation_id: &str,
    ) -> Result<Vec<String>, UpstreamError> {
        const ENDPOINT: &str = "subscribed_services/v1";
        // The 2026 API takes the id as a number; keep it a string only if it is not one.
        let id = autorisation_id
            .parse::<u64>()
            .map_or_else(|_| json!(autorisation_id), |n| json!(n));
        let body = json!({"autorisationId": id, "comptage": false, "etatCode": ["ACTIF", "DEMANDE"], "serviceType": "ACCES"});
        for attempt in 1..=self.subscription_tries.max(1) {
            let (status, answer) = self
                .call(ENDPOINT, APP_USER, |token| {
                    Ok(self
                        .http
                        .post(self.url(api::SUBSCRIBED_SERVICES_PATH)?)
                        .bearer_auth(token.expose())
                        .json(&body))
                })
                .await?;
            match status {
                200 => {
                    let mut prms = Vec::new();
                    collect_point_ids(&answer, &mut prms);
                    prms.sort();
                    prms.dedup();
                    if !prms.is_empty() {
                        return Ok(prms);
                    }
                }
                403 => return Err(UpstreamError::NoConsent),
                404 => {}
                other => {
                    return Err(UpstreamError::BadResponse {
                        endpoint: ENDPOINT,
                        reason: format!("status {other}"),
                    });
                }
            }
            if attempt < self.subscription_tries {
                tokio::time::sleep(self.subscription_delay).await;
            }
        }
        Ok(Vec::new())
    }

    /// A metering resource in the v5 shape.
    pub async fn measure(
        &self,
        user: &str,
        measure: &Measure,
        prm: &str,
        start: Date,
        end: Date,
    ) -> Result<Value, UpstreamError> {
        let (status, body) = self
            .call("metering", user, |token| {
                let mut url = self.url(measure.path)?;
                url.query_pairs_mut()
                    .append_pair(api::QUERY_POINT, prm)
                    .append_pair(api::QUERY_START, &fmt_date(start))
                    .append_pair(api::QUERY_END, &fmt_date(end));
                Ok(self.http.get(url).bearer_auth(token.expose()))
            })
            .await?;
        check_data_status(status, &body)?;
        to_v5(measure, prm, start, end, &body, self.curve_timestamps)
    }

    /// The contract of a PRM in the v5 shape, from the two 2026 endpoints, without the holder's
    /// personal data.
    pub async fn contracts(&self, user: &str, prm: &str) -> Result<Value, UpstreamError> {
        let mut parts = Vec::with_capacity(2);
        for path in [api::CONTRACT_SITUATION_PATH, api::METERING_POINT_PATH] {
            let (status, body) = self
                .call("contracts", user, |token| {
                    Ok(self
                        .http
                        .get(self.url(&format!("{path}{prm}"))?)
                        .bearer_auth(token.expose()))
                })
                .await?;
            check_data_status(status, &body)?;
            parts.push(body);
        }
        Ok(contracts_to_v5(prm, &parts[0], &parts[1]))
    }
}

fn check_data_status(status: u16, body: &Value) -> Result<(), UpstreamError> {
    let code = body
        .get("error")
        .or_else(|| body.get("code"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    match status {
        200 => Ok(()),
        400 => Err(UpstreamError::BadParameters),
        403 if code == api::NOT_HOLDER => Err(UpstreamError::NotHolder),
        401 | 403 => Err(UpstreamError::NoConsent),
        404 => Err(UpstreamError::NoData),
        other => Err(UpstreamError::BadResponse {
            endpoint: "metering",
            reason: format!("status {other}"),
        }),
    }
}

fn collect_point_ids(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                match value {
                    Value::String(s) if key == api::POINT_ID_FIELD && is_prm(s) => {
                        out.push(s.clone());
                    }
                    _ => collect_point_ids(value, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_point_ids(v, out)),
        _ => {}
    }
}

pub fn fmt_date(date: Date) -> String {
    date.format(format_description!("[year]-[month]-[day]"))
        .unwrap_or_default()
}

pub fn parse_date(value: &str) -> Option<Date> {
    Date::parse(value, format_description!("[year]-[month]-[day]")).ok()
}

fn parse_timestamp(value: &str) -> Option<PrimitiveDateTime> {
    let value = value.trim().replacen('T', " ", 1);
    let value = value.get(..19).unwrap_or(&value);
    PrimitiveDateTime::parse(
        value,
        format_description!("[year]-[month]-[day] [hour]:[minute]:[second]"),
    )
    .ok()
}

fn fmt_timestamp(at: PrimitiveDateTime) -> String {
    at.format(format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second]"
    ))
    .unwrap_or_default()
}

/// `PT30M`, `PT1H`, `PT10M`…: the interval lengths load curves use.
fn parse_period(value: &str) -> Option<time::Duration> {
    let rest = value.strip_prefix("PT")?;
    if let Some(minutes) = rest.strip_suffix('M') {
        return minutes
            .parse::<i64>()
            .ok()
            .filter(|m| *m > 0)
            .map(time::Duration::minutes);
    }
    rest.strip_suffix('H')?
        .parse::<i64>()
        .ok()
        .filter(|h| *h > 0)
        .map(time::Duration::hours)
}

/// The power of ten that turns a value in `unit` into the v5 base unit of `shape`.
fn unit_scale(shape: Shape, unit: &str) -> Option<u32> {
    match (shape, unit) {
        (Shape::DailyEnergy, "Wh") | (Shape::LoadCurve, "W") | (Shape::MaxPower, "VA") => Some(0),
        (Shape::DailyEnergy, "kWh") | (Shape::LoadCurve, "kW") | (Shape::MaxPower, "kVA") => {
            Some(3)
        }
        _ => None,
    }
}

/// An exact decimal string times 10^`exp`, rounded half up to an integer: `"4.0785"` kW is
/// 4079 W. No floating point, so no 4077.9999 surprises.
pub fn scale_decimal(value: &str, exp: u32) -> Option<i64> {
    let value = value.trim();
    let (negative, digits) = value
        .strip_prefix('-')
        .map_or((false, value), |rest| (true, rest));
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if (int.is_empty() && frac.is_empty())
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let exp = exp as usize;
    let kept: String = frac
        .chars()
        .chain(std::iter::repeat('0'))
        .take(exp)
        .collect();
    let mut n = format!("{}{kept}", if int.is_empty() { "0" } else { int })
        .parse::<i64>()
        .ok()?;
    if frac.as_bytes().get(exp).is_some_and(|b| *b >= b'5') {
        n = n.checked_add(1)?;
    }
    Some(if negative { -n } else { n })
}

fn reading_type(shape: Shape) -> Value {
    match shape {
        Shape::DailyEnergy => {
            json!({"measurement_kind": "energy", "measuring_period": "P1D", "unit": "Wh", "aggregate": "sum"})
        }
        Shape::LoadCurve => {
            json!({"measurement_kind": "power", "unit": "W", "aggregate": "average"})
        }
        Shape::MaxPower => {
            json!({"measurement_kind": "power", "measuring_period": "P1D", "unit": "VA", "aggregate": "maximum"})
        }
    }
}

/// Translates a 2026 metering answer into the v5 `meter_reading` existing clients read: values
/// as integer strings in the base unit (W, Wh, VA), daily dates `YYYY-MM-DD`, load-curve dates
/// `YYYY-MM-DD HH:MM:SS` marking the *end* of their interval (the v5 convention), whatever
/// convention `upstream_mark` says the 2026 answer uses. Points outside the asked period are
/// dropped.
pub fn to_v5(
    measure: &Measure,
    prm: &str,
    start: Date,
    end: Date,
    body: &Value,
    upstream_mark: IntervalMark,
) -> Result<Value, UpstreamError> {
    const ENDPOINT: &str = "metering";
    let bad = |reason: &str| UpstreamError::BadResponse {
        endpoint: ENDPOINT,
        reason: reason.to_owned(),
    };
    let grandeurs = body
        .get("grandeur")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("no grandeur"))?;
    let matches = |g: &&Value, field: &str, want: &str| {
        g.get(field)
            .and_then(Value::as_str)
            .is_none_or(|v| v == want)
    };
    let grandeur = grandeurs
        .iter()
        .find(|g| {
            matches(g, "grandeurMetier", measure.grandeur_metier)
                && matches(g, "grandeurPhysique", measure.grandeur_physique)
        })
        .ok_or(UpstreamError::NoData)?;
    let unit = grandeur
        .get("unite")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("no unit"))?;
    let exp =
        unit_scale(measure.shape, unit).ok_or_else(|| UpstreamError::Unit(unit.to_owned()))?;
    let points = grandeur
        .get("points")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("no points"))?;
    let (from, to) = (start.midnight(), end.midnight());
    let mut readings = Vec::with_capacity(points.len());
    for point in points {
        let raw = match point.get("v") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => return Err(bad("a point without a value")),
        };
        let value = scale_decimal(&raw, exp).ok_or_else(|| bad("a value that is not a number"))?;
        let date = point
            .get("d")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("a point without a date"))?;
        let reading = match measure.shape {
            Shape::DailyEnergy => {
                let day =
                    parse_date(date.get(..10).unwrap_or(date)).ok_or_else(|| bad("a bad date"))?;
                if day < start || day >= end {
                    continue;
                }
                json!({"value": value.to_string(), "date": fmt_date(day)})
            }
            Shape::MaxPower => {
                let at = parse_timestamp(date).ok_or_else(|| bad("a bad timestamp"))?;
                if at.date() < start || at.date() >= end {
                    continue;
                }
                json!({"value": value.to_string(), "date": fmt_timestamp(at)})
            }
            Shape::LoadCurve => {
                let at = parse_timestamp(date).ok_or_else(|| bad("a bad timestamp"))?;
                let length = point.get("p").and_then(Value::as_str).unwrap_or("PT30M");
                let period = parse_period(length).ok_or_else(|| bad("a bad interval length"))?;
                let end_of_interval = match upstream_mark {
                    IntervalMark::End => at,
                    IntervalMark::Start => at + period,
                };
                if end_of_interval <= from || end_of_interval > to {
                    continue;
                }
                let measure_type = point.get("n").and_then(Value::as_str).unwrap_or("B");
                json!({
                    "value": value.to_string(),
                    "date": fmt_timestamp(end_of_interval),
                    "interval_length": length,
                    "measure_type": measure_type,
                })
            }
        };
        readings.push(reading);
    }
    let quality = body
        .get("etapeMetier")
        .and_then(Value::as_str)
        .unwrap_or("BRUT");
    Ok(json!({
        "meter_reading": {
            "usage_point_id": prm,
            "start": fmt_date(start),
            "end": fmt_date(end),
            "quality": quality,
            "reading_type": reading_type(measure.shape),
            "interval_reading": readings,
        }
    }))
}

/// The v5 contracts answer from the 2026 contract situation and metering point. Only technical
/// fields are copied, by name: the holder's name, address or contact never reach a client.
pub fn contracts_to_v5(prm: &str, situation: &Value, point: &Value) -> Value {
    let text = |v: &Value, field: &str| v.get(field).and_then(Value::as_str).map(str::to_owned);
    let power = situation.get("puissanceSouscrite").and_then(|p| {
        let value = p.get("valeur").and_then(|v| {
            v.as_str()
                .map(str::to_owned)
                .or_else(|| v.as_f64().map(|f| f.to_string()))
        })?;
        let unit = p.get("unite").and_then(Value::as_str).unwrap_or("kVA");
        Some(format!("{value} {unit}"))
    });
    let mut contracts = Map::new();
    for (v5, value) in [
        ("segment", text(situation, "segment")),
        ("subscribed_power", power),
        (
            "last_activation_date",
            text(situation, "dateDerniereActivation"),
        ),
        ("distribution_tariff", text(situation, "tarifAcheminement")),
        ("offpeak_hours", text(situation, "plagesHeuresCreuses")),
        ("contract_status", text(situation, "etatContractuel")),
        (
            "last_distribution_tariff_change_date",
            text(situation, "dateDernierChangementTarif"),
        ),
    ] {
        if let Some(value) = value {
            contracts.insert(v5.to_owned(), Value::String(value));
        }
    }
    let mut usage_point = Map::new();
    usage_point.insert("usage_point_id".into(), json!(prm));
    for (v5, value) in [
        ("usage_point_status", text(point, "etatPoint")),
        ("meter_type", text(point, "typeComptage")),
    ] {
        if let Some(value) = value {
            usage_point.insert(v5.to_owned(), Value::String(value));
        }
    }
    json!({"customer": {"usage_points": [{"usage_point": usage_point, "contracts": contracts}]}})
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn decimals_scale_exactly() {
        assert_eq!(scale_decimal("4078", 0), Some(4078));
        assert_eq!(scale_decimal("4.078", 3), Some(4078));
        assert_eq!(scale_decimal("4.0785", 3), Some(4079));
        assert_eq!(scale_decimal("0.5", 0), Some(1));
        assert_eq!(scale_decimal(".25", 3), Some(250));
        assert_eq!(scale_decimal("12", 3), Some(12_000));
        assert_eq!(scale_decimal("-1.5", 3), Some(-1500));
        assert_eq!(scale_decimal("1e3", 0), None);
        assert_eq!(scale_decimal("", 0), None);
        assert_eq!(scale_decimal("1,5", 3), None);
    }

    fn measure(path: &str) -> &'static Measure {
        match Resource::from_v5_path(path) {
            Some(Resource::Measure(m)) => m,
            _ => panic!("{path}"),
        }
    }

    #[test]
    fn only_the_documented_paths_are_resources() {
        for m in MEASURES {
            assert!(Resource::from_v5_path(m.v5_path).is_some());
        }
        assert!(matches!(
            Resource::from_v5_path("customers_upc/v5/usage_points/contracts"),
            Some(Resource::Contracts)
        ));
        for path in [
            "customers/v5/contact_data",
            "customers_i/v5/identity",
            "metering_data_dc/v5/../../admin",
            "",
        ] {
            assert!(Resource::from_v5_path(path).is_none(), "{path}");
        }
    }

    #[test]
    fn a_load_curve_in_kw_marked_at_start_becomes_v5_in_w_marked_at_end() {
        let body = json!({
            "idPrm": "22516914714270", "etapeMetier": "BRUT",
            "periode": {"dateDebut": "2026-09-29", "dateFin": "2026-09-30"},
            "grandeur": [{"grandeurMetier": "CONS", "grandeurPhysique": "PA", "unite": "kW", "points": [
                {"v": "4.078", "d": "2026-09-28 23:30:00", "p": "PT30M", "n": "B"},
                {"v": "0.35", "d": "2026-09-29 00:00:00", "p": "PT30M", "n": "B"},
                {"v": "0.5004", "d": "2026-09-29 23:30:00", "p": "PT30M", "n": "B"},
            ]}]
        });
        let v5 = to_v5(
            measure("metering_data_clc/v5/consumption_load_curve"),
            "22516914714270",
            date!(2026 - 09 - 29),
            date!(2026 - 09 - 30),
            &body,
            IntervalMark::Start,
        )
        .unwrap();
        assert_eq!(
            v5,
            json!({"meter_reading": {
                "usage_point_id": "22516914714270", "start": "2026-09-29", "end": "2026-09-30", "quality": "BRUT",
                "reading_type": {"measurement_kind": "power", "unit": "W", "aggregate": "average"},
                "interval_reading": [
                    {"value": "350", "date": "2026-09-29 00:30:00", "interval_length": "PT30M", "measure_type": "B"},
                    {"value": "500", "date": "2026-09-30 00:00:00", "interval_length": "PT30M", "measure_type": "B"},
                ],
            }})
        );
    }

    #[test]
    fn a_load_curve_marked_at_end_keeps_its_timestamps() {
        let body = json!({"grandeur": [{"grandeurMetier": "CONS", "grandeurPhysique": "PA", "unite": "W", "points": [
            {"v": "4078", "d": "2026-09-29 00:00:00", "p": "PT30M"},
            {"v": "350", "d": "2026-09-29 00:30:00", "p": "PT30M"},
            {"v": "500", "d": "2026-09-30 00:00:00", "p": "PT30M"},
        ]}]});
        let v5 = to_v5(
            measure("metering_data_clc/v5/consumption_load_curve"),
            "22516914714270",
            date!(2026 - 09 - 29),
            date!(2026 - 09 - 30),
            &body,
            IntervalMark::End,
        )
        .unwrap();
        let dates: Vec<_> = v5["meter_reading"]["interval_reading"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["date"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(
            dates,
            ["2026-09-29 00:30:00", "2026-09-30 00:00:00"],
            "00:00 ends the previous day's last interval"
        );
    }

    #[test]
    fn daily_energy_in_kwh_becomes_wh_and_unknown_units_are_refused() {
        let body = |unit: &str| {
            json!({"grandeur": [{"grandeurMetier": "CONS", "grandeurPhysique": "EA", "unite": unit, "points": [
            {"v": "12.345", "d": "2026-09-29"}, {"v": "9.9", "d": "2026-09-30T00:00:00"}]}]})
        };
        let dc = measure("metering_data_dc/v5/daily_consumption");
        let v5 = to_v5(
            dc,
            "22516914714270",
            date!(2026 - 09 - 29),
            date!(2026 - 10 - 01),
            &body("kWh"),
            IntervalMark::End,
        )
        .unwrap();
        assert_eq!(
            v5["meter_reading"]["interval_reading"],
            json!([{"value": "12345", "date": "2026-09-29"}, {"value": "9900", "date": "2026-09-30"}])
        );
        assert_eq!(v5["meter_reading"]["reading_type"]["unit"], "Wh");
        assert!(
            matches!(to_v5(dc, "22516914714270", date!(2026 - 09 - 29), date!(2026 - 10 - 01), &body("MWh"), IntervalMark::End), Err(UpstreamError::Unit(u)) if u == "MWh")
        );
        assert!(matches!(
            to_v5(
                dc,
                "22516914714270",
                date!(2026 - 09 - 29),
                date!(2026 - 10 - 01),
                &body("W"),
                IntervalMark::End
            ),
            Err(UpstreamError::Unit(_))
        ));
    }

    #[test]
    fn production_is_not_read_from_a_consumption_grandeur() {
        let body = json!({"grandeur": [{"grandeurMetier": "CONS", "grandeurPhysique": "EA", "unite": "Wh", "points": []}]});
        let dp = measure("metering_data_dp/v5/daily_production");
        assert!(matches!(
            to_v5(
                dp,
                "22516914714270",
                date!(2026 - 09 - 29),
                date!(2026 - 10 - 01),
                &body,
                IntervalMark::End
            ),
            Err(UpstreamError::NoData)
        ));
    }

    #[test]
    fn contracts_keep_no_personal_data() {
        let situation = json!({"idPrm": "22516914714270", "segment": "C5", "puissanceSouscrite": {"valeur": "9", "unite": "kVA"},
            "tarifAcheminement": "BTINFCU4", "etatContractuel": "SERVC",
            "titulaire": {"nom": "Dupont", "prenom": "Marie", "adresse": {"ligne": "3 rue des Lilas"}, "email": "m@example.org"}});
        let point = json!({"idPrm": "22516914714270", "typeComptage": "AMM", "etatPoint": "com", "adresseInstallation": "3 rue des Lilas"});
        let v5 = contracts_to_v5("22516914714270", &situation, &point);
        for personal in ["Dupont", "Marie", "Lilas", "example.org"] {
            assert!(!v5.to_string().contains(personal), "{v5}");
        }
        assert_eq!(
            v5,
            json!({"customer": {"usage_points": [{
                "usage_point": {"usage_point_id": "22516914714270", "usage_point_status": "com", "meter_type": "AMM"},
                "contracts": {"segment": "C5", "subscribed_power": "9 kVA", "distribution_tariff": "BTINFCU4", "contract_status": "SERVC"},
            }]}})
        );
    }

    #[test]
    fn point_ids_are_found_wherever_the_answer_nests_them() {
        let answer = json!({"services": [{"pointId": "22516914714270", "etatCode": "ACTIF"}, {"nested": {"pointId": "24880057139941"}}, {"pointId": "not-a-prm"}]});
        let mut prms = Vec::new();
        collect_point_ids(&answer, &mut prms);
        assert_eq!(prms, ["22516914714270", "24880057139941"]);
    }
}
