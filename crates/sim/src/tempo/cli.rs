//! `hearth-sim tempo`: the Tempo feed standalone.

use std::net::SocketAddr;

use jiff::Timestamp;

use super::{LIGHT_PATH, SEASON_PATH, TempoSim};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on (loopback only: it is a test server).
    #[arg(long, default_value = "127.0.0.1:8091")]
    pub listen: SocketAddr,
    /// A fixed "now" (RFC 3339, e.g. 2026-01-14T10:00:00+01:00); default: the real clock.
    #[arg(long)]
    pub now: Option<Timestamp>,
}

pub fn run(args: Args) {
    crate::standalone::run("tempo", serve(args));
}

async fn serve(args: Args) -> std::io::Result<()> {
    if !args.listen.ip().is_loopback() {
        eprintln!(
            "hearth-sim tempo: refusing to listen on {} (loopback only)",
            args.listen
        );
        std::process::exit(2);
    }
    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    let base = format!("http://{}", listener.local_addr()?);
    println!("Tempo calendar simulator (no real RTE data)");
    println!("  today and tomorrow: {base}{LIGHT_PATH}");
    println!("  a season:           {base}{SEASON_PATH}?season=2026-2027");
    println!("  tomorrow's colour is published at 10:40 French time");
    let mut builder = TempoSim::builder();
    if let Some(now) = args.now {
        builder = builder.now(now);
    }
    builder
        .serve(listener, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}
