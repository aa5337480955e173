//! Answers that arrive as whole URLs handed over by the app: deep links from the OS, or a URL
//! the user pasted. The flow waits on a [`UrlReceiver`]; the app holds a [`UrlInbox`] (cheap to
//! clone, `Send`) and [`UrlInbox::deliver`]s every URL it gets, learning at once whether it was
//! taken, so the CLI can ask for another paste and the app can show why a link was ignored.

use std::sync::Arc;
use std::time::Duration;

use hearth_secret::Secret;
use url::Url;

use super::{Accepted, CallbackReceiver, DEFAULT_TIMEOUT, ReceiveError, Slot, wait};
use crate::callback::{Callback, CallbackError};

/// The redirect URI of the deep-link mode: what the app registers with the OS, and what must be
/// registered with the provider.
pub const DEEP_LINK_REDIRECT: &str = "hearth://oauth/callback";

/// Waits for an answer delivered through its [`UrlInbox`].
#[derive(Debug)]
pub struct UrlReceiver {
    redirect_uri: Url,
    slot: Arc<Slot>,
    timeout: Duration,
}

/// Where the app hands over the URLs it receives for a [`UrlReceiver`].
#[derive(Debug, Clone)]
pub struct UrlInbox {
    redirect_uri: Url,
    slot: Arc<Slot>,
}

impl UrlReceiver {
    /// Answers come as `hearth://oauth/callback?…` deep links.
    pub fn deep_link() -> Self {
        match Url::parse(DEEP_LINK_REDIRECT) {
            Ok(redirect_uri) => Self::paste(redirect_uri),
            // A constant, parsed by a test.
            Err(_) => unreachable!("DEEP_LINK_REDIRECT is a valid URL"),
        }
    }

    /// Answers come as the whole redirect URL, pasted by the user. `redirect_uri` is the one
    /// registered with the provider (any page: the browser only has to show the address).
    pub fn paste(redirect_uri: Url) -> Self {
        Self {
            redirect_uri,
            slot: Arc::default(),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn inbox(&self) -> UrlInbox {
        UrlInbox::new(self.redirect_uri.clone(), Arc::clone(&self.slot))
    }
}

impl CallbackReceiver for UrlReceiver {
    fn redirect_uri(&self) -> &Url {
        &self.redirect_uri
    }

    fn expect(&mut self, state: &str) {
        self.slot.expect(state);
    }

    async fn receive(&mut self, state: &str) -> Result<Secret, ReceiveError> {
        let answer = self.slot.arm(state);
        wait(&self.slot, answer, self.timeout).await
    }
}

impl UrlInbox {
    pub(crate) fn new(redirect_uri: Url, slot: Arc<Slot>) -> Self {
        Self { redirect_uri, slot }
    }

    /// Offers a URL to the waiting flow. `Err` says why it was refused (malformed, addressed
    /// elsewhere, wrong `state`, no flow waiting); the flow goes on waiting either way.
    pub fn deliver(&self, url: &str) -> Result<Accepted, CallbackError> {
        let callback = Callback::from_redirect_url(url, &self.redirect_uri)?;
        self.slot.offer(callback)
    }

    pub fn redirect_uri(&self) -> &Url {
        &self.redirect_uri
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use url::Url;

    use super::{DEEP_LINK_REDIRECT, UrlReceiver};
    use crate::callback::CallbackError;
    use crate::receiver::{Accepted, CallbackReceiver, ReceiveError};

    #[test]
    fn deep_link_redirect_is_the_constant() {
        assert_eq!(
            UrlReceiver::deep_link().redirect_uri().as_str(),
            DEEP_LINK_REDIRECT
        );
    }

    #[tokio::test]
    async fn forged_and_misaddressed_links_leave_the_flow_waiting() {
        let mut receiver = UrlReceiver::deep_link().with_timeout(Duration::from_secs(60));
        let inbox = receiver.inbox();
        let flow = tokio::spawn(async move { receiver.receive("right-state").await });
        // Wait until the flow is armed: a delivery before then finds no flow.
        let forged = "hearth://oauth/callback?code=FORGED&state=wrong-state";
        loop {
            match inbox.deliver(forged) {
                Err(CallbackError::NoFlowWaiting) => tokio::task::yield_now().await,
                other => {
                    assert_eq!(other, Err(CallbackError::WrongState));
                    break;
                }
            }
        }
        assert_eq!(
            inbox.deliver("hearth://evil/callback?code=c&state=right-state"),
            Err(CallbackError::WrongRedirect)
        );
        assert_eq!(
            inbox.deliver("hearth://oauth/callback?state=right-state"),
            Err(CallbackError::MissingParameter("code"))
        );
        let good = "hearth://oauth/callback?code=GOOD&state=right-state";
        assert_eq!(inbox.deliver(good), Ok(Accepted::Code));
        assert_eq!(inbox.deliver(good), Err(CallbackError::NoFlowWaiting));
        let code = flow.await.unwrap().unwrap();
        assert_eq!(code.expose(), "GOOD");
    }

    #[tokio::test]
    async fn pasted_url_with_denial_ends_the_flow() {
        let redirect = Url::parse("https://example.com/").unwrap();
        let mut receiver = UrlReceiver::paste(redirect).with_timeout(Duration::from_secs(60));
        let inbox = receiver.inbox();
        let flow = tokio::spawn(async move { receiver.receive("st").await });
        let denied = "https://example.com/?error=access_denied&state=st";
        while inbox.deliver(denied) == Err(CallbackError::NoFlowWaiting) {
            tokio::task::yield_now().await;
        }
        let err = flow.await.unwrap().unwrap_err();
        assert!(matches!(err, ReceiveError::Denied { description: None }));
    }
}
