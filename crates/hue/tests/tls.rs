//! Certificate rules against the simulator: the CA path with its CN check, pinning on first use,
//! and a changed certificate refused loudly.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics the test with its reason.

mod common;

use std::time::Duration;

use common::{sim_roots, transport};
use hearth_hue::{
    BridgeIdentity, CertificateProblem, Client, Error, Fingerprint, LocalConfig, LocalTransport,
    TrustRoots,
};
use hearth_sim::bridge::{BridgeSim, CertMode, Restart, SimConfig};

async fn sim(cert: CertMode) -> BridgeSim {
    BridgeSim::start(SimConfig {
        cert,
        ..SimConfig::default()
    })
    .await
    .unwrap()
}

async fn config_via(transport: std::sync::Arc<LocalTransport>) -> Result<String, Error> {
    Client::new(transport).config().await.map(|c| c.bridge_id)
}

#[tokio::test]
async fn a_ca_signed_bridge_is_trusted_for_its_own_id_only() {
    let sim = sim(CertMode::SignedByTestCa).await;
    let good = transport(&sim, BridgeIdentity::known(sim.bridge_id(), None), None);
    assert_eq!(config_via(good.clone()).await.unwrap(), sim.bridge_id());
    let seen = good.peer_certificate().unwrap();
    assert!(seen.signed_by_ca);
    assert_eq!(seen.common_name.as_deref(), Some(sim.bridge_id().as_str()));
    assert_eq!(seen.fingerprint, Fingerprint::of(&sim.certificate_der()));

    let other = transport(&sim, BridgeIdentity::known("001788fffe000000", None), None);
    let err = config_via(other).await.unwrap_err();
    assert!(
        matches!(&err, Error::Certificate(CertificateProblem::WrongBridge { found, .. }) if *found == sim.bridge_id()),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_certificate_that_does_not_chain_is_pinned_on_first_use_only() {
    let sim = sim(CertMode::SelfSigned).await;
    let first = transport(&sim, BridgeIdentity::first_contact(), None);
    config_via(first.clone()).await.unwrap();
    let seen = first.peer_certificate().unwrap();
    assert!(!seen.signed_by_ca);
    assert_eq!(seen.fingerprint, Fingerprint::of(&sim.certificate_der()));

    let pinned = transport(
        &sim,
        BridgeIdentity::known(sim.bridge_id(), Some(seen.fingerprint)),
        None,
    );
    config_via(pinned).await.unwrap();

    let unpinned = transport(&sim, BridgeIdentity::known(sim.bridge_id(), None), None);
    let err = config_via(unpinned).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Certificate(CertificateProblem::Untrusted { .. })
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_changed_certificate_is_a_clear_error_never_a_silent_accept() {
    let sim = sim(CertMode::SelfSigned).await;
    let pin = Fingerprint::of(&sim.certificate_der());
    let pinned = transport(
        &sim,
        BridgeIdentity::known(sim.bridge_id(), Some(pin)),
        None,
    );
    config_via(pinned.clone()).await.unwrap();

    sim.restart(Restart {
        downtime: Duration::from_millis(10),
        new_certificate: Some(CertMode::SelfSigned),
        ..Restart::default()
    })
    .await
    .unwrap();
    let err = config_via(pinned).await.unwrap_err();
    let Error::Certificate(CertificateProblem::PinMismatch {
        pinned,
        found,
        bridge_id,
    }) = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(*pinned, pin);
    assert_eq!(*found, Fingerprint::of(&sim.certificate_der()));
    assert_eq!(*bridge_id, sim.bridge_id());
    let message = err.to_string();
    assert!(
        message.contains(&pin.to_string()) && message.contains("forget it and pair again"),
        "{message}"
    );
}

#[tokio::test]
async fn only_configured_roots_count() {
    let sim = sim(CertMode::SignedByTestCa).await;
    // With Signify's roots only, the simulator's test CA is unknown: no trust without a pin.
    let mut config = LocalConfig::new(
        sim.address().parse().unwrap(),
        BridgeIdentity::known(sim.bridge_id(), None),
    );
    config.roots = TrustRoots::signify();
    let signify_only = std::sync::Arc::new(LocalTransport::new(config).unwrap());
    let err = config_via(signify_only).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Certificate(CertificateProblem::Untrusted { .. })
        ),
        "{err:?}"
    );
    // The test CA added: trusted.
    assert_eq!(sim_roots(&sim).len(), 1);
    let trusted = transport(&sim, BridgeIdentity::known(sim.bridge_id(), None), None);
    config_via(trusted).await.unwrap();
}
