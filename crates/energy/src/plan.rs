//! What a sync must ask, decided from the clock, the meter's facts and the history alone: no
//! I/O, so every rule of the retry schedule is a table test.
//!
//! The rules (`../shared/reference/enedis.md`, issue 12):
//! - The first sync backfills [`Measure::history_months`] (36 months of daily energy, maximum
//!   power and production, 24 of load curve), never before the meter's activation.
//! - A complete day is never asked again; a day before the activation never again.
//! - A missing day (Enedis publishes late, sometimes days late) is asked again on every daily
//!   sync while it is at most [`DAILY_RETRY_DAYS`] old, then weekly until [`WEEKLY_RETRY_DAYS`],
//!   then left as a gap.
//! - Production: unknown whether the meter produces, daily production is asked like the rest
//!   (the first answer tells); a meter that answered "no production" is asked again monthly for
//!   its newest chunk only; the production load curve only for a meter known to produce.
//! - The contract is refreshed monthly.
//! - Yesterday (French time) is expected from [`PUBLISH_HOUR`]:00.
//! - Calls go newest first; adjacent due days share a call up to the measure's limit, but a call
//!   never spans a complete day (one withheld day costs one one-day call).

use std::collections::BTreeMap;

use hearth_metering::paris;
use jiff::civil::Date;
use jiff::{SignedDuration, Span, Timestamp};

use crate::{DayRange, Measure};

/// Missing days younger than this (in days) are asked again on every daily sync.
pub const DAILY_RETRY_DAYS: i64 = 10;
/// Missing days younger than this are asked again weekly; older ones are left as gaps.
pub const WEEKLY_RETRY_DAYS: i64 = 60;
/// A recent missing day already asked today is asked again after this long: the daily sync may
/// run just before Enedis publishes (from about 08:00, sometimes later), and a sync on start or
/// on demand later that day should pick yesterday up rather than wait for tomorrow's.
pub const RECENT_RETRY_SPACING: SignedDuration = SignedDuration::from_hours(4);
/// The contract and a non-producer's production are asked again after this many days.
pub const MONTHLY_DAYS: i64 = 30;
/// The French hour from which yesterday's data is expected.
pub const PUBLISH_HOUR: i8 = 8;

/// What the history knows of a meter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MeterFacts {
    /// First day with data (from the contract, or learnt from a "before activation" answer).
    pub activation: Option<Date>,
    /// `None` until a production answer tells.
    pub produces: Option<bool>,
    /// A contract is stored.
    pub has_contract: bool,
    /// When the contract was last asked (answered or not).
    pub contract_checked_at: Option<Timestamp>,
}

/// Where a (meter, measure, day) stands. No status: never asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayStatus {
    /// Stored; never asked again.
    Complete,
    /// Asked, and not (or not wholly) there.
    Missing {
        attempts: u32,
        last_asked: Timestamp,
    },
    /// Before the meter's activation: never asked again.
    BeforeActivation,
    /// The meter produced nothing that day (or does not produce): asked again monthly.
    NoProduction { last_asked: Timestamp },
}

/// Every known status of one meter.
pub type Statuses = BTreeMap<(Measure, Date), DayStatus>;

/// One call to a [`crate::Source`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Call {
    Contract,
    Reading { measure: Measure, range: DayRange },
}

impl Call {
    /// Days the call covers (0 for the contract).
    pub fn days(&self) -> i64 {
        match self {
            Call::Contract => 0,
            Call::Reading { range, .. } => range.days(),
        }
    }
}

/// The French date of an instant.
pub fn paris_date(at: Timestamp) -> Date {
    paris::zone().to_datetime(at).date()
}

/// The newest day whose data is expected at `now`: yesterday from 08:00, the day before until.
pub fn last_expected_day(now: Timestamp) -> Date {
    let local = paris::zone().to_datetime(now);
    let back = if local.hour() >= PUBLISH_HOUR { 1 } else { 2 };
    add_days(local.date(), -back)
}

