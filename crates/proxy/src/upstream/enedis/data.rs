//! Metering answers: the 2026 shape translated into the v5 `meter_reading` clients read, built
//! from hearth-metering's typed model (the one the app deserializes with).

use hearth_metering::paris::{self, Resolver};
use hearth_metering::{
    IntervalReading, MeterReading, MeterReadingResponse, MeteringError, ReadingType, parse_length,
};
use serde_json::Value;
use time::Date;
use time::macros::format_description;

use super::resources::{Measure, Shape};
use super::{Enedis, IntervalMark, UpstreamError, api};

impl Enedis {
    /// A metering resource in the v5 shape.
    pub async fn measure(
        &self,
        user: &str,
        measure: &Measure,
        prm: &str,
        start: Date,
        end: Date,
    ) -> Result<MeterReadingResponse, UpstreamError> {
        let (status, body) = self
            .call("metering", user, |token| {
                let mut url = self.url(measure.path)?;
                url.query_pairs_mut()
                    .append_pair(api::QUERY_POINT, prm)
                    .append_pair(api::QUERY_START, &fmt_date(start))
                    .append_pair(api::QUERY_END, &fmt_date(end))
                    .extend_pairs(measure.extra_query);
                Ok(self.http.get(url).bearer_auth(token.expose()))
            })
            .await?;
        check_data_status("metering", status, &body)?;
        to_v5(measure, prm, start, end, &body, self.curve_timestamps)
    }
}

/// The error code of an Enedis error body: `error` or `code`, a string or a number.
fn error_code(body: &Value) -> String {
    match body.get("error").or_else(|| body.get("code")) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Object(inner)) => inner
            .get("code")
            .map(|c| c.as_str().map_or_else(|| c.to_string(), str::to_owned))
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// What a data endpoint's status and error code mean (429 and 5xx are handled before, for every
/// endpoint, by `check_status`).
pub(super) fn check_data_status(
    endpoint: &'static str,
    status: u16,
    body: &Value,
) -> Result<(), UpstreamError> {
    let code = error_code(body);
    match status {
        200 => Ok(()),
        400 if code == api::BAD_RANGE => Err(UpstreamError::BadRange),
        400 => Err(UpstreamError::BadParameters),
        403 if code == api::NOT_SUBSCRIBED => Err(UpstreamError::NotSubscribed),
        403 if code == api::NOT_HOLDER => Err(UpstreamError::NotHolder),
        403 => Err(UpstreamError::NoConsent),
        // Still 401 with a renewed application token: the proxy's own credentials are refused,
        // which no user can fix by linking again.
        401 => Err(UpstreamError::BadResponse {
            endpoint,
            reason: "the application token is refused".into(),
        }),
        404 => Err(UpstreamError::NoData),
        other => Err(UpstreamError::BadResponse {
            endpoint,
            reason: format!("status {other}"),
        }),
    }
}

pub fn fmt_date(date: Date) -> String {
    date.format(format_description!("[year]-[month]-[day]"))
        .unwrap_or_default()
}

pub fn parse_date(value: &str) -> Option<Date> {
    Date::parse(value, format_description!("[year]-[month]-[day]")).ok()
}

/// The power of ten that turns a value in `unit` into the v5 base unit of `shape`.
fn unit_scale(shape: Shape, unit: &str) -> Option<u32> {
    match (shape, unit) {
        (Shape::DailyEnergy, "Wh") | (Shape::LoadCurve, "W") | (Shape::MaxPower, "VA") => Some(0),
        (Shape::DailyEnergy, "kWh") | (Shape::LoadCurve, "kW") | (Shape::MaxPower, "kVA") => {
            Some(3)
        }
        _ => None,
    }
}

/// An exact decimal string times 10^`exp`, rounded half up to an integer: `"4.0785"` kW is
/// 4079 W. No floating point, so no 4077.9999 surprises.
pub fn scale_decimal(value: &str, exp: u32) -> Option<i64> {
    let value = value.trim();
    let (negative, digits) = value
        .strip_prefix('-')
        .map_or((false, value), |rest| (true, rest));
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if (int.is_empty() && frac.is_empty())
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let exp = exp as usize;
    let kept: String = frac
        .chars()
        .chain(std::iter::repeat('0'))
        .take(exp)
        .collect();
    let mut n = format!("{}{kept}", if int.is_empty() { "0" } else { int })
        .parse::<i64>()
        .ok()?;
    if frac.as_bytes().get(exp).is_some_and(|b| *b >= b'5') {
        n = n.checked_add(1)?;
    }
    Some(if negative { -n } else { n })
}

