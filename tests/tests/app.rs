//! The real app, built as users get it, driven through WebDriver on a private X display.
//!
//! These tests need the built binary (`cargo build -p hearth-app --bin hearth`), Xvfb,
//! dbus-daemon, tauri-driver and WebKitWebDriver: `make test` provides all of them and runs them
//! with `--ignored` after the rest.

// Helpers here are test code too: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Stdio;
use std::time::Duration;

use hearth_tests::desktop::Desktop;
use hearth_tests::process::{debug_binary, wait_exit};
use hearth_tests::tray::TrayMenu;
use hearth_tests::webdriver::TauriDriver;

const UI_TIMEOUT: Duration = Duration::from_secs(30);

#[tokio::test]
#[ignore = "needs the built app and a desktop: run by `make test`"]
async fn shows_its_version_and_takes_deep_links_from_a_second_instance() {
    let app = debug_binary("hearth", "hearth-app").unwrap();
    let mut desktop = Desktop::start().unwrap();
    let driver = TauriDriver::start(&desktop).unwrap();
    let session = driver.launch(&app, &[]).await.unwrap();

    // The name and the version come from Rust, through a command.
    session
        .wait_for_text("[data-testid=app-name]", UI_TIMEOUT, |text| {
            text == "Hearth"
        })
        .await
        .unwrap();
    let version = format!("v{}", env!("CARGO_PKG_VERSION"));
    session
        .wait_for_text("[data-testid=app-version]", UI_TIMEOUT, |text| {
            text == version
        })
        .await
        .unwrap();
    session
        .wait_for_text("[data-testid=last-link]", UI_TIMEOUT, |text| {
            text == "No link received yet."
        })
        .await
        .unwrap();

    // A second instance hands its link to the first one and exits.
    let second = desktop
        .command(&app)
        .arg("hearth://open/remote")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let status = wait_exit("the second instance", second, UI_TIMEOUT).unwrap();
    assert!(status.success(), "the second instance exited with {status}");
    session
        .wait_for_text("[data-testid=last-link]", UI_TIMEOUT, |text| {
            text == "Opened the remote screen"
        })
        .await
        .unwrap();

    // A forged link is refused: the second instance still exits, the first one ignores it and
    // logs the refusal without the query string.
    let forged = desktop
        .command(&app)
        .arg("hearth://oauth/callback?code=FORGEDSECRET&state=a&state=b")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    assert!(
        wait_exit("the forged instance", forged, UI_TIMEOUT)
            .unwrap()
            .success()
    );
    let log = wait_for_log(&desktop, "rejected deep link").await;
    assert!(log.contains("hearth://oauth/callback?<redacted>"), "{log}");
    assert!(!log.contains("FORGEDSECRET"), "the log shows a code: {log}");
    assert_eq!(
        session
            .text(&session.find("[data-testid=last-link]").await.unwrap())
            .await
            .unwrap(),
        "Opened the remote screen"
    );

    desktop.check().unwrap();
    session.close().await.unwrap();
}

