//! Hearth's lights: the bridges it knows, discovery, pairing, the live state of every bridge,
//! and the commands the UI, the tray and `hearth-cli` send. No Tauri here: the shell adapts this.
//!
//! # Using it
//!
//! ```no_run
//! # async fn demo() -> Result<(), hearth_core::lights::LightsError> {
//! use hearth_core::lights::{Lights, LightsConfig, Target, SECRET_SERVICE};
//!
//! let dir = hearth_core::paths::config_dir();
//! let secrets = hearth_secret::open(SECRET_SERVICE, dir.as_deref().unwrap_or(".".as_ref()));
//! let lights = Lights::open(LightsConfig::from_env(dir)?, secrets).await?;
//!
//! // Render this, and again on every change (a change elsewhere shows within a second).
//! let mut state = lights.subscribe();
//! let snapshot = state.borrow_and_update().clone();
//! if let Some(room) = snapshot.rooms.first() {
//!     lights.toggle(&room.target()).await?;
//! }
//! state.changed().await.ok();
//! # Ok(()) }
//! ```
//!
//! - Known bridges persist in `<config dir>/bridges.json` (no secrets); each app key is in the
//!   secret store under `hue/bridge/<id>/app-key` ([`SECRET_SERVICE`] names Hearth there).
//! - The app and `hearth-cli` share those files: every change reads them again under a lock both
//!   take (`hearth_files`), so neither drops what the other paired, and a model picks up the
//!   other's changes every [`LightsConfig::files_check`] or when asked
//!   ([`Lights::reload_if_changed`]). The favourites ([`Lights::set_favourite`]) are in
//!   `settings.json` there, marked in the snapshot.
//! - [`Lights::pair`] reports [`PairingProgress`] (with the link-button countdown) to a callback;
//!   it can be cancelled with a token, or by dropping its future.
//! - Commands go through each bridge's pacer (rate limits, coalescing: a slider may call
//!   [`Lights::set_brightness`] as often as it likes) and resolve when the bridge has answered.
//!   They do not change the snapshot themselves: the bridge's event confirms them, so that the
//!   state shown is always the bridge's.
//! - Away from home: with remote access linked ([`Lights::remote`], see [`crate::remote`]), a
//!   bridge that does not answer on the LAN is reached through the Hue cloud, polled, and back on
//!   the LAN when it answers there again; [`BridgeView::via`] says which is in use. A bridge linked
//!   only through the cloud (never paired on the LAN) is listed too, without an address.
//! - `hearth-demo` runs all of it against a simulated bridge and a simulated cloud.

mod commands;
mod config;
pub(crate) mod connection;
mod error;
mod pairing;
mod registry;
mod snapshot;
mod target;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hearth_files::Stamp;
use hearth_hue::discovery::{DiscoveryReport, discover};
use hearth_hue::{BridgeAddress, Cache};
use hearth_secret::{Secret, SecretStore};
use serde::Serialize;
use tokio::sync::{broadcast, watch};

pub use config::{
    DISCOVERY_ENV, DISCOVERY_URL_ENV, EXTRA_ROOTS_ENV, LightsConfig, PAIRING_TIMEOUT,
};
pub use error::LightsError;
pub use pairing::{PairingOptions, PairingProgress};
pub use registry::{KnownBridge, Trust, app_key_name, client_key_name};
pub use snapshot::{
    BridgeView, Capabilities, CertificateView, ConnectionState, GroupView, LightView, SceneView,
    Snapshot, Via,
};
pub use target::{Target, TargetKind, resolve, resolve_scene};

use connection::Connection;
use snapshot::BridgePart;

use crate::favourites::{Favourite, Favourites};
use crate::lock;
use crate::problem::Problem;
use crate::remote::{Remote, RemoteBridge};
use crate::storage::blocking;

/// A bridge Hearth connects to: paired on the LAN, or known only through the Hue cloud.
#[derive(Clone, Debug)]
pub(crate) enum Entry {
    Paired(KnownBridge),
    RemoteOnly(RemoteBridge),
}

