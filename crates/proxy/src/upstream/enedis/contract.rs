//! The contract of a PRM, from the two 2026 contract endpoints, in the v5 shape.
//!
//! `situation_contrat_auto/v1/{prm}` answers an array of snake_case records: the contract's
//! technical fields and, beside them, the holder's `person`, `contact_data` and `organization`.
//! `comptage_auto/v1/{prm}` carries the meter's off-peak windows. Only technical fields are read,
//! by name, into the typed v5 model, which has no place for a name, an address or a contact.

use hearth_metering::{
    Contract, ContractsResponse, Customer, UsagePoint, UsagePointContracts, format_offpeak,
    parse_offpeak,
};
use serde_json::Value;

use super::data::check_data_status;
use super::{Enedis, UpstreamError, api};

/// The fields read from a situation record (everything else in it is ignored).
mod field {
    pub const USAGE_POINT_ID: &str = "usage_point_id";
    pub const SEGMENT: &str = "segment";
    pub const SUBSCRIBED_POWER: &str = "subscribed_power";
    pub const POWER_VALUE: &str = "value";
    pub const POWER_UNIT: &str = "unit";
    pub const DISTRIBUTION_TARIFF: &str = "distribution_tariff";
    pub const CONTRACT_TYPE: &str = "contract_type";
    pub const CONTRACT_STATUS: &str = "contract_status";
    pub const CONTRACT_START: &str = "contract_start";
    /// In the metering point's answer.
    pub const RELAY: &str = "relais";
    pub const OFFPEAK: &str = "plageHeuresCreuses";
}

impl Enedis {
    /// The contract of a PRM in the v5 shape, without the holder's personal data.
    pub async fn contracts(
        &self,
        user: &str,
        prm: &str,
    ) -> Result<ContractsResponse, UpstreamError> {
        let situation = self
            .contract_part(user, api::CONTRACT_SITUATION_PATH, prm)
            .await?;
        // The off-peak windows are a bonus: an application not subscribed to that API (or a
        // meter without them) still gets its contract.
        let point = match self
            .contract_part(user, api::METERING_POINT_PATH, prm)
            .await
        {
            Ok(point) => Some(point),
            Err(
                UpstreamError::NotSubscribed | UpstreamError::NoConsent | UpstreamError::NoData,
            ) => None,
            Err(e) => return Err(e),
        };
        Ok(contracts_to_v5(prm, &situation, point.as_ref()))
    }

