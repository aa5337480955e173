//! The language Rust speaks (the tray), as the user chose it in the window, and that choice kept
//! in `tauri-plugin-store` (a window-only preference) so that it outlives a restart.

use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_store::StoreExt;
use tokio::sync::watch;

use crate::texts::{Language, LanguageChoice};

/// The store file of the window's preferences (the theme, the window's settings and the
/// shortcuts are kept there too), and the key of the language in it.
pub(crate) const STORE: &str = "preferences.json";
const KEY: &str = "language";

/// Marks an app that registered `tauri-plugin-store` (the real one; the tests' mock runtime
/// does not): without it, the choice lasts until the app quits.
pub struct Stored;

/// The user's choice and the language it means, which the tray follows.
pub struct Languages {
    system: Language,
    choice: std::sync::Mutex<LanguageChoice>,
    current: watch::Sender<Language>,
}

impl Languages {
    pub fn new(system: Language, choice: LanguageChoice) -> Self {
        Self {
            system,
            choice: std::sync::Mutex::new(choice),
            current: watch::Sender::new(Language::chosen(choice, system)),
        }
    }

    /// The language now, and its changes.
    pub fn subscribe(&self) -> watch::Receiver<Language> {
        self.current.subscribe()
    }

    /// The system's language (what [`LanguageChoice::System`] means here).
    pub fn system(&self) -> Language {
        self.system
    }

    pub fn choice(&self) -> LanguageChoice {
        *self
            .choice
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Switches to `choice`; whoever follows [`Self::subscribe`] hears of it.
    pub fn choose(&self, choice: LanguageChoice) {
        *self
            .choice
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = choice;
        self.current
            .send_replace(Language::chosen(choice, self.system));
    }
}

/// The choice kept by an earlier run (the system's when there is none or it cannot be read).
pub fn saved<R: Runtime>(app: &AppHandle<R>) -> LanguageChoice {
    if app.try_state::<Stored>().is_none() {
        return LanguageChoice::System;
    }
    match app.store(STORE) {
        Ok(store) => store
            .get(KEY)
            .and_then(|value| serde_json::from_value(value).ok())
            .unwrap_or_default(),
        Err(err) => {
            log::warn!("could not read the window's preferences: {err}");
            LanguageChoice::System
        }
    }
}

/// Keeps `choice` for the next run. A failure costs only that: it is logged.
pub fn save<R: Runtime>(app: &AppHandle<R>, choice: LanguageChoice) {
    if app.try_state::<Stored>().is_none() {
        return;
    }
    let result = app.store(STORE).and_then(|store| {
        store.set(KEY, serde_json::json!(choice));
        store.save()
    });
    if let Err(err) = result {
        log::warn!("could not keep the language chosen: {err}");
    }
}
