//! A meter's off-peak (HC) windows, versioned by date: the 2025–2027 reform moves them (at least
//! five night hours between 23:00 and 07:00, up to three between 11:00 and 17:00, summer and
//! winter windows), so a year of costs may need two sets.

use std::fmt;

use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};

use crate::TariffError;

/// One day's off-peak windows, wall-clock `[start, end)`; `end <= start` crosses midnight.
///
/// Displayed in the contract's spelling, `HC (22H00-6H00;12H30-14H30)`, which
/// [`Windows::parse_contract`] reads back (to the minute: seconds are not written).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Windows(pub Vec<(Time, Time)>);

impl fmt::Display for Windows {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hearth_metering::format_offpeak(&self.0))
    }
}

impl Windows {
    /// The national default, 22:00–06:00, used when the meter's own windows are unknown.
    pub fn default_night() -> Self {
        Windows(vec![(
            Time::constant(22, 0, 0, 0),
            Time::constant(6, 0, 0, 0),
        )])
    }

    /// The contract's spelling, `HC (22H00-6H00;12H30-14H30)` (the proxy's `offpeak_hours`).
    pub fn parse_contract(value: &str) -> Result<Self, TariffError> {
        hearth_metering::parse_offpeak(value)
            .filter(|w| !w.is_empty())
            .map(Windows)
            .ok_or_else(|| TariffError::BadOffpeak(value.to_owned()))
    }

    /// Whether a wall-clock time is off-peak.
    pub fn contains(&self, at: Time) -> bool {
        self.0.iter().any(|&(start, end)| {
            if start < end {
                start <= at && at < end
            } else {
                // Crosses midnight (or a whole day when start == end).
                at >= start || at < end
            }
        })
    }
}

/// Which windows applied on which day: each version from its date until the next one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OffpeakSchedule {
    versions: Vec<(Date, Windows)>,
    /// Whether the windows come from the meter (else the 22:00–06:00 default).
    from_meter: bool,
}

impl OffpeakSchedule {
    /// The default 22:00–06:00 for every day.
    pub fn default_night() -> Self {
        Self {
            versions: vec![(Date::MIN, Windows::default_night())],
            from_meter: false,
        }
    }

    /// The meter's windows, in force from `since` (and before it too: older days have no other
    /// known version).
    pub fn from_meter(windows: Windows) -> Self {
        Self {
            versions: vec![(Date::MIN, windows)],
            from_meter: true,
        }
    }

    /// Stored versions (a meter's, a user's edits): each in force from its date until the next.
    /// The earliest also applies to the days before it, as in [`Self::from_meter`]. `from_meter`
    /// says whether they are the meter's (or the user's) rather than a default. A date given
    /// twice keeps the last windows given for it.
    pub fn from_versions(versions: Vec<(Date, Windows)>, from_meter: bool) -> Self {
        let mut schedule = Self {
            versions: Vec::with_capacity(versions.len()),
            from_meter,
        };
        for (from, windows) in versions {
            schedule.add_version(from, windows);
        }
        schedule
    }

    /// New windows from `from` on (a contract change, the reform, the user's edit).
    pub fn add_version(&mut self, from: Date, windows: Windows) {
        self.versions.retain(|(d, _)| *d != from);
        self.versions.push((from, windows));
        self.versions.sort_by_key(|(d, _)| *d);
    }

    pub fn versions(&self) -> &[(Date, Windows)] {
        &self.versions
    }

    pub fn is_from_meter(&self) -> bool {
        self.from_meter
    }

    /// The windows in force on `day` (the earliest version's before it starts: older days have
    /// no other known version); `None` only for a schedule without versions.
    pub fn windows_on(&self, day: Date) -> Option<&Windows> {
        self.versions
            .iter()
            .rev()
            .find(|(from, _)| *from <= day)
            .or_else(|| self.versions.first())
            .map(|(_, w)| w)
    }

    /// Whether the half hour starting at this wall-clock date and time is off-peak, with the
    /// windows in force on that calendar day.
    pub fn is_offpeak(&self, day: Date, at: Time) -> bool {
        self.windows_on(day).is_some_and(|w| w.contains(at))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use jiff::civil::{date, time};

    use super::*;

    #[test]
    fn windows_cross_midnight() {
        let w = Windows::parse_contract("HC (23H30-7H30;12H00-14H00)").unwrap();
        assert!(w.contains(time(23, 30, 0, 0)));
        assert!(w.contains(time(0, 0, 0, 0)));
        assert!(w.contains(time(7, 0, 0, 0)));
        assert!(!w.contains(time(7, 30, 0, 0)));
        assert!(w.contains(time(13, 30, 0, 0)));
        assert!(!w.contains(time(14, 0, 0, 0)));
        assert!(!w.contains(time(23, 0, 0, 0)));
        assert!(Windows::parse_contract("HC ()").is_err());
    }

    #[test]
    fn versions_apply_from_their_date() {
        let mut s = OffpeakSchedule::from_meter(Windows::default_night());
        s.add_version(
            date(2026, 3, 16),
            Windows::parse_contract("HC (23H00-5H00;13H00-16H00)").unwrap(),
        );
        assert!(s.is_offpeak(date(2026, 3, 15), time(22, 30, 0, 0)));
        assert!(!s.is_offpeak(date(2026, 3, 16), time(22, 30, 0, 0)));
        assert!(s.is_offpeak(date(2026, 3, 16), time(13, 0, 0, 0)));
        assert!(s.is_from_meter());
        assert!(!OffpeakSchedule::default_night().is_from_meter());
    }

    #[test]
    fn windows_display_as_the_contract_spells_them_and_read_back() {
        let text = "HC (23H30-7H30;12H00-14H00)";
        let w = Windows::parse_contract(text).unwrap();
        assert_eq!(w.to_string(), text);
        assert_eq!(Windows::parse_contract(&w.to_string()).unwrap(), w);
        assert_eq!(Windows::default_night().to_string(), "HC (22H00-6H00)");
    }

    #[test]
    fn stored_versions_sort_and_the_earliest_covers_older_days() {
        let reform = Windows::parse_contract("HC (23H00-5H00;13H00-16H00)").unwrap();
        let s = OffpeakSchedule::from_versions(
            vec![
                (date(2026, 3, 16), reform.clone()),
                (date(2025, 1, 1), Windows::default_night()),
            ],
            true,
        );
        assert_eq!(s.versions()[0].0, date(2025, 1, 1));
        assert!(s.is_from_meter());
        // Before the first version: the first version's windows.
        assert!(s.is_offpeak(date(2020, 6, 1), time(22, 30, 0, 0)));
        assert!(!s.is_offpeak(date(2020, 6, 1), time(13, 30, 0, 0)));
        assert!(s.is_offpeak(date(2026, 3, 16), time(13, 30, 0, 0)));
        assert!(!s.is_offpeak(date(2026, 3, 16), time(22, 30, 0, 0)));
        let none = OffpeakSchedule::from_versions(Vec::new(), false);
        assert_eq!(none.windows_on(date(2026, 1, 1)), None);
    }
}
