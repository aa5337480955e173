//! The simulated home: CLIP v2 resources as the bridge returns them, and what a `PUT` does to
//! them. Every change returns the events a real bridge would send (partial resources).

use std::collections::BTreeMap;

use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};
use serde_json::{Map, Value, json};

/// Why a change was refused: an HTTP status and the bridge's description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub status: u16,
    pub description: String,
}

impl Refusal {
    fn new(status: u16, description: impl Into<String>) -> Self {
        Self {
            status,
            description: description.into(),
        }
    }
}

/// What changed: partial resources, in the order the bridge would report them.
pub type Changes = Vec<Value>;

const ROOM_NAMES: [(&str, &str); 8] = [
    ("Living room", "living_room"),
    ("Kitchen", "kitchen"),
    ("Bedroom", "bedroom"),
    ("Office", "office"),
    ("Hallway", "hallway"),
    ("Bathroom", "bathroom"),
    ("Dining", "dining"),
    ("Garden", "garden"),
];

const LIGHT_NAMES: [&str; 12] = [
    "Ceiling",
    "Floor lamp",
    "Desk lamp",
    "Reading light",
    "Lightstrip",
    "Pendant",
    "Spot",
    "Table lamp",
    "Wall light",
    "Bedside",
    "Candle",
    "Globe",
];

const GAMUT_C: &str =
    r#"{"red":{"x":0.6915,"y":0.3083},"green":{"x":0.17,"y":0.7},"blue":{"x":0.1532,"y":0.0475}}"#;

/// The resources of one bridge.
#[derive(Debug, Clone)]
pub struct Home {
    resources: BTreeMap<String, Value>,
    /// Ids in creation order, for listings that look like a bridge's.
    order: Vec<String>,
    pub bridge_id: String,
    rng: StdRng,
}

impl Home {
    /// A home with `lights` lights spread over `rooms` rooms, one zone over the first two rooms'
    /// lights, two scenes per room, and the bridge itself. The same seed gives the same ids.
    pub fn generate(seed: u64, lights: usize, rooms: usize) -> Self {
        let mut rng = StdRng::seed_from_u64(seed);
        let bridge_id = format!("001788fffe{:06x}", rng.random::<u32>() & 0x00ff_ffff);
        let mut home = Self {
            resources: BTreeMap::new(),
            order: Vec::new(),
            bridge_id,
            rng,
        };
        home.build(lights, rooms.max(1));
        home
    }

    fn uuid(&mut self) -> String {
        let bytes: [u8; 16] = self.rng.random();
        let hex = |range: std::ops::Range<usize>| -> String { hex::encode(&bytes[range]) };
        format!(
            "{}-{}-4{}-8{}-{}",
            hex(0..4),
            hex(4..6),
            &hex(6..8)[1..],
            &hex(8..10)[1..],
            hex(10..16)
        )
    }

    fn add(&mut self, value: Value) {
        if let Some(id) = value["id"].as_str() {
            self.order.push(id.to_owned());
            self.resources.insert(id.to_owned(), value);
        }
    }

