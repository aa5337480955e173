//! The energy screen's commands, each a few lines over `hearth_core::energy::Energy`, and what
//! follows it: the `energy` event (the view after every change), the system browser for the
//! link page, the save dialog for CSV. The model in use is the user's (opened with the lights)
//! or the demo's (*Try the demo* starts `hearth_demo::EnergyDemo` and points a model at it).

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use hearth_core::energy::{
    ComparisonView, CostSeries, DailySeries, Energy, EnergyOptions, EnergyView, LoadCurve,
    MaxPowerSeries, OfferChoice, OfferView, TimeRange, Totals, parse_day,
};
use hearth_core::problem::Problem;
use hearth_core::settings::EnergyProxy;
use hearth_demo::EnergyDemo;
use tauri::{AppHandle, Manager, Runtime, State};
use tokio::sync::watch;

use crate::CommandError;

/// The energy model in use, and the demo behind it when it is the demo's.
#[derive(Default)]
pub struct EnergyState {
    slot: Mutex<Slot>,
    /// Bumped each time the model is replaced, so that the forwarder follows the new one.
    replaced: watch::Sender<u64>,
    /// The view of the model in use, whichever it is (the tray and the notifications follow it).
    current: watch::Sender<Option<EnergyView>>,
}

#[derive(Default)]
struct Slot {
    energy: Option<Energy>,
    /// Kept alive while its model is shown; dropping it stops the simulator and the proxy.
    demo: Option<Arc<EnergyDemo>>,
}

impl EnergyState {
    fn slot(&self) -> MutexGuard<'_, Slot> {
        self.slot.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The model in use (`EnergyNoProxy`-like until one is open: the lights start first).
    pub fn energy(&self) -> Result<Energy, CommandError> {
        self.slot()
            .energy
            .clone()
            .ok_or(CommandError::Energy(Problem::EnergyNoProxy))
    }

    /// Uses `energy` from now on (its background task spawned), `demo` kept alive beside it.
    pub fn set(&self, energy: Energy, demo: Option<EnergyDemo>) {
        tauri::async_runtime::spawn(energy.background());
        {
            let mut slot = self.slot();
            slot.energy = Some(energy);
            slot.demo = demo.map(Arc::new);
        }
        self.replaced.send_modify(|n| *n += 1);
    }

    /// Follows the view of the model in use, across a switch to the demo.
    pub fn subscribe_view(&self) -> watch::Receiver<Option<EnergyView>> {
        self.current.subscribe()
    }

    /// The demo's simulated Enedis, while the demo is shown (tests read its data there).
    pub fn demo(&self) -> Option<Arc<EnergyDemo>> {
        self.slot().demo.clone()
    }
}

/// The user's energy, beside their lights: the history in core's data folder, the proxy from
/// `settings.json`, the tokens in `secrets`.
pub async fn open_user<R: Runtime>(
    app: &AppHandle<R>,
    secrets: Arc<dyn hearth_secret::SecretStore>,
) {
    let (Some(config), Some(data)) = (
        hearth_core::paths::config_dir(),
        hearth_core::paths::data_dir(),
    ) else {
        log::warn!("no home folder: the energy screen cannot keep a history");
        return;
    };
    // Opening the history is file I/O: off the async threads.
    let opened = tauri::async_runtime::spawn_blocking(move || {
        Energy::open(&config, &data, secrets, EnergyOptions::default())
    })
    .await;
    match opened {
        Ok(Ok(energy)) => app.state::<EnergyState>().set(energy, None),
        Ok(Err(err)) => log::error!("could not open the energy history: {err}"),
        Err(err) => log::error!("could not open the energy history: {err}"),
    }
}

