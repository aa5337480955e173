//! Files that several Hearth processes share — the app, open for days, and `hearth-cli` beside
//! it — kept as JSON, each changed as a whole under an advisory lock.
//!
//! A change ([`JsonFile::update`]) is a read-modify-write:
//!
//! 1. take an exclusive lock on a sidecar file, `<name>.lock`, which is never replaced (locking
//!    the JSON file itself would not work: the rename below swaps its inode away, and a process
//!    waiting on the old inode would then hold a lock nobody else takes);
//! 2. read the file again, under the lock, so that the change applies to what the file holds now
//!    and not to what the caller read earlier;
//! 3. write the result to a temporary file with a name no other writer uses, in the same folder,
//!    with the file's mode (0600 from creation for a [`JsonFile::private`] file, whatever the
//!    umask), and sync it;
//! 4. rename it over the file and sync the folder, so that a crash leaves the old file or the
//!    new one, whole.
//!
//! Reading ([`JsonFile::read`]) takes no lock: a rename replaces the file whole, so a reader sees
//! the content before a change or after it, never a mix. A [`Stamp`] tells a process holding what
//! it read whether the file has changed since, without reading it.
//!
//! The lock is advisory (`flock` on Unix, `LockFileEx` on Windows): it orders Hearth's
//! processes, not other programs, and the OS releases it when its holder dies. It is taken with
//! `std::fs::File::lock` (stable since Rust 1.89, below the workspace's MSRV), which makes the
//! same system calls as the `fs4` and `fd-lock` crates without a dependency. Two handles in one
//! process exclude each other too (each open file description locks on its own), so threads
//! need no lock of their own.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Once;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Set to `1`, changes take no lock. For demonstrating what the lock prevents (the two-process
/// test fails with it), and only in debug builds: a release build never reads it.
pub const UNLOCKED_ENV: &str = "HEARTH_FILES_UNLOCKED";

/// Why a shared file could not be read or changed. Carries the path and what was being done,
/// never the file's content (one of these files holds secrets).
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("could not {action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// Not the JSON expected. Only the position is kept: the parser's message can quote the
    /// content.
    #[error("{path} is damaged (unreadable at line {line}, column {column})")]
    Damaged {
        path: PathBuf,
        line: usize,
        column: usize,
    },
    #[error("could not encode the new content of {path}")]
    Encode { path: PathBuf },
}

impl FileError {
    pub fn path(&self) -> &Path {
        match self {
            Self::Io { path, .. } | Self::Damaged { path, .. } | Self::Encode { path } => path,
        }
    }
}

/// Who may read a file besides its owner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Access {
    /// A new file gets the usual mode (umask applies); a replaced one keeps its mode.
    Usual,
    /// Always 0600 on Unix, from the moment the file exists.
    Private,
}

/// One JSON file shared between processes. Cheap: it holds only the path.
#[derive(Clone, Debug)]
pub struct JsonFile {
    path: PathBuf,
    access: Access,
}

/// Whether a file changed: equal stamps, the same file content (as far as the file system can
/// tell: same inode, size, modification and change times). A missing file has a stamp too.
///
/// Every change is a new file renamed into place, so a changed file is a different inode, with
/// one exception: an inode number freed by one change and reused by the next. The times tell
/// those apart, unless the file system's clock is coarser than the time between the two changes
/// and the size is the same; the change after that is noticed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Stamp(Option<Identity>);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Identity {
    len: u64,
    modified: Option<std::time::SystemTime>,
    #[cfg(unix)]
    unix: (u64, u64, i64, i64),
}

impl Stamp {
    fn of(metadata: &fs::Metadata) -> Self {
        #[cfg(unix)]
        let unix = {
            use std::os::unix::fs::MetadataExt as _;
            // Every change is a new inode (a rename); the change time guards against an inode
            // number reused after the file it named was replaced twice.
            (
                metadata.dev(),
                metadata.ino(),
                metadata.ctime(),
                metadata.ctime_nsec(),
            )
        };
        Self(Some(Identity {
            len: metadata.len(),
            modified: metadata.modified().ok(),
            #[cfg(unix)]
            unix,
        }))
    }

    /// Whether there was a file when the stamp was taken.
    pub fn exists(&self) -> bool {
        self.0.is_some()
    }
}

/// A file as read.
struct Content {
    bytes: Vec<u8>,
    stamp: Stamp,
    /// Unix permission bits (0 elsewhere).
    mode: u32,
}

/// What [`JsonFile::update`] did.
#[derive(Debug)]
pub struct Updated<T, R> {
    /// The file's content after the change (including other processes' changes made before it).
    pub value: T,
    /// What the change returned.
    pub result: R,
    /// The file's stamp after the change.
    pub stamp: Stamp,
    /// False when the change changed nothing: the file was left alone.
    pub written: bool,
}

