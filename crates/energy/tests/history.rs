//! The local history: round trips (DST days included), statuses, the schema, explicit deletion
//! only, the lease.

#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use hearth_energy::history::{CurvePoint, SCHEMA_VERSION};
use hearth_energy::plan::{DayStatus, MeterFacts};
use hearth_energy::{History, HistoryError, Measure, OffpeakVersion, WindowsSource};
use hearth_metering::{Contract, paris};
use hearth_tariff::{Color, OffpeakSchedule, TariffOption, TempoCalendar, Windows};
use jiff::civil::{Date, date, time};
use support::{PRM, at, d, daily_wh, max_va, range, reading};

fn open() -> (tempfile::TempDir, History) {
    let dir = tempfile::tempdir().unwrap();
    let history = History::open(&dir.path().join("energy.sqlite")).unwrap();
    (dir, history)
}

#[test]
fn daily_values_round_trip_with_gaps_as_none() {
    let (_dir, history) = open();
    let now = at("2026-11-30 09:00:00");
    let asked = range("2026-11-01", "2026-11-08");
    let withheld = d("2026-11-04");
    let recorded = history
        .record_reading(
            PRM,
            Measure::DailyConsumption,
            asked,
            &reading(Measure::DailyConsumption, asked, &|day| day == withheld),
            now,
        )
        .unwrap();
    assert_eq!((recorded.complete, recorded.missing), (6, 1));

    let series = history
        .daily(
            PRM,
            Measure::DailyConsumption,
            range("2026-10-30", "2026-11-10"),
        )
        .unwrap();
    assert_eq!(series.len(), 11);
    for value in &series {
        let expected = (value.day >= asked.start && value.day < asked.end && value.day != withheld)
            .then(|| daily_wh(value.day));
        assert_eq!(value.value, expected, "{}", value.day);
    }
    assert_eq!(series[5].day, withheld);
    assert_eq!(series[5].value, None, "a gap, never 0");

    let statuses = history.statuses(PRM).unwrap();
    assert_eq!(
        statuses.get(&(Measure::DailyConsumption, withheld)),
        Some(&DayStatus::Missing {
            attempts: 1,
            last_asked: now
        })
    );
    assert_eq!(
        statuses.get(&(Measure::DailyConsumption, d("2026-11-03"))),
        Some(&DayStatus::Complete)
    );
    assert_eq!(
        history.data_up_to(PRM, Measure::DailyConsumption).unwrap(),
        Some(d("2026-11-07"))
    );
    assert_eq!(history.data_up_to(PRM, Measure::MaxPower).unwrap(), None);

    // The month's total counts the days known and says how many.
    let total = history
        .month_total(PRM, Measure::DailyConsumption, 2026, 11)
        .unwrap();
    let expected: i64 = asked
        .iter()
        .filter(|day| *day != withheld)
        .map(daily_wh)
        .sum();
    assert_eq!(total.total, expected);
    assert_eq!((total.days_known, total.days_in_month), (6, 30));
    assert!(matches!(
        history.month_total(PRM, Measure::DailyConsumption, 2026, 13),
        Err(HistoryError::NoSuchMonth { .. })
    ));
}

#[test]
fn max_power_keeps_the_instant_of_each_peak() {
    let (_dir, history) = open();
    // The October change: the peak at 19:13 is in winter time (UTC+1) on the 25th, summer
    // time (UTC+2) on the 24th.
    let asked = range("2026-10-24", "2026-10-26");
    history
        .record_reading(
            PRM,
            Measure::MaxPower,
            asked,
            &reading(Measure::MaxPower, asked, &|_| false),
            at("2026-11-30 09:00:00"),
        )
        .unwrap();
    let values = history.max_power(PRM, asked).unwrap();
    assert_eq!(values[0].value, Some(max_va(d("2026-10-24"))));
    assert_eq!(
        values[0].peak_at.unwrap().to_string(),
        "2026-10-24T17:13:00Z"
    );
    assert_eq!(
        values[1].peak_at.unwrap().to_string(),
        "2026-10-25T18:13:00Z"
    );
    assert_eq!(
        paris::local_string(values[1].peak_at.unwrap()),
        "2026-10-25 19:13:00"
    );
}

