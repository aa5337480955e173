//! Hearth's app model, without Tauri.
//!
//! Everything the desktop shell (`src-tauri`) and the command line (`hearth-cli`) have in common
//! lives here, so that both behave the same and so that it can be tested without a window.

pub mod deeplink;
pub mod demo;
pub mod home;
pub mod lights;
pub mod paths;
