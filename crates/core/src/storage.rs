//! How the lights and remote models keep things: secret store calls run off the async threads;
//! JSON files in the configuration directory go through `hearth_files` (read again and changed
//! under a lock the app and the CLI share, replaced atomically).

use hearth_files::FileError;
use hearth_secret::StoreError;

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

/// Why a shared file (`bridges.json`, `remote.json`, `settings.json`) cannot be used, for a
/// `Config { path, reason }` error that names the path itself. `damaged` says what to do about a
/// damaged file.
pub(crate) fn reason(err: &FileError, damaged: &str) -> String {
    match err {
        FileError::Io { action, source, .. } => format!("could not {action} it: {source}"),
        FileError::Damaged { line, column, .. } => {
            format!("it is damaged (unreadable at line {line}, column {column}); {damaged}")
        }
        FileError::Encode { .. } => "its new content could not be encoded".to_owned(),
    }
}
