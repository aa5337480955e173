//! What went wrong, as a window shows it: a kind and the parameters its sentence needs, never a
//! sentence. The UI writes the words, one catalogue per language, keyed by the kind; the CLI and
//! the logs use the errors' own English `Display`. What no catalogue can translate (an operating
//! system's error, a bridge's or a server's own words) travels as `detail`, shown as it is.
//!
//! Every error the app can hand the UI becomes a [`Problem`] here, with a `match` on its variants:
//! a new variant in a lower crate does not compile until it has a kind.

use hearth_hue::Fingerprint;
use hearth_hue::remote::BearerError;
use hearth_hue::tls::CertificateProblem;
use hearth_oauth::callback::CallbackError;
use hearth_oauth::receiver::ReceiveError;
use hearth_oauth::{OAuthError, TokenError};
use serde::Serialize;

use crate::lights::LightsError;
use crate::remote::RemoteError;
use crate::settings::SettingsError;

/// See the module documentation. Serialized as `{"kind": "not_found", "name": "Attic"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Problem {
    // Reaching a bridge.
    Unreachable {
        address: String,
        detail: String,
    },
    Timeout {
        address: String,
        after_ms: u32,
    },
    /// A pinned bridge presents another certificate.
    CertificateChanged {
        bridge_id: String,
        pinned: Fingerprint,
        found: Fingerprint,
    },
    /// The certificate names another bridge than the one expected.
    WrongBridge {
        expected: String,
        found: String,
    },
    /// Neither signed by the Hue bridge authority nor pinned.
    CertificateUntrusted {
        found: Fingerprint,
    },
    CertificateUnreadable {
        detail: String,
    },
    /// The bridge no longer accepts the app key.
    Unauthorized,
    /// The bridge has no such resource (any more).
    ResourceGone {
        resource: String,
        id: String,
    },
    Busy {
        status: u16,
        attempts: u32,
    },
    Rejected {
        status: u16,
        detail: String,
    },
    Http {
        status: u16,
        detail: String,
    },
    Malformed {
        context: String,
        detail: String,
    },
    /// A CLIP v1 error, in the bridge's words.
    BridgeError {
        detail: String,
    },
    /// The link button was not pressed (one attempt).
    LinkButton,
    /// Not available over this connection (the Hue cloud cannot do everything the LAN can).
    NotAvailable {
        what: String,
    },
    BadAddress {
        address: String,
    },
    StreamSilent {
        after_ms: u32,
    },
    Closed,
    RemoteNotLinked,
    /// Remote access expired or was revoked: link again.
    RemoteRelink,
    RemoteToken {
        detail: String,
    },

    // The lights model.
    /// Pairing waited this long for the link button.
    ButtonNotPressed {
        seconds: u32,
    },
    Cancelled,
    NoBridge,
    UnknownBridge {
        bridge: String,
    },
    NotConnected {
        bridge: String,
    },
    NotFound {
        name: String,
    },
    Ambiguous {
        query: String,
        candidates: Vec<String>,
    },
    SecretStore {
        detail: String,
    },
    Config {
        path: String,
        detail: String,
    },
    /// The app has not opened the lights yet.
    Starting,
    /// No home folder to keep settings in (and no `HEARTH_CONFIG_DIR`).
    NoHomeFolder,
    /// The demo (`hearth-demo`) is not running.
    DemoNotRunning,
    /// The demo's simulated bridge or cloud failed.
    DemoFailed {
        detail: String,
    },
    /// The bridge's firmware is older than CLIP v2.
    FirmwareTooOld {
        bridge_id: String,
        api_version: String,
    },
    NoCertificate,

    // Remote access.
    RemoteNotRegistered,
    InvalidInput {
        detail: String,
    },
    /// The user (or the provider) refused the sign-in.
    Denied {
        detail: Option<String>,
    },
    LinkTimeout {
        seconds: u32,
    },
    PortBusy {
        port: u16,
    },
    InvalidClient,
    /// The sign-in service (the Hue cloud) could not be reached.
    CloudUnreachable {
        detail: String,
    },
    #[serde(rename = "oauth")]
    OAuth {
        detail: String,
    },
    /// A pasted address or a link that is not the sign-in's answer; `parameter` names the
    /// query parameter at fault, when one is.
    BadCallback {
        reason: CallbackProblem,
        parameter: Option<String>,
    },
    NoLinkInProgress,
    /// The bridge did not grant a username through the cloud.
    RemoteUsername {
        detail: String,
    },

    // Energy (a meter's data through hearth-proxy).
    /// No `hearth-proxy` is configured yet: the screen says how to get one.
    EnergyNoProxy,
    /// The energy proxy could not be reached, or answered something that is not its API.
    EnergyProxyUnreachable {
        detail: String,
    },
    /// The consent does not cover the meter (any more): link it again.
    EnergyNoConsent,
    /// The account that consented does not hold the meter's contract.
    EnergyNotHolder,
    /// The range asked starts before the meter's activation (`YYYY-MM-DD` when known).
    EnergyBeforeActivation {
        activation: Option<String>,
    },
    /// Enedis is unavailable; Hearth tries again at `retry_at` (an instant, RFC 3339).
    EnergyOutage {
        retry_at: String,
    },
    /// Enedis's quota for the proxy is spent; Hearth tries again at `retry_at`.
    EnergyQuota {
        retry_at: String,
    },
    /// The offer or off-peak windows typed were refused: `reason` says what, `period` whose
    /// price, `value` what was typed (the screen shows it next to its field); `detail` is the
    /// same in English, for the CLI and the logs.
    EnergyOffer {
        detail: String,
        reason: crate::energy::costs::OfferReason,
        period: Option<hearth_tariff::Period>,
        value: Option<String>,
    },
    /// Regulated prices depend on the subscribed power, which the meter's contract has not
    /// given yet (it comes with the first sync).
    EnergyNoSubscribedPower,
    /// No day of the last 12 months has a complete load curve to compare offers on.
    EnergyNothingToCompare,

    // Settings.
    /// The energy proxy's address or client id was refused.
    ProxySetting {
        reason: ProxyProblem,
    },

    // The shell's global shortcuts.
    /// Another application holds this key combination (`shortcut` as the user typed it).
    HotkeyTaken {
        shortcut: String,
    },
    /// Hearth already binds this combination to another action.
    HotkeyBound {
        shortcut: String,
    },
    /// Not a combination Hearth binds: a key that types, without Ctrl, Alt or Super, would stop
    /// typing everywhere.
    HotkeyInvalid {
        shortcut: String,
    },
    /// The desktop session gives applications no global shortcuts (Wayland), or no display.
    HotkeysUnavailable,

    // The shell.
    Browser {
        detail: String,
    },
    /// Launching at login could not be read or changed (the system's login items).
    LaunchAtLogin {
        detail: String,
    },
    Internal {
        detail: String,
    },
}

