//! The Hue cloud simulator: the Remote API's OAuth server and its `/route/…` proxy to a bridge.
//!
//! - `GET /v2/oauth2/authorize`: checks the client and its redirect URI, then shows a consent
//!   page with Allow and Deny, or (auto-consent, for scripted runs) redirects at once.
//! - `POST /v2/oauth2/token`: client authentication by HTTP Basic or Digest (an unauthenticated
//!   request gets the 401 Digest challenge the real cloud sends); `authorization_code` (codes
//!   single-use and short-lived, PKCE checked when the authorization sent a challenge, a replayed
//!   code revokes what it gave) and `refresh_token` (rotation: every refresh returns a new refresh
//!   token; the old one keeps working until the new refresh token or the new access token is
//!   first used, then it is retired). Lifetimes are configurable.
//! - `/route/api/…` (CLIP v1) and `/route/clip/v2/…` (CLIP v2): the bearer token checked, JSON
//!   required on writes (415 otherwise, as the real cloud), then forwarded to the bridge with
//!   `hue-application-key` passed through; the bridge checks the username or the key.
//!   `PUT /route/api/0/config {"linkbutton":true}` presses the bridge's link button remotely, so
//!   that `POST /route/api {"devicetype":…}` can then create a username.
//! - `/__sim/…`: switches and counters for tests and for poking at by hand (`stats`,
//!   `consent?mode=…`, `expire_access_tokens`, `fail/<status>/<count>`: the next `/route/…` calls
//!   answer `status` from the cloud itself, 429 with `Retry-After: 1`, as its rate limiter would).
//!
//! Plain HTTP on 127.0.0.1: the client under test is told the base URL.

pub use bridge_link::pinned_client;

mod bridge_link;
pub mod browser;
pub mod cli;
mod oauth;
mod route;

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::routing::{any, get, post};
use serde::{Deserialize, Serialize};
use tokio::net::TcpListener;

use crate::MAX_QUEUED_FAULTS;
use crate::background::Background;

/// The realm of the real cloud's Digest challenge.
pub const DIGEST_REALM: &str = "oauth2_client@api.meethue.com";
/// The client the standalone simulator registers unless told otherwise (sandbox values).
pub const DEFAULT_CLIENT_ID: &str = "hearth-sim-client";
pub const DEFAULT_CLIENT_SECRET: &str = "hearth-sim-secret";

/// What the consent page does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Consent {
    /// Show the page with Allow and Deny.
    #[default]
    Ask,
    /// Redirect at once with a code.
    Allow,
    /// Redirect at once with `error=access_denied`.
    Deny,
}

/// A registered app, as on the Hue developer portal: one callback URL.
#[derive(Debug, Clone)]
struct RegisteredClient {
    id: String,
    secret: String,
    /// `None` accepts any redirect URI (handy by hand; the portal always has one).
    redirect_uri: Option<String>,
}

/// Where `/route/…` goes: a bridge's base URL (`https://127.0.0.1:port`), an HTTP client that
/// trusts it, and how to press its link button.
#[derive(Clone)]
pub struct BridgeTarget {
    pub base_url: url::Url,
    pub http: reqwest::Client,
    pub press_link_button: LinkButton,
}

/// Presses a bridge's link button (in process, or over the bridge simulator's HTTP switch).
pub type LinkButton =
    Arc<dyn Fn() -> std::pin::Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

impl std::fmt::Debug for BridgeTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BridgeTarget")
            .field("base_url", &self.base_url.as_str())
            .finish_non_exhaustive()
    }
}

/// Counters, for tests to assert on (how many refreshes 100 callers caused) and for the
/// standalone simulator's `/__sim/stats`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CloudStats {
    pub authorize_requests: u64,
    pub consents: u64,
    pub denials: u64,
    pub digest_challenges: u64,
    pub code_exchanges: u64,
    pub refreshes: u64,
    pub rejected_token_requests: u64,
    pub route_calls: u64,
    pub rejected_route_calls: u64,
    pub link_button_presses: u64,
}

#[derive(Debug, Clone)]
struct Lifetimes {
    code: Duration,
    access: Duration,
    refresh: Duration,
}

