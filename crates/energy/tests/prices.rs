//! Prices fetched at run time, against the simulators over real HTTP on 127.0.0.1: the
//! regulator's files (an appended price movement applied, a broken file or an outage leaving the
//! cached copy) and RTE's Tempo feed (today and tomorrow, the season's gaps, nothing asked twice),
//! and when each is due again.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics with its reason.

use std::time::Duration;

use hearth_energy::History;
use hearth_energy::prices::{self, PriceClient, PriceError, PriceFeeds};
use hearth_sim::regulator::{File, RegulatorSim, RegulatorSimHandle};
use hearth_sim::tempo::{self as sim, TempoSim, TempoSimHandle};
use hearth_tariff::{
    Color, EnergyPrices, PricePerKwh, RegulatedTariffs, TariffOption, TempoCalendar,
};
use jiff::civil::{Date, date};
use jiff::{SignedDuration, Timestamp};
use reqwest::StatusCode;

fn open() -> (tempfile::TempDir, History) {
    let dir = tempfile::tempdir().unwrap();
    let history = History::open(&dir.path().join("energy.sqlite")).unwrap();
    (dir, history)
}

/// A Paris wall-clock time in winter (UTC+1).
fn paris(text: &str) -> Timestamp {
    format!("{text}+01:00[Europe/Paris]")
        .parse::<jiff::Zoned>()
        .unwrap()
        .timestamp()
}

fn ours(color: sim::Color) -> Color {
    match color {
        sim::Color::Blue => Color::Blue,
        sim::Color::White => Color::White,
        sim::Color::Red => Color::Red,
    }
}

fn client(regulator: Option<&RegulatorSimHandle>, tempo: Option<&TempoSimHandle>) -> PriceClient {
    // A feed the test does not simulate points where nothing listens, never at a public host.
    let nowhere: url::Url = "http://127.0.0.1:9/".parse().unwrap();
    let mut feeds = PriceFeeds {
        regulator: nowhere.clone(),
        tempo: nowhere,
    };
    if let Some(regulator) = regulator {
        feeds.regulator = regulator.base_url().parse().unwrap();
    }
    if let Some(tempo) = tempo {
        // Without the trailing `/`: the client makes it a folder.
        feeds.tempo = tempo.base_url().parse().unwrap();
    }
    PriceClient::new(feeds).unwrap()
}

fn days(from: Date, last: Date) -> impl Iterator<Item = Date> {
    std::iter::successors(Some(from), |d| d.tomorrow().ok()).take_while(move |d| *d <= last)
}

// --- Tempo -------------------------------------------------------------------------------------

#[tokio::test]
async fn tempo_stores_today_tomorrow_and_the_season_then_asks_only_for_the_light_feed() {
    let now = paris("2026-01-14T11:00:00");
    let feed = TempoSim::builder().now(now).start().await.unwrap();
    let (_dir, history) = open();
    let prices = client(None, Some(&feed));

    // 1 September 2025 to 15 January 2026: 30 + 31 + 30 + 31 + 15 days.
    let new = prices
        .update_tempo(&history, date(2025, 12, 1), now)
        .await
        .unwrap();
    assert_eq!(new, 137);
    assert_eq!(feed.calls(), 2, "tempoLight, then the season 2025-2026");
    let calendar = history.tempo_calendar().unwrap();
    for day in days(date(2025, 9, 1), date(2026, 1, 15)) {
        assert_eq!(
            calendar.color(day),
            Some(ours(sim::color(day).unwrap())),
            "{day}"
        );
    }
    assert_eq!(calendar.color(date(2026, 1, 16)), None, "not published yet");

    // Nothing missing: the light feed alone, nothing new.
    let new = prices
        .update_tempo(&history, date(2025, 12, 1), now)
        .await
        .unwrap();
    assert_eq!((new, feed.calls()), (0, 3));

    // Asked from further back: the season before too (and the current one, complete, not again).
    let new = prices
        .update_tempo(&history, date(2025, 8, 1), now)
        .await
        .unwrap();
    assert_eq!(new, 365, "the whole of 2024-2025");
    assert_eq!(feed.calls(), 5);
    assert_eq!(
        history.tempo_calendar().unwrap().color(date(2025, 2, 28)),
        Some(ours(sim::color(date(2025, 2, 28)).unwrap()))
    );
    feed.stop().await;
}

