//! The loopback redirect (RFC 8252 §7.3): a small server that the browser is sent back to.
//!
//! - It binds 127.0.0.1 and nothing else: not `0.0.0.0`, not a configurable address. Nobody on the
//!   network can send it an answer.
//! - Plain HTTP or HTTPS share one implementation. HTTPS uses a certificate for `localhost` and
//!   127.0.0.1 generated at run time (no files to make); the browser warns once about it, and the
//!   user accepts, as qhue's users did with their hand-made certificate.
//! - One-shot: it serves until the flow's answer arrives (or its timeout), then stops listening.
//!   Other paths (`/favicon.ico`, `/robots.txt`) get a 404; answers with the wrong `state` get a
//!   failure page and the flow keeps waiting (see the module above); requests whose `Host` is not
//!   this server (DNS rebinding) get a 421.
//! - Its pages are not cached and send no `Referer` onward (the URL holds the code).

use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use hearth_secret::Secret;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use url::Url;

use super::{CallbackReceiver, DEFAULT_TIMEOUT, ReceiveError, Slot, UrlInbox, wait};
use crate::callback::Callback;
use crate::pages::{self, Page};

/// The port qhue used, and the one Hearth suggests registering.
pub const DEFAULT_PORT: u16 = 8584;
/// A connection that sends nothing (a browser's speculative preconnect) is closed after this.
const CONNECTION_TIMEOUT: Duration = Duration::from_secs(30);

/// The host name the redirect URI names. The server listens on 127.0.0.1 either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RedirectHost {
    /// `localhost`, what most providers' portals accept and what qhue's users registered.
    #[default]
    Localhost,
    /// `127.0.0.1`, which RFC 8252 §8.3 prefers (no resolver involved).
    Ip,
}

#[derive(Debug, Clone)]
pub struct LoopbackOptions {
    /// 0 picks a free port (only for providers that accept any loopback port, RFC 8252 §7.3).
    pub port: u16,
    pub tls: bool,
    pub host: RedirectHost,
    pub path: String,
    pub timeout: Duration,
}

impl LoopbackOptions {
    pub fn http(port: u16) -> Self {
        Self {
            port,
            tls: false,
            host: RedirectHost::default(),
            path: "/callback".to_owned(),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    pub fn https(port: u16) -> Self {
        Self {
            tls: true,
            ..Self::http(port)
        }
    }

    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    #[must_use]
    pub fn with_host(mut self, host: RedirectHost) -> Self {
        self.host = host;
        self
    }

    #[must_use]
    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        self.path = path.into();
        self
    }
}

impl Default for LoopbackOptions {
    fn default() -> Self {
        Self::http(DEFAULT_PORT)
    }
}

/// A listening loopback server. Dropping it stops the server.
#[derive(Debug)]
pub struct LoopbackReceiver {
    redirect_uri: Url,
    local_addr: SocketAddr,
    certificate_der: Option<Vec<u8>>,
    timeout: Duration,
    slot: Arc<Slot>,
    server: Option<JoinHandle<()>>,
}

impl LoopbackReceiver {
    /// Starts listening on 127.0.0.1 at once, so that the browser finds the server however fast
    /// the user consents.
    pub async fn bind(options: LoopbackOptions) -> Result<Self, ReceiveError> {
        let bind_error = |source| ReceiveError::Bind {
            port: options.port,
            source,
        };
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, options.port))
            .await
            .map_err(bind_error)?;
        let local_addr = listener.local_addr().map_err(bind_error)?;
        let (acceptor, certificate_der) = if options.tls {
            let (acceptor, der) = tls_acceptor()?;
            (Some(acceptor), Some(der))
        } else {
            (None, None)
        };

        let host = match options.host {
            RedirectHost::Localhost => "localhost".to_owned(),
            RedirectHost::Ip => Ipv4Addr::LOCALHOST.to_string(),
        };
        let scheme = if options.tls { "https" } else { "http" };
        let path = if options.path.starts_with('/') {
            options.path.clone()
        } else {
            format!("/{}", options.path)
        };
        let redirect_uri = Url::parse(&format!("{scheme}://{host}:{}{path}", local_addr.port()))
            .map_err(|_| ReceiveError::Bind {
                port: options.port,
                source: std::io::Error::other("the callback path is not valid in a URL"),
            })?;

