//! The Enedis Data Connect simulator (the 2026 API): the consent page (with an auto-consent
//! switch for scripted runs), the v2 authorize redirect with `autorisation_id`, the
//! client-credentials token, `/subscribed_services/v1`, the metering and contract endpoints with
//! deterministic synthetic data (the `data` module), the documented errors (ADAM codes, 429 above the
//! quota, 5xx on demand) and a few sandbox PRMs.
//!
//! Start it in-process with [`EnedisSim::builder`] (tests, demo mode) or as
//! `hearth-sim enedis --listen 127.0.0.1:PORT`. Faults and switches are also reachable over HTTP
//! under `/__sim/` (see [`admin_router`]).

pub mod cli;
mod data;

use std::collections::{HashMap, VecDeque};
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use rand::RngCore as _;
use serde::Deserialize;
use serde_json::{Value, json};
use time::macros::format_description;
use time::{Date, OffsetDateTime};
use tokio::net::TcpListener;

use self::data::{SANDBOX, SandboxPrm};
use crate::background::Background;
use crate::escape_html;

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
    subscription_delay: Duration,
    quota_per_second: u32,
    quota_per_hour: u32,
    curve_marks_start: bool,
    today: Option<Date>,
    token_lifetime: Duration,
}

impl Default for EnedisSimBuilder {
    fn default() -> Self {
        Self {
            clients: Vec::new(),
            auto_consent: false,
            subscription_delay: Duration::ZERO,
            quota_per_second: 5,
            quota_per_hour: 10_000,
            curve_marks_start: false,
            today: None,
            token_lifetime: Duration::from_secs(12_600),
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

    /// Consent given at once, for all the customer's PRMs, without showing the page.
    #[must_use]
    pub fn auto_consent(mut self, on: bool) -> Self {
        self.auto_consent = on;
        self
    }

    /// How long `/subscribed_services` answers an empty list after a consent.
    #[must_use]
    pub fn subscription_delay(mut self, delay: Duration) -> Self {
        self.subscription_delay = delay;
        self
    }

    /// The application's quota (default: Enedis's 5 per second, 10,000 per hour).
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
            subscription_delay: self.subscription_delay,
            quota_per_second: AtomicU32::new(self.quota_per_second),
            quota_per_hour: AtomicU32::new(self.quota_per_hour),
            curve_marks_start: self.curve_marks_start,
            today: self.today,
            token_lifetime: self.token_lifetime,
            next_autorisation: AtomicU64::new(1_000_001),
            inner: Mutex::new(Inner::default()),
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

    /// The next `count` API calls answer `status` (e.g. 503).
    pub fn fail_next(&self, count: u32, status: u16) {
        self.state.fail_next(count, status);
    }

    pub fn set_quota(&self, per_second: u32, per_hour: u32) {
        self.state.set_quota(per_second, per_hour);
    }

    /// API calls received per endpoint (`token`, `subscribed_services`, `metering`,
    /// `contracts`), refused ones included.
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
    calls: HashMap<String, u64>,
}

struct Autorisation {
    client_id: String,
    prms: Vec<String>,
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
    }

    fn set_quota(&self, per_second: u32, per_hour: u32) {
        self.quota_per_second.store(per_second, Ordering::SeqCst);
        self.quota_per_hour.store(per_hour, Ordering::SeqCst);
    }

    fn new_autorisation(&self, client_id: &str, prms: Vec<String>) -> u64 {
        let id = self.next_autorisation.fetch_add(1, Ordering::SeqCst);
        self.lock().autorisations.insert(
            id,
            Autorisation {
                client_id: client_id.to_owned(),
                prms,
                given: Instant::now(),
            },
        );
        id
    }
}

fn router(state: Arc<SimState>) -> Router {
    Router::new()
        .route("/dataconnect/v2/oauth2/authorize", get(authorize))
        .route("/dataconnect/v2/oauth2/consent", post(consent))
        .route("/oauth2/v3/token", post(token))
        .route("/subscribed_services/v1", post(subscribed_services))
        .route("/mesure_synchrone_auto/v2/{name}", get(metering))
        .route("/situation_contrat_auto/v1/{prm}", get(contract_situation))
        .route("/comptage_auto/v1/{prm}", get(metering_point))
        .merge(admin_router())
        .with_state(state)
}

/// `/__sim/…`: switches for scripted runs.
/// - `POST /__sim/auto_consent?on=true|false`
/// - `POST /__sim/fail?count=N&status=503`
/// - `POST /__sim/quota?per_second=5&per_hour=10000`
/// - `GET /__sim/stats`
fn admin_router() -> Router<Arc<SimState>> {
    Router::new()
        .route("/__sim/auto_consent", post(admin_auto_consent))
        .route("/__sim/fail", post(admin_fail))
        .route("/__sim/quota", post(admin_quota))
        .route("/__sim/stats", get(admin_stats))
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

/// A duration Enedis accepts: ISO 8601 days, months or years, at most three years.
fn valid_duration(duration: &str) -> bool {
    let Some(rest) = duration.strip_prefix('P') else {
        return false;
    };
    let (number, unit) = rest.split_at(rest.len().saturating_sub(1));
    let Ok(n) = number.parse::<u32>() else {
        return false;
    };
    n > 0
        && match unit {
            "D" => n <= 1_095,
            "M" => n <= 36,
            "Y" => n <= 3,
            _ => false,
        }
}

#[derive(Deserialize)]
struct AuthorizeQuery {
    client_id: Option<String>,
    response_type: Option<String>,
    state: Option<String>,
    duration: Option<String>,
}

fn redirect(to: &str) -> Response {
    let mut response = StatusCode::FOUND.into_response();
    if let Ok(value) = HeaderValue::from_str(to) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

fn callback(client: &SimClient, params: &[(&str, &str)]) -> String {
    let query = params
        .iter()
        .map(|(k, v)| {
            format!(
                "{k}={}",
                url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()
            )
        })
        .collect::<Vec<_>>()
        .join("&");
    let separator = if client.redirect_uri.contains('?') {
        '&'
    } else {
        '?'
    };
    format!("{}{separator}{query}", client.redirect_uri)
}

async fn authorize(
    State(state): State<Arc<SimState>>,
    Query(query): Query<AuthorizeQuery>,
) -> Response {
    let Some(client) = query.client_id.as_deref().and_then(|id| state.client(id)) else {
        return page(
            StatusCode::BAD_REQUEST,
            "Application inconnue",
            "<p>Le paramètre client_id ne correspond à aucune application.</p>",
        );
    };
    let request_state = query.state.unwrap_or_default();
    if query.response_type.as_deref() != Some("code")
        || request_state.is_empty()
        || request_state.len() > 100
    {
        return page(
            StatusCode::BAD_REQUEST,
            "Requête invalide",
            "<p>response_type=code et state (100 caractères au plus) sont requis.</p>",
        );
    }
    let duration = query.duration.unwrap_or_default();
    if !valid_duration(&duration) {
        return page(
            StatusCode::BAD_REQUEST,
            "Durée invalide",
            "<p>duration doit être une durée ISO 8601 de trois ans au plus (ex. P1095D).</p>",
        );
    }
    if state.auto_consent.load(Ordering::SeqCst) {
        let prms = SANDBOX
            .iter()
            .filter(|p| p.customer)
            .map(|p| p.id.to_owned())
            .collect();
        let id = state.new_autorisation(&client.id, prms);
        return redirect(&callback(
            client,
            &[
                ("autorisation_id", &id.to_string()),
                ("state", &request_state),
            ],
        ));
    }
    let mut meters = String::new();
    for prm in SANDBOX.iter().filter(|p| p.customer) {
        let _ = write!(
            meters,
            "<label><input type=\"checkbox\" name=\"prm\" value=\"{id}\" checked> {id} — {label}</label>",
            id = prm.id,
            label = escape_html(prm.label)
        );
    }
    let body = format!(
        "<p>L’application <strong>{client}</strong> demande l’accès aux données de vos compteurs pour une durée de {duration}.</p>\
         <form method=\"post\" action=\"/dataconnect/v2/oauth2/consent\">{meters}\
         <input type=\"hidden\" name=\"client_id\" value=\"{client}\"><input type=\"hidden\" name=\"state\" value=\"{st}\">\
         <button type=\"submit\" name=\"decision\" value=\"accept\">Accepter</button>\
         <button type=\"submit\" name=\"decision\" value=\"refuse\">Refuser</button></form>",
        client = escape_html(&client.id),
        duration = escape_html(&duration),
        st = escape_html(&request_state),
    );
    page(StatusCode::OK, "Consentement Enedis", &body)
}

async fn consent(State(state): State<Arc<SimState>>, body: axum::body::Bytes) -> Response {
    // Repeated `prm` fields: parse by hand (serde's struct form takes one value per name).
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let Some(client) = field("client_id").and_then(|id| state.client(&id).cloned()) else {
        return page(
            StatusCode::BAD_REQUEST,
            "Application inconnue",
            "<p>client_id inconnu.</p>",
        );
    };
    let request_state = field("state").unwrap_or_default();
    if field("decision").as_deref() != Some("accept") {
        return redirect(&callback(
            &client,
            &[
                ("error", "access_denied"),
                ("error_description", "Le client a refusé le consentement"),
                ("state", &request_state),
            ],
        ));
    }
    let prms: Vec<String> = pairs
        .iter()
        .filter(|(k, v)| k == "prm" && data::sandbox(v).is_some_and(|p| p.customer))
        .map(|(_, v)| v.clone())
        .collect();
    if prms.is_empty() {
        return page(
            StatusCode::BAD_REQUEST,
            "Aucun compteur choisi",
            "<p>Choisissez au moins un compteur.</p>",
        );
    }
    let id = state.new_autorisation(&client.id, prms);
    redirect(&callback(
        &client,
        &[
            ("autorisation_id", &id.to_string()),
            ("state", &request_state),
        ],
    ))
}

/// Quota, faults and call counting, common to every API endpoint.
fn gate(state: &SimState, endpoint: &str, client_id: Option<&str>) -> Option<Response> {
    let mut inner = state.lock();
    *inner.calls.entry(endpoint.to_owned()).or_default() += 1;
    if inner.fail_next > 0 {
        inner.fail_next -= 1;
        let status =
            StatusCode::from_u16(inner.fail_status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
        return Some(error(
            status,
            "service_unavailable",
            "Le service est momentanément indisponible",
        ));
    }
    let client_id = client_id?;
    let now = Instant::now();
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
        *inner.calls.entry("throttled".to_owned()).or_default() += 1;
        let mut response = error(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_requests",
            "Quota d’appels dépassé",
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return Some(response);
    }
    recent.push_back(now);
    let seen = last_second + 1;
    inner.max_per_second = inner.max_per_second.max(seen);
    None
}

/// The client an application token belongs to.
#[allow(clippy::result_large_err)] // The error is the response to send; it is built once per call.
fn bearer_client(state: &SimState, headers: &HeaderMap) -> Result<String, Response> {
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

async fn token(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| decode_basic(b.trim()));
    let (id, secret) = basic.unwrap_or_else(|| {
        (
            form.get("client_id").cloned().unwrap_or_default(),
            form.get("client_secret").cloned().unwrap_or_default(),
        )
    });
    if let Some(refused) = gate(&state, "token", Some(&id)) {
        return refused;
    }
    if form.get("grant_type").map(String::as_str) != Some("client_credentials") {
        return error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "Seul client_credentials est accepté",
        );
    }
    if state.client(&id).is_none_or(|c| c.secret != secret) {
        return error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Identifiants de l’application invalides",
        );
    }
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    state
        .lock()
        .tokens
        .insert(token.clone(), (id, Instant::now() + state.token_lifetime));
    Json(json!({
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": state.token_lifetime.as_secs(),
        "scope": "am_application_scope default",
    }))
    .into_response()
}

fn decode_basic(encoded: &str) -> Option<(String, String)> {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD_NO_PAD;
    // Padding is optional, as for the clients' gateways.
    let bytes = STANDARD_NO_PAD.decode(encoded.trim_end_matches('=')).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

async fn subscribed_services(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let client = match bearer_client(&state, &headers) {
        Ok(client) => client,
        Err(response) => {
            let _ = gate(&state, "subscribed_services", None);
            return response;
        }
    };
    if let Some(refused) = gate(&state, "subscribed_services", Some(&client)) {
        return refused;
    }
    let Ok(request) = serde_json::from_slice::<Value>(&body) else {
        return error(
            StatusCode::BAD_REQUEST,
            "ADAM-ERR0123",
            "Corps de requête invalide",
        );
    };
    let id = match request.get("autorisationId") {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.parse().ok(),
        _ => None,
    };
    let Some(id) = id else {
        return error(
            StatusCode::BAD_REQUEST,
            "ADAM-ERR0123",
            "autorisationId manquant",
        );
    };
    let inner = state.lock();
    let Some(autorisation) = inner
        .autorisations
        .get(&id)
        .filter(|a| a.client_id == client)
    else {
        return error(
            StatusCode::FORBIDDEN,
            "ADAM-DC-0008",
            "Aucun consentement pour cette autorisation",
        );
    };
    if autorisation.given.elapsed() < state.subscription_delay {
        return Json(json!({"services": []})).into_response();
    }
    let today = state.today();
    let services: Vec<Value> = autorisation
        .prms
        .iter()
        .enumerate()
        .map(|(i, prm)| {
            json!({
                "serviceSouscritId": format!("{id}-{i}"),
                "pointId": prm,
                "serviceType": "ACCES",
                "etatCode": "ACTIF",
                "autorisationId": id,
                "dateDebut": fmt_date(today),
                "dateFin": fmt_date(today + time::Duration::days(1_095)),
            })
        })
        .collect();
    Json(json!({"services": services})).into_response()
}

fn fmt_date(date: Date) -> String {
    date.format(format_description!("[year]-[month]-[day]"))
        .unwrap_or_default()
}

fn fmt_timestamp(at: time::PrimitiveDateTime) -> String {
    at.format(format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second]"
    ))
    .unwrap_or_default()
}

/// The checks every data endpoint shares: token, quota, faults, the PRM and its consent.
#[allow(clippy::result_large_err)] // As for `bearer_client`.
fn data_access(
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
        .any(|a| a.client_id == client && a.prms.iter().any(|p| p == prm));
    if !consented {
        return Err(error(
            StatusCode::FORBIDDEN,
            "ADAM-DC-0008",
            "Aucun consentement pour ce point",
        ));
    }
    Ok(meter)
}

#[derive(Deserialize)]
struct MeteringQuery {
    #[serde(rename = "pointId")]
    point_id: Option<String>,
    #[serde(rename = "dateDebut")]
    date_debut: Option<String>,
    #[serde(rename = "dateFin")]
    date_fin: Option<String>,
}

async fn metering(
    State(state): State<Arc<SimState>>,
    Path(name): Path<String>,
    headers: HeaderMap,
    Query(query): Query<MeteringQuery>,
) -> Response {
    // (grandeurMetier, grandeurPhysique, load curve?, max days, history days)
    let (metier, physique, curve, max_days, history) = match name.as_str() {
        "consommation_quotidienne" => ("CONS", "EA", false, 365, 3 * 365 + 1),
        "courbe_de_charge_consommation" => ("CONS", "PA", true, 7, 2 * 365 + 1),
        "puissance_maximum_quotidienne" => ("CONS", "PMA", false, 365, 3 * 365 + 1),
        "production_quotidienne" => ("PROD", "EA", false, 365, 3 * 365 + 1),
        "courbe_de_charge_production" => ("PROD", "PA", true, 7, 2 * 365 + 1),
        _ => return error(StatusCode::NOT_FOUND, "not_found", "Ressource inconnue"),
    };
    let prm = query.point_id.unwrap_or_default();
    let meter = match data_access(&state, "metering", &headers, &prm) {
        Ok(meter) => meter,
        Err(response) => return response,
    };
    let parse = |d: Option<String>| {
        d.and_then(|d| Date::parse(&d, format_description!("[year]-[month]-[day]")).ok())
    };
    let (Some(start), Some(end)) = (parse(query.date_debut), parse(query.date_fin)) else {
        return error(
            StatusCode::BAD_REQUEST,
            "ADAM-ERR0123",
            "dateDebut et dateFin (AAAA-MM-JJ) sont requis",
        );
    };
    let today = state.today();
    if start >= end
        || (end - start).whole_days() > max_days
        || end > today
        || start < today - time::Duration::days(history)
    {
        return error(
            StatusCode::BAD_REQUEST,
            "ADAM-ERR0123",
            "Période demandée invalide",
        );
    }
    let produced = metier == "PROD";
    if produced && meter.solar_peak_w == 0 {
        return error(
            StatusCode::NOT_FOUND,
            "no_data_found",
            "Aucune donnée de production pour ce point",
        );
    }
    let kilo = meter.kilo_units;
    let value = |base: u64| {
        if kilo {
            format!("{}.{:03}", base / 1000, base % 1000)
        } else {
            base.to_string()
        }
    };
    let mut points = Vec::new();
    let mut day = start;
    while day < end {
        if curve {
            for slot in 0..48 {
                let watts = if produced {
                    data::production_w(meter, day, slot)
                } else {
                    data::load_w(meter, day, slot)
                };
                let at = data::slot_start(day, slot)
                    + if state.curve_marks_start {
                        time::Duration::ZERO
                    } else {
                        time::Duration::minutes(30)
                    };
                points.push(json!({"v": value(u64::from(watts)), "d": fmt_timestamp(at), "p": "PT30M", "n": "B"}));
            }
        } else if physique == "PMA" {
            let (va, at) = data::max_power(meter, day);
            points.push(
                json!({"v": value(u64::from(va)), "d": fmt_timestamp(at), "p": "P1D", "n": "B"}),
            );
        } else {
            points.push(json!({"v": value(data::daily_wh(meter, day, produced)), "d": fmt_date(day), "p": "P1D", "n": "B"}));
        }
        day = day.next_day().unwrap_or(end);
    }
    let unit = match (physique, kilo) {
        ("EA", false) => "Wh",
        ("EA", true) => "kWh",
        ("PA", false) => "W",
        ("PA", true) => "kW",
        (_, false) => "VA",
        (_, true) => "kVA",
    };
    Json(json!({
        "idPrm": prm,
        "etapeMetier": "BRUT",
        "periode": {"dateDebut": fmt_date(start), "dateFin": fmt_date(end)},
        "grandeur": [{"grandeurMetier": metier, "grandeurPhysique": physique, "unite": unit, "points": points}],
    }))
    .into_response()
}

async fn contract_situation(
    State(state): State<Arc<SimState>>,
    Path(prm): Path<String>,
    headers: HeaderMap,
) -> Response {
    let meter = match data_access(&state, "contracts", &headers, &prm) {
        Ok(meter) => meter,
        Err(response) => return response,
    };
    Json(json!({
        "idPrm": prm,
        "segment": "C5",
        "puissanceSouscrite": {"valeur": meter.subscribed_kva.to_string(), "unite": "kVA"},
        "tarifAcheminement": if meter.electric_heating { "BTINFCU4" } else { "BTINFCUST" },
        "plagesHeuresCreuses": "HC (22H30-6H30)",
        "etatContractuel": "SERVC",
        "dateDerniereActivation": "2019-03-01",
        "dateDernierChangementTarif": "2023-08-01",
        // Personal data the real API carries and a proxy must not relay.
        "titulaire": {"civilite": "Mme", "nom": "Dupont", "prenom": "Camille", "email": "camille.dupont@example.org",
            "adresse": {"ligne": "12 rue des Tilleuls", "codePostal": "69003", "commune": "Lyon"}},
    }))
    .into_response()
}

async fn metering_point(
    State(state): State<Arc<SimState>>,
    Path(prm): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(response) = data_access(&state, "contracts", &headers, &prm) {
        return response;
    }
    Json(json!({
        "idPrm": prm,
        "typeComptage": "AMM",
        "etatPoint": "com",
        "adresseInstallation": {"ligne": "12 rue des Tilleuls", "codePostal": "69003", "commune": "Lyon"},
    }))
    .into_response()
}

#[derive(Deserialize)]
struct AutoConsentQuery {
    on: bool,
}

async fn admin_auto_consent(
    State(state): State<Arc<SimState>>,
    Query(q): Query<AutoConsentQuery>,
) -> StatusCode {
    state.auto_consent.store(q.on, Ordering::SeqCst);
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

async fn admin_stats(State(state): State<Arc<SimState>>) -> Response {
    let inner = state.lock();
    Json(json!({"calls": inner.calls, "max_calls_in_a_second": inner.max_per_second, "autorisations": inner.autorisations.len()})).into_response()
}
