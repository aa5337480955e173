//! The link flow (see the module documentation above): started with a receiver, it waits in the
//! background for the answer, exchanges the code, saves the tokens and finds the bridge, each
//! step shown in the view's [`FlowView`].

use std::sync::atomic::Ordering;

use hearth_oauth::receiver::{
    Accepted, CallbackReceiver, LoopbackReceiver, ReceiveError, UrlInbox, UrlReceiver,
};
use hearth_oauth::{AuthorizationRequest, OAuthError};
use hearth_secret::Secret;
use tokio_util::sync::CancellationToken;
use url::Url;

use super::{Account, FlowView, LinkStarted, ReceiverChoice, Remote, RemoteError, receiver};
use crate::lock;
use crate::problem::Problem;

/// The flow waiting for its answer. Dropping it cancels the flow.
pub(super) struct FlowSlot {
    id: u64,
    cancel: CancellationToken,
    inbox: UrlInbox,
}

impl Drop for FlowSlot {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

impl Remote {
    /// Starts linking: binds the loopback server if that is the receiver, and returns the
    /// authorization URL for the system browser. The flow continues in the background (see the
    /// module documentation); a flow already waiting is cancelled.
    pub async fn start_link(&self, choice: ReceiverChoice) -> Result<LinkStarted, RemoteError> {
        let account = self.account().ok_or(RemoteError::NotRegistered)?;
        let callback = self.callback();
        let (kind, plan) = receiver::plan(choice, &self.receiver_context(callback.as_ref()))?;
        self.cancel_link();
        let mut receiver = match plan {
            receiver::Plan::Loopback(options) => AnyReceiver::Loopback(
                LoopbackReceiver::bind(options)
                    .await
                    .map_err(OAuthError::from)?,
            ),
            receiver::Plan::Url(redirect) => AnyReceiver::Url(
                UrlReceiver::paste(redirect).with_timeout(self.inner.options.link_timeout),
            ),
        };
        let request = account.client.authorize(receiver.redirect_uri())?;
        // Before the URL leaves: the browser may answer before the flow's task runs.
        receiver.expect(request.state());
        let id = self.inner.flows.fetch_add(1, Ordering::Relaxed);
        let cancel = CancellationToken::new();
        let started = LinkStarted {
            id,
            receiver: kind,
            redirect_uri: receiver.redirect_uri().to_string(),
            authorize_url: request.url().to_string(),
        };
        *lock(&self.inner.flow) = Some(FlowSlot {
            id,
            cancel: cancel.clone(),
            inbox: receiver.inbox(),
        });
        self.set_flow(FlowView::Waiting {
            id,
            receiver: kind,
            redirect_uri: started.redirect_uri.clone(),
            authorize_url: started.authorize_url.clone(),
        });
        tracing::info!(
            "remote access: waiting for the answer at {} ({})",
            started.redirect_uri,
            kind.as_str()
        );
        let remote = self.clone();
        tokio::spawn(async move {
            let result = remote
                .run_flow(id, account, receiver, request, &cancel)
                .await;
            remote.finish_flow(id, result);
        });
        Ok(started)
    }

    async fn run_flow(
        &self,
        id: u64,
        account: Account,
        mut receiver: AnyReceiver,
        request: AuthorizationRequest,
        cancel: &CancellationToken,
    ) -> Result<String, RemoteError> {
        let state = request.state().to_owned();
        let code = tokio::select! {
            () = cancel.cancelled() => return Err(RemoteError::Cancelled),
            code = receiver.receive(&state) => code.map_err(OAuthError::from)?,
        };
        // The answer is in: the receiver (and its loopback server) is done.
        drop(receiver);
        self.set_flow(FlowView::Exchanging { id });
        let tokens = tokio::select! {
            () = cancel.cancelled() => return Err(RemoteError::Cancelled),
            tokens = account.client.exchange(request, code) => tokens?,
        };
        account.tokens.save_new_link(tokens).await?;
        tracing::info!("remote access: linked");
        self.set_flow(FlowView::FindingBridge { id });
        tokio::select! {
            () = cancel.cancelled() => Err(RemoteError::Cancelled),
            found = self.find_bridge(cancel) => found,
        }
    }

