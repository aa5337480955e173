//! Enedis mode in front of the Enedis simulator: consent, PRM binding, the data proxy and its
//! translation to v5, the cache, refresh rotation, upstream faults and the shared quota.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics the test with its reason.

mod common;

use std::time::{Duration, Instant};

use common::{
    Backing, Browser, CLIENT_ID, Device, EnedisSetup, Proxy, day, enedis_args, enedis_setup, link,
    query_param, sim_builder,
};
use serde_json::Value;

const HOUSE: &str = "22516914714270";
const SOLAR: &str = "24880057139941";
const KILO: &str = "11453290002823";
const FOREIGN: &str = "30001610071843";

async fn setup(backing: Backing) -> EnedisSetup {
    enedis_setup(backing, |sim| sim, &[]).await
}

fn range(prm: &str, start: i64, end: i64) -> String {
    format!("start={}&end={}&usage_point_id={prm}", day(start), day(end))
}

fn readings(body: &Value) -> &Vec<Value> {
    body["meter_reading"]["interval_reading"]
        .as_array()
        .unwrap_or_else(|| panic!("no readings in {body}"))
}

/// Links the meter `prm` (auto-consent picks it on the simulated Enedis page): one consent,
/// one PRM, one pair of tokens.
async fn link_meter(s: &EnedisSetup, prm: &str) -> Value {
    s.sim.set_auto_consent_prm(Some(prm));
    let tokens = link(&s.proxy.url).await;
    assert_eq!(
        tokens["usage_point_id"], prm,
        "bound to the one PRM Enedis confirmed: {tokens}"
    );
    assert_eq!(tokens["usage_points_id"], prm);
    tokens
}

