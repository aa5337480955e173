// Keeps a console window from opening next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::process::ExitCode;

fn main() -> ExitCode {
    // Answered before the single-instance plugin and GTK start: a package check or a script asks
    // on a machine with no display, and a running Hearth would otherwise swallow the argument.
    if std::env::args()
        .skip(1)
        .any(|arg| arg == "--version" || arg == "-V")
    {
        println!("hearth {}", env!("CARGO_PKG_VERSION"));
        return ExitCode::SUCCESS;
    }
    hearth_app::run()
}
