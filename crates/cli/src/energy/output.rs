//! What the energy commands print: aligned text for people, the app's own series as JSON for
//! scripts (what the window draws, gaps as `null`), and CSV.
//!
//! A day or half hour the history lacks is printed as `-` (an empty CSV field, `null` in JSON),
//! never as 0: a day Enedis has not published yet is not a day without consumption.

use std::fmt::Write as _;

use hearth_core::energy::{DailySeries, LoadCurve, MaxPowerSeries, MeterState, MeterView};
use hearth_core::problem::Problem;
use serde::Serialize;

use super::args::CsvLocale;

/// Pretty JSON of `value` (the app's IPC types: always serializable).
pub fn json(value: &impl Serialize) -> String {
    match serde_json::to_string_pretty(value) {
        Ok(text) => format!("{text}\n"),
        Err(err) => format!("{{\"error\": \"cannot write JSON: {err}\"}}\n"),
    }
}

/// Wh as kWh with every digit kept (`12345` → `12.345`), in integers so nothing rounds.
pub fn kwh(wh: u32, decimal: char) -> String {
    format!("{}{decimal}{:03}", wh / 1000, wh % 1000)
}

fn or_gap(value: Option<String>) -> String {
    value.unwrap_or_else(|| "-".to_owned())
}

/// `HH:MM` of an instant written `YYYY-MM-DDTHH:MM:SS+HH:MM` (French legal time).
fn clock(instant: &str) -> &str {
    instant.get(11..16).unwrap_or(instant)
}

/// The UTC offset of such an instant (`+01:00`), which tells the two 02:30 of an October night
/// apart.
fn offset(instant: &str) -> &str {
    instant.get(19..).unwrap_or("")
}

pub fn daily(series: &DailySeries) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "date          kWh  | a year before      kWh");
    for day in &series.days {
        let _ = writeln!(
            out,
            "{}  {:>9}  | {}  {:>9}",
            day.date,
            or_gap(day.wh.map(|wh| kwh(wh, '.'))),
            day.previous_date,
            or_gap(day.previous_wh.map(|wh| kwh(wh, '.'))),
        );
    }
    let _ = writeln!(
        out,
        "total       {:>9}  |              {:>9}",
        kwh(series.total_wh, '.'),
        kwh(series.previous_total_wh, '.'),
    );
    if series.missing_days > 0 || series.previous_missing_days > 0 {
        let _ = writeln!(
            out,
            "missing days: {} (a year before: {}); a missing day is not counted as 0",
            series.missing_days, series.previous_missing_days
        );
    }
    out
}

pub fn curve(curve: &LoadCurve) -> String {
    let mut out = String::new();
    for day in &curve.days {
        let missing = if day.missing > 0 {
            format!(", {} missing", day.missing)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "{}  {} intervals of {} min, {} kWh{missing}",
            day.date,
            day.count,
            curve.step_minutes,
            kwh(day.wh, '.')
        );
        let first = usize::try_from(day.first).unwrap_or(usize::MAX);
        let count = usize::try_from(day.count).unwrap_or(0);
        for point in curve.points.iter().skip(first).take(count) {
            // The start and its offset alone: on the night the clocks go back, the first 02:30
            // (+02:00) ends at 02:00 (+01:00), which a start-end pair would show backwards.
            let _ = writeln!(
                out,
                "  {} {}  {:>6} W",
                clock(&point.start),
                offset(&point.start),
                or_gap(point.w.map(|w| w.to_string())),
            );
        }
    }
    if let Some(max) = curve.max_w {
        let _ = writeln!(out, "highest: {max} W");
    }
    out
}

pub fn max_power(series: &MaxPowerSeries) -> String {
    let mut out = String::new();
    if let Some(line) = series.subscribed_va {
        let _ = writeln!(out, "subscribed power: {line} VA");
    }
    let _ = writeln!(out, "date             VA  at");
    for day in &series.days {
        let above = match (day.va, series.subscribed_va) {
            (Some(va), Some(line)) if va > line => "  above the subscribed power",
            _ => "",
        };
        let _ = writeln!(
            out,
            "{}  {:>7}  {}{above}",
            day.date,
            or_gap(day.va.map(|va| va.to_string())),
            or_gap(
                day.at
                    .as_deref()
                    .map(|at| format!("{} {}", clock(at), offset(at)))
            ),
        );
    }
    if let Some(highest) = &series.highest {
        let _ = writeln!(
            out,
            "highest: {} VA on {}",
            highest.va.unwrap_or_default(),
            highest.date
        );
    }
    if series.days_above > 0 {
        let _ = writeln!(
            out,
            "days above the subscribed power: {}",
            series.days_above
        );
    }
    out
}

