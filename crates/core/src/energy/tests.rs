use std::collections::BTreeMap;

use hearth_metering::{Interval, paris};
use jiff::civil::{Date, date};
use jiff::{SignedDuration, Timestamp};

use super::series::{self, Flow, instant_string};
use super::*;

fn known(values: &[(Date, u32)]) -> BTreeMap<Date, u32> {
    values.iter().copied().collect()
}

#[test]
fn a_daily_series_has_every_day_with_gaps_as_null_and_last_year_beside() {
    let values = known(&[
        (date(2028, 2, 28), 10_000),
        // 29 February 2028 is missing: a gap, not 0.
        (date(2028, 3, 1), 12_000),
        (date(2027, 2, 28), 9_000),
        (date(2027, 3, 1), 0),
    ]);
    let s = series::daily(
        "1",
        Flow::Consumption,
        date(2028, 2, 28),
        date(2028, 3, 2),
        &values,
    )
    .unwrap();
    let shown: Vec<_> = s
        .days
        .iter()
        .map(|d| {
            (
                d.date.as_str(),
                d.wh,
                d.previous_date.as_str(),
                d.previous_wh,
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            ("2028-02-28", Some(10_000), "2027-02-28", Some(9_000)),
            ("2028-02-29", None, "2027-02-28", Some(9_000)),
            ("2028-03-01", Some(12_000), "2027-03-01", Some(0)),
        ]
    );
    assert_eq!((s.total_wh, s.missing_days), (22_000, 1));
    assert_eq!((s.previous_total_wh, s.previous_missing_days), (18_000, 0));
    assert!(
        series::daily(
            "1",
            Flow::Consumption,
            date(2028, 3, 2),
            date(2028, 3, 2),
            &values
        )
        .is_err()
    );
}

fn half_hours(day: Date, watts: impl Fn(usize) -> Option<u32>) -> Vec<(Interval, u32)> {
    paris::half_hours(day)
        .unwrap()
        .into_iter()
        .enumerate()
        .filter_map(|(i, start)| {
            let end = start.checked_add(SignedDuration::from_mins(30)).unwrap();
            watts(i).map(|w| (Interval { start, end }, w))
        })
        .collect()
}

#[test]
fn a_load_curve_keeps_50_and_46_half_hours_on_the_days_the_clocks_change() {
    let mut readings = half_hours(date(2026, 10, 25), |i| (i != 5).then_some(1_000));
    readings.extend(half_hours(date(2026, 10, 26), |_| Some(600)));
    let curve = series::load_curve(
        "1",
        Flow::Consumption,
        date(2026, 10, 25),
        date(2026, 10, 28),
        &readings,
    )
    .unwrap();
    let counts: Vec<u32> = curve.days.iter().map(|d| d.count).collect();
    assert_eq!(counts, [50, 48, 48]);
    assert_eq!(curve.points.len(), 146);
    assert_eq!(curve.step_minutes, 30);
    let first = &curve.days[0];
    assert_eq!(first.start, "2026-10-25T00:00:00+02:00");
    assert_eq!(first.end, "2026-10-26T00:00:00+01:00");
    // The repeated hour: 02:00 twice, once in summer time and once in winter time.
    let two = curve.points[..50]
        .iter()
        .filter(|p| p.start.contains("T02:00:00"))
        .count();
    assert_eq!(two, 2);
    assert_eq!(curve.points[5].w, None, "a missing half hour is a gap");
    assert_eq!((first.missing, first.wh), (1, 49 * 500));
    assert_eq!((curve.days[1].missing, curve.days[1].wh), (0, 48 * 300));
    assert_eq!(
        curve.days[2].missing, 48,
        "a day not fetched yet is all gaps"
    );
    assert_eq!(curve.max_w, Some(1_000));

    let march = series::load_curve(
        "1",
        Flow::Consumption,
        date(2026, 3, 29),
        date(2026, 3, 30),
        &[],
    )
    .unwrap();
    assert_eq!(march.days[0].count, 46);
    assert!(
        march.points.iter().all(|p| !p.start.contains("T02:")),
        "02:xx does not exist"
    );
    assert_eq!(march.max_w, None);
}

#[test]
fn maximum_power_counts_days_above_the_subscribed_power_and_finds_the_highest() {
    let at = |s: &str| s.parse::<Timestamp>().unwrap();
    let peaks: BTreeMap<Date, (u32, Timestamp)> = [
        (date(2026, 1, 5), (9_450, at("2026-01-05T18:17:17Z"))),
        (date(2026, 1, 7), (5_000, at("2026-01-07T07:02:17Z"))),
    ]
    .into_iter()
    .collect();
    let s = series::max_power("1", date(2026, 1, 5), date(2026, 1, 8), &peaks, Some(9)).unwrap();
    assert_eq!(s.subscribed_va, Some(9_000));
    assert_eq!(s.days_above, 1);
    assert_eq!(s.days[1].va, None);
    assert_eq!(s.days[1].at, None);
    let highest = s.highest.unwrap();
    assert_eq!(highest.date, "2026-01-05");
    assert_eq!(highest.at.as_deref(), Some("2026-01-05T19:17:17+01:00"));
}

#[test]
fn totals_compare_only_the_days_known_in_both_years() {
    let values = known(&[
        (date(2026, 11, 1), 10_000),
        (date(2026, 11, 2), 11_000),
        (date(2026, 11, 3), 30_000),
        (date(2025, 11, 1), 8_000),
        (date(2025, 11, 2), 12_000),
        // 3 November 2025 is a gap: the 30 kWh of 2026 are not compared with nothing.
        (date(2025, 11, 20), 5_000),
    ]);
    let t = series::totals("1", Flow::Consumption, date(2026, 11, 3), &values).unwrap();
    assert_eq!(
        (t.month.as_str(), t.through.as_str()),
        ("2026-11-01", "2026-11-03")
    );
    assert_eq!((t.this_month_wh, t.this_month_missing), (51_000, 0));
    assert_eq!((t.last_year_wh, t.last_year_missing), (20_000, 1));
    assert_eq!(t.last_year_month_wh, 25_000);
    assert_eq!(t.compared_days, 2);
    let change = t.change_percent.unwrap();
    assert!((change - 5.0).abs() < 1e-9, "{change}");

    let nothing =
        series::totals("1", Flow::Consumption, date(2026, 11, 3), &BTreeMap::new()).unwrap();
    assert_eq!(nothing.change_percent, None);
}

#[test]
fn instants_carry_the_offset_of_french_legal_time() {
    let winter: Timestamp = "2026-01-15T12:00:00Z".parse().unwrap();
    let summer: Timestamp = "2026-07-15T12:00:00Z".parse().unwrap();
    assert_eq!(instant_string(winter), "2026-01-15T13:00:00+01:00");
    assert_eq!(instant_string(summer), "2026-07-15T14:00:00+02:00");
}

#[test]
fn the_qr_code_is_the_encoders_matrix_drawn_as_a_path_without_styles() {
    let text = "http://127.0.0.1:8080/device?user_code=WDJB-MJHT";
    let qr = QrCode::new(text).unwrap();
    let matrix = qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::M).unwrap();
    let width = matrix.width();
    assert_eq!(usize::try_from(qr.size).unwrap(), width + 8);
    let colors = matrix.to_colors();
    for y in 0..qr.size {
        for x in 0..qr.size {
            let inside =
                (4..4 + width).contains(&(x as usize)) && (4..4 + width).contains(&(y as usize));
            let dark = inside
                && colors[(y as usize - 4) * width + (x as usize - 4)] == qrcode::Color::Dark;
            assert_eq!(qr.is_dark(x, y), dark, "module ({x}, {y})");
        }
    }
    // The finder pattern's corner is dark, the quiet zone light.
    assert!(qr.is_dark(4, 4));
    assert!(!qr.is_dark(3, 4));
    // Path data only: nothing a CSP could refuse.
    assert!(
        qr.path
            .chars()
            .all(|c| c.is_ascii_digit() || "Mhvz- ".contains(c))
    );
    let json = serde_json::to_string(&qr).unwrap();
    assert!(!json.contains("style"));
}

