//! The series the energy screen's charts draw, built from what the local history holds.
//!
//! Each builder takes the days (or intervals) the chart covers and the values known for them,
//! and lays out every expected day or half hour: what the history lacks is `None` (`null`),
//! never 0, so a day Enedis has not published is drawn as a gap, not as a day without
//! consumption.

use std::collections::BTreeMap;

use hearth_metering::{Interval, MeteringError, paris};
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp, ToSpan};
use serde::Serialize;

/// A series could not be laid out.
#[derive(Debug, thiserror::Error)]
pub enum SeriesError {
    /// `from` is not before `to`.
    #[error("the range {from}..{to} is empty")]
    EmptyRange { from: Date, to: Date },
    /// More days than a chart shows (a guard against a runaway range).
    #[error("the range {from}..{to} is longer than {max} days")]
    TooLong { from: Date, to: Date, max: i32 },
    #[error(transparent)]
    Time(#[from] MeteringError),
    #[error("date arithmetic out of range")]
    Range,
}

/// The longest range a daily chart covers (a little over the 36 months Enedis keeps, plus a
/// custom range's slack).
pub const MAX_DAILY_DAYS: i32 = 4 * 366;
/// The longest load curve a chart covers.
pub const MAX_CURVE_DAYS: i32 = 31;

/// Consumed or produced energy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Flow {
    Consumption,
    Production,
}

/// One day of a daily chart, beside the same day a year before.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, specta::Type)]
pub struct DayPoint {
    pub date: String,
    /// Wh; `None` where the history has no value (a gap).
    pub wh: Option<u32>,
    /// The same day a year before (28 February for a 29th).
    pub previous_date: String,
    pub previous_wh: Option<u32>,
}

/// Daily energy over `[from, to)` with the same period of the previous year beside it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, specta::Type)]
pub struct DailySeries {
    pub prm: String,
    pub flow: Flow,
    pub from: String,
    /// Excluded, as Enedis counts.
    pub to: String,
    pub days: Vec<DayPoint>,
    /// The sum of the days known (Wh); compare with `missing_days`.
    pub total_wh: u32,
    pub missing_days: u32,
    pub previous_total_wh: u32,
    pub previous_missing_days: u32,
}

/// One interval of a load curve.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, specta::Type)]
pub struct CurvePoint {
    pub start: String,
    pub end: String,
    /// Average power over the interval (W); `None` for a gap.
    pub w: Option<u32>,
}

/// A day of a load curve: its intervals are `points[first..first + count]` (46, 48 or 50 half
/// hours: the days the clocks change last 23 or 25 hours).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, specta::Type)]
pub struct CurveDay {
    pub date: String,
    pub start: String,
    pub end: String,
    pub first: u32,
    pub count: u32,
    /// The energy of the intervals known (Wh).
    pub wh: u32,
    pub missing: u32,
}

/// The load curve over whole days `[from, to)`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, specta::Type)]
pub struct LoadCurve {
    pub prm: String,
    pub flow: Flow,
    pub from: String,
    pub to: String,
    /// The intervals' length (30 unless the meter is set otherwise).
    pub step_minutes: u32,
    pub days: Vec<CurveDay>,
    pub points: Vec<CurvePoint>,
    /// The highest interval (W), if any is known.
    pub max_w: Option<u32>,
}

/// A day's maximum power.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, specta::Type)]
pub struct PeakDay {
    pub date: String,
    /// VA; `None` for a gap.
    pub va: Option<u32>,
    /// When the peak happened (an instant).
    pub at: Option<String>,
}

/// Maximum power per day over `[from, to)`, against the subscribed power.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, specta::Type)]
pub struct MaxPowerSeries {
    pub prm: String,
    pub from: String,
    pub to: String,
    /// The subscribed power in VA (kVA × 1000), the line drawn across the chart.
    pub subscribed_va: Option<u32>,
    pub days: Vec<PeakDay>,
    /// The day of the highest peak.
    pub highest: Option<PeakDay>,
    /// Days whose peak went above the subscribed power.
    pub days_above: u32,
}