fn assert_contiguous_day(points: &[CurvePoint], day: Date, count: usize) {
    let (start, end) = paris::day_span(day).unwrap();
    let mine: Vec<&CurvePoint> = points
        .iter()
        .filter(|p| p.start >= start && p.start < end)
        .collect();
    assert_eq!(mine.len(), count, "{day}");
    assert_eq!(mine[0].start, start);
    assert_eq!(mine[count - 1].end, end);
    for pair in mine.windows(2) {
        assert_eq!(pair[0].end, pair[1].start, "{day}: contiguous");
    }
}

#[test]
fn load_curves_of_dst_days_hold_46_and_50_points() {
    let (_dir, history) = open();
    let now = at("2026-11-30 09:00:00");
    for (start, end) in [("2026-03-28", "2026-03-31"), ("2026-10-24", "2026-10-27")] {
        let asked = range(start, end);
        let recorded = history
            .record_reading(
                PRM,
                Measure::ConsumptionLoadCurve,
                asked,
                &reading(Measure::ConsumptionLoadCurve, asked, &|_| false),
                now,
            )
            .unwrap();
        assert_eq!((recorded.complete, recorded.missing), (3, 0));
    }
    let march = history
        .curve(
            PRM,
            Measure::ConsumptionLoadCurve,
            range("2026-03-28", "2026-03-31"),
        )
        .unwrap();
    assert_eq!(march.len(), 48 + 46 + 48);
    assert_contiguous_day(&march, date(2026, 3, 29), 46);
    assert_contiguous_day(&march, date(2026, 3, 28), 48);

    let october = history
        .curve(
            PRM,
            Measure::ConsumptionLoadCurve,
            range("2026-10-25", "2026-10-26"),
        )
        .unwrap();
    assert_contiguous_day(&october, date(2026, 10, 25), 50);
    // Both 02:00-02:30 half hours are there, an hour apart, with their own values.
    let two = october
        .iter()
        .filter(|p| paris::local_string(p.start).ends_with("02:00:00"))
        .collect::<Vec<_>>();
    assert_eq!(two.len(), 2);
    assert_eq!(two[1].start.duration_since(two[0].start).as_hours(), 1);
    assert_eq!(
        (two[0].value, two[1].value),
        (support::curve_w(4), support::curve_w(6))
    );
}

#[test]
fn a_partial_curve_day_stays_missing_with_its_points_until_complete() {
    let (_dir, history) = open();
    let asked = range("2026-11-20", "2026-11-21");
    let mut partial = reading(Measure::ConsumptionLoadCurve, asked, &|_| false);
    partial.interval_reading.truncate(40);
    let recorded = history
        .record_reading(
            PRM,
            Measure::ConsumptionLoadCurve,
            asked,
            &partial,
            at("2026-11-21 09:00:00"),
        )
        .unwrap();
    assert_eq!((recorded.complete, recorded.missing), (0, 1));
    assert_eq!(
        history
            .curve(PRM, Measure::ConsumptionLoadCurve, asked)
            .unwrap()
            .len(),
        40
    );
    let full = reading(Measure::ConsumptionLoadCurve, asked, &|_| false);
    let recorded = history
        .record_reading(
            PRM,
            Measure::ConsumptionLoadCurve,
            asked,
            &full,
            at("2026-11-22 09:00:00"),
        )
        .unwrap();
    assert_eq!((recorded.complete, recorded.missing), (1, 0));
    assert_eq!(
        history
            .curve(PRM, Measure::ConsumptionLoadCurve, asked)
            .unwrap()
            .len(),
        48
    );
}

