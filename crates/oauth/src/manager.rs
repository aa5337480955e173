//! Keeping a link alive: the token set in a secret store, a valid access token for whoever asks,
//! refreshed ahead of expiry and after a 401.
//!
//! - **Single flight.** Refreshes are serialised by one async mutex, and each caller re-checks
//!   the token after taking it: a hundred callers holding an expired token cause one refresh, and
//!   the ninety-nine others get its result.
//! - **Rotation, safely.** A refresh answers with a new refresh token (the Hue cloud rotates on
//!   every refresh). The new set is written to the store *before* its access token is handed out,
//!   so a crash between the two cannot leave the store holding a refresh token that the server has
//!   already retired because the new one was used. If the write fails, nothing is lost: the store
//!   still has the old set, the new one waits in memory (not used) and is written again on the
//!   next call, and the caller gets the old access token while it is still valid, or the store's
//!   error. A server that keeps the old refresh token valid until its successor is used (as the
//!   Hue cloud simulator does) then still accepts the stored one after a restart. A refresh runs
//!   in a task of its own, so a caller that gives up half-way does not lose what the server issued.
//! - **Several processes.** Before renewing, the store is read again: a set another process
//!   renewed (the CLI beside the app) is used instead, rather than renewing with a refresh token
//!   the server may have retired.
//! - **Two questions.** A valid token ([`TokenManager::access_token`]), or after a 401 one other
//!   than the token refused ([`TokenManager::after_unauthorized`]): all a transport needs to ask,
//!   so that it knows nothing of stores or keychains.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use hearth_secret::{Secret, SecretStore, StoreError};

use crate::client::OAuthClient;
use crate::error::OAuthError;
use crate::tokens::{DecodeError, TokenSet};

/// Refresh this long before the access token expires, so that a request never leaves with a
/// token about to die in flight.
const REFRESH_MARGIN: Duration = Duration::from_secs(300);

/// A bearer token, for one request.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct AccessToken(Secret);

impl AccessToken {
    pub fn new(token: Secret) -> Self {
        Self(token)
    }

    /// The token, for the `Authorization: Bearer …` header and nothing else.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }

    /// `Bearer <token>`, marked sensitive so that HTTP logging layers leave it out.
    pub fn authorization_header(&self) -> Result<http::HeaderValue, TokenError> {
        let mut value = http::HeaderValue::from_str(&format!("Bearer {}", self.0.expose()))
            .map_err(|_| TokenError::Malformed)?;
        value.set_sensitive(true);
        Ok(value)
    }
}

/// Why no access token can be had.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("not linked: link remote access first")]
    NotLinked,
    #[error("the link has expired or was revoked: link remote access again")]
    RelinkNeeded,
    #[error("the access token cannot be sent in a header")]
    Malformed,
    #[error("could not renew the remote access token: {0}")]
    Refresh(#[source] OAuthError),
    #[error("could not save the renewed remote access token ({0}); the previous one is kept")]
    Persist(#[source] StoreError),
    #[error("could not read the saved remote access token: {0}")]
    Load(#[source] StoreError),
    #[error(transparent)]
    Decode(#[from] DecodeError),
    #[error("the renewal of the remote access token was interrupted")]
    Interrupted,
}

/// What the user sees about the link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkStatus {
    NotLinked,
    Linked {
        expires_at: Option<SystemTime>,
    },
    /// Refreshing failed in a way only a new link can fix.
    NeedsRelink,
    /// Renewed, but the new tokens could not be saved yet (the old ones still work).
    SaveFailed,
}

#[derive(Default)]
struct State {
    current: Option<TokenSet>,
    /// Refreshed but not yet saved: not handed out until it is.
    unsaved: Option<TokenSet>,
    /// The current access token was refused by the server.
    rejected: bool,
    needs_relink: bool,
    loaded: bool,
}

/// Hands out valid access tokens for one link, kept in a [`SecretStore`] under one name.
pub struct TokenManager {
    inner: Arc<Inner>,
}

struct Inner {
    client: OAuthClient,
    store: Arc<dyn SecretStore>,
    name: String,
    state: Mutex<State>,
    refreshing: tokio::sync::Mutex<()>,
}

impl fmt::Debug for TokenManager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenManager")
            .field("name", &self.inner.name)
            .field("store", &self.inner.store.kind())
            .field("status", &self.status())
            .finish_non_exhaustive()
    }
}

