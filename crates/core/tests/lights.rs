//! The lights model end to end against the simulated bridge: pairing with progress, persistence,
//! commands, live state following changes made elsewhere, connection states, and the demo.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics the test with its reason.

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use hearth_core::lights::{
    ConnectionState, Lights, LightsConfig, PairingOptions, PairingProgress, Snapshot, Target,
    Trust, app_key_name,
};
use hearth_core::problem::Problem;
use hearth_hue::discovery::DiscoveryConfig;
use hearth_hue::events::stream::StreamConfig;
use hearth_secret::{FileStore, MemoryStore, SecretStore};
use hearth_sim::bridge::{BridgeSim, CertMode, Restart, SimConfig};
use serde_json::json;

use common::{PATIENCE, pair, wait_for};

fn config(dir: Option<&Path>, sim: &BridgeSim) -> LightsConfig {
    let mut config = LightsConfig::new(dir.map(Path::to_path_buf));
    config.discovery = DiscoveryConfig::off();
    config.roots = config.roots.with_pem(&sim.ca_pem()).unwrap();
    config.pairing_poll = Duration::from_millis(50);
    config.stream = StreamConfig {
        read_timeout: Duration::from_millis(500),
        initial_backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(200),
    };
    config
}

fn live(snapshot: &Snapshot) -> bool {
    !snapshot.bridges.is_empty()
        && snapshot
            .bridges
            .iter()
            .all(|b| b.connection == ConnectionState::Live)
}

#[tokio::test]
async fn pairs_persists_and_follows_the_bridge() {
    let sim = Arc::new(
        BridgeSim::start(SimConfig {
            cert: CertMode::SelfSigned,
            ..SimConfig::default()
        })
        .await
        .unwrap(),
    );
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn SecretStore> = Arc::new(MemoryStore::default());
    let lights = Lights::open(config(Some(dir.path()), &sim), Arc::clone(&store))
        .await
        .unwrap();
    assert!(lights.snapshot().bridges.is_empty());

    let steps = pair(&lights, &sim).await;
    assert!(
        matches!(&steps[0], PairingProgress::Contacting { address } if *address == sim.address())
    );
    let PairingProgress::Found {
        bridge_id,
        certificate,
        ..
    } = &steps[1]
    else {
        panic!("{steps:?}")
    };
    assert_eq!(*bridge_id, sim.bridge_id());
    assert_eq!(certificate.trust, Trust::Pinned);
    assert_eq!(
        certificate.fingerprint,
        hearth_hue::Fingerprint::of(&sim.certificate_der())
    );
    assert!(
        matches!(steps[2], PairingProgress::PressButton { remaining_secs } if remaining_secs <= 30 && remaining_secs > 0)
    );
    assert!(matches!(steps.last(), Some(PairingProgress::Paired { .. })));

    // The key is in the secret store, the bridge in bridges.json, and no secret there.
    let key = store.get(&app_key_name(&sim.bridge_id())).unwrap().unwrap();
    let file = std::fs::read_to_string(dir.path().join("bridges.json")).unwrap();
    assert!(file.contains(&sim.bridge_id()) && !file.contains(key.expose()));

    let snapshot = wait_for(&lights, live).await;
    assert_eq!(snapshot.rooms.len(), 3);
    assert_eq!(snapshot.zones.len(), 1);
    assert_eq!(snapshot.lights.len(), 6);
    assert_eq!(snapshot.scenes.len(), 8);
    let json = serde_json::to_string(&*snapshot).unwrap();
    assert!(!json.contains(key.expose()));

    // A room toggled here: the bridge follows, and so does the snapshot (through its events).
    let room = snapshot
        .rooms
        .iter()
        .find(|r| r.name == "Living room")
        .unwrap()
        .clone();
    let now_on = lights.toggle(&room.target()).await.unwrap();
    assert_eq!(now_on, !room.on);
    for light in sim.lights_of(&room.id) {
        assert_eq!(sim.resource(&light).unwrap()["on"]["on"], now_on);
    }
    wait_for(&lights, |s| {
        s.group(&room.id).is_some_and(|r| r.on == now_on)
    })
    .await;

    // A change made elsewhere (another app, a switch) shows up.
    let ceiling = sim.find("light", "Ceiling").unwrap();
    let was = lights.snapshot().light(&ceiling).unwrap().on;
    sim.change_light(
        &ceiling,
        &json!({"on": {"on": !was}, "dimming": {"brightness": 12.0}}),
    )
    .unwrap();
    let snapshot = wait_for(&lights, |s| s.light(&ceiling).is_some_and(|l| l.on != was)).await;
    assert_eq!(snapshot.light(&ceiling).unwrap().brightness, Some(12.0));

    // Brightness, colour temperature, colour, a scene, everything off.
    let desk = Target::light(sim.find("light", "Floor lamp").unwrap());
    lights.set_brightness(&desk, 33.0).await.unwrap();
    lights.set_color_temperature(&desk, 250).await.unwrap();
    assert_eq!(
        sim.resource(&desk.id).unwrap()["color_temperature"]["mirek"],
        250
    );
    lights.set_color_rgb(&desk, (255, 0, 0)).await.unwrap();
    assert_eq!(sim.resource(&desk.id).unwrap()["color"]["xy"]["x"], 0.6401);
    let relax = snapshot
        .scenes
        .iter()
        .find(|s| s.name == "Relax" && s.group_name.as_deref() == Some("Kitchen"))
        .unwrap();
    lights.recall_scene(&relax.id).await.unwrap();
    wait_for(&lights, |s| {
        s.scenes.iter().any(|sc| sc.id == relax.id && sc.active)
    })
    .await;
    lights.all_off().await.unwrap();
    assert!(
        sim.ids_of("light")
            .iter()
            .all(|l| sim.resource(l).unwrap()["on"]["on"] == false)
    );
    wait_for(&lights, |s| {
        s.lights.iter().all(|l| !l.on) && s.rooms.iter().all(|r| !r.on)
    })
    .await;

    // Another Lights on the same files (the CLI next to the app) knows the bridge.
    drop(lights);
    let again = Lights::open(config(Some(dir.path()), &sim), store)
        .await
        .unwrap();
    let snapshot = again.wait_until_live(PATIENCE).await.unwrap();
    assert_eq!(snapshot.bridges[0].id, sim.bridge_id());
}