impl Entry {
    pub(crate) fn id(&self) -> &str {
        match self {
            Self::Paired(known) => &known.id,
            Self::RemoteOnly(bridge) => &bridge.id,
        }
    }
}

/// The service name of Hearth's entries in the OS keychain.
pub const SECRET_SERVICE: &str = "org.hearth.desktop";

/// One change reported by a bridge, with the name of what changed when Hearth knows it.
#[derive(Clone, Debug, Serialize)]
pub struct LightsEvent {
    pub bridge_id: String,
    pub name: Option<String>,
    #[serde(flatten)]
    pub event: hearth_hue::Event,
}

/// The lights model. Cheap to clone: clones share everything. Dropping the last clone stops
/// every connection.
#[derive(Clone)]
pub struct Lights {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Lights {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lights").finish_non_exhaustive()
    }
}

pub(crate) struct Inner {
    config: LightsConfig,
    secrets: Arc<dyn SecretStore>,
    remote: Remote,
    known: Mutex<Known>,
    /// Bridges connected only through the cloud.
    remote_only: Mutex<Vec<String>>,
    connections: Mutex<BTreeMap<String, Connection>>,
    parts: Mutex<BTreeMap<String, BridgePart>>,
    /// Marked in the snapshot; kept in `settings.json` beside `bridges.json`.
    favourites: Favourites,
    snapshot: watch::Sender<Arc<Snapshot>>,
    events: broadcast::Sender<LightsEvent>,
    /// Follows the remote account (bridges linked only through the cloud come and go with it).
    watcher: Mutex<Option<tokio::task::JoinHandle<()>>>,
    /// Looks for other processes' changes to the shared files ([`LightsConfig::files_check`]).
    files_check: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        for task in [&self.watcher, &self.files_check] {
            if let Some(task) = lock(task).take() {
                task.abort();
            }
        }
    }
}

/// The bridges paired on the LAN that this model follows (all of `bridges.json`, or only
/// [`LightsConfig::only_bridge`]), and the stamp of the file they were read from.
struct Known {
    bridges: Vec<KnownBridge>,
    stamp: Stamp,
}

/// What changed in the known bridges: which to connect (new, or changed: moved, re-paired) and
/// which to drop.
#[derive(Default)]
struct KnownChanges {
    connect: Vec<KnownBridge>,
    gone: Vec<String>,
}

fn follows(config: &LightsConfig, bridge: &KnownBridge) -> bool {
    config.only_bridge.as_ref().is_none_or(|only| {
        bridge.id.eq_ignore_ascii_case(only) || bridge.address.to_string() == *only
    })
}

impl Inner {
    /// Replaces one bridge's share of the snapshot and tells subscribers.
    fn publish(&self, entry: &Entry, connection: ConnectionState, via: Via, cache: Option<&Cache>) {
        let mut parts = lock(&self.parts);
        // Read under the lock, as `Lights::refresh_remote_available` does, so that whichever
        // runs last shows the link as it is now.
        let remote_available = self.remote.reaches(entry.id());
        let view = snapshot::bridge_view(entry, connection, via, remote_available);
        let part = match cache {
            Some(cache) => snapshot::part(view, cache),
            None => BridgePart {
                bridge: Some(view),
                ..BridgePart::default()
            },
        };
        parts.insert(entry.id().to_owned(), part);
        self.assemble(&parts);
    }

    fn unpublish(&self, bridge_id: &str) {
        let mut parts = lock(&self.parts);
        parts.remove(bridge_id);
        self.assemble(&parts);
    }

    /// Publishes the snapshot of `parts` (held locked by the caller, so that snapshots go out in
    /// the order their parts changed), with the favourites as they are now.
    fn assemble(&self, parts: &BTreeMap<String, BridgePart>) {
        let favourites = self.favourites.list();
        self.snapshot
            .send_replace(Arc::new(snapshot::assemble(parts.values(), &favourites)));
    }
}

