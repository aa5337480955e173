//! The Enedis Data Connect simulator (the 2026 API): the consent page (one meter per consent,
//! with an auto-consent switch for scripted runs), the v2 authorize redirect with
//! `autorisation_id`, the client-credentials token, `/subscribed_services/v1`, the metering and
//! contract endpoints with deterministic synthetic data (the `data` module: French days of 46, 48
//! or 50 half hours), the documented errors (ADAM codes, the gateway's 429 `900804` with a
//! `nextAccessTime` above the quota, 403 `900908` and 5xx on demand), days withheld and
//! published later (left out of answers; 404 `no_data_found` when nothing is left), meters
//! activated recently (400 `ADAM-ERR0123` before) and a few sandbox PRMs.
//!
//! Start it in-process with [`EnedisSim::builder`] (tests, demo mode) or as
//! `hearth-sim enedis --listen 127.0.0.1:PORT`. Faults and switches are also reachable over HTTP
//! under `/__sim/` (see [`admin::admin_router`]).
//!
//! Split by job: [`consent`] (the consent page and the authorize redirect), [`token`] (the
//! application tokens), [`gate`] (quota, faults, bearer and consent checks every API call
//! shares), [`services`] (`/subscribed_services`), [`metering`], [`contract`], [`admin`] (the
//! `/__sim/` switches), and [`data`] (the synthetic household).

mod admin;
pub mod cli;
mod consent;
mod contract;
pub mod data;
mod gate;
mod metering;
mod services;
mod token;

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;
use time::macros::format_description;
use time::{Date, OffsetDateTime};
use tokio::net::TcpListener;

use crate::background::Background;

pub use contract::{HOLDER_EMAIL, HOLDER_NAME, HOLDER_PHONE, HOLDER_STREET};

/// An application registered at the simulated Enedis.
#[derive(Debug, Clone)]
struct SimClient {
    id: String,
    secret: String,
    redirect_uri: String,
}

pub const DEFAULT_CLIENT_ID: &str = "hearth-sim-client";
pub const DEFAULT_CLIENT_SECRET: &str = "hearth-sim-secret";

pub struct EnedisSim;

impl EnedisSim {
    pub fn builder() -> EnedisSimBuilder {
        EnedisSimBuilder::default()
    }
}

#[derive(Debug, Clone)]
pub struct EnedisSimBuilder {
    clients: Vec<SimClient>,
    auto_consent: bool,
    auto_consent_prm: Option<String>,
    subscription_delay: Duration,
    quota_per_second: u32,
    quota_per_hour: u32,
    curve_marks_start: bool,
    today: Option<Date>,
    token_lifetime: Duration,
    activations: HashMap<String, Date>,
    load_curve_off: HashSet<String>,
}

impl Default for EnedisSimBuilder {
    fn default() -> Self {
        Self {
            clients: Vec::new(),
            auto_consent: false,
            auto_consent_prm: None,
            subscription_delay: Duration::ZERO,
            quota_per_second: 5,
            quota_per_hour: 1_000,
            curve_marks_start: false,
            today: None,
            token_lifetime: Duration::from_secs(12_600),
            activations: HashMap::new(),
            load_curve_off: HashSet::new(),
        }
    }
}

impl EnedisSimBuilder {
    /// Registers an application (several may be).
    #[must_use]
    pub fn client(mut self, id: &str, secret: &str, redirect_uri: &str) -> Self {
        self.clients.push(SimClient {
            id: id.to_owned(),
            secret: secret.to_owned(),
            redirect_uri: redirect_uri.to_owned(),
        });
        self
    }

    /// Consent given at once, without showing the page, for one PRM (a 2026 consent covers
    /// one): the customer's first, or the one named by [`Self::auto_consent_prm`].
    #[must_use]
    pub fn auto_consent(mut self, on: bool) -> Self {
        self.auto_consent = on;
        self
    }