#[tokio::test]
async fn connection_states_follow_faults_and_a_changed_certificate_is_refused() {
    let sim = Arc::new(
        BridgeSim::start(SimConfig {
            cert: CertMode::SelfSigned,
            ..SimConfig::default()
        })
        .await
        .unwrap(),
    );
    let lights = Lights::open(config(None, &sim), Arc::new(MemoryStore::default()))
        .await
        .unwrap();
    pair(&lights, &sim).await;
    lights.wait_until_live(PATIENCE).await.unwrap();

    sim.drop_streams();
    wait_for(&lights, |s| {
        matches!(
            s.bridges[0].connection,
            ConnectionState::Reconnecting { .. }
        )
    })
    .await;
    wait_for(&lights, live).await;

    sim.restart(Restart {
        downtime: Duration::from_millis(50),
        new_certificate: Some(CertMode::SelfSigned),
        ..Restart::default()
    })
    .await
    .unwrap();
    let snapshot = wait_for(&lights, |s| {
        matches!(
            &s.bridges[0].connection,
            ConnectionState::Offline {
                problem: Problem::CertificateChanged { .. },
                ..
            }
        )
    })
    .await;
    let ConnectionState::Offline { reason, .. } = &snapshot.bridges[0].connection else {
        unreachable!()
    };
    assert!(reason.contains("has changed"), "{reason}");
    let err = lights.wait_until_live(PATIENCE).await.unwrap_err();
    assert_eq!(err.kind(), "certificate");
    // Commands to a bridge that is not live fail clearly rather than hang.
    let room = Target::room(sim.find("room", "Kitchen").unwrap());
    let err = tokio::time::timeout(PATIENCE, lights.set_on(&room, true))
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(err.kind(), "certificate", "{err}");
}

