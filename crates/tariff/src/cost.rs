//! The cost engine: a load curve's half hours (or daily energy where no curve exists) priced day
//! by day with the row in force that day, the subscription prorated by day, and totals.
//!
//! Rules the tests pin:
//! - a point belongs to the French calendar day its interval starts in (days of 46, 48 or 50
//!   half hours) and is priced with the row in force that calendar day (so the night of 31
//!   January to 1 February takes the new prices from midnight, whatever its Tempo day); its
//!   period comes from the wall-clock time it starts at: the meter's off-peak
//!   windows in force that day for HP/HC; for Tempo, the Tempo day (06:00 to 06:00) and its
//!   22:00–06:00 off-peak hours, so 00:00–06:00 takes the *previous* day's colour;
//! - a day whose points do not cover all its minutes is incomplete: its energy is reported,
//!   never priced (a missing half hour is not a zero);
//! - the subscription is owed every day: a yearly fixed part divided by the days of that year,
//!   a monthly one by the days of that month;
//! - daily energy alone is priced at the Base price (the offer's own for a Base offer, else the
//!   regulated Base row at the same power); for an HP/HC or Tempo offer such a day is an
//!   estimate, its subscription still the offer's own.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::TariffError;
use crate::grid::{EnergyPrices, HpHcPrices, RegulatedTariffs, TariffOption, Taxes};
use crate::money::{Energy, Money, PricePerKwh};
use crate::offer::{Offer, days_in_month, days_in_year};
use crate::offpeak::OffpeakSchedule;
use crate::tempo::{Color, TempoCalendar, tempo_slot};

/// One load-curve point: the average power over `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Point {
    pub start: Timestamp,
    pub end: Timestamp,
    pub watts: i64,
}

impl Point {
    fn minutes(&self) -> i64 {
        self.end.duration_since(self.start).as_mins()
    }

    pub fn energy(&self) -> Energy {
        Energy::from_average(self.watts, self.minutes())
    }
}

/// A pricing period.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Base,
    Hp,
    Hc,
    BlueHp,
    BlueHc,
    WhiteHp,
    WhiteHc,
    RedHp,
    RedHc,
}

impl Period {
    fn tempo(color: Color, offpeak: bool) -> Self {
        match (color, offpeak) {
            (Color::Blue, false) => Period::BlueHp,
            (Color::Blue, true) => Period::BlueHc,
            (Color::White, false) => Period::WhiteHp,
            (Color::White, true) => Period::WhiteHc,
            (Color::Red, false) => Period::RedHp,
            (Color::Red, true) => Period::RedHc,
        }
    }

    fn price(self, prices: &EnergyPrices) -> Option<PricePerKwh> {
        let pick = |p: &HpHcPrices, offpeak: bool| if offpeak { p.hc } else { p.hp };
        match (prices, self) {
            (EnergyPrices::Base(p), Period::Base) => Some(*p),
            (EnergyPrices::HpHc(p), Period::Hp) => Some(p.hp),
            (EnergyPrices::HpHc(p), Period::Hc) => Some(p.hc),
            (EnergyPrices::Tempo { blue, .. }, Period::BlueHp | Period::BlueHc) => {
                Some(pick(blue, self == Period::BlueHc))
            }
            (EnergyPrices::Tempo { white, .. }, Period::WhiteHp | Period::WhiteHc) => {
                Some(pick(white, self == Period::WhiteHc))
            }
            (EnergyPrices::Tempo { red, .. }, Period::RedHp | Period::RedHc) => {
                Some(pick(red, self == Period::RedHc))
            }
            _ => None,
        }
    }
}

/// How far a day's figures can be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum DayStatus {
    /// Every minute measured and priced.
    Complete,
    /// Daily energy only, priced at the Base price for an HP/HC or Tempo offer.
    Estimate,
    /// Minutes without a measure: not priced.
    Incomplete { missing_minutes: i64 },
    /// No regulated row in force that day at that power.
    NoPrice,
    /// The colour of this Tempo day is not known (yet).
    UnknownColor { tempo_day: Date },
}

impl DayStatus {
    pub fn is_priced(self) -> bool {
        matches!(self, DayStatus::Complete | DayStatus::Estimate)
    }
}

/// One day's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCost {
    pub day: Date,
    #[serde(flatten)]
    pub status: DayStatus,
    /// The energy measured, by period (also on an unpriced day, as far as it is known).
    pub energy: BTreeMap<Period, Energy>,
    /// The energy cost by period; empty when the day is not priced.
    pub cost: BTreeMap<Period, Money>,
    /// The subscription's share of this day.
    pub subscription: Money,
}

impl DayCost {
    pub fn energy_cost(&self) -> Money {
        self.cost.values().copied().sum()
    }
}

/// The days of a range and their sums.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostReport {
    pub days: Vec<DayCost>,
    /// Energy cost by period over the priced days.
    pub cost: BTreeMap<Period, Money>,
    /// Energy by period over the priced days.
    pub energy: BTreeMap<Period, Energy>,
    /// The subscription over every day of the range.
    pub subscription: Money,
    pub priced_days: u32,
    /// Days left unpriced (incomplete, unknown colour, no price): the totals miss them.
    pub unpriced_days: u32,
    /// Whether any priced day is an estimate.
    pub estimate: bool,
}

