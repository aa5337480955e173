//! The window's own preferences besides the language (`language.rs`): the theme and whether to
//! notify. Window-only, so kept in `tauri-plugin-store` next to the language, never in core's
//! `settings.json` (which `hearth-cli` reads and has no use for them).

use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_store::StoreExt;

use crate::language::{STORE, Stored};

const THEME: &str = "theme";
const NOTIFICATIONS: &str = "notifications";
/// The last red Tempo day the user was warned of (`YYYY-MM-DD`), so that a restart the same
/// evening does not warn again.
const RED_DAY_TOLD: &str = "tempo_red_day_told";

/// The window's colours: the system's (followed live), or always light or dark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

impl Theme {
    /// The value of `data-theme` on the page's root element, which the style sheet reads.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::System => "system",
            Self::Light => "light",
            Self::Dark => "dark",
        }
    }

    /// A script the webview runs before the page's own, so that the first paint is already in
    /// the chosen colours. Its only variable part is [`Self::as_str`], one of three fixed words.
    pub fn initialization_script(self) -> String {
        format!(
            "(function () {{\n\
             var theme = \"{}\";\n\
             function apply() {{ document.documentElement.dataset.theme = theme; }}\n\
             if (document.documentElement) {{ apply(); return; }}\n\
             new MutationObserver(function (_, observer) {{\n\
               if (document.documentElement) {{ apply(); observer.disconnect(); }}\n\
             }}).observe(document, {{ childList: true }});\n\
             }})();",
            self.as_str()
        )
    }
}

/// The preferences in use, read from the store at start.
pub struct Preferences {
    theme: std::sync::Mutex<Theme>,
    notifications: AtomicBool,
    red_day_told: std::sync::Mutex<Option<jiff::civil::Date>>,
}

impl Default for Preferences {
    fn default() -> Self {
        Self {
            theme: std::sync::Mutex::new(Theme::System),
            notifications: AtomicBool::new(true),
            red_day_told: std::sync::Mutex::new(None),
        }
    }
}

impl Preferences {
    /// What an earlier run kept (defaults where nothing was, or it cannot be read).
    pub fn saved<R: Runtime>(app: &AppHandle<R>) -> Self {
        let preferences = Self::default();
        if let Some(theme) = load(app, THEME) {
            *hearth_lock(&preferences.theme) = theme;
        }
        if let Some(on) = load(app, NOTIFICATIONS) {
            preferences.notifications.store(on, Ordering::Relaxed);
        }
        *hearth_lock(&preferences.red_day_told) =
            load::<R, String>(app, RED_DAY_TOLD).and_then(|day| day.parse().ok());
        preferences
    }

    pub fn theme(&self) -> Theme {
        *hearth_lock(&self.theme)
    }

    pub fn notifications(&self) -> bool {
        self.notifications.load(Ordering::Relaxed)
    }

    pub fn set_theme<R: Runtime>(&self, app: &AppHandle<R>, theme: Theme) {
        *hearth_lock(&self.theme) = theme;
        save(app, THEME, theme);
    }

    pub fn set_notifications<R: Runtime>(&self, app: &AppHandle<R>, on: bool) {
        self.notifications.store(on, Ordering::Relaxed);
        save(app, NOTIFICATIONS, on);
    }

    /// The last red Tempo day the user was warned of.
    pub fn red_day_told(&self) -> Option<jiff::civil::Date> {
        *hearth_lock(&self.red_day_told)
    }

    pub fn set_red_day_told<R: Runtime>(&self, app: &AppHandle<R>, day: jiff::civil::Date) {
        *hearth_lock(&self.red_day_told) = Some(day);
        save(app, RED_DAY_TOLD, day.to_string());
    }
}

fn hearth_lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn load<R: Runtime, T: serde::de::DeserializeOwned>(app: &AppHandle<R>, key: &str) -> Option<T> {
    // The tests' mock runtime has no store: defaults there.
    app.try_state::<Stored>()?;
    match app.store(STORE) {
        Ok(store) => store
            .get(key)
            .and_then(|value| serde_json::from_value(value).ok()),
        Err(err) => {
            log::warn!("could not read the window's preferences: {err}");
            None
        }
    }
}

/// Keeps `value` for the next run. A failure costs only that: it is logged.
fn save<R: Runtime, T: Serialize>(app: &AppHandle<R>, key: &str, value: T) {
    if app.try_state::<Stored>().is_none() {
        return;
    }
    let result = app.store(STORE).and_then(|store| {
        store.set(key, serde_json::json!(value));
        store.save()
    });
    if let Err(err) = result {
        log::warn!("could not keep the preference `{key}`: {err}");
    }
}

#[cfg(test)]
mod tests {
    use super::Theme;

    #[test]
    fn the_initialization_script_names_the_theme_and_nothing_else() {
        for theme in [Theme::System, Theme::Light, Theme::Dark] {
            let script = theme.initialization_script();
            assert!(
                script.contains(&format!("var theme = \"{}\";", theme.as_str())),
                "{script}"
            );
            assert_eq!(
                serde_json::to_value(theme).unwrap(),
                serde_json::json!(theme.as_str())
            );
        }
    }
}
