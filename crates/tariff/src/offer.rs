//! What the user pays: a regulated option at their subscribed power, or their own (market) offer.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::grid::{EnergyPrices, TariffOption, Taxes};
use crate::money::Money;

/// A supplier's own offer, as the user types it from their contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnOffer {
    /// A price per kWh for each period (Base, HP/HC or the six Tempo prices).
    pub energy: EnergyPrices,
    /// The subscription, per month.
    pub monthly_subscription: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Offer {
    /// The regulator's prices, row by row as they were in force.
    Regulated {
        option: TariffOption,
        taxes: Taxes,
    },
    Own(OwnOffer),
}

impl Offer {
    pub fn regulated(option: TariffOption) -> Self {
        Offer::Regulated {
            option,
            taxes: Taxes::Ttc,
        }
    }

    pub fn option(&self) -> TariffOption {
        match self {
            Offer::Regulated { option, .. } => *option,
            Offer::Own(own) => own.energy.option(),
        }
    }
}

/// Days in `day`'s month and year (for prorating subscriptions).
pub(crate) fn days_in_month(day: Date) -> i64 {
    i64::from(day.days_in_month())
}

pub(crate) fn days_in_year(day: Date) -> i64 {
    i64::from(day.days_in_year())
}