    fn build(&mut self, lights: usize, rooms: usize) {
        let bridge_device = self.uuid();
        let bridge = self.uuid();
        self.add(json!({
            "id": bridge_device, "type": "device",
            "product_data": {"model_id": "BSB002", "manufacturer_name": "Signify Netherlands B.V.",
                "product_name": "Hue Bridge", "product_archetype": "bridge_v2", "certified": true,
                "software_version": "1.66.1966060010"},
            "metadata": {"name": "Hue Bridge", "archetype": "bridge_v2"},
            "identify": {},
            "services": [{"rid": bridge, "rtype": "bridge"}],
        }));
        self.add(json!({
            "id": bridge, "type": "bridge", "owner": {"rid": bridge_device, "rtype": "device"},
            "bridge_id": self.bridge_id, "time_zone": {"time_zone": "Europe/Amsterdam"},
        }));

        let mut devices_by_room: Vec<Vec<(String, String)>> = vec![Vec::new(); rooms];
        for n in 1..=lights {
            let (device, light) = self.add_light(n);
            devices_by_room[(n - 1) % rooms].push((device, light));
        }
        let mut room_ids = Vec::new();
        for (index, members) in devices_by_room.iter().enumerate() {
            let (name, archetype) = ROOM_NAMES[index % ROOM_NAMES.len()];
            let name = if index < ROOM_NAMES.len() {
                name.to_owned()
            } else {
                format!("{name} {}", index / ROOM_NAMES.len() + 1)
            };
            let children: Vec<Value> = members
                .iter()
                .map(|(device, _)| json!({"rid": device, "rtype": "device"}))
                .collect();
            let lights: Vec<String> = members.iter().map(|(_, light)| light.clone()).collect();
            let room = self.add_group("room", index + 1, &name, archetype, children);
            self.add_scenes(&room, "room", &lights);
            room_ids.push(room);
        }
        let zone_lights: Vec<String> = devices_by_room
            .iter()
            .take(2)
            .flatten()
            .map(|(_, light)| light.clone())
            .collect();
        if !zone_lights.is_empty() {
            let children = zone_lights
                .iter()
                .map(|light| json!({"rid": light, "rtype": "light"}))
                .collect();
            let zone = self.add_group("zone", rooms + 1, "Downstairs", "downstairs", children);
            self.add_scenes(&zone, "zone", &zone_lights);
        }
        let home_children = room_ids
            .iter()
            .map(|room| json!({"rid": room, "rtype": "room"}))
            .collect();
        self.add_group("bridge_home", 0, "", "", home_children);
        for grouped in self.ids_of("grouped_light") {
            self.refresh_group(&grouped);
        }
    }

    fn add_light(&mut self, n: usize) -> (String, String) {
        let device = self.uuid();
        let light = self.uuid();
        let zigbee = self.uuid();
        let name = LIGHT_NAMES[(n - 1) % LIGHT_NAMES.len()];
        let name = if n <= LIGHT_NAMES.len() {
            name.to_owned()
        } else {
            format!("{name} {}", (n - 1) / LIGHT_NAMES.len() + 1)
        };
        // Every third light is white ambiance (no colour), every fifth dimmable white only.
        let colour = !n.is_multiple_of(3) && !n.is_multiple_of(5);
        let ambiance = !n.is_multiple_of(5);
        let (model, product) = match (colour, ambiance) {
            (true, _) => ("LCA001", "Hue color lamp"),
            (false, true) => ("LTA001", "Hue white ambiance lamp"),
            (false, false) => ("LWA001", "Hue white lamp"),
        };
        let id_v1 = format!("/lights/{n}");
        self.add(json!({
            "id": device, "id_v1": id_v1, "type": "device",
            "product_data": {"model_id": model, "manufacturer_name": "Signify Netherlands B.V.",
                "product_name": product, "product_archetype": "sultan_bulb", "certified": true,
                "software_version": "1.104.2", "hardware_platform_type": "100b-112"},
            "metadata": {"name": name, "archetype": "sultan_bulb"},
            "identify": {},
            "services": [{"rid": light, "rtype": "light"}, {"rid": zigbee, "rtype": "zigbee_connectivity"}],
        }));
        let mut value = json!({
            "id": light, "id_v1": id_v1, "type": "light",
            "owner": {"rid": device, "rtype": "device"},
            "metadata": {"name": name, "archetype": "sultan_bulb", "function": "mixed"},
            "identify": {},
            "service_id": 0,
            "on": {"on": n % 2 == 1},
            "dimming": {"brightness": 100.0, "min_dim_level": 0.2},
            "dimming_delta": {},
            "alert": {"action_values": ["breathe"]},
            "signaling": {"signal_values": ["no_signal", "on_off"]},
            "mode": "normal",
            // Real bridges report a speed in 0–1 here; the openhue spec caps it at 0 (see the
            // contract tests).
            "dynamics": {"status": "none", "status_values": ["none", "dynamic_palette"],
                "speed": 0.5, "speed_valid": false},
            "powerup": {"preset": "safety", "configured": true,
                "on": {"mode": "on", "on": {"on": true}},
                "dimming": {"mode": "dimming", "dimming": {"brightness": 100.0}}},
        });
        if ambiance {
            value["color_temperature"] = json!({"mirek": 366, "mirek_valid": true,
                "mirek_schema": {"mirek_minimum": 153, "mirek_maximum": 500}});
            value["color_temperature_delta"] = json!({});
        }
        if colour {
            value["color"] = json!({"xy": {"x": 0.4573, "y": 0.41},
                "gamut": serde_json::from_str::<Value>(GAMUT_C).unwrap_or_default(), "gamut_type": "C"});
            value["effects"] = json!({"status_values": ["no_effect", "candle", "fire"],
                "status": "no_effect", "effect_values": ["no_effect", "candle", "fire"]});
        }
        self.add(value);
        let mac = format!(
            "00:17:88:01:0b:{:02x}:{:02x}:{:02x}-0b",
            n / 65536 % 256,
            n / 256 % 256,
            n % 256
        );
        self.add(json!({
            "id": zigbee, "id_v1": id_v1, "type": "zigbee_connectivity",
            "owner": {"rid": device, "rtype": "device"},
            "status": "connected", "mac_address": mac,
        }));
        (device, light)
    }

