//! Integer money and energy: no float ever holds a price, a cost or an energy.
//!
//! Why these units rather than `rust_decimal`: every quantity here is a fixed-point number whose
//! scale is known in advance, and the products the engine needs are exact in i64:
//! - a price per kWh is published with at most 5 decimals (`0,19398`), so [`PricePerKwh`] counts
//!   hundred-thousandths of a euro per kWh;
//! - energy is kept in watt-minutes ([`Energy`]): a load-curve point of `W` average watts over `m`
//!   minutes is exactly `W × m` of them, whatever the step (10, 15, 30 or 60 minutes), where Wh
//!   (`W × m / 60`) would round on 10-minute steps and odd watts;
//! - [`Money`] counts hundred-millionths of a euro: watt-minutes × 1e-5 €/kWh ÷ 60 is a whole
//!   number of them up to one rounding per sum, and a year of a household (≈ 10⁹ Wmin × 10⁵) stays
//!   far below i64's 9.2 × 10¹⁸.
//!
//! Rounding is half away from zero, once, where a division happens; tests do the same sums by hand.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Sub};

use serde::{Deserialize, Serialize};

use crate::TariffError;

/// Hundred-millionths of a euro (1e-8 €).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Money(pub i64);

/// Hundred-thousandths of a euro per kWh (1e-5 €/kWh).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct PricePerKwh(pub i64);

/// Energy in watt-minutes (1 Wh = 60 Wmin).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Energy(pub i64);

pub const MONEY_PER_EURO: i64 = 100_000_000;
pub const PRICE_PER_EURO: i64 = 100_000;

/// `a / b` rounded half away from zero (`b > 0`).
pub(crate) fn div_round(a: i128, b: i128) -> i128 {
    let q = a / b;
    let r = a % b;
    if 2 * r.abs() >= b { q + a.signum() } else { q }
}

fn narrow(value: i128) -> Money {
    Money(i64::try_from(value).unwrap_or(if value < 0 { i64::MIN } else { i64::MAX }))
}

impl Money {
    pub const ZERO: Money = Money(0);

    pub fn from_euros(euros: i64) -> Self {
        Money(euros * MONEY_PER_EURO)
    }

    /// `self × numerator ÷ denominator`, rounded once (prorating a fixed part by days).
    #[must_use]
    pub fn prorate(self, numerator: i64, denominator: i64) -> Money {
        if denominator <= 0 {
            return Money::ZERO;
        }
        narrow(div_round(
            i128::from(self.0) * i128::from(numerator),
            i128::from(denominator),
        ))
    }

    /// Whole cents, rounded half away from zero (what a bill shows).
    pub fn cents(self) -> i64 {
        i64::try_from(div_round(i128::from(self.0), 1_000_000)).unwrap_or(i64::MAX)
    }

    /// Parses a decimal-comma (or dot) euro amount such as `235,9` or `-0,5`.
    pub fn parse_euros(text: &str) -> Result<Money, TariffError> {
        parse_fixed(text, 8).map(Money)
    }
}

impl fmt::Display for Money {
    /// Euros with cents, rounded: `12.34`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cents = self.cents();
        let sign = if cents < 0 { "-" } else { "" };
        write!(f, "{sign}{}.{:02}", cents.abs() / 100, cents.abs() % 100)
    }
}

impl PricePerKwh {
    /// Parses `0,19398` (at most five decimals: more would be silently lost, so it is refused).
    pub fn parse(text: &str) -> Result<PricePerKwh, TariffError> {
        parse_fixed(text, 5).map(PricePerKwh)
    }

    /// What `energy` costs at this price.
    pub fn cost(self, energy: Energy) -> Money {
        // Wmin × (1e-5 €/kWh) = Wmin/60000 kWh × p·1e-5 € = Wmin·p / 6e9 € = Wmin·p / 60 × 1e-8 €.
        narrow(div_round(i128::from(energy.0) * i128::from(self.0), 60))
    }
}

impl Energy {
    pub const ZERO: Energy = Energy(0);

    pub fn from_wh(wh: i64) -> Self {
        Energy(wh * 60)
    }

    /// A load-curve point: `watts` on average over `minutes`.
    pub fn from_average(watts: i64, minutes: i64) -> Self {
        Energy(watts * minutes)
    }

