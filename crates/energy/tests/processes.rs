//! Two real processes (the app and `hearth-cli`) syncing one meter into one history file at the
//! same moment fetch nothing twice.
//!
//! The processes are this test binary started again, running only [`worker`]: each opens the
//! file, waits for the signal, and syncs the same meter from its own copy of the household,
//! logging every call it makes. The parent merges the logs.

#![allow(clippy::unwrap_used)]

mod support;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use hearth_energy::sync::{Progress, SyncOptions};
use hearth_energy::{History, sync};
use support::{Household, PRM, at, d};

const WORKER_DIR_ENV: &str = "HEARTH_ENERGY_TEST_WORKER_DIR";
const WORKER_NAME_ENV: &str = "HEARTH_ENERGY_TEST_WORKER_NAME";

fn wait_for(ready: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !ready() {
        assert!(
            Instant::now() < deadline,
            "timed out waiting for the workers"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn two_processes_syncing_one_meter_fetch_nothing_twice() {
    let dir = tempfile::tempdir().unwrap();
    let mut children = Vec::new();
    for name in ["app", "cli"] {
        children.push(
            Command::new(std::env::current_exe().unwrap())
                .args(["--exact", "worker", "--ignored", "--test-threads=1"])
                .env(WORKER_DIR_ENV, dir.path())
                .env(WORKER_NAME_ENV, name)
                .stdout(Stdio::null())
                .spawn()
                .unwrap(),
        );
    }
    let path = |n: &str| dir.path().join(n);
    wait_for(|| path("ready-app").exists() && path("ready-cli").exists());
    std::fs::write(path("go"), "").unwrap();
    for mut child in children {
        assert!(child.wait().unwrap().success(), "a worker failed");
    }

    let mut asked: HashMap<String, usize> = HashMap::new();
    let mut waited = 0;
    let mut calls = Vec::new();
    for name in ["app", "cli"] {
        let log = std::fs::read_to_string(path(&format!("calls-{name}"))).unwrap();
        for line in log.lines() {
            *asked.entry(line.to_owned()).or_insert(0) += 1;
        }
        let report = std::fs::read_to_string(path(&format!("report-{name}"))).unwrap();
        let (n, w) = report.trim().split_once(' ').unwrap();
        calls.push(n.parse::<usize>().unwrap());
        waited += usize::from(w == "true");
    }
    let twice: Vec<_> = asked.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "asked twice: {twice:?}");
    assert!(
        asked.len() > 4 * 200,
        "a real backfill: {} days",
        asked.len()
    );
    assert_eq!(waited, 1, "one waited for the other");
    assert!(calls.contains(&0), "and then had nothing to ask: {calls:?}");
    // Both see the same, complete history.
    let history = History::open(&path("energy.sqlite")).unwrap();
    assert_eq!(
        history
            .data_up_to(PRM, hearth_energy::Measure::DailyConsumption)
            .unwrap(),
        Some(d("2026-11-29"))
    );
}

/// One process's side; run only by the test above.
#[test]
#[ignore = "started by two_processes_syncing_one_meter_fetch_nothing_twice"]
fn worker() {
    let (Some(dir), Some(name)) = (
        std::env::var_os(WORKER_DIR_ENV),
        std::env::var(WORKER_NAME_ENV).ok(),
    ) else {
        return;
    };
    let dir = PathBuf::from(dir);
    let history = History::open(&dir.join("energy.sqlite")).unwrap();
    let mut household = Household::new(d("2026-05-01"), d("2026-11-29"));
    household.delay = Duration::from_millis(2);
    std::fs::write(dir.join(format!("ready-{name}")), "").unwrap();
    wait_for(|| Path::new(&dir).join("go").exists());
    let now = at("2026-11-30 09:00:00");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let report = runtime
        .block_on(sync(
            &history,
            &household,
            PRM,
            &move || now,
            SyncOptions {
                lease: Duration::from_secs(60),
                poll: Duration::from_millis(10),
            },
            |_: &Progress| {},
        ))
        .unwrap();
    let log: String = household
        .reading_calls()
        .into_iter()
        .flat_map(|(measure, range)| range.iter().map(move |day| format!("{measure:?} {day}\n")))
        .collect();
    std::fs::write(dir.join(format!("calls-{name}")), log).unwrap();
    std::fs::write(
        dir.join(format!("report-{name}")),
        format!("{} {}", report.calls, report.waited),
    )
    .unwrap();
}
