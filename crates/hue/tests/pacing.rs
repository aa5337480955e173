//! The pacer against the simulator under a storm of commands: nothing refused, never more than
//! three requests at once, every target ends on its last value, and far fewer requests than
//! commands. Limits are shortened to keep the test quick; the defaults are measured by the
//! benchmark.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics the test with its reason.

mod common;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use common::rig;
use futures_util::future::join_all;
use hearth_hue::model::{LightUpdate, ResourceType};
use hearth_hue::pacer::{Command, PaceKey, Pacer, PacerConfig};
use hearth_hue::{BridgeIdentity, Client, Error, LocalConfig, LocalTransport, RetryPolicy};
use hearth_secret::Secret;
use hearth_sim::bridge::SimConfig;

#[tokio::test]
async fn a_storm_is_paced_coalesced_and_ends_on_the_last_values() {
    let rig = rig(SimConfig {
        lights: 9,
        rooms: 3,
        ..SimConfig::default()
    })
    .await;
    rig.sim.set_latency(Duration::from_millis(15));
    let pacer = Pacer::new(
        rig.client.clone(),
        PacerConfig {
            light_interval: Duration::from_millis(10),
            group_interval: Duration::from_millis(60),
            max_in_flight: 3,
        },
    );
    let lights = rig.sim.ids_of("light");
    let rooms: Vec<String> = rig
        .sim
        .ids_of("room")
        .iter()
        .filter_map(|r| rig.sim.grouped_light_of(r))
        .collect();
    rig.sim.clear_exchanges();

    let mut last_brightness: HashMap<String, f64> = HashMap::new();
    let mut last_on: HashMap<String, bool> = HashMap::new();
    let mut results = Vec::new();
    for i in 0..400u32 {
        if i % 8 == 0 {
            let room = &rooms[(i as usize / 8) % rooms.len()];
            let on = i % 16 == 0;
            last_on.insert(room.clone(), on);
            let key = PaceKey::new(ResourceType::GroupedLight, room.clone());
            results.push(pacer.submit(key, Command::Update(LightUpdate::on(on))));
        } else {
            let light = &lights[i as usize % lights.len()];
            let brightness = f64::from(i % 97) + 1.0;
            last_brightness.insert(light.clone(), brightness);
            let key = PaceKey::new(ResourceType::Light, light.clone());
            results.push(pacer.submit(key, Command::Update(LightUpdate::brightness(brightness))));
        }
        if i % 20 == 0 {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }
    for result in join_all(results).await {
        result.unwrap().unwrap();
    }

    assert_eq!(rig.sim.refused_429(), 0);
    assert!(
        rig.sim.max_concurrency_seen() <= 3,
        "{}",
        rig.sim.max_concurrency_seen()
    );
    for (light, brightness) in &last_brightness {
        let state = rig.sim.resource(light).unwrap();
        assert_eq!(
            state["dimming"]["brightness"].as_f64(),
            Some(*brightness),
            "{light}"
        );
    }
    for (grouped, on) in &last_on {
        let room = rig.sim.resource(grouped).unwrap()["owner"]["rid"]
            .as_str()
            .unwrap()
            .to_owned();
        for light in rig.sim.lights_of(&room) {
            assert_eq!(
                rig.sim.resource(&light).unwrap()["on"]["on"].as_bool(),
                Some(*on)
            );
        }
    }
    let puts = rig
        .sim
        .exchanges()
        .iter()
        .filter(|e| e.method == "PUT")
        .count();
    assert!(puts < 400 / 2, "{puts} requests for 400 commands");
    assert_eq!(pacer.dispatched(), puts as u64);
}

#[tokio::test]
async fn the_bridge_refuses_a_flood_that_the_transport_would_never_send() {
    let rig = rig(SimConfig::default()).await;
    rig.sim.set_latency(Duration::from_millis(40));
    let lights = rig.sim.ids_of("light");

    // A transport allowed 12 concurrent requests, without retries: the bridge refuses some.
    let mut config = LocalConfig::new(
        rig.sim.address().parse().unwrap(),
        BridgeIdentity::known(rig.sim.bridge_id(), None),
    );
    config.roots = common::sim_roots(&rig.sim);
    config.app_key = Some(Secret::from(rig.key.as_str()));
    config.max_concurrent_requests = 12;
    let greedy =
        Client::new(Arc::new(LocalTransport::new(config).unwrap())).with_retry(RetryPolicy {
            attempts: 1,
            ..RetryPolicy::default()
        });
    let flood = (0..12).map(|i| {
        let client = greedy.clone();
        let light = lights[i % lights.len()].clone();
        async move { client.update_light(&light, &LightUpdate::on(true)).await }
    });
    let refused = join_all(flood)
        .await
        .into_iter()
        .filter(|r| matches!(r, Err(Error::Busy { status: 429, .. })))
        .count();
    assert!(refused > 0, "the simulator should refuse a flood");

    // The default transport holds the same flood to three at a time: nothing refused.
    let before = rig.sim.refused_429();
    let flood = (0..12).map(|i| {
        let client = rig.client.clone().with_retry(RetryPolicy {
            attempts: 1,
            ..RetryPolicy::default()
        });
        let light = lights[i % lights.len()].clone();
        async move { client.update_light(&light, &LightUpdate::on(false)).await }
    });
    for result in join_all(flood).await {
        result.unwrap();
    }
    assert_eq!(rig.sim.refused_429(), before);
}
