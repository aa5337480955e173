//! `KeychainStore` against a real Secret Service: GNOME Keyring, in a private session bus, with
//! a throwaway keyring in a temporary home. Nothing of the user's own keychain is touched.
//!
//! The outer test starts `dbus-run-session`, in which `gnome-keyring-daemon` is started and
//! unlocked with a throwaway password, then runs this test binary again for the inner test
//! (ignored when run on its own: it needs that session). Needs the Debian packages
//! `gnome-keyring` and `dbus` (`make deps`).

use std::process::Command;

use hearth_secret::{KeychainStore, Secret, SecretStore, StoreKind};

const INNER: &str = "keychain_store_against_gnome_keyring_inner";

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

#[test]
fn keychain_store_against_gnome_keyring() {
    for program in ["dbus-run-session", "gnome-keyring-daemon"] {
        assert!(
            on_path(program),
            "{program} is missing: install the Debian packages dbus and gnome-keyring (make deps)"
        );
    }
    let home = tempfile::tempdir().unwrap();
    let test_binary = std::env::current_exe().unwrap();
    // The daemon reads the new keyring's password on stdin, creates the login keyring with it,
    // unlocked, and stays in the background of the private session.
    let script = r#"
        set -e
        printf '%s' throwaway-test-password |
            gnome-keyring-daemon --daemonize --components=secrets --unlock >/dev/null
        exec "$0" --exact "$1" --include-ignored --nocapture --test-threads=1
    "#;
    let output = Command::new("dbus-run-session")
        .args(["--", "sh", "-c", script])
        .arg(&test_binary)
        .arg(INNER)
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_RUNTIME_DIR", home.path())
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("HEARTH_SECRET_STORE")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "the inner test failed:\n{stdout}\n{stderr}"
    );
}

#[test]
#[ignore = "run by keychain_store_against_gnome_keyring inside a private session bus"]
fn keychain_store_against_gnome_keyring_inner() {
    let store = KeychainStore::new("hearth-test");
    store.probe().unwrap();
    assert_eq!(store.kind(), StoreKind::Keychain);
    let name = "oauth/hue/tokens";
    assert_eq!(store.get(name).unwrap(), None);
    store.put(name, &Secret::from("first")).unwrap();
    assert_eq!(store.get(name).unwrap(), Some(Secret::from("first")));
    store.put(name, &Secret::from("second")).unwrap();
    assert_eq!(store.get(name).unwrap(), Some(Secret::from("second")));
    // Another store object (the CLI next to the app) sees the same entry; another service does
    // not.
    assert_eq!(
        KeychainStore::new("hearth-test").get(name).unwrap(),
        Some(Secret::from("second"))
    );
    assert_eq!(KeychainStore::new("other-app").get(name).unwrap(), None);
    store.delete(name).unwrap();
    store.delete(name).unwrap();
    assert_eq!(store.get(name).unwrap(), None);

    // `open` picks the keychain when it answers.
    let dir = tempfile::tempdir().unwrap();
    let opened = hearth_secret::open("hearth-test", dir.path());
    assert_eq!(opened.kind(), StoreKind::Keychain);
}
