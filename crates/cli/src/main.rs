//! `hearth-cli`: Hearth's lights and energy from a terminal or a script, over the same code and the same
//! configuration directory as the app (a bridge paired here is known there, and the reverse).

mod browser;
mod commands;
mod energy;
mod output;
mod remote;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use hearth_core::lights::LightsError;

/// The energy commands' exit codes, listed by `--help` and `energy --help` alike.
macro_rules! energy_exit_codes {
    () => {
        " 11  energy: no energy proxy set (hearth-cli energy link --proxy URL --client-id ID)
 12  energy: no meter linked
 13  energy: the link was refused (at the proxy's page or at Enedis)
 14  energy: the link's code expired before it was approved
 15  energy: the energy proxy could not be reached
 16  energy: sync paused by Enedis's quota or an outage (the time to retry is printed)
 17  energy: the meter must be linked again (consent gone or refused, not the holder)
 18  energy: regulated prices need the subscribed power, which the contract has not given yet
 19  energy: nothing to compare (no day of the last 12 months with a complete load curve)
 In energy commands, 3 is a --meter no linked meter has, 4 several meters linked and no
 --meter, and 2 also `unlink` without --keep-history or --delete-history when standard input
 is not a terminal, and an offer or off-peak windows refused (nothing is changed then).
"
    };
}

const EXIT_CODES: &str = concat!(
    "\
Exit codes:
  0  done
  1  any other failure
  2  wrong usage
  3  no light, room, zone, scene or bridge has that name or id
  4  the name matches several (they are listed)
  5  no bridge paired yet, or the bridge refused Hearth's app key (pair again)
  6  the bridge could not be reached, did not answer, or stayed busy
  7  the bridge's certificate is not the one Hearth trusts
  8  pairing: the link button was not pressed in time
  9  remote access: not set up, not linked, or to be linked again
 10  remote access: linking failed (declined, refused, timed out, port busy)
",
    energy_exit_codes!(),
    "
Environment:
  HEARTH_CONFIG_DIR       the configuration directory (like --config-dir)
  HEARTH_DATA_DIR         the data directory, where the energy history is (shared with the app)
  HEARTH_SECRET_STORE     keychain | file | memory | auto (default)
  HEARTH_DISCOVERY=off    no mDNS and no cloud discovery: manual addresses only
  HEARTH_DISCOVERY_URL    another cloud discovery endpoint
  HEARTH_HUE_EXTRA_ROOTS  a PEM file of extra certificate authorities to trust for bridges
  HEARTH_CLOUD_URL        another Hue cloud (a simulator) for remote access
  HEARTH_CLIENT_SECRET    the app's client secret for `remote link` (instead of --client-secret)
  HEARTH_LOG              log level on standard error (default: warn)"
);

#[derive(Parser)]
#[command(name = "hearth-cli", version, about = "Hearth's Hue lights and Linky energy from the command line", after_help = EXIT_CODES)]
struct Cli {
    /// Use only this bridge (its id or its address) when several are paired.
    #[arg(long, global = true)]
    bridge: Option<String>,
    /// The configuration directory shared with the app.
    #[arg(long, global = true, env = "HEARTH_CONFIG_DIR")]
    config_dir: Option<PathBuf>,
    /// Go through the Hue cloud (remote access), even when the bridge answers on the LAN.
    #[arg(long, global = true)]
    remote: bool,
    /// How long to wait for the bridges to answer before giving up, in seconds.
    #[arg(
        long,
        global = true,
        value_name = "SECONDS",
        default_value_t = 15,
        value_parser = clap::value_parser!(u64).range(1..=600)
    )]
    timeout: u64,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Look for bridges (mDNS, the cloud endpoint, and any --address given).
    Discover {
        /// An address to try as well (`host` or `host:port`); may be repeated.
        #[arg(long = "address")]
        addresses: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Pair with the bridge at ADDRESS: press its link button when asked.
    Pair {
        address: String,
        /// How long to wait for the button, in seconds.
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=600))]
        wait: u64,
    },
    /// The paired bridges and their connection.
    Bridges {
        #[arg(long)]
        json: bool,
    },
    /// Forget a paired bridge (its app key too).
    Forget {
        bridge_id: String,
    },
    Lights {
        #[arg(long)]
        json: bool,
    },
    Rooms {
        #[arg(long)]
        json: bool,
    },
    Zones {
        #[arg(long)]
        json: bool,
    },
    Scenes {
        #[arg(long)]
        json: bool,
    },
    /// Switch a light, room or zone on (by name or id; `room:`/`zone:`/`light:` to choose).
    On {
        target: String,
    },
    Off {
        target: String,
    },
    Toggle {
        target: String,
    },
    /// Brightness in percent.
    Bri {
        target: String,
        #[arg(value_parser = parse_percent)]
        percent: f64,
    },
    /// Colour temperature in mirek (153 cold – 500 warm).
    Ct {
        target: String,
        #[arg(value_parser = clap::value_parser!(u16).range(153..=500))]
        mirek: u16,
    },
    /// Colour as CIE xy.
    Color {
        target: String,
        #[arg(value_parser = parse_unit)]
        x: f64,
        #[arg(value_parser = parse_unit)]
        y: f64,
    },
    /// Recall a scene (by name, `Room/Scene`, or id).
    Scene {
        scene: String,
    },
    /// Switch every light off.
    AllOff,
    /// Print one line per change the bridge reports, until interrupted.
    Watch {
        #[arg(long)]
        json: bool,
    },
    /// Remote access through the Hue cloud: link, status, unlink.
    #[command(subcommand)]
    Remote(RemoteCommand),
    /// Enedis Linky meters through an energy proxy: link, meters, sync, daily, curve,
    /// max-power, production, export, offer, cost, compare, unlink.
    #[command(after_help = concat!("Exit codes (all of them: hearth-cli --help):\n  0  done\n  1  any other failure\n  2  wrong usage\n", energy_exit_codes!()))]
    Energy(energy::EnergyArgs),
}

