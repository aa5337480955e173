//! `hearth-cli energy …`: Enedis Linky meters from a terminal, over hearth-core's energy model
//! and the same configuration folder as the app (the same settings, linked meters, tokens and
//! local history: a meter linked here is linked there, and a sync here is one the app does not
//! repeat).

mod args;
mod costs;
mod output;

use std::io::{BufRead, IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use hearth_core::energy::{
    Energy, EnergyOptions, EnergyView, LinkView, MeterState, OfferChoice, PeriodPrice, TimeRange,
    series,
};
use hearth_core::lights::SECRET_SERVICE;
use hearth_core::problem::Problem;
use hearth_core::settings::{EnergyProxy, Settings, SettingsError};
use hearth_energy::sync::{Pause, SyncEnd};
use hearth_energy::{History, paris_today};
use hearth_secret::SecretStore;
use hearth_tariff::TariffOption;
use jiff::civil::Date;
use tokio::sync::watch;

use crate::browser;

pub use args::EnergyArgs;
use args::{
    CostArgs, CostOffer, Day, EnergyCommand, ExportMeasure, OfferAction, OfferArgs, OfferKind,
    RangeArgs, SetOffer, WindowsAction,
};

/// The energy commands' failures, each with its exit code (see `crate::EXIT_CODES`).
#[derive(Debug, thiserror::Error)]
pub enum EnergyError {
    #[error("there is no home directory: give --config-dir")]
    NoConfigDir,
    #[error("there is no home directory for the energy history: set HEARTH_DATA_DIR")]
    NoDataDir,
    /// Wrong usage that clap cannot see (a proxy refused, a range backwards, unlink's choice).
    #[error("{0}")]
    Usage(String),
    #[error(
        "no energy proxy is set: hearth-cli energy link --proxy URL --client-id ID (run \
         `hearth-proxy`, or ask a community that runs one)"
    )]
    NoProxy,
    #[error("no meter is linked: hearth-cli energy link")]
    NoMeter,
    #[error(
        "no meter linked here, nor kept in the history, has the PRM {0} (hearth-cli energy \
         meters lists the linked ones)"
    )]
    UnknownMeter(String),
    #[error("several meters are linked ({}): choose one with --meter PRM", .0.join(", "))]
    SeveralMeters(Vec<String>),
    #[error(
        "the link was refused (at the proxy's page or Enedis's): run the command again to retry"
    )]
    Refused,
    #[error("the code expired before the link was approved: run the command again for a new one")]
    Expired,
    #[error("the energy proxy could not be reached: {0}")]
    Unreachable(String),
    #[error("{what}; run `hearth-cli energy sync` again after {retry_at}")]
    Paused { what: String, retry_at: String },
    #[error("{0}: hearth-cli energy link")]
    Relink(String),
    #[error(
        "the meter's subscribed power is not known yet, and regulated prices depend on it: its \
         contract gives it (hearth-cli energy sync), or price with your own offer"
    )]
    NoSubscribedPower,
    #[error(
        "nothing to compare: no day of the last 12 months has a complete load curve (and a known \
         Tempo colour); sync the meter, and switch its load curve on at Enedis if it stays empty"
    )]
    NothingToCompare,
    #[error("{0}")]
    Other(String),
}

impl EnergyError {
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::NoConfigDir | Self::NoDataDir | Self::Other(_) => 1,
            Self::Usage(_) => 2,
            Self::UnknownMeter(_) => 3,
            Self::SeveralMeters(_) => 4,
            Self::NoProxy => 11,
            Self::NoMeter => 12,
            Self::Refused => 13,
            Self::Expired => 14,
            Self::Unreachable(_) => 15,
            Self::Paused { .. } => 16,
            Self::Relink(_) => 17,
            Self::NoSubscribedPower => 18,
            Self::NothingToCompare => 19,
        }
    }
}

impl From<SettingsError> for EnergyError {
    fn from(err: SettingsError) -> Self {
        match err {
            SettingsError::File(err) => Self::Other(err.to_string()),
            refused => Self::Usage(refused.to_string()),
        }
    }
}

