//! The bridges Hearth knows, persisted as `bridges.json` in the configuration directory (no
//! secrets: the app key is in the secret store under [`app_key_name`]). The app and the CLI share
//! the file: every change reads it again under a lock both take (see `hearth_files`), so that
//! neither drops a bridge the other paired.

use std::path::{Path, PathBuf};

use hearth_hue::{BridgeAddress, Fingerprint};
use serde::{Deserialize, Serialize};

use hearth_files::{FileError, JsonFile, Stamp};

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
    #[serde(default)]
    version: u32,
    bridges: Vec<KnownBridge>,
}

impl Default for File {
    fn default() -> Self {
        Self {
            version: 1,
            bridges: Vec::new(),
        }
    }
}

pub fn file(config_dir: &Path) -> PathBuf {
    config_dir.join("bridges.json")
}

fn config_error(err: &FileError) -> LightsError {
    LightsError::Config {
        path: err.path().to_owned(),
        reason: storage::reason(err, "move it away to start afresh"),
    }
}

/// The bridges in the file and the file's stamp (none without a configuration directory).
pub fn load(config_dir: Option<&Path>) -> Result<(Vec<KnownBridge>, Stamp), LightsError> {
    let Some(dir) = config_dir else {
        return Ok((Vec::new(), Stamp::default()));
    };
    let (file, stamp) = JsonFile::new(file(dir))
        .read_stamped::<File>()
        .map_err(|err| config_error(&err))?;
    Ok((file.map(|f| f.bridges).unwrap_or_default(), stamp))
}

/// The file's stamp now, to tell whether another process changed it.
pub fn stamp(config_dir: Option<&Path>) -> Result<Stamp, LightsError> {
    match config_dir {
        Some(dir) => JsonFile::new(file(dir))
            .stamp()
            .map_err(|err| config_error(&err)),
        None => Ok(Stamp::default()),
    }
}

/// Applies `change` to the bridges the file holds now (read again under the file's lock, so that
/// another process's bridges are kept), saves them, and returns them with the change's result and
/// the file's new stamp. Without a configuration directory, `change` applies to `in_memory`.
pub fn update<R>(
    config_dir: Option<&Path>,
    in_memory: &[KnownBridge],
    change: impl FnOnce(&mut Vec<KnownBridge>) -> R,
) -> Result<(R, Vec<KnownBridge>, Stamp), LightsError> {
    let Some(dir) = config_dir else {
        let mut bridges = in_memory.to_vec();
        let result = change(&mut bridges);
        return Ok((result, bridges, Stamp::default()));
    };
    let updated = JsonFile::new(file(dir))
        .update(|file: &mut File| {
            file.version = file.version.max(1);
            change(&mut file.bridges)
        })
        .map_err(|err| config_error(&err))?;
    Ok((updated.result, updated.value.bridges, updated.stamp))
}

#[cfg(test)]
mod tests {
    use expect_test::expect;
    use hearth_hue::Fingerprint;

    use super::{KnownBridge, Trust, load, update};

    #[test]
    fn round_trips_and_holds_no_secret() {
        let dir = tempfile::tempdir().unwrap();
        assert!(load(Some(dir.path())).unwrap().0.is_empty());
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
        let pushed = bridge.clone();
        update(Some(dir.path()), &[], move |bridges| bridges.push(pushed)).unwrap();
        assert_eq!(load(Some(dir.path())).unwrap().0, [bridge]);
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

    /// A file as the version before `hearth_files` wrote it loads, and a change keeps its
    /// bridges: the app's and the CLI's after an upgrade.
    #[test]
    fn loads_and_keeps_the_previous_versions_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("bridges.json"),
            r#"{
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
}"#,
        )
        .unwrap();
        let (bridges, stamp) = load(Some(dir.path())).unwrap();
        assert!(stamp.exists());
        assert_eq!(bridges.len(), 1);
        assert_eq!(bridges[0].fingerprint, Fingerprint::of(b"cert"));
        assert_eq!(bridges[0].trust, Trust::Pinned);
        let mut other = bridges[0].clone();
        other.id = "001788fffe000001".into();
        let ((), saved, _) = update(Some(dir.path()), &[], |bridges| bridges.push(other)).unwrap();
        assert_eq!(
            saved.iter().map(|b| b.id.as_str()).collect::<Vec<_>>(),
            ["001788fffe23bfc2", "001788fffe000001"]
        );
    }
}
