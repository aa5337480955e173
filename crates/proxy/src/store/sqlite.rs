//! The embedded store: one SQLite file, nothing to install, survives restarts.
//!
//! Durability: every write is one committed transaction in WAL mode with `synchronous=NORMAL`.
//! A commit is in the WAL file (the operating system's page cache) before it returns, so a
//! process crash (`kill -9`, a panic, the OOM killer) loses nothing; the WAL is synced to disk at
//! each checkpoint, so only a power cut or a kernel crash can lose the last commits since then
//! (a device would then start its link again). `synchronous=FULL` would sync every commit, for a
//! cost in every write and nothing gained against a process crash.
//!
//! Speed: writes go through one connection on tokio's blocking pool (a checkpoint may sync);
//! reads are single indexed `SELECT`s on a pool of reader connections, run where they are asked
//! (WAL readers never wait for the writer), with statements prepared once per connection. The
//! polling gate of a device code lives in this process's memory: it is short-lived spacing, not
//! a flow or a token, and a restart only resets a device's spacing. So a poll of a pending code
//! costs one read and no write.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use super::{PollGate, Rate, Store, StoreError, StoreFuture, gate, now_ms, pace, ttl_ms};

#[derive(Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
    /// Idle reader connections; `None` for an in-memory database (which readers cannot share).
    readers: Option<Arc<Readers>>,
    /// The polling gates: key → (last poll, interval, expiry), all in ms.
    gates: Arc<Mutex<Gates>>,
}

type Gates = HashMap<String, (u64, u64, u64)>;

struct Readers {
    path: String,
    idle: Mutex<Vec<Connection>>,
}

/// More idle readers than this are closed: as many as requests read at once, at most.
const MAX_IDLE_READERS: usize = 16;

fn reader(path: &str) -> Result<Connection, StoreError> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.pragma_update(None, "query_only", true)?;
    Ok(conn)
}

impl Readers {
    fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let idle = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let conn = match idle {
            Some(conn) => conn,
            None => reader(&self.path)?,
        };
        let out = f(&conn);
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < MAX_IDLE_READERS {
            idle.push(conn);
        }
        out
    }
}

impl SqliteStore {
    /// Opens (or creates) the database file. Blocking: call it off the async runtime.
    pub fn open(path: &str) -> Result<Self, StoreError> {
        owner_only(path)?;
        let conn = Connection::open(path)?;
        // WAL keeps readers and the writer apart; NORMAL sync loses nothing on a process crash
        // (only on a power cut, the last transactions), which is the trade-off for a cache of
        // short-lived flows.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS kv (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL,
                expires_at INTEGER
            ) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS kv_expires ON kv (expires_at) WHERE expires_at IS NOT NULL;",
        )?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
        if version < 1 {
            // Version 0 kept the Enedis application token in clear: drop it, then rewrite the
            // file (and empty the WAL) so that no freed page still holds a copy.
            conn.execute("DELETE FROM kv WHERE key = 'enedis:app-token'", [])?;
            conn.execute_batch("VACUUM;")?;
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
            conn.pragma_update(None, "user_version", 1)?;
        }
        let readers = (path != ":memory:").then(|| {
            Arc::new(Readers {
                path: path.to_owned(),
                idle: Mutex::new(Vec::new()),
            })
        });
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
            readers,
            gates: Arc::new(Mutex::new(HashMap::new())),
        })
    }

    /// One read: on a reader connection, right here (a point lookup costs microseconds and
    /// never waits for the writer), or through the writer for an in-memory database.
    fn read(&self, key: &str) -> StoreFuture<'static, Option<String>> {
        if let Some(readers) = &self.readers {
            let out = readers.read(|conn| live(conn, key, now_ms()));
            return Box::pin(async move { out });
        }
        let key = key.to_owned();
        self.run(move |tx, now| live(tx, &key, now))
    }

    fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Transaction<'_>, u64) -> Result<T, StoreError> + Send + 'static,
    ) -> StoreFuture<'static, T> {
        let conn = Arc::clone(&self.conn);
        Box::pin(async move {
            tokio::task::spawn_blocking(move || {
                let mut conn = conn.lock().unwrap_or_else(PoisonError::into_inner);
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let out = f(&tx, now_ms())?;
                tx.commit()?;
                Ok(out)
            })
            .await?
        })
    }
}

/// Creates the database file readable by its owner only, whatever the umask, and narrows the
/// modes of an existing one and of its WAL and shared-memory files (SQLite gives those the
/// database file's mode when it creates them).
fn owner_only(path: &str) -> Result<(), StoreError> {
    #[cfg(unix)]
    if path != ":memory:" {
        use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
        let io = |e: std::io::Error| StoreError::Io(e.to_string());
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(path)
            .map_err(io)?;
        for file in [
            path.to_owned(),
            format!("{path}-wal"),
            format!("{path}-shm"),
        ] {
            match std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(e)),
                _ => {}
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

fn live(conn: &Connection, key: &str, now: u64) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT value FROM kv WHERE key = ?1 AND (expires_at IS NULL OR expires_at > ?2)",
        )?
        .query_row(params![key, now.cast_signed()], |row| row.get(0))
        .optional()?)
}

fn upsert(
    tx: &Transaction<'_>,
    key: &str,
    value: &str,
    expires_at: Option<u64>,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO kv (key, value, expires_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at",
    )?
    .execute(params![key, value, expires_at.map(u64::cast_signed)])?;
    Ok(())
}

fn deadline(now: u64, ttl: Option<Duration>) -> Option<u64> {
    ttl.map(|ttl| now.saturating_add(ttl_ms(ttl)))
}

impl Store for SqliteStore {
    fn shared(&self) -> bool {
        false
    }

