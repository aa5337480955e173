//! The cost screens' fixtures (`ui/tests/fixtures/energy-costs.json`, `energy-compare.json`,
//! `energy-offer.json`, and `error-offer.json` and `error-windows.json`, an own offer and off-peak
//! windows refused): what the energy model answers over a history holding the Enedis
//! simulator's household, with prices and Tempo colours fetched from the regulator and Tempo
//! simulators. The browser tests render them and compare the numbers they show with these.
//! (`UPDATE_EXPECT=1 cargo test -p hearth-core --test energy_cost_fixtures` writes them again.)
//!
//! The screen is looked at on Monday 26 October 2026 at 11:00 (as the other energy fixtures):
//! October 2026 is priced on Tempo beside October 2025, with a day whose load curve is missing
//! (priced from its daily energy: an estimate), a day with four half hours missing (incomplete:
//! not priced) and the days to come (nothing measured).
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics the test with its reason.

use std::sync::Arc;

use hearth_core::energy::{
    CostStatus, Energy, EnergyOptions, OfferChoice, OfferReason, PeriodPrice, TimeRange,
    WindowsOrigin,
};
use hearth_core::problem::Problem;
use hearth_energy::history::History;
use hearth_energy::{DayRange, Measure};
use hearth_metering::{Contract, IntervalReading, MeterReading, ReadingType, paris};
use hearth_secret::{MemoryStore, SecretStore};
use hearth_sim::enedis::data::{self as household, SandboxPrm};
use hearth_tariff::{Period, TariffOption};
use jiff::civil::{Date, date};
use jiff::{SignedDuration, Span, Timestamp};
use serde::Serialize;

/// Electric heating, 9 kVA, off-peak 22:30–06:30: the costs and the offer.
const HOUSE: &str = "22516914714270";
/// Gas heating, 12 kVA, no off-peak windows: the comparison, whose peaks fit a lower power.
const KILO: &str = "11453290002823";

fn today() -> Date {
    date(2026, 10, 26)
}

fn at(day: Date, hour: i8) -> Timestamp {
    paris::zone()
        .to_ambiguous_timestamp(day.at(hour, 0, 0, 0))
        .compatible()
        .unwrap()
}

fn meter(prm: &str) -> &'static SandboxPrm {
    household::sandbox(prm).unwrap()
}

fn sim_date(day: Date) -> time::Date {
    time::Date::from_calendar_date(
        i32::from(day.year()),
        time::Month::try_from(u8::try_from(day.month()).unwrap()).unwrap(),
        u8::try_from(day.day()).unwrap(),
    )
    .unwrap()
}

fn add(day: Date, days: i64) -> Date {
    day.checked_add(Span::new().days(days)).unwrap()
}

/// The house's load curve is missing on the 8th (its daily energy is there) and for four
/// half hours on the evening of the 22nd; last year, the 5th of October is missing entirely.
fn curve_kept(prm: &str, day: Date, index: usize) -> bool {
    prm != HOUSE
        || !(day == date(2026, 10, 8)
            || day == date(2025, 10, 5)
            || (day == date(2026, 10, 22) && (38..42).contains(&index)))
}

fn daily_kept(prm: &str, day: Date) -> bool {
    prm != HOUSE || day != date(2025, 10, 5)
}

/// The simulator's answer for `measure` over `range`, as the proxy passes it on, with the
/// points the history is to lack left out.
fn reading(prm: &str, measure: Measure, range: DayRange) -> MeterReading {
    let sandbox = meter(prm);
    let mut points = Vec::new();
    for day in range.iter() {
        let sim = sim_date(day);
        match measure {
            Measure::DailyConsumption if daily_kept(prm, day) => {
                let wh = household::daily_wh(sandbox, sim, false);
                points.push(IntervalReading::daily(i64::try_from(wh).unwrap(), day));
            }
            Measure::MaxPower => {
                let (va, peak) = household::max_power(sandbox, sim);
                let local = date(
                    i16::try_from(peak.year()).unwrap(),
                    i8::try_from(u8::from(peak.month())).unwrap(),
                    i8::try_from(peak.day()).unwrap(),
                )
                .at(
                    i8::try_from(peak.hour()).unwrap(),
                    i8::try_from(peak.minute()).unwrap(),
                    i8::try_from(peak.second()).unwrap(),
                    0,
                );
                points.push(IntervalReading::max_power(i64::from(va), local));
            }
            Measure::ConsumptionLoadCurve => {
                let starts = paris::half_hours(day).unwrap();
                let slots = household::paris::half_hours(sim);
                assert_eq!(starts.len(), slots.len(), "{day}");
                for (index, (start, slot)) in starts.into_iter().zip(slots).enumerate() {
                    if curve_kept(prm, day, index) {
                        let end = start.checked_add(SignedDuration::from_mins(30)).unwrap();
                        let w = household::load_w(sandbox, sim, slot.slot);
                        points.push(IntervalReading::load_curve(i64::from(w), end, "PT30M", "B"));
                    }
                }
            }
            _ => {}
        }
    }
    MeterReading {
        usage_point_id: prm.into(),
        start: paris::format_date(range.start),
        end: paris::format_date(range.end),
        quality: "BRUT".into(),
        reading_type: match measure {
            Measure::MaxPower => ReadingType::max_power(),
            Measure::ConsumptionLoadCurve => ReadingType::load_curve(),
            _ => ReadingType::daily_energy(),
        },
        interval_reading: points,
    }
}

