//! What the UI and the tray render: a plain, serializable picture of every bridge's state. No
//! secret is in it. Lists are sorted by name so that menus do not jump around.

use hearth_hue::model::{Group, Light};
use hearth_hue::{Cache, Fingerprint, Xy};
use serde::Serialize;

use super::Entry;
use super::registry::Trust;
use super::target::{Target, TargetKind};
use crate::problem::Problem;

#[derive(Clone, Debug, Default, PartialEq, Serialize, specta::Type)]
pub struct Snapshot {
    pub bridges: Vec<BridgeView>,
    pub rooms: Vec<GroupView>,
    pub zones: Vec<GroupView>,
    pub lights: Vec<LightView>,
    pub scenes: Vec<SceneView>,
}

impl Snapshot {
    pub fn bridge(&self, id: &str) -> Option<&BridgeView> {
        self.bridges.iter().find(|b| b.id == id)
    }

    pub fn light(&self, id: &str) -> Option<&LightView> {
        self.lights.iter().find(|l| l.id == id)
    }

    /// A room or zone by id.
    pub fn group(&self, id: &str) -> Option<&GroupView> {
        self.rooms.iter().chain(&self.zones).find(|g| g.id == id)
    }

    /// Whether a light, room or zone is on (`None` if unknown).
    pub fn is_on(&self, target: &Target) -> Option<bool> {
        match target.kind {
            TargetKind::Light => self.light(&target.id).map(|l| l.on),
            TargetKind::Room | TargetKind::Zone => self.group(&target.id).map(|g| g.on),
        }
    }
}

/// A bridge and the state of Hearth's connection to it.
#[derive(Clone, Debug, PartialEq, Serialize, specta::Type)]
pub struct BridgeView {
    pub id: String,
    pub name: String,
    /// Its address on the LAN; empty for a bridge reached only through the Hue cloud.
    pub address: String,
    pub connection: ConnectionState,
    /// Which way Hearth reaches it now (or tries to): the LAN, or the Hue cloud.
    pub via: Via,
    /// Whether the Hue cloud is a way to it now (remote access linked, to this bridge): what
    /// Hearth falls back to when the LAN does not answer.
    pub remote_available: bool,
    /// The certificate pinned or verified on the LAN; `None` for a bridge reached only through
    /// the Hue cloud (whose own certificate is checked by the usual web rules).
    pub certificate: Option<CertificateView>,
}

/// How a bridge is reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    /// HTTPS to the bridge on the local network, with its event stream.
    Local,
    /// Through the Hue cloud's Remote API, polled.
    Remote,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, specta::Type)]
pub struct CertificateView {
    pub fingerprint: Fingerprint,
    pub trust: Trust,
}

/// Where the connection to a bridge stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ConnectionState {
    /// First connection in progress.
    Connecting,
    /// Connected, state resynced, events flowing.
    Live,
    /// Lost; trying again. `problem` says why it was lost.
    Reconnecting {
        attempt: u32,
        // Milliseconds of backoff: a JavaScript number, not a BigInt, in the UI.
        #[specta(type = u32)]
        retry_in_ms: u64,
        problem: Problem,
        /// The same in English, for the CLI and the logs.
        #[serde(skip)]
        reason: String,
    },
    /// Not trying (no app key, firmware too old) or failing for a while.
    Offline {
        problem: Problem,
        /// The same in English, for the CLI and the logs.
        #[serde(skip)]
        reason: String,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, specta::Type)]
pub struct GroupView {
    pub id: String,
    pub bridge_id: String,
    pub kind: TargetKind,
    pub name: String,
    pub archetype: Option<String>,
    /// On if any of its lights is on.
    pub on: bool,
    /// The average of the lights that are on.
    pub brightness: Option<f64>,
    pub lights: Vec<String>,
}

impl GroupView {
    pub fn target(&self) -> Target {
        Target {
            kind: self.kind,
            id: self.id.clone(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, specta::Type)]
pub struct LightView {
    pub id: String,
    pub bridge_id: String,
    pub name: String,
    pub on: bool,
    pub brightness: Option<f64>,
    pub reachable: bool,
    pub capabilities: Capabilities,
    pub mirek: Option<u16>,
    pub xy: Option<Xy>,
    /// The room it is in, if any.
    pub room: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, specta::Type)]
pub struct Capabilities {
    pub dimming: bool,
    /// The colour temperature range in mirek, for white-ambiance and colour lights.
    pub color_temperature: Option<(u16, u16)>,
    pub color: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, specta::Type)]
pub struct SceneView {
    pub id: String,
    pub bridge_id: String,
    pub name: String,
    /// The room or zone it belongs to.
    pub group: Option<Target>,
    pub group_name: Option<String>,
    pub active: bool,
}

