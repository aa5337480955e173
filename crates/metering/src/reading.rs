//! `meter_reading`: daily energy, load curves and daily maximum power in the v5 shape.

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::MeteringError;
use crate::paris::{self, Resolver};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeterReadingResponse {
    pub meter_reading: MeterReading,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeterReading {
    pub usage_point_id: String,
    /// First day asked, `YYYY-MM-DD`.
    pub start: String,
    /// Day after the last asked (excluded), `YYYY-MM-DD`.
    pub end: String,
    /// `BRUT` (raw) or `BEST` (corrected).
    pub quality: String,
    pub reading_type: ReadingType,
    #[serde(default)]
    pub interval_reading: Vec<IntervalReading>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadingType {
    pub measurement_kind: String,
    pub unit: String,
    pub aggregate: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measuring_period: Option<String>,
}

impl ReadingType {
    fn new(kind: &str, unit: &str, aggregate: &str, period: Option<&str>) -> Self {
        Self {
            measurement_kind: kind.into(),
            unit: unit.into(),
            aggregate: aggregate.into(),
            measuring_period: period.map(Into::into),
        }
    }

    /// Daily energy, Wh per day.
    pub fn daily_energy() -> Self {
        Self::new("energy", "Wh", "sum", Some("P1D"))
    }

    /// A load curve: average W over each interval (its length is on each point).
    pub fn load_curve() -> Self {
        Self::new("power", "W", "average", None)
    }

    /// The daily maximum apparent power, VA, timestamped at the peak.
    pub fn max_power() -> Self {
        Self::new("power", "VA", "maximum", Some("P1D"))
    }
}

/// One point. `value` is an integer string in the reading type's unit. `date` is `YYYY-MM-DD`
/// for daily energy; `YYYY-MM-DD HH:MM:SS` (French wall clock) for a load curve, marking the
/// *end* of its interval, and for the maximum power, the time of the peak.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntervalReading {
    pub value: String,
    pub date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval_length: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure_type: Option<String>,
}

/// Where a point lies in time: `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    pub start: Timestamp,
    pub end: Timestamp,
}

impl IntervalReading {
    /// A day's energy.
    pub fn daily(value: i64, day: Date) -> Self {
        Self {
            value: value.to_string(),
            date: paris::format_date(day),
            interval_length: None,
            measure_type: None,
        }
    }

    /// A day's maximum power, peaking at the wall-clock time `at`.
    pub fn max_power(value: i64, at: jiff::civil::DateTime) -> Self {
        Self {
            value: value.to_string(),
            date: at.strftime(paris::DATETIME_FORMAT).to_string(),
            interval_length: None,
            measure_type: None,
        }
    }

    /// A load-curve point for the interval `[end - length, end)`, written as v5 does: the
    /// wall-clock time of its end.
    pub fn load_curve(value: i64, end: Timestamp, length: &str, measure_type: &str) -> Self {
        Self {
            value: value.to_string(),
            date: paris::local_string(end),
            interval_length: Some(length.into()),
            measure_type: Some(measure_type.into()),
        }
    }

    pub fn value(&self) -> Result<i64, MeteringError> {
        self.value
            .trim()
            .parse()
            .map_err(|_| MeteringError::BadValue(self.value.clone()))
    }

    /// The day a daily or maximum-power point belongs to.
    pub fn day(&self) -> Result<Date, MeteringError> {
        paris::parse_date(self.date.get(..10).unwrap_or(&self.date))
    }

    fn has_time(&self) -> bool {
        self.date.trim().len() > 10
    }
}

/// `PT30M`, `PT1H`, `PT10M`…: the interval lengths load curves use.
pub fn parse_length(value: &str) -> Result<SignedDuration, MeteringError> {
    let bad = || MeteringError::BadLength(value.into());
    let rest = value.strip_prefix("PT").ok_or_else(bad)?;
    let (number, minutes_each) = if let Some(m) = rest.strip_suffix('M') {
        (m, 1)
    } else if let Some(h) = rest.strip_suffix('H') {
        (h, 60)
    } else {
        return Err(bad());
    };
    let n = number.parse::<i64>().map_err(|_| bad())?;
    if n <= 0 || n > 24 * 60 {
        return Err(bad());
    }
    Ok(SignedDuration::from_mins(n * minutes_each))
}

