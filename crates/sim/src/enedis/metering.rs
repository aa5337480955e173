//! `/mesure_synchrone_auto/v2/{name}`: the metering endpoints.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use time::Date;
use time::macros::format_description;

use super::data;
use super::gate::data_access;
use super::{SimState, error, fmt_date};

fn fmt_timestamp(at: time::PrimitiveDateTime) -> String {
    at.format(format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second]"
    ))
    .unwrap_or_default()
}

#[derive(Deserialize)]
pub(super) struct MeteringQuery {
    #[serde(rename = "pointId")]
    point_id: Option<String>,
    #[serde(rename = "dateDebut")]
    date_debut: Option<String>,
    #[serde(rename = "dateFin")]
    date_fin: Option<String>,
    #[serde(rename = "mesuresPas")]
    mesures_pas: Option<String>,
    #[serde(rename = "grandeurPhysique")]
    grandeur_physique: Option<String>,
}

pub(super) async fn metering(
    State(state): State<Arc<SimState>>,
    Path(name): Path<String>,
    headers: HeaderMap,
    Query(query): Query<MeteringQuery>,
) -> Response {
    // (grandeurMetier, grandeurPhysique, load curve?, max days, history days)
    let (metier, physique, curve, max_days, history) = match name.as_str() {
        "consommation_quotidienne" => ("CONS", "EA", false, 365, 3 * 365 + 1),
        "courbe_de_charge_consommation" => ("CONS", "PA", true, 7, 2 * 365 + 1),
        "puissance_conso_max_quotidienne" => ("CONS", "PMA", false, 365, 3 * 365 + 1),
        "production_quotidienne" => ("PROD", "EA", false, 365, 3 * 365 + 1),
        "courbe_de_charge_production" => ("PROD", "PA", true, 7, 2 * 365 + 1),
        _ => return error(StatusCode::NOT_FOUND, "not_found", "Ressource inconnue"),
    };
    // Per endpoint too, refused calls included, so that a test can count what a client asked.
    *state
        .lock()
        .calls
        .entry(format!("metering/{name}"))
        .or_default() += 1;
    let prm = query.point_id.unwrap_or_default();
    let meter = match data_access(&state, "metering", &headers, &prm) {
        Ok(meter) => meter,
        Err(response) => return response,
    };
    let parse = |d: Option<String>| {
        d.and_then(|d| Date::parse(&d, format_description!("[year]-[month]-[day]")).ok())
    };
    let (Some(start), Some(end)) = (parse(query.date_debut), parse(query.date_fin)) else {
        return error(
            StatusCode::BAD_REQUEST,
            "ADAM-ERR0123",
            "dateDebut et dateFin (AAAA-MM-JJ) sont requis",
        );
    };
    // The daily maximum power requires its step and quantity, as Enedis does.
    if physique == "PMA"
        && (query.mesures_pas.as_deref() != Some("P1D")
            || query.grandeur_physique.as_deref() != Some("PMA"))
    {
        return error(
            StatusCode::BAD_REQUEST,
            "ADAM-ERR0123",
            "mesuresPas=P1D et grandeurPhysique=PMA sont requis",
        );
    }
    if start >= end {
        return error(
            StatusCode::BAD_REQUEST,
            "ADAM-ERR0002",
            "La date de fin doit être postérieure à la date de début",
        );
    }
    let today = state.today();
    if start >= end
        || (end - start).whole_days() > max_days
        || end > today
        || start < today - time::Duration::days(history)
    {
        return error(
            StatusCode::BAD_REQUEST,
            "ADAM-ERR0123",
            "Période demandée invalide",
        );
    }
    let (activation, withheld, curve_off) = {
        let inner = state.lock();
        (
            inner.activations.get(&prm).copied(),
            inner.withheld.clone(),
            inner.load_curve_off.contains(&prm),
        )
    };
    if activation.is_some_and(|activated| start < activated) {
        return error(
            StatusCode::BAD_REQUEST,
            "ADAM-ERR0123",
            "La période demandée commence avant la date de mise en service du compteur",
        );
    }
    let produced = metier == "PROD";
    if curve && !produced && curve_off {
        // What Enedis answers for a meter whose hourly collection was never switched on
        // (reported by the users of public clients: daily data comes, the curve never does).
        return error(
            StatusCode::NOT_FOUND,
            "no_data_found",
            "no measure found for this usage point",
        );
    }
    if produced && meter.solar_peak_w == 0 {
        return error(
            StatusCode::NOT_FOUND,
            "no_data_found",
            "Aucune donnée de production pour ce point",
        );
    }
    let kilo = meter.kilo_units;
    let value = |base: u64| {
        if kilo {
            format!("{}.{:03}", base / 1000, base % 1000)
        } else {
            base.to_string()
        }
    };
    let mut points = Vec::new();
    let mut day = start;
    while day < end {
        if withheld.contains(&day) {
            // Not published yet: Enedis leaves the day out.
        } else if curve {
            // A French day: 46, 48 or 50 half hours, dated by the wall clock (the repeated
            // October hour twice), as a meter writes them.
            for half_hour in data::paris::half_hours(day) {
                let watts = if produced {
                    data::production_w(meter, day, half_hour.slot)
                } else {
                    data::load_w(meter, day, half_hour.slot)
                };
                let at = if state.curve_marks_start {
                    half_hour.local_start
                } else {
                    half_hour.local_end
                };
                points.push(json!({"v": value(u64::from(watts)), "d": fmt_timestamp(at), "p": "PT30M", "n": "B"}));
            }
        } else if physique == "PMA" {
            let (va, at) = data::max_power(meter, day);
            points.push(
                json!({"v": value(u64::from(va)), "d": fmt_timestamp(at), "p": "P1D", "n": "B"}),
            );
        } else {
            points.push(json!({"v": value(data::daily_wh(meter, day, produced)), "d": fmt_date(day), "p": "P1D", "n": "B"}));
        }
        day = day.next_day().unwrap_or(end);
    }
    if points.is_empty() {
        return error(
            StatusCode::NOT_FOUND,
            "no_data_found",
            "Aucune donnée pour la période demandée",
        );
    }
    let unit = match (physique, kilo) {
        ("EA", false) => "Wh",
        ("EA", true) => "kWh",
        ("PA", false) => "W",
        ("PA", true) => "kW",
        (_, false) => "VA",
        (_, true) => "kVA",
    };
    Json(json!({
        "idPrm": prm,
        "etapeMetier": "BRUT",
        "periode": {"dateDebut": fmt_date(start), "dateFin": fmt_date(end)},
        "grandeur": [{"grandeurMetier": metier, "grandeurPhysique": physique, "unite": unit, "points": points}],
    }))
    .into_response()
}
