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
//! - [`Source`]: where readings come from, with [`DataError`], the reasons a data call fails
//!   that the app must tell apart. [`ProxySource`] is hearth-proxy's `/data/proxy/…` (bearer
//!   renewed once on a 401, one call at a time per meter, spaced; bodies bounded; a timeout);
//!   the sync logic is written against the trait alone.
//! - [`chunks`] and [`fetch_range`]: a long range as calls within a measure's limit, newest
//!   first, stopping at a quota or an outage with the time to try again.
//!
//! No token reaches a log line, an error message or a `Debug` output: they travel as
//! `hearth_secret::Secret` inside `hearth-oauth`.

mod client;
mod error;
pub mod link;
mod measure;
mod proxy;
mod source;
mod tokens;

pub use client::{Fetched, ProxySource, SourceOptions, chunks, fetch_range, paris_today};
pub use error::DataError;
pub use link::{LinkError, LinkProgress, LinkedMeter, Linker, PendingLink};
pub use measure::Measure;
pub use proxy::{ConfigError, ProxyConfig, http_client, is_prm, token_entry};
pub use source::{DayRange, Source};
pub use tokens::MeterTokens;
