//! The Enedis simulator's API, as a client sees it: consent, tokens, subscribed services, data,
//! and every documented error.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics the test with its reason.

use std::time::Duration;

use hearth_sim::enedis::{EnedisSim, EnedisSimHandle};
use serde_json::{Value, json};
use time::macros::date;

const REDIRECT: &str = "http://127.0.0.1:9/auth/redirect";

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn sim() -> EnedisSimHandle {
    // A generous quota: these tests are about answers, not pacing.
    EnedisSim::builder()
        .client("app", "secret", REDIRECT)
        .today(date!(2026 - 11 - 20))
        .quota(1_000, 100_000)
        .start()
        .await
        .unwrap()
}

async fn app_token(sim: &EnedisSimHandle) -> String {
    let body: Value = http()
        .post(format!("{}/oauth2/v3/token", sim.base_url()))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", "app"),
            ("client_secret", "secret"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["expires_in"], 12_600);
    body["access_token"].as_str().unwrap().to_owned()
}

/// Consents through the page (auto-consent off) to one meter and returns the `autorisation_id`.
async fn consent(sim: &EnedisSimHandle, prm: &str) -> String {
    let response = post_consent(sim, &[prm]).await;
    assert_eq!(response.status(), 302);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with(&format!("{REDIRECT}?autorisation_id=")),
        "{location}"
    );
    assert!(location.ends_with("&state=xyz"), "{location}");
    location
        .split("autorisation_id=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_owned()
}

