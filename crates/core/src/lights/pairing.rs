//! Pairing a bridge: confirm the address is a bridge (and see its certificate), wait for the link
//! button with a countdown, keep the app key and the certificate's fingerprint, connect.

use std::sync::Arc;
use std::time::Duration;

use hearth_hue::discovery::confirm;
use hearth_hue::pairing::PairingTiming;
use hearth_hue::{BridgeAddress, BridgeIdentity, Client, LocalConfig, LocalTransport};
use serde::Serialize;
use tokio_util::sync::CancellationToken;

use super::registry::{KnownBridge, Trust};
use super::snapshot::{BridgeView, CertificateView};
use super::{Lights, LightsError};

#[derive(Clone, Debug, Default)]
pub struct PairingOptions {
    /// How long to wait for the button (default: the configuration's, 30 s).
    pub timeout: Option<Duration>,
    /// Fires to give up.
    pub cancel: CancellationToken,
}

/// What pairing is doing, for the UI.
#[derive(Clone, Debug, PartialEq, Serialize, specta::Type)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum PairingProgress {
    /// Asking the address who it is.
    Contacting { address: String },
    /// It is a bridge; this is its certificate (pinned if it is not signed by Signify).
    Found {
        bridge_id: String,
        name: String,
        certificate: CertificateView,
    },
    /// Waiting for the link button; sent about every second with the time left.
    PressButton {
        // At most the pairing window: a JavaScript number, not a BigInt, in the UI.
        #[specta(type = u32)]
        remaining_secs: u64,
    },
    /// Paired and connecting.
    Paired { bridge: BridgeView },
}

impl Lights {
    /// Pairs with the bridge at `address` (`host` or `host:port`). `progress` hears each step.
    pub async fn pair(
        &self,
        address: &str,
        options: PairingOptions,
        mut progress: impl FnMut(PairingProgress) + Send,
    ) -> Result<BridgeView, LightsError> {
        let config = &self.inner.config;
        let address: BridgeAddress = address.parse()?;
        progress(PairingProgress::Contacting {
            address: address.to_string(),
        });
        let found = tokio::select! {
            () = options.cancel.cancelled() => return Err(LightsError::Cancelled),
            found = confirm(&address, &config.roots, config.request_timeout) => found?,
        };
        if !found.supports_v2 {
            // hearth-hue speaks CLIP v1 too, but the live model needs v2's event stream.
            return Err(LightsError::FirmwareTooOld {
                bridge_id: found.id,
                api_version: found.api_version,
            });
        }
        let Some(certificate) = found.certificate.clone() else {
            return Err(LightsError::NoCertificate);
        };
        let signed = certificate.signed_by_ca
            && certificate.common_name.as_deref() == Some(found.id.as_str());
        let trust = if signed {
            Trust::SignifyCa
        } else {
            Trust::Pinned
        };
        // A bridge Hearth knows must still present the certificate it pinned.
        if let Some(known) = self.known_bridges().into_iter().find(|b| b.id == found.id)
            && known.trust == Trust::Pinned
            && !signed
            && known.fingerprint != certificate.fingerprint
        {
            return Err(hearth_hue::Error::Certificate(
                hearth_hue::CertificateProblem::PinMismatch {
                    bridge_id: known.id,
                    pinned: known.fingerprint,
                    found: certificate.fingerprint,
                },
            )
            .into());
        }
        progress(PairingProgress::Found {
            bridge_id: found.id.clone(),
            name: found.name.clone(),
            certificate: CertificateView {
                fingerprint: certificate.fingerprint,
                trust,
            },
        });

        // From here on, only that certificate: the app key must go to the bridge just seen.
        let mut local = LocalConfig::new(
            address.clone(),
            BridgeIdentity::known(&found.id, Some(certificate.fingerprint)),
        );
        local.roots = config.roots.clone();
        local.request_timeout = config.request_timeout;
        let client =
            Client::new(Arc::new(LocalTransport::new(local)?)).with_retry(config.retry.clone());
        let timing = PairingTiming {
            timeout: options.timeout.unwrap_or(config.pairing_timeout),
            poll_interval: config.pairing_poll,
        };
        let credentials = hearth_hue::pairing::pair(
            &client,
            &config.devicetype,
            &timing,
            &options.cancel,
            |left| {
                progress(PairingProgress::PressButton {
                    remaining_secs: left.as_secs() + u64::from(left.subsec_nanos() > 0),
                });
            },
        )
        .await?;

        let bridge = KnownBridge {
            id: found.id.clone(),
            name: found.name.clone(),
            address,
            fingerprint: certificate.fingerprint,
            trust,
            model: found.model.clone(),
            api_version: found.api_version.clone(),
            paired_at: time_now(),
        };
        self.remember(bridge.clone(), credentials.app_key, credentials.client_key)
            .await?;
        let view = self
            .snapshot()
            .bridge(&bridge.id)
            .cloned()
            .unwrap_or_else(|| {
                super::snapshot::bridge_view(
                    &super::Entry::Paired(bridge.clone()),
                    super::ConnectionState::Connecting,
                    super::Via::Local,
                    self.remote().reaches(&bridge.id),
                )
            });
        progress(PairingProgress::Paired {
            bridge: view.clone(),
        });
        Ok(view)
    }
}

fn time_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
