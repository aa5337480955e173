//! Trust in a bridge's certificate.
//!
//! A bridge serves HTTPS with a certificate issued by Signify's private CA, whose common name is
//! the bridge id. No public CA vouches for it, and the URL's host is an IP address, so the usual
//! hostname check cannot work. Hearth's rule, in order:
//!
//! 1. the certificate chains to a configured root (Signify's by default) and its CN is the id of
//!    the bridge Hearth expects: trusted;
//! 2. it chains but names another bridge: refused ([`CertificateProblem::WrongBridge`]);
//! 3. it does not chain (older firmware, emulators) but its SHA-256 fingerprint is the one pinned
//!    when the bridge was paired: trusted;
//! 4. it does not chain and a pin exists but differs: refused ([`CertificateProblem::PinMismatch`]),
//!    never a silent accept;
//! 5. no pin yet: accepted only on *first contact* (discovery, pairing), where the caller records
//!    the fingerprint it saw ([`PeerCertificate`]) and shows it to the user.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use rustls::DigitallySignedStruct;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::verify_server_cert_signed_by_trust_anchor;
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

/// The Hue bridge root CAs, as published on the Hue developer portal's "Using HTTPS" page
/// (developers.meethue.com/develop/application-design-guidance/using-https/) and embedded by many
/// open-source clients (cross-checked against two of them): `root-bridge` (Philips Hue, valid to
/// 2038), which signs bridges today, and `Hue Root CA 01` (Signify Hue, valid to 2050), which newer
/// firmware moves to.
pub const SIGNIFY_ROOTS_PEM: &str = "\
-----BEGIN CERTIFICATE-----
MIICMjCCAdigAwIBAgIUO7FSLbaxikuXAljzVaurLXWmFw4wCgYIKoZIzj0EAwIw
OTELMAkGA1UEBhMCTkwxFDASBgNVBAoMC1BoaWxpcHMgSHVlMRQwEgYDVQQDDAty
b290LWJyaWRnZTAiGA8yMDE3MDEwMTAwMDAwMFoYDzIwMzgwMTE5MDMxNDA3WjA5
MQswCQYDVQQGEwJOTDEUMBIGA1UECgwLUGhpbGlwcyBIdWUxFDASBgNVBAMMC3Jv
b3QtYnJpZGdlMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEjNw2tx2AplOf9x86
aTdvEcL1FU65QDxziKvBpW9XXSIcibAeQiKxegpq8Exbr9v6LBnYbna2VcaK0G22
jOKkTqOBuTCBtjAPBgNVHRMBAf8EBTADAQH/MA4GA1UdDwEB/wQEAwIBhjAdBgNV
HQ4EFgQUZ2ONTFrDT6o8ItRnKfqWKnHFGmQwdAYDVR0jBG0wa4AUZ2ONTFrDT6o8
ItRnKfqWKnHFGmShPaQ7MDkxCzAJBgNVBAYTAk5MMRQwEgYDVQQKDAtQaGlsaXBz
IEh1ZTEUMBIGA1UEAwwLcm9vdC1icmlkZ2WCFDuxUi22sYpLlwJY81Wrqy11phcO
MAoGCCqGSM49BAMCA0gAMEUCIEBYYEOsa07TH7E5MJnGw557lVkORgit2Rm1h3B2
sFgDAiEA1Fj/C3AN5psFMjo0//mrQebo0eKd3aWRx+pQY08mk48=
-----END CERTIFICATE-----
-----BEGIN CERTIFICATE-----
MIIBzDCCAXOgAwIBAgICEAAwCgYIKoZIzj0EAwIwPDELMAkGA1UEBhMCTkwxFDAS
BgNVBAoMC1NpZ25pZnkgSHVlMRcwFQYDVQQDDA5IdWUgUm9vdCBDQSAwMTAgFw0y
NTAyMjUwMDAwMDBaGA8yMDUwMTIzMTIzNTk1OVowPDELMAkGA1UEBhMCTkwxFDAS
BgNVBAoMC1NpZ25pZnkgSHVlMRcwFQYDVQQDDA5IdWUgUm9vdCBDQSAwMTBZMBMG
ByqGSM49AgEGCCqGSM49AwEHA0IABFfOO0jfSAUXGQ9kjEDzyBrcMQ3ItyA5krE+
cyvb1Y3xFti7KlAad8UOnAx0FBLn7HZrlmIwm1QnX0fK3LPM13mjYzBhMB0GA1Ud
DgQWBBTF1pSpsCASX/z0VHLigxU2CAaqoTAfBgNVHSMEGDAWgBTF1pSpsCASX/z0
VHLigxU2CAaqoTAPBgNVHRMBAf8EBTADAQH/MA4GA1UdDwEB/wQEAwIBBjAKBggq
hkjOPQQDAgNHADBEAiAk7duT+IHbOGO4UUuGLAEpyYejGZK9Z7V9oSfnvuQ5BQIg
IYSgwwxHXm73/JgcU9lAM6c8Bmu3UE3kBIUwBs1qXFw=
-----END CERTIFICATE-----
";

