//! The simulated bridge's HTTP API.
//!
//! Bridge routes: `POST /api` (pairing), `GET /api/config`, CLIP v1 under `/api/<username>/…`,
//! CLIP v2 under `/clip/v2/resource…`, and `GET /eventstream/clip/v2`.
//!
//! Simulator routes (no key needed; never on a real bridge):
//! - `POST /sim/linkbutton`: press the link button;
//! - `GET /sim/state`: every resource;
//! - `PUT /sim/light/<id>` with a v2 light body: change a light "from elsewhere" (events follow);
//! - `POST /sim/streams/drop`, `POST /sim/streams/mute`: event stream faults;
//! - `POST /sim/fail/<status>/<count>`: the next requests answer `status`;
//! - `POST /sim/lan/off`, `POST /sim/lan/on`: take the bridge off the local network and back
//!   (send it through the tunnel port, which stays up).

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use futures_util::stream;
use serde_json::{Map, Value, json};

use super::{Exchange, Shared, lock};
use crate::MAX_QUEUED_FAULTS;

type Sim = State<Arc<Shared>>;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/api", post(pair))
        .route("/api/config", get(public_config))
        .route("/api/{user}/lights", get(v1_lights))
        .route("/api/{user}/groups", get(v1_groups))
        .route("/api/{user}/scenes", get(v1_scenes))
        .route("/api/{user}/lights/{id}/state", put(v1_light_state))
        .route("/api/{user}/groups/{id}/action", put(v1_group_action))
        .route("/clip/v2/resource", get(v2_all))
        .route("/clip/v2/resource/{rtype}", get(v2_list))
        .route("/clip/v2/resource/{rtype}/{id}", get(v2_get).put(v2_put))
        .route("/eventstream/clip/v2", get(event_stream))
        .route("/sim/linkbutton", post(sim_press))
        .route("/sim/state", get(sim_state))
        .route("/sim/light/{id}", put(sim_change_light))
        .route("/sim/streams/drop", post(sim_drop_streams))
        .route("/sim/streams/mute", post(sim_mute_streams))
        .route("/sim/fail/{status}/{count}", post(sim_fail))
        .route("/sim/lan/{state}", post(sim_lan))
        .layer(middleware::from_fn_with_state(Arc::clone(&shared), gate))
        .with_state(shared)
}

/// Bridge-wide behaviour in front of every bridge route: injected failures, the 429 above the
/// concurrency limit, latency, and the record of each exchange.
async fn gate(State(sim): Sim, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    if path.starts_with("/sim/") || path.starts_with("/eventstream/") {
        return next.run(request).await;
    }
    let method = request.method().to_string();
    let at = sim.started.elapsed();
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    let request_json = serde_json::from_slice::<Value>(&body).ok();
    let record = |status: u16, response: Option<Value>| Exchange {
        at,
        method: method.clone(),
        path: path.clone(),
        status,
        request: request_json.clone(),
        response,
    };

    let (injected, latency) = {
        let mut faults = lock(&sim.faults);
        (faults.fail_next.pop_front(), faults.latency)
    };
    if let Some(status) = injected {
        let body = v2_errors(&format!("simulated failure {status}"));
        sim.record(record(status, Some(body.clone())));
        return (
            StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE),
            Json(body),
        )
            .into_response();
    }
    let in_flight = sim.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    let _guard = InFlight(&sim);
    if sim.config.max_concurrent.is_some_and(|max| in_flight > max) {
        sim.refused_429.fetch_add(1, Ordering::SeqCst);
        let body = v2_errors("Too many requests");
        sim.record(record(429, Some(body.clone())));
        return (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response();
    }
    sim.max_seen.fetch_max(in_flight, Ordering::SeqCst);
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let response = next.run(Request::from_parts(parts, Body::from(body))).await;
    let (parts, body) = response.into_parts();
    let body = axum::body::to_bytes(body, 16 << 20)
        .await
        .unwrap_or_default();
    sim.record(record(
        parts.status.as_u16(),
        serde_json::from_slice(&body).ok(),
    ));
    Response::from_parts(parts, Body::from(body))
}

