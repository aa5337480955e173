//! The local history: one SQLite file in the app's data folder, shared by the app and
//! `hearth-cli`.
//!
//! It becomes the only copy of what Enedis no longer keeps (older than 36 months, or 24 for the
//! load curve), so nothing here deletes data as a side effect: answers are upserts, a day once
//! complete stays complete whatever a later answer says, and the only deletion is
//! [`History::delete_meter`], an explicit call.
//!
//! Concurrency: WAL (readers never wait for the writer), a busy timeout (a writer waits for the
//! other process's transaction rather than failing), every write one `BEGIN IMMEDIATE`
//! transaction. Which process fetches is decided by a per-meter lease ([`History::try_lease`]),
//! so two syncs do not ask the same days twice.
//!
//! Time: days are French dates (`YYYY-MM-DD`); instants are Unix seconds; each load-curve point
//! is stored as its interval `[start, end)` and belongs to the French day its start is in, so
//! the days of the clock changes hold 46 or 50 half-hour points.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use hearth_metering::{Contract, MeterReading, MeteringError, paris};
use hearth_tariff::{Color, OffpeakSchedule, TariffOption, TempoCalendar, Windows};
use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use serde::{Deserialize, Serialize};

use crate::plan::{DayStatus, MeterFacts, Statuses, add_days, paris_date};
use crate::{DayRange, Measure};

/// Why the history could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("the energy history could not be read or written: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("the energy history file could not be opened: {0}")]
    Io(#[from] std::io::Error),
    /// Written by a newer Hearth: left untouched rather than downgraded.
    #[error(
        "the energy history {path:?} was written by a newer Hearth (schema {found}, this one knows up to {known})"
    )]
    NewerSchema {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    /// A stored value that does not read back (a hand-edited file).
    #[error("the energy history holds an unreadable value: {0}")]
    Corrupt(String),
    /// A month that does not exist (a caller's mistake).
    #[error("no such month: {year}-{month}")]
    NoSuchMonth { year: i16, month: i8 },
    /// An answer whose dates or values do not read: nothing of it was written.
    #[error("a reading could not be stored: {0}")]
    Reading(#[from] MeteringError),
}

/// The schema, one step per version: `MIGRATIONS[n]` upgrades version `n` to `n + 1`, in place
/// and in one transaction, so a file written by any earlier Hearth opens with its data.
const MIGRATIONS: &[&str] = &[
    "
    CREATE TABLE meters (
        prm TEXT PRIMARY KEY,
        activation TEXT,
        produces INTEGER,
        contract TEXT,
        contract_checked_at INTEGER,
        last_sync_at INTEGER,
        retry_at INTEGER
    );
    CREATE TABLE days (
        prm TEXT NOT NULL,
        measure TEXT NOT NULL,
        day TEXT NOT NULL,
        status TEXT NOT NULL
            CHECK (status IN ('complete', 'missing', 'before_activation', 'no_production')),
        value INTEGER,
        peak_at INTEGER,
        attempts INTEGER NOT NULL DEFAULT 0,
        asked_at INTEGER NOT NULL,
        PRIMARY KEY (prm, measure, day)
    ) WITHOUT ROWID;
    CREATE TABLE points (
        prm TEXT NOT NULL,
        measure TEXT NOT NULL,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        day TEXT NOT NULL,
        value INTEGER NOT NULL,
        PRIMARY KEY (prm, measure, start)
    ) WITHOUT ROWID;
    CREATE INDEX points_by_day ON points (prm, measure, day);
    CREATE TABLE leases (
        prm TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        until INTEGER NOT NULL
    );
",
    "
    ALTER TABLE meters ADD COLUMN consent_end TEXT;
",
    // Costs: the Tempo calendar and the regulator's files are the same for every meter; the
    // off-peak windows are each meter's, versioned by the day they apply from (`since`, a date;
    // `-9999-01-01` for the meter's first windows, which apply to all older days too).
    "
    CREATE TABLE tempo_days (
        day TEXT PRIMARY KEY,
        color TEXT NOT NULL CHECK (color IN ('blue', 'white', 'red')),
        fetched_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE tariff_files (
        option TEXT PRIMARY KEY CHECK (option IN ('base', 'hp_hc', 'tempo')),
        body BLOB NOT NULL,
        fetched_at INTEGER NOT NULL
    );
    CREATE TABLE offpeak_versions (
        prm TEXT NOT NULL,
        since TEXT NOT NULL,
        windows TEXT NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('meter', 'user')),
        PRIMARY KEY (prm, since)
    ) WITHOUT ROWID;
",
];

/// The schema version this build writes.
#[allow(clippy::cast_possible_wrap, reason = "a handful of migrations")]
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// How long a writer waits for another process's transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The local history file.
pub struct History {
    conn: Mutex<Connection>,
}

/// One meter as the history knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeterRecord {
    pub prm: String,
    pub activation: Option<Date>,
    pub produces: Option<bool>,
    pub contract: Option<Contract>,
    pub contract_checked_at: Option<Timestamp>,
    /// The end of the last sync that ran to its end.
    pub last_sync_at: Option<Timestamp>,
    /// When Enedis (or the proxy) said to try again, after a quota or an outage.
    pub retry_at: Option<Timestamp>,
    /// The consent's last day, as the proxy told it when the meter was linked.
    pub consent_end: Option<Date>,
}

