//! The lights model's error: a message for the user and a stable `kind()` for the shell (which
//! serializes both as `{kind, message}`) and for `hearth-cli`'s exit codes. Never a secret.

use std::path::PathBuf;
use std::time::Duration;

use hearth_secret::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum LightsError {
    #[error(transparent)]
    Hue(#[from] hearth_hue::Error),
    #[error(
        "the link button was not pressed within {} s: press the round button on top of the \
         bridge, then pair again",
        .0.as_secs()
    )]
    ButtonNotPressed(Duration),
    #[error("pairing was cancelled")]
    Cancelled,
    #[error("no bridge is paired yet: pair one first")]
    NoBridge,
    #[error("no paired bridge matches {0:?}")]
    UnknownBridge(String),
    #[error("bridge {0} is not connected yet")]
    NotConnected(String),
    #[error("nothing is called {0:?}")]
    NotFound(String),
    #[error("{query:?} could be any of: {}", candidates.join(", "))]
    Ambiguous {
        query: String,
        candidates: Vec<String>,
    },
    #[error("cannot keep the app key: {0}")]
    Secrets(#[from] StoreError),
    #[error("cannot use {}: {reason}", path.display())]
    Config { path: PathBuf, reason: String },
    #[error("{0}")]
    Unsupported(String),
    #[error(transparent)]
    Remote(#[from] crate::remote::RemoteError),
}

impl LightsError {
    /// A stable, machine-readable name.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Hue(err) => err.kind(),
            Self::ButtonNotPressed(_) => "button_not_pressed",
            Self::Cancelled => "cancelled",
            Self::NoBridge => "no_bridge",
            Self::UnknownBridge(_) => "unknown_bridge",
            Self::NotConnected(_) => "not_connected",
            Self::NotFound(_) => "not_found",
            Self::Ambiguous { .. } => "ambiguous",
            Self::Secrets(_) => "secret_store",
            Self::Config { .. } => "config",
            Self::Unsupported(_) => "unsupported",
            Self::Remote(err) => err.kind(),
        }
    }
}

impl From<hearth_hue::pairing::PairingError> for LightsError {
    fn from(err: hearth_hue::pairing::PairingError) -> Self {
        use hearth_hue::pairing::PairingError;
        match err {
            PairingError::TimedOut { waited } => Self::ButtonNotPressed(waited),
            PairingError::Cancelled => Self::Cancelled,
            PairingError::Bridge(err) => Self::Hue(err),
        }
    }
}
