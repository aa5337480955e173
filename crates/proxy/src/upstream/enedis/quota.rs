//! What every Enedis endpoint's 429 and 5xx mean for the pacer and the caller.
//!
//! Enedis's gateway throttles with a 429 whose body carries the code `900804` and a
//! `nextAccessTime`, the instant the quota opens again: every instance pauses until then (the
//! pause is in the store), not for a guessed back-off. The instant has been seen as ISO 8601 in
//! UTC with milliseconds (`2026-11-30T02:00:00.000Z`) and, from the same kind of gateway
//! elsewhere, as `2026-Sep-12 20:00:00+0000 UTC`; both are read, as is an epoch number.

use std::time::Duration;

use jiff::Timestamp;
use serde_json::Value;

use super::{Enedis, UpstreamError, api};

/// The longest pause a `nextAccessTime` may impose: a day (a daily quota's reset). Beyond that
/// the value is taken for garbage and the usual back-off applies.
const LONGEST_PAUSE: Duration = Duration::from_secs(24 * 3_600);

impl Enedis {
    /// Statuses every Enedis endpoint shares: 429 (pauses the pacer, everywhere) and 5xx.
    pub(super) async fn check_status(
        &self,
        endpoint: &'static str,
        status: u16,
        retry_after: Option<Duration>,
        body: &Value,
    ) -> Result<(), UpstreamError> {
        if status == 429 {
            let hint = next_access_time(body)
                .map(|until| until_from_now(until, Timestamp::now()))
                .or(retry_after);
            let pause = self.pacer.slow_down(hint).await;
            return Err(UpstreamError::RateLimited {
                endpoint,
                retry_after: Some(pause),
            });
        }
        if status >= 500 {
            return Err(UpstreamError::Outage {
                endpoint,
                status,
                retry_after,
            });
        }
        Ok(())
    }
}

/// How long from `now` until `until`: at least a second (a time already past still means
/// "not now"), at most [`LONGEST_PAUSE`].
fn until_from_now(until: Timestamp, now: Timestamp) -> Duration {
    let wait = Duration::try_from(until.duration_since(now)).unwrap_or_default();
    wait.clamp(Duration::from_secs(1), LONGEST_PAUSE)
}

/// The `nextAccessTime` of a throttling answer, wherever the gateway put it: at the top, in a
/// `fault` object, or inside a string holding JSON (some gateways wrap the body in `detail`).
pub fn next_access_time(body: &Value) -> Option<Timestamp> {
    match body {
        Value::Object(map) => map
            .get(api::NEXT_ACCESS_TIME)
            .and_then(parse_instant)
            .or_else(|| map.values().find_map(next_access_time)),
        Value::Array(items) => items.iter().find_map(next_access_time),
        Value::String(s) if s.trim_start().starts_with('{') => serde_json::from_str(s)
            .ok()
            .and_then(|v: Value| next_access_time(&v)),
        _ => None,
    }
}

fn parse_instant(value: &Value) -> Option<Timestamp> {
    match value {
        // Seconds or milliseconds since the epoch, told apart by size.
        Value::Number(n) => {
            let n = n.as_i64()?;
            if n > 100_000_000_000 {
                Timestamp::from_millisecond(n).ok()
            } else {
                Timestamp::from_second(n).ok()
            }
        }
        Value::String(s) => parse_instant_text(s),
        _ => None,
    }
}

fn parse_instant_text(text: &str) -> Option<Timestamp> {
    let text = text.trim();
    if let Ok(at) = text.parse::<Timestamp>() {
        return Some(at);
    }
    // ISO 8601 without an offset: the gateway's clock is UTC.
    if let Ok(at) = text.parse::<jiff::civil::DateTime>() {
        return at
            .to_zoned(jiff::tz::TimeZone::UTC)
            .ok()
            .map(|z| z.timestamp());
    }
    // `2026-Sep-12 20:00:00+0000 UTC`.
    let text = text.strip_suffix("UTC").map_or(text, str::trim_end);
    jiff::fmt::strtime::parse("%Y-%b-%d %H:%M:%S%z", text)
        .ok()?
        .to_timestamp()
        .ok()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn next_access_time_is_read_leniently() {
        let want = at("2026-09-12T20:00:00Z");
        for body in [
            json!({"code": "900804", "message": "Message throttled out", "nextAccessTime": "2026-09-12T20:00:00.000Z"}),
            json!({"code": "900804", "nextAccessTime": "2026-09-12T20:00:00Z"}),
            json!({"code": "900804", "nextAccessTime": "2026-09-12T22:00:00+02:00"}),
            json!({"code": "900804", "nextAccessTime": "2026-09-12T20:00:00.000"}),
            json!({"code": "900804", "nextAccessTime": "2026-Sep-12 20:00:00+0000 UTC"}),
            json!({"fault": {"code": 900_804, "nextAccessTime": 1_789_243_200_000_i64}}),
            json!({"detail": "{\"code\":\"900804\",\"nextAccessTime\":\"2026-Sep-12 20:00:00+0000 UTC\"}"}),
        ] {
            assert_eq!(next_access_time(&body), Some(want), "{body}");
        }
        assert_eq!(next_access_time(&json!({"code": "900804"})), None);
        assert_eq!(
            next_access_time(&json!({"nextAccessTime": "bientôt"})),
            None
        );
    }

    #[test]
    fn pauses_are_bounded() {
        let now = at("2026-09-12T19:59:00Z");
        assert_eq!(
            until_from_now(at("2026-09-12T20:00:00Z"), now),
            Duration::from_secs(60)
        );
        assert_eq!(
            until_from_now(at("2026-09-12T19:00:00Z"), now),
            Duration::from_secs(1),
            "a time already past"
        );
        assert_eq!(
            until_from_now(at("2027-09-12T19:00:00Z"), now),
            LONGEST_PAUSE
        );
    }
}
