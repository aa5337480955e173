//! Desktop notifications for what happens while nobody looks at the window: `hearth_core::alerts`
//! decides when, from the home's snapshot and remote view; this shows them, in the language of
//! the tray, if the user has not switched them off in Settings.
//!
//! "Nobody looks" means the window is hidden, minimized or not focused: a window behind others
//! shows its banner to no one, while a focused one already says what a notification would.

use std::time::Duration;

use hearth_core::alerts::{Alert, Alerts, BRIDGE_OUTAGE, Seen};
use hearth_core::home::Home;
use tauri::{AppHandle, Manager, Runtime};

use crate::MAIN_WINDOW;
use crate::language::Languages;
use crate::preferences::Preferences;

/// Follows the home for as long as the app runs, notifying as [`Alerts`] says.
pub fn follow<R: Runtime>(app: &AppHandle<R>) {
    let home = app.state::<Home>().inner().clone();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let mut snapshots = home.subscribe();
        let mut remote = home.subscribe_remote();
        let mut alerts = Alerts::new(outage_delay());
        loop {
            let snapshot = snapshots.borrow_and_update().clone();
            let view = remote.borrow_and_update().clone();
            let seen = Seen {
                snapshot: &snapshot,
                remote: view.as_ref(),
                attended: attended(&app),
            };
            for alert in alerts.observe(std::time::Instant::now(), seen) {
                show(&app, &alert);
            }
            // An outage becomes worth telling with no change to the home: wake up for it.
            let due = alerts.next_due().map(tokio::time::Instant::from_std);
            tokio::select! {
                changed = snapshots.changed() => if changed.is_err() { return },
                changed = remote.changed() => if changed.is_err() { return },
                () = sleep_until(due) => {}
            }
        }
    });
}

async fn sleep_until(due: Option<tokio::time::Instant>) {
    match due {
        Some(due) => tokio::time::sleep_until(due).await,
        None => std::future::pending().await,
    }
}

/// How long a bridge is out of reach before the user is told: [`BRIDGE_OUTAGE`], or in debug
/// builds `HEARTH_BRIDGE_OUTAGE_SECS` (for the end-to-end test, which cannot wait 5 minutes).
fn outage_delay() -> Duration {
    #[cfg(debug_assertions)]
    if let Some(secs) = std::env::var("HEARTH_BRIDGE_OUTAGE_SECS")
        .ok()
        .and_then(|secs| secs.parse().ok())
    {
        return Duration::from_secs(secs);
    }
    BRIDGE_OUTAGE
}

/// The window is on screen, not minimized, and focused.
fn attended<R: Runtime>(app: &AppHandle<R>) -> bool {
    app.get_webview_window(MAIN_WINDOW).is_some_and(|window| {
        window.is_visible().unwrap_or(false)
            && !window.is_minimized().unwrap_or(false)
            && window.is_focused().unwrap_or(false)
    })
}

fn show<R: Runtime>(app: &AppHandle<R>, alert: &Alert) {
    use tauri_plugin_notification::NotificationExt as _;

    let enabled = app
        .try_state::<Preferences>()
        .is_none_or(|preferences| preferences.notifications());
    // Bridge names are the user's own words, not secrets: the log says what was (not) told.
    log::info!(
        "{} {alert:?}",
        if enabled {
            "notifying"
        } else {
            "not notifying (switched off)"
        }
    );
    if !enabled {
        return;
    }
    let language = *app.state::<Languages>().subscribe().borrow();
    let texts = language.notifications();
    let (title, body) = match alert {
        Alert::RemoteNeedsRelink => (texts.relink_title.to_owned(), texts.relink_body),
        Alert::BridgeUnreachable { name, .. } => {
            ((texts.unreachable_title)(name), texts.unreachable_body)
        }
        Alert::BridgeBack { name, .. } => ((texts.back_title)(name), texts.back_body),
    };
    // The tests' mock runtime has no notification plugin.
    if app
        .try_state::<tauri_plugin_notification::Notification<R>>()
        .is_none()
    {
        return;
    }
    if let Err(err) = app.notification().builder().title(title).body(body).show() {
        log::warn!("could not show a notification: {err}");
    }
}
