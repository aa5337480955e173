//! What the electricity cost, as the energy screen, the tray and `hearth-cli` show it: a meter's
//! offer ([`OfferView`]), the costs of a range beside the same days a year earlier
//! ([`CostSeries`]), the offer comparison with the subscribed-power hint ([`ComparisonView`]) and
//! today's and tomorrow's Tempo colours ([`TempoView`]).
//!
//! The figures are `hearth-tariff`'s, computed in integers; they cross the IPC rounded once to
//! whole cents (and Wh), so a stacked bar may differ from its total by a cent, never the totals,
//! which are rounded from the exact sums. Prices cross as decimal text (`"0.19520"`), as the user
//! types them.

use std::collections::BTreeMap;

use hearth_tariff::compare::{Comparison, PowerHint, WindowsUsed};
use hearth_tariff::grid::EnergyPrices;
use hearth_tariff::{
    Color, CostReport, DayCost, DayStatus, Energy as Wmin, Money, Period, PricePerKwh,
    TariffOption, Windows,
};
use jiff::civil::Time;
use serde::{Deserialize, Serialize};

use super::series::date_string;

/// A period's amount: cents, Wh, or a price (see where it is used).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct PeriodValue {
    pub period: Period,
    pub value: i32,
}

/// A period's price per kWh, in euros as decimal text (`"0.19520"`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct PeriodPrice {
    pub period: Period,
    pub euros_per_kwh: String,
}

/// What the user pays, as they choose it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OfferChoice {
    /// The regulated tariff (EDF's *Tarif Bleu*), row by row as it was in force, with taxes.
    Regulated { option: TariffOption },
    /// A supplier's own offer: a price per kWh for each period of `option`, and a subscription
    /// per month (euros, decimal text).
    Own {
        option: TariffOption,
        prices: Vec<PeriodPrice>,
        monthly_subscription: String,
    },
}

/// An off-peak window, wall-clock `HH:MM`; `end <= start` crosses midnight.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct TimeRange {
    pub start: String,
    pub end: String,
}

/// Where the off-peak windows used come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum WindowsOrigin {
    /// The meter's contract (as Enedis gives it).
    Meter,
    /// The user's correction.
    User,
    /// Neither is known: the national 22:00–06:00.
    Default,
}

/// One version of a meter's off-peak windows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, specta::Type)]
pub struct WindowsVersion {
    /// The first day they apply (`YYYY-MM-DD`); `None`: every earlier day too.
    pub from: Option<String>,
    pub windows: Vec<TimeRange>,
    pub origin: WindowsOrigin,
}

/// A meter's offer, as the screen shows and edits it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, specta::Type)]
pub struct OfferView {
    pub prm: String,
    /// What the costs are computed with.
    pub choice: OfferChoice,
    /// The user chose it; else it is assumed from the contract (HP/HC when the meter has
    /// off-peak windows, else Base) until they do.
    pub chosen: bool,
    /// The contract's subscribed power (kVA): which regulated row applies.
    pub subscribed_kva: Option<u32>,
    /// Today's prices of the offer, for each period, with taxes.
    pub prices: Vec<PeriodPrice>,
    /// Today's subscription per month (euros, decimal text), if known.
    pub monthly_subscription: Option<String>,
    /// The off-peak windows, oldest first (HP/HC costs use them; Tempo's are fixed).
    pub windows: Vec<WindowsVersion>,
    /// Where today's windows come from.
    pub windows_origin: WindowsOrigin,
    /// When the regulated prices were last updated from the regulator (an instant); `None`: the
    /// prices shipped with the app (as of [`OfferView::snapshot_date`]).
    pub prices_updated_at: Option<String>,
    /// The last price movement the shipped prices include (`YYYY-MM-DD`).
    pub snapshot_date: String,
    /// The tray shows the Tempo colours even where no meter's offer is Tempo (one setting for
    /// every meter, shown beside the offer).
    pub show_tempo: bool,
}

/// How far a day's cost can be trusted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum CostStatus {
    /// Every half hour measured and priced.
    Complete,
    /// Daily energy only (no load curve that day), priced at the Base price.
    Estimate,
    /// Half hours are missing: not priced (a missing half hour is not a zero).
    Incomplete,
    /// No regulated price at this power that day.
    NoPrice,
    /// The day's Tempo colour is not known.
    UnknownColor,
}

