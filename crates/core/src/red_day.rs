//! The evening before a red Tempo day, tell the user: electricity costs several times more from
//! 06:00 the next day until 06:00 the day after, and the evening is when a household can still
//! plan around it (a dishwasher delayed, the heating lowered). A pure state machine beside
//! [`crate::alerts`], fed the energy view's Tempo colours and the time; the shell shows its
//! [`RedDayAlert`]s as desktop notifications.
//!
//! - From [`WARN_FROM`] (18:00, French time) on the day before, or as soon as the colour is known
//!   after that (published late, or the app started in the evening).
//! - Once per red day: [`RedDayAlerts::told`] is what the shell keeps so that a restart the same
//!   evening does not repeat it.
//! - Only while the colours are shown ([`crate::energy::EnergyView::tempo`] is `Some`: a meter's
//!   offer is Tempo, or the user asked for them): nobody else cares about red days.
//! - Told whether or not the window is looked at, unlike [`crate::alerts`]: the window says
//!   tomorrow's colour on the energy screen at most, never that the evening is the time to act.

use hearth_metering::paris;
use hearth_tariff::Color;
use jiff::Timestamp;
use jiff::civil::{Date, Time};

use crate::energy::TempoView;

/// The time of the evening from which a red tomorrow is told, French time.
pub const WARN_FROM: Time = Time::constant(18, 0, 0, 0);

/// Tomorrow is a red Tempo day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RedDayAlert {
    /// The red day (its Tempo day runs from 06:00 that day to 06:00 the next).
    pub day: Date,
}

/// See the module documentation.
#[derive(Debug, Default)]
pub struct RedDayAlerts {
    told: Option<Date>,
}

impl RedDayAlerts {
    /// `told`: the last red day already told (kept by the shell across restarts).
    pub fn new(told: Option<Date>) -> Self {
        Self { told }
    }

    /// The last red day told.
    pub fn told(&self) -> Option<Date> {
        self.told
    }

    /// What to tell at `now`, given the colours the energy view shows (`None`: not shown).
    pub fn observe(&mut self, now: Timestamp, tempo: Option<&TempoView>) -> Option<RedDayAlert> {
        let day = red_tomorrow(now, tempo)?;
        if self.told == Some(day) || paris::zone().to_datetime(now).time() < WARN_FROM {
            return None;
        }
        self.told = Some(day);
        Some(RedDayAlert { day })
    }

    /// When to look again with no change to the view: 18:00 today if tomorrow is red and not
    /// told yet. A colour published later changes the view, which the caller follows anyway.
    pub fn next_due(&self, now: Timestamp, tempo: Option<&TempoView>) -> Option<Timestamp> {
        let day = red_tomorrow(now, tempo)?;
        if self.told == Some(day) {
            return None;
        }
        let evening = paris::zone().to_datetime(now).date().to_datetime(WARN_FROM);
        let at = paris::zone().to_timestamp(evening).ok()?;
        (at > now).then_some(at)
    }
}

/// Tomorrow (the French day after `now`'s) if the view says it is red. A view computed before
/// midnight names another "tomorrow": it says nothing about this one.
fn red_tomorrow(now: Timestamp, tempo: Option<&TempoView>) -> Option<Date> {
    let tempo = tempo?;
    let tomorrow = paris::zone().to_datetime(now).date().tomorrow().ok()?;
    let day = paris::parse_date(&tempo.tomorrow.day).ok()?;
    (day == tomorrow && tempo.tomorrow.color == Some(Color::Red)).then_some(day)
}

#[cfg(test)]
mod tests {
    use hearth_tariff::Color;
    use jiff::Timestamp;
    use jiff::civil::{Date, date};

    use super::{RedDayAlert, RedDayAlerts};
    use crate::energy::{TempoDay, TempoView};

    /// `HH:MM` French time on `day`.
    fn at(day: Date, hour: i8, minute: i8) -> Timestamp {
        day.at(hour, minute, 0, 0)
            .to_zoned(jiff::tz::TimeZone::get("Europe/Paris").unwrap())
            .unwrap()
            .timestamp()
    }

    fn view(today: Date, tomorrow: Option<Color>) -> TempoView {
        TempoView {
            today: TempoDay {
                day: today.to_string(),
                color: Some(Color::Blue),
            },
            tomorrow: TempoDay {
                day: today.tomorrow().unwrap().to_string(),
                color: tomorrow,
            },
        }
    }

    fn red(day: Date) -> RedDayAlert {
        RedDayAlert { day }
    }

    #[test]
    fn a_red_tomorrow_is_told_once_from_18_00() {
        let today = date(2026, 1, 14);
        let tomorrow = date(2026, 1, 15);
        let tempo = view(today, Some(Color::Red));
        let mut alerts = RedDayAlerts::default();
        assert_eq!(alerts.observe(at(today, 11, 0), Some(&tempo)), None);
        assert_eq!(
            alerts.next_due(at(today, 11, 0), Some(&tempo)),
            Some(at(today, 18, 0))
        );
        assert_eq!(alerts.observe(at(today, 17, 59), Some(&tempo)), None);
        assert_eq!(
            alerts.observe(at(today, 18, 0), Some(&tempo)),
            Some(red(tomorrow))
        );
        assert_eq!(alerts.told(), Some(tomorrow));
        assert_eq!(alerts.next_due(at(today, 18, 0), Some(&tempo)), None);
        // Not again that evening, however often the view changes.
        assert_eq!(alerts.observe(at(today, 18, 1), Some(&tempo)), None);
        assert_eq!(alerts.observe(at(today, 23, 59), Some(&tempo)), None);
    }

