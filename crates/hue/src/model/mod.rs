//! The CLIP v2 resources Hearth uses, typed, and a tolerant way to read a list of them.
//!
//! The bridge adds resource types and fields with every firmware. Unknown fields are ignored by
//! serde; an unknown type, or a known type whose shape surprises us, becomes
//! [`Resource::Other`] (keeping the raw JSON) so that one odd entry never fails a whole list.

mod group;
mod light;
mod misc;
mod update;

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use group::{Group, GroupMetadata, GroupedLight};
pub use light::{ColorTemperature, Dimming, Light, LightColor, LightMetadata, MirekSchema, On};
pub use misc::{
    BridgeConfig, BridgeResource, Device, DeviceMetadata, ProductData, Scene, SceneMetadata,
    SceneStatus, ZigbeeConnectivity,
};
pub use update::{
    ColorUpdate, DimmingUpdate, DynamicsUpdate, LightUpdate, MirekUpdate, SceneRecall,
};

/// A resource type, as the bridge spells it (`light`, `grouped_light`, …).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ResourceType {
    Light,
    Room,
    Zone,
    GroupedLight,
    Scene,
    Device,
    Bridge,
    BridgeHome,
    ZigbeeConnectivity,
    Other(String),
}

impl ResourceType {
    pub fn as_str(&self) -> &str {
        match self {
            Self::Light => "light",
            Self::Room => "room",
            Self::Zone => "zone",
            Self::GroupedLight => "grouped_light",
            Self::Scene => "scene",
            Self::Device => "device",
            Self::Bridge => "bridge",
            Self::BridgeHome => "bridge_home",
            Self::ZigbeeConnectivity => "zigbee_connectivity",
            Self::Other(name) => name,
        }
    }

    pub fn parse(name: &str) -> Self {
        match name {
            "light" => Self::Light,
            "room" => Self::Room,
            "zone" => Self::Zone,
            "grouped_light" => Self::GroupedLight,
            "scene" => Self::Scene,
            "device" => Self::Device,
            "bridge" => Self::Bridge,
            "bridge_home" => Self::BridgeHome,
            "zigbee_connectivity" => Self::ZigbeeConnectivity,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for ResourceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for ResourceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ResourceType {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ResourceType {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Self::parse(&String::deserialize(deserializer)?))
    }
}

/// A reference from one resource to another (`owner`, `children`, `services`, a scene's `group`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ResourceRef {
    pub rid: String,
    pub rtype: ResourceType,
}

impl ResourceRef {
    pub fn new(rtype: ResourceType, rid: impl Into<String>) -> Self {
        Self {
            rid: rid.into(),
            rtype,
        }
    }
}

/// One resource from the bridge.
#[derive(Clone, Debug, PartialEq)]
pub enum Resource {
    Light(Light),
    Room(Group),
    Zone(Group),
    BridgeHome(Group),
    GroupedLight(GroupedLight),
    Scene(Scene),
    Device(Device),
    Bridge(BridgeResource),
    ZigbeeConnectivity(ZigbeeConnectivity),
    Other(OtherResource),
}

/// A resource Hearth does not model (or could not read), kept as the bridge sent it.
#[derive(Clone, Debug, PartialEq)]
pub struct OtherResource {
    pub id: String,
    pub rtype: ResourceType,
    pub raw: Value,
    /// Why a resource of a known type could not be read; `None` for unknown types.
    pub problem: Option<String>,
}

impl Resource {
    /// Reads one resource. `None` only when it has no `id` and `type`, which nothing can use.
    pub fn from_value(raw: Value) -> Option<Self> {
        let id = raw.get("id")?.as_str()?.to_owned();
        let rtype = ResourceType::parse(raw.get("type")?.as_str()?);
        let parsed = match rtype {
            ResourceType::Light => typed(&raw, Self::Light),
            ResourceType::Room => typed(&raw, Self::Room),
            ResourceType::Zone => typed(&raw, Self::Zone),
            ResourceType::BridgeHome => typed(&raw, Self::BridgeHome),
            ResourceType::GroupedLight => typed(&raw, Self::GroupedLight),
            ResourceType::Scene => typed(&raw, Self::Scene),
            ResourceType::Device => typed(&raw, Self::Device),
            ResourceType::Bridge => typed(&raw, Self::Bridge),
            ResourceType::ZigbeeConnectivity => typed(&raw, Self::ZigbeeConnectivity),
            ResourceType::Other(_) => {
                return Some(Self::Other(OtherResource {
                    id,
                    rtype,
                    raw,
                    problem: None,
                }));
            }
        };
        Some(parsed.unwrap_or_else(|err| {
            tracing::debug!("could not read {rtype} {id}: {err}");
            Self::Other(OtherResource {
                id,
                rtype,
                raw,
                problem: Some(err.to_string()),
            })
        }))
    }

