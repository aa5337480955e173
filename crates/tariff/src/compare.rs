//! *Compare offers*: what the last 12 months would have cost on Base, HP/HC and Tempo at today's
//! regulated prices, on the user's own load curve; and whether the subscribed power could be
//! lowered.

use std::collections::BTreeSet;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::TariffError;
use crate::cost::{CostEngine, CostReport, Point};
use crate::grid::{RegulatedTariffs, TariffOption};
use crate::money::Money;
use crate::offer::Offer;
use crate::offpeak::OffpeakSchedule;
use crate::tempo::TempoCalendar;

/// Which off-peak windows priced HP/HC (the screen says which).
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowsUsed {
    Meter,
    /// 22:00–06:00, the meter's own windows being unknown.
    Default,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionCost {
    pub option: TariffOption,
    /// Energy and subscription over the days compared, scaled to the whole range.
    pub per_year: Money,
    /// More than the cheapest, per year (zero for the cheapest).
    pub more_than_cheapest: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comparison {
    /// Cheapest first.
    pub options: Vec<OptionCost>,
    /// Options that could not be priced (no regulated row at that power on `prices_of`).
    pub unavailable: Vec<TariffOption>,
    pub windows: WindowsUsed,
    pub from: Date,
    pub to: Date,
    /// The date whose regulated rows priced every day.
    pub prices_of: Date,
    /// Days priced under every option (complete and of known colour); the others are left out
    /// of all options alike and the sums scaled up.
    pub days_compared: u32,
    pub days_in_range: u32,
}

/// The last 12 months before `today` (`today` excluded) on each regulated option at `today`'s
/// prices. `offpeak` holds the meter's windows when known (else pass
/// [`OffpeakSchedule::default_night`]).
pub fn compare(
    tariffs: &RegulatedTariffs,
    offpeak: &OffpeakSchedule,
    tempo: &TempoCalendar,
    kva: u32,
    points: &[Point],
    today: Date,
) -> Result<Comparison, TariffError> {
    let from = today
        .checked_sub(jiff::Span::new().years(1))
        .map_err(|_| TariffError::Range)?;
    let engine = CostEngine::new(tariffs, offpeak, tempo, kva).at_prices_of(today);
    let mut reports: Vec<(TariffOption, CostReport)> = Vec::new();
    let mut unavailable = Vec::new();
    for option in [TariffOption::Base, TariffOption::HpHc, TariffOption::Tempo] {
        if tariffs.row(option, kva, today).is_none() {
            unavailable.push(option);
            continue;
        }
        reports.push((
            option,
            engine.from_curve(&Offer::regulated(option), points, from, today)?,
        ));
    }
    // Only the days every option could price: otherwise an option would look cheaper for the
    // days it skipped.
    let compared: BTreeSet<Date> = reports
        .iter()
        .map(|(_, r)| {
            r.days
                .iter()
                .filter(|d| d.status.is_priced())
                .map(|d| d.day)
                .collect::<BTreeSet<_>>()
        })
        .reduce(|a, b| a.intersection(&b).copied().collect())
        .unwrap_or_default();
    if compared.is_empty() {
        return Err(TariffError::NothingToCompare);
    }
    let days_in_range = u32::try_from(crate::cost::days_between(from, today).count())
        .map_err(|_| TariffError::Range)?;
    let days_compared = u32::try_from(compared.len()).map_err(|_| TariffError::Range)?;
    let mut options: Vec<OptionCost> = reports
        .iter()
        .map(|(option, report)| {
            let sum: Money = report
                .days
                .iter()
                .filter(|d| compared.contains(&d.day))
                .map(|d| d.energy_cost() + d.subscription)
                .sum();
            OptionCost {
                option: *option,
                per_year: sum.prorate(i64::from(days_in_range), i64::from(days_compared)),
                more_than_cheapest: Money::ZERO,
            }
        })
        .collect();
    options.sort_by_key(|o| o.per_year);
    let cheapest = options.first().map_or(Money::ZERO, |o| o.per_year);
    for o in &mut options {
        o.more_than_cheapest = o.per_year - cheapest;
    }
    Ok(Comparison {
        options,
        unavailable,
        windows: if offpeak.is_from_meter() {
            WindowsUsed::Meter
        } else {
            WindowsUsed::Default
        },
        from,
        to: today,
        prices_of: today,
        days_compared,
        days_in_range,
    })
}

/// The subscribed powers of the regulated offers, kVA.
pub const STANDARD_KVA: [u32; 9] = [3, 6, 9, 12, 15, 18, 24, 30, 36];

/// Days of maximum power a hint needs: most of a year, so that a winter is in it.
pub const HINT_MIN_DAYS: usize = 300;

/// Headroom kept below a power (percent): the daily maximum is an average over a few minutes, and
/// shorter peaks would trip the meter.
pub const HINT_HEADROOM_PERCENT: i64 = 10;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PowerHint {
    pub subscribed_kva: u32,
    /// The highest daily maximum seen, VA.
    pub max_va: i64,
    pub suggested_kva: u32,
    /// How many days of maximum power the hint rests on.
    pub days: usize,
}

/// A hint when the highest daily maximum power (VA) fits, with headroom, in a lower standard
/// power than the subscribed one.
pub fn power_hint(daily_max_va: &[i64], subscribed_kva: u32) -> Option<PowerHint> {
    if daily_max_va.len() < HINT_MIN_DAYS {
        return None;
    }
    let max_va = daily_max_va.iter().copied().max()?;
    let suggested_kva = STANDARD_KVA
        .iter()
        .copied()
        .find(|&kva| max_va * 100 <= i64::from(kva) * 1_000 * (100 - HINT_HEADROOM_PERCENT))?;
    (suggested_kva < subscribed_kva).then_some(PowerHint {
        subscribed_kva,
        max_va,
        suggested_kva,
        days: daily_max_va.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_power_hint_keeps_headroom_and_needs_a_year() {
        // 5 400 VA fits 6 kVA with 10 % headroom (5 400 ≤ 5 400); 5 401 does not.
        let mut year = vec![3_000; 364];
        year.push(5_400);
        let hint = power_hint(&year, 9).unwrap();
        assert_eq!(
            (hint.suggested_kva, hint.max_va, hint.days),
            (6, 5_400, 365)
        );
        year.push(5_401);
        assert_eq!(power_hint(&year, 9), None);
        assert_eq!(power_hint(&year, 12).unwrap().suggested_kva, 9);
        assert_eq!(power_hint(&[1_000; 30], 9), None, "a month is not a year");
    }
}
