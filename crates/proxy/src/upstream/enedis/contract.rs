//! The contract of a PRM, from the two 2026 contract endpoints, in the v5 shape.

use serde_json::{Map, Value, json};

use super::data::check_data_status;
use super::{Enedis, UpstreamError, api};

impl Enedis {
    /// The contract of a PRM in the v5 shape, from the two 2026 endpoints, without the holder's
    /// personal data.
    pub async fn contracts(&self, user: &str, prm: &str) -> Result<Value, UpstreamError> {
        let mut parts = Vec::with_capacity(2);
        for path in [api::CONTRACT_SITUATION_PATH, api::METERING_POINT_PATH] {
            let (status, body) = self
                .call("contracts", user, |token| {
                    Ok(self
                        .http
                        .get(self.url(&format!("{path}{prm}"))?)
                        .bearer_auth(token.expose()))
                })
                .await?;
            check_data_status(status, &body)?;
            parts.push(body);
        }
        Ok(contracts_to_v5(prm, &parts[0], &parts[1]))
    }
}

/// The v5 contracts answer from the 2026 contract situation and metering point. Only technical
/// fields are copied, by name: the holder's name, address or contact never reach a client.
pub fn contracts_to_v5(prm: &str, situation: &Value, point: &Value) -> Value {
    let text = |v: &Value, field: &str| v.get(field).and_then(Value::as_str).map(str::to_owned);
    let power = situation.get("puissanceSouscrite").and_then(|p| {
        let value = p.get("valeur").and_then(|v| {
            v.as_str()
                .map(str::to_owned)
                .or_else(|| v.as_f64().map(|f| f.to_string()))
        })?;
        let unit = p.get("unite").and_then(Value::as_str).unwrap_or("kVA");
        Some(format!("{value} {unit}"))
    });
    let mut contracts = Map::new();
    for (v5, value) in [
        ("segment", text(situation, "segment")),
        ("subscribed_power", power),
        (
            "last_activation_date",
            text(situation, "dateDerniereActivation"),
        ),
        ("distribution_tariff", text(situation, "tarifAcheminement")),
        ("offpeak_hours", text(situation, "plagesHeuresCreuses")),
        ("contract_status", text(situation, "etatContractuel")),
        (
            "last_distribution_tariff_change_date",
            text(situation, "dateDernierChangementTarif"),
        ),
    ] {
        if let Some(value) = value {
            contracts.insert(v5.to_owned(), Value::String(value));
        }
    }
    let mut usage_point = Map::new();
    usage_point.insert("usage_point_id".into(), json!(prm));
    for (v5, value) in [
        ("usage_point_status", text(point, "etatPoint")),
        ("meter_type", text(point, "typeComptage")),
    ] {
        if let Some(value) = value {
            usage_point.insert(v5.to_owned(), Value::String(value));
        }
    }
    json!({"customer": {"usage_points": [{"usage_point": usage_point, "contracts": contracts}]}})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contracts_keep_no_personal_data() {
        let situation = json!({"idPrm": "22516914714270", "segment": "C5", "puissanceSouscrite": {"valeur": "9", "unite": "kVA"},
            "tarifAcheminement": "BTINFCU4", "etatContractuel": "SERVC",
            "titulaire": {"nom": "Dupont", "prenom": "Marie", "adresse": {"ligne": "3 rue des Lilas"}, "email": "m@example.org"}});
        let point = json!({"idPrm": "22516914714270", "typeComptage": "AMM", "etatPoint": "com", "adresseInstallation": "3 rue des Lilas"});
        let v5 = contracts_to_v5("22516914714270", &situation, &point);
        for personal in ["Dupont", "Marie", "Lilas", "example.org"] {
            assert!(!v5.to_string().contains(personal), "{v5}");
        }
        assert_eq!(
            v5,
            json!({"customer": {"usage_points": [{
                "usage_point": {"usage_point_id": "22516914714270", "usage_point_status": "com", "meter_type": "AMM"},
                "contracts": {"segment": "C5", "subscribed_power": "9 kVA", "distribution_tariff": "BTINFCU4", "contract_status": "SERVC"},
            }]}})
        );
    }
}