/// One day's cost.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, specta::Type)]
pub struct CostDay {
    /// `YYYY-MM-DD`.
    pub day: String,
    pub status: CostStatus,
    /// The Tempo day's colour (06:00 that day to 06:00 the next), for a Tempo offer.
    pub color: Option<Color>,
    /// Energy by period, Wh (also on an unpriced day, as far as it was measured).
    pub energy_wh: Vec<PeriodValue>,
    /// Energy cost by period, cents; empty when the day is not priced.
    pub cost_cents: Vec<PeriodValue>,
    /// The subscription's share of the day, cents.
    pub subscription_cents: i32,
    /// Energy and subscription, cents; `None` when the day is not priced.
    pub total_cents: Option<i32>,
}

/// A range's sums (over its priced days; the subscription over every day).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, specta::Type)]
pub struct CostTotal {
    pub energy_wh: Vec<PeriodValue>,
    pub energy_cents: Vec<PeriodValue>,
    pub subscription_cents: i32,
    pub total_cents: i32,
    pub priced_days: u32,
    /// Days left out of the sums (incomplete, unknown colour, no price).
    pub unpriced_days: u32,
    /// Some days are estimates from daily energy.
    pub estimate: bool,
}

/// This year against last year, over the days priced in both.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, specta::Type)]
pub struct CostChange {
    /// Days priced in both years.
    pub days: u32,
    /// This year's cost of those days minus last year's (energy and subscription), cents.
    pub cents: i32,
}

/// The costs of `[from, to)` and of the same days a year earlier, each day at the prices in
/// force that day. The totals stop at today: days to come owe nothing yet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, specta::Type)]
pub struct CostSeries {
    pub prm: String,
    pub option: TariffOption,
    /// The user's own offer (else the regulated one).
    pub own_offer: bool,
    pub from: String,
    pub to: String,
    /// The periods of the offer, in the order the bars stack them.
    pub periods: Vec<Period>,
    pub days: Vec<CostDay>,
    pub previous: Vec<CostDay>,
    /// The range's days up to today.
    pub total: CostTotal,
    /// The same days a year earlier.
    pub previous_total: CostTotal,
    /// `None` when no day is priced in both years.
    pub change: Option<CostChange>,
    /// Whose off-peak windows the HP/HC hours are.
    pub windows_origin: WindowsOrigin,
}

/// One option's cost in the comparison.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, specta::Type)]
pub struct OptionCostView {
    pub option: TariffOption,
    /// What a year would cost (energy and subscription), cents.
    pub per_year_cents: i32,
    /// How much more than the cheapest, cents per year (0 for the cheapest).
    pub more_than_cheapest_cents: i32,
    /// The user's current option.
    pub current: bool,
}

/// The subscribed power could be lowered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, specta::Type)]
pub struct PowerHintView {
    pub subscribed_kva: u32,
    pub suggested_kva: u32,
    /// The highest power drawn over the days looked at (VA).
    pub max_va: u32,
    pub days: u32,
    /// What the lower subscription saves per year at today's regulated prices, cents.
    pub saving_per_year_cents: Option<i32>,
}

/// What the last 12 months would have cost on each regulated option at today's prices, on the
/// meter's own load curve, cheapest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, specta::Type)]
pub struct ComparisonView {
    pub prm: String,
    pub options: Vec<OptionCostView>,
    /// Options not offered at this power.
    pub unavailable: Vec<TariffOption>,
    /// Whose windows HP/HC was priced with (the meter's, the user's, or 22:00–06:00).
    pub windows_origin: WindowsOrigin,
    pub from: String,
    pub to: String,
    /// The date whose prices were used (today).
    pub prices_of: String,
    /// Days with a complete load curve (the others are left out, and the year scaled up).
    pub days_compared: u32,
    pub days_in_range: u32,
    pub subscribed_kva: u32,
    pub power_hint: Option<PowerHintView>,
}

/// A Tempo day's colour, if published.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, specta::Type)]
pub struct TempoDay {
    /// `YYYY-MM-DD`: the Tempo day from 06:00 that day to 06:00 the next.
    pub day: String,
    pub color: Option<Color>,
}

/// Today's and tomorrow's Tempo colours (tomorrow's is published around 10:40). "Today" is the
/// Tempo day in force: until 06:00 it is the previous calendar day's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, specta::Type)]
pub struct TempoView {
    pub today: TempoDay,
    pub tomorrow: TempoDay,
}

pub(super) fn cents(money: Money) -> i32 {
    i32::try_from(money.cents()).unwrap_or(i32::MAX)
}

fn wh(energy: Wmin) -> i32 {
    i32::try_from(energy.wh()).unwrap_or(i32::MAX)
}

