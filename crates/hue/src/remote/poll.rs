//! Following a bridge through the cloud, which has no event stream: poll its whole state, gently,
//! and report what changed as the event stream would.
//!
//! Each poll is one call (`GET /route/clip/v2/resource`). The first, and the first after a
//! failure, is a [`StreamItem::Resynced`]; after that each poll is compared with the previous one,
//! resource by resource and field by field, and the differences become [`Event`]s: `add` with the
//! whole resource, `delete` with its id, `update` with the top-level fields that changed, exactly
//! the partial resources the bridge's stream carries. So the [`Cache`] and whatever
//! renders it cannot tell polling from streaming.
//!
//! One addition: when lights change, the `grouped_light` of every room and zone holding them is
//! reported too, as it now is on the bridge, even if unchanged. Without that the cache would derive
//! the group from its lights (its rule when the stream is silent about groups), and a derived value
//! that differed from the bridge's would never be corrected by a later diff.
//!
//! How often: every [`PollConfig::interval`] (15 s by default); [`PollConfig::after_write`] after a
//! command went through the transport polled, so that its effect shows; never more often
//! than the share of the daily budget polling may use allows, and at [`PollConfig::max_interval`]
//! once 90 % of the budget is spent. Failures (the cloud's 429s, after the client's own retries,
//! its 5xx, an unreachable cloud) are reported as [`StreamItem::Lost`] and retried with growing
//! backoff.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value};
use tokio::sync::{Notify, mpsc};

use super::RemoteActivity;
use crate::client::jittered_backoff;
use crate::events::stream::{EventStream, StreamItem};
use crate::events::{Event, EventKind};
use crate::model::{Resource, ResourceType};
use crate::{Cache, Client};

#[derive(Clone, Debug)]
pub struct PollConfig {
    /// Between two polls while nothing happens.
    pub interval: Duration,
    /// How long after a command to poll (commands coalesce meanwhile).
    pub after_write: Duration,
    /// The slowest pace: when the day's budget is nearly spent.
    pub max_interval: Duration,
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
    /// Calls the cloud allows per day (about 50,000 reported).
    pub daily_budget: u64,
    /// The part of the budget polling may use, in percent: the rest is for commands.
    pub poll_share_percent: u8,
}

impl Default for PollConfig {
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(15),
            after_write: Duration::from_secs(1),
            max_interval: Duration::from_secs(300),
            initial_backoff: Duration::from_secs(5),
            max_backoff: Duration::from_secs(300),
            daily_budget: super::DEFAULT_DAILY_BUDGET,
            poll_share_percent: 50,
        }
    }
}

impl PollConfig {
    /// The wait before the next poll, given the calls made in the last 24 hours.
    pub fn interval_for(&self, calls_last_day: u64) -> Duration {
        let slowest = self.max_interval.max(self.interval);
        if self.daily_budget == 0
            || calls_last_day.saturating_mul(10) >= self.daily_budget.saturating_mul(9)
        {
            return slowest;
        }
        let polls_per_day = self
            .daily_budget
            .saturating_mul(u64::from(self.poll_share_percent.min(100)))
            / 100;
        if polls_per_day == 0 {
            return slowest;
        }
        let floor = Duration::from_nanos(86_400_000_000_000 / polls_per_day);
        self.interval.max(floor).min(slowest)
    }

    /// The wait after a failed poll, growing with `attempt` (the failures in a row before it).
    /// A 429's `Retry-After` is honoured by the client's own retries first.
    fn backoff(&self, attempt: u32) -> Duration {
        jittered_backoff(self.initial_backoff, self.max_backoff, attempt)
    }
}

/// What paces polling: the account's calls of the day, and the commands sent through the
/// transport polled ([`RemoteTransport::pacing`](super::RemoteTransport::pacing)).
#[derive(Clone, Debug)]
pub struct Pacing {
    pub activity: Arc<RemoteActivity>,
    pub(crate) written: Arc<Notify>,
}

