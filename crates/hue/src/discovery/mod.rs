//! Finding bridges: mDNS (`_hue._tcp`), the Hue cloud's discovery endpoint, and addresses the user
//! types. Every candidate is confirmed with an unauthenticated `GET /api/config` before it is
//! shown: only an address that answers as a bridge is one.
//!
//! Network discovery can be switched off entirely (mDNS and the cloud endpoint), leaving only
//! manual addresses: the demo does so, and so do tests, which must never send multicast on a
//! real network or reach the real endpoint.

mod cloud;
pub mod mdns;

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;

use crate::address::BridgeAddress;
use crate::tls::{BridgeIdentity, PeerCertificate, TrustRoots};
use crate::transport::{LocalConfig, LocalTransport};
use crate::{Client, Error};

/// The Hue cloud's discovery endpoint (rate-limited by Signify: ask rarely).
pub const DEFAULT_CLOUD_URL: &str = "https://discovery.meethue.com/";

#[derive(Clone, Debug)]
pub struct DiscoveryConfig {
    pub mdns: bool,
    /// `None` switches the cloud endpoint off.
    pub cloud_url: Option<String>,
    /// How long to listen for mDNS answers.
    pub mdns_window: Duration,
    /// For the cloud request and for each `GET /api/config`.
    pub timeout: Duration,
    pub roots: TrustRoots,
    /// Browse on loopback only: for tests inside their own network namespace.
    pub mdns_loopback_only: bool,
}

impl DiscoveryConfig {
    /// Everything on, the way a user's app discovers.
    pub fn network() -> Self {
        Self {
            mdns: true,
            cloud_url: Some(DEFAULT_CLOUD_URL.to_owned()),
            mdns_window: Duration::from_secs(3),
            timeout: Duration::from_secs(4),
            roots: TrustRoots::signify(),
            mdns_loopback_only: false,
        }
    }

    /// Manual addresses only.
    pub fn off() -> Self {
        Self {
            mdns: false,
            cloud_url: None,
            ..Self::network()
        }
    }
}

/// Where a candidate came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Mdns,
    Cloud,
    Manual,
}

/// An address that might be a bridge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub address: BridgeAddress,
    /// The id the source claims (to be confirmed).
    pub id_hint: Option<String>,
    pub source: Source,
}

/// A confirmed bridge.
#[derive(Clone, Debug, Serialize, specta::Type)]
pub struct DiscoveredBridge {
    pub id: String,
    pub name: String,
    pub address: BridgeAddress,
    pub model: String,
    pub api_version: String,
    pub supports_v2: bool,
    pub sources: Vec<Source>,
    pub certificate: Option<PeerCertificate>,
}

/// What discovery found, and what went wrong on the way (shown, not fatal).
#[derive(Clone, Debug, Default, Serialize, specta::Type)]
pub struct DiscoveryReport {
    pub bridges: Vec<DiscoveredBridge>,
    pub problems: Vec<String>,
}

/// Gathers candidates from every enabled source and the manual addresses, confirms each, and
/// returns each bridge once (by id), with every source that found it.
pub async fn discover(config: &DiscoveryConfig, manual: &[BridgeAddress]) -> DiscoveryReport {
    let mut report = DiscoveryReport::default();
    let mut candidates: Vec<Candidate> = manual
        .iter()
        .map(|address| Candidate {
            address: address.clone(),
            id_hint: None,
            source: Source::Manual,
        })
        .collect();
    let mdns = async {
        if config.mdns {
            Some(mdns::browse(config.mdns_window, config.mdns_loopback_only).await)
        } else {
            None
        }
    };
    let cloud = async {
        match &config.cloud_url {
            Some(url) => Some(cloud::fetch(url, config.timeout).await),
            None => None,
        }
    };
    let (mdns, cloud) = tokio::join!(mdns, cloud);
    for (source, found) in [("mDNS", mdns), ("the discovery endpoint", cloud)] {
        match found {
            Some(Ok(found)) => candidates.extend(found),
            Some(Err(err)) => report.problems.push(format!("{source}: {err}")),
            None => {}
        }
    }
    // Each address is asked once, and remembers every source that gave it.
    let mut unique: Vec<(Candidate, Vec<Source>)> = Vec::new();
    for candidate in candidates {
        if let Some((existing, sources)) = unique
            .iter_mut()
            .find(|(c, _)| c.address == candidate.address)
        {
            sources.push(candidate.source);
            existing.id_hint = existing.id_hint.take().or(candidate.id_hint);
        } else {
            let sources = vec![candidate.source];
            unique.push((candidate, sources));
        }
    }
    let confirmations = unique.into_iter().map(|(candidate, sources)| async move {
        let confirmed = confirm(&candidate.address, &config.roots, config.timeout).await;
        (candidate, sources, confirmed)
    });
    let mut by_id: BTreeMap<String, DiscoveredBridge> = BTreeMap::new();
    for (candidate, sources, result) in futures_util::future::join_all(confirmations).await {
        match result {
            Ok(bridge) => {
                if let Some(hint) = &candidate.id_hint
                    && !hint.eq_ignore_ascii_case(&bridge.id)
                {
                    tracing::info!(
                        "{} claimed bridge {hint} but is {}",
                        bridge.address,
                        bridge.id
                    );
                }
                by_id
                    .entry(bridge.id.clone())
                    .or_insert(bridge)
                    .sources
                    .extend(sources);
            }
            Err(err) => report.problems.push(format!(
                "{} is not a bridge Hearth can use: {err}",
                candidate.address
            )),
        }
    }
    for bridge in by_id.values_mut() {
        bridge.sources.sort();
        bridge.sources.dedup();
    }
    report.bridges = by_id.into_values().collect();
    report
}

/// Asks `address` who it is, accepting any certificate (first contact) but recording it.
pub async fn confirm(
    address: &BridgeAddress,
    roots: &TrustRoots,
    timeout: Duration,
) -> Result<DiscoveredBridge, Error> {
    let mut local = LocalConfig::new(address.clone(), BridgeIdentity::first_contact());
    local.roots = roots.clone();
    local.request_timeout = timeout;
    local.connect_timeout = timeout;
    let transport = std::sync::Arc::new(LocalTransport::new(local)?);
    let config = Client::new(transport.clone()).config().await?;
    let certificate = transport.peer_certificate();
    Ok(DiscoveredBridge {
        supports_v2: config.supports_v2(),
        id: config.bridge_id,
        name: config.name,
        address: address.clone(),
        model: config.model_id,
        api_version: config.api_version,
        sources: Vec::new(),
        certificate,
    })
}
