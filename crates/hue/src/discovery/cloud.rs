//! The Hue cloud's discovery endpoint: `GET` returns `[{id, internalipaddress, port}]`, the
//! bridges that recently called home from the same public IP.

use std::time::Duration;

use serde::Deserialize;

use super::{Candidate, Source};
use crate::Error;
use crate::address::BridgeAddress;
use crate::transport::is_loopback;

#[derive(Deserialize)]
struct Entry {
    #[serde(default)]
    id: Option<String>,
    internalipaddress: String,
    #[serde(default)]
    port: Option<u16>,
}

/// Reads the endpoint's answer; entries without a usable address are skipped.
pub(crate) fn parse(body: &[u8]) -> Result<Vec<Candidate>, Error> {
    let entries: Vec<serde_json::Value> =
        serde_json::from_slice(body).map_err(|err| Error::malformed("discovery endpoint", err))?;
    Ok(entries
        .into_iter()
        .filter_map(|entry| serde_json::from_value::<Entry>(entry).ok())
        .filter_map(|entry| {
            let host = entry
                .internalipaddress
                .trim()
                .trim_start_matches('[')
                .trim_end_matches(']');
            let address = BridgeAddress::new(
                host.parse::<std::net::IpAddr>().ok()?.to_string(),
                entry.port,
            );
            Some(Candidate {
                address,
                id_hint: entry.id.map(|id| id.to_ascii_lowercase()),
                source: Source::Cloud,
            })
        })
        .collect())
}

/// Asks the endpoint at `url` (configurable so that tests point it at a simulator).
pub(crate) async fn fetch(url: &str, timeout: Duration) -> Result<Vec<Candidate>, Error> {
    let failed = |reason: String| Error::Unreachable {
        address: url.to_owned(),
        reason,
    };
    let mut builder = reqwest::Client::builder().timeout(timeout);
    if url::Url::parse(url).is_ok_and(|url| is_loopback(&url)) {
        builder = builder.no_proxy();
    }
    let client = builder.build().map_err(|err| failed(err.to_string()))?;
    let response = client
        .get(url)
        .send()
        .await
        .map_err(|err| failed(err.without_url().to_string()))?;
    let status = response.status().as_u16();
    if status != 200 {
        return Err(Error::Http {
            status,
            message: "the discovery endpoint refused (it allows few requests: try later)"
                .to_owned(),
        });
    }
    let body = response
        .bytes()
        .await
        .map_err(|err| failed(err.without_url().to_string()))?;
    parse(&body)
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn reads_the_endpoint_answer_and_skips_odd_entries() {
        let body = br#"[
            {"id":"001788FFFE23BFC2","internalipaddress":"192.168.1.20","port":443},
            {"id":"ecb5fafffe0b1c2d","internalipaddress":"192.168.1.21"},
            {"id":"x","internalipaddress":"not an ip"},
            {"id":"y"}
        ]"#;
        let found: Vec<String> = parse(body)
            .unwrap()
            .iter()
            .map(|c| format!("{} {:?}", c.address, c.id_hint))
            .collect();
        assert_eq!(
            found,
            [
                "192.168.1.20:443 Some(\"001788fffe23bfc2\")",
                "192.168.1.21 Some(\"ecb5fafffe0b1c2d\")"
            ]
        );
        assert!(parse(b"{}").is_err());
    }
}
