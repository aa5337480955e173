//! `hearth-cli energy` as a user and a script use it: the real binary, its own configuration
//! and data folders and a file secret store, against a real hearth-proxy in front of hearth-sim's
//! Enedis (both in this process, on 127.0.0.1). The browser the CLI would open is played by an
//! HTTP client that confirms the code and answers Enedis's consent page. The numbers printed are
//! compared with the simulator's own data functions, and the upstream calls with its counters.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics the test with its reason.

mod common;
mod energy_sim;

use std::path::Path;
use std::process::Stdio;

use common::{PATIENCE, Run, energy, run_energy as run};
use energy_sim::{Browser, CLIENT_ID, Decision, HOUSE, Setup, add, sim_day, today};
use hearth_sim::enedis::data;
use serde_json::Value;
use tokio::io::{AsyncBufReadExt as _, BufReader};

/// Runs `energy link` (with the proxy given), answers the page it prints as `decision` says,
/// and returns how the CLI ended.
async fn link(dir: &Path, setup: &Setup, decision: Decision<'_>) -> Run {
    setup.use_price_feeds(dir);
    let mut child = energy(dir)
        .args([
            "link",
            "--proxy",
            &setup.proxy_url,
            "--client-id",
            CLIENT_ID,
            "--no-browser",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = Vec::new();
    let page = tokio::time::timeout(PATIENCE, async {
        loop {
            let line = stdout
                .next_line()
                .await
                .unwrap()
                .expect("the CLI ended before printing the page");
            printed.push(line.clone());
            if let Some(page) = line.strip_prefix("Link page: ") {
                return page.to_owned();
            }
        }
    })
    .await
    .unwrap();
    let code_line = stdout.next_line().await.unwrap().unwrap();
    assert!(code_line.starts_with("Code:      "), "{code_line}");
    printed.push(code_line);
    Browser::default().consent(setup, &page, decision).await;
    while let Some(line) = stdout.next_line().await.unwrap() {
        printed.push(line);
    }
    let output = tokio::time::timeout(PATIENCE, child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    Run {
        code: output.status.code().unwrap(),
        stdout: printed.join("\n"),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[tokio::test]
async fn links_syncs_prints_the_simulators_numbers_and_unlinks() {
    let setup = Setup::start(6).await;
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();

    let no_proxy = run(dir, &["link", "--no-browser"]).await;
    assert_eq!(no_proxy.code, 11, "{}", no_proxy.stderr);
    let no_meter = run(dir, &["daily", "--from", "yesterday", "--to", "yesterday"]).await;
    assert_eq!(no_meter.code, 12, "{}", no_meter.stderr);

    let linked = link(dir, &setup, Decision::Accept(HOUSE)).await;
    assert_eq!(linked.code, 0, "{}\n{}", linked.stdout, linked.stderr);
    assert!(
        linked.stdout.contains(&format!("Linked meter {HOUSE}.")),
        "{}",
        linked.stdout
    );
    let settings: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("settings.json")).unwrap()).unwrap();
    assert_eq!(settings["energy_proxy"]["client_id"], CLIENT_ID);

    let meters = run(dir, &["meters", "--json"]).await;
    assert_eq!(meters.code, 0, "{}", meters.stderr);
    let meters: Value = serde_json::from_str(&meters.stdout).unwrap();
    assert_eq!(meters[0]["prm"], HOUSE, "{meters}");

    let synced = run(dir, &["sync"]).await;
    assert_eq!(synced.code, 0, "{}\n{}", synced.stdout, synced.stderr);
    assert!(
        synced.stderr.contains(&format!("{HOUSE}: 1/")),
        "progress on standard error: {}",
        synced.stderr
    );
    assert!(
        synced.stdout.starts_with(&format!("{HOUSE}: up to date")),
        "{}",
        synced.stdout
    );

    // A day the sync fetched: the CLI prints the simulator's own number.
    let day = add(today(), -2);
    let day_text = day.to_string();
    let expected = data::daily_wh(data::sandbox(HOUSE).unwrap(), sim_day(day), false);
    let daily = run(
        dir,
        &["daily", "--from", &day_text, "--to", &day_text, "--json"],
    )
    .await;
    assert_eq!(daily.code, 0, "{}", daily.stderr);
    let daily: Value = serde_json::from_str(&daily.stdout).unwrap();
    assert_eq!(daily["days"].as_array().unwrap().len(), 1, "{daily}");
    assert_eq!(daily["days"][0]["date"], day_text.as_str());
    assert_eq!(daily["days"][0]["wh"].as_u64(), Some(expected), "{daily}");
    // Before the meter's activation there is nothing: a gap (null), not 0.
    assert_eq!(daily["days"][0]["previous_wh"], Value::Null, "{daily}");

    let (peak_va, _) = data::max_power(data::sandbox(HOUSE).unwrap(), sim_day(day));
    let power = run(
        dir,
        &[
            "max-power",
            "--from",
            &day_text,
            "--to",
            &day_text,
            "--json",
        ],
    )
    .await;
    assert_eq!(power.code, 0, "{}", power.stderr);
    let power: Value = serde_json::from_str(&power.stdout).unwrap();
    assert_eq!(
        power["days"][0]["va"].as_u64(),
        Some(u64::from(peak_va)),
        "{power}"
    );

    // The load curve at 10:00 French time that day, as the simulator's household draws it.
    let curve = run(
        dir,
        &["curve", "--from", &day_text, "--to", &day_text, "--json"],
    )
    .await;
    assert_eq!(curve.code, 0, "{}", curve.stderr);
    let curve: Value = serde_json::from_str(&curve.stdout).unwrap();
    let ten = data::paris::half_hours(sim_day(day))
        .into_iter()
        .find(|h| h.local_start.hour() == 10 && h.local_start.minute() == 0)
        .unwrap();
    let point = curve["points"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| {
            p["start"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{day_text}T10:00:00"))
        })
        .unwrap();
    let expected_w = data::load_w(data::sandbox(HOUSE).unwrap(), sim_day(day), ten.slot);
    assert_eq!(point["w"].as_u64(), Some(u64::from(expected_w)), "{point}");
    let text = run(dir, &["curve", "--from", &day_text, "--to", &day_text]).await;
    assert!(
        text.stdout.contains(&format!(
            "  10:00 {}  {expected_w:>6} W\n",
            &point["start"].as_str().unwrap()[19..]
        )),
        "{}",
        text.stdout
    );

    let csv = run(
        dir,
        &[
            "export", "--csv", "daily", "--from", &day_text, "--to", &day_text,
        ],
    )
    .await;
    assert_eq!(csv.code, 0, "{}", csv.stderr);
    let kwh = format!("{}.{:03}", expected / 1000, expected % 1000);
    assert_eq!(
        csv.stdout,
        format!(
            "date,kwh,previous_date,previous_kwh\n{day_text},{kwh},{},\n",
            add(day, -365)
        )
    );

    // Everything due is in the history: a second sync asks Enedis nothing.
    let before = setup.calls();
    let again = run(dir, &["sync"]).await;
    assert_eq!(again.code, 0, "{}\n{}", again.stdout, again.stderr);
    assert_eq!(setup.calls(), before, "a second sync cost upstream calls");
    assert!(again.stdout.contains(": 0 calls"), "{}", again.stdout);

    // Unlinking never guesses what to do with the history.
    let unguessed = run(dir, &["unlink"]).await;
    assert_eq!(unguessed.code, 2, "{}", unguessed.stderr);
    assert!(
        unguessed.stderr.contains("--keep-history"),
        "{}",
        unguessed.stderr
    );
    let still = run(dir, &["meters"]).await;
    assert!(still.stdout.starts_with(HOUSE), "{}", still.stdout);
    // The last complete day (yesterday from 08:00 French time, the day before until then).
    let listed = run(dir, &["meters", "--json"]).await;
    let listed: Value = serde_json::from_str(&listed.stdout).unwrap();
    let until: jiff::civil::Date = listed[0]["data_until"].as_str().unwrap().parse().unwrap();
    assert!(until >= day, "{listed}");
    let until_wh = data::daily_wh(data::sandbox(HOUSE).unwrap(), sim_day(until), false);
    assert!(
        still.stdout.contains(&format!(
            "data up to:   {until} ({}.{:03} kWh that day)",
            until_wh / 1000,
            until_wh % 1000
        )),
        "{}",
        still.stdout
    );
    assert_eq!(
        listed[0]["last_day_wh"].as_u64(),
        Some(until_wh),
        "{listed}"
    );

    let unlinked = run(dir, &["unlink", "--keep-history"]).await;
    assert_eq!(unlinked.code, 0, "{}", unlinked.stderr);
    assert!(
        unlinked.stdout.contains("history is kept"),
        "{}",
        unlinked.stdout
    );
    let none = run(dir, &["meters"]).await;
    assert_eq!(none.stdout, "No meter linked: hearth-cli energy link\n");
    let nothing_to_sync = run(dir, &["sync"]).await;
    assert_eq!(nothing_to_sync.code, 12, "{}", nothing_to_sync.stderr);
    // The kept history still answers, by its meter.
    let kept = run(
        dir,
        &[
            "daily", "--meter", HOUSE, "--from", &day_text, "--to", &day_text, "--json",
        ],
    )
    .await;
    assert_eq!(kept.code, 0, "{}", kept.stderr);
    let kept: Value = serde_json::from_str(&kept.stdout).unwrap();
    assert_eq!(kept["days"][0]["wh"].as_u64(), Some(expected), "{kept}");
    let unknown = run(
        dir,
        &[
            "daily",
            "--meter",
            "12345678901234",
            "--from",
            &day_text,
            "--to",
            &day_text,
        ],
    )
    .await;
    assert_eq!(unknown.code, 3, "{}", unknown.stderr);
}

#[tokio::test]
async fn a_refused_link_says_so_and_exits_13() {
    let setup = Setup::start(6).await;
    let dir = tempfile::tempdir().unwrap();
    let refused = link(dir.path(), &setup, Decision::Refuse).await;
    assert_eq!(refused.code, 13, "{}\n{}", refused.stdout, refused.stderr);
    assert!(
        refused.stderr.contains("the link was refused"),
        "{}",
        refused.stderr
    );
    let meters = run(dir.path(), &["meters"]).await;
    assert_eq!(meters.stdout, "No meter linked: hearth-cli energy link\n");
}

#[tokio::test]
async fn an_expired_code_says_so_and_exits_14() {
    let setup = Setup::start_with(6, &["--code-lifetime-secs", "2"]).await;
    let dir = tempfile::tempdir().unwrap();
    let expired = run(
        dir.path(),
        &[
            "link",
            "--proxy",
            &setup.proxy_url,
            "--client-id",
            CLIENT_ID,
            "--no-browser",
        ],
    )
    .await;
    assert_eq!(expired.code, 14, "{}\n{}", expired.stdout, expired.stderr);
    assert!(
        expired.stdout.starts_with("Link page: "),
        "{}",
        expired.stdout
    );
    assert!(
        expired.stderr.contains("the code expired"),
        "{}",
        expired.stderr
    );
}

#[tokio::test]
async fn a_sync_stopped_by_an_outage_exits_16_with_the_time_to_retry() {
    let setup = Setup::start(6).await;
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let linked = link(dir, &setup, Decision::Accept(HOUSE)).await;
    assert_eq!(linked.code, 0, "{}", linked.stderr);
    setup.sim.fail_next(1000, 503);
    let paused = run(dir, &["sync"]).await;
    assert_eq!(paused.code, 16, "{}\n{}", paused.stdout, paused.stderr);
    let said: Vec<&str> = paused
        .stderr
        .lines()
        .filter(|line| line.starts_with("hearth-cli: "))
        .collect();
    assert_eq!(said.len(), 1, "said once: {}", paused.stderr);
    assert!(
        said[0].contains("Enedis is unavailable")
            && said[0].contains("run `hearth-cli energy sync` again after 20"),
        "{}",
        paused.stderr
    );
}

#[tokio::test]
async fn unlinking_with_delete_history_forgets_the_meter_s_data() {
    let setup = Setup::start(6).await;
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let linked = link(dir, &setup, Decision::Accept(HOUSE)).await;
    assert_eq!(linked.code, 0, "{}", linked.stderr);
    let synced = run(dir, &["sync"]).await;
    assert_eq!(synced.code, 0, "{}", synced.stderr);
    let day = add(today(), -2).to_string();
    let before = run(dir, &["daily", "--from", &day, "--to", &day, "--json"]).await;
    let before: Value = serde_json::from_str(&before.stdout).unwrap();
    assert!(before["days"][0]["wh"].as_u64().is_some(), "{before}");

    let unlinked = run(dir, &["unlink", "--delete-history"]).await;
    assert_eq!(unlinked.code, 0, "{}", unlinked.stderr);
    let deleted: u64 = unlinked
        .stdout
        .split("history was deleted (")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .unwrap()
        .parse()
        .unwrap();
    assert!(deleted > 0, "{}", unlinked.stdout);
    let gone = run(
        dir,
        &["daily", "--meter", HOUSE, "--from", &day, "--to", &day],
    )
    .await;
    assert_eq!(gone.code, 3, "{}\n{}", gone.stdout, gone.stderr);
}

/// `energy compare` on the simulated household after a sync: the year priced on Base, HP/HC and
/// Tempo at today's regulated prices, on the load curve the simulator drew and with the Tempo
/// colours its feed published (the sync fetched them from the simulators). The expected figures
/// are the cost engine's own comparison of the simulator's numbers: what this checks is that the
/// CLI hands it the synced curve, the meter's windows, the colours and the subscribed power.
#[tokio::test]
async fn compare_prices_the_synced_curve_on_each_option() {
    let activated_days_ago = 12;
    let setup = Setup::start(activated_days_ago).await;
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let linked = link(dir, &setup, Decision::Accept(HOUSE)).await;
    assert_eq!(linked.code, 0, "{}", linked.stderr);
    // Regulated prices depend on the subscribed power, which only the contract tells.
    let early = run(dir, &["compare"]).await;
    assert_eq!(early.code, 18, "{}\n{}", early.stdout, early.stderr);
    assert!(
        early.stderr.contains("subscribed power"),
        "{}",
        early.stderr
    );

    let synced = run(dir, &["sync"]).await;
    assert_eq!(synced.code, 0, "{}\n{}", synced.stdout, synced.stderr);
    assert!(
        synced
            .stdout
            .contains("Regulated prices and Tempo colours updated."),
        "{}",
        synced.stdout
    );
    assert!(setup.regulator.calls() >= 3, "the three tariff files");
    assert!(setup.tempo.calls() >= 1, "the Tempo calendar");

    let view = run(dir, &["compare", "--json"]).await;
    assert_eq!(view.code, 0, "{}\n{}", view.stdout, view.stderr);
    let view: Value = serde_json::from_str(&view.stdout).unwrap();

    // The days the sync stored whole, from the CLI's own curve.
    let today = hearth_energy::paris_today();
    let first = add(today, -activated_days_ago).to_string();
    let last = add(today, -1).to_string();
    let curve = run(dir, &["curve", "--from", &first, "--to", &last, "--json"]).await;
    assert_eq!(curve.code, 0, "{}", curve.stderr);
    let curve: Value = serde_json::from_str(&curve.stdout).unwrap();
    let complete: Vec<jiff::civil::Date> = curve["days"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["missing"] == 0 && d["count"].as_u64() > Some(0))
        .map(|d| d["date"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(complete.len() >= 5, "{curve}");

    // The same comparison from the simulator's own figures.
    let house = data::sandbox(HOUSE).unwrap();
    let mut points = Vec::new();
    for day in &complete {
        let halves = data::paris::half_hours(sim_day(*day));
        let starts = hearth_metering::paris::half_hours(*day).unwrap();
        assert_eq!(halves.len(), starts.len(), "{day}");
        for (half, start) in halves.iter().zip(starts) {
            points.push(hearth_tariff::Point {
                start,
                end: start
                    .checked_add(jiff::SignedDuration::from_mins(30))
                    .unwrap(),
                watts: i64::from(data::load_w(house, sim_day(*day), half.slot)),
            });
        }
    }
    let time = |(h, m): (u8, u8)| {
        jiff::civil::Time::new(i8::try_from(h).unwrap(), i8::try_from(m).unwrap(), 0, 0).unwrap()
    };
    let windows = hearth_tariff::Windows(
        house
            .offpeak
            .iter()
            .map(|(start, end)| (time(*start), time(*end)))
            .collect(),
    );
    let mut calendar = hearth_tariff::TempoCalendar::new();
    let seasons =
        hearth_sim::tempo::season_of(add(today, -400))..=hearth_sim::tempo::season_of(today);
    for season in seasons {
        for (day, color) in hearth_sim::tempo::season(season) {
            calendar.set(day, hearth_tariff::Color::from_rte(color.rte()).unwrap());
        }
    }
    let expected = hearth_tariff::compare(
        &hearth_tariff::RegulatedTariffs::snapshot().unwrap(),
        &hearth_tariff::OffpeakSchedule::from_meter(windows),
        &calendar,
        house.subscribed_kva,
        &points,
        today,
    )
    .unwrap();

    assert_eq!(view["prm"], HOUSE);
    assert_eq!(view["subscribed_kva"], house.subscribed_kva, "{view}");
    assert_eq!(view["windows_origin"], "meter", "{view}");
    assert_eq!(view["days_compared"], complete.len(), "{view}");
    assert_eq!(view["days_compared"], expected.days_compared, "{view}");
    assert_eq!(view["days_in_range"], expected.days_in_range, "{view}");
    assert_eq!(view["unavailable"], serde_json::json!([]), "{view}");
    // Too few days of maximum power to say anything about the subscribed power.
    assert_eq!(view["power_hint"], Value::Null, "{view}");
    let options = view["options"].as_array().unwrap();
    assert_eq!(options.len(), 3, "{view}");
    for (got, want) in options.iter().zip(&expected.options) {
        assert_eq!(
            got["option"],
            serde_json::to_value(want.option).unwrap(),
            "{view}"
        );
        assert_eq!(got["per_year_cents"], want.per_year.cents(), "{view}");
        assert_eq!(
            got["more_than_cheapest_cents"],
            want.more_than_cheapest.cents(),
            "{view}"
        );
        // The meter has off-peak windows: until the user chooses, its offer is taken as HP/HC.
        assert_eq!(
            got["current"],
            want.option == hearth_tariff::TariffOption::HpHc,
            "{view}"
        );
    }
    assert_eq!(options[0]["more_than_cheapest_cents"], 0, "{view}");
    assert!(
        options
            .windows(2)
            .all(|w| w[0]["per_year_cents"].as_i64() <= w[1]["per_year_cents"].as_i64()),
        "cheapest first: {view}"
    );

    // The table says the same, cheapest first.
    let text = run(dir, &["compare"]).await;
    assert_eq!(text.code, 0, "{}", text.stderr);
    let rows: Vec<&str> = text
        .stdout
        .lines()
        .filter(|l| l.contains(" euros a year"))
        .collect();
    assert_eq!(rows.len(), 3, "{}", text.stdout);
    let cheapest = expected.options[0].per_year;
    assert!(
        rows[0].ends_with("cheapest") || rows[0].ends_with("cheapest  (yours)"),
        "{}",
        text.stdout
    );
    assert!(
        rows[0].contains(&format!(" {cheapest} euros a year")),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout
            .contains("HP/HC priced with the off-peak windows: the meter's contract"),
        "{}",
        text.stdout
    );
}