fn by_period<T: Copy>(map: &BTreeMap<Period, T>, f: impl Fn(T) -> i32) -> Vec<PeriodValue> {
    map.iter()
        .map(|(period, v)| PeriodValue {
            period: *period,
            value: f(*v),
        })
        .collect()
}

/// Euros per kWh as decimal text, five decimals (the regulator's precision).
pub fn price_text(price: PricePerKwh) -> String {
    let sign = if price.0 < 0 { "-" } else { "" };
    format!(
        "{sign}{}.{:05}",
        price.0.abs() / 100_000,
        price.0.abs() % 100_000
    )
}

/// The periods of an option, in the order bars stack them.
pub fn periods(option: TariffOption) -> Vec<Period> {
    match option {
        TariffOption::Base => vec![Period::Base],
        TariffOption::HpHc => vec![Period::Hc, Period::Hp],
        TariffOption::Tempo => vec![
            Period::BlueHc,
            Period::BlueHp,
            Period::WhiteHc,
            Period::WhiteHp,
            Period::RedHc,
            Period::RedHp,
        ],
    }
}

/// An option's prices as the view lists them.
pub fn period_prices(prices: &EnergyPrices) -> Vec<PeriodPrice> {
    let entry = |period, price| PeriodPrice {
        period,
        euros_per_kwh: price_text(price),
    };
    match prices {
        EnergyPrices::Base(p) => vec![entry(Period::Base, *p)],
        EnergyPrices::HpHc(p) => vec![entry(Period::Hc, p.hc), entry(Period::Hp, p.hp)],
        EnergyPrices::Tempo { blue, white, red } => vec![
            entry(Period::BlueHc, blue.hc),
            entry(Period::BlueHp, blue.hp),
            entry(Period::WhiteHc, white.hc),
            entry(Period::WhiteHp, white.hp),
            entry(Period::RedHc, red.hc),
            entry(Period::RedHp, red.hp),
        ],
    }
}

pub fn cost_day(day: &DayCost, color: Option<Color>) -> CostDay {
    let status = match day.status {
        DayStatus::Complete => CostStatus::Complete,
        DayStatus::Estimate => CostStatus::Estimate,
        DayStatus::Incomplete { .. } => CostStatus::Incomplete,
        DayStatus::NoPrice => CostStatus::NoPrice,
        DayStatus::UnknownColor { .. } => CostStatus::UnknownColor,
    };
    CostDay {
        day: date_string(day.day),
        status,
        color,
        energy_wh: by_period(&day.energy, wh),
        cost_cents: by_period(&day.cost, cents),
        subscription_cents: cents(day.subscription),
        total_cents: day
            .status
            .is_priced()
            .then(|| cents(day.energy_cost() + day.subscription)),
    }
}

pub fn cost_total(report: &CostReport) -> CostTotal {
    CostTotal {
        energy_wh: by_period(&report.energy, wh),
        energy_cents: by_period(&report.cost, cents),
        subscription_cents: cents(report.subscription),
        total_cents: cents(report.total()),
        priced_days: report.priced_days,
        unpriced_days: report.unpriced_days,
        estimate: report.estimate,
    }
}

pub fn comparison_view(
    prm: &str,
    comparison: &Comparison,
    current: Option<TariffOption>,
    windows_origin: WindowsOrigin,
    subscribed_kva: u32,
    power_hint: Option<PowerHintView>,
) -> ComparisonView {
    ComparisonView {
        prm: prm.to_owned(),
        options: comparison
            .options
            .iter()
            .map(|o| OptionCostView {
                option: o.option,
                per_year_cents: cents(o.per_year),
                more_than_cheapest_cents: cents(o.more_than_cheapest),
                current: current == Some(o.option),
            })
            .collect(),
        unavailable: comparison.unavailable.clone(),
        windows_origin: match comparison.windows {
            WindowsUsed::Meter => windows_origin,
            WindowsUsed::Default => WindowsOrigin::Default,
        },
        from: date_string(comparison.from),
        to: date_string(comparison.to),
        prices_of: date_string(comparison.prices_of),
        days_compared: comparison.days_compared,
        days_in_range: comparison.days_in_range,
        subscribed_kva,
        power_hint,
    }
}

pub fn power_hint_view(hint: &PowerHint, saving_per_year: Option<Money>) -> PowerHintView {
    PowerHintView {
        subscribed_kva: hint.subscribed_kva,
        suggested_kva: hint.suggested_kva,
        max_va: u32::try_from(hint.max_va).unwrap_or(u32::MAX),
        days: u32::try_from(hint.days).unwrap_or(u32::MAX),
        saving_per_year_cents: saving_per_year.map(cents),
    }
}