        let slot = Arc::new(Slot::default());
        let site = Arc::new(Site {
            path: redirect_uri.path().to_owned(),
            port: local_addr.port(),
            slot: Arc::clone(&slot),
        });
        let server = tokio::spawn(serve(listener, acceptor, site));
        Ok(Self {
            redirect_uri,
            local_addr,
            certificate_der,
            timeout: options.timeout,
            slot,
            server: Some(server),
        })
    }

    /// Where the server listens (always 127.0.0.1).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The generated certificate (DER) in HTTPS mode, for tests that play the browser.
    pub fn certificate_der(&self) -> Option<&[u8]> {
        self.certificate_der.as_deref()
    }

    /// Where the redirect URL can also be handed over by hand: when the browser cannot reach the
    /// server (it runs on another machine, or refused the HTTPS certificate), the user pastes the
    /// address it ended on, and the same checks apply as for a request to the server.
    pub fn inbox(&self) -> UrlInbox {
        UrlInbox::new(self.redirect_uri.clone(), Arc::clone(&self.slot))
    }

    /// Whether the server still listens.
    pub fn is_listening(&self) -> bool {
        self.server
            .as_ref()
            .is_some_and(|server| !server.is_finished())
    }

    fn stop(&mut self) {
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }
}

impl Drop for LoopbackReceiver {
    fn drop(&mut self) {
        self.stop();
    }
}

impl CallbackReceiver for LoopbackReceiver {
    fn redirect_uri(&self) -> &Url {
        &self.redirect_uri
    }

    fn expect(&mut self, state: &str) {
        self.slot.expect(state);
    }

    async fn receive(&mut self, state: &str) -> Result<Secret, ReceiveError> {
        if self.server.is_none() {
            return Err(ReceiveError::Finished);
        }
        let answer = self.slot.arm(state);
        let result = wait(&self.slot, answer, self.timeout).await;
        // One-shot: whatever ended the wait, stop listening. Connections already accepted (the
        // one that carried the answer) run on their own tasks and finish their page.
        self.stop();
        result
    }
}

/// A certificate for `localhost` and 127.0.0.1, made now and kept in memory only.
fn tls_acceptor() -> Result<(TlsAcceptor, Vec<u8>), ReceiveError> {
    let certified =
        rcgen::generate_simple_self_signed(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
            .map_err(|_| ReceiveError::Certificate)?;
    let der = certified.cert.der().to_vec();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(certified.signing_key.serialize_der().into());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|_| ReceiveError::Certificate)?
        .with_no_client_auth()
        .with_single_cert(vec![certified.cert.der().clone()], key)
        .map_err(|_| ReceiveError::Certificate)?;
    Ok((TlsAcceptor::from(Arc::new(config)), der))
}

struct Site {
    path: String,
    port: u16,
    slot: Arc<Slot>,
}

async fn serve(listener: TcpListener, tls: Option<TlsAcceptor>, site: Arc<Site>) {
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(err) => {
                // Out of file descriptors and the like: pause rather than spin.
                tracing::warn!("the sign-in helper could not accept a connection: {err}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let site = Arc::clone(&site);
        let tls = tls.clone();
        tokio::spawn(async move {
            let connection = async {
                match tls {
                    Some(tls) => match tls.accept(stream).await {
                        Ok(stream) => serve_connection(stream, site).await,
                        // The browser refusing the self-signed certificate (before the user
                        // accepts it) ends up here: expected, and retried by the browser.
                        Err(err) => tracing::debug!("TLS handshake with the browser failed: {err}"),
                    },
                    None => serve_connection(stream, site).await,
                }
            };
            let _ = tokio::time::timeout(CONNECTION_TIMEOUT, connection).await;
        });
    }
}

async fn serve_connection<I>(io: I, site: Arc<Site>)
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |request| {
        let site = Arc::clone(&site);
        async move { Ok::<_, Infallible>(respond(&site, &request)) }
    });
    // No keep-alive: each page closes its connection, so nothing lingers after the flow.
    let result = hyper::server::conn::http1::Builder::new()
        .keep_alive(false)
        .serve_connection(TokioIo::new(io), service)
        .await;
    if let Err(err) = result {
        tracing::debug!("a sign-in helper connection ended badly: {err}");
    }
}

