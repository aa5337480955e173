//! The packages `make package` builds, unpacked into a temporary root as the package manager
//! would install them: the desktop entry opens `hearth://` links (`%u`, or the desktop starts
//! Hearth without the URL and a deep-link sign-in never arrives), the icons are there, and the
//! packaged binary runs.
//!
//! Needs the bundles built first (`make test` does it):
//! `ui/node_modules/.bin/tauri build --debug --bundles deb,rpm`, then
//! `cargo test -p hearth-tests --test package -- --ignored`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics with its reason.

use std::path::{Path, PathBuf};
use std::process::Command;

use hearth_tests::process::target_dir;

/// The package of this version ending in `extension` under the debug bundle folder `kind`.
fn bundle(kind: &str, extension: &str) -> PathBuf {
    let dir = target_dir().join("debug").join("bundle").join(kind);
    let version = env!("CARGO_PKG_VERSION");
    let found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|err| panic!("{}: {err}: build the bundles first", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == extension))
        .filter(|path| path.to_string_lossy().contains(version))
        .collect();
    assert_eq!(found.len(), 1, "one .{extension} in {}", dir.display());
    found.into_iter().next().unwrap()
}

fn run(command: &mut Command) -> String {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{command:?}: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Everything a package must install, checked in the folder it was unpacked into.
fn check_installed(root: &Path) {
    let desktop = root.join("usr/share/applications/Hearth.desktop");
    run(Command::new("desktop-file-validate").arg(&desktop));
    let entry = std::fs::read_to_string(&desktop).unwrap();
    let lines: Vec<&str> = entry.lines().collect();
    assert!(
        lines.contains(&"MimeType=x-scheme-handler/hearth;"),
        "{entry}"
    );
    assert!(lines.contains(&"Exec=hearth %u"), "{entry}");
    assert!(lines.contains(&"Icon=hearth"), "{entry}");

    for size in ["32x32", "128x128"] {
        let icon = root.join(format!("usr/share/icons/hicolor/{size}/apps/hearth.png"));
        assert!(icon.is_file(), "{} is missing", icon.display());
    }

    let binary = root.join("usr/bin/hearth");
    let version = run(Command::new(&binary).arg("--version"));
    assert_eq!(
        version.trim(),
        format!("hearth {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
#[ignore = "needs the bundles: run by `make test` after `tauri build --debug --bundles deb,rpm`"]
fn the_deb_installs_a_desktop_entry_that_opens_hearth_links() {
    let deb = bundle("deb", "deb");
    let root = tempfile::tempdir().unwrap();
    run(Command::new("dpkg-deb")
        .arg("-x")
        .arg(&deb)
        .arg(root.path()));
    check_installed(root.path());
    let depends = run(Command::new("dpkg-deb")
        .args(["-f"])
        .arg(&deb)
        .arg("Depends"));
    assert!(depends.contains("libayatana-appindicator3-1"), "{depends}");
}

#[test]
#[ignore = "needs the bundles: run by `make test` after `tauri build --debug --bundles deb,rpm`"]
fn the_rpm_installs_the_same_desktop_entry() {
    let rpm = bundle("rpm", "rpm");
    let root = tempfile::tempdir().unwrap();
    // bsdtar (libarchive) reads an rpm's payload: no rpm tooling needed on Debian.
    run(Command::new("bsdtar")
        .arg("-xf")
        .arg(&rpm)
        .arg("-C")
        .arg(root.path()));
    check_installed(root.path());
}
