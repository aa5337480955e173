//! One bridge's connection: the client, the pacer, the state cache, and the task that keeps the
//! cache and the snapshot in step with the bridge, on the LAN or through the Hue cloud.
//!
//! # Local and remote
//!
//! Commands go through one pacer whose transport is a [`Switch`]: the LAN ([`LocalTransport`])
//! or the cloud ([`RemoteTransport`]), whichever the task chose. The task:
//!
//! - **on the LAN** follows the bridge's event stream (reconnecting with backoff, resyncing). When
//!   the bridge does not answer there (connection refused or timed out, stream silent or cut) and
//!   remote access reaches it, it goes through the cloud: after the first such failure if the
//!   bridge was never live on the LAN in this run (away from home at start), after
//!   `switch_after` in a row if it was (a blip should not send a home's traffic to the cloud). A
//!   refused certificate or app key never switches: that is for the user to see. Linking remote
//!   access while the LAN fails switches at once;
//! - **through the cloud** polls ([`hearth_hue::remote::poll`]) and, every
//!   `lan_probe_interval`, asks the bridge's LAN address who it is (`GET /api/config`, checked
//!   against the pinned certificate). When the LAN answers as this bridge again, back to the LAN.
//!
//! `hearth-cli --remote` forces the cloud; a bridge known only through the cloud has no LAN side.
//! The snapshot's [`BridgeView::via`](super::BridgeView) says which is in use.

use std::sync::{Arc, Mutex, PoisonError, RwLock, Weak};
use std::time::Duration;

use hearth_hue::events::stream::{self, StreamConfig, StreamItem};
use hearth_hue::remote::poll;
use hearth_hue::transport::{BoxFuture, ByteStream, HttpRequest, HttpResponse, Transport};
use hearth_hue::{BridgeIdentity, Cache, Client, LocalConfig, LocalTransport, Pacer, RetryPolicy};
use hearth_secret::Secret;
use tokio::time::{Instant, MissedTickBehavior};

use super::snapshot::{ConnectionState, Via};
use super::{Entry, Inner, LightsError, LightsEvent};
use crate::lock;
use crate::problem::Problem;
use crate::remote::Remote;

/// Failures in a row after which a bridge shows as offline rather than reconnecting.
const OFFLINE_AFTER: u32 = 3;

pub(crate) struct Connection {
    pub(crate) pacer: Pacer,
    pub(crate) cache: Arc<Mutex<Cache>>,
    /// The last error, while not live (for callers who wait for the connection).
    pub(crate) last_error: Arc<Mutex<Option<hearth_hue::Error>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The transport in use, replaced when the connection switches between the LAN and the cloud.
#[derive(Debug)]
struct Switch {
    current: RwLock<Arc<dyn Transport>>,
}

impl Switch {
    fn new(first: Arc<dyn Transport>) -> Self {
        Self {
            current: RwLock::new(first),
        }
    }

    fn get(&self) -> Arc<dyn Transport> {
        Arc::clone(&self.current.read().unwrap_or_else(PoisonError::into_inner))
    }

    fn set(&self, transport: Arc<dyn Transport>) {
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = transport;
    }
}

impl Transport for Switch {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, hearth_hue::Error>> {
        let transport = self.get();
        Box::pin(async move { transport.send(request).await })
    }

    fn event_stream(&self) -> BoxFuture<'_, Result<ByteStream, hearth_hue::Error>> {
        let transport = self.get();
        Box::pin(async move { transport.event_stream().await })
    }

    fn address(&self) -> String {
        self.get().address()
    }
}

/// Where commands go before a bridge known only through the cloud is connected.
#[derive(Debug)]
struct NotYet(String);

impl Transport for NotYet {
    fn send(&self, _: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, hearth_hue::Error>> {
        Box::pin(async { Err(self.unreachable()) })
    }

    fn event_stream(&self) -> BoxFuture<'_, Result<ByteStream, hearth_hue::Error>> {
        Box::pin(async { Err(self.unreachable()) })
    }

    fn address(&self) -> String {
        self.0.clone()
    }
}

impl NotYet {
    fn unreachable(&self) -> hearth_hue::Error {
        hearth_hue::Error::Unreachable {
            address: self.0.clone(),
            reason: "not connected yet".to_owned(),
        }
    }
}