pub async fn run(cli: &crate::Cli, args: &EnergyArgs) -> Result<(), EnergyError> {
    let dir = config_dir(cli)?;
    if let EnergyCommand::Link {
        proxy, client_id, ..
    } = &args.command
    {
        save_proxy(&dir, proxy.as_deref(), client_id.as_deref())?;
    }
    let energy = open(&dir).await?;
    let meter = args.meter.as_deref();
    match &args.command {
        EnergyCommand::Link { no_browser, .. } => link(&energy, *no_browser).await,
        EnergyCommand::Meters { json } => {
            let meters = energy.view().meters;
            print!(
                "{}",
                if *json {
                    output::json(&meters)
                } else {
                    output::meters(&meters)
                }
            );
            Ok(())
        }
        EnergyCommand::Sync => sync(&energy, meter).await,
        EnergyCommand::Daily(range) => series(&energy, meter, Series::Daily, *range).await,
        EnergyCommand::Production(range) => {
            series(&energy, meter, Series::Production, *range).await
        }
        EnergyCommand::Curve(range) => series(&energy, meter, Series::Curve, *range).await,
        EnergyCommand::MaxPower(range) => series(&energy, meter, Series::MaxPower, *range).await,
        EnergyCommand::Export {
            measure,
            from,
            to,
            locale,
            output: file,
            ..
        } => {
            let (from, to) = range(*from, *to, *measure == ExportMeasure::Curve)?;
            let prm = choose_meter(&energy, meter, true).await?;
            let text = match measure {
                ExportMeasure::Daily => output::daily_csv(
                    &energy.daily(&prm, from, to).map_err(from_problem)?,
                    *locale,
                ),
                ExportMeasure::Production => output::daily_csv(
                    &energy.production(&prm, from, to).map_err(from_problem)?,
                    *locale,
                ),
                ExportMeasure::Curve => output::curve_csv(
                    &energy.load_curve(&prm, from, to).map_err(from_problem)?,
                    *locale,
                ),
                ExportMeasure::MaxPower => output::max_power_csv(
                    &energy.max_power(&prm, from, to).map_err(from_problem)?,
                    *locale,
                ),
            };
            if let Some(path) = file {
                std::fs::write(path, text).map_err(|err| {
                    EnergyError::Other(format!("cannot write {}: {err}", path.display()))
                })
            } else {
                print!("{text}");
                Ok(())
            }
        }
        EnergyCommand::Offer(args) => offer(&energy, meter, args).await,
        EnergyCommand::Cost(args) => cost(&energy, meter, *args).await,
        EnergyCommand::Compare { json } => {
            let prm = choose_meter(&energy, meter, true).await?;
            let view = energy.compare(&prm).map_err(from_problem)?;
            print!(
                "{}",
                if *json {
                    output::json(&view)
                } else {
                    costs::comparison_text(&view)
                }
            );
            Ok(())
        }
        EnergyCommand::Unlink {
            keep_history,
            delete_history,
        } => {
            let prm = choose_meter(&energy, meter, false).await?;
            let choice = history_choice(
                *keep_history,
                *delete_history,
                stdin_is_terminal(),
                ask_on_terminal,
            )?;
            let keep = choice == HistoryChoice::Keep;
            let deleted = energy.unlink(&prm, keep).await.map_err(from_problem)?;
            if keep {
                println!(
                    "Meter {prm} unlinked; its local history is kept (link it again to add to it)."
                );
            } else {
                println!("Meter {prm} unlinked; its local history was deleted ({deleted} rows).");
            }
            Ok(())
        }
    }
}

/// The user's energy model: the app's settings and secret store in `dir`, the history in the
/// app's data folder. No background task: a command does what it is asked and ends.
async fn open(dir: &Path) -> Result<Energy, EnergyError> {
    let data_dir = hearth_core::paths::data_dir().ok_or(EnergyError::NoDataDir)?;
    let secrets: Arc<dyn SecretStore> = hearth_secret::open(SECRET_SERVICE, dir);
    let options = EnergyOptions {
        schedule: false,
        ..EnergyOptions::default()
    };
    let dir = dir.to_owned();
    // Opening the history is blocking (SQLite).
    let energy =
        tokio::task::spawn_blocking(move || Energy::open(&dir, &data_dir, secrets, options))
            .await
            .map_err(|err| EnergyError::Other(err.to_string()))?
            .map_err(|err| EnergyError::Other(err.to_string()))?;
    energy.refresh().await;
    Ok(energy)
}

