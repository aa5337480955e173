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
use std::process::Stdio;

use common::{PATIENCE, Run};
use hearth_energy::{DayRange, History, Measure};
use hearth_metering::{Contract, IntervalReading, MeterReading, ReadingType};
use hearth_tariff::{Color, Money};
use jiff::Timestamp;
use jiff::civil::{Date, date};
use serde_json::Value;
use tokio::process::Command;

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

/// The CLI with `dir` as its configuration folder and `dir/data` as its data folder.
fn energy(dir: &Path) -> Command {
    let mut command = common::cli(dir);
    command
        .env("HEARTH_DATA_DIR", dir.join("data"))
        .arg("energy");
    command
}

async fn run(dir: &Path, args: &[&str]) -> Run {
    let output = tokio::time::timeout(
        PATIENCE,
        energy(dir).args(args).stdin(Stdio::null()).output(),
    )
    .await
    .unwrap()
    .unwrap();
    Run {
        code: output.status.code().unwrap(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
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
