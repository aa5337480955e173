//! The test harness: real servers on 127.0.0.1 (the proxy, the Enedis simulator, a small OAuth 2
//! provider), a real `redis-server` on a free port, a device that talks like the seed's clients
//! and a browser that keeps its cookie.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics the test with its reason.
#![allow(dead_code)] // Each test binary uses a different part of the harness.

pub mod provider;

use std::net::TcpListener as StdListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use clap::Parser as _;
use hearth_proxy::Config;
use hearth_secret::Secret;
use hearth_sim::enedis::{EnedisSim, EnedisSimBuilder, EnedisSimHandle};
use reqwest::header::{HeaderMap, LOCATION, SET_COOKIE};
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub const CLIENT_ID: &str = "domoticz-linky";
pub const CLIENT_NAME: &str = "Domoticz Linky";
pub const APP_SECRET: &str = "s3cr3t-of-the-application-9f8e7d";
pub const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// A `redis-server` of our own on a free port, killed on drop.
pub struct Redis {
    child: Child,
    pub url: String,
}

impl Redis {
    pub fn start() -> Self {
        let binary = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"]
            .into_iter()
            .find(|p| std::path::Path::new(p).exists())
            .unwrap_or_else(|| panic!("redis-server is not installed: the Redis store tests need it (make deps installs the Debian package redis-server)"));
        let port = free_port();
        let child = Command::new(binary)
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "yes",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start redis-server");
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "redis-server did not start on port {port}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Self {
            child,
            url: format!("redis://127.0.0.1:{port}/"),
        }
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Where a test's proxy keeps its state.
pub enum Backing {
    Sqlite(tempfile::TempDir),
    Redis(Redis),
}

impl Backing {
    pub fn sqlite() -> Self {
        Self::Sqlite(tempfile::tempdir().unwrap())
    }

    pub fn redis() -> Self {
        Self::Redis(Redis::start())
    }

    pub fn address(&self) -> String {
        match self {
            Self::Sqlite(dir) => dir
                .path()
                .join("proxy.sqlite3")
                .to_string_lossy()
                .into_owned(),
            Self::Redis(redis) => redis.url.clone(),
        }
    }
}

/// A proxy served in-process on 127.0.0.1:0.
pub struct Proxy {
    pub url: String,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Proxy {
    pub async fn bind() -> (TcpListener, String) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        (listener, url)
    }

    /// Starts a proxy on `listener` with these flags (plus the public URL and the test secret).
    pub async fn start(listener: TcpListener, args: &[String]) -> Self {
        let url = format!("http://{}", listener.local_addr().unwrap());
        let mut argv = vec![
            "hearth-proxy".to_owned(),
            "--public-url".to_owned(),
            url.clone(),
        ];
        argv.extend(args.iter().cloned());
        let mut config = Config::try_parse_from(argv).unwrap();
        config.client_secret = Some(Secret::new(APP_SECRET));
        let state = hearth_proxy::build_state(config).await.unwrap();
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            hearth_proxy::serve(state, listener, async {
                let _ = rx.await;
            })
            .await
            .unwrap();
        });
        Self {
            url,
            shutdown: Some(tx),
            task: Some(task),
        }
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap();
        }
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Flags for an Enedis-mode proxy in front of `sim`, fast intervals for tests.
pub fn enedis_args(store: &str, sim: &EnedisSimHandle) -> Vec<String> {
    [
        "--store",
        store,
        "--mode",
        "enedis",
        "--client",
        &format!("{CLIENT_ID}={CLIENT_NAME}"),
        "--enedis-authorize-url",
        &sim.authorize_url(),
        "--enedis-api-url",
        &sim.base_url(),
        "--enedis-subscription-delay-ms",
        "100",
        "--interval-ms",
        "200",
        "--slow-down-step-ms",
        "5000",
    ]
    .iter()
    .map(ToString::to_string)
    .collect()
}

/// The simulator with the test client registered, redirecting to `proxy_url`.
pub fn sim_builder(proxy_url: &str) -> EnedisSimBuilder {
    EnedisSim::builder().client(CLIENT_ID, APP_SECRET, &format!("{proxy_url}/auth/redirect"))
}

/// An Enedis-mode proxy in front of its simulator.
pub struct EnedisSetup {
    pub sim: EnedisSimHandle,
    pub proxy: Proxy,
    _backing: Backing,
}

/// Starts the simulator (auto-consent on, then `sim` applied) and a proxy in front of it on
/// `backing`, with [`enedis_args`] and `extra`.
pub async fn enedis_setup(
    backing: Backing,
    sim: impl FnOnce(EnedisSimBuilder) -> EnedisSimBuilder,
    extra: &[&str],
) -> EnedisSetup {
    let (listener, url) = Proxy::bind().await;
    let sim = sim(sim_builder(&url).auto_consent(true))
        .start()
        .await
        .unwrap();
    let mut args = enedis_args(&backing.address(), &sim);
    args.extend(extra.iter().map(ToString::to_string));
    let proxy = Proxy::start(listener, &args).await;
    EnedisSetup {
        sim,
        proxy,
        _backing: backing,
    }
}

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A device as the seed's documentation describes it: form posts, `Accept: application/json`.
pub struct Device {
    pub http: reqwest::Client,
    pub proxy: String,
    pub client_id: String,
}

