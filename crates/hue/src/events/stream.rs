//! Keeping the event stream alive.
//!
//! A real bridge sends no heartbeat, and a stream can die silently (a router restart leaves a
//! half-open connection). So: a read watchdog (no byte for `read_timeout` means dead), reconnect
//! with growing backoff, and after every (re)connect a full resync, because events missed while
//! away are gone. The stream is opened *before* the resync so that nothing changing in between is
//! missed: events queued meanwhile are applied after the resynced state, and they carry absolute
//! values, so applying one twice is harmless.

use std::time::Duration;

use futures_util::StreamExt as _;
use tokio::sync::mpsc;

use super::sse;
use crate::client::jittered_backoff;
use crate::model::Resource;
use crate::{Client, Error, Event};

#[derive(Clone, Debug)]
pub struct StreamConfig {
    /// No byte for this long means the stream is dead (aiohue uses 90 s).
    pub read_timeout: Duration,
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for StreamConfig {
    fn default() -> Self {
        Self {
            read_timeout: Duration::from_secs(90),
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(60),
        }
    }
}

/// What the stream reports, in order.
#[derive(Debug)]
pub enum StreamItem {
    /// Opening the stream; `attempt` counts failures since the last good connection.
    Connecting {
        attempt: u32,
    },
    /// Connected, and this is the bridge's full state now: replace, then apply what follows.
    Resynced(Vec<Resource>),
    Events(Vec<Event>),
    /// The stream failed or died; the next attempt starts after `retry_in`.
    Lost {
        error: Error,
        retry_in: Duration,
    },
}

/// The receiving end. Dropping it stops the stream.
#[derive(Debug)]
pub struct EventStream {
    items: mpsc::Receiver<StreamItem>,
    task: tokio::task::JoinHandle<()>,
}

impl EventStream {
    /// A stream fed by `task` (the event stream's, or [`crate::remote::poll`]'s).
    pub(crate) fn from_parts(
        items: mpsc::Receiver<StreamItem>,
        task: tokio::task::JoinHandle<()>,
    ) -> Self {
        Self { items, task }
    }

    pub async fn next(&mut self) -> Option<StreamItem> {
        self.items.recv().await
    }
}

impl Drop for EventStream {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts following the bridge's events.
pub fn spawn(client: Client, config: StreamConfig) -> EventStream {
    let (tx, items) = mpsc::channel(64);
    let task = tokio::spawn(follow(client, config, tx));
    EventStream { items, task }
}

async fn follow(client: Client, config: StreamConfig, tx: mpsc::Sender<StreamItem>) {
    let mut attempt = 0u32;
    loop {
        if tx.send(StreamItem::Connecting { attempt }).await.is_err() {
            return;
        }
        let (error, was_live) = match connect_and_read(&client, &config, &tx).await {
            Outcome::ReceiverGone => return,
            Outcome::Failed { error, was_live } => (error, was_live),
        };
        if was_live {
            attempt = 0;
        }
        let retry_in = jittered_backoff(config.initial_backoff, config.max_backoff, attempt);
        attempt = attempt.saturating_add(1);
        tracing::info!("event stream lost ({error}); reconnecting in {retry_in:?}");
        if tx.send(StreamItem::Lost { error, retry_in }).await.is_err() {
            return;
        }
        tokio::time::sleep(retry_in).await;
    }
}

enum Outcome {
    ReceiverGone,
    Failed { error: Error, was_live: bool },
}

async fn connect_and_read(
    client: &Client,
    config: &StreamConfig,
    tx: &mpsc::Sender<StreamItem>,
) -> Outcome {
    let failed = |error| Outcome::Failed {
        error,
        was_live: false,
    };
    let mut body = match client.transport().event_stream().await {
        Ok(body) => body,
        Err(error) => return failed(error),
    };
    let resources = match client.resources().await {
        Ok(resources) => resources,
        Err(error) => return failed(error),
    };
    if tx.send(StreamItem::Resynced(resources)).await.is_err() {
        return Outcome::ReceiverGone;
    }
    let mut parser = sse::Parser::default();
    loop {
        let chunk = match tokio::time::timeout(config.read_timeout, body.next()).await {
            Err(_) => Err(Error::StreamSilent {
                after: config.read_timeout,
            }),
            Ok(None) => Err(Error::Closed),
            Ok(Some(chunk)) => chunk,
        };
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(error) => {
                return Outcome::Failed {
                    error,
                    was_live: true,
                };
            }
        };
        for message in parser.feed(&chunk) {
            match super::parse(&message.data) {
                Ok(events) if events.is_empty() => {}
                Ok(events) => {
                    if tx.send(StreamItem::Events(events)).await.is_err() {
                        return Outcome::ReceiverGone;
                    }
                }
                // One unreadable message is not a reason to drop a healthy stream.
                Err(err) => tracing::warn!("skipped an event message: {err}"),
            }
        }
    }
}
