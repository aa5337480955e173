//! `make bench` for hearth-energy: a meter's first sync through hearth-proxy in front of the
//! Enedis simulator (36 months of daily energy and maximum power, 24 of load curve), on
//! 127.0.0.1, with the upstream quota at Enedis's 5 calls a second (the hourly budget raised so
//! that it does not decide). Prints:
//! - the upstream call rate the sync achieved, as a share of the 5/s quota (goal: 90 % or more),
//!   and the 429s (goal: none);
//! - the upstream calls of a second sync when nothing is due (goal: none);
//! - the time from the screen's command to its answer, read from the history: a year of daily
//!   values and a week of load curve (goal: under 50 ms), median and max over many runs.
//!
//! - the cost bars of a month beside last year's (goal: under 50 ms) and *Compare offers* over 12
//!   months of load curve (goal: under 500 ms), from the history.
//!
//! A missed goal is reported, not fatal: the bench fails only when it cannot run. Figures from a
//! shared 2-core machine are a floor.

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use common::{App, HOUSE, Setup, setup, sim_day};
use hearth_energy::sync::{Progress, SyncEnd, SyncOptions};
use hearth_energy::{DayRange, History, Measure, ProxySource, SourceOptions, sync};
use hearth_metering::paris;
use jiff::civil::Date;
use jiff::{Span, Timestamp};

/// Enedis's quota, which the proxy paces to.
const QUOTA_PER_SECOND: u32 = 5;
/// Runs of the screen's reads.
const READS: usize = 200;

fn main() -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(run())
}

/// The day the proxy counts as today (UTC + 1 h), which the simulator is pinned to, so that the
/// run cannot straddle two days.
fn today() -> Result<Date> {
    Ok(Timestamp::now()
        .checked_add(Span::new().hours(1))?
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date())
}

fn add(day: Date, n: i64) -> Result<Date> {
    Ok(day.checked_add(Span::new().days(n))?)
}

/// Upstream calls the simulator counted: data and contracts (each contract is two), and 429s.
fn upstream(setup: &Setup) -> (u64, u64) {
    (
        setup.sim.calls("metering") + setup.sim.calls("contracts"),
        setup.sim.throttled(),
    )
}

async fn run() -> Result<()> {
    let today = today()?;
    let setup = setup(
        |sim| sim.quota(QUOTA_PER_SECOND, 100_000).today(sim_day(today)),
        &["--quota-per-hour", "100000"],
    )
    .await;
    let app = App::new(&setup);
    app.link(&setup, HOUSE).await;
    // The app's own data client, with its default pacing.
    let source = ProxySource::new(Arc::clone(&app.tokens), SourceOptions::default())?;
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("energy.sqlite3");
    let history = History::open(&path)?;
    // 09:00 in France: yesterday is expected.
    let now = paris::zone()
        .to_ambiguous_timestamp(today.at(9, 0, 0, 0))
        .compatible()?;

    let (calls_before, throttled_before) = upstream(&setup);
    let started = Instant::now();
    let report = sync(
        &history,
        &source,
        HOUSE,
        &move || now,
        SyncOptions::default(),
        |p: &Progress| {
            if p.done.is_multiple_of(20) {
                eprintln!("  sync: {}/{} calls", p.done, p.total);
            }
        },
    )
    .await
    .context("the first sync")?;
    let elapsed = started.elapsed();
    if report.end != SyncEnd::Done {
        bail!("the first sync did not finish: {:?}", report.end);
    }
    let (calls_after, throttled_after) = upstream(&setup);
    let calls = calls_after - calls_before;
    #[allow(clippy::cast_precision_loss)] // A few hundred calls.
    let rate = calls as f64 / elapsed.as_secs_f64();
    let share = rate / f64::from(QUOTA_PER_SECOND) * 100.0;
    let throttled = throttled_after - throttled_before;
    println!(
        "first sync: {} sync calls ({} days), {calls} upstream calls in {:.1} s",
        report.calls,
        report.days,
        elapsed.as_secs_f64()
    );
    println!(
        "first sync: upstream call rate {rate:.2}/s = {share:.1} % of the {QUOTA_PER_SECOND}/s quota (goal >= 90 %: {})",
        verdict(share >= 90.0)
    );
    println!(
        "first sync: 429 answers {throttled} (goal 0: {}); most calls in any second {} (quota {QUOTA_PER_SECOND})",
        verdict(throttled == 0),
        setup.sim.max_calls_in_a_second()
    );

    let later = now.checked_add(Span::new().hours(6))?;
    let again = sync(
        &history,
        &source,
        HOUSE,
        &move || later,
        SyncOptions::default(),
        |_: &Progress| {},
    )
    .await
    .context("the second sync")?;
    let second = upstream(&setup).0 - calls_after;
    println!(
        "second sync, nothing due: {second} upstream calls, {} sync calls (goal 0: {})",
        again.calls,
        verdict(second == 0 && again.calls == 0)
    );

    // The screen: a year of daily values and a week of load curve, up to yesterday.
    let year = DayRange {
        start: add(today, -365)?,
        end: today,
    };
    let week = DayRange {
        start: add(today, -7)?,
        end: today,
    };
    let screen = |history: &History| -> Result<Duration> {
        let started = Instant::now();
        let daily = history.daily(HOUSE, Measure::DailyConsumption, year)?;
        let curve = history.curve(HOUSE, Measure::ConsumptionLoadCurve, week)?;
        let took = started.elapsed();
        // The figures must be there, or the timing measures an empty read.
        if daily.iter().filter(|v| v.value.is_some()).count() != 365 || curve.len() < 7 * 46 {
            bail!(
                "the history lacks the screen's data: {} days, {} points",
                daily.len(),
                curve.len()
            );
        }
        Ok(took)
    };
    // As a new process would (hearth-cli): open the file, then read.
    let started = Instant::now();
    let fresh = History::open(&path)?;
    let opened = started.elapsed();
    let cold = screen(&fresh)? + opened;
    let mut times = (0..READS)
        .map(|_| screen(&history))
        .collect::<Result<Vec<_>>>()?;
    times.sort();
    let median = times[READS / 2];
    let max = times[READS - 1];
    println!(
        "screen (365 daily values + a week of load curve from the history): median {:.2} ms, max {:.2} ms over {READS} runs (goal < 50 ms: {}); opening the file first {:.2} ms",
        ms(median),
        ms(max),
        verdict(max < Duration::from_millis(50)),
        ms(cold)
    );
    costs(&history, today)?;
    Ok(())
}

