//! What the integration tests share: a simulated bridge and a client that trusts it.

#![allow(dead_code)] // Each test binary uses a different part of this module.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics the test with its reason.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hearth_hue::events::stream::{EventStream, StreamItem};
use hearth_hue::pairing::PairingTiming;
use hearth_hue::{BridgeIdentity, Client, LocalConfig, LocalTransport, RetryPolicy, TrustRoots};
use hearth_secret::Secret;
use hearth_sim::bridge::{BridgeSim, SimConfig};

/// A simulated bridge with an app key, and a client that trusts the simulator's test CA.
pub struct Rig {
    pub sim: BridgeSim,
    pub key: String,
    pub transport: Arc<LocalTransport>,
    pub client: Client,
}

pub async fn rig(config: SimConfig) -> Rig {
    let sim = BridgeSim::start(config).await.unwrap();
    let key = sim.create_app_key();
    let identity = BridgeIdentity::known(sim.bridge_id(), None);
    let transport = transport(&sim, identity, Some(&key));
    let client = Client::new(transport.clone()).with_retry(fast_retry());
    Rig {
        sim,
        key,
        transport,
        client,
    }
}

pub fn sim_roots(sim: &BridgeSim) -> TrustRoots {
    TrustRoots::none().with_pem(&sim.ca_pem()).unwrap()
}

pub fn transport(
    sim: &BridgeSim,
    identity: BridgeIdentity,
    key: Option<&str>,
) -> Arc<LocalTransport> {
    let mut config = LocalConfig::new(sim.address().parse().unwrap(), identity);
    config.roots = sim_roots(sim);
    config.app_key = key.map(Secret::from);
    config.request_timeout = Duration::from_secs(10);
    Arc::new(LocalTransport::new(config).unwrap())
}

/// Retries that keep fault tests short.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        attempts: 6,
        initial_backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(200),
    }
}

/// Generous: only a broken program waits this long.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// Pairing that asks the bridge often and gives up after `timeout`.
pub fn pairing_timing(timeout: Duration) -> PairingTiming {
    PairingTiming {
        timeout,
        poll_interval: Duration::from_millis(50),
    }
}

/// An address on loopback where nothing listens (bound, then freed).
pub fn dead_address() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

/// The next stream item that `pick` accepts, skipping the others.
pub async fn next_matching<T>(
    stream: &mut EventStream,
    mut pick: impl FnMut(StreamItem) -> Option<T>,
) -> T {
    tokio::time::timeout(PATIENCE, async {
        loop {
            let item = stream.next().await.expect("the stream ended");
            if let Some(found) = pick(item) {
                return found;
            }
        }
    })
    .await
    .expect("no matching stream item in time")
}

/// The id of the light named `name`.
pub fn light(sim: &BridgeSim, name: &str) -> String {
    sim.find("light", name)
        .unwrap_or_else(|| panic!("no light {name}"))
}

pub fn is_on(sim: &BridgeSim, id: &str) -> bool {
    sim.resource(id).unwrap()["on"]["on"].as_bool().unwrap()
}
