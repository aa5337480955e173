//! The sync against the real path: a meter linked through hearth-proxy in front of hearth-sim's
//! Enedis, synced with the real `ProxySource` into a `History` in a temporary folder. The
//! simulator counts the upstream calls per endpoint; the numbers stored are compared with the
//! simulator's own data functions.
//!
//! The simulator's "today" is pinned to the day the proxy counts as today, and the sync's clock
//! to 09:00 French time that day (yesterday is expected), so that a run across midnight cannot
//! move the days under the test. The hourly quota of both is raised (5 calls a second kept), so
//! a 36-month backfill is not held back by the 1,000 calls an hour. Only the first case backfills
//! in full; the others use a meter activated recently, which keeps them to a few calls.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics the test with its reason.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::{App, FLAT, HOUSE, Setup, setup, sim_day};
use hearth_energy::plan::{Call, DayStatus, MeterFacts, Statuses, plan};
use hearth_energy::sync::{Pause, Progress, SyncEnd, SyncOptions};
use hearth_energy::{DayRange, History, Measure, SyncReport, schedule, sync};
use hearth_metering::paris;
use hearth_sim::enedis::data;
use jiff::civil::Date;
use jiff::{Span, Timestamp};

/// Every metering endpoint the simulator counts, by measure.
const ENDPOINTS: [(Measure, &str); 5] = [
    (
        Measure::DailyConsumption,
        "metering/consommation_quotidienne",
    ),
    (
        Measure::ConsumptionLoadCurve,
        "metering/courbe_de_charge_consommation",
    ),
    (
        Measure::MaxPower,
        "metering/puissance_conso_max_quotidienne",
    ),
    (Measure::DailyProduction, "metering/production_quotidienne"),
    (
        Measure::ProductionLoadCurve,
        "metering/courbe_de_charge_production",
    ),
];

/// The day the proxy counts as today (UTC + 1 h: it refuses ranges against that), which the
/// simulator is pinned to.
fn today() -> Date {
    Timestamp::now()
        .checked_add(Span::new().hours(1))
        .unwrap()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

fn add(day: Date, n: i64) -> Date {
    day.checked_add(Span::new().days(n)).unwrap()
}

/// `day` at `hh:mm` French time.
fn at(day: Date, hh: i8, mm: i8) -> Timestamp {
    paris::zone()
        .to_ambiguous_timestamp(day.at(hh, mm, 0, 0))
        .compatible()
        .unwrap()
}

fn one_day(day: Date) -> DayRange {
    DayRange {
        start: day,
        end: add(day, 1),
    }
}

/// The simulator and the proxy, both with a raised hourly quota, the simulator's today pinned
/// and `activations` set.
async fn start(today: Date, activations: &[(&str, Date)]) -> Setup {
    let activations: Vec<(String, time::Date)> = activations
        .iter()
        .map(|(prm, day)| ((*prm).to_owned(), sim_day(*day)))
        .collect();
    setup(
        move |mut sim| {
            sim = sim.quota(5, 100_000).today(sim_day(today));
            for (prm, day) in &activations {
                sim = sim.activated_on(prm, *day);
            }
            sim
        },
        &["--quota-per-hour", "100000"],
    )
    .await
}

/// The simulator's count for each metering endpoint, and the contract's and 429s.
fn counts(setup: &Setup) -> BTreeMap<&'static str, u64> {
    let mut out: BTreeMap<&'static str, u64> = ENDPOINTS
        .iter()
        .map(|(_, endpoint)| (*endpoint, setup.sim.calls(endpoint)))
        .collect();
    out.insert("contracts", setup.sim.calls("contracts"));
    out.insert("throttled", setup.sim.throttled());
    out
}

/// What changed between two [`counts`], zeros left out.
fn spent(
    before: &BTreeMap<&'static str, u64>,
    after: &BTreeMap<&'static str, u64>,
) -> BTreeMap<&'static str, u64> {
    after
        .iter()
        .map(|(k, v)| (*k, v - before[k]))
        .filter(|(_, v)| *v > 0)
        .collect()
}

