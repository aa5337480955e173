//! [`ProxySource`]: the [`Source`] that reads a linked meter's data through hearth-proxy's
//! `/data/proxy/{v5 path}`, with the meter's bearer token, deserialized with hearth-metering's
//! models, every `reason` the proxy gives mapped to its [`DataError`].
//!
//! Polite by construction: one call at a time per meter, spaced by [`SourceOptions::spacing`];
//! the proxy paces the upstream quota for all its users, this only keeps one app from queueing
//! a meter's whole backfill at once. Nothing here retries a refused call: a quota or an outage
//! comes back at once with the wait the proxy gave, and the sync engine decides.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use hearth_metering::{Contract, ContractsResponse, MeterReading, MeterReadingResponse};
use hearth_oauth::{AccessToken, OAuthError, TokenError};
use jiff::civil::Date;
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, AUTHORIZATION, RETRY_AFTER};
use serde::Deserialize;

use crate::proxy::{ConfigError, http_client, is_prm};
use crate::tokens::MeterTokens;
use crate::{DataError, DayRange, Measure, Source};

/// The v5 contracts path under `/data/proxy/`.
const CONTRACTS_PATH: &str = "customers_upc/v5/usage_points/contracts";

/// The wait a `quota` or `outage` refusal implies when the proxy names none (hearth-proxy
/// always does; the seed's proxy never did).
const DEFAULT_RETRY: Duration = Duration::from_secs(60);

/// How the data client behaves.
#[derive(Debug, Clone)]
pub struct SourceOptions {
    /// The least time between the end of one call for a meter and the start of the next.
    pub spacing: Duration,
    /// The longest a call may take, the proxy's own queueing for the quota included.
    pub timeout: Duration,
    /// The largest answer read (a week of 10-minute load curve is under 100 kB).
    pub max_body_bytes: usize,
}

impl Default for SourceOptions {
    fn default() -> Self {
        Self {
            spacing: Duration::from_millis(250),
            // hearth-proxy answers within 60 s (its queue for the quota included).
            timeout: Duration::from_secs(75),
            max_body_bytes: 2 * 1024 * 1024,
        }
    }
}

/// Reads linked meters' data through the proxy of `tokens`.
pub struct ProxySource {
    tokens: Arc<MeterTokens>,
    http: reqwest::Client,
    options: SourceOptions,
    /// Per meter: when its last call ended. Held for the whole of a call, so that a meter's
    /// calls go one at a time.
    meters: Mutex<HashMap<String, Arc<tokio::sync::Mutex<Option<Instant>>>>>,
}

impl fmt::Debug for ProxySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProxySource")
            .field("tokens", &self.tokens)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// The RFC 6749 error body, with hearth-proxy's `reason`.
#[derive(Deserialize, Default)]
struct ErrorBody {
    #[serde(default)]
    error: String,
    #[serde(default)]
    reason: Option<String>,
}

impl ProxySource {
    pub fn new(tokens: Arc<MeterTokens>, options: SourceOptions) -> Result<Self, ConfigError> {
        Ok(Self {
            http: http_client(options.timeout)?,
            tokens,
            options,
            meters: Mutex::default(),
        })
    }

    pub fn tokens(&self) -> &Arc<MeterTokens> {
        &self.tokens
    }

    fn meter_lock(&self, prm: &str) -> Arc<tokio::sync::Mutex<Option<Instant>>> {
        let mut meters = self.meters.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(meters.entry(prm.to_owned()).or_default())
    }

    /// One GET of `/data/proxy/{path}` for meter `prm`, in turn with the meter's other calls.
    async fn get(
        &self,
        prm: &str,
        path: &str,
        range: Option<DayRange>,
    ) -> Result<Vec<u8>, DataError> {
        if !is_prm(prm) {
            return Err(DataError::NoConsent);
        }
        let mut url = self
            .tokens
            .config()
            .route(&format!("data/proxy/{path}"))
            .map_err(|err| DataError::Transport(err.to_string()))?;
        {
            let mut query = url.query_pairs_mut();
            query.append_pair("usage_point_id", prm);
            if let Some(range) = range {
                query
                    .append_pair("start", &range.start.to_string())
                    .append_pair("end", &range.end.to_string());
            }
        }
        let turn = self.meter_lock(prm);
        let mut last = turn.lock().await;
        if let Some(ended) = *last {
            tokio::time::sleep_until((ended + self.options.spacing).into()).await;
        }
        let result = self.authorized(prm, &url).await;
        *last = Some(Instant::now());
        tracing::debug!(path, ?range, ok = result.is_ok(), "energy data call");
        result
    }

    /// The call with the meter's token; after a 401 `invalid_token`, once more with a renewed
    /// one.
    async fn authorized(&self, prm: &str, url: &url::Url) -> Result<Vec<u8>, DataError> {
        let tokens = self.tokens.manager(prm);
        let token = tokens.access_token().await.map_err(token_error)?;
        match self.send(url, &token).await? {
            Answer::Unauthorized => {}
            Answer::Body(body) => return Ok(body),
        }
        let renewed = tokens
            .after_unauthorized(&token)
            .await
            .map_err(token_error)?;
        match self.send(url, &renewed).await? {
            Answer::Body(body) => Ok(body),
            Answer::Unauthorized => Err(DataError::Unauthorized),
        }
    }