    fn put<'a>(
        &'a self,
        key: &'a str,
        value: &'a str,
        ttl: Option<Duration>,
    ) -> StoreFuture<'a, ()> {
        let (key, value) = (key.to_owned(), value.to_owned());
        self.run(move |tx, now| upsert(tx, &key, &value, deadline(now, ttl)))
    }

    fn put_new<'a>(
        &'a self,
        key: &'a str,
        value: &'a str,
        ttl: Option<Duration>,
    ) -> StoreFuture<'a, bool> {
        let (key, value) = (key.to_owned(), value.to_owned());
        self.run(move |tx, now| {
            if live(tx, &key, now)?.is_some() {
                return Ok(false);
            }
            upsert(tx, &key, &value, deadline(now, ttl))?;
            Ok(true)
        })
    }

    fn get<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<String>> {
        self.read(key)
    }

    fn take<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<String>> {
        let key = key.to_owned();
        self.run(move |tx, now| {
            let value = live(tx, &key, now)?;
            tx.prepare_cached("DELETE FROM kv WHERE key = ?1")?
                .execute(params![key])?;
            Ok(value)
        })
    }

    fn delete<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()> {
        if self
            .gates
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(key)
            .is_some()
        {
            // A polling gate lives only in memory.
            return Box::pin(async { Ok(()) });
        }
        let key = key.to_owned();
        self.run(move |tx, _| {
            tx.prepare_cached("DELETE FROM kv WHERE key = ?1")?
                .execute(params![key])?;
            Ok(())
        })
    }

    fn replace_if<'a>(
        &'a self,
        key: &'a str,
        expected: &'a str,
        value: &'a str,
        ttl: Option<Duration>,
    ) -> StoreFuture<'a, bool> {
        let (key, expected, value) = (key.to_owned(), expected.to_owned(), value.to_owned());
        self.run(move |tx, now| {
            if live(tx, &key, now)?.as_deref() != Some(expected.as_str()) {
                return Ok(false);
            }
            upsert(tx, &key, &value, deadline(now, ttl))?;
            Ok(true)
        })
    }

    fn incr<'a>(&'a self, key: &'a str, window: Duration) -> StoreFuture<'a, u64> {
        let key = key.to_owned();
        self.run(move |tx, now| {
            let current = live(tx, &key, now)?;
            let count = match current {
                None => {
                    upsert(tx, &key, "1", deadline(now, Some(window)))?;
                    1
                }
                Some(value) => {
                    let count = value
                        .parse::<u64>()
                        .map_err(|_| StoreError::Corrupt(value))?
                        + 1;
                    tx.execute(
                        "UPDATE kv SET value = ?2 WHERE key = ?1",
                        params![key, count.to_string()],
                    )?;
                    count
                }
            };
            Ok(count)
        })
    }

    fn poll_gate<'a>(
        &'a self,
        key: &'a str,
        now_ms: u64,
        interval_ms: u64,
        step_ms: u64,
        ttl: Duration,
    ) -> StoreFuture<'a, PollGate> {
        // In memory, under one lock: atomic for this process, which alone uses the store.
        let now = super::now_ms();
        let mut gates = self.gates.lock().unwrap_or_else(PoisonError::into_inner);
        let previous = gates
            .get(key)
            .filter(|(_, _, expires)| *expires > now)
            .map(|(last, interval, _)| (*last, *interval));
        let (verdict, (last, interval)) = gate(previous, now_ms, interval_ms, step_ms);
        let expires = now.saturating_add(ttl_ms(ttl));
        match gates.get_mut(key) {
            Some(entry) => *entry = (last, interval, expires),
            None => {
                gates.insert(key.to_owned(), (last, interval, expires));
            }
        }
        Box::pin(async move { Ok(verdict) })
    }

    fn pace<'a>(
        &'a self,
        now_ms: u64,
        rates: &'a [Rate],
        pause_key: &'a str,
    ) -> StoreFuture<'a, u64> {
        let (rates, pause_key) = (rates.to_vec(), pause_key.to_owned());
        self.run(move |tx, now| {
            let mut tats = Vec::with_capacity(rates.len());
            for rate in &rates {
                let tat = live(tx, &rate.key, now)?
                    .map(|v| v.parse::<u64>().map_err(|_| StoreError::Corrupt(v)))
                    .transpose()?;
                tats.push(tat);
            }
            let pause_until = live(tx, &pause_key, now)?.and_then(|v| v.parse::<u64>().ok());
            let (wait, next) = pace(now_ms, &rates, &tats, pause_until);
            for (rate, tat) in rates.iter().zip(next) {
                // The state is worthless once the schedule has caught up with the clock.
                let ttl =
                    Duration::from_millis(tat.saturating_sub(now_ms) + rate.period_ms * rate.burst);
                upsert(tx, &rate.key, &tat.to_string(), deadline(now, Some(ttl)))?;
            }
            Ok(wait)
        })
    }

    fn pause<'a>(&'a self, pause_key: &'a str, until_ms: u64) -> StoreFuture<'a, ()> {
        let pause_key = pause_key.to_owned();
        self.run(move |tx, now| {
            let current = live(tx, &pause_key, now)?
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0);
            let until = current.max(until_ms);
            let ttl = Duration::from_millis(until.saturating_sub(now).max(1));
            upsert(tx, &pause_key, &until.to_string(), deadline(now, Some(ttl)))
        })
    }

    fn purge_expired(&self) -> StoreFuture<'_, u64> {
        let now = now_ms();
        self.gates
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|_, (_, _, expires)| *expires > now);
        self.run(|tx, now| {
            let n = tx.execute(
                "DELETE FROM kv WHERE expires_at IS NOT NULL AND expires_at <= ?1",
                params![now.cast_signed()],
            )?;
            Ok(n as u64)
        })
    }
}
