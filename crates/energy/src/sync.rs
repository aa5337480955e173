//! Runs a [`plan`] against a [`Source`], writing each answer to the
//! [`History`] as it arrives.
//!
//! - An interruption (the future dropped, the process killed) loses nothing: every answer is its
//!   own committed transaction before the next call goes out.
//! - The plan is computed again whenever the meter's facts change mid-sync (the contract gives
//!   the activation date; the first production answer tells whether the meter produces), so the
//!   calls those facts make useless are never sent.
//! - A quota or an outage stops the sync with the time to try again (stored for the
//!   [`schedule`](crate::schedule)); a refused link stops it with the error.
//! - Two syncs of one meter at once (the app and `hearth-cli`, two processes on one file): a
//!   lease in the database lets one fetch; the other **waits** for it, then plans from what the
//!   first stored, which is usually nothing. Waiting rather than skipping, because whoever asked
//!   (a `hearth-cli energy sync`, the app's *Sync now*) wants the data when it returns, and after
//!   the wait that costs no call. The lease expires if its holder dies ([`SyncOptions::lease`]),
//!   and is renewed after every call.
//!
//! The history's calls are synchronous: short transactions, which wait at most the busy
//! timeout while the other process commits. The sync future is `Send`; the app runs it as a task
//! of its multi-thread runtime.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

use crate::history::{History, HistoryError};
use crate::plan::{Call, plan};
use crate::{DataError, DayRange, Measure, Source};

/// The time a sync goes by: the system's in the app, a controlled one in tests.
pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
}

/// The system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

impl<F: Fn() -> Timestamp + Send + Sync> Clock for F {
    fn now(&self) -> Timestamp {
        self()
    }
}

/// How a sync shares a meter with another.
#[derive(Debug, Clone, Copy)]
pub struct SyncOptions {
    /// How long the lease lasts without renewal: longer than one call can take (the proxy paces
    /// calls to Enedis's quota), short enough that a crashed process does not block for long.
    pub lease: Duration,
    /// How often a waiting sync looks at the lease again.
    pub poll: Duration,
}

impl Default for SyncOptions {
    fn default() -> Self {
        Self {
            lease: Duration::from_secs(5 * 60),
            poll: Duration::from_millis(500),
        }
    }
}

/// Where a sync stands, after each call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Calls answered so far.
    pub done: usize,
    /// Calls this sync expects to make (grows when a refused range is split, shrinks when new
    /// facts spare calls).
    pub total: usize,
    /// Days the answered calls covered.
    pub days: i64,
    /// The call just answered.
    pub call: Call,
}

/// Why a sync paused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pause {
    /// Enedis's quota is spent (429).
    Quota,
    /// Enedis is down (5xx): "Enedis is unavailable, Hearth retries at HH:MM".
    Outage,
}

/// How a sync ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncEnd {
    /// Everything due was asked.
    Done,
    /// Stopped early: the rest waits until `retry_at`.
    Paused { reason: Pause, retry_at: Timestamp },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncReport {
    /// Calls made.
    pub calls: usize,
    /// Days those calls covered.
    pub days: i64,
    /// Another sync of this meter was running and this one waited for it.
    pub waited: bool,
    pub end: SyncEnd,
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    History(#[from] HistoryError),
    /// A failure no retry cures by itself: no consent, not the holder, the link refused, the
    /// proxy unreachable or not subscribed.
    #[error(transparent)]
    Data(DataError),
    /// Another process took the lease over (this one was stalled longer than the lease).
    #[error("another sync took this meter over")]
    LeaseLost,
}

/// Syncs one meter: waits for the lease, asks what is due, stores each answer, reports
/// progress after each call.
pub async fn sync<S: Source>(
    history: &History,
    source: &S,
    prm: &str,
    clock: &dyn Clock,
    options: SyncOptions,
    mut progress: impl FnMut(&Progress) + Send,
) -> Result<SyncReport, SyncError> {
    let owner = lease_owner();
    let mut waited = false;
    while !history.try_lease(prm, &owner, clock.now(), options.lease)? {
        waited = true;
        tokio::time::sleep(options.poll).await;
    }
    let guard = Lease {
        history,
        prm,
        owner: &owner,
    };
    let mut report = run(history, source, prm, clock, options, &owner, &mut progress).await?;
    drop(guard);
    report.waited = waited;
    Ok(report)
}

/// Gives the lease back however the sync ends (an error, the future dropped).
struct Lease<'a> {
    history: &'a History,
    prm: &'a str,
    owner: &'a str,
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        // A release can meet a busy file (the other process writing past the busy timeout on a
        // loaded machine): try again a few times, for a lease left behind makes the next sync
        // wait until it expires. Past that, expiry is the fallback.
        for attempt in 0..5 {
            if self.history.release_lease(self.prm, self.owner).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50 << attempt));
        }
        tracing::warn!("a sync's lease could not be given back; the next waits for its expiry");
    }
}

