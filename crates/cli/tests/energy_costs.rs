//! `hearth-cli energy offer|cost|compare` as a user and a script use them: the real binary with
//! its own configuration and data folders.
//!
//! The committed fixture month (`crates/tariff/tests/fixtures/cost-month`: its points, Tempo
//! colours and off-peak windows, with every figure worked out by hand in its README.md and
//! written in `expected.json`) is loaded into a history as a sync stores it, and `energy cost
//! --json` must print every figure of `expected.json`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics the test with its reason.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::run_energy as run;
use hearth_energy::{DayRange, History, Measure};
use hearth_metering::{Contract, IntervalReading, MeterReading, ReadingType};
use hearth_tariff::{Color, Money};
use jiff::Timestamp;
use jiff::civil::{Date, date};
use serde_json::Value;

/// The fixture's meter (any PRM: the fixture names none).
const PRM: &str = "30002461357913";

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tariff/tests/fixtures/cost-month")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `;`-separated lines after a header, which must be `header`.
fn rows(text: &str, header: &str) -> Vec<Vec<String>> {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    assert_eq!(lines.next(), Some(header));
    lines
        .map(|l| l.split(';').map(|c| c.trim().to_owned()).collect())
        .collect()
}

async fn json(dir: &Path, args: &[&str]) -> Value {
    let run = run(dir, args).await;
    assert_eq!(run.code, 0, "{args:?}: {}\n{}", run.stdout, run.stderr);
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

fn history(dir: &Path) -> History {
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    History::open(&hearth_core::paths::energy_history_file(&data)).unwrap()
}

/// The fixture's off-peak windows: `(from, contract spelling)`, oldest first.
fn offpeak_versions() -> Vec<(Date, String)> {
    fixture("offpeak.txt")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let (from, windows) = line.split_once(' ').unwrap();
            (from.parse().unwrap(), windows.trim().to_owned())
        })
        .collect()
}

/// Loads the fixture month into the history in `dir` as a sync stores it: the contract (9 kVA,
/// the meter's first windows), the load curve as the proxy's v5 answer, the Tempo colours as
/// fetched. The later windows are the user's, set through the CLI (as `offer windows set`).
async fn load_fixture_month(dir: &Path) {
    let now: Timestamp = "2026-02-20T08:00:00Z".parse().unwrap();
    let history = history(dir);
    let versions = offpeak_versions();
    history
        .set_contract(
            PRM,
            &Contract {
                subscribed_power: Some("9 kVA".to_owned()),
                offpeak_hours: Some(versions[0].1.clone()),
                ..Contract::default()
            },
            now,
        )
        .unwrap();

    let points: Vec<IntervalReading> = rows(&fixture("points.csv"), "start;end;watts")
        .into_iter()
        .map(|cells| {
            let [_, end, watts] = <[String; 3]>::try_from(cells).unwrap();
            IntervalReading::load_curve(
                watts.parse().unwrap(),
                end.parse::<Timestamp>().unwrap(),
                "PT30M",
                "B",
            )
        })
        .collect();
    let range = DayRange {
        start: date(2026, 1, 15),
        end: date(2026, 2, 15),
    };
    let recorded = history
        .record_reading(
            PRM,
            Measure::ConsumptionLoadCurve,
            range,
            &MeterReading {
                usage_point_id: PRM.to_owned(),
                start: range.start.to_string(),
                end: range.end.to_string(),
                quality: "BRUT".to_owned(),
                reading_type: ReadingType::load_curve(),
                interval_reading: points,
            },
            now,
        )
        .unwrap();
    // 5 February lacks a half hour.
    assert_eq!((recorded.complete, recorded.missing), (30, 1));

    let colors: Vec<(Date, Color)> = rows(&fixture("tempo.csv"), "day;color")
        .into_iter()
        .map(|cells| {
            let [day, color] = <[String; 2]>::try_from(cells).unwrap();
            let color = match color.as_str() {
                "BLUE" => Color::Blue,
                "WHITE" => Color::White,
                "RED" => Color::Red,
                other => panic!("not a Tempo colour: {other}"),
            };
            (day.parse().unwrap(), color)
        })
        .collect();
    assert_eq!(history.store_tempo(&colors, now).unwrap(), colors.len());
    drop(history);

    for (from, windows) in &versions[1..] {
        let inner = windows
            .trim_start_matches("HC")
            .trim()
            .trim_start_matches('(')
            .trim_end_matches(')');
        let from = from.to_string();
        let mut args = vec!["--meter", PRM, "offer", "windows", "set", "--from", &from];
        args.extend(inner.split(';'));
        let set = run(dir, &args).await;
        assert_eq!(set.code, 0, "{}\n{}", set.stdout, set.stderr);
    }
}

