//! The demo against its own simulators: what *Try the demo* gives a newcomer with no hardware.

use std::time::Duration;

use hearth_core::home::Home;
use hearth_core::lights::{ConnectionState, Snapshot, Via};
use hearth_core::remote::{ReceiverChoice, ReceiverKind};
use hearth_demo::{Consent, Demo, DemoOptions};
use hearth_sim::cloud::browser::{Browser, Decision, Landed};
use serde_json::json;

const PATIENCE: Duration = Duration::from_secs(20);

fn home() -> Home {
    let (home, relay) = Home::new();
    tokio::spawn(relay);
    home
}

fn small(consent: Consent, deep_links: bool) -> DemoOptions {
    DemoOptions {
        lights: 3,
        rooms: 1,
        consent,
        deep_links,
    }
}

#[tokio::test]
async fn the_demo_runs_without_hardware() {
    let demo = hearth_demo::start(DemoOptions::default()).await.unwrap();
    let snapshot = demo.lights.snapshot();
    assert!(
        snapshot
            .bridges
            .iter()
            .all(|b| b.connection == ConnectionState::Live)
    );
    assert_eq!(snapshot.rooms.len(), 4);
    assert_eq!(snapshot.lights.len(), 8);
    let room = snapshot.rooms[0].clone();
    let on = demo.lights.toggle(&room.target()).await.unwrap();
    let sim = demo.simulator();
    assert!(
        sim.lights_of(&room.id)
            .iter()
            .all(|l| sim.resource(l).unwrap()["on"]["on"] == on)
    );
    let mut state = demo.lights.subscribe();
    tokio::time::timeout(
        PATIENCE,
        state.wait_for(|s| s.group(&room.id).is_some_and(|r| r.on == on)),
    )
    .await
    .expect("the toggle comes back through the event stream")
    .unwrap();
}

#[tokio::test]
async fn the_demo_replaces_an_empty_home_and_its_state_follows() {
    let home = home();
    assert!(!home.status().ready);
    assert!(home.lights().is_err());
    let snapshots = home.subscribe();

    hearth_demo::show(&home, small(Consent::Ask, false))
        .await
        .unwrap();
    let status = home.status();
    assert!(status.demo && status.ready);
    assert!(status.demo_bridge.unwrap().starts_with("127.0.0.1:"));
    let shown = home
        .wait_for(PATIENCE, |s| s.rooms.len() == 1 && s.lights.len() == 3)
        .await
        .expect("the demo's rooms and lights reach the home's snapshot");
    assert!(snapshots.has_changed().unwrap());
    // The demo's remote access (its own cloud, already registered) reaches the home too.
    let remote = home
        .subscribe_remote()
        .borrow()
        .clone()
        .expect("the demo's remote view");
    assert!(remote.registered);

    // A second *Try the demo* keeps the demo shown: same simulated bridge.
    let bridge = home.status().demo_bridge;
    hearth_demo::show(&home, small(Consent::Ask, false))
        .await
        .unwrap();
    assert_eq!(home.status().demo_bridge, bridge);

    // A toggle comes back through the bridge's event stream.
    let room = shown.rooms[0].target();
    let was_on = shown.rooms[0].on;
    assert_eq!(home.toggle(&room).await.unwrap(), !was_on);
    home.wait_for(PATIENCE, |s| s.is_on(&room) == Some(!was_on))
        .await
        .expect("the toggle shows in the snapshot");

    // The simulator is reachable through the home, for a change made "elsewhere".
    let light = shown.lights[0].id.clone();
    let was_light_on = shown.lights[0].on;
    home.with_demo(|demo: &Demo| {
        demo.simulator()
            .change_light(&light, &json!({"on": {"on": !was_light_on}}))
    })
    .expect("the demo is shown")
    .unwrap();
    home.wait_for(PATIENCE, |s| {
        s.lights
            .iter()
            .any(|l| l.id == light && l.on != was_light_on)
    })
    .await
    .expect("a change made on the simulator shows");
}

#[tokio::test]
async fn away_needs_a_demo() {
    let home = home();
    assert!(matches!(
        hearth_demo::set_away(&home, true).await,
        Err(hearth_demo::DemoError::NotRunning)
    ));
    assert!(!home.status().demo_away);
}

fn via(snapshot: &Snapshot, id: &str) -> Option<(Via, bool)> {
    snapshot
        .bridge(id)
        .map(|b| (b.via, b.connection == ConnectionState::Live))
}

#[tokio::test]
async fn the_demo_links_against_its_own_cloud_and_goes_away_from_home() {
    let home = home();
    hearth_demo::show(&home, small(Consent::Allow, true))
        .await
        .unwrap();
    let status = home.status();
    assert!(
        status
            .demo_cloud
            .as_deref()
            .is_some_and(|c| c.starts_with("http://127.0.0.1:"))
    );
    let remote = home.remote().unwrap();
    let view = remote.view();
    assert!(view.registered, "{view:?}");
    assert_eq!(view.auto_receiver, ReceiverKind::DeepLink);
    let started = remote.start_link(ReceiverChoice::Auto).await.unwrap();
    let answer = match Browser::new()
        .unwrap()
        .visit(&started.authorize_url, Decision::Allow)
        .await
        .unwrap()
    {
        Landed::Elsewhere(address) => address,
        Landed::Page { status, body } => {
            panic!("a deep link was expected, not a {status} page: {body}")
        }
    };
    remote.deliver(&answer).unwrap();
    let bridge_id = remote.wait_link().await.unwrap();

    hearth_demo::set_away(&home, true).await.unwrap();
    assert!(home.status().demo_away);
    let shown = home
        .wait_for(PATIENCE, |s| {
            via(s, &bridge_id) == Some((Via::Remote, true))
        })
        .await
        .expect("the demo bridge goes through the cloud");
    let room = shown.rooms[0].target();
    let was = shown.rooms[0].on;
    assert_eq!(home.toggle(&room).await.unwrap(), !was);
    home.wait_for(PATIENCE, |s| s.is_on(&room) == Some(!was))
        .await
        .expect("the toggle shows through the cloud");
    hearth_demo::set_away(&home, false).await.unwrap();
    assert!(!home.status().demo_away);
    home.wait_for(PATIENCE, |s| via(s, &bridge_id) == Some((Via::Local, true)))
        .await
        .expect("back on the LAN");
}