/// The SHA-256 of a certificate (DER). Shown and stored as colon-separated upper-case hex, the way
/// browsers and `openssl x509 -fingerprint -sha256` show it, so that users can compare.
#[derive(Clone, Copy, PartialEq, Eq, Hash, specta::Type)]
#[specta(type = String)]
pub struct Fingerprint([u8; 32]);

impl Fingerprint {
    pub fn of(der: &[u8]) -> Self {
        Self(Sha256::digest(der).into())
    }

    /// Reads `AB:CD:…` or `abcd…` (64 hex digits, colons optional).
    pub fn parse(text: &str) -> Option<Self> {
        let hex: String = text.chars().filter(|c| *c != ':').collect();
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(hex, &mut bytes).ok()?;
        Some(Self(bytes))
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, byte) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            write!(f, "{byte:02X}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}

impl Serialize for Fingerprint {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Fingerprint {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text)
            .ok_or_else(|| serde::de::Error::custom("expected a SHA-256 fingerprint in hex"))
    }
}

/// The roots a bridge certificate may chain to: Signify's by default; tests and the demo add the
/// simulator's test CA, and users with an unusual setup can add their own.
#[derive(Clone)]
pub struct TrustRoots(Arc<rustls::RootCertStore>);

impl TrustRoots {
    /// Signify's roots only.
    pub fn signify() -> Self {
        Self::none()
            .with_pem(SIGNIFY_ROOTS_PEM)
            .unwrap_or_else(|_| Self::none())
    }

    /// No roots at all: every bridge goes through pinning.
    pub fn none() -> Self {
        Self(Arc::new(rustls::RootCertStore::empty()))
    }

    /// These roots plus every certificate in `pem`.
    pub fn with_pem(self, pem: &str) -> Result<Self, CertificateProblem> {
        let mut store = Arc::unwrap_or_clone(self.0);
        let mut added = 0;
        for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
            let cert = cert.map_err(|err| CertificateProblem::Unreadable(err.to_string()))?;
            store
                .add(cert)
                .map_err(|err| CertificateProblem::Unreadable(err.to_string()))?;
            added += 1;
        }
        if added == 0 {
            return Err(CertificateProblem::Unreadable(
                "no PEM certificate found".to_owned(),
            ));
        }
        Ok(Self(Arc::new(store)))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for TrustRoots {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TrustRoots({} roots)", self.0.len())
    }
}

/// What Hearth knows about the bridge it is about to talk to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BridgeIdentity {
    /// The bridge id (16 hex digits, lower case) the certificate's CN must carry when it chains.
    pub bridge_id: Option<String>,
    /// The fingerprint pinned at pairing, for certificates that do not chain.
    pub pin: Option<Fingerprint>,
    /// Accept a certificate that neither chains nor matches a pin (first contact only), recording
    /// it for the caller to pin.
    pub first_contact: bool,
}

impl BridgeIdentity {
    /// A first contact: anything is accepted and recorded (discovery, the start of pairing).
    pub fn first_contact() -> Self {
        Self {
            first_contact: true,
            ..Self::default()
        }
    }

    /// A known bridge: its id and, when its certificate does not chain, its pin.
    pub fn known(bridge_id: impl Into<String>, pin: Option<Fingerprint>) -> Self {
        Self {
            bridge_id: Some(bridge_id.into().to_ascii_lowercase()),
            pin,
            first_contact: false,
        }
    }
}

/// The certificate a bridge presented, as the user should see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, specta::Type)]
pub struct PeerCertificate {
    pub fingerprint: Fingerprint,
    /// The subject's common name, lower case (the bridge id on a real bridge).
    pub common_name: Option<String>,
    /// Whether it chains to one of the trusted roots (else it can only be pinned).
    pub signed_by_ca: bool,
}

/// Why a bridge's certificate was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CertificateProblem {
    #[error(
        "the certificate of bridge {bridge_id} has changed: Hearth pinned SHA-256 {pinned} when \
         pairing and now sees {found}. If the bridge was reset or replaced, forget it and pair \
         again; otherwise another device is answering in its place"
    )]
    PinMismatch {
        bridge_id: String,
        pinned: Fingerprint,
        found: Fingerprint,
    },
    #[error("the certificate is for bridge {found}, not for bridge {expected}")]
    WrongBridge { expected: String, found: String },
    #[error(
        "the certificate (SHA-256 {found}) is not signed by the Hue bridge authority and was never \
         pinned: pair with the bridge to trust it"
    )]
    Untrusted { found: Fingerprint },
    #[error("a certificate could not be read: {0}")]
    Unreadable(String),
}