    fn add_group(
        &mut self,
        rtype: &str,
        v1: usize,
        name: &str,
        archetype: &str,
        children: Vec<Value>,
    ) -> String {
        let group = self.uuid();
        let grouped = self.uuid();
        let id_v1 = format!("/groups/{v1}");
        let mut value = json!({
            "id": group, "id_v1": id_v1, "type": rtype,
            "children": children,
            "services": [{"rid": grouped, "rtype": "grouped_light"}],
        });
        if rtype != "bridge_home" {
            value["metadata"] = json!({"name": name, "archetype": archetype});
        }
        self.add(value);
        self.add(json!({
            "id": grouped, "id_v1": id_v1, "type": "grouped_light",
            "owner": {"rid": group, "rtype": rtype},
            "on": {"on": false},
            "dimming": {"brightness": 0.0},
            "alert": {"action_values": ["breathe"]},
            "signaling": {"signal_values": ["no_signal", "on_off"]},
        }));
        group
    }

    fn add_scenes(&mut self, group: &str, rtype: &str, lights: &[String]) {
        for (name, brightness, mirek) in [("Bright", 100.0, 233), ("Relax", 56.0, 447)] {
            let id = self.uuid();
            let v1: String = (0..15)
                .map(|_| {
                    char::from(
                        b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789"
                            [self.rng.random_range(0..58)],
                    )
                })
                .collect();
            let actions: Vec<Value> = lights
                .iter()
                .map(|light| {
                    let mut action =
                        json!({"on": {"on": true}, "dimming": {"brightness": brightness}});
                    if self
                        .resources
                        .get(light)
                        .is_some_and(|l| l.get("color_temperature").is_some())
                    {
                        action["color_temperature"] = json!({"mirek": mirek});
                    }
                    json!({"target": {"rid": light, "rtype": "light"}, "action": action})
                })
                .collect();
            self.add(json!({
                "id": id, "id_v1": format!("/scenes/{v1}"), "type": "scene",
                "actions": actions,
                "palette": {"color": [], "dimming": [], "color_temperature": [], "effects": []},
                "recall": {},
                "metadata": {"name": name},
                "group": {"rid": group, "rtype": rtype},
                "speed": 0.6,
                "auto_dynamic": false,
                "status": {"active": "inactive"},
            }));
        }
    }

    pub fn get(&self, id: &str) -> Option<&Value> {
        self.resources.get(id)
    }

    pub fn all(&self) -> Vec<Value> {
        self.order
            .iter()
            .filter_map(|id| self.resources.get(id).cloned())
            .collect()
    }

    pub fn of_type(&self, rtype: &str) -> Vec<Value> {
        self.all()
            .into_iter()
            .filter(|r| r["type"] == rtype)
            .collect()
    }

    pub fn ids_of(&self, rtype: &str) -> Vec<String> {
        self.of_type(rtype)
            .iter()
            .filter_map(|r| r["id"].as_str().map(str::to_owned))
            .collect()
    }

    /// The first resource of `rtype` whose name is `name` (case-insensitive).
    pub fn find(&self, rtype: &str, name: &str) -> Option<String> {
        self.of_type(rtype).into_iter().find_map(|r| {
            let matches = r["metadata"]["name"]
                .as_str()
                .is_some_and(|n| n.eq_ignore_ascii_case(name));
            matches
                .then(|| r["id"].as_str().map(str::to_owned))
                .flatten()
        })
    }

