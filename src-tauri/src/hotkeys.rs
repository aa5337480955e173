//! Global shortcuts: key combinations the user binds, in Settings, to an action (toggle a room or
//! zone, all off, recall a scene) that works whichever application has the keyboard. The
//! bindings are a window-only preference, kept in `tauri-plugin-store` (`preferences.json`, as
//! the language is) and registered again at start, through `tauri-plugin-global-shortcut`.
//!
//! What the plugin does on Linux (its `global-hotkey` 0.8): an `XGrabKey` on the root window of
//! the X display in `DISPLAY`, from a thread of its own. So:
//! - another X client holding the combination makes the grab fail with `BadAccess`, which the
//!   plugin reports as a string (`global_hotkey::Error::AlreadyRegistered`, formatted): told
//!   apart here by formatting that same error ([`problem_of`]);
//! - in a Wayland session there is no way for an application to grab keys: under XWayland the
//!   grab succeeds but only sees keys typed into X11 windows, and with no X display at all the
//!   plugin's thread ends and every registration "succeeds" silently. Hearth does not pretend:
//!   [`Support::of_env`] says so, the plugin is not started, and Settings says why.
//!
//! A binding is refused whole: when the combination cannot be registered, or the preferences
//! cannot be saved (the registration is then undone), nothing of it stays.

use std::str::FromStr as _;
use std::sync::Mutex;

use hearth_core::home::Home;
use hearth_core::lights::{LightsError, Target};
use hearth_core::problem::Problem;
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_global_shortcut::{
    Code, GlobalShortcut, GlobalShortcutExt as _, Modifiers, Shortcut, ShortcutEvent, ShortcutState,
};
use tauri_plugin_store::StoreExt as _;

use crate::language::{STORE, Stored};

/// The key of the bindings in the preferences' store.
const KEY: &str = "hotkeys";

/// What a shortcut does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum HotkeyAction {
    /// Toggles a room or a zone.
    Toggle {
        target: Target,
    },
    AllOff,
    /// Recalls a scene, by id.
    Scene {
        scene_id: String,
    },
}

/// A key combination and what it does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Binding {
    /// As `tauri-plugin-global-shortcut` writes it (`shift+control+alt+super+KeyL`, the
    /// modifiers in that order): one spelling per combination.
    pub shortcut: String,
    pub action: HotkeyAction,
}

/// Whether this desktop session lets applications have global shortcuts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Support {
    Available,
    /// A Wayland session: only the desktop itself binds global shortcuts.
    Wayland,
    /// No display to grab keys on.
    NoDisplay,
}

impl Support {
    /// From the session's environment (Linux and the BSDs; elsewhere the plugin always works).
    pub fn of_env(var: impl Fn(&str) -> Option<String>) -> Self {
        if !cfg!(any(
            target_os = "linux",
            target_os = "freebsd",
            target_os = "openbsd",
            target_os = "netbsd",
            target_os = "dragonfly"
        )) {
            return Self::Available;
        }
        let set = |name: &str| var(name).is_some_and(|value| !value.is_empty());
        let wayland_session = var("XDG_SESSION_TYPE")
            .is_some_and(|kind| kind.eq_ignore_ascii_case("wayland"))
            || set("WAYLAND_DISPLAY");
        if wayland_session {
            Self::Wayland
        } else if set("DISPLAY") {
            Self::Available
        } else {
            Self::NoDisplay
        }
    }
}

