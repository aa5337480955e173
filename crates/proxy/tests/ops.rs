//! `app(state)` tested with `oneshot`: health, metrics, the OpenAPI document, clean 404s, and a
//! proxy started with no flags that says what it still needs.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics the test with its reason.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use clap::Parser as _;
use hearth_proxy::{Config, app, build_state};
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;

async fn unconfigured() -> (axum::Router, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("p.sqlite3");
    let config =
        Config::try_parse_from(["hearth-proxy", "--store", store.to_str().unwrap()]).unwrap();
    (app(build_state(config).await.unwrap()), dir)
}

async fn get(app: &axum::Router, uri: &str, accept: &str) -> (StatusCode, String, http::HeaderMap) {
    let response = app
        .clone()
        .oneshot(
            Request::get(uri)
                .header("Accept", accept)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(body.to_vec()).unwrap(), headers)
}

#[tokio::test]
async fn health_metrics_and_openapi() {
    let (app, _dir) = unconfigured().await;
    let (status, body, _) = get(&app, "/healthz", "*/*").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("not fully configured"), "{body}");

    let (status, body, headers) = get(&app, "/metrics", "*/*").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    assert!(
        body.contains("hearth_proxy_http_requests_total{route=\"/healthz\",status=\"200\"} 1"),
        "{body}"
    );
    assert!(body.ends_with("# EOF\n"));

    let (status, body, _) = get(&app, "/openapi.json", "*/*").await;
    assert_eq!(status, StatusCode::OK);
    let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/device/code",
        "/device/token",
        "/device/proxy",
        "/data/proxy/{path}",
        "/healthz",
    ] {
        assert!(
            doc["paths"].get(path).is_some(),
            "{path} missing from the OpenAPI document"
        );
    }
    assert!(
        doc["paths"]["/device/code"]["post"]["requestBody"]["content"]
            .get("application/x-www-form-urlencoded")
            .is_some()
    );
    assert!(
        doc["components"]["schemas"]
            .get("DeviceCodeResponse")
            .is_some()
    );
}

#[tokio::test]
async fn unconfigured_proxy_answers_clean_errors() {
    let (app, _dir) = unconfigured().await;
    let response = app
        .clone()
        .oneshot(
            Request::post("/device/code")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(Body::from("client_id=x"))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::UNAUTHORIZED,
        "no client is configured yet"
    );
    let (status, body, _) = get(&app, "/nope", "application/json").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&body).unwrap()["error"],
        "not_found"
    );
    let (status, body, headers) = get(&app, "/nope", "text/html").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("<!doctype html>"));
    assert!(headers.contains_key("content-security-policy"));
    let (status, _, headers) = get(&app, "/", "text/html").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers["location"], "http://127.0.0.1:8080/device");
    let (status, body, _) = get(
        &app,
        "/data/proxy/metering_data_dc/v5/daily_consumption",
        "application/json",
    )
    .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "no data route outside Enedis mode: {body}"
    );
    let (status, body, _) = get(&app, "/assets/proxy.css", "text/css").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("max-width"));
}
