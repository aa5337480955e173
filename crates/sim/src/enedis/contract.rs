//! The contract endpoints, the PRM in the path: `situation_contrat_auto/v1/{prm}` (an array of
//! snake_case records, the holder's personal data beside the contract, as Enedis answers) and
//! `comptage_auto/v1/{prm}` (the meter's off-peak windows in `relais.plageHeuresCreuses`).

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::data::SandboxPrm;
use super::gate::data_access;
use super::{SimState, fmt_date};

/// The simulated holder: what a proxy must never relay.
pub const HOLDER_NAME: &str = "Camille Dupont";
pub const HOLDER_EMAIL: &str = "camille.dupont@example.org";
pub const HOLDER_PHONE: &str = "0472000000";
pub const HOLDER_STREET: &str = "12 rue des Tilleuls";

pub(super) async fn contract_situation(
    State(state): State<Arc<SimState>>,
    Path(prm): Path<String>,
    headers: HeaderMap,
) -> Response {
    let meter = match data_access(&state, "contracts", &headers, &prm) {
        Ok(meter) => meter,
        Err(response) => return response,
    };
    // Public clients have seen the power as a bare string and as an object: serve both.
    let power = if meter.kilo_units {
        json!(meter.subscribed_kva.to_string())
    } else {
        json!({"unit": "kVA", "value": meter.subscribed_kva.to_string()})
    };
    // A meter activated recently has a contract that starts then.
    let contract_start = state.lock().activations.get(&prm).map_or_else(
        || "2019-03-01T00:00:00+01:00".to_owned(),
        |day| format!("{}T00:00:00+01:00", fmt_date(*day)),
    );
    let (first, last) = HOLDER_NAME.split_once(' ').unwrap_or((HOLDER_NAME, ""));
    Json(json!([{
        "usage_point_id": prm,
        "contract_start": contract_start,
        "contract_type": "CARD-S",
        "contractor": "GRD",
        "pricing_structure": "Base",
        "distribution_tariff": meter.tariff,
        "segment": "C5",
        "subscribed_power": power,
        "customer": {"customer_id": "-1"},
        "person": {"civility": "Mme", "first_name": first, "last_name": last},
        "contact_data": {"email": HOLDER_EMAIL, "phone": HOLDER_PHONE,
            "address": {"street": HOLDER_STREET, "postal_code": "69003", "city": "Lyon"}},
        "organization": null,
    }]))
    .into_response()
}

/// `HC (22H30-6H30;12H30-15H30)`.
fn offpeak(meter: &SandboxPrm) -> Option<String> {
    if meter.offpeak.is_empty() {
        return None;
    }
    let windows: Vec<String> = meter
        .offpeak
        .iter()
        .map(|((h1, m1), (h2, m2))| format!("{h1}H{m1:02}-{h2}H{m2:02}"))
        .collect();
    Some(format!("HC ({})", windows.join(";")))
}

pub(super) async fn metering_point(
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
        "typeComptage": "AMM",
        "relais": {"plageHeuresCreuses": offpeak(meter)},
        "adresseInstallation": {"ligne": HOLDER_STREET, "codePostal": "69003", "commune": "Lyon"},
    }))
    .into_response()
}
