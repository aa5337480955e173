//! `hearth-sim enedis`: the simulator standalone, for linking an account by hand.

use std::net::SocketAddr;
use std::time::Duration;

use super::data::SANDBOX;
use super::{DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, EnedisSim};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on (loopback only: it is a test server).
    #[arg(long, default_value = "127.0.0.1:8090")]
    pub listen: SocketAddr,
    /// The registered application's client id.
    #[arg(long, default_value = DEFAULT_CLIENT_ID)]
    pub client_id: String,
    /// The registered application's client secret (a sandbox value, shown at start).
    #[arg(long, default_value = DEFAULT_CLIENT_SECRET)]
    pub client_secret: String,
    /// Where the consent page sends the browser back (the proxy's /auth/redirect).
    #[arg(long, default_value = "http://127.0.0.1:8080/auth/redirect")]
    pub redirect_uri: String,
    /// Consent at once, without showing the page (to one meter, as every 2026 consent).
    #[arg(long)]
    pub auto_consent: bool,
    /// The meter auto-consent picks (default: the customer's first).
    #[arg(long)]
    pub auto_consent_prm: Option<String>,
    /// How long /subscribed_services stays empty after a consent, in milliseconds.
    #[arg(long, default_value_t = 2_000)]
    pub subscription_delay_ms: u64,
    /// The application's quota per second.
    #[arg(long, default_value_t = 5)]
    pub quota_per_second: u32,
    /// The application's quota per hour (the 2026 swagger's 1,000).
    #[arg(long, default_value_t = 1_000)]
    pub quota_per_hour: u32,
    /// Load-curve timestamps mark the start of their interval (default: the end).
    #[arg(long)]
    pub curve_timestamps_at_start: bool,
}

pub fn run(args: Args) {
    crate::standalone::run("enedis", serve(args));
}

async fn serve(args: Args) -> std::io::Result<()> {
    if !args.listen.ip().is_loopback() {
        eprintln!(
            "hearth-sim enedis: refusing to listen on {} (loopback only)",
            args.listen
        );
        std::process::exit(2);
    }
    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    let base = format!("http://{}", listener.local_addr()?);
    println!("Enedis Data Connect simulator (no real data, no real Enedis)");
    println!("  API gateway (--enedis-api-url):       {base}");
    println!("  consent page (--enedis-authorize-url): {base}/dataconnect/v2/oauth2/authorize");
    println!("  client id:     {}", args.client_id);
    println!("  client secret: {}  (a sandbox value)", args.client_secret);
    println!("  redirect URI:  {}", args.redirect_uri);
    println!(
        "  auto-consent:  {}",
        if args.auto_consent {
            "on"
        } else {
            "off (POST /__sim/auto_consent?on=true)"
        }
    );
    println!("  sandbox PRMs:");
    for prm in SANDBOX {
        let owner = if prm.customer {
            ""
        } else {
            "  (another holder: ADAM-DC-0007)"
        };
        println!("    {}  {}{owner}", prm.id, prm.label);
    }
    println!("  faults: POST {base}/__sim/fail?count=3&status=503   stats: GET {base}/__sim/stats");
    println!("  throttle (429 900804 with nextAccessTime): POST {base}/__sim/throttle?secs=60");
    let mut builder = EnedisSim::builder();
    if let Some(prm) = &args.auto_consent_prm {
        builder = builder.auto_consent_prm(prm);
    }
    builder
        .client(&args.client_id, &args.client_secret, &args.redirect_uri)
        .auto_consent(args.auto_consent)
        .subscription_delay(Duration::from_millis(args.subscription_delay_ms))
        .quota(args.quota_per_second, args.quota_per_hour)
        .curve_timestamps_at_start(args.curve_timestamps_at_start)
        .serve(listener, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}
