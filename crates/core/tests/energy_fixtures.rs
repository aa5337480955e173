//! The energy screen's fixtures (`ui/tests/fixtures/energy-*.json`): the views core builds, for
//! each state of the screen, from the Enedis simulator's household (the same numbers the
//! simulator serves), with days and half hours withheld as the gaps a late Enedis leaves. The
//! browser tests render them and compare the numbers they show with these.
//! (`UPDATE_EXPECT=1 cargo test -p hearth-core --test energy_fixtures` writes them again.)

#![allow(clippy::unwrap_used)] // Test code: a failed step panics the test with its reason.

use std::collections::BTreeMap;

use hearth_core::energy::series::{self, Flow};
use hearth_core::energy::{
    EnergyView, LinkView, MeterState, MeterView, ProxyView, QrCode, TIME_ZONE,
};
use hearth_core::problem::Problem;
use hearth_metering::{Interval, paris};
use hearth_sim::enedis::data::{self as household, SandboxPrm};
use hearth_tariff::TariffOption;
use jiff::civil::{Date, date};
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

const HOUSE: &str = "22516914714270";
const FLAT: &str = "24880057139941";
const KILO: &str = "11453290002823";

/// The last complete day in every fixture: the screen is looked at on Monday 26 October 2026,
/// the day after the change of time (Sunday the 25th lasted 25 hours: 50 half hours).
fn through() -> Date {
    date(2026, 10, 25)
}

/// Days the history lacks: Enedis had not published them when the history was fetched.
fn withheld(day: Date) -> bool {
    [date(2026, 10, 12), date(2025, 10, 5)].contains(&day)
}

fn meter(prm: &str) -> &'static SandboxPrm {
    household::sandbox(prm).unwrap()
}

fn sim_date(day: Date) -> time::Date {
    time::Date::from_calendar_date(
        i32::from(day.year()),
        time::Month::try_from(u8::try_from(day.month()).unwrap()).unwrap(),
        u8::try_from(day.day()).unwrap(),
    )
    .unwrap()
}

fn each_day(from: Date, to: Date) -> impl Iterator<Item = Date> {
    from.series(jiff::Span::new().days(1))
        .take_while(move |d| *d < to)
}

/// What the history holds of a meter's daily energy over `[from, to)`, as the simulator serves
/// it, up to the last complete day.
fn daily_history(prm: &str, produced: bool, from: Date, to: Date) -> BTreeMap<Date, u32> {
    each_day(from, to)
        .filter(|d| *d <= through() && !withheld(*d))
        .map(|d| {
            let wh = household::daily_wh(meter(prm), sim_date(d), produced);
            (d, u32::try_from(wh).unwrap())
        })
        .collect()
}

/// The half hours the history holds for `day`: the simulator's average power for each, the
/// instants from French legal time (46, 48 or 50 of them).
fn curve_history(prm: &str, day: Date, skip: impl Fn(usize) -> bool) -> Vec<(Interval, u32)> {
    let starts = paris::half_hours(day).unwrap();
    let slots = household::paris::half_hours(sim_date(day));
    assert_eq!(
        starts.len(),
        slots.len(),
        "{day}: both count the same half hours"
    );
    starts
        .into_iter()
        .zip(slots)
        .enumerate()
        .filter(|(i, _)| !skip(*i))
        .map(|(_, (start, slot))| {
            let end = start.checked_add(SignedDuration::from_mins(30)).unwrap();
            let w = household::load_w(meter(prm), sim_date(day), slot.slot);
            (Interval { start, end }, w)
        })
        .collect()
}

fn peak_history(prm: &str, from: Date, to: Date) -> BTreeMap<Date, (u32, Timestamp)> {
    each_day(from, to)
        .filter(|d| *d <= through() && !withheld(*d))
        .map(|d| {
            let (va, at) = household::max_power(meter(prm), sim_date(d));
            let local = jiff::civil::DateTime::new(
                i16::try_from(at.year()).unwrap(),
                i8::try_from(u8::from(at.month())).unwrap(),
                i8::try_from(at.day()).unwrap(),
                i8::try_from(at.hour()).unwrap(),
                i8::try_from(at.minute()).unwrap(),
                i8::try_from(at.second()).unwrap(),
                0,
            )
            .unwrap();
            let instant = paris::Resolver::new().resolve(local).unwrap();
            (d, (va, instant))
        })
        .collect()
}

