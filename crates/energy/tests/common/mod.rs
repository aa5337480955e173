//! The harness: the Enedis simulator and a real hearth-proxy in Enedis mode in front of it, both
//! served in-process on 127.0.0.1 port 0, and a browser that answers the proxy's and the
//! simulator's pages over HTTP with its cookies.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics the test with its reason.
#![allow(dead_code)] // Each test binary uses a different part of the harness.

use std::sync::Arc;
use std::time::Duration;

use clap::Parser as _;
use hearth_energy::{
    DayRange, Linker, MeterTokens, ProxyConfig, ProxySource, SourceOptions, http_client,
};
use hearth_proxy::Config;
use hearth_secret::{MemoryStore, Secret, SecretStore};
use hearth_sim::enedis::{EnedisSim, EnedisSimBuilder, EnedisSimHandle};
use reqwest::header::{HeaderMap, LOCATION, SET_COOKIE};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub const CLIENT_ID: &str = "hearth-energy-test";
pub const APP_SECRET: &str = "s3cr3t-of-the-enedis-application";
/// The simulated customer's meters: electric heating (W units), and solar panels.
pub const HOUSE: &str = "22516914714270";
pub const FLAT: &str = "24880057139941";

/// The simulator and the proxy in front of it; both stop when dropped.
pub struct Setup {
    pub sim: EnedisSimHandle,
    pub proxy_url: String,
    shutdown: Option<oneshot::Sender<()>>,
    _store_dir: tempfile::TempDir,
}