impl Connection {
    /// Connects to a bridge: on the LAN with `app_key` when it is paired (unless forced through
    /// the cloud), else through the cloud.
    pub(crate) fn open(
        inner: &Arc<Inner>,
        entry: Entry,
        app_key: Option<Secret>,
    ) -> Result<Self, LightsError> {
        let config = &inner.config;
        let local = match (&entry, &app_key) {
            (Entry::Paired(known), Some(key)) => {
                let mut local = LocalConfig::new(
                    known.address.clone(),
                    BridgeIdentity::known(&known.id, Some(known.fingerprint)),
                );
                local.app_key = Some(key.clone());
                local.roots = config.roots.clone();
                local.request_timeout = config.request_timeout;
                Some(Arc::new(LocalTransport::new(local)?))
            }
            _ => None,
        };
        // Forced through the cloud: not a single command on the LAN, even before it connects.
        let first: Arc<dyn Transport> = match &local {
            Some(local) if !inner.remote.options().force => local.clone(),
            _ => Arc::new(NotYet(entry.id().to_owned())),
        };
        let switch = Arc::new(Switch::new(first));
        let client = Client::new(switch.clone()).with_retry(config.retry.clone());
        let pacer = Pacer::new(client, config.pacer.clone());
        let cache = Arc::new(Mutex::new(Cache::default()));
        let last_error = Arc::new(Mutex::new(None));
        let supervisor = Supervisor {
            inner: Arc::downgrade(inner),
            entry,
            local,
            app_key,
            switch,
            cache: Arc::clone(&cache),
            last_error: Arc::clone(&last_error),
            remote: inner.remote.clone(),
            stream: config.stream.clone(),
            retry: config.retry.clone(),
        };
        let task = tokio::spawn(supervisor.run());
        Ok(Self {
            pacer,
            cache,
            last_error,
            task,
        })
    }
}

/// What the connection does next.
enum Next {
    Local,
    Remote,
    Stop,
}

struct Supervisor {
    inner: Weak<Inner>,
    entry: Entry,
    local: Option<Arc<LocalTransport>>,
    app_key: Option<Secret>,
    switch: Arc<Switch>,
    cache: Arc<Mutex<Cache>>,
    last_error: Arc<Mutex<Option<hearth_hue::Error>>>,
    remote: Remote,
    stream: StreamConfig,
    retry: RetryPolicy,
}

/// The bridge does not answer on the LAN (as opposed to answering with a refusal).
fn lan_unreachable(error: &hearth_hue::Error) -> bool {
    matches!(
        error,
        hearth_hue::Error::Unreachable { .. }
            | hearth_hue::Error::Timeout { .. }
            | hearth_hue::Error::StreamSilent { .. }
            | hearth_hue::Error::Closed
    )
}

impl Supervisor {
    async fn run(self) {
        let forced = self.remote.options().force;
        let mut next = if forced || self.local.is_none() {
            Next::Remote
        } else {
            Next::Local
        };
        let mut live_on_lan = false;
        loop {
            next = match next {
                Next::Local => self.run_local(&mut live_on_lan).await,
                Next::Remote => self.run_remote().await,
                Next::Stop => return,
            };
        }
    }

    fn id(&self) -> &str {
        self.entry.id()
    }

    fn publish(&self, inner: &Inner, state: ConnectionState, via: Via) {
        inner.publish(&self.entry, state, via, Some(&lock(&self.cache)));
    }

    /// Applies one item to the cache; the state to show after it, if any.
    fn take(&self, inner: &Inner, item: StreamItem, failures: &mut u32) -> Option<ConnectionState> {
        Some(match item {
            StreamItem::Connecting { .. } => return None,
            StreamItem::Resynced(resources) => {
                lock(&self.cache).replace_all(resources);
                *lock(&self.last_error) = None;
                *failures = 0;
                ConnectionState::Live
            }
            StreamItem::Events(batch) => {
                lock(&self.cache).apply(&batch);
                for event in batch {
                    let name = name_of(&lock(&self.cache), &event);
                    // Nobody listening is fine.
                    let _ = inner.events.send(LightsEvent {
                        bridge_id: self.id().to_owned(),
                        name,
                        event,
                    });
                }
                ConnectionState::Live
            }
            StreamItem::Lost { error, retry_in } => {
                tracing::info!("bridge {}: {error}", self.id());
                *failures += 1;
                let state = if error.is_transient() && *failures < OFFLINE_AFTER {
                    ConnectionState::Reconnecting {
                        attempt: *failures,
                        retry_in_ms: u64::try_from(retry_in.as_millis()).unwrap_or(u64::MAX),
                        problem: Problem::from(&error),
                        reason: error.to_string(),
                    }
                } else {
                    ConnectionState::Offline {
                        problem: Problem::from(&error),
                        reason: error.to_string(),
                    }
                };
                *lock(&self.last_error) = Some(error);
                state
            }
        })
    }

