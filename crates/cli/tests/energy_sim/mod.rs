//! The energy side of the CLI tests: hearth-sim's Enedis and a real hearth-proxy in Enedis mode
//! in front of it, in this process on 127.0.0.1 port 0, and a browser (an HTTP client with its
//! cookies) that confirms the code on the proxy's page and answers the simulator's consent
//! page, as a user does in the page the CLI prints. The CLI runs as a separate process, as a
//! script runs it, and reaches the proxy over loopback.
#![allow(dead_code)] // Each test binary uses a different part of the harness.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics the test with its reason.

use std::collections::BTreeMap;
use std::path::Path;

use clap::Parser as _;
use hearth_proxy::Config;
use hearth_secret::Secret;
use hearth_sim::enedis::{EnedisSim, EnedisSimHandle};
use hearth_sim::regulator::{RegulatorSim, RegulatorSimHandle};
use hearth_sim::tempo::{TempoSim, TempoSimHandle};
use jiff::civil::Date;
use jiff::{Span, Timestamp};
use reqwest::header::{HeaderMap, LOCATION, SET_COOKIE};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub const CLIENT_ID: &str = "hearth-cli-test";
const APP_SECRET: &str = "s3cr3t-of-the-enedis-application";
/// The simulated customer's meters: electric heating, and solar panels.
pub const HOUSE: &str = "22516914714270";
pub const FLAT: &str = "24880057139941";

/// Every metering endpoint the simulator counts, and the contract's.
pub const ENDPOINTS: [&str; 6] = [
    "metering/consommation_quotidienne",
    "metering/courbe_de_charge_consommation",
    "metering/puissance_conso_max_quotidienne",
    "metering/production_quotidienne",
    "metering/courbe_de_charge_production",
    "contracts",
];

/// The day the proxy counts as today (UTC + 1 h: it refuses ranges against that), which the
/// simulator is pinned to.
pub fn today() -> Date {
    Timestamp::now()
        .checked_add(Span::new().hours(1))
        .unwrap()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

pub fn add(day: Date, n: i64) -> Date {
    day.checked_add(Span::new().days(n)).unwrap()
}

pub fn sim_day(date: Date) -> time::Date {
    time::Date::from_calendar_date(
        i32::from(date.year()),
        time::Month::try_from(u8::try_from(date.month()).unwrap()).unwrap(),
        u8::try_from(date.day()).unwrap(),
    )
    .unwrap()
}

/// The simulator and the proxy in front of it, and the price feeds' simulators (the regulator's
/// files, RTE's Tempo calendar); all stop when dropped.
pub struct Setup {
    pub sim: EnedisSimHandle,
    pub proxy_url: String,
    pub regulator: RegulatorSimHandle,
    pub tempo: TempoSimHandle,
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

impl Setup {
    /// The simulator pinned to [`today`], its consent page asking (no auto-consent), both meters
    /// activated `activated_days_ago` days ago so that a first sync is a handful of calls, the
    /// hourly quota raised; the proxy polled fast.
    pub async fn start(activated_days_ago: i64) -> Self {
        Self::start_with(activated_days_ago, &[]).await
    }

    /// [`Setup::start`] with `extra` flags for the proxy.
    pub async fn start_with(activated_days_ago: i64, extra: &[&str]) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let proxy_url = format!("http://{}", listener.local_addr().unwrap());
        let activation = sim_day(add(today(), -activated_days_ago));
        let sim = EnedisSim::builder()
            .client(CLIENT_ID, APP_SECRET, &format!("{proxy_url}/auth/redirect"))
            .quota(5, 100_000)
            .today(sim_day(today()))
            .activated_on(HOUSE, activation)
            .activated_on(FLAT, activation)
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
            &format!("{CLIENT_ID}=Hearth CLI tests"),
            "--enedis-authorize-url",
            &sim.authorize_url(),
            "--enedis-api-url",
            &sim.base_url(),
            "--enedis-subscription-delay-ms",
            "50",
            "--interval-ms",
            "200",
            "--quota-per-hour",
            "100000",
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
        Self {
            sim,
            proxy_url,
            regulator: RegulatorSim::start().await.unwrap(),
            tempo: TempoSim::builder().start().await.unwrap(),
            shutdown: Some(tx),
            _store_dir: store_dir,
        }
    }

    /// Points the price updates of the configuration in `dir` at the simulators (a sync
    /// fetches prices and Tempo colours when due, and no test reaches beyond 127.0.0.1).
    pub fn use_price_feeds(&self, dir: &Path) {
        let file = dir.join("settings.json");
        let mut settings: serde_json::Value = std::fs::read_to_string(&file).map_or_else(
            |_| serde_json::json!({}),
            |text| serde_json::from_str(&text).unwrap(),
        );
        settings["price_feeds"] = serde_json::json!({
            "regulator": self.regulator.base_url(),
            "tempo": format!("{}/", self.tempo.base_url()),
        });
        std::fs::write(file, settings.to_string()).unwrap();
    }

    /// The simulator's upstream call counts (every metering endpoint and the contract's).
    pub fn calls(&self) -> BTreeMap<&'static str, u64> {
        ENDPOINTS
            .iter()
            .map(|endpoint| (*endpoint, self.sim.calls(endpoint)))
            .collect()
    }
}

/// What the browser answers on Enedis's consent page.
#[derive(Debug, Clone, Copy)]
pub enum Decision<'a> {
    Accept(&'a str),
    Refuse,
}

/// A browser: one cookie jar (everything is 127.0.0.1), every redirect seen.
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

    /// Opens the page the CLI printed, confirms the code on the proxy's page, and answers the
    /// simulator's consent page as `decision` says, back to the proxy's callback.
    pub async fn consent(&mut self, setup: &Setup, link: &str, decision: Decision<'_>) {
        assert!(link.starts_with(&setup.proxy_url), "{link}");
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
