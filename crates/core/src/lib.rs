//! Hearth's app model, without Tauri.
//!
//! Everything the desktop shell (`src-tauri`) and the command line (`hearth-cli`) have in common
//! lives here, so that both behave the same and so that it can be tested without a window.
//!
//! - [`lights`]: bridges, their live state and commands, on the LAN or through the Hue cloud;
//! - [`remote`]: the Hue cloud account (registration, link, status, unlink) the lights use away
//!   from home;
//! - [`home`]: what the app shows (the user's lights or the demo's); [`demo`]: a simulated bridge
//!   and cloud;
//! - [`deeplink`], [`paths`].

pub mod deeplink;
pub mod demo;
pub mod home;
pub mod lights;
pub mod paths;
pub mod remote;