    /// The light ids of a room, zone or bridge home.
    pub fn lights_of(&self, group: &str) -> Vec<String> {
        let Some(group) = self.resources.get(group) else {
            return Vec::new();
        };
        let mut lights = Vec::new();
        for child in group["children"].as_array().into_iter().flatten() {
            let rid = child["rid"].as_str().unwrap_or_default();
            match child["rtype"].as_str() {
                Some("light") => lights.push(rid.to_owned()),
                Some("device") => {
                    let services = self.resources.get(rid).map(|d| d["services"].clone());
                    for service in services.iter().filter_map(Value::as_array).flatten() {
                        if service["rtype"] == "light"
                            && let Some(light) = service["rid"].as_str()
                        {
                            lights.push(light.to_owned());
                        }
                    }
                }
                Some("room" | "zone") => lights.extend(self.lights_of(rid)),
                _ => {}
            }
        }
        lights.sort();
        lights.dedup();
        lights
    }

    /// The group (room, zone, bridge home) a `grouped_light` belongs to.
    fn owner_of(&self, grouped: &str) -> Option<String> {
        self.resources.get(grouped)?["owner"]["rid"]
            .as_str()
            .map(str::to_owned)
    }

    /// Recomputes a `grouped_light` from its lights; returns its changed fields, if any.
    fn refresh_group(&mut self, grouped: &str) -> Option<Value> {
        let lights = self.lights_of(&self.owner_of(grouped)?);
        let states: Vec<(bool, f64)> = lights
            .iter()
            .filter_map(|id| self.resources.get(id))
            .map(|l| {
                (
                    l["on"]["on"].as_bool().unwrap_or(false),
                    l["dimming"]["brightness"].as_f64().unwrap_or(100.0),
                )
            })
            .collect();
        let on = states.iter().any(|(on, _)| *on);
        let lit: Vec<f64> = states
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, b)| *b)
            .collect();
        #[allow(clippy::cast_precision_loss)] // A handful of lights.
        let brightness = if lit.is_empty() {
            0.0
        } else {
            lit.iter().sum::<f64>() / lit.len() as f64
        };
        let brightness = (brightness * 100.0).round() / 100.0;
        let resource = self.resources.get_mut(grouped)?;
        let mut changed = Map::new();
        if resource["on"]["on"].as_bool() != Some(on) {
            resource["on"] = json!({"on": on});
            changed.insert("on".into(), json!({"on": on}));
        }
        if resource["dimming"]["brightness"].as_f64() != Some(brightness) {
            resource["dimming"] = json!({"brightness": brightness});
            changed.insert("dimming".into(), json!({"brightness": brightness}));
        }
        (!changed.is_empty()).then(|| event_item(resource, changed))
    }

    /// The `grouped_light`s whose group holds `light`.
    fn groups_holding(&self, light: &str) -> Vec<String> {
        self.ids_of("grouped_light")
            .into_iter()
            .filter(|grouped| {
                self.owner_of(grouped)
                    .is_some_and(|group| self.lights_of(&group).iter().any(|l| l == light))
            })
            .collect()
    }

    /// `PUT light/<id>`.
    pub fn put_light(
        &mut self,
        id: &str,
        body: &Value,
        group_events: bool,
    ) -> Result<Changes, Refusal> {
        let Some(light) = self.resources.get(id).filter(|r| r["type"] == "light") else {
            return Err(Refusal::new(404, "Not Found"));
        };
        let patch = light_patch(light, body, true)?;
        let mut changes = self.apply_light(id, patch);
        if !changes.is_empty() {
            changes.extend(self.refresh_groups_of(&[id.to_owned()], group_events));
        }
        Ok(changes)
    }

    fn apply_light(&mut self, id: &str, patch: Map<String, Value>) -> Changes {
        let Some(light) = self.resources.get_mut(id) else {
            return Vec::new();
        };
        let mut changed = Map::new();
        for (key, value) in patch {
            let current = light.get(&key).cloned().unwrap_or(Value::Null);
            let mut merged = current.clone();
            merge(&mut merged, &value);
            if merged != current {
                light[&key] = merged;
                changed.insert(key, value);
            }
        }
        if changed.is_empty() {
            Vec::new()
        } else {
            vec![event_item(light, changed)]
        }
    }

    fn refresh_groups_of(&mut self, lights: &[String], group_events: bool) -> Changes {
        let mut groups: Vec<String> = lights.iter().flat_map(|l| self.groups_holding(l)).collect();
        groups.sort();
        groups.dedup();
        let changes: Vec<Value> = groups
            .iter()
            .filter_map(|g| self.refresh_group(g))
            .collect();
        if group_events { changes } else { Vec::new() }
    }

    /// `PUT grouped_light/<id>`: the change goes to every light of the group that can take it.
    pub fn put_grouped_light(
        &mut self,
        id: &str,
        body: &Value,
        group_events: bool,
    ) -> Result<Changes, Refusal> {
        if !self
            .resources
            .get(id)
            .is_some_and(|r| r["type"] == "grouped_light")
        {
            return Err(Refusal::new(404, "Not Found"));
        }
        check_keys(
            body,
            &[
                "type",
                "on",
                "dimming",
                "color_temperature",
                "color",
                "dynamics",
                "alert",
                "signaling",
                "dimming_delta",
                "color_temperature_delta",
            ],
        )?;
        let lights = self
            .owner_of(id)
            .map(|g| self.lights_of(&g))
            .unwrap_or_default();
        let mut changes = Vec::new();
        for light in &lights {
            let Some(current) = self.resources.get(light) else {
                continue;
            };
            let patch = light_patch(current, body, false)?;
            changes.extend(self.apply_light(light, patch));
        }
        changes.extend(self.refresh_groups_of(&lights, group_events));
        Ok(changes)
    }

    /// `PUT scene/<id>` with `recall`: the scene's actions are applied; it becomes the active
    /// scene of its group.
    pub fn put_scene(
        &mut self,
        id: &str,
        body: &Value,
        group_events: bool,
    ) -> Result<Changes, Refusal> {
        let Some(scene) = self
            .resources
            .get(id)
            .filter(|r| r["type"] == "scene")
            .cloned()
        else {
            return Err(Refusal::new(404, "Not Found"));
        };
        check_keys(
            body,
            &[
                "type",
                "recall",
                "metadata",
                "speed",
                "auto_dynamic",
                "actions",
                "palette",
            ],
        )?;
        let Some(action) = body.pointer("/recall/action").and_then(Value::as_str) else {
            return Ok(Vec::new());
        };
        if !matches!(action, "active" | "static" | "dynamic_palette") {
            return Err(Refusal::new(
                400,
                format!("invalid value {action} for recall.action"),
            ));
        }
        let mut changes = Vec::new();
        let mut lights = Vec::new();
        for item in scene["actions"].as_array().into_iter().flatten() {
            let Some(light) = item.pointer("/target/rid").and_then(Value::as_str) else {
                continue;
            };
            let Some(current) = self.resources.get(light) else {
                continue;
            };
            let patch = light_patch(current, &item["action"], false)?;
            changes.extend(self.apply_light(light, patch));
            lights.push(light.to_owned());
        }
        changes.extend(self.refresh_groups_of(&lights, group_events));
        let group = scene["group"]["rid"].clone();
        for other in self.ids_of("scene") {
            let Some(resource) = self.resources.get_mut(&other) else {
                continue;
            };
            if resource["group"]["rid"] != group {
                continue;
            }
            let status = if other == id { "static" } else { "inactive" };
            if resource["status"]["active"] != status {
                resource["status"] = json!({"active": status});
                let mut changed = Map::new();
                changed.insert("status".into(), json!({"active": status}));
                changes.push(event_item(resource, changed));
            }
        }
        Ok(changes)
    }

    /// Changes a light without a request (someone using the Hue app, a wall switch).
    pub fn change_light(
        &mut self,
        id: &str,
        patch: &Value,
        group_events: bool,
    ) -> Result<Changes, Refusal> {
        self.put_light(id, patch, group_events)
    }

    /// The light with CLIP v1 id `n` (`/lights/n`).
    pub fn light_by_v1(&self, n: &str) -> Option<String> {
        let id_v1 = format!("/lights/{n}");
        self.of_type("light")
            .into_iter()
            .find(|l| l["id_v1"] == id_v1.as_str())
            .and_then(|l| l["id"].as_str().map(str::to_owned))
    }

    /// The room or zone with CLIP v1 id `n` (`/groups/n`; 0 is every light).
    pub fn group_by_v1(&self, n: &str) -> Option<String> {
        let id_v1 = format!("/groups/{n}");
        self.all()
            .into_iter()
            .find(|r| {
                matches!(r["type"].as_str(), Some("room" | "zone" | "bridge_home"))
                    && r["id_v1"] == id_v1.as_str()
            })
            .and_then(|r| r["id"].as_str().map(str::to_owned))
    }

    pub fn grouped_light_of(&self, group: &str) -> Option<String> {
        self.resources.get(group)?["services"]
            .as_array()?
            .iter()
            .find(|s| s["rtype"] == "grouped_light")?["rid"]
            .as_str()
            .map(str::to_owned)
    }

    pub fn scene_by_v1(&self, v1: &str) -> Option<String> {
        let id_v1 = format!("/scenes/{v1}");
        self.of_type("scene")
            .into_iter()
            .find(|s| s["id_v1"] == id_v1.as_str())
            .and_then(|s| s["id"].as_str().map(str::to_owned))
    }

    /// Replaces every light's on/off at once without events (a restart with changed state).
    pub fn flip_all_lights(&mut self) {
        for id in self.ids_of("light") {
            if let Some(light) = self.resources.get_mut(&id) {
                let on = light["on"]["on"].as_bool().unwrap_or(false);
                light["on"] = json!({"on": !on});
            }
        }
        for grouped in self.ids_of("grouped_light") {
            self.refresh_group(&grouped);
        }
    }
}