    /// Reads a list, skipping (and logging) only entries without an id and a type.
    pub fn list_from_values(values: Vec<Value>) -> Vec<Self> {
        values
            .into_iter()
            .filter_map(|value| {
                let resource = Self::from_value(value);
                if resource.is_none() {
                    tracing::warn!("skipped a resource without id or type");
                }
                resource
            })
            .collect()
    }

    pub fn id(&self) -> &str {
        match self {
            Self::Light(r) => &r.id,
            Self::Room(r) | Self::Zone(r) | Self::BridgeHome(r) => &r.id,
            Self::GroupedLight(r) => &r.id,
            Self::Scene(r) => &r.id,
            Self::Device(r) => &r.id,
            Self::Bridge(r) => &r.id,
            Self::ZigbeeConnectivity(r) => &r.id,
            Self::Other(r) => &r.id,
        }
    }

    pub fn rtype(&self) -> ResourceType {
        match self {
            Self::Light(_) => ResourceType::Light,
            Self::Room(_) => ResourceType::Room,
            Self::Zone(_) => ResourceType::Zone,
            Self::BridgeHome(_) => ResourceType::BridgeHome,
            Self::GroupedLight(_) => ResourceType::GroupedLight,
            Self::Scene(_) => ResourceType::Scene,
            Self::Device(_) => ResourceType::Device,
            Self::Bridge(_) => ResourceType::Bridge,
            Self::ZigbeeConnectivity(_) => ResourceType::ZigbeeConnectivity,
            Self::Other(r) => r.rtype.clone(),
        }
    }
}

fn typed<T: serde::de::DeserializeOwned>(
    raw: &Value,
    wrap: fn(T) -> Resource,
) -> Result<Resource, serde_json::Error> {
    T::deserialize(raw).map(wrap)
}

#[cfg(test)]
mod tests {
    use expect_test::expect;
    use serde_json::json;

    use super::{Resource, ResourceType};

    #[test]
    fn a_list_survives_unknown_types_and_odd_entries() {
        let list = Resource::list_from_values(vec![
            json!({"id": "1", "type": "light", "on": {"on": true}, "metadata": {"name": "Desk"},
                   "brand_new_field": {"x": 1}}),
            json!({"id": "2", "type": "teleporter", "warp": 9}),
            json!({"id": "3", "type": "light", "on": "yes"}),
            json!({"type": "light"}),
        ]);
        let summary: Vec<String> = list
            .iter()
            .map(|r| match r {
                Resource::Light(l) => {
                    format!("light {} {:?} on={}", l.id, l.metadata.name, l.on.on)
                }
                Resource::Other(o) => format!(
                    "other {} {} problem={}",
                    o.rtype,
                    o.id,
                    o.problem.as_deref().unwrap_or("none")
                ),
                other => format!("{:?}", other.rtype()),
            })
            .collect();
        expect![[r#"
            [
                "light 1 \"Desk\" on=true",
                "other teleporter 2 problem=none",
                "other light 3 problem=invalid type: string \"yes\", expected struct On",
            ]
        "#]]
        .assert_debug_eq(&summary);
    }

    #[test]
    fn types_round_trip_their_names() {
        for name in [
            "light",
            "room",
            "zone",
            "grouped_light",
            "scene",
            "device",
            "bridge",
            "bridge_home",
            "zigbee_connectivity",
            "x",
        ] {
            assert_eq!(ResourceType::parse(name).as_str(), name);
        }
    }
}