/// What the verifier saw last, for the caller to read after a handshake: the certificate to pin,
/// or why it was refused (reqwest reports TLS failures as an opaque connect error).
#[derive(Debug, Default)]
pub(crate) struct Observations {
    pub(crate) seen: Option<PeerCertificate>,
    pub(crate) problem: Option<CertificateProblem>,
}

pub(crate) type SharedObservations = Arc<Mutex<Observations>>;

pub(crate) fn observations(shared: &SharedObservations) -> std::sync::MutexGuard<'_, Observations> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The rules of the module documentation, as a rustls verifier.
#[derive(Debug)]
pub(crate) struct BridgeVerifier {
    roots: TrustRoots,
    identity: BridgeIdentity,
    observations: SharedObservations,
    algorithms: WebPkiSupportedAlgorithms,
}

impl BridgeVerifier {
    fn judge(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Result<PeerCertificate, CertificateProblem> {
        let fingerprint = Fingerprint::of(end_entity);
        let signed_by_ca = ParsedCertificate::try_from(end_entity).is_ok_and(|parsed| {
            verify_server_cert_signed_by_trust_anchor(
                &parsed,
                &self.roots.0,
                intermediates,
                now,
                self.algorithms.all,
            )
            .is_ok()
        });
        let peer = PeerCertificate {
            fingerprint,
            common_name: common_name(end_entity),
            signed_by_ca,
        };
        if signed_by_ca {
            if let Some(expected) = &self.identity.bridge_id
                && peer.common_name.as_deref() != Some(expected.as_str())
            {
                return Err(CertificateProblem::WrongBridge {
                    expected: expected.clone(),
                    found: peer.common_name.clone().unwrap_or_default(),
                });
            }
            return Ok(peer);
        }
        match self.identity.pin {
            Some(pinned) if pinned == fingerprint => Ok(peer),
            Some(pinned) => Err(CertificateProblem::PinMismatch {
                bridge_id: self.identity.bridge_id.clone().unwrap_or_default(),
                pinned,
                found: fingerprint,
            }),
            None if self.identity.first_contact => Ok(peer),
            None => Err(CertificateProblem::Untrusted { found: fingerprint }),
        }
    }
}

fn common_name(der: &CertificateDer<'_>) -> Option<String> {
    let (_, cert) = x509_parser::parse_x509_certificate(der.as_ref()).ok()?;
    let cn = cert.subject().iter_common_name().next()?;
    Some(cn.as_str().ok()?.to_ascii_lowercase())
}

impl ServerCertVerifier for BridgeVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        // The URL's host is an IP address or a .local name: the bridge id is what identifies it.
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verdict = self.judge(end_entity, intermediates, now);
        let mut seen = observations(&self.observations);
        match verdict {
            Ok(peer) => {
                seen.seen = Some(peer);
                seen.problem = None;
                Ok(ServerCertVerified::assertion())
            }
            Err(problem) => {
                tracing::warn!("refused a bridge certificate: {problem}");
                seen.problem = Some(problem.clone());
                Err(rustls::Error::InvalidCertificate(
                    rustls::CertificateError::Other(rustls::OtherError(Arc::new(problem))),
                ))
            }
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// A rustls client configuration (ring, HTTP/1.1) that applies the rules above.
pub(crate) fn client_config(
    roots: TrustRoots,
    identity: BridgeIdentity,
    observations: SharedObservations,
) -> Result<rustls::ClientConfig, CertificateProblem> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = BridgeVerifier {
        roots,
        identity,
        observations,
        algorithms: provider.signature_verification_algorithms,
    };
    let mut config =
        rustls::ClientConfig::builder_with_provider(Arc::clone(&provider) as Arc<CryptoProvider>)
            .with_safe_default_protocol_versions()
            .map_err(|err| CertificateProblem::Unreadable(err.to_string()))?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::{Fingerprint, TrustRoots};

    #[test]
    fn fingerprint_round_trips_through_text() {
        let fp = Fingerprint::of(b"certificate");
        let text = fp.to_string();
        assert_eq!(text.len(), 32 * 3 - 1);
        assert_eq!(Fingerprint::parse(&text), Some(fp));
        assert_eq!(
            Fingerprint::parse(&text.replace(':', "").to_lowercase()),
            Some(fp)
        );
        assert_eq!(Fingerprint::parse("AB:CD"), None);
        assert_eq!(Fingerprint::parse(&"zz".repeat(32)), None);
    }

    #[test]
    fn signify_roots_parse() {
        assert_eq!(TrustRoots::signify().len(), 2);
        assert!(TrustRoots::none().with_pem("not a certificate").is_err());
    }
}