/// One bridge's share of the snapshot.
#[derive(Clone, Debug, Default)]
pub struct BridgePart {
    pub bridge: Option<BridgeView>,
    pub rooms: Vec<GroupView>,
    pub zones: Vec<GroupView>,
    pub lights: Vec<LightView>,
    pub scenes: Vec<SceneView>,
}

pub fn bridge_view(
    entry: &Entry,
    connection: ConnectionState,
    via: Via,
    remote_available: bool,
) -> BridgeView {
    match entry {
        Entry::Paired(known) => BridgeView {
            id: known.id.clone(),
            name: known.name.clone(),
            address: known.address.to_string(),
            connection,
            via,
            remote_available,
            certificate: Some(CertificateView {
                fingerprint: known.fingerprint,
                trust: known.trust,
            }),
        },
        Entry::RemoteOnly(bridge) => BridgeView {
            id: bridge.id.clone(),
            name: bridge.name.clone(),
            address: String::new(),
            connection,
            via: Via::Remote,
            remote_available,
            certificate: None,
        },
    }
}

/// Reads a bridge's cache into views.
pub fn part(bridge: BridgeView, cache: &Cache) -> BridgePart {
    let bridge_id = bridge.id.clone();
    let group = |group: &Group, kind: TargetKind| {
        let state = group.grouped_light().and_then(|id| cache.grouped_light(id));
        GroupView {
            id: group.id.clone(),
            bridge_id: bridge_id.clone(),
            kind,
            name: group.name().to_owned(),
            archetype: group.metadata.archetype.clone(),
            on: state.and_then(|s| s.on).is_some_and(|on| on.on),
            brightness: state.and_then(|s| s.dimming).map(|d| d.brightness),
            lights: cache.light_ids_of(group),
        }
    };
    let mut rooms: Vec<GroupView> = cache.rooms().map(|g| group(g, TargetKind::Room)).collect();
    let mut zones: Vec<GroupView> = cache.zones().map(|g| group(g, TargetKind::Zone)).collect();
    let light = |light: &Light| LightView {
        id: light.id.clone(),
        bridge_id: bridge_id.clone(),
        name: cache
            .owner_device(light)
            .map(|d| d.metadata.name.clone())
            .filter(|name| !name.is_empty())
            .unwrap_or_else(|| light.name().to_owned()),
        on: light.on.on,
        brightness: light.brightness(),
        reachable: cache.reachable(light),
        capabilities: Capabilities {
            dimming: light.dimming.is_some(),
            color_temperature: light
                .color_temperature
                .and_then(|ct| ct.mirek_schema)
                .map(|s| (s.mirek_minimum, s.mirek_maximum)),
            color: light.color.is_some(),
        },
        mirek: light
            .color_temperature
            .filter(|ct| ct.mirek_valid)
            .and_then(|ct| ct.mirek),
        xy: light.color.as_ref().map(|c| c.xy),
        room: rooms
            .iter()
            .find(|room| room.lights.contains(&light.id))
            .map(|room| room.id.clone()),
    };
    let mut lights: Vec<LightView> = cache.lights().map(light).collect();
    let mut scenes: Vec<SceneView> = cache
        .scenes()
        .map(|scene| {
            let group = rooms.iter().chain(&zones).find(|g| g.id == scene.group.rid);
            SceneView {
                id: scene.id.clone(),
                bridge_id: bridge_id.clone(),
                name: scene.metadata.name.clone(),
                group: group.map(GroupView::target),
                group_name: group.map(|g| g.name.clone()),
                active: scene
                    .status
                    .as_ref()
                    .is_some_and(|s| s.active != "inactive"),
            }
        })
        .collect();
    rooms.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    zones.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    lights.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    scenes.sort_by(|a, b| (&a.group_name, &a.name, &a.id).cmp(&(&b.group_name, &b.name, &b.id)));
    BridgePart {
        bridge: Some(bridge),
        rooms,
        zones,
        lights,
        scenes,
    }
}

/// All bridges' parts, in bridge order.
pub fn assemble<'a>(parts: impl Iterator<Item = &'a BridgePart>) -> Snapshot {
    let mut snapshot = Snapshot::default();
    for part in parts {
        snapshot.bridges.extend(part.bridge.clone());
        snapshot.rooms.extend(part.rooms.iter().cloned());
        snapshot.zones.extend(part.zones.iter().cloned());
        snapshot.lights.extend(part.lights.iter().cloned());
        snapshot.scenes.extend(part.scenes.iter().cloned());
    }
    snapshot
}