/// `"1204.8"` or `"36.800"` kWh as Wh (the fixture's figures are whole Wh).
fn wh(text: &str) -> i64 {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    assert!(fraction.len() <= 3, "more than Wh in {text}");
    whole.parse::<i64>().unwrap() * 1_000 + format!("{fraction:0<3}").parse::<i64>().unwrap()
}

fn euros(value: &Value) -> Money {
    Money::parse_euros(
        value
            .as_str()
            .unwrap_or_else(|| panic!("not a string: {value}")),
    )
    .unwrap()
}

/// `{period: kWh}` as Wh, whichever way each side writes its decimals.
fn energies(map: &Value) -> BTreeMap<String, i64> {
    map.as_object()
        .unwrap()
        .iter()
        .map(|(p, v)| (p.clone(), wh(v.as_str().unwrap())))
        .collect()
}

fn exact(map: &Value) -> BTreeMap<String, Money> {
    map.as_object()
        .unwrap()
        .iter()
        .map(|(p, v)| (p.clone(), euros(v)))
        .collect()
}

/// The CLI's figures (a day's or the totals) against the hand-computed ones.
fn check_figures(what: &str, printed: &Value, expected: &Value, priced: bool) {
    assert_eq!(
        energies(&printed["energy_kwh"]),
        energies(&expected["energy_kwh"]),
        "{what}: kWh"
    );
    // Cents as a bill shows them: the same strings.
    assert_eq!(
        printed["energy_cost_eur"], expected["energy_cost_eur"],
        "{what}: energy cost by period"
    );
    assert_eq!(
        exact(&printed["energy_cost_exact_eur"]),
        exact(&expected["energy_cost_exact_eur"]),
        "{what}: exact energy cost by period"
    );
    assert_eq!(
        printed["subscription_eur"], expected["subscription_eur"],
        "{what}: subscription"
    );
    assert_eq!(
        euros(&printed["subscription_exact_eur"]),
        euros(&expected["subscription_exact_eur"]),
        "{what}: exact subscription"
    );
    if priced {
        assert_eq!(
            printed["energy_cost_total_eur"], expected["energy_cost_total_eur"],
            "{what}: energy cost"
        );
        assert_eq!(
            euros(&printed["energy_cost_total_exact_eur"]),
            euros(&expected["energy_cost_total_exact_eur"]),
            "{what}: exact energy cost"
        );
    } else {
        // The fixture writes an unpriced day's energy cost as zero; the CLI says it is unknown.
        assert_eq!(expected["energy_cost_total_eur"], "0.00", "{what}");
        assert_eq!(printed["energy_cost_total_eur"], Value::Null, "{what}");
        assert_eq!(printed["total_eur"], Value::Null, "{what}");
    }
}