impl TokenManager {
    /// A manager for the tokens stored under `name` (read on first use).
    pub fn new(client: OAuthClient, store: Arc<dyn SecretStore>, name: impl Into<String>) -> Self {
        let inner = Inner {
            client,
            store,
            name: name.into(),
            state: Mutex::default(),
            refreshing: tokio::sync::Mutex::new(()),
        };
        Self {
            inner: Arc::new(inner),
        }
    }

    pub fn status(&self) -> LinkStatus {
        self.inner.status()
    }

    /// Stores the tokens of a new link, replacing any previous one.
    pub async fn save_new_link(&self, tokens: TokenSet) -> Result<(), TokenError> {
        self.inner.save_new_link(tokens).await
    }

    /// Forgets the link, in the store and here.
    pub async fn unlink(&self) -> Result<(), TokenError> {
        self.inner.unlink().await
    }

    /// Loads the stored tokens now (to show the status before any request).
    pub async fn load(&self) -> Result<LinkStatus, TokenError> {
        self.inner.load().await
    }

    /// A valid access token, refreshed first if it expires within the margin.
    pub async fn access_token(&self) -> Result<AccessToken, TokenError> {
        if let Some(token) = self.inner.usable(None) {
            return Ok(token);
        }
        self.refresh(None).await
    }

    /// After a 401 with `rejected`: a different, fresh token.
    pub async fn after_unauthorized(
        &self,
        rejected: &AccessToken,
    ) -> Result<AccessToken, TokenError> {
        // At once, so that callers arriving during the refresh no longer get it.
        self.inner.mark_rejected(rejected);
        self.refresh(Some(rejected.clone())).await
    }

    /// Refreshes in a task of its own: a caller that gives up (a timeout, a closed window) must
    /// not lose tokens the server has issued before they are saved, since a rotating server may
    /// already have retired the stored refresh token.
    async fn refresh(&self, rejected: Option<AccessToken>) -> Result<AccessToken, TokenError> {
        let inner = Arc::clone(&self.inner);
        let renewal = tokio::spawn(async move { inner.refresh(rejected.as_ref()).await });
        match renewal.await {
            Ok(result) => result,
            Err(err) if err.is_panic() => std::panic::resume_unwind(err.into_panic()),
            // Only when the runtime shuts down.
            Err(_) => Err(TokenError::Interrupted),
        }
    }
}

impl Inner {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn status(&self) -> LinkStatus {
        let state = self.state();
        if state.needs_relink {
            LinkStatus::NeedsRelink
        } else if state.unsaved.is_some() {
            LinkStatus::SaveFailed
        } else {
            match &state.current {
                Some(tokens) => LinkStatus::Linked {
                    expires_at: tokens.expires_at,
                },
                None => LinkStatus::NotLinked,
            }
        }
    }

    async fn save_new_link(&self, tokens: TokenSet) -> Result<(), TokenError> {
        let _refreshing = self.refreshing.lock().await;
        self.write(&tokens).await.map_err(TokenError::Persist)?;
        let mut state = self.state();
        *state = State {
            current: Some(tokens),
            loaded: true,
            ..State::default()
        };
        Ok(())
    }

    async fn unlink(&self) -> Result<(), TokenError> {
        let _refreshing = self.refreshing.lock().await;
        let store = Arc::clone(&self.store);
        let name = self.name.clone();
        run_blocking(move || store.delete(&name))
            .await
            .map_err(TokenError::Persist)?;
        *self.state() = State {
            loaded: true,
            ..State::default()
        };
        Ok(())
    }

