//! The Hue Remote API: the same bridge, reached through the Hue cloud from anywhere.
//!
//! [`RemoteTransport`] implements [`Transport`], so the [`Client`](crate::Client), the
//! [`v1::V1Client`](crate::v1::V1Client), pairing and the [`Pacer`](crate::Pacer) work over it
//! unchanged; callers do not care which transport they hold. What differs:
//!
//! - requests go to `<base>/route/clip/v2/…` and `<base>/route/api/…` (base configurable, default
//!   [`DEFAULT_BASE_URL`]) with `Authorization: Bearer <token>`, `hue-application-key` for CLIP v2,
//!   and `Content-Type: application/json` on every `PUT` and `POST` (the cloud answers 415
//!   without it);
//! - the bearer token comes from a [`BearerSource`]. A 401 from the cloud means the token was
//!   refused: the source is asked once for a fresh one ([`BearerSource::rejected`]) and the
//!   request is sent once more; a second 401 is [`Error::RemoteRefused`]. This crate knows
//!   nothing of OAuth, keychains or refresh tokens: `hearth-core` adapts
//!   `hearth_oauth::TokenManager` to this trait (so that `hearth-hue` does not depend on
//!   `hearth-oauth`, and a test can hand it a fixed token);
//! - there is no event stream through the cloud: [`poll`] asks for the whole state gently
//!   (every 15 s by default, after each command, less when the day's call budget runs low, with
//!   backoff on 429 and failures) and turns each difference into the same [`Event`](crate::Event)s
//!   the bridge's stream gives, so the [`Cache`](crate::Cache) and everything above it follow;
//! - a bridge the user never paired with gets a username through the cloud
//!   ([`username::create`]: the remote link button, then `POST /route/api`).
//!
//! Every call is counted ([`RemoteActivity`]): the cloud is reported to allow about 50,000 calls
//! a day per app (unverified), and polling slows down to stay well within it.

pub mod poll;
pub mod username;

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use hearth_secret::Secret;
use reqwest::Method;
use tokio::sync::{Notify, Semaphore};
use url::Url;

use crate::Error;
use crate::transport::{
    BoxFuture, ByteStream, HttpRequest, HttpResponse, Transport, failure_reason, is_loopback,
    retry_after,
};

/// The Hue cloud. Tests and the demo replace it with the simulator's address.
pub const DEFAULT_BASE_URL: &str = "https://api.meethue.com";

/// About how many calls the cloud allows an app per day (reported by users, not documented).
pub const DEFAULT_DAILY_BUDGET: u64 = 50_000;

/// Why no bearer token can be had. Messages are for the user and carry no token.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BearerError {
    #[error("remote access is not linked: link it first")]
    NotLinked,
    #[error("remote access has expired or was revoked: link it again")]
    RelinkNeeded,
    #[error("no remote access token could be had: {reason}")]
    Unavailable { reason: String, transient: bool },
}

/// Where a [`RemoteTransport`] gets its bearer token.
pub trait BearerSource: Send + Sync + fmt::Debug {
    /// A token valid for a request sent now.
    fn bearer(&self) -> BoxFuture<'_, Result<Secret, BearerError>>;

    /// The cloud answered 401 to `token`: a fresh one (renewed unless someone already did).
    /// Called at most once per request.
    fn rejected<'a>(&'a self, token: &'a Secret) -> BoxFuture<'a, Result<Secret, BearerError>>;
}

/// A token that never changes (tests; a token obtained elsewhere). A refusal is final.
#[derive(Clone)]
pub struct FixedBearer(pub Secret);

impl fmt::Debug for FixedBearer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FixedBearer(<redacted>)")
    }
}

impl BearerSource for FixedBearer {
    fn bearer(&self) -> BoxFuture<'_, Result<Secret, BearerError>> {
        Box::pin(async { Ok(self.0.clone()) })
    }

    fn rejected<'a>(&'a self, _token: &'a Secret) -> BoxFuture<'a, Result<Secret, BearerError>> {
        Box::pin(async { Err(BearerError::RelinkNeeded) })
    }
}

/// The settings of a [`RemoteTransport`].
#[derive(Clone, Debug)]
pub struct RemoteConfig {
    /// `https://api.meethue.com`, or a simulator's `http://127.0.0.1:<port>`.
    pub base_url: Url,
    /// The bridge username (whitelist entry) Hearth uses: sent as `hue-application-key` on
    /// CLIP v2 requests. `None` only to create one ([`username::create`]).
    pub app_key: Option<Secret>,
    pub request_timeout: Duration,
    pub connect_timeout: Duration,
    /// Requests in flight at once (the cloud forwards to a bridge that answers 429 above ~3).
    pub max_concurrent_requests: usize,
}