/// What Settings shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct HotkeysView {
    pub support: Support,
    pub bindings: Vec<BindingView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct BindingView {
    #[serde(flatten)]
    pub binding: Binding,
    /// Registered now. False for a binding kept from an earlier run that could not be registered
    /// again at start (another application took the combination meanwhile).
    pub active: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum HotkeyError {
    #[error("another application holds {0}")]
    Taken(String),
    #[error("{0} is already bound to another action")]
    Bound(String),
    #[error("{0} is not a shortcut Hearth binds")]
    Invalid(String),
    #[error("this desktop session gives applications no global shortcuts")]
    Unavailable,
    #[error("could not register {shortcut}: {detail}")]
    Failed { shortcut: String, detail: String },
    #[error("could not keep the shortcuts: {0}")]
    Store(String),
}

impl HotkeyError {
    pub fn problem(&self) -> Problem {
        match self {
            Self::Taken(shortcut) => Problem::HotkeyTaken {
                shortcut: shortcut.clone(),
            },
            Self::Bound(shortcut) => Problem::HotkeyBound {
                shortcut: shortcut.clone(),
            },
            Self::Invalid(shortcut) => Problem::HotkeyInvalid {
                shortcut: shortcut.clone(),
            },
            Self::Unavailable => Problem::HotkeysUnavailable,
            Self::Failed { .. } | Self::Store(_) => Problem::Internal {
                detail: self.to_string(),
            },
        }
    }
}

/// The bindings and whether each is registered, shared by the commands and the handler.
pub struct Hotkeys {
    support: Support,
    /// Held only to read or replace the list: the handler reads it from the plugin's X thread,
    /// which is also the thread that answers registrations.
    bindings: Mutex<Vec<BindingView>>,
    /// Held for a whole change (registration, saving, the list), one change at a time.
    changing: Mutex<()>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Hotkeys {
    pub fn new(support: Support) -> Self {
        Self {
            support,
            bindings: Mutex::new(Vec::new()),
            changing: Mutex::new(()),
        }
    }

    pub fn view(&self) -> HotkeysView {
        HotkeysView {
            support: self.support,
            bindings: lock(&self.bindings).clone(),
        }
    }

    /// The action bound to `shortcut`, if any.
    fn action(&self, shortcut: &Shortcut) -> Option<HotkeyAction> {
        let spelled = shortcut.into_string();
        lock(&self.bindings)
            .iter()
            .find(|b| b.binding.shortcut == spelled)
            .map(|b| b.binding.action.clone())
    }
}

/// Reads a combination as the window records it (`Control+Alt+KeyL`, any order of modifiers,
/// any case) and refuses one that would stop a key from typing: a key that types needs Ctrl,
/// Alt or Super (Shift alone only changes what it types); function keys and the like may go
/// bare.
pub fn parse(typed: &str) -> Result<Shortcut, HotkeyError> {
    let shortcut =
        Shortcut::from_str(typed.trim()).map_err(|_| HotkeyError::Invalid(typed.to_owned()))?;
    let held = Modifiers::CONTROL | Modifiers::ALT | Modifiers::SUPER;
    if shortcut.mods.intersects(held) || !types(shortcut.key) {
        Ok(shortcut)
    } else {
        Err(HotkeyError::Invalid(typed.to_owned()))
    }
}

/// Whether `key` types something, moves the caret or edits: what a bare global shortcut would
/// take away from every application.
fn types(key: Code) -> bool {
    !matches!(
        key,
        Code::F1
            | Code::F2
            | Code::F3
            | Code::F4
            | Code::F5
            | Code::F6
            | Code::F7
            | Code::F8
            | Code::F9
            | Code::F10
            | Code::F11
            | Code::F12
            | Code::F13
            | Code::F14
            | Code::F15
            | Code::F16
            | Code::F17
            | Code::F18
            | Code::F19
            | Code::F20
            | Code::F21
            | Code::F22
            | Code::F23
            | Code::F24
            | Code::Pause
            | Code::ScrollLock
            | Code::MediaPlayPause
            | Code::MediaStop
            | Code::MediaTrackNext
            | Code::MediaTrackPrevious
            | Code::AudioVolumeUp
            | Code::AudioVolumeDown
            | Code::AudioVolumeMute
    )
}

/// What the UI is told when the plugin refuses `shortcut`: taken when its library said another
/// client holds it (the plugin hands that over as the library error's text).
pub fn problem_of(
    err: &tauri_plugin_global_shortcut::Error,
    shortcut: Shortcut,
    typed: &str,
) -> HotkeyError {
    let taken = global_hotkey::Error::AlreadyRegistered(shortcut).to_string();
    match err {
        tauri_plugin_global_shortcut::Error::GlobalHotkey(text) if *text == taken => {
            HotkeyError::Taken(typed.to_owned())
        }
        other => HotkeyError::Failed {
            shortcut: typed.to_owned(),
            detail: other.to_string(),
        },
    }
}

/// The plugin, with the handler that runs the bound actions; `None` where the session gives no
/// global shortcuts (started, it would only pretend).
pub fn plugin<R: Runtime>(support: Support) -> Option<tauri::plugin::TauriPlugin<R>> {
    (support == Support::Available).then(|| {
        tauri_plugin_global_shortcut::Builder::new()
            .with_handler(on_shortcut)
            .build()
    })
}

fn on_shortcut<R: Runtime>(app: &AppHandle<R>, shortcut: &Shortcut, event: ShortcutEvent) {
    if event.state != ShortcutState::Pressed {
        return;
    }
    let Some(action) = app.state::<Hotkeys>().action(shortcut) else {
        return;
    };
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        if let Err(err) = run(&app, &action).await {
            log::warn!("a shortcut's action failed: {err}");
            crate::notify(&app, &crate::CommandError::from(err));
        }
    });
}

