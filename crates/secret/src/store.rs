//! Where secrets are kept between runs, behind one trait.
//!
//! - [`KeychainStore`]: the OS keychain (macOS Keychain, Windows Credential Manager, the Secret
//!   Service on Linux). The default wherever it works.
//! - [`FileStore`]: a JSON file readable by its owner only (0600), for machines with no keychain
//!   (a headless Linux without a Secret Service daemon). Chosen with a loud warning.
//! - [`MemoryStore`]: for tests and the demo; it can be told to fail writes, so that callers can
//!   prove a failed write loses nothing.
//!
//! The trait is synchronous because the platform keychains are: async callers wrap calls in
//! `spawn_blocking`.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use hearth_files::{FileError, JsonFile};

use crate::Secret;

/// The environment variable that chooses the store: `keychain`, `file`, `memory` or `auto`
/// (the default: the keychain if it answers, else the file).
pub const STORE_ENV: &str = "HEARTH_SECRET_STORE";

/// Where secrets are kept, for the user to see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreKind {
    Keychain,
    File(PathBuf),
    Memory,
}

impl fmt::Display for StoreKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Keychain => f.write_str("the system keychain"),
            Self::File(path) => write!(f, "a private file ({})", path.display()),
            Self::Memory => f.write_str("memory (forgotten when Hearth quits)"),
        }
    }
}

/// Why a secret could not be read or written. Never carries the secret.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the system keychain failed: {0}")]
    Keychain(String),
    #[error("could not {action} the secrets file {path}: {source}")]
    File {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the secrets file {0} is damaged; move it away to start afresh")]
    Damaged(PathBuf),
    #[error("the secret store refused the write")]
    WriteRefused,
}

/// A place to keep secrets by name. Names are short ASCII paths such as
/// `hue/bridge/001788fffe23bfc2/app-key`.
pub trait SecretStore: Send + Sync + fmt::Debug {
    fn get(&self, name: &str) -> Result<Option<Secret>, StoreError>;
    fn put(&self, name: &str, value: &Secret) -> Result<(), StoreError>;
    /// Deleting a name that is not there is not an error.
    fn delete(&self, name: &str) -> Result<(), StoreError>;
    fn kind(&self) -> StoreKind;
}

/// Opens the store chosen by [`STORE_ENV`] (default `auto`). `service` names Hearth's entries in
/// the keychain; `config_dir` holds the fallback file.
pub fn open(service: &str, config_dir: &Path) -> Arc<dyn SecretStore> {
    let file = || Arc::new(FileStore::new(config_dir.join("secrets.json"))) as Arc<dyn SecretStore>;
    match std::env::var(STORE_ENV).as_deref() {
        Ok("memory") => Arc::new(MemoryStore::default()),
        Ok("file") => file(),
        Ok("keychain") => Arc::new(KeychainStore::new(service)),
        _ => {
            let keychain = KeychainStore::new(service);
            match keychain.probe() {
                Ok(()) => Arc::new(keychain),
                Err(err) => {
                    let store = file();
                    tracing::warn!(
                        "NO SYSTEM KEYCHAIN ({err}): Hearth keeps its secrets in {}. Anyone who \
                         can read your files can read them. Install and unlock a Secret Service \
                         (GNOME Keyring, KWallet) to keep them in the keychain.",
                        store.kind()
                    );
                    store
                }
            }
        }
    }
}

/// The OS keychain, through the `keyring` crate.
#[derive(Debug)]
pub struct KeychainStore {
    service: String,
}

impl KeychainStore {
    pub fn new(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
        }
    }

    fn entry(&self, name: &str) -> Result<keyring::Entry, StoreError> {
        keyring::Entry::new(&self.service, name).map_err(keychain_error)
    }

    /// Whether the keychain answers at all (a missing entry is an answer).
    pub fn probe(&self) -> Result<(), StoreError> {
        match self.entry("probe")?.get_password() {
            Ok(_) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(err) => Err(keychain_error(err)),
        }
    }
}

fn keychain_error(err: keyring::Error) -> StoreError {
    // keyring's messages describe the platform failure, never the stored value.
    StoreError::Keychain(err.to_string())
}

