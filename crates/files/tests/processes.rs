//! Two real processes changing one file at the same time lose nothing.
//!
//! The processes are this test binary started again, running only [`worker`]: each adds 200
//! entries of its own, one read-modify-write at a time, after both have started. The file keeps
//! the entries in the order they were added, which shows the two took turns.
//!
//! To see the test catch the loss the lock prevents (debug builds only):
//!
//! ```sh
//! HEARTH_FILES_UNLOCKED=1 cargo test -p hearth-files --test processes
//! ```
//!
//! `two_processes_lose_nothing` then fails, and `without_the_lock_two_processes_lose_entries`
//! (ignored by default: losing is likely, not certain) passes with
//! `cargo test -p hearth-files --test processes -- --ignored`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics the test with its reason.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use hearth_files::{JsonFile, UNLOCKED_ENV};

/// Tells a started copy of this binary which folder to work in and which worker it is.
const WORKER_DIR_ENV: &str = "HEARTH_FILES_TEST_WORKER_DIR";
const WORKER_NAME_ENV: &str = "HEARTH_FILES_TEST_WORKER_NAME";
const CYCLES: usize = 200;

/// In the order they were added.
type Entries = Vec<String>;

/// Starts two workers on `dir`, lets them go at the same moment, and returns what the file holds.
fn run_two_workers(dir: &Path, unlocked: bool) -> Entries {
    let mut children = Vec::new();
    for name in ["a", "b"] {
        let mut command = Command::new(std::env::current_exe().unwrap());
        command
            .args([
                "--exact",
                "worker",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(WORKER_DIR_ENV, dir)
            .env(WORKER_NAME_ENV, name)
            // The harness's own lines; a failing worker's panic goes to stderr.
            .stdout(Stdio::null());
        // Otherwise the workers inherit whatever this process was given: the demonstration
        // sets it for the whole run.
        if unlocked {
            command.env(UNLOCKED_ENV, "1");
        }
        children.push(command.spawn().unwrap());
    }
    wait_for(|| dir.join("ready-a").exists() && dir.join("ready-b").exists());
    std::fs::write(dir.join("go"), "").unwrap();
    for mut child in children {
        assert!(child.wait().unwrap().success(), "a worker failed");
    }
    JsonFile::new(dir.join("entries.json"))
        .read()
        .unwrap()
        .unwrap()
}

fn expected() -> BTreeSet<String> {
    ["a", "b"]
        .iter()
        .flat_map(|name| (0..CYCLES).map(move |n| format!("{name}-{n}")))
        .collect()
}

fn wait_for(ready: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !ready() {
        assert!(
            Instant::now() < deadline,
            "the other processes never got ready"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn two_processes_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let entries = run_two_workers(dir.path(), false);
    let switches = entries
        .windows(2)
        .filter(|pair| pair[0][..1] != pair[1][..1])
        .count();
    // Else the processes ran one after the other, and the lock had nothing to do.
    assert!(
        switches >= 2,
        "the two processes did not take turns ({switches} switches)"
    );
    let entries: BTreeSet<String> = entries.into_iter().collect();
    let missing: Vec<_> = expected().difference(&entries).cloned().collect();
    assert!(
        missing.is_empty(),
        "{} of {} entries lost, e.g. {:?}",
        missing.len(),
        2 * CYCLES,
        &missing[..missing.len().min(5)]
    );
    assert_eq!(entries, expected());
}

/// Shows that the test above can fail: without the lock, the same run loses entries. Losing is
/// likely, not certain (the two processes must overlap), hence ignored by default.
#[test]
#[ignore = "a demonstration: losing without the lock is likely, not certain"]
fn without_the_lock_two_processes_lose_entries() {
    let dir = tempfile::tempdir().unwrap();
    let entries: BTreeSet<String> = run_two_workers(dir.path(), true).into_iter().collect();
    assert!(entries.is_subset(&expected()));
    assert!(
        entries.len() < 2 * CYCLES,
        "nothing was lost without the lock this time"
    );
}

/// Not a test of its own: the body of each process the tests above start (started without them,
/// it has nothing to do).
#[test]
#[ignore = "run by the two-process tests, in processes of its own"]
fn worker() {
    let (Some(dir), Some(name)) = (
        std::env::var_os(WORKER_DIR_ENV),
        std::env::var(WORKER_NAME_ENV).ok(),
    ) else {
        return;
    };
    let dir = Path::new(&dir);
    std::fs::write(dir.join(format!("ready-{name}")), "").unwrap();
    wait_for(|| dir.join("go").exists());
    let file = JsonFile::new(dir.join("entries.json"));
    for n in 0..CYCLES {
        file.update(|entries: &mut Entries| entries.push(format!("{name}-{n}")))
            .unwrap();
    }
}
