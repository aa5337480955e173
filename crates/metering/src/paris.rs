//! French legal time (Europe/Paris), in which every v5 date is written.
//!
//! The time-zone rules come from the IANA database bundled into the binary (jiff's
//! `tzdb-bundle-always`): the same answer on every desktop, Windows included, with no system
//! database to trust and no network.

use std::sync::OnceLock;

use jiff::civil::{Date, DateTime};
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::{SignedDuration, Timestamp};

use crate::MeteringError;

/// The v5 format of a date with a time: local wall clock, no offset.
pub const DATETIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";
/// The v5 format of a day.
pub const DATE_FORMAT: &str = "%Y-%m-%d";

/// Europe/Paris. The lookup cannot fail with the database compiled in (a test checks it); were it
/// to, winter time (UTC+1) is used rather than a panic.
pub fn zone() -> &'static TimeZone {
    static ZONE: OnceLock<TimeZone> = OnceLock::new();
    ZONE.get_or_init(|| {
        TimeZone::get("Europe/Paris").unwrap_or_else(|_| TimeZone::fixed(jiff::tz::offset(1)))
    })
}

/// The wall-clock time of an instant, in the v5 format (`2026-10-25 02:30:00`).
pub fn local_string(at: Timestamp) -> String {
    zone().to_datetime(at).strftime(DATETIME_FORMAT).to_string()
}

pub fn parse_date(value: &str) -> Result<Date, MeteringError> {
    Date::strptime(DATE_FORMAT, value.trim()).map_err(|_| MeteringError::BadDate(value.into()))
}

pub fn format_date(date: Date) -> String {
    date.strftime(DATE_FORMAT).to_string()
}

/// A v5 (or 2026) wall-clock date and time: `YYYY-MM-DD HH:MM:SS`, also with a `T` and with
/// fractional seconds or an offset after the 19th character, which are ignored.
pub fn parse_datetime(value: &str) -> Result<DateTime, MeteringError> {
    let trimmed = value.trim().replacen('T', " ", 1);
    let head = trimmed.get(..19).unwrap_or(&trimmed);
    DateTime::strptime(DATETIME_FORMAT, head).map_err(|_| MeteringError::BadDate(value.into()))
}

/// The instants a French day starts and ends at: 23 hours on the last Sunday of March, 25 on
/// the last Sunday of October, 24 otherwise.
pub fn day_span(day: Date) -> Result<(Timestamp, Timestamp), MeteringError> {
    let start = midnight(day)?;
    let end = midnight(day.tomorrow().map_err(|_| MeteringError::Range)?)?;
    Ok((start, end))
}

fn midnight(day: Date) -> Result<Timestamp, MeteringError> {
    zone()
        .to_ambiguous_timestamp(day.to_datetime(jiff::civil::Time::midnight()))
        .compatible()
        .map_err(|_| MeteringError::Range)
}

/// The half hours of a French day, as the instants that start them: 46, 48 or 50.
pub fn half_hours(day: Date) -> Result<Vec<Timestamp>, MeteringError> {
    let (mut at, end) = day_span(day)?;
    let mut starts = Vec::with_capacity(50);
    while at < end {
        starts.push(at);
        at = at
            .checked_add(SignedDuration::from_mins(30))
            .map_err(|_| MeteringError::Range)?;
    }
    Ok(starts)
}

/// Turns wall-clock times given *in chronological order* into instants.
///
/// A wall-clock time is ambiguous only in the hour repeated on the last Sunday of October
/// (02:00 to 02:59, first in summer time, then in winter time): the resolver takes the earlier
/// instant unless it would not come after the previous point, then the later one. So the
/// sequence `02:00, 02:30, 02:00, 02:30, 03:00` a meter writes that night (end-of-interval
/// marks) resolves to five half hours in a row. A time the March change skips is refused, as
/// is a point that goes back in time.
#[derive(Debug, Default, Clone)]
pub struct Resolver {
    previous: Option<Timestamp>,
}