    /// The PRM auto-consent picks (default: the customer's first).
    #[must_use]
    pub fn auto_consent_prm(mut self, prm: &str) -> Self {
        self.auto_consent_prm = Some(prm.to_owned());
        self
    }

    /// How long `/subscribed_services` answers an empty list after a consent.
    #[must_use]
    pub fn subscription_delay(mut self, delay: Duration) -> Self {
        self.subscription_delay = delay;
        self
    }

    /// The application's quota (default: the 2026 swagger's 5 per second, 1,000 per hour).
    #[must_use]
    pub fn quota(mut self, per_second: u32, per_hour: u32) -> Self {
        self.quota_per_second = per_second;
        self.quota_per_hour = per_hour;
        self
    }

    /// Load-curve timestamps mark the start of their interval (default: the end).
    #[must_use]
    pub fn curve_timestamps_at_start(mut self, start: bool) -> Self {
        self.curve_marks_start = start;
        self
    }

    /// The simulated "today" (default: the real UTC date): data goes up to the day before.
    #[must_use]
    pub fn today(mut self, today: Date) -> Self {
        self.today = Some(today);
        self
    }

    /// Lifetime of the application tokens (default 12,600 s, as Enedis).
    #[must_use]
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.token_lifetime = lifetime;
        self
    }

    /// The meter `prm` was activated on `day` (a new home, a new contract): its contract starts
    /// then, and a data call that starts before it answers 400 `ADAM-ERR0123`, as Enedis does.
    #[must_use]
    pub fn activated_on(mut self, prm: &str, day: Date) -> Self {
        self.activations.insert(prm.to_owned(), day);
        self
    }

    /// The consumption load curve's collection is off for meter `prm` (the customer never
    /// switched it on in their Enedis account): its load-curve calls answer 404
    /// `no_data_found`, as Enedis does, while its daily data is served.
    #[must_use]
    pub fn load_curve_off(mut self, prm: &str) -> Self {
        self.load_curve_off.insert(prm.to_owned());
        self
    }

    fn into_state(self) -> Arc<SimState> {
        let clients = if self.clients.is_empty() {
            vec![SimClient {
                id: DEFAULT_CLIENT_ID.into(),
                secret: DEFAULT_CLIENT_SECRET.into(),
                redirect_uri: "http://127.0.0.1:8080/auth/redirect".into(),
            }]
        } else {
            self.clients
        };
        Arc::new(SimState {
            clients,
            auto_consent: AtomicBool::new(self.auto_consent),
            auto_consent_prm: Mutex::new(self.auto_consent_prm),
            subscription_delay: self.subscription_delay,
            quota_per_second: AtomicU32::new(self.quota_per_second),
            quota_per_hour: AtomicU32::new(self.quota_per_hour),
            curve_marks_start: self.curve_marks_start,
            today: self.today,
            token_lifetime: self.token_lifetime,
            next_autorisation: AtomicU64::new(1_000_001),
            inner: Mutex::new(Inner {
                activations: self.activations,
                load_curve_off: self.load_curve_off,
                ..Inner::default()
            }),
        })
    }

    /// Starts on 127.0.0.1, a free port, in the background.
    pub async fn start(self) -> std::io::Result<EnedisSimHandle> {
        let state = self.into_state();
        let server = Background::start(router(Arc::clone(&state))).await?;
        Ok(EnedisSimHandle { server, state })
    }

    /// Serves on `listener` until `shutdown` resolves (the CLI's entry).
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let app = router(self.into_state());
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
    }
}

/// A running simulator; stops when dropped.
pub struct EnedisSimHandle {
    server: Background,
    state: Arc<SimState>,
}

