//! The consent page and the v2 authorize redirect with `autorisation_id`.

use std::fmt::Write as _;
use std::sync::atomic::Ordering;
use std::sync::{Arc, PoisonError};

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::data::{self, SANDBOX};
use super::{SimClient, SimState, page, redirect};
use crate::escape_html;

/// A duration Enedis accepts: ISO 8601 days, months or years, at most three years.
fn valid_duration(duration: &str) -> bool {
    let Some(rest) = duration.strip_prefix('P') else {
        return false;
    };
    let (number, unit) = rest.split_at(rest.len().saturating_sub(1));
    let Ok(n) = number.parse::<u32>() else {
        return false;
    };
    n > 0
        && match unit {
            "D" => n <= 1_095,
            "M" => n <= 36,
            "Y" => n <= 3,
            _ => false,
        }
}

#[derive(Deserialize)]
pub(super) struct AuthorizeQuery {
    client_id: Option<String>,
    response_type: Option<String>,
    state: Option<String>,
    duration: Option<String>,
}

fn callback(client: &SimClient, params: &[(&str, &str)]) -> String {
    let query = params
        .iter()
        .map(|(k, v)| {
            format!(
                "{k}={}",
                url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()
            )
        })
        .collect::<Vec<_>>()
        .join("&");
    let separator = if client.redirect_uri.contains('?') {
        '&'
    } else {
        '?'
    };
    format!("{}{separator}{query}", client.redirect_uri)
}

pub(super) async fn authorize(
    State(state): State<Arc<SimState>>,
    Query(query): Query<AuthorizeQuery>,
) -> Response {
    let Some(client) = query.client_id.as_deref().and_then(|id| state.client(id)) else {
        return page(
            StatusCode::BAD_REQUEST,
            "Application inconnue",
            "<p>Le paramètre client_id ne correspond à aucune application.</p>",
        );
    };
    let request_state = query.state.unwrap_or_default();
    if query.response_type.as_deref() != Some("code")
        || request_state.is_empty()
        || request_state.len() > 100
    {
        return page(
            StatusCode::BAD_REQUEST,
            "Requête invalide",
            "<p>response_type=code et state (100 caractères au plus) sont requis.</p>",
        );
    }
    let duration = query.duration.unwrap_or_default();
    if !valid_duration(&duration) {
        return page(
            StatusCode::BAD_REQUEST,
            "Durée invalide",
            "<p>duration doit être une durée ISO 8601 de trois ans au plus (ex. P1095D).</p>",
        );
    }
    if state.auto_consent.load(Ordering::SeqCst) {
        // One meter per consent: the one the switch names, else the customer's first.
        let named = state
            .auto_consent_prm
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let Some(prm) =
            named.or_else(|| SANDBOX.iter().find(|p| p.customer).map(|p| p.id.to_owned()))
        else {
            return page(
                StatusCode::BAD_REQUEST,
                "Aucun compteur",
                "<p>Ce client n’a aucun compteur.</p>",
            );
        };
        let id = state.new_autorisation(&client.id, prm);
        return redirect(&callback(
            client,
            &[
                ("autorisation_id", &id.to_string()),
                ("state", &request_state),
            ],
        ));
    }
    // A 2026 consent covers one meter: the person chooses which (the first is preselected).
    let mut meters = String::new();
    for (i, prm) in SANDBOX.iter().filter(|p| p.customer).enumerate() {
        let _ = write!(
            meters,
            "<label><input type=\"radio\" name=\"prm\" value=\"{id}\"{checked}> {id} — {label}</label>",
            id = prm.id,
            checked = if i == 0 { " checked" } else { "" },
            label = escape_html(prm.label)
        );
    }
    let body = format!(
        "<p>L’application <strong>{client}</strong> demande l’accès aux données d’un de vos compteurs pour une durée de {duration}.</p>\
         <form method=\"post\" action=\"/dataconnect/v2/oauth2/consent\">{meters}\
         <input type=\"hidden\" name=\"client_id\" value=\"{client}\"><input type=\"hidden\" name=\"state\" value=\"{st}\">\
         <button type=\"submit\" name=\"decision\" value=\"accept\">Accepter</button>\
         <button type=\"submit\" name=\"decision\" value=\"refuse\">Refuser</button></form>",
        client = escape_html(&client.id),
        duration = escape_html(&duration),
        st = escape_html(&request_state),
    );
    page(StatusCode::OK, "Consentement Enedis", &body)
}

pub(super) async fn consent(
    State(state): State<Arc<SimState>>,
    body: axum::body::Bytes,
) -> Response {
    // Parsed by hand to see repeated `prm` fields (serde's struct form keeps one).
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let Some(client) = field("client_id").and_then(|id| state.client(&id).cloned()) else {
        return page(
            StatusCode::BAD_REQUEST,
            "Application inconnue",
            "<p>client_id inconnu.</p>",
        );
    };
    let request_state = field("state").unwrap_or_default();
    if field("decision").as_deref() != Some("accept") {
        return redirect(&callback(
            &client,
            &[
                ("error", "access_denied"),
                ("error_description", "Le client a refusé le consentement"),
                ("state", &request_state),
            ],
        ));
    }
    let chosen: Vec<&String> = pairs
        .iter()
        .filter(|(k, _)| k == "prm")
        .map(|(_, v)| v)
        .collect();
    let [prm] = chosen[..] else {
        return page(
            StatusCode::BAD_REQUEST,
            "Un compteur par consentement",
            "<p>Choisissez un compteur, et un seul.</p>",
        );
    };
    if !data::sandbox(prm).is_some_and(|p| p.customer) {
        return page(
            StatusCode::BAD_REQUEST,
            "Compteur inconnu",
            "<p>Ce compteur n’est pas le vôtre.</p>",
        );
    }
    let id = state.new_autorisation(&client.id, prm.clone());
    redirect(&callback(
        &client,
        &[
            ("autorisation_id", &id.to_string()),
            ("state", &request_state),
        ],
    ))
}
