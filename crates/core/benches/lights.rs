//! `make bench` figures for the Hue client, each measured in one run against the bridge
//! simulator on 127.0.0.1 (bounded: a few hundred requests, about 15 s in all):
//!
//! 1. toggle latency through the client vs a bare `reqwest` PUT to the same simulator
//!    (goal ≤ 1.1×), interleaved so that both see the same machine;
//! 2. event-to-state latency, p50 and p99: from a change made on the bridge by someone else to
//!    the snapshot the UI renders;
//! 3. PUTs sent for 120 brightness events in 2 s to one light (goal ≤ 21, the last value
//!    delivered).

#![allow(clippy::unwrap_used, clippy::expect_used)] // A benchmark: a failed step should stop it loudly.
#![allow(clippy::cast_precision_loss)] // Sample counts and durations, far below 2^52.

use std::sync::Arc;
use std::time::{Duration, Instant};

use hearth_core::lights::{Lights, LightsConfig, PairingOptions, PairingProgress, Target};
use hearth_hue::model::LightUpdate;
use hearth_hue::{BridgeIdentity, Client, LocalConfig, LocalTransport, TrustRoots};
use hearth_secret::{MemoryStore, Secret};
use hearth_sim::bridge::{BridgeSim, SimConfig};
use serde_json::json;

/// The sample at `percent` (0–100) of the sorted samples (nearest rank).
fn percentile(samples: &mut [Duration], percent: usize) -> Duration {
    samples.sort_unstable();
    samples[(samples.len() - 1) * percent / 100]
}

const ROUNDS: usize = 300;
const CHANGES: usize = 200;
const EVENTS: u32 = 120;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn toggle_latency(sim: &BridgeSim) {
    let key = sim.create_app_key();
    let light = sim.find("light", "Ceiling").unwrap();
    let mut config = LocalConfig::new(
        sim.address().parse().unwrap(),
        BridgeIdentity::known(sim.bridge_id(), None),
    );
    config.roots = TrustRoots::none().with_pem(&sim.ca_pem()).unwrap();
    config.app_key = Some(Secret::from(key.as_str()));
    let client = Client::new(Arc::new(LocalTransport::new(config).unwrap()));
    // The baseline: what any program would do with reqwest alone (no verification of the
    // bridge's identity at all, the cheapest possible handshake; connections are reused anyway).
    let bare = reqwest::Client::builder()
        .danger_accept_invalid_certs(true)
        .http1_only()
        .build()
        .unwrap();
    let url = format!("https://{}/clip/v2/resource/light/{light}", sim.address());

    let mut ours = Vec::with_capacity(ROUNDS);
    let mut theirs = Vec::with_capacity(ROUNDS);
    for round in 0..ROUNDS + 20 {
        let on = round % 2 == 0;
        let ours_first = round % 4 < 2;
        let mut client_time = Duration::ZERO;
        let mut bare_time = Duration::ZERO;
        for turn in 0..2 {
            if (turn == 0) == ours_first {
                let start = Instant::now();
                client
                    .update_light(&light, &LightUpdate::on(on))
                    .await
                    .unwrap();
                client_time = start.elapsed();
            } else {
                let start = Instant::now();
                let response = bare
                    .put(&url)
                    .header("hue-application-key", &key)
                    .json(&json!({"on": {"on": !on}}))
                    .send()
                    .await
                    .unwrap();
                assert!(response.status().is_success());
                response.bytes().await.unwrap();
                bare_time = start.elapsed();
            }
        }
        // The first rounds warm up connections and caches.
        if round >= 20 {
            ours.push(client_time);
            theirs.push(bare_time);
        }
    }
    let (ours50, theirs50) = (percentile(&mut ours, 50), percentile(&mut theirs, 50));
    println!(
        "toggle latency, client vs bare reqwest PUT ({ROUNDS} each, interleaved, order alternating): client p50 {:.3} ms, \
         bare p50 {:.3} ms -> ratio {:.2} (goal <= 1.10)",
        ms(ours50),
        ms(theirs50),
        ms(ours50) / ms(theirs50)
    );
}

