//! `hearth-sim regulator`: the regulator's tariff files standalone.

use std::net::SocketAddr;

use super::{FOLDER, File, RegulatorSim};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on (loopback only: it is a test server).
    #[arg(long, default_value = "127.0.0.1:8092")]
    pub listen: SocketAddr,
}

pub fn run(args: Args) {
    crate::standalone::run("regulator", serve(args));
}

async fn serve(args: Args) -> std::io::Result<()> {
    if !args.listen.ip().is_loopback() {
        eprintln!(
            "hearth-sim regulator: refusing to listen on {} (loopback only)",
            args.listen
        );
        std::process::exit(2);
    }
    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    let base = format!("http://{}{FOLDER}", listener.local_addr()?);
    println!("Regulator tariff files simulator (the snapshot Hearth ships)");
    println!("  folder (the app's regulator feed): {base}");
    for file in File::ALL {
        println!("  {base}{}", file.name());
    }
    RegulatorSim::serve(listener, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}
