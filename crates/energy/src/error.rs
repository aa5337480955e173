//! Why a data call failed, in the terms the app acts on.

use std::time::Duration;

/// A data call's failure. hearth-proxy's `reason` codes map one to one; the rest is the way
/// there.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DataError {
    /// The consent does not cover this meter (or was withdrawn): the user must link again.
    #[error("the consent does not cover this meter; link it again")]
    NoConsent,
    /// The account that consented is not the meter's holder.
    #[error("the account that consented does not hold this meter's contract")]
    NotHolder,
    /// The range starts before the meter's activation (or the consent's start).
    #[error("the range starts before the meter's activation")]
    BeforeActivation,
    /// A range Enedis refuses (too long, in the future, older than it keeps).
    #[error("Enedis refused the range")]
    BadRange,
    /// Nothing for this period (not published yet, or a meter that does not produce).
    #[error("no data for this period")]
    NoData,
    /// The proxy's application lacks this Enedis API.
    #[error("the proxy is not subscribed to this Enedis API")]
    NotSubscribed,
    /// Enedis throttled the proxy's application: try again after the delay.
    #[error("Enedis's quota is spent; retry in {} s", retry_after.as_secs())]
    Quota { retry_after: Duration },
    /// Enedis is down or unreachable: try again after the delay.
    #[error("Enedis is unavailable; retry in {} s", retry_after.as_secs())]
    Outage { retry_after: Duration },
    /// The link's tokens were refused and could not be renewed: the user must link again.
    #[error("the link was refused; link the meter again")]
    Unauthorized,
    /// The meter's saved tokens could not be read or saved (a locked keychain): the link itself
    /// may be fine, try again once the store answers.
    #[error("the meter's saved link could not be read or saved: {0}")]
    Keychain(String),
    /// The proxy could not be reached, or answered something that is not the API.
    #[error("the energy proxy could not be reached: {0}")]
    Transport(String),
    /// An answer that does not read as the v5 shape.
    #[error("the energy proxy's answer could not be read: {0}")]
    Malformed(String),
}

impl DataError {
    /// How long to wait before asking again, for a quota or an outage (`None`: asking again
    /// will not help until something changes).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Quota { retry_after } | Self::Outage { retry_after } => Some(*retry_after),
            _ => None,
        }
    }
}