fn pretty(value: &impl Serialize) -> String {
    serde_json::to_string_pretty(value).unwrap() + "\n"
}

fn proxy() -> ProxyView {
    ProxyView {
        url: "http://127.0.0.1:8080/".into(),
        client_id: "hearth-desktop".into(),
    }
}

fn view(link: Option<LinkView>, meters: Vec<MeterView>) -> EnergyView {
    EnergyView {
        proxy: Some(proxy()),
        demo: false,
        link,
        meters,
        time_zone: TIME_ZONE.into(),
        tempo: None,
    }
}

fn house_linked() -> MeterView {
    MeterView {
        prm: HOUSE.into(),
        name: Some("Maison".into()),
        state: MeterState::Linked,
        data_until: Some(series::date_string(through())),
        last_day_wh: None,
        next_sync: Some("2026-10-26T08:23:00+01:00".into()),
        consent_end: Some("2029-10-01".into()),
        consent_ending_soon: false,
        subscribed_kva: Some(meter(HOUSE).subscribed_kva),
        option: Some(TariffOption::HpHc),
        produces: false,
        load_curve_off: false,
        problem: None,
    }
}

#[test]
fn the_energy_screens_states() {
    let mut no_proxy = view(None, Vec::new());
    no_proxy.proxy = None;
    expect_test::expect_file!["../../../ui/tests/fixtures/energy-no-proxy.json"]
        .assert_eq(&pretty(&no_proxy));
    expect_test::expect_file!["../../../ui/tests/fixtures/energy-not-linked.json"]
        .assert_eq(&pretty(&view(None, Vec::new())));

    let page = "http://127.0.0.1:8080/device";
    let complete = format!("{page}?user_code=WDJB-MJHT");
    let waiting = LinkView::Waiting {
        user_code: "WDJB-MJHT".into(),
        verification_uri: page.into(),
        qr: QrCode::new(&complete).unwrap(),
        verification_uri_complete: complete,
        expires_in_secs: 600,
        expires_at: "2026-10-26T10:10:00+01:00".into(),
    };
    expect_test::expect_file!["../../../ui/tests/fixtures/energy-linking.json"]
        .assert_eq(&pretty(&view(Some(waiting), Vec::new())));
    expect_test::expect_file!["../../../ui/tests/fixtures/energy-refused.json"]
        .assert_eq(&pretty(&view(Some(LinkView::Refused), Vec::new())));
    expect_test::expect_file!["../../../ui/tests/fixtures/energy-expired.json"]
        .assert_eq(&pretty(&view(Some(LinkView::Expired), Vec::new())));

    // Three meters: one up to date, one backfilling (Enedis down, consent ending, no load
    // curve collected), one whose consent is gone.
    let flat = MeterView {
        prm: FLAT.into(),
        name: None,
        state: MeterState::Syncing {
            done: 12,
            total: 40,
        },
        data_until: Some("2026-06-30".into()),
        last_day_wh: None,
        next_sync: None,
        consent_end: Some("2026-11-20".into()),
        consent_ending_soon: true,
        subscribed_kva: Some(meter(FLAT).subscribed_kva),
        option: Some(TariffOption::Base),
        produces: true,
        load_curve_off: true,
        problem: Some(Problem::EnergyOutage {
            retry_at: "2026-10-26T10:45:00+01:00".into(),
        }),
    };
    let gone = MeterView {
        prm: KILO.into(),
        name: None,
        state: MeterState::NeedsRelink,
        data_until: Some("2026-09-14".into()),
        last_day_wh: None,
        next_sync: None,
        consent_end: None,
        consent_ending_soon: false,
        subscribed_kva: Some(meter(KILO).subscribed_kva),
        option: None,
        produces: false,
        load_curve_off: false,
        problem: Some(Problem::EnergyNoConsent),
    };
    expect_test::expect_file!["../../../ui/tests/fixtures/energy-meters.json"]
        .assert_eq(&pretty(&view(None, vec![house_linked(), flat, gone])));
    expect_test::expect_file!["../../../ui/tests/fixtures/energy-linked.json"]
        .assert_eq(&pretty(&view(None, vec![house_linked()])));
}

