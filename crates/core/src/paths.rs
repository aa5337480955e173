//! Where Hearth keeps its files. The app and the CLI use the same layout so that a bridge paired
//! with one is known to the other.

use std::path::PathBuf;

/// The environment variable that overrides the configuration directory (tests use it to keep
/// every run in a temporary folder).
pub const CONFIG_DIR_ENV: &str = "HEARTH_CONFIG_DIR";

/// The configuration directory: `$HEARTH_CONFIG_DIR`, else `<OS config dir>/hearth`
/// (`~/.config/hearth` on Linux). `None` only where the OS has no notion of a home directory.
pub fn config_dir() -> Option<PathBuf> {
    config_dir_from(
        std::env::var_os(CONFIG_DIR_ENV).map(PathBuf::from),
        dirs::config_dir(),
    )
}

fn config_dir_from(explicit: Option<PathBuf>, os_config: Option<PathBuf>) -> Option<PathBuf> {
    explicit
        .filter(|dir| !dir.as_os_str().is_empty())
        .or_else(|| os_config.map(|dir| dir.join("hearth")))
}

/// The settings the app and `hearth-cli` share (see [`crate::settings`]; never secrets). What
/// only the window uses is kept by the shell, in `tauri-plugin-store`.
pub fn settings_file(config_dir: &std::path::Path) -> PathBuf {
    config_dir.join("settings.json")
}

/// The environment variable that overrides the data directory (tests keep every run's history
/// in a temporary folder with it; the end-to-end tests read the app's history there).
pub const DATA_DIR_ENV: &str = "HEARTH_DATA_DIR";

/// The data directory, where what Hearth fetched is kept (the energy history): `$HEARTH_DATA_DIR`,
/// else `<OS data dir>/hearth` (`~/.local/share/hearth` on Linux). The app and `hearth-cli` use
/// the same one, so that a sync by either serves both.
pub fn data_dir() -> Option<PathBuf> {
    config_dir_from(
        std::env::var_os(DATA_DIR_ENV).map(PathBuf::from),
        dirs::data_dir(),
    )
}

/// The energy history (SQLite, `hearth_energy::History`) in `data_dir`.
pub fn energy_history_file(data_dir: &std::path::Path) -> PathBuf {
    data_dir.join("energy.sqlite3")
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::config_dir_from;

    #[test]
    fn explicit_directory_wins_unless_empty() {
        let os = Some(PathBuf::from("/home/u/.config"));
        assert_eq!(
            config_dir_from(Some(PathBuf::from("/tmp/h")), os.clone()),
            Some(PathBuf::from("/tmp/h"))
        );
        assert_eq!(
            config_dir_from(Some(PathBuf::new()), os.clone()),
            Some(PathBuf::from("/home/u/.config/hearth"))
        );
        assert_eq!(
            config_dir_from(None, os),
            Some(PathBuf::from("/home/u/.config/hearth"))
        );
        assert_eq!(config_dir_from(None, None), None);
    }
}
