//! The live state of one bridge: its resources after a resync, with every event merged in.
//!
//! Events are partial resources: they are merged into the stored JSON (objects field by field,
//! everything else replaced) and the resource is read again. A room's or zone's on/off comes from
//! its `grouped_light`, which the bridge does not always update when a light changes: after a
//! batch that changed lights without touching their groups' `grouped_light`, the group state is
//! derived from its lights (on if any is on; brightness the average of those on), as the bridge
//! itself defines it.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::events::{Event, EventKind};
use crate::model::{Device, Group, GroupedLight, Light, Resource, ResourceType, Scene};

#[derive(Clone, Debug, Default)]
pub struct Cache {
    entries: BTreeMap<String, Entry>,
}

#[derive(Clone, Debug)]
struct Entry {
    raw: Value,
    resource: Resource,
}

impl Cache {
    pub fn new(resources: Vec<Resource>) -> Self {
        let mut cache = Self::default();
        cache.replace_all(resources);
        cache
    }

    /// Forgets everything and starts again from a resync.
    pub fn replace_all(&mut self, resources: Vec<Resource>) {
        self.entries = resources
            .into_iter()
            .map(|resource| {
                let raw = to_value(&resource);
                (resource.id().to_owned(), Entry { raw, resource })
            })
            .collect();
    }

    /// Applies a batch of events; returns the ids whose state changed (derived ones included).
    pub fn apply(&mut self, events: &[Event]) -> BTreeSet<String> {
        let mut changed = BTreeSet::new();
        let mut lights_changed = BTreeSet::new();
        let mut groups_reported = BTreeSet::new();
        for event in events {
            let touched = match event.kind {
                EventKind::Add => self.insert(event.raw.clone()),
                EventKind::Update => self.merge(&event.id, &event.raw),
                EventKind::Delete => self.entries.remove(&event.id).is_some(),
                EventKind::Error => false,
            };
            // The bridge's word on a group counts even when it repeats what we had.
            if event.rtype == ResourceType::GroupedLight {
                groups_reported.insert(event.id.clone());
            }
            if !touched {
                continue;
            }
            changed.insert(event.id.clone());
            if event.rtype == ResourceType::Light {
                lights_changed.insert(event.id.clone());
            }
        }
        if !lights_changed.is_empty() {
            changed.extend(self.derive_groups(&lights_changed, &groups_reported));
        }
        changed
    }

    fn insert(&mut self, raw: Value) -> bool {
        let Some(resource) = Resource::from_value(raw.clone()) else {
            return false;
        };
        self.entries
            .insert(resource.id().to_owned(), Entry { raw, resource });
        true
    }

    fn merge(&mut self, id: &str, patch: &Value) -> bool {
        let Some(entry) = self.entries.get_mut(id) else {
            // An update for something the resync did not have: keep it if it stands alone.
            return self.insert(patch.clone());
        };
        let mut raw = entry.raw.clone();
        merge_json(&mut raw, patch);
        if raw == entry.raw {
            return false;
        }
        match Resource::from_value(raw.clone()) {
            Some(resource) => {
                *entry = Entry { raw, resource };
                true
            }
            None => false,
        }
    }

    /// Recomputes the `grouped_light` of every group holding a changed light, unless the batch
    /// reported that `grouped_light` itself.
    fn derive_groups(
        &mut self,
        lights_changed: &BTreeSet<String>,
        groups_reported: &BTreeSet<String>,
    ) -> Vec<String> {
        let mut derived = Vec::new();
        let groups: Vec<(String, Vec<String>)> = self
            .groups()
            .filter_map(|group| {
                let grouped = group.grouped_light()?.to_owned();
                let members = self.light_ids_of(group);
                (!groups_reported.contains(&grouped)
                    && members.iter().any(|m| lights_changed.contains(m)))
                .then_some((grouped, members))
            })
            .collect();
        for (grouped, members) in groups {
            let lights: Vec<&Light> = members.iter().filter_map(|id| self.light(id)).collect();
            let on = lights.iter().any(|light| light.on.on);
            let lit: Vec<f64> = lights
                .iter()
                .filter(|light| light.on.on)
                .filter_map(|light| light.brightness())
                .collect();
            let mut patch = serde_json::json!({ "on": { "on": on } });
            if !lit.is_empty() {
                #[allow(clippy::cast_precision_loss)] // A group holds at most a few dozen lights.
                let average = lit.iter().sum::<f64>() / lit.len() as f64;
                patch["dimming"] = serde_json::json!({ "brightness": average });
            }
            if self.merge(&grouped, &patch) {
                derived.push(grouped);
            }
        }
        derived
    }

    pub fn get(&self, id: &str) -> Option<&Resource> {
        self.entries.get(id).map(|entry| &entry.resource)
    }

    pub fn resources(&self) -> impl Iterator<Item = &Resource> {
        self.entries.values().map(|entry| &entry.resource)
    }

    pub fn light(&self, id: &str) -> Option<&Light> {
        match self.get(id)? {
            Resource::Light(light) => Some(light),
            _ => None,
        }
    }