#[tokio::test]
async fn pairing_fails_cleanly() {
    let sim = Arc::new(BridgeSim::start(SimConfig::default()).await.unwrap());
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::default());
    let lights = Lights::open(config(Some(dir.path()), &sim), store.clone())
        .await
        .unwrap();

    let options = PairingOptions {
        timeout: Some(Duration::from_millis(300)),
        ..PairingOptions::default()
    };
    let err = lights
        .pair(&sim.address(), options, |_| {})
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "button_not_pressed");
    assert!(err.to_string().contains("press the round button"), "{err}");

    // The secret store refuses: no bridge is half-remembered.
    store.refuse_writes(true);
    sim.press_link_button();
    let err = lights
        .pair(&sim.address(), PairingOptions::default(), |_| {})
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "secret_store");
    assert!(!dir.path().join("bridges.json").exists());
    assert!(lights.snapshot().bridges.is_empty());

    let err = lights
        .pair("not an address", PairingOptions::default(), |_| {})
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "bad_address");
    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let err = lights
        .pair(&dead.to_string(), PairingOptions::default(), |_| {})
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "unreachable");
    let err = lights.toggle(&Target::room("nope")).await.unwrap_err();
    assert_eq!(err.kind(), "no_bridge");

    // Firmware from before CLIP v2: refused with the way out, before any button is pressed.
    let old = BridgeSim::start(SimConfig {
        clip_v2: false,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let lights = Lights::open(config(None, &old), Arc::new(MemoryStore::default()))
        .await
        .unwrap();
    let err = lights
        .pair(&old.address(), PairingOptions::default(), |_| {})
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "firmware_too_old");
    assert!(err.to_string().contains("update its firmware"), "{err}");
}

/// ARCHITECTURE.md's "the state shown is the bridge's": a command changes the bridge, never the
/// snapshot. With the event stream muted the bridge has changed and the snapshot has not; the
/// change shows once the stream (reconnected, resynced) says so.
#[tokio::test]
async fn commands_change_the_bridge_and_only_its_events_change_the_snapshot() {
    let sim = Arc::new(BridgeSim::start(SimConfig::default()).await.unwrap());
    let mut config = config(None, &sim);
    // Long enough that the watchdog does not reconnect while the test looks.
    config.stream.read_timeout = Duration::from_secs(60);
    let lights = Lights::open(config, Arc::new(MemoryStore::default()))
        .await
        .unwrap();
    pair(&lights, &sim).await;
    let before = lights.wait_until_live(PATIENCE).await.unwrap();
    let room = before.rooms[0].clone();

    sim.mute_streams();
    let now_on = lights.toggle(&room.target()).await.unwrap();
    assert_eq!(now_on, !room.on);
    let bridge_has_it = sim
        .lights_of(&room.id)
        .iter()
        .all(|l| sim.resource(l).unwrap()["on"]["on"] == now_on);
    assert!(bridge_has_it, "the command reached the bridge");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        lights.snapshot().group(&room.id).map(|r| r.on),
        Some(room.on),
        "the snapshot moved without the bridge's event"
    );

    sim.drop_streams();
    wait_for(&lights, |s| {
        s.group(&room.id).is_some_and(|r| r.on == now_on)
    })
    .await;
}

/// Two bridge simulators with different ids and self-signed certificates (pinned when paired).
async fn two_bridges() -> (Arc<BridgeSim>, Arc<BridgeSim>) {
    let start = |seed| async move {
        let config = SimConfig {
            seed,
            cert: CertMode::SelfSigned,
            ..SimConfig::default()
        };
        Arc::new(BridgeSim::start(config).await.unwrap())
    };
    let (a, b) = (start(1).await, start(2).await);
    assert_ne!(a.bridge_id(), b.bridge_id());
    (a, b)
}