impl Resolver {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn resolve(&mut self, local: DateTime) -> Result<Timestamp, MeteringError> {
        let ambiguous = zone().to_ambiguous_timestamp(local);
        let shown = || local.strftime(DATETIME_FORMAT).to_string();
        let at = match ambiguous.offset() {
            AmbiguousOffset::Unambiguous { .. } => {
                ambiguous.unambiguous().map_err(|_| MeteringError::Range)?
            }
            AmbiguousOffset::Gap { .. } => return Err(MeteringError::Nonexistent(shown())),
            AmbiguousOffset::Fold { .. } => {
                let earlier = ambiguous.earlier().map_err(|_| MeteringError::Range)?;
                if self.previous.is_none_or(|p| earlier > p) {
                    earlier
                } else {
                    ambiguous.later().map_err(|_| MeteringError::Range)?
                }
            }
        };
        if self.previous.is_some_and(|p| at <= p) {
            return Err(MeteringError::OutOfOrder(shown()));
        }
        self.previous = Some(at);
        Ok(at)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use jiff::civil::date;

    use super::*;

    #[test]
    fn the_bundled_database_knows_paris() {
        assert!(TimeZone::get("Europe/Paris").is_ok());
        let winter: Timestamp = "2026-01-15T12:00:00Z".parse().unwrap();
        let summer: Timestamp = "2026-07-15T12:00:00Z".parse().unwrap();
        assert_eq!(local_string(winter), "2026-01-15 13:00:00");
        assert_eq!(local_string(summer), "2026-07-15 14:00:00");
    }

    #[test]
    fn days_last_23_24_or_25_hours() {
        let hours = |d: Date| {
            let (start, end) = day_span(d).unwrap();
            end.duration_since(start).as_hours()
        };
        assert_eq!(hours(date(2026, 3, 29)), 23);
        assert_eq!(hours(date(2026, 10, 25)), 25);
        assert_eq!(hours(date(2026, 10, 26)), 24);
        assert_eq!(half_hours(date(2026, 3, 29)).unwrap().len(), 46);
        assert_eq!(half_hours(date(2026, 10, 25)).unwrap().len(), 50);
        assert_eq!(half_hours(date(2026, 6, 1)).unwrap().len(), 48);
    }

    #[test]
    fn the_repeated_october_hour_resolves_by_order() {
        let mut resolver = Resolver::new();
        let instants: Vec<String> = [
            "2026-10-25 01:30:00",
            "2026-10-25 02:00:00",
            "2026-10-25 02:30:00",
            "2026-10-25 02:00:00",
            "2026-10-25 02:30:00",
            "2026-10-25 03:00:00",
        ]
        .iter()
        .map(|s| {
            resolver
                .resolve(parse_datetime(s).unwrap())
                .unwrap()
                .to_string()
        })
        .collect();
        assert_eq!(
            instants,
            [
                "2026-10-24T23:30:00Z",
                "2026-10-25T00:00:00Z",
                "2026-10-25T00:30:00Z",
                "2026-10-25T01:00:00Z",
                "2026-10-25T01:30:00Z",
                "2026-10-25T02:00:00Z",
            ]
        );
        // Writing instants back gives the same wall-clock strings.
        let t: Timestamp = "2026-10-25T01:00:00Z".parse().unwrap();
        assert_eq!(local_string(t), "2026-10-25 02:00:00");
    }

    #[test]
    fn the_skipped_march_hour_and_going_back_are_refused() {
        let mut resolver = Resolver::new();
        assert!(matches!(
            resolver.resolve(parse_datetime("2026-03-29 02:30:00").unwrap()),
            Err(MeteringError::Nonexistent(_))
        ));
        resolver
            .resolve(parse_datetime("2026-03-29 03:00:00").unwrap())
            .unwrap();
        assert!(matches!(
            resolver.resolve(parse_datetime("2026-03-29 01:30:00").unwrap()),
            Err(MeteringError::OutOfOrder(_))
        ));
        // The March change: 01:30 winter time, then 03:00 summer time, half an hour later.
        let mut resolver = Resolver::new();
        let a = resolver
            .resolve(parse_datetime("2026-03-29 01:30:00").unwrap())
            .unwrap();
        let b = resolver
            .resolve(parse_datetime("2026-03-29 03:00:00").unwrap())
            .unwrap();
        assert_eq!(b.duration_since(a).as_mins(), 30);
    }

    #[test]
    fn lenient_datetimes() {
        let want = date(2026, 9, 29).at(13, 3, 0, 0);
        for s in [
            "2026-09-29 13:03:00",
            "2026-09-29T13:03:00",
            "2026-09-29T13:03:00.000+02:00",
        ] {
            assert_eq!(parse_datetime(s).unwrap(), want, "{s}");
        }
        assert!(parse_datetime("29/09/2026").is_err());
    }
}
