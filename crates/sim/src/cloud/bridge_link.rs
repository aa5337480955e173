//! How the cloud simulator reaches its bridge. The real cloud holds a tunnel the bridge opened;
//! here it is HTTPS to the bridge simulator's tunnel listener on loopback, which stays up when the
//! bridge is taken off the local network. A bridge certificate names the bridge id,
//! not an address, so no hostname check can pass: the cloud pins the bridge's certificate instead
//! (given, for an in-process bridge, or the first one seen, for a standalone one).

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

use super::BridgeTarget;
use crate::bridge::BridgeSim;

/// Accepts exactly one certificate: the pinned one, or the first presented if none was given.
#[derive(Debug)]
struct Pinned {
    pin: Mutex<Option<Vec<u8>>>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let mut pin = self.pin.lock().unwrap_or_else(PoisonError::into_inner);
        match pin.as_deref() {
            Some(pinned) if pinned == end_entity.as_ref() => Ok(ServerCertVerified::assertion()),
            Some(_) => Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::ApplicationVerificationFailure,
            )),
            None => {
                *pin = Some(end_entity.to_vec());
                Ok(ServerCertVerified::assertion())
            }
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// An HTTP client for a bridge whose certificate is `pin` (`None`: the first one it presents).
pub fn pinned_client(pin: Option<Vec<u8>>) -> Result<reqwest::Client, std::io::Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = Arc::new(Pinned {
        pin: Mutex::new(pin),
        provider: Arc::clone(&provider),
    });
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(std::io::Error::other)?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    reqwest::Client::builder()
        .use_preconfigured_tls(tls)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(std::io::Error::other)
}

impl BridgeTarget {
    /// A bridge simulator in this process, through its tunnel: its certificate pinned, its link
    /// button pressed directly.
    pub fn simulated(bridge: Arc<BridgeSim>) -> Result<Self, std::io::Error> {
        let base_url = url::Url::parse(&format!("https://{}", bridge.tunnel_addr()))
            .map_err(std::io::Error::other)?;
        let http = pinned_client(Some(bridge.certificate_der()))?;
        Ok(Self {
            base_url,
            http,
            press_link_button: Arc::new(move || {
                bridge.press_link_button();
                Box::pin(async {})
            }),
        })
    }

    /// A standalone bridge simulator (`hearth-sim bridge`) at `base_url`: its first certificate
    /// pinned, its link button pressed through its `/sim/linkbutton`.
    pub fn standalone(base_url: url::Url) -> Result<Self, std::io::Error> {
        let http = pinned_client(None)?;
        let press_url = base_url
            .join("/sim/linkbutton")
            .map_err(std::io::Error::other)?;
        let press_http = http.clone();
        Ok(Self {
            base_url,
            http,
            press_link_button: Arc::new(move || {
                let http = press_http.clone();
                let url = press_url.clone();
                Box::pin(async move {
                    if let Err(err) = http.post(url).send().await {
                        tracing::warn!("could not press the bridge's link button: {err}");
                    }
                })
            }),
        })
    }
}