/// *Try the demo*'s energy: the Enedis simulator and a proxy in this process, the model pointed
/// at them in memory (nothing written to the user's settings), its prices and Tempo colours
/// fetched from the demo's simulators, the household's offers set.
pub async fn start_demo<R: Runtime>(app: &AppHandle<R>) -> Result<(), CommandError> {
    let state = app.state::<EnergyState>();
    if state.demo().is_some() {
        return Ok(());
    }
    let demo = EnergyDemo::start_at(demo_clock()).await?;
    let proxy = EnergyProxy::new(demo.proxy_url(), demo.client_id())?;
    let history = demo.history_file();
    let options = demo.energy_options()?;
    let energy =
        tauri::async_runtime::spawn_blocking(move || Energy::demo(proxy, &history, options))
            .await
            .map_err(|err| {
                CommandError::Energy(Problem::Internal {
                    detail: err.to_string(),
                })
            })?
            .map_err(|err| CommandError::Energy(Problem::from(&err)))?;
    for (prm, offer) in hearth_demo::household_offers() {
        energy.set_offer(prm, &offer).await?;
    }
    energy.refresh().await;
    state.set(energy, Some(demo));
    Ok(())
}

/// When the demo's clock starts: in debug builds, `HEARTH_DEMO_CLOCK` (an instant,
/// `2026-01-14T17:59:00+01:00`), for the end-to-end tests, which need a known time (before or
/// after 10:40, the evening before a red day) whatever the hour they run at; else now.
fn demo_clock() -> Option<jiff::Timestamp> {
    #[cfg(debug_assertions)]
    if let Some(at) = std::env::var("HEARTH_DEMO_CLOCK")
        .ok()
        .and_then(|at| at.parse().ok())
    {
        return Some(at);
    }
    None
}

/// Sends the UI the energy view after every change of the model in use, and the new model's
/// view when it is replaced.
pub fn forward_to_ui<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    let mut replaced = app.state::<EnergyState>().replaced.subscribe();
    tauri::async_runtime::spawn(async move {
        loop {
            let energy = app.state::<EnergyState>().slot().energy.clone();
            let Some(energy) = energy else {
                if replaced.changed().await.is_err() {
                    return;
                }
                continue;
            };
            let mut views = energy.subscribe();
            let first = energy.view();
            app.state::<EnergyState>()
                .current
                .send_replace(Some(first.clone()));
            crate::ipc::emit(&app, &crate::ipc::EnergyChanged(first));
            drop(energy);
            loop {
                tokio::select! {
                    changed = views.changed() => {
                        if changed.is_err() { break }
                        let view = views.borrow_and_update().clone();
                        app.state::<EnergyState>().current.send_replace(Some(view.clone()));
                        crate::ipc::emit(&app, &crate::ipc::EnergyChanged(view));
                    }
                    changed = replaced.changed() => {
                        if changed.is_err() { return }
                        break;
                    }
                }
            }
        }
    });
}

/// Brings the window up at the energy screen (the tray's meter lines), through the path a
/// `hearth://open/energy` link takes.
pub fn show_screen<R: Runtime>(app: &AppHandle<R>) {
    crate::show_main_window(app);
    crate::ipc::emit(
        app,
        &crate::ipc::DeepLinkReceived(crate::ReceivedLink::Open {
            screen: Some(hearth_core::deeplink::Screen::Energy),
        }),
    );
}

/// Tells the model in use that the Settings screen changed the proxy.
pub fn proxy_changed<R: Runtime>(app: &AppHandle<R>, proxy: Option<EnergyProxy>) {
    let Ok(energy) = app.state::<EnergyState>().energy() else {
        return;
    };
    energy.set_proxy(proxy);
    tauri::async_runtime::spawn(async move {
        energy.refresh().await;
    });
}

fn day(value: &str) -> Result<jiff::civil::Date, CommandError> {
    parse_day(value).map_err(CommandError::Energy)
}

/// The energy screen's state (also pushed as the `energy` event).
#[tauri::command]
#[specta::specta]
pub fn energy_view(state: State<'_, EnergyState>) -> Result<EnergyView, CommandError> {
    Ok(state.energy()?.view())
}