/// One day of a daily series: `None` where the history has nothing (never 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DailyValue {
    pub day: Date,
    /// Wh for energy, VA for maximum power.
    pub value: Option<i64>,
    /// For maximum power: when the peak happened.
    pub peak_at: Option<Timestamp>,
}

/// One load-curve point: average W over `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CurvePoint {
    pub start: Timestamp,
    pub end: Timestamp,
    pub value: i64,
}

/// A month's total, with how much of the month it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthTotal {
    /// Sum of the days known, Wh.
    pub total: i64,
    /// Days with a value.
    pub days_known: u32,
    /// Days in the month.
    pub days_in_month: u32,
}

/// What an answer changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Recorded {
    /// Days of the range now complete.
    pub complete: u32,
    /// Days of the range still missing (none or part of their points).
    pub missing: u32,
}

/// A meter's off-peak windows from a day on (until the next version's day).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OffpeakVersion {
    /// The first day these windows apply to; [`Date::MIN`] for the meter's first known windows,
    /// which apply to every older day too.
    pub from: Date,
    pub windows: Windows,
    pub source: WindowsSource,
}

/// Who said which windows apply: the meter's contract, or the user's edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowsSource {
    Meter,
    User,
}

impl WindowsSource {
    fn key(self) -> &'static str {
        match self {
            Self::Meter => "meter",
            Self::User => "user",
        }
    }

    fn from_key(key: &str) -> Result<Self, HistoryError> {
        match key {
            "meter" => Ok(Self::Meter),
            "user" => Ok(Self::User),
            other => Err(HistoryError::Corrupt(format!("windows source {other:?}"))),
        }
    }
}

/// When the last sync ran, and when the next may (see [`crate::schedule`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncTimes {
    pub last_sync_at: Option<Timestamp>,
    pub retry_at: Option<Timestamp>,
}

impl History {
    /// Opens (or creates) the history, upgrading its schema in place. Blocking.
    pub fn open(path: &Path) -> Result<Self, HistoryError> {
        owner_only(path)?;
        let mut conn = Connection::open(path)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // WAL lets the app's charts read while hearth-cli writes; NORMAL loses nothing on a
        // process crash (only the last commits on a power cut, which the next sync asks again).
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        migrate(&mut conn, path)?;
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    fn write<T>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, HistoryError>,
    ) -> Result<T, HistoryError> {
        let mut conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, HistoryError>,
    ) -> Result<T, HistoryError> {
        let conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        f(&conn)
    }

    // --- Meters ---------------------------------------------------------------------------

    /// Every meter with something stored, by PRM.
    pub fn meters(&self) -> Result<Vec<MeterRecord>, HistoryError> {
        self.read(|conn| {
            let mut stmt = conn.prepare(
                "SELECT prm, activation, produces, contract, contract_checked_at, last_sync_at,
                        retry_at, consent_end FROM meters ORDER BY prm",
            )?;
            let rows = stmt.query_map([], meter_row)?;
            rows.map(|r| r.map_err(HistoryError::from).and_then(RawMeter::decode))
                .collect()
        })
    }

    pub fn meter(&self, prm: &str) -> Result<Option<MeterRecord>, HistoryError> {
        self.read(|conn| {
            conn.query_row(
                "SELECT prm, activation, produces, contract, contract_checked_at, last_sync_at,
                        retry_at, consent_end FROM meters WHERE prm = ?1",
                [prm],
                meter_row,
            )
            .optional()?
            .map(RawMeter::decode)
            .transpose()
        })
    }

    /// Records a meter just linked, before its first sync, so that every process sharing the
    /// file lists it (a meter linked by `hearth-cli` shows in the app at once).
    pub fn add_meter(&self, prm: &str) -> Result<(), HistoryError> {
        self.write(|tx| ensure_meter(tx, prm))
    }

    /// Records the consent's last day of meter `prm` (a new link replaces it; `None` when the
    /// proxy did not tell it).
    pub fn set_consent_end(&self, prm: &str, end: Option<Date>) -> Result<(), HistoryError> {
        self.write(|tx| {
            ensure_meter(tx, prm)?;
            tx.execute(
                "UPDATE meters SET consent_end = ?2 WHERE prm = ?1",
                params![prm, end.map(paris::format_date)],
            )?;
            Ok(())
        })
    }

    /// What the planner needs of a meter (all unknown for a meter never synced).
    pub fn facts(&self, prm: &str) -> Result<MeterFacts, HistoryError> {
        Ok(self
            .meter(prm)?
            .map_or_else(MeterFacts::default, |m| MeterFacts {
                activation: m.activation,
                produces: m.produces,
                has_contract: m.contract.is_some(),
                contract_checked_at: m.contract_checked_at,
            }))
    }

