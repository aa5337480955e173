//! Reading a linked meter's data through a real hearth-proxy in front of the Enedis simulator:
//! each refusal as its own `DataError`, long ranges in calls within each measure's limit
//! (counted by the simulator), a day published late, and the politeness per meter.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics the test with its reason.

mod common;

use std::time::{Duration, Instant};

use common::{App, FLAT, HOUSE, day, range, setup, sim_day};
use hearth_energy::{
    DataError, DayRange, Measure, ProxySource, Source, SourceOptions, fetch_range, token_entry,
};
use hearth_metering::MeterReading;

fn days(reading: &MeterReading) -> Vec<String> {
    reading
        .interval_reading
        .iter()
        .map(|r| r.date.clone())
        .collect()
}

#[tokio::test]
async fn each_refusal_is_its_own_error() {
    // A short queue: once Enedis throttles, the proxy refuses at once rather than waiting.
    let setup = setup(|sim| sim, &["--queue-timeout-secs", "1"]).await;
    let app = App::new(&setup);
    app.link(&setup, HOUSE).await;
    let source = &app.source;

    // The daily energy is the day's load curve summed (W over half hours), through the proxy.
    let yesterday_but_one = range(-3, -2);
    let daily = source
        .reading(HOUSE, Measure::DailyConsumption, yesterday_but_one)
        .await
        .unwrap();
    let curve = source
        .reading(HOUSE, Measure::ConsumptionLoadCurve, yesterday_but_one)
        .await
        .unwrap();
    let watts: i64 = curve
        .interval_reading
        .iter()
        .map(|r| r.value().unwrap())
        .sum();
    assert!(matches!(curve.interval_reading.len(), 46 | 48 | 50));
    assert_eq!(daily.interval_reading[0].value().unwrap(), watts / 2);

    // Another meter of the customer's, not linked: no tokens for it, link it.
    assert_eq!(
        source
            .reading(FLAT, Measure::DailyConsumption, range(-3, -2))
            .await
            .unwrap_err(),
        DataError::Unauthorized
    );
    // The house's tokens filed under the flat (a damaged store): the proxy refuses the PRM the
    // tokens do not cover.
    app.store
        .put(
            &token_entry(FLAT),
            &app.store.get(&token_entry(HOUSE)).unwrap().unwrap(),
        )
        .unwrap();
    assert_eq!(
        source
            .reading(FLAT, Measure::DailyConsumption, range(-3, -2))
            .await
            .unwrap_err(),
        DataError::NoConsent
    );
    // Enedis says the consent is gone (withdrawn by the customer).
    setup.sim.fail_next_with(1, 403, "ADAM-DC-0008");
    assert_eq!(
        source
            .reading(HOUSE, Measure::DailyConsumption, range(-4, -3))
            .await
            .unwrap_err(),
        DataError::NoConsent
    );
    // Enedis says the account is not the meter's holder.
    setup.sim.fail_next_with(1, 403, "ADAM-DC-0007");
    assert_eq!(
        source
            .reading(HOUSE, Measure::DailyConsumption, range(-4, -3))
            .await
            .unwrap_err(),
        DataError::NotHolder
    );
    // The proxy's application lacks the API.
    setup.sim.fail_next_with(1, 403, "900908");
    assert_eq!(
        source
            .reading(HOUSE, Measure::DailyConsumption, range(-5, -4))
            .await
            .unwrap_err(),
        DataError::NotSubscribed
    );
    // A meter activated recently: before it, refused as such; the contract says when.
    let activated = day(-20);
    setup.sim.set_activation(HOUSE, Some(sim_day(activated)));
    assert_eq!(
        source
            .reading(HOUSE, Measure::DailyConsumption, range(-30, -10))
            .await
            .unwrap_err(),
        DataError::BeforeActivation
    );
    let contract = source.contract(HOUSE).await.unwrap();
    assert_eq!(
        contract.last_activation_date.as_deref(),
        Some(activated.to_string().as_str())
    );
    assert_eq!(contract.subscribed_kva(), Some(9));
    setup.sim.set_activation(HOUSE, None);
    // A meter that does not produce.
    assert_eq!(
        source
            .reading(HOUSE, Measure::DailyProduction, range(-10, -3))
            .await
            .unwrap_err(),
        DataError::NoData
    );
    // Ranges: longer than a call may be (refused before asking), in the future (by the proxy).
    assert_eq!(
        source
            .reading(HOUSE, Measure::ConsumptionLoadCurve, range(-12, -3))
            .await
            .unwrap_err(),
        DataError::BadRange
    );
    assert_eq!(
        source
            .reading(HOUSE, Measure::DailyConsumption, range(5, 7))
            .await
            .unwrap_err(),
        DataError::BadRange
    );
    // An outage, with the time of the next try.
    setup.sim.fail_next(1, 503);
    let err = source
        .reading(HOUSE, Measure::DailyConsumption, range(-6, -5))
        .await
        .unwrap_err();
    assert!(matches!(err, DataError::Outage { .. }), "{err:?}");
    assert_eq!(err.retry_after(), Some(Duration::from_secs(60)));
    // Enedis throttles for 20 s: quota, with the wait it named; the next call too, refused by
    // the proxy without asking Enedis.
    setup.sim.throttle_for(Duration::from_secs(20));
    let err = source
        .reading(HOUSE, Measure::DailyConsumption, range(-7, -6))
        .await
        .unwrap_err();
    let wait = err.retry_after().unwrap();
    assert!(matches!(err, DataError::Quota { .. }), "{err:?}");
    assert!(
        wait > Duration::from_secs(15) && wait <= Duration::from_secs(21),
        "{wait:?}"
    );
    let asked = setup.sim.calls("metering");
    let err = source
        .reading(HOUSE, Measure::DailyConsumption, range(-8, -7))
        .await
        .unwrap_err();
    assert!(matches!(err, DataError::Quota { .. }), "{err:?}");
    assert!(err.retry_after().unwrap() <= wait);
    assert_eq!(setup.sim.calls("metering"), asked, "not asked while paused");
}

