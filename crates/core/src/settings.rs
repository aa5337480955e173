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

use std::path::Path;

use hearth_files::{FileError, JsonFile, Stamp};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::favourites::Favourite;
use crate::paths::settings_file;

/// The format this version writes.
pub const VERSION: u32 = 1;

/// The shared settings. The energy settings arrive with the energy issues; the file, its lock and
/// the rules for unknown fields are ready for them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// The format of the file: [`VERSION`], or higher if a newer Hearth wrote it.
    #[serde(default)]
    pub version: u32,
    /// The rooms, zones and scenes the user starred ([`crate::favourites`]), in the order they
    /// were starred. Written only once there is one, so that a file without any stays as it was.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub favourites: Vec<Favourite>,
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

    /// A field this version does not know, as read (for tests and diagnostics).
    pub fn unknown_field(&self, name: &str) -> Option<&Value> {
        self.other.get(name)
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::{Settings, VERSION};

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
            r#"{"version": 2, "energy_proxy": "https://proxy.example", "offer": {"kind": "tempo"}}"#,
        )
        .unwrap();
        let loaded = Settings::load(dir.path()).unwrap();
        assert_eq!(
            loaded.unknown_field("energy_proxy"),
            Some(&serde_json::json!("https://proxy.example"))
        );
        let (saved, ()) = Settings::update(dir.path(), |_| ()).unwrap();
        assert_eq!(saved, loaded);
        let text = std::fs::read_to_string(&path).unwrap();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["version"], 2, "{text}");
        assert_eq!(value["energy_proxy"], "https://proxy.example", "{text}");
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
}
