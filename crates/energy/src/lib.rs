//! Hearth's energy client, without Tauri and without a UI.
//!
//! - [`Measure`]: what a Linky meter can be asked for, with each measure's v5 path, the longest
//!   range one call may ask and how far back Enedis keeps it.
//! - [`Source`]: where readings come from (hearth-proxy's `/data/proxy/…` in the app; anything
//!   that answers the same in tests of the sync logic), with [`DataError`], the reasons a data
//!   call fails that the app must tell apart.
//! - [`History`]: the local SQLite file shared by the app and `hearth-cli` (WAL, busy timeout,
//!   versioned schema), keyed by (meter, measure, French day): daily values, maximum power with
//!   the instant of its peak, load-curve points as instants (46 or 50 half hours on the days
//!   the clocks change), each day's status, each meter's contract and activation, and the reads
//!   the charts need (gaps as `None`, never 0). It is the only copy of what Enedis no longer
//!   keeps: nothing is deleted but by [`History::delete_meter`].
//! - [`plan`]: what a sync must ask, a pure function of the clock, the meter's facts and the
//!   history's day statuses (backfill newest first, the retry schedule of late days, monthly
//!   contract and production checks, calls within each measure's limit).
//! - [`sync()`]: runs the plan against a [`Source`], storing each answer as it arrives, with
//!   progress, pausing on a quota or an outage, one sync per meter at a time across processes
//!   (a lease in the file; the second waits, then has nothing left to ask).
//! - [`schedule`]: when the next sync runs (daily after 08:00 with jitter, on start when stale,
//!   after a pause, on demand).

mod error;
pub mod history;
mod measure;
pub mod plan;
pub mod schedule;
mod source;
pub mod sync;

pub use error::DataError;
pub use history::{History, HistoryError};
pub use measure::Measure;
pub use source::{DayRange, Source};
pub use sync::{SyncError, SyncReport, sync};
