//! The model's costs: each meter's offer and off-peak windows, the cost engine over the history,
//! the offer comparison, Tempo colours, and keeping prices and colours up to date.
//!
//! - Offers and the Tempo switch live in `settings.json` (shared with `hearth-cli`; in memory in
//!   the demo); off-peak windows, Tempo colours and the regulator's files in the history.
//! - Prices are the snapshot shipped with the app, updated with the regulator's files fetched
//!   weekly; Tempo colours are fetched when tomorrow's is due (from 10:40), and the seasons of
//!   the last [`TEMPO_MONTHS`] months while they have gaps. Nothing is fetched until a meter is
//!   linked or the user asks for Tempo colours.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use hearth_energy::history::WindowsSource;
use hearth_energy::prices::{self, PriceClient, PriceFeeds};
use hearth_energy::{DayRange, Measure};
use hearth_metering::paris;
use hearth_tariff::grid::Taxes;
use hearth_tariff::tempo::tempo_slot;
use hearth_tariff::{
    CostEngine, CostReport, DayCost, Energy as Wmin, Money, Offer, OffpeakSchedule, Point,
    RegulatedTariffs, TariffOption, TempoCalendar, compare, power_hint,
};
use jiff::Timestamp;
use jiff::civil::Date;

use super::{Energy, add_days, internal, kva, lock};
use crate::energy::costs::{
    self, ComparisonView, CostChange, CostSeries, OfferChoice, OfferInputError, OfferView,
    TempoDay, TempoView, TimeRange, WindowsOrigin, WindowsVersion,
};
use crate::energy::series::{date_string, instant_string, year_before};
use crate::problem::Problem;
use crate::settings::Settings;

/// How far back Tempo colours are kept complete: the load curve's 24 months and a year before.
const TEMPO_MONTHS: i64 = 36;

#[derive(Default)]
pub(super) struct PriceState {
    offers: BTreeMap<String, Offer>,
    show_tempo: bool,
    feeds: Option<PriceFeeds>,
    /// The snapshot updated with the fetched files; made again after an update.
    tariffs: Option<Arc<RegulatedTariffs>>,
    tempo_tried_at: Option<Timestamp>,
    tariffs_tried_at: Option<Timestamp>,
    updating: bool,
}

impl From<OfferInputError> for Problem {
    fn from(err: OfferInputError) -> Self {
        Problem::EnergyOffer {
            detail: err.to_string(),
            reason: err.reason(),
            period: err.period(),
            value: err.value(),
        }
    }
}

fn choice_of(offer: &Offer) -> OfferChoice {
    match offer {
        Offer::Regulated { option, .. } => OfferChoice::Regulated { option: *option },
        Offer::Own(own) => OfferChoice::Own {
            option: own.energy.option(),
            prices: costs::period_prices(&own.energy),
            monthly_subscription: costs::euros_text(own.monthly_subscription),
        },
    }
}

fn offer_of(choice: &OfferChoice) -> Result<Offer, OfferInputError> {
    Ok(match choice {
        OfferChoice::Regulated { option } => Offer::regulated(*option),
        OfferChoice::Own {
            option,
            prices,
            monthly_subscription,
        } => Offer::Own(costs::own_offer(*option, prices, monthly_subscription)?),
    })
}

fn origin(source: WindowsSource) -> WindowsOrigin {
    match source {
        WindowsSource::Meter => WindowsOrigin::Meter,
        WindowsSource::User => WindowsOrigin::User,
    }
}

/// The last price movement the shipped snapshot includes (read once: it never changes).
fn snapshot_date() -> Result<Date, Problem> {
    static DATE: OnceLock<Option<Date>> = OnceLock::new();
    DATE.get_or_init(|| {
        RegulatedTariffs::snapshot()
            .ok()
            .and_then(|t| t.rows().iter().map(|r| r.from).max())
    })
    .ok_or_else(|| Problem::Internal {
        detail: "the shipped tariff snapshot does not read".to_owned(),
    })
}

fn today(now: Timestamp) -> Date {
    paris::zone().to_datetime(now).date()
}

impl Energy {
    pub(super) fn set_price_settings(&self, settings: &Settings) {
        let mut parts = lock(&self.inner.parts);
        let prices = &mut parts.prices;
        prices.offers.clone_from(&settings.offers);
        prices.show_tempo = settings.show_tempo;
        if prices.feeds != settings.price_feeds {
            prices.feeds.clone_from(&settings.price_feeds);
            prices.tempo_tried_at = None;
            prices.tariffs_tried_at = None;
        }
    }

