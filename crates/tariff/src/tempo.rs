//! Tempo days: each day's colour, the 06:00-to-06:00 Tempo day, its 22:00–06:00 off-peak hours,
//! a calendar of the days known so far, and the grid operator's feed behind [`TempoFeedParser`].

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};

use crate::TariffError;

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Color {
    Blue,
    White,
    Red,
}

impl Color {
    /// A colour as the grid operator's feeds write it (`BLUE`, or the French `BLEU`,
    /// `TEMPO_BLEU`…), in any case.
    pub fn from_rte(word: &str) -> Option<Color> {
        match word.to_ascii_uppercase().as_str() {
            "BLUE" | "BLEU" | "TEMPO_BLEU" => Some(Color::Blue),
            "WHITE" | "BLANC" | "TEMPO_BLANC" => Some(Color::White),
            "RED" | "ROUGE" | "TEMPO_ROUGE" => Some(Color::Red),
            _ => None,
        }
    }
}

/// Days of each colour in a season (1 September to 31 August): 22 red, 43 white, the rest blue
/// (300, or 301 in a season with a 29 February).
pub const RED_DAYS: u32 = 22;
pub const WHITE_DAYS: u32 = 43;

/// The first day of the season `day` belongs to (1 September).
pub fn season_start(day: Date) -> Date {
    let year = if day.month() >= 9 {
        day.year()
    } else {
        day.year() - 1
    };
    Date::new(year, 9, 1).unwrap_or(day)
}

/// Blue days in the season that starts on `start` (1 September).
pub fn blue_days(start: Date) -> u32 {
    let leap = Date::new(start.year() + 1, 2, 29).is_ok();
    if leap { 301 } else { 300 }
}

/// Where in French time an instant falls for Tempo: the Tempo day (which starts at 06:00) and
/// whether it is off-peak (22:00–06:00).
pub fn tempo_slot(at: Timestamp) -> (Date, bool) {
    let local = hearth_metering::paris::zone().to_datetime(at);
    let six = Time::constant(6, 0, 0, 0);
    let day = if local.time() < six {
        local.date().yesterday().unwrap_or(local.date())
    } else {
        local.date()
    };
    let offpeak = local.time() < six || local.time() >= Time::constant(22, 0, 0, 0);
    (day, offpeak)
}

/// The colours known so far (a cache: past colours never change).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TempoCalendar {
    days: BTreeMap<Date, Color>,
}

impl TempoCalendar {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn set(&mut self, day: Date, color: Color) {
        self.days.insert(day, color);
    }

    /// Adds what a feed published; returns how many days were new.
    pub fn merge(&mut self, days: impl IntoIterator<Item = (Date, Color)>) -> usize {
        days.into_iter()
            .filter(|(day, color)| self.days.insert(*day, *color).is_none())
            .count()
    }

    pub fn color(&self, day: Date) -> Option<Color> {
        self.days.get(&day).copied()
    }

    pub fn days(&self) -> impl Iterator<Item = (Date, Color)> + '_ {
        self.days.iter().map(|(d, c)| (*d, *c))
    }

    /// The days of a season still missing from the cache, up to `last` (to re-fetch).
    pub fn missing(&self, from: Date, last: Date) -> Vec<Date> {
        let mut out = Vec::new();
        let mut day = from;
        while day <= last {
            if !self.days.contains_key(&day) {
                out.push(day);
            }
            match day.tomorrow() {
                Ok(next) => day = next,
                Err(_) => break,
            }
        }
        out
    }
}

/// Reads the grid operator's publication. One implementation per format, so that a correction
/// stays local.
pub trait TempoFeedParser {
    fn parse(&self, bytes: &[u8]) -> Result<Vec<(Date, Color)>, TariffError>;
}