fn hhmm(t: Time) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

pub fn time_ranges(windows: &Windows) -> Vec<TimeRange> {
    windows
        .0
        .iter()
        .map(|(start, end)| TimeRange {
            start: hhmm(*start),
            end: hhmm(*end),
        })
        .collect()
}

/// Why an offer or windows the user typed were refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OfferInputError {
    #[error("not a price per kWh: {1:?}")]
    Price(Period, String),
    #[error("not an amount in euros and cents: {0:?}")]
    Subscription(String),
    #[error("no price given for {0:?}")]
    MissingPrice(Period),
    #[error("{0:?} is not a period of this option")]
    ExtraPrice(Period),
    #[error("not a time of day (HH:MM, on a half hour): {0:?}")]
    Time(String),
    #[error("no off-peak window given")]
    NoWindow,
    #[error("no off-peak hours start on {0}")]
    NoVersion(String),
}

/// What of an offer or windows was refused, as the screen says it next to the field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum OfferReason {
    BadPrice,
    BadSubscription,
    MissingPrice,
    ExtraPrice,
    BadTime,
    NoWindow,
    /// The version of the windows to remove is not (any longer) there.
    NoVersion,
}

impl OfferInputError {
    pub fn reason(&self) -> OfferReason {
        match self {
            Self::Price(..) => OfferReason::BadPrice,
            Self::Subscription(_) => OfferReason::BadSubscription,
            Self::MissingPrice(_) => OfferReason::MissingPrice,
            Self::ExtraPrice(_) => OfferReason::ExtraPrice,
            Self::Time(_) => OfferReason::BadTime,
            Self::NoWindow => OfferReason::NoWindow,
            Self::NoVersion(_) => OfferReason::NoVersion,
        }
    }

    /// The period whose price was refused, if it is a price.
    pub fn period(&self) -> Option<Period> {
        match self {
            Self::Price(p, _) | Self::MissingPrice(p) | Self::ExtraPrice(p) => Some(*p),
            _ => None,
        }
    }

    /// What was typed, if a value was refused.
    pub fn value(&self) -> Option<String> {
        match self {
            Self::Price(_, v) | Self::Subscription(v) | Self::Time(v) => Some(v.clone()),
            _ => None,
        }
    }
}

/// Each option with its periods in the order bars stack them (the screen's choices).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, specta::Type)]
pub struct OptionPeriods {
    pub option: TariffOption,
    pub periods: Vec<Period>,
}

/// Every option Hearth prices, with its periods.
pub fn offer_options() -> Vec<OptionPeriods> {
    [TariffOption::Base, TariffOption::HpHc, TariffOption::Tempo]
        .into_iter()
        .map(|option| OptionPeriods {
            option,
            periods: periods(option),
        })
        .collect()
}

/// The national off-peak hours (22:00–06:00): what HP/HC is priced with when the meter's are not
/// known, and where a first version of the user's starts.
pub fn default_offpeak() -> Vec<TimeRange> {
    time_ranges(&Windows::default_night())
}

fn parse_time(text: &str) -> Result<Time, OfferInputError> {
    let bad = || OfferInputError::Time(text.to_owned());
    let (h, m) = text.trim().split_once(':').ok_or_else(bad)?;
    let (h, m): (i8, i8) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    // The meter counts half hours: a window edge elsewhere cannot be priced as the user means.
    if !(0..24).contains(&h) || !(m == 0 || m == 30) {
        return Err(bad());
    }
    Time::new(h, m, 0, 0).map_err(|_| bad())
}

/// The windows the user typed.
pub fn parse_windows(ranges: &[TimeRange]) -> Result<Windows, OfferInputError> {
    if ranges.is_empty() {
        return Err(OfferInputError::NoWindow);
    }
    ranges
        .iter()
        .map(|r| Ok((parse_time(&r.start)?, parse_time(&r.end)?)))
        .collect::<Result<Vec<_>, _>>()
        .map(Windows)
}