#[test]
fn nothing_is_deleted_but_by_an_explicit_call() {
    let (_dir, history) = open();
    let now = at("2026-11-30 09:00:00");
    let asked = range("2026-11-01", "2026-11-04");
    for measure in [Measure::DailyConsumption, Measure::ConsumptionLoadCurve] {
        history
            .record_reading(
                PRM,
                measure,
                asked,
                &reading(measure, asked, &|_| false),
                now,
            )
            .unwrap();
    }
    // A later answer without those days, "no data", "before activation": values stay.
    let empty = reading(Measure::DailyConsumption, asked, &|_| true);
    history
        .record_reading(PRM, Measure::DailyConsumption, asked, &empty, now)
        .unwrap();
    history
        .record_missing(PRM, Measure::DailyConsumption, asked, now)
        .unwrap();
    history
        .record_before_activation(PRM, Measure::DailyConsumption, asked, now)
        .unwrap();
    let series = history
        .daily(PRM, Measure::DailyConsumption, asked)
        .unwrap();
    assert!(
        series.iter().all(|v| v.value == Some(daily_wh(v.day))),
        "{series:?}"
    );
    assert!(
        history
            .statuses(PRM)
            .unwrap()
            .iter()
            .all(|(_, s)| *s == DayStatus::Complete)
    );

    // Another meter is untouched by deleting this one.
    let other = "11111111111111";
    history
        .record_reading(
            other,
            Measure::DailyConsumption,
            asked,
            &reading(Measure::DailyConsumption, asked, &|_| false),
            now,
        )
        .unwrap();
    let deleted = history.delete_meter(PRM).unwrap();
    assert_eq!(
        deleted,
        3 + 3 + 3 * 48,
        "days of two measures, curve points"
    );
    assert!(history.statuses(PRM).unwrap().is_empty());
    assert!(
        history
            .curve(PRM, Measure::ConsumptionLoadCurve, asked)
            .unwrap()
            .is_empty()
    );
    assert!(history.meter(PRM).unwrap().is_none());
    assert_eq!(history.statuses(other).unwrap().len(), 3);
}

#[test]
fn the_contract_and_the_meter_facts() {
    let (_dir, history) = open();
    let now = at("2026-11-30 09:00:00");
    assert_eq!(history.facts(PRM).unwrap(), MeterFacts::default());
    let contract = Contract {
        subscribed_power: Some("9 kVA".into()),
        last_activation_date: Some("2024-05-17+02:00".into()),
        ..Contract::default()
    };
    history.set_contract(PRM, &contract, now).unwrap();
    history.set_produces(PRM, false).unwrap();
    let facts = history.facts(PRM).unwrap();
    assert_eq!(facts.activation, Some(date(2024, 5, 17)));
    assert_eq!(facts.produces, Some(false));
    assert!(facts.has_contract);
    assert_eq!(facts.contract_checked_at, Some(now));
    // An answer may move the activation later, never earlier.
    history.raise_activation(PRM, date(2024, 1, 1)).unwrap();
    history.raise_activation(PRM, date(2024, 6, 1)).unwrap();
    let meter = history.meter(PRM).unwrap().unwrap();
    assert_eq!(meter.activation, Some(date(2024, 6, 1)));
    assert_eq!(meter.contract.unwrap().subscribed_kva(), Some(9));
    assert_eq!(history.meters().unwrap().len(), 1);
}

#[test]
fn the_file_reopens_with_its_data_and_a_newer_schema_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("energy.sqlite");
    let asked = range("2026-11-01", "2026-11-02");
    {
        let history = History::open(&path).unwrap();
        history
            .record_reading(
                PRM,
                Measure::DailyConsumption,
                asked,
                &reading(Measure::DailyConsumption, asked, &|_| false),
                at("2026-11-30 09:00:00"),
            )
            .unwrap();
    }
    let history = History::open(&path).unwrap();
    assert_eq!(
        history
            .daily(PRM, Measure::DailyConsumption, asked)
            .unwrap()[0]
            .value,
        Some(daily_wh(d("2026-11-01")))
    );
    drop(history);

    let conn = rusqlite::Connection::open(&path).unwrap();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    drop(conn);
    match History::open(&path) {
        Err(HistoryError::NewerSchema { found, known, .. }) => {
            assert_eq!((found, known), (SCHEMA_VERSION + 1, SCHEMA_VERSION));
        }
        other => panic!("expected NewerSchema, got {:?}", other.err()),
    }
    let conn = rusqlite::Connection::open(&path).unwrap();
    let rows: i64 = conn
        .query_row("SELECT COUNT(*) FROM days", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 1, "the newer file was not touched");
}