    /// Follows the event stream on the LAN until the cloud should take over.
    async fn run_local(&self, live_on_lan: &mut bool) -> Next {
        let Some(local) = &self.local else {
            return Next::Remote;
        };
        self.switch.set(local.clone());
        let client = Client::new(local.clone()).with_retry(self.retry.clone());
        let mut events = stream::spawn(client, self.stream.clone());
        let mut remote = self.remote.subscribe();
        let mut remote_open = true;
        let mut failures = 0u32;
        let mut unanswered = 0u32;
        let switch_after = self.remote.options().switch_after.max(1);
        loop {
            let threshold = if *live_on_lan { switch_after } else { 1 };
            let item = tokio::select! {
                item = events.next() => match item {
                    Some(item) => item,
                    None => return Next::Stop,
                },
                changed = remote.changed(), if remote_open => {
                    remote_open = changed.is_ok();
                    if unanswered >= threshold && self.remote.reaches(self.id()) {
                        tracing::info!(
                            "bridge {}: remote access is linked and the LAN does not answer; \
                             going through the Hue cloud",
                            self.id()
                        );
                        return Next::Remote;
                    }
                    continue;
                }
            };
            let Some(inner) = self.inner.upgrade() else {
                return Next::Stop;
            };
            if let StreamItem::Lost { error, .. } = &item {
                unanswered = if lan_unreachable(error) {
                    unanswered + 1
                } else {
                    0
                };
                if unanswered >= threshold && self.remote.reaches(self.id()) {
                    tracing::info!(
                        "bridge {}: not answering on the LAN ({error}); going through the Hue \
                         cloud",
                        self.id()
                    );
                    *lock(&self.last_error) = Some(error.clone());
                    return Next::Remote;
                }
            }
            if matches!(item, StreamItem::Resynced(_)) {
                *live_on_lan = true;
                unanswered = 0;
            }
            if let Some(state) = self.take(&inner, item, &mut failures) {
                self.publish(&inner, state, Via::Local);
            }
        }
    }

    /// Polls through the cloud until the bridge answers on the LAN again.
    async fn run_remote(&self) -> Next {
        let options = self.remote.options().clone();
        if let Some(inner) = self.inner.upgrade() {
            self.publish(&inner, ConnectionState::Connecting, Via::Remote);
        }
        let transport = match self.remote.transport(self.id(), self.app_key.clone()).await {
            Ok(transport) => transport,
            Err(err) => {
                let Some(inner) = self.inner.upgrade() else {
                    return Next::Stop;
                };
                self.publish(
                    &inner,
                    ConnectionState::Offline {
                        problem: Problem::from(&err),
                        reason: err.to_string(),
                    },
                    Via::Remote,
                );
                drop(inner);
                tokio::time::sleep(options.lan_probe_interval).await;
                return if self.local.is_some() && !options.force {
                    Next::Local
                } else {
                    Next::Remote
                };
            }
        };
        self.switch.set(transport.clone());
        let pacing = transport.pacing();
        let client = Client::new(transport).with_retry(self.retry.clone());
        let mut polls = poll::spawn(client, options.poll.clone(), Some(pacing));
        let probe = self.local.as_ref().filter(|_| !options.force).map(|local| {
            Client::new(local.clone()).with_retry(RetryPolicy {
                attempts: 1,
                ..self.retry.clone()
            })
        });
        let period = options.lan_probe_interval.max(Duration::from_millis(10));
        let mut ticks = tokio::time::interval_at(Instant::now() + period, period);
        ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut failures = 0u32;
        loop {
            tokio::select! {
                item = polls.next() => {
                    let Some(item) = item else { return Next::Stop };
                    let Some(inner) = self.inner.upgrade() else { return Next::Stop };
                    if let Some(state) = self.take(&inner, item, &mut failures) {
                        self.publish(&inner, state, Via::Remote);
                    }
                }
                _ = ticks.tick(), if probe.is_some() => {
                    if let Some(probe) = &probe
                        && let Ok(config) = probe.config().await
                        && config.bridge_id == self.id()
                    {
                        tracing::info!(
                            "bridge {}: answering on the LAN again; leaving the Hue cloud",
                            self.id()
                        );
                        if let Some(inner) = self.inner.upgrade() {
                            self.publish(&inner, ConnectionState::Connecting, Via::Local);
                        }
                        return Next::Local;
                    }
                }
            }
        }
    }
}

fn name_of(cache: &Cache, event: &hearth_hue::Event) -> Option<String> {
    use hearth_hue::model::Resource;
    let owner = event.owner.as_ref().map(|o| o.rid.as_str());
    match cache.get(&event.id)? {
        Resource::Light(light) => Some(
            cache
                .owner_device(light)
                .map_or_else(|| light.name().to_owned(), |d| d.metadata.name.clone()),
        ),
        Resource::Room(g) | Resource::Zone(g) => Some(g.name().to_owned()),
        Resource::Scene(s) => Some(s.metadata.name.clone()),
        Resource::Device(d) => Some(d.metadata.name.clone()),
        Resource::GroupedLight(_) | Resource::ZigbeeConnectivity(_) => {
            match owner.and_then(|o| cache.get(o)) {
                Some(Resource::Room(g) | Resource::Zone(g)) => Some(g.name().to_owned()),
                Some(Resource::BridgeHome(_)) => Some("all lights".to_owned()),
                Some(Resource::Device(d)) => Some(d.metadata.name.clone()),
                _ => None,
            }
        }
        _ => None,
    }
}