/// The partial resource an event carries: identity plus the changed fields.
fn event_item(resource: &Value, changed: Map<String, Value>) -> Value {
    let mut item = Map::new();
    for key in ["id", "id_v1", "owner", "type"] {
        if let Some(value) = resource.get(key) {
            item.insert(key.to_owned(), value.clone());
        }
    }
    item.extend(changed);
    Value::Object(item)
}

fn check_keys(body: &Value, allowed: &[&str]) -> Result<(), Refusal> {
    let Some(object) = body.as_object() else {
        return Err(Refusal::new(400, "invalid body: expected an object"));
    };
    match object.keys().find(|key| !allowed.contains(&key.as_str())) {
        Some(key) => Err(Refusal::new(
            400,
            format!("invalid body: unknown property {key}"),
        )),
        None => Ok(()),
    }
}

/// Validates a light change and returns what to merge into the light. `strict` refuses features
/// the light lacks (a direct PUT); a group or scene skips them, as the bridge does.
fn light_patch(light: &Value, body: &Value, strict: bool) -> Result<Map<String, Value>, Refusal> {
    check_keys(
        body,
        &[
            "type",
            "on",
            "dimming",
            "color_temperature",
            "color",
            "dynamics",
            "alert",
            "signaling",
            "identify",
            "effects",
            "dimming_delta",
            "color_temperature_delta",
            "gradient",
            "mode",
            "powerup",
            "timed_effects",
        ],
    )?;
    let mut patch = Map::new();
    let invalid = |what: &str| Refusal::new(400, format!("invalid value for {what}"));
    let lacks = |what: &str| Refusal::new(400, format!("device does not support {what}"));
    if let Some(on) = body.get("on") {
        let on = on
            .get("on")
            .and_then(Value::as_bool)
            .ok_or_else(|| invalid("on.on"))?;
        patch.insert("on".into(), json!({"on": on}));
    }
    if let Some(dimming) = body.get("dimming") {
        let brightness = dimming
            .get("brightness")
            .and_then(Value::as_f64)
            .filter(|b| (0.0..=100.0).contains(b))
            .ok_or_else(|| invalid("dimming.brightness"))?;
        match light.get("dimming") {
            Some(current) => {
                let floor = current["min_dim_level"].as_f64().unwrap_or(0.0);
                patch.insert(
                    "dimming".into(),
                    json!({"brightness": brightness.max(floor)}),
                );
            }
            None if strict => return Err(lacks("dimming")),
            None => {}
        }
    }
    if let Some(ct) = body.get("color_temperature") {
        let mirek = ct
            .get("mirek")
            .and_then(Value::as_u64)
            .filter(|m| (153..=500).contains(m))
            .ok_or_else(|| invalid("color_temperature.mirek"))?;
        match light.get("color_temperature") {
            Some(current) => {
                let min = current
                    .pointer("/mirek_schema/mirek_minimum")
                    .and_then(Value::as_u64)
                    .unwrap_or(153);
                let max = current
                    .pointer("/mirek_schema/mirek_maximum")
                    .and_then(Value::as_u64)
                    .unwrap_or(500);
                patch.insert(
                    "color_temperature".into(),
                    json!({"mirek": mirek.clamp(min, max), "mirek_valid": true}),
                );
            }
            None if strict => return Err(lacks("color_temperature")),
            None => {}
        }
    }
    if let Some(color) = body.get("color") {
        let x = color
            .pointer("/xy/x")
            .and_then(Value::as_f64)
            .filter(|v| (0.0..=1.0).contains(v));
        let y = color
            .pointer("/xy/y")
            .and_then(Value::as_f64)
            .filter(|v| (0.0..=1.0).contains(v));
        let (Some(x), Some(y)) = (x, y) else {
            return Err(invalid("color.xy"));
        };
        match light.get("color") {
            Some(_) => {
                patch.insert("color".into(), json!({"xy": {"x": x, "y": y}}));
                if light.get("color_temperature").is_some() {
                    patch.insert(
                        "color_temperature".into(),
                        json!({"mirek": null, "mirek_valid": false}),
                    );
                }
            }
            None if strict => return Err(lacks("color")),
            None => {}
        }
    }
    if let Some(duration) = body.pointer("/dynamics/duration")
        && !duration.is_u64()
    {
        return Err(invalid("dynamics.duration"));
    }
    Ok(patch)
}

