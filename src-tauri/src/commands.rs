//! The commands the UI invokes. Each is a thin adapter: the work happens in `hearth-core`.

use serde::Serialize;
use tauri::{AppHandle, Runtime, State};

use crate::error::CommandError;
use crate::links::{Inbox, ReceivedLink};

#[derive(Debug, Serialize)]
pub struct AppInfo {
    pub name: String,
    pub version: String,
}

#[tauri::command]
pub fn app_info<R: Runtime>(app: AppHandle<R>) -> Result<AppInfo, CommandError> {
    let package = app.package_info();
    Ok(AppInfo {
        name: package.name.clone(),
        version: package.version.to_string(),
    })
}

#[tauri::command]
pub fn last_deep_link(inbox: State<'_, Inbox>) -> Result<Option<ReceivedLink>, CommandError> {
    Ok(inbox.last())
}