impl MeterReading {
    /// Each point's interval as instants, in the order of the points.
    ///
    /// A daily point (energy or maximum power) covers its French day (23, 24 or 25 hours). A
    /// load-curve point ends at its date and lasts its `interval_length` (30 minutes when
    /// absent); its dates are resolved in order, which is what makes the repeated October hour
    /// unambiguous (see [`Resolver`]): the points must be in chronological order, as v5 gives
    /// them.
    pub fn intervals(&self) -> Result<Vec<Interval>, MeteringError> {
        let curve = self.reading_type.measuring_period.is_none();
        let mut resolver = Resolver::new();
        self.interval_reading
            .iter()
            .map(|point| {
                if curve && point.has_time() {
                    let end = resolver.resolve(paris::parse_datetime(&point.date)?)?;
                    let length = parse_length(point.interval_length.as_deref().unwrap_or("PT30M"))?;
                    let start = end.checked_sub(length).map_err(|_| MeteringError::Range)?;
                    Ok(Interval { start, end })
                } else {
                    let (start, end) = paris::day_span(point.day()?)?;
                    Ok(Interval { start, end })
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use jiff::civil::date;

    use super::*;

    fn curve(points: Vec<IntervalReading>) -> MeterReading {
        MeterReading {
            usage_point_id: "22516914714270".into(),
            start: "2026-10-25".into(),
            end: "2026-10-26".into(),
            quality: "BRUT".into(),
            reading_type: ReadingType::load_curve(),
            interval_reading: points,
        }
    }

    #[test]
    fn an_october_day_written_from_instants_reads_back_as_50_contiguous_half_hours() {
        let starts = paris::half_hours(date(2026, 10, 25)).unwrap();
        assert_eq!(starts.len(), 50);
        let points = starts
            .iter()
            .map(|s| {
                let end = s.checked_add(SignedDuration::from_mins(30)).unwrap();
                IntervalReading::load_curve(100, end, "PT30M", "B")
            })
            .collect();
        let reading = curve(points);
        // Through JSON, as the app receives it.
        let json = serde_json::to_string(&MeterReadingResponse {
            meter_reading: reading,
        })
        .unwrap();
        let back: MeterReadingResponse = serde_json::from_str(&json).unwrap();
        let dates: Vec<&str> = back
            .meter_reading
            .interval_reading
            .iter()
            .map(|p| &p.date[11..])
            .collect();
        assert_eq!(
            dates[3..8],
            ["02:00:00", "02:30:00", "02:00:00", "02:30:00", "03:00:00"],
            "the repeated hour is written twice"
        );
        let intervals = back.meter_reading.intervals().unwrap();
        assert_eq!(intervals.len(), 50);
        let (day_start, day_end) = paris::day_span(date(2026, 10, 25)).unwrap();
        assert_eq!(intervals[0].start, day_start);
        assert_eq!(intervals[49].end, day_end);
        for pair in intervals.windows(2) {
            assert_eq!(pair[0].end, pair[1].start, "contiguous");
            assert_eq!(pair[0].end.duration_since(pair[0].start).as_mins(), 30);
        }
    }

    #[test]
    fn a_march_day_has_46_half_hours_and_daily_points_cover_23_hours() {
        let starts = paris::half_hours(date(2026, 3, 29)).unwrap();
        let points: Vec<_> = starts
            .iter()
            .map(|s| {
                IntervalReading::load_curve(
                    1,
                    s.checked_add(SignedDuration::from_mins(30)).unwrap(),
                    "PT30M",
                    "B",
                )
            })
            .collect();
        assert_eq!(points.len(), 46);
        assert!(
            points.iter().all(|p| !p.date.contains(" 02:")),
            "no 02:xx: that hour does not exist"
        );
        let intervals = curve(points).intervals().unwrap();
        assert_eq!(
            intervals[45]
                .end
                .duration_since(intervals[0].start)
                .as_hours(),
            23,
            "a 23-hour day"
        );
        let daily = MeterReading {
            reading_type: ReadingType::daily_energy(),
            interval_reading: vec![IntervalReading::daily(12_345, date(2026, 3, 29))],
            ..curve(Vec::new())
        };
        let day = daily.intervals().unwrap()[0];
        assert_eq!(day.end.duration_since(day.start).as_hours(), 23);
        assert_eq!(day.start.to_string(), "2026-03-28T23:00:00Z");
    }

    #[test]
    fn max_power_keeps_the_time_of_the_peak_and_covers_its_day() {
        let point = IntervalReading::max_power(7_830, date(2026, 9, 29).at(13, 3, 0, 0));
        assert_eq!(point.date, "2026-09-29 13:03:00");
        assert_eq!(point.value().unwrap(), 7_830);
        let reading = MeterReading {
            reading_type: ReadingType::max_power(),
            interval_reading: vec![point],
            ..curve(Vec::new())
        };
        let day = reading.intervals().unwrap()[0];
        assert_eq!(day.start.to_string(), "2026-09-28T22:00:00Z");
        assert_eq!(day.end.duration_since(day.start).as_hours(), 24);
    }

    #[test]
    fn the_wire_shape_is_v5() {
        let json = serde_json::to_value(MeterReadingResponse {
            meter_reading: MeterReading {
                reading_type: ReadingType::daily_energy(),
                interval_reading: vec![IntervalReading::daily(540, date(2026, 9, 29))],
                ..curve(Vec::new())
            },
        })
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!({"meter_reading": {
                "usage_point_id": "22516914714270", "start": "2026-10-25", "end": "2026-10-26", "quality": "BRUT",
                "reading_type": {"measurement_kind": "energy", "unit": "Wh", "aggregate": "sum", "measuring_period": "P1D"},
                "interval_reading": [{"value": "540", "date": "2026-09-29"}],
            }})
        );
    }

    #[test]
    fn lengths() {
        assert_eq!(parse_length("PT30M").unwrap().as_mins(), 30);
        assert_eq!(parse_length("PT1H").unwrap().as_mins(), 60);
        assert!(parse_length("P1D").is_err());
        assert!(parse_length("PT0M").is_err());
    }
}