pub fn meters(meters: &[MeterView]) -> String {
    let mut out = String::new();
    if meters.is_empty() {
        let _ = writeln!(out, "No meter linked: hearth-cli energy link");
    }
    for meter in meters {
        let state = match &meter.state {
            MeterState::Linked => "linked".to_owned(),
            MeterState::Syncing { done, total } => format!("syncing ({done}/{total})"),
            MeterState::NeedsRelink => "must be linked again: hearth-cli energy link".to_owned(),
        };
        let name = meter
            .name
            .as_deref()
            .map_or_else(String::new, |n| format!(" ({n})"));
        let _ = writeln!(out, "{}{name}  {state}", meter.prm);
        let last_day = meter.last_day_wh.map_or_else(String::new, |wh| {
            format!(" ({} kWh that day)", kwh(wh, '.'))
        });
        let _ = writeln!(
            out,
            "  data up to:   {}{last_day}",
            meter.data_until.as_deref().unwrap_or("nothing yet")
        );
        if let Some(next) = &meter.next_sync {
            let _ = writeln!(out, "  next sync:    {next}");
        }
        if let Some(kva) = meter.subscribed_kva {
            let _ = writeln!(out, "  subscribed:   {kva} kVA");
        }
        if meter.produces {
            let _ = writeln!(out, "  produces:     yes");
        }
        if let Some(end) = &meter.consent_end {
            let soon = if meter.consent_ending_soon {
                " (soon: link it again before then)"
            } else {
                ""
            };
            let _ = writeln!(out, "  consent ends: {end}{soon}");
        }
        if meter.load_curve_off {
            let _ = writeln!(
                out,
                "  load curve:   empty; its collection is most likely off: switch it on in your \
                 Enedis customer account (\"Gérer l'accès à mes données\", \"Enregistrement de la \
                 consommation horaire\")"
            );
        }
        if let Some(problem) = &meter.problem {
            let _ = writeln!(out, "  last sync:    {}", problem_text(problem));
        }
    }
    out
}

/// A meter's problem in English (the window's words are the UI's catalogues').
pub fn problem_text(problem: &Problem) -> String {
    match problem {
        Problem::EnergyNoProxy => "no energy proxy is set".to_owned(),
        Problem::EnergyProxyUnreachable { detail } => {
            format!("the energy proxy could not be reached ({detail})")
        }
        Problem::EnergyNoConsent => {
            "the consent does not cover this meter any more: hearth-cli energy link".to_owned()
        }
        Problem::EnergyNotHolder => {
            "the account that consented does not hold this meter's contract".to_owned()
        }
        Problem::EnergyBeforeActivation { activation } => match activation {
            Some(day) => format!("nothing before the meter's activation on {day}"),
            None => "nothing before the meter's activation".to_owned(),
        },
        Problem::EnergyOutage { retry_at } => {
            format!("Enedis is unavailable; the next try is at {retry_at}")
        }
        Problem::EnergyQuota { retry_at } => {
            format!("Enedis's quota is spent; the next try is at {retry_at}")
        }
        other => serde_json::to_value(other)
            .ok()
            .and_then(|v| v.get("kind").and_then(|k| k.as_str()).map(str::to_owned))
            .unwrap_or_else(|| "stopped".to_owned()),
    }
}

/// The separator and decimal mark of a [`CsvLocale`].
fn style(locale: CsvLocale) -> (char, char) {
    match locale {
        CsvLocale::En => (',', '.'),
        CsvLocale::Fr => (';', ','),
    }
}

/// Rows as CSV (RFC 4180 but with `\n` line ends, which every CSV reader takes and line tools
/// prefer); `None` is an empty field. Fields are dates, instants and numbers: none needs quoting.
fn csv(header: &[&str], rows: impl Iterator<Item = Vec<Option<String>>>, sep: char) -> String {
    let mut out = header.join(&sep.to_string());
    out.push('\n');
    for row in rows {
        let cells: Vec<String> = row.into_iter().map(Option::unwrap_or_default).collect();
        out.push_str(&cells.join(&sep.to_string()));
        out.push('\n');
    }
    out
}

pub fn daily_csv(series: &DailySeries, locale: CsvLocale) -> String {
    let (sep, decimal) = style(locale);
    csv(
        &["date", "kwh", "previous_date", "previous_kwh"],
        series.days.iter().map(|day| {
            vec![
                Some(day.date.clone()),
                day.wh.map(|wh| kwh(wh, decimal)),
                Some(day.previous_date.clone()),
                day.previous_wh.map(|wh| kwh(wh, decimal)),
            ]
        }),
        sep,
    )
}