/// RTE's keyless open-data feed, as public clients read it: `GET …/cms/open_data/v1/tempoLight`
/// (a few days around today) and `GET …/cms/open_data/v1/tempo?season=2025-2026` (a season),
/// both answering `{"values": {"2025-01-15": "BLUE", "2025-01-16-fallback": "false", …}}`, colours
/// `BLUE`, `WHITE`, `RED`. A `YYYY-MM-DD-fallback` of `"true"` marks a colour RTE has not
/// confirmed: such a day is left out (unknown), as one public client does. A day not yet
/// published is absent. Unconfirmed from public sources: which days `tempoLight` lists, and
/// whether `fallback` ever appears in the season feed.
#[derive(Debug, Clone, Copy, Default)]
pub struct RteOpenData;

#[derive(Deserialize)]
struct Feed {
    values: BTreeMap<String, serde_json::Value>,
}

impl TempoFeedParser for RteOpenData {
    fn parse(&self, bytes: &[u8]) -> Result<Vec<(Date, Color)>, TariffError> {
        let feed: Feed =
            serde_json::from_slice(bytes).map_err(|e| TariffError::BadFeed(e.to_string()))?;
        let unconfirmed = |day: &str| {
            feed.values
                .get(&format!("{day}-fallback"))
                .is_some_and(|v| v.as_str() == Some("true") || v.as_bool() == Some(true))
        };
        let mut out = Vec::new();
        for (key, value) in &feed.values {
            let Ok(day) = Date::strptime("%Y-%m-%d", key) else {
                continue; // `…-fallback` and anything else that is not a day
            };
            if unconfirmed(key) {
                continue;
            }
            // RTE writes nothing else for a published day; anything else is not a colour.
            let color = value
                .as_str()
                .and_then(Color::from_rte)
                .ok_or_else(|| TariffError::BadFeed(format!("{key}: {value}")))?;
            out.push((day, color));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use jiff::civil::date;

    use super::*;

    #[test]
    fn the_feed_reads_days_and_skips_unconfirmed_ones() {
        let body = br#"{"values":{"2026-01-14":"RED","2026-01-14-fallback":"false",
            "2026-01-15":"WHITE","2026-01-15-fallback":"true","2026-01-13":"BLUE"}}"#;
        let days = RteOpenData.parse(body).unwrap();
        assert_eq!(
            days,
            vec![
                (date(2026, 1, 13), Color::Blue),
                (date(2026, 1, 14), Color::Red)
            ]
        );
        assert!(
            RteOpenData
                .parse(br#"{"values":{"2026-01-13":"GREEN"}}"#)
                .is_err()
        );
        assert!(RteOpenData.parse(b"<html>").is_err());
    }

    #[test]
    fn a_tempo_day_runs_from_six_to_six() {
        // 2026-01-15 05:30 in Paris (UTC+1) belongs to the Tempo day of the 14th, off-peak.
        let at: Timestamp = "2026-01-15T04:30:00Z".parse().unwrap();
        assert_eq!(tempo_slot(at), (date(2026, 1, 14), true));
        let at: Timestamp = "2026-01-15T05:00:00Z".parse().unwrap(); // 06:00
        assert_eq!(tempo_slot(at), (date(2026, 1, 15), false));
        let at: Timestamp = "2026-01-15T21:00:00Z".parse().unwrap(); // 22:00
        assert_eq!(tempo_slot(at), (date(2026, 1, 15), true));
    }

    #[test]
    fn seasons_and_their_blue_days() {
        assert_eq!(season_start(date(2026, 8, 31)), date(2025, 9, 1));
        assert_eq!(season_start(date(2026, 9, 1)), date(2026, 9, 1));
        assert_eq!(blue_days(date(2027, 9, 1)), 301); // February 2028 has 29 days
        assert_eq!(blue_days(date(2026, 9, 1)), 300);
    }

    #[test]
    fn the_calendar_caches_and_lists_what_is_missing() {
        let mut cal = TempoCalendar::new();
        assert_eq!(cal.merge([(date(2026, 1, 1), Color::Blue)]), 1);
        assert_eq!(cal.merge([(date(2026, 1, 1), Color::Blue)]), 0);
        assert_eq!(
            cal.missing(date(2026, 1, 1), date(2026, 1, 3)),
            vec![date(2026, 1, 2), date(2026, 1, 3)]
        );
    }
}
