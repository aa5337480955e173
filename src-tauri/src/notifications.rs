//! Desktop notifications for what happens while nobody looks at the window: `hearth_core::alerts`
//! decides when, from the home's snapshot and remote view; this shows them, in the language of
//! the tray, if the user has not switched them off in Settings.
//!
//! "Nobody looks" means the window is hidden, minimized or not focused: a window behind others
//! shows its banner to no one, while a focused one already says what a notification would.

use std::time::Duration;

use hearth_core::alerts::{Alert, Alerts, BRIDGE_OUTAGE, Seen};
use std::collections::BTreeSet;

use hearth_core::energy::{EnergyView, MeterState};
use hearth_core::home::Home;
use tauri::{AppHandle, Manager, Runtime};

use crate::MAIN_WINDOW;
use crate::energy::EnergyState;
use crate::language::Languages;
use crate::preferences::Preferences;

/// The meters that need a new link now and did not at the last look (`told` remembers which
/// were told, and forgets a meter linked again, so that losing it again is told again).
pub fn newly_needing_relink(told: &mut BTreeSet<String>, view: &EnergyView) -> Vec<String> {
    let now: BTreeSet<String> = view
        .meters
        .iter()
        .filter(|meter| meter.state == MeterState::NeedsRelink)
        .map(|meter| meter.prm.clone())
        .collect();
    let new = now.difference(told).cloned().collect();
    *told = now;
    new
}

/// Follows the energy model in use: a meter whose consent is gone is told once, while nobody
/// looks at the window (the screen says it to whoever does).
fn follow_energy<R: Runtime>(app: &AppHandle<R>) {
    let mut views = app.state::<EnergyState>().subscribe_view();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let mut told = BTreeSet::new();
        loop {
            let view = views.borrow_and_update().clone();
            if let Some(view) = view {
                for prm in newly_needing_relink(&mut told, &view) {
                    if !attended(&app) {
                        let texts = app
                            .state::<Languages>()
                            .subscribe()
                            .borrow()
                            .notifications();
                        notify(
                            &app,
                            &(texts.energy_relink_title)(&prm),
                            texts.energy_relink_body,
                        );
                    }
                }
            }
            if views.changed().await.is_err() {
                return;
            }
        }
    });
}

/// Follows the home for as long as the app runs, notifying as [`Alerts`] says.
pub fn follow<R: Runtime>(app: &AppHandle<R>) {
    follow_energy(app);
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
    notify(app, &title, body);
}

/// Shows a notification, unless the user switched them off (or the runtime has none).
fn notify<R: Runtime>(app: &AppHandle<R>, title: &str, body: &str) {
    use tauri_plugin_notification::NotificationExt as _;

    let enabled = app
        .try_state::<Preferences>()
        .is_none_or(|preferences| preferences.notifications());
    if !enabled {
        return;
    }
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use hearth_core::energy::{EnergyView, MeterState, MeterView};

    use super::newly_needing_relink;

    fn view(states: &[(&str, MeterState)]) -> EnergyView {
        EnergyView {
            proxy: None,
            demo: false,
            link: None,
            meters: states
                .iter()
                .map(|(prm, state)| MeterView {
                    prm: (*prm).to_owned(),
                    name: None,
                    state: state.clone(),
                    data_until: None,
                    last_day_wh: None,
                    next_sync: None,
                    consent_end: None,
                    consent_ending_soon: false,
                    subscribed_kva: None,
                    option: None,
                    produces: false,
                    load_curve_off: false,
                    problem: None,
                })
                .collect(),
            time_zone: "Europe/Paris".to_owned(),
            tempo: None,
        }
    }

    /// A meter losing its consent is told once; linked again and lost again, told again.
    #[test]
    fn a_meter_needing_a_new_link_is_told_once_per_loss() {
        let mut told = BTreeSet::new();
        let (a, b) = ("22516914714270", "24880057139941");
        let linked = view(&[(a, MeterState::Linked), (b, MeterState::Linked)]);
        assert!(newly_needing_relink(&mut told, &linked).is_empty());
        let lost = view(&[(a, MeterState::NeedsRelink), (b, MeterState::Linked)]);
        assert_eq!(newly_needing_relink(&mut told, &lost), [a]);
        assert!(newly_needing_relink(&mut told, &lost).is_empty());
        let both = view(&[(a, MeterState::NeedsRelink), (b, MeterState::NeedsRelink)]);
        assert_eq!(newly_needing_relink(&mut told, &both), [b]);
        assert!(newly_needing_relink(&mut told, &linked).is_empty());
        assert_eq!(newly_needing_relink(&mut told, &lost), [a]);
    }
}