/// Why the energy proxy typed was refused (`crate::settings::SettingsError`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ProxyProblem {
    /// Not a whole web address.
    Malformed,
    /// Plain http to another computer.
    NotHttps,
    /// Neither http nor https.
    Scheme,
    /// A user name or password in the address.
    Credentials,
    NoClientId,
}

/// Why an address was not taken as the sign-in's answer (`hearth_oauth::callback::CallbackError`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum CallbackProblem {
    TooLong,
    /// Not a whole web address.
    Malformed,
    /// Not the redirect the sign-in waits for.
    WrongRedirect,
    MissingParameter,
    DuplicateParameter,
    InvalidParameter,
    CodeAndError,
    /// Meant for another sign-in (old, or forged).
    WrongState,
    NoFlowWaiting,
}

impl From<&CallbackError> for Problem {
    fn from(err: &CallbackError) -> Self {
        use CallbackError as E;
        let (reason, parameter) = match err {
            E::TooLong => (CallbackProblem::TooLong, None),
            E::Malformed => (CallbackProblem::Malformed, None),
            E::WrongRedirect => (CallbackProblem::WrongRedirect, None),
            E::MissingParameter(name) => (CallbackProblem::MissingParameter, Some(*name)),
            E::DuplicateParameter(name) => (CallbackProblem::DuplicateParameter, Some(*name)),
            E::InvalidParameter(name) => (CallbackProblem::InvalidParameter, Some(*name)),
            E::CodeAndError => (CallbackProblem::CodeAndError, None),
            E::WrongState => (CallbackProblem::WrongState, None),
            E::NoFlowWaiting => (CallbackProblem::NoFlowWaiting, None),
        };
        Self::BadCallback {
            reason,
            parameter: parameter.map(str::to_owned),
        }
    }
}