impl Lights {
    /// Loads the known bridges and connects to each (only to `config.only_bridge` if set).
    pub async fn open(
        config: LightsConfig,
        secrets: Arc<dyn SecretStore>,
    ) -> Result<Self, LightsError> {
        let (mut known, stamp) = registry::load(config.config_dir.as_deref())?;
        let remote = Remote::open(
            config.remote.clone(),
            config.config_dir.clone(),
            Arc::clone(&secrets),
        )
        .await;
        let mut remote_only = remote_only(&remote, &known);
        known.retain(|b| follows(&config, b));
        if let Some(only) = &config.only_bridge {
            remote_only.retain(|b| b.id.eq_ignore_ascii_case(only));
            if known.is_empty() && remote_only.is_empty() {
                return Err(LightsError::UnknownBridge(only.clone()));
            }
        }
        let favourites = Favourites::open(config.config_dir.clone());
        let lights = Self {
            inner: Arc::new(Inner {
                config,
                secrets,
                remote: remote.clone(),
                known: Mutex::new(Known {
                    bridges: known.clone(),
                    stamp,
                }),
                remote_only: Mutex::new(Vec::new()),
                connections: Mutex::new(BTreeMap::new()),
                parts: Mutex::new(BTreeMap::new()),
                favourites,
                snapshot: watch::channel(Arc::new(Snapshot::default())).0,
                events: broadcast::channel(256).0,
                watcher: Mutex::new(None),
                files_check: Mutex::new(None),
            }),
        };
        let weak = Arc::downgrade(&lights.inner);
        remote.set_known_bridges(Box::new(move || {
            weak.upgrade()
                .map(|inner| {
                    lock(&inner.known)
                        .bridges
                        .iter()
                        .map(|b| b.id.clone())
                        .collect()
                })
                .unwrap_or_default()
        }));
        for bridge in known {
            lights.connect(Entry::Paired(bridge)).await;
        }
        lights.follow_remote_bridges().await;
        let watcher = tokio::spawn(watch_remote(
            Arc::downgrade(&lights.inner),
            remote.subscribe(),
        ));
        *lock(&lights.inner.watcher) = Some(watcher);
        if let (Some(every), Some(_)) = (
            lights.inner.config.files_check,
            &lights.inner.config.config_dir,
        ) {
            let check = tokio::spawn(check_files(Arc::downgrade(&lights.inner), every));
            *lock(&lights.inner.files_check) = Some(check);
        }
        Ok(lights)
    }

    /// Picks up what another process (`hearth-cli` beside the app, a second window) changed in
    /// the shared files since this model last read or wrote them: bridges paired there are
    /// connected here, bridges forgotten there are dropped, and remote access follows its
    /// settings. Returns whether anything had changed. Cheap when nothing has: a `stat` per file.
    /// Runs on its own every [`LightsConfig::files_check`].
    pub async fn reload_if_changed(&self) -> Result<bool, LightsError> {
        // Each file on its own: a damaged `remote.json` does not stop the bridges from following
        // `bridges.json`, nor the other way round.
        let remote = self.inner.remote.reload_if_changed().await;
        let (bridges_changed, bridges_problem) = match self.reload_known() {
            Ok(Some(changes)) => {
                self.apply(changes).await;
                (true, None)
            }
            Ok(None) => (false, None),
            Err(err) => (false, Some(err)),
        };
        let favourites = self.inner.favourites.reload_if_changed();
        if matches!(favourites, Ok(true)) {
            self.inner.assemble(&lock(&self.inner.parts));
        }
        let remote_changed = remote?;
        if remote_changed {
            self.follow_remote_bridges().await;
            self.refresh_remote_available();
        }
        match (bridges_problem, favourites) {
            (Some(err), _) | (None, Err(err)) => Err(err),
            (None, Ok(favourites_changed)) => {
                Ok(remote_changed || bridges_changed || favourites_changed)
            }
        }
    }

