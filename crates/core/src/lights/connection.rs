//! One bridge's connection: the client, the pacer, the event stream and the state cache, and the
//! task that keeps the cache and the snapshot in step with the stream.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};

use hearth_hue::events::stream::{self, StreamItem};
use hearth_hue::{BridgeIdentity, Cache, Client, LocalConfig, LocalTransport, Pacer};
use hearth_secret::Secret;

use super::registry::KnownBridge;
use super::snapshot::ConnectionState;
use super::{Inner, LightsError, LightsEvent};

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

pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Connection {
    pub(crate) fn open(
        inner: &Arc<Inner>,
        known: &KnownBridge,
        app_key: Secret,
    ) -> Result<Self, LightsError> {
        let config = &inner.config;
        let mut local = LocalConfig::new(
            known.address.clone(),
            BridgeIdentity::known(&known.id, Some(known.fingerprint)),
        );
        local.app_key = Some(app_key);
        local.roots = config.roots.clone();
        local.request_timeout = config.request_timeout;
        let client =
            Client::new(Arc::new(LocalTransport::new(local)?)).with_retry(config.retry.clone());
        let pacer = Pacer::new(client.clone(), config.pacer.clone());
        let cache = Arc::new(Mutex::new(Cache::default()));
        let last_error = Arc::new(Mutex::new(None));
        let task = tokio::spawn(follow(
            Arc::downgrade(inner),
            known.clone(),
            client,
            Arc::clone(&cache),
            Arc::clone(&last_error),
        ));
        Ok(Self {
            pacer,
            cache,
            last_error,
            task,
        })
    }
}

/// Applies what the stream reports to the cache and publishes the result.
async fn follow(
    inner: Weak<Inner>,
    known: KnownBridge,
    client: Client,
    cache: Arc<Mutex<Cache>>,
    last_error: Arc<Mutex<Option<hearth_hue::Error>>>,
) {
    let config = match inner.upgrade() {
        Some(inner) => inner.config.stream.clone(),
        None => return,
    };
    let mut events = stream::spawn(client, config);
    let mut failures = 0u32;
    while let Some(item) = events.next().await {
        let Some(inner) = inner.upgrade() else { return };
        let state = match item {
            StreamItem::Connecting { .. } => continue,
            StreamItem::Resynced(resources) => {
                lock(&cache).replace_all(resources);
                *lock(&last_error) = None;
                failures = 0;
                ConnectionState::Live
            }
            StreamItem::Events(batch) => {
                lock(&cache).apply(&batch);
                for event in batch {
                    let name = name_of(&lock(&cache), &event);
                    // Nobody listening is fine.
                    let _ = inner.events.send(LightsEvent {
                        bridge_id: known.id.clone(),
                        name,
                        event,
                    });
                }
                ConnectionState::Live
            }
            StreamItem::Lost { error, retry_in } => {
                tracing::info!("bridge {}: {error}", known.id);
                failures += 1;
                let state = if error.is_transient() && failures < OFFLINE_AFTER {
                    ConnectionState::Reconnecting {
                        attempt: failures,
                        retry_in_ms: u64::try_from(retry_in.as_millis()).unwrap_or(u64::MAX),
                        reason: error.to_string(),
                    }
                } else {
                    ConnectionState::Offline {
                        kind: error.kind().to_owned(),
                        reason: error.to_string(),
                    }
                };
                *lock(&last_error) = Some(error);
                state
            }
        };
        inner.publish(&known, state, Some(&lock(&cache)));
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
