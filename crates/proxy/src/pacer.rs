//! The upstream pacer: Enedis allows the whole application 5 calls per second and 1,000 per
//! hour (the 2026 swagger; both configurable), shared by every user of every instance.
//!
//! Two layers. The *rate* lives in the store ([`Store::pace`], a GCRA over both limits, atomic),
//! so instances sharing a Redis share it. In front of it, each instance keeps a *fair queue*:
//! one FIFO per user, served round-robin, so one user fetching two years of load curve does not
//! starve the others. A 429 from upstream pauses every instance through the same store: until
//! the instant Enedis names (`nextAccessTime`), else by exponential back-off. While a pause
//! outlasts the queue's patience, requests are refused at once with the time left.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::{Notify, oneshot};
use tokio::task::AbortHandle;

use crate::metrics::Metrics;
use crate::store::{Rate, Store, now_ms};

const PAUSE_KEY: &str = "pacer:pause";
const STRIKES_KEY: &str = "pacer:strikes";
/// Per-user queue length beyond which a request is refused at once ("retry later").
const MAX_QUEUED_PER_USER: usize = 64;

#[derive(Debug, thiserror::Error)]
pub enum PacerError {
    #[error("too many requests queued for this user")]
    QueueFull,
    #[error("waited too long for an upstream slot")]
    Timeout,
    /// Upstream asked everyone to wait this much longer, more than a request may queue.
    #[error("upstream calls are paused for {0:?}")]
    Paused(Duration),
}

#[derive(Clone)]
pub struct Pacer {
    inner: Arc<Inner>,
    _dispatcher: Arc<AbortOnDrop>,
}

struct Inner {
    store: Arc<dyn Store>,
    rates: Vec<Rate>,
    queues: Mutex<Queues>,
    wake: Notify,
    timeout: Duration,
    metrics: Metrics,
}

#[derive(Default)]
struct Queues {
    by_user: HashMap<String, VecDeque<oneshot::Sender<()>>>,
    ring: VecDeque<String>,
}

