//! The energy model: the linked meters, the link in progress, each meter's sync and the series
//! the charts draw, over `hearth-energy` (the client of `hearth-proxy`) and the local history
//! the app shares with `hearth-cli`.
//!
//! - Built from the configuration and data folders ([`Energy::open`]: the history in
//!   [`crate::paths::energy_history_file`], the proxy from `settings.json`, the tokens in the
//!   secret store) or from a demo's proxy ([`Energy::demo`]: the proxy given, the tokens in
//!   memory, nothing written to the user's settings).
//! - A meter is listed when the history knows it and the secret store holds its tokens
//!   ([`hearth_energy::token_entry`]): what `hearth-cli` links or unlinks shows here at the next
//!   [`Energy::reload_if_changed`], which the background task runs every
//!   [`EnergyOptions::tick`].
//! - [`Energy::subscribe`] follows the [`EnergyView`]: the shell pushes it to the UI on change.
//! - Syncs run in the background: once a day after 08:00 with a per-meter jitter, at once when
//!   the last daily run was missed (on start), after a pause when Enedis said when, after a
//!   link, and on demand ([`Energy::sync_now`]); their progress is the meter's
//!   [`MeterState::Syncing`].
//! - Errors are [`Problem`]s: the energy kinds for what Enedis or the proxy said.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::{Duration, SystemTime};

use hearth_energy::history::MeterRecord;
use hearth_energy::prices::PriceFeeds;
use hearth_energy::sync::{Clock, Pause, SyncEnd, SyncOptions, SystemClock};
use hearth_energy::{
    DataError, DayRange, History, HistoryError, LinkError, Linker, Measure, MeterTokens,
    ProxyConfig, ProxySource, SourceOptions, SyncError, SyncReport, http_client, schedule,
    token_entry,
};
use hearth_files::{FileError, JsonFile, Stamp};
use hearth_metering::{Interval, paris};
use hearth_oauth::LinkStatus;
use hearth_secret::{MemoryStore, SecretStore};
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use tokio::sync::{Notify, watch};
use tokio_util::sync::CancellationToken;

use super::series::{self, SeriesError, date_string, instant_string, year_before};
use super::{
    DailySeries, EnergyView, Flow, LinkView, LoadCurve, MaxPowerSeries, MeterState, MeterView,
    ProxyView, QrCode, TIME_ZONE, Totals,
};
use crate::paths::{energy_history_file, settings_file};
use crate::problem::Problem;
use crate::settings::{EnergyProxy, Settings};

mod costs;

/// The consent lasts up to 3 years; the screen warns this long before its end.
pub const CONSENT_WARNING_DAYS: i64 = 31;

/// How the model behaves; the defaults are the app's.
#[derive(Clone)]
pub struct EnergyOptions {
    /// How the data client paces and bounds its calls.
    pub source: SourceOptions,
    /// How a sync shares a meter with another process's.
    pub sync: SyncOptions,
    /// Whether the background task starts syncs on its schedule (tests that drive every sync
    /// themselves switch it off).
    pub schedule: bool,
    /// How often the background task looks at the files and the schedule.
    pub tick: Duration,
    /// The time syncs and schedules go by.
    pub clock: Arc<dyn Clock>,
    /// Where prices and Tempo colours are fetched from, over the settings' (the demo's
    /// simulators, tests).
    pub price_feeds: Option<PriceFeeds>,
}

impl Default for EnergyOptions {
    fn default() -> Self {
        Self {
            source: SourceOptions::default(),
            sync: SyncOptions::default(),
            schedule: true,
            tick: Duration::from_secs(10),
            clock: Arc::new(SystemClock),
            price_feeds: None,
        }
    }
}

impl std::fmt::Debug for EnergyOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnergyOptions")
            .field("source", &self.source)
            .field("sync", &self.sync)
            .field("schedule", &self.schedule)
            .field("tick", &self.tick)
            .field("price_feeds", &self.price_feeds)
            .finish_non_exhaustive()
    }
}

