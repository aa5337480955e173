//! Linking a meter: the device flow (RFC 8628) against the proxy's `/device/code` and
//! `/device/token`. The user approves on the proxy's page and Enedis's consent page in any
//! browser; the proxy tells which meter (PRM) the consent covers in the token response's
//! `usage_point_id`, and the tokens go to the secret store under that meter.
//!
//! What the app shows while waiting is in [`PendingLink`] (the code, the page with the code
//! filled in, the expiry) and in each [`LinkProgress`]; how it ends is a [`LinkedMeter`] or a
//! [`LinkError`] whose variants tell a refusal, an expired code and a cancellation apart, all
//! three to be retried by starting again.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use hearth_oauth::device::{
    DeviceAuthorization, DeviceConfig, DeviceError, DeviceFlow, DeviceProgress,
};
use hearth_oauth::{ClientAuth, OAuthError, TokenError};
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::proxy::{ConfigError, is_prm};
use crate::tokens::MeterTokens;

/// The token response's field naming the meter a grant covers (hearth-proxy's, and the seed
/// proxy's before it).
const METER_FIELD: &str = "usage_point_id";

/// The token response's field telling the consent's last day (`YYYY-MM-DD`), from hearth-proxy
/// in Enedis mode; other proxies may not send it.
const CONSENT_END_FIELD: &str = "consent_expires_at";

/// Links meters through the proxy of `tokens`, and keeps their tokens there.
#[derive(Debug)]
pub struct Linker {
    flow: DeviceFlow,
    tokens: Arc<MeterTokens>,
}

/// A link waiting for the user: what to show them.
pub struct PendingLink {
    authorization: DeviceAuthorization,
    expires_at: SystemTime,
}

impl fmt::Debug for PendingLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `DeviceAuthorization`'s own Debug leaves the device code out.
        f.debug_struct("PendingLink")
            .field("authorization", &self.authorization)
            .finish_non_exhaustive()
    }
}

impl PendingLink {
    /// The code the user checks on the proxy's page (`BCDF-GHJK`).
    pub fn user_code(&self) -> &str {
        &self.authorization.user_code
    }

    /// The code entry page.
    pub fn verification_uri(&self) -> &Url {
        &self.authorization.verification_uri
    }

    /// The page with the code filled in: what the app opens in the system browser and puts in
    /// a QR code (the entry page if the proxy offers no such link).
    pub fn verification_uri_complete(&self) -> &Url {
        self.authorization
            .verification_uri_complete
            .as_ref()
            .unwrap_or(&self.authorization.verification_uri)
    }

    /// When the code stops working, for a countdown.
    pub fn expires_at(&self) -> SystemTime {
        self.expires_at
    }

    /// How long the code has left.
    pub fn expires_in(&self) -> Duration {
        self.authorization
            .expires_at()
            .saturating_duration_since(std::time::Instant::now())
    }

    /// How often the proxy is asked whether the user has finished.
    pub fn poll_interval(&self) -> Duration {
        self.authorization.interval
    }
}

/// Where a link stands after each question to the proxy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkProgress {
    /// The user has not finished yet.
    Waiting { expires_in: Duration },
    /// The proxy asked the app to ask less often.
    SlowedDown {
        interval: Duration,
        expires_in: Duration,
    },
    /// The proxy could not be reached; asking again in `next_try_in`.
    Retrying {
        next_try_in: Duration,
        expires_in: Duration,
    },
}

impl From<DeviceProgress> for LinkProgress {
    fn from(progress: DeviceProgress) -> Self {
        match progress {
            DeviceProgress::Pending { expires_in, .. } => Self::Waiting { expires_in },
            DeviceProgress::SlowedDown {
                interval,
                expires_in,
                ..
            } => Self::SlowedDown {
                interval,
                expires_in,
            },
            DeviceProgress::Retrying {
                next_poll_in,
                expires_in,
                ..
            } => Self::Retrying {
                next_try_in: next_poll_in,
                expires_in,
            },
        }
    }
}

/// A meter linked: its tokens are in the secret store under [`crate::token_entry`]`(prm)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedMeter {
    /// The meter (PRM, 14 digits), as the proxy bound the tokens to it.
    pub prm: String,
    /// The consent's last day, when the proxy tells it (a consent lasts up to 3 years).
    pub consent_end: Option<jiff::civil::Date>,
}