    /// Stars a room, zone or scene (`on`), or not. The snapshot marks it at once: unlike the
    /// lights' state, favourites are Hearth's, not the bridge's.
    pub fn set_favourite(&self, favourite: &Favourite, on: bool) -> Result<(), LightsError> {
        if self.inner.favourites.set(favourite, on)? {
            self.inner.assemble(&lock(&self.inner.parts));
        }
        Ok(())
    }

    /// Every favourite, those whose room, zone or scene is not shown now included.
    pub fn favourites(&self) -> Vec<Favourite> {
        self.inner.favourites.list()
    }

    /// Reads `bridges.json` again if it changed since it was read or written here.
    fn reload_known(&self) -> Result<Option<KnownChanges>, LightsError> {
        let dir = self.inner.config.config_dir.as_deref();
        let now = registry::stamp(dir)?;
        let mut known = lock(&self.inner.known);
        if known.stamp == now {
            return Ok(None);
        }
        let (fresh, stamp) = registry::load(dir)?;
        Ok(Some(self.take_known(&mut known, fresh, stamp)))
    }

    /// Makes `fresh` (the file's bridges, just read or written under its lock) the known bridges,
    /// and says what that changes. Called with the known bridges locked, so that two changes in
    /// this process take effect in the order they were made to the file.
    fn take_known(&self, known: &mut Known, fresh: Vec<KnownBridge>, stamp: Stamp) -> KnownChanges {
        let fresh: Vec<KnownBridge> = fresh
            .into_iter()
            .filter(|b| follows(&self.inner.config, b))
            .collect();
        let mut changes = KnownChanges::default();
        for bridge in &fresh {
            match known.bridges.iter().find(|b| b.id == bridge.id) {
                Some(old) if old == bridge => {}
                Some(old) => {
                    if old.address != bridge.address {
                        tracing::info!("bridge {} moved to {}", bridge.id, bridge.address);
                    }
                    changes.connect.push(bridge.clone());
                }
                None => changes.connect.push(bridge.clone()),
            }
        }
        changes.gone = known
            .bridges
            .iter()
            .filter(|old| !fresh.iter().any(|b| b.id == old.id))
            .map(|old| old.id.clone())
            .collect();
        known.bridges = fresh;
        known.stamp = stamp;
        changes
    }

    /// Connects and drops bridges as [`Lights::take_known`] said.
    async fn apply(&self, changes: KnownChanges) {
        for id in &changes.gone {
            lock(&self.inner.connections).remove(id);
            self.inner.unpublish(id);
        }
        for bridge in changes.connect {
            // Paired on the LAN now: no longer a bridge known only through the cloud.
            lock(&self.inner.remote_only).retain(|id| *id != bridge.id);
            self.connect(Entry::Paired(bridge)).await;
        }
        // A bridge forgotten on the LAN may still be linked through the cloud.
        self.follow_remote_bridges().await;
    }

    /// Remote access: the Hue cloud account, its link, and its status (see [`crate::remote`]).
    pub fn remote(&self) -> &Remote {
        &self.inner.remote
    }

    /// Connects bridges newly linked only through the cloud, and drops those no longer linked.
    async fn follow_remote_bridges(&self) {
        let wanted: Vec<RemoteBridge> = {
            let known = lock(&self.inner.known);
            let mut wanted = remote_only(&self.inner.remote, &known.bridges);
            if let Some(only) = &self.inner.config.only_bridge {
                wanted.retain(|b| b.id.eq_ignore_ascii_case(only));
            }
            wanted
        };
        let (added, removed) = {
            let mut current = lock(&self.inner.remote_only);
            let added: Vec<RemoteBridge> = wanted
                .iter()
                .filter(|b| !current.contains(&b.id))
                .cloned()
                .collect();
            let removed: Vec<String> = current
                .iter()
                .filter(|id| !wanted.iter().any(|b| &b.id == *id))
                .cloned()
                .collect();
            *current = wanted.iter().map(|b| b.id.clone()).collect();
            (added, removed)
        };
        for id in removed {
            lock(&self.inner.connections).remove(&id);
            self.inner.unpublish(&id);
        }
        for bridge in added {
            self.connect(Entry::RemoteOnly(bridge)).await;
        }
    }

