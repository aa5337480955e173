//! The CLIP v2 client: resources, and the commands Hearth sends, over any [`Transport`].

use std::sync::Arc;
use std::time::Duration;

use rand::Rng as _;
use reqwest::Method;
use serde::Deserialize;
use serde_json::Value;

use crate::color::{Gamut, rgb_to_xy};
use crate::model::{
    BridgeConfig, Group, GroupedLight, Light, LightUpdate, Resource, ResourceType, Scene,
    SceneRecall,
};
use crate::transport::{HttpRequest, HttpResponse, Transport};
use crate::{Error, Xy};

/// How a busy bridge (429, 503) is retried.
#[derive(Clone, Debug)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub attempts: u32,
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            attempts: 5,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(4),
        }
    }
}

impl RetryPolicy {
    /// The wait before attempt `attempt + 1` (0-based), doubling up to the cap; the bridge's own
    /// `Retry-After` wins when it is longer.
    pub fn backoff(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        let wait = doubling(self.initial_backoff, self.max_backoff, attempt);
        retry_after.map_or(wait, |after| after.max(wait))
    }
}

/// `initial` doubled `attempt` times, at most `max`.
fn doubling(initial: Duration, max: Duration, attempt: u32) -> Duration {
    initial
        .saturating_mul(1u32.checked_shl(attempt).unwrap_or(u32::MAX))
        .min(max)
}

/// [`doubling`] with ±20 % jitter, so that several clients of one bridge do not come back in
/// step (the event stream's and polling's reconnections).
pub(crate) fn jittered_backoff(initial: Duration, max: Duration, attempt: u32) -> Duration {
    doubling(initial, max, attempt).mul_f64(rand::rng().random_range(0.8..=1.2))
}

/// What a command addresses: a light, or a room or zone through its `grouped_light`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    Light(String),
    Room(String),
    Zone(String),
    GroupedLight(String),
}

/// The CLIP v2 client. Cheap to clone; all clones share the transport.
#[derive(Clone, Debug)]
pub struct Client {
    transport: Arc<dyn Transport>,
    retry: RetryPolicy,
}

#[derive(Deserialize)]
struct Envelope {
    #[serde(default)]
    data: Vec<Value>,
    #[serde(default)]
    errors: Vec<ErrorEntry>,
}

#[derive(Deserialize)]
struct ErrorEntry {
    #[serde(default)]
    description: String,
}

impl Client {
    pub fn new(transport: Arc<dyn Transport>) -> Self {
        Self {
            transport,
            retry: RetryPolicy::default(),
        }
    }

    #[must_use]
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    pub fn transport(&self) -> &Arc<dyn Transport> {
        &self.transport
    }

    /// Sends a request, retrying while the bridge says it is busy (429, 503).
    pub async fn send(&self, request: HttpRequest) -> Result<HttpResponse, Error> {
        let attempts = self.retry.attempts.max(1);
        let mut attempt = 0;
        loop {
            let response = self.transport.send(request.clone()).await?;
            if !matches!(response.status, 429 | 503) {
                return Ok(response);
            }
            attempt += 1;
            if attempt >= attempts {
                return Err(Error::Busy {
                    status: response.status,
                    attempts,
                });
            }
            let wait = self.retry.backoff(attempt - 1, response.retry_after);
            tracing::debug!(
                "bridge busy (HTTP {}), retrying in {wait:?}",
                response.status
            );
            tokio::time::sleep(wait).await;
        }
    }