/// The user's own offer, checked: a price for each period of its option, none other.
pub fn own_offer(
    option: TariffOption,
    prices: &[PeriodPrice],
    monthly_subscription: &str,
) -> Result<hearth_tariff::OwnOffer, OfferInputError> {
    use hearth_tariff::grid::HpHcPrices;
    let mut given = BTreeMap::new();
    for p in prices {
        if !periods(option).contains(&p.period) {
            return Err(OfferInputError::ExtraPrice(p.period));
        }
        let price = PricePerKwh::parse(p.euros_per_kwh.trim())
            .ok()
            .filter(|v| v.0 >= 0)
            .ok_or_else(|| OfferInputError::Price(p.period, p.euros_per_kwh.clone()))?;
        given.insert(p.period, price);
    }
    let get = |period| {
        given
            .get(&period)
            .copied()
            .ok_or(OfferInputError::MissingPrice(period))
    };
    let pair = |hp, hc| -> Result<HpHcPrices, OfferInputError> {
        Ok(HpHcPrices {
            hp: get(hp)?,
            hc: get(hc)?,
        })
    };
    let energy = match option {
        TariffOption::Base => EnergyPrices::Base(get(Period::Base)?),
        TariffOption::HpHc => EnergyPrices::HpHc(pair(Period::Hp, Period::Hc)?),
        TariffOption::Tempo => EnergyPrices::Tempo {
            blue: pair(Period::BlueHp, Period::BlueHc)?,
            white: pair(Period::WhiteHp, Period::WhiteHc)?,
            red: pair(Period::RedHp, Period::RedHc)?,
        },
    };
    let monthly_subscription = Money::parse_euros(monthly_subscription.trim())
        .ok()
        // Whole cents, as a bill writes it and as the offer is shown back (so that saving it
        // unchanged changes nothing).
        .filter(|m| m.0 >= 0 && m.0 % 1_000_000 == 0)
        .ok_or_else(|| OfferInputError::Subscription(monthly_subscription.to_owned()))?;
    Ok(hearth_tariff::OwnOffer {
        energy,
        monthly_subscription,
    })
}

/// Euros as decimal text with cents.
pub fn euros_text(money: Money) -> String {
    money.to_string()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn prices_read_as_the_user_types_them() {
        assert_eq!(price_text(PricePerKwh(19_398)), "0.19398");
        let own = own_offer(
            TariffOption::HpHc,
            &[
                PeriodPrice {
                    period: Period::Hp,
                    euros_per_kwh: "0,2065".into(),
                },
                PeriodPrice {
                    period: Period::Hc,
                    euros_per_kwh: "0.1578".into(),
                },
            ],
            "15,65",
        )
        .unwrap();
        assert_eq!(
            own.energy,
            EnergyPrices::HpHc(hearth_tariff::grid::HpHcPrices {
                hp: PricePerKwh(20_650),
                hc: PricePerKwh(15_780)
            })
        );
        assert_eq!(own.monthly_subscription, Money(1_565_000_000));
        assert!(matches!(
            own_offer(
                TariffOption::Base,
                &[PeriodPrice {
                    period: Period::Base,
                    euros_per_kwh: "0.2".into(),
                }],
                "15.655"
            ),
            Err(OfferInputError::Subscription(_))
        ));
        let missing = own_offer(TariffOption::HpHc, &[], "1");
        assert!(matches!(missing, Err(OfferInputError::MissingPrice(_))));
        let extra = own_offer(
            TariffOption::Base,
            &[PeriodPrice {
                period: Period::Hp,
                euros_per_kwh: "0.2".into(),
            }],
            "1",
        );
        assert_eq!(extra, Err(OfferInputError::ExtraPrice(Period::Hp)));
        let negative = own_offer(
            TariffOption::Base,
            &[PeriodPrice {
                period: Period::Base,
                euros_per_kwh: "-0.2".into(),
            }],
            "1",
        );
        assert_eq!(
            negative,
            Err(OfferInputError::Price(Period::Base, "-0.2".into()))
        );
        let refused = negative.unwrap_err();
        assert_eq!(
            (
                refused.reason(),
                refused.period(),
                refused.value().as_deref()
            ),
            (OfferReason::BadPrice, Some(Period::Base), Some("-0.2"))
        );
    }

    #[test]
    fn windows_are_half_hours() {
        let w = parse_windows(&[TimeRange {
            start: "23:30".into(),
            end: "07:30".into(),
        }])
        .unwrap();
        assert_eq!(time_ranges(&w)[0].start, "23:30");
        for bad in ["23:15", "24:00", "7", "ab:00"] {
            let r = parse_windows(&[TimeRange {
                start: bad.into(),
                end: "06:00".into(),
            }]);
            assert!(matches!(r, Err(OfferInputError::Time(_))), "{bad}");
        }
        assert_eq!(parse_windows(&[]), Err(OfferInputError::NoWindow));
    }
}