/// Unique per sync, across threads and processes.
fn lease_owner() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}-{}-{}",
        std::process::id(),
        Timestamp::now().as_nanosecond(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// What one answer did to the plan.
enum Next {
    Continue,
    /// Ask these first, in this order (a refused range split in two, the newer half first).
    Split(Call, Call),
    Pause(Pause, Duration),
}

async fn run<S: Source>(
    history: &History,
    source: &S,
    prm: &str,
    clock: &dyn Clock,
    options: SyncOptions,
    owner: &str,
    progress: &mut (impl FnMut(&Progress) + Send),
) -> Result<SyncReport, SyncError> {
    let mut facts = history.facts(prm)?;
    let mut queue: VecDeque<Call> = plan(clock.now(), &facts, &history.statuses(prm)?).into();
    let mut done = 0;
    let mut days = 0;
    let mut total = queue.len();
    while let Some(call) = queue.pop_front() {
        let next = match call {
            Call::Contract => ask_contract(history, source, prm, clock).await?,
            Call::Reading { measure, range } => {
                ask_reading(history, source, prm, measure, range, clock).await?
            }
        };
        done += 1;
        days += call.days();
        match next {
            Next::Continue => {}
            Next::Split(first, second) => {
                queue.push_front(second);
                queue.push_front(first);
                total += 1;
            }
            Next::Pause(reason, after) => {
                let retry_at = clock
                    .now()
                    .checked_add(SignedDuration::try_from(after).unwrap_or(SignedDuration::MAX))
                    .unwrap_or(Timestamp::MAX);
                history.set_retry_at(prm, retry_at)?;
                progress(&Progress {
                    done,
                    total,
                    days,
                    call,
                });
                return Ok(SyncReport {
                    calls: done,
                    days,
                    waited: false,
                    end: SyncEnd::Paused { reason, retry_at },
                });
            }
        }
        let now_facts = history.facts(prm)?;
        if now_facts != facts {
            facts = now_facts;
            queue = plan(clock.now(), &facts, &history.statuses(prm)?).into();
            total = done + queue.len();
        }
        progress(&Progress {
            done,
            total,
            days,
            call,
        });
        if !queue.is_empty() && !history.try_lease(prm, owner, clock.now(), options.lease)? {
            return Err(SyncError::LeaseLost);
        }
    }
    history.set_synced(prm, clock.now())?;
    Ok(SyncReport {
        calls: done,
        days,
        waited: false,
        end: SyncEnd::Done,
    })
}

async fn ask_contract<S: Source>(
    history: &History,
    source: &S,
    prm: &str,
    clock: &dyn Clock,
) -> Result<Next, SyncError> {
    match source.contract(prm).await {
        Ok(contract) => history.set_contract(prm, &contract, clock.now())?,
        Err(e) => {
            if let Some(next) = stop(e.clone())? {
                return Ok(next);
            }
            history.contract_failed(prm, clock.now())?;
        }
    }
    Ok(Next::Continue)
}

async fn ask_reading<S: Source>(
    history: &History,
    source: &S,
    prm: &str,
    measure: Measure,
    range: DayRange,
    clock: &dyn Clock,
) -> Result<Next, SyncError> {
    let answer = source.reading(prm, measure, range).await;
    let now = clock.now();
    let produces = history.facts(prm)?.produces;
    let no_production = |history: &History| -> Result<Next, SyncError> {
        history.record_no_production(prm, measure, range, now)?;
        if produces.is_none() {
            history.set_produces(prm, false)?;
        }
        Ok(Next::Continue)
    };
    match answer {
        Ok(reading) => {
            if measure.is_production() && produces != Some(true) {
                if reading.interval_reading.is_empty() {
                    return no_production(history);
                }
                history.set_produces(prm, true)?;
            }
            match history.record_reading(prm, measure, range, &reading, now) {
                Ok(_) => {}
                // An answer whose dates or values do not read: the days stay missing and are
                // asked again on the schedule.
                Err(HistoryError::Reading(_)) => {
                    history.record_missing(prm, measure, range, now)?;
                }
                Err(e) => return Err(e.into()),
            }
            Ok(Next::Continue)
        }
        Err(DataError::NoData) if measure.is_production() && produces != Some(true) => {
            no_production(history)
        }
        Err(DataError::NoData | DataError::BadRange | DataError::Malformed(_)) => {
            history.record_missing(prm, measure, range, now)?;
            Ok(Next::Continue)
        }
        Err(DataError::BeforeActivation) => {
            // Enedis refuses the whole range: halve it until the day before the activation is
            // found (a few calls, once), then the activation date spares every older call.
            if range.days() <= 1 {
                history.record_before_activation(prm, measure, range, now)?;
                history.raise_activation(prm, range.end)?;
                Ok(Next::Continue)
            } else {
                let mid = crate::plan::add_days(range.start, range.days() / 2);
                Ok(Next::Split(
                    Call::Reading {
                        measure,
                        range: DayRange {
                            start: mid,
                            end: range.end,
                        },
                    },
                    Call::Reading {
                        measure,
                        range: DayRange {
                            start: range.start,
                            end: mid,
                        },
                    },
                ))
            }
        }
        Err(e) => stop(e)?.map_or(Ok(Next::Continue), Ok),
    }
}

/// A quota or an outage pauses; what no retry cures ends the sync; the rest is per call.
fn stop(error: DataError) -> Result<Option<Next>, SyncError> {
    match error {
        DataError::Quota { retry_after } => Ok(Some(Next::Pause(Pause::Quota, retry_after))),
        DataError::Outage { retry_after } => Ok(Some(Next::Pause(Pause::Outage, retry_after))),
        DataError::NoConsent
        | DataError::NotHolder
        | DataError::Unauthorized
        | DataError::NotSubscribed
        | DataError::Keychain(_)
        | DataError::Transport(_) => Err(SyncError::Data(error)),
        DataError::BeforeActivation
        | DataError::BadRange
        | DataError::NoData
        | DataError::Malformed(_) => Ok(None),
    }
}