    fn set_flow(&self, view: FlowView) {
        *lock(&self.inner.flow_view) = Some(view);
        self.publish();
    }

    fn finish_flow(&self, id: u64, result: Result<String, RemoteError>) {
        {
            let mut slot = lock(&self.inner.flow);
            if slot.as_ref().is_some_and(|s| s.id == id) {
                *slot = None;
            }
        }
        // A later flow owns the view now: this one's end is not news.
        if lock(&self.inner.flow_view)
            .as_ref()
            .is_some_and(|v| v.id() != id)
        {
            return;
        }
        let view = match result {
            Ok(bridge_id) => FlowView::Done { id, bridge_id },
            Err(RemoteError::Cancelled) => FlowView::Cancelled { id },
            Err(err) => {
                // The caller reports the error; this is for the log.
                tracing::info!("remote access: linking failed: {err}");
                FlowView::Failed {
                    id,
                    problem: Problem::from(&err),
                    kind: err.kind(),
                    message: err.to_string(),
                }
            }
        };
        self.set_flow(view);
    }

    /// Hands over a URL the shell received: a `hearth://oauth/callback?…` deep link, or the
    /// address the user pasted. `Err` says why it was refused (not for the flow waiting, forged,
    /// malformed); the flow keeps waiting either way.
    pub fn deliver(&self, url: &str) -> Result<(), RemoteError> {
        let inbox = lock(&self.inner.flow)
            .as_ref()
            .map(|slot| slot.inbox.clone())
            .ok_or(RemoteError::NoLinkInProgress)?;
        match inbox.deliver(url)? {
            Accepted::Code | Accepted::ProviderError { .. } => Ok(()),
        }
    }

    /// Stops the link in progress, if any.
    pub fn cancel_link(&self) {
        // Dropping the slot cancels the flow, which ends as `Cancelled`.
        let slot = lock(&self.inner.flow).take();
        drop(slot);
    }

    /// Waits until the link in progress ends; its bridge's id, or why it failed.
    pub async fn wait_link(&self) -> Result<String, RemoteError> {
        let mut views = self.subscribe();
        let id = match lock(&self.inner.flow_view).as_ref() {
            Some(flow) => flow.id(),
            None => return Err(RemoteError::NoLinkInProgress),
        };
        let view = views
            .wait_for(|view| {
                view.flow
                    .as_ref()
                    .is_some_and(|flow| flow.id() != id || flow.is_over())
            })
            .await
            .map_err(|_| RemoteError::Cancelled)?
            .clone();
        match view.flow {
            Some(FlowView::Done {
                id: done,
                bridge_id,
            }) if done == id => Ok(bridge_id),
            Some(FlowView::Failed {
                id: failed,
                problem,
                kind,
                message,
            }) if failed == id => Err(RemoteError::LinkFailed {
                problem: Box::new(problem),
                kind,
                message,
            }),
            _ => Err(RemoteError::Cancelled),
        }
    }
}

/// The receiver of a flow.
enum AnyReceiver {
    Loopback(LoopbackReceiver),
    Url(UrlReceiver),
}

impl AnyReceiver {
    fn redirect_uri(&self) -> &Url {
        match self {
            Self::Loopback(r) => r.redirect_uri(),
            Self::Url(r) => r.redirect_uri(),
        }
    }

    fn inbox(&self) -> UrlInbox {
        match self {
            Self::Loopback(r) => r.inbox(),
            Self::Url(r) => r.inbox(),
        }
    }

    fn expect(&mut self, state: &str) {
        match self {
            Self::Loopback(r) => r.expect(state),
            Self::Url(r) => r.expect(state),
        }
    }

    async fn receive(&mut self, state: &str) -> Result<Secret, ReceiveError> {
        match self {
            Self::Loopback(r) => r.receive(state).await,
            Self::Url(r) => r.receive(state).await,
        }
    }
}