impl CostReport {
    /// The sums of `days`.
    pub fn from_days(days: Vec<DayCost>) -> Self {
        let mut cost = BTreeMap::new();
        let mut energy = BTreeMap::new();
        let mut subscription = Money::ZERO;
        let (mut priced_days, mut unpriced_days, mut estimate) = (0, 0, false);
        for day in &days {
            subscription += day.subscription;
            if day.status.is_priced() {
                priced_days += 1;
                estimate |= day.status == DayStatus::Estimate;
                for (p, m) in &day.cost {
                    *cost.entry(*p).or_insert(Money::ZERO) += *m;
                }
                for (p, e) in &day.energy {
                    *energy.entry(*p).or_insert(Energy::ZERO) += *e;
                }
            } else {
                unpriced_days += 1;
            }
        }
        Self {
            days,
            cost,
            energy,
            subscription,
            priced_days,
            unpriced_days,
            estimate,
        }
    }

    pub fn energy_cost(&self) -> Money {
        self.cost.values().copied().sum()
    }

    /// Energy cost and subscription.
    pub fn total(&self) -> Money {
        self.energy_cost() + self.subscription
    }
}

/// What the engine prices with.
#[derive(Debug, Clone, Copy)]
pub struct CostEngine<'a> {
    pub tariffs: &'a RegulatedTariffs,
    pub offpeak: &'a OffpeakSchedule,
    pub tempo: &'a TempoCalendar,
    /// The subscribed power (kVA): which regulated rows apply.
    pub kva: u32,
    /// Price every day with the rows in force on this date instead of each day's own (to ask
    /// what a past year would cost at today's prices).
    pub prices_of: Option<Date>,
}

/// What one day is charged: energy prices and the subscription's daily share.
struct DayPrices {
    energy: EnergyPrices,
    subscription: Money,
}

impl<'a> CostEngine<'a> {
    pub fn new(
        tariffs: &'a RegulatedTariffs,
        offpeak: &'a OffpeakSchedule,
        tempo: &'a TempoCalendar,
        kva: u32,
    ) -> Self {
        Self {
            tariffs,
            offpeak,
            tempo,
            kva,
            prices_of: None,
        }
    }

    #[must_use]
    pub fn at_prices_of(mut self, day: Date) -> Self {
        self.prices_of = Some(day);
        self
    }

    fn regulated(&self, option: TariffOption, taxes: Taxes, day: Date) -> Option<DayPrices> {
        let row = self
            .tariffs
            .row(option, self.kva, self.prices_of.unwrap_or(day))?;
        let prices = row.prices(taxes)?;
        Some(DayPrices {
            energy: prices.energy,
            subscription: prices.yearly_fixed.prorate(1, days_in_year(day)),
        })
    }

    fn prices(&self, offer: &Offer, day: Date) -> Option<DayPrices> {
        match offer {
            Offer::Regulated { option, taxes } => self.regulated(*option, *taxes, day),
            Offer::Own(own) => Some(DayPrices {
                energy: own.energy,
                subscription: own.monthly_subscription.prorate(1, days_in_month(day)),
            }),
        }
    }

    /// Prices the days `from..to` (`to` excluded) from load-curve points.
    pub fn from_curve(
        &self,
        offer: &Offer,
        points: &[Point],
        from: Date,
        to: Date,
    ) -> Result<CostReport, TariffError> {
        let zone = hearth_metering::paris::zone();
        let mut by_day: BTreeMap<Date, BTreeMap<Timestamp, Point>> = BTreeMap::new();
        for point in points {
            if point.end <= point.start {
                return Err(TariffError::BadPoint(point.start.to_string()));
            }
            let day = zone.to_datetime(point.start).date();
            if from <= day && day < to {
                // A point repeated (a re-fetch) counts once.
                by_day.entry(day).or_default().insert(point.start, *point);
            }
        }
        let mut days = Vec::new();
        for day in days_between(from, to) {
            let points = by_day.remove(&day).unwrap_or_default();
            days.push(self.curve_day(offer, day, points.values())?);
        }
        Ok(CostReport::from_days(days))
    }

