//! Which PRMs a consent covers, asked server-side with the application token.

use serde_json::{Value, json};

use super::token::APP_USER;
use super::{Enedis, UpstreamError, api, is_prm};

impl Enedis {
    /// The PRMs Enedis confirms for a consent, retried while the list is still empty (it is for
    /// a few seconds after consent). Empty after all tries: not confirmed (yet).
    pub async fn confirmed_prms(
        &self,
        autorisation_id: &str,
    ) -> Result<Vec<String>, UpstreamError> {
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
                        return Ok(prms);
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
        Ok(Vec::new())
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
}