/// The upstream calls a list of planned calls costs: one per reading, two per contract (the
/// proxy asks Enedis for the contract's situation and the metering point's).
fn cost(calls: &[Call]) -> BTreeMap<&'static str, u64> {
    let mut out = BTreeMap::new();
    for call in calls {
        match call {
            Call::Contract => *out.entry("contracts").or_default() += 2,
            Call::Reading { measure, .. } => {
                let endpoint = ENDPOINTS.iter().find(|(m, _)| m == measure).unwrap().1;
                *out.entry(endpoint).or_default() += 1;
            }
        }
    }
    out
}

async fn run(history: &History, app: &App, prm: &str, now: Timestamp) -> (SyncReport, Vec<Call>) {
    let mut calls = Vec::new();
    let report = sync(
        history,
        &app.source,
        prm,
        &move || now,
        SyncOptions::default(),
        |p: &Progress| calls.push(p.call),
    )
    .await
    .unwrap();
    (report, calls)
}

fn sandbox(prm: &str) -> &'static data::SandboxPrm {
    data::sandbox(prm).unwrap()
}

/// The simulator's daily energy (Wh) of `day`.
fn sim_daily(prm: &str, day: Date, produced: bool) -> i64 {
    i64::try_from(data::daily_wh(sandbox(prm), sim_day(day), produced)).unwrap()
}

/// The simulator's half hours of `day`, as (Paris wall-clock start, W).
fn sim_curve(prm: &str, day: Date, produced: bool) -> Vec<(String, i64)> {
    data::paris::half_hours(sim_day(day))
        .iter()
        .map(|h| {
            let w = if produced {
                data::production_w(sandbox(prm), sim_day(day), h.slot)
            } else {
                data::load_w(sandbox(prm), sim_day(day), h.slot)
            };
            (wall_clock_of(h.local_start), i64::from(w))
        })
        .collect()
}