pub struct CloudSimBuilder {
    clients: Vec<RegisteredClient>,
    consent: Consent,
    lifetimes: Lifetimes,
    bridge: Option<BridgeTarget>,
}

pub struct CloudSim;

impl CloudSim {
    pub fn builder() -> CloudSimBuilder {
        CloudSimBuilder {
            clients: Vec::new(),
            consent: Consent::Ask,
            lifetimes: Lifetimes {
                code: Duration::from_secs(60),
                // What the real cloud reports: 7 days and about 100 days.
                access: Duration::from_secs(7 * 24 * 3600),
                refresh: Duration::from_secs(100 * 24 * 3600),
            },
            bridge: None,
        }
    }
}

impl CloudSimBuilder {
    /// Registers an app. `redirect_uri` is its one callback URL (`None`: any).
    #[must_use]
    pub fn client(mut self, id: &str, secret: &str, redirect_uri: Option<&str>) -> Self {
        self.clients.push(RegisteredClient {
            id: id.to_owned(),
            secret: secret.to_owned(),
            redirect_uri: redirect_uri.map(str::to_owned),
        });
        self
    }

    #[must_use]
    pub fn consent(mut self, consent: Consent) -> Self {
        self.consent = consent;
        self
    }

    /// The access token's `expires_in`.
    #[must_use]
    pub fn access_token_lifetime(mut self, lifetime: Duration) -> Self {
        self.lifetimes.access = lifetime;
        self
    }

    #[must_use]
    pub fn refresh_token_lifetime(mut self, lifetime: Duration) -> Self {
        self.lifetimes.refresh = lifetime;
        self
    }

    #[must_use]
    pub fn code_lifetime(mut self, lifetime: Duration) -> Self {
        self.lifetimes.code = lifetime;
        self
    }

    #[must_use]
    pub fn bridge(mut self, bridge: BridgeTarget) -> Self {
        self.bridge = Some(bridge);
        self
    }

    fn into_state(self) -> Arc<Shared> {
        Arc::new(Shared {
            lifetimes: self.lifetimes,
            inner: Mutex::new(Inner {
                clients: self.clients,
                consent: self.consent,
                bridge: self.bridge,
                ..Inner::default()
            }),
        })
    }

    /// Starts on 127.0.0.1 with a free port. Stops when the handle is dropped.
    pub async fn start(self) -> std::io::Result<CloudSimHandle> {
        let shared = self.into_state();
        let server = Background::start(router(Arc::clone(&shared))).await?;
        Ok(CloudSimHandle { server, shared })
    }

    /// Serves on `listener` until `shutdown` completes (the standalone simulator).
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

/// A running simulator, with its switches and counters.
pub struct CloudSimHandle {
    server: Background,
    shared: Arc<Shared>,
}

impl CloudSimHandle {
    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    /// `http://127.0.0.1:port`: what replaces `https://api.meethue.com`.
    pub fn base_url(&self) -> url::Url {
        url::Url::parse(&format!("http://{}", self.addr()))
            .unwrap_or_else(|_| unreachable!("http://<socket address> is a URL"))
    }

    pub fn stats(&self) -> CloudStats {
        self.shared.lock().stats
    }

    pub fn set_consent(&self, consent: Consent) {
        self.shared.lock().consent = consent;
    }

    /// Every access token issued so far stops working (as if its lifetime had passed): the next
    /// remote call gets a 401.
    pub fn expire_access_tokens(&self) {
        self.shared.lock().expire_access_tokens();
    }

    /// A new link's tokens `(access, refresh)` for `client_id`, as if the user had consented and
    /// the code been exchanged (for tests that are not about OAuth).
    pub fn issue_tokens(&self, client_id: &str) -> (String, String) {
        let mut inner = self.shared.lock();
        let family = inner.next_family;
        inner.next_family += 1;
        oauth::mint(&mut inner, &self.shared, client_id, family, None)
    }

