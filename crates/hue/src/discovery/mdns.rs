//! mDNS: bridges announce `_hue._tcp.local.` with their id in the TXT record `bridgeid`.
//!
//! Browsing sends multicast on every interface. Never call it from a test outside a network
//! namespace of its own (the tests re-run themselves under `unshare --net`).

use std::time::Duration;

use mdns_sd::{IfKind, ResolvedService, ServiceDaemon, ServiceEvent};
use tokio::time::Instant;

use super::{Candidate, Source};
use crate::Error;
use crate::address::BridgeAddress;

pub const SERVICE_TYPE: &str = "_hue._tcp.local.";

/// The candidates one resolved announcement gives (IPv4 first: bridges answer there).
pub(crate) fn candidates(service: &ResolvedService) -> Vec<Candidate> {
    let id_hint = service
        .get_property_val_str("bridgeid")
        .map(str::to_ascii_lowercase);
    let mut addresses: Vec<_> = service
        .get_addresses()
        .iter()
        .map(mdns_sd::ScopedIp::to_ip_addr)
        .collect();
    addresses.sort_by_key(|ip| (ip.is_ipv6(), *ip));
    addresses
        .into_iter()
        .map(|ip| Candidate {
            address: BridgeAddress::new(ip.to_string(), Some(service.port)),
            id_hint: id_hint.clone(),
            source: Source::Mdns,
        })
        .collect()
}

fn failed(err: &mdns_sd::Error) -> Error {
    Error::Unreachable {
        address: "mDNS".to_owned(),
        reason: err.to_string(),
    }
}

/// Listens for `window` and returns what answered.
pub(crate) async fn browse(window: Duration, loopback_only: bool) -> Result<Vec<Candidate>, Error> {
    let daemon = ServiceDaemon::new().map_err(|err| failed(&err))?;
    if loopback_only {
        daemon
            .disable_interface(IfKind::All)
            .map_err(|err| failed(&err))?;
        daemon
            .enable_interface(IfKind::LoopbackV4)
            .map_err(|err| failed(&err))?;
    }
    let events = daemon.browse(SERVICE_TYPE).map_err(|err| failed(&err))?;
    let deadline = Instant::now() + window;
    let mut found = Vec::new();
    while let Ok(Ok(event)) = tokio::time::timeout_at(deadline, events.recv_async()).await {
        if let ServiceEvent::ServiceResolved(service) = event {
            for candidate in candidates(&service) {
                if !found.contains(&candidate) {
                    found.push(candidate);
                }
            }
        }
    }
    if let Err(err) = daemon.shutdown() {
        tracing::debug!("mDNS daemon shutdown: {err}");
    }
    Ok(found)
}
