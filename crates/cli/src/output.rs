//! What the commands print: aligned text for people, JSON (`--json`) for scripts. The JSON is the
//! app's own snapshot types, so scripts see what the UI sees.

use std::fmt::Write as _;

use hearth_core::lights::{ConnectionState, GroupView, LightsEvent, SceneView, Snapshot, Via};
use hearth_core::remote::{AccountState, FlowView, RemoteView};
use hearth_hue::discovery::DiscoveryReport;
use serde::Serialize;

fn json(value: &impl Serialize) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => println!("{text}"),
        Err(err) => eprintln!("hearth-cli: cannot write JSON: {err}"),
    }
}

fn brightness(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_owned(), |b| format!("{b:.0}%"))
}

fn on_off(on: bool) -> &'static str {
    if on { "on" } else { "off" }
}

pub fn bridges(snapshot: &Snapshot, as_json: bool) {
    if as_json {
        return json(&snapshot.bridges);
    }
    if snapshot.bridges.is_empty() {
        println!("No bridge paired yet: hearth-cli pair <address>");
    }
    for bridge in &snapshot.bridges {
        let state = match &bridge.connection {
            ConnectionState::Connecting => "connecting".to_owned(),
            ConnectionState::Live => "live".to_owned(),
            ConnectionState::Reconnecting { reason, .. } => format!("reconnecting ({reason})"),
            ConnectionState::Offline { reason, .. } => format!("offline ({reason})"),
        };
        let via = match bridge.via {
            Via::Local => "LAN",
            Via::Remote => "Hue cloud",
        };
        let address = if bridge.address.is_empty() {
            "(cloud only)"
        } else {
            bridge.address.as_str()
        };
        println!(
            "{}  {}  {address}  {state} via {via}",
            bridge.id, bridge.name
        );
    }
}

pub fn remote(view: &RemoteView, as_json: bool) {
    if as_json {
        return json(view);
    }
    let account = match &view.account {
        AccountState::NotLinked => "not linked".to_owned(),
        AccountState::Linked { expires_at, .. } => {
            let left = expires_at
                .and_then(|at| {
                    let now = std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .ok()?
                        .as_secs();
                    at.checked_sub(now)
                })
                .map_or_else(String::new, |secs| {
                    format!(
                        " (access token valid {}, renewed by itself)",
                        if secs >= 2 * 86_400 {
                            format!("{} more days", secs / 86_400)
                        } else {
                            format!("{} more hours", secs / 3600)
                        }
                    )
                });
            format!("linked{left}")
        }
        AccountState::NeedsRelink => "must be linked again: hearth-cli remote link".to_owned(),
        AccountState::SaveFailed => {
            "linked, but the renewed tokens could not be saved yet (the old ones still work)"
                .to_owned()
        }
    };
    println!("Remote access: {account}");
    match &view.client_id {
        Some(id) => println!("App:           client id {id}"),
        None => println!("App:           not registered (hearth-cli remote link --client-id …)"),
    }
    println!(
        "Callback:      {} (links with {})",
        view.callback.as_deref().unwrap_or("not given"),
        view.auto_receiver.as_str()
    );
    println!("Cloud:         {}", view.cloud);
    if let Some(bridge) = &view.bridge_id {
        println!("Bridge:        {bridge}");
    }
    if let Some(FlowView::Failed { message, .. }) = &view.flow {
        println!("Last link:     failed: {message}");
    }
    if let Some(problem) = &view.problem_message {
        println!("Problem:       {problem}");
    }
}

pub fn lights(snapshot: &Snapshot, as_json: bool) {
    if as_json {
        return json(&snapshot.lights);
    }
    let width = snapshot
        .lights
        .iter()
        .map(|l| l.name.len())
        .max()
        .unwrap_or(0);
    for light in &snapshot.lights {
        let mut abilities = String::new();
        if light.capabilities.color {
            abilities.push_str(" colour");
        }
        if let Some((min, max)) = light.capabilities.color_temperature {
            let _ = write!(abilities, " ct {min}-{max}");
        }
        let reach = if light.reachable { "" } else { "  unreachable" };
        println!(
            "{:width$}  {:3}  {:>4} {}{reach}  {}",
            light.name,
            on_off(light.on),
            brightness(light.brightness),
            abilities.trim_start(),
            light.id
        );
    }
}

pub fn groups(groups: &[GroupView], as_json: bool) {
    if as_json {
        return json(&groups);
    }
    let width = groups.iter().map(|g| g.name.len()).max().unwrap_or(0);
    for group in groups {
        println!(
            "{:width$}  {:3}  {:>4}  {} lights  {}",
            group.name,
            on_off(group.on),
            brightness(group.brightness.filter(|_| group.on)),
            group.lights.len(),
            group.id
        );
    }
}

pub fn scene_name(scene: &SceneView) -> String {
    match &scene.group_name {
        Some(group) => format!("{group}/{}", scene.name),
        None => scene.name.clone(),
    }
}

pub fn scenes(snapshot: &Snapshot, as_json: bool) {
    if as_json {
        return json(&snapshot.scenes);
    }
    let names: Vec<String> = snapshot.scenes.iter().map(scene_name).collect();
    let width = names.iter().map(String::len).max().unwrap_or(0);
    for (scene, name) in snapshot.scenes.iter().zip(names) {
        let active = if scene.active { "active" } else { "" };
        println!("{name:width$}  {active:6}  {}", scene.id);
    }
}

pub fn discovered(report: &DiscoveryReport, known: &[String], as_json: bool) {
    if as_json {
        return json(&report);
    }
    if report.bridges.is_empty() {
        println!("No bridge found.");
    }
    for bridge in &report.bridges {
        let sources: Vec<String> = bridge
            .sources
            .iter()
            .map(|s| format!("{s:?}").to_lowercase())
            .collect();
        let paired = if known.contains(&bridge.id) {
            "  (paired)"
        } else {
            ""
        };
        println!(
            "{}  {}  {}  found by {}{paired}",
            bridge.id,
            bridge.name,
            bridge.address,
            sources.join(", ")
        );
    }
}

pub fn event(event: &LightsEvent, as_json: bool) {
    if as_json {
        match serde_json::to_string(event) {
            Ok(line) => println!("{line}"),
            Err(err) => eprintln!("hearth-cli: cannot write JSON: {err}"),
        }
        return;
    }
    let change = &event.event.change;
    let kind = format!("{:?}", event.event.kind).to_lowercase();
    let what = event
        .name
        .as_deref()
        .map_or_else(|| event.event.id.clone(), |n| format!("{n:?}"));
    let mut line = format!("{} {kind} {what}", event.event.rtype);
    if let Some(on) = change.on {
        let _ = write!(line, " {}", on_off(on));
    }
    if let Some(b) = change.brightness {
        let _ = write!(line, " brightness={b:.1}");
    }
    if let Some(m) = change.mirek {
        let _ = write!(line, " mirek={m}");
    }
    if let Some(xy) = change.xy {
        let _ = write!(line, " xy={:.4},{:.4}", xy.x, xy.y);
    }
    if let Some(status) = &change.status {
        let _ = write!(line, " status={status}");
    }
    println!("{} {line}", event.event.creationtime);
}