    /// Whether `refresh_token` would be accepted now.
    pub fn refresh_token_is_valid(&self, refresh_token: &str) -> bool {
        let inner = self.shared.lock();
        inner
            .refresh_tokens
            .get(refresh_token)
            .is_some_and(|grant| !grant.retired && grant.expires > Instant::now())
    }

    /// The next `count` `/route/…` calls (with a valid token) answer `status` from the cloud
    /// itself, without reaching the bridge: 429 (with `Retry-After: 1`) as its rate limiter, 5xx
    /// as an outage.
    pub fn fail_next_route(&self, status: u16, count: usize) {
        self.shared.lock().fail_next_route(status, count);
    }

    /// Whether `access_token` would be accepted by `/route/…` now.
    pub fn access_token_is_valid(&self, access_token: &str) -> bool {
        let inner = self.shared.lock();
        inner
            .access_tokens
            .get(access_token)
            .is_some_and(|grant| grant.expires > Instant::now())
    }

    /// Stops and waits for the requests in flight.
    pub async fn stop(self) {
        self.server.stop().await;
    }
}

struct Shared {
    lifetimes: Lifetimes,
    inner: Mutex<Inner>,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[derive(Default)]
struct Inner {
    clients: Vec<RegisteredClient>,
    consent: Consent,
    bridge: Option<BridgeTarget>,
    stats: CloudStats,
    /// Consent pages shown and not yet answered, by their form id.
    pending: HashMap<String, oauth::Authorization>,
    codes: HashMap<String, oauth::CodeGrant>,
    /// Codes already exchanged, and the link (family) they created: a replay revokes it.
    used_codes: HashMap<String, u64>,
    nonces: HashMap<String, Instant>,
    refresh_tokens: HashMap<String, oauth::RefreshGrant>,
    access_tokens: HashMap<String, oauth::AccessGrant>,
    next_family: u64,
    /// Statuses the next `/route/…` calls answer (see [`CloudSimHandle::fail_next_route`]).
    route_faults: VecDeque<u16>,
}

impl Inner {
    fn client(&self, id: &str) -> Option<&RegisteredClient> {
        self.clients.iter().find(|client| client.id == id)
    }

    fn expire_access_tokens(&mut self) {
        let past = Instant::now()
            .checked_sub(Duration::from_secs(1))
            .unwrap_or_else(Instant::now);
        for token in self.access_tokens.values_mut() {
            token.expires = past;
        }
    }

    fn fail_next_route(&mut self, status: u16, count: usize) {
        self.route_faults.extend(std::iter::repeat_n(status, count));
    }
}

fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/v2/oauth2/authorize", get(oauth::authorize))
        .route("/v2/oauth2/authorize/decision", post(oauth::decide))
        .route("/v2/oauth2/token", post(oauth::token))
        .route("/route/{*rest}", any(route::forward))
        .route("/__sim/stats", get(sim_stats))
        .route("/__sim/consent", post(sim_consent))
        .route("/__sim/expire_access_tokens", post(sim_expire))
        .route("/__sim/fail/{status}/{count}", post(sim_fail))
        .with_state(shared)
}

async fn sim_stats(State(shared): State<Arc<Shared>>) -> axum::Json<CloudStats> {
    axum::Json(shared.lock().stats)
}

#[derive(Deserialize)]
struct ConsentQuery {
    mode: Consent,
}

async fn sim_consent(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<ConsentQuery>,
) -> &'static str {
    shared.lock().consent = query.mode;
    "ok\n"
}

async fn sim_expire(State(shared): State<Arc<Shared>>) -> &'static str {
    shared.lock().expire_access_tokens();
    "ok\n"
}

async fn sim_fail(
    State(shared): State<Arc<Shared>>,
    Path((status, count)): Path<(u16, usize)>,
) -> &'static str {
    shared
        .lock()
        .fail_next_route(status, count.min(MAX_QUEUED_FAULTS));
    "ok\n"
}

/// A random token of `bytes` bytes, URL-safe.
fn random_token(bytes: usize) -> String {
    use base64::Engine as _;
    use rand::RngCore as _;
    let mut buffer = vec![0_u8; bytes];
    rand::rng().fill_bytes(&mut buffer);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buffer)
}