#[tokio::test]
async fn the_fixture_month_costs_what_was_computed_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    load_fixture_month(dir).await;
    let expected: Value = serde_json::from_str(&fixture("expected.json")).unwrap();
    assert_eq!(expected["kva"], 9);
    assert_eq!(expected["taxes"], "ttc");
    let first = expected["first_day"].as_str().unwrap();
    let last = expected["last_day"].as_str().unwrap();

    let options = expected["options"].as_object().unwrap();
    assert_eq!(options.len(), 3, "base, hphc and tempo");
    for (option, expected) in options {
        let printed = json(
            dir,
            &[
                "--meter", PRM, "cost", "--offer", option, "--from", first, "--to", last, "--json",
            ],
        )
        .await;
        assert_eq!(printed["meter"], PRM);
        assert_eq!(printed["offer"]["kind"], "regulated", "{option}");
        assert_eq!(printed["offer"]["option"], option.as_str());
        assert_eq!(printed["offer"]["taxes"], "ttc");
        assert_eq!(printed["first_day"], first);
        assert_eq!(printed["last_day"], last);

        let total = &printed["total"];
        assert_eq!(total["priced_days"], expected["priced_days"], "{option}");
        assert_eq!(
            total["unpriced_days"], expected["unpriced_days"],
            "{option}"
        );
        assert_eq!(total["estimate"], false, "{option}");
        check_figures(&format!("{option} total"), total, expected, true);
        assert_eq!(total["total_eur"], expected["total_eur"], "{option}");
        assert_eq!(
            euros(&total["total_exact_eur"]),
            euros(&expected["total_exact_eur"]),
            "{option}"
        );

        let days = printed["days"].as_array().unwrap();
        assert_eq!(days.len(), 31, "{option}: every day of the range");
        assert_eq!(days[0]["day"], first);
        assert_eq!(days[30]["day"], last);
        for want in expected["days"].as_array().unwrap() {
            let day = want["day"].as_str().unwrap();
            let got = days
                .iter()
                .find(|d| d["day"] == day)
                .unwrap_or_else(|| panic!("{option}: no {day}"));
            assert_eq!(got["status"], want["status"], "{option} {day}");
            assert_eq!(
                got.get("missing_minutes"),
                want.get("missing_minutes"),
                "{option} {day}"
            );
            check_figures(
                &format!("{option} {day}"),
                got,
                want,
                want["status"] == "complete",
            );
        }

        // The table says the same totals.
        let text = run(
            dir,
            &[
                "--meter", PRM, "cost", "--offer", option, "--from", first, "--to", last,
            ],
        )
        .await;
        assert_eq!(text.code, 0, "{}", text.stderr);
        let total_line = text
            .stdout
            .lines()
            .find(|l| l.trim_start().starts_with("total "))
            .unwrap_or_else(|| panic!("{}", text.stdout));
        assert!(
            total_line.ends_with(&format!(" {}", expected["total_eur"].as_str().unwrap())),
            "{option}: {total_line}"
        );
        let incomplete = text
            .stdout
            .lines()
            .find(|l| l.starts_with("2026-02-05 "))
            .unwrap_or_else(|| panic!("{}", text.stdout));
        assert!(
            incomplete.ends_with("not priced: 30 min missing"),
            "{option}: {incomplete}"
        );
    }
}

/// The figures of `cost --json`'s totals that a hand computation gives.
fn assert_totals(
    printed: &Value,
    energy_kwh: &[(&str, &str)],
    energy: &str,
    subscription: &str,
    total: &str,
) {
    let total_json = &printed["total"];
    for (period, kwh) in energy_kwh {
        assert_eq!(
            total_json["energy_kwh"][period], *kwh,
            "{period}: {total_json}"
        );
    }
    assert_eq!(total_json["energy_cost_total_eur"], energy, "{total_json}");
    assert_eq!(total_json["subscription_eur"], subscription, "{total_json}");
    assert_eq!(total_json["total_eur"], total, "{total_json}");
}

