//! The Tempo calendar as the grid operator (RTE) publishes it on its keyless open-data feed,
//! simulated: a deterministic calendar per season (1 September to 31 August: 22 red days, only on
//! weekdays from 1 November to 31 March; 43 white days, never on a Sunday; the rest blue, 300 or
//! 301 in a season with a 29 February), and tomorrow's colour published at 10:40 French time.
//!
//! The feed's shape, as public clients read RTE's (not confirmed against RTE itself, which these
//! machines cannot reach): `GET /cms/open_data/v1/tempoLight` answers today's and, once
//! published, tomorrow's colour; `GET /cms/open_data/v1/tempo?season=2025-2026` answers every
//! published day of a season; both as `{"values": {"2026-01-15": "RED",
//! "2026-01-15-fallback": "false", …}}`.
//!
//! Start it in-process with [`TempoSim::builder`] (its "now" and its faults settable, for tests:
//! [`TempoSimHandle::fail_with`], [`TempoSimHandle::serve_body`]) or as
//! `hearth-sim tempo --listen 127.0.0.1:PORT`.

pub mod cli;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use jiff::Timestamp;
use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use tokio::net::TcpListener;

use crate::background::Background;

/// The feed's paths (RTE's, as public clients call them).
pub const LIGHT_PATH: &str = "/cms/open_data/v1/tempoLight";
pub const SEASON_PATH: &str = "/cms/open_data/v1/tempo";

/// When tomorrow's colour is published, French time.
pub const PUBLICATION: Time = Time::constant(10, 40, 0, 0);

pub const RED_DAYS: usize = 22;
pub const WHITE_DAYS: usize = 43;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Color {
    Blue,
    White,
    Red,
}

impl Color {
    /// The feed's word for it.
    pub fn rte(self) -> &'static str {
        match self {
            Color::Blue => "BLUE",
            Color::White => "WHITE",
            Color::Red => "RED",
        }
    }
}

fn paris() -> TimeZone {
    TimeZone::get("Europe/Paris").unwrap_or_else(|_| TimeZone::fixed(jiff::tz::offset(1)))
}

/// The season (its first year) a day belongs to.
pub fn season_of(day: Date) -> i16 {
    if day.month() >= 9 {
        day.year()
    } else {
        day.year() - 1
    }
}

/// A small deterministic generator (xorshift64*), seeded by the season: the same calendar on
/// every run and machine, different from one season to the next.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let value = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D);
        usize::try_from(value % (n as u64)).unwrap_or(0)
    }

    /// The first `count` of `items` in a shuffled order.
    fn pick(&mut self, mut items: Vec<Date>, count: usize) -> Vec<Date> {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
        items.truncate(count);
        items
    }
}

fn days(from: Date, to_inclusive: Date) -> impl Iterator<Item = Date> {
    std::iter::successors(Some(from), |d| d.tomorrow().ok()).take_while(move |d| *d <= to_inclusive)
}

/// Every day of the season starting on 1 September of `first_year`, with its colour.
pub fn season(first_year: i16) -> BTreeMap<Date, Color> {
    let (Ok(start), Ok(end)) = (
        Date::new(first_year, 9, 1),
        Date::new(first_year + 1, 8, 31),
    ) else {
        return BTreeMap::new();
    };
    let mut calendar: BTreeMap<Date, Color> = days(start, end).map(|d| (d, Color::Blue)).collect();
    let winter = |d: &Date| {
        (d.month() >= 11 && d.year() == first_year)
            || (d.month() <= 3 && d.year() == first_year + 1)
    };
    let mut rng = Rng::new(u64::from(first_year.unsigned_abs()));
    let red_candidates: Vec<Date> = calendar
        .keys()
        .copied()
        .filter(|d| winter(d) && !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday))
        .collect();
    for day in rng.pick(red_candidates, RED_DAYS) {
        calendar.insert(day, Color::Red);
    }
    // White days fall in the heating season too (October to April here), never on a Sunday.
    let white_candidates: Vec<Date> = calendar
        .iter()
        .filter(|(d, c)| {
            **c == Color::Blue
                && d.weekday() != Weekday::Sunday
                && (winter(d) || d.month() == 10 || d.month() == 4)
        })
        .map(|(d, _)| *d)
        .collect();
    for day in rng.pick(white_candidates, WHITE_DAYS) {
        calendar.insert(day, Color::White);
    }
    calendar
}

/// The colour of any day.
pub fn color(day: Date) -> Option<Color> {
    season(season_of(day)).get(&day).copied()
}

/// The last day whose colour is published at `now`: today, or tomorrow from 10:40 French time.
pub fn last_published(now: Timestamp) -> Date {
    let local = paris().to_datetime(now);
    if local.time() >= PUBLICATION {
        local.date().tomorrow().unwrap_or(local.date())
    } else {
        local.date()
    }
}

pub struct TempoSim;

impl TempoSim {
    pub fn builder() -> TempoSimBuilder {
        TempoSimBuilder::default()
    }
}

#[derive(Debug, Clone, Default)]
pub struct TempoSimBuilder {
    now: Option<Timestamp>,
}

impl TempoSimBuilder {
    /// The simulated "now" (default: the real clock).
    #[must_use]
    pub fn now(mut self, now: Timestamp) -> Self {
        self.now = Some(now);
        self
    }

    fn into_state(self) -> Arc<SimState> {
        Arc::new(SimState {
            now: Mutex::new(self.now),
            calls: AtomicU64::new(0),
            fault: Mutex::new(None),
        })
    }