/// A problem the model reports, as the CLI exits with it.
fn from_problem(problem: Problem) -> EnergyError {
    match &problem {
        Problem::EnergyNoProxy => EnergyError::NoProxy,
        Problem::EnergyProxyUnreachable { detail } => EnergyError::Unreachable(detail.clone()),
        Problem::EnergyNoConsent | Problem::EnergyNotHolder => {
            EnergyError::Relink(output::problem_text(&problem))
        }
        Problem::EnergyQuota { retry_at } | Problem::EnergyOutage { retry_at } => {
            EnergyError::Paused {
                what: output::problem_text(&problem),
                retry_at: retry_at.clone(),
            }
        }
        Problem::EnergyOffer { detail, .. } => EnergyError::Usage(format!("refused: {detail}")),
        Problem::EnergyNoSubscribedPower => EnergyError::NoSubscribedPower,
        Problem::EnergyNothingToCompare => EnergyError::NothingToCompare,
        Problem::Internal { detail } => EnergyError::Other(detail.clone()),
        other => EnergyError::Other(output::problem_text(other)),
    }
}

/// `--from`/`--to` (both included) as the model's `[from, to)`.
/// A load curve covers at most `series::MAX_CURVE_DAYS`, a daily series `MAX_DAILY_DAYS`: a
/// longer range is wrong usage, said before anything is read.
fn range(from: Day, to: Day, curve: bool) -> Result<(Date, Date), EnergyError> {
    let today = paris_today();
    let bad = || EnergyError::Usage("a date is out of range".to_owned());
    let from = from.resolve(today).ok_or_else(bad)?;
    let to = to.resolve(today).ok_or_else(bad)?;
    if to < from {
        return Err(EnergyError::Usage(format!(
            "--to {to} is before --from {from}"
        )));
    }
    let max = if curve {
        series::MAX_CURVE_DAYS
    } else {
        series::MAX_DAILY_DAYS
    };
    let days = from.until(to).map_or(i32::MAX, |span| span.get_days()) + 1;
    if days > max {
        return Err(EnergyError::Usage(format!(
            "{days} days: at most {max} at once{}",
            if curve { " for the load curve" } else { "" }
        )));
    }
    Ok((from, to.tomorrow().map_err(|_| bad())?))
}

/// The meter a command is about: `--meter`, else the only one linked. With `kept_history`, a
/// meter unlinked with its history kept is found too (its data stays readable).
async fn choose_meter(
    energy: &Energy,
    meter: Option<&str>,
    kept_history: bool,
) -> Result<String, EnergyError> {
    let linked = energy.linked_meters().await.map_err(from_problem)?;
    match meter {
        Some(prm) => {
            let prm = prm.trim();
            let known = linked.iter().any(|m| m == prm)
                || (kept_history && history_meters(energy)?.iter().any(|m| m == prm));
            if known {
                Ok(prm.to_owned())
            } else {
                Err(EnergyError::UnknownMeter(prm.to_owned()))
            }
        }
        None => match linked.as_slice() {
            [] => Err(EnergyError::NoMeter),
            [only] => Ok(only.clone()),
            several => Err(EnergyError::SeveralMeters(several.to_vec())),
        },
    }
}

/// Every meter the history holds data of, linked or not.
fn history_meters(energy: &Energy) -> Result<Vec<String>, EnergyError> {
    let history =
        History::open(energy.history_path()).map_err(|err| EnergyError::Other(err.to_string()))?;
    Ok(history
        .meters()
        .map_err(|err| EnergyError::Other(err.to_string()))?
        .into_iter()
        .map(|m| m.prm)
        .collect())
}

#[derive(Clone, Copy)]
enum Series {
    Daily,
    Production,
    Curve,
    MaxPower,
}

