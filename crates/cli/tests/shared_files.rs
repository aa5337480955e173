//! Several `hearth-cli` processes sharing one configuration directory (and its file secret
//! store) lose nothing: the bridges and app keys each one pairs stay.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics the test with its reason.

mod common;

use std::path::Path;
use std::process::Stdio;

use common::{PATIENCE, cli, pair, run};
use hearth_sim::bridge::{BridgeSim, SimConfig};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt as _, BufReader};

/// `count` simulated bridges (different ids), and a configuration directory trusting them all.
async fn bridges(count: u64) -> (Vec<BridgeSim>, tempfile::TempDir) {
    let mut sims = Vec::new();
    for seed in 1..=count {
        let sim = BridgeSim::start(SimConfig {
            seed,
            ..SimConfig::default()
        })
        .await
        .unwrap();
        sims.push(sim);
    }
    let dir = tempfile::tempdir().unwrap();
    let pem: String = sims.iter().map(BridgeSim::ca_pem).collect();
    std::fs::write(dir.path().join("sim-ca.pem"), pem).unwrap();
    (sims, dir)
}

/// The bridges in `bridges.json` and the app keys in `secrets.json`, sorted.
fn remembered(dir: &Path) -> (Vec<String>, Vec<String>) {
    let bridges: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("bridges.json")).unwrap()).unwrap();
    let mut ids: Vec<String> = bridges["bridges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    let secrets: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("secrets.json")).unwrap()).unwrap();
    let mut keys: Vec<String> = secrets
        .as_object()
        .unwrap()
        .keys()
        .filter_map(|name| name.strip_suffix("/app-key")?.strip_prefix("hue/bridge/"))
        .map(str::to_owned)
        .collect();
    keys.sort();
    (ids, keys)
}

fn ids(sims: &[BridgeSim]) -> Vec<String> {
    let mut ids: Vec<String> = sims.iter().map(BridgeSim::bridge_id).collect();
    ids.sort();
    ids
}

/// `pair A` waits for its link button while `pair B` runs to its end; then A's button is pressed
/// and A ends too. Both bridges and both app keys stay (before, only A's did: A wrote the list it
/// had read before B paired).
#[tokio::test]
async fn pairing_one_bridge_while_another_waits_keeps_both() {
    let (sims, dir) = bridges(2).await;
    let dir = dir.path();
    let (a, b) = (&sims[0], &sims[1]);
    assert_ne!(a.bridge_id(), b.bridge_id());

    let mut pair_a = cli(dir)
        .args(["pair", &a.address(), "--wait", "20"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(pair_a.stderr.take().unwrap()).lines();
    tokio::time::timeout(PATIENCE, async {
        while let Some(line) = stderr.next_line().await.unwrap() {
            if line.starts_with("Press the link button") {
                return;
            }
        }
        panic!("pair A ended without asking for its link button");
    })
    .await
    .unwrap();

    // A has read the files and is waiting: B pairs from start to end.
    let paired_b = pair(dir, b).await;
    assert!(paired_b.contains(&b.bridge_id()), "{paired_b}");
    assert_eq!(remembered(dir).0, [b.bridge_id()]);

    a.press_link_button();
    let done = tokio::time::timeout(PATIENCE, pair_a.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    assert!(done.status.success(), "{done:?}");

    assert_eq!(remembered(dir), (ids(&sims), ids(&sims)));
    // And both keys work: every bridge is live.
    let listed = run(dir, &["--timeout", "20", "lights"]).await;
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    let bridges = run(dir, &["bridges", "--json"]).await;
    let bridges: Value = serde_json::from_str(&bridges.stdout).unwrap();
    assert_eq!(bridges.as_array().unwrap().len(), 2, "{bridges}");
}

/// Four `hearth-cli pair` at once, as in the issue: none fails, nothing is lost, the files stay
/// readable.
#[tokio::test]
async fn four_pairings_at_once_lose_nothing() {
    let (sims, dir) = bridges(4).await;
    let dir = dir.path();
    tokio::join!(
        pair(dir, &sims[0]),
        pair(dir, &sims[1]),
        pair(dir, &sims[2]),
        pair(dir, &sims[3])
    );
    assert_eq!(remembered(dir), (ids(&sims), ids(&sims)));
    let listed = run(dir, &["--timeout", "20", "lights"]).await;
    assert_eq!(listed.code, 0, "{}", listed.stderr);
}