#[cfg(unix)]
#[test]
fn the_file_is_private() {
    use std::os::unix::fs::PermissionsExt as _;
    let (dir, _history) = open();
    let mode = std::fs::metadata(dir.path().join("energy.sqlite"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn the_lease_is_held_by_one_owner_until_released_or_expired() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("energy.sqlite");
    // Two connections, as two processes would have.
    let app = History::open(&path).unwrap();
    let cli = History::open(&path).unwrap();
    let ttl = Duration::from_secs(60);
    let now = at("2026-11-30 09:00:00");
    assert!(app.try_lease(PRM, "app", now, ttl).unwrap());
    assert!(!cli.try_lease(PRM, "cli", now, ttl).unwrap());
    assert!(app.try_lease(PRM, "app", now, ttl).unwrap(), "renewal");
    // Another meter is free.
    assert!(cli.try_lease("11111111111111", "cli", now, ttl).unwrap());
    // Expired: taken over.
    assert!(
        cli.try_lease(PRM, "cli", at("2026-11-30 09:01:00"), ttl)
            .unwrap()
    );
    assert!(
        !app.try_lease(PRM, "app", at("2026-11-30 09:01:00"), ttl)
            .unwrap()
    );
    cli.release_lease(PRM, "cli").unwrap();
    assert!(
        app.try_lease(PRM, "app", at("2026-11-30 09:01:00"), ttl)
            .unwrap()
    );
}

#[test]
fn the_consent_end_is_kept_and_a_file_from_before_it_upgrades_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("energy.sqlite");
    let history = History::open(&path).unwrap();
    history.add_meter(PRM).unwrap();
    assert_eq!(history.meter(PRM).unwrap().unwrap().consent_end, None);
    history.set_consent_end(PRM, Some(d("2029-11-29"))).unwrap();
    assert_eq!(
        history.meter(PRM).unwrap().unwrap().consent_end,
        Some(d("2029-11-29"))
    );
    drop(history);

    // The file as the version before the consent's end wrote it (SQLite drops the column).
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "ALTER TABLE meters DROP COLUMN consent_end;
         DROP TABLE tempo_days; DROP TABLE tariff_files; DROP TABLE offpeak_versions;
         PRAGMA user_version = 1;",
    )
    .unwrap();
    drop(conn);
    let history = History::open(&path).unwrap();
    let meter = history.meter(PRM).unwrap().unwrap();
    assert_eq!(meter.prm, PRM, "the meter survived the upgrade");
    assert_eq!(meter.consent_end, None);
    history.set_consent_end(PRM, Some(d("2029-11-28"))).unwrap();
    assert_eq!(
        history.meters().unwrap()[0].consent_end,
        Some(d("2029-11-28"))
    );
}

fn contract_with(offpeak: Option<&str>) -> Contract {
    Contract {
        subscribed_power: Some("9 kVA".into()),
        offpeak_hours: offpeak.map(str::to_owned),
        ..Contract::default()
    }
}

fn windows(text: &str) -> Windows {
    Windows::parse_contract(text).unwrap()
}

#[test]
fn tempo_colours_are_one_calendar_and_count_what_changed() {
    let (_dir, history) = open();
    let now = at("2026-01-14 11:00:00");
    assert_eq!(history.tempo_calendar().unwrap(), TempoCalendar::new());
    let days = [
        (d("2026-01-13"), Color::Blue),
        (d("2026-01-14"), Color::Red),
    ];
    assert_eq!(history.store_tempo(&days, now).unwrap(), 2);
    assert_eq!(history.store_tempo(&days, now).unwrap(), 0, "nothing new");
    // A correction and a new day.
    let next = [
        (d("2026-01-14"), Color::White),
        (d("2026-01-15"), Color::Red),
    ];
    assert_eq!(history.store_tempo(&next, now).unwrap(), 2);
    let calendar = history.tempo_calendar().unwrap();
    assert_eq!(calendar.days().count(), 3);
    assert_eq!(calendar.color(d("2026-01-13")), Some(Color::Blue));
    assert_eq!(calendar.color(d("2026-01-14")), Some(Color::White));
    assert_eq!(calendar.color(d("2026-01-15")), Some(Color::Red));
    // Not a meter's: deleting a meter leaves the calendar.
    history.add_meter(PRM).unwrap();
    history.delete_meter(PRM).unwrap();
    assert_eq!(history.tempo_calendar().unwrap(), calendar);
}

