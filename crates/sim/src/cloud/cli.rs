//! `hearth-sim cloud`: the Hue cloud simulator standalone, for linking by hand with
//! `hearth-cli remote link`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use super::{BridgeTarget, CloudSim, Consent, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET};
use crate::bridge::{BridgeSim, SimConfig};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8095")]
    pub listen: SocketAddr,
    /// The bridge `/route/…` forwards to: a running `hearth-sim bridge`, by the cloud tunnel
    /// address it prints (its certificate is pinned at first contact). Without it, a simulated bridge is started in this process.
    #[arg(long)]
    pub bridge: Option<url::Url>,
    /// The registered app's client id.
    #[arg(long, default_value = DEFAULT_CLIENT_ID)]
    pub client_id: String,
    /// The registered app's client secret (a sandbox value, shown at start).
    #[arg(long, default_value = DEFAULT_CLIENT_SECRET)]
    pub client_secret: String,
    /// The app's one callback URL, as on the developer portal (default: any).
    #[arg(long)]
    pub redirect_uri: Option<String>,
    /// What the consent page does.
    #[arg(long, value_enum, default_value_t = Consent::Ask)]
    pub consent: Consent,
    /// The access token's lifetime (`expires_in`), in seconds.
    #[arg(long, default_value_t = 7 * 24 * 3600)]
    pub access_token_lifetime: u64,
    /// The refresh token's lifetime, in seconds.
    #[arg(long, default_value_t = 100 * 24 * 3600)]
    pub refresh_token_lifetime: u64,
}

pub fn run(args: Args) {
    crate::standalone::run("cloud", serve(args));
}

/// The bridge to forward to, and the in-process one if this started it (kept alive here).
async fn bridge_target(args: &Args) -> std::io::Result<(BridgeTarget, Option<Arc<BridgeSim>>)> {
    if let Some(base_url) = args.bridge.clone() {
        return Ok((BridgeTarget::standalone(base_url)?, None));
    }
    let bridge = BridgeSim::start(SimConfig::default())
        .await
        .map_err(std::io::Error::other)?;
    let bridge = Arc::new(bridge);
    Ok((BridgeTarget::simulated(Arc::clone(&bridge))?, Some(bridge)))
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name == "localhost",
        None => false,
    }
}

async fn serve(args: Args) -> std::io::Result<()> {
    // Test servers: loopback only, on both sides.
    if !args.listen.ip().is_loopback() || args.bridge.as_ref().is_some_and(|b| !is_loopback(b)) {
        eprintln!("hearth-sim cloud: --listen and --bridge must be loopback addresses");
        std::process::exit(2);
    }
    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (bridge, in_process) = bridge_target(&args).await?;
    println!("Hue cloud simulator (no real Hue cloud, no real bridge)");
    println!("  base URL (replaces https://api.meethue.com): {base}");
    println!("  authorize: {base}/v2/oauth2/authorize   token: {base}/v2/oauth2/token");
    println!("  client id:     {}", args.client_id);
    println!("  client secret: {}  (a sandbox value)", args.client_secret);
    println!(
        "  callback URL:  {}",
        args.redirect_uri
            .as_deref()
            .unwrap_or("any (as sent by the app)")
    );
    println!(
        "  consent:       {:?} (POST {base}/__sim/consent?mode=ask|allow|deny)",
        args.consent
    );
    match &in_process {
        Some(sim) => {
            println!(
                "  /route/… forwards to a simulated bridge {} at https://{} (LAN pairing: \
                 hearth-cli pair {})",
                sim.bridge_id(),
                sim.address(),
                sim.address()
            );
            println!(
                "  away from home: curl -k -X POST https://{}/sim/lan/off (and /sim/lan/on)",
                sim.tunnel_addr()
            );
        }
        None => println!("  /route/… forwards to {}", bridge.base_url),
    }
    println!("  stats: GET {base}/__sim/stats");
    CloudSim::builder()
        .client(
            &args.client_id,
            &args.client_secret,
            args.redirect_uri.as_deref(),
        )
        .consent(args.consent)
        .access_token_lifetime(Duration::from_secs(args.access_token_lifetime))
        .refresh_token_lifetime(Duration::from_secs(args.refresh_token_lifetime))
        .bridge(bridge)
        .serve(listener, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}