/// Daily consumption over `[from, to)` (`YYYY-MM-DD`), the year before beside it.
#[tauri::command]
#[specta::specta]
pub fn energy_daily(
    state: State<'_, EnergyState>,
    prm: String,
    from: String,
    to: String,
) -> Result<DailySeries, CommandError> {
    Ok(state.energy()?.daily(&prm, day(&from)?, day(&to)?)?)
}

/// Daily production over `[from, to)`.
#[tauri::command]
#[specta::specta]
pub fn energy_production(
    state: State<'_, EnergyState>,
    prm: String,
    from: String,
    to: String,
) -> Result<DailySeries, CommandError> {
    Ok(state.energy()?.production(&prm, day(&from)?, day(&to)?)?)
}

/// The load curve over whole days `[from, to)`.
#[tauri::command]
#[specta::specta]
pub fn energy_load_curve(
    state: State<'_, EnergyState>,
    prm: String,
    from: String,
    to: String,
) -> Result<LoadCurve, CommandError> {
    Ok(state.energy()?.load_curve(&prm, day(&from)?, day(&to)?)?)
}

/// Maximum power per day over `[from, to)`.
#[tauri::command]
#[specta::specta]
pub fn energy_max_power(
    state: State<'_, EnergyState>,
    prm: String,
    from: String,
    to: String,
) -> Result<MaxPowerSeries, CommandError> {
    Ok(state.energy()?.max_power(&prm, day(&from)?, day(&to)?)?)
}

/// This month so far against last year's.
#[tauri::command]
#[specta::specta]
pub fn energy_totals(state: State<'_, EnergyState>, prm: String) -> Result<Totals, CommandError> {
    Ok(state.energy()?.totals(&prm)?)
}

/// Each day's cost over `[from, to)` with the meter's offer, the same days a year earlier beside.
// Off the main thread: pricing a year of half hours must not hold up the window.
#[tauri::command(async)]
#[specta::specta]
pub fn energy_costs(
    state: State<'_, EnergyState>,
    prm: String,
    from: String,
    to: String,
) -> Result<CostSeries, CommandError> {
    Ok(state.energy()?.costs(&prm, day(&from)?, day(&to)?)?)
}

/// *Compare offers*: the last 12 months on each regulated option at today's prices.
// Off the main thread: pricing a year of half hours must not hold up the window.
#[tauri::command(async)]
#[specta::specta]
pub fn energy_compare(
    state: State<'_, EnergyState>,
    prm: String,
) -> Result<ComparisonView, CommandError> {
    Ok(state.energy()?.compare(&prm)?)
}

/// The meter's offer, today's prices and its off-peak windows.
#[tauri::command]
#[specta::specta]
pub fn energy_offer(state: State<'_, EnergyState>, prm: String) -> Result<OfferView, CommandError> {
    Ok(state.energy()?.offer(&prm)?)
}

/// Sets the meter's offer (a price Rust cannot read is refused, naming its field).
#[tauri::command]
#[specta::specta]
pub async fn energy_set_offer(
    state: State<'_, EnergyState>,
    prm: String,
    choice: OfferChoice,
) -> Result<OfferView, CommandError> {
    let energy = state.energy()?;
    Ok(energy.set_offer(&prm, &choice).await?)
}

/// The user's off-peak windows from `from` on (`None`: from the first version on).
#[tauri::command]
#[specta::specta]
pub fn energy_set_windows(
    state: State<'_, EnergyState>,
    prm: String,
    from: Option<String>,
    windows: Vec<TimeRange>,
) -> Result<OfferView, CommandError> {
    let from = from.as_deref().map(day).transpose()?;
    Ok(state.energy()?.set_windows(&prm, from, &windows)?)
}

/// Removes the version of the off-peak windows that starts on `from`.
#[tauri::command]
#[specta::specta]
pub fn energy_remove_windows(
    state: State<'_, EnergyState>,
    prm: String,
    from: String,
) -> Result<OfferView, CommandError> {
    Ok(state.energy()?.remove_windows(&prm, day(&from)?)?)
}