/// This month so far against the same days a year before, and the whole of last year's month.
#[derive(Clone, Debug, PartialEq, Serialize, specta::Type)]
pub struct Totals {
    pub prm: String,
    pub flow: Flow,
    /// The month's first day.
    pub month: String,
    /// The last day counted (the data's last complete day).
    pub through: String,
    /// Wh over the days known from the 1st to `through`.
    pub this_month_wh: u32,
    pub this_month_missing: u32,
    /// Wh over the same days a year before.
    pub last_year_wh: u32,
    pub last_year_missing: u32,
    /// Wh over last year's whole month.
    pub last_year_month_wh: u32,
    /// The change from last year to this one, in %, over the days known in both years only (a
    /// gap in either does not make a false change); `None` when no day compares, or last year
    /// was 0.
    pub change_percent: Option<f64>,
    /// How many days that change compares.
    pub compared_days: u32,
}

/// `YYYY-MM-DD`.
pub fn date_string(date: Date) -> String {
    paris::format_date(date)
}

/// An instant in French legal time with its offset (`2026-10-25T02:30:00+01:00`).
pub fn instant_string(at: Timestamp) -> String {
    at.to_zoned(paris::zone().clone())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

fn days(from: Date, to: Date, max: i32) -> Result<Vec<Date>, SeriesError> {
    if from >= to {
        return Err(SeriesError::EmptyRange { from, to });
    }
    let mut out = Vec::new();
    let mut day = from;
    while day < to {
        if out.len() >= usize::try_from(max).unwrap_or(usize::MAX) {
            return Err(SeriesError::TooLong { from, to, max });
        }
        out.push(day);
        day = day.tomorrow().map_err(|_| SeriesError::Range)?;
    }
    Ok(out)
}

/// The same day a year before; 29 February gives the 28th.
pub fn year_before(date: Date) -> Result<Date, SeriesError> {
    date.checked_sub(1.year()).map_err(|_| SeriesError::Range)
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn sum<'a>(values: impl Iterator<Item = &'a Option<u32>>) -> (u32, u32) {
    values.fold((0u32, 0u32), |(total, missing), value| match value {
        Some(v) => (total.saturating_add(*v), missing),
        None => (total, missing + 1),
    })
}

/// Daily energy over `[from, to)` from `known` (Wh per day, this period and the year before).
pub fn daily(
    prm: &str,
    flow: Flow,
    from: Date,
    to: Date,
    known: &BTreeMap<Date, u32>,
) -> Result<DailySeries, SeriesError> {
    let points = days(from, to, MAX_DAILY_DAYS)?
        .into_iter()
        .map(|date| {
            let previous = year_before(date)?;
            Ok(DayPoint {
                date: date_string(date),
                wh: known.get(&date).copied(),
                previous_date: date_string(previous),
                previous_wh: known.get(&previous).copied(),
            })
        })
        .collect::<Result<Vec<_>, SeriesError>>()?;
    let (total_wh, missing_days) = sum(points.iter().map(|p| &p.wh));
    let (previous_total_wh, previous_missing_days) = sum(points.iter().map(|p| &p.previous_wh));
    Ok(DailySeries {
        prm: prm.to_owned(),
        flow,
        from: date_string(from),
        to: date_string(to),
        days: points,
        total_wh,
        missing_days,
        previous_total_wh,
        previous_missing_days,
    })
}

/// The load curve over whole days `[from, to)` from the intervals the history holds (average W
/// over each), laid on the grid of the readings' length (30 minutes when none is known).
pub fn load_curve(
    prm: &str,
    flow: Flow,
    from: Date,
    to: Date,
    readings: &[(Interval, u32)],
) -> Result<LoadCurve, SeriesError> {
    let step = readings
        .first()
        .map(|(i, _)| i.end.duration_since(i.start))
        .filter(SignedDuration::is_positive)
        .unwrap_or(SignedDuration::from_mins(30));
    let by_start: BTreeMap<Timestamp, u32> = readings.iter().map(|(i, w)| (i.start, *w)).collect();
    let mut points = Vec::new();
    let mut curve_days = Vec::new();
    for date in days(from, to, MAX_CURVE_DAYS)? {
        let (day_start, day_end) = paris::day_span(date)?;
        let first = count(points.len());
        let mut at = day_start;
        let (mut watt_minutes, mut missing) = (0u64, 0u32);
        while at < day_end {
            let end = at.checked_add(step).map_err(|_| SeriesError::Range)?;
            let w = by_start.get(&at).copied();
            match w {
                // Energy (Wh) = W × minutes / 60; summed in W·min to round once.
                Some(w) => {
                    watt_minutes += u64::from(w) * u64::try_from(step.as_mins()).unwrap_or(0);
                }
                None => missing += 1,
            }
            points.push(CurvePoint {
                start: instant_string(at),
                end: instant_string(end),
                w,
            });
            at = end;
        }
        curve_days.push(CurveDay {
            date: date_string(date),
            start: instant_string(day_start),
            end: instant_string(day_end),
            first,
            count: count(points.len()) - first,
            wh: u32::try_from(watt_minutes / 60).unwrap_or(u32::MAX),
            missing,
        });
    }
    let max_w = points.iter().filter_map(|p| p.w).max();
    Ok(LoadCurve {
        prm: prm.to_owned(),
        flow,
        from: date_string(from),
        to: date_string(to),
        step_minutes: u32::try_from(step.as_mins()).unwrap_or(30),
        days: curve_days,
        points,
        max_w,
    })
}

/// Maximum power per day over `[from, to)` from `known` (VA and the instant of the peak).
pub fn max_power(
    prm: &str,
    from: Date,
    to: Date,
    known: &BTreeMap<Date, (u32, Timestamp)>,
    subscribed_kva: Option<u32>,
) -> Result<MaxPowerSeries, SeriesError> {
    let points: Vec<PeakDay> = days(from, to, MAX_DAILY_DAYS)?
        .into_iter()
        .map(|date| {
            let peak = known.get(&date);
            PeakDay {
                date: date_string(date),
                va: peak.map(|(va, _)| *va),
                at: peak.map(|(_, at)| instant_string(*at)),
            }
        })
        .collect();
    let subscribed_va = subscribed_kva.map(|kva| kva.saturating_mul(1000));
    let highest = points
        .iter()
        .filter(|p| p.va.is_some())
        .max_by_key(|p| p.va)
        .cloned();
    let days_above = count(
        points
            .iter()
            .filter(|p| matches!((p.va, subscribed_va), (Some(va), Some(line)) if va > line))
            .count(),
    );
    Ok(MaxPowerSeries {
        prm: prm.to_owned(),
        from: date_string(from),
        to: date_string(to),
        subscribed_va,
        days: points,
        highest,
        days_above,
    })
}

/// The month of `through` (the data's last complete day) so far, against the same days a year
/// before, from `known` (Wh per day).
pub fn totals(
    prm: &str,
    flow: Flow,
    through: Date,
    known: &BTreeMap<Date, u32>,
) -> Result<Totals, SeriesError> {
    let month = through.first_of_month();
    let end = through.tomorrow().map_err(|_| SeriesError::Range)?;
    let this: Vec<Date> = days(month, end, 31)?;
    let (mut this_wh, mut this_missing, mut last_wh, mut last_missing) = (0u32, 0u32, 0u32, 0u32);
    let (mut both_this, mut both_last, mut compared) = (0u64, 0u64, 0u32);
    for date in &this {
        let before = year_before(*date)?;
        let (now, then) = (known.get(date), known.get(&before));
        match now {
            Some(wh) => this_wh = this_wh.saturating_add(*wh),
            None => this_missing += 1,
        }
        match then {
            Some(wh) => last_wh = last_wh.saturating_add(*wh),
            None => last_missing += 1,
        }
        if let (Some(now), Some(then)) = (now, then) {
            both_this += u64::from(*now);
            both_last += u64::from(*then);
            compared += 1;
        }
    }
    let last_month = year_before(month)?;
    let last_month_end = last_month
        .last_of_month()
        .tomorrow()
        .map_err(|_| SeriesError::Range)?;
    let (last_year_month_wh, _) = sum(days(last_month, last_month_end, 31)?
        .iter()
        .map(|d| known.get(d).copied())
        .collect::<Vec<_>>()
        .iter());
    // Wh sums of a month fit an f64 exactly.
    #[allow(clippy::cast_precision_loss)]
    let change_percent = (compared > 0 && both_last > 0)
        .then(|| (both_this as f64 - both_last as f64) / both_last as f64 * 100.0);
    Ok(Totals {
        prm: prm.to_owned(),
        flow,
        month: date_string(month),
        through: date_string(through),
        this_month_wh: this_wh,
        this_month_missing: this_missing,
        last_year_wh: last_wh,
        last_year_missing: last_missing,
        last_year_month_wh,
        change_percent,
        compared_days: compared,
    })
}
