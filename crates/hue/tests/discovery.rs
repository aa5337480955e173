//! Discovery: manual addresses, the cloud endpoint (a simulator of it), and mDNS inside a network
//! namespace this test creates with only `lo` in it. Nothing here reaches beyond loopback.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics the test with its reason.

mod common;

use std::time::Duration;

use common::{dead_address, sim_roots};
use hearth_hue::BridgeAddress;
use hearth_hue::discovery::{DiscoveryConfig, Source, discover};
use hearth_sim::bridge::discovery::DiscoveryEndpoint;
use hearth_sim::bridge::{BridgeSim, SimConfig};

fn offline(sim: &BridgeSim) -> DiscoveryConfig {
    DiscoveryConfig {
        roots: sim_roots(sim),
        timeout: Duration::from_secs(5),
        ..DiscoveryConfig::off()
    }
}

#[tokio::test]
async fn a_manual_address_is_confirmed_with_api_config() {
    let sim = BridgeSim::start(SimConfig::default()).await.unwrap();
    let address: BridgeAddress = sim.address().parse().unwrap();
    let report = discover(&offline(&sim), std::slice::from_ref(&address)).await;
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    let [bridge] = report.bridges.as_slice() else {
        panic!("{report:?}")
    };
    assert_eq!(bridge.id, sim.bridge_id());
    assert_eq!(bridge.address, address);
    assert_eq!(bridge.model, "BSB002");
    assert!(bridge.supports_v2);
    assert_eq!(bridge.sources, [Source::Manual]);
    assert!(bridge.certificate.as_ref().unwrap().signed_by_ca);
}

#[tokio::test]
async fn the_cloud_endpoint_gives_candidates_that_are_confirmed() {
    let sim = BridgeSim::start(SimConfig::default()).await.unwrap();
    let dead = dead_address();
    let endpoint = DiscoveryEndpoint::start(vec![
        DiscoveryEndpoint::entry(&sim.bridge_id().to_uppercase(), sim.addr()),
        DiscoveryEndpoint::entry("001788fffe999999", dead),
    ])
    .await
    .unwrap();
    let config = DiscoveryConfig {
        cloud_url: Some(endpoint.url()),
        timeout: Duration::from_secs(3),
        ..offline(&sim)
    };
    let manual: BridgeAddress = format!("localhost:{}", sim.addr().port()).parse().unwrap();
    let report = discover(&config, &[manual]).await;
    assert_eq!(endpoint.requests(), 1);
    let [bridge] = report.bridges.as_slice() else {
        panic!("{report:?}")
    };
    assert_eq!(bridge.id, sim.bridge_id());
    assert_eq!(bridge.sources, [Source::Cloud, Source::Manual]);
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    assert!(
        report.problems[0].contains(&dead.to_string()),
        "{:?}",
        report.problems
    );
}

#[tokio::test]
async fn an_address_found_twice_is_asked_once_and_keeps_both_sources() {
    let sim = BridgeSim::start(SimConfig::default()).await.unwrap();
    let endpoint =
        DiscoveryEndpoint::start(vec![DiscoveryEndpoint::entry(&sim.bridge_id(), sim.addr())])
            .await
            .unwrap();
    let config = DiscoveryConfig {
        cloud_url: Some(endpoint.url()),
        ..offline(&sim)
    };
    // The user types the very address the endpoint gives.
    sim.clear_exchanges();
    let report = discover(&config, &[sim.address().parse().unwrap()]).await;
    let [bridge] = report.bridges.as_slice() else {
        panic!("{report:?}")
    };
    assert_eq!(bridge.sources, [Source::Cloud, Source::Manual]);
    let asked = sim
        .exchanges()
        .iter()
        .filter(|e| e.path == "/api/config")
        .count();
    assert_eq!(asked, 1);
}

#[tokio::test]
async fn an_unreachable_cloud_endpoint_is_a_problem_not_a_failure() {
    let sim = BridgeSim::start(SimConfig::default()).await.unwrap();
    let config = DiscoveryConfig {
        cloud_url: Some(format!("http://{}/", dead_address())),
        ..offline(&sim)
    };
    let report = discover(&config, &[sim.address().parse().unwrap()]).await;
    assert_eq!(report.bridges.len(), 1);
    assert!(
        report.problems[0].starts_with("the discovery endpoint: "),
        "{:?}",
        report.problems
    );
}

