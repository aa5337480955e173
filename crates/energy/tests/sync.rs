//! The sync against an in-process household (`support::Household`): the cache, late days,
//! activation, production, the retry schedule on a controlled clock, pauses, errors, and two
//! syncs at once on one file.

#![allow(clippy::unwrap_used)]

mod support;

use std::collections::BTreeSet;
use std::sync::{Arc, Barrier};
use std::time::Duration;

use hearth_energy::plan::{Call, DayStatus};
use hearth_energy::sync::{Pause, Progress, SyncEnd, SyncOptions, SystemClock};
use hearth_energy::{DataError, History, Measure, SyncError, schedule, sync};
use jiff::Timestamp;
use jiff::civil::Date;
use support::{Household, PRM, at, d, daily_wh, max_va, range};

fn open(dir: &tempfile::TempDir) -> History {
    History::open(&dir.path().join("energy.sqlite")).unwrap()
}

async fn run(
    history: &History,
    household: &Household,
    now: Timestamp,
) -> (hearth_energy::SyncReport, Vec<Progress>) {
    let mut seen = Vec::new();
    let report = sync(
        history,
        household,
        PRM,
        &move || now,
        SyncOptions::default(),
        |p: &Progress| seen.push(*p),
    )
    .await
    .unwrap();
    (report, seen)
}

fn show(calls: &[(Measure, hearth_energy::DayRange)]) -> Vec<String> {
    calls
        .iter()
        .map(|(m, r)| format!("{m:?} {}..{}", r.start, r.end))
        .collect()
}

#[tokio::test]
async fn the_first_sync_backfills_and_a_second_when_nothing_is_due_makes_zero_calls() {
    let dir = tempfile::tempdir().unwrap();
    let history = open(&dir);
    let household = Household::new(d("2026-06-10"), d("2026-11-29"));
    let now = at("2026-11-30 09:00:00");

    let (report, progress) = run(&history, &household, now).await;
    assert_eq!(report.end, SyncEnd::Done);
    let calls = household.reading_calls();
    assert_eq!(report.calls, calls.len() + 1, "readings and the contract");
    assert_eq!(*household.contract_calls.lock().unwrap(), 1);
    // The contract first, then newest first.
    assert_eq!(progress[0].call, Call::Contract);
    assert_eq!(
        show(&calls[..3]),
        [
            "DailyConsumption 2026-06-10..2026-11-30",
            "ConsumptionLoadCurve 2026-11-23..2026-11-30",
            "MaxPower 2026-06-10..2026-11-30",
        ]
    );
    // Progress after every call, ending at the total, with the days covered.
    assert_eq!(progress.len(), report.calls);
    assert!(progress.iter().enumerate().all(|(i, p)| p.done == i + 1));
    let last = progress.last().unwrap();
    assert_eq!(last.done, last.total);
    assert_eq!(last.days, report.days);
    let days_asked: i64 = calls.iter().map(|(_, r)| r.days()).sum();
    assert_eq!(report.days, days_asked);
    // Each day once, none before the activation the contract gave.
    let asked = household.asked_days();
    assert!(asked.values().all(|n| *n == 1));
    assert!(asked.keys().all(|(_, day)| *day >= d("2026-06-10")));
    // 173 days of three measures; production asked once (the newest chunk) and found absent.
    let per = |m: Measure| asked.keys().filter(|(mm, _)| *mm == m).count();
    assert_eq!(per(Measure::DailyConsumption), 173);
    assert_eq!(per(Measure::ConsumptionLoadCurve), 173);
    assert_eq!(per(Measure::MaxPower), 173);
    assert_eq!(per(Measure::DailyProduction), 173);
    assert_eq!(per(Measure::ProductionLoadCurve), 0);
    assert_eq!(history.facts(PRM).unwrap().produces, Some(false));
    // The numbers stored are the household's.
    let week = history
        .daily(
            PRM,
            Measure::DailyConsumption,
            range("2026-11-23", "2026-11-30"),
        )
        .unwrap();
    assert!(week.iter().all(|v| v.value == Some(daily_wh(v.day))));
    assert_eq!(
        history
            .max_power(PRM, range("2026-07-14", "2026-07-15"))
            .unwrap()[0]
            .value,
        Some(max_va(d("2026-07-14")))
    );
    assert_eq!(
        history
            .curve(
                PRM,
                Measure::ConsumptionLoadCurve,
                range("2026-10-25", "2026-10-26")
            )
            .unwrap()
            .len(),
        50
    );
    assert_eq!(
        history.data_up_to(PRM, Measure::DailyConsumption).unwrap(),
        Some(d("2026-11-29"))
    );
    assert_eq!(history.sync_times(PRM).unwrap().last_sync_at, Some(now));

    household.reset_calls();
    let (again, progress) = run(&history, &household, at("2026-11-30 15:00:00")).await;
    assert_eq!(again.calls, 0);
    assert!(progress.is_empty());
    assert!(household.reading_calls().is_empty());
    assert_eq!(*household.contract_calls.lock().unwrap(), 0);
}