async fn series(
    energy: &Energy,
    meter: Option<&str>,
    which: Series,
    args: RangeArgs,
) -> Result<(), EnergyError> {
    let (from, to) = range(args.from, args.to, matches!(which, Series::Curve))?;
    let prm = choose_meter(energy, meter, true).await?;
    let text = match which {
        Series::Daily | Series::Production => {
            let series = if matches!(which, Series::Daily) {
                energy.daily(&prm, from, to)
            } else {
                energy.production(&prm, from, to)
            }
            .map_err(from_problem)?;
            if args.json {
                output::json(&series)
            } else {
                output::daily(&series)
            }
        }
        Series::Curve => {
            let curve = energy.load_curve(&prm, from, to).map_err(from_problem)?;
            if args.json {
                output::json(&curve)
            } else {
                output::curve(&curve)
            }
        }
        Series::MaxPower => {
            let series = energy.max_power(&prm, from, to).map_err(from_problem)?;
            if args.json {
                output::json(&series)
            } else {
                output::max_power(&series)
            }
        }
    };
    print!("{text}");
    Ok(())
}

/// `energy offer`: shows the meter's offer, after the change asked if any.
async fn offer(energy: &Energy, meter: Option<&str>, args: &OfferArgs) -> Result<(), EnergyError> {
    let prm = choose_meter(energy, meter, true).await?;
    let view = match &args.action {
        None => energy.offer(&prm),
        Some(OfferAction::Set(set)) => {
            let choice = offer_choice(set)?;
            energy.set_offer(&prm, &choice).await
        }
        Some(OfferAction::Windows(WindowsAction::Set { from, windows })) => {
            let from = from.map(resolve_day).transpose()?;
            let ranges: Vec<TimeRange> = windows
                .iter()
                .map(|w| TimeRange {
                    start: hhmm(w.start),
                    end: hhmm(w.end),
                })
                .collect();
            energy.set_windows(&prm, from, &ranges)
        }
        Some(OfferAction::Windows(WindowsAction::Remove { from })) => {
            let from = resolve_day(*from)?;
            // The model removes nothing silently; a typo in the date is said.
            let versions = energy.offer(&prm).map_err(from_problem)?.windows;
            let day = from.to_string();
            if !versions
                .iter()
                .any(|v| v.from.as_deref() == Some(day.as_str()))
            {
                return Err(EnergyError::Usage(format!(
                    "no version of the off-peak windows starts on {day} (hearth-cli energy \
                     offer lists them; the first one cannot be removed, only replaced)"
                )));
            }
            energy.remove_windows(&prm, from)
        }
    }
    .map_err(from_problem)?;
    print!(
        "{}",
        if args.json {
            output::json(&view)
        } else {
            costs::offer_view_text(&view)
        }
    );
    Ok(())
}

fn hhmm(time: jiff::civil::Time) -> String {
    format!("{:02}:{:02}", time.hour(), time.minute())
}

fn resolve_day(day: Day) -> Result<Date, EnergyError> {
    day.resolve(paris_today())
        .ok_or_else(|| EnergyError::Usage("a date is out of range".to_owned()))
}