fn respond(site: &Site, request: &Request<Incoming>) -> Response<Full<Bytes>> {
    if !host_is_us(request, site.port) {
        return html(&pages::misdirected());
    }
    if request.uri().path() != site.path || request.method() != http::Method::GET {
        return html(&pages::not_found());
    }
    let result =
        Callback::from_query(request.uri().query().unwrap_or("")).and_then(|c| site.slot.offer(c));
    if let Err(err) = &result {
        tracing::info!("the sign-in helper refused an answer: {err}");
    }
    html(&pages::for_answer(&result))
}

/// Browsers always send `Host`; one naming another site means a page elsewhere resolved its own
/// name to 127.0.0.1 (DNS rebinding).
fn host_is_us(request: &Request<Incoming>, port: u16) -> bool {
    let Some(host) = request
        .headers()
        .get(http::header::HOST)
        .and_then(|host| host.to_str().ok())
    else {
        return false;
    };
    let expected = [format!("localhost:{port}"), format!("127.0.0.1:{port}")];
    expected.iter().any(|name| name.eq_ignore_ascii_case(host))
}

fn html(page: &Page) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(page.html.clone())));
    *response.status_mut() =
        http::StatusCode::from_u16(page.status).unwrap_or(http::StatusCode::BAD_REQUEST);
    let headers = response.headers_mut();
    for (name, value) in [
        ("content-type", "text/html; charset=utf-8"),
        ("cache-control", "no-store"),
        ("referrer-policy", "no-referrer"),
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        (
            "content-security-policy",
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        ),
    ] {
        headers.insert(name, http::HeaderValue::from_static(value));
    }
    response
}

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, Ipv4Addr, SocketAddr};
    use std::time::Duration;

    use oauth2::reqwest;

    use super::{LoopbackOptions, LoopbackReceiver, RedirectHost};
    use crate::callback::CallbackError;
    use crate::receiver::{Accepted, CallbackReceiver, ReceiveError};

    /// A client playing the browser: trusts the receiver's certificate, resolves `localhost` to
    /// 127.0.0.1 only, follows no redirects.
    fn browser(receiver: &LoopbackReceiver) -> reqwest::Client {
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .resolve("localhost", receiver.local_addr())
            .timeout(Duration::from_secs(30));
        if let Some(der) = receiver.certificate_der() {
            builder = builder.add_root_certificate(reqwest::Certificate::from_der(der).unwrap());
        }
        builder.build().unwrap()
    }

    async fn get(client: &reqwest::Client, url: &str) -> (u16, String) {
        let response = client.get(url).send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.text().await.unwrap())
    }

    /// Sends `url` until the receiver is armed (a request before then finds no flow waiting).
    async fn get_when_armed(client: &reqwest::Client, url: &str) -> (u16, String) {
        loop {
            let (status, body) = get(client, url).await;
            if !body.contains("Not the sign-in") {
                return (status, body);
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    async fn one_flow(options: LoopbackOptions) {
        let mut receiver = LoopbackReceiver::bind(options).await.unwrap();
        let addr = receiver.local_addr();
        assert_eq!(addr.ip(), IpAddr::from([127, 0, 0, 1]));
        let base = receiver.redirect_uri().clone();
        assert_eq!(base.host_str(), Some("localhost"));
        assert_eq!(base.path(), "/callback");
        let client = browser(&receiver);
        let flow = tokio::spawn(async move {
            let code = receiver.receive("the-state").await;
            (code, receiver)
        });

        let callback = |query: &str| format!("{base}?{query}");
        let (status, body) =
            get_when_armed(&client, &callback("code=GOOD&state=the-state&pkce=0")).await;
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("Hearth is linked"));
        let (code, receiver) = flow.await.unwrap();
        assert_eq!(code.unwrap().expose(), "GOOD");
        // One-shot: the server is gone.
        assert!(!receiver.is_listening());
        assert!(client.get(callback("code=a&state=b")).send().await.is_err());
    }

    #[tokio::test]
    async fn http_flow_succeeds_once() {
        one_flow(LoopbackOptions::http(0)).await;
    }

    #[tokio::test]
    async fn https_flow_succeeds_once_with_a_generated_certificate() {
        one_flow(LoopbackOptions::https(0)).await;
    }

    #[tokio::test]
    async fn strays_forgeries_and_incomplete_answers_do_not_end_the_flow() {
        let options = LoopbackOptions::https(0).with_host(RedirectHost::Ip);
        let mut receiver = LoopbackReceiver::bind(options).await.unwrap();
        let base = receiver.redirect_uri().clone();
        assert_eq!(base.host_str(), Some("127.0.0.1"));
        let client = browser(&receiver);
        let port = receiver.local_addr().port();
        let flow = tokio::spawn(async move { receiver.receive("the-state").await });
        let at = |path: &str| format!("https://127.0.0.1:{port}{path}");

        let (status, body) = get_when_armed(&client, &at("/callback?state=the-state")).await;
        assert_eq!(status, 400);
        assert!(body.contains("no authorization code"), "{body}");
        for stray in ["/favicon.ico", "/robots.txt", "/", "/callback/extra"] {
            let (status, body) = get(&client, &at(stray)).await;
            assert_eq!(status, 404, "{stray}");
            assert!(body.contains("Nothing here"));
        }
        let (status, body) = get(&client, &at("/callback?code=FORGED&state=wrong")).await;
        assert_eq!(status, 400);
        assert!(body.contains("Not the sign-in Hearth is waiting for"));
        let (status, _) = get(&client, &at("/callback?code=a&code=b&state=the-state")).await;
        assert_eq!(status, 400);
        let rebound = client
            .get(at("/callback?code=REBOUND&state=the-state"))
            .header("host", format!("evil.example:{port}"))
            .send()
            .await
            .unwrap();
        assert_eq!(rebound.status().as_u16(), 421);
        let post = client
            .post(at("/callback?code=POSTED&state=the-state"))
            .send()
            .await
            .unwrap();
        assert_eq!(post.status().as_u16(), 404);

        let (status, body) = get(&client, &at("/callback?code=GOOD&state=the-state")).await;
        assert_eq!(status, 200);
        assert!(body.contains("Hearth is linked"));
        assert_eq!(flow.await.unwrap().unwrap().expose(), "GOOD");
    }

    #[tokio::test]
    async fn denial_ends_the_flow_with_its_page() {
        let mut receiver = LoopbackReceiver::bind(LoopbackOptions::http(0))
            .await
            .unwrap();
        let base = receiver.redirect_uri().clone();
        let client = browser(&receiver);
        let flow = tokio::spawn(async move { receiver.receive("s").await });
        let (status, body) = get_when_armed(
            &client,
            &format!("{base}?error=access_denied&error_description=%3Cb%3Eno%3C%2Fb%3E&state=s"),
        )
        .await;
        assert_eq!(status, 200);
        assert!(body.contains("You declined"), "{body}");
        let err = flow.await.unwrap().unwrap_err();
        assert!(matches!(err, ReceiveError::Denied { .. }));
        assert_eq!(err.to_string(), "the sign-in was declined: <b>no</b>");
    }

    #[tokio::test]
    async fn times_out_and_stops_listening() {
        let options = LoopbackOptions::http(0).with_timeout(Duration::from_millis(50));
        let mut receiver = LoopbackReceiver::bind(options).await.unwrap();
        let err = receiver.receive("s").await.unwrap_err();
        assert!(matches!(err, ReceiveError::TimedOut(_)), "{err:?}");
        assert!(matches!(
            receiver.receive("s").await,
            Err(ReceiveError::Finished)
        ));
    }

    #[tokio::test]
    async fn a_busy_port_is_reported() {
        let first = LoopbackReceiver::bind(LoopbackOptions::http(0))
            .await
            .unwrap();
        let port = first.local_addr().port();
        let err = LoopbackReceiver::bind(LoopbackOptions::http(port))
            .await
            .unwrap_err();
        assert!(matches!(err, ReceiveError::Bind { .. }));
        assert!(err.to_string().contains(&format!("127.0.0.1:{port}")));
    }

    #[tokio::test]
    async fn a_pasted_redirect_reaches_the_waiting_flow_too() {
        let mut receiver = LoopbackReceiver::bind(LoopbackOptions::https(0))
            .await
            .unwrap();
        let inbox = receiver.inbox();
        let base = receiver.redirect_uri().clone();
        let flow = tokio::spawn(async move { receiver.receive("st").await });
        let forged = format!("{base}?code=FORGED&state=other");
        loop {
            match inbox.deliver(&forged) {
                Err(CallbackError::NoFlowWaiting) => tokio::task::yield_now().await,
                other => {
                    assert_eq!(other, Err(CallbackError::WrongState));
                    break;
                }
            }
        }
        assert_eq!(
            inbox.deliver("https://localhost:1/elsewhere?code=c&state=st"),
            Err(CallbackError::WrongRedirect)
        );
        assert_eq!(
            inbox.deliver(&format!("{base}?code=PASTED&state=st")),
            Ok(Accepted::Code)
        );
        assert_eq!(flow.await.unwrap().unwrap().expose(), "PASTED");
    }

    const IN_NAMESPACE: &str = "HEARTH_TEST_LOOPBACK_IN_NETNS";
    const TEST_NET: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);

    /// Outside: the server binds 127.0.0.1 and answers there. Then the same test runs again
    /// inside a network namespace it creates (`unshare --net`, as `crates/hue/tests/discovery.rs`
    /// does for mDNS), where it adds an interface with a TEST-NET address and checks that the
    /// server cannot be reached on it. No packet leaves this machine: the namespace has no route
    /// out, and the address is this namespace's own.
    #[test]
    fn is_never_reachable_on_a_non_loopback_address() {
        if std::env::var_os(IN_NAMESPACE).is_some() {
            return inside_the_namespace();
        }
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async {
            let receiver = LoopbackReceiver::bind(LoopbackOptions::http(0))
                .await
                .unwrap();
            let addr = receiver.local_addr();
            assert_eq!(addr.ip(), IpAddr::from(Ipv4Addr::LOCALHOST));
            tokio::net::TcpStream::connect(addr).await.unwrap();
        });

        let exe = std::env::current_exe().unwrap();
        // A dummy interface where the kernel has the module; a veth pair (both ends in the
        // namespace) where it has not.
        let script = "ip link set lo up \
            && { ip link add d0 type dummy 2>/dev/null \
                 || { ip link add d0 type veth peer name d1 && ip link set d1 up; }; } \
            && ip addr add 192.0.2.1/24 dev d0 && ip link set d0 up \
            && exec \"$0\" --exact receiver::loopback::tests::is_never_reachable_on_a_non_loopback_address --nocapture";
        let output = std::process::Command::new("unshare")
            .args(["--net", "sh", "-c", script])
            .arg(exe)
            .env(IN_NAMESPACE, "1")
            .output()
            .expect("`unshare` is needed to test the loopback server without a real network");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success(),
            "in the namespace:\n{stdout}\n{stderr}"
        );
        assert!(stdout.contains("1 passed"), "{stdout}");
    }

    fn inside_the_namespace() {
        // Refuse to go on unless this really is the private namespace (/proc/net follows the
        // process's namespace).
        let interfaces: Vec<String> = std::fs::read_to_string("/proc/net/dev")
            .unwrap()
            .lines()
            .skip(2)
            .filter_map(|line| line.split(':').next())
            .map(|name| name.trim().to_owned())
            .collect();
        assert!(
            interfaces
                .iter()
                .all(|i| ["lo", "d0", "d1"].contains(&i.as_str())),
            "not inside the test's network namespace: {interfaces:?}"
        );
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async {
            let connect = |addr: SocketAddr| async move {
                tokio::time::timeout(
                    Duration::from_secs(10),
                    tokio::net::TcpStream::connect(addr),
                )
                .await
                .is_ok_and(|connected| connected.is_ok())
            };
            // The address is this machine's: a server on all interfaces answers there, so the
            // check below can fail.
            let everywhere = tokio::net::TcpListener::bind((Ipv4Addr::UNSPECIFIED, 0))
                .await
                .unwrap();
            let control = SocketAddr::from((TEST_NET, everywhere.local_addr().unwrap().port()));
            assert!(
                connect(control).await,
                "{control} is not a local address here"
            );

            for options in [LoopbackOptions::http(0), LoopbackOptions::https(0)] {
                let receiver = LoopbackReceiver::bind(options).await.unwrap();
                let port = receiver.local_addr().port();
                assert!(connect(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await);
                let outside = SocketAddr::from((TEST_NET, port));
                assert!(
                    !connect(outside).await,
                    "the loopback receiver answered on {outside}"
                );
            }
        });
    }
}
