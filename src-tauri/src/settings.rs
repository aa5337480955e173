//! The Settings screen's commands, except hotkeys and favourites: launch at login
//! (`tauri-plugin-autostart`, the entry starting Hearth hidden in the tray), the theme and
//! notifications (window-only preferences, `preferences.rs`), and the energy proxy (core's
//! `settings.json`, shared with `hearth-cli`).

use std::path::PathBuf;

use hearth_core::problem::Problem;
use hearth_core::settings::{EnergyProxy, Settings, SettingsError};
use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime, State};

use crate::preferences::{Preferences, Theme};
use crate::{CommandError, Startup};

/// The argument the login entry starts Hearth with: the window stays hidden, the tray is there.
pub const HIDDEN_ARG: &str = "--hidden";

/// Whether the command line asks to start hidden ([`HIDDEN_ARG`]).
pub fn hidden_from_args(args: impl IntoIterator<Item = String>) -> bool {
    args.into_iter().any(|arg| arg == HIDDEN_ARG)
}

/// Where the settings shared with `hearth-cli` are kept.
pub enum SharedSettings {
    /// `settings.json` in the configuration folder.
    Files(PathBuf),
    /// In memory until the app quits: the demo writes nothing to the user's configuration.
    /// Boxed: `Settings` (offers and all) is far larger than a path.
    Memory(Box<std::sync::Mutex<Settings>>),
}

impl SharedSettings {
    pub fn for_startup(startup: Startup) -> Self {
        match (startup, hearth_core::paths::config_dir()) {
            (Startup::Bridges, Some(dir)) => Self::Files(dir),
            // With no home folder the lights cannot open either, and say so.
            _ => Self::Memory(Box::default()),
        }
    }

    fn energy_proxy(&self) -> Result<Option<EnergyProxy>, SettingsError> {
        match self {
            Self::Files(dir) => Ok(Settings::load(dir)?.energy_proxy),
            Self::Memory(settings) => Ok(lock(settings).energy_proxy.clone()),
        }
    }

    fn set_energy_proxy(&self, proxy: Option<EnergyProxy>) -> Result<(), SettingsError> {
        match self {
            Self::Files(dir) => Settings::set_energy_proxy(dir, proxy).map(drop),
            Self::Memory(settings) => {
                lock(settings).energy_proxy = proxy;
                Ok(())
            }
        }
    }
}

fn lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// What the Settings screen shows.
#[derive(Debug, Serialize, specta::Type)]
pub struct SettingsView {
    pub theme: Theme,
    pub notifications: bool,
    /// Whether Hearth starts at login, as the system's login items say; `None` where this
    /// cannot be known or changed here.
    pub launch_at_login: Option<bool>,
    /// The energy proxy, if one was named.
    pub energy_proxy: Option<EnergyProxy>,
    /// Why the shared settings could not be read, if so.
    pub problem: Option<Problem>,
    /// The shared settings last only until Hearth quits (the demo writes no file).
    pub memory_only: bool,
}

#[tauri::command]
#[specta::specta]
pub fn settings_view<R: Runtime>(
    app: AppHandle<R>,
    shared: State<'_, SharedSettings>,
) -> SettingsView {
    let preferences = app.state::<Preferences>();
    let (energy_proxy, problem) = match shared.energy_proxy() {
        Ok(proxy) => (proxy, None),
        Err(err) => {
            log::warn!("could not read the shared settings: {err}");
            (None, Some(Problem::from(&err)))
        }
    };
    SettingsView {
        theme: preferences.theme(),
        notifications: preferences.notifications(),
        launch_at_login: launch_at_login(&app),
        energy_proxy,
        problem,
        memory_only: matches!(*shared, SharedSettings::Memory(_)),
    }
}

fn launch_at_login<R: Runtime>(app: &AppHandle<R>) -> Option<bool> {
    let manager = app.try_state::<tauri_plugin_autostart::AutoLaunchManager>()?;
    manager
        .is_enabled()
        .map_err(|err| log::warn!("could not read the login items: {err}"))
        .ok()
}

/// Starts Hearth at login (hidden, in the tray) or stops doing so; returns the state the system
/// reports afterwards.
#[tauri::command]
#[specta::specta]
pub fn set_launch_at_login<R: Runtime>(app: AppHandle<R>, on: bool) -> Result<bool, CommandError> {
    let manager = app
        .try_state::<tauri_plugin_autostart::AutoLaunchManager>()
        .ok_or_else(|| CommandError::LaunchAtLogin("not available here".to_owned()))?;
    let changed = if on {
        manager.enable()
    } else {
        manager.disable()
    };
    changed.map_err(|err| CommandError::LaunchAtLogin(err.to_string()))?;
    manager
        .is_enabled()
        .map_err(|err| CommandError::LaunchAtLogin(err.to_string()))
}

/// Keeps the theme for the next start (the page applies it itself at once).
#[tauri::command]
#[specta::specta]
pub fn set_theme<R: Runtime>(app: AppHandle<R>, theme: Theme) {
    app.state::<Preferences>().set_theme(&app, theme);
}

#[tauri::command]
#[specta::specta]
pub fn set_notifications<R: Runtime>(app: AppHandle<R>, on: bool) {
    app.state::<Preferences>().set_notifications(&app, on);
}

/// Names the energy proxy (checked: https, or http on this computer only); returns it as kept.
#[tauri::command]
#[specta::specta]
pub fn set_energy_proxy<R: Runtime>(
    app: AppHandle<R>,
    shared: State<'_, SharedSettings>,
    url: String,
    client_id: String,
) -> Result<EnergyProxy, CommandError> {
    let proxy = EnergyProxy::new(&url, &client_id)?;
    shared.set_energy_proxy(Some(proxy.clone()))?;
    follow_proxy(&app, &shared, Some(proxy.clone()));
    Ok(proxy)
}

#[tauri::command]
#[specta::specta]
pub fn clear_energy_proxy<R: Runtime>(
    app: AppHandle<R>,
    shared: State<'_, SharedSettings>,
) -> Result<(), CommandError> {
    shared.set_energy_proxy(None)?;
    follow_proxy(&app, &shared, None);
    Ok(())
}

/// The user's energy model follows the file at once (it would at its next look, too). The
/// demo's keeps the demo's proxy.
fn follow_proxy<R: Runtime>(
    app: &AppHandle<R>,
    shared: &SharedSettings,
    proxy: Option<EnergyProxy>,
) {
    if matches!(shared, SharedSettings::Files(_)) {
        crate::energy::proxy_changed(app, proxy);
    }
}

#[cfg(test)]
mod tests {
    use super::hidden_from_args;

    #[test]
    fn the_login_entry_s_argument_starts_hidden() {
        let args = |list: &[&str]| list.iter().map(|arg| (*arg).to_owned()).collect::<Vec<_>>();
        assert!(hidden_from_args(args(&["hearth", "--hidden"])));
        assert!(hidden_from_args(args(&["hearth", "--demo", "--hidden"])));
        assert!(!hidden_from_args(args(&["hearth"])));
        assert!(!hidden_from_args(args(&[
            "hearth",
            "hearth://open/settings"
        ])));
    }
}