#[test]
fn a_tariff_file_is_kept_whole_with_its_time_and_replaced_by_the_next() {
    let (_dir, history) = open();
    assert_eq!(history.tariff_file(TariffOption::Base).unwrap(), None);
    let first = at("2026-11-01 09:00:00");
    history
        .store_tariff_file(TariffOption::Base, b"\xef\xbb\xbfDATE_DEBUT;1", first)
        .unwrap();
    history
        .store_tariff_file(TariffOption::Tempo, b"tempo", first)
        .unwrap();
    assert_eq!(
        history.tariff_file(TariffOption::Base).unwrap(),
        Some((b"\xef\xbb\xbfDATE_DEBUT;1".to_vec(), first))
    );
    let later = at("2026-11-08 09:00:00");
    history
        .store_tariff_file(TariffOption::Base, b"second", later)
        .unwrap();
    assert_eq!(
        history.tariff_file(TariffOption::Base).unwrap(),
        Some((b"second".to_vec(), later))
    );
    assert_eq!(
        history.tariff_file(TariffOption::Tempo).unwrap(),
        Some((b"tempo".to_vec(), first))
    );
    assert_eq!(history.tariff_file(TariffOption::HpHc).unwrap(), None);
}

#[test]
fn the_contracts_offpeak_windows_are_versioned_by_the_day_they_change() {
    let (_dir, history) = open();
    // None yet: the national default.
    assert_eq!(
        history.offpeak_schedule(PRM).unwrap(),
        OffpeakSchedule::default_night()
    );
    // Absent or unreadable: nothing recorded.
    history
        .set_contract(PRM, &contract_with(None), at("2026-01-10 09:00:00"))
        .unwrap();
    history
        .set_contract(
            PRM,
            &contract_with(Some("HC ()")),
            at("2026-01-10 09:00:00"),
        )
        .unwrap();
    assert!(history.offpeak_versions(PRM).unwrap().is_empty());

    // The first windows apply to every older day.
    history
        .set_contract(
            PRM,
            &contract_with(Some("HC (22H30-6H30)")),
            at("2026-01-10 09:00:00"),
        )
        .unwrap();
    let first = OffpeakVersion {
        from: Date::MIN,
        windows: windows("HC (22H30-6H30)"),
        source: WindowsSource::Meter,
    };
    assert_eq!(
        history.offpeak_versions(PRM).unwrap(),
        std::slice::from_ref(&first)
    );
    let schedule = history.offpeak_schedule(PRM).unwrap();
    assert!(schedule.is_from_meter());
    assert!(schedule.is_offpeak(d("2012-07-23"), time(6, 0, 0, 0)));

    // The same again: nothing new.
    history
        .set_contract(
            PRM,
            &contract_with(Some("HC (22H30-6H30)")),
            at("2026-02-10 09:00:00"),
        )
        .unwrap();
    assert_eq!(history.offpeak_versions(PRM).unwrap().len(), 1);

    // The reform moves them: from the French day they were seen (00:30 in Paris is the 16th).
    history
        .set_contract(
            PRM,
            &contract_with(Some("HC (23H00-5H00;13H00-16H00)")),
            "2026-03-15T23:30:00Z".parse().unwrap(),
        )
        .unwrap();
    let reform = OffpeakVersion {
        from: d("2026-03-16"),
        windows: windows("HC (23H00-5H00;13H00-16H00)"),
        source: WindowsSource::Meter,
    };
    assert_eq!(
        history.offpeak_versions(PRM).unwrap(),
        [first.clone(), reform.clone()]
    );
    let schedule = history.offpeak_schedule(PRM).unwrap();
    assert!(schedule.is_offpeak(d("2026-03-15"), time(22, 30, 0, 0)));
    assert!(!schedule.is_offpeak(d("2026-03-16"), time(22, 30, 0, 0)));
    assert!(schedule.is_offpeak(d("2026-03-16"), time(13, 0, 0, 0)));
}

