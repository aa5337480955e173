//! Generic OAuth 2 mode against a real (small) authorization server, and the RFC 8628 rules of
//! `/device/code`, `/device/token` and `/device/proxy`; every journey on both stores.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics the test with its reason.

mod common;

use std::sync::atomic::Ordering;
use std::time::Duration;

use common::provider::Provider;
use common::{Backing, Browser, CLIENT_ID, DEVICE_GRANT, Device, Proxy};

struct Setup {
    provider: Provider,
    proxy: Proxy,
    _backing: Backing,
}

async fn setup(backing: Backing, extra: &[&str]) -> Setup {
    let provider = Provider::start().await;
    let (listener, _) = Proxy::bind().await;
    let mut args = provider.args(&backing.address());
    args.extend(extra.iter().map(ToString::to_string));
    let proxy = Proxy::start(listener, &args).await;
    Setup {
        provider,
        proxy,
        _backing: backing,
    }
}

async fn journey(backing: Backing) {
    let s = setup(backing, &[]).await;
    let device = Device::new(&s.proxy.url);
    let code = device.code().await;
    let user_code = code["user_code"].as_str().unwrap();
    assert_eq!(code["verification_uri"], format!("{}/device", s.proxy.url));
    // The code, then the link's own secret (256 bits, URL-safe base64).
    let complete = code["verification_uri_complete"].as_str().unwrap();
    let link = complete
        .strip_prefix(&format!("{}/device?code={user_code}&link=", s.proxy.url))
        .unwrap_or_else(|| panic!("{complete}"));
    assert_eq!(link.len(), 43, "{complete}");
    assert_eq!(code["expires_in"], 600);
    assert_eq!(code["interval"], 1);
    let device_code = code["device_code"].as_str().unwrap();
    assert_eq!(device_code.len(), 64);

    let (status, pending) = device.poll(device_code).await;
    assert_eq!(
        (status, pending["error"].as_str()),
        (400, Some("authorization_pending"))
    );

    let mut browser = Browser::new();
    let to_provider = browser
        .confirm(code["verification_uri_complete"].as_str().unwrap())
        .await;
    assert!(
        to_provider.starts_with(&format!("{}/authorize?", s.provider.url)),
        "{to_provider}"
    );
    let url = url::Url::parse(&to_provider).unwrap();
    let query: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(query["code_challenge_method"], "S256");
    assert_eq!(
        query["redirect_uri"],
        format!("{}/auth/redirect", s.proxy.url)
    );
    assert_eq!(query["scope"], "read");
    let done = browser.consent_and_return(&to_provider).await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body.contains("Your device is linked"), "{}", done.body);

    tokio::time::sleep(Duration::from_millis(250)).await;
    let (status, tokens) = device.poll(device_code).await;
    assert_eq!(status, 200, "{tokens}");
    assert!(
        tokens["access_token"]
            .as_str()
            .unwrap()
            .starts_with("upstream-access-")
    );
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["scope"], "read");

    tokio::time::sleep(Duration::from_millis(250)).await;
    let (status, again) = device.poll(device_code).await;
    assert_eq!(
        (status, again["error"].as_str()),
        (400, Some("invalid_grant")),
        "tokens are handed out once"
    );

    // Refreshes are relayed with the proxy's secret, on both routes; the device sends none.
    let refresh = tokens["refresh_token"].as_str().unwrap();
    let (status, refreshed) = device
        .post(
            "/device/proxy",
            &[
                ("grant_type", "refresh_token"),
                ("client_id", CLIENT_ID),
                ("refresh_token", refresh),
            ],
        )
        .await;
    assert_eq!(status, 200, "{refreshed}");
    let refresh = refreshed["refresh_token"].as_str().unwrap();
    let (status, refreshed) = device
        .post(
            "/device/token",
            &[
                ("grant_type", "refresh_token"),
                ("client_id", CLIENT_ID),
                ("refresh_token", refresh),
            ],
        )
        .await;
    assert_eq!(status, 200, "{refreshed}");
    let (status, reused) = device
        .post(
            "/device/proxy",
            &[
                ("grant_type", "refresh_token"),
                ("client_id", CLIENT_ID),
                ("refresh_token", refresh),
            ],
        )
        .await;
    assert_eq!(
        (status, reused["error"].as_str()),
        (400, Some("invalid_grant")),
        "upstream's verdict, our words: {reused}"
    );
    assert!(!reused.to_string().contains("raw upstream"), "{reused}");
}