    /// Starts on 127.0.0.1, a free port, in the background.
    pub async fn start(self) -> std::io::Result<TempoSimHandle> {
        let state = self.into_state();
        let server = Background::start(router(Arc::clone(&state))).await?;
        Ok(TempoSimHandle { server, state })
    }

    /// Serves on `listener` until `shutdown` resolves (the CLI's entry).
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        axum::serve(listener, router(self.into_state()))
            .with_graceful_shutdown(shutdown)
            .await
    }
}

/// A running simulator; stops when dropped.
pub struct TempoSimHandle {
    server: Background,
    state: Arc<SimState>,
}

impl TempoSimHandle {
    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    /// `http://127.0.0.1:PORT`, the feed's base.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr())
    }

    /// The "today and tomorrow" feed.
    pub fn light_url(&self) -> String {
        format!("{}{LIGHT_PATH}", self.base_url())
    }

    /// The feed of the season starting in September of `first_year`.
    pub fn season_url(&self, first_year: i16) -> String {
        format!(
            "{}{SEASON_PATH}?season={first_year}-{}",
            self.base_url(),
            first_year + 1
        )
    }

    /// Moves the simulated clock (`None`: the real one).
    pub fn set_now(&self, now: Option<Timestamp>) {
        *self
            .state
            .now
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = now;
    }

    /// Requests answered so far.
    pub fn calls(&self) -> u64 {
        self.state.calls.load(Ordering::SeqCst)
    }

    /// Every request answers `status` (with `Retry-After: 120` on a 429 or a 503) until
    /// [`Self::recover`].
    pub fn fail_with(&self, status: StatusCode) {
        self.set_fault(Some(Fault::Status(status)));
    }

    /// Every request answers 200 with `body` (garbage, an HTML page) until [`Self::recover`].
    pub fn serve_body(&self, body: impl Into<Vec<u8>>) {
        self.set_fault(Some(Fault::Body(body.into())));
    }

    /// Back to serving the calendar.
    pub fn recover(&self) {
        self.set_fault(None);
    }

    fn set_fault(&self, fault: Option<Fault>) {
        *self
            .state
            .fault
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = fault;
    }

    pub async fn stop(self) {
        self.server.stop().await;
    }
}

struct SimState {
    now: Mutex<Option<Timestamp>>,
    calls: AtomicU64,
    fault: Mutex<Option<Fault>>,
}

#[derive(Clone)]
enum Fault {
    Status(StatusCode),
    Body(Vec<u8>),
}

impl SimState {
    /// Counts the call; the answer a fault gives instead of the feed, if one is set.
    fn call(&self) -> Option<Response> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let fault = self
            .fault
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()?;
        Some(match fault {
            Fault::Status(status) => {
                let mut response = (status, "simulated failure").into_response();
                if matches!(
                    status,
                    StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
                ) {
                    response
                        .headers_mut()
                        .insert(header::RETRY_AFTER, HeaderValue::from(120_u32));
                }
                response
            }
            Fault::Body(body) => {
                ([(header::CONTENT_TYPE, "application/json")], body).into_response()
            }
        })
    }
}

impl SimState {
    fn now(&self) -> Timestamp {
        self.now
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .unwrap_or_else(Timestamp::now)
    }
}

fn router(state: Arc<SimState>) -> Router {
    Router::new()
        .route(LIGHT_PATH, get(light))
        .route(SEASON_PATH, get(season_feed))
        .with_state(state)
}

fn values(days: impl Iterator<Item = (Date, Color)>) -> Value {
    let mut map = Map::new();
    for (day, color) in days {
        let key = day.strftime("%Y-%m-%d").to_string();
        map.insert(format!("{key}-fallback"), json!("false"));
        map.insert(key, json!(color.rte()));
    }
    json!({ "values": map })
}

async fn light(State(state): State<Arc<SimState>>) -> Response {
    if let Some(fault) = state.call() {
        return fault;
    }
    let now = state.now();
    let today = paris().to_datetime(now).date();
    let last = last_published(now);
    let known = days(today, last).filter_map(|d| Some((d, color(d)?)));
    Json(values(known)).into_response()
}

#[derive(Deserialize)]
struct SeasonQuery {
    season: String,
}

async fn season_feed(State(state): State<Arc<SimState>>, Query(q): Query<SeasonQuery>) -> Response {
    if let Some(fault) = state.call() {
        return fault;
    }
    let first_year = q
        .season
        .split_once('-')
        .and_then(|(a, b)| Some((a.parse::<i16>().ok()?, b.parse::<i16>().ok()?)))
        .filter(|(a, b)| *b == a + 1)
        .map(|(a, _)| a);
    let Some(first_year) = first_year else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "season must be YYYY-YYYY"})),
        )
            .into_response();
    };
    let last = last_published(state.now());
    let known = season(first_year).into_iter().filter(|(d, _)| *d <= last);
    Json(values(known)).into_response()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use jiff::civil::date;

    use super::*;

    #[test]
    fn publication_is_at_ten_forty_french_time() {
        // 10:39 and 10:40 in Paris on a winter day (UTC+1).
        let before: Timestamp = "2026-01-14T09:39:59Z".parse().unwrap();
        let after: Timestamp = "2026-01-14T09:40:00Z".parse().unwrap();
        assert_eq!(last_published(before), date(2026, 1, 14));
        assert_eq!(last_published(after), date(2026, 1, 15));
    }
}
