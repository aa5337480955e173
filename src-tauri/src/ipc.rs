//! The IPC surface, declared once: the commands the webview may call, the events Rust sends it
//! and the constants it shares with Rust. `ui/src/lib/bindings.ts` is generated from here (types,
//! commands, events, constants); a test fails when the committed file is not what this generates,
//! and another when `build.rs`'s list or the capability's permissions differ from [`commands`].

use hearth_core::home::HomeStatus;
use hearth_core::lights::{PairingProgress, Snapshot};
use hearth_core::problem::Problem;
use hearth_core::remote::RemoteView;
use serde::Serialize;
use tauri::{AppHandle, Emitter, Runtime};
use tauri_specta::{Builder, Commands, ErrorHandlingMode, Event, Events};

use crate::links::ReceivedLink;
use crate::{commands, energy, settings};

/// `command_names.rs`, for the test that checks it.
#[cfg(test)]
pub mod names {
    include!("command_names.rs");
}

/// Every command the UI may invoke. `build.rs` declares the same names (from
/// `command_names.rs`), each granted by `capabilities/main.json`: a test checks the three agree.
pub fn commands<R: Runtime>() -> Commands<R> {
    // The runtime named here is only for the types (Tauri's handler is built for `R`), and the
    // macro cannot name `R`: it defines items of its own.
    tauri_specta::collect_commands![
        commands::app_info::<tauri::Wry>,
        commands::last_deep_link,
        commands::home_status,
        commands::lights_snapshot,
        commands::start_demo::<tauri::Wry>,
        commands::discover_bridges,
        commands::pair_bridge::<tauri::Wry>,
        commands::cancel_pairing,
        commands::forget_bridge,
        commands::set_on,
        commands::toggle,
        commands::set_brightness,
        commands::set_color_temperature,
        commands::set_color,
        commands::recall_scene,
        commands::all_off,
        commands::set_favourite,
        commands::hotkeys_view,
        commands::bind_hotkey::<tauri::Wry>,
        commands::unbind_hotkey::<tauri::Wry>,
        commands::remote_view,
        commands::remote_register,
        commands::remote_unregister,
        commands::remote_start_link::<tauri::Wry>,
        commands::remote_open_again::<tauri::Wry>,
        commands::remote_paste,
        commands::remote_cancel_link,
        commands::remote_unlink,
        commands::set_demo_away,
        commands::set_language::<tauri::Wry>,
        settings::settings_view::<tauri::Wry>,
        settings::set_launch_at_login::<tauri::Wry>,
        settings::set_theme::<tauri::Wry>,
        settings::set_notifications::<tauri::Wry>,
        settings::set_energy_proxy::<tauri::Wry>,
        settings::clear_energy_proxy::<tauri::Wry>,
        energy::energy_view,
        energy::energy_daily,
        energy::energy_production,
        energy::energy_load_curve,
        energy::energy_max_power,
        energy::energy_totals,
        energy::energy_costs,
        energy::energy_compare,
        energy::energy_offer,
        energy::energy_set_offer,
        energy::energy_set_windows,
        energy::energy_remove_windows,
        energy::energy_set_show_tempo,
        energy::energy_start_link::<tauri::Wry>,
        energy::energy_open_link_page::<tauri::Wry>,
        energy::energy_cancel_link,
        energy::energy_unlink,
        energy::energy_sync_now,
        energy::energy_save_csv::<tauri::Wry>,
    ]
}

/// A `hearth://` link the app accepted (what the UI may know of it).
#[derive(Clone, Debug, Serialize, specta::Type, tauri_specta::Event)]
#[tauri_specta(event_name = "deep-link")]
pub struct DeepLinkReceived(pub ReceivedLink);

/// The lights' snapshot, after every change.
#[derive(Clone, Debug, Serialize, specta::Type, tauri_specta::Event)]
#[tauri_specta(event_name = "lights")]
pub struct LightsChanged(pub Snapshot);

