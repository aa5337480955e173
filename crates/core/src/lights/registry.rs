//! The bridges Hearth knows, persisted as `bridges.json` in the configuration directory (no
//! secrets: the app key is in the secret store under [`app_key_name`]). The app and the CLI share
//! the file; every write re-reads nothing and replaces the file atomically.

use std::path::{Path, PathBuf};

use hearth_hue::{BridgeAddress, Fingerprint};
use serde::{Deserialize, Serialize};

use super::LightsError;
use crate::storage;

/// The secret store entry holding a bridge's app key.
pub fn app_key_name(bridge_id: &str) -> String {
    format!("hue/bridge/{bridge_id}/app-key")
}

/// The secret store entry holding a bridge's client key (for the entertainment API, later).
pub fn client_key_name(bridge_id: &str) -> String {
    format!("hue/bridge/{bridge_id}/client-key")
}

/// How a bridge's certificate is trusted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Trust {
    /// Signed by the Hue bridge authority (Signify), CN = bridge id.
    SignifyCa,
    /// Not signed by it (older firmware, an emulator): pinned by fingerprint when paired.
    Pinned,
}

/// A paired bridge, as remembered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnownBridge {
    pub id: String,
    pub name: String,
    pub address: BridgeAddress,
    /// The certificate seen when pairing; enforced when `trust` is `pinned`.
    pub fingerprint: Fingerprint,
    pub trust: Trust,
    #[serde(default)]
    pub model: String,
    #[serde(default)]
    pub api_version: String,
    /// Unix seconds.
    #[serde(default)]
    pub paired_at: i64,
}

#[derive(Serialize, Deserialize)]
struct File {
    version: u32,
    bridges: Vec<KnownBridge>,
}

pub fn file(config_dir: &Path) -> PathBuf {
    config_dir.join("bridges.json")
}

pub fn load(config_dir: Option<&Path>) -> Result<Vec<KnownBridge>, LightsError> {
    let Some(dir) = config_dir else {
        return Ok(Vec::new());
    };
    let path = file(dir);
    let failed = |reason| LightsError::Config {
        path: path.clone(),
        reason,
    };
    let Some(bytes) = storage::read_if_present(&path).map_err(|err| failed(err.to_string()))?
    else {
        return Ok(Vec::new());
    };
    let file: File = serde_json::from_slice(&bytes).map_err(|err| {
        failed(format!(
            "it is damaged ({err}); move it away to start afresh"
        ))
    })?;
    Ok(file.bridges)
}

pub fn save(config_dir: Option<&Path>, bridges: &[KnownBridge]) -> Result<(), LightsError> {
    let Some(dir) = config_dir else {
        return Ok(());
    };
    let path = file(dir);
    let file = File {
        version: 1,
        bridges: bridges.to_vec(),
    };
    storage::write_json(&path, &file).map_err(|err| LightsError::Config {
        reason: err.to_string(),
        path,
    })
}

#[cfg(test)]
mod tests {
    use expect_test::expect;
    use hearth_hue::Fingerprint;

    use super::{KnownBridge, Trust, load, save};

    #[test]
    fn round_trips_and_holds_no_secret() {
        let dir = tempfile::tempdir().unwrap();
        assert!(load(Some(dir.path())).unwrap().is_empty());
        let bridge = KnownBridge {
            id: "001788fffe23bfc2".into(),
            name: "Hue Bridge".into(),
            address: "192.168.1.20".parse().unwrap(),
            fingerprint: Fingerprint::of(b"cert"),
            trust: Trust::Pinned,
            model: "BSB002".into(),
            api_version: "1.66.0".into(),
            paired_at: 1_700_000_000,
        };
        save(Some(dir.path()), std::slice::from_ref(&bridge)).unwrap();
        assert_eq!(load(Some(dir.path())).unwrap(), [bridge]);
        let text = std::fs::read_to_string(dir.path().join("bridges.json")).unwrap();
        expect![[r#"
            {
              "version": 1,
              "bridges": [
                {
                  "id": "001788fffe23bfc2",
                  "name": "Hue Bridge",
                  "address": "192.168.1.20",
                  "fingerprint": "06:29:84:32:E8:06:6B:29:E2:22:3B:CC:23:AA:95:04:B5:6A:E5:08:FA:BF:34:35:50:88:69:B9:C3:19:0E:22",
                  "trust": "pinned",
                  "model": "BSB002",
                  "api_version": "1.66.0",
                  "paired_at": 1700000000
                }
              ]
            }"#]].assert_eq(&text);
        std::fs::write(dir.path().join("bridges.json"), "{").unwrap();
        assert_eq!(load(Some(dir.path())).unwrap_err().kind(), "config");
    }
}
