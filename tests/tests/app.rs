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