    /// Watt-hours, rounded half away from zero.
    pub fn wh(self) -> i64 {
        i64::try_from(div_round(i128::from(self.0), 60)).unwrap_or(i64::MAX)
    }
}

/// Reads a decimal with `,` or `.` into an integer of `scale` decimals, refusing more decimals.
fn parse_fixed(text: &str, scale: u32) -> Result<i64, TariffError> {
    let bad = || TariffError::BadNumber(text.to_owned());
    let trimmed = text.trim();
    let (negative, body) = match trimmed.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };
    let (whole, fraction) = body.split_once([',', '.']).unwrap_or((body, ""));
    if whole.is_empty() && fraction.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
        || fraction.len() > scale as usize
    {
        return Err(bad());
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| bad())?
    };
    let mut frac: i64 = if fraction.is_empty() {
        0
    } else {
        fraction.parse().map_err(|_| bad())?
    };
    for _ in fraction.len()..scale as usize {
        frac *= 10;
    }
    let value = whole
        .checked_mul(10_i64.pow(scale))
        .and_then(|w| w.checked_add(frac))
        .ok_or_else(bad)?;
    Ok(if negative { -value } else { value })
}

impl Add for Money {
    type Output = Money;
    fn add(self, other: Money) -> Money {
        Money(self.0.saturating_add(other.0))
    }
}
impl AddAssign for Money {
    fn add_assign(&mut self, other: Money) {
        *self = *self + other;
    }
}
impl Sub for Money {
    type Output = Money;
    fn sub(self, other: Money) -> Money {
        Money(self.0.saturating_sub(other.0))
    }
}
impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}
impl Add for Energy {
    type Output = Energy;
    fn add(self, other: Energy) -> Energy {
        Energy(self.0.saturating_add(other.0))
    }
}
impl AddAssign for Energy {
    fn add_assign(&mut self, other: Energy) {
        *self = *self + other;
    }
}
impl Sum for Energy {
    fn sum<I: Iterator<Item = Energy>>(iter: I) -> Energy {
        iter.fold(Energy::ZERO, Add::add)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn decimal_commas_read_exactly() {
        assert_eq!(PricePerKwh::parse("0,19398").unwrap(), PricePerKwh(19_398));
        assert_eq!(PricePerKwh::parse("0,14").unwrap(), PricePerKwh(14_000));
        assert_eq!(PricePerKwh::parse("0.1296").unwrap(), PricePerKwh(12_960));
        assert!(PricePerKwh::parse("0,123456").is_err());
        assert!(PricePerKwh::parse("").is_err());
        assert!(PricePerKwh::parse("1,2,3").is_err());
        assert_eq!(Money::parse_euros("235,9").unwrap(), Money(23_590_000_000));
        assert_eq!(Money::parse_euros("133,20").unwrap(), Money(13_320_000_000));
        assert_eq!(Money::parse_euros("-0,5").unwrap(), Money(-50_000_000));
    }

    #[test]
    fn energy_costs_are_exact_and_rounded_once() {
        // 1 kWh at 0,19398 €/kWh = 0,19398 € = 19 398 000 × 1e-8 €.
        assert_eq!(
            PricePerKwh(19_398).cost(Energy::from_wh(1_000)),
            Money(19_398_000)
        );
        // 541 W over 30 min = 270.5 Wh, exactly 16 230 Wmin.
        let e = Energy::from_average(541, 30);
        assert_eq!(e, Energy(16_230));
        assert_eq!(e.wh(), 271);
        // 16 230 × 12 960 / 60 = 3 505 680 exactly.
        assert_eq!(PricePerKwh(12_960).cost(e), Money(3_505_680));
        // 270.5 Wh × 0,1296 €/kWh = 0,0350568 €: 3.5 cents, rounded to 4.
        assert_eq!(Money(3_505_680).cents(), 4);
        assert_eq!(Money(123_456_789).to_string(), "1.23");
        assert_eq!(Money(-150_000_000).to_string(), "-1.50");
    }

    #[test]
    fn prorating_rounds_half_away_from_zero() {
        assert_eq!(Money(10).prorate(1, 4), Money(3)); // 2.5 → 3
        assert_eq!(Money(10).prorate(1, 3), Money(3));
        assert_eq!(Money(-10).prorate(1, 4), Money(-3));
    }
}
