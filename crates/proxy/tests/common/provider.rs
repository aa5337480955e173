//! A small but real OAuth 2 authorization server (authorization code + PKCE S256 + refresh), for
//! the proxy's generic mode. It checks what a strict provider checks: the client secret, the
//! redirect URI, the PKCE verifier, single-use codes, rotating refresh tokens.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use base64::Engine as _;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::{APP_SECRET, CLIENT_ID};

/// An issued code: its PKCE challenge, redirect URI and scope.
type Issued = (String, String, Option<String>);

#[derive(Default)]
pub struct ProviderState {
    codes: Mutex<HashMap<String, Issued>>,
    refresh: Mutex<HashMap<String, u32>>,
    pub refuse: AtomicBool,
    pub fail_token: AtomicU32,
    pub token_calls: AtomicU32,
    counter: AtomicU32,
}

pub struct Provider {
    pub url: String,
    pub state: Arc<ProviderState>,
    _task: tokio::task::JoinHandle<()>,
}

impl Provider {
    pub async fn start() -> Self {
        let state = Arc::new(ProviderState::default());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let app = Router::new()
            .route("/authorize", get(authorize))
            .route("/token", post(token))
            .with_state(Arc::clone(&state));
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self {
            url,
            state,
            _task: task,
        }
    }

    pub fn args(&self, store: &str) -> Vec<String> {
        [
            "--store",
            store,
            "--mode",
            "generic",
            "--client",
            &format!("{CLIENT_ID}={}", super::CLIENT_NAME),
            "--authorize-url",
            &format!("{}/authorize", self.url),
            "--token-url",
            &format!("{}/token", self.url),
            "--scope",
            "read",
            "--interval-ms",
            "200",
        ]
        .iter()
        .map(ToString::to_string)
        .collect()
    }
}

fn redirect(to: String) -> Response {
    (StatusCode::FOUND, [(header::LOCATION, to)]).into_response()
}

async fn authorize(
    State(state): State<Arc<ProviderState>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let redirect_uri = q.get("redirect_uri").cloned().unwrap_or_default();
    let st = q.get("state").cloned().unwrap_or_default();
    if q.get("client_id").map(String::as_str) != Some(CLIENT_ID)
        || q.get("response_type").map(String::as_str) != Some("code")
        || q.get("code_challenge_method").map(String::as_str) != Some("S256")
    {
        return (StatusCode::BAD_REQUEST, "bad authorize request").into_response();
    }
    if state.refuse.load(Ordering::SeqCst) {
        return redirect(format!(
            "{redirect_uri}?error=access_denied&error_description=%3Cscript%3Ealert(1)%3C%2Fscript%3E&state={st}"
        ));
    }
    let n = state.counter.fetch_add(1, Ordering::SeqCst);
    let code = format!("code-{n}-upstream");
    state.codes.lock().unwrap().insert(
        code.clone(),
        (
            q.get("code_challenge").cloned().unwrap_or_default(),
            redirect_uri.clone(),
            q.get("scope").cloned(),
        ),
    );
    redirect(format!("{redirect_uri}?code={code}&state={st}"))
}

async fn token(
    State(state): State<Arc<ProviderState>>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    state.token_calls.fetch_add(1, Ordering::SeqCst);
    if state.fail_token.load(Ordering::SeqCst) > 0 {
        state.fail_token.fetch_sub(1, Ordering::SeqCst);
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "<html>upstream exploded: internal trace 0xdeadbeef</html>",
        )
            .into_response();
    }
    let error = |code: &str| {
        (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": code, "error_description": "<b>raw upstream text</b>"})),
        )
            .into_response()
    };
    if f.get("client_id").map(String::as_str) != Some(CLIENT_ID)
        || f.get("client_secret").map(String::as_str) != Some(APP_SECRET)
    {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "invalid_client"})),
        )
            .into_response();
    }
    let n = state.counter.fetch_add(1, Ordering::SeqCst);
    match f.get("grant_type").map(String::as_str) {
        Some("authorization_code") => {
            let Some((challenge, redirect_uri, scope)) = f
                .get("code")
                .and_then(|c| state.codes.lock().unwrap().remove(c))
            else {
                return error("invalid_grant");
            };
            let verifier = f.get("code_verifier").cloned().unwrap_or_default();
            let computed = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(Sha256::digest(verifier.as_bytes()));
            if computed != challenge || f.get("redirect_uri") != Some(&redirect_uri) {
                return error("invalid_grant");
            }
            state
                .refresh
                .lock()
                .unwrap()
                .insert(format!("upstream-refresh-{n}"), n);
            Json(json!({"access_token": format!("upstream-access-{n}"), "refresh_token": format!("upstream-refresh-{n}"),
                "token_type": "Bearer", "expires_in": 3600, "scope": scope})).into_response()
        }
        Some("refresh_token") => {
            let Some(_) = f
                .get("refresh_token")
                .and_then(|r| state.refresh.lock().unwrap().remove(r))
            else {
                return error("invalid_grant");
            };
            state
                .refresh
                .lock()
                .unwrap()
                .insert(format!("upstream-refresh-{n}"), n);
            Json(json!({"access_token": format!("upstream-access-{n}"), "refresh_token": format!("upstream-refresh-{n}"),
                "token_type": "Bearer", "expires_in": 3600})).into_response()
        }
        _ => error("unsupported_grant_type"),
    }
}
