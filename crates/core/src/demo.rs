//! Demo mode: a simulated bridge in this process, paired like a real one (its link button pressed
//! through the simulator), so that a newcomer sees Hearth work without hardware. Nothing is
//! written to disk, the app key stays in memory, and network discovery is off: nothing leaves
//! 127.0.0.1.
//!
//! The whole remote journey is there too: a simulated Hue cloud ([`hearth_sim::cloud`]) in front
//! of the simulated bridge, with an app registration already entered ([`DEMO_CLIENT_ID`]), so the
//! Remote screen links without a developer account. Its consent page asks (the user clicks Allow
//! in the browser, as with the real cloud) unless [`DemoOptions::consent`] says otherwise; it
//! accepts any callback URL, so whichever receiver Hearth picks works. [`Demo::set_away`] takes
//! the bridge off the "local network" (its LAN listener closes, its cloud tunnel stays): the
//! bridge then goes through the cloud if remote access is linked, and comes back to the LAN when
//! the switch is turned back.

use std::sync::Arc;
use std::time::Duration;

use hearth_secret::{MemoryStore, Secret};
use hearth_sim::bridge::{BridgeSim, SimConfig};
use hearth_sim::cloud::{BridgeTarget, CloudSim, CloudSimHandle};

pub use hearth_sim::cloud::Consent;

use crate::lights::{Lights, LightsConfig, LightsError, PairingOptions, PairingProgress};
use crate::remote::Registration;

/// The demo cloud's app registration: sandbox values of the simulator, not secrets.
pub const DEMO_CLIENT_ID: &str = "hearth-demo";
pub const DEMO_CLIENT_SECRET: &str = "hearth-demo-sandbox-secret";

#[derive(Clone, Debug)]
pub struct DemoOptions {
    pub lights: usize,
    pub rooms: usize,
    /// What the demo cloud's consent page does: ask (the user clicks Allow), or answer at once
    /// (scripted runs).
    pub consent: Consent,
    /// Whether the shell receives `hearth://` links (then the demo links by deep link).
    pub deep_links: bool,
}

impl Default for DemoOptions {
    fn default() -> Self {
        Self {
            lights: 8,
            rooms: 4,
            consent: Consent::Ask,
            deep_links: false,
        }
    }
}

/// A running demo. Keep it alive as long as the app shows it: dropping it stops the bridge and
/// the cloud.
pub struct Demo {
    pub lights: Lights,
    simulator: Arc<BridgeSim>,
    cloud: CloudSimHandle,
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

    /// The simulated Hue cloud (its switches and counters, for tests).
    pub fn cloud(&self) -> &CloudSimHandle {
        &self.cloud
    }

    /// `http://127.0.0.1:<port>`: the demo cloud's base URL (`/__sim/…` has its switches).
    pub fn cloud_url(&self) -> String {
        self.cloud.base_url().to_string()
    }

    /// Away from home (`true`): the bridge stops answering on the LAN; back home (`false`).
    pub async fn set_away(&self, away: bool) -> Result<(), LightsError> {
        set_away(&self.simulator, away).await
    }

    pub fn is_away(&self) -> bool {
        !self.simulator.lan_reachable()
    }

    /// The simulated bridge, shared (to switch "away" without holding the demo).
    pub(crate) fn simulator_arc(&self) -> Arc<BridgeSim> {
        Arc::clone(&self.simulator)
    }
}

pub(crate) async fn set_away(simulator: &BridgeSim, away: bool) -> Result<(), LightsError> {
    simulator
        .set_lan_reachable(!away)
        .await
        .map_err(|err| LightsError::DemoFailed(format!("the bridge did not switch: {err}")))
}

/// Starts a simulated bridge and cloud, pairs with the bridge, enters the demo app registration,
/// and waits until the bridge's state is live.
pub async fn start(options: DemoOptions) -> Result<Demo, LightsError> {
    let simulator = BridgeSim::start(SimConfig {
        lights: options.lights,
        rooms: options.rooms,
        seed: 2024,
        ..SimConfig::default()
    })
    .await
    .map_err(|err| LightsError::DemoFailed(format!("the bridge did not start: {err}")))?;
    let simulator = Arc::new(simulator);
    let target = BridgeTarget::simulated(Arc::clone(&simulator))
        .map_err(|err| LightsError::DemoFailed(format!("the cloud did not start: {err}")))?;
    let cloud = CloudSim::builder()
        .client(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, None)
        .consent(options.consent)
        .bridge(target)
        .start()
        .await
        .map_err(|err| LightsError::DemoFailed(format!("the cloud did not start: {err}")))?;
    let mut config = LightsConfig::new(None);
    config.remote.cloud_url = Some(cloud.base_url());
    config.remote.deep_links = options.deep_links;
    // The demo cloud accepts any callback: let the system pick a free loopback port.
    config.remote.loopback_port = 0;
    // Livelier than with the real cloud (whose daily quota this respects all the same), so that
    // a change shows within seconds and "back home" is noticed quickly.
    config.remote.poll.interval = Duration::from_secs(4);
    config.remote.poll.after_write = Duration::from_millis(300);
    config.remote.lan_probe_interval = Duration::from_secs(2);
    config.remote.switch_after = 1;
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
    lights
        .remote()
        .register(Registration {
            client_id: DEMO_CLIENT_ID.to_owned(),
            client_secret: Secret::from(DEMO_CLIENT_SECRET),
            callback: None,
            cloud_url: None,
        })
        .await?;
    Ok(Demo {
        lights,
        simulator,
        cloud,
    })
}
