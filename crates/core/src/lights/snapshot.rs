//! What the UI and the tray render: a plain, serializable picture of every bridge's state. No
//! secret is in it. Lists are sorted by name so that menus do not jump around.

use hearth_hue::color::{mirek_to_xy, xy_to_hex};
use hearth_hue::model::{Group, Light};
use hearth_hue::{Cache, Fingerprint, Gamut, Xy};
use serde::Serialize;

use super::Entry;
use super::registry::Trust;
use super::target::{Target, TargetKind};
use crate::favourites::{Favourite, FavouriteKind};
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
    /// What any of its lights can do (the bridge sends each light the nearest it can show).
    pub capabilities: Capabilities,
    /// The user starred it ([`crate::favourites`]).
    pub favourite: bool,
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
    /// What it shows, as an sRGB `#rrggbb` at full brightness (its colour, else its white), for
    /// the UI to paint without colour maths of its own; `None` for a light with neither.
    pub rgb: Option<String>,
    /// The room it is in, if any.
    pub room: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, specta::Type)]
pub struct Capabilities {
    pub dimming: bool,
    /// The colour temperature range in mirek (cold, warm), for white-ambiance and colour lights.
    pub color_temperature: Option<(u16, u16)>,
    pub color: bool,
    /// The colours it can show, for a colour light (for a room or zone, the widest of its
    /// lights'): what a colour picker offers.
    pub gamut: Option<Gamut>,
}

impl Capabilities {
    fn of_light(light: &Light) -> Self {
        Self {
            dimming: light.dimming.is_some(),
            color_temperature: light
                .color_temperature
                .and_then(|ct| ct.mirek_schema)
                .map(|s| (s.mirek_minimum, s.mirek_maximum)),
            color: light.color.is_some(),
            gamut: light.gamut(),
        }
    }

    /// A room's or zone's: whatever any of its lights can do, the temperature range spanning
    /// theirs, the gamut the widest of theirs (by area).
    fn of_group<'a>(lights: impl Iterator<Item = &'a Self>) -> Self {
        let mut all = Self::default();
        for light in lights {
            all.dimming |= light.dimming;
            all.color |= light.color;
            all.color_temperature = match (all.color_temperature, light.color_temperature) {
                (Some((cold, warm)), Some((c, w))) => Some((cold.min(c), warm.max(w))),
                (range, None) | (None, range) => range,
            };
            all.gamut = match (all.gamut, light.gamut) {
                (Some(a), Some(b)) => Some(if area(&b) > area(&a) { b } else { a }),
                (gamut, None) | (None, gamut) => gamut,
            };
        }
        all
    }
}

fn area(gamut: &Gamut) -> f64 {
    let (r, g, b) = (gamut.red, gamut.green, gamut.blue);
    ((g.x - r.x) * (b.y - r.y) - (b.x - r.x) * (g.y - r.y)).abs() / 2.0
}

/// What a light shows, for the screen: its white when the bridge says the temperature is valid
/// (a colour light in white mode), else its colour.
fn shown(light: &Light) -> Option<String> {
    let white = light
        .color_temperature
        .filter(|ct| ct.mirek_valid)
        .and_then(|ct| ct.mirek)
        .map(mirek_to_xy);
    white
        .or_else(|| light.color.as_ref().map(|c| c.xy))
        .map(xy_to_hex)
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
    /// The user starred it ([`crate::favourites`]).
    pub favourite: bool,
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
            capabilities: Capabilities::default(),
            favourite: false,
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
        capabilities: Capabilities::of_light(light),
        mirek: light
            .color_temperature
            .filter(|ct| ct.mirek_valid)
            .and_then(|ct| ct.mirek),
        xy: light.color.as_ref().map(|c| c.xy),
        rgb: shown(light),
        room: rooms
            .iter()
            .find(|room| room.lights.contains(&light.id))
            .map(|room| room.id.clone()),
    };
    let mut lights: Vec<LightView> = cache.lights().map(light).collect();
    for group in rooms.iter_mut().chain(zones.iter_mut()) {
        group.capabilities = Capabilities::of_group(
            lights
                .iter()
                .filter(|l| group.lights.contains(&l.id))
                .map(|l| &l.capabilities),
        );
    }
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
                favourite: false,
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

/// All bridges' parts, in bridge order, with the favourites among them marked.
pub fn assemble<'a>(
    parts: impl Iterator<Item = &'a BridgePart>,
    favourites: &[Favourite],
) -> Snapshot {
    let mut snapshot = Snapshot::default();
    for part in parts {
        snapshot.bridges.extend(part.bridge.clone());
        snapshot.rooms.extend(part.rooms.iter().cloned());
        snapshot.zones.extend(part.zones.iter().cloned());
        snapshot.lights.extend(part.lights.iter().cloned());
        snapshot.scenes.extend(part.scenes.iter().cloned());
    }
    let starred = |bridge_id: &str, kind, id: &str| {
        favourites
            .iter()
            .any(|f| f.kind == kind && f.id == id && f.bridge_id == bridge_id)
    };
    for group in snapshot.rooms.iter_mut().chain(&mut snapshot.zones) {
        let kind = match group.kind {
            TargetKind::Zone => FavouriteKind::Zone,
            TargetKind::Room | TargetKind::Light => FavouriteKind::Room,
        };
        group.favourite = starred(&group.bridge_id, kind, &group.id);
    }
    for scene in &mut snapshot.scenes {
        scene.favourite = starred(&scene.bridge_id, FavouriteKind::Scene, &scene.id);
    }
    snapshot
}