/// The ids of the bridges a model knows, sorted.
fn known_ids(lights: &Lights) -> Vec<String> {
    let mut ids: Vec<String> = lights.known_bridges().into_iter().map(|b| b.id).collect();
    ids.sort();
    ids
}

/// The app and the CLI as two models on one folder, with the file secret store, neither looking
/// at the files on its own: the CLI pairs a bridge while the app waits for another's link button;
/// both bridges and both app keys stay. Then the CLI forgets one, and the app drops it when it
/// looks.
#[tokio::test]
async fn pairing_keeps_the_bridge_another_model_paired_meanwhile() {
    let (a, b) = two_bridges().await;
    let dir = tempfile::tempdir().unwrap();
    let secrets_path = dir.path().join("secrets.json");
    let secrets = || Arc::new(FileStore::new(secrets_path.clone())) as Arc<dyn SecretStore>;
    let open = |sim| {
        let mut config = config(Some(dir.path()), sim);
        config.files_check = None;
        Lights::open(config, secrets())
    };
    let app = open(&a).await.unwrap();
    let cli = open(&b).await.unwrap();

    let (asked, button_wanted) = tokio::sync::oneshot::channel();
    let mut asked = Some(asked);
    let pairing = tokio::spawn({
        let (app, address) = (app.clone(), a.address());
        async move {
            app.pair(&address, PairingOptions::default(), move |step| {
                if matches!(step, PairingProgress::PressButton { .. })
                    && let Some(asked) = asked.take()
                {
                    let _ = asked.send(());
                }
            })
            .await
        }
    });
    tokio::time::timeout(PATIENCE, button_wanted)
        .await
        .unwrap()
        .unwrap();
    pair(&cli, &b).await;
    assert_eq!(
        known_ids(&app),
        Vec::<String>::new(),
        "the app has not looked"
    );
    a.press_link_button();
    tokio::time::timeout(PATIENCE, pairing)
        .await
        .unwrap()
        .unwrap()
        .unwrap();

    let mut both = vec![a.bridge_id(), b.bridge_id()];
    both.sort();
    assert_eq!(
        known_ids(&app),
        both,
        "the app's pairing kept the CLI's bridge"
    );
    let store = FileStore::new(secrets_path.clone());
    for id in &both {
        assert!(store.get(&app_key_name(id)).unwrap().is_some(), "{id}");
    }
    // Writing the file, the app took the CLI's bridge as known: it connects to it.
    wait_for(&app, |s| s.bridges.len() == 2 && live(s)).await;
    assert!(cli.reload_if_changed().await.unwrap());
    assert!(!cli.reload_if_changed().await.unwrap());
    assert_eq!(known_ids(&cli), both);
    wait_for(&cli, |s| s.bridges.len() == 2 && live(s)).await;

    cli.forget(&a.bridge_id()).await.unwrap();
    assert!(app.reload_if_changed().await.unwrap());
    let only_b = [b.bridge_id()];
    wait_for(&app, |s| s.bridges.iter().map(|v| &v.id).eq(&only_b)).await;
    assert_eq!(known_ids(&app), only_b);
    assert!(store.get(&app_key_name(&a.bridge_id())).unwrap().is_none());
}

/// The app looks at the files on its own ([`LightsConfig::files_check`]): it connects to the
/// bridge the CLI pairs and drops the one the CLI forgets, without being told, even while
/// another file is damaged.
#[tokio::test]
async fn the_app_follows_what_the_cli_pairs_and_forgets() {
    let (a, b) = two_bridges().await;
    let dir = tempfile::tempdir().unwrap();
    let secrets_path = dir.path().join("secrets.json");
    let secrets = || Arc::new(FileStore::new(secrets_path.clone())) as Arc<dyn SecretStore>;
    let mut app_config = config(Some(dir.path()), &a);
    app_config.files_check = Some(Duration::from_millis(50));
    let app = Lights::open(app_config, secrets()).await.unwrap();
    pair(&app, &a).await;
    let mut cli_config = config(Some(dir.path()), &b);
    cli_config.files_check = None;
    let cli = Lights::open(cli_config, secrets()).await.unwrap();

    // A damaged remote.json does not stop the bridges from following bridges.json.
    std::fs::write(dir.path().join("remote.json"), "{").unwrap();
    pair(&cli, &b).await;
    wait_for(&app, |s| s.bridges.len() == 2 && live(s)).await;
    assert_eq!(app.reload_if_changed().await.unwrap_err().kind(), "config");
    cli.forget(&b.bridge_id()).await.unwrap();
    let only_a = [a.bridge_id()];
    wait_for(&app, |s| s.bridges.iter().map(|v| &v.id).eq(&only_a)).await;
    assert_eq!(known_ids(&app), only_a);
}

