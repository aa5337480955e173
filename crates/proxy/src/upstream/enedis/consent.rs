//! Which PRMs a consent covers, asked server-side with the application token.

use serde_json::{Value, json};
use time::Date;

use super::token::APP_USER;
use super::{Enedis, UpstreamError, api, is_prm, parse_date};

/// What Enedis confirms of a consent.
#[derive(Debug, Default)]
pub struct Consent {
    /// The PRMs it covers; empty while Enedis has not confirmed it (yet).
    pub prms: Vec<String>,
    /// The day it began, when the services listed carry their start (`dateDebut`): the earliest.
    pub started: Option<Date>,
}

impl Enedis {
    /// The PRMs Enedis confirms for a consent, retried while the list is still empty (it is for
    /// a few seconds after consent). Empty after all tries: not confirmed (yet).
    pub async fn confirmed_prms(&self, autorisation_id: &str) -> Result<Consent, UpstreamError> {
        const ENDPOINT: &str = "subscribed_services/v1";
        // The 2026 API takes the id as a number; keep it a string only if it is not one.
        let id = autorisation_id
            .parse::<u64>()
            .map_or_else(|_| json!(autorisation_id), |n| json!(n));
        let body = json!({"autorisationId": id, "comptage": false, "etatCode": ["ACTIF", "DEMANDE"], "serviceType": "ACCES"});
        for attempt in 1..=self.subscription_tries.max(1) {
            let (status, answer) = self
                .call(ENDPOINT, APP_USER, |token| {
                    Ok(self
                        .http
                        .post(self.url(api::SUBSCRIBED_SERVICES_PATH)?)
                        .bearer_auth(token.expose())
                        .json(&body))
                })
                .await?;
            match status {
                200 => {
                    let mut prms = Vec::new();
                    collect_point_ids(&answer, &mut prms);
                    prms.sort();
                    prms.dedup();
                    if !prms.is_empty() {
                        return Ok(Consent {
                            prms,
                            started: earliest_start(&answer),
                        });
                    }
                }
                403 => return Err(UpstreamError::NoConsent),
                404 => {}
                other => {
                    return Err(UpstreamError::BadResponse {
                        endpoint: ENDPOINT,
                        reason: format!("status {other}"),
                    });
                }
            }
            if attempt < self.subscription_tries {
                tokio::time::sleep(self.subscription_delay).await;
            }
        }
        Ok(Consent::default())
    }
}

/// The earliest `dateDebut` among the listed services (a date, or a timestamp whose day counts).
fn earliest_start(value: &Value) -> Option<Date> {
    match value {
        Value::Object(map) => map
            .iter()
            .filter_map(|(key, value)| match value {
                Value::String(s) if key == api::SERVICE_START_FIELD => {
                    parse_date(s.get(..10).unwrap_or(s))
                }
                Value::String(_) => None,
                other => earliest_start(other),
            })
            .min(),
        Value::Array(items) => items.iter().filter_map(earliest_start).min(),
        _ => None,
    }
}

fn collect_point_ids(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                match value {
                    Value::String(s) if key == api::POINT_ID_FIELD && is_prm(s) => {
                        out.push(s.clone());
                    }
                    _ => collect_point_ids(value, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_point_ids(v, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn point_ids_are_found_wherever_the_answer_nests_them() {
        let answer = json!({"services": [{"pointId": "22516914714270", "etatCode": "ACTIF"}, {"nested": {"pointId": "24880057139941"}}, {"pointId": "not-a-prm"}]});
        let mut prms = Vec::new();
        collect_point_ids(&answer, &mut prms);
        assert_eq!(prms, ["22516914714270", "24880057139941"]);
    }

    #[test]
    fn the_consent_start_is_the_earliest_service_start_when_given() {
        let answer = json!({"services": [{"pointId": "22516914714270", "dateDebut": "2026-11-30", "dateFin": "2029-11-29"}, {"pointId": "24880057139941", "dateDebut": "2026-11-29T10:00:00"}]});
        assert_eq!(
            earliest_start(&answer),
            Some(time::macros::date!(2026 - 11 - 29))
        );
        assert_eq!(
            earliest_start(&json!({"services": [{"pointId": "22516914714270"}]})),
            None,
            "no start given: nothing is invented"
        );
    }
}
