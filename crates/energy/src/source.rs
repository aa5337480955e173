//! Where readings come from.

use std::future::Future;

use hearth_metering::{Contract, MeterReading};
use jiff::civil::Date;

use crate::{DataError, Measure};

/// Whole French days `[start, end)`: `end` excluded, as the v5 API counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DayRange {
    pub start: Date,
    pub end: Date,
}

impl DayRange {
    /// How many days it covers (0 when `end` is not after `start`).
    pub fn days(&self) -> i64 {
        // A civil date's span counts in days unless asked otherwise.
        self.start
            .until(self.end)
            .map_or(0, |span| i64::from(span.get_days()).max(0))
    }

    /// The days `[start, end)`, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = Date> + use<> {
        let end = self.end;
        self.start
            .series(jiff::Span::new().days(1))
            .take_while(move |d| *d < end)
    }
}

/// Something that answers data calls for a linked meter. The app's is hearth-proxy's
/// `/data/proxy/…`; the sync logic is written against this trait alone.
pub trait Source: Send + Sync {
    /// One call: `range` must not exceed [`Measure::max_days_per_call`].
    fn reading(
        &self,
        prm: &str,
        measure: Measure,
        range: DayRange,
    ) -> impl Future<Output = Result<MeterReading, DataError>> + Send;

    /// The meter's contract (subscribed power, off-peak windows, activation date).
    fn contract(&self, prm: &str) -> impl Future<Output = Result<Contract, DataError>> + Send;
}
