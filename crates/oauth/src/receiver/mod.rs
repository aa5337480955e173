//! The three ways an authorization's answer comes back, behind one trait:
//!
//! - [`LoopbackReceiver`]: a one-shot HTTP(S) server on 127.0.0.1 (RFC 8252 §7.3);
//! - [`UrlReceiver::deep_link`]: `hearth://oauth/callback?…` URLs the app receives from the OS
//!   (RFC 8252 §7.1), handed over through a [`UrlInbox`];
//! - [`UrlReceiver::paste`]: the whole redirect URL copied from the browser's address bar into
//!   the app or the terminal, also through a [`UrlInbox`].
//!
//! All three validate what arrives with [`crate::callback::Callback`] and match it against the
//! flow's `state` in one place, the [`Slot`]. An answer with the wrong `state`, a malformed one, or
//! one arriving when no flow waits is refused and the flow **keeps waiting**: a forged or replayed
//! callback cannot end a legitimate sign-in early, it only earns a failure page or an error for
//! whoever sent it. The flow ends on the first answer with the right `state` (a code, or the
//! provider's error such as `access_denied`), on its timeout, or when dropped.

mod inbox;
mod loopback;

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use hearth_secret::Secret;
use tokio::sync::oneshot;

pub use self::inbox::{DEEP_LINK_REDIRECT, UrlInbox, UrlReceiver};
pub use self::loopback::{DEFAULT_PORT, LoopbackOptions, LoopbackReceiver, RedirectHost};
use crate::callback::{Callback, CallbackError, CallbackOutcome};

/// How long a flow waits for its answer unless told otherwise: long enough to type a password
/// and a second factor, short enough that a forgotten flow does not hold a port for the day.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);

/// Where an authorization's answer arrives.
pub trait CallbackReceiver: Send {
    /// The redirect URI to send in the authorization request. It must be the one registered with
    /// the provider.
    fn redirect_uri(&self) -> &url::Url;

    /// Accepts the answer carrying `state` from now on, before [`Self::receive`] is awaited: a
    /// browser that answers at once (consent already given, a fast machine or a slow flow task)
    /// must not find nobody waiting. `receive` with the same `state` then returns that answer.
    fn expect(&mut self, state: &str);

    /// Waits for the answer carrying `state` and returns its authorization code.
    fn receive(&mut self, state: &str)
    -> impl Future<Output = Result<Secret, ReceiveError>> + Send;
}

/// Why no authorization code came back.
#[derive(Debug, thiserror::Error)]
pub enum ReceiveError {
    #[error("the sign-in was declined{}", describe(.description.as_deref()))]
    Denied { description: Option<String> },
    #[error("the sign-in service reported `{error}`{}", describe(.description.as_deref()))]
    Provider {
        error: String,
        description: Option<String>,
    },
    #[error("no answer came back from the browser within {} s", .0.as_secs())]
    TimedOut(Duration),
    #[error("this receiver has already finished a sign-in; start a new one")]
    Finished,
    #[error("could not listen on 127.0.0.1:{port} ({source}); is another sign-in running?")]
    Bind {
        port: u16,
        #[source]
        source: std::io::Error,
    },
    #[error("could not prepare the local HTTPS certificate")]
    Certificate,
}

fn describe(description: Option<&str>) -> String {
    description.map_or_else(String::new, |d| format!(": {d}"))
}

/// What an accepted answer was, for the page or message shown to whoever sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Accepted {
    Code,
    ProviderError { error: String },
}

type Answer = Result<Secret, ReceiveError>;

/// The meeting point of a waiting flow and the answers offered to it.
#[derive(Debug, Default)]
pub(crate) struct Slot {
    inner: Mutex<Waiting>,
}

#[derive(Debug, Default)]
struct Waiting {
    state: Option<String>,
    answer: Option<oneshot::Sender<Answer>>,
    /// Armed by [`Slot::expect`] before anyone waits: the state, and where its answer lands.
    early: Option<(String, oneshot::Receiver<Answer>)>,
}

impl Slot {
    fn lock(&self) -> std::sync::MutexGuard<'_, Waiting> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Accepts the answer carrying `state` from now on; the next [`Slot::arm`] for the same
    /// state waits on it (and finds it there if it came already).
    pub(crate) fn expect(&self, state: &str) {
        let (sender, receiver) = oneshot::channel();
        let mut waiting = self.lock();
        waiting.state = Some(state.to_owned());
        waiting.answer = Some(sender);
        waiting.early = Some((state.to_owned(), receiver));
    }

    /// Starts waiting for the answer carrying `state`, replacing any earlier wait (but keeping
    /// what [`Slot::expect`] armed for the same state).
    pub(crate) fn arm(&self, state: &str) -> oneshot::Receiver<Answer> {
        let mut waiting = self.lock();
        if let Some((expected, early)) = waiting.early.take()
            && expected == state
        {
            return early;
        }
        let (sender, receiver) = oneshot::channel();
        waiting.state = Some(state.to_owned());
        waiting.answer = Some(sender);
        receiver
    }

    pub(crate) fn disarm(&self) {
        let mut waiting = self.lock();
        waiting.state = None;
        waiting.answer = None;
        waiting.early = None;
    }

