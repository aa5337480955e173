//! The commands the UI invokes. Each is a thin adapter over `hearth-core`; fallible ones return
//! [`CommandError`], serialized as a [`hearth_core::problem::Problem`]. `crate::ipc` lists them.

use hearth_core::favourites::Favourite;
use hearth_core::home::{Home, HomeStatus};
use hearth_core::lights::{BridgeView, Snapshot, Target};
use hearth_core::remote::{LinkStarted, ReceiverChoice, Registration, RemoteView};
use hearth_hue::discovery::DiscoveryReport;
use hearth_secret::Secret;
use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime, State};

use crate::CommandError;
use crate::hotkeys::{HotkeyAction, Hotkeys, HotkeysView};
use crate::language::Languages;
use crate::links::{Inbox, ReceivedLink};
use crate::texts::{Language, LanguageChoice};

#[derive(Debug, Serialize, specta::Type)]
pub struct AppInfo {
    pub name: String,
    pub version: String,
    /// The language the user chose (the system's unless they chose one).
    pub language: LanguageChoice,
    /// The system's language as Rust reads it (`LC_ALL`, `LC_MESSAGES`, `LANG`), so that the
    /// window and the tray agree even where the webview knows no such locale.
    pub system_language: Language,
    /// Where Hearth keeps its settings and paired bridges (shared with `hearth-cli`).
    pub config_dir: Option<String>,
    /// Where the shell keeps what only the window uses (Tauri's app data folder).
    pub data_dir: Option<String>,
    /// Where the app's log files go.
    pub log_dir: Option<String>,
    /// The energy history in use (shared with `hearth-cli`; the demo's own, in its temporary
    /// folder, while the demo runs): `HEARTH_DATA_DIR` set to its folder points the CLI at it.
    pub energy_history: Option<String>,
}

#[tauri::command]
#[specta::specta]
pub fn app_info<R: Runtime>(app: AppHandle<R>) -> AppInfo {
    let package = app.package_info();
    AppInfo {
        name: package.name.clone(),
        version: package.version.to_string(),
        language: app.state::<Languages>().choice(),
        system_language: app.state::<Languages>().system(),
        // Shown in the About panel only; a folder the OS cannot name is left out, not an error.
        config_dir: shown(hearth_core::paths::config_dir()),
        data_dir: shown(app.path().app_data_dir().ok()),
        log_dir: shown(app.path().app_log_dir().ok()),
        energy_history: app
            .state::<crate::energy::EnergyState>()
            .energy()
            .ok()
            .and_then(|energy| shown(Some(energy.history_path().to_owned()))),
    }
}

fn shown(dir: Option<std::path::PathBuf>) -> Option<String> {
    dir.map(|dir| dir.display().to_string())
}

/// Speaks `choice` from now on (the tray follows at once) and keeps it for the next run.
#[tauri::command]
#[specta::specta]
pub fn set_language<R: Runtime>(app: AppHandle<R>, choice: LanguageChoice) {
    app.state::<Languages>().choose(choice);
    crate::language::save(&app, choice);
}

#[tauri::command]
#[specta::specta]
pub fn last_deep_link(inbox: State<'_, Inbox>) -> Option<ReceivedLink> {
    inbox.last()
}

#[tauri::command]
#[specta::specta]
pub fn home_status(home: State<'_, Home>) -> HomeStatus {
    home.status()
}

#[tauri::command]
#[specta::specta]
pub fn lights_snapshot(home: State<'_, Home>) -> Snapshot {
    Snapshot::clone(&home.snapshot())
}

#[tauri::command]
#[specta::specta]
pub async fn start_demo<R: Runtime>(
    app: AppHandle<R>,
    home: State<'_, Home>,
) -> Result<(), CommandError> {
    hearth_demo::show(&home, hearth_demo::DemoOptions::default()).await?;
    crate::energy::start_demo(&app).await
}

/// Looks for bridges (mDNS and the Hue discovery endpoint unless switched off) and confirms the
/// addresses the user typed.
#[tauri::command]
#[specta::specta]
pub async fn discover_bridges(
    home: State<'_, Home>,
    manual: Vec<String>,
) -> Result<DiscoveryReport, CommandError> {
    Ok(home.lights()?.discover(&manual).await?)
}

/// Pairs with the bridge at `address`; each step (the link-button countdown) is a `pairing` event.
#[tauri::command]
#[specta::specta]
pub async fn pair_bridge<R: Runtime>(
    app: AppHandle<R>,
    home: State<'_, Home>,
    address: String,
) -> Result<BridgeView, CommandError> {
    Ok(home
        .pair(&address, |step| {
            crate::ipc::emit(&app, &crate::ipc::PairingStep(step));
        })
        .await?)
}

#[tauri::command]
#[specta::specta]
pub fn cancel_pairing(home: State<'_, Home>) {
    home.cancel_pairing();
}