struct InFlight<'a>(&'a Shared);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

fn v2_errors(description: &str) -> Value {
    json!({"errors": [{"description": description}], "data": []})
}

fn v2_error(status: u16, description: &str) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    (status, Json(v2_errors(description))).into_response()
}

fn v1_error(code: u32, address: &str, description: &str) -> Response {
    Json(json!([{"error": {"type": code, "address": address, "description": description}}]))
        .into_response()
}

// ---- Pairing and the public configuration ---------------------------------------------------

async fn pair(State(sim): Sim, body: Bytes) -> Response {
    let Ok(body) = serde_json::from_slice::<Value>(&body) else {
        return v1_error(2, "", "body contains invalid json");
    };
    let Some(devicetype) = body.get("devicetype").and_then(Value::as_str) else {
        return v1_error(5, "/", "invalid/missing parameters in body");
    };
    if devicetype.is_empty() || devicetype.chars().count() > 40 {
        return v1_error(
            7,
            "/devicetype",
            &format!("invalid value, {devicetype}, for parameter, devicetype"),
        );
    }
    if !sim.link_button_pressed() {
        return v1_error(101, "", "link button not pressed");
    }
    let username = sim.new_app_key();
    let mut success = json!({"username": username});
    if body.get("generateclientkey").and_then(Value::as_bool) == Some(true) {
        use rand::Rng as _;
        let key: [u8; 16] = rand::rng().random();
        success["clientkey"] = json!(hex::encode_upper(key));
    }
    Json(json!([{"success": success}])).into_response()
}

async fn public_config(State(sim): Sim) -> Response {
    let bridge_id = sim.home().bridge_id.clone();
    let mac = format!(
        "00:17:88:{}:{}:{}",
        &bridge_id[10..12],
        &bridge_id[12..14],
        &bridge_id[14..16]
    );
    let api = if sim.config.clip_v2 {
        "1.66.0"
    } else {
        "1.45.0"
    };
    Json(json!({
        "name": "Hue Bridge (simulated)",
        "datastoreversion": "163",
        "swversion": "1966060010",
        "apiversion": api,
        "mac": mac,
        "bridgeid": bridge_id.to_ascii_uppercase(),
        "factorynew": false,
        "replacesbridgeid": null,
        "modelid": "BSB002",
        "starterkitid": "",
    }))
    .into_response()
}

// ---- CLIP v2 ----------------------------------------------------------------------------------

fn authorized(sim: &Shared, headers: &HeaderMap) -> bool {
    headers
        .get("hue-application-key")
        .and_then(|key| key.to_str().ok())
        .is_some_and(|key| sim.is_app_key(key))
}

/// The checks every v2 route makes first.
fn v2_gate(sim: &Shared, headers: &HeaderMap) -> Option<Response> {
    if !sim.config.clip_v2 {
        return Some(StatusCode::NOT_FOUND.into_response());
    }
    if !authorized(sim, headers) {
        return Some(v2_error(403, "unauthorized user"));
    }
    None
}

fn data(items: Vec<Value>) -> Response {
    Json(json!({"errors": [], "data": items})).into_response()
}

async fn v2_all(State(sim): Sim, headers: HeaderMap) -> Response {
    if let Some(refusal) = v2_gate(&sim, &headers) {
        return refusal;
    }
    data(sim.home().all())
}

async fn v2_list(State(sim): Sim, headers: HeaderMap, Path(rtype): Path<String>) -> Response {
    if let Some(refusal) = v2_gate(&sim, &headers) {
        return refusal;
    }
    if rtype.is_empty() || !rtype.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
        return v2_error(404, "Not Found");
    }
    data(sim.home().of_type(&rtype))
}

async fn v2_get(
    State(sim): Sim,
    headers: HeaderMap,
    Path((rtype, id)): Path<(String, String)>,
) -> Response {
    if let Some(refusal) = v2_gate(&sim, &headers) {
        return refusal;
    }
    match sim.home().get(&id) {
        Some(resource) if resource["type"] == rtype.as_str() => data(vec![resource.clone()]),
        _ => v2_error(404, "Not Found"),
    }
}

