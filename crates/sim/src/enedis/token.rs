//! The client-credentials token endpoint.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use rand::RngCore as _;
use serde_json::json;

use super::gate::gate;
use super::{SimState, error};

pub(super) async fn token(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| decode_basic(b.trim()));
    let (id, secret) = basic.unwrap_or_else(|| {
        (
            form.get("client_id").cloned().unwrap_or_default(),
            form.get("client_secret").cloned().unwrap_or_default(),
        )
    });
    if let Some(refused) = gate(&state, "token", Some(&id)) {
        return refused;
    }
    if form.get("grant_type").map(String::as_str) != Some("client_credentials") {
        return error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "Seul client_credentials est accepté",
        );
    }
    if state.client(&id).is_none_or(|c| c.secret != secret) {
        return error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Identifiants de l’application invalides",
        );
    }
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    state
        .lock()
        .tokens
        .insert(token.clone(), (id, Instant::now() + state.token_lifetime));
    Json(json!({
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": state.token_lifetime.as_secs(),
        "scope": "am_application_scope default",
    }))
    .into_response()
}

fn decode_basic(encoded: &str) -> Option<(String, String)> {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD_NO_PAD;
    // Padding is optional, as for the clients' gateways.
    let bytes = STANDARD_NO_PAD.decode(encoded.trim_end_matches('=')).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}
