//! How the lights and remote models keep things: secret store calls run off the async threads,
//! and JSON files in the configuration directory, read if present and replaced atomically.

use std::io;
use std::path::Path;

use hearth_secret::StoreError;
use serde::Serialize;

/// Runs a secret store call on the blocking pool: keychains are synchronous (D-Bus, the OS).
pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(work).await.unwrap_or_else(|_| {
        Err(StoreError::Keychain(
            "the secret store task failed".to_owned(),
        ))
    })
}

/// The file's content, or `None` if there is no file.
pub(crate) fn read_if_present(path: &Path) -> io::Result<Option<Vec<u8>>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(err),
    }
}

/// Writes `value` as JSON, creating the file's folder, through a temporary file renamed over the
/// old one: a crash mid-write leaves the previous file whole.
pub(crate) fn write_json(path: &Path, value: &impl Serialize) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let body = serde_json::to_vec_pretty(value).map_err(io::Error::other)?;
    let temp = path.with_extension("json.tmp");
    std::fs::write(&temp, body)?;
    std::fs::rename(&temp, path)
}
