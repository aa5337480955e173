//! The Enedis v5 answers as Hearth's proxy produces them and its energy client reads them: one
//! definition on both sides of the wire, so that producer and consumer cannot drift.
//!
//! - [`MeterReadingResponse`]: daily energy, load curves and daily maximum power
//!   (`{"meter_reading": {…, "interval_reading": [{"value", "date", …}]}}`), values as integer
//!   strings in W, Wh or VA.
//! - [`ContractsResponse`]: the technical part of a meter's contract (no personal data: the type
//!   has no field for a name, an address or a contact).
//! - [`paris`]: French legal time, which every v5 date is written in.
//!
//! Time: v5 dates are Europe/Paris wall-clock strings, and a load-curve date marks the *end* of
//! its interval. [`MeterReading::intervals`] turns each point into an unambiguous pair of
//! instants; the repeated October hour, whose wall-clock strings occur twice, is resolved by the
//! order of the points (see [`paris::Resolver`]).

mod contracts;
pub mod paris;
mod reading;

pub use contracts::{
    Contract, ContractsResponse, Customer, UsagePoint, UsagePointContracts, format_offpeak,
    parse_offpeak,
};
pub use reading::{
    Interval, IntervalReading, MeterReading, MeterReadingResponse, ReadingType, parse_length,
};

/// Why a v5 value or date could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MeteringError {
    #[error("not a v5 date: {0:?}")]
    BadDate(String),
    #[error("not an interval length: {0:?}")]
    BadLength(String),
    #[error("not an integer value: {0:?}")]
    BadValue(String),
    /// A wall-clock time the spring change skips (02:xx on the last Sunday of March).
    #[error("{0:?} does not exist in French legal time")]
    Nonexistent(String),
    /// A point that does not follow the previous one in time.
    #[error("{0:?} is out of order")]
    OutOfOrder(String),
    #[error("time arithmetic out of range")]
    Range,
}