fn wall_clock_of(at: time::PrimitiveDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

fn paris_wall_clock(at: Timestamp) -> String {
    paris::zone()
        .to_datetime(at)
        .strftime("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// The stored curve of `day`, as (Paris wall-clock start, W).
fn stored_curve(history: &History, prm: &str, measure: Measure, day: Date) -> Vec<(String, i64)> {
    history
        .curve(prm, measure, one_day(day))
        .unwrap()
        .iter()
        .map(|p| (paris_wall_clock(p.start), p.value))
        .collect()
}

/// The simulator's `/__sim/stats` counts, over HTTP as a script reads them.
async fn sim_stats(setup: &Setup) -> serde_json::Value {
    let body: serde_json::Value = reqwest::get(format!("{}/__sim/stats", setup.sim.base_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["calls"].clone()
}

fn stored_daily(history: &History, prm: &str, measure: Measure, day: Date) -> Option<i64> {
    history.daily(prm, measure, one_day(day)).unwrap()[0].value
}

/// Checks one day of a consumer's three measures against the simulator's figures.
fn assert_day_matches_the_simulator(history: &History, prm: &str, day: Date) {
    assert_eq!(
        stored_daily(history, prm, Measure::DailyConsumption, day),
        Some(sim_daily(prm, day, false)),
        "daily energy of {day}"
    );
    let (va, peak) = data::max_power(sandbox(prm), sim_day(day));
    let stored = history.max_power(prm, one_day(day)).unwrap()[0];
    assert_eq!(stored.value, Some(i64::from(va)), "maximum power of {day}");
    assert_eq!(
        stored.peak_at.map(paris_wall_clock),
        Some(wall_clock_of(peak)),
        "time of the peak of {day}"
    );
    let curve = stored_curve(history, prm, Measure::ConsumptionLoadCurve, day);
    assert_eq!(curve, sim_curve(prm, day, false), "load curve of {day}");
    // And the daily energy is the curve's sum, in Wh, as a meter's.
    let sum: i64 = curve.iter().map(|(_, w)| w).sum();
    assert_eq!(
        stored_daily(history, prm, Measure::DailyConsumption, day),
        Some(sum / 2)
    );
}

/// The meter's facts after a sync, for the plan it would have made knowing them from the start.
fn known(history: &History, prm: &str, now: Timestamp) -> MeterFacts {
    let facts = history.facts(prm).unwrap();
    assert!(facts.has_contract);
    assert_eq!(facts.contract_checked_at, Some(now));
    facts
}

/// The whole path once in full: the first sync backfills 36 months of daily energy and maximum
/// power and 24 months of load curve, one upstream call per planned call, newest first; the
/// numbers stored are the simulator's; a second sync when nothing is due costs no upstream call.
#[tokio::test]
async fn the_first_sync_backfills_in_full_and_the_second_costs_nothing() {
    let today = today();
    let setup = start(today, &[]).await;
    let app = App::new(&setup);
    app.link(&setup, HOUSE).await;
    let dir = tempfile::tempdir().unwrap();
    let history = History::open(&dir.path().join("energy.sqlite3")).unwrap();
    let now = at(today, 9, 0);
    // What the plan asks of a meter never synced.
    let first_plan = plan(now, &MeterFacts::default(), &Statuses::new());

    let before = counts(&setup);
    let (report, calls) = run(&history, &app, HOUSE, now).await;
    assert_eq!(report.end, SyncEnd::Done);
    assert_eq!(report.calls, calls.len());

    // What was asked is what the plan says knowing what the sync learnt on the way (the
    // contract's activation date, 2019, and "no production" from the first production answer):
    // the contract, then the readings newest first.
    let facts = known(&history, HOUSE, now);
    assert_eq!(facts.produces, Some(false));
    let mut expected = vec![Call::Contract];
    expected.extend(plan(now, &facts, &Statuses::new()));
    assert_eq!(calls, expected);
    let per_measure = |calls: &[Call], m: Measure| {
        calls
            .iter()
            .filter(|c| matches!(c, Call::Reading { measure, .. } if *measure == m))
            .count()
    };
    // 36 months of daily data in calls of 365 days; 24 of load curve in weeks.
    assert_eq!(per_measure(&calls, Measure::DailyConsumption), 4);
    assert_eq!(per_measure(&calls, Measure::MaxPower), 4);
    let weeks = per_measure(&calls, Measure::ConsumptionLoadCurve);
    assert!((105..=106).contains(&weeks), "{weeks} weeks");
    // Production: the plan of a meter never synced asks 36 months of it; the first answer
    // ("no production") spared the rest, and the production load curve was never asked.
    assert_eq!(per_measure(&first_plan, Measure::DailyProduction), 4);
    assert_eq!(per_measure(&calls, Measure::DailyProduction), 1);
    assert_eq!(per_measure(&calls, Measure::ProductionLoadCurve), 0);

    // The simulator saw exactly that: one upstream call per reading, two for the contract, no
    // 429, never more than the 5 a second.
    let after = counts(&setup);
    assert_eq!(spent(&before, &after), cost(&expected));
    assert!(setup.sim.max_calls_in_a_second() <= 5);

    // The numbers stored are the simulator's.
    let yesterday = add(today, -1);
    let oldest_daily = hearth_energy::plan::oldest_kept_day(Measure::DailyConsumption, today);
    let oldest_curve = hearth_energy::plan::oldest_kept_day(Measure::ConsumptionLoadCurve, today);
    assert_eq!(
        oldest_daily,
        today.checked_sub(Span::new().months(36)).unwrap()
    );
    for day in [
        yesterday,
        add(today, -200),
        add(oldest_curve, 3),
        oldest_curve,
    ] {
        assert_day_matches_the_simulator(&history, HOUSE, day);
    }
    for day in [add(today, -400), oldest_daily] {
        assert_eq!(
            stored_daily(&history, HOUSE, Measure::DailyConsumption, day),
            Some(sim_daily(HOUSE, day, false))
        );
        assert_eq!(
            history.max_power(HOUSE, one_day(day)).unwrap()[0].value,
            Some(i64::from(data::max_power(sandbox(HOUSE), sim_day(day)).0))
        );
    }
    // Nothing before what Enedis keeps was asked, and it is a gap, not 0.
    let statuses = history.statuses(HOUSE).unwrap();
    let before_daily = add(oldest_daily, -1);
    assert_eq!(
        stored_daily(&history, HOUSE, Measure::DailyConsumption, before_daily),
        None
    );
    assert!(!statuses.contains_key(&(Measure::DailyConsumption, before_daily)));
    assert!(
        history
            .curve(
                HOUSE,
                Measure::ConsumptionLoadCurve,
                one_day(add(oldest_curve, -1))
            )
            .unwrap()
            .is_empty()
    );
    // Every day of the backfill is complete.
    let complete = |m: Measure| {
        statuses
            .iter()
            .filter(|((mm, _), s)| *mm == m && **s == DayStatus::Complete)
            .count()
    };
    let days = |from: Date| {
        DayRange {
            start: from,
            end: today,
        }
        .days()
    };
    assert_eq!(
        i64::try_from(complete(Measure::DailyConsumption)).unwrap(),
        days(oldest_daily)
    );
    assert_eq!(
        i64::try_from(complete(Measure::MaxPower)).unwrap(),
        days(oldest_daily)
    );
    assert_eq!(
        i64::try_from(complete(Measure::ConsumptionLoadCurve)).unwrap(),
        days(oldest_curve)
    );
    // The days the clocks change: 50 and 46 half hours, each the simulator's.
    for wanted in [50, 46] {
        let day = DayRange {
            start: oldest_curve,
            end: today,
        }
        .iter()
        .find(|d| data::paris::half_hours(sim_day(*d)).len() == wanted)
        .unwrap();
        let curve = stored_curve(&history, HOUSE, Measure::ConsumptionLoadCurve, day);
        assert_eq!(curve.len(), wanted, "{day}");
        assert_eq!(curve, sim_curve(HOUSE, day, false), "{day}");
    }
    assert_eq!(
        history
            .data_up_to(HOUSE, Measure::DailyConsumption)
            .unwrap(),
        Some(yesterday)
    );

    // Nothing is due later that day: no call at all, as the simulator's own statistics say.
    let stats_before = sim_stats(&setup).await;
    assert_eq!(
        stats_before["metering"],
        serde_json::json!(setup.sim.calls("metering"))
    );
    let (again, calls) = run(&history, &app, HOUSE, at(today, 15, 0)).await;
    assert_eq!(again.end, SyncEnd::Done);
    assert_eq!(again.calls, 0);
    assert!(calls.is_empty());
    assert_eq!(sim_stats(&setup).await, stats_before);
    assert!(spent(&after, &counts(&setup)).is_empty());
}

/// A day the simulator withholds is missing after the first sync (a gap, not 0), asked again
/// on the next one once published, alone, and stored with the simulator's numbers.
#[tokio::test]
async fn a_withheld_day_is_missing_then_fetched_on_the_next_sync_once_published() {
    let today = today();
    let activation = add(today, -20);
    let setup = start(today, &[(HOUSE, activation)]).await;
    let app = App::new(&setup);
    app.link(&setup, HOUSE).await;
    let dir = tempfile::tempdir().unwrap();
    let history = History::open(&dir.path().join("energy.sqlite3")).unwrap();
    let late = add(today, -5);
    setup.sim.withhold(sim_day(late));

    let now = at(today, 9, 0);
    let (report, calls) = run(&history, &app, HOUSE, now).await;
    assert_eq!(report.end, SyncEnd::Done);
    // The activation from the contract bounds the backfill: 20 days.
    let facts = known(&history, HOUSE, now);
    assert_eq!(facts.activation, Some(activation));
    let mut expected = vec![Call::Contract];
    expected.extend(plan(now, &facts, &Statuses::new()));
    assert_eq!(calls, expected);
    assert_eq!(
        stored_daily(&history, HOUSE, Measure::DailyConsumption, late),
        None
    );
    assert_eq!(
        history.max_power(HOUSE, one_day(late)).unwrap()[0].value,
        None
    );
    assert!(stored_curve(&history, HOUSE, Measure::ConsumptionLoadCurve, late).is_empty());
    let statuses = history.statuses(HOUSE).unwrap();
    for measure in [
        Measure::DailyConsumption,
        Measure::MaxPower,
        Measure::ConsumptionLoadCurve,
    ] {
        assert!(
            matches!(
                statuses[&(measure, late)],
                DayStatus::Missing { attempts: 1, .. }
            ),
            "{measure:?}"
        );
    }
    // The days around it are there.
    assert_day_matches_the_simulator(&history, HOUSE, add(late, -1));
    assert_day_matches_the_simulator(&history, HOUSE, add(late, 1));

    // Published; the next sync (four hours on, the retry spacing of a recent day) asks that day
    // alone, once per measure, and nothing else.
    setup.sim.publish(sim_day(late));
    let before = counts(&setup);
    let (report, calls) = run(&history, &app, HOUSE, at(today, 13, 5)).await;
    assert_eq!(report.end, SyncEnd::Done);
    let expected: Vec<Call> = [
        Measure::DailyConsumption,
        Measure::ConsumptionLoadCurve,
        Measure::MaxPower,
    ]
    .into_iter()
    .map(|measure| Call::Reading {
        measure,
        range: one_day(late),
    })
    .collect();
    assert_eq!(calls, expected);
    assert_eq!(spent(&before, &counts(&setup)), cost(&expected));
    assert_day_matches_the_simulator(&history, HOUSE, late);
    assert_eq!(
        history.statuses(HOUSE).unwrap()[&(Measure::DailyConsumption, late)],
        DayStatus::Complete
    );

    // And then nothing is due.
    let before = counts(&setup);
    let (report, _) = run(&history, &app, HOUSE, at(today, 18, 0)).await;
    assert_eq!(report.calls, 0);
    assert!(spent(&before, &counts(&setup)).is_empty());
}

/// Enedis's gateway throttles mid-sync: the sync pauses with the time Enedis named, and the
/// next sync asks only what the first did not get.
#[tokio::test]
async fn a_quota_mid_sync_pauses_and_the_next_sync_resumes_without_refetching() {
    let today = today();
    let activation = add(today, -60);
    let setup = start(today, &[(HOUSE, activation)]).await;
    let app = App::new(&setup);
    app.link(&setup, HOUSE).await;
    let dir = tempfile::tempdir().unwrap();
    let history = History::open(&dir.path().join("energy.sqlite3")).unwrap();
    let now = at(today, 9, 0);
    let before = counts(&setup);

    // After five answers (the contract and four readings), the gateway throttles for 3 s.
    let throttle = Duration::from_secs(3);
    let mut first = Vec::new();
    let report = sync(
        &history,
        &app.source,
        HOUSE,
        &move || now,
        SyncOptions::default(),
        |p: &Progress| {
            first.push(p.call);
            if p.done == 5 {
                setup.sim.throttle_for(throttle);
            }
        },
    )
    .await
    .unwrap();
    let SyncEnd::Paused {
        reason: Pause::Quota,
        retry_at,
    } = report.end
    else {
        panic!("{report:?}");
    };
    // The wait is the one Enedis named, as the proxy relayed it.
    let wait = retry_at.duration_since(now);
    assert!(
        wait >= jiff::SignedDuration::from_secs(1) && wait <= jiff::SignedDuration::from_secs(4),
        "{wait:?}"
    );
    assert_eq!(report.calls, 6, "five answered, the sixth refused");
    assert_eq!(first.len(), 6);
    let times = history.sync_times(HOUSE).unwrap();
    assert_eq!(times.retry_at, Some(retry_at));
    assert_eq!(times.last_sync_at, None);
    assert_eq!(schedule::on_demand(now, &times), retry_at);
    assert_eq!(setup.sim.throttled(), 1, "one call refused, none after it");

    // When Enedis said, the next sync asks the rest: the refused call first, nothing answered
    // before asked again.
    tokio::time::sleep(Duration::try_from(wait).unwrap() + Duration::from_millis(300)).await;
    let (report, second) = run(&history, &app, HOUSE, at(today, 9, 1)).await;
    assert_eq!(report.end, SyncEnd::Done);
    assert_eq!(second[0], first[5]);
    let facts = known(&history, HOUSE, now);
    let mut whole = vec![Call::Contract];
    whole.extend(plan(now, &facts, &Statuses::new()));
    let answered = &first[..5];
    assert!(second.iter().all(|call| !answered.contains(call)));
    let mut both: Vec<Call> = answered.iter().chain(&second).copied().collect();
    assert_eq!(both.len(), whole.len());
    both.sort_by_key(|c| format!("{c:?}"));
    whole.sort_by_key(|c| format!("{c:?}"));
    assert_eq!(both, whole);
    // Upstream: every planned call once, and the refused one twice.
    let mut expected = cost(&whole);
    *expected
        .get_mut(cost(&first[5..]).keys().next().unwrap())
        .unwrap() += 1;
    expected.insert("throttled", 1);
    assert_eq!(spent(&before, &counts(&setup)), expected);
    assert_eq!(history.sync_times(HOUSE).unwrap().retry_at, None);
    let backfill = DayRange {
        start: activation,
        end: today,
    };
    for day in backfill.iter() {
        assert_eq!(
            stored_daily(&history, HOUSE, Measure::DailyConsumption, day),
            Some(sim_daily(HOUSE, day, false)),
            "{day}"
        );
    }
    assert_day_matches_the_simulator(&history, HOUSE, add(today, -1));
    assert_day_matches_the_simulator(&history, HOUSE, activation);
}

/// A meter that answers "no production" gets no production call after that first answer; a
/// meter that produces gets its production and its production load curve.
#[tokio::test]
async fn a_meter_that_does_not_produce_gets_no_production_calls_after_its_first_answer() {
    let today = today();
    let activation = add(today, -20);
    let setup = start(today, &[(HOUSE, activation), (FLAT, activation)]).await;
    let app = App::new(&setup);
    app.link(&setup, HOUSE).await;
    app.link(&setup, FLAT).await;
    let dir = tempfile::tempdir().unwrap();
    let history = History::open(&dir.path().join("energy.sqlite3")).unwrap();
    let now = at(today, 9, 0);
    let production = |spent: &BTreeMap<&'static str, u64>| {
        (
            spent
                .get("metering/production_quotidienne")
                .copied()
                .unwrap_or(0),
            spent
                .get("metering/courbe_de_charge_production")
                .copied()
                .unwrap_or(0),
        )
    };

    let before = counts(&setup);
    let (report, _) = run(&history, &app, HOUSE, now).await;
    assert_eq!(report.end, SyncEnd::Done);
    assert_eq!(production(&spent(&before, &counts(&setup))), (1, 0));
    assert_eq!(history.facts(HOUSE).unwrap().produces, Some(false));
    assert!(
        history
            .daily(
                HOUSE,
                Measure::DailyProduction,
                DayRange {
                    start: activation,
                    end: today
                }
            )
            .unwrap()
            .iter()
            .all(|v| v.value.is_none()),
        "no production is a gap, not 0"
    );
    assert!(matches!(
        history.statuses(HOUSE).unwrap()[&(Measure::DailyProduction, add(today, -1))],
        DayStatus::NoProduction { .. }
    ));

    let before = counts(&setup);
    let (report, _) = run(&history, &app, FLAT, now).await;
    assert_eq!(report.end, SyncEnd::Done);
    // 20 days: one call of daily production, three weeks of its load curve.
    assert_eq!(production(&spent(&before, &counts(&setup))), (1, 3));
    assert_eq!(history.facts(FLAT).unwrap().produces, Some(true));
    let day = add(today, -2);
    assert_eq!(
        stored_daily(&history, FLAT, Measure::DailyProduction, day),
        Some(sim_daily(FLAT, day, true))
    );
    assert_eq!(
        stored_curve(&history, FLAT, Measure::ProductionLoadCurve, day),
        sim_curve(FLAT, day, true)
    );

    // Later that day: neither meter costs a production call (nor any other).
    let before = counts(&setup);
    for prm in [HOUSE, FLAT] {
        let (report, _) = run(&history, &app, prm, at(today, 13, 5)).await;
        assert_eq!(report.calls, 0, "{prm}");
    }
    assert!(spent(&before, &counts(&setup)).is_empty());
}
