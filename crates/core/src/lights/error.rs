//! The lights model's error: an English message for the CLI and the logs, a stable `kind()` for
//! `hearth-cli`'s exit codes, and a [`crate::problem::Problem`] for the window (which has its own
//! words). Never a secret.

use std::path::PathBuf;
use std::time::Duration;

use hearth_secret::StoreError;

use crate::problem::Problem;

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
    #[error("the secret store failed: {0}")]
    SecretStoreFailed(String),
    #[error("Hearth is still starting")]
    Starting,
    #[error("this system has no home folder to keep Hearth's settings in: set HEARTH_CONFIG_DIR")]
    NoHomeFolder,
    #[error(
        "bridge {bridge_id} runs API {api_version}, older than CLIP v2 (API 1.46): update its \
         firmware in the Hue app, then pair again"
    )]
    FirmwareTooOld {
        bridge_id: String,
        api_version: String,
    },
    #[error("the bridge presented no certificate")]
    NoCertificate,
    /// A bridge that stays offline, as its connection reported it.
    #[error("{reason}")]
    Offline {
        problem: Box<Problem>,
        reason: String,
    },
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
            Self::Secrets(_) | Self::SecretStoreFailed(_) => "secret_store",
            Self::Config { .. } => "config",
            Self::Starting => "starting",
            Self::NoHomeFolder => "no_home_folder",
            Self::FirmwareTooOld { .. } => "firmware_too_old",
            Self::NoCertificate => "no_certificate",
            Self::Offline { .. } => "offline",
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