/// The model could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum EnergyError {
    #[error("the energy history could not be opened: {0}")]
    History(#[from] HistoryError),
    #[error(transparent)]
    Settings(#[from] FileError),
    #[error("the energy history's folder could not be made: {0}")]
    Folder(#[from] std::io::Error),
}

impl From<&EnergyError> for Problem {
    fn from(err: &EnergyError) -> Self {
        Problem::Internal {
            detail: err.to_string(),
        }
    }
}

/// See the module documentation. Cheap to clone.
#[derive(Clone)]
pub struct Energy {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Energy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Energy")
            .field("history", &self.inner.history_path)
            .field("demo", &self.inner.demo)
            .finish_non_exhaustive()
    }
}

struct Inner {
    history: Arc<History>,
    history_path: PathBuf,
    store: Arc<dyn SecretStore>,
    /// Where `settings.json` is; `None` in the demo, whose proxy is given.
    config_dir: Option<PathBuf>,
    demo: bool,
    options: EnergyOptions,
    parts: Mutex<Parts>,
    view: watch::Sender<EnergyView>,
    /// Wakes the background task (a link finished, a sync asked).
    wake: Arc<Notify>,
}

/// The proxy in use and what talks to it.
struct Backend {
    proxy: EnergyProxy,
    tokens: Arc<MeterTokens>,
    linker: Arc<Linker>,
    source: Arc<ProxySource>,
}

#[derive(Default)]
struct Parts {
    backend: Option<Arc<Backend>>,
    settings_stamp: Option<Stamp>,
    link: Option<LinkView>,
    link_expires_at: Option<SystemTime>,
    link_page: Option<String>,
    link_cancel: Option<CancellationToken>,
    /// Bumped by every start and cancel, so that a link task that lost the race says nothing.
    link_generation: u64,
    meters: HashMap<String, Runtime>,
    /// The offers, the Tempo switch and the price feeds (from `settings.json`; in memory only in
    /// the demo), and what was fetched.
    prices: costs::PriceState,
}

/// What the model knows of a meter beyond the files: this process's sync.
#[derive(Default, Clone)]
struct Runtime {
    syncing: Option<(u32, u32)>,
    problem: Option<Problem>,
    needs_relink: bool,
}

fn lock(parts: &Mutex<Parts>) -> MutexGuard<'_, Parts> {
    parts.lock().unwrap_or_else(PoisonError::into_inner)
}

fn internal(err: &impl std::fmt::Display) -> Problem {
    Problem::Internal {
        detail: err.to_string(),
    }
}

impl From<&SeriesError> for Problem {
    fn from(err: &SeriesError) -> Self {
        internal(err)
    }
}

/// A data call's failure as the screen shows it.
pub fn data_problem(err: &DataError, activation: Option<Date>, now: Timestamp) -> Problem {
    let at = |after: Duration| {
        instant_string(
            now.checked_add(jiff::SignedDuration::try_from(after).unwrap_or_default())
                .unwrap_or(now),
        )
    };
    match err {
        DataError::NoConsent | DataError::Unauthorized => Problem::EnergyNoConsent,
        DataError::NotHolder => Problem::EnergyNotHolder,
        DataError::BeforeActivation => Problem::EnergyBeforeActivation {
            activation: activation.map(date_string),
        },
        DataError::Quota { retry_after } => Problem::EnergyQuota {
            retry_at: at(*retry_after),
        },
        DataError::Outage { retry_after } => Problem::EnergyOutage {
            retry_at: at(*retry_after),
        },
        DataError::Transport(detail) | DataError::Malformed(detail) => {
            Problem::EnergyProxyUnreachable {
                detail: detail.clone(),
            }
        }
        other => internal(other),
    }
}

/// How a link that did not complete is shown (`None`: cancelled, nothing to show).
fn link_outcome(err: &LinkError) -> Option<LinkView> {
    Some(match err {
        LinkError::Refused => LinkView::Refused,
        LinkError::Expired => LinkView::Expired,
        LinkError::Cancelled => return None,
        LinkError::Unreachable(detail) => LinkView::Failed {
            problem: Problem::EnergyProxyUnreachable {
                detail: detail.clone(),
            },
        },
        other => LinkView::Failed {
            problem: internal(other),
        },
    })
}

/// `YYYY-MM-DD` as the IPC and the CLI write a day.
pub fn parse_day(value: &str) -> Result<Date, Problem> {
    paris::parse_date(value).map_err(|err| internal(&err))
}

fn add_days(day: Date, n: i64) -> Result<Date, Problem> {
    day.checked_add(n.days()).map_err(|err| internal(&err))
}

