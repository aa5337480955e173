//! Configuration: flags and environment (`clap`), the one source of truth. Secrets are read from
//! the environment or a `.env` file only, never from flags (flags show in `ps`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, ValueEnum};
use hearth_secret::Secret;
use url::Url;

/// The environment variable holding the upstream application's client secret.
pub const SECRET_ENV: &str = "HEARTH_PROXY_CLIENT_SECRET";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Mode {
    /// Any OAuth 2 provider with the authorization-code grant (PKCE, server-side exchange).
    Generic,
    /// Enedis Data Connect (2026 API): consent, `autorisation_id`, data proxy.
    Enedis,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// Which end of its interval an upstream load-curve timestamp marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum IntervalMark {
    Start,
    End,
}

#[derive(Debug, Clone, Parser)]
#[command(
    name = "hearth-proxy",
    version,
    args_override_self = true,
    about = "OAuth 2 device-flow proxy (RFC 8628) for Enedis Data Connect or any OAuth 2 provider"
)]
#[allow(clippy::struct_excessive_bools)] // Independent on/off switches, each a flag of its own.
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "HEARTH_PROXY_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// The URL users and upstream see (verification_uri, redirect URI). Default: http://LISTEN.
    #[arg(long, env = "HEARTH_PROXY_PUBLIC_URL")]
    pub public_url: Option<Url>,

    /// Storage: a file path or sqlite://PATH (embedded, default), or redis://HOST:PORT/DB.
    #[arg(
        long,
        env = "HEARTH_PROXY_STORE",
        default_value = "hearth-proxy.sqlite3"
    )]
    pub store: String,

    /// Upstream mode.
    #[arg(long, env = "HEARTH_PROXY_MODE", value_enum, default_value = "generic")]
    pub mode: Mode,

    /// Device clients allowed to use the proxy, as `client_id` or `client_id=Display name`
    /// (repeat the flag, or separate with commas in the environment).
    #[arg(long = "client", env = "HEARTH_PROXY_CLIENTS", value_delimiter = ',')]
    pub clients: Vec<String>,

    /// The proxy's own client id at the upstream provider. Default: the first --client.
    #[arg(long, env = "HEARTH_PROXY_UPSTREAM_CLIENT_ID")]
    pub upstream_client_id: Option<String>,

    /// Generic mode: the upstream authorization endpoint.
    #[arg(long, env = "HEARTH_PROXY_AUTHORIZE_URL")]
    pub authorize_url: Option<Url>,

    /// Generic mode: the upstream token endpoint.
    #[arg(long, env = "HEARTH_PROXY_TOKEN_URL")]
    pub token_url: Option<Url>,

    /// Generic mode: the scope asked upstream when the device asks none.
    #[arg(long, env = "HEARTH_PROXY_SCOPE")]
    pub scope: Option<String>,

    /// Enedis mode: the consent page (v2 authorize).
    #[arg(
        long,
        env = "HEARTH_PROXY_ENEDIS_AUTHORIZE_URL",
        default_value = "https://mon-compte-particulier.enedis.fr/dataconnect/v2/oauth2/authorize"
    )]
    pub enedis_authorize_url: Url,

    /// Enedis mode: the API gateway (token, subscribed services, metering data, contracts).
    #[arg(
        long,
        env = "HEARTH_PROXY_ENEDIS_API_URL",
        default_value = "https://gw.ext.prod.api.enedis.fr"
    )]
    pub enedis_api_url: Url,

    /// Enedis mode: the consent duration asked (ISO 8601, at most P3Y).
    #[arg(long, env = "HEARTH_PROXY_ENEDIS_DURATION", default_value = "P1095D")]
    pub enedis_duration: String,

    /// Enedis mode: which end of its interval an upstream load-curve timestamp marks (clients
    /// always get the v5 convention: the end).
    #[arg(
        long,
        env = "HEARTH_PROXY_ENEDIS_CURVE_TIMESTAMPS",
        value_enum,
        default_value = "end"
    )]
    pub enedis_curve_timestamps: IntervalMark,

    /// Enedis mode: tries of /subscribed_services while it is still empty after consent.
    #[arg(
        long,
        env = "HEARTH_PROXY_ENEDIS_SUBSCRIPTION_TRIES",
        default_value_t = 6
    )]
    pub enedis_subscription_tries: u32,

    /// Enedis mode: the wait between those tries, in milliseconds.
    #[arg(
        long,
        env = "HEARTH_PROXY_ENEDIS_SUBSCRIPTION_DELAY_MS",
        default_value_t = 1500
    )]
    pub enedis_subscription_delay_ms: u64,

    /// Upstream quota for the whole application, calls per second.
    #[arg(long, env = "HEARTH_PROXY_QUOTA_PER_SECOND", default_value_t = 5)]
    pub quota_per_second: u32,

    /// Upstream quota for the whole application, calls per hour (the 2026 swagger says 1,000).
    #[arg(long, env = "HEARTH_PROXY_QUOTA_PER_HOUR", default_value_t = 1_000)]
    pub quota_per_hour: u32,

    /// Longest time a data request waits in the pacer's queue, in seconds.
    #[arg(long, env = "HEARTH_PROXY_QUEUE_TIMEOUT_SECS", default_value_t = 30)]
    pub queue_timeout_secs: u64,

    /// Days a closed past period stays cached.
    #[arg(long, env = "HEARTH_PROXY_CACHE_DAYS", default_value_t = 30)]
    pub cache_days: u64,

    /// Lifetime of a device code / user code, in seconds.
    #[arg(long, env = "HEARTH_PROXY_CODE_LIFETIME_SECS", default_value_t = 600)]
    pub code_lifetime_secs: u64,

    /// Polling interval announced to devices, in seconds.
    #[arg(long, env = "HEARTH_PROXY_INTERVAL_SECS", default_value_t = 5)]
    pub interval_secs: u64,

    /// Polling interval in milliseconds (overrides --interval-secs; for tests).
    #[arg(long, env = "HEARTH_PROXY_INTERVAL_MS", hide = true)]
    pub interval_ms: Option<u64>,

    /// Added to a device's interval at each `slow_down`, in milliseconds (RFC 8628: 5 s).
    #[arg(long, env = "HEARTH_PROXY_SLOW_DOWN_STEP_MS", default_value_t = 5_000)]
    pub slow_down_step_ms: u64,

    /// User-code checks allowed per client address (IPv6: per /64) and window.
    #[arg(long, env = "HEARTH_PROXY_GUESSES_PER_ADDRESS", default_value_t = 20)]
    pub guesses_per_address: u64,

    /// A fixed budget of user-code checks for everyone together per window, instead of the one
    /// computed from the code space and the number of pending codes (see `codes::global_budget`).
    #[arg(long, env = "HEARTH_PROXY_GUESSES_GLOBAL")]
    pub guesses_global: Option<u64>,

    /// The least the computed global budget goes down to when many codes are pending, so that
    /// starting flows cannot make a lockout cheap.
    #[arg(long, env = "HEARTH_PROXY_GUESSES_GLOBAL_MIN", default_value_t = 1_000)]
    pub guesses_global_min: u64,

    /// The window of those limits, in seconds.
    #[arg(long, env = "HEARTH_PROXY_GUESS_WINDOW_SECS", default_value_t = 600)]
    pub guess_window_secs: u64,

    /// Device-code requests and refreshes allowed per client address and minute.
    #[arg(long, env = "HEARTH_PROXY_REQUESTS_PER_MINUTE", default_value_t = 60)]
    pub requests_per_minute: u64,

    /// Enedis mode: lifetime of the access tokens the proxy issues, in seconds.
    #[arg(long, env = "HEARTH_PROXY_ACCESS_TOKEN_SECS", default_value_t = 12_600)]
    pub access_token_secs: u64,

    /// Enedis mode: lifetime of the refresh tokens the proxy issues, in days.
    #[arg(long, env = "HEARTH_PROXY_REFRESH_TOKEN_DAYS", default_value_t = 1_095)]
    pub refresh_token_days: u64,

    /// Take the client address from X-Forwarded-For (only behind a reverse proxy that sets it).
    #[arg(long, env = "HEARTH_PROXY_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,

    /// Largest request body accepted, in bytes.
    #[arg(long, env = "HEARTH_PROXY_MAX_BODY_BYTES", default_value_t = 16 * 1024)]
    pub max_body_bytes: usize,

    /// Log format.
    #[arg(
        long,
        env = "HEARTH_PROXY_LOG_FORMAT",
        value_enum,
        default_value = "text"
    )]
    pub log_format: LogFormat,

    /// Log filter (tracing-subscriber syntax), e.g. `info` or `hearth_proxy=debug`.
    #[arg(long, env = "HEARTH_PROXY_LOG", default_value = "info")]
    pub log: String,

    /// A `.env` file read at start-up (for secrets); variables already set win.
    #[arg(long, env = "HEARTH_PROXY_ENV_FILE", default_value = ".env")]
    pub env_file: PathBuf,

    /// The upstream client secret: from the environment or `.env` only (`HEARTH_PROXY_CLIENT_SECRET`).
    #[arg(skip)]
    pub client_secret: Option<Secret>,
}