/// Shows the Tempo colours in the tray even where no meter's offer is Tempo.
#[tauri::command]
#[specta::specta]
pub async fn energy_set_show_tempo(
    state: State<'_, EnergyState>,
    show: bool,
) -> Result<(), CommandError> {
    let energy = state.energy()?;
    Ok(energy.set_show_tempo(show).await?)
}

/// Starts linking a meter and opens the proxy's page in the system browser (the window shows
/// the code and the QR code whether or not a browser opened).
#[tauri::command]
#[specta::specta]
pub async fn energy_start_link<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, EnergyState>,
) -> Result<EnergyView, CommandError> {
    let energy = state.energy()?;
    let view = energy.start_link().await?;
    if let Some(page) = energy.link_page()
        && let Err(err) = crate::open_in_browser(&app, &page)
    {
        // The code and the QR code are on screen: a phone or another browser will do.
        log::warn!("could not open the link page: {err}");
    }
    Ok(view)
}

/// Opens the link page in the system browser again.
#[tauri::command]
#[specta::specta]
pub fn energy_open_link_page<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, EnergyState>,
) -> Result<(), CommandError> {
    let page = state
        .energy()?
        .link_page()
        .ok_or(CommandError::Energy(Problem::NoLinkInProgress))?;
    crate::open_in_browser(&app, &page)
}

/// Stops waiting for the link, or forgets how the last one ended.
#[tauri::command]
#[specta::specta]
pub async fn energy_cancel_link(state: State<'_, EnergyState>) -> Result<EnergyView, CommandError> {
    Ok(state.energy()?.cancel_link().await)
}

/// Unlinks a meter: its tokens are forgotten; its history is kept or deleted as the user chose.
#[tauri::command]
#[specta::specta]
pub async fn energy_unlink(
    state: State<'_, EnergyState>,
    prm: String,
    keep_history: bool,
) -> Result<EnergyView, CommandError> {
    let energy = state.energy()?;
    energy.unlink(&prm, keep_history).await?;
    Ok(energy.view())
}

/// *Sync now* (one meter, or all).
#[tauri::command]
#[specta::specta]
pub fn energy_sync_now(
    state: State<'_, EnergyState>,
    prm: Option<String>,
) -> Result<(), CommandError> {
    state.energy()?.sync_now(prm.as_deref());
    Ok(())
}

/// Saves `text` where the user chooses (`suggested` the file name the dialog offers); `false`
/// when the user cancelled. The file is written here, not by the webview.
#[tauri::command]
#[specta::specta]
pub async fn energy_save_csv<R: Runtime>(
    app: AppHandle<R>,
    suggested: String,
    text: String,
) -> Result<bool, CommandError> {
    use tauri_plugin_dialog::DialogExt as _;

    if app.try_state::<tauri_plugin_dialog::Dialog<R>>().is_none() {
        return Err(CommandError::Energy(Problem::Internal {
            detail: "no save dialog in this runtime".to_owned(),
        }));
    }
    // The name is only a suggestion: a path separator would make it a folder.
    let suggested: String = suggested
        .chars()
        .map(|c| if matches!(c, '/' | '\\') { '-' } else { c })
        .collect();
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_file_name(&suggested)
        .add_filter("CSV", &["csv"])
        .save_file(move |path| {
            let _ = tx.send(path);
        });
    let Some(path) = rx.await.ok().flatten() else {
        return Ok(false);
    };
    let path = path.into_path().map_err(|err| {
        CommandError::Energy(Problem::Internal {
            detail: err.to_string(),
        })
    })?;
    tokio::fs::write(&path, text.as_bytes())
        .await
        .map_err(|err| {
            CommandError::Energy(Problem::Internal {
                detail: err.to_string(),
            })
        })?;
    Ok(true)
}