async fn journey(backing: Backing) {
    let s = setup(backing).await;
    // Auto-consent picks the customer's first meter by default.
    let tokens = link(&s.proxy.url).await;
    assert_eq!(tokens["usage_point_id"], HOUSE, "{tokens}");
    assert_eq!(tokens["usage_points_id"], HOUSE);
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 12_600);
    // The consent's end as Enedis lists it (the simulator: today + 1095 days), not derived.
    assert_eq!(tokens["consent_expires_at"], day(1_095), "{tokens}");
    assert_eq!(tokens["consent_expires_at_source"], "enedis");
    let access = tokens["access_token"].as_str().unwrap();
    // The household's other meters are linked once each: the tokens work side by side.
    let kilo_tokens = link_meter(&s, KILO).await;
    let solar_tokens = link_meter(&s, SOLAR).await;
    let token_for = |prm: &str| {
        let tokens = match prm {
            HOUSE => &tokens,
            KILO => &kilo_tokens,
            _ => &solar_tokens,
        };
        tokens["access_token"].as_str().unwrap().to_owned()
    };
    let device = Device::new(&s.proxy.url);

    // A week of load curve, in v5: 48 half hours a day, values in W as strings, end-marked.
    let (status, curve) = device
        .data(
            access,
            "metering_data_clc/v5/consumption_load_curve",
            &range(HOUSE, -9, -2),
        )
        .await;
    assert_eq!(status, 200, "{curve}");
    let meter = &curve["meter_reading"];
    assert_eq!(meter["usage_point_id"], HOUSE);
    assert_eq!(meter["start"], day(-9));
    assert_eq!(meter["end"], day(-2));
    assert_eq!(meter["reading_type"]["unit"], "W");
    let points = readings(&curve);
    assert_eq!(points.len(), 7 * 48);
    assert_eq!(points[0]["date"], format!("{} 00:30:00", day(-9)));
    assert_eq!(
        points[points.len() - 1]["date"],
        format!("{} 00:00:00", day(-2))
    );
    assert_eq!(points[0]["interval_length"], "PT30M");
    assert!(
        points
            .iter()
            .all(|p| p["value"].as_str().unwrap().parse::<u32>().is_ok())
    );

    // Daily energy is the curve's sum over each day (Wh = W × ½ h): units agree end to end,
    // also for the meter that answers in kW / kWh.
    for prm in [HOUSE, KILO] {
        let access = token_for(prm);
        let (_, curve) = device
            .data(
                &access,
                "metering_data_clc/v5/consumption_load_curve",
                &range(prm, -5, -4),
            )
            .await;
        let (status, daily) = device
            .data(
                &access,
                "metering_data_dc/v5/daily_consumption",
                &range(prm, -5, -4),
            )
            .await;
        assert_eq!(status, 200, "{daily}");
        assert_eq!(daily["meter_reading"]["reading_type"]["unit"], "Wh");
        let sum: u64 = readings(&curve)
            .iter()
            .map(|p| p["value"].as_str().unwrap().parse::<u64>().unwrap())
            .sum();
        let wh: u64 = readings(&daily)[0]["value"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(wh, sum / 2, "{prm}: daily {wh} Wh vs curve {sum} W·½h");
        assert_eq!(readings(&daily)[0]["date"], day(-5));
    }

    // Max power and production.
    let (status, max) = device
        .data(
            access,
            "metering_data_dcmp/v5/daily_consumption_max_power",
            &range(HOUSE, -4, -2),
        )
        .await;
    assert_eq!(status, 200, "{max}");
    assert_eq!(max["meter_reading"]["reading_type"]["unit"], "VA");
    assert_eq!(readings(&max).len(), 2);
    for (point, day) in readings(&max).iter().zip([day(-4), day(-3)]) {
        let date = point["date"].as_str().unwrap();
        assert!(
            date.starts_with(&format!("{day} ")) && date.len() == 19,
            "the time of the peak: {date}"
        );
    }
    let (status, production) = device
        .data(
            &token_for(SOLAR),
            "metering_data_dp/v5/daily_production",
            &range(SOLAR, -30, -2),
        )
        .await;
    assert_eq!(status, 200, "{production}");
    assert_eq!(readings(&production).len(), 28);
    let (status, none) = device
        .data(
            access,
            "metering_data_dp/v5/daily_production",
            &range(HOUSE, -30, -2),
        )
        .await;
    assert_eq!(
        (status, none["error"].as_str(), none["reason"].as_str()),
        (404, Some("no_data_found"), Some("no_data"))
    );
    // A token reads its own meter only, even within the household.
    let (status, body) = device
        .data(
            access,
            "metering_data_dc/v5/daily_consumption",
            &range(SOLAR, -5, -2),
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str(), body["reason"].as_str()),
        (403, Some("access_denied"), Some("no_consent"))
    );

    // The contract, without the holder's personal data.
    let (status, contract) = device
        .data(
            access,
            "customers_upc/v5/usage_points/contracts",
            &format!("usage_point_id={HOUSE}"),
        )
        .await;
    assert_eq!(status, 200, "{contract}");
    let typed: hearth_metering::ContractsResponse =
        serde_json::from_value(contract.clone()).unwrap();
    let house = &typed.customer.usage_points[0];
    assert_eq!(house.usage_point.usage_point_id, HOUSE);
    assert_eq!(house.contracts.subscribed_power.as_deref(), Some("9 kVA"));
    assert_eq!(
        house.contracts.distribution_tariff.as_deref(),
        Some("BTINFCU4")
    );
    assert_eq!(house.contracts.segment.as_deref(), Some("C5"));
    assert_eq!(
        house.contracts.offpeak_hours.as_deref(),
        Some("HC (22H30-6H30)")
    );
    let text = contract.to_string();
    let (first, last) = hearth_sim::enedis::HOLDER_NAME.split_once(' ').unwrap();
    for personal in [
        first,
        last,
        hearth_sim::enedis::HOLDER_EMAIL,
        hearth_sim::enedis::HOLDER_PHONE,
        hearth_sim::enedis::HOLDER_STREET,
        "Tilleuls",
        "Lyon",
        "example.org",
        "69003",
    ] {
        assert!(!text.contains(personal), "{personal} leaked: {text}");
    }
    // A meter with a day window too, and a power given as a bare "12".
    let (_, flat) = device
        .data(
            &token_for(SOLAR),
            "customers_upc/v5/usage_points/contracts",
            &format!("usage_point_id={SOLAR}"),
        )
        .await;
    assert_eq!(
        flat["customer"]["usage_points"][0]["contracts"]["offpeak_hours"],
        "HC (23H00-5H00;12H30-15H30)"
    );
    let (_, kilo) = device
        .data(
            &token_for(KILO),
            "customers_upc/v5/usage_points/contracts",
            &format!("usage_point_id={KILO}"),
        )
        .await;
    let kilo = &kilo["customer"]["usage_points"][0]["contracts"];
    assert_eq!(kilo["subscribed_power"], "12 kVA");
    assert!(
        kilo.get("offpeak_hours").is_none(),
        "a base-tariff meter: {kilo}"
    );

    // Only the bound PRMs, only the documented paths, only a valid token.
    let (status, body) = device
        .data(
            access,
            "metering_data_dc/v5/daily_consumption",
            &range(FOREIGN, -5, -2),
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str(), body["reason"].as_str()),
        (403, Some("access_denied"), Some("no_consent"))
    );
    for path in [
        "customers/v5/contact_data",
        "customers_i/v5/identity",
        "metering_data_dc/v5/../../oauth2/v3/token",
        "subscribed_services/v1",
    ] {
        let (status, _) = device.data(access, path, &range(HOUSE, -5, -2)).await;
        assert_eq!(status, 404, "{path}");
    }
    let (status, body) = device
        .data(
            "not-a-token",
            "metering_data_dc/v5/daily_consumption",
            &range(HOUSE, -5, -2),
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_token"))
    );
    let metering_calls = s.sim.calls("metering");
    let (status, body) = device
        .data(
            access,
            "metering_data_clc/v5/consumption_load_curve",
            &range(HOUSE, -20, -2),
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str(), body["reason"].as_str()),
        (400, Some("access_denied"), Some("bad_range")),
        "18 days of curve: never invalid_request, on which the seed's clients wipe their tokens"
    );
    let (status, _) = device
        .data(
            access,
            "metering_data_dc/v5/daily_consumption",
            "start=2026-13-01&end=x&usage_point_id=22516914714270",
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        s.sim.calls("metering"),
        metering_calls,
        "refused without spending quota"
    );

    // A closed past period is cached: asking again costs no upstream call.
    let (_, first) = device
        .data(
            access,
            "metering_data_dc/v5/daily_consumption",
            &range(HOUSE, -40, -10),
        )
        .await;
    let calls = s.sim.calls("metering");
    let (status, again) = device
        .data(
            access,
            "metering_data_dc/v5/daily_consumption",
            &range(HOUSE, -40, -10),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(first, again);
    assert_eq!(s.sim.calls("metering"), calls);

    // Refresh through /device/proxy, the Enedis clients' way: rotation, both spellings.
    let refresh = tokens["refresh_token"].as_str().unwrap();
    let (status, renewed) = device
        .post(
            "/device/proxy",
            &[
                ("grant_type", "refresh_token"),
                ("client_id", CLIENT_ID),
                ("refresh_token", refresh),
                ("usage_points_id", FOREIGN),
            ],
        )
        .await;
    assert_eq!(status, 200, "{renewed}");
    assert_eq!(
        renewed["usage_points_id"], HOUSE,
        "the grant's PRM, not the one the client sent"
    );
    assert_ne!(renewed["access_token"], tokens["access_token"]);
    assert_eq!(
        renewed["consent_expires_at"], tokens["consent_expires_at"],
        "a refresh keeps telling the consent's end"
    );
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
        "a refresh token is single use"
    );
    let (status, _) = device
        .data(
            renewed["access_token"].as_str().unwrap(),
            "metering_data_dc/v5/daily_consumption",
            &range(HOUSE, -40, -10),
        )
        .await;
    assert_eq!(status, 200);
    let (status, renewed_again) = device
        .post(
            "/device/token",
            &[
                ("grant_type", "refresh_token"),
                ("client_id", CLIENT_ID),
                ("refresh_token", renewed["refresh_token"].as_str().unwrap()),
            ],
        )
        .await;
    assert_eq!(status, 200, "{renewed_again}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enedis_journey_sqlite() {
    journey(Backing::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enedis_journey_redis() {
    journey(Backing::redis()).await;
}

#[tokio::test]
async fn start_marked_timestamps_are_moved_to_the_end() {
    let end_marked = setup(Backing::sqlite()).await;
    let start_marked = enedis_setup(
        Backing::sqlite(),
        |b| b.curve_timestamps_at_start(true),
        &["--enedis-curve-timestamps", "start"],
    )
    .await;
    let a = link(&end_marked.proxy.url).await;
    let b = link(&start_marked.proxy.url).await;
    let path = "metering_data_clc/v5/consumption_load_curve";
    let (_, from_end) = Device::new(&end_marked.proxy.url)
        .data(
            a["access_token"].as_str().unwrap(),
            path,
            &range(HOUSE, -3, -2),
        )
        .await;
    let (_, from_start) = Device::new(&start_marked.proxy.url)
        .data(
            b["access_token"].as_str().unwrap(),
            path,
            &range(HOUSE, -3, -2),
        )
        .await;
    assert_eq!(readings(&from_end).len(), 48);
    assert_eq!(
        from_end, from_start,
        "both conventions give the same v5 answer"
    );
}

#[tokio::test]
async fn the_redirects_usage_point_id_is_never_trusted() {
    let s = setup(Backing::sqlite()).await;
    let device = Device::new(&s.proxy.url);

    // 2026 callback with an extra usage_point_id: ignored, the token covers what Enedis says.
    let code = device.code().await;
    let mut browser = Browser::new();
    let to_enedis = browser
        .confirm(code["verification_uri_complete"].as_str().unwrap())
        .await;
    let at_enedis = browser.get(&to_enedis).await;
    let callback = format!("{}&usage_point_id={FOREIGN}", at_enedis.location.unwrap());
    assert_eq!(browser.get(&callback).await.status, 200);
    let (_, tokens) = device
        .poll_until_done(
            code["device_code"].as_str().unwrap(),
            Duration::from_millis(250),
        )
        .await;
    assert!(
        !tokens["usage_point_id"].as_str().unwrap().contains(FOREIGN),
        "{tokens}"
    );
    let (status, _) = device
        .data(
            tokens["access_token"].as_str().unwrap(),
            "metering_data_dc/v5/daily_consumption",
            &range(FOREIGN, -5, -2),
        )
        .await;
    assert_eq!(status, 403);

    // A pre-2026 callback (code + usage_point_id, no autorisation_id): nothing is issued.
    let code = device.code().await;
    let to_enedis = browser
        .confirm(code["verification_uri_complete"].as_str().unwrap())
        .await;
    let state = query_param(&to_enedis, "state");
    let forged = format!(
        "{}/auth/redirect?code=abc&usage_point_id={FOREIGN}&state={state}",
        s.proxy.url
    );
    let page = browser.get(&forged).await;
    assert_eq!(page.status, 400, "{}", page.body);
    let (_, pending) = device.poll(code["device_code"].as_str().unwrap()).await;
    assert_eq!(pending["error"], "authorization_pending");

    // An autorisation_id Enedis does not know (403 upstream): no consent, nothing issued.
    let to_enedis = browser
        .confirm(code["verification_uri_complete"].as_str().unwrap())
        .await;
    let state = query_param(&to_enedis, "state");
    let page = browser
        .get(&format!(
            "{}/auth/redirect?autorisation_id=424242&state={state}",
            s.proxy.url
        ))
        .await;
    assert_eq!(page.status, 403, "{}", page.body);
    tokio::time::sleep(Duration::from_millis(250)).await;
    let (_, denied) = device.poll(code["device_code"].as_str().unwrap()).await;
    assert_eq!(denied["error"], "access_denied");
}

#[tokio::test]
async fn consent_refused_on_the_enedis_page() {
    let (listener, url) = Proxy::bind().await;
    let backing = Backing::sqlite();
    let sim = sim_builder(&url).start().await.unwrap();
    let proxy = Proxy::start(listener, &enedis_args(&backing.address(), &sim)).await;
    let device = Device::new(&proxy.url);
    let code = device.code().await;
    let mut browser = Browser::new();
    let to_enedis = browser
        .confirm(code["verification_uri_complete"].as_str().unwrap())
        .await;
    let consent_page = browser.get(&to_enedis).await;
    assert_eq!(consent_page.status, 200);
    assert!(
        consent_page.body.contains("Refuser"),
        "{}",
        consent_page.body
    );
    let state = common::hidden(&consent_page.body, "state");
    let refused = browser
        .post(
            &format!("{}/dataconnect/v2/oauth2/consent", sim.base_url()),
            &[
                ("client_id", CLIENT_ID),
                ("state", &state),
                ("decision", "refuse"),
            ],
        )
        .await;
    let page = browser.get(&refused.location.unwrap()).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("refused"), "{}", page.body);
    let (_, denied) = device.poll(code["device_code"].as_str().unwrap()).await;
    assert_eq!(denied["error"], "access_denied");

    // And accepted, choosing one meter: the token covers exactly that one.
    let code = device.code().await;
    let to_enedis = browser
        .confirm(code["verification_uri_complete"].as_str().unwrap())
        .await;
    let consent_page = browser.get(&to_enedis).await;
    let state = common::hidden(&consent_page.body, "state");
    let accepted = browser
        .post(
            &format!("{}/dataconnect/v2/oauth2/consent", sim.base_url()),
            &[
                ("client_id", CLIENT_ID),
                ("state", &state),
                ("decision", "accept"),
                ("prm", SOLAR),
            ],
        )
        .await;
    assert_eq!(browser.get(&accepted.location.unwrap()).await.status, 200);
    let (_, tokens) = device
        .poll_until_done(
            code["device_code"].as_str().unwrap(),
            Duration::from_millis(250),
        )
        .await;
    assert_eq!(tokens["usage_point_id"], SOLAR);
}

#[tokio::test]
async fn subscribed_services_is_retried_while_empty_and_a_reload_finishes_later() {
    // Empty for 300 ms, retried every 100 ms: the first callback succeeds.
    let s = enedis_setup(
        Backing::sqlite(),
        |b| b.subscription_delay(Duration::from_millis(300)),
        &[],
    )
    .await;
    link(&s.proxy.url).await;

    // Empty for 1.5 s, two tries 100 ms apart: "not confirmed yet"; a reload later succeeds.
    let s = enedis_setup(
        Backing::sqlite(),
        |b| b.subscription_delay(Duration::from_millis(1_500)),
        &["--enedis-subscription-tries", "2"],
    )
    .await;
    let device = Device::new(&s.proxy.url);
    let code = device.code().await;
    let mut browser = Browser::new();
    let to_enedis = browser
        .confirm(code["verification_uri_complete"].as_str().unwrap())
        .await;
    let callback = browser.get(&to_enedis).await.location.unwrap();
    let page = browser.get(&callback).await;
    assert_eq!(page.status, 503);
    assert!(
        page.body.contains("not confirmed your consent yet"),
        "{}",
        page.body
    );
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let page = browser.get(&callback).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let (status, _) = device
        .poll_until_done(
            code["device_code"].as_str().unwrap(),
            Duration::from_millis(250),
        )
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn upstream_outages_and_429_give_clear_retryable_errors() {
    let s = setup(Backing::sqlite()).await;
    let tokens = link(&s.proxy.url).await;
    let access = tokens["access_token"].as_str().unwrap();
    let device = Device::new(&s.proxy.url);
    let path = "metering_data_dc/v5/daily_consumption";

    s.sim.fail_next(1, 503);
    let (status, headers, body) =
        data_with_headers(&device, access, path, &range(HOUSE, -3, -2)).await;
    assert_eq!(
        (status, body["error"].as_str(), body["reason"].as_str()),
        (503, Some("temporarily_unavailable"), Some("outage")),
        "{body}"
    );
    assert_eq!(
        headers["retry-after"], "60",
        "no hint from Enedis: a minute"
    );
    assert!(
        !body.to_string().contains("indisponible"),
        "upstream text is not relayed: {body}"
    );
    let (status, _) = device.data(access, path, &range(HOUSE, -3, -2)).await;
    assert_eq!(status, 200, "nothing lost: the next call works");

    // Enedis throttles harder than announced: 429, the pacer pauses, the client is told to retry.
    s.sim.set_quota(1, 10_000);
    let started = Instant::now();
    let mut statuses = Vec::new();
    for offset in 0..3 {
        let (status, headers, body) = data_with_headers(
            &device,
            access,
            path,
            &range(HOUSE, -20 - offset, -19 - offset),
        )
        .await;
        if status == 503 {
            assert_eq!(body["reason"], "quota", "{body}");
            assert_eq!(
                headers["retry-after"], "1",
                "the pause until nextAccessTime, within the second"
            );
        }
        statuses.push(status);
    }
    assert!(statuses.contains(&503), "{statuses:?}");
    assert!(s.sim.throttled() >= 1);
    s.sim.set_quota(5, 10_000);
    let throttled = s.sim.throttled();
    let (status, _) = device.data(access, path, &range(HOUSE, -30, -29)).await;
    assert_eq!(status, 200, "after the pause the call goes through");
    assert_eq!(
        s.sim.throttled(),
        throttled,
        "the pause avoided another 429"
    );
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "the pacer waited"
    );
}

async fn data_with_headers(
    device: &Device,
    token: &str,
    path: &str,
    query: &str,
) -> (u16, reqwest::header::HeaderMap, Value) {
    let response = device
        .http
        .get(format!("{}/data/proxy/{path}?{query}", device.proxy))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (
        status,
        headers,
        response.json().await.unwrap_or(Value::Null),
    )
}

/// Every way Enedis refuses a data call, as Enedis answers it, gives the device a fixed status,
/// an RFC 6749 `error` on which no client wipes its tokens, and a `reason` the app switches on.
#[tokio::test]
async fn each_enedis_refusal_has_its_reason() {
    let s = setup(Backing::sqlite()).await;
    let tokens = link(&s.proxy.url).await;
    let access = tokens["access_token"].as_str().unwrap();
    let device = Device::new(&s.proxy.url);
    let path = "metering_data_dc/v5/daily_consumption";
    // Warm the application token, so that each fault below hits the data call.
    assert_eq!(
        device.data(access, path, &range(HOUSE, -3, -2)).await.0,
        200
    );
    for (i, (upstream_status, code, status, error, reason)) in [
        (403, "ADAM-DC-0008", 403, "access_denied", "no_consent"),
        (403, "ADAM-DC-0007", 403, "access_denied", "not_holder"),
        (
            400,
            "ADAM-ERR0123",
            400,
            "access_denied",
            "before_activation",
        ),
        (400, "ADAM-ERR0002", 400, "access_denied", "bad_range"),
        (404, "no_data_found", 404, "no_data_found", "no_data"),
        (403, "900908", 502, "server_error", "not_subscribed"),
        (
            500,
            "internal_error",
            503,
            "temporarily_unavailable",
            "outage",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        s.sim.fail_next_with(1, upstream_status, code);
        let offset = i64::try_from(i).unwrap();
        let (got, headers, body) = data_with_headers(
            &device,
            access,
            path,
            &range(HOUSE, -50 - offset, -49 - offset),
        )
        .await;
        assert_eq!(
            (got, body["error"].as_str(), body["reason"].as_str()),
            (status, Some(error), Some(reason)),
            "{code}: {body}"
        );
        assert!(
            !["invalid_grant", "invalid_request", "unauthorized"].contains(&error),
            "{code}"
        );
        assert!(
            !body.to_string().contains("simulée"),
            "no upstream text: {body}"
        );
        assert_eq!(headers.contains_key("retry-after"), status == 503, "{code}");
    }
    // Throttled: 429 900804, a pause until nextAccessTime, told as Retry-After.
    s.sim.throttle_for(Duration::from_secs(90));
    let (got, headers, body) =
        data_with_headers(&device, access, path, &range(HOUSE, -70, -69)).await;
    assert_eq!(
        (got, body["error"].as_str(), body["reason"].as_str()),
        (503, Some("temporarily_unavailable"), Some("quota")),
        "{body}"
    );
    let wait: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((88..=90).contains(&wait), "until nextAccessTime: {wait} s");
    // Paused everywhere: the next call is refused at once, without asking Enedis.
    let calls = s.sim.calls("metering");
    let (got, headers, body) =
        data_with_headers(&device, access, path, &range(HOUSE, -71, -70)).await;
    assert_eq!((got, body["reason"].as_str()), (503, Some("quota")));
    let left: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(left <= wait && left >= 85, "{left}");
    assert_eq!(s.sim.calls("metering"), calls, "no call during the pause");
    // The device's own bad token is the only `invalid_*` of a data call.
    let (got, body) = device.data("expired", path, &range(HOUSE, -3, -2)).await;
    assert_eq!((got, body["error"].as_str()), (401, Some("invalid_token")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pacer_keeps_to_the_quota_and_serves_users_fairly() {
    let s = setup(Backing::sqlite()).await;
    let greedy = link(&s.proxy.url).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let modest = link_meter(&s, SOLAR).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..10 {
        let device = Device::new(&s.proxy.url);
        let token = greedy.clone();
        tasks.push(tokio::spawn(async move {
            let (status, _) = device
                .data(
                    &token,
                    "metering_data_dc/v5/daily_consumption",
                    &range(HOUSE, -100 - i, -99 - i),
                )
                .await;
            (status, started.elapsed(), "greedy")
        }));
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    let device = Device::new(&s.proxy.url);
    let token = modest.clone();
    tasks.push(tokio::spawn(async move {
        let (status, _) = device
            .data(
                &token,
                "metering_data_dc/v5/daily_consumption",
                &range(SOLAR, -100, -99),
            )
            .await;
        (status, started.elapsed(), "modest")
    }));
    let mut done = Vec::new();
    for task in tasks {
        done.push(task.await.unwrap());
    }
    assert!(done.iter().all(|(status, _, _)| *status == 200), "{done:?}");
    assert_eq!(s.sim.throttled(), 0, "never above the quota");
    assert!(
        s.sim.max_calls_in_a_second() <= 5,
        "{} calls in one second",
        s.sim.max_calls_in_a_second()
    );
    done.sort_by_key(|(_, at, _)| *at);
    let modest_rank = done
        .iter()
        .position(|(_, _, who)| *who == "modest")
        .unwrap();
    assert!(
        modest_rank <= 3,
        "the modest user waited behind at most a few greedy calls: rank {modest_rank} in {done:?}"
    );
}

/// The OpenAPI document names every data-call reason and the statuses that carry them.
#[tokio::test]
async fn the_openapi_document_lists_every_data_reason() {
    let s = setup(Backing::sqlite()).await;
    let doc: Value = common::http()
        .get(format!("{}/openapi.json", s.proxy.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let reasons = &doc["components"]["schemas"]["Reason"]["enum"];
    for reason in [
        "no_consent",
        "not_holder",
        "before_activation",
        "bad_range",
        "no_data",
        "not_subscribed",
        "quota",
        "outage",
    ] {
        assert!(
            reasons
                .as_array()
                .is_some_and(|r| r.contains(&Value::from(reason))),
            "{reason} missing: {reasons}"
        );
    }
    let responses = &doc["paths"]["/data/proxy/{path}"]["get"]["responses"];
    for status in ["400", "401", "403", "404", "502", "503"] {
        assert!(
            responses.get(status).is_some(),
            "{status} missing: {responses}"
        );
    }
    assert!(responses["503"]["headers"].get("Retry-After").is_some());
}

/// The change-of-time days of the last two years (the last Sundays of October and March)
/// read through the proxy: 50 and 46 half hours, each an interval of its own, covering the day.
#[tokio::test]
async fn change_of_time_days_keep_every_half_hour_end_to_end() {
    use hearth_metering::paris;
    let s = setup(Backing::sqlite()).await;
    let tokens = link(&s.proxy.url).await;
    let access = tokens["access_token"].as_str().unwrap();
    let device = Device::new(&s.proxy.url);
    let mut seen = Vec::new();
    for offset in -700..-2 {
        let date = paris::parse_date(&day(offset)).unwrap();
        let count = paris::half_hours(date).unwrap().len();
        if count == 48 {
            continue;
        }
        let (status, body) = device
            .data(
                access,
                "metering_data_clc/v5/consumption_load_curve",
                &range(HOUSE, offset, offset + 1),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let reading: hearth_metering::MeterReadingResponse = serde_json::from_value(body).unwrap();
        let intervals = reading.meter_reading.intervals().unwrap();
        assert_eq!(intervals.len(), count, "{date}");
        let (start, end) = paris::day_span(date).unwrap();
        assert_eq!((intervals[0].start, intervals[count - 1].end), (start, end));
        for pair in intervals.windows(2) {
            assert_eq!(pair[0].end, pair[1].start, "{date}: contiguous");
        }
        seen.push(count);
    }
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen, [46, 50], "spring and autumn changes in two years");
}

/// A closed period with a day Enedis has not published yet is not cached: once the day is
/// published, asking the same range again gets it (and that complete answer is cached).
#[tokio::test]
async fn a_period_with_a_day_missing_is_not_cached() {
    let s = setup(Backing::sqlite()).await;
    let tokens = link_meter(&s, HOUSE).await;
    let access = tokens["access_token"].as_str().unwrap();
    let device = Device::new(&s.proxy.url);
    let path = "metering_data_dc/v5/daily_consumption";
    let late = time::OffsetDateTime::now_utc().date() - time::Duration::days(5);
    s.sim.withhold(late);
    let (status, first) = device.data(access, path, &range(HOUSE, -9, -3)).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(readings(&first).len(), 5);
    s.sim.publish(late);
    let calls = s.sim.calls("metering");
    let (_, again) = device.data(access, path, &range(HOUSE, -9, -3)).await;
    assert_eq!(
        readings(&again).len(),
        6,
        "the day published since: {again}"
    );
    assert_eq!(s.sim.calls("metering"), calls + 1, "asked Enedis again");
    let (_, third) = device.data(access, path, &range(HOUSE, -9, -3)).await;
    assert_eq!(third, again);
    assert_eq!(s.sim.calls("metering"), calls + 1, "complete: cached");
}