    /// Stores the contract, the activation date it carries, and its off-peak windows
    /// (`offpeak_hours`; an absent or unreadable value records none).
    ///
    /// The windows are versioned: the first ones seen apply to every day (from [`Date::MIN`]:
    /// no older version is known); windows that differ from the meter's latest version start a
    /// new version on the French day of `now`. A user's version is never replaced by the
    /// meter's: a user's edit stays in force until the meter's windows actually change, and the
    /// change applies from the day it is seen (a user version on that very day is kept).
    pub fn set_contract(
        &self,
        prm: &str,
        contract: &Contract,
        now: Timestamp,
    ) -> Result<(), HistoryError> {
        let json =
            serde_json::to_string(contract).map_err(|e| HistoryError::Corrupt(e.to_string()))?;
        let activation = contract
            .last_activation_date
            .as_deref()
            .and_then(|s| paris::parse_date(s.get(..10).unwrap_or(s)).ok());
        let windows = contract
            .offpeak_hours
            .as_deref()
            .and_then(|value| Windows::parse_contract(value).ok());
        self.write(|tx| {
            ensure_meter(tx, prm)?;
            tx.execute(
                "UPDATE meters SET contract = ?2, contract_checked_at = ?3 WHERE prm = ?1",
                params![prm, json, now.as_second()],
            )?;
            if let Some(windows) = &windows {
                record_meter_windows(tx, prm, windows, paris_date(now))?;
            }
            if let Some(day) = activation {
                tx.execute(
                    "UPDATE meters SET activation = ?2 WHERE prm = ?1",
                    params![prm, paris::format_date(day)],
                )?;
            }
            Ok(())
        })
    }

    /// The contract was asked and not given: asked again later (see [`crate::plan`]).
    pub fn contract_failed(&self, prm: &str, now: Timestamp) -> Result<(), HistoryError> {
        self.write(|tx| {
            ensure_meter(tx, prm)?;
            tx.execute(
                "UPDATE meters SET contract_checked_at = ?2 WHERE prm = ?1",
                params![prm, now.as_second()],
            )?;
            Ok(())
        })
    }

    /// Learnt from an answer: the meter's data starts no earlier than `day`. Only moves the
    /// date later (an answer never makes earlier days available again).
    pub fn raise_activation(&self, prm: &str, day: Date) -> Result<(), HistoryError> {
        self.write(|tx| {
            ensure_meter(tx, prm)?;
            tx.execute(
                "UPDATE meters SET activation = ?2 WHERE prm = ?1
                 AND (activation IS NULL OR activation < ?2)",
                params![prm, paris::format_date(day)],
            )?;
            Ok(())
        })
    }

    pub fn set_produces(&self, prm: &str, produces: bool) -> Result<(), HistoryError> {
        self.write(|tx| {
            ensure_meter(tx, prm)?;
            tx.execute(
                "UPDATE meters SET produces = ?2 WHERE prm = ?1",
                params![prm, produces],
            )?;
            Ok(())
        })
    }

    /// A sync ran to its end at `now`.
    pub fn set_synced(&self, prm: &str, now: Timestamp) -> Result<(), HistoryError> {
        self.write(|tx| {
            ensure_meter(tx, prm)?;
            tx.execute(
                "UPDATE meters SET last_sync_at = ?2, retry_at = NULL WHERE prm = ?1",
                params![prm, now.as_second()],
            )?;
            Ok(())
        })
    }

    /// A sync stopped on a quota or an outage: the next one waits until `at`.
    pub fn set_retry_at(&self, prm: &str, at: Timestamp) -> Result<(), HistoryError> {
        self.write(|tx| {
            ensure_meter(tx, prm)?;
            tx.execute(
                "UPDATE meters SET retry_at = ?2 WHERE prm = ?1",
                params![prm, at.as_second()],
            )?;
            Ok(())
        })
    }

    pub fn sync_times(&self, prm: &str) -> Result<SyncTimes, HistoryError> {
        Ok(self
            .meter(prm)?
            .map_or_else(SyncTimes::default, |m| SyncTimes {
                last_sync_at: m.last_sync_at,
                retry_at: m.retry_at,
            }))
    }

    /// Deletes everything stored for a meter: its days, points, contract, off-peak windows and
    /// facts (the Tempo calendar and the tariff files are no meter's and stay). The only
    /// way data leaves the history; returns how many days and points went.
    pub fn delete_meter(&self, prm: &str) -> Result<u64, HistoryError> {
        self.write(|tx| {
            let days = tx.execute("DELETE FROM days WHERE prm = ?1", [prm])?;
            let points = tx.execute("DELETE FROM points WHERE prm = ?1", [prm])?;
            tx.execute("DELETE FROM offpeak_versions WHERE prm = ?1", [prm])?;
            tx.execute("DELETE FROM meters WHERE prm = ?1", [prm])?;
            tx.execute("DELETE FROM leases WHERE prm = ?1", [prm])?;
            Ok((days + points) as u64)
        })
    }