/// Does what `action` says, on the lights in use.
pub async fn run<R: Runtime>(app: &AppHandle<R>, action: &HotkeyAction) -> Result<(), LightsError> {
    let lights = app.state::<Home>().lights()?;
    match action {
        HotkeyAction::Toggle { target } => lights.toggle(target).await.map(drop),
        HotkeyAction::AllOff => lights.all_off().await,
        HotkeyAction::Scene { scene_id } => lights.recall_scene(scene_id).await,
    }
}

fn global_shortcut<R: Runtime>(app: &AppHandle<R>) -> Result<&GlobalShortcut<R>, HotkeyError> {
    if app.state::<Hotkeys>().support != Support::Available
        || app.try_state::<GlobalShortcut<R>>().is_none()
    {
        return Err(HotkeyError::Unavailable);
    }
    Ok(app.global_shortcut())
}

/// Binds `typed` to `action`: registered, then kept; either failing leaves nothing behind.
pub fn bind<R: Runtime>(
    app: &AppHandle<R>,
    typed: &str,
    action: HotkeyAction,
) -> Result<HotkeysView, HotkeyError> {
    let plugin = global_shortcut(app)?;
    let shortcut = parse(typed)?;
    let binding = Binding {
        shortcut: shortcut.into_string(),
        action,
    };
    let hotkeys = app.state::<Hotkeys>();
    let _changing = lock(&hotkeys.changing);
    let mut next = lock(&hotkeys.bindings).clone();
    if let Some(existing) = next.iter().find(|b| b.binding.shortcut == binding.shortcut) {
        if existing.binding.action != binding.action {
            return Err(HotkeyError::Bound(typed.to_owned()));
        }
        if existing.active {
            return Ok(hotkeys.view());
        }
    }
    plugin
        .register(shortcut)
        .map_err(|err| problem_of(&err, shortcut, typed))?;
    next.retain(|b| b.binding.shortcut != binding.shortcut);
    next.push(BindingView {
        binding,
        active: true,
    });
    if let Err(err) = save(app, &next) {
        if let Err(undo) = plugin.unregister(shortcut) {
            log::warn!("could not undo the registration of {typed}: {undo}");
        }
        return Err(err);
    }
    *lock(&hotkeys.bindings) = next;
    Ok(hotkeys.view())
}

/// Removes the binding of `shortcut` (as [`Binding::shortcut`] spells it).
pub fn unbind<R: Runtime>(app: &AppHandle<R>, shortcut: &str) -> Result<HotkeysView, HotkeyError> {
    let hotkeys = app.state::<Hotkeys>();
    let _changing = lock(&hotkeys.changing);
    let mut next = lock(&hotkeys.bindings).clone();
    let Some(found) = next.iter().position(|b| b.binding.shortcut == shortcut) else {
        return Ok(hotkeys.view());
    };
    let found = next.remove(found);
    save(app, &next)?;
    if found.active
        && let Ok(plugin) = global_shortcut(app)
        && let Ok(parsed) = Shortcut::from_str(shortcut)
        && let Err(err) = plugin.unregister(parsed)
    {
        log::warn!("could not release {shortcut}: {err}");
    }
    *lock(&hotkeys.bindings) = next;
    Ok(hotkeys.view())
}

fn save<R: Runtime>(app: &AppHandle<R>, bindings: &[BindingView]) -> Result<(), HotkeyError> {
    if app.try_state::<Stored>().is_none() {
        return Ok(());
    }
    let kept: Vec<&Binding> = bindings.iter().map(|b| &b.binding).collect();
    let value = serde_json::to_value(kept).map_err(|err| HotkeyError::Store(err.to_string()))?;
    let store = app
        .store(STORE)
        .map_err(|err| HotkeyError::Store(err.to_string()))?;
    store.set(KEY, value);
    store
        .save()
        .map_err(|err| HotkeyError::Store(err.to_string()))
}

/// Registers again the bindings an earlier run kept. One that cannot be (another application
/// took it meanwhile) stays listed, inactive, for the user to see and change.
pub fn restore<R: Runtime>(app: &AppHandle<R>) {
    if app.try_state::<Stored>().is_none() {
        return;
    }
    let kept: Vec<Binding> = match app.store(STORE) {
        Ok(store) => store
            .get(KEY)
            .and_then(|value| serde_json::from_value(value).ok())
            .unwrap_or_default(),
        Err(err) => {
            log::warn!("could not read the shortcuts: {err}");
            return;
        }
    };
    let hotkeys = app.state::<Hotkeys>();
    let _changing = lock(&hotkeys.changing);
    let plugin = global_shortcut(app);
    let restored = kept
        .into_iter()
        .map(|binding| {
            let registered = match (&plugin, Shortcut::from_str(&binding.shortcut)) {
                (Ok(plugin), Ok(shortcut)) => plugin
                    .register(shortcut)
                    .map_err(|err| problem_of(&err, shortcut, &binding.shortcut).to_string()),
                (Err(err), _) => Err(err.to_string()),
                (_, Err(err)) => Err(err.to_string()),
            };
            if let Err(err) = &registered {
                log::warn!("shortcut {} not registered: {err}", binding.shortcut);
            }
            BindingView {
                binding,
                active: registered.is_ok(),
            }
        })
        .collect();
    *lock(&hotkeys.bindings) = restored;
}