impl EnedisSimHandle {
    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    /// `http://127.0.0.1:PORT` (the API gateway's base).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr())
    }

    /// The v2 consent page.
    pub fn authorize_url(&self) -> String {
        format!("{}/dataconnect/v2/oauth2/authorize", self.base_url())
    }

    pub fn set_auto_consent(&self, on: bool) {
        self.state.auto_consent.store(on, Ordering::SeqCst);
    }

    /// The PRM the next auto-consents pick (`None`: the customer's first).
    pub fn set_auto_consent_prm(&self, prm: Option<&str>) {
        *self
            .state
            .auto_consent_prm
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = prm.map(str::to_owned);
    }

    /// The next `count` data calls answer `status` with this error `code` (e.g. 403 `900908`,
    /// 400 `ADAM-ERR0002`), as Enedis words them.
    pub fn fail_next_with(&self, count: u32, status: u16, code: &str) {
        let mut inner = self.state.lock();
        inner.fail_next = count;
        inner.fail_status = status;
        inner.fail_code = Some(code.to_owned());
    }

    /// Every call answers 429 `900804` until `for_` has passed, with that instant as
    /// `nextAccessTime`, as Enedis's gateway throttles.
    pub fn throttle_for(&self, for_: Duration) {
        self.state.lock().throttled_until = Some(Instant::now() + for_);
    }

    /// The next `count` API calls answer `status` (e.g. 503).
    pub fn fail_next(&self, count: u32, status: u16) {
        self.state.fail_next(count, status);
    }

    pub fn set_quota(&self, per_second: u32, per_hour: u32) {
        self.state.set_quota(per_second, per_hour);
    }

    /// Data for `day` is not published yet (Enedis publishes late, sometimes days late): every
    /// metering answer leaves it out, and a range with nothing else answers 404
    /// `no_data_found`. [`Self::publish`] ends it.
    pub fn withhold(&self, day: Date) {
        self.state.lock().withheld.insert(day);
    }

    /// Publishes a day [`Self::withhold`] kept back.
    pub fn publish(&self, day: Date) {
        self.state.lock().withheld.remove(&day);
    }

    /// Sets (or with `None` clears) the day meter `prm` was activated on (see
    /// [`EnedisSimBuilder::activated_on`]).
    pub fn set_activation(&self, prm: &str, day: Option<Date>) {
        let mut inner = self.state.lock();
        match day {
            Some(day) => inner.activations.insert(prm.to_owned(), day),
            None => inner.activations.remove(prm),
        };
    }

    /// Switches the consumption load curve's collection of meter `prm` off or on (see
    /// [`EnedisSimBuilder::load_curve_off`]).
    pub fn set_load_curve_off(&self, prm: &str, off: bool) {
        let mut inner = self.state.lock();
        if off {
            inner.load_curve_off.insert(prm.to_owned());
        } else {
            inner.load_curve_off.remove(prm);
        }
    }

    /// API calls received per endpoint (`token`, `subscribed_services`, `metering`,
    /// `contracts`), refused ones included; each metering endpoint also counts under
    /// `metering/<name>` (`metering/consommation_quotidienne`, …).
    pub fn calls(&self, endpoint: &str) -> u64 {
        self.state.lock().calls.get(endpoint).copied().unwrap_or(0)
    }

    /// Every application token issued so far (for tests proving they never leak).
    pub fn issued_tokens(&self) -> Vec<String> {
        self.state.lock().tokens.keys().cloned().collect()
    }

    /// Calls answered 429.
    pub fn throttled(&self) -> u64 {
        self.calls("throttled")
    }

    /// The largest number of API calls the simulator saw within any one second.
    pub fn max_calls_in_a_second(&self) -> usize {
        self.state.lock().max_per_second
    }

    /// Stops and waits for the requests in flight.
    pub async fn stop(self) {
        self.server.stop().await;
    }
}