/// Opens the consent page and posts it with these meters chosen.
async fn post_consent(sim: &EnedisSimHandle, prms: &[&str]) -> reqwest::Response {
    let page = http()
        .get(format!(
            "{}?client_id=app&response_type=code&state=xyz&duration=P1095D",
            sim.authorize_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Accepter") && html.contains("Refuser") && html.contains("22516914714270"),
        "{html}"
    );
    assert!(
        html.contains("type=\"radio\" name=\"prm\"") && !html.contains("checkbox"),
        "one meter per consent: {html}"
    );
    let mut form = vec![
        ("client_id", "app"),
        ("state", "xyz"),
        ("decision", "accept"),
    ];
    form.extend(prms.iter().map(|p| ("prm", *p)));
    http()
        .post(format!("{}/dataconnect/v2/oauth2/consent", sim.base_url()))
        .form(&form)
        .send()
        .await
        .unwrap()
}

async fn subscribed_services(
    sim: &EnedisSimHandle,
    token: &str,
    body: &Value,
) -> reqwest::Response {
    http()
        .post(format!("{}/subscribed_services/v1", sim.base_url()))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn get(sim: &EnedisSimHandle, token: &str, path_and_query: &str) -> (u16, Value) {
    let response = http()
        .get(format!("{}{path_and_query}", sim.base_url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    (
        response.status().as_u16(),
        response.json().await.unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn consent_services_and_data() {
    let sim = sim().await;
    // One meter per consent: two at once, or another holder's, are refused.
    for prms in [
        &["22516914714270", "24880057139941"][..],
        &["30001610071843"][..],
        &[][..],
    ] {
        let response = post_consent(&sim, prms).await;
        assert_eq!(response.status(), 400, "{prms:?}");
    }
    let id = consent(&sim, "22516914714270").await;
    let token = app_token(&sim).await;
    let services: Value = subscribed_services(
        &sim,
        &token,
        &json!({"autorisationId": id.parse::<u64>().unwrap(), "comptage": false, "etatCode": ["ACTIF", "DEMANDE"], "serviceType": "ACCES"}),
    )
    .await
    .json()
    .await
    .unwrap();
    let points: Vec<&str> = services["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["pointId"].as_str().unwrap())
        .collect();
    assert_eq!(points, ["22516914714270"], "the one meter consented to");

    let (status, daily) = get(&sim, &token, "/mesure_synchrone_auto/v2/consommation_quotidienne?pointId=22516914714270&dateDebut=2026-11-01&dateFin=2026-11-08").await;
    assert_eq!(status, 200, "{daily}");
    assert_eq!(daily["idPrm"], "22516914714270");
    assert_eq!(daily["grandeur"][0]["unite"], "Wh");
    assert_eq!(daily["grandeur"][0]["points"].as_array().unwrap().len(), 7);
    let (_, again) = get(&sim, &token, "/mesure_synchrone_auto/v2/consommation_quotidienne?pointId=22516914714270&dateDebut=2026-11-01&dateFin=2026-11-08").await;
    assert_eq!(daily, again, "deterministic");
    let (status, curve) = get(&sim, &token, "/mesure_synchrone_auto/v2/courbe_de_charge_consommation?pointId=22516914714270&dateDebut=2026-11-18&dateFin=2026-11-19").await;
    assert_eq!(status, 200);
    let points = curve["grandeur"][0]["points"].as_array().unwrap();
    assert_eq!(points.len(), 48);
    assert_eq!(
        points[0]["d"], "2026-11-18 00:30:00",
        "end-marked by default"
    );
    assert_eq!(points[47]["d"], "2026-11-19 00:00:00");

    // The daily maximum power: its two required parameters, the time of each peak, VA.
    let max = "/mesure_synchrone_auto/v2/puissance_conso_max_quotidienne?pointId=22516914714270&dateDebut=2026-11-01&dateFin=2026-11-08";
    for missing in [
        "",
        "&mesuresPas=P1D",
        "&grandeurPhysique=PMA",
        "&mesuresPas=PT30M&grandeurPhysique=PMA",
    ] {
        let (status, body) = get(&sim, &token, &format!("{max}{missing}")).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (400, Some("ADAM-ERR0123")),
            "{missing}"
        );
    }
    let (status, peaks) = get(
        &sim,
        &token,
        &format!("{max}&mesuresPas=P1D&grandeurPhysique=PMA"),
    )
    .await;
    assert_eq!(status, 200, "{peaks}");
    assert_eq!(peaks["grandeur"][0]["grandeurPhysique"], "PMA");
    assert_eq!(peaks["grandeur"][0]["unite"], "VA");
    let peaks = peaks["grandeur"][0]["points"].as_array().unwrap();
    assert_eq!(peaks.len(), 7);
    let first = peaks[0]["d"].as_str().unwrap();
    assert!(
        first.starts_with("2026-11-01 ") && first.len() == 19 && !first.ends_with("00:00:00"),
        "{first}"
    );

    // Contracts: an array of snake_case records with the holder's data beside them, and the
    // off-peak windows of the meter (a day window for some).
    let (status, contract) = get(&sim, &token, "/situation_contrat_auto/v1/22516914714270").await;
    assert_eq!(status, 200);
    assert_eq!(contract[0]["usage_point_id"], "22516914714270");
    assert_eq!(
        contract[0]["subscribed_power"],
        json!({"unit": "kVA", "value": "9"})
    );
    assert_eq!(contract[0]["distribution_tariff"], "BTINFCU4");
    assert_eq!(
        contract[0]["contact_data"]["email"],
        hearth_sim::enedis::HOLDER_EMAIL
    );
    let (status, point) = get(&sim, &token, "/comptage_auto/v1/22516914714270").await;
    assert_eq!(status, 200);
    assert_eq!(point["relais"]["plageHeuresCreuses"], "HC (22H30-6H30)");
    let flat = consent(&sim, "24880057139941").await;
    assert!(!flat.is_empty());
    let (_, point) = get(&sim, &token, "/comptage_auto/v1/24880057139941").await;
    assert_eq!(
        point["relais"]["plageHeuresCreuses"],
        "HC (23H00-5H00;12H30-15H30)"
    );
    assert!(sim.calls("metering") >= 3);
}

#[tokio::test]
async fn change_of_time_days_have_46_and_50_half_hours() {
    let sim = sim().await;
    consent(&sim, "22516914714270").await;
    let token = app_token(&sim).await;
    let curve = |day: &str, next: &str| {
        format!(
            "/mesure_synchrone_auto/v2/courbe_de_charge_consommation?pointId=22516914714270&dateDebut={day}&dateFin={next}"
        )
    };
    let (status, october) = get(&sim, &token, &curve("2026-10-25", "2026-10-26")).await;
    assert_eq!(status, 200);
    let dates: Vec<&str> = october["grandeur"][0]["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["d"].as_str().unwrap())
        .collect();
    assert_eq!(dates.len(), 50);
    assert_eq!(
        dates[2..8],
        [
            "2026-10-25 01:30:00",
            "2026-10-25 02:00:00",
            "2026-10-25 02:30:00",
            "2026-10-25 02:00:00",
            "2026-10-25 02:30:00",
            "2026-10-25 03:00:00"
        ],
        "the repeated hour, end-marked, as a meter writes it"
    );
    let (_, march) = get(&sim, &token, &curve("2026-03-29", "2026-03-30")).await;
    let dates: Vec<&str> = march["grandeur"][0]["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["d"].as_str().unwrap())
        .collect();
    assert_eq!(dates.len(), 46);
    assert_eq!(dates[2..4], ["2026-03-29 01:30:00", "2026-03-29 03:00:00"]);
    // The day's energy is the sum of its 50 half hours.
    let (_, daily) = get(&sim, &token, "/mesure_synchrone_auto/v2/consommation_quotidienne?pointId=22516914714270&dateDebut=2026-10-25&dateFin=2026-10-26").await;
    let sum: u64 = october["grandeur"][0]["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["v"].as_str().unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(
        daily["grandeur"][0]["points"][0]["v"],
        (sum / 2).to_string()
    );
}

#[tokio::test]
async fn documented_errors() {
    let sim = sim().await;
    let id = consent(&sim, "22516914714270").await;
    consent(&sim, "24880057139941").await;
    let token = app_token(&sim).await;
    let daily = "/mesure_synchrone_auto/v2/consommation_quotidienne";
    for (query, status, code) in [
        (
            "pointId=22516914714270&dateDebut=2026-11-10&dateFin=2026-11-21",
            400,
            "ADAM-ERR0123",
        ), // after today
        (
            "pointId=22516914714270&dateDebut=2026-11-10&dateFin=2026-11-10",
            400,
            "ADAM-ERR0002",
        ), // end not after start
        (
            "pointId=22516914714270&dateDebut=2026-11-10&dateFin=2026-11-01",
            400,
            "ADAM-ERR0002",
        ),
        (
            "pointId=22516914714270&dateDebut=2022-01-01&dateFin=2022-01-08",
            400,
            "ADAM-ERR0123",
        ), // beyond history
        (
            "pointId=22516914714270&dateDebut=2025-01-01&dateFin=2026-11-01",
            400,
            "ADAM-ERR0123",
        ), // over 365 days
        (
            "pointId=22516914714270&dateDebut=nope&dateFin=2026-11-01",
            400,
            "ADAM-ERR0123",
        ),
        (
            "pointId=11453290002823&dateDebut=2026-11-01&dateFin=2026-11-08",
            403,
            "ADAM-DC-0008",
        ), // not consented
        (
            "pointId=30001610071843&dateDebut=2026-11-01&dateFin=2026-11-08",
            403,
            "ADAM-DC-0007",
        ), // not the holder
        (
            "pointId=99999999999999&dateDebut=2026-11-01&dateFin=2026-11-08",
            403,
            "ADAM-DC-0007",
        ),
    ] {
        let (got, body) = get(&sim, &token, &format!("{daily}?{query}")).await;
        assert_eq!(
            (got, body["error"].as_str()),
            (status, Some(code)),
            "{query}"
        );
    }
    let (status, body) = get(&sim, &token, "/mesure_synchrone_auto/v2/courbe_de_charge_consommation?pointId=22516914714270&dateDebut=2026-11-01&dateFin=2026-11-09").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("ADAM-ERR0123")),
        "8 days of load curve"
    );
    let (status, body) = get(&sim, &token, "/mesure_synchrone_auto/v2/production_quotidienne?pointId=22516914714270&dateDebut=2026-11-01&dateFin=2026-11-08").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (404, Some("no_data_found"))
    );
    let (status, _) = get(&sim, &token, "/mesure_synchrone_auto/v2/production_quotidienne?pointId=24880057139941&dateDebut=2026-11-01&dateFin=2026-11-08").await;
    assert_eq!(status, 200);
    let (status, body) = get(
        &sim,
        "wrong",
        &format!("{daily}?pointId=22516914714270&dateDebut=2026-11-01&dateFin=2026-11-08"),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_token"))
    );

    // An unknown autorisation: 403, no services; the consented one: 200.
    let response = subscribed_services(&sim, &token, &json!({"autorisationId": 1})).await;
    assert_eq!(response.status(), 403);
    let response = subscribed_services(&sim, &token, &json!({"autorisationId": id})).await;
    assert_eq!(response.status(), 200);

    // Bad application credentials, by form and by Basic.
    let response = http()
        .post(format!("{}/oauth2/v3/token", sim.base_url()))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", "app"),
            ("client_secret", "wrong"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let response = http()
        .post(format!("{}/oauth2/v3/token", sim.base_url()))
        .basic_auth("app", Some("secret"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        200,
        "client credentials in a Basic header work too"
    );

    // Faults on demand, then back to normal.
    sim.fail_next(2, 503);
    for _ in 0..2 {
        let (status, _) = get(&sim, &token, "/comptage_auto/v1/22516914714270").await;
        assert_eq!(status, 503);
    }
    let (status, _) = get(&sim, &token, "/comptage_auto/v1/22516914714270").await;
    assert_eq!(status, 200);
    // An application not subscribed to an API: the gateway's 403 900908.
    sim.fail_next_with(1, 403, "900908");
    let (status, body) = get(&sim, &token, "/comptage_auto/v1/22516914714270").await;
    assert_eq!((status, body["code"].as_str()), (403, Some("900908")));

    // The authorize page checks its parameters.
    for query in [
        "client_id=unknown&response_type=code&state=x&duration=P1095D",
        "client_id=app&response_type=token&state=x&duration=P1095D",
        "client_id=app&response_type=code&duration=P1095D",
        "client_id=app&response_type=code&state=x&duration=P4Y",
        "client_id=app&response_type=code&state=x&duration=P1096D",
    ] {
        let response = http()
            .get(format!("{}?{query}", sim.authorize_url()))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{query}");
    }
}

#[tokio::test]
async fn quota_auto_consent_refusal_and_the_admin_switches() {
    let sim = EnedisSim::builder()
        .client("app", "secret", REDIRECT)
        .quota(3, 1_000)
        .start()
        .await
        .unwrap();
    let token = app_token(&sim).await;
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(
            get(&sim, &token, "/comptage_auto/v1/22516914714270")
                .await
                .0,
        );
    }
    assert_eq!(
        statuses,
        [403, 403, 429, 429],
        "1 token call + 2 calls = 3 in the second, then 429"
    );
    assert_eq!(sim.throttled(), 2);
    // Throttled as Enedis's gateway does: 900804 and the instant calls may resume.
    let response = http()
        .get(format!(
            "{}/comptage_auto/v1/22516914714270",
            sim.base_url()
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "900804");
    let next = body["nextAccessTime"].as_str().unwrap();
    assert!(
        next.ends_with('Z') && next.contains('.'),
        "UTC with milliseconds: {next}"
    );
    let at =
        time::OffsetDateTime::parse(next, &time::format_description::well_known::Rfc3339).unwrap();
    let wait = at - time::OffsetDateTime::now_utc();
    assert!(
        wait <= time::Duration::seconds(1),
        "the second's window: {wait}"
    );
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    // A longer throttle, set by the switch: nextAccessTime says when it ends.
    sim.throttle_for(Duration::from_secs(30));
    let (status, body) = get(&sim, &token, "/comptage_auto/v1/22516914714270").await;
    assert_eq!(status, 429);
    let at = time::OffsetDateTime::parse(
        body["nextAccessTime"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let wait = at - time::OffsetDateTime::now_utc();
    assert!(
        wait > time::Duration::seconds(28) && wait <= time::Duration::seconds(30),
        "{wait}"
    );
    sim.throttle_for(Duration::ZERO);

    // Auto-consent over HTTP: straight back with an autorisation_id.
    let admin = http()
        .post(format!("{}/__sim/auto_consent?on=true", sim.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(admin.status(), 204);
    let response = http()
        .get(format!(
            "{}?client_id=app&response_type=code&state=s1&duration=P1Y",
            sim.authorize_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 302);
    assert!(
        response.headers()["location"]
            .to_str()
            .unwrap()
            .contains("autorisation_id=")
    );

    // Refusal: the documented error redirect.
    sim.set_auto_consent(false);
    let response = http()
        .post(format!("{}/dataconnect/v2/oauth2/consent", sim.base_url()))
        .form(&[
            ("client_id", "app"),
            ("state", "s2"),
            ("decision", "refuse"),
        ])
        .send()
        .await
        .unwrap();
    let location = response.headers()["location"].to_str().unwrap();
    assert!(
        location.starts_with(&format!(
            "{REDIRECT}?error=access_denied&error_description="
        )),
        "{location}"
    );
    assert!(location.ends_with("&state=s2"));

    let stats: Value = http()
        .get(format!("{}/__sim/stats", sim.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stats["calls"]["throttled"], 4);
    assert!(stats["max_calls_in_a_second"].as_u64().unwrap() <= 3);
}

#[tokio::test]
async fn subscribed_services_stay_empty_for_a_while_after_consent() {
    let sim = EnedisSim::builder()
        .client("app", "secret", REDIRECT)
        .subscription_delay(Duration::from_millis(400))
        .start()
        .await
        .unwrap();
    let id = consent(&sim, "24880057139941").await;
    let token = app_token(&sim).await;
    let ask = || async {
        let body: Value = subscribed_services(&sim, &token, &json!({"autorisationId": id}))
            .await
            .json()
            .await
            .unwrap();
        body["services"].as_array().unwrap().len()
    };
    assert_eq!(ask().await, 0);
    tokio::time::sleep(Duration::from_millis(450)).await;
    assert_eq!(ask().await, 1);
}

/// A day published late, a meter activated recently, and the calls counted per endpoint.
#[tokio::test]
async fn withheld_days_recent_activation_and_calls_per_endpoint() {
    let sim = EnedisSim::builder()
        .client("app", "secret", REDIRECT)
        .today(date!(2026 - 11 - 20))
        .quota(1_000, 100_000)
        .activated_on("24880057139941", date!(2026 - 11 - 10))
        .start()
        .await
        .unwrap();
    let token = app_token(&sim).await;
    consent(&sim, "22516914714270").await;
    consent(&sim, "24880057139941").await;
    let daily = |prm: &str, start: &str, end: &str| {
        format!(
            "/mesure_synchrone_auto/v2/consommation_quotidienne?pointId={prm}&dateDebut={start}&dateFin={end}"
        )
    };
    let days = |body: &Value| -> Vec<String> {
        body["grandeur"][0]["points"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["d"].as_str().unwrap().to_owned())
            .collect()
    };

    // Withheld: left out of a range, 404 `no_data_found` when it is the whole range, in every
    // measure (the curve too), until published.
    sim.withhold(date!(2026 - 11 - 18));
    let (status, body) = get(
        &sim,
        &token,
        &daily("22516914714270", "2026-11-17", "2026-11-20"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(days(&body), ["2026-11-17", "2026-11-19"]);
    let (status, body) = get(
        &sim,
        &token,
        &daily("22516914714270", "2026-11-18", "2026-11-19"),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (404, Some("no_data_found")),
        "{body}"
    );
    let (status, _) = get(
        &sim,
        &token,
        "/mesure_synchrone_auto/v2/courbe_de_charge_consommation?pointId=22516914714270&dateDebut=2026-11-18&dateFin=2026-11-19",
    )
    .await;
    assert_eq!(status, 404);
    let stats: Value = http()
        .get(format!("{}/__sim/stats", sim.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stats["withheld"], json!(["2026-11-18"]));
    sim.publish(date!(2026 - 11 - 18));
    let (status, body) = get(
        &sim,
        &token,
        &daily("22516914714270", "2026-11-17", "2026-11-20"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(days(&body), ["2026-11-17", "2026-11-18", "2026-11-19"]);
    // The same over HTTP.
    let admin = http()
        .post(format!("{}/__sim/withhold?day=2026-11-19", sim.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(admin.status(), 204);
    let (_, body) = get(
        &sim,
        &token,
        &daily("22516914714270", "2026-11-17", "2026-11-20"),
    )
    .await;
    assert_eq!(days(&body), ["2026-11-17", "2026-11-18"]);

    // Activated on 10 November: the contract starts then, and a range that starts before it is
    // refused with ADAM-ERR0123, one that starts on it answered.
    let (status, body) = get(&sim, &token, "/situation_contrat_auto/v1/24880057139941").await;
    assert_eq!(status, 200);
    assert_eq!(body[0]["contract_start"], "2026-11-10T00:00:00+01:00");
    let (status, body) = get(
        &sim,
        &token,
        &daily("24880057139941", "2026-11-09", "2026-11-12"),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("ADAM-ERR0123")),
        "{body}"
    );
    let (status, _) = get(
        &sim,
        &token,
        &daily("24880057139941", "2026-11-10", "2026-11-12"),
    )
    .await;
    assert_eq!(status, 200);
    let admin = http()
        .post(format!(
            "{}/__sim/activation?prm=24880057139941",
            sim.base_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(admin.status(), 204);
    let (status, _) = get(
        &sim,
        &token,
        &daily("24880057139941", "2026-11-09", "2026-11-12"),
    )
    .await;
    assert_eq!(status, 200, "activation cleared");

    // A meter that does not produce: production answers 404 `no_data_found`.
    let (status, body) = get(
        &sim,
        &token,
        "/mesure_synchrone_auto/v2/production_quotidienne?pointId=22516914714270&dateDebut=2026-11-10&dateFin=2026-11-12",
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (404, Some("no_data_found"))
    );

    // Counted per endpoint, refused calls included, and all together under `metering`.
    assert_eq!(sim.calls("metering/consommation_quotidienne"), 7);
    assert_eq!(sim.calls("metering/courbe_de_charge_consommation"), 1);
    assert_eq!(sim.calls("metering/production_quotidienne"), 1);
    assert_eq!(sim.calls("metering"), 9);
}

#[tokio::test]
async fn a_meter_whose_load_curve_collection_is_off_has_daily_data_and_no_curve() {
    let sim = EnedisSim::builder()
        .client("app", "secret", REDIRECT)
        .today(date!(2026 - 11 - 20))
        .quota(1_000, 100_000)
        .load_curve_off("22516914714270")
        .start()
        .await
        .unwrap();
    let token = app_token(&sim).await;
    consent(&sim, "22516914714270").await;
    consent(&sim, "24880057139941").await;
    let path = |measure: &str, prm: &str| {
        format!(
            "/mesure_synchrone_auto/v2/{measure}?pointId={prm}&dateDebut=2026-11-17&dateFin=2026-11-19"
        )
    };
    let (status, body) = get(
        &sim,
        &token,
        &path("courbe_de_charge_consommation", "22516914714270"),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (404, Some("no_data_found")),
        "{body}"
    );
    let (status, body) = get(
        &sim,
        &token,
        &path("consommation_quotidienne", "22516914714270"),
    )
    .await;
    assert_eq!(status, 200, "daily data is still collected: {body}");
    let (status, body) = get(
        &sim,
        &token,
        &path("courbe_de_charge_consommation", "24880057139941"),
    )
    .await;
    assert_eq!(status, 200, "another meter's curve is served: {body}");

    // Switched on: the curve comes.
    sim.set_load_curve_off("22516914714270", false);
    let (status, body) = get(
        &sim,
        &token,
        &path("courbe_de_charge_consommation", "22516914714270"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["grandeur"][0]["points"].as_array().unwrap().len(), 96);
}