    async fn send(&self, url: &url::Url, token: &AccessToken) -> Result<Answer, DataError> {
        let authorization = token
            .authorization_header()
            .map_err(|_| DataError::Unauthorized)?;
        let response = self
            .http
            .get(url.clone())
            .header(AUTHORIZATION, authorization)
            .header(ACCEPT, "application/json")
            .send()
            .await
            .map_err(|err| DataError::Transport(describe(&err)))?;
        let status = response.status();
        let retry_after = retry_after(&response);
        let body = read_limited(response, self.options.max_body_bytes).await?;
        if status.is_success() {
            return Ok(Answer::Body(body));
        }
        let error: ErrorBody = serde_json::from_slice(&body).unwrap_or_default();
        if status == StatusCode::UNAUTHORIZED && error.error == "invalid_token" {
            return Ok(Answer::Unauthorized);
        }
        Err(refusal(status, &error, retry_after))
    }
}

enum Answer {
    Body(Vec<u8>),
    /// 401 `invalid_token`: the device's own token is unknown or expired.
    Unauthorized,
}

/// What a refused data call means. The `reason` decides; without one (a proxy in front of the
/// call refusing it, or an older proxy) the status does.
fn refusal(status: StatusCode, error: &ErrorBody, retry_after: Option<Duration>) -> DataError {
    let retry_after = retry_after.unwrap_or(DEFAULT_RETRY);
    match error.reason.as_deref() {
        Some("no_consent") => DataError::NoConsent,
        Some("not_holder") => DataError::NotHolder,
        Some("before_activation") => DataError::BeforeActivation,
        Some("bad_range") => DataError::BadRange,
        Some("no_data") => DataError::NoData,
        Some("not_subscribed") => DataError::NotSubscribed,
        Some("quota") => DataError::Quota { retry_after },
        Some("outage") => DataError::Outage { retry_after },
        _ => match status {
            StatusCode::UNAUTHORIZED => DataError::Unauthorized,
            StatusCode::TOO_MANY_REQUESTS => DataError::Quota { retry_after },
            StatusCode::NOT_FOUND if error.error == "no_data_found" => DataError::NoData,
            status if status.is_server_error() => DataError::Outage { retry_after },
            status => DataError::Transport(format!("the proxy answered {}", status.as_u16())),
        },
    }
}

/// `Retry-After` in seconds (what hearth-proxy sends); an HTTP date is not worth a parser here.
fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    response
        .headers()
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}

