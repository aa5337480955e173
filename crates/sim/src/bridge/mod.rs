//! The Hue bridge simulator: a real HTTPS server on 127.0.0.1 serving CLIP v2 (light, room, zone,
//! grouped_light, scene, device, bridge, bridge_home, zigbee_connectivity) with their `PUT`
//! semantics, the event stream, the CLIP v1 subset (lights, groups, scenes, state changes),
//! pairing with a link button, and the unauthenticated `/api/config`.
//!
//! Like a real bridge it answers 429 above 3 concurrent requests. Tests switch faults on through
//! [`BridgeSim`]: event streams dropped or gone silent, a restart with changed state (and possibly
//! a new certificate), 503s, latency. The same switches, and the link button, are reachable over
//! HTTP under `/sim/` for the standalone binary and end-to-end tests (see [`http`]).
//!
//! A real bridge also keeps a tunnel open to the Hue cloud, which is how the Remote API reaches it
//! from anywhere. Here the tunnel is a second HTTPS listener on 127.0.0.1
//! ([`BridgeSim::tunnel_addr`]), which the cloud simulator forwards to. Switching the bridge off
//! the local network ([`BridgeSim::set_lan_reachable`], or `POST /sim/lan/off` through the tunnel)
//! closes the first listener and every connection made to it, while the tunnel keeps working:
//! "away from home", as seen by an app on 127.0.0.1.

mod certs;
pub mod cli;
pub mod discovery;
mod http;
mod server;
mod state;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError, RwLock, Weak};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::sync::{broadcast, watch};
use tokio_util::sync::CancellationToken;

pub use certs::CertMode;
use state::Home;
pub use state::Refusal;

/// Why the simulator could not start or do what it was asked.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("could not listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("certificate: {0}")]
    Certificate(#[from] rcgen::Error),
    #[error("TLS: {0}")]
    Tls(#[from] rustls::Error),
    #[error("the simulated bridge refused: {} (HTTP {})", .0.description, .0.status)]
    Refused(Refusal),
    #[error("no {0} with that id")]
    NotFound(String),
}

/// How a simulated bridge starts.
#[derive(Clone, Debug)]
pub struct SimConfig {
    /// `127.0.0.1:0` picks a free port.
    pub listen: SocketAddr,
    pub lights: usize,
    pub rooms: usize,
    /// The same seed gives the same bridge id and resource ids.
    pub seed: u64,
    pub cert: CertMode,
    /// How long the link button stays pressed (30 s on a real bridge).
    pub link_window: Duration,
    /// Above this many concurrent requests the bridge answers 429 (`None`: no limit).
    pub max_concurrent: Option<usize>,
    /// Send `grouped_light` events when a light's change changes its groups (real bridges do
    /// not always).
    pub group_events: bool,
    /// Serve CLIP v2; off, the bridge behaves like firmware before API 1.46 (v1 only).
    pub clip_v2: bool,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            lights: 6,
            rooms: 3,
            seed: 1,
            cert: CertMode::SignedByTestCa,
            link_window: Duration::from_secs(30),
            max_concurrent: Some(3),
            group_events: true,
            clip_v2: true,
        }
    }
}

/// One request the simulator answered, for tests (pacing, contract checks).
#[derive(Clone, Debug)]
pub struct Exchange {
    /// Since the simulator started.
    pub at: Duration,
    pub method: String,
    pub path: String,
    pub status: u16,
    pub request: Option<Value>,
    pub response: Option<Value>,
}

/// What a restart changes.
#[derive(Clone, Debug, Default)]
pub struct Restart {
    /// How long the bridge is away (nothing listens on its port).
    pub downtime: Duration,
    /// Flip every light while away (no event tells: only a resync finds out).
    pub flip_lights: bool,
    /// Come back with a new certificate (a new key: a different fingerprint).
    pub new_certificate: Option<CertMode>,
}

#[derive(Default)]
struct Faults {
    fail_next: VecDeque<u16>,
    latency: Duration,
}