/// A long range is cut into calls within each measure's limit, newest first; the simulator
/// counts the calls.
#[tokio::test]
async fn long_ranges_are_fetched_in_chunks() {
    let setup = setup(|sim| sim, &[]).await;
    let app = App::new(&setup);
    app.link(&setup, HOUSE).await;

    let year_and_more = range(-401, -1);
    assert_eq!(year_and_more.days(), 400);
    let fetched = fetch_range(&app.source, HOUSE, Measure::DailyConsumption, year_and_more).await;
    assert!(fetched.stopped.is_none(), "{:?}", fetched.stopped);
    assert_eq!(setup.sim.calls("metering/consommation_quotidienne"), 2);
    assert_eq!(fetched.readings.len(), 2);
    assert_eq!(fetched.readings[0].0.end, year_and_more.end, "newest first");
    let all: Vec<String> = fetched
        .readings
        .iter()
        .rev()
        .flat_map(|(_, reading)| days(reading))
        .collect();
    assert_eq!(all.len(), 400);
    assert_eq!(all[0], year_and_more.start.to_string());
    assert_eq!(all[399], day(-2).to_string());

    let weeks = range(-21, -1);
    let fetched = fetch_range(&app.source, HOUSE, Measure::ConsumptionLoadCurve, weeks).await;
    assert!(fetched.stopped.is_none(), "{:?}", fetched.stopped);
    assert_eq!(setup.sim.calls("metering/courbe_de_charge_consommation"), 3);
    let half_hours: usize = fetched
        .readings
        .iter()
        .map(|(_, reading)| reading.intervals().unwrap().len())
        .sum();
    // 20 French days: 960 half hours, give or take a change of time.
    assert!((958..=962).contains(&half_hours), "{half_hours}");
}

