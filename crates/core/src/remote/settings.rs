//! What Hearth remembers about remote access outside the secret store, as `remote.json` in the
//! configuration directory (shared by the app and the CLI): the app registration's client id and
//! callback URL, the cloud used, and which bridge the link reaches. No secret is in it: the
//! client secret, the tokens and any username made through the cloud are in the secret store
//! under [`client_secret_name`], [`tokens_name`] and [`username_name`].

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use hearth_files::{FileError, JsonFile, Stamp};

use super::RemoteError;
use crate::storage;

/// The secret store entry holding the app registration's client secret.
pub fn client_secret_name() -> &'static str {
    "hue/remote/client-secret"
}

/// The secret store entry holding the link's tokens (see `hearth_oauth::TokenSet`).
pub fn tokens_name() -> &'static str {
    "hue/remote/tokens"
}

/// The secret store entry holding a username made through the cloud for `bridge_id`.
pub fn username_name(bridge_id: &str) -> String {
    format!("hue/remote/bridge/{bridge_id}/username")
}

/// How the app authenticates to the token endpoint. The Hue cloud offers both.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClientAuthSetting {
    /// The secret never crosses the wire.
    #[default]
    Digest,
    Basic,
}

impl From<ClientAuthSetting> for hearth_oauth::ClientAuth {
    fn from(auth: ClientAuthSetting) -> Self {
        match auth {
            ClientAuthSetting::Digest => Self::Digest,
            ClientAuthSetting::Basic => Self::Basic,
        }
    }
}

/// A bridge Hearth reaches only through the cloud (never paired on the local network), with a
/// username made remotely.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteBridge {
    pub id: String,
    pub name: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    #[serde(default)]
    pub version: u32,
    pub client_id: Option<String>,
    /// The callback URL registered on the portal, if the user gave it.
    pub callback: Option<String>,
    /// The cloud the registration and the link belong to (`None`: the default one).
    pub cloud_url: Option<String>,
    #[serde(default)]
    pub auth: ClientAuthSetting,
    /// The bridge the link reaches, once known.
    pub bridge_id: Option<String>,
    #[serde(default)]
    pub remote_bridges: Vec<RemoteBridge>,
}

pub fn file(config_dir: &Path) -> PathBuf {
    config_dir.join("remote.json")
}

fn config_error(err: &FileError) -> RemoteError {
    RemoteError::Config {
        path: err.path().to_owned(),
        reason: storage::reason(err, "move it away and link again"),
    }
}

/// The settings in the file and the file's stamp (defaults without a configuration directory).
pub fn load(config_dir: Option<&Path>) -> Result<(Settings, Stamp), RemoteError> {
    let Some(dir) = config_dir else {
        return Ok((Settings::default(), Stamp::default()));
    };
    let (settings, stamp) = JsonFile::new(file(dir))
        .read_stamped::<Settings>()
        .map_err(|err| config_error(&err))?;
    Ok((settings.unwrap_or_default(), stamp))
}

/// The file's stamp now, to tell whether another process changed it.
pub fn stamp(config_dir: Option<&Path>) -> Result<Stamp, RemoteError> {
    match config_dir {
        Some(dir) => JsonFile::new(file(dir))
            .stamp()
            .map_err(|err| config_error(&err)),
        None => Ok(Stamp::default()),
    }
}

/// Applies `change` to the settings the file holds now (read again under the file's lock, so
/// that another process's changes to other fields are kept) and saves them; returns the change's
/// result, the settings and the file's new stamp. Without a configuration directory, `change`
/// applies to `in_memory`.
pub fn update<R>(
    config_dir: Option<&Path>,
    in_memory: &Settings,
    change: impl FnOnce(&mut Settings) -> R,
) -> Result<(R, Settings, Stamp), RemoteError> {
    let Some(dir) = config_dir else {
        let mut settings = in_memory.clone();
        let result = change(&mut settings);
        return Ok((result, settings, Stamp::default()));
    };
    let updated = JsonFile::new(file(dir))
        .update(|settings: &mut Settings| {
            let result = change(settings);
            settings.version = settings.version.max(1);
            result
        })
        .map_err(|err| config_error(&err))?;
    Ok((updated.result, updated.value, updated.stamp))
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::{RemoteBridge, Settings, load, update};

    #[test]
    fn round_trips_and_holds_no_secret() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load(Some(dir.path())).unwrap().0, Settings::default());
        let settings = Settings {
            client_id: Some("the-client-id".into()),
            callback: Some("http://localhost:8584/callback".into()),
            bridge_id: Some("001788fffe23bfc2".into()),
            remote_bridges: vec![RemoteBridge {
                id: "001788fffe23bfc2".into(),
                name: "Hue Bridge".into(),
            }],
            ..Settings::default()
        };
        let saved = settings.clone();
        update(Some(dir.path()), &Settings::default(), move |s| *s = saved).unwrap();
        let (loaded, _) = load(Some(dir.path())).unwrap();
        assert_eq!(loaded.client_id, settings.client_id);
        assert_eq!(loaded.remote_bridges, settings.remote_bridges);
        let text = std::fs::read_to_string(dir.path().join("remote.json")).unwrap();
        expect![[r#"
            {
              "version": 1,
              "client_id": "the-client-id",
              "callback": "http://localhost:8584/callback",
              "cloud_url": null,
              "auth": "digest",
              "bridge_id": "001788fffe23bfc2",
              "remote_bridges": [
                {
                  "id": "001788fffe23bfc2",
                  "name": "Hue Bridge"
                }
              ]
            }"#]]
        .assert_eq(&text);
        std::fs::write(dir.path().join("remote.json"), "{").unwrap();
        assert_eq!(load(Some(dir.path())).unwrap_err().kind(), "config");
    }

    /// A file as the version before `hearth_files` wrote it loads, and a change keeps the fields
    /// it does not touch.
    #[test]
    fn loads_and_keeps_the_previous_versions_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("remote.json"),
            r#"{
  "version": 1,
  "client_id": "the-client-id",
  "callback": null,
  "cloud_url": "http://127.0.0.1:9/",
  "auth": "basic",
  "bridge_id": "001788fffe23bfc2",
  "remote_bridges": []
}"#,
        )
        .unwrap();
        let (loaded, _) = load(Some(dir.path())).unwrap();
        assert_eq!(loaded.client_id.as_deref(), Some("the-client-id"));
        assert_eq!(loaded.auth, super::ClientAuthSetting::Basic);
        let ((), saved, _) = update(Some(dir.path()), &Settings::default(), |s| {
            s.remote_bridges.push(RemoteBridge {
                id: "001788fffe000001".into(),
                name: "Away".into(),
            });
        })
        .unwrap();
        assert_eq!(saved.client_id, loaded.client_id);
        assert_eq!(saved.cloud_url, loaded.cloud_url);
        assert_eq!(saved.bridge_id, loaded.bridge_id);
        assert_eq!(load(Some(dir.path())).unwrap().0, saved);
    }
}
