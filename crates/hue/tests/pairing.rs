//! Pairing against the simulator: "press the button" until it is pressed, then an app key that
//! works; a deadline; cancellation.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics the test with its reason.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{PATIENCE, pairing_timing, transport};
use hearth_hue::pairing::{PairingError, devicetype, pair};
use hearth_hue::{BridgeIdentity, Client};
use hearth_sim::bridge::{BridgeSim, SimConfig};
use tokio_util::sync::CancellationToken;

#[tokio::test]
async fn waits_for_the_button_then_gets_a_key_that_works() {
    let sim = Arc::new(BridgeSim::start(SimConfig::default()).await.unwrap());
    let anonymous = Client::new(transport(
        &sim,
        BridgeIdentity::known(sim.bridge_id(), None),
        None,
    ));
    let waits = Arc::new(Mutex::new(Vec::new()));
    let presser = Arc::clone(&sim);
    let seen = Arc::clone(&waits);
    let credentials = pair(
        &anonymous,
        &devicetype("hearth", "test"),
        &pairing_timing(PATIENCE),
        &CancellationToken::new(),
        move |left| {
            let mut seen = seen.lock().unwrap();
            seen.push(left);
            // The user walks to the bridge after the third reminder.
            if seen.len() == 3 {
                presser.press_link_button();
            }
        },
    )
    .await
    .unwrap();
    let waits = waits.lock().unwrap().clone();
    assert_eq!(waits.len(), 3);
    assert!(
        waits.windows(2).all(|w| w[0] > w[1]),
        "the countdown counts down: {waits:?}"
    );
    assert!(waits[0] <= PATIENCE);
    assert!(credentials.client_key.is_some());

    let key = credentials.app_key.expose().to_owned();
    let authorized = Client::new(transport(
        &sim,
        BridgeIdentity::known(sim.bridge_id(), None),
        Some(&key),
    ));
    assert_eq!(authorized.lights().await.unwrap().len(), 6);
}

#[tokio::test]
async fn gives_up_at_the_deadline_and_on_cancel() {
    let sim = BridgeSim::start(SimConfig::default()).await.unwrap();
    let anonymous = Client::new(transport(
        &sim,
        BridgeIdentity::known(sim.bridge_id(), None),
        None,
    ));
    let err = pair(
        &anonymous,
        "hearth#test",
        &pairing_timing(Duration::from_millis(300)),
        &CancellationToken::new(),
        |_| {},
    )
    .await
    .unwrap_err();
    assert!(matches!(err, PairingError::TimedOut { .. }), "{err:?}");

    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    let err = pair(
        &anonymous,
        "hearth#test",
        &pairing_timing(PATIENCE),
        &cancel,
        move |_| {
            trigger.cancel();
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(err, PairingError::Cancelled), "{err:?}");
}
