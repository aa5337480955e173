//! How requests reach a bridge. [`LocalTransport`] speaks HTTPS to the bridge on the local
//! network; [`crate::RemoteTransport`] goes through the Hue cloud and implements the same trait,
//! so everything above it — the v2 and v1 clients, pairing, the pacer — is shared.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use futures_util::{Stream, StreamExt as _};
use hearth_secret::Secret;
use reqwest::Method;
use tokio::sync::Semaphore;

use crate::Error;
use crate::address::BridgeAddress;
use crate::tls::{
    self, BridgeIdentity, Observations, PeerCertificate, SharedObservations, TrustRoots,
};

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;
pub type ByteStream = Pin<Box<dyn Stream<Item = Result<Bytes, Error>> + Send>>;

/// One request, with its path relative to the bridge (`/clip/v2/resource/light`, `/api/config`).
#[derive(Clone, Debug)]
pub struct HttpRequest {
    pub method: Method,
    pub path: String,
    pub body: Option<Bytes>,
    /// Send the app key (`hue-application-key`); pairing and `/api/config` go without.
    pub authenticated: bool,
}

impl HttpRequest {
    pub fn get(path: impl Into<String>) -> Self {
        Self {
            method: Method::GET,
            path: path.into(),
            body: None,
            authenticated: true,
        }
    }

    pub fn with_json(
        method: Method,
        path: impl Into<String>,
        body: &impl serde::Serialize,
    ) -> Self {
        Self {
            method,
            path: path.into(),
            // Serializing our own plain structs cannot fail; an empty body would be refused loudly.
            body: serde_json::to_vec(body).ok().map(Bytes::from),
            authenticated: true,
        }
    }

    #[must_use]
    pub fn anonymous(mut self) -> Self {
        self.authenticated = false;
        self
    }
}

#[derive(Clone, Debug)]
pub struct HttpResponse {
    pub status: u16,
    pub body: Bytes,
    /// `Retry-After`, when a busy bridge says how long to wait.
    pub retry_after: Option<Duration>,
}

/// A way to reach one bridge.
pub trait Transport: Send + Sync + fmt::Debug {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, Error>>;

    /// Opens `GET /eventstream/clip/v2` and returns its body as it arrives.
    fn event_stream(&self) -> BoxFuture<'_, Result<ByteStream, Error>>;

    /// Where the bridge is, for messages.
    fn address(&self) -> String;
}

/// The settings of a [`LocalTransport`].
#[derive(Clone, Debug)]
pub struct LocalConfig {
    pub address: BridgeAddress,
    pub app_key: Option<Secret>,
    pub roots: TrustRoots,
    pub identity: BridgeIdentity,
    /// For one request and its answer; the event stream has its own watchdog instead.
    pub request_timeout: Duration,
    pub connect_timeout: Duration,
    /// The bridge answers 429 above about 3 concurrent requests: never send more.
    pub max_concurrent_requests: usize,
}

impl LocalConfig {
    pub fn new(address: BridgeAddress, identity: BridgeIdentity) -> Self {
        Self {
            address,
            app_key: None,
            roots: TrustRoots::signify(),
            identity,
            request_timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(5),
            max_concurrent_requests: 3,
        }
    }
}

/// HTTPS to a bridge on the local network, with the certificate rules of [`crate::tls`].
pub struct LocalTransport {
    http: reqwest::Client,
    base: String,
    address: BridgeAddress,
    app_key: Option<Secret>,
    request_timeout: Duration,
    observations: SharedObservations,
    in_flight: Arc<Semaphore>,
}

impl fmt::Debug for LocalTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalTransport")
            .field("address", &self.address)
            .field("app_key", &self.app_key)
            .finish_non_exhaustive()
    }
}

impl LocalTransport {
    pub fn new(config: LocalConfig) -> Result<Self, Error> {
        let observations: SharedObservations = Arc::new(Mutex::new(Observations::default()));
        let tls = tls::client_config(config.roots, config.identity, Arc::clone(&observations))?;
        let http = reqwest::Client::builder()
            .use_preconfigured_tls(tls)
            .connect_timeout(config.connect_timeout)
            .http1_only()
            // The bridge is on the local network: a proxy would be wrong, and a redirect suspect.
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .pool_idle_timeout(Duration::from_secs(50))
            .build()
            .map_err(|err| Error::Unreachable {
                address: config.address.to_string(),
                reason: err.without_url().to_string(),
            })?;
        Ok(Self {
            http,
            base: config.address.base_url(),
            address: config.address,
            app_key: config.app_key,
            request_timeout: config.request_timeout,
            observations,
            in_flight: Arc::new(Semaphore::new(config.max_concurrent_requests.max(1))),
        })
    }