    pub fn grouped_light(&self, id: &str) -> Option<&GroupedLight> {
        match self.get(id)? {
            Resource::GroupedLight(grouped) => Some(grouped),
            _ => None,
        }
    }

    pub fn device(&self, id: &str) -> Option<&Device> {
        match self.get(id)? {
            Resource::Device(device) => Some(device),
            _ => None,
        }
    }

    pub fn lights(&self) -> impl Iterator<Item = &Light> {
        self.resources().filter_map(|r| match r {
            Resource::Light(light) => Some(light),
            _ => None,
        })
    }

    pub fn rooms(&self) -> impl Iterator<Item = &Group> {
        self.resources().filter_map(|r| match r {
            Resource::Room(group) => Some(group),
            _ => None,
        })
    }

    pub fn zones(&self) -> impl Iterator<Item = &Group> {
        self.resources().filter_map(|r| match r {
            Resource::Zone(group) => Some(group),
            _ => None,
        })
    }

    pub fn bridge_home(&self) -> Option<&Group> {
        self.resources().find_map(|r| match r {
            Resource::BridgeHome(group) => Some(group),
            _ => None,
        })
    }

    /// Rooms, zones and the bridge home.
    pub fn groups(&self) -> impl Iterator<Item = &Group> {
        self.resources().filter_map(|r| match r {
            Resource::Room(group) | Resource::Zone(group) | Resource::BridgeHome(group) => {
                Some(group)
            }
            _ => None,
        })
    }

    pub fn scenes(&self) -> impl Iterator<Item = &Scene> {
        self.resources().filter_map(|r| match r {
            Resource::Scene(scene) => Some(scene),
            _ => None,
        })
    }

    /// The lights of a group: a zone lists lights, a room lists devices that offer lights, the
    /// bridge home lists rooms (and devices outside any room).
    pub fn light_ids_of(&self, group: &Group) -> Vec<String> {
        let mut ids = Vec::new();
        self.collect_lights(group, &mut ids, 0);
        ids.sort();
        ids.dedup();
        ids
    }

    fn collect_lights(&self, group: &Group, ids: &mut Vec<String>, depth: u8) {
        for child in &group.children {
            match child.rtype {
                ResourceType::Light => ids.push(child.rid.clone()),
                ResourceType::Device => {
                    if let Some(device) = self.device(&child.rid) {
                        ids.extend(
                            device
                                .services
                                .iter()
                                .filter(|s| s.rtype == ResourceType::Light)
                                .map(|s| s.rid.clone()),
                        );
                    }
                }
                ResourceType::Room | ResourceType::Zone if depth < 2 => {
                    if let Some(Resource::Room(inner) | Resource::Zone(inner)) =
                        self.get(&child.rid)
                    {
                        self.collect_lights(inner, ids, depth + 1);
                    }
                }
                _ => {}
            }
        }
    }

    /// Whether a light's device answers on Zigbee (true when the bridge does not say).
    pub fn reachable(&self, light: &Light) -> bool {
        let Some(owner) = &light.owner else {
            return true;
        };
        let Some(device) = self.device(&owner.rid) else {
            return true;
        };
        device
            .services
            .iter()
            .filter(|s| s.rtype == ResourceType::ZigbeeConnectivity)
            .filter_map(|s| match self.get(&s.rid) {
                Some(Resource::ZigbeeConnectivity(z)) => Some(z.status == "connected"),
                _ => None,
            })
            .all(|connected| connected)
    }

    /// The device that owns a light (for its name, product and connectivity).
    pub fn owner_device(&self, light: &Light) -> Option<&Device> {
        self.device(&light.owner.as_ref()?.rid)
    }
}

fn to_value(resource: &Resource) -> Value {
    let value = match resource {
        Resource::Light(r) => serde_json::to_value(r),
        Resource::Room(r) | Resource::Zone(r) | Resource::BridgeHome(r) => serde_json::to_value(r),
        Resource::GroupedLight(r) => serde_json::to_value(r),
        Resource::Scene(r) => serde_json::to_value(r),
        Resource::Device(r) => serde_json::to_value(r),
        Resource::Bridge(r) => serde_json::to_value(r),
        Resource::ZigbeeConnectivity(r) => serde_json::to_value(r),
        Resource::Other(r) => return r.raw.clone(),
    };
    let mut value = value.unwrap_or(Value::Null);
    // The typed structs do not carry `type`; merging and re-reading need it.
    if let Value::Object(map) = &mut value {
        map.insert(
            "type".to_owned(),
            Value::String(resource.rtype().to_string()),
        );
    }
    value
}