struct SimState {
    clients: Vec<SimClient>,
    auto_consent: AtomicBool,
    auto_consent_prm: Mutex<Option<String>>,
    subscription_delay: Duration,
    quota_per_second: AtomicU32,
    quota_per_hour: AtomicU32,
    curve_marks_start: bool,
    today: Option<Date>,
    token_lifetime: Duration,
    next_autorisation: AtomicU64,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    autorisations: HashMap<u64, Autorisation>,
    /// Application token → (client id, expiry).
    tokens: HashMap<String, (String, Instant)>,
    /// Recent calls per client, for the quota.
    recent: HashMap<String, VecDeque<Instant>>,
    max_per_second: usize,
    fail_next: u32,
    fail_status: u16,
    /// With `fail_next`: the error code to answer (else a generic outage body).
    fail_code: Option<String>,
    /// A throttle set by `throttle_for`.
    throttled_until: Option<Instant>,
    calls: HashMap<String, u64>,
    /// Days not published yet.
    withheld: BTreeSet<Date>,
    /// PRM → the day its meter was activated, for meters activated recently.
    activations: HashMap<String, Date>,
    /// Meters whose consumption load curve is not collected.
    load_curve_off: HashSet<String>,
}

/// A consent: one PRM, as in the 2026 API.
struct Autorisation {
    client_id: String,
    prm: String,
    given: Instant,
}

impl SimState {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn today(&self) -> Date {
        self.today
            .unwrap_or_else(|| OffsetDateTime::now_utc().date())
    }

    fn client(&self, id: &str) -> Option<&SimClient> {
        self.clients.iter().find(|c| c.id == id)
    }

    fn fail_next(&self, count: u32, status: u16) {
        let mut inner = self.lock();
        inner.fail_next = count;
        inner.fail_status = status;
        inner.fail_code = None;
    }

    fn set_quota(&self, per_second: u32, per_hour: u32) {
        self.quota_per_second.store(per_second, Ordering::SeqCst);
        self.quota_per_hour.store(per_hour, Ordering::SeqCst);
    }

    fn new_autorisation(&self, client_id: &str, prm: String) -> u64 {
        let id = self.next_autorisation.fetch_add(1, Ordering::SeqCst);
        self.lock().autorisations.insert(
            id,
            Autorisation {
                client_id: client_id.to_owned(),
                prm,
                given: Instant::now(),
            },
        );
        id
    }
}

fn router(state: Arc<SimState>) -> Router {
    Router::new()
        .route("/dataconnect/v2/oauth2/authorize", get(consent::authorize))
        .route("/dataconnect/v2/oauth2/consent", post(consent::consent))
        .route("/oauth2/v3/token", post(token::token))
        .route(
            "/subscribed_services/v1",
            post(services::subscribed_services),
        )
        .route("/mesure_synchrone_auto/v2/{name}", get(metering::metering))
        .route(
            "/situation_contrat_auto/v1/{prm}",
            get(contract::contract_situation),
        )
        .route("/comptage_auto/v1/{prm}", get(contract::metering_point))
        .merge(admin::admin_router())
        .with_state(state)
}

fn error(status: StatusCode, code: &str, description: &str) -> Response {
    (
        status,
        Json(json!({"error": code, "error_description": description})),
    )
        .into_response()
}

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><link rel=\"icon\" href=\"data:,\"><style>body{{font:16px system-ui,sans-serif;max-width:32rem;margin:1rem auto;padding:0 1rem;color:#003}}\
         h1{{color:#1423dc;font-size:1.3rem}}label{{display:block;margin:.5rem 0}}button{{font-size:1rem;padding:.7rem 1.2rem;margin:.8rem .5rem 0 0}}\
         .sim{{background:#ffe9a8;padding:.3rem .6rem;border-radius:.3rem;font-size:.85rem}}</style></head>\
         <body><p class=\"sim\">Simulateur Enedis — aucune donnée réelle</p><h1>{title}</h1>{body}</body></html>"
    );
    (status, Html(html)).into_response()
}

fn redirect(to: &str) -> Response {
    let mut response = StatusCode::FOUND.into_response();
    if let Ok(value) = HeaderValue::from_str(to) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

fn fmt_date(date: Date) -> String {
    date.format(format_description!("[year]-[month]-[day]"))
        .unwrap_or_default()
}
