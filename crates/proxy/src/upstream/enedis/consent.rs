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
    /// The day it ends, when the services listed carry their end (`dateFin`): the earliest.
    pub ends: Option<Date>,
}

impl Consent {
    /// The consent's last day and whether it is derived: Enedis's `dateFin` when listed, else
    /// its start (or `flow_day`, else today) plus `duration` (the ISO 8601 duration asked).
    pub fn end(&self, flow_day: Option<Date>, duration: &str) -> (Option<Date>, bool) {
        if let Some(end) = self.ends {
            return (Some(end), false);
        }
        let start = self
            .started
            .or(flow_day)
            .unwrap_or_else(|| time::OffsetDateTime::now_utc().date());
        (add_iso_duration(start, duration), true)
    }
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
                            started: earliest_date(&answer, api::SERVICE_START_FIELD),
                            ends: earliest_date(&answer, api::SERVICE_END_FIELD),
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

/// The earliest `field` (`dateDebut`, `dateFin`) among the listed services (a date, or a
/// timestamp whose day counts).
fn earliest_date(value: &Value, field: &str) -> Option<Date> {
    match value {
        Value::Object(map) => map
            .iter()
            .filter_map(|(key, value)| match value {
                Value::String(s) if key == field => parse_date(s.get(..10).unwrap_or(s)),
                Value::String(_) => None,
                other => earliest_date(other, field),
            })
            .min(),
        Value::Array(items) => items
            .iter()
            .filter_map(|item| earliest_date(item, field))
            .min(),
        _ => None,
    }
}

/// `start` plus an ISO 8601 duration of whole days (`P3Y`, `P1095D`, `P1Y6M`, `P2W`); `None`
/// for one it does not read (a time part, a fraction) or a day beyond the calendar.
fn add_iso_duration(start: Date, duration: &str) -> Option<Date> {
    let mut rest = duration.strip_prefix('P')?;
    if rest.is_empty() {
        return None;
    }
    let (mut months, mut days) = (0_i64, 0_i64);
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit())?;
        let n: i64 = rest.get(..digits)?.parse().ok()?;
        match rest.get(digits..=digits)? {
            "Y" => months += n.checked_mul(12)?,
            "M" => months += n,
            "W" => days += n.checked_mul(7)?,
            "D" => days += n,
            _ => return None,
        }
        rest = rest.get(digits + 1..)?;
    }
    let month0 = i64::from(start.year()) * 12 + i64::from(u8::from(start.month())) - 1 + months;
    let year = i32::try_from(month0.div_euclid(12)).ok()?;
    let month = time::Month::try_from(u8::try_from(month0.rem_euclid(12) + 1).ok()?).ok()?;
    // The 31st plus a month lands on the month's last day, as calendars do.
    let day = start.day().min(month.length(year));
    Date::from_calendar_date(year, month, day)
        .ok()?
        .checked_add(time::Duration::days(days))
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
            earliest_date(&answer, api::SERVICE_START_FIELD),
            Some(time::macros::date!(2026 - 11 - 29))
        );
        assert_eq!(
            earliest_date(
                &json!({"services": [{"pointId": "22516914714270"}]}),
                api::SERVICE_START_FIELD
            ),
            None,
            "no start given: nothing is invented"
        );
    }

    #[test]
    fn the_consent_end_is_the_earliest_service_end_when_given() {
        let answer = json!({"services": [{"pointId": "22516914714270", "dateFin": "2029-11-29"}, {"pointId": "24880057139941", "dateFin": "2029-11-28T23:59:59"}, {"pointId": "24880057139942"}]});
        assert_eq!(
            earliest_date(&answer, api::SERVICE_END_FIELD),
            Some(time::macros::date!(2029 - 11 - 28))
        );
    }

    #[test]
    fn the_consent_end_is_enedis_s_else_derived_from_the_start_and_the_duration() {
        use time::macros::date;
        let listed = Consent {
            prms: vec!["22516914714270".into()],
            started: Some(date!(2026 - 11 - 30)),
            ends: Some(date!(2027 - 05 - 30)),
        };
        assert_eq!(
            listed.end(None, "P3Y"),
            (Some(date!(2027 - 05 - 30)), false)
        );
        let unlisted = Consent {
            ends: None,
            ..listed
        };
        assert_eq!(
            unlisted.end(Some(date!(2026 - 12 - 01)), "P1095D"),
            (Some(date!(2029 - 11 - 29)), true),
            "from the consent's start"
        );
        let bare = Consent {
            started: None,
            ..unlisted
        };
        assert_eq!(
            bare.end(Some(date!(2026 - 12 - 01)), "P1Y"),
            (Some(date!(2027 - 12 - 01)), true),
            "from the flow's day"
        );
        assert_eq!(
            bare.end(None, "forever"),
            (None, true),
            "unreadable: unknown"
        );
    }

    #[test]
    fn iso_durations_of_whole_days_are_added_on_the_calendar() {
        use time::macros::date;
        let start = date!(2026 - 11 - 30);
        assert_eq!(
            add_iso_duration(start, "P1095D"),
            Some(date!(2029 - 11 - 29))
        );
        assert_eq!(add_iso_duration(start, "P3Y"), Some(date!(2029 - 11 - 30)));
        assert_eq!(
            add_iso_duration(start, "P1Y3M2W1D"),
            Some(date!(2028 - 03 - 15))
        );
        assert_eq!(
            add_iso_duration(date!(2027 - 01 - 31), "P1M"),
            Some(date!(2027 - 02 - 28))
        );
        for unread in ["", "P", "3Y", "PT12H", "P1.5Y", "PY"] {
            assert_eq!(add_iso_duration(start, unread), None, "{unread}");
        }
    }
}