impl JsonFile {
    /// A file written with the usual mode; replacing it keeps the mode it has.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            access: Access::Usual,
        }
    }

    /// A file only its owner can read (0600 on Unix), even if it existed with a wider mode.
    pub fn private(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            access: Access::Private,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The sidecar file the lock is taken on.
    pub fn lock_path(&self) -> PathBuf {
        with_suffix(&self.path, ".lock")
    }

    fn io(&self, action: &'static str) -> impl FnOnce(io::Error) -> FileError + '_ {
        move |source| FileError::Io {
            action,
            path: self.path.clone(),
            source,
        }
    }

    /// The file's content, `None` if there is no file.
    pub fn read<T: DeserializeOwned>(&self) -> Result<Option<T>, FileError> {
        self.read_stamped().map(|(value, _)| value)
    }

    /// The file's content and the stamp of the file it was read from.
    pub fn read_stamped<T: DeserializeOwned>(&self) -> Result<(Option<T>, Stamp), FileError> {
        let Some(content) = self.read_bytes()? else {
            return Ok((None, Stamp::default()));
        };
        Ok((Some(self.decode(&content.bytes)?), content.stamp))
    }

    /// The file's stamp now, without reading it.
    pub fn stamp(&self) -> Result<Stamp, FileError> {
        match fs::metadata(&self.path) {
            Ok(metadata) => Ok(Stamp::of(&metadata)),
            Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(Stamp::default()),
            Err(err) => Err(self.io("read")(err)),
        }
    }

    /// Changes the file: reads it again under the lock (absent: `T::default()`), applies
    /// `change`, and replaces the file if the content changed. Another process changing the file
    /// at the same time waits for this one, then changes the result.
    pub fn update<T, R>(&self, change: impl FnOnce(&mut T) -> R) -> Result<Updated<T, R>, FileError>
    where
        T: DeserializeOwned + Serialize + Default,
    {
        let dir = self.folder();
        fs::create_dir_all(dir).map_err(self.io("create the folder of"))?;
        let _lock = self.lock()?;
        let existing = self.read_bytes()?;
        let mut value: T = match &existing {
            Some(content) => self.decode(&content.bytes)?,
            None => T::default(),
        };
        // Compared with the re-encoded value, not the bytes: a file written by another version
        // (other spacing, fields this one drops) is rewritten only if the change changes
        // something.
        let before = self.encode(&value)?;
        let result = change(&mut value);
        let after = self.encode(&value)?;
        // A private file found readable by others is rewritten (0600) even if unchanged.
        let exposed = cfg!(unix)
            && self.access == Access::Private
            && existing
                .as_ref()
                .is_some_and(|content| content.mode & 0o777 != 0o600);
        let written = after != before || exposed;
        if written {
            let mode = match self.access {
                Access::Private => Some(0o600),
                Access::Usual => existing.map(|content| content.mode),
            };
            self.replace(dir, &after, mode)?;
        }
        let stamp = self.stamp()?;
        Ok(Updated {
            value,
            result,
            stamp,
            written,
        })
    }

    fn folder(&self) -> &Path {
        match self.path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        }
    }

    fn read_bytes(&self) -> Result<Option<Content>, FileError> {
        let mut file = match File::open(&self.path) {
            Ok(file) => file,
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(err) => return Err(self.io("read")(err)),
        };
        // The stamp of the file read, not of whatever the path names a moment later.
        let metadata = file.metadata().map_err(self.io("read"))?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(self.io("read"))?;
        Ok(Some(Content {
            bytes,
            stamp: Stamp::of(&metadata),
            mode: mode_of(&metadata),
        }))
    }

    fn decode<T: DeserializeOwned>(&self, bytes: &[u8]) -> Result<T, FileError> {
        serde_json::from_slice(bytes).map_err(|err| FileError::Damaged {
            path: self.path.clone(),
            line: err.line(),
            column: err.column(),
        })
    }

    fn encode<T: Serialize>(&self, value: &T) -> Result<Vec<u8>, FileError> {
        serde_json::to_vec_pretty(value).map_err(|_| FileError::Encode {
            path: self.path.clone(),
        })
    }

    /// The exclusive lock, held until the returned file is dropped (closing it releases the lock).
    fn lock(&self) -> Result<Option<File>, FileError> {
        if unlocked() {
            return Ok(None);
        }
        let path = self.lock_path();
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        let file = options.open(&path).map_err(self.io("open the lock of"))?;
        file.lock().map_err(self.io("lock"))?;
        Ok(Some(file))
    }

    /// Writes `bytes` to a new temporary file in `dir`, syncs it, renames it over the file and
    /// syncs the folder. The temporary file is removed if any step fails.
    fn replace(&self, dir: &Path, bytes: &[u8], mode: Option<u32>) -> Result<(), FileError> {
        let (temp, mut file) = self.create_temp(mode)?;
        let written = file
            .write_all(bytes)
            .and_then(|()| file.sync_all())
            .map_err(self.io("write"));
        drop(file);
        let renamed =
            written.and_then(|()| fs::rename(&temp, &self.path).map_err(self.io("replace")));
        if let Err(err) = renamed {
            let _ = fs::remove_file(&temp);
            return Err(err);
        }
        sync_folder(dir).map_err(self.io("sync the folder of"))
    }

    /// A temporary file next to the file, under a name no other writer (thread or process) uses.
    fn create_temp(&self, mode: Option<u32>) -> Result<(PathBuf, File), FileError> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let mut attempts = 0;
        loop {
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let temp = with_suffix(&self.path, &format!(".{}-{n}.tmp", std::process::id()));
            let mut options = OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt as _;
                // Never wider than it will be, not even before the chmod below.
                options.mode(mode.unwrap_or(0o666));
            }
            match options.open(&temp) {
                Ok(file) => {
                    if let Some(mode) = mode {
                        // The umask may have narrowed the mode given at creation.
                        set_mode(&file, mode).map_err(self.io("create"))?;
                    }
                    return Ok((temp, file));
                }
                // Left by a process that died with this process's id.
                Err(err) if err.kind() == io::ErrorKind::AlreadyExists && attempts < 100 => {
                    attempts += 1;
                }
                Err(err) => return Err(self.io("create")(err)),
            }
        }
    }
}