/// Objects merge key by key; anything else is replaced.
fn merge_json(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(target), Value::Object(patch)) => {
            for (key, value) in patch {
                match target.get_mut(key) {
                    Some(existing) => merge_json(existing, value),
                    None => {
                        target.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (target, patch) => *target = patch.clone(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::Cache;
    use crate::events::parse;
    use crate::model::Resource;

    fn home() -> Cache {
        let values = vec![
            json!({"id":"l1","type":"light","owner":{"rid":"d1","rtype":"device"},"on":{"on":false},
                   "dimming":{"brightness":50.0},"metadata":{"name":"Desk"}}),
            json!({"id":"l2","type":"light","owner":{"rid":"d2","rtype":"device"},"on":{"on":false},
                   "dimming":{"brightness":100.0},"metadata":{"name":"Shelf"}}),
            json!({"id":"d1","type":"device","services":[{"rid":"l1","rtype":"light"},
                   {"rid":"zc1","rtype":"zigbee_connectivity"}],"metadata":{"name":"Desk"}}),
            json!({"id":"d2","type":"device","services":[{"rid":"l2","rtype":"light"}],"metadata":{"name":"Shelf"}}),
            json!({"id":"zc1","type":"zigbee_connectivity","status":"connected"}),
            json!({"id":"r1","type":"room","children":[{"rid":"d1","rtype":"device"},{"rid":"d2","rtype":"device"}],
                   "services":[{"rid":"g1","rtype":"grouped_light"}],"metadata":{"name":"Office"}}),
            json!({"id":"z1","type":"zone","children":[{"rid":"l2","rtype":"light"}],
                   "services":[{"rid":"g2","rtype":"grouped_light"}],"metadata":{"name":"Reading"}}),
            json!({"id":"g1","type":"grouped_light","on":{"on":false}}),
            json!({"id":"g2","type":"grouped_light","on":{"on":false}}),
        ];
        Cache::new(Resource::list_from_values(values))
    }

    fn update(data: serde_json::Value) -> Vec<crate::Event> {
        parse(&json!([{"creationtime":"t","id":"e","type":"update","data":data}]).to_string())
            .unwrap()
    }

    fn group_on(cache: &Cache, id: &str) -> Option<bool> {
        cache.grouped_light(id)?.on.map(|on| on.on)
    }

    fn group_brightness(cache: &Cache, id: &str) -> Option<f64> {
        Some(cache.grouped_light(id)?.dimming?.brightness)
    }

    #[test]
    fn a_room_follows_its_lights_when_the_bridge_does_not_say() {
        let mut cache = home();
        let changed = cache.apply(&update(
            json!([{"id":"l1","type":"light","on":{"on":true}}]),
        ));
        assert_eq!(changed.into_iter().collect::<Vec<_>>(), ["g1", "l1"]);
        assert_eq!(group_on(&cache, "g1"), Some(true));
        assert_eq!(group_brightness(&cache, "g1"), Some(50.0));
        // The zone does not hold l1: untouched.
        assert_eq!(group_on(&cache, "g2"), Some(false));

        cache.apply(&update(
            json!([{"id":"l2","type":"light","on":{"on":true}}]),
        ));
        assert_eq!(group_brightness(&cache, "g1"), Some(75.0));
        assert_eq!(group_on(&cache, "g2"), Some(true));

        cache.apply(&update(
            json!([{"id":"l1","type":"light","on":{"on":false}},
                                    {"id":"l2","type":"light","on":{"on":false}}]),
        ));
        assert_eq!(group_on(&cache, "g1"), Some(false));
    }

    #[test]
    fn the_bridge_word_wins_when_it_reports_the_group() {
        let mut cache = home();
        // The bridge says the room is off in the same batch (e.g. a light left over): trust it.
        cache.apply(&update(json!([{"id":"l1","type":"light","on":{"on":true}},
                                   {"id":"g1","type":"grouped_light","on":{"on":false}}])));
        assert_eq!(group_on(&cache, "g1"), Some(false));
    }

    #[test]
    fn add_delete_reachability_and_unknown_fields() {
        let mut cache = home();
        assert!(cache.reachable(cache.light("l1").unwrap()));
        cache.apply(&update(
            json!([{"id":"zc1","type":"zigbee_connectivity","status":"connectivity_issue"}]),
        ));
        assert!(!cache.reachable(cache.light("l1").unwrap()));

        let events = parse(&json!([
            {"creationtime":"t","id":"e","type":"add","data":[{"id":"s1","type":"scene",
              "metadata":{"name":"Relax"},"group":{"rid":"r1","rtype":"room"},"x":{"new":true}}]},
            {"creationtime":"t","id":"e","type":"delete","data":[{"id":"l2","type":"light"}]}
        ]).to_string()).unwrap();
        cache.apply(&events);
        assert_eq!(
            cache
                .scenes()
                .map(|s| s.metadata.name.as_str())
                .collect::<Vec<_>>(),
            ["Relax"]
        );
        assert!(cache.light("l2").is_none());
        let office = cache.rooms().next().unwrap().clone();
        assert_eq!(cache.light_ids_of(&office), ["l1", "l2"]);
    }

    #[test]
    fn a_repeated_event_changes_nothing() {
        let mut cache = home();
        let batch = update(json!([{"id":"l1","type":"light","dimming":{"brightness":20.0}}]));
        assert!(!cache.apply(&batch).is_empty());
        assert!(cache.apply(&batch).is_empty());
    }
}
