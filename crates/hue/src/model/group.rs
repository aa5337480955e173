//! `room`, `zone`, `bridge_home` (groups of lights) and `grouped_light` (their joint control).

use serde::{Deserialize, Serialize};

use super::{Dimming, On, ResourceRef, ResourceType};

/// A room, a zone or the bridge home. A room's children are devices; a zone's are lights.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_v1: Option<String>,
    #[serde(default)]
    pub children: Vec<ResourceRef>,
    #[serde(default)]
    pub services: Vec<ResourceRef>,
    #[serde(default)]
    pub metadata: GroupMetadata,
}

impl Group {
    pub fn name(&self) -> &str {
        &self.metadata.name
    }

    /// The `grouped_light` through which the group is switched, if it has lights.
    pub fn grouped_light(&self) -> Option<&str> {
        self.services
            .iter()
            .find(|service| service.rtype == ResourceType::GroupedLight)
            .map(|service| service.rid.as_str())
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GroupMetadata {
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archetype: Option<String>,
}

/// The joint control and aggregated state of a group's lights: `on` is true when any light is
/// on; `dimming` is the average of the lights that are on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupedLight {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_v1: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<ResourceRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on: Option<On>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dimming: Option<Dimming>,
}
