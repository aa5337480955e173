//! The event stream and the state cache against the simulator's faults: a dropped stream, a
//! silent one, a bridge restarted with changed state, 503s during the resync, and a room whose
//! state must follow its lights when the bridge says nothing about the room.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics the test with its reason.

mod common;

use std::time::Duration;

use common::{Rig, light, next_matching, rig};
use hearth_hue::events::stream::{self, EventStream, StreamConfig, StreamItem};
use hearth_hue::{Cache, Error};
use hearth_sim::bridge::{BridgeSim, Restart, SimConfig};
use serde_json::json;

fn quick() -> StreamConfig {
    StreamConfig {
        read_timeout: Duration::from_millis(300),
        initial_backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(200),
    }
}

/// Follows the stream until the first resync and returns the cache it built.
async fn connected(rig: &Rig) -> (EventStream, Cache) {
    let mut events = stream::spawn(rig.client.clone(), quick());
    let resources = next_matching(&mut events, |item| match item {
        StreamItem::Resynced(resources) => Some(resources),
        _ => None,
    })
    .await;
    (events, Cache::new(resources))
}

/// Applies stream items to the cache until `done` holds; returns the errors that made the
/// stream reconnect on the way.
async fn follow_until(
    events: &mut EventStream,
    cache: &mut Cache,
    mut done: impl FnMut(&Cache) -> bool,
) -> Vec<Error> {
    let mut lost = Vec::new();
    tokio::time::timeout(common::PATIENCE, async {
        while !done(cache) {
            match events.next().await.expect("the stream ended") {
                StreamItem::Resynced(resources) => cache.replace_all(resources),
                StreamItem::Events(batch) => {
                    cache.apply(&batch);
                }
                StreamItem::Lost { error, .. } => lost.push(error),
                StreamItem::Connecting { .. } => {}
            }
        }
    })
    .await
    .expect("the state never got there");
    lost
}

fn light_on(cache: &Cache, id: &str) -> bool {
    cache.light(id).is_some_and(|l| l.on.on)
}

#[tokio::test]
async fn a_change_made_elsewhere_arrives_as_an_event() {
    let rig = rig(SimConfig::default()).await;
    let (mut events, mut cache) = connected(&rig).await;
    let ceiling = light(&rig.sim, "Ceiling");
    let was_on = light_on(&cache, &ceiling);
    rig.sim
        .change_light(&ceiling, &json!({"on": {"on": !was_on}}))
        .unwrap();
    let batch = next_matching(&mut events, |item| match item {
        StreamItem::Events(batch) => Some(batch),
        _ => None,
    })
    .await;
    let event = batch.iter().find(|e| e.id == ceiling).unwrap();
    assert_eq!(event.change.on, Some(!was_on));
    cache.apply(&batch);
    assert_eq!(light_on(&cache, &ceiling), !was_on);
}

/// Breaks the stream with `fault`, changes a light meanwhile (only a resync can tell), and
/// follows until the cache shows the change; returns why the stream was lost on the way.
async fn broken_then_resynced(fault: impl FnOnce(&BridgeSim)) -> Vec<Error> {
    let rig = rig(SimConfig::default()).await;
    let (mut events, mut cache) = connected(&rig).await;
    let ceiling = light(&rig.sim, "Ceiling");
    let target = !light_on(&cache, &ceiling);
    fault(&rig.sim);
    rig.sim
        .change_light(&ceiling, &json!({"on": {"on": target}}))
        .unwrap();
    follow_until(&mut events, &mut cache, |c| light_on(c, &ceiling) == target).await
}

#[tokio::test]
async fn a_dropped_stream_reconnects_and_resyncs() {
    let lost = broken_then_resynced(BridgeSim::drop_streams).await;
    assert!(lost.iter().any(|e| matches!(e, Error::Closed)), "{lost:?}");
}

#[tokio::test]
async fn a_silent_stream_is_caught_by_the_watchdog() {
    let lost = broken_then_resynced(BridgeSim::mute_streams).await;
    assert!(
        lost.iter().any(|e| matches!(e, Error::StreamSilent { .. })),
        "{lost:?}"
    );
}

#[tokio::test]
async fn a_restarted_bridge_with_changed_state_is_resynced() {
    let rig = rig(SimConfig::default()).await;
    let (mut events, mut cache) = connected(&rig).await;
    let before: Vec<(String, bool)> = cache.lights().map(|l| (l.id.clone(), l.on.on)).collect();
    rig.sim
        .restart(Restart {
            downtime: Duration::from_millis(300),
            flip_lights: true,
            ..Restart::default()
        })
        .await
        .unwrap();
    follow_until(&mut events, &mut cache, |c| {
        before.iter().all(|(id, on)| light_on(c, id) != *on)
    })
    .await;
}

#[tokio::test]
async fn busy_answers_during_the_resync_are_retried() {
    let rig = rig(SimConfig::default()).await;
    let (mut events, _) = connected(&rig).await;
    rig.sim.clear_exchanges();
    rig.sim.fail_next(503, 3);
    rig.sim.drop_streams();
    next_matching(&mut events, |item| {
        matches!(item, StreamItem::Lost { .. }).then_some(())
    })
    .await;
    let resources = next_matching(&mut events, |item| match item {
        StreamItem::Resynced(resources) => Some(resources),
        _ => None,
    })
    .await;
    assert_eq!(Cache::new(resources).lights().count(), 6);
    let resyncs: Vec<u16> = rig
        .sim
        .exchanges()
        .iter()
        .filter(|e| e.path == "/clip/v2/resource")
        .map(|e| e.status)
        .collect();
    assert_eq!(resyncs, [503, 503, 503, 200]);
}

#[tokio::test]
async fn a_room_follows_its_lights_without_grouped_light_events() {
    let rig = rig(SimConfig {
        group_events: false,
        ..SimConfig::default()
    })
    .await;
    let room = rig.sim.find("room", "Living room").unwrap();
    let grouped = rig.sim.grouped_light_of(&room).unwrap();
    for member in rig.sim.lights_of(&room) {
        rig.sim
            .change_light(&member, &json!({"on": {"on": false}}))
            .unwrap();
    }
    let (mut events, mut cache) = connected(&rig).await;
    let room_on = |c: &Cache| {
        c.grouped_light(&grouped)
            .and_then(|g| g.on)
            .is_some_and(|on| on.on)
    };
    assert!(!room_on(&cache));
    let first = rig.sim.lights_of(&room)[0].clone();
    rig.sim
        .change_light(&first, &json!({"on": {"on": true}}))
        .unwrap();
    follow_until(&mut events, &mut cache, room_on).await;
    rig.sim
        .change_light(&first, &json!({"on": {"on": false}}))
        .unwrap();
    follow_until(&mut events, &mut cache, |c| !room_on(c)).await;
}