pub fn curve_csv(curve: &LoadCurve, locale: CsvLocale) -> String {
    let (sep, _) = style(locale);
    csv(
        &["start", "end", "w"],
        curve.points.iter().map(|point| {
            vec![
                Some(point.start.clone()),
                Some(point.end.clone()),
                point.w.map(|w| w.to_string()),
            ]
        }),
        sep,
    )
}

pub fn max_power_csv(series: &MaxPowerSeries, locale: CsvLocale) -> String {
    let (sep, _) = style(locale);
    csv(
        &["date", "va", "peak_at"],
        series.days.iter().map(|day| {
            vec![
                Some(day.date.clone()),
                day.va.map(|va| va.to_string()),
                day.at.clone(),
            ]
        }),
        sep,
    )
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use hearth_core::energy::Flow;
    use hearth_core::energy::series;
    use jiff::civil::date;

    use super::*;

    fn two_days_one_missing() -> DailySeries {
        let known = BTreeMap::from([(date(2026, 3, 28), 12_345), (date(2025, 3, 29), 9_005)]);
        series::daily(
            "22516914714270",
            Flow::Consumption,
            date(2026, 3, 28),
            date(2026, 3, 30),
            &known,
        )
        .unwrap()
    }

    #[test]
    fn kwh_keeps_every_watt_hour() {
        assert_eq!(kwh(12_345, '.'), "12.345");
        assert_eq!(kwh(5, ','), "0,005");
        assert_eq!(kwh(0, '.'), "0.000");
    }

    #[test]
    fn a_missing_day_is_a_gap_not_a_zero() {
        let text = daily(&two_days_one_missing());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[1], "2026-03-28     12.345  | 2025-03-28          -");
        assert_eq!(lines[2], "2026-03-29          -  | 2025-03-29      9.005");
        assert!(
            text.contains("missing days: 1 (a year before: 1)"),
            "{text}"
        );
        let csv = daily_csv(&two_days_one_missing(), CsvLocale::En);
        assert_eq!(
            csv,
            "date,kwh,previous_date,previous_kwh\n\
             2026-03-28,12.345,2025-03-28,\n\
             2026-03-29,,2025-03-29,9.005\n"
        );
    }

    #[test]
    fn french_csv_has_semicolons_and_decimal_commas() {
        let csv = daily_csv(&two_days_one_missing(), CsvLocale::Fr);
        assert_eq!(csv.lines().nth(1), Some("2026-03-28;12,345;2025-03-28;"));
    }

    #[test]
    fn a_dst_day_shows_both_half_past_two_with_their_offsets() {
        // 25 October 2026: the clocks go back, 50 half hours.
        let curve = series::load_curve(
            "22516914714270",
            Flow::Consumption,
            date(2026, 10, 25),
            date(2026, 10, 26),
            &[],
        )
        .unwrap();
        let text = super::curve(&curve);
        assert!(
            text.starts_with("2026-10-25  50 intervals of 30 min"),
            "{text}"
        );
        assert!(
            text.contains("\n  02:30 +02:00       - W\n  02:00 +01:00"),
            "{text}"
        );
        assert!(
            text.contains("\n  02:30 +01:00       - W\n  03:00 +01:00"),
            "{text}"
        );
        let csv = curve_csv(&curve, CsvLocale::En);
        assert_eq!(csv.lines().count(), 51);
        assert!(
            csv.lines()
                .all(|line| line == "start,end,w" || line.ends_with(','))
        );
    }

    #[test]
    fn max_power_marks_days_above_the_subscribed_power() {
        let at = jiff::Timestamp::from_second(1_774_760_400).unwrap(); // 2026-03-29 07:00 +02:00
        let known = BTreeMap::from([(date(2026, 3, 29), (9_500, at))]);
        let series = series::max_power(
            "22516914714270",
            date(2026, 3, 28),
            date(2026, 3, 30),
            &known,
            Some(9),
        )
        .unwrap();
        let text = max_power(&series);
        assert!(text.contains("2026-03-28        -  -\n"), "{text}");
        assert!(
            text.contains("2026-03-29     9500  07:00 +02:00  above the subscribed power"),
            "{text}"
        );
        assert_eq!(
            max_power_csv(&series, CsvLocale::En),
            "date,va,peak_at\n2026-03-28,,\n2026-03-29,9500,2026-03-29T07:00:00+02:00\n"
        );
    }
}
