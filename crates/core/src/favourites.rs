//! The rooms, zones and scenes the user starred: kept in `settings.json` (see [`crate::settings`])
//! because the tray and `hearth-cli` read them as well as the window.
//!
//! A favourite names its bridge and the resource's id, never its name, so that renaming a room on
//! the bridge keeps it starred. One whose room or scene is gone (deleted, or its bridge not
//! connected now) is kept and simply not shown: it comes back with its bridge.
//!
//! [`Favourites`] holds the list a lights model shows: read from the configuration folder, or
//! kept in memory where there is none (the demo writes nothing of the user's).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use hearth_files::{FileError, JsonFile, Stamp};
use serde::{Deserialize, Serialize};

use crate::lights::LightsError;
use crate::lock;
use crate::paths::settings_file;
use crate::settings::Settings;

/// What can be starred.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, specta::Type,
)]
#[serde(rename_all = "snake_case")]
pub enum FavouriteKind {
    Room,
    Zone,
    Scene,
}

/// A starred room, zone or scene. Serialized as `{"bridge_id": "…", "kind": "room", "id": "…"}`.
#[derive(
    Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, specta::Type,
)]
pub struct Favourite {
    pub bridge_id: String,
    pub kind: FavouriteKind,
    /// The resource's id on its bridge.
    pub id: String,
}

/// See the module documentation.
pub struct Favourites {
    /// `None`: in memory only.
    dir: Option<PathBuf>,
    state: Mutex<State>,
}

struct State {
    list: Vec<Favourite>,
    /// Of `settings.json` when it was last read or written here.
    stamp: Stamp,
}

impl std::fmt::Debug for Favourites {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Favourites")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

fn config_error(dir: &Path, err: &FileError) -> LightsError {
    LightsError::Config {
        path: settings_file(dir),
        reason: crate::storage::reason(err, "fix it or move it away to start afresh"),
    }
}

impl Favourites {
    /// The favourites kept in `dir` (none yet if there is no file), or an empty list kept in
    /// memory when `dir` is `None`. A file that cannot be read is no reason to keep the lights
    /// from opening: it shows no favourites, and the problem (logged here) is what starring one
    /// answers until the file is fixed, when it is read again.
    pub fn open(dir: Option<PathBuf>) -> Self {
        let mut state = State {
            list: Vec::new(),
            stamp: Stamp::default(),
        };
        if let Some(dir) = &dir {
            match JsonFile::new(settings_file(dir)).read_stamped::<Settings>() {
                Ok((settings, stamp)) => {
                    state.list = settings.map(|s| s.favourites).unwrap_or_default();
                    state.stamp = stamp;
                }
                Err(err) => tracing::warn!("no favourites: {}", config_error(dir, &err)),
            }
        }
        Self {
            dir,
            state: Mutex::new(state),
        }
    }

    /// Every favourite, in the order they were starred (those whose target is gone too).
    pub fn list(&self) -> Vec<Favourite> {
        lock(&self.state).list.clone()
    }

    pub fn contains(&self, favourite: &Favourite) -> bool {
        lock(&self.state).list.contains(favourite)
    }

    /// Stars `favourite` (`on`) or not, in the file as it is now (another process's changes are
    /// kept). Returns whether the list changed.
    pub fn set(&self, favourite: &Favourite, on: bool) -> Result<bool, LightsError> {
        let change = |list: &mut Vec<Favourite>| {
            let had = list.contains(favourite);
            if on && !had {
                list.push(favourite.clone());
            } else if !on && had {
                list.retain(|f| f != favourite);
            }
            had != on
        };
        let mut state = lock(&self.state);
        let Some(dir) = &self.dir else {
            return Ok(change(&mut state.list));
        };
        let before = state.list.clone();
        let (saved, _, stamp) =
            Settings::update_stamped(dir, |settings| change(&mut settings.favourites))
                .map_err(|err| config_error(dir, &err))?;
        state.stamp = stamp;
        state.list = saved.favourites;
        Ok(state.list != before)
    }