struct AbortOnDrop(AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The store's rates for a quota. The per-second limit is spread evenly (no burst), 10 % slower
/// than the quota: the calls reach Enedis as late as the network and a busy machine make them,
/// and with 5 calls a second that margin lets one call take 100 ms longer than the one five calls
/// after it before any rolling second sees six (5 % was seen to be too little on a loaded 2-core
/// machine). The hourly one allows a burst of a tenth of the hour, with the steady rate lowered
/// so that burst plus steady flow still fit in any rolling hour.
pub fn rates(per_second: u32, per_hour: u32) -> Vec<Rate> {
    let per_second = u64::from(per_second.max(1));
    let per_hour = u64::from(per_hour.max(2));
    let burst = (per_hour / 10).max(1);
    vec![
        Rate {
            key: "pacer:second".into(),
            period_ms: 1_000 * 110 / 100 / per_second,
            burst: 1,
        },
        Rate {
            key: "pacer:hour".into(),
            period_ms: 3_600_000 / (per_hour - burst),
            burst,
        },
    ]
}

impl Pacer {
    pub fn new(
        store: Arc<dyn Store>,
        rates: Vec<Rate>,
        timeout: Duration,
        metrics: Metrics,
    ) -> Self {
        let inner = Arc::new(Inner {
            store,
            rates,
            queues: Mutex::new(Queues::default()),
            wake: Notify::new(),
            timeout,
            metrics,
        });
        let task = tokio::spawn(dispatch(Arc::clone(&inner)));
        Self {
            inner,
            _dispatcher: Arc::new(AbortOnDrop(task.abort_handle())),
        }
    }

    /// How much longer upstream calls are paused (shared by every instance), if at all.
    pub async fn paused_for(&self) -> Option<Duration> {
        let until = self
            .inner
            .store
            .get(PAUSE_KEY)
            .await
            .ok()??
            .parse::<u64>()
            .ok()?;
        let left = until.checked_sub(now_ms()).filter(|ms| *ms > 0)?;
        Some(Duration::from_millis(left))
    }

    /// Waits for this user's turn and a free upstream slot.
    pub async fn acquire(&self, user: &str) -> Result<(), PacerError> {
        let started = Instant::now();
        if let Some(left) = self.paused_for().await
            && left >= self.inner.timeout
        {
            return Err(PacerError::Paused(left));
        }
        let (tx, rx) = oneshot::channel();
        {
            let mut queues = self
                .inner
                .queues
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            let Queues { by_user, ring } = &mut *queues;
            let queue = by_user.entry(user.to_owned()).or_default();
            if queue.len() >= MAX_QUEUED_PER_USER {
                return Err(PacerError::QueueFull);
            }
            if queue.is_empty() {
                ring.push_back(user.to_owned());
            }
            queue.push_back(tx);
        }
        self.inner.wake.notify_one();
        match tokio::time::timeout(self.inner.timeout, rx).await {
            Ok(Ok(())) => {
                self.inner.metrics.pacer_wait(started.elapsed());
                Ok(())
            }
            // A dropped sender means the dispatcher is gone (shutting down): same as a timeout.
            Ok(Err(_)) | Err(_) => Err(PacerError::Timeout),
        }
    }

    /// Upstream answered 429: pause everyone. For `until` when upstream said how long (its
    /// `nextAccessTime` or `Retry-After`), else longer at each strike within a minute. Returns
    /// the pause set, which is what callers are told to wait.
    pub async fn slow_down(&self, until: Option<Duration>) -> Duration {
        let pause = if let Some(until) = until {
            until
        } else {
            let strikes = self
                .inner
                .store
                .incr(STRIKES_KEY, Duration::from_secs(60))
                .await
                .unwrap_or(1);
            Duration::from_secs(1 << strikes.clamp(1, 6).saturating_sub(1))
        };
        let until = now_ms() + u64::try_from(pause.as_millis()).unwrap_or(u64::MAX);
        if let Err(e) = self.inner.store.pause(PAUSE_KEY, until).await {
            tracing::warn!(error = %e, "could not record the upstream pause");
        }
        tracing::warn!(
            pause_ms = pause.as_millis(),
            "upstream quota exceeded: pacer paused"
        );
        pause
    }
}

async fn dispatch(inner: Arc<Inner>) {
    loop {
        let notified = inner.wake.notified();
        if inner
            .queues
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .ring
            .is_empty()
        {
            notified.await;
            continue;
        }
        match inner.store.pace(now_ms(), &inner.rates, PAUSE_KEY).await {
            Ok(0) => {}
            Ok(wait) => {
                tokio::time::sleep(Duration::from_millis(wait)).await;
                continue;
            }
            Err(e) => {
                tracing::error!(error = %e, "the pacer cannot reach the store");
                tokio::time::sleep(Duration::from_millis(250)).await;
                continue;
            }
        }
        // One slot taken: give it to the next user in turn whose request is still waiting.
        let mut queues = inner.queues.lock().unwrap_or_else(PoisonError::into_inner);
        let Queues { by_user, ring } = &mut *queues;
        while let Some(user) = ring.pop_front() {
            let Some(queue) = by_user.get_mut(&user) else {
                continue;
            };
            let waiter = queue.pop_front();
            if queue.is_empty() {
                by_user.remove(&user);
            } else {
                ring.push_back(user);
            }
            if let Some(waiter) = waiter
                && waiter.send(()).is_ok()
            {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_2026_quota_of_1000_an_hour_is_kept_too() {
        let r = rates(5, 1_000);
        let hour_max = r[1].burst + 3_600_000 / r[1].period_ms;
        assert!((990..=1_000).contains(&hour_max), "{hour_max}");
    }

    #[test]
    fn rates_keep_any_second_and_any_hour_within_quota() {
        let r = rates(5, 10_000);
        assert_eq!(r[0].burst, 1);
        assert!(1_000 / r[0].period_ms <= 5, "{:?}", r[0]);
        let hour_max = r[1].burst + 3_600_000 / r[1].period_ms;
        assert!(hour_max <= 10_000, "burst plus steady flow: {hour_max}");
        assert!(
            hour_max >= 9_900,
            "and not much less than allowed: {hour_max}"
        );
    }
}
