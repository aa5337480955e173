//! What electricity costs, in integers (see [`money`]): the regulated tariffs by date and
//! subscribed power ([`grid`], from the regulator's CSV files, a snapshot shipped in `data/`), the
//! user's own offer ([`offer`]), the meter's off-peak windows versioned by date ([`offpeak`]), Tempo
//! days ([`tempo`]), the cost engine ([`cost`]) and the offer comparison ([`compare`]).
//!
//! No I/O: the app fetches the files and the Tempo feed (URLs in its configuration) and hands the
//! bytes to [`grid::RegulatedTariffs::update`] and [`tempo::TempoFeedParser::parse`].

pub mod compare;
pub mod cost;
pub mod grid;
pub mod money;
pub mod offer;
pub mod offpeak;
pub mod tempo;

pub use compare::{Comparison, PowerHint, compare, power_hint};
pub use cost::{CostEngine, CostReport, DayCost, DayStatus, Period, Point};
pub use grid::{
    CreCsv, EnergyPrices, GridParser, HpHcPrices, RegulatedTariffs, TariffOption, Taxes,
};
pub use money::{Energy, Money, PricePerKwh};
pub use offer::{Offer, OwnOffer};
pub use offpeak::{OffpeakSchedule, Windows};
pub use tempo::{Color, RteOpenData, TempoCalendar, TempoFeedParser};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TariffError {
    #[error("not a number: {0:?}")]
    BadNumber(String),
    #[error("not a date: {0:?}")]
    BadDate(String),
    #[error("the file is not UTF-8")]
    NotUtf8,
    #[error("no column {0}")]
    MissingColumn(String),
    #[error("line {line}: {reason}")]
    Row { line: usize, reason: String },
    #[error("not off-peak windows: {0:?}")]
    BadOffpeak(String),
    #[error("not a Tempo feed: {0}")]
    BadFeed(String),
    #[error("a load-curve point that ends before it starts, at {0}")]
    BadPoint(String),
    #[error("the prices have no {0:?} period")]
    NoPriceFor(Period),
    #[error("no day could be priced under every option")]
    NothingToCompare,
    #[error("date arithmetic out of range")]
    Range,
}