    fn feeds(&self) -> PriceFeeds {
        self.inner
            .options
            .price_feeds
            .clone()
            .or_else(|| lock(&self.inner.parts).prices.feeds.clone())
            .unwrap_or_default()
    }

    /// The time the model goes by ([`EnergyOptions::clock`](super::EnergyOptions)): the shell's
    /// red-day warning reads the colours' "today" by it too.
    pub fn now(&self) -> Timestamp {
        self.inner.options.clock.now()
    }

    /// The regulated prices: the shipped snapshot with the fetched files.
    fn tariffs(&self) -> Result<Arc<RegulatedTariffs>, Problem> {
        if let Some(tariffs) = &lock(&self.inner.parts).prices.tariffs {
            return Ok(Arc::clone(tariffs));
        }
        let tariffs = Arc::new(prices::tariffs(&self.inner.history).map_err(|e| internal(&e))?);
        lock(&self.inner.parts).prices.tariffs = Some(Arc::clone(&tariffs));
        Ok(tariffs)
    }

    fn subscribed_kva(&self, prm: &str) -> Result<Option<u32>, Problem> {
        Ok(self
            .inner
            .history
            .meter(prm)
            .map_err(|e| internal(&e))?
            .and_then(|m| kva(m.contract.and_then(|c| c.subscribed_power).as_deref())))
    }

    fn schedule(&self, prm: &str) -> Result<OffpeakSchedule, Problem> {
        self.inner
            .history
            .offpeak_schedule(prm)
            .map_err(|e| internal(&e))
    }

    /// The meter's offer, and whether the user chose it: until they do, HP/HC when the meter
    /// has off-peak windows (its contract is most likely one), else Base.
    fn offer_and_choice(&self, prm: &str) -> Result<(Offer, bool), Problem> {
        if let Some(offer) = lock(&self.inner.parts).prices.offers.get(prm) {
            return Ok((offer.clone(), true));
        }
        let option = if self.schedule(prm)?.is_from_meter() {
            TariffOption::HpHc
        } else {
            TariffOption::Base
        };
        Ok((Offer::regulated(option), false))
    }

    /// Whose off-peak windows apply on `day`: the version the engine uses (the latest started,
    /// or for days before the first version, the first).
    fn windows_origin(&self, prm: &str, day: Date) -> Result<WindowsOrigin, Problem> {
        let versions = self
            .inner
            .history
            .offpeak_versions(prm)
            .map_err(|e| internal(&e))?;
        Ok(versions
            .iter()
            .rev()
            .find(|v| v.from <= day)
            .or(versions.first())
            .map_or(WindowsOrigin::Default, |v| origin(v.source)))
    }

    /// The option a meter is priced with (the tray shows Tempo colours for a Tempo one).
    pub(super) fn option_of(&self, prm: &str) -> Option<TariffOption> {
        self.offer_and_choice(prm).ok().map(|(o, _)| o.option())
    }

    /// A meter's offer, its prices today and its off-peak windows.
    pub fn offer(&self, prm: &str) -> Result<OfferView, Problem> {
        let (offer, chosen) = self.offer_and_choice(prm)?;
        let kva = self.subscribed_kva(prm)?;
        let tariffs = self.tariffs()?;
        let day = today(self.now());
        let (prices, monthly_subscription) = match &offer {
            Offer::Regulated { option, taxes } => {
                match kva
                    .and_then(|kva| tariffs.row(*option, kva, day))
                    .and_then(|row| row.prices(*taxes))
                {
                    Some(p) => (
                        costs::period_prices(&p.energy),
                        Some(costs::euros_text(p.yearly_fixed.prorate(1, 12))),
                    ),
                    None => (Vec::new(), None),
                }
            }
            Offer::Own(own) => (
                costs::period_prices(&own.energy),
                Some(costs::euros_text(own.monthly_subscription)),
            ),
        };
        let versions = self
            .inner
            .history
            .offpeak_versions(prm)
            .map_err(|e| internal(&e))?;
        let windows_origin = self.windows_origin(prm, day)?;
        let windows = versions
            .iter()
            .enumerate()
            .map(|(i, v)| WindowsVersion {
                from: (i > 0).then(|| date_string(v.from)),
                windows: costs::time_ranges(&v.windows),
                origin: origin(v.source),
            })
            .collect();
        let mut updated = None;
        for option in [TariffOption::Base, TariffOption::HpHc, TariffOption::Tempo] {
            let file = self
                .inner
                .history
                .tariff_file(option)
                .map_err(|e| internal(&e))?;
            updated = updated.max(file.map(|(_, at)| at));
        }
        Ok(OfferView {
            prm: prm.to_owned(),
            choice: choice_of(&offer),
            chosen,
            subscribed_kva: kva,
            prices,
            monthly_subscription,
            windows,
            windows_origin,
            prices_updated_at: updated.map(instant_string),
            snapshot_date: date_string(snapshot_date()?),
            show_tempo: lock(&self.inner.parts).prices.show_tempo,
        })
    }