    // --- Day statuses -----------------------------------------------------------------------

    /// Every status stored for a meter, for the planner.
    pub fn statuses(&self, prm: &str) -> Result<Statuses, HistoryError> {
        self.read(|conn| {
            let mut stmt = conn.prepare(
                "SELECT measure, day, status, attempts, asked_at FROM days WHERE prm = ?1",
            )?;
            let mut rows = stmt.query([prm])?;
            let mut out = Statuses::new();
            while let Some(row) = rows.next()? {
                let measure = measure_from_key(&row.get::<_, String>(0)?)?;
                let day = parse_day(&row.get::<_, String>(1)?)?;
                let status: String = row.get(2)?;
                let attempts: u32 = row.get(3)?;
                let asked_at = timestamp(row.get(4)?)?;
                let status = match status.as_str() {
                    "complete" => DayStatus::Complete,
                    "missing" => DayStatus::Missing {
                        attempts,
                        last_asked: asked_at,
                    },
                    "before_activation" => DayStatus::BeforeActivation,
                    "no_production" => DayStatus::NoProduction {
                        last_asked: asked_at,
                    },
                    other => return Err(HistoryError::Corrupt(format!("status {other:?}"))),
                };
                out.insert((measure, day), status);
            }
            Ok(out)
        })
    }

