//! The home the app shows: the lights model in use (the user's bridges, or the demo's simulated
//! one), one live snapshot that follows whichever is in use, and the pairing in progress.
//!
//! The shell holds one [`Home`] for the life of the app. Switching to the demo replaces the
//! lights model underneath; subscribers of [`Home::subscribe`] keep their receiver and simply see
//! the demo's state arrive.
//!
//! The demo is something the home is given ([`Home::show_demo`]), not something it starts: what
//! simulates the devices lives in `hearth-demo`, so that this crate links no simulator.

use std::any::Any;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use crate::lights::{
    BridgeView, Lights, LightsError, PairingOptions, PairingProgress, Snapshot, Target,
};
use crate::problem::Problem;
use crate::remote::{Remote, RemoteView};

/// What the UI needs to know besides the lights themselves.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, specta::Type)]
pub struct HomeStatus {
    /// The lights model is open (the app has finished starting).
    pub ready: bool,
    /// What is shown is the demo's simulated bridge, not the user's.
    pub demo: bool,
    /// The simulated bridge's address (`127.0.0.1:<port>`) while the demo runs: its CLIP API and
    /// its `/sim/…` controls are there, for the curious and for tests.
    pub demo_bridge: Option<String>,
    /// The simulated Hue cloud's base URL while the demo runs (its `/__sim/…` switches are there).
    pub demo_cloud: Option<String>,
    /// The demo's bridge is "away": off the local network, reachable only through the cloud.
    pub demo_away: bool,
    /// Why the lights could not be opened, when they could not (the app is then of little use:
    /// the UI says so instead of "starting").
    pub problem: Option<Problem>,
}

/// A running demo, as the home needs to know it. Implemented by `hearth-demo`; the home keeps it
/// alive while it is shown and drops it (stopping its simulators) when something replaces it.
pub trait Demo: Any + Send + Sync {
    /// The lights model paired with the demo's simulated bridge.
    fn lights(&self) -> Lights;
    /// The simulated bridge's address (`127.0.0.1:<port>`).
    fn bridge_address(&self) -> String;
    /// The simulated Hue cloud's base URL.
    fn cloud_url(&self) -> String;
}

/// See the module documentation. Cheap to clone.
#[derive(Clone)]
pub struct Home {
    inner: Arc<Inner>,
}

struct Inner {
    lights: watch::Sender<Option<Lights>>,
    snapshot: watch::Sender<Arc<Snapshot>>,
    remote: watch::Sender<Option<RemoteView>>,
    status: watch::Sender<HomeStatus>,
    /// Keeps the demo's simulated devices running while it is shown.
    demo: Mutex<Option<Box<dyn Demo>>>,
    /// The pairing in progress, by a number that tells one attempt from the next.
    pairing: Mutex<Option<(u64, CancellationToken)>>,
    attempts: AtomicU64,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl std::fmt::Debug for Home {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Home")
            .field("status", &*self.inner.status.borrow())
            .finish_non_exhaustive()
    }
}

impl Home {
    /// An empty home, and the task that relays the snapshot of whichever lights model is in use:
    /// the caller spawns it on its runtime (it ends when the last `Home` clone is dropped).
    pub fn new() -> (Self, impl Future<Output = ()> + Send + 'static) {
        let inner = Arc::new(Inner {
            lights: watch::channel(None).0,
            snapshot: watch::channel(Arc::new(Snapshot::default())).0,
            remote: watch::channel(None).0,
            status: watch::channel(HomeStatus::default()).0,
            demo: Mutex::new(None),
            pairing: Mutex::new(None),
            attempts: AtomicU64::new(0),
        });
        let relay = relay(
            inner.lights.subscribe(),
            inner.snapshot.clone(),
            inner.remote.clone(),
        );
        (Self { inner }, relay)
    }

    /// Uses `lights` from now on (the user's bridges, opened by the caller).
    pub fn set_lights(&self, lights: Lights) {
        self.replace(lights, None);
    }

    /// Shows `demo` instead of the user's bridges (or instead of another demo). Nothing of the
    /// user's configuration is touched.
    pub fn show_demo(&self, demo: impl Demo) {
        let lights = demo.lights();
        self.replace(lights, Some(Box::new(demo)));
    }

    fn replace(&self, lights: Lights, demo: Option<Box<dyn Demo>>) {
        let status = HomeStatus {
            ready: true,
            demo: demo.is_some(),
            demo_bridge: demo.as_ref().map(|demo| demo.bridge_address()),
            demo_cloud: demo.as_ref().map(|demo| demo.cloud_url()),
            demo_away: false,
            problem: None,
        };
        // The old model (and the old demo's bridge) stop once the last clone of them is gone.
        *lock(&self.inner.demo) = demo;
        self.inner.lights.send_replace(Some(lights));
        self.inner.status.send_replace(status);
    }

    /// Records why the lights could not be opened. The demo can still be started after it.
    pub fn set_problem(&self, problem: Problem) {
        self.inner
            .status
            .send_modify(|status| status.problem = Some(problem));
    }

