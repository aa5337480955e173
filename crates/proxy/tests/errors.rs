//! Every error is JSON `{error, error_description}`, as the README promises: also a body over
//! the limit, a method a route does not take, a path that is not UTF-8, and the requests hyper
//! refuses before any route runs (URI too long, too many or too large headers, garbage).
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics the test with its reason.

mod common;

use common::{Backing, Proxy};
use serde_json::Value;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// Sends raw bytes on a fresh connection; returns the status and the JSON body.
async fn raw(addr: &str, request: &[u8]) -> (u16, Value, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    // The server may answer and close before it has read everything: a failed write is fine.
    let _ = stream.write_all(request).await;
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    let text = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no answer: {text:?}"));
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let json = serde_json::from_str(body).unwrap_or(Value::Null);
    (status, json, head.to_ascii_lowercase())
}

fn get(path: &str, extra_headers: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: test\r\n{extra_headers}Connection: close\r\n\r\n")
        .into_bytes()
}

#[tokio::test]
async fn every_refusal_is_json() {
    let backing = Backing::sqlite();
    let (listener, url) = Proxy::bind().await;
    let proxy = Proxy::start(
        listener,
        &[
            "--store".to_owned(),
            backing.address(),
            "--client".to_owned(),
            "test".to_owned(),
            "--authorize-url".to_owned(),
            "http://127.0.0.1:9/authorize".to_owned(),
            "--token-url".to_owned(),
            "http://127.0.0.1:9/token".to_owned(),
        ],
    )
    .await;
    let addr = url.trim_start_matches("http://").to_owned();
    let big_body = "a".repeat(40_000);
    let cases: Vec<(&str, Vec<u8>, u16)> = vec![
        (
            "a body over the limit",
            format!(
                "POST /device/code HTTP/1.1\r\nHost: test\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{big_body}",
                big_body.len()
            )
            .into_bytes(),
            413,
        ),
        (
            "a method the route does not take",
            b"PUT /device/code HTTP/1.1\r\nHost: test\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec(),
            405,
        ),
        ("a path that is not UTF-8", get("/data/proxy/%FF%FE", ""), 400),
        (
            "a URI over hyper's limit",
            get(&format!("/device?x={}", "a".repeat(70_000)), ""),
            414,
        ),
        (
            "more headers than hyper takes",
            get(
                "/healthz",
                &(0..120).fold(String::new(), |mut all, i| {
                    all.push_str("X-H");
                    all.push_str(&i.to_string());
                    all.push_str(": v\r\n");
                    all
                }),
            ),
            431,
        ),
        (
            "headers larger than hyper takes",
            get("/healthz", &format!("X-Big: {}\r\n", "a".repeat(600_000))),
            431,
        ),
        ("not HTTP at all", b"GARBAGE\r\n\r\n".to_vec(), 400),
        ("an unknown path", get("/nothing/here", ""), 404),
    ];
    for (what, request, expected) in cases {
        let (status, json, head) = raw(&addr, &request).await;
        assert_eq!(status, expected, "{what}");
        assert!(
            head.contains("content-type: application/json"),
            "{what}: {head}"
        );
        assert!(json["error"].is_string(), "{what}: {json}");
        assert!(json["error_description"].is_string(), "{what}: {json}");
    }
    proxy.stop().await;
}