/// Whether [`UNLOCKED_ENV`] switches the lock off (debug builds only), said once, loudly.
fn unlocked() -> bool {
    static WARNED: Once = Once::new();
    let off = cfg!(debug_assertions) && std::env::var_os(UNLOCKED_ENV).is_some_and(|v| v == "1");
    if off {
        WARNED.call_once(|| {
            tracing::warn!(
                "{UNLOCKED_ENV}=1: shared files are changed WITHOUT their lock; changes made at \
                 the same time by two processes will be lost"
            );
        });
    }
    off
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

#[cfg(unix)]
fn mode_of(metadata: &fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    metadata.permissions().mode() & 0o7777
}

#[cfg(not(unix))]
fn mode_of(_: &fs::Metadata) -> u32 {
    0
}

#[cfg(unix)]
fn set_mode(file: &File, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    file.set_permissions(fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_: &File, _: u32) -> io::Result<()> {
    Ok(())
}

/// Makes the rename durable: on Unix a folder is synced like a file.
#[cfg(unix)]
fn sync_folder(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_folder(_: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::{FileError, JsonFile, Stamp};

    type Map = BTreeMap<String, String>;

    fn names_in(dir: &std::path::Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn updates_read_again_and_leave_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/list.json");
        let file = JsonFile::new(&path);
        assert_eq!(file.read::<Map>().unwrap(), None);
        assert!(!file.stamp().unwrap().exists());

        let one = file
            .update(|map: &mut Map| map.insert("a".into(), "1".into()))
            .unwrap();
        assert!(one.written && one.result.is_none() && one.stamp.exists());
        // A second handle on the same file (another process's) changes what the file holds now,
        // not what it read before.
        let other = JsonFile::new(&path);
        other
            .update(|map: &mut Map| map.insert("b".into(), "2".into()))
            .unwrap();
        let three = file
            .update(|map: &mut Map| map.insert("c".into(), "3".into()))
            .unwrap();
        assert_eq!(three.value.keys().collect::<Vec<_>>(), ["a", "b", "c"]);
        assert_eq!(file.read::<Map>().unwrap(), Some(three.value));
        assert_eq!(
            names_in(&dir.path().join("nested")),
            ["list.json", "list.json.lock"]
        );
    }

    #[test]
    fn a_change_that_changes_nothing_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let file = JsonFile::new(dir.path().join("list.json"));
        let nothing = file.update(|_: &mut Map| ()).unwrap();
        assert!(!nothing.written);
        assert!(!file.path().exists(), "no file made for an empty value");

        file.update(|map: &mut Map| map.insert("a".into(), "1".into()))
            .unwrap();
        let before = file.stamp().unwrap();
        let same = file
            .update(|map: &mut Map| map.insert("a".into(), "1".into()))
            .unwrap();
        assert!(!same.written);
        assert_eq!(file.stamp().unwrap(), before);
    }

    #[test]
    fn stamps_tell_a_change_from_none() {
        let dir = tempfile::tempdir().unwrap();
        let file = JsonFile::new(dir.path().join("list.json"));
        assert_eq!(file.stamp().unwrap(), Stamp::default());
        let mut seen = Vec::new();
        for n in 0..20 {
            let updated = file
                .update(|map: &mut Map| map.insert(format!("k{n}"), "v".into()))
                .unwrap();
            let (read, stamp) = file.read_stamped::<Map>().unwrap();
            assert_eq!(read, Some(updated.value));
            assert_eq!(stamp, updated.stamp);
            assert_eq!(file.stamp().unwrap(), stamp);
            assert!(!seen.contains(&stamp), "change {n} has a stamp seen before");
            seen.push(stamp);
        }
    }

    #[test]
    fn reads_what_another_version_wrote() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("list.json");
        // Compact, as another writer might leave it.
        std::fs::write(&path, r#"{"a":"1","b":"2"}"#).unwrap();
        let file = JsonFile::new(&path);
        let map: Map = file.read().unwrap().unwrap();
        assert_eq!(map.len(), 2);
        assert!(!file.update(|_: &mut Map| ()).unwrap().written);
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            r#"{"a":"1","b":"2"}"#
        );
    }

    #[test]
    fn damaged_files_are_reported_without_their_content_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secrets.json");
        std::fs::write(&path, r#""hunter2""#).unwrap();
        let file = JsonFile::private(&path);
        let read = file.read::<Map>().unwrap_err();
        let update = file
            .update(|map: &mut Map| map.insert("k".into(), "v".into()))
            .unwrap_err();
        for err in [read, update] {
            assert!(matches!(err, FileError::Damaged { .. }), "{err:?}");
            assert_eq!(err.path(), path);
            let shown = format!("{err} {err:?}");
            assert!(!shown.contains("hunter2"), "{shown}");
        }
        assert_eq!(std::fs::read_to_string(&path).unwrap(), r#""hunter2""#);
    }

    #[test]
    fn errors_name_the_file_and_the_action() {
        let dir = tempfile::tempdir().unwrap();
        // A folder where the file's folder should be.
        std::fs::write(dir.path().join("plain"), "").unwrap();
        let file = JsonFile::new(dir.path().join("plain/list.json"));
        let err = file
            .update(|map: &mut Map| map.insert("a".into(), "1".into()))
            .unwrap_err();
        let shown = err.to_string();
        assert!(
            shown.starts_with("could not create the folder of"),
            "{shown}"
        );
        assert!(shown.contains("plain/list.json"), "{shown}");
    }

    #[test]
    fn threads_with_their_own_handles_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("list.json");
        std::thread::scope(|scope| {
            for t in 0..4 {
                let path = &path;
                scope.spawn(move || {
                    for n in 0..50 {
                        JsonFile::new(path)
                            .update(|map: &mut Map| map.insert(format!("{t}-{n}"), "v".into()))
                            .unwrap();
                    }
                });
            }
        });
        let map: Map = JsonFile::new(&path).read().unwrap().unwrap();
        assert_eq!(map.len(), 200);
    }

    #[cfg(unix)]
    mod modes {
        use std::os::unix::fs::PermissionsExt as _;

        use super::{JsonFile, Map};

        fn mode(path: &std::path::Path) -> u32 {
            std::fs::metadata(path).unwrap().permissions().mode() & 0o777
        }

        #[test]
        fn private_files_are_0600_new_or_replaced() {
            let dir = tempfile::tempdir().unwrap();
            let new = JsonFile::private(dir.path().join("new.json"));
            new.update(|map: &mut Map| map.insert("k".into(), "v".into()))
                .unwrap();
            assert_eq!(mode(new.path()), 0o600);
            assert_eq!(mode(&new.lock_path()), 0o600);

            let old = dir.path().join("old.json");
            std::fs::write(&old, "{}").unwrap();
            std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).unwrap();
            JsonFile::private(&old)
                .update(|map: &mut Map| map.insert("k".into(), "v".into()))
                .unwrap();
            assert_eq!(mode(&old), 0o600);

            // Even a change that changes nothing narrows it.
            std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).unwrap();
            let same = JsonFile::private(&old).update(|_: &mut Map| ()).unwrap();
            assert!(same.written);
            assert_eq!(mode(&old), 0o600);
            assert!(
                !JsonFile::private(&old)
                    .update(|_: &mut Map| ())
                    .unwrap()
                    .written
            );
        }

        #[test]
        fn other_files_keep_their_mode() {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("list.json");
            std::fs::write(&path, "{}").unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
            JsonFile::new(&path)
                .update(|map: &mut Map| map.insert("k".into(), "v".into()))
                .unwrap();
            assert_eq!(mode(&path), 0o640);
        }
    }
}