    /// Stores an answer for `range`: its values, and each day's status (complete, or missing
    /// where the answer lacks the day or part of its points). Points outside `range` are
    /// ignored. One transaction: an interruption keeps every answer stored before it.
    pub fn record_reading(
        &self,
        prm: &str,
        measure: Measure,
        range: DayRange,
        reading: &MeterReading,
        now: Timestamp,
    ) -> Result<Recorded, HistoryError> {
        let rows = parse_reading(measure, range, reading)?;
        self.write(|tx| {
            ensure_meter(tx, prm)?;
            let key = measure_key(measure);
            let mut recorded = Recorded::default();
            match rows {
                Parsed::Daily(days) => {
                    for (day, value, peak) in &days {
                        tx.prepare_cached("INSERT INTO days (prm, measure, day, status, value, peak_at, attempts, asked_at)
                             VALUES (?1, ?2, ?3, 'complete', ?4, ?5, 1, ?6)
                             ON CONFLICT (prm, measure, day) DO UPDATE SET status = 'complete',
                                value = excluded.value, peak_at = excluded.peak_at,
                                attempts = days.attempts + 1, asked_at = excluded.asked_at")?.execute(params![prm, key, paris::format_date(*day), value, peak.map(Timestamp::as_second), now.as_second()])?;
                    }
                    for day in range.iter() {
                        if days.iter().any(|(d, _, _)| *d == day) {
                            recorded.complete += 1;
                        } else if mark_missing(tx, prm, key, day, now)? {
                            recorded.missing += 1;
                        }
                    }
                }
                Parsed::Curve(points) => {
                    for (day, start, end, value) in &points {
                        tx.prepare_cached("INSERT INTO points (prm, measure, start, end, day, value)
                             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                             ON CONFLICT (prm, measure, start) DO UPDATE SET
                                end = excluded.end, day = excluded.day, value = excluded.value")?.execute(params![prm, key, start.as_second(), end.as_second(), paris::format_date(*day), value])?;
                    }
                    for day in range.iter() {
                        let (day_start, day_end) = paris::day_span(day)?;
                        let covered: i64 = tx.prepare_cached("SELECT COALESCE(SUM(end - start), 0) FROM points
                             WHERE prm = ?1 AND measure = ?2 AND day = ?3")?.query_row(params![prm, key, paris::format_date(day)], |r| r.get(0))?;
                        if covered >= day_end.as_second() - day_start.as_second() {
                            tx.prepare_cached("INSERT INTO days (prm, measure, day, status, attempts, asked_at)
                                 VALUES (?1, ?2, ?3, 'complete', 1, ?4)
                                 ON CONFLICT (prm, measure, day) DO UPDATE SET status = 'complete',
                                    attempts = days.attempts + 1, asked_at = excluded.asked_at")?.execute(params![prm, key, paris::format_date(day), now.as_second()])?;
                            recorded.complete += 1;
                        } else if mark_missing(tx, prm, key, day, now)? {
                            recorded.missing += 1;
                        }
                    }
                }
            }
            Ok(recorded)
        })
    }

    /// The days of `range` were asked and not given (no data, a refused or unreadable answer).
    /// Complete days stay complete.
    pub fn record_missing(
        &self,
        prm: &str,
        measure: Measure,
        range: DayRange,
        now: Timestamp,
    ) -> Result<u32, HistoryError> {
        self.write(|tx| {
            ensure_meter(tx, prm)?;
            let mut n = 0;
            for day in range.iter() {
                if mark_missing(tx, prm, measure_key(measure), day, now)? {
                    n += 1;
                }
            }
            Ok(n)
        })
    }

    /// The meter produced nothing over `range` (asked again monthly).
    pub fn record_no_production(
        &self,
        prm: &str,
        measure: Measure,
        range: DayRange,
        now: Timestamp,
    ) -> Result<(), HistoryError> {
        self.mark(prm, measure, range, "no_production", now)
    }

    /// `range` lies before the meter's activation (never asked again).
    pub fn record_before_activation(
        &self,
        prm: &str,
        measure: Measure,
        range: DayRange,
        now: Timestamp,
    ) -> Result<(), HistoryError> {
        self.mark(prm, measure, range, "before_activation", now)
    }

    fn mark(
        &self,
        prm: &str,
        measure: Measure,
        range: DayRange,
        status: &str,
        now: Timestamp,
    ) -> Result<(), HistoryError> {
        self.write(|tx| {
            ensure_meter(tx, prm)?;
            for day in range.iter() {
                tx.prepare_cached(
                    "INSERT INTO days (prm, measure, day, status, attempts, asked_at)
                     VALUES (?1, ?2, ?3, ?4, 1, ?5)
                     ON CONFLICT (prm, measure, day) DO UPDATE SET status = excluded.status,
                        attempts = days.attempts + 1, asked_at = excluded.asked_at
                     WHERE days.status != 'complete'",
                )?
                .execute(params![
                    prm,
                    measure_key(measure),
                    paris::format_date(day),
                    status,
                    now.as_second()
                ])?;
            }
            Ok(())
        })
    }

    // --- Reads for the charts -----------------------------------------------------------------

    /// One value per day of `range` (oldest first), `None` where nothing is stored.
    pub fn daily(
        &self,
        prm: &str,
        measure: Measure,
        range: DayRange,
    ) -> Result<Vec<DailyValue>, HistoryError> {
        let stored = self.read(|conn| {
            let mut stmt = conn.prepare(
                "SELECT day, value, peak_at FROM days
                 WHERE prm = ?1 AND measure = ?2 AND day >= ?3 AND day < ?4
                   AND status = 'complete' AND value IS NOT NULL",
            )?;
            let mut rows = stmt.query(params![
                prm,
                measure_key(measure),
                paris::format_date(range.start),
                paris::format_date(range.end)
            ])?;
            let mut out = std::collections::HashMap::new();
            while let Some(row) = rows.next()? {
                let day = parse_day(&row.get::<_, String>(0)?)?;
                let peak: Option<i64> = row.get(2)?;
                out.insert(
                    day,
                    (row.get::<_, i64>(1)?, peak.map(timestamp).transpose()?),
                );
            }
            Ok(out)
        })?;
        Ok(range
            .iter()
            .map(|day| {
                let found = stored.get(&day);
                DailyValue {
                    day,
                    value: found.map(|(v, _)| *v),
                    peak_at: found.and_then(|(_, p)| *p),
                }
            })
            .collect())
    }

    /// The daily maximum power (VA) with the time of each peak.
    pub fn max_power(&self, prm: &str, range: DayRange) -> Result<Vec<DailyValue>, HistoryError> {
        self.daily(prm, Measure::MaxPower, range)
    }

    /// The load-curve points of the French days in `range`, in time order. Missing intervals
    /// are absent: a chart breaks its line where a point's start is not the previous end.
    pub fn curve(
        &self,
        prm: &str,
        measure: Measure,
        range: DayRange,
    ) -> Result<Vec<CurvePoint>, HistoryError> {
        self.read(|conn| {
            let mut stmt = conn.prepare(
                "SELECT start, end, value FROM points
                 WHERE prm = ?1 AND measure = ?2 AND day >= ?3 AND day < ?4 ORDER BY start",
            )?;
            let mut rows = stmt.query(params![
                prm,
                measure_key(measure),
                paris::format_date(range.start),
                paris::format_date(range.end)
            ])?;
            let mut out = Vec::new();
            while let Some(row) = rows.next()? {
                out.push(CurvePoint {
                    start: timestamp(row.get(0)?)?,
                    end: timestamp(row.get(1)?)?,
                    value: row.get(2)?,
                });
            }
            Ok(out)
        })
    }

    /// The total of a daily measure over a calendar month.
    pub fn month_total(
        &self,
        prm: &str,
        measure: Measure,
        year: i16,
        month: i8,
    ) -> Result<MonthTotal, HistoryError> {
        let start =
            Date::new(year, month, 1).map_err(|_| HistoryError::NoSuchMonth { year, month })?;
        let days = start.days_in_month();
        let range = DayRange {
            start,
            end: add_days(start, i64::from(days)),
        };
        let values = self.daily(prm, measure, range)?;
        Ok(MonthTotal {
            total: values.iter().filter_map(|v| v.value).sum(),
            days_known: u32::try_from(values.iter().filter(|v| v.value.is_some()).count())
                .unwrap_or(u32::MAX),
            days_in_month: u32::try_from(days).unwrap_or(0),
        })
    }

    /// "Data up to DATE": the newest complete day of a measure.
    pub fn data_up_to(&self, prm: &str, measure: Measure) -> Result<Option<Date>, HistoryError> {
        self.read(|conn| {
            let day: Option<String> = conn.query_row(
                "SELECT MAX(day) FROM days WHERE prm = ?1 AND measure = ?2 AND status = 'complete'",
                params![prm, measure_key(measure)],
                |r| r.get(0),
            )?;
            day.as_deref().map(parse_day).transpose()
        })
    }

    // --- Prices: Tempo colours, the regulator's files, off-peak windows ----------------------

    /// Every Tempo colour stored (one calendar for all meters).
    pub fn tempo_calendar(&self) -> Result<TempoCalendar, HistoryError> {
        self.read(|conn| {
            let mut stmt = conn.prepare("SELECT day, color FROM tempo_days")?;
            let mut rows = stmt.query([])?;
            let mut calendar = TempoCalendar::new();
            while let Some(row) = rows.next()? {
                let day = parse_day(&row.get::<_, String>(0)?)?;
                calendar.set(day, color_from_key(&row.get::<_, String>(1)?)?);
            }
            Ok(calendar)
        })
    }

    /// Stores colours; returns how many were new or changed.
    pub fn store_tempo(
        &self,
        days: &[(Date, Color)],
        now: Timestamp,
    ) -> Result<usize, HistoryError> {
        self.write(|tx| {
            let mut changed = 0;
            for (day, color) in days {
                changed += tx
                    .prepare_cached(
                        "INSERT INTO tempo_days (day, color, fetched_at) VALUES (?1, ?2, ?3)
                         ON CONFLICT (day) DO UPDATE SET color = excluded.color,
                            fetched_at = excluded.fetched_at
                         WHERE tempo_days.color != excluded.color",
                    )?
                    .execute(params![
                        paris::format_date(*day),
                        color_key(*color),
                        now.as_second()
                    ])?;
            }
            Ok(changed)
        })
    }

    /// The regulator's file for `option` as last fetched (the whole body) and when, if any.
    pub fn tariff_file(
        &self,
        option: TariffOption,
    ) -> Result<Option<(Vec<u8>, Timestamp)>, HistoryError> {
        self.read(|conn| {
            conn.query_row(
                "SELECT body, fetched_at FROM tariff_files WHERE option = ?1",
                [option_key(option)],
                |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, i64>(1)?)),
            )
            .optional()?
            .map(|(body, at)| Ok((body, timestamp(at)?)))
            .transpose()
        })
    }

    /// Keeps a fetched file for `option`, replacing the one before (the regulator republishes
    /// the whole history each time). The caller checks that it parses first.
    pub fn store_tariff_file(
        &self,
        option: TariffOption,
        body: &[u8],
        now: Timestamp,
    ) -> Result<(), HistoryError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO tariff_files (option, body, fetched_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (option) DO UPDATE SET body = excluded.body,
                    fetched_at = excluded.fetched_at",
                params![option_key(option), body, now.as_second()],
            )?;
            Ok(())
        })
    }

    /// A meter's off-peak windows, versioned by the day each applies from, oldest first.
    pub fn offpeak_versions(&self, prm: &str) -> Result<Vec<OffpeakVersion>, HistoryError> {
        self.read(|conn| offpeak_versions(conn, prm))
    }

    /// Sets a meter's windows from `from` on, replacing a version of the same day (whoever set
    /// it). Seconds are not kept: windows are stored in the contract's spelling, to the minute.
    pub fn set_offpeak(
        &self,
        prm: &str,
        from: Date,
        windows: &Windows,
        source: WindowsSource,
    ) -> Result<(), HistoryError> {
        self.write(|tx| {
            ensure_meter(tx, prm)?;
            tx.execute(
                "INSERT INTO offpeak_versions (prm, since, windows, source) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (prm, since) DO UPDATE SET windows = excluded.windows,
                    source = excluded.source",
                params![prm, format_since(from), windows.to_string(), source.key()],
            )?;
            Ok(())
        })
    }

    /// Removes the version that starts on `from`; false if there was none.
    pub fn remove_offpeak(&self, prm: &str, from: Date) -> Result<bool, HistoryError> {
        self.write(|tx| {
            let removed = tx.execute(
                "DELETE FROM offpeak_versions WHERE prm = ?1 AND since = ?2",
                params![prm, format_since(from)],
            )?;
            Ok(removed > 0)
        })
    }

    /// The schedule the cost engine uses: the meter's versions (the earliest also covering older
    /// days), or the national 22:00–06:00 default when there is none.
    pub fn offpeak_schedule(&self, prm: &str) -> Result<OffpeakSchedule, HistoryError> {
        let versions = self.offpeak_versions(prm)?;
        if versions.is_empty() {
            return Ok(OffpeakSchedule::default_night());
        }
        Ok(OffpeakSchedule::from_versions(
            versions.into_iter().map(|v| (v.from, v.windows)).collect(),
            true,
        ))
    }

    // --- The sync lease -----------------------------------------------------------------------

    /// Takes (or renews) the right to sync a meter until `now + ttl`, if nobody else holds it
    /// unexpired. `now` is the wall clock, compared across processes.
    pub fn try_lease(
        &self,
        prm: &str,
        owner: &str,
        now: Timestamp,
        ttl: Duration,
    ) -> Result<bool, HistoryError> {
        let until = now.as_second() + i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX / 2);
        self.write(|tx| {
            let changed = tx.execute(
                "INSERT INTO leases (prm, owner, until) VALUES (?1, ?2, ?3)
                 ON CONFLICT (prm) DO UPDATE SET owner = excluded.owner, until = excluded.until
                 WHERE leases.owner = excluded.owner OR leases.until <= ?4",
                params![prm, owner, until, now.as_second()],
            )?;
            Ok(changed == 1)
        })
    }

    /// Gives the lease back (only if `owner` holds it).
    pub fn release_lease(&self, prm: &str, owner: &str) -> Result<(), HistoryError> {
        self.write(|tx| {
            tx.execute(
                "DELETE FROM leases WHERE prm = ?1 AND owner = ?2",
                params![prm, owner],
            )?;
            Ok(())
        })
    }
}