    async fn contract_part(
        &self,
        user: &str,
        path: &str,
        prm: &str,
    ) -> Result<Value, UpstreamError> {
        let (status, body) = self
            .call("contracts", user, |token| {
                Ok(self
                    .http
                    .get(self.url(&format!("{path}{prm}"))?)
                    .bearer_auth(token.expose()))
            })
            .await?;
        check_data_status("contracts", status, &body)?;
        Ok(body)
    }
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// `"C5"`, `["C5"]` or `[{"segment": "C5"}]`: public clients have seen all three.
fn segment(v: &Value) -> Option<String> {
    match v {
        Value::Array(items) => items.iter().find_map(segment),
        Value::Object(map) => map.get(field::SEGMENT).and_then(segment),
        other => text(other),
    }
}

/// `"6"`, `6` or `{"unit": "kVA", "value": "6"}` → `"6 kVA"`.
fn subscribed_power(v: &Value) -> Option<String> {
    let (value, unit) = match v {
        Value::Object(map) => (
            map.get(field::POWER_VALUE).and_then(text)?,
            map.get(field::POWER_UNIT)
                .and_then(text)
                .unwrap_or_else(|| "kVA".into()),
        ),
        other => (text(other)?, "kVA".into()),
    };
    Some(format!("{value} {unit}"))
}

/// The windows as a string (`"HC (22H00-06H00)"`) or, as one client saw, an object of strings
/// (`{"default": "HC (…)"}`), rewritten in the v5 spelling (`"HC (22H00-6H00)"`).
fn offpeak(v: &Value) -> Option<String> {
    let raw = match v {
        Value::Object(map) => map.get("default").or_else(|| map.values().next())?,
        other => other,
    };
    let windows = parse_offpeak(raw.as_str()?)?;
    (!windows.is_empty()).then(|| format_offpeak(&windows))
}

/// The v5 contracts answer from a situation answer (an array of records, or one record) and,
/// when there is one, the metering point's answer.
pub fn contracts_to_v5(prm: &str, situation: &Value, point: Option<&Value>) -> ContractsResponse {
    let records: Vec<&Value> = match situation {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    let record = records
        .iter()
        .find(|r| r.get(field::USAGE_POINT_ID).and_then(Value::as_str) == Some(prm))
        .or_else(|| records.first())
        .copied()
        .unwrap_or(&Value::Null);
    let get = |name: &str| record.get(name).and_then(text);
    let contract = Contract {
        segment: record.get(field::SEGMENT).and_then(segment),
        subscribed_power: record
            .get(field::SUBSCRIBED_POWER)
            .and_then(subscribed_power),
        // The start of the contract in force is the v5 "last activation".
        last_activation_date: get(field::CONTRACT_START).map(|d| d.chars().take(10).collect()),
        distribution_tariff: get(field::DISTRIBUTION_TARIFF),
        offpeak_hours: point
            .and_then(|p| p.get(field::RELAY))
            .and_then(|r| r.get(field::OFFPEAK))
            .and_then(offpeak),
        contract_type: get(field::CONTRACT_TYPE),
        contract_status: get(field::CONTRACT_STATUS),
        last_distribution_tariff_change_date: None,
    };
    ContractsResponse {
        customer: Customer {
            usage_points: vec![UsagePointContracts {
                usage_point: UsagePoint {
                    usage_point_id: prm.to_owned(),
                    usage_point_status: None,
                    meter_type: None,
                },
                contracts: contract,
            }],
        },
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn contracts_keep_no_personal_data() {
        let situation = json!([{
            "usage_point_id": "22516914714270", "contract_start": "2019-03-01T00:00:00+01:00",
            "contract_type": "CARD-S", "distribution_tariff": "BTINFCU4", "segment": ["C5"],
            "subscribed_power": {"unit": "kVA", "value": "9"},
            "person": {"civility": "Mme", "last_name": "Dupont", "first_name": "Marie"},
            "contact_data": {"email": "m@example.org", "phone": "0102030405"},
            "organization": null,
            "customer": {"customer_id": "-1"},
        }]);
        let point = json!({"relais": {"plageHeuresCreuses": "HC (22H00-06H00)"}, "adresse": "3 rue des Lilas"});
        let v5 = contracts_to_v5("22516914714270", &situation, Some(&point));
        let text = serde_json::to_string(&v5).unwrap();
        for personal in ["Dupont", "Marie", "Lilas", "example.org", "0102030405"] {
            assert!(!text.contains(personal), "{text}");
        }
        assert_eq!(
            serde_json::to_value(&v5).unwrap(),
            json!({"customer": {"usage_points": [{
                "usage_point": {"usage_point_id": "22516914714270"},
                "contracts": {"segment": "C5", "subscribed_power": "9 kVA", "distribution_tariff": "BTINFCU4",
                    "offpeak_hours": "HC (22H00-6H00)", "contract_type": "CARD-S", "last_activation_date": "2019-03-01"},
            }]}})
        );
    }

    #[test]
    fn the_shapes_public_clients_have_seen() {
        for (power, want) in [
            (json!("6"), "6 kVA"),
            (json!(6), "6 kVA"),
            (json!({"unit": "kVA", "value": "12"}), "12 kVA"),
        ] {
            let v5 = contracts_to_v5(
                "1",
                &json!([{"subscribed_power": power, "segment": [{"segment": "C5"}]}]),
                None,
            );
            let c = &v5.customer.usage_points[0].contracts;
            assert_eq!(c.subscribed_power.as_deref(), Some(want));
            assert_eq!(c.segment.as_deref(), Some("C5"));
            assert_eq!(c.offpeak_hours, None);
        }
        let point =
            json!({"relais": {"plageHeuresCreuses": {"default": "HC (23H00-5H00;12H30-15H30)"}}});
        let v5 = contracts_to_v5("1", &json!({"segment": "C5"}), Some(&point));
        assert_eq!(
            v5.customer.usage_points[0]
                .contracts
                .offpeak_hours
                .as_deref(),
            Some("HC (23H00-5H00;12H30-15H30)")
        );
    }

    #[test]
    fn the_record_of_the_asked_prm_is_chosen() {
        let situation = json!([
            {"usage_point_id": "11111111111111", "distribution_tariff": "A"},
            {"usage_point_id": "22222222222222", "distribution_tariff": "B"},
        ]);
        let v5 = contracts_to_v5("22222222222222", &situation, None);
        assert_eq!(
            v5.customer.usage_points[0]
                .contracts
                .distribution_tariff
                .as_deref(),
            Some("B")
        );
    }
}