/// Whether a consent whose last day is `end` is to be renewed soon, seen on day `today`: within
/// [`CONSENT_WARNING_DAYS`] (or already over).
pub(super) fn consent_ending_soon(end: Date, today: Date) -> bool {
    add_days(today, CONSENT_WARNING_DAYS).is_ok_and(|warn_from| end <= warn_from)
}

/// "9 kVA" → 9.
fn kva(contract_power: Option<&str>) -> Option<u32> {
    contract_power?
        .split(|c: char| !c.is_ascii_digit())
        .find(|s| !s.is_empty())?
        .parse()
        .ok()
}

impl Energy {
    /// The user's energy: the history in `data_dir` (made if missing), the proxy from
    /// `config_dir`'s settings, the tokens in `store`. Blocking (it opens the history).
    pub fn open(
        config_dir: &Path,
        data_dir: &Path,
        store: Arc<dyn SecretStore>,
        options: EnergyOptions,
    ) -> Result<Self, EnergyError> {
        std::fs::create_dir_all(data_dir)?;
        let energy = Self::build(
            energy_history_file(data_dir),
            store,
            Some(config_dir.to_owned()),
            false,
            options,
        )?;
        energy.reload_settings()?;
        Ok(energy)
    }

    /// The demo's energy: `proxy` is the demo's (kept in memory only), the tokens in memory,
    /// the history at `history_file` (the demo's temporary folder).
    pub fn demo(
        proxy: EnergyProxy,
        history_file: &Path,
        options: EnergyOptions,
    ) -> Result<Self, EnergyError> {
        let energy = Self::build(
            history_file.to_owned(),
            Arc::new(MemoryStore::default()),
            None,
            true,
            options,
        )?;
        energy.set_proxy(Some(proxy));
        Ok(energy)
    }

    fn build(
        history_path: PathBuf,
        store: Arc<dyn SecretStore>,
        config_dir: Option<PathBuf>,
        demo: bool,
        options: EnergyOptions,
    ) -> Result<Self, EnergyError> {
        let history = History::open(&history_path)?;
        let (view, _) = watch::channel(EnergyView {
            proxy: None,
            demo,
            link: None,
            meters: Vec::new(),
            time_zone: TIME_ZONE.to_owned(),
            tempo: None,
        });
        Ok(Self {
            inner: Arc::new(Inner {
                history: Arc::new(history),
                history_path,
                store,
                config_dir,
                demo,
                options,
                parts: Mutex::default(),
                view,
                wake: Arc::new(Notify::new()),
            }),
        })
    }

    /// The history file this model reads and writes (the one `hearth-cli` shares; the demo's
    /// own in the demo).
    pub fn history_path(&self) -> &Path {
        &self.inner.history_path
    }

    pub fn is_demo(&self) -> bool {
        self.inner.demo
    }