fn migrate(conn: &mut Connection, path: &Path) -> Result<(), HistoryError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(HistoryError::NewerSchema {
            path: path.to_owned(),
            found,
            known: SCHEMA_VERSION,
        });
    }
    let mut version = found;
    for step in MIGRATIONS.iter().skip(usize::try_from(found).unwrap_or(0)) {
        tx.execute_batch(step)?;
        version += 1;
        tx.pragma_update(None, "user_version", version)?;
    }
    tx.commit()?;
    Ok(())
}

/// Consumption data is personal: the file (and SQLite's WAL and shared-memory files, which
/// take the database's mode) readable by the user alone.
fn owner_only(path: &Path) -> Result<(), HistoryError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(path)?;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

fn ensure_meter(tx: &Transaction<'_>, prm: &str) -> Result<(), HistoryError> {
    tx.execute("INSERT OR IGNORE INTO meters (prm) VALUES (?1)", [prm])?;
    Ok(())
}

fn offpeak_versions(conn: &Connection, prm: &str) -> Result<Vec<OffpeakVersion>, HistoryError> {
    let mut stmt =
        conn.prepare_cached("SELECT since, windows, source FROM offpeak_versions WHERE prm = ?1")?;
    let mut rows = stmt.query([prm])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let windows: String = row.get(1)?;
        out.push(OffpeakVersion {
            from: parse_since(&row.get::<_, String>(0)?)?,
            windows: Windows::parse_contract(&windows)
                .map_err(|_| HistoryError::Corrupt(format!("off-peak windows {windows:?}")))?,
            source: WindowsSource::from_key(&row.get::<_, String>(2)?)?,
        });
    }
    // Sorted here, not by SQL: the text of a negative year does not sort as the date does.
    out.sort_by_key(|v| v.from);
    Ok(out)
}

