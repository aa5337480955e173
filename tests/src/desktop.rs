//! A private desktop for one test: an X display (Xvfb), a session bus (dbus-daemon) and a fresh
//! home folder. The app's single-instance lock and tray live on the session bus, and its files in
//! the home folder, so each test starts from nothing and cannot see another's app.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use tempfile::TempDir;

use crate::process::{ChildGuard, wait_for};
use crate::{HarnessError, Result};

pub struct Desktop {
    // Dropped in reverse order: the bus, then the display, then the folder.
    bus: ChildGuard,
    display: ChildGuard,
    display_name: String,
    bus_address: String,
    home: TempDir,
    /// More of the environment, for what this desktop runs ([`Self::set_env`]).
    extra_env: Vec<(&'static str, String)>,
}

impl Desktop {
    pub fn start() -> Result<Self> {
        let home = tempfile::Builder::new().prefix("hearth-e2e-").tempdir()?;
        for dir in [".config", ".local/share", ".cache", "runtime"] {
            std::fs::create_dir_all(home.path().join(dir))?;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            // XDG_RUNTIME_DIR must be private to its user.
            std::fs::set_permissions(
                home.path().join("runtime"),
                std::fs::Permissions::from_mode(0o700),
            )?;
        }

        let (display, display_name) = start_xvfb()?;

        let bus_socket = home.path().join("runtime/bus");
        let bus_address = format!("unix:path={}", bus_socket.display());
        let bus = ChildGuard::spawn(
            "dbus-daemon",
            Command::new("dbus-daemon")
                .args(["--session", "--nofork", "--nopidfile"])
                .arg(format!("--address={bus_address}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        )?;
        wait_for("the session bus", Duration::from_secs(10), || {
            bus_socket.exists().then_some(())
        })?;

        Ok(Self {
            bus,
            display,
            display_name,
            bus_address,
            home,
            extra_env: Vec::new(),
        })
    }

    /// Adds `name=value` to the environment of everything started in this desktop from now on.
    pub fn set_env(&mut self, name: &'static str, value: impl Into<String>) {
        self.extra_env.push((name, value.into()));
    }

    /// The session bus's address (`DBUS_SESSION_BUS_ADDRESS`).
    pub fn bus_address(&self) -> &str {
        &self.bus_address
    }

    /// The X display's name (`DISPLAY`, `:101`).
    pub fn display(&self) -> &str {
        &self.display_name
    }

    pub fn home(&self) -> &Path {
        self.home.path()
    }

    /// The app's configuration folder inside this desktop.
    pub fn config_dir(&self) -> PathBuf {
        self.home.path().join(".config/hearth")
    }

    /// The folder where Tauri's log plugin writes the app's log file.
    pub fn app_log_dir(&self) -> PathBuf {
        self.home
            .path()
            .join(".local/share/org.hearth.desktop/logs")
    }

    /// The environment a program needs to run inside this desktop.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        let home = self.home.path();
        let path = |sub: &str| home.join(sub).display().to_string();
        let mut env = vec![
            ("DISPLAY", self.display_name.clone()),
            ("DBUS_SESSION_BUS_ADDRESS", self.bus_address.clone()),
            ("HOME", home.display().to_string()),
            ("XDG_CONFIG_HOME", path(".config")),
            ("XDG_DATA_HOME", path(".local/share")),
            ("XDG_CACHE_HOME", path(".cache")),
            ("XDG_RUNTIME_DIR", path("runtime")),
            // An X11 session, whatever the one the tests run from: the app offers global
            // shortcuts only there.
            ("XDG_SESSION_TYPE", "x11".to_owned()),
            // No keychain daemon runs here: keep secrets in the private file, quietly.
            ("HEARTH_SECRET_STORE", "file".to_owned()),
            // Never look for bridges on a network from a test.
            ("HEARTH_DISCOVERY", "off".to_owned()),
            // The tests read the English words, whatever the machine's language.
            ("LC_ALL", "C.UTF-8".to_owned()),
        ];
        env.extend(self.extra_env.iter().cloned());
        env
    }

    /// A command that runs inside this desktop.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut command = Command::new(program);
        command
            .envs(self.env())
            .env_remove("WAYLAND_DISPLAY")
            .current_dir(self.home.path());
        command
    }

    /// Makes a recorder the desktop's web browser: `xdg-open` (which the app uses to open pages)
    /// then appends each URL it is given to the returned file instead of starting a browser.
    pub fn record_browser(&self) -> Result<PathBuf> {
        let home = self.home.path();
        let log = home.join("opened-urls");
        let script = home.join("record-url");
        std::fs::write(
            &script,
            format!("#!/bin/sh\necho \"$1\" >> '{}'\n", log.display()),
        )?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))?;
        }
        let applications = home.join(".local/share/applications");
        std::fs::create_dir_all(&applications)?;
        std::fs::write(
            applications.join("recorder.desktop"),
            format!(
                "[Desktop Entry]\nType=Application\nName=Recorder\nExec={} %u\n\
                 MimeType=x-scheme-handler/http;x-scheme-handler/https;\n",
                script.display()
            ),
        )?;
        std::fs::write(
            home.join(".config/mimeapps.list"),
            "[Default Applications]\nx-scheme-handler/http=recorder.desktop\n\
             x-scheme-handler/https=recorder.desktop\n",
        )?;
        Ok(log)
    }

    /// Fails if the X server or the bus died.
    pub fn check(&mut self) -> Result<()> {
        self.display.check_running()?;
        self.bus.check_running()
    }
}

/// Whether an X server holds display `number`. A lock whose process is gone (a run killed
/// before it could clean up) is stale: it and its socket are removed, so that the socket seen
/// next is the new server's.
fn display_in_use(number: u32, socket: &Path) -> bool {
    let lock = format!("/tmp/.X{number}-lock");
    match std::fs::read_to_string(&lock) {
        Ok(pid) => {
            let alive = pid
                .trim()
                .parse::<u32>()
                .map_or(true, |pid| Path::new(&format!("/proc/{pid}")).exists());
            if !alive {
                let _ = std::fs::remove_file(socket);
                let _ = std::fs::remove_file(&lock);
            }
            alive
        }
        // No lock: in use only if something else made the socket.
        Err(_) => socket.exists(),
    }
}

/// Starts Xvfb on the first free display number from 100 (lower numbers are left to people).
fn start_xvfb() -> Result<(ChildGuard, String)> {
    for number in 100..200 {
        let socket = PathBuf::from(format!("/tmp/.X11-unix/X{number}"));
        if display_in_use(number, &socket) {
            continue;
        }
        let name = format!(":{number}");
        let mut xvfb = ChildGuard::spawn(
            "Xvfb",
            Command::new("Xvfb")
                .args([&name, "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        )?;
        // Another test may have taken the same number in between: Xvfb then exits, try the next.
        let ready = wait_for("Xvfb", Duration::from_secs(10), || {
            if socket.exists() {
                Some(true)
            } else if xvfb.check_running().is_err() {
                Some(false)
            } else {
                None
            }
        })?;
        if ready {
            return Ok((xvfb, name));
        }
    }
    Err(HarnessError::Setup(
        "no free X display between :100 and :199".to_owned(),
    ))
}
