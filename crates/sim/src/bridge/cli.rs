//! `hearth-sim bridge`: a simulated bridge for people (trying `hearth-cli` or the app by hand).

use std::net::SocketAddr;
use std::time::Duration;

use super::{BridgeSim, CertMode, SimConfig};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on (loopback only: it is a test server).
    #[arg(long, default_value = "127.0.0.1:8443")]
    pub listen: SocketAddr,
    /// How many lights.
    #[arg(long, default_value_t = 6)]
    pub lights: usize,
    /// How many rooms (the lights are spread over them; a zone covers the first two).
    #[arg(long, default_value_t = 3)]
    pub rooms: usize,
    /// Present a self-signed certificate (like older firmware) instead of one from the test CA.
    #[arg(long)]
    pub self_signed: bool,
    /// The same seed gives the same bridge id and resource ids.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Seconds the link button stays pressed.
    #[arg(long, default_value_t = 30)]
    pub link_window: u64,
}

pub fn run(args: Args) {
    crate::standalone::run("bridge", serve(args));
}

async fn serve(args: Args) -> Result<(), super::SimError> {
    if !args.listen.ip().is_loopback() {
        eprintln!(
            "hearth-sim bridge: refusing to listen on {} (loopback only)",
            args.listen
        );
        std::process::exit(2);
    }
    let sim = BridgeSim::start(SimConfig {
        listen: args.listen,
        lights: args.lights,
        rooms: args.rooms,
        seed: args.seed,
        cert: if args.self_signed {
            CertMode::SelfSigned
        } else {
            CertMode::SignedByTestCa
        },
        link_window: Duration::from_secs(args.link_window),
        ..SimConfig::default()
    })
    .await?;
    println!(
        "Simulated Hue bridge {} on https://{}",
        sim.bridge_id(),
        sim.address()
    );
    println!(
        "  {} lights in {} rooms; certificate {}",
        args.lights,
        args.rooms,
        if args.self_signed {
            "self-signed"
        } else {
            "from a test CA (Hearth will pin it)"
        }
    );
    println!();
    println!("Pair with it:      hearth-cli pair {}", sim.address());
    println!("Press the button:  press Enter here,");
    println!(
        "               or: curl -k -X POST https://{}/sim/linkbutton",
        sim.address()
    );
    println!("Change a light as another app would:");
    println!(
        "                   curl -k -X PUT https://{}/sim/light/<id> -d '{{\"on\":{{\"on\":true}}}}'",
        sim.address()
    );
    println!(
        "State:             curl -k https://{}/sim/state",
        sim.address()
    );
    println!(
        "Its cloud tunnel:  https://{} (for hearth-sim cloud --bridge)",
        sim.tunnel_addr()
    );
    println!(
        "Away from home:    curl -k -X POST https://{}/sim/lan/off (and /sim/lan/on)",
        sim.tunnel_addr()
    );
    println!("Stop:              Ctrl-C");
    // Standard input is read on a thread of its own: a blocking read has no place on the runtime.
    let (enter_tx, mut enter) = tokio::sync::mpsc::channel::<()>(4);
    std::thread::spawn(move || {
        for line in std::io::stdin().lines() {
            if line.is_err() || enter_tx.blocking_send(()).is_err() {
                return;
            }
        }
    });
    let mut stdin_open = true;
    loop {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => break,
            pressed = enter.recv(), if stdin_open => match pressed {
                Some(()) => {
                    sim.press_link_button();
                    println!("Link button pressed: pairing is open for {} s.", args.link_window);
                }
                None => stdin_open = false,
            },
        }
    }
    sim.shutdown().await;
    Ok(())
}
