//! The committed fixture month (`tests/fixtures/cost-month`: 15 January to 14 February 2026, one
//! meter at 9 kVA) priced by the engine under Base, HP/HC and Tempo, and compared with
//! `expected.json`, whose every figure is worked out by hand in that directory's README.md. The
//! oracle is that hand computation, never the engine nor the script that wrote the points; the
//! CLI's `energy cost --json` is to be checked against the same files.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics with its reason.

use std::collections::BTreeMap;
use std::path::PathBuf;

use hearth_tariff::{
    Color, CostEngine, CostReport, DayCost, DayStatus, Energy, Money, Offer, OffpeakSchedule,
    Period, Point, RegulatedTariffs, TariffOption, TempoCalendar, Windows,
};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Deserialize;

fn read(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/cost-month")
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

fn points() -> Vec<Point> {
    rows(&read("points.csv"), "start;end;watts")
        .into_iter()
        .map(|cells| {
            let [start, end, watts] = <[String; 3]>::try_from(cells).unwrap();
            Point {
                start: start.parse::<Timestamp>().unwrap(),
                end: end.parse::<Timestamp>().unwrap(),
                watts: watts.parse().unwrap(),
            }
        })
        .collect()
}

fn tempo() -> TempoCalendar {
    let mut calendar = TempoCalendar::new();
    for cells in rows(&read("tempo.csv"), "day;color") {
        let [day, color] = <[String; 2]>::try_from(cells).unwrap();
        let color = match color.as_str() {
            "BLUE" => Color::Blue,
            "WHITE" => Color::White,
            "RED" => Color::Red,
            other => panic!("not a Tempo colour: {other}"),
        };
        calendar.set(day.parse().unwrap(), color);
    }
    calendar
}

/// One version a line, `FROM WINDOWS`: the first is the meter's windows (and stands for every
/// earlier day too), each later one applies from its date.
fn offpeak() -> OffpeakSchedule {
    let text = read("offpeak.txt");
    let mut versions = text.lines().filter(|l| !l.trim().is_empty()).map(|line| {
        let (from, windows) = line.split_once(' ').unwrap();
        (
            from.parse::<Date>().unwrap(),
            Windows::parse_contract(windows).unwrap(),
        )
    });
    let (_, first) = versions.next().unwrap();
    let mut schedule = OffpeakSchedule::from_meter(first);
    for (from, windows) in versions {
        schedule.add_version(from, windows);
    }
    schedule
}

#[derive(Deserialize)]
struct Expected {
    kva: u32,
    first_day: Date,
    last_day: Date,
    taxes: String,
    options: BTreeMap<String, Totals>,
}

#[derive(Deserialize)]
struct Totals {
    priced_days: u32,
    unpriced_days: u32,
    energy_kwh: BTreeMap<Period, String>,
    energy_cost_eur: BTreeMap<Period, String>,
    energy_cost_exact_eur: BTreeMap<Period, String>,
    energy_cost_total_eur: String,
    energy_cost_total_exact_eur: String,
    subscription_eur: String,
    subscription_exact_eur: String,
    total_eur: String,
    total_exact_eur: String,
    days: Vec<ExpectedDay>,
}

#[derive(Deserialize)]
struct ExpectedDay {
    day: Date,
    status: String,
    missing_minutes: Option<i64>,
    energy_kwh: BTreeMap<Period, String>,
    energy_cost_eur: BTreeMap<Period, String>,
    energy_cost_exact_eur: BTreeMap<Period, String>,
    energy_cost_total_eur: String,
    energy_cost_total_exact_eur: String,
    subscription_eur: String,
    subscription_exact_eur: String,
}

/// `"1204.8"` kWh, exactly (every figure here is a whole number of Wh).
fn kwh(text: &str) -> Energy {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    assert!(fraction.len() <= 3, "more than Wh in {text}");
    let wh =
        whole.parse::<i64>().unwrap() * 1_000 + format!("{fraction:0<3}").parse::<i64>().unwrap();
    Energy::from_wh(wh)
}

fn euros(text: &str) -> Money {
    Money::parse_euros(text).unwrap()
}

fn energies(map: &BTreeMap<Period, String>) -> BTreeMap<Period, Energy> {
    map.iter().map(|(p, t)| (*p, kwh(t))).collect()
}

fn exact(map: &BTreeMap<Period, String>) -> BTreeMap<Period, Money> {
    map.iter().map(|(p, t)| (*p, euros(t))).collect()
}

/// What a bill shows: euros with cents (`Money`'s Display).
fn shown<K: Ord + Copy>(map: &BTreeMap<K, Money>) -> BTreeMap<K, String> {
    map.iter().map(|(p, m)| (*p, m.to_string())).collect()
}

/// The hand computation writes each exact figure and its rounding to cents: they must agree
/// (half away from zero, as `Money` rounds), or the fixture is wrong, not the engine.
fn check_rounding(what: &str, exact_text: &str, cents_text: &str) {
    assert_eq!(
        euros(exact_text).to_string(),
        cents_text,
        "expected.json, {what}: {exact_text} does not round to {cents_text}"
    );
}

fn check_day(option: &str, got: &DayCost, want: &ExpectedDay) {
    let at = format!("{option}, {}", want.day);
    let status = match (want.status.as_str(), want.missing_minutes) {
        ("complete", None) => DayStatus::Complete,
        ("incomplete", Some(missing_minutes)) => DayStatus::Incomplete { missing_minutes },
        other => panic!("{at}: unknown status {other:?}"),
    };
    assert_eq!(got.day, want.day);
    assert_eq!(got.status, status, "{at}");
    assert_eq!(got.energy, energies(&want.energy_kwh), "{at}: energy");
    assert_eq!(got.cost, exact(&want.energy_cost_exact_eur), "{at}: cost");
    assert_eq!(
        shown(&got.cost),
        want.energy_cost_eur,
        "{at}: cost in cents"
    );
    assert_eq!(
        got.energy_cost(),
        euros(&want.energy_cost_total_exact_eur),
        "{at}: energy cost"
    );
    assert_eq!(got.energy_cost().to_string(), want.energy_cost_total_eur);
    assert_eq!(
        got.subscription,
        euros(&want.subscription_exact_eur),
        "{at}: subscription"
    );
    assert_eq!(got.subscription.to_string(), want.subscription_eur);
}

fn check_option(option: &str, report: &CostReport, want: &Totals) {
    assert_eq!(report.days.len(), 31, "{option}: 31 days");
    assert_eq!(
        report.priced_days, want.priced_days,
        "{option}: priced days"
    );
    assert_eq!(report.unpriced_days, want.unpriced_days, "{option}");
    assert!(!report.estimate);
    assert_eq!(
        report.energy,
        energies(&want.energy_kwh),
        "{option}: energy"
    );
    assert_eq!(
        report.cost,
        exact(&want.energy_cost_exact_eur),
        "{option}: cost"
    );
    assert_eq!(shown(&report.cost), want.energy_cost_eur, "{option}");
    assert_eq!(
        report.energy_cost(),
        euros(&want.energy_cost_total_exact_eur),
        "{option}: energy cost"
    );
    assert_eq!(report.energy_cost().to_string(), want.energy_cost_total_eur);
    assert_eq!(
        report.subscription,
        euros(&want.subscription_exact_eur),
        "{option}: subscription"
    );
    assert_eq!(report.subscription.to_string(), want.subscription_eur);
    assert_eq!(
        report.total(),
        euros(&want.total_exact_eur),
        "{option}: total"
    );
    assert_eq!(report.total().to_string(), want.total_eur);
    for day in &want.days {
        let got = report
            .days
            .iter()
            .find(|d| d.day == day.day)
            .unwrap_or_else(|| panic!("{option}: no {}", day.day));
        check_day(option, got, day);
    }
}

#[test]
fn the_hand_computation_agrees_with_its_own_rounding() {
    let expected: Expected = serde_json::from_str(&read("expected.json")).unwrap();
    for (option, totals) in &expected.options {
        for (period, exact_text) in &totals.energy_cost_exact_eur {
            check_rounding(
                &format!("{option} {period:?}"),
                exact_text,
                &totals.energy_cost_eur[period],
            );
        }
        assert_eq!(
            totals.energy_cost_eur.keys().collect::<Vec<_>>(),
            totals.energy_cost_exact_eur.keys().collect::<Vec<_>>()
        );
        check_rounding(
            option,
            &totals.energy_cost_total_exact_eur,
            &totals.energy_cost_total_eur,
        );
        check_rounding(
            option,
            &totals.subscription_exact_eur,
            &totals.subscription_eur,
        );
        check_rounding(option, &totals.total_exact_eur, &totals.total_eur);
        // The total is the exact energy cost plus the exact subscription, rounded once.
        assert_eq!(
            euros(&totals.total_exact_eur),
            euros(&totals.energy_cost_total_exact_eur) + euros(&totals.subscription_exact_eur)
        );
        let periods: Money = totals
            .energy_cost_exact_eur
            .values()
            .map(|t| euros(t))
            .sum();
        assert_eq!(periods, euros(&totals.energy_cost_total_exact_eur));
        for day in &totals.days {
            for (period, exact_text) in &day.energy_cost_exact_eur {
                check_rounding(
                    &format!("{option} {} {period:?}", day.day),
                    exact_text,
                    &day.energy_cost_eur[period],
                );
            }
            check_rounding(
                option,
                &day.energy_cost_total_exact_eur,
                &day.energy_cost_total_eur,
            );
            check_rounding(option, &day.subscription_exact_eur, &day.subscription_eur);
        }
    }
}

#[test]
fn the_fixture_month_costs_what_was_computed_by_hand() {
    let expected: Expected = serde_json::from_str(&read("expected.json")).unwrap();
    assert_eq!(expected.taxes, "ttc");
    let points = points();
    // 31 days of 48 half hours (no clock change), less the one missing on 5 February.
    assert_eq!(points.len(), 31 * 48 - 1);
    let tariffs = RegulatedTariffs::snapshot().unwrap();
    let offpeak = offpeak();
    let tempo = tempo();
    let engine = CostEngine::new(&tariffs, &offpeak, &tempo, expected.kva);
    let to = expected.last_day.tomorrow().unwrap();
    let options: Vec<&str> = expected.options.keys().map(String::as_str).collect();
    assert_eq!(options, ["base", "hphc", "tempo"]);
    for (name, want) in &expected.options {
        let option = match name.as_str() {
            "base" => TariffOption::Base,
            "hphc" => TariffOption::HpHc,
            "tempo" => TariffOption::Tempo,
            other => panic!("unknown option {other}"),
        };
        let report = engine
            .from_curve(&Offer::regulated(option), &points, expected.first_day, to)
            .unwrap();
        check_option(name, &report, want);
    }
}