/// The cost screen and *Compare offers* from the history: a month priced from its load curve
/// beside the same month a year earlier (the bars), and 12 months on Base, HP/HC and Tempo at
/// today's prices (the comparison), with the Tempo colours of the simulated calendar.
fn costs(history: &History, today: Date) -> Result<()> {
    use hearth_tariff::{CostEngine, Offer, Point, TariffOption, compare};

    let colours: Vec<_> = (0..800)
        .filter_map(|n| {
            let day = add(today, 1 - n).ok()?;
            let color = hearth_tariff::Color::from_rte(hearth_sim::tempo::color(day)?.rte())?;
            Some((day, color))
        })
        .collect();
    history.store_tempo(&colours, Timestamp::now())?;
    let points = |range: DayRange| -> Result<Vec<Point>> {
        Ok(history
            .curve(HOUSE, Measure::ConsumptionLoadCurve, range)?
            .into_iter()
            .map(|p| Point {
                start: p.start,
                end: p.end,
                watts: p.value,
            })
            .collect())
    };
    let month = |started: Instant| -> Result<Duration> {
        let tariffs = hearth_energy::prices::tariffs(history)?;
        let offpeak = history.offpeak_schedule(HOUSE)?;
        let tempo = history.tempo_calendar()?;
        let engine = CostEngine::new(&tariffs, &offpeak, &tempo, 9);
        let offer = Offer::regulated(TariffOption::Tempo);
        for start in [add(today, -30)?, add(today, -395)?] {
            let range = DayRange {
                start,
                end: add(start, 30)?,
            };
            let daily: Vec<_> = history
                .daily(HOUSE, Measure::DailyConsumption, range)?
                .into_iter()
                .filter_map(|v| Some((v.day, hearth_tariff::Energy::from_wh(v.value?))))
                .collect();
            let report = engine.from_curve_or_daily(
                &offer,
                &points(range)?,
                &daily,
                range.start,
                range.end,
            )?;
            if report.priced_days < 29 {
                bail!("the month was not priced: {} days", report.priced_days);
            }
        }
        Ok(started.elapsed())
    };
    let comparison = |started: Instant| -> Result<Duration> {
        let tariffs = hearth_energy::prices::tariffs(history)?;
        let offpeak = history.offpeak_schedule(HOUSE)?;
        let tempo = history.tempo_calendar()?;
        let year = DayRange {
            start: add(today, -366)?,
            end: today,
        };
        let result = compare(&tariffs, &offpeak, &tempo, 9, &points(year)?, today)?;
        if result.options.len() != 3 || result.days_compared < 300 {
            bail!("the comparison is incomplete: {result:?}");
        }
        Ok(started.elapsed())
    };
    for (what, run, goal_ms, runs) in [
        (
            "cost bars (a month and the same month a year earlier, Tempo, from the history)",
            &month as &dyn Fn(Instant) -> Result<Duration>,
            50,
            50,
        ),
        (
            "compare offers (12 months of load curve on Base, HP/HC and Tempo)",
            &comparison,
            500,
            10,
        ),
    ] {
        let mut times = (0..runs)
            .map(|_| run(Instant::now()))
            .collect::<Result<Vec<_>>>()?;
        times.sort();
        println!(
            "{what}: median {:.1} ms, max {:.1} ms over {runs} runs (goal < {goal_ms} ms: {})",
            ms(times[runs / 2]),
            ms(times[runs - 1]),
            verdict(times[runs - 1] < Duration::from_millis(goal_ms))
        );
    }
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1_000.0
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "MISSED" }
}