#[tokio::test]
async fn a_withheld_day_is_asked_again_on_the_next_sync_and_filled() {
    let dir = tempfile::tempdir().unwrap();
    let history = open(&dir);
    let household = Household::new(d("2026-11-01"), d("2026-11-29"));
    let late = d("2026-11-25");
    household.withheld.lock().unwrap().extend([
        (Measure::DailyConsumption, late),
        (Measure::ConsumptionLoadCurve, late),
    ]);
    run(&history, &household, at("2026-11-30 09:00:00")).await;
    let day = |h: &History| {
        h.daily(
            PRM,
            Measure::DailyConsumption,
            range("2026-11-25", "2026-11-26"),
        )
        .unwrap()[0]
            .value
    };
    assert_eq!(day(&history), None, "a gap, not 0");
    assert!(matches!(
        history.statuses(PRM).unwrap()[&(Measure::DailyConsumption, late)],
        DayStatus::Missing { attempts: 1, .. }
    ));

    // Enedis publishes it late; the next daily sync asks that day alone, and yesterday.
    household.withheld.lock().unwrap().clear();
    *household.published_until.lock().unwrap() = d("2026-11-30");
    household.reset_calls();
    run(&history, &household, at("2026-12-01 09:00:00")).await;
    assert_eq!(
        show(&household.reading_calls()),
        [
            "DailyConsumption 2026-11-30..2026-12-01",
            "ConsumptionLoadCurve 2026-11-30..2026-12-01",
            "MaxPower 2026-11-30..2026-12-01",
            "DailyConsumption 2026-11-25..2026-11-26",
            "ConsumptionLoadCurve 2026-11-25..2026-11-26",
        ]
    );
    assert_eq!(day(&history), Some(daily_wh(late)));
    assert_eq!(
        history
            .curve(
                PRM,
                Measure::ConsumptionLoadCurve,
                range("2026-11-25", "2026-11-26")
            )
            .unwrap()
            .len(),
        48
    );
}

#[tokio::test]
async fn days_before_activation_are_found_once_and_never_asked_again() {
    let dir = tempfile::tempdir().unwrap();
    let history = open(&dir);
    let activation = d("2025-06-10");
    let mut household = Household::new(activation, d("2026-11-29"));
    // The contract does not say: the sync finds the activation from Enedis's refusals.
    household.contract_tells_activation = false;
    let (report, _) = run(&history, &household, at("2026-11-30 09:00:00")).await;
    assert_eq!(report.end, SyncEnd::Done);
    assert_eq!(history.facts(PRM).unwrap().activation, Some(activation));
    let calls = household.reading_calls();
    let refused = calls.iter().filter(|(_, r)| r.start < activation).count();
    // Halving 365 days down to the day before the activation: about log2(365) + 1 refusals,
    // for one measure only (the others plan from the activation found).
    assert!(refused <= 11, "{refused} refused calls: {:?}", show(&calls));
    assert_eq!(
        history
            .statuses(PRM)
            .unwrap()
            .get(&(Measure::DailyConsumption, d("2025-06-09"))),
        Some(&DayStatus::BeforeActivation)
    );
    // Every day from the activation is stored.
    let series = history
        .daily(
            PRM,
            Measure::DailyConsumption,
            range("2025-06-01", "2025-06-20"),
        )
        .unwrap();
    for v in series {
        assert_eq!(v.value.is_some(), v.day >= activation, "{}", v.day);
    }

    for (n, now) in [
        "2026-12-01 09:00:00",
        "2026-12-09 09:00:00",
        "2027-01-15 09:00:00",
    ]
    .into_iter()
    .enumerate()
    {
        household.reset_calls();
        *household.published_until.lock().unwrap() =
            hearth_energy::plan::last_expected_day(at(now));
        run(&history, &household, at(now)).await;
        let calls = household.reading_calls();
        assert!(
            calls.iter().all(|(_, r)| r.start >= activation),
            "sync {n}: {:?}",
            show(&calls)
        );
        assert!(!calls.is_empty());
    }
}

