//! The `hearth-proxy` binary as an operator runs it: no flags, `kill -9` and restart mid-flow
//! with the embedded store, graceful shutdown on SIGTERM, and a scan of everything it logged at
//! the most verbose level for secrets and tokens.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics the test with its reason.

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{
    APP_SECRET, Browser, CLIENT_ID, Device, day, enedis_args, free_port, query_param, sim_builder,
};
use hearth_sim::enedis::EnedisSimHandle;

struct Binary {
    child: Child,
    url: String,
}

impl Binary {
    fn start(args: &[String], log: &Path) -> Self {
        let listen = args
            .iter()
            .position(|a| a == "--listen")
            .map(|i| args[i + 1].clone())
            .unwrap();
        let log_file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_hearth-proxy"))
            .args(args)
            .env_clear()
            .env("HEARTH_PROXY_CLIENT_SECRET", APP_SECRET)
            .env("HEARTH_PROXY_ENV_FILE", "/nonexistent/.env")
            .stdout(Stdio::null())
            .stderr(log_file)
            .spawn()
            .unwrap();
        let url = format!("http://{listen}");
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if std::net::TcpStream::connect(&listen).is_ok() {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "hearth-proxy did not start: {}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(25));
        }
        Self { child, url }
    }

    fn kill_9(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    fn terminate(mut self) -> std::process::ExitStatus {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "no graceful exit after SIGTERM");
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn args(port: u16, store: &str, sim: &EnedisSimHandle, extra: &[&str]) -> Vec<String> {
    let mut args = vec!["--listen".to_owned(), format!("127.0.0.1:{port}")];
    args.extend(enedis_args(store, sim));
    args.extend(extra.iter().map(ToString::to_string));
    args
}

#[tokio::test]
async fn no_flags_starts_on_loopback_and_says_what_it_needs() {
    // No flags; only the port comes from the environment (a free one: 8080 may be taken here).
    // The default address itself is checked by `config`'s unit test.
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_hearth-proxy"))
        .current_dir(dir.path())
        .env_clear()
        .env("HEARTH_PROXY_LISTEN", "127.0.0.1:0")
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let text = loop {
        let text = std::fs::read_to_string(&log).unwrap();
        if text.contains("listening") || Instant::now() > deadline {
            break text;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        text.contains("listening") && text.contains("127.0.0.1:"),
        "{text}"
    );
    assert!(
        text.contains("still needs at least one device client: --client"),
        "{text}"
    );
    assert!(text.contains("--authorize-url"), "{text}");
    assert!(
        dir.path().join("hearth-proxy.sqlite3").exists(),
        "the embedded store, in the working directory"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_and_restart_mid_flow_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir
        .path()
        .join("proxy.sqlite3")
        .to_string_lossy()
        .into_owned();
    let log = dir.path().join("log");
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let sim = sim_builder(&url).auto_consent(true).start().await.unwrap();
    let argv = args(port, &store, &sim, &[]);
    let proxy = Binary::start(&argv, &log);

    let device = Device::new(&proxy.url);
    let code = device.code().await;
    let mut browser = Browser::new();
    let to_enedis = browser
        .confirm(code["verification_uri_complete"].as_str().unwrap())
        .await;
    proxy.kill_9();

    // The browser is at Enedis while the proxy restarts: it comes back to the new process.
    let proxy = Binary::start(&argv, &log);
    let done = browser.consent_and_return(&to_enedis).await;
    assert_eq!(done.status, 200, "{}", done.body);
    proxy.kill_9();

    // Approved but not yet delivered when the process dies: the device still gets its tokens.
    let proxy = Binary::start(&argv, &log);
    let (status, tokens) = device
        .poll_until_done(
            code["device_code"].as_str().unwrap(),
            Duration::from_millis(250),
        )
        .await;
    assert_eq!(status, 200, "{tokens}");
    proxy.kill_9();
    let proxy = Binary::start(&argv, &log);
    let (status, _) = device
        .data(
            tokens["access_token"].as_str().unwrap(),
            "metering_data_dc/v5/daily_consumption",
            &format!(
                "start={}&end={}&usage_point_id=22516914714270",
                day(-5),
                day(-2)
            ),
        )
        .await;
    assert_eq!(status, 200, "tokens survive restarts");
    assert!(
        proxy.terminate().success(),
        "SIGTERM: a graceful, successful exit"
    );
}

/// A crash while the callback waits on Enedis does not strand the browser: reloading the same
/// callback page on the restarted proxy finishes the link (the `state` was not spent).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_during_the_callback_leaves_the_link_to_a_reload() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir
        .path()
        .join("proxy.sqlite3")
        .to_string_lossy()
        .into_owned();
    let log = dir.path().join("log");
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    // Enedis lists the consent only 2 s after it was given: the callback waits on it.
    let sim = sim_builder(&url)
        .auto_consent(true)
        .subscription_delay(Duration::from_secs(2))
        .start()
        .await
        .unwrap();
    let argv = args(port, &store, &sim, &["--enedis-subscription-tries", "40"]);
    let proxy = Binary::start(&argv, &log);
    let device = Device::new(&proxy.url);
    let code = device.code().await;
    let mut browser = Browser::new();
    let to_enedis = browser
        .confirm(code["verification_uri_complete"].as_str().unwrap())
        .await;
    let callback = browser.get(&to_enedis).await.location.unwrap();
    let cookies = browser
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let waiting = tokio::spawn({
        let (http, callback) = (common::http(), callback.clone());
        async move { http.get(callback).header("Cookie", cookies).send().await }
    });
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(
        sim.calls("subscribed_services") >= 1,
        "the callback is waiting on Enedis"
    );
    proxy.kill_9();
    assert!(
        waiting.await.unwrap().is_err(),
        "the first try died with the process"
    );

    let proxy = Binary::start(&argv, &log);
    let page = browser.get(&callback).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let (status, tokens) = device
        .poll_until_done(
            code["device_code"].as_str().unwrap(),
            Duration::from_millis(250),
        )
        .await;
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(
        browser.get(&callback).await.status,
        400,
        "once the link is made, the state is spent"
    );
    drop(proxy);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_secret_is_ever_logged() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir
        .path()
        .join("proxy.sqlite3")
        .to_string_lossy()
        .into_owned();
    let log = dir.path().join("log.json");
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let sim = sim_builder(&url).auto_consent(true).start().await.unwrap();
    let proxy = Binary::start(
        &args(
            port,
            &store,
            &sim,
            &["--log", "trace", "--log-format", "json"],
        ),
        &log,
    );

    let device = Device::new(&proxy.url);
    let code = device.code().await;
    let mut browser = Browser::new();
    let to_enedis = browser
        .confirm(code["verification_uri_complete"].as_str().unwrap())
        .await;
    let state = query_param(&to_enedis, "state");
    let done = browser.consent_and_return(&to_enedis).await;
    assert_eq!(done.status, 200);
    let (_, tokens) = device
        .poll_until_done(
            code["device_code"].as_str().unwrap(),
            Duration::from_millis(250),
        )
        .await;
    let access = tokens["access_token"].as_str().unwrap();
    let query = format!(
        "start={}&end={}&usage_point_id=22516914714270",
        day(-5),
        day(-2)
    );
    assert_eq!(
        device
            .data(
                access,
                "metering_data_clc/v5/consumption_load_curve",
                &query
            )
            .await
            .0,
        200
    );
    sim.fail_next(1, 503);
    assert_eq!(
        device
            .data(access, "metering_data_dc/v5/daily_consumption", &query)
            .await
            .0,
        503,
        "an Enedis outage: temporarily_unavailable"
    );
    let refresh = tokens["refresh_token"].as_str().unwrap();
    let (_, renewed) = device
        .post(
            "/device/proxy",
            &[
                ("grant_type", "refresh_token"),
                ("client_id", CLIENT_ID),
                ("refresh_token", refresh),
            ],
        )
        .await;
    let (_, refused) = device
        .post(
            "/device/proxy",
            &[
                ("grant_type", "refresh_token"),
                ("client_id", CLIENT_ID),
                ("refresh_token", refresh),
            ],
        )
        .await;
    assert_eq!(refused["error"], "invalid_grant");
    assert_eq!(
        device
            .data(
                "a-wrong-token-value-123",
                "metering_data_dc/v5/daily_consumption",
                &query
            )
            .await
            .0,
        401
    );
    assert!(proxy.terminate().success());

    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(
        logged.lines().count() > 20 && logged.contains("\"level\":\"TRACE\""),
        "the scan reads a real trace-level log"
    );
    let cookie = browser
        .cookies
        .iter()
        .find(|(k, _)| k == "hearth_proxy_browser")
        .unwrap()
        .1
        .clone();
    let mut secrets = vec![
        ("the application secret", APP_SECRET.to_owned()),
        (
            "the device code",
            code["device_code"].as_str().unwrap().to_owned(),
        ),
        (
            "the user code",
            code["user_code"].as_str().unwrap().replace('-', ""),
        ),
        (
            "the user code as shown",
            code["user_code"].as_str().unwrap().to_owned(),
        ),
        ("the state", state),
        ("the browser cookie", cookie),
        ("the access token", access.to_owned()),
        ("the refresh token", refresh.to_owned()),
        (
            "the renewed access token",
            renewed["access_token"].as_str().unwrap().to_owned(),
        ),
        (
            "the renewed refresh token",
            renewed["refresh_token"].as_str().unwrap().to_owned(),
        ),
        ("a wrong token", "a-wrong-token-value-123".to_owned()),
    ];
    for token in sim.issued_tokens() {
        secrets.push(("an Enedis application token", token));
    }
    for (what, secret) in secrets {
        assert!(!logged.contains(&secret), "{what} is in the log");
    }
}
