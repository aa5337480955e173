//! The command pacer: what stands between a slider and the bridge.
//!
//! The bridge copes with about 10 light commands and 1 group command per second, and answers 429
//! above about 3 concurrent requests. A slider sends far more. So, per bridge:
//!
//! - commands to the same target coalesce while they wait: the last value of each field wins
//!   ([`LightUpdate::merge`]), and the last value is always sent, never dropped;
//! - a target has at most one request in flight, so its values arrive in order;
//! - light commands leave at most every `light_interval`, group and scene commands at most every
//!   `group_interval`, and at most `max_in_flight` requests are outstanding;
//! - 429 and 503 are retried with backoff by the [`Client`] underneath.
//!
//! Every caller's future resolves with the result of the request that carried its value (merged
//! with later ones, possibly).

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

use crate::model::{LightUpdate, ResourceType, SceneRecall};
use crate::transport::BoxFuture;
use crate::{Client, Error};

#[derive(Clone, Debug)]
pub struct PacerConfig {
    pub light_interval: Duration,
    pub group_interval: Duration,
    pub max_in_flight: usize,
}

impl Default for PacerConfig {
    fn default() -> Self {
        Self {
            light_interval: Duration::from_millis(100),
            group_interval: Duration::from_secs(1),
            max_in_flight: 3,
        }
    }
}

/// What a command addresses: a `light`, a `grouped_light` or a `scene`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PaceKey {
    pub rtype: ResourceType,
    pub id: String,
}

impl PaceKey {
    pub fn new(rtype: ResourceType, id: impl Into<String>) -> Self {
        Self {
            rtype,
            id: id.into(),
        }
    }

    fn is_light(&self) -> bool {
        self.rtype == ResourceType::Light
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    Update(LightUpdate),
    RecallScene,
}

impl Command {
    fn merge(&mut self, later: Self) {
        match (self, later) {
            (Self::Update(current), Self::Update(later)) => current.merge(later),
            (current, later) => *current = later,
        }
    }
}

/// Sends one paced command. [`Client`] is the real one; tests of the scheduling use others.
pub trait Dispatch: Send + Sync + 'static {
    fn dispatch<'a>(
        &'a self,
        key: &'a PaceKey,
        command: &'a Command,
    ) -> BoxFuture<'a, Result<(), Error>>;
}

impl Dispatch for Client {
    fn dispatch<'a>(
        &'a self,
        key: &'a PaceKey,
        command: &'a Command,
    ) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(async move {
            match command {
                Command::Update(update) => self.put(&key.rtype, &key.id, update).await,
                Command::RecallScene => self.put(&key.rtype, &key.id, &SceneRecall::active()).await,
            }
        })
    }
}

type Waiter = oneshot::Sender<Result<(), Error>>;

struct Submission {
    key: PaceKey,
    command: Command,
    waiter: Waiter,
}

/// A handle on one bridge's pacer. Cheap to clone. When the last handle goes, the pacer sends
/// what is still waiting and stops.
#[derive(Clone, Debug)]
pub struct Pacer {
    submissions: mpsc::UnboundedSender<Submission>,
    /// Requests sent, for tests and diagnostics.
    dispatched: Arc<AtomicU64>,
}

impl Pacer {
    pub fn new(dispatch: impl Dispatch, config: PacerConfig) -> Self {
        let (submissions, rx) = mpsc::unbounded_channel();
        let dispatched = Arc::new(AtomicU64::new(0));
        let scheduler = Scheduler::new(Arc::new(dispatch), config, Arc::clone(&dispatched));
        tokio::spawn(scheduler.run(rx));
        Self {
            submissions,
            dispatched,
        }
    }

    /// Queues a command; resolves once the request carrying it has been answered.
    pub async fn send(&self, key: PaceKey, command: Command) -> Result<(), Error> {
        self.submit(key, command)
            .await
            .unwrap_or(Err(Error::Closed))
    }

    /// Queues a command and returns at once; the receiver gets the result.
    pub fn submit(&self, key: PaceKey, command: Command) -> oneshot::Receiver<Result<(), Error>> {
        let (waiter, result) = oneshot::channel();
        if let Err(mpsc::error::SendError(submission)) = self.submissions.send(Submission {
            key,
            command,
            waiter,
        }) {
            let _ = submission.waiter.send(Err(Error::Closed));
        }
        result
    }

    /// How many requests the pacer has sent (each carrying one or more commands).
    pub fn dispatched(&self) -> u64 {
        self.dispatched.load(Ordering::Relaxed)
    }
}

struct Pending {
    command: Command,
    waiters: Vec<Waiter>,
}