/// The endpoint test again, in a process whose environment names a proxy (a listener here that
/// never answers): an endpoint on loopback must be asked directly, never through the proxy.
#[test]
fn a_proxy_from_the_environment_never_sees_a_loopback_endpoint() {
    let proxy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy_url = format!("http://{}", proxy.local_addr().unwrap());
    let mut command = std::process::Command::new(std::env::current_exe().unwrap());
    command.args([
        "--exact",
        "the_cloud_endpoint_gives_candidates_that_are_confirmed",
    ]);
    for name in [
        "ALL_PROXY",
        "all_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
    ] {
        command.env(name, &proxy_url);
    }
    for name in ["NO_PROXY", "no_proxy", "REQUEST_METHOD"] {
        command.env_remove(name);
    }
    let output = command.output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "under a proxy:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    proxy.set_nonblocking(true).unwrap();
    let asked = proxy.accept();
    assert!(
        matches!(&asked, Err(err) if err.kind() == std::io::ErrorKind::WouldBlock),
        "the proxy was asked: {asked:?}"
    );
}

const IN_NAMESPACE: &str = "HEARTH_TEST_IN_NETNS";

/// Runs the mDNS test again inside a new network namespace holding only `lo`, where multicast
/// cannot leave the machine.
#[test]
fn mdns_finds_a_bridge_inside_a_private_network_namespace() {
    if std::env::var_os(IN_NAMESPACE).is_some() {
        return mdns_inside_the_namespace();
    }
    let exe = std::env::current_exe().unwrap();
    let script = r#"ip link set lo up && ip link set lo multicast on && ip route add 224.0.0.0/4 dev lo && exec "$0" --exact mdns_finds_a_bridge_inside_a_private_network_namespace --nocapture"#;
    let output = std::process::Command::new("unshare")
        .args(["--net", "sh", "-c", script])
        .arg(exe)
        .env(IN_NAMESPACE, "1")
        .output()
        .expect("`unshare` is needed to test mDNS without touching the real network");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "in the namespace:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("1 passed"), "{stdout}");
}

fn mdns_inside_the_namespace() {
    // Refuse to send anything unless `lo` really is alone. (/proc/net follows the process's
    // namespace; /sys/class/net would show the mount's.)
    let interfaces: Vec<String> = std::fs::read_to_string("/proc/net/dev")
        .unwrap()
        .lines()
        .skip(2)
        .filter_map(|line| line.split(':').next())
        .map(|name| name.trim().to_owned())
        .collect();
    assert_eq!(interfaces, ["lo"], "not inside a private network namespace");

    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let sim = BridgeSim::start(SimConfig::default()).await.unwrap();
        let responder = mdns_sd::ServiceDaemon::new().unwrap();
        responder.disable_interface(mdns_sd::IfKind::All).unwrap();
        responder
            .enable_interface(mdns_sd::IfKind::LoopbackV4)
            .unwrap();
        let service = mdns_sd::ServiceInfo::new(
            hearth_hue::discovery::mdns::SERVICE_TYPE,
            "Hue Bridge - 23BFC2",
            "hue-bridge.local.",
            "127.0.0.1",
            sim.addr().port(),
            &[
                ("bridgeid", sim.bridge_id().as_str()),
                ("modelid", "BSB002"),
            ][..],
        )
        .unwrap();
        responder.register(service).unwrap();

        let config = DiscoveryConfig {
            mdns: true,
            mdns_loopback_only: true,
            mdns_window: Duration::from_secs(3),
            ..offline(&sim)
        };
        let report = discover(&config, &[]).await;
        let _ = responder.shutdown();
        let [bridge] = report.bridges.as_slice() else {
            panic!("{report:?}")
        };
        assert_eq!(bridge.id, sim.bridge_id());
        assert_eq!(bridge.sources, [Source::Mdns]);
        assert_eq!(bridge.address.to_string(), sim.address());
    });
}