#[tokio::test]
async fn generic_journey_sqlite() {
    journey(Backing::sqlite()).await;
}

#[tokio::test]
async fn generic_journey_redis() {
    journey(Backing::redis()).await;
}

async fn refusals(backing: Backing) {
    let s = setup(backing, &[]).await;
    let device = Device::new(&s.proxy.url);

    // The user refuses at the provider: the device hears access_denied, once.
    s.provider.state.refuse.store(true, Ordering::SeqCst);
    let code = device.code().await;
    let mut browser = Browser::new();
    let to_provider = browser
        .confirm(code["verification_uri_complete"].as_str().unwrap())
        .await;
    let page = browser.consent_and_return(&to_provider).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("You refused access"), "{}", page.body);
    assert!(
        !page.body.contains("<script>alert"),
        "no upstream text is shown: {}",
        page.body
    );
    let (status, denied) = device.poll(code["device_code"].as_str().unwrap()).await;
    assert_eq!(
        (status, denied["error"].as_str()),
        (400, Some("access_denied"))
    );
    tokio::time::sleep(Duration::from_millis(250)).await;
    let (_, after) = device.poll(code["device_code"].as_str().unwrap()).await;
    assert_eq!(after["error"], "invalid_grant");

    // The user cancels on the confirmation page.
    let code = device.code().await;
    let page = browser
        .get(code["verification_uri_complete"].as_str().unwrap())
        .await;
    let (c, csrf) = (
        common::hidden(&page.body, "code"),
        common::hidden(&page.body, "csrf"),
    );
    let page = browser
        .post(
            &format!("{}/auth/verify_code", s.proxy.url),
            &[("code", &c), ("csrf", &csrf), ("action", "deny")],
        )
        .await;
    assert_eq!(page.status, 200);
    let (_, denied) = device.poll(code["device_code"].as_str().unwrap()).await;
    assert_eq!(denied["error"], "access_denied");
    let page = browser
        .get(code["verification_uri_complete"].as_str().unwrap())
        .await;
    assert_eq!(page.status, 400, "a used code cannot be entered again");

    // The provider is down during the exchange: a clear page, nothing raw, and the user can retry.
    s.provider.state.refuse.store(false, Ordering::SeqCst);
    s.provider.state.fail_token.store(1, Ordering::SeqCst);
    let code = device.code().await;
    let to_provider = browser
        .confirm(code["verification_uri_complete"].as_str().unwrap())
        .await;
    let page = browser.consent_and_return(&to_provider).await;
    assert_eq!(page.status, 502);
    assert!(page.body.contains("unavailable"), "{}", page.body);
    assert!(!page.body.contains("deadbeef"), "{}", page.body);
    let (_, pending) = device.poll(code["device_code"].as_str().unwrap()).await;
    assert_eq!(
        pending["error"], "authorization_pending",
        "nothing lost: the flow is still pending"
    );
    let to_provider = browser
        .confirm(code["verification_uri_complete"].as_str().unwrap())
        .await;
    let page = browser.consent_and_return(&to_provider).await;
    assert_eq!(page.status, 200, "{}", page.body);
}

#[tokio::test]
async fn refusals_and_outages_sqlite() {
    refusals(Backing::sqlite()).await;
}

#[tokio::test]
async fn refusals_and_outages_redis() {
    refusals(Backing::redis()).await;
}

#[tokio::test]
async fn polling_errors_follow_rfc_8628() {
    let s = setup(
        Backing::sqlite(),
        &["--code-lifetime-secs", "2", "--interval-ms", "1000"],
    )
    .await;
    let device = Device::new(&s.proxy.url);

    let (status, unknown) = device.poll(&"ab".repeat(32)).await;
    assert_eq!(
        (status, unknown["error"].as_str()),
        (400, Some("invalid_grant"))
    );

    let code = device.code().await;
    let device_code = code["device_code"].as_str().unwrap();
    let (_, first) = device.poll(device_code).await;
    assert_eq!(first["error"], "authorization_pending");
    // Twelve polls in a second: every one is slowed down, and the interval grows by 5 s each time.
    let mut intervals = Vec::new();
    for _ in 0..12 {
        let (status, slow) = device.poll(device_code).await;
        assert_eq!(
            (status, slow["error"].as_str()),
            (400, Some("slow_down")),
            "{slow}"
        );
        intervals.push(slow["interval"].as_u64().unwrap());
    }
    assert_eq!(intervals[..3], [6, 11, 16], "1 s + 5 s, + 5 s, …");

    // Another client's id cannot poll this code.
    let other = Device {
        client_id: "someone-else".into(),
        ..Device::new(&s.proxy.url)
    };
    let (status, body) = other.poll(device_code).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client"))
    );

    // Past its lifetime the code answers expired_token (not invalid_grant, not pending).
    let code = device.code().await;
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    let (status, expired) = device.poll(code["device_code"].as_str().unwrap()).await;
    assert_eq!(
        (status, expired["error"].as_str()),
        (400, Some("expired_token"))
    );
}