/// The contract as the proxy gives it: the subscribed power and the off-peak windows.
fn contract(prm: &str) -> Contract {
    let sandbox = meter(prm);
    let windows: Vec<String> = sandbox
        .offpeak
        .iter()
        .map(|((h1, m1), (h2, m2))| format!("{h1}H{m1:02}-{h2}H{m2:02}"))
        .collect();
    Contract {
        subscribed_power: Some(format!("{} kVA", sandbox.subscribed_kva)),
        distribution_tariff: Some(sandbox.tariff.into()),
        last_activation_date: Some("2019-03-01+01:00".into()),
        offpeak_hours: (!windows.is_empty()).then(|| format!("HC ({})", windows.join(";"))),
        ..Contract::default()
    }
}

/// Stores `measure` over `[from, to)` a month at a time, as a sync would.
fn record(history: &History, prm: &str, measure: Measure, from: Date, to: Date) {
    let mut start = from;
    while start < to {
        let end = add(start, 31).min(to);
        let range = DayRange { start, end };
        history
            .record_reading(
                prm,
                measure,
                range,
                &reading(prm, measure, range),
                at(today(), 8),
            )
            .unwrap();
        start = end;
    }
}

fn pretty(value: &impl Serialize) -> String {
    serde_json::to_string_pretty(value).unwrap() + "\n"
}