/// Why a link did not complete. Messages carry no code and no token.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    /// The user refused (on the proxy's page or Enedis's).
    #[error("the link was refused")]
    Refused,
    /// The code expired before the user finished.
    #[error("the code expired before the link was approved")]
    Expired,
    /// The app stopped waiting.
    #[error("the link was cancelled")]
    Cancelled,
    /// The proxy does not know the client id set for it.
    #[error("the proxy does not know this client id; check the energy settings")]
    UnknownClient,
    #[error("the proxy could not be reached ({0})")]
    Unreachable(String),
    /// An RFC 6749/8628 error the proxy answered (`invalid_grant`, …), as a code.
    #[error("the proxy answered with the error `{0}`")]
    Proxy(String),
    #[error("the proxy's answer could not be understood")]
    BadReply,
    /// Approved, but the answer names no single meter (or not as a PRM).
    #[error("the proxy's answer did not name the meter the link covers")]
    NoMeter,
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Approved, but the tokens could not be kept: link again once the keychain answers.
    #[error("the link's tokens could not be saved: {0}")]
    Save(String),
}

impl LinkError {
    /// Whether starting the link again is what the user should be offered (every outcome but
    /// wrong settings).
    pub fn can_retry(&self) -> bool {
        !matches!(self, Self::UnknownClient | Self::Config(_))
    }
}

impl From<OAuthError> for LinkError {
    fn from(err: OAuthError) -> Self {
        match err {
            OAuthError::InvalidClient => Self::UnknownClient,
            OAuthError::Transport(err) => Self::Unreachable(err.to_string()),
            OAuthError::Server(code) => Self::Proxy(code),
            OAuthError::InvalidGrant => Self::Proxy("invalid_grant".to_owned()),
            OAuthError::Config(_) | OAuthError::Receive(_) | OAuthError::BadReply => Self::BadReply,
        }
    }
}

impl From<DeviceError> for LinkError {
    fn from(err: DeviceError) -> Self {
        match err {
            DeviceError::Denied => Self::Refused,
            DeviceError::Expired => Self::Expired,
            DeviceError::Cancelled => Self::Cancelled,
            DeviceError::Server(code) if code == "invalid_client" => Self::UnknownClient,
            DeviceError::Server(code) => Self::Proxy(code),
            DeviceError::BadReply => Self::BadReply,
            DeviceError::Start(err) => err.into(),
        }
    }
}

impl Linker {
    /// A linker for the proxy of `tokens`, over `http` (build it with [`crate::http_client`]).
    pub fn new(tokens: Arc<MeterTokens>, http: reqwest::Client) -> Result<Self, ConfigError> {
        let config = tokens.config();
        let mut device = DeviceConfig::new(
            config.client_id(),
            config.route("device/code")?,
            config.route("device/token")?,
        );
        device.auth = ClientAuth::None;
        Ok(Self {
            flow: DeviceFlow::with_http(device, http),
            tokens,
        })
    }

    pub fn tokens(&self) -> &Arc<MeterTokens> {
        &self.tokens
    }

    /// Asks the proxy for a code: show it, and open [`PendingLink::verification_uri_complete`].
    pub async fn start(&self) -> Result<PendingLink, LinkError> {
        let authorization = self.flow.start().await?;
        let expires_at = SystemTime::now() + authorization.expires_in;
        Ok(PendingLink {
            authorization,
            expires_at,
        })
    }

    /// Waits for the user's answer (until approved, refused, expired, or `cancel` fires), then
    /// keeps the tokens under the meter the proxy names.
    pub async fn finish(
        &self,
        pending: &PendingLink,
        cancel: &CancellationToken,
        mut progress: impl FnMut(LinkProgress) + Send,
    ) -> Result<LinkedMeter, LinkError> {
        let grant = self
            .flow
            .wait_for_grant(&pending.authorization, cancel, |event| {
                progress(event.into());
            })
            .await?;
        let prm = grant
            .field(METER_FIELD)
            .filter(|prm| is_prm(prm))
            .ok_or(LinkError::NoMeter)?
            .to_owned();
        // Unreadable, it is left unknown: the link itself is good.
        let consent_end = grant
            .field(CONSENT_END_FIELD)
            .and_then(|day| hearth_metering::paris::parse_date(day).ok());
        self.tokens
            .save(&prm, grant.tokens)
            .await
            .map_err(|err| match err {
                // The store's own words: the token manager's speak of remote access.
                TokenError::Persist(err) | TokenError::Load(err) => {
                    LinkError::Save(err.to_string())
                }
                other => LinkError::Save(other.to_string()),
            })?;
        tracing::info!("an energy meter was linked");
        Ok(LinkedMeter { prm, consent_end })
    }
}