/// A chunked fetch stops at a quota and says when to try again; the older chunks are not asked.
#[tokio::test]
async fn a_fetch_stops_at_the_quota_with_the_time_to_try_again() {
    let setup = setup(|sim| sim, &["--queue-timeout-secs", "1"]).await;
    let app = App::new(&setup);
    app.link(&setup, HOUSE).await;
    setup.sim.throttle_for(Duration::from_secs(30));
    let fetched = fetch_range(
        &app.source,
        HOUSE,
        Measure::ConsumptionLoadCurve,
        range(-29, -1),
    )
    .await;
    let (chunk, err) = fetched.stopped.unwrap();
    assert_eq!(chunk, range(-8, -1), "the newest chunk first");
    assert!(matches!(err, DataError::Quota { .. }), "{err:?}");
    assert!(err.retry_after().unwrap() > Duration::from_secs(25));
    assert!(fetched.readings.is_empty());
    assert_eq!(
        setup.sim.calls("metering/courbe_de_charge_consommation"),
        1,
        "stopped at the first refusal"
    );
}

/// A day Enedis publishes late is missing from the answer, then there once published.
#[tokio::test]
async fn a_day_published_late_is_there_when_asked_again() {
    let setup = setup(|sim| sim, &[]).await;
    let app = App::new(&setup);
    app.link(&setup, HOUSE).await;
    let late = day(-4);
    setup.sim.withhold(sim_day(late));
    let week = range(-8, -1);
    let before = app
        .source
        .reading(HOUSE, Measure::DailyConsumption, week)
        .await
        .unwrap();
    assert_eq!(before.interval_reading.len(), 6);
    assert!(!days(&before).contains(&late.to_string()));
    // Alone, the day is "no data".
    let alone = DayRange {
        start: late,
        end: day(-3),
    };
    assert_eq!(
        app.source
            .reading(HOUSE, Measure::DailyConsumption, alone)
            .await
            .unwrap_err(),
        DataError::NoData
    );

    setup.sim.publish(sim_day(late));
    let after = app
        .source
        .reading(HOUSE, Measure::DailyConsumption, week)
        .await
        .unwrap();
    assert_eq!(after.interval_reading.len(), 7);
    assert!(days(&after).contains(&late.to_string()));
    let alone = app
        .source
        .reading(HOUSE, Measure::DailyConsumption, alone)
        .await
        .unwrap();
    assert_eq!(days(&alone), [late.to_string()]);
}

/// One call at a time per meter, spaced: three calls asked at once take at least two spacings.
#[tokio::test]
async fn calls_for_a_meter_go_one_at_a_time_spaced() {
    let setup = setup(|sim| sim, &[]).await;
    let app = App::new(&setup);
    app.link(&setup, HOUSE).await;
    let spacing = Duration::from_millis(400);
    let source = ProxySource::new(
        std::sync::Arc::clone(&app.tokens),
        SourceOptions {
            spacing,
            ..SourceOptions::default()
        },
    )
    .unwrap();
    let started = Instant::now();
    let (a, b, c) = tokio::join!(
        source.reading(HOUSE, Measure::DailyConsumption, range(-4, -3)),
        source.reading(HOUSE, Measure::DailyConsumption, range(-5, -4)),
        source.reading(HOUSE, Measure::DailyConsumption, range(-6, -5)),
    );
    for result in [a, b, c] {
        assert_eq!(result.unwrap().interval_reading.len(), 1);
    }
    assert!(started.elapsed() >= 2 * spacing, "{:?}", started.elapsed());
}

/// An answer larger than the limit is refused, not read whole; the next call is unaffected.
#[tokio::test]
async fn answers_over_the_size_limit_are_refused() {
    let setup = setup(|sim| sim, &[]).await;
    let app = App::new(&setup);
    app.link(&setup, HOUSE).await;
    let small = ProxySource::new(
        std::sync::Arc::clone(&app.tokens),
        SourceOptions {
            max_body_bytes: 300,
            ..SourceOptions::default()
        },
    )
    .unwrap();
    // A week does not fit in 300 bytes; one day does.
    let err = small
        .reading(HOUSE, Measure::DailyConsumption, range(-9, -2))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, DataError::Malformed(why) if why.contains("300 bytes")),
        "{err:?}"
    );
    let day = small
        .reading(HOUSE, Measure::DailyConsumption, range(-3, -2))
        .await
        .unwrap();
    assert_eq!(day.interval_reading.len(), 1);
}