/// The app's log file once it contains `needle`.
async fn wait_for_log(desktop: &Desktop, needle: &str) -> String {
    let dir = desktop.app_log_dir();
    let start = std::time::Instant::now();
    loop {
        let log = std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|entry| std::fs::read_to_string(entry.path()).ok())
            .collect::<String>();
        if log.contains(needle) {
            return log;
        }
        assert!(
            start.elapsed() < UI_TIMEOUT,
            "no `{needle}` in the logs in {}: {log}",
            dir.display()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Whether the simulated bridge says the room called `name` is on (its grouped_light).
async fn bridge_says_on(bridge: &str, name: &str) -> bool {
    // The simulator's certificate comes from a CA that lives in the app's process; this is a
    // read of its own debug route on 127.0.0.1, so its certificate is not what is tested here.
    let http = reqwest::Client::builder()
        .danger_accept_invalid_certs(true)
        .build()
        .unwrap();
    let resources: Vec<serde_json::Value> = http
        .get(format!("https://{bridge}/sim/state"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let room = resources
        .iter()
        .find(|r| r["type"] == "room" && r["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("the bridge has no room {name}"));
    let grouped = room["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["rtype"] == "grouped_light")
        .unwrap()["rid"]
        .clone();
    resources.iter().find(|r| r["id"] == grouped).unwrap()["on"]["on"] == true
}

async fn wait_until(what: &str, mut check: impl AsyncFnMut() -> bool) {
    let start = std::time::Instant::now();
    while !check().await {
        assert!(start.elapsed() < UI_TIMEOUT, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

/// `hearth --demo`: a room toggled in the window reaches the simulated bridge and the tray's check
/// mark; a room toggled from the tray reaches the bridge and the window.
#[tokio::test]
#[ignore = "needs the built app and a desktop: run by `make test`"]
async fn demo_toggles_stay_in_sync_across_window_tray_and_bridge() {
    let app = debug_binary("hearth", "hearth-app").unwrap();
    let mut desktop = Desktop::start().unwrap();
    let driver = TauriDriver::start(&desktop).unwrap();
    let session = driver.launch(&app, &["--demo"]).await.unwrap();

    let bridge = session
        .wait_for_text("[data-testid=demo-bridge]", UI_TIMEOUT, |text| {
            text.starts_with("Simulated bridge at 127.0.0.1:")
        })
        .await
        .unwrap()
        .trim_start_matches("Simulated bridge at ")
        .to_owned();
    let switch = |room: &str| format!("[data-group-name=\"{room}\"] [data-testid=group-toggle]");
    let shown_on = async |room: &str| {
        let element = session.find(&switch(room)).await.ok()?;
        let checked = session.attribute(&element, "aria-checked").await.ok()??;
        Some(checked == "true")
    };
    let tray = TrayMenu::find(&desktop, UI_TIMEOUT).unwrap();

    // From the window.
    let room = "Living room";
    wait_until("the room in the window", async || {
        shown_on(room).await.is_some()
    })
    .await;
    let before = shown_on(room).await.unwrap();
    assert_eq!(bridge_says_on(&bridge, room).await, before);
    assert_eq!(tray.checked(room).unwrap(), Some(before));
    session
        .click(&session.find(&switch(room)).await.unwrap())
        .await
        .unwrap();
    wait_until("the bridge", async || {
        bridge_says_on(&bridge, room).await != before
    })
    .await;
    wait_until("the window", async || shown_on(room).await == Some(!before)).await;
    wait_until("the tray", async || {
        tray.checked(room).unwrap() == Some(!before)
    })
    .await;

    // From the tray.
    let room = "Kitchen";
    let before = shown_on(room).await.unwrap();
    tray.click(room).unwrap();
    wait_until("the bridge", async || {
        bridge_says_on(&bridge, room).await != before
    })
    .await;
    wait_until("the window", async || shown_on(room).await == Some(!before)).await;
    wait_until("the tray", async || {
        tray.checked(room).unwrap() == Some(!before)
    })
    .await;

    desktop.check().unwrap();
    session.close().await.unwrap();
}

/// The URLs the app opened in the (recorded) browser so far.
fn opened(log: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Starts a second instance with `link` and waits for it to hand the link over and exit.
fn hand_over(desktop: &Desktop, app: &std::path::Path, link: &str) {
    let second = desktop
        .command(app)
        .arg(link)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    assert!(
        wait_exit("the second instance", second, UI_TIMEOUT)
            .unwrap()
            .success()
    );
}

/// `hearth --demo`, remote access: linking through a `hearth://` deep link (the consent page
/// opened in the system browser, the redirect handed over by a second instance, a forged one
/// refused on the way), then the bridge taken off the LAN: the window and the tray say the cloud
/// is in use, and a toggle still works through it.
#[tokio::test]
#[ignore = "needs the built app and a desktop: run by `make test`"]
async fn demo_links_remote_access_by_deep_link_and_works_away_from_home() {
    let app = debug_binary("hearth", "hearth-app").unwrap();
    let mut desktop = Desktop::start().unwrap();
    let browser = desktop.record_browser().unwrap();
    let driver = TauriDriver::start(&desktop).unwrap();
    let session = driver.launch(&app, &["--demo"]).await.unwrap();
    session
        .wait_for_text("[data-testid=demo-bridge]", UI_TIMEOUT, |text| {
            !text.is_empty()
        })
        .await
        .unwrap();

    // Link: the app opens the cloud's consent page in the system browser.
    session
        .click(&session.find("[data-testid=nav-remote]").await.unwrap())
        .await
        .unwrap();
    session
        .click(&session.find("[data-testid=remote-link]").await.unwrap())
        .await
        .unwrap();
    wait_until("the consent page in the browser", async || {
        !opened(&browser).is_empty()
    })
    .await;
    let authorize = url::Url::parse(&opened(&browser)[0]).unwrap();
    assert_eq!(
        authorize.host_str(),
        Some("127.0.0.1"),
        "the demo's cloud is on this machine"
    );

    // A forged redirect, as anyone could start the app with one: refused, the flow still waits.
    hand_over(
        &desktop,
        &app,
        "hearth://oauth/callback?code=FORGED&state=not-the-right-one",
    );
    session
        .wait_for_text("[data-testid=notice]", UI_TIMEOUT, |text| {
            text.contains("another sign-in")
        })
        .await
        .unwrap();
    let flow = session.find("[data-testid=remote-flow]").await.unwrap();
    assert_eq!(
        session
            .attribute(&flow, "data-step")
            .await
            .unwrap()
            .as_deref(),
        Some("waiting")
    );

    // The user allows Hearth; the browser is sent to hearth://oauth/callback?code=…&state=….
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let origin = authorize.origin().ascii_serialization();
    http.post(format!("{origin}/__sim/consent?mode=allow"))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
    let answer = http.get(authorize.as_str()).send().await.unwrap();
    let redirect = answer.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        redirect.starts_with("hearth://oauth/callback?"),
        "{redirect}"
    );
    hand_over(&desktop, &app, &redirect);
    session
        .wait_for_text("[data-testid=remote-flow]", UI_TIMEOUT, |text| {
            text.starts_with("Linked to bridge")
        })
        .await
        .unwrap();
    let account = session.find("[data-testid=remote-account]").await.unwrap();
    assert_eq!(
        session
            .attribute(&account, "data-state")
            .await
            .unwrap()
            .as_deref(),
        Some("linked")
    );

    // Away from home: the LAN no longer answers, Hearth goes through the cloud.
    session
        .click(&session.find("[data-testid=demo-away]").await.unwrap())
        .await
        .unwrap();
    session
        .click(&session.find("[data-testid=nav-lights]").await.unwrap())
        .await
        .unwrap();
    session
        .wait_for_text("[data-testid=bridge-via]", UI_TIMEOUT, |text| {
            text == "through the Hue cloud"
        })
        .await
        .unwrap();
    let tray = TrayMenu::find(&desktop, UI_TIMEOUT).unwrap();
    wait_until("the tray to say so", async || {
        tray.entries()
            .unwrap()
            .iter()
            .any(|entry| entry.label.ends_with("away, through the Hue cloud"))
    })
    .await;
    let room = "Office";
    let switch = format!("[data-group-name=\"{room}\"] [data-testid=group-toggle]");
    let before = tray.checked(room).unwrap().unwrap();
    session
        .click(&session.find(&switch).await.unwrap())
        .await
        .unwrap();
    wait_until("the toggle, through the cloud", async || {
        tray.checked(room).unwrap() == Some(!before)
    })
    .await;

    // Home again.
    session
        .click(&session.find("[data-testid=nav-remote]").await.unwrap())
        .await
        .unwrap();
    session
        .click(&session.find("[data-testid=demo-away]").await.unwrap())
        .await
        .unwrap();
    session
        .click(&session.find("[data-testid=nav-lights]").await.unwrap())
        .await
        .unwrap();
    session
        .wait_for_text(
            "[data-testid=bridge-via]",
            Duration::from_secs(90),
            |text| text == "on this network",
        )
        .await
        .unwrap();

    // The tokens never reached the page.
    let page = session
        .execute("return document.documentElement.outerHTML", &[])
        .await
        .unwrap();
    let code = url::Url::parse(&redirect)
        .unwrap()
        .query_pairs()
        .find(|(name, _)| name == "code")
        .unwrap()
        .1
        .into_owned();
    assert!(!page.to_string().contains(&code));

    desktop.check().unwrap();
    session.close().await.unwrap();
}