    /// Offers an answer. The first one with the right `state` ends the wait; later ones (a
    /// replay) find no flow waiting.
    pub(crate) fn offer(&self, callback: Callback) -> Result<Accepted, CallbackError> {
        let mut waiting = self.lock();
        let expected = waiting
            .state
            .as_deref()
            .ok_or(CallbackError::NoFlowWaiting)?;
        if !callback.matches_state(expected) {
            tracing::warn!("refused an OAuth answer whose state belongs to no waiting sign-in");
            return Err(CallbackError::WrongState);
        }
        let sender = waiting.answer.take().ok_or(CallbackError::NoFlowWaiting)?;
        waiting.state = None;
        let (accepted, answer) = match callback.outcome {
            CallbackOutcome::Code(code) => (Accepted::Code, Ok(code)),
            CallbackOutcome::Error { error, description } => {
                let accepted = Accepted::ProviderError {
                    error: error.clone(),
                };
                let answer = if error == "access_denied" {
                    ReceiveError::Denied { description }
                } else {
                    ReceiveError::Provider {
                        error: crate::error::sanitize_code(&error),
                        description,
                    }
                };
                (accepted, Err(answer))
            }
        };
        // The waiting flow may have been dropped a moment ago: nothing is lost then.
        let _ = sender.send(answer);
        Ok(accepted)
    }
}

/// Waits on an armed slot for at most `timeout`, and disarms it however the wait ends.
pub(crate) async fn wait(
    slot: &Arc<Slot>,
    answer: oneshot::Receiver<Answer>,
    timeout: Duration,
) -> Answer {
    struct Disarm<'a>(&'a Slot);
    impl Drop for Disarm<'_> {
        fn drop(&mut self) {
            self.0.disarm();
        }
    }
    let _disarm = Disarm(slot);
    match tokio::time::timeout(timeout, answer).await {
        Ok(Ok(answer)) => answer,
        // The sender lives in the slot until an answer is sent; a closed channel means another
        // wait replaced this one.
        Ok(Err(_)) => Err(ReceiveError::Finished),
        Err(_) => Err(ReceiveError::TimedOut(timeout)),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use super::{Accepted, ReceiveError, Slot, wait};
    use crate::callback::{Callback, CallbackError};

    fn callback(query: &str) -> Callback {
        Callback::from_query(query).unwrap()
    }

    /// The browser can answer before the flow's task waits: what `expect` armed keeps the answer.
    #[tokio::test]
    async fn an_answer_before_the_wait_is_kept() {
        let slot = Arc::new(Slot::default());
        slot.expect("s");
        assert_eq!(slot.offer(callback("code=c&state=s")), Ok(Accepted::Code));
        let answer = slot.arm("s");
        let code = wait(&slot, answer, Duration::from_secs(1)).await.unwrap();
        assert_eq!(code.expose(), "c");
        // Another state's wait does not take it.
        slot.expect("t");
        let other = slot.arm("u");
        assert_eq!(
            slot.offer(callback("code=c&state=t")),
            Err(CallbackError::WrongState)
        );
        drop(other);
    }

    #[tokio::test]
    async fn first_right_answer_wins_and_replays_find_nobody() {
        let slot = Arc::new(Slot::default());
        assert_eq!(
            slot.offer(callback("code=c&state=s")),
            Err(CallbackError::NoFlowWaiting)
        );
        let answer = slot.arm("s");
        assert_eq!(
            slot.offer(callback("code=forged&state=other")),
            Err(CallbackError::WrongState)
        );
        assert_eq!(slot.offer(callback("code=c&state=s")), Ok(Accepted::Code));
        assert_eq!(
            slot.offer(callback("code=c&state=s")),
            Err(CallbackError::NoFlowWaiting)
        );
        let code = wait(&slot, answer, Duration::from_secs(60)).await.unwrap();
        assert_eq!(code.expose(), "c");
    }

    #[tokio::test]
    async fn provider_errors_end_the_wait() {
        let slot = Arc::new(Slot::default());
        let answer = slot.arm("s");
        assert_eq!(
            slot.offer(callback("error=access_denied&error_description=no&state=s")),
            Ok(Accepted::ProviderError {
                error: "access_denied".into()
            })
        );
        let err = wait(&slot, answer, Duration::from_secs(60))
            .await
            .unwrap_err();
        assert_eq!(err.to_string(), "the sign-in was declined: no");

        let answer = slot.arm("t");
        slot.offer(callback("error=server_error&state=t")).unwrap();
        let err = wait(&slot, answer, Duration::from_secs(60))
            .await
            .unwrap_err();
        assert!(matches!(err, ReceiveError::Provider { ref error, .. } if error == "server_error"));
    }

    #[tokio::test]
    async fn times_out_and_disarms() {
        let slot = Arc::new(Slot::default());
        let answer = slot.arm("s");
        let err = wait(&slot, answer, Duration::from_millis(20))
            .await
            .unwrap_err();
        assert!(matches!(err, ReceiveError::TimedOut(_)));
        assert_eq!(
            slot.offer(callback("code=c&state=s")),
            Err(CallbackError::NoFlowWaiting)
        );
    }
}
