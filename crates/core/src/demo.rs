//! Demo mode: a simulated bridge in this process, paired like a real one (its link button pressed
//! through the simulator), so that a newcomer sees Hearth work without hardware. Nothing is
//! written to disk, the app key stays in memory, and network discovery is off: nothing leaves
//! 127.0.0.1.

use std::sync::Arc;
use std::time::Duration;

use hearth_secret::MemoryStore;
use hearth_sim::bridge::{BridgeSim, SimConfig};

use crate::lights::{Lights, LightsConfig, LightsError, PairingOptions, PairingProgress};

#[derive(Clone, Debug)]
pub struct DemoOptions {
    pub lights: usize,
    pub rooms: usize,
}

impl Default for DemoOptions {
    fn default() -> Self {
        Self {
            lights: 8,
            rooms: 4,
        }
    }
}

/// A running demo. Keep it alive as long as the app shows it: dropping it stops the bridge.
pub struct Demo {
    pub lights: Lights,
    simulator: Arc<BridgeSim>,
}

impl std::fmt::Debug for Demo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Demo")
            .field("simulator", &self.simulator)
            .finish_non_exhaustive()
    }
}

impl Demo {
    /// The simulated bridge, for tests that check what it received.
    pub fn simulator(&self) -> &BridgeSim {
        &self.simulator
    }

    /// `127.0.0.1:<port>`: its HTTPS API, and `/sim/state` for its state.
    pub fn bridge_address(&self) -> String {
        self.simulator.address()
    }
}

/// Starts a simulated bridge, pairs with it and waits until its state is live.
pub async fn start(options: DemoOptions) -> Result<Demo, LightsError> {
    let simulator = BridgeSim::start(SimConfig {
        lights: options.lights,
        rooms: options.rooms,
        seed: 2024,
        ..SimConfig::default()
    })
    .await
    .map_err(|err| LightsError::Unsupported(format!("the demo bridge did not start: {err}")))?;
    let simulator = Arc::new(simulator);
    let mut config = LightsConfig::new(None);
    config.discovery = hearth_hue::discovery::DiscoveryConfig::off();
    config.roots = config
        .roots
        .with_pem(&simulator.ca_pem())
        .map_err(hearth_hue::Error::from)?;
    config.discovery.roots = config.roots.clone();
    config.pairing_poll = Duration::from_millis(200);
    let lights = Lights::open(config, Arc::new(MemoryStore::default())).await?;
    let presser = Arc::clone(&simulator);
    lights
        .pair(
            &simulator.address(),
            PairingOptions::default(),
            move |step| {
                if matches!(step, PairingProgress::PressButton { .. }) {
                    presser.press_link_button();
                }
            },
        )
        .await?;
    lights.wait_until_live(Duration::from_secs(20)).await?;
    Ok(Demo { lights, simulator })
}
