//! Storage behind one trait: the embedded SQLite store (default, one file) and Redis (several
//! instances behind a load balancer). Both implement the same small set of atomic operations, and
//! the same test suite (`tests/store.rs`) runs against both.
//!
//! Every operation that two instances (or two requests) could race on is atomic in the store
//! itself: single-use `take`, `replace_if` for state transitions, counters, the polling gate and
//! the shared upstream pacer. Nothing is read-modify-written from the application.

mod redis;
mod sqlite;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub use self::redis::RedisStore;
pub use self::sqlite::SqliteStore;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("redis: {0}")]
    Redis(#[from] ::redis::RedisError),
    #[error("the storage task stopped: {0}")]
    Join(#[from] tokio::task::JoinError),
    #[error("cannot prepare the database file: {0}")]
    Io(String),
    #[error("corrupt value under a store key: {0}")]
    Corrupt(String),
    #[error("unsupported store address {0:?}: use a file path, sqlite://PATH or redis://HOST:PORT")]
    BadAddress(String),
}

pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// One rate of the upstream pacer, in the form of a GCRA: one call per `period_ms`, with up to
/// `burst` calls ahead of that schedule. `key` names the state in the store, so every instance
/// sharing the store shares the limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rate {
    pub key: String,
    pub period_ms: u64,
    pub burst: u64,
}

/// What the polling gate decided for one poll of a device code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PollGate {
    /// Spaced well enough; the interval in force (ms).
    Ok(u64),
    /// Too soon after the previous poll: the interval was raised to this (ms).
    SlowDown(u64),
}

pub trait Store: Send + Sync + 'static {
    /// Whether other instances share this store (Redis), or this process alone uses it (the
    /// embedded store): what only this process needs may then stay in its memory.
    fn shared(&self) -> bool;

    /// Sets `key` (overwriting), expiring after `ttl` when given.
    fn put<'a>(
        &'a self,
        key: &'a str,
        value: &'a str,
        ttl: Option<Duration>,
    ) -> StoreFuture<'a, ()>;

    /// Sets `key` only if it does not exist yet; `true` when it was set.
    fn put_new<'a>(
        &'a self,
        key: &'a str,
        value: &'a str,
        ttl: Option<Duration>,
    ) -> StoreFuture<'a, bool>;

    fn get<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<String>>;

    /// Reads and deletes `key` in one step: of two concurrent takes, one gets the value.
    fn take<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<String>>;

    fn delete<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()>;

    /// Replaces the value of `key` only if it still equals `expected`; `true` when replaced.
    /// The TTL is set anew.
    fn replace_if<'a>(
        &'a self,
        key: &'a str,
        expected: &'a str,
        value: &'a str,
        ttl: Option<Duration>,
    ) -> StoreFuture<'a, bool>;

    /// Adds one to a counter and returns the new count. A counter that did not exist starts a
    /// window of `window`: it expires `window` after its first increment (fixed windows).
    fn incr<'a>(&'a self, key: &'a str, window: Duration) -> StoreFuture<'a, u64>;

    /// The polling gate of one device code: a poll less than `min_spacing_ms` after the previous
    /// one raises the interval by `step_ms` and answers `SlowDown`. The first poll starts at
    /// `interval_ms`. Every poll (slow or not) is remembered as the latest.
    fn poll_gate<'a>(
        &'a self,
        key: &'a str,
        now_ms: u64,
        interval_ms: u64,
        step_ms: u64,
        ttl: Duration,
    ) -> StoreFuture<'a, PollGate>;

    /// Takes one slot of every rate at once, or none: `0` when the call may go now, otherwise
    /// how many milliseconds to wait before asking again. A pause set by [`Store::pause`] (after
    /// an upstream 429) holds every caller until it ends.
    fn pace<'a>(
        &'a self,
        now_ms: u64,
        rates: &'a [Rate],
        pause_key: &'a str,
    ) -> StoreFuture<'a, u64>;

    /// Holds the pacer until `until_ms` (or later, if a longer pause is already set).
    fn pause<'a>(&'a self, pause_key: &'a str, until_ms: u64) -> StoreFuture<'a, ()>;

    /// Drops what has expired (Redis does it by itself).
    fn purge_expired(&self) -> StoreFuture<'_, u64>;
}