impl Drop for Setup {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Starts the simulator (`sim` applied to a builder with the test application registered) and
/// a proxy in front of it with fast polling and `extra` flags.
pub async fn setup(
    sim: impl FnOnce(EnedisSimBuilder) -> EnedisSimBuilder,
    extra: &[&str],
) -> Setup {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy_url = format!("http://{}", listener.local_addr().unwrap());
    let sim = sim(EnedisSim::builder().client(
        CLIENT_ID,
        APP_SECRET,
        &format!("{proxy_url}/auth/redirect"),
    ))
    .start()
    .await
    .unwrap();
    let store_dir = tempfile::tempdir().unwrap();
    let mut argv: Vec<String> = [
        "hearth-proxy",
        "--public-url",
        &proxy_url,
        "--store",
        &store_dir.path().join("proxy.sqlite3").to_string_lossy(),
        "--mode",
        "enedis",
        "--client",
        &format!("{CLIENT_ID}=Hearth tests"),
        "--enedis-authorize-url",
        &sim.authorize_url(),
        "--enedis-api-url",
        &sim.base_url(),
        "--enedis-subscription-delay-ms",
        "50",
        "--interval-ms",
        "200",
        "--log",
        "warn",
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    argv.extend(extra.iter().map(ToString::to_string));
    let mut config = Config::try_parse_from(argv).unwrap();
    config.client_secret = Some(Secret::from(APP_SECRET));
    let state = hearth_proxy::build_state(config).await.unwrap();
    let (tx, rx) = oneshot::channel::<()>();
    tokio::spawn(async move {
        hearth_proxy::serve(state, listener, async {
            let _ = rx.await;
        })
        .await
        .unwrap();
    });
    Setup {
        sim,
        proxy_url,
        shutdown: Some(tx),
        _store_dir: store_dir,
    }
}

/// The app's side: a secret store, the meters' tokens, a linker and a data source.
pub struct App {
    pub store: Arc<dyn SecretStore>,
    pub tokens: Arc<MeterTokens>,
    pub linker: Linker,
    pub source: ProxySource,
}

impl App {
    pub fn new(setup: &Setup) -> Self {
        Self::with_store(setup, Arc::new(MemoryStore::default()))
    }

    /// Another app (or the CLI beside it) sharing `store`.
    pub fn with_store(setup: &Setup, store: Arc<dyn SecretStore>) -> Self {
        let config = ProxyConfig::new(&setup.proxy_url, CLIENT_ID).unwrap();
        let http = http_client(Duration::from_secs(30)).unwrap();
        let tokens = Arc::new(MeterTokens::new(config, Arc::clone(&store), http.clone()).unwrap());
        let linker = Linker::new(Arc::clone(&tokens), http).unwrap();
        let source = ProxySource::new(
            Arc::clone(&tokens),
            SourceOptions {
                spacing: Duration::from_millis(10),
                ..SourceOptions::default()
            },
        )
        .unwrap();
        Self {
            store,
            tokens,
            linker,
            source,
        }
    }

    /// Links `prm` all the way: code, the proxy's confirmation, the simulator's consent page
    /// (meter chosen, accepted), tokens.
    pub async fn link(&self, setup: &Setup, prm: &str) -> hearth_energy::LinkedMeter {
        let pending = self.linker.start().await.unwrap();
        let mut browser = Browser::default();
        let never = tokio_util::sync::CancellationToken::new();
        let (linked, ()) = tokio::join!(
            self.linker.finish(&pending, &never, |_| {}),
            browser.consent(
                setup,
                pending.verification_uri_complete().as_str(),
                Decision::Accept(prm)
            ),
        );
        linked.unwrap()
    }
}

/// What the browser answers on Enedis's consent page.
#[derive(Debug, Clone, Copy)]
pub enum Decision<'a> {
    Accept(&'a str),
    Refuse,
}

/// A browser: one cookie jar (everything is 127.0.0.1), every hop seen.
#[derive(Default)]
pub struct Browser {
    cookies: Vec<(String, String)>,
}

pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub body: String,
}

impl Browser {
    fn http() -> reqwest::Client {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    fn remember(&mut self, headers: &HeaderMap) {
        for value in headers.get_all(SET_COOKIE) {
            let pair = value.to_str().unwrap().split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            self.cookies.retain(|(k, _)| k != name);
            self.cookies.push((name.to_owned(), value.to_owned()));
        }
    }

    async fn send(&mut self, request: reqwest::RequestBuilder) -> Page {
        let cookies = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let response = request
            .header("Cookie", cookies)
            .header("Accept", "text/html")
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        self.remember(response.headers());
        let location = response
            .headers()
            .get(LOCATION)
            .map(|l| l.to_str().unwrap().to_owned());
        Page {
            status,
            location,
            body: response.text().await.unwrap(),
        }
    }

    pub async fn get(&mut self, url: &str) -> Page {
        self.send(Self::http().get(url)).await
    }

    pub async fn post(&mut self, url: &str, form: &[(&str, &str)]) -> Page {
        self.send(Self::http().post(url).form(form)).await
    }

    /// Opens the link the app shows, confirms the code on the proxy's page, and answers
    /// Enedis's consent page (the simulator's, auto-consent off) as `decision` says, back to
    /// the proxy's callback.
    pub async fn consent(&mut self, setup: &Setup, link: &str, decision: Decision<'_>) {
        let page = self.get(link).await;
        assert_eq!(page.status, 200, "{}", page.body);
        let code = hidden(&page.body, "code");
        let csrf = hidden(&page.body, "csrf");
        let page = self
            .post(
                &format!("{}/auth/verify_code", setup.proxy_url),
                &[("code", &code), ("csrf", &csrf), ("action", "approve")],
            )
            .await;
        assert_eq!(page.status, 303, "{}", page.body);
        let at_enedis = self.get(&page.location.unwrap()).await;
        assert_eq!(at_enedis.status, 200, "{}", at_enedis.body);
        let state = hidden(&at_enedis.body, "state");
        let client_id = hidden(&at_enedis.body, "client_id");
        let mut form = vec![("client_id", client_id.as_str()), ("state", state.as_str())];
        match decision {
            Decision::Accept(prm) => form.extend([("decision", "accept"), ("prm", prm)]),
            Decision::Refuse => form.push(("decision", "refuse")),
        }
        let answered = self
            .post(
                &format!("{}/dataconnect/v2/oauth2/consent", setup.sim.base_url()),
                &form,
            )
            .await;
        assert_eq!(answered.status, 302, "{}", answered.body);
        let back = self.get(&answered.location.unwrap()).await;
        assert_eq!(back.status, 200, "{}", back.body);
    }
}

/// The value of a hidden form field in a page.
pub fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no field {name} in {html}"))
        + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

/// Today as the simulator counts (UTC), `offset` days away, in jiff (the energy crate's) and
/// time (the simulator's).
pub fn day(offset: i64) -> jiff::civil::Date {
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    today.checked_add(jiff::Span::new().days(offset)).unwrap()
}

pub fn sim_day(date: jiff::civil::Date) -> time::Date {
    time::Date::from_calendar_date(
        i32::from(date.year()),
        time::Month::try_from(u8::try_from(date.month()).unwrap()).unwrap(),
        u8::try_from(date.day()).unwrap(),
    )
    .unwrap()
}

pub fn range(start: i64, end: i64) -> DayRange {
    DayRange {
        start: day(start),
        end: day(end),
    }
}
