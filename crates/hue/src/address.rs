//! A bridge's address as users type it: `host`, `host:port`, `1.2.3.4:8443`, `[fe80::1]:443`.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::Error;

/// Serialized as the text users type (`host` or `host:port`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, specta::Type)]
#[specta(type = String)]
pub struct BridgeAddress {
    host: String,
    port: Option<u16>,
}

impl BridgeAddress {
    pub fn new(host: impl Into<String>, port: Option<u16>) -> Self {
        Self {
            host: host.into(),
            port,
        }
    }

    pub fn from_socket(addr: SocketAddr) -> Self {
        Self {
            host: addr.ip().to_string(),
            port: Some(addr.port()),
        }
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port, 443 unless given.
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(443)
    }

    /// `https://host[:port]` with IPv6 hosts in brackets.
    pub fn base_url(&self) -> String {
        let host = match self.host.parse::<IpAddr>() {
            Ok(IpAddr::V6(v6)) => format!("[{v6}]"),
            _ => self.host.clone(),
        };
        match self.port {
            Some(port) if port != 443 => format!("https://{host}:{port}"),
            _ => format!("https://{host}"),
        }
    }
}

impl FromStr for BridgeAddress {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self, Error> {
        let bad = || Error::BadAddress(text.to_owned());
        let text = text.trim();
        if text.is_empty() || text.contains(['/', '@', '?', '#', ' ']) {
            return Err(bad());
        }
        if let Ok(addr) = text.parse::<SocketAddr>() {
            return if addr.port() == 0 {
                Err(bad())
            } else {
                Ok(Self::from_socket(addr))
            };
        }
        if let Ok(ip) = text
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
        {
            return Ok(Self::new(ip.to_string(), None));
        }
        let (host, port) = match text.rsplit_once(':') {
            Some((host, port)) => (host, Some(port.parse::<u16>().map_err(|_| bad())?)),
            None => (text, None),
        };
        url::Host::parse(host).map_err(|_| bad())?;
        if port == Some(0) {
            return Err(bad());
        }
        Ok(Self::new(host.to_ascii_lowercase(), port))
    }
}

impl fmt::Display for BridgeAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v6 = matches!(self.host.parse::<IpAddr>(), Ok(IpAddr::V6(_)));
        match (self.port, v6) {
            (Some(port), true) => write!(f, "[{}]:{port}", self.host),
            (Some(port), false) => write!(f, "{}:{port}", self.host),
            (None, _) => f.write_str(&self.host),
        }
    }
}

impl Serialize for BridgeAddress {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for BridgeAddress {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::BridgeAddress;

    #[test]
    fn parses_what_users_type() {
        let mut out = String::new();
        for input in [
            "192.168.1.2",
            "192.168.1.2:8443",
            "Hue-Bridge.local",
            "hue.local:443",
            "[fe80::1]:444",
            "fe80::1",
            "127.0.0.1:0",
            "https://1.2.3.4",
            "host:port",
            "",
        ] {
            let line = match input.parse::<BridgeAddress>() {
                Ok(addr) => format!("{input:18} -> {addr} ({})\n", addr.base_url()),
                Err(err) => format!("{input:18} -> error: {err}\n"),
            };
            out.push_str(&line);
        }
        expect![[r#"
            192.168.1.2        -> 192.168.1.2 (https://192.168.1.2)
            192.168.1.2:8443   -> 192.168.1.2:8443 (https://192.168.1.2:8443)
            Hue-Bridge.local   -> hue-bridge.local (https://hue-bridge.local)
            hue.local:443      -> hue.local:443 (https://hue.local)
            [fe80::1]:444      -> [fe80::1]:444 (https://[fe80::1]:444)
            fe80::1            -> fe80::1 (https://[fe80::1])
            127.0.0.1:0        -> error: "127.0.0.1:0" is not a bridge address (expected a host name or IP, with an optional :port)
            https://1.2.3.4    -> error: "https://1.2.3.4" is not a bridge address (expected a host name or IP, with an optional :port)
            host:port          -> error: "host:port" is not a bridge address (expected a host name or IP, with an optional :port)
                               -> error: "" is not a bridge address (expected a host name or IP, with an optional :port)
        "#]]
        .assert_eq(&out);
    }
}