#[tokio::test]
async fn requests_are_checked_before_anything_happens() {
    let s = setup(Backing::sqlite(), &["--requests-per-minute", "5"]).await;
    let device = Device::new(&s.proxy.url);
    let (status, body) = device
        .post("/device/code", &[("client_id", "unknown")])
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client"))
    );
    let (status, body) = device.post("/device/code", &[]).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_request"))
    );
    let (status, body) = device
        .post(
            "/device/token",
            &[
                ("client_id", CLIENT_ID),
                ("grant_type", "password"),
                ("username", "x"),
            ],
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("unsupported_grant_type"))
    );
    let (status, body) = device
        .post("/device/token", &[("client_id", CLIENT_ID)])
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_request"))
    );
    let (status, body) = device
        .post(
            "/device/token",
            &[("client_id", CLIENT_ID), ("grant_type", DEVICE_GRANT)],
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_request")),
        "no device_code"
    );

    // /device/proxy: refresh_token only, configured clients only, rate-limited.
    let upstream_calls = s.provider.state.token_calls.load(Ordering::SeqCst);
    for grant in [
        "authorization_code",
        "client_credentials",
        "password",
        DEVICE_GRANT,
    ] {
        let (status, body) = device
            .post(
                "/device/proxy",
                &[
                    ("grant_type", grant),
                    ("client_id", CLIENT_ID),
                    ("code", "x"),
                ],
            )
            .await;
        assert_eq!(
            (status, body["error"].as_str()),
            (400, Some("unsupported_grant_type")),
            "{grant}"
        );
    }
    let (status, body) = device
        .post(
            "/device/proxy",
            &[
                ("grant_type", "refresh_token"),
                ("client_id", "not-configured"),
                ("refresh_token", "x"),
            ],
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client"))
    );
    assert_eq!(
        s.provider.state.token_calls.load(Ordering::SeqCst),
        upstream_calls,
        "none of these reached the provider"
    );
    let mut statuses = Vec::new();
    for _ in 0..7 {
        let (status, _) = device
            .post(
                "/device/proxy",
                &[
                    ("grant_type", "refresh_token"),
                    ("client_id", CLIENT_ID),
                    ("refresh_token", "nope"),
                ],
            )
            .await;
        statuses.push(status);
    }
    assert_eq!(
        statuses,
        [400, 400, 400, 400, 400, 429, 429],
        "5 a minute per address"
    );

    // Malformed and huge bodies.
    let http = common::http();
    let response = http
        .post(format!("{}/device/code", s.proxy.url))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("client_id=a&client_id=b")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let response = http
        .post(format!("{}/device/token", s.proxy.url))
        .body(vec![b'a'; 100_000])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    let (status, _) = device
        .post("/device/code", &[("client_id", CLIENT_ID)])
        .await;
    assert_eq!(status, 200, "the server still works");
}

#[tokio::test]
async fn a_device_code_is_single_use_even_when_polled_concurrently() {
    let s = setup(Backing::sqlite(), &["--interval-ms", "1"]).await;
    let device = Device::new(&s.proxy.url);
    let code = device.code().await;
    let mut browser = Browser::new();
    let to_provider = browser
        .confirm(code["verification_uri_complete"].as_str().unwrap())
        .await;
    assert_eq!(browser.consent_and_return(&to_provider).await.status, 200);
    let polls: Vec<_> = (0..8)
        .map(|_| {
            let device = Device::new(&s.proxy.url);
            let device_code = code["device_code"].as_str().unwrap().to_owned();
            tokio::spawn(async move { device.poll(&device_code).await })
        })
        .collect();
    let mut delivered = 0;
    for poll in polls {
        let (status, body) = poll.await.unwrap();
        if status == 200 {
            delivered += 1;
        } else {
            assert!(
                ["invalid_grant", "slow_down"].contains(&body["error"].as_str().unwrap()),
                "{body}"
            );
        }
    }
    assert_eq!(delivered, 1);
}
