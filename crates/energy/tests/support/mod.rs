//! A household the sync logic is tested against: an in-process [`Source`] with Enedis's
//! behaviours that matter to the planner (late publication, activation, production, quota),
//! counting every call. The real path (hearth-proxy in front of hearth-sim) is tested with the
//! proxy client.

#![allow(dead_code, clippy::unwrap_used)]

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Duration;

use hearth_energy::{DataError, DayRange, Measure, Source};
use hearth_metering::{Contract, IntervalReading, MeterReading, ReadingType, paris};
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};

pub const PRM: &str = "22516914714270";

/// Paris wall clock to an instant.
pub fn at(s: &str) -> Timestamp {
    paris::zone()
        .to_ambiguous_timestamp(paris::parse_datetime(s).unwrap())
        .compatible()
        .unwrap()
}

pub fn d(s: &str) -> Date {
    paris::parse_date(s).unwrap()
}

pub fn range(start: &str, end: &str) -> DayRange {
    DayRange {
        start: d(start),
        end: d(end),
    }
}

/// The household's values, a function of the day (and half hour) so tests can compare numbers.
pub fn daily_wh(day: Date) -> i64 {
    8_000 + i64::from(day.day()) * 100 + i64::from(day.month()) * 7
}

pub fn max_va(day: Date) -> i64 {
    3_000 + i64::from(day.day()) * 10
}

pub fn peak_time(day: Date) -> jiff::civil::DateTime {
    day.at(19, 13, 0, 0)
}

pub fn production_wh(day: Date) -> i64 {
    1_000 + i64::from(day.day())
}

pub fn curve_w(index: usize) -> i64 {
    200 + i64::try_from(index).unwrap()
}

/// A v5 answer for `range` with every day of it, or with `skip` left out.
pub fn reading(measure: Measure, range: DayRange, skip: &dyn Fn(Date) -> bool) -> MeterReading {
    let mut points = Vec::new();
    for day in range.iter().filter(|d| !skip(*d)) {
        match measure {
            Measure::DailyConsumption => points.push(IntervalReading::daily(daily_wh(day), day)),
            Measure::DailyProduction => {
                points.push(IntervalReading::daily(production_wh(day), day));
            }
            Measure::MaxPower => {
                points.push(IntervalReading::max_power(max_va(day), peak_time(day)));
            }
            Measure::ConsumptionLoadCurve | Measure::ProductionLoadCurve => {
                for (i, start) in paris::half_hours(day).unwrap().into_iter().enumerate() {
                    let end = start.checked_add(SignedDuration::from_mins(30)).unwrap();
                    points.push(IntervalReading::load_curve(curve_w(i), end, "PT30M", "B"));
                }
            }
        }
    }
    let reading_type = match measure {
        Measure::DailyConsumption | Measure::DailyProduction => ReadingType::daily_energy(),
        Measure::MaxPower => ReadingType::max_power(),
        _ => ReadingType::load_curve(),
    };
    MeterReading {
        usage_point_id: PRM.into(),
        start: paris::format_date(range.start),
        end: paris::format_date(range.end),
        quality: "BRUT".into(),
        reading_type,
        interval_reading: points,
    }
}

/// The fake meter. Everything is behind mutexes so one instance serves concurrent syncs.
pub struct Household {
    /// The newest day Enedis has published.
    pub published_until: Mutex<Date>,
    /// The meter's first day: a range starting before it is refused.
    pub activation: Date,
    /// Whether the contract tells the activation date (else the sync must find it).
    pub contract_tells_activation: bool,
    pub produces: bool,
    /// Days Enedis withholds (published late).
    pub withheld: Mutex<HashSet<(Measure, Date)>>,
    /// Answer this instead of data on the n-th reading call (0-based), once.
    pub fail_at: Mutex<Option<(usize, DataError)>>,
    /// Every reading call, in order.
    pub calls: Mutex<Vec<(Measure, DayRange)>>,
    pub contract_calls: Mutex<usize>,
    /// Time each call takes, so concurrent syncs overlap.
    pub delay: Duration,
}

impl Household {
    pub fn new(activation: Date, published_until: Date) -> Self {
        Self {
            published_until: Mutex::new(published_until),
            activation,
            contract_tells_activation: true,
            produces: false,
            withheld: Mutex::new(HashSet::new()),
            fail_at: Mutex::new(None),
            calls: Mutex::new(Vec::new()),
            contract_calls: Mutex::new(0),
            delay: Duration::ZERO,
        }
    }

    pub fn reading_calls(&self) -> Vec<(Measure, DayRange)> {
        self.calls.lock().unwrap().clone()
    }

    pub fn reset_calls(&self) {
        self.calls.lock().unwrap().clear();
        *self.contract_calls.lock().unwrap() = 0;
    }

    /// How many times each (measure, day) was asked.
    pub fn asked_days(&self) -> std::collections::HashMap<(Measure, Date), usize> {
        let mut out = std::collections::HashMap::new();
        for (measure, range) in self.reading_calls() {
            for day in range.iter() {
                *out.entry((measure, day)).or_insert(0) += 1;
            }
        }
        out
    }
}

impl Source for Household {
    async fn reading(
        &self,
        _prm: &str,
        measure: Measure,
        range: DayRange,
    ) -> Result<MeterReading, DataError> {
        assert!(
            range.days() >= 1 && range.days() <= i64::from(measure.max_days_per_call()),
            "{measure:?} {range:?} breaks the per-call limit"
        );
        let n = {
            let mut calls = self.calls.lock().unwrap();
            calls.push((measure, range));
            calls.len() - 1
        };
        if !self.delay.is_zero() {
            tokio::time::sleep(self.delay).await;
        }
        {
            let mut fail = self.fail_at.lock().unwrap();
            if fail.as_ref().is_some_and(|(at, _)| *at == n) {
                return Err(fail.take().unwrap().1);
            }
        }
        if range.start < self.activation {
            return Err(DataError::BeforeActivation);
        }
        if measure.is_production() && !self.produces {
            return Err(DataError::NoData);
        }
        let until = *self.published_until.lock().unwrap();
        let withheld = self.withheld.lock().unwrap().clone();
        let answer = reading(measure, range, &|day| {
            day > until || withheld.contains(&(measure, day))
        });
        if answer.interval_reading.is_empty() {
            return Err(DataError::NoData);
        }
        Ok(answer)
    }

    async fn contract(&self, _prm: &str) -> Result<Contract, DataError> {
        *self.contract_calls.lock().unwrap() += 1;
        Ok(Contract {
            subscribed_power: Some("9 kVA".into()),
            last_activation_date: self
                .contract_tells_activation
                .then(|| paris::format_date(self.activation)),
            offpeak_hours: Some("HC (22H00-6H00)".into()),
            ..Contract::default()
        })
    }
}
