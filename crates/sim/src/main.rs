//! `hearth-sim`: runs one of the simulators standalone, on the address given.

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "hearth-sim",
    version,
    about = "Simulators of the services Hearth talks to"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The Enedis Data Connect simulator (consent, tokens, subscribed services, metering data).
    Enedis(hearth_sim::enedis::cli::Args),
    /// The Hue bridge simulator (HTTPS, CLIP v2 and v1, event stream, a link button to press).
    Bridge(hearth_sim::bridge::cli::Args),
    /// The Hue cloud simulator (Remote API OAuth with Basic and Digest, /route/… to a bridge).
    Cloud(hearth_sim::cloud::cli::Args),
    /// The grid operator's Tempo calendar feed (tomorrow's colour published at 10:40).
    Tempo(hearth_sim::tempo::cli::Args),
    /// The regulator's tariff files (Option_Base.csv, Option_HPHC.csv, Option_Tempo.csv).
    Regulator(hearth_sim::regulator::cli::Args),
}

fn main() {
    let cli = Cli::parse();
    match cli.command {
        Command::Enedis(args) => hearth_sim::enedis::cli::run(args),
        Command::Bridge(args) => hearth_sim::bridge::cli::run(args),
        Command::Cloud(args) => hearth_sim::cloud::cli::run(args),
        Command::Tempo(args) => hearth_sim::tempo::cli::run(args),
        Command::Regulator(args) => hearth_sim::regulator::cli::run(args),
    }
}