#[tokio::test]
async fn missing_days_follow_the_retry_schedule_on_a_controlled_clock() {
    let dir = tempfile::tempdir().unwrap();
    let history = open(&dir);
    let household = Household::new(d("2026-11-15"), d("2026-11-20"));
    let withheld = d("2026-11-20");
    household
        .withheld
        .lock()
        .unwrap()
        .insert((Measure::DailyConsumption, withheld));
    let mut asked_on: Vec<Date> = Vec::new();
    let mut day = d("2026-11-21");
    while day <= d("2027-02-28") {
        let now = at(&format!("{day} 09:00:00"));
        *household.published_until.lock().unwrap() = day.yesterday().unwrap();
        household.reset_calls();
        let (report, _) = run(&history, &household, now).await;
        assert_eq!(report.end, SyncEnd::Done);
        if household
            .asked_days()
            .contains_key(&(Measure::DailyConsumption, withheld))
        {
            asked_on.push(day);
        }
        day = day.tomorrow().unwrap();
    }
    let expected: Vec<Date> = [
        // Daily while at most 10 days old.
        "2026-11-21",
        "2026-11-22",
        "2026-11-23",
        "2026-11-24",
        "2026-11-25",
        "2026-11-26",
        "2026-11-27",
        "2026-11-28",
        "2026-11-29",
        "2026-11-30",
        // Then weekly up to 60 days old (2027-01-19).
        "2026-12-07",
        "2026-12-14",
        "2026-12-21",
        "2026-12-28",
        "2027-01-04",
        "2027-01-11",
        "2027-01-18",
        // Then never: a gap.
    ]
    .into_iter()
    .map(d)
    .collect();
    assert_eq!(asked_on, expected);
    assert!(matches!(
        history.statuses(PRM).unwrap()[&(Measure::DailyConsumption, withheld)],
        DayStatus::Missing { attempts: 17, .. }
    ));
}

#[tokio::test]
async fn a_meter_without_production_is_asked_again_monthly() {
    let dir = tempfile::tempdir().unwrap();
    let history = open(&dir);
    let household = Household::new(d("2025-06-01"), d("2026-11-29"));
    run(&history, &household, at("2026-11-30 09:00:00")).await;
    let production = |h: &Household| {
        h.reading_calls()
            .into_iter()
            .filter(|(m, _)| m.is_production())
            .collect::<Vec<_>>()
    };
    // One call told: the newest year, no production; the rest of the backfill was spared.
    assert_eq!(
        show(&production(&household)),
        ["DailyProduction 2025-11-30..2026-11-30"]
    );
    let mut asked_on = Vec::new();
    let mut day = d("2026-12-01");
    while day <= d("2027-01-31") {
        household.reset_calls();
        *household.published_until.lock().unwrap() = day.yesterday().unwrap();
        run(&history, &household, at(&format!("{day} 09:00:00"))).await;
        if !production(&household).is_empty() {
            asked_on.push(day.to_string());
        }
        day = day.tomorrow().unwrap();
    }
    assert_eq!(asked_on, ["2026-12-30", "2027-01-29"]);
}

#[tokio::test]
async fn a_producer_gets_its_production_and_its_load_curve() {
    let dir = tempfile::tempdir().unwrap();
    let history = open(&dir);
    let mut household = Household::new(d("2026-11-01"), d("2026-11-29"));
    household.produces = true;
    run(&history, &household, at("2026-11-30 09:00:00")).await;
    assert_eq!(history.facts(PRM).unwrap().produces, Some(true));
    let asked = household.asked_days();
    assert!(asked.values().all(|n| *n == 1));
    assert_eq!(
        asked
            .keys()
            .filter(|(m, _)| *m == Measure::ProductionLoadCurve)
            .count(),
        29
    );
    assert_eq!(
        history
            .daily(
                PRM,
                Measure::DailyProduction,
                range("2026-11-10", "2026-11-11")
            )
            .unwrap()[0]
            .value,
        Some(support::production_wh(d("2026-11-10")))
    );
}

#[tokio::test]
async fn a_quota_pauses_with_the_retry_time_and_the_next_sync_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let history = open(&dir);
    let household = Household::new(d("2026-09-01"), d("2026-11-29"));
    *household.fail_at.lock().unwrap() = Some((
        4,
        DataError::Quota {
            retry_after: Duration::from_secs(90),
        },
    ));
    let now = at("2026-11-30 09:00:00");
    let (report, _) = run(&history, &household, now).await;
    let retry_at = at("2026-11-30 09:01:30");
    assert_eq!(
        report.end,
        SyncEnd::Paused {
            reason: Pause::Quota,
            retry_at
        }
    );
    assert_eq!(report.calls, 6, "the contract, 4 answers, the refused call");
    let before = household.reading_calls();
    let refused = before[4];
    // What was answered is stored (production: the meter has none).
    let statuses = history.statuses(PRM).unwrap();
    for (measure, range) in &before[..4] {
        for day in range.iter() {
            let status = statuses.get(&(*measure, day));
            if measure.is_production() {
                assert!(matches!(status, Some(DayStatus::NoProduction { .. })));
            } else {
                assert_eq!(status, Some(&DayStatus::Complete), "{measure:?} {day}");
            }
        }
    }
    let times = history.sync_times(PRM).unwrap();
    assert_eq!(times.retry_at, Some(retry_at));
    assert_eq!(
        schedule::next_run(now, &times, schedule::jitter_for(PRM)),
        retry_at
    );

    household.reset_calls();
    let (report, _) = run(&history, &household, retry_at).await;
    assert_eq!(report.end, SyncEnd::Done);
    let after = household.reading_calls();
    assert_eq!(after[0], refused, "the refused call first");
    for (measure, range) in &before[..4] {
        assert!(
            !after
                .iter()
                .any(|(m, r)| m == measure && r.start < range.end && range.start < r.end)
        );
    }
    assert_eq!(history.sync_times(PRM).unwrap().retry_at, None);
}