    /// Re-reads whether the cloud reaches each bridge, for the snapshot.
    fn refresh_remote_available(&self) {
        let mut parts = lock(&self.inner.parts);
        let mut changed = false;
        for part in parts.values_mut() {
            if let Some(bridge) = &mut part.bridge {
                let reaches = self.inner.remote.reaches(&bridge.id);
                if bridge.remote_available != reaches {
                    bridge.remote_available = reaches;
                    changed = true;
                }
            }
        }
        if changed {
            self.inner.assemble(&parts);
        }
    }

    /// Starts (or restarts) the connection to a bridge.
    async fn connect(&self, entry: Entry) {
        let inner = &self.inner;
        let id = entry.id().to_owned();
        lock(&inner.connections).remove(&id);
        let offline =
            |problem: Problem, reason: String| ConnectionState::Offline { problem, reason };
        let key = match &entry {
            Entry::Paired(_) => {
                let name = app_key_name(&id);
                let store = Arc::clone(&inner.secrets);
                blocking(move || store.get(&name))
                    .await
                    .map_err(LightsError::from)
            }
            Entry::RemoteOnly(_) => Ok(None),
        };
        let remote_username = match (&entry, &key) {
            (Entry::Paired(_), Ok(None)) => {
                let name = crate::remote::username_name(&id);
                let store = Arc::clone(&inner.secrets);
                matches!(blocking(move || store.get(&name)).await, Ok(Some(_)))
            }
            _ => false,
        };
        let via = match (&entry, &key) {
            (Entry::Paired(_), Ok(Some(_))) if !inner.config.remote.force => Via::Local,
            _ => Via::Remote,
        };
        let state = match key {
            // A paired bridge without its app key is usable only with a username made through
            // the cloud.
            Ok(None) if matches!(entry, Entry::Paired(_)) && !remote_username => offline(
                Problem::Unauthorized,
                "Hearth has no app key for this bridge: pair with it again".to_owned(),
            ),
            Ok(key) => {
                // Published before the connection starts, so that its first news (which may come
                // at once) is never overwritten by this; and the connection is in the map before
                // its task runs, for whoever reads its last error.
                inner.publish(&entry, ConnectionState::Connecting, via, None);
                let mut connections = lock(&inner.connections);
                match Connection::open(inner, entry.clone(), key) {
                    Ok(connection) => {
                        connections.insert(id, connection);
                        return;
                    }
                    Err(err) => offline(Problem::from(&err), err.to_string()),
                }
            }
            Err(err) => offline(Problem::from(&err), err.to_string()),
        };
        inner.publish(&entry, state, via, None);
    }

