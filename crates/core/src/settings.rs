//! The settings `hearth-cli` shares with the app, as `settings.json` in the configuration
//! directory.
//!
//! Where a setting lives: what `hearth-cli` also reads (the energy proxy, the user's offer,
//! remote access) lives in core's files, read and changed through `hearth_files` under the lock
//! both processes take — remote access in `remote.json` ([`crate::remote`]), the rest here; what
//! only the window uses (its size, the tray's preferences) lives in `tauri-plugin-store`, on the
//! shell's side.
//!
//! [`Settings::update`] changes the file as it is now (read again under the lock), so that the
//! app and the CLI changing different settings keep both changes; fields a newer version wrote
//! are kept by an older one, so that running an older binary does not drop them.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::Path;

use hearth_energy::prices::PriceFeeds;
use hearth_files::{FileError, JsonFile, Stamp};
use hearth_tariff::Offer;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use url::{Host, Url};

use crate::favourites::Favourite;
use crate::paths::settings_file;

/// The format this version writes.
pub const VERSION: u32 = 1;

/// The shared settings.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// The format of the file: [`VERSION`], or higher if a newer Hearth wrote it.
    #[serde(default)]
    pub version: u32,
    /// The device-flow proxy (`hearth-proxy`) the energy screens sign in through. No default:
    /// Hearth runs no proxy of its own, so none is assumed until the user names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub energy_proxy: Option<EnergyProxy>,
    /// The rooms, zones and scenes the user starred ([`crate::favourites`]), in the order they
    /// were starred. Written only once there is one, so that a file without any stays as it was.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub favourites: Vec<Favourite>,
    /// Each meter's offer (by PRM), as the user chose it; a meter without one is priced as its
    /// contract suggests ([`crate::energy::Energy::offer`]).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub offers: BTreeMap<String, Offer>,
    /// Show the Tempo colours (tray, notifications) even where no meter's offer is Tempo.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub show_tempo: bool,
    /// Where price updates (the regulator's files, the Tempo calendar) are fetched from;
    /// `None`: the public sources ([`PriceFeeds::default`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_feeds: Option<PriceFeeds>,
    /// Fields this version does not know, kept as they were read.
    #[serde(flatten)]
    other: Map<String, Value>,
}

impl Settings {
    /// The settings in `config_dir`; defaults if there is no file yet.
    pub fn load(config_dir: &Path) -> Result<Self, FileError> {
        Ok(JsonFile::new(settings_file(config_dir))
            .read()?
            .unwrap_or_default())
    }

    /// Applies `change` to the settings as the file holds them now, under the lock other
    /// processes take too, and saves them (only if something changed). Returns the settings
    /// saved and what `change` returned.
    pub fn update<R>(
        config_dir: &Path,
        change: impl FnOnce(&mut Self) -> R,
    ) -> Result<(Self, R), FileError> {
        Self::update_stamped(config_dir, change).map(|(settings, result, _)| (settings, result))
    }

    /// [`Self::update`], with the file's stamp after the change: what a model that follows the
    /// file compares later to notice another process's change.
    pub fn update_stamped<R>(
        config_dir: &Path,
        change: impl FnOnce(&mut Self) -> R,
    ) -> Result<(Self, R, Stamp), FileError> {
        let updated = JsonFile::new(settings_file(config_dir)).update(|settings: &mut Self| {
            let result = change(settings);
            // Never lowered: a newer version's file stays marked as such.
            settings.version = settings.version.max(VERSION);
            result
        })?;
        Ok((updated.value, updated.result, updated.stamp))
    }

    /// Sets (or with `None`, forgets) the energy proxy, under the lock; returns the settings
    /// saved.
    pub fn set_energy_proxy(
        config_dir: &Path,
        proxy: Option<EnergyProxy>,
    ) -> Result<Self, SettingsError> {
        Ok(Self::update(config_dir, |settings| settings.energy_proxy = proxy)?.0)
    }

    /// A field this version does not know, as read (for tests and diagnostics).
    pub fn unknown_field(&self, name: &str) -> Option<&Value> {
        self.other.get(name)
    }
}

/// Where the energy screens sign in: a `hearth-proxy` and the client id it knows Hearth by.
/// Neither is a secret (a device-flow client is public), so both live in `settings.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct EnergyProxy {
    /// The proxy's base address, as [`EnergyProxy::new`] normalized it.
    pub url: String,
    pub client_id: String,
}

impl EnergyProxy {
    /// Checks what the user typed: an `https` address (plain `http` only on this computer, where
    /// nobody on the network can read it, e.g. a proxy run by hand for a test), with no user
    /// name or password in it, and a client id.
    pub fn new(url: &str, client_id: &str) -> Result<Self, SettingsError> {
        let parsed =
            Url::parse(url.trim()).map_err(|err| SettingsError::Malformed(err.to_string()))?;
        match parsed.scheme() {
            "https" => {}
            "http" if is_loopback(parsed.host()) => {}
            "http" => return Err(SettingsError::NotHttps),
            other => return Err(SettingsError::Scheme(other.to_owned())),
        }
        if parsed.host().is_none() {
            return Err(SettingsError::Malformed("no host".to_owned()));
        }
        // A password here would end up in a plain file and on screen.
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(SettingsError::Credentials);
        }
        let client_id = client_id.trim();
        if client_id.is_empty() {
            return Err(SettingsError::NoClientId);
        }
        Ok(Self {
            url: parsed.to_string(),
            client_id: client_id.to_owned(),
        })
    }
}