#[cfg(test)]
mod tests {
    use hearth_hue::model::Resource;
    use hearth_hue::{Cache, Gamut};
    use serde_json::json;

    use super::{BridgeView, ConnectionState, Via, part};

    /// A room with a colour light of gamut B in colour mode, a white-ambiance light at a valid
    /// temperature and a dimmable-only light; a zone with the white one only.
    fn cache() -> Cache {
        let light = |id: &str, extra: serde_json::Value| {
            let mut light = json!({"id": id, "type": "light", "metadata": {"name": id},
                "on": {"on": true}, "dimming": {"brightness": 50.0}});
            if let (Some(light), Some(extra)) = (light.as_object_mut(), extra.as_object()) {
                light.extend(extra.clone());
            }
            light
        };
        let group = |id: &str, rtype: &str, lights: &[&str]| {
            json!({"id": id, "type": rtype, "metadata": {"name": id},
                "children": lights.iter().map(|l| json!({"rid": l, "rtype": "light"})).collect::<Vec<_>>(),
                "services": []})
        };
        let resources = [
            light(
                "colour",
                json!({
                    "color_temperature": {"mirek": null, "mirek_valid": false,
                        "mirek_schema": {"mirek_minimum": 153, "mirek_maximum": 454}},
                    "color": {"xy": {"x": 0.675, "y": 0.322}, "gamut_type": "B"},
                }),
            ),
            light(
                "white",
                json!({"color_temperature": {"mirek": 500, "mirek_valid": true,
                    "mirek_schema": {"mirek_minimum": 200, "mirek_maximum": 500}}}),
            ),
            light("plain", json!({})),
            group("room", "room", &["colour", "white", "plain"]),
            group("zone", "zone", &["white"]),
            group("empty", "zone", &[]),
        ];
        Cache::new(
            resources
                .into_iter()
                .map(|r| Resource::from_value(r).unwrap())
                .collect(),
        )
    }

    #[test]
    fn lights_carry_their_gamut_and_the_colour_they_show() {
        let bridge = BridgeView {
            id: "b".into(),
            name: "b".into(),
            address: String::new(),
            connection: ConnectionState::Live,
            via: Via::Local,
            remote_available: false,
            certificate: None,
        };
        let part = part(bridge, &cache());
        let light = |id: &str| part.lights.iter().find(|l| l.id == id).unwrap();
        let group = |id: &str| {
            part.rooms
                .iter()
                .chain(&part.zones)
                .find(|g| g.id == id)
                .unwrap()
        };

        // The colour light: its gamut type's triangle, and B's red corner shown as red.
        let colour = light("colour");
        assert_eq!(colour.capabilities.gamut, Some(Gamut::B));
        assert_eq!(colour.capabilities.color_temperature, Some((153, 454)));
        assert_eq!(colour.rgb.as_deref(), Some("#ff0000"));
        // The white light: no gamut, its warm white shown orange.
        let white = light("white");
        assert_eq!(white.capabilities.gamut, None);
        assert!(!white.capabilities.color);
        assert_eq!(white.rgb.as_deref(), Some("#ff8b16"));
        // A light with neither shows no colour of its own.
        assert_eq!(light("plain").rgb, None);
        assert_eq!(light("plain").capabilities.color_temperature, None);

        // The room: colour because one light has it, the temperature range spanning both.
        let room = &group("room").capabilities;
        assert!(room.dimming && room.color);
        assert_eq!(room.color_temperature, Some((153, 500)));
        assert_eq!(room.gamut, Some(Gamut::B));
        // The zone has only white; an empty zone has nothing.
        let zone = &group("zone").capabilities;
        assert_eq!(
            (zone.color, zone.gamut, zone.color_temperature),
            (false, None, Some((200, 500)))
        );
        assert_eq!(group("empty").capabilities, super::Capabilities::default());
    }

    #[test]
    fn a_group_offers_the_widest_gamut_of_its_lights() {
        let widest = super::Capabilities::of_group(
            [Gamut::B, Gamut::C, Gamut::A]
                .map(|gamut| super::Capabilities {
                    color: true,
                    gamut: Some(gamut),
                    ..super::Capabilities::default()
                })
                .iter(),
        );
        // C is the widest triangle of the three (A reaches further red but less green).
        assert!(super::area(&Gamut::C) > super::area(&Gamut::A));
        assert!(super::area(&Gamut::A) > super::area(&Gamut::B));
        assert_eq!(widest.gamut, Some(Gamut::C));
    }
}