/// Favourites: starred in the app, marked in its snapshot at once, kept in `settings.json` by
/// bridge and id, picked up by the CLI on the same folder; one whose bridge is gone is kept but
/// no longer shown, and shows again when the bridge is back.
#[tokio::test]
async fn favourites_are_shared_through_settings_json_and_outlive_their_bridge() {
    use hearth_core::favourites::{Favourite, FavouriteKind};

    let sim = Arc::new(
        BridgeSim::start(SimConfig {
            cert: CertMode::SelfSigned,
            ..SimConfig::default()
        })
        .await
        .unwrap(),
    );
    let dir = tempfile::tempdir().unwrap();
    let secrets: Arc<dyn SecretStore> = Arc::new(FileStore::new(dir.path().join("secrets.json")));
    let mut app_config = config(Some(dir.path()), &sim);
    app_config.files_check = None;
    let app = Lights::open(app_config, Arc::clone(&secrets))
        .await
        .unwrap();
    pair(&app, &sim).await;
    let snapshot = app.wait_until_live(PATIENCE).await.unwrap();
    assert!(snapshot.rooms.iter().all(|r| !r.favourite));
    let room = snapshot.rooms[0].clone();
    let scene = snapshot.scenes[0].clone();
    let starred_room = Favourite {
        bridge_id: room.bridge_id.clone(),
        kind: FavouriteKind::Room,
        id: room.id.clone(),
    };
    let starred_scene = Favourite {
        bridge_id: scene.bridge_id.clone(),
        kind: FavouriteKind::Scene,
        id: scene.id.clone(),
    };
    app.set_favourite(&starred_room, true).unwrap();
    app.set_favourite(&starred_scene, true).unwrap();
    let shown = app.snapshot();
    assert!(shown.group(&room.id).unwrap().favourite);
    let marked: Vec<&str> = shown
        .scenes
        .iter()
        .filter(|s| s.favourite)
        .map(|s| s.id.as_str())
        .collect();
    assert_eq!(marked, [scene.id.as_str()]);
    assert_eq!(
        shown.rooms.iter().filter(|r| r.favourite).count(),
        1,
        "only the starred room"
    );

    // The CLI, on the same folder, reads them.
    let mut cli_config = config(Some(dir.path()), &sim);
    cli_config.files_check = None;
    let cli = Lights::open(cli_config, Arc::clone(&secrets))
        .await
        .unwrap();
    assert_eq!(
        cli.favourites(),
        [starred_room.clone(), starred_scene.clone()]
    );
    let seen = cli.wait_until_live(PATIENCE).await.unwrap();
    assert!(seen.group(&room.id).unwrap().favourite);

    // The CLI unstars the scene; the app notices when it looks.
    cli.set_favourite(&starred_scene, false).unwrap();
    assert!(app.reload_if_changed().await.unwrap());
    assert!(app.snapshot().scenes.iter().all(|s| !s.favourite));

    // The bridge forgotten: nothing shown, the favourite kept; paired again: shown again.
    app.forget(&sim.bridge_id()).await.unwrap();
    assert!(app.snapshot().rooms.is_empty());
    assert_eq!(app.favourites(), std::slice::from_ref(&starred_room));
    pair(&app, &sim).await;
    wait_for(&app, |s| s.group(&room.id).is_some_and(|r| r.favourite)).await;
}
