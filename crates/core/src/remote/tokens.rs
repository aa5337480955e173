//! The account's tokens as the Hue remote transport wants them: `hearth_oauth::TokenManager`
//! behind `hearth_hue::BearerSource`, so that `hearth-hue` knows nothing of OAuth. After every
//! call the remote view is recomputed, so that a renewal (a new expiry) or a refusal (needs
//! relink) shows without anyone asking.

use hearth_hue::BearerError;
use hearth_hue::transport::BoxFuture;
use hearth_oauth::{AccessToken, TokenError};
use hearth_secret::Secret;

use super::Remote;

pub(super) struct AccountTokens {
    remote: Remote,
}

impl std::fmt::Debug for AccountTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AccountTokens")
    }
}

impl AccountTokens {
    pub(super) fn new(remote: Remote) -> Self {
        Self { remote }
    }

    async fn get(&self, rejected: Option<&Secret>) -> Result<Secret, BearerError> {
        let Some(account) = self.remote.account() else {
            return Err(BearerError::NotLinked);
        };
        let token = match rejected {
            None => account.tokens.access_token().await,
            Some(rejected) => {
                let rejected = AccessToken::new(rejected.clone());
                account.tokens.after_unauthorized(&rejected).await
            }
        };
        self.remote.publish();
        token
            .map(|token| Secret::from(token.expose()))
            .map_err(bearer_error)
    }
}

/// The token manager's reasons, in the transport's terms (messages carry no token).
fn bearer_error(err: TokenError) -> BearerError {
    match err {
        TokenError::NotLinked => BearerError::NotLinked,
        TokenError::RelinkNeeded | TokenError::Decode(_) => BearerError::RelinkNeeded,
        TokenError::Refresh(err) => BearerError::Unavailable {
            transient: err.is_transient(),
            reason: err.to_string(),
        },
        // The store may answer again later (a keychain being unlocked).
        err @ (TokenError::Persist(_) | TokenError::Load(_)) => BearerError::Unavailable {
            reason: err.to_string(),
            transient: true,
        },
        err @ (TokenError::Malformed | TokenError::Interrupted) => BearerError::Unavailable {
            reason: err.to_string(),
            transient: false,
        },
    }
}

impl hearth_hue::BearerSource for AccountTokens {
    fn bearer(&self) -> BoxFuture<'_, Result<Secret, BearerError>> {
        Box::pin(self.get(None))
    }

    fn rejected<'a>(&'a self, token: &'a Secret) -> BoxFuture<'a, Result<Secret, BearerError>> {
        Box::pin(self.get(Some(token)))
    }
}
