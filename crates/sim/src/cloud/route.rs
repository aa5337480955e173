//! `/route/…`: the Remote API's proxy to the user's bridge.

use std::sync::Arc;
use std::time::Instant;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::Shared;

/// The fault the real cloud sends for a missing, unknown or expired token.
fn invalid_token() -> Response {
    let mut response = (
        StatusCode::UNAUTHORIZED,
        Json(json!({
            "fault": {
                "faultstring": "Invalid Access Token",
                "detail": { "errorcode": "keymanagement.service.invalid_access_token" }
            }
        })),
    )
        .into_response();
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        header::HeaderValue::from_static("Bearer error=\"invalid_token\""),
    );
    response
}

/// A failure of the cloud itself (see `CloudSimHandle::fail_next_route`).
fn cloud_fault(status: u16) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let mut response = (
        status,
        Json(json!({ "fault": { "faultstring": "Simulated cloud failure" } })),
    )
        .into_response();
    if status == StatusCode::TOO_MANY_REQUESTS {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
    }
    response
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

pub(super) async fn forward(
    State(shared): State<Arc<Shared>>,
    method: Method,
    Path(rest): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let bridge = {
        let mut inner = shared.lock();
        let valid = bearer(&headers).is_some_and(|token| {
            inner
                .access_tokens
                .get(token)
                .is_some_and(|grant| grant.expires > Instant::now())
        });
        if !valid {
            inner.stats.rejected_route_calls += 1;
            return invalid_token();
        }
        if let Some(token) = bearer(&headers) {
            super::oauth::access_token_used(&mut inner, token);
        }
        inner.stats.route_calls += 1;
        if let Some(status) = inner.route_faults.pop_front() {
            return cloud_fault(status);
        }
        inner.bridge.clone()
    };

    let writes = method == Method::PUT || method == Method::POST;
    let json_body = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.trim_start().starts_with("application/json"));
    if writes && !json_body {
        return (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Json(json!({ "fault": { "faultstring": "Content-Type must be application/json" } })),
        )
            .into_response();
    }
    let Some(bridge) = bridge else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "fault": { "faultstring": "The bridge is not connected" } })),
        )
            .into_response();
    };

    // The remote link button: the cloud's own username `0` on the bridge's config.
    if method == Method::PUT && rest == "api/0/config" {
        let pressed = serde_json::from_slice::<Value>(&body)
            .ok()
            .and_then(|value| value.get("linkbutton").and_then(Value::as_bool))
            == Some(true);
        if !pressed {
            return Json(json!([{ "error": {
                "type": 6, "address": "/config", "description": "only linkbutton can be set remotely"
            }}]))
            .into_response();
        }
        (bridge.press_link_button)().await;
        shared.lock().stats.link_button_presses += 1;
        return Json(json!([{ "success": { "/config/linkbutton": true } }])).into_response();
    }

    let path = if rest == "api" || rest.starts_with("api/") || rest.starts_with("clip/v2/") {
        rest
    } else {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({ "fault": { "faultstring": "No such route" } })),
        )
            .into_response();
    };
    let Ok(mut target) = bridge.base_url.join(&path) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    target.set_query(query.as_deref());

    let mut request = bridge.http.request(method, target);
    for name in ["hue-application-key", "content-type", "accept"] {
        if let Some(value) = headers.get(name) {
            request = request.header(name, value);
        }
    }
    match request.body(body).send().await {
        Ok(reply) => {
            let status = reply.status();
            let content_type = reply.headers().get(header::CONTENT_TYPE).cloned();
            let body = reply.bytes().await.unwrap_or_default();
            let mut response = (status, body).into_response();
            if let Some(content_type) = content_type {
                response
                    .headers_mut()
                    .insert(header::CONTENT_TYPE, content_type);
            }
            response
        }
        Err(err) => {
            tracing::warn!("the cloud simulator could not reach the bridge: {err}");
            (
                StatusCode::BAD_GATEWAY,
                Json(json!({ "fault": { "faultstring": "The bridge did not answer" } })),
            )
                .into_response()
        }
    }
}