fn millis(duration: std::time::Duration) -> u32 {
    u32::try_from(duration.as_millis()).unwrap_or(u32::MAX)
}

fn seconds(duration: std::time::Duration) -> u32 {
    u32::try_from(duration.as_secs()).unwrap_or(u32::MAX)
}

impl From<&hearth_hue::Error> for Problem {
    fn from(err: &hearth_hue::Error) -> Self {
        use hearth_hue::Error as E;
        match err {
            E::Unreachable { address, reason } => Self::Unreachable {
                address: address.clone(),
                detail: reason.clone(),
            },
            E::Timeout { address, after } => Self::Timeout {
                address: address.clone(),
                after_ms: millis(*after),
            },
            E::Certificate(problem) => match problem {
                CertificateProblem::PinMismatch {
                    bridge_id,
                    pinned,
                    found,
                } => Self::CertificateChanged {
                    bridge_id: bridge_id.clone(),
                    pinned: *pinned,
                    found: *found,
                },
                CertificateProblem::WrongBridge { expected, found } => Self::WrongBridge {
                    expected: expected.clone(),
                    found: found.clone(),
                },
                CertificateProblem::Untrusted { found } => {
                    Self::CertificateUntrusted { found: *found }
                }
                CertificateProblem::Unreadable(detail) => Self::CertificateUnreadable {
                    detail: detail.clone(),
                },
            },
            E::Unauthorized => Self::Unauthorized,
            E::NotFound { rtype, id } => Self::ResourceGone {
                resource: rtype.clone(),
                id: id.clone(),
            },
            E::Busy { status, attempts } => Self::Busy {
                status: *status,
                attempts: *attempts,
            },
            E::Rejected { status, message } => Self::Rejected {
                status: *status,
                detail: message.clone(),
            },
            E::Http { status, message } => Self::Http {
                status: *status,
                detail: message.clone(),
            },
            E::Malformed { context, detail } => Self::Malformed {
                context: context.clone(),
                detail: detail.clone(),
            },
            E::V1(v1) if v1.code == hearth_hue::v1::V1ErrorCode::LinkButtonNotPressed => {
                Self::LinkButton
            }
            E::V1(v1) => Self::BridgeError {
                detail: v1.description.clone(),
            },
            E::LinkButtonNotPressed => Self::LinkButton,
            E::Unsupported { what } => Self::NotAvailable {
                what: (*what).to_owned(),
            },
            E::BadAddress(address) => Self::BadAddress {
                address: address.clone(),
            },
            E::StreamSilent { after } => Self::StreamSilent {
                after_ms: millis(*after),
            },
            E::Closed => Self::Closed,
            E::Remote(BearerError::NotLinked) => Self::RemoteNotLinked,
            E::Remote(BearerError::RelinkNeeded) | E::RemoteRefused => Self::RemoteRelink,
            E::Remote(BearerError::Unavailable { reason, .. }) => Self::RemoteToken {
                detail: reason.clone(),
            },
        }
    }
}