/// Starts polling through `client` (over a [`RemoteTransport`](super::RemoteTransport), whose
/// [`Pacing`] it is given; without one it polls every `config.interval`, whatever the budget).
pub fn spawn(client: Client, config: PollConfig, pacing: Option<Pacing>) -> EventStream {
    let (tx, items) = mpsc::channel(64);
    let task = tokio::spawn(run(client, config, pacing, tx));
    EventStream::from_parts(items, task)
}

async fn run(
    client: Client,
    config: PollConfig,
    pacing: Option<Pacing>,
    tx: mpsc::Sender<StreamItem>,
) {
    let mut previous: Option<BTreeMap<String, Value>> = None;
    let mut attempt = 0u32;
    loop {
        if previous.is_none() && tx.send(StreamItem::Connecting { attempt }).await.is_err() {
            return;
        }
        match client.resources_raw().await {
            Ok(values) => {
                attempt = 0;
                let item = match &previous {
                    None => Some(StreamItem::Resynced(Resource::list_from_values(
                        values.clone(),
                    ))),
                    Some(before) => {
                        let events = diff(before, &values, &now_rfc3339());
                        (!events.is_empty()).then_some(StreamItem::Events(events))
                    }
                };
                if let Some(item) = item
                    && tx.send(item).await.is_err()
                {
                    return;
                }
                previous = Some(by_id(values));
                let calls = pacing.as_ref().map_or(0, |p| p.activity.calls_last_day());
                let wait = config.interval_for(calls);
                match &pacing {
                    Some(pacing) => {
                        tokio::select! {
                            () = tokio::time::sleep(wait) => {}
                            () = pacing.written.notified() => {
                                tokio::time::sleep(config.after_write.min(wait)).await;
                            }
                        }
                    }
                    None => tokio::time::sleep(wait).await,
                }
            }
            Err(error) => {
                previous = None;
                let retry_in = config.backoff(attempt);
                attempt = attempt.saturating_add(1);
                tracing::info!(
                    "polling through the Hue cloud failed ({error}); again in {retry_in:?}"
                );
                if tx.send(StreamItem::Lost { error, retry_in }).await.is_err() {
                    return;
                }
                tokio::time::sleep(retry_in).await;
            }
        }
    }
}

fn by_id(values: Vec<Value>) -> BTreeMap<String, Value> {
    values
        .into_iter()
        .filter_map(|value| {
            let id = value.get("id")?.as_str()?.to_owned();
            Some((id, value))
        })
        .collect()
}

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Fields that identify a resource: always part of a partial resource.
const IDENTITY: [&str; 4] = ["id", "type", "id_v1", "owner"];

/// The events that turn `before` into `after`: deletions, additions, then updates.
fn diff(before: &BTreeMap<String, Value>, after: &[Value], creationtime: &str) -> Vec<Event> {
    let after_ids: BTreeSet<&str> = after
        .iter()
        .filter_map(|v| v.get("id").and_then(Value::as_str))
        .collect();
    let mut deleted = Vec::new();
    for (id, old) in before {
        if !after_ids.contains(id.as_str()) {
            let partial = identity(old);
            deleted.extend(Event::from_raw(EventKind::Delete, creationtime, partial));
        }
    }
    let mut added = Vec::new();
    let mut updated = Vec::new();
    for new in after {
        let Some(id) = new.get("id").and_then(Value::as_str) else {
            continue;
        };
        match before.get(id) {
            None => added.extend(Event::from_raw(EventKind::Add, creationtime, new.clone())),
            Some(old) if old != new => {
                let (Some(old), Some(new_fields)) = (old.as_object(), new.as_object()) else {
                    continue;
                };
                let mut partial = identity(new);
                let Value::Object(map) = &mut partial else {
                    continue;
                };
                for (key, value) in new_fields {
                    if !IDENTITY.contains(&key.as_str()) && old.get(key) != Some(value) {
                        map.insert(key.clone(), value.clone());
                    }
                }
                updated.extend(Event::from_raw(EventKind::Update, creationtime, partial));
            }
            Some(_) => {}
        }
    }
    let groups = groups_of_changed_lights(after, &updated, &added);
    for grouped in groups {
        if updated.iter().any(|e| e.id == grouped) {
            continue;
        }
        let Some(current) = after
            .iter()
            .find(|v| v.get("id").and_then(Value::as_str) == Some(grouped.as_str()))
        else {
            continue;
        };
        let mut partial = identity(current);
        if let Value::Object(map) = &mut partial {
            for key in ["on", "dimming"] {
                if let Some(value) = current.get(key) {
                    map.insert(key.to_owned(), value.clone());
                }
            }
        }
        updated.extend(Event::from_raw(EventKind::Update, creationtime, partial));
    }
    deleted.into_iter().chain(added).chain(updated).collect()
}

