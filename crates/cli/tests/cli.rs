//! `hearth-cli` as a script uses it: the real binary against the simulated bridge, with its own
//! configuration directory, a file secret store and network discovery off.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics the test with its reason.

mod common;

use std::process::Stdio;

use common::{PATIENCE, cli, config_dir, pair, run};
use hearth_sim::bridge::{BridgeSim, SimConfig};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt as _, BufReader};

async fn setup() -> (BridgeSim, tempfile::TempDir) {
    let sim = BridgeSim::start(SimConfig::default()).await.unwrap();
    let dir = config_dir(&sim);
    (sim, dir)
}

#[tokio::test]
async fn pairs_lists_switches_and_reports_with_exit_codes() {
    let (sim, dir) = setup().await;
    let dir = dir.path();

    let nothing = run(dir, &["rooms"]).await;
    assert_eq!(nothing.code, 5, "{}", nothing.stderr);
    assert!(
        nothing.stderr.contains("pair one first"),
        "{}",
        nothing.stderr
    );

    let paired = pair(dir, &sim).await;
    assert!(
        paired.contains(&format!("Paired with bridge {}", sim.bridge_id())),
        "{paired}"
    );
    assert!(
        paired.contains("verified by the Hue bridge authority"),
        "{paired}"
    );

    let rooms = run(dir, &["rooms", "--json"]).await;
    assert_eq!(rooms.code, 0, "{}", rooms.stderr);
    let rooms: Value = serde_json::from_str(&rooms.stdout).unwrap();
    let names: Vec<&str> = rooms
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Bedroom", "Kitchen", "Living room"]);

    let off = run(dir, &["off", "LIVING ROOM"]).await;
    assert_eq!(
        (off.code, off.stdout.as_str()),
        (0, "Living room: off\n"),
        "{}",
        off.stderr
    );
    let room = sim.find("room", "Living room").unwrap();
    assert!(
        sim.lights_of(&room)
            .iter()
            .all(|l| sim.resource(l).unwrap()["on"]["on"] == false)
    );
    let toggled = run(dir, &["toggle", "room:living room"]).await;
    assert_eq!(toggled.stdout, "Living room: on\n", "{}", toggled.stderr);

    let bri = run(dir, &["bri", "ceiling", "25"]).await;
    assert_eq!(bri.code, 0, "{}", bri.stderr);
    let ceiling = sim.find("light", "Ceiling").unwrap();
    assert_eq!(
        sim.resource(&ceiling).unwrap()["dimming"]["brightness"],
        25.0
    );
    assert_eq!(run(dir, &["ct", "ceiling", "400"]).await.code, 0);
    assert_eq!(run(dir, &["color", "ceiling", "0.3", "0.3"]).await.code, 0);
    assert_eq!(
        sim.resource(&ceiling).unwrap()["color"]["xy"],
        json!({"x": 0.3, "y": 0.3})
    );
    assert_eq!(run(dir, &["scene", "kitchen/bright"]).await.code, 0);
    assert_eq!(run(dir, &["all-off"]).await.code, 0);
    assert!(
        sim.ids_of("light")
            .iter()
            .all(|l| sim.resource(l).unwrap()["on"]["on"] == false)
    );

    let ambiguous = run(dir, &["scene", "relax"]).await;
    assert_eq!(ambiguous.code, 4);
    assert!(
        ambiguous.stderr.contains("Kitchen/Relax"),
        "{}",
        ambiguous.stderr
    );
    let unknown = run(dir, &["on", "garage"]).await;
    assert_eq!(unknown.code, 3);
    let usage = run(dir, &["bri", "ceiling", "101"]).await;
    assert_eq!(usage.code, 2);
    let other_bridge = run(dir, &["--bridge", "001788fffe000000", "lights"]).await;
    assert_eq!(other_bridge.code, 3, "{}", other_bridge.stderr);
    let by_address = run(dir, &["--bridge", &sim.address(), "zones", "--json"]).await;
    assert_eq!(by_address.code, 0, "{}", by_address.stderr);

    let lights = run(dir, &["lights", "--json"]).await;
    let lights: Value = serde_json::from_str(&lights.stdout).unwrap();
    assert_eq!(lights.as_array().unwrap().len(), 6);
    let scenes = run(dir, &["scenes"]).await;
    assert!(
        scenes.stdout.contains("Kitchen/Bright"),
        "{}",
        scenes.stdout
    );

    sim.shutdown().await;
    // A bridge away may come back: the CLI waits --timeout (15 s unless told) before saying so.
    let gone = run(dir, &["--timeout", "1", "on", "ceiling"]).await;
    assert_eq!(gone.code, 6, "{}", gone.stderr);
}

#[tokio::test]
async fn watch_prints_one_line_per_event() {
    let (sim, dir) = setup().await;
    pair(dir.path(), &sim).await;
    let mut child = cli(dir.path())
        .args(["watch", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    tokio::time::timeout(PATIENCE, async {
        while let Some(line) = stderr.next_line().await.unwrap() {
            if line.starts_with("Watching bridge") {
                break;
            }
        }
    })
    .await
    .unwrap();
    let ceiling = sim.find("light", "Ceiling").unwrap();
    sim.change_light(&ceiling, &json!({"dimming": {"brightness": 42.0}}))
        .unwrap();
    let line = tokio::time::timeout(PATIENCE, stdout.next_line())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let event: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(event["id"], ceiling.as_str());
    assert_eq!(event["name"], "Ceiling");
    assert_eq!(event["change"]["brightness"], 42.0);
    assert_eq!(event["bridge_id"], sim.bridge_id().as_str());
    child.kill().await.unwrap();
}

#[tokio::test]
async fn pairing_problems_have_their_exit_codes() {
    let (sim, dir) = setup().await;
    let dir = dir.path();
    let timeout = run(dir, &["pair", &sim.address(), "--wait", "1"]).await;
    assert_eq!(timeout.code, 8, "{}", timeout.stderr);
    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let unreachable = run(dir, &["pair", &dead.to_string()]).await;
    assert_eq!(unreachable.code, 6, "{}", unreachable.stderr);
    let bad = run(dir, &["pair", "http://x/y"]).await;
    assert_eq!(bad.code, 1, "{}", bad.stderr);
    let discover = run(dir, &["discover", "--address", &sim.address(), "--json"]).await;
    assert_eq!(discover.code, 0, "{}", discover.stderr);
    let report: Value = serde_json::from_str(&discover.stdout).unwrap();
    assert_eq!(report["bridges"][0]["id"], sim.bridge_id().as_str());
}
