//! Prices fetched at run time: the regulator's tariff files and the grid operator's Tempo
//! colours, kept in the [`History`] (one copy for the app and `hearth-cli`), and when to fetch
//! them again.
//!
//! Both sources are public and keyless, so nothing here is secret; still, no error carries more
//! of an answer than a short excerpt. The addresses are configuration ([`PriceFeeds`]): the
//! tests point them at `hearth-sim`'s `regulator` and `tempo` simulators. A fetched file is kept
//! only if it reads as the regulator's layout ([`CreCsv`]) with at least one row: a broken
//! update never replaces a good copy, and the snapshot shipped with the app is always beneath.
//!
//! The public addresses, as public clients use them (neither site is reachable from the machines
//! this was built on): the regulator's folder
//! `https://www.cre.fr/fileadmin/Documents/Open_data/Marches_de_detail/` (see
//! `crates/tariff/data/SOURCES.md`) and RTE's keyless feed at `https://www.services-rte.com/`
//! (`cms/open_data/v1/tempoLight`, `cms/open_data/v1/tempo?season=2025-2026`, as read by
//! several open-source Tempo clients: ESP32 routers, Home Assistant integrations).

use std::time::Duration;

use hearth_tariff::tempo::season_start;
use hearth_tariff::{
    CreCsv, GridParser, RegulatedTariffs, RteOpenData, TariffError, TariffOption, TempoCalendar,
    TempoFeedParser,
};
use jiff::civil::{Date, Time};
use jiff::{SignedDuration, Timestamp};
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, RETRY_AFTER};
use reqwest::redirect::{Attempt, Policy};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::plan::paris_date;
use crate::{History, HistoryError};

/// The regulator's folder (its open-data files on retail markets).
const REGULATOR: &str = "https://www.cre.fr/fileadmin/Documents/Open_data/Marches_de_detail/";
/// RTE's site, under which its keyless open-data feed lives.
const TEMPO: &str = "https://www.services-rte.com/";
const LIGHT_PATH: &str = "cms/open_data/v1/tempoLight";
const SEASON_PATH: &str = "cms/open_data/v1/tempo";

/// The largest answer read: the regulator's files are about 100 KB, a Tempo season 20 KB.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;
/// The longest a fetch may take.
pub const TIMEOUT: Duration = Duration::from_secs(20);
/// How often the tariff files are fetched again: prices move twice a year (1 February,
/// 1 August), announced weeks before.
pub const TARIFFS_EVERY: SignedDuration = SignedDuration::from_hours(7 * 24);
/// How often a missing colour is asked again once it should be out.
pub const TEMPO_RETRY: SignedDuration = SignedDuration::from_hours(1);
/// When RTE publishes tomorrow's colour, French time.
pub const TEMPO_PUBLICATION: Time = Time::constant(10, 40, 0, 0);
/// Redirects followed (a site moving its files), each to https (or to this machine).
const MAX_REDIRECTS: usize = 5;
/// The longest excerpt of an answer an error message carries.
const EXCERPT_CHARS: usize = 120;

/// Where the updates come from (in the app's configuration; the defaults are the public sources).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceFeeds {
    /// The folder the regulator's three files are in: `{regulator}Option_Base.csv`,
    /// `…Option_HPHC.csv`, `…Option_Tempo.csv`.
    pub regulator: Url,
    /// The grid operator's open-data base: `{tempo}cms/open_data/v1/tempoLight` and
    /// `…/tempo?season=YYYY-YYYY`.
    pub tempo: Url,
}

impl Default for PriceFeeds {
    #[allow(
        clippy::expect_used,
        reason = "two literals that parse; `the_default_feeds_are_the_public_sources_over_https` checks them"
    )]
    fn default() -> Self {
        Self {
            regulator: Url::parse(REGULATOR).expect("the regulator's address parses"),
            tempo: Url::parse(TEMPO).expect("RTE's address parses"),
        }
    }
}

/// Which source an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feed {
    Regulator,
    Tempo,
}

impl std::fmt::Display for Feed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Feed::Regulator => "the regulator's tariff files",
            Feed::Tempo => "the Tempo calendar",
        })
    }
}