/// The oldest day Enedis still keeps for a measure, as seen on `today`.
pub fn oldest_kept_day(measure: Measure, today: Date) -> Date {
    today
        .checked_sub(Span::new().months(measure.history_months()))
        .unwrap_or(Date::MIN)
}

/// The calls to make, contract first, then readings newest first.
pub fn plan(now: Timestamp, facts: &MeterFacts, statuses: &Statuses) -> Vec<Call> {
    let today = paris_date(now);
    let last = last_expected_day(now);
    let mut readings = Vec::new();
    for measure in Measure::ALL {
        let Some(rule) = Rule::for_measure(measure, facts, statuses, now) else {
            continue;
        };
        let mut first = oldest_kept_day(measure, today);
        if let Some(activation) = facts.activation {
            first = first.max(activation);
        }
        if rule == Rule::Probe {
            first = first.max(add_days(last, 1 - i64::from(measure.max_days_per_call())));
        }
        let mut due = Vec::new();
        let mut day = last;
        while day >= first {
            let status = statuses.get(&(measure, day)).copied();
            if is_due(rule, status, day, today, now) {
                due.push(day);
            }
            day = add_days(day, -1);
        }
        chunk(measure, &due, &mut readings);
    }
    // Newest first across measures; the sort is stable, so measures keep their order per end.
    readings.sort_by(|a, b| match (a, b) {
        (Call::Reading { range: ra, .. }, Call::Reading { range: rb, .. }) => rb.end.cmp(&ra.end),
        _ => std::cmp::Ordering::Equal,
    });
    let mut calls = Vec::with_capacity(readings.len() + 1);
    if contract_due(facts, today, now) {
        calls.push(Call::Contract);
    }
    calls.extend(readings);
    calls
}

/// How a measure's days are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// Backfill, retry missing days on the schedule.
    Normal,
    /// A meter that answered "no production": its newest chunk, all of it, monthly.
    Probe,
}

impl Rule {
    fn for_measure(
        measure: Measure,
        facts: &MeterFacts,
        statuses: &Statuses,
        now: Timestamp,
    ) -> Option<Rule> {
        if !measure.is_production() {
            return Some(Rule::Normal);
        }
        match facts.produces {
            Some(true) => Some(Rule::Normal),
            // Whether the meter produces is told by daily production (a few calls for 36
            // months); its load curve (over a hundred calls) waits for a yes.
            None => (!measure.is_curve()).then_some(Rule::Normal),
            Some(false) => {
                if measure.is_curve() {
                    return None;
                }
                let last_probe = statuses
                    .iter()
                    .filter(|((m, _), _)| *m == measure)
                    .filter_map(|(_, s)| match s {
                        DayStatus::NoProduction { last_asked } => Some(*last_asked),
                        _ => None,
                    })
                    .max();
                let due = last_probe
                    .is_none_or(|at| days_between(paris_date(at), paris_date(now)) >= MONTHLY_DAYS);
                due.then_some(Rule::Probe)
            }
        }
    }
}

fn is_due(rule: Rule, status: Option<DayStatus>, day: Date, today: Date, now: Timestamp) -> bool {
    match status {
        None => true,
        Some(DayStatus::Complete | DayStatus::BeforeActivation) => false,
        // The probe is due as a whole (checked by `Rule::for_measure`).
        Some(DayStatus::NoProduction { .. } | DayStatus::Missing { .. }) if rule == Rule::Probe => {
            true
        }
        Some(DayStatus::NoProduction { last_asked }) => {
            days_between(paris_date(last_asked), today) >= MONTHLY_DAYS
        }
        Some(DayStatus::Missing { last_asked, .. }) => {
            let age = days_between(day, today);
            let since = days_between(paris_date(last_asked), today);
            if age <= DAILY_RETRY_DAYS {
                since >= 1 || now.duration_since(last_asked) >= RECENT_RETRY_SPACING
            } else if age <= WEEKLY_RETRY_DAYS {
                since >= 7
            } else {
                false
            }
        }
    }
}

