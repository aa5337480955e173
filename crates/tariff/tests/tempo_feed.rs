//! The Tempo feed parser reads what the simulated feed serves (the format public clients read
//! from RTE), and the calendar it fills prices a Tempo night.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics with its reason.

use hearth_sim::tempo::{self as sim, TempoSim};
use hearth_tariff::{Color, RteOpenData, TempoCalendar, TempoFeedParser};
use jiff::Timestamp;
use jiff::civil::date;

fn ours(color: sim::Color) -> Color {
    match color {
        sim::Color::Blue => Color::Blue,
        sim::Color::White => Color::White,
        sim::Color::Red => Color::Red,
    }
}

async fn fetch(url: &str) -> Vec<u8> {
    let response = reqwest::get(url).await.unwrap();
    assert!(response.status().is_success(), "{url}");
    response.bytes().await.unwrap().to_vec()
}

#[tokio::test]
async fn the_parser_reads_the_feed_and_tomorrow_appears_at_ten_forty() {
    // 2 December 2026, 10:39 in Paris.
    let now: Timestamp = "2026-12-02T09:39:00Z".parse().unwrap();
    let feed = TempoSim::builder().now(now).start().await.unwrap();
    let light = RteOpenData.parse(&fetch(&feed.light_url()).await).unwrap();
    let today = date(2026, 12, 2);
    assert_eq!(light, vec![(today, ours(sim::color(today).unwrap()))]);

    feed.set_now(Some("2026-12-02T09:40:00Z".parse().unwrap()));
    let light = RteOpenData.parse(&fetch(&feed.light_url()).await).unwrap();
    let tomorrow = date(2026, 12, 3);
    assert_eq!(light.len(), 2);
    assert_eq!(light[1], (tomorrow, ours(sim::color(tomorrow).unwrap())));

    let mut calendar = TempoCalendar::new();
    let season = RteOpenData
        .parse(&fetch(&feed.season_url(2026)).await)
        .unwrap();
    // 1 September – 3 December: 30 + 31 + 30 + 3 days.
    assert_eq!(calendar.merge(season), 94);
    assert_eq!(calendar.merge(light), 0, "already cached");
    assert!(calendar.missing(date(2026, 9, 1), tomorrow).is_empty());
    assert_eq!(
        calendar.missing(date(2026, 9, 1), date(2026, 12, 4)),
        vec![date(2026, 12, 4)]
    );
    feed.stop().await;
}

#[tokio::test]
async fn a_leap_season_read_from_the_feed_has_301_blue_days() {
    // September 2028: the season 2027-2028 (with 29 February 2028) is whole.
    let now: Timestamp = "2028-09-10T12:00:00Z".parse().unwrap();
    let feed = TempoSim::builder().now(now).start().await.unwrap();
    let days = RteOpenData
        .parse(&fetch(&feed.season_url(2027)).await)
        .unwrap();
    let count = |c| days.iter().filter(|(_, color)| *color == c).count();
    assert_eq!(days.len(), 366);
    assert_eq!(
        (count(Color::Blue), count(Color::White), count(Color::Red)),
        (301, 43, 22)
    );
    assert!(days.iter().any(|(d, _)| *d == date(2028, 2, 29)));
    feed.stop().await;
}
