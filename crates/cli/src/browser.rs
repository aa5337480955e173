//! Opening a page in the user's browser: the system browser, never an embedded one (RFC 8252), by
//! the platform's own opener. Nothing is printed or logged about the URL here: the caller prints
//! it for the user when the browser does not open.

use std::process::{Command, Stdio};

/// Asks the desktop to open `url`. `Err` when no opener could be started (no desktop session, a
/// server without a browser): the caller shows the URL instead.
pub fn open(url: &str) -> std::io::Result<()> {
    let mut command = opener(url);
    command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    // The opener returns at once (the browser lives on); its exit status only says whether it
    // found a handler, which the user sees anyway.
    command.spawn().map(drop)
}

#[cfg(target_os = "macos")]
fn opener(url: &str) -> Command {
    let mut command = Command::new("open");
    command.arg(url);
    command
}

#[cfg(windows)]
fn opener(url: &str) -> Command {
    // `cmd /C start` would read `&` in the query as a command separator.
    let mut command = Command::new("rundll32");
    command.arg("url.dll,FileProtocolHandler").arg(url);
    command
}

#[cfg(not(any(target_os = "macos", windows)))]
fn opener(url: &str) -> Command {
    let mut command = Command::new("xdg-open");
    command.arg(url);
    command
}