impl SecretStore for KeychainStore {
    fn get(&self, name: &str) -> Result<Option<Secret>, StoreError> {
        match self.entry(name)?.get_password() {
            Ok(value) => Ok(Some(Secret::from(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(err) => Err(keychain_error(err)),
        }
    }

    fn put(&self, name: &str, value: &Secret) -> Result<(), StoreError> {
        self.entry(name)?
            .set_password(value.expose())
            .map_err(keychain_error)
    }

    fn delete(&self, name: &str) -> Result<(), StoreError> {
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(err) => Err(keychain_error(err)),
        }
    }

    fn kind(&self) -> StoreKind {
        StoreKind::Keychain
    }
}

/// A JSON file of name → secret, readable by its owner only (0600 from the moment it exists).
///
/// Every change goes through `hearth_files`: under a lock that other processes (the app and the
/// CLI) take too, the file is read again, changed and replaced atomically, so that two processes
/// writing at once lose neither's secrets and a crash mid-write leaves the previous file whole.
#[derive(Debug)]
pub struct FileStore {
    file: JsonFile,
}

impl FileStore {
    pub fn new(path: PathBuf) -> Self {
        Self {
            file: JsonFile::private(path),
        }
    }

    fn read(&self) -> Result<BTreeMap<String, String>, StoreError> {
        Ok(self.file.read()?.unwrap_or_default())
    }

    fn update(&self, change: impl FnOnce(&mut BTreeMap<String, String>)) -> Result<(), StoreError> {
        self.file.update(change)?;
        Ok(())
    }
}

impl From<FileError> for StoreError {
    fn from(err: FileError) -> Self {
        match err {
            FileError::Io {
                action,
                path,
                source,
            } => Self::File {
                action,
                path,
                source,
            },
            FileError::Damaged { path, .. } => Self::Damaged(path),
            FileError::Encode { path } => Self::File {
                action: "encode",
                path,
                source: std::io::Error::other("the secrets could not be encoded"),
            },
        }
    }
}

impl SecretStore for FileStore {
    fn get(&self, name: &str) -> Result<Option<Secret>, StoreError> {
        Ok(self.read()?.remove(name).map(Secret::from))
    }

    fn put(&self, name: &str, value: &Secret) -> Result<(), StoreError> {
        self.update(|secrets| {
            secrets.insert(name.to_owned(), value.expose().to_owned());
        })
    }

    fn delete(&self, name: &str) -> Result<(), StoreError> {
        self.update(|secrets| {
            secrets.remove(name);
        })
    }

    fn kind(&self) -> StoreKind {
        StoreKind::File(self.file.path().to_owned())
    }
}

/// Secrets in memory, for tests and the demo.
#[derive(Debug, Default)]
pub struct MemoryStore {
    secrets: Mutex<BTreeMap<String, Secret>>,
    refuse_writes: AtomicBool,
}

impl MemoryStore {
    /// From now on, `put` and `delete` fail (and change nothing) while `refuse` is true.
    pub fn refuse_writes(&self, refuse: bool) {
        self.refuse_writes.store(refuse, Ordering::SeqCst);
    }

    fn secrets(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Secret>> {
        self.secrets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn check_writable(&self) -> Result<(), StoreError> {
        if self.refuse_writes.load(Ordering::SeqCst) {
            Err(StoreError::WriteRefused)
        } else {
            Ok(())
        }
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, name: &str) -> Result<Option<Secret>, StoreError> {
        Ok(self.secrets().get(name).cloned())
    }

    fn put(&self, name: &str, value: &Secret) -> Result<(), StoreError> {
        self.check_writable()?;
        self.secrets().insert(name.to_owned(), value.clone());
        Ok(())
    }

    fn delete(&self, name: &str) -> Result<(), StoreError> {
        self.check_writable()?;
        self.secrets().remove(name);
        Ok(())
    }

    fn kind(&self) -> StoreKind {
        StoreKind::Memory
    }
}

#[cfg(test)]
mod tests {
    use super::{FileStore, MemoryStore, SecretStore, StoreError};
    use crate::Secret;

    /// The behaviour every store shares.
    fn exercise(store: &dyn SecretStore) {
        assert_eq!(store.get("a/b").unwrap(), None);
        store.put("a/b", &Secret::from("one")).unwrap();
        store.put("c", &Secret::from("two")).unwrap();
        assert_eq!(store.get("a/b").unwrap(), Some(Secret::from("one")));
        store.put("a/b", &Secret::from("three")).unwrap();
        assert_eq!(store.get("a/b").unwrap(), Some(Secret::from("three")));
        store.delete("a/b").unwrap();
        store.delete("a/b").unwrap();
        assert_eq!(store.get("a/b").unwrap(), None);
        assert_eq!(store.get("c").unwrap(), Some(Secret::from("two")));
    }

    #[test]
    fn memory_store_behaves_and_can_refuse_writes() {
        let store = MemoryStore::default();
        exercise(&store);
        store.refuse_writes(true);
        assert!(matches!(
            store.put("c", &Secret::from("new")),
            Err(StoreError::WriteRefused)
        ));
        assert_eq!(store.get("c").unwrap(), Some(Secret::from("two")));
    }

    #[test]
    fn file_store_behaves_and_persists() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/secrets.json");
        exercise(&FileStore::new(path.clone()));
        // A second store on the same file (the CLI next to the app) sees the same secrets.
        assert_eq!(
            FileStore::new(path).get("c").unwrap(),
            Some(Secret::from("two"))
        );
    }

    #[cfg(unix)]
    #[test]
    fn file_store_is_private_even_over_an_open_file() {
        use std::os::unix::fs::PermissionsExt as _;

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secrets.json");
        std::fs::write(&path, "{}").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        FileStore::new(path.clone())
            .put("k", &Secret::from("v"))
            .unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    #[test]
    fn file_store_reads_the_file_earlier_versions_wrote() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secrets.json");
        // As the version before hearth-files wrote it.
        std::fs::write(
            &path,
            "{\n  \"hue/bridge/001788fffe23bfc2/app-key\": \"key-one\",\n  \"hue/remote/tokens\": \"{}\"\n}",
        )
        .unwrap();
        let store = FileStore::new(path.clone());
        assert_eq!(
            store.get("hue/bridge/001788fffe23bfc2/app-key").unwrap(),
            Some(Secret::from("key-one"))
        );
        store.put("c", &Secret::from("two")).unwrap();
        assert_eq!(
            store.get("hue/remote/tokens").unwrap(),
            Some(Secret::from("{}"))
        );
        assert_eq!(store.get("c").unwrap(), Some(Secret::from("two")));
    }

    #[test]
    fn damaged_file_is_reported_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secrets.json");
        std::fs::write(&path, "not json").unwrap();
        let store = FileStore::new(path.clone());
        assert!(matches!(store.get("k"), Err(StoreError::Damaged(_))));
        assert!(matches!(
            store.put("k", &Secret::from("v")),
            Err(StoreError::Damaged(_))
        ));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "not json");
    }
}