async fn v2_put(
    State(sim): Sim,
    headers: HeaderMap,
    Path((rtype, id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    if let Some(refusal) = v2_gate(&sim, &headers) {
        return refusal;
    }
    let Ok(body) = serde_json::from_slice::<Value>(&body) else {
        return v2_error(400, "body contains invalid json");
    };
    let group_events = sim.group_events();
    let result = {
        let mut home = sim.home();
        match home.get(&id) {
            Some(resource) if resource["type"] == rtype.as_str() => {}
            _ => return v2_error(404, "Not Found"),
        }
        match rtype.as_str() {
            "light" => home.put_light(&id, &body, group_events),
            "grouped_light" => home.put_grouped_light(&id, &body, group_events),
            "scene" => home.put_scene(&id, &body, group_events),
            _ => return v2_error(405, "the simulator does not change this resource type"),
        }
    };
    match result {
        Ok(changes) => {
            sim.publish("update", changes);
            data(vec![json!({"rid": id, "rtype": rtype})])
        }
        Err(refusal) => v2_error(refusal.status, &refusal.description),
    }
}

// ---- The event stream -------------------------------------------------------------------------

async fn event_stream(State(sim): Sim, headers: HeaderMap) -> Response {
    if let Some(refusal) = v2_gate(&sim, &headers) {
        return refusal;
    }
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(64);
    tokio::spawn(feed_stream(Arc::clone(&sim), tx));
    let body = stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|chunk| (Ok::<_, Infallible>(chunk), rx))
    });
    Response::builder()
        .header(header::CONTENT_TYPE, "text/event-stream")
        .header(header::CACHE_CONTROL, "no-cache")
        .body(Body::from_stream(body))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// Writes events to one stream until it is dropped, or goes silent when muted (holding the