/// `{id, type, id_v1, owner}` of a resource.
fn identity(resource: &Value) -> Value {
    let mut map = Map::new();
    for key in IDENTITY {
        if let Some(value) = resource.get(key) {
            map.insert(key.to_owned(), value.clone());
        }
    }
    Value::Object(map)
}

/// The `grouped_light` ids of the rooms, zones and home that hold a light among `changed`.
fn groups_of_changed_lights(after: &[Value], updated: &[Event], added: &[Event]) -> Vec<String> {
    let lights: BTreeSet<&str> = updated
        .iter()
        .chain(added)
        .filter(|e| e.rtype == ResourceType::Light)
        .map(|e| e.id.as_str())
        .collect();
    if lights.is_empty() {
        return Vec::new();
    }
    let cache = Cache::new(Resource::list_from_values(after.to_vec()));
    cache
        .groups()
        .filter(|group| {
            cache
                .light_ids_of(group)
                .iter()
                .any(|l| lights.contains(l.as_str()))
        })
        .filter_map(|group| group.grouped_light().map(str::to_owned))
        .collect()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use expect_test::expect;
    use serde_json::{Value, json};

    use super::{PollConfig, by_id, diff};
    use crate::Cache;
    use crate::model::Resource;

    fn home(l1_on: bool, l1_bri: f64, g1_on: bool) -> Vec<Value> {
        vec![
            json!({"id":"l1","type":"light","id_v1":"/lights/1","owner":{"rid":"d1","rtype":"device"},
                   "on":{"on":l1_on},"dimming":{"brightness":l1_bri},"metadata":{"name":"Desk"}}),
            json!({"id":"l2","type":"light","owner":{"rid":"d2","rtype":"device"},"on":{"on":false},
                   "metadata":{"name":"Shelf"}}),
            json!({"id":"d1","type":"device","services":[{"rid":"l1","rtype":"light"}],"metadata":{"name":"Desk"}}),
            json!({"id":"d2","type":"device","services":[{"rid":"l2","rtype":"light"}],"metadata":{"name":"Shelf"}}),
            json!({"id":"r1","type":"room","children":[{"rid":"d1","rtype":"device"}],
                   "services":[{"rid":"g1","rtype":"grouped_light"}],"metadata":{"name":"Office"}}),
            json!({"id":"z1","type":"zone","children":[{"rid":"l2","rtype":"light"}],
                   "services":[{"rid":"g2","rtype":"grouped_light"}],"metadata":{"name":"Reading"}}),
            json!({"id":"g1","type":"grouped_light","on":{"on":g1_on},"dimming":{"brightness":40.0}}),
            json!({"id":"g2","type":"grouped_light","on":{"on":false}}),
        ]
    }

    #[test]
    fn nothing_changed_is_no_event() {
        assert!(diff(&by_id(home(true, 50.0, true)), &home(true, 50.0, true), "t").is_empty());
    }

    #[test]
    fn changes_become_the_partial_resources_the_stream_sends() {
        let before = by_id(home(false, 50.0, false));
        let mut after = home(true, 70.0, false);
        after.retain(|v| v["id"] != "l2");
        after.push(json!({"id":"s1","type":"scene","metadata":{"name":"Relax"},
                          "group":{"rid":"r1","rtype":"room"}}));
        let events = diff(&before, &after, "2024-01-01T10:00:00Z");
        let shown: Vec<Value> = events
            .iter()
            .map(|e| json!({"kind": e.kind, "id": e.id, "raw": e.raw}))
            .collect();
        expect![[r#"
            [
              {
                "id": "l2",
                "kind": "delete",
                "raw": {
                  "id": "l2",
                  "owner": {
                    "rid": "d2",
                    "rtype": "device"
                  },
                  "type": "light"
                }
              },
              {
                "id": "s1",
                "kind": "add",
                "raw": {
                  "group": {
                    "rid": "r1",
                    "rtype": "room"
                  },
                  "id": "s1",
                  "metadata": {
                    "name": "Relax"
                  },
                  "type": "scene"
                }
              },
              {
                "id": "l1",
                "kind": "update",
                "raw": {
                  "dimming": {
                    "brightness": 70.0
                  },
                  "id": "l1",
                  "id_v1": "/lights/1",
                  "on": {
                    "on": true
                  },
                  "owner": {
                    "rid": "d1",
                    "rtype": "device"
                  },
                  "type": "light"
                }
              },
              {
                "id": "g1",
                "kind": "update",
                "raw": {
                  "dimming": {
                    "brightness": 40.0
                  },
                  "id": "g1",
                  "on": {
                    "on": false
                  },
                  "type": "grouped_light"
                }
              }
            ]"#]]
        .assert_eq(&serde_json::to_string_pretty(&shown).unwrap());
        assert_eq!(events[2].change.on, Some(true));
        assert_eq!(events[2].change.brightness, Some(70.0));
    }

    #[test]
    fn a_cache_fed_the_diff_matches_the_new_state() {
        let before = home(false, 50.0, false);
        // The bridge says the room stays off although its light is on (a grouped_light the cache
        // would otherwise derive as on): the bridge's word must win.
        let after = home(true, 70.0, false);
        let mut cache = Cache::new(Resource::list_from_values(before.clone()));
        cache.apply(&diff(&by_id(before), &after, "t"));
        let expected = Cache::new(Resource::list_from_values(after));
        let mut got: Vec<_> = cache.resources().cloned().collect();
        let mut want: Vec<_> = expected.resources().cloned().collect();
        got.sort_by(|a, b| a.id().cmp(b.id()));
        want.sort_by(|a, b| a.id().cmp(b.id()));
        assert_eq!(got, want);
    }

    #[test]
    fn the_interval_respects_the_budget() {
        let config = PollConfig {
            interval: Duration::from_secs(2),
            max_interval: Duration::from_secs(300),
            daily_budget: 50_000,
            poll_share_percent: 50,
            ..PollConfig::default()
        };
        // 25,000 polls a day at most: one every 3.456 s, slower than asked.
        assert_eq!(config.interval_for(0), Duration::from_millis(3456));
        let gentle = PollConfig {
            interval: Duration::from_secs(15),
            ..config.clone()
        };
        assert_eq!(gentle.interval_for(44_999), Duration::from_secs(15));
        // 90 % spent: the slowest pace.
        assert_eq!(gentle.interval_for(45_000), Duration::from_secs(300));
        let no_share = PollConfig {
            poll_share_percent: 0,
            ..gentle
        };
        assert_eq!(no_share.interval_for(0), Duration::from_secs(300));
    }

    #[test]
    fn backoff_grows_to_the_cap() {
        let config = PollConfig {
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(1),
            ..PollConfig::default()
        };
        for (attempt, base_ms) in [(0, 100.0), (2, 400.0), (10, 1000.0)] {
            let ms = config.backoff(attempt).as_secs_f64() * 1000.0;
            assert!(
                (base_ms * 0.8 - 1.0..=base_ms * 1.2 + 1.0).contains(&ms),
                "{attempt}: {ms}"
            );
        }
    }
}
