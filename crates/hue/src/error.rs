//! The Hue client's error. Messages are written for the person using Hearth, never carry the app
//! key (reqwest errors are stripped of their URL, which holds the key in CLIP v1), and `kind()` is
//! a stable name for programs.

use std::time::Duration;

use crate::remote::BearerError;
use crate::tls::CertificateProblem;
use crate::v1::V1Error;

#[derive(Clone, Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot reach the bridge at {address}: {reason}")]
    Unreachable { address: String, reason: String },
    #[error("the bridge at {address} did not answer within {} s", after.as_secs_f32())]
    Timeout { address: String, after: Duration },
    #[error(transparent)]
    Certificate(#[from] CertificateProblem),
    #[error("the bridge does not accept Hearth's app key: pair with it again")]
    Unauthorized,
    #[error("the bridge has no {rtype} with id {id}")]
    NotFound { rtype: String, id: String },
    #[error("the bridge is busy (HTTP {status}) and still refused after {attempts} attempts")]
    Busy { status: u16, attempts: u32 },
    #[error("the bridge refused the request: {message}")]
    Rejected { status: u16, message: String },
    #[error("the bridge answered HTTP {status}: {message}")]
    Http { status: u16, message: String },
    #[error("the bridge sent something Hearth cannot read ({context}): {detail}")]
    Malformed { context: String, detail: String },
    #[error(transparent)]
    V1(#[from] V1Error),
    #[error("the link button on the bridge has not been pressed")]
    LinkButtonNotPressed,
    #[error("{what} is not available over this connection")]
    Unsupported { what: &'static str },
    #[error("{0:?} is not a bridge address (expected a host name or IP, with an optional :port)")]
    BadAddress(String),
    #[error("the bridge's event stream was silent for {} s", after.as_secs_f32())]
    StreamSilent { after: Duration },
    #[error("the connection to the bridge was closed")]
    Closed,
    /// No bearer token for the Hue cloud.
    #[error(transparent)]
    Remote(#[from] BearerError),
    #[error(
        "the Hue cloud refused Hearth's remote access token, even a renewed one: link remote \
         access again"
    )]
    RemoteRefused,
}

impl Error {
    /// A stable, machine-readable name.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Unreachable { .. } => "unreachable",
            Self::Timeout { .. } => "timeout",
            Self::Certificate(_) => "certificate",
            Self::Unauthorized => "unauthorized",
            Self::NotFound { .. } => "not_found",
            Self::Busy { .. } => "busy",
            Self::Rejected { .. } => "rejected",
            Self::Http { .. } => "http",
            Self::Malformed { .. } => "malformed",
            Self::V1(err) if err.code == crate::v1::V1ErrorCode::LinkButtonNotPressed => {
                "link_button"
            }
            Self::V1(_) => "v1",
            Self::LinkButtonNotPressed => "link_button",
            Self::Unsupported { .. } => "unsupported",
            Self::BadAddress(_) => "bad_address",
            Self::StreamSilent { .. } => "stream_silent",
            Self::Closed => "closed",
            Self::Remote(BearerError::NotLinked) => "remote_not_linked",
            Self::Remote(BearerError::RelinkNeeded) | Self::RemoteRefused => "remote_relink",
            Self::Remote(BearerError::Unavailable { .. }) => "remote_token",
        }
    }

    pub(crate) fn malformed(context: impl Into<String>, detail: impl ToString) -> Self {
        Self::Malformed {
            context: context.into(),
            detail: detail.to_string(),
        }
    }

    /// Whether trying again later may succeed (the bridge was busy or away), as opposed to a
    /// refusal that will not change by itself.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Unreachable { .. }
            | Self::Timeout { .. }
            | Self::Busy { .. }
            | Self::StreamSilent { .. }
            | Self::Closed => true,
            Self::Http { status, .. } => *status >= 500,
            Self::Remote(BearerError::Unavailable { transient, .. }) => *transient,
            _ => false,
        }
    }
}