/// `offer set …` as the model takes it. The prices' numbers are the model's to check (as the
/// window's are); which periods an option has is said here in the command line's words.
fn offer_choice(set: &SetOffer) -> Result<OfferChoice, EnergyError> {
    let regulated = match set.kind {
        OfferKind::Base => Some(TariffOption::Base),
        OfferKind::HpHc => Some(TariffOption::HpHc),
        OfferKind::Tempo => Some(TariffOption::Tempo),
        OfferKind::Own => None,
    };
    if let Some(option) = regulated {
        if set.option.is_some() || !set.prices.is_empty() || set.subscription.is_some() {
            return Err(EnergyError::Usage(
                "--option, --price and --subscription are for an own offer (offer set own); a \
                 regulated offer takes the regulator's prices"
                    .to_owned(),
            ));
        }
        return Ok(OfferChoice::Regulated { option });
    }
    let option = set
        .option
        .ok_or_else(|| {
            EnergyError::Usage("an own offer needs --option base|hphc|tempo".to_owned())
        })?
        .option();
    let periods = hearth_core::energy::costs::periods(option);
    let names = || {
        periods
            .iter()
            .map(|p| costs::period_name(*p))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let key = costs::option_key(option);
    let mut prices: Vec<PeriodPrice> = Vec::new();
    for (period, price) in &set.prices {
        let name = costs::period_name(*period);
        if !periods.contains(period) {
            return Err(EnergyError::Usage(format!(
                "--price {name}: {key} has no {name} period (its periods: {})",
                names()
            )));
        }
        if prices.iter().any(|p| p.period == *period) {
            return Err(EnergyError::Usage(format!("--price {name} is given twice")));
        }
        prices.push(PeriodPrice {
            period: *period,
            euros_per_kwh: price.clone(),
        });
    }
    if let Some(missing) = periods
        .iter()
        .find(|p| !prices.iter().any(|g| g.period == **p))
    {
        return Err(EnergyError::Usage(format!(
            "an own {key} offer needs a price for each of {}: --price {}=EUROS is missing",
            names(),
            costs::period_name(*missing)
        )));
    }
    let monthly_subscription = set.subscription.clone().ok_or_else(|| {
        EnergyError::Usage("an own offer needs --subscription EUROS (per month)".to_owned())
    })?;
    Ok(OfferChoice::Own {
        option,
        prices,
        monthly_subscription,
    })
}

/// `energy cost`: the days of the range priced, and the totals.
async fn cost(energy: &Energy, meter: Option<&str>, args: CostArgs) -> Result<(), EnergyError> {
    let (from, to) = range(args.from, args.to, false)?;
    let prm = choose_meter(energy, meter, true).await?;
    let choice = match args.offer {
        CostOffer::Mine => None,
        CostOffer::Base => Some(TariffOption::Base),
        CostOffer::HpHc => Some(TariffOption::HpHc),
        CostOffer::Tempo => Some(TariffOption::Tempo),
    }
    .map(|option| OfferChoice::Regulated { option });
    let (offer, report) = energy
        .cost_report(&prm, from, to, choice.as_ref())
        .map_err(from_problem)?;
    let last = to
        .yesterday()
        .map_err(|err| EnergyError::Other(err.to_string()))?;
    print!(
        "{}",
        if args.json {
            costs::cost_json(&prm, &offer, &report, from, last)
        } else {
            costs::cost_text(&prm, &offer, &report)
        }
    );
    Ok(())
}

/// Links a meter: the page and the code on standard output, the browser opened, then waits for
/// the answer (Ctrl-C cancels).
async fn link(energy: &Energy, no_browser: bool) -> Result<(), EnergyError> {
    if energy.view().proxy.is_none() {
        return Err(EnergyError::NoProxy);
    }
    let mut changes = energy.subscribe();
    let view = energy.start_link().await.map_err(from_problem)?;
    let mut shown = false;
    let mut current = view.link;
    loop {
        match &current {
            Some(LinkView::Waiting {
                user_code,
                verification_uri_complete,
                expires_in_secs,
                ..
            }) if !shown => {
                shown = true;
                println!("Link page: {verification_uri_complete}");
                println!("Code:      {user_code} (the page shows the same code: check it)");
                let minutes = expires_in_secs.div_ceil(60);
                if no_browser || browser::open(verification_uri_complete).is_err() {
                    eprintln!(
                        "Open the link page in a browser (on any device) and accept at Enedis;                          the code expires in {minutes} min."
                    );
                } else {
                    eprintln!(
                        "Your browser opened the link page: accept at Enedis there; the code                          expires in {minutes} min."
                    );
                }
                eprintln!("Waiting for the consent… (Ctrl-C to stop)");
            }
            Some(LinkView::Approved { prm }) => {
                println!("Linked meter {prm}. Fetch its data: hearth-cli energy sync");
                return Ok(());
            }
            Some(LinkView::Refused) => return Err(EnergyError::Refused),
            Some(LinkView::Expired) => return Err(EnergyError::Expired),
            Some(LinkView::Failed { problem }) => return Err(from_problem(problem.clone())),
            _ => {}
        }
        tokio::select! {
            changed = changes.changed() => {
                if changed.is_err() {
                    return Err(EnergyError::Other("the link stopped".to_owned()));
                }
                current = changes.borrow_and_update().link.clone();
            }
            _ = tokio::signal::ctrl_c() => {
                energy.cancel_link().await;
                return Err(EnergyError::Other("the link was cancelled".to_owned()));
            }
        }
    }
}

/// Syncs `meter`, or every linked meter: progress on standard error, what was fetched on
/// standard output; stops with the time to try again when Enedis asks to wait.
async fn sync(energy: &Energy, meter: Option<&str>) -> Result<(), EnergyError> {
    let meters = if meter.is_some() {
        vec![choose_meter(energy, meter, false).await?]
    } else {
        let linked = energy.linked_meters().await.map_err(from_problem)?;
        if linked.is_empty() {
            return Err(EnergyError::NoMeter);
        }
        linked
    };
    let mut first_error = None;
    for prm in meters {
        let progress = tokio::spawn(show_progress(energy.subscribe(), prm.clone()));
        let result = energy.sync_meter(&prm).await;
        progress.abort();
        let outcome = match result {
            Ok(report) => match report.end {
                SyncEnd::Done => {
                    energy.refresh().await;
                    let until = energy
                        .view()
                        .meters
                        .into_iter()
                        .find(|m| m.prm == prm)
                        .and_then(|m| m.data_until)
                        .unwrap_or_else(|| "nothing yet".to_owned());
                    let waited = if report.waited {
                        " (after waiting for another sync of it)"
                    } else {
                        ""
                    };
                    println!(
                        "{prm}: up to date{waited}: {}, {} days fetched; data up to {until}",
                        calls(report.calls),
                        report.days
                    );
                    Ok(())
                }
                SyncEnd::Paused { reason, retry_at } => {
                    let retry_at = series::instant_string(retry_at);
                    Err(EnergyError::Paused {
                        what: format!(
                            "{prm}: paused after {}: {}",
                            calls(report.calls),
                            match reason {
                                Pause::Quota => "Enedis's quota is spent",
                                Pause::Outage => "Enedis is unavailable",
                            }
                        ),
                        retry_at,
                    })
                }
            },
            Err(problem) => Err(from_problem(problem)),
        };
        // The first failure is what the command exits with (and main prints); later meters'
        // are printed here so that none goes unsaid.
        if let Err(err) = outcome {
            if first_error.is_none() {
                first_error = Some(err);
            } else {
                eprintln!("hearth-cli: {err}");
            }
        }
    }
    // What the app's background does on its tick: the regulator's files and the Tempo colours
    // the costs need, fetched when due (from settings.json's `price_feeds`, else the public
    // sources). A failure is logged and tried again at the next sync: the costs go on with what
    // is stored.
    if energy.update_prices(jiff::Timestamp::now(), false).await {
        println!("Regulated prices and Tempo colours updated.");
    }
    first_error.map_or(Ok(()), Err)
}

fn calls(n: usize) -> String {
    if n == 1 {
        "1 call".to_owned()
    } else {
        format!("{n} calls")
    }
}

/// Prints meter `prm`'s sync progress as the model reports it.
async fn show_progress(mut changes: watch::Receiver<EnergyView>, prm: String) {
    let terminal = std::io::stderr().is_terminal();
    let mut last = None;
    while changes.changed().await.is_ok() {
        let state = changes
            .borrow_and_update()
            .meters
            .iter()
            .find(|m| m.prm == prm)
            .map(|m| m.state.clone());
        if let Some(MeterState::Syncing { done, total }) = state {
            if last == Some((done, total)) || total == 0 {
                continue;
            }
            last = Some((done, total));
            if terminal {
                eprint!("\r{prm}: {done}/{total} calls");
                let _ = std::io::stderr().flush();
            } else {
                eprintln!("{prm}: {done}/{total} calls");
            }
        }
    }
}

fn config_dir(cli: &crate::Cli) -> Result<PathBuf, EnergyError> {
    cli.config_dir
        .clone()
        .filter(|dir| !dir.as_os_str().is_empty())
        .or_else(hearth_core::paths::config_dir)
        .ok_or(EnergyError::NoConfigDir)
}

/// Saves `--proxy URL --client-id ID` when given (validated as the Settings screen does).
fn save_proxy(dir: &Path, proxy: Option<&str>, client_id: Option<&str>) -> Result<(), EnergyError> {
    if let (Some(url), Some(client_id)) = (proxy, client_id) {
        let proxy = EnergyProxy::new(url, client_id)?;
        Settings::set_energy_proxy(dir, Some(proxy))?;
        eprintln!("Energy proxy saved (shared with the app).");
    }
    Ok(())
}

/// What `unlink` does with the meter's local history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryChoice {
    Keep,
    Delete,
}

