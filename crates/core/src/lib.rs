//! Hearth's app model, without Tauri.
//!
//! Everything the desktop shell (`src-tauri`) and the command line (`hearth-cli`) have in common
//! lives here, so that both behave the same and so that it can be tested without a window.
//!
//! - [`lights`]: bridges, their live state and commands, on the LAN or through the Hue cloud;
//! - [`remote`]: the Hue cloud account (registration, link, status, unlink) the lights use away
//!   from home;
//! - [`home`]: what the app shows (the user's lights, or a demo it is given by `hearth-demo`);
//! - [`energy`]: what the energy screen shows (its state and its charts' series), token-free;
//! - [`settings`]: the settings the CLI shares with the app (`settings.json`), among them the
//!   [`favourites`] the window, the tray and the CLI show;
//! - [`problem`]: errors as the UI shows them, a kind and its parameters;
//! - [`alerts`]: when to notify the user of what happened while the window was not watched;
//!   [`red_day`]: when to warn of a red Tempo day, the evening before;
//! - [`deeplink`], [`paths`].

pub mod alerts;
pub mod deeplink;
pub mod energy;
pub mod favourites;
pub mod home;
pub mod lights;
pub mod paths;
pub mod problem;
pub mod red_day;
pub mod remote;
pub mod settings;
mod storage;

/// Locks a mutex even if a holder panicked: one failed call should not take the model down.
pub(crate) fn lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
