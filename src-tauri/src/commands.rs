//! The commands the UI invokes. Each is a thin adapter: the work happens in `hearth-core`.
//! Commands that can fail return [`crate::CommandError`], serialized as `{kind, message}`.

use serde::Serialize;
use tauri::{AppHandle, Runtime, State};

use crate::links::{Inbox, ReceivedLink};

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
