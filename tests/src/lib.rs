//! The harness of the end-to-end tests: child processes that die with the test, free ports, a
//! private X display and session bus (with what a desktop session offers: notifications, a tray
//! host, a window manager's close), and a small WebDriver client for the real app.

pub mod desktop;
pub mod keys;
pub mod oidc;
pub mod process;
pub mod session;
pub mod tray;
pub mod webdriver;

/// What can go wrong while setting up or driving an end-to-end test.
#[derive(Debug, thiserror::Error)]
pub enum HarnessError {
    #[error("could not start {what}: {source}")]
    Spawn {
        what: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Setup(String),
    #[error("timed out after {secs}s waiting for {what}")]
    Timeout { what: String, secs: u64 },
    #[error("WebDriver: {0}")]
    WebDriver(String),
    #[error(transparent)]
    Http(#[from] reqwest::Error),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

pub type Result<T, E = HarnessError> = std::result::Result<T, E>;