#[tokio::test]
async fn tomorrow_is_absent_before_ten_forty_and_fetched_after() {
    let before = paris("2026-01-14T10:39:00");
    let feed = TempoSim::builder().now(before).start().await.unwrap();
    let (_dir, history) = open();
    let prices = client(None, Some(&feed));
    prices
        .update_tempo(&history, date(2026, 1, 14), before)
        .await
        .unwrap();
    let calendar = history.tempo_calendar().unwrap();
    assert!(calendar.color(date(2026, 1, 14)).is_some());
    assert_eq!(calendar.color(date(2026, 1, 15)), None);
    assert!(!prices::tempo_due(
        &calendar,
        Some(before),
        paris("2026-01-14T10:39:59")
    ));

    let after = paris("2026-01-14T10:41:00");
    feed.set_now(Some(after));
    assert!(prices::tempo_due(&calendar, Some(before), after));
    let calls = feed.calls();
    assert_eq!(
        prices
            .update_tempo(&history, date(2026, 1, 14), after)
            .await
            .unwrap(),
        1
    );
    assert_eq!(feed.calls(), calls + 1, "the season had no gap");
    let calendar = history.tempo_calendar().unwrap();
    assert_eq!(
        calendar.color(date(2026, 1, 15)),
        Some(ours(sim::color(date(2026, 1, 15)).unwrap()))
    );
    assert!(!prices::tempo_due(&calendar, Some(after), after));
    feed.stop().await;
}

#[tokio::test]
async fn an_outage_or_garbage_from_the_tempo_feed_is_an_error_and_the_cache_stays() {
    let now = paris("2026-01-14T11:00:00");
    let feed = TempoSim::builder().now(now).start().await.unwrap();
    let (_dir, history) = open();
    let prices = client(None, Some(&feed));
    prices
        .update_tempo(&history, date(2026, 1, 1), now)
        .await
        .unwrap();
    let cached = history.tempo_calendar().unwrap();
    assert_eq!(cached.days().count(), 137);

    feed.fail_with(StatusCode::SERVICE_UNAVAILABLE);
    let err = prices
        .update_tempo(&history, date(2026, 1, 1), now)
        .await
        .unwrap_err();
    assert!(
        matches!(err, PriceError::Status { status: 503, .. }),
        "{err:?}"
    );
    assert_eq!(err.retry_after(), Some(Duration::from_secs(120)));
    assert!(err.to_string().contains("503"), "{err}");

    feed.serve_body("<html><body>Maintenance</body></html>");
    let err = prices
        .update_tempo(&history, date(2026, 1, 1), now)
        .await
        .unwrap_err();
    assert!(matches!(err, PriceError::NotTempoFeed(_)), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("the Tempo calendar's answer is not a Tempo feed")
    );

    assert_eq!(history.tempo_calendar().unwrap(), cached);
    feed.recover();
    assert_eq!(
        prices
            .update_tempo(&history, date(2026, 1, 1), now)
            .await
            .unwrap(),
        0
    );
    feed.stop().await;
}

#[test]
fn when_tempo_is_due() {
    let mut calendar = TempoCalendar::new();
    let morning = paris("2026-01-14T08:00:00");
    // Never tried: due.
    assert!(prices::tempo_due(&calendar, None, morning));
    // Tried this morning and today's colour unknown (the fetch failed): hourly.
    assert!(!prices::tempo_due(
        &calendar,
        Some(morning),
        paris("2026-01-14T08:59:00")
    ));
    assert!(prices::tempo_due(
        &calendar,
        Some(morning),
        paris("2026-01-14T09:00:00")
    ));
    calendar.set(date(2026, 1, 14), Color::Blue);
    // Today known, before 10:40: nothing to ask.
    assert!(!prices::tempo_due(
        &calendar,
        Some(morning),
        paris("2026-01-14T10:39:00")
    ));
    // 10:40: at once, the last try being before the publication.
    assert!(prices::tempo_due(
        &calendar,
        Some(morning),
        paris("2026-01-14T10:40:00")
    ));
    // Tried at 10:45 without tomorrow: again at 11:45, not before.
    let tried = paris("2026-01-14T10:45:00");
    assert!(!prices::tempo_due(
        &calendar,
        Some(tried),
        paris("2026-01-14T11:44:00")
    ));
    assert!(prices::tempo_due(
        &calendar,
        Some(tried),
        paris("2026-01-14T11:45:00")
    ));
    // Tomorrow known: nothing until the next day.
    calendar.set(date(2026, 1, 15), Color::Red);
    assert!(!prices::tempo_due(
        &calendar,
        Some(tried),
        paris("2026-01-14T23:59:00")
    ));
    // A new day: due, whatever is known.
    assert!(prices::tempo_due(
        &calendar,
        Some(tried),
        paris("2026-01-15T00:00:00")
    ));
}

