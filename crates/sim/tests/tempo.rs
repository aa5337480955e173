//! The Tempo calendar simulator: each season's counts and rules, and the feed as a client reads
//! it, before and after tomorrow's publication at 10:40 French time.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics with its reason.

use std::collections::BTreeMap;

use hearth_sim::tempo::{Color, TempoSim, season};
use jiff::Timestamp;
use jiff::civil::{Date, Weekday, date};
use serde_json::Value;

fn count(calendar: &BTreeMap<Date, Color>, color: Color) -> usize {
    calendar.values().filter(|c| **c == color).count()
}

#[test]
fn every_season_has_its_counts_and_rules() {
    // (first year, days, blue days): 2023-2024 and 2027-2028 hold a 29 February.
    for (year, days, blue) in [
        (2023, 366, 301),
        (2024, 365, 300),
        (2025, 365, 300),
        (2026, 365, 300),
        (2027, 366, 301),
    ] {
        let cal = season(year);
        assert_eq!(cal.len(), days, "{year}");
        assert_eq!(cal.keys().next(), Some(&date(year, 9, 1)));
        assert_eq!(cal.keys().last(), Some(&date(year + 1, 8, 31)));
        assert_eq!(count(&cal, Color::Blue), blue, "{year}");
        assert_eq!(count(&cal, Color::White), 43, "{year}");
        assert_eq!(count(&cal, Color::Red), 22, "{year}");
        for (day, color) in &cal {
            if day.weekday() == Weekday::Sunday {
                assert_eq!(*color, Color::Blue, "{day} is a Sunday");
            }
            if *color == Color::Red {
                assert_ne!(day.weekday(), Weekday::Saturday, "{day}");
                let winter = (day.year() == year && day.month() >= 11)
                    || (day.year() == year + 1 && day.month() <= 3);
                assert!(winter, "red {day} outside 1 November – 31 March");
            }
        }
    }
}

#[test]
fn the_calendar_is_deterministic_and_differs_between_seasons() {
    assert_eq!(season(2026), season(2026));
    let reds = |year| -> Vec<(i8, i8)> {
        season(year)
            .into_iter()
            .filter(|(_, c)| *c == Color::Red)
            .map(|(d, _)| (d.month(), d.day()))
            .collect()
    };
    assert_ne!(reds(2025), reds(2026));
}

async fn get(url: &str) -> Value {
    reqwest::get(url).await.unwrap().json().await.unwrap()
}

fn rte(color: Color) -> Value {
    Value::String(color.rte().into())
}

#[tokio::test]
async fn tomorrow_is_published_at_ten_forty() {
    // 14 January 2026, 10:39:59 in Paris (UTC+1).
    let before: Timestamp = "2026-01-14T09:39:59Z".parse().unwrap();
    let sim = TempoSim::builder().now(before).start().await.unwrap();
    let today = hearth_sim::tempo::color(date(2026, 1, 14)).unwrap();
    let tomorrow = hearth_sim::tempo::color(date(2026, 1, 15)).unwrap();

    let body = get(&sim.light_url()).await;
    let values = body["values"].as_object().unwrap();
    assert_eq!(values["2026-01-14"], rte(today));
    assert_eq!(values["2026-01-14-fallback"], "false");
    assert!(
        !values.contains_key("2026-01-15"),
        "not yet published: {body}"
    );

    sim.set_now(Some("2026-01-14T09:40:00Z".parse().unwrap()));
    let body = get(&sim.light_url()).await;
    assert_eq!(body["values"]["2026-01-15"], rte(tomorrow));
    assert_eq!(body["values"]["2026-01-14"], rte(today));

    // The season feed: every day from 1 September to the last published one.
    let body = get(&sim.season_url(2025)).await;
    let values = body["values"].as_object().unwrap();
    let days: Vec<&String> = values
        .keys()
        .filter(|k| !k.ends_with("-fallback"))
        .collect();
    assert_eq!(days.len(), 137); // 1 Sep 2025 – 15 Jan 2026: 30 + 31 + 30 + 31 + 15
    assert_eq!(days.first().unwrap().as_str(), "2025-09-01");
    assert_eq!(days.last().unwrap().as_str(), "2026-01-15");
    // A past season is whole: 300 + 43 + 22 days.
    let past = get(&sim.season_url(2024)).await;
    let colors: Vec<&Value> = past["values"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| !k.ends_with("-fallback"))
        .map(|(_, v)| v)
        .collect();
    assert_eq!(colors.len(), 365);
    assert_eq!(colors.iter().filter(|v| **v == "RED").count(), 22);
    assert_eq!(colors.iter().filter(|v| **v == "WHITE").count(), 43);
    // A season not spelt YYYY-YYYY is refused.
    let refused = reqwest::get(format!(
        "{}/cms/open_data/v1/tempo?season=2025",
        sim.base_url()
    ))
    .await
    .unwrap();
    assert_eq!(refused.status(), 400);
    assert_eq!(sim.calls(), 5);
    sim.stop().await;
}