    /// Sets a meter's offer (kept in `settings.json`, in memory in the demo).
    pub async fn set_offer(&self, prm: &str, choice: &OfferChoice) -> Result<OfferView, Problem> {
        let offer = offer_of(choice)?;
        match &self.inner.config_dir {
            Some(dir) => {
                let (settings, ()) = Settings::update(dir, |s| {
                    s.offers.insert(prm.to_owned(), offer);
                })
                .map_err(|e| internal(&e))?;
                self.set_price_settings(&settings);
            }
            None => {
                lock(&self.inner.parts)
                    .prices
                    .offers
                    .insert(prm.to_owned(), offer);
            }
        }
        self.refresh().await;
        self.offer(prm)
    }

    /// Shows the Tempo colours even where no meter's offer is Tempo.
    pub async fn set_show_tempo(&self, show: bool) -> Result<(), Problem> {
        match &self.inner.config_dir {
            Some(dir) => {
                let (settings, ()) =
                    Settings::update(dir, |s| s.show_tempo = show).map_err(|e| internal(&e))?;
                self.set_price_settings(&settings);
            }
            None => lock(&self.inner.parts).prices.show_tempo = show,
        }
        if show {
            self.inner.wake.notify_one();
        }
        self.refresh().await;
        Ok(())
    }

    /// The user's off-peak windows from `from` on (`None`: for every day, replacing the first
    /// version).
    pub fn set_windows(
        &self,
        prm: &str,
        from: Option<Date>,
        ranges: &[TimeRange],
    ) -> Result<OfferView, Problem> {
        let windows = costs::parse_windows(ranges)?;
        let from = match from {
            Some(day) => day,
            None => self
                .inner
                .history
                .offpeak_versions(prm)
                .map_err(|e| internal(&e))?
                .first()
                .map_or(Date::MIN, |v| v.from),
        };
        self.inner
            .history
            .set_offpeak(prm, from, &windows, WindowsSource::User)
            .map_err(|e| internal(&e))?;
        self.offer(prm)
    }

    /// Removes the version of the windows starting on `from`.
    pub fn remove_windows(&self, prm: &str, from: Date) -> Result<OfferView, Problem> {
        let removed = self
            .inner
            .history
            .remove_offpeak(prm, from)
            .map_err(|e| internal(&e))?;
        if !removed {
            return Err(OfferInputError::NoVersion(date_string(from)).into());
        }
        self.offer(prm)
    }

    fn points(&self, prm: &str, from: Date, to: Date) -> Result<Vec<Point>, Problem> {
        Ok(self
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
            .map_err(|e| internal(&e))?
            .into_iter()
            .map(|p| Point {
                start: p.start,
                end: p.end,
                watts: p.value,
            })
            .collect())
    }

    fn daily_energy(&self, prm: &str, from: Date, to: Date) -> Result<Vec<(Date, Wmin)>, Problem> {
        Ok(self
            .inner
            .history
            .daily(
                prm,
                Measure::DailyConsumption,
                DayRange {
                    start: from,
                    end: to.max(from),
                },
            )
            .map_err(|e| internal(&e))?
            .into_iter()
            .filter_map(|v| Some((v.day, Wmin::from_wh(v.value?))))
            .collect())
    }

    fn tempo(&self) -> Result<TempoCalendar, Problem> {
        self.inner
            .history
            .tempo_calendar()
            .map_err(|e| internal(&e))
    }

    /// The costs of `[from, to)` with the meter's offer (or `offer`), each day at the prices in
    /// force that day: from the load curve, or daily energy where there is none.
    pub fn cost_report(
        &self,
        prm: &str,
        from: Date,
        to: Date,
        offer: Option<&OfferChoice>,
    ) -> Result<(Offer, CostReport), Problem> {
        let offer = match offer {
            Some(choice) => offer_of(choice)?,
            None => self.offer_and_choice(prm)?.0,
        };
        let report = self.price(prm, from, to, &offer)?;
        Ok((offer, report))
    }