/// A device client the proxy serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    pub id: String,
    pub name: String,
}

impl Config {
    /// Reads `.env` (when present), then flags and environment, then the secret. A `.env` file
    /// that exists but cannot be read or parsed is an error: starting without the secrets the
    /// operator wrote there would only fail later, less clearly.
    pub fn load() -> Result<Self, dotenvy::Error> {
        // The `.env` path may itself come from a flag: peek at it before the full parse.
        let env_file = std::env::args()
            .skip_while(|a| a != "--env-file")
            .nth(1)
            .or_else(|| std::env::var("HEARTH_PROXY_ENV_FILE").ok())
            .unwrap_or_else(|| ".env".to_owned());
        match dotenvy::from_path(&env_file) {
            Err(dotenvy::Error::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
            Ok(()) => {}
        }
        let mut config = Self::parse();
        config.client_secret = std::env::var(SECRET_ENV)
            .ok()
            .filter(|s| !s.is_empty())
            .map(Secret::new);
        Ok(config)
    }

    /// The public base URL, always ending with `/` so that `join` appends to it.
    pub fn public_url(&self) -> Result<Url, url::ParseError> {
        Ok(with_trailing_slash(match &self.public_url {
            Some(url) => url.clone(),
            None => Url::parse(&format!("http://{}/", self.listen))?,
        }))
    }

    pub fn clients(&self) -> Vec<Client> {
        self.clients
            .iter()
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
            .map(|c| match c.split_once('=') {
                Some((id, name)) => Client {
                    id: id.trim().to_owned(),
                    name: name.trim().to_owned(),
                },
                None => Client {
                    id: c.to_owned(),
                    name: c.to_owned(),
                },
            })
            .collect()
    }

    pub fn upstream_client_id(&self) -> Option<String> {
        self.upstream_client_id
            .clone()
            .or_else(|| self.clients().first().map(|c| c.id.clone()))
    }

    pub fn interval(&self) -> Duration {
        Duration::from_millis(self.interval_ms.unwrap_or(self.interval_secs * 1000))
    }

    pub fn code_lifetime(&self) -> Duration {
        Duration::from_secs(self.code_lifetime_secs)
    }

    /// What the proxy still needs before a device can link an account. The server starts
    /// without it (and says so), answering clean errors in the meantime.
    pub fn missing(&self) -> Vec<String> {
        let mut missing = Vec::new();
        if self.clients().is_empty() {
            missing.push("at least one device client: --client CLIENT_ID[=Display name] (HEARTH_PROXY_CLIENTS)".to_owned());
        }
        match self.mode {
            Mode::Generic => {
                if self.authorize_url.is_none() {
                    missing.push("the upstream authorization endpoint: --authorize-url (HEARTH_PROXY_AUTHORIZE_URL), or --mode enedis".to_owned());
                }
                if self.token_url.is_none() {
                    missing.push(
                        "the upstream token endpoint: --token-url (HEARTH_PROXY_TOKEN_URL)"
                            .to_owned(),
                    );
                }
            }
            Mode::Enedis => {
                if self.client_secret.is_none() {
                    missing.push(format!(
                        "the Enedis application secret: {SECRET_ENV} in the environment or .env"
                    ));
                }
            }
        }
        missing
    }
}

/// `url` with a path ending in `/`, so that `join` appends to it instead of replacing its last
/// segment.
pub(crate) fn with_trailing_slash(mut url: Url) -> Url {
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_flags_means_loopback_embedded_store_and_a_list_of_what_is_missing() {
        let config = Config::try_parse_from(["hearth-proxy"]).unwrap();
        assert_eq!(config.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(config.store, "hearth-proxy.sqlite3");
        assert_eq!(
            config.public_url().unwrap().as_str(),
            "http://127.0.0.1:8080/"
        );
        let missing = config.missing().join("\n");
        assert!(missing.contains("--client"), "{missing}");
        assert!(missing.contains("--authorize-url"), "{missing}");
    }

    #[test]
    fn clients_take_an_optional_display_name() {
        let config = Config::try_parse_from([
            "hearth-proxy",
            "--client",
            "abc=Domoticz Linky",
            "--client",
            "xyz",
        ])
        .unwrap();
        assert_eq!(
            config.clients(),
            vec![
                Client {
                    id: "abc".into(),
                    name: "Domoticz Linky".into()
                },
                Client {
                    id: "xyz".into(),
                    name: "xyz".into()
                },
            ]
        );
        assert_eq!(config.upstream_client_id().as_deref(), Some("abc"));
    }
}