async fn paired(sim: &Arc<BridgeSim>) -> Lights {
    let mut config = LightsConfig::new(None);
    config.discovery = hearth_hue::discovery::DiscoveryConfig::off();
    config.roots = config.roots.with_pem(&sim.ca_pem()).unwrap();
    config.pairing_poll = Duration::from_millis(50);
    let lights = Lights::open(config, Arc::new(MemoryStore::default()))
        .await
        .unwrap();
    let presser = Arc::clone(sim);
    lights
        .pair(&sim.address(), PairingOptions::default(), move |step| {
            if matches!(step, PairingProgress::PressButton { .. }) {
                presser.press_link_button();
            }
        })
        .await
        .unwrap();
    lights
        .wait_until_live(Duration::from_secs(20))
        .await
        .unwrap();
    lights
}

async fn toggle_through_lights(sim: &BridgeSim, lights: &Lights) {
    let target = Target::light(sim.find("light", "Floor lamp").unwrap());
    let mut samples = Vec::new();
    for round in 0..45 {
        // Spaced beyond the light interval: this measures the pacer's overhead, not its limit.
        tokio::time::sleep(Duration::from_millis(110)).await;
        let start = Instant::now();
        lights.set_on(&target, round % 2 == 0).await.unwrap();
        if round >= 5 {
            samples.push(start.elapsed());
        }
    }
    println!(
        "toggle latency through Lights (pacer + client, 40 toggles 110 ms apart): p50 {:.3} ms",
        ms(percentile(&mut samples, 50))
    );
}

async fn event_to_state(sim: &BridgeSim, lights: &Lights) {
    let light = sim.find("light", "Desk lamp").unwrap();
    let mut state = lights.subscribe();
    let mut samples = Vec::with_capacity(CHANGES);
    for n in 0..CHANGES {
        let brightness = (n % 90) as f64 + 5.0;
        state.borrow_and_update();
        let start = Instant::now();
        sim.change_light(&light, &json!({"dimming": {"brightness": brightness}}))
            .unwrap();
        tokio::time::timeout(Duration::from_secs(5), async {
            loop {
                state.changed().await.unwrap();
                if state
                    .borrow_and_update()
                    .light(&light)
                    .and_then(|l| l.brightness)
                    == Some(brightness)
                {
                    return;
                }
            }
        })
        .await
        .expect("the change never reached the snapshot");
        samples.push(start.elapsed());
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let p50 = percentile(&mut samples, 50);
    let p99 = percentile(&mut samples, 99);
    println!(
        "event-to-state latency ({CHANGES} changes made on the bridge, seen in the snapshot): \
         p50 {:.3} ms, p99 {:.3} ms",
        ms(p50),
        ms(p99)
    );
}

async fn brightness_storm(sim: &BridgeSim, lights: &Lights) {
    let light = sim.find("light", "Lightstrip").unwrap();
    let target = Target::light(&light);
    let path = format!("/clip/v2/resource/light/{light}");
    sim.clear_exchanges();
    let start = tokio::time::Instant::now();
    let mut pending = Vec::new();
    let mut last = 0.0;
    for n in 0..EVENTS {
        tokio::time::sleep_until(start + Duration::from_secs(2) * n / EVENTS).await;
        last = f64::from(n) * 100.0 / f64::from(EVENTS - 1);
        let lights = lights.clone();
        let target = target.clone();
        pending.push(tokio::spawn(async move {
            lights.set_brightness(&target, last).await
        }));
    }
    let spread = start.elapsed();
    for result in pending {
        result.await.unwrap().unwrap();
    }
    let puts = sim
        .exchanges()
        .iter()
        .filter(|e| e.method == "PUT" && e.path == path)
        .count();
    let delivered = sim.resource(&light).unwrap()["dimming"]["brightness"].as_f64() == Some(last);
    println!(
        "brightness storm: {EVENTS} events in {:.2} s to one light -> {puts} PUTs (goal <= 21), \
         last value ({last:.0}%) delivered: {}",
        spread.as_secs_f64(),
        if delivered { "yes" } else { "NO" }
    );
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let sim = Arc::new(BridgeSim::start(SimConfig::default()).await.unwrap());
        toggle_latency(&sim).await;
        let lights = paired(&sim).await;
        toggle_through_lights(&sim, &lights).await;
        event_to_state(&sim, &lights).await;
        brightness_storm(&sim, &lights).await;
    });
}