fn contract_due(facts: &MeterFacts, today: Date, now: Timestamp) -> bool {
    let Some(checked) = facts.contract_checked_at else {
        return true;
    };
    let since = days_between(paris_date(checked), today);
    if facts.has_contract {
        since >= MONTHLY_DAYS
    } else {
        // Never answered: the activation date it carries spares calls, so try daily.
        since >= 1 || now.duration_since(checked) >= RECENT_RETRY_SPACING
    }
}

/// Runs of consecutive due days (given newest first), cut at the measure's limit from the newest.
fn chunk(measure: Measure, due: &[Date], out: &mut Vec<Call>) {
    let limit = i64::from(measure.max_days_per_call());
    let mut iter = due.iter().copied().peekable();
    while let Some(newest) = iter.next() {
        let mut oldest = newest;
        let mut count = 1;
        while count < limit {
            match iter.peek() {
                Some(&next) if next == add_days(oldest, -1) => {
                    oldest = next;
                    count += 1;
                    iter.next();
                }
                _ => break,
            }
        }
        out.push(Call::Reading {
            measure,
            range: DayRange {
                start: oldest,
                end: add_days(newest, 1),
            },
        });
    }
}

/// `day` moved by `n` days; saturates at jiff's limits, which no meter reaches.
pub(crate) fn add_days(day: Date, n: i64) -> Date {
    day.checked_add(Span::new().days(n))
        .unwrap_or(if n < 0 { Date::MIN } else { Date::MAX })
}