/// Why a command failed: the lights' errors, or the energy commands'.
#[derive(Debug, thiserror::Error)]
enum Failure {
    #[error(transparent)]
    Lights(#[from] LightsError),
    #[error(transparent)]
    Energy(#[from] energy::EnergyError),
}

impl Failure {
    fn exit_code(&self) -> u8 {
        match self {
            Failure::Lights(err) => exit_code(err),
            Failure::Energy(err) => err.exit_code(),
        }
    }
}

#[derive(Subcommand)]
enum RemoteCommand {
    /// Link Hearth to your Hue account, so that the lights answer away from home.
    ///
    /// Register an app on the Hue developer portal first (developers.meethue.com, "My Apps"): it
    /// gives the client id and secret, and takes one callback URL, which must match --callback:
    /// loopback-http: http://localhost:<port>/callback; loopback-https:
    /// https://localhost:<port>/callback; deep-link: hearth://oauth/callback; paste: any page of
    /// yours (give it with --redirect-uri).
    Link {
        /// The app's client id (kept in remote.json). Optional once registered.
        #[arg(long)]
        client_id: Option<String>,
        /// The app's client secret (kept in the keychain). Optional once registered.
        #[arg(long, env = "HEARTH_CLIENT_SECRET", hide_env_values = true)]
        client_secret: Option<String>,
        /// How the answer comes back. Default: chosen from the registered callback (loopback-http
        /// when none is known).
        #[arg(long, value_enum)]
        callback: Option<CallbackMode>,
        /// The loopback port (default: the registered callback's, else 8584; 0: any free port).
        #[arg(long)]
        port: Option<u16>,
        /// The callback URL registered on the portal (paste mode needs it).
        #[arg(long)]
        redirect_uri: Option<String>,
        /// Print the authorization URL on standard output instead of opening a browser.
        #[arg(long)]
        no_browser: bool,
        /// Another Hue cloud than https://api.meethue.com (a simulator). Saved for later commands.
        #[arg(long)]
        cloud_url: Option<String>,
    },
    /// Whether remote access is set up and linked.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Forget the link (its tokens); the app registration stays.
    Unlink,
}

/// `--callback`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum CallbackMode {
    LoopbackHttp,
    LoopbackHttps,
    DeepLink,
    Paste,
}

fn parse_percent(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if (0.0..=100.0).contains(&value) => Ok(value),
        _ => Err("a number from 0 to 100".to_owned()),
    }
}

fn parse_unit(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if (0.0..=1.0).contains(&value) => Ok(value),
        _ => Err("a number from 0 to 1".to_owned()),
    }
}

/// What each kind of failure exits with (see `EXIT_CODES`).
fn exit_code(err: &LightsError) -> u8 {
    match err.kind() {
        "not_found" | "unknown_bridge" => 3,
        "ambiguous" => 4,
        "no_bridge" | "unauthorized" => 5,
        "unreachable" | "timeout" | "busy" | "not_connected" | "closed" | "stream_silent" => 6,
        "certificate" => 7,
        "button_not_pressed" | "link_button" => 8,
        "remote_not_registered" | "remote_not_linked" | "remote_relink" | "remote_token" => 9,
        "denied" | "invalid_client" | "bad_callback" | "port_busy" | "oauth" | "cancelled"
        | "link_timeout" => 10,
        _ => 1,
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_from_env("HEARTH_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("hearth-cli: cannot start: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("hearth-cli: {err}");
            ExitCode::from(err.exit_code())
        }
    }
}