    /// The certificate the bridge presented on the last handshake (to pin it after a first
    /// contact, or to show it).
    pub fn peer_certificate(&self) -> Option<PeerCertificate> {
        tls::observations(&self.observations).seen.clone()
    }

    fn request(&self, method: Method, path: &str, authenticated: bool) -> reqwest::RequestBuilder {
        let mut builder = self.http.request(method, format!("{}{path}", self.base));
        if authenticated && let Some(key) = &self.app_key {
            builder = builder.header("hue-application-key", key.expose());
        }
        builder
    }

    /// A reqwest failure as a Hue error: a refused certificate is reported as such, everything
    /// else without the URL (which may hold a v1 username).
    fn failure(&self, err: &reqwest::Error) -> Error {
        if let Some(problem) = tls::observations(&self.observations).problem.take() {
            return Error::Certificate(problem);
        }
        if err.is_timeout() {
            return Error::Timeout {
                address: self.address.to_string(),
                after: self.request_timeout,
            };
        }
        Error::Unreachable {
            address: self.address.to_string(),
            reason: failure_reason(err),
        }
    }
}

/// Why a request failed, without the URL. reqwest's own message is generic ("error sending
/// request for url …", with the URL): the causes below it say what happened.
pub(crate) fn failure_reason(err: &reqwest::Error) -> String {
    let mut causes = Vec::new();
    let mut source = std::error::Error::source(err);
    while let Some(current) = source {
        causes.push(current.to_string());
        source = current.source();
    }
    if causes.is_empty() {
        "the request failed".to_owned()
    } else {
        causes.join(": ")
    }
}

/// `Retry-After` in seconds, when a busy server says how long to wait.
pub(crate) fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
}

/// Whether `url` is on this machine (a simulator): a proxy from the environment must not see
/// that traffic.
pub(crate) fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

impl Transport for LocalTransport {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, Error>> {
        Box::pin(async move {
            let _permit = self.in_flight.acquire().await.map_err(|_| Error::Closed)?;
            let mut builder = self
                .request(request.method, &request.path, request.authenticated)
                .timeout(self.request_timeout);
            if let Some(body) = request.body {
                builder = builder
                    .header("content-type", "application/json")
                    .body(body);
            }
            let response = builder.send().await.map_err(|err| self.failure(&err))?;
            let status = response.status().as_u16();
            let retry_after = retry_after(response.headers());
            let body = response.bytes().await.map_err(|err| self.failure(&err))?;
            Ok(HttpResponse {
                status,
                body,
                retry_after,
            })
        })
    }

    fn event_stream(&self) -> BoxFuture<'_, Result<ByteStream, Error>> {
        Box::pin(async move {
            let response = self
                .request(Method::GET, "/eventstream/clip/v2", true)
                .header("accept", "text/event-stream")
                // Only the wait for the headers; the body is watched by the stream's watchdog.
                .send();
            let response = tokio::time::timeout(self.request_timeout, response)
                .await
                .map_err(|_| Error::Timeout {
                    address: self.address.to_string(),
                    after: self.request_timeout,
                })?
                .map_err(|err| self.failure(&err))?;
            match response.status().as_u16() {
                200 => {}
                403 | 401 => return Err(Error::Unauthorized),
                status => {
                    return Err(Error::Http {
                        status,
                        message: "the event stream was refused".to_owned(),
                    });
                }
            }
            let address = self.address.to_string();
            let stream = response.bytes_stream().map(move |chunk| {
                chunk.map_err(|err| Error::Unreachable {
                    address: address.clone(),
                    reason: format!("the event stream broke: {}", err.without_url()),
                })
            });
            Ok(Box::pin(stream) as ByteStream)
        })
    }

    fn address(&self) -> String {
        self.address.to_string()
    }
}