// --- The regulator's files ---------------------------------------------------------------------

/// A Base 6 kVA movement on 1 February 2027 at a price no real row has.
const NEW_ROW: &str = "01/02/2027;;6;150,00;190,00;0,1500;0,2345";

fn base_6_kva_price(tariffs: &RegulatedTariffs, day: Date) -> PricePerKwh {
    match tariffs.row(TariffOption::Base, 6, day).unwrap().ttc.energy {
        EnergyPrices::Base(price) => price,
        other => panic!("not a Base price: {other:?}"),
    }
}

#[tokio::test]
async fn an_appended_price_movement_is_applied_and_the_next_fetch_is_a_week_later() {
    let regulator = RegulatorSim::start().await.unwrap();
    let (_dir, history) = open();
    let prices = client(Some(&regulator), None);
    let now = paris("2026-11-30T09:00:00");
    let day = date(2027, 2, 15);

    // Nothing fetched yet: the shipped snapshot, and due.
    let before = prices::tariffs(&history).unwrap();
    assert_eq!(before, RegulatedTariffs::snapshot().unwrap());
    let snapshot_price = base_6_kva_price(&before, day);
    assert!(prices::tariffs_due(&history, now).unwrap());

    regulator.append_row(File::Base, NEW_ROW);
    assert_eq!(prices.update_tariffs(&history, now).await.unwrap(), 3);
    assert_eq!(regulator.calls(), 3);
    let after = prices::tariffs(&history).unwrap();
    let new_price = PricePerKwh::parse("0,2345").unwrap();
    assert_ne!(snapshot_price, new_price);
    assert_eq!(base_6_kva_price(&after, day), new_price);
    // Earlier days keep their rows; the other options are the snapshot's.
    assert_eq!(
        base_6_kva_price(&after, date(2026, 12, 1)),
        base_6_kva_price(&before, date(2026, 12, 1))
    );
    assert_eq!(
        after.row(TariffOption::Tempo, 9, day),
        before.row(TariffOption::Tempo, 9, day)
    );

    assert!(!prices::tariffs_due(&history, now).unwrap());
    assert!(!prices::tariffs_due(&history, now + SignedDuration::from_hours(6 * 24)).unwrap());
    assert!(prices::tariffs_due(&history, now + SignedDuration::from_hours(8 * 24)).unwrap());
    regulator.stop().await;
}