/// The history choice from the flags, else asked on a terminal; never guessed: a script that
/// gives neither flag is told to choose.
fn history_choice(
    keep: bool,
    delete: bool,
    terminal: bool,
    mut ask: impl FnMut() -> std::io::Result<String>,
) -> Result<HistoryChoice, EnergyError> {
    match (keep, delete) {
        (true, _) => return Ok(HistoryChoice::Keep),
        (_, true) => return Ok(HistoryChoice::Delete),
        _ => {}
    }
    if !terminal {
        return Err(EnergyError::Usage(
            "unlink: keep or delete the meter's local history? Give --keep-history or \
             --delete-history (it is the only copy of what Enedis no longer keeps)"
                .to_owned(),
        ));
    }
    loop {
        let answer = ask().map_err(|err| EnergyError::Other(err.to_string()))?;
        match answer.trim().to_ascii_lowercase().as_str() {
            "k" | "keep" => return Ok(HistoryChoice::Keep),
            "d" | "delete" => return Ok(HistoryChoice::Delete),
            // End of input: nothing was chosen, so nothing is deleted and nothing unlinked.
            "" if answer.is_empty() => {
                return Err(EnergyError::Usage(
                    "unlink: no answer; nothing was changed".to_owned(),
                ));
            }
            _ => {}
        }
    }
}