    /// The background task: notices other processes' changes, runs the scheduled syncs. It
    /// ends when the last clone of the model is dropped; the caller spawns it.
    pub fn background(&self) -> impl Future<Output = ()> + Send + 'static {
        let weak: Weak<Inner> = Arc::downgrade(&self.inner);
        let wake = Arc::clone(&self.inner.wake);
        let tick = self.inner.options.tick;
        async move {
            loop {
                let wait = {
                    let Some(inner) = weak.upgrade() else {
                        return;
                    };
                    let energy = Energy { inner };
                    if let Err(err) = energy.reload_if_changed().await {
                        tracing::warn!(error = %err, "the energy settings could not be read");
                    }
                    if energy.inner.options.schedule {
                        energy.run_due()
                    } else {
                        tick
                    }
                };
                tokio::select! {
                    () = tokio::time::sleep(wait.min(tick)) => {}
                    () = wake.notified() => {}
                }
            }
        }
    }

    /// The screen's state now.
    pub fn view(&self) -> EnergyView {
        self.inner.view.borrow().clone()
    }

    /// Follows the screen's state (the shell pushes each change to the UI).
    pub fn subscribe(&self) -> watch::Receiver<EnergyView> {
        self.inner.view.subscribe()
    }

    /// Uses `proxy` (or none) from now on: the shell calls it after the Settings screen changed
    /// it; a link in progress through the old one is cancelled.
    pub fn set_proxy(&self, proxy: Option<EnergyProxy>) {
        let mut parts = lock(&self.inner.parts);
        if parts.backend.as_ref().map(|b| &b.proxy) == proxy.as_ref() {
            return;
        }
        if let Some(cancel) = parts.link_cancel.take() {
            cancel.cancel();
        }
        parts.link = None;
        parts.link_generation += 1;
        parts.backend = proxy.and_then(|proxy| match self.backend(proxy) {
            Ok(backend) => Some(Arc::new(backend)),
            Err(err) => {
                tracing::warn!(error = %err, "the energy proxy's settings are not usable");
                None
            }
        });
    }

    fn backend(&self, proxy: EnergyProxy) -> Result<Backend, hearth_energy::ConfigError> {
        let config = ProxyConfig::new(&proxy.url, &proxy.client_id)?;
        let http = http_client(self.inner.options.source.timeout)?;
        let tokens = Arc::new(MeterTokens::new(
            config,
            Arc::clone(&self.inner.store),
            http.clone(),
        )?);
        let linker = Arc::new(Linker::new(Arc::clone(&tokens), http)?);
        let source = Arc::new(ProxySource::new(
            Arc::clone(&tokens),
            self.inner.options.source.clone(),
        )?);
        Ok(Backend {
            proxy,
            tokens,
            linker,
            source,
        })
    }

    /// Reads the proxy from `settings.json` again if another process (or the Settings screen)
    /// changed it. Returns whether it changed.
    fn reload_settings(&self) -> Result<bool, FileError> {
        let Some(config_dir) = &self.inner.config_dir else {
            return Ok(false);
        };
        let file = JsonFile::new(settings_file(config_dir));
        let stamp = file.stamp()?;
        if lock(&self.inner.parts).settings_stamp.as_ref() == Some(&stamp) {
            return Ok(false);
        }
        let settings = Settings::load(config_dir)?;
        self.set_proxy(settings.energy_proxy.clone());
        self.set_price_settings(&settings);
        lock(&self.inner.parts).settings_stamp = Some(stamp);
        Ok(true)
    }

    /// Picks up what another process changed (the proxy in `settings.json`, meters linked or
    /// unlinked, data synced by `hearth-cli`) and pushes the view if it changed. Returns whether
    /// it did.
    pub async fn reload_if_changed(&self) -> Result<bool, FileError> {
        self.reload_settings()?;
        Ok(self.refresh().await)
    }

    fn backend_now(&self) -> Option<Arc<Backend>> {
        lock(&self.inner.parts).backend.clone()
    }

    /// A meter's link as the secret store holds it.
    async fn link_status(&self, backend: Option<&Backend>, prm: &str) -> LinkStatus {
        match backend {
            Some(backend) => backend
                .tokens
                .status(prm)
                .await
                .unwrap_or(LinkStatus::NotLinked),
            // No proxy to renew through: the entry's presence is all there is to know.
            None => match self.inner.store.get(&token_entry(prm)) {
                Ok(Some(_)) => LinkStatus::Linked { expires_at: None },
                _ => LinkStatus::NotLinked,
            },
        }
    }

    /// The linked meters (the history's, with tokens in the store), by PRM.
    pub async fn linked_meters(&self) -> Result<Vec<String>, Problem> {
        let backend = self.backend_now();
        let records = self.inner.history.meters().map_err(|err| internal(&err))?;
        let mut out = Vec::new();
        for record in records {
            if !matches!(
                self.link_status(backend.as_deref(), &record.prm).await,
                LinkStatus::NotLinked
            ) {
                out.push(record.prm);
            }
        }
        Ok(out)
    }

    /// Computes the view from the files and this process's state, and pushes it if it changed.
    pub async fn refresh(&self) -> bool {
        let view = self.build_view().await;
        self.inner.view.send_if_modified(|current| {
            if *current == view {
                false
            } else {
                *current = view;
                true
            }
        })
    }

    async fn build_view(&self) -> EnergyView {
        let now = self.inner.options.clock.now();
        let (backend, mut link, expires_at, runtimes) = {
            let parts = lock(&self.inner.parts);
            (
                parts.backend.clone(),
                parts.link.clone(),
                parts.link_expires_at,
                parts.meters.clone(),
            )
        };
        if let (
            Some(LinkView::Waiting {
                expires_in_secs, ..
            }),
            Some(at),
        ) = (link.as_mut(), expires_at)
        {
            let left = at
                .duration_since(SystemTime::now())
                .unwrap_or(Duration::ZERO);
            *expires_in_secs = u32::try_from(left.as_secs()).unwrap_or(u32::MAX);
        }
        let records = self.inner.history.meters().unwrap_or_else(|err| {
            tracing::warn!(error = %err, "the energy history could not be read");
            Vec::new()
        });
        let mut meters = Vec::new();
        for record in records {
            let status = self.link_status(backend.as_deref(), &record.prm).await;
            if matches!(status, LinkStatus::NotLinked) {
                continue;
            }
            let runtime = runtimes.get(&record.prm).cloned().unwrap_or_default();
            meters.push(self.meter_view(&record, &status, &runtime, now));
        }
        let prms: Vec<String> = meters.iter().map(|m| m.prm.clone()).collect();
        let tempo = self.tempo_view(&prms, now);
        EnergyView {
            proxy: backend.as_ref().map(|b| ProxyView {
                url: b.proxy.url.clone(),
                client_id: b.proxy.client_id.clone(),
            }),
            demo: self.inner.demo,
            link,
            meters,
            time_zone: TIME_ZONE.to_owned(),
            tempo,
        }
    }

    fn meter_view(
        &self,
        record: &MeterRecord,
        status: &LinkStatus,
        runtime: &Runtime,
        now: Timestamp,
    ) -> MeterView {
        let history = &self.inner.history;
        let prm = &record.prm;
        let needs_relink = runtime.needs_relink || matches!(status, LinkStatus::NeedsRelink);
        let state = match (needs_relink, runtime.syncing) {
            (true, _) => MeterState::NeedsRelink,
            (false, Some((done, total))) => MeterState::Syncing { done, total },
            (false, None) => MeterState::Linked,
        };
        let daily_until = history
            .data_up_to(prm, Measure::DailyConsumption)
            .ok()
            .flatten();
        let curve_until = history
            .data_up_to(prm, Measure::ConsumptionLoadCurve)
            .ok()
            .flatten();
        let times = history.sync_times(prm).unwrap_or_default();
        let next_sync = (!needs_relink)
            .then(|| instant_string(schedule::next_run(now, &times, schedule::jitter_for(prm))));
        // A sync that ran to its end, daily data, and not one load-curve day: its collection
        // is most likely off in the customer's Enedis account.
        let load_curve_off = times.last_sync_at.is_some()
            && runtime.syncing.is_none()
            && daily_until.is_some()
            && curve_until.is_none();
        let consent_end = record.consent_end;
        let consent_ending_soon = consent_end
            .is_some_and(|end| consent_ending_soon(end, paris::zone().to_datetime(now).date()));
        MeterView {
            prm: prm.clone(),
            name: None,
            state,
            data_until: daily_until.map(date_string),
            last_day_wh: daily_until.and_then(|day| {
                let next = add_days(day, 1).ok()?;
                let value = history
                    .daily(
                        prm,
                        Measure::DailyConsumption,
                        DayRange {
                            start: day,
                            end: next,
                        },
                    )
                    .ok()?
                    .first()?
                    .value?;
                u32::try_from(value).ok()
            }),
            next_sync,
            consent_end: consent_end.map(date_string),
            consent_ending_soon,
            subscribed_kva: kva(record
                .contract
                .as_ref()
                .and_then(|c| c.subscribed_power.as_deref())),
            option: self.option_of(prm),
            produces: record.produces == Some(true),
            load_curve_off,
            problem: if needs_relink {
                Some(Problem::EnergyNoConsent)
            } else {
                runtime.problem.clone()
            },
        }
    }

    // --- Linking ---------------------------------------------------------------------------

    /// Starts linking a meter: asks the proxy for a code and waits in the background for the
    /// user's answer (the view's `link` follows it). Open [`Energy::link_page`] in the browser.
    pub async fn start_link(&self) -> Result<EnergyView, Problem> {
        let backend = self.backend_now().ok_or(Problem::EnergyNoProxy)?;
        let (generation, cancel) = {
            let mut parts = lock(&self.inner.parts);
            if let Some(cancel) = parts.link_cancel.take() {
                cancel.cancel();
            }
            parts.link_generation += 1;
            parts.link = Some(LinkView::Starting);
            parts.link_page = None;
            parts.link_expires_at = None;
            let cancel = CancellationToken::new();
            parts.link_cancel = Some(cancel.clone());
            (parts.link_generation, cancel)
        };
        self.refresh().await;
        let pending = match backend.linker.start().await {
            Ok(pending) => pending,
            Err(err) => {
                self.end_link(generation, link_outcome(&err)).await;
                return Ok(self.view());
            }
        };
        let page = pending.verification_uri_complete().to_string();
        let waiting = LinkView::Waiting {
            user_code: pending.user_code().to_owned(),
            verification_uri: pending.verification_uri().to_string(),
            verification_uri_complete: page.clone(),
            qr: QrCode::new(&page).map_err(|err| internal(&err))?,
            expires_in_secs: u32::try_from(pending.expires_in().as_secs()).unwrap_or(u32::MAX),
            expires_at: Timestamp::try_from(pending.expires_at())
                .map(instant_string)
                .unwrap_or_default(),
        };
        {
            let mut parts = lock(&self.inner.parts);
            if parts.link_generation != generation {
                return Ok(self.view());
            }
            parts.link = Some(waiting);
            parts.link_page = Some(page);
            parts.link_expires_at = Some(pending.expires_at());
        }
        self.refresh().await;
        let energy = self.clone();
        tokio::spawn(async move {
            let result = backend.linker.finish(&pending, &cancel, |_| {}).await;
            match result {
                Ok(linked) => {
                    if let Err(err) = energy
                        .inner
                        .history
                        .set_consent_end(&linked.prm, linked.consent_end)
                    {
                        tracing::warn!(error = %err, "the linked meter could not be recorded");
                    }
                    lock(&energy.inner.parts)
                        .meters
                        .entry(linked.prm.clone())
                        .or_default()
                        .needs_relink = false;
                    energy
                        .end_link(
                            generation,
                            Some(LinkView::Approved {
                                prm: linked.prm.clone(),
                            }),
                        )
                        .await;
                    energy.spawn_sync(&linked.prm, true);
                }
                Err(err) => energy.end_link(generation, link_outcome(&err)).await,
            }
        });
        Ok(self.view())
    }

    async fn end_link(&self, generation: u64, outcome: Option<LinkView>) {
        {
            let mut parts = lock(&self.inner.parts);
            if parts.link_generation != generation {
                return;
            }
            parts.link = outcome;
            parts.link_cancel = None;
            parts.link_page = None;
            parts.link_expires_at = None;
        }
        self.refresh().await;
    }

    /// The page to open in the system browser while a link waits (the proxy's, code filled in).
    pub fn link_page(&self) -> Option<String> {
        lock(&self.inner.parts).link_page.clone()
    }

    /// Stops waiting for the link in progress, or forgets how the last one ended.
    pub async fn cancel_link(&self) -> EnergyView {
        {
            let mut parts = lock(&self.inner.parts);
            if let Some(cancel) = parts.link_cancel.take() {
                cancel.cancel();
            }
            parts.link_generation += 1;
            parts.link = None;
            parts.link_page = None;
            parts.link_expires_at = None;
        }
        self.refresh().await;
        self.view()
    }

    /// Unlinks meter `prm`: forgets its tokens, and its history too unless `keep_history` (it
    /// is the only copy of what Enedis no longer keeps, so the caller asks the user). Returns
    /// how many stored rows were deleted (0 when kept).
    pub async fn unlink(&self, prm: &str, keep_history: bool) -> Result<u64, Problem> {
        match self.backend_now() {
            Some(backend) => backend
                .tokens
                .forget(prm)
                .await
                .map_err(|err| internal(&err))?,
            None => self
                .inner
                .store
                .delete(&token_entry(prm))
                .map_err(|err| internal(&err))?,
        }
        let deleted = if keep_history {
            0
        } else {
            self.inner
                .history
                .delete_meter(prm)
                .map_err(|err| internal(&err))?
        };
        lock(&self.inner.parts).meters.remove(prm);
        tracing::info!(kept = keep_history, "an energy meter was unlinked");
        self.refresh().await;
        Ok(deleted)
    }

    // --- Syncing ---------------------------------------------------------------------------

    /// Starts the syncs that are due, and returns how long until the next one is.
    fn run_due(&self) -> Duration {
        let now = self.inner.options.clock.now();
        self.spawn_price_update(now);
        let meters: Vec<String> = self.view().meters.into_iter().map(|m| m.prm).collect();
        let mut wait = self.inner.options.tick;
        for prm in meters {
            let times = self.inner.history.sync_times(&prm).unwrap_or_default();
            let next = schedule::next_run(now, &times, schedule::jitter_for(&prm));
            if next <= now {
                self.spawn_sync(&prm, false);
            } else if let Ok(until) = Duration::try_from(next.duration_since(now)) {
                wait = wait.min(until);
            }
        }
        wait
    }

    /// *Sync now*: every linked meter (or `prm`), at once unless Enedis asked to wait.
    pub fn sync_now(&self, prm: Option<&str>) {
        let now = self.inner.options.clock.now();
        let meters: Vec<String> = match prm {
            Some(prm) => vec![prm.to_owned()],
            None => self.view().meters.into_iter().map(|m| m.prm).collect(),
        };
        for prm in meters {
            let times = self.inner.history.sync_times(&prm).unwrap_or_default();
            if schedule::on_demand(now, &times) <= now {
                self.spawn_sync(&prm, true);
            }
        }
        self.inner.wake.notify_one();
    }

    /// Runs a sync of `prm` in the background unless one runs already (or it needs a relink
    /// and `force` is off).
    fn spawn_sync(&self, prm: &str, force: bool) {
        {
            let mut parts = lock(&self.inner.parts);
            let runtime = parts.meters.entry(prm.to_owned()).or_default();
            if runtime.syncing.is_some() || (runtime.needs_relink && !force) {
                return;
            }
            runtime.syncing = Some((0, 0));
        }
        let energy = self.clone();
        let prm = prm.to_owned();
        tokio::spawn(async move {
            let _ = energy.run_sync(&prm).await;
        });
    }

    /// Syncs meter `prm` now and waits for the end (the background's syncs and *Sync now* run
    /// this; `hearth-cli energy sync` may too).
    pub async fn sync_meter(&self, prm: &str) -> Result<SyncReport, Problem> {
        {
            let mut parts = lock(&self.inner.parts);
            parts.meters.entry(prm.to_owned()).or_default().syncing = Some((0, 0));
        }
        self.run_sync(prm).await
    }

    async fn run_sync(&self, prm: &str) -> Result<SyncReport, Problem> {
        let Some(backend) = self.backend_now() else {
            self.sync_ended(prm, Some(Problem::EnergyNoProxy), false)
                .await;
            return Err(Problem::EnergyNoProxy);
        };
        self.refresh().await;
        let inner = Arc::clone(&self.inner);
        let progress_prm = prm.to_owned();
        let result = hearth_energy::sync(
            &self.inner.history,
            &*backend.source,
            prm,
            &*self.inner.options.clock,
            self.inner.options.sync,
            move |progress| {
                let done = u32::try_from(progress.done).unwrap_or(u32::MAX);
                let total = u32::try_from(progress.total).unwrap_or(u32::MAX);
                if let Some(runtime) = lock(&inner.parts).meters.get_mut(&progress_prm) {
                    runtime.syncing = Some((done, total));
                }
                // The view is pushed in place: building it again after each call would read the
                // whole history as often.
                inner.view.send_if_modified(|view| {
                    let Some(meter) = view.meters.iter_mut().find(|m| m.prm == progress_prm) else {
                        return false;
                    };
                    meter.state = MeterState::Syncing { done, total };
                    true
                });
            },
        )
        .await;
        let now = self.inner.options.clock.now();
        match result {
            Ok(report) => {
                let problem = match report.end {
                    SyncEnd::Done => None,
                    SyncEnd::Paused { reason, retry_at } => Some(match reason {
                        Pause::Quota => Problem::EnergyQuota {
                            retry_at: instant_string(retry_at),
                        },
                        Pause::Outage => Problem::EnergyOutage {
                            retry_at: instant_string(retry_at),
                        },
                    }),
                };
                self.sync_ended(prm, problem, false).await;
                Ok(report)
            }
            Err(SyncError::Data(err)) => {
                let activation = self
                    .inner
                    .history
                    .meter(prm)
                    .ok()
                    .flatten()
                    .and_then(|m| m.activation);
                let problem = data_problem(&err, activation, now);
                let relink = matches!(err, DataError::NoConsent | DataError::Unauthorized);
                self.sync_ended(prm, Some(problem.clone()), relink).await;
                Err(problem)
            }
            Err(err) => {
                let problem = internal(&err);
                self.sync_ended(prm, Some(problem.clone()), false).await;
                Err(problem)
            }
        }
    }

    async fn sync_ended(&self, prm: &str, problem: Option<Problem>, needs_relink: bool) {
        {
            let mut parts = lock(&self.inner.parts);
            let runtime = parts.meters.entry(prm.to_owned()).or_default();
            runtime.syncing = None;
            runtime.problem = problem;
            runtime.needs_relink = needs_relink;
        }
        self.refresh().await;
        self.inner.wake.notify_one();
    }

    // --- The charts' series ----------------------------------------------------------------

    fn daily_values(
        &self,
        prm: &str,
        measure: Measure,
        start: Date,
        end: Date,
    ) -> Result<BTreeMap<Date, u32>, Problem> {
        Ok(self
            .inner
            .history
            .daily(prm, measure, DayRange { start, end })
            .map_err(|err| internal(&err))?
            .into_iter()
            .filter_map(|v| Some((v.day, u32::try_from(v.value?).ok()?)))
            .collect())
    }

    fn daily_flow(
        &self,
        prm: &str,
        flow: Flow,
        from: Date,
        to: Date,
    ) -> Result<DailySeries, Problem> {
        let measure = match flow {
            Flow::Consumption => Measure::DailyConsumption,
            Flow::Production => Measure::DailyProduction,
        };
        let start = year_before(from).map_err(|err| Problem::from(&err))?;
        let known = self.daily_values(prm, measure, start, to.max(from))?;
        series::daily(prm, flow, from, to, &known).map_err(|err| Problem::from(&err))
    }

    /// Daily consumption over `[from, to)`, the year before beside it.
    pub fn daily(&self, prm: &str, from: Date, to: Date) -> Result<DailySeries, Problem> {
        self.daily_flow(prm, Flow::Consumption, from, to)
    }

    /// Daily production over `[from, to)`, the year before beside it.
    pub fn production(&self, prm: &str, from: Date, to: Date) -> Result<DailySeries, Problem> {
        self.daily_flow(prm, Flow::Production, from, to)
    }

    /// The consumption load curve over whole days `[from, to)`.
    pub fn load_curve(&self, prm: &str, from: Date, to: Date) -> Result<LoadCurve, Problem> {
        let readings: Vec<(Interval, u32)> = self
            .inner
            .history
            .curve(
                prm,
                Measure::ConsumptionLoadCurve,
                DayRange {
                    start: from,
                    end: to.max(from),
                },
            )
            .map_err(|err| internal(&err))?
            .into_iter()
            .filter_map(|p| {
                Some((
                    Interval {
                        start: p.start,
                        end: p.end,
                    },
                    u32::try_from(p.value).ok()?,
                ))
            })
            .collect();
        series::load_curve(prm, Flow::Consumption, from, to, &readings)
            .map_err(|err| Problem::from(&err))
    }

    /// Maximum power per day over `[from, to)`, against the subscribed power.
    pub fn max_power(&self, prm: &str, from: Date, to: Date) -> Result<MaxPowerSeries, Problem> {
        let history = &self.inner.history;
        let known: BTreeMap<Date, (u32, Timestamp)> = history
            .max_power(
                prm,
                DayRange {
                    start: from,
                    end: to.max(from),
                },
            )
            .map_err(|err| internal(&err))?
            .into_iter()
            .filter_map(|v| Some((v.day, (u32::try_from(v.value?).ok()?, v.peak_at?))))
            .collect();
        let subscribed = history
            .meter(prm)
            .map_err(|err| internal(&err))?
            .and_then(|m| kva(m.contract.and_then(|c| c.subscribed_power).as_deref()));
        series::max_power(prm, from, to, &known, subscribed).map_err(|err| Problem::from(&err))
    }

    /// This month so far (through the data's last complete day) against last year's.
    pub fn totals(&self, prm: &str) -> Result<Totals, Problem> {
        let through = match self
            .inner
            .history
            .data_up_to(prm, Measure::DailyConsumption)
            .map_err(|err| internal(&err))?
        {
            Some(day) => day,
            None => add_days(
                paris::zone()
                    .to_datetime(self.inner.options.clock.now())
                    .date(),
                -1,
            )?,
        };
        let start = year_before(through.first_of_month()).map_err(|err| Problem::from(&err))?;
        let end = add_days(through, 1)?;
        let known = self.daily_values(prm, Measure::DailyConsumption, start, end)?;
        series::totals(prm, Flow::Consumption, through, &known).map_err(|err| Problem::from(&err))
    }
}