#[test]
fn views_serialize_in_the_shape_the_ui_reads() {
    let view = EnergyView {
        proxy: None,
        demo: false,
        link: Some(LinkView::Refused),
        meters: vec![MeterView {
            prm: "22516914714270".into(),
            name: None,
            state: MeterState::Syncing { done: 3, total: 40 },
            data_until: Some("2026-11-28".into()),
            last_day_wh: None,
            next_sync: None,
            consent_end: None,
            consent_ending_soon: false,
            subscribed_kva: Some(9),
            option: Some(hearth_tariff::TariffOption::Tempo),
            produces: false,
            load_curve_off: false,
            problem: Some(Problem::EnergyQuota {
                retry_at: "2026-11-29T09:00:00+01:00".into(),
            }),
        }],
        time_zone: TIME_ZONE.into(),
        tempo: Some(TempoView {
            today: TempoDay {
                day: "2026-11-29".into(),
                color: Some(hearth_tariff::Color::White),
            },
            tomorrow: TempoDay {
                day: "2026-11-30".into(),
                color: None,
            },
        }),
    };
    let json = serde_json::to_value(&view).unwrap();
    assert_eq!(json["meters"][0]["option"], "tempo");
    assert_eq!(
        json["tempo"],
        serde_json::json!({"today": {"day": "2026-11-29", "color": "white"},
            "tomorrow": {"day": "2026-11-30", "color": null}})
    );
    assert_eq!(json["link"], serde_json::json!({"step": "refused"}));
    assert_eq!(
        json["meters"][0]["state"],
        serde_json::json!({"state": "syncing", "done": 3, "total": 40})
    );
    assert_eq!(json["meters"][0]["problem"]["kind"], "energy_quota");
    assert_eq!(json["time_zone"], "Europe/Paris");
}

#[test]
fn a_consent_is_ending_soon_from_31_days_before_its_end() {
    let today = date(2026, 11, 30);
    let in_days = |n: i64| today.checked_add(jiff::ToSpan::days(n)).unwrap();
    assert!(!model::consent_ending_soon(in_days(32), today));
    assert!(model::consent_ending_soon(in_days(31), today));
    assert!(model::consent_ending_soon(in_days(0), today));
    assert!(
        model::consent_ending_soon(in_days(-1), today),
        "an ended consent is still to be renewed"
    );
}