#[cfg(test)]
mod tests {
    use std::str::FromStr as _;

    use tauri_plugin_global_shortcut::Shortcut;

    use super::{HotkeyError, Support, parse, problem_of};
    use crate::texts::tests::env;

    #[cfg(target_os = "linux")]
    #[test]
    fn a_wayland_session_gives_no_global_shortcuts_even_with_xwayland() {
        use Support::{Available, NoDisplay, Wayland};
        assert_eq!(Support::of_env(env(&[("DISPLAY", ":0")])), Available);
        assert_eq!(
            Support::of_env(env(&[("DISPLAY", ":0"), ("XDG_SESSION_TYPE", "x11")])),
            Available
        );
        // XWayland's DISPLAY does not help: its grabs see only keys typed into X11 windows.
        assert_eq!(
            Support::of_env(env(&[("DISPLAY", ":0"), ("XDG_SESSION_TYPE", "wayland")])),
            Wayland
        );
        assert_eq!(
            Support::of_env(env(&[("DISPLAY", ":1"), ("WAYLAND_DISPLAY", "wayland-0")])),
            Wayland
        );
        assert_eq!(Support::of_env(env(&[("WAYLAND_DISPLAY", "")])), NoDisplay);
        assert_eq!(Support::of_env(env(&[])), NoDisplay);
        assert_eq!(Support::of_env(env(&[("DISPLAY", "")])), NoDisplay);
    }

    #[test]
    fn combinations_are_spelled_one_way_and_bare_typing_keys_are_refused() {
        let spelled = |typed| parse(typed).map(Shortcut::into_string);
        assert_eq!(spelled("Control+Alt+KeyL").unwrap(), "control+alt+KeyL");
        assert_eq!(spelled("alt+control+keyl").unwrap(), "control+alt+KeyL");
        assert_eq!(spelled("Super+Digit1").unwrap(), "super+Digit1");
        assert_eq!(spelled("F7").unwrap(), "F7");
        assert_eq!(spelled("Shift+F7").unwrap(), "shift+F7");
        for refused in [
            "KeyL",
            "Shift+KeyL",
            "Space",
            "Shift+Digit1",
            "",
            "Control+",
            "Ctrl+Nope",
        ] {
            assert!(
                matches!(parse(refused), Err(HotkeyError::Invalid(typed)) if typed == refused),
                "{refused:?}"
            );
        }
    }

    /// The plugin's error for a combination another X client grabbed is the library's
    /// `AlreadyRegistered`, as text: it maps to `HotkeyTaken`; anything else is an internal
    /// error with the plugin's words.
    #[test]
    fn the_plugins_already_registered_is_taken() {
        let shortcut = Shortcut::from_str("control+alt+KeyL").unwrap();
        let plugin_error =
            |err: global_hotkey::Error| tauri_plugin_global_shortcut::Error::from(err);
        let taken = problem_of(
            &plugin_error(global_hotkey::Error::AlreadyRegistered(shortcut)),
            shortcut,
            "Control+Alt+KeyL",
        );
        assert_eq!(
            serde_json::to_value(taken.problem()).unwrap(),
            serde_json::json!({"kind": "hotkey_taken", "shortcut": "Control+Alt+KeyL"})
        );
        // Another shortcut's refusal is not this one's.
        let other = Shortcut::from_str("control+alt+KeyK").unwrap();
        let failed = problem_of(
            &plugin_error(global_hotkey::Error::AlreadyRegistered(other)),
            shortcut,
            "Control+Alt+KeyL",
        );
        assert!(matches!(failed, HotkeyError::Failed { .. }), "{failed:?}");
        let failed = problem_of(
            &plugin_error(global_hotkey::Error::FailedToRegister("no X".to_owned())),
            shortcut,
            "Control+Alt+KeyL",
        );
        assert_eq!(
            failed.problem(),
            hearth_core::problem::Problem::Internal {
                detail: "could not register Control+Alt+KeyL: Unable to register hotkey: no X"
                    .to_owned()
            }
        );
    }
}
