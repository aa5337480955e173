//! What the CLI tests share: the real binary with its own configuration directory, a file secret
//! store and network discovery off, run as a script runs it.

#![allow(dead_code)] // Each test binary uses a different part of this module.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics the test with its reason.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use hearth_sim::bridge::BridgeSim;
use tokio::io::{AsyncBufReadExt as _, BufReader};
use tokio::process::Command;

/// Generous: only a broken program waits this long.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// `hearth-cli` with `dir` as its configuration, trusting the CA in `dir/sim-ca.pem`, and nothing
/// from the environment that would change what it does.
pub fn cli(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hearth-cli"));
    command
        .env("HEARTH_CONFIG_DIR", dir)
        .env("HEARTH_SECRET_STORE", "file")
        .env("HEARTH_DISCOVERY", "off")
        .env("HEARTH_HUE_EXTRA_ROOTS", dir.join("sim-ca.pem"))
        .env_remove("HEARTH_CLOUD_URL")
        .env_remove("HEARTH_CLIENT_SECRET")
        .env_remove("HEARTH_LOG")
        .kill_on_drop(true);
    command
}

/// A configuration directory whose CLI trusts `sim`'s test CA.
pub fn config_dir(sim: &BridgeSim) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sim-ca.pem"), sim.ca_pem()).unwrap();
    dir
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the CLI to its end, with nothing on standard input.
pub async fn run(dir: &Path, args: &[&str]) -> Run {
    finish(cli(dir), args).await
}

/// `hearth-cli energy` with `dir` as its configuration folder and `dir/data` as its data folder.
pub fn energy(dir: &Path) -> Command {
    let mut command = cli(dir);
    command
        .env("HEARTH_DATA_DIR", dir.join("data"))
        .arg("energy");
    command
}

/// Runs `hearth-cli energy ARGS` (see [`energy`]) to its end, with nothing on standard input.
pub async fn run_energy(dir: &Path, args: &[&str]) -> Run {
    finish(energy(dir), args).await
}

async fn finish(mut command: Command, args: &[&str]) -> Run {
    let output = tokio::time::timeout(PATIENCE, command.args(args).stdin(Stdio::null()).output())
        .await
        .unwrap()
        .unwrap();
    Run {
        code: output.status.code().unwrap(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Pairs with `sim`, pressing its button when the CLI asks for it; returns what it printed.
pub async fn pair(dir: &Path, sim: &BridgeSim) -> String {
    let mut child = cli(dir)
        .args(["pair", &sim.address(), "--wait", "20"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
    tokio::time::timeout(PATIENCE, async {
        while let Some(line) = stderr.next_line().await.unwrap() {
            if line.starts_with("Press the link button") {
                sim.press_link_button();
                break;
            }
        }
    })
    .await
    .unwrap();
    let output = tokio::time::timeout(PATIENCE, child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap()
}