impl RemoteConfig {
    pub fn new(base_url: Url) -> Self {
        Self {
            base_url,
            app_key: None,
            // The cloud adds a round trip to the bridge's: more than on the LAN.
            request_timeout: Duration::from_secs(20),
            connect_timeout: Duration::from_secs(10),
            max_concurrent_requests: 3,
        }
    }

    /// The default cloud.
    pub fn hue_cloud() -> Result<Self, Error> {
        Url::parse(DEFAULT_BASE_URL)
            .map(Self::new)
            .map_err(|_| Error::BadAddress(DEFAULT_BASE_URL.to_owned()))
    }
}

/// Calls made through the cloud. Shared by every transport of one account: the quota is the
/// app's.
#[derive(Debug)]
pub struct RemoteActivity {
    /// Calls per hour over the last 24 hours, oldest first.
    hours: Mutex<VecDeque<(Instant, u64)>>,
}

const HOUR: Duration = Duration::from_secs(3600);
const DAY_HOURS: usize = 24;

impl Default for RemoteActivity {
    fn default() -> Self {
        Self {
            hours: Mutex::new(VecDeque::with_capacity(DAY_HOURS + 1)),
        }
    }
}

impl RemoteActivity {
    fn hours(&self) -> std::sync::MutexGuard<'_, VecDeque<(Instant, u64)>> {
        self.hours.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Counts one call made now.
    pub fn record(&self) {
        self.record_at(Instant::now());
    }

    fn record_at(&self, now: Instant) {
        let mut hours = self.hours();
        match hours.back_mut() {
            Some((start, count)) if now.duration_since(*start) < HOUR => *count += 1,
            _ => hours.push_back((now, 1)),
        }
        while hours.len() > DAY_HOURS {
            hours.pop_front();
        }
    }

    /// Calls in the last 24 hours (to the hour).
    pub fn calls_last_day(&self) -> u64 {
        self.calls_at(Instant::now())
    }

    fn calls_at(&self, now: Instant) -> u64 {
        self.hours()
            .iter()
            .filter(|(start, _)| now.duration_since(*start) < HOUR * 24)
            .map(|(_, count)| count)
            .sum()
    }
}

/// HTTPS to the Hue cloud's Remote API. See the module documentation.
pub struct RemoteTransport {
    http: reqwest::Client,
    base: String,
    host: String,
    app_key: Option<Secret>,
    tokens: Arc<dyn BearerSource>,
    activity: Arc<RemoteActivity>,
    /// Told after each command that went through, so that this bridge's poller looks soon.
    written: Arc<Notify>,
    request_timeout: Duration,
    in_flight: Arc<Semaphore>,
}

impl fmt::Debug for RemoteTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemoteTransport")
            .field("base", &self.base)
            .field("app_key", &self.app_key)
            .field("tokens", &self.tokens)
            .finish_non_exhaustive()
    }
}

impl RemoteTransport {
    pub fn new(
        config: RemoteConfig,
        tokens: Arc<dyn BearerSource>,
        activity: Arc<RemoteActivity>,
    ) -> Result<Self, Error> {
        let host = config.base_url.host_str().unwrap_or_default().to_owned();
        if !matches!(config.base_url.scheme(), "https" | "http") || host.is_empty() {
            return Err(Error::BadAddress(config.base_url.to_string()));
        }
        let mut builder = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            // A redirect from the API would resend the bearer token elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .pool_idle_timeout(Duration::from_secs(50));
        if is_loopback(&config.base_url) {
            // A simulator on this machine: a proxy from the environment must not see its traffic.
            builder = builder.no_proxy();
        }
        let http = builder.build().map_err(|err| Error::Unreachable {
            address: host.clone(),
            reason: err.without_url().to_string(),
        })?;
        let base = config.base_url.as_str().trim_end_matches('/').to_owned();
        let port = config
            .base_url
            .port()
            .map_or_else(String::new, |p| format!(":{p}"));
        Ok(Self {
            http,
            base,
            host: format!("{host}{port}"),
            app_key: config.app_key,
            tokens,
            activity,
            written: Arc::new(Notify::new()),
            request_timeout: config.request_timeout,
            in_flight: Arc::new(Semaphore::new(config.max_concurrent_requests.max(1))),
        })
    }

    pub fn activity(&self) -> &Arc<RemoteActivity> {
        &self.activity
    }