/// The meter's windows, seen on `today` (see [`History::set_contract`]).
fn record_meter_windows(
    tx: &Transaction<'_>,
    prm: &str,
    windows: &Windows,
    today: Date,
) -> Result<(), HistoryError> {
    let versions = offpeak_versions(tx, prm)?;
    let latest_meter = versions
        .iter()
        .rev()
        .find(|v| v.source == WindowsSource::Meter);
    let from = match latest_meter {
        Some(latest) if latest.windows == *windows => return Ok(()),
        // A change: from the day it is seen (never earlier than the version it follows).
        Some(latest) => today.max(latest.from),
        // The first windows the meter tells: no older version is known, they apply to all days.
        None => Date::MIN,
    };
    // DO NOTHING on a user's version of that day: the user's word stands.
    tx.execute(
        "INSERT INTO offpeak_versions (prm, since, windows, source) VALUES (?1, ?2, ?3, 'meter')
         ON CONFLICT (prm, since) DO UPDATE SET windows = excluded.windows
         WHERE offpeak_versions.source = 'meter'",
        params![prm, format_since(from), windows.to_string()],
    )?;
    Ok(())
}

/// A version's first day as stored: `YYYY-MM-DD`, with a sign for [`Date::MIN`]
/// (`-9999-01-01`), which reads back as itself.
fn format_since(day: Date) -> String {
    paris::format_date(day)
}

fn parse_since(text: &str) -> Result<Date, HistoryError> {
    Date::strptime(paris::DATE_FORMAT, text)
        .map_err(|_| HistoryError::Corrupt(format!("day {text:?}")))
}

fn color_key(color: Color) -> &'static str {
    match color {
        Color::Blue => "blue",
        Color::White => "white",
        Color::Red => "red",
    }
}

fn color_from_key(key: &str) -> Result<Color, HistoryError> {
    match key {
        "blue" => Ok(Color::Blue),
        "white" => Ok(Color::White),
        "red" => Ok(Color::Red),
        other => Err(HistoryError::Corrupt(format!("Tempo colour {other:?}"))),
    }
}