#[test]
fn a_users_windows_stand_until_the_meters_change() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("energy.sqlite");
    let history = History::open(&path).unwrap();
    let meter = windows("HC (22H00-6H00)");
    let mine = windows("HC (23H00-7H00)");
    // The user's edit before the contract was ever read, covering every day.
    history
        .set_offpeak(PRM, Date::MIN, &mine, WindowsSource::User)
        .unwrap();
    history
        .set_contract(
            PRM,
            &contract_with(Some("HC (22H00-6H00)")),
            at("2026-01-10 09:00:00"),
        )
        .unwrap();
    assert_eq!(
        history.offpeak_versions(PRM).unwrap(),
        [OffpeakVersion {
            from: Date::MIN,
            windows: mine.clone(),
            source: WindowsSource::User
        }],
        "the meter's windows did not overwrite the user's"
    );
    // The user's version removed, the meter's first windows come in; an edit from a date on.
    assert!(history.remove_offpeak(PRM, Date::MIN).unwrap());
    assert!(!history.remove_offpeak(PRM, Date::MIN).unwrap());
    history
        .set_contract(
            PRM,
            &contract_with(Some("HC (22H00-6H00)")),
            at("2026-01-11 09:00:00"),
        )
        .unwrap();
    history
        .set_offpeak(PRM, d("2026-02-01"), &mine, WindowsSource::User)
        .unwrap();
    // The meter says the same again: the user's edit stays in force.
    history
        .set_contract(
            PRM,
            &contract_with(Some("HC (22H00-6H00)")),
            at("2026-03-01 09:00:00"),
        )
        .unwrap();
    let versions = history.offpeak_versions(PRM).unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(
        (versions[1].from, versions[1].source),
        (d("2026-02-01"), WindowsSource::User)
    );
    // The meter's windows change: from that day on, a user version before it kept.
    let moved = windows("HC (0H00-8H00)");
    history
        .set_contract(
            PRM,
            &contract_with(Some("HC (0H00-8H00)")),
            at("2026-04-02 09:00:00"),
        )
        .unwrap();
    drop(history);
    let history = History::open(&path).unwrap();
    assert_eq!(
        history.offpeak_versions(PRM).unwrap(),
        [
            OffpeakVersion {
                from: Date::MIN,
                windows: meter,
                source: WindowsSource::Meter
            },
            OffpeakVersion {
                from: d("2026-02-01"),
                windows: mine.clone(),
                source: WindowsSource::User
            },
            OffpeakVersion {
                from: d("2026-04-02"),
                windows: moved,
                source: WindowsSource::Meter
            },
        ]
    );
    // A user's version on the same day replaces it (whoever set it).
    history
        .set_offpeak(PRM, d("2026-04-02"), &mine, WindowsSource::User)
        .unwrap();
    assert_eq!(
        history.offpeak_versions(PRM).unwrap()[2].source,
        WindowsSource::User
    );
    // Another meter has its own; deleting this meter deletes its versions.
    history
        .set_offpeak(
            "11111111111111",
            d("2026-01-01"),
            &mine,
            WindowsSource::User,
        )
        .unwrap();
    history.delete_meter(PRM).unwrap();
    assert!(history.offpeak_versions(PRM).unwrap().is_empty());
    assert_eq!(
        history.offpeak_schedule(PRM).unwrap(),
        OffpeakSchedule::default_night()
    );
    assert_eq!(history.offpeak_versions("11111111111111").unwrap().len(), 1);
}

#[test]
fn a_file_from_before_prices_upgrades_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("energy.sqlite");
    let history = History::open(&path).unwrap();
    history.set_consent_end(PRM, Some(d("2029-11-29"))).unwrap();
    drop(history);

    // The file as schema 2 wrote it.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "DROP TABLE tempo_days; DROP TABLE tariff_files; DROP TABLE offpeak_versions;
         PRAGMA user_version = 2;",
    )
    .unwrap();
    drop(conn);
    let history = History::open(&path).unwrap();
    assert_eq!(
        history.meter(PRM).unwrap().unwrap().consent_end,
        Some(d("2029-11-29")),
        "the meter survived the upgrade"
    );
    assert_eq!(
        history
            .store_tempo(&[(d("2026-01-14"), Color::Red)], at("2026-01-14 11:00:00"))
            .unwrap(),
        1
    );
    history
        .set_contract(
            PRM,
            &contract_with(Some("HC (22H00-6H00)")),
            at("2026-01-14 11:00:00"),
        )
        .unwrap();
    assert_eq!(history.offpeak_versions(PRM).unwrap().len(), 1);
    drop(history);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!((version, SCHEMA_VERSION), (3, 3));
}