#[tauri::command]
#[specta::specta]
pub async fn forget_bridge(home: State<'_, Home>, bridge_id: String) -> Result<(), CommandError> {
    Ok(home.lights()?.forget(&bridge_id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn set_on(home: State<'_, Home>, target: Target, on: bool) -> Result<(), CommandError> {
    Ok(home.lights()?.set_on(&target, on).await?)
}

/// Returns whether the target is now on.
#[tauri::command]
#[specta::specta]
pub async fn toggle(home: State<'_, Home>, target: Target) -> Result<bool, CommandError> {
    Ok(home.toggle(&target).await?)
}

/// `percent` from 0 to 100. A slider may call this as often as it moves: the pacer coalesces.
#[tauri::command]
#[specta::specta]
pub async fn set_brightness(
    home: State<'_, Home>,
    target: Target,
    percent: f64,
) -> Result<(), CommandError> {
    Ok(home.lights()?.set_brightness(&target, percent).await?)
}

/// `mirek` within the target's range (153 cold – 500 warm at most); switches it on. Paced like
/// brightness: a slider may call it as often as it moves.
#[tauri::command]
#[specta::specta]
pub async fn set_color_temperature(
    home: State<'_, Home>,
    target: Target,
    mirek: u16,
) -> Result<(), CommandError> {
    Ok(home.lights()?.set_color_temperature(&target, mirek).await?)
}

/// A CIE xy colour, which the UI keeps within the target's gamut (the bridge brings each light
/// of a room to the nearest it can show); switches it on. Paced like brightness.
#[tauri::command]
#[specta::specta]
pub async fn set_color(
    home: State<'_, Home>,
    target: Target,
    xy: hearth_hue::Xy,
) -> Result<(), CommandError> {
    Ok(home.lights()?.set_color_xy(&target, xy.clamped()).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn recall_scene(home: State<'_, Home>, scene_id: String) -> Result<(), CommandError> {
    Ok(home.lights()?.recall_scene(&scene_id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn all_off(home: State<'_, Home>) -> Result<(), CommandError> {
    Ok(home.lights()?.all_off().await?)
}

/// Stars a room, zone or scene, or not. The `lights` event that follows marks it.
#[tauri::command]
#[specta::specta]
pub fn set_favourite(
    home: State<'_, Home>,
    favourite: Favourite,
    on: bool,
) -> Result<(), CommandError> {
    Ok(home.lights()?.set_favourite(&favourite, on)?)
}

/// The shortcuts bound, and whether this desktop session allows any.
#[tauri::command]
#[specta::specta]
pub fn hotkeys_view(hotkeys: State<'_, Hotkeys>) -> HotkeysView {
    hotkeys.view()
}

/// Binds `shortcut` (as the window records it: `Control+Alt+KeyL`) to `action`. Refused whole
/// when another application holds it or it cannot be kept.
#[tauri::command]
#[specta::specta]
pub async fn bind_hotkey<R: Runtime>(
    app: AppHandle<R>,
    shortcut: String,
    action: HotkeyAction,
) -> Result<HotkeysView, CommandError> {
    // Registering waits for the plugin's X thread: off the async threads.
    tauri::async_runtime::spawn_blocking(move || crate::hotkeys::bind(&app, &shortcut, action))
        .await
        .map_err(CommandError::Tauri)?
        .map_err(CommandError::from)
}

/// Removes the binding of `shortcut` (as [`crate::hotkeys::Binding`] spells it).
#[tauri::command]
#[specta::specta]
pub async fn unbind_hotkey<R: Runtime>(
    app: AppHandle<R>,
    shortcut: String,
) -> Result<HotkeysView, CommandError> {
    tauri::async_runtime::spawn_blocking(move || crate::hotkeys::unbind(&app, &shortcut))
        .await
        .map_err(CommandError::Tauri)?
        .map_err(CommandError::from)
}

#[tauri::command]
#[specta::specta]
pub fn remote_view(home: State<'_, Home>) -> Option<RemoteView> {
    home.subscribe_remote().borrow().clone()
}

/// Saves the app registered on the Hue developer portal. The secret goes to the keychain and is
/// never sent back.
#[tauri::command]
#[specta::specta]
pub async fn remote_register(
    home: State<'_, Home>,
    client_id: String,
    client_secret: String,
    callback: Option<String>,
) -> Result<RemoteView, CommandError> {
    let registration = Registration {
        client_id,
        client_secret: Secret::from(client_secret),
        callback: callback.filter(|url| !url.trim().is_empty()),
        cloud_url: None,
    };
    Ok(home.remote()?.register(registration).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn remote_unregister(home: State<'_, Home>) -> Result<RemoteView, CommandError> {
    Ok(home.remote()?.unregister().await?)
}

/// Starts linking and opens the Hue consent page in the system browser (never in the app's
/// webview: RFC 8252). The flow then goes on by itself; `remote` events follow it.
#[tauri::command]
#[specta::specta]
pub async fn remote_start_link<R: Runtime>(
    app: AppHandle<R>,
    home: State<'_, Home>,
    choice: ReceiverChoice,
) -> Result<LinkStarted, CommandError> {
    let started = home.remote()?.start_link(choice).await?;
    crate::open_in_browser(&app, &started.authorize_url)?;
    Ok(started)
}

/// Opens the consent page of the link in progress again.
#[tauri::command]
#[specta::specta]
pub fn remote_open_again<R: Runtime>(
    app: AppHandle<R>,
    home: State<'_, Home>,
) -> Result<(), CommandError> {
    let view = home.remote()?.view();
    match view.flow {
        Some(hearth_core::remote::FlowView::Waiting { authorize_url, .. }) => {
            crate::open_in_browser(&app, &authorize_url)
        }
        _ => Err(hearth_core::remote::RemoteError::NoLinkInProgress.into()),
    }
}

/// The address the browser ended on, pasted by the user.
#[tauri::command]
#[specta::specta]
pub fn remote_paste(home: State<'_, Home>, url: String) -> Result<(), CommandError> {
    Ok(home.remote()?.deliver(&url)?)
}

#[tauri::command]
#[specta::specta]
pub fn remote_cancel_link(home: State<'_, Home>) -> Result<(), CommandError> {
    home.remote()?.cancel_link();
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn remote_unlink(home: State<'_, Home>) -> Result<RemoteView, CommandError> {
    Ok(home.remote()?.unlink().await?)
}

/// Demo only: takes the simulated bridge off the local network, or puts it back.
#[tauri::command]
#[specta::specta]
pub async fn set_demo_away(home: State<'_, Home>, away: bool) -> Result<(), CommandError> {
    Ok(hearth_demo::set_away(&home, away).await?)
}