    /// Sends a CLIP v2 request and returns its `data`, mapping HTTP and API errors.
    async fn call(
        &self,
        request: HttpRequest,
        what: &ResourceTarget<'_>,
    ) -> Result<Vec<Value>, Error> {
        let response = self.send(request).await?;
        let envelope: Option<Envelope> = serde_json::from_slice(&response.body).ok();
        let message = envelope
            .as_ref()
            .map(|e| {
                e.errors
                    .iter()
                    .map(|err| err.description.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .filter(|m| !m.is_empty());
        match response.status {
            200 | 207 => {}
            401 | 403 => return Err(Error::Unauthorized),
            404 => {
                return Err(Error::NotFound {
                    rtype: what.rtype.to_string(),
                    id: what.id.unwrap_or("").to_owned(),
                });
            }
            400 | 405..=409 | 422 => {
                return Err(Error::Rejected {
                    status: response.status,
                    message: message.unwrap_or_else(|| "no reason given".to_owned()),
                });
            }
            status => {
                return Err(Error::Http {
                    status,
                    message: message.unwrap_or_else(|| "no reason given".to_owned()),
                });
            }
        }
        let envelope = envelope.ok_or_else(|| {
            Error::malformed(
                format!("{} {}", what.rtype, what.id.unwrap_or("list")),
                String::from_utf8_lossy(&response.body)
                    .chars()
                    .take(120)
                    .collect::<String>(),
            )
        })?;
        if let Some(message) = message {
            return Err(Error::Rejected {
                status: response.status,
                message,
            });
        }
        Ok(envelope.data)
    }

    /// Every resource the bridge has (one request: what a resync needs).
    pub async fn resources(&self) -> Result<Vec<Resource>, Error> {
        Ok(Resource::list_from_values(self.resources_raw().await?))
    }

    /// Every resource, as the bridge sent them (polling compares them field by field).
    pub async fn resources_raw(&self) -> Result<Vec<Value>, Error> {
        let target = ResourceTarget {
            rtype: &ResourceType::Other("resource".to_owned()),
            id: None,
        };
        self.call(HttpRequest::get("/clip/v2/resource"), &target)
            .await
    }

    /// Every resource of one type.
    pub async fn list(&self, rtype: &ResourceType) -> Result<Vec<Resource>, Error> {
        let target = ResourceTarget { rtype, id: None };
        let path = format!("/clip/v2/resource/{rtype}");
        let data = self.call(HttpRequest::get(path), &target).await?;
        Ok(Resource::list_from_values(data))
    }

    /// One resource.
    pub async fn get(&self, rtype: &ResourceType, id: &str) -> Result<Resource, Error> {
        let target = ResourceTarget {
            rtype,
            id: Some(id),
        };
        let path = format!("/clip/v2/resource/{rtype}/{}", encode(id));
        let data = self.call(HttpRequest::get(path), &target).await?;
        data.into_iter()
            .find_map(Resource::from_value)
            .ok_or_else(|| Error::NotFound {
                rtype: rtype.to_string(),
                id: id.to_owned(),
            })
    }

    pub async fn lights(&self) -> Result<Vec<Light>, Error> {
        Ok(self
            .list(&ResourceType::Light)
            .await?
            .into_iter()
            .filter_map(|r| match r {
                Resource::Light(light) => Some(light),
                _ => None,
            })
            .collect())
    }

    pub async fn rooms(&self) -> Result<Vec<Group>, Error> {
        self.groups(ResourceType::Room).await
    }

    pub async fn zones(&self) -> Result<Vec<Group>, Error> {
        self.groups(ResourceType::Zone).await
    }

    async fn groups(&self, rtype: ResourceType) -> Result<Vec<Group>, Error> {
        Ok(self
            .list(&rtype)
            .await?
            .into_iter()
            .filter_map(|r| match r {
                Resource::Room(group) | Resource::Zone(group) => Some(group),
                _ => None,
            })
            .collect())
    }

    pub async fn scenes(&self) -> Result<Vec<Scene>, Error> {
        Ok(self
            .list(&ResourceType::Scene)
            .await?
            .into_iter()
            .filter_map(|r| match r {
                Resource::Scene(scene) => Some(scene),
                _ => None,
            })
            .collect())
    }

    /// `PUT` to a resource; `rtype` is `light`, `grouped_light` or `scene`.
    pub async fn put(
        &self,
        rtype: &ResourceType,
        id: &str,
        body: &impl serde::Serialize,
    ) -> Result<(), Error> {
        let target = ResourceTarget {
            rtype,
            id: Some(id),
        };
        let path = format!("/clip/v2/resource/{rtype}/{}", encode(id));
        self.call(HttpRequest::with_json(Method::PUT, path, body), &target)
            .await
            .map(drop)
    }

    pub async fn update_light(&self, id: &str, update: &LightUpdate) -> Result<(), Error> {
        self.put(&ResourceType::Light, id, update).await
    }

    pub async fn update_grouped_light(&self, id: &str, update: &LightUpdate) -> Result<(), Error> {
        self.put(&ResourceType::GroupedLight, id, update).await
    }

    pub async fn recall_scene(&self, id: &str) -> Result<(), Error> {
        self.put(&ResourceType::Scene, id, &SceneRecall::active())
            .await
    }

    /// The `grouped_light` that switches a room or zone.
    async fn grouped_light_of(&self, rtype: &ResourceType, id: &str) -> Result<String, Error> {
        match self.get(rtype, id).await? {
            Resource::Room(group) | Resource::Zone(group) => group
                .grouped_light()
                .map(str::to_owned)
                .ok_or_else(|| Error::NotFound {
                    rtype: "grouped_light".to_owned(),
                    id: format!("of {rtype} {id}"),
                }),
            _ => Err(Error::NotFound {
                rtype: rtype.to_string(),
                id: id.to_owned(),
            }),
        }
    }

    /// Where a command to `target` goes: `(light, id)` or `(grouped_light, id)`.
    pub async fn resolve(&self, target: &Target) -> Result<(ResourceType, String), Error> {
        Ok(match target {
            Target::Light(id) => (ResourceType::Light, id.clone()),
            Target::GroupedLight(id) => (ResourceType::GroupedLight, id.clone()),
            Target::Room(id) => (
                ResourceType::GroupedLight,
                self.grouped_light_of(&ResourceType::Room, id).await?,
            ),
            Target::Zone(id) => (
                ResourceType::GroupedLight,
                self.grouped_light_of(&ResourceType::Zone, id).await?,
            ),
        })
    }

    /// Applies `update` to a light, a room or a zone.
    pub async fn update(&self, target: &Target, update: &LightUpdate) -> Result<(), Error> {
        let (rtype, id) = self.resolve(target).await?;
        self.put(&rtype, &id, update).await
    }

    pub async fn set_on(&self, target: &Target, on: bool) -> Result<(), Error> {
        self.update(target, &LightUpdate::on(on)).await
    }

    /// Reads the current state and sends its opposite. Returns the new state.
    pub async fn toggle(&self, target: &Target) -> Result<bool, Error> {
        let (rtype, id) = self.resolve(target).await?;
        let on = match self.get(&rtype, &id).await? {
            Resource::Light(Light { on, .. }) => on.on,
            Resource::GroupedLight(GroupedLight { on, .. }) => on.is_some_and(|on| on.on),
            _ => false,
        };
        self.put(&rtype, &id, &LightUpdate::on(!on)).await?;
        Ok(!on)
    }

    pub async fn set_brightness(&self, target: &Target, percent: f64) -> Result<(), Error> {
        self.update(target, &LightUpdate::brightness(percent)).await
    }

    pub async fn set_mirek(&self, target: &Target, mirek: u16) -> Result<(), Error> {
        self.update(target, &LightUpdate::mirek(mirek)).await
    }

    pub async fn set_xy(&self, target: &Target, xy: Xy) -> Result<(), Error> {
        self.update(target, &LightUpdate::xy(xy)).await
    }

    /// An sRGB colour, within the light's gamut (gamut C for a group: each light clamps further
    /// to its own).
    pub async fn set_rgb(&self, target: &Target, rgb: (u8, u8, u8)) -> Result<Xy, Error> {
        let gamut = match target {
            Target::Light(id) => match self.get(&ResourceType::Light, id).await? {
                Resource::Light(light) => light.gamut().unwrap_or(Gamut::C),
                _ => Gamut::C,
            },
            _ => Gamut::C,
        };
        let xy = rgb_to_xy(rgb.0, rgb.1, rgb.2, &gamut);
        self.set_xy(target, xy).await?;
        Ok(xy)
    }

    /// `GET /api/config` without the app key: who the bridge says it is.
    pub async fn config(&self) -> Result<BridgeConfig, Error> {
        let response = self
            .send(HttpRequest::get("/api/config").anonymous())
            .await?;
        if response.status != 200 {
            return Err(Error::Http {
                status: response.status,
                message: "GET /api/config failed".to_owned(),
            });
        }
        serde_json::from_slice(&response.body).map_err(|err| Error::malformed("/api/config", err))
    }
}

struct ResourceTarget<'a> {
    rtype: &'a ResourceType,
    id: Option<&'a str>,
}

/// Resource ids are UUIDs; anything else is percent-encoded rather than trusted into a path.
fn encode(id: &str) -> String {
    id.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{RetryPolicy, encode, jittered_backoff};

    #[test]
    fn backoff_doubles_up_to_the_cap_and_respects_retry_after() {
        let policy = RetryPolicy {
            attempts: 5,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(500),
        };
        let waits: Vec<u128> = (0..5)
            .map(|n| policy.backoff(n, None).as_millis())
            .collect();
        assert_eq!(waits, [100, 200, 400, 500, 500]);
        assert_eq!(
            policy.backoff(0, Some(Duration::from_secs(2))),
            Duration::from_secs(2)
        );
        assert_eq!(policy.backoff(40, None), Duration::from_millis(500));
    }

    #[test]
    fn jittered_backoff_grows_to_the_cap_within_20_percent() {
        let (initial, max) = (Duration::from_millis(100), Duration::from_secs(2));
        for (attempt, base_ms) in [
            (0, 100.0),
            (1, 200.0),
            (3, 800.0),
            (5, 2000.0),
            (60, 2000.0),
        ] {
            let ms = jittered_backoff(initial, max, attempt).as_secs_f64() * 1000.0;
            assert!(
                (base_ms * 0.8 - 1.0..=base_ms * 1.2 + 1.0).contains(&ms),
                "{attempt}: {ms}"
            );
        }
    }

    #[test]
    fn ids_cannot_escape_the_path() {
        assert_eq!(encode("3883f8bf-30a3-445b"), "3883f8bf-30a3-445b");
        assert_eq!(encode("../config"), "%2E%2E%2Fconfig");
    }
}
