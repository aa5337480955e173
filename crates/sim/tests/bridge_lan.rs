//! The bridge simulator's "away from home" switch: the LAN listener closes, the cloud tunnel
//! stays, and a restart does not bring the LAN back by itself.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics the test with its reason.

use std::net::SocketAddr;

use hearth_sim::bridge::{BridgeSim, Restart, SimConfig};
use hearth_sim::cloud::pinned_client;

async fn answers(http: &reqwest::Client, addr: SocketAddr) -> bool {
    http.get(format!("https://{addr}/api/config"))
        .send()
        .await
        .is_ok_and(|r| r.status().is_success())
}

async fn accepts(addr: SocketAddr) -> bool {
    tokio::net::TcpStream::connect(addr).await.is_ok()
}

#[tokio::test]
async fn off_the_lan_the_tunnel_still_answers() {
    let sim = BridgeSim::start(SimConfig::default()).await.unwrap();
    let http = pinned_client(Some(sim.certificate_der())).unwrap();
    let (lan, tunnel) = (sim.addr(), sim.tunnel_addr());
    assert_ne!(lan, tunnel);
    assert!(tunnel.ip().is_loopback());
    assert!(answers(&http, lan).await && answers(&http, tunnel).await);

    sim.set_lan_reachable(false).await.unwrap();
    assert!(!sim.lan_reachable());
    assert!(!accepts(lan).await);
    assert!(answers(&http, tunnel).await);

    // A restart comes back as it went: still away.
    sim.restart(Restart::default()).await.unwrap();
    assert!(!accepts(lan).await);
    assert!(answers(&http, tunnel).await);

    // Back home through the tunnel's switch, as by hand.
    let back = http
        .post(format!("https://{tunnel}/sim/lan/on"))
        .send()
        .await
        .unwrap();
    assert!(back.status().is_success());
    assert!(sim.lan_reachable());
    assert!(answers(&http, lan).await);
    // Switching on twice is harmless.
    sim.set_lan_reachable(true).await.unwrap();
    assert!(answers(&http, lan).await);
}