struct Scheduler {
    dispatch: Arc<dyn Dispatch>,
    config: PacerConfig,
    dispatched: Arc<AtomicU64>,
    pending: HashMap<PaceKey, Pending>,
    order: VecDeque<PaceKey>,
    in_flight: HashSet<PaceKey>,
    next_light: Instant,
    next_group: Instant,
    done_tx: mpsc::UnboundedSender<PaceKey>,
    done_rx: mpsc::UnboundedReceiver<PaceKey>,
}

impl Scheduler {
    fn new(dispatch: Arc<dyn Dispatch>, config: PacerConfig, dispatched: Arc<AtomicU64>) -> Self {
        let (done_tx, done_rx) = mpsc::unbounded_channel();
        let now = Instant::now();
        Self {
            dispatch,
            config,
            dispatched,
            pending: HashMap::new(),
            order: VecDeque::new(),
            in_flight: HashSet::new(),
            next_light: now,
            next_group: now,
            done_tx,
            done_rx,
        }
    }

    async fn run(mut self, mut submissions: mpsc::UnboundedReceiver<Submission>) {
        let mut open = true;
        loop {
            while self.start_next() {}
            if !open && self.pending.is_empty() && self.in_flight.is_empty() {
                return;
            }
            let wake = self.next_wake();
            tokio::select! {
                submission = submissions.recv(), if open => match submission {
                    Some(submission) => self.add(submission),
                    None => open = false,
                },
                Some(key) = self.done_rx.recv() => {
                    self.in_flight.remove(&key);
                }
                () = sleep_until(wake), if wake.is_some() => {}
            }
        }
    }

    fn add(&mut self, submission: Submission) {
        if let Some(pending) = self.pending.get_mut(&submission.key) {
            pending.command.merge(submission.command);
            pending.waiters.push(submission.waiter);
            return;
        }
        self.order.push_back(submission.key.clone());
        let pending = Pending {
            command: submission.command,
            waiters: vec![submission.waiter],
        };
        self.pending.insert(submission.key, pending);
    }

    fn class_ready_at(&self, key: &PaceKey) -> Instant {
        if key.is_light() {
            self.next_light
        } else {
            self.next_group
        }
    }

    /// Starts the first waiting command whose target is idle and whose class may send now.
    fn start_next(&mut self) -> bool {
        if self.in_flight.len() >= self.config.max_in_flight.max(1) {
            return false;
        }
        let now = Instant::now();
        let Some(position) = self
            .order
            .iter()
            .position(|key| !self.in_flight.contains(key) && self.class_ready_at(key) <= now)
        else {
            return false;
        };
        let Some(key) = self.order.remove(position) else {
            return false;
        };
        let Some(pending) = self.pending.remove(&key) else {
            return false;
        };
        if key.is_light() {
            self.next_light = now + self.config.light_interval;
        } else {
            self.next_group = now + self.config.group_interval;
        }
        self.in_flight.insert(key.clone());
        self.dispatched.fetch_add(1, Ordering::Relaxed);
        let dispatch = Arc::clone(&self.dispatch);
        let done = self.done_tx.clone();
        tokio::spawn(async move {
            let result = dispatch.dispatch(&key, &pending.command).await;
            for waiter in pending.waiters {
                let _ = waiter.send(result.clone());
            }
            let _ = done.send(key);
        });
        true
    }

