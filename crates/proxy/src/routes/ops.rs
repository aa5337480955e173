//! Operations: `/healthz`, `/metrics` (Prometheus), `/openapi.json`, the pages' stylesheet, and
//! a clean 404.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use utoipa::OpenApi as _;

use crate::AppState;
use crate::error::ApiError;
use crate::openapi::ApiDoc;
use crate::pages;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi))
        .route("/assets/proxy.css", get(stylesheet))
        .route("/", get(home))
        .fallback(not_found)
}

/// Liveness and readiness: the store answers.
#[utoipa::path(get, path = "/healthz", responses((status = 200, description = "Ready", body = String), (status = 503, description = "The store does not answer")))]
pub async fn healthz(State(state): State<AppState>) -> Response {
    match state.store.get("meta:form-key").await {
        Ok(_) if state.upstream.is_some() => (StatusCode::OK, "ok\n").into_response(),
        Ok(_) => (StatusCode::OK, "ok (not fully configured)\n").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: the store does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "store unavailable\n").into_response()
        }
    }
}

async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
        )],
        state.metrics.render(),
    )
        .into_response()
}

async fn openapi() -> Response {
    let mut response = axum::Json(ApiDoc::openapi()).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    response
}

async fn stylesheet() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            ),
        ],
        include_str!("../../assets/proxy.css"),
    )
        .into_response()
}

/// The root sends people to the code entry.
async fn home(State(state): State<AppState>) -> Response {
    let location = state
        .public_url
        .join("device")
        .map_or_else(|_| "/device".into(), String::from);
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// JSON for API clients, a page for browsers.
async fn not_found(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if wants_html {
        let t = pages::texts(&headers);
        pages::error(&state, t, StatusCode::NOT_FOUND, t.not_found)
    } else {
        ApiError::NotFound.into_response()
    }
}