/// The home's status (ready, demo), after every change.
#[derive(Clone, Debug, Serialize, specta::Type, tauri_specta::Event)]
#[tauri_specta(event_name = "home")]
pub struct HomeChanged(pub HomeStatus);

/// A pairing step (the link-button countdown).
#[derive(Clone, Debug, Serialize, specta::Type, tauri_specta::Event)]
#[tauri_specta(event_name = "pairing")]
pub struct PairingStep(pub PairingProgress);

/// Something the user should know that no command of theirs returned (a tray action failed).
#[derive(Clone, Debug, Serialize, specta::Type, tauri_specta::Event)]
#[tauri_specta(event_name = "notice")]
pub struct Notice(pub Problem);

/// Remote access (account, link in progress), after every change; `null` until the lights are
/// open.
#[derive(Clone, Debug, Serialize, specta::Type, tauri_specta::Event)]
#[tauri_specta(event_name = "remote")]
pub struct RemoteChanged(pub Option<RemoteView>);

/// The energy screen's state, after every change (a link's step, a sync's progress, a meter
/// linked or unlinked here or by `hearth-cli`).
#[derive(Clone, Debug, Serialize, specta::Type, tauri_specta::Event)]
#[tauri_specta(event_name = "energy")]
pub struct EnergyChanged(pub hearth_core::energy::EnergyView);

pub fn events() -> Events {
    tauri_specta::collect_events![
        DeepLinkReceived,
        LightsChanged,
        HomeChanged,
        PairingStep,
        Notice,
        RemoteChanged,
        EnergyChanged,
    ]
}

/// Sends `event` to the UI under its declared name.
pub fn emit<R: Runtime, E: Event + Serialize>(app: &AppHandle<R>, event: &E) {
    if let Err(err) = app.emit(E::NAME, event) {
        log::warn!("could not send `{}` to the UI: {err}", E::NAME);
    }
}

/// The Hue cloud's address as [`RemoteView::cloud`] shows it when no other cloud is configured.
fn default_cloud_url() -> String {
    url::Url::parse(hearth_hue::remote::DEFAULT_BASE_URL).map_or_else(
        |_| hearth_hue::remote::DEFAULT_BASE_URL.to_owned(),
        String::from,
    )
}

/// Commands, events and the constants the UI shares with Rust. Commands throw their
/// [`crate::CommandError`] (a `Problem`) as Tauri's `invoke` does.
pub fn builder<R: Runtime>() -> Builder<R> {
    Builder::new()
        .commands(commands())
        .events(events())
        .error_handling(ErrorHandlingMode::Throw)
        // One shape per type: what Rust sends is what the UI reads.
        .disable_serde_phases()
        .constant(
            "PAIRING_WINDOW_SECS",
            hearth_core::lights::PAIRING_TIMEOUT.as_secs(),
        )
        .constant("DEFAULT_CLOUD_URL", default_cloud_url())
        .constant(
            "DEFAULT_LOOPBACK_PORT",
            hearth_oauth::receiver::DEFAULT_PORT,
        )
        .constant(
            "DEEP_LINK_REDIRECT",
            hearth_oauth::receiver::DEEP_LINK_REDIRECT,
        )
        // The options an offer can be, with their periods: the offer form's choices and fields.
        .constant("OFFER_OPTIONS", hearth_core::energy::offer_options())
        // The national off-peak hours, said by the screens where the meter's are not known.
        .constant(
            "DEFAULT_OFFPEAK",
            hearth_core::energy::costs::default_offpeak(),
        )
}

/// The generated TypeScript, as `ui/src/lib/bindings.ts` holds it (its test writes it).
#[cfg(test)]
pub fn typescript<R: Runtime>(path: &std::path::Path) -> Result<(), specta_typescript::Error> {
    builder::<R>().export(
        specta_typescript::Typescript::default().header(
            "// Generated from Rust by src-tauri/src/ipc.rs: do not edit. After a change there,\n\
             // `UPDATE_EXPECT=1 cargo test -p hearth-app bindings` writes it again.\n\
             /* eslint-disable */",
        ),
        path,
    )
}
