//! What the embedded store keeps on disk after whole journeys: no token, secret or device code
//! in clear in the database file or its WAL, and files readable by their owner only.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics the test with its reason.

mod common;

use std::time::Duration;

use common::{APP_SECRET, Backing, Browser, CLIENT_ID, Device, enedis_setup};

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_token_is_kept_in_clear_in_the_database_or_its_wal() {
    let backing = Backing::sqlite();
    let path = backing.address();
    let s = enedis_setup(backing, |sim| sim, &[]).await;
    let device = Device::new(&s.proxy.url);
    let mut secrets = vec![APP_SECRET.to_owned()];
    let mut tokens = Vec::new();
    // Two links: the first one's tokens are delivered, then refreshed; the second one's wait
    // approved, undelivered, in the store when it is read.
    for deliver in [true, false] {
        let code = device.code().await;
        let device_code = code["device_code"].as_str().unwrap().to_owned();
        let mut browser = Browser::new();
        let to_enedis = browser
            .confirm(code["verification_uri_complete"].as_str().unwrap())
            .await;
        let state = common::query_param(&to_enedis, "state");
        let done = browser.consent_and_return(&to_enedis).await;
        assert_eq!(done.status, 200, "{}", done.body);
        secrets.push(device_code.clone());
        secrets.push(state);
        secrets.extend(browser.cookies.iter().map(|(_, v)| v.clone()));
        if deliver {
            let (status, issued) = device
                .poll_until_done(&device_code, Duration::from_millis(250))
                .await;
            assert_eq!(status, 200, "{issued}");
            tokens.push(issued);
        }
    }
    let first = tokens[0].clone();
    let prm = first["usage_point_id"]
        .as_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let (status, _) = device
        .data(
            first["access_token"].as_str().unwrap(),
            "customers_upc/v5/usage_points/contracts",
            &format!("usage_point_id={prm}"),
        )
        .await;
    assert_eq!(status, 200);
    let (status, refreshed) = device
        .post(
            "/device/proxy",
            &[
                ("grant_type", "refresh_token"),
                ("client_id", CLIENT_ID),
                ("refresh_token", first["refresh_token"].as_str().unwrap()),
            ],
        )
        .await;
    assert_eq!(status, 200, "{refreshed}");
    tokens.push(refreshed);
    for issued in &tokens {
        for field in ["access_token", "refresh_token"] {
            secrets.push(issued[field].as_str().unwrap().to_owned());
        }
    }
    let app_tokens = s.sim.issued_tokens();
    assert!(
        !app_tokens.is_empty(),
        "the proxy used an application token"
    );
    secrets.extend(app_tokens);

    let mut on_disk = Vec::new();
    for file in [path.clone(), format!("{path}-wal")] {
        let bytes = std::fs::read(&file).unwrap();
        assert!(
            !bytes.is_empty() || file.ends_with("-wal"),
            "{file} is empty"
        );
        on_disk.push((file, bytes));
    }
    assert!(
        on_disk.iter().any(|(_, b)| contains(b, "flow:")),
        "the files read are the store's"
    );
    for secret in &secrets {
        assert!(secret.len() >= 16, "{secret}");
        for (file, bytes) in &on_disk {
            assert!(!contains(bytes, secret), "a secret in clear in {file}");
        }
    }
    #[cfg(unix)]
    for file in [path.clone(), format!("{path}-wal"), format!("{path}-shm")] {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{file}");
    }
}
