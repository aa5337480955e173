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
//! - [`Lights::pair`] reports [`PairingProgress`] (with the link-button countdown) to a callback;
//!   it can be cancelled with a token, or by dropping its future.
//! - Commands go through each bridge's pacer (rate limits, coalescing: a slider may call
//!   [`Lights::set_brightness`] as often as it likes) and resolve when the bridge has answered.
//!   They do not change the snapshot themselves: the bridge's event confirms them, so that the
//!   state shown is always the bridge's.
//! - [`crate::demo::start`] runs all of it against a simulated bridge.

mod config;
mod connection;
mod error;
mod pairing;
mod registry;
mod snapshot;
mod target;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::future::join_all;
use hearth_hue::discovery::{DiscoveryReport, discover};
use hearth_hue::model::{LightUpdate, Resource, ResourceType};
use hearth_hue::pacer::{Command, PaceKey};
use hearth_hue::{BridgeAddress, Cache, Xy};
use hearth_secret::{Secret, SecretStore};
use serde::Serialize;
use tokio::sync::{broadcast, watch};

pub use config::{
    DISCOVERY_ENV, DISCOVERY_URL_ENV, EXTRA_ROOTS_ENV, LightsConfig, default_discovery_url,
};
pub use error::LightsError;
pub use pairing::{PairingOptions, PairingProgress};
pub use registry::{KnownBridge, Trust, app_key_name, client_key_name};
pub use snapshot::{
    BridgeView, Capabilities, CertificateView, ConnectionState, GroupView, LightView, SceneView,
    Snapshot,
};
pub use target::{Target, TargetKind, resolve, resolve_scene};

use connection::{Connection, lock};
use snapshot::BridgePart;

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
    known: Mutex<Vec<KnownBridge>>,
    connections: Mutex<BTreeMap<String, Connection>>,
    parts: Mutex<BTreeMap<String, BridgePart>>,
    snapshot: watch::Sender<Arc<Snapshot>>,
    events: broadcast::Sender<LightsEvent>,
}

impl Inner {
    /// Replaces one bridge's share of the snapshot and tells subscribers.
    fn publish(&self, known: &KnownBridge, connection: ConnectionState, cache: Option<&Cache>) {
        let view = snapshot::bridge_view(known, connection);
        let part = match cache {
            Some(cache) => snapshot::part(view, cache),
            None => BridgePart {
                bridge: Some(view),
                ..BridgePart::default()
            },
        };
        let mut parts = lock(&self.parts);
        parts.insert(known.id.clone(), part);
        self.snapshot
            .send_replace(Arc::new(snapshot::assemble(parts.values())));
    }

    fn unpublish(&self, bridge_id: &str) {
        let mut parts = lock(&self.parts);
        parts.remove(bridge_id);
        self.snapshot
            .send_replace(Arc::new(snapshot::assemble(parts.values())));
    }
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, hearth_secret::StoreError> + Send + 'static,
) -> Result<T, LightsError> {
    // The keychain is synchronous: keep it off the runtime's threads.
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|err| LightsError::Unsupported(format!("the secret store task failed: {err}")))?
        .map_err(LightsError::from)
}

impl Lights {
    /// Loads the known bridges and connects to each (only to `config.only_bridge` if set).
    pub async fn open(
        config: LightsConfig,
        secrets: Arc<dyn SecretStore>,
    ) -> Result<Self, LightsError> {
        let mut known = registry::load(config.config_dir.as_deref())?;
        if let Some(only) = &config.only_bridge {
            known.retain(|b| b.id.eq_ignore_ascii_case(only) || b.address.to_string() == *only);
            if known.is_empty() {
                return Err(LightsError::UnknownBridge(only.clone()));
            }
        }
        let lights = Self {
            inner: Arc::new(Inner {
                config,
                secrets,
                known: Mutex::new(known.clone()),
                connections: Mutex::new(BTreeMap::new()),
                parts: Mutex::new(BTreeMap::new()),
                snapshot: watch::channel(Arc::new(Snapshot::default())).0,
                events: broadcast::channel(256).0,
            }),
        };
        for bridge in known {
            lights.connect(&bridge).await;
        }
        Ok(lights)
    }

