//! Two proxy instances behind one Redis, as behind a load balancer: a flow started on one
//! finishes on the other, and both share one upstream quota.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics the test with its reason.

mod common;

use std::time::Duration;

use common::{Backing, Browser, Device, Proxy, day, enedis_args, sim_builder};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flow_started_on_one_instance_finishes_on_the_other() {
    let redis = Backing::redis();
    // Both instances answer for one public URL, as behind a load balancer: the simulator sends
    // the browser back to instance A, which is fine, since any instance can finish any flow.
    let (listener_a, url_a) = Proxy::bind().await;
    let (listener_b, url_b) = Proxy::bind().await;
    let sim = sim_builder(&url_a)
        .auto_consent(true)
        .start()
        .await
        .unwrap();
    let a = Proxy::start(listener_a, &enedis_args(&redis.address(), &sim)).await;
    let b = Proxy::start(listener_b, &enedis_args(&redis.address(), &sim)).await;

    // Device code from A, code entry and confirmation on B, callback on A, tokens from B.
    let code = Device::new(&a.url).code().await;
    let on_b = code["verification_uri_complete"]
        .as_str()
        .unwrap()
        .replace(&url_a, &url_b);
    let mut browser = Browser::new();
    let to_enedis = browser.confirm(&on_b).await;
    let done = browser.consent_and_return(&to_enedis).await;
    assert_eq!(done.status, 200, "{}", done.body);
    let (status, tokens) = Device::new(&b.url)
        .poll_until_done(
            code["device_code"].as_str().unwrap(),
            Duration::from_millis(250),
        )
        .await;
    assert_eq!(status, 200, "{tokens}");
    let (_, again) = Device::new(&a.url)
        .poll(code["device_code"].as_str().unwrap())
        .await;
    assert_eq!(
        again["error"], "invalid_grant",
        "single use across instances"
    );

    // Tokens issued through one instance work on the other; refresh rotates across both.
    let access = tokens["access_token"].as_str().unwrap();
    let query = format!(
        "start={}&end={}&usage_point_id=22516914714270",
        day(-9),
        day(-2)
    );
    let (status, _) = Device::new(&a.url)
        .data(access, "metering_data_dc/v5/daily_consumption", &query)
        .await;
    assert_eq!(status, 200);
    let calls = sim.calls("metering");
    let (status, _) = Device::new(&b.url)
        .data(access, "metering_data_dc/v5/daily_consumption", &query)
        .await;
    assert_eq!(status, 200);
    assert_eq!(sim.calls("metering"), calls, "the cache is shared too");
    let form = [
        ("grant_type", "refresh_token"),
        ("client_id", common::CLIENT_ID),
        ("refresh_token", tokens["refresh_token"].as_str().unwrap()),
    ];
    assert_eq!(
        Device::new(&b.url).post("/device/proxy", &form).await.0,
        200
    );
    assert_eq!(
        Device::new(&a.url).post("/device/proxy", &form).await.0,
        400
    );

    // One quota for both: 16 uncached requests split over the two instances stay within 5/s.
    let mut tasks = Vec::new();
    for i in 0..16 {
        let url = if i % 2 == 0 {
            a.url.clone()
        } else {
            b.url.clone()
        };
        let token = access.to_owned();
        tasks.push(tokio::spawn(async move {
            let query = format!(
                "start={}&end={}&usage_point_id=22516914714270",
                day(-60 - i),
                day(-59 - i)
            );
            Device::new(&url)
                .data(&token, "metering_data_dc/v5/daily_consumption", &query)
                .await
                .0
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), 200);
    }
    assert_eq!(sim.throttled(), 0);
    assert!(
        sim.max_calls_in_a_second() <= 5,
        "{}",
        sim.max_calls_in_a_second()
    );
}

/// Enedis throttles one instance (429 `900804` with a `nextAccessTime`): every instance pauses
/// until that instant, and tells its devices how long, without asking Enedis meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_throttle_seen_by_one_instance_pauses_them_all_until_next_access_time() {
    let redis = Backing::redis();
    let (listener_a, url_a) = Proxy::bind().await;
    let (listener_b, _) = Proxy::bind().await;
    let sim = sim_builder(&url_a)
        .auto_consent(true)
        .start()
        .await
        .unwrap();
    let a = Proxy::start(listener_a, &enedis_args(&redis.address(), &sim)).await;
    let b = Proxy::start(listener_b, &enedis_args(&redis.address(), &sim)).await;
    let tokens = common::link(&a.url).await;
    let access = tokens["access_token"].as_str().unwrap();
    let ask = |url: String, offset: i64| async move {
        let response = common::http()
            .get(format!(
                "{url}/data/proxy/metering_data_dc/v5/daily_consumption?start={}&end={}&usage_point_id=22516914714270",
                day(-20 - offset),
                day(-19 - offset)
            ))
            .bearer_auth(access)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap().parse::<u64>().unwrap());
        let body: serde_json::Value = response.json().await.unwrap();
        (
            status,
            retry_after,
            body["reason"].as_str().map(str::to_owned),
        )
    };
    assert_eq!(ask(a.url.clone(), 0).await.0, 200);

    sim.throttle_for(Duration::from_secs(120));
    let (status, wait, reason) = ask(a.url.clone(), 1).await;
    assert_eq!((status, reason.as_deref()), (503, Some("quota")));
    let wait = wait.unwrap();
    assert!((118..=120).contains(&wait), "until nextAccessTime: {wait}");
    // Enedis would answer now, but the pause holds, on the other instance too.
    sim.throttle_for(Duration::ZERO);
    let calls = sim.calls("metering");
    let (status, left, reason) = ask(b.url.clone(), 2).await;
    assert_eq!((status, reason.as_deref()), (503, Some("quota")));
    let left = left.unwrap();
    assert!(
        left <= wait && left >= 115,
        "the same pause: {left} of {wait}"
    );
    assert_eq!(sim.calls("metering"), calls, "no instance asked Enedis");
    assert_eq!(sim.throttled(), 1, "one 429, for everyone");
}
