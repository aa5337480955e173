//! Hearth's energy client, without Tauri and without a UI.
//!
//! - [`Measure`]: what a Linky meter can be asked for, with each measure's v5 path, the longest
//!   range one call may ask and how far back Enedis keeps it.
//! - [`Source`]: where readings come from (hearth-proxy's `/data/proxy/…` in the app; anything
//!   that answers the same in tests of the sync logic), with [`DataError`], the reasons a data
//!   call fails that the app must tell apart.
//! - [`plan`]: what a sync must ask, a pure function of the clock, the meter's facts and the
//!   history's day statuses (backfill, retry schedule, monthly contract and production checks).

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
