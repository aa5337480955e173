//! Invariants of ARCHITECTURE.md that the dependency graph can prove. Each follows edges
//! transitively: a crate that reaches Tauri through another one breaks "only the shell knows
//! Tauri" as surely as one that names it.

// Helpers here are test code too: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use serde_json::Value;

/// The resolved dependency graph for this machine's platform, by package name.
struct Graph {
    /// Package name → the names of what it links: normal and build dependencies (what a crate
    /// compiles against), never dev-dependencies (tests may use anything).
    edges: BTreeMap<String, BTreeSet<String>>,
    /// Package name → its direct normal dependencies.
    direct: BTreeMap<String, BTreeSet<String>>,
    /// The workspace's own packages.
    members: BTreeSet<String>,
}

impl Graph {
    fn load() -> Self {
        let metadata = metadata();
        let names: BTreeMap<&str, &str> = metadata["packages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["id"].as_str().unwrap(), p["name"].as_str().unwrap()))
            .collect();
        let members = metadata["workspace_members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|id| names[id.as_str().unwrap()].to_owned())
            .collect();
        let mut edges = BTreeMap::<String, BTreeSet<String>>::new();
        let mut direct = BTreeMap::<String, BTreeSet<String>>::new();
        for node in metadata["resolve"]["nodes"].as_array().unwrap() {
            let from = names[node["id"].as_str().unwrap()].to_owned();
            for dep in node["deps"].as_array().unwrap() {
                let to = names[dep["pkg"].as_str().unwrap()].to_owned();
                let kinds: Vec<&Value> = dep["dep_kinds"].as_array().unwrap().iter().collect();
                let normal = kinds.iter().any(|k| k["kind"].is_null());
                let build = kinds.iter().any(|k| k["kind"] == "build");
                if normal {
                    direct.entry(from.clone()).or_default().insert(to.clone());
                }
                if normal || build {
                    edges.entry(from.clone()).or_default().insert(to);
                }
            }
        }
        Self {
            edges,
            direct,
            members,
        }
    }

    /// Everything `package` links, directly or not.
    fn reach(&self, package: &str) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut todo = vec![package.to_owned()];
        while let Some(next) = todo.pop() {
            for dep in self.edges.get(&next).into_iter().flatten() {
                if seen.insert(dep.clone()) {
                    todo.push(dep.clone());
                }
            }
        }
        seen
    }

    /// The workspace packages that reach a crate for which `matches` holds.
    fn members_reaching(&self, matches: impl Fn(&str) -> bool) -> BTreeSet<String> {
        self.members
            .iter()
            .filter(|member| self.reach(member).iter().any(|dep| matches(dep)))
            .cloned()
            .collect()
    }
}

fn metadata() -> Value {
    // The graph for this platform only: the others' crates (Windows, macOS) are not downloaded
    // here, and the invariants do not depend on the platform.
    let rustc = Command::new("rustc").arg("-vV").output().unwrap();
    let host = String::from_utf8(rustc.stdout)
        .unwrap()
        .lines()
        .find_map(|line| line.strip_prefix("host: ").map(str::to_owned))
        .unwrap();
    let output = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--offline"])
        .args(["--filter-platform", &host])
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

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|name| (*name).to_owned()).collect()
}

#[test]
fn only_the_shell_knows_tauri() {
    assert_eq!(
        Graph::load().members_reaching(|dep| dep.starts_with("tauri")),
        set(&["hearth-app"])
    );
}

#[test]
fn only_the_secret_crate_touches_the_keychain() {
    let graph = Graph::load();
    let direct: BTreeSet<String> = graph
        .members
        .iter()
        .filter(|member| {
            graph
                .direct
                .get(*member)
                .is_some_and(|d| d.contains("keyring"))
        })
        .cloned()
        .collect();
    assert_eq!(direct, set(&["hearth-secret"]));
    // The others reach it only through hearth-secret: without that edge, none would.
    for member in graph.members_reaching(|dep| dep == "keyring") {
        if member != "hearth-secret" {
            assert!(
                graph.reach(&member).contains("hearth-secret"),
                "{member} reaches keyring without hearth-secret"
            );
        }
    }
}

#[test]
fn the_simulators_know_no_hearth_crate() {
    let graph = Graph::load();
    let hearth: BTreeSet<String> = graph
        .reach("hearth-sim")
        .intersection(&graph.members)
        .cloned()
        .collect();
    assert_eq!(hearth, BTreeSet::new());
}

#[test]
fn the_proxy_knows_neither_the_app_nor_the_lights() {
    let graph = Graph::load();
    let reached = graph.reach("hearth-proxy");
    for forbidden in ["hearth-core", "hearth-hue", "hearth-app", "hearth-demo"] {
        assert!(
            !reached.contains(forbidden),
            "hearth-proxy reaches {forbidden}"
        );
    }
    let tauri: Vec<&String> = reached.iter().filter(|d| d.starts_with("tauri")).collect();
    assert!(tauri.is_empty(), "hearth-proxy reaches {tauri:?}");
}

#[test]
fn the_core_links_no_simulator() {
    let graph = Graph::load();
    assert!(!graph.reach("hearth-core").contains("hearth-sim"));
    // Only the test harness and the demo crate (what the shell starts *Try the demo* with) may
    // link the simulators.
    assert_eq!(
        graph.members_reaching(|dep| dep == "hearth-sim"),
        set(&["hearth-app", "hearth-demo"])
    );
}

/// The checks above would pass on an empty graph: make sure they read the real one.
#[test]
fn the_graph_is_the_workspace() {
    let graph = Graph::load();
    for member in ["hearth-app", "hearth-core", "hearth-proxy", "hearth-sim"] {
        assert!(graph.members.contains(member), "{member} is missing");
    }
    assert!(graph.reach("hearth-app").contains("tauri"));
    assert!(graph.reach("hearth-app").contains("hearth-core"));
    assert!(graph.reach("hearth-app").contains("keyring"));
}

#[test]
fn the_metering_model_does_no_io() {
    // Time zones, serde and error types: nothing that opens a socket or a file, and no Hearth
    // crate (the proxy depends on it, not the reverse).
    let graph = Graph::load();
    assert_eq!(
        graph
            .direct
            .get("hearth-metering")
            .cloned()
            .unwrap_or_default(),
        set(&["jiff", "serde", "thiserror"])
    );
}
