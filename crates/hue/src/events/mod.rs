//! The bridge's event stream: what changed, as typed events.
//!
//! Each SSE message's data is a JSON array of containers
//! `{creationtime, id, type: "add"|"update"|"delete"|"error", data: [partial resources]}`; every
//! partial resource becomes one [`Event`], keeping its raw JSON so that the state cache can merge
//! it. [`stream`] keeps the stream alive (watchdog, reconnect, resync).

pub mod sse;
pub mod stream;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Error;
use crate::color::Xy;
use crate::model::{ResourceRef, ResourceType};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventKind {
    Add,
    Update,
    Delete,
    Error,
}

/// One change to one resource.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Event {
    pub kind: EventKind,
    pub rtype: ResourceType,
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<ResourceRef>,
    /// When the bridge made the change (RFC 3339).
    pub creationtime: String,
    /// The fields Hearth reads, when the change carries them.
    pub change: Change,
    /// The partial resource as the bridge sent it.
    #[serde(skip)]
    pub raw: Value,
}

/// The fields of a change Hearth shows. Absent means "not part of this change".
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Change {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub brightness: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mirek: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub xy: Option<Xy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A `zigbee_connectivity` status (`connected`, `connectivity_issue`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

impl Change {
    pub(crate) fn of(raw: &Value) -> Self {
        Self {
            on: raw.pointer("/on/on").and_then(Value::as_bool),
            brightness: raw.pointer("/dimming/brightness").and_then(Value::as_f64),
            mirek: raw
                .pointer("/color_temperature/mirek")
                .and_then(Value::as_u64)
                .and_then(|m| u16::try_from(m).ok()),
            xy: raw
                .pointer("/color/xy")
                .and_then(|xy| serde_json::from_value(xy.clone()).ok()),
            name: raw
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .map(str::to_owned),
            status: match raw.get("status") {
                Some(Value::String(status)) => Some(status.clone()),
                Some(status) => status
                    .get("active")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                None => None,
            },
        }
    }
}

#[derive(Deserialize)]
struct Container {
    #[serde(default)]
    creationtime: String,
    #[serde(rename = "type")]
    kind: EventKind,
    #[serde(default)]
    data: Vec<Value>,
}

impl Event {
    /// An event for a partial resource (`id` and `type` required), as if the bridge had sent it.
    pub(crate) fn from_raw(kind: EventKind, creationtime: &str, raw: Value) -> Option<Self> {
        let id = raw.get("id")?.as_str()?.to_owned();
        let rtype = ResourceType::parse(raw.get("type")?.as_str()?);
        Some(Self {
            kind,
            rtype,
            id,
            owner: raw
                .get("owner")
                .and_then(|owner| serde_json::from_value(owner.clone()).ok()),
            creationtime: creationtime.to_owned(),
            change: Change::of(&raw),
            raw,
        })
    }
}

/// Reads the data of one SSE message. Containers of an unknown kind and entries without an id
/// or type are skipped; a message that is not JSON is an error (the caller logs it and goes on).
pub fn parse(data: &str) -> Result<Vec<Event>, Error> {
    let containers: Vec<Value> =
        serde_json::from_str(data).map_err(|err| Error::malformed("event stream", err))?;
    let mut events = Vec::new();
    for container in containers {
        let Ok(container) = serde_json::from_value::<Container>(container) else {
            tracing::debug!("skipped an event container of an unknown kind");
            continue;
        };
        events.extend(
            container
                .data
                .into_iter()
                .filter_map(|raw| Event::from_raw(container.kind, &container.creationtime, raw)),
        );
    }
    Ok(events)
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::parse;

    #[test]
    fn typed_events_from_a_message() {
        let data = r#"[
          {"creationtime":"2024-01-01T10:00:00Z","id":"e1","type":"update","data":[
            {"id":"l1","id_v1":"/lights/1","type":"light","owner":{"rid":"d1","rtype":"device"},
             "on":{"on":false},"dimming":{"brightness":42.5},"novel":{"x":1}},
            {"id":"z1","type":"zigbee_connectivity","status":"connectivity_issue"},
            {"type":"light"}
          ]},
          {"creationtime":"2024-01-01T10:00:01Z","id":"e2","type":"teleport","data":[{"id":"x","type":"light"}]},
          {"creationtime":"2024-01-01T10:00:02Z","id":"e3","type":"delete","data":[{"id":"s1","type":"scene"}]}
        ]"#;
        let events = parse(data).unwrap();
        expect![[r#"
            [
              {
                "kind": "update",
                "rtype": "light",
                "id": "l1",
                "owner": {
                  "rid": "d1",
                  "rtype": "device"
                },
                "creationtime": "2024-01-01T10:00:00Z",
                "change": {
                  "on": false,
                  "brightness": 42.5
                }
              },
              {
                "kind": "update",
                "rtype": "zigbee_connectivity",
                "id": "z1",
                "creationtime": "2024-01-01T10:00:00Z",
                "change": {
                  "status": "connectivity_issue"
                }
              },
              {
                "kind": "delete",
                "rtype": "scene",
                "id": "s1",
                "creationtime": "2024-01-01T10:00:02Z",
                "change": {}
              }
            ]"#]]
        .assert_eq(&serde_json::to_string_pretty(&events).unwrap());
        assert_eq!(events[0].raw["novel"]["x"], 1);
        assert!(parse("[not json").is_err());
    }
}