    /// The current state.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.inner.snapshot.borrow().clone()
    }

    /// The state now and after every change.
    pub fn subscribe(&self) -> watch::Receiver<Arc<Snapshot>> {
        self.inner.snapshot.subscribe()
    }

    /// Every change the bridges report, as it arrives (for `hearth-cli watch`, logs).
    pub fn events(&self) -> broadcast::Receiver<LightsEvent> {
        self.inner.events.subscribe()
    }

    pub fn known_bridges(&self) -> Vec<KnownBridge> {
        lock(&self.inner.known).bridges.clone()
    }

    pub fn config(&self) -> &LightsConfig {
        &self.inner.config
    }

    /// Waits until every known bridge is live. Fails at once on a problem that waiting will not
    /// fix (a refused app key or certificate), or with the last error after `timeout`.
    pub async fn wait_until_live(&self, timeout: Duration) -> Result<Arc<Snapshot>, LightsError> {
        let mut state = self.subscribe();
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let snapshot = state.borrow_and_update().clone();
            if snapshot.bridges.is_empty() {
                return Err(LightsError::NoBridge);
            }
            if snapshot
                .bridges
                .iter()
                .all(|b| b.connection == ConnectionState::Live)
            {
                return Ok(snapshot);
            }
            if let Some(err) = self.lasting_problem(&snapshot) {
                return Err(err);
            }
            match tokio::time::timeout_at(deadline, state.changed()).await {
                Ok(Ok(())) => {}
                _ => return Err(self.last_problem(&snapshot)),
            }
        }
    }

    fn lasting_problem(&self, snapshot: &Snapshot) -> Option<LightsError> {
        let connections = lock(&self.inner.connections);
        for bridge in &snapshot.bridges {
            if let ConnectionState::Offline { problem, reason } = &bridge.connection {
                let last = connections
                    .get(&bridge.id)
                    .and_then(|c| lock(&c.last_error).clone());
                match last {
                    Some(err) if !err.is_transient() => return Some(err.into()),
                    None if *problem == Problem::Unauthorized => {
                        return Some(hearth_hue::Error::Unauthorized.into());
                    }
                    None => {
                        return Some(LightsError::Offline {
                            problem: Box::new(problem.clone()),
                            reason: reason.clone(),
                        });
                    }
                    Some(_) => {}
                }
            }
        }
        None
    }

    fn last_problem(&self, snapshot: &Snapshot) -> LightsError {
        let connections = lock(&self.inner.connections);
        snapshot
            .bridges
            .iter()
            .filter(|b| b.connection != ConnectionState::Live)
            .find_map(|b| {
                connections
                    .get(&b.id)
                    .and_then(|c| lock(&c.last_error).clone())
            })
            .map_or_else(
                || {
                    let waiting = snapshot
                        .bridges
                        .iter()
                        .find(|b| b.connection != ConnectionState::Live)
                        .map_or_else(String::new, |b| b.id.clone());
                    LightsError::NotConnected(waiting)
                },
                LightsError::Hue,
            )
    }

    /// Looks for bridges: mDNS and the cloud endpoint unless switched off, plus `manual`
    /// addresses. A known bridge found at a new address is updated and reconnected.
    pub async fn discover(&self, manual: &[String]) -> Result<DiscoveryReport, LightsError> {
        let addresses = manual
            .iter()
            .map(|a| a.parse::<BridgeAddress>())
            .collect::<Result<Vec<_>, _>>()?;
        let report = discover(&self.inner.config.discovery, &addresses).await;
        let changes = {
            let mut known = lock(&self.inner.known);
            let ((), fresh, stamp) = registry::update(
                self.inner.config.config_dir.as_deref(),
                &known.bridges,
                |bridges| {
                    for found in &report.bridges {
                        if let Some(bridge) = bridges.iter_mut().find(|b| b.id == found.id) {
                            bridge.address = found.address.clone();
                        }
                    }
                },
            )?;
            self.take_known(&mut known, fresh, stamp)
        };
        self.apply(changes).await;
        Ok(report)
    }

    /// Forgets a bridge: its connection, its app key and its entry (or, for a bridge known only
    /// through the cloud, its username there).
    pub async fn forget(&self, bridge_id: &str) -> Result<(), LightsError> {
        let (paired, changes) = {
            let mut known = lock(&self.inner.known);
            let (in_file, fresh, stamp) = registry::update(
                self.inner.config.config_dir.as_deref(),
                &known.bridges,
                |bridges| {
                    let before = bridges.len();
                    bridges.retain(|b| b.id != bridge_id);
                    bridges.len() != before
                },
            )?;
            // Known here but already forgotten by another process: forgotten all the same.
            let here = known.bridges.iter().any(|b| b.id == bridge_id);
            (in_file || here, self.take_known(&mut known, fresh, stamp))
        };
        if !paired {
            self.apply(changes).await;
            if !self.inner.remote.forget_bridge(bridge_id).await? {
                return Err(LightsError::UnknownBridge(bridge_id.to_owned()));
            }
            lock(&self.inner.remote_only).retain(|id| id != bridge_id);
            lock(&self.inner.connections).remove(bridge_id);
            self.inner.unpublish(bridge_id);
            return Ok(());
        }
        // `take_known` lists it as gone only if this model followed it (not with another
        // `only_bridge`): drop it either way.
        lock(&self.inner.connections).remove(bridge_id);
        self.inner.unpublish(bridge_id);
        self.apply(changes).await;
        let store = Arc::clone(&self.inner.secrets);
        let (app, client) = (app_key_name(bridge_id), client_key_name(bridge_id));
        blocking(move || {
            store.delete(&app)?;
            store.delete(&client)
        })
        .await?;
        Ok(())
    }

    /// Keeps a new app key and the bridge's entry, then connects. Used by pairing.
    async fn remember(
        &self,
        bridge: KnownBridge,
        app_key: Secret,
        client_key: Option<Secret>,
    ) -> Result<(), LightsError> {
        let store = Arc::clone(&self.inner.secrets);
        let (app, client) = (app_key_name(&bridge.id), client_key_name(&bridge.id));
        blocking(move || {
            store.put(&app, &app_key)?;
            match client_key {
                Some(key) => store.put(&client, &key),
                None => Ok(()),
            }
        })
        .await?;
        let mut changes = {
            let mut known = lock(&self.inner.known);
            // The file as it is now, not as this model last read it: bridges another process
            // paired in the meantime stay. The secret is kept; if the entry cannot be, the
            // pairing failed: say so, lose nothing.
            let ((), fresh, stamp) = registry::update(
                self.inner.config.config_dir.as_deref(),
                &known.bridges,
                |bridges| {
                    bridges.retain(|b| b.id != bridge.id);
                    bridges.push(bridge.clone());
                },
            )?;
            self.take_known(&mut known, fresh, stamp)
        };
        // Connected below whatever `take_known` says: its app key is new.
        changes.connect.retain(|b| b.id != bridge.id);
        self.apply(changes).await;
        lock(&self.inner.remote_only).retain(|id| *id != bridge.id);
        self.connect(Entry::Paired(bridge)).await;
        Ok(())
    }
}

