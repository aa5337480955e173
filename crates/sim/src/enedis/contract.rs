//! The contract endpoints: `situation_contrat_auto/v1/{prm}` and `comptage_auto/v1/{prm}`.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::SimState;
use super::gate::data_access;

pub(super) async fn contract_situation(
    State(state): State<Arc<SimState>>,
    Path(prm): Path<String>,
    headers: HeaderMap,
) -> Response {
    let meter = match data_access(&state, "contracts", &headers, &prm) {
        Ok(meter) => meter,
        Err(response) => return response,
    };
    Json(json!({
        "idPrm": prm,
        "segment": "C5",
        "puissanceSouscrite": {"valeur": meter.subscribed_kva.to_string(), "unite": "kVA"},
        "tarifAcheminement": if meter.electric_heating { "BTINFCU4" } else { "BTINFCUST" },
        "plagesHeuresCreuses": "HC (22H30-6H30)",
        "etatContractuel": "SERVC",
        "dateDerniereActivation": "2019-03-01",
        "dateDernierChangementTarif": "2023-08-01",
        // Personal data the real API carries and a proxy must not relay.
        "titulaire": {"civilite": "Mme", "nom": "Dupont", "prenom": "Camille", "email": "camille.dupont@example.org",
            "adresse": {"ligne": "12 rue des Tilleuls", "codePostal": "69003", "commune": "Lyon"}},
    }))
    .into_response()
}

pub(super) async fn metering_point(
    State(state): State<Arc<SimState>>,
    Path(prm): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(response) = data_access(&state, "contracts", &headers, &prm) {
        return response;
    }
    Json(json!({
        "idPrm": prm,
        "typeComptage": "AMM",
        "etatPoint": "com",
        "adresseInstallation": {"ligne": "12 rue des Tilleuls", "codePostal": "69003", "commune": "Lyon"},
    }))
    .into_response()
}
