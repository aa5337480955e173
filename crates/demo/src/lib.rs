//! Demo mode: a simulated bridge in this process, paired like a real one (its link button pressed
//! through the simulator), so that a newcomer sees Hearth work without hardware. Nothing is
//! written to disk, the app key stays in memory, and network discovery is off: nothing leaves
//! 127.0.0.1.
//!
//! This crate is where Hearth meets its simulators (`hearth-sim`), so that `hearth-core` links
//! none: [`show`] starts a demo and hands it to the [`Home`] as a [`hearth_core::home::Demo`].
//!
//! The whole remote journey is there too: a simulated Hue cloud ([`hearth_sim::cloud`]) in front
//! of the simulated bridge, with an app registration already entered ([`DEMO_CLIENT_ID`]), so the
//! Remote screen links without a developer account. Its consent page asks (the user clicks Allow
//! in the browser, as with the real cloud) unless [`DemoOptions::consent`] says otherwise; it
//! accepts any callback URL, so whichever receiver Hearth picks works. [`Demo::set_away`] takes
//! the bridge off the "local network" (its LAN listener closes, its cloud tunnel stays): the
//! bridge then goes through the cloud if remote access is linked, and comes back to the LAN when
//! the switch is turned back.
//!
//! [`EnergyDemo`] is the energy half: the Enedis simulator and an in-process `hearth-proxy` in
//! front of it, so that linking a Linky meter runs the real device flow on 127.0.0.1.

mod energy;

use std::sync::Arc;
use std::time::Duration;

use hearth_core::home::Home;
use hearth_core::lights::{Lights, LightsConfig, LightsError, PairingOptions, PairingProgress};
use hearth_core::problem::Problem;
use hearth_core::remote::Registration;
use hearth_secret::{MemoryStore, Secret};
use hearth_sim::bridge::{BridgeSim, SimConfig};
use hearth_sim::cloud::{BridgeTarget, CloudSim, CloudSimHandle};

pub use hearth_sim::cloud::Consent;

pub use crate::energy::{ENERGY_CLIENT_ID, EnergyDemo, household_offers};

/// Why the demo could not start or switch. The simulators run in this process: these mean a
/// local failure (no free port, a TLS setup error), never the user's network.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("the demo bridge did not start: {0}")]
    Bridge(String),
    #[error("the demo cloud did not start: {0}")]
    Cloud(String),
    #[error("the demo bridge did not switch networks: {0}")]
    Switch(String),
    #[error("the demo's energy services did not start: {0}")]
    Energy(String),
    #[error("the demo is not running")]
    NotRunning,
    #[error(transparent)]
    Lights(#[from] LightsError),
    #[error(transparent)]
    Remote(#[from] hearth_core::remote::RemoteError),
}

impl From<&DemoError> for Problem {
    fn from(err: &DemoError) -> Self {
        match err {
            DemoError::Bridge(detail)
            | DemoError::Cloud(detail)
            | DemoError::Switch(detail)
            | DemoError::Energy(detail) => Problem::DemoFailed {
                detail: detail.clone(),
            },
            DemoError::NotRunning => Problem::DemoNotRunning,
            DemoError::Lights(err) => err.into(),
            DemoError::Remote(err) => err.into(),
        }
    }
}

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
    pub async fn set_away(&self, away: bool) -> Result<(), DemoError> {
        switch(&self.simulator, away).await
    }

    pub fn is_away(&self) -> bool {
        !self.simulator.lan_reachable()
    }
}

impl hearth_core::home::Demo for Demo {
    fn lights(&self) -> Lights {
        self.lights.clone()
    }

    fn bridge_address(&self) -> String {
        Demo::bridge_address(self)
    }

    fn cloud_url(&self) -> String {
        Demo::cloud_url(self)
    }
}

async fn switch(simulator: &BridgeSim, away: bool) -> Result<(), DemoError> {
    simulator
        .set_lan_reachable(!away)
        .await
        .map_err(|err| DemoError::Switch(err.to_string()))
}

/// Starts the demo and shows it in `home` instead of the user's bridges, unless a demo is shown
/// already (a second click changes nothing).
pub async fn show(home: &Home, options: DemoOptions) -> Result<(), DemoError> {
    if home.status().demo {
        return Ok(());
    }
    home.show_demo(start(options).await?);
    Ok(())
}

/// Takes the shown demo's bridge off the local network (`away`), or puts it back, and says so in
/// the home's status.
pub async fn set_away(home: &Home, away: bool) -> Result<(), DemoError> {
    // The simulator is shared so that the switch does not hold the home's lock across an await.
    let simulator = home
        .with_demo(|demo: &Demo| Arc::clone(&demo.simulator))
        .ok_or(DemoError::NotRunning)?;
    switch(&simulator, away).await?;
    home.mark_demo_away(away);
    Ok(())
}

/// Starts a simulated bridge and cloud, pairs with the bridge, enters the demo app registration,
/// and waits until the bridge's state is live.
pub async fn start(options: DemoOptions) -> Result<Demo, DemoError> {
    let simulator = BridgeSim::start(SimConfig {
        lights: options.lights,
        rooms: options.rooms,
        seed: 2024,
        ..SimConfig::default()
    })
    .await
    .map_err(|err| DemoError::Bridge(err.to_string()))?;
    let simulator = Arc::new(simulator);
    let target = BridgeTarget::simulated(Arc::clone(&simulator))
        .map_err(|err| DemoError::Cloud(err.to_string()))?;
    let cloud = CloudSim::builder()
        .client(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, None)
        .consent(options.consent)
        .bridge(target)
        .start()
        .await
        .map_err(|err| DemoError::Cloud(err.to_string()))?;
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
        .map_err(|err| LightsError::from(hearth_hue::Error::from(err)))?;
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
