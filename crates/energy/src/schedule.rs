//! When the next sync runs: once a day after 08:00 (French time) with a per-meter jitter, at
//! once on start when the last daily run was missed, after a pause when Enedis said when, and on
//! demand. Pure functions of the clock and [`SyncTimes`].

use hearth_metering::paris;
use jiff::civil::Time;
use jiff::{SignedDuration, Timestamp};

use crate::history::SyncTimes;
use crate::plan::{PUBLISH_HOUR, add_days, paris_date};

/// The spread of the daily runs after 08:00: every Hearth at 08:00 sharp would spend a
/// community proxy's quota in the first minutes.
pub const JITTER_WINDOW: SignedDuration = SignedDuration::from_hours(1);

/// The next time a sync of this meter should start (`now` if it is due).
pub fn next_run(now: Timestamp, times: &SyncTimes, jitter: SignedDuration) -> Timestamp {
    if let Some(retry_at) = times.retry_at {
        // A paused sync resumes when Enedis said, not before.
        return retry_at.max(now);
    }
    let Some(last) = times.last_sync_at else {
        return now;
    };
    let today = paris_date(now);
    let slot_today = slot(today, jitter);
    let latest_slot = if now >= slot_today {
        slot_today
    } else {
        slot(add_days(today, -1), jitter)
    };
    if last < latest_slot {
        // On start after a missed daily run (the computer was off at 08:xx): now.
        return now;
    }
    if now < slot_today {
        slot_today
    } else {
        slot(add_days(today, 1), jitter)
    }
}

/// *Sync now*: at once, unless Enedis asked to wait (a quota or an outage), then when it said.
pub fn on_demand(now: Timestamp, times: &SyncTimes) -> Timestamp {
    times.retry_at.map_or(now, |at| at.max(now))
}

/// A meter's place in [`JITTER_WINDOW`], stable across runs (FNV-1a of its PRM), so that its
/// runs are a day apart while meters spread.
pub fn jitter_for(prm: &str) -> SignedDuration {
    let hash = prm.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let window = JITTER_WINDOW.as_secs().unsigned_abs().max(1);
    SignedDuration::from_secs(i64::try_from(hash % window).unwrap_or(0))
}

/// `day` at 08:00 French time, plus the jitter.
fn slot(day: jiff::civil::Date, jitter: SignedDuration) -> Timestamp {
    let at = paris::zone()
        .to_ambiguous_timestamp(day.to_datetime(Time::constant(PUBLISH_HOUR, 0, 0, 0)))
        .compatible()
        .unwrap_or(Timestamp::MAX);
    at.checked_add(jitter).unwrap_or(at)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn at(s: &str) -> Timestamp {
        paris::zone()
            .to_ambiguous_timestamp(paris::parse_datetime(s).unwrap())
            .compatible()
            .unwrap()
    }

    fn times(last: Option<&str>, retry: Option<&str>) -> SyncTimes {
        SyncTimes {
            last_sync_at: last.map(at),
            retry_at: retry.map(at),
        }
    }

    #[test]
    fn the_schedule() {
        let jitter = SignedDuration::from_mins(17);
        let cases = [
            // (now, last sync, retry at, expected)
            ("2026-11-30 07:00:00", None, None, "2026-11-30 07:00:00"),
            (
                "2026-11-30 07:00:00",
                Some("2026-11-29 08:20:00"),
                None,
                "2026-11-30 08:17:00",
            ),
            (
                "2026-11-30 09:00:00",
                Some("2026-11-30 08:20:00"),
                None,
                "2026-12-01 08:17:00",
            ),
            // Started at 10:00 after yesterday's run: stale since 08:17.
            (
                "2026-11-30 10:00:00",
                Some("2026-11-29 08:20:00"),
                None,
                "2026-11-30 10:00:00",
            ),
            // Off for days: at once.
            (
                "2026-11-30 07:00:00",
                Some("2026-11-25 08:20:00"),
                None,
                "2026-11-30 07:00:00",
            ),
            // Paused by a quota: when Enedis said.
            (
                "2026-11-30 09:00:00",
                Some("2026-11-29 08:20:00"),
                Some("2026-11-30 09:30:00"),
                "2026-11-30 09:30:00",
            ),
            // The retry time passed: at once.
            (
                "2026-11-30 10:00:00",
                Some("2026-11-30 08:20:00"),
                Some("2026-11-30 09:30:00"),
                "2026-11-30 10:00:00",
            ),
            // The October change: 08:17 is in winter time the day after.
            (
                "2026-10-25 09:00:00",
                Some("2026-10-25 08:20:00"),
                None,
                "2026-10-26 08:17:00",
            ),
        ];
        for (now, last, retry, expected) in cases {
            assert_eq!(
                next_run(at(now), &times(last, retry), jitter),
                at(expected),
                "now {now}, last {last:?}, retry {retry:?}"
            );
        }
    }

    #[test]
    fn on_demand_is_now_unless_enedis_asked_to_wait() {
        let now = at("2026-11-30 09:00:00");
        assert_eq!(
            on_demand(now, &times(Some("2026-11-30 08:20:00"), None)),
            now
        );
        assert_eq!(
            on_demand(now, &times(None, Some("2026-11-30 09:05:00"))),
            at("2026-11-30 09:05:00")
        );
    }

    #[test]
    fn jitter_is_stable_within_the_hour_and_spreads_meters() {
        let a = jitter_for("22516914714270");
        assert_eq!(a, jitter_for("22516914714270"));
        assert!(a >= SignedDuration::ZERO && a < JITTER_WINDOW);
        let spread: std::collections::BTreeSet<i64> = (0..20)
            .map(|n| jitter_for(&format!("225169147142{n:02}")).as_secs())
            .collect();
        assert!(spread.len() > 10, "{spread:?}");
    }
}