impl From<&LightsError> for Problem {
    fn from(err: &LightsError) -> Self {
        use LightsError as E;
        match err {
            E::Hue(err) => err.into(),
            E::ButtonNotPressed(waited) => Self::ButtonNotPressed {
                seconds: seconds(*waited),
            },
            E::Cancelled => Self::Cancelled,
            E::NoBridge => Self::NoBridge,
            E::UnknownBridge(bridge) => Self::UnknownBridge {
                bridge: bridge.clone(),
            },
            E::NotConnected(bridge) => Self::NotConnected {
                bridge: bridge.clone(),
            },
            E::NotFound(name) => Self::NotFound { name: name.clone() },
            E::Ambiguous { query, candidates } => Self::Ambiguous {
                query: query.clone(),
                candidates: candidates.clone(),
            },
            E::Secrets(err) => Self::SecretStore {
                detail: err.to_string(),
            },
            E::SecretStoreFailed(detail) => Self::SecretStore {
                detail: detail.clone(),
            },
            E::Config { path, reason } => Self::Config {
                path: path.display().to_string(),
                detail: reason.clone(),
            },
            E::Starting => Self::Starting,
            E::NoHomeFolder => Self::NoHomeFolder,
            E::FirmwareTooOld {
                bridge_id,
                api_version,
            } => Self::FirmwareTooOld {
                bridge_id: bridge_id.clone(),
                api_version: api_version.clone(),
            },
            E::NoCertificate => Self::NoCertificate,
            E::Offline { problem, .. } => Problem::clone(problem),
            E::Remote(err) => err.into(),
        }
    }
}

impl From<&RemoteError> for Problem {
    fn from(err: &RemoteError) -> Self {
        use RemoteError as E;
        match err {
            E::NotRegistered => Self::RemoteNotRegistered,
            E::InvalidInput(detail) => Self::InvalidInput {
                detail: detail.clone(),
            },
            E::OAuth(err) => oauth(err),
            E::Token(err) => match err {
                TokenError::NotLinked => Self::RemoteNotLinked,
                TokenError::RelinkNeeded | TokenError::Decode(_) => Self::RemoteRelink,
                TokenError::Persist(err) | TokenError::Load(err) => Self::SecretStore {
                    detail: err.to_string(),
                },
                TokenError::Refresh(err) => oauth(err),
                TokenError::Malformed | TokenError::Interrupted => Self::OAuth {
                    detail: err.to_string(),
                },
            },
            E::Callback(err) => err.into(),
            E::NoLinkInProgress => Self::NoLinkInProgress,
            E::Hue(err) => err.into(),
            E::Username(detail) => Self::RemoteUsername {
                detail: detail.clone(),
            },
            E::Cancelled => Self::Cancelled,
            E::Secrets(err) => Self::SecretStore {
                detail: err.to_string(),
            },
            E::Config { path, reason } => Self::Config {
                path: path.display().to_string(),
                detail: reason.clone(),
            },
            E::LinkFailed { problem, .. } => Problem::clone(problem),
        }
    }
}

impl From<&SettingsError> for Problem {
    fn from(err: &SettingsError) -> Self {
        use SettingsError as E;
        let reason = match err {
            E::Malformed(_) => ProxyProblem::Malformed,
            E::NotHttps => ProxyProblem::NotHttps,
            E::Scheme(_) => ProxyProblem::Scheme,
            E::Credentials => ProxyProblem::Credentials,
            E::NoClientId => ProxyProblem::NoClientId,
            E::File(err) => {
                return Self::Config {
                    path: err.path().display().to_string(),
                    detail: crate::storage::reason(err, "move it away to start afresh"),
                };
            }
        };
        Self::ProxySetting { reason }
    }
}

fn oauth(err: &OAuthError) -> Problem {
    match err {
        OAuthError::Config(detail) => Problem::InvalidInput {
            detail: (*detail).to_owned(),
        },
        OAuthError::Receive(ReceiveError::Denied { description }) => Problem::Denied {
            detail: description.clone(),
        },
        OAuthError::Receive(ReceiveError::TimedOut(after)) => Problem::LinkTimeout {
            seconds: seconds(*after),
        },
        OAuthError::Receive(ReceiveError::Bind { port, .. }) => Problem::PortBusy { port: *port },
        OAuthError::InvalidClient => Problem::InvalidClient,
        OAuthError::InvalidGrant => Problem::RemoteRelink,
        OAuthError::Transport(err) => Problem::CloudUnreachable {
            detail: err.to_string(),
        },
        OAuthError::Receive(_) | OAuthError::Server(_) | OAuthError::BadReply => Problem::OAuth {
            detail: err.to_string(),
        },
    }
}
