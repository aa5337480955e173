//! The embedded store: one SQLite file, nothing to install, survives restarts (and `kill -9`:
//! every operation is one committed transaction in WAL mode).
//!
//! SQLite calls block, so each operation runs on tokio's blocking pool behind one connection
//! guarded by a mutex; the operations are a handful of indexed statements, far below the cost of
//! the HTTP request around them.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use super::{
    PollGate, Rate, Store, StoreError, StoreFuture, gate, now_ms, pace, parse_pair, ttl_ms,
};

#[derive(Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
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
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
        })
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

fn live(tx: &Transaction<'_>, key: &str, now: u64) -> Result<Option<String>, StoreError> {
    Ok(tx
        .query_row(
            "SELECT value FROM kv WHERE key = ?1 AND (expires_at IS NULL OR expires_at > ?2)",
            params![key, now.cast_signed()],
            |row| row.get(0),
        )
        .optional()?)
}

fn upsert(
    tx: &Transaction<'_>,
    key: &str,
    value: &str,
    expires_at: Option<u64>,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO kv (key, value, expires_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at",
        params![key, value, expires_at.map(u64::cast_signed)],
    )?;
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
        let key = key.to_owned();
        self.run(move |tx, now| live(tx, &key, now))
    }

    fn take<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<String>> {
        let key = key.to_owned();
        self.run(move |tx, now| {
            let value = live(tx, &key, now)?;
            tx.execute("DELETE FROM kv WHERE key = ?1", params![key])?;
            Ok(value)
        })
    }

    fn delete<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()> {
        let key = key.to_owned();
        self.run(move |tx, _| {
            tx.execute("DELETE FROM kv WHERE key = ?1", params![key])?;
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
        let key = key.to_owned();
        self.run(move |tx, now| {
            let previous = live(tx, &key, now)?.map(|v| parse_pair(&v)).transpose()?;
            let (verdict, (last, interval)) = gate(previous, now_ms, interval_ms, step_ms);
            upsert(
                tx,
                &key,
                &format!("{last} {interval}"),
                deadline(now, Some(ttl)),
            )?;
            Ok(verdict)
        })
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
        self.run(|tx, now| {
            let n = tx.execute(
                "DELETE FROM kv WHERE expires_at IS NOT NULL AND expires_at <= ?1",
                params![now.cast_signed()],
            )?;
            Ok(n as u64)
        })
    }
}
