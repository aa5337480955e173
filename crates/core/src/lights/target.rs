//! What a command addresses, and finding it by name the way people type names.

use serde::{Deserialize, Serialize};

use super::LightsError;
use super::snapshot::Snapshot;

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, specta::Type,
)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    Light,
    Room,
    Zone,
}

/// A light, a room or a zone, by id. Serialized as `{"kind": "room", "id": "…"}`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
pub struct Target {
    pub kind: TargetKind,
    pub id: String,
}

impl Target {
    pub fn light(id: impl Into<String>) -> Self {
        Self {
            kind: TargetKind::Light,
            id: id.into(),
        }
    }

    pub fn room(id: impl Into<String>) -> Self {
        Self {
            kind: TargetKind::Room,
            id: id.into(),
        }
    }

    pub fn zone(id: impl Into<String>) -> Self {
        Self {
            kind: TargetKind::Zone,
            id: id.into(),
        }
    }
}

impl TargetKind {
    fn word(self) -> &'static str {
        match self {
            Self::Light => "light",
            Self::Room => "room",
            Self::Zone => "zone",
        }
    }
}

/// Finds a light, room or zone by id or by name (case-insensitive). An exact name wins over a
/// prefix; `room:`, `zone:` or `light:` in front restricts the kind. Several matches are an
/// error that lists them.
pub fn resolve(snapshot: &Snapshot, query: &str) -> Result<Target, LightsError> {
    let (kinds, name) = match query.split_once(':') {
        Some(("room", rest)) => (vec![TargetKind::Room], rest),
        Some(("zone", rest)) => (vec![TargetKind::Zone], rest),
        Some(("light", rest)) => (vec![TargetKind::Light], rest),
        _ => (
            vec![TargetKind::Room, TargetKind::Zone, TargetKind::Light],
            query,
        ),
    };
    let entries: Vec<(Target, &str)> = snapshot
        .rooms
        .iter()
        .chain(&snapshot.zones)
        .map(|g| (g.target(), g.name.as_str()))
        .chain(
            snapshot
                .lights
                .iter()
                .map(|l| (Target::light(&l.id), l.name.as_str())),
        )
        .filter(|(target, _)| kinds.contains(&target.kind))
        .collect();
    pick(&entries, name, query, |t| t.kind.word())
}

/// Finds a scene by id or name, like [`resolve`]; `Room/Scene` picks among same-named scenes.
pub fn resolve_scene(snapshot: &Snapshot, query: &str) -> Result<String, LightsError> {
    let entries: Vec<(String, String)> = snapshot
        .scenes
        .iter()
        .map(|s| {
            let full = match &s.group_name {
                Some(group) => format!("{group}/{}", s.name),
                None => s.name.clone(),
            };
            (s.id.clone(), full)
        })
        .collect();
    let by_full: Vec<(String, &str)> = entries
        .iter()
        .map(|(id, full)| (id.clone(), full.as_str()))
        .collect();
    if let Ok(id) = pick(&by_full, query, query, |_| "scene") {
        return Ok(id);
    }
    let by_name: Vec<(String, &str)> = snapshot
        .scenes
        .iter()
        .map(|s| (s.id.clone(), s.name.as_str()))
        .collect();
    pick(&by_name, query, query, |_| "scene").map_err(|err| match err {
        LightsError::Ambiguous { query, .. } => {
            let candidates = entries
                .iter()
                .filter(|(_, full)| {
                    full.rsplit('/')
                        .next()
                        .is_some_and(|n| n.eq_ignore_ascii_case(&query))
                })
                .map(|(_, full)| full.clone())
                .collect();
            LightsError::Ambiguous { query, candidates }
        }
        other => other,
    })
}

fn pick<T: Clone + IdOf>(
    entries: &[(T, &str)],
    name: &str,
    query: &str,
    word: impl Fn(&T) -> &'static str,
) -> Result<T, LightsError> {
    let name = name.trim();
    if let Some((target, _)) = entries.iter().find(|(t, _)| t.id_of() == name) {
        return Ok(target.clone());
    }
    let lower = name.to_lowercase();
    let exact: Vec<&(T, &str)> = entries
        .iter()
        .filter(|(_, n)| n.to_lowercase() == lower)
        .collect();
    let matches = if exact.is_empty() {
        entries
            .iter()
            .filter(|(_, n)| n.to_lowercase().starts_with(&lower))
            .collect()
    } else {
        exact
    };
    match matches.as_slice() {
        [] => Err(LightsError::NotFound(query.to_owned())),
        [(target, _)] => Ok(target.clone()),
        several => Err(LightsError::Ambiguous {
            query: query.to_owned(),
            candidates: several
                .iter()
                .map(|(t, n)| format!("{} {n:?} ({})", word(t), t.id_of()))
                .collect(),
        }),
    }
}