#[tokio::test]
async fn the_cost_screens() {
    let (config, data) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let history = History::open(&hearth_core::paths::energy_history_file(data.path())).unwrap();
    for prm in [HOUSE, KILO] {
        history
            .set_contract(prm, &contract(prm), at(date(2025, 9, 1), 8))
            .unwrap();
    }
    // The house: October 2025 and October 2026 (through the 25th).
    for (from, to) in [
        (date(2025, 10, 1), date(2025, 11, 1)),
        (date(2026, 10, 1), today()),
    ] {
        record(&history, HOUSE, Measure::DailyConsumption, from, to);
        record(&history, HOUSE, Measure::ConsumptionLoadCurve, from, to);
    }
    // The other house: the twelve months the comparison looks at.
    let year_from = add(today(), -366);
    for measure in [
        Measure::DailyConsumption,
        Measure::ConsumptionLoadCurve,
        Measure::MaxPower,
    ] {
        record(&history, KILO, measure, year_from, today());
    }
    drop(history);

    let tempo = hearth_sim::tempo::TempoSim::builder()
        .now(at(today(), 11))
        .start()
        .await
        .unwrap();
    let regulator = hearth_sim::regulator::RegulatorSim::start().await.unwrap();
    let store: Arc<dyn SecretStore> = Arc::new(MemoryStore::default());
    let options = EnergyOptions {
        schedule: false,
        clock: Arc::new(|| at(today(), 11)),
        price_feeds: Some(hearth_energy::prices::PriceFeeds {
            regulator: regulator.base_url().parse().unwrap(),
            tempo: format!("{}/", tempo.base_url()).parse().unwrap(),
        }),
        ..EnergyOptions::default()
    };
    let energy = Energy::open(config.path(), data.path(), store, options).unwrap();
    assert!(energy.update_prices(at(today(), 11), true).await);

    // October on Tempo.
    let choice = OfferChoice::Regulated {
        option: TariffOption::Tempo,
    };
    energy.set_offer(HOUSE, &choice).await.unwrap();
    let costs = energy
        .costs(HOUSE, date(2026, 10, 1), date(2026, 11, 1))
        .unwrap();
    assert_eq!(costs.days.len(), 31);
    assert_eq!(costs.option, TariffOption::Tempo);
    let status = |day: u8| costs.days[usize::from(day) - 1].status;
    assert_eq!(status(8), CostStatus::Estimate, "no load curve that day");
    assert_eq!(
        status(22),
        CostStatus::Incomplete,
        "four half hours missing"
    );
    assert!(!costs.days[21].energy_wh.is_empty(), "measured, not priced");
    assert_eq!(costs.days[21].total_cents, None);
    assert_eq!(status(26), CostStatus::Incomplete, "not measured yet");
    assert_eq!(status(1), CostStatus::Complete);
    assert!(costs.days.iter().take(25).all(|d| d.color.is_some()));
    assert_eq!(costs.total.priced_days, 24);
    assert!(costs.total.estimate);
    assert_eq!(costs.previous.len(), 31);
    assert_eq!(costs.previous[4].status, CostStatus::Incomplete);
    // The totals stop at today (the 26th), last year's at the same days; the change counts the
    // days priced in both years: the 24 priced this year but the 5th, unpriced last year.
    assert_eq!(
        costs.total.priced_days + costs.total.unpriced_days,
        26,
        "no subscription owed for days to come"
    );
    assert_eq!(costs.previous_total.priced_days, 25);
    assert_eq!(costs.change.as_ref().unwrap().days, 23);
    assert!(costs.total.total_cents > 0 && costs.previous_total.total_cents > 0);
    expect_test::expect_file!["../../../ui/tests/fixtures/energy-costs.json"]
        .assert_eq(&pretty(&costs));

    // The comparison for the other house: a year of load curve at today's prices, Base current
    // (no off-peak windows: HP/HC priced at 22:00–06:00), and peaks that fit a lower power.
    let comparison = energy.compare(KILO).unwrap();
    assert_eq!(comparison.options.len(), 3);
    assert!(
        comparison
            .options
            .windows(2)
            .all(|w| w[0].per_year_cents <= w[1].per_year_cents)
    );
    assert_eq!(comparison.windows_origin, WindowsOrigin::Default);
    assert_eq!(comparison.days_compared, comparison.days_in_range);
    let hint = comparison
        .power_hint
        .clone()
        .expect("a lower power would do");
    assert!(hint.suggested_kva < hint.subscribed_kva);
    assert!(hint.saving_per_year_cents.is_some_and(|c| c > 0));
    expect_test::expect_file!["../../../ui/tests/fixtures/energy-compare.json"]
        .assert_eq(&pretty(&comparison));

    // An own offer with a price that is not one: refused, naming the period and what was typed.
    let mut prices: Vec<PeriodPrice> = energy
        .offer(HOUSE)
        .unwrap()
        .prices
        .into_iter()
        .map(|p| PeriodPrice {
            euros_per_kwh: p.euros_per_kwh.replace('.', ","),
            ..p
        })
        .collect();
    prices[5].euros_per_kwh = "0,7x".into();
    let refused = energy
        .set_offer(
            HOUSE,
            &OfferChoice::Own {
                option: TariffOption::Tempo,
                prices,
                monthly_subscription: "19,78".into(),
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&refused, Problem::EnergyOffer { reason: OfferReason::BadPrice, period: Some(Period::RedHp), value: Some(v), .. } if v == "0,7x"),
        "{refused:?}"
    );
    expect_test::expect_file!["../../../ui/tests/fixtures/error-offer.json"]
        .assert_eq(&pretty(&refused));

    // Windows that do not start on a half hour: refused, with what was typed.
    let refused = energy
        .set_windows(
            HOUSE,
            None,
            &[TimeRange {
                start: "23:15".into(),
                end: "07:30".into(),
            }],
        )
        .unwrap_err();
    assert!(
        matches!(&refused, Problem::EnergyOffer { reason: OfferReason::BadTime, value: Some(v), .. } if v == "23:15"),
        "{refused:?}"
    );
    expect_test::expect_file!["../../../ui/tests/fixtures/error-windows.json"]
        .assert_eq(&pretty(&refused));

    // The house's offer, with the meter's windows and a change of the user's from 1 November.
    let offer = energy
        .set_windows(
            HOUSE,
            Some(date(2026, 11, 1)),
            &[
                TimeRange {
                    start: "23:00".into(),
                    end: "07:00".into(),
                },
                TimeRange {
                    start: "12:30".into(),
                    end: "14:30".into(),
                },
            ],
        )
        .unwrap();
    assert_eq!(offer.windows.len(), 2);
    assert_eq!(offer.windows[0].origin, WindowsOrigin::Meter);
    assert_eq!(offer.windows[1].origin, WindowsOrigin::User);
    assert_eq!(offer.prices.len(), 6, "Tempo's six prices");
    assert!(offer.monthly_subscription.is_some());
    expect_test::expect_file!["../../../ui/tests/fixtures/energy-offer.json"]
        .assert_eq(&pretty(&offer));
}
