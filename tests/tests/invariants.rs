//! Invariants of ARCHITECTURE.md that the dependency graph can prove.

// Helpers here are test code too: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::process::Command;

use serde_json::Value;

/// Workspace packages whose normal (non-dev) dependencies include a crate named like `prefix*`.
fn dependents_of(metadata: &Value, prefix: &str) -> BTreeSet<String> {
    metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|package| package["source"].is_null())
        .filter(|package| {
            package["dependencies"]
                .as_array()
                .unwrap()
                .iter()
                .any(|dep| {
                    dep["kind"].is_null() && dep["name"].as_str().unwrap().starts_with(prefix)
                })
        })
        .map(|package| package["name"].as_str().unwrap().to_owned())
        .collect()
}

fn metadata() -> Value {
    let output = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn only_the_shell_knows_tauri() {
    assert_eq!(
        dependents_of(&metadata(), "tauri"),
        BTreeSet::from(["hearth-app".to_owned()])
    );
}

#[test]
fn only_the_secret_crate_touches_the_keychain() {
    assert_eq!(
        dependents_of(&metadata(), "keyring"),
        BTreeSet::from(["hearth-secret".to_owned()])
    );
}

/// The names of a workspace package's normal (non-dev) dependencies.
fn normal_dependencies(metadata: &Value, package: &str) -> BTreeSet<String> {
    let package = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == package && p["source"].is_null())
        .unwrap_or_else(|| panic!("no workspace package {package}"));
    package["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|dep| dep["kind"].is_null())
        .map(|dep| dep["name"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn the_simulators_know_no_hearth_crate() {
    let hearth: Vec<String> = normal_dependencies(&metadata(), "hearth-sim")
        .into_iter()
        .filter(|dep| dep.starts_with("hearth-"))
        .collect();
    assert!(hearth.is_empty(), "hearth-sim depends on {hearth:?}");
}

#[test]
fn the_metering_model_does_no_io() {
    // Time zones, serde and error types: nothing that opens a socket or a file, and no Hearth
    // crate (the proxy depends on it, not the reverse).
    assert_eq!(
        normal_dependencies(&metadata(), "hearth-metering"),
        BTreeSet::from(["jiff", "serde", "thiserror"].map(String::from))
    );
}