    /// What polling through this transport paces itself by (see [`poll::spawn`]).
    pub fn pacing(&self) -> poll::Pacing {
        poll::Pacing {
            activity: Arc::clone(&self.activity),
            written: Arc::clone(&self.written),
        }
    }

    /// Where a bridge path goes through the cloud.
    fn url(&self, path: &str) -> Result<String, Error> {
        let routed = path.starts_with("/clip/v2/")
            || path == "/api"
            || path.starts_with("/api/")
            || path.starts_with("/api?");
        if !routed {
            return Err(Error::Unsupported {
                what: "this request",
            });
        }
        Ok(format!("{}/route{path}", self.base))
    }

    async fn once(
        &self,
        request: &HttpRequest,
        url: &str,
        token: &Secret,
    ) -> Result<HttpResponse, Error> {
        let mut bearer =
            reqwest::header::HeaderValue::from_str(&format!("Bearer {}", token.expose())).map_err(
                |_| BearerError::Unavailable {
                    reason: "the token cannot be sent in a header".to_owned(),
                    transient: false,
                },
            )?;
        bearer.set_sensitive(true);
        let mut builder = self
            .http
            .request(request.method.clone(), url)
            .timeout(self.request_timeout)
            .header(reqwest::header::AUTHORIZATION, bearer);
        if request.authenticated
            && let Some(key) = &self.app_key
        {
            let mut value = reqwest::header::HeaderValue::from_str(key.expose()).map_err(|_| {
                Error::malformed("the bridge username", "it cannot be sent in a header")
            })?;
            value.set_sensitive(true);
            builder = builder.header("hue-application-key", value);
        }
        if request.body.is_some() || matches!(request.method, Method::PUT | Method::POST) {
            builder = builder.header(reqwest::header::CONTENT_TYPE, "application/json");
        }
        if let Some(body) = &request.body {
            builder = builder.body(body.clone());
        }
        self.activity.record();
        let response = builder.send().await.map_err(|err| self.failure(&err))?;
        let status = response.status().as_u16();
        let retry_after = retry_after(response.headers());
        let body = response.bytes().await.map_err(|err| self.failure(&err))?;
        Ok(HttpResponse {
            status,
            body,
            retry_after,
        })
    }

    /// A reqwest failure without its URL (which may hold the v1 username).
    fn failure(&self, err: &reqwest::Error) -> Error {
        if err.is_timeout() {
            return Error::Timeout {
                address: self.address(),
                after: self.request_timeout,
            };
        }
        Error::Unreachable {
            address: self.address(),
            reason: failure_reason(err),
        }
    }
}

impl Transport for RemoteTransport {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, Error>> {
        Box::pin(async move {
            let url = self.url(&request.path)?;
            let _permit = self.in_flight.acquire().await.map_err(|_| Error::Closed)?;
            let mut token = self.tokens.bearer().await?;
            let mut renewed = false;
            loop {
                let response = self.once(&request, &url, &token).await?;
                if response.status == 401 {
                    if renewed {
                        return Err(Error::RemoteRefused);
                    }
                    renewed = true;
                    tracing::debug!("the Hue cloud refused the access token; renewing it once");
                    token = self.tokens.rejected(&token).await?;
                    continue;
                }
                if matches!(request.method, Method::PUT | Method::POST)
                    && (200..300).contains(&response.status)
                {
                    // `notify_one` keeps a permit if the poller is busy: it looks once free.
                    self.written.notify_one();
                }
                return Ok(response);
            }
        })
    }

    fn event_stream(&self) -> BoxFuture<'_, Result<ByteStream, Error>> {
        Box::pin(async {
            Err(Error::Unsupported {
                what: "the event stream",
            })
        })
    }

    fn address(&self) -> String {
        format!("{} (the Hue cloud)", self.host)
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::RemoteActivity;

    #[test]
    fn calls_are_counted_over_a_rolling_day() {
        let activity = RemoteActivity::default();
        let start = Instant::now();
        for minute in 0..150u64 {
            activity.record_at(start + Duration::from_secs(minute * 60));
        }
        // 150 calls over two and a half hours: three hourly buckets.
        assert_eq!(
            activity.calls_at(start + Duration::from_secs(150 * 60)),
            150
        );
        assert_eq!(activity.hours().len(), 3);
        // A day later only the last bucket (started at minute 120) is within the window.
        let later = start + Duration::from_secs(24 * 3600 + 119 * 60);
        assert_eq!(activity.calls_at(later), 30);
        for hour in 0..30u64 {
            activity.record_at(later + Duration::from_secs(hour * 3600));
        }
        assert_eq!(activity.hours().len(), 24);
    }
}
