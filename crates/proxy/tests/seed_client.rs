//! A client written as the seed's documentation (and its best-known user, a home-automation
//! plugin) describes it, run against hearth-proxy in front of the Enedis simulator with the real
//! 5-second polling: curl-style form posts, `verification_uri?code=`, `expires_at = now +
//! expires_in - 10 min`, refresh through `/device/proxy`, the token's `usage_point_id` kept and
//! sent back verbatim, load curve read in 7-day chunks, daily consumption, maximum power and
//! contract, one refresh on `invalid_token`, tokens wiped on `invalid_grant`, `invalid_request`
//! or `unauthorized`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics the test with its reason.

mod common;

use std::time::{Duration, Instant};

use common::{Backing, Browser, CLIENT_ID, Proxy, day, enedis_args, sim_builder};
use hearth_metering::{ContractsResponse, MeterReadingResponse};
use serde_json::Value;

struct SeedClient {
    http: reqwest::Client,
    server: String,
    access_token: Option<String>,
    refresh_token: Option<String>,
    expires_at: Option<Instant>,
    /// The token's `usage_point_id`, as the plugin stores it: never split, never checked.
    usage_point_id: Option<String>,
    refreshes: u32,
}

impl SeedClient {
    async fn form(&self, path: &str, form: &[(&str, &str)]) -> (u16, Value) {
        let response = self
            .http
            .post(format!("{}{path}", self.server))
            .header("Accept", "application/json")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("User-Agent", "DomoticzLinky/2.0.4")
            .body(serde_urlencoded::to_string(form).unwrap())
            .send()
            .await
            .unwrap();
        (
            response.status().as_u16(),
            response.json().await.unwrap_or(Value::Null),
        )
    }

    fn keep(&mut self, tokens: &Value) {
        self.access_token = tokens["access_token"].as_str().map(str::to_owned);
        self.refresh_token = tokens["refresh_token"].as_str().map(str::to_owned);
        let expires_in = tokens["expires_in"].as_u64().unwrap();
        self.expires_at =
            Some(Instant::now() + Duration::from_secs(expires_in.saturating_sub(600)));
        self.usage_point_id = tokens["usage_point_id"].as_str().map(str::to_owned);
    }

    async fn refresh(&mut self) {
        self.refreshes += 1;
        let refresh = self.refresh_token.clone().unwrap();
        let (status, tokens) = self
            .form(
                "/device/proxy",
                &[
                    ("grant_type", "refresh_token"),
                    ("client_id", CLIENT_ID),
                    ("refresh_token", &refresh),
                ],
            )
            .await;
        if ["invalid_grant", "invalid_request", "unauthorized"]
            .contains(&tokens["error"].as_str().unwrap_or_default())
        {
            self.access_token = None;
            self.refresh_token = None;
        }
        assert_eq!(status, 200, "{tokens}");
        self.keep(&tokens);
    }

    /// A data call as the plugin makes it: its stored `usage_point_id` verbatim, one refresh on
    /// `invalid_token`, tokens wiped on the errors it takes for a dead link.
    async fn read(&mut self, path: &str, start: &str, end: &str) -> Value {
        let prm = self.usage_point_id.clone().unwrap();
        for attempt in 0..2 {
            let response = self
                .http
                .get(format!("{}/data/proxy/{path}", self.server))
                .query(&[("start", start), ("end", end), ("usage_point_id", &prm)])
                .header("Accept", "application/json")
                .header("User-Agent", "DomoticzLinky/2.0.4")
                .bearer_auth(self.access_token.as_deref().unwrap())
                .send()
                .await
                .unwrap();
            let body: Value = response.json().await.unwrap();
            if body["error"] == "invalid_token" && attempt == 0 {
                self.refresh().await;
                continue;
            }
            if ["invalid_grant", "invalid_request", "unauthorized"]
                .contains(&body["error"].as_str().unwrap_or_default())
            {
                self.access_token = None;
                self.refresh_token = None;
            }
            return body;
        }
        unreachable!()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seeds_client_links_and_reads_through_hearth_proxy() {
    let backing = Backing::sqlite();
    let (listener, url) = Proxy::bind().await;
    let sim = sim_builder(&url).auto_consent(true).start().await.unwrap();
    let mut args = enedis_args(&backing.address(), &sim);
    // The real 5 s interval, and access tokens short enough to expire during the test.
    args.extend(["--interval-ms", "5000", "--access-token-secs", "3"].map(String::from));
    let proxy = Proxy::start(listener, &args).await;

    let mut client = SeedClient {
        http: common::http(),
        server: proxy.url.clone(),
        access_token: None,
        refresh_token: None,
        expires_at: None,
        usage_point_id: None,
        refreshes: 0,
    };
    let (status, code) = client
        .form("/device/code", &[("client_id", CLIENT_ID)])
        .await;
    assert_eq!(status, 200, "{code}");
    assert_eq!(code["interval"], 5);
    let link = format!(
        "{}?code={}",
        code["verification_uri"].as_str().unwrap(),
        code["user_code"].as_str().unwrap()
    );

    // The user follows the link on a phone while the device polls every 5 s.
    let user = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let mut browser = Browser::new();
        let to_enedis = browser.confirm(&link).await;
        browser.consent_and_return(&to_enedis).await.status
    });
    let started = Instant::now();
    let mut polls = 0;
    let tokens = loop {
        polls += 1;
        let (status, body) = client
            .form(
                "/device/token",
                &[
                    ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                    ("client_id", CLIENT_ID),
                    ("device_code", code["device_code"].as_str().unwrap()),
                ],
            )
            .await;
        if status == 200 {
            break body;
        }
        assert_eq!(
            body["error"], "authorization_pending",
            "a client polling every 5 s is never slowed down: {body}"
        );
        assert!(started.elapsed() < Duration::from_secs(30));
        tokio::time::sleep(Duration::from_secs(5)).await;
    };
    assert_eq!(user.await.unwrap(), 200);
    assert_eq!(polls, 2, "pending at 0 s, tokens at 5 s");
    client.keep(&tokens);
    assert_eq!(
        client.usage_point_id.as_deref(),
        Some("22516914714270"),
        "the one meter consented to"
    );
    assert!(
        client.expires_at.unwrap() <= Instant::now(),
        "3 s - 10 min: the client thinks it must refresh now"
    );