    #[test]
    fn blue_white_unknown_or_hidden_colours_say_nothing() {
        let today = date(2026, 1, 14);
        let mut alerts = RedDayAlerts::default();
        for colour in [Some(Color::Blue), Some(Color::White), None] {
            let tempo = view(today, colour);
            assert_eq!(alerts.observe(at(today, 19, 0), Some(&tempo)), None);
            assert_eq!(alerts.next_due(at(today, 12, 0), Some(&tempo)), None);
        }
        // The colours are not shown (no Tempo offer, not asked for): nothing, not even later.
        assert_eq!(alerts.observe(at(today, 19, 0), None), None);
        assert_eq!(alerts.next_due(at(today, 12, 0), None), None);
        assert_eq!(alerts.told(), None);
        let tempo = view(today, Some(Color::Red));
        assert_eq!(
            alerts.observe(at(today, 19, 0), Some(&tempo)),
            Some(red(date(2026, 1, 15))),
            "shown again, told"
        );
    }

    /// Published late (after 18:00), or the app started at 21:00: told at once.
    #[test]
    fn a_colour_known_after_18_00_is_told_at_once() {
        let today = date(2026, 2, 2);
        let mut alerts = RedDayAlerts::default();
        let unknown = view(today, None);
        assert_eq!(alerts.observe(at(today, 18, 30), Some(&unknown)), None);
        let tempo = view(today, Some(Color::Red));
        assert_eq!(
            alerts.observe(at(today, 19, 45), Some(&tempo)),
            Some(red(date(2026, 2, 3)))
        );
        let mut started_late = RedDayAlerts::new(None);
        assert_eq!(
            started_late.observe(at(today, 21, 0), Some(&tempo)),
            Some(red(date(2026, 2, 3)))
        );
    }

    /// A restart the same evening finds the day it told: nothing again; the next red day is
    /// told as usual.
    #[test]
    fn a_restart_the_same_evening_does_not_repeat_it() {
        let today = date(2026, 1, 14);
        let mut first = RedDayAlerts::new(None);
        let tempo = view(today, Some(Color::Red));
        assert!(first.observe(at(today, 18, 5), Some(&tempo)).is_some());
        let mut restarted = RedDayAlerts::new(first.told());
        assert_eq!(restarted.observe(at(today, 18, 10), Some(&tempo)), None);
        assert_eq!(restarted.next_due(at(today, 18, 10), Some(&tempo)), None);
        // Two red days in a row: the second is told the evening of the first.
        let next = date(2026, 1, 15);
        let again = view(next, Some(Color::Red));
        assert_eq!(
            restarted.observe(at(next, 18, 0), Some(&again)),
            Some(red(date(2026, 1, 16)))
        );
    }

    /// A view computed before midnight names yesterday's "tomorrow": after midnight it is today,
    /// whose red day has started, and nothing is said (nor scheduled).
    #[test]
    fn a_stale_view_after_midnight_says_nothing() {
        let today = date(2026, 1, 14);
        let tempo = view(today, Some(Color::Red));
        let mut alerts = RedDayAlerts::default();
        let after_midnight = at(date(2026, 1, 15), 0, 30);
        assert_eq!(alerts.observe(after_midnight, Some(&tempo)), None);
        assert_eq!(alerts.next_due(after_midnight, Some(&tempo)), None);
    }

    /// 18:00 is French time on both sides of the clock changes: 17:00 UTC in winter, 16:00 UTC
    /// in summer, and on the days the clocks change.
    #[test]
    fn eighteen_hundred_is_french_time_across_dst() {
        let utc = |s: &str| s.parse::<Timestamp>().unwrap();
        for (today, evening_utc) in [
            // Winter (UTC+1).
            (date(2026, 1, 14), "2026-01-14T17:00:00Z"),
            // The day clocks go forward (29 March 2026): the evening is UTC+2.
            (date(2026, 3, 29), "2026-03-29T16:00:00Z"),
            // Summer (UTC+2).
            (date(2026, 3, 30), "2026-03-30T16:00:00Z"),
            // The day clocks go back (25 October 2026): the evening is UTC+1 again.
            (date(2026, 10, 25), "2026-10-25T17:00:00Z"),
        ] {
            let tempo = view(today, Some(Color::Red));
            let mut alerts = RedDayAlerts::default();
            let morning = at(today, 9, 0);
            assert_eq!(
                alerts.next_due(morning, Some(&tempo)),
                Some(utc(evening_utc)),
                "{today}"
            );
            let just_before = utc(evening_utc) - jiff::SignedDuration::from_secs(1);
            assert_eq!(alerts.observe(just_before, Some(&tempo)), None, "{today}");
            assert!(
                alerts.observe(utc(evening_utc), Some(&tempo)).is_some(),
                "{today}"
            );
        }
    }
}