/// The id of what a name points at.
trait IdOf {
    fn id_of(&self) -> &str;
}

impl IdOf for Target {
    fn id_of(&self) -> &str {
        &self.id
    }
}

impl IdOf for String {
    fn id_of(&self) -> &str {
        self
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::{resolve, resolve_scene};
    use crate::lights::snapshot::{Capabilities, GroupView, LightView, SceneView, Snapshot};
    use crate::lights::target::{Target, TargetKind};

    fn home() -> Snapshot {
        let group = |id: &str, kind, name: &str| GroupView {
            id: id.into(),
            bridge_id: "b".into(),
            kind,
            name: name.into(),
            archetype: None,
            on: false,
            brightness: None,
            lights: Vec::new(),
            capabilities: Capabilities::default(),
            favourite: false,
        };
        let light = |id: &str, name: &str| LightView {
            id: id.into(),
            bridge_id: "b".into(),
            name: name.into(),
            on: false,
            brightness: None,
            reachable: true,
            capabilities: Capabilities {
                dimming: true,
                color_temperature: None,
                color: false,
                gamut: None,
            },
            mirek: None,
            xy: None,
            rgb: None,
            room: None,
        };
        let scene = |id: &str, name: &str, group: &str| SceneView {
            id: id.into(),
            bridge_id: "b".into(),
            name: name.into(),
            group: Some(Target::room(group)),
            group_name: Some(group.into()),
            active: false,
            favourite: false,
        };
        Snapshot {
            bridges: Vec::new(),
            rooms: vec![
                group("r1", TargetKind::Room, "Kitchen"),
                group("r2", TargetKind::Room, "Living room"),
            ],
            zones: vec![group("z1", TargetKind::Zone, "Downstairs")],
            lights: vec![
                light("l1", "Kitchen"),
                light("l2", "Desk lamp"),
                light("l3", "Desk strip"),
            ],
            scenes: vec![
                scene("s1", "Relax", "Kitchen"),
                scene("s2", "Relax", "Living room"),
                scene("s3", "Bright", "Kitchen"),
            ],
        }
    }

    #[test]
    fn names_ids_prefixes_and_ambiguity() {
        let home = home();
        let mut out = String::new();
        for query in [
            "living ROOM",
            "living",
            "r1",
            "kitchen",
            "room:kitchen",
            "light:kitchen",
            "desk",
            "desk l",
            "garage",
            "zone:down",
        ] {
            let line = match resolve(&home, query) {
                Ok(target) => format!("{query:14} -> {:?} {}\n", target.kind, target.id),
                Err(err) => format!("{query:14} -> {}: {err}\n", err.kind()),
            };
            out.push_str(&line);
        }
        for query in ["relax", "kitchen/relax", "bright", "s2", "dim"] {
            let line = match resolve_scene(&home, query) {
                Ok(id) => format!("scene {query:14} -> {id}\n"),
                Err(err) => format!("scene {query:14} -> {}: {err}\n", err.kind()),
            };
            out.push_str(&line);
        }
        expect![[r#"
            living ROOM    -> Room r2
            living         -> Room r2
            r1             -> Room r1
            kitchen        -> ambiguous: "kitchen" could be any of: room "Kitchen" (r1), light "Kitchen" (l1)
            room:kitchen   -> Room r1
            light:kitchen  -> Light l1
            desk           -> ambiguous: "desk" could be any of: light "Desk lamp" (l2), light "Desk strip" (l3)
            desk l         -> Light l2
            garage         -> not_found: nothing is called "garage"
            zone:down      -> Zone z1
            scene relax          -> ambiguous: "relax" could be any of: Kitchen/Relax, Living room/Relax
            scene kitchen/relax  -> s1
            scene bright         -> s3
            scene s2             -> s2
            scene dim            -> not_found: nothing is called "dim"
        "#]].assert_eq(&out);
    }
}