    // Three weeks of load curve, a week at a time, refreshing on invalid_token once.
    tokio::time::sleep(Duration::from_millis(3_100)).await;
    let prm = client.usage_point_id.clone().unwrap();
    let mut points = 0;
    for week in 0..3 {
        let (start, end) = (day(-23 + 7 * week), day(-16 + 7 * week));
        let body = client
            .read("metering_data_clc/v5/consumption_load_curve", &start, &end)
            .await;
        let reading: MeterReadingResponse =
            serde_json::from_value(body.clone()).unwrap_or_else(|e| panic!("{e}: {body}"));
        assert_eq!(reading.meter_reading.usage_point_id, prm);
        // Each point's interval, as the app reads it: contiguous half hours (the test's three
        // weeks may hold a change of time, whose day has 46 or 50 of them).
        let intervals = reading.meter_reading.intervals().unwrap();
        for pair in intervals.windows(2) {
            assert_eq!(pair[0].end, pair[1].start);
        }
        points += intervals.len();
    }
    let expected: usize = (-23..-2)
        .map(|offset| {
            let date = hearth_metering::paris::parse_date(&day(offset)).unwrap();
            hearth_metering::paris::half_hours(date).unwrap().len()
        })
        .sum();
    assert_eq!(points, expected, "every half hour of three weeks");

    // Daily consumption, maximum power and the contract, the same way.
    let (start, end) = (day(-9), day(-2));
    let body = client
        .read("metering_data_dc/v5/daily_consumption", &start, &end)
        .await;
    let daily: MeterReadingResponse =
        serde_json::from_value(body.clone()).unwrap_or_else(|e| panic!("{e}: {body}"));
    assert_eq!(daily.meter_reading.interval_reading.len(), 7);
    assert!(
        daily
            .meter_reading
            .interval_reading
            .iter()
            .all(|p| p.value().unwrap() > 0)
    );
    let body = client
        .read(
            "metering_data_dcmp/v5/daily_consumption_max_power",
            &start,
            &end,
        )
        .await;
    let max: MeterReadingResponse =
        serde_json::from_value(body.clone()).unwrap_or_else(|e| panic!("{e}: {body}"));
    assert_eq!(max.meter_reading.reading_type.unit, "VA");
    assert_eq!(max.meter_reading.interval_reading.len(), 7);
    assert!(
        max.meter_reading
            .interval_reading
            .iter()
            .all(|p| p.date.len() == 19),
        "each peak with its time: {body}"
    );
    let body = client
        .read("customers_upc/v5/usage_points/contracts", &start, &end)
        .await;
    let contract: ContractsResponse =
        serde_json::from_value(body.clone()).unwrap_or_else(|e| panic!("{e}: {body}"));
    let contract = &contract.customer.usage_points[0];
    assert_eq!(contract.usage_point.usage_point_id, prm);
    assert_eq!(contract.contracts.subscribed_kva(), Some(9));
    assert_eq!(
        contract.contracts.offpeak_windows().map(|w| w.len()),
        Some(1)
    );
    assert_eq!(
        client.refreshes, 1,
        "the expired token was refreshed once, through /device/proxy"
    );
    assert!(client.access_token.is_some());
}