    /// Stops handing out `rejected` if it is the current token, even as a fallback.
    fn mark_rejected(&self, rejected: &AccessToken) {
        let mut state = self.state();
        if state
            .current
            .as_ref()
            .is_some_and(|tokens| tokens.access_token == rejected.0)
        {
            state.rejected = true;
        }
    }

    /// The current token if it can be handed out as is.
    fn usable(&self, rejected: Option<&AccessToken>) -> Option<AccessToken> {
        let state = self.state();
        let tokens = state.current.as_ref()?;
        let fresh = !state.rejected
            && state.unsaved.is_none()
            && !tokens.expires_within(REFRESH_MARGIN, SystemTime::now())
            && rejected.is_none_or(|r| r.0 != tokens.access_token);
        fresh.then(|| AccessToken(tokens.access_token.clone()))
    }

    async fn refresh(&self, rejected: Option<&AccessToken>) -> Result<AccessToken, TokenError> {
        let _refreshing = self.refreshing.lock().await;
        self.reload().await?;
        // Again: a token refused before the store was read may be the one just loaded.
        if let Some(rejected) = rejected {
            self.mark_rejected(rejected);
        }
        // Someone else may have refreshed while this caller waited for the lock.
        if let Some(token) = self.usable(rejected) {
            return Ok(token);
        }
        if let Some(token) = self.save_unsaved().await? {
            return Ok(token);
        }

        let (refresh_token, old) = {
            let state = self.state();
            let Some(current) = state.current.clone() else {
                return Err(TokenError::NotLinked);
            };
            if state.needs_relink {
                return Err(TokenError::RelinkNeeded);
            }
            (current.refresh_token.clone(), current)
        };
        let Some(refresh_token) = refresh_token else {
            self.state().needs_relink = true;
            return Err(TokenError::RelinkNeeded);
        };

        tracing::info!("renewing the access token for {}", self.name);
        let fresh = match self.client.refresh(&refresh_token).await {
            Ok(fresh) => fresh,
            Err(OAuthError::InvalidGrant) => {
                self.state().needs_relink = true;
                return Err(TokenError::RelinkNeeded);
            }
            Err(err) => return self.fall_back(&old, TokenError::Refresh(err)),
        };
        match self.write(&fresh).await {
            Ok(()) => {
                let token = AccessToken(fresh.access_token.clone());
                let mut state = self.state();
                state.current = Some(fresh);
                state.rejected = false;
                Ok(token)
            }
            Err(err) => {
                tracing::warn!(
                    "could not save the renewed tokens for {} ({err}); keeping them in memory \
                     and the previous ones in the store",
                    self.name
                );
                self.state().unsaved = Some(fresh);
                self.fall_back(&old, TokenError::Persist(err))
            }
        }
    }

    /// The old access token if it still works, else `err`.
    fn fall_back(&self, old: &TokenSet, err: TokenError) -> Result<AccessToken, TokenError> {
        let state = self.state();
        let still_valid = !state.rejected && !old.expires_within(Duration::ZERO, SystemTime::now());
        if still_valid {
            tracing::warn!("{err}; using the current access token until it expires");
            Ok(AccessToken(old.access_token.clone()))
        } else {
            Err(err)
        }
    }

    /// Writes tokens refreshed earlier whose write failed. `Some` once they are saved and in use.
    async fn save_unsaved(&self) -> Result<Option<AccessToken>, TokenError> {
        let Some(unsaved) = self.state().unsaved.clone() else {
            return Ok(None);
        };
        match self.write(&unsaved).await {
            Ok(()) => {
                let token = AccessToken(unsaved.access_token.clone());
                let mut state = self.state();
                state.current = Some(unsaved);
                state.unsaved = None;
                state.rejected = false;
                Ok(Some(token))
            }
            Err(err) => {
                let old = self.state().current.clone();
                match old {
                    Some(old) => self.fall_back(&old, TokenError::Persist(err)).map(Some),
                    None => Err(TokenError::Persist(err)),
                }
            }
        }
    }