    fn price(&self, prm: &str, from: Date, to: Date, offer: &Offer) -> Result<CostReport, Problem> {
        let kva = self.subscribed_kva(prm)?;
        if kva.is_none() && matches!(offer, Offer::Regulated { .. }) {
            return Err(Problem::EnergyNoSubscribedPower);
        }
        let tariffs = self.tariffs()?;
        let schedule = self.schedule(prm)?;
        let tempo = self.tempo()?;
        let engine = CostEngine::new(&tariffs, &schedule, &tempo, kva.unwrap_or(0));
        engine
            .from_curve_or_daily(
                offer,
                &self.points(prm, from, to)?,
                &self.daily_energy(prm, from, to)?,
                from,
                to,
            )
            .map_err(|e| internal(&e))
    }

    /// The energy screen's cost bars: `[from, to)` beside the same days a year earlier.
    pub fn costs(&self, prm: &str, from: Date, to: Date) -> Result<CostSeries, Problem> {
        let (offer, report) = self.cost_report(prm, from, to, None)?;
        let before = |d| year_before(d).map_err(|e| Problem::from(&e));
        let previous = self.price(prm, before(from)?, before(to.max(from))?, &offer)?;
        let tempo = self.tempo()?;
        let option = offer.option();
        let color = |day: Date| {
            (option == TariffOption::Tempo)
                .then(|| tempo.color(day))
                .flatten()
        };
        // The totals stop at today, the year before at the same days; the change counts the
        // days priced in both years only, so that a missing day on either side does not count
        // as a saving.
        let today = today(self.now());
        let previous_of: BTreeMap<Date, &DayCost> =
            previous.days.iter().map(|d| (d.day, d)).collect();
        let mut counted = Vec::new();
        let mut counted_before = Vec::new();
        let (mut both, mut change) = (0_u32, Money::ZERO);
        for day in report.days.iter().filter(|d| d.day <= today) {
            counted.push(day.clone());
            let Some(&before) = year_before(day.day).ok().and_then(|d| previous_of.get(&d)) else {
                continue;
            };
            counted_before.push(before.clone());
            if day.status.is_priced() && before.status.is_priced() {
                both += 1;
                change += day.energy_cost() + day.subscription
                    - before.energy_cost()
                    - before.subscription;
            }
        }
        Ok(CostSeries {
            prm: prm.to_owned(),
            option,
            own_offer: matches!(offer, Offer::Own(_)),
            from: date_string(from),
            to: date_string(to),
            periods: costs::periods(option),
            days: report
                .days
                .iter()
                .map(|d| costs::cost_day(d, color(d.day)))
                .collect(),
            previous: previous
                .days
                .iter()
                .map(|d| costs::cost_day(d, color(d.day)))
                .collect(),
            total: costs::cost_total(&CostReport::from_days(counted)),
            previous_total: costs::cost_total(&CostReport::from_days(counted_before)),
            change: (both > 0).then(|| CostChange {
                days: both,
                cents: costs::cents(change),
            }),
            windows_origin: if option == TariffOption::HpHc {
                self.windows_origin(prm, today)?
            } else {
                WindowsOrigin::Default
            },
        })
    }

    /// *Compare offers*: the last 12 months on each regulated option at today's prices, on the
    /// meter's load curve, and whether the subscribed power could be lowered.
    pub fn compare(&self, prm: &str) -> Result<ComparisonView, Problem> {
        let kva = self
            .subscribed_kva(prm)?
            .ok_or(Problem::EnergyNoSubscribedPower)?;
        let day = today(self.now());
        let from = add_days(day, -366)?;
        let tariffs = self.tariffs()?;
        let schedule = self.schedule(prm)?;
        let tempo = self.tempo()?;
        let comparison = compare(
            &tariffs,
            &schedule,
            &tempo,
            kva,
            &self.points(prm, from, day)?,
            day,
        )
        .map_err(|err| match err {
            hearth_tariff::TariffError::NothingToCompare => Problem::EnergyNothingToCompare,
            other => internal(&other),
        })?;
        let (offer, _) = self.offer_and_choice(prm)?;
        let daily_max: Vec<i64> = self
            .inner
            .history
            .max_power(
                prm,
                DayRange {
                    start: comparison.from,
                    end: day,
                },
            )
            .map_err(|e| internal(&e))?
            .into_iter()
            .filter_map(|v| v.value)
            .collect();
        let hint = power_hint(&daily_max, kva).map(|hint| {
            let option = offer.option();
            let fixed = |kva| {
                tariffs
                    .row(option, kva, day)
                    .and_then(|r| r.prices(Taxes::Ttc))
                    .map(|p| p.yearly_fixed)
            };
            let saving = fixed(hint.subscribed_kva)
                .zip(fixed(hint.suggested_kva))
                .map(|(now, lower)| now - lower);
            costs::power_hint_view(&hint, saving)
        });
        let windows_origin = self.windows_origin(prm, day)?;
        Ok(costs::comparison_view(
            prm,
            &comparison,
            Some(offer.option()),
            windows_origin,
            kva,
            hint,
        ))
    }

