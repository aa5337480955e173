//! Every error answer in the RFC 6749 JSON shape, even those the routes never see: a body over
//! the limit (413), a method a route does not take (405), a path that is not UTF-8, a timeout,
//! and the requests hyper refuses before any service runs (a URI over 64 KiB: 414; too many or
//! too large headers: 431; an unparsable request: 400), which hyper answers with an empty body.
//!
//! - [`layer`]: a middleware, outermost, that gives any error response without a JSON or HTML
//!   body the JSON one its status means.
//! - [`JsonListener`]: the TCP listener the server runs on; its connections rewrite hyper's own
//!   empty error answers (written just before hyper closes the connection) into JSON ones.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use axum::extract::Request;
use axum::extract::connect_info::Connected;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::serve::{IncomingStream, Listener};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use crate::error::ErrorBody;

/// The error code and our words for a status the routes did not answer themselves.
fn meaning(status: StatusCode) -> (&'static str, &'static str) {
    match status.as_u16() {
        404 => ("not_found", "No such resource on this proxy."),
        405 => (
            "invalid_request",
            "This method is not allowed on this path.",
        ),
        408 => ("temporarily_unavailable", "The request took too long."),
        413 => ("invalid_request", "The request body is too large."),
        414 => ("invalid_request", "The request URI is too long."),
        415 => ("invalid_request", "Unsupported content type."),
        429 => ("temporarily_unavailable", "Too many requests: retry later."),
        431 => ("invalid_request", "The request headers are too large."),
        400..=499 => (
            "invalid_request",
            "The request is malformed (URL, path or headers).",
        ),
        _ => (
            "temporarily_unavailable",
            "The proxy could not answer: retry later.",
        ),
    }
}

fn body(status: StatusCode) -> String {
    let (error, error_description) = meaning(status);
    serde_json::to_string(&ErrorBody {
        error,
        error_description,
        interval: None,
        reason: None,
    })
    .unwrap_or_default()
}

/// The middleware: an error answer that is neither JSON nor a page becomes the JSON error of
/// its status (headers such as `Allow` and `Retry-After` are kept).
pub async fn layer(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let typed = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/json") || t.starts_with("text/html"));
    if typed {
        return response;
    }
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    parts
        .headers
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    (parts, body(status)).into_response()
}

/// The server's listener: a `TcpListener` whose connections answer hyper's own refusals in JSON.
pub struct JsonListener(pub TcpListener);

/// The client's socket address, as `ConnectInfo` (the listener's connections are not plain
/// `TcpStream`s, so axum's own `SocketAddr` info does not apply).
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub SocketAddr);

impl Listener for JsonListener {
    type Io = JsonErrors<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.0.accept().await {
                Ok((stream, addr)) => {
                    // Small answers go out at once, not after Nagle's delay.
                    let _ = stream.set_nodelay(true);
                    return (JsonErrors::new(stream), addr);
                }
                Err(e) => {
                    // Out of descriptors, or a connection reset while queued: wait, go on.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.0.local_addr()
    }
}

impl Connected<IncomingStream<'_, JsonListener>> for Peer {
    fn connect_info(stream: IncomingStream<'_, JsonListener>) -> Self {
        Self(*stream.remote_addr())
    }
}

/// A connection whose writes are watched for hyper's own error answer: a whole response head
/// with status 400, 414 or 431 and an empty body. It is replaced by the same status with a JSON
/// body. The application never writes such a head (the middleware gives its errors a body).
pub struct JsonErrors<T> {
    inner: T,
    /// A replacement being written, how much of it is written, and the length of the original
    /// write it stands for.
    replacing: Option<(Vec<u8>, usize, usize)>,
}

impl<T> JsonErrors<T> {
    fn new(inner: T) -> Self {
        Self {
            inner,
            replacing: None,
        }
    }
}

fn hyper_refusal(buf: &[u8]) -> Option<StatusCode> {
    let rest = buf
        .strip_prefix(b"HTTP/1.1 ")
        .or_else(|| buf.strip_prefix(b"HTTP/1.0 "))?;
    let status = match rest.get(..4)? {
        b"400 " => StatusCode::BAD_REQUEST,
        b"414 " => StatusCode::URI_TOO_LONG,
        b"431 " => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
        _ => return None,
    };
    let head_only = buf.ends_with(b"\r\n\r\n");
    let empty = buf
        .windows(19)
        .any(|w| w.eq_ignore_ascii_case(b"content-length: 0\r\n"));
    (head_only && empty).then_some(status)
}

fn replacement(status: StatusCode) -> Vec<u8> {
    let body = body(status);
    format!(
        "HTTP/1.1 {} {}\r\ncontent-type: application/json\r\ncache-control: no-store\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
        status.as_u16(),
        status.canonical_reason().unwrap_or(""),
        body.len()
    )
    .into_bytes()
}

impl<T: AsyncRead + Unpin> AsyncRead for JsonErrors<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for JsonErrors<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.replacing.is_none() {
            match hyper_refusal(buf) {
                Some(status) => self.replacing = Some((replacement(status), 0, buf.len())),
                None => return Pin::new(&mut self.inner).poll_write(cx, buf),
            }
        }
        let this = &mut *self;
        while let Some((bytes, written, original)) = this.replacing.as_mut() {
            if *written == bytes.len() {
                let original = *original;
                this.replacing = None;
                return Poll::Ready(Ok(original));
            }
            let n = ready!(Pin::new(&mut this.inner).poll_write(cx, &bytes[*written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            *written += n;
        }
        Poll::Ready(Ok(0))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hypers_empty_refusals_are_rewritten() {
        let hyper_414 = b"HTTP/1.1 414 URI Too Long\r\nconnection: close\r\ncontent-length: 0\r\ndate: Mon, 30 Nov 2026 01:18:14 GMT\r\n\r\n";
        assert_eq!(hyper_refusal(hyper_414), Some(StatusCode::URI_TOO_LONG));
        let ours = b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 80\r\n\r\n";
        assert_eq!(hyper_refusal(ours), None);
        let ok = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n";
        assert_eq!(hyper_refusal(ok), None);
        let text =
            String::from_utf8(replacement(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE)).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 431 "), "{head}");
        assert!(head.contains(&format!("content-length: {}", body.len())));
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(json["error"], "invalid_request");
    }
}