/// Why prices could not be fetched or read.
#[derive(Debug, thiserror::Error)]
pub enum PriceError {
    /// An address in the configuration that cannot be used.
    #[error("the {feed} address must be https:// (or http:// on this machine), without a query")]
    BadAddress { feed: Feed },
    #[error("the HTTP client could not be built")]
    Http,
    /// Not reached: no network, a name that does not resolve, a timeout.
    #[error("{feed} could not be reached: {reason}")]
    Unreachable { feed: Feed, reason: String },
    /// An answer other than 200 (a 429 or a 5xx with the wait it asked for, if any).
    #[error("{feed} answered HTTP {status}")]
    Status {
        feed: Feed,
        status: u16,
        retry_after: Option<Duration>,
    },
    #[error("{feed} sent more than {max} bytes", max = MAX_BODY_BYTES)]
    TooLarge { feed: Feed },
    /// A file that does not read as the regulator's layout, or has no row: refused, the copy
    /// before it kept.
    #[error("the {option:?} file is not a tariff file ({reason}); the copy before it is kept")]
    NotTariffFile {
        option: TariffOption,
        reason: String,
    },
    #[error("the Tempo calendar's answer is not a Tempo feed: {0}")]
    NotTempoFeed(String),
    /// The shipped snapshot does not read (a broken build).
    #[error("the shipped tariff snapshot does not read: {0}")]
    Snapshot(TariffError),
    #[error(transparent)]
    History(#[from] HistoryError),
}

impl PriceError {
    /// The wait a refusal asked for (`Retry-After` on a 429 or a 5xx).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// Fetches the regulator's files and the Tempo colours into the history.
#[derive(Debug, Clone)]
pub struct PriceClient {
    feeds: PriceFeeds,
    http: reqwest::Client,
}

impl PriceClient {
    /// Checks the addresses (https, or http to this machine; a folder, so `/` is added at the
    /// end if missing) and builds the HTTP client.
    pub fn new(mut feeds: PriceFeeds) -> Result<Self, PriceError> {
        check_feed(&mut feeds.regulator, Feed::Regulator)?;
        check_feed(&mut feeds.tempo, Feed::Tempo)?;
        let http = reqwest::Client::builder()
            .redirect(Policy::custom(redirect))
            .connect_timeout(Duration::from_secs(10))
            .timeout(TIMEOUT)
            .user_agent(concat!("Hearth/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|_| PriceError::Http)?;
        Ok(Self { feeds, http })
    }

    pub fn feeds(&self) -> &PriceFeeds {
        &self.feeds
    }

    /// Fetches the three files; each that parses ([`CreCsv`]) with at least one row is stored
    /// (replacing the cached one), one that does not is refused and the cached copy kept.
    /// Returns how many files changed; when a file could not be fetched or was refused,
    /// the first such error (after storing the others).
    pub async fn update_tariffs(
        &self,
        history: &History,
        now: Timestamp,
    ) -> Result<usize, PriceError> {
        let mut stored = 0;
        let mut first_error = None;
        for option in [TariffOption::Base, TariffOption::HpHc, TariffOption::Tempo] {
            match self.fetch_tariff(option).await {
                Ok(body) => {
                    // Stored again either way (its time says when it was last checked); counted
                    // only when it changed, so that a weekly check of the same file is no news.
                    let same = history
                        .tariff_file(option)?
                        .is_some_and(|(cached, _)| cached == body);
                    history.store_tariff_file(option, &body, now)?;
                    if !same {
                        stored += 1;
                    }
                }
                Err(err) => {
                    tracing::warn!(?option, "tariff file not updated: {err}");
                    first_error.get_or_insert(err);
                }
            }
        }
        tracing::debug!(stored, "tariff files fetched");
        match first_error {
            Some(err) => Err(err),
            None => Ok(stored),
        }
    }

    /// One file, checked.
    async fn fetch_tariff(&self, option: TariffOption) -> Result<Vec<u8>, PriceError> {
        let url =
            self.feeds
                .regulator
                .join(file_name(option))
                .map_err(|_| PriceError::BadAddress {
                    feed: Feed::Regulator,
                })?;
        let body = self
            .get(
                Feed::Regulator,
                url,
                "text/csv, text/plain;q=0.9, */*;q=0.1",
            )
            .await?;
        let refused = |reason: String| PriceError::NotTariffFile {
            option,
            reason: excerpt(&reason),
        };
        match CreCsv::new(option).parse(&body) {
            Ok(rows) if rows.is_empty() => Err(refused("no row".into())),
            Ok(_) => Ok(body),
            Err(err) => Err(refused(err.to_string())),
        }
    }

    /// Today's and tomorrow's colours (`tempoLight`), and every season overlapping
    /// `since..=today` that has missing days in the cache (the season feed), stored. Returns
    /// how many days were new (or corrected); when a season could not be fetched, the first
    /// such error (after storing the others).
    ///
    /// A season is asked again while it has gaps up to today (a colour RTE has not confirmed is
    /// left out, and asked again at the next update); `since` is the oldest day the caller
    /// wants priced, so that seasons the feed never had are not asked at every update.
    pub async fn update_tempo(
        &self,
        history: &History,
        since: Date,
        now: Timestamp,
    ) -> Result<usize, PriceError> {
        let light = self
            .feeds
            .tempo
            .join(LIGHT_PATH)
            .map_err(|_| PriceError::BadAddress { feed: Feed::Tempo })?;
        let days = self.fetch_tempo(light).await?;
        let mut new = history.store_tempo(&days, now)?;
        let calendar = history.tempo_calendar()?;
        let today = paris_date(now);
        let mut season = season_start(since.min(today));
        let mut first_error = None;
        while season <= today {
            let Ok(next) = Date::new(season.year() + 1, 9, 1) else {
                break;
            };
            let first = season.max(since);
            let last = next.yesterday().unwrap_or(next).min(today);
            if first <= last && !calendar.missing(first, last).is_empty() {
                let mut url = self
                    .feeds
                    .tempo
                    .join(SEASON_PATH)
                    .map_err(|_| PriceError::BadAddress { feed: Feed::Tempo })?;
                url.query_pairs_mut()
                    .append_pair("season", &format!("{}-{}", season.year(), next.year()));
                // One season the feed cannot give does not keep the others from being filled.
                match self.fetch_tempo(url).await {
                    Ok(days) => new += history.store_tempo(&days, now)?,
                    Err(err) => {
                        tracing::warn!(season = season.year(), "Tempo season not fetched: {err}");
                        first_error.get_or_insert(err);
                    }
                }
            }
            season = next;
        }
        tracing::debug!(new, "Tempo colours fetched");
        match first_error {
            Some(err) => Err(err),
            None => Ok(new),
        }
    }

    async fn fetch_tempo(&self, url: Url) -> Result<Vec<(Date, hearth_tariff::Color)>, PriceError> {
        let body = self.get(Feed::Tempo, url, "application/json").await?;
        RteOpenData
            .parse(&body)
            .map_err(|err| PriceError::NotTempoFeed(excerpt(&err.to_string())))
    }

    /// One GET, its body bounded.
    async fn get(&self, feed: Feed, url: Url, accept: &str) -> Result<Vec<u8>, PriceError> {
        let mut response = self
            .http
            .get(url)
            .header(ACCEPT, accept)
            .send()
            .await
            .map_err(|err| PriceError::Unreachable {
                feed,
                reason: describe(&err),
            })?;
        let status = response.status();
        if status != StatusCode::OK {
            let retry_after = if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error()
            {
                retry_after(&response)
            } else {
                None
            };
            return Err(PriceError::Status {
                feed,
                status: status.as_u16(),
                retry_after,
            });
        }
        if response
            .content_length()
            .is_some_and(|length| usize::try_from(length).map_or(true, |l| l > MAX_BODY_BYTES))
        {
            return Err(PriceError::TooLarge { feed });
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|err| PriceError::Unreachable {
                feed,
                reason: describe(&err),
            })?
        {
            if body.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(PriceError::TooLarge { feed });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}

/// The snapshot shipped with the app, updated with the cached files (a cached file that no
/// longer parses is skipped, logged).
pub fn tariffs(history: &History) -> Result<RegulatedTariffs, PriceError> {
    let mut tariffs = RegulatedTariffs::snapshot().map_err(PriceError::Snapshot)?;
    for option in [TariffOption::Base, TariffOption::HpHc, TariffOption::Tempo] {
        let Some((body, fetched_at)) = history.tariff_file(option)? else {
            continue;
        };
        match CreCsv::new(option).parse(&body) {
            Ok(rows) if rows.is_empty() => {
                tracing::warn!(?option, %fetched_at, "the cached tariff file has no row; skipped");
            }
            Ok(rows) => {
                let mut all: Vec<_> = tariffs
                    .rows()
                    .iter()
                    .filter(|row| row.option != option)
                    .cloned()
                    .collect();
                all.extend(rows);
                tariffs = RegulatedTariffs::from_rows(all);
            }
            Err(err) => {
                tracing::warn!(?option, %fetched_at, "the cached tariff file no longer reads; skipped: {err}");
            }
        }
    }
    Ok(tariffs)
}

/// When to fetch the tariff files again: none cached, or the newest a week old. A file refused
/// at the last fetch is asked again with the others a week later; after an error that stored
/// nothing this stays true, so the caller spaces its tries ([`PriceError::retry_after`], or an
/// hour).
pub fn tariffs_due(history: &History, now: Timestamp) -> Result<bool, PriceError> {
    let mut newest: Option<Timestamp> = None;
    for option in [TariffOption::Base, TariffOption::HpHc, TariffOption::Tempo] {
        if let Some((_, at)) = history.tariff_file(option)? {
            newest = newest.max(Some(at));
        }
    }
    Ok(newest.is_none_or(|at| now.duration_since(at) >= TARIFFS_EVERY))
}

/// When to fetch the Tempo colours again: on a new French day (no try yet today); while
/// today's colour is unknown, or tomorrow's once it is past 10:40 in Paris, at most hourly
/// (a first try after 10:40 at once).
pub fn tempo_due(calendar: &TempoCalendar, last_try: Option<Timestamp>, now: Timestamp) -> bool {
    let zone = hearth_metering::paris::zone();
    let local = zone.to_datetime(now);
    let today = local.date();
    let Some(last_try) = last_try else {
        return true;
    };
    let tried = zone.to_datetime(last_try);
    if tried.date() < today {
        return true;
    }
    let hour_since = now.duration_since(last_try) >= TEMPO_RETRY;
    if calendar.color(today).is_none() {
        return hour_since;
    }
    let published = local.time() >= TEMPO_PUBLICATION;
    let tomorrow_known = today
        .tomorrow()
        .map_or(true, |tomorrow| calendar.color(tomorrow).is_some());
    if tomorrow_known || !published {
        return false;
    }
    let tried_before_publication = tried.date() == today && tried.time() < TEMPO_PUBLICATION;
    tried_before_publication || hour_since
}

fn file_name(option: TariffOption) -> &'static str {
    match option {
        TariffOption::Base => "Option_Base.csv",
        TariffOption::HpHc => "Option_HPHC.csv",
        TariffOption::Tempo => "Option_Tempo.csv",
    }
}

/// https, or http to this machine (the simulators); no user, query or fragment; a folder.
fn check_feed(url: &mut Url, feed: Feed) -> Result<(), PriceError> {
    if !allowed(url)
        || !url.username().is_empty()
        || url.password().is_some()
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return Err(PriceError::BadAddress { feed });
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(())
}

fn allowed(url: &Url) -> bool {
    let loopback = match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => return false,
    };
    url.scheme() == "https" || (url.scheme() == "http" && loopback)
}

/// A site that moved its files is followed, a few hops, never down to plain http elsewhere.
fn redirect(attempt: Attempt<'_>) -> reqwest::redirect::Action {
    if attempt.previous().len() >= MAX_REDIRECTS || !allowed(attempt.url()) {
        attempt.stop()
    } else {
        attempt.follow()
    }
}

/// `Retry-After` in seconds; an HTTP date is not worth a parser here.
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

/// The kind of failure only: reqwest's messages carry the URL.
fn describe(err: &reqwest::Error) -> String {
    let kind = if err.is_timeout() {
        "timed out"
    } else if err.is_connect() {
        "connection failed"
    } else if err.is_redirect() {
        "too many redirects"
    } else if err.is_body() || err.is_decode() {
        "the answer was cut short"
    } else {
        "the request failed"
    };
    kind.to_owned()
}

/// At most [`EXCERPT_CHARS`] characters of a parser's message (which may quote the answer).
fn excerpt(text: &str) -> String {
    let mut out: String = text.chars().take(EXCERPT_CHARS).collect();
    if out.len() < text.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{PriceFeeds, allowed, excerpt};

    #[test]
    fn the_default_feeds_are_the_public_sources_over_https() {
        let feeds = PriceFeeds::default();
        assert_eq!(
            feeds.regulator.as_str(),
            "https://www.cre.fr/fileadmin/Documents/Open_data/Marches_de_detail/"
        );
        assert_eq!(feeds.tempo.as_str(), "https://www.services-rte.com/");
        assert!(allowed(&feeds.regulator) && allowed(&feeds.tempo));
    }

    #[test]
    fn plain_http_only_to_this_machine() {
        let ok = |s: &str| allowed(&url::Url::parse(s).unwrap_or_else(|e| panic!("{s}: {e}")));
        assert!(ok("http://127.0.0.1:8092/x/"));
        assert!(ok("http://[::1]/"));
        assert!(ok("http://localhost/"));
        assert!(!ok("http://www.cre.fr/"));
        assert!(!ok("ftp://127.0.0.1/"));
    }

    #[test]
    fn excerpts_are_short() {
        let long = "x".repeat(1000);
        assert_eq!(excerpt(&long).chars().count(), 121);
        assert_eq!(excerpt("short"), "short");
    }
}