/// Asks on the terminal whether to keep the history.
fn ask_on_terminal() -> std::io::Result<String> {
    eprint!(
        "Keep this meter's local history (the only copy of data older than Enedis keeps)? \
         [k]eep / [d]elete: "
    );
    std::io::stderr().flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line)
}

fn stdin_is_terminal() -> bool {
    std::io::stdin().is_terminal()
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::args::Day;
    use super::{EnergyError, HistoryChoice, history_choice, range};

    #[test]
    fn ranges_include_their_last_day_and_are_bounded() {
        let (from, to) = range(
            Day::Date(date(2026, 3, 1)),
            Day::Date(date(2026, 3, 31)),
            true,
        )
        .unwrap();
        assert_eq!((from, to), (date(2026, 3, 1), date(2026, 4, 1)));
        let long = range(
            Day::Date(date(2026, 3, 1)),
            Day::Date(date(2026, 4, 1)),
            true,
        )
        .unwrap_err();
        assert_eq!(long.exit_code(), 2, "{long}");
        assert!(
            range(
                Day::Date(date(2026, 3, 1)),
                Day::Date(date(2026, 4, 1)),
                false
            )
            .is_ok()
        );
        let backwards = range(
            Day::Date(date(2026, 3, 2)),
            Day::Date(date(2026, 3, 1)),
            false,
        )
        .unwrap_err();
        assert!(matches!(backwards, EnergyError::Usage(_)), "{backwards}");
    }

    #[test]
    fn unlink_takes_the_flag_asks_a_terminal_and_refuses_to_guess_otherwise() {
        let never = || -> std::io::Result<String> { panic!("asked although a flag was given") };
        assert_eq!(
            history_choice(true, false, false, never).unwrap(),
            HistoryChoice::Keep
        );
        assert_eq!(
            history_choice(false, true, true, never).unwrap(),
            HistoryChoice::Delete
        );
        let refused = history_choice(false, false, false, never).unwrap_err();
        assert!(matches!(refused, EnergyError::Usage(_)), "{refused}");
        assert_eq!(refused.exit_code(), 2);

        let mut answers = vec!["D\n", "what?\n"].into_iter().map(str::to_owned);
        let asked = history_choice(false, false, true, || Ok(answers.next_back().unwrap()));
        assert_eq!(asked.unwrap(), HistoryChoice::Delete);
        let closed = history_choice(false, false, true, || Ok(String::new()));
        assert!(matches!(closed, Err(EnergyError::Usage(_))));
    }
}
