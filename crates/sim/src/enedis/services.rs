//! `/subscribed_services/v1`: the PRMs an `autorisation_id` covers.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::gate::{bearer_client, gate};
use super::{SimState, error, fmt_date};

pub(super) async fn subscribed_services(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let client = match bearer_client(&state, &headers) {
        Ok(client) => client,
        Err(response) => {
            let _ = gate(&state, "subscribed_services", None);
            return response;
        }
    };
    if let Some(refused) = gate(&state, "subscribed_services", Some(&client)) {
        return refused;
    }
    let Ok(request) = serde_json::from_slice::<Value>(&body) else {
        return error(
            StatusCode::BAD_REQUEST,
            "ADAM-ERR0123",
            "Corps de requête invalide",
        );
    };
    let id = match request.get("autorisationId") {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.parse().ok(),
        _ => None,
    };
    let Some(id) = id else {
        return error(
            StatusCode::BAD_REQUEST,
            "ADAM-ERR0123",
            "autorisationId manquant",
        );
    };
    let inner = state.lock();
    let Some(autorisation) = inner
        .autorisations
        .get(&id)
        .filter(|a| a.client_id == client)
    else {
        return error(
            StatusCode::FORBIDDEN,
            "ADAM-DC-0008",
            "Aucun consentement pour cette autorisation",
        );
    };
    if autorisation.given.elapsed() < state.subscription_delay {
        return Json(json!({"services": []})).into_response();
    }
    let today = state.today();
    let services = vec![json!({
        "serviceSouscritId": format!("{id}-0"),
        "pointId": autorisation.prm,
        "serviceType": "ACCES",
        "etatCode": "ACTIF",
        "autorisationId": id,
        "dateDebut": fmt_date(today),
        "dateFin": fmt_date(today + time::Duration::days(1_095)),
    })];
    Json(json!({"services": services})).into_response()
}