    fn curve_day<'p>(
        &self,
        offer: &Offer,
        day: Date,
        points: impl Iterator<Item = &'p Point>,
    ) -> Result<DayCost, TariffError> {
        let (start, end) = hearth_metering::paris::day_span(day).map_err(|_| TariffError::Range)?;
        let day_minutes = end.duration_since(start).as_mins();
        let zone = hearth_metering::paris::zone();
        let mut energy: BTreeMap<Period, Energy> = BTreeMap::new();
        let mut covered = 0;
        let mut unknown_color = None;
        for point in points {
            covered += point.minutes();
            let period = match offer.option() {
                TariffOption::Base => Period::Base,
                TariffOption::HpHc => {
                    let local = zone.to_datetime(point.start);
                    if self.offpeak.is_offpeak(local.date(), local.time()) {
                        Period::Hc
                    } else {
                        Period::Hp
                    }
                }
                TariffOption::Tempo => {
                    let (tempo_day, offpeak) = tempo_slot(point.start);
                    if let Some(color) = self.tempo.color(tempo_day) {
                        Period::tempo(color, offpeak)
                    } else {
                        unknown_color.get_or_insert(tempo_day);
                        continue;
                    }
                }
            };
            *energy.entry(period).or_insert(Energy::ZERO) += point.energy();
        }
        let prices = self.prices(offer, day);
        let subscription = prices.as_ref().map_or(Money::ZERO, |p| p.subscription);
        let status = if covered < day_minutes {
            DayStatus::Incomplete {
                missing_minutes: day_minutes - covered,
            }
        } else if let Some(tempo_day) = unknown_color {
            DayStatus::UnknownColor { tempo_day }
        } else if prices.is_none() {
            DayStatus::NoPrice
        } else {
            DayStatus::Complete
        };
        let cost = match (&prices, status) {
            (Some(p), DayStatus::Complete) => price_all(&energy, &p.energy)?,
            _ => BTreeMap::new(),
        };
        Ok(DayCost {
            day,
            status,
            energy,
            cost,
            subscription,
        })
    }

    /// Prices the days `from..to` from daily energy (no load curve): the Base price applies; for
    /// an HP/HC or Tempo offer the figures are estimates.
    pub fn from_daily(
        &self,
        offer: &Offer,
        daily: &[(Date, Energy)],
        from: Date,
        to: Date,
    ) -> Result<CostReport, TariffError> {
        let known: BTreeMap<Date, Energy> = daily.iter().copied().collect();
        let mut days = Vec::new();
        for day in days_between(from, to) {
            let prices = self.prices(offer, day);
            let subscription = prices.as_ref().map_or(Money::ZERO, |p| p.subscription);
            let base_price = match (offer, &prices) {
                (
                    _,
                    Some(DayPrices {
                        energy: EnergyPrices::Base(p),
                        ..
                    }),
                ) => Some(*p),
                // An HP/HC or Tempo offer: the regulated Base row of the same power and taxes.
                (Offer::Regulated { taxes, .. }, _) => self
                    .regulated(TariffOption::Base, *taxes, day)
                    .and_then(|p| Period::Base.price(&p.energy)),
                (Offer::Own(_), _) => self
                    .regulated(TariffOption::Base, Taxes::Ttc, day)
                    .and_then(|p| Period::Base.price(&p.energy)),
            };
            let mut energy = BTreeMap::new();
            let mut cost = BTreeMap::new();
            let status = match known.get(&day) {
                None => {
                    let (start, end) =
                        hearth_metering::paris::day_span(day).map_err(|_| TariffError::Range)?;
                    DayStatus::Incomplete {
                        missing_minutes: end.duration_since(start).as_mins(),
                    }
                }
                Some(&e) => {
                    energy.insert(Period::Base, e);
                    match base_price {
                        Some(price) if prices.is_some() => {
                            cost.insert(Period::Base, price.cost(e));
                            if offer.option() == TariffOption::Base {
                                DayStatus::Complete
                            } else {
                                DayStatus::Estimate
                            }
                        }
                        _ => DayStatus::NoPrice,
                    }
                }
            };
            days.push(DayCost {
                day,
                status,
                energy,
                cost,
                subscription,
            });
        }
        Ok(CostReport::from_days(days))
    }
}

impl CostEngine<'_> {
    /// Prices `from..to` from the load curve where it was measured, and from daily energy on the
    /// days with no load-curve point at all (estimates for an HP/HC or Tempo offer): what a meter
    /// whose load curve started later, or has gaps, still tells.
    pub fn from_curve_or_daily(
        &self,
        offer: &Offer,
        points: &[Point],
        daily: &[(Date, Energy)],
        from: Date,
        to: Date,
    ) -> Result<CostReport, TariffError> {
        let curve = self.from_curve(offer, points, from, to)?;
        let daily = self.from_daily(offer, daily, from, to)?;
        let days = curve
            .days
            .into_iter()
            .zip(daily.days)
            .map(|(by_curve, by_day)| {
                let no_point = by_curve.energy.is_empty()
                    && matches!(by_curve.status, DayStatus::Incomplete { .. });
                if no_point && !matches!(by_day.status, DayStatus::Incomplete { .. }) {
                    by_day
                } else {
                    by_curve
                }
            })
            .collect();
        Ok(CostReport::from_days(days))
    }
}

fn price_all(
    energy: &BTreeMap<Period, Energy>,
    prices: &EnergyPrices,
) -> Result<BTreeMap<Period, Money>, TariffError> {
    energy
        .iter()
        .map(|(period, e)| {
            let price = period
                .price(prices)
                .ok_or(TariffError::NoPriceFor(*period))?;
            Ok((*period, price.cost(*e)))
        })
        .collect()
}

/// `from..to`, `to` excluded.
pub(crate) fn days_between(from: Date, to: Date) -> impl Iterator<Item = Date> {
    std::iter::successors(Some(from), |d| d.tomorrow().ok()).take_while(move |d| *d < to)
}
