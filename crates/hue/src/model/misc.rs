//! `scene`, `device`, `bridge`, `zigbee_connectivity`, and the unauthenticated `/api/config`.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::ResourceRef;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scene {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_v1: Option<String>,
    #[serde(default)]
    pub metadata: SceneMetadata,
    /// The room or zone the scene belongs to.
    pub group: ResourceRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<SceneStatus>,
    #[serde(default)]
    pub actions: Vec<Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SceneMetadata {
    #[serde(default)]
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SceneStatus {
    /// `inactive`, `static` or `dynamic_palette`.
    pub active: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Device {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_v1: Option<String>,
    #[serde(default)]
    pub metadata: DeviceMetadata,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_data: Option<ProductData>,
    #[serde(default)]
    pub services: Vec<ResourceRef>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DeviceMetadata {
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archetype: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ProductData {
    #[serde(default)]
    pub model_id: String,
    #[serde(default)]
    pub manufacturer_name: String,
    #[serde(default)]
    pub product_name: String,
    #[serde(default)]
    pub software_version: String,
}

/// The bridge itself as a resource.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BridgeResource {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<ResourceRef>,
    pub bridge_id: String,
}

/// Whether a device answers on Zigbee: `connected`, `connectivity_issue`, `disconnected`, ….
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZigbeeConnectivity {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<ResourceRef>,
    pub status: String,
}

/// `GET /api/config` without an app key: enough to confirm that an address is a Hue bridge.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BridgeConfig {
    #[serde(default)]
    pub name: String,
    /// Lower case here, whatever the bridge sends (it sends upper case; certificates lower).
    #[serde(rename = "bridgeid", deserialize_with = "lower_case")]
    pub bridge_id: String,
    #[serde(rename = "modelid", default)]
    pub model_id: String,
    #[serde(rename = "apiversion", default)]
    pub api_version: String,
    #[serde(rename = "swversion", default)]
    pub software_version: String,
}

impl BridgeConfig {
    /// Whether the bridge speaks CLIP v2 (API 1.46 and later, firmware 1948086000).
    pub fn supports_v2(&self) -> bool {
        let mut parts = self
            .api_version
            .split('.')
            .map(|p| p.parse::<u32>().unwrap_or(0));
        let major = parts.next().unwrap_or(0);
        let minor = parts.next().unwrap_or(0);
        (major, minor) >= (1, 46)
    }
}

fn lower_case<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Ok(String::deserialize(deserializer)?.to_ascii_lowercase())
}