#[tokio::test]
async fn a_broken_file_is_refused_and_the_cached_copy_kept() {
    let regulator = RegulatorSim::start().await.unwrap();
    let (_dir, history) = open();
    let prices = client(Some(&regulator), None);
    let first = paris("2026-11-30T09:00:00");
    regulator.append_row(File::Base, NEW_ROW);
    prices.update_tariffs(&history, first).await.unwrap();
    let cached_base = history.tariff_file(TariffOption::Base).unwrap().unwrap();

    // Garbage in place of the Base file: refused, the two others stored.
    regulator.serve_body(File::Base, "<html><body>Page introuvable</body></html>");
    let later = paris("2026-12-07T09:00:00");
    let err = prices.update_tariffs(&history, later).await.unwrap_err();
    assert!(
        matches!(
            err,
            PriceError::NotTariffFile {
                option: TariffOption::Base,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("the copy before it is kept"),
        "{err}"
    );
    assert_eq!(
        history.tariff_file(TariffOption::Base).unwrap().unwrap(),
        cached_base
    );
    assert_eq!(
        history.tariff_file(TariffOption::HpHc).unwrap().unwrap().1,
        later
    );
    // The header alone reads, but has no row: refused too.
    regulator.serve_body(
        File::Base,
        "DATE_DEBUT;DATE_FIN;P_SOUSCRITE;PART_FIXE_HT;PART_FIXE_TTC;PART_VARIABLE_HT;PART_VARIABLE_TTC\r\n",
    );
    let err = prices.update_tariffs(&history, later).await.unwrap_err();
    assert!(err.to_string().contains("no row"), "{err}");
    assert_eq!(
        history.tariff_file(TariffOption::Base).unwrap().unwrap(),
        cached_base
    );
    // Larger than any tariff file: refused without reading it all.
    regulator.serve_body(File::Base, vec![b'x'; prices::MAX_BODY_BYTES + 1]);
    let err = prices.update_tariffs(&history, later).await.unwrap_err();
    assert!(matches!(err, PriceError::TooLarge { .. }), "{err:?}");
    assert_eq!(
        base_6_kva_price(&prices::tariffs(&history).unwrap(), date(2027, 2, 15)),
        PricePerKwh::parse("0,2345").unwrap(),
        "the cached copy still applies"
    );
    regulator.stop().await;
}

#[tokio::test]
async fn an_outage_keeps_the_cache() {
    let regulator = RegulatorSim::start().await.unwrap();
    let (_dir, history) = open();
    let prices = client(Some(&regulator), None);
    let first = paris("2026-11-30T09:00:00");
    prices.update_tariffs(&history, first).await.unwrap();
    let cached = history.tariff_file(TariffOption::Tempo).unwrap().unwrap();

    regulator.fail_with(StatusCode::INTERNAL_SERVER_ERROR);
    let later = paris("2026-12-08T09:00:00");
    let err = prices.update_tariffs(&history, later).await.unwrap_err();
    assert!(
        matches!(
            err,
            PriceError::Status {
                status: 500,
                retry_after: None,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        history.tariff_file(TariffOption::Tempo).unwrap().unwrap(),
        cached
    );
    assert!(prices::tariffs_due(&history, later).unwrap(), "still due");

    regulator.fail_with(StatusCode::TOO_MANY_REQUESTS);
    let err = prices.update_tariffs(&history, later).await.unwrap_err();
    assert_eq!(err.retry_after(), Some(Duration::from_secs(120)));

    regulator.recover();
    // The same files as cached: checked (no longer due), but nothing changed.
    assert_eq!(prices.update_tariffs(&history, later).await.unwrap(), 0);
    assert!(!prices::tariffs_due(&history, later).unwrap());
    regulator.stop().await;
}

#[test]
fn a_cached_file_that_no_longer_reads_is_skipped() {
    let (_dir, history) = open();
    history
        .store_tariff_file(
            TariffOption::HpHc,
            b"not a csv",
            paris("2026-11-30T09:00:00"),
        )
        .unwrap();
    assert_eq!(
        prices::tariffs(&history).unwrap(),
        RegulatedTariffs::snapshot().unwrap()
    );
}

#[test]
fn only_https_or_this_machine() {
    let bad = PriceFeeds {
        regulator: "http://www.cre.fr/fileadmin/".parse().unwrap(),
        ..PriceFeeds::default()
    };
    assert!(matches!(
        PriceClient::new(bad),
        Err(PriceError::BadAddress { .. })
    ));
    let query = PriceFeeds {
        tempo: "https://www.services-rte.com/?x=1".parse().unwrap(),
        ..PriceFeeds::default()
    };
    assert!(PriceClient::new(query).is_err());
    let folder = PriceFeeds {
        regulator: "http://127.0.0.1:1/files".parse().unwrap(),
        ..PriceFeeds::default()
    };
    assert_eq!(
        PriceClient::new(folder).unwrap().feeds().regulator.as_str(),
        "http://127.0.0.1:1/files/"
    );
    // The configuration's shape.
    let json = serde_json::to_value(PriceFeeds::default()).unwrap();
    assert_eq!(json["tempo"], "https://www.services-rte.com/");
}