/// The body, refused past `max` bytes (announced or read).
async fn read_limited(mut response: reqwest::Response, max: usize) -> Result<Vec<u8>, DataError> {
    let too_large = || DataError::Malformed(format!("the answer is larger than {max} bytes"));
    if response
        .content_length()
        .is_some_and(|length| usize::try_from(length).map_or(true, |length| length > max))
    {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|err| DataError::Transport(describe(&err)))?
    {
        if body.len() + chunk.len() > max {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// reqwest's messages include the URL (the meter's PRM): describe the kind only.
fn describe(err: &reqwest::Error) -> String {
    let kind = if err.is_timeout() {
        "timed out"
    } else if err.is_connect() {
        "connection failed"
    } else if err.is_body() || err.is_decode() {
        "the answer was cut short"
    } else {
        "the request failed"
    };
    kind.to_owned()
}

/// The token manager's reasons, in the data call's terms (messages carry no token).
fn token_error(err: TokenError) -> DataError {
    match err {
        TokenError::NotLinked | TokenError::RelinkNeeded | TokenError::Decode(_) => {
            DataError::Unauthorized
        }
        TokenError::Refresh(OAuthError::Transport(err)) => DataError::Transport(err.to_string()),
        TokenError::Refresh(err) if err.is_transient() => DataError::Outage {
            retry_after: DEFAULT_RETRY,
        },
        // The store's own words: the token manager's speak of remote access.
        TokenError::Persist(err) | TokenError::Load(err) => DataError::Keychain(err.to_string()),
        err @ (TokenError::Refresh(_) | TokenError::Malformed | TokenError::Interrupted) => {
            DataError::Transport(err.to_string())
        }
    }
}

impl Source for ProxySource {
    async fn reading(
        &self,
        prm: &str,
        measure: Measure,
        range: DayRange,
    ) -> Result<MeterReading, DataError> {
        if range.start >= range.end || range.days() > i64::from(measure.max_days_per_call()) {
            return Err(DataError::BadRange);
        }
        let body = self.get(prm, measure.path(), Some(range)).await?;
        let response: MeterReadingResponse =
            serde_json::from_slice(&body).map_err(|err| DataError::Malformed(err.to_string()))?;
        Ok(response.meter_reading)
    }

    async fn contract(&self, prm: &str) -> Result<Contract, DataError> {
        let body = self.get(prm, CONTRACTS_PATH, None).await?;
        let response: ContractsResponse =
            serde_json::from_slice(&body).map_err(|err| DataError::Malformed(err.to_string()))?;
        response
            .customer
            .usage_points
            .into_iter()
            .find(|point| point.usage_point.usage_point_id == prm)
            .map(|point| point.contracts)
            .ok_or_else(|| DataError::Malformed("the answer has no contract for this meter".into()))
    }
}

/// `range` cut into calls of at most `measure.max_days_per_call()` days, the newest first (what
/// matters most comes first, and a backfill stopped half-way has the recent part).
pub fn chunks(measure: Measure, range: DayRange) -> Vec<DayRange> {
    let step = i64::from(measure.max_days_per_call());
    let mut out = Vec::new();
    let mut end = range.end;
    while end > range.start {
        let start = end
            .checked_sub(jiff::Span::new().days(step))
            .map_or(range.start, |start| start.max(range.start));
        out.push(DayRange { start, end });
        end = start;
    }
    out
}

/// What [`fetch_range`] got.
#[derive(Debug, Default)]
pub struct Fetched {
    /// The readings, newest chunk first.
    pub readings: Vec<(DayRange, MeterReading)>,
    /// Chunks the proxy had no data for (not published yet, or nothing to measure).
    pub empty: Vec<DayRange>,
    /// The chunk that stopped the fetch and why (a quota or an outage says when to try again:
    /// [`DataError::retry_after`]); the chunks older than it were not asked.
    pub stopped: Option<(DayRange, DataError)>,
}

/// Fetches `range` of `measure` for meter `prm`, chunk by chunk, newest first, stopping at the
/// first refusal other than "no data".
pub async fn fetch_range(
    source: &impl Source,
    prm: &str,
    measure: Measure,
    range: DayRange,
) -> Fetched {
    let mut fetched = Fetched::default();
    for chunk in chunks(measure, range) {
        match source.reading(prm, measure, chunk).await {
            Ok(reading) => fetched.readings.push((chunk, reading)),
            Err(DataError::NoData) => fetched.empty.push(chunk),
            Err(err) => {
                fetched.stopped = Some((chunk, err));
                break;
            }
        }
    }
    fetched
}

/// Today's date in France, the day Enedis's ranges are counted in.
pub fn paris_today() -> Date {
    jiff::Timestamp::now()
        .to_zoned(hearth_metering::paris::zone().clone())
        .date()
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::{ErrorBody, StatusCode, chunks, refusal};
    use crate::{DataError, DayRange, Measure};

    #[test]
    fn chunks_are_newest_first_and_within_the_limit() {
        let range = DayRange {
            start: date(2025, 10, 27),
            end: date(2026, 12, 1),
        };
        assert_eq!(range.days(), 400);
        let daily = chunks(Measure::DailyConsumption, range);
        assert_eq!(
            daily,
            [
                DayRange {
                    start: date(2025, 12, 1),
                    end: date(2026, 12, 1)
                },
                DayRange {
                    start: date(2025, 10, 27),
                    end: date(2025, 12, 1)
                },
            ]
        );
        let curve = chunks(
            Measure::ConsumptionLoadCurve,
            DayRange {
                start: date(2026, 11, 1),
                end: date(2026, 11, 21),
            },
        );
        assert_eq!(
            curve.iter().map(DayRange::days).collect::<Vec<_>>(),
            [7, 7, 6]
        );
        assert_eq!(curve[0].end, date(2026, 11, 21));
        assert_eq!(curve[2].start, date(2026, 11, 1));
        assert!(
            chunks(
                Measure::DailyConsumption,
                DayRange {
                    start: date(2026, 11, 1),
                    end: date(2026, 11, 1)
                }
            )
            .is_empty()
        );
    }

    #[test]
    fn every_reason_has_its_error() {
        let body = |reason: &str| ErrorBody {
            error: "access_denied".into(),
            reason: Some(reason.into()),
        };
        let wait = Some(std::time::Duration::from_secs(42));
        let cases = [
            ("no_consent", DataError::NoConsent),
            ("not_holder", DataError::NotHolder),
            ("before_activation", DataError::BeforeActivation),
            ("bad_range", DataError::BadRange),
            ("no_data", DataError::NoData),
            ("not_subscribed", DataError::NotSubscribed),
            (
                "quota",
                DataError::Quota {
                    retry_after: std::time::Duration::from_secs(42),
                },
            ),
            (
                "outage",
                DataError::Outage {
                    retry_after: std::time::Duration::from_secs(42),
                },
            ),
        ];
        for (reason, expected) in cases {
            assert_eq!(
                refusal(StatusCode::FORBIDDEN, &body(reason), wait),
                expected
            );
        }
        // Without a reason, the status: a 503 of a reverse proxy is an outage, a minute by
        // default.
        assert_eq!(
            refusal(StatusCode::BAD_GATEWAY, &ErrorBody::default(), None),
            DataError::Outage {
                retry_after: std::time::Duration::from_secs(60)
            }
        );
        assert!(matches!(
            refusal(StatusCode::IM_A_TEAPOT, &ErrorBody::default(), None),
            DataError::Transport(_)
        ));
    }
}
