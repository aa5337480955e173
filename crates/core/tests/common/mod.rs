//! What the lights and remote tests share: waiting for a snapshot, and pairing with the bridge
//! simulator the way a user does (the link button pressed when Hearth asks for it).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use hearth_core::lights::{Lights, PairingOptions, PairingProgress, Snapshot};
use hearth_sim::bridge::BridgeSim;

/// How long any step may take before the test fails: far beyond what it needs.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// Waits for a snapshot that satisfies `check`.
pub async fn wait_for(lights: &Lights, mut check: impl FnMut(&Snapshot) -> bool) -> Arc<Snapshot> {
    let mut state = lights.subscribe();
    tokio::time::timeout(PATIENCE, async {
        loop {
            let snapshot = state.borrow_and_update().clone();
            if check(&snapshot) {
                return snapshot;
            }
            state.changed().await.unwrap();
        }
    })
    .await
    .expect("the state never got there")
}

/// Pairs, pressing the simulator's button at the first "press the button"; returns the steps.
pub async fn pair(lights: &Lights, sim: &Arc<BridgeSim>) -> Vec<PairingProgress> {
    let steps = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&steps);
    let presser = Arc::clone(sim);
    lights
        .pair(&sim.address(), PairingOptions::default(), move |step| {
            if matches!(step, PairingProgress::PressButton { .. }) {
                presser.press_link_button();
            }
            seen.lock().unwrap().push(step);
        })
        .await
        .unwrap();
    steps.lock().unwrap().clone()
}