    /// Reads the store, again after the first time: another process sharing it (the CLI beside
    /// the app) may have renewed or unlinked since, and with a rotating server the refresh token
    /// held here may already be retired. What the store holds then replaces what is held here.
    async fn reload(&self) -> Result<(), TokenError> {
        let loaded = self.state().loaded;
        let store = Arc::clone(&self.store);
        let name = self.name.clone();
        let stored = match run_blocking(move || store.get(&name)).await {
            Ok(stored) => stored,
            Err(err) if loaded => {
                tracing::warn!(
                    "could not read the saved tokens for {} again ({err}); using the ones in memory",
                    self.name
                );
                return Ok(());
            }
            Err(err) => return Err(TokenError::Load(err)),
        };
        let stored = stored.as_ref().map(TokenSet::decode).transpose()?;
        let mut state = self.state();
        // Tokens whose write failed are not in the store yet: the store is then as this process
        // left it, and they wait for their write.
        if !loaded || state.current != stored {
            if loaded {
                tracing::info!(
                    "the tokens for {} changed in the store: using them",
                    self.name
                );
            }
            *state = State {
                current: stored,
                loaded: true,
                ..State::default()
            };
        }
        Ok(())
    }

    async fn load(&self) -> Result<LinkStatus, TokenError> {
        let _refreshing = self.refreshing.lock().await;
        self.reload().await?;
        Ok(self.status())
    }

    async fn write(&self, tokens: &TokenSet) -> Result<(), StoreError> {
        let store = Arc::clone(&self.store);
        let name = self.name.clone();
        let encoded = tokens.encode();
        run_blocking(move || store.put(&name, &encoded)).await
    }
}

/// Runs a store call off the async threads (keychains block on D-Bus or the OS).
async fn run_blocking<T: Send + 'static>(
    call: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(call).await.unwrap_or_else(|_| {
        Err(StoreError::Keychain(
            "the store call was interrupted".into(),
        ))
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::{Duration, SystemTime};

    use hearth_secret::{MemoryStore, Secret, SecretStore};
    use url::Url;

    use super::{AccessToken, TokenError, TokenManager};
    use crate::{ClientAuth, OAuthClient, OAuthConfig, TokenSet};

    const NAME: &str = "test/tokens";

    /// A client whose token endpoint refuses connections: every renewal fails as if the network
    /// were down (a transient failure, after which the current token is used while it is valid).
    fn client_without_server() -> OAuthClient {
        let closed = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let base = Url::parse(&format!("http://{closed}/")).unwrap();
        let config =
            OAuthConfig::hue(&base, "client", Secret::from("secret"), ClientAuth::Basic).unwrap();
        OAuthClient::new(config).unwrap()
    }

    /// A token refused before this manager read the store (one handed out by an earlier manager
    /// of the same entry, as when the registration is saved again) is not handed back when
    /// renewing fails.
    #[tokio::test]
    async fn a_token_refused_before_loading_is_never_handed_back() {
        // Valid for two more minutes: within the margin, so asking for it tries to renew it.
        let stored = TokenSet {
            access_token: Secret::from("AT"),
            refresh_token: Some(Secret::from("RT")),
            expires_at: Some(SystemTime::now() + Duration::from_secs(120)),
        };
        let store: Arc<dyn SecretStore> = Arc::new(MemoryStore::default());
        store.put(NAME, &stored.encode()).unwrap();

        // Not refused: renewing fails, and the token is used while it is valid.
        let manager = TokenManager::new(client_without_server(), Arc::clone(&store), NAME);
        assert_eq!(manager.access_token().await.unwrap().expose(), "AT");

        let manager = TokenManager::new(client_without_server(), store, NAME);
        let refused = AccessToken::new(Secret::from("AT"));
        let err = manager.after_unauthorized(&refused).await.unwrap_err();
        assert!(matches!(err, TokenError::Refresh(_)), "{err:?}");
    }
}
