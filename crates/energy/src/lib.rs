//! Hearth's energy client, without Tauri and without a UI: the client of hearth-proxy, which
//! links Enedis Linky meters by the device flow and serves their data in the v5 shape.
//!
//! - [`ProxyConfig`]: the proxy's address and the client id it knows the app by.
//! - [`MeterTokens`]: each linked meter's tokens in a [`hearth_secret::SecretStore`] (one entry
//!   per meter, [`token_entry`]), renewed through the proxy's `/device/proxy` by a
//!   `hearth_oauth::TokenManager` per meter: single-flight, each rotated refresh token stored
//!   before use.
//! - [`Linker`] (module [`link`]): the RFC 8628 device flow against `/device/code` and
//!   `/device/token`; a [`PendingLink`] to show (code, page, expiry), [`LinkProgress`] while
//!   waiting, and a [`LinkedMeter`] (the PRM the proxy bound the tokens to) or a [`LinkError`]
//!   (refused, expired and cancelled each their own).
//! - [`Measure`]: what a Linky meter can be asked for, with each measure's v5 path, the longest
//!   range one call may ask and how far back Enedis keeps it.
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
//! - [`Source`]: where readings come from, with [`DataError`], the reasons a data call fails
//!   that the app must tell apart. [`ProxySource`] is hearth-proxy's `/data/proxy/…` (bearer
//!   renewed once on a 401, one call at a time per meter, spaced; bodies bounded; a timeout);
//!   the sync logic is written against the trait alone.
//! - [`prices`]: the regulator's tariff files and RTE's Tempo colours fetched at run time
//!   ([`PriceClient`], addresses in [`PriceFeeds`]), kept in the history (a refused file never
//!   replaces a good copy), read back over the shipped snapshot ([`prices::tariffs`]), and when
//!   to fetch again ([`prices::tariffs_due`], [`prices::tempo_due`]). The history also keeps each
//!   meter's off-peak windows, versioned by date.
//! - [`chunks`] and [`fetch_range`]: a long range as calls within a measure's limit, newest
//!   first, stopping at a quota or an outage with the time to try again.
//!
//! No token reaches a log line, an error message or a `Debug` output: they travel as
//! `hearth_secret::Secret` inside `hearth-oauth`.

mod client;
mod error;
pub mod history;
pub mod link;
mod measure;
pub mod plan;
pub mod prices;
mod proxy;
pub mod schedule;
mod source;
pub mod sync;
mod tokens;

pub use client::{Fetched, ProxySource, SourceOptions, chunks, fetch_range, paris_today};
pub use error::DataError;
pub use history::{History, HistoryError, OffpeakVersion, WindowsSource};
pub use link::{LinkError, LinkProgress, LinkedMeter, Linker, PendingLink};
pub use measure::Measure;
pub use prices::{PriceClient, PriceError, PriceFeeds};
pub use proxy::{ConfigError, ProxyConfig, http_client, is_prm, token_entry};
pub use source::{DayRange, Source};
pub use sync::{SyncError, SyncReport, sync};
pub use tokens::MeterTokens;