    /// Reads the file again if another process changed it since it was read or written here.
    /// Returns whether the list changed.
    pub fn reload_if_changed(&self) -> Result<bool, LightsError> {
        let Some(dir) = &self.dir else {
            return Ok(false);
        };
        let file = JsonFile::new(settings_file(dir));
        let mut state = lock(&self.state);
        if file.stamp().map_err(|err| config_error(dir, &err))? == state.stamp {
            return Ok(false);
        }
        let (settings, stamp) = file
            .read_stamped::<Settings>()
            .map_err(|err| config_error(dir, &err))?;
        let list = settings.map(|s| s.favourites).unwrap_or_default();
        state.stamp = stamp;
        let changed = state.list != list;
        state.list = list;
        Ok(changed)
    }
}

#[cfg(test)]
mod tests {
    use super::{Favourite, FavouriteKind, Favourites};

    fn room(id: &str) -> Favourite {
        Favourite {
            bridge_id: "001788fffe000001".to_owned(),
            kind: FavouriteKind::Room,
            id: id.to_owned(),
        }
    }

    #[test]
    fn starring_is_kept_in_settings_json_beside_other_fields() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        std::fs::write(
            &path,
            r#"{"version": 1, "energy_proxy": {"url": "https://p.example/", "client_id": "hearth"}, "offer": "tempo"}"#,
        )
        .unwrap();
        let favourites = Favourites::open(Some(dir.path().to_path_buf()));
        assert!(favourites.list().is_empty());

        assert!(favourites.set(&room("r1"), true).unwrap());
        assert!(!favourites.set(&room("r1"), true).unwrap(), "starred twice");
        assert!(favourites.set(&room("r2"), true).unwrap());
        assert!(favourites.set(&room("r1"), false).unwrap());
        assert_eq!(favourites.list(), [room("r2")]);

        let saved: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(
            saved["energy_proxy"],
            serde_json::json!({"url": "https://p.example/", "client_id": "hearth"})
        );
        assert_eq!(saved["offer"], "tempo");
        assert_eq!(
            saved["favourites"],
            serde_json::json!([{"bridge_id": "001788fffe000001", "kind": "room", "id": "r2"}])
        );
        // Read again by another model (the CLI, the next run).
        let again = Favourites::open(Some(dir.path().to_path_buf()));
        assert_eq!(again.list(), [room("r2")]);
    }

    #[test]
    fn another_processs_change_is_picked_up_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let here = Favourites::open(Some(dir.path().to_path_buf()));
        let there = Favourites::open(Some(dir.path().to_path_buf()));
        assert!(!here.reload_if_changed().unwrap());
        there.set(&room("a"), true).unwrap();
        assert!(here.reload_if_changed().unwrap());
        assert_eq!(here.list(), [room("a")]);
        assert!(!here.reload_if_changed().unwrap(), "nothing new");
        // Here does not know of `b` yet: starring `c` keeps it all the same.
        there.set(&room("b"), true).unwrap();
        here.set(&room("c"), true).unwrap();
        assert_eq!(here.list(), [room("a"), room("b"), room("c")]);
    }

    #[test]
    fn without_a_folder_they_live_in_memory() {
        let favourites = Favourites::open(None);
        assert!(favourites.set(&room("r"), true).unwrap());
        assert!(favourites.contains(&room("r")));
        assert!(!favourites.reload_if_changed().unwrap());
    }

    #[test]
    fn a_damaged_file_shows_none_refuses_changes_and_is_read_again_once_fixed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        std::fs::write(&path, "{").unwrap();
        let favourites = Favourites::open(Some(dir.path().to_path_buf()));
        assert!(favourites.list().is_empty());
        let err = favourites.set(&room("r"), true).unwrap_err();
        assert!(
            matches!(&err, crate::lights::LightsError::Config { path: p, .. } if *p == path),
            "{err:?}"
        );
        assert!(favourites.reload_if_changed().is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{");
        std::fs::write(
            &path,
            r#"{"favourites": [{"bridge_id": "001788fffe000001", "kind": "room", "id": "r"}]}"#,
        )
        .unwrap();
        assert!(favourites.reload_if_changed().unwrap());
        assert_eq!(favourites.list(), [room("r")]);
    }
}