fn option_key(option: TariffOption) -> &'static str {
    match option {
        TariffOption::Base => "base",
        TariffOption::HpHc => "hp_hc",
        TariffOption::Tempo => "tempo",
    }
}

/// Marks a day missing unless it is complete; true if it is (now) missing.
fn mark_missing(
    tx: &Transaction<'_>,
    prm: &str,
    key: &str,
    day: Date,
    now: Timestamp,
) -> Result<bool, HistoryError> {
    let changed = tx
        .prepare_cached(
            "INSERT INTO days (prm, measure, day, status, attempts, asked_at)
         VALUES (?1, ?2, ?3, 'missing', 1, ?4)
         ON CONFLICT (prm, measure, day) DO UPDATE SET status = 'missing',
            attempts = days.attempts + 1, asked_at = excluded.asked_at
         WHERE days.status != 'complete'",
        )?
        .execute(params![prm, key, paris::format_date(day), now.as_second()])?;
    Ok(changed == 1)
}

/// An answer, as rows.
enum Parsed {
    /// (day, value, peak instant for maximum power)
    Daily(Vec<(Date, i64, Option<Timestamp>)>),
    /// (day, start, end, value)
    Curve(Vec<(Date, Timestamp, Timestamp, i64)>),
}

fn parse_reading(
    measure: Measure,
    range: DayRange,
    reading: &MeterReading,
) -> Result<Parsed, MeteringError> {
    let in_range = |day: Date| day >= range.start && day < range.end;
    if measure.is_curve() {
        let intervals = reading.intervals()?;
        let mut out = Vec::with_capacity(intervals.len());
        for (point, interval) in reading.interval_reading.iter().zip(intervals) {
            let day = paris_date(interval.start);
            if in_range(day) {
                out.push((day, interval.start, interval.end, point.value()?));
            }
        }
        return Ok(Parsed::Curve(out));
    }
    let mut out = Vec::with_capacity(reading.interval_reading.len());
    for point in &reading.interval_reading {
        let day = point.day()?;
        if !in_range(day) {
            continue;
        }
        let peak = if measure == Measure::MaxPower && point.date.trim().len() > 10 {
            // One point alone: in the repeated October hour the earlier instant is taken.
            let local = paris::parse_datetime(&point.date)?;
            Some(paris::Resolver::new().resolve(local)?)
        } else {
            None
        };
        out.push((day, point.value()?, peak));
    }
    Ok(Parsed::Daily(out))
}

/// The measure's name in the file (serde's spelling, stable across versions).
pub(crate) fn measure_key(measure: Measure) -> &'static str {
    match measure {
        Measure::DailyConsumption => "daily_consumption",
        Measure::ConsumptionLoadCurve => "consumption_load_curve",
        Measure::MaxPower => "max_power",
        Measure::DailyProduction => "daily_production",
        Measure::ProductionLoadCurve => "production_load_curve",
    }
}

fn measure_from_key(key: &str) -> Result<Measure, HistoryError> {
    Measure::ALL
        .into_iter()
        .find(|m| measure_key(*m) == key)
        .ok_or_else(|| HistoryError::Corrupt(format!("measure {key:?}")))
}

fn parse_day(s: &str) -> Result<Date, HistoryError> {
    paris::parse_date(s).map_err(|_| HistoryError::Corrupt(format!("day {s:?}")))
}

fn timestamp(seconds: i64) -> Result<Timestamp, HistoryError> {
    Timestamp::from_second(seconds).map_err(|_| HistoryError::Corrupt(format!("instant {seconds}")))
}

struct RawMeter {
    prm: String,
    activation: Option<String>,
    produces: Option<bool>,
    contract: Option<String>,
    contract_checked_at: Option<i64>,
    last_sync_at: Option<i64>,
    retry_at: Option<i64>,
    consent_end: Option<String>,
}

fn meter_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<RawMeter> {
    Ok(RawMeter {
        prm: row.get(0)?,
        activation: row.get(1)?,
        produces: row.get(2)?,
        contract: row.get(3)?,
        contract_checked_at: row.get(4)?,
        last_sync_at: row.get(5)?,
        retry_at: row.get(6)?,
        consent_end: row.get(7)?,
    })
}

impl RawMeter {
    fn decode(self) -> Result<MeterRecord, HistoryError> {
        Ok(MeterRecord {
            prm: self.prm,
            activation: self.activation.as_deref().map(parse_day).transpose()?,
            produces: self.produces,
            contract: self
                .contract
                .as_deref()
                .map(serde_json::from_str)
                .transpose()
                .map_err(|e| HistoryError::Corrupt(format!("contract: {e}")))?,
            contract_checked_at: self.contract_checked_at.map(timestamp).transpose()?,
            last_sync_at: self.last_sync_at.map(timestamp).transpose()?,
            retry_at: self.retry_at.map(timestamp).transpose()?,
            consent_end: self.consent_end.as_deref().map(parse_day).transpose()?,
        })
    }
}
