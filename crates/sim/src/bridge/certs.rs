//! The simulator's certificates. A real bridge presents a certificate issued by Signify's private
//! CA with CN = bridge id (and no subject alternative name); the simulator builds the same chain
//! from a test CA of its own, which tests add to the client's trust roots. The self-signed mode
//! is what older firmware and emulators present: the client can only pin it.

use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose, SerialNumber,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use time::{Duration, OffsetDateTime};

use super::SimError;

/// How the simulator presents itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum CertMode {
    /// Issued by the simulator's test CA, CN = bridge id: like a current bridge.
    #[default]
    SignedByTestCa,
    /// Self-signed, CN = bridge id: like older firmware or an emulator.
    SelfSigned,
}

/// The simulator's test CA (kept to issue new bridge certificates on "replacement").
pub struct TestCa {
    issuer: CertifiedIssuer<'static, KeyPair>,
}

impl std::fmt::Debug for TestCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TestCa")
    }
}

impl TestCa {
    pub fn new() -> Result<Self, SimError> {
        let mut params = CertificateParams::default();
        let mut name = DistinguishedName::new();
        name.push(DnType::CountryName, "NL");
        name.push(DnType::OrganizationName, "Hearth test (Signify-like)");
        name.push(DnType::CommonName, "Hearth Test Hue Root CA");
        params.distinguished_name = name;
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let now = OffsetDateTime::now_utc();
        params.not_before = now - Duration::days(1);
        params.not_after = now + Duration::days(3650);
        let issuer = CertifiedIssuer::self_signed(params, KeyPair::generate()?)?;
        Ok(Self { issuer })
    }

    pub fn pem(&self) -> String {
        self.issuer.pem()
    }
}

/// A bridge certificate and its key, ready to serve.
#[derive(Debug, Clone)]
pub struct ServerIdentity {
    pub leaf_der: Vec<u8>,
    pub config: Arc<rustls::ServerConfig>,
}

/// Issues a bridge certificate for `bridge_id`.
pub fn issue(bridge_id: &str, mode: CertMode, ca: &TestCa) -> Result<ServerIdentity, SimError> {
    let mut params = CertificateParams::default();
    let mut name = DistinguishedName::new();
    name.push(DnType::CountryName, "NL");
    name.push(DnType::OrganizationName, "Philips Hue");
    name.push(DnType::CommonName, bridge_id);
    params.distinguished_name = name;
    // Real bridges use their id as the serial number.
    let serial = hex::decode(bridge_id).unwrap_or_else(|_| vec![1]);
    params.serial_number = Some(SerialNumber::from_slice(&serial));
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let now = OffsetDateTime::now_utc();
    params.not_before = now - Duration::days(1);
    params.not_after = now + Duration::days(3650);
    let key = KeyPair::generate()?;
    let cert = match mode {
        CertMode::SignedByTestCa => params.signed_by(&key, &ca.issuer)?,
        CertMode::SelfSigned => params.self_signed(&key)?,
    };
    let leaf_der = cert.der().to_vec();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(leaf_der.clone())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(ServerIdentity {
        leaf_der,
        config: Arc::new(config),
    })
}
