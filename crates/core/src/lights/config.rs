//! How the lights model is set up: where it keeps bridges, how it discovers, whom it trusts,
//! and its timings. [`LightsConfig::from_env`] is what the app and the CLI use.

use std::path::PathBuf;
use std::time::Duration;

use hearth_hue::RetryPolicy;
use hearth_hue::discovery::DiscoveryConfig;
use hearth_hue::events::stream::StreamConfig;
use hearth_hue::{PacerConfig, TrustRoots};

use super::LightsError;
use crate::remote::RemoteOptions;

/// `off` switches network discovery off: no mDNS, no cloud endpoint; manual addresses only.
pub const DISCOVERY_ENV: &str = "HEARTH_DISCOVERY";
/// Replaces the cloud discovery endpoint (default
/// [`hearth_hue::discovery::DEFAULT_CLOUD_URL`]).
pub const DISCOVERY_URL_ENV: &str = "HEARTH_DISCOVERY_URL";
/// A PEM file of extra roots to trust for bridge certificates (besides Signify's).
pub const EXTRA_ROOTS_ENV: &str = "HEARTH_HUE_EXTRA_ROOTS";

#[derive(Clone, Debug)]
pub struct LightsConfig {
    /// Where `bridges.json` lives; `None` keeps known bridges in memory only (the demo).
    pub config_dir: Option<PathBuf>,
    pub discovery: DiscoveryConfig,
    pub roots: TrustRoots,
    pub stream: StreamConfig,
    pub pacer: PacerConfig,
    pub retry: RetryPolicy,
    pub request_timeout: Duration,
    /// How long pairing waits for the link button, and how often it asks.
    pub pairing_timeout: Duration,
    pub pairing_poll: Duration,
    /// `app#instance`, as the bridge lists Hearth among its apps.
    pub devicetype: String,
    /// Connect only to this bridge (id or address): `hearth-cli --bridge`.
    pub only_bridge: Option<String>,
    /// Remote access through the Hue cloud, and when to use it.
    pub remote: RemoteOptions,
    /// How often to look whether another process (`hearth-cli` beside the app) changed the
    /// shared files, to pick up what it paired, forgot or linked (`None`: never; then
    /// [`super::Lights::reload_if_changed`] does it on demand). A look is a `stat` per file.
    pub files_check: Option<Duration>,
}

/// How long pairing waits for the link button by default (the UI's countdown shows it).
pub const PAIRING_TIMEOUT: Duration = Duration::from_secs(30);

impl LightsConfig {
    /// Defaults, with network discovery on.
    pub fn new(config_dir: Option<PathBuf>) -> Self {
        let devicetype = hearth_hue::pairing::devicetype("hearth", &host_name());
        Self {
            config_dir,
            discovery: DiscoveryConfig::network(),
            roots: TrustRoots::signify(),
            stream: StreamConfig::default(),
            pacer: PacerConfig::default(),
            retry: RetryPolicy::default(),
            request_timeout: Duration::from_secs(10),
            pairing_timeout: PAIRING_TIMEOUT,
            pairing_poll: Duration::from_secs(1),
            remote: RemoteOptions::new(devicetype.clone()),
            devicetype,
            only_bridge: None,
            files_check: Some(Duration::from_secs(2)),
        }
    }

    /// Defaults adjusted by [`DISCOVERY_ENV`], [`DISCOVERY_URL_ENV`], [`EXTRA_ROOTS_ENV`] and
    /// [`crate::remote::CLOUD_URL_ENV`].
    pub fn from_env(config_dir: Option<PathBuf>) -> Result<Self, LightsError> {
        let mut config = Self::new(config_dir);
        if std::env::var(DISCOVERY_ENV).is_ok_and(|v| v.eq_ignore_ascii_case("off")) {
            config.discovery = DiscoveryConfig::off();
        } else if let Ok(url) = std::env::var(DISCOVERY_URL_ENV)
            && !url.is_empty()
        {
            config.discovery.cloud_url = Some(url);
        }
        if let Some(path) = std::env::var_os(EXTRA_ROOTS_ENV).map(PathBuf::from) {
            let pem = std::fs::read_to_string(&path).map_err(|err| LightsError::Config {
                path: path.clone(),
                reason: err.to_string(),
            })?;
            config.roots = config
                .roots
                .with_pem(&pem)
                .map_err(|err| LightsError::Config {
                    path,
                    reason: err.to_string(),
                })?;
        }
        config.discovery.roots = config.roots.clone();
        config.remote.apply_env()?;
        Ok(config)
    }

    pub fn discovery_enabled(&self) -> bool {
        self.discovery.mdns || self.discovery.cloud_url.is_some()
    }
}

fn host_name() -> String {
    let from_env = std::env::var("HOSTNAME").or_else(|_| std::env::var("COMPUTERNAME"));
    from_env
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "desktop".to_owned())
}