    /// Today's and tomorrow's colours, when a meter's offer is Tempo or the user asked for them.
    pub(super) fn tempo_view(&self, prms: &[String], now: Timestamp) -> Option<TempoView> {
        let shown = lock(&self.inner.parts).prices.show_tempo
            || prms
                .iter()
                .any(|prm| self.option_of(prm) == Some(TariffOption::Tempo));
        if !shown {
            return None;
        }
        let calendar = self.tempo().unwrap_or_else(|err| {
            tracing::warn!(error = ?err, "the Tempo colours could not be read");
            TempoCalendar::default()
        });
        // The Tempo day in force (06:00 to 06:00): before 06:00 it is the previous calendar
        // day's, whose prices still apply.
        let (day, _) = tempo_slot(now);
        let tomorrow = day.tomorrow().ok()?;
        let entry = |day: Date| TempoDay {
            day: date_string(day),
            color: calendar.color(day),
        };
        Some(TempoView {
            today: entry(day),
            tomorrow: entry(tomorrow),
        })
    }

    /// Which updates are due: the regulator's files (weekly, retried hourly after a failure),
    /// the Tempo colours (see [`prices::tempo_due`]).
    fn prices_due(&self, now: Timestamp) -> (bool, bool) {
        let (tariffs_tried, tempo_tried) = {
            let parts = lock(&self.inner.parts);
            (parts.prices.tariffs_tried_at, parts.prices.tempo_tried_at)
        };
        let hour = std::time::Duration::from_secs(3600);
        let tariffs = prices::tariffs_due(&self.inner.history, now).unwrap_or(true)
            && tariffs_tried.is_none_or(|at| now.duration_since(at).unsigned_abs() >= hour);
        let tempo = prices::tempo_due(&self.tempo().unwrap_or_default(), tempo_tried, now);
        (tariffs, tempo)
    }

    /// Starts a price update in the background if one is due and none runs (and a meter is
    /// linked, or the user asked for Tempo colours).
    pub(super) fn spawn_price_update(&self, now: Timestamp) {
        {
            let parts = lock(&self.inner.parts);
            let wanted = parts.prices.show_tempo || !self.view().meters.is_empty();
            if parts.prices.updating || !wanted {
                return;
            }
        }
        if self.prices_due(now) == (false, false) {
            return;
        }
        lock(&self.inner.parts).prices.updating = true;
        let this = self.clone();
        tokio::spawn(async move {
            this.update_prices(now, false).await;
            lock(&this.inner.parts).prices.updating = false;
        });
    }

    /// Fetches the regulator's files and the Tempo colours when due (or now, with `force`);
    /// returns whether anything new was stored. Failures are logged and retried later: the
    /// costs go on with what is stored.
    pub async fn update_prices(&self, now: Timestamp, force: bool) -> bool {
        let client = match PriceClient::new(self.feeds()) {
            Ok(client) => client,
            Err(err) => {
                tracing::warn!(error = %err, "the price feeds are not usable");
                return false;
            }
        };
        let history = &self.inner.history;
        let (tariffs_due, tempo_due) = self.prices_due(now);
        let mut changed = false;
        if force || tariffs_due {
            lock(&self.inner.parts).prices.tariffs_tried_at = Some(now);
            let result = client.update_tariffs(history, now).await;
            // Made again from the files at the next use: a failed update may still have stored
            // the other files.
            lock(&self.inner.parts).prices.tariffs = None;
            match result {
                Ok(stored) => changed |= stored > 0,
                Err(err) => tracing::warn!(error = %err, "the regulated prices were not updated"),
            }
        }
        if force || tempo_due {
            lock(&self.inner.parts).prices.tempo_tried_at = Some(now);
            let since = today(now)
                .checked_sub(jiff::Span::new().months(TEMPO_MONTHS))
                .unwrap_or(Date::MIN);
            match client.update_tempo(history, since, now).await {
                Ok(new) => changed |= new > 0,
                Err(err) => tracing::warn!(error = %err, "the Tempo colours were not updated"),
            }
        }
        if changed {
            self.refresh().await;
        }
        changed
    }
}
