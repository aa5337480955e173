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