/// 127.0.0.0/8, ::1 and `localhost` (which RFC 6761 reserves for this computer).
fn is_loopback(host: Option<Host<&str>>) -> bool {
    match host {
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("not a web address: {0}")]
    Malformed(String),
    #[error(
        "the proxy must be reached over https; plain http only on this computer (127.0.0.1, ::1, localhost)"
    )]
    NotHttps,
    #[error("the proxy's address must start with https://, not {0}://")]
    Scheme(String),
    #[error("the proxy's address must not carry a user name or password")]
    Credentials,
    #[error("the proxy's client id is missing")]
    NoClientId,
    #[error(transparent)]
    File(#[from] FileError),
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::{EnergyProxy, Settings, SettingsError, VERSION};

    #[test]
    fn missing_file_gives_defaults_and_an_update_writes_the_version() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Settings::load(dir.path()).unwrap(), Settings::default());
        let (saved, ()) = Settings::update(dir.path(), |_| ()).unwrap();
        assert_eq!(saved.version, VERSION);
        assert_eq!(Settings::load(dir.path()).unwrap(), saved);
        expect![[r#"
            {
              "version": 1
            }"#]]
        .assert_eq(&std::fs::read_to_string(dir.path().join("settings.json")).unwrap());
    }

    #[test]
    fn a_newer_versions_fields_survive_an_older_ones_update() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        std::fs::write(
            &path,
            r#"{"version": 2, "chart": "https://proxy.example", "offer": {"kind": "tempo"}}"#,
        )
        .unwrap();
        let loaded = Settings::load(dir.path()).unwrap();
        assert_eq!(
            loaded.unknown_field("chart"),
            Some(&serde_json::json!("https://proxy.example"))
        );
        let (saved, ()) = Settings::update(dir.path(), |_| ()).unwrap();
        assert_eq!(saved, loaded);
        let text = std::fs::read_to_string(&path).unwrap();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["version"], 2, "{text}");
        assert_eq!(value["chart"], "https://proxy.example", "{text}");
        assert_eq!(value["offer"]["kind"], "tempo", "{text}");
    }

    #[test]
    fn a_damaged_file_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        std::fs::write(&path, "{").unwrap();
        let err = Settings::load(dir.path()).unwrap_err();
        assert_eq!(err.path(), path);
        assert!(Settings::update(dir.path(), |_| ()).is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{");
    }

    #[test]
    fn a_proxy_is_https_or_http_on_this_computer_only() {
        let ok = |url: &str| EnergyProxy::new(url, "hearth").map(|proxy| proxy.url);
        assert_eq!(
            ok(" https://energy.example.org ").unwrap(),
            "https://energy.example.org/"
        );
        assert_eq!(
            ok("https://energy.example.org:8443/hearth").unwrap(),
            "https://energy.example.org:8443/hearth"
        );
        for local in [
            "http://127.0.0.1:8080",
            "http://127.1.2.3",
            "http://[::1]:9000",
            "http://localhost:8080",
            "http://LOCALHOST",
        ] {
            assert!(ok(local).is_ok(), "{local}");
        }
        for remote in [
            "http://energy.example.org",
            "http://192.168.1.10:8080",
            "http://[::2]",
            "http://localhost.example.org",
        ] {
            assert!(
                matches!(ok(remote), Err(SettingsError::NotHttps)),
                "{remote}"
            );
        }
        assert!(matches!(
            ok("ftp://energy.example.org"),
            Err(SettingsError::Scheme(scheme)) if scheme == "ftp"
        ));
        assert!(matches!(
            ok("energy.example.org"),
            Err(SettingsError::Malformed(_))
        ));
        assert!(matches!(ok(""), Err(SettingsError::Malformed(_))));
        assert!(matches!(
            ok("https://me:pw@energy.example.org"),
            Err(SettingsError::Credentials)
        ));
        assert!(matches!(
            EnergyProxy::new("https://energy.example.org", "  "),
            Err(SettingsError::NoClientId)
        ));
        assert_eq!(
            EnergyProxy::new("https://energy.example.org", " hearth ")
                .unwrap()
                .client_id,
            "hearth"
        );
    }

    #[test]
    fn the_proxy_is_kept_with_what_another_process_wrote() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Settings::load(dir.path()).unwrap().energy_proxy, None);
        // Another process wrote meanwhile: a favourite (the CLI), and a field of its own (a newer
        // CLI).
        std::fs::write(
            dir.path().join("settings.json"),
            r#"{"version": 1, "favourites": [{"bridge_id": "b1", "kind": "room", "id": "r1"}], "offer": {"kind": "tempo"}}"#,
        )
        .unwrap();
        let proxy = EnergyProxy::new("https://energy.example.org", "hearth").unwrap();
        let saved = Settings::set_energy_proxy(dir.path(), Some(proxy.clone())).unwrap();
        assert_eq!(saved.energy_proxy.as_ref(), Some(&proxy));
        let loaded = Settings::load(dir.path()).unwrap();
        assert_eq!(loaded.energy_proxy, Some(proxy));
        assert_eq!(loaded.favourites.len(), 1);
        assert!(loaded.unknown_field("offer").is_some());
        expect![[r#"
            {
              "version": 1,
              "energy_proxy": {
                "url": "https://energy.example.org/",
                "client_id": "hearth"
              },
              "favourites": [
                {
                  "bridge_id": "b1",
                  "kind": "room",
                  "id": "r1"
                }
              ],
              "offer": {
                "kind": "tempo"
              }
            }"#]]
        .assert_eq(&std::fs::read_to_string(dir.path().join("settings.json")).unwrap());

        let cleared = Settings::set_energy_proxy(dir.path(), None).unwrap();
        assert_eq!(cleared.energy_proxy, None);
        let loaded = Settings::load(dir.path()).unwrap();
        assert_eq!(loaded.energy_proxy, None);
        assert_eq!(
            loaded.favourites.len(),
            1,
            "forgetting the proxy keeps the favourites"
        );
    }
}