#[tokio::test]
async fn a_refused_link_ends_the_sync_and_frees_the_meter() {
    let dir = tempfile::tempdir().unwrap();
    let history = open(&dir);
    let household = Household::new(d("2026-09-01"), d("2026-11-29"));
    *household.fail_at.lock().unwrap() = Some((2, DataError::NoConsent));
    let now = at("2026-11-30 09:00:00");
    let result = sync(
        &history,
        &household,
        PRM,
        &move || now,
        SyncOptions::default(),
        |_: &Progress| {},
    )
    .await;
    assert!(
        matches!(result, Err(SyncError::Data(DataError::NoConsent))),
        "{result:?}"
    );
    assert!(
        history
            .try_lease(PRM, "next", now, Duration::from_secs(60))
            .unwrap(),
        "the lease was given back"
    );
}

/// Two syncs of one meter at once, each with its own connection to the file and its own
/// runtime (as the app and hearth-cli would), against one household.
fn concurrent(options: SyncOptions) -> (Arc<Household>, Vec<hearth_energy::SyncReport>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("energy.sqlite");
    let mut household = Household::new(d("2026-05-01"), d("2026-11-29"));
    household.delay = Duration::from_millis(2);
    let household = Arc::new(household);
    let start = Arc::new(Barrier::new(2));
    let threads: Vec<_> = (0..2)
        .map(|_| {
            let path = path.clone();
            let household = Arc::clone(&household);
            let start = Arc::clone(&start);
            std::thread::spawn(move || {
                let history = History::open(&path).unwrap();
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                start.wait();
                let now = at("2026-11-30 09:00:00");
                runtime
                    .block_on(sync(
                        &history,
                        household.as_ref(),
                        PRM,
                        &move || now,
                        options,
                        |_: &Progress| {},
                    ))
                    .unwrap()
            })
        })
        .collect();
    let reports = threads.into_iter().map(|t| t.join().unwrap()).collect();
    (household, reports)
}

#[test]
fn two_syncs_at_once_fetch_nothing_twice() {
    let (household, reports) = concurrent(SyncOptions {
        lease: Duration::from_secs(60),
        poll: Duration::from_millis(10),
    });
    let asked = household.asked_days();
    let twice: BTreeSet<_> = asked
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(k, _)| *k)
        .collect();
    assert!(twice.is_empty(), "asked twice: {twice:?}");
    assert_eq!(*household.contract_calls.lock().unwrap(), 1);
    let calls: usize = reports.iter().map(|r| r.calls).sum();
    assert_eq!(calls, household.reading_calls().len() + 1);
    // One fetched everything; the other waited, then found nothing due.
    assert_eq!(reports.iter().filter(|r| r.waited).count(), 1);
    assert!(reports.iter().any(|r| r.calls == 0));
    assert!(
        asked.len() > 4 * 200,
        "a real backfill: {} days",
        asked.len()
    );
}

#[test]
fn without_a_lasting_lease_the_same_two_syncs_do_fetch_twice() {
    // The control for the test above: a lease that expires at once lets both syncs fetch, and
    // the harness sees it. (Whether the two overlap depends on scheduling; with 2 ms calls over
    // a few hundred calls they do.)
    let (household, _) = concurrent(SyncOptions {
        lease: Duration::ZERO,
        poll: Duration::from_millis(10),
    });
    let twice = household.asked_days().values().filter(|n| **n > 1).count();
    assert!(twice > 0, "expected days fetched twice without the lease");
}

#[test]
fn the_sync_future_can_go_to_another_thread() {
    // Compile-time: the app spawns the sync on its runtime, which needs a `Send` future.
    fn assert_send<T: Send>(_: &T) {}
    let dir = tempfile::tempdir().unwrap();
    let history = open(&dir);
    let household = Household::new(d("2026-11-01"), d("2026-11-29"));
    let clock = SystemClock;
    let future = sync(
        &history,
        &household,
        PRM,
        &clock,
        SyncOptions::default(),
        |_: &Progress| {},
    );
    assert_send(&future);
}