#[cfg(test)]
mod tests {
    //! The token endpoint as Hue's documentation shows it: the grant in the query string and
    //! Digest computed by hand (the client crate has its own tests against this simulator).

    use md5::{Digest as _, Md5};

    use super::{CloudSim, Consent, DIGEST_REALM};
    use crate::MAX_QUEUED_FAULTS;

    fn md5(text: &str) -> String {
        hex::encode(Md5::digest(text.as_bytes()))
    }

    #[tokio::test]
    async fn digest_with_the_grant_in_the_query_and_single_use_nonces() {
        let cloud = CloudSim::builder()
            .client("id", "secret", Some("https://example.com/cb"))
            .consent(Consent::Allow)
            .start()
            .await
            .unwrap();
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let authorize = cloud
            .base_url()
            .join("/v2/oauth2/authorize?client_id=id&response_type=code&state=st")
            .unwrap();
        let redirect = http.get(authorize).send().await.unwrap();
        let location = url::Url::parse(redirect.headers()["location"].to_str().unwrap()).unwrap();
        assert_eq!(location.host_str(), Some("example.com"));
        let code = location
            .query_pairs()
            .find(|(name, _)| name == "code")
            .unwrap()
            .1
            .into_owned();
        let path = format!("/v2/oauth2/token?code={code}&grant_type=authorization_code");
        let url = cloud.base_url().join(&path).unwrap();

        // The nonce of a 401 Digest challenge, and the credentials that answer it.
        let nonce_of = |challenge: &reqwest::Response| {
            let header = challenge.headers()["www-authenticate"].to_str().unwrap();
            assert!(header.starts_with(&format!("Digest realm=\"{DIGEST_REALM}\", nonce=\"")));
            let nonce = header.rsplit("nonce=\"").next().unwrap();
            nonce.trim_end_matches('"').to_owned()
        };
        let digest = |nonce: &str, secret: &str| {
            let response = md5(&format!(
                "{}:{nonce}:{}",
                md5(&format!("id:{DIGEST_REALM}:{secret}")),
                md5(&format!("POST:{path}"))
            ));
            format!(
                "Digest username=\"id\", realm=\"{DIGEST_REALM}\", nonce=\"{nonce}\", \
                 uri=\"{path}\", response=\"{response}\""
            )
        };

        let challenge = http.post(url.clone()).send().await.unwrap();
        assert_eq!(challenge.status().as_u16(), 401);
        let nonce = nonce_of(&challenge);
        // A wrong secret spends the nonce.
        let wrong = http
            .post(url.clone())
            .header("authorization", digest(&nonce, "wrong"))
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status().as_u16(), 401);
        let replayed = http
            .post(url.clone())
            .header("authorization", digest(&nonce, "secret"))
            .send()
            .await
            .unwrap();
        assert_eq!(replayed.status().as_u16(), 401);
        assert_eq!(cloud.stats().code_exchanges, 0);

        let challenge = http.post(url.clone()).send().await.unwrap();
        let nonce = nonce_of(&challenge);
        let granted = http
            .post(url)
            .header("authorization", digest(&nonce, "secret"))
            .send()
            .await
            .unwrap();
        assert_eq!(granted.status().as_u16(), 200);
        let body: serde_json::Value = granted.json().await.unwrap();
        assert_eq!(body["token_type"], "bearer");
        assert_eq!(body["expires_in"], 7 * 24 * 3600);
        assert!(
            body["refresh_token"]
                .as_str()
                .is_some_and(|t| !t.is_empty())
        );
        assert_eq!(cloud.stats().code_exchanges, 1);
    }

    #[tokio::test]
    async fn a_huge_fault_count_is_capped_not_fatal() {
        let cloud = CloudSim::builder().start().await.unwrap();
        let fail = cloud
            .base_url()
            .join(&format!("/__sim/fail/429/{}", usize::MAX))
            .unwrap();
        let response = reqwest::Client::new().post(fail).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(
            cloud.shared.lock().route_faults.len(),
            MAX_QUEUED_FAULTS,
            "the count is capped"
        );
    }
}