pub(crate) struct Shared {
    home: Mutex<Home>,
    config: SimConfig,
    app_keys: Mutex<Vec<String>>,
    link_pressed_until: Mutex<Option<Instant>>,
    events: broadcast::Sender<Arc<str>>,
    event_seq: AtomicU64,
    drop_streams: Mutex<CancellationToken>,
    mute_streams: watch::Sender<u64>,
    faults: Mutex<Faults>,
    in_flight: AtomicUsize,
    max_seen: AtomicUsize,
    refused_429: AtomicU64,
    log: Mutex<Vec<Exchange>>,
    identity: RwLock<certs::ServerIdentity>,
    ca: certs::TestCa,
    started: Instant,
    /// Whether the local-network listener is up (the tunnel always is, while running).
    lan_up: AtomicBool,
    /// The local-network listener, for the `/sim/lan/…` switch (weak: it owns this).
    lan_server: OnceLock<Weak<server::Server>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    fn home(&self) -> MutexGuard<'_, Home> {
        lock(&self.home)
    }

    fn group_events(&self) -> bool {
        self.config.group_events
    }

    /// Sends changes to every open event stream, as one message.
    fn publish(&self, kind: &str, items: Vec<Value>) {
        if items.is_empty() {
            return;
        }
        let now = time::OffsetDateTime::now_utc();
        let creationtime = now
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        let seq = self.event_seq.fetch_add(1, Ordering::Relaxed);
        let container = json!([{
            "creationtime": creationtime,
            "id": format!("{:08x}-0000-4000-8000-{:012x}", now.unix_timestamp(), seq),
            "type": kind,
            "data": items,
        }]);
        let frame = format!("id: {}:{seq}\ndata: {container}\n\n", now.unix_timestamp());
        // No stream open is fine: a real bridge does not keep events for later either.
        let _ = self.events.send(Arc::from(frame));
    }

    fn is_app_key(&self, key: &str) -> bool {
        lock(&self.app_keys).iter().any(|k| k == key)
    }

    fn new_app_key(&self) -> String {
        use rand::Rng as _;
        let key: String = rand::rng()
            .sample_iter(rand::distr::Alphanumeric)
            .take(40)
            .map(char::from)
            .collect();
        lock(&self.app_keys).push(key.clone());
        key
    }

    fn link_button_pressed(&self) -> bool {
        lock(&self.link_pressed_until).is_some_and(|until| Instant::now() < until)
    }

    fn press_link_button(&self) {
        *lock(&self.link_pressed_until) = Some(Instant::now() + self.config.link_window);
    }

    fn drop_streams(&self) {
        let mut token = lock(&self.drop_streams);
        token.cancel();
        *token = CancellationToken::new();
    }

    fn record(&self, exchange: Exchange) {
        lock(&self.log).push(exchange);
    }

    /// Takes the bridge off the local network, or puts it back. The tunnel is not touched.
    async fn set_lan(&self, reachable: bool) -> Result<(), SimError> {
        let Some(server) = self.lan_server.get().and_then(Weak::upgrade) else {
            return Ok(());
        };
        self.lan_up.store(reachable, Ordering::SeqCst);
        if reachable {
            server.resume().await
        } else {
            server.stop().await;
            Ok(())
        }
    }
}

/// A running simulated bridge. Dropping it stops it.
pub struct BridgeSim {
    shared: Arc<Shared>,
    server: Arc<server::Server>,
    /// The cloud's way in (see the module documentation).
    tunnel: server::Server,
}

impl std::fmt::Debug for BridgeSim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BridgeSim")
            .field("addr", &self.addr())
            .field("bridge_id", &self.bridge_id())
            .finish_non_exhaustive()
    }
}