#[test]
fn the_energy_screens_series() {
    // October 2026 (through the 25th; the 12th withheld) beside October 2025 (the 5th
    // withheld); the 26th to the 31st are not there yet.
    let (from, to) = (date(2026, 10, 1), date(2026, 11, 1));
    let known = daily_history(HOUSE, false, date(2025, 10, 1), to);
    let month = series::daily(HOUSE, Flow::Consumption, from, to, &known).unwrap();
    assert_eq!(month.days.len(), 31);
    assert_eq!(month.missing_days, 7);
    assert_eq!(month.days[11].wh, None, "the withheld day is a gap");
    assert_eq!(month.days[4].previous_wh, None, "so is last year's");
    assert_eq!(
        month.days[0].wh,
        Some(u32::try_from(household::daily_wh(meter(HOUSE), sim_date(from), false)).unwrap())
    );
    expect_test::expect_file!["../../../ui/tests/fixtures/energy-daily-month.json"]
        .assert_eq(&pretty(&month));

    let year_from = date(2025, 11, 1);
    let known = daily_history(HOUSE, false, date(2024, 11, 1), to);
    let year = series::daily(HOUSE, Flow::Consumption, year_from, to, &known).unwrap();
    assert_eq!(year.days.len(), 365);
    expect_test::expect_file!["../../../ui/tests/fixtures/energy-daily-year.json"]
        .assert_eq(&pretty(&year));

    // The week of the October change of time: Sunday the 25th has 50 half hours; the 22nd's
    // evening is missing (four half hours).
    let (week_from, week_to) = (date(2026, 10, 19), date(2026, 10, 26));
    let readings: Vec<(Interval, u32)> = each_day(week_from, week_to)
        .flat_map(|day| {
            let gap = day == date(2026, 10, 22);
            curve_history(HOUSE, day, move |i| gap && (38..42).contains(&i))
        })
        .collect();
    let week = series::load_curve(HOUSE, Flow::Consumption, week_from, week_to, &readings).unwrap();
    let counts: Vec<u32> = week.days.iter().map(|d| d.count).collect();
    assert_eq!(counts, [48, 48, 48, 48, 48, 48, 50]);
    assert_eq!(week.days[3].missing, 4);
    expect_test::expect_file!["../../../ui/tests/fixtures/energy-curve-week.json"]
        .assert_eq(&pretty(&week));

    let peaks = peak_history(HOUSE, from, to);
    let power =
        series::max_power(HOUSE, from, to, &peaks, Some(meter(HOUSE).subscribed_kva)).unwrap();
    assert!(power.highest.is_some());
    expect_test::expect_file!["../../../ui/tests/fixtures/energy-max-power.json"]
        .assert_eq(&pretty(&power));

    let produced = daily_history(FLAT, true, date(2025, 10, 1), to);
    let production = series::daily(FLAT, Flow::Production, from, to, &produced).unwrap();
    assert!(production.total_wh > 0);
    expect_test::expect_file!["../../../ui/tests/fixtures/energy-production.json"]
        .assert_eq(&pretty(&production));

    let totals = series::totals(HOUSE, Flow::Consumption, through(), &known).unwrap();
    assert_eq!(
        totals.compared_days, 23,
        "the 12th has no value this year, the 5th none last year"
    );
    expect_test::expect_file!["../../../ui/tests/fixtures/energy-totals.json"]
        .assert_eq(&pretty(&totals));
}