/// Opens the store named by `address`: a file path or `sqlite://PATH` for the embedded store,
/// `redis://…` / `rediss://…` for Redis.
pub async fn open(address: &str) -> Result<Arc<dyn Store>, StoreError> {
    if address.starts_with("redis://") || address.starts_with("rediss://") {
        return Ok(Arc::new(RedisStore::connect(address).await?));
    }
    let path = address.strip_prefix("sqlite://").unwrap_or(address);
    if path.is_empty() || path.contains("://") {
        return Err(StoreError::BadAddress(address.to_owned()));
    }
    let path = path.to_owned();
    let store = tokio::task::spawn_blocking(move || SqliteStore::open(&path)).await??;
    Ok(Arc::new(store))
}

/// Milliseconds since the Unix epoch: the store's clock. Instances sharing a Redis must have
/// synchronised clocks (NTP), as for any TTL-based system.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

pub(crate) fn ttl_ms(ttl: Duration) -> u64 {
    u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1)
}

/// The polling gate's rule, shared by the stores (the Redis script implements the same lines).
/// A tenth of the interval is forgiven: a client sleeping exactly `interval` between polls must
/// never be told to slow down because of scheduling jitter.
pub(crate) fn gate(
    previous: Option<(u64, u64)>,
    now_ms: u64,
    interval_ms: u64,
    step_ms: u64,
) -> (PollGate, (u64, u64)) {
    match previous {
        None => (PollGate::Ok(interval_ms), (now_ms, interval_ms)),
        Some((last, interval)) => {
            if now_ms.saturating_sub(last) < interval - interval / 10 {
                let raised = interval + step_ms;
                (PollGate::SlowDown(raised), (now_ms, raised))
            } else {
                (PollGate::Ok(interval), (now_ms, interval))
            }
        }
    }
}

/// The pacer's rule (GCRA over several rates, all or nothing), shared by the stores like
/// [`gate`]. `tats[i]` is the theoretical arrival time stored for `rates[i]`. Returns the wait
/// (0 = go) and, when going, the new arrival times.
pub(crate) fn pace(
    now_ms: u64,
    rates: &[Rate],
    tats: &[Option<u64>],
    pause_until: Option<u64>,
) -> (u64, Vec<u64>) {
    let mut wait = pause_until.map_or(0, |until| until.saturating_sub(now_ms));
    let mut next = Vec::with_capacity(rates.len());
    for (rate, tat) in rates.iter().zip(tats) {
        let tat = tat.unwrap_or(now_ms).max(now_ms);
        let allowed_at = tat.saturating_sub(rate.burst.saturating_sub(1) * rate.period_ms);
        wait = wait.max(allowed_at.saturating_sub(now_ms));
        next.push(tat + rate.period_ms);
    }
    if wait > 0 {
        (wait, Vec::new())
    } else {
        (0, next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gate_forgives_a_tenth_and_raises_by_the_step() {
        let (first, state) = gate(None, 1_000, 5_000, 5_000);
        assert_eq!(first, PollGate::Ok(5_000));
        let (on_time, state) = gate(Some(state), 5_500, 5_000, 5_000);
        assert_eq!(
            on_time,
            PollGate::Ok(5_000),
            "4.5 s is within the tenth forgiven"
        );
        let (fast, state) = gate(Some(state), 6_000, 5_000, 5_000);
        assert_eq!(fast, PollGate::SlowDown(10_000));
        let (still_fast, _) = gate(Some(state), 14_000, 5_000, 5_000);
        assert_eq!(
            still_fast,
            PollGate::SlowDown(15_000),
            "the raised interval holds for good"
        );
    }

    #[test]
    fn pace_spaces_calls_and_takes_all_rates_or_none() {
        let rates = [
            Rate {
                key: "s".into(),
                period_ms: 200,
                burst: 1,
            },
            Rate {
                key: "h".into(),
                period_ms: 400,
                burst: 3,
            },
        ];
        let (wait, tats) = pace(0, &rates, &[None, None], None);
        assert_eq!((wait, tats.clone()), (0, vec![200, 400]));
        let (wait, none) = pace(100, &rates, &[Some(200), Some(400)], None);
        assert_eq!(
            (wait, none.len()),
            (100, 0),
            "the per-second rate says wait 100 ms"
        );
        let (wait, _) = pace(200, &rates, &[Some(200), Some(400)], Some(1_000));
        assert_eq!(wait, 800, "a pause holds everyone");
    }
}
