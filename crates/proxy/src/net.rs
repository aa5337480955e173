//! Request plumbing shared by the routes: the client's address, form bodies, the browser cookie.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::error::ApiError;

/// The client's address, for rate limits: the socket peer, or the last `X-Forwarded-For` hop
/// when `--trust-forwarded-for` says a reverse proxy in front sets it (earlier hops are whatever
/// the client wrote). An IPv6 client counts per /64: one subscriber is usually given a whole
/// /64, and would otherwise have 2^64 addresses to spread its guesses over.
#[derive(Debug, Clone)]
pub struct ClientAddr(pub String);

fn rate_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return v4.to_string();
            }
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if state.config.trust_forwarded_for
            && let Some(hop) = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .filter_map(|hop| hop.trim().parse::<IpAddr>().ok())
                .next_back()
        {
            return Ok(Self(rate_key(hop)));
        }
        let peer = parts
            .extensions
            .get::<ConnectInfo<crate::json_errors::Peer>>()
            .map(|c| c.0.0.ip())
            .or_else(|| {
                parts
                    .extensions
                    .get::<ConnectInfo<SocketAddr>>()
                    .map(|c| c.0.ip())
            });
        Ok(Self(peer.map_or_else(|| "unknown".to_owned(), rate_key)))
    }
}

/// Parses an `application/x-www-form-urlencoded` body into `T`; anything malformed is an RFC
/// `invalid_request`, not axum's plain-text rejection.
pub fn form<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_urlencoded::from_bytes(body).map_err(|_| ApiError::InvalidRequest("The body must be a form (application/x-www-form-urlencoded) with the fields documented."))
}

pub const BROWSER_COOKIE: &str = "hearth_proxy_browser";

/// The value of a cookie, if the request carries it.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
        .filter(|v| !v.is_empty() && v.len() <= 128)
}

/// The `Set-Cookie` value binding this browser: HttpOnly, `SameSite=Lax` (sent back on the
/// top-level redirect from the provider, not on cross-site sub-requests), `Secure` when the
/// proxy is served over HTTPS.
pub fn browser_cookie(state: &AppState, value: &str) -> String {
    let secure = if state.public_url.scheme() == "https" {
        "; Secure"
    } else {
        ""
    };
    format!("{BROWSER_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=86400{secure}")
}

/// The `Authorization: Bearer` token, if any.
pub fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
        .filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_count_per_64_and_ipv4_per_address() {
        let key = |s: &str| rate_key(s.parse().unwrap());
        assert_eq!(key("192.0.2.7"), "192.0.2.7");
        assert_eq!(key("::ffff:192.0.2.7"), "192.0.2.7");
        assert_eq!(key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(key("2001:db8:1:2:ffff:ffff:ffff:ffff"), "2001:db8:1:2::/64");
        assert_ne!(key("2001:db8:1:3::1"), key("2001:db8:1:2::1"));
    }
}