/// connection open, like a half-open TCP connection).
async fn feed_stream(sim: Arc<Shared>, tx: tokio::sync::mpsc::Sender<Bytes>) {
    let mut events = sim.events.subscribe();
    let dropped = lock(&sim.drop_streams).clone();
    let mut muted = sim.mute_streams.subscribe();
    muted.mark_unchanged();
    // A real bridge greets a new stream with a comment.
    if tx.send(Bytes::from_static(b": hi\n\n")).await.is_err() {
        return;
    }
    loop {
        // Biased, in this order: an event published after a drop or a mute must not get through.
        tokio::select! {
            biased;
            () = dropped.cancelled() => return,
            () = tx.closed() => return,
            _ = muted.changed() => break,
            event = events.recv() => match event {
                Ok(frame) => {
                    if tx.send(Bytes::from(frame.as_bytes().to_vec())).await.is_err() {
                        return;
                    }
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
            },
        }
    }
    // Muted: say nothing, drop nothing, until dropped or the client leaves.
    tokio::select! {
        () = dropped.cancelled() => {}
        () = tx.closed() => {}
    }
}

// ---- CLIP v1 ----------------------------------------------------------------------------------

fn v1_gate(sim: &Shared, user: &str, address: &str) -> Option<Response> {
    (!sim.is_app_key(user)).then(|| v1_error(1, address, "unauthorized user"))
}

fn v1_bri(brightness: f64) -> u64 {
    // In range: brightness is 0–100.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let bri = (brightness.clamp(0.0, 100.0) / 100.0 * 253.0).round() as u64 + 1;
    bri
}

fn v1_light(light: &Value, device: Option<&Value>) -> Value {
    let mut state = json!({
        "on": light["on"]["on"],
        "alert": "none",
        "mode": "homeautomation",
        "reachable": true,
    });
    if let Some(brightness) = light.pointer("/dimming/brightness").and_then(Value::as_f64) {
        state["bri"] = json!(v1_bri(brightness));
    }
    if let Some(mirek) = light
        .pointer("/color_temperature/mirek")
        .and_then(Value::as_u64)
    {
        state["ct"] = json!(mirek);
        state["colormode"] = json!("ct");
    }
    if let Some(xy) = light.pointer("/color/xy") {
        state["xy"] = json!([xy["x"], xy["y"]]);
        if light.pointer("/color_temperature/mirek_valid") != Some(&json!(true)) {
            state["colormode"] = json!("xy");
        }
    }
    let kind = match (
        light.get("color").is_some(),
        light.get("color_temperature").is_some(),
    ) {
        (true, _) => "Extended color light",
        (false, true) => "Color temperature light",
        _ => "Dimmable light",
    };
    json!({
        "state": state,
        "type": kind,
        "name": light["metadata"]["name"],
        "modelid": device.and_then(|d| d.pointer("/product_data/model_id")).cloned().unwrap_or(Value::Null),
        "manufacturername": "Signify Netherlands B.V.",
        "uniqueid": format!("00:17:88:01:{}-0b", &light["id"].as_str().unwrap_or("00000000")[..8]),
        "swversion": "1.104.2",
    })
}

fn v1_number(id_v1: &Value, prefix: &str) -> Option<String> {
    id_v1.as_str()?.strip_prefix(prefix).map(str::to_owned)
}

async fn v1_lights(State(sim): Sim, Path(user): Path<String>) -> Response {
    if let Some(refusal) = v1_gate(&sim, &user, "/lights") {
        return refusal;
    }
    let home = sim.home();
    let mut out = Map::new();
    for light in home.of_type("light") {
        let device = light["owner"]["rid"].as_str().and_then(|d| home.get(d));
        if let Some(n) = v1_number(&light["id_v1"], "/lights/") {
            out.insert(n, v1_light(&light, device));
        }
    }
    Json(Value::Object(out)).into_response()
}

async fn v1_groups(State(sim): Sim, Path(user): Path<String>) -> Response {
    if let Some(refusal) = v1_gate(&sim, &user, "/groups") {
        return refusal;
    }
    let home = sim.home();
    let mut out = Map::new();
    for group in home
        .all()
        .into_iter()
        .filter(|g| matches!(g["type"].as_str(), Some("room" | "zone")))
    {
        let Some(n) = v1_number(&group["id_v1"], "/groups/") else {
            continue;
        };
        let id = group["id"].as_str().unwrap_or_default();
        let lights = home.lights_of(id);
        let on: Vec<bool> = lights
            .iter()
            .filter_map(|l| home.get(l))
            .map(|l| l["on"]["on"].as_bool().unwrap_or(false))
            .collect();
        let numbers: Vec<String> = lights
            .iter()
            .filter_map(|l| home.get(l))
            .filter_map(|l| v1_number(&l["id_v1"], "/lights/"))
            .collect();
        let kind = if group["type"] == "room" {
            "Room"
        } else {
            "Zone"
        };
        out.insert(n, json!({
            "name": group["metadata"]["name"],
            "lights": numbers,
            "type": kind,
            "class": "Living room",
            "state": {"all_on": !on.is_empty() && on.iter().all(|o| *o), "any_on": on.iter().any(|o| *o)},
            "action": {"on": on.iter().any(|o| *o)},
        }));
    }
    Json(Value::Object(out)).into_response()
}

async fn v1_scenes(State(sim): Sim, Path(user): Path<String>) -> Response {
    if let Some(refusal) = v1_gate(&sim, &user, "/scenes") {
        return refusal;
    }
    let home = sim.home();
    let mut out = Map::new();
    for scene in home.of_type("scene") {
        let Some(key) = v1_number(&scene["id_v1"], "/scenes/") else {
            continue;
        };
        let group = scene["group"]["rid"]
            .as_str()
            .and_then(|g| home.get(g))
            .and_then(|g| v1_number(&g["id_v1"], "/groups/"));
        let lights: Vec<String> = scene["actions"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| a.pointer("/target/rid").and_then(Value::as_str))
            .filter_map(|l| home.get(l))
            .filter_map(|l| v1_number(&l["id_v1"], "/lights/"))
            .collect();
        out.insert(
            key,
            json!({
                "name": scene["metadata"]["name"],
                "type": "GroupScene",
                "group": group,
                "lights": lights,
                "recycle": false,
                "locked": false,
            }),
        );
    }
    Json(Value::Object(out)).into_response()
}

/// Translates a v1 state body into a v2 light body, or the v1 error the bridge would give.
/// `light` is `None` for a group action (no per-light capability check).
// The error is the finished response, built once per request: its size does not matter here.
#[allow(clippy::result_large_err)]
fn v1_to_v2(
    body: &Value,
    address: &str,
    light: Option<&Value>,
) -> Result<(Value, Vec<Value>), Response> {
    let Some(object) = body.as_object() else {
        return Err(v1_error(2, address, "body contains invalid json"));
    };
    let is_on = light.is_none_or(|l| l["on"]["on"] == true) || body.get("on") == Some(&json!(true));
    let mut v2 = Map::new();
    let mut success = Vec::new();
    for (key, value) in object {
        let field = format!("{address}/{key}");
        let invalid = || {
            v1_error(
                7,
                &field,
                &format!("invalid value, {value}, for parameter, {key}"),
            )
        };
        if matches!(key.as_str(), "bri" | "ct" | "xy") && !is_on {
            return Err(v1_error(
                201,
                &field,
                &format!("parameter, {key}, is not modifiable. Device is set to off."),
            ));
        }
        let lacks = |feature: &str| light.is_some_and(|l| l.get(feature).is_none());
        match key.as_str() {
            "on" => {
                let on = value.as_bool().ok_or_else(invalid)?;
                v2.insert("on".into(), json!({"on": on}));
            }
            "bri" => {
                let bri = value
                    .as_u64()
                    .filter(|b| (1..=254).contains(b))
                    .ok_or_else(invalid)?;
                #[allow(clippy::cast_precision_loss)] // 1–254.
                let brightness = ((bri - 1) as f64 / 253.0 * 100.0 * 100.0).round() / 100.0;
                v2.insert("dimming".into(), json!({"brightness": brightness}));
            }
            "ct" if lacks("color_temperature") => {
                return Err(v1_error(
                    6,
                    &field,
                    &format!("parameter, {key}, not available"),
                ));
            }
            "ct" => {
                let ct = value
                    .as_u64()
                    .filter(|c| (153..=500).contains(c))
                    .ok_or_else(invalid)?;
                v2.insert("color_temperature".into(), json!({"mirek": ct}));
            }
            "xy" if lacks("color") => {
                return Err(v1_error(
                    6,
                    &field,
                    &format!("parameter, {key}, not available"),
                ));
            }
            "xy" => {
                let xy = value
                    .as_array()
                    .filter(|a| a.len() == 2)
                    .ok_or_else(invalid)?;
                let (Some(x), Some(y)) = (xy[0].as_f64(), xy[1].as_f64()) else {
                    return Err(invalid());
                };
                v2.insert("color".into(), json!({"xy": {"x": x, "y": y}}));
            }
            "transitiontime" => {
                let tenths = value.as_u64().ok_or_else(invalid)?;
                v2.insert("dynamics".into(), json!({"duration": tenths * 100}));
            }
            "scene" | "alert" | "effect" => {}
            _ => {
                return Err(v1_error(
                    6,
                    &field,
                    &format!("parameter, {key}, not available"),
                ));
            }
        }
        success.push(json!({"success": {field: value}}));
    }
    Ok((Value::Object(v2), success))
}

async fn v1_light_state(
    State(sim): Sim,
    Path((user, n)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let address = format!("/lights/{n}/state");
    if let Some(refusal) = v1_gate(&sim, &user, &address) {
        return refusal;
    }
    let Ok(body) = serde_json::from_slice::<Value>(&body) else {
        return v1_error(2, &address, "body contains invalid json");
    };
    let group_events = sim.group_events();
    let changes = {
        let mut home = sim.home();
        let Some(id) = home.light_by_v1(&n) else {
            return v1_error(
                3,
                &format!("/lights/{n}"),
                &format!("resource, /lights/{n}, not available"),
            );
        };
        let (v2, success) = match v1_to_v2(&body, &address, home.get(&id)) {
            Ok(translated) => translated,
            Err(response) => return response,
        };
        match home.put_light(&id, &v2, group_events) {
            Ok(changes) => (changes, success),
            Err(refusal) => return v1_error(7, &address, &refusal.description),
        }
    };
    sim.publish("update", changes.0);
    Json(Value::Array(changes.1)).into_response()
}

async fn v1_group_action(
    State(sim): Sim,
    Path((user, n)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let address = format!("/groups/{n}/action");
    if let Some(refusal) = v1_gate(&sim, &user, &address) {
        return refusal;
    }
    let Ok(body) = serde_json::from_slice::<Value>(&body) else {
        return v1_error(2, &address, "body contains invalid json");
    };
    let group_events = sim.group_events();
    let result = {
        let mut home = sim.home();
        let Some(group) = home.group_by_v1(&n) else {
            return v1_error(
                3,
                &format!("/groups/{n}"),
                &format!("resource, /groups/{n}, not available"),
            );
        };
        let (v2, success) = match v1_to_v2(&body, &address, None) {
            Ok(translated) => translated,
            Err(response) => return response,
        };
        let mut changes = Vec::new();
        if let Some(scene) = body.get("scene").and_then(Value::as_str) {
            let Some(scene) = home.scene_by_v1(scene) else {
                return v1_error(
                    7,
                    &format!("{address}/scene"),
                    &format!("invalid value, {scene}, for parameter, scene"),
                );
            };
            match home.put_scene(
                &scene,
                &json!({"recall": {"action": "active"}}),
                group_events,
            ) {
                Ok(more) => changes.extend(more),
                Err(refusal) => return v1_error(7, &address, &refusal.description),
            }
        }
        if v2.as_object().is_some_and(|o| !o.is_empty()) {
            let Some(grouped) = home.grouped_light_of(&group) else {
                return v1_error(3, &address, "group has no lights");
            };
            match home.put_grouped_light(&grouped, &v2, group_events) {
                Ok(more) => changes.extend(more),
                Err(refusal) => return v1_error(7, &address, &refusal.description),
            }
        }
        (changes, success)
    };
    sim.publish("update", result.0);
    Json(Value::Array(result.1)).into_response()
}

// ---- Simulator controls -----------------------------------------------------------------------

async fn sim_press(State(sim): Sim) -> Response {
    sim.press_link_button();
    Json(json!({"pressed": true, "for_secs": sim.config.link_window.as_secs()})).into_response()
}

async fn sim_state(State(sim): Sim) -> Response {
    Json(Value::Array(sim.home().all())).into_response()
}

async fn sim_change_light(
    State(sim): Sim,
    Path(id): Path<String>,
    Json(patch): Json<Value>,
) -> Response {
    let group_events = sim.group_events();
    let result = sim.home().change_light(&id, &patch, group_events);
    match result {
        Ok(changes) => {
            sim.publish("update", changes);
            Json(json!({"changed": id})).into_response()
        }
        Err(refusal) => v2_error(refusal.status, &refusal.description),
    }
}

async fn sim_drop_streams(State(sim): Sim) -> Response {
    sim.drop_streams();
    StatusCode::NO_CONTENT.into_response()
}

async fn sim_mute_streams(State(sim): Sim) -> Response {
    sim.mute_streams.send_modify(|generation| *generation += 1);
    StatusCode::NO_CONTENT.into_response()
}

async fn sim_lan(State(sim): Sim, Path(state): Path<String>) -> Response {
    let reachable = match state.as_str() {
        "on" => true,
        "off" => false,
        _ => return (StatusCode::NOT_FOUND, "on or off\n").into_response(),
    };
    match sim.set_lan(reachable).await {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(err) => (StatusCode::INTERNAL_SERVER_ERROR, format!("{err}\n")).into_response(),
    }
}

async fn sim_fail(State(sim): Sim, Path((status, count)): Path<(u16, usize)>) -> Response {
    lock(&sim.faults)
        .fail_next
        .extend(std::iter::repeat_n(status, count.min(MAX_QUEUED_FAULTS)));
    StatusCode::NO_CONTENT.into_response()
}