/// A `time` date as jiff's civil date (the model's).
fn civil(date: Date) -> Result<jiff::civil::Date, UpstreamError> {
    let bad = || UpstreamError::BadResponse {
        endpoint: "metering",
        reason: "a date out of range".into(),
    };
    jiff::civil::Date::new(
        i16::try_from(date.year()).map_err(|_| bad())?,
        i8::try_from(u8::from(date.month())).map_err(|_| bad())?,
        i8::try_from(date.day()).map_err(|_| bad())?,
    )
    .map_err(|_| bad())
}

fn reading_type(shape: Shape) -> ReadingType {
    match shape {
        Shape::DailyEnergy => ReadingType::daily_energy(),
        Shape::LoadCurve => ReadingType::load_curve(),
        Shape::MaxPower => ReadingType::max_power(),
    }
}

/// Translates a 2026 metering answer into the v5 `meter_reading` existing clients read: values
/// as integer strings in the base unit (W, Wh, VA), daily dates `YYYY-MM-DD`, the maximum power
/// at the wall-clock time of its peak, load-curve dates `YYYY-MM-DD HH:MM:SS` marking the *end*
/// of their interval (the v5 convention), whatever convention `upstream_mark` says the 2026
/// answer uses. Load-curve dates are French wall-clock times: they are resolved to instants in
/// order (the repeated October hour is written twice), moved to the end of their interval and
/// written back, so a 46- or 50-half-hour day stays right. Points outside the asked period are
/// dropped.
pub fn to_v5(
    measure: &Measure,
    prm: &str,
    start: Date,
    end: Date,
    body: &Value,
    upstream_mark: IntervalMark,
) -> Result<MeterReadingResponse, UpstreamError> {
    const ENDPOINT: &str = "metering";
    let bad = |reason: &str| UpstreamError::BadResponse {
        endpoint: ENDPOINT,
        reason: reason.to_owned(),
    };
    let model = |e: MeteringError| UpstreamError::BadResponse {
        endpoint: ENDPOINT,
        reason: e.to_string(),
    };
    let grandeurs = body
        .get("grandeur")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("no grandeur"))?;
    let matches = |g: &&Value, field: &str, want: &str| {
        g.get(field)
            .and_then(Value::as_str)
            .is_none_or(|v| v == want)
    };
    let grandeur = grandeurs
        .iter()
        .find(|g| {
            matches(g, "grandeurMetier", measure.grandeur_metier)
                && matches(g, "grandeurPhysique", measure.grandeur_physique)
        })
        .ok_or(UpstreamError::NoData)?;
    let unit = grandeur
        .get("unite")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("no unit"))?;
    let exp =
        unit_scale(measure.shape, unit).ok_or_else(|| UpstreamError::Unit(unit.to_owned()))?;
    let points = grandeur
        .get("points")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("no points"))?;
    let (first_day, end_day) = (civil(start)?, civil(end)?);
    let (from, _) = paris::day_span(first_day).map_err(model)?;
    let (to, _) = paris::day_span(end_day).map_err(model)?;
    let mut resolver = Resolver::new();
    let mut readings = Vec::with_capacity(points.len());
    for point in points {
        let raw = match point.get("v") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => return Err(bad("a point without a value")),
        };
        let value = scale_decimal(&raw, exp).ok_or_else(|| bad("a value that is not a number"))?;
        let date = point
            .get("d")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("a point without a date"))?;
        let reading = match measure.shape {
            Shape::DailyEnergy => {
                let day = paris::parse_date(date.get(..10).unwrap_or(date)).map_err(model)?;
                if day < first_day || day >= end_day {
                    continue;
                }
                IntervalReading::daily(value, day)
            }
            Shape::MaxPower => {
                let at = paris::parse_datetime(date).map_err(model)?;
                if at.date() < first_day || at.date() >= end_day {
                    continue;
                }
                IntervalReading::max_power(value, at)
            }
            Shape::LoadCurve => {
                let at = resolver
                    .resolve(paris::parse_datetime(date).map_err(model)?)
                    .map_err(model)?;
                let length = point.get("p").and_then(Value::as_str).unwrap_or("PT30M");
                let period = parse_length(length).map_err(model)?;
                let end_of_interval = match upstream_mark {
                    IntervalMark::End => at,
                    IntervalMark::Start => at
                        .checked_add(period)
                        .map_err(|_| bad("a date out of range"))?,
                };
                if end_of_interval <= from || end_of_interval > to {
                    continue;
                }
                let measure_type = point.get("n").and_then(Value::as_str).unwrap_or("B");
                IntervalReading::load_curve(value, end_of_interval, length, measure_type)
            }
        };
        readings.push(reading);
    }
    let quality = body
        .get("etapeMetier")
        .and_then(Value::as_str)
        .unwrap_or("BRUT");
    Ok(MeterReadingResponse {
        meter_reading: MeterReading {
            usage_point_id: prm.to_owned(),
            start: fmt_date(start),
            end: fmt_date(end),
            quality: quality.to_owned(),
            reading_type: reading_type(measure.shape),
            interval_reading: readings,
        },
    })
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use serde_json::json;

    use super::super::resources::Resource;
    use super::*;

    #[test]
    fn decimals_scale_exactly() {
        assert_eq!(scale_decimal("4078", 0), Some(4078));
        assert_eq!(scale_decimal("4.078", 3), Some(4078));
        assert_eq!(scale_decimal("4.0785", 3), Some(4079));
        assert_eq!(scale_decimal("0.5", 0), Some(1));
        assert_eq!(scale_decimal(".25", 3), Some(250));
        assert_eq!(scale_decimal("12", 3), Some(12_000));
        assert_eq!(scale_decimal("-1.5", 3), Some(-1500));
        assert_eq!(scale_decimal("1e3", 0), None);
        assert_eq!(scale_decimal("", 0), None);
        assert_eq!(scale_decimal("1,5", 3), None);
    }

    fn measure(path: &str) -> &'static Measure {
        match Resource::from_v5_path(path) {
            Some(Resource::Measure(m)) => m,
            _ => panic!("{path}"),
        }
    }

    #[test]
    fn a_load_curve_in_kw_marked_at_start_becomes_v5_in_w_marked_at_end() {
        let body = json!({
            "idPrm": "22516914714270", "etapeMetier": "BRUT",
            "periode": {"dateDebut": "2026-09-29", "dateFin": "2026-09-30"},
            "grandeur": [{"grandeurMetier": "CONS", "grandeurPhysique": "PA", "unite": "kW", "points": [
                {"v": "4.078", "d": "2026-09-28 23:30:00", "p": "PT30M", "n": "B"},
                {"v": "0.35", "d": "2026-09-29 00:00:00", "p": "PT30M", "n": "B"},
                {"v": "0.5004", "d": "2026-09-29 23:30:00", "p": "PT30M", "n": "B"},
            ]}]
        });
        let v5 = serde_json::to_value(
            to_v5(
                measure("metering_data_clc/v5/consumption_load_curve"),
                "22516914714270",
                date!(2026 - 09 - 29),
                date!(2026 - 09 - 30),
                &body,
                IntervalMark::Start,
            )
            .unwrap(),
        )
        .unwrap();
        assert_eq!(
            v5,
            json!({"meter_reading": {
                "usage_point_id": "22516914714270", "start": "2026-09-29", "end": "2026-09-30", "quality": "BRUT",
                "reading_type": {"measurement_kind": "power", "unit": "W", "aggregate": "average"},
                "interval_reading": [
                    {"value": "350", "date": "2026-09-29 00:30:00", "interval_length": "PT30M", "measure_type": "B"},
                    {"value": "500", "date": "2026-09-30 00:00:00", "interval_length": "PT30M", "measure_type": "B"},
                ],
            }})
        );
    }

    #[test]
    fn a_load_curve_marked_at_end_keeps_its_timestamps() {
        let body = json!({"grandeur": [{"grandeurMetier": "CONS", "grandeurPhysique": "PA", "unite": "W", "points": [
            {"v": "4078", "d": "2026-09-29 00:00:00", "p": "PT30M"},
            {"v": "350", "d": "2026-09-29 00:30:00", "p": "PT30M"},
            {"v": "500", "d": "2026-09-30 00:00:00", "p": "PT30M"},
        ]}]});
        let v5 = serde_json::to_value(
            to_v5(
                measure("metering_data_clc/v5/consumption_load_curve"),
                "22516914714270",
                date!(2026 - 09 - 29),
                date!(2026 - 09 - 30),
                &body,
                IntervalMark::End,
            )
            .unwrap(),
        )
        .unwrap();
        let dates: Vec<_> = v5["meter_reading"]["interval_reading"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["date"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(
            dates,
            ["2026-09-29 00:30:00", "2026-09-30 00:00:00"],
            "00:00 ends the previous day's last interval"
        );
    }

    #[test]
    fn daily_energy_in_kwh_becomes_wh_and_unknown_units_are_refused() {
        let body = |unit: &str| {
            json!({"grandeur": [{"grandeurMetier": "CONS", "grandeurPhysique": "EA", "unite": unit, "points": [
            {"v": "12.345", "d": "2026-09-29"}, {"v": "9.9", "d": "2026-09-30T00:00:00"}]}]})
        };
        let dc = measure("metering_data_dc/v5/daily_consumption");
        let v5 = serde_json::to_value(
            to_v5(
                dc,
                "22516914714270",
                date!(2026 - 09 - 29),
                date!(2026 - 10 - 01),
                &body("kWh"),
                IntervalMark::End,
            )
            .unwrap(),
        )
        .unwrap();
        assert_eq!(
            v5["meter_reading"]["interval_reading"],
            json!([{"value": "12345", "date": "2026-09-29"}, {"value": "9900", "date": "2026-09-30"}])
        );
        assert_eq!(v5["meter_reading"]["reading_type"]["unit"], "Wh");
        assert!(
            matches!(to_v5(dc, "22516914714270", date!(2026 - 09 - 29), date!(2026 - 10 - 01), &body("MWh"), IntervalMark::End), Err(UpstreamError::Unit(u)) if u == "MWh")
        );
        assert!(matches!(
            to_v5(
                dc,
                "22516914714270",
                date!(2026 - 09 - 29),
                date!(2026 - 10 - 01),
                &body("W"),
                IntervalMark::End
            ),
            Err(UpstreamError::Unit(_))
        ));
    }

    #[test]
    fn production_is_not_read_from_a_consumption_grandeur() {
        let body = json!({"grandeur": [{"grandeurMetier": "CONS", "grandeurPhysique": "EA", "unite": "Wh", "points": []}]});
        let dp = measure("metering_data_dp/v5/daily_production");
        assert!(matches!(
            to_v5(
                dp,
                "22516914714270",
                date!(2026 - 09 - 29),
                date!(2026 - 10 - 01),
                &body,
                IntervalMark::End
            ),
            Err(UpstreamError::NoData)
        ));
    }

    /// What a meter writes on a change-of-time day (start marks): French wall-clock starts of
    /// 46 or 50 half hours, the repeated October hour twice.
    fn change_day(day: jiff::civil::Date) -> Value {
        let points: Vec<Value> = paris::half_hours(day)
            .unwrap()
            .iter()
            .map(|s| json!({"v": "100", "d": paris::local_string(*s), "p": "PT30M", "n": "B"}))
            .collect();
        json!({"grandeur": [{"grandeurMetier": "CONS", "grandeurPhysique": "PA", "unite": "W", "points": points}]})
    }

    #[test]
    fn change_of_time_days_keep_46_and_50_contiguous_half_hours() {
        let curve = measure("metering_data_clc/v5/consumption_load_curve");
        for (day, civil_day, count) in [
            (date!(2026 - 10 - 25), jiff::civil::date(2026, 10, 25), 50),
            (date!(2026 - 03 - 29), jiff::civil::date(2026, 3, 29), 46),
        ] {
            let v5 = to_v5(
                curve,
                "22516914714270",
                day,
                day.next_day().unwrap(),
                &change_day(civil_day),
                IntervalMark::Start,
            )
            .unwrap();
            let reading = &v5.meter_reading;
            assert_eq!(reading.interval_reading.len(), count, "{day}");
            let intervals = reading.intervals().unwrap();
            let (start, end) = paris::day_span(civil_day).unwrap();
            assert_eq!(intervals[0].start, start);
            assert_eq!(intervals[count - 1].end, end);
            for pair in intervals.windows(2) {
                assert_eq!(pair[0].end, pair[1].start, "{day}: contiguous");
            }
        }
    }
}
