//! Where the energy proxy is, who the app is to it, and the names its tokens are kept under.

use std::time::Duration;

use reqwest::redirect::Policy;
use url::Url;

/// The proxy's address and the client id it knows the app by: what the user sets (or a
/// `hearth://energy/setup` link fills in), and all the client needs to reach it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyConfig {
    /// The base URL, always ending in `/` so that the routes join under it (a proxy may live
    /// under a path prefix behind a reverse proxy).
    url: Url,
    client_id: String,
}

/// A proxy setting that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("the proxy's address is not a URL")]
    NotAUrl,
    #[error("the proxy's address must start with https:// (or http:// on this machine)")]
    Scheme,
    #[error("the proxy's address must not carry a user, a password, a query or a fragment")]
    Extras,
    #[error("the client id must be 1 to 200 printable characters")]
    ClientId,
    #[error("the HTTP client could not be built")]
    Http,
}

impl ProxyConfig {
    /// Checks and keeps the proxy's settings. Plain `http` is accepted only for a loopback
    /// address (the demo's and the tests' proxy): tokens must not cross a network in clear.
    pub fn new(url: &str, client_id: &str) -> Result<Self, ConfigError> {
        let mut url = Url::parse(url.trim()).map_err(|_| ConfigError::NotAUrl)?;
        let loopback = match url.host() {
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
            None => false,
        };
        match url.scheme() {
            "https" => {}
            "http" if loopback => {}
            _ => return Err(ConfigError::Scheme),
        }
        if url.host().is_none() {
            return Err(ConfigError::NotAUrl);
        }
        if !url.username().is_empty()
            || url.password().is_some()
            || url.query().is_some()
            || url.fragment().is_some()
        {
            return Err(ConfigError::Extras);
        }
        if !url.path().ends_with('/') {
            let path = format!("{}/", url.path());
            url.set_path(&path);
        }
        let client_id = client_id.trim();
        if client_id.is_empty() || client_id.len() > 200 || client_id.chars().any(char::is_control)
        {
            return Err(ConfigError::ClientId);
        }
        Ok(Self {
            url,
            client_id: client_id.to_owned(),
        })
    }

    pub fn url(&self) -> &Url {
        &self.url
    }

    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// A route of the proxy (`device/code`, `data/proxy/…`), under its base URL.
    pub(crate) fn route(&self, route: &str) -> Result<Url, ConfigError> {
        self.url.join(route).map_err(|_| ConfigError::NotAUrl)
    }
}

/// The secret-store entry that holds a linked meter's tokens: one per meter, since one consent
/// covers one meter and each has its own refresh token.
pub fn token_entry(prm: &str) -> String {
    format!("energy/meter/{prm}/tokens")
}

/// Whether `value` is a PRM: 14 digits.
pub fn is_prm(value: &str) -> bool {
    value.len() == 14 && value.bytes().all(|b| b.is_ascii_digit())
}

/// An HTTP client for the proxy: no redirects (a proxy that redirects is misconfigured or
/// hostile, and following it would resend a bearer token), bounded in time.
pub fn http_client(timeout: Duration) -> Result<reqwest::Client, ConfigError> {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .connect_timeout(Duration::from_secs(15).min(timeout))
        .timeout(timeout)
        .build()
        .map_err(|_| ConfigError::Http)
}

#[cfg(test)]
mod tests {
    use super::{ConfigError, ProxyConfig, is_prm, token_entry};

    #[test]
    fn accepts_https_and_loopback_http_only() {
        let config = ProxyConfig::new("https://linky.example.org/hearth", "app").unwrap();
        assert_eq!(config.url().as_str(), "https://linky.example.org/hearth/");
        assert_eq!(
            config.route("device/code").unwrap().as_str(),
            "https://linky.example.org/hearth/device/code"
        );
        assert!(ProxyConfig::new("http://127.0.0.1:8080", "app").is_ok());
        assert!(ProxyConfig::new("http://[::1]:8080/", "app").is_ok());
        assert_eq!(
            ProxyConfig::new("http://linky.example.org", "app"),
            Err(ConfigError::Scheme)
        );
        assert_eq!(
            ProxyConfig::new("ftp://127.0.0.1", "app"),
            Err(ConfigError::Scheme)
        );
        assert_eq!(
            ProxyConfig::new("https://u:p@linky.example.org", "app"),
            Err(ConfigError::Extras)
        );
        assert_eq!(
            ProxyConfig::new("https://linky.example.org/?x=1", "app"),
            Err(ConfigError::Extras)
        );
        assert_eq!(
            ProxyConfig::new("not a url", "app"),
            Err(ConfigError::NotAUrl)
        );
        assert_eq!(
            ProxyConfig::new("https://linky.example.org", " "),
            Err(ConfigError::ClientId)
        );
        assert_eq!(
            ProxyConfig::new("https://linky.example.org", "a\nb"),
            Err(ConfigError::ClientId)
        );
    }

    #[test]
    fn prms_and_their_entries() {
        assert!(is_prm("22516914714270"));
        assert!(!is_prm("2251691471427"));
        assert!(!is_prm("2251691471427a"));
        assert!(!is_prm("22516914714270,24880057139941"));
        assert_eq!(
            token_entry("22516914714270"),
            "energy/meter/22516914714270/tokens"
        );
    }
}