#[tokio::test]
async fn an_offer_set_here_is_read_by_the_next_process_and_prices_the_month() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    load_fixture_month(dir).await;
    let month = ["--from", "2026-01-15", "--to", "2026-02-14"];

    // Until chosen, a meter with off-peak windows is taken as HP/HC.
    let assumed = json(dir, &["--meter", PRM, "offer", "--json"]).await;
    assert_eq!(assumed["chosen"], false, "{assumed}");
    assert_eq!(assumed["choice"]["kind"], "regulated", "{assumed}");
    assert_eq!(assumed["subscribed_kva"], 9, "{assumed}");
    let versions = assumed["windows"].as_array().unwrap();
    assert_eq!(versions.len(), 2, "{assumed}");
    assert_eq!(versions[0]["from"], Value::Null);
    assert_eq!(versions[0]["origin"], "meter");
    assert_eq!(
        versions[0]["windows"],
        serde_json::json!([{"start": "23:00", "end": "07:00"}])
    );
    assert_eq!(versions[1]["from"], "2026-02-01");
    assert_eq!(versions[1]["origin"], "user");
    assert_eq!(
        versions[1]["windows"],
        serde_json::json!([{"start": "01:00", "end": "07:00"}, {"start": "13:00", "end": "15:00"}])
    );

    let set = json(
        dir,
        &[
            "--meter",
            PRM,
            "offer",
            "set",
            "own",
            "--option",
            "hphc",
            "--price",
            "hp=0.2081",
            "--price",
            "hc=0,1635",
            "--subscription",
            "15.65",
            "--json",
        ],
    )
    .await;
    assert_eq!(set["chosen"], true, "{set}");
    assert_eq!(set["choice"]["kind"], "own", "{set}");
    assert_eq!(set["monthly_subscription"], "15.65", "{set}");
    // The file the app reads too.
    let settings: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("settings.json")).unwrap()).unwrap();
    assert_eq!(settings["offers"][PRM]["kind"], "own", "{settings}");
    // Another process reads it back.
    let read = json(dir, &["--meter", PRM, "offer", "--json"]).await;
    assert_eq!(read, set);
    let prices: BTreeMap<String, String> = read["prices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["period"].as_str().unwrap().to_owned(),
                p["euros_per_kwh"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        prices,
        BTreeMap::from([
            ("hc".to_owned(), "0.16350".to_owned()),
            ("hp".to_owned(), "0.20810".to_owned())
        ])
    );
    let text = run(dir, &["--meter", PRM, "offer"]).await;
    assert!(
        text.stdout
            .starts_with(&format!("Meter {PRM}: HP/HC (your own offer)\n")),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("\n  hp        0.20810\n"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout
            .contains("\n  from 2026-02-01  01:00-07:00 13:00-15:00  (yours)\n"),
        "{}",
        text.stdout
    );

    // `cost` prices with it by default. By hand (README.md's HP/HC kWh): HC 306.0 × 0.1635 =
    // 50.031, HP 898.8 × 0.2081 = 187.04028, energy 237.07128; the subscription a day is
    // 15.65 ÷ 31 = 0.50483871 in January (× 17 = 8.58225807) and 15.65 ÷ 28 = 0.55892857 in
    // February (× 14 = 7.82499998): 16.40725805; in all 253.47853805.
    let mut args = vec!["--meter", PRM, "cost", "--json"];
    args.extend(month);
    let mine = json(dir, &args).await;
    assert_eq!(
        mine["offer"],
        serde_json::json!({"kind": "own", "option": "hphc"})
    );
    assert_totals(
        &mine,
        &[("hc", "306.000"), ("hp", "898.800")],
        "237.07",
        "16.41",
        "253.48",
    );
    assert_eq!(mine["total"]["total_exact_eur"], "253.47853805");
    // 1 February: HC 13.2 × 0.1635 = 2.1582, HP 34.8 × 0.2081 = 7.24188.
    let first_feb = mine["days"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["day"] == "2026-02-01")
        .unwrap();
    assert_eq!(first_feb["energy_cost_exact_eur"]["hc"], "2.1582");
    assert_eq!(first_feb["energy_cost_exact_eur"]["hp"], "7.24188");
    assert_eq!(first_feb["energy_cost_total_eur"], "9.40");
    assert_eq!(first_feb["subscription_eur"], "0.56");

    // Refused input: exit 2, said, and nothing changed.
    let settings_before = std::fs::read_to_string(dir.join("settings.json")).unwrap();
    for (args, said) in [
        (
            &[
                "offer",
                "set",
                "own",
                "--option",
                "hphc",
                "--price",
                "hp=abc",
                "--price",
                "hc=0.1",
                "--subscription",
                "1",
            ][..],
            "not a price per kWh: \"abc\"",
        ),
        (
            &[
                "offer",
                "set",
                "own",
                "--option",
                "hphc",
                "--price",
                "hp=0.123456",
                "--price",
                "hc=0.1",
                "--subscription",
                "1",
            ][..],
            "not a price per kWh: \"0.123456\"",
        ),
        (
            &[
                "offer",
                "set",
                "own",
                "--option",
                "hphc",
                "--price",
                "hp=0.2",
                "--price",
                "blue_hp=0.1",
                "--subscription",
                "1",
            ][..],
            "hphc has no blue_hp period (its periods: hc, hp)",
        ),
        (
            &[
                "offer",
                "set",
                "own",
                "--option",
                "hphc",
                "--price",
                "hp=0.2",
                "--subscription",
                "1",
            ][..],
            "--price hc=EUROS is missing",
        ),
        (
            &[
                "offer",
                "set",
                "own",
                "--option",
                "base",
                "--price",
                "base=0.2",
                "--subscription",
                "lots",
            ][..],
            "not an amount in euros and cents: \"lots\"",
        ),
        (
            &[
                "offer",
                "set",
                "own",
                "--price",
                "base=0.2",
                "--subscription",
                "1",
            ][..],
            "needs --option",
        ),
        (
            &[
                "offer", "set", "own", "--option", "base", "--price", "base=0.2",
            ][..],
            "needs --subscription",
        ),
        (
            &[
                "offer",
                "set",
                "own",
                "--option",
                "base",
                "--price",
                "base=0.2",
                "--price",
                "base=0.3",
                "--subscription",
                "1",
            ][..],
            "--price base is given twice",
        ),
        (
            &["offer", "set", "tempo", "--price", "base=0.2"][..],
            "are for an own offer",
        ),
        (
            &[
                "offer",
                "set",
                "own",
                "--option",
                "base",
                "--price",
                "peak=0.2",
                "--subscription",
                "1",
            ][..],
            "\"peak\" is not a period",
        ),
        (
            &[
                "offer",
                "windows",
                "set",
                "--from",
                "2026-03-01",
                "23:15-07:00",
            ][..],
            "not a time of day",
        ),
        (
            &["offer", "windows", "set", "--from", "2026-03-01", "23:00"][..],
            "is not a window HH:MM-HH:MM",
        ),
        (
            &["offer", "windows", "remove", "--from", "2026-03-01"][..],
            "no version of the off-peak windows starts on 2026-03-01",
        ),
    ] {
        let mut full = vec!["--meter", PRM];
        full.extend(args);
        let refused = run(dir, &full).await;
        assert_eq!(
            refused.code, 2,
            "{args:?}: {}\n{}",
            refused.stdout, refused.stderr
        );
        assert!(
            refused.stderr.contains(said),
            "{args:?}: {}",
            refused.stderr
        );
        assert_eq!(refused.stdout, "", "{args:?}");
        assert_eq!(
            std::fs::read_to_string(dir.join("settings.json")).unwrap(),
            settings_before,
            "{args:?} changed the settings"
        );
        assert_eq!(
            json(dir, &["--meter", PRM, "offer", "--json"]).await,
            set,
            "{args:?} changed the offer"
        );
    }

    // Back to a regulated option: `cost` follows.
    let tempo = json(dir, &["--meter", PRM, "offer", "set", "tempo", "--json"]).await;
    assert_eq!(
        tempo["choice"],
        serde_json::json!({"kind": "regulated", "option": "tempo"})
    );
    let mine = json(dir, &args).await;
    assert_eq!(mine["offer"]["option"], "tempo");
    assert_eq!(
        mine["total"]["total_eur"], "281.64",
        "README.md's Tempo total"
    );

    // Without February's own windows, the January ones apply all month: a February weekday
    // has 14 night and 2 day half hours off-peak (8.8 kWh), a weekend day 10.8; HC is
    // 159.6 + 9 × 8.8 + 4 × 10.8 = 282.0 kWh.
    let removed = json(
        dir,
        &[
            "--meter",
            PRM,
            "offer",
            "windows",
            "remove",
            "--from",
            "2026-02-01",
            "--json",
        ],
    )
    .await;
    assert_eq!(removed["windows"].as_array().unwrap().len(), 1, "{removed}");
    let mut hphc = vec!["--meter", PRM, "cost", "--offer", "hphc", "--json"];
    hphc.extend(month);
    let one_version = json(dir, &hphc).await;
    assert_eq!(one_version["total"]["energy_kwh"]["hc"], "282.000");
    // And set again: the README's figures again.
    let again = json(
        dir,
        &[
            "--meter",
            PRM,
            "offer",
            "windows",
            "set",
            "--from",
            "2026-02-01",
            "01:00-07:00",
            "13:00-15:00",
            "--json",
        ],
    )
    .await;
    assert_eq!(again["windows"], assumed["windows"]);
    let two_versions = json(dir, &hphc).await;
    assert_eq!(two_versions["total"]["energy_kwh"]["hc"], "306.000");
    assert_eq!(two_versions["total"]["total_eur"], "255.85");
}

#[tokio::test]
async fn cost_without_a_subscribed_power_or_a_meter_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    // A meter whose contract is not known yet.
    history(dir).add_meter(PRM).unwrap();
    let args = [
        "--meter",
        PRM,
        "cost",
        "--offer",
        "base",
        "--from",
        "2026-01-15",
        "--to",
        "2026-01-16",
    ];
    let no_power = run(dir, &args).await;
    assert_eq!(
        no_power.code, 18,
        "{}\n{}",
        no_power.stdout, no_power.stderr
    );
    assert!(
        no_power.stderr.contains("subscribed power"),
        "{}",
        no_power.stderr
    );
    let no_power = run(dir, &["--meter", PRM, "compare"]).await;
    assert_eq!(no_power.code, 18, "{}", no_power.stderr);
    // Its contract comes, not its load curve.
    history(dir)
        .set_contract(
            PRM,
            &Contract {
                subscribed_power: Some("6 kVA".to_owned()),
                ..Contract::default()
            },
            Timestamp::now(),
        )
        .unwrap();
    let nothing = run(dir, &["--meter", PRM, "compare"]).await;
    assert_eq!(nothing.code, 19, "{}", nothing.stderr);
    assert!(
        nothing.stderr.contains("nothing to compare"),
        "{}",
        nothing.stderr
    );
    // With the power known, a day without data is listed, not priced, its subscription owed.
    let unpriced = json(
        dir,
        &[
            "--meter",
            PRM,
            "cost",
            "--offer",
            "base",
            "--from",
            "2026-01-15",
            "--to",
            "2026-01-15",
            "--json",
        ],
    )
    .await;
    assert_eq!(unpriced["days"][0]["status"], "incomplete", "{unpriced}");
    assert_eq!(unpriced["days"][0]["missing_minutes"], 1440, "{unpriced}");
    assert_eq!(unpriced["total"]["priced_days"], 0, "{unpriced}");
    assert_eq!(unpriced["total"]["total_eur"], Value::Null, "{unpriced}");
    // Base at 6 kVA from 1 August 2025: 185,94 € a year ÷ 365 = 0.50942466 € that day.
    assert_eq!(
        unpriced["total"]["subscription_exact_eur"], "0.50942466",
        "{unpriced}"
    );
    assert_eq!(unpriced["total"]["subscription_eur"], "0.51", "{unpriced}");
    let backwards = run(
        dir,
        &[
            "--meter",
            PRM,
            "cost",
            "--from",
            "2026-01-16",
            "--to",
            "2026-01-15",
        ],
    )
    .await;
    assert_eq!(backwards.code, 2, "{}", backwards.stderr);
    let unknown = run(
        dir,
        &[
            "--meter",
            "12345678901234",
            "cost",
            "--from",
            "2026-01-15",
            "--to",
            "2026-01-15",
        ],
    )
    .await;
    assert_eq!(unknown.code, 3, "{}", unknown.stderr);
}
