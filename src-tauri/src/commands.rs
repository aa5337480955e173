//! The commands the UI invokes. Each is a thin adapter over `hearth-core`; fallible ones return
//! [`CommandError`], serialized as `{kind, message}`.

use hearth_core::demo::DemoOptions;
use hearth_core::home::{Home, HomeStatus};
use hearth_core::lights::{BridgeView, Snapshot, Target};
use hearth_hue::discovery::DiscoveryReport;
use serde::Serialize;
use tauri::{AppHandle, Emitter, Runtime, State};

use crate::CommandError;
use crate::links::{Inbox, ReceivedLink};

/// Events the UI listens to.
pub mod events {
    /// The lights' snapshot, after every change.
    pub const LIGHTS: &str = "lights";
    /// The home's status (ready, demo).
    pub const HOME: &str = "home";
    /// A pairing step (the link-button countdown).
    pub const PAIRING: &str = "pairing";
    /// Something the user should know that no command of theirs returned (a tray action failed).
    pub const NOTICE: &str = "notice";
}

#[derive(Debug, Serialize)]
pub struct AppInfo {
    pub name: String,
    pub version: String,
}

#[tauri::command]
pub fn app_info<R: Runtime>(app: AppHandle<R>) -> AppInfo {
    let package = app.package_info();
    AppInfo {
        name: package.name.clone(),
        version: package.version.to_string(),
    }
}

#[tauri::command]
pub fn last_deep_link(inbox: State<'_, Inbox>) -> Option<ReceivedLink> {
    inbox.last()
}

#[tauri::command]
pub fn home_status(home: State<'_, Home>) -> HomeStatus {
    home.status()
}

#[tauri::command]
pub fn lights_snapshot(home: State<'_, Home>) -> Snapshot {
    Snapshot::clone(&home.snapshot())
}

#[tauri::command]
pub async fn start_demo(home: State<'_, Home>) -> Result<(), CommandError> {
    Ok(home.start_demo(DemoOptions::default()).await?)
}

/// Looks for bridges (mDNS and the Hue discovery endpoint unless switched off) and confirms the
/// addresses the user typed.
#[tauri::command]
pub async fn discover_bridges(
    home: State<'_, Home>,
    manual: Vec<String>,
) -> Result<DiscoveryReport, CommandError> {
    Ok(home.lights()?.discover(&manual).await?)
}

/// Pairs with the bridge at `address`; each step (the link-button countdown) is a `pairing` event.
#[tauri::command]
pub async fn pair_bridge<R: Runtime>(
    app: AppHandle<R>,
    home: State<'_, Home>,
    address: String,
) -> Result<BridgeView, CommandError> {
    Ok(home
        .pair(&address, |step| {
            if let Err(err) = app.emit(events::PAIRING, &step) {
                log::warn!("could not show a pairing step: {err}");
            }
        })
        .await?)
}

#[tauri::command]
pub fn cancel_pairing(home: State<'_, Home>) {
    home.cancel_pairing();
}

#[tauri::command]
pub async fn forget_bridge(home: State<'_, Home>, bridge_id: String) -> Result<(), CommandError> {
    Ok(home.lights()?.forget(&bridge_id).await?)
}

#[tauri::command]
pub async fn set_on(home: State<'_, Home>, target: Target, on: bool) -> Result<(), CommandError> {
    Ok(home.lights()?.set_on(&target, on).await?)
}

/// Returns whether the target is now on.
#[tauri::command]
pub async fn toggle(home: State<'_, Home>, target: Target) -> Result<bool, CommandError> {
    Ok(home.toggle(&target).await?)
}

/// `percent` from 0 to 100. A slider may call this as often as it moves: the pacer coalesces.
#[tauri::command]
pub async fn set_brightness(
    home: State<'_, Home>,
    target: Target,
    percent: f64,
) -> Result<(), CommandError> {
    Ok(home.lights()?.set_brightness(&target, percent).await?)
}

#[tauri::command]
pub async fn recall_scene(home: State<'_, Home>, scene_id: String) -> Result<(), CommandError> {
    Ok(home.lights()?.recall_scene(&scene_id).await?)
}

#[tauri::command]
pub async fn all_off(home: State<'_, Home>) -> Result<(), CommandError> {
    Ok(home.lights()?.all_off().await?)
}