impl BridgeSim {
    pub async fn start(config: SimConfig) -> Result<Self, SimError> {
        let home = Home::generate(config.seed, config.lights, config.rooms);
        let ca = certs::TestCa::new()?;
        let identity = certs::issue(&home.bridge_id, config.cert, &ca)?;
        let (events, _) = broadcast::channel(1024);
        let shared = Arc::new(Shared {
            home: Mutex::new(home),
            faults: Mutex::new(Faults::default()),
            config: config.clone(),
            app_keys: Mutex::new(Vec::new()),
            link_pressed_until: Mutex::new(None),
            events,
            event_seq: AtomicU64::new(0),
            drop_streams: Mutex::new(CancellationToken::new()),
            mute_streams: watch::channel(0).0,
            in_flight: AtomicUsize::new(0),
            max_seen: AtomicUsize::new(0),
            refused_429: AtomicU64::new(0),
            log: Mutex::new(Vec::new()),
            identity: RwLock::new(identity),
            ca,
            started: Instant::now(),
            lan_up: AtomicBool::new(true),
            lan_server: OnceLock::new(),
        });
        let server = Arc::new(server::Server::start(config.listen, Arc::clone(&shared)).await?);
        let _ = shared.lan_server.set(Arc::downgrade(&server));
        let tunnel_listen = SocketAddr::new(config.listen.ip(), 0);
        let tunnel = server::Server::start(tunnel_listen, Arc::clone(&shared)).await?;
        Ok(Self {
            shared,
            server,
            tunnel,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    /// `127.0.0.1:<port>`, as a user would type it.
    pub fn address(&self) -> String {
        self.addr().to_string()
    }

    /// Where the bridge's tunnel to the cloud arrives: the same API, reachable whether or not the
    /// bridge is on the local network. Only the cloud simulator should use it.
    pub fn tunnel_addr(&self) -> SocketAddr {
        self.tunnel.addr()
    }

    /// Puts the bridge on the local network or takes it off ("away from home"): off, nothing
    /// listens on [`BridgeSim::addr`] and every connection to it (event streams included) is cut;
    /// the tunnel keeps serving the cloud.
    pub async fn set_lan_reachable(&self, reachable: bool) -> Result<(), SimError> {
        self.shared.set_lan(reachable).await
    }

    pub fn lan_reachable(&self) -> bool {
        self.shared.lan_up.load(Ordering::SeqCst)
    }

    /// 16 hex digits, lower case: the certificate's CN.
    pub fn bridge_id(&self) -> String {
        self.shared.home().bridge_id.clone()
    }

    /// The test CA that signs the bridge certificate (in [`CertMode::SignedByTestCa`]).
    pub fn ca_pem(&self) -> String {
        self.shared.ca.pem()
    }

    /// The certificate the bridge presents now (DER).
    pub fn certificate_der(&self) -> Vec<u8> {
        self.shared
            .identity
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .leaf_der
            .clone()
    }

    /// Presses the link button: pairing succeeds for the next `link_window`.
    pub fn press_link_button(&self) {
        self.shared.press_link_button();
    }

    /// An app key, as if an app had paired (for tests that are not about pairing).
    pub fn create_app_key(&self) -> String {
        self.shared.new_app_key()
    }

    pub fn resources(&self) -> Vec<Value> {
        self.shared.home().all()
    }

    pub fn resource(&self, id: &str) -> Option<Value> {
        self.shared.home().get(id).cloned()
    }

    pub fn ids_of(&self, rtype: &str) -> Vec<String> {
        self.shared.home().ids_of(rtype)
    }

    /// The id of the `rtype` named `name` (case-insensitive).
    pub fn find(&self, rtype: &str, name: &str) -> Option<String> {
        self.shared.home().find(rtype, name)
    }

    pub fn lights_of(&self, group: &str) -> Vec<String> {
        self.shared.home().lights_of(group)
    }

    pub fn grouped_light_of(&self, group: &str) -> Option<String> {
        self.shared.home().grouped_light_of(group)
    }

    /// Changes a light as another app or a wall switch would: events follow.
    pub fn change_light(&self, id: &str, patch: &Value) -> Result<(), SimError> {
        let group_events = self.shared.group_events();
        let changes = self
            .shared
            .home()
            .change_light(id, patch, group_events)
            .map_err(SimError::Refused)?;
        self.shared.publish("update", changes);
        Ok(())
    }

    /// Every request waits this long before being handled.
    pub fn set_latency(&self, latency: Duration) {
        lock(&self.shared.faults).latency = latency;
    }

    /// The next `count` requests (the event stream and `/sim/` excepted) answer `status`.
    pub fn fail_next(&self, status: u16, count: usize) {
        lock(&self.shared.faults)
            .fail_next
            .extend(std::iter::repeat_n(status, count));
    }

    /// Ends every open event stream (the client sees the connection close).
    pub fn drop_streams(&self) {
        self.shared.drop_streams();
    }

    /// Every open event stream goes silent but stays open, like a half-open connection after a
    /// router restart. Streams opened afterwards work.
    pub fn mute_streams(&self) {
        self.shared
            .mute_streams
            .send_modify(|generation| *generation += 1);
    }

    /// Goes away (every connection cut, nothing listening) and comes back on the same port.
    pub async fn restart(&self, restart: Restart) -> Result<(), SimError> {
        self.server.stop().await;
        self.tunnel.stop().await;
        self.shared.drop_streams();
        if restart.flip_lights {
            self.shared.home().flip_all_lights();
        }
        if let Some(mode) = restart.new_certificate {
            let identity = certs::issue(&self.bridge_id(), mode, &self.shared.ca)?;
            *self
                .shared
                .identity
                .write()
                .unwrap_or_else(PoisonError::into_inner) = identity;
        }
        tokio::time::sleep(restart.downtime).await;
        self.tunnel.resume().await?;
        if self.lan_reachable() {
            self.server.resume().await?;
        }
        Ok(())
    }

    pub fn exchanges(&self) -> Vec<Exchange> {
        lock(&self.shared.log).clone()
    }

    pub fn clear_exchanges(&self) {
        lock(&self.shared.log).clear();
    }

    /// The most requests it handled at once (the event stream and `/sim/` excepted).
    pub fn max_concurrency_seen(&self) -> usize {
        self.shared.max_seen.load(Ordering::SeqCst)
    }

    pub fn refused_429(&self) -> u64 {
        self.shared.refused_429.load(Ordering::SeqCst)
    }

    /// Stops serving and cuts every connection.
    pub async fn shutdown(self) {
        self.server.stop().await;
        self.tunnel.stop().await;
        self.shared.drop_streams();
    }
}
