//! The remote-access model's error: an English message for the CLI and the logs, a stable
//! `kind()` for `hearth-cli`'s exit codes, and a [`crate::problem::Problem`] for the window. Never
//! a token, a code, a client secret or a username: the errors it wraps are written the same way.

use std::path::PathBuf;

use hearth_oauth::OAuthError;
use hearth_oauth::TokenError;
use hearth_oauth::callback::CallbackError;
use hearth_oauth::receiver::ReceiveError;
use hearth_secret::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    #[error(
        "remote access needs the client id and secret of an app registered on the Hue developer \
         portal: enter them first"
    )]
    NotRegistered,
    #[error("{0}")]
    InvalidInput(String),
    #[error(transparent)]
    OAuth(#[from] OAuthError),
    #[error(transparent)]
    Token(#[from] TokenError),
    #[error(transparent)]
    Callback(#[from] CallbackError),
    #[error("no remote-access link is waiting for an answer: start one first")]
    NoLinkInProgress,
    #[error(transparent)]
    Hue(#[from] hearth_hue::Error),
    #[error("the bridge did not grant a username through the Hue cloud: {0}")]
    Username(String),
    #[error("linking was cancelled")]
    Cancelled,
    #[error("cannot keep the remote-access secrets: {0}")]
    Secrets(#[from] StoreError),
    #[error("cannot use {}: {reason}", path.display())]
    Config { path: PathBuf, reason: String },
    /// A link that failed in the background, as [`super::Remote::wait_link`] reports it.
    #[error("{message}")]
    LinkFailed {
        problem: Box<crate::problem::Problem>,
        kind: &'static str,
        message: String,
    },
}

impl RemoteError {
    /// A stable, machine-readable name.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::NotRegistered => "remote_not_registered",
            Self::InvalidInput(_) => "invalid_input",
            Self::OAuth(err) => oauth_kind(err),
            Self::Token(err) => match err {
                TokenError::NotLinked => "remote_not_linked",
                TokenError::RelinkNeeded | TokenError::Decode(_) => "remote_relink",
                TokenError::Persist(_) | TokenError::Load(_) => "secret_store",
                TokenError::Refresh(err) => oauth_kind(err),
                TokenError::Malformed | TokenError::Interrupted => "oauth",
            },
            Self::Callback(_) => "bad_callback",
            Self::NoLinkInProgress => "no_link_in_progress",
            Self::Hue(err) => err.kind(),
            Self::Username(_) => "link_button",
            Self::Cancelled => "cancelled",
            Self::Secrets(_) => "secret_store",
            Self::Config { .. } => "config",
            Self::LinkFailed { kind, .. } => kind,
        }
    }
}

fn oauth_kind(err: &OAuthError) -> &'static str {
    match err {
        OAuthError::Config(_) => "invalid_input",
        OAuthError::Receive(ReceiveError::Denied { .. }) => "denied",
        OAuthError::Receive(ReceiveError::TimedOut(_)) => "link_timeout",
        OAuthError::Receive(ReceiveError::Bind { .. }) => "port_busy",
        OAuthError::InvalidClient => "invalid_client",
        OAuthError::InvalidGrant => "remote_relink",
        OAuthError::Transport(_) => "unreachable",
        OAuthError::Receive(_) | OAuthError::Server(_) | OAuthError::BadReply => "oauth",
    }
}

impl From<hearth_hue::pairing::PairingError> for RemoteError {
    fn from(err: hearth_hue::pairing::PairingError) -> Self {
        use hearth_hue::pairing::PairingError;
        match err {
            PairingError::Cancelled => Self::Cancelled,
            PairingError::Bridge(err) => Self::Hue(err),
            err @ PairingError::TimedOut { .. } => Self::Username(err.to_string()),
        }
    }
}