impl Device {
    pub fn new(proxy: &str) -> Self {
        Self {
            http: http(),
            proxy: proxy.to_owned(),
            client_id: CLIENT_ID.to_owned(),
        }
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> (u16, Value) {
        let response = self
            .http
            .post(format!("{}{path}", self.proxy))
            .header("Accept", "application/json")
            .header("User-Agent", "DomoticzLinky/2.0")
            .form(form)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn code(&self) -> Value {
        let (status, body) = self
            .post("/device/code", &[("client_id", &self.client_id)])
            .await;
        assert_eq!(status, 200, "{body}");
        body
    }

    pub async fn poll(&self, device_code: &str) -> (u16, Value) {
        self.post(
            "/device/token",
            &[
                ("grant_type", DEVICE_GRANT),
                ("client_id", &self.client_id),
                ("device_code", device_code),
            ],
        )
        .await
    }

    /// Polls, spaced as the proxy asks, until something else than `authorization_pending`.
    pub async fn poll_until_done(&self, device_code: &str, interval: Duration) -> (u16, Value) {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut interval = interval;
        loop {
            let (status, body) = self.poll(device_code).await;
            match body["error"].as_str() {
                Some("authorization_pending") => {}
                Some("slow_down") => interval += Duration::from_secs(5),
                _ => return (status, body),
            }
            assert!(Instant::now() < deadline, "the flow did not finish");
            tokio::time::sleep(interval).await;
        }
    }

    pub async fn data(&self, token: &str, path: &str, query: &str) -> (u16, Value) {
        let response = self
            .http
            .get(format!("{}/data/proxy/{path}?{query}", self.proxy))
            .bearer_auth(token)
            .header("Accept", "application/json")
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

/// A browser: keeps its cookies (one jar for every host: everything is 127.0.0.1), follows
/// nothing by itself so tests see every hop.
pub struct Browser {
    pub http: reqwest::Client,
    pub cookies: Vec<(String, String)>,
    pub language: &'static str,
}

pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub headers: HeaderMap,
    pub body: String,
}

impl Browser {
    pub fn new() -> Self {
        Self {
            http: http(),
            cookies: Vec::new(),
            language: "en",
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn remember(&mut self, headers: &HeaderMap) {
        for value in headers.get_all(SET_COOKIE) {
            let pair = value.to_str().unwrap().split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            self.cookies.retain(|(k, _)| k != name);
            self.cookies.push((name.to_owned(), value.to_owned()));
        }
    }

    async fn page(&mut self, response: reqwest::Response) -> Page {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        self.remember(&headers);
        let location = headers
            .get(LOCATION)
            .map(|l| l.to_str().unwrap().to_owned());
        Page {
            status,
            location,
            headers,
            body: response.text().await.unwrap(),
        }
    }

    pub async fn get(&mut self, url: &str) -> Page {
        let response = self
            .http
            .get(url)
            .header("Cookie", self.cookie_header())
            .header("Accept", "text/html")
            .header("Accept-Language", self.language)
            .send()
            .await
            .unwrap();
        self.page(response).await
    }

    pub async fn post(&mut self, url: &str, form: &[(&str, &str)]) -> Page {
        let response = self
            .http
            .post(url)
            .header("Cookie", self.cookie_header())
            .header("Accept", "text/html")
            .header("Accept-Language", self.language)
            .form(form)
            .send()
            .await
            .unwrap();
        self.page(response).await
    }

    /// Opens the verification link and confirms; returns the redirect to the provider.
    pub async fn confirm(&mut self, verification_uri_complete: &str) -> String {
        let page = self.get(verification_uri_complete).await;
        assert_eq!(page.status, 200, "{}", page.body);
        let code = hidden(&page.body, "code");
        let csrf = hidden(&page.body, "csrf");
        let base = verification_uri_complete
            .split("/device")
            .next()
            .unwrap()
            .to_owned();
        let page = self
            .post(
                &format!("{base}/auth/verify_code"),
                &[("code", &code), ("csrf", &csrf), ("action", "approve")],
            )
            .await;
        assert_eq!(page.status, 303, "{}", page.body);
        page.location.unwrap()
    }

    /// Follows the provider's consent (auto-consent on) back to the proxy's callback page.
    pub async fn consent_and_return(&mut self, provider_url: &str) -> Page {
        let at_provider = self.get(provider_url).await;
        assert_eq!(at_provider.status, 302, "{}", at_provider.body);
        self.get(&at_provider.location.unwrap()).await
    }
}

/// `offset` days from today (UTC), as the data routes take dates: `YYYY-MM-DD`.
pub fn day(offset: i64) -> String {
    let date = time::OffsetDateTime::now_utc().date() + time::Duration::days(offset);
    date.format(time::macros::format_description!("[year]-[month]-[day]"))
        .unwrap()
}

/// The value of the query parameter `name` in `url`.
pub fn query_param(url: &str, name: &str) -> String {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == name)
        .unwrap_or_else(|| panic!("no {name} in {url}"))
        .1
        .into_owned()
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

/// One whole Enedis link: device code, browser consent, tokens.
pub async fn link(proxy: &str) -> Value {
    let device = Device::new(proxy);
    let code = device.code().await;
    let mut browser = Browser::new();
    let to_enedis = browser
        .confirm(code["verification_uri_complete"].as_str().unwrap())
        .await;
    let done = browser.consent_and_return(&to_enedis).await;
    assert_eq!(done.status, 200, "{}", done.body);
    let (status, tokens) = device
        .poll_until_done(
            code["device_code"].as_str().unwrap(),
            Duration::from_millis(250),
        )
        .await;
    assert_eq!(status, 200, "{tokens}");
    tokens
}
