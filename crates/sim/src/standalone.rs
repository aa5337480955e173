//! What the `hearth-sim` subcommands share: a runtime of their own, and a non-zero exit when the
//! simulator cannot run.

use std::fmt::Display;
use std::future::Future;

/// Runs `serve` to completion; `name` is the subcommand, for the error message.
pub(crate) fn run<E: Display>(name: &str, serve: impl Future<Output = Result<(), E>>) {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("hearth-sim: cannot start the runtime: {err}");
            std::process::exit(1);
        }
    };
    if let Err(err) = runtime.block_on(serve) {
        eprintln!("hearth-sim {name}: {err}");
        std::process::exit(1);
    }
}