    /// When a waiting command may go, if one can go at all before something finishes.
    fn next_wake(&self) -> Option<Instant> {
        if self.in_flight.len() >= self.config.max_in_flight.max(1) {
            return None;
        }
        self.order
            .iter()
            .filter(|key| !self.in_flight.contains(*key))
            .map(|key| self.class_ready_at(key))
            .min()
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use tokio::time::Instant;

    use super::{Command, Dispatch, PaceKey, Pacer, PacerConfig};
    use crate::Error;
    use crate::model::{LightUpdate, ResourceType};
    use crate::transport::BoxFuture;

    /// Records what was sent and when, taking `latency` per request.
    #[derive(Clone, Default)]
    struct Recorder {
        sent: Arc<Mutex<Vec<(Instant, PaceKey, Command)>>>,
        in_flight: Arc<AtomicUsize>,
        max_in_flight: Arc<AtomicUsize>,
        latency: Duration,
    }

    impl Dispatch for Recorder {
        fn dispatch<'a>(
            &'a self,
            key: &'a PaceKey,
            command: &'a Command,
        ) -> BoxFuture<'a, Result<(), Error>> {
            Box::pin(async move {
                let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                self.max_in_flight.fetch_max(now, Ordering::SeqCst);
                self.sent
                    .lock()
                    .unwrap()
                    .push((Instant::now(), key.clone(), command.clone()));
                tokio::time::sleep(self.latency).await;
                self.in_flight.fetch_sub(1, Ordering::SeqCst);
                Ok(())
            })
        }
    }

    fn brightness(command: &Command) -> f64 {
        match command {
            Command::Update(update) => update.dimming.unwrap().brightness,
            Command::RecallScene => f64::NAN,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_slider_storm_is_coalesced_and_ends_on_the_last_value() {
        let recorder = Recorder {
            latency: Duration::from_millis(20),
            ..Recorder::default()
        };
        let pacer = Pacer::new(recorder.clone(), PacerConfig::default());
        let light = PaceKey::new(ResourceType::Light, "l1");
        let mut results = Vec::new();
        // 120 values in 2 s, as a slider dragged for two seconds sends them.
        let start = Instant::now();
        for step in 0..120u32 {
            tokio::time::sleep_until(start + Duration::from_micros(16_667) * step).await;
            let value = f64::from(step) * 100.0 / 119.0;
            results.push(pacer.submit(
                light.clone(),
                Command::Update(LightUpdate::brightness(value)),
            ));
        }
        for result in results {
            result.await.unwrap().unwrap();
        }
        let sent = recorder.sent.lock().unwrap();
        assert!(sent.len() <= 21, "{} requests", sent.len());
        assert!((brightness(&sent.last().unwrap().2) - 100.0).abs() < 1e-9);
        for pair in sent.windows(2) {
            assert!(pair[1].0 - pair[0].0 >= Duration::from_millis(100));
        }
    }

    #[tokio::test(start_paused = true)]
    async fn groups_are_slower_and_at_most_three_requests_fly() {
        let recorder = Recorder {
            latency: Duration::from_millis(500),
            ..Recorder::default()
        };
        let pacer = Pacer::new(recorder.clone(), PacerConfig::default());
        let mut results = Vec::new();
        for n in 0..10 {
            let light = PaceKey::new(ResourceType::Light, format!("l{n}"));
            results.push(pacer.submit(light, Command::Update(LightUpdate::on(true))));
            let group = PaceKey::new(ResourceType::GroupedLight, format!("g{}", n % 2));
            results.push(pacer.submit(group, Command::Update(LightUpdate::on(n % 3 == 0))));
        }
        for result in results {
            result.await.unwrap().unwrap();
        }
        assert_eq!(recorder.max_in_flight.load(Ordering::SeqCst), 3);
        let sent = recorder.sent.lock().unwrap();
        let groups: Vec<_> = sent
            .iter()
            .filter(|(_, key, _)| key.rtype == ResourceType::GroupedLight)
            .collect();
        // g0 goes at once with its first value; g1 and the rest of g0 wait their turn, each
        // coalesced to its last value (g0: n=8, off; g1: n=9, on).
        let summary: Vec<(String, bool)> = groups
            .iter()
            .map(|(_, key, command)| match command {
                Command::Update(update) => (key.id.clone(), update.on.unwrap().on),
                Command::RecallScene => (key.id.clone(), false),
            })
            .collect();
        let expected =
            [("g0", true), ("g1", true), ("g0", false)].map(|(id, on)| (id.to_owned(), on));
        assert_eq!(summary, expected);
        for pair in groups.windows(2) {
            assert!(pair[1].0 - pair[0].0 >= Duration::from_secs(1));
        }
        let lights = sent
            .iter()
            .filter(|(_, key, _)| key.rtype == ResourceType::Light)
            .count();
        assert_eq!(lights, 10);
    }

    #[tokio::test(start_paused = true)]
    async fn a_target_never_has_two_requests_in_flight() {
        let recorder = Recorder {
            latency: Duration::from_millis(300),
            ..Recorder::default()
        };
        let config = PacerConfig {
            light_interval: Duration::ZERO,
            ..PacerConfig::default()
        };
        let pacer = Pacer::new(recorder.clone(), config);
        let light = PaceKey::new(ResourceType::Light, "l1");
        let first = pacer.submit(light.clone(), Command::Update(LightUpdate::brightness(1.0)));
        tokio::time::sleep(Duration::from_millis(10)).await;
        let second = pacer.submit(light.clone(), Command::Update(LightUpdate::brightness(2.0)));
        let third = pacer.submit(light, Command::Update(LightUpdate::brightness(3.0)));
        first.await.unwrap().unwrap();
        second.await.unwrap().unwrap();
        third.await.unwrap().unwrap();
        assert_eq!(recorder.max_in_flight.load(Ordering::SeqCst), 1);
        let values: Vec<f64> = recorder
            .sent
            .lock()
            .unwrap()
            .iter()
            .map(|s| brightness(&s.2))
            .collect();
        assert_eq!(values, [1.0, 3.0]);
    }
}