/// The bridges linked through the cloud that are not paired on the LAN.
fn remote_only(remote: &Remote, known: &[KnownBridge]) -> Vec<RemoteBridge> {
    remote
        .remote_bridges()
        .into_iter()
        .filter(|b| !known.iter().any(|k| k.id == b.id))
        .collect()
}

/// Keeps the bridges linked only through the cloud in step with the remote account, and every
/// bridge's `remote_available` with the link's state.
async fn watch_remote(
    inner: std::sync::Weak<Inner>,
    mut views: watch::Receiver<crate::remote::RemoteView>,
) {
    while views.changed().await.is_ok() {
        let Some(inner) = inner.upgrade() else { return };
        let lights = Lights { inner };
        lights.follow_remote_bridges().await;
        lights.refresh_remote_available();
    }
}

/// Every `every`, picks up other processes' changes to the shared files, as long as the model
/// lives. A problem is logged when it appears, not at every look.
async fn check_files(inner: std::sync::Weak<Inner>, every: Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // The first tick is now, just after `open` read everything.
    ticks.tick().await;
    let mut last_problem = None;
    loop {
        ticks.tick().await;
        let Some(inner) = inner.upgrade() else { return };
        let problem = match (Lights { inner }).reload_if_changed().await {
            Ok(_) => None,
            Err(err) => Some(err.to_string()),
        };
        if problem != last_problem
            && let Some(problem) = &problem
        {
            tracing::warn!("could not pick up changes to the shared files: {problem}");
        }
        last_problem = problem;
    }
}