    /// The lights model in use, once the app has opened one.
    pub fn lights(&self) -> Result<Lights, LightsError> {
        self.inner
            .lights
            .borrow()
            .clone()
            .ok_or(LightsError::Starting)
    }

    /// Remote access of the lights model in use (the demo's own cloud while the demo runs).
    pub fn remote(&self) -> Result<Remote, LightsError> {
        Ok(self.lights()?.remote().clone())
    }

    /// Records that the demo's bridge is away from home, or back (the demo switched it).
    pub fn mark_demo_away(&self, away: bool) {
        self.inner
            .status
            .send_modify(|status| status.demo_away = away && status.demo);
    }

    pub fn status(&self) -> HomeStatus {
        self.inner.status.borrow().clone()
    }

    pub fn subscribe_status(&self) -> watch::Receiver<HomeStatus> {
        self.inner.status.subscribe()
    }

    /// Runs `f` on the demo shown, if it is a `D` (the demo crate reaches its simulators this
    /// way; tests use it to change the simulated bridge's state "elsewhere").
    pub fn with_demo<D: Demo, T>(&self, f: impl FnOnce(&D) -> T) -> Option<T> {
        let demo = lock(&self.inner.demo);
        let any: &dyn Any = demo.as_deref()?;
        any.downcast_ref::<D>().map(f)
    }

    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.inner.snapshot.borrow().clone()
    }

    /// The state now and after every change, whichever lights model is in use.
    pub fn subscribe(&self) -> watch::Receiver<Arc<Snapshot>> {
        self.inner.snapshot.subscribe()
    }

    /// Remote access as the UI shows it (`None` until a lights model is open), after every
    /// change, whichever lights model is in use.
    pub fn subscribe_remote(&self) -> watch::Receiver<Option<RemoteView>> {
        self.inner.remote.subscribe()
    }

    /// Pairs with the bridge at `address`, replacing (cancelling) a pairing already in progress.
    pub async fn pair(
        &self,
        address: &str,
        progress: impl FnMut(PairingProgress) + Send,
    ) -> Result<BridgeView, LightsError> {
        let lights = self.lights()?;
        let cancel = CancellationToken::new();
        let attempt = self.inner.attempts.fetch_add(1, Ordering::Relaxed);
        if let Some((_, previous)) = lock(&self.inner.pairing).replace((attempt, cancel.clone())) {
            previous.cancel();
        }
        let options = PairingOptions {
            cancel: cancel.clone(),
            ..PairingOptions::default()
        };
        let result = lights.pair(address, options, progress).await;
        let mut pairing = lock(&self.inner.pairing);
        if pairing
            .as_ref()
            .is_some_and(|(current, _)| *current == attempt)
        {
            *pairing = None;
        }
        result
    }

    pub fn cancel_pairing(&self) {
        if let Some((_, cancel)) = lock(&self.inner.pairing).take() {
            cancel.cancel();
        }
    }

    /// Toggles a light, room or zone; returns whether it is now on.
    pub async fn toggle(&self, target: &Target) -> Result<bool, LightsError> {
        self.lights()?.toggle(target).await
    }

    /// Waits until the shown state satisfies `done`, or `timeout` passes.
    pub async fn wait_for(
        &self,
        timeout: Duration,
        done: impl Fn(&Snapshot) -> bool,
    ) -> Option<Arc<Snapshot>> {
        let mut state = self.subscribe();
        let wait = state.wait_for(|snapshot| done(snapshot));
        match tokio::time::timeout(timeout, wait).await {
            Ok(Ok(snapshot)) => Some(snapshot.clone()),
            _ => None,
        }
    }
}

/// Forwards the snapshot and the remote-access view of whichever lights model `lights` holds,
/// switching when it changes. Ends when every `Home` is gone.
async fn relay(
    mut lights: watch::Receiver<Option<Lights>>,
    snapshot_out: watch::Sender<Arc<Snapshot>>,
    remote_out: watch::Sender<Option<RemoteView>>,
) {
    loop {
        let current = lights.borrow_and_update().clone();
        let Some(current) = current else {
            if lights.changed().await.is_err() {
                return;
            }
            continue;
        };
        let mut snapshot = current.subscribe();
        let mut remote = current.remote().subscribe();
        drop(current);
        snapshot_out.send_replace(snapshot.borrow_and_update().clone());
        remote_out.send_replace(Some(remote.borrow_and_update().clone()));
        loop {
            tokio::select! {
                changed = snapshot.changed() => {
                    if changed.is_err() { break }
                    snapshot_out.send_replace(snapshot.borrow_and_update().clone());
                }
                changed = remote.changed() => {
                    if changed.is_err() { break }
                    remote_out.send_replace(Some(remote.borrow_and_update().clone()));
                }
                changed = lights.changed() => {
                    if changed.is_err() {
                        return;
                    }
                    break;
                }
            }
        }
    }
}