/// Objects merge key by key; anything else is replaced.
fn merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(target), Value::Object(patch)) => {
            for (key, value) in patch {
                match target.get_mut(key) {
                    Some(existing) => merge(existing, value),
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

    use super::Home;

    #[test]
    fn the_same_seed_builds_the_same_home() {
        let a = Home::generate(7, 5, 2);
        let b = Home::generate(7, 5, 2);
        assert_eq!(a.all(), b.all());
        assert_eq!(a.of_type("light").len(), 5);
        assert_eq!(a.of_type("room").len(), 2);
        assert_eq!(a.of_type("zone").len(), 1);
        assert_eq!(a.of_type("scene").len(), 6);
        assert_eq!(a.bridge_id.len(), 16);
        assert_ne!(Home::generate(8, 5, 2).bridge_id, a.bridge_id);
    }

    #[test]
    fn a_group_put_reaches_its_lights_and_aggregates() {
        let mut home = Home::generate(1, 4, 2);
        let room = home.find("room", "Living room").unwrap();
        let grouped = home.grouped_light_of(&room).unwrap();
        let changes = home
            .put_grouped_light(&grouped, &json!({"on": {"on": false}}), true)
            .unwrap();
        assert!(
            changes
                .iter()
                .any(|c| c["id"] == grouped.as_str() && c["on"]["on"] == false)
        );
        for light in home.lights_of(&room) {
            assert_eq!(home.get(&light).unwrap()["on"]["on"], false);
        }
        // Nothing changes twice.
        assert!(
            home.put_grouped_light(&grouped, &json!({"on": {"on": false}}), true)
                .unwrap()
                .is_empty()
        );
        let refused =
            home.put_grouped_light(&grouped, &json!({"dimming": {"brightness": 101}}), true);
        assert_eq!(refused.unwrap_err().status, 400);
    }

    #[test]
    fn a_direct_put_refuses_what_the_light_lacks() {
        let mut home = Home::generate(1, 5, 1);
        let white = home.light_by_v1("5").unwrap();
        let refused = home.put_light(
            &white,
            &json!({"color": {"xy": {"x": 0.3, "y": 0.3}}}),
            true,
        );
        assert_eq!(
            refused.unwrap_err().description,
            "device does not support color"
        );
        let colour = home.light_by_v1("1").unwrap();
        let changes = home
            .put_light(
                &colour,
                &json!({"color": {"xy": {"x": 0.3, "y": 0.3}}}),
                true,
            )
            .unwrap();
        assert_eq!(changes[0]["color_temperature"]["mirek_valid"], false);
    }
}