/// Whole days from `a` to `b` (negative when `b` is earlier).
pub(crate) fn days_between(a: Date, b: Date) -> i64 {
    a.until(b).map_or(0, |span| i64::from(span.get_days()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use jiff::civil::date;

    use super::*;

    use Measure::{
        ConsumptionLoadCurve as Clc, DailyConsumption as Dc, DailyProduction as Dp, MaxPower as Mp,
        ProductionLoadCurve as Plc,
    };

    /// Paris wall-clock time to an instant.
    fn at(s: &str) -> Timestamp {
        paris::zone()
            .to_ambiguous_timestamp(paris::parse_datetime(s).unwrap())
            .compatible()
            .unwrap()
    }

    fn d(s: &str) -> Date {
        paris::parse_date(s).unwrap()
    }

    /// `"Dc 2026-11-22..2026-11-29"` (`end` excluded) or `"contract"`.
    fn show(call: &Call) -> String {
        match call {
            Call::Contract => "contract".into(),
            Call::Reading { measure, range } => {
                let name = match measure {
                    Dc => "Dc",
                    Clc => "Clc",
                    Mp => "Mp",
                    Dp => "Dp",
                    Plc => "Plc",
                };
                format!("{name} {}..{}", range.start, range.end)
            }
        }
    }

    /// A meter whose facts and statuses make everything but `keep` (measures) complete over the
    /// last 40 months, with a fresh contract: the background most cases change a little.
    fn settled(now: Timestamp, produces: Option<bool>) -> (MeterFacts, Statuses) {
        let facts = MeterFacts {
            activation: None,
            produces,
            has_contract: true,
            contract_checked_at: Some(now),
        };
        let mut statuses = Statuses::new();
        let last = last_expected_day(now);
        for measure in Measure::ALL {
            let mut day = add_days(last, -(40 * 31));
            while day <= last {
                statuses.insert((measure, day), DayStatus::Complete);
                day = add_days(day, 1);
            }
        }
        (facts, statuses)
    }

    struct Case {
        name: &'static str,
        now: &'static str,
        facts: MeterFacts,
        statuses: Vec<(Measure, &'static str, DayStatus)>,
        /// Whether the settled background (all complete) is a producer's.
        produces: Option<bool>,
        expected: Vec<&'static str>,
    }

    fn run(case: &Case) {
        let now = at(case.now);
        let (mut facts, mut statuses) = settled(now, case.produces);
        if case.facts != MeterFacts::default() {
            facts = case.facts.clone();
        }
        for (measure, day, status) in &case.statuses {
            statuses.insert((*measure, d(day)), *status);
        }
        let calls: Vec<String> = plan(now, &facts, &statuses).iter().map(show).collect();
        assert_eq!(calls, case.expected, "case {}", case.name);
        for call in plan(now, &facts, &statuses) {
            if let Call::Reading { measure, range } = call {
                assert!(range.days() >= 1, "case {}: empty call", case.name);
                assert!(
                    range.days() <= i64::from(measure.max_days_per_call()),
                    "case {}: {} over the limit",
                    case.name,
                    show(&call)
                );
            }
        }
    }

    fn missing(attempts: u32, last_asked: &str) -> DayStatus {
        DayStatus::Missing {
            attempts,
            last_asked: at(last_asked),
        }
    }

    #[test]
    fn first_sync_backfills_newest_first_in_chunks() {
        let now = at("2026-11-30 09:00:00");
        let facts = MeterFacts {
            activation: None,
            produces: None,
            has_contract: false,
            contract_checked_at: None,
        };
        let calls = plan(now, &facts, &Statuses::new());
        assert_eq!(show(&calls[0]), "contract");
        let shown: Vec<String> = calls.iter().map(show).collect();
        // The newest calls: the last 365 days of each daily measure, then the newest week of
        // load curve; no production load curve while production is unknown.
        assert_eq!(
            shown[1..6],
            [
                "Dc 2025-11-30..2026-11-30",
                "Clc 2026-11-23..2026-11-30",
                "Mp 2025-11-30..2026-11-30",
                "Dp 2025-11-30..2026-11-30",
                "Clc 2026-11-16..2026-11-23",
            ]
        );
        let count = |m: Measure| {
            calls
                .iter()
                .filter(|c| matches!(c, Call::Reading { measure, .. } if *measure == m))
                .count()
        };
        // 36 months from 2023-11-30 to 2026-11-29: 1096 days, 4 calls of up to 365.
        assert_eq!(count(Dc), 4);
        assert_eq!(count(Mp), 4);
        assert_eq!(count(Dp), 4);
        // 24 months from 2024-11-30: 730 days, 105 weeks (the oldest of 2 days).
        assert_eq!(count(Clc), 105);
        assert_eq!(count(Plc), 0);
        let oldest = |m: Measure| {
            calls
                .iter()
                .filter_map(|c| match c {
                    Call::Reading { measure, range } if *measure == m => Some(range.start),
                    _ => None,
                })
                .min()
                .unwrap()
        };
        assert_eq!(oldest(Dc), date(2023, 11, 30));
        assert_eq!(oldest(Clc), date(2024, 11, 30));
        // Newest first across measures.
        let ends: Vec<Date> = calls
            .iter()
            .filter_map(|c| match c {
                Call::Reading { range, .. } => Some(range.end),
                Call::Contract => None,
            })
            .collect();
        assert!(ends.windows(2).all(|w| w[0] >= w[1]));
    }

    #[test]
    fn the_schedule_cases() {
        let none = || MeterFacts::default();
        let cases = vec![
            Case {
                name: "nothing due: zero calls",
                now: "2026-11-30 09:00:00",
                facts: none(),
                statuses: vec![],
                produces: Some(false),
                expected: vec![],
            },
            Case {
                name: "before 08:00 yesterday is not expected yet",
                now: "2026-11-30 07:59:00",
                facts: none(),
                statuses: vec![],
                produces: Some(true),
                expected: vec![],
            },
            Case {
                name: "a withheld day among complete ones costs a one-day call",
                now: "2026-11-30 09:00:00",
                facts: none(),
                statuses: vec![(Dc, "2026-11-25", missing(1, "2026-11-29 09:00:00"))],
                produces: Some(false),
                expected: vec!["Dc 2026-11-25..2026-11-26"],
            },
            Case {
                name: "adjacent missing days share one call, across measures newest first",
                now: "2026-11-30 09:00:00",
                facts: none(),
                statuses: vec![
                    (Dc, "2026-11-27", missing(1, "2026-11-29 09:00:00")),
                    (Dc, "2026-11-28", missing(1, "2026-11-29 09:00:00")),
                    (Dc, "2026-11-26", missing(1, "2026-11-29 09:00:00")),
                    (Clc, "2026-11-20", missing(3, "2026-11-29 09:00:00")),
                    (Mp, "2026-11-29", missing(1, "2026-11-29 09:00:00")),
                ],
                produces: Some(false),
                expected: vec![
                    "Mp 2026-11-29..2026-11-30",
                    "Dc 2026-11-26..2026-11-29",
                    "Clc 2026-11-20..2026-11-21",
                ],
            },
            Case {
                name: "a missing day already asked this morning waits 4 hours",
                now: "2026-11-30 11:00:00",
                facts: none(),
                statuses: vec![(Dc, "2026-11-29", missing(1, "2026-11-30 08:10:00"))],
                produces: Some(false),
                expected: vec![],
            },
            Case {
                name: "then is asked again the same day",
                now: "2026-11-30 12:10:00",
                facts: none(),
                statuses: vec![(Dc, "2026-11-29", missing(1, "2026-11-30 08:10:00"))],
                produces: Some(false),
                expected: vec!["Dc 2026-11-29..2026-11-30"],
            },
            Case {
                name: "10 days old: still daily",
                now: "2026-11-30 09:00:00",
                facts: none(),
                statuses: vec![(Dc, "2026-11-20", missing(9, "2026-11-29 09:00:00"))],
                produces: Some(false),
                expected: vec!["Dc 2026-11-20..2026-11-21"],
            },
            Case {
                name: "11 days old, asked 6 days ago: waits for the week",
                now: "2026-11-30 09:00:00",
                facts: none(),
                statuses: vec![(Dc, "2026-11-19", missing(10, "2026-11-24 09:00:00"))],
                produces: Some(false),
                expected: vec![],
            },
            Case {
                name: "11 days old, asked 7 days ago: asked",
                now: "2026-11-30 09:00:00",
                facts: none(),
                statuses: vec![(Dc, "2026-11-19", missing(10, "2026-11-23 09:00:00"))],
                produces: Some(false),
                expected: vec!["Dc 2026-11-19..2026-11-20"],
            },
            Case {
                name: "60 days old, asked a week ago: asked",
                now: "2026-11-30 09:00:00",
                facts: none(),
                statuses: vec![(Mp, "2026-10-01", missing(15, "2026-11-20 09:00:00"))],
                produces: Some(false),
                expected: vec!["Mp 2026-10-01..2026-10-02"],
            },
            Case {
                name: "61 days old: a gap, never asked again",
                now: "2026-11-30 09:00:00",
                facts: none(),
                statuses: vec![(Mp, "2026-09-30", missing(15, "2026-11-01 09:00:00"))],
                produces: Some(false),
                expected: vec![],
            },
            Case {
                name: "before activation: never again",
                now: "2026-11-30 09:00:00",
                facts: none(),
                statuses: vec![(Dc, "2026-11-25", DayStatus::BeforeActivation)],
                produces: Some(false),
                expected: vec![],
            },
            Case {
                name: "a non-producer is probed monthly, newest chunk only",
                now: "2026-11-30 09:00:00",
                facts: none(),
                statuses: vec![(
                    Dp,
                    "2026-10-30",
                    DayStatus::NoProduction {
                        last_asked: at("2026-10-31 09:00:00"),
                    },
                )],
                produces: Some(false),
                expected: vec!["Dp 2026-10-30..2026-10-31"],
            },
            Case {
                name: "a non-producer probed 29 days ago: nothing",
                now: "2026-11-30 09:00:00",
                facts: none(),
                statuses: vec![
                    (
                        Dp,
                        "2026-10-30",
                        DayStatus::NoProduction {
                            last_asked: at("2026-10-31 09:00:00"),
                        },
                    ),
                    (
                        Dp,
                        "2026-11-29",
                        DayStatus::NoProduction {
                            last_asked: at("2026-11-01 09:00:00"),
                        },
                    ),
                ],
                produces: Some(false),
                expected: vec![],
            },
            Case {
                name: "the contract is refreshed monthly",
                now: "2026-11-30 09:00:00",
                facts: MeterFacts {
                    activation: None,
                    produces: Some(false),
                    has_contract: true,
                    contract_checked_at: Some(at("2026-10-31 09:00:00")),
                },
                statuses: vec![],
                produces: Some(false),
                expected: vec!["contract"],
            },
            Case {
                name: "a contract asked 29 days ago is fresh",
                now: "2026-11-30 09:00:00",
                facts: MeterFacts {
                    activation: None,
                    produces: Some(false),
                    has_contract: true,
                    contract_checked_at: Some(at("2026-11-01 09:00:00")),
                },
                statuses: vec![],
                produces: Some(false),
                expected: vec![],
            },
        ];
        for case in &cases {
            run(case);
        }
    }

    #[test]
    fn yesterday_is_due_from_0800_for_every_measure_of_a_producer() {
        let before = at("2026-12-01 07:59:00");
        // Settled up to 2026-11-29, the newest day expected before 08:00.
        let (facts, statuses) = settled(before, Some(true));
        assert!(plan(before, &facts, &statuses).is_empty());
        let calls: Vec<String> = plan(at("2026-12-01 08:00:00"), &facts, &statuses)
            .iter()
            .map(show)
            .collect();
        assert_eq!(
            calls,
            [
                "Dc 2026-11-30..2026-12-01",
                "Clc 2026-11-30..2026-12-01",
                "Mp 2026-11-30..2026-12-01",
                "Dp 2026-11-30..2026-12-01",
                "Plc 2026-11-30..2026-12-01",
            ]
        );
    }

    #[test]
    fn activation_bounds_the_backfill() {
        let now = at("2026-11-30 09:00:00");
        let facts = MeterFacts {
            activation: Some(date(2026, 11, 20)),
            produces: Some(false),
            has_contract: true,
            contract_checked_at: Some(now),
        };
        let mut statuses = Statuses::new();
        statuses.insert(
            (Dp, date(2026, 11, 25)),
            DayStatus::NoProduction { last_asked: now },
        );
        let calls: Vec<String> = plan(now, &facts, &statuses).iter().map(show).collect();
        assert_eq!(
            calls,
            [
                "Dc 2026-11-20..2026-11-30",
                "Clc 2026-11-23..2026-11-30",
                "Mp 2026-11-20..2026-11-30",
                "Clc 2026-11-20..2026-11-23",
            ]
        );
    }

    #[test]
    fn a_full_chunk_of_missing_days_is_cut_at_the_limit() {
        let now = at("2026-11-30 09:00:00");
        let (facts, mut statuses) = settled(now, Some(false));
        for n in 1..=9 {
            statuses.insert(
                (Clc, add_days(date(2026, 11, 30), -n)),
                missing(1, "2026-11-29 09:00:00"),
            );
        }
        let calls: Vec<String> = plan(now, &facts, &statuses).iter().map(show).collect();
        assert_eq!(
            calls,
            ["Clc 2026-11-23..2026-11-30", "Clc 2026-11-21..2026-11-23"]
        );
    }

    #[test]
    fn dst_days_are_ordinary_days_to_the_planner() {
        // The October change: 2026-10-25 has 25 hours; one day is one day.
        let range = DayRange {
            start: date(2026, 10, 24),
            end: date(2026, 10, 27),
        };
        assert_eq!(range.days(), 3);
        assert_eq!(
            range.iter().collect::<Vec<_>>(),
            [date(2026, 10, 24), date(2026, 10, 25), date(2026, 10, 26)]
        );
        // 07:30 in summer and in winter time: the day before yesterday either way.
        assert_eq!(
            last_expected_day(at("2026-10-25 07:30:00")),
            date(2026, 10, 23)
        );
        assert_eq!(
            last_expected_day(at("2026-10-26 08:00:00")),
            date(2026, 10, 25)
        );
    }
}