    /// Starts (or restarts) the connection to a known bridge.
    async fn connect(&self, bridge: &KnownBridge) {
        let inner = &self.inner;
        lock(&inner.connections).remove(&bridge.id);
        let offline = |kind: &str, reason: String| ConnectionState::Offline {
            kind: kind.to_owned(),
            reason,
        };
        let name = app_key_name(&bridge.id);
        let store = Arc::clone(&inner.secrets);
        let key = blocking(move || store.get(&name)).await;
        let state = match key {
            Ok(Some(key)) => match Connection::open(inner, bridge, key) {
                Ok(connection) => {
                    lock(&inner.connections).insert(bridge.id.clone(), connection);
                    ConnectionState::Connecting
                }
                Err(err) => offline(err.kind(), err.to_string()),
            },
            Ok(None) => offline(
                "unauthorized",
                "Hearth has no app key for this bridge: pair with it again".to_owned(),
            ),
            Err(err) => offline(err.kind(), err.to_string()),
        };
        inner.publish(bridge, state, None);
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
        lock(&self.inner.known).clone()
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
            if let ConnectionState::Offline { kind, reason } = &bridge.connection {
                let last = connections
                    .get(&bridge.id)
                    .and_then(|c| lock(&c.last_error).clone());
                match last {
                    Some(err) if !err.is_transient() => return Some(err.into()),
                    None if kind == "unauthorized" => {
                        return Some(hearth_hue::Error::Unauthorized.into());
                    }
                    None => return Some(LightsError::Unsupported(reason.clone())),
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
        let moved: Vec<KnownBridge> = {
            let mut known = lock(&self.inner.known);
            let mut moved = Vec::new();
            for found in &report.bridges {
                if let Some(bridge) = known.iter_mut().find(|b| b.id == found.id)
                    && bridge.address != found.address
                {
                    bridge.address = found.address.clone();
                    moved.push(bridge.clone());
                }
            }
            if !moved.is_empty() {
                registry::save(self.inner.config.config_dir.as_deref(), &known)?;
            }
            moved
        };
        for bridge in moved {
            tracing::info!("bridge {} moved to {}", bridge.id, bridge.address);
            self.connect(&bridge).await;
        }
        Ok(report)
    }

    /// Forgets a bridge: its connection, its app key and its entry.
    pub async fn forget(&self, bridge_id: &str) -> Result<(), LightsError> {
        let known = {
            let mut known = lock(&self.inner.known);
            let before = known.len();
            known.retain(|b| b.id != bridge_id);
            if known.len() == before {
                return Err(LightsError::UnknownBridge(bridge_id.to_owned()));
            }
            registry::save(self.inner.config.config_dir.as_deref(), &known)?;
            known.clone()
        };
        drop(known);
        lock(&self.inner.connections).remove(bridge_id);
        self.inner.unpublish(bridge_id);
        let store = Arc::clone(&self.inner.secrets);
        let (app, client) = (app_key_name(bridge_id), client_key_name(bridge_id));
        blocking(move || {
            store.delete(&app)?;
            store.delete(&client)
        })
        .await
    }

    /// Where a command for `target` goes, and whether `target` is on now.
    fn route(&self, target: &Target) -> Result<(hearth_hue::Pacer, PaceKey, bool), LightsError> {
        let connections = lock(&self.inner.connections);
        if connections.is_empty() {
            return Err(LightsError::NoBridge);
        }
        for connection in connections.values() {
            let cache = lock(&connection.cache);
            let found = match (target.kind, cache.get(&target.id)) {
                (TargetKind::Light, Some(Resource::Light(light))) => {
                    Some((PaceKey::new(ResourceType::Light, &light.id), light.on.on))
                }
                (TargetKind::Room, Some(Resource::Room(group)))
                | (TargetKind::Zone, Some(Resource::Zone(group))) => {
                    group.grouped_light().map(|grouped| {
                        let on = cache
                            .grouped_light(grouped)
                            .and_then(|g| g.on)
                            .is_some_and(|on| on.on);
                        (PaceKey::new(ResourceType::GroupedLight, grouped), on)
                    })
                }
                _ => None,
            };
            if let Some((key, on)) = found {
                return Ok((connection.pacer.clone(), key, on));
            }
        }
        Err(LightsError::NotFound(target.id.clone()))
    }

    async fn update(&self, target: &Target, update: LightUpdate) -> Result<(), LightsError> {
        let (pacer, key, _) = self.route(target)?;
        Ok(pacer.send(key, Command::Update(update)).await?)
    }

    pub async fn set_on(&self, target: &Target, on: bool) -> Result<(), LightsError> {
        self.update(target, LightUpdate::on(on)).await
    }

    /// Switches to the opposite of the current state; returns the new state.
    pub async fn toggle(&self, target: &Target) -> Result<bool, LightsError> {
        let (pacer, key, on) = self.route(target)?;
        pacer
            .send(key, Command::Update(LightUpdate::on(!on)))
            .await?;
        Ok(!on)
    }

    /// Brightness in percent (0–100). Above 0 it also switches the target on, as a slider
    /// should.
    pub async fn set_brightness(&self, target: &Target, percent: f64) -> Result<(), LightsError> {
        let mut update = LightUpdate::brightness(percent);
        if percent > 0.0 {
            update = update.with_on(true);
        }
        self.update(target, update).await
    }

    /// Colour temperature in mirek (153 cold – 500 warm).
    pub async fn set_color_temperature(
        &self,
        target: &Target,
        mirek: u16,
    ) -> Result<(), LightsError> {
        self.update(target, LightUpdate::mirek(mirek).with_on(true))
            .await
    }

    pub async fn set_color_xy(&self, target: &Target, xy: Xy) -> Result<(), LightsError> {
        self.update(target, LightUpdate::xy(xy).with_on(true)).await
    }

    /// An sRGB colour, within the light's gamut (gamut C for rooms and zones).
    pub async fn set_color_rgb(
        &self,
        target: &Target,
        rgb: (u8, u8, u8),
    ) -> Result<Xy, LightsError> {
        let gamut = match target.kind {
            TargetKind::Light => lock(&self.inner.connections).values().find_map(|c| {
                lock(&c.cache)
                    .light(&target.id)
                    .and_then(hearth_hue::model::Light::gamut)
            }),
            _ => None,
        }
        .unwrap_or(hearth_hue::Gamut::C);
        let xy = hearth_hue::color::rgb_to_xy(rgb.0, rgb.1, rgb.2, &gamut);
        self.set_color_xy(target, xy).await?;
        Ok(xy)
    }

    pub async fn recall_scene(&self, scene_id: &str) -> Result<(), LightsError> {
        let pacer = {
            let connections = lock(&self.inner.connections);
            if connections.is_empty() {
                return Err(LightsError::NoBridge);
            }
            connections
                .values()
                .find(|c| matches!(lock(&c.cache).get(scene_id), Some(Resource::Scene(_))))
                .map(|c| c.pacer.clone())
                .ok_or_else(|| LightsError::NotFound(scene_id.to_owned()))?
        };
        let key = PaceKey::new(ResourceType::Scene, scene_id);
        Ok(pacer.send(key, Command::RecallScene).await?)
    }

    /// Switches every light of every bridge off (through each bridge's home group, else room by
    /// room).
    pub async fn all_off(&self) -> Result<(), LightsError> {
        let sends: Vec<_> = {
            let connections = lock(&self.inner.connections);
            if connections.is_empty() {
                return Err(LightsError::NoBridge);
            }
            connections
                .values()
                .flat_map(|c| {
                    let cache = lock(&c.cache);
                    let groups: Vec<String> =
                        match cache.bridge_home().and_then(|h| h.grouped_light()) {
                            Some(home) => vec![home.to_owned()],
                            None => cache
                                .rooms()
                                .filter_map(|r| r.grouped_light().map(str::to_owned))
                                .collect(),
                        };
                    groups
                        .into_iter()
                        .map(|g| (c.pacer.clone(), PaceKey::new(ResourceType::GroupedLight, g)))
                        .collect::<Vec<_>>()
                })
                .collect()
        };
        let results = join_all(sends.into_iter().map(|(pacer, key)| async move {
            pacer
                .send(key, Command::Update(LightUpdate::on(false)))
                .await
        }))
        .await;
        results.into_iter().collect::<Result<Vec<()>, _>>()?;
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
        {
            let mut known = lock(&self.inner.known);
            let mut updated = known.clone();
            updated.retain(|b| b.id != bridge.id);
            updated.push(bridge.clone());
            // The secret is kept; if the entry cannot be, the pairing failed: say so, lose nothing.
            registry::save(self.inner.config.config_dir.as_deref(), &updated)?;
            *known = updated;
        }
        self.connect(&bridge).await;
        Ok(())
    }
}
